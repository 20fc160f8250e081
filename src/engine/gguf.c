/* gguf.c - strict GGUF v2/v3 reader and block dequantisation (see gguf.h).
 * The layout (all little-endian): "GGUF", u32 version, u64 tensor count,
 * u64 metadata count; the key/value pairs (u64-length strings, a u32 value
 * type, the value; arrays carry an element type and a u64 count); the
 * tensor infos (name, u32 n_dims, u64 ne[n_dims], u32 ggml type, u64 offset
 * into the data area); padding to general.alignment (default 32); the data.
 * A count is never trusted for an allocation before the bytes it needs are
 * known to be in the file, so a 40-byte file cannot ask for 2^64 entries. */
#include "gguf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "safetensors.h" /* sdst_f16_to_f32 / sdst_bf16_to_f32 */

struct gguf_file {
    char *label;
    uint32_t version;
    uint32_t alignment;
    uint64_t data_off;
    gguf_kv *kv;
    size_t n_kv;
    gguf_tensor *t;
    size_t n_t;
};

typedef struct {
    const uint8_t *p;
    size_t size;
    size_t pos;
    const char *label;
    lserr *err;
} cursor;

static const struct {
    const char *name;
    unsigned block, bytes; /* 0: a ggml type this reader does not convert */
} types[40] = {
    [0] = {"F32", 1, 4},      [1] = {"F16", 1, 2},      [2] = {"Q4_0", 32, 18},  [3] = {"Q4_1", 32, 20},
    [6] = {"Q5_0", 32, 22},   [7] = {"Q5_1", 32, 24},   [8] = {"Q8_0", 32, 34},  [9] = {"Q8_1", 0, 0},
    [10] = {"Q2_K", 0, 0},    [11] = {"Q3_K", 0, 0},    [12] = {"Q4_K", 0, 0},   [13] = {"Q5_K", 0, 0},
    [14] = {"Q6_K", 0, 0},    [15] = {"Q8_K", 0, 0},    [16] = {"IQ2_XXS", 0, 0}, [17] = {"IQ2_XS", 0, 0},
    [18] = {"IQ3_XXS", 0, 0}, [19] = {"IQ1_S", 0, 0},   [20] = {"IQ4_NL", 0, 0}, [21] = {"IQ3_S", 0, 0},
    [22] = {"IQ2_S", 0, 0},   [23] = {"IQ4_XS", 0, 0},  [24] = {"I8", 0, 0},     [25] = {"I16", 0, 0},
    [26] = {"I32", 0, 0},     [27] = {"I64", 0, 0},     [28] = {"F64", 0, 0},    [29] = {"IQ1_M", 0, 0},
    [30] = {"BF16", 1, 2},    [34] = {"TQ1_0", 0, 0},   [35] = {"TQ2_0", 0, 0},  [39] = {"MXFP4", 0, 0},
};

const char *gguf_type_name(uint32_t type)
{
    return type < sizeof types / sizeof types[0] && types[type].name ? types[type].name : "?";
}

size_t gguf_type_block(uint32_t type)
{
    return type < sizeof types / sizeof types[0] ? types[type].block : 0;
}

size_t gguf_type_block_bytes(uint32_t type)
{
    return type < sizeof types / sizeof types[0] ? types[type].bytes : 0;
}

/* Fixed sizes of the scalar metadata types (0: string / array). */
static const unsigned kv_size[GGUF_KV_NTYPES] = {
    [GGUF_KV_U8] = 1,  [GGUF_KV_I8] = 1,  [GGUF_KV_U16] = 2,  [GGUF_KV_I16] = 2, [GGUF_KV_U32] = 4,
    [GGUF_KV_I32] = 4, [GGUF_KV_F32] = 4, [GGUF_KV_BOOL] = 1, [GGUF_KV_U64] = 8, [GGUF_KV_I64] = 8,
    [GGUF_KV_F64] = 8,
};

int gguf_is_gguf(const void *data, size_t size)
{
    return size >= 4 && memcmp(data, "GGUF", 4) == 0;
}

void gguf_close(gguf_file *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n_kv; i++) {
        longsd__free((char *)g->kv[i].key);
        longsd__free((char *)g->kv[i].str);
    }
    for (size_t i = 0; i < g->n_t; i++)
        longsd__free((char *)g->t[i].name);
    longsd__free(g->kv);
    longsd__free(g->t);
    longsd__free(g->label);
    longsd__free(g);
}

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* n bytes at the cursor, or an error naming what was being read. */
static longsd_status need(cursor *c, uint64_t n, const char *what)
{
    if (n > c->size - c->pos)
        return lserr_set(c->err, LONGSD_ERR_MODEL,
                         "%s: truncated: %s at byte %zu needs %llu bytes, the file has %zu left", c->label, what,
                         c->pos, (unsigned long long)n, c->size - c->pos);
    return LONGSD_OK;
}

static longsd_status rd(cursor *c, int n, uint64_t *v, const char *what)
{
    longsd_status rc = need(c, (uint64_t)n, what);
    if (rc == LONGSD_OK) {
        *v = le(c->p + c->pos, n);
        c->pos += (size_t)n;
    }
    return rc;
}

/* A u64-length string; *s points into the buffer (not NUL-terminated). */
static longsd_status rd_str(cursor *c, const uint8_t **s, uint64_t *len, const char *what)
{
    size_t at = c->pos;
    longsd_status rc = rd(c, 8, len, what);
    if (rc != LONGSD_OK)
        return rc;
    if (*len > c->size - c->pos) {
        c->pos = at;
        return lserr_set(c->err, LONGSD_ERR_MODEL,
                         "%s: truncated: %s at byte %zu says %llu bytes, the file has %zu left", c->label, what, at,
                         (unsigned long long)*len, c->size - c->pos - 8);
    }
    *s = c->p + c->pos;
    c->pos += (size_t)*len;
    return LONGSD_OK;
}

/* Skip one array's elements (recursing into arrays of arrays), checking
 * that every byte is there. */
static longsd_status skip_array(cursor *c, uint32_t et, uint64_t n, int depth, const char *what)
{
    if (et >= GGUF_KV_NTYPES)
        return lserr_set(c->err, LONGSD_ERR_MODEL, "%s: %s at byte %zu: unknown array element type %u", c->label,
                         what, c->pos, (unsigned)et);
    if (kv_size[et]) {
        if (n > (c->size - c->pos) / kv_size[et])
            return lserr_set(c->err, LONGSD_ERR_MODEL,
                             "%s: truncated: %s at byte %zu: %llu elements of %u bytes run past the end of the file",
                             c->label, what, c->pos, (unsigned long long)n, kv_size[et]);
        c->pos += (size_t)(n * kv_size[et]);
        return LONGSD_OK;
    }
    /* strings take at least 8 bytes each, arrays 12: a huge count fails here */
    if (n > (c->size - c->pos) / (et == GGUF_KV_STRING ? 8 : 12))
        return lserr_set(c->err, LONGSD_ERR_MODEL,
                         "%s: truncated: %s at byte %zu: %llu elements cannot fit in the %zu bytes left", c->label,
                         what, c->pos, (unsigned long long)n, c->size - c->pos);
    for (uint64_t i = 0; i < n; i++) {
        longsd_status rc;
        if (et == GGUF_KV_STRING) {
            const uint8_t *s;
            uint64_t len;
            rc = rd_str(c, &s, &len, what);
        } else {
            if (depth >= GGUF_MAX_ARRAY_DEPTH)
                return lserr_set(c->err, LONGSD_ERR_MODEL, "%s: %s at byte %zu: arrays nest deeper than %d",
                                 c->label, what, c->pos, GGUF_MAX_ARRAY_DEPTH);
            uint64_t sub_t, sub_n;
            if ((rc = rd(c, 4, &sub_t, what)) == LONGSD_OK && (rc = rd(c, 8, &sub_n, what)) == LONGSD_OK)
                rc = skip_array(c, (uint32_t)sub_t, sub_n, depth + 1, what);
        }
        if (rc != LONGSD_OK)
            return rc;
    }
    return LONGSD_OK;
}

static longsd_status read_kv(cursor *c, size_t idx, gguf_kv *kv)
{
    char what[96];
    snprintf(what, sizeof what, "metadata key %zu", idx);
    size_t at = c->pos;
    const uint8_t *s;
    uint64_t len, type;
    longsd_status rc = rd_str(c, &s, &len, what);
    if (rc != LONGSD_OK)
        return rc;
    if (len == 0 || len > 65535 || memchr(s, 0, (size_t)len))
        return lserr_set(c->err, LONGSD_ERR_MODEL,
                         "%s: %s at byte %zu: a key must be 1..65535 bytes without NUL (this one has %llu)", c->label,
                         what, at, (unsigned long long)len);
    if (!(kv->key = longsd__strndup((const char *)s, (size_t)len)))
        return lserr_set(c->err, LONGSD_ERR_NOMEM, "%s: out of memory reading the metadata", c->label);
    snprintf(what, sizeof what, "metadata '%.64s'", kv->key);
    size_t tat = c->pos;
    if ((rc = rd(c, 4, &type, what)) != LONGSD_OK)
        return rc;
    if (type >= GGUF_KV_NTYPES)
        return lserr_set(c->err, LONGSD_ERR_MODEL, "%s: %s at byte %zu: unknown value type %llu", c->label, what,
                         tat, (unsigned long long)type);
    kv->type = (gguf_kv_type)type;
    size_t vat = c->pos;
    if (kv_size[type]) {
        uint64_t v;
        if ((rc = rd(c, (int)kv_size[type], &v, what)) != LONGSD_OK)
            return rc;
        switch (kv->type) {
        case GGUF_KV_I8:
            kv->v.i = (int8_t)v;
            break;
        case GGUF_KV_I16:
            kv->v.i = (int16_t)v;
            break;
        case GGUF_KV_I32:
            kv->v.i = (int32_t)v;
            break;
        case GGUF_KV_I64:
            kv->v.i = (int64_t)v;
            break;
        case GGUF_KV_F32: {
            uint32_t b = (uint32_t)v;
            float f;
            memcpy(&f, &b, 4);
            kv->v.f = f;
            break;
        }
        case GGUF_KV_F64:
            memcpy(&kv->v.f, &v, 8);
            break;
        case GGUF_KV_BOOL:
            if (v > 1)
                return lserr_set(c->err, LONGSD_ERR_MODEL, "%s: %s at byte %zu: bool value %llu is not 0 or 1",
                                 c->label, what, vat, (unsigned long long)v);
            kv->v.u = v;
            break;
        default:
            kv->v.u = v;
        }
        return LONGSD_OK;
    }
    if (kv->type == GGUF_KV_STRING) {
        if ((rc = rd_str(c, &s, &len, what)) != LONGSD_OK)
            return rc;
        kv->str_len = len;
        if (!(kv->str = longsd__malloc((size_t)len + 1)))
            return lserr_set(c->err, LONGSD_ERR_NOMEM, "%s: out of memory reading the metadata", c->label);
        memcpy((char *)kv->str, s, (size_t)len);
        ((char *)kv->str)[len] = 0;
        return LONGSD_OK;
    }
    uint64_t et, n;
    if ((rc = rd(c, 4, &et, what)) != LONGSD_OK || (rc = rd(c, 8, &n, what)) != LONGSD_OK)
        return rc;
    kv->arr_type = et < GGUF_KV_NTYPES ? (gguf_kv_type)et : GGUF_KV_NTYPES;
    kv->arr_n = n;
    kv->arr_data = c->p + c->pos;
    size_t start = c->pos;
    if ((rc = skip_array(c, (uint32_t)et, n, 1, what)) != LONGSD_OK)
        return rc;
    kv->arr_size = c->pos - start;
    return LONGSD_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_off(const void *a, const void *b)
{
    const gguf_tensor *x = *(const gguf_tensor *const *)a, *y = *(const gguf_tensor *const *)b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static longsd_status read_tensor(cursor *c, size_t idx, gguf_tensor *t)
{
    char what[160];
    snprintf(what, sizeof what, "tensor info %zu", idx);
    size_t at = c->pos;
    const uint8_t *s;
    uint64_t len, v;
    longsd_status rc = rd_str(c, &s, &len, what);
    if (rc != LONGSD_OK)
        return rc;
    if (len == 0 || len > 65535 || memchr(s, 0, (size_t)len))
        return lserr_set(c->err, LONGSD_ERR_MODEL,
                         "%s: %s at byte %zu: a tensor name must be 1..65535 bytes without NUL (this one has %llu)",
                         c->label, what, at, (unsigned long long)len);
    if (!(t->name = longsd__strndup((const char *)s, (size_t)len)))
        return lserr_set(c->err, LONGSD_ERR_NOMEM, "%s: out of memory reading the tensor infos", c->label);
    snprintf(what, sizeof what, "tensor '%.96s'", t->name);
    size_t dat = c->pos;
    if ((rc = rd(c, 4, &v, what)) != LONGSD_OK)
        return rc;
    if (v > GGUF_MAX_DIMS)
        return lserr_set(c->err, LONGSD_ERR_MODEL, "%s: %s at byte %zu: n_dims %llu, expected 0..%d", c->label, what,
                         dat, (unsigned long long)v, GGUF_MAX_DIMS);
    t->n_dims = (int)v;
    uint64_t numel = 1;
    int big = 0;
    for (int d = 0; d < t->n_dims; d++) {
        size_t eat = c->pos;
        if ((rc = rd(c, 8, &t->ne[d], what)) != LONGSD_OK)
            return rc;
        if (t->ne[d] > (uint64_t)INT64_MAX)
            return lserr_set(c->err, LONGSD_ERR_MODEL, "%s: %s at byte %zu: dimension %d is negative", c->label,
                             what, eat, d);
        if (t->ne[d] && numel > UINT64_MAX / t->ne[d])
            big = 1;
        else
            numel *= t->ne[d];
    }
    /* the densest type (Q4_0, 18 bytes a block of 32) stores fewer than 2
     * elements a byte: more than 2 per byte of the file cannot be there */
    if (big || numel / 2 > c->size)
        numel = UINT64_MAX; /* refused below, once the type is known */
    for (int d = t->n_dims; d < GGUF_MAX_DIMS; d++)
        t->ne[d] = 1;
    size_t tat = c->pos;
    if ((rc = rd(c, 4, &v, what)) != LONGSD_OK)
        return rc;
    t->type = (gguf_type)v;
    if (!gguf_type_block((uint32_t)v))
        return lserr_set(c->err, gguf_type_name((uint32_t)v)[0] == '?' ? LONGSD_ERR_MODEL : LONGSD_ERR_UNSUPPORTED,
                         "%s: %s at byte %zu: tensor type %llu (%s) %s; the engine reads F32, F16, BF16, Q8_0, "
                         "Q4_0, Q4_1, Q5_0 and Q5_1",
                         c->label, what, tat, (unsigned long long)v, gguf_type_name((uint32_t)v),
                         gguf_type_name((uint32_t)v)[0] == '?' ? "is unknown" : "is not supported");
    size_t blk = gguf_type_block((uint32_t)v);
    if (t->ne[0] % blk)
        return lserr_set(c->err, LONGSD_ERR_MODEL,
                         "%s: %s at byte %zu: its first dimension %llu is not a multiple of %s's block of %zu",
                         c->label, what, dat, (unsigned long long)t->ne[0], gguf_type_name((uint32_t)v), blk);
    if (numel == UINT64_MAX)
        return lserr_set(c->err, LONGSD_ERR_MODEL, "%s: %s at byte %zu: its shape needs more bytes than the file has",
                         c->label, what, dat);
    t->numel = numel;
    t->size = numel / blk * gguf_type_block_bytes((uint32_t)v);
    return rd(c, 8, &t->offset, what);
}

static longsd_status parse(gguf_file *g, const uint8_t *p, size_t size, lserr *err)
{
    cursor c = {p, size, 0, g->label, err};
    longsd_status rc;
    const char **names = NULL;
    const gguf_tensor **order = NULL;
    uint64_t v, n_t, n_kv;
    if (size < 4 || memcmp(p, "GGUF", 4) != 0)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: bad magic at byte 0: not a GGUF file (it must start with \"GGUF\")",
                         g->label);
    c.pos = 4;
    if ((rc = rd(&c, 4, &v, "the version")) != LONGSD_OK)
        return rc;
    if (v != 2 && v != 3)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: version at byte 4 is %llu; this reader knows GGUF versions 2 and 3",
                         g->label, (unsigned long long)v);
    g->version = (uint32_t)v;
    if ((rc = rd(&c, 8, &n_t, "the tensor count")) != LONGSD_OK ||
        (rc = rd(&c, 8, &n_kv, "the metadata count")) != LONGSD_OK)
        return rc;
    /* a key/value pair takes at least 8 + 1 + 4 + 1 bytes, a tensor info 8 + 1 + 4 + 8 + 4 + 8 */
    if (n_kv > (size - c.pos) / 14)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: metadata count at byte 16 is %llu; the file is too short for that many",
                         g->label, (unsigned long long)n_kv);
    if (n_t > (size - c.pos) / 33)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: tensor count at byte 8 is %llu; the file is too short for that many",
                         g->label, (unsigned long long)n_t);
    g->kv = longsd__calloc(n_kv ? (size_t)n_kv : 1, sizeof *g->kv);
    g->t = longsd__calloc(n_t ? (size_t)n_t : 1, sizeof *g->t);
    if (!g->kv || !g->t)
        return lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory reading the header", g->label);
    for (size_t i = 0; i < n_kv; i++) {
        g->n_kv = i + 1;
        if ((rc = read_kv(&c, i, &g->kv[i])) != LONGSD_OK)
            goto out;
    }
    /* duplicate keys: sorted, so a file of many keys costs n log n */
    if (n_kv > 1) {
        const char **keys = longsd__calloc((size_t)n_kv, sizeof *keys);
        if (!keys) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory reading the header", g->label);
            goto out;
        }
        for (size_t i = 0; i < n_kv; i++)
            keys[i] = g->kv[i].key;
        qsort(keys, (size_t)n_kv, sizeof *keys, cmp_str);
        for (size_t i = 1; i < n_kv && rc == LONGSD_OK; i++)
            if (strcmp(keys[i - 1], keys[i]) == 0)
                rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: metadata key '%.64s' appears twice", g->label, keys[i]);
        longsd__free(keys);
        if (rc != LONGSD_OK)
            goto out;
    }
    g->alignment = GGUF_DEFAULT_ALIGNMENT;
    const gguf_kv *al = gguf_find_kv(g, "general.alignment");
    if (al) {
        if (al->type != GGUF_KV_U32 || al->v.u == 0 || (al->v.u & (al->v.u - 1)) != 0) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: general.alignment must be a u32 power of two", g->label);
            goto out;
        }
        g->alignment = (uint32_t)al->v.u;
    }
    for (size_t i = 0; i < n_t; i++) {
        g->n_t = i + 1;
        if ((rc = read_tensor(&c, i, &g->t[i])) != LONGSD_OK)
            goto out;
        if (g->t[i].offset % g->alignment) {
            rc = lserr_set(err, LONGSD_ERR_MODEL,
                           "%s: tensor '%.96s': offset %llu is not a multiple of the alignment %u",
                           g->label, g->t[i].name, (unsigned long long)g->t[i].offset, (unsigned)g->alignment);
            goto out;
        }
    }
    uint64_t pad = (g->alignment - c.pos % g->alignment) % g->alignment;
    if (pad > size - c.pos && n_t) {
        rc = lserr_set(err, LONGSD_ERR_MODEL,
                       "%s: truncated: the data area at byte %llu starts past the end of the file (%zu bytes)",
                       g->label, (unsigned long long)(c.pos + pad), size);
        goto out;
    }
    g->data_off = c.pos + pad > size ? size : c.pos + pad;
    uint64_t data_size = size - g->data_off;
    names = longsd__calloc(n_t ? (size_t)n_t : 1, sizeof *names);
    order = longsd__calloc(n_t ? (size_t)n_t : 1, sizeof *order);
    if (!names || !order) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory reading the header", g->label);
        goto out;
    }
    for (size_t i = 0; i < n_t; i++) {
        gguf_tensor *t = &g->t[i];
        if (t->offset > data_size || t->size > data_size - t->offset) {
            rc = lserr_set(err, LONGSD_ERR_MODEL,
                           "%s: tensor '%.96s': its %llu bytes at data offset %llu (byte %llu) run past the end of the "
                           "file (%zu bytes)",
                           g->label, t->name, (unsigned long long)t->size, (unsigned long long)t->offset,
                           (unsigned long long)(g->data_off + t->offset), size);
            goto out;
        }
        t->data = p + g->data_off + t->offset;
        names[i] = t->name;
        order[i] = t;
    }
    qsort(names, (size_t)n_t, sizeof *names, cmp_str);
    for (size_t i = 1; i < n_t; i++)
        if (strcmp(names[i - 1], names[i]) == 0) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor name '%.96s' appears twice", g->label, names[i]);
            goto out;
        }
    qsort(order, (size_t)n_t, sizeof *order, cmp_off);
    for (size_t i = 1; i < n_t; i++)
        if (order[i]->offset < order[i - 1]->offset + order[i - 1]->size) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: tensors '%.96s' and '%.96s' overlap at data offset %llu",
                           g->label, order[i - 1]->name, order[i]->name, (unsigned long long)order[i]->offset);
            goto out;
        }
out:
    longsd__free(names);
    longsd__free(order);
    return rc;
}

longsd_status gguf_open_mem(const void *data, size_t size, const char *label, gguf_file **out, lserr *err)
{
    *out = NULL;
    gguf_file *g = longsd__calloc(1, sizeof *g);
    if (!g || !(g->label = longsd__strdup(label ? label : "(memory)"))) {
        longsd__free(g);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    longsd_status rc = parse(g, data, size, err);
    if (rc != LONGSD_OK) {
        gguf_close(g);
        return rc;
    }
    *out = g;
    return LONGSD_OK;
}

uint32_t gguf_version(const gguf_file *g)
{
    return g->version;
}

uint32_t gguf_alignment(const gguf_file *g)
{
    return g->alignment;
}

uint64_t gguf_data_offset(const gguf_file *g)
{
    return g->data_off;
}

size_t gguf_n_kv(const gguf_file *g)
{
    return g->n_kv;
}

const gguf_kv *gguf_kv_at(const gguf_file *g, size_t i)
{
    return i < g->n_kv ? &g->kv[i] : NULL;
}

const gguf_kv *gguf_find_kv(const gguf_file *g, const char *key)
{
    for (size_t i = 0; i < g->n_kv; i++)
        if (g->kv[i].key && strcmp(g->kv[i].key, key) == 0)
            return &g->kv[i];
    return NULL;
}

size_t gguf_n_tensors(const gguf_file *g)
{
    return g->n_t;
}

const gguf_tensor *gguf_tensor_at(const gguf_file *g, size_t i)
{
    return i < g->n_t ? &g->t[i] : NULL;
}

static float half(const uint8_t *p)
{
    return sdst_f16_to_f32((uint16_t)(p[0] | p[1] << 8));
}

/* One block of 32 values into y[0..32). The layouts are ggml's: a half
 * scale d (and, for the _1 types, a half minimum m), then the quants; the
 * 4-bit types keep element j in the low nibble of byte j and element j+16
 * in its high nibble; the 5-bit types add a u32 of fifth bits. */
static void block32(uint32_t type, const uint8_t *b, float *y)
{
    switch (type) {
    case GGUF_T_Q8_0: {
        float d = half(b);
        for (int j = 0; j < 32; j++)
            y[j] = d * (float)(int8_t)b[2 + j];
        break;
    }
    case GGUF_T_Q4_0: {
        float d = half(b);
        for (int j = 0; j < 16; j++) {
            y[j] = d * (float)((b[2 + j] & 0x0f) - 8);
            y[j + 16] = d * (float)((b[2 + j] >> 4) - 8);
        }
        break;
    }
    case GGUF_T_Q4_1: {
        float d = half(b), m = half(b + 2);
        for (int j = 0; j < 16; j++) {
            y[j] = d * (float)(b[4 + j] & 0x0f) + m;
            y[j + 16] = d * (float)(b[4 + j] >> 4) + m;
        }
        break;
    }
    case GGUF_T_Q5_0: {
        float d = half(b);
        uint32_t qh = (uint32_t)le(b + 2, 4);
        for (int j = 0; j < 16; j++) {
            int lo = (b[6 + j] & 0x0f) | (int)((qh >> j) & 1) << 4;
            int hi = (b[6 + j] >> 4) | (int)((qh >> (j + 16)) & 1) << 4;
            y[j] = d * (float)(lo - 16);
            y[j + 16] = d * (float)(hi - 16);
        }
        break;
    }
    case GGUF_T_Q5_1: {
        float d = half(b), m = half(b + 2);
        uint32_t qh = (uint32_t)le(b + 4, 4);
        for (int j = 0; j < 16; j++) {
            int lo = (b[8 + j] & 0x0f) | (int)((qh >> j) & 1) << 4;
            int hi = (b[8 + j] >> 4) | (int)((qh >> (j + 16)) & 1) << 4;
            y[j] = d * (float)lo + m;
            y[j + 16] = d * (float)hi + m;
        }
        break;
    }
    default:
        memset(y, 0, 32 * sizeof *y);
    }
}

#if defined(__x86_64__) || defined(__i386__)
/* AVX2 for the two types sd.cpp users pick: the same one multiplication
 * d * q per element as block32, so the results are bit-identical; a UNet
 * call converts every weight, and the scalar loop was 5x slower. */
__attribute__((target("avx2"))) static void q8_0_avx2(const uint8_t *b, float *y)
{
    __m256 d = _mm256_set1_ps(half(b));
    for (int k = 0; k < 4; k++) {
        __m128i q = _mm_loadl_epi64((const __m128i *)(const void *)(b + 2 + 8 * k));
        _mm256_storeu_ps(y + 8 * k, _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q))));
    }
}

__attribute__((target("avx2"))) static void q4_0_avx2(const uint8_t *b, float *y)
{
    __m256 d = _mm256_set1_ps(half(b));
    __m128i raw = _mm_loadu_si128((const __m128i *)(const void *)(b + 2)), m = _mm_set1_epi8(0x0f);
    __m128i lo = _mm_sub_epi8(_mm_and_si128(raw, m), _mm_set1_epi8(8));
    __m128i hi = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(raw, 4), m), _mm_set1_epi8(8));
    _mm256_storeu_ps(y, _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo))));
    _mm256_storeu_ps(y + 8, _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8)))));
    _mm256_storeu_ps(y + 16, _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi))));
    _mm256_storeu_ps(y + 24, _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8)))));
}
#endif

/* Whole blocks from block index b: the AVX2 loops where they apply. */
static void blocks(uint32_t type, const uint8_t *src, uint64_t b, size_t nb, float *out)
{
    size_t bb = gguf_type_block_bytes(type);
#if defined(__x86_64__) || defined(__i386__)
    int avx2 = __builtin_cpu_supports("avx2");
    if (avx2 && type == GGUF_T_Q8_0) {
        for (size_t i = 0; i < nb; i++)
            q8_0_avx2(src + (b + i) * bb, out + 32 * i);
        return;
    }
    if (avx2 && type == GGUF_T_Q4_0) {
        for (size_t i = 0; i < nb; i++)
            q4_0_avx2(src + (b + i) * bb, out + 32 * i);
        return;
    }
#endif
    for (size_t i = 0; i < nb; i++)
        block32(type, src + (b + i) * bb, out + 32 * i);
}

void gguf_dequant(uint32_t type, const uint8_t *src, uint64_t first, size_t n, float *out)
{
    size_t blk = gguf_type_block(type), bb = gguf_type_block_bytes(type);
    if (blk == 1) {
        const uint8_t *p = src + first * bb;
        for (size_t i = 0; i < n; i++, p += bb) {
            if (type == GGUF_T_F32)
                memcpy(&out[i], p, 4);
            else if (type == GGUF_T_F16)
                out[i] = half(p);
            else
                out[i] = sdst_bf16_to_f32((uint16_t)(p[0] | p[1] << 8));
        }
        return;
    }
    if (blk != 32) {
        memset(out, 0, n * sizeof *out);
        return;
    }
    /* a partial first and last block go through a scratch block */
    uint64_t b = first / 32;
    size_t skip = (size_t)(first % 32), done = 0;
    float tmp[32];
    while (done < n) {
        size_t take = 32 - skip < n - done ? 32 - skip : n - done;
        if (skip == 0 && take == 32) {
            size_t nb = (n - done) / 32;
            blocks(type, src, b, nb, out + done);
            done += 32 * nb;
            b += nb;
            continue;
        } else {
            block32(type, src + b * bb, tmp);
            memcpy(out + done, tmp + skip, take * sizeof *out);
        }
        done += take;
        skip = 0;
        b++;
    }
}
