/* test_engine_gguf.c - the GGUF reader (src/engine/gguf.c) and GGUF files
 * as models. Fixtures from tests/engine/make_gguf_fixtures.py (ggml's own
 * Python writer): the tiny-sd folder as stable-diffusion.cpp-style single
 * files in f16, q8_0 and q4_0, and blocks.gguf with one tensor of every
 * block type beside the package's own dequantisation of it. */
#include <jansson.h>
#include <math.h>

#include "compvis.h"
#include "gguf.h"
#include "nets.h"
#include "safetensors.h"
#include "sd.h"
#include "t.h"
#include "t_engine.h"

#define MODEL "tests/engine/tiny-sd"
#define GG "tests/engine/gguf"

/* Fixed inputs for the three networks (no RNG: a pattern). */
#define UH 8
#define UW 8
static void inputs(float *x, float *ctx, float *z, int32_t *ids)
{
    for (int i = 0; i < 4 * UH * UW; i++)
        x[i] = sinf(0.37f * (float)i);
    for (int i = 0; i < 77 * 32; i++)
        ctx[i] = cosf(0.11f * (float)i);
    for (int i = 0; i < 4 * 4 * 6; i++)
        z[i] = sinf(0.23f * (float)i + 1.0f);
    for (int i = 0; i < 77; i++)
        ids[i] = i < 5 ? (int32_t)(1 + 97 * i % 1500) : 1513;
}

typedef struct {
    float te[77 * 32], unet[4 * UH * UW], img[3 * 8 * 12];
} outs;

/* Run the text encoder, the UNet and the VAE decoder; f == NULL: the folder. */
static void run_nets(const sdst_file *f, outs *o)
{
    lserr err = {0};
    sdclip_cfg cc;
    sdunet_cfg uc;
    sdvae_cfg vc;
    REQUIRE(sdclip_cfg_load(MODEL "/text_encoder/config.json", &cc, &err) == LONGSD_OK);
    REQUIRE(sdunet_cfg_load(MODEL "/unet/config.json", &uc, &err) == LONGSD_OK);
    REQUIRE(sdvae_cfg_load(MODEL "/vae/config.json", &vc, &err) == LONGSD_OK);
    sdst_file *te = NULL, *un = NULL, *va = NULL;
    const char *tp = SDCV_CLIP_PREFIX, *up = SDCV_UNET_PREFIX, *vp = SDCV_VAE_PREFIX;
    if (!f) {
        REQUIRE(sdst_open(MODEL "/text_encoder/model.safetensors", &te, &err) == LONGSD_OK);
        REQUIRE(sdst_open(MODEL "/unet/diffusion_pytorch_model.safetensors", &un, &err) == LONGSD_OK);
        REQUIRE(sdst_open(MODEL "/vae/diffusion_pytorch_model.safetensors", &va, &err) == LONGSD_OK);
        tp = sdst_find(te, "text_model.final_layer_norm.weight") ? "text_model." : "";
        up = vp = "";
    }
    float x[4 * UH * UW], ctx[77 * 32], z[4 * 4 * 6];
    int32_t ids[77];
    inputs(x, ctx, z, ids);
    sdarena a;
    sdarena_init(&a, 0);
    longsd_status rc = sdclip_forward(&cc, f ? f : te, tp, &a, ids, o->te, &err);
    if (rc == LONGSD_OK)
        rc = sdunet_forward(&uc, f ? f : un, up, &a, x, 1, UH, UW, 500.0f, ctx, 77, o->unet, NULL, &err);
    if (rc == LONGSD_OK)
        rc = sdvae_decode(&vc, f ? f : va, vp, &a, z, 4, 6, o->img, NULL, &err);
    if (rc != LONGSD_OK)
        fprintf(stderr, "  %s\n", err.msg);
    CHECK_INT(rc, LONGSD_OK);
    sdarena_free(&a);
    sdst_close(te);
    sdst_close(un);
    sdst_close(va);
}

static sdst_file *open_gguf(const char *path)
{
    sdst_file *f = NULL;
    lserr err = {0};
    if (sdst_open(path, &f, &err) != LONGSD_OK)
        fprintf(stderr, "  %s\n", err.msg);
    REQUIRE(f);
    CHECK(sdst_is_gguf(f));
    return f;
}

/* Every tensor of tiny-f16.gguf against the folder's: the same values
 * (F16 and BF16 copied, F32 matrices rounded to F16 as numpy rounds them:
 * to nearest, ties to even), under the CompVis name and shape. */
TEST(f16_tensors_match_folder)
{
    sdst_file *g = open_gguf(GG "/tiny-f16.gguf");
    const char *files[3][2] = {{"unet", MODEL "/unet/diffusion_pytorch_model.safetensors"},
                               {"vae", MODEL "/vae/diffusion_pytorch_model.safetensors"},
                               {"text_encoder", MODEL "/text_encoder/model.safetensors"}};
    sdst_file *f[3];
    lserr err = {0};
    for (int i = 0; i < 3; i++)
        REQUIRE(sdst_open(files[i][1], &f[i], &err) == LONGSD_OK);
    json_t *rows = json_load_file("tests/engine/compvis_names.json", 0, NULL);
    REQUIRE(rows);
    CHECK_INT((long)sdst_count(g), (long)json_array_size(rows));
    size_t i, bad = 0, f16_from_f32 = 0;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *comp = json_string_value(json_object_get(row, "component"));
        int k = strcmp(comp, "unet") == 0 ? 0 : strcmp(comp, "vae") == 0 ? 1 : 2;
        const sdst_tensor *s = sdst_find(f[k], json_string_value(json_object_get(row, "diffusers")));
        const sdst_tensor *t = sdst_find(g, json_string_value(json_object_get(row, "compvis")));
        REQUIRE(s && t);
        json_t *shape = json_object_get(row, "shape");
        int same_shape = (size_t)t->ndim == json_array_size(shape);
        for (int d = 0; same_shape && d < t->ndim; d++)
            same_shape = t->shape[d] == json_integer_value(json_array_get(shape, (size_t)d));
        CHECK(same_shape);
        REQUIRE(s->numel == t->numel);
        float *a = malloc(s->numel * sizeof *a), *b = malloc(s->numel * sizeof *b);
        REQUIRE(a && b);
        REQUIRE(sdst_to_f32(f[k], s, a, s->numel, &err) == LONGSD_OK);
        REQUIRE(sdst_to_f32(g, t, b, t->numel, &err) == LONGSD_OK);
        if (s->dtype == SDST_F32 && t->dtype == SDST_F16) {
            f16_from_f32++;
            for (size_t j = 0; j < s->numel; j++)
                a[j] = (float)(_Float16)a[j];
        } else {
            CHECK_INT(t->dtype, s->dtype);
        }
        if (memcmp(a, b, s->numel * sizeof *a) != 0)
            bad++;
        free(a);
        free(b);
    }
    CHECK_INT((long)bad, 0);
    CHECK(f16_from_f32 > 0); /* the text encoder's matrices */
    json_decref(rows);
    for (int k = 0; k < 3; k++)
        sdst_close(f[k]);
    sdst_close(g);
}

/* The folder's text encoder with each matrix rounded to F16 where
 * tiny-f16.gguf has it as F16, written as an F32 safetensors file with the
 * diffusers names: the same numbers through the other reader. */
static void write_rounded_te(const char *path, const sdst_file *g)
{
    lserr err = {0};
    sdst_file *te = NULL;
    REQUIRE(sdst_open(MODEL "/text_encoder/model.safetensors", &te, &err) == LONGSD_OK);
    json_t *hdr = json_object();
    size_t off = 0, n = sdst_count(te);
    float **vals = calloc(n, sizeof *vals);
    REQUIRE(hdr && vals);
    for (size_t i = 0; i < n; i++) {
        const sdst_tensor *t = sdst_at(te, i);
        char gname[512];
        snprintf(gname, sizeof gname, "%s%s", SDCV_CLIP_PREFIX, t->name);
        const sdst_tensor *gt = sdst_find(g, gname);
        REQUIRE(gt);
        vals[i] = malloc(t->numel * sizeof **vals);
        REQUIRE(vals[i] && sdst_to_f32(te, t, vals[i], t->numel, &err) == LONGSD_OK);
        if (gt->dtype == SDST_F16)
            for (size_t j = 0; j < t->numel; j++)
                vals[i][j] = (float)(_Float16)vals[i][j];
        json_t *shape = json_array();
        for (int d = 0; d < t->ndim; d++)
            json_array_append_new(shape, json_integer(t->shape[d]));
        json_object_set_new(hdr, t->name,
                            json_pack("{s:s, s:o, s:[I, I]}", "dtype", "F32", "shape", shape, "data_offsets",
                                      (json_int_t)off, (json_int_t)(off + 4 * t->numel)));
        off += 4 * t->numel;
    }
    char *h = json_dumps(hdr, JSON_COMPACT);
    REQUIRE(h);
    size_t hl = strlen(h), hp = (hl + 7) / 8 * 8;
    FILE *out = fopen(path, "wb");
    REQUIRE(out);
    for (int b = 0; b < 8; b++)
        fputc((int)((uint64_t)hp >> (8 * b) & 0xff), out);
    fwrite(h, 1, hl, out);
    for (size_t b = hl; b < hp; b++)
        fputc(' ', out);
    for (size_t i = 0; i < n; i++) {
        fwrite(vals[i], sizeof **vals, sdst_at(te, i)->numel, out);
        free(vals[i]);
    }
    fclose(out);
    free(vals);
    free(h);
    json_decref(hdr);
    sdst_close(te);
}

/* The UNet and VAE of tiny-f16.gguf hold the folder's own F16 / BF16 bits:
 * their outputs are bit-exact. The text encoder's F32 matrices were
 * rounded to F16: it is bit-exact against the folder's text encoder with
 * the same rounding, and 5e-4 from the unrounded one. */
TEST(f16_gguf_outputs_match_folder)
{
    static outs a, b;
    run_nets(NULL, &a);
    sdst_file *g = open_gguf(GG "/tiny-f16.gguf");
    run_nets(g, &b);
    CHECK(memcmp(a.unet, b.unet, sizeof a.unet) == 0);
    CHECK(memcmp(a.img, b.img, sizeof a.img) == 0);
    double e = rel_err(b.te, a.te, 77 * 32);
    printf("  f16 text encoder vs f32: max rel err %.2e\n", e);
    CHECK(e > 0 && e < 1e-2);

    char path[512];
    snprintf(path, sizeof path, "%s/te-f16-rounded.safetensors", t_tmpdir());
    write_rounded_te(path, g);
    lserr err = {0};
    sdclip_cfg cc;
    REQUIRE(sdclip_cfg_load(MODEL "/text_encoder/config.json", &cc, &err) == LONGSD_OK);
    sdst_file *r = NULL;
    REQUIRE(sdst_open(path, &r, &err) == LONGSD_OK);
    float x[4 * UH * UW], ctx[77 * 32], z[4 * 4 * 6], te[77 * 32];
    int32_t ids[77];
    inputs(x, ctx, z, ids);
    sdarena ar;
    sdarena_init(&ar, 0);
    REQUIRE(sdclip_forward(&cc, r, "", &ar, ids, te, &err) == LONGSD_OK);
    CHECK(memcmp(te, b.te, sizeof te) == 0);
    sdarena_free(&ar);
    sdst_close(r);
    sdst_close(g);
}

/* q8_0 / q4_0 models against the folder (f32 maths on the same inputs).
 * Measured on x86-64 (max |q - f32| / max |f32|): q8_0 text encoder
 * 1.3e-2, UNet 1.6e-3; q4_0 2.3e-1 and 3.3e-2 (the tiny text encoder's
 * random 32-wide weights suffer most). Tolerances with a margin: q8_0
 * < 3e-2, q4_0 < 5e-1 (4 bits is lossy: this says it runs, not that it
 * is exact). */
TEST(quantized_outputs_near_folder)
{
    static outs ref, q;
    run_nets(NULL, &ref);
    const char *files[2] = {GG "/tiny-q8_0.gguf", GG "/tiny-q4_0.gguf"};
    const double tol[2] = {3e-2, 5e-1};
    const sdst_dtype want[2] = {SDST_Q8_0, SDST_Q4_0};
    for (int k = 0; k < 2; k++) {
        sdst_file *g = open_gguf(files[k]);
        const sdst_tensor *t = sdst_find(g, SDCV_CLIP_PREFIX "encoder.layers.0.mlp.fc1.weight");
        REQUIRE(t);
        CHECK_INT(t->dtype, want[k]);
        t = sdst_find(g, SDCV_UNET_PREFIX "middle_block.1.transformer_blocks.0.attn1.to_q.weight");
        REQUIRE(t);
        CHECK_INT(t->dtype, want[k]);
        run_nets(g, &q);
        double et = rel_err(q.te, ref.te, 77 * 32), eu = rel_err(q.unet, ref.unet, 4 * UH * UW),
               ev = rel_err(q.img, ref.img, 3 * 8 * 12);
        printf("  %s: text encoder %.2e, unet %.2e, vae %.2e (max rel err vs the folder)\n", files[k], et, eu, ev);
        CHECK(et > 0 && et < tol[k]);
        CHECK(eu > 0 && eu < tol[k]);
        CHECK(memcmp(q.img, ref.img, sizeof q.img) == 0); /* the VAE has no matrix with a 32-multiple row */
        sdst_close(g);
    }
}

/* The whole pipeline through longsd_sd_load_file, the call behind
 * `--backend native=FILE.gguf`. */
TEST(gguf_single_file_generates)
{
    longsd_sd *a = longsd_sd_new(), *b = longsd_sd_new();
    REQUIRE(a && b);
    REQUIRE(longsd_sd_load(a, MODEL) == LONGSD_OK);
    longsd_sd_params p = longsd_sd_default_params();
    p.prompt = "a castle";
    p.width = 16;
    p.height = 16;
    p.steps = 2;
    p.sampler = LONGSD_SAMPLER_DPMPP_2M;
    static float la[4 * 8 * 8], lb[4 * 8 * 8];
    static uint8_t ra[16 * 16 * 3], rb[16 * 16 * 3];
    REQUIRE(longsd_sd_generate(a, &p, la, ra) == LONGSD_OK);
    const char *files[2] = {GG "/tiny-f16.gguf", GG "/tiny-q8_0.gguf"};
    for (int k = 0; k < 2; k++) {
        if (longsd_sd_load_file(b, files[k], MODEL "/tokenizer", MODEL) != LONGSD_OK)
            fprintf(stderr, "  %s\n", longsd_sd_errmsg(b));
        longsd_status rc = longsd_sd_generate(b, &p, lb, rb);
        if (rc != LONGSD_OK)
            fprintf(stderr, "  %s\n", longsd_sd_errmsg(b));
        REQUIRE(rc == LONGSD_OK);
        double e = rel_err(lb, la, 4 * 8 * 8);
        printf("  %s: latents max rel err vs the folder %.2e\n", files[k], e);
        CHECK(e < 2e-2);
    }
    /* SD 1.5's shapes (no config_dir) do not fit the tiny file: the usual clear error */
    CHECK_INT(longsd_sd_load_file(b, GG "/tiny-q4_0.gguf", MODEL "/tokenizer", NULL), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(longsd_sd_errmsg(b), "the tokenizer has 1514 tokens, the text encoder 49408");
    CHECK_INT(longsd_sd_load_file(b, GG "/blocks.gguf", MODEL "/tokenizer", MODEL), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(longsd_sd_errmsg(b), "not an SD 1.x or 2.x single-file checkpoint");
    longsd_sd_free(a);
    longsd_sd_free(b);
}

/* Dequantisation of every block type equals the gguf package's, bit for
 * bit, whole and from slices that start and end inside a block. */
TEST(blocks_match_reference)
{
    sdst_file *f = open_gguf(GG "/blocks.gguf");
    const char *names[] = {"q8_0", "q4_0", "q4_1", "q5_0", "q5_1"};
    const sdst_dtype dts[] = {SDST_Q8_0, SDST_Q4_0, SDST_Q4_1, SDST_Q5_0, SDST_Q5_1};
    lserr err = {0};
    const sdst_tensor *src = sdst_find(f, "ref.src");
    REQUIRE(src && src->numel == 192);
    float x[192];
    REQUIRE(sdst_to_f32(f, src, x, 192, &err) == LONGSD_OK);
    for (int k = 0; k < 5; k++) {
        char rn[32];
        snprintf(rn, sizeof rn, "ref.%s", names[k]);
        const sdst_tensor *q = sdst_find(f, names[k]), *r = sdst_find(f, rn);
        REQUIRE(q && r);
        CHECK_INT(q->dtype, dts[k]);
        CHECK_INT(q->ndim, 2);
        CHECK(q->shape[0] == 3 && q->shape[1] == 64);
        CHECK(q->numel == 192 && r->numel == 192);
        float a[192], b[192], s[50];
        REQUIRE(sdst_to_f32(f, q, a, 192, &err) == LONGSD_OK);
        REQUIRE(sdst_to_f32(f, r, b, 192, &err) == LONGSD_OK);
        CHECK(memcmp(a, b, sizeof a) == 0);
        REQUIRE(sdst_slice_to_f32(f, q, 13, 50, s, &err) == LONGSD_OK);
        CHECK(memcmp(s, b + 13, sizeof s) == 0);
        CHECK(a[64] == 0 && a[127] == 0); /* the zero row */
        double e = rel_err(a, x, 192);
        CHECK(e > 0 && e < (k == 0 ? 1e-2 : 1e-1)); /* really a quantisation of the source */
    }
    CHECK_INT(sdst_slice_to_f32(f, sdst_find(f, "q8_0"), 180, 13, x, &err), LONGSD_ERR_PARAM);
    sdst_close(f);
}

TEST(metadata)
{
    size_t n;
    char *d = t_slurp(GG "/blocks.gguf", &n);
    REQUIRE(d);
    gguf_file *g = NULL;
    lserr err = {0};
    REQUIRE(gguf_open_mem(d, n, "blocks.gguf", &g, &err) == LONGSD_OK);
    CHECK_INT((long)gguf_version(g), 3);
    CHECK_INT((long)gguf_alignment(g), 64);
    CHECK_INT((long)(gguf_data_offset(g) % 64), 0);
    CHECK_INT((long)gguf_n_tensors(g), 11);
    const gguf_kv *kv;
    REQUIRE((kv = gguf_find_kv(g, "t.u8")) && kv->type == GGUF_KV_U8);
    CHECK(kv->v.u == 200);
    REQUIRE((kv = gguf_find_kv(g, "t.i8")) && kv->type == GGUF_KV_I8);
    CHECK(kv->v.i == -100);
    REQUIRE((kv = gguf_find_kv(g, "t.u16")) && kv->v.u == 60000);
    REQUIRE((kv = gguf_find_kv(g, "t.i16")) && kv->v.i == -30000);
    REQUIRE((kv = gguf_find_kv(g, "t.u32")) && kv->v.u == 4000000000u);
    REQUIRE((kv = gguf_find_kv(g, "t.i32")) && kv->v.i == -2000000000);
    REQUIRE((kv = gguf_find_kv(g, "t.f32")) && kv->type == GGUF_KV_F32 && kv->v.f == 1.5);
    REQUIRE((kv = gguf_find_kv(g, "t.bool")) && kv->type == GGUF_KV_BOOL && kv->v.u == 1);
    REQUIRE((kv = gguf_find_kv(g, "t.str")) && kv->type == GGUF_KV_STRING);
    CHECK_STR(kv->str, "grüße");
    REQUIRE((kv = gguf_find_kv(g, "t.u64")) && kv->type == GGUF_KV_U64 && kv->v.u == ((uint64_t)1 << 63) + 5);
    REQUIRE((kv = gguf_find_kv(g, "t.i64")) && kv->v.i == -((int64_t)1 << 62));
    REQUIRE((kv = gguf_find_kv(g, "t.f64")) && kv->type == GGUF_KV_F64 && kv->v.f == -0.25);
    REQUIRE((kv = gguf_find_kv(g, "t.arr_i32")) && kv->type == GGUF_KV_ARRAY);
    CHECK(kv->arr_n == 3 && kv->arr_size == 12);
    int32_t v1;
    memcpy(&v1, kv->arr_data + 4, 4);
    CHECK_INT(v1, -2);
    REQUIRE((kv = gguf_find_kv(g, "t.arr_str")) && kv->arr_type == GGUF_KV_STRING && kv->arr_n == 3);
    CHECK(kv->arr_size == 3 * 8 + 3);
    REQUIRE((kv = gguf_find_kv(g, "t.arr_arr")) && kv->arr_type == GGUF_KV_ARRAY && kv->arr_n == 2);
    REQUIRE((kv = gguf_find_kv(g, "general.architecture")) && kv->type == GGUF_KV_STRING);
    CHECK_STR(kv->str, "longsd-test");
    CHECK(gguf_find_kv(g, "t.none") == NULL);
    gguf_close(g);
    /* through the safetensors interface: string metadata only */
    sdst_file *f = open_gguf(GG "/blocks.gguf");
    CHECK_STR(sdst_meta(f, "t.str"), "grüße");
    CHECK(sdst_meta(f, "t.u8") == NULL);
    sdst_close(f);
    /* version 2 has the same layout */
    d[4] = 2;
    REQUIRE(gguf_open_mem(d, n, "v2", &g, &err) == LONGSD_OK);
    CHECK_INT((long)gguf_version(g), 2);
    gguf_close(g);
    free(d);
}

/* Byte offset of the tensor info of name (its u64 length field). */
static size_t info_at(const char *d, size_t n, const char *name)
{
    size_t l = strlen(name);
    for (size_t i = 8; i + 8 + l <= n; i++)
        if ((uint8_t)d[i] == l && !memcmp(d + i + 1, "\0\0\0\0\0\0\0", 7) && !memcmp(d + i + 8, name, l))
            return i;
    REQUIRE(0);
    return 0;
}

static void expect_error_gguf(const char *d, size_t n, longsd_status want, const char *msg)
{
    gguf_file *g = NULL;
    lserr err = {0};
    CHECK_INT(gguf_open_mem(d, n, "bad.gguf", &g, &err), want);
    CHECK(g == NULL);
    CHECK_CONTAINS(err.msg, msg);
}

static void expect_error(const char *d, size_t n, longsd_status want, const char *msg)
{
    gguf_file *g = NULL;
    lserr err = {0};
    CHECK_INT(gguf_open_mem(d, n, "bad.gguf", &g, &err), want);
    CHECK(g == NULL);
    CHECK_CONTAINS(err.msg, msg);
    CHECK_CONTAINS(err.msg, "bad.gguf: ");
    /* and the same through sdst_open_mem (the model loaders' path) */
    sdst_file *f = NULL;
    CHECK_INT(sdst_open_mem(d, n, "bad.gguf", &f, &err), want);
    CHECK_CONTAINS(err.msg, msg);
}

TEST(errors)
{
    size_t n;
    char *orig = t_slurp(GG "/blocks.gguf", &n);
    REQUIRE(orig);
    char *d = malloc(n);
    REQUIRE(d);
    const size_t q4 = info_at(orig, n, "q4_0"), q8 = info_at(orig, n, "q8_0");
    /* n_dims sits after the name, then ne[2], the type and the offset */
    const size_t q4_ndims = q4 + 8 + 4, q4_type = q4_ndims + 4 + 16, q4_off = q4_type + 4;

    for (size_t cut = 0; cut < n; cut += cut < 600 ? 1 : 97) {
        /* every truncation of the header fails cleanly; in the data, the
         * first tensor it cuts is named */
        gguf_file *g = NULL;
        lserr err = {0};
        longsd_status rc = gguf_open_mem(orig, cut, "bad.gguf", &g, &err);
        CHECK(rc == LONGSD_ERR_MODEL);
        CHECK(strstr(err.msg, "truncated") || strstr(err.msg, "run past the end") || strstr(err.msg, "too short") ||
              strstr(err.msg, "bad magic"));
    }
    {
        gguf_file *g = NULL;
        lserr err = {0};
        REQUIRE(gguf_open_mem(orig, n, "blocks.gguf", &g, &err) == LONGSD_OK);
        size_t data = (size_t)gguf_data_offset(g);
        gguf_close(g);
        expect_error(orig, data - 1, LONGSD_ERR_MODEL, "truncated: ");
        expect_error(orig, n - 1, LONGSD_ERR_MODEL, "tensor 'ref.src': its 768 bytes at data offset");
        expect_error(orig, n - 1, LONGSD_ERR_MODEL, "run past the end of the file");
    }

    memcpy(d, orig, n);
    memcpy(d, "GGUG", 4);
    expect_error_gguf(d, n, LONGSD_ERR_MODEL, "bad magic at byte 0: not a GGUF file"); /* sdst_open: safetensors */

    memcpy(d, orig, n);
    d[4] = 4;
    expect_error(d, n, LONGSD_ERR_MODEL, "version at byte 4 is 4; this reader knows GGUF versions 2 and 3");
    d[4] = 1;
    expect_error(d, n, LONGSD_ERR_MODEL, "version at byte 4 is 1");

    memcpy(d, orig, n);
    d[q4_off + 2] = 0x7f; /* the offset plus 8 MB */
    expect_error(d, n, LONGSD_ERR_MODEL, "tensor 'q4_0': its 108 bytes at data offset");
    CHECK_CONTAINS(d, "GGUF");

    memcpy(d, orig, n);
    d[q4_type] = 99;
    expect_error(d, n, LONGSD_ERR_MODEL, "tensor 'q4_0' at byte");
    expect_error(d, n, LONGSD_ERR_MODEL, "tensor type 99 (?) is unknown");
    d[q4_type] = 12;
    expect_error(d, n, LONGSD_ERR_UNSUPPORTED, "tensor type 12 (Q4_K) is not supported");

    memcpy(d, orig, n);
    d[q4_ndims] = 5;
    expect_error(d, n, LONGSD_ERR_MODEL, "n_dims 5, expected 0..4");

    memcpy(d, orig, n);
    memcpy(d + q4 + 8, "q8_0", 4);
    expect_error(d, n, LONGSD_ERR_MODEL, "tensor name 'q8_0' appears twice");

    memcpy(d, orig, n);
    d[q4_off] = (char)(d[q4_off] + 4); /* off the 64-byte alignment */
    expect_error(d, n, LONGSD_ERR_MODEL, "tensor 'q4_0': offset");
    expect_error(d, n, LONGSD_ERR_MODEL, "is not a multiple of the alignment 64");

    memcpy(d, orig, n);
    memcpy(d + q4_off, d + q8 + 8 + 4 + 4 + 16 + 4, 8); /* q4_0's data where q8_0's is */
    expect_error(d, n, LONGSD_ERR_MODEL, "overlap at data offset");

    memcpy(d, orig, n);
    d[q4_ndims + 4] = 48; /* ne[0] 64 -> 48: not a multiple of the block */
    expect_error(d, n, LONGSD_ERR_MODEL, "its first dimension 48 is not a multiple of Q4_0's block of 32");

    memcpy(d, orig, n);
    memset(d + 8, 0xff, 8); /* 2^64-1 tensors */
    expect_error(d, n, LONGSD_ERR_MODEL, "tensor count at byte 8 is 18446744073709551615; the file is too short");
    memcpy(d, orig, n);
    memset(d + 16, 0x7f, 8);
    expect_error(d, n, LONGSD_ERR_MODEL, "metadata count at byte 16 is");

    memcpy(d, orig, n);
    memset(d + q4 + 8 + 4 + 4 + 8, 0xff, 8); /* ne[1] huge */
    expect_error(d, n, LONGSD_ERR_MODEL, "tensor 'q4_0' at byte");

    memcpy(d, orig, n);
    {
        char *k = memmem(d, n, "t.u8", 4);
        REQUIRE(k);
        memcpy(k, "t.i8", 4);
    }
    expect_error(d, n, LONGSD_ERR_MODEL, "metadata key 't.i8' appears twice");

    /* the first key's length: larger than the file */
    memcpy(d, orig, n);
    memset(d + 24, 0x7f, 7);
    expect_error(d, n, LONGSD_ERR_MODEL, "truncated: metadata key 0 at byte 24 says");
    free(d);
    free(orig);
}

/* Every allocation of opening a GGUF file fails in turn: LONGSD_ERR_NOMEM
 * or success, never a crash or a leak (ASan checks the leaks). */
TEST(allocation_failures)
{
    int ok = 0, nomem = 0;
    for (long k = 0; k < 400 && ok < 3; k++) {
        sdst_file *f = NULL;
        lserr err = {0};
        longsd__alloc_fail_after = k;
        longsd_status rc = sdst_open(GG "/blocks.gguf", &f, &err);
        longsd__alloc_fail_after = -1;
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_NOMEM);
        if (rc == LONGSD_OK) {
            ok++;
            CHECK(sdst_count(f) == 11);
        } else {
            nomem++;
            CHECK(f == NULL);
        }
        sdst_close(f);
    }
    CHECK(ok > 0 && nomem > 20);
}

RUN_TESTS(f16_tensors_match_folder, f16_gguf_outputs_match_folder, quantized_outputs_near_folder,
          gguf_single_file_generates, blocks_match_reference, metadata, errors, allocation_failures)
