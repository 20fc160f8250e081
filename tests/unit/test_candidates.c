/* test_candidates.c - candidate pictures per idea (candidates.c) and the
 * edits of plan_edit.c, on tests/data/plan-min.json: seeds derived and
 * recorded, the chosen one in the idea's own fields (what the documents
 * read), a JSON round trip, hand edits ("candidates": 3, a changed seed),
 * malformed candidate lists refused by field, re-rolls that keep the chosen
 * one, and edits that send exactly the right ideas back to pending. */
#include <jansson.h>

#include "plan.h"
#include "seed.h"
#include "t.h"

static longsd_plan *load_min(longsd_ctx *ctx)
{
    longsd_plan *p = NULL;
    size_t n = 0;
    char *js = t_slurp("tests/data/plan-min.json", &n);
    REQUIRE(js);
    REQUIRE(longsd_plan_load_memory(ctx, "plan-min.json", js, n, &p) == LONGSD_OK);
    free(js);
    return p;
}

/* plan-min.json with `from` replaced by `to` */
static longsd_status load_edited(longsd_ctx *ctx, const char *from, const char *to, longsd_plan **out)
{
    char *js = t_slurp("tests/data/plan-min.json", NULL);
    REQUIRE(js);
    char *at = strstr(js, from);
    REQUIRE(at);
    size_t nl = strlen(js) - strlen(from) + strlen(to);
    char *e = malloc(nl + 1);
    REQUIRE(e);
    snprintf(e, nl + 1, "%.*s%s%s", (int)(at - js), js, to, at + strlen(from));
    longsd_status rc = longsd_plan_load_memory(ctx, "edited.json", e, strlen(e), out);
    free(js);
    free(e);
    return rc;
}

static longsd_plan *roundtrip(longsd_ctx *ctx, longsd_plan *p)
{
    char *js = longsd_plan_to_json(p);
    REQUIRE(js);
    longsd_plan *q = NULL;
    REQUIRE(longsd_plan_load_memory(ctx, "rt.json", js, strlen(js), &q) == LONGSD_OK);
    longsd_free(js);
    return q;
}

TEST(seeds_derive_stably)
{
    CHECK_INT(longsd_candidate_seed(12345, 0), 12345);
    uint32_t a = longsd_candidate_seed(12345, 1), b = longsd_candidate_seed(12345, 2);
    CHECK(a != 12345 && b != 12345 && a != b);
    CHECK_INT(longsd_candidate_seed(12345, 1), a);             /* the same on every call */
    CHECK(longsd_candidate_seed(12346, 1) != a);                /* another base, another seed */
    CHECK(a < 0xFFFFFFFFu && b < 0xFFFFFFFFu);                  /* every backend accepts it */
    CHECK_INT(longsd_candidate_seed(4000000000u, 1), 3005164251u); /* pinned: plans record these */
}

TEST(one_candidate_until_asked)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *p = load_min(ctx);
    CHECK_INT(longsd_plan_n_candidates(p, 0), 1);
    CHECK_INT(longsd_plan_n_candidates(p, 9), 0);
    char *js = longsd_plan_to_json(p);
    CHECK(js && !strstr(js, "\"candidates\"")); /* plans of one picture read as before */
    longsd_free(js);
    longsd_candidate_info c;
    REQUIRE(longsd_plan_candidate(p, 0, 0, &c) == LONGSD_OK);
    CHECK_INT(c.seed, 4000000000u);
    CHECK_INT(c.chosen, 1);
    CHECK_STR(c.image_file, "images/fence/beginning-01-tom.png");
    CHECK(longsd_plan_candidate(p, 0, 1, &c) == LONGSD_ERR_NOT_FOUND);
    longsd_plan_free(p);
    longsd_ctx_free(ctx);
}

TEST(choose_moves_the_idea_to_that_candidate_and_survives_json)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *p = load_min(ctx);
    REQUIRE(longsd_plan_set_candidates(ctx, p, 0, 3) == LONGSD_OK);
    CHECK_INT(longsd_plan_n_candidates(p, 0), 3);
    longsd_candidate_info c0, c2;
    longsd_plan_candidate(p, 0, 0, &c0);
    longsd_plan_candidate(p, 0, 2, &c2);
    CHECK_INT(c0.seed, 4000000000u);
    CHECK_INT(c2.seed, longsd_candidate_seed(4000000000u, 2));
    CHECK_INT(c2.image_state, LONGSD_IMAGE_PENDING);
    CHECK_STR(c0.image_file, "images/fence/beginning-01-tom.png");
    /* a picture for candidate 3, then choose it */
    REQUIRE(ls_cands_set_image(&p->ideas[0], 2, LONGSD_IMAGE_DONE, "images/fence/beginning-01-tom-c2.png", NULL) == 0);
    REQUIRE(longsd_plan_choose(ctx, p, 0, 2) == LONGSD_OK);
    longsd_idea_info ii;
    longsd_plan_idea(p, 0, &ii);
    CHECK_INT(ii.seed, c2.seed);
    CHECK_STR(ii.image_file, "images/fence/beginning-01-tom-c2.png"); /* what the documents embed */
    CHECK_INT(longsd_plan_chosen(p, 0), 2);
    longsd_plan *q = roundtrip(ctx, p);
    longsd_plan_idea(q, 0, &ii);
    CHECK_INT(longsd_plan_chosen(q, 0), 2);
    CHECK_INT(ii.seed, c2.seed);
    CHECK_STR(ii.image_file, "images/fence/beginning-01-tom-c2.png");
    longsd_candidate_info back;
    longsd_plan_candidate(q, 0, 0, &back); /* the first keeps its picture */
    CHECK_STR(back.image_file, "images/fence/beginning-01-tom.png");
    CHECK_INT(back.image_state, LONGSD_IMAGE_DONE);
    CHECK_INT(back.chosen, 0);
    /* out of range: refused, named, nothing changed */
    CHECK(longsd_plan_choose(ctx, q, 0, 3) == LONGSD_ERR_NOT_FOUND);
    CHECK_CONTAINS(longsd_errmsg(ctx), "beginning-01 has 3 candidates; there is no candidate 4");
    CHECK_INT(longsd_plan_chosen(q, 0), 2);
    longsd_plan_free(q);
    longsd_plan_free(p);
    longsd_ctx_free(ctx);
}

TEST(shrinking_never_drops_the_chosen_one)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *p = load_min(ctx);
    REQUIRE(longsd_plan_set_candidates(ctx, p, 0, 4) == LONGSD_OK);
    REQUIRE(longsd_plan_choose(ctx, p, 0, 3) == LONGSD_OK);
    uint32_t seed = p->ideas[0].seed;
    REQUIRE(longsd_plan_set_candidates(ctx, p, 0, 2) == LONGSD_OK);
    CHECK_INT(longsd_plan_n_candidates(p, 0), 2);
    longsd_idea_info ii;
    longsd_plan_idea(p, 0, &ii);
    CHECK_INT(ii.seed, seed);
    longsd_candidate_info c;
    longsd_plan_candidate(p, 0, longsd_plan_chosen(p, 0), &c);
    CHECK_INT(c.seed, seed);
    CHECK(longsd_plan_set_candidates(ctx, p, 0, 17) == LONGSD_ERR_PARAM);
    CHECK(longsd_plan_set_candidates(ctx, p, 0, 0) == LONGSD_ERR_PARAM);
    longsd_plan_free(p);
    longsd_ctx_free(ctx);
}

TEST(reroll_keeps_the_chosen_and_draws_new_seeds)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *p = load_min(ctx);
    REQUIRE(longsd_plan_set_candidates(ctx, p, 0, 3) == LONGSD_OK);
    REQUIRE(longsd_plan_choose(ctx, p, 0, 1) == LONGSD_OK);
    uint32_t chosen = p->ideas[0].seed, s0 = p->ideas[0].cands[0].seed, s2 = p->ideas[0].cands[2].seed;
    REQUIRE(longsd_plan_reroll(ctx, p, 0) == LONGSD_OK);
    CHECK_INT(p->ideas[0].seed, chosen);
    CHECK_INT(longsd_plan_chosen(p, 0), 1);
    CHECK(p->ideas[0].cands[0].seed != s0 && p->ideas[0].cands[2].seed != s2);
    CHECK_INT(p->ideas[0].cands[0].draw, 3);
    CHECK_INT(p->ideas[0].cands[2].draw, 4);
    CHECK_INT(p->ideas[0].cands[0].seed, longsd_candidate_seed(4000000000u, 3));
    CHECK_INT(p->ideas[0].draws, 5);
    CHECK_INT(p->ideas[0].cands[0].image_state, LONGSD_IMAGE_PENDING);
    /* one candidate: it is itself replaced */
    REQUIRE(longsd_plan_reroll(ctx, p, 1) == LONGSD_OK);
    CHECK_INT(p->ideas[1].seed, longsd_candidate_seed(7, 1));
    CHECK_INT(p->ideas[1].image_state, LONGSD_IMAGE_PENDING);
    CHECK(p->ideas[1].image_error == NULL);
    longsd_plan_free(p);
    longsd_ctx_free(ctx);
}

TEST(hand_edits)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *p = NULL;
    /* "candidates": N asks for N draws */
    REQUIRE(load_edited(ctx, "\"image\": {\"state\": \"done\"", "\"candidates\": 3, \"image\": {\"state\": \"done\"",
                        &p) == LONGSD_OK);
    CHECK_INT(longsd_plan_n_candidates(p, 0), 3);
    CHECK_INT(p->ideas[0].cands[1].seed, longsd_candidate_seed(4000000000u, 1));
    longsd_plan_free(p);
    longsd_ctx_free(ctx);
}

TEST(malformed_candidates_named)
{
    static const struct {
        const char *to, *want;
    } rows[] = {
        {"\"candidates\": 0, ", "ideas[0].candidates: expected 1 to 16"},
        {"\"candidates\": 17, ", "ideas[0].candidates: expected 1 to 16"},
        {"\"candidates\": \"x\", ", "ideas[0].candidates: expected a number of candidates"},
        {"\"candidates\": {\"chosen\": 1, \"draws\": 1, \"base_seed\": 5, \"list\": [{\"draw\": 0, \"seed\": 5, "
         "\"image\": {\"state\": \"pending\"}}]}, ",
         "ideas[0].candidates.chosen: names no candidate"},
        {"\"candidates\": {\"chosen\": 0, \"draws\": 2, \"base_seed\": 5, \"list\": [{\"draw\": 1, \"seed\": 5, "
         "\"image\": {\"state\": \"pending\"}}, {\"draw\": 1, \"seed\": 6, \"image\": {\"state\": \"pending\"}}]}, ",
         "ideas[0].candidates.list[1].draw: the same draw twice"},
        {"\"candidates\": {\"chosen\": 0, \"draws\": 2, \"base_seed\": 5, \"list\": [{\"draw\": 2, \"seed\": 5, "
         "\"image\": {\"state\": \"pending\"}}]}, ",
         "ideas[0].candidates.list[0]: expected {\"draw\" below draws"},
        {"\"candidates\": {\"chosen\": 0, \"draws\": 2, \"base_seed\": 5, \"list\": [{\"draw\": 0, \"seed\": 5, "
         "\"image\": {\"state\": \"done\"}}, {\"draw\": 1, \"seed\": 6, \"image\": {\"state\": \"done\", \"file\": "
         "\"../../etc/passwd\"}}]}, ",
         "ideas[0].candidates.list[1].image.file: must be a relative path inside the workspace"},
        {"\"candidates\": {\"chosen\": 0, \"draws\": 2, \"base_seed\": 5, \"list\": [{\"draw\": 0, \"seed\": 5, "
         "\"image\": {\"state\": \"drawn\"}}]}, ",
         "ideas[0].candidates.list[0].image.state: expected \"pending\", \"done\" or \"failed\""},
        {"\"candidates\": {\"chosen\": 0, \"draws\": 1, \"base_seed\": 5, \"list\": []}, ",
         "ideas[0].candidates.list: expected 1 to 16 candidates"},
    };
    longsd_ctx *ctx = longsd_ctx_new();
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char to[1024];
        snprintf(to, sizeof to, "%s\"image\": {\"state\": \"done\"", rows[i].to);
        longsd_plan *p = NULL;
        longsd_status rc = load_edited(ctx, "\"image\": {\"state\": \"done\"", to, &p);
        CHECK_INT(rc, LONGSD_ERR_PLAN);
        CHECK_CONTAINS(longsd_errmsg(ctx), rows[i].want);
        CHECK_CONTAINS(longsd_errmsg(ctx), "edited.json: ");
        longsd_plan_free(p);
    }
    longsd_ctx_free(ctx);
}

TEST(a_seed_edited_by_hand_wins)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *p = NULL;
    /* the list says candidate 1 has seed 4000000000, the idea's own field says 5: the field wins */
    REQUIRE(load_edited(ctx, "\"seed\": 4000000000", "\"seed\": 5", &p) == LONGSD_OK);
    REQUIRE(longsd_plan_set_candidates(ctx, p, 0, 2) == LONGSD_OK);
    char *js = longsd_plan_to_json(p);
    longsd_plan_free(p);
    p = NULL;
    REQUIRE(js);
    char *at = strstr(js, "\"seed\": 5,");
    REQUIRE(at);
    at[8] = '6'; /* the hand edit: the idea's seed 5 -> 6 */
    REQUIRE(longsd_plan_load_memory(ctx, "hand.json", js, strlen(js), &p) == LONGSD_OK);
    longsd_candidate_info c;
    longsd_plan_candidate(p, 0, 0, &c);
    CHECK_INT(c.seed, 6);
    longsd_free(js);
    longsd_plan_free(p);
    longsd_ctx_free(ctx);
}

TEST(edit_prompt_and_seed)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *p = load_min(ctx);
    REQUIRE(longsd_plan_set_candidates(ctx, p, 0, 2) == LONGSD_OK);
    REQUIRE(ls_cands_set_image(&p->ideas[0], 1, LONGSD_IMAGE_DONE, "images/fence/b-c1.png", NULL) == 0);
    longsd_idea_edit e = longsd_idea_edit_default();
    e.prompt = "a red barn at dusk, (masterpiece:1.4)";
    REQUIRE(longsd_plan_edit_idea(ctx, p, 0, &e) == LONGSD_OK);
    longsd_idea_info ii;
    longsd_plan_idea(p, 0, &ii);
    CHECK_STR(ii.prompt, "a red barn at dusk, masterpiece"); /* prompt syntax cannot be typed in */
    CHECK(ii.prompt_tokens > 2 && ii.prompt_tokens < 20);
    CHECK_INT(ii.image_state, LONGSD_IMAGE_PENDING);
    CHECK_INT(p->ideas[0].cands[1].image_state, LONGSD_IMAGE_PENDING); /* every candidate shows the old prompt */
    CHECK_INT(p->ideas[1].image_state, LONGSD_IMAGE_FAILED);           /* the other idea untouched */
    e = longsd_idea_edit_default();
    e.seed = 42;
    REQUIRE(longsd_plan_edit_idea(ctx, p, 0, &e) == LONGSD_OK);
    longsd_plan_idea(p, 0, &ii);
    CHECK_INT(ii.seed, 42);
    longsd_candidate_info c;
    longsd_plan_candidate(p, 0, 0, &c);
    CHECK_INT(c.seed, 42);
    /* refused edits change nothing */
    e = longsd_idea_edit_default();
    e.prompt = "((()))";
    CHECK(longsd_plan_edit_idea(ctx, p, 0, &e) == LONGSD_ERR_PARAM);
    e = longsd_idea_edit_default();
    e.style = "no-such-style";
    e.scene = "a new scene";
    CHECK(longsd_plan_edit_idea(ctx, p, 0, &e) == LONGSD_ERR_NOT_FOUND);
    CHECK_CONTAINS(longsd_errmsg(ctx), "no-such-style");
    longsd_plan_idea(p, 0, &ii);
    CHECK_STR(ii.scene, "Tom stood by the long white fence with a bucket.");
    e = longsd_idea_edit_default();
    e.seed = 4294967296LL;
    CHECK(longsd_plan_edit_idea(ctx, p, 0, &e) == LONGSD_ERR_PARAM);
    CHECK(longsd_plan_edit_idea(ctx, p, 5, &e) == LONGSD_ERR_NOT_FOUND);
    longsd_plan_free(p);
    longsd_ctx_free(ctx);
}

TEST(edit_scene_and_style_write_the_prompt_again)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *p = load_min(ctx);
    longsd_idea_edit e = longsd_idea_edit_default();
    e.scene = "a lighthouse on a cliff in a storm";
    e.style = "watercolor";
    REQUIRE(longsd_plan_edit_idea(ctx, p, 0, &e) == LONGSD_OK);
    longsd_idea_info ii;
    longsd_plan_idea(p, 0, &ii);
    CHECK_CONTAINS(ii.prompt, "lighthouse");
    CHECK_CONTAINS(ii.prompt, "watercolor");
    CHECK_STR(ii.style, "watercolor");
    CHECK_INT(ii.image_state, LONGSD_IMAGE_PENDING);
    longsd_plan_free(p);
    longsd_ctx_free(ctx);
}

TEST(a_description_rewrites_the_ideas_that_show_the_character)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *p = load_min(ctx);
    size_t n = 99;
    REQUIRE(longsd_plan_set_description(ctx, p, "Tom Sawyer", "a freckled boy in a straw hat", NULL, &n) ==
            LONGSD_OK);
    CHECK_INT(n, 1);
    longsd_character_info ci;
    longsd_plan_character(p, 0, &ci);
    CHECK_STR(ci.description, "a freckled boy in a straw hat");
    longsd_idea_info ii;
    longsd_plan_idea(p, 0, &ii);
    CHECK_CONTAINS(ii.prompt, "freckled");
    CHECK_INT(ii.image_state, LONGSD_IMAGE_PENDING);
    longsd_plan_idea(p, 1, &ii); /* shows nobody: untouched */
    CHECK_STR(ii.prompt, "Die Fru stünn an't Water");
    CHECK_INT(ii.image_state, LONGSD_IMAGE_FAILED);
    CHECK(longsd_plan_set_description(ctx, p, "Huck", "x", NULL, &n) == LONGSD_ERR_NOT_FOUND);
    CHECK_CONTAINS(longsd_errmsg(ctx), "no character \"Huck\"");
    longsd_plan_free(p);
    longsd_ctx_free(ctx);
}

TEST(a_choice_made_during_a_run_is_merged)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *mine = load_min(ctx);
    REQUIRE(longsd_plan_set_candidates(ctx, mine, 0, 3) == LONGSD_OK);
    REQUIRE(ls_cands_set_image(&mine->ideas[0], 2, LONGSD_IMAGE_DONE, "images/fence/b-c2.png", NULL) == 0);
    longsd_plan *disk = roundtrip(ctx, mine);
    REQUIRE(longsd_plan_choose(ctx, disk, 0, 2) == LONGSD_OK); /* chosen on disk while mine renders */
    ls_plan_merged m;
    REQUIRE(ls_plan_merge_edits(mine, disk, &m) == LONGSD_OK);
    CHECK_INT(m.ideas, 1);
    CHECK_INT(longsd_plan_chosen(mine, 0), 2);
    longsd_idea_info ii;
    longsd_plan_idea(mine, 0, &ii);
    CHECK_INT(ii.seed, longsd_candidate_seed(4000000000u, 2));
    CHECK_INT(ii.image_state, LONGSD_IMAGE_DONE); /* the chosen picture is drawn: nothing to redo */
    CHECK_STR(ii.image_file, "images/fence/b-c2.png");
    longsd_candidate_info c;
    longsd_plan_candidate(mine, 0, 0, &c); /* the list stays whole */
    CHECK_INT(c.seed, 4000000000u);
    CHECK_STR(c.image_file, "images/fence/beginning-01-tom.png");
    longsd_plan_free(disk);
    longsd_plan_free(mine);
    longsd_ctx_free(ctx);
}

/* A prompt changed under a drawn picture (a re-run with another style): the
 * picture is kept with what it shows and stays chosen; the first picture of
 * the new prompt drawn takes over; going back takes the old one back; the
 * plan records it all; a bad "kept" is refused by field. */
TEST(kept_pictures_of_an_old_prompt)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *p = load_min(ctx);
    ls_plan_idea *pi = &p->ideas[0];
    uint32_t old_seed = pi->seed, new_base = 777;
    char *old_prompt = longsd__strdup(pi->prompt);
    REQUIRE(ls_cands_keep_old(pi, pi->prompt, pi->negative, "artstation", "new words", pi->negative, "watercolor",
                              new_base) == LONGSD_OK);
    REQUIRE(ls_cands_rebase(pi, new_base, 1) == LONGSD_OK);
    REQUIRE(pi->n_cands == 2);
    CHECK(pi->cands[0].kept && !pi->cands[1].kept && ls_cands_chosen_kept(pi));
    CHECK_STR(pi->cands[0].prompt, old_prompt);
    CHECK_STR(pi->cands[0].style, "artstation");
    CHECK_INT(pi->cands[0].seed, old_seed); /* not re-derived */
    CHECK(pi->seed == old_seed && pi->image_state == LONGSD_IMAGE_DONE); /* what the documents show */
    CHECK_STR(pi->image_file, "images/fence/beginning-01-tom.png");
    CHECK(pi->cands[1].draw == 1 && pi->cands[1].seed == longsd_candidate_seed(new_base, 1) &&
          pi->cands[1].image_state == LONGSD_IMAGE_PENDING);
    /* resizing counts the pictures of the current prompt only */
    REQUIRE(ls_cands_resize(pi, 1) == LONGSD_OK);
    CHECK_INT(pi->n_cands, 2);
    /* the plan records it and reads it back */
    longsd_plan *q = roundtrip(ctx, p);
    const ls_plan_idea *qi = &q->ideas[0];
    CHECK(qi->n_cands == 2 && qi->cands[0].kept && !qi->cands[1].kept && qi->chosen == 0);
    CHECK_STR(qi->cands[0].prompt, old_prompt);
    CHECK_STR(qi->cands[0].style, "artstation");
    longsd_candidate_info ci;
    REQUIRE(longsd_plan_candidate(q, 0, 0, &ci) == LONGSD_OK);
    CHECK(ci.kept && ci.chosen && strcmp(ci.style, "artstation") == 0 && strcmp(ci.prompt, old_prompt) == 0);
    longsd_plan_free(q);
    /* the first picture of the new prompt drawn takes the choice; one found done already does not */
    REQUIRE(ls_cands_set_image(pi, 1, LONGSD_IMAGE_DONE, "images/fence/beginning-01-tom-c1.png", NULL) == LONGSD_OK);
    CHECK_INT(pi->chosen, 1); /* drawn now: chosen */
    CHECK_STR(pi->image_file, "images/fence/beginning-01-tom-c1.png");
    REQUIRE(ls_cands_choose(pi, 0) == LONGSD_OK);
    REQUIRE(ls_cands_set_image(pi, 1, LONGSD_IMAGE_DONE, "images/fence/beginning-01-tom-c1.png", NULL) == LONGSD_OK);
    CHECK_INT(pi->chosen, 0); /* already done before: the user's choice stands */
    /* back to the old prompt and seeds: the old picture is current again, the new one kept */
    REQUIRE(ls_cands_keep_old(pi, "new words", pi->negative, "watercolor", old_prompt, pi->negative, "artstation",
                              old_seed) == LONGSD_OK);
    REQUIRE(ls_cands_rebase(pi, old_seed, 1) == LONGSD_OK);
    CHECK(pi->n_cands == 2 && !pi->cands[0].kept && pi->cands[1].kept);
    CHECK_STR(pi->cands[1].style, "watercolor");
    CHECK(pi->chosen == 0 && pi->seed == old_seed);
    longsd__free(old_prompt);
    longsd_plan_free(p);
    longsd_plan *bad = NULL;
    CHECK_INT(load_edited(ctx, "\"image\": {\"state\": \"done\"",
                          "\"candidates\": {\"chosen\": 0, \"draws\": 2, \"base_seed\": 5, \"list\": [{\"draw\": 0, "
                          "\"seed\": 5, \"image\": {\"state\": \"done\"}, \"kept\": {\"prompt\": 3}}]}, "
                          "\"image\": {\"state\": \"done\"",
                          &bad),
              LONGSD_ERR_PLAN);
    CHECK_CONTAINS(longsd_errmsg(ctx), "ideas[0].candidates.list[0].kept: expected");
    longsd_plan_free(bad);
    longsd_ctx_free(ctx);
}

TEST(find_idea)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *p = load_min(ctx);
    size_t i = 9;
    CHECK(longsd_plan_find_idea(p, "end-01", &i) == LONGSD_OK && i == 1);
    CHECK(longsd_plan_find_idea(p, "end-02", &i) == LONGSD_ERR_NOT_FOUND);
    CHECK(longsd_plan_find_idea(p, NULL, &i) == LONGSD_ERR_NOT_FOUND);
    longsd_plan_free(p);
    longsd_ctx_free(ctx);
}

RUN_TESTS(seeds_derive_stably, one_candidate_until_asked, choose_moves_the_idea_to_that_candidate_and_survives_json,
          shrinking_never_drops_the_chosen_one, reroll_keeps_the_chosen_and_draws_new_seeds, hand_edits,
          malformed_candidates_named, a_seed_edited_by_hand_wins, edit_prompt_and_seed,
          edit_scene_and_style_write_the_prompt_again, a_description_rewrites_the_ideas_that_show_the_character,
          a_choice_made_during_a_run_is_merged, kept_pictures_of_an_old_prompt, find_idea)
