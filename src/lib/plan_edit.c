/* plan_edit.c - the edits a person makes to one idea or one character (the
 * page of `longsd serve`, through the public API like any client): a new
 * scene or style writes the prompt again with the same writer the prompts
 * stage uses, a prompt typed in is taken as written (made safe), and
 * whatever decides the picture sends the idea's candidates back to pending. */
#include <string.h>

#include "ctx.h"
#include "plan.h"
#include "prompt.h"

longsd_idea_edit longsd_idea_edit_default(void)
{
    return (longsd_idea_edit){
        .scene = NULL,
        .style = NULL,
        .prompt = NULL,
        .negative = NULL,
        .seed = -1,
        .styles_file = NULL,
    };
}

static int same(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : "") == 0; }

static longsd_status load_styles(longsd_ctx *ctx, const char *styles_file, ls_styles **out)
{
    longsd_status rc = ls_styles_new(out, &ctx->err);
    if (!rc && styles_file && (rc = ls_styles_load_file(*out, styles_file, &ctx->err))) {
        ls_styles_free(*out);
        *out = NULL;
    }
    return rc;
}

/* The picture shows something else now: every candidate is pending (a
 * kept picture of an earlier prompt that is chosen stays, and shown, until
 * a new one is drawn: it is never drawn again). */
static void stale(ls_plan_idea *pi)
{
    if (pi->image_state != LONGSD_IMAGE_PENDING && !ls_cands_chosen_kept(pi)) {
        pi->image_state = LONGSD_IMAGE_PENDING;
        longsd__free(pi->image_error);
        pi->image_error = NULL;
    }
    ls_cands_rebase(pi, ls_cands_base(pi), 1);
}

/* Write pi's prompt again from its scene, the cast and style. */
static longsd_status rewrite(longsd_ctx *ctx, const longsd_plan *plan, ls_plan_idea *pi, const longsd_style *style,
                             int *changed)
{
    ls_prompt pr = {0};
    longsd_status rc = ls_prompt_build(&pi->idea, plan->cast, plan->n_cast, style, &pr, &ctx->err);
    if (rc)
        return rc;
    *changed = !same(pi->prompt, pr.positive) || !same(pi->negative, pr.negative);
    longsd__free(pi->prompt);
    longsd__free(pi->negative);
    longsd__free(pi->lexica);
    pi->prompt = pr.positive;
    pi->negative = pr.negative;
    pi->lexica = pr.lexica;
    pi->tokens = pr.tokens;
    return LONGSD_OK;
}

static longsd_status set_copy(longsd_ctx *ctx, char **dst, const char *src)
{
    char *c = longsd__strdup(src);
    if (!c)
        return lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
    longsd__free(*dst);
    *dst = c;
    return LONGSD_OK;
}

longsd_status longsd_plan_edit_idea(longsd_ctx *ctx, longsd_plan *plan, size_t i, const longsd_idea_edit *e)
{
    lserr_clear(&ctx->err);
    if (i >= plan->n_ideas)
        return lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "no idea number %zu in the plan", i + 1);
    if (!e)
        return LONGSD_OK;
    ls_plan_idea *pi = &plan->ideas[i];
    if (e->seed < -1 || e->seed > 4294967295LL)
        return lserr_set(&ctx->err, LONGSD_ERR_PARAM, "%s: seed %lld is out of range (0 to 4294967295)",
                         pi->idea.id, e->seed);
    ls_styles *styles = NULL;
    char *scene = NULL;
    longsd_status rc = LONGSD_OK;
    int picture = 0;
    const longsd_style *style = NULL;
    if (e->scene || e->style) {
        if ((rc = load_styles(ctx, e->styles_file, &styles)))
            goto out;
        const char *want = e->style ? e->style : pi->style;
        if (!(style = ls_styles_find(styles, want && want[0] ? want : plan->settings.style))) {
            rc = lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "unknown style \"%s\" (`longsd styles` lists them)",
                           want ? want : "");
            goto out;
        }
    }
    if (e->scene) {
        if (!(scene = ls_prompt_sanitize(e->scene))) {
            rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (!scene[0]) {
            rc = lserr_set(&ctx->err, LONGSD_ERR_PARAM, "%s: the scene is empty", pi->idea.id);
            goto out;
        }
    }
    /* checks done: from here on the edit is applied */
    if (scene) {
        longsd__free(pi->idea.scene);
        pi->idea.scene = scene;
        scene = NULL;
    }
    if (style && (rc = set_copy(ctx, &pi->style, style->name)))
        goto out;
    if (style && !e->prompt && (rc = rewrite(ctx, plan, pi, style, &picture)))
        goto out;
    if (e->prompt) {
        char *p = ls_prompt_sanitize(e->prompt);
        if (!p) {
            rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        if (!p[0]) {
            longsd__free(p);
            rc = lserr_set(&ctx->err, LONGSD_ERR_PARAM, "%s: the prompt is empty", pi->idea.id);
            goto out;
        }
        picture |= !same(pi->prompt, p);
        longsd__free(pi->prompt);
        pi->prompt = p;
        int t = ls_prompt_count_tokens(p);
        pi->tokens = t < 0 ? 0 : t + 2;
        longsd__free(pi->lexica); /* the words are the user's now */
        pi->lexica = NULL;
    }
    if (e->negative && !same(pi->negative, e->negative)) {
        if ((rc = set_copy(ctx, &pi->negative, e->negative)))
            goto out;
        picture = 1;
    }
    if (picture)
        stale(pi);
    if (e->seed >= 0 && (uint32_t)e->seed != pi->seed && ls_cands_chosen_kept(pi)) {
        /* a kept picture is what it is: the seed is for a picture of the
         * current prompt, the first one not kept */
        for (size_t k = 0; k < pi->n_cands; k++)
            if (!pi->cands[k].kept) {
                if (ls_cands_choose(pi, k)) {
                    rc = lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
                    goto out;
                }
                break;
            }
    }
    if (e->seed >= 0 && (uint32_t)e->seed != pi->seed) {
        pi->seed = (uint32_t)e->seed; /* the chosen candidate's, not the others' */
        if (pi->image_state != LONGSD_IMAGE_PENDING) {
            pi->image_state = LONGSD_IMAGE_PENDING;
            longsd__free(pi->image_error);
            pi->image_error = NULL;
        }
        if (pi->n_cands) {
            pi->cands[pi->chosen].seed = pi->seed;
            pi->cands[pi->chosen].image_state = LONGSD_IMAGE_PENDING;
        }
    }
out:
    longsd__free(scene);
    ls_styles_free(styles);
    return rc;
}

static int shows(const ls_plan_idea *pi, const ls_character *c)
{
    for (size_t k = 0; k < pi->idea.n_characters; k++)
        if (same(pi->idea.characters[k], c->name) || (c->full_name && same(pi->idea.characters[k], c->full_name)))
            return 1;
    return 0;
}

longsd_status longsd_plan_set_description(longsd_ctx *ctx, longsd_plan *plan, const char *name,
                                          const char *description, const char *styles_file, size_t *n_changed)
{
    lserr_clear(&ctx->err);
    if (n_changed)
        *n_changed = 0;
    ls_character *c = NULL;
    for (size_t k = 0; name && k < plan->n_cast && !c; k++)
        if (same(plan->cast[k].name, name) || same(plan->cast[k].full_name, name))
            c = &plan->cast[k];
    if (!c)
        return lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "no character \"%s\" in the cast of %s", name ? name : "",
                         plan->name ? plan->name : "the plan");
    char *d = ls_prompt_sanitize(description);
    if (!d)
        return lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
    longsd__free(c->description);
    c->description = d;
    ls_styles *styles = NULL;
    longsd_status rc = load_styles(ctx, styles_file, &styles);
    for (size_t i = 0; !rc && i < plan->n_ideas; i++) {
        ls_plan_idea *pi = &plan->ideas[i];
        if (!shows(pi, c))
            continue;
        const longsd_style *style = ls_styles_find(styles, pi->style && pi->style[0] ? pi->style : plan->settings.style);
        if (!style) /* a preset of a styles file not given here: keep the prompt */
            continue;
        int changed = 0;
        if ((rc = rewrite(ctx, plan, pi, style, &changed)))
            break;
        if (changed) {
            stale(pi);
            if (n_changed)
                (*n_changed)++;
        }
    }
    ls_styles_free(styles);
    return rc;
}
