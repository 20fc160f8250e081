/* test_desc_age.c - how old the cast is, from what the book calls them
 * (desc_age.c): children come out as "a boy" / "a girl" where the text
 * says so ("little Jim", "ten years old", "the other boys", "we boys",
 * a diminutive, a boy before the name), grown-ups stay grown-up, and a
 * word of another language ("kind", "son") or of someone else ("him ...
 * The man") is no evidence. Corpus books and hand-made texts. */
#include "desc.h"
#include "ideas.h"
#include "t.h"
#include "t_corpus.h"

typedef struct {
    longsd_story *s;
    ls_character *c;
    size_t n;
} agefx;

static void described(agefx *f, longsd_story *s)
{
    lserr err = {0, ""};
    f->s = s;
    REQUIRE(ls_cast_find(f->s, 0, &f->c, &f->n, &err) == LONGSD_OK);
    REQUIRE(ls_cast_describe(f->s, f->c, f->n, NULL) == LONGSD_OK);
}

static void of_text(agefx *f, const char *text)
{
    lserr err = {0, ""};
    longsd_story *s = NULL;
    REQUIRE(ls_story_ingest("t.txt", text, strlen(text), NULL, &s, &err) == LONGSD_OK);
    described(f, s);
}

static void fx_free(agefx *f)
{
    ls_cast_free(f->c, f->n);
    longsd_story_free(f->s);
}

static const ls_character *who(const agefx *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->c[i].name, name))
            return &f->c[i];
    fprintf(stderr, "  no character %s\n", name);
    return NULL;
}

TEST(fence_boys)
{
    agefx f;
    described(&f, load_corpus("en-twain1-ch2-fence.txt"));
    const ls_character *tom = who(&f, "Tom"), *ben = who(&f, "Ben");
    REQUIRE(tom && ben);
    CHECK_INT(tom->age, LS_AGE_CHILD); /* "from being a poor poverty-stricken boy ..., Tom was" */
    CHECK_STR(tom->description, "a boy");
    CHECK_INT(ben->age, LS_AGE_CHILD); /* "Ben Rogers hove in sight -- the very boy" */
    fx_free(&f);
}

TEST(abroad_boys_and_old_jim)
{
    agefx f;
    described(&f, load_corpus("en-twain3.txt"));
    const ls_character *huck = who(&f, "Huck"), *tom = who(&f, "Tom"), *jim = who(&f, "Jim"), *nat = who(&f, "Nat");
    REQUIRE(huck && tom && jim && nat);
    CHECK(huck->narrator);
    CHECK_INT(huck->age, LS_AGE_CHILD); /* addressed as "boys" */
    CHECK_INT(tom->age, LS_AGE_CHILD);  /* "a backwoods Missouri boy ... Tom Sawyer", "his aunt Polly" */
    CHECK_STR(tom->description, "a boy");
    CHECK(jim->age != LS_AGE_CHILD); /* "poor old Jim"; "a kind of tailor" is no German Kind */
    CHECK_INT(nat->age, LS_AGE_OLD);
    fx_free(&f);
}

TEST(tom_sawyer_grown_ups_stay_grown_up)
{
    agefx f;
    described(&f, load_corpus("en-twain1.txt"));
    const char *kids[] = {"Tom", "Huck", "Becky", "Joe", "Sid"};
    for (size_t i = 0; i < sizeof kids / sizeof kids[0]; i++) {
        const ls_character *c = who(&f, kids[i]);
        REQUIRE(c);
        CHECK_INT(c->age, LS_AGE_CHILD);
    }
    const char *adults[] = {"Injun Joe", "Muff Potter", "Aunt Polly", "Widow Douglas"};
    for (size_t i = 0; i < sizeof adults / sizeof adults[0]; i++) {
        const ls_character *c = who(&f, adults[i]);
        REQUIRE(c);
        CHECK(c->age != LS_AGE_CHILD);
    }
    fx_free(&f);
}

static const char LITTLE_JIM[] =
    "The cart came down the road, and then little Jim waved at it from the hedge.\n\n"
    "The farmer stopped the cart, and soon Jim climbed on it. In the sun Jim laughed and sang.\n\n"
    "By the river walked Anna with a basket. That summer Anna was ten years old. At the mill Anna picked flowers.\n\n"
    "Across the field ran Peter with a stick. At the geese Peter shouted. By the pond Peter and the other boys threw stones.\n\n"
    "In the yard Walter knocked him down. The man fell into the mud. Then Walter went home, and later Walter ate his supper.\n\n"
    "In the village Sam was a kind fellow. To the mill Sam walked. By the fire Sam sat.\n\n";

TEST(evidence_in_the_narration)
{
    agefx f;
    of_text(&f, LITTLE_JIM);
    const ls_character *jim = who(&f, "Jim"), *anna = who(&f, "Anna"), *peter = who(&f, "Peter"),
                       *walter = who(&f, "Walter"), *sam = who(&f, "Sam");
    REQUIRE(jim && anna && peter && walter && sam);
    CHECK_INT(jim->age, LS_AGE_CHILD);   /* "little Jim" */
    CHECK_INT(anna->age, LS_AGE_CHILD);  /* "ten years old" */
    CHECK_INT(peter->age, LS_AGE_CHILD); /* "Peter and the other boys" */
    CHECK(walter->age != LS_AGE_ADULT);  /* "The man" after "knocked him down" is him, not Walter */
    CHECK(sam->age != LS_AGE_CHILD);     /* "kind" is German for child, not English */
    fx_free(&f);
}

static const char WE_BOYS[] =
    "I went down to the river with Tom in the morning, and I saw that Tom had a line and a can of worms.\n\n"
    "We boys sat on the raft all day and I caught a catfish. I laughed, because Tom caught nothing at all.\n\n"
    "I was hungry, and I went home to my supper. I slept in the loft. I dreamed of the river and my raft.\n\n"
    "At dawn Tom came for me. I took my line and we went. I liked the river best of all, and so did Tom.\n\n"
    "Then me and Jim went down to the mill, and me and Jim sat by the fire while Jim smoked his pipe.\n\n";

TEST(first_person_we_boys)
{
    agefx f;
    char text[4 * sizeof WE_BOYS];
    text[0] = '\0';
    for (int i = 0; i < 3; i++)
        strcat(text, WE_BOYS); /* 30+ first-person pronouns make a narrator */
    of_text(&f, text);
    const ls_character *me = NULL;
    for (size_t i = 0; i < f.n; i++)
        if (f.c[i].narrator)
            me = &f.c[i];
    REQUIRE(me);
    CHECK_INT(me->age, LS_AGE_CHILD);
    const ls_character *jim = who(&f, "Jim");
    REQUIRE(jim);
    CHECK(jim->age != LS_AGE_CHILD); /* "me and Jim": a boy may go about with a grown-up */
    fx_free(&f);
}

/* a boy narrator's companion, never called a boy himself, but counted
 * among "the boys" and going about as "Ned and me"; the grown man he
 * also goes with ("me and Sam") is never among them */
static const char US_BOYS[] =
    "I went down to the river in the morning. We boys sat on the raft all day and I caught a catfish.\n\n"
    "Ned and me crept out of the window after supper. I was scared, and I held my breath.\n\n"
    "We found Ned at the tanyard with the rest of the boys, and I told them about the cave.\n\n"
    "Then me and Ned went home. I slept in the loft and I dreamed of the river.\n\n"
    "Me and Sam went to the mill, and Sam smoked his pipe while I fished. I liked Sam.\n\n"
    "All the boys laughed when Ned fell in the creek. He swore, and he shook his fist at us.\n\n"
    "Ned and me ate our bread on the bank. Then me and Sam rowed across, and Sam sang. I listened.\n\n";

TEST(first_person_companion_among_the_boys)
{
    agefx f;
    char text[4 * sizeof US_BOYS];
    text[0] = '\0';
    for (int i = 0; i < 3; i++)
        strcat(text, US_BOYS);
    of_text(&f, text);
    const ls_character *me = NULL;
    for (size_t i = 0; i < f.n; i++)
        if (f.c[i].narrator)
            me = &f.c[i];
    REQUIRE(me);
    CHECK_INT(me->age, LS_AGE_CHILD);
    const ls_character *ned = who(&f, "Ned"), *sam = who(&f, "Sam");
    REQUIRE(ned && sam);
    CHECK_INT(ned->age, LS_AGE_CHILD);
    CHECK(strstr(ned->description, "boy") != NULL);
    CHECK(sam->age != LS_AGE_CHILD); /* "me and Sam" alone: a boy goes about with grown-ups too */
    fx_free(&f);
}

static const char GRETCHEN[] =
    "Da ging Gretchen in den Wald. \"Wie schön\", sagte Gretchen, und sie sang ein Lied unter den Bäumen.\n\n"
    "Da lebten kleine Künige im Lande. Der Künig ritt auf die Jagd, und der Künig sprach zu dem Jäger.\n\n"
    "Dann lief Gretchen nach Hause zu der Mutter. \"Ich bin da\", rief Gretchen. Der Künig kam, und der Künig lachte.\n\n";

TEST(german_diminutive_and_petty_kings)
{
    agefx f;
    of_text(&f, GRETCHEN);
    const ls_character *g = who(&f, "Gretchen");
    REQUIRE(g);
    CHECK_INT(g->age, LS_AGE_CHILD); /* -chen */
    for (size_t i = 0; i < f.n; i++)
        if (f.c[i].role)
            CHECK(f.c[i].age != LS_AGE_CHILD); /* "kleine Künige" are petty kings */
    fx_free(&f);
}

TEST(role_nouns_say_the_sex)
{
    agefx f;
    described(&f, load_corpus("de-grimm2.txt"));
    const ls_character *moder = who(&f, "Moder"), *vader = who(&f, "Vader");
    REQUIRE(moder && vader);
    CHECK_INT(moder->gender, LS_GENDER_FEMALE); /* Low German "de Moder": the mother */
    CHECK_STR(moder->description, "a woman");
    CHECK_INT(vader->gender, LS_GENDER_MALE);
    fx_free(&f);

    /* French: the article of a role says the sex whatever the pronouns
     * near it ("la baronne ... il"), and the rank noun takes that sex */
    const ls_character c0 = {0};
    ls_character cast[1] = {c0};
    cast[0].name = cast[0].full_name = "la comtesse";
    cast[0].role = "comtesse";
    cast[0].gender = LS_GENDER_MALE; /* what pronouns near her might have said */
    cast[0].description = longsd__strdup("");
    lserr err = {0, ""};
    longsd_story *s = NULL;
    const char *fr = "La comtesse entra dans le salon. Il faisait froid, et la comtesse s'assit pr\xC3\xA8s du feu.\n\n";
    REQUIRE(ls_story_ingest("t.txt", fr, strlen(fr), NULL, &s, &err) == LONGSD_OK);
    CHECK_STR(s->lang, "fr");
    REQUIRE(ls_cast_describe(s, cast, 1, NULL) == LONGSD_OK);
    CHECK_INT(cast[0].gender, LS_GENDER_FEMALE);
    CHECK_STR(cast[0].description, "a countess"); /* the dictionary's "earl", in her sex */
    longsd__free(cast[0].description);
    longsd_story_free(s);
}

TEST(allocation_failures)
{
    agefx f;
    of_text(&f, LITTLE_JIM);
    for (int k = 1; k < 40; k++) {
        for (size_t i = 0; i < f.n; i++)
            f.c[i].age = 0;
        longsd__alloc_fail_after = k;
        longsd_status st = ls_cast_ages(f.s, f.c, f.n);
        longsd__alloc_fail_after = -1;
        CHECK(st == LONGSD_OK || st == LONGSD_ERR_NOMEM);
    }
    fx_free(&f);
}

/* "my old Jim", "good old Jim", "poor old Jim": affection, not age; and
 * one "old Jim" among many mentions makes no old man */
TEST(fond_old_is_no_age)
{
    agefx f;
    char text[8192] = "";
    for (int i = 0; i < 20; i++)
        strcat(text, "In the morning Jim went down to the river, and then Jim sat on the raft and looked at the fog.\n\n");
    strcat(text, "It was my old Jim, sure enough. Then good old Jim laughed, and poor old Jim sang. "
                 "And old Jim went to sleep.\n\n");
    of_text(&f, text);
    const ls_character *jim = who(&f, "Jim");
    REQUIRE(jim);
    CHECK(jim->age != LS_AGE_OLD);
    CHECK(jim->age != LS_AGE_CHILD); /* a child is not called old, even fondly */
    fx_free(&f);
}

/* the family's "madame Bovary" is no evidence that Charles, "M. Bovary"
 * himself, is a woman; "la mère Bovary" is his mother, not his look */
TEST(family_title_keeps_his_sex)
{
    agefx f;
    char text[8192] = "Charles Bovary entra dans la salle.\n\n";
    for (int i = 0; i < 6; i++)
        strcat(text, "Le soir, Charles regarda la fen\xC3\xAAtre, et Charles sortit dans le jardin. "
                     "Alors M. Bovary parla au pharmacien.\n\n"
                     "Ensuite madame Bovary chanta, et madame Bovary sourit, et madame Bovary pleura, "
                     "et madame Bovary dormit.\n\n");
    strcat(text, "Enfin la m\xC3\xA8re Bovary arriva.\n\n");
    of_text(&f, text);
    const ls_character *ch = f.n && !strcmp(f.c[0].name, "Charles") ? &f.c[0] : who(&f, "M. Bovary");
    REQUIRE(ch);
    CHECK_INT(ch->gender, LS_GENDER_MALE);
    CHECK(strstr(ch->description, "mother") == NULL);
    CHECK(strstr(ch->description, "woman") == NULL);
    fx_free(&f);
}

RUN_TESTS(fond_old_is_no_age, family_title_keeps_his_sex, fence_boys, abroad_boys_and_old_jim, tom_sawyer_grown_ups_stay_grown_up, evidence_in_the_narration,
          first_person_we_boys, first_person_companion_among_the_boys, german_diminutive_and_petty_kings, role_nouns_say_the_sex, allocation_failures)
