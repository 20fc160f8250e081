/* candidates.c - several candidate pictures per idea (`--candidates N`, the
 * page's re-roll), one of them chosen. Each candidate is a draw number with
 * a seed derived from the idea's own (seed.c), so the plan records every
 * seed and a killed run can draw the same pictures again. The chosen
 * candidate lives in the idea's own fields (seed, image), so the documents,
 * the hand-edit merge and everything else that knows one picture per idea
 * keep working unchanged; this file keeps the list and those fields in step.
 * A picture of an earlier prompt (a re-run with another --style) is kept as
 * a candidate with the prompt and style it shows, never drawn again, and
 * stays chosen until a picture of the new prompt is done. */
#include <string.h>

#include "ctx.h"
#include "jdoc.h"
#include "jwrite.h"
#include "plan.h"
#include "redact.h"
#include "seed.h"
#include "wspath.h"

static void cand_free(ls_plan_cand *c)
{
    longsd__free(c->image_file);
    longsd__free(c->image_error);
    longsd__free(c->prompt);
    longsd__free(c->negative);
    longsd__free(c->style);
    memset(c, 0, sizeof *c);
}

void ls_cands_clear(ls_plan_idea *pi)
{
    for (size_t k = 0; k < pi->n_cands; k++)
        cand_free(&pi->cands[k]);
    longsd__free(pi->cands);
    pi->cands = NULL;
    pi->n_cands = pi->chosen = 0;
    pi->draws = 0;
}

uint32_t ls_cands_base(const ls_plan_idea *pi) { return pi->n_cands ? pi->base_seed : pi->seed; }

/* Replace a string field with a copy (NULL allowed); -1 on no memory. */
static int set_dup(char **dst, const char *src, int redact)
{
    char *c = NULL;
    if (src && !(c = redact ? longsd__redact_dup(src) : longsd__strdup(src)))
        return -1;
    longsd__free(*dst);
    *dst = c;
    return 0;
}

/* cands[chosen] <- the idea's own fields, which are authoritative */
static longsd_status sync_chosen(ls_plan_idea *pi)
{
    if (!pi->n_cands)
        return LONGSD_OK;
    ls_plan_cand *c = &pi->cands[pi->chosen];
    c->seed = pi->seed;
    c->image_state = pi->image_state;
    if (set_dup(&c->image_file, pi->image_file, 0) || set_dup(&c->image_error, pi->image_error, 0))
        return LONGSD_ERR_NOMEM;
    return LONGSD_OK;
}

static longsd_status materialise(ls_plan_idea *pi)
{
    if (pi->n_cands)
        return sync_chosen(pi);
    if (!(pi->cands = longsd__calloc(1, sizeof *pi->cands)))
        return LONGSD_ERR_NOMEM;
    pi->n_cands = 1;
    pi->chosen = 0;
    pi->draws = 1;
    pi->base_seed = pi->seed;
    return sync_chosen(pi);
}

longsd_status ls_cands_resize(ls_plan_idea *pi, size_t n)
{
    if (n < 1 || n > LS_MAX_CANDIDATES)
        return LONGSD_ERR_PARAM;
    longsd_status rc = materialise(pi);
    if (rc)
        return rc;
    size_t live = 0;
    for (size_t k = 0; k < pi->n_cands; k++)
        live += !pi->cands[k].kept;
    while (live > n) { /* drop from the end, never the chosen one nor a kept one */
        size_t k = pi->n_cands;
        while (k > 0 && (k - 1 == pi->chosen || pi->cands[k - 1].kept))
            k--;
        if (k == 0)
            break;
        k--;
        cand_free(&pi->cands[k]);
        memmove(&pi->cands[k], &pi->cands[k + 1], (pi->n_cands - k - 1) * sizeof *pi->cands);
        pi->n_cands--;
        live--;
        if (pi->chosen > k)
            pi->chosen--;
    }
    if (live < n) {
        size_t want = pi->n_cands + (n - live);
        ls_plan_cand *nc = longsd__realloc(pi->cands, want * sizeof *nc);
        if (!nc)
            return LONGSD_ERR_NOMEM;
        pi->cands = nc;
        while (pi->n_cands < want) {
            ls_plan_cand *c = &pi->cands[pi->n_cands++];
            memset(c, 0, sizeof *c);
            c->draw = pi->draws++;
            c->seed = ls_candidate_seed(pi->base_seed, c->draw);
        }
    }
    return LONGSD_OK;
}

longsd_status ls_cands_rebase(ls_plan_idea *pi, uint32_t seed, int stale)
{
    if (!pi->n_cands) {
        pi->seed = seed;
        return LONGSD_OK;
    }
    pi->base_seed = seed;
    for (size_t k = 0; k < pi->n_cands; k++) {
        ls_plan_cand *c = &pi->cands[k];
        if (c->kept)
            continue; /* drawn from another prompt, with the seed it records */
        c->seed = ls_candidate_seed(seed, c->draw);
        if (stale && c->image_state != LONGSD_IMAGE_PENDING) {
            c->image_state = LONGSD_IMAGE_PENDING;
            set_dup(&c->image_error, NULL, 0);
        }
    }
    pi->seed = pi->cands[pi->chosen].seed;
    return LONGSD_OK;
}

longsd_status ls_cands_set_image(ls_plan_idea *pi, size_t k, int state, const char *file, const char *error)
{
    if (k >= (pi->n_cands ? pi->n_cands : 1))
        return LONGSD_ERR_NOT_FOUND;
    if (state < LONGSD_IMAGE_PENDING || state > LONGSD_IMAGE_FAILED)
        return LONGSD_ERR_PARAM;
    int own = !pi->n_cands || k == pi->chosen;
    int was = own ? pi->image_state : pi->cands[k].image_state;
    char **f = own ? &pi->image_file : &pi->cands[k].image_file;
    char **e = own ? &pi->image_error : &pi->cands[k].image_error;
    if (set_dup(f, file, 0) || set_dup(e, error, 1)) /* errors quote servers */
        return LONGSD_ERR_NOMEM;
    if (own)
        pi->image_state = state;
    else
        pi->cands[k].image_state = state;
    if (own)
        return sync_chosen(pi);
    /* the first picture of the current prompt drawn takes over from a kept
     * one (one already done was left unchosen by the user) */
    if (state == LONGSD_IMAGE_DONE && was != LONGSD_IMAGE_DONE && !pi->cands[k].kept && pi->cands[pi->chosen].kept)
        return ls_cands_choose(pi, k);
    return LONGSD_OK;
}

int ls_cands_chosen_kept(const ls_plan_idea *pi) { return pi->n_cands && pi->cands[pi->chosen].kept; }

static int same_str(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : "") == 0; }

longsd_status ls_cands_keep_old(ls_plan_idea *pi, const char *prompt, const char *negative, const char *style,
                                const char *new_prompt, const char *new_negative, const char *new_style,
                                uint32_t new_base)
{
    longsd_status rc = materialise(pi);
    if (rc)
        return rc;
    size_t live = 0, n_old = pi->n_cands;
    for (size_t k = 0; k < n_old; k++) {
        ls_plan_cand *c = &pi->cands[k];
        if (c->kept)
            continue;
        live++;
        if (c->image_state != LONGSD_IMAGE_DONE || !c->image_file)
            continue; /* nothing drawn: it is simply drawn again */
        c->kept = 1;
        if (set_dup(&c->prompt, prompt, 0) || set_dup(&c->negative, negative, 0) || set_dup(&c->style, style, 0))
            return LONGSD_ERR_NOMEM;
    }
    /* back to settings a kept picture was drawn with: it is current again */
    size_t now = 0;
    for (size_t k = 0; k < n_old; k++) {
        ls_plan_cand *c = &pi->cands[k];
        if (c->kept && same_str(c->prompt, new_prompt) && same_str(c->negative, new_negative) &&
            same_str(c->style, new_style) && c->seed == ls_candidate_seed(new_base, c->draw)) {
            c->kept = 0;
            set_dup(&c->prompt, NULL, 0);
            set_dup(&c->negative, NULL, 0);
            set_dup(&c->style, NULL, 0);
        }
        now += !c->kept;
    }
    /* taken back: draws of the new prompt not made yet give way to them */
    for (size_t k = pi->n_cands; k-- > 0 && now > live;) {
        ls_plan_cand *c = &pi->cands[k];
        if (c->kept || k == pi->chosen || c->image_state == LONGSD_IMAGE_DONE || c->image_file)
            continue;
        cand_free(c);
        memmove(&pi->cands[k], &pi->cands[k + 1], (pi->n_cands - k - 1) * sizeof *pi->cands);
        pi->n_cands--;
        now--;
        if (pi->chosen > k)
            pi->chosen--;
    }
    /* as many pictures of the new prompt as there were of the old */
    if (now < live) {
        size_t want = pi->n_cands + (live - now);
        ls_plan_cand *nc = longsd__realloc(pi->cands, want * sizeof *nc);
        if (!nc)
            return LONGSD_ERR_NOMEM;
        pi->cands = nc;
        while (pi->n_cands < want) {
            ls_plan_cand *c = &pi->cands[pi->n_cands++];
            memset(c, 0, sizeof *c);
            c->draw = pi->draws++; /* a new draw: a new file name, the kept file stays */
            c->seed = ls_candidate_seed(new_base, c->draw);
        }
    }
    /* a chosen picture that is current again, or a live chosen one: as before;
     * room for at most LS_MAX_CANDIDATES, the oldest kept ones go first */
    while (pi->n_cands > LS_MAX_CANDIDATES) {
        size_t k = 0;
        while (k < pi->n_cands && (!pi->cands[k].kept || k == pi->chosen))
            k++;
        if (k == pi->n_cands)
            break;
        cand_free(&pi->cands[k]);
        memmove(&pi->cands[k], &pi->cands[k + 1], (pi->n_cands - k - 1) * sizeof *pi->cands);
        pi->n_cands--;
        if (pi->chosen > k)
            pi->chosen--;
    }
    /* the chosen one was not drawn: take a done picture meanwhile, one of
     * the current prompt first */
    if (pi->cands[pi->chosen].image_state != LONGSD_IMAGE_DONE) {
        for (int pass = 0; pass < 2; pass++)
            for (size_t k = 0; k < pi->n_cands; k++)
                if (pi->cands[k].kept == pass && pi->cands[k].image_state == LONGSD_IMAGE_DONE)
                    return ls_cands_choose(pi, k);
    }
    return LONGSD_OK;
}

/* ---- public API */

uint32_t longsd_candidate_seed(uint32_t base, unsigned draw) { return ls_candidate_seed(base, draw); }

static ls_plan_idea *idea_at(const longsd_plan *plan, size_t i) { return i < plan->n_ideas ? &plan->ideas[i] : NULL; }

longsd_status longsd_plan_find_idea(const longsd_plan *plan, const char *id, size_t *out)
{
    for (size_t i = 0; id && i < plan->n_ideas; i++)
        if (strcmp(plan->ideas[i].idea.id, id) == 0) {
            *out = i;
            return LONGSD_OK;
        }
    return LONGSD_ERR_NOT_FOUND;
}

size_t longsd_plan_n_candidates(const longsd_plan *plan, size_t i)
{
    const ls_plan_idea *pi = idea_at(plan, i);
    return !pi ? 0 : pi->n_cands ? pi->n_cands : 1;
}

size_t longsd_plan_chosen(const longsd_plan *plan, size_t i)
{
    const ls_plan_idea *pi = idea_at(plan, i);
    return pi && pi->n_cands ? pi->chosen : 0;
}

longsd_status longsd_plan_candidate(const longsd_plan *plan, size_t i, size_t k, longsd_candidate_info *info)
{
    const ls_plan_idea *pi = idea_at(plan, i);
    if (!pi || k >= (pi->n_cands ? pi->n_cands : 1))
        return LONGSD_ERR_NOT_FOUND;
    int own = !pi->n_cands || k == pi->chosen;
    const ls_plan_cand *c = pi->n_cands ? &pi->cands[k] : NULL;
    *info = (longsd_candidate_info){
        .draw = c ? c->draw : 0,
        .seed = own ? pi->seed : c->seed,
        .image_state = own ? pi->image_state : c->image_state,
        .image_file = own ? pi->image_file : c->image_file,
        .image_error = own ? pi->image_error : c->image_error,
        .chosen = own,
        .kept = c && c->kept,
        .prompt = c && c->kept ? c->prompt : NULL,
        .style = c && c->kept ? c->style : NULL,
    };
    return LONGSD_OK;
}

longsd_status longsd_plan_choose(longsd_ctx *ctx, longsd_plan *plan, size_t i, size_t k)
{
    lserr_clear(&ctx->err);
    ls_plan_idea *pi = idea_at(plan, i);
    if (!pi)
        return lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "no idea number %zu in the plan", i + 1);
    size_t n = pi->n_cands ? pi->n_cands : 1;
    if (k >= n)
        return lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "%s has %zu candidate%s; there is no candidate %zu",
                         pi->idea.id, n, n == 1 ? "" : "s", k + 1);
    return ls_cands_choose(pi, k) ? lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory") : LONGSD_OK;
}

longsd_status ls_cands_choose(ls_plan_idea *pi, size_t k)
{
    if (!pi->n_cands || k == pi->chosen || k >= pi->n_cands)
        return LONGSD_OK;
    if (sync_chosen(pi))
        return LONGSD_ERR_NOMEM;
    const ls_plan_cand *c = &pi->cands[k];
    char *f = NULL, *e = NULL;
    if (set_dup(&f, c->image_file, 0) || set_dup(&e, c->image_error, 0)) {
        longsd__free(f);
        return LONGSD_ERR_NOMEM;
    }
    pi->chosen = k;
    pi->seed = c->seed;
    pi->image_state = c->image_state;
    longsd__free(pi->image_file);
    longsd__free(pi->image_error);
    pi->image_file = f;
    pi->image_error = e;
    return LONGSD_OK;
}

longsd_status longsd_plan_set_candidates(longsd_ctx *ctx, longsd_plan *plan, size_t i, size_t n)
{
    lserr_clear(&ctx->err);
    ls_plan_idea *pi = idea_at(plan, i);
    if (!pi)
        return lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "no idea number %zu in the plan", i + 1);
    if (n < 1 || n > LS_MAX_CANDIDATES)
        return lserr_set(&ctx->err, LONGSD_ERR_PARAM, "candidates: expected 1 to %d per idea, got %zu",
                         LS_MAX_CANDIDATES, n);
    if (ls_cands_resize(pi, n))
        return lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
    return LONGSD_OK;
}

longsd_status longsd_plan_reroll(longsd_ctx *ctx, longsd_plan *plan, size_t i)
{
    lserr_clear(&ctx->err);
    ls_plan_idea *pi = idea_at(plan, i);
    if (!pi)
        return lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "no idea number %zu in the plan", i + 1);
    if (materialise(pi))
        return lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory");
    /* every candidate but the chosen one gets a new draw; a single candidate
     * is itself replaced (there is nothing else to re-roll) */
    for (size_t k = 0; k < pi->n_cands; k++) {
        if (k == pi->chosen && pi->n_cands > 1)
            continue;
        ls_plan_cand *c = &pi->cands[k];
        c->draw = pi->draws++;
        c->seed = ls_candidate_seed(pi->base_seed, c->draw);
        c->image_state = LONGSD_IMAGE_PENDING;
        c->kept = 0; /* a new draw of the current prompt */
        set_dup(&c->prompt, NULL, 0);
        set_dup(&c->negative, NULL, 0);
        set_dup(&c->style, NULL, 0);
        set_dup(&c->image_file, NULL, 0);
        set_dup(&c->image_error, NULL, 0);
        if (k == pi->chosen) {
            pi->seed = c->seed;
            pi->image_state = LONGSD_IMAGE_PENDING;
            set_dup(&pi->image_file, NULL, 0);
            set_dup(&pi->image_error, NULL, 0);
        }
    }
    return LONGSD_OK;
}

/* ---- JSON */

static void write_image(jwriter *w, int state, const char *file, const char *error)
{
    static const char *states[] = {"pending", "done", "failed"};
    jw_open_object(w, "image");
    jw_string(w, "state", states[state >= 0 && state <= 2 ? state : 0]);
    if (file)
        jw_string(w, "file", file);
    if (error)
        jw_string(w, "error", error);
    jw_close(w);
}

/* Member order as the jansson dump the first plans with candidates had. */
void ls_cands_write(jwriter *w, const ls_plan_idea *pi)
{
    if (pi->n_cands <= 1 && pi->draws <= 1)
        return; /* one picture: the idea's own fields say it all */
    jw_open_object(w, "candidates");
    jw_int(w, "chosen", (long long)pi->chosen);
    jw_int(w, "draws", (long long)pi->draws);
    jw_int(w, "base_seed", (long long)pi->base_seed);
    jw_open_array(w, "list");
    for (size_t k = 0; k < pi->n_cands; k++) {
        const ls_plan_cand *c = &pi->cands[k];
        int own = k == pi->chosen;
        jw_open_object(w, NULL);
        jw_int(w, "draw", (long long)c->draw);
        jw_int(w, "seed", (long long)(own ? pi->seed : c->seed));
        if (own)
            write_image(w, pi->image_state, pi->image_file, pi->image_error);
        else
            write_image(w, c->image_state, c->image_file, c->image_error);
        if (c->kept) { /* what this older picture shows */
            jw_open_object(w, "kept");
            jw_string(w, "prompt", c->prompt ? c->prompt : "");
            if (c->negative)
                jw_string(w, "negative", c->negative);
            if (c->style)
                jw_string(w, "style", c->style);
            jw_close(w);
        }
        jw_close(w);
    }
    jw_close(w);
    jw_close(w);
}

static longsd_status bad(lserr *err, const char *file, const char *pre, const char *what)
{
    return lserr_set(err, LONGSD_ERR_PLAN, "%s: %s.candidates%s (fix or delete the plan; `longsd run --force` rebuilds it)",
                     file, pre, what);
}

static int get_uint(const jd_val *o, const char *key, long long hi, long long *out)
{
    const jd_val *v = jd_get(o, key);
    if (!jd_is_integer(v) || v->u.i < 0 || v->u.i > hi)
        return -1;
    *out = v->u.i;
    return 0;
}

/* a jdoc string (not NUL-terminated) into *dst */
static int set_dupn(char **dst, const jd_val *v, int redact)
{
    char *t = longsd__strndup(v->u.s, v->n);
    if (!t)
        return -1;
    int rc = set_dup(dst, t, redact);
    longsd__free(t);
    return rc;
}

longsd_status ls_cands_from_json(const char *file, const char *pre, const jd_val *v, ls_plan_idea *pi, lserr *err)
{
    if (!v || jd_is_null(v))
        return LONGSD_OK;
    if (jd_is_integer(v)) { /* a hand edit: "candidates": 4 */
        long long n = v->u.i;
        if (n < 1 || n > LS_MAX_CANDIDATES)
            return bad(err, file, pre, ": expected 1 to 16 candidates");
        return ls_cands_resize(pi, (size_t)n) ? lserr_set(err, LONGSD_ERR_NOMEM, "out of memory") : LONGSD_OK;
    }
    long long chosen, draws, base;
    const jd_val *list = jd_get(v, "list");
    if (!jd_is_object(v) || get_uint(v, "chosen", LS_MAX_CANDIDATES, &chosen) ||
        get_uint(v, "draws", 1000000, &draws) || get_uint(v, "base_seed", 4294967295LL, &base))
        return bad(err, file, pre, ": expected a number of candidates or {\"chosen\", \"draws\", \"base_seed\", \"list\"}");
    size_t n = jd_size(list);
    if (!jd_is_array(list) || n < 1 || n > LS_MAX_CANDIDATES)
        return bad(err, file, pre, ".list: expected 1 to 16 candidates");
    if ((size_t)chosen >= n)
        return bad(err, file, pre, ".chosen: names no candidate of the list");
    if (!(pi->cands = longsd__calloc(n, sizeof *pi->cands)))
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    pi->n_cands = n;
    pi->chosen = (size_t)chosen;
    pi->draws = (unsigned)draws;
    pi->base_seed = (uint32_t)base;
    for (size_t k = 0; k < n; k++) {
        const jd_val *o = jd_at(list, k), *im = jd_get(o, "image");
        ls_plan_cand *c = &pi->cands[k];
        long long d, s;
        char sub[192];
        snprintf(sub, sizeof sub, ".list[%zu]", k);
        if (!jd_is_object(o) || get_uint(o, "draw", draws - 1 < 0 ? 0 : draws - 1, &d) || d >= draws ||
            get_uint(o, "seed", 4294967295LL, &s))
            return bad(err, file, pre, strcat(sub, ": expected {\"draw\" below draws, \"seed\", \"image\"}"));
        for (size_t j = 0; j < k; j++)
            if (pi->cands[j].draw == (unsigned)d)
                return bad(err, file, pre, strcat(sub, ".draw: the same draw twice"));
        c->draw = (unsigned)d;
        c->seed = (uint32_t)s;
        const jd_val *st = jd_get(im, "state");
        int state = -1;
        if (jd_is_string(st))
            for (int q = 0; q < 3; q++) {
                static const char *names[] = {"pending", "done", "failed"};
                if (st->n == strlen(names[q]) && !memcmp(st->u.s, names[q], st->n))
                    state = q;
            }
        if (!jd_is_object(im) || state < 0)
            return bad(err, file, pre, strcat(sub, ".image.state: expected \"pending\", \"done\" or \"failed\""));
        c->image_state = state;
        const jd_val *f = jd_get(im, "file"), *e = jd_get(im, "error");
        if ((f && !jd_is_string(f)) || (e && !jd_is_string(e)))
            return bad(err, file, pre, strcat(sub, ".image: file and error are strings"));
        if ((f && set_dupn(&c->image_file, f, 0)) || (e && set_dupn(&c->image_error, e, 1)))
            return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        /* a plan is user-editable: never let it point outside the workspace */
        if (c->image_file && ls_wspath_check_rel(c->image_file, NULL))
            return bad(err, file, pre, strcat(sub, ".image.file: must be a relative path inside the workspace"));
        const jd_val *kv = jd_get(o, "kept");
        if (kv && !jd_is_null(kv)) {
            const jd_val *kp = jd_get(kv, "prompt"), *kn = jd_get(kv, "negative"), *ks = jd_get(kv, "style");
            if (!jd_is_object(kv) || !jd_is_string(kp) || (kn && !jd_is_string(kn)) || (ks && !jd_is_string(ks)))
                return bad(err, file, pre, strcat(sub, ".kept: expected {\"prompt\", \"negative\", \"style\"} strings"));
            c->kept = 1;
            if (set_dupn(&c->prompt, kp, 0) || (kn && set_dupn(&c->negative, kn, 0)) ||
                (ks && set_dupn(&c->style, ks, 0)))
                return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        }
    }
    /* the idea's own fields were read first and win: a hand-edited seed or
     * image is the chosen candidate's */
    return sync_chosen(pi) ? lserr_set(err, LONGSD_ERR_NOMEM, "out of memory") : LONGSD_OK;
}
