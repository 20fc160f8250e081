/* test_engine_pipeline.c - samplers and the whole txt2img pipeline on the
 * tiny model against diffusers' StableDiffusionPipeline (4 steps, CFG 7.5,
 * x_T and Euler-ancestral noise taken from the fixture, since torch's RNG
 * is not reproduced), plus seeded reproducibility across runs and thread
 * counts, and two generations at once on one model. Tolerance: max|c - ref| / max|ref| < 1e-5 (measured 1.6e-6
 * to 2e-6 on x86-64; the margin is for another BLAS's summation order). */
#include <jansson.h>
#include <math.h>
#include <pthread.h>

#include "safetensors.h"
#include "sampler.h"
#include "sd.h"
#include "t.h"
#include "t_engine.h"

#define TOL 1e-5
#define REF "tests/engine/ref_sched.safetensors"
#define MODEL "tests/engine/tiny-sd"

static float *load(const char *name, size_t *n) { return t_load_tensor(REF, name, n, 1); }

static const struct {
    const char *name;
    sds_kind kind;
    int karras;
} cases[] = {
    {"euler", SDS_EULER, 0}, {"euler_karras", SDS_EULER, 1}, {"euler_a", SDS_EULER_A, 0},
    {"ddim", SDS_DDIM, 0},   {"dpmpp_2m", SDS_DPMPP_2M, 0},  {"dpmpp_2m_karras", SDS_DPMPP_2M, 1},
};

TEST(schedules_match_diffusers)
{
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        sdsched s;
        lserr err = {0};
        REQUIRE(sdsched_init(&s, cases[c].kind, cases[c].karras, 4, &err) == LONGSD_OK);
        char name[64];
        size_t n;
        snprintf(name, sizeof name, "%s.timesteps", cases[c].name);
        float *ts = load(name, &n);
        REQUIRE(ts && n == 4);
        for (int i = 0; i < 4; i++)
            if (fabsf(ts[i] - s.timesteps[i]) > 1e-4f * (1 + fabsf(ts[i]))) {
                fprintf(stderr, "  %s: timestep %d is %.6f, expected %.6f\n", cases[c].name, i, s.timesteps[i],
                        ts[i]);
                CHECK(0);
            }
        free(ts);
        snprintf(name, sizeof name, "%s.sigmas", cases[c].name);
        float *sg = load(name, &n);
        if (sg && cases[c].kind != SDS_DDIM) {
            REQUIRE(n == 5);
            for (int i = 0; i < 5; i++)
                if (fabsf(sg[i] - s.sigmas[i]) > 1e-5f * (1 + sg[i])) {
                    fprintf(stderr, "  %s: sigma %d is %.7f, expected %.7f\n", cases[c].name, i, s.sigmas[i], sg[i]);
                    CHECK(0);
                }
        }
        free(sg);
        sdsched_free(&s);
    }
    sdsched s;
    lserr err = {0};
    CHECK_INT(sdsched_init(&s, SDS_DDIM, 1, 4, &err), LONGSD_ERR_PARAM);
    CHECK_INT(sdsched_init(&s, SDS_EULER, 0, 0, &err), LONGSD_ERR_PARAM);
    CHECK_STR(err.msg, "steps must be 1..1000, not 0");
    /* SD 1.5 at 20 steps, the usual case: DDIM's leading spacing. */
    REQUIRE(sdsched_init(&s, SDS_DDIM, 0, 20, &err) == LONGSD_OK);
    CHECK(s.timesteps[0] == 951.0f && s.timesteps[19] == 1.0f);
}

TEST(pipeline_matches_diffusers)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    if (longsd_sd_load(sd, MODEL) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    REQUIRE(longsd_sd_latent_factor(sd) == 2);
    float *xT = load("x_T", NULL);
    REQUIRE(xT);
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        char name[64];
        longsd_sd_params p = longsd_sd_default_params();
        p.prompt = "a photo of an astronaut riding a horse on mars";
        p.negative_prompt = "blurry, ugly";
        p.width = 24;
        p.height = 16;
        p.steps = 4;
        p.cfg_scale = 7.5f;
        p.sampler = (longsd_sampler)cases[c].kind;
        p.karras = cases[c].karras;
        p.init_noise = xT;
        snprintf(name, sizeof name, "%s.noise", cases[c].name);
        float *nz = load(name, NULL);
        p.step_noise = nz;
        snprintf(name, sizeof name, "%s.latents", cases[c].name);
        size_t n;
        float *ref = load(name, &n);
        REQUIRE(ref && n == 4 * 8 * 12);
        float lat[4 * 8 * 12];
        uint8_t rgb[16 * 24 * 3];
        if (longsd_sd_generate(sd, &p, lat, rgb) != LONGSD_OK)
            fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
        double e = rel_err(lat, ref, n);
        printf("  %-16s final latents max rel err %.2e\n", cases[c].name, e);
        CHECK(e < TOL);
        if (c == 0) { /* the decoded image of the Euler run */
            size_t ni;
            float *img = load("euler.image", &ni);
            REQUIRE(img && ni == 3 * 16 * 24);
            int worst = 0;
            for (size_t k = 0; k < 16 * 24; k++)
                for (int ch = 0; ch < 3; ch++) {
                    float v = img[ch * 16 * 24 + k] / 2 + 0.5f;
                    v = v < 0 ? 0 : v > 1 ? 1 : v;
                    int d = abs((int)lrintf(v * 255) - rgb[3 * k + ch]);
                    worst = d > worst ? d : worst;
                }
            printf("  euler image: worst pixel difference %d/255\n", worst);
            CHECK(worst <= 1);
            free(img);
        }
        free(ref);
        free(nz);
    }
    free(xT);
    longsd_sd_free(sd);
}

static int progress_calls;
static void on_progress(void *ud, int step, int steps)
{
    (void)steps;
    *(int *)ud = step; /* its own user data: &progress_calls */
}
static int polls;
static int stop_after_polls(void *ud)
{
    (void)ud;
    return ++polls >= 5;
}
static int stop_now(void *ud)
{
    return progress_calls >= *(int *)ud;
}

TEST(seeded_runs_are_reproducible)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, MODEL) == LONGSD_OK);
    longsd_sd_params p = longsd_sd_default_params();
    p.prompt = "a red fox";
    p.width = 16;
    p.height = 16;
    p.steps = 3;
    p.seed = 1234;
    p.sampler = LONGSD_SAMPLER_EULER_A;
    float a[4 * 8 * 8], b[4 * 8 * 8];
    uint8_t rgb[16 * 16 * 3];
    p.threads = 1;
    REQUIRE(longsd_sd_generate(sd, &p, a, rgb) == LONGSD_OK);
    REQUIRE(longsd_sd_generate(sd, &p, b, NULL) == LONGSD_OK);
    CHECK(memcmp(a, b, sizeof a) == 0); /* same run, same bits */
    /* Another thread count: the noise is a pure function of seed and
     * index, and every kernel and sgemm tile is computed the same way
     * whatever thread runs it: the same bits. */
    p.threads = 4;
    REQUIRE(longsd_sd_generate(sd, &p, b, NULL) == LONGSD_OK);
    CHECK(memcmp(a, b, sizeof a) == 0);
    p.seed = 1235;
    REQUIRE(longsd_sd_generate(sd, &p, b, NULL) == LONGSD_OK);
    CHECK(memcmp(a, b, sizeof a) != 0);
    /* The generator itself: fixed numbers for seed 42 (documented). */
    float z[4];
    sdrng_normal(42, 0, z, 4);
    float z2[3];
    sdrng_normal(42, 0, z2, 3);
    CHECK(memcmp(z, z2, sizeof z2) == 0);
    double m = 0, v = 0;
    static float big[100000];
    sdrng_normal(7, 3, big, 100000);
    for (int i = 0; i < 100000; i++)
        m += big[i];
    m /= 100000;
    for (int i = 0; i < 100000; i++)
        v += (big[i] - m) * (big[i] - m);
    v /= 100000;
    CHECK(fabs(m) < 0.02 && fabs(v - 1) < 0.02);
    /* progress and abort */
    int limit = 2;
    p.progress = on_progress;
    p.abort = stop_now;
    p.abort_user_data = &limit;
    p.progress_user_data = &progress_calls;
    progress_calls = 0;
    CHECK_INT(longsd_sd_generate(sd, &p, b, NULL), LONGSD_ERR_ABORTED);
    CHECK_STR(longsd_sd_errmsg(sd), "aborted at step 2 of 3");
    /* Inside the UNet: the 5th poll of the first step says stop. */
    p.abort = stop_after_polls;
    polls = 0;
    CHECK_INT(longsd_sd_generate(sd, &p, b, NULL), LONGSD_ERR_ABORTED);
    CHECK_STR(longsd_sd_errmsg(sd), "unet: aborted");
    CHECK_INT(polls, 5);
    p.width = 18;
    CHECK_INT(longsd_sd_generate(sd, &p, b, NULL), LONGSD_ERR_PARAM);
    CHECK_STR(longsd_sd_errmsg(sd), "size 18x16: width and height must be multiples of 4 up to 8192");
    longsd_sd_free(sd);
}

TEST(load_errors)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    CHECK(longsd_sd_load(sd, "/nonexistent/model") != LONGSD_OK);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "/nonexistent/model/text_encoder/config.json");
    longsd_sd_params p = longsd_sd_default_params();
    CHECK_INT(longsd_sd_generate(sd, &p, NULL, NULL), LONGSD_ERR_PARAM);
    CHECK_STR(longsd_sd_errmsg(sd), "no model loaded");
    longsd_sd_free(sd);
    longsd_sd_free(NULL);
}

/* Write a single-file checkpoint with CompVis names from the tiny-sd folder
 * and tests/engine/compvis_names.json (made and checked against diffusers'
 * converters by make_fixtures.py). */
static void write_compvis(const char *path)
{
    json_error_t je;
    json_t *rows = json_load_file("tests/engine/compvis_names.json", 0, &je);
    REQUIRE(rows);
    const char *files[3][2] = {{"unet", MODEL "/unet/diffusion_pytorch_model.safetensors"},
                               {"vae", MODEL "/vae/diffusion_pytorch_model.safetensors"},
                               {"text_encoder", MODEL "/text_encoder/model.safetensors"}};
    sdst_file *f[3];
    lserr err = {0};
    for (int i = 0; i < 3; i++)
        REQUIRE(sdst_open(files[i][1], &f[i], &err) == LONGSD_OK);
    json_t *hdr = json_object();
    size_t i, off = 0;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *comp = json_string_value(json_object_get(row, "component"));
        int k = strcmp(comp, "unet") == 0 ? 0 : strcmp(comp, "vae") == 0 ? 1 : 2;
        const sdst_tensor *t = sdst_find(f[k], json_string_value(json_object_get(row, "diffusers")));
        REQUIRE(t);
        size_t nb = (size_t)(t->end - t->begin);
        json_object_set_new(hdr, json_string_value(json_object_get(row, "compvis")),
                            json_pack("{s:s, s:O, s:[I, I]}", "dtype", sdst_dtype_name(t->dtype), "shape",
                                      json_object_get(row, "shape"), "data_offsets", (json_int_t)off,
                                      (json_int_t)(off + nb)));
        off += nb;
    }
    char *h = json_dumps(hdr, JSON_COMPACT);
    size_t hl = strlen(h), hp = (hl + 7) / 8 * 8;
    FILE *out = fopen(path, "wb");
    REQUIRE(out && h);
    unsigned char len[8];
    for (int b = 0; b < 8; b++)
        len[b] = (unsigned char)((uint64_t)hp >> (8 * b));
    fwrite(len, 1, 8, out);
    fwrite(h, 1, hl, out);
    for (size_t b = hl; b < hp; b++)
        fputc(' ', out);
    json_array_foreach(rows, i, row)
    {
        const char *comp = json_string_value(json_object_get(row, "component"));
        int k = strcmp(comp, "unet") == 0 ? 0 : strcmp(comp, "vae") == 0 ? 1 : 2;
        const sdst_tensor *t = sdst_find(f[k], json_string_value(json_object_get(row, "diffusers")));
        fwrite(t->data, 1, (size_t)(t->end - t->begin), out);
    }
    fclose(out);
    free(h);
    json_decref(hdr);
    json_decref(rows);
    for (int k = 0; k < 3; k++)
        sdst_close(f[k]);
}

/* The bytes of every tensor of a file (what releasing it all gives back). */
static size_t tensor_bytes(const char *path, const char *prefix)
{
    sdst_file *f = NULL;
    lserr err = {0};
    REQUIRE(sdst_open(path, &f, &err) == LONGSD_OK);
    size_t n = 0;
    for (size_t i = 0; i < sdst_count(f); i++) {
        const sdst_tensor *t = sdst_at(f, i);
        if (!prefix || strncmp(t->name, prefix, strlen(prefix)) == 0)
            n += t->end - t->begin;
    }
    sdst_close(f);
    return n;
}

TEST(single_file_checkpoint_matches_folder)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tiny-compvis.safetensors", t_tmpdir());
    write_compvis(path);
    longsd_sd *a = longsd_sd_new(), *b = longsd_sd_new();
    REQUIRE(a && b);
    REQUIRE(longsd_sd_load(a, MODEL) == LONGSD_OK);
    if (longsd_sd_load_file(b, path, MODEL "/tokenizer", MODEL) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(b));
    longsd_sd_params p = longsd_sd_default_params();
    p.prompt = "a castle";
    p.width = 16;
    p.height = 16;
    p.steps = 2;
    p.sampler = LONGSD_SAMPLER_DPMPP_2M;
    float la[4 * 8 * 8], lb[4 * 8 * 8];
    uint8_t ra[16 * 16 * 3], rb[16 * 16 * 3];
    REQUIRE(longsd_sd_generate(a, &p, la, ra) == LONGSD_OK);
    if (longsd_sd_generate(b, &p, lb, rb) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(b));
    CHECK(memcmp(la, lb, sizeof la) == 0);
    CHECK(memcmp(ra, rb, sizeof ra) == 0);
    /* one file, three stages: each released by its own names */
    longsd_sd_mem m;
    longsd_sd_mem_stats(b, &m);
    size_t te = tensor_bytes(path, "cond_stage_model.transformer.text_model."),
           un = tensor_bytes(path, "model.diffusion_model."), vae = tensor_bytes(path, "first_stage_model.");
    CHECK(te > 0 && un > 0 && vae > 0);
    CHECK(m.released == te + un + vae);
    /* SD 1.5's shapes (no config_dir) do not fit the tiny file: a clear error. */
    CHECK_INT(longsd_sd_load_file(b, path, MODEL "/tokenizer", NULL), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(longsd_sd_errmsg(b), "the tokenizer has 1514 tokens, the text encoder 49408");
    CHECK_INT(longsd_sd_load_file(b, MODEL "/unet/diffusion_pytorch_model.safetensors", MODEL "/tokenizer", MODEL),
              LONGSD_ERR_MODEL);
    CHECK_CONTAINS(longsd_sd_errmsg(b), "not an SD 1.x or 2.x single-file checkpoint");
    longsd_sd_free(a);
    longsd_sd_free(b);
}

/* Each stage's weights are released when it is done and the arena is
 * given back between images; a second image on the same handle (a
 * native backend's next job), and the text encoder used on its own after
 * a generation, read the released weights again and get the same bits. */
TEST(released_stages_come_back)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, MODEL) == LONGSD_OK);
    int D = longsd_sd_text_dim(sd);
    float *h0 = malloc(77 * (size_t)D * sizeof *h0), *h1 = malloc(77 * (size_t)D * sizeof *h1);
    REQUIRE(h0 && h1);
    REQUIRE(longsd_sd_encode_text(sd, "a red fox", h0) == LONGSD_OK);
    longsd_sd_params p = longsd_sd_default_params();
    p.prompt = "a red fox";
    p.width = 16;
    p.height = 16;
    p.steps = 2;
    float la[4 * 8 * 8], lb[4 * 8 * 8];
    uint8_t ra[16 * 16 * 3], rb[16 * 16 * 3];
    REQUIRE(longsd_sd_generate(sd, &p, la, ra) == LONGSD_OK);
    longsd_sd_mem m;
    longsd_sd_mem_stats(sd, &m);
    size_t all = tensor_bytes(MODEL "/text_encoder/model.safetensors", NULL) +
                 tensor_bytes(MODEL "/unet/diffusion_pytorch_model.safetensors", NULL) +
                 tensor_bytes(MODEL "/vae/diffusion_pytorch_model.safetensors", NULL);
    CHECK(m.released == all); /* each of the three once */
    CHECK(m.arena_peak > 0);
    CHECK_INT((long long)m.arena_held, 0);
    REQUIRE(longsd_sd_encode_text(sd, "a red fox", h1) == LONGSD_OK);
    CHECK(memcmp(h0, h1, 77 * (size_t)D * sizeof *h0) == 0);
    REQUIRE(longsd_sd_generate(sd, &p, lb, rb) == LONGSD_OK);
    CHECK(memcmp(la, lb, sizeof la) == 0);
    CHECK(memcmp(ra, rb, sizeof ra) == 0);
    /* an aborted image releases what it had taken too */
    int limit = 1;
    p.progress = on_progress;
    p.abort = stop_now;
    p.abort_user_data = &limit;
    p.progress_user_data = &progress_calls;
    progress_calls = 0;
    CHECK_INT(longsd_sd_generate(sd, &p, lb, rb), LONGSD_ERR_ABORTED);
    longsd_sd_mem_stats(sd, &m);
    CHECK(m.released == tensor_bytes(MODEL "/text_encoder/model.safetensors", NULL) +
                            tensor_bytes(MODEL "/unet/diffusion_pytorch_model.safetensors", NULL));
    CHECK_INT((long long)m.arena_held, 0);
    p.abort = NULL;
    p.progress = NULL;
    REQUIRE(longsd_sd_generate(sd, &p, lb, rb) == LONGSD_OK);
    CHECK(memcmp(ra, rb, sizeof ra) == 0);
    free(h0);
    free(h1);
    longsd_sd_free(sd);
}

/* Every allocation through the hook fails in turn: loading and generating
 * report LONGSD_ERR_NOMEM (or succeed) without crashing or leaking. */
TEST(allocation_failures)
{
    longsd_sd_params p = longsd_sd_default_params();
    p.prompt = "a boat";
    p.width = 8;
    p.height = 8;
    p.steps = 2;
    p.sampler = LONGSD_SAMPLER_DPMPP_2M;
    int ok = 0, nomem = 0;
    /* Loading takes ~1600 allocations (the tokenizer's strings): sample
     * those, then fail each allocation of the generation in turn. */
    for (long k = 0; k < 4000 && ok < 3; k += k < 1500 ? 97 : 1) {
        longsd_sd *sd = longsd_sd_new();
        if (!sd)
            continue;
        longsd__alloc_fail_after = k;
        longsd_status rc = longsd_sd_load(sd, MODEL);
        if (rc == LONGSD_OK) {
            float lat[4 * 4 * 4];
            uint8_t rgb[8 * 8 * 3];
            rc = longsd_sd_generate(sd, &p, lat, rgb);
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

/* One model, two generations at once (the native backend's --per-backend
 * jobs): each on a state of its own, with its own thread count, gives the
 * bits the same image gets alone. A holds the UNet (its progress callback
 * waits after its first step) while B makes a whole image: B must leave the
 * UNet's pages mapped for A, and release only the stages nobody else uses. */
typedef struct {
    longsd_sd *sd;
    longsd_sd_params p;
    float lat[4 * 8 * 8];
    uint8_t rgb[16 * 16 * 3];
    longsd_status rc;
    longsd_sd_mem mem;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int in_unet, release; /* A reached its UNet; B is done, A may go on */
} shared_job;

static void hold_in_unet(void *user, int step, int steps)
{
    shared_job *j = user;
    (void)steps;
    if (step != 1)
        return;
    pthread_mutex_lock(&j->mu);
    j->in_unet = 1;
    pthread_cond_broadcast(&j->cv);
    while (!j->release)
        pthread_cond_wait(&j->cv, &j->mu);
    pthread_mutex_unlock(&j->mu);
}

static void *shared_main(void *arg)
{
    shared_job *j = arg;
    longsd_sd_state *st = longsd_sd_state_new();
    j->rc = st ? longsd_sd_generate_with_state(j->sd, st, &j->p, j->lat, j->rgb) : LONGSD_ERR_NOMEM;
    if (st)
        longsd_sd_state_mem_stats(st, &j->mem);
    longsd_sd_state_free(st);
    return NULL;
}

TEST(one_model_two_generations_at_once)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, MODEL) == LONGSD_OK);
    static shared_job a, b;
    a.sd = b.sd = sd;
    a.p = b.p = longsd_sd_default_params();
    a.p.width = a.p.height = b.p.width = b.p.height = 16;
    a.p.steps = b.p.steps = 3;
    a.p.prompt = "a red fox";
    a.p.seed = 11;
    a.p.threads = 2;
    b.p.prompt = "a castle on a hill";
    b.p.negative_prompt = "fog";
    b.p.seed = 12;
    b.p.threads = 3;
    b.p.sampler = LONGSD_SAMPLER_DPMPP_2M;
    /* alone, one after the other, on the handle's own state */
    float la[4 * 8 * 8], lb[4 * 8 * 8];
    static uint8_t ra[16 * 16 * 3], rb[16 * 16 * 3];
    REQUIRE(longsd_sd_generate(sd, &a.p, la, ra) == LONGSD_OK);
    REQUIRE(longsd_sd_generate(sd, &b.p, lb, rb) == LONGSD_OK);
    pthread_mutex_init(&a.mu, NULL);
    pthread_cond_init(&a.cv, NULL);
    a.p.progress = hold_in_unet;
    a.p.progress_user_data = &a;
    pthread_t th;
    REQUIRE(pthread_create(&th, NULL, shared_main, &a) == 0);
    pthread_mutex_lock(&a.mu);
    while (!a.in_unet)
        pthread_cond_wait(&a.cv, &a.mu);
    pthread_mutex_unlock(&a.mu);
    shared_main(&b); /* B whole while A waits inside its UNet stage */
    pthread_mutex_lock(&a.mu);
    a.release = 1;
    pthread_cond_broadcast(&a.cv);
    pthread_mutex_unlock(&a.mu);
    pthread_join(th, NULL);
    CHECK_INT(a.rc, LONGSD_OK);
    CHECK_INT(b.rc, LONGSD_OK);
    CHECK(memcmp(a.lat, la, sizeof la) == 0);
    CHECK(memcmp(a.rgb, ra, sizeof ra) == 0);
    CHECK(memcmp(b.lat, lb, sizeof lb) == 0);
    CHECK(memcmp(b.rgb, rb, sizeof rb) == 0);
    size_t te = tensor_bytes(MODEL "/text_encoder/model.safetensors", NULL),
           un = tensor_bytes(MODEL "/unet/diffusion_pytorch_model.safetensors", NULL),
           vae = tensor_bytes(MODEL "/vae/diffusion_pytorch_model.safetensors", NULL);
    CHECK(b.mem.released == te + vae); /* the UNet was A's still */
    CHECK(a.mem.released == te + un + vae); /* A was the last of each */
    CHECK(a.mem.arena_peak > 0 && b.mem.arena_peak > 0);
    /* a state's error is its own: the handle's message is untouched */
    longsd_sd_state *st = longsd_sd_state_new();
    REQUIRE(st);
    b.p.width = 17;
    CHECK_INT(longsd_sd_generate_with_state(sd, st, &b.p, NULL, NULL), LONGSD_ERR_PARAM);
    CHECK_CONTAINS(longsd_sd_state_errmsg(st), "size 17x16");
    CHECK_STR(longsd_sd_errmsg(sd), "");
    longsd_sd_state_free(st);
    pthread_cond_destroy(&a.cv);
    pthread_mutex_destroy(&a.mu);
    longsd_sd_free(sd);
}

RUN_TESTS(schedules_match_diffusers, pipeline_matches_diffusers, seeded_runs_are_reproducible, load_errors,
          single_file_checkpoint_matches_folder, released_stages_come_back, one_model_two_generations_at_once,
          allocation_failures)
