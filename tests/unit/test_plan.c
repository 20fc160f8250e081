/* test_plan.c - the plan's JSON form: round trip, and a table of malformed
 * plans with the message each must give (file and field named). */
#include "plan.h"
#include "t.h"

static longsd_plan *load_min(void)
{
    size_t n;
    char *js = t_slurp("tests/data/plan-min.json", &n);
    REQUIRE(js);
    lserr err = {0};
    longsd_plan *p = NULL;
    longsd_status rc = ls_plan_parse("plan-min.json", js, n, &p, &err);
    if (rc)
        fprintf(stderr, "  %s\n", err.msg);
    REQUIRE(rc == LONGSD_OK);
    free(js);
    return p;
}

TEST(parse_fields)
{
    longsd_plan *p = load_min();
    CHECK_STR(longsd_plan_name(p), "fence");
    CHECK_STR(longsd_plan_author(p), "Mark Twain");
    CHECK_INT(longsd_plan_n_parts(p), 2);
    CHECK_INT(longsd_plan_n_ideas(p), 2);
    longsd_idea_info ii;
    CHECK(longsd_plan_idea(p, 0, &ii) == LONGSD_OK);
    CHECK_STR(ii.id, "beginning-01");
    CHECK_INT(ii.seed, 4000000000u);
    CHECK_INT(ii.image_state, LONGSD_IMAGE_DONE);
    CHECK_STR(ii.image_file, "images/fence/beginning-01-tom.png");
    CHECK_INT(ii.n_characters, 1);
    CHECK_STR(ii.characters[0], "Tom");
    CHECK(longsd_plan_idea(p, 1, &ii) == LONGSD_OK);
    CHECK_STR(ii.title, "Ünïcødé ✓");
    CHECK_INT(ii.part, 1);
    CHECK_INT(ii.image_state, LONGSD_IMAGE_FAILED);
    CHECK_STR(ii.image_error, "server said 500");
    CHECK_INT(ii.steps, 30); /* defaulted */
    CHECK(longsd_plan_idea(p, 2, &ii) == LONGSD_ERR_NOT_FOUND);
    longsd_character_info ci;
    CHECK(longsd_plan_character(p, 0, &ci) == LONGSD_OK);
    CHECK_STR(ci.description, "a barefoot boy");
    longsd_part_info pi;
    CHECK(longsd_plan_part(p, 1, &pi) == LONGSD_OK);
    CHECK_INT(pi.n_ideas, 1);
    longsd_plan_free(p);
}

TEST(round_trip_is_stable)
{
    longsd_plan *p = load_min();
    char *a = longsd_plan_to_json(p);
    REQUIRE(a);
    lserr err = {0};
    longsd_plan *q = NULL;
    REQUIRE(ls_plan_parse("a.json", a, strlen(a), &q, &err) == LONGSD_OK);
    char *b = longsd_plan_to_json(q);
    CHECK_STR(a, b);
    CHECK_CONTAINS(a, "\"title\": \"Ünïcødé ✓\""); /* UTF-8 kept, not \u-escaped */
    longsd__free(a);
    longsd__free(b);
    longsd_plan_free(p);
    longsd_plan_free(q);
}

TEST(set_image)
{
    longsd_plan *p = load_min();
    CHECK(longsd_plan_set_image(p, 1, LONGSD_IMAGE_DONE, "images/fence/end-01.png", NULL) == LONGSD_OK);
    longsd_idea_info ii;
    longsd_plan_idea(p, 1, &ii);
    CHECK_INT(ii.image_state, LONGSD_IMAGE_DONE);
    CHECK(ii.image_error == NULL);
    CHECK(longsd_plan_set_image(p, 9, LONGSD_IMAGE_DONE, "x", NULL) == LONGSD_ERR_NOT_FOUND);
    CHECK(longsd_plan_set_image(p, 0, 7, "x", NULL) == LONGSD_ERR_PARAM);
    longsd_plan_free(p);
}

/* Replace the first occurrence of `from` in the fixture with `to`, parse,
 * and expect an error mentioning `want`. */
static void expect_bad(const char *from, const char *to, const char *want)
{
    size_t n;
    char *js = t_slurp("tests/data/plan-min.json", &n);
    REQUIRE(js);
    char *at = strstr(js, from);
    REQUIRE(at);
    size_t nf = strlen(from), nt = strlen(to);
    char *mod = malloc(n - nf + nt + 1);
    memcpy(mod, js, (size_t)(at - js));
    memcpy(mod + (at - js), to, nt);
    strcpy(mod + (at - js) + nt, at + nf);
    lserr err = {0};
    longsd_plan *p = NULL;
    longsd_status rc = ls_plan_parse("plan.json", mod, strlen(mod), &p, &err);
    CHECK(rc == LONGSD_ERR_PLAN);
    CHECK(p == NULL);
    CHECK_CONTAINS(err.msg, want);
    CHECK_CONTAINS(err.msg, "plan.json");
    free(js);
    free(mod);
}

TEST(malformed_table)
{
    expect_bad("\"schema\": \"longsd.plan\"", "\"schema\": \"other\"", "schema: not a longsd plan");
    expect_bad("\"version\": 1", "\"version\": 9", "version 9 is not supported");
    expect_bad("\"sha256\": \"0123", "\"sha256\": \"X123", "source.sha256: expected 64 lower-case hex digits");
    expect_bad("\"seed\": 4000000000", "\"seed\": -1", "ideas[0].prompt.seed: -1 is out of range");
    expect_bad("\"seed\": 4000000000", "\"seed\": \"x\"", "ideas[0].prompt.seed: expected an integer");
    expect_bad("\"part\": \"end\"", "\"part\": \"nowhere\"", "ideas[1].part: names no part of this plan");
    expect_bad("\"state\": \"done\"", "\"state\": \"finished\"", "ideas[0].image.state: expected");
    expect_bad("images/fence/beginning-01-tom.png", "../../etc/passwd", "ideas[0].image.file: must be a relative path inside");
    expect_bad("\"id\": \"end-01\"", "\"id\": \"beginning-01\"", "ideas[1].id: duplicate id");
    expect_bad("\"width\": 768, \"height\": 512, \"steps\"", "\"width\": 5, \"height\": 512, \"steps\"",
               "settings.width: 5 is out of range");
    expect_bad("\"scene\": \"Tom stood", "\"scenery\": \"Tom stood", "ideas[0].scene: missing");
    expect_bad("\"aliases\": [\"Sawyer\"]", "\"aliases\": [3]", "cast[0].aliases[0]: expected a string");
    expect_bad("\"parts\": [", "\"parts\": 3, \"x\": [", "parts: expected a non-empty array");
    expect_bad("{\n  \"schema\"", "[\n  \"schema\"", "not valid JSON at line");
}

TEST(not_json_names_position)
{
    lserr err = {0};
    longsd_plan *p = NULL;
    CHECK(ls_plan_parse("p.json", "{\"a\": ", 6, &p, &err) == LONGSD_ERR_PLAN);
    CHECK_CONTAINS(err.msg, "p.json: not valid JSON at line 1");
    CHECK(ls_plan_parse("p.json", "", 0, &p, &err) == LONGSD_ERR_PLAN);
}

TEST(save_is_atomic_and_load_reads_back)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *p = load_min();
    char path[512];
    snprintf(path, sizeof path, "%s/image_prompts/fence.json", t_tmpdir());
    CHECK(longsd_plan_save(ctx, p, path) == LONGSD_OK);
    longsd_plan *q = NULL;
    CHECK(longsd_plan_load(ctx, path, &q) == LONGSD_OK);
    REQUIRE(q);
    CHECK_STR(longsd_plan_title(q), "The Fence");
    /* a save into a folder we cannot create fails and leaves nothing */
    CHECK(longsd_plan_save(ctx, p, "/proc/longsd-nope/x.json") == LONGSD_ERR_IO);
    CHECK_CONTAINS(longsd_errmsg(ctx), "/proc/longsd-nope");
    longsd_plan_free(p);
    longsd_plan_free(q);
    longsd_ctx_free(ctx);
}

TEST(alloc_failures_never_crash)
{
    size_t n;
    char *js = t_slurp("tests/data/plan-min.json", &n);
    REQUIRE(js);
    int ok_seen = 0;
    for (long k = 0; k < 400 && !ok_seen; k++) {
        lserr err = {0};
        longsd_plan *p = NULL;
        longsd__alloc_fail_after = k;
        longsd_status rc = ls_plan_parse("p.json", js, n, &p, &err);
        longsd__alloc_fail_after = -1;
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_NOMEM);
        if (rc == LONGSD_OK)
            ok_seen = 1;
        longsd_plan_free(p);
    }
    CHECK(ok_seen);
    free(js);
}

RUN_TESTS(parse_fields, round_trip_is_stable, set_image, malformed_table, not_json_names_position,
          save_is_atomic_and_load_reads_back, alloc_failures_never_crash)
