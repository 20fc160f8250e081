/* test_prompt_cases.c - where a long scene is cut, checked by counting the
 * words kept against the clause marks of the scene, not by re-running the
 * code's own token count: with a comma after every seventh word the cut
 * ends on a comma (a multiple of seven words); an element that does not fit
 * goes whole; one element too long for the budget is cut at a ';' that keeps
 * at least 60% of what fits, never at a farther one. Then sanitizer rows the
 * main table misses. */
#include "lexica.h"
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
/* --prompt-chunks N: a scene of 40 elements (far over one window) keeps
 * more of itself in 2 windows, each at most 75 real tokens, cut only
 * between elements and joined with BREAK; 1 window never has BREAK. */
TEST(chunks_are_whole_windows_of_whole_elements)
{
    char scene[2048];
    size_t n = 0;
    for (int g = 0; g < 40; g++)
        n += (size_t)snprintf(scene + n, sizeof scene - n, "%sa %s by the %s", g ? ", " : "", NOUNS[g % 7],
                              NOUNS[(g + 3) % 7]);
    ls_idea idea;
    memset(&idea, 0, sizeof idea);
    snprintf(idea.id, sizeof idea.id, "end-01");
    idea.scene = scene;
    lserr err = {0};
    ls_prompt one = {0}, two = {0};
    ls_prompt_opts o1 = {.chunks = 1}, o2 = {.chunks = 2};
    REQUIRE(ls_prompt_build_opts(&idea, NULL, 0, longsd_builtin_style(0), &o1, &one, &err) == LONGSD_OK);
    REQUIRE(ls_prompt_build_opts(&idea, NULL, 0, longsd_builtin_style(0), &o2, &two, &err) == LONGSD_OK);
    CHECK(strstr(one.positive, "BREAK") == NULL);
    CHECK(one.tokens <= 77);
    CHECK(strstr(two.positive, " BREAK ") != NULL);
    CHECK(two.tokens > 77 && two.tokens <= 2 * 77);
    int windows = 0, sum = 0;
    for (const char *p = two.positive; p;) {
        const char *b = strstr(p, " BREAK ");
        char piece[1024];
        size_t l = b ? (size_t)(b - p) : strlen(p);
        REQUIRE(l < sizeof piece);
        memcpy(piece, p, l);
        piece[l] = '\0';
        int t = ls_prompt_count_tokens(piece);
        CHECK(t > 0 && t <= 75);
        CHECK(l && piece[l - 1] != ',' && piece[0] != ','); /* cut between elements */
        sum += t + 2;
        windows++;
        p = b ? b + 7 : NULL;
    }
    CHECK_INT(windows, 2);
    CHECK_INT(sum, two.tokens);
    /* the second window holds scene elements the first prompt had to drop */
    CHECK(strlen(two.positive) > strlen(one.positive) + 40);
    ls_prompt_opts bad = {.chunks = LS_PROMPT_MAX_CHUNKS + 1};
    ls_prompt p3 = {0};
    CHECK(ls_prompt_build_opts(&idea, NULL, 0, longsd_builtin_style(0), &bad, &p3, &err) == LONGSD_ERR_PARAM);
    ls_prompt_clear(&one);
    ls_prompt_clear(&two);
}

/* The book's period, from its title page, else from the years it names. */
TEST(period_from_the_title_page_or_the_years_named)
{
    char out[64];
    const char *t1 = "THE ADVENTURES OF TOM SAWYER\n\nBY MARK TWAIN\n\nHARTFORD, 1876.\n\nCHAPTER I\n";
    CHECK(ls_lexica_period(t1, strlen(t1), out, sizeof out));
    CHECK_STR(out, "1870s, 19th century");
    const char *t2 = "Release Date: June, 1993 [EBook #74]\nLast updated: 2016\n\nA TALE\n\nPARIS, 1831\n";
    CHECK(ls_lexica_period(t2, strlen(t2), out, sizeof out));
    CHECK_STR(out, "1830s, 19th century"); /* the e-text's dates are no period */
    const char *t3 = "A STORY\n\nIt was in 1793 that he came; in 1795 he left; by 1798 all were gone.";
    char big[8192];
    memset(big, 'x', sizeof big);
    memcpy(big, "A STORY\n", 8);
    memcpy(big + 5000, t3 + 9, strlen(t3 + 9));
    big[sizeof big - 1] = '\0';
    CHECK(ls_lexica_period(big, strlen(big), out, sizeof out));
    CHECK_STR(out, "18th century");
    const char *t4 = "A NOVEL\n\nNEW YORK, 1999\n";
    CHECK(!ls_lexica_period(t4, strlen(t4), out, sizeof out));
    CHECK_STR(out, "");
    /* recorded first in the prompt's lexica */
    ls_idea idea;
    memset(&idea, 0, sizeof idea);
    snprintf(idea.id, sizeof idea.id, "end-01");
    idea.scene = "a boy on a raft, on the river, night";
    ls_prompt p = {0};
    lserr err = {0};
    ls_prompt_opts o = {.chunks = 1, .period = "1870s, 19th century"};
    REQUIRE(ls_prompt_build_opts(&idea, NULL, 0, longsd_builtin_style(0), &o, &p, &err) == LONGSD_OK);
    CHECK(strncmp(p.lexica, "1870s, 19th century; ", 21) == 0);
    CHECK(strstr(p.positive, "1870s, 19th century") != NULL);
    ls_prompt_clear(&p);
}

RUN_TESTS(cut_ends_on_a_clause_when_one_is_near, an_element_that_does_not_fit_goes_whole,
          one_long_element_is_cut_at_a_near_clause_end, one_long_element_ignores_a_far_clause_end, sanitize_edges,
          chunks_are_whole_windows_of_whole_elements, period_from_the_title_page_or_the_years_named)
