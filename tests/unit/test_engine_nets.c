/* test_engine_nets.c - the C networks against upstream tensors computed by
 * tests/engine/make_fixtures.py (transformers/diffusers, float64, from the
 * same stored weights: text encoder F32, UNet F16, VAE BF16). The error
 * measure is max|c - ref| / max|ref| over the whole tensor; fp32 compute
 * lands at 3e-7..7e-7 on x86-64 and the tests require < 1e-5: tight enough
 * that a changed epsilon or coefficient fails, loose enough for another
 * BLAS's summation order. */
#include <math.h>
#include <string.h>

#include "kernels.h"
#include "nets.h"
#include "t.h"
#include "t_engine.h"
#include "tokenizer.h"

#define TOL 1e-5

/* The fixture tensor name from file as a malloc'ed f32 array. */
static float *load(const char *file, const char *name, size_t *n) { return t_load_tensor(file, name, n, 0); }

TEST(clip_matches_transformers)
{
    sdclip_cfg cfg;
    lserr err = {0};
    REQUIRE(sdclip_cfg_load("tests/engine/tiny-sd/text_encoder/config.json", &cfg, &err) == LONGSD_OK);
    CHECK_INT(cfg.hidden, 32);
    CHECK_INT(cfg.layers, 2);
    sdst_file *w = NULL;
    REQUIRE(sdst_open("tests/engine/tiny-sd/text_encoder/model.safetensors", &w, &err) == LONGSD_OK);
    const char *prefix = sdst_find(w, "text_model.final_layer_norm.weight") ? "text_model." : "";
    sdtok *tok = NULL;
    REQUIRE(sdtok_load_dir("tests/engine/tiny-sd/tokenizer", &tok, &err) == LONGSD_OK);
    size_t n;
    float *ref = load("tests/engine/ref_clip.safetensors", "hidden", &n);
    REQUIRE(n == 2 * 77 * 32);
    const char *prompts[2] = {"a photo of an astronaut riding a horse on mars", "blurry, ugly"};
    sdarena a;
    sdarena_init(&a, 0);
    float out[77 * 32];
    for (int p = 0; p < 2; p++) {
        int32_t ids[77];
        REQUIRE(sdtok_encode(tok, prompts[p], ids, 77, NULL, &err) == LONGSD_OK);
        REQUIRE(sdclip_forward(&cfg, w, prefix, &a, ids, out, &err) == LONGSD_OK);
        double e = rel_err(out, ref + p * 77 * 32, 77 * 32);
        printf("  clip prompt %d: max rel err %.2e\n", p, e);
        CHECK(e < TOL);
    }
    CHECK_INT(sdarena_mark(&a), 0);
    sdarena_free(&a);
    free(ref);
    sdtok_free(tok);
    sdst_close(w);
}

TEST(unet_matches_diffusers)
{
    sdunet_cfg cfg;
    lserr err = {0};
    REQUIRE(sdunet_cfg_load("tests/engine/tiny-sd/unet/config.json", &cfg, &err) == LONGSD_OK);
    CHECK_INT(cfg.n_blocks, 2);
    CHECK_INT(cfg.heads[0], 4);
    sdst_file *w = NULL;
    REQUIRE(sdst_open("tests/engine/tiny-sd/unet/diffusion_pytorch_model.safetensors", &w, &err) == LONGSD_OK);
    const char *R = "tests/engine/ref_unet.safetensors";
    float *x = load(R, "sample", NULL), *ctx = load(R, "context", NULL), *t = load(R, "timestep", NULL),
          *ref = load(R, "out", NULL);
    int H = 8, W = 12, per = 4 * H * W;
    float out[4 * 8 * 12];
    sdarena a;
    sdarena_init(&a, 0);
    float out2[2 * 4 * 8 * 12];
    REQUIRE(sdunet_forward(&cfg, w, "", &a, x, 2, H, W, t[0], ctx, 77, out2, NULL, &err) == LONGSD_OK);
    for (int b = 0; b < 2; b++) {
        double e = rel_err(out2 + b * per, ref + b * per, (size_t)per);
        printf("  unet sample %d of a batch of 2: max rel err %.2e\n", b, e);
        CHECK(e < TOL);
    }
    /* One image alone gives the same answer as in the batch. */
    REQUIRE(sdunet_forward(&cfg, w, "", &a, x + per, 1, H, W, t[0], ctx + 77 * 32, 77, out, NULL, &err) == LONGSD_OK);
    double e1 = rel_err(out, ref + per, (size_t)per);
    printf("  unet sample 1 alone: max rel err %.2e\n", e1);
    CHECK(e1 < TOL);
    /* A second run reuses the grown arena and gives the same bits. */
    float again[4 * 8 * 12];
    REQUIRE(sdunet_forward(&cfg, w, "", &a, x + per, 1, H, W, t[0], ctx + 77 * 32, 77, again, NULL, &err) == LONGSD_OK);
    CHECK(memcmp(out, again, sizeof out) == 0);
    CHECK(a.size >= a.peak);
    CHECK_INT(sdunet_forward(&cfg, w, "", &a, x, 1, 7, W, t[0], ctx, 77, out, NULL, &err), LONGSD_ERR_PARAM);
    CHECK_STR(err.msg, "unet: latent size 12x7 is not a multiple of 2");
    sdarena_free(&a);
    free(x);
    free(ctx);
    free(t);
    free(ref);
    sdst_close(w);
}

TEST(unet_reports_missing_tensor)
{
    sdunet_cfg cfg;
    lserr err = {0};
    REQUIRE(sdunet_cfg_load("tests/engine/tiny-sd/unet/config.json", &cfg, &err) == LONGSD_OK);
    sdst_file *w = NULL;
    /* The VAE file has none of the UNet's tensors. */
    REQUIRE(sdst_open("tests/engine/tiny-sd/vae/diffusion_pytorch_model.safetensors", &w, &err) == LONGSD_OK);
    float x[4 * 8 * 8] = {0}, ctx[77 * 32] = {0}, out[4 * 8 * 8];
    sdarena a;
    sdarena_init(&a, 0);
    CHECK_INT(sdunet_forward(&cfg, w, "", &a, x, 1, 8, 8, 10.0f, ctx, 77, out, NULL, &err), LONGSD_ERR_MODEL);
    CHECK_STR(err.msg, "tests/engine/tiny-sd/vae/diffusion_pytorch_model.safetensors: no tensor "
                       "'time_embedding.linear_1.weight'");
    sdarena_free(&a);
    sdst_close(w);
}

TEST(vae_matches_diffusers)
{
    sdvae_cfg cfg;
    lserr err = {0};
    REQUIRE(sdvae_cfg_load("tests/engine/tiny-sd/vae/config.json", &cfg, &err) == LONGSD_OK);
    sdst_file *w = NULL;
    REQUIRE(sdst_open("tests/engine/tiny-sd/vae/diffusion_pytorch_model.safetensors", &w, &err) == LONGSD_OK);
    float *z = load("tests/engine/ref_vae.safetensors", "latents", NULL);
    size_t n;
    float *ref = load("tests/engine/ref_vae.safetensors", "image", &n);
    REQUIRE(n == 3 * 16 * 24);
    float img[3 * 16 * 24];
    sdarena a;
    sdarena_init(&a, 0);
    REQUIRE(sdvae_decode(&cfg, w, "", &a, z, 8, 12, img, NULL, &err) == LONGSD_OK);
    double e = rel_err(img, ref, n);
    printf("  vae decode: max rel err %.2e\n", e);
    CHECK(e < TOL);
    /* Tiles: one that covers the image is the same decode, bit for bit;
     * 6x6-latent tiles overlapping by 2 (2 x 3 of them) blend to within a
     * little of the whole decode (group norm sees a tile: not exact). */
    float tiled[3 * 16 * 24];
    REQUIRE(sdvae_decode_tiled(&cfg, w, "", &a, z, 8, 12, 12, 3, tiled, NULL, &err) == LONGSD_OK);
    CHECK(memcmp(tiled, img, sizeof img) == 0);
    REQUIRE(sdvae_decode_tiled(&cfg, w, "", &a, z, 8, 12, 6, 2, tiled, NULL, &err) == LONGSD_OK);
    double te = 0, range = 0;
    for (size_t i = 0; i < n; i++) {
        te = fmax(te, fabs(tiled[i] - img[i]));
        range = fmax(range, fabs(img[i]));
    }
    printf("  vae decode in 6x6 tiles, overlap 2: max |tiled - whole| %.3f (max |whole| %.3f)\n", te, range);
    CHECK(te > 0 && te < 0.5 * range);
    CHECK_INT(sdvae_decode_tiled(&cfg, w, "", &a, z, 8, 12, 4, 2, tiled, NULL, &err), LONGSD_ERR_PARAM);
    sdarena_free(&a);
    free(z);
    free(ref);
    sdst_close(w);
}

/* The fixtures' shapes are too small for sdk_wino_pick to choose Winograd
 * (it does from 32x32 latents with CFG): force each tile size on every 3x3
 * stride-1 conv and hold the networks to the engine's 1e-4 tolerance. */
TEST(unet_and_vae_match_with_winograd_forced)
{
    sdunet_cfg uc;
    sdvae_cfg vc;
    lserr err = {0};
    REQUIRE(sdunet_cfg_load("tests/engine/tiny-sd/unet/config.json", &uc, &err) == LONGSD_OK);
    REQUIRE(sdvae_cfg_load("tests/engine/tiny-sd/vae/config.json", &vc, &err) == LONGSD_OK);
    sdst_file *uw = NULL, *vw = NULL;
    REQUIRE(sdst_open("tests/engine/tiny-sd/unet/diffusion_pytorch_model.safetensors", &uw, &err) == LONGSD_OK);
    REQUIRE(sdst_open("tests/engine/tiny-sd/vae/diffusion_pytorch_model.safetensors", &vw, &err) == LONGSD_OK);
    const char *R = "tests/engine/ref_unet.safetensors";
    float *x = load(R, "sample", NULL), *ctx = load(R, "context", NULL), *t = load(R, "timestep", NULL),
          *ref = load(R, "out", NULL);
    float *z = load("tests/engine/ref_vae.safetensors", "latents", NULL);
    float *iref = load("tests/engine/ref_vae.safetensors", "image", NULL);
    float out[2 * 4 * 8 * 12], img[3 * 16 * 24], plain[3 * 16 * 24];
    sdarena a;
    sdarena_init(&a, 0);
    REQUIRE(sdvae_decode(&vc, vw, "", &a, z, 8, 12, plain, NULL, &err) == LONGSD_OK);
    for (int m = 2; m <= 4; m += 2) {
        sdk_wino_force(m);
        REQUIRE(sdunet_forward(&uc, uw, "", &a, x, 2, 8, 12, t[0], ctx, 77, out, NULL, &err) == LONGSD_OK);
        double eu = rel_err(out, ref, 2 * 4 * 8 * 12);
        REQUIRE(sdvae_decode(&vc, vw, "", &a, z, 8, 12, img, NULL, &err) == LONGSD_OK);
        double ev = rel_err(img, iref, 3 * 16 * 24);
        printf("  F(%dx%d) everywhere: unet max rel err %.2e, vae %.2e\n", m, m, eu, ev);
        CHECK(eu < 1e-4);
        CHECK(ev < 1e-4);
        /* it did run: Winograd's rounding differs from im2col's */
        CHECK(memcmp(img, plain, sizeof img) != 0);
    }
    sdk_wino_force(-1);
    sdarena_free(&a);
    free(x), free(ctx), free(t), free(ref), free(z), free(iref);
    sdst_close(uw);
    sdst_close(vw);
}

TEST(config_errors)
{
    const char *dir = t_tmpdir();
    char p[512];
    snprintf(p, sizeof p, "%s/config.json", dir);
    lserr err = {0};
    sdunet_cfg u;
    const char *bad = "{\"block_out_channels\": [16, 32], \"down_block_types\": [\"CrossAttnDownBlock2D\", "
                      "\"DownBlock2D\"], \"up_block_types\": [\"UpBlock2D\", \"CrossAttnUpBlock2D\"], "
                      "\"addition_embed_type\": \"text_image\"}";
    t_write(p, bad, strlen(bad));
    CHECK_INT(sdunet_cfg_load(p, &u, &err), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(err.msg, "addition_embed_type text_image is not supported (\"text_time\" only, as SDXL)");
    /* SDXL's text_time needs its sizes */
    const char *bad1 = "{\"block_out_channels\": [16, 32], \"down_block_types\": [\"CrossAttnDownBlock2D\", "
                       "\"DownBlock2D\"], \"up_block_types\": [\"UpBlock2D\", \"CrossAttnUpBlock2D\"], "
                       "\"addition_embed_type\": \"text_time\", \"addition_time_embed_dim\": 8, "
                       "\"projection_class_embeddings_input_dim\": 48}";
    t_write(p, bad1, strlen(bad1));
    CHECK_INT(sdunet_cfg_load(p, &u, &err), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(err.msg, "addition_time_embed_dim (8) and projection_class_embeddings_input_dim (48) do not fit");
    const char *bad2 = "{\"block_out_channels\": [16, 32], \"down_block_types\": [\"CrossAttnDownBlock2D\"], "
                       "\"up_block_types\": [\"UpBlock2D\", \"CrossAttnUpBlock2D\"]}";
    t_write(p, bad2, strlen(bad2));
    CHECK_INT(sdunet_cfg_load(p, &u, &err), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(err.msg, "must be lists of the same length");
    const char *bad3 = "{\"block_out_channels\": [20], \"down_block_types\": [\"DownBlock2D\"], "
                       "\"up_block_types\": [\"UpBlock2D\"], \"attention_head_dim\": 8}";
    t_write(p, bad3, strlen(bad3));
    CHECK_INT(sdunet_cfg_load(p, &u, &err), LONGSD_ERR_MODEL);
    CHECK_CONTAINS(err.msg, "block 0: 20 channels do not split into 8 heads and 32 groups");
    const char *bad5 = "{\"block_out_channels\": [16, 32], \"down_block_types\": [\"CrossAttnDownBlock2D\", "
                       "\"DownBlock2D\"], \"up_block_types\": [\"UpBlock2D\", \"CrossAttnUpBlock2D\"], "
                       "\"resnet_time_scale_shift\": \"scale_shift\"}";
    t_write(p, bad5, strlen(bad5));
    CHECK_INT(sdunet_cfg_load(p, &u, &err), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(err.msg, "this value of resnet_time_scale_shift is not supported");
    sdvae_cfg v;
    t_write(p, "[]", 2);
    CHECK_INT(sdvae_cfg_load(p, &v, &err), LONGSD_ERR_MODEL);
    sdclip_cfg c;
    const char *bad4 = "{\"hidden_act\": \"relu\"}";
    t_write(p, bad4, strlen(bad4));
    CHECK_INT(sdclip_cfg_load(p, &c, &err), LONGSD_ERR_UNSUPPORTED);
    CHECK_CONTAINS(err.msg, "hidden_act 'relu' is not supported");
}

RUN_TESTS(clip_matches_transformers, unet_matches_diffusers, unet_reports_missing_tensor, vae_matches_diffusers,
          unet_and_vae_match_with_winograd_forced,
          config_errors)
