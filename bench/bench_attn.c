/* bench_attn.c - multi-head attention at SD 1.5's shapes, the two kernels
 * sdk_attention chooses between: by rows of scores (sdk_attention_rows:
 * up to 16 MB of scores, softmax, P V, sgemm on all threads) and in blocks
 * with an online softmax (sdk_attention_flash). Random q, k, v.
 *
 *   make bench && build/bench/bench_attn [repeats=3] [threads]
 *
 * Both run on an engine pool of `threads` threads bound to the caller (as
 * a generation runs them: the blocks' items and the rows' sgemm tiles on
 * the pool, OpenBLAS itself on one thread); before, this bench bound none,
 * so the blocks ran on one thread and the rows on OpenBLAS's own.
 *
 * The machine is shared and noisy: the two kernels run alternately,
 * `repeats` times each per shape, and the minimum wall and CPU (process)
 * time of each is printed with their ratio, the max relative difference
 * between the two, the CPU model and the sgemm of the same run. GFLOP/s
 * count the two products (4 nq nk dh per head). */

#include <math.h>

#include "kernels.h"
#include "weights.h"

typedef struct {
    const char *what;
    int B, nq, nk, heads, dh;
} shape;

static const shape shapes[] = {
    {"unet self 64^2 h8x40", 2, 4096, 4096, 8, 40},   {"unet cross 64^2 ctx77", 2, 4096, 77, 8, 40},
    {"unet self 32^2 h8x80", 2, 1024, 1024, 8, 80},   {"unet cross 32^2 ctx77", 2, 1024, 77, 8, 80},
    {"unet self 16^2 h8x160", 2, 256, 256, 8, 160},   {"unet self 8^2 h8x160", 2, 64, 64, 8, 160},
    {"sd2 self 64^2 h5x64", 2, 4096, 4096, 5, 64},    {"vae mid 64^2 h1x512", 1, 4096, 4096, 1, 512},
    {"clip 77 causal h12x64", 1, 77, 77, 12, 64},
};

static float frand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (float)((*s >> 8) & 0xffff) / 32768.0f - 1.0f;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 3;
    if (argc > 2)
        openblas_set_num_threads(atoi(argv[2]));
    if (reps < 1)
        reps = 1;
    char cpu[256];
    lscpu_model(cpu, sizeof cpu);
    double sq = sgemm_gflops(2048, 2048, 2048);
    int T = openblas_get_num_threads();
    sdpool *pool = sdpool_new(T);
    if (!pool)
        return fprintf(stderr, "bench_attn: out of memory\n"), 1;
    sdpool_bind(pool);
    printf("cpu   %s, a pool of %d threads; min of %d alternating runs per kernel\n", cpu, sdpool_threads(pool),
           reps);
    printf("sgemm 2048^3 %.1f GFLOP/s\n", sq);
    printf("%-24s %15s %15s %15s %15s  %6s %6s  %8s\n", "shape (B nq nk h dh)", "rows wall", "rows cpu",
           "flash wall", "flash cpu", "x wall", "x cpu", "max diff");
    for (size_t si = 0; si < sizeof shapes / sizeof *shapes; si++) {
        const shape *p = &shapes[si];
        int ld = p->heads * p->dh, causal = strstr(p->what, "causal") != NULL;
        size_t nq = (size_t)p->nq * ld, nk = (size_t)p->nk * ld;
        float *q = malloc(nq * 4), *k = malloc(nk * 4), *v = malloc(nk * 4), *o1 = malloc(nq * 4),
              *o2 = malloc(nq * 4), *scr = malloc(sdk_attention_scratch(p->nq, p->nk, p->heads, p->dh) * 4);
        if (!q || !k || !v || !o1 || !o2 || !scr)
            return fprintf(stderr, "bench_attn: out of memory\n"), 1;
        unsigned s = 11;
        /* scores of the spread trained networks see (|q.k|/sqrt(dh) up to ~10) */
        for (size_t i = 0; i < nq; i++)
            q[i] = 2.0f * frand(&s);
        for (size_t i = 0; i < nk; i++) {
            k[i] = 2.0f * frand(&s);
            v[i] = frand(&s);
        }
        double best[2][2] = {{1e30, 1e30}, {1e30, 1e30}};
        for (int r = 0; r < reps; r++)
            for (int m = 0; m < 2; m++) {
                double t0 = now(), c0 = cpu_now();
                for (int b = 0; b < p->B; b++)
                    (m ? sdk_attention_flash : sdk_attention_rows)(q, k, v, p->nq, p->nk, p->heads, p->dh, causal,
                                                                   m ? o2 : o1, scr);
                double w = now() - t0, c = cpu_now() - c0;
                best[m][0] = w < best[m][0] ? w : best[m][0];
                best[m][1] = c < best[m][1] ? c : best[m][1];
            }
        double d = 0, mx = 0;
        for (size_t i = 0; i < nq; i++) {
            double e = fabs((double)o1[i] - o2[i]);
            d = e > d ? e : d;
            mx = fabs(o1[i]) > mx ? fabs(o1[i]) : mx;
        }
        double fl = 4.0 * p->B * p->heads * p->nq * p->nk * p->dh / 1e9;
        printf("%-24s %7.1f ms %5.0fG %7.1f ms %5s %7.1f ms %5.0fG %7.1f ms %5s  %6.2f %6.2f  %8.1e\n", p->what,
               best[0][0] * 1e3, fl / best[0][0], best[0][1] * 1e3, "", best[1][0] * 1e3, fl / best[1][0],
               best[1][1] * 1e3, "", best[0][0] / best[1][0], best[0][1] / best[1][1], mx > 0 ? d / mx : d);
        free(q), free(k), free(v), free(o1), free(o2), free(scr);
    }
    sdpool_free(pool);
    return 0;
}
