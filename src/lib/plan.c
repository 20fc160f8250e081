/* plan.c - the plan as data: create, free, accessors, and its JSON form
 * (schema "longsd.plan" version 1, described in docs/plan.md). Parsing checks
 * every field, because a plan is a file users edit by hand. */
#include "plan.h"

#include <jansson.h>
#include <stdarg.h>
#include <limits.h>
#include <string.h>

#include "ctx.h"
#include "redact.h"
#include "tmpfile.h"
#include "wspath.h"

longsd_plan *ls_plan_new(void) { return longsd__calloc(1, sizeof(longsd_plan)); }

static void plan_idea_clear(ls_plan_idea *pi)
{
    ls_idea_clear(&pi->idea);
    ls_cands_clear(pi);
    longsd__free(pi->prompt);
    longsd__free(pi->negative);
    longsd__free(pi->lexica);
    longsd__free(pi->sampler);
    longsd__free(pi->style);
    longsd__free(pi->image_file);
    longsd__free(pi->image_error);
    memset(pi, 0, sizeof *pi);
}

void ls_plan_clear_content(longsd_plan *p)
{
    for (size_t i = 0; i < p->n_parts; i++) {
        longsd__free(p->parts[i].id);
        longsd__free(p->parts[i].label);
    }
    longsd__free(p->parts);
    p->parts = NULL;
    p->n_parts = 0;
    for (size_t i = 0; i < p->n_ideas; i++)
        plan_idea_clear(&p->ideas[i]);
    longsd__free(p->ideas);
    p->ideas = NULL;
    p->n_ideas = 0;
    ls_cast_free(p->cast, p->n_cast);
    p->cast = NULL;
    p->n_cast = 0;
    longsd__free(p->cast_spans);
    p->cast_spans = NULL;
    for (size_t i = 0; i < p->n_notes; i++)
        longsd__free(p->notes[i]);
    longsd__free(p->notes);
    p->notes = NULL;
    p->n_notes = 0;
}

void longsd_plan_free(longsd_plan *p)
{
    if (!p)
        return;
    ls_plan_clear_content(p);
    longsd__free(p->name);
    longsd__free(p->title);
    longsd__free(p->author);
    longsd__free(p->language);
    longsd__free(p->source);
    longsd__free(p->settings.style);
    longsd__free(p->settings.sampler);
    longsd__free(p->disk_path);
    longsd__free(p);
}

longsd_status ls_plan_add_note(longsd_plan *p, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    longsd__redact_inplace(msg, sizeof msg); /* notes quote servers */
    char **nn = longsd__realloc(p->notes, (p->n_notes + 1) * sizeof *nn);
    if (!nn)
        return LONGSD_ERR_NOMEM;
    p->notes = nn;
    if (!(p->notes[p->n_notes] = longsd__strdup(msg)))
        return LONGSD_ERR_NOMEM;
    p->n_notes++;
    return LONGSD_OK;
}

/* ---- accessors */

static const char *nz(const char *s) { return s ? s : ""; }

const char *longsd_plan_name(const longsd_plan *p) { return nz(p->name); }
const char *longsd_plan_title(const longsd_plan *p) { return nz(p->title); }
const char *longsd_plan_author(const longsd_plan *p) { return nz(p->author); }
const char *longsd_plan_language(const longsd_plan *p) { return p->language ? p->language : "und"; }
const char *longsd_plan_source(const longsd_plan *p) { return nz(p->source); }
const char *longsd_plan_source_sha256(const longsd_plan *p) { return p->sha256; }
size_t longsd_plan_n_parts(const longsd_plan *p) { return p->n_parts; }
size_t longsd_plan_n_ideas(const longsd_plan *p) { return p->n_ideas; }
size_t longsd_plan_n_characters(const longsd_plan *p) { return p->n_cast; }
size_t longsd_plan_n_notes(const longsd_plan *p) { return p->n_notes; }
const char *longsd_plan_note(const longsd_plan *p, size_t i) { return i < p->n_notes ? p->notes[i] : NULL; }

longsd_status longsd_plan_part(const longsd_plan *p, size_t i, longsd_part_info *info)
{
    if (i >= p->n_parts)
        return LONGSD_ERR_NOT_FOUND;
    const ls_plan_part *pp = &p->parts[i];
    size_t n = 0;
    for (size_t k = 0; k < p->n_ideas; k++)
        n += p->ideas[k].idea.part == i;
    *info = (longsd_part_info){
        .id = pp->id,
        .label = pp->label,
        .start = pp->start,
        .end = pp->end,
        .first_paragraph = pp->first_para,
        .n_paragraphs = pp->n_paras,
        .n_words = pp->n_words,
        .n_ideas = n,
        .n_wanted = pp->n_wanted,
    };
    return LONGSD_OK;
}

longsd_status longsd_plan_idea(const longsd_plan *p, size_t i, longsd_idea_info *info)
{
    if (i >= p->n_ideas)
        return LONGSD_ERR_NOT_FOUND;
    const ls_plan_idea *pi = &p->ideas[i];
    *info = (longsd_idea_info){
        .id = pi->idea.id,
        .part = pi->idea.part,
        .title = nz(pi->idea.title),
        .scene = nz(pi->idea.scene),
        .quote = nz(pi->idea.quote),
        .paragraph = pi->idea.para,
        .start = pi->idea.start,
        .end = pi->idea.end,
        .n_characters = pi->idea.n_characters,
        .characters = (const char *const *)pi->idea.characters,
        .prompt = nz(pi->prompt),
        .negative = nz(pi->negative),
        .prompt_tokens = pi->tokens,
        .seed = pi->seed,
        .width = pi->width,
        .height = pi->height,
        .steps = pi->steps,
        .cfg_scale = pi->cfg_scale,
        .sampler = nz(pi->sampler),
        .style = nz(pi->style),
        .image_state = pi->image_state,
        .image_file = pi->image_file,
        .image_error = pi->image_error,
    };
    return LONGSD_OK;
}

longsd_status longsd_plan_character(const longsd_plan *p, size_t i, longsd_character_info *info)
{
    if (i >= p->n_cast)
        return LONGSD_ERR_NOT_FOUND;
    const ls_character *c = &p->cast[i];
    *info = (longsd_character_info){
        .name = nz(c->name),
        .full_name = c->full_name ? c->full_name : nz(c->name),
        .mentions = c->mentions,
        .description = nz(c->description),
    };
    return LONGSD_OK;
}

longsd_status longsd_plan_set_image(longsd_plan *p, size_t i, int state, const char *file, const char *error)
{
    if (i >= p->n_ideas)
        return LONGSD_ERR_NOT_FOUND;
    if (state < LONGSD_IMAGE_PENDING || state > LONGSD_IMAGE_FAILED)
        return LONGSD_ERR_PARAM;
    ls_plan_idea *pi = &p->ideas[i];
    char *f = file ? longsd__strdup(file) : NULL;
    char *e = error ? longsd__redact_dup(error) : NULL; /* errors quote servers */
    if ((file && !f) || (error && !e)) {
        longsd__free(f);
        longsd__free(e);
        return LONGSD_ERR_NOMEM;
    }
    longsd__free(pi->image_file);
    longsd__free(pi->image_error);
    pi->image_state = state;
    pi->image_file = f;
    pi->image_error = e;
    return LONGSD_OK;
}

/* ---- JSON out */

static json_t *jstr(const char *s) { return json_string(s ? s : ""); }

/* What the book says of a character besides its names: written only when
 * known, so plans of third-person books without roles read as before. */
static json_t *spans_to_json(const ls_desc_spans *sp)
{
    json_t *a = json_array();
    for (size_t k = 0; a && k < sp->n; k++)
        json_array_append_new(a, json_pack("[I, I]", (json_int_t)sp->start[k], (json_int_t)sp->end[k]));
    return a;
}

static void cast_facts_to_json(json_t *co, const ls_character *c)
{
    if (!co)
        return;
    if (c->narrator)
        json_object_set_new(co, "narrator", json_true());
    if (c->role && c->role[0])
        json_object_set_new(co, "role", json_string(c->role));
    if (c->gender)
        json_object_set_new(co, "gender", json_string(c->gender == LS_GENDER_MALE ? "male" : "female"));
    if (c->age)
        json_object_set_new(co, "age", json_integer(c->age));
}

/* index: the idea's 1-based position within its part, counted by the
 * caller in one pass (counting here made a save quadratic). */
static json_t *idea_to_json(const longsd_plan *p, size_t i, json_int_t index)
{
    const ls_plan_idea *pi = &p->ideas[i];
    const ls_idea *id = &pi->idea;
    json_t *chars = json_array();
    for (size_t k = 0; k < id->n_characters; k++)
        json_array_append_new(chars, jstr(id->characters[k]));
    const char *states[] = {"pending", "done", "failed"};
    json_t *image = json_pack("{s:s}", "state", states[pi->image_state]);
    if (pi->image_file)
        json_object_set_new(image, "file", jstr(pi->image_file));
    if (pi->image_error)
        json_object_set_new(image, "error", jstr(pi->image_error));
    json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:s, s:o, s:{s:I, s:I, s:I, s:s}, s:{s:s, s:s, s:i, s:I, s:i, s:i, s:i, "
                     "s:f, s:s, s:s}, s:o}",
                     "id", id->id, "part", p->parts[id->part].id, "index", index,
                     "title", nz(id->title), "scene", nz(id->scene), "characters", chars, "anchor", "paragraph",
                     (json_int_t)id->para, "start", (json_int_t)id->start, "end", (json_int_t)id->end, "quote",
                     nz(id->quote), "prompt", "positive", nz(pi->prompt), "negative", nz(pi->negative), "tokens",
                     pi->tokens, "seed", (json_int_t)pi->seed, "width", pi->width, "height", pi->height, "steps",
                     pi->steps, "cfg_scale", (double)pi->cfg_scale, "sampler", nz(pi->sampler), "style",
                     nz(pi->style), "image", image);
    /* the lexica modifiers chosen for this scene (issue 11) */
    if (o && pi->lexica && pi->lexica[0])
        json_object_set_new(json_object_get(o, "prompt"), "lexica", jstr(pi->lexica));
    json_t *cands = ls_cands_to_json(pi); /* candidates.c; NULL for one picture */
    if (o && cands)
        json_object_set_new(o, "candidates", cands);
    return o;
}

char *longsd_plan_to_json(const longsd_plan *p)
{
    json_t *root = NULL, *parts = NULL, *ideas = NULL, *cast = NULL, *notes = NULL;
    char *out = NULL;
    parts = json_array();
    ideas = json_array();
    cast = json_array();
    notes = json_array();
    if (!parts || !ideas || !cast || !notes)
        goto out;
    for (size_t i = 0; i < p->n_parts; i++) {
        const ls_plan_part *pp = &p->parts[i];
        json_array_append_new(parts, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "id", pp->id, "label",
                                               nz(pp->label), "start", (json_int_t)pp->start, "end",
                                               (json_int_t)pp->end, "first_paragraph", (json_int_t)pp->first_para,
                                               "paragraphs", (json_int_t)pp->n_paras, "words",
                                               (json_int_t)pp->n_words, "ideas_wanted", (json_int_t)pp->n_wanted));
    }
    for (size_t i = 0; i < p->n_cast; i++) {
        const ls_character *c = &p->cast[i];
        json_t *al = json_array();
        for (size_t k = 0; k < c->n_aliases; k++)
            json_array_append_new(al, jstr(c->aliases[k]));
        json_t *co = json_pack("{s:s, s:s, s:o, s:I, s:s}", "name", nz(c->name), "full_name",
                               c->full_name ? c->full_name : nz(c->name), "aliases", al, "mentions",
                               (json_int_t)c->mentions, "description", nz(c->description));
        cast_facts_to_json(co, c);
        if (co && p->cast_spans && p->cast_spans[i].n)
            json_object_set_new(co, "description_from", spans_to_json(&p->cast_spans[i]));
        json_array_append_new(cast, co);
    }
    json_int_t *per_part = longsd__calloc(p->n_parts ? p->n_parts : 1, sizeof *per_part);
    if (!per_part)
        goto out;
    for (size_t i = 0; i < p->n_ideas; i++)
        json_array_append_new(ideas, idea_to_json(p, i, ++per_part[p->ideas[i].idea.part]));
    longsd__free(per_part);
    for (size_t i = 0; i < p->n_notes; i++)
        json_array_append_new(notes, jstr(p->notes[i]));
    const ls_plan_settings *s = &p->settings;
    root = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:I, s:s}, s:{s:i, s:b, s:i, s:s, s:i, s:i, s:i, "
                     "s:f, s:s}, s:{s:s, s:s}, s:O, s:O, s:O, s:O}",
                     "schema", LS_PLAN_SCHEMA, "version", LS_PLAN_VERSION, "generator", "longsd " LONGSD_VERSION,
                     "name", nz(p->name), "title", nz(p->title), "author", nz(p->author), "language",
                     longsd_plan_language(p), "source", "path", nz(p->source), "bytes", (json_int_t)p->source_bytes,
                     "sha256", p->sha256, "settings", "parts", s->n_parts, "by_chapter", s->by_chapter,
                     "ideas_per_part", s->ideas_per_part, "style", nz(s->style), "width", s->width, "height",
                     s->height, "steps", s->steps, "cfg_scale", (double)s->cfg_scale, "sampler", nz(s->sampler),
                     "keys", "ideas", p->ideas_key, "prompts", p->prompts_key, "parts", parts, "cast", cast, "ideas",
                     ideas, "notes", notes);
    if (root && s->candidates > 0)
        json_object_set_new(json_object_get(root, "settings"), "candidates", json_integer(s->candidates));
    if (!root)
        goto out;
    out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (out) {
        /* hand back memory from our allocator, with a trailing newline */
        char *o2 = longsd__asprintf("%s\n", out);
        free(out);
        out = o2;
    }
out:
    json_decref(root);
    json_decref(parts);
    json_decref(ideas);
    json_decref(cast);
    json_decref(notes);
    return out;
}

longsd_status longsd_plan_save(longsd_ctx *ctx, longsd_plan *p, const char *path)
{
    if (ls_plan_disk_changed(p, path)) {
        /* edited by hand since we read or wrote it: merge, do not overwrite */
        longsd_plan *disk = NULL;
        lserr perr;
        char *data = NULL;
        size_t n = 0;
        if (lsfile_read(path, LS_PLAN_MAX_BYTES, &data, &n, &perr) == LONGSD_OK &&
            ls_plan_parse(path, data, n, &disk, &perr) == LONGSD_OK) {
            size_t merged = 0;
            if (ls_plan_merge_edits(p, disk, &merged))
                longsd__log(ctx, LONGSD_LOG_WARN, "%s: out of memory while merging hand edits", path);
            else if (merged)
                longsd__log(ctx, LONGSD_LOG_INFO, "%s: kept hand edits to %zu idea%s made during the run", path,
                            merged, merged == 1 ? "" : "s");
        } else {
            longsd__log(ctx, LONGSD_LOG_WARN, "%s: changed during the run but cannot be read (%s); writing the run's "
                        "plan over it", path, perr.msg);
        }
        longsd_plan_free(disk);
        longsd__free(data);
    }
    char *json = longsd_plan_to_json(p);
    if (!json)
        return lserr_set(&ctx->err, LONGSD_ERR_NOMEM, "out of memory while writing the plan");
    longsd_status rc = lsfile_write_atomic(path, json, strlen(json), &ctx->err);
    longsd__free(json);
    if (!rc)
        ls_plan_note_disk(p, path);
    return rc;
}

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

static json_t *field(json_t *obj, const char *key) { return json_is_object(obj) ? json_object_get(obj, key) : NULL; }

/* The field path ("ideas[3].prompt.seed") is made only for a message: a
 * snprintf per field read was most of the time of loading a large plan. */
static longsd_status bad_key(rd *r, const char *prefix, const char *key, const char *what)
{
    char path[256];
    snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", key);
    return bad(r, path, what);
}

static longsd_status get_str(rd *r, json_t *obj, const char *prefix, const char *key, int required, char **out)
{
    json_t *v = field(obj, key);
    if (!v || json_is_null(v)) {
        if (required)
            return bad_key(r, prefix, key, "missing");
        *out = NULL;
        return LONGSD_OK;
    }
    if (!json_is_string(v))
        return bad_key(r, prefix, key, "expected a string");
    *out = longsd__strndup(json_string_value(v), json_string_length(v));
    return *out ? LONGSD_OK : lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
}

static longsd_status get_int(rd *r, json_t *obj, const char *prefix, const char *key, long long lo, long long hi,
                             int required, long long *out)
{
    json_t *v = field(obj, key);
    if (!v) {
        if (required)
            return bad_key(r, prefix, key, "missing");
        return LONGSD_OK;
    }
    if (!json_is_integer(v))
        return bad_key(r, prefix, key, "expected an integer");
    long long x = json_integer_value(v);
    if (x < lo || x > hi) {
        char what[128];
        snprintf(what, sizeof what, "%lld is out of range [%lld, %lld]", x, lo, hi);
        return bad_key(r, prefix, key, what);
    }
    *out = x;
    return LONGSD_OK;
}

static longsd_status get_num(rd *r, json_t *obj, const char *prefix, const char *key, double lo, double hi,
                             double *out)
{
    json_t *v = field(obj, key);
    if (!v)
        return LONGSD_OK;
    if (!json_is_number(v))
        return bad_key(r, prefix, key, "expected a number");
    double x = json_number_value(v);
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

static longsd_status read_strings(rd *r, json_t *arr, const char *path, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!arr)
        return LONGSD_OK;
    if (!json_is_array(arr))
        return bad(r, path, "expected an array of strings");
    size_t cnt = json_array_size(arr);
    if (!cnt)
        return LONGSD_OK;
    char **v = longsd__calloc(cnt, sizeof *v);
    if (!v)
        return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
    *out = v;
    for (size_t i = 0; i < cnt; i++) {
        json_t *s = json_array_get(arr, i);
        if (!json_is_string(s)) {
            char p[256];
            snprintf(p, sizeof p, "%s[%zu]", path, i);
            return bad(r, p, "expected a string");
        }
        if (!(v[i] = longsd__strndup(json_string_value(s), json_string_length(s))))
            return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
        *n = i + 1;
    }
    return LONGSD_OK;
}

static longsd_status read_part(rd *r, json_t *o, size_t i, ls_plan_part *pp)
{
    char pre[64];
    snprintf(pre, sizeof pre, "parts[%zu]", i);
    if (!json_is_object(o))
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
static longsd_status read_desc_spans(rd *r, json_t *o, const char *pre, size_t bytes, ls_desc_spans *sp)
{
    json_t *a = field(o, "description_from");
    char path[96];
    snprintf(path, sizeof path, "%s.description_from", pre);
    sp->n = 0;
    if (!a)
        return LONGSD_OK;
    if (!json_is_array(a) || json_array_size(a) > LS_DESC_MAX_SPANS)
        return bad(r, path, "expected an array of at most 5 [start, end] byte spans");
    for (size_t k = 0; k < json_array_size(a); k++) {
        json_t *e = json_array_get(a, k);
        json_t *s0 = json_array_get(e, 0), *s1 = json_array_get(e, 1);
        if (!json_is_array(e) || json_array_size(e) != 2 || !json_is_integer(s0) || !json_is_integer(s1) ||
            json_integer_value(s0) < 0 || json_integer_value(s1) <= json_integer_value(s0) ||
            (bytes && (size_t)json_integer_value(s1) > bytes))
            return bad(r, path, "expected [start, end] with 0 <= start < end <= the text's size");
        sp->start[k] = (size_t)json_integer_value(s0);
        sp->end[k] = (size_t)json_integer_value(s1);
    }
    sp->n = json_array_size(a);
    return LONGSD_OK;
}

static longsd_status read_cast_facts(rd *r, json_t *o, const char *pre, ls_character *c)
{
    json_t *nv = field(o, "narrator");
    if (nv && !json_is_boolean(nv)) {
        char path[80];
        snprintf(path, sizeof path, "%s.narrator", pre);
        return bad(r, path, "expected true or false");
    }
    c->narrator = nv && json_is_true(nv);
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

static longsd_status read_character(rd *r, json_t *o, size_t i, ls_character *c)
{
    char pre[64];
    snprintf(pre, sizeof pre, "cast[%zu]", i);
    if (!json_is_object(o))
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

static longsd_status read_idea(rd *r, const longsd_plan *p, json_t *o, size_t i, ls_plan_idea *pi)
{
    char pre[64], sub[96];
    snprintf(pre, sizeof pre, "ideas[%zu]", i);
    if (!json_is_object(o))
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
    json_t *a = field(o, "anchor");
    snprintf(sub, sizeof sub, "%s.anchor", pre);
    if (!json_is_object(a))
        return bad(r, sub, "expected an object");
    TRY(get_int(r, a, sub, "paragraph", 0, LLONG_MAX, 1, &v));
    id->para = (size_t)v;
    TRY(get_int(r, a, sub, "start", 0, LLONG_MAX, 1, &v));
    id->start = (size_t)v;
    TRY(get_int(r, a, sub, "end", (long long)id->start, LLONG_MAX, 1, &v));
    id->end = (size_t)v;
    TRY(get_str(r, a, sub, "quote", 0, &id->quote));

    json_t *pr = field(o, "prompt");
    snprintf(sub, sizeof sub, "%s.prompt", pre);
    if (!json_is_object(pr))
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
    TRY(get_str(r, pr, sub, "style", 0, &pi->style));

    json_t *im = field(o, "image");
    snprintf(sub, sizeof sub, "%s.image", pre);
    if (im) {
        if (!json_is_object(im))
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

static longsd_status read_plan(rd *r, json_t *root, longsd_plan *p)
{
    if (!json_is_object(root))
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
    json_t *src = field(root, "source");
    if (!json_is_object(src))
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

    json_t *st = field(root, "settings");
    if (!json_is_object(st))
        return bad(r, "settings", "expected an object");
    ls_plan_settings *s = &p->settings;
    TRY(get_int(r, st, "settings", "parts", 1, 1000, 1, &v));
    s->n_parts = (int)v;
    json_t *bc = field(st, "by_chapter");
    if (bc && !json_is_boolean(bc))
        return bad(r, "settings.by_chapter", "expected true or false");
    s->by_chapter = bc && json_is_true(bc);
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
    v = 0;
    TRY(get_int(r, st, "settings", "candidates", 0, LS_MAX_CANDIDATES, 0, &v));
    s->candidates = (int)v;

    json_t *keys = field(root, "keys");
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

    json_t *parts = field(root, "parts");
    if (!json_is_array(parts) || json_array_size(parts) == 0)
        return bad(r, "parts", "expected a non-empty array");
    if (!(p->parts = longsd__calloc(json_array_size(parts), sizeof *p->parts)))
        return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < json_array_size(parts); i++) {
        p->n_parts = i + 1;
        TRY(read_part(r, json_array_get(parts, i), i, &p->parts[i]));
    }
    json_t *cast = field(root, "cast");
    if (cast && !json_is_array(cast))
        return bad(r, "cast", "expected an array");
    if (cast && json_array_size(cast)) {
        if (!(p->cast = longsd__calloc(json_array_size(cast), sizeof *p->cast)) ||
            !(p->cast_spans = longsd__calloc(json_array_size(cast), sizeof *p->cast_spans)))
            return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < json_array_size(cast); i++) {
            p->n_cast = i + 1;
            TRY(read_character(r, json_array_get(cast, i), i, &p->cast[i]));
            char pre[64];
            snprintf(pre, sizeof pre, "cast[%zu]", i);
            TRY(read_desc_spans(r, json_array_get(cast, i), pre, p->source_bytes, &p->cast_spans[i]));
        }
    }
    json_t *ideas = field(root, "ideas");
    if (!json_is_array(ideas))
        return bad(r, "ideas", "expected an array");
    if (json_array_size(ideas)) {
        if (!(p->ideas = longsd__calloc(json_array_size(ideas), sizeof *p->ideas)))
            return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
        /* duplicate ids through an open-addressing set of indices (a
         * pairwise check made a 100,000-idea plan take minutes to load) */
        size_t n_ideas = json_array_size(ideas), cap = 16;
        while (cap < 2 * n_ideas)
            cap *= 2;
        size_t *set = longsd__calloc(cap, sizeof *set); /* index + 1; 0 = empty */
        if (!set)
            return lserr_set(r->err, LONGSD_ERR_NOMEM, "out of memory");
        longsd_status drc = LONGSD_OK;
        for (size_t i = 0; i < n_ideas && !drc; i++) {
            p->n_ideas = i + 1;
            if ((drc = read_idea(r, p, json_array_get(ideas, i), i, &p->ideas[i])))
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
    json_t *notes = field(root, "notes");
    TRY(read_strings(r, notes, "notes", &p->notes, &p->n_notes));
    for (size_t i = 0; i < p->n_notes; i++)
        longsd__redact_inplace(p->notes[i], strlen(p->notes[i]) + 1);
    return LONGSD_OK;
}

longsd_status ls_plan_parse(const char *name, const char *data, size_t n, longsd_plan **out, lserr *err)
{
    *out = NULL;
    json_error_t je;
    json_t *root = json_loadb(data, n, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return lserr_set(err, LONGSD_ERR_PLAN,
                         "%s: not valid JSON at line %d, column %d (byte %d): %s (fix or delete the plan; "
                         "`longsd run --force` rebuilds it)",
                         name, je.line, je.column, je.position, je.text);
    longsd_plan *p = ls_plan_new();
    if (!p) {
        json_decref(root);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    rd r = {.file = name, .err = err};
    longsd_status rc = read_plan(&r, root, p);
    json_decref(root);
    if (rc) {
        longsd_plan_free(p);
        return rc;
    }
    *out = p;
    return LONGSD_OK;
}

longsd_status longsd_plan_load_memory(longsd_ctx *ctx, const char *name, const void *data, size_t n,
                                      longsd_plan **out)
{
    lserr_clear(&ctx->err);
    return ls_plan_parse(name, data, n, out, &ctx->err);
}

longsd_status longsd_plan_load(longsd_ctx *ctx, const char *path, longsd_plan **out)
{
    char *data = NULL;
    size_t n = 0;
    *out = NULL;
    lserr_clear(&ctx->err);
    longsd_status rc = lsfile_read(path, LS_PLAN_MAX_BYTES, &data, &n, &ctx->err);
    if (rc)
        return rc;
    rc = ls_plan_parse(path, data, n, out, &ctx->err);
    longsd__free(data);
    if (!rc)
        ls_plan_note_disk(*out, path);
    lstmp_sweep_beside(path); /* temp files of a run that was killed while saving */
    return rc;
}
