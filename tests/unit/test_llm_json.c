/* test_llm_json.c - tolerant JSON extraction from model replies. */
#include "llm_json.h"
#include "t.h"

static json_t *ex(const char *s, int *how, char *why)
{
    return ls_llm_json_extract(s, strlen(s), how, why, 160);
}

static const char *title_of(json_t *v) { return json_string_value(json_object_get(v, "title")); }

TEST(strict)
{
    int how = -1;
    char why[160];
    json_t *v = ex("{\"title\": \"A fence\"}", &how, why);
    REQUIRE(v);
    CHECK_STR(title_of(v), "A fence");
    CHECK_INT(how, 0);
    json_decref(v);
}

TEST(fenced)
{
    int how = -1;
    char why[160];
    json_t *v = ex("Here you go:\n```json\n{\"title\": \"A fence\", \"n\": [1, 2]}\n```\nEnjoy!", &how, why);
    REQUIRE(v);
    CHECK_STR(title_of(v), "A fence");
    CHECK_INT(how, 1);
    json_decref(v);
}

TEST(prose_around)
{
    int how;
    char why[160];
    json_t *v = ex("I picked [3] moments. {\"title\": \"Cave\"} Let me know {if} you need more.", &how, why);
    REQUIRE(v);
    CHECK_STR(title_of(v), "Cave");
    json_decref(v);
}

TEST(trailing_commas)
{
    int how;
    char why[160];
    json_t *v = ex("{\"ideas\": [{\"title\": \"x\",}, {\"title\": \"y\"},],}", &how, why);
    REQUIRE(v);
    CHECK_INT(json_array_size(json_object_get(v, "ideas")), 2);
    CHECK_INT(how, 2);
    json_decref(v);
}

TEST(smart_quotes)
{
    int how;
    char why[160];
    /* smart quotes as delimiters, and inside a normal string they stay */
    json_t *v = ex("{\xe2\x80\x9ctitle\xe2\x80\x9d: \xe2\x80\x9cTom\xe2\x80\x99s fence\xe2\x80\x9d, "
                   "\"quote\": \"\xe2\x80\x9cSay, Tom\xe2\x80\x9d he said\"}",
                   &how, why);
    REQUIRE(v);
    CHECK_STR(title_of(v), "Tom\xe2\x80\x99s fence");
    CHECK_STR(json_string_value(json_object_get(v, "quote")), "\xe2\x80\x9cSay, Tom\xe2\x80\x9d he said");
    json_decref(v);
}

TEST(unescaped_inner_quotes_and_newlines)
{
    int how;
    char why[160];
    json_t *v = ex("{\"quote\": \"He said \"hi\" to her\nand left\", 'title': 'single'}", &how, why);
    REQUIRE(v);
    CHECK_STR(json_string_value(json_object_get(v, "quote")), "He said \"hi\" to her\nand left");
    CHECK_STR(title_of(v), "single");
    json_decref(v);
}

TEST(truncated)
{
    char why[160];
    json_t *v = ex("{\"ideas\": [{\"title\": \"A fence\", \"scene\": \"Tom whitewash", NULL, why);
    CHECK(v == NULL);
    CHECK_CONTAINS(why, "cut off");
}

TEST(nothing)
{
    char why[160];
    CHECK(ex("I cannot help with that.", NULL, why) == NULL);
    CHECK_CONTAINS(why, "no JSON object");
    CHECK(ls_llm_json_extract("", 0, NULL, why, sizeof why) == NULL);
    CHECK_CONTAINS(why, "empty");
    CHECK(ex("{\"a\": tru}", NULL, why) == NULL);
    CHECK_CONTAINS(why, "does not parse");
}

TEST(deep_nesting_refused)
{
    char why[160];
    char buf[400];
    memset(buf, '[', 200);
    memset(buf + 200, ']', 199);
    buf[399] = '\0';
    /* 200 levels (past the scanner's 64) in a model's reply is hostile or
     * broken, never an answer: refused, with the reason */
    json_t *v = ex(buf, NULL, why);
    CHECK(v == NULL);
    CHECK_CONTAINS(why, "does not parse");
    json_decref(v);
}

RUN_TESTS(strict, fenced, prose_around, trailing_commas, smart_quotes, unescaped_inner_quotes_and_newlines,
          truncated, nothing, deep_nesting_refused)
