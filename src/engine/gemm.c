/* gemm.c - sdk_sgemm and sdk_sgemm_batch (kernels.h): matrix products
 * split into tiles of C, each a single-threaded OpenBLAS sgemm, run on the
 * calling thread's pool (threadpool.h); narrow ones (at most 128 columns)
 * on the engine's own panel kernel instead (below). The tiles depend on the shape
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
#include <string.h>

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

/* ---- narrow products on the panel kernel (panel.c). A row-major A is
 * read in place; B is packed once into column panels, alpha folded in,
 * into the pool's buffer, and shared by every item. For a product of at
 * most PG_NMAX columns (the 3x3 convs at 8^2 by im2col, 64 columns a
 * picture; 1x1 convs there) OpenBLAS's tiles packed B again for each of
 * their 8 rows of tiles, and its kernel ran such shapes at 55-70 GFLOP/s
 * on one core (1280 x 64 x 11520: tiles 70, one OpenBLAS call 75, the
 * panels 84, AVX2 code); on wider products OpenBLAS's own call is the
 * faster (4096 x 320 x 320: 98 against 92), so they stay on its tiles.
 * Every element of C is summed in one order (K in blocks, then k)
 * whatever the items, so the results do not depend on the thread count. */
#define PG_NMAX 128
#define PG_ROWS 336                 /* rows an item at most: 336 x 384 floats of A, 0.5 MB, stay in L2 */
#define PG_BMAX ((size_t)4 << 20)   /* B packed at a time: at most 16 MB of panels */

typedef struct {
    const float *A, *B;
    float *C, *Bp;
    int tb, M, K, lda, ldb, ldc, add;
    float alpha;
    int n0, nn;        /* the columns packed now */
    int rows, cols, ncol; /* an item's rows and columns; items along N */
} pg_job;

/* column panels [q0, q1) of the columns packed now: [q][K][NR], zero past N */
static void pg_pack(void *ctx, size_t q0, size_t q1)
{
    const pg_job *j = ctx;
    int K = j->K;
    for (size_t q = q0; q < q1; q++) {
        float *d = j->Bp + q * (size_t)K * SDK_NR;
        int c0 = (int)q * SDK_NR, nc = j->nn - c0 < SDK_NR ? j->nn - c0 : SDK_NR;
        if (nc < SDK_NR)
            memset(d, 0, (size_t)K * SDK_NR * sizeof *d);
        if (!j->tb) { /* B(K, N): rows of 16 */
            for (int k = 0; k < K; k++) {
                const float *b = j->B + (size_t)k * j->ldb + j->n0 + c0;
                for (int c = 0; c < nc; c++)
                    d[(size_t)k * SDK_NR + c] = j->alpha * b[c];
            }
        } else { /* B stored (N, K): each of the 16 columns is a row */
            for (int c = 0; c < nc; c++) {
                const float *b = j->B + (size_t)(j->n0 + c0 + c) * j->ldb;
                for (int k = 0; k < K; k++)
                    d[(size_t)k * SDK_NR + c] = j->alpha * b[k];
            }
        }
    }
}

static void pg_range(void *ctx, size_t i0, size_t i1)
{
    const pg_job *j = ctx;
    for (size_t i = i0; i < i1; i++) {
        int m0 = (int)(i / (size_t)j->ncol) * j->rows, c0 = (int)(i % (size_t)j->ncol) * j->cols;
        int m1 = j->M - m0 < j->rows ? j->M : m0 + j->rows, nc = j->nn - c0 < j->cols ? j->nn - c0 : j->cols;
        sdk_panel_gemm_rows(j->K, j->A, (size_t)j->lda, m0, m1, j->Bp + (size_t)c0 * j->K, nc,
                            j->C + j->n0 + c0, (size_t)j->ldc, j->add);
    }
}

/* C = alpha A op(B) (+ C), A row-major; 0 when it cannot (no pool, no
 * memory): the caller then runs OpenBLAS's tiles. */
static int panel_sgemm(sdpool *pool, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                       const float *B, int ldb, int add, float *C, int ldc)
{
    int T = sdpool_threads(pool);
    size_t per = (size_t)K * SDK_NR; /* floats a column panel */
    int chunk = (int)(PG_BMAX / per) * SDK_NR;
    if (chunk < SDK_NR)
        chunk = SDK_NR;
    int first = N < chunk ? N : chunk;
    float *Bp = sdpool_buffer(pool, (size_t)(first + SDK_NR - 1) / SDK_NR * per);
    if (!Bp)
        return 0;
    pg_job j = {A, B, C, Bp, tb, M, K, lda, ldb, ldc, add, alpha, 0, 0, 0, 0, 0};
    for (j.n0 = 0; j.n0 < N; j.n0 += chunk) {
        j.nn = N - j.n0 < chunk ? N - j.n0 : chunk;
        int panels = (j.nn + SDK_NR - 1) / SDK_NR, nrow;
        /* items of whole row panels, 4 a thread, PG_ROWS at most and 48
         * at least, then the columns cut too if that leaves too few: rows
         * first, since an item reads its rows of A (the weights, from
         * memory) once and all of the narrow B (from L3) */
        int want = (M + 4 * T - 1) / (4 * T);
        want = want < 48 ? 48 : want > PG_ROWS ? PG_ROWS : want;
        j.rows = (want + SDK_MR - 1) / SDK_MR * SDK_MR;
        nrow = (M + j.rows - 1) / j.rows;
        j.ncol = nrow >= 4 * T ? 1 : (4 * T + nrow - 1) / nrow;
        if (j.ncol > panels)
            j.ncol = panels;
        j.cols = (panels + j.ncol - 1) / j.ncol * SDK_NR;
        j.ncol = (j.nn + j.cols - 1) / j.cols;
        sdpool_run(pool, pg_pack, &j, (size_t)panels, 1);
        sdpool_run(pool, pg_range, &j, (size_t)nrow * j.ncol, 1);
    }
    return 1;
}

void sdk_sgemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb,
               float beta, float *C, int ldc)
{
    sdpool *pool = sdpool_current();
    if (pool && !ta && (beta == 0.0f || beta == 1.0f) && M >= 16 && N >= 16 && N <= PG_NMAX && K >= 16 &&
        panel_sgemm(pool, tb, M, N, K, alpha, A, lda, B, ldb, beta == 1.0f, C, ldc))
        return;
    sdk_sgemm_batch(ta, tb, M, N, K, alpha, A, lda, 0, B, ldb, 0, beta, C, ldc, 0, 1);
}
