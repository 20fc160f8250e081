/* test_desc_phrase.c - a person the text names by a description ("the
 * old man"), no one of the cast, is drawn with what the pages before say
 * of their looks (desc.c: ls_desc_of_phrase), read as a cast member's
 * are: tied to the phrase (with, wore, had, his), or to "he" in the
 * sentence right after it; never across a chapter, never another sex's
 * words; the scene writer says which words of its subject are that
 * person (scene.c: subject_src, subject_len). Hand-made texts. */
#include "desc.h"
#include "ideas.h"
#include "scene.h"
#include "t.h"

static longsd_story *ingest_str(const char *text)
{
    lserr err = {0, ""};
    longsd_story *s = NULL;
    REQUIRE(ls_story_ingest("t.txt", text, strlen(text), NULL, &s, &err) == LONGSD_OK);
    return s;
}

/* The index of the last sentence holding needle. */
static size_t sentence_with(const longsd_story *s, const char *needle)
{
    size_t found = (size_t)-1;
    for (size_t i = 0; i < s->n_sentences; i++) {
        char *t = ls_story_text(s, s->sentences[i].start, s->sentences[i].end);
        REQUIRE(t != NULL);
        if (strstr(t, needle))
            found = i;
        longsd__free(t);
    }
    REQUIRE(found != (size_t)-1);
    return found;
}

static const char ONE[] =
    "An old man sat on a bench by the inn. He wore a red cap and a grey cloak.\n\n"
    "The children ran past the inn and laughed at the geese.\n\n"
    "The old man had a long white beard, and the children feared it.\n\n"
    "Later the old man rose and walked down to the river.\n\n";

TEST(looks_from_the_pages_before)
{
    longsd_story *s = ingest_str(ONE);
    char *d = NULL;
    REQUIRE(ls_desc_of_phrase(s, sentence_with(s, "walked down"), "old man", &d) == LONGSD_OK);
    REQUIRE(d != NULL);
    fprintf(stderr, "  the old man -> \"%s\"\n", d);
    CHECK(strncmp(d, "an old man", 10) == 0);
    CHECK_CONTAINS(d, "long white beard"); /* "had" ties it */
    CHECK_CONTAINS(d, "red cap");          /* "He wore", right after "An old man" */
    longsd__free(d);
    /* nobody the text calls "the old woman": nothing */
    REQUIRE(ls_desc_of_phrase(s, sentence_with(s, "walked down"), "old woman", &d) == LONGSD_OK);
    CHECK(d == NULL);
    /* before any of it is said: nothing yet */
    REQUIRE(ls_desc_of_phrase(s, 0, "old man", &d) == LONGSD_OK);
    CHECK(d == NULL);
    /* a word that is no person */
    REQUIRE(ls_desc_of_phrase(s, sentence_with(s, "walked down"), "bench", &d) == LONGSD_OK);
    CHECK(d == NULL);
    longsd_story_free(s);
}

TEST(looks_stay_in_their_chapter_and_sex)
{
    static const char TWO[] =
        "CHAPTER I.\n\nThe old man wore a black coat and a tall hat.\n\n"
        "CHAPTER II.\n\nMany years went by.\n\nThe old man walked down to the river.\n\n";
    longsd_story *s = ingest_str(TWO);
    char *d = NULL;
    REQUIRE(ls_desc_of_phrase(s, sentence_with(s, "walked down"), "old man", &d) == LONGSD_OK);
    CHECK(d == NULL); /* the old man of another chapter may be another man */
    longsd__free(d);
    longsd_story_free(s);
    static const char SHE[] = "An old man sat by the fire. She wore a red shawl.\n\n"
                              "The old man stood up.\n\n";
    s = ingest_str(SHE);
    REQUIRE(ls_desc_of_phrase(s, sentence_with(s, "stood up"), "old man", &d) == LONGSD_OK);
    CHECK(d == NULL); /* "she" is someone else */
    longsd__free(d);
    longsd_story_free(s);
}

TEST(scene_says_which_words_are_its_subject)
{
    ls_scenectx sc = {.s = NULL, .lang = LSLEX_EN};
    ls_sceneparts parts;
    char *r = ls_scene_write_parts(&sc, "The old man walked down to the river.", (size_t)-1, &parts);
    REQUIRE(r != NULL);
    fprintf(stderr, "  -> \"%s\" [%s] %zu\n", r, parts.subject_src, parts.subject_len);
    CHECK_STR(parts.subject_src, "old man");
    CHECK_INT(parts.subject_len, strlen("an old man"));
    CHECK(strncmp(r, "an old man", parts.subject_len) == 0);
    longsd__free(r);
    /* a plural: no one person to describe */
    r = ls_scene_write_parts(&sc, "The old men walked down to the river.", (size_t)-1, &parts);
    REQUIRE(r != NULL);
    CHECK_INT(parts.subject_len, 0);
    longsd__free(r);
}

/* Through the idea extractor: every idea that draws the old man draws him
 * as the text described him, never bare. */
TEST(ideas_draw_the_described_person)
{
    static const char FERRY[] =
        "The Ferry\n\n"
        "An old man sat on a bench by the inn. He wore a red cap and a grey cloak.\n\n"
        "The children ran past the inn and laughed at the geese in the yard.\n\n"
        "The old man had a long white beard, and the children feared it.\n\n"
        "Later the old man rose and walked down to the river with his stick.\n\n"
        "The old man climbed into the ferry boat and rowed across the dark water.\n\n"
        "On the far bank the old man tied the boat to a post and climbed the hill.\n\n";
    longsd_story *s = ingest_str(FERRY);
    lserr err = {0, ""};
    ls_character *cast = NULL;
    size_t n_cast = 0;
    REQUIRE(ls_cast_find(s, 30, &cast, &n_cast, &err) == LONGSD_OK);
    ls_part *parts = NULL;
    size_t np = 0;
    int fell = 0;
    REQUIRE(ls_split(s, 1, 0, &parts, &np, &fell, &err) == LONGSD_OK);
    ls_idea *ideas = NULL;
    size_t n = 0, out = 0, drawn = 0;
    REQUIRE(ls_ideas_extract(s, &parts[0], 0, 6, cast, n_cast, &ideas, &n, &out, &err) == LONGSD_OK);
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "  %s\n", ideas[i].scene);
        if (strncmp(ideas[i].scene, "an old man", 10) != 0 || ideas[i].start < s->sentences[sentence_with(s, "long white")].start)
            continue; /* before the beard is told of */
        drawn++;
        CHECK_CONTAINS(ideas[i].scene, "an old man with a long white beard");
    }
    CHECK(drawn >= 2);
    ls_ideas_free(ideas, n);
    ls_parts_free(parts, np);
    ls_cast_free(cast, n_cast);
    longsd_story_free(s);
}

RUN_TESTS(looks_from_the_pages_before, looks_stay_in_their_chapter_and_sex, scene_says_which_words_are_its_subject,
          ideas_draw_the_described_person)
