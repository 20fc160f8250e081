/* jdoc.c - JSON into one arena through libyajl's callbacks (jdoc.h). yajl
 * lexes and checks the grammar; the checks jansson makes and yajl does not
 * (strict UTF-8, paired surrogates, no NUL, no duplicate keys, number range)
 * are made here. yajl allocates with plain malloc: it does not check its own
 * allocations, so it must not be failed by the test allocation hook; the
 * arena (which is most of the memory) goes through the hook. */
#include "jdoc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    _Alignas(16) char data[];
} chunk;

struct jdoc {
    chunk *chunks;
    jd_val root;
};

typedef struct {
    size_t start; /* first member on the scratch stack */
    const char *key;
    uint32_t klen;
    uint8_t type;
} frame;

typedef struct {
    jdoc *doc;
    yajl_handle h;
    const char *data;
    size_t n;
    jd_val *st; /* members of the open containers, innermost last */
    size_t nst, cst;
    frame *fr;
    size_t depth;
    const char *key; /* the key of the next member, when in an object */
    uint32_t klen;
    int have_root;
    size_t root_end; /* byte after the top-level value */
    int completing;  /* inside yajl_complete_parse */
    int oom;
    int failed;    /* our own check refused the text: what/at below */
    size_t at;
    char what[160];
} builder;

#define CHUNK ((size_t)1 << 20)

static void *arena_alloc(jdoc *d, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    chunk *c = d->chunks;
    if (!c || c->cap - c->used < n) {
        int big = n > CHUNK / 4; /* a block of its own, so the current chunk keeps filling */
        chunk *nc = longsd__malloc(sizeof *nc + (big ? n : CHUNK));
        if (!nc)
            return NULL;
        nc->cap = big ? n : CHUNK;
        nc->used = 0;
        if (big && c) {
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            d->chunks = nc;
        }
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

void jdoc_free(jdoc *d)
{
    if (!d)
        return;
    for (chunk *c = d->chunks, *nx; c; c = nx) {
        nx = c->next;
        longsd__free(c);
    }
    longsd__free(d);
}

const jd_val *jdoc_root(const jdoc *d) { return &d->root; }

const jd_val *jd_get(const jd_val *obj, const char *key)
{
    if (!jd_is_object(obj))
        return NULL;
    size_t kl = strlen(key);
    for (uint32_t i = 0; i < obj->n; i++) {
        const jd_val *m = &obj->u.kids[i];
        if (m->klen == kl && memcmp(m->key, key, kl) == 0)
            return m;
    }
    return NULL;
}

static size_t consumed(builder *b);

static int refuse(builder *b, const char *what)
{
    b->failed = 1;
    b->at = yajl_get_bytes_consumed(b->h);
    snprintf(b->what, sizeof b->what, "%s", what);
    return 0;
}

static size_t consumed(builder *b) { return yajl_get_bytes_consumed(b->h); }

/* yajl decodes "\ud800x" to "?" and a high surrogate before any \u to some
 * code point; jansson refuses both, and \u0000. The raw token ends at the
 * closing quote just consumed; its opening quote is the first quote before
 * it with an even number of backslashes in front. */
static int escapes_ok(builder *b)
{
    size_t end = consumed(b);
    if (end == 0 || end > b->n || b->data[end - 1] != '"')
        return refuse(b, "string token not where expected");
    const char *d = b->data;
    size_t i = end - 1, start = (size_t)-1;
    while (i-- > 0) {
        if (d[i] != '"')
            continue;
        size_t bs = 0;
        while (bs < i && d[i - 1 - bs] == '\\')
            bs++;
        if (bs % 2 == 0) {
            start = i;
            break;
        }
    }
    if (start == (size_t)-1)
        return refuse(b, "string token not where expected");
    for (size_t k = start + 1; k < end - 1; k++) {
        if (d[k] != '\\')
            continue;
        if (d[k + 1] != 'u') {
            k++;
            continue;
        }
        unsigned cp = (unsigned)strtoul((char[5]){d[k + 2], d[k + 3], d[k + 4], d[k + 5], 0}, NULL, 16);
        if (cp == 0)
            return refuse(b, "\\u0000 is not allowed in a string");
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            return refuse(b, "invalid Unicode escape: a low surrogate without a high one");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo = 0;
            if (k + 11 < end && d[k + 6] == '\\' && d[k + 7] == 'u')
                lo = (unsigned)strtoul((char[5]){d[k + 8], d[k + 9], d[k + 10], d[k + 11], 0}, NULL, 16);
            if (lo < 0xDC00 || lo > 0xDFFF)
                return refuse(b, "invalid Unicode escape: a high surrogate without a low one");
            k += 6;
        }
        k += 5;
    }
    return 1;
}

/* Strictly valid UTF-8 without NUL; ASCII takes the short path. */
static int text_ok(builder *b, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (p[i] && p[i] < 0x80) {
            i++;
            continue;
        }
        if (!p[i])
            return refuse(b, "NUL byte in a string");
        int l = lsutf8_seqlen(p + i, n - i);
        if (!l)
            return refuse(b, "invalid UTF-8 in a string");
        i += (size_t)l;
    }
    return 1;
}

/* A string or key: checked, and copied into the arena when yajl decoded it
 * into its own buffer (it had escapes). */
static const char *take_text(builder *b, const unsigned char *s, size_t n)
{
    const char *cs = (const char *)s;
    int in_input = cs >= b->data && cs + n <= b->data + b->n;
    if (n > UINT32_MAX) {
        refuse(b, "string too long");
        return NULL;
    }
    if (!in_input && !escapes_ok(b))
        return NULL;
    if (!text_ok(b, cs, n))
        return NULL;
    if (in_input)
        return cs;
    char *c = arena_alloc(b->doc, n ? n : 1);
    if (!c) {
        b->oom = 1;
        return NULL;
    }
    memcpy(c, cs, n);
    return c;
}

static jd_val *push(builder *b, uint8_t type)
{
    if (b->depth == 0 && b->have_root) {
        refuse(b, "more than one value");
        return NULL;
    }
    jd_val *v;
    if (b->depth == 0) {
        v = &b->doc->root;
        b->have_root = 1;
        /* a value completed by yajl_complete_parse (a number at the very
         * end) ends the text; consumed() counts in complete_parse's buffer */
        b->root_end = b->completing ? b->n : consumed(b);
    } else {
        if (b->nst == b->cst) {
            size_t nc = b->cst ? 2 * b->cst : 1024;
            jd_val *ns = longsd__realloc(b->st, nc * sizeof *ns);
            if (!ns) {
                b->oom = 1;
                return NULL;
            }
            b->st = ns;
            b->cst = nc;
        }
        v = &b->st[b->nst++];
    }
    memset(v, 0, sizeof *v);
    v->type = type;
    if (b->depth && b->fr[b->depth - 1].type == JD_OBJECT) {
        v->key = b->key;
        v->klen = b->klen;
    }
    return v;
}

static int cb_null(void *ctx) { return push(ctx, JD_NULL) != NULL; }

static int cb_bool(void *ctx, int t) { return push(ctx, t ? JD_TRUE : JD_FALSE) != NULL; }

static int cb_number(void *ctx, const char *s, size_t n)
{
    builder *b = ctx;
    char small[64], *buf = small;
    if (n >= sizeof small && !(buf = longsd__malloc(n + 1))) {
        b->oom = 1;
        return 0;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    int real = memchr(s, '.', n) || memchr(s, 'e', n) || memchr(s, 'E', n);
    int ok = 1;
    long long i = 0;
    double d = 0;
    errno = 0;
    if (real) {
        d = strtod(buf, NULL);
        if (isinf(d))
            ok = refuse(b, "real number overflow");
    } else {
        i = strtoll(buf, NULL, 10);
        if (errno == ERANGE)
            ok = refuse(b, buf[0] == '-' ? "too big negative integer" : "too big integer");
    }
    if (buf != small)
        longsd__free(buf);
    if (!ok)
        return 0;
    jd_val *v = push(b, real ? JD_REAL : JD_INT);
    if (!v)
        return 0;
    if (real)
        v->u.d = d;
    else
        v->u.i = i;
    return 1;
}

static int cb_string(void *ctx, const unsigned char *s, size_t n)
{
    builder *b = ctx;
    const char *t = take_text(b, s, n);
    if (!t)
        return 0;
    jd_val *v = push(b, JD_STRING);
    if (!v)
        return 0;
    v->u.s = t;
    v->n = (uint32_t)n;
    return 1;
}

static int cb_key(void *ctx, const unsigned char *s, size_t n)
{
    builder *b = ctx;
    const char *t = take_text(b, s, n);
    if (!t)
        return 0;
    b->key = t;
    b->klen = (uint32_t)n;
    return 1;
}

static int open_container(builder *b, uint8_t type)
{
    if (b->depth >= JD_MAX_DEPTH)
        return refuse(b, "maximum nesting depth reached");
    if (b->depth == 0 && b->have_root)
        return refuse(b, "more than one value");
    frame *f = &b->fr[b->depth];
    f->start = b->nst;
    f->type = type;
    f->key = NULL;
    f->klen = 0;
    if (b->depth && b->fr[b->depth - 1].type == JD_OBJECT) {
        f->key = b->key;
        f->klen = b->klen;
    }
    b->depth++;
    return 1;
}

static int key_cmp(const void *a, const void *b)
{
    const jd_val *x = *(const jd_val *const *)a, *y = *(const jd_val *const *)b;
    size_t m = x->klen < y->klen ? x->klen : y->klen;
    int c = memcmp(x->key, y->key, m);
    return c ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

static int same_key(const jd_val *x, const jd_val *y) { return x->klen == y->klen && !memcmp(x->key, y->key, x->klen); }

/* Duplicate keys: pairwise in small objects (all of a plan's), sorted in
 * big ones, so a hostile object of many keys stays n log n. */
static int unique_keys(builder *b, const jd_val *m, size_t n)
{
    if (n <= 16) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i; j++)
                if (same_key(&m[i], &m[j]))
                    return refuse(b, "duplicate object key");
        return 1;
    }
    const jd_val **ix = longsd__malloc(n * sizeof *ix);
    if (!ix) {
        b->oom = 1;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        ix[i] = &m[i];
    qsort(ix, n, sizeof *ix, key_cmp);
    int ok = 1;
    for (size_t i = 1; i < n && ok; i++)
        if (same_key(ix[i], ix[i - 1]))
            ok = refuse(b, "duplicate object key");
    longsd__free(ix);
    return ok;
}

static int close_container(builder *b)
{
    frame f = b->fr[--b->depth];
    size_t n = b->nst - f.start;
    if (n > UINT32_MAX)
        return refuse(b, "too many members");
    if (f.type == JD_OBJECT && !unique_keys(b, b->st + f.start, n))
        return 0;
    jd_val *kids = NULL;
    if (n) {
        if (!(kids = arena_alloc(b->doc, n * sizeof *kids))) {
            b->oom = 1;
            return 0;
        }
        memcpy(kids, b->st + f.start, n * sizeof *kids);
    }
    b->nst = f.start;
    /* the container's own key was saved when it opened */
    b->key = f.key;
    b->klen = f.klen;
    jd_val *v = push(b, f.type);
    if (!v)
        return 0;
    v->u.kids = kids;
    v->n = (uint32_t)n;
    return 1;
}

static int cb_start_map(void *ctx) { return open_container(ctx, JD_OBJECT); }
static int cb_start_array(void *ctx) { return open_container(ctx, JD_ARRAY); }
static int cb_end(void *ctx) { return close_container(ctx); }

static const yajl_callbacks callbacks = {
    .yajl_null = cb_null,
    .yajl_boolean = cb_bool,
    .yajl_number = cb_number,
    .yajl_string = cb_string,
    .yajl_start_map = cb_start_map,
    .yajl_map_key = cb_key,
    .yajl_end_map = cb_end,
    .yajl_start_array = cb_start_array,
    .yajl_end_array = cb_end,
};

static void locate(jd_error *e, const char *data, size_t n, size_t at)
{
    if (at > n)
        at = n;
    e->byte = at;
    e->line = 1;
    size_t col0 = 0;
    for (size_t i = 0; i < at; i++)
        if (data[i] == '\n') {
            e->line++;
            col0 = i + 1;
        }
    e->column = (int)(at - col0) + 1;
}

static size_t after_space(const char *d, size_t n, size_t i)
{
    while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r'))
        i++;
    return i;
}

jdoc *jdoc_parse(const char *data, size_t n, jd_error *e)
{
    memset(e, 0, sizeof *e);
    builder b = {.data = data, .n = n};
    jdoc *d = longsd__calloc(1, sizeof *d);
    b.doc = d;
    b.fr = longsd__malloc(JD_MAX_DEPTH * sizeof *b.fr);
    if (!d || !b.fr || !(b.h = yajl_alloc(&callbacks, NULL, &b))) {
        longsd__free(b.fr);
        jdoc_free(d);
        snprintf(e->text, sizeof e->text, "out of memory");
        e->byte = (size_t)-1;
        return NULL;
    }
    /* yajl takes form feed and vertical tab for white space; JSON does not,
     * and inside a string they are refused anyway */
    const char *ff = memchr(data, '\f', n), *vt = memchr(data, '\v', n);
    const char *bad_ws = ff && (!vt || ff < vt) ? ff : vt;
    yajl_status st = yajl_parse(b.h, (const unsigned char *)data, bad_ws ? (size_t)(bad_ws - data) : n);
    size_t at = yajl_get_bytes_consumed(b.h);
    if (st == yajl_status_ok && bad_ws) {
        st = yajl_status_client_canceled;
        b.at = (size_t)(bad_ws - data);
        snprintf(b.what, sizeof b.what, "invalid white space (form feed or vertical tab)");
    }
    if (st == yajl_status_ok) {
        b.completing = 1;
        st = yajl_complete_parse(b.h);
        at = n; /* complete_parse's errors are about the end of the text */
    }
    if (st == yajl_status_ok && !b.have_root) {
        st = yajl_status_error;
        snprintf(e->text, sizeof e->text, "no JSON value");
    } else if (st == yajl_status_ok && (at = after_space(data, n, b.root_end)) < n) {
        /* yajl lets an unfinished token after the value pass ("null\"]") */
        st = yajl_status_error;
        snprintf(e->text, sizeof e->text, "trailing garbage");
    } else if (st == yajl_status_client_canceled) {
        snprintf(e->text, sizeof e->text, "%s", b.oom ? "out of memory" : b.what);
        at = b.at;
    } else if (st != yajl_status_ok) {
        unsigned char *m = yajl_get_error(b.h, 0, (const unsigned char *)data, n);
        const char *t = m ? (const char *)m : "syntax error";
        size_t tl = strcspn(t, "\n");
        snprintf(e->text, sizeof e->text, "%.*s", (int)tl, t);
        if (m)
            yajl_free_error(b.h, m);
    }
    yajl_free(b.h);
    longsd__free(b.st);
    longsd__free(b.fr);
    if (st != yajl_status_ok) {
        if (b.oom) {
            e->byte = (size_t)-1;
        } else {
            locate(e, data, n, at);
        }
        jdoc_free(d);
        return NULL;
    }
    return d;
}
