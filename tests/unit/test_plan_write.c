/* test_plan_write.c - the streaming plan writer (plan_write.c, jwrite.c)
 * against the jansson dump it replaced, kept here as the reference: both
 * write the same plans and must agree byte for byte (plans from real texts,
 * the fixture, and every escape and number form a plan can hold). */
#include <jansson.h>
#include <math.h>

#include "jwrite.h"
#include "plan.h"
#include "t.h"

static const char *nz(const char *s) { return s ? s : ""; }

/* ---- the reference: the jansson writer as it stood before jwrite.c */

static json_t *ref_jstr(const char *s) { return json_string(s ? s : ""); }

/* What the book says of a character besides its names: written only when
 * known, so plans of third-person books without roles read as before. */
static json_t *ref_spans_to_json(const ls_desc_spans *sp)
{
    json_t *a = json_array();
    for (size_t k = 0; a && k < sp->n; k++)
        json_array_append_new(a, json_pack("[I, I]", (json_int_t)sp->start[k], (json_int_t)sp->end[k]));
    return a;
}

static void ref_cast_facts_to_json(json_t *co, const ls_character *c)
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

/* candidates.c's jansson writer as it stood before jwrite.c */
static json_t *ref_image_json(int state, const char *file, const char *error)
{
    const char *states[] = {"pending", "done", "failed"};
    json_t *im = json_pack("{s:s}", "state", states[state]);
    if (im && file)
        json_object_set_new(im, "file", json_string(file));
    if (im && error)
        json_object_set_new(im, "error", json_string(error));
    return im;
}

static json_t *ref_cands_to_json(const ls_plan_idea *pi)
{
    if (pi->n_cands <= 1 && pi->draws <= 1)
        return NULL;
    json_t *list = json_array();
    for (size_t k = 0; list && k < pi->n_cands; k++) {
        const ls_plan_cand *c = &pi->cands[k];
        int own = k == pi->chosen;
        json_array_append_new(list, json_pack("{s:I, s:I, s:o}", "draw", (json_int_t)c->draw, "seed",
                                              (json_int_t)(own ? pi->seed : c->seed), "image",
                                              own ? ref_image_json(pi->image_state, pi->image_file, pi->image_error)
                                                  : ref_image_json(c->image_state, c->image_file, c->image_error)));
    }
    return json_pack("{s:I, s:I, s:I, s:o}", "chosen", (json_int_t)pi->chosen, "draws", (json_int_t)pi->draws,
                     "base_seed", (json_int_t)pi->base_seed, "list", list);
}

/* index: the idea's 1-based position within its part, counted by the
 * caller in one pass (counting here made a save quadratic). */
static json_t *ref_idea_to_json(const longsd_plan *p, size_t i, json_int_t index)
{
    const ls_plan_idea *pi = &p->ideas[i];
    const ls_idea *id = &pi->idea;
    json_t *chars = json_array();
    for (size_t k = 0; k < id->n_characters; k++)
        json_array_append_new(chars, ref_jstr(id->characters[k]));
    const char *states[] = {"pending", "done", "failed"};
    json_t *image = json_pack("{s:s}", "state", states[pi->image_state]);
    if (pi->image_file)
        json_object_set_new(image, "file", ref_jstr(pi->image_file));
    if (pi->image_error)
        json_object_set_new(image, "error", ref_jstr(pi->image_error));
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
        json_object_set_new(json_object_get(o, "prompt"), "lexica", ref_jstr(pi->lexica));
    json_t *cands = ref_cands_to_json(pi); /* NULL for one picture */
    if (o && cands)
        json_object_set_new(o, "candidates", cands);
    return o;
}

static char *ref_plan_to_json(const longsd_plan *p)
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
            json_array_append_new(al, ref_jstr(c->aliases[k]));
        json_t *co = json_pack("{s:s, s:s, s:o, s:I, s:s}", "name", nz(c->name), "full_name",
                               c->full_name ? c->full_name : nz(c->name), "aliases", al, "mentions",
                               (json_int_t)c->mentions, "description", nz(c->description));
        ref_cast_facts_to_json(co, c);
        if (co && p->cast_spans && p->cast_spans[i].n)
            json_object_set_new(co, "description_from", ref_spans_to_json(&p->cast_spans[i]));
        json_array_append_new(cast, co);
    }
    json_int_t *per_part = longsd__calloc(p->n_parts ? p->n_parts : 1, sizeof *per_part);
    if (!per_part)
        goto out;
    for (size_t i = 0; i < p->n_ideas; i++)
        json_array_append_new(ideas, ref_idea_to_json(p, i, ++per_part[p->ideas[i].idea.part]));
    longsd__free(per_part);
    for (size_t i = 0; i < p->n_notes; i++)
        json_array_append_new(notes, ref_jstr(p->notes[i]));
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


/* ---- cases */

static void same_as_reference(const longsd_plan *p, const char *what)
{
    char *a = ref_plan_to_json(p), *b = longsd_plan_to_json(p);
    REQUIRE(a && b);
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    if (a[i] != b[i])
        fprintf(stderr, "  %s: differs at byte %zu: ref \"%.40s\" new \"%.40s\"\n", what, i, a + i, b + i);
    CHECK(a[i] == b[i]);
    CHECK(strlen(a) > 200);
    longsd__free(a);
    longsd__free(b);
}

static longsd_plan *load_min(void)
{
    size_t n;
    char *js = t_slurp("tests/data/plan-min.json", &n);
    REQUIRE(js);
    lserr err;
    longsd_plan *p = NULL;
    REQUIRE(ls_plan_parse("plan-min.json", js, n, &p, &err) == LONGSD_OK);
    free(js);
    return p;
}

TEST(fixture_plan_same_bytes)
{
    longsd_plan *p = load_min();
    same_as_reference(p, "plan-min.json");
    longsd_plan_free(p);
}

TEST(plans_of_real_texts_same_bytes)
{
    const char *texts[] = {"tests/corpus/en-twain1-ch2-fence.txt", "tests/corpus/de-grimm-fischer.txt",
                           "tests/corpus/fr-chemie2.txt", "tests/corpus/en-twain3.txt"};
    int with_cast_facts = 0, with_spans = 0, with_lexica = 0;
    for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
        size_t n;
        char *text = t_slurp(texts[t], &n);
        REQUIRE(text);
        longsd_ctx *ctx = longsd_ctx_new();
        longsd_story *s = NULL;
        REQUIRE(longsd_story_load_memory(ctx, texts[t], text, n, NULL, &s) == LONGSD_OK);
        longsd_plan *plan = NULL;
        longsd_plan_params pp = longsd_plan_default_params();
        pp.by_chapter = t == 3;
        REQUIRE(longsd_plan_update(ctx, &plan, "book", texts[t], s, &pp, NULL) == LONGSD_OK);
        for (size_t i = 0; i < plan->n_cast; i++) {
            with_cast_facts += plan->cast[i].gender || plan->cast[i].age || plan->cast[i].narrator;
            with_spans += plan->cast_spans && plan->cast_spans[i].n;
        }
        for (size_t i = 0; i < plan->n_ideas; i++)
            with_lexica += plan->ideas[i].lexica && plan->ideas[i].lexica[0];
        REQUIRE(longsd_plan_set_image(plan, 0, LONGSD_IMAGE_FAILED, NULL, "HTTP 500: \"busy\"\n\ttry later") == LONGSD_OK);
        same_as_reference(plan, texts[t]);
        longsd_plan_free(plan);
        longsd_story_free(s);
        longsd_ctx_free(ctx);
        free(text);
    }
    /* the optional members were written at least once */
    CHECK(with_cast_facts > 0);
    CHECK(with_spans > 0);
    CHECK(with_lexica > 0);
}

TEST(candidates_same_bytes)
{
    longsd_ctx *ctx = longsd_ctx_new();
    REQUIRE(ctx);
    longsd_plan *p = load_min();
    REQUIRE(p->n_ideas >= 1);
    p->settings.candidates = 3;
    REQUIRE(longsd_plan_set_candidates(ctx, p, 0, 3) == LONGSD_OK);
    REQUIRE(ls_cands_set_image(&p->ideas[0], 2, LONGSD_IMAGE_DONE, "images/x/a-c2.png", NULL) == 0);
    REQUIRE(ls_cands_set_image(&p->ideas[0], 1, LONGSD_IMAGE_FAILED, NULL, "HTTP 500: \"busy\"") == 0);
    REQUIRE(longsd_plan_choose(ctx, p, 0, 2) == LONGSD_OK);
    char *js = longsd_plan_to_json(p);
    REQUIRE(js);
    CHECK(strstr(js, "\"candidates\": {") != NULL);
    CHECK(strstr(js, "\"candidates\": 3") != NULL);
    same_as_reference(p, "candidates");
    /* and it reads back to the same bytes */
    lserr err;
    longsd_plan *q = NULL;
    REQUIRE(ls_plan_parse("c.json", js, strlen(js), &q, &err) == LONGSD_OK);
    char *js2 = longsd_plan_to_json(q);
    REQUIRE(js2);
    CHECK_STR(js2, js);
    CHECK_INT(q->ideas[0].n_cands, 3);
    CHECK_INT(q->ideas[0].chosen, 2);
    CHECK_INT(q->settings.candidates, 3);
    longsd__free(js2);
    longsd__free(js);
    longsd_plan_free(q);
    longsd_plan_free(p);
    longsd_ctx_free(ctx);
}

static void set(char **dst, const char *s)
{
    longsd__free(*dst);
    *dst = longsd__strdup(s);
    REQUIRE(*dst);
}

TEST(every_escape_and_number_same_bytes)
{
    longsd_plan *p = load_min();
    char ctl[40], *o = ctl;
    for (int c = 1; c < 32; c++)
        *o++ = (char)c;
    *o = '\0';
    set(&p->title, ctl);
    set(&p->author, "quote \" backslash \\ slash / del \x7f end\\");
    set(&p->ideas[0].idea.scene, "\xF0\x9F\x8C\x8A \xE2\x9C\x93 \xC3\xBC \"\\\"\\\\\"");
    set(&p->ideas[0].prompt, "");
    set(&p->ideas[0].lexica, "by artgerm; 8k");
    set(&p->ideas[1].image_error, "\r\n\b\f\t\x1b[2J");
    set(&p->cast[0].role, "the professor");
    p->cast[0].gender = LS_GENDER_FEMALE;
    p->cast[0].age = LS_AGE_OLD;
    p->cast[0].narrator = 1;
    if (!p->cast_spans) /* the reader makes one per character */
        REQUIRE((p->cast_spans = longsd__calloc(1, sizeof *p->cast_spans)));
    p->cast_spans[0].n = 2;
    p->cast_spans[0].start[0] = 0;
    p->cast_spans[0].end[0] = 5;
    p->cast_spans[0].start[1] = 1000000000000LL;
    p->cast_spans[0].end[1] = 1000000000001LL;
    p->ideas[0].seed = 4294967295u;
    p->parts[0].end = (size_t)1 << 50;
    const float cfgs[] = {7.0f, 7.3f, 0.1f, 100.0f, 1e-7f, 0.0f, 12.25f, 3.3333333f};
    for (size_t k = 0; k < sizeof cfgs / sizeof *cfgs; k++) {
        p->ideas[0].cfg_scale = cfgs[k];
        p->settings.cfg_scale = -cfgs[k];
        char what[40];
        snprintf(what, sizeof what, "cfg_scale %g", (double)cfgs[k]);
        same_as_reference(p, what);
    }
    /* empty lists and no optional members */
    ls_cast_free(p->cast, p->n_cast);
    p->cast = NULL;
    p->n_cast = 0;
    for (size_t i = 0; i < p->n_notes; i++)
        longsd__free(p->notes[i]);
    p->n_notes = 0;
    same_as_reference(p, "no cast, no notes");
    longsd_plan_free(p);
}

TEST(invalid_utf8_written_as_replacement_and_reads_back)
{
    /* jansson refused to write such a plan at all (the save failed as "out
     * of memory"); the writer replaces the byte, so the plan stays valid */
    longsd_plan *p = load_min();
    set(&p->title, "ab\xff" "c\xC3");
    char *js = longsd_plan_to_json(p);
    REQUIRE(js);
    CHECK_CONTAINS(js, "\"title\": \"ab\xEF\xBF\xBD" "c\xEF\xBF\xBD\"");
    lserr err;
    longsd_plan *q = NULL;
    CHECK(ls_plan_parse("w.json", js, strlen(js), &q, &err) == LONGSD_OK);
    longsd_plan_free(q);
    longsd__free(js);
    longsd_plan_free(p);
}

TEST(writer_refuses_what_it_cannot_write)
{
    jwriter w;
    longsd_status rc;
    jw_init(&w, 0);
    jw_open_object(&w, NULL);
    CHECK(jw_finish(&w, NULL, &rc) == NULL); /* unbalanced */
    CHECK_INT(rc, LONGSD_ERR_PARAM);
    jw_open_array(&w, NULL);
    jw_real(&w, NULL, NAN);
    jw_close(&w);
    CHECK(jw_finish(&w, NULL, &rc) == NULL);
    CHECK_INT(rc, LONGSD_ERR_PARAM);
    jw_init(&w, 10); /* cap: the text may not outgrow it */
    jw_open_array(&w, NULL);
    jw_string(&w, NULL, "0123456789");
    jw_close(&w);
    CHECK(jw_finish(&w, NULL, &rc) == NULL);
    CHECK_INT(rc, LONGSD_ERR_TOO_BIG);
    jw_init(&w, 0);
    jw_open_array(&w, NULL);
    jw_int(&w, NULL, -9223372036854775807LL - 1);
    jw_close(&w);
    size_t n = 0;
    char *s = jw_finish(&w, &n, &rc);
    CHECK_STR(s, "[\n  -9223372036854775808\n]\n");
    CHECK_INT(n, 27);
    longsd__free(s);
}

TEST(alloc_failures_never_crash)
{
    longsd_plan *p = load_min();
    int ok = 0;
    for (long k = 0; k < 200 && !ok; k++) {
        longsd__alloc_fail_after = k;
        char *js = longsd_plan_to_json(p);
        longsd__alloc_fail_after = -1;
        ok = js != NULL;
        longsd__free(js);
    }
    CHECK(ok);
    longsd_plan_free(p);
}

RUN_TESTS(fixture_plan_same_bytes, plans_of_real_texts_same_bytes, candidates_same_bytes, every_escape_and_number_same_bytes,
          invalid_utf8_written_as_replacement_and_reads_back, writer_refuses_what_it_cannot_write,
          alloc_failures_never_crash)
