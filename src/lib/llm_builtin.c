/* llm_builtin.c - the built-in extractor (cast.c, ideas_extract.c) behind
 * the LLM ops table, so the pipeline has one way to get ideas. No network,
 * deterministic; it does not write prompts (write_prompts is NULL). Also
 * holds what every backend shares: ls_llm_from_params and the defaults. */
#include <string.h>

#include "desc.h"
#include "llm.h"
#include "scene.h"

longsd_llm_params longsd_llm_default_params(void)
{
    return (longsd_llm_params){
        .kind = "builtin",
        .url = NULL,
        .model = NULL,
        .api_key = NULL,
        .context = 8192,
        .parallel = 4,
        .no_cache = 0,
        .cache_dir = NULL,
        .timeout_ms = 120000,
        .connect_timeout_ms = 10000,
        .max_retries = 2,
        .max_reply_bytes = (size_t)8 << 20,
        .temperature = 0.2,
        .prompt_writer = LONGSD_PROMPT_WRITER_RULES,
    };
}

void ls_llm_part_result_clear(ls_llm_part_result *r)
{
    if (!r)
        return;
    ls_ideas_free(r->ideas, r->n_ideas);
    longsd__free(r->anchor);
    longsd__free(r->error);
    for (size_t i = 0; i < r->n_notes; i++)
        longsd__free(r->notes[i]);
    longsd__free(r->notes);
    memset(r, 0, sizeof *r);
}

static longsd_status builtin_create(longsd_ctx *ctx, const longsd_llm_params *p, ls_llm **out, lserr *err)
{
    ls_llm *b = longsd__calloc(1, sizeof *b);
    if (!b)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    b->ops = &ls_llm_builtin_ops;
    b->ctx = ctx;
    snprintf(b->key, sizeof b->key, "builtin");
    *out = b;
    return LONGSD_OK;
}

static longsd_status builtin_cast(ls_llm *b, const longsd_story *s, size_t max_cast, ls_character **cast,
                                  size_t *n_cast, lserr *err)
{
    longsd_status rc = ls_cast_find(s, max_cast, cast, n_cast, err);
    if (rc)
        return rc;
    /* no model to ask: what the cast looks like comes from the book */
    rc = ls_cast_describe(s, *cast, *n_cast, NULL);
    if (rc) {
        ls_cast_free(*cast, *n_cast);
        *cast = NULL;
        *n_cast = 0;
        return lserr_set(err, rc, "%s: out of memory while describing the cast", s->name ? s->name : "story");
    }
    return LONGSD_OK;
}

static longsd_status builtin_ideas(ls_llm *b, const longsd_story *s, const ls_part *parts, size_t n_parts, int k,
                                   const ls_character *cast, size_t n_cast, ls_llm_part_result *res, lserr *err)
{
    /* the pictures of the parts before: one is not drawn again in a later
     * part that has another passage */
    uint64_t *seen = NULL;
    size_t n_seen = 0;
    ls_idea **all = NULL;
    longsd_status rc = LONGSD_OK;
    for (size_t i = 0; i < n_parts; i++) {
        if (b->ctx && longsd__aborted(b->ctx)) {
            rc = lserr_set(err, LONGSD_ERR_ABORTED, "aborted");
            goto out;
        }
        size_t got = 0;
        lserr perr = {0};
        longsd_status prc = ls_ideas_extract_after(s, &parts[i], i, k, cast, n_cast, seen, n_seen, &res[i].ideas,
                                                   &res[i].n_ideas, &got, &perr);
        res[i].rc = prc;
        res[i].chunks = 1;
        if (prc == LONGSD_ERR_NOMEM ||
            (prc && !(res[i].error = longsd__strdup(perr.msg[0] ? perr.msg : longsd_strerror(prc))))) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (res[i].n_ideas) {
            res[i].anchor = longsd__calloc(res[i].n_ideas, sizeof *res[i].anchor);
            uint64_t *grown = longsd__realloc(seen, (n_seen + res[i].n_ideas) * sizeof *seen);
            if (grown)
                seen = grown;
            if (!res[i].anchor || !grown) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out;
            }
            for (size_t j = 0; j < res[i].n_ideas; j++) {
                res[i].anchor[j] = LS_ANCHOR_EXACT; /* picked from the text itself */
                seen[n_seen++] = res[i].ideas[j].look;
            }
        }
    }
    /* titles are unique within the plan, across parts */
    size_t total = 0;
    for (size_t i = 0; i < n_parts; i++)
        total += res[i].n_ideas;
    all = total ? longsd__calloc(total, sizeof *all) : NULL;
    if (total && !all) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    size_t k2 = 0;
    for (size_t i = 0; i < n_parts; i++)
        for (size_t j = 0; j < res[i].n_ideas; j++)
            all[k2++] = &res[i].ideas[j];
    longsd_status urc = total ? ls_titles_unique(s, cast, n_cast, all, total) : LONGSD_OK;
    if (urc)
        rc = lserr_set(err, urc, "out of memory");
out:
    longsd__free(all);
    longsd__free(seen);
    return rc;
}

static void builtin_destroy(ls_llm *b) { longsd__free(b); }

const ls_llm_ops ls_llm_builtin_ops = {
    .name = "builtin",
    .create = builtin_create,
    .cast = builtin_cast,
    .ideas = builtin_ideas,
    .write_prompts = NULL,
    .destroy = builtin_destroy,
};

longsd_status ls_llm_from_params(longsd_ctx *ctx, const longsd_llm_params *params, ls_llm **out, lserr *err)
{
    static const ls_llm_ops *const all[] = {&ls_llm_builtin_ops, &ls_llm_openai_ops};
    longsd_llm_params p = params ? *params : longsd_llm_default_params();
    const char *kind = p.kind && *p.kind ? p.kind : "builtin";
    *out = NULL;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, kind) == 0)
            return all[i]->create(ctx, &p, out, err);
    return lserr_set(err, LONGSD_ERR_PARAM, "--llm %s: unknown backend (use builtin or openai)", kind);
}

void ls_llm_free(ls_llm *b)
{
    if (b)
        b->ops->destroy(b);
}
