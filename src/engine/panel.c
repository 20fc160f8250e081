/* panel.c - sdk_panel_gemm (kernels.h): a matrix product whose operands
 * are already in the panel layout its register kernel reads, for callers
 * that write them that way anyway (Winograd's transforms, winograd.c;
 * attention's blocks, attention.c).
 *
 * OpenBLAS copies both operands of every call into its own panels before
 * its kernel runs. For Winograd's a^2 products per chunk of tiles that
 * copy read and wrote the whole transformed weight U once per chunk (and
 * the transformed input V once more): about 15 % of a UNet step on one
 * core went to OpenBLAS's copy routines. Here the transforms write U and V
 * straight into panels, and the product only streams them.
 *
 * The kernel keeps a 6 x 16 block of C in twelve 8-float registers and,
 * for each k, broadcasts 6 values of A's panel against two vectors of B's
 * (the shape of the classic Haswell kernels: 12 FMAs to 2 loads and 6
 * broadcasts). K is cut into blocks of at most PANEL_KC so that one panel
 * of B (16 x KC floats) stays in L1 while the row panels of A run past it
 * from L2; C is loaded and added to after the first block. Each element of
 * C is summed in the same order whatever rows a caller asks for, so a
 * split over threads does not change a bit. */
#include "kernels.h"

#include <string.h>

#define PANEL_KC 384 /* 16 x 384 floats of B: 24 KB, under a 32 KB L1 (256 or 128: no faster) */

typedef float v8 __attribute__((vector_size(32)));

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define PANEL_X86 1

/* The 6 x 16 block of C both FMA kernels keep in twelve registers,
 * c<row><half>: loaded (acc) or zeroed, one k's rank-1 update from B's
 * 16 floats at b and A's six values at p0..p5, and stored. Macros, so the
 * kernels stay straight-line code the compiler keeps in registers. */
#define BLOCK_LOAD(c, ldc, acc)                                                                                        \
    __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;                                                 \
    if (acc) {                                                                                                         \
        c00 = _mm256_loadu_ps(c), c01 = _mm256_loadu_ps(c + 8);                                                        \
        c10 = _mm256_loadu_ps(c + ldc), c11 = _mm256_loadu_ps(c + ldc + 8);                                            \
        c20 = _mm256_loadu_ps(c + 2 * ldc), c21 = _mm256_loadu_ps(c + 2 * ldc + 8);                                    \
        c30 = _mm256_loadu_ps(c + 3 * ldc), c31 = _mm256_loadu_ps(c + 3 * ldc + 8);                                    \
        c40 = _mm256_loadu_ps(c + 4 * ldc), c41 = _mm256_loadu_ps(c + 4 * ldc + 8);                                    \
        c50 = _mm256_loadu_ps(c + 5 * ldc), c51 = _mm256_loadu_ps(c + 5 * ldc + 8);                                    \
    } else {                                                                                                           \
        c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = _mm256_setzero_ps();                   \
    }
#define BLOCK_FMA(b, p0, p1, p2, p3, p4, p5)                                                                           \
    do {                                                                                                               \
        __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps((b) + 8), t;                                              \
        t = _mm256_broadcast_ss(p0);                                                                                   \
        c00 = _mm256_fmadd_ps(t, b0, c00), c01 = _mm256_fmadd_ps(t, b1, c01);                                          \
        t = _mm256_broadcast_ss(p1);                                                                                   \
        c10 = _mm256_fmadd_ps(t, b0, c10), c11 = _mm256_fmadd_ps(t, b1, c11);                                          \
        t = _mm256_broadcast_ss(p2);                                                                                   \
        c20 = _mm256_fmadd_ps(t, b0, c20), c21 = _mm256_fmadd_ps(t, b1, c21);                                          \
        t = _mm256_broadcast_ss(p3);                                                                                   \
        c30 = _mm256_fmadd_ps(t, b0, c30), c31 = _mm256_fmadd_ps(t, b1, c31);                                          \
        t = _mm256_broadcast_ss(p4);                                                                                   \
        c40 = _mm256_fmadd_ps(t, b0, c40), c41 = _mm256_fmadd_ps(t, b1, c41);                                          \
        t = _mm256_broadcast_ss(p5);                                                                                   \
        c50 = _mm256_fmadd_ps(t, b0, c50), c51 = _mm256_fmadd_ps(t, b1, c51);                                          \
    } while (0)
#define BLOCK_STORE(c, ldc)                                                                                            \
    do {                                                                                                               \
        _mm256_storeu_ps(c, c00), _mm256_storeu_ps(c + 8, c01);                                                        \
        _mm256_storeu_ps(c + ldc, c10), _mm256_storeu_ps(c + ldc + 8, c11);                                            \
        _mm256_storeu_ps(c + 2 * ldc, c20), _mm256_storeu_ps(c + 2 * ldc + 8, c21);                                    \
        _mm256_storeu_ps(c + 3 * ldc, c30), _mm256_storeu_ps(c + 3 * ldc + 8, c31);                                    \
        _mm256_storeu_ps(c + 4 * ldc, c40), _mm256_storeu_ps(c + 4 * ldc + 8, c41);                                    \
        _mm256_storeu_ps(c + 5 * ldc, c50), _mm256_storeu_ps(c + 5 * ldc + 8, c51);                                    \
    } while (0)

/* C(6, 16) (+)= A(6 x K panel) B(K x 16 panel), FMA; pf: the next
 * panel of A, fetched into cache meanwhile (U comes from memory the first
 * time a row panel runs: ~15 % slower without) */
__attribute__((target("avx2,fma"))) static void kernel_fma(int K, const float *a, const float *b, float *c,
                                                            size_t ldc, int acc, const float *pf)
{
    BLOCK_LOAD(c, ldc, acc);
    for (int k = 0; k < K; k++, a += 6, b += 16, pf += 8) {
        _mm_prefetch((const char *)pf, _MM_HINT_T0); /* 32 bytes an iteration: 24 are A's */
        BLOCK_FMA(b, a, a + 1, a + 2, a + 3, a + 4, a + 5);
    }
    BLOCK_STORE(c, ldc);
}

/* The same block with A read in place, row-major with stride lda: six
 * rows walked side by side (the hardware prefetcher follows six streams),
 * so a product whose A is already row-major (weights, activations) needs
 * no copy of it. */
__attribute__((target("avx2,fma"))) static void kernel_fma_rows(int K, const float *a, size_t lda, const float *b,
                                                                 float *c, size_t ldc, int acc)
{
    const float *a0 = a, *a1 = a + lda, *a2 = a + 2 * lda, *a3 = a + 3 * lda, *a4 = a + 4 * lda, *a5 = a + 5 * lda;
    BLOCK_LOAD(c, ldc, acc);
    for (int k = 0; k < K; k++, b += 16) {
        BLOCK_FMA(b, a0 + k, a1 + k, a2 + k, a3 + k, a4 + k, a5 + k);
    }
    BLOCK_STORE(c, ldc);
}

static int have_fma(void)
{
    static int known = -1;
    if (known < 0)
        known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return known;
}
#endif

/* The same block in portable vectors (SSE pairs on a baseline x86-64,
 * NEON elsewhere): separate multiply and add, so other bits than the FMA
 * kernel's, but the same on every thread count of one machine. A's value
 * (r, k) is a[r rs + k ks]: a packed panel (rs 1, ks 6) or rows in place
 * (rs lda, ks 1). */
static void kernel_vec_at(int K, const float *a, size_t rs, size_t ks, const float *b, float *c, size_t ldc, int acc)
{
    v8 s[6][2];
    for (int r = 0; r < 6; r++)
        for (int h = 0; h < 2; h++) {
            if (acc)
                __builtin_memcpy(&s[r][h], c + r * ldc + 8 * h, sizeof(v8));
            else
                s[r][h] = (v8){0};
        }
    for (int k = 0; k < K; k++, b += 16) {
        v8 b0, b1;
        __builtin_memcpy(&b0, b, sizeof b0);
        __builtin_memcpy(&b1, b + 8, sizeof b1);
        for (int r = 0; r < 6; r++) {
            float ar = a[r * rs + (size_t)k * ks];
            s[r][0] += ar * b0;
            s[r][1] += ar * b1;
        }
    }
    for (int r = 0; r < 6; r++)
        for (int h = 0; h < 2; h++)
            __builtin_memcpy(c + r * ldc + 8 * h, &s[r][h], sizeof(v8));
}

static void kernel_vec(int K, const float *a, const float *b, float *c, size_t ldc, int acc, const float *pf)
{
    (void)pf;
    kernel_vec_at(K, a, 1, SDK_MR, b, c, ldc, acc);
}

static void kernel_vec_rows(int K, const float *a, size_t lda, const float *b, float *c, size_t ldc, int acc)
{
    kernel_vec_at(K, a, lda, 1, b, c, ldc, acc);
}

static int portable_only;

void sdk_panel_portable(int on)
{
    portable_only = on;
}

int sdk_panel_fma(void)
{
#ifdef PANEL_X86
    return have_fma() && !portable_only;
#else
    return 0;
#endif
}

void sdk_panel_gemm(int K, const float *Ap, int m0, int m1, const float *Bp, int N, float *C, size_t ldc, int add)
{
    void (*kern)(int, const float *, const float *, float *, size_t, int, const float *) = kernel_vec;
#ifdef PANEL_X86
    if (sdk_panel_fma())
        kern = kernel_fma;
#endif
    int nkb = (K + PANEL_KC - 1) / PANEL_KC, kc = nkb ? (K + nkb - 1) / nkb : 0;
    for (int k0 = 0; k0 < K; k0 += kc) {
        int kk = K - k0 < kc ? K - k0 : kc;
        for (int n0 = 0; n0 < N; n0 += SDK_NR) {
            const float *b = Bp + (size_t)n0 * K + (size_t)k0 * SDK_NR;
            for (int r = m0; r < m1; r += SDK_MR) {
                const float *a = Ap + (size_t)r * K + (size_t)k0 * SDK_MR;
                /* the next row panel's, or this one's again at the last */
                const float *next = r + SDK_MR < m1 ? a + (size_t)SDK_MR * K : a;
                kern(kk, a, b, C + (size_t)r * ldc + n0, ldc, add || k0 > 0, next);
            }
        }
    }
}

void sdk_panel_gemm_rows(int K, const float *A, size_t lda, int m0, int m1, const float *Bp, int N, float *C,
                         size_t ldc, int add)
{
    void (*kern)(int, const float *, size_t, const float *, float *, size_t, int) = kernel_vec_rows;
#ifdef PANEL_X86
    if (sdk_panel_fma())
        kern = kernel_fma_rows;
#endif
    int nkb = (K + PANEL_KC - 1) / PANEL_KC, kc = nkb ? (K + nkb - 1) / nkb : 0;
    /* an edge block (rows past m1, columns past N) runs on copies: A's rows
     * padded with zeros, C's block in a buffer (the same kernel, the same
     * order of sums as a full block) */
    float ea[SDK_MR * PANEL_KC], ec[SDK_MR * SDK_NR];
    for (int k0 = 0; k0 < K; k0 += kc) {
        int kk = K - k0 < kc ? K - k0 : kc, acc = add || k0 > 0;
        for (int n0 = 0; n0 < N; n0 += SDK_NR) {
            const float *b = Bp + (size_t)n0 * K + (size_t)k0 * SDK_NR;
            int nc = N - n0 < SDK_NR ? N - n0 : SDK_NR;
            for (int r = m0; r < m1; r += SDK_MR) {
                int nr = m1 - r < SDK_MR ? m1 - r : SDK_MR;
                const float *a = A + (size_t)r * lda + k0;
                float *c = C + (size_t)r * ldc + n0;
                if (nr == SDK_MR && nc == SDK_NR) {
                    kern(kk, a, lda, b, c, ldc, acc);
                    continue;
                }
                memset(ea, 0, sizeof ea);
                memset(ec, 0, sizeof ec);
                for (int i = 0; i < nr; i++) {
                    memcpy(ea + (size_t)i * kk, a + (size_t)i * lda, (size_t)kk * sizeof *ea);
                    if (acc)
                        memcpy(ec + (size_t)i * SDK_NR, c + (size_t)i * ldc, (size_t)nc * sizeof *ec);
                }
                kern(kk, ea, (size_t)kk, b, ec, SDK_NR, acc);
                for (int i = 0; i < nr; i++)
                    memcpy(c + (size_t)i * ldc, ec + (size_t)i * SDK_NR, (size_t)nc * sizeof *ec);
            }
        }
    }
}
