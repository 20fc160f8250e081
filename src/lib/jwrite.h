/* jwrite.h - JSON written as it goes into one capped buffer, in exactly the
 * layout jansson's json_dumps(JSON_INDENT(2) | JSON_PRESERVE_ORDER) gives
 * (two-space indent, "key": value, reals as %.17g with ".0" or an exponent),
 * so plans written before and after this writer compare byte for byte.
 * Building a jansson tree first made saving a 100,000-idea plan take
 * seconds. Errors are sticky: check once, in jw_finish. */
#ifndef LONGSD_JWRITE_H
#define LONGSD_JWRITE_H

#include "util.h"

#define JW_MAX_DEPTH 32

typedef struct jwriter {
    char *buf; /* the text so far: len bytes of alloc, never more than cap */
    size_t len, alloc, cap;
    int depth;
    unsigned char empty[JW_MAX_DEPTH]; /* nothing written yet inside this level */
    char closer[JW_MAX_DEPTH];         /* '}' or ']' for each open level */
    longsd_status rc;
} jwriter;

/* cap: the most bytes the text may take (0 = lsbuf's default). */
void jw_init(jwriter *w, size_t cap);
/* key: the member's name inside an object; NULL inside an array or at the top. */
void jw_open_object(jwriter *w, const char *key);
void jw_open_array(jwriter *w, const char *key);
void jw_close(jwriter *w);
/* s NULL writes "". Invalid UTF-8 (which jansson refuses to write at all)
 * is written as U+FFFD, so a plan is always valid JSON. */
void jw_string(jwriter *w, const char *key, const char *s);
void jw_int(jwriter *w, const char *key, long long v);
void jw_real(jwriter *w, const char *key, double v);
/* The shortest text that reads back as v ("0.6", where jw_real writes
 * 0.59999999999999998): for values a user typed, such as a strength. */
void jw_real_short(jwriter *w, const char *key, double v);
void jw_bool(jwriter *w, const char *key, int v);
/* The text with a trailing newline (free with longsd__free), or NULL and
 * *rc set (LONGSD_ERR_NOMEM, LONGSD_ERR_TOO_BIG, LONGSD_ERR_PARAM for an
 * unbalanced document or a non-finite real). The writer is reset. */
char *jw_finish(jwriter *w, size_t *len, longsd_status *rc);

#endif
