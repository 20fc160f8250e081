/* test_desc_role.c - who the cast are, read where the book says it: the
 * role phrase at a name ("Jim, the small colored boy", "le vieux pêcheur",
 * "der alte Fischer") becomes the description's noun, with its span;
 * honorifics (Mr./Mrs./Miss/M./Herr/Frau/Fräulein) say sex and make a
 * grown-up, never "a boy"; a thing is carried only by the one holding it,
 * nothing is taken from someone else's words ("Tom sent a boy ... with a
 * blazing stick"), nor from a compound ("her old hair trunk"); and on Tom
 * Sawyer the boys are boys, the women women, the men men, every span in a
 * sentence that names its character. Hand-made en/de/fr texts and the
 * corpus. */
#include "desc.h"
#include "ideas.h"
#include "t.h"
#include "t_corpus.h"

#define MAXC 4

typedef struct {
    longsd_story *s;
    ls_character c[MAXC];
    ls_desc_spans sp[MAXC];
    size_t n;
} dfx;

/* Describe the named characters of text (sex as given, 0 unknown). */
static void run(dfx *f, const char *text, const char *const *names, const int *sex, size_t n)
{
    lserr err = {0, ""};
    memset(f, 0, sizeof *f);
    REQUIRE(n <= MAXC);
    REQUIRE(ls_story_ingest("t.txt", text, strlen(text), NULL, &f->s, &err) == LONGSD_OK);
    for (size_t i = 0; i < n; i++) {
        f->c[i].name = f->c[i].full_name = (char *)names[i];
        f->c[i].description = longsd__strdup("");
        f->c[i].gender = sex[i];
    }
    f->n = n;
    REQUIRE(ls_cast_describe(f->s, f->c, n, f->sp) == LONGSD_OK);
}

static void done(dfx *f)
{
    for (size_t i = 0; i < f->n; i++)
        longsd__free(f->c[i].description);
    longsd_story_free(f->s);
}

/* The text of span k of character i. */
static void span_text(const dfx *f, size_t i, size_t k, char *buf, size_t cap)
{
    snprintf(buf, cap, "%.*s", (int)(f->sp[i].end[k] - f->sp[i].start[k]), f->s->data + f->sp[i].start[k]);
}

TEST(apposition_gives_the_noun_and_its_span)
{
    dfx f;
    const char *names[] = {"Jim", "Tom"};
    const int sex[] = {LS_GENDER_MALE, LS_GENDER_MALE};
    run(&f,
        "Tom went home barely in time to help Jim. Jim, the small colored boy, came skipping out at the gate. "
        "Jim sat down on the step and sang a song.\n\n"
        "Tom looked at the fence and sighed. The sun was shining on the village.\n\n",
        names, sex, 2);
    CHECK_STR(f.c[0].description, "a small colored boy");
    CHECK_INT(f.c[0].age, LS_AGE_CHILD); /* the apposition's "boy" */
    REQUIRE(f.sp[0].n >= 1);
    char buf[64];
    span_text(&f, 0, 0, buf, sizeof buf);
    CHECK_STR(buf, "small colored boy");
    CHECK(!strstr(f.c[1].description, "colored")); /* Tom is named in that paragraph, not described */
    done(&f);

    /* "Nat, the old fisherman's son": the fisherman is someone else */
    const char *nat[] = {"Nat"};
    run(&f,
        "Nat, the old fisherman's son, pushed the boat into the water. Nat rowed out past the rocks.\n\n"
        "The gulls cried over the harbour and the wind was cold.\n\n",
        nat, sex, 1);
    CHECK(!strstr(f.c[0].description, "fisherman"));
    done(&f);
}

TEST(role_noun_before_the_name_and_in_other_languages)
{
    dfx f;
    const char *en[] = {"Nat"};
    const int male[] = {LS_GENDER_MALE};
    run(&f,
        "In the morning the old fisherman Nat pushed his boat into the water. Nat rowed out past the rocks.\n\n"
        "The gulls cried over the harbour and the wind was cold.\n\n",
        en, male, 1);
    CHECK_STR(f.c[0].description, "an old fisherman");
    done(&f);

    const char *de[] = {"Hans"};
    run(&f,
        "Am Morgen stand Hans am Ufer. Hans, der alte Fischer, zog sein Boot auf den Sand und sah auf das Meer.\n\n"
        "Die M\xC3\xB6wen schrien \xC3\xBC" "ber dem Hafen, und der Wind war kalt und nass.\n\n",
        de, male, 1);
    CHECK_CONTAINS(f.c[0].description, "fisherman");
    REQUIRE(f.sp[0].n >= 1);
    char buf[64];
    span_text(&f, 0, 0, buf, sizeof buf);
    CHECK_CONTAINS(buf, "Fischer"); /* the span is the book's own words */
    done(&f);

    const char *fr[] = {"Pierre"};
    run(&f,
        "Le matin, Pierre descendit vers la mer. Pierre, le vieux p\xC3\xAA" "cheur, poussa sa barque dans l'eau et "
        "regarda les rochers.\n\nLes mouettes criaient au-dessus du port, et le vent \xC3\xA9tait froid.\n\n",
        fr, male, 1);
    CHECK_CONTAINS(f.c[0].description, "fisherman");
    CHECK_CONTAINS(f.c[0].description, "old");
    done(&f);
}

TEST(role_against_sex_is_dropped)
{
    /* "Madame Durand, sa voisine" said where a man's surname is named: a
     * feminine noun is no description of him */
    dfx f;
    const char *fr[] = {"Durand"};
    const int male[] = {LS_GENDER_MALE};
    run(&f,
        "Le soir, Durand rentra chez lui. Durand, sa voisine, ouvrit la porte et regarda la rue.\n\n"
        "Il pleuvait sur la place, et le village dormait d\xC3\xA9j\xC3\xA0.\n\n",
        fr, male, 1);
    CHECK(!strstr(f.c[0].description, "neighbo"));
    done(&f);
}

TEST(honorifics_make_grown_ups_of_their_sex)
{
    dfx f;
    const char *fr[] = {"M. Dupont", "Mlle Rose"};
    const int unknown[] = {0, 0};
    /* kin, "ce brave garçon", "le garçon" right after: none makes a boy of Monsieur */
    run(&f,
        "M. Dupont entra dans la cuisine. M. Dupont embrassa sa m\xC3\xA8re et sa tante. Ce brave gar\xC3\xA7on "
        "souriait. M. Dupont alla \xC3\xA0 l'\xC3\xA9" "cole avec sa m\xC3\xA8re.\n\n"
        "Mlle Rose chantait dans le jardin. Mlle Rose cueillait des fleurs pour sa m\xC3\xA8re.\n\n",
        fr, unknown, 2);
    CHECK_INT(f.c[0].gender, LS_GENDER_MALE);
    CHECK(f.c[0].age != LS_AGE_CHILD);
    CHECK_STR(f.c[0].description, "a man");
    CHECK_INT(f.c[1].gender, LS_GENDER_FEMALE);
    CHECK_INT(f.c[1].age, LS_AGE_YOUNG);
    CHECK_STR(f.c[1].description, "a young woman");
    done(&f);

    const char *de[] = {"Herr Weber", "Frau Weber", "Fr\xC3\xA4ulein Anna"};
    const int unknown3[] = {0, 0, 0};
    run(&f,
        "Herr Weber sa\xC3\x9F am Tisch und las die Zeitung. Frau Weber kochte in der K\xC3\xBC" "che. "
        "Fr\xC3\xA4ulein Anna spielte im Garten mit dem Hund.\n\n"
        "Herr Weber stand auf. Frau Weber rief ihn. Fr\xC3\xA4ulein Anna lachte.\n\n",
        de, unknown3, 3);
    CHECK_STR(f.c[0].description, "a man");
    CHECK_STR(f.c[1].description, "a woman");
    CHECK_STR(f.c[2].description, "a young woman");
    done(&f);

    /* the title in the text, before most of the mentions of a bare name */
    const char *en[] = {"Brown"};
    run(&f,
        "Mr. Brown came in from the rain. The boy at the door took his hat. Mr. Brown sat down by the fire.\n\n"
        "Mr. Brown read the letter twice. Brown folded it and put it away.\n\n",
        en, unknown, 1);
    CHECK_INT(f.c[0].gender, LS_GENDER_MALE);
    CHECK(f.c[0].age != LS_AGE_CHILD);
    CHECK_STR(f.c[0].description, "a man");
    done(&f);
}

TEST(things_only_from_their_own_clause)
{
    dfx f;
    const char *names[] = {"Tom", "Mary"};
    const int sex[] = {LS_GENDER_MALE, LS_GENDER_FEMALE};
    run(&f,
        "One time Tom sent a boy to run about town with a blazing stick. Tom walked on with a lantern.\n\n"
        "Tom pulled her long hair. Mary sat by her old hair trunk, which was open.\n\n"
        "The night was dark over the river.\n\n",
        names, sex, 2);
    CHECK(!strstr(f.c[0].description, "stick")); /* the other boy's */
    CHECK(!strstr(f.c[0].description, "lantern")); /* walking with it is not holding it */
    CHECK(!strstr(f.c[0].description, "hair")); /* hers */
    CHECK(!strstr(f.c[1].description, "hair")); /* a trunk */
    CHECK_STR(f.c[0].description, "a man"); /* a neutral word, not a wrong detail */
    done(&f);

    run(&f,
        "Tom held a smoky lantern and looked down the road. Mary came along the path.\n\n"
        "Later Mary, with a long cane in her hand, crossed the bridge.\n\n",
        names, sex, 2);
    CHECK_CONTAINS(f.c[0].description, "lantern");
    CHECK_CONTAINS(f.c[1].description, "cane");
    done(&f);
}

TEST(stated_ages_attached_to_the_name)
{
    dfx f;
    const char *en[] = {"Anna"};
    const int fem[] = {LS_GENDER_FEMALE};
    run(&f,
        "Anna, a girl of seventeen, stood at the window. Anna watched the rain on the street.\n\n"
        "The carriage passed the house and turned the corner.\n\n",
        en, fem, 1);
    CHECK_INT(f.c[0].age, LS_AGE_YOUNG);
    CHECK_STR(f.c[0].description, "a young woman"); /* "girl" at seventeen is no child's */
    done(&f);

    const char *fr[] = {"Marie"};
    run(&f,
        "Marie avait quinze ans. Marie regardait la pluie tomber sur la rue, et la voiture passa devant la "
        "maison.\n\nLe soir tombait sur le village.\n\n",
        fr, fem, 1);
    CHECK_INT(f.c[0].age, LS_AGE_CHILD);
    done(&f);
    run(&f,
        "Marie habitait la maison depuis quinze ans. Marie regardait la pluie tomber sur la rue, et la voiture "
        "passa devant la maison.\n\nLe soir tombait sur le village.\n\n",
        fr, fem, 1);
    CHECK(f.c[0].age != LS_AGE_CHILD); /* a time, not her age */
    done(&f);
}

static const ls_character *who(const ls_character *c, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c[i].name, name))
            return &c[i];
    fprintf(stderr, "  no character %s\n", name);
    return NULL;
}

/* Does the sentence holding byte at name one of c's words? */
static int sentence_names(const longsd_story *s, size_t at, const ls_character *c)
{
    for (size_t i = 0; i < s->n_sentences; i++) {
        const ls_sentence *sn = &s->sentences[i];
        if (at < sn->start || at >= sn->end)
            continue;
        const char *last = strrchr(c->name, ' ');
        const char *word = last ? last + 1 : c->name;
        return memmem(s->data + sn->start, sn->end - sn->start, word, strlen(word)) != NULL;
    }
    return 0;
}

TEST(tom_sawyer_precision)
{
    lserr err = {0, ""};
    longsd_story *s = load_corpus("en-twain1.txt");
    ls_character *c = NULL;
    size_t n = 0;
    ls_desc_spans *sp = NULL;
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    sp = calloc(n, sizeof *sp);
    REQUIRE(sp);
    REQUIRE(ls_cast_describe(s, c, n, sp) == LONGSD_OK);
    static const char *const boys[] = {"Tom", "Huck", "Ben", "Joe", "Sid"};
    for (size_t i = 0; i < sizeof boys / sizeof boys[0]; i++) {
        const ls_character *b = who(c, n, boys[i]);
        REQUIRE(b);
        CHECK_INT(b->age, LS_AGE_CHILD);
        CHECK_CONTAINS(b->description, "boy");
    }
    static const char *const women[] = {"Aunt Polly", "Widow Douglas"};
    for (size_t i = 0; i < 2; i++) {
        const ls_character *w = who(c, n, women[i]);
        REQUIRE(w);
        CHECK_INT(w->gender, LS_GENDER_FEMALE);
        CHECK(w->age != LS_AGE_CHILD);
        CHECK(!strstr(w->description, "girl"));
    }
    static const char *const men[] = {"Injun Joe", "Muff Potter"};
    for (size_t i = 0; i < 2; i++) {
        const ls_character *m = who(c, n, men[i]);
        REQUIRE(m);
        CHECK_INT(m->gender, LS_GENDER_MALE);
        CHECK(m->age != LS_AGE_CHILD);
        CHECK_CONTAINS(m->description, "man");
    }
    /* never a detail from another character's sentence */
    size_t checked = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sp[i].n; k++, checked++)
            if (!sentence_names(s, sp[i].start[k], &c[i])) {
                fprintf(stderr, "  %s: span %zu..%zu outside a sentence naming them\n", c[i].name, sp[i].start[k],
                        sp[i].end[k]);
                CHECK(0);
            }
    CHECK(checked >= 2); /* "a small colored boy", "gray hair": the check saw spans */
    free(sp);
    ls_cast_free(c, n);
    longsd_story_free(s);
}

/* A noun after the name's comma that a verb follows opens a clause, no
 * apposition ("s'écria Pierre, le médecin va venir": the doctor is who
 * comes); and the word after a French role noun is written only when it
 * is an adjective a painter uses (it gave "a walk doctor", from "va"). */
TEST(apposition_is_no_new_clause)
{
    dfx f;
    const char *fr[] = {"Pierre"};
    const int male[] = {LS_GENDER_MALE};
    run(&f,
        "Le soir, Pierre rentra chez lui.\n\n--Non, tu ne vas pas mourir, s'\xC3\xA9" "cria Pierre, le m\xC3\xA9"
        "decin va venir. Nous avons du pain.\n\nIl pleuvait sur la place, et le village dormait.\n\n",
        fr, male, 1);
    CHECK(!strstr(f.c[0].description, "walk"));
    CHECK(!strstr(f.c[0].description, "doctor"));
    done(&f);
    run(&f,
        "Le soir, Pierre rentra chez lui. Pierre, le vieux m\xC3\xA9" "decin, ouvrit la porte et regarda la rue.\n\n"
        "Il pleuvait sur la place, et le village dormait.\n\n",
        fr, male, 1);
    CHECK_STR(f.c[0].description, "an old doctor");
    done(&f);
}

RUN_TESTS(apposition_gives_the_noun_and_its_span, role_noun_before_the_name_and_in_other_languages,
          role_against_sex_is_dropped, apposition_is_no_new_clause, honorifics_make_grown_ups_of_their_sex, things_only_from_their_own_clause,
          stated_ages_attached_to_the_name, tom_sawyer_precision)
