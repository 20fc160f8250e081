/* test_split_edges.c - balanced splitting at its edges, as data: small texts
 * whose paragraphs' word counts are known, the number of parts asked for,
 * and where each part must start. Covers rounding to the nearest cut (a tie
 * keeps the earlier one), a cut exactly on the target, a zero-word
 * separator paragraph ("* * *") staying with the part before, and a text
 * of punctuation only (weighted by paragraphs). */
#include "story.h"
#include "t.h"

typedef struct {
    const char *name, *text;
    int parts;
    size_t n;
    size_t first[4]; /* first paragraph of each part */
} split_case;

static const split_case cases[] = {
    /* words 1 4 3, target 4: cut after 5 words (off by 1) beats after 1 (off by 3) */
    {"rounds up to the nearer cut", "Aa.\n\nBb cc dd ee.\n\nFf gg hh.\n", 2, 2, {0, 2}},
    /* words 3 3 2, target 4: after 3 (off by 1) beats after 6 (off by 2) */
    {"rounds down to the nearer cut", "Aa bb cc.\n\nDd ee ff.\n\nGg hh.\n", 2, 2, {0, 1}},
    /* words 3 2 3, target 4: 3 and 5 are both off by 1: the earlier wins */
    {"a tie keeps the earlier cut", "Aa bb cc.\n\nDd ee.\n\nFf gg hh.\n", 2, 2, {0, 1}},
    /* words 4 4 0 4 4, target 8: the separator ends the first part */
    {"separator stays with the part before",
     "One two three four.\n\nFive six seven eight.\n\n* * *\n\nNine ten eleven twelve.\n\nThirteen fourteen fifteen "
     "sixteen.\n",
     2, 2, {0, 3}},
    /* words 2 x6, targets 4 and 8: exact hits */
    {"cuts exactly on the targets", "Aa bb.\n\nCc dd.\n\nEe ff.\n\nGg hh.\n\nIi jj.\n\nKk ll.\n", 3, 3, {0, 2, 4}},
    /* no words at all: paragraphs weigh one each */
    {"punctuation only splits by paragraphs", "...\n\n!!!\n\n???\n\n---\n", 2, 2, {0, 2}},
    /* more parts than paragraphs: one part per paragraph */
    {"fewer paragraphs than parts", "Aa bb.\n\nCc dd.\n", 4, 2, {0, 1}},
};

TEST(split_edge_table)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const split_case *c = &cases[i];
        lserr err = {0, ""};
        longsd_story *s = NULL;
        REQUIRE(ls_story_ingest("t.txt", c->text, strlen(c->text), NULL, &s, &err) == LONGSD_OK);
        ls_part *p = NULL;
        size_t n = 0;
        int fb = 0;
        CHECK_INT(ls_split(s, c->parts, 0, &p, &n, &fb, &err), LONGSD_OK);
        int ok = n == c->n;
        for (size_t k = 0; ok && k < n; k++)
            ok = p[k].first_para == c->first[k] &&
                 p[k].n_paras == (k + 1 < n ? p[k + 1].first_para : s->n_paras) - p[k].first_para;
        if (!ok) {
            fprintf(stderr, "  %s: %zu parts starting at", c->name, n);
            for (size_t k = 0; k < n; k++)
                fprintf(stderr, " %zu", p[k].first_para);
            fprintf(stderr, "; expected %zu starting at", c->n);
            for (size_t k = 0; k < c->n; k++)
                fprintf(stderr, " %zu", c->first[k]);
            fprintf(stderr, "\n");
            t_failed_checks++;
        }
        ls_parts_free(p, n);
        longsd_story_free(s);
    }
}

RUN_TESTS(split_edge_table)
