/* test_prompt_cases.c - where a long scene is cut, checked by counting the
 * words kept against the clause marks of the scene, not by re-running the
 * code's own token count: with a comma after every seventh word the cut
 * ends on a comma (a multiple of seven words); an element that does not fit
 * goes whole; one element too long for the budget is cut at a ';' that keeps
 * at least 60% of what fits, never at a farther one. Then sanitizer rows the
 * main table misses. */
#include "prompt.h"
#include "t.h"

/* Words of the scene part of a built prompt (style 0: the scene comes
 * first, then ", digital painting"), and the scene text itself. */
static size_t scene_words(const ls_prompt *p, char *scene, size_t cap)
{
    const char *s = strstr(p->positive, ", digital painting");
    REQUIRE(s);
    size_t len = (size_t)(s - p->positive);
    REQUIRE(len < cap);
    memcpy(scene, p->positive, len);
    scene[len] = '\0';
    size_t n = 0;
    for (const char *q = scene; *q;) {
        while (*q == ' ')
            q++;
        if (!*q)
            break;
        n++;
        while (*q && *q != ' ')
            q++;
    }
    return n;
}

static const char *const NOUNS[] = {"mill", "stream", "field", "grass", "barn", "fence", "cart"};

/* groups of 7 nouns; a comma after group g when comma_every or g == comma_at */
static void make_scene(char *out, size_t cap, int groups, int comma_every, int comma_at)
{
    size_t n = 0;
    out[0] = '\0';
    for (int g = 0; g < groups; g++)
        for (int w = 0; w < 7; w++) {
            int last = w == 6 && g + 1 < groups && (comma_every || g == comma_at);
            n += (size_t)snprintf(out + n, cap - n, "%s%s%s", n ? " " : "", NOUNS[w], last ? "," : "");
        }
}

/* Build the prompt of an idea whose scene is `scene` (no cast, style 0);
 * the words of its scene part, which is copied to part. */
static size_t kept_words(char *scene, char *part, size_t cap)
{
    ls_idea idea;
    memset(&idea, 0, sizeof idea);
    snprintf(idea.id, sizeof idea.id, "end-01");
    idea.scene = scene;
    ls_prompt p = {0};
    lserr err = {0};
    REQUIRE(ls_prompt_build(&idea, NULL, 0, longsd_builtin_style(0), &p, &err) == LONGSD_OK);
    size_t n = scene_words(&p, part, cap);
    ls_prompt_clear(&p);
    return n;
}

TEST(cut_ends_on_a_clause_when_one_is_near)
{
    char scene[2048], part[2048];
    make_scene(scene, sizeof scene, 11, 1, -1); /* 77 words: more than fit */
    size_t n = kept_words(scene, part, sizeof part);
    printf("  comma every 7 words: kept %zu of 77\n", n);
    CHECK(n % 7 == 0); /* ends where a group (a clause) ends */
    CHECK(n >= 35 && n < 77);
    CHECK(part[strlen(part) - 1] != ','); /* the comma itself is dropped */
}

TEST(an_element_that_does_not_fit_goes_whole)
{
    char scene[2048], part[2048];
    make_scene(scene, sizeof scene, 11, 0, 2); /* one comma, after word 21 */
    size_t n = kept_words(scene, part, sizeof part);
    printf("  one comma after word 21: kept %zu of 77\n", n);
    /* the writer composes within the budget: the second element does not
     * fit, so it goes whole and the prompt ends on the first one's last
     * word, never inside a phrase (issue 11) */
    CHECK(n == 21);
}

/* 77 nouns, no comma (one element too long for the budget), a ';' after
 * group g: the only cut left is inside the element, and it prefers the
 * clause end when that keeps at least 60% of the words that fit. */
static size_t kept_with_semicolon_after(int g)
{
    char scene[2048], part[2048];
    make_scene(scene, sizeof scene, 11, 0, -1);
    char *at = scene;
    for (int w = 0; w < 7 * (g + 1); w++)
        at = strchr(at + 1, ' ');
    REQUIRE(at != NULL);
    memmove(at + 1, at, strlen(at) + 1);
    at[0] = ';';
    return kept_words(scene, part, sizeof part);
}

TEST(one_long_element_is_cut_at_a_near_clause_end)
{
    size_t n = kept_with_semicolon_after(5); /* ';' after word 42 */
    printf("  ';' after word 42: kept %zu of 77\n", n);
    CHECK_INT(n, 42);
}

TEST(one_long_element_ignores_a_far_clause_end)
{
    size_t n = kept_with_semicolon_after(3); /* ';' after word 28: under 60% of 63 */
    printf("  ';' after word 28: kept %zu of 77\n", n);
    CHECK(n > 35 && n < 77);
}

/* sanitizer rows the main table (test_prompt.c) does not reach */
TEST(sanitize_edges)
{
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"a cat:3rd place", "a cat:3rd place"}, /* a number run into a word is no weight */
        {"a cat:2 in the rain", "a cat in the rain"},
        {"a cat. , a dog", "a cat. a dog"}, /* no separator right after a sentence end */
        {"a cat! ; a dog", "a cat! a dog"},
        {"a \xe2\x80\xae" "cat\xe2\x80\xac and \xef\xbb\xbf" "dog", "a cat and dog"}, /* bidi and BOM dropped */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *s = ls_prompt_sanitize(rows[i].in);
        CHECK_STR(s, rows[i].out);
        longsd__free(s);
    }
}

RUN_TESTS(cut_ends_on_a_clause_when_one_is_near, an_element_that_does_not_fit_goes_whole,
          one_long_element_is_cut_at_a_near_clause_end, one_long_element_ignores_a_far_clause_end, sanitize_edges)
