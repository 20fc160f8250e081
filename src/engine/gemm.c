/* gemm.c - sdk_sgemm (kernels.h): one matrix product split into tiles of
 * C, each a single-threaded OpenBLAS sgemm, run on the calling thread's
 * pool (threadpool.h). The tiles depend on the shape alone, never on the
 * thread count, so every element of C is computed by the same call
 * whatever the pool: results are bit-identical on 1 or 16 threads. Tiles
 * of at most 256 x 256 keep each call large (OpenBLAS repacks the panels
 * it shares with the neighbouring tiles: under 1% of the work at the
 * UNet's shapes) and give two cores 8 to 32 tiles to balance; inside a job
 * (a worker already running a kernel) the same tiles run one by one. */
#include <cblas.h>

#include "kernels.h"
#include "threadpool.h"

#define TILE 256

typedef struct {
    int ta, tb, M, N, K;
    float alpha, beta;
    const float *A, *B;
    float *C;
    int lda, ldb, ldc;
    int tm, tn, nm; /* tile rows and columns, tiles down M */
} gemm_job;

static void gemm_range(void *ctx, size_t i0, size_t i1)
{
    const gemm_job *j = ctx;
    for (size_t i = i0; i < i1; i++) {
        /* down M first: consecutive tiles share B's columns */
        int m0 = (int)(i % (size_t)j->nm) * j->tm, n0 = (int)(i / (size_t)j->nm) * j->tn;
        int m = j->M - m0 < j->tm ? j->M - m0 : j->tm, n = j->N - n0 < j->tn ? j->N - n0 : j->tn;
        const float *a = j->A + (j->ta ? (size_t)m0 : (size_t)m0 * j->lda);
        const float *b = j->B + (j->tb ? (size_t)n0 * j->ldb : (size_t)n0);
        cblas_sgemm(CblasRowMajor, j->ta ? CblasTrans : CblasNoTrans, j->tb ? CblasTrans : CblasNoTrans, m, n, j->K,
                    j->alpha, a, j->lda, b, j->ldb, j->beta, j->C + (size_t)m0 * j->ldc + n0, j->ldc);
    }
}

/* The tile length along a dimension of d: equal tiles of at most TILE,
 * rounded up to 16 (OpenBLAS's widest register block), so no thread gets a
 * sliver while another gets a full tile. */
static int tile_len(int d)
{
    int k = (d + TILE - 1) / TILE, t = (d + k - 1) / k;
    return (t + 15) & ~15;
}

void sdk_sgemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb,
               float beta, float *C, int ldc)
{
    if (M <= 0 || N <= 0)
        return;
    gemm_job j = {ta, tb, M, N, K, alpha, beta, A, B, C, lda, ldb, ldc, M, N, 1};
    /* under ~1 MFLOP a product is done before a worker wakes. The tiles
     * are the same with a pool or without (inside a job): the same calls */
    if ((double)M * N * K >= (double)(1 << 19)) {
        j.tm = tile_len(M);
        j.tn = tile_len(N);
        j.nm = (M + j.tm - 1) / j.tm;
    }
    size_t tiles = (size_t)j.nm * (size_t)((N + j.tn - 1) / j.tn);
    sdpool_run(sdpool_current(), gemm_range, &j, tiles, 1);
}
