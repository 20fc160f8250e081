/* jdoc.h - a JSON document read in one pass (libyajl) into one arena: every
 * value is a jd_val, arrays and objects hold their members contiguously, and
 * the whole tree is freed at once. Built for big user-edited files (a plan
 * of 100,000 ideas): a tree of one malloc per value (jansson) spent most of
 * the load in malloc and free.
 *
 * As strict as jansson's json_loadb with JSON_REJECT_DUPLICATES: one value
 * of any type, no comments or trailing data, strictly valid UTF-8 (no
 * overlongs, no surrogates, \u escapes paired), no NUL in a string or key
 * (also not as \u0000), no duplicate key in an object, integers within long
 * long, reals finite. Strings point into the input when they had no escape,
 * so the input must outlive the document; they are not NUL-terminated. */
#ifndef LONGSD_JDOC_H
#define LONGSD_JDOC_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum { JD_NULL, JD_FALSE, JD_TRUE, JD_INT, JD_REAL, JD_STRING, JD_ARRAY, JD_OBJECT };

#define JD_MAX_DEPTH 1024 /* nesting; jansson's limit is 2048, plans need 4 */

typedef struct jd_val jd_val;
struct jd_val {
    const char *key; /* member name when inside an object (klen bytes), else NULL */
    union {
        long long i;      /* JD_INT */
        double d;         /* JD_REAL */
        const char *s;    /* JD_STRING: n bytes */
        const jd_val *kids; /* JD_ARRAY, JD_OBJECT: n members */
    } u;
    uint32_t klen;
    uint32_t n;
    uint8_t type;
};

typedef struct jdoc jdoc;

/* Where and why a text is not valid JSON (1-based line and column, 0-based
 * byte, as jansson reports them). */
typedef struct {
    int line, column;
    size_t byte;
    char text[160];
} jd_error;

/* Parse data[0..n). NULL on invalid JSON (*e says where) or no memory
 * (e->text is "out of memory", e->byte is (size_t)-1). Free with jdoc_free. */
jdoc *jdoc_parse(const char *data, size_t n, jd_error *e);
void jdoc_free(jdoc *d);
const jd_val *jdoc_root(const jdoc *d);

/* The member named key of obj; NULL when obj is NULL, not an object, or has
 * no such member. */
const jd_val *jd_get(const jd_val *obj, const char *key);

static inline int jd_is_object(const jd_val *v) { return v && v->type == JD_OBJECT; }
static inline int jd_is_array(const jd_val *v) { return v && v->type == JD_ARRAY; }
static inline int jd_is_string(const jd_val *v) { return v && v->type == JD_STRING; }
static inline int jd_is_integer(const jd_val *v) { return v && v->type == JD_INT; }
static inline int jd_is_number(const jd_val *v) { return v && (v->type == JD_INT || v->type == JD_REAL); }
static inline int jd_is_boolean(const jd_val *v) { return v && (v->type == JD_TRUE || v->type == JD_FALSE); }
static inline int jd_is_true(const jd_val *v) { return v && v->type == JD_TRUE; }
static inline int jd_is_null(const jd_val *v) { return v && v->type == JD_NULL; }
/* Members of an array (0 for anything else), and the i-th (NULL past the end). */
static inline size_t jd_size(const jd_val *v) { return jd_is_array(v) ? v->n : 0; }
static inline const jd_val *jd_at(const jd_val *v, size_t i) { return jd_is_array(v) && i < v->n ? &v->u.kids[i] : NULL; }
static inline double jd_number(const jd_val *v) { return v->type == JD_INT ? (double)v->u.i : v->u.d; }

#endif
