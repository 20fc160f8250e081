/* test_narrator.c - first-person narration found and its teller named:
 * by "my name is", by what the others call them, or "the narrator"; the
 * narration's "I" counted as their mentions; third-person books untouched.
 * Hand-made texts in en/de/fr in the manner of public-domain novels, and
 * the corpus (Tom Sawyer Abroad is told by Huck). */
#include "ideas.h"
#include "narrator.h"
#include "t.h"

static longsd_story *ingest_str(const char *text)
{
    lserr err = {0, ""};
    longsd_story *s = NULL;
    REQUIRE(ls_story_ingest("t.txt", text, strlen(text), NULL, &s, &err) == LONGSD_OK);
    return s;
}

/* n copies of text joined */
static char *repeat(const char *head, const char *text, int n)
{
    size_t hl = strlen(head), tl = strlen(text);
    char *b = malloc(hl + tl * (size_t)n + 1);
    REQUIRE(b != NULL);
    memcpy(b, head, hl);
    for (int i = 0; i < n; i++)
        memcpy(b + hl + tl * (size_t)i, text, tl);
    b[hl + tl * (size_t)n] = '\0';
    return b;
}

static const ls_character *narrator_of(const ls_character *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (c[i].narrator)
            return &c[i];
    return NULL;
}

TEST(called_by_name_in_dialogue)
{
    char *text = repeat("CHAPTER I\n\n",
                        "I went down to the river in the morning and sat on the log by the mill. "
                        "Tom Sawyer came along with his dog and sat down by me.\n\n"
                        "\"Where have you been, Davy?\" says Tom.\n\n"
                        "I told him I had been to the cave, and he looked at me hard, and I looked at the "
                        "water going by under the boat.\n\n",
                        12);
    longsd_story *s = ingest_str(text);
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    const ls_character *nar = narrator_of(c, n);
    REQUIRE(nar != NULL);
    CHECK_STR(nar->name, "Davy");
    /* his mentions are the narration's I/me, far more than his 12 names */
    CHECK(nar->mentions > 60);
    CHECK_STR(c[0].name, "Davy");
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c[i].name, "Tom"))
            CHECK(!c[i].narrator);
    ls_cast_free(c, n);
    longsd_story_free(s);
    free(text);
}

TEST(my_name_is)
{
    char *text = repeat("My name is Ishmael, and I kept the inn by the harbour.\n\n",
                        "I walked along the quay in the rain and watched the ships. Old Peleg stood by the "
                        "rail and waved his hat at me, and I went aboard. Ishmael, they say, is a sailor.\n\n",
                        12);
    longsd_story *s = ingest_str(text);
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    const ls_character *nar = narrator_of(c, n);
    REQUIRE(nar != NULL);
    CHECK_STR(nar->name, "Ishmael");
    ls_cast_free(c, n);
    longsd_story_free(s);
    free(text);
}

TEST(unnamed_narrator_in_each_language)
{
    struct {
        const char *text, *name;
    } cases[] = {
        {"I came to the house at night. The lamp burned in the window and I knocked at the door. "
         "Mr. Holt opened it and let me in, and I sat by the fire.\n\n",
         "the narrator"},
        {"Ich kam in der Nacht an das Haus. Die Lampe brannte im Fenster, und ich klopfte an die Tür. "
         "Herr Holt öffnete mir, und ich setzte mich an das Feuer.\n\n",
         "der Erz\xC3\xA4hler"},
        {"Je vins \xC3\xA0 la maison pendant la nuit. La lampe br\xC3\xBBlait \xC3\xA0 la fen\xC3\xAAtre et je "
         "frappai \xC3\xA0 la porte. Monsieur Holt m'ouvrit, et je m'assis pr\xC3\xA8s du feu.\n\n",
         "le narrateur"},
    };
    for (size_t k = 0; k < 3; k++) {
        char *text = repeat("", cases[k].text, 20);
        longsd_story *s = ingest_str(text);
        ls_character *c = NULL;
        size_t n = 0;
        lserr err = {0, ""};
        REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
        const ls_character *nar = narrator_of(c, n);
        CHECK(nar != NULL);
        if (nar) {
            CHECK_STR(nar->name, cases[k].name);
            CHECK(nar->mentions >= 40);
        }
        ls_cast_free(c, n);
        longsd_story_free(s);
        free(text);
    }
}

TEST(third_person_and_dialogue_are_no_narrator)
{
    /* "I" only inside quotation marks: the characters speak, nobody narrates */
    char *text = repeat("", "Tom took the brush and looked at the fence. \"I can't do it,\" he said. "
                            "\"I won't, and my aunt can't make me.\" He sat down on the box.\n\n",
                        30);
    longsd_story *s = ingest_str(text);
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    CHECK(narrator_of(c, n) == NULL);
    ls_cast_free(c, n);
    longsd_story_free(s);
    free(text);
}

TEST(corpus_narrators)
{
    const char *files[] = {"tests/corpus/en-twain3.txt", "tests/corpus/en-twain1.txt",
                           "tests/corpus/de-grimm2.txt"};
    for (int k = 0; k < 3; k++) {
        longsd_ctx *ctx = longsd_ctx_new();
        longsd_story *s = NULL;
        REQUIRE(longsd_story_load(ctx, files[k], NULL, &s) == LONGSD_OK);
        ls_character *c = NULL;
        size_t n = 0;
        lserr err = {0, ""};
        REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
        const ls_character *nar = narrator_of(c, n);
        if (k == 0) {
            /* Tom Sawyer Abroad: Huck tells it, and is its main character */
            REQUIRE(nar != NULL);
            CHECK_STR(nar->name, "Huck");
            CHECK(nar == &c[0]);
        } else {
            CHECK(nar == NULL); /* told in the third person */
        }
        ls_cast_free(c, n);
        longsd_story_free(s);
        longsd_ctx_free(ctx);
    }
}

TEST(allocation_failures)
{
    char *text = repeat("", "I went to the mill. \"Davy, come here,\" said Tom, and I went to him.\n\n", 40);
    longsd_story *s = ingest_str(text);
    int ok = 0;
    for (long k = 0; k < 400 && !ok; k++) {
        ls_character *c = NULL;
        size_t n = 0;
        lserr err = {0, ""};
        longsd__alloc_fail_after = k;
        longsd_status rc = ls_cast_find(s, 0, &c, &n, &err);
        longsd__alloc_fail_after = -1;
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_NOMEM);
        if (rc == LONGSD_OK) {
            ok = 1;
            CHECK(narrator_of(c, n) != NULL);
        }
        ls_cast_free(c, n);
    }
    CHECK(ok);
    longsd_story_free(s);
    free(text);
}

TEST(addressed_with_a_title_in_dash_dialogue)
{
    /* French dash dialogue: the others call the narrator "monsieur Durand"
     * and "monsieur le docteur", each beside a "vous"; both are him, and the
     * name, not the role, names him */
    char *text = repeat("CHAPITRE PREMIER\n\n",
                        "Je descendis vers le port le matin, et je regardai les navires. Le capitaine Leroux "
                        "vint vers moi et me salua.\n\n"
                        "-- Vous arrivez trop tard, monsieur Durand, dit le capitaine Leroux.\n\n"
                        "-- Voulez-vous monter, monsieur le docteur, demanda le capitaine.\n\n"
                        "Je montai sur le pont, et je vis la mer grise sous la pluie. Le capitaine regarda le ciel, "
                        "et je le suivis vers la cabine.\n\n",
                        12);
    longsd_story *s = ingest_str(text);
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    const ls_character *nar = narrator_of(c, n);
    REQUIRE(nar != NULL);
    CHECK_STR(nar->name, "Durand");
    int role_merged = 0;
    for (size_t a = 0; a < nar->n_aliases; a++)
        role_merged |= !strcmp(nar->aliases[a], "le docteur");
    CHECK(role_merged);
    for (size_t i = 0; i < n; i++)
        CHECK(strcmp(c[i].name, "le docteur") != 0);
    ls_cast_free(c, n);
    longsd_story_free(s);
    free(text);
}

TEST(surname_the_others_call_the_narrator)
{
    /* the family says "Davy", the professor now and then "Mortlake": one
     * man; the professor himself stays someone else */
    char *text = repeat("CHAPTER I\n\n"
                        "\"Mortlake, you work too much,\" said Professor Grimwald to me in the hall.\n\n"
                        "\"Mortlake, you will be ill, and then Mortlake will be of no use,\" said Professor Grimwald.\n\n"
                        "\"Mortlake, go home,\" said Professor Grimwald.\n\n",
                        "I went down to the river in the morning and sat on the log by the mill. "
                        "Then my father came and sat down by me.\n\n"
                        "\"Where have you been, Davy?\" says he.\n\n"
                        "I told him I had been at the college, and he looked at me hard, and I looked at the "
                        "water going by under the boat.\n\n"
                        "\"Davy, you are late,\" says my mother.\n\n",
                        12);
    longsd_story *s = ingest_str(text);
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    const ls_character *nar = narrator_of(c, n);
    REQUIRE(nar != NULL);
    CHECK_STR(nar->name, "Davy");
    CHECK_STR(nar->full_name, "Davy Mortlake");
    int grimwald = 0;
    for (size_t i = 0; i < n; i++) {
        CHECK(strcmp(c[i].name, "Mortlake") != 0);
        grimwald |= strstr(c[i].name, "Grimwald") != NULL && !c[i].narrator;
    }
    CHECK(grimwald);
    ls_cast_free(c, n);
    longsd_story_free(s);
    free(text);
}

/* A French narrator's sex from the agreement of what they say of
 * themselves; no agreeing word leaves it unknown. */
static int fr_narrator_sex(const char *para)
{
    char *text = repeat("CHAPITRE I\n\n", para, 12);
    longsd_story *s = ingest_str(text);
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    const ls_character *nar = narrator_of(c, n);
    REQUIRE(nar != NULL);
    int g = nar->gender;
    ls_cast_free(c, n);
    longsd_story_free(s);
    free(text);
    return g;
}

TEST(french_narrator_sex_from_agreement)
{
    if (!ls_narrator_fr_agreement("condamn\xC3\xA9"))
        return; /* no hunspell fr installed: nothing to read the forms with */
    CHECK(ls_narrator_fr_agreement("condamn\xC3\xA9") == LS_GENDER_MALE);
    CHECK(ls_narrator_fr_agreement("condamn\xC3\xA9" "e") == LS_GENDER_FEMALE);
    CHECK(ls_narrator_fr_agreement("triste") == 0); /* epicene */
    CHECK(ls_narrator_fr_agreement("maison") == 0); /* no adjective */
    CHECK(fr_narrator_sex("Je suis condamn\xC3\xA9 et je suis seul dans ma cellule. J'\xC3\xA9tais las de "
                          "marcher, et je m'assis sur la paille o\xC3\xB9 je dormis mal.\n\n") == LS_GENDER_MALE);
    CHECK(fr_narrator_sex("Je suis condamn\xC3\xA9" "e et je suis seule dans ma cellule. J'\xC3\xA9tais lasse de "
                          "marcher, et je m'assis sur la paille o\xC3\xB9 je dormis mal.\n\n") == LS_GENDER_FEMALE);
    CHECK(fr_narrator_sex("Je suis triste dans ma cellule. Je marche, je regarde le mur et je pense "
                          "\xC3\xA0 ma m\xC3\xA8re, puis je dors sur la paille.\n\n") == 0);
}

RUN_TESTS(french_narrator_sex_from_agreement, surname_the_others_call_the_narrator, called_by_name_in_dialogue, my_name_is, unnamed_narrator_in_each_language,
          third_person_and_dialogue_are_no_narrator, corpus_narrators, allocation_failures,
          addressed_with_a_title_in_dash_dialogue)
