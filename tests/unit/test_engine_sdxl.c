/* test_engine_sdxl.c - SDXL and SDXL-Turbo against transformers/diffusers
 * (tests/engine/make_sdxl_fixtures.py, tiny-sdxl): both tokenizers (the
 * second padding with "!"), both text encoders' penultimate states and
 * the second's pooled projection, the concatenated context; the UNet with
 * DownBlock2D first, a transformer depth per block and the text_time
 * added embedding (per sample); the VAE with SDXL's scaling; 2-step
 * sampling with CFG (a negative prompt, and the zero conditioning of an
 * empty one), SDXL-Turbo's one trailing ancestral step without CFG; an
 * original (SGM) single file against the folder, and its GGUF (f16, q8_0)
 * against that file; and clear errors for malformed SDXL files and GGUFs,
 * naming file and tensor or key.
 * Tolerance 1e-4 of the largest reference value (the bar). */
#include <jansson.h>
#include <math.h>
#include <sys/stat.h>

#include "compvis.h"
#include "lora.h"
#include "nets.h"
#include "safetensors.h"
#include "sampler.h"
#include "sd.h"
#include "sdxl.h"
#include "t.h"
#include "t_engine.h"
#include "tokenizer.h"

#define TOL 1e-4
#define DXL "tests/engine/tiny-sdxl"
#define REF "tests/engine/ref_sdxl.safetensors"
#define D1 24
#define D2 32
#define PROJ 24
#define CTX (D1 + D2)

static const char *const prompts[3] = {"a photo of an astronaut riding a horse on mars", "blurry, ugly", ""};

static float *load(const char *name, size_t *n) { return t_load_tensor(REF, name, n, 1); }

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs(text, f);
    fclose(f);
}

/* The folder's text encoder pair, its files opened into f[2]. */
static void open_te(sdxl_te *t, sdst_file *f[2])
{
    lserr err = {0};
    REQUIRE(sdclip_cfg_load(DXL "/text_encoder/config.json", &t->c1, &err) == LONGSD_OK);
    REQUIRE(sdclip_cfg_load(DXL "/text_encoder_2/config.json", &t->c2, &err) == LONGSD_OK);
    REQUIRE(sdst_open(DXL "/text_encoder/model.safetensors", &f[0], &err) == LONGSD_OK);
    REQUIRE(sdst_open(DXL "/text_encoder_2/model.safetensors", &f[1], &err) == LONGSD_OK);
    t->f1 = f[0];
    t->f2 = f[1];
    t->p1 = sdst_find(f[0], "text_model.final_layer_norm.weight") ? "text_model." : "";
    t->p2 = sdst_find(f[1], "text_model.final_layer_norm.weight") ? "text_model." : "";
    t->proj_name = "text_projection.weight";
    t->proj_t = 0;
}

TEST(both_text_encoders_match_transformers)
{
    lserr err = {0};
    sdtok *tok = NULL, *tok2 = NULL;
    REQUIRE(sdtok_load_dir(DXL "/tokenizer", &tok, &err) == LONGSD_OK);
    REQUIRE(sdtok_load_dir(DXL "/tokenizer_2", &tok2, &err) == LONGSD_OK);
    CHECK_INT(sdtok_pad(tok), sdtok_eos(tok));
    CHECK_INT(sdtok_pad(tok2), 0); /* "!" */
    sdxl_te t;
    sdst_file *f[2];
    open_te(&t, f);
    CHECK_INT(t.c2.proj, PROJ);
    CHECK_INT(sdxl_ctx_dim(&t), CTX);
    float *i1 = load("te1.ids", NULL), *i2 = load("te2.ids", NULL), *r1 = load("te1.hidden", NULL),
          *r2 = load("te2.hidden", NULL), *rp = load("te2.pooled", NULL);
    REQUIRE(i1 && i2 && r1 && r2 && rp);
    sdarena a;
    sdarena_init(&a, 0);
    float h1[77 * D1], h2[77 * D2], pooled[PROJ];
    for (int p = 0; p < 3; p++) {
        int32_t a1[77], a2[77];
        REQUIRE(sdtok_encode(tok, prompts[p], a1, 77, NULL, &err) == LONGSD_OK);
        REQUIRE(sdtok_encode(tok2, prompts[p], a2, 77, NULL, &err) == LONGSD_OK);
        int same = 1;
        for (int i = 0; i < 77; i++)
            same &= a1[i] == (int32_t)i1[p * 77 + i] && a2[i] == (int32_t)i2[p * 77 + i];
        CHECK(same);
        REQUIRE(sdxl_encode(&t, &a, NULL, a1, a2, sdtok_eos(tok2), h1, h2, pooled, &err) == LONGSD_OK);
        double e1 = rel_err(h1, r1 + p * 77 * D1, 77 * D1), e2 = rel_err(h2, r2 + p * 77 * D2, 77 * D2),
               ep = rel_err(pooled, rp + p * PROJ, PROJ);
        printf("  prompt %d: CLIP-L penultimate %.2e, bigG penultimate %.2e, pooled %.2e\n", p, e1, e2, ep);
        CHECK(e1 < TOL && e2 < TOL && ep < TOL);
    }
    /* the final norm is not applied to the penultimate state: with it the
     * numbers differ (the SD 2 way would be wrong here) */
    sdclip_cfg short1 = t.c1;
    short1.layers--;
    int32_t a1[77];
    REQUIRE(sdtok_encode(tok, prompts[0], a1, 77, NULL, &err) == LONGSD_OK);
    REQUIRE(sdclip_forward(&short1, f[0], t.p1, &a, a1, h1, &err) == LONGSD_OK);
    CHECK(rel_err(h1, r1, 77 * D1) > 1e-2);
    /* through the pipeline handle: tokenizers, encoders and concatenation
     * as encode_prompt gives it */
    float *ce = load("cond.embeds", NULL), *cp = load("cond.pooled", NULL), ctx[77 * CTX];
    REQUIRE(ce && cp);
    CHECK(rel_err(rp, cp, PROJ) < TOL); /* encode_prompt's pooled is text_encoder_2's */
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    if (longsd_sd_load(sd, DXL) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    CHECK_INT(longsd_sd_text_dim(sd), CTX);
    REQUIRE(longsd_sd_encode_text(sd, prompts[0], ctx) == LONGSD_OK);
    double e = rel_err(ctx, ce, 77 * CTX);
    printf("  concatenated context: max rel err %.2e\n", e);
    CHECK(e < TOL);
    longsd_sd_free(sd);
    sdarena_free(&a);
    free(i1), free(i2), free(r1), free(r2), free(rp), free(ce), free(cp);
    sdst_close(f[0]);
    sdst_close(f[1]);
    sdtok_free(tok);
    sdtok_free(tok2);
}

TEST(unet_text_time_depth_per_block_matches_diffusers)
{
    sdunet_cfg cfg;
    lserr err = {0};
    REQUIRE(sdunet_cfg_load(DXL "/unet/config.json", &cfg, &err) == LONGSD_OK);
    CHECK_INT(cfg.n_blocks, 3);
    CHECK_INT(cfg.down_cross[0], 0);
    CHECK_INT(cfg.down_cross[2], 1);
    CHECK_INT(cfg.up_cross[2], 0);
    CHECK_INT(cfg.tlayers[0], 1);
    CHECK_INT(cfg.tlayers[1], 1);
    CHECK_INT(cfg.tlayers[2], 2);
    CHECK_INT(cfg.add_time_dim, 8);
    CHECK_INT(cfg.add_in, 72);
    CHECK_INT(cfg.ctx_dim, CTX);
    sdst_file *w = NULL;
    REQUIRE(sdst_open(DXL "/unet/diffusion_pytorch_model.safetensors", &w, &err) == LONGSD_OK);
    float *x = load("unet.sample", NULL), *ctx = load("unet.context", NULL), *t = load("unet.timestep", NULL),
          *te = load("unet.text_embeds", NULL), *ti = load("unet.time_ids", NULL), *ref = load("unet.out", NULL);
    REQUIRE(x && ctx && t && te && ti && ref);
    size_t n = 2 * 4 * 8 * 12;
    float out[2 * 4 * 8 * 12];
    sdarena a;
    sdarena_init(&a, 0);
    sdunet_extra ex = {.text_embeds = te, .time_ids = ti};
    REQUIRE(sdunet_forward_ex(&cfg, w, "", &a, x, 2, 8, 12, t[0], &ex, ctx, 77, out, NULL, &err) == LONGSD_OK);
    double e = rel_err(out, ref, n);
    printf("  unet batch of 2 (own pooled vector and time ids each): max rel err %.2e\n", e);
    CHECK(e < TOL);
    /* each sample got its own added embedding: swapping them changes both */
    float te2[2 * PROJ], ti2[2 * SDXL_TIME_IDS];
    memcpy(te2, te + PROJ, PROJ * sizeof *te2);
    memcpy(te2 + PROJ, te, PROJ * sizeof *te2);
    memcpy(ti2, ti + SDXL_TIME_IDS, SDXL_TIME_IDS * sizeof *ti2);
    memcpy(ti2 + SDXL_TIME_IDS, ti, SDXL_TIME_IDS * sizeof *ti2);
    sdunet_extra sw = {.text_embeds = te2, .time_ids = ti2};
    REQUIRE(sdunet_forward_ex(&cfg, w, "", &a, x, 2, 8, 12, t[0], &sw, ctx, 77, out, NULL, &err) == LONGSD_OK);
    CHECK(rel_err(out, ref, n / 2) > 1e-3);
    /* the depth per block matters: one layer in the last block differs */
    sdunet_cfg shallow = cfg;
    shallow.tlayers[2] = 1;
    REQUIRE(sdunet_forward_ex(&shallow, w, "", &a, x, 2, 8, 12, t[0], &ex, ctx, 77, out, NULL, &err) == LONGSD_OK);
    CHECK(rel_err(out, ref, n) > 1e-3);
    /* an SDXL UNet without its added conditioning is a usage error */
    CHECK_INT(sdunet_forward(&cfg, w, "", &a, x, 2, 8, 12, t[0], ctx, 77, out, NULL, &err), LONGSD_ERR_PARAM);
    CHECK_CONTAINS(err.msg, "pooled text embedding and time ids");
    sdarena_free(&a);
    free(x), free(ctx), free(t), free(te), free(ti), free(ref);
    sdst_close(w);
}

TEST(vae_decode_with_sdxl_scaling_matches_diffusers)
{
    sdvae_cfg cfg;
    lserr err = {0};
    REQUIRE(sdvae_cfg_load(DXL "/vae/config.json", &cfg, &err) == LONGSD_OK);
    CHECK(fabsf(cfg.scaling - 0.13025f) < 1e-7f);
    sdst_file *w = NULL;
    REQUIRE(sdst_open(DXL "/vae/diffusion_pytorch_model.safetensors", &w, &err) == LONGSD_OK);
    float *z = load("vae.z", NULL), *ref = load("vae.img", NULL);
    REQUIRE(z && ref);
    static float img[3 * 16 * 24];
    sdarena a;
    sdarena_init(&a, 0);
    REQUIRE(sdvae_decode(&cfg, w, "", &a, z, 8, 12, img, NULL, &err) == LONGSD_OK);
    double e = rel_err(img, ref, 3 * 16 * 24);
    printf("  vae decode: max rel err %.2e\n", e);
    CHECK(e < TOL);
    sdarena_free(&a);
    free(z), free(ref);
    sdst_close(w);
}

static void run_case(longsd_sd *sd, const char *tag, longsd_sampler smp, int steps, float cfg, const char *neg)
{
    char name[64];
    float *xT = load("x_T", NULL);
    REQUIRE(xT);
    longsd_sd_params p = longsd_sd_default_params();
    p.prompt = prompts[0];
    p.negative_prompt = neg;
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
    static uint8_t rgb[24 * 16 * 3];
    if (longsd_sd_generate(sd, &p, lat, rgb) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    double e = rel_err(lat, ref, n);
    printf("  %-9s final latents max rel err %.2e\n", tag, e);
    CHECK(e < TOL);
    free(ref);
    free(nz);
    free(xT);
}

TEST(sampling_with_cfg_matches_diffusers)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    if (longsd_sd_load(sd, DXL) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    int w, h;
    longsd_sd_native_size(sd, &w, &h); /* SDXL's own size, whatever the tiny UNet's sample_size */
    CHECK_INT(w, 1024);
    CHECK_INT(h, 1024);
    CHECK(longsd_sd_is_xl(sd));
    run_case(sd, "xl_euler2", LONGSD_SAMPLER_EULER, 2, 5.0f, prompts[1]);
    /* an empty negative prompt is zero conditioning (force_zeros_for_empty_prompt) */
    run_case(sd, "xl_zero2", LONGSD_SAMPLER_EULER, 2, 5.0f, "");
    longsd_sd_free(sd);
}

/* dir = tiny-sdxl's parts, with model_index.json and scheduler of its own
 * (NULL: tiny-sdxl's) and unet/text_encoder_2 configs of its own when
 * given (their weights linked). */
static void assemble(const char *dir, const char *index, const char *sched, const char *unet_cfg, const char *te2_cfg)
{
    char cwd[512], a[1100], b[1100];
    REQUIRE(getcwd(cwd, sizeof cwd));
    static const char *const parts[] = {"tokenizer", "tokenizer_2", "text_encoder", "vae", "unet", "text_encoder_2",
                                        "model_index.json", "scheduler"};
    const char *own[] = {NULL, NULL, NULL, NULL, unet_cfg, te2_cfg, index, sched};
    static const char *const files[] = {NULL, NULL, NULL, NULL, "diffusion_pytorch_model.safetensors",
                                        "model.safetensors", NULL, NULL};
    REQUIRE(mkdir(dir, 0700) == 0);
    for (int i = 0; i < 8; i++) {
        snprintf(a, sizeof a, "%s/" DXL "/%s", cwd, parts[i]);
        snprintf(b, sizeof b, "%s/%s", dir, parts[i]);
        if (!own[i]) {
            REQUIRE(symlink(a, b) == 0);
        } else if (i == 6) {
            write_file(b, own[i]);
        } else {
            REQUIRE(mkdir(b, 0700) == 0);
            char c[1200];
            snprintf(c, sizeof c, "%s/%s", b, i == 7 ? "scheduler_config.json" : "config.json");
            write_file(c, own[i]);
            if (files[i]) {
                snprintf(a, sizeof a, "%s/" DXL "/%s/%s", cwd, parts[i], files[i]);
                snprintf(c, sizeof c, "%s/%s", b, files[i]);
                REQUIRE(symlink(a, c) == 0);
            }
        }
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    REQUIRE(f);
    static char buf[8][8192];
    static int k;
    char *b = buf[k++ % 8];
    size_t n = fread(b, 1, 8191, f);
    b[n] = 0;
    fclose(f);
    return b;
}

#define XL_INDEX "{\"_class_name\": \"StableDiffusionXLPipeline\", \"text_encoder\": [\"transformers\", \"CLIPTextModel\"]}"

TEST(turbo_one_trailing_ancestral_step_matches_diffusers)
{
    char d[600];
    snprintf(d, sizeof d, "%s/turbo", t_tmpdir());
    /* SDXL-Turbo's scheduler: EulerAncestral, trailing */
    assemble(d, XL_INDEX,
             "{\"_class_name\": \"EulerAncestralDiscreteScheduler\", \"beta_start\": 0.00085, \"beta_end\": 0.012, "
             "\"beta_schedule\": \"scaled_linear\", \"num_train_timesteps\": 1000, \"steps_offset\": 1, "
             "\"timestep_spacing\": \"trailing\", \"prediction_type\": \"epsilon\", \"interpolation_type\": "
             "\"linear\", \"use_karras_sigmas\": false, \"trained_betas\": null}",
             NULL, NULL);
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    if (longsd_sd_load(sd, d) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    run_case(sd, "xlturbo1", LONGSD_SAMPLER_EULER_A, 1, 0.0f, "");
    int w, h;
    longsd_sd_native_size(sd, &w, &h); /* SDXL-Turbo's 512 (trailing timesteps) */
    CHECK_INT(w, 512);
    CHECK_INT(h, 512);
    /* SD 1.x/2.x: the UNet's sample_size x the VAE's factor (tiny-sd2: 8 x 2) */
    REQUIRE(longsd_sd_load(sd, "tests/engine/tiny-sd2") == LONGSD_OK);
    longsd_sd_native_size(sd, &w, &h);
    CHECK_INT(w, 16);
    CHECK(!longsd_sd_is_xl(sd));
    longsd_sd_free(sd);
}

/* A safetensors file of rows [{name, shape, from: [component, tensor...],
 * T}] (tests/engine/compvis_sdxl_names.json): each tensor's bytes are its
 * sources' one after the other (q, k, v stacked along dim 0), a 2-D one
 * transposed when T; skip: a name left out; flat: T ignored. */
static void write_rows(const char *path, json_t *rows, const char *skip, int flat)
{
    static const char *const comps[4][2] = {{"unet", DXL "/unet/diffusion_pytorch_model.safetensors"},
                                            {"vae", DXL "/vae/diffusion_pytorch_model.safetensors"},
                                            {"text_encoder", DXL "/text_encoder/model.safetensors"},
                                            {"text_encoder_2", DXL "/text_encoder_2/model.safetensors"}};
    sdst_file *f[4];
    lserr err = {0};
    const char *tp[4] = {"", "", "", ""};
    for (int i = 0; i < 4; i++) {
        REQUIRE(sdst_open(comps[i][1], &f[i], &err) == LONGSD_OK);
        if (i >= 2 && sdst_find(f[i], "text_model.final_layer_norm.weight"))
            tp[i] = "text_model.";
    }
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
            const char *nm0 = json_string_value(json_object_get(row, "name"));
            if (skip && strcmp(nm0, skip) == 0)
                continue;
            json_t *from = json_object_get(row, "from"), *shape = json_object_get(row, "shape");
            int tr = json_is_true(json_object_get(row, "T")) && !flat;
            size_t nb = 0, ns = json_array_size(from);
            const char *c = json_string_value(json_array_get(from, 0));
            int k = strcmp(c, "unet") == 0 ? 0 : strcmp(c, "vae") == 0 ? 1 : strcmp(c, "text_encoder") == 0 ? 2 : 3;
            const char *dt = "F32";
            for (size_t j = 1; j < ns; j++) {
                char nm[300];
                const char *src = json_string_value(json_array_get(from, j));
                /* the projection is no part of text_model */
                snprintf(nm, sizeof nm, "%s%s", strncmp(src, "text_projection", 15) ? tp[k] : "", src);
                const sdst_tensor *t = sdst_find(f[k], nm);
                REQUIRE(t);
                dt = sdst_dtype_name(t->dtype);
                size_t bytes = (size_t)(t->end - t->begin);
                if (pass && tr) { /* (r, c) -> (c, r), element by element */
                    REQUIRE(t->ndim == 2);
                    size_t r = (size_t)t->shape[0], cc = (size_t)t->shape[1], es = bytes / (r * cc);
                    const unsigned char *s = t->data;
                    for (size_t y = 0; y < cc; y++)
                        for (size_t x = 0; x < r; x++)
                            fwrite(s + (x * cc + y) * es, 1, es, out);
                } else if (pass) {
                    fwrite(t->data, 1, bytes, out);
                }
                nb += bytes;
            }
            if (!pass) {
                json_t *sh = shape;
                if (json_is_true(json_object_get(row, "T")) && flat) /* the shape as stored upstream */
                    sh = json_pack("[O, O]", json_array_get(shape, 1), json_array_get(shape, 0));
                else
                    json_incref(sh);
                json_object_set_new(hdr, nm0,
                                    json_pack("{s:s, s:o, s:[I, I]}", "dtype", dt, "shape", sh, "data_offsets",
                                              (json_int_t)off, (json_int_t)(off + nb)));
                off += nb;
            }
        }
        if (out)
            fclose(out);
    }
    json_decref(hdr);
    for (int k = 0; k < 4; k++)
        sdst_close(f[k]);
}

static json_t *names(void)
{
    json_error_t je;
    json_t *rows = json_load_file("tests/engine/compvis_sdxl_names.json", 0, &je);
    REQUIRE(rows);
    return rows;
}

TEST(single_file_sgm_matches_folder)
{
    char path[600];
    snprintf(path, sizeof path, "%s/tiny-sdxl.safetensors", t_tmpdir());
    json_t *rows = names();
    write_rows(path, rows, NULL, 0);
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    if (longsd_sd_load_file(sd, path, DXL "/tokenizer", DXL) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    float *ce = load("cond.embeds", NULL), ctx[77 * CTX];
    REQUIRE(ce);
    REQUIRE(longsd_sd_encode_text(sd, prompts[0], ctx) == LONGSD_OK);
    double e = rel_err(ctx, ce, 77 * CTX);
    printf("  single-file context: max rel err %.2e\n", e);
    CHECK(e < TOL);
    free(ce);
    run_case(sd, "xl_euler2", LONGSD_SAMPLER_EULER, 2, 5.0f, prompts[1]);
    run_case(sd, "xl_zero2", LONGSD_SAMPLER_EULER, 2, 5.0f, "");
    /* the tokenizer folder alone: tokenizer_2 is it, padding with "!" */
    char cfgdir[600];
    snprintf(cfgdir, sizeof cfgdir, "%s/cfgonly", t_tmpdir());
    assemble(cfgdir, XL_INDEX, NULL, NULL, NULL);
    char t2[700];
    snprintf(t2, sizeof t2, "%s/tokenizer_2", cfgdir);
    REQUIRE(unlink(t2) == 0);
    REQUIRE(longsd_sd_load_file(sd, path, DXL "/tokenizer", cfgdir) == LONGSD_OK);
    run_case(sd, "xl_euler2", LONGSD_SAMPLER_EULER, 2, 5.0f, prompts[1]);
    /* without a config folder SDXL 1.0's shapes are assumed: the tiny
     * model does not fit them, said plainly */
    CHECK_INT(longsd_sd_load_file(sd, path, DXL "/tokenizer", NULL), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "the text encoders 49408 and 49408");
    longsd_sd_free(sd);
    json_decref(rows);
}

/* Final latents of the xl_euler2 case (2 Euler steps, CFG 5, a negative
 * prompt) and the context of prompts[0], on whatever sd has loaded. */
static void xl_outputs(longsd_sd *sd, float ctx[77 * CTX], float lat[4 * 8 * 12])
{
    float *xT = load("x_T", NULL), *nz = load("xl_euler2.noise", NULL);
    REQUIRE(xT);
    REQUIRE(longsd_sd_encode_text(sd, prompts[0], ctx) == LONGSD_OK);
    longsd_sd_params p = longsd_sd_default_params();
    p.prompt = prompts[0];
    p.negative_prompt = prompts[1];
    p.width = 24;
    p.height = 16;
    p.steps = 2;
    p.cfg_scale = 5.0f;
    p.sampler = LONGSD_SAMPLER_EULER;
    p.init_noise = xT;
    p.step_noise = nz;
    if (longsd_sd_generate(sd, &p, lat, NULL) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    free(xT);
    free(nz);
}

/* stable-diffusion.cpp's GGUF of an SDXL checkpoint (SGM names;
 * tests/engine/make_gguf_fixtures.py): f16 keeps the tiny model's F16 and
 * BF16 bits, so it is the safetensors single file within 1e-4; q8_0 within
 * the 3e-2 of the SD 1.5 q8_0 test (test_engine_gguf.c). */
TEST(gguf_sdxl_matches_single_file)
{
    char path[600];
    snprintf(path, sizeof path, "%s/tiny-sdxl.safetensors", t_tmpdir());
    json_t *rows = names();
    write_rows(path, rows, NULL, 0);
    json_decref(rows);
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    REQUIRE(longsd_sd_load_file(sd, path, DXL "/tokenizer", DXL) == LONGSD_OK);
    static float c0[77 * CTX], l0[4 * 8 * 12], c1[77 * CTX], l1[4 * 8 * 12];
    xl_outputs(sd, c0, l0);
    const char *files[2] = {"tests/engine/gguf/tiny-sdxl-f16.gguf", "tests/engine/gguf/tiny-sdxl-q8_0.gguf"};
    const double tol[2] = {TOL, 3e-2};
    for (int k = 0; k < 2; k++) {
        if (longsd_sd_load_file(sd, files[k], DXL "/tokenizer", DXL) != LONGSD_OK)
            fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
        REQUIRE(longsd_sd_is_xl(sd));
        memset(l1, 0, sizeof l1);
        xl_outputs(sd, c1, l1);
        double ec = rel_err(c1, c0, 77 * CTX), el = rel_err(l1, l0, 4 * 8 * 12);
        printf("  %s: context %.2e, latents %.2e (max rel err vs the single file)\n", files[k], ec, el);
        CHECK(ec < tol[k]);
        CHECK(el < tol[k]);
        if (k == 1) /* really quantised, not the f16 file again */
            CHECK(ec > 0 && el > 0);
    }
    longsd_sd_free(sd);
}

/* A cut or altered SDXL GGUF: a clear error naming the file and the tensor. */
TEST(malformed_sdxl_gguf_is_named)
{
    FILE *f = fopen("tests/engine/gguf/tiny-sdxl-q8_0.gguf", "rb");
    REQUIRE(f);
    static char d[1 << 20];
    size_t n = fread(d, 1, sizeof d, f);
    fclose(f);
    REQUIRE(n > 4096 && n < sizeof d);
    char path[600];
    snprintf(path, sizeof path, "%s/cut-sdxl.gguf", t_tmpdir());
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    /* the last tensor's data cut short */
    f = fopen(path, "wb");
    REQUIRE(f && fwrite(d, 1, n - 100, f) == n - 100);
    fclose(f);
    CHECK(longsd_sd_load_file(sd, path, DXL "/tokenizer", DXL) != LONGSD_OK);
    printf("  cut: %s\n", longsd_sd_errmsg(sd));
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "cut-sdxl.gguf: tensor 'conditioner.embedders.1.model.");
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "run past the end of the file (");
    /* the text projection renamed: the tensor SDXL needs is named */
    char *t = memmem(d, n, "embedders.1.model.text_projection", 33);
    REQUIRE(t);
    t[32] = 'X';
    snprintf(path, sizeof path, "%s/renamed-sdxl.gguf", t_tmpdir());
    f = fopen(path, "wb");
    REQUIRE(f && fwrite(d, 1, n, f) == n);
    fclose(f);
    CHECK_INT(longsd_sd_load_file(sd, path, DXL "/tokenizer", DXL), LONGSD_ERR_MODEL);
    printf("  renamed: %s\n", longsd_sd_errmsg(sd));
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "renamed-sdxl.gguf: an SDXL checkpoint without the tensor "
                                         "'conditioner.embedders.1.model.text_projection'");
    longsd_sd_free(sd);
}

TEST(malformed_sdxl_files_are_named)
{
    const char *tmp = t_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/bad.safetensors", tmp);
    json_t *rows = names();
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd);
    /* no text projection */
    write_rows(path, rows, SDCV_XL_OPENCLIP_PREFIX "text_projection", 0);
    CHECK_INT(longsd_sd_load_file(sd, path, DXL "/tokenizer", DXL), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "bad.safetensors: an SDXL checkpoint without the tensor "
                                         "'conditioner.embedders.1.model.text_projection'");
    /* the projection stored as transformers' Linear, not open_clip's matrix */
    write_rows(path, rows, NULL, 1);
    REQUIRE(longsd_sd_load_file(sd, path, DXL "/tokenizer", DXL) == LONGSD_OK);
    longsd_sd_params p = longsd_sd_default_params();
    p.width = 24;
    p.height = 16;
    p.steps = 1;
    float lat[4 * 8 * 12];
    CHECK_INT(longsd_sd_generate(sd, &p, lat, NULL), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "bad.safetensors: wrong shape of 'conditioner.embedders.1.model.text_projection'");
    /* a UNet tensor missing: named at the step that needs it */
    write_rows(path, rows, SDCV_UNET_PREFIX "label_emb.0.2.weight", 0);
    REQUIRE(longsd_sd_load_file(sd, path, DXL "/tokenizer", DXL) == LONGSD_OK);
    CHECK_INT(longsd_sd_generate(sd, &p, lat, NULL), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "bad.safetensors: no tensor 'model.diffusion_model.label_emb.0.2.weight'");
    json_decref(rows);
    /* folders: configs that do not fit, an addition type SDXL is not */
    char d[600], *u = slurp(DXL "/unet/config.json"), *t2 = slurp(DXL "/text_encoder_2/config.json");
    char buf[8192];
    const char *k = strstr(u, "\"projection_class_embeddings_input_dim\": 72");
    REQUIRE(k);
    snprintf(buf, sizeof buf, "%.*s\"projection_class_embeddings_input_dim\": 80%s", (int)(k - u), u, k + strlen("\"projection_class_embeddings_input_dim\": 72"));
    snprintf(d, sizeof d, "%s/p80", tmp);
    assemble(d, XL_INDEX, NULL, buf, NULL);
    CHECK_INT(longsd_sd_load(sd, d), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "text_encoder_2's projection_dim 24 + 6 time ids x 8 does not make the UNet's "
                                         "projection_class_embeddings_input_dim 80");
    k = strstr(u, "\"addition_embed_type\": \"text_time\"");
    REQUIRE(k);
    snprintf(buf, sizeof buf, "%.*s\"addition_embed_type\": \"image\"%s", (int)(k - u), u, k + strlen("\"addition_embed_type\": \"text_time\""));
    snprintf(d, sizeof d, "%s/img", tmp);
    assemble(d, XL_INDEX, NULL, buf, NULL);
    CHECK_INT(longsd_sd_load(sd, d), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "unet/config.json: addition_embed_type image is not supported");
    k = strstr(t2, "\"hidden_size\": 32");
    REQUIRE(k);
    snprintf(buf, sizeof buf, "%.*s\"hidden_size\": 40%s", (int)(k - t2), t2, k + strlen("\"hidden_size\": 32"));
    snprintf(d, sizeof d, "%s/h40", tmp);
    assemble(d, XL_INDEX, NULL, NULL, buf);
    CHECK_INT(longsd_sd_load(sd, d), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "the text encoders give 24 + 40 = 64 channels, the UNet's "
                                         "cross_attention_dim is 56");
    /* pipelines of the family that do not run here */
    snprintf(d, sizeof d, "%s/refiner", tmp);
    assemble(d, "{\"_class_name\": \"StableDiffusionXLPipeline\", \"text_encoder\": [null, null]}", NULL, NULL, NULL);
    CHECK_INT(longsd_sd_load(sd, d), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "without text_encoder (the refiner?)");
    snprintf(d, sizeof d, "%s/inpaint", tmp);
    assemble(d, "{\"_class_name\": \"StableDiffusionXLInpaintPipeline\"}", NULL, NULL, NULL);
    CHECK_INT(longsd_sd_load(sd, d), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "model_index.json: _class_name StableDiffusionXLInpaintPipeline");
    /* an SD 1.x LoRA on SDXL: named, not applied to what happens to share a name */
    REQUIRE(longsd_sd_load(sd, DXL) == LONGSD_OK);
    longsd_sd_lora l = {.path = "tests/engine/lora/kohya.safetensors", .weight = 1.0f};
    p.loras = &l;
    p.n_loras = 1;
    CHECK_INT(longsd_sd_generate(sd, &p, lat, NULL), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "tests/engine/lora/kohya.safetensors: tensor 'lora_te_text_model_encoder_"
                                         "layers_0_self_attn_q_proj.lora_down.weight' makes a 32x32 update");
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "update but the model's 'encoder.layers.0.self_attn.");
    longsd_sd_free(sd);
}

/* ---- LoRA (tests/engine/make_sdxl_lora_fixtures.py): the diffusers/PEFT
 * file and the same matrices in kohya's two layouts, at 0.7, against
 * diffusers' fuse_lora(lora_scale=0.7) */
#define LREF "tests/engine/ref_sdxl_lora.safetensors"
#define XL_PEFT "tests/engine/lora/xl_diffusers.safetensors"
#define XL_KOHYA "tests/engine/lora/xl_kohya.safetensors"
#define XL_KOHYA_DN "tests/engine/lora/xl_kohya_dn.safetensors"

static float *load_from(const char *file, const char *name) { return t_load_tensor(file, name, NULL, 0); }

/* Both encoders on the three prompts' reference ids and one UNet call
 * (ref_sdxl's inputs) with lora at weight w, from the folder or, when
 * sgm names an original single file, from it. Errors: max rel err
 * against LREF into e[4] (te1, te2, pooled, unet); every module of the
 * file must have been applied. */
static void xl_lora_run(const char *lora, float w, const char *sgm, double e[4])
{
    lserr err = {0};
    sdxl_te t;
    sdst_file *f[2] = {NULL, NULL}, *ck = NULL, *uf = NULL;
    open_te(&t, f);
    sdunet_cfg ucfg;
    REQUIRE(sdunet_cfg_load(DXL "/unet/config.json", &ucfg, &err) == LONGSD_OK);
    const char *up = "";
    if (sgm) {
        REQUIRE(sdst_open(sgm, &ck, &err) == LONGSD_OK);
        t.f1 = t.f2 = uf = ck;
        t.p1 = SDCV_XL_CLIP_PREFIX;
        t.p2 = SDCV_XL_OPENCLIP_PREFIX;
        t.proj_name = SDCV_XL_OPENCLIP_PREFIX "text_projection";
        t.proj_t = 1;
        up = SDCV_UNET_PREFIX;
    } else {
        REQUIRE(sdst_open(DXL "/unet/diffusion_pytorch_model.safetensors", &uf, &err) == LONGSD_OK);
    }
    sdlora *l = NULL;
    REQUIRE(sdlora_load(lora, &l, &err) == LONGSD_OK);
    sdlora_set s1, s2, su;
    sdlora_set_init(&s1, SDLORA_TE);
    sdlora_set_init(&s2, SDLORA_TE2);
    sdlora_set_init(&su, SDLORA_UNET);
    su.unet_cfg = &ucfg;
    REQUIRE(sdlora_set_add(&s1, l, w) == 0 && sdlora_set_add(&s2, l, w) == 0 && sdlora_set_add(&su, l, w) == 0);
    sdarena a;
    sdarena_init(&a, 0);
    float *i1 = load("te1.ids", NULL), *i2 = load("te2.ids", NULL);
    float *r1 = load_from(LREF, "te1.hidden"), *r2 = load_from(LREF, "te2.hidden"), *rp = load_from(LREF, "te2.pooled");
    static float h1[3 * 77 * D1], h2[3 * 77 * D2], pooled[3 * PROJ];
    a.patch = &s1.patch;
    for (int p = 0; p < 3; p++) {
        int32_t a1[77], a2[77];
        for (int i = 0; i < 77; i++)
            a1[i] = (int32_t)i1[p * 77 + i], a2[i] = (int32_t)i2[p * 77 + i];
        REQUIRE(sdxl_encode(&t, &a, &s2.patch, a1, a2, (int32_t)i1[76], h1 + p * 77 * D1, h2 + p * 77 * D2,
                            pooled + p * PROJ, &err) == LONGSD_OK);
    }
    e[0] = rel_err(h1, r1, 3 * 77 * D1);
    e[1] = rel_err(h2, r2, 3 * 77 * D2);
    e[2] = rel_err(pooled, rp, 3 * PROJ);
    /* CLIP-L's last layer does not run (penultimate state): its 5 modules
     * are not applied, yet known, being layers of the file */
    CHECK_INT(s1.applied, 3 * (sdlora_count(l, SDLORA_TE) - 5));
    CHECK(sdlora_set_check(&s1, t.f1, t.p1, "first text encoder", &err) == LONGSD_OK);
    CHECK(sdlora_set_check(&s2, t.f2, t.p2, "second text encoder", &err) == LONGSD_OK);
    CHECK_INT(s2.applied, 3 * sdlora_count(l, SDLORA_TE2)); /* every bigG module, three prompts */
    float *x = load("unet.sample", NULL), *ctx = load("unet.context", NULL), *ts = load("unet.timestep", NULL),
          *te = load("unet.text_embeds", NULL), *ti = load("unet.time_ids", NULL), *ru = load_from(LREF, "unet.out");
    float out[2 * 4 * 8 * 12];
    sdunet_extra ex = {.text_embeds = te, .time_ids = ti};
    a.patch = &su.patch;
    REQUIRE(sdunet_forward_ex(&ucfg, uf, up, &a, x, 2, 8, 12, ts[0], &ex, ctx, 77, out, NULL, &err) == LONGSD_OK);
    e[3] = rel_err(out, ru, 2 * 4 * 8 * 12);
    CHECK_INT(su.applied, sdlora_count(l, SDLORA_UNET)); /* attention, proj_in and LoCon conv1 modules alike */
    CHECK(sdlora_set_check(&su, uf, up, "UNet", &err) == LONGSD_OK);
    printf("  %s%s: CLIP-L %.2e, bigG %.2e, pooled %.2e, UNet %.2e (%zu UNet modules)\n", strrchr(lora, '/') + 1,
           sgm ? " on the single file" : "", e[0], e[1], e[2], e[3], su.applied);
    sdarena_free(&a);
    sdlora_set_free(&s1);
    sdlora_set_free(&s2);
    sdlora_set_free(&su);
    sdlora_free(l);
    free(i1), free(i2), free(r1), free(r2), free(rp), free(x), free(ctx), free(ts), free(te), free(ti), free(ru);
    if (ck)
        sdst_close(ck);
    else
        sdst_close(uf);
    sdst_close(f[0]);
    sdst_close(f[1]);
}

TEST(lora_on_both_encoders_and_unet_matches_fuse_lora)
{
    static const char *const files[3] = {XL_PEFT, XL_KOHYA, XL_KOHYA_DN};
    double e[4];
    char sgm[600];
    snprintf(sgm, sizeof sgm, "%s/tiny-sdxl.safetensors", t_tmpdir());
    json_t *rows = names();
    write_rows(sgm, rows, NULL, 0);
    json_decref(rows);
    for (int i = 0; i < 3; i++)
        for (int single = 0; single < 2; single++) {
            xl_lora_run(files[i], 0.7f, single ? sgm : NULL, e);
            CHECK(e[0] < TOL && e[1] < TOL && e[2] < TOL && e[3] < TOL);
        }
    /* the weight is applied: at 1.0 the answer is another */
    xl_lora_run(XL_KOHYA, 1.0f, NULL, e);
    CHECK(e[0] > 1e-3 && e[1] > 1e-3 && e[3] > 1e-3);
}

TEST(lora_pipeline_tags_params_and_undo)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, DXL) == LONGSD_OK);
    longsd_sd_params p = longsd_sd_default_params();
    p.width = 24;
    p.height = 16;
    p.steps = 2;
    p.seed = 5;
    p.prompt = "a red fox";
    p.negative_prompt = "blurry";
    float bare[384], tagged[384], listed[384], peft[384], after[384];
    REQUIRE(longsd_sd_generate(sd, &p, bare, NULL) == LONGSD_OK);
    p.prompt = "a red fox <lora:xl_kohya:0.7>";
    p.lora_dir = "tests/engine/lora";
    if (longsd_sd_generate(sd, &p, tagged, NULL) != LONGSD_OK)
        fprintf(stderr, "  %s\n", longsd_sd_errmsg(sd));
    CHECK(rel_err(tagged, bare, 384) > 1e-3);
    longsd_sd_lora l[2] = {{XL_KOHYA, 0.7f}, {XL_PEFT, 0.7f}};
    p.prompt = "a red fox ";
    p.loras = l;
    p.n_loras = 1;
    REQUIRE(longsd_sd_generate(sd, &p, listed, NULL) == LONGSD_OK);
    CHECK(memcmp(tagged, listed, sizeof tagged) == 0); /* the tag left the prompt's text */
    p.loras = l + 1;
    REQUIRE(longsd_sd_generate(sd, &p, peft, NULL) == LONGSD_OK);
    CHECK(rel_err(peft, listed, 384) < 1e-5); /* the same matrices in the other layout */
    /* two at once: 0.35 + 0.35 of the same delta is 0.7 of it */
    l[0].weight = l[1].weight = 0.35f;
    p.loras = l;
    p.n_loras = 2;
    REQUIRE(longsd_sd_generate(sd, &p, after, NULL) == LONGSD_OK);
    CHECK(rel_err(after, listed, 384) < 1e-5);
    p.loras = NULL;
    p.n_loras = 0;
    p.prompt = "a red fox";
    REQUIRE(longsd_sd_generate(sd, &p, after, NULL) == LONGSD_OK);
    CHECK(memcmp(after, bare, sizeof bare) == 0); /* undone */
    longsd_sd_free(sd);
}

RUN_TESTS(both_text_encoders_match_transformers, unet_text_time_depth_per_block_matches_diffusers,
          vae_decode_with_sdxl_scaling_matches_diffusers, sampling_with_cfg_matches_diffusers,
          turbo_one_trailing_ancestral_step_matches_diffusers, single_file_sgm_matches_folder,
          gguf_sdxl_matches_single_file, malformed_sdxl_gguf_is_named, malformed_sdxl_files_are_named,
          lora_on_both_encoders_and_unet_matches_fuse_lora, lora_pipeline_tags_params_and_undo)
