/* test_scene_pose.c - postures in the scene writer (scene.c, wordnet.c):
 * "lay", "lies", "lain", "knelt", "fell on his knees" keep their verb as
 * the body's position ("lying on the bed"); "lay" with an object is the
 * verb that puts something down; "lie" whose subject comes after it
 * ("there lay a sword") or that is a particle's phrase ("lay to") is no
 * one's posture. Invented sentences only. */
#include <ctype.h>

#include "scene.h"
#include "desc_int.h"
#include "t.h"
#include "t_scene.h"
#include "wordnet.h"

static char *scene_of(const char *narration)
{
    ls_character cast[1];
    memset(cast, 0, sizeof cast);
    cast[0].name = cast[0].full_name = "Ned";
    cast[0].description = "";
    cast[0].gender = LS_GENDER_MALE;
    cast[0].age = LS_AGE_ADULT;
    return write_scene(LSLEX_EN, narration, cast, 1, (size_t)-1);
}

/* The scene starts with want (its subject and action, whole). */
static int starts(const char *narration, const char *want)
{
    char *r = scene_of(narration);
    int ok = strncmp(r, want, strlen(want)) == 0 && (r[strlen(want)] == '\0' || r[strlen(want)] == ',');
    free(r);
    return ok;
}

static int has(const char *narration, const char *part)
{
    char *r = scene_of(narration);
    int ok = strstr(r, part) != NULL;
    free(r);
    return ok;
}

TEST(wordnet_calls_lie_a_posture)
{
    REQUIRE(lswn_available());
    lswn_info wi;
    /* "lie" is "be located" first (verb.stative), the body's position next */
    REQUIRE(lswn_lookup("lay", &wi));
    CHECK_STR(wi.verb_lemma, "lie"); /* verb.exc: lay -> lie */
    CHECK(lswn_verb_visible(&wi));
    REQUIRE(lswn_lookup("lain", &wi));
    CHECK(lswn_verb_visible(&wi));
    /* stative first and no posture: holding, bearing stay unseen */
    REQUIRE(lswn_lookup("resemble", &wi));
    CHECK(!lswn_verb_visible(&wi));
    REQUIRE(lswn_lookup("owned", &wi));
    CHECK(!lswn_verb_visible(&wi));
    /* "lay" as itself: put down, with an object */
    REQUIRE(lswn_verb_self("lay", &wi));
    CHECK_STR(wi.verb_lemma, "lay");
    CHECK(wi.verb_trans);
    CHECK(!lswn_verb_self("sat", &wi)); /* no verb "sat" */
    CHECK(!lswn_verb_self("walk", &wi)); /* a base form already */
}

TEST(lying_keeps_its_verb_and_place)
{
    CHECK(starts("Ned lay on the bed.", "a man lying on the bed"));
    CHECK(starts("Ned lies on the grass.", "a man lying on the grass"));
    CHECK(starts("Ned was lying on the sofa.", "a man lying on the sofa"));
    CHECK(starts("Ned had lain on the sofa all day.", "a man lying on the sofa"));
    CHECK(starts("Ned lay down under a tree.", "a man lying down under a tree"));
    CHECK(starts("Ned lay still in the dark room.", "a man lying in the dark room"));
    CHECK(starts("Ned lay still.", "a man lying"));
    /* where a body rests, the bed is in sight */
    CHECK(starts("Ned lay in bed.", "a man lying in bed"));
    /* "in my cabin" is a place, not the particle of "lie in" */
    CHECK(has("Ned lay in his cabin and listened to the storm.", "lying in the cabin") ||
          has("Ned lay in his cabin and listened to the storm.", "lying in a cabin"));
    /* a length of time is no object and no gap: the place still follows */
    CHECK(starts("Ned lay a long time on the bed.", "a man lying on the bed"));
    CHECK(starts("Ned lay the whole night on the floor.", "a man lying on the floor"));
    /* the body's own position, then its place */
    CHECK(starts("Ned lay upon his back in the boat.", "a man lying upon his back in the boat"));
    CHECK(starts("Ned fell on his knees.", "a man falling on his knees"));
    /* "looking at" is a verb and its preposition, never WordNet's noun
     * "looking_at" that would swallow "the deck" */
    CHECK(starts("Ned lay on the deck looking at the stars.", "a man lying on the deck"));
    /* other postures as before */
    CHECK(starts("Ned knelt beside the altar.", "a man kneeling beside the altar"));
    CHECK(starts("Ned sat on the bench.", "a man sitting on the bench"));
}

TEST(lay_with_an_object_puts_it_down)
{
    /* verb.exc makes "lay" lie's past; an object makes it lay */
    CHECK(has("They lay the cloth on the table.", "laying a cloth"));
    CHECK(has("Ned lay his head on the pillow.", "laying his head"));
    CHECK(has("Ned laid the book on the table.", "laying a book"));
    CHECK(!has("Ned lay the whole night on the floor.", "laying"));
    /* stative first, with an object: held, never taken for a subject */
    CHECK(has("Ned, holding a candle, opened the door.", "holding a candle"));
}

TEST(lie_that_is_no_posture)
{
    /* the subject after the verb: a thing lies there, nobody lying */
    CHECK(!has("There lay a sword on the floor.", "lying"));
    CHECK(!has("On the table was lying a note from his friend.", "lying"));
    CHECK(!has("Far off lay the fog.", "lying"));
    CHECK(!has("The town lay in the valley.", "lying"));
    /* a preposition with nothing after it is a particle: "lay to" */
    CHECK(!has("We lay to until the morning.", "lying"));
}

RUN_TESTS(wordnet_calls_lie_a_posture, lying_keeps_its_verb_and_place, lay_with_an_object_puts_it_down,
          lie_that_is_no_posture)
