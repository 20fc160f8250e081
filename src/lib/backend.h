/* backend.h - the image backend interface: one table of function pointers
 * per kind of server, one file each (backend_a1111.c, backend_comfyui.c,
 * backend_openai.c), like curl's vtls or ggml's backend interface. Adding a
 * backend is adding a file and a line in the table of backend.c.
 *
 * Threading: create() and destroy() run once on the pool's thread; render()
 * runs concurrently from several worker threads on the same state, each
 * with its own ls_http, so a backend's state must be read-only after
 * create(). */
#ifndef LONGSD_BACKEND_H
#define LONGSD_BACKEND_H

#include <stdint.h>

#include "http.h"
#include "util.h"

/* One image to draw. Strings are borrowed for the duration of render(). */
typedef struct {
    const char *prompt;
    const char *negative;   /* "" = none */
    uint32_t seed;
    int width, height;      /* pixels */
    int steps;
    float cfg_scale;
    const char *sampler;    /* A1111 spelling ("Euler a"); backends translate */
    const char *vae;        /* "" = the model's own; "taesd" (native --vae taesd=PATH) */
    const char *rng;        /* noise source "cpu" / "cuda"; NULL = native (noise.h) */
    const char *init_image; /* img2img: the PNG to start from; NULL = txt2img */
    double strength;        /* img2img: (0, 1], the share of the steps run on it */
    const char *params_extra; /* the backend's own fields for the PNG parameters, or NULL */
    int vae_tile;           /* native: VAE tiles of this many pixels; 0 = the engine's choice */
} ls_render_job;

/* What render() hands back. data is checked by the pool (PNG/JPEG of the
 * asked size) before it becomes a file. */
typedef struct {
    uint8_t *data;          /* image bytes, free with longsd__free */
    size_t len;
    int64_t seed_used;      /* as reported by the server; -1 = not reported */
    char *params_extra;     /* optional: fields for the PNG parameters ("Lora hashes: ..."), owned */
} ls_render_image;

void ls_render_image_free(ls_render_image *im);

/* Options for create(). Strings are copied by create() as needed. */
typedef struct {
    const char *url;        /* base URL: "http://127.0.0.1:7860" */
    const char *api_key;    /* optional: sent as a Bearer token (openai); NULL = the backend
                             * looks up its own environment variable in create() */
    const char *model;      /* optional: openai "model"; comfyui ckpt_name */
    const char *workflow;   /* optional, comfyui: path of an API-format workflow with placeholders */
    size_t max_image_bytes; /* cap on a decoded image */
    long poll_ms;           /* comfyui: first /history poll interval */
    long timeout_ms;        /* comfyui: give up waiting for a queued prompt after this */
    const char *vae;        /* optional, native: "taesd=PATH" decodes with TAESD */
    const char *lora_dir;   /* optional, native: folder of <lora:NAME> files */
    const struct longsd_model_params *models; /* optional, native: where other <lora:NAME> are found */
    int jobs;               /* jobs the pool runs on this backend at once (its slots) */
    int threads;            /* optional, native: threads of each job; 0 = the cores / jobs */
} ls_backend_opts;

/* Which job fields a backend honours; the others are reported as ignored. */
enum {
    LS_CAP_SIZE = 1 << 0,
    LS_CAP_STEPS = 1 << 1,
    LS_CAP_CFG = 1 << 2,
    LS_CAP_SAMPLER = 1 << 3,
    LS_CAP_SEED = 1 << 4,
    LS_CAP_NEGATIVE = 1 << 5,
    LS_CAP_ALL = (1 << 6) - 1,
    /* the noise source (--rng): outside LS_CAP_ALL, a backend opts in */
    LS_CAP_RNG = 1 << 6,
    /* img2img (--init-image): a job with one fails on a backend without it */
    LS_CAP_INIT_IMAGE = 1 << 7,
    /* VAE tiling asked for (--vae-tiling): reported as ignored without it */
    LS_CAP_VAE_TILE = 1 << 8
};

typedef struct ls_backend_ops {
    const char *name;        /* "a1111", "comfyui", "openai" */
    const char *description; /* one line for --help and docs */
    unsigned caps;           /* LS_CAP_* honoured */
    /* Check the options and build the backend's state (*state may stay NULL). */
    longsd_status (*create)(const ls_backend_opts *o, void **state /* OUT */, lserr *err);
    /* Draw one image. Errors: LONGSD_ERR_NETWORK / _BACKEND / _TOO_BIG /
     * _IMAGE / _ABORTED as the request or reply warrant. */
    longsd_status (*render)(void *state, ls_http *http, const ls_render_job *job, ls_render_image *out /* OUT */,
                            lserr *err);
    void (*destroy)(void *state);
    /* 1: an in-process engine, not a server: "url" is a local model path,
     * and by default it takes one job at a time (it uses every core). */
    int in_process;
    /* Optional (may be NULL): the caps of this instance when they depend on
     * the options (e.g. a model that takes no seed); default: caps. */
    unsigned (*instance_caps)(void *state);
} ls_backend_ops;

extern const ls_backend_ops ls_backend_a1111;
extern const ls_backend_ops ls_backend_comfyui;
extern const ls_backend_ops ls_backend_openai;
extern const ls_backend_ops ls_backend_native;

/* The ops of a kind by name (also "forge", "sdnext", "sdcpp" -> a1111,
 * "openai-images" -> openai); NULL if unknown. */
const ls_backend_ops *ls_backend_find(const char *kind);
/* "a1111 (forge, sdnext, sdcpp), comfyui, openai, native": made from the table */
const char *ls_backend_kinds(void);

/* ---- reply parsers, exposed for the fuzzers and tests */
/* A1111 txt2img reply: {"images": [b64, ...], "info": "<json>"}. */
longsd_status ls_a1111_parse_reply(const char *body, size_t n, size_t cap, ls_render_image *out, lserr *err);
/* OpenAI images reply: {"data": [{"b64_json": ...}]} (or an {"error": ...}). */
longsd_status ls_openai_parse_reply(const char *body, size_t n, size_t cap, ls_render_image *out, lserr *err);
/* ComfyUI /history/{id} reply. *done = 0 while the prompt is not finished;
 * when done, the first output image's filename, subfolder and type (free
 * with longsd__free). An execution error is LONGSD_ERR_BACKEND. */
longsd_status ls_comfyui_parse_history(const char *body, size_t n, const char *prompt_id, int *done /* OUT */,
                                       char **filename /* OUT */, char **subfolder /* OUT */, char **type /* OUT */,
                                       lserr *err);
/* ComfyUI sampler and scheduler names for an A1111 sampler name
 * ("DPM++ 2M Karras" -> "dpmpp_2m", "karras"). */
void ls_comfyui_sampler(const char *a1111, char *sampler, size_t ns, char *scheduler, size_t nsch);

/* The kind of a VAE spec ("taesd" for "taesd=PATH"), or NULL when it is
 * not one the engine knows. */
const char *ls_vae_kind(const char *spec);

/* The VAE tile in pixels that job j asks for and that really tiles its
 * picture (a tile smaller than the image, a VAE that is not TAESD), else
 * 0: what the resume key, the PNG parameters and the sidecar record, so
 * an asked tiling that changes nothing keeps the untiled image's key. */
int ls_vae_tile_used(const ls_render_job *j);

/* The URL of route under base (no doubled or missing '/'); free with longsd__free. */
char *ls_backend_url(const char *base, const char *route);

#endif
