/* test_anchor.c - quotes mapped back to byte spans of the original text. */
#include "anchor.h"
#include "llm.h"
#include "t.h"

static const char TEXT[] = "CHAPTER I\r\n\r\n\"TOM!\"\r\n\r\nNo answer.\r\n\r\n"
                           "The old lady pulled her spectacles down and looked over\r\nthem about the room; "
                           "then she put them up and looked out under them.\r\n\r\n"
                           "\xe2\x80\x9cWell, I lay if I get hold of you I\xe2\x80\x99ll\xe2\x80\x94\xe2\x80\x9d\r\n";

static int find(const char *q, size_t *a, size_t *b) { return ls_anchor_find(TEXT, 0, sizeof TEXT - 1, q, a, b); }

TEST(exact_across_a_hard_wrap)
{
    size_t a = 0, b = 0;
    CHECK_INT(find("looked over them about the room", &a, &b), LS_ANCHOR_EXACT);
    CHECK(memcmp(TEXT + a, "looked over\r\nthem about the room", b - a) == 0);
    CHECK_INT(b - a, strlen("looked over\r\nthem about the room"));
}

TEST(exact_respects_word_edges)
{
    size_t a, b;
    /* "he put" is inside "she put": not an exact hit, but the tolerant level
     * needs word edges too, so only the fuzzy level could take it (too short) */
    CHECK_INT(find("he put them", &a, &b), LS_ANCHOR_NONE);
    CHECK_INT(find("she put them", &a, &b), LS_ANCHOR_EXACT);
    CHECK(memcmp(TEXT + a, "she put them", 12) == 0);
}

TEST(tolerant_case_punctuation_quotes)
{
    size_t a = 0, b = 0;
    CHECK_INT(find("well i lay if i get hold of you ill", &a, &b), LS_ANCHOR_TOLERANT);
    CHECK(memcmp(TEXT + a, "Well", 4) == 0);
    CHECK(memcmp(TEXT + b - 5, "\x99ll", 3) == 0 || memcmp(TEXT + b - 3, "\x99ll", 3) == 0);
    CHECK_INT(find("\"The old lady pulled her spectacles DOWN, and looked...\"", &a, &b), LS_ANCHOR_TOLERANT);
    CHECK(memcmp(TEXT + a, "The old lady", 12) == 0);
}

TEST(fuzzy_window)
{
    size_t a = 0, b = 0;
    /* two words changed, one dropped: most words shared */
    CHECK_INT(find("then she put her glasses up and looked out beneath them", &a, &b), LS_ANCHOR_FUZZY);
    CHECK(memcmp(TEXT + a, "then she put", 12) == 0);
    CHECK(memcmp(TEXT + b - 4, "them", 4) == 0);
}

TEST(not_found)
{
    size_t a = 7, b = 9;
    CHECK_INT(find("purple elephants dancing on the silver moon", &a, &b), LS_ANCHOR_NONE);
    CHECK_INT(find("", &a, &b), LS_ANCHOR_NONE);
    CHECK_INT(find("...!!", &a, &b), LS_ANCHOR_NONE);
    CHECK_INT(a, 7);
    /* outside the span given */
    CHECK_INT(ls_anchor_find(TEXT, 0, 20, "No answer", &a, &b), LS_ANCHOR_NONE);
}

TEST(invalid_utf8_in_quote)
{
    size_t a, b;
    /* invalid bytes count as a space */
    CHECK_INT(find("No \xff\xfe answer", &a, &b), LS_ANCHOR_EXACT);
    CHECK(memcmp(TEXT + a, "No answer", b - a) == 0);
}

RUN_TESTS(exact_across_a_hard_wrap, exact_respects_word_edges, tolerant_case_punctuation_quotes, fuzzy_window,
          not_found, invalid_utf8_in_quote)
