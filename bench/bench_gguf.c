/* bench_gguf.c - is an integer q8_0 kernel faster here than what the
 * engine does with a q8_0 GGUF weight (dequantise it to f32, then sgemm)?
 * Both compute Y(M, N) = X(M, K) W(N, K)^T for SD 1.5's linear layers at
 * 512² (M tokens: 4096 at 64x64, 1024 at 32x32, x2 for CFG):
 *   f32:  gguf_dequant(W) to f32 + cblas_sgemm (the engine's path)
 *   int8: X quantised to q8_0 row by row, then per 32-block integer dot
 *         products (AVX2 maddubs/madd, ggml's q8_0 x q8_0 scheme, our own
 *         code) scaled by both blocks' f16 scales, 4 outputs at a time;
 *         rows split over the same thread count as OpenBLAS.
 * First the conversion speed a UNet call pays per weight (F16 through
 * F16C as for safetensors, Q8_0 and Q4_0 through gguf_dequant), then
 * the CPU model, the sgemm roof of the same run, each layer's best
 * of 3 in ms and the ratio, and the max relative difference of the int8
 * result (which also rounds X to 8 bits). Usage: bench_gguf [threads] */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gguf.h"
#include "rng.h"
#include "weights.h"

extern void openblas_set_num_threads(int);

typedef struct {
    uint16_t d;
    int8_t q[32];
} __attribute__((packed)) blk8; /* ggml's block_q8_0: 34 bytes */

static uint16_t f16_bits(float f)
{
    _Float16 h = (_Float16)f;
    uint16_t b;
    memcpy(&b, &h, 2);
    return b;
}

static float f16_val(uint16_t b)
{
    _Float16 h;
    memcpy(&h, &b, 2);
    return (float)h;
}

static float f16_val(uint16_t b);
static void quantize_row(const float *x, int k, blk8 *out)
{
    for (int b = 0; b < k / 32; b++) {
        float amax = 0;
        for (int j = 0; j < 32; j++)
            amax = fmaxf(amax, fabsf(x[32 * b + j]));
        float d = amax / 127.0f, id = d ? 1.0f / d : 0.0f;
        out[b].d = f16_bits(d);
        for (int j = 0; j < 32; j++)
            out[b].q[j] = (int8_t)lrintf(x[32 * b + j] * id);
    }
}

#if defined(__x86_64__)
/* sum over 32 int8 pairs, as 8 int32 lanes: maddubs needs an unsigned
 * operand, so |x| times y carrying x's sign */
__attribute__((target("avx2,fma"))) static inline __m256 dot_blk(const blk8 *x, const blk8 *w, float sx, float sw_,
                                                                  __m256 acc)
{
    __m256i qx = _mm256_loadu_si256((const __m256i *)(const void *)x->q);
    __m256i qw = _mm256_loadu_si256((const __m256i *)(const void *)w->q);
    __m256i ax = _mm256_sign_epi8(qx, qx), sw = _mm256_sign_epi8(qw, qx);
    __m256i p16 = _mm256_maddubs_epi16(ax, sw);
    __m256i p32 = _mm256_madd_epi16(p16, _mm256_set1_epi16(1));
    __m256 s = _mm256_set1_ps(sx * sw_);
    return _mm256_fmadd_ps(_mm256_cvtepi32_ps(p32), s, acc);
}

__attribute__((target("avx2,fma"))) static inline float hsum(__m256 v)
{
    __m128 a = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    a = _mm_add_ps(a, _mm_movehl_ps(a, a));
    a = _mm_add_ss(a, _mm_movehdup_ps(a));
    return _mm_cvtss_f32(a);
}

/* The f16 scales are widened once per row (a table, as ggml does): the
 * conversion inside the block loop would dominate. */
__attribute__((target("avx2,fma"))) static void gemm_q8(const blk8 *X, const blk8 *W, const float *WS, float *Y,
                                                       int m0, int m1, int n, int nb)
{
    float xs[128];
    for (int i = m0; i < m1; i++) {
        const blk8 *x = X + (size_t)i * nb;
        for (int b = 0; b < nb; b++)
            xs[b] = f16_val(x[b].d);
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            const blk8 *w0 = W + (size_t)j * nb, *w1 = w0 + nb, *w2 = w1 + nb, *w3 = w2 + nb;
            const float *s0 = WS + (size_t)j * nb, *s1 = s0 + nb, *s2 = s1 + nb, *s3 = s2 + nb;
            for (int b = 0; b < nb; b++) {
                a0 = dot_blk(x + b, w0 + b, xs[b], s0[b], a0);
                a1 = dot_blk(x + b, w1 + b, xs[b], s1[b], a1);
                a2 = dot_blk(x + b, w2 + b, xs[b], s2[b], a2);
                a3 = dot_blk(x + b, w3 + b, xs[b], s3[b], a3);
            }
            Y[(size_t)i * n + j] = hsum(a0);
            Y[(size_t)i * n + j + 1] = hsum(a1);
            Y[(size_t)i * n + j + 2] = hsum(a2);
            Y[(size_t)i * n + j + 3] = hsum(a3);
        }
        for (; j < n; j++) {
            __m256 a = _mm256_setzero_ps();
            for (int b = 0; b < nb; b++)
                a = dot_blk(x + b, W + (size_t)j * nb + b, xs[b], WS[(size_t)j * nb + b], a);
            Y[(size_t)i * n + j] = hsum(a);
        }
    }
}
#endif

typedef struct {
    const float *Xf;
    blk8 *Xq;
    const blk8 *W;
    const float *WS;
    float *Y;
    int m0, m1, n, k;
} job;

static void *run_job(void *p)
{
    job *j = p;
    for (int i = j->m0; i < j->m1; i++)
        quantize_row(j->Xf + (size_t)i * j->k, j->k, j->Xq + (size_t)i * (j->k / 32));
#if defined(__x86_64__)
    gemm_q8(j->Xq, j->W, j->WS, j->Y, j->m0, j->m1, j->n, j->k / 32);
#endif
    return NULL;
}

static void int8_path(const float *X, blk8 *Xq, const blk8 *W, float *WS, float *Y, int m, int n, int k,
                      int threads)
{
    pthread_t th[16];
    job jobs[16];
    for (size_t b = 0; b < (size_t)n * (k / 32); b++) /* part of the int8 path's time */
        WS[b] = f16_val(W[b].d);
    for (int t = 0; t < threads; t++) {
        jobs[t] = (job){X, Xq, W, WS, Y, m * t / threads, m * (t + 1) / threads, n, k};
        pthread_create(&th[t], NULL, run_job, &jobs[t]);
    }
    for (int t = 0; t < threads; t++)
        pthread_join(th[t], NULL);
}

static void cpu_model(char *out, size_t cap)
{
    snprintf(out, cap, "?");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0) {
            char *c = strchr(line, ':');
            snprintf(out, cap, "%.200s", c ? c + 2 : line);
            out[strcspn(out, "\n")] = 0;
            break;
        }
    if (f)
        fclose(f);
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    if (threads < 1 || threads > 16)
        threads = 2;
    openblas_set_num_threads(threads);
    char cpu[256];
    cpu_model(cpu, sizeof cpu);
    printf("cpu   %s, %d threads\n", cpu, threads);
    printf("sgemm %.1f GFLOP/s (4096x320x320 ... best of 5: the roof of this run)\n", sgemm_gflops(2048, 1280, 320));
    {
        /* what a UNet call pays per weight: conversion to f32, one thread */
        size_t n = (size_t)1 << 24;
        float *src = malloc(n * 4), *out = malloc(n * 4);
        uint8_t *buf = malloc(n * 2);
        sdrng_normal(3, 0, src, n);
        blk8 *q8 = (blk8 *)(void *)buf;
        for (size_t b = 0; b < n / 32; b++)
            quantize_row(src + 32 * b, 32, q8 + b);
        uint8_t *q4 = malloc(n / 32 * 18), *h = malloc(n * 2);
        for (size_t b = 0; b < n / 32; b++) { /* any bytes: speed only */
            memcpy(q4 + 18 * b, &q8[b].d, 2);
            memcpy(q4 + 18 * b + 2, q8[b].q, 16);
        }
        for (size_t i = 0; i < n; i++) {
            uint16_t v = f16_bits(src[i]);
            memcpy(h + 2 * i, &v, 2);
        }
        const struct {
            const char *name;
            uint32_t type;
            const uint8_t *p;
        } T[] = {{"F16", GGUF_T_F16, h}, {"Q8_0", GGUF_T_Q8_0, buf}, {"Q4_0", GGUF_T_Q4_0, q4}};
        for (int t = 0; t < 3; t++) {
            double best = 1e9;
            for (int r = 0; r < 3; r++) {
                double t0 = now();
                if (T[t].type == GGUF_T_F16) { /* the engine's F16 path (F16C), as for safetensors */
                    sdst_tensor st = {.name = "f16", .dtype = SDST_F16, .numel = n, .data = h};
                    sdst_slice_to_f32(NULL, &st, 0, n, out, NULL);
                } else {
                    gguf_dequant(T[t].type, T[t].p, 0, n, out);
                }
                best = fmin(best, now() - t0);
            }
            printf("dequant %-4s to f32: %.2f G elements/s (one thread)\n", T[t].name, n / best / 1e9);
        }
        free(src), free(out), free(buf), free(q4), free(h);
    }
    static const struct {
        const char *what;
        int m, n, k;
    } L[] = {
        {"attn q/k/v/out 64x64, CFG (8192x320 <- 320)", 8192, 320, 320},
        {"GEGLU proj 64x64, CFG (8192x2560 <- 320)", 8192, 2560, 320},
        {"ff out 64x64, CFG (8192x320 <- 1280)", 8192, 320, 1280},
        {"attn q/k/v/out 32x32, CFG (2048x640 <- 640)", 2048, 640, 640},
        {"cross k/v from text (154x320 <- 768)", 154, 320, 768},
    };
    double sum_f = 0, sum_q = 0;
    for (size_t l = 0; l < sizeof L / sizeof L[0]; l++) {
        int m = L[l].m, n = L[l].n, k = L[l].k, nb = k / 32;
        float *X = malloc((size_t)m * k * 4), *Wf = malloc((size_t)n * k * 4), *Yf = malloc((size_t)m * n * 4),
              *Yq = malloc((size_t)m * n * 4), *Wd = malloc((size_t)n * k * 4);
        blk8 *Wq = malloc((size_t)n * nb * sizeof *Wq), *Xq = malloc((size_t)m * nb * sizeof *Xq);
        float *WS = malloc((size_t)n * nb * sizeof *WS);
        sdrng_normal(11, 0, X, (size_t)m * k);
        sdrng_normal(11, 1, Wf, (size_t)n * k);
        for (int j = 0; j < n; j++)
            quantize_row(Wf + (size_t)j * k, k, Wq + (size_t)j * nb);
        double bf = 1e9, bq = 1e9;
        for (int r = 0; r < 3; r++) {
            double t0 = now();
            gguf_dequant(GGUF_T_Q8_0, (const uint8_t *)Wq, 0, (size_t)n * k, Wd);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0f, X, k, Wd, k, 0.0f, Yf, n);
            double t1 = now();
            int8_path(X, Xq, Wq, WS, Yq, m, n, k, threads);
            double t2 = now();
            bf = fmin(bf, t1 - t0);
            bq = fmin(bq, t2 - t1);
        }
        double e = 0, mx = 0;
        for (size_t i = 0; i < (size_t)m * n; i++) {
            e = fmax(e, fabs((double)Yq[i] - Yf[i]));
            mx = fmax(mx, fabs((double)Yf[i]));
        }
        printf("%-46s f32 %8.2f ms (%5.1f GFLOP/s)  int8 %8.2f ms (%5.1f GFLOP/s)  int8/f32 time %.2f  "
               "max rel diff %.1e\n",
               L[l].what, bf * 1e3, 2.0 * m * n * k / bf / 1e9, bq * 1e3, 2.0 * m * n * k / bq / 1e9, bq / bf,
               e / mx);
        sum_f += bf;
        sum_q += bq;
        free(X), free(Wf), free(Yf), free(Yq), free(Wd), free(Wq), free(Xq), free(WS);
    }
    printf("all layers: f32 %.1f ms, int8 %.1f ms: int8 takes %.2fx the time of dequantise + sgemm\n", sum_f * 1e3,
           sum_q * 1e3, sum_q / sum_f);
    return 0;
}
