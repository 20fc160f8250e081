/* plan_read.c - a plan file into a longsd_plan (schema "longsd.plan" version
 * 1, docs/plan.md). Every field is checked, because a plan is a file users
 * edit by hand: a refusal names the file and the field path. The JSON is
 * read by jdoc.c into one arena; strings the plan keeps are copied out. */
#include <limits.h>
#include <string.h>

#include "jdoc.h"
#include "noise.h"
#include "plan.h"
#include "redact.h"
#include "wspath.h"

/* ---- JSON in: a tiny checked reader that knows the path it is at */

typedef struct {
    const char *file;
    lserr *err;
} rd;

static longsd_status bad(rd *r, const char *path, const char *what)
{
    return lserr_set(r->err, LONGSD_ERR_PLAN, "%s: %s: %s (fix or delete the plan; `longsd run --force` rebuilds it)",
                     r->file, path, what);
}

static const jd_val *field(const jd_val *obj, const char *key) { return jd_get(obj, key); }

/* The field path ("ideas[3].prompt.seed") is made only for a message: a
 * snprintf per field read was most of the time of loading a large plan. */
static longsd_status bad_key(rd *r, const char *prefix, const char *key, const char *what)
{
    char path[256];
    snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
    return bad(r, path, what);
}

static longsd_status get_str(rd *r, const jd_val *obj, const char *prefix, const char *key, int required, char **out)
{
    const jd_val *v = field(obj, key);
    if (!v || jd_is_null(v)) {
        if (required)
            return bad_key(r, prefix, key, "missing");
        *out = NULL;
        return LONGSD_OK;
    }
    if (!jd_is_string(v))
        return bad_key(r, prefix, key, "expected a string");
    *out = longsd__strndup(v->u.s, v->n);
    return *out ? LONGSD_OK : lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
}

/* "rng": optional, one of the engine's noise sources. */
static longsd_status get_rng(rd *r, const jd_val *obj, const char *prefix, char **out)
{
    longsd_status rc = get_str(r, obj, prefix, "rng", 0, out);
    if (rc == LONGSD_OK && !ls_rng_is_native(*out) && ls_rng_a1111(*out) == NULL) {
        longsd__free(*out);
        *out = NULL;
        return bad_key(r, prefix, "rng", "expected \"native\", \"cpu\" or \"cuda\"");
    }
    return rc;
}

static longsd_status get_num(rd *r, const jd_val *obj, const char *prefix, const char *key, double lo, double hi,
                             double *out);

/* img2img (issue 12): "init_image", a PNG to start from, and "strength"
 * in (0, 1] (default 0.75); a strength without a picture is an error, not
 * silently dropped on the next save. */
static longsd_status get_init_image(rd *r, const jd_val *pr, const char *prefix, ls_plan_idea *pi)
{
    longsd_status rc = get_str(r, pr, prefix, "init_image", 0, &pi->init_image);
    if (rc)
        return rc;
    if (pi->init_image && !pi->init_image[0])
        return bad_key(r, prefix, "init_image", "empty: give a PNG's path, or leave the key out");
    /* as image.file: a plan handed over cannot make a run read (and
     * redraw) a picture from outside the workspace */
    if (pi->init_image && ls_wspath_check_rel(pi->init_image, NULL))
        return bad_key(r, prefix, "init_image",
                       "must be a relative path inside the workspace (no leading '/', no '..' part, no control "
                       "characters)");
    double s = -1;
    if ((rc = get_num(r, pr, prefix, "strength", -1e300, 1e300, &s)))
        return rc;
    if (s != -1 && !pi->init_image)
        return bad_key(r, prefix, "strength", "given without init_image (the picture it applies to)");
    if (s != -1 && !(s > 0 && s <= 1))
        return bad_key(r, prefix, "strength", "expected a number in (0, 1]");
    pi->strength = pi->init_image ? (s != -1 ? s : 0.75) : 0;
    return LONGSD_OK;
}

static longsd_status get_int(rd *r, const jd_val *obj, const char *prefix, const char *key, long long lo, long long hi,
                             int required, long long *out)
{
    const jd_val *v = field(obj, key);
    if (!v) {
        if (required)
            return bad_key(r, prefix, key, "missing");
        return LONGSD_OK;
    }
    if (!jd_is_integer(v))
        return bad_key(r, prefix, key, "expected an integer");
    long long x = v->u.i;
    if (x < lo || x > hi) {
        char what[128];
        snprintf(what, sizeof what, "%lld is out of range [%lld, %lld]", x, lo, hi);
        return bad_key(r, prefix, key, what);
    }
    *out = x;
    return LONGSD_OK;
}

static longsd_status get_num(rd *r, const jd_val *obj, const char *prefix, const char *key, double lo, double hi,
                             double *out)
{
    const jd_val *v = field(obj, key);
    if (!v)
        return LONGSD_OK;
    if (!jd_is_number(v))
        return bad_key(r, prefix, key, "expected a number");
    double x = jd_number(v);
    if (!(x >= lo && x <= hi))
        return bad_key(r, prefix, key, "out of range");
    *out = x;
    return LONGSD_OK;
}

#define TRY(x)                \
    do {                      \
        longsd_status rc_ = (x); \
        if (rc_)              \
            return rc_;       \
    } while (0)

static longsd_status read_strings(rd *r, const jd_val *arr, const char *path, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!arr)
        return LONGSD_OK;
    if (!jd_is_array(arr))
        return bad(r, path, "expected an array of strings");
    size_t cnt = jd_size(arr);
    if (!cnt)
        return LONGSD_OK;
    char **v = longsd__calloc(cnt, sizeof *v);
    if (!v)
        return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
    *out = v;
    for (size_t i = 0; i < cnt; i++) {
        const jd_val *s = jd_at(arr, i);
        if (!jd_is_string(s)) {
            char p[256];
            snprintf(p, sizeof p, "%s[%zu]", path, i);
            return bad(r, p, "expected a string");
        }
        if (!(v[i] = longsd__strndup(s->u.s, s->n)))
            return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
        *n = i + 1;
    }
    return LONGSD_OK;
}

static longsd_status read_part(rd *r, const jd_val *o, size_t i, ls_plan_part *pp)
{
    char pre[64];
    snprintf(pre, sizeof pre, "parts[%zu]", i);
    if (!jd_is_object(o))
        return bad(r, pre, "expected an object");
    long long v = 0;
    TRY(get_str(r, o, pre, "id", 1, &pp->id));
    TRY(get_str(r, o, pre, "label", 0, &pp->label));
    TRY(get_int(r, o, pre, "start", 0, LLONG_MAX, 1, &v));
    pp->start = (size_t)v;
    TRY(get_int(r, o, pre, "end", (long long)pp->start, LLONG_MAX, 1, &v));
    pp->end = (size_t)v;
    v = 0;
    TRY(get_int(r, o, pre, "first_paragraph", 0, LLONG_MAX, 0, &v));
    pp->first_para = (size_t)v;
    v = 0;
    TRY(get_int(r, o, pre, "paragraphs", 0, LLONG_MAX, 0, &v));
    pp->n_paras = (size_t)v;
    v = 0;
    TRY(get_int(r, o, pre, "words", 0, LLONG_MAX, 0, &v));
    pp->n_words = (size_t)v;
    v = 0;
    TRY(get_int(r, o, pre, "ideas_wanted", 0, 1000, 0, &v));
    pp->n_wanted = (size_t)v;
    return LONGSD_OK;
}

/* "description_from": [[start, end], ...]: byte spans of the text the
 * description was harvested from (desc.c). */
static longsd_status read_desc_spans(rd *r, const jd_val *o, const char *pre, size_t bytes, ls_desc_spans *sp)
{
    const jd_val *a = field(o, "description_from");
    char path[96];
    snprintf(path, sizeof path, "%s.description_from", pre);
    sp->n = 0;
    if (!a)
        return LONGSD_OK;
    if (!jd_is_array(a) || jd_size(a) > LS_DESC_MAX_SPANS)
        return bad(r, path, "expected an array of at most 5 [start, end] byte spans");
    for (size_t k = 0; k < jd_size(a); k++) {
        const jd_val *e = jd_at(a, k);
        const jd_val *s0 = jd_at(e, 0), *s1 = jd_at(e, 1);
        if (!jd_is_array(e) || jd_size(e) != 2 || !jd_is_integer(s0) || !jd_is_integer(s1) ||
            s0->u.i < 0 || s1->u.i <= s0->u.i ||
            (bytes && (size_t)s1->u.i > bytes))
            return bad(r, path, "expected [start, end] with 0 <= start < end <= the text's size");
        sp->start[k] = (size_t)s0->u.i;
        sp->end[k] = (size_t)s1->u.i;
    }
    sp->n = jd_size(a);
    return LONGSD_OK;
}

static longsd_status read_cast_facts(rd *r, const jd_val *o, const char *pre, ls_character *c)
{
    const jd_val *nv = field(o, "narrator");
    if (nv && !jd_is_boolean(nv)) {
        char path[80];
        snprintf(path, sizeof path, "%s.narrator", pre);
        return bad(r, path, "expected true or false");
    }
    c->narrator = nv && jd_is_true(nv);
    TRY(get_str(r, o, pre, "role", 0, &c->role));
    char *g = NULL;
    TRY(get_str(r, o, pre, "gender", 0, &g));
    c->gender = g && !strcmp(g, "male") ? LS_GENDER_MALE : g && !strcmp(g, "female") ? LS_GENDER_FEMALE : 0;
    longsd__free(g);
    long long age = 0;
    TRY(get_int(r, o, pre, "age", LS_AGE_UNKNOWN, LS_AGE_OLD, 0, &age));
    c->age = (int)age;
    return LONGSD_OK;
}

static longsd_status read_character(rd *r, const jd_val *o, size_t i, ls_character *c)
{
    char pre[64];
    snprintf(pre, sizeof pre, "cast[%zu]", i);
    if (!jd_is_object(o))
        return bad(r, pre, "expected an object");
    long long v = 0;
    TRY(get_str(r, o, pre, "name", 1, &c->name));
    TRY(get_str(r, o, pre, "full_name", 0, &c->full_name));
    TRY(get_str(r, o, pre, "description", 0, &c->description));
    if (!c->description && !(c->description = longsd__strdup("")))
        return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
    if (!c->full_name && !(c->full_name = longsd__strdup(c->name)))
        return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
    TRY(get_int(r, o, pre, "mentions", 0, LLONG_MAX, 0, &v));
    c->mentions = (size_t)v;
    TRY(read_cast_facts(r, o, pre, c));
    char path[80];
    snprintf(path, sizeof path, "%s.aliases", pre);
    return read_strings(r, field(o, "aliases"), path, &c->aliases, &c->n_aliases);
}

static longsd_status read_idea(rd *r, const longsd_plan *p, const jd_val *o, size_t i, ls_plan_idea *pi)
{
    char pre[64], sub[96];
    snprintf(pre, sizeof pre, "ideas[%zu]", i);
    if (!jd_is_object(o))
        return bad(r, pre, "expected an object");
    ls_idea *id = &pi->idea;
    char *s = NULL;
    long long v = 0;
    TRY(get_str(r, o, pre, "id", 1, &s));
    if (strlen(s) >= sizeof id->id) {
        longsd__free(s);
        snprintf(sub, sizeof sub, "%s.id", pre);
        return bad(r, sub, "too long");
    }
    strcpy(id->id, s);
    longsd__free(s);
    TRY(get_str(r, o, pre, "part", 1, &s));
    size_t k;
    for (k = 0; k < p->n_parts; k++)
        if (strcmp(p->parts[k].id, s) == 0)
            break;
    longsd__free(s);
    if (k == p->n_parts) {
        snprintf(sub, sizeof sub, "%s.part", pre);
        return bad(r, sub, "names no part of this plan");
    }
    id->part = k;
    TRY(get_str(r, o, pre, "title", 0, &id->title));
    TRY(get_str(r, o, pre, "scene", 1, &id->scene));
    snprintf(sub, sizeof sub, "%s.characters", pre);
    TRY(read_strings(r, field(o, "characters"), sub, &id->characters, &id->n_characters));
    const jd_val *a = field(o, "anchor");
    snprintf(sub, sizeof sub, "%s.anchor", pre);
    if (!jd_is_object(a))
        return bad(r, sub, "expected an object");
    TRY(get_int(r, a, sub, "paragraph", 0, LLONG_MAX, 1, &v));
    id->para = (size_t)v;
    TRY(get_int(r, a, sub, "start", 0, LLONG_MAX, 1, &v));
    id->start = (size_t)v;
    TRY(get_int(r, a, sub, "end", (long long)id->start, LLONG_MAX, 1, &v));
    id->end = (size_t)v;
    TRY(get_str(r, a, sub, "quote", 0, &id->quote));

    const jd_val *pr = field(o, "prompt");
    snprintf(sub, sizeof sub, "%s.prompt", pre);
    if (!jd_is_object(pr))
        return bad(r, sub, "expected an object");
    TRY(get_str(r, pr, sub, "positive", 1, &pi->prompt));
    TRY(get_str(r, pr, sub, "negative", 0, &pi->negative));
    TRY(get_str(r, pr, sub, "lexica", 0, &pi->lexica));
    TRY(get_int(r, pr, sub, "tokens", 0, 1000, 0, &v));
    pi->tokens = (int)v;
    TRY(get_int(r, pr, sub, "seed", 0, 4294967295LL, 1, &v));
    pi->seed = (uint32_t)v;
    TRY(get_int(r, pr, sub, "width", 64, 8192, 1, &v));
    pi->width = (int)v;
    TRY(get_int(r, pr, sub, "height", 64, 8192, 1, &v));
    pi->height = (int)v;
    v = 30;
    TRY(get_int(r, pr, sub, "steps", 1, 1000, 0, &v));
    pi->steps = (int)v;
    double cfg = 7.0;
    TRY(get_num(r, pr, sub, "cfg_scale", 0, 100, &cfg));
    pi->cfg_scale = (float)cfg;
    TRY(get_str(r, pr, sub, "sampler", 0, &pi->sampler));
    TRY(get_rng(r, pr, sub, &pi->rng));
    TRY(get_init_image(r, pr, sub, pi));
    TRY(get_str(r, pr, sub, "style", 0, &pi->style));

    const jd_val *im = field(o, "image");
    snprintf(sub, sizeof sub, "%s.image", pre);
    if (im) {
        if (!jd_is_object(im))
            return bad(r, sub, "expected an object");
        TRY(get_str(r, im, sub, "state", 1, &s));
        int st = strcmp(s, "pending") == 0 ? 0 : strcmp(s, "done") == 0 ? 1 : strcmp(s, "failed") == 0 ? 2 : -1;
        longsd__free(s);
        if (st < 0) {
            snprintf(sub, sizeof sub, "%s.image.state", pre);
            return bad(r, sub, "expected \"pending\", \"done\" or \"failed\"");
        }
        pi->image_state = st;
        TRY(get_str(r, im, sub, "file", 0, &pi->image_file));
        TRY(get_str(r, im, sub, "error", 0, &pi->image_error));
        if (pi->image_error) /* a plan written before redaction, or edited */
            longsd__redact_inplace(pi->image_error, strlen(pi->image_error) + 1);
        /* A plan is user-editable: never let it point outside the workspace. */
        if (pi->image_file && ls_wspath_check_rel(pi->image_file, NULL)) {
            snprintf(sub, sizeof sub, "%s.image.file", pre);
            return bad(r, sub, "must be a relative path inside the workspace (no leading '/', no '..' part, no "
                               "control characters)");
        }
    }
    return ls_cands_from_json(r->file, pre, field(o, "candidates"), pi, r->err);
}

static longsd_status read_plan(rd *r, const jd_val *root, longsd_plan *p)
{
    if (!jd_is_object(root))
        return bad(r, "(root)", "expected an object");
    char *schema = NULL;
    TRY(get_str(r, root, "", "schema", 1, &schema));
    int ok = strcmp(schema, LS_PLAN_SCHEMA) == 0;
    longsd__free(schema);
    if (!ok)
        return bad(r, "schema", "not a longsd plan (expected \"" LS_PLAN_SCHEMA "\")");
    long long v = 0;
    TRY(get_int(r, root, "", "version", 1, 1000000, 1, &v));
    if (v != LS_PLAN_VERSION) {
        char what[128];
        snprintf(what, sizeof what, "version %lld is not supported by longsd %s (it reads version %d)", v,
                 LONGSD_VERSION, LS_PLAN_VERSION);
        return bad(r, "version", what);
    }
    TRY(get_str(r, root, "", "name", 1, &p->name));
    /* the name becomes file names (docx/<name>.docx, images/<name>/): a
     * shared or edited plan must not reach outside the workspace with it */
    lserr nerr;
    if (ls_wspath_check_name(p->name, &nerr))
        return bad(r, "name", nerr.msg);
    TRY(get_str(r, root, "", "title", 0, &p->title));
    TRY(get_str(r, root, "", "author", 0, &p->author));
    TRY(get_str(r, root, "", "language", 0, &p->language));
    const jd_val *pl = field(root, "play"); /* absent in plans written before plays were told apart */
    if (pl && !jd_is_boolean(pl))
        return bad(r, "play", "expected true or false");
    p->is_play = pl && jd_is_true(pl);
    const jd_val *src = field(root, "source");
    if (!jd_is_object(src))
        return bad(r, "source", "expected an object");
    TRY(get_str(r, src, "source", "path", 1, &p->source));
    TRY(get_int(r, src, "source", "bytes", 0, LLONG_MAX, 0, &v));
    p->source_bytes = (size_t)v;
    char *sha = NULL;
    TRY(get_str(r, src, "source", "sha256", 1, &sha));
    ok = strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64;
    if (ok)
        memcpy(p->sha256, sha, 65);
    longsd__free(sha);
    if (!ok)
        return bad(r, "source.sha256", "expected 64 lower-case hex digits");

    const jd_val *st = field(root, "settings");
    if (!jd_is_object(st))
        return bad(r, "settings", "expected an object");
    ls_plan_settings *s = &p->settings;
    TRY(get_int(r, st, "settings", "parts", 1, 1000, 1, &v));
    s->n_parts = (int)v;
    const jd_val *bc = field(st, "by_chapter");
    if (bc && !jd_is_boolean(bc))
        return bad(r, "settings.by_chapter", "expected true or false");
    s->by_chapter = bc && jd_is_true(bc);
    TRY(get_int(r, st, "settings", "ideas_per_part", 1, 100, 1, &v));
    s->ideas_per_part = (int)v;
    TRY(get_str(r, st, "settings", "style", 1, &s->style));
    TRY(get_int(r, st, "settings", "width", 64, 8192, 1, &v));
    s->width = (int)v;
    TRY(get_int(r, st, "settings", "height", 64, 8192, 1, &v));
    s->height = (int)v;
    v = 30;
    TRY(get_int(r, st, "settings", "steps", 1, 1000, 0, &v));
    s->steps = (int)v;
    double cfg = 7.0;
    TRY(get_num(r, st, "settings", "cfg_scale", 0, 100, &cfg));
    s->cfg_scale = (float)cfg;
    TRY(get_str(r, st, "settings", "sampler", 0, &s->sampler));
    TRY(get_rng(r, st, "settings", &s->rng));
    v = 0;
    TRY(get_int(r, st, "settings", "candidates", 0, LS_MAX_CANDIDATES, 0, &v));
    s->candidates = (int)v;
    v = 0;
    TRY(get_int(r, st, "settings", "vae_tile", 0, 8192, 0, &v));
    s->vae_tile = (int)v;

    const jd_val *keys = field(root, "keys");
    if (keys) {
        char *k = NULL;
        TRY(get_str(r, keys, "keys", "ideas", 0, &k));
        if (k)
            snprintf(p->ideas_key, sizeof p->ideas_key, "%s", k);
        longsd__free(k);
        k = NULL;
        TRY(get_str(r, keys, "keys", "prompts", 0, &k));
        if (k)
            snprintf(p->prompts_key, sizeof p->prompts_key, "%s", k);
        longsd__free(k);
    }

    const jd_val *parts = field(root, "parts");
    if (!jd_is_array(parts) || jd_size(parts) == 0)
        return bad(r, "parts", "expected a non-empty array");
    if (!(p->parts = longsd__calloc(jd_size(parts), sizeof *p->parts)))
        return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < jd_size(parts); i++) {
        p->n_parts = i + 1;
        TRY(read_part(r, jd_at(parts, i), i, &p->parts[i]));
    }
    const jd_val *cast = field(root, "cast");
    if (cast && !jd_is_array(cast))
        return bad(r, "cast", "expected an array");
    if (cast && jd_size(cast)) {
        if (!(p->cast = longsd__calloc(jd_size(cast), sizeof *p->cast)) ||
            !(p->cast_spans = longsd__calloc(jd_size(cast), sizeof *p->cast_spans)))
            return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < jd_size(cast); i++) {
            p->n_cast = i + 1;
            TRY(read_character(r, jd_at(cast, i), i, &p->cast[i]));
            char pre[64];
            snprintf(pre, sizeof pre, "cast[%zu]", i);
            TRY(read_desc_spans(r, jd_at(cast, i), pre, p->source_bytes, &p->cast_spans[i]));
        }
    }
    const jd_val *ideas = field(root, "ideas");
    if (!jd_is_array(ideas))
        return bad(r, "ideas", "expected an array");
    if (jd_size(ideas)) {
        if (!(p->ideas = longsd__calloc(jd_size(ideas), sizeof *p->ideas)))
            return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
        /* duplicate ids through an open-addressing set of indices (a
         * pairwise check made a 100,000-idea plan take minutes to load) */
        size_t n_ideas = jd_size(ideas), cap = 16;
        while (cap < 2 * n_ideas)
            cap *= 2;
        size_t *set = longsd__calloc(cap, sizeof *set); /* index + 1; 0 = empty */
        if (!set)
            return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
        longsd_status drc = LONGSD_OK;
        for (size_t i = 0; i < n_ideas && !drc; i++) {
            p->n_ideas = i + 1;
            if ((drc = read_idea(r, p, jd_at(ideas, i), i, &p->ideas[i])))
                break;
            const char *id = p->ideas[i].idea.id;
            size_t h = (size_t)lsfnv1a64(id, strlen(id), LSFNV_SEED) & (cap - 1);
            while (set[h] && strcmp(p->ideas[set[h] - 1].idea.id, id) != 0)
                h = (h + 1) & (cap - 1);
            if (set[h]) {
                char path[96];
                snprintf(path, sizeof path, "ideas[%zu].id", i);
                char what[160];
                snprintf(what, sizeof what, "duplicate id (ideas[%zu] has the same id \"%s\")", set[h] - 1, id);
                drc = bad(r, path, what);
                break;
            }
            set[h] = i + 1;
        }
        longsd__free(set);
        if (drc)
            return drc;
    }
    const jd_val *notes = field(root, "notes");
    TRY(read_strings(r, notes, "notes", &p->notes, &p->n_notes));
    for (size_t i = 0; i < p->n_notes; i++)
        longsd__redact_inplace(p->notes[i], strlen(p->notes[i]) + 1);
    return LONGSD_OK;
}

longsd_status ls_plan_parse(const char *name, const char *data, size_t n, longsd_plan **out, lserr *err)
{
    *out = NULL;
    jd_error je;
    jdoc *doc = jdoc_parse(data, n, &je);
    if (!doc) {
        if (je.byte == (size_t)-1)
            return lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory while reading the plan", name);
        return lserr_set(err, LONGSD_ERR_PLAN,
                         "%s: not valid JSON at line %d, column %d (byte %zu): %s (fix or delete the plan; "
                         "`longsd run --force` rebuilds it)",
                         name, je.line, je.column, je.byte, je.text);
    }
    longsd_plan *p = ls_plan_new();
    if (!p) {
        jdoc_free(doc);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    rd r = {.file = name, .err = err};
    longsd_status rc = read_plan(&r, jdoc_root(doc), p);
    jdoc_free(doc);
    if (rc) {
        longsd_plan_free(p);
        return rc;
    }
    *out = p;
    return LONGSD_OK;
}
