/* test_drama.c - a play told from its speaker headings: no narrator, its
 * cast the speakers (abbreviated headings folded into the names the scene
 * lists give), its scenes the chapters, its stage directions preferred as
 * scenes, the list of persons giving sexes, and "play": true in the plan. Hand-made texts in the manners of
 * printed plays (French dash headings, English capitals); novels with
 * dialogue and letters stay narratives. */
#include "ideas.h"
#include "plan.h"
#include "t.h"

static longsd_story *ingest_str(const char *text)
{
    lserr err = {0, ""};
    longsd_story *s = NULL;
    REQUIRE(ls_story_ingest("t.txt", text, strlen(text), NULL, &s, &err) == LONGSD_OK);
    return s;
}

static char *cat_n(const char *head, const char *body, int n)
{
    size_t hl = strlen(head), bl = strlen(body);
    char *b = malloc(hl + bl * (size_t)n + 1);
    REQUIRE(b != NULL);
    memcpy(b, head, hl);
    for (int i = 0; i < n; i++)
        memcpy(b + hl + bl * (size_t)i, body, bl);
    b[hl + bl * (size_t)n] = '\0';
    return b;
}

static const ls_character *named(const ls_character *c, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c[i].name, name))
            return &c[i];
    return NULL;
}

/* A French comedy: persons list, "SCÈNE" headings, "- Name -" speakers
 * who say "je" a great deal. */
static const char *FR_HEAD = "LA COM\xC3\x89" "DIE DES VOISINS\n\nPERSONNAGES\n\n"
                             "Lisandre, bourgeois.\nHortense, fille de Lisandre.\nFrontin, valet.\n\n";
static const char *FR_SCENE =
    "SC\xC3\x88NE II. - Lisandre, Hortense, Frontin.\n\n"
    "- Lisandre -\n\nJe vous dis que je suis las de vos folies, et que je veux "
    "que vous m'ob\xC3\xA9issiez.\n\n"
    "- Hortense -\n\nMon p\xC3\xA8re, je ne puis vous entendre ; je suis trop "
    "malheureuse, et je m'en vais pleurer.\n\n"
    "- Frontin -\n\n          (Il ouvre la porte du jardin et regarde la rue.)\n\n"
    "Monsieur, je vois venir le carrosse de votre voisin Cl\xC3\xA9" "ante.\n\n"
    "- Lisandre -\n\nJe cours au-devant de lui ; je le recevrai moi-m\xC3\xAA" "me.\n\n";

TEST(french_play_has_speakers_and_no_narrator)
{
    char *text = cat_n(FR_HEAD, FR_SCENE, 8);
    longsd_story *s = ingest_str(text);
    CHECK(s->is_play);
    /* the "SCÈNE"s are the chapters, short ones joined into parts worth
     * painting: "SCÈNE II – SCÈNE II" */
    CHECK(s->n_chapters >= 1 && s->n_chapters < 8);
    CHECK(s->n_chapters > 0 && !strncmp(s->chapters[0].title, "SC\xC3\x88NE II \xE2\x80\x93 SC\xC3\x88NE II", 19));
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    for (size_t i = 0; i < n; i++) {
        CHECK(!c[i].narrator); /* "je" is the speaker's */
        CHECK(strcmp(c[i].name, "le narrateur"));
        /* Cléante is talked about, never speaks: not on stage */
        CHECK(strcmp(c[i].name, "Cl\xC3\xA9" "ante"));
    }
    CHECK(n == 3);
    const ls_character *l = named(c, n, "Lisandre"), *h = named(c, n, "Hortense");
    CHECK(l && h && named(c, n, "Frontin"));
    CHECK(l && h && l->mentions > h->mentions); /* 16 speeches against 8 */
    if (h)
        CHECK(h->gender == LS_GENDER_FEMALE); /* "Hortense, fille de Lisandre" */
    ls_cast_free(c, n);
    longsd_story_free(s);
    free(text);
}

/* An English translation: "SCENE" under "ACT", the persons of each scene
 * in capitals, speeches led by abbreviated names. */
static const char *EN_SCENE =
    "SCENE I\n\nMERCURY, SOSIE, CLEANTHIS\n\n"
    "MERC. I shall prevent your doing that unless you are stronger than I am. I have my orders "
    "and I mean to keep them.\n\n"
    "SOS. My heart fails me; I think I hear a noise. I will go in and finish my speech to my "
    "mistress.\n\n"
    "(He sets his lantern on the ground, and Mercury steps out of the dark doorway with a stick in "
    "his hand.)\n\n"
    "MERC. Who goes there? Stand, or I will break your head with this stick.\n\n"
    "SOS. A friend! I am a friend to all the world, and I only carry my lantern home.\n\n"
    "CLE. Come in, then, the supper is cold and the fire is out.\n\n";

TEST(english_play_folds_abbreviated_speakers)
{
    char *text = cat_n("THE LANTERN\n\nA play\n\nDRAMATIS PERSONAE\n\nMERCURY, a god.\nSOSIE, a servant.\n"
                       "CLEANTHIS, wife of Sosie.\n\nACT I\n\n",
                       EN_SCENE, 10);
    longsd_story *s = ingest_str(text);
    CHECK(s->is_play);
    CHECK(s->n_chapters >= 1 && s->n_chapters < 10); /* the scenes, short ones joined; "ACT I" is above */
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    const ls_character *m = named(c, n, "Mercury"), *so = named(c, n, "Sosie");
    CHECK(m != NULL);
    CHECK(so != NULL);
    CHECK(!named(c, n, "Merc") && !named(c, n, "Sos") && !named(c, n, "Cle"));
    const ls_character *cl = named(c, n, "Cleanthis");
    CHECK(cl && cl->gender == LS_GENDER_FEMALE); /* "CLEANTHIS, wife of Sosie" in the list of persons */
    if (m)
        CHECK(m->mentions >= 20); /* his 20 speeches headed "MERC." */
    for (size_t i = 0; i < n; i++)
        CHECK(!c[i].narrator);
    /* the stage direction is the scene a painter takes */
    ls_part *parts = NULL;
    size_t np = 0;
    int fell = 0;
    REQUIRE(ls_split(s, 1, 0, &parts, &np, &fell, &err) == LONGSD_OK);
    ls_idea *ideas = NULL;
    size_t ni = 0, got = 0;
    REQUIRE(ls_ideas_extract(s, &parts[0], 0, 3, c, n, &ideas, &ni, &got, &err) == LONGSD_OK);
    int stage = 0;
    for (size_t i = 0; i < ni; i++)
        stage += strstr(ideas[i].quote, "lantern on the ground") != NULL;
    CHECK(stage >= 1);
    ls_ideas_free(ideas, ni);
    ls_parts_free(parts, np);
    ls_cast_free(c, n);
    longsd_story_free(s);
    free(text);
}

TEST(speaker_says_my_husband)
{
    /* no list of persons, names no dictionary knows: "my husband" in her
     * own speeches says the speaker is a woman, "my wife" a man */
    char *text = cat_n("THE GATE\n\nA play\n\nACT I\n\n",
                       "SCENE I\n\nTARVIS, BRENO\n\n"
                       "TAR. My poor husband is late again, and the supper is cold on the table.\n\n"
                       "BRE. Come, open the gate; my wife will scold me if I stand here all night.\n\n"
                       "TAR. Who knocks so loud at this hour? Go away from the door.\n\n"
                       "BRE. It is only the wind in the trees, and the dog barking at the moon.\n\n",
                       10);
    longsd_story *s = ingest_str(text);
    CHECK(s->is_play);
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    const ls_character *t = named(c, n, "Tarvis"), *b = named(c, n, "Breno");
    REQUIRE(t != NULL && b != NULL);
    CHECK_INT(t->gender, LS_GENDER_FEMALE);
    CHECK_INT(b->gender, LS_GENDER_MALE);
    ls_cast_free(c, n);
    longsd_story_free(s);
    free(text);
}

TEST(long_scenes_stay_and_acts_are_never_joined)
{
    /* three long scenes of act I, one short scene in act II, another in act III */
    char *speech = cat_n("", "MERC. I shall prevent your doing that unless you are stronger than I am.\n\n"
                             "SOS. My heart fails me; I will go in and finish my speech to my mistress.\n\n",
                         30);
    size_t sl = strlen(speech);
    char *text = malloc(sl * 5 + 512);
    REQUIRE(text != NULL);
    strcpy(text, "ACT I\n\n");
    for (int i = 0; i < 3; i++) {
        strcat(text, i == 0 ? "SCENE I\n\n" : i == 1 ? "SCENE II\n\n" : "SCENE III\n\n");
        strcat(text, speech);
    }
    strcat(text, "ACT II\n\nSCENE I\n\nMERC. Stand!\n\nSOS. A friend!\n\n");
    strcat(text, "ACT III\n\nSCENE I\n\nMERC. Go!\n\nSOS. I go.\n\n");
    longsd_story *s = ingest_str(text);
    CHECK(s->is_play);
    CHECK_INT(s->n_chapters, 5);
    if (s->n_chapters == 5) {
        CHECK_STR(s->chapters[1].title, "SCENE II");
        CHECK_STR(s->chapters[3].title, "SCENE I"); /* act II's, alone: act III's is not joined to it */
    }
    longsd_story_free(s);
    free(text);
    free(speech);
}

TEST(novels_are_no_plays)
{
    /* dialogue, a letter's salutation, a shouted word in capitals */
    char *text = cat_n("CHAPTER I\n\n",
                       "I walked down to the harbour with my brother, and we watched the boats come in.\n\n"
                       "\"Who goes there?\" cried the watchman. \"Stand!\"\n\n"
                       "DEAR SIR: I write to tell you that the ship is lost.\n\n"
                       "HELP! cried the boy from the water, and I ran to the end of the pier.\n\n",
                       15);
    longsd_story *s = ingest_str(text);
    CHECK(!s->is_play);
    longsd_story_free(s);
    free(text);
}

TEST(plan_records_a_play)
{
    size_t len;
    char *js = t_slurp("tests/data/plan-min.json", &len);
    REQUIRE(js);
    lserr err = {0, ""};
    longsd_plan *p = NULL, *q = NULL;
    REQUIRE(ls_plan_parse("plan-min.json", js, len, &p, &err) == LONGSD_OK);
    free(js);
    CHECK(!p->is_play); /* written before plays were told apart: a narrative */
    p->is_play = 1;
    char *j = longsd_plan_to_json(p);
    REQUIRE(j != NULL);
    CHECK(strstr(j, "\"play\": true") != NULL);
    CHECK(ls_plan_parse("t.json", j, strlen(j), &q, &err) == LONGSD_OK);
    CHECK(q && q->is_play);
    longsd_plan_free(q);
    /* a narrative's plan says nothing */
    p->is_play = 0;
    free(j);
    j = longsd_plan_to_json(p);
    REQUIRE(j != NULL);
    CHECK(strstr(j, "\"play\"") == NULL);
    q = NULL;
    CHECK(ls_plan_parse("t.json", j, strlen(j), &q, &err) == LONGSD_OK);
    CHECK(q && !q->is_play);
    longsd_plan_free(q);
    free(j);
    longsd_plan_free(p);
}

TEST(allocation_failures)
{
    /* every allocation of ingest and of the play's cast may fail: a clean
     * error (no leak, no crash) or the cast */
    char *text = cat_n(FR_HEAD, FR_SCENE, 8);
    int ok = 0;
    for (long k = 0; k < 3000 && !ok; k += 3) {
        longsd_story *s = NULL;
        lserr err = {0, ""};
        longsd__alloc_fail_after = k;
        longsd_status rc = ls_story_ingest("t.txt", text, strlen(text), NULL, &s, &err);
        ls_character *c = NULL;
        size_t n = 0;
        if (rc == LONGSD_OK)
            rc = ls_cast_find(s, 0, &c, &n, &err);
        longsd__alloc_fail_after = -1;
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_NOMEM);
        ok = rc == LONGSD_OK;
        ls_cast_free(c, n);
        longsd_story_free(s);
    }
    CHECK(ok);
    free(text);
}

/* A play has no narrator: the "I" of a line is who speaks it, drawn as
 * that character ("a woman"), never the "a person" of an unnamed narrator. */
TEST(a_lines_i_is_its_speaker)
{
    char *text = cat_n("THE LANTERN\n\nA play\n\nDRAMATIS PERSONAE\n\nMERCURY, a god.\nSOSIE, a servant.\n"
                       "CLEANTHIS, wife of Sosie.\n\nACT I\n\nSCENE I\n\nMERCURY, SOSIE, CLEANTHIS\n\n",
                       "MERC. Who goes there? Stand, or I will break your head.\n\n"
                       "SOS. A friend! I am a friend to all the world.\n\n"
                       "CLE. I open the window and I look at the dark garden under the moon.\n\n"
                       "MERC. Go home, and be quiet.\n\n",
                       8);
    longsd_story *s = ingest_str(text);
    REQUIRE(s->is_play);
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    const ls_character *cl = named(c, n, "Cleanthis");
    REQUIRE(cl && cl->gender == LS_GENDER_FEMALE);
    ls_part *parts = NULL;
    size_t np = 0;
    int fell = 0;
    REQUIRE(ls_split(s, 1, 0, &parts, &np, &fell, &err) == LONGSD_OK);
    ls_idea *ideas = NULL;
    size_t ni = 0, got = 0;
    REQUIRE(ls_ideas_extract(s, &parts[0], 0, 3, c, n, &ideas, &ni, &got, &err) == LONGSD_OK);
    int seen = 0;
    for (size_t i = 0; i < ni; i++) {
        if (!strstr(ideas[i].quote, "open the window"))
            continue;
        seen++;
        if (strncmp(ideas[i].scene, "a woman", 7) != 0)
            printf("  %s -> %s\n", ideas[i].quote, ideas[i].scene);
        CHECK(strncmp(ideas[i].scene, "a woman", 7) == 0);
    }
    CHECK(seen >= 1);
    ls_ideas_free(ideas, ni);
    ls_parts_free(parts, np);
    ls_cast_free(c, n);
    longsd_story_free(s);
    free(text);
}

RUN_TESTS(speaker_says_my_husband, a_lines_i_is_its_speaker, french_play_has_speakers_and_no_narrator, english_play_folds_abbreviated_speakers,
          long_scenes_stay_and_acts_are_never_joined, novels_are_no_plays,
          plan_records_a_play, allocation_failures)
