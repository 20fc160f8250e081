/* pipeline.c - longsd_plan_update: runs the stages that fill a plan (parts,
 * ideas and cast, then prompts), redoing only those whose inputs changed.
 * Each stage's inputs are hashed into a key stored in the plan; equal key,
 * nothing to do. User edits to cast descriptions survive a redo. */
#include <jansson.h>
#include <string.h>

#include "ctx.h"
#include "llm.h"
#include "lexica.h"
#include "noise.h"
#include "plan.h"
#include "seed.h"

#define IDEAS_VERSION "builtin-1"
#define PROMPTS_VERSION "rules-1"

longsd_plan_params longsd_plan_default_params(void)
{
    return (longsd_plan_params){
        .n_parts = 3,
        .by_chapter = 0,
        .ideas_per_part = 5,
        .style = "artstation",
        .styles_file = NULL,
        .prompt_chunks = 1,
        .cast_file = NULL,
        .width = 768,
        .height = 512,
        .size_given = 1,
        .steps = 30,
        .cfg_scale = 7.0f,
        .sampler = "Euler a",
        .force = 0,
        .llm = longsd_llm_default_params(),
    };
}

static longsd_status check_params(const longsd_plan_params *p, lserr *err)
{
    if (p->n_parts < 1 || p->n_parts > 100)
        return lserr_set(err, LONGSD_ERR_PARAM, "--parts must be between 1 and 100 (got %d)", p->n_parts);
    if (p->prompt_chunks < 1 || p->prompt_chunks > LS_PROMPT_MAX_CHUNKS)
        return lserr_set(err, LONGSD_ERR_PARAM, "prompt_chunks must be between 1 and %d (got %d)",
                         LS_PROMPT_MAX_CHUNKS, p->prompt_chunks);
    if (p->ideas_per_part < 1 || p->ideas_per_part > 50)
        return lserr_set(err, LONGSD_ERR_PARAM, "--ideas-per-part must be between 1 and 50 (got %d)",
                         p->ideas_per_part);
    if (p->width < 64 || p->width > 4096 || p->height < 64 || p->height > 4096 || p->width % 8 || p->height % 8)
        return lserr_set(err, LONGSD_ERR_PARAM,
                         "--size %dx%d: width and height must be multiples of 8 between 64 and 4096", p->width,
                         p->height);
    if (p->steps < 1 || p->steps > 1000)
        return lserr_set(err, LONGSD_ERR_PARAM, "--steps must be between 1 and 1000 (got %d)", p->steps);
    if (!(p->cfg_scale >= 0 && p->cfg_scale <= 100))
        return lserr_set(err, LONGSD_ERR_PARAM, "--cfg must be between 0 and 100");
    return LONGSD_OK;
}

static void key_hex(const char *s, char out[17])
{
    snprintf(out, 17, "%016llx", (unsigned long long)lsfnv1a64(s, strlen(s), LSFNV_SEED));
}

static longsd_status set_str(char **dst, const char *src)
{
    char *d = longsd__strdup(src ? src : "");
    if (!d)
        return LONGSD_ERR_NOMEM;
    longsd__free(*dst);
    *dst = d;
    return LONGSD_OK;
}

/* A cast file maps names to visual descriptions: {"Tom": "a barefoot boy ..."}.
 * Names not in the cast are reported, not fatal: the text may have changed. */
static longsd_status apply_cast_file(longsd_ctx *ctx, longsd_plan *plan, const char *path)
{
    char *data = NULL;
    size_t n = 0;
    longsd_status rc = lsfile_read(path, (size_t)16 << 20, &data, &n, &ctx->err);
    if (rc)
        return rc;
    json_error_t je;
    json_t *root = json_loadb(data, n, JSON_REJECT_DUPLICATES, &je);
    longsd__free(data);
    if (!root)
        return lserr_set(&ctx->err, LONGSD_ERR_PARAM, "%s: not valid JSON at line %d, column %d: %s", path, je.line,
                         je.column, je.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return lserr_set(&ctx->err, LONGSD_ERR_PARAM,
                         "%s: expected an object mapping names to descriptions, e.g. {\"Tom\": \"a barefoot boy\"}",
                         path);
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        if (!json_is_string(v)) {
            rc = lserr_set(&ctx->err, LONGSD_ERR_PARAM, "%s: \"%s\": expected a string description", path, key);
            break;
        }
        size_t i;
        for (i = 0; i < plan->n_cast; i++)
            if (strcmp(plan->cast[i].name, key) == 0 || strcmp(plan->cast[i].full_name, key) == 0)
                break;
        if (i == plan->n_cast) {
            longsd__log(ctx, LONGSD_LOG_WARN, "%s: \"%s\" is not in the cast of this text; ignored", path, key);
            continue;
        }
        char *clean = ls_prompt_sanitize(json_string_value(v));
        if (!clean) {
            rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
            break;
        }
        longsd__free(plan->cast[i].description);
        plan->cast[i].description = clean;
        if (plan->cast_spans)
            plan->cast_spans[i].n = 0; /* the user's words, not the book's */
    }
    json_decref(root);
    return rc;
}

/* Parts, cast and ideas, from scratch. Old cast descriptions are kept by name. */
static longsd_status run_ideas(longsd_ctx *ctx, ls_llm *llm, longsd_plan *plan, const longsd_story *story,
                               const longsd_plan_params *pp)
{
    ls_llm_part_result *res = NULL;
    ls_part *parts = NULL;
    size_t n_parts = 0;
    ls_character *cast = NULL;
    size_t n_cast = 0;
    ls_desc_spans *spans = NULL;
    ls_idea *ideas = NULL;
    size_t n_ideas = 0;
    int fell_back = 0;
    longsd_status rc = ls_split(story, pp->n_parts, pp->by_chapter, &parts, &n_parts, &fell_back, &ctx->err);
    if (rc)
        goto out;
    rc = llm->ops->cast(llm, story, 24, &cast, &n_cast, &ctx->err);
    if (rc)
        goto out;
    /* keep descriptions the user wrote into the old plan */
    for (size_t i = 0; i < n_cast; i++)
        for (size_t j = 0; j < plan->n_cast; j++)
            if (strcmp(cast[i].name, plan->cast[j].name) == 0 && plan->cast[j].description &&
                plan->cast[j].description[0]) {
                if ((rc = set_str(&cast[i].description, plan->cast[j].description)))
                    goto out;
            }
    /* where the descriptions the book gave came from, for the plan */
    if (n_cast && !(spans = longsd__calloc(n_cast, sizeof *spans))) {
        rc = LONGSD_ERR_NOMEM;
        goto out;
    }
    if (n_cast && (rc = ls_cast_desc_spans(story, cast, n_cast, spans)))
        goto out;
    size_t *got = longsd__calloc(n_parts, sizeof *got);
    if (!got) {
        rc = LONGSD_ERR_NOMEM;
        goto out;
    }
    res = longsd__calloc(n_parts, sizeof *res);
    if (!res) {
        longsd__free(got);
        rc = LONGSD_ERR_NOMEM;
        goto out;
    }
    rc = llm->ops->ideas(llm, story, parts, n_parts, pp->ideas_per_part, cast, n_cast, res, &ctx->err);
    for (size_t i = 0; !rc && i < n_parts; i++) {
        got[i] = res[i].n_ideas;
        if (res[i].rc && res[i].rc != LONGSD_ERR_NO_IDEAS) /* that part failed; the others go on */
            longsd__log(ctx, LONGSD_LOG_ERROR, "%s", res[i].error ? res[i].error : longsd_strerror(res[i].rc));
        if (res[i].n_ideas) {
            ls_idea *grown = longsd__realloc(ideas, (n_ideas + res[i].n_ideas) * sizeof *grown);
            if (!grown) {
                rc = LONGSD_ERR_NOMEM;
                break;
            }
            ideas = grown;
            memcpy(ideas + n_ideas, res[i].ideas, res[i].n_ideas * sizeof *ideas);
            n_ideas += res[i].n_ideas;
            longsd__free(res[i].ideas);
            res[i].ideas = NULL;
            res[i].n_ideas = 0;
        }
    }
    if (!rc && n_ideas == 0) { /* every part failed: the first reason is the run's */
        for (size_t i = 0; i < n_parts; i++)
            if (res[i].error) {
                rc = lserr_set(&ctx->err, res[i].rc, "%s", res[i].error);
                break;
            }
    }
    if (!rc && n_ideas == 0)
        rc = lserr_set(&ctx->err, LONGSD_ERR_NO_IDEAS,
                       "%s: found no passage that can be illustrated (no sentences with people, places, objects "
                       "or actions); is this a story?",
                       story->name);
    if (rc) {
        longsd__free(got);
        goto out;
    }

    ls_plan_clear_content(plan);
    plan->parts = longsd__calloc(n_parts, sizeof *plan->parts);
    plan->ideas = longsd__calloc(n_ideas, sizeof *plan->ideas);
    if (!plan->parts || !plan->ideas) {
        longsd__free(got);
        rc = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n_parts; i++) {
        ls_plan_part *d = &plan->parts[i];
        plan->n_parts = i + 1;
        if (!(d->id = longsd__strdup(parts[i].id)) || !(d->label = longsd__strdup(parts[i].label))) {
            rc = LONGSD_ERR_NOMEM;
            break;
        }
        d->start = parts[i].start;
        d->end = parts[i].end;
        d->first_para = parts[i].first_para;
        d->n_paras = parts[i].n_paras;
        d->n_words = parts[i].n_words;
        d->n_wanted = (size_t)pp->ideas_per_part;
        if (got[i] < (size_t)pp->ideas_per_part) {
            /* a note, not also a log line: the tool prints notes (once) */
            ls_plan_add_note(plan, "%s: only %zu usable passage%s, %d ideas asked for", d->label, got[i],
                             got[i] == 1 ? "" : "s", pp->ideas_per_part);
        }
    }
    longsd__free(got);
    if (rc)
        goto out;
    if (fell_back) {
        /* the note is the message: a log line as well printed it twice */
        ls_plan_add_note(plan, "no chapter headings found: split into %zu parts instead", n_parts);
    }
    /* the ideas move into the plan: ownership of their strings goes with them */
    for (size_t i = 0; i < n_ideas; i++)
        plan->ideas[i].idea = ideas[i];
    plan->n_ideas = n_ideas;
    longsd__free(ideas);
    ideas = NULL;
    n_ideas = 0;
    plan->cast = cast;
    plan->n_cast = n_cast;
    longsd__free(plan->cast_spans);
    plan->cast_spans = spans;
    spans = NULL;
    cast = NULL;
    n_cast = 0;
out:
    if (rc == LONGSD_ERR_NOMEM && ctx->err.code != LONGSD_ERR_NOMEM)
        lserr_set(&ctx->err, rc, "out of memory");
    for (size_t i = 0; res && i < n_parts; i++) {
        for (size_t j = 0; !rc && j < res[i].n_notes; j++)
            ls_plan_add_note(plan, "%s", res[i].notes[j]);
        if (!rc && res[i].error)
            ls_plan_add_note(plan, "%s", res[i].error);
        ls_llm_part_result_clear(&res[i]);
    }
    longsd__free(res);
    ls_parts_free(parts, n_parts);
    ls_cast_free(cast, n_cast);
    longsd__free(spans);
    ls_ideas_free(ideas, n_ideas);
    return rc;
}

static int str_eq(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : "") == 0; }

/* Noise sources compare with NULL, "" and "native" as one. */
static int rng_eq(const char *a, const char *b)
{
    if (ls_rng_is_native(a) || ls_rng_is_native(b))
        return ls_rng_is_native(a) == ls_rng_is_native(b);
    return lsstr_casecmp_ascii(a, b) == 0;
}

static longsd_status run_prompts(longsd_ctx *ctx, ls_llm *llm, longsd_plan *plan, const longsd_story *story,
                                 const longsd_style *style, const longsd_plan_params *pp)
{
    ls_prompt *lp = NULL;      /* the LLM's prompts, when it writes them */
    size_t n_old = 0;          /* rendered pictures whose prompt changed */
    char old_style[64] = "";
    longsd_status *lrc = NULL;
    /* the book's period, one modifier for every picture (lexica.c) */
    char period[64];
    size_t bs = story->body_start < story->len ? story->body_start : story->len;
    size_t be = story->body_end > bs && story->body_end <= story->len ? story->body_end : story->len;
    ls_lexica_period(story->data + bs, be - bs, period, sizeof period);
    ls_prompt_opts popts = {.chunks = pp->prompt_chunks, .period = period};
    if (pp->llm.prompt_writer == LONGSD_PROMPT_WRITER_LLM && llm->ops->write_prompts && plan->n_ideas) {
        ls_idea *iv = longsd__calloc(plan->n_ideas, sizeof *iv);
        lp = longsd__calloc(plan->n_ideas, sizeof *lp);
        lrc = longsd__calloc(plan->n_ideas, sizeof *lrc);
        if (!iv || !lp || !lrc) {
            longsd__free(iv);
            longsd__free(lp);
            longsd__free(lrc);
            return lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
        }
        for (size_t i = 0; i < plan->n_ideas; i++)
            iv[i] = plan->ideas[i].idea; /* borrowed */
        longsd_status rc = llm->ops->write_prompts(llm, iv, plan->n_ideas, plan->cast, plan->n_cast, style, lp, lrc,
                                                   &ctx->err);
        longsd__free(iv);
        if (rc) {
            longsd__free(lp);
            longsd__free(lrc);
            return rc;
        }
    }
    for (size_t i = 0; i < plan->n_ideas; i++) {
        ls_plan_idea *pi = &plan->ideas[i];
        ls_prompt pr = {0};
        longsd_status rc = LONGSD_OK;
        if (lp && lrc[i] == LONGSD_OK) {
            pr = lp[i];
            memset(&lp[i], 0, sizeof lp[i]);
        } else /* the rule-based writer, also for ideas the LLM could not write */
            rc = ls_prompt_build_opts(&pi->idea, plan->cast, plan->n_cast, style, &popts, &pr, &ctx->err);
        if (!rc && pp->lora_tags && pp->lora_tags[0]) {
            /* A1111's extra-network tags go at the end, as users write them */
            char *t = longsd__asprintf("%s %s", pr.positive ? pr.positive : "", pp->lora_tags);
            if (!t)
                rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
            else {
                longsd__free(pr.positive);
                pr.positive = t;
            }
        }
        if (rc) {
            for (size_t j = 0; lp && j < plan->n_ideas; j++)
                ls_prompt_clear(&lp[j]);
            longsd__free(lp);
            longsd__free(lrc);
            return rc;
        }
        /* from the idea's passage and the settings (seed.c): an edit elsewhere
         * in the text keeps this seed, and so this idea's finished image */
        size_t a = pi->idea.start < story->len ? pi->idea.start : story->len;
        size_t z = pi->idea.end < story->len ? pi->idea.end : story->len;
        uint32_t seed = ls_idea_seed(story->data + a, z > a ? z - a : 0, pp->width, pp->height, pp->steps,
                                     pp->cfg_scale, pp->sampler, style->name);
        /* with candidates, the idea's seed is the chosen one's: compare draw 0's */
        int changed = !str_eq(pi->prompt, pr.positive) || !str_eq(pi->negative, pr.negative) ||
                      ls_cands_base(pi) != seed ||
                      pi->width != pp->width || pi->height != pp->height || pi->steps != pp->steps ||
                      pi->cfg_scale != pp->cfg_scale || !str_eq(pi->sampler, pp->sampler) ||
                      !rng_eq(pi->rng, pp->rng);
        /* pictures of the old prompt stay: candidates of the idea, recorded
         * with what they show, chosen until the new prompt is drawn */
        int had_done = pi->image_state == LONGSD_IMAGE_DONE && pi->image_file;
        if (changed && (had_done || pi->n_cands) &&
            ls_cands_keep_old(pi, pi->prompt, pi->negative, pi->style, pr.positive, pr.negative, style->name, seed)) {
            ls_prompt_clear(&pr);
            for (size_t j = 0; lp && j < plan->n_ideas; j++)
                ls_prompt_clear(&lp[j]);
            longsd__free(lp);
            longsd__free(lrc);
            return lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
        }
        longsd__free(pi->prompt);
        longsd__free(pi->negative);
        longsd__free(pi->lexica);
        pi->prompt = pr.positive;
        pi->negative = pr.negative;
        pi->lexica = pr.lexica;
        pi->tokens = pr.tokens;
        ls_cands_rebase(pi, seed, changed); /* every candidate's seed derives from this one */
        pi->width = pp->width;
        pi->height = pp->height;
        pi->steps = pp->steps;
        pi->cfg_scale = pp->cfg_scale;
        char was_style[64];
        snprintf(was_style, sizeof was_style, "%s", pi->style ? pi->style : "");
        if (set_str(&pi->sampler, pp->sampler) || set_str(&pi->style, style->name) ||
            set_str(&pi->rng, ls_rng_is_native(pp->rng) ? NULL : pp->rng)) {
            longsd__free(lp);
            longsd__free(lrc);
            return lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
        }
        /* an image drawn from another prompt no longer shows this one: kept
         * (and shown) while it is the chosen one, redrawn otherwise */
        if (changed && had_done) {
            n_old++;
            if (!old_style[0])
                snprintf(old_style, sizeof old_style, "%s", was_style);
        }
        if (changed && !ls_cands_chosen_kept(pi) && pi->image_state != LONGSD_IMAGE_PENDING) {
            pi->image_state = LONGSD_IMAGE_PENDING;
            longsd__free(pi->image_error);
            pi->image_error = NULL;
        }
    }
    longsd__free(lp);
    longsd__free(lrc);
    /* said once, when it happens (a note in the plan would be repeated by
     * every later save): the pictures are not lost, only out of date */
    if (n_old) {
        char why[200] = "changed prompts";
        if (old_style[0] && strcmp(old_style, style->name) != 0)
            snprintf(why, sizeof why, "prompts of style \"%s\" (drawn with \"%s\")", style->name, old_style);
        longsd__log(ctx, LONGSD_LOG_WARN,
                    "%zu rendered picture%s no longer match%s the %s: kept as candidates of their ideas (with the "
                    "prompt and style they show) and still in the documents until the new prompts are drawn; "
                    "`longsd choose` picks one back",
                    n_old, n_old == 1 ? "" : "s", n_old == 1 ? "es" : "", why);
    }
    return LONGSD_OK;
}

longsd_status longsd_plan_update(longsd_ctx *ctx, longsd_plan **planp, const char *name, const char *source_path,
                                 const longsd_story *story, const longsd_plan_params *params, unsigned *redone)
{
    longsd_plan_params pp = params ? *params : longsd_plan_default_params();
    ls_styles *styles = NULL;
    longsd_plan *plan = *planp;
    /* a size nobody asked for is only a default (the model's own): a plan
     * keeps the size its pictures are drawn at, so a run without --size
     * resumes them instead of redrawing every one at another size */
    if (!pp.size_given && plan && plan->settings.width > 0 && plan->settings.height > 0) {
        pp.width = plan->settings.width;
        pp.height = plan->settings.height;
    }
    ls_llm *llm = NULL;
    int created = 0;
    unsigned did = 0;
    lserr_clear(&ctx->err);
    if (redone)
        *redone = 0;
    if (!pp.style)
        pp.style = "artstation";
    if (!pp.sampler)
        pp.sampler = "Euler a";
    longsd_status rc = check_params(&pp, &ctx->err);
    if (!rc)
        rc = ls_rng_check(pp.rng, "plan", &ctx->err);
    if (rc)
        return rc;
    longsd_rng rng_v;
    if (!ls_rng_is_native(pp.rng) && longsd_rng_from_name(pp.rng, &rng_v) == 0)
        pp.rng = longsd_rng_name(rng_v); /* recorded in one spelling */
    if ((rc = ls_styles_new(&styles, &ctx->err)))
        return rc;
    if ((rc = ls_llm_from_params(ctx, &pp.llm, &llm, &ctx->err)))
        goto out;
    if (pp.styles_file && (rc = ls_styles_load_file(styles, pp.styles_file, &ctx->err)))
        goto out;
    const longsd_style *style = ls_styles_find(styles, pp.style);
    if (!style) {
        rc = lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "unknown style \"%s\" (`longsd styles` lists them)",
                       pp.style);
        goto out;
    }
    if (!plan) {
        if (!(plan = ls_plan_new())) {
            rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        created = 1;
    }

    char buf[512];
    char ideas_key[17], prompts_key[17];
    snprintf(buf, sizeof buf, "%s|%s|%s|%d|%d|%d", IDEAS_VERSION, llm->key, story->sha256, pp.n_parts,
             pp.by_chapter, pp.ideas_per_part);
    key_hex(buf, ideas_key);

    if (pp.force || created || strcmp(plan->ideas_key, ideas_key) != 0 || strcmp(plan->sha256, story->sha256) != 0) {
        if ((rc = run_ideas(ctx, llm, plan, story, &pp)))
            goto out;
        memcpy(plan->sha256, story->sha256, 65);
        memcpy(plan->ideas_key, ideas_key, sizeof ideas_key);
        plan->prompts_key[0] = '\0';
        did |= LONGSD_STAGE_PARTS | LONGSD_STAGE_IDEAS | LONGSD_STAGE_CAST;
    }
    if (set_str(&plan->name, name) || set_str(&plan->title, story->title) || set_str(&plan->author, story->author) ||
        set_str(&plan->language, story->lang)) {
        rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    plan->is_play = story->is_play;
    if (did || !plan->source) {
        if ((rc = set_str(&plan->source, source_path)))
            goto out;
    }
    plan->source_bytes = story->len;
    if (pp.cast_file && (rc = apply_cast_file(ctx, plan, pp.cast_file)))
        goto out;

    /* prompts depend on the ideas, the style's words, the render settings and
     * the cast's descriptions */
    lsbuf kb;
    lsbuf_init(&kb, 0);
    lsbuf_printf(&kb, "%s|%d|%s|%s|%s|%s|%s|%s|%d|%d|%d|%.3f|%s", PROMPTS_VERSION, pp.prompt_chunks,
                 pp.llm.prompt_writer == LONGSD_PROMPT_WRITER_LLM ? llm->key : "rules", ideas_key, style->name, style->suffix,
                 style->quality, style->negative, pp.width, pp.height, pp.steps, (double)pp.cfg_scale, pp.sampler);
    /* only a chosen noise source enters the key: plans from before it keep theirs */
    if (!ls_rng_is_native(pp.rng))
        lsbuf_printf(&kb, "|rng=%s", pp.rng);
    if (pp.lora_tags && pp.lora_tags[0])
        lsbuf_printf(&kb, "|loras=%s", pp.lora_tags);
    for (size_t i = 0; i < plan->n_cast; i++)
        lsbuf_printf(&kb, "|%s=%s", plan->cast[i].name, plan->cast[i].description ? plan->cast[i].description : "");
    if (!kb.data) {
        rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    key_hex(kb.data, prompts_key);
    lsbuf_free(&kb);
    if (pp.force || strcmp(plan->prompts_key, prompts_key) != 0) {
        if ((rc = run_prompts(ctx, llm, plan, story, style, &pp)))
            goto out;
        memcpy(plan->prompts_key, prompts_key, sizeof prompts_key);
        did |= LONGSD_STAGE_PROMPTS;
    }
    /* ideas found again (the text changed) keep the number of candidates
     * asked for last: their seeds derive from the same passages, so the
     * pictures already drawn are found again, not drawn twice */
    if (!pp.candidates && (did & LONGSD_STAGE_IDEAS) && plan->settings.candidates > 1)
        pp.candidates = plan->settings.candidates;
    if (pp.candidates) { /* --candidates N: N per idea, the chosen one kept */
        if (pp.candidates < 1 || pp.candidates > LS_MAX_CANDIDATES) {
            rc = lserr_set(&ctx->err, LONGSD_ERR_PARAM, "candidates must be between 1 and %d (got %d)",
                           LS_MAX_CANDIDATES, pp.candidates);
            goto out;
        }
        for (size_t i = 0; i < plan->n_ideas; i++) {
            ls_plan_idea *pi = &plan->ideas[i];
            size_t had = pi->n_cands;
            if (ls_cands_resize(pi, (size_t)pp.candidates)) {
                rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
                goto out;
            }
            if (had != pi->n_cands && (had || pi->n_cands > 1))
                did |= LONGSD_STAGE_CANDIDATES;
        }
        if (plan->settings.candidates != pp.candidates)
            did |= LONGSD_STAGE_CANDIDATES;
        plan->settings.candidates = pp.candidates;
    }
    ls_plan_settings *s = &plan->settings;
    s->n_parts = pp.n_parts;
    s->by_chapter = pp.by_chapter;
    s->ideas_per_part = pp.ideas_per_part;
    s->width = pp.width;
    s->height = pp.height;
    s->steps = pp.steps;
    s->cfg_scale = pp.cfg_scale;
    if (set_str(&s->style, style->name) || set_str(&s->sampler, pp.sampler) ||
        set_str(&s->rng, ls_rng_is_native(pp.rng) ? NULL : pp.rng)) {
        rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
out:
    ls_llm_free(llm);
    ls_styles_free(styles);
    if (rc) {
        if (created)
            longsd_plan_free(plan);
        return rc;
    }
    *planp = plan;
    if (redone)
        *redone = did;
    return LONGSD_OK;
}
