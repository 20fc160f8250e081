/* fuzz_json.c - the arena JSON reader (jdoc.c) against jansson on arbitrary
 * bytes: both accept or both refuse (jdoc's lower nesting bound aside), and
 * what they accept they read to the same values. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jdoc.h"

static void same(const jd_val *v, const json_t *j)
{
    switch (v->type) {
    case JD_NULL: if (!json_is_null(j)) abort(); break;
    case JD_TRUE: if (!json_is_true(j)) abort(); break;
    case JD_FALSE: if (!json_is_false(j)) abort(); break;
    case JD_INT: if (!json_is_integer(j) || json_integer_value(j) != v->u.i) abort(); break;
    case JD_REAL:
        if (!json_is_real(j) || json_real_value(j) != v->u.d)
            abort();
        break;
    case JD_STRING:
        if (!json_is_string(j) || json_string_length(j) != v->n || memcmp(json_string_value(j), v->u.s, v->n))
            abort();
        break;
    case JD_ARRAY:
        if (!json_is_array(j) || json_array_size(j) != v->n)
            abort();
        for (uint32_t i = 0; i < v->n; i++)
            same(&v->u.kids[i], json_array_get(j, i));
        break;
    case JD_OBJECT:
        if (!json_is_object(j) || json_object_size(j) != v->n)
            abort();
        for (uint32_t i = 0; i < v->n; i++) {
            const json_t *m = json_object_getn(j, v->u.kids[i].key, v->u.kids[i].klen);
            if (!m)
                abort();
            same(&v->u.kids[i], m);
        }
        break;
    default: abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jd_error e;
    jdoc *d = jdoc_parse((const char *)data, size, &e);
    json_error_t je;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (d && !j)
        abort(); /* more lenient than the reader it replaced */
    /* jdoc refuses more only where jansson is lax: nesting past JD_MAX_DEPTH,
     * and a NUL byte right after a number, which jansson's lexer skips
     * ("2\0" reads as 2) */
    if (!d && j && !strstr(e.text, "depth") && e.byte != (size_t)-1 && !memchr(data, 0, size))
        abort();
    if (!d && !e.text[0])
        abort(); /* a refusal always says why */
    if (d && j)
        same(jdoc_root(d), j);
    jdoc_free(d);
    json_decref(j);
    return 0;
}
