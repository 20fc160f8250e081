/* test_engine_img2img.c - img2img (issue 12 item 6) against diffusers'
 * StableDiffusionImg2ImgPipeline (tests/engine/make_img2img_fixtures.py),
 * stage by stage: the AutoencoderKL encoder's mean and log-variance, the
 * posterior sample scaled into the UNet's space, add_noise at the first
 * kept step of each scheduler, and whole runs at strength 0.6 (and 1.0)
 * on torch's CPU generator, which the engine's --rng cpu reproduces, so
 * nothing is passed in but the picture and the seed. Also the resize and
 * crop of an init picture of another size, TAESD as the encoder, and the
 * errors of bad strengths and sizes. Tolerance 1e-4 of the largest
 * reference value (the bar). */
#include <jansson.h>
#include <math.h>
#include <unistd.h>

#include "compvis.h"
#include "image_fit.h"
#include "nets.h"
#include "rng.h"
#include "safetensors.h"
#include "sampler.h"
#include "sd.h"
#include "t.h"
#include "t_engine.h"

#define TOL 1e-4
#define REF "tests/engine/ref_img2img.safetensors"
#define VAE "tests/engine/tiny-sd/vae"
#define H 16
#define W 24
#define NL (4 * (H / 2) * (W / 2))

static float *load(const char *name, size_t *n) { return t_load_tensor(REF, name, n, 0); }

/* The fixture's picture as H x W RGB bytes (it is stored (3, H, W)). */
static void init_rgb(uint8_t *rgb)
{
    size_t n;
    float *im = load("image", &n);
    REQUIRE(n == 3 * H * W);
    for (int k = 0; k < H * W; k++)
        for (int c = 0; c < 3; c++)
            rgb[3 * k + c] = (uint8_t)im[c * H * W + k];
    free(im);
}

/* The encoder's moments of the fixture's picture, from the tiny VAE's
 * folder file, or from file under prefix. */
static void encode_from(const char *file, const char *prefix, float *mom)
{
    sdvae_cfg cfg;
    sdst_file *f = NULL;
    lserr err = {0};
    REQUIRE(sdvae_cfg_load(VAE "/config.json", &cfg, &err) == LONGSD_OK);
    REQUIRE(sdst_open(file, &f, &err) == LONGSD_OK);
    uint8_t rgb[H * W * 3];
    float img[3 * H * W];
    init_rgb(rgb);
    REQUIRE(sdimg_fit(rgb, W, H, W, H, img) == 0);
    sdarena a;
    sdarena_init(&a, 0);
    if (sdvae_encode(&cfg, f, prefix, &a, img, H, W, mom, NULL, &err) != LONGSD_OK)
        fprintf(stderr, "  %s\n", err.msg);
    CHECK(err.code == LONGSD_OK);
    sdarena_free(&a);
    sdst_close(f);
}

static void encode(float *mom)
{
    encode_from(VAE "/diffusion_pytorch_model.safetensors", "", mom);
}

TEST(vae_encoder_matches_diffusers)
{
    float mom[2 * NL];
    encode(mom);
    size_t n1, n2;
    float *mean = load("enc.mean", &n1), *lv = load("enc.logvar", &n2);
    REQUIRE(n1 == NL && n2 == NL);
    double e1 = rel_err(mom, mean, NL), e2 = rel_err(mom + NL, lv, NL);
    printf("  encoder mean max rel err %.2e, logvar %.2e\n", e1, e2);
    CHECK(e1 < TOL);
    CHECK(e2 < TOL);
    free(mean);
    free(lv);
}

/* A single-file checkpoint holding the encoder alone under CompVis names
 * (tests/engine/compvis_vae_encoder.json, checked by diffusers' converter)
 * encodes exactly as the folder does. */
TEST(vae_encoder_reads_compvis_names)
{
    json_error_t je;
    json_t *rows = json_load_file("tests/engine/compvis_vae_encoder.json", 0, &je);
    REQUIRE(rows && json_array_size(rows) > 40);
    sdst_file *f = NULL;
    lserr err = {0};
    REQUIRE(sdst_open(VAE "/diffusion_pytorch_model.safetensors", &f, &err) == LONGSD_OK);
    char path[] = "/tmp/longsd-i2i-cv-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    json_t *hdr = json_object(), *row;
    size_t i, off = 0;
    char name[256];
    json_array_foreach(rows, i, row)
    {
        const sdst_tensor *t = sdst_find(f, json_string_value(json_object_get(row, "diffusers")));
        REQUIRE(t);
        size_t nb = (size_t)(t->end - t->begin);
        snprintf(name, sizeof name, "%s%s", SDCV_VAE_PREFIX, json_string_value(json_object_get(row, "compvis")));
        json_object_set_new(hdr, name,
                            json_pack("{s:s, s:O, s:[I, I]}", "dtype", sdst_dtype_name(t->dtype), "shape",
                                      json_object_get(row, "shape"), "data_offsets", (json_int_t)off,
                                      (json_int_t)(off + nb)));
        off += nb;
    }
    char *h = json_dumps(hdr, JSON_COMPACT);
    REQUIRE(h);
    size_t hl = strlen(h), hp = (hl + 7) / 8 * 8;
    FILE *out = fopen(path, "wb");
    REQUIRE(out);
    for (int b = 0; b < 8; b++)
        fputc((int)(((uint64_t)hp >> (8 * b)) & 0xff), out);
    fwrite(h, 1, hl, out);
    for (size_t b = hl; b < hp; b++)
        fputc(' ', out);
    json_array_foreach(rows, i, row)
    {
        const sdst_tensor *t = sdst_find(f, json_string_value(json_object_get(row, "diffusers")));
        fwrite(t->data, 1, (size_t)(t->end - t->begin), out);
    }
    fclose(out);
    free(h);
    json_decref(hdr);
    json_decref(rows);
    sdst_close(f);
    float a[2 * NL], b[2 * NL];
    encode(a);
    encode_from(path, SDCV_VAE_PREFIX, b);
    CHECK(memcmp(a, b, sizeof a) == 0);
    unlink(path);
}

static const struct {
    const char *tag;
    longsd_sampler smp;
    double strength;
} runs[] = {{"ea", LONGSD_SAMPLER_EULER_A, 0.6},
            {"euler", LONGSD_SAMPLER_EULER, 0.6},
            {"ddim", LONGSD_SAMPLER_DDIM, 0.6},
            {"dpm", LONGSD_SAMPLER_DPMPP_2M, 0.6},
            {"ea_s1", LONGSD_SAMPLER_EULER_A, 1.0}};

TEST(posterior_sample_and_add_noise_match)
{
    float mom[2 * NL];
    encode(mom);
    char name[64];
    for (size_t r = 0; r < sizeof runs / sizeof *runs; r++) {
        size_t nd, ni, nn;
        snprintf(name, sizeof name, "%s.draws", runs[r].tag);
        float *draws = load(name, &nd);
        snprintf(name, sizeof name, "%s.init", runs[r].tag);
        float *init = load(name, &ni);
        snprintf(name, sizeof name, "%s.noised", runs[r].tag);
        float *noised = load(name, &nn);
        REQUIRE(ni == NL && nn == NL && nd >= 2 * NL);
        /* the engine's torch CPU generator gives diffusers' draws exactly */
        sdrng g;
        sdrng_init(&g, SDRNG_CPU, 1234);
        float d[NL];
        for (size_t k = 0; k < nd / NL; k++) {
            sdrng_draw(&g, d, NL);
            CHECK(memcmp(d, draws + k * NL, sizeof d) == 0);
        }
        /* x0 = (mean + exp(logvar / 2) eps) * scaling_factor */
        float x0[NL], x[NL];
        for (int k = 0; k < NL; k++)
            x0[k] = (float)((mom[k] + exp(0.5 * mom[NL + k]) * draws[k]) * 0.18215);
        double e1 = rel_err(x0, init, NL);
        sdsched s;
        lserr err = {0};
        REQUIRE(sdsched_init(&s, (sds_kind)runs[r].smp, 0, 5, &err) == LONGSD_OK);
        int t_start = 5 - (int)(5 * runs[r].strength);
        sdsched_add_noise(&s, t_start, init, draws + NL, x, NL);
        double e2 = rel_err(x, noised, NL);
        printf("  %-6s posterior sample max rel err %.2e, noised %.2e (t_start %d)\n", runs[r].tag, e1, e2, t_start);
        CHECK(e1 < TOL);
        CHECK(e2 < TOL);
        sdsched_free(&s);
        free(draws);
        free(init);
        free(noised);
    }
}

static longsd_sd_params i2i_params(const uint8_t *rgb)
{
    longsd_sd_params p = longsd_sd_default_params();
    p.prompt = "a photo of an astronaut riding a horse on mars";
    p.negative_prompt = "blurry, ugly";
    p.plain_prompt = 1;
    p.width = W;
    p.height = H;
    p.steps = 5;
    p.cfg_scale = 7.5f;
    p.seed = 1234;
    p.rng = LONGSD_RNG_CPU;
    p.init_image = rgb;
    p.init_width = W;
    p.init_height = H;
    p.strength = 0.6;
    return p;
}

TEST(img2img_matches_diffusers)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, "tests/engine/tiny-sd") == LONGSD_OK);
    uint8_t rgb[H * W * 3];
    init_rgb(rgb);
    char name[64];
    for (size_t r = 0; r < sizeof runs / sizeof *runs; r++) {
        longsd_sd_params p = i2i_params(rgb);
        p.sampler = runs[r].smp;
        p.strength = runs[r].strength;
        snprintf(name, sizeof name, "%s.latents", runs[r].tag);
        size_t n;
        float *ref = load(name, &n), lat[NL];
        REQUIRE(n == NL);
        if (longsd_sd_generate(sd, &p, lat, NULL) != LONGSD_OK)
            fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
        double e = rel_err(lat, ref, n);
        printf("  %-6s strength %.1f final latents max rel err %.2e\n", runs[r].tag, runs[r].strength, e);
        CHECK(e < TOL);
        free(ref);
    }
    longsd_sd_free(sd);
}

static int n_progress, last_total;
static void on_progress(void *u, int step, int steps)
{
    (void)u;
    n_progress++;
    last_total = steps;
    CHECK(step == n_progress);
}

TEST(img2img_runs_the_kept_steps_and_differs_from_txt2img)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, "tests/engine/tiny-sd") == LONGSD_OK);
    uint8_t rgb[H * W * 3];
    init_rgb(rgb);
    longsd_sd_params p = i2i_params(rgb);
    p.steps = 10;
    p.strength = 0.35; /* int(3.5) = 3 steps */
    p.progress = on_progress;
    float a[NL], b[NL];
    REQUIRE(longsd_sd_generate(sd, &p, a, NULL) == LONGSD_OK);
    CHECK_INT(n_progress, 3);
    CHECK_INT(last_total, 3);
    p.progress = NULL;
    p.init_image = NULL;
    REQUIRE(longsd_sd_generate(sd, &p, b, NULL) == LONGSD_OK);
    CHECK(rel_err(a, b, NL) > 0.05);
    /* another picture, another result */
    for (int k = 0; k < H * W * 3; k++)
        rgb[k] = (uint8_t)(255 - rgb[k]);
    p.init_image = rgb;
    REQUIRE(longsd_sd_generate(sd, &p, b, NULL) == LONGSD_OK);
    CHECK(rel_err(a, b, NL) > 0.05);
    longsd_sd_free(sd);
}

/* A LoRA of the UNet alone (kohya.safetensors' lora_unet_* tensors) into
 * path: img2img must apply it after the encoder ran without it. */
static void write_unet_lora(const char *path)
{
    sdst_file *f = NULL;
    lserr err = {0};
    REQUIRE(sdst_open("tests/engine/lora/kohya.safetensors", &f, &err) == LONGSD_OK);
    json_t *hdr = json_object();
    size_t off = 0, n = 0;
    for (size_t i = 0; i < sdst_count(f); i++) {
        const sdst_tensor *t = sdst_at(f, i);
        if (strncmp(t->name, "lora_unet_", 10) != 0)
            continue;
        json_t *shape = json_array();
        for (int d = 0; d < t->ndim; d++)
            json_array_append_new(shape, json_integer((json_int_t)t->shape[d]));
        size_t nb = (size_t)(t->end - t->begin);
        json_object_set_new(hdr, t->name,
                            json_pack("{s:s, s:o, s:[I, I]}", "dtype", sdst_dtype_name(t->dtype), "shape", shape,
                                      "data_offsets", (json_int_t)off, (json_int_t)(off + nb)));
        off += nb;
        n++;
    }
    REQUIRE(n > 4);
    char *h = json_dumps(hdr, JSON_COMPACT);
    REQUIRE(h);
    size_t hl = strlen(h), hp = (hl + 7) / 8 * 8;
    FILE *out = fopen(path, "wb");
    REQUIRE(out);
    for (int b = 0; b < 8; b++)
        fputc((int)(((uint64_t)hp >> (8 * b)) & 0xff), out);
    fwrite(h, 1, hl, out);
    for (size_t b = hl; b < hp; b++)
        fputc(' ', out);
    for (size_t i = 0; i < sdst_count(f); i++) {
        const sdst_tensor *t = sdst_at(f, i);
        if (strncmp(t->name, "lora_unet_", 10) == 0)
            fwrite(t->data, 1, (size_t)(t->end - t->begin), out);
    }
    fclose(out);
    free(h);
    json_decref(hdr);
    sdst_close(f);
}

TEST(img2img_applies_a_unet_lora_after_encoding)
{
    char path[] = "/tmp/longsd-i2i-lora-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    write_unet_lora(path);
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, "tests/engine/tiny-sd") == LONGSD_OK);
    uint8_t rgb[H * W * 3];
    init_rgb(rgb);
    longsd_sd_params p = i2i_params(rgb);
    float a[NL], b[NL];
    REQUIRE(longsd_sd_generate(sd, &p, a, NULL) == LONGSD_OK);
    longsd_sd_lora l = {path, 1.0f};
    p.loras = &l;
    p.n_loras = 1;
    if (longsd_sd_generate(sd, &p, b, NULL) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    double e = rel_err(b, a, NL);
    printf("  UNet-only LoRA changes the img2img latents by %.2e\n", e);
    CHECK(e > 1e-3);
    longsd_sd_free(sd);
    unlink(path);
}

TEST(img2img_with_taesd_encodes_with_taesd)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, "tests/engine/tiny-sd") == LONGSD_OK);
    uint8_t rgb[H * W * 3];
    init_rgb(rgb);
    longsd_sd_params p = i2i_params(rgb);
    p.sampler = LONGSD_SAMPLER_EULER;
    float kl[NL], ta[NL], ta2[NL];
    REQUIRE(longsd_sd_generate(sd, &p, kl, NULL) == LONGSD_OK);
    REQUIRE(longsd_sd_set_taesd(sd, "tests/engine/tiny-taesd") == LONGSD_OK);
    uint8_t out[H * W * 3];
    if (longsd_sd_generate(sd, &p, ta, out) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    CHECK(rel_err(ta, kl, NL) > 0.01);
    /* TAESD draws no posterior sample: its noise is the generator's first
     * draw, so init_noise = that draw changes nothing */
    sdrng g;
    float nz[NL];
    sdrng_init(&g, SDRNG_CPU, 1234);
    sdrng_draw(&g, nz, NL);
    p.init_noise = nz;
    REQUIRE(longsd_sd_generate(sd, &p, ta2, NULL) == LONGSD_OK);
    CHECK(memcmp(ta, ta2, sizeof ta) == 0);
    longsd_sd_free(sd);
}

TEST(fit_scales_to_cover_and_crops_the_centre)
{
    /* 40x20: left half black, right half white; into 16x16 the scale is
     * 0.8 (height), 32x16, 8 columns cropped on each side */
    enum { SW = 40, SH = 20, D = 16 };
    uint8_t src[SW * SH * 3];
    for (int y = 0; y < SH; y++)
        for (int x = 0; x < SW; x++)
            memset(src + (y * SW + x) * 3, x < SW / 2 ? 0 : 255, 3);
    float out[3 * D * D];
    REQUIRE(sdimg_fit(src, SW, SH, D, D, out) == 0);
    CHECK(fabsf(out[0] + 1.0f) < 1e-6f);                  /* top left: black */
    CHECK(fabsf(out[D - 1] - 1.0f) < 1e-6f);              /* top right: white */
    CHECK(fabsf(out[2 * D * D + D * D - 1] - 1.0f) < 1e-6f); /* blue, bottom right */
    for (int x = 0; x < D; x++) /* symmetric around the centre */
        CHECK(fabsf(out[5 * D + x] + out[5 * D + D - 1 - x]) < 1e-5f);
    /* a flat picture stays flat at any scale */
    uint8_t flat[7 * 5 * 3];
    memset(flat, 200, sizeof flat);
    float o2[3 * 24 * 32];
    REQUIRE(sdimg_fit(flat, 7, 5, 32, 24, o2) == 0);
    for (int k = 0; k < 3 * 24 * 32; k++)
        CHECK(fabsf(o2[k] - (2.0f * 200 / 255 - 1)) < 1e-5f);
    /* same size is exact: 2 (b / 255) - 1 */
    uint8_t one[3] = {0, 128, 255};
    float o3[3];
    REQUIRE(sdimg_fit(one, 1, 1, 1, 1, o3) == 0);
    CHECK(o3[0] == -1.0f && o3[1] == 2.0f * (128.0f / 255.0f) - 1.0f && o3[2] == 1.0f);
}

TEST(img2img_of_another_size_is_fitted)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, "tests/engine/tiny-sd") == LONGSD_OK);
    uint8_t big[33 * 50 * 3];
    for (int k = 0; k < 33 * 50 * 3; k++)
        big[k] = (uint8_t)(k * 7 % 251);
    longsd_sd_params p = i2i_params(big);
    p.init_width = 50;
    p.init_height = 33;
    float a[NL], b[NL];
    longsd_status rc = longsd_sd_generate(sd, &p, a, NULL);
    if (rc != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    CHECK(rc == LONGSD_OK);
    /* the same picture cut to 24x16 first gives nearly the same start */
    uint8_t cut[H * W * 3];
    float fit[3 * H * W];
    REQUIRE(sdimg_fit(big, 50, 33, W, H, fit) == 0);
    for (int k = 0; k < H * W; k++)
        for (int c = 0; c < 3; c++)
            cut[3 * k + c] = (uint8_t)lrintf((fit[c * H * W + k] + 1.0f) * 127.5f);
    p.init_image = cut;
    p.init_width = W;
    p.init_height = H;
    REQUIRE(longsd_sd_generate(sd, &p, b, NULL) == LONGSD_OK);
    double e = rel_err(a, b, NL);
    printf("  fitted in the engine vs fitted first: max rel diff %.2e\n", e);
    CHECK(e < 0.05);
    longsd_sd_free(sd);
}

TEST(bad_strengths_and_sizes_are_refused)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, "tests/engine/tiny-sd") == LONGSD_OK);
    uint8_t rgb[H * W * 3];
    init_rgb(rgb);
    static const double bad[] = {0.0, -0.5, 1.0001, 2.0, NAN};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        longsd_sd_params p = i2i_params(rgb);
        p.strength = bad[i];
        CHECK(longsd_sd_generate(sd, &p, NULL, NULL) == LONGSD_ERR_PARAM);
        CHECK_CONTAINS(longsd_sd_errmsg(sd), "(0, 1]");
    }
    longsd_sd_params p = i2i_params(rgb);
    p.steps = 3;
    p.strength = 0.3; /* int(0.9) = 0 steps */
    CHECK(longsd_sd_generate(sd, &p, NULL, NULL) == LONGSD_ERR_PARAM);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "runs no step");
    p = i2i_params(rgb);
    p.init_width = 0;
    CHECK(longsd_sd_generate(sd, &p, NULL, NULL) == LONGSD_ERR_PARAM);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "init image 0x16");
    /* strength is not looked at without an init image */
    p = i2i_params(NULL);
    p.strength = 7;
    CHECK(longsd_sd_generate(sd, &p, NULL, NULL) == LONGSD_OK);
    longsd_sd_free(sd);
}

TEST(allocation_failures)
{
    uint8_t rgb[H * W * 3];
    init_rgb(rgb);
    longsd_sd_params p = i2i_params(rgb);
    p.steps = 2;
    p.strength = 1.0;
    int ok = 0, nomem = 0;
    for (long k = 0; k < 3000 && ok < 3; k++) {
        longsd_sd *sd = longsd_sd_new();
        REQUIRE(sd && longsd_sd_load(sd, "tests/engine/tiny-sd") == LONGSD_OK);
        longsd__alloc_fail_after = k;
        uint8_t out[H * W * 3];
        longsd_status rc = longsd_sd_generate(sd, &p, NULL, out);
        longsd__alloc_fail_after = -1;
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_NOMEM);
        ok += rc == LONGSD_OK;
        nomem += rc != LONGSD_OK;
        longsd_sd_free(sd);
    }
    printf("  %d runs failed cleanly, %d succeeded\n", nomem, ok);
    CHECK(ok > 0 && nomem > 0);
}

RUN_TESTS(vae_encoder_matches_diffusers, vae_encoder_reads_compvis_names, posterior_sample_and_add_noise_match, img2img_matches_diffusers,
          img2img_runs_the_kept_steps_and_differs_from_txt2img, img2img_applies_a_unet_lora_after_encoding,
          img2img_with_taesd_encodes_with_taesd,
          fit_scales_to_cover_and_crops_the_centre, img2img_of_another_size_is_fitted,
          bad_strengths_and_sizes_are_refused, allocation_failures)
