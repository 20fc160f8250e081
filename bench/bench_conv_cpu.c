/* bench_conv_cpu.c - process CPU time of one 3x3 convolution as the engine
 * runs it (sdk_wino_pick's method, weight transform included) at SD 1.5's
 * UNet (batch 2: CFG) and VAE decoder shapes, on a pool of `threads`.
 *
 *   make bench && build/bench/bench_conv_cpu [repeats=3] [threads=2]
 *
 * bench_conv reports wall time, which on this shared machine moves by 2x
 * from one run to the next; CPU time (CLOCK_PROCESS_CPUTIME_ID, the pool
 * sleeps between jobs) counts only the work done, so two builds can be
 * compared by running them alternately. Prints the minimum of `repeats`,
 * effective GFLOP per CPU-second (direct-conv flops) and a checksum of
 * the output (equal across builds that compute the same bits). */

#include "kernels.h"
#include "weights.h"

int main(int argc, char **argv)
{
    static const int shapes[][4] = {{2, 320, 64, 320},   {2, 640, 32, 640},   {2, 1280, 16, 1280},
                                    {1, 512, 128, 512},  {1, 256, 256, 256},  {1, 128, 512, 128}};
    int reps = argc > 1 ? atoi(argv[1]) : 3, T = argc > 2 ? atoi(argv[2]) : 2, rc = 1;
    char model[256];
    lscpu_model(model, sizeof model);
    printf("cpu   %s, %d threads; min CPU time of %d runs\n", model, T, reps < 1 ? 1 : reps);
    sdpool *pool = sdpool_new(T);
    if (!pool)
        return fprintf(stderr, "bench_conv_cpu: out of memory\n"), 1;
    sdpool_bind(pool);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int B = shapes[s][0], C = shapes[s][1], H = shapes[s][2], O = shapes[s][3];
        int m = sdk_wino_pick(B, C, H, H, O);
        size_t nx = (size_t)B * C * H * H, ny = (size_t)B * O * H * H, nw = (size_t)O * C * 9;
        size_t ns = m ? sdk_wino_scratch(m, B, C, H, H, O) : sdk_conv2d_scratch(C, H, H, 3, 1, 1);
        float *x = malloc(nx * sizeof *x), *y = malloc(ny * sizeof *y), *w = malloc(nw * sizeof *w);
        float *b = malloc((size_t)O * sizeof *b), *scr = malloc(ns * sizeof *scr);
        if (!x || !y || !w || !b || !scr) {
            free(x), free(y), free(w), free(b), free(scr);
            fprintf(stderr, "bench_conv_cpu: out of memory at C %d %d^2\n", C, H);
            goto out;
        }
        for (size_t i = 0; i < nx; i++)
            x[i] = (float)((i * 2654435761u) % 1000) / 1000 - 0.5f;
        for (size_t i = 0; i < nw; i++)
            w[i] = (float)((i * 40503u) % 1000) / 30000 - 0.016f;
        for (int i = 0; i < O; i++)
            b[i] = 0.01f * (float)i;
        double best = 1e30, sum = 0;
        for (int r = 0; r < (reps < 1 ? 1 : reps); r++) {
            double t = cpu_now();
            if (m)
                sdk_wino_conv(m, x, B, C, H, H, w, b, O, y, scr);
            else
                for (int i = 0; i < B; i++)
                    sdk_conv2d(x + (size_t)i * C * H * H, C, H, H, w, b, O, 3, 1, 1, y + (size_t)i * O * H * H, scr);
            t = cpu_now() - t;
            best = t < best ? t : best;
        }
        for (size_t i = 0; i < ny; i += 97)
            sum += y[i];
        printf("B %d  C %4d  %3d^2  O %4d  %-7s cpu %.3f s  %6.1f GFLOP/cpu-s  checksum %.9g\n", B, C, H, O,
               m == 4 ? "F(4x4)" : m == 2 ? "F(2x2)" : "im2col", best, 2.0 * B * O * C * 9 * H * H / best / 1e9, sum);
        free(x), free(y), free(w), free(b), free(scr);
    }
    rc = 0;
out:
    sdpool_bind(NULL);
    sdpool_free(pool);
    return rc;
}
