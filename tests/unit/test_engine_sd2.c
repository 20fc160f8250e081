/* test_engine_sd2.c - the SD 2.x family against transformers/diffusers
 * (tests/engine/make_sd2_fixtures.py, tiny-sd2): the tokenizer padding
 * with the config's pad_token "!", the exact-GELU text encoder, the UNet
 * with linear projections and a head count per block, v-prediction in
 * every sampler with CFG, SD-Turbo's one trailing step without CFG
 * (epsilon and v), a single-file SD 2 checkpoint (open_clip names, q/k/v
 * packed) against the folder, and the errors for pipelines the engine
 * does not run (SDXL's own: test_engine_sdxl.c).
 * Tolerance 1e-4 of the largest reference value (the bar). */
#include <jansson.h>
#include <math.h>
#include <sys/stat.h>

#include "nets.h"
#include "safetensors.h"
#include "sampler.h"
#include "sd.h"
#include "t.h"
#include "t_engine.h"
#include "tokenizer.h"

#define TOL 1e-4
#define DIR2 "tests/engine/tiny-sd2"
#define REF "tests/engine/ref_sd2.safetensors"

static const char *const prompts[3] = {"a photo of an astronaut riding a horse on mars", "blurry, ugly", ""};

static float *load(const char *name, size_t *n) { return t_load_tensor(REF, name, n, 1); }

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs(text, f);
    fclose(f);
}

TEST(tokenizer_pads_with_config_pad_token)
{
    lserr err = {0};
    sdtok *tok = NULL;
    REQUIRE(sdtok_load_dir(DIR2 "/tokenizer", &tok, &err) == LONGSD_OK);
    CHECK_INT(sdtok_pad(tok), 0); /* "!" */
    float *ref = load("clip.ids", NULL);
    REQUIRE(ref);
    for (int p = 0; p < 3; p++) {
        int32_t ids[77];
        REQUIRE(sdtok_encode(tok, prompts[p], ids, 77, NULL, &err) == LONGSD_OK);
        int same = 1;
        for (int i = 0; i < 77; i++)
            same &= ids[i] == (int32_t)ref[p * 77 + i];
        CHECK(same);
    }
    sdtok_free(tok);
    /* SD 1.x folders (no pad_token) keep EOS */
    REQUIRE(sdtok_load_dir("tests/engine/tiny-sd/tokenizer", &tok, &err) == LONGSD_OK);
    CHECK_INT(sdtok_pad(tok), sdtok_eos(tok));
    sdtok_free(tok);
    /* special_tokens_map.json as a string; a pad token the vocabulary lacks */
    const char *dir = t_tmpdir();
    char cwd[512], a[1100], b[1100];
    REQUIRE(getcwd(cwd, sizeof cwd));
    for (int i = 0; i < 2; i++) {
        const char *f = i ? "merges.txt" : "vocab.json";
        snprintf(a, sizeof a, "%s/" DIR2 "/tokenizer/%s", cwd, f);
        snprintf(b, sizeof b, "%s/%s", dir, f);
        REQUIRE(symlink(a, b) == 0);
    }
    snprintf(b, sizeof b, "%s/special_tokens_map.json", dir);
    write_file(b, "{\"pad_token\": \"a</w>\"}");
    REQUIRE(sdtok_load_dir(dir, &tok, &err) == LONGSD_OK);
    CHECK_INT(sdtok_pad(tok), sdtok_token_id(tok, "a</w>"));
    sdtok_free(tok);
    write_file(b, "{\"pad_token\": \"<pad>\"}");
    CHECK_INT(sdtok_load_dir(dir, &tok, &err), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(err.msg, "special_tokens_map.json: pad_token '<pad>' is not in the vocabulary");
    CHECK(tok == NULL);
    write_file(b, "{\"pad_token\": 7}");
    CHECK_INT(sdtok_load_dir(dir, &tok, &err), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(err.msg, "pad_token is neither");
    free(ref);
}

TEST(clip_gelu_matches_transformers)
{
    sdclip_cfg cfg;
    lserr err = {0};
    REQUIRE(sdclip_cfg_load(DIR2 "/text_encoder/config.json", &cfg, &err) == LONGSD_OK);
    CHECK_INT(cfg.gelu, 1);
    CHECK_INT(cfg.layers, 3);
    sdst_file *w = NULL;
    REQUIRE(sdst_open(DIR2 "/text_encoder/model.safetensors", &w, &err) == LONGSD_OK);
    const char *prefix = sdst_find(w, "text_model.final_layer_norm.weight") ? "text_model." : "";
    float *ids = load("clip.ids", NULL), *ref = load("clip.hidden", NULL);
    REQUIRE(ids && ref);
    sdarena a;
    sdarena_init(&a, 0);
    float out[77 * 32];
    for (int p = 0; p < 3; p++) {
        int32_t id[77];
        for (int i = 0; i < 77; i++)
            id[i] = (int32_t)ids[p * 77 + i];
        REQUIRE(sdclip_forward(&cfg, w, prefix, &a, id, out, &err) == LONGSD_OK);
        double e = rel_err(out, ref + p * 77 * 32, 77 * 32);
        printf("  text encoder prompt %d: max rel err %.2e\n", p, e);
        CHECK(e < TOL);
    }
    /* the same through the pipeline handle (tokenizer + encoder) */
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, DIR2) == LONGSD_OK);
    REQUIRE(longsd_sd_encode_text(sd, prompts[0], out) == LONGSD_OK);
    CHECK(rel_err(out, ref, 77 * 32) < TOL);
    longsd_sd_free(sd);
    sdarena_free(&a);
    free(ids);
    free(ref);
    sdst_close(w);
}

TEST(unet_linear_proj_per_block_heads_matches_diffusers)
{
    sdunet_cfg cfg;
    lserr err = {0};
    REQUIRE(sdunet_cfg_load(DIR2 "/unet/config.json", &cfg, &err) == LONGSD_OK);
    CHECK_INT(cfg.n_blocks, 3);
    CHECK_INT(cfg.heads[0], 2);
    CHECK_INT(cfg.heads[1], 4);
    CHECK_INT(cfg.heads[2], 8);
    sdst_file *w = NULL;
    REQUIRE(sdst_open(DIR2 "/unet/diffusion_pytorch_model.safetensors", &w, &err) == LONGSD_OK);
    float *x = load("unet.sample", NULL), *ctx = load("unet.context", NULL), *t = load("unet.timestep", NULL),
          *ref = load("unet.out", NULL);
    REQUIRE(x && ctx && t && ref);
    int per = 4 * 8 * 12;
    float out[2 * 4 * 8 * 12];
    sdarena a;
    sdarena_init(&a, 0);
    REQUIRE(sdunet_forward(&cfg, w, "", &a, x, 2, 8, 12, t[0], ctx, 77, out, NULL, &err) == LONGSD_OK);
    double e = rel_err(out, ref, 2 * (size_t)per);
    printf("  unet batch of 2: max rel err %.2e\n", e);
    CHECK(e < TOL);
    /* heads matter: the same weights with one head count everywhere differ */
    sdunet_cfg one = cfg;
    one.heads[0] = one.heads[1] = one.heads[2] = 2;
    REQUIRE(sdunet_forward(&one, w, "", &a, x, 2, 8, 12, t[0], ctx, 77, out, NULL, &err) == LONGSD_OK);
    CHECK(rel_err(out, ref, 2 * (size_t)per) > 1e-3);
    sdarena_free(&a);
    free(x);
    free(ctx);
    free(t);
    free(ref);
    sdst_close(w);
}

static void run_case(longsd_sd *sd, const char *tag, longsd_sampler smp, int steps, float cfg)
{
    char name[64];
    float *xT = load("x_T", NULL);
    REQUIRE(xT);
    longsd_sd_params p = longsd_sd_default_params();
    p.prompt = prompts[0];
    p.negative_prompt = prompts[1];
    p.width = 24;
    p.height = 16;
    p.steps = steps;
    p.cfg_scale = cfg;
    p.sampler = smp;
    p.init_noise = xT;
    snprintf(name, sizeof name, "%s.noise", tag);
    float *nz = load(name, NULL);
    p.step_noise = nz;
    snprintf(name, sizeof name, "%s.latents", tag);
    size_t n;
    float *ref = load(name, &n);
    REQUIRE(ref && n == 4 * 8 * 12);
    float lat[4 * 8 * 12];
    if (longsd_sd_generate(sd, &p, lat, NULL) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    double e = rel_err(lat, ref, n);
    printf("  %-9s final latents max rel err %.2e\n", tag, e);
    CHECK(e < TOL);
    free(ref);
    free(nz);
    free(xT);
}

TEST(v_prediction_sampling_matches_diffusers)
{
    sdsched_cfg c;
    lserr err = {0};
    REQUIRE(sdsched_cfg_load(DIR2 "/scheduler/scheduler_config.json", &c, &err) == LONGSD_OK);
    CHECK_INT(c.v_pred, 1);
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    if (longsd_sd_load(sd, DIR2) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    CHECK_INT(longsd_sd_text_dim(sd), 32);
    run_case(sd, "euler2", LONGSD_SAMPLER_EULER, 2, 7.5f);
    run_case(sd, "euler_a2", LONGSD_SAMPLER_EULER_A, 2, 7.5f);
    run_case(sd, "ddim2", LONGSD_SAMPLER_DDIM, 2, 7.5f);
    run_case(sd, "dpmpp3", LONGSD_SAMPLER_DPMPP_2M, 3, 7.5f);
    longsd_sd_free(sd);
}

/* dir = tiny-sd2's parts + a scheduler_config.json of its own */
static void assemble(const char *dir, const char *sched)
{
    char cwd[512], a[1100], b[1100];
    REQUIRE(getcwd(cwd, sizeof cwd));
    static const char *const parts[] = {"tokenizer", "text_encoder", "unet", "vae", "model_index.json"};
    REQUIRE(mkdir(dir, 0700) == 0);
    for (int i = 0; i < 5; i++) {
        snprintf(a, sizeof a, "%s/" DIR2 "/%s", cwd, parts[i]);
        snprintf(b, sizeof b, "%s/%s", dir, parts[i]);
        REQUIRE(symlink(a, b) == 0);
    }
    snprintf(b, sizeof b, "%s/scheduler", dir);
    REQUIRE(mkdir(b, 0700) == 0);
    snprintf(b, sizeof b, "%s/scheduler/scheduler_config.json", dir);
    write_file(b, sched);
}

#define SD2 "\"_class_name\": \"EulerDiscreteScheduler\", \"beta_start\": 0.00085, \"beta_end\": 0.012, " \
            "\"beta_schedule\": \"scaled_linear\", \"num_train_timesteps\": 1000, \"steps_offset\": 1, "    \
            "\"timestep_spacing\": \"trailing\", \"clip_sample\": false, \"set_alpha_to_one\": false"

TEST(turbo_one_trailing_step_matches_diffusers)
{
    const char *tmp = t_tmpdir();
    char de[600], dv[600];
    snprintf(de, sizeof de, "%s/eps", tmp);
    snprintf(dv, sizeof dv, "%s/v", tmp);
    assemble(de, "{" SD2 ", \"prediction_type\": \"epsilon\"}");
    assemble(dv, "{" SD2 ", \"prediction_type\": \"v_prediction\"}");
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    if (longsd_sd_load(sd, de) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    /* guidance 0 as SD-Turbo runs: one UNet pass, the negative prompt unused */
    run_case(sd, "turbo_e1", LONGSD_SAMPLER_EULER, 1, 0.0f);
    REQUIRE(longsd_sd_load(sd, dv) == LONGSD_OK);
    run_case(sd, "turbo_v1", LONGSD_SAMPLER_EULER, 1, 1.0f);
    longsd_sd_free(sd);
}

/* A folder of pipeline_class with tiny-sd2's parts: the error must name
 * the family before any component is read. */
static void check_refused(const char *index, const char *want)
{
    static int k;
    const char *tmp = t_tmpdir();
    char d[600], p[700];
    snprintf(d, sizeof d, "%s/m%d", tmp, k++);
    assemble(d, "{" SD2 "}");
    snprintf(p, sizeof p, "%s/model_index.json", d);
    REQUIRE(unlink(p) == 0);
    write_file(p, index);
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    CHECK_INT(longsd_sd_load(sd, d), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), want);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "model_index.json");
    longsd_sd_free(sd);
}

TEST(unsupported_pipelines_are_named)
{
    check_refused("{\"_class_name\": \"StableDiffusionXLImg2ImgPipeline\", \"text_encoder_2\": [\"transformers\", "
                  "\"CLIPTextModelWithProjection\"]}",
                  "_class_name StableDiffusionXLImg2ImgPipeline");
    check_refused("{\"_class_name\": \"StableDiffusion3Pipeline\"}", "StableDiffusion3Pipeline is not supported");
    check_refused("{\"_class_name\": \"FluxPipeline\"}", "_class_name FluxPipeline");
    /* a prediction the samplers cannot follow names the file and key */
    const char *tmp = t_tmpdir();
    char d[600];
    snprintf(d, sizeof d, "%s/s", tmp);
    assemble(d, "{" SD2 ", \"prediction_type\": \"sample\"}");
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    CHECK_INT(longsd_sd_load(sd, d), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "scheduler_config.json: this prediction_type is not supported");
    longsd_sd_free(sd);
}

/* A safetensors file of rows [{name, shape, from: [component, tensor...]}]
 * (tests/engine/compvis_sd2_names.json): each tensor's bytes are its
 * sources' bytes one after the other (q, k, v stacked along dim 0); a row
 * without sources is F32 NaN, so any use of it shows in the output. */
static void write_rows(const char *path, json_t *rows)
{
    static const char *const comps[3][2] = {{"unet", DIR2 "/unet/diffusion_pytorch_model.safetensors"},
                                            {"vae", DIR2 "/vae/diffusion_pytorch_model.safetensors"},
                                            {"text_encoder", DIR2 "/text_encoder/model.safetensors"}};
    sdst_file *f[3];
    lserr err = {0};
    for (int i = 0; i < 3; i++)
        REQUIRE(sdst_open(comps[i][1], &f[i], &err) == LONGSD_OK);
    const char *tp = sdst_find(f[2], "text_model.final_layer_norm.weight") ? "text_model." : "";
    json_t *hdr = json_object();
    size_t i, off = 0;
    json_t *row;
    for (int pass = 0; pass < 2; pass++) {
        FILE *out = NULL;
        if (pass) {
            char *h = json_dumps(hdr, JSON_COMPACT);
            size_t hl = strlen(h), hp = (hl + 7) / 8 * 8;
            out = fopen(path, "wb");
            REQUIRE(out && h);
            unsigned char len[8];
            for (int b = 0; b < 8; b++)
                len[b] = (unsigned char)((uint64_t)hp >> (8 * b));
            fwrite(len, 1, 8, out);
            fwrite(h, 1, hl, out);
            for (size_t b = hl; b < hp; b++)
                fputc(' ', out);
            free(h);
        }
        json_array_foreach(rows, i, row)
        {
            json_t *from = json_object_get(row, "from"), *shape = json_object_get(row, "shape");
            size_t nb = 0, ns = json_array_size(from);
            const char *dt = "F32";
            int k = 0;
            if (ns) {
                const char *c = json_string_value(json_array_get(from, 0));
                k = strcmp(c, "unet") == 0 ? 0 : strcmp(c, "vae") == 0 ? 1 : 2;
            }
            for (size_t j = 1; j < ns; j++) {
                char nm[300];
                snprintf(nm, sizeof nm, "%s%s", k == 2 ? tp : "", json_string_value(json_array_get(from, j)));
                const sdst_tensor *t = sdst_find(f[k], nm);
                REQUIRE(t);
                dt = sdst_dtype_name(t->dtype);
                if (pass)
                    fwrite(t->data, 1, (size_t)(t->end - t->begin), out);
                nb += (size_t)(t->end - t->begin);
            }
            if (!ns) {
                size_t n = 1, d;
                json_t *v;
                json_array_foreach(shape, d, v) n *= (size_t)json_integer_value(v);
                nb = n * 4;
                float nan = NAN;
                for (size_t e = 0; pass && e < n; e++)
                    fwrite(&nan, 4, 1, out);
            }
            if (!pass) {
                json_object_set_new(hdr, json_string_value(json_object_get(row, "name")),
                                    json_pack("{s:s, s:O, s:[I, I]}", "dtype", dt, "shape", shape, "data_offsets",
                                              (json_int_t)off, (json_int_t)(off + nb)));
                off += nb;
            }
        }
        if (out)
            fclose(out);
    }
    json_decref(hdr);
    for (int k = 0; k < 3; k++)
        sdst_close(f[k]);
}

TEST(single_file_sd2_matches_folder)
{
    char path[600];
    snprintf(path, sizeof path, "%s/tiny-sd2.safetensors", t_tmpdir());
    json_error_t je;
    json_t *rows = json_load_file("tests/engine/compvis_sd2_names.json", 0, &je);
    REQUIRE(rows);
    write_rows(path, rows);
    json_decref(rows);
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    if (longsd_sd_load_file(sd, path, DIR2 "/tokenizer", DIR2) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    float *ref = load("clip.hidden", NULL), out[77 * 32];
    REQUIRE(ref);
    for (int p = 0; p < 3; p++) {
        REQUIRE(longsd_sd_encode_text(sd, prompts[p], out) == LONGSD_OK);
        double e = rel_err(out, ref + p * 77 * 32, 77 * 32);
        printf("  single-file text encoder prompt %d: max rel err %.2e\n", p, e);
        CHECK(e < TOL);
    }
    free(ref);
    run_case(sd, "euler2", LONGSD_SAMPLER_EULER, 2, 7.5f);
    run_case(sd, "ddim2", LONGSD_SAMPLER_DDIM, 2, 7.5f);
    /* without a config folder, SD 2's shapes come from the file: the tiny
     * width (32) is no ViT-H layout of 64-wide heads, said plainly */
    CHECK_INT(longsd_sd_load_file(sd, path, DIR2 "/tokenizer", NULL), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "the OpenCLIP text encoder has 4 blocks of width 32");
    /* SDXL single files are read as such: an SD 2 config folder lacks
     * the second text encoder's config */
    rows = json_pack("[{s:s, s:[i], s:[]}]", "name", "conditioner.embedders.1.model.ln_final.weight", "shape", 4,
                     "from");
    write_rows(path, rows);
    json_decref(rows);
    CHECK_INT(longsd_sd_load_file(sd, path, DIR2 "/tokenizer", DIR2), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "text_encoder_2/config.json");
    longsd_sd_free(sd);
}

RUN_TESTS(tokenizer_pads_with_config_pad_token, clip_gelu_matches_transformers,
          unet_linear_proj_per_block_heads_matches_diffusers, v_prediction_sampling_matches_diffusers,
          turbo_one_trailing_step_matches_diffusers, unsupported_pipelines_are_named, single_file_sd2_matches_folder)
