/* bench_engine.c - speed of the engine on full SD 1.5 shapes with random
 * fp16 weights made at run time (nothing is downloaded or committed): the
 * text encoder, one UNet step with classifier-free guidance (two UNet
 * calls) and the VAE decoder, at a chosen size.
 *
 *   make bench BUILD=build-engine
 *   build-engine/bench/bench_engine [SIZE=512] [PARTS=sgemm,clip,unet,vae]
 *
 * PARTS may add "direct": every 3x3 conv by im2col + sgemm, as before
 * Winograd (sdk_wino_force(0)), to compare the two in one session; and
 * "warm": the UNet step timed is a second one (arena grown, as every step
 * of a run after its first), the first reported beside it.
 *
 * sgemm (OpenBLAS, square 2048 and a UNet-shaped product, best of several) is
 * measured in the same run so the engine's throughput is reported as a ratio
 * to it, which stays meaningful on a shared, noisy machine; peak RSS is the
 * process's (getrusage), weights included.
 *
 * The tensor list is built from the same config the engine reads, so a
 * name the forward pass does not find fails the run loudly. */

#include <math.h>

#include "kernels.h"
#include "weights.h"

int main(int argc, char **argv)
{
    int size = argc > 1 ? atoi(argv[1]) : 512;
    const char *parts = argc > 2 ? argv[2] : "sgemm,clip,unet,vae";
    double roof = 0;
    if (size < 64 || size % 64) {
        fprintf(stderr, "usage: bench_engine [SIZE (multiple of 64)] [sgemm,clip,unet,vae,direct,warm,vaetile]\n");
        return 2;
    }
    int h = size / 8;
    lserr err = {0};
    sdarena a;
    sdarena_init(&a, 0);
    if (strstr(parts, "direct"))
        sdk_wino_force(0);
    char cpu[256];
    lscpu_model(cpu, sizeof cpu);
    printf("cpu   %s; 3x3 convs: %s\n", cpu, strstr(parts, "direct") ? "im2col + sgemm" : "Winograd where faster");
    /* the engine's threads: OpenBLAS's start count (OPENBLAS_NUM_THREADS), as a generation's default */
    int T = sdpool_default_threads();
    sdpool *pool = sdpool_new(T);
    if (!pool)
        return fprintf(stderr, "bench: out of memory\n"), 1;
    if (strstr(parts, "sgemm")) {
        /* a 3x3 conv of the UNet's first level as im2col + sgemm: (4096 x 2880) x (2880 x 320).
         * The roof is the better of one OpenBLAS call on T threads of its
         * own and the engine's tiles on its pool (what the engine runs). */
        double sq = sgemm_run(NULL, T, 2048, 2048, 2048), un = sgemm_run(NULL, T, 4096, 320, 2880);
        double psq = sgemm_run(pool, 0, 2048, 2048, 2048), pun = sgemm_run(pool, 0, 4096, 320, 2880);
        roof = sq > un ? sq : un;
        roof = psq > roof ? psq : pun > roof ? pun : roof;
        printf("sgemm 2048^3: %.1f GFLOP/s; 4096x320x2880 (UNet conv): %.1f GFLOP/s (OpenBLAS, %d threads)\n", sq,
               un, T);
        printf("      on the engine's pool in tiles: %.1f and %.1f GFLOP/s; roof %.1f GFLOP/s\n", psq, pun, roof);
    }
    sdpool_bind(pool);
    if (strstr(parts, "clip")) {
        sdclip_cfg c = sdclip_sd15_cfg();
        spec s = {.hdr = json_object()};
        clip_spec(&s, &c);
        unsigned char *img;
        sdst_file *f = make(&s, &img, "clip");
        int32_t ids[77];
        for (int i = 0; i < 77; i++)
            ids[i] = i == 0 ? 49406 : i < 10 ? 320 + i : 49407;
        float *out = malloc(77 * 768 * sizeof *out);
        double t0 = now();
        if (sdclip_forward(&c, f, "", &a, ids, out, &err) != LONGSD_OK)
            return fprintf(stderr, "bench: %s\n", err.msg), 1;
        printf("clip  text encoder: %.3f s\n", now() - t0);
        free(out);
        sdst_close(f);
        free(img);
    }
    if (strstr(parts, "unet")) {
        sdunet_cfg c = sdunet_sd15_cfg();
        spec s = {.hdr = json_object()};
        unet_spec(&s, &c, 0);
        unsigned char *img;
        sdst_file *f = make(&s, &img, "unet");
        size_t n = (size_t)2 * 4 * h * h;
        float *x = malloc(n * 4), *o = malloc(n * 4), *ctx = malloc(2 * 77 * 768 * 4);
        sdrng_normal(3, 0, x, n);
        sdrng_normal(3, 1, ctx, 2 * 77 * 768);
        /* "warm": time a second step, as every step after the first of a
         * run: the arena has grown to the peak and allocates nothing. The
         * first is reported too: it also pays for faulting the arena's
         * pages in (on these VMs ~1 s at 512^2, the host backing each page) */
        double first = 0;
        if (strstr(parts, "warm")) {
            double t1 = now();
            if (sdunet_forward(&c, f, "", &a, x, 2, h, h, 500.0f, ctx, 77, o, NULL, &err) != LONGSD_OK)
                return fprintf(stderr, "bench: %s\n", err.msg), 1;
            first = now() - t1;
        }
        double t0 = now(), c0 = cpu_now();
        /* classifier-free guidance: one call on a batch of 2 per step */
        if (sdunet_forward(&c, f, "", &a, x, 2, h, h, 500.0f, ctx, 77, o, NULL, &err) != LONGSD_OK)
            return fprintf(stderr, "bench: %s\n", err.msg), 1;
        double dt = now() - t0;
        /* CPU seconds over wall seconds below the thread count means the
         * machine was shared: the wall time is then an upper bound. */
        printf("      cpu %.1f s over wall %.1f s\n", cpu_now() - c0, dt);
        double g = 2 * 890.0 * (size / 512.0) * (size / 512.0) / dt;
        printf("unet  one step with CFG at %dx%d: %.2f s (%.1f GFLOP/s at 0.89 TFLOP/sample at 512^2, scaled)\n",
               size, size, dt, g);
        if (roof > 0)
            printf("      ratio to sgemm: %.2f\n", g / roof);
        if (first > 0) {
            double g1 = 2 * 890.0 * (size / 512.0) * (size / 512.0) / first;
            printf("      the first step, arena faulting in: %.2f s (%.1f GFLOP/s", first, g1);
            if (roof > 0)
                printf(", %.2f of sgemm", g1 / roof);
            printf(")\n");
        }
        printf("      activation arena peak %.0f MB\n", a.peak / 1e6);
        free(x), free(o), free(ctx);
        sdst_close(f);
        free(img);
    }
    if (strstr(parts, "vae") && !strstr(parts, "vaetile")) {
        sdvae_cfg c = sdvae_sd15_cfg();
        spec s = {.hdr = json_object()};
        vae_spec(&s, &c);
        unsigned char *img;
        sdst_file *f = make(&s, &img, "vae");
        size_t n = (size_t)4 * h * h;
        float *z = malloc(n * 4), *out = malloc((size_t)3 * size * size * 4);
        sdrng_normal(5, 0, z, n);
        double t0 = now(), c0 = cpu_now();
        if (sdvae_decode(&c, f, "", &a, z, h, h, out, NULL, &err) != LONGSD_OK)
            return fprintf(stderr, "bench: %s\n", err.msg), 1;
        double dt = now() - t0;
        printf("      cpu %.1f s over wall %.1f s\n", cpu_now() - c0, dt);
        double g = 2540.0 * (size / 512.0) * (size / 512.0) / dt;
        printf("vae   decode at %dx%d: %.2f s (%.1f GFLOP/s at 2.54 TFLOP at 512^2, scaled)\n", size, size, dt, g);
        if (roof > 0)
            printf("      ratio to sgemm: %.2f\n", g / roof);
        printf("      activation arena peak %.0f MB\n", a.peak / 1e6);
        free(z), free(out);
        sdst_close(f);
        free(img);
    }
    if (strstr(parts, "vaetile")) {
        /* the decode whole and in tiles of half the size, overlapping by a
         * quarter of a tile: the difference and each one's arena peak */
        sdvae_cfg c = sdvae_sd15_cfg();
        spec s = {.hdr = json_object()};
        vae_spec(&s, &c);
        unsigned char *img;
        sdst_file *f = make(&s, &img, "vae");
        size_t n = (size_t)4 * h * h, np = (size_t)3 * size * size;
        float *z = malloc(n * 4), *whole = malloc(np * 4), *tiled = malloc(np * 4);
        sdrng_normal(5, 0, z, n);
        sdarena aw, at;
        sdarena_init(&aw, 0);
        sdarena_init(&at, 0);
        double t0 = now();
        if (sdvae_decode(&c, f, "", &aw, z, h, h, whole, NULL, &err) != LONGSD_OK)
            return fprintf(stderr, "bench: %s\n", err.msg), 1;
        double t1 = now();
        if (sdvae_decode_tiled(&c, f, "", &at, z, h, h, h / 2, h / 8, tiled, NULL, &err) != LONGSD_OK)
            return fprintf(stderr, "bench: %s\n", err.msg), 1;
        double t2 = now(), e = 0, sum = 0;
        for (size_t i = 0; i < np; i++) {
            double d = fabs((double)tiled[i] - whole[i]);
            e = d > e ? d : e;
            sum += d;
        }
        int k = (h - h / 8 + (h / 2 - h / 8) - 1) / (h / 2 - h / 8); /* vae.c's tile_starts */
        k = k < 2 ? 2 : k;
        printf("vaetile whole %.1f s, arena peak %.0f MB; tiles of %d px overlapping >= %d px (%d x %d): %.1f s, "
               "arena peak %.0f MB\n",
               t1 - t0, aw.peak / 1e6, size / 2, size / 8, k, k, t2 - t1, at.peak / 1e6);
        printf("      max |tiled - whole| %.4f = %.1f of 255, mean %.5f (image in [-1, 1])\n", e, e * 127.5,
               sum / np);
        sdarena_free(&aw);
        sdarena_free(&at);
        free(z), free(whole), free(tiled);
        sdst_close(f);
        free(img);
    }
    sdarena_free(&a);
    sdpool_bind(NULL);
    sdpool_free(pool);
    printf("peak RSS %.0f MB (random weights held in memory, as a loaded model would be mmap'ed)\n", peak_rss_mb());
    return 0;
}
