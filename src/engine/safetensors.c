/* safetensors.c - strict safetensors reader (see safetensors.h). The rules
 * follow the reference Rust reader: header length within the file and at
 * most 100 MB, a JSON object whose entries are {dtype, shape, data_offsets},
 * sizes that match the shape, and tensors that tile the data area exactly
 * (no overlap, no gap, nothing left over). A model file is untrusted input:
 * nothing here trusts an offset before checking it. */
#include "safetensors.h"

#include "gguf.h"

#include <errno.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#endif
#include <fcntl.h>
#include <stdatomic.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct sdst_file {
    char *label;
    void *map;           /* mmap'ed file, or NULL for a borrowed buffer */
    size_t map_size;
    const uint8_t *data; /* start of the data area */
    uint64_t data_size;
    sdst_tensor *t;      /* header order */
    size_t n;
    size_t *by_name;     /* indices sorted by name */
    char **meta;         /* key, value, key, value ... */
    size_t n_meta;
    gguf_file *gguf;     /* the parsed GGUF file, or NULL for safetensors */
};

static const struct {
    const char *name;
    size_t size;
} dtypes[SDST_NDTYPES] = {
    [SDST_BOOL] = {"BOOL", 1},     [SDST_U8] = {"U8", 1},       [SDST_I8] = {"I8", 1},
    [SDST_I16] = {"I16", 2},       [SDST_U16] = {"U16", 2},     [SDST_F16] = {"F16", 2},
    [SDST_BF16] = {"BF16", 2},     [SDST_I32] = {"I32", 4},     [SDST_U32] = {"U32", 4},
    [SDST_F32] = {"F32", 4},       [SDST_F64] = {"F64", 8},     [SDST_I64] = {"I64", 8},
    [SDST_U64] = {"U64", 8},       [SDST_F8_E4M3] = {"F8_E4M3", 1}, [SDST_F8_E5M2] = {"F8_E5M2", 1},
    /* block types: size 0, their bytes are per block (gguf.h) */
    [SDST_Q8_0] = {"Q8_0", 0},     [SDST_Q4_0] = {"Q4_0", 0},   [SDST_Q4_1] = {"Q4_1", 0},
    [SDST_Q5_0] = {"Q5_0", 0},     [SDST_Q5_1] = {"Q5_1", 0},
};
#define SDST_N_SAFETENSORS_DTYPES (SDST_F8_E5M2 + 1) /* the names a safetensors header may use */

const char *sdst_dtype_name(sdst_dtype d)
{
    return (unsigned)d < SDST_NDTYPES ? dtypes[d].name : "?";
}

size_t sdst_dtype_size(sdst_dtype d)
{
    return (unsigned)d < SDST_NDTYPES ? dtypes[d].size : 0;
}

void sdst_close(sdst_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        longsd__free(f->t[i].name);
    for (size_t i = 0; i < 2 * f->n_meta; i++)
        longsd__free(f->meta[i]);
    longsd__free(f->meta);
    longsd__free(f->t);
    longsd__free(f->by_name);
    gguf_close(f->gguf);
    if (f->map)
        munmap(f->map, f->map_size);
    longsd__free(f->label);
    longsd__free(f);
}

/* glibc qsort_r (_GNU_SOURCE): the file being sorted comes as the context. */
static int cmp_name(const void *a, const void *b, void *ctx)
{
    const sdst_file *f = ctx;
    return strcmp(f->t[*(const size_t *)a].name, f->t[*(const size_t *)b].name);
}

static int cmp_offset(const void *a, const void *b, void *ctx)
{
    const sdst_file *f = ctx;
    const sdst_tensor *x = &f->t[*(const size_t *)a], *y = &f->t[*(const size_t *)b];
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return 0;
}

static void shape_str(const sdst_tensor *t, char *out, size_t cap)
{
    size_t k = 0;
    k += (size_t)snprintf(out + k, cap - k, "[");
    for (int d = 0; d < t->ndim && k < cap; d++)
        k += (size_t)snprintf(out + k, cap - k, "%s%lld", d ? ", " : "", (long long)t->shape[d]);
    if (k < cap)
        snprintf(out + k, cap - k, "]");
}

static int get_u64(json_t *v, uint64_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return 0;
    *out = (uint64_t)json_integer_value(v);
    return 1;
}

static longsd_status parse_entry(sdst_file *f, const char *name, json_t *v, sdst_tensor *t, lserr *err)
{
    const char *L = f->label;
    if (!json_is_object(v))
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s': header entry is not an object", L, name);
    json_t *jd = json_object_get(v, "dtype"), *js = json_object_get(v, "shape"),
           *jo = json_object_get(v, "data_offsets");
    if (!json_is_string(jd))
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s': missing or non-string dtype", L, name);
    const char *ds = json_string_value(jd);
    int dt = -1;
    for (int i = 0; i < SDST_N_SAFETENSORS_DTYPES; i++)
        if (strcmp(ds, dtypes[i].name) == 0)
            dt = i;
    if (dt < 0)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s': unknown dtype '%.32s'", L, name, ds);
    t->dtype = (sdst_dtype)dt;
    if (!json_is_array(js))
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s': missing or non-array shape", L, name);
    if (json_array_size(js) > SDST_MAX_DIMS)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s': %zu dimensions, at most %d supported", L,
                         name, json_array_size(js), SDST_MAX_DIMS);
    t->ndim = (int)json_array_size(js);
    /* numel * dtype size must not overflow: dims are checked against the
     * data area as they multiply, so the product stays below 2^64. */
    uint64_t numel = 1;
    int zero = 0;
    for (int d = 0; d < t->ndim; d++) {
        uint64_t dim;
        if (!get_u64(json_array_get(js, (size_t)d), &dim))
            return lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s': shape entry %d is not a non-negative integer",
                             L, name, d);
        t->shape[d] = (int64_t)dim;
        if (dim == 0)
            zero = 1;
        else if (!zero) {
            if (numel > UINT64_MAX / dim || numel * dim > f->data_size)
                numel = f->data_size + 1; /* certainly too big; keep checking the other dims */
            else
                numel *= dim;
        }
    }
    if (zero)
        numel = 0;
    t->numel = numel;
    if (!json_is_array(jo) || json_array_size(jo) != 2 || !get_u64(json_array_get(jo, 0), &t->begin) ||
        !get_u64(json_array_get(jo, 1), &t->end))
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: tensor '%s': data_offsets must be two non-negative integers [begin, end]", L, name);
    if (t->begin > t->end)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s': data_offsets [%llu, %llu] end before they begin",
                         L, name, (unsigned long long)t->begin, (unsigned long long)t->end);
    if (t->end > f->data_size)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: tensor '%s': data_offsets [%llu, %llu] run past the end of the data (%llu bytes)", L,
                         name, (unsigned long long)t->begin, (unsigned long long)t->end,
                         (unsigned long long)f->data_size);
    uint64_t need = numel > f->data_size ? UINT64_MAX : numel * dtypes[dt].size;
    if (need != t->end - t->begin) {
        char sh[128];
        shape_str(t, sh, sizeof sh);
        if (need == UINT64_MAX)
            return lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s': shape %s is larger than the whole file", L,
                             name, sh);
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: tensor '%s': shape %s of %s needs %llu bytes but data_offsets span %llu", L, name, sh,
                         dtypes[dt].name, (unsigned long long)need, (unsigned long long)(t->end - t->begin));
    }
    t->data = f->data + t->begin;
    return LONGSD_OK;
}

/* A GGUF file behind the safetensors interface: gguf.c validates it, its
 * tensors become entries with PyTorch-order shapes (ggml lists the fastest
 * dimension first), and the float types map to the safetensors ones so the
 * F16C conversion and the zero-copy F32 view apply to them too. */
static longsd_status parse_gguf(sdst_file *f, const uint8_t *p, size_t size, lserr *err)
{
    longsd_status rc = gguf_open_mem(p, size, f->label, &f->gguf, err);
    if (rc != LONGSD_OK)
        return rc;
    size_t n = gguf_n_tensors(f->gguf);
    f->data = p + gguf_data_offset(f->gguf);
    f->data_size = size - gguf_data_offset(f->gguf);
    f->t = longsd__calloc(n ? n : 1, sizeof *f->t);
    f->by_name = longsd__calloc(n ? n : 1, sizeof *f->by_name);
    if (!f->t || !f->by_name)
        return lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory reading the header", f->label);
    for (size_t i = 0; i < n; i++) {
        const gguf_tensor *g = gguf_tensor_at(f->gguf, i);
        sdst_tensor *t = &f->t[i];
        if (!(t->name = longsd__strdup(g->name)))
            return lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory reading the header", f->label);
        f->n = i + 1;
        switch (g->type) {
        case GGUF_T_F32: t->dtype = SDST_F32; break;
        case GGUF_T_F16: t->dtype = SDST_F16; break;
        case GGUF_T_BF16: t->dtype = SDST_BF16; break;
        case GGUF_T_Q8_0: t->dtype = SDST_Q8_0; break;
        case GGUF_T_Q4_0: t->dtype = SDST_Q4_0; break;
        case GGUF_T_Q4_1: t->dtype = SDST_Q4_1; break;
        case GGUF_T_Q5_0: t->dtype = SDST_Q5_0; break;
        default: t->dtype = SDST_Q5_1; break; /* gguf.c admits no other type */
        }
        t->gguf_type = (uint32_t)g->type;
        t->ndim = g->n_dims;
        for (int d = 0; d < g->n_dims; d++)
            t->shape[d] = (int64_t)g->ne[g->n_dims - 1 - d];
        t->numel = g->numel;
        t->begin = g->offset;
        t->end = g->offset + g->size;
        t->data = g->data;
        f->by_name[i] = i;
    }
    qsort_r(f->by_name, f->n, sizeof *f->by_name, cmp_name, f);
    return LONGSD_OK;
}

static longsd_status parse(sdst_file *f, const uint8_t *p, size_t size, lserr *err)
{
    /* no safetensors file starts with "GGUF": read as a header length,
     * those bytes are over 1 GB, past the 100 MB cap */
    if (gguf_is_gguf(p, size))
        return parse_gguf(f, p, size, err);
    const char *L = f->label;
    longsd_status rc = LONGSD_OK;
    json_t *root = NULL;
    size_t *order = NULL;
    if (size < 8)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: truncated: %zu bytes, too short for the 8-byte header length", L, size);
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--)
        hlen = hlen << 8 | p[i];
    if (hlen > SDST_MAX_HEADER)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: header length %llu is over the limit of %u bytes", L,
                         (unsigned long long)hlen, SDST_MAX_HEADER);
    if (hlen > size - 8)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: truncated: header length %llu runs past the end of the file (%zu bytes)", L,
                         (unsigned long long)hlen, size);
    if (hlen < 2)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: header length %llu is too small for a JSON object", L,
                         (unsigned long long)hlen);
    f->data = p + 8 + hlen;
    f->data_size = size - 8 - hlen;

    json_error_t je;
    root = json_loadb((const char *)p + 8, (size_t)hlen, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: header is not valid JSON: %s (at byte %d)", L, je.text,
                       je.position);
        goto out;
    }
    if (!json_is_object(root)) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: header is not a JSON object", L);
        goto out;
    }
    size_t cap = json_object_size(root);
    f->t = longsd__calloc(cap ? cap : 1, sizeof *f->t);
    f->by_name = longsd__calloc(cap ? cap : 1, sizeof *f->by_name);
    order = longsd__calloc(cap ? cap : 1, sizeof *order);
    if (!f->t || !f->by_name || !order) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory reading the header", L);
        goto out;
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        if (strcmp(key, "__metadata__") == 0) {
            if (!json_is_object(v)) {
                rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: __metadata__ is not an object", L);
                goto out;
            }
            f->meta = longsd__calloc(2 * json_object_size(v) + 1, sizeof *f->meta);
            if (!f->meta) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory reading the header", L);
                goto out;
            }
            const char *mk;
            json_t *mv;
            json_object_foreach(v, mk, mv)
            {
                if (!json_is_string(mv)) {
                    rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: __metadata__ value '%s' is not a string", L, mk);
                    goto out;
                }
                char *a = longsd__strdup(mk), *b = longsd__strdup(json_string_value(mv));
                f->meta[2 * f->n_meta] = a;
                f->meta[2 * f->n_meta + 1] = b;
                f->n_meta++;
                if (!a || !b) {
                    rc = lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory reading the header", L);
                    goto out;
                }
            }
            continue;
        }
        sdst_tensor *t = &f->t[f->n];
        t->name = longsd__strdup(key);
        if (!t->name) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory reading the header", L);
            goto out;
        }
        f->n++;
        if ((rc = parse_entry(f, key, v, t, err)) != LONGSD_OK)
            goto out;
    }
    for (size_t i = 0; i < f->n; i++)
        f->by_name[i] = order[i] = i;
    qsort_r(f->by_name, f->n, sizeof *f->by_name, cmp_name, f);
    qsort_r(order, f->n, sizeof *order, cmp_offset, f);
    uint64_t pos = 0;
    for (size_t i = 0; i < f->n; i++) {
        const sdst_tensor *t = &f->t[order[i]];
        if (t->begin < pos) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: tensors '%s' and '%s' overlap (bytes %llu..%llu)", L,
                           f->t[order[i - 1]].name, t->name, (unsigned long long)t->begin,
                           (unsigned long long)pos);
            goto out;
        }
        if (t->begin > pos) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s': bytes %llu..%llu before it belong to no tensor", L,
                           t->name, (unsigned long long)pos, (unsigned long long)t->begin);
            goto out;
        }
        pos = t->end;
    }
    if (pos != f->data_size) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: %llu bytes after the last tensor belong to no tensor", L,
                       (unsigned long long)(f->data_size - pos));
        goto out;
    }
out:
    longsd__free(order);
    json_decref(root);
    return rc;
}

longsd_status sdst_open_mem(const void *data, size_t size, const char *label, sdst_file **out, lserr *err)
{
    *out = NULL;
    sdst_file *f = longsd__calloc(1, sizeof *f);
    if (!f || !(f->label = longsd__strdup(label ? label : "(memory)"))) {
        longsd__free(f);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    longsd_status rc = parse(f, data, size, err);
    if (rc != LONGSD_OK) {
        sdst_close(f);
        return rc;
    }
    *out = f;
    return LONGSD_OK;
}

longsd_status sdst_open(const char *path, sdst_file **out, lserr *err)
{
    *out = NULL;
    longsd_status rc = LONGSD_OK;
    sdst_file *f = NULL;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return lserr_set(err, errno == ENOENT ? LONGSD_ERR_NOT_FOUND : LONGSD_ERR_IO, "%s: cannot open: %s", path,
                         strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = lserr_set(err, LONGSD_ERR_IO, "%s: not a regular file", path);
        goto out;
    }
    f = longsd__calloc(1, sizeof *f);
    if (!f || !(f->label = longsd__strdup(path))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (st.st_size > 0) {
        f->map_size = (size_t)st.st_size;
        f->map = mmap(NULL, f->map_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (f->map == MAP_FAILED) {
            f->map = NULL;
            rc = lserr_set(err, LONGSD_ERR_IO, "%s: cannot map: %s", path, strerror(errno));
            goto out;
        }
    }
    rc = parse(f, f->map ? f->map : (const void *)"", f->map_size, err);
out:
    close(fd);
    if (rc != LONGSD_OK)
        sdst_close(f);
    else
        *out = f;
    return rc;
}

size_t sdst_release(const sdst_file *f, const char *prefix)
{
    if (!f || !f->map)
        return 0;
    size_t pg = (size_t)sysconf(_SC_PAGESIZE), plen = prefix ? strlen(prefix) : 0, total = 0;
    uintptr_t lo = 0, hi = 0; /* the run of pages being gathered */
    /* Header order is file order for both formats here: adjacent tensors
     * merge into one call. A page shared with a tensor of another stage
     * goes too; it faults back in when that stage reads it. */
    for (size_t i = 0; i <= f->n; i++) {
        const sdst_tensor *t = i < f->n ? &f->t[i] : NULL;
        if (t && (t->end == t->begin || (plen && strncmp(t->name, prefix, plen) != 0)))
            continue;
        uintptr_t b = t ? (uintptr_t)t->data & ~(uintptr_t)(pg - 1) : 0;
        uintptr_t e = t ? ((uintptr_t)t->data + (t->end - t->begin) + pg - 1) & ~(uintptr_t)(pg - 1) : 0;
        if (t && hi && b >= lo && b <= hi) {
            hi = e > hi ? e : hi;
        } else {
            if (hi > lo)
                madvise((void *)lo, hi - lo, MADV_DONTNEED);
            lo = b;
            hi = e;
        }
        if (t)
            total += t->end - t->begin;
    }
    return total;
}

const char *sdst_label(const sdst_file *f)
{
    return f->label;
}

size_t sdst_count(const sdst_file *f)
{
    return f->n;
}

const sdst_tensor *sdst_at(const sdst_file *f, size_t i)
{
    return i < f->n ? &f->t[i] : NULL;
}

const sdst_tensor *sdst_find(const sdst_file *f, const char *name)
{
    size_t lo = 0, hi = f->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(f->t[f->by_name[mid]].name, name);
        if (c == 0)
            return &f->t[f->by_name[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *sdst_meta(const sdst_file *f, const char *key)
{
    if (f->gguf) {
        const gguf_kv *kv = gguf_find_kv(f->gguf, key);
        return kv && kv->type == GGUF_KV_STRING ? kv->str : NULL;
    }
    for (size_t i = 0; i < f->n_meta; i++)
        if (strcmp(f->meta[2 * i], key) == 0)
            return f->meta[2 * i + 1];
    return NULL;
}

longsd_status sdst_get(const sdst_file *f, const char *name, int ndim, const int64_t *shape,
                       const sdst_tensor **out, lserr *err)
{
    const sdst_tensor *t = sdst_find(f, name);
    *out = NULL;
    if (!t)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: no tensor '%s'", f->label, name);
    if (ndim >= 0) {
        int ok = t->ndim == ndim;
        for (int d = 0; ok && d < ndim; d++)
            ok = t->shape[d] == shape[d];
        if (!ok) {
            char have[128], want[128];
            sdst_tensor tmp = {.ndim = ndim < SDST_MAX_DIMS ? ndim : SDST_MAX_DIMS};
            for (int d = 0; d < tmp.ndim; d++)
                tmp.shape[d] = shape[d];
            shape_str(t, have, sizeof have);
            shape_str(&tmp, want, sizeof want);
            return lserr_set(err, LONGSD_ERR_MODEL, "%s: tensor '%s' has shape %s, expected %s", f->label, name,
                             have, want);
        }
    }
    *out = t;
    return LONGSD_OK;
}

float sdst_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, man = h & 0x3ff, bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign;
        } else { /* subnormal: renormalise */
            exp = 127 - 15 + 1;
            while (!(man & 0x400)) {
                man <<= 1;
                exp--;
            }
            bits = sign | exp << 23 | (man & 0x3ff) << 13;
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | man << 13;
    } else {
        bits = sign | (exp + 127 - 15) << 23 | man << 13;
    }
    float r;
    memcpy(&r, &bits, 4);
    return r;
}

float sdst_bf16_to_f32(uint16_t h)
{
    uint32_t bits = (uint32_t)h << 16;
    float r;
    memcpy(&r, &bits, 4);
    return r;
}

#if defined(__x86_64__) || defined(__i386__)
/* F16C converts 8 halves per instruction; weights are converted on every
 * UNet call, so this is on the hot path for fp16 checkpoints. */
__attribute__((target("avx,f16c"))) static void f16_to_f32_f16c(const uint8_t *p, float *out, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m128i h = _mm_loadu_si128((const __m128i *)(const void *)(p + 2 * i));
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(h));
    }
    for (; i < n; i++)
        out[i] = sdst_f16_to_f32((uint16_t)(p[2 * i] | p[2 * i + 1] << 8));
}

static int have_f16c(void)
{
    /* clang's __builtin_cpu_supports knows no "f16c": ask CPUID (leaf 1,
     * ECX bit 29); "avx" also checks that the OS saves the YMM state.
     * Asked once: in a VM CPUID traps to the hypervisor (microseconds),
     * and Winograd's weight transform converts 72 halfs a call. */
    static atomic_int known = -1;
    int k = atomic_load_explicit(&known, memory_order_relaxed);
    if (k < 0) {
        unsigned a, b, c, d;
        k = __builtin_cpu_supports("avx") && __get_cpuid(1, &a, &b, &c, &d) && (c >> 29 & 1);
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k;
}
#endif

int sdst_is_gguf(const sdst_file *f)
{
    return f->gguf != NULL;
}

int sdst_dtype_is_float(sdst_dtype d)
{
    return d == SDST_F32 || d == SDST_F16 || d == SDST_BF16 || d == SDST_F64 || (d >= SDST_Q8_0 && d <= SDST_Q5_1);
}

const float *sdst_f32_view(const sdst_tensor *t)
{
    if (t->dtype != SDST_F32 || ((uintptr_t)t->data & 3u) != 0)
        return NULL;
    return (const float *)(const void *)t->data;
}

longsd_status sdst_to_f32(const sdst_file *f, const sdst_tensor *t, float *out, size_t n, lserr *err)
{
    if (n != t->numel)
        return lserr_set(err, LONGSD_ERR_PARAM, "%s: tensor '%s' has %llu elements, not %zu", f->label, t->name,
                         (unsigned long long)t->numel, n);
    return sdst_slice_to_f32(f, t, 0, n, out, err);
}

longsd_status sdst_slice_to_f32(const sdst_file *f, const sdst_tensor *t, uint64_t first, size_t n, float *out,
                                lserr *err)
{
    if (first > t->numel || n > t->numel - first)
        return lserr_set(err, LONGSD_ERR_PARAM, "%s: tensor '%s': elements %llu..%llu are out of range", f->label,
                         t->name, (unsigned long long)first, (unsigned long long)(first + n));
    if (t->dtype >= SDST_Q8_0 && t->dtype <= SDST_Q5_1) {
        gguf_dequant(t->gguf_type, t->data, first, n, out);
        return LONGSD_OK;
    }
    const uint8_t *p = t->data + first * dtypes[t->dtype].size;
    switch (t->dtype) {
    case SDST_F32:
        if (n)
            memcpy(out, p, n * 4); /* safetensors is little-endian, like every host we build for */
        return LONGSD_OK;
    case SDST_F16:
#if defined(__x86_64__) || defined(__i386__)
        if (have_f16c()) {
            f16_to_f32_f16c(p, out, n);
            return LONGSD_OK;
        }
#endif
        for (size_t i = 0; i < n; i++)
            out[i] = sdst_f16_to_f32((uint16_t)(p[2 * i] | p[2 * i + 1] << 8));
        return LONGSD_OK;
    case SDST_BF16:
        for (size_t i = 0; i < n; i++)
            out[i] = sdst_bf16_to_f32((uint16_t)(p[2 * i] | p[2 * i + 1] << 8));
        return LONGSD_OK;
    case SDST_F64:
        for (size_t i = 0; i < n; i++) {
            double d;
            memcpy(&d, p + 8 * i, 8);
            out[i] = (float)d;
        }
        return LONGSD_OK;
    default:
        return lserr_set(err, LONGSD_ERR_UNSUPPORTED, "%s: tensor '%s': dtype %s cannot be read as floats",
                         f->label, t->name, dtypes[t->dtype].name);
    }
}
