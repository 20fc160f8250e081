/* plan.h - the plan behind longsd_plan: the single record of a run. JSON
 * (schema "longsd.plan", version 1; docs/plan.md) read and written here; the
 * stages that fill it (parts, ideas, cast, prompts) run in pipeline.c. */
#ifndef LONGSD_PLAN_H
#define LONGSD_PLAN_H

#include "desc.h"
#include "ideas.h"
#include "prompt.h"

#define LS_PLAN_SCHEMA "longsd.plan"
#define LS_PLAN_VERSION 1
#define LS_PLAN_MAX_BYTES ((size_t)256 << 20)

typedef struct {
    char *id;
    char *label;
    size_t start, end;
    size_t first_para, n_paras;
    size_t n_words;
    size_t n_wanted;        /* ideas asked for */
} ls_plan_part;

/* One candidate picture of an idea (candidates.c): draw 0 has the idea's
 * own derived seed, draw d > 0 the seed ls_candidate_seed(base, d). */
typedef struct {
    unsigned draw;
    uint32_t seed;
    int image_state;        /* LONGSD_IMAGE_* */
    char *image_file;       /* relative to the workspace */
    char *image_error;
    /* A picture kept from an earlier prompt (a re-run with another --style,
     * size or prompt): never drawn again, its file left as it is, chosen
     * until a picture of the current prompt is done. These say what it
     * shows; seed above is the seed it was drawn with. */
    int kept;
    char *prompt, *negative, *style;
} ls_plan_cand;

#define LS_MAX_CANDIDATES 16

typedef struct {
    ls_idea idea;           /* anchor, scene, title, characters */
    char *prompt;
    char *negative;
    char *lexica;           /* the lexica modifiers in prompt ("; "-joined), NULL/"" none */
    int tokens;
    uint32_t seed;
    int width, height, steps;
    float cfg_scale;
    char *sampler;
    char *rng;              /* noise source; NULL = native */
    char *init_image;       /* img2img: the PNG to start from (relative: to the workspace); NULL = none */
    double strength;        /* img2img: (0, 1], set with init_image */
    char *style;
    int image_state;        /* LONGSD_IMAGE_* */
    char *image_file;       /* relative to the workspace */
    char *image_error;
    /* candidates: n_cands == 0 means one, the fields above. Otherwise
     * cands[chosen] is the chosen picture, and the fields above (seed,
     * image_*) are its authoritative copy: code that knows nothing of
     * candidates reads and writes the chosen one. */
    ls_plan_cand *cands;
    size_t n_cands;
    size_t chosen;
    unsigned draws;         /* seeds drawn so far: the next draw number */
    uint32_t base_seed;     /* the seed of draw 0, from which the others derive */
    /* plan_merge.c: a hash of the fields a user edits as they were when this
     * handle last read or wrote the file (0: not on disk then), and whether
     * the user deleted the idea from the file meanwhile (not written; the
     * array is compacted once no render holds indices into it) */
    uint64_t synced;
    int deleted;
} ls_plan_idea;

/* plan_merge.c: a cast member's description as last read or written, by name */
typedef struct {
    uint64_t name, description;
} ls_plan_synced_cast;

/* Settings that decide the content of the plan, recorded so a re-run can
 * tell what changed. Strings owned. */
typedef struct {
    int n_parts;
    int by_chapter;
    int ideas_per_part;
    char *style;
    int width, height, steps;
    float cfg_scale;
    char *sampler;
    char *rng;              /* NULL = native */
    int candidates;         /* last --candidates N (0 = never given) */
    int vae_tile;           /* VAE tile in pixels the last render asked for (0 = the engine's choice);
                             * a record: the image keys decide what is redrawn */
} ls_plan_settings;

struct longsd_plan {
    char *name;
    char *title;
    char *author;
    char *language;
    int is_play;            /* the text is a play (drama.c): "play": true, absent for a narrative */
    char *source;           /* path as given */
    char sha256[65];
    size_t source_bytes;
    ls_plan_settings settings;
    char ideas_key[17];     /* hash of what parts/ideas/cast depend on */
    char prompts_key[17];   /* hash of what prompts depend on */
    ls_plan_part *parts;
    size_t n_parts;
    ls_plan_idea *ideas;
    size_t n_ideas;
    ls_character *cast;
    size_t n_cast;
    ls_desc_spans *cast_spans; /* n_cast entries or NULL: where each description came from in the text */
    char **notes;
    size_t n_notes;
    /* the file this handle last read or wrote, as it was then, so a save can
     * merge hand edits made since (plan_merge.c); -1 = unknown */
    char *disk_path;
    long long disk_ino, disk_size, disk_mtime_ns;
    ls_plan_synced_cast *cast_synced;
    size_t n_cast_synced;
    int rendering; /* a render holds indices into ideas: deleted ones stay in place */
};

longsd_plan *ls_plan_new(void);
/* plan_merge.c: remember path's identity and the user-editable fields after
 * a load or save; tell whether the file changed since; merge what the user
 * changed in the file since then into mine (a three-way merge: a field the
 * file has as it was keeps mine). */
typedef struct {
    size_t ideas;        /* ideas whose edited fields were taken */
    size_t deleted;      /* ideas the user deleted, now deleted in mine */
    size_t descriptions; /* cast descriptions taken */
} ls_plan_merged;
void ls_plan_note_disk(longsd_plan *p, const char *path);
int ls_plan_disk_changed(const longsd_plan *p, const char *path);
longsd_status ls_plan_merge_edits(longsd_plan *mine, const longsd_plan *disk, ls_plan_merged *merged);
/* Remove the ideas marked deleted (call when no render holds indices). */
void ls_plan_drop_deleted(longsd_plan *p);
void ls_plan_clear_content(longsd_plan *p); /* parts, ideas, cast, notes */
longsd_status ls_plan_add_note(longsd_plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse plan JSON (name used in messages). Every field is checked; errors
 * name the file and the field path ("ideas[3].prompt.seed"). */
longsd_status ls_plan_parse(const char *name, const char *json, size_t n, longsd_plan **out, lserr *err);

/* candidates.c: the candidate pictures of an idea. */
void ls_cands_clear(ls_plan_idea *pi);
/* Make the candidates explicit (n_cands >= 1) with n of the current prompt
 * (kept ones come on top): new draws are appended pending, surplus ones
 * other than the chosen dropped from the end. */
longsd_status ls_cands_resize(ls_plan_idea *pi, size_t n);
/* The seed of draw 0 (the idea's own). */
uint32_t ls_cands_base(const ls_plan_idea *pi);
/* The prompts stage derived seed for this idea: re-derive every candidate's
 * seed from it; with stale != 0 every candidate goes back to pending. Kept
 * candidates (ls_cands_keep_old) keep their seed and picture. */
longsd_status ls_cands_rebase(ls_plan_idea *pi, uint32_t seed, int stale);
/* The idea's prompt changed (prompt, negative, style: what it was): its
 * rendered pictures become kept candidates showing the old prompt, as many
 * new pending draws take their place, and a kept one that shows exactly the
 * current prompt (new_prompt/new_negative/new_style, seeds from new_base) is
 * taken back. The chosen one stays chosen: the documents show it until a
 * picture of the new prompt is done (ls_cands_set_image then chooses that). */
longsd_status ls_cands_keep_old(ls_plan_idea *pi, const char *prompt, const char *negative, const char *style,
                                const char *new_prompt, const char *new_negative, const char *new_style,
                                uint32_t new_base);
/* 1 when the chosen candidate is a kept picture of an earlier prompt. */
int ls_cands_chosen_kept(const ls_plan_idea *pi);
/* Make candidate k the chosen one (its seed and image into the idea's fields). */
longsd_status ls_cands_choose(ls_plan_idea *pi, size_t k);
/* Record the image of candidate k (k == chosen: the idea's own fields). */
longsd_status ls_cands_set_image(ls_plan_idea *pi, size_t k, int state, const char *file, const char *error);
/* JSON (plan_write.c): the "candidates" member of an idea, written only when it
 * has more than one. */
struct jwriter;
void ls_cands_write(struct jwriter *w, const ls_plan_idea *pi);
/* Read v (an object as written, or an integer N: N draws) into pi, whose
 * own fields are already read. Errors name file and path (pre). */
struct jd_val;
longsd_status ls_cands_from_json(const char *file, const char *pre, const struct jd_val *v, ls_plan_idea *pi, lserr *err);

#endif
