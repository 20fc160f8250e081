/* sd.c - the txt2img pipeline over the engine's parts (see sd.h): load a
 * diffusers folder, encode prompt and negative prompt, sample with
 * classifier-free guidance, decode with the VAE. It mirrors diffusers'
 * StableDiffusionPipeline step by step so the fixtures can check it. */
#include "sd.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "compvis.h"
#include "nets.h"
#include "safetensors.h"
#include "sampler.h"
#include "taesd.h"
#include "tokenizer.h"
#include "util.h"

struct longsd_sd {
    lserr err;
    sdtok *tok;
    sdst_file *te, *unet, *vae; /* the same file for a single-file checkpoint */
    sdst_file *ckpt;            /* that file (owned), or NULL */
    const char *te_prefix, *unet_prefix, *vae_prefix;
    sdclip_cfg clip_cfg;
    sdunet_cfg unet_cfg;
    sdvae_cfg vae_cfg;
    sdsched_cfg sched_cfg;
    sdtaesd *taesd; /* replaces the VAE's decoder when set (owned) */
    sdarena arena;
};

longsd_sd_params longsd_sd_default_params(void)
{
    return (longsd_sd_params){
        .prompt = "",
        .negative_prompt = "",
        .width = 512,
        .height = 512,
        .steps = 20,
        .cfg_scale = 7.5f,
        .seed = 42,
        .sampler = LONGSD_SAMPLER_EULER_A,
        .karras = 0,
    };
}

longsd_sd *longsd_sd_new(void)
{
    longsd_sd *sd = longsd__calloc(1, sizeof *sd);
    if (sd) {
        sdarena_init(&sd->arena, 0);
        sd->te_prefix = sd->unet_prefix = sd->vae_prefix = "";
    }
    return sd;
}

static void unload(longsd_sd *sd)
{
    sdtok_free(sd->tok);
    if (sd->ckpt) {
        sdst_close(sd->ckpt);
    } else {
        sdst_close(sd->te);
        sdst_close(sd->unet);
        sdst_close(sd->vae);
    }
    sd->tok = NULL;
    sd->ckpt = sd->te = sd->unet = sd->vae = NULL;
    sd->te_prefix = sd->unet_prefix = sd->vae_prefix = "";
}

/* The tokenizer and the networks must agree with each other. */
static longsd_status check_fit(longsd_sd *sd, const char *what)
{
    if (sdtok_vocab_size(sd->tok) != sd->clip_cfg.vocab)
        return lserr_set(&sd->err, LONGSD_ERR_MODEL, "%s: the tokenizer has %d tokens, the text encoder %d", what,
                         sdtok_vocab_size(sd->tok), sd->clip_cfg.vocab);
    if (sd->clip_cfg.hidden != sd->unet_cfg.ctx_dim || sd->clip_cfg.max_pos != SDTOK_MAX_LEN ||
        sd->vae_cfg.latent_ch != sd->unet_cfg.in_ch || sd->unet_cfg.out_ch != sd->unet_cfg.in_ch)
        return lserr_set(&sd->err, LONGSD_ERR_MODEL, "%s: the components' sizes do not fit together", what);
    return LONGSD_OK;
}

void longsd_sd_free(longsd_sd *sd)
{
    if (!sd)
        return;
    unload(sd);
    sdtaesd_close(sd->taesd);
    sdarena_free(&sd->arena);
    longsd__free(sd);
}

const char *longsd_sd_errmsg(const longsd_sd *sd)
{
    return sd->err.msg;
}

int longsd_sd_latent_factor(const longsd_sd *sd)
{
    return 1 << (sd->vae_cfg.n_blocks - 1);
}

int longsd_sd_latent_channels(const longsd_sd *sd)
{
    return sd->unet_cfg.in_ch;
}

int longsd_sd_text_dim(const longsd_sd *sd)
{
    return sd->clip_cfg.hidden;
}

/* DIR/SUB/NAME.safetensors, else DIR/SUB/NAME.fp16.safetensors. */
static longsd_status open_weights(longsd_sd *sd, const char *dir, const char *sub, const char *name, sdst_file **out)
{
    char *p = longsd__asprintf("%s/%s/%s.safetensors", dir, sub, name);
    if (!p)
        return lserr_set(&sd->err, LONGSD_ERR_NOMEM, "out of memory");
    if (!lsfile_exists(p)) {
        longsd__free(p);
        p = longsd__asprintf("%s/%s/%s.fp16.safetensors", dir, sub, name);
        if (!p)
            return lserr_set(&sd->err, LONGSD_ERR_NOMEM, "out of memory");
    }
    longsd_status rc = sdst_open(p, out, &sd->err);
    longsd__free(p);
    return rc;
}

/* The three config.json files of a diffusers folder, into sd's configs. */
static longsd_status load_configs(longsd_sd *sd, const char *dir)
{
    static const char *const sub[3] = {"text_encoder", "unet", "vae"};
    for (int i = 0; i < 3; i++) {
        char *p = longsd__asprintf("%s/%s/config.json", dir, sub[i]);
        if (!p)
            return lserr_set(&sd->err, LONGSD_ERR_NOMEM, "out of memory");
        longsd_status rc = i == 0   ? sdclip_cfg_load(p, &sd->clip_cfg, &sd->err)
                           : i == 1 ? sdunet_cfg_load(p, &sd->unet_cfg, &sd->err)
                                    : sdvae_cfg_load(p, &sd->vae_cfg, &sd->err);
        longsd__free(p);
        if (rc != LONGSD_OK)
            return rc;
    }
    sd->sched_cfg = sdsched_sd15_cfg();
    char *p = longsd__asprintf("%s/scheduler/scheduler_config.json", dir);
    if (!p)
        return lserr_set(&sd->err, LONGSD_ERR_NOMEM, "out of memory");
    longsd_status rc = lsfile_exists(p) ? sdsched_cfg_load(p, &sd->sched_cfg, &sd->err) : LONGSD_OK;
    longsd__free(p);
    return rc;
}

longsd_status longsd_sd_load(longsd_sd *sd, const char *dir)
{
    lserr_clear(&sd->err);
    unload(sd);
    longsd_status rc;
    char *p = NULL;
    if ((rc = load_configs(sd, dir)) != LONGSD_OK)
        goto fail;
    p = longsd__asprintf("%s/tokenizer", dir);
    if (!p)
        return lserr_set(&sd->err, LONGSD_ERR_NOMEM, "out of memory");
    rc = sdtok_load_dir(p, &sd->tok, &sd->err);
    longsd__free(p);
    if (rc != LONGSD_OK)
        goto fail;
    if ((rc = open_weights(sd, dir, "text_encoder", "model", &sd->te)) != LONGSD_OK ||
        (rc = open_weights(sd, dir, "unet", "diffusion_pytorch_model", &sd->unet)) != LONGSD_OK ||
        (rc = open_weights(sd, dir, "vae", "diffusion_pytorch_model", &sd->vae)) != LONGSD_OK)
        goto fail;
    /* transformers 4 saves "text_model."-prefixed names, 5 does not. */
    sd->te_prefix = sdst_find(sd->te, "text_model.final_layer_norm.weight") ? "text_model." : "";
    if ((rc = check_fit(sd, dir)) != LONGSD_OK)
        goto fail;
    return LONGSD_OK;
fail:
    unload(sd);
    return rc;
}

longsd_status longsd_sd_load_file(longsd_sd *sd, const char *ckpt, const char *vocab, const char *config_dir)
{
    lserr_clear(&sd->err);
    unload(sd);
    longsd_status rc;
    if (config_dir) {
        if ((rc = load_configs(sd, config_dir)) != LONGSD_OK)
            goto fail;
    } else {
        sd->clip_cfg = sdclip_sd15_cfg();
        sd->unet_cfg = sdunet_sd15_cfg();
        sd->vae_cfg = sdvae_sd15_cfg();
        sd->sched_cfg = sdsched_sd15_cfg();
    }
    {
        char *vj = longsd__asprintf("%s/vocab.json", vocab);
        if (!vj) {
            rc = lserr_set(&sd->err, LONGSD_ERR_NOMEM, "out of memory");
            goto fail;
        }
        int is_dir = lsfile_exists(vj);
        longsd__free(vj);
        rc = is_dir ? sdtok_load_dir(vocab, &sd->tok, &sd->err) : sdtok_load_bpe(vocab, 0, &sd->tok, &sd->err);
        if (rc != LONGSD_OK)
            goto fail;
    }
    if ((rc = sdst_open(ckpt, &sd->ckpt, &sd->err)) != LONGSD_OK)
        goto fail;
    sd->te = sd->unet = sd->vae = sd->ckpt;
    sd->te_prefix = SDCV_CLIP_PREFIX;
    sd->unet_prefix = SDCV_UNET_PREFIX;
    sd->vae_prefix = SDCV_VAE_PREFIX;
    if (sdst_find(sd->ckpt, "cond_stage_model.model.token_embedding.weight") ||
        sdst_find(sd->ckpt, "conditioner.embedders.0.transformer.text_model.final_layer_norm.weight")) {
        rc = lserr_set(&sd->err, LONGSD_ERR_UNSUPPORTED, "%s: an SD 2.x or SDXL checkpoint; only SD 1.x is supported",
                       ckpt);
        goto fail;
    }
    if (!sdst_find(sd->ckpt, SDCV_UNET_PREFIX "input_blocks.0.0.weight") ||
        !sdst_find(sd->ckpt, SDCV_CLIP_PREFIX "final_layer_norm.weight") ||
        !sdst_find(sd->ckpt, SDCV_VAE_PREFIX "decoder.conv_in.weight")) {
        rc = lserr_set(&sd->err, LONGSD_ERR_MODEL,
                       "%s: not an SD 1.x single-file checkpoint (UNet, VAE or text encoder tensors missing)", ckpt);
        goto fail;
    }
    if ((rc = check_fit(sd, ckpt)) != LONGSD_OK)
        goto fail;
    return LONGSD_OK;
fail:
    unload(sd);
    return rc;
}

longsd_status longsd_sd_set_taesd(longsd_sd *sd, const char *path)
{
    lserr_clear(&sd->err);
    sdtaesd *t = NULL;
    if (path) {
        longsd_status rc = sdtaesd_open(path, &t, &sd->err);
        if (rc != LONGSD_OK)
            return rc;
        if (sdtaesd_config(t)->out_ch < 1) {
            sdtaesd_close(t);
            return lserr_set(&sd->err, LONGSD_ERR_MODEL, "%s: no output channels", path);
        }
    }
    sdtaesd_close(sd->taesd);
    sd->taesd = t;
    return LONGSD_OK;
}

longsd_status longsd_sd_encode_text(longsd_sd *sd, const char *prompt, float *hidden)
{
    if (!sd->tok)
        return lserr_set(&sd->err, LONGSD_ERR_PARAM, "no model loaded");
    int32_t ids[SDTOK_MAX_LEN];
    longsd_status rc = sdtok_encode(sd->tok, prompt ? prompt : "", ids, SDTOK_MAX_LEN, NULL, &sd->err);
    if (rc == LONGSD_OK)
        rc = sdclip_forward(&sd->clip_cfg, sd->te, sd->te_prefix, &sd->arena, ids, hidden, &sd->err);
    return rc;
}

longsd_status longsd_sd_generate(longsd_sd *sd, const longsd_sd_params *p, float *latents, uint8_t *rgb)
{
    lserr_clear(&sd->err);
    if (!p)
        return lserr_set(&sd->err, LONGSD_ERR_PARAM, "no parameters");
    if (!sd->tok)
        return lserr_set(&sd->err, LONGSD_ERR_PARAM, "no model loaded");
    int f = longsd_sd_latent_factor(sd), mult = f << (sd->unet_cfg.n_blocks - 1);
    if (p->width <= 0 || p->height <= 0 || p->width % mult || p->height % mult || p->width > 8192 ||
        p->height > 8192)
        return lserr_set(&sd->err, LONGSD_ERR_PARAM, "size %dx%d: width and height must be multiples of %d up to 8192",
                         p->width, p->height, mult);
    if (sd->taesd && (sdtaesd_config(sd->taesd)->latent_ch != sd->unet_cfg.in_ch || sdtaesd_factor(sd->taesd) != f))
        return lserr_set(&sd->err, LONGSD_ERR_MODEL,
                         "TAESD: %d latent channels at 1/%d scale, the model %d at 1/%d (a TAESD for another family?)",
                         sdtaesd_config(sd->taesd)->latent_ch, sdtaesd_factor(sd->taesd), sd->unet_cfg.in_ch, f);
    int h = p->height / f, w = p->width / f, L = sd->unet_cfg.in_ch, D = sd->clip_cfg.hidden;
    size_t n = (size_t)L * h * w;
    /* As diffusers: guidance > 1 runs the negative prompt too, unless the
     * UNet takes the guidance as an embedding (LCM) */
    int tcd = sd->unet_cfg.tcond_dim, cfg_on = p->cfg_scale > 1.0f && !tcd;
    longsd_status rc;
    sdsched s;
    float wemb[4096];
    if (tcd)
        sdunet_guidance_embedding(p->cfg_scale - 1.0f, tcd, wemb);
    if ((rc = sdsched_init_cfg(&s, &sd->sched_cfg, (sds_kind)p->sampler, p->karras, p->steps, &sd->err)) != LONGSD_OK)
        return rc;
    /* As diffusers: the batch is [unconditional, conditional]. */
    float *ctx = longsd__malloc((size_t)2 * SDTOK_MAX_LEN * D * sizeof *ctx);
    float *x = longsd__malloc(n * sizeof *x), *xin = longsd__malloc(2 * n * sizeof *xin);
    float *eps = longsd__malloc(2 * n * sizeof *eps);
    float *noise = longsd__malloc(n * sizeof *noise);
    float *img = NULL;
    if (!ctx || !x || !xin || !eps || !noise) {
        rc = lserr_set(&sd->err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    int B = cfg_on ? 2 : 1;
    sdabort ab = {p->abort, p->user_data}; /* also polled inside the networks */
    float *ctx_u = ctx, *ctx_c = ctx + (size_t)(B - 1) * SDTOK_MAX_LEN * D;
    if ((rc = longsd_sd_encode_text(sd, p->prompt, ctx_c)) != LONGSD_OK ||
        (cfg_on && (rc = longsd_sd_encode_text(sd, p->negative_prompt, ctx_u)) != LONGSD_OK))
        goto out;
    if (p->init_noise)
        memcpy(x, p->init_noise, n * sizeof *x);
    else
        sdrng_normal(p->seed, 0, x, n);
    for (size_t k = 0; k < n; k++)
        x[k] *= s.init_sigma;
    for (int i = 0; i < s.steps; i++) {
        if (p->abort && p->abort(p->user_data)) {
            rc = lserr_set(&sd->err, LONGSD_ERR_ABORTED, "aborted at step %d of %d", i, s.steps);
            goto out;
        }
        float sc = sdsched_input_scale(&s, i), t = s.timesteps[i];
        for (size_t k = 0; k < n; k++)
            xin[k] = x[k] * sc;
        if (B == 2)
            memcpy(xin + n, xin, n * sizeof *xin);
        if ((rc = sdunet_forward_cond(&sd->unet_cfg, sd->unet, sd->unet_prefix, &sd->arena, xin, B, h, w, t,
                                      tcd ? wemb : NULL, ctx, SDTOK_MAX_LEN, eps, &ab, &sd->err)) != LONGSD_OK)
            goto out;
        float *ec = eps + (size_t)(B - 1) * n;
        if (cfg_on)
            for (size_t k = 0; k < n; k++)
                ec[k] = eps[k] + p->cfg_scale * (ec[k] - eps[k]);
        const float *nz = NULL;
        if (sdsched_needs_noise(&s, i)) {
            if (p->step_noise)
                nz = p->step_noise + (size_t)i * n;
            else {
                sdrng_normal(p->seed, (uint64_t)i + 1, noise, n);
                nz = noise;
            }
        }
        if ((rc = sdsched_step(&s, i, ec, x, n, nz, &sd->err)) != LONGSD_OK)
            goto out;
        if (p->progress)
            p->progress(p->user_data, i + 1, s.steps);
    }
    if (latents)
        memcpy(latents, x, n * sizeof *x);
    if (rgb) {
        int oc = sd->taesd ? sdtaesd_config(sd->taesd)->out_ch : sd->vae_cfg.out_ch;
        img = longsd__malloc((size_t)oc * p->width * p->height * sizeof *img);
        if (!img) {
            rc = lserr_set(&sd->err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        rc = sd->taesd ? sdtaesd_decode(sd->taesd, &sd->arena, x, h, w, img, &ab, &sd->err)
                       : sdvae_decode(&sd->vae_cfg, sd->vae, sd->vae_prefix, &sd->arena, x, h, w, img, &ab, &sd->err);
        if (rc != LONGSD_OK)
            goto out;
        size_t hw = (size_t)p->width * p->height;
        for (size_t k = 0; k < hw; k++)
            for (int c = 0; c < 3; c++) {
                float v = img[(size_t)(c < oc ? c : oc - 1) * hw + k] / 2.0f + 0.5f;
                v = v < 0 ? 0 : v > 1 ? 1 : v;
                rgb[3 * k + c] = (uint8_t)lrintf(v * 255.0f);
            }
    }
    rc = LONGSD_OK;
out:
    sdsched_free(&s);
    longsd__free(ctx);
    longsd__free(x);
    longsd__free(xin);
    longsd__free(eps);
    longsd__free(noise);
    longsd__free(img);
    return rc;
}

void longsd_sd_set_threads(int n)
{
    if (n > 0)
        openblas_set_num_threads(n);
}
