/* test_desc.c - what the cast looks like, harvested from the narration
 * next to each name (tied by his/her/with/wore), with the spans it came
 * from, written as an English noun phrase ("an old man with a long grey
 * beard"); age from what the text calls them ("the boy"), honorifics and
 * "old" (never "a man" for a boy); a description someone wrote is kept.
 * Hand-made en/de texts. */
#include "desc.h"
#include "plan.h"
#include "t.h"

static longsd_story *ingest_str(const char *text)
{
    lserr err = {0, ""};
    longsd_story *s = NULL;
    REQUIRE(ls_story_ingest("t.txt", text, strlen(text), NULL, &s, &err) == LONGSD_OK);
    return s;
}

static const char EN[] =
    "Old Peleg stood on the quay with a long grey beard blowing in the wind, and he looked at the ship.\n\n"
    "Peleg wore a black coat and carried a stick. Peleg was tall and lean, and the boys laughed at him.\n\n"
    "Mary went down to the water and looked at the boats. Mary sat on the wall by the harbour.\n\n"
    "Mary called to the boatman. Peleg came back along the quay in the evening.\n\n";

TEST(harvested_with_spans)
{
    longsd_story *s = ingest_str(EN);
    ls_character cast[2];
    memset(cast, 0, sizeof cast);
    cast[0].name = cast[0].full_name = "Peleg";
    cast[0].description = longsd__strdup("");
    cast[0].gender = LS_GENDER_MALE;
    cast[1].name = cast[1].full_name = "Mary";
    cast[1].description = longsd__strdup("");
    cast[1].gender = LS_GENDER_FEMALE;
    ls_desc_spans spans[2];
    memset(spans, 0, sizeof spans);
    REQUIRE(ls_cast_describe(s, cast, 2, spans) == LONGSD_OK);
    CHECK_CONTAINS(cast[0].description, "long grey beard");
    CHECK_CONTAINS(cast[0].description, "black coat");
    CHECK_CONTAINS(cast[0].description, "tall");
    CHECK_INT(cast[0].age, LS_AGE_OLD); /* "Old Peleg" */
    REQUIRE(spans[0].n >= 2);
    for (size_t k = 0; k < spans[0].n; k++) {
        /* each span is the phrase in the text, byte for byte */
        size_t a = spans[0].start[k], z = spans[0].end[k];
        CHECK(z > a && z <= s->len);
        char buf[128];
        snprintf(buf, sizeof buf, "%.*s", (int)(z - a), s->data + a);
        CHECK_CONTAINS(cast[0].description, buf);
    }
    /* Mary: nothing about her looks in the text: a neutral word */
    CHECK_STR(cast[1].description, "a woman");
    CHECK(strncmp(cast[0].description, "a tall lean old man with a long grey beard", 42) == 0 ||
          strncmp(cast[0].description, "a tall old man with a long grey beard", 37) == 0);
    CHECK_INT(spans[1].n, 0);
    longsd__free(cast[0].description);
    longsd__free(cast[1].description);
    longsd_story_free(s);
}

TEST(someone_elses_things_and_written_descriptions)
{
    longsd_story *s = ingest_str("Tom looked at the boy's hair and the man's coat. Tom sat down.\n\n"
                                 "Tom ran to the fence. The boy laughed. Aunt Polly put on her spectacles.\n\n"
                                 "Tom, the boy, sat on the fence.\n\n");
    ls_character cast[2];
    memset(cast, 0, sizeof cast);
    cast[0].name = cast[0].full_name = "Tom";
    cast[0].description = longsd__strdup("");
    cast[0].gender = LS_GENDER_MALE;
    cast[1].name = cast[1].full_name = "Aunt Polly";
    cast[1].description = longsd__strdup("a thin woman in a gingham dress"); /* the user's */
    REQUIRE(ls_cast_describe(s, cast, 2, NULL) == LONGSD_OK);
    CHECK_STR(cast[0].description, "a boy"); /* not "boy's hair"; "the boy" twice: not "a man" */
    CHECK_INT(cast[0].age, LS_AGE_CHILD);
    CHECK_INT(cast[1].age, LS_AGE_ADULT); /* "Aunt" */
    CHECK_STR(cast[1].description, "a thin woman in a gingham dress");
    longsd__free(cast[0].description);
    longsd__free(cast[1].description);
    longsd_story_free(s);
}

TEST(german_phrases_translated)
{
    longsd_story *s = ingest_str("Der Kapitän stand am Ufer. Hans trug seine rote Mütze und sah auf das Meer.\n\n"
                                 "Hans ging nach Hause. Die Frau wartete an der Tür, und es regnete.\n\n");
    ls_character c;
    memset(&c, 0, sizeof c);
    c.name = c.full_name = "Hans";
    c.description = longsd__strdup("");
    REQUIRE(ls_cast_describe(s, &c, 1, NULL) == LONGSD_OK);
    CHECK_STR(c.description, "a person in a red cap"); /* English, from "seine rote Mütze" */
    longsd__free(c.description);
    longsd_story_free(s);
}

/* "nodded with wide eyes", "mit großen Augen": a look of surprise for a
 * moment, not how they look; eyes with a colour or a quality still count */
TEST(eyes_wide_for_a_moment_are_no_look)
{
    longsd_story *s = ingest_str("Peleg nodded with wide eyes and said nothing. Peleg sat down by the fire.\n\n"
                                 "Mary looked up with soft grey eyes and smiled. Mary sat by the window.\n\n");
    ls_character cast[2];
    memset(cast, 0, sizeof cast);
    cast[0].name = cast[0].full_name = "Peleg";
    cast[0].description = longsd__strdup("");
    cast[0].gender = LS_GENDER_MALE;
    cast[1].name = cast[1].full_name = "Mary";
    cast[1].description = longsd__strdup("");
    cast[1].gender = LS_GENDER_FEMALE;
    REQUIRE(ls_cast_describe(s, cast, 2, NULL) == LONGSD_OK);
    CHECK_STR(cast[0].description, "a man");
    CHECK_CONTAINS(cast[1].description, "grey eyes");
    longsd__free(cast[0].description);
    longsd__free(cast[1].description);
    longsd_story_free(s);
    s = ingest_str("Hans nickte ihm mit gro\xC3\x9F" "en Augen zu. Hans ging nach Hause.\n\n");
    ls_character c;
    memset(&c, 0, sizeof c);
    c.name = c.full_name = "Hans";
    c.description = longsd__strdup("");
    c.gender = LS_GENDER_MALE;
    REQUIRE(ls_cast_describe(s, &c, 1, NULL) == LONGSD_OK);
    CHECK(strstr(c.description, "eyes") == NULL);
    longsd__free(c.description);
    longsd_story_free(s);
}

TEST(allocation_failures)
{
    longsd_story *s = ingest_str(EN);
    int ok = 0;
    for (long k = 0; k < 200 && !ok; k++) {
        ls_character c;
        memset(&c, 0, sizeof c);
        c.name = c.full_name = "Peleg";
        c.description = longsd__strdup("");
        REQUIRE(c.description != NULL);
        longsd__alloc_fail_after = k;
        longsd_status rc = ls_cast_describe(s, &c, 1, NULL);
        longsd__alloc_fail_after = -1;
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_NOMEM);
        CHECK(c.description != NULL);
        ok = rc == LONGSD_OK;
        longsd__free(c.description);
    }
    CHECK(ok);
    longsd_story_free(s);
}

TEST(plan_records_the_spans)
{
    /* a whole run: the plan's cast says where each description came from,
     * and reads back; a bad span is an error naming the field */
    char *text = malloc(strlen(EN) * 6 + 1);
    REQUIRE(text != NULL);
    text[0] = '\0';
    for (int i = 0; i < 6; i++)
        strcat(text, EN);
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_story *s = NULL;
    REQUIRE(longsd_story_load_memory(ctx, "peleg.txt", text, strlen(text), NULL, &s) == LONGSD_OK);
    longsd_plan *plan = NULL;
    longsd_plan_params pp = longsd_plan_default_params();
    REQUIRE(longsd_plan_update(ctx, &plan, "peleg", "peleg.txt", s, &pp, NULL) == LONGSD_OK);
    size_t pi = (size_t)-1;
    for (size_t i = 0; i < plan->n_cast; i++)
        if (strstr(plan->cast[i].name, "Peleg"))
            pi = i;
    REQUIRE(pi != (size_t)-1);
    CHECK_CONTAINS(plan->cast[pi].description, "long grey beard");
    REQUIRE(plan->cast_spans != NULL && plan->cast_spans[pi].n >= 1);
    CHECK(strncmp(s->data + plan->cast_spans[pi].start[0], "long grey beard", 15) == 0);
    char *json = longsd_plan_to_json(plan);
    REQUIRE(json != NULL);
    CHECK_CONTAINS(json, "\"description_from\"");
    longsd_plan *back = NULL;
    lserr err = {0, ""};
    REQUIRE(ls_plan_parse("p.json", json, strlen(json), &back, &err) == LONGSD_OK);
    REQUIRE(back->cast_spans != NULL);
    CHECK_INT(back->cast_spans[pi].n, plan->cast_spans[pi].n);
    CHECK_INT(back->cast_spans[pi].start[0], plan->cast_spans[pi].start[0]);
    longsd_plan_free(back);
    /* a span past the end of the text */
    char *bad = strstr(json, "\"description_from\"");
    REQUIRE(bad != NULL);
    char *lb = strchr(bad, '[');
    REQUIRE(lb != NULL);
    size_t off = (size_t)(lb - json);
    char *broken = malloc(strlen(json) + 64);
    REQUIRE(broken != NULL);
    snprintf(broken, strlen(json) + 64, "%.*s[[1, 99999999]%s", (int)off, json, strchr(lb + 1, ']') + 1);
    back = NULL;
    CHECK(ls_plan_parse("p.json", broken, strlen(broken), &back, &err) != LONGSD_OK);
    CHECK_CONTAINS(err.msg, "description_from");
    longsd_plan_free(back);
    free(broken);
    longsd__free(json);
    longsd_plan_free(plan);
    longsd_story_free(s);
    longsd_ctx_free(ctx);
    free(text);
}

TEST(age_and_sex_from_the_text)
{
    /* "the boys" after two names, playmates, honorifics */
    longsd_story *s = ingest_str("Tom and Joe ran to the river. The boys laughed.\n\n"
                                 "Tom and Joe sat on the log. The boys were tired.\n\n"
                                 "Miss Watson came to the door. Mr. Jones stood by the gate.\n\n"
                                 "Miss Watson went in. Mr. Jones went home.\n\n");
    ls_character cast[4];
    memset(cast, 0, sizeof cast);
    const char *names[] = {"Tom", "Joe", "Miss Watson", "Mr. Jones"};
    for (int i = 0; i < 4; i++) {
        cast[i].name = cast[i].full_name = (char *)names[i];
        cast[i].description = longsd__strdup("");
        cast[i].gender = i == 2 ? 0 : LS_GENDER_MALE;
    }
    REQUIRE(ls_cast_describe(s, cast, 4, NULL) == LONGSD_OK);
    CHECK_STR(cast[0].description, "a boy");
    CHECK_STR(cast[1].description, "a boy");
    CHECK_STR(cast[2].description, "a young woman"); /* "Miss": sex and age */
    CHECK_STR(cast[3].description, "a man");
    CHECK_INT(cast[3].age, LS_AGE_ADULT);
    for (int i = 0; i < 4; i++)
        longsd__free(cast[i].description);
    longsd_story_free(s);
}

/* Describe one character of known sex in text; the caller frees. */
static char *describe_one(const char *text, const char *name, int gender)
{
    longsd_story *s = ingest_str(text);
    ls_character c;
    memset(&c, 0, sizeof c);
    c.name = c.full_name = (char *)name;
    c.description = longsd__strdup("");
    c.gender = gender;
    REQUIRE(ls_cast_describe(s, &c, 1, NULL) == LONGSD_OK);
    longsd_story_free(s);
    return c.description;
}

TEST(whose_beard_it_is)
{
    /* the same mustache said twice is one, in its richer words */
    char *d = describe_one("Marco grinned, and his thick black mustache twitched. Marco sat down.\n\n"
                           "Marco frowned under his thick mustache.\n\n",
                           "Marco", LS_GENDER_MALE);
    CHECK_CONTAINS(d, "thick black mustache");
    CHECK(strstr(d, "and a thick mustache") == NULL);
    CHECK(strstr(strstr(d, "mustache") + 1, "mustache") == NULL);
    longsd__free(d);
    /* a woman who sees a beard has none: the clause after "saw that" is
     * someone else's, and a beard never is hers */
    d = describe_one("Lea saw that his white beard was wet with wine. Lea went out.\n\n"
                     "Lea came in from the storm with a white beard of frost on her scarf.\n\n",
                     "Lea", LS_GENDER_FEMALE);
    CHECK(strstr(d, "beard") == NULL);
    longsd__free(d);
    /* sex unknown: "saw that his ..." is still another's clause */
    d = describe_one("Ines saw that his white beard was wet with wine. Ines went out.\n\n", "Ines", 0);
    CHECK(strstr(d, "beard") == NULL);
    longsd__free(d);
    /* named as the one acted on: the mustache after it is the subject's */
    d = describe_one("He grinned at Idris through his spiky black mustache. Idris waited.\n\n"
                     "The jailer walked to where Idris lay and glowered down at him, his lips under his thin "
                     "mustache.\n\n",
                     "Idris", LS_GENDER_MALE);
    CHECK(strstr(d, "mustache") == NULL);
    longsd__free(d);
    /* "fixed Marco with his piercing eyes": the eyes of the one who fixed
     * him; but in a clause of his own after "that", his looks are his */
    d = describe_one("He leaned across the table and fixed Marco with his piercing dark eyes.\n\n", "Marco",
                     LS_GENDER_MALE);
    CHECK(strstr(d, "eyes") == NULL);
    longsd__free(d);
    d = describe_one("We rode on, and the dust grew so thick that Marco was ragged with it.\n\n", "Marco",
                     LS_GENDER_MALE);
    CHECK_CONTAINS(d, "ragged");
    longsd__free(d);
    /* another person the clause brings in wears their own robe */
    d = describe_one("Marco watched a friar in his brown robe weeding the garden.\n\n", "Marco", LS_GENDER_MALE);
    CHECK(strstr(d, "robe") == NULL);
    longsd__free(d);
    /* his own, said of him as the subject, stays */
    d = describe_one("Idris stroked his spiky black mustache and waited.\n\n", "Idris", LS_GENDER_MALE);
    CHECK_CONTAINS(d, "spiky black mustache");
    longsd__free(d);
}

RUN_TESTS(eyes_wide_for_a_moment_are_no_look, whose_beard_it_is, plan_records_the_spans, harvested_with_spans, someone_elses_things_and_written_descriptions, german_phrases_translated,
          allocation_failures, age_and_sex_from_the_text)
