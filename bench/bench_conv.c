/* bench_conv.c - one 3x3 stride-1 padding-1 convolution at the shapes of
 * SD 1.5's UNet (batch 2: the two halves of classifier-free guidance) and
 * VAE decoder (batch 1), by im2col + sgemm (sdk_conv2d, per image) and by
 * Winograd F(2x2, 3x3) and F(4x4, 3x3) (sdk_wino_conv, weight transform
 * included), random tensors. What sdk_wino_pick chooses is set from this.
 *
 *   make bench && build/bench/bench_conv [repeats=3] [threads]
 *
 * threads: the engine's pool (threadpool.h); the sgemm lines compare one
 * OpenBLAS call on as many threads of its own with sdk_sgemm's tiles.
 *
 * GFLOP/s are effective: the direct convolution's 2*B*O*C*9*H*W flops over
 * the time, so Winograd can read above the sgemm roof. The machine is
 * shared and noisy: every shape runs `repeats` times per method and the
 * minimum time is reported, with the CPU model and the sgemm measured in
 * the same run. The max relative difference of each Winograd result to the
 * im2col one is printed beside it. */

#include <math.h>
#include <unistd.h>

#include "kernels.h"
#include "weights.h"

typedef struct {
    const char *what;
    int B, C, H, O;
} shape;

static const shape shapes[] = {
    {"unet 320ch 64^2", 2, 320, 64, 320},     {"unet 640ch 32^2", 2, 640, 32, 640},
    {"unet 1280ch 16^2", 2, 1280, 16, 1280},  {"unet 1280ch 8^2", 2, 1280, 8, 1280},
    {"unet 2560->1280 16^2", 2, 2560, 16, 1280}, {"unet 1280ch 16^2 B1", 1, 1280, 16, 1280},
    {"unet 1280ch 8^2 B1", 1, 1280, 8, 1280},
    {"unet 960->320 64^2", 2, 960, 64, 320},  {"unet conv_in 4->320", 2, 4, 64, 320},
    {"unet conv_out 320->4", 2, 320, 64, 4},  {"vae 512ch 64^2", 1, 512, 64, 512},
    {"vae 512ch 128^2", 1, 512, 128, 512},    {"vae 256ch 256^2", 1, 256, 256, 256},
    {"vae 128ch 512^2", 1, 128, 512, 128},    {"vae conv_out 128->3", 1, 128, 512, 3},
};

static double rel_diff(const float *a, const float *ref, size_t n)
{
    double d = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)a[i] - ref[i]);
        d = e > d ? e : d;
        m = fabs(ref[i]) > m ? fabs(ref[i]) : m;
    }
    return m > 0 ? d / m : d;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 3;
    if (reps < 1)
        reps = 1;
    char cpu[256];
    lscpu_model(cpu, sizeof cpu);
    /* the engine's pool of `threads` (default: OpenBLAS's start count),
     * against OpenBLAS on as many threads of its own, alternately */
    int T = argc > 2 ? atoi(argv[2]) : sdpool_default_threads();
    sdpool *pool = sdpool_new(T);
    if (!pool)
        return fprintf(stderr, "bench_conv: out of memory\n"), 1;
    printf("cpu   %s, %ld cores online, %d threads; min of %d runs per method\n", cpu,
           sysconf(_SC_NPROCESSORS_ONLN), sdpool_threads(pool), reps);
    for (int r = 0; r < 2; r++) {
        double bq = sgemm_run(NULL, T, 2048, 2048, 2048), bu = sgemm_run(NULL, T, 4096, 320, 2880);
        double pq = sgemm_run(pool, 0, 2048, 2048, 2048), pu = sgemm_run(pool, 0, 4096, 320, 2880);
        printf("sgemm 2048^3 / 4096x320x2880 GFLOP/s: OpenBLAS threads %.1f / %.1f, pool tiles %.1f / %.1f\n", bq, bu,
               pq, pu);
    }
    sdpool_bind(pool);
    printf("%-22s %9s %9s %9s  %7s %7s  %8s %8s  %s\n", "shape (B C HxW O)", "im2col", "F(2x2)", "F(4x4)", "x F2",
           "x F4", "err F2", "err F4", "pick");
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        const shape *sh = &shapes[s];
        int B = sh->B, C = sh->C, H = sh->H, W = sh->H, O = sh->O;
        size_t nx = (size_t)B * C * H * W, ny = (size_t)B * O * H * W, nw = (size_t)O * C * 9;
        size_t scr = sdk_conv2d_scratch(C, H, W, 3, 1, 1);
        for (int m = 2; m <= 4; m += 2)
            if (sdk_wino_scratch(m, B, C, H, W, O) > scr)
                scr = sdk_wino_scratch(m, B, C, H, W, O);
        float *x = malloc(nx * 4), *w = malloc(nw * 4), *b = malloc((size_t)O * 4), *y0 = malloc(ny * 4),
              *y = malloc(ny * 4), *col = malloc(scr * 4);
        if (!x || !w || !b || !y0 || !y || !col)
            return fprintf(stderr, "bench_conv: out of memory at %s\n", sh->what), 1;
        sdrng_normal(11, 0, x, nx);
        sdrng_normal(11, 1, w, nw);
        sdrng_normal(11, 2, b, (size_t)O);
        for (size_t i = 0; i < nw; i++)
            w[i] *= 0.05f;
        double flop = 2.0 * B * O * C * 9 * H * W, best[3] = {1e30, 1e30, 1e30}, err[3] = {0};
        for (int r = 0; r < reps; r++)
            for (int k = 0; k < 3; k++) { /* methods alternate, so a noisy second hits all alike */
                double t0 = now();
                if (k == 0)
                    for (int i = 0; i < B; i++)
                        sdk_conv2d(x + (size_t)i * C * H * W, C, H, W, w, b, O, 3, 1, 1, y0 + (size_t)i * O * H * W,
                                   col);
                else
                    sdk_wino_conv(2 * k, x, B, C, H, W, w, b, O, y, col);
                double dt = now() - t0;
                best[k] = dt < best[k] ? dt : best[k];
                if (k)
                    err[k] = rel_diff(y, y0, ny);
            }
        char name[64];
        snprintf(name, sizeof name, "%s", sh->what);
        printf("%-22s %9.1f %9.1f %9.1f  %7.2f %7.2f  %8.1e %8.1e  %s\n", name, flop / best[0] / 1e9,
               flop / best[1] / 1e9, flop / best[2] / 1e9, best[0] / best[1], best[0] / best[2], err[1], err[2],
               sdk_wino_pick(B, C, H, W, O) == 4   ? "F(4x4)"
               : sdk_wino_pick(B, C, H, W, O) == 2 ? "F(2x2)"
                                                   : "im2col");
        fflush(stdout);
        free(x), free(w), free(b), free(y0), free(y), free(col);
    }
    printf("GFLOP/s effective (direct conv flops / time); x F2, x F4: speed-up over im2col + sgemm;\n"
           "err: max |winograd - im2col| / max |im2col|\n");
    sdpool_bind(NULL);
    sdpool_free(pool);
    return 0;
}
