/* backend_native.c - the in-process Stable Diffusion engine (src/engine/) as
 * an image backend: `--backend native=PATH`, PATH a diffusers folder or a
 * single-file CompVis checkpoint (.safetensors, or a stable-diffusion.cpp
 * .gguf: f16, q8_0, q4_0 ..., known by its magic; its tokenizer from
 * $LONGSD_CLIP_VOCAB or a tokenizer/ folder beside it). One model is loaded
 * per backend and shared: each of the --per-backend jobs running at once
 * generates on a state of its own (longsd_sd_state: its arena and its
 * threads, the cores shared out among the jobs unless --threads says), so
 * a second job adds its activations, not a second copy of the weights.
 * Idle states are kept for the next jobs. A <lora:NAME:W>
 * of a prompt is found the way --model finds a model (models.c): lora_dir,
 * a path, a hub repo in the Hugging Face cache, or a LoRA in the A1111 and
 * ComfyUI folders; the engine gets the files and a prompt without tags. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "init_image.h"
#include "lora.h"
#include "lora_hash.h"
#include "models_int.h"
#include "png_write.h"
#include "sd.h"

#define MAX_MODEL_DIRS 64
#define MAX_KNOWN_LORAS 64

typedef struct {
    longsd_sd *sd;    /* shared by the jobs, read-only while they run */
    int threads;      /* of each job; 0 = the engine's default */
    pthread_mutex_t lock; /* over known and idle */
    longsd_sd_state *idle[64]; /* states no job uses now */
    int n_idle;
    char *lora_dir; /* or NULL */
    /* where other LoRA names are looked up (a copy of the caller's params) */
    char *dirs[MAX_MODEL_DIRS];
    size_t n_dirs;
    int no_default_dirs;
    /* names found before: a scan reads every file's header, once is enough */
    struct {
        char *name, *path;
    } known[MAX_KNOWN_LORAS];
    size_t n_known;
    /* A1111's short hash of each LoRA file used, computed once */
    struct {
        char *path;
        char hash[LS_LORA_SHORTHASH + 1]; /* "" = none (a folder) */
    } hashed[MAX_KNOWN_LORAS];
    size_t n_hashed;
} native_state;

static void state_free(native_state *ns)
{
    if (!ns)
        return;
    for (int i = 0; i < ns->n_idle; i++)
        longsd_sd_state_free(ns->idle[i]);
    longsd_sd_free(ns->sd);
    pthread_mutex_destroy(&ns->lock);
    longsd__free(ns->lora_dir);
    for (size_t i = 0; i < ns->n_dirs; i++)
        longsd__free(ns->dirs[i]);
    for (size_t i = 0; i < ns->n_hashed; i++)
        longsd__free(ns->hashed[i].path);
    for (size_t i = 0; i < ns->n_known; i++) {
        longsd__free(ns->known[i].name);
        longsd__free(ns->known[i].path);
    }
    longsd__free(ns);
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* What a model must be, for the messages that find something else. */
#define MODEL_SHAPE                                                                                               \
    "a diffusers folder (text_encoder/, unet/ and vae/, each with config.json and its .safetensors weights, and " \
    "tokenizer/ with vocab.json and merges.txt) or a single-file .safetensors checkpoint (or a stable-diffusion.cpp " \
    ".gguf)"
const char *ls_vae_kind(const char *spec)
{
    return spec && strncmp(spec, "taesd=", 6) == 0 && spec[6] ? "taesd" : NULL;
}

int ls_vae_tile_used(const ls_render_job *j)
{
    if (j->vae_tile <= 0 || (j->vae && strcmp(j->vae, "taesd") == 0))
        return 0; /* the engine's choice, or TAESD, which decodes whole */
    return j->vae_tile < j->width || j->vae_tile < j->height ? j->vae_tile : 0;
}

static longsd_status native_create(const ls_backend_opts *o, void **state, lserr *err)
{
    *state = NULL;
    const char *path = o->url;
    if (!path || !*path)
        return lserr_set(err, LONGSD_ERR_PARAM, "native: give a model, e.g. --backend native=models/sd-v1-5");
    struct stat st;
    if (stat(path, &st) != 0) /* say so before the engine names a file inside it */
        return lserr_set(err, LONGSD_ERR_NOT_FOUND, "%s: no such file or folder; the model must be " MODEL_SHAPE,
                         path);
    if (S_ISDIR(st.st_mode)) {
        static const char *const need[] = {"text_encoder", "unet", "vae", "tokenizer"};
        for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
            char *sub = longsd__asprintf("%s/%s", path, need[i]);
            int ok = sub && is_dir(sub);
            longsd__free(sub);
            if (!ok)
                return lserr_set(err, LONGSD_ERR_NOT_FOUND, "%s has no %s/ folder; the model must be " MODEL_SHAPE,
                                 path, need[i]);
        }
    }
    native_state *ns = longsd__calloc(1, sizeof *ns);
    if (!ns || !(ns->sd = longsd_sd_new())) {
        longsd__free(ns);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    pthread_mutex_init(&ns->lock, NULL);
    /* jobs at once share the cores, unless each is given its count */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    ns->threads = o->threads > 0 ? o->threads : o->jobs > 1 ? (int)(cores > o->jobs ? cores / o->jobs : 1) : 0;
    longsd_status rc;
    int nomem = o->lora_dir && !(ns->lora_dir = longsd__strdup(o->lora_dir));
    /* --lora-dir is searched first, as a folder of models, then the caller's */
    if (o->lora_dir && !nomem)
        nomem = !(ns->dirs[ns->n_dirs++] = longsd__strdup(o->lora_dir));
    for (size_t i = 0; o->models && i < o->models->n_dirs && ns->n_dirs < MAX_MODEL_DIRS && !nomem; i++)
        nomem = !(ns->dirs[ns->n_dirs++] = longsd__strdup(o->models->dirs[i]));
    ns->no_default_dirs = o->models ? o->models->no_default_dirs : 0;
    if (nomem) {
        state_free(ns);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    if (is_dir(path)) {
        rc = longsd_sd_load(ns->sd, path);
    } else {
        /* a single file holds no tokenizer: take it from the environment or
         * from a diffusers tokenizer/ folder next to the checkpoint */
        const char *vocab = getenv("LONGSD_CLIP_VOCAB");
        char *beside = NULL;
        if (!vocab || !*vocab) {
            const char *slash = strrchr(path, '/');
            beside = longsd__asprintf("%.*stokenizer", slash ? (int)(slash - path + 1) : 0, path);
            vocab = beside;
        }
        rc = vocab ? longsd_sd_load_file(ns->sd, path, vocab, NULL) : LONGSD_ERR_NOMEM;
        longsd__free(beside);
    }
    if (rc)
        lserr_set(err, rc, "native: %s", longsd_sd_errmsg(ns->sd));
    else if (o->vae && !ls_vae_kind(o->vae))
        rc = lserr_set(err, LONGSD_ERR_PARAM, "native: vae \"%s\": expected taesd=PATH", o->vae);
    else if (o->vae && (rc = longsd_sd_set_taesd(ns->sd, o->vae + 6)))
        lserr_set(err, rc, "native: vae: %s", longsd_sd_errmsg(ns->sd));
    if (rc) {
        state_free(ns);
        return rc;
    }
    *state = ns;
    return LONGSD_OK;
}

/* A1111 sampler names, which the plan records, to the engine's samplers. */
static int map_sampler(const char *name, longsd_sampler *s, int *karras)
{
    static const struct {
        const char *name;
        longsd_sampler s;
        int karras;
    } map[] = {
        {"Euler a", LONGSD_SAMPLER_EULER_A, 0},   {"Euler", LONGSD_SAMPLER_EULER, 0},
        {"Euler Karras", LONGSD_SAMPLER_EULER, 1}, {"DDIM", LONGSD_SAMPLER_DDIM, 0},
        {"DPM++ 2M", LONGSD_SAMPLER_DPMPP_2M, 0}, {"DPM++ 2M Karras", LONGSD_SAMPLER_DPMPP_2M, 1},
        {"LCM", LONGSD_SAMPLER_LCM, 0},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (lsstr_casecmp_ascii(name ? name : "Euler a", map[i].name) == 0) {
            *s = map[i].s;
            *karras = map[i].karras;
            return 0;
        }
    return -1;
}

/* The file a tag's NAME stands for: lora_dir/NAME.safetensors as before,
 * or lora_dir/NAME/adapter_model.safetensors (a PEFT adapter folder, whose
 * adapter_config.json the engine reads beside it), else the model
 * resolver over lora_dir and the caller's folders. Called under ns->lock. */
static longsd_status lora_path(native_state *ns, const char *name, char **out, lserr *err)
{
    *out = NULL;
    for (int k = 0; ns->lora_dir && k < 2; k++) {
        char *p = longsd__asprintf("%s/%s%s", ns->lora_dir, name, k ? "/adapter_model.safetensors" : ".safetensors");
        if (p && lsfile_exists(p)) {
            *out = p;
            return LONGSD_OK;
        }
        longsd__free(p);
    }
    for (size_t i = 0; i < ns->n_known; i++)
        if (strcmp(ns->known[i].name, name) == 0)
            return (*out = longsd__strdup(ns->known[i].path)) ? LONGSD_OK
                                                               : lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    longsd_model_params mp = longsd_model_default_params();
    mp.dirs = (const char *const *)ns->dirs;
    mp.n_dirs = ns->n_dirs;
    mp.no_default_dirs = ns->no_default_dirs;
    lserr e;
    lserr_clear(&e);
    longsd_status rc = ls_model_resolve(NULL, name, LONGSD_MODEL_LORA, &mp, out, &e);
    if (rc == LONGSD_ERR_NOT_FOUND && ns->lora_dir)
        return lserr_set(err, rc, "prompt: %s (nor %s/%s.safetensors)", e.msg, ns->lora_dir, name);
    if (rc == LONGSD_ERR_NOT_FOUND)
        return lserr_set(err, rc, "prompt: %s", e.msg);
    if (rc)
        return lserr_set(err, rc, "prompt: LoRA \"%s\": %s", name, e.msg);
    if (ns->n_known < MAX_KNOWN_LORAS) {
        char *n = longsd__strdup(name), *p = longsd__strdup(*out);
        if (n && p) {
            ns->known[ns->n_known].name = n;
            ns->known[ns->n_known++].path = p;
        } else {
            longsd__free(n);
            longsd__free(p);
        }
    }
    return LONGSD_OK;
}

/* The short hash of the LoRA at path into out ("" when it has none), read
 * once per backend: hashing reads the whole file, so outside the lock
 * (two jobs may both hash a new file; the first result is kept). A file
 * that cannot be hashed gets none: the field is a courtesy to readers of
 * the PNG, the image is already drawn. */
static void lora_hash(native_state *ns, const char *path, char out[LS_LORA_SHORTHASH + 1])
{
    out[0] = '\0';
    pthread_mutex_lock(&ns->lock);
    for (size_t i = 0; i < ns->n_hashed; i++)
        if (strcmp(ns->hashed[i].path, path) == 0) {
            memcpy(out, ns->hashed[i].hash, LS_LORA_SHORTHASH + 1);
            pthread_mutex_unlock(&ns->lock);
            return;
        }
    pthread_mutex_unlock(&ns->lock);
    lserr e;
    lserr_clear(&e);
    if (ls_lora_shorthash(path, out, &e) != LONGSD_OK)
        out[0] = '\0';
    pthread_mutex_lock(&ns->lock);
    int have = 0;
    for (size_t i = 0; i < ns->n_hashed && !have; i++)
        have = strcmp(ns->hashed[i].path, path) == 0;
    if (!have && ns->n_hashed < MAX_KNOWN_LORAS && (ns->hashed[ns->n_hashed].path = longsd__strdup(path))) {
        memcpy(ns->hashed[ns->n_hashed].hash, out, LS_LORA_SHORTHASH + 1);
        ns->n_hashed++;
    }
    pthread_mutex_unlock(&ns->lock);
}

/* The pool's stop (Ctrl-C, a deadline, `serve` cancelling) reaches an
 * in-process job through the abort check of its ls_http, as it reaches a
 * transfer; the engine polls it between blocks, so a stop is seen within a
 * fraction of a step and the job goes back to the queue untouched. */
static int native_aborted(void *user) { return user && ls_http_aborted(user); }

static longsd_status native_render(void *state, ls_http *http, const ls_render_job *job, ls_render_image *out,
                                   lserr *err)
{
    native_state *ns = state;
    memset(out, 0, sizeof *out);
    longsd_sd_params p = longsd_sd_default_params();
    if (map_sampler(job->sampler, &p.sampler, &p.karras))
        return lserr_set(err, LONGSD_ERR_UNSUPPORTED,
                         "native: sampler \"%s\" is not built in (Euler a, Euler, Euler Karras, DDIM, DPM++ 2M, "
                         "DPM++ 2M Karras, LCM)",
                         job->sampler);
    if (job->width % 64 || job->height % 64)
        return lserr_set(err, LONGSD_ERR_UNSUPPORTED, "native: %dx%d: SD 1.x, 2.x and XL need multiples of 64 (e.g. 768x512)",
                         job->width, job->height);
    p.prompt = job->prompt;
    p.negative_prompt = job->negative;
    p.width = job->width;
    p.height = job->height;
    p.steps = job->steps;
    p.cfg_scale = job->cfg_scale;
    p.seed = job->seed;
    p.vae_tile = job->vae_tile; /* the engine says what a bad size is */
    p.abort = native_aborted;
    p.abort_user_data = http;
    if (job->rng && longsd_rng_from_name(job->rng, &p.rng) != 0)
        return lserr_set(err, LONGSD_ERR_PARAM, "native: unknown rng \"%.40s\" (native, cpu or cuda)", job->rng);
    /* <lora:NAME:W> in the prompt, as A1111 reads it: found here, given to
     * the engine as files, the prompt without the tags (as it would strip them) */
    char *clean = NULL, *paths[LONGSD_SD_MAX_LORAS] = {0};
    sdlora_tag *tags = NULL;
    size_t ntags = 0;
    longsd_sd_lora loras[LONGSD_SD_MAX_LORAS];
    uint8_t *rgb = NULL;
    uint8_t *init = NULL;
    if (job->init_image) { /* img2img: the engine fits the picture to the size */
        if (!ls_strength_ok(job->strength))
            return lserr_set(err, LONGSD_ERR_PARAM, "native: strength %g is outside (0, 1]", job->strength);
        longsd_status irc = ls_init_image_load(job->init_image, &init, &p.init_width, &p.init_height, err);
        if (irc)
            return irc;
        p.init_image = init;
        p.strength = job->strength;
    }
    longsd_sd_state *st = NULL;
    pthread_mutex_lock(&ns->lock);
    longsd_status rc = sdlora_tags(job->prompt ? job->prompt : "", &clean, &tags, &ntags, err);
    if (!rc && ntags > LONGSD_SD_MAX_LORAS)
        rc = lserr_set(err, LONGSD_ERR_PARAM, "prompt: %zu LoRAs: at most %d at once", ntags, LONGSD_SD_MAX_LORAS);
    for (size_t i = 0; !rc && i < ntags; i++) {
        if (!(rc = lora_path(ns, tags[i].name, &paths[i], err))) {
            loras[i].path = paths[i];
            loras[i].weight = tags[i].weight;
        }
    }
    if (!rc && ns->n_idle > 0)
        st = ns->idle[--ns->n_idle];
    pthread_mutex_unlock(&ns->lock);
    if (!rc && !st && !(st = longsd_sd_state_new()))
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    if (!rc && !(rgb = longsd__malloc((size_t)job->width * (size_t)job->height * 3)))
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    if (!rc) {
        p.prompt = clean;
        p.loras = loras;
        p.n_loras = (int)ntags;
        p.threads = ns->threads;
        if ((rc = longsd_sd_generate_with_state(ns->sd, st, &p, NULL, rgb)) == LONGSD_ERR_ABORTED)
            lserr_set(err, rc, "native: stopped");
        else if (rc)
            lserr_set(err, rc, "native: %s", longsd_sd_state_errmsg(st));
    }
    if (st) {
        pthread_mutex_lock(&ns->lock);
        if (ns->n_idle < (int)(sizeof ns->idle / sizeof ns->idle[0])) {
            ns->idle[ns->n_idle++] = st;
            st = NULL;
        }
        pthread_mutex_unlock(&ns->lock);
        longsd_sd_state_free(st);
    }
    if (!rc) {
        rc = ls_png_encode_rgb(rgb, job->width, job->height, &out->data, &out->len, err);
        out->seed_used = job->seed;
    }
    if (!rc && ntags > 0) { /* A1111's "Lora hashes" for the PNG parameters */
        char h[LONGSD_SD_MAX_LORAS][LS_LORA_SHORTHASH + 1];
        const char *names[LONGSD_SD_MAX_LORAS], *hs[LONGSD_SD_MAX_LORAS];
        for (size_t i = 0; i < ntags; i++) {
            lora_hash(ns, paths[i], h[i]);
            names[i] = tags[i].name;
            hs[i] = h[i];
        }
        out->params_extra = ls_lora_hashes_field(names, hs, ntags);
    }
    for (size_t i = 0; i < ntags && i < LONGSD_SD_MAX_LORAS; i++)
        longsd__free(paths[i]);
    sdlora_tags_free(tags, ntags);
    longsd__free(clean);
    longsd__free(rgb);
    longsd__free(init);
    return rc;
}

static void native_destroy(void *state) { state_free(state); }

const ls_backend_ops ls_backend_native = {
    .name = "native",
    .description = "the in-process Stable Diffusion 1.x and 2.x engine (PATH: a diffusers folder, or a .safetensors or .gguf file)",
    .caps = LS_CAP_ALL | LS_CAP_RNG | LS_CAP_INIT_IMAGE | LS_CAP_VAE_TILE,
    .create = native_create,
    .render = native_render,
    .destroy = native_destroy,
    .in_process = 1,
    .instance_caps = NULL,
};
