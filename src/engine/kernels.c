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
#include <sys/mman.h>

#include "threadpool.h"
#include "vexp.h"

/* ---- arena
 *
 * One reservation of address space (PROT_NONE: no memory, no commit
 * charge), made writable from the front as the bump pointer needs, so
 * every allocation is contiguous and a reset to a mark leaves the pages
 * behind it mapped for the next layer and the next step. Before, what did
 * not fit the block was malloc'ed and freed again at the reset: each conv's
 * scratch above glibc's mmap threshold was a fresh mapping, zeroed by the
 * kernel page by page, ~5 GB of page faults for one UNet step at 512^2
 * (perf: clear_page under weights_range). Now a stage faults in its peak
 * once. The pages are asked for as transparent huge pages where the
 * kernel offers them (fewer faults and TLB misses over the same bytes). */
#define ARENA_GRAIN ((size_t)2 << 20) /* reservation alignment and commit step: one huge page */

static size_t round_grain(size_t n)
{
    return (n + ARENA_GRAIN - 1) & ~(ARENA_GRAIN - 1);
}

/* Reserve min(cap, 64 GiB) rounded to the grain, aligned to the grain;
 * less when the address space is limited (ulimit -v), at least need. */
static int arena_reserve(sdarena *a, size_t need)
{
    for (size_t want = round_grain(a->cap);; want = round_grain(want / 2)) {
        size_t span = want + ARENA_GRAIN;
        unsigned char *p = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED) {
            /* keep the grain-aligned part: huge pages need 2 MB alignment */
            size_t head = (size_t)(-(uintptr_t)p & (ARENA_GRAIN - 1));
            if (head)
                munmap(p, head);
            munmap(p + head + want, ARENA_GRAIN - head);
            a->base = p + head;
            a->reserved = want;
            a->size = 0;
#ifdef MADV_HUGEPAGE
            /* advice only: ignored where the kernel has no huge pages */
            madvise(a->base, want, MADV_HUGEPAGE);
#endif
            return 0;
        }
        if (want <= ARENA_GRAIN || want / 2 < need)
            return -1;
    }
}

/* Make base[0, need) writable (need <= reserved). */
static int arena_commit(sdarena *a, size_t need)
{
    size_t to = round_grain(need);
    if (to > a->reserved)
        to = a->reserved;
    if (mprotect(a->base + a->size, to - a->size, PROT_READ | PROT_WRITE) != 0)
        return -1;
    a->size = to;
    return 0;
}

static void arena_unmap(sdarena *a)
{
    if (a->base)
        munmap(a->base, a->reserved);
    a->base = NULL;
    a->reserved = a->size = 0;
}

void sdarena_init(sdarena *a, size_t cap)
{
    memset(a, 0, sizeof *a);
    a->cap = cap ? cap : (size_t)64 << 30;
}

void sdarena_free(sdarena *a)
{
    arena_unmap(a);
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
    size_t end = a->used + bytes;
    if (!a->base && arena_reserve(a, end) != 0)
        return NULL;
    if (end > a->reserved || (end > a->size && arena_commit(a, end) != 0))
        return NULL;
    float *p = (float *)(a->base + a->used);
    a->used = end;
    if (a->used > a->peak)
        a->peak = a->used;
    return p;
}

size_t sdarena_mark(const sdarena *a)
{
    return a->used;
}

void sdarena_reset(sdarena *a, size_t mark)
{
    if (mark < a->used)
        a->used = mark;
}

float *sdarena_keep(sdarena *a, size_t mark, const float *p, size_t n)
{
    sdarena_reset(a, mark);
    /* within what was in use a moment ago: committed, cannot fail */
    float *d = sdarena_alloc(a, n);
    if (d && d != p)
        memmove(d, p, n * sizeof *d);
    return d;
}

void sdarena_trim(sdarena *a)
{
    if (a->used)
        return;
    arena_unmap(a);
    sdarena_trim_buffers(a);
}

void sdarena_trim_buffers(sdarena *a)
{
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

const sdst_tensor *sdw_tensor(sdw *w, size_t numel, const char *fmt, ...)
{
    char name[512], base[448];
    va_list ap;
    va_start(ap, fmt);
    full_name(w, name, sizeof name, fmt, ap);
    va_end(ap);
    if (w->rc != LONGSD_OK)
        return NULL;
    if (w->patch) {
        va_start(ap, fmt);
        vsnprintf(base, sizeof base, fmt, ap);
        va_end(ap);
        if (w->patch->has(w->patch->ctx, base))
            return NULL;
    }
    const sdst_tensor *t = sdst_find(w->f, name);
    if (!t || t->numel != numel || !sdst_dtype_is_float(t->dtype) || sdst_f32_view(t))
        return NULL;
    return t;
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
    size_t ld; /* col's row stride: nr * Wo, or more when images share its rows */
} im2col_job;

/* col(K, n): row (c, ky, kx), column (oy, ox), for channels [c0, c1). */
static void im2col_range(void *ctx, size_t c0, size_t c1)
{
    const im2col_job *j = ctx;
    int k = j->k, Wo = j->Wo, nr = j->nr, H = j->H, W = j->W;
    size_t n = j->ld;
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

#if defined(__x86_64__)
/* silu(x) = x / (1 + exp(-x)) for 8 floats */
__attribute__((target("avx2,fma"))) static inline __m256 silu8(__m256 x)
{
    __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), x));
    return _mm256_div_ps(x, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
}

/* gelu(x) = x (1 + erf(x / sqrt 2)) / 2 for 8 floats, through erfc(|z|)
 * by the Chebyshev fit in Numerical Recipes (erfcc: fractional error below
 * 1.2e-7 everywhere): 1 + erf(z) is erfc(|z|) itself for z < 0, so the
 * small values at large negative x keep their relative precision instead
 * of cancelling against 1, and 2 - erfc(z) for z >= 0. */
__attribute__((target("avx2,fma"))) static inline __m256 gelu8(__m256 x)
{
    static const float c[10] = {0.17087277f, -0.82215223f, 1.48851587f, -1.13520398f, 0.27886807f,
                                -0.18628806f, 0.09678418f, 0.37409196f, 1.00002368f, -1.26551223f};
    __m256 z = _mm256_mul_ps(x, _mm256_set1_ps(0.70710678118654752f));
    __m256 az = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), z);
    __m256 t = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_fmadd_ps(az, _mm256_set1_ps(0.5f), _mm256_set1_ps(1.0f)));
    __m256 p = _mm256_set1_ps(c[0]);
    for (int i = 1; i < 10; i++)
        p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(c[i]));
    __m256 erfc = _mm256_mul_ps(t, exp8(_mm256_fnmadd_ps(az, az, p)));
    __m256 neg = _mm256_cmp_ps(z, _mm256_setzero_ps(), _CMP_LT_OQ);
    __m256 one_p_erf = _mm256_blendv_ps(_mm256_sub_ps(_mm256_set1_ps(2.0f), erfc), erfc, neg);
    return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), x), one_p_erf);
}

static int have_avx2(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif

/* y(rows, N) += b[row] (+ res(rows, N)): the pass after a product, over
 * rows [r0, r1). */
typedef struct {
    float *y;
    const float *b, *res;
    size_t N;
} bias_job;

static void bias_range(void *ctx, size_t r0, size_t r1)
{
    const bias_job *j = ctx;
    for (size_t o = r0; o < r1; o++) {
        float *yo = j->y + o * j->N, bo = j->b ? j->b[o] : 0.0f;
        const float *ro = j->res ? j->res + o * j->N : NULL;
        if (ro)
            for (size_t i = 0; i < j->N; i++)
                yo[i] += bo + ro[i];
        else
            for (size_t i = 0; i < j->N; i++)
                yo[i] += bo;
    }
}

void sdk_rows_add(float *y, int rows, size_t N, const float *b, const float *res)
{
    if (!b && !res)
        return;
    bias_job j = {y, b, res, N};
    sdk_parallel_for(bias_range, &j, (size_t)rows, 65536 / (N + 1) + 1);
}

/* y(rows, N) = x(rows, N) + b[row], over rows [r0, r1) */
typedef struct {
    float *y;
    const float *x, *b;
    size_t N;
} fill_job;

static void fill_range(void *ctx, size_t r0, size_t r1)
{
    const fill_job *j = ctx;
    for (size_t o = r0; o < r1; o++) {
        float *yo = j->y + o * j->N, bo = j->b ? j->b[o] : 0.0f;
        const float *xo = j->x + o * j->N;
        for (size_t i = 0; i < j->N; i++)
            yo[i] = xo[i] + bo;
    }
}

void sdk_rows_fill(float *y, const float *x, int rows, size_t N, const float *b)
{
    fill_job j = {y, x, b, N};
    sdk_parallel_for(fill_range, &j, (size_t)rows, 65536 / (N + 1) + 1);
}

void sdk_conv2d(const float *x, int C, int H, int W, const float *w, const float *b, int O, int k, int stride, int pad,
                float *y, float *col)
{
    sdk_conv2d_res(x, C, H, W, w, b, NULL, O, k, stride, pad, y, col);
}

void sdk_conv2d_res(const float *x, int C, int H, int W, const float *w, const float *b, const float *res, int O, int k,
                    int stride, int pad, float *y, float *col)
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
            im2col_job job = {x, col, H, W, k, stride, pad, Wo, r0, nr, (size_t)n};
            sdk_parallel_for(im2col_range, &job, (size_t)C, (size_t)(65536 / ((size_t)k * k * n + 1)) + 1);
            sdk_sgemm(0, 0, O, n, K, 1.0f, w, K, col, n, 0.0f, y + (size_t)r0 * Wo, N);
        }
    }
    /* bias and residual in the one pass that follows the product */
    sdk_rows_add(y, O, (size_t)N, b, res);
}

/* ---- a batch of small pictures in one product: im2col of every image
 * side by side, col(K, B N), one product (O, B N), then each image's
 * part to y with the bias and the residual */
size_t sdk_conv2d_batch_scratch(int B, int C, int H, int W, int k, int stride, int pad, int O)
{
    size_t N = (size_t)((H + 2 * pad - k) / stride + 1) * (size_t)((W + 2 * pad - k) / stride + 1);
    return ((size_t)C * k * k + (size_t)O) * (size_t)B * N;
}

typedef struct {
    const float *t, *b, *res;
    float *y;
    int B, O;
    size_t N;
} scatter_job;

static void scatter_range(void *ctx, size_t o0, size_t o1)
{
    const scatter_job *j = ctx;
    size_t N = j->N, BN = (size_t)j->B * N;
    for (size_t o = o0; o < o1; o++)
        for (int i = 0; i < j->B; i++) {
            const float *src = j->t + o * BN + (size_t)i * N;
            const float *r = j->res ? j->res + ((size_t)i * j->O + o) * N : NULL;
            float *d = j->y + ((size_t)i * j->O + o) * N, bo = j->b ? j->b[o] : 0.0f;
            for (size_t p = 0; p < N; p++)
                d[p] = src[p] + bo + (r ? r[p] : 0.0f);
        }
}

void sdk_conv2d_batch_res(const float *x, int B, int C, int H, int W, const float *w, const float *b, const float *res,
                          int O, int k, int stride, int pad, float *y, float *scratch)
{
    int Ho = (H + 2 * pad - k) / stride + 1, Wo = (W + 2 * pad - k) / stride + 1, K = C * k * k;
    size_t N = (size_t)Ho * Wo, BN = (size_t)B * N, in = (size_t)C * H * W;
    float *col = scratch, *t = scratch + (size_t)K * BN;
    for (int i = 0; i < B; i++) {
        im2col_job job = {x + i * in, col + i * N, H, W, k, stride, pad, Wo, 0, Ho, BN};
        sdk_parallel_for(im2col_range, &job, (size_t)C, (size_t)(65536 / ((size_t)k * k * N + 1)) + 1);
    }
    sdk_sgemm(0, 0, O, (int)BN, K, 1.0f, w, K, col, (int)BN, 0.0f, t, (int)BN);
    scatter_job sj = {t, b, res, y, B, O, N};
    sdk_parallel_for(scatter_range, &sj, (size_t)O, 65536 / (BN + 1) + 1);
}

void sdk_linear(const float *x, int n, int in, const float *w, const float *b, int out, float *y)
{
    sdk_sgemm(0, 1, n, out, in, 1.0f, x, in, w, in, 0.0f, y, out);
    if (b)
        sdk_rows_add_cols(y, n, out, b);
}

void sdk_linear_acc(const float *x, int n, int in, const float *w, const float *b, int out, float *y)
{
    sdk_sgemm(0, 1, n, out, in, 1.0f, x, in, w, in, 1.0f, y, out);
    if (b)
        sdk_rows_add_cols(y, n, out, b);
}

void sdk_linear_cm(const float *x, int n, int in, const float *w, const float *b, int out, float *y)
{
    sdk_sgemm(1, 1, n, out, in, 1.0f, x, n, w, in, 0.0f, y, out);
    if (b)
        sdk_rows_add_cols(y, n, out, b);
}

void sdk_conv1x1_acc(const float *x, int C, int HW, const float *w, int O, float *y)
{
    sdk_sgemm(0, 0, O, HW, C, 1.0f, w, C, x, HW, 1.0f, y, HW);
}

void sdk_linear_to_cm_acc(const float *x, int n, int in, const float *w, int out, float *y)
{
    sdk_sgemm(0, 1, out, n, in, 1.0f, w, in, x, in, 1.0f, y, n);
}

/* y(n, out) += b[col], over rows [r0, r1) */
typedef struct {
    float *y;
    const float *b;
    int out;
} cols_job;

static void cols_range(void *ctx, size_t r0, size_t r1)
{
    const cols_job *j = ctx;
    for (size_t i = r0; i < r1; i++) {
        float *yi = j->y + i * (size_t)j->out;
        for (int o = 0; o < j->out; o++)
            yi[o] += j->b[o];
    }
}

void sdk_rows_add_cols(float *y, int n, int out, const float *b)
{
    cols_job j = {y, b, out};
    sdk_parallel_for(cols_range, &j, (size_t)n, 65536 / ((size_t)out + 1) + 1);
}

typedef struct {
    const float *x;
    float *y;
    int cpg, HW, silu;
    const float *gamma, *beta;
    float eps;
} gn_job;

static void gn_stats_scalar(const float *xg, size_t n, double *mean, double *var)
{
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; i++)
        s += xg[i];
    double m = s / (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = xg[i] - m;
        s2 += d * d;
    }
    *mean = m;
    *var = s2 / (double)n;
}

static void gn_apply_scalar(const float *x, float *y, int n, float m, float a, float bb, int silu)
{
    for (int i = 0; i < n; i++) {
        float v = (x[i] - m) * a + bb;
        y[i] = silu ? v / (1.0f + expf(-v)) : v;
    }
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void gn_stats_avx2(const float *xg, size_t n, double *mean, double *var)
{
    __m256d s0 = _mm256_setzero_pd(), s1 = _mm256_setzero_pd();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(xg + i);
        s0 = _mm256_add_pd(s0, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
        s1 = _mm256_add_pd(s1, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
    }
    double t[4], s = 0;
    _mm256_storeu_pd(t, _mm256_add_pd(s0, s1));
    s = (t[0] + t[1]) + (t[2] + t[3]);
    for (; i < n; i++)
        s += xg[i];
    double m = s / (double)n;
    __m256d vm = _mm256_set1_pd(m);
    s0 = s1 = _mm256_setzero_pd();
    for (i = 0; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(xg + i);
        __m256d d0 = _mm256_sub_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(v)), vm);
        __m256d d1 = _mm256_sub_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)), vm);
        s0 = _mm256_fmadd_pd(d0, d0, s0);
        s1 = _mm256_fmadd_pd(d1, d1, s1);
    }
    _mm256_storeu_pd(t, _mm256_add_pd(s0, s1));
    double s2 = (t[0] + t[1]) + (t[2] + t[3]);
    for (; i < n; i++) {
        double d = xg[i] - m;
        s2 += d * d;
    }
    *mean = m;
    *var = s2 / (double)n;
}

__attribute__((target("avx2,fma"))) static void gn_apply_avx2(const float *x, float *y, int n, float m, float a,
                                                               float bb, int silu)
{
    __m256 vm = _mm256_set1_ps(m), va = _mm256_set1_ps(a), vb = _mm256_set1_ps(bb);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_fmadd_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), vm), va, vb);
        _mm256_storeu_ps(y + i, silu ? silu8(v) : v);
    }
    if (i < n) { /* the tail through the same vector code */
        float t[8] = {0};
        memcpy(t, x + i, (size_t)(n - i) * sizeof *t);
        __m256 v = _mm256_fmadd_ps(_mm256_sub_ps(_mm256_loadu_ps(t), vm), va, vb);
        _mm256_storeu_ps(t, silu ? silu8(v) : v);
        memcpy(y + i, t, (size_t)(n - i) * sizeof *t);
    }
}
#endif

static void gn_range(void *ctx, size_t g0, size_t g1)
{
    const gn_job *j = ctx;
    int cpg = j->cpg, HW = j->HW, avx = 0;
#if defined(__x86_64__)
    avx = have_avx2();
#endif
    for (size_t g = g0; g < g1; g++) {
        const float *xg = j->x + g * cpg * HW;
        float *yg = j->y + g * cpg * HW;
        size_t n = (size_t)cpg * HW;
        double mean, var;
#if defined(__x86_64__)
        if (avx)
            gn_stats_avx2(xg, n, &mean, &var);
        else
#endif
            gn_stats_scalar(xg, n, &mean, &var);
        double inv = 1.0 / sqrt(var + j->eps);
        for (int c = 0; c < cpg; c++) {
            size_t ch = g * cpg + c;
            /* (x - mean) first: folding mean into the bias cancels badly
             * when |mean| is large against the spread. */
            float a = (float)(inv * j->gamma[ch]), m = (float)mean, bb = j->beta[ch];
#if defined(__x86_64__)
            if (avx) {
                gn_apply_avx2(xg + (size_t)c * HW, yg + (size_t)c * HW, HW, m, a, bb, j->silu);
                continue;
            }
#endif
            gn_apply_scalar(xg + (size_t)c * HW, yg + (size_t)c * HW, HW, m, a, bb, j->silu);
        }
    }
    (void)avx;
}

void sdk_group_norm_act(const float *x, float *y, int C, int HW, int G, const float *gamma, const float *beta,
                        float eps, int silu)
{
    gn_job j = {x, y, C / G, HW, silu, gamma, beta, eps};
    sdk_parallel_for(gn_range, &j, (size_t)G, (size_t)(65536 / ((size_t)(C / G) * HW + 1)) + 1);
}

void sdk_group_norm(float *x, int C, int HW, int G, const float *gamma, const float *beta, float eps)
{
    sdk_group_norm_act(x, x, C, HW, G, gamma, beta, eps, 0);
}

/* Layer norm over rows [r0, r1): statistics in double as group norm's,
 * then one sweep; rows on all threads (a transformer block runs three
 * over every token). */
typedef struct {
    const float *x, *gamma, *beta;
    float *y;
    int d;
    float eps;
} ln_job;

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void ln_apply_avx2(const float *x, float *y, int d, float m, float inv,
                                                               const float *g, const float *b)
{
    __m256 vm = _mm256_set1_ps(m), vi = _mm256_set1_ps(inv);
    int j = 0;
    for (; j + 8 <= d; j += 8) {
        __m256 v = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j), vm), vi);
        _mm256_storeu_ps(y + j, _mm256_fmadd_ps(v, _mm256_loadu_ps(g + j), _mm256_loadu_ps(b + j)));
    }
    for (; j < d; j++)
        y[j] = (x[j] - m) * inv * g[j] + b[j];
}
#endif

static void ln_range(void *ctx, size_t r0, size_t r1)
{
    const ln_job *j = ctx;
    int d = j->d;
    for (size_t i = r0; i < r1; i++) {
        const float *xi = j->x + i * d;
        float *yi = j->y + i * d;
        double mean, var;
#if defined(__x86_64__)
        if (have_avx2()) {
            gn_stats_avx2(xi, (size_t)d, &mean, &var);
            ln_apply_avx2(xi, yi, d, (float)mean, (float)(1.0 / sqrt(var + j->eps)), j->gamma, j->beta);
            continue;
        }
#endif
        gn_stats_scalar(xi, (size_t)d, &mean, &var);
        double inv = 1.0 / sqrt(var + j->eps);
        for (int k = 0; k < d; k++)
            yi[k] = (float)((xi[k] - mean) * inv) * j->gamma[k] + j->beta[k];
    }
}

void sdk_layer_norm(const float *x, int n, int d, const float *gamma, const float *beta, float eps, float *y)
{
    ln_job j = {x, gamma, beta, y, d, eps};
    sdk_parallel_for(ln_range, &j, (size_t)n, 65536 / ((size_t)d + 1) + 1);
}

typedef struct {
    float *x;
    const float *in, *bias;
    int d;
} act_job;

#if defined(__x86_64__)
/* x[0, n) = f(x) 8 at a time, the tail through the same vector code, so
 * an element's value does not depend on where a thread's range starts. */
#define VEC_MAP(name, f)                                                                    \
    __attribute__((target("avx2,fma"))) static void name(float *x, size_t n)                \
    {                                                                                       \
        size_t i = 0;                                                                       \
        for (; i + 8 <= n; i += 8)                                                          \
            _mm256_storeu_ps(x + i, f(_mm256_loadu_ps(x + i)));                             \
        if (i < n) {                                                                        \
            float t[8] = {0};                                                               \
            memcpy(t, x + i, (n - i) * sizeof *t);                                          \
            _mm256_storeu_ps(t, f(_mm256_loadu_ps(t)));                                     \
            memcpy(x + i, t, (n - i) * sizeof *t);                                          \
        }                                                                                   \
    }
VEC_MAP(silu_avx2, silu8)
VEC_MAP(gelu_avx2, gelu8)
#undef VEC_MAP
#endif

static void silu_range(void *ctx, size_t b, size_t e)
{
    float *x = ((act_job *)ctx)->x;
#if defined(__x86_64__)
    if (have_avx2()) {
        silu_avx2(x + b, e - b);
        return;
    }
#endif
    for (size_t i = b; i < e; i++)
        x[i] = x[i] / (1.0f + expf(-x[i]));
}

static void gelu_range(void *ctx, size_t b, size_t e)
{
    float *x = ((act_job *)ctx)->x;
#if defined(__x86_64__)
    if (have_avx2()) {
        gelu_avx2(x + b, e - b);
        return;
    }
#endif
    for (size_t i = b; i < e; i++)
        x[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752f));
}

static void quick_gelu_range(void *ctx, size_t b, size_t e)
{
    float *x = ((act_job *)ctx)->x;
    for (size_t i = b; i < e; i++)
        x[i] = x[i] / (1.0f + expf(-1.702f * x[i]));
}

/* GEGLU with the projection's bias: the raw (n, 2d) product is read once
 * and the gated (n, d) written, with no bias pass over the product. */
#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void geglu_row_avx2(const float *h, const float *g, const float *bh,
                                                                const float *bg, float *y, int d)
{
    int i = 0;
    for (; i + 8 <= d; i += 8) {
        __m256 vh = _mm256_loadu_ps(h + i), vg = _mm256_loadu_ps(g + i);
        if (bh) {
            vh = _mm256_add_ps(vh, _mm256_loadu_ps(bh + i));
            vg = _mm256_add_ps(vg, _mm256_loadu_ps(bg + i));
        }
        _mm256_storeu_ps(y + i, _mm256_mul_ps(vh, gelu8(vg)));
    }
    if (i < d) {
        float th[8] = {0}, tg[8] = {0};
        for (int k = 0; k < d - i; k++) {
            th[k] = h[i + k] + (bh ? bh[i + k] : 0.0f);
            tg[k] = g[i + k] + (bg ? bg[i + k] : 0.0f);
        }
        _mm256_storeu_ps(th, _mm256_mul_ps(_mm256_loadu_ps(th), gelu8(_mm256_loadu_ps(tg))));
        memcpy(y + i, th, (size_t)(d - i) * sizeof *th);
    }
}
#endif

static void geglu_range(void *ctx, size_t r0, size_t r1)
{
    const act_job *j = ctx;
    int d = j->d;
    const float *bh = j->bias, *bg = j->bias ? j->bias + d : NULL;
    for (size_t r = r0; r < r1; r++) {
        const float *h = j->in + r * 2 * d, *g = h + d;
        float *yi = j->x + r * d;
#if defined(__x86_64__)
        if (have_avx2()) {
            geglu_row_avx2(h, g, bh, bg, yi, d);
            continue;
        }
#endif
        for (int i = 0; i < d; i++) {
            float hv = h[i] + (bh ? bh[i] : 0.0f), gv = g[i] + (bg ? bg[i] : 0.0f);
            yi[i] = hv * 0.5f * gv * (1.0f + erff(gv * 0.70710678118654752f));
        }
    }
}

#define ACT_MIN ((size_t)1 << 16) /* elements per thread worth a thread */

void sdk_silu(float *x, size_t n)
{
    act_job j = {x, NULL, NULL, 0};
    sdk_parallel_for(silu_range, &j, n, ACT_MIN);
}

void sdk_gelu(float *x, size_t n)
{
    act_job j = {x, NULL, NULL, 0};
    sdk_parallel_for(gelu_range, &j, n, ACT_MIN);
}

void sdk_quick_gelu(float *x, size_t n)
{
    act_job j = {x, NULL, NULL, 0};
    sdk_parallel_for(quick_gelu_range, &j, n, ACT_MIN);
}

void sdk_geglu_bias(const float *x, const float *b, int n, int d, float *y)
{
    act_job j = {y, x, b, d};
    sdk_parallel_for(geglu_range, &j, (size_t)n, ACT_MIN / (size_t)(d > 0 ? d : 1) + 1);
}

void sdk_geglu(const float *x, int n, int d, float *y)
{
    sdk_geglu_bias(x, NULL, n, d, y);
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
        __m256 e = exp8_le0(_mm256_sub_ps(_mm256_loadu_ps(xr + j), vmax));
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

