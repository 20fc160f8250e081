/* test_engine_lora.c - LoRA against tests/engine/make_lora_fixtures.py:
 * the diffusers/PEFT file against peft's own forward pass, the kohya file
 * (F16, .alpha, LoCon 3x3 and 1x1 convolutions) at multiplier 0.7 against
 * the networks with every delta merged by hand, both in float64. Then the
 * pipeline: a <lora:...> tag equals params.loras, is removed from the
 * prompt, and the next image without it is the image of the bare model,
 * bit for bit. The kohya file also merges into a single file's packed
 * OpenCLIP in_proj (SD 2.x names) like into q/k/v apart. Malformed files
 * name the file and the tensor. */
#include <math.h>
#include <sys/stat.h>

#include <jansson.h>

#include "compvis.h"
#include "lora.h"
#include "nets.h"
#include "sd.h"
#include "t.h"
#include "t_engine.h"
#include "tokenizer.h"

#define TOL 1e-5
#define KOHYA "tests/engine/lora/kohya.safetensors"
#define DIFF "tests/engine/lora/diffusers.safetensors"
#define REF "tests/engine/ref_lora.safetensors"
#define PEFT "tests/engine/lora/peft"

static float *load(const char *file, const char *name) { return t_load_tensor(file, name, NULL, 0); }

/* UNet output (2, 4, 8, 12) for ref_unet's inputs with lora at weight w (NULL: none). */
static void unet_with(const char *lora, float w, float *out, size_t *applied)
{
    sdunet_cfg cfg;
    lserr err = {0};
    REQUIRE(sdunet_cfg_load("tests/engine/tiny-sd/unet/config.json", &cfg, &err) == LONGSD_OK);
    sdst_file *f = NULL;
    REQUIRE(sdst_open("tests/engine/tiny-sd/unet/diffusion_pytorch_model.safetensors", &f, &err) == LONGSD_OK);
    const char *R = "tests/engine/ref_unet.safetensors";
    float *x = load(R, "sample"), *ctx = load(R, "context"), *t = load(R, "timestep");
    sdlora *l = NULL;
    sdlora_set s;
    sdlora_set_init(&s, SDLORA_UNET);
    sdarena a;
    sdarena_init(&a, 0);
    if (lora) {
        REQUIRE(sdlora_load(lora, &l, &err) == LONGSD_OK);
        sdlora_set_add(&s, l, w);
        a.patch = &s.patch;
    }
    REQUIRE(sdunet_forward(&cfg, f, "", &a, x, 2, 8, 12, t[0], ctx, 77, out, NULL, &err) == LONGSD_OK);
    if (applied)
        *applied = s.applied;
    sdarena_free(&a);
    sdlora_set_free(&s);
    sdlora_free(l);
    free(x);
    free(ctx);
    free(t);
    sdst_close(f);
}

static void te_with(const char *lora, float w, float *out, size_t *applied)
{
    sdclip_cfg cfg;
    lserr err = {0};
    REQUIRE(sdclip_cfg_load("tests/engine/tiny-sd/text_encoder/config.json", &cfg, &err) == LONGSD_OK);
    sdst_file *f = NULL;
    REQUIRE(sdst_open("tests/engine/tiny-sd/text_encoder/model.safetensors", &f, &err) == LONGSD_OK);
    const char *prefix = sdst_find(f, "text_model.final_layer_norm.weight") ? "text_model." : "";
    sdtok *tok = NULL;
    REQUIRE(sdtok_load_dir("tests/engine/tiny-sd/tokenizer", &tok, &err) == LONGSD_OK);
    sdlora *l = NULL;
    sdlora_set s;
    sdlora_set_init(&s, SDLORA_TE);
    sdarena a;
    sdarena_init(&a, 0);
    if (lora) {
        REQUIRE(sdlora_load(lora, &l, &err) == LONGSD_OK);
        sdlora_set_add(&s, l, w);
        a.patch = &s.patch;
    }
    const char *prompts[2] = {"a photo of an astronaut riding a horse on mars", "blurry, ugly"};
    for (int p = 0; p < 2; p++) {
        int32_t ids[77];
        REQUIRE(sdtok_encode(tok, prompts[p], ids, 77, NULL, &err) == LONGSD_OK);
        REQUIRE(sdclip_forward(&cfg, f, prefix, &a, ids, out + p * 77 * 32, &err) == LONGSD_OK);
    }
    if (applied)
        *applied = s.applied;
    sdarena_free(&a);
    sdlora_set_free(&s);
    sdlora_free(l);
    sdtok_free(tok);
    sdst_close(f);
}

/* The tiny text encoder as an SD 2.x single file names it: open_clip's
 * names under SDCV_OPENCLIP_PREFIX, each layer's q, k, v weights and
 * biases stacked along the output dimension into attn.in_proj_*. An
 * in-memory safetensors image (F32 as the source), malloc'ed. */
static unsigned char *openclip_image(const sdst_file *f, size_t *len)
{
    json_t *hdr = json_object();
    size_t off = 0, n = sdst_count(f);
    const sdst_tensor **src = calloc(3 * n, sizeof *src);
    char (*names)[320] = calloc(n, sizeof *names);
    size_t k = 0;
    REQUIRE(src && names);
    for (size_t i = 0; i < n; i++) {
        const sdst_tensor *t = sdst_at(f, i);
        REQUIRE(t->dtype == SDST_F32);
        char key[256], cv[256];
        int layer, m = 0, parts = 1;
        const sdst_tensor *p3[3] = {t, NULL, NULL};
        snprintf(key, sizeof key, "%s", t->name);
        if (sscanf(t->name, "encoder.layers.%d.self_attn.%n", &layer, &m) == 1 && m > 0) {
            const char *rest = t->name + m;
            if (strncmp(rest, "k_proj.", 7) == 0 || strncmp(rest, "v_proj.", 7) == 0)
                continue;
            if (strncmp(rest, "q_proj.", 7) == 0) {
                const char *kv[2] = {"k_proj", "v_proj"};
                for (int j = 0; j < 2; j++) {
                    char nm[256];
                    snprintf(nm, sizeof nm, "encoder.layers.%d.self_attn.%s.%s", layer, kv[j], rest + 7);
                    REQUIRE((p3[1 + j] = sdst_find(f, nm)) != NULL);
                }
                snprintf(key, sizeof key, "encoder.layers.%d.self_attn.qkv_proj.%s", layer, rest + 7);
                parts = 3;
            }
        }
        sdcv_openclip_name(key, cv, sizeof cv);
        snprintf(names[k], sizeof names[k], SDCV_OPENCLIP_PREFIX "%s", cv);
        json_t *shape = json_array();
        for (int d = 0; d < t->ndim; d++)
            json_array_append_new(shape, json_integer(d == 0 ? t->shape[0] * parts : t->shape[d]));
        size_t bytes = (size_t)(t->end - t->begin) * (size_t)parts;
        json_object_set_new(hdr, names[k], json_pack("{s:s, s:o, s:[I, I]}", "dtype", "F32", "shape", shape,
                                                     "data_offsets", (json_int_t)off, (json_int_t)(off + bytes)));
        off += bytes;
        for (int j = 0; j < 3; j++)
            src[3 * k + j] = j < parts ? p3[j] : NULL;
        k++;
    }
    char *h = json_dumps(hdr, JSON_COMPACT);
    size_t hl = strlen(h);
    *len = 8 + hl + off;
    unsigned char *img = malloc(*len), *w = img + 8 + hl;
    REQUIRE(img);
    for (int b = 0; b < 8; b++)
        img[b] = (unsigned char)((uint64_t)hl >> (8 * b));
    memcpy(img + 8, h, hl);
    /* the data in the order of the offsets given above */
    for (size_t i = 0; i < k; i++)
        for (int j = 0; j < 3 && src[3 * i + j]; j++) {
            const sdst_tensor *t = src[3 * i + j];
            memcpy(w, t->data, (size_t)(t->end - t->begin));
            w += t->end - t->begin;
        }
    free(h);
    free(src);
    free(names);
    json_decref(hdr);
    return img;
}

/* te_with on the packed single file (prefix SDCV_OPENCLIP_PREFIX). */
static void te_packed_with(const char *lora, float w, float *out, size_t *applied)
{
    sdclip_cfg cfg;
    lserr err = {0};
    REQUIRE(sdclip_cfg_load("tests/engine/tiny-sd/text_encoder/config.json", &cfg, &err) == LONGSD_OK);
    sdst_file *f = NULL, *pf = NULL;
    REQUIRE(sdst_open("tests/engine/tiny-sd/text_encoder/model.safetensors", &f, &err) == LONGSD_OK);
    size_t len;
    unsigned char *img = openclip_image(f, &len);
    REQUIRE(sdst_open_mem(img, len, "packed.safetensors", &pf, &err) == LONGSD_OK);
    CHECK(sdst_find(pf, SDCV_OPENCLIP_PREFIX "transformer.resblocks.0.attn.in_proj_weight") != NULL);
    sdtok *tok = NULL;
    REQUIRE(sdtok_load_dir("tests/engine/tiny-sd/tokenizer", &tok, &err) == LONGSD_OK);
    sdlora *l = NULL;
    sdlora_set s;
    sdlora_set_init(&s, SDLORA_TE);
    sdarena a;
    sdarena_init(&a, 0);
    if (lora) {
        REQUIRE(sdlora_load(lora, &l, &err) == LONGSD_OK);
        sdlora_set_add(&s, l, w);
        a.patch = &s.patch;
    }
    const char *prompts[2] = {"a photo of an astronaut riding a horse on mars", "blurry, ugly"};
    for (int p = 0; p < 2; p++) {
        int32_t ids[77];
        REQUIRE(sdtok_encode(tok, prompts[p], ids, 77, NULL, &err) == LONGSD_OK);
        REQUIRE(sdclip_forward(&cfg, pf, SDCV_OPENCLIP_PREFIX, &a, ids, out + p * 77 * 32, &err) == LONGSD_OK);
    }
    if (applied)
        *applied = s.applied;
    sdarena_free(&a);
    sdlora_set_free(&s);
    sdlora_free(l);
    sdtok_free(tok);
    sdst_close(pf);
    sdst_close(f);
    free(img);
}

TEST(kohya_merges_into_a_packed_in_proj)
{
    float te[2 * 77 * 32], bare[2 * 77 * 32], unpacked[2 * 77 * 32];
    size_t n_te = 0;
    /* the packed file without a LoRA is the same network */
    te_packed_with(NULL, 0, bare, NULL);
    te_with(NULL, 0, unpacked, NULL);
    CHECK(rel_err(bare, unpacked, 2 * 77 * 32) < TOL);
    te_packed_with(KOHYA, 0.7f, te, &n_te);
    float *ref = load(REF, "te_kohya");
    double e = rel_err(te, ref, 2 * 77 * 32);
    printf("  kohya text encoder at 0.7, q/k/v packed in in_proj: max rel err %.2e, %zu deltas\n", e, n_te);
    CHECK(e < TOL);
    CHECK_INT(n_te, 2 * 2 * 4); /* q, k and v each into its third, and out_proj */
    CHECK(rel_err(bare, ref, 2 * 77 * 32) > 1e-3);
    free(ref);
}

TEST(kohya_and_locon_match_the_hand_merge)
{
    float out[2 * 384], te[2 * 77 * 32];
    size_t n_unet = 0, n_te = 0;
    unet_with(KOHYA, 0.7f, out, &n_unet);
    float *ref = load(REF, "unet_kohya");
    double e = rel_err(out, ref, 2 * 384);
    printf("  kohya UNet at 0.7: max rel err %.2e, %zu modules applied\n", e, n_unet);
    CHECK(e < TOL);
    CHECK_INT(n_unet, 32 + 2); /* 8 attentions x 4 projections, two convolutions: every module found */
    free(ref);
    te_with(KOHYA, 0.7f, te, &n_te);
    ref = load(REF, "te_kohya");
    e = rel_err(te, ref, 2 * 77 * 32);
    printf("  kohya text encoder at 0.7: max rel err %.2e\n", e);
    CHECK(e < TOL);
    CHECK_INT(n_te, 2 * 2 * 4); /* two prompts x two layers x four projections */
    free(ref);
}

TEST(diffusers_peft_matches_peft)
{
    float out[2 * 384], te[2 * 77 * 32];
    unet_with(DIFF, 1.0f, out, NULL);
    float *ref = load(REF, "unet_peft");
    double e = rel_err(out, ref, 2 * 384);
    printf("  diffusers/PEFT UNet: max rel err %.2e\n", e);
    CHECK(e < TOL);
    free(ref);
    te_with(DIFF, 1.0f, te, NULL);
    ref = load(REF, "te_peft");
    e = rel_err(te, ref, 2 * 77 * 32);
    printf("  diffusers/PEFT text encoder: max rel err %.2e\n", e);
    CHECK(e < TOL);
    free(ref);
    /* and the bare model is another answer: the LoRA did something */
    float bare[2 * 384];
    unet_with(NULL, 0, bare, NULL);
    CHECK(rel_err(bare, out, 2 * 384) > 1e-2);
}

/* A PEFT folder keeps the scales in adapter_config.json (lora_alpha 6 of
 * r 4, a rank_pattern and two alpha_patterns): the folder and its
 * adapter_model.safetensors equal peft's forward; without the config
 * (scale 1) they would not. */
TEST(peft_folder_scales_from_adapter_config)
{
    float out[2 * 384], file[2 * 384];
    size_t n = 0;
    unet_with(PEFT, 1.0f, out, &n);
    float *ref = load(REF, "unet_peft_cfg");
    double e = rel_err(out, ref, 2 * 384);
    printf("  PEFT folder (lora_alpha 6, r 4, patterns): max rel err %.2e, %zu modules\n", e, n);
    CHECK(e < 1e-4);
    CHECK_INT(n, 32);
    unet_with(PEFT "/adapter_model.safetensors", 1.0f, file, NULL);
    CHECK(rel_err(file, ref, 2 * 384) < 1e-4);
    /* the same tensors copied away from their config are scale 1: another answer */
    char path[300];
    snprintf(path, sizeof path, "%s/alone.safetensors", t_tmpdir());
    size_t len = 0;
    char *bytes = t_slurp(PEFT "/adapter_model.safetensors", &len);
    REQUIRE(bytes);
    FILE *f = fopen(path, "wb");
    REQUIRE(f && fwrite(bytes, 1, len, f) == len && fclose(f) == 0);
    free(bytes);
    unet_with(path, 1.0f, file, NULL);
    e = rel_err(file, ref, 2 * 384);
    printf("  the same tensors without their config (scale 1): max rel err %.2e\n", e);
    CHECK(e > 1e-3);
    free(ref);
}

/* diffusers' lora_adapter_metadata (each component's LoraConfig in the
 * safetensors header: UNet scale 2, text encoder 1.5) against a float64
 * pipeline after load_lora_weights; the same tensors without it
 * (diffusers.safetensors) are scale 1, another answer. */
TEST(diffusers_header_metadata_scales_like_load_lora_weights)
{
    float out[2 * 384], te[2 * 77 * 32];
    unet_with("tests/engine/lora/diffusers_meta.safetensors", 1.0f, out, NULL);
    float *ref = load(REF, "unet_meta");
    double e = rel_err(out, ref, 2 * 384);
    printf("  diffusers file with lora_adapter_metadata, UNet: max rel err %.2e\n", e);
    CHECK(e < 1e-4);
    float plain[2 * 384];
    unet_with(DIFF, 1.0f, plain, NULL);
    CHECK(rel_err(plain, ref, 2 * 384) > 1e-3);
    free(ref);
    te_with("tests/engine/lora/diffusers_meta.safetensors", 1.0f, te, NULL);
    ref = load(REF, "te_meta");
    e = rel_err(te, ref, 2 * 77 * 32);
    printf("  diffusers file with lora_adapter_metadata, text encoder: max rel err %.2e\n", e);
    CHECK(e < 1e-4);
    free(ref);
    /* the header's config malformed (r 0): the file, the metadata and the field */
    size_t len = 0;
    char *bytes = t_slurp("tests/engine/lora/diffusers_meta.safetensors", &len), path[300];
    REQUIRE(bytes);
    char *at = memmem(bytes, len, "unet.r\\\": 4", 11);
    REQUIRE(at);
    at[10] = '0';
    snprintf(path, sizeof path, "%s/bad_meta.safetensors", t_tmpdir());
    FILE *f = fopen(path, "wb");
    REQUIRE(f && fwrite(bytes, 1, len, f) == len && fclose(f) == 0);
    free(bytes);
    sdlora *l = NULL;
    lserr err = {0};
    CHECK_INT(sdlora_load(path, &l, &err), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(err.msg, "bad_meta.safetensors (lora_adapter_metadata, unet.*): field \"r\" is not a rank");
    CHECK(l == NULL);
}

/* A folder whose adapter_config.json is malformed: the file and the field. */
TEST(malformed_adapter_config_names_file_and_field)
{
    static const struct {
        const char *json;
        longsd_status rc;
        const char *want;
    } cases[] = {
        {"{\"r\": 4, \"lora_alpha\": \"six\"}", LONGSD_ERR_MODEL, "field \"lora_alpha\" is not a finite number"},
        {"{\"r\": 0}", LONGSD_ERR_MODEL, "field \"r\" is not a rank"},
        {"{\"r\": 4.5}", LONGSD_ERR_MODEL, "field \"r\" is not a rank"},
        {"{\"r\": 8, \"lora_alpha\": 6}", LONGSD_ERR_MODEL, "field \"r\" gives module"},
        {"{\"r\": 4, \"rank_pattern\": [2]}", LONGSD_ERR_MODEL, "field \"rank_pattern\" is not an object"},
        {"{\"r\": 4, \"rank_pattern\": {\"to_k\": 2}}", LONGSD_ERR_MODEL,
         "field \"rank_pattern\", pattern \"to_k\", gives module"},
        {"{\"r\": 4, \"alpha_pattern\": {\"to_(k\": 2}}", LONGSD_ERR_MODEL,
         "field \"alpha_pattern\", pattern \"to_(k\" is not a regular expression"},
        {"{\"r\": 4, \"alpha_pattern\": {\"to_k\": null}}", LONGSD_ERR_MODEL,
         "field \"alpha_pattern\", pattern \"to_k\": not a finite number"},
        {"{\"r\": 4, \"use_dora\": true}", LONGSD_ERR_UNSUPPORTED, "field \"use_dora\" is true"},
        {"{\"peft_type\": \"LOHA\"}", LONGSD_ERR_UNSUPPORTED, "field \"peft_type\" is \"LOHA\""},
        {"{\"r\": 4,", LONGSD_ERR_MODEL, "not a JSON object"},
    };
    char dir[300], path[340];
    snprintf(dir, sizeof dir, "%s/adapter", t_tmpdir());
    REQUIRE(mkdir(dir, 0700) == 0);
    size_t len = 0;
    char *bytes = t_slurp(PEFT "/adapter_model.safetensors", &len);
    REQUIRE(bytes);
    snprintf(path, sizeof path, "%s/adapter_model.safetensors", dir);
    FILE *f = fopen(path, "wb");
    REQUIRE(f && fwrite(bytes, 1, len, f) == len && fclose(f) == 0);
    free(bytes);
    snprintf(path, sizeof path, "%s/adapter_config.json", dir);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        f = fopen(path, "wb");
        REQUIRE(f && fputs(cases[i].json, f) >= 0 && fclose(f) == 0);
        sdlora *l = NULL;
        lserr err = {0};
        longsd_status rc = sdlora_load(dir, &l, &err);
        if (rc != cases[i].rc || !strstr(err.msg, cases[i].want) || !strstr(err.msg, "adapter/adapter_config.json: "))
            fprintf(stderr, "  case %zu: rc %d \"%s\"\n", i, (int)rc, err.msg);
        CHECK(rc == cases[i].rc && strstr(err.msg, cases[i].want) && strstr(err.msg, "adapter/adapter_config.json: "));
        CHECK(l == NULL);
    }
    /* a folder without weights */
    CHECK(remove(path) == 0);
    snprintf(path, sizeof path, "%s/adapter_model.safetensors", dir);
    CHECK(remove(path) == 0);
    sdlora *l = NULL;
    lserr err = {0};
    CHECK_INT(sdlora_load(dir, &l, &err), LONGSD_ERR_NOT_FOUND);
    CHECK_CONTAINS(err.msg, "a folder without adapter_model.safetensors");
}

TEST(pipeline_tags_params_and_undo)
{
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, "tests/engine/tiny-sd") == LONGSD_OK);
    longsd_sd_params p = longsd_sd_default_params();
    p.width = 24;
    p.height = 16;
    p.steps = 2;
    p.seed = 5;
    p.prompt = "a red fox";
    float bare[384], tagged[384], listed[384], after[384];
    REQUIRE(longsd_sd_generate(sd, &p, bare, NULL) == LONGSD_OK);
    p.prompt = "a red fox<lora:kohya:0.7>";
    p.lora_dir = "tests/engine/lora";
    REQUIRE(longsd_sd_generate(sd, &p, tagged, NULL) == LONGSD_OK);
    CHECK(rel_err(tagged, bare, 384) > 1e-3);
    longsd_sd_lora l = {KOHYA, 0.7f};
    p.prompt = "a red fox";
    p.loras = &l;
    p.n_loras = 1;
    REQUIRE(longsd_sd_generate(sd, &p, listed, NULL) == LONGSD_OK);
    CHECK(memcmp(tagged, listed, sizeof tagged) == 0); /* the tag left the prompt's text */
    p.loras = NULL;
    p.n_loras = 0;
    REQUIRE(longsd_sd_generate(sd, &p, after, NULL) == LONGSD_OK);
    CHECK(memcmp(after, bare, sizeof bare) == 0); /* undone */
    p.prompt = "a red fox <lora:nosuch:1>";
    CHECK_INT(longsd_sd_generate(sd, &p, after, NULL), LONGSD_ERR_NOT_FOUND);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "LoRA \"nosuch\" not found");
    p.prompt = "a red fox <lora:kohya:lots>";
    CHECK_INT(longsd_sd_generate(sd, &p, after, NULL), LONGSD_ERR_PARAM);
    CHECK_CONTAINS(longsd_sd_errmsg(sd), "\"lots\" at byte 22");
    longsd_sd_free(sd);
}

TEST(tags)
{
    char *clean = NULL;
    sdlora_tag *t = NULL;
    size_t n = 0;
    lserr err = {0};
    REQUIRE(sdlora_tags("<lora:ink:0.5>a cat, <lora:b> (x:1.2) <lora:open", &clean, &t, &n, &err) == LONGSD_OK);
    CHECK_STR(clean, "a cat,  (x:1.2) <lora:open");
    REQUIRE(n == 2);
    CHECK_STR(t[0].name, "ink");
    CHECK(t[0].weight == 0.5f);
    CHECK_STR(t[1].name, "b");
    CHECK(t[1].weight == 1.0f);
    longsd__free(clean);
    sdlora_tags_free(t, n);
    CHECK_INT(sdlora_tags("x <lora::1>", &clean, &t, &n, &err), LONGSD_ERR_PARAM);
    CHECK_CONTAINS(err.msg, "has no name");
    CHECK(clean == NULL && t == NULL && n == 0);
}

/* A safetensors file in memory of F32 tensors (name, dims..., 0-terminated). */
typedef struct {
    const char *name;
    int shape[4];
    float fill;
} tdef;

static void write_st(const char *path, const tdef *d, int nd)
{
    char hdr[4096];
    size_t off = 0, h = 0;
    h += (size_t)snprintf(hdr + h, sizeof hdr - h, "{");
    for (int i = 0; i < nd; i++) {
        size_t numel = 1;
        char shp[64] = "";
        for (int k = 0; k < 4 && d[i].shape[k]; k++) {
            numel *= (size_t)d[i].shape[k];
            snprintf(shp + strlen(shp), sizeof shp - strlen(shp), "%s%d", k ? "," : "", d[i].shape[k]);
        }
        if (d[i].shape[0] == -1) {
            numel = 1;
            shp[0] = '\0';
        }
        h += (size_t)snprintf(hdr + h, sizeof hdr - h, "%s\"%s\":{\"dtype\":\"F32\",\"shape\":[%s],\"data_offsets\":[%zu,%zu]}",
                              i ? "," : "", d[i].name, shp, off, off + 4 * numel);
        off += 4 * numel;
    }
    h += (size_t)snprintf(hdr + h, sizeof hdr - h, "}");
    FILE *f = fopen(path, "wb");
    REQUIRE(f);
    uint64_t hl = h;
    fwrite(&hl, 8, 1, f);
    fwrite(hdr, 1, h, f);
    for (int i = 0; i < nd; i++) {
        size_t numel = 1;
        for (int k = 0; k < 4 && d[i].shape[k] > 0; k++)
            numel *= (size_t)d[i].shape[k];
        for (size_t k = 0; k < numel; k++)
            fwrite(&d[i].fill, 4, 1, f);
    }
    fclose(f);
}

/* One generation of model (a folder) with the LoRA file of defs: the
 * status, the message in err (cap bytes). */
static longsd_status generate_with(const char *model, const tdef *d, int nd, char *msg, size_t cap)
{
    char path[300];
    snprintf(path, sizeof path, "%s/bad.safetensors", t_tmpdir());
    write_st(path, d, nd);
    longsd_sd *sd = longsd_sd_new();
    REQUIRE(sd && longsd_sd_load(sd, model) == LONGSD_OK);
    longsd_sd_params p = longsd_sd_default_params();
    p.width = 24;
    p.height = 16;
    p.steps = 1;
    p.prompt = "a fox";
    longsd_sd_lora l = {path, 0.5f};
    p.loras = &l;
    p.n_loras = 1;
    float lat[384];
    longsd_status rc = longsd_sd_generate(sd, &p, lat, NULL);
    snprintf(msg, cap, "%s", rc == LONGSD_OK ? "" : longsd_sd_errmsg(sd));
    longsd_sd_free(sd);
    return rc;
}

TEST(malformed_files_name_file_and_tensor)
{
    static const struct {
        tdef t[3];
        int n;
        longsd_status rc;
        const char *want;
    } cases[] = {
        {{{"lora_unet_a_b.lora_down.weight", {4, 16}, 1}}, 1, LONGSD_ERR_MODEL,
         "tensor 'lora_unet_a_b.lora_down.weight' has no up"},
        {{{"lora_unet_a_b.lora_down.weight", {4, 16}, 1}, {"lora_unet_a_b.lora_up.weight", {16, 3}, 1}}, 2,
         LONGSD_ERR_MODEL, "are not a LoRA pair"},
        {{{"lora_unet_a_b.lora_down.weight", {4, 16}, 1}, {"lora_unet_a_b.lora_up.weight", {16, 4}, NAN}}, 2,
         LONGSD_ERR_MODEL, "tensor 'lora_unet_a_b.lora_up.weight' holds a NaN"},
        {{{"lora_unet_a_b.lora_down.weight", {4, 16}, 1},
          {"lora_unet_a_b.lora_up.weight", {16, 4}, 1},
          {"lora_unet_a_b.alpha", {2}, 1}},
         3, LONGSD_ERR_MODEL, "tensor 'lora_unet_a_b.alpha' is not one finite number"},
        {{{"model.diffusion_model.x.weight", {4}, 1}}, 1, LONGSD_ERR_MODEL,
         "tensor 'model.diffusion_model.x.weight' is not a LoRA tensor"},
        {{{"lora_unet_a.hada_w1_a", {4, 4}, 1}}, 1, LONGSD_ERR_UNSUPPORTED, "tensor 'lora_unet_a.hada_w1_a'"},
    };
    char path[300];
    snprintf(path, sizeof path, "%s/bad.safetensors", t_tmpdir());
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        write_st(path, cases[i].t, cases[i].n);
        sdlora *l = NULL;
        lserr err = {0};
        longsd_status rc = sdlora_load(path, &l, &err);
        if (rc != cases[i].rc || !strstr(err.msg, cases[i].want) || !strstr(err.msg, "bad.safetensors: "))
            fprintf(stderr, "  case %zu: rc %d \"%s\"\n", i, (int)rc, err.msg);
        CHECK(rc == cases[i].rc && strstr(err.msg, cases[i].want) && strstr(err.msg, "bad.safetensors: "));
        CHECK(l == NULL);
    }
    /* a malformed LoRA fails the image it was asked for, not the model
     * (LONGSD_ERR_PARAM: the pool sets no backend aside for it) */
    {
        static const tdef nan_up[2] = {{"lora_unet_a_b.lora_down.weight", {4, 16}, 1},
                                       {"lora_unet_a_b.lora_up.weight", {16, 4}, NAN}};
        char msg[1024];
        CHECK_INT(generate_with("tests/engine/tiny-sd", nan_up, 2, msg, sizeof msg), LONGSD_ERR_PARAM);
        CHECK_CONTAINS(msg, "bad.safetensors: tensor 'lora_unet_a_b.lora_up.weight' holds a NaN");
    }
    /* a pair that fits no layer of the model: named when the layer is read,
     * LONGSD_ERR_UNSUPPORTED (a LoRA for another model: another backend may
     * have the model it is for) */
    static const tdef wrong[2] = {{"lora_unet_conv_in.lora_down.weight", {2, 5}, 1},
                                  {"lora_unet_conv_in.lora_up.weight", {3, 2}, 1}};
    char msg[1024];
    CHECK_INT(generate_with("tests/engine/tiny-sd", wrong, 2, msg, sizeof msg), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(msg, "bad.safetensors: tensor 'lora_unet_conv_in.lora_down.weight' makes a 3x5 "
                        "update but the model's 'conv_in.weight' has 576 weights");
}

TEST(malformed_sdxl_loras_name_file_and_tensor)
{
    char msg[1024];
    /* kohya's SGM name of a real layer, the wrong shape */
    static const tdef shape[2] = {{"lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_down.weight", {2, 5}, 1},
                                  {"lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_up.weight", {3, 2}, 1}};
    CHECK_INT(generate_with("tests/engine/tiny-sdxl", shape, 2, msg, sizeof msg), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(msg, "bad.safetensors: tensor 'lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q.lora_down"
                        ".weight' makes a 3x5 update but the model's 'down_blocks.1.attentions.0.transformer_blocks.0."
                        "attn1.to_q.weight' has 256 weights");
    /* a transformer depth the model does not have */
    static const tdef deep[3] = {{"lora_unet_input_blocks_4_1_transformer_blocks_3_attn1_to_q.alpha", {-1}, 2},
                                 {"lora_unet_input_blocks_4_1_transformer_blocks_3_attn1_to_q.lora_up.weight", {16, 2}, 1},
                                 {"lora_unet_input_blocks_4_1_transformer_blocks_3_attn1_to_q.lora_down.weight", {2, 16}, 1}};
    CHECK_INT(generate_with("tests/engine/tiny-sdxl", deep, 3, msg, sizeof msg), LONGSD_ERR_UNSUPPORTED);
    /* the down matrix is named, though the alpha and the up come first */
    CHECK_CONTAINS(msg, "bad.safetensors: tensor 'lora_unet_input_blocks_4_1_transformer_blocks_3_attn1_to_q.lora_down"
                        ".weight' names");
    CHECK_CONTAINS(msg, "names no layer of the model's UNet");
    /* bigG has 3 layers here, not 8 */
    static const tdef te2[2] = {{"lora_te2_text_model_encoder_layers_7_self_attn_q_proj.lora_down.weight", {2, 32}, 1},
                                {"lora_te2_text_model_encoder_layers_7_self_attn_q_proj.lora_up.weight", {32, 2}, 1}};
    CHECK_INT(generate_with("tests/engine/tiny-sdxl", te2, 2, msg, sizeof msg), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(msg, "bad.safetensors: tensor 'lora_te2_text_model_encoder_layers_7_self_attn_q_proj.lora_");
    CHECK_CONTAINS(msg, "names no layer of the model's second text encoder (OpenCLIP bigG)");
    /* the same file on SD 1.x, which has one text encoder */
    CHECK_INT(generate_with("tests/engine/tiny-sd", te2, 2, msg, sizeof msg), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(msg, "bad.safetensors: tensor 'lora_te2_text_model_encoder_layers_7_self_attn_q_proj.lora_");
    CHECK_CONTAINS(msg, "is for SDXL's second text encoder");
    /* SDXL's added embedding on SD 1.x, which has none: not silently dropped either */
    static const tdef label[2] = {{"lora_unet_label_emb_0_0.lora_down.weight", {2, 72}, 1},
                                  {"lora_unet_label_emb_0_0.lora_up.weight", {32, 2}, 1}};
    CHECK_INT(generate_with("tests/engine/tiny-sd", label, 2, msg, sizeof msg), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(msg, "bad.safetensors: tensor 'lora_unet_label_emb_0_0.lora_");
    CHECK_CONTAINS(msg, "names no layer of the model's UNet");
    /* the original names reach SD 1.x's layers too: an SD 1.x-shaped cross
     * attention key (context 32) on SDXL's (56) is the wrong shape there */
    static const tdef sgm[2] = {{"lora_unet_middle_block_1_transformer_blocks_0_attn2_to_k.lora_down.weight", {2, 32}, 1},
                                {"lora_unet_middle_block_1_transformer_blocks_0_attn2_to_k.lora_up.weight", {16, 2}, 1}};
    CHECK_INT(generate_with("tests/engine/tiny-sdxl", sgm, 2, msg, sizeof msg), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(msg, "makes a 16x32 update but the model's 'mid_block.attentions.0.transformer_blocks.0.attn2.to_k."
                        "weight' has 896 weights");
}

RUN_TESTS(kohya_and_locon_match_the_hand_merge, kohya_merges_into_a_packed_in_proj, diffusers_peft_matches_peft,
          peft_folder_scales_from_adapter_config, malformed_adapter_config_names_file_and_field,
          diffusers_header_metadata_scales_like_load_lora_weights,
          pipeline_tags_params_and_undo, tags, malformed_files_name_file_and_tensor,
          malformed_sdxl_loras_name_file_and_tensor)
