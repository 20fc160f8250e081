/* test_ideas_letters.c - an epistolary opening: letters signed by someone
 * other than the book's narrator ("Your loving brother, / J. Harlow") are
 * told by their writer, so an idea there draws the writer as its "I"; the
 * chapters after them keep the narrator, and one letter a chapter quotes,
 * signed once, changes nothing. Hand-made texts. */
#include "ideas.h"
#include "t.h"

static const char BOOK[] =
    "Letter 1\n\n"
    "I walked along the frozen shore at dawn and climbed the black rocks above the ship.\n\n"
    "I carried a lantern down to the harbour and rowed a small boat across the bay.\n\n"
    "Your loving brother,\n\nJ. Harlow\n\n"
    "Letter 2\n\n"
    "I stood on the deck of the ship and watched the ice drift past the bow.\n\n"
    "Your loving brother,\n\nJohn Harlow\n\n"
    "Letter 3\n\n"
    "I lay in my cabin and listened to the storm beating on the hull of the ship.\n\n"
    "CHAPTER I.\n\n"
    "I ran through the garden to the gate and climbed the old apple tree by the wall.\n\n"
    "I swam across the lake to the island and sat on a rock in the sun.\n\n"
    "I rode my horse through the village and jumped over the low stone fence.\n\n";

/* The ideas of text, one part, the cast given: Edmund tells the book. */
static void ideas_of(const char *text, ls_idea **ideas, size_t *n, longsd_story **sp)
{
    lserr err = {0, ""};
    longsd_story *s = NULL;
    REQUIRE(ls_story_ingest("t.txt", text, strlen(text), NULL, &s, &err) == LONGSD_OK);
    ls_character cast[2];
    memset(cast, 0, sizeof cast);
    cast[0].name = cast[0].full_name = "Edmund";
    cast[0].description = "";
    cast[0].gender = LS_GENDER_MALE;
    cast[0].narrator = 1;
    cast[0].mentions = 20;
    cast[1].name = "Harlow";
    cast[1].full_name = "John Harlow";
    cast[1].description = "";
    cast[1].gender = LS_GENDER_MALE;
    cast[1].mentions = 2;
    ls_part *parts = NULL;
    size_t np = 0, out = 0;
    int fell = 0;
    REQUIRE(ls_split(s, 1, 0, &parts, &np, &fell, &err) == LONGSD_OK);
    *ideas = NULL;
    *n = 0;
    REQUIRE(ls_ideas_extract(s, &parts[0], 0, 8, cast, 2, ideas, n, &out, &err) == LONGSD_OK);
    /* the ideas hold copies of the names */
    ls_parts_free(parts, np);
    *sp = s;
}

static int has_character(const ls_idea *id, const char *name)
{
    for (size_t k = 0; k < id->n_characters; k++)
        if (!strcmp(id->characters[k], name))
            return 1;
    return 0;
}

TEST(letters_are_told_by_who_signs_them)
{
    ls_idea *ideas;
    size_t n;
    longsd_story *s;
    ideas_of(BOOK, &ideas, &n, &s);
    size_t chapter = (size_t)(strstr(s->data, "CHAPTER I.") - s->data);
    size_t in_letters = 0, after = 0;
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "  %zu %s | %s | %s\n", ideas[i].start, ideas[i].title, ideas[i].scene,
                ideas[i].n_characters ? ideas[i].characters[0] : "-");
        if (ideas[i].start < chapter) {
            in_letters++;
            CHECK(has_character(&ideas[i], "Harlow")); /* the third letter too, unsigned */
            CHECK(!has_character(&ideas[i], "Edmund"));
        } else {
            after++;
            CHECK(!has_character(&ideas[i], "Harlow"));
        }
    }
    CHECK(in_letters >= 2);
    CHECK(after >= 1);
    ls_ideas_free(ideas, n);
    longsd_story_free(s);
}

TEST(one_quoted_letter_keeps_the_narrator)
{
    static const char ONE[] =
        "CHAPTER I.\n\n"
        "I walked along the frozen shore at dawn and climbed the black rocks above the ship.\n\n"
        "I carried a lantern down to the harbour and rowed a small boat across the bay.\n\n"
        "Your loving brother,\n\nJ. Harlow\n\n"
        "I ran through the garden to the gate and climbed the old apple tree by the wall.\n\n";
    ls_idea *ideas;
    size_t n;
    longsd_story *s;
    ideas_of(ONE, &ideas, &n, &s);
    for (size_t i = 0; i < n; i++)
        CHECK(!has_character(&ideas[i], "Harlow"));
    CHECK(n >= 1);
    ls_ideas_free(ideas, n);
    longsd_story_free(s);
}

RUN_TESTS(letters_are_told_by_who_signs_them, one_quoted_letter_keeps_the_narrator)
