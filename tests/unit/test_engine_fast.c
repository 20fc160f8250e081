/* test_engine_fast.c - the fast CPU path of issue 12 against diffusers
 * (tests/engine/make_fast_fixtures.py): TAESD encode/decode in both file
 * layouts, SD-Turbo's trailing-timestep sampling without CFG, the LCM
 * scheduler with an LCM UNet's guidance embedding and on a plain UNet with
 * CFG, TAESD as the pipeline's decoder, and the errors of malformed TAESD
 * files. Models are assembled in a temp folder from tiny-sd's parts plus a
 * scheduler_config.json, as a real SD-Turbo or LCM folder is laid out.
 * Tolerance 1e-4 of the largest reference value (the bar). */
#include <math.h>
#include <sys/stat.h>

#include "safetensors.h"
#include "sampler.h"
#include "sd.h"
#include "t.h"
#include "t_engine.h"
#include "taesd.h"

#define TOL 1e-4
#define REF_T "tests/engine/ref_taesd.safetensors"
#define REF_F "tests/engine/ref_fast.safetensors"

static float *load(const char *file, const char *name, size_t *n) { return t_load_tensor(file, name, n, 1); }

static void check_taesd(const char *path, const char *tag, int factor)
{
    sdtaesd *t = NULL;
    lserr err = {0};
    if (sdtaesd_open(path, &t, &err) != LONGSD_OK)
        fprintf(stderr, "  %s\n", err.msg);
    REQUIRE(t);
    CHECK_INT(sdtaesd_factor(t), factor);
    REQUIRE(sdtaesd_has_encoder(t));
    char name[64];
    size_t ni, nl, ne, nd;
    float *img = load(REF_T, "taesd.image", &ni);
    snprintf(name, sizeof name, "taesd.%s.latents", tag);
    float *lat = load(REF_T, name, &nl);
    snprintf(name, sizeof name, "taesd.%s.encoded", tag);
    float *enc = load(REF_T, name, &ne);
    snprintf(name, sizeof name, "taesd.%s.decoded", tag);
    float *dec = load(REF_T, name, &nd);
    REQUIRE(img && lat && enc && dec && ni == 3 * 16 * 24 && nd == ni);
    REQUIRE(ne == (size_t)4 * (16 / factor) * (24 / factor) && nl == ne);
    sdarena a;
    sdarena_init(&a, 0);
    float *z = malloc(ne * sizeof *z), *im = malloc(nd * sizeof *im);
    REQUIRE(z && im);
    if (sdtaesd_encode(t, &a, img, 16, 24, z, NULL, &err) != LONGSD_OK)
        fprintf(stderr, "  %s\n", err.msg);
    double e1 = rel_err(z, enc, ne);
    REQUIRE(sdtaesd_decode(t, &a, lat, 16 / factor, 24 / factor, im, NULL, &err) == LONGSD_OK);
    double e2 = rel_err(im, dec, nd);
    printf("  %-40s encode %.2e decode %.2e\n", path, e1, e2);
    CHECK(e1 < TOL);
    CHECK(e2 < TOL);
    /* a size the encoder cannot halve is refused, not read past */
    CHECK_INT(sdtaesd_encode(t, &a, img, 15, 24, z, NULL, &err), LONGSD_ERR_PARAM);
    sdarena_free(&a);
    sdtaesd_close(t);
    free(img);
    free(lat);
    free(enc);
    free(dec);
    free(z);
    free(im);
}

TEST(taesd_matches_diffusers)
{
    check_taesd("tests/engine/tiny-taesd", "diffusers", 2);
    check_taesd("tests/engine/tiny-taesd-orig", "orig", 8);
    check_taesd("tests/engine/tiny-taesd-orig/taesd_decoder.safetensors", "orig", 8);
}

/* A safetensors file of F32 tensors given as (name, ndim, shape...). */
static void write_st(const char *path, int n, const char *const *names, const int (*shapes)[5])
{
    char hdr[4096];
    size_t o = 0, off = 0;
    o += (size_t)snprintf(hdr + o, sizeof hdr - o, "{");
    for (int i = 0; i < n; i++) {
        size_t numel = 1;
        o += (size_t)snprintf(hdr + o, sizeof hdr - o, "%s\"%s\":{\"dtype\":\"F32\",\"shape\":[", i ? "," : "", names[i]);
        for (int d = 0; d < shapes[i][0]; d++) {
            o += (size_t)snprintf(hdr + o, sizeof hdr - o, "%s%d", d ? "," : "", shapes[i][1 + d]);
            numel *= (size_t)shapes[i][1 + d];
        }
        o += (size_t)snprintf(hdr + o, sizeof hdr - o, "],\"data_offsets\":[%zu,%zu]}", off, off + 4 * numel);
        off += 4 * numel;
    }
    o += (size_t)snprintf(hdr + o, sizeof hdr - o, "}");
    FILE *f = fopen(path, "wb");
    REQUIRE(f);
    uint64_t len = o;
    fwrite(&len, 8, 1, f);
    fwrite(hdr, 1, o, f);
    for (size_t i = 0; i < off; i++)
        fputc(0, f);
    fclose(f);
}

TEST(taesd_malformed_files)
{
    const char *dir = t_tmpdir(); char path[512], msg[512];
    sdtaesd *t = NULL;
    lserr err = {0};
    /* the first conv is there, the first block is not */
    snprintf(path, sizeof path, "%s/taesd_decoder.safetensors", dir);
    const char *n1[] = {"1.bias", "1.weight"};
    const int s1[][5] = {{1, 8}, {4, 8, 4, 3, 3}};
    write_st(path, 2, n1, s1);
    CHECK_INT(sdtaesd_open(dir, &t, &err), LONGSD_ERR_MODEL);
    CHECK(t == NULL);
    CHECK_CONTAINS(err.msg, path);
    CHECK_CONTAINS(err.msg, "3.conv.0.weight");
    /* a misshapen tensor is named with both shapes */
    const int s2[][5] = {{1, 7}, {4, 8, 4, 3, 3}};
    write_st(path, 2, n1, s2);
    CHECK_INT(sdtaesd_open(path, &t, &err), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(err.msg, "1.bias");
    /* an encoder given for the decoder */
    snprintf(path, sizeof path, "%s/enc.safetensors", dir);
    const char *n3[] = {"0.weight"};
    const int s3[][5] = {{4, 8, 3, 3, 3}};
    write_st(path, 1, n3, s3);
    CHECK_INT(sdtaesd_open(path, &t, &err), LONGSD_ERR_PARAM);
    CHECK_CONTAINS(err.msg, "encoder");
    /* a folder with neither layout */
    snprintf(path, sizeof path, "%s/empty", dir);
    REQUIRE(mkdir(path, 0700) == 0);
    CHECK_INT(sdtaesd_open(path, &t, &err), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(err.msg, "no TAESD here");
    /* a config.json the engine cannot follow names the file and what */
    snprintf(path, sizeof path, "%s/empty/config.json", dir);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs("{\"_class_name\": \"AutoencoderTiny\", \"act_fn\": \"silu\"}", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/empty", dir);
    CHECK_INT(sdtaesd_open(path, &t, &err), LONGSD_ERR_UNSUPPORTED);
    snprintf(msg, sizeof msg, "%s/empty/config.json", dir);
    CHECK_CONTAINS(err.msg, msg);
    CHECK_CONTAINS(err.msg, "act_fn");
    f = fopen(msg, "w");
    REQUIRE(f);
    fputs("{\"_class_name\": \"AutoencoderKL\"}", f);
    fclose(f);
    CHECK_INT(sdtaesd_open(path, &t, &err), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(err.msg, "AutoencoderKL");
    /* a missing path */
    CHECK(sdtaesd_open("/nonexistent/taesd_decoder.safetensors", &t, &err) != LONGSD_OK);
    CHECK_CONTAINS(err.msg, "/nonexistent/taesd_decoder.safetensors");
    sdtaesd_close(NULL);
}

/* dir/{tokenizer,text_encoder,vae} from tiny-sd, unet from unet_from,
 * scheduler/scheduler_config.json = sched. */
static void assemble(const char *dir, const char *unet_from, const char *sched)
{
    char cwd[512], a[1100], b[1100];
    REQUIRE(getcwd(cwd, sizeof cwd));
    static const char *const parts[] = {"tokenizer", "text_encoder", "vae", "model_index.json"};
    for (int i = 0; i < 4; i++) {
        snprintf(a, sizeof a, "%s/tests/engine/tiny-sd/%s", cwd, parts[i]);
        snprintf(b, sizeof b, "%s/%s", dir, parts[i]);
        REQUIRE(symlink(a, b) == 0);
    }
    snprintf(a, sizeof a, "%s/%s", cwd, unet_from);
    snprintf(b, sizeof b, "%s/unet", dir);
    REQUIRE(symlink(a, b) == 0);
    snprintf(b, sizeof b, "%s/scheduler", dir);
    REQUIRE(mkdir(b, 0700) == 0);
    snprintf(b, sizeof b, "%s/scheduler/scheduler_config.json", dir);
    FILE *f = fopen(b, "w");
    REQUIRE(f);
    fputs(sched, f);
    fclose(f);
}

#define SD15 "\"beta_start\": 0.00085, \"beta_end\": 0.012, \"beta_schedule\": \"scaled_linear\", " \
             "\"num_train_timesteps\": 1000, \"steps_offset\": 1, \"set_alpha_to_one\": false"

static void run_case(longsd_sd *sd, const char *tag, longsd_sampler smp, int steps, float cfg, int with_negative)
{
    char name[64];
    float *xT = load(REF_F, "x_T", NULL);
    REQUIRE(xT);
    longsd_sd_params p = longsd_sd_default_params();
    p.prompt = "a photo of an astronaut riding a horse on mars";
    p.negative_prompt = with_negative ? "blurry, ugly" : "";
    p.width = 24;
    p.height = 16;
    p.steps = steps;
    p.cfg_scale = cfg;
    p.sampler = smp;
    p.init_noise = xT;
    snprintf(name, sizeof name, "%s.noise", tag);
    float *nz = load(REF_F, name, NULL);
    p.step_noise = nz;
    snprintf(name, sizeof name, "%s.latents", tag);
    size_t n;
    float *ref = load(REF_F, name, &n);
    REQUIRE(ref && n == 4 * 8 * 12);
    float lat[4 * 8 * 12];
    if (longsd_sd_generate(sd, &p, lat, NULL) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    double e = rel_err(lat, ref, n);
    printf("  %-12s final latents max rel err %.2e\n", tag, e);
    CHECK(e < TOL);
    free(ref);
    free(nz);
    free(xT);
}

static void check_timesteps(const sdsched_cfg *c, sds_kind k, int steps, const char *tag)
{
    sdsched s;
    lserr err = {0};
    char name[64];
    size_t n;
    REQUIRE(sdsched_init_cfg(&s, c, k, 0, steps, &err) == LONGSD_OK);
    snprintf(name, sizeof name, "%s.timesteps", tag);
    float *ts = load(REF_F, name, &n);
    REQUIRE(ts && n == (size_t)steps);
    for (int i = 0; i < steps; i++)
        if (ts[i] != s.timesteps[i]) {
            fprintf(stderr, "  %s: timestep %d is %g, expected %g\n", tag, i, s.timesteps[i], ts[i]);
            CHECK(0);
        }
    free(ts);
    sdsched_free(&s);
}

TEST(turbo_trailing_matches_diffusers)
{
    const char *dir = t_tmpdir();
    assemble(dir, "tests/engine/tiny-sd/unet", "{" SD15 ", \"timestep_spacing\": \"trailing\"}");
    char sched[600];
    snprintf(sched, sizeof sched, "%s/scheduler/scheduler_config.json", dir);
    sdsched_cfg c;
    lserr err = {0};
    REQUIRE(sdsched_cfg_load(sched, &c, &err) == LONGSD_OK);
    CHECK_INT(c.spacing, SDS_TRAILING);
    check_timesteps(&c, SDS_EULER_A, 1, "turbo_ea1");
    check_timesteps(&c, SDS_EULER_A, 4, "turbo_ea4");
    check_timesteps(&c, SDS_EULER, 2, "turbo_e2");
    check_timesteps(&c, SDS_DDIM, 2, "turbo_ddim2");
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    if (longsd_sd_load(sd, dir) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    /* cfg 0 as SD-Turbo runs: the negative prompt is never encoded */
    run_case(sd, "turbo_ea1", LONGSD_SAMPLER_EULER_A, 1, 0.0f, 1);
    run_case(sd, "turbo_ea4", LONGSD_SAMPLER_EULER_A, 4, 0.0f, 1);
    run_case(sd, "turbo_e2", LONGSD_SAMPLER_EULER, 2, 1.0f, 1);
    run_case(sd, "turbo_ddim2", LONGSD_SAMPLER_DDIM, 2, 0.0f, 0);
    longsd_sd_free(sd);
}

TEST(single_file_one_step_starts_at_999)
{
    /* a single file has no scheduler config: A1111 and stable-diffusion.cpp
     * lay Euler's steps as linspace(999, 0, n), which at one step is 999;
     * diffusers' linspace puts that one step at 0, where a Turbo model
     * would denoise nothing. From two steps on both agree. */
    sdsched_cfg c = sdsched_sd15_cfg();
    sdsched s;
    lserr err = {0};
    REQUIRE(sdsched_init_cfg(&s, &c, SDS_EULER_A, 0, 1, &err) == LONGSD_OK);
    CHECK(s.timesteps[0] == 0.0f);
    c.a1111 = 1;
    REQUIRE(sdsched_init_cfg(&s, &c, SDS_EULER_A, 0, 1, &err) == LONGSD_OK);
    CHECK(s.timesteps[0] == 999.0f);
    float first = s.sigmas[0];
    for (int steps = 2; steps <= 20; steps += 18) {
        sdsched d, a;
        sdsched_cfg dc = sdsched_sd15_cfg();
        REQUIRE(sdsched_init_cfg(&d, &dc, SDS_EULER, 0, steps, &err) == LONGSD_OK);
        REQUIRE(sdsched_init_cfg(&a, &c, SDS_EULER, 0, steps, &err) == LONGSD_OK);
        CHECK(memcmp(d.timesteps, a.timesteps, (size_t)steps * sizeof *d.timesteps) == 0);
        CHECK(memcmp(d.sigmas, a.sigmas, (size_t)(steps + 1) * sizeof *d.sigmas) == 0);
        CHECK(a.sigmas[0] == first); /* the one step starts from the same noise level */
    }
}

TEST(lcm_matches_diffusers)
{
    const char *dir = t_tmpdir(); char d1[600], d2[600];
    snprintf(d1, sizeof d1, "%s/lcm", dir);
    snprintf(d2, sizeof d2, "%s/lcm_sd", dir);
    REQUIRE(mkdir(d1, 0700) == 0 && mkdir(d2, 0700) == 0);
    assemble(d1, "tests/engine/tiny-lcm-unet",
             "{" SD15 ", \"original_inference_steps\": 50, \"timestep_scaling\": 10.0, \"timestep_spacing\": "
             "\"leading\", \"_class_name\": \"LCMScheduler\"}");
    assemble(d2, "tests/engine/tiny-sd/unet", "{" SD15 "}");
    sdsched_cfg c = sdsched_sd15_cfg();
    check_timesteps(&c, SDS_LCM, 4, "lcm4");
    check_timesteps(&c, SDS_LCM, 3, "lcm_sd3");
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    if (longsd_sd_load(sd, d1) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    /* guidance 8 goes in as an embedding; the negative prompt is unused */
    run_case(sd, "lcm4", LONGSD_SAMPLER_LCM, 4, 8.0f, 1);
    REQUIRE(longsd_sd_load(sd, d2) == LONGSD_OK);
    run_case(sd, "lcm_sd3", LONGSD_SAMPLER_LCM, 3, 1.5f, 1);
    /* LCM draws from the distillation schedule: at most 50 steps */
    longsd_sd_params p = longsd_sd_default_params();
    p.width = 24;
    p.height = 16;
    p.steps = 51;
    p.sampler = LONGSD_SAMPLER_LCM;
    CHECK_INT(longsd_sd_generate(sd, &p, NULL, NULL), LONGSD_ERR_PARAM);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "original_inference_steps");
    longsd_sd_free(sd);
}

TEST(scheduler_config_errors)
{
    const char *dir = t_tmpdir(); char path[600];
    snprintf(path, sizeof path, "%s/s.json", dir);
    static const char *const bad[] = {
        "{\"prediction_type\": \"sample\"}", "{\"beta_schedule\": \"linear\"}",
        "{\"timestep_spacing\": \"sideways\"}",   "{\"num_train_timesteps\": 500}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        FILE *f = fopen(path, "w");
        REQUIRE(f);
        fputs(bad[i], f);
        fclose(f);
        sdsched_cfg c;
        lserr err = {0};
        CHECK_INT(sdsched_cfg_load(path, &c, &err), LONGSD_ERR_UNSUPPORTED);
        CHECK_CONTAINS(err.msg, path);
    }
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs("{\"original_inference_steps\": 0}", f);
    fclose(f);
    sdsched_cfg c;
    lserr err = {0};
    CHECK_INT(sdsched_cfg_load(path, &c, &err), LONGSD_ERR_MODEL);
}

TEST(pipeline_decodes_with_taesd)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    REQUIRE(longsd_sd_load(sd, "tests/engine/tiny-sd") == LONGSD_OK);
    longsd_sd_params p = longsd_sd_default_params();
    p.prompt = "a lighthouse";
    p.width = 24;
    p.height = 16;
    p.steps = 1;
    p.cfg_scale = 0;
    float lat[4 * 8 * 12];
    uint8_t vae_rgb[16 * 24 * 3], rgb[16 * 24 * 3];
    REQUIRE(longsd_sd_generate(sd, &p, lat, vae_rgb) == LONGSD_OK);
    /* a TAESD of another latent scale is refused at generate time */
    REQUIRE(longsd_sd_set_taesd(sd, "tests/engine/tiny-taesd-orig") == LONGSD_OK);
    CHECK_INT(longsd_sd_generate(sd, &p, NULL, rgb), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "TAESD");
    CHECK(longsd_sd_set_taesd(sd, "tests/engine/nope") != LONGSD_OK);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "tests/engine/nope");
    REQUIRE(longsd_sd_set_taesd(sd, "tests/engine/tiny-taesd") == LONGSD_OK);
    REQUIRE(longsd_sd_load(sd, "tests/engine/tiny-sd") == LONGSD_OK); /* kept across loads */
    REQUIRE(longsd_sd_generate(sd, &p, NULL, rgb) == LONGSD_OK);
    /* the image is TAESD's decode of the same latents */
    sdtaesd *t = NULL;
    lserr err = {0};
    REQUIRE(sdtaesd_open("tests/engine/tiny-taesd", &t, &err) == LONGSD_OK);
    sdarena a;
    sdarena_init(&a, 0);
    float img[3 * 16 * 24];
    REQUIRE(sdtaesd_decode(t, &a, lat, 8, 12, img, NULL, &err) == LONGSD_OK);
    int worst = 0, differs = 0;
    for (int k = 0; k < 16 * 24; k++)
        for (int c = 0; c < 3; c++) {
            float v = img[c * 16 * 24 + k] / 2 + 0.5f;
            v = v < 0 ? 0 : v > 1 ? 1 : v;
            int d = abs((int)lrintf(v * 255) - rgb[3 * k + c]);
            worst = d > worst ? d : worst;
            differs += rgb[3 * k + c] != vae_rgb[3 * k + c];
        }
    CHECK(worst == 0);
    CHECK(differs > 0); /* and not the VAE's */
    REQUIRE(longsd_sd_set_taesd(sd, NULL) == LONGSD_OK);
    REQUIRE(longsd_sd_generate(sd, &p, NULL, rgb) == LONGSD_OK);
    CHECK(memcmp(rgb, vae_rgb, sizeof rgb) == 0);
    sdarena_free(&a);
    sdtaesd_close(t);
    longsd_sd_free(sd);
}

TEST(allocation_failures)
{
    longsd_sd_params p = longsd_sd_default_params();
    p.prompt = "a boat";
    p.width = 8;
    p.height = 8;
    p.steps = 2;
    p.cfg_scale = 1.5f;
    p.sampler = LONGSD_SAMPLER_LCM;
    int ok = 0, nomem = 0;
    /* the model loads unhindered; then every allocation of loading TAESD
     * and of an LCM generation decoded by it fails in turn */
    for (long k = 0; k < 3000 && ok < 3; k++) {
        longsd_sd *sd = longsd_sd_new();
        REQUIRE(sd && longsd_sd_load(sd, "tests/engine/tiny-sd") == LONGSD_OK);
        longsd__alloc_fail_after = k;
        longsd_status rc = longsd_sd_set_taesd(sd, "tests/engine/tiny-taesd");
        if (rc == LONGSD_OK) {
            uint8_t rgb[8 * 8 * 3];
            rc = longsd_sd_generate(sd, &p, NULL, rgb);
        }
        longsd__alloc_fail_after = -1;
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_NOMEM || rc == LONGSD_ERR_IO);
        ok += rc == LONGSD_OK;
        nomem += rc != LONGSD_OK;
        longsd_sd_free(sd);
    }
    printf("  %d runs failed cleanly, %d succeeded\n", nomem, ok);
    CHECK(ok > 0 && nomem > 0);
}

RUN_TESTS(taesd_matches_diffusers, taesd_malformed_files, turbo_trailing_matches_diffusers, single_file_one_step_starts_at_999,
          lcm_matches_diffusers,
          scheduler_config_errors, pipeline_decodes_with_taesd, allocation_failures)
