/* test_styles_csv.c - AUTOMATIC1111's styles.csv read as presets: the
 * {prompt} placeholder, quoting, names made ours, errors naming the line. */
#include "prompt.h"
#include "t.h"

static longsd_status load(ls_styles *st, const char *csv, lserr *err)
{
    return ls_styles_load_memory(st, "styles.csv", csv, strlen(csv), err);
}

TEST(csv_styles_read)
{
    ls_styles *st = NULL;
    lserr err = {0};
    REQUIRE(ls_styles_new(&st, &err) == LONGSD_OK);
    size_t before = ls_styles_count(st);
    const char *csv = "name,prompt,negative_prompt\n"
                      "Cinematic Photo,\"cinematic photo of {prompt}, 35mm, film grain\",\"cartoon, drawing\"\n"
                      "\"Ink, \"\"fine\"\"\",pen and ink drawing,\n"
                      "\n"
                      "Watercolor,\"watercolor painting,\nsoft edges\",blurry\r\n";
    REQUIRE(load(st, csv, &err) == LONGSD_OK);
    /* "Watercolor" overrides the built-in "watercolor" */
    REQUIRE(ls_styles_find(st, "watercolor") != NULL);
    CHECK_INT((int)ls_styles_count(st), (int)before + 2);
    const longsd_style *s = ls_styles_find(st, "cinematic-photo");
    REQUIRE(s);
    /* after {prompt} first (the scene leads the prompt), then what was before it */
    CHECK_STR(s->suffix, "35mm, film grain, cinematic photo of");
    CHECK_STR(s->negative, "cartoon, drawing");
    CHECK_STR(s->quality, "");
    s = ls_styles_find(st, "ink-fine");
    REQUIRE(s);
    CHECK_STR(s->suffix, "pen and ink drawing"); /* no placeholder: appended after ", " */
    s = ls_styles_find(st, "watercolor");
    REQUIRE(s);
    CHECK_STR(s->suffix, "watercolor painting, soft edges");
    CHECK_STR(s->negative, "blurry");
    ls_styles_free(st);
}

TEST(csv_errors_name_the_line)
{
    ls_styles *st = NULL;
    lserr err = {0};
    REQUIRE(ls_styles_new(&st, &err) == LONGSD_OK);
    size_t before = ls_styles_count(st);
    CHECK(load(st, "name,prompt,negative_prompt\nA,\"open quote,\n", &err) == LONGSD_ERR_PARAM);
    CHECK(strstr(err.msg, "styles.csv: line 2") != NULL);
    CHECK(load(st, "name,promptx\nA,b\n", &err) == LONGSD_ERR_PARAM);
    CHECK(strstr(err.msg, "line 1") != NULL);
    CHECK(load(st, "name,prompt\nA,\"x\"y\n", &err) == LONGSD_ERR_PARAM);
    CHECK(strstr(err.msg, "after a closing quote") != NULL);
    CHECK_INT((int)ls_styles_count(st), (int)before); /* unchanged on error */
    ls_styles_free(st);
}

RUN_TESTS(csv_styles_read, csv_errors_name_the_line)
