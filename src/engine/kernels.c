/* kernels.c - arena, per-layer weight conversion and f32 kernels (see
 * kernels.h). The heavy lifting is sgemm (gemm.c, on the pool's threads); the
 * rest are single passes over memory. Reductions (norms, softmax sums) use
 * double accumulators so results do not depend on summation order. */
#include "kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "threadpool.h"

/* ---- arena */
struct sdarena_ov {
    sdarena_ov *next;
    size_t at; /* a->used when it was handed out */
    void *p;
};

void sdarena_init(sdarena *a, size_t cap)
{
    memset(a, 0, sizeof *a);
    a->cap = cap ? cap : (size_t)64 << 30;
}

void sdarena_free(sdarena *a)
{
    sdarena_reset(a, 0);
    free(a->base);
    for (int i = 0; i < SDW_SLOTS; i++)
        longsd__free(a->wbuf[i]);
    memset(a, 0, sizeof *a);
}

float *sdarena_alloc(sdarena *a, size_t n)
{
    size_t bytes = (n * sizeof(float) + 63) & ~(size_t)63;
    if (bytes == 0)
        bytes = 64;
    if (n > a->cap / sizeof(float) || a->used + bytes > a->cap)
        return NULL;
    void *p;
    /* Once something overflowed, later blocks overflow too, so base
     * offsets and mark positions agree below the first overflow. */
    if (!a->ov && a->off + bytes <= a->size) {
        p = a->base + a->off;
        a->off += bytes;
    } else {
        sdarena_ov *o = longsd__malloc(sizeof *o);
        p = o ? aligned_alloc(64, bytes) : NULL;
        if (!p) {
            longsd__free(o);
            return NULL;
        }
        o->at = a->used;
        o->p = p;
        o->next = a->ov;
        a->ov = o;
    }
    a->used += bytes;
    if (a->used > a->peak)
        a->peak = a->used;
    if (a->used > a->grow)
        a->grow = a->used;
    return p;
}

size_t sdarena_mark(const sdarena *a)
{
    return a->used;
}

void sdarena_reset(sdarena *a, size_t mark)
{
    while (a->ov && a->ov->at >= mark) {
        sdarena_ov *o = a->ov;
        a->ov = o->next;
        free(o->p);
        longsd__free(o);
    }
    if (!a->ov && mark < a->off)
        a->off = mark;
    a->used = mark;
    if (a->used == 0 && a->grow > a->size) {
        /* free first: old and new block at once would be the peak twice */
        free(a->base);
        a->base = aligned_alloc(64, (a->grow + 63) & ~(size_t)63);
        a->size = a->base ? a->grow : 0;
        a->off = 0;
    }
}

void sdarena_trim(sdarena *a)
{
    if (a->used)
        return;
    free(a->base);
    a->base = NULL;
    a->size = a->off = a->grow = 0;
    for (int i = 0; i < SDW_SLOTS; i++) {
        longsd__free(a->wbuf[i]);
        a->wbuf[i] = NULL;
        a->wcap[i] = 0;
    }
}

/* sdk_parallel_for: the element-wise work between the products, which
 * would otherwise leave the other cores idle, on the generation's pool. */
void sdk_parallel_for(void (*fn)(void *, size_t, size_t), void *ctx, size_t n, size_t min_per_thread)
{
    sdpool_run(sdpool_current(), fn, ctx, n, min_per_thread);
}

/* ---- weights */
void sdw_init(sdw *w, const sdst_file *f, const char *prefix, sdarena *home, lserr *err)
{
    memset(w, 0, sizeof *w);
    w->f = f;
    w->prefix = prefix ? prefix : "";
    w->err = err;
    w->home = home;
    w->patch = home ? home->patch : NULL;
    if (home)
        for (int i = 0; i < SDW_SLOTS; i++) {
            w->buf[i] = home->wbuf[i];
            w->cap[i] = home->wcap[i];
            home->wbuf[i] = NULL;
            home->wcap[i] = 0;
        }
}

void sdw_free(sdw *w)
{
    for (int i = 0; i < SDW_SLOTS; i++) {
        if (w->home && !w->home->wbuf[i]) {
            w->home->wbuf[i] = w->buf[i];
            w->home->wcap[i] = w->cap[i];
        } else {
            longsd__free(w->buf[i]);
        }
    }
    memset(w, 0, sizeof *w);
}

static float *slot_buf(sdw *w, int slot, size_t n)
{
    if (w->cap[slot] < n) {
        float *p = longsd__realloc(w->buf[slot], (n ? n : 1) * sizeof *p);
        if (!p)
            return NULL;
        w->buf[slot] = p;
        w->cap[slot] = n;
    }
    return w->buf[slot];
}

typedef struct {
    const sdst_file *f;
    const sdst_tensor *t;
    float *out;
    longsd_status rc;
} conv_job;

static void convert_range(void *ctx, size_t b, size_t e)
{
    conv_job *j = ctx;
    /* float and GGUF block dtypes over an in-range slice cannot fail (a
     * slice may start inside a block: gguf_dequant handles that) */
    sdst_slice_to_f32(j->f, j->t, b, e - b, j->out + b, NULL);
}

/* prefix + map(formatted name) */
static void full_name(const sdw *w, char *name, size_t cap, const char *fmt, va_list ap)
{
    char raw[448], mapped[448];
    vsnprintf(raw, sizeof raw, fmt, ap);
    const char *n = raw;
    if (w->map) {
        w->map(w->map_ctx, raw, mapped, sizeof mapped);
        n = mapped;
    }
    snprintf(name, cap, "%s%s", w->prefix, n);
}

const float *sdw_get(sdw *w, int slot, size_t numel, const char *fmt, ...)
{
    char name[512], base[448];
    va_list ap;
    va_start(ap, fmt);
    full_name(w, name, sizeof name, fmt, ap);
    va_end(ap);
    int patched = 0;
    if (w->patch) {
        va_start(ap, fmt);
        vsnprintf(base, sizeof base, fmt, ap);
        va_end(ap);
        patched = w->patch->has(w->patch->ctx, base);
    }
    float *buf = slot_buf(w, slot, numel);
    if (!buf) {
        if (w->rc == LONGSD_OK)
            w->rc = lserr_set(w->err, LONGSD_ERR_NOMEM, "out of memory converting '%s'", name);
        return NULL;
    }
    if (w->rc == LONGSD_OK) {
        const sdst_tensor *t = sdst_find(w->f, name);
        if (!t) {
            w->rc = lserr_set(w->err, LONGSD_ERR_MODEL, "%s: no tensor '%s'", sdst_label(w->f), name);
        } else if (t->numel != numel) {
            w->rc = lserr_set(w->err, LONGSD_ERR_MODEL, "%s: tensor '%s' has %llu elements, expected %zu",
                              sdst_label(w->f), name, (unsigned long long)t->numel, numel);
        } else {
            const float *view = sdst_f32_view(t);
            if (view && !patched)
                return view;
            if (view) {
                /* the file is mapped read-only: patch a copy */
                memcpy(buf, view, numel * sizeof *buf);
                longsd_status prc = w->patch->add(w->patch->ctx, base, buf, numel, w->err);
                if (prc == LONGSD_OK)
                    return buf;
                w->rc = prc;
                memset(buf, 0, numel * sizeof *buf);
                return buf;
            }
            /* Big tensors convert on all threads (a UNet step converts
             * every weight); slices are independent, so the split does not
             * change a bit. */
            conv_job job = {w->f, t, buf, LONGSD_OK};
            if (sdst_dtype_is_float(t->dtype))
                sdk_parallel_for(convert_range, &job, numel, (size_t)1 << 20);
            else
                job.rc = sdst_to_f32(w->f, t, buf, numel, w->err);
            if (job.rc == LONGSD_OK && patched)
                job.rc = w->patch->add(w->patch->ctx, base, buf, numel, w->err);
            if (job.rc == LONGSD_OK)
                return buf;
            w->rc = job.rc;
        }
    }
    memset(buf, 0, numel * sizeof *buf);
    return buf;
}

int sdw_has(sdw *w, const char *fmt, ...)
{
    char name[512];
    va_list ap;
    va_start(ap, fmt);
    full_name(w, name, sizeof name, fmt, ap);
    va_end(ap);
    return sdst_find(w->f, name) != NULL;
}

/* ---- kernels */
#define COL_MAX ((size_t)16 << 20) /* im2col block: at most 64 MB of floats */

size_t sdk_conv2d_scratch(int C, int H, int W, int k, int stride, int pad)
{
    int Ho = (H + 2 * pad - k) / stride + 1, Wo = (W + 2 * pad - k) / stride + 1;
    size_t row = (size_t)C * k * k * Wo; /* col floats per output row */
    size_t rows = row ? COL_MAX / row : 1;
    if (rows < 1)
        rows = 1;
    if (rows > (size_t)Ho)
        rows = (size_t)Ho;
    return row * rows;
}

typedef struct {
    const float *x;
    float *col;
    int H, W, k, stride, pad, Wo, r0, nr;
} im2col_job;

/* col(K, n): row (c, ky, kx), column (oy, ox), for channels [c0, c1). */
static void im2col_range(void *ctx, size_t c0, size_t c1)
{
    const im2col_job *j = ctx;
    int k = j->k, Wo = j->Wo, nr = j->nr, H = j->H, W = j->W;
    size_t n = (size_t)nr * Wo;
    for (int c = (int)c0; c < (int)c1; c++)
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) {
                float *dst = j->col + ((size_t)(c * k + ky) * k + kx) * n;
                for (int oy = 0; oy < nr; oy++) {
                    int iy = (j->r0 + oy) * j->stride - j->pad + ky;
                    float *d = dst + (size_t)oy * Wo;
                    if (iy < 0 || iy >= H) {
                        memset(d, 0, (size_t)Wo * sizeof *d);
                        continue;
                    }
                    const float *src = j->x + ((size_t)c * H + iy) * W;
                    for (int ox = 0; ox < Wo; ox++) {
                        int ix = ox * j->stride - j->pad + kx;
                        d[ox] = ix >= 0 && ix < W ? src[ix] : 0.0f;
                    }
                }
            }
}

void sdk_conv2d(const float *x, int C, int H, int W, const float *w, const float *b, int O, int k, int stride, int pad,
                float *y, float *col)
{
    int Ho = (H + 2 * pad - k) / stride + 1, Wo = (W + 2 * pad - k) / stride + 1;
    int K = C * k * k, N = Ho * Wo;
    if (k == 1 && stride == 1 && pad == 0) {
        sdk_sgemm(0, 0, O, N, C, 1.0f, w, C, x, N, 0.0f, y, N);
    } else {
        size_t row = (size_t)K * Wo;
        int rows = (int)(sdk_conv2d_scratch(C, H, W, k, stride, pad) / row);
        for (int r0 = 0; r0 < Ho; r0 += rows) {
            int nr = Ho - r0 < rows ? Ho - r0 : rows, n = nr * Wo;
            im2col_job job = {x, col, H, W, k, stride, pad, Wo, r0, nr};
            sdk_parallel_for(im2col_range, &job, (size_t)C, (size_t)(65536 / ((size_t)k * k * n + 1)) + 1);
            sdk_sgemm(0, 0, O, n, K, 1.0f, w, K, col, n, 0.0f, y + (size_t)r0 * Wo, N);
        }
    }
    if (b)
        for (int o = 0; o < O; o++) {
            float *yo = y + (size_t)o * N;
            for (int i = 0; i < N; i++)
                yo[i] += b[o];
        }
}

void sdk_linear(const float *x, int n, int in, const float *w, const float *b, int out, float *y)
{
    sdk_sgemm(0, 1, n, out, in, 1.0f, x, in, w, in, 0.0f, y, out);
    if (b)
        for (int i = 0; i < n; i++) {
            float *yi = y + (size_t)i * out;
            for (int o = 0; o < out; o++)
                yi[o] += b[o];
        }
}

typedef struct {
    float *x;
    int cpg, HW;
    const float *gamma, *beta;
    float eps;
} gn_job;

static void gn_range(void *ctx, size_t g0, size_t g1)
{
    const gn_job *j = ctx;
    int cpg = j->cpg, HW = j->HW;
    for (size_t g = g0; g < g1; g++) {
        float *xg = j->x + g * cpg * HW;
        size_t n = (size_t)cpg * HW;
        double s = 0, s2 = 0;
        for (size_t i = 0; i < n; i++)
            s += xg[i];
        double mean = s / (double)n;
        for (size_t i = 0; i < n; i++) {
            double d = xg[i] - mean;
            s2 += d * d;
        }
        double inv = 1.0 / sqrt(s2 / (double)n + j->eps);
        for (int c = 0; c < cpg; c++) {
            size_t ch = g * cpg + c;
            /* (x - mean) first: folding mean into the bias cancels badly
             * when |mean| is large against the spread. */
            float a = (float)(inv * j->gamma[ch]), m = (float)mean, bb = j->beta[ch];
            float *xc = xg + (size_t)c * HW;
            for (int i = 0; i < HW; i++)
                xc[i] = (xc[i] - m) * a + bb;
        }
    }
}

void sdk_group_norm(float *x, int C, int HW, int G, const float *gamma, const float *beta, float eps)
{
    gn_job j = {x, C / G, HW, gamma, beta, eps};
    sdk_parallel_for(gn_range, &j, (size_t)G, (size_t)(65536 / ((size_t)(C / G) * HW + 1)) + 1);
}

void sdk_layer_norm(const float *x, int n, int d, const float *gamma, const float *beta, float eps, float *y)
{
    for (int i = 0; i < n; i++) {
        const float *xi = x + (size_t)i * d;
        float *yi = y + (size_t)i * d;
        double s = 0, s2 = 0;
        for (int j = 0; j < d; j++)
            s += xi[j];
        double mean = s / d;
        for (int j = 0; j < d; j++)
            s2 += (xi[j] - mean) * (xi[j] - mean);
        double inv = 1.0 / sqrt(s2 / d + eps);
        for (int j = 0; j < d; j++)
            yi[j] = (float)((xi[j] - mean) * inv) * gamma[j] + beta[j];
    }
}

typedef struct {
    float *x;
    const float *in;
    int d;
} act_job;

static void silu_range(void *ctx, size_t b, size_t e)
{
    float *x = ((act_job *)ctx)->x;
    for (size_t i = b; i < e; i++)
        x[i] = x[i] / (1.0f + expf(-x[i]));
}

static void gelu_range(void *ctx, size_t b, size_t e)
{
    float *x = ((act_job *)ctx)->x;
    for (size_t i = b; i < e; i++)
        x[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752f));
}

static void quick_gelu_range(void *ctx, size_t b, size_t e)
{
    float *x = ((act_job *)ctx)->x;
    for (size_t i = b; i < e; i++)
        x[i] = x[i] / (1.0f + expf(-1.702f * x[i]));
}

static void geglu_range(void *ctx, size_t r0, size_t r1)
{
    const act_job *j = ctx;
    int d = j->d;
    for (size_t r = r0; r < r1; r++) {
        const float *h = j->in + r * 2 * d, *g = h + d;
        float *yi = j->x + r * d;
        for (int i = 0; i < d; i++)
            yi[i] = h[i] * 0.5f * g[i] * (1.0f + erff(g[i] * 0.70710678118654752f));
    }
}

#define ACT_MIN ((size_t)1 << 16) /* elements per thread worth a thread */

void sdk_silu(float *x, size_t n)
{
    act_job j = {x, NULL, 0};
    sdk_parallel_for(silu_range, &j, n, ACT_MIN);
}

void sdk_gelu(float *x, size_t n)
{
    act_job j = {x, NULL, 0};
    sdk_parallel_for(gelu_range, &j, n, ACT_MIN);
}

void sdk_quick_gelu(float *x, size_t n)
{
    act_job j = {x, NULL, 0};
    sdk_parallel_for(quick_gelu_range, &j, n, ACT_MIN);
}

void sdk_geglu(const float *x, int n, int d, float *y)
{
    act_job j = {y, x, d};
    sdk_parallel_for(geglu_range, &j, (size_t)n, ACT_MIN / (size_t)(d > 0 ? d : 1) + 1);
}

typedef struct {
    float *x;
    int cols;
} softmax_job;

static void softmax_range(void *ctx, size_t r0, size_t r1);

void sdk_softmax_rows(float *x, int rows, int cols)
{
    softmax_job j = {x, cols};
    /* about 64k elements per thread at least, else threads cost more than they save */
    sdk_parallel_for(softmax_range, &j, (size_t)rows, (size_t)(65536 / (cols > 0 ? cols : 1)) + 1);
}

#if defined(__x86_64__)
/* exp for 8 floats (Cephes' expf polynomial, ~1 ulp on [-87, 88]; below
 * -87.3, including -inf from the causal mask, exactly 0). The scores'
 * exponentials are the largest element-wise cost of 512x512 attention. */
__attribute__((target("avx2,fma"))) static inline __m256 exp8(__m256 x)
{
    const __m256 hi = _mm256_set1_ps(88.3762626647949f), lo = _mm256_set1_ps(-87.3f);
    __m256 zero_mask = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    __m256 fx = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 z = _mm256_mul_ps(x, x);
    __m256 y = _mm256_set1_ps(1.9875691500E-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507E-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073E-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894E-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459E-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201E-1f));
    y = _mm256_fmadd_ps(y, z, _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
    y = _mm256_mul_ps(y, _mm256_castsi256_ps(e));
    return _mm256_andnot_ps(zero_mask, y);
}

__attribute__((target("avx2,fma"))) static void softmax_row_avx2(float *xr, int cols)
{
    __m256 vm = _mm256_set1_ps(-INFINITY);
    int j = 0;
    for (; j + 8 <= cols; j += 8)
        vm = _mm256_max_ps(vm, _mm256_loadu_ps(xr + j));
    float mv[8], m = -INFINITY;
    _mm256_storeu_ps(mv, vm);
    for (int k = 0; k < 8; k++)
        m = mv[k] > m ? mv[k] : m;
    for (int k = j; k < cols; k++)
        m = xr[k] > m ? xr[k] : m;
    __m256 vmax = _mm256_set1_ps(m), vs = _mm256_setzero_ps();
    for (j = 0; j + 8 <= cols; j += 8) {
        __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(xr + j), vmax));
        _mm256_storeu_ps(xr + j, e);
        vs = _mm256_add_ps(vs, e);
    }
    float sv[8];
    _mm256_storeu_ps(sv, vs);
    double s = 0;
    for (int k = 0; k < 8; k++)
        s += sv[k];
    for (int k = j; k < cols; k++) {
        xr[k] = expf(xr[k] - m);
        s += xr[k];
    }
    __m256 inv = _mm256_set1_ps((float)(1.0 / s));
    for (j = 0; j + 8 <= cols; j += 8)
        _mm256_storeu_ps(xr + j, _mm256_mul_ps(_mm256_loadu_ps(xr + j), inv));
    for (int k = j; k < cols; k++)
        xr[k] *= (float)(1.0 / s);
}

static int have_avx2(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

static void softmax_range(void *ctx, size_t r0, size_t r1)
{
    const softmax_job *job = ctx;
    float *x = job->x;
    int cols = job->cols;
    for (size_t r = r0; r < r1; r++) {
        float *xr = x + (size_t)r * cols, m = -INFINITY;
#if defined(__x86_64__)
        if (have_avx2()) {
            softmax_row_avx2(xr, cols);
            continue;
        }
#endif
        for (int j = 0; j < cols; j++)
            if (xr[j] > m)
                m = xr[j];
        double s = 0;
        for (int j = 0; j < cols; j++) {
            xr[j] = expf(xr[j] - m);
            s += xr[j];
        }
        float inv = (float)(1.0 / s);
        for (int j = 0; j < cols; j++)
            xr[j] *= inv;
    }
}

void sdk_upsample2x(const float *x, int C, int H, int W, float *y)
{
    for (int c = 0; c < C; c++)
        for (int i = 0; i < H; i++) {
            const float *src = x + ((size_t)c * H + i) * W;
            float *d0 = y + ((size_t)c * 2 * H + 2 * i) * 2 * W, *d1 = d0 + 2 * W;
            for (int j = 0; j < W; j++)
                d0[2 * j] = d0[2 * j + 1] = src[j];
            memcpy(d1, d0, (size_t)2 * W * sizeof *d1);
        }
}

void sdk_transpose(const float *x, int rows, int cols, float *y)
{
    enum { B = 32 };
    for (int i0 = 0; i0 < rows; i0 += B)
        for (int j0 = 0; j0 < cols; j0 += B)
            for (int i = i0; i < rows && i < i0 + B; i++)
                for (int j = j0; j < cols && j < j0 + B; j++)
                    y[(size_t)j * rows + i] = x[(size_t)i * cols + j];
}

void sdk_add(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] += x[i];
}

#define ATT_MAX ((size_t)4 << 20) /* score block: at most 16 MB */

size_t sdk_attention_scratch(int nq, int nk)
{
    size_t rows = ATT_MAX / (size_t)(nk > 0 ? nk : 1);
    if (rows < 1)
        rows = 1;
    if (rows > (size_t)nq)
        rows = (size_t)nq;
    return rows * (size_t)nk;
}

void sdk_attention(const float *q, const float *k, const float *v, int nq, int nk, int heads, int dh, int causal,
                   float *out, float *scratch)
{
    int ld = heads * dh, rows = (int)(sdk_attention_scratch(nq, nk) / (size_t)nk);
    float scale = 1.0f / sqrtf((float)dh);
    for (int h = 0; h < heads; h++)
        for (int r0 = 0; r0 < nq; r0 += rows) {
            int nr = nq - r0 < rows ? nq - r0 : rows;
            sdk_sgemm(0, 1, nr, nk, dh, scale, q + (size_t)r0 * ld + h * dh, ld, k + h * dh, ld, 0.0f, scratch, nk);
            if (causal)
                for (int i = 0; i < nr; i++)
                    for (int j = r0 + i + 1; j < nk; j++)
                        scratch[(size_t)i * nk + j] = -INFINITY;
            sdk_softmax_rows(scratch, nr, nk);
            sdk_sgemm(0, 0, nr, dh, nk, 1.0f, scratch, nk, v + h * dh, ld, 0.0f, out + (size_t)r0 * ld + h * dh, ld);
        }
}
