/* bench_sdxl.c - SDXL and SDXL-Turbo on the CPU with full-size random F16
 * weights in SDXL 1.0's exact shapes (sdxl_default_cfg: CLIP ViT-L 12
 * layers + OpenCLIP bigG 32 layers with its 1280 projection; the UNet
 * 320/640/1280, transformer depth 1/2/10, 2048-wide context, text_time
 * embedding of 2816) and TAESD's decoder:
 *
 *   turbo (default): 512x512, the two text encoders, one UNet call at
 *                    t = 999 without the unconditional half, the
 *                    Euler-ancestral step of the trailing schedule and a
 *                    TAESD decode (SDXL-Turbo's way)
 *   base:            1024x1024, the text encoders and one UNet call with
 *                    CFG (batch 2), SDXL's per-step cost
 *
 *   make bench && build/bench/bench_sdxl [turbo|base] [REPEATS=1]
 *
 * In the same run: the CPU model, the sgemm roof, CPU vs wall time per
 * stage (CPU below threads x wall means the cores were shared) and peak
 * RSS. Nothing is downloaded; a temp TAESD file is written and removed.
 * The weights take about 5.5 GB of memory.
 *
 * stable-diffusion.cpp on the same shapes: the bench cannot fetch it.
 * Build a local checkout (cmake -B build && cmake --build build --config
 * Release) and set SDCPP_BIN=path/to/sd, SDCPP_MODEL=an SDXL(-Turbo)
 * checkpoint (and SDCPP_TAESD for turbo); the bench then times the same
 * picture with it in the same run. */
#include "weights.h"

#include <unistd.h>

#include "sdxl.h"
#include "taesd.h"

static void stage(const char *what, double t0, double c0)
{
    printf("  %-34s %7.2f s wall, %7.2f s cpu\n", what, now() - t0, cpu_now() - c0);
}

int main(int argc, char **argv)
{
    int base = argc > 1 && strcmp(argv[1], "base") == 0, reps = argc > 2 ? atoi(argv[2]) : 1;
    if ((argc > 1 && !base && strcmp(argv[1], "turbo")) || reps < 1 || reps > 10) {
        fprintf(stderr, "usage: bench_sdxl [turbo|base] [REPEATS 1..10]\n");
        return 2;
    }
    int size = base ? 1024 : 512, B = base ? 2 : 1;
    char cpu[256];
    lscpu_model(cpu, sizeof cpu);
    printf("cpu   %s, %ld cores online, OpenBLAS %d threads\n", cpu, sysconf(_SC_NPROCESSORS_ONLN),
           openblas_get_num_threads());
    printf("sgemm 2048^3 %.1f GFLOP/s, 4096x640x5760 %.1f GFLOP/s\n", sgemm_gflops(2048, 2048, 2048),
           sgemm_gflops(4096, 640, 5760));

    sdxl_te te;
    sdunet_cfg uc;
    sdvae_cfg vc;
    sdxl_default_cfg(&te, &uc, &vc);
    spec s1 = {.hdr = json_object()}, s2 = {.hdr = json_object()}, us = {.hdr = json_object()},
         ts = {.hdr = json_object()};
    clip_spec(&s1, &te.c1);
    clip_spec(&s2, &te.c2);
    add(&s2, "text_projection.weight", 2, te.c2.proj, te.c2.hidden, 0, 0);
    unet_spec(&us, &uc, 1);
    taesd_decoder_spec(&ts, 4);
    unsigned char *i1, *i2, *ui, *ti;
    sdst_file *f1 = make(&s1, &i1, "clip-l"), *f2 = make(&s2, &i2, "bigg"), *uf = make(&us, &ui, "unet");
    te.f1 = f1, te.f2 = f2, te.p1 = te.p2 = "", te.proj_name = "text_projection.weight", te.proj_t = 0;
    printf("text  %5.0f M + %5.0f M params, unet %5.0f M params (random F16)\n", s1.off / 2e6, s2.off / 2e6,
           us.off / 2e6);
    size_t tlen;
    ti = build(&ts, &tlen);
    char tpath[] = "/tmp/bench_sdxl_taesd_XXXXXX";
    int fd = mkstemp(tpath);
    if (fd < 0 || !ti || write(fd, ti, tlen) != (ssize_t)tlen)
        return fprintf(stderr, "bench: cannot write %s\n", tpath), 1;
    close(fd);
    lserr err = {0};
    sdtaesd *taesd = NULL;
    if (sdtaesd_open(tpath, &taesd, &err) != LONGSD_OK)
        return fprintf(stderr, "bench: %s\n", err.msg), 1;
    unlink(tpath);

    int h = size / 8, D = sdxl_ctx_dim(&te);
    size_t n = (size_t)4 * h * h;
    sdarena a;
    sdarena_init(&a, 0);
    sdsched_cfg scfg = sdsched_sd15_cfg();
    scfg.spacing = base ? SDS_LEADING : SDS_TRAILING;
    float *ctx = calloc((size_t)B * 77 * D, sizeof *ctx), *h1 = malloc(77 * 768 * 4), *h2 = malloc(77 * 1280 * 4);
    float *pooled = calloc((size_t)B * te.c2.proj, sizeof *pooled), tids[2 * SDXL_TIME_IDS];
    float *x = malloc(n * 4), *xin = malloc(B * n * 4), *eps = malloc(B * n * 4), *noise = malloc(n * 4);
    float *img = malloc((size_t)3 * size * size * 4);
    if (!ctx || !h1 || !h2 || !pooled || !x || !xin || !eps || !noise || !img)
        return fprintf(stderr, "bench: out of memory\n"), 1;
    int32_t ids[77], ids2[77];
    for (int i = 0; i < 77; i++) {
        ids[i] = i == 0 ? 49406 : i < 10 ? 320 + i : 49407;
        ids2[i] = i <= 10 ? ids[i] : 0;
    }
    for (int b = 0; b < B; b++)
        sdxl_time_ids(size, size, tids + b * SDXL_TIME_IDS);
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        printf("run %d, %s at %dx%d:\n", r + 1, base ? "SDXL, one CFG step" : "SDXL-Turbo, 1 step", size, size);
        double t0 = now(), c0 = cpu_now(), s0 = now(), k0 = cpu_now();
        if (sdxl_encode(&te, &a, NULL, ids, ids2, 49407, h1, h2, pooled + (B - 1) * te.c2.proj, &err) != LONGSD_OK)
            return fprintf(stderr, "bench: %s\n", err.msg), 1;
        sdxl_concat(h1, 768, h2, 1280, 77, ctx + (size_t)(B - 1) * 77 * D); /* the negative: zeros */
        stage("text encoders (CLIP-L + bigG)", s0, k0);
        sdsched sc;
        if (sdsched_init_cfg(&sc, &scfg, base ? SDS_EULER : SDS_EULER_A, 0, base ? 30 : 1, &err) != LONGSD_OK)
            return fprintf(stderr, "bench: %s\n", err.msg), 1;
        sdrng_normal(42, 0, x, n);
        for (size_t k = 0; k < n; k++)
            xin[k] = (x[k] *= sc.init_sigma) * sdsched_input_scale(&sc, 0);
        if (B == 2)
            memcpy(xin + n, xin, n * sizeof *xin);
        sdunet_extra ex = {.text_embeds = pooled, .time_ids = tids};
        s0 = now(), k0 = cpu_now();
        if (sdunet_forward_ex(&uc, uf, "", &a, xin, B, h, h, sc.timesteps[0], &ex, ctx, 77, eps, NULL, &err) !=
            LONGSD_OK)
            return fprintf(stderr, "bench: %s\n", err.msg), 1;
        stage(base ? "UNet, 1 step with CFG (batch 2)" : "UNet, 1 step, no CFG", s0, k0);
        if (!base) {
            sdrng_normal(42, 1, noise, n);
            if (sdsched_step(&sc, 0, eps, x, n, noise, &err) != LONGSD_OK)
                return fprintf(stderr, "bench: %s\n", err.msg), 1;
            s0 = now(), k0 = cpu_now();
            if (sdtaesd_decode(taesd, &a, x, h, h, img, NULL, &err) != LONGSD_OK)
                return fprintf(stderr, "bench: %s\n", err.msg), 1;
            stage("TAESD decode", s0, k0);
        }
        sdsched_free(&sc);
        double dt = now() - t0;
        printf("  %s: %.2f s wall, %.2f s cpu\n", base ? "text + one step" : "one image", dt, cpu_now() - c0);
        best = dt < best ? dt : best;
    }
    printf("best of %d: %.2f s at %dx%d; activation arena peak %.0f MB; peak RSS %.0f MB\n", reps, best, size, size,
           a.peak / 1e6, peak_rss_mb());
    const char *sb = getenv("SDCPP_BIN"), *sm = getenv("SDCPP_MODEL"), *st = getenv("SDCPP_TAESD");
    if (sb && sm && (base || st)) {
        char cmd[4096], tae[1200] = "";
        if (!base)
            snprintf(tae, sizeof tae, "--taesd '%s'", st);
        snprintf(cmd, sizeof cmd,
                 "'%s' -m '%s' %s -p 'a lighthouse' --steps 1 --cfg-scale %s -W %d -H %d -t %d -o "
                 "/tmp/bench_sdxl_sdcpp.png >/dev/null 2>&1",
                 sb, sm, tae, base ? "5" : "1", size, size, openblas_get_num_threads());
        double t0 = now();
        int rc = system(cmd);
        printf("stable-diffusion.cpp (%s): %.2f s for the same work (it decodes too), exit %d\n", sb, now() - t0,
               rc);
    } else {
        printf("stable-diffusion.cpp: not run (set SDCPP_BIN, SDCPP_MODEL, SDCPP_TAESD; see the file's header)\n");
    }
    sdtaesd_close(taesd);
    sdst_close(f1), sdst_close(f2), sdst_close(uf);
    free(i1), free(i2), free(ui), free(ti);
    free(ctx), free(h1), free(h2), free(pooled), free(x), free(xin), free(eps), free(noise), free(img);
    sdarena_free(&a);
    return 0;
}
