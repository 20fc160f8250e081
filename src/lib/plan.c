/* plan.c - the plan as data: create, free, accessors, load and save. Its
 * JSON form is read in plan_read.c and written in plan_write.c. */
#include "plan.h"

#include <stdarg.h>
#include <limits.h>
#include <string.h>

#include "ctx.h"
#include "noise.h"
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
    longsd__free(pi->rng);
    longsd__free(pi->init_image);
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

void ls_plan_drop_deleted(longsd_plan *p)
{
    size_t o = 0;
    for (size_t i = 0; i < p->n_ideas; i++) {
        if (p->ideas[i].deleted)
            plan_idea_clear(&p->ideas[i]);
        else
            p->ideas[o++] = p->ideas[i];
    }
    p->n_ideas = o;
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
    longsd__free(p->settings.rng);
    longsd__free(p->disk_path);
    longsd__free(p->cast_synced);
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
        .rng = ls_rng_is_native(pi->rng) ? "native" : pi->rng,
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
            ls_plan_merged m = {0};
            if (ls_plan_merge_edits(p, disk, &m))
                longsd__log(ctx, LONGSD_LOG_WARN, "%s: out of memory while merging hand edits", path);
            else if (m.ideas || m.deleted || m.descriptions)
                longsd__log(ctx, LONGSD_LOG_INFO,
                            "%s: kept hand edits made during the run: %zu idea%s edited, %zu deleted, %zu cast "
                            "description%s",
                            path, m.ideas, m.ideas == 1 ? "" : "s", m.deleted, m.descriptions,
                            m.descriptions == 1 ? "" : "s");
            if (!p->rendering)
                ls_plan_drop_deleted(p);
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
