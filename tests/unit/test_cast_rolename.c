/* test_cast_rolename.c - a role and a name that are one person: joined on
 * apposition ("die Schwester Grete", "Anna, the nurse") or a call
 * answered by the role, kept apart without such evidence. Hand-made
 * texts in the manner of public-domain novels. */
#include "desc.h"
#include "ideas.h"
#include "t.h"

typedef struct {
    longsd_story *s;
    ls_character *c;
    size_t n;
} rnfx;

static void cast_of(rnfx *f, const char *text)
{
    lserr err = {0, ""};
    memset(f, 0, sizeof *f);
    REQUIRE(ls_story_ingest("t.txt", text, strlen(text), NULL, &f->s, &err) == LONGSD_OK);
    REQUIRE(ls_cast_find(f->s, 0, &f->c, &f->n, &err) == LONGSD_OK);
    REQUIRE(ls_cast_describe(f->s, f->c, f->n, NULL) == LONGSD_OK);
}

static void fx_free(rnfx *f)
{
    ls_cast_free(f->c, f->n);
    longsd_story_free(f->s);
}

static const ls_character *who(const rnfx *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->c[i].name, name))
            return &f->c[i];
    return NULL;
}

static int has_alias(const ls_character *c, const char *a)
{
    for (size_t i = 0; i < c->n_aliases; i++)
        if (!strcmp(c->aliases[i], a))
            return 1;
    return 0;
}

/* the German role, acting often, then the name in apposition once */
static const char SISTER_DE[] =
    "Gregor lag lange im Bett und sah zum Fenster. Die Schwester kam am Morgen herein. "
    "Die Schwester brachte ihm Milch. Die Schwester ging wieder hinaus. Die Schwester weinte leise. "
    "Die Schwester sagte nichts. Die Schwester lachte am Abend.\n\n"
    "Am Sonntag spielte die Schwester Grete auf der Violine. Grete kam dann zu ihm. Grete ging. "
    "Grete sah ihn an. Grete schwieg.\n";

TEST(german_role_and_name_in_apposition_are_one)
{
    rnfx f;
    cast_of(&f, SISTER_DE);
    const ls_character *g = who(&f, "Grete");
    REQUIRE(g != NULL);
    CHECK(who(&f, "Schwester") == NULL);
    CHECK(has_alias(g, "Schwester"));
    CHECK(g->mentions >= 10); /* both's mentions */
    CHECK_STR(g->role, "schwester");
    CHECK_INT(g->gender, LS_GENDER_FEMALE);
    CHECK_STR(g->description, "a young woman"); /* a sister: a young woman, not "a sister" */
    for (size_t i = 1; i < f.n; i++)
        CHECK(f.c[i - 1].mentions >= f.c[i].mentions); /* still most mentioned first */
    fx_free(&f);
}

/* called by name, answered by the role: the same person */
static const char SISTER_CALL_DE[] =
    "Gregor lag lange im Bett und sah zum Fenster. Die Schwester kam am Morgen herein. "
    "Die Schwester brachte ihm Milch. Die Schwester ging wieder hinaus. Die Schwester weinte leise. "
    "Die Schwester sagte nichts. Die Schwester lachte am Abend.\n\n"
    "\u00BBUm Gottes willen,\u00AB rief die Mutter, \u00BBer ist krank. Grete! Grete!\u00AB schrie sie dann. "
    "\u00BBMutter?\u00AB rief die Schwester von der anderen Seite.\n\n"
    "Grete kam dann zu ihm. Grete ging. Grete sah ihn an. Grete schwieg.\n";

TEST(german_call_answered_by_the_role_is_one)
{
    rnfx f;
    cast_of(&f, SISTER_CALL_DE);
    const ls_character *g = who(&f, "Grete");
    REQUIRE(g != NULL);
    CHECK(who(&f, "Schwester") == NULL);
    CHECK(has_alias(g, "Schwester"));
    fx_free(&f);
}

/* no tie between the name and the role: two people */
static const char TWO_DE[] =
    "Gregor lag lange im Bett und sah zum Fenster. Die Schwester kam am Morgen herein. "
    "Die Schwester brachte ihm Milch. Die Schwester ging wieder hinaus. Die Schwester weinte leise. "
    "Die Schwester sagte nichts. Die Schwester lachte am Abend.\n\n"
    "Grete kam dann zu ihm. Grete ging. Grete sah ihn an. Grete schwieg.\n";

TEST(german_role_and_name_without_evidence_stay_apart)
{
    rnfx f;
    cast_of(&f, TWO_DE);
    CHECK(who(&f, "Grete") != NULL);
    CHECK(who(&f, "Schwester") != NULL);
    fx_free(&f);
}

/* French: "le commandant Farragut" ties the role to the name */
static const char CAPTAIN_FR[] =
    "Le commandant monta sur le pont. Le commandant regarda la mer. Le commandant donna un ordre. "
    "Le commandant cria vers les matelots. Le commandant se tut. Le commandant redescendit.\n\n"
    "Ce soir-l\u00E0, le commandant Farragut fit allumer les feux. Farragut attendit. Farragut parla "
    "aux hommes. Farragut dormit peu.\n";

TEST(french_role_before_the_name_is_one)
{
    rnfx f;
    cast_of(&f, CAPTAIN_FR);
    const ls_character *c = who(&f, "Farragut");
    REQUIRE(c != NULL);
    CHECK(who(&f, "le commandant") == NULL);
    CHECK(c->mentions >= 10);
    fx_free(&f);
}

/* a woman's name is never "the father", whatever the text puts near */
static const char FATHER_EN[] =
    "The father went down to the mill. The father said nothing. The father looked at the sky. "
    "The father walked home. The father sighed. The father slept.\n\n"
    "\"Elizabeth, come here!\" cried the mother. \"Yes,\" said the father from the garden. "
    "Then Elizabeth ran down the lane, and soon Elizabeth laughed. At noon Elizabeth sang. She was happy, "
    "and she sang again, and then Elizabeth slept.\n";

TEST(sexes_must_agree)
{
    rnfx f;
    cast_of(&f, FATHER_EN);
    const ls_character *e = who(&f, "Elizabeth");
    REQUIRE(e != NULL);
    CHECK(!has_alias(e, "the father"));
    fx_free(&f);
}

/* the hero's family: "der Vater" acts all through, "Herr Brenner" (the
 * hero is "Anton Brenner", written once) in the narration near the end */
static const char FAMILY_DE[] =
    "Als Anton Brenner eines Morgens erwachte, lag er lange im Bett. Anton sah zum Fenster. "
    "\xC2\xBBJa\xC2\xAB, sagte Anton. \xC2\xBBGleich\xC2\xAB, rief Anton.\n\n"
    "Der Vater klopfte an die T\xC3\xBCr. Der Vater rief laut. Der Vater ging in die K\xC3\xBC" "che. "
    "Die Mutter weinte leise. Die Mutter sa\xC3\x9F am Tisch. Die Mutter schwieg. Anton h\xC3\xB6rte alles. "
    "Der Vater las die Zeitung. Der Vater schlief im Sessel. Anton kroch unter das Sofa.\n\n"
    "Die Mutter brachte Milch. Der Vater trat ein. Anton schwieg.\n\n"
    "Am Abend stand Herr Brenner am Fenster. Frau Brenner kam im Nachthemd herein. "
    "Herr Brenner sagte nichts, und Frau Brenner setzte sich. Dann ging Herr Brenner hinaus, "
    "und Frau Brenner weinte.\n";

TEST(kin_role_and_the_heros_surname_are_one)
{
    rnfx f;
    cast_of(&f, FAMILY_DE);
    const ls_character *v = who(&f, "Vater");
    REQUIRE(v != NULL);
    CHECK(has_alias(v, "Herr Brenner"));
    CHECK_STR(v->role, "vater");
    CHECK(who(&f, "Herr Brenner") == NULL);
    const ls_character *m = who(&f, "Mutter");
    REQUIRE(m != NULL);
    CHECK(has_alias(m, "Frau Brenner"));
    CHECK(!has_alias(v, "Frau Brenner") && !has_alias(m, "Herr Brenner"));
    fx_free(&f);
}

/* the same without the hero's surname anywhere: "Herr Brenner" may be any
 * man of the house, the father stays himself */
TEST(kin_role_and_another_surname_stay_apart)
{
    char *t = strdup(FAMILY_DE);
    REQUIRE(t != NULL);
    char *p = strstr(t, "Anton Brenner");
    REQUIRE(p != NULL);
    memcpy(p + 6, "Huber  ", 7); /* "Anton Huber  eines Morgens" */
    rnfx f;
    cast_of(&f, t);
    const ls_character *v = who(&f, "Vater");
    REQUIRE(v != NULL);
    CHECK(!has_alias(v, "Herr Brenner"));
    CHECK(who(&f, "Herr Brenner") != NULL);
    fx_free(&f);
    free(t);
}

/* a friend's name for a man the narration calls by his title: "Ned" is
 * only said in dialogue, and each time the answer is tagged "Lord Arthur" */
static const char CALLED_EN[] =
    "Lord Arthur stood by the window of the studio. The painter worked at his easel.\n\n"
    "\"You are late again, Ned,\" said the painter, without looking up.\n\n"
    "\"I am never late,\" answered Lord Arthur, and he sat down on the divan.\n\n"
    "\"Then you are early, Ned. Sit still and do not talk.\"\n\n"
    "\"I always talk,\" said Lord Arthur, laughing.\n\n"
    "The painter put down his brush and looked at the garden. Lord Arthur lit a cigarette.\n\n"
    "\"Ned, you must not say such things to him,\" said the painter.\n\n"
    "\"Why not?\" asked Lord Arthur. \"He likes to hear them.\"\n\n"
    "\"He is too young for you, Ned.\"\n\n"
    "\"Nobody is too young,\" murmured Lord Arthur, and he smiled.\n\n"
    "Lord Arthur walked across the room and opened the door. Lord Arthur went out.\n";

TEST(a_name_only_called_and_answered_by_one_man_is_his)
{
    rnfx f;
    cast_of(&f, CALLED_EN);
    const ls_character *a = who(&f, "Arthur");
    REQUIRE(a != NULL);
    CHECK(has_alias(a, "Ned"));
    CHECK(who(&f, "Ned") == NULL);
    fx_free(&f);
}

/* a name the narration uses too is a person of its own, and a form of
 * address ("Pal", "Sire") is anyone's: neither becomes the answerer's alias */
TEST(a_called_name_that_also_acts_stays_apart)
{
    size_t len = strlen(CALLED_EN);
    char *t = malloc(len + 400);
    REQUIRE(t != NULL);
    strcpy(t, CALLED_EN);
    strcat(t, "\nNed came in from the garden. Ned sat down. Ned laughed at them both. Ned went home. "
              "Ned slept. Ned woke at noon. Ned ate his bread. Ned looked out at the rain.\n");
    rnfx f;
    cast_of(&f, t);
    const ls_character *a = who(&f, "Arthur");
    REQUIRE(a != NULL);
    CHECK(!has_alias(a, "Ned"));
    CHECK(who(&f, "Ned") != NULL);
    fx_free(&f);
    /* "Pal" in place of "Ned" */
    strcpy(t, CALLED_EN);
    for (char *p = strstr(t, "Ned"); p; p = strstr(p, "Ned"))
        memcpy(p, "Pal", 3);
    cast_of(&f, t);
    a = who(&f, "Arthur");
    REQUIRE(a != NULL);
    CHECK(!has_alias(a, "Pal"));
    fx_free(&f);
    free(t);
}

RUN_TESTS(german_role_and_name_in_apposition_are_one, german_call_answered_by_the_role_is_one,
          german_role_and_name_without_evidence_stay_apart, french_role_before_the_name_is_one, sexes_must_agree,
          kin_role_and_the_heros_surname_are_one, kin_role_and_another_surname_stay_apart,
          a_name_only_called_and_answered_by_one_man_is_his, a_called_name_that_also_acts_stays_apart)
