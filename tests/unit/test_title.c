/* test_title.c - idea titles (title.c, title_phrase.c) on hand-made
 * passages: German and French titles are phrases of the passage ("Der
 * Vater am Frühstückstisch", "Le capitaine Nemo dans le salon", "Emma et
 * Rodolphe"), with the subject's article made nominative from the
 * articles the text writes, a preposition of place only (never "in die
 * Küche" nor "au soleil"), French common nouns in lower case; English
 * titles keep a setting only where someone can be ("in the book" is no
 * place) and a motion preposition only with its verb. */
#include "scene.h"
#include "t.h"
#include "title_phrase.h"
#include "translate.h"

/* Are the German/French dictionaries (FreeDict, hunspell) installed? The
 * phrase titles read nouns through them. */
static int have_dicts(void)
{
    char en[32];
    ls_translate_word(LSLEX_FR, "salon", 5, 0, en, sizeof en, NULL);
    char de[32];
    ls_translate_word(LSLEX_DE, "Tisch", 5, 1, de, sizeof de, NULL);
    return en[0] && de[0];
}

typedef struct {
    const char *name, *role;
    int narrator, gender;
} tcast;

static char *title_of(lslex_lang_id lang, const char *nar, const tcast *tc, size_t n)
{
    ls_character cast[4];
    memset(cast, 0, sizeof cast);
    for (size_t i = 0; i < n; i++) {
        cast[i].name = cast[i].full_name = (char *)tc[i].name;
        cast[i].role = (char *)tc[i].role;
        cast[i].narrator = tc[i].narrator;
        cast[i].gender = tc[i].gender;
    }
    ls_cast_form *forms = NULL;
    size_t n_forms = 0;
    REQUIRE(ls_cast_forms(cast, n, &forms, &n_forms) == LONGSD_OK);
    ls_scenectx sc = {.s = NULL, .lang = lang, .cast = cast, .n_cast = n, .forms = forms, .n_forms = n_forms};
    char *t = ls_title_write(&sc, nar);
    longsd__free(forms);
    REQUIRE(t != NULL);
    char *copy = strdup(t);
    longsd__free(t);
    fprintf(stderr, "  \"%.70s\" -> \"%s\"\n", nar, copy);
    int words = 1;
    for (const char *p = copy; *p; p++)
        words += *p == ' ';
    CHECK(words >= 2 && words <= 6);
    return copy;
}

TEST(german_titles_are_phrases)
{
    if (!have_dicts()) {
        fprintf(stderr, "  (no FreeDict/hunspell: skipped)\n");
        return;
    }
    static const tcast gregor[] = {{"Gregor", NULL, 0, LS_GENDER_MALE}, {"Schwester", "schwester", 0, LS_GENDER_FEMALE}};
    static const struct {
        const char *nar, *want, *never;
    } rows[] = {
        {"Der Vater saß am Frühstückstisch und las die Zeitung.", "Der Vater am Frühstückstisch", NULL},
        {"Gregor lag in seinem Zimmer.", "Gregor in seinem Zimmer", NULL},
        /* "in die Küche" says where to, not where: no title of place */
        {"Die Mutter lief in die Küche.", NULL, "in die"},
        /* a weak masculine's genitive: "der Prokurist", never "der Prokuristen" */
        {"Der Vater sah zuerst den Prokuristen an.", NULL, "Prokuristen"},
        /* the dative "der Schwester" is "die Schwester" as a subject */
        {"Gregor gab der Schwester den Teller.", "Gregor und die Schwester", NULL},
        /* a first-person possessive becomes the article: a title is told by no one */
        {"Ich saß in meinem Zimmer, und der Vater stand am Fenster.", "Der Vater am Fenster", "mein"},
        /* "auf diese Weise" (in this way) is an adverb, no thing to draw */
        {"Auf diese Weise bekam das Dienstmädchen morgens das Essen.", NULL, "Weise"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *t = title_of(LSLEX_DE, rows[i].nar, gregor, 2);
        if (rows[i].want)
            CHECK_STR(t, rows[i].want);
        if (rows[i].never)
            CHECK(strstr(t, rows[i].never) == NULL);
        free(t);
    }
}

/* A title of two bare nouns takes their articles: "La mère et les
 * dents", never the roll-call "Mère et dents". */
TEST(french_article_from_the_dictionary)
{
    if (!have_dicts())
        return;
    CHECK_STR(ls_title_fr_article("mère"), "la ");
    CHECK_STR(ls_title_fr_article("mur"), "le ");
    CHECK_STR(ls_title_fr_article("dents"), "les ");
    CHECK_STR(ls_title_fr_article("chevaux"), "les ");
    CHECK_STR(ls_title_fr_article("arbre"), "l'");
    CHECK_STR(ls_title_fr_article("église"), "l'");
    CHECK(ls_title_fr_article("qzxvw") == NULL);
}

TEST(german_article_from_the_text)
{
    if (!have_dicts())
        return;
    ls_scenectx sc = {.s = NULL, .lang = LSLEX_DE};
    static const struct {
        const char *text, *noun, *want;
    } rows[] = {
        {"Sie sah den Vater. Sie ging zum Vater und nahm des Vaters Hut.", "Vater", "der"},
        {"Das Mädchen lief. Dem Mädchen war kalt.", "Mädchen", "das"},
        {"Er gab der Schwester das Brot. Die Schwester aß.", "Schwester", "die"},
        {"Er sah eine Tür.", "Tür", "die"},
        {"Er kam.", "Quarzlurch", ""}, /* neither the text nor FreeDict tells */
        /* only a dative in the text: FreeDict's "<fem, n, sg>" tells */
        {"Ihre Blicke trafen sich an der Wand.", "Wand", "die"},
        {"Er kam.", "Tisch", "der"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        CHECK_STR(ls_title_de_article(&sc, rows[i].text, strlen(rows[i].text), rows[i].noun, strlen(rows[i].noun)),
                  rows[i].want);
}

TEST(french_titles_are_phrases)
{
    if (!have_dicts())
        return;
    static const tcast cast[] = {{"Capitaine Nemo", NULL, 0, 0}, {"Emma", NULL, 0, 0}, {"Rodolphe", NULL, 0, 0},
                                 {"Pierre Aronnax", NULL, 1, 0}};
    static const struct {
        const char *nar, *want, *never;
    } rows[] = {
        {"Le capitaine Nemo entra dans le salon.", "Le capitaine Nemo dans le salon", NULL},
        {"Emma se jeta sur le lit.", "Emma sur le lit", NULL},
        {"Emma et Rodolphe marchaient lentement.", "Emma et Rodolphe", NULL},
        {"Les nuages passaient au-dessus de l'île.", "Les nuages au-dessus de l'île", NULL},
        /* the narrator by name; "ma" is nobody's in a title */
        {"J'entrai dans ma chambre.", "Pierre Aronnax dans la chambre", NULL},
        /* "au soleil" after a verb of asking is no place */
        {"Emma demanda au soleil sa lumière.", NULL, "au soleil"},
        /* a noun capitalised at a sentence's start is lower case inside a title */
        {"Place et rue étaient vides. Emma regardait la Place.", NULL, "Place"},
        /* "leur" shows no gender: the noun's own (hunspell fr) gives the article */
        {"Emma embrassa leur mère dans le jardin.", NULL, "Le mère"},
        {"Leur mère marchait dans le jardin.", "La mère dans le jardin", NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *t = title_of(LSLEX_FR, rows[i].nar, cast, 4);
        if (rows[i].want)
            CHECK_STR(t, rows[i].want);
        if (rows[i].never)
            CHECK(strstr(t, rows[i].never) == NULL);
        free(t);
    }
}

/* A German or French title names only people the scene writer draws
 * (scene.c's subject and those it shows), never one only talked about. */
TEST(phrase_titles_name_who_is_drawn)
{
    if (!have_dicts())
        return;
    static const tcast cast[] = {{"Capitaine Nemo", NULL, 0, 0}, {"Emma", NULL, 0, 0}, {"Rodolphe", NULL, 0, 0},
                                 {"Pierre Aronnax", NULL, 1, 0}};
    static const char *const rows[][3] = {
        /* nar, a name the title must not have, a name it should have */
        {"Emma regardait la mer et parlait de Rodolphe.", "Rodolphe", "Emma"},
        {"Rodolphe \xC3\xA9tait parti. Emma marchait dans le jardin.", "Rodolphe", "Emma dans le jardin"},
        /* the captain the picture draws is the cast's "Capitaine Nemo" */
        {"Le capitaine Nemo regardait la mer.", "Emma", "Nemo"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *t = title_of(LSLEX_FR, rows[i][0], cast, 4);
        CHECK(strstr(t, rows[i][1]) == NULL);
        if (rows[i][2])
            CHECK(strstr(t, rows[i][2]) != NULL);
        free(t);
    }
}

/* The longer list a plan reads before numbering a repeated title: the
 * usual titles first, then others of the same passage (a person with
 * another thing, two things), all different. */
TEST(more_phrase_titles)
{
    if (!have_dicts())
        return;
    static const tcast tc[] = {{"Emma", NULL, 0, 0}};
    ls_character cast[1];
    memset(cast, 0, sizeof cast);
    cast[0].name = cast[0].full_name = (char *)tc[0].name;
    ls_cast_form *forms = NULL;
    size_t n_forms = 0;
    REQUIRE(ls_cast_forms(cast, 1, &forms, &n_forms) == LONGSD_OK);
    ls_scenectx sc = {.s = NULL, .lang = LSLEX_FR, .cast = cast, .n_cast = 1, .forms = forms, .n_forms = n_forms};
    const char *nar = "Emma posa le livre sur la table, pr\xC3\xA8s de la fen\xC3\xAAtre, et regarda le jardin.";
    char a[8][LS_TITLE_OPT], b[24][LS_TITLE_OPT];
    size_t na = 0, nb = 0;
    REQUIRE(ls_title_phrases(&sc, nar, a, 8, &na) == LONGSD_OK);
    REQUIRE(ls_title_phrases_more(&sc, nar, b, 24, &nb) == LONGSD_OK);
    longsd__free(forms);
    for (size_t i = 0; i < nb; i++)
        fprintf(stderr, "  more: %s\n", b[i]);
    CHECK(na >= 1);
    CHECK(nb > na + 2);
    for (size_t i = 0; i < na && i < nb; i++)
        CHECK_STR(b[i], a[i]); /* the usual ones first, in their order */
    int two_things = 0, person_thing = 0;
    for (size_t i = 0; i < nb; i++) {
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(b[i], b[j]) != 0);
        two_things |= strstr(b[i], "Emma") == NULL && strstr(b[i], " et ") != NULL;
        person_thing |= strcmp(b[i], "Emma et le jardin") == 0;
    }
    CHECK(two_things);
    CHECK(person_thing);
}

TEST(english_settings_are_places)
{
    static const tcast cast[] = {{"Aunt Polly", NULL, 0, 0}, {"Harvey", NULL, 0, 0}, {"Tom", NULL, 0, 0}};
    static const struct {
        const char *nar, *want, *never;
    } rows[] = {
        /* a book is read, not stood in */
        {"Aunt Polly is all told about in that book.", NULL, "in the book"},
        /* "down" needs its verb: never a verbless "Harvey down the cellar" */
        {"The money was given to Harvey, and it was hid down the cellar.", NULL, "Harvey down"},
        {"Tom stood at the pump.", "Tom standing at the pump", NULL},
        /* a place's name is no thing to put "the" before: never "Harvey and the england" */
        {"To England, therefore, I was bound, and it was understood that my union with Harvey should take place "
         "immediately on my return.", NULL, "england"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char *t = title_of(LSLEX_EN, rows[i].nar, cast, 3);
        if (rows[i].want)
            CHECK_STR(t, rows[i].want);
        if (rows[i].never)
            CHECK(strstr(t, rows[i].never) == NULL);
        free(t);
    }
}

/* The title draws the scene's action or none: a verb the scene writer
 * read as a state ("rolling in wealth", "played out": be exhausted) is
 * no action in the title either. */
TEST(english_title_makes_up_no_action)
{
    static const tcast cast[] = {{"Tom", NULL, 0, LS_GENDER_MALE}};
    static const char *const nars[] = {
        "And when the middle of the afternoon came, Tom was literally rolling in wealth.",
        "When Tom played out, the others bought in.",
    };
    for (size_t i = 0; i < sizeof nars / sizeof nars[0]; i++) {
        char *t = title_of(LSLEX_EN, nars[i], cast, 1);
        CHECK(strstr(t, "rolling") == NULL && strstr(t, "playing") == NULL);
        free(t);
    }
}

RUN_TESTS(german_titles_are_phrases, german_article_from_the_text, french_article_from_the_dictionary, french_titles_are_phrases,
          phrase_titles_name_who_is_drawn, more_phrase_titles, english_settings_are_places,
          english_title_makes_up_no_action)
