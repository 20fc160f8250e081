/* test_anchor_edges.c - the edges of anchoring, one rule per case: where a
 * span ends, the fuzzy threshold on either side of 60%, which of two equal
 * windows wins, case and apostrophe folding. Each case gives the level and
 * the exact byte span expected, counted by hand from the text. */
#include "anchor.h"
#include "llm.h"
#include "t.h"

typedef struct {
    const char *name, *text, *quote;
    int level;
    const char *span; /* the exact bytes the anchor must cover; NULL when none */
    size_t at;        /* and where they start */
} anchor_case;

static const char WORDS[] = "Alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima.";
static const char TWICE[] = "A red fox jumps high. Later the red fox jumps high again.";

static const anchor_case cases[] = {
    /* A tolerant hit must end on a word edge: "down" is not "downward";
     * the fuzzy level takes it, tightened to the last shared word. */
    {"tolerant end edge", "The old lady pulled her spectacles downward.", "the old lady pulled her spectacles down",
     LS_ANCHOR_FUZZY, "The old lady pulled her spectacles", 0},
    /* An exact hit too: "them up" inside "them upstairs" is not exact. */
    {"exact end edge", "Then she put them upstairs.", "she put them up", LS_ANCHOR_FUZZY, "she put them", 5},
    {"exact start edge", "Then she put them away.", "he put them away", LS_ANCHOR_FUZZY, "put them away", 9},
    /* 6 of 10 words shared is 60%: taken. */
    {"fuzzy 60% taken", WORDS, "alpha bravo charlie delta echo foxtrot zulu yankee xray whiskey", LS_ANCHOR_FUZZY,
     "Alpha bravo charlie delta echo foxtrot", 0},
    /* 5 of 10 is 50%: refused. */
    {"fuzzy 50% refused", WORDS, "alpha bravo charlie delta echo zulu yankee xray whiskey victor", LS_ANCHOR_NONE,
     NULL, 0},
    /* 3 of 5 is 60% again, the smallest count allowed. */
    {"fuzzy 3 of 5 taken", WORDS, "golf hotel india zulu yankee", LS_ANCHOR_FUZZY, "golf hotel india", 39},
    /* Two equal windows: the first in the text wins. */
    {"first of equal windows", TWICE, "red fox jumps over", LS_ANCHOR_FUZZY, "red fox jumps", 2},
    /* Latin-1 capitals fold: "Élise" == "élise" at the tolerant level. */
    {"latin-1 capitals fold", "\xc3\x89lise sat by the river.", "\xc3\xa9lise sat by the river", LS_ANCHOR_TOLERANT,
     "\xc3\x89lise sat by the river", 0},
    /* Apostrophes vanish: "dont" == "don't". */
    {"apostrophe folds", "I don't know where he went.", "I dont know where he went", LS_ANCHOR_TOLERANT,
     "I don't know where he went", 0},
};

TEST(anchor_edge_table)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const anchor_case *c = &cases[i];
        size_t a = 999, b = 999;
        int level = ls_anchor_find(c->text, 0, strlen(c->text), c->quote, &a, &b);
        if (level != c->level) {
            fprintf(stderr, "  %s: level %d, expected %d\n", c->name, level, c->level);
            t_failed_checks++;
            continue;
        }
        if (!c->span) {
            CHECK(a == 999 && b == 999);
            continue;
        }
        if (a != c->at || b != c->at + strlen(c->span) || memcmp(c->text + a, c->span, b - a) != 0) {
            fprintf(stderr, "  %s: span [%zu, %zu) \"%.*s\", expected [%zu, %zu) \"%s\"\n", c->name, a, b,
                    (int)(b > a && b <= strlen(c->text) ? b - a : 0), c->text + a, c->at, c->at + strlen(c->span),
                    c->span);
            t_failed_checks++;
        }
    }
}

RUN_TESTS(anchor_edge_table)
