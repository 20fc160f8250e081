/* sd.c - the txt2img and img2img pipeline over the engine's parts (see
 * sd.h): load a diffusers folder, encode prompt and negative prompt, start
 * from noise or from an encoded, noised init image, sample with
 * classifier-free guidance, decode with the VAE. It mirrors diffusers'
 * StableDiffusionPipeline and StableDiffusionImg2ImgPipeline step by step
 * so the fixtures can check it; for SDXL (sdxl.c) StableDiffusionXLPipeline:
 * two tokenizers and text encoders, a pooled vector and time ids per
 * sample. */
#include "sd.h"

#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "compvis.h"
#include "image_fit.h"
#include "lora.h"
#include "nets.h"
#include "prompt_weights.h"
#include "rng.h"
#include "safetensors.h"
#include "sampler.h"
#include "sdxl.h"
#include "taesd.h"
#include "threadpool.h"
#include "tokenizer.h"
#include "util.h"

/* The model: read-only while generations run, so any number of states
 * (one per concurrent generation) can share it; only the stage counts
 * below change, under mu. */
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
    /* SDXL: the second tokenizer (pads with "!") and text encoder */
    int xl, force_zeros; /* force_zeros_for_empty_prompt: an empty negative prompt is zero conditioning */
    sdtok *tok2;
    sdst_file *te2;
    sdxl_te xlte;
    sdtaesd *taesd; /* replaces the VAE's decoder when set (owned) */
    pthread_mutex_t mu;
    int users[3];   /* states using each sd_stage: its pages go when the last is done */
    longsd_sd_state *st; /* the state of the calls on the handle itself */
};

/* One generation's run state (whisper.cpp's whisper_state): what it writes. */
struct longsd_sd_state {
    lserr err;
    sdarena arena;
    sdpool *pool;     /* its threads, or NULL before the first generation */
    int pool_threads; /* what pool was asked for */
    size_t released;  /* weight bytes released by the last generate (stage_done) */
    unsigned live;    /* stages in use (bit per sd_stage): released when done */
    const sdw_patch *te2_patch; /* SDXL's second text encoder's LoRAs (arena.patch has the first's) */
    /* LoRA files read so far, by path: reused by later images */
    struct {
        char *path;
        sdlora *l;
    } lcache[2 * LONGSD_SD_MAX_LORAS];
    int n_lcache;
};

static void lcache_clear(longsd_sd_state *st)
{
    for (int i = 0; i < st->n_lcache; i++) {
        longsd__free(st->lcache[i].path);
        sdlora_free(st->lcache[i].l);
    }
    st->n_lcache = 0;
}

/* The LoRA at path, read once per state. */
static longsd_status lora_get(longsd_sd_state *st, const char *path, const sdlora **out)
{
    for (int i = 0; i < st->n_lcache; i++)
        if (strcmp(st->lcache[i].path, path) == 0) {
            *out = st->lcache[i].l;
            return LONGSD_OK;
        }
    if (st->n_lcache == 2 * LONGSD_SD_MAX_LORAS)
        lcache_clear(st); /* none is in use between images */
    sdlora *l = NULL;
    longsd_status rc = sdlora_load(path, &l, &st->err);
    if (rc != LONGSD_OK)
        return rc;
    char *p = longsd__strdup(path);
    if (!p) {
        sdlora_free(l);
        return lserr_set(&st->err, LONGSD_ERR_NOMEM, "out of memory");
    }
    st->lcache[st->n_lcache].path = p;
    st->lcache[st->n_lcache].l = l;
    st->n_lcache++;
    *out = l;
    return LONGSD_OK;
}

/* A tag's NAME: lora_dir/NAME.safetensors, else lora_dir/NAME (a PEFT
 * adapter folder), else NAME as a path. */
static char *resolve_tag(longsd_sd_state *st, const char *dir, const char *name)
{
    for (int k = 0; dir && *dir && k < 2; k++) {
        char *p = longsd__asprintf("%s/%s%s", dir, name, k ? "" : ".safetensors");
        if (p && lsfile_exists(p))
            return p;
        longsd__free(p);
    }
    if (lsfile_exists(name))
        return longsd__strdup(name);
    lserr_set(&st->err, LONGSD_ERR_NOT_FOUND, "prompt: LoRA \"%s\" not found (%s%s%s)", name,
              dir && *dir ? "looked for " : "no --lora-dir given", dir && *dir ? dir : "",
              dir && *dir ? "/NAME.safetensors" : "");
    return NULL;
}

/* A LoRA belongs to the image asked for, not to the model: one that cannot
 * be read or is malformed (LONGSD_ERR_PARAM here) or is made for another
 * model (LONGSD_ERR_UNSUPPORTED, lora.c) fails that image alone. As LONGSD_ERR_MODEL it
 * read as a broken model: the pool retried it and set the backend aside,
 * so one idea with an SDXL <lora:> failed every later idea on an SD 1.5
 * backend. The message (file and tensor) stays as it was. */
static longsd_status lora_job_error(longsd_sd_state *st, longsd_status rc)
{
    if (rc == LONGSD_ERR_MODEL || rc == LONGSD_ERR_IO)
        rc = st->err.code = LONGSD_ERR_PARAM;
    return rc;
}

/* The LoRAs of an image into the networks' sets (te2: SDXL's second
 * text encoder). */
static longsd_status prepare_loras(const longsd_sd *sd, longsd_sd_state *st, const longsd_sd_params *p,
                                   const sdlora_tag *tags, size_t ntags, sdlora_set *te, sdlora_set *te2,
                                   sdlora_set *unet)
{
    unet->unet_cfg = &sd->unet_cfg;
    if (p->n_loras < 0 || (p->n_loras > 0 && !p->loras))
        return lserr_set(&st->err, LONGSD_ERR_PARAM, "n_loras %d without loras", p->n_loras);
    if ((size_t)p->n_loras + ntags > LONGSD_SD_MAX_LORAS)
        return lserr_set(&st->err, LONGSD_ERR_PARAM, "%zu LoRAs: at most %d at once", (size_t)p->n_loras + ntags,
                         LONGSD_SD_MAX_LORAS);
    for (size_t i = 0; i < (size_t)p->n_loras + ntags; i++) {
        int from_tag = i >= (size_t)p->n_loras;
        char *path = from_tag ? resolve_tag(st, p->lora_dir, tags[i - p->n_loras].name)
                              : longsd__strdup(p->loras[i].path ? p->loras[i].path : "");
        if (!path)
            return st->err.code ? st->err.code : lserr_set(&st->err, LONGSD_ERR_NOMEM, "out of memory");
        float w = from_tag ? tags[i - p->n_loras].weight : p->loras[i].weight;
        const sdlora *l = NULL;
        longsd_status rc = lora_get(st, path, &l);
        longsd__free(path);
        if (rc != LONGSD_OK)
            return lora_job_error(st, rc);
        if (!isfinite(w))
            return lserr_set(&st->err, LONGSD_ERR_PARAM, "%s: weight is not a finite number", sdlora_path(l));
        if (!sd->xl && sdlora_count(l, SDLORA_TE2))
            return lserr_set(&st->err, LONGSD_ERR_UNSUPPORTED,
                             "%s: tensor '%s' is for SDXL's second text encoder (lora_te2_ / text_encoder_2), which "
                             "this model does not have: use a LoRA made for it",
                             sdlora_path(l), sdlora_tensor(l, SDLORA_TE2));
        sdlora_set *sets[3] = {unet, te, te2};
        for (int k = 0; k < 3; k++)
            if (sdlora_count(l, sets[k]->net) && sdlora_set_add(sets[k], l, w) != 0)
                return lserr_set(&st->err, LONGSD_ERR_NOMEM, "out of memory");
    }
    return LONGSD_OK;
}

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
        .plain_prompt = 0,
        .rng = LONGSD_RNG_NATIVE,
        .strength = 0.75,
    };
}

longsd_sd_state *longsd_sd_state_new(void)
{
    longsd_sd_state *st = longsd__calloc(1, sizeof *st);
    if (st)
        sdarena_init(&st->arena, 0);
    return st;
}

void longsd_sd_state_free(longsd_sd_state *st)
{
    if (!st)
        return;
    lcache_clear(st);
    sdarena_free(&st->arena);
    sdpool_free(st->pool);
    longsd__free(st);
}

const char *longsd_sd_state_errmsg(const longsd_sd_state *st)
{
    return st->err.msg;
}

void longsd_sd_state_mem_stats(const longsd_sd_state *st, longsd_sd_mem *out)
{
    out->arena_peak = st->arena.peak;
    out->released = st->released;
    out->arena_held = st->arena.size;
}

/* st's pool with the threads a call asks for (0: the default), made again
 * only when the count changes; bound to the calling thread until the
 * binding returned is put back. */
static longsd_status bind_threads(longsd_sd_state *st, int threads, sdpool **prev)
{
    int want = threads > 0 ? threads : sdpool_default_threads();
    if (!st->pool || st->pool_threads != want) {
        sdpool_free(st->pool);
        st->pool_threads = 0;
        if (!(st->pool = sdpool_new(want))) {
            *prev = sdpool_bind(NULL);
            return lserr_set(&st->err, LONGSD_ERR_NOMEM, "out of memory");
        }
        st->pool_threads = want;
    }
    *prev = sdpool_bind(st->pool);
    return LONGSD_OK;
}

longsd_sd *longsd_sd_new(void)
{
    longsd_sd *sd = longsd__calloc(1, sizeof *sd);
    if (sd && !(sd->st = longsd_sd_state_new())) {
        longsd__free(sd);
        return NULL;
    }
    if (sd) {
        pthread_mutex_init(&sd->mu, NULL);
        sd->te_prefix = sd->unet_prefix = sd->vae_prefix = "";
    }
    return sd;
}

static void unload(longsd_sd *sd)
{
    sdtok_free(sd->tok);
    sdtok_free(sd->tok2);
    if (sd->ckpt) {
        sdst_close(sd->ckpt);
    } else {
        sdst_close(sd->te);
        sdst_close(sd->te2);
        sdst_close(sd->unet);
        sdst_close(sd->vae);
    }
    sd->tok = sd->tok2 = NULL;
    sd->ckpt = sd->te = sd->te2 = sd->unet = sd->vae = NULL;
    sd->xl = 0;
    sd->te_prefix = sd->unet_prefix = sd->vae_prefix = "";
    memset(sd->users, 0, sizeof sd->users);
}

/* ---- stage lifecycle. A generation runs the text encoder, the UNet and
 * the VAE one after the other, and each needs only its own weights and its
 * own activations. When one is done its mapped weight pages are dropped
 * from the process (sdst_release; they stay in the page cache and fault
 * back in if the stage runs again, so nothing can read a released stage
 * wrongly) and the arena gives back its conversion buffers (and its block,
 * see stage_done), so the peak is the largest stage, not their sum: at
 * 512^2 the UNet's 1.7 GB of F16 pages are gone before the VAE decode's
 * ~1 GB of activations. */
typedef enum { STAGE_TE, STAGE_UNET, STAGE_VAE } sd_stage;

static void stage_use(longsd_sd *sd, longsd_sd_state *st, sd_stage s)
{
    if (st->live & 1u << s)
        return;
    st->live |= 1u << s;
    pthread_mutex_lock(&sd->mu);
    sd->users[s]++;
    pthread_mutex_unlock(&sd->mu);
}

/* Pages shared by several generations go when the last of them is done
 * with the stage: one finishing its UNet must not make another's next
 * step fault 1.7 GB back in. keep_block: the arena keeps its activation
 * pages for the next stage, where that stage needs at least as many (the
 * text encoder's few MB before the UNet, the UNet's ~490 MB at 512^2
 * before the VAE decode's ~1 GB), so it reuses them instead of having the
 * kernel zero fresh ones. Where the decode is tiled and needs fewer, what
 * is kept is still below the UNet stage's peak, whose weights are gone;
 * after the VAE encoder (img2img, ~1 GB) the block is given back, since
 * the UNet stage would carry it on top of its own weights. */
static void stage_done(longsd_sd *sd, longsd_sd_state *st, sd_stage s, int keep_block)
{
    if (keep_block)
        sdarena_trim_buffers(&st->arena);
    else
        sdarena_trim(&st->arena);
    if (!(st->live & 1u << s))
        return;
    st->live &= ~(1u << s);
    const sdst_file *f = s == STAGE_TE ? sd->te : s == STAGE_UNET ? sd->unet : sd->vae;
    const char *pfx = s == STAGE_TE ? sd->te_prefix : s == STAGE_UNET ? sd->unet_prefix : sd->vae_prefix;
    pthread_mutex_lock(&sd->mu);
    if (--sd->users[s] == 0) { /* a single file holds all three: only this stage's names */
        st->released += sdst_release(f, sd->ckpt ? pfx : NULL);
        if (s == STAGE_TE && sd->xl)
            st->released += sdst_release(sd->xlte.f2, sd->ckpt ? SDCV_XL_OPENCLIP_PREFIX : NULL);
    }
    pthread_mutex_unlock(&sd->mu);
}

/* The VAE's tile in latents, or 0 for one piece: asked for, or automatic
 * above 1.5 x 512^2 pixels, where the untiled decode's ~1 GB of
 * activations at 512^2 would grow past what the UNet stage holds. */
static int vae_tile(const longsd_sd_params *p, int f)
{
    if (p->vae_tile < 0)
        return 0;
    if (p->vae_tile > 0)
        return p->vae_tile / f;
    return (long long)p->width * p->height * 2 > 3LL * 512 * 512 ? 512 / f : 0;
}

/* The tokenizer and the networks must agree with each other. */
static longsd_status check_fit(longsd_sd *sd, const char *what)
{
    if (sd->xl) {
        if (sdtok_vocab_size(sd->tok) != sd->xlte.c1.vocab || sdtok_vocab_size(sd->tok2) != sd->xlte.c2.vocab)
            return lserr_set(&sd->err, LONGSD_ERR_MODEL,
                             "%s: the tokenizers have %d and %d tokens, the text encoders %d and %d", what,
                             sdtok_vocab_size(sd->tok), sdtok_vocab_size(sd->tok2), sd->xlte.c1.vocab,
                             sd->xlte.c2.vocab);
        longsd_status rc = sdxl_check(&sd->xlte, &sd->unet_cfg, what, &sd->err);
        if (rc == LONGSD_OK && (sd->xlte.c1.max_pos != SDTOK_MAX_LEN || sd->vae_cfg.latent_ch != sd->unet_cfg.in_ch ||
                                sd->unet_cfg.out_ch != sd->unet_cfg.in_ch))
            rc = lserr_set(&sd->err, LONGSD_ERR_MODEL, "%s: the components' sizes do not fit together", what);
        return rc;
    }
    if (sd->unet_cfg.add_time_dim > 0)
        return lserr_set(&sd->err, LONGSD_ERR_MODEL,
                         "%s: the UNet takes SDXL's added conditioning (text_time) but there is one text encoder", what);
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
    longsd_sd_state_free(sd->st);
    pthread_mutex_destroy(&sd->mu);
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

void longsd_sd_native_size(const longsd_sd *sd, int *width, int *height)
{
    /* SDXL's sizes by family, as its pipelines default: the base at
     * 1024, the distilled Turbo (its scheduler's trailing steps) at 512 */
    if (!sd->tok) { /* nothing loaded */
        *width = *height = 512;
        return;
    }
    int s = sd->xl ? (sd->sched_cfg.spacing == SDS_TRAILING ? 512 : 1024)
                   : sd->unet_cfg.sample * longsd_sd_latent_factor(sd);
    *width = *height = s;
}

int longsd_sd_is_xl(const longsd_sd *sd)
{
    return sd->xl;
}

int longsd_sd_text_dim(const longsd_sd *sd)
{
    return sd->xl ? sdxl_ctx_dim(&sd->xlte) : sd->clip_cfg.hidden;
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
    static const char *const sub[4] = {"text_encoder", "unet", "vae", "text_encoder_2"};
    for (int i = 0; i < (sd->xl ? 4 : 3); i++) {
        char *p = longsd__asprintf("%s/%s/config.json", dir, sub[i]);
        if (!p)
            return lserr_set(&sd->err, LONGSD_ERR_NOMEM, "out of memory");
        longsd_status rc = i == 0   ? sdclip_cfg_load(p, &sd->clip_cfg, &sd->err)
                           : i == 1 ? sdunet_cfg_load(p, &sd->unet_cfg, &sd->err)
                           : i == 2 ? sdvae_cfg_load(p, &sd->vae_cfg, &sd->err)
                                    : sdclip_cfg_load(p, &sd->xlte.c2, &sd->err);
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
    sd->xlte.c1 = sd->clip_cfg;
    return rc;
}

/* The pipeline family of a diffusers folder from model_index.json (absent
 * is fine: the component configs decide). SD 1.x, SD 2.x (the same
 * StableDiffusionPipeline: the configs say OpenCLIP width, linear
 * projections, v-prediction), LCM and SDXL (SDXL-Turbo: the same pipeline,
 * its scheduler config says trailing) run; the SDXL refiner, SD 3 and
 * others are named in a clear error instead of failing later on a missing
 * component. Sets sd->xl and sd->force_zeros. */
static longsd_status check_family(longsd_sd *sd, const char *dir)
{
    char *p = longsd__asprintf("%s/model_index.json", dir);
    if (!p)
        return lserr_set(&sd->err, LONGSD_ERR_NOMEM, "out of memory");
    longsd_status rc = LONGSD_OK;
    json_error_t je;
    json_t *o = lsfile_exists(p) ? json_load_file(p, 0, &je) : NULL;
    const char *cls = json_string_value(json_object_get(o, "_class_name"));
    if (lsfile_exists(p) && !json_is_object(o)) {
        rc = lserr_set(&sd->err, LONGSD_ERR_MODEL, "%s: not a JSON object%s%s", p, o ? "" : ": ", o ? "" : je.text);
    } else if (json_object_get(o, "text_encoder_2") || (cls && strstr(cls, "XL"))) {
        json_t *t1 = json_object_get(o, "text_encoder");
        if (cls && strcmp(cls, "StableDiffusionXLPipeline"))
            rc = lserr_set(&sd->err, LONGSD_ERR_UNSUPPORTED,
                           "%s: _class_name %s; the native engine runs SDXL's text-to-image StableDiffusionXLPipeline "
                           "only (its UNet or inputs differ)",
                           p, cls);
        else if (!json_is_array(t1) || json_is_null(json_array_get(t1, 0)))
            rc = lserr_set(&sd->err, LONGSD_ERR_UNSUPPORTED,
                           "%s: an SDXL pipeline without text_encoder (the refiner?); the native engine needs both "
                           "text encoders",
                           p);
        json_t *fz = json_object_get(o, "force_zeros_for_empty_prompt");
        sd->xl = 1;
        sd->force_zeros = fz ? json_is_true(fz) : 1; /* the pipeline's default */
    } else if (cls && strncmp(cls, "StableDiffusion", 15) && strcmp(cls, "LatentConsistencyModelPipeline")) {
        rc = lserr_set(&sd->err, LONGSD_ERR_UNSUPPORTED,
                       "%s: _class_name %s; the native engine runs StableDiffusionPipeline models (SD 1.x, 2.x) only",
                       p, cls);
    } else if (cls && (strncmp(cls, "StableDiffusion3", 16) == 0 || strstr(cls, "Upscale") ||
                       strstr(cls, "Inpaint") || strstr(cls, "Depth"))) {
        rc = lserr_set(&sd->err, LONGSD_ERR_UNSUPPORTED,
                       "%s: _class_name %s is not supported (its UNet or inputs differ from text-to-image SD 1.x/2.x)",
                       p, cls);
    }
    json_decref(o);
    longsd__free(p);
    return rc;
}

longsd_status longsd_sd_load(longsd_sd *sd, const char *dir)
{
    lserr_clear(&sd->err);
    unload(sd);
    longsd_status rc;
    char *p = NULL;
    if ((rc = check_family(sd, dir)) != LONGSD_OK || (rc = load_configs(sd, dir)) != LONGSD_OK)
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
    if (sd->xl) {
        if (!(p = longsd__asprintf("%s/tokenizer_2", dir)))
            return lserr_set(&sd->err, LONGSD_ERR_NOMEM, "out of memory");
        rc = sdtok_load_dir(p, &sd->tok2, &sd->err);
        longsd__free(p);
        if (rc != LONGSD_OK || (rc = open_weights(sd, dir, "text_encoder_2", "model", &sd->te2)) != LONGSD_OK)
            goto fail;
        sd->xlte.f1 = sd->te;
        sd->xlte.p1 = sd->te_prefix;
        sd->xlte.f2 = sd->te2;
        sd->xlte.p2 = sdst_find(sd->te2, "text_model.final_layer_norm.weight") ? "text_model." : "";
        sd->xlte.proj_name = "text_projection.weight";
        sd->xlte.proj_t = 0;
    }
    if ((rc = check_fit(sd, dir)) != LONGSD_OK)
        goto fail;
    return LONGSD_OK;
fail:
    unload(sd);
    return rc;
}

/* SD 2.x's 768 models predict v, the 512 "base" ones epsilon, and a
 * single file says neither. The v-trained UNets show it in the last
 * transformer's first norm bias (the heuristic ComfyUI uses: a spread
 * above 0.09 is v); a config folder's scheduler_config.json overrides it. */
static int looks_v_pred(longsd_sd *sd)
{
    char name[256];
    const sdunet_cfg *c = &sd->unet_cfg;
    snprintf(name, sizeof name, SDCV_UNET_PREFIX "output_blocks.%d.1.transformer_blocks.0.norm1.bias",
             (c->layers + 1) * c->n_blocks - 1);
    const sdst_tensor *t = sdst_find(sd->ckpt, name);
    if (!t || t->numel < 2 || t->numel > 65536)
        return 0;
    float *b = longsd__malloc((size_t)t->numel * sizeof *b);
    lserr e = {0};
    double m = 0, v = 0;
    if (b && sdst_to_f32(sd->ckpt, t, b, (size_t)t->numel, &e) == LONGSD_OK) {
        for (uint64_t i = 0; i < t->numel; i++)
            m += b[i];
        m /= (double)t->numel;
        for (uint64_t i = 0; i < t->numel; i++)
            v += (b[i] - m) * (b[i] - m);
    }
    longsd__free(b);
    return sqrt(v / (double)t->numel) > 0.09;
}

/* SD 2.x without a config folder: SD 2's shapes, the text encoder's width
 * and depth read off the file (every resblock but the last, as SD 2 takes
 * the penultimate layer). */
static longsd_status sd2_file_cfg(longsd_sd *sd, const char *ckpt)
{
    sd->clip_cfg = sdclip_sd2_cfg();
    sd->unet_cfg = sdunet_sd2_cfg();
    sd->vae_cfg = sdvae_sd15_cfg();
    sd->sched_cfg = sdsched_sd15_cfg();
    const sdst_tensor *te = sdst_find(sd->ckpt, SDCV_OPENCLIP_PREFIX "token_embedding.weight");
    int n = 0;
    char name[160];
    for (;; n++) {
        snprintf(name, sizeof name, SDCV_OPENCLIP_PREFIX "transformer.resblocks.%d.ln_1.weight", n);
        if (!sdst_find(sd->ckpt, name) || n > 256)
            break;
    }
    if (te->ndim != 2 || n < 2 || te->shape[1] % 64)
        return lserr_set(&sd->err, LONGSD_ERR_MODEL, "%s: the OpenCLIP text encoder has %d blocks of width %lld", ckpt,
                         n, te->ndim == 2 ? (long long)te->shape[1] : -1LL);
    sd->clip_cfg.hidden = (int)te->shape[1];
    sd->clip_cfg.vocab = (int)te->shape[0];
    sd->clip_cfg.inter = 4 * sd->clip_cfg.hidden;
    sd->clip_cfg.heads = sd->clip_cfg.hidden / 64;
    sd->clip_cfg.layers = n - 1;
    sd->unet_cfg.ctx_dim = sd->clip_cfg.hidden;
    sd->sched_cfg.v_pred = looks_v_pred(sd);
    sd->sched_cfg.a1111 = 1;
    return LONGSD_OK;
}

/* An SGM (original SDXL) single file: both text encoders under
 * conditioner.embedders, SDXL's shapes unless config_dir says otherwise;
 * the second tokenizer is config_dir's tokenizer_2, else the first one
 * padding with "!" as OpenCLIP's does. */
static longsd_status xl_file(longsd_sd *sd, const char *ckpt, const char *vocab, int tok_dir, const char *config_dir)
{
    longsd_status rc = LONGSD_OK;
    sd->xl = 1;
    sd->force_zeros = 1;
    if (config_dir) {
        if ((rc = load_configs(sd, config_dir)) != LONGSD_OK)
            return rc;
    } else {
        sdxl_default_cfg(&sd->xlte, &sd->unet_cfg, &sd->vae_cfg);
        sd->clip_cfg = sd->xlte.c1;
    }
    char *t2 = config_dir ? longsd__asprintf("%s/tokenizer_2", config_dir) : NULL;
    if (t2 && lsfile_exists(t2)) {
        rc = sdtok_load_dir(t2, &sd->tok2, &sd->err);
    } else {
        rc = tok_dir ? sdtok_load_dir(vocab, &sd->tok2, &sd->err) : sdtok_load_bpe(vocab, 0, &sd->tok2, &sd->err);
        int32_t bang = rc == LONGSD_OK ? sdtok_token_id(sd->tok2, "!") : -1;
        if (bang >= 0)
            sdtok_set_pad(sd->tok2, bang);
    }
    longsd__free(t2);
    if (rc != LONGSD_OK)
        return rc;
    sd->te_prefix = SDCV_XL_CLIP_PREFIX;
    sd->xlte.f1 = sd->xlte.f2 = sd->ckpt;
    sd->xlte.p1 = SDCV_XL_CLIP_PREFIX;
    sd->xlte.p2 = SDCV_XL_OPENCLIP_PREFIX;
    sd->xlte.proj_name = SDCV_XL_OPENCLIP_PREFIX "text_projection";
    sd->xlte.proj_t = 1;
    static const char *const need[] = {SDCV_UNET_PREFIX "input_blocks.0.0.weight", SDCV_UNET_PREFIX "label_emb.0.0.weight",
                                       SDCV_XL_CLIP_PREFIX "final_layer_norm.weight",
                                       SDCV_XL_OPENCLIP_PREFIX "ln_final.weight",
                                       SDCV_XL_OPENCLIP_PREFIX "text_projection",
                                       SDCV_VAE_PREFIX "decoder.conv_in.weight"};
    for (size_t i = 0; i < sizeof need / sizeof *need; i++)
        if (!sdst_find(sd->ckpt, need[i]))
            return lserr_set(&sd->err, LONGSD_ERR_MODEL, "%s: an SDXL checkpoint without the tensor '%s'", ckpt,
                             need[i]);
    return check_fit(sd, ckpt);
}

longsd_status longsd_sd_load_file(longsd_sd *sd, const char *ckpt, const char *vocab, const char *config_dir)
{
    lserr_clear(&sd->err);
    unload(sd);
    longsd_status rc;
    int tok_dir = 0;
    if (config_dir) {
        if ((rc = load_configs(sd, config_dir)) != LONGSD_OK)
            goto fail;
    } else {
        sd->clip_cfg = sdclip_sd15_cfg();
        sd->unet_cfg = sdunet_sd15_cfg();
        sd->vae_cfg = sdvae_sd15_cfg();
        sd->sched_cfg = sdsched_sd15_cfg();
        sd->sched_cfg.a1111 = 1; /* a single file is A1111's and sd.cpp's: their schedule */
    }
    {
        char *vj = longsd__asprintf("%s/vocab.json", vocab);
        if (!vj) {
            rc = lserr_set(&sd->err, LONGSD_ERR_NOMEM, "out of memory");
            goto fail;
        }
        tok_dir = lsfile_exists(vj);
        longsd__free(vj);
        rc = tok_dir ? sdtok_load_dir(vocab, &sd->tok, &sd->err) : sdtok_load_bpe(vocab, 0, &sd->tok, &sd->err);
        if (rc != LONGSD_OK)
            goto fail;
    }
    if ((rc = sdst_open(ckpt, &sd->ckpt, &sd->err)) != LONGSD_OK)
        goto fail;
    sd->te = sd->unet = sd->vae = sd->ckpt;
    sd->te_prefix = SDCV_CLIP_PREFIX;
    sd->unet_prefix = SDCV_UNET_PREFIX;
    sd->vae_prefix = SDCV_VAE_PREFIX;
    if (sdst_find(sd->ckpt, SDCV_XL_CLIP_PREFIX "final_layer_norm.weight") ||
        sdst_find(sd->ckpt, SDCV_XL_OPENCLIP_PREFIX "ln_final.weight")) {
        rc = xl_file(sd, ckpt, vocab, tok_dir, config_dir);
        if (rc != LONGSD_OK)
            goto fail;
        return LONGSD_OK;
    }
    int sd2 = sdst_find(sd->ckpt, SDCV_OPENCLIP_PREFIX "token_embedding.weight") != NULL;
    if (sd2) {
        sd->te_prefix = SDCV_OPENCLIP_PREFIX;
        if (!config_dir && (rc = sd2_file_cfg(sd, ckpt)) != LONGSD_OK)
            goto fail;
        /* SD 2's tokenizer pads with "!"; a tokenizer folder says so itself */
        int32_t bang = sdtok_token_id(sd->tok, "!");
        if (!tok_dir && bang >= 0)
            sdtok_set_pad(sd->tok, bang);
    }
    if (!sdst_find(sd->ckpt, SDCV_UNET_PREFIX "input_blocks.0.0.weight") ||
        !sdst_find(sd->ckpt, sd2 ? SDCV_OPENCLIP_PREFIX "ln_final.weight" : SDCV_CLIP_PREFIX "final_layer_norm.weight") ||
        !sdst_find(sd->ckpt, SDCV_VAE_PREFIX "decoder.conv_in.weight")) {
        rc = lserr_set(&sd->err, LONGSD_ERR_MODEL,
                       "%s: not an SD 1.x or 2.x single-file checkpoint (UNet, VAE or text encoder tensors missing)",
                       ckpt);
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

/* The context of one 77-token chunk: hidden(77, text_dim) and, for SDXL,
 * pooled(proj) when not NULL; mult1/mult2 (may be NULL) are A1111's
 * emphasis per token, applied to each encoder's states alone (its own
 * mean restored) before SDXL concatenates them. */
static longsd_status encode_chunk(longsd_sd *sd, longsd_sd_state *st, const int32_t *ids1, const int32_t *ids2, const float *mult1,
                                  const float *mult2, float *hidden, float *pooled)
{
    if (!sd->xl) {
        longsd_status rc = sdclip_forward(&sd->clip_cfg, sd->te, sd->te_prefix, &st->arena, ids1, hidden, &st->err);
        if (rc == LONGSD_OK && mult1)
            sdpw_emphasis(hidden, mult1, SDTOK_MAX_LEN, sd->clip_cfg.hidden);
        return rc;
    }
    int d1 = sd->xlte.c1.hidden, d2 = sd->xlte.c2.hidden;
    float *h1 = longsd__malloc((size_t)SDTOK_MAX_LEN * d1 * sizeof *h1),
          *h2 = longsd__malloc((size_t)SDTOK_MAX_LEN * d2 * sizeof *h2);
    longsd_status rc = h1 && h2 ? sdxl_encode(&sd->xlte, &st->arena, st->te2_patch, ids1, ids2, sdtok_eos(sd->tok2),
                                              h1, h2, pooled, &st->err)
                                : lserr_set(&st->err, LONGSD_ERR_NOMEM, "out of memory");
    if (rc == LONGSD_OK) {
        if (mult1)
            sdpw_emphasis(h1, mult1, SDTOK_MAX_LEN, d1);
        if (mult2)
            sdpw_emphasis(h2, mult2, SDTOK_MAX_LEN, d2);
        sdxl_concat(h1, d1, h2, d2, SDTOK_MAX_LEN, hidden);
    }
    longsd__free(h1);
    longsd__free(h2);
    return rc;
}

/* The prompt as plain text, one chunk (diffusers' truncation). */
static longsd_status encode_plain(longsd_sd *sd, longsd_sd_state *st, const char *prompt, float *hidden, float *pooled)
{
    int32_t ids[SDTOK_MAX_LEN], ids2[SDTOK_MAX_LEN];
    longsd_status rc = sdtok_encode(sd->tok, prompt ? prompt : "", ids, SDTOK_MAX_LEN, NULL, &st->err);
    if (rc == LONGSD_OK && sd->xl)
        rc = sdtok_encode(sd->tok2, prompt ? prompt : "", ids2, SDTOK_MAX_LEN, NULL, &st->err);
    if (rc == LONGSD_OK)
        rc = encode_chunk(sd, st, ids, ids2, NULL, NULL, hidden, pooled);
    return rc;
}

static longsd_status encode_text(longsd_sd *sd, longsd_sd_state *st, const char *prompt, float *hidden)
{
    if (!sd->tok)
        return lserr_set(&st->err, LONGSD_ERR_PARAM, "no model loaded");
    return encode_plain(sd, st, prompt, hidden, NULL);
}

/* A1111's chunks of the prompt, each through the encoder(s) alone, then
 * weighted; SDXL's pooled vector is the first chunk's, unweighted (as
 * A1111 takes it). */
static longsd_status encode_chunks(longsd_sd *sd, longsd_sd_state *st, const char *prompt, float **hidden, int *n_chunks, float *pooled)
{
    *hidden = NULL;
    *n_chunks = 0;
    sdpw_chunks c, c2 = {0};
    longsd_status rc = sdpw_chunk(sd->tok, prompt ? prompt : "", &c, &st->err);
    if (rc != LONGSD_OK)
        return rc;
    if (sd->xl && (rc = sdpw_chunk(sd->tok2, prompt ? prompt : "", &c2, &st->err)) == LONGSD_OK && c2.n != c.n)
        rc = lserr_set(&st->err, LONGSD_ERR_MODEL, "prompt: the two tokenizers split it into %d and %d chunks", c.n,
                       c2.n);
    size_t per = (size_t)SDTOK_MAX_LEN * longsd_sd_text_dim(sd);
    float *h = rc == LONGSD_OK ? longsd__malloc((size_t)c.n * per * sizeof *h) : NULL;
    if (rc == LONGSD_OK && !h)
        rc = lserr_set(&st->err, LONGSD_ERR_NOMEM, "out of memory");
    for (int k = 0; rc == LONGSD_OK && k < c.n; k++) {
        size_t o = (size_t)k * SDTOK_MAX_LEN;
        rc = encode_chunk(sd, st, c.ids + o, sd->xl ? c2.ids + o : NULL, c.mult + o, sd->xl ? c2.mult + o : NULL,
                          h + k * per, k == 0 ? pooled : NULL);
    }
    if (rc == LONGSD_OK) {
        *hidden = h;
        *n_chunks = c.n;
    } else {
        longsd__free(h);
    }
    sdpw_chunks_free(&c);
    if (sd->xl)
        sdpw_chunks_free(&c2);
    return rc;
}

static longsd_status encode_prompt(longsd_sd *sd, longsd_sd_state *st, const char *prompt, float **hidden,
                                   int *n_chunks)
{
    *hidden = NULL;
    *n_chunks = 0;
    if (!sd->tok)
        return lserr_set(&st->err, LONGSD_ERR_PARAM, "no model loaded");
    return encode_chunks(sd, st, prompt, hidden, n_chunks, NULL);
}

/* The calls on the handle itself run on its own state, whose message
 * becomes the handle's. */
longsd_status longsd_sd_encode_text(longsd_sd *sd, const char *prompt, float *hidden)
{
    sdpool *prev;
    longsd_status rc = bind_threads(sd->st, 0, &prev);
    if (rc == LONGSD_OK)
        rc = encode_text(sd, sd->st, prompt, hidden);
    sdpool_bind(prev);
    sd->err = sd->st->err;
    return rc;
}

longsd_status longsd_sd_encode_prompt(longsd_sd *sd, const char *prompt, float **hidden, int *n_chunks)
{
    sdpool *prev;
    longsd_status rc = bind_threads(sd->st, 0, &prev);
    if (rc == LONGSD_OK)
        rc = encode_prompt(sd, sd->st, prompt, hidden, n_chunks);
    else
        *hidden = NULL, *n_chunks = 0;
    sdpool_bind(prev);
    sd->err = sd->st->err;
    return rc;
}

/* The conditioning of one prompt as plain text (one chunk) or A1111's. */
static longsd_status encode_any(longsd_sd *sd, longsd_sd_state *st, const char *prompt, int plain, float **out,
                                int *n_chunks, float *pooled)
{
    if (!plain)
        return encode_chunks(sd, st, prompt, out, n_chunks, pooled);
    *n_chunks = 0;
    *out = longsd__malloc((size_t)SDTOK_MAX_LEN * longsd_sd_text_dim(sd) * sizeof **out);
    if (!*out)
        return lserr_set(&st->err, LONGSD_ERR_NOMEM, "out of memory");
    longsd_status rc = encode_plain(sd, st, prompt, *out, pooled);
    if (rc != LONGSD_OK) {
        longsd__free(*out);
        *out = NULL;
    } else {
        *n_chunks = 1;
    }
    return rc;
}

/* ctx(B, n * 77, D): [negative, prompt] (or the prompt alone for B = 1),
 * the shorter padded with chunks of the empty prompt so both have n
 * chunks (A1111's "pad prompt/negative prompt to be same length"). SDXL
 * also gives pooled(B, proj); an empty negative prompt is all zeros there
 * when the pipeline says force_zeros_for_empty_prompt (diffusers' and
 * A1111's way). */
static longsd_status build_context(longsd_sd *sd, longsd_sd_state *st, const longsd_sd_params *p, int B, float **ctx,
                                   int *n_ctx, float *pooled)
{
    *ctx = NULL;
    float *hc = NULL, *hu = NULL, *he = NULL;
    int nc = 0, nu = 0, ne = 0;
    int proj = sd->xl ? sd->xlte.c2.proj : 0;
    int zero_neg = B == 2 && sd->xl && sd->force_zeros && (!p->negative_prompt || !*p->negative_prompt);
    size_t per = (size_t)SDTOK_MAX_LEN * longsd_sd_text_dim(sd);
    longsd_status rc = encode_any(sd, st, p->prompt, p->plain_prompt, &hc, &nc, sd->xl ? pooled + (B - 1) * proj : NULL);
    if (rc == LONGSD_OK && B == 2 && !zero_neg)
        rc = encode_any(sd, st, p->negative_prompt, p->plain_prompt, &hu, &nu, sd->xl ? pooled : NULL);
    int n = nc > nu ? nc : nu;
    if (rc == LONGSD_OK && (nc < n || (B == 2 && !zero_neg && nu < n)))
        rc = encode_any(sd, st, "", 0, &he, &ne, NULL);
    if (rc == LONGSD_OK && !(*ctx = longsd__malloc((size_t)B * n * per * sizeof **ctx)))
        rc = lserr_set(&st->err, LONGSD_ERR_NOMEM, "out of memory");
    if (rc == LONGSD_OK) {
        for (int b = 0; b < B; b++) {
            const float *src = b == B - 1 ? hc : hu;
            int ns = b == B - 1 ? nc : nu;
            for (int k = 0; k < n; k++) {
                float *dst = *ctx + ((size_t)b * n + k) * per;
                if (b < B - 1 && zero_neg)
                    memset(dst, 0, per * sizeof *dst);
                else
                    memcpy(dst, k < ns ? src + k * per : he, per * sizeof **ctx);
            }
        }
        if (zero_neg)
            memset(pooled, 0, (size_t)proj * sizeof *pooled);
        *n_ctx = n * SDTOK_MAX_LEN;
    }
    longsd__free(hc);
    longsd__free(hu);
    longsd__free(he);
    return rc;
}

/* img2img: the first step that runs, as diffusers' get_timesteps:
 * init_timestep = min(int(steps * strength), steps), t_start = steps -
 * init_timestep (strength in double, as Python computes it). */
static longsd_status img2img_start(longsd_sd_state *st, const longsd_sd_params *p, int *t_start)
{
    if (!(p->strength > 0.0 && p->strength <= 1.0))
        return lserr_set(&st->err, LONGSD_ERR_PARAM, "strength %g: img2img takes a strength in (0, 1] (1 = every step)",
                         p->strength);
    if (p->init_width <= 0 || p->init_height <= 0 || p->init_width > 16384 || p->init_height > 16384)
        return lserr_set(&st->err, LONGSD_ERR_PARAM, "init image %dx%d: width and height must be 1..16384",
                         p->init_width, p->init_height);
    double d = (double)p->steps * p->strength;
    int run = d >= p->steps ? p->steps : (int)d;
    if (run < 1)
        return lserr_set(&st->err, LONGSD_ERR_PARAM,
                         "strength %g of %d steps runs no step (int(steps x strength) = 0): raise the steps or the "
                         "strength",
                         p->strength, p->steps);
    *t_start = p->steps - run;
    return LONGSD_OK;
}

/* x(L, h, w) = the init image encoded and noised to step t_start, as
 * StableDiffusionImg2ImgPipeline.prepare_latents: the KL VAE's posterior
 * is sampled (mean + exp(logvar / 2) eps, eps the generator's first draw)
 * and scaled by scaling_factor; TAESD's latents are taken as they are
 * (AutoencoderTiny has no distribution and scale 1, so nothing is drawn);
 * then scheduler.add_noise with the next draw (or init_noise). */
static longsd_status init_latents(longsd_sd *sd, longsd_sd_state *st, const longsd_sd_params *p, const sdsched *s,
                                  int t_start, int h, int w, sdrng *rng, const sdabort *ab, float *x)
{
    int L = sd->unet_cfg.in_ch;
    size_t n = (size_t)L * h * w;
    int taesd = sd->taesd && sdtaesd_has_encoder(sd->taesd);
    int ic = taesd ? sdtaesd_config(sd->taesd)->in_ch : sd->vae_cfg.in_ch;
    longsd_status rc = LONGSD_OK;
    const sdw_patch *keep = st->arena.patch; /* the UNet's LoRAs: not the autoencoder's */
    float *img = longsd__malloc((size_t)3 * p->width * p->height * sizeof *img);
    float *mom = longsd__malloc(2 * n * sizeof *mom), *noise = longsd__malloc(n * sizeof *noise);
    if (!img || !mom || !noise || sdimg_fit(p->init_image, p->init_width, p->init_height, p->width, p->height, img)) {
        rc = lserr_set(&st->err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (ic != 3) {
        rc = lserr_set(&st->err, LONGSD_ERR_UNSUPPORTED, "img2img: the %s takes %d image channels, not RGB",
                       taesd ? "TAESD encoder" : "VAE encoder", ic);
        goto out;
    }
    st->arena.patch = NULL;
    if (taesd) {
        rc = sdtaesd_encode(sd->taesd, &st->arena, img, p->height, p->width, x, ab, &st->err);
        if (rc != LONGSD_OK)
            goto out;
    } else {
        rc = sdvae_encode(&sd->vae_cfg, sd->vae, sd->vae_prefix, &st->arena, img, p->height, p->width, mom, ab,
                          &st->err);
        if (rc != LONGSD_OK)
            goto out;
        sdrng_draw(rng, noise, n);
        for (size_t k = 0; k < n; k++) {
            double lv = mom[n + k];
            lv = lv < -30.0 ? -30.0 : lv > 20.0 ? 20.0 : lv;
            x[k] = (float)(((double)mom[k] + exp(0.5 * lv) * noise[k]) * sd->vae_cfg.scaling);
        }
    }
    sdrng_draw(rng, noise, n);
    if (p->init_noise)
        memcpy(noise, p->init_noise, n * sizeof *noise);
    sdsched_add_noise(s, t_start, x, noise, x, n);
out:
    st->arena.patch = keep;
    longsd__free(img);
    longsd__free(mom);
    longsd__free(noise);
    return rc;
}

static longsd_status generate(longsd_sd *sd, longsd_sd_state *st, const longsd_sd_params *p, float *latents,
                              uint8_t *rgb)
{
    if (!p)
        return lserr_set(&st->err, LONGSD_ERR_PARAM, "no parameters");
    if (!sd->tok)
        return lserr_set(&st->err, LONGSD_ERR_PARAM, "no model loaded");
    int f = longsd_sd_latent_factor(sd), mult = f << (sd->unet_cfg.n_blocks - 1);
    if (p->width <= 0 || p->height <= 0 || p->width % mult || p->height % mult || p->width > 8192 ||
        p->height > 8192)
        return lserr_set(&st->err, LONGSD_ERR_PARAM, "size %dx%d: width and height must be multiples of %d up to 8192",
                         p->width, p->height, mult);
    if (sd->taesd && (sdtaesd_config(sd->taesd)->latent_ch != sd->unet_cfg.in_ch || sdtaesd_factor(sd->taesd) != f))
        return lserr_set(&st->err, LONGSD_ERR_MODEL,
                         "TAESD: %d latent channels at 1/%d scale, the model %d at 1/%d (a TAESD for another family?)",
                         sdtaesd_config(sd->taesd)->latent_ch, sdtaesd_factor(sd->taesd), sd->unet_cfg.in_ch, f);
    if (p->vae_tile < -1 || (p->vae_tile > 0 && (p->vae_tile < 64 || p->vae_tile % f)))
        return lserr_set(&st->err, LONGSD_ERR_PARAM,
                         "vae_tile %d: give a tile size of 64 pixels or more, a multiple of %d (0 = automatic, -1 = "
                         "never)",
                         p->vae_tile, f);
    int h = p->height / f, w = p->width / f, L = sd->unet_cfg.in_ch;
    if (!longsd_rng_name(p->rng))
        return lserr_set(&st->err, LONGSD_ERR_PARAM, "rng %d: not one of native, cpu, cuda", (int)p->rng);
    size_t n = (size_t)L * h * w;
    /* As diffusers: guidance > 1 runs the negative prompt too, unless the
     * UNet takes the guidance as an embedding (LCM) */
    int tcd = sd->unet_cfg.tcond_dim, cfg_on = p->cfg_scale > 1.0f && !tcd;
    char *clean = NULL;
    sdlora_tag *tags = NULL;
    size_t ntags = 0;
    sdlora_set lte, lte2, lunet;
    sdlora_set_init(&lte, SDLORA_TE);
    sdlora_set_init(&lte2, SDLORA_TE2);
    sdlora_set_init(&lunet, SDLORA_UNET);
    longsd_status rc;
    sdsched s;
    float wemb[4096];
    if (tcd)
        sdunet_guidance_embedding(p->cfg_scale - 1.0f, tcd, wemb);
    if ((rc = sdsched_init_cfg(&s, &sd->sched_cfg, (sds_kind)p->sampler, p->karras, p->steps, &st->err)) != LONGSD_OK)
        return rc;
    int t_start = 0;
    if (p->init_image && (rc = img2img_start(st, p, &t_start)) != LONGSD_OK) {
        sdsched_free(&s);
        return rc;
    }
    /* As diffusers: the batch is [unconditional, conditional]. */
    float *ctx = NULL, *pooled = NULL, tids[2 * SDXL_TIME_IDS];
    int n_ctx = 0;
    float *x = longsd__malloc(n * sizeof *x), *xin = longsd__malloc(2 * n * sizeof *xin);
    float *eps = longsd__malloc(2 * n * sizeof *eps);
    float *noise = longsd__malloc(n * sizeof *noise);
    float *img = NULL;
    if (!x || !xin || !eps || !noise) {
        rc = lserr_set(&st->err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    int B = cfg_on ? 2 : 1;
    sdabort ab = {p->abort, p->abort_user_data}; /* also polled inside the networks */
    /* <lora:...> tags leave the prompt before it is read, as in A1111 */
    if ((rc = sdlora_tags(p->prompt ? p->prompt : "", &clean, &tags, &ntags, &st->err)) != LONGSD_OK ||
        (rc = prepare_loras(sd, st, p, tags, ntags, &lte, &lte2, &lunet)) != LONGSD_OK)
        goto out;
    longsd_sd_params q = *p;
    q.prompt = clean;
    st->arena.patch = lte.n ? &lte.patch : NULL;
    st->te2_patch = lte2.n ? &lte2.patch : NULL;
    st->released = 0;
    stage_use(sd, st, STAGE_TE);
    if (sd->xl) {
        pooled = longsd__calloc((size_t)B * sd->xlte.c2.proj, sizeof *pooled);
        if (!pooled) {
            rc = lserr_set(&st->err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (int b = 0; b < B; b++)
            sdxl_time_ids(p->width, p->height, tids + b * SDXL_TIME_IDS);
    }
    rc = build_context(sd, st, &q, B, &ctx, &n_ctx, pooled);
    st->arena.patch = lunet.n ? &lunet.patch : NULL;
    st->te2_patch = NULL;
    /* a module that named no layer is a LoRA for another model: said, not ignored */
    if (rc == LONGSD_OK)
        rc = sdlora_set_check(&lte, sd->xl ? sd->xlte.f1 : sd->te, sd->xl ? sd->xlte.p1 : sd->te_prefix,
                              sd->xl ? "first text encoder (CLIP ViT-L)" : "text encoder", &st->err);
    if (rc == LONGSD_OK && sd->xl)
        rc = sdlora_set_check(&lte2, sd->xlte.f2, sd->xlte.p2, "second text encoder (OpenCLIP bigG)", &st->err);
    if (rc != LONGSD_OK)
        goto out;
    stage_done(sd, st, STAGE_TE, 1);
    /* x_T is always drawn, so the ancestral noise is the same stream
     * position whether or not init_noise replaces it */
    sdrng rng;
    sdrng_init(&rng, (sdrng_kind)p->rng, p->seed);
    if (p->init_image) {
        stage_use(sd, st, STAGE_VAE);
        if ((rc = init_latents(sd, st, p, &s, t_start, h, w, &rng, &ab, x)) != LONGSD_OK)
            goto out;
        stage_done(sd, st, STAGE_VAE, 0); /* the encoder's pages; the decoder faults its own back in */
    } else {
        sdrng_draw(&rng, x, n);
        if (p->init_noise)
            memcpy(x, p->init_noise, n * sizeof *x);
        for (size_t k = 0; k < n; k++)
            x[k] *= s.init_sigma;
    }
    stage_use(sd, st, STAGE_UNET);
    for (int i = t_start; i < s.steps; i++) {
        if (p->abort && p->abort(p->abort_user_data)) {
            rc = lserr_set(&st->err, LONGSD_ERR_ABORTED, "aborted at step %d of %d", i - t_start, s.steps - t_start);
            goto out;
        }
        float sc = sdsched_input_scale(&s, i), t = s.timesteps[i];
        for (size_t k = 0; k < n; k++)
            xin[k] = x[k] * sc;
        if (B == 2)
            memcpy(xin + n, xin, n * sizeof *xin);
        sdunet_extra ex = {.tcond = tcd ? wemb : NULL, .text_embeds = pooled, .time_ids = sd->xl ? tids : NULL};
        if ((rc = sdunet_forward_ex(&sd->unet_cfg, sd->unet, sd->unet_prefix, &st->arena, xin, B, h, w, t, &ex, ctx,
                                    n_ctx, eps, &ab, &st->err)) != LONGSD_OK)
            goto out;
        /* the first step read every UNet weight */
        if (i == t_start && (rc = sdlora_set_check(&lunet, sd->unet, sd->unet_prefix, "UNet", &st->err)) != LONGSD_OK)
            goto out;
        float *ec = eps + (size_t)(B - 1) * n;
        if (cfg_on)
            for (size_t k = 0; k < n; k++)
                ec[k] = eps[k] + p->cfg_scale * (ec[k] - eps[k]);
        const float *nz = NULL;
        if (sdsched_needs_noise(&s, i)) {
            if (p->step_noise)
                nz = p->step_noise + (size_t)(i - t_start) * n;
            else {
                sdrng_draw(&rng, noise, n);
                nz = noise;
            }
        }
        if ((rc = sdsched_step(&s, i, ec, x, n, nz, &st->err)) != LONGSD_OK)
            goto out;
        if (p->progress)
            p->progress(p->progress_user_data, i - t_start + 1, s.steps - t_start);
    }
    if (latents)
        memcpy(latents, x, n * sizeof *x);
    stage_done(sd, st, STAGE_UNET, rgb != NULL);
    if (rgb) {
        int oc = sd->taesd ? sdtaesd_config(sd->taesd)->out_ch : sd->vae_cfg.out_ch;
        img = longsd__malloc((size_t)oc * p->width * p->height * sizeof *img);
        if (!img) {
            rc = lserr_set(&st->err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        st->arena.patch = NULL;
        if (!sd->taesd)
            stage_use(sd, st, STAGE_VAE);
        int tile = vae_tile(p, f);
        rc = sd->taesd ? sdtaesd_decode(sd->taesd, &st->arena, x, h, w, img, &ab, &st->err)
             : tile    ? sdvae_decode_tiled(&sd->vae_cfg, sd->vae, sd->vae_prefix, &st->arena, x, h, w, tile, tile / 4,
                                            img, &ab, &st->err)
                       : sdvae_decode(&sd->vae_cfg, sd->vae, sd->vae_prefix, &st->arena, x, h, w, img, &ab, &st->err);
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
    st->arena.patch = NULL; /* the next image gets the model as it is on disk */
    st->te2_patch = NULL;
    sdlora_set_free(&lte);
    sdlora_set_free(&lte2);
    sdlora_set_free(&lunet);
    /* an idle handle holds no activations and no weight pages, whichever
     * stage stopped (error and abort too) */
    stage_done(sd, st, STAGE_TE, 0);
    stage_done(sd, st, STAGE_UNET, 0);
    stage_done(sd, st, STAGE_VAE, 0);
    longsd__free(clean);
    sdlora_tags_free(tags, ntags);
    sdsched_free(&s);
    longsd__free(ctx);
    longsd__free(pooled);
    longsd__free(x);
    longsd__free(xin);
    longsd__free(eps);
    longsd__free(noise);
    longsd__free(img);
    return rc;
}

longsd_status longsd_sd_generate_with_state(longsd_sd *sd, longsd_sd_state *st, const longsd_sd_params *p,
                                           float *latents, uint8_t *rgb)
{
    lserr_clear(&st->err);
    sdpool *prev;
    longsd_status rc = bind_threads(st, p ? p->threads : 0, &prev);
    if (rc == LONGSD_OK)
        rc = generate(sd, st, p, latents, rgb);
    sdpool_bind(prev);
    return rc;
}

longsd_status longsd_sd_generate(longsd_sd *sd, const longsd_sd_params *p, float *latents, uint8_t *rgb)
{
    longsd_status rc = longsd_sd_generate_with_state(sd, sd->st, p, latents, rgb);
    sd->err = sd->st->err;
    return rc;
}

void longsd_sd_mem_stats(const longsd_sd *sd, longsd_sd_mem *out)
{
    longsd_sd_state_mem_stats(sd->st, out);
}
