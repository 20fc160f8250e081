/* longsd.h - the whole public API of liblongsd (if it is not here, it is not
 * published). longsd turns a long text into illustration ideas, prompts for
 * Stable Diffusion, images and illustrated documents.
 *
 * Ownership, once for the whole API: functions named *_new / *_load / *_build
 * hand you a handle you free with the matching *_free (free(NULL) is a no-op).
 * Strings returned as `const char *` are borrowed from the handle they came
 * from and stay valid until that handle is modified or freed. Strings returned
 * as `char *` are yours: free them with longsd_free().
 *
 * Errors: every fallible call returns a longsd_status; the detail (which file,
 * which byte or field, what to do) is in longsd_errmsg(ctx) until the next
 * call on that context. The library never exits or prints on its own: log
 * lines go to the callback set with longsd_set_log().
 */
#ifndef LONGSD_H
#define LONGSD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. Never renumbered; retired codes keep their slot. */
typedef enum {
    LONGSD_OK = 0,
    LONGSD_ERR_NOMEM = 1,       /* out of memory */
    LONGSD_ERR_IO = 2,          /* a file could not be read or written */
    LONGSD_ERR_INPUT = 3,       /* the input text is unusable (empty, binary, ...) */
    LONGSD_ERR_ENCODING = 4,    /* not UTF-8 */
    LONGSD_ERR_TOO_BIG = 5,     /* over a size cap */
    LONGSD_ERR_PLAN = 6,        /* a plan file is malformed or from an unknown schema */
    LONGSD_ERR_PARAM = 7,       /* an invalid parameter (a usage error) */
    LONGSD_ERR_NOT_FOUND = 8,   /* a named thing does not exist (style, file, idea) */
    LONGSD_ERR_ABORTED = 9,     /* the abort callback asked to stop */
    LONGSD_ERR_NO_IDEAS = 10,   /* the text has no passage that can be illustrated */
    LONGSD_ERR_DOC = 11,        /* a document could not be assembled */
    LONGSD_ERR_UNSUPPORTED = 12,/* not built in, or not supported by this backend */
    LONGSD_ERR_NETWORK = 13,    /* connection, timeout, TLS */
    LONGSD_ERR_BACKEND = 14,    /* a server answered with an error or garbage */
    LONGSD_ERR_MODEL = 15,      /* a model file is malformed or incomplete */
    LONGSD_ERR_IMAGE = 16       /* an image is malformed */
} longsd_status;

/* A short, static description of a status code. */
const char *longsd_strerror(longsd_status code);
/* "0.1.0" */
const char *longsd_version(void);
/* Free memory the library handed to you. */
void longsd_free(void *p);
/* Text from outside (a server, an LLM, a plan) made fit to print on a
 * terminal: API keys and anything shaped like one become "[redacted]", then
 * control characters (ESC, BEL, CR, C1, bidi overrides; LF and TAB too unless
 * keep_newlines) are shown as escapes ("\x1b"). Writes at most out_size
 * bytes including the NUL, never cutting a character; returns out. */
char *longsd_term_text(const char *s, char *out, size_t out_size, int keep_newlines);

/* ------------------------------------------------------------------------
 * Context: carries the last error, the log callback and the abort callback.
 * One context per thread of use. */
typedef struct longsd_ctx longsd_ctx;

enum { LONGSD_LOG_ERROR = 0, LONGSD_LOG_WARN = 1, LONGSD_LOG_INFO = 2, LONGSD_LOG_DEBUG = 3 };
typedef void (*longsd_log_fn)(void *user_data, int level, const char *message);
/* Return non-zero to ask long work to stop (with LONGSD_ERR_ABORTED). */
typedef int (*longsd_abort_fn)(void *user_data);

longsd_ctx *longsd_ctx_new(void); /* NULL if out of memory */
void longsd_ctx_free(longsd_ctx *ctx);
void longsd_set_log(longsd_ctx *ctx, longsd_log_fn fn, void *user_data);
void longsd_set_abort(longsd_ctx *ctx, longsd_abort_fn fn, void *user_data);
/* The detailed message of the last failed call on ctx ("" if none). */
const char *longsd_errmsg(const longsd_ctx *ctx);
longsd_status longsd_errcode(const longsd_ctx *ctx);

/* ------------------------------------------------------------------------
 * Story: a text file ingested into paragraphs, sentences and chapters. Every
 * unit keeps its byte span in the original file. */
typedef struct longsd_story longsd_story;

typedef struct {
    size_t max_bytes;     /* refuse larger files; default 64 MiB */
    int keep_gutenberg;   /* 1 = keep a Project Gutenberg header/footer */
} longsd_story_params;

longsd_story_params longsd_story_default_params(void);

/* Load and ingest a UTF-8 text file. */
longsd_status longsd_story_load(longsd_ctx *ctx, const char *path, const longsd_story_params *params,
                                longsd_story **out /* OUT */);
/* Same from memory; `name` is used in messages (e.g. the file name). */
longsd_status longsd_story_load_memory(longsd_ctx *ctx, const char *name, const void *data, size_t n,
                                       const longsd_story_params *params, longsd_story **out /* OUT */);
void longsd_story_free(longsd_story *story);

typedef struct {
    size_t start, end;  /* byte span [start, end) in the original file */
    int chapter;        /* index of its chapter, -1 before the first */
    int is_heading;     /* 1 if this paragraph is a chapter heading */
    size_t n_words;
} longsd_paragraph_info;

const char *longsd_story_title(const longsd_story *story);   /* best guess, never NULL */
const char *longsd_story_author(const longsd_story *story);  /* "" if unknown */
const char *longsd_story_language(const longsd_story *story);/* "en", "de", "fr", ... or "und" */
const char *longsd_story_sha256(const longsd_story *story);  /* of the file's bytes, hex */
size_t longsd_story_size(const longsd_story *story);          /* bytes in the file */
size_t longsd_story_n_words(const longsd_story *story);
size_t longsd_story_n_paragraphs(const longsd_story *story);
size_t longsd_story_n_chapters(const longsd_story *story);
longsd_status longsd_story_paragraph(const longsd_story *story, size_t i, longsd_paragraph_info *info /* OUT */);
/* Clean text of paragraph i (hard wraps joined, whitespace collapsed).
 * Free with longsd_free. NULL if i is out of range or out of memory. */
char *longsd_story_paragraph_text(const longsd_story *story, size_t i);
/* Title of chapter i (borrowed), NULL if out of range. */
const char *longsd_story_chapter_title(const longsd_story *story, size_t i);

/* ------------------------------------------------------------------------
 * Styles: prompt-English presets (suffix, quality tags, negative prompt). */
typedef struct {
    const char *name;
    const char *description;
    const char *suffix;     /* style words appended to the scene */
    const char *quality;    /* quality tags, dropped first when over budget */
    const char *negative;   /* negative prompt */
} longsd_style;

size_t longsd_n_builtin_styles(void);
/* Every preset: the built-ins, then those of styles_file (NULL: none; our
 * JSON presets file or AUTOMATIC1111's styles.csv), an override in place of
 * the preset it overrides. *out (free with longsd_styles_list_free) holds
 * *n presets; on error nothing, and longsd_errmsg(ctx) names the file. */
longsd_status longsd_styles_list(longsd_ctx *ctx, const char *styles_file, longsd_style **out, size_t *n);
void longsd_styles_list_free(longsd_style *v, size_t n);
const longsd_style *longsd_builtin_style(size_t i);

/* ------------------------------------------------------------------------
 * Idea sources: the built-in extractor or any OpenAI-compatible LLM
 * (docs/llm.md). Part of longsd_plan_params. */
/* Who writes prompt-English. */
enum { LONGSD_PROMPT_WRITER_RULES = 0, LONGSD_PROMPT_WRITER_LLM = 1 };

typedef struct {
    const char *kind;          /* "builtin" (default, no network) or "openai" */
    const char *url;           /* base URL ending in /v1; NULL = $OPENAI_BASE_URL, else https://api.openai.com/v1 */
    const char *model;         /* NULL = "gpt-4o-mini" */
    const char *api_key;       /* NULL = $OPENAI_API_KEY, else $OPENAI_TOKEN; may stay unset for local servers.
                                * Never logged, cached, or written anywhere. */
    int context;               /* the model's context window in tokens (estimated as bytes/4); default 8192.
                                * Parts longer than fits are sent in chunks. */
    int parallel;              /* requests in flight at once, 1..32; default 4 */
    int no_cache;              /* 1 = neither read nor write the reply cache */
    const char *cache_dir;     /* NULL = $XDG_CACHE_HOME/longsd, else $HOME/.cache/longsd */
    long timeout_ms;           /* one attempt, whole transfer; default 120000 */
    long connect_timeout_ms;   /* default 10000 */
    int max_retries;           /* transport retries after the first attempt; default 2 */
    size_t max_reply_bytes;    /* reply cap; default 8 MiB */
    double temperature;        /* default 0.2 */
    int prompt_writer;         /* LONGSD_PROMPT_WRITER_*; default RULES */
} longsd_llm_params;

longsd_llm_params longsd_llm_default_params(void);

/* ------------------------------------------------------------------------
 * Plan: the single record of a run (parts, ideas, cast, prompts, image
 * states), stored as image_prompts/<name>.json. See docs/plan.md. */
typedef struct longsd_plan longsd_plan;

typedef struct {
    int n_parts;            /* default 3: beginning, middle, end */
    int by_chapter;         /* 1 = one part per chapter (n_parts ignored) */
    int ideas_per_part;     /* default 5 */
    const char *style;      /* preset name; default "artstation" */
    const char *styles_file;/* optional JSON file of user presets */
    int prompt_chunks;      /* default 1: one 77-token CLIP window; 2..8: A1111-style long prompts of that
                             * many 75-token windows, joined with " BREAK " */
    const char *cast_file;  /* optional JSON file of cast descriptions */
    int width, height;      /* default 768x512, the original's landscape (longsd_model_default_size
                             * gives a model's own) */
    int size_given;         /* default 1: width x height is asked for. 0: it is only a default, for a
                             * new plan; an existing plan keeps its size, so a run that names no
                             * size resumes its pictures instead of redrawing them at another */
    int steps;              /* default 30 */
    float cfg_scale;        /* default 7.0 */
    const char *sampler;    /* default "Euler a" */
    const char *rng;        /* noise source: "native" (default, NULL), "cpu", "cuda" (docs/engine.md) */
    const char *lora_tags;  /* optional: A1111 tags appended to every prompt, e.g. "<lora:ink:0.8>" */
    int force;              /* 1 = redo every stage */
    longsd_llm_params llm;  /* who finds ideas and cast (default: built-in) */
    int candidates;         /* candidate pictures per idea, 1..16; 0 (default) = as the plan has them (1
                             * for a new plan). Candidate 1 is the idea's own seed, the others derived. */
} longsd_plan_params;

longsd_plan_params longsd_plan_default_params(void);

/* Stages that longsd_plan_update() redid, as bits. */
enum {
    LONGSD_STAGE_PARTS = 1 << 0,
    LONGSD_STAGE_IDEAS = 1 << 1,
    LONGSD_STAGE_CAST = 1 << 2,
    LONGSD_STAGE_PROMPTS = 1 << 3,
    LONGSD_STAGE_CANDIDATES = 1 << 4 /* the number of candidates per idea changed */
};

/* Bring *plan up to date with story and params: stages whose inputs are
 * unchanged are kept (so a re-run redoes nothing), the rest are redone. If
 * *plan is NULL a new plan is created. `name` is the workspace name of the
 * text (file stem), `source_path` what to record as its origin. */
longsd_status longsd_plan_update(longsd_ctx *ctx, longsd_plan **plan /* IN/OUT */, const char *name,
                                 const char *source_path, const longsd_story *story,
                                 const longsd_plan_params *params, unsigned *redone /* OUT, may be NULL */);
longsd_status longsd_plan_load(longsd_ctx *ctx, const char *path, longsd_plan **out /* OUT */);
longsd_status longsd_plan_load_memory(longsd_ctx *ctx, const char *name, const void *data, size_t n,
                                      longsd_plan **out /* OUT */);
/* The workspace lock: an advisory flock on ".<plan file>.lock" beside the
 * plan (image_prompts/.story.json.lock), held while a run writes the plan
 * (the file stays; only the lock matters). Fails at once
 * with LONGSD_ERR_IO and a message naming the holder's pid when another run
 * holds it. Release with longsd_plan_unlock (NULL is a no-op); the lock is
 * also released when the process ends. */
typedef struct longsd_lock longsd_lock;
longsd_status longsd_plan_lock(longsd_ctx *ctx, const char *plan_path, longsd_lock **out /* OUT */);
void longsd_plan_unlock(longsd_lock *lock);
/* Write atomically (temp file + rename). If the file at path changed since
 * this handle last loaded or saved it (a hand edit during a run), its
 * user-editable fields (each idea's title, scene and prompt) are merged into
 * plan first, so the edit is kept; an idea whose prompt changed goes back to
 * pending. */
longsd_status longsd_plan_save(longsd_ctx *ctx, longsd_plan *plan, const char *path);
/* Serialise to JSON; free with longsd_free. */
char *longsd_plan_to_json(const longsd_plan *plan);
void longsd_plan_free(longsd_plan *plan);

typedef struct {
    const char *id;         /* "beginning", "middle", "end", "part-04", "chapter-12" */
    const char *label;      /* "Beginning", "Chapter XII: ..." */
    size_t start, end;      /* byte span in the source */
    size_t first_paragraph, n_paragraphs;
    size_t n_words;
    size_t n_ideas;         /* ideas planned in this part */
    size_t n_wanted;        /* ideas asked for (n_ideas < n_wanted: too few passages) */
} longsd_part_info;

enum { LONGSD_IMAGE_PENDING = 0, LONGSD_IMAGE_DONE = 1, LONGSD_IMAGE_FAILED = 2 };

typedef struct {
    const char *id;         /* "beginning-01" */
    size_t part;            /* index of its part */
    const char *title;      /* a few words */
    const char *scene;      /* what to paint, in words */
    const char *quote;      /* the verbatim passage it illustrates */
    size_t paragraph;       /* anchor paragraph index */
    size_t start, end;      /* anchor byte span in the source */
    size_t n_characters;
    const char *const *characters; /* cast names present */
    const char *prompt;     /* prompt-English */
    const char *negative;   /* negative prompt */
    int prompt_tokens;      /* CLIP tokens incl. start/end (<= 77) */
    uint32_t seed;
    int width, height;
    int steps;
    float cfg_scale;
    const char *sampler;
    const char *rng;        /* "native", "cpu" or "cuda" */
    const char *style;
    int image_state;        /* LONGSD_IMAGE_* */
    const char *image_file; /* relative to the workspace, NULL if none */
    const char *image_error;/* why it failed, NULL if it did not */
} longsd_idea_info;

typedef struct {
    const char *name;       /* "Tom" */
    const char *full_name;  /* "Tom Sawyer" */
    size_t mentions;
    const char *description;/* visual description; "" = not described yet */
} longsd_character_info;

const char *longsd_plan_name(const longsd_plan *plan);
const char *longsd_plan_title(const longsd_plan *plan);
const char *longsd_plan_author(const longsd_plan *plan);
const char *longsd_plan_language(const longsd_plan *plan);
const char *longsd_plan_source(const longsd_plan *plan);   /* path as recorded */
const char *longsd_plan_source_sha256(const longsd_plan *plan);
size_t longsd_plan_n_parts(const longsd_plan *plan);
size_t longsd_plan_n_ideas(const longsd_plan *plan);
size_t longsd_plan_n_characters(const longsd_plan *plan);
size_t longsd_plan_n_notes(const longsd_plan *plan);
longsd_status longsd_plan_part(const longsd_plan *plan, size_t i, longsd_part_info *info /* OUT */);
longsd_status longsd_plan_idea(const longsd_plan *plan, size_t i, longsd_idea_info *info /* OUT */);
longsd_status longsd_plan_character(const longsd_plan *plan, size_t i, longsd_character_info *info /* OUT */);
const char *longsd_plan_note(const longsd_plan *plan, size_t i); /* human-readable remarks */

/* Record an image's state for idea i (file relative to the workspace). */
longsd_status longsd_plan_set_image(longsd_plan *plan, size_t i, int state, const char *file, const char *error);

/* ------------------------------------------------------------------------
 * Candidates and edits: several pictures per idea, one chosen (the one the
 * documents show), and the edits `longsd serve` and `longsd choose` make.
 * Indices are 0-based here; the CLI and the page count from 1. */
typedef struct {
    unsigned draw;          /* 0 = the idea's own seed; d = the d-th seed derived from it */
    uint32_t seed;
    int image_state;        /* LONGSD_IMAGE_* */
    const char *image_file; /* relative to the workspace, NULL if none */
    const char *image_error;/* NULL if it did not fail */
    int chosen;             /* 1 for the chosen candidate */
    int kept;               /* 1: a picture of an earlier prompt (another --style), kept, never redrawn */
    const char *prompt;     /* kept: the prompt it shows; NULL otherwise (the idea's) */
    const char *style;      /* kept: its style; NULL otherwise */
} longsd_candidate_info;

/* The seed of candidate number draw of a picture whose own seed is base:
 * draw 0 is base, every other draw another seed in 0..2^32-2, the same on
 * every machine (plans record them; `longsd sd --candidates` uses it too). */
uint32_t longsd_candidate_seed(uint32_t base, unsigned draw);
/* Index of the idea with this id ("middle-03"), or LONGSD_ERR_NOT_FOUND. */
longsd_status longsd_plan_find_idea(const longsd_plan *plan, const char *id, size_t *out /* OUT */);
size_t longsd_plan_n_candidates(const longsd_plan *plan, size_t idea); /* >= 1 (0: no such idea) */
size_t longsd_plan_chosen(const longsd_plan *plan, size_t idea);
longsd_status longsd_plan_candidate(const longsd_plan *plan, size_t idea, size_t k,
                                    longsd_candidate_info *info /* OUT */);
/* Make candidate k the chosen picture of the idea (its seed and image become
 * the idea's: longsd_plan_idea() and the documents show it). */
longsd_status longsd_plan_choose(longsd_ctx *ctx, longsd_plan *plan, size_t idea, size_t k);
/* n candidates (1..16) for the idea: new ones are pending draws with derived
 * seeds; surplus ones are dropped from the end, never the chosen one. */
longsd_status longsd_plan_set_candidates(longsd_ctx *ctx, longsd_plan *plan, size_t idea, size_t n);
/* New seeds: every candidate but the chosen one is replaced by a new draw
 * (pending); an idea with one candidate gets a new seed for it. */
longsd_status longsd_plan_reroll(longsd_ctx *ctx, longsd_plan *plan, size_t idea);

/* An edit of one idea; NULL / -1 fields are kept. */
typedef struct {
    const char *scene;      /* what to paint: the prompt is written again from it (unless prompt is given) */
    const char *style;      /* a preset name: the prompt is written again with it (unless prompt is given) */
    const char *prompt;     /* prompt-English, taken as written (made safe for prompt syntax) */
    const char *negative;   /* negative prompt, taken as written */
    long long seed;         /* the chosen candidate's seed, 0..4294967295; -1 = keep */
    const char *styles_file;/* presets besides the built-ins, for style; NULL = none */
} longsd_idea_edit;

longsd_idea_edit longsd_idea_edit_default(void);
/* Apply e to idea i. Whatever decides the picture changed sends the idea's
 * candidates back to pending (the next render draws them). */
longsd_status longsd_plan_edit_idea(longsd_ctx *ctx, longsd_plan *plan, size_t idea, const longsd_idea_edit *e);
/* Set the visual description of the character named name (its name or full
 * name) and write again the prompt of every idea that shows it; those whose
 * prompt changed go back to pending. *n_changed (may be NULL) counts them. */
longsd_status longsd_plan_set_description(longsd_ctx *ctx, longsd_plan *plan, const char *name,
                                          const char *description, const char *styles_file,
                                          size_t *n_changed /* OUT */);

/* ------------------------------------------------------------------------
 * Rendering: every pending idea of a plan drawn exactly once across a pool
 * of image servers (docs/backends.md), or one prompt for `longsd sd`.
 * Writes images/<name>/<part>-<NN>-<slug>.png (candidate draws d > 0:
 * <part>-<NN>-<slug>-c<d>.png) with A1111's "parameters"
 * text chunk and a JSON sidecar, and records each image's state in the plan. */
/* One image server. */
typedef struct {
    const char *kind;       /* "a1111" (also "forge", "sdnext", "sdcpp"), "comfyui", "openai" */
    const char *url;        /* base URL, e.g. "http://127.0.0.1:7860" */
    int jobs;               /* concurrent jobs on it; 0 = longsd_render_params.per_backend */
    const char *model;      /* optional: openai "model"; comfyui ckpt_name */
    const char *workflow;   /* optional, comfyui: API-format workflow file with %prompt% etc. */
    const char *api_key;    /* optional, openai: default $OPENAI_API_KEY (or $OPENAI_TOKEN) */
} longsd_backend_spec;

typedef struct {
    const longsd_backend_spec *backends; /* the pool */
    size_t n_backends;
    int per_backend;          /* default 1: concurrent jobs per backend */
    double timeout_s;         /* one request, whole transfer; default 300 */
    double connect_timeout_s; /* default 10 */
    int retries;              /* retries of a transient HTTP failure on one backend; default 2 */
    double backoff_s;         /* first retry wait, doubled each time (max 8 s); default 0.5 */
    int max_failures;         /* consecutive failed jobs that set a backend aside (retried later on probation); default 2 */
    int max_attempts;         /* attempts of one job across the pool; default 0 = 2 + n_backends */
    int blank_retries;        /* new seeds for a blank (safety-filtered) image; default 2 */
    int force;                /* 1 = redraw images that are already done and valid */
    size_t max_image_bytes;   /* cap on one reply; default 64 MiB */
    const char *plan_path;    /* optional: the plan is saved here after every image */
    const char *const *only;  /* optional: render only the ideas with these ids (n_only of them) */
    size_t n_only;
    const char *vae;          /* optional, native backends only: "taesd=PATH" decodes with TAESD
                               * (recorded as "VAE: taesd" in PNG parameters and the resume key) */
    int vae_tile;             /* optional, native: decode in tiles of vae_tile pixels (a multiple of 8,
                               * >= 64) wherever the image is larger than one tile; 0 = the engine's
                               * choice (tiles of 512 above 1.5 x 512^2 pixels). An asked tiling that
                               * tiles is "VAE tiling: N" in PNG parameters, the sidecar and the
                               * resume key; other backends report it as ignored. */
    const char *lora_dir;     /* optional, native: where <lora:NAME:W> finds NAME.safetensors */
    int threads;              /* optional, native: threads of each image; 0 = the cores shared out
                               * among a native backend's concurrent jobs (all of them for one) */
    /* optional, native: where a <lora:NAME:W> not in lora_dir is looked up,
     * as longsd_model_resolve does (a path, a hub repo id in the Hugging Face
     * cache, a LoRA in these folders, $LONGSD_MODELS and the usual A1111 and
     * ComfyUI places); NULL = no folders of its own. Never downloads. */
    const struct longsd_model_params *models;
} longsd_render_params;

longsd_render_params longsd_render_default_params(void);

typedef struct {
    const char *label;      /* "a1111 127.0.0.1:7860" */
    int set_aside;          /* 1 once it kept failing: it takes no more jobs */
    int running;            /* jobs in flight on it */
    size_t done;            /* images it finished */
    size_t failures;        /* failed attempts on it */
    const char *last_error; /* "" if none */
} longsd_backend_progress;

typedef struct {
    size_t total;           /* images in the plan */
    size_t skipped;         /* already rendered and valid (resume) */
    size_t done;            /* finished in this run */
    size_t failed;          /* given up (every backend failed, or blank) */
    size_t running, queued;
    double elapsed_s;
    double per_minute;      /* images finished per minute in this run */
    double eta_s;           /* -1 = unknown */
    size_t n_backends;
    const longsd_backend_progress *backends; /* borrowed for the callback */
    const char *event;      /* one log line for this update ("done beginning-01 ..."), or NULL */
    int final;              /* 1 on the last call */
} longsd_render_progress;

typedef void (*longsd_render_progress_fn)(void *user_data, const longsd_render_progress *p);

/* Render every candidate of every idea of plan whose image is not done and
 * valid, over the pool, into workspace (images/<plan name>/...), and update the plan's
 * image states (done + file, or failed + reason). Progress is reported on
 * the calling thread. Returns LONGSD_OK when every image is done,
 * LONGSD_ERR_BACKEND when some failed (the plan says which and why; the
 * others are done), LONGSD_ERR_ABORTED when the abort callback fired (work
 * finished so far is kept and recorded), or an error that stopped the
 * run before it started (LONGSD_ERR_PARAM for a bad pool). */
longsd_status longsd_render_plan(longsd_ctx *ctx, longsd_plan *plan, const char *workspace,
                                 const longsd_render_params *params, longsd_render_progress_fn progress,
                                 void *user_data);

/* Many plans through one pool (a batch of books): the pending images of all
 * of them are queued together, so every backend works on any book; each
 * plan is saved to plan_paths[i] (NULL array or entry: not saved) as its
 * images finish. Plans must have distinct names (their images/<name>/
 * folders); messages name jobs "<name>/<idea>". params->plan_path is not
 * used. Returns as longsd_render_plan, over all plans. */
longsd_status longsd_render_plans(longsd_ctx *ctx, longsd_plan *const *plans, const char *const *plan_paths,
                                  size_t n_plans, const char *workspace, const longsd_render_params *params,
                                  longsd_render_progress_fn progress, void *user_data);

/* One image from one prompt, for `longsd sd`. */
typedef struct {
    const char *prompt;
    const char *negative;   /* default "" */
    uint32_t seed;
    int width, height;      /* default 768x512 */
    int steps;              /* default 30 */
    float cfg_scale;        /* default 7 */
    const char *sampler;    /* default "Euler a" */
    const char *rng;        /* noise source: "native" (default, NULL), "cpu", "cuda" */
    const char *init_image; /* img2img: a PNG to start from (native backends); NULL = txt2img */
    double strength;        /* img2img: (0, 1], the share of the steps run on it; default 0.75 */
} longsd_image_request;

longsd_image_request longsd_image_default_request(void);

/* Render req over the pool into out_path (PNG with "parameters"; JPEG kept
 * as sent) plus a sidecar <out_path without extension>.json. */
longsd_status longsd_render_one(longsd_ctx *ctx, const longsd_image_request *req, const char *out_path,
                                const longsd_render_params *params, longsd_render_progress_fn progress,
                                void *user_data);

/* Kinds of backend built in, "a1111, comfyui, openai" (static string). */
const char *longsd_backend_kinds(void);

/* ------------------------------------------------------------------------
 * Models: finding a model where users keep it, and downloading one from the
 * Hugging Face hub into the cache layout huggingface_hub uses (docs/models.md).
 *
 * A model NAME is, in this order: an existing file or folder; a hub repo id
 * "org/name[@revision]" (the Hugging Face cache, then a download when
 * params.download is set); or the file or folder name (with or without
 * .safetensors) of a model in a known folder, searched in the order of
 * longsd_models_scan. */
typedef enum {
    LONGSD_MODEL_PIPELINE = 0,   /* a diffusers folder (model_index.json) */
    LONGSD_MODEL_CHECKPOINT = 1, /* a single-file checkpoint */
    LONGSD_MODEL_VAE = 2,
    LONGSD_MODEL_LORA = 3,
    LONGSD_MODEL_OTHER = 4       /* a hub snapshot or file of another kind */
} longsd_model_kind;

typedef struct {
    const char *name;    /* what --model accepts: "org/name" (hub cache) or the file/folder name */
    const char *path;    /* the file or folder to load */
    const char *source;  /* "hf-cache", "a1111", "comfyui", "models-dir", "LONGSD_MODELS" */
    const char *family;  /* "sd1", "sd2", "sdxl", "sd3", "flux", "taesd", "unknown" */
    longsd_model_kind kind;
    uint64_t size_bytes; /* of the file, or of every file under the folder */
    int width, height;   /* the image size it draws when none is given (longsd_model_default_size);
                          * 0x0 for a VAE, a LoRA or a model of another kind */
} longsd_model_info;

/* Progress of a download, for the progress callback. */
typedef struct {
    const char *file;       /* the repo-relative path being fetched */
    uint64_t file_done, file_total;   /* bytes of this file (total 0 = unknown) */
    uint64_t done, total;   /* bytes of every file this pull fetches */
    double bytes_per_s;     /* recent speed */
    double eta_s;           /* -1 unknown */
    const char *event;      /* a line worth printing ("resuming x at 1.2 MB"), or NULL */
} longsd_pull_progress;
typedef void (*longsd_pull_progress_fn)(void *user_data, const longsd_pull_progress *p);

typedef struct longsd_model_params {
    const char *const *dirs; /* --models-dir folders, searched first (A1111 or ComfyUI roots, or flat) */
    size_t n_dirs;
    int download;            /* 1: a hub repo id missing from the cache is pulled */
    int no_default_dirs;     /* 1: skip ~/stable-diffusion-webui, ~/ComfyUI and the like (tests) */
    longsd_pull_progress_fn progress; /* optional */
    void *progress_user;
} longsd_model_params;

longsd_model_params longsd_model_default_params(void);

typedef struct longsd_model_list longsd_model_list;

/* Every model in the known places, in search order: params->dirs,
 * $LONGSD_MODELS (':'-separated), the Hugging Face cache, then ./ and ~/
 * stable-diffusion-webui and ComfyUI (with ComfyUI's extra_model_paths.yaml).
 * A folder that does not exist is skipped; a malformed YAML file fails. */
longsd_status longsd_models_scan(longsd_ctx *ctx, const longsd_model_params *params, longsd_model_list **out /* OUT */);
size_t longsd_model_list_count(const longsd_model_list *l);
const longsd_model_info *longsd_model_list_at(const longsd_model_list *l, size_t i); /* borrowed */
/* The folders searched, one per line (borrowed), for "not found" messages. */
const char *longsd_model_list_searched(const longsd_model_list *l);
void longsd_model_list_free(longsd_model_list *l);

/* The path NAME stands for (free with longsd_free). kind: the kind wanted
 * from a folder search (-1 any; a pipeline or a checkpoint for
 * LONGSD_MODEL_CHECKPOINT; LONGSD_MODEL_VAE for --vae taesd=NAME,
 * LONGSD_MODEL_LORA for <lora:NAME>, a folder such as a LoRA repo's
 * snapshot giving its weights file). LONGSD_ERR_NOT_FOUND names the folders
 * searched and what to do. */
longsd_status longsd_model_resolve(longsd_ctx *ctx, const char *name, int kind, const longsd_model_params *params,
                                   char **path /* OUT */);

/* The image size to draw with the model at path (a diffusers folder or a
 * single-file checkpoint) when the user gives none, from its configs or
 * tensor names, without loading it: a landscape of about the area it was
 * trained at, in multiples of 64 (the engine's need):
 *   SD 1.x (and SD 2 at 512)           768x512, the original's choice
 *   SD 2 768-v (UNet sample_size 96)   960x640, 768x512 scaled to 768^2
 *   SDXL                               1216x832, one of SDXL's own training buckets
 *   SD-Turbo, SDXL-Turbo (trailing     640x448, their 512^2 area: one step
 *   timesteps in the scheduler)          cannot mend a picture drawn larger
 * A single file holds no scheduler, so a single-file Turbo reads as its
 * base model. LONGSD_ERR_UNSUPPORTED (and 768x512) for a file or folder
 * that is no Stable Diffusion model, LONGSD_ERR_NOT_FOUND for no file. */
longsd_status longsd_model_default_size(longsd_ctx *ctx, const char *path, int *width, int *height);

/* 1 when name has the shape of a hub repo id, "org/name[@revision]". */
int longsd_model_is_repo_id(const char *name);

/* Download "org/name[@revision]" from $HF_ENDPOINT (default
 * https://huggingface.co): for a diffusers repo model_index.json and each
 * component's configs, tokenizer and weights (the fp16 .safetensors variant
 * first), else the repo's .safetensors and .json files. Resumes a cut
 * download, checks size and sha256 (git sha1 for small files) before a file
 * is kept, checks the free disk space first, sends $HF_TOKEN to the hub host
 * only. Refused with $HF_HUB_OFFLINE set. *snapshot (may be NULL; free with
 * longsd_free) is the snapshot folder. */
longsd_status longsd_pull(longsd_ctx *ctx, const char *name, const longsd_model_params *params,
                          char **snapshot /* OUT */);

/* ------------------------------------------------------------------------
 * Documents */
/* Layouts, for every format:
 *   "story"   (the default) title, the whole text with its chapter headings,
 *             each image right after the paragraph it illustrates with the
 *             idea as caption, then an appendix table of prompts, negative
 *             prompts and seeds. Needs the text (params.story) and refuses a
 *             text whose SHA-256 differs from the plan's (the anchors would
 *             point at the wrong bytes).
 *   "gallery" the original project's layout: per part a heading, then each
 *             image with its passage and prompt, in story order. */
#define LONGSD_LAYOUT_STORY "story"
#define LONGSD_LAYOUT_GALLERY "gallery"

typedef struct {
    const char *workspace;     /* image files of the plan resolve against it; default "." */
    const char *layout;        /* "story" (default) or "gallery"; NULL = "story" */
    const longsd_story *story; /* the text; required by "story" */
    const char *language;      /* BCP 47 tag overriding the plan's detected one; NULL = detected */
    const char *cover;         /* EPUB cover: an idea id whose image is rendered
                                * ("beginning-01"); NULL = a generated title page */
    int single_file;           /* HTML: one self-contained file, images inlined
                                * as data: URLs; 0 = a folder (index.html + images/) */
} longsd_doc_params;

longsd_doc_params longsd_doc_default_params(void);

/* Each writer is atomic: on failure the previous document (file or folder)
 * is left as it was and nothing half-written is left behind. Ideas without a
 * rendered image on disk get a visible "not rendered yet" placeholder; every
 * image carries the idea as alternative text. Text from the story and the
 * plan is escaped, characters XML 1.0 forbids are dropped, everything else
 * (accents, CJK, right-to-left scripts, emoji) is kept. */

/* DOCX: Word styles (Title, Heading 1/2, Caption), core properties, page
 * breaks before chapters, images at the text width and true aspect ratio. */
longsd_status longsd_docx_write(longsd_ctx *ctx, const longsd_plan *plan, const char *path,
                                const longsd_doc_params *opts);
/* EPUB 3: one XHTML file per chapter (or part), navigation document, cover
 * or generated title page, metadata (title, author, language, identifier,
 * modified date); the mimetype entry first and stored. */
longsd_status longsd_epub_write(longsd_ctx *ctx, const longsd_plan *plan, const char *path,
                                const longsd_doc_params *opts);
/* HTML: path is a folder that receives index.html and images/ (replaced as
 * a whole), or with opts->single_file the .html file itself. Responsive,
 * with a print stylesheet. */
longsd_status longsd_html_write(longsd_ctx *ctx, const longsd_plan *plan, const char *path,
                                const longsd_doc_params *opts);

/* ------------------------------------------------------------------------
 * Serve: a local web page over the plans of a workspace (`longsd serve`,
 * docs/serve.md): each book's text with every idea at its passage, the
 * candidates to choose from, re-roll, edits, re-render and export, every
 * change made to the plan file (under the workspace lock, atomically) so the
 * command line and the page always agree. Safe by default: 127.0.0.1 only,
 * a random token required on every request but the page's CSS and JS, Host
 * and Origin checked, bodies capped, no path outside the workspace, and
 * nothing of the backends' configuration (API keys) in any response. */
typedef struct {
    const char *workspace;      /* default "." */
    const char *listen;         /* IPv4 or IPv6 address; default "127.0.0.1" */
    int port;                   /* 0 (default) = a free port */
    const char *const *books;   /* plan names to serve; NULL/0 = every plan in image_prompts/ */
    size_t n_books;
    longsd_render_params render;/* the backends re-renders go to (none: the page says so) */
    int candidates;             /* candidates a re-roll draws when the idea has fewer; default 4 */
    const char *styles_file;    /* presets besides the built-ins; NULL = none */
    /* Called once, when listening, with the URL to open (it holds the token). */
    void (*ready)(void *user_data, const char *url);
    void *user_data;
} longsd_serve_params;

longsd_serve_params longsd_serve_default_params(void);
/* Serve until ctx's abort callback returns non-zero (polled a few times a
 * second), then stop: renders in flight are interrupted, their finished
 * images kept. LONGSD_ERR_NETWORK if the address cannot be bound. */
longsd_status longsd_serve(longsd_ctx *ctx, const longsd_serve_params *params);

/* ------------------------------------------------------------------------
 * Engine: the in-process Stable Diffusion 1.x engine (src/engine/,
 * docs/engine.md): load a model, turn a prompt into an image on the CPU.
 *
 * Ownership: the caller owns every buffer it passes in; the engine copies
 * what it keeps. Strings returned by the engine are borrowed from the
 * handle until its next call.
 *
 * Model and state (whisper.cpp's context and state): a longsd_sd holds a
 * loaded model, read-only while images are made, and a longsd_sd_state
 * one generation's run state (activation arena, LoRAs read, its threads,
 * its last error). Several threads may each run
 * longsd_sd_generate_with_state on one longsd_sd at once, each with its
 * own state: the weights are mapped once and each generation adds only
 * its arena. Loading, longsd_sd_set_taesd and longsd_sd_free must not
 * overlap a generation. The calls on the handle alone (longsd_sd_generate,
 * longsd_sd_encode_*) use a state of the handle's own, so those are for
 * one thread at a time. Weights are mmap'ed read-only, so several
 * processes loading one model share its pages too.
 *
 * Threads: each generation runs on longsd_sd_params.threads threads of its
 * own, created with its state and kept for its next images (sgemm is
 * OpenBLAS single-threaded inside them: the engine sets OpenBLAS to one
 * thread the first time it runs, and OPENBLAS_NUM_THREADS, read before,
 * is the default count).
 *
 *   longsd_sd *sd = longsd_sd_new();
 *   if (longsd_sd_load(sd, "models/stable-diffusion-v1-5") != LONGSD_OK)
 *       fprintf(stderr, "%s\n", longsd_sd_errmsg(sd));
 *   longsd_sd_params p = longsd_sd_default_params();
 *   p.prompt = "a lighthouse at dusk";
 *   uint8_t *rgb = malloc((size_t)p.width * p.height * 3);
 *   longsd_sd_generate(sd, &p, NULL, rgb);
 *   longsd_sd_free(sd);
 *
 * and for images made at once on one model, one state per thread:
 *
 *   longsd_sd_state *st = longsd_sd_state_new();
 *   longsd_sd_generate_with_state(sd, st, &p, NULL, rgb);
 *   longsd_sd_state_free(st); */
typedef struct longsd_sd longsd_sd;
typedef struct longsd_sd_state longsd_sd_state;

/* Never renumbered. */
typedef enum {
    LONGSD_SAMPLER_EULER = 0,
    LONGSD_SAMPLER_EULER_A = 1,
    LONGSD_SAMPLER_DDIM = 2,
    LONGSD_SAMPLER_DPMPP_2M = 3,
    LONGSD_SAMPLER_LCM = 4 /* diffusers' LCMScheduler, for LCM and LCM-LoRA models */
} longsd_sampler;

/* The noise source of x_T and of the ancestral steps. Never renumbered. */
typedef enum {
    LONGSD_RNG_NATIVE = 0, /* the engine's own, a pure function of (seed, step) */
    LONGSD_RNG_CPU = 1,    /* torch.Generator("cpu").manual_seed(seed): diffusers' and A1111's "CPU" */
    LONGSD_RNG_CUDA = 2    /* torch on an NVIDIA GPU (Philox): A1111's default "GPU"/"NV", sd.cpp's cuda */
} longsd_rng;

/* "native", "cpu", "cuda"; NULL for a value outside the enum. */
const char *longsd_rng_name(longsd_rng rng);
/* The enum of a name above (case-insensitive); -1 if unknown. */
int longsd_rng_from_name(const char *name, longsd_rng *out /* OUT */);

/* A LoRA file and its multiplier. */
typedef struct {
    const char *path; /* .safetensors: kohya/A1111, diffusers or PEFT names */
    float weight;     /* 1 = as trained */
} longsd_sd_lora;

#define LONGSD_SD_MAX_LORAS 16

typedef struct {
    const char *prompt;          /* UTF-8; NULL = "" */
    const char *negative_prompt; /* UTF-8; NULL = "" */
    /* LoRAs for this image: these, plus every <lora:NAME:W> of the prompt
     * (removed from its text, as A1111 does), NAME resolved as
     * lora_dir/NAME.safetensors or as a path. At most LONGSD_SD_MAX_LORAS
     * in all. They are applied to the weights as they are read for this
     * image only: the next image without them gets the model unchanged. */
    const longsd_sd_lora *loras;
    int n_loras;
    const char *lora_dir;        /* may be NULL: then a <lora:...> NAME must be a path */
    /* 0 (default): A1111's syntax, "(word:1.2)", "[word]", "BREAK", any
     * length in 77-token chunks; 1: plain text cut at 75 tokens, as
     * diffusers reads a prompt. See docs/engine.md. */
    int plain_prompt;
    longsd_rng rng;              /* default LONGSD_RNG_NATIVE */
    int width, height;           /* pixels: multiples of 64 for SD 1.x */
    int steps;                   /* 1..1000 */
    float cfg_scale;             /* classifier-free guidance; <= 1 runs the prompt alone (SD-Turbo: 0).
                                  * A UNet with time_cond_proj_dim (LCM) takes cfg_scale - 1
                                  * as an embedding instead and runs the prompt alone */
    uint64_t seed;               /* x_T and ancestral noise, see docs/engine.md */
    longsd_sampler sampler;
    int karras;                  /* Karras sigmas (Euler, DPM++ 2M) */
    /* Optional, for reproducing another implementation: x_T as a standard
     * normal draw (latent_ch, h, w), and for Euler ancestral and LCM the
     * noise of every step (steps, latent_ch, h, w; LCM uses all but the
     * last). NULL = drawn from seed. */
    const float *init_noise;
    const float *step_noise;
    /* img2img (optional; NULL = txt2img): start from this picture, as
     * diffusers' StableDiffusionImg2ImgPipeline does. init_image is
     * init_width x init_height RGB bytes, row-major; it is scaled to cover
     * width x height and centre-cropped (A1111's "Crop and resize"),
     * encoded by the VAE (by TAESD when one is set and has an encoder),
     * sampled from the encoder's distribution with the seed's generator,
     * noised to the level where strength leaves off, and the last
     * int(steps * strength) steps are run from there. With img2img,
     * init_noise replaces the add_noise draw and step_noise is indexed by
     * the steps that run. See docs/engine.md. */
    const uint8_t *init_image;
    int init_width, init_height;
    double strength;             /* (0, 1]; default 0.75 (A1111's); 1 = every step */
    /* The VAE decode in overlapping tiles of vae_tile x vae_tile pixels (a
     * multiple of 8 from 64 up; neighbours share a quarter of a tile,
     * blended with linear ramps), so its activations are one tile's
     * whatever the size: 0 (default) = tiles of 512 when the image has
     * more than 1.5 x 512^2 pixels, -1 = never. Tiles change the picture a
     * little (group norm sees a tile): docs/engine.md. TAESD ignores it. */
    int vae_tile;
    /* Threads this generation runs on; 0 (default) = OPENBLAS_NUM_THREADS
     * as set at start, else every core. Its own: another generation at
     * the same time keeps its count. */
    int threads;
    /* Optional callbacks: progress after each step; abort (non-zero stops
     * with LONGSD_ERR_ABORTED), polled before each step and between the
     * blocks of the UNet and the VAE, so a stop takes effect within a
     * fraction of a step. Each gets its own user data (whisper.h), so a
     * caller's progress bar and its stop flag need not share a struct. */
    void (*progress)(void *user_data, int step, int steps);
    void *progress_user_data;
    int (*abort)(void *user_data);
    void *abort_user_data;
} longsd_sd_params;

longsd_sd_params longsd_sd_default_params(void);

longsd_sd *longsd_sd_new(void); /* NULL if out of memory */
void longsd_sd_free(longsd_sd *sd); /* NULL is a no-op */
/* A diffusers folder (model_index.json, tokenizer/, text_encoder/, unet/,
 * vae/; fp32 or .fp16 safetensors). Replaces a model loaded before.
 * scheduler/scheduler_config.json, when there, sets what every sampler
 * follows as diffusers' from_config does: timestep_spacing (SD-Turbo's
 * "trailing"), steps_offset, LCM's original_inference_steps. An SDXL
 * folder (StableDiffusionXLPipeline) also has tokenizer_2/ and
 * text_encoder_2/; SDXL-Turbo is one with a trailing scheduler. */
longsd_status longsd_sd_load(longsd_sd *sd, const char *path);
/* A single-file checkpoint (.safetensors) with the original CompVis tensor
 * names (model.diffusion_model., first_stage_model.,
 * cond_stage_model.transformer.text_model.). It holds no tokenizer: vocab
 * names a diffusers tokenizer/ folder or open_clip's
 * bpe_simple_vocab_16e6.txt (gunzipped). config_dir (may be NULL) is a
 * diffusers folder whose {text_encoder,unet,vae}/config.json give the
 * shapes; NULL means SD 1.5's. SDXL checkpoints (SGM names:
 * conditioner.embedders.0/1., model.diffusion_model.) are read as such:
 * config_dir then also gives text_encoder_2/config.json (and tokenizer_2/,
 * else vocab padding with "!"); NULL means SDXL 1.0's shapes. */
longsd_status longsd_sd_load_file(longsd_sd *sd, const char *ckpt, const char *vocab, const char *config_dir);
/* Decode final images with TAESD, the tiny autoencoder, instead of the
 * model's VAE (an SD 1.x VAE decode at 512x512 is ~30 s on two cores,
 * TAESD's ~2 s). path: a diffusers AutoencoderTiny folder (config.json +
 * diffusion_pytorch_model.safetensors), a folder holding the original
 * taesd_decoder.safetensors, or that file. NULL goes back to the model's
 * VAE. Kept across longsd_sd_load calls; its latent channels must match
 * the UNet's at generate time. */
longsd_status longsd_sd_set_taesd(longsd_sd *sd, const char *path);
/* The last error's message (borrowed until the next call on sd). */
const char *longsd_sd_errmsg(const longsd_sd *sd);
/* Latent size of an image: width / factor (8 for SD 1.x), and channels. */
int longsd_sd_latent_factor(const longsd_sd *sd);
int longsd_sd_latent_channels(const longsd_sd *sd);
/* The size the loaded model was trained for, a default for callers with
 * no size of their own: the UNet's sample_size x the latent factor (SD 1.x
 * 512, SD 2.x 768-v 768); SDXL 1024, SDXL-Turbo (trailing timesteps) 512.
 * Whether the model is an SDXL pipeline (two text encoders): sdxl. */
void longsd_sd_native_size(const longsd_sd *sd, int *width, int *height);
int longsd_sd_is_xl(const longsd_sd *sd);

/* Run the pipeline. latents (OUT, may be NULL): (latent_ch, h, w) before
 * decoding; rgb (OUT, may be NULL): height * width * 3 bytes, row-major.
 * On the handle's own state. */
longsd_status longsd_sd_generate(longsd_sd *sd, const longsd_sd_params *p, float *latents, uint8_t *rgb);

/* A generation's state, for any model; NULL if out of memory. Free with
 * longsd_sd_state_free (NULL is a no-op), not while it generates. */
longsd_sd_state *longsd_sd_state_new(void);
void longsd_sd_state_free(longsd_sd_state *st);
/* longsd_sd_generate on st: the same images, and sd may be running other
 * states' generations on other threads meanwhile. The error's message is
 * st's (longsd_sd_state_errmsg), not sd's. */
longsd_status longsd_sd_generate_with_state(longsd_sd *sd, longsd_sd_state *st, const longsd_sd_params *p,
                                           float *latents, uint8_t *rgb);
/* st's last error (borrowed until its next generation). */
const char *longsd_sd_state_errmsg(const longsd_sd_state *st);

/* Where the memory of the last generation went. Each stage's weights
 * are released when it is done (the text encoder after encoding, the UNet
 * before the VAE decode, everything when generate returns): the mapped
 * pages leave the process and fault back in from the page cache for the
 * next image, so the peak is the largest stage, not the sum. */
typedef struct {
    size_t arena_peak; /* bytes: the most activations held at once, since longsd_sd_new */
    size_t released;   /* bytes of weights released during the last longsd_sd_generate */
    size_t arena_held; /* bytes of activation block held now (0 between images) */
} longsd_sd_mem;
void longsd_sd_mem_stats(const longsd_sd *sd, longsd_sd_mem *out /* OUT */);
/* The same for a state's generations (arena_peak: since longsd_sd_state_new). */
void longsd_sd_state_mem_stats(const longsd_sd_state *st, longsd_sd_mem *out /* OUT */);

/* The text encoder's output (77, hidden) for one prompt read as plain
 * text (truncated at 75 tokens, as diffusers); hidden is
 * longsd_sd_text_dim(sd). */
longsd_status longsd_sd_encode_text(longsd_sd *sd, const char *prompt, float *hidden);
/* The same for A1111's syntax: *n_chunks (OUT) chunks of 77 tokens in
 * *hidden (OUT, (n_chunks * 77, hidden); free with longsd_free). */
longsd_status longsd_sd_encode_prompt(longsd_sd *sd, const char *prompt, float **hidden, int *n_chunks);
int longsd_sd_text_dim(const longsd_sd *sd);

#ifdef __cplusplus
}
#endif
#endif
