/* test_plan_init_image.c - img2img per idea in a plan (issue 12 item 6):
 * "init_image" and "strength" in an idea's prompt object are read, checked
 * (a strength outside (0, 1], or without a picture, and a picture outside
 * the workspace name the field),
 * written back as given (0.6, not 0.59999999999999998) and left out of
 * plans that have none. Edits of tests/data/plan-min.json. */
#include <math.h>

#include "plan.h"
#include "t.h"

#define AT "\"sampler\": \"Euler a\", \"style\": \"artstation\"}"

static longsd_plan *parse_with(const char *js, const char *to, lserr *err)
{
    const char *at = strstr(js, AT);
    REQUIRE(at);
    size_t n = strlen(js), nf = strlen(AT), nt = strlen(to);
    char *mod = malloc(n - nf + nt + 1);
    REQUIRE(mod);
    memcpy(mod, js, (size_t)(at - js));
    memcpy(mod + (at - js), to, nt);
    strcpy(mod + (at - js) + nt, at + nf);
    longsd_plan *p = NULL;
    ls_plan_parse("plan.json", mod, strlen(mod), &p, err);
    free(mod);
    return p;
}

TEST(bad_init_image_fields_name_the_field)
{
    static const struct {
        const char *to, *want;
    } rows[] = {
        {"\"sampler\": \"Euler a\", \"strength\": 0.5, \"style\": \"artstation\"}",
         "ideas[0].prompt.strength: given without init_image"},
        {"\"sampler\": \"Euler a\", \"init_image\": \"a.png\", \"strength\": 0, \"style\": \"artstation\"}",
         "ideas[0].prompt.strength: expected a number in (0, 1]"},
        {"\"sampler\": \"Euler a\", \"init_image\": \"a.png\", \"strength\": 1.01, \"style\": \"artstation\"}",
         "ideas[0].prompt.strength: expected a number in (0, 1]"},
        {"\"sampler\": \"Euler a\", \"init_image\": \"a.png\", \"strength\": \"0.5\", \"style\": \"artstation\"}",
         "ideas[0].prompt.strength: expected a number"},
        {"\"sampler\": \"Euler a\", \"init_image\": 5, \"style\": \"artstation\"}",
         "ideas[0].prompt.init_image: expected a string"},
        {"\"sampler\": \"Euler a\", \"init_image\": \"\", \"style\": \"artstation\"}",
         "ideas[0].prompt.init_image: empty"},
        {"\"sampler\": \"Euler a\", \"init_image\": \"/home/me/private.png\", \"style\": \"artstation\"}",
         "ideas[0].prompt.init_image: must be a relative path inside the workspace"},
        {"\"sampler\": \"Euler a\", \"init_image\": \"images/../../x.png\", \"style\": \"artstation\"}",
         "ideas[0].prompt.init_image: must be a relative path inside the workspace"},
    };
    char *js = t_slurp("tests/data/plan-min.json", NULL);
    REQUIRE(js);
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        lserr err = {0};
        longsd_plan *p = parse_with(js, rows[i].to, &err);
        CHECK(!p);
        CHECK_CONTAINS(err.msg, rows[i].want);
        CHECK_CONTAINS(err.msg, "plan.json: ");
        longsd_plan_free(p);
    }
    free(js);
}

TEST(init_image_and_strength_round_trip)
{
    char *js = t_slurp("tests/data/plan-min.json", NULL);
    REQUIRE(js);
    lserr err = {0};
    longsd_plan *p = parse_with(
        js, "\"sampler\": \"Euler a\", \"init_image\": \"images/fence/first.png\", \"strength\": 0.6, \"style\": \"artstation\"}",
        &err);
    if (!p)
        fprintf(stderr, "  %s\n", err.msg);
    REQUIRE(p);
    CHECK_STR(p->ideas[0].init_image, "images/fence/first.png");
    CHECK(p->ideas[0].strength == 0.6);
    CHECK(!p->ideas[1].init_image && p->ideas[1].strength == 0);
    char *out = longsd_plan_to_json(p);
    REQUIRE(out);
    CHECK_CONTAINS(out, "\"init_image\": \"images/fence/first.png\"");
    CHECK_CONTAINS(out, "\"strength\": 0.6");
    CHECK(!strstr(out, "0.59999"));
    longsd_plan *q = NULL;
    REQUIRE(ls_plan_parse("again.json", out, strlen(out), &q, &err) == LONGSD_OK);
    CHECK_STR(q->ideas[0].init_image, "images/fence/first.png");
    CHECK(q->ideas[0].strength == 0.6);
    char *out2 = longsd_plan_to_json(q);
    REQUIRE(out2);
    CHECK_STR(out2, out);
    free(out);
    free(out2);
    longsd_plan_free(p);
    longsd_plan_free(q);
    /* no strength: A1111's 0.75 */
    p = parse_with(js, "\"sampler\": \"Euler a\", \"init_image\": \"x.png\", \"style\": \"artstation\"}", &err);
    REQUIRE(p);
    CHECK(p->ideas[0].strength == 0.75);
    longsd_plan_free(p);
    free(js);
}

TEST(plans_without_init_images_write_neither_key)
{
    char *js = t_slurp("tests/data/plan-min.json", NULL);
    REQUIRE(js);
    lserr err = {0};
    longsd_plan *p = NULL;
    REQUIRE(ls_plan_parse("plan.json", js, strlen(js), &p, &err) == LONGSD_OK);
    char *out = longsd_plan_to_json(p);
    REQUIRE(out);
    CHECK(!strstr(out, "init_image") && !strstr(out, "strength"));
    free(out);
    longsd_plan_free(p);
    free(js);
}

RUN_TESTS(bad_init_image_fields_name_the_field, init_image_and_strength_round_trip,
          plans_without_init_images_write_neither_key)
