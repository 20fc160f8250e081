/* test_jdoc.c - the arena JSON reader (jdoc.c) accepts exactly what jansson
 * accepts (json_loadb with JSON_REJECT_DUPLICATES, any top-level value) on a
 * table of the forms where JSON readers differ, reads values right, names
 * where a text goes wrong, and stays n log n on hostile objects. */
#include <jansson.h>

#include "jdoc.h"
#include "t.h"

typedef struct {
    const char *js;
    size_t n; /* 0: strlen */
    int ok;
} jcase;

#define OK(s) {s, sizeof(s) - 1, 1}
#define BAD(s) {s, sizeof(s) - 1, 0}

static const jcase cases[] = {
    OK("{}"), OK("[]"), OK("1"), OK("\"x\""), OK("null"), OK(" {} \n"), OK("[true, false, null]"),
    BAD(""), BAD("   "), BAD("{"), BAD("[1"), BAD("\"abc"),
    BAD("{\"a\": 1, \"a\": 2}"), OK("{\"a\": 1, \"b\": {\"a\": 2}}"), BAD("{\"a\\u0062\": 1, \"ab\": 2}"),
    BAD("[1,]"), BAD("{\"a\": 1,}"), BAD("[01]"), BAD("[-]"), BAD("[1.]"), BAD("[.5]"), BAD("[1e]"), BAD("[+1]"),
    OK("[-0]"), OK("[1E5]"), OK("[1e-400]"), OK("[1e308]"), BAD("[1e309]"), BAD("[-1e309]"),
    OK("[9223372036854775807]"), BAD("[9223372036854775808]"), OK("[-9223372036854775808]"),
    BAD("[-9223372036854775809]"), BAD("[NaN]"), BAD("[Infinity]"),
    BAD("[\"\\u0000\"]"), OK("[\"a\\u0041\"]"), OK("[\"\\ud83d\\ude00\"]"), BAD("[\"\\ud83d\"]"),
    BAD("[\"\\ude00\"]"), BAD("[\"\\ud83dx\"]"), BAD("[\"\\ud83d\\u0041\"]"), BAD("[\"\\ud83d\\ud83d\"]"),
    OK("[\"\\\\ud83d\"]"), OK("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]"), BAD("[\"\\x\"]"), BAD("[\"\\u12\"]"),
    BAD("[\"\xff\"]"), BAD("[\"\xc0\x80\"]"), BAD("[\"\xed\xa0\x80\"]"), BAD("[\"\xf4\x90\x80\x80\"]"),
    BAD("[\"\xe2\x9c\"]"), OK("[\"\xe2\x9c\x93 \xf0\x9f\x8c\x8a\"]"), BAD("{\"\xff\": 1}"),
    BAD("[\"a\nb\"]"), BAD("[\"a\tb\"]"), BAD("[\"a\0b\"]"),
    BAD("[true false]"), BAD("{\"a\" 1}"), BAD("{1: 2}"), BAD("{\"a\": }"), BAD("[tru]"), BAD("[nul]"),
    BAD("/* c */ {}"), BAD("{} x"), BAD("{}{}"), BAD("{}\0"), BAD("\xEF\xBB\xBF{}"), BAD("{'a': 1}"), BAD("null\"]"), BAD("{\"a\":\f1}"), BAD("[1,\v2]"), BAD("[\"\f\"]"), BAD("\f{}"), BAD("1 \"x"), BAD("{} \"x"), BAD("[] tru"), OK("1 "),
};

TEST(accepts_what_jansson_accepts)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const jcase *c = &cases[i];
        jd_error e;
        jdoc *d = jdoc_parse(c->js, c->n, &e);
        json_error_t je;
        json_t *j = json_loadb(c->js, c->n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
        if ((d != NULL) != c->ok || (j != NULL) != c->ok)
            fprintf(stderr, "  case %zu %.*s: jdoc %s (%s), jansson %s (%s), expected %s\n", i, (int)c->n, c->js,
                    d ? "accepts" : "refuses", e.text, j ? "accepts" : "refuses", j ? "" : je.text,
                    c->ok ? "accept" : "refuse");
        CHECK((d != NULL) == c->ok);
        CHECK((j != NULL) == c->ok);
        if (!d)
            CHECK(e.text[0] != '\0');
        jdoc_free(d);
        json_decref(j);
    }
}

TEST(nul_after_a_number_refused)
{
    /* jansson's lexer skips a NUL that follows a number ("2\0" reads as 2):
     * jdoc refuses it, like a NUL anywhere else outside a string */
    jd_error e;
    CHECK(jdoc_parse("2\0", 2, &e) == NULL);
    CHECK(jdoc_parse("[2\0]", 4, &e) == NULL);
    CHECK(jdoc_parse("{\"a\": 2}\0", 9, &e) == NULL);
}

TEST(values_read_right)
{
    const char *js = "{\"i\": -12, \"r\": 1.5, \"e\": 1e2, \"s\": \"a\\u00e9\\ud83d\\ude00\\n\", \"t\": true, \"f\": false, \"E\": 1E2,"
                     " \"z\": null, \"a\": [1, [2, 3], {}], \"k\\u00e9\": \"v\", \"empty\": \"\"}";
    jd_error e;
    jdoc *d = jdoc_parse(js, strlen(js), &e);
    REQUIRE(d);
    const jd_val *r = jdoc_root(d);
    CHECK(jd_is_object(r));
    CHECK_INT(r->n, 11);
    CHECK(jd_get(r, "E")->type == JD_REAL && jd_get(r, "E")->u.d == 100.0);
    CHECK(jd_is_integer(jd_get(r, "i")) && jd_get(r, "i")->u.i == -12);
    CHECK(jd_get(r, "r")->type == JD_REAL && jd_get(r, "r")->u.d == 1.5);
    CHECK(jd_get(r, "e")->type == JD_REAL && jd_number(jd_get(r, "e")) == 100.0);
    CHECK(jd_is_number(jd_get(r, "i")) && !jd_is_integer(jd_get(r, "e")));
    const jd_val *s = jd_get(r, "s");
    REQUIRE(jd_is_string(s));
    CHECK_INT(s->n, 8);
    CHECK(memcmp(s->u.s, "a\xc3\xa9\xf0\x9f\x98\x80\n", 8) == 0);
    CHECK(jd_is_true(jd_get(r, "t")) && jd_is_boolean(jd_get(r, "f")) && !jd_is_true(jd_get(r, "f")));
    CHECK(jd_is_null(jd_get(r, "z")));
    const jd_val *a = jd_get(r, "a");
    CHECK_INT(jd_size(a), 3);
    CHECK(jd_at(a, 0)->u.i == 1);
    CHECK_INT(jd_size(jd_at(a, 1)), 2);
    CHECK(jd_at(jd_at(a, 1), 1)->u.i == 3);
    CHECK(jd_is_object(jd_at(a, 2)) && jd_at(a, 2)->n == 0);
    CHECK(jd_at(a, 3) == NULL);
    CHECK(jd_is_string(jd_get(r, "k\xc3\xa9")));
    CHECK(jd_get(r, "k") == NULL && jd_get(r, "missing") == NULL && jd_get(a, "i") == NULL);
    CHECK(jd_is_string(jd_get(r, "empty")) && jd_get(r, "empty")->n == 0);
    jdoc_free(d);
}

TEST(error_names_line_column_and_byte)
{
    const char *js = "{\n  \"a\": 1,\n  \"b\": x\n}";
    jd_error e;
    CHECK(jdoc_parse(js, strlen(js), &e) == NULL);
    CHECK_INT(e.line, 3);
    CHECK(e.byte >= 18 && e.byte <= 20);
    CHECK(e.column >= 8 && e.column <= 9);
    const char *dup = "{\"a\": 1,\n \"a\": 2}";
    CHECK(jdoc_parse(dup, strlen(dup), &e) == NULL);
    CHECK_CONTAINS(e.text, "duplicate object key");
    CHECK_INT(e.line, 2);
    /* yajl alone would stop at a form feed as at the end of the text */
    const char *ff = "{\"a\":\f1}";
    CHECK(jdoc_parse(ff, strlen(ff), &e) == NULL);
    CHECK_CONTAINS(e.text, "white space");
    CHECK_INT(e.byte, 5);
    /* the escape is named, not the NUL it decodes to */
    const char *nul = "[\"a\\u0000b\"]";
    CHECK(jdoc_parse(nul, strlen(nul), &e) == NULL);
    CHECK_CONTAINS(e.text, "\\u0000 is not allowed");
    const char *trunc = "[1, 2";
    CHECK(jdoc_parse(trunc, strlen(trunc), &e) == NULL);
    CHECK_INT(e.byte, 5); /* at the end */
}

TEST(nesting_is_bounded)
{
    size_t deep = JD_MAX_DEPTH + 1;
    char *js = malloc(2 * deep + 1);
    REQUIRE(js);
    for (size_t k = 0; k < 2; k++) {
        size_t n = deep - 1 + k; /* just inside, then one past */
        memset(js, '[', n);
        memset(js + n, ']', n);
        jd_error e;
        jdoc *d = jdoc_parse(js, 2 * n, &e);
        CHECK((d != NULL) == (k == 0));
        if (!d)
            CHECK_CONTAINS(e.text, "depth");
        jdoc_free(d);
    }
    free(js);
}

/* 200,000 distinct keys in one object, then the same with one repeated:
 * pairwise checks would take minutes */
TEST(many_keys_stay_fast)
{
    size_t n = 200000;
    alarm(30); /* a pairwise check would take many minutes: fail in 30 s */
    char *js = malloc(n * 24 + 16);
    REQUIRE(js);
    for (int dup = 0; dup < 2; dup++) {
        size_t o = 0;
        js[o++] = '{';
        for (size_t i = 0; i < n; i++)
            o += (size_t)sprintf(js + o, "%s\"k%zu\": %zu", i ? ", " : "", dup && i == n - 1 ? (size_t)7 : i, i);
        js[o++] = '}';
        jd_error e;
        jdoc *d = jdoc_parse(js, o, &e);
        CHECK((d != NULL) == !dup);
        if (d)
            CHECK(jd_get(jdoc_root(d), "k199999") && jd_get(jdoc_root(d), "k199999")->u.i == 199999);
        else
            CHECK_CONTAINS(e.text, "duplicate");
        jdoc_free(d);
    }
    free(js);
}

TEST(alloc_failures_never_crash)
{
    const char *js = "{\"a\": [1, 2, {\"b\": \"c\\u00e9\"}], \"d\": \"e\"}";
    int ok = 0;
    for (long k = 0; k < 100 && !ok; k++) {
        longsd__alloc_fail_after = k;
        jd_error e;
        jdoc *d = jdoc_parse(js, strlen(js), &e);
        longsd__alloc_fail_after = -1;
        if (!d)
            CHECK(e.byte == (size_t)-1); /* out of memory, never "invalid" */
        ok = d != NULL;
        jdoc_free(d);
    }
    CHECK(ok);
}

RUN_TESTS(accepts_what_jansson_accepts, nul_after_a_number_refused, values_read_right, error_names_line_column_and_byte, nesting_is_bounded,
          many_keys_stay_fast, alloc_failures_never_crash)
