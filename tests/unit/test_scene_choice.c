/* test_scene_choice.c - the passages an illustrator would pick: people
 * acting in a described place, not roll calls of names, not dialogue; and
 * the quote is the author's text as written (never rewritten). With one
 * part per chapter, each chapter's ideas come from that chapter. A
 * hand-made French text in the manner of a Verne novel. */
#include "ideas.h"
#include "t.h"

#define ROLL "Ned Land, Conseil, Arronax, Nemo et Pierre, Louis, Marie, Jean furent appel\xC3\xA9s.\n\n"
#define TALK "\xC2\xAB Le monde progresse lentement, monsieur Arronax \xC2\xBB, dit Nemo. \xC2\xAB Oui \xC2\xBB, " \
             "r\xC3\xA9pondit Arronax.\n\n"
#define SCENE "Ned Land monta sur le pont du navire sous la pluie, et la lanterne rouge brillait sur les " \
              "vagues noires autour de la barque.\n\n"

TEST(no_roll_calls_no_dialogue_quotes_as_written)
{
    size_t n1 = strlen(ROLL), n2 = strlen(TALK), n3 = strlen(SCENE);
    char *text = malloc((n1 + n2 + n3) * 12 + 64);
    REQUIRE(text != NULL);
    strcpy(text, "CHAPITRE PREMIER\n\n");
    for (int i = 0; i < 12; i++) {
        if (i == 6)
            strcat(text, "CHAPITRE II\n\n");
        strcat(text, ROLL);
        strcat(text, TALK);
        strcat(text, SCENE);
    }
    lserr err = {0, ""};
    longsd_story *s = NULL;
    REQUIRE(ls_story_ingest("verne.txt", text, strlen(text), NULL, &s, &err) == LONGSD_OK);
    CHECK_INT(s->n_chapters, 2);
    ls_character *cast = NULL;
    size_t n_cast = 0;
    REQUIRE(ls_cast_find(s, 0, &cast, &n_cast, &err) == LONGSD_OK);
    ls_part *parts = NULL;
    size_t np = 0;
    int fell = 0;
    REQUIRE(ls_split(s, 3, 1, &parts, &np, &fell, &err) == LONGSD_OK);
    CHECK_INT(np, 2);
    ls_idea *ideas = NULL;
    size_t n = 0;
    for (size_t p = 0; p < np; p++) {
        size_t got = 0;
        REQUIRE(ls_ideas_extract(s, &parts[p], p, 3, cast, n_cast, &ideas, &n, &got, &err) == LONGSD_OK);
    }
    CHECK(n >= 2);
    for (size_t i = 0; i < n; i++) {
        /* the scene, not the list of names or the talk */
        CHECK(strstr(ideas[i].quote, "appel") == NULL);
        CHECK(strstr(ideas[i].quote, "progresse") == NULL);
        CHECK(strstr(ideas[i].quote, "lanterne") != NULL);
        /* the quote is the text as written, byte for byte */
        CHECK(ideas[i].end > ideas[i].start);
        CHECK(strncmp(s->data + ideas[i].start, ideas[i].quote, ideas[i].end - ideas[i].start) == 0);
        /* each chapter's ideas from its own chapter */
        const ls_part *pp = &parts[ideas[i].part];
        CHECK(ideas[i].start >= pp->start && ideas[i].end <= pp->end);
    }
    ls_ideas_free(ideas, n);
    ls_parts_free(parts, np);
    ls_cast_free(cast, n_cast);
    longsd_story_free(s);
    free(text);
}

/* Someone acting in a described place outranks a reflection that lists
 * more things (which the word count alone preferred), in each language. */
TEST(acting_in_a_place_over_reflection)
{
    static const struct {
        const char *lang, *reflect, *staged;
    } cases[] = {
        {"en",
         "Tom knew that the river, the forest, the cave, the island, the church, the mill and the village seemed far away, and he remembered the house, the garden, the fence and the road.",
         "Tom ran down to the river and pushed the boat into the water."},
        {"de",
         "Hans wusste, dass der Fluss, der Wald, die H\xC3\xB6hle, die Insel, die Kirche, die M\xC3\xBChle und das Dorf weit weg schienen, und er dachte an das Haus, den Garten und den Zaun.",
         "Hans lief zum Fluss hinunter und stie\xC3\x9F das Boot ins Wasser."},
        {"fr",
         "Pierre savait que la rivi\xC3\xA8re, la for\xC3\xAAt, la grotte, l'\xC3\xAEle, l'\xC3\xA9glise, le moulin et le village semblaient loin, et il pensait \xC3\xA0 la maison, au jardin et \xC3\xA0 la route.",
         "Pierre courut vers la rivi\xC3\xA8re et poussa la barque dans l'eau."},
    };
    ls_character cast[2];
    memset(cast, 0, sizeof cast);
    cast[0].name = cast[0].full_name = "Tom";
    cast[1].name = cast[1].full_name = "Hans";
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double r = ls_ideas_score_text(cases[i].reflect, cases[i].lang, cast, 2);
        double a = ls_ideas_score_text(cases[i].staged, cases[i].lang, cast, 2);
        if (!(a > r))
            fprintf(stderr, "  %s: staged %.2f, reflection %.2f\n", cases[i].lang, a, r);
        CHECK(a > r);
    }
}

/* A refrain that repeats its words is no scene, however many things it
 * names. */
TEST(refrains_are_no_scene)
{
    static const char text[] =
        "Tom called the dog by the river, the dog by the river, the dog by the river; Tom called the horse in the "
        "field, the horse in the field, the horse in the field.\n\n"
        "Tom walked to the mill and sat on the wall.\n\n";
    lserr err = {0, ""};
    longsd_story *s = NULL;
    REQUIRE(ls_story_ingest("song.txt", text, strlen(text), NULL, &s, &err) == LONGSD_OK);
    ls_character cast[1];
    memset(cast, 0, sizeof cast);
    cast[0].name = cast[0].full_name = "Tom";
    ls_part *parts = NULL;
    size_t np = 0;
    int fell = 0;
    REQUIRE(ls_split(s, 1, 0, &parts, &np, &fell, &err) == LONGSD_OK);
    ls_idea *ideas = NULL;
    size_t n = 0, got = 0;
    REQUIRE(ls_ideas_extract(s, &parts[0], 0, 1, cast, 1, &ideas, &n, &got, &err) == LONGSD_OK);
    REQUIRE(n == 1);
    CHECK(strstr(ideas[0].quote, "mill") != NULL);
    ls_ideas_free(ideas, n);
    ls_parts_free(parts, np);
    longsd_story_free(s);
}

RUN_TESTS(no_roll_calls_no_dialogue_quotes_as_written, acting_in_a_place_over_reflection, refrains_are_no_scene)
