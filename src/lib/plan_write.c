/* plan_write.c - a longsd_plan as its JSON file (schema "longsd.plan"
 * version 1, docs/plan.md), written in one pass with jwrite.c. The layout
 * is that of the jansson dump the plan was first written with (member order
 * included), byte for byte, so plans on disk do not change when rewritten
 * (tests/unit/test_plan_write.c compares both). */
#include <string.h>

#include "jwrite.h"
#include "noise.h"
#include "plan.h"

static const char *nz(const char *s) { return s ? s : ""; }

/* What the book says of a character besides its names: written only when
 * known, so plans of third-person books without roles read as before. */
static void write_character(jwriter *w, const longsd_plan *p, size_t i)
{
    const ls_character *c = &p->cast[i];
    jw_open_object(w, NULL);
    jw_string(w, "name", nz(c->name));
    jw_string(w, "full_name", c->full_name ? c->full_name : nz(c->name));
    jw_open_array(w, "aliases");
    for (size_t k = 0; k < c->n_aliases; k++)
        jw_string(w, NULL, c->aliases[k]);
    jw_close(w);
    jw_int(w, "mentions", (long long)c->mentions);
    jw_string(w, "description", nz(c->description));
    if (c->narrator)
        jw_bool(w, "narrator", 1);
    if (c->role && c->role[0])
        jw_string(w, "role", c->role);
    if (c->gender)
        jw_string(w, "gender", c->gender == LS_GENDER_MALE ? "male" : "female");
    if (c->age)
        jw_int(w, "age", c->age);
    if (p->cast_spans && p->cast_spans[i].n) {
        const ls_desc_spans *sp = &p->cast_spans[i];
        jw_open_array(w, "description_from");
        for (size_t k = 0; k < sp->n; k++) {
            jw_open_array(w, NULL);
            jw_int(w, NULL, (long long)sp->start[k]);
            jw_int(w, NULL, (long long)sp->end[k]);
            jw_close(w);
        }
        jw_close(w);
    }
    jw_close(w);
}

/* index: the idea's 1-based position within its part, counted by the
 * caller in one pass (counting here made a save quadratic). */
static void write_idea(jwriter *w, const longsd_plan *p, size_t i, long long index)
{
    static const char *states[] = {"pending", "done", "failed"};
    const ls_plan_idea *pi = &p->ideas[i];
    const ls_idea *id = &pi->idea;
    jw_open_object(w, NULL);
    jw_string(w, "id", id->id);
    jw_string(w, "part", id->part < p->n_parts ? p->parts[id->part].id : NULL);
    jw_int(w, "index", index);
    jw_string(w, "title", nz(id->title));
    jw_string(w, "scene", nz(id->scene));
    jw_open_array(w, "characters");
    for (size_t k = 0; k < id->n_characters; k++)
        jw_string(w, NULL, id->characters[k]);
    jw_close(w);
    jw_open_object(w, "anchor");
    jw_int(w, "paragraph", (long long)id->para);
    jw_int(w, "start", (long long)id->start);
    jw_int(w, "end", (long long)id->end);
    jw_string(w, "quote", nz(id->quote));
    jw_close(w);
    jw_open_object(w, "prompt");
    jw_string(w, "positive", nz(pi->prompt));
    jw_string(w, "negative", nz(pi->negative));
    jw_int(w, "tokens", pi->tokens);
    jw_int(w, "seed", (long long)pi->seed);
    jw_int(w, "width", pi->width);
    jw_int(w, "height", pi->height);
    jw_int(w, "steps", pi->steps);
    jw_real(w, "cfg_scale", (double)pi->cfg_scale);
    jw_string(w, "sampler", nz(pi->sampler));
    jw_string(w, "style", nz(pi->style));
    if (!ls_rng_is_native(pi->rng)) /* the noise source, when not the default (issue 12) */
        jw_string(w, "rng", pi->rng);
    if (pi->init_image) { /* img2img (issue 12), only when set: other plans write as before */
        jw_string(w, "init_image", pi->init_image);
        jw_real_short(w, "strength", pi->strength);
    }
    if (pi->lexica && pi->lexica[0]) /* the lexica modifiers chosen for this scene (issue 11) */
        jw_string(w, "lexica", pi->lexica);
    jw_close(w);
    jw_open_object(w, "image");
    jw_string(w, "state", states[pi->image_state >= 0 && pi->image_state <= 2 ? pi->image_state : 0]);
    if (pi->image_file)
        jw_string(w, "file", pi->image_file);
    if (pi->image_error)
        jw_string(w, "error", pi->image_error);
    jw_close(w);
    ls_cands_write(w, pi); /* candidates.c; nothing for one picture */
    jw_close(w);
}

char *longsd_plan_to_json(const longsd_plan *p)
{
    long long *per_part = longsd__calloc(p->n_parts ? p->n_parts : 1, sizeof *per_part);
    if (!per_part)
        return NULL;
    jwriter w;
    jw_init(&w, LS_PLAN_MAX_BYTES);
    const ls_plan_settings *s = &p->settings;
    jw_open_object(&w, NULL);
    jw_string(&w, "schema", LS_PLAN_SCHEMA);
    jw_int(&w, "version", LS_PLAN_VERSION);
    jw_string(&w, "generator", "longsd " LONGSD_VERSION);
    jw_string(&w, "name", nz(p->name));
    jw_string(&w, "title", nz(p->title));
    jw_string(&w, "author", nz(p->author));
    jw_string(&w, "language", longsd_plan_language(p));
    if (p->is_play)
        jw_bool(&w, "play", 1);
    jw_open_object(&w, "source");
    jw_string(&w, "path", nz(p->source));
    jw_int(&w, "bytes", (long long)p->source_bytes);
    jw_string(&w, "sha256", p->sha256);
    jw_close(&w);
    jw_open_object(&w, "settings");
    jw_int(&w, "parts", s->n_parts);
    jw_bool(&w, "by_chapter", s->by_chapter);
    jw_int(&w, "ideas_per_part", s->ideas_per_part);
    jw_string(&w, "style", nz(s->style));
    jw_int(&w, "width", s->width);
    jw_int(&w, "height", s->height);
    jw_int(&w, "steps", s->steps);
    jw_real(&w, "cfg_scale", (double)s->cfg_scale);
    jw_string(&w, "sampler", nz(s->sampler));
    if (!ls_rng_is_native(s->rng))
        jw_string(&w, "rng", s->rng);
    if (s->candidates > 0) /* the last --candidates N */
        jw_int(&w, "candidates", s->candidates);
    if (s->vae_tile > 0) /* --vae-tiling / --vae-tile of the last render, only when given */
        jw_int(&w, "vae_tile", s->vae_tile);
    jw_close(&w);
    jw_open_object(&w, "keys");
    jw_string(&w, "ideas", p->ideas_key);
    jw_string(&w, "prompts", p->prompts_key);
    jw_close(&w);
    jw_open_array(&w, "parts");
    for (size_t i = 0; i < p->n_parts; i++) {
        const ls_plan_part *pp = &p->parts[i];
        jw_open_object(&w, NULL);
        jw_string(&w, "id", pp->id);
        jw_string(&w, "label", nz(pp->label));
        jw_int(&w, "start", (long long)pp->start);
        jw_int(&w, "end", (long long)pp->end);
        jw_int(&w, "first_paragraph", (long long)pp->first_para);
        jw_int(&w, "paragraphs", (long long)pp->n_paras);
        jw_int(&w, "words", (long long)pp->n_words);
        jw_int(&w, "ideas_wanted", (long long)pp->n_wanted);
        jw_close(&w);
    }
    jw_close(&w);
    jw_open_array(&w, "cast");
    for (size_t i = 0; i < p->n_cast; i++)
        write_character(&w, p, i);
    jw_close(&w);
    jw_open_array(&w, "ideas");
    for (size_t i = 0; i < p->n_ideas; i++) {
        if (p->ideas[i].deleted) /* deleted by hand during a render (plan_merge.c) */
            continue;
        size_t part = p->ideas[i].idea.part;
        write_idea(&w, p, i, part < p->n_parts ? ++per_part[part] : 0);
    }
    jw_close(&w);
    jw_open_array(&w, "notes");
    for (size_t i = 0; i < p->n_notes; i++)
        jw_string(&w, NULL, p->notes[i]);
    jw_close(&w);
    jw_close(&w);
    longsd__free(per_part);
    longsd_status rc;
    return jw_finish(&w, NULL, &rc);
}
