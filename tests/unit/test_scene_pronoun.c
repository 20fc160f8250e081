/* test_scene_pronoun.c - who a pronoun in a passage stands for, and who a
 * verb of handling puts in the picture (scene.c): the sex of the pronoun
 * narrows the names it may stand for, the nearest sentence that names
 * someone of that sex decides, and two who fit leave it unresolved; "Tom
 * gave up the brush" draws Tom, though giving is no motion in WordNet;
 * the object of one verb is not the doer of the next. */
#include "scene.h"
#include "story.h"
#include "t.h"
#include "wordnet.h"

static ls_character person(const char *name, int gender, int age, const char *desc)
{
    ls_character c;
    memset(&c, 0, sizeof c);
    c.name = c.full_name = (char *)name;
    c.description = (char *)desc;
    c.gender = gender;
    c.age = age;
    return c;
}

/* The scene of sentence si of text, as the idea extractor builds it (the
 * first pronoun resolved from the sentences before it). */
static char *story_scene(const char *text, size_t si, const ls_character *cast, size_t n_cast)
{
    lserr err = {0, ""};
    longsd_story *s = NULL;
    REQUIRE(ls_story_ingest("test.txt", text, strlen(text), NULL, &s, &err) == LONGSD_OK && s != NULL);
    REQUIRE(si < s->n_sentences);
    char *r = ls_ideas_scene(s, si, 1, cast, n_cast);
    REQUIRE(r != NULL);
    char *copy = strdup(r);
    longsd__free(r);
    longsd_story_free(s);
    fprintf(stderr, "  sentence %zu -> \"%s\"\n", si, copy);
    return copy;
}

/* The written scene of a narration and who is in it. */
static char *written(const char *narration, ls_character *cast, size_t n_cast, ls_sceneparts *parts)
{
    ls_cast_form *forms = NULL;
    size_t n_forms = 0;
    REQUIRE(ls_cast_forms(cast, n_cast, &forms, &n_forms) == LONGSD_OK);
    ls_scenectx sc = {.s = NULL, .lang = LSLEX_EN, .cast = cast, .n_cast = n_cast, .forms = forms, .n_forms = n_forms};
    char *r = ls_scene_write_parts(&sc, narration, (size_t)-1, parts);
    longsd__free(forms);
    REQUIRE(r != NULL);
    char *copy = strdup(r);
    longsd__free(r);
    fprintf(stderr, "  \"%.70s\" -> \"%s\" (%zu present)\n", narration, copy, parts->present.n);
    return copy;
}

static int has(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = strstr(s, w); p; p = strstr(p + 1, w))
        if ((p == s || p[-1] == ' ') && (p[n] == 0 || p[n] == ' ' || p[n] == ','))
            return 1;
    return 0;
}

/* The pronoun at a passage's start: the previous sentence names a woman
 * and a boy; "He" is the boy. Before, any second name left it unresolved. */
TEST(the_pronouns_sex_picks_among_the_names_before)
{
    ls_character cast[2] = {person("Tom", LS_GENDER_MALE, LS_AGE_CHILD, "a boy"),
                            person("Polly", LS_GENDER_FEMALE, LS_AGE_ADULT, "an old woman")};
    char *r = story_scene("Tom was whitewashing with vigor, and Polly was retiring from the field.\n\n"
                          "He took up his brush and went to work.\n",
                          1, cast, 2);
    CHECK_STR(r, "Tom took up his brush and went to work.");
    free(r);
    /* she: the woman */
    r = story_scene("Tom was whitewashing with vigor, and Polly was retiring from the field.\n\n"
                    "She took up her slipper and went to the house.\n",
                    1, cast, 2);
    CHECK_STR(r, "Polly took up her slipper and went to the house.");
    free(r);
}

/* Sentences without a name between: the nearest that names someone of the
 * pronoun's sex decides; Jim, named before Tom, does not make it doubtful. */
TEST(the_nearest_naming_sentence_decides)
{
    ls_character cast[2] = {person("Tom", LS_GENDER_MALE, LS_AGE_CHILD, "a boy"),
                            person("Jim", LS_GENDER_MALE, LS_AGE_CHILD, "a small boy")};
    const char *text = "Jim ran down the street with his pail. But Tom's energy did not last. He began to think of "
                       "the fun. He got out his marbles and examined them. At this moment an idea came. Nothing less "
                       "than a great idea.\n\nHe took up his brush and went to work.\n";
    char *r = story_scene(text, 6, cast, 2);
    CHECK_STR(r, "Tom took up his brush and went to work.");
    free(r);
    /* two of that sex, one the subject of the nearest naming sentence:
     * the subject goes on ("Jim wept and cursed himself too late to warn
     * Tom. He stood": Jim) */
    r = story_scene("Jim wept and cursed himself for being too late to warn Tom. He stood on the edge of the "
                    "field.\n", 1, cast, 2);
    CHECK_STR(r, "Jim stood on the edge of the field.");
    free(r);
    r = story_scene("Tom sat by the fire. The rain fell.\n\nJim looked at Tom. Nothing was said.\n\n"
                    "He took up his brush.\n", 4, cast, 2);
    CHECK_STR(r, "Jim took up his brush.");
    free(r);
    /* two of that sex in the nearest naming sentence: nobody is guessed */
    r = story_scene("Tom and Jim sat down on the steps. Nothing was said.\n\nHe took up his brush.\n", 2, cast, 2);
    CHECK_STR(r, "He took up his brush.");
    free(r);
}

/* A name inside quoted speech is the one spoken to or of, not the "he"
 * of the narration after it; a speech tag's name is the speaker and
 * counts. A speech over several paragraphs (each opens with a mark, only
 * the last closes) is speech throughout. */
TEST(a_name_in_speech_is_no_antecedent)
{
    ls_character cast[2] = {person("Tom", LS_GENDER_MALE, LS_AGE_CHILD, "a boy"),
                            person("Ben", LS_GENDER_MALE, LS_AGE_CHILD, "a small boy")};
    const char *text = "Tom sat on the fence in the sun.\n\n"
                       "\u201CFarewell, Ben! I leave you now. The raft is waiting.\n\n"
                       "\u201CI shall not come back. Farewell.\u201D\n\n"
                       "He sprang from the window upon the raft.\n";
    char *r = story_scene(text, 6, cast, 2);
    CHECK_STR(r, "Tom sprang from the window upon the raft.");
    free(r);
    r = story_scene("\u201CGood-bye, Ben,\u201D said Tom, shaking his hand.\n\nAs he closed the door behind him, "
                    "the dog barked.\n", 1, cast, 2);
    CHECK(strstr(r, "Ben") == NULL);
    free(r);
}

/* "He" after a fronted phrase or a clause-opening word is still the
 * subject of the first clause, and looks back for its name like a "He"
 * that opens the sentence; a "his" does not. */
TEST(a_subject_pronoun_after_a_fronted_phrase_looks_back)
{
    ls_character cast[2] = {person("Tom", LS_GENDER_MALE, LS_AGE_CHILD, "a boy"),
                            person("Polly", LS_GENDER_FEMALE, LS_AGE_OLD, "an old woman")};
    const char *pre = "Tom sat on the fence in the sun. Nothing was said. The day was warm.\n\n";
    const char *tails[] = {"After breakfast, he walked down to the river.\n", "As he strolled home, the dog barked.\n",
                           "Suddenly he jumped from the fence.\n"};
    const char *want[] = {"After breakfast, Tom walked down to the river.", "As Tom strolled home, the dog barked.",
                          "Suddenly Tom jumped from the fence."};
    for (size_t i = 0; i < 3; i++) {
        char text[512];
        snprintf(text, sizeof text, "%s%s", pre, tails[i]);
        char *r = story_scene(text, 3, cast, 2);
        CHECK_STR(r, want[i]);
        free(r);
    }
    char *r = story_scene("Tom sat on the fence in the sun. Nothing was said. The day was warm.\n\n"
                          "The dog shook his head.\n", 3, cast, 2);
    CHECK_STR(r, "The dog shook his head.");
    free(r);
    /* the subject of a clause joined to one about no person */
    r = story_scene("Tom sat on the fence in the sun. Nothing was said. The day was warm.\n\n"
                    "The headway ran almost out, and he drew up slowly toward the sidewalk.\n", 3, cast, 2);
    CHECK_STR(r, "The headway ran almost out, and Tom drew up slowly toward the sidewalk.");
    free(r);
    /* a person noun before it is his antecedent: no name is guessed */
    r = story_scene("Tom sat on the fence in the sun. Nothing was said. The day was warm.\n\n"
                    "The stranger turned, and he drew up slowly toward the sidewalk.\n", 3, cast, 2);
    CHECK_STR(r, "The stranger turned, and he drew up slowly toward the sidewalk.");
    free(r);
}

/* A "he" inside the passage stands for the one of his sex named before it
 * in his sentence: "Tom's mouth watered, but he stuck to his work" is Tom
 * (a boy), not "a man" nobody knows. */
TEST(a_pronoun_in_the_passage_is_the_name_before_it)
{
    REQUIRE(lswn_available());
    ls_character cast[2] = {person("Tom", LS_GENDER_MALE, LS_AGE_CHILD, "a boy"),
                            person("Aunt Polly", LS_GENDER_FEMALE, LS_AGE_OLD, "an old woman")};
    ls_sceneparts parts;
    memset(&parts, 0, sizeof parts);
    char *r = written("Aunt Polly's voice came from the window. Tom's mouth watered for the apple, but he stuck "
                      "to his fence with the brush.",
                      cast, 2, &parts);
    CHECK(has(r, "boy"));
    CHECK(!has(r, "man"));
    free(r);
}

/* Giving and handing: the giver is in the picture, and the one handed to. */
TEST(who_hands_a_thing_is_there)
{
    REQUIRE(lswn_available());
    ls_character cast[2] = {person("Tom", LS_GENDER_MALE, LS_AGE_CHILD, "a boy"),
                            person("Ben", LS_GENDER_MALE, LS_AGE_CHILD, "a boy in a straw hat")};
    ls_sceneparts parts;
    memset(&parts, 0, sizeof parts);
    char *r = written("Tom gave up the brush with reluctance in his face.", cast, 2, &parts);
    CHECK(has(r, "boy"));
    CHECK(has(r, "brush"));
    CHECK_INT(parts.present.n, 1);
    free(r);
    memset(&parts, 0, sizeof parts);
    r = written("Tom handed the pail to Ben.", cast, 2, &parts);
    CHECK(has(r, "boy"));
    CHECK_INT(parts.present.n, 2);
    free(r);
}

/* In a row of verbs the object of one is not the doer of the next: "took
 * the brush, climbed the fence" is Tom climbing, "trading playthings,
 * quarrelling" the children's; "boys and girls" stay one subject. */
TEST(an_object_is_not_the_next_verbs_doer)
{
    REQUIRE(lswn_available());
    ls_character cast[1] = {person("Tom", LS_GENDER_MALE, LS_AGE_CHILD, "a boy")};
    ls_sceneparts parts;
    memset(&parts, 0, sizeof parts);
    char *r = written("Tom took the brush, climbed the fence and sat down.", cast, 1, &parts);
    CHECK(strstr(r, "a boy climbing") != NULL);
    free(r);
    memset(&parts, 0, sizeof parts);
    r = written("Boys and girls were always there waiting their turns, resting, trading playthings, quarrelling.",
                cast, 1, &parts);
    CHECK(strncmp(r, "boys and girls ", 15) == 0);
    CHECK(parts.action[0] != 0);
    free(r);
}

RUN_TESTS(the_pronouns_sex_picks_among_the_names_before, a_subject_pronoun_after_a_fronted_phrase_looks_back, a_name_in_speech_is_no_antecedent, the_nearest_naming_sentence_decides,
          a_pronoun_in_the_passage_is_the_name_before_it, who_hands_a_thing_is_there,
          an_object_is_not_the_next_verbs_doer)
