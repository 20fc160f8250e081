/* test_narrator_called.c - an English or German first-person narrator's
 * sex from how the others address them in dialogue ("Yes, sir", "madam",
 * "mein Herr", "gnädige Frau"): only lines spoken to someone that answer
 * the narrator or are said to them count, never the narrator's own ("said
 * I"); no such call leaves the sex unknown. Hand-made texts, and the
 * corpus narrator (Huck) stays male. */
#include "ideas.h"
#include "narrator.h"
#include "t.h"

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

/* The unnamed narrator's sex in text (12 copies of para). */
static int narrator_sex(const char *head, const char *para)
{
    char *text = repeat(head, para, 12);
    lserr err = {0, ""};
    longsd_story *s = NULL;
    REQUIRE(ls_story_ingest("t.txt", text, strlen(text), NULL, &s, &err) == LONGSD_OK);
    ls_character *c = NULL;
    size_t n = 0;
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    int g = -1;
    for (size_t i = 0; i < n; i++)
        if (c[i].narrator)
            g = c[i].gender;
    ls_cast_free(c, n);
    longsd_story_free(s);
    free(text);
    return g;
}

TEST(english_called_sir_or_madam)
{
    const char *said_to =
        "I came to the inn late at night and knocked at the door. The landlord opened it with a candle "
        "in his hand.\n\n"
        "\"Is there a room for the night?\" I asked.\n\n"
        "\"Yes, sir, you shall have the room over the stable,\" he answered, and he led the way up the stairs.\n\n"
        "I sat by the window and looked at the yard below, where the horses stood in the rain.\n\n";
    CHECK(narrator_sex("CHAPTER I\n\n", said_to) == LS_GENDER_MALE);
    const char *madam =
        "I came to the inn late at night and knocked at the door. The landlord opened it with a candle "
        "in his hand.\n\n"
        "\"Is there a room for the night?\" I asked.\n\n"
        "\"Yes, madam, you shall have the room over the stable,\" he answered, and he led the way up the "
        "stairs.\n\n"
        "I sat by the window and looked at the yard below, where the horses stood in the rain.\n\n";
    CHECK(narrator_sex("CHAPTER I\n\n", madam) == LS_GENDER_FEMALE);
    /* the narrator's own "sir" is theirs to someone else */
    const char *own =
        "I came to the inn late at night and knocked at the door. The landlord opened it with a candle "
        "in his hand, and he looked at me.\n\n"
        "\"Yes, sir, I should like a room over the stable, if you have one,\" said I, and I followed "
        "him up the stairs.\n\n"
        "I sat by the window and looked at the yard below, where the horses stood in the rain.\n\n";
    CHECK(narrator_sex("CHAPTER I\n\n", own) == 0);
}

TEST(german_called_gnaedige_frau_or_mein_herr)
{
    const char *frau =
        "Ich kam sp\xC3\xA4t am Abend in das Gasthaus und klopfte an die T\xC3\xBCr. Der Wirt \xC3\xB6" "ffnete "
        "mit einer Kerze in der Hand.\n\n"
        "\xE2\x80\x9E" "Haben Sie ein Zimmer f\xC3\xBC" "r die Nacht?\xE2\x80\x9C fragte ich.\n\n"
        "\xE2\x80\x9E" "Gewiss, gn\xC3\xA4" "dige Frau, Sie bekommen das Zimmer \xC3\xBC" "ber dem Stall.\xE2\x80\x9C "
        "Er ging mir voran die Treppe hinauf.\n\n"
        "Ich sa\xC3\x9F am Fenster und sah auf den Hof hinunter, wo die Pferde im Regen standen.\n\n";
    CHECK(narrator_sex("ERSTES KAPITEL\n\n", frau) == LS_GENDER_FEMALE);
    const char *herr =
        "Ich kam sp\xC3\xA4t am Abend in das Gasthaus und klopfte an die T\xC3\xBCr. Der Wirt \xC3\xB6" "ffnete "
        "mit einer Kerze in der Hand.\n\n"
        "\xE2\x80\x9E" "Haben Sie ein Zimmer f\xC3\xBC" "r die Nacht?\xE2\x80\x9C fragte ich.\n\n"
        "\xE2\x80\x9E" "Gewiss, mein Herr, Sie bekommen das Zimmer \xC3\xBC" "ber dem Stall.\xE2\x80\x9C "
        "Er ging mir voran die Treppe hinauf.\n\n"
        "Ich sa\xC3\x9F am Fenster und sah auf den Hof hinunter, wo die Pferde im Regen standen.\n\n";
    CHECK(narrator_sex("ERSTES KAPITEL\n\n", herr) == LS_GENDER_MALE);
}

TEST(corpus_narrator_stays_male)
{
    size_t n = 0;
    char *text = t_slurp("tests/corpus/en-twain3.txt", &n);
    REQUIRE(text);
    lserr err = {0, ""};
    longsd_story *s = NULL;
    REQUIRE(ls_story_ingest("en-twain3.txt", text, n, NULL, &s, &err) == LONGSD_OK);
    CHECK(ls_narrator_sex(s) != LS_GENDER_FEMALE);
    longsd_story_free(s);
    free(text);
}

RUN_TESTS(english_called_sir_or_madam, german_called_gnaedige_frau_or_mein_herr, corpus_narrator_stays_male)
