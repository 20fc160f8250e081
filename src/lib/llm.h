/* llm.h - LLM backends behind one ops table (like the image backends): the
 * built-in extractor (llm_builtin.c, no network) and any OpenAI-compatible
 * chat server (llm_openai.c). A backend finds the cast, picks ideas for
 * parts, and optionally writes prompt-English.
 *
 * Ownership: results are the caller's (ls_ideas_free / ls_cast_free /
 * ls_prompt_clear, ls_llm_part_result_clear). Strings in params are copied
 * at create time. The API key lives only inside the backend, in the
 * Authorization header; it never reaches a message, the cache or a result. */
#ifndef LONGSD_LLM_H
#define LONGSD_LLM_H

#include "ctx.h"
#include "ideas.h"
#include "prompt.h"

/* How an idea's quote was found in its part (anchor.h). */
enum {
    LS_ANCHOR_NONE = 0,     /* not found: the idea spans its chunk and is flagged */
    LS_ANCHOR_EXACT = 1,    /* same words and punctuation (whitespace runs aside) */
    LS_ANCHOR_TOLERANT = 2, /* same words ignoring case, punctuation and quote style */
    LS_ANCHOR_FUZZY = 3     /* best window sharing most of the quote's words */
};

/* What ideas() gives back for one part. */
typedef struct {
    ls_idea *ideas;         /* n_ideas, ids "<part id>-NN", part index set */
    size_t n_ideas;
    int *anchor;            /* [n_ideas] LS_ANCHOR_* */
    longsd_status rc;       /* LONGSD_OK, or why this part has no ideas (others go on) */
    char *error;            /* message when rc != OK (NULL otherwise) */
    char **notes;           /* remarks for the plan ("middle-03: quote not found ...") */
    size_t n_notes;
    int requests;           /* chat requests answered by the network (not the cache) */
    int chunks;             /* chunks the part was sent in (1 = whole) */
} ls_llm_part_result;

void ls_llm_part_result_clear(ls_llm_part_result *r);

/* Counters for tests and the CLI's summary. */
typedef struct {
    int requests;           /* logical chat requests that went to the network */
    int attempts;           /* HTTP attempts (requests + transport retries) */
    int cache_hits;
    int corrective;         /* corrective retries after an invalid reply */
    int fallbacks;          /* response_format downgrades (json_schema -> json_object -> text) */
    size_t bytes_sent;      /* request bodies, all attempts */
    size_t text_bytes_sent; /* story text inside those bodies (first attempts) */
} ls_llm_stats;

typedef struct ls_llm ls_llm;

typedef struct {
    const char *name;       /* "builtin", "openai" */
    longsd_status (*create)(longsd_ctx *ctx, const longsd_llm_params *p, ls_llm **out, lserr *err);
    /* Recurring characters with one visual description each (description ""
     * when the backend cannot describe), most mentioned first, <= max_cast. */
    longsd_status (*cast)(ls_llm *b, const longsd_story *s, size_t max_cast, ls_character **cast, size_t *n_cast,
                          lserr *err);
    /* Up to k ideas for each of parts[0..n_parts), results[i] for part i
     * (results zeroed by the caller). Parts may be requested concurrently.
     * Returns OK when every part was tried (see each result's rc); an error
     * only for what stops them all (parameters, abort, out of memory). */
    longsd_status (*ideas)(ls_llm *b, const longsd_story *s, const ls_part *parts, size_t n_parts, int k,
                           const ls_character *cast, size_t n_cast, ls_llm_part_result *results, lserr *err);
    /* OPTIONAL (NULL = the rule-based writer only): prompt-English for ideas
     * [0..n) in the style, within 77 CLIP tokens. rcs[i] != OK for an idea it
     * could not write (the caller falls back to ls_prompt_build). */
    longsd_status (*write_prompts)(ls_llm *b, const ls_idea *ideas, size_t n, const ls_character *cast,
                                   size_t n_cast, const longsd_style *style, ls_prompt *out, longsd_status *rcs,
                                   lserr *err);
    void (*destroy)(ls_llm *b);
} ls_llm_ops;

/* Every backend's handle starts with this. */
struct ls_llm {
    const ls_llm_ops *ops;
    longsd_ctx *ctx;        /* borrowed: log and abort callbacks (may be NULL) */
    ls_llm_stats stats;
    char key[64];           /* what the backend's output depends on, for the plan's ideas key
                             * ("builtin", "openai|<url>|<model>|<context>"): no secrets */
};

extern const ls_llm_ops ls_llm_builtin_ops;
extern const ls_llm_ops ls_llm_openai_ops;

/* The backend params->kind names (NULL params or kind = built-in). */
longsd_status ls_llm_from_params(longsd_ctx *ctx, const longsd_llm_params *params, ls_llm **out, lserr *err);
void ls_llm_free(ls_llm *b); /* NULL is a no-op */

/* ---- llm_openai.c pieces exposed for tests and the fuzz target */

/* The chat completion envelope: choices[0].message.content (a string, or
 * text parts), .refusal and finish_reason; {"error": ...} bodies. On OK,
 * *content (free with longsd__free) may be NULL when the model refused
 * (*refusal set) and *finish is "stop", "length", ... ("" if absent). */
longsd_status ls_llm_parse_chat(const char *body, size_t n, char **content, char **refusal, char finish[32],
                                lserr *err);

/* Validate a model reply (text) holding {"ideas": [...]} against span
 * [start, end) of the story: every field checked, each quote anchored.
 * want = exact count required (0 = any). On OK *ideas and *anchor hold *n
 * entries (ids unset, part = part_index). */
longsd_status ls_llm_parse_ideas(const longsd_story *s, size_t part_index, size_t start, size_t end,
                                 const char *text, size_t text_len, size_t want, const ls_character *cast,
                                 size_t n_cast, ls_idea **ideas, int **anchor, size_t *n, lserr *err);

/* Validate a reply holding {"characters": [{"name", "description"}]}:
 * descriptions are copied onto the matching members of cast (by name,
 * full name or alias); unknown names are ignored. Returns how many matched. */
longsd_status ls_llm_parse_cast(const char *text, size_t text_len, ls_character *cast, size_t n_cast,
                                size_t *matched, lserr *err);

/* Pick exactly k of n candidates spread across [start, end) by anchor
 * position: sel[0..k) gets indices in text order. k <= n. */
void ls_llm_spread(const ls_idea *cand, size_t n, size_t k, size_t start, size_t end, size_t *sel);

#endif
