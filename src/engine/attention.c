/* attention.c - multi-head attention (kernels.h), two ways, picked by the
 * shape (sdk_attention).
 *
 * Few keys (a prompt's 77, CLIP) or a head of 256 or more (the VAE's one
 * head of 512) go by rows of scores: (rows, nk) scores in scratch,
 * softmax, then P V, each product large enough for sgemm on all threads.
 *
 * Many keys and narrower heads (the UNet's self-attention) go in blocks with an
 * online softmax, flash-attention style: a work item is one head's block
 * of FA_BQ query rows, which one thread takes through the keys FA_BK at a
 * time, keeping each query's running maximum m and sum l; a key block
 * with a larger maximum rescales what the query has accumulated by
 * exp(m_old - m_new). The score block stays in the core's cache; the full
 * score matrix never exists.
 *
 * The block is computed transposed, S^T = K Q^T and O^T += V^T S^T, so
 * that both products run on the panel kernel (panel.c) with nothing
 * copied inside the loop. K and V^T are packed into row panels once per
 * call, every head and key block, and shared by all the query blocks that
 * read them: before, OpenBLAS packed each key block again for each of a
 * head's 32 query blocks at 64^2, and its products at K = 40 ran at 70-75
 * GFLOP/s on one core (a third of the UNet step's time in sgemm went to
 * attention). A block of Q^T is packed once per item, the 1/sqrt(dh)
 * folded in. S^T, whose columns are queries, is at once the softmax's
 * layout (16 queries in two vectors, their maxima and sums in registers
 * across the keys) and the column panels the second product reads.
 *
 * Each item is computed by one thread in one order, so the result does
 * not depend on the thread count. */
#include "kernels.h"

#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "threadpool.h"
#include "vexp.h"

/* ---- by score rows: (rows, nk) scores at a time in scratch, softmax
 * over them, then P V; sgemm on all threads. */
#define ATT_MAX ((size_t)4 << 20) /* score block: at most 16 MB */

static size_t rows_scratch(int nq, int nk)
{
    size_t rows = ATT_MAX / (size_t)(nk > 0 ? nk : 1);
    if (rows < 1)
        rows = 1;
    if (rows > (size_t)nq)
        rows = (size_t)nq;
    return rows * (size_t)nk;
}

void sdk_attention_rows(const float *q, const float *k, const float *v, int nq, int nk, int heads, int dh, int causal,
                        float *out, float *scratch)
{
    int ld = heads * dh, rows = (int)(rows_scratch(nq, nk) / (size_t)nk);
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

/* ---- in blocks. 128 queries an item are 8 column panels of 16 (a key
 * block's panels are read 8 times from L1/L2 for each time they come from
 * memory; 64 and 256 measured no better, within a noisy machine's spread);
 * 252 keys a block are 42 row panels of 6, a (252, 128) score block of
 * 126 KB in a core's L2 beside the packed key and value blocks. */
#define FA_BQ 128
#define FA_BK 252
/* slices of scratch: one per thread of the pool at most */
#define FA_SLOTS 64

static int round_mr(int n)
{
    return (n + SDK_MR - 1) / SDK_MR * SDK_MR;
}

static size_t round16(size_t n)
{
    return (n + 15) & ~(size_t)15;
}

static int fa_slots(void)
{
    int t = sdpool_threads(sdpool_current());
    return t < 1 ? 1 : t > FA_SLOTS ? FA_SLOTS : t;
}

/* floats of one head's key block packed, as K's row panels or V^T's */
static size_t fa_kv_block(int dh)
{
    return round16((size_t)FA_BK * (size_t)round_mr(dh));
}

/* floats of one thread's slice: Q^T's panels, S^T, O^T, then m, l, alpha */
static size_t fa_slice(int dh)
{
    return round16((size_t)FA_BQ * dh) + (size_t)FA_BQ * FA_BK + round16((size_t)round_mr(dh) * FA_BQ) + 3 * FA_BQ;
}

static size_t fa_scratch(int nk, int heads, int dh)
{
    size_t nkb = ((size_t)(nk > 0 ? nk : 1) + FA_BK - 1) / FA_BK;
    return 2 * (size_t)heads * nkb * fa_kv_block(dh) + (size_t)fa_slots() * fa_slice(dh);
}

typedef struct {
    const float *q, *k, *v;
    float *out, *kp, *vp, *slices;
    int nq, nk, dh, ld, causal, nqb, nkb, slots;
    size_t kvb, slice;
    float scale;
    atomic_int busy[FA_SLOTS];
} fa_job;

/* Item (h, b): head h's key block b into K's row panels ([nc6 / 6][dh][6],
 * keys past nc zero) and V^T's ([dh6 / 6][nc6][6], zero past dh and nc). */
static void fa_pack_range(void *ctx, size_t i0, size_t i1)
{
    const fa_job *j = ctx;
    int dh = j->dh, dh6 = round_mr(dh), ld = j->ld;
    for (size_t it = i0; it < i1; it++) {
        int h = (int)(it / (size_t)j->nkb), j0 = (int)(it % (size_t)j->nkb) * FA_BK;
        int nc = j->nk - j0 < FA_BK ? j->nk - j0 : FA_BK, nc6 = round_mr(nc);
        float *kb = j->kp + it * j->kvb, *vb = j->vp + it * j->kvb;
        memset(kb, 0, (size_t)nc6 * dh * sizeof *kb);
        memset(vb, 0, (size_t)dh6 * nc6 * sizeof *vb);
        for (int r = 0; r < nc; r++) {
            const float *kr = j->k + (size_t)(j0 + r) * ld + h * dh, *vr = j->v + (size_t)(j0 + r) * ld + h * dh;
            float *kd = kb + (size_t)(r / SDK_MR) * dh * SDK_MR + r % SDK_MR;
            for (int t = 0; t < dh; t++)
                kd[(size_t)t * SDK_MR] = kr[t];
            for (int t = 0; t < dh; t++)
                vb[((size_t)(t / SDK_MR) * nc6 + r) * SDK_MR + t % SDK_MR] = vr[t];
        }
    }
}

/* The online softmax over one column panel of S^T (nc6 keys by 16
 * queries, rows past nc become 0): m, l the 16 queries' running maxima and
 * sums, updated; alpha what their accumulators must be multiplied by.
 * With causal, key k is masked for a query whose index from the block's
 * first key is below k (qrel: the panel's first query's). */
static void fa_softmax_scalar(float *S, int nc, int nc6, float *m, float *l, float *alpha, int causal, int qrel)
{
    for (int c = 0; c < SDK_NR; c++) {
        float mx = m[c];
        for (int k = 0; k < nc; k++) {
            float *s = &S[(size_t)k * SDK_NR + c];
            if (causal && k > qrel + c)
                *s = -INFINITY;
            mx = *s > mx ? *s : mx;
        }
        float sum = 0;
        for (int k = 0; k < nc; k++) {
            float *s = &S[(size_t)k * SDK_NR + c];
            sum += *s = expf(*s - mx);
        }
        alpha[c] = expf(m[c] - mx);
        l[c] = l[c] * alpha[c] + sum;
        m[c] = mx;
    }
    memset(S + (size_t)nc * SDK_NR, 0, (size_t)(nc6 - nc) * SDK_NR * sizeof *S);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void fa_softmax_avx2(float *S, int nc, int nc6, float *m, float *l,
                                                                 float *alpha, int causal, int qrel)
{
    __m256 m0 = _mm256_loadu_ps(m), m1 = _mm256_loadu_ps(m + 8), o0 = m0, o1 = m1;
    if (causal) {
        const __m256 ninf = _mm256_set1_ps(-INFINITY);
        __m256i q0 = _mm256_add_epi32(_mm256_set1_epi32(qrel), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        __m256i q1 = _mm256_add_epi32(q0, _mm256_set1_epi32(8));
        for (int k = 0; k < nc; k++) {
            float *s = S + (size_t)k * SDK_NR;
            __m256i kv = _mm256_set1_epi32(k);
            __m256 s0 = _mm256_blendv_ps(_mm256_loadu_ps(s), ninf, _mm256_castsi256_ps(_mm256_cmpgt_epi32(kv, q0)));
            __m256 s1 =
                _mm256_blendv_ps(_mm256_loadu_ps(s + 8), ninf, _mm256_castsi256_ps(_mm256_cmpgt_epi32(kv, q1)));
            _mm256_storeu_ps(s, s0), _mm256_storeu_ps(s + 8, s1);
            m0 = _mm256_max_ps(m0, s0), m1 = _mm256_max_ps(m1, s1);
        }
    } else {
        for (int k = 0; k < nc; k++) {
            const float *s = S + (size_t)k * SDK_NR;
            m0 = _mm256_max_ps(m0, _mm256_loadu_ps(s)), m1 = _mm256_max_ps(m1, _mm256_loadu_ps(s + 8));
        }
    }
    __m256 l0 = _mm256_setzero_ps(), l1 = _mm256_setzero_ps();
    for (int k = 0; k < nc; k++) {
        float *s = S + (size_t)k * SDK_NR;
        __m256 e0 = exp8_le0(_mm256_sub_ps(_mm256_loadu_ps(s), m0));
        __m256 e1 = exp8_le0(_mm256_sub_ps(_mm256_loadu_ps(s + 8), m1));
        _mm256_storeu_ps(s, e0), _mm256_storeu_ps(s + 8, e1);
        l0 = _mm256_add_ps(l0, e0), l1 = _mm256_add_ps(l1, e1);
    }
    __m256 a0 = exp8_le0(_mm256_sub_ps(o0, m0)), a1 = exp8_le0(_mm256_sub_ps(o1, m1));
    _mm256_storeu_ps(alpha, a0), _mm256_storeu_ps(alpha + 8, a1);
    _mm256_storeu_ps(l, _mm256_fmadd_ps(_mm256_loadu_ps(l), a0, l0));
    _mm256_storeu_ps(l + 8, _mm256_fmadd_ps(_mm256_loadu_ps(l + 8), a1, l1));
    _mm256_storeu_ps(m, m0), _mm256_storeu_ps(m + 8, m1);
    memset(S + (size_t)nc * SDK_NR, 0, (size_t)(nc6 - nc) * SDK_NR * sizeof *S);
}

#endif

/* O^T (dh rows of FA_BQ queries, N of them in use) times each query's
 * alpha: what a query has accumulated, rescaled to its new maximum. Eight
 * queries a vector: written as a plain loop GCC kept it scalar (O and
 * alpha may alias), 7 % of the blocks' time at the UNet's 64^2 level. */
typedef float fa_v8 __attribute__((vector_size(32)));

static void fa_rescale(float *O, int dh, int N, const float *alpha)
{
    for (int c = 0; c < N; c += 8) {
        fa_v8 a;
        memcpy(&a, alpha + c, sizeof a);
        for (int t = 0; t < dh; t++) {
            fa_v8 o;
            float *p = O + (size_t)t * FA_BQ + c;
            memcpy(&o, p, sizeof o);
            o *= a;
            memcpy(p, &o, sizeof o);
        }
    }
}

/* Item (h, query block): the block's queries through every key block. */
static void fa_range(void *ctx, size_t i0, size_t i1)
{
    fa_job *j = ctx;
    int slot = 0;
    for (;; slot = (slot + 1) % j->slots) { /* a free slice: one per running thread */
        int expect = 0;
        if (atomic_compare_exchange_strong(&j->busy[slot], &expect, 1))
            break;
    }
    int dh = j->dh, dh6 = round_mr(dh), ld = j->ld;
    float *Qp = j->slices + (size_t)slot * j->slice, *S = Qp + round16((size_t)FA_BQ * dh);
    float *O = S + (size_t)FA_BQ * FA_BK, *m = O + round16((size_t)dh6 * FA_BQ), *l = m + FA_BQ, *alpha = l + FA_BQ;
    void (*softmax)(float *, int, int, float *, float *, float *, int, int) = fa_softmax_scalar;
#if defined(__x86_64__)
    if (sdk_panel_fma())
        softmax = fa_softmax_avx2;
#endif
    for (size_t it = i0; it < i1; it++) {
        int h = (int)(it / (size_t)j->nqb), r0 = (int)(it % (size_t)j->nqb) * FA_BQ;
        int nr = j->nq - r0 < FA_BQ ? j->nq - r0 : FA_BQ, np = (nr + SDK_NR - 1) / SDK_NR, N = np * SDK_NR;
        /* Q^T's column panels [np][dh][16], scaled; queries past nr zero */
        memset(Qp, 0, (size_t)N * dh * sizeof *Qp);
        for (int i = 0; i < nr; i++) {
            const float *qr = j->q + (size_t)(r0 + i) * ld + h * dh;
            float *d = Qp + (size_t)(i / SDK_NR) * dh * SDK_NR + i % SDK_NR;
            for (int t = 0; t < dh; t++)
                d[(size_t)t * SDK_NR] = qr[t] * j->scale;
        }
        for (int c = 0; c < N; c++)
            m[c] = -FLT_MAX, l[c] = 0;
        /* with the mask, key blocks past the block's last query add nothing */
        int kend = j->causal && r0 + nr < j->nk ? r0 + nr : j->nk;
        for (int b = 0; b * FA_BK < kend; b++) {
            int j0 = b * FA_BK, nc = j->nk - j0 < FA_BK ? j->nk - j0 : FA_BK, nc6 = round_mr(nc);
            const float *kb = j->kp + ((size_t)h * j->nkb + b) * j->kvb, *vb = j->vp + ((size_t)h * j->nkb + b) * j->kvb;
            for (int p = 0; p < np; p++) {
                float *Sp = S + (size_t)p * nc6 * SDK_NR;
                sdk_panel_gemm(dh, kb, 0, nc6, Qp + (size_t)p * dh * SDK_NR, SDK_NR, Sp, SDK_NR, 0);
                softmax(Sp, nc, nc6, m + p * SDK_NR, l + p * SDK_NR, alpha + p * SDK_NR, j->causal,
                        r0 + p * SDK_NR - j0);
            }
            if (b > 0)
                fa_rescale(O, dh, N, alpha);
            sdk_panel_gemm(nc6, vb, 0, dh6, S, N, O, FA_BQ, b > 0);
        }
        for (int i = 0; i < nr; i++) {
            float inv = 1.0f / l[i], *d = j->out + (size_t)(r0 + i) * ld + h * dh;
            for (int t = 0; t < dh; t++)
                d[t] = O[(size_t)t * FA_BQ + i] * inv;
        }
    }
    atomic_store(&j->busy[slot], 0);
}

void sdk_attention_flash(const float *q, const float *k, const float *v, int nq, int nk, int heads, int dh, int causal,
                         float *out, float *scratch)
{
    if (nq < 1 || nk < 1 || heads < 1 || dh < 1)
        return;
    fa_job job, *j = &job;
    memset(j, 0, sizeof *j);
    j->q = q, j->k = k, j->v = v, j->out = out;
    j->nq = nq, j->nk = nk, j->dh = dh, j->ld = heads * dh, j->causal = causal;
    j->nqb = (nq + FA_BQ - 1) / FA_BQ, j->nkb = (nk + FA_BK - 1) / FA_BK;
    j->kvb = fa_kv_block(dh), j->slice = fa_slice(dh), j->slots = fa_slots();
    j->kp = scratch, j->vp = scratch + (size_t)heads * j->nkb * j->kvb;
    j->slices = j->vp + (size_t)heads * j->nkb * j->kvb;
    j->scale = 1.0f / sqrtf((float)dh);
    for (int i = 0; i < FA_SLOTS; i++)
        atomic_init(&j->busy[i], 0);
    sdk_parallel_for(fa_pack_range, j, (size_t)heads * j->nkb, 1);
    sdk_parallel_for(fa_range, j, (size_t)heads * j->nqb, 1);
}

size_t sdk_attention_scratch(int nq, int nk, int heads, int dh)
{
    size_t r = rows_scratch(nq, nk), f = fa_scratch(nk, heads, dh);
    return r > f ? r : f;
}

void sdk_attention(const float *q, const float *k, const float *v, int nq, int nk, int heads, int dh, int causal,
                   float *out, float *scratch)
{
    /* bench/bench_attn.c (EPYC, AVX2 code, a pool of 2, bench/README.md):
     * the blocks take 25-45 % less time than the rows at the UNet's
     * self-attention at 64^2 (4096 keys); at 1024 keys the two are even;
     * with 256 keys (16^2) the rows are 10-15 % faster; with a prompt's 77
     * keys and CLIP's the two are within noise of each other; the VAE's
     * one head of 512 is faster by rows (the products are large enough for
     * sgemm on all threads and the softmax a small part). */
    if (dh >= 256 || nk < 512)
        sdk_attention_rows(q, k, v, nq, nk, heads, dh, causal, out, scratch);
    else
        sdk_attention_flash(q, k, v, nq, nk, heads, dh, causal, out, scratch);
}
