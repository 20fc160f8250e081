/* jwrite.c - the streaming JSON writer (jwrite.h). */
#include "jwrite.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void jw_init(jwriter *w, size_t cap)
{
    memset(w, 0, sizeof *w);
    w->cap = cap ? cap : (size_t)1 << 30;
    w->empty[0] = 1;
}

static void grow(jwriter *w, size_t n)
{
    if (w->rc)
        return;
    if (n > w->cap || w->len > w->cap - n) {
        w->rc = LONGSD_ERR_TOO_BIG;
        return;
    }
    size_t na = w->alloc ? w->alloc : 65536;
    while (na < w->len + n)
        na *= 2;
    if (na > w->cap)
        na = w->cap; /* the buffer never outgrows the cap, so add() needs no cap check */
    char *nb = longsd__realloc(w->buf, na);
    if (!nb) {
        w->rc = LONGSD_ERR_NOMEM;
        return;
    }
    w->buf = nb;
    w->alloc = na;
}

/* The one hot path of a save: an inline copy while the buffer has room. */
static inline void add(jwriter *w, const char *s, size_t n)
{
    if (!n)
        return; /* an empty run: no copy (the buffer may not exist yet) */
    if (w->alloc - w->len < n) {
        grow(w, n);
        if (w->rc)
            return;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

static void indent(jwriter *w, int depth)
{
    static const char sp[] = "\n                                                                ";
    size_t n = (size_t)depth * 2;
    add(w, sp, 1);
    for (; n > sizeof sp - 2; n -= sizeof sp - 2)
        add(w, sp + 1, sizeof sp - 2);
    add(w, sp + 1, n);
}

static void raw_string(jwriter *w, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    add(w, "\"", 1);
    size_t run = 0; /* bytes of p[0..run) that need no escape */
    for (;;) {
        unsigned c = p[run];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            run++;
            continue;
        }
        if (c >= 0x80) {
            int l = lsutf8_seqlen(p + run, strnlen((const char *)p + run, 4));
            if (l) {
                run += (size_t)l;
                continue;
            }
        }
        add(w, (const char *)p, run);
        p += run;
        run = 0;
        if (!c)
            break;
        char e[6] = {'\\', 0};
        size_t el = 2;
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            if (c < 0x20) {
                memcpy(e, "\\u00", 4);
                e[4] = hex[c >> 4];
                e[5] = hex[c & 15];
                el = 6;
            } else {
                memcpy(e, "\xEF\xBF\xBD", 3); /* an invalid byte: U+FFFD */
                el = 3;
            }
        }
        add(w, e, el);
        p++;
    }
    add(w, "\"", 1);
}

/* Before a member: the separator, the indent and the key. */
static void member(jwriter *w, const char *key)
{
    if (w->depth > 0) {
        if (!w->empty[w->depth])
            add(w, ",", 1);
        indent(w, w->depth);
    }
    w->empty[w->depth] = 0;
    if (key) {
        raw_string(w, key);
        add(w, ": ", 2);
    }
}

static void open_level(jwriter *w, const char *key, char c)
{
    member(w, key);
    add(w, &c, 1);
    if (w->depth + 1 >= JW_MAX_DEPTH) {
        if (!w->rc)
            w->rc = LONGSD_ERR_PARAM;
        return;
    }
    w->depth++;
    w->empty[w->depth] = 1;
    w->closer[w->depth] = c == '{' ? '}' : ']';
}

void jw_open_object(jwriter *w, const char *key) { open_level(w, key, '{'); }
void jw_open_array(jwriter *w, const char *key) { open_level(w, key, '['); }

void jw_close(jwriter *w)
{
    if (w->depth == 0) {
        if (!w->rc)
            w->rc = LONGSD_ERR_PARAM;
        return;
    }
    if (!w->empty[w->depth])
        indent(w, w->depth - 1);
    add(w, &w->closer[w->depth], 1);
    w->depth--;
}

void jw_string(jwriter *w, const char *key, const char *s)
{
    member(w, key);
    raw_string(w, s);
}

void jw_int(jwriter *w, const char *key, long long v)
{
    char t[24], *e = t + sizeof t, *q = e;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        *--q = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--q = '-';
    member(w, key);
    add(w, q, (size_t)(e - q));
}

/* jansson's jsonp_dtostr at its default precision: %.17g, ".0" when that
 * reads as an integer, and the exponent without '+' or leading zeros. */
void jw_real(jwriter *w, const char *key, double v)
{
    if (!isfinite(v)) {
        if (!w->rc)
            w->rc = LONGSD_ERR_PARAM;
        return;
    }
    char t[40];
    int n = snprintf(t, sizeof t, "%.17g", v);
    if (!strchr(t, '.') && !strchr(t, 'e')) {
        memcpy(t + n, ".0", 3);
        n += 2;
    }
    char *e = strchr(t, 'e');
    if (e) {
        char *start = e + 1, *end = e + 2;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, (size_t)(t + n - end) + 1);
            n -= (int)(end - start);
        }
    }
    member(w, key);
    add(w, t, (size_t)n);
}

void jw_real_short(jwriter *w, const char *key, double v)
{
    char t[40];
    int n = 0;
    for (int p = 1; isfinite(v) && p <= 17; p++) {
        n = snprintf(t, sizeof t - 3, "%.*g", p, v);
        if (strtod(t, NULL) == v)
            break;
    }
    if (!isfinite(v) || strchr(t, 'e')) { /* exponents: jw_real's spelling */
        jw_real(w, key, v);
        return;
    }
    if (!strchr(t, '.')) {
        memcpy(t + n, ".0", 3);
        n += 2;
    }
    member(w, key);
    add(w, t, (size_t)n);
}

void jw_bool(jwriter *w, const char *key, int v)
{
    member(w, key);
    add(w, v ? "true" : "false", v ? 4 : 5);
}

char *jw_finish(jwriter *w, size_t *len, longsd_status *rc)
{
    if (!w->rc && w->depth != 0)
        w->rc = LONGSD_ERR_PARAM;
    add(w, "\n", 2); /* the newline and the terminating NUL */
    *rc = w->rc;
    char *out = w->rc ? NULL : w->buf;
    if (out && len)
        *len = w->len - 1;
    if (!out)
        longsd__free(w->buf);
    jw_init(w, w->cap);
    return out;
}
