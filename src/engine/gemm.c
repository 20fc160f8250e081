/* gemm.c - sdk_sgemm and sdk_sgemm_batch (kernels.h): matrix products
 * split into tiles of C, each a single-threaded OpenBLAS sgemm, run on the
 * calling thread's pool (threadpool.h). The tiles depend on the shape
 * alone, never on the thread count, so every element of C is computed by
 * the same call whatever the pool: results are bit-identical on 1 or 16
 * threads.
 *
 * Each call packs its own panels of A (tm x K) and B (K x tn) before the
 * kernel runs, so a product cut into tiles packs A once per column of
 * tiles and B once per row: packing work ~ M N K (1/tm + 1/tn) against
 * 2 M N K of arithmetic. Tiles are therefore as large as the balance
 * across threads allows: the whole product, halved along its longer side
 * until there are GEMM_TILES tiles (counting every product of a batch), or
 * the tiles reach GEMM_MIN on both sides. Inside a job (a worker already
 * running a kernel) the same tiles run one by one. */
#include <cblas.h>

#include "kernels.h"
#include "threadpool.h"

#define GEMM_TILES 8 /* enough to balance 2 or 4 threads; fewer tiles pack less */
#define GEMM_MIN 128 /* below this a tile's panels cost more than the balance gains */

typedef struct {
    int ta, tb, M, N, K;
    float alpha, beta;
    const float *A, *B;
    float *C;
    int lda, ldb, ldc;
    size_t sa, sb, sc; /* strides between the products of a batch */
    int tm, tn, nm, nn; /* tile rows and columns, tiles down M and along N */
} gemm_job;

static void gemm_range(void *ctx, size_t i0, size_t i1)
{
    const gemm_job *j = ctx;
    size_t per = (size_t)j->nm * j->nn;
    for (size_t i = i0; i < i1; i++) {
        /* down M first: consecutive tiles share B's columns */
        size_t q = i / per, r = i % per;
        int m0 = (int)(r % (size_t)j->nm) * j->tm, n0 = (int)(r / (size_t)j->nm) * j->tn;
        int m = j->M - m0 < j->tm ? j->M - m0 : j->tm, n = j->N - n0 < j->tn ? j->N - n0 : j->tn;
        const float *a = j->A + q * j->sa + (j->ta ? (size_t)m0 : (size_t)m0 * j->lda);
        const float *b = j->B + q * j->sb + (j->tb ? (size_t)n0 * j->ldb : (size_t)n0);
        cblas_sgemm(CblasRowMajor, j->ta ? CblasTrans : CblasNoTrans, j->tb ? CblasTrans : CblasNoTrans, m, n, j->K,
                    j->alpha, a, j->lda, b, j->ldb, j->beta, j->C + q * j->sc + (size_t)m0 * j->ldc + n0, j->ldc);
    }
}

/* The tile length along a dimension d for tiles of at most cap: equal
 * tiles, rounded up to 16 (OpenBLAS's widest register block), so no
 * thread gets a sliver while another gets a full tile. */
static int tile_len(int d, int cap)
{
    int k = (d + cap - 1) / cap, t = (d + k - 1) / k;
    t = (t + 15) & ~15;
    return t < d ? t : d;
}

static void plan(gemm_job *j, int count)
{
    j->tm = j->M;
    j->tn = j->N;
    /* under ~1 MFLOP in all a product is done before a worker wakes */
    if ((double)j->M * j->N * j->K * count >= (double)(1 << 19)) {
        for (;;) {
            size_t tiles = (size_t)count * ((j->M + j->tm - 1) / j->tm) * ((j->N + j->tn - 1) / j->tn);
            if (tiles >= GEMM_TILES || (j->tm <= GEMM_MIN && j->tn <= GEMM_MIN))
                break;
            if (j->tm >= j->tn)
                j->tm = tile_len(j->M, (j->tm + 1) / 2);
            else
                j->tn = tile_len(j->N, (j->tn + 1) / 2);
        }
    }
    j->nm = (j->M + j->tm - 1) / j->tm;
    j->nn = (j->N + j->tn - 1) / j->tn;
}

void sdk_sgemm_batch(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda, size_t sa,
                     const float *B, int ldb, size_t sb, float beta, float *C, int ldc, size_t sc, int count)
{
    if (M <= 0 || N <= 0 || count <= 0)
        return;
    gemm_job j = {ta, tb, M, N, K, alpha, beta, A, B, C, lda, ldb, ldc, sa, sb, sc, 0, 0, 0, 0};
    plan(&j, count);
    sdpool_run(sdpool_current(), gemm_range, &j, (size_t)count * j.nm * j.nn, 1);
}

void sdk_sgemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb,
               float beta, float *C, int ldc)
{
    sdk_sgemm_batch(ta, tb, M, N, K, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1);
}
