/* test_cast_mention.c - names a book only mentions (a navigator of
 * history with his years, a philosopher after "de"/"par", scientists in a
 * list) leave the cast; a minor character who is there (speaks, is
 * called, acts) stays however few their mentions. Hand-made texts in
 * French and English in the manner of travel novels. */
#include "ideas.h"
#include "t.h"

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

static int has(const ls_character *c, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c[i].name, name))
            return 1;
    return 0;
}

static void cast_of(const char *text, ls_character **c, size_t *n)
{
    lserr err = {0, ""};
    longsd_story *s = NULL;
    REQUIRE(ls_story_ingest("t.txt", text, strlen(text), NULL, &s, &err) == LONGSD_OK);
    REQUIRE(ls_cast_find(s, 0, c, n, &err) == LONGSD_OK);
    longsd_story_free(s);
}

TEST(french_history_and_authors_leave)
{
    const char *body =
        "Le capitaine Morel monta sur le pont et regarda la mer. Le matelot Gaspard courut "
        "vers lui avec une lunette.\n\n"
        "-- Gaspard, dit le capitaine, vous voyez cette \xC3\xAEle ?\n\n"
        "Ces parages furent reconnus en 1768 par Tasman, Dampier, Carteret, Vancouver et "
        "Forrest. Vancouver y trouva la mort le 14 f\xC3\xA9vrier 1779.\n\n"
        "Je me rappelai les opinions d'Hippocrate sur ces poissons, d\xC3\xA9" "crits par "
        "Hippocrate et connus du temps d'Hippocrate.\n\n";
    char *text = cat_n("CHAPITRE PREMIER\n\n", body, 3);
    ls_character *c = NULL;
    size_t n = 0;
    cast_of(text, &c, &n);
    CHECK(has(c, n, "Gaspard")); /* called, acts: there */
    CHECK(!has(c, n, "Vancouver")); /* history: years, lists */
    CHECK(!has(c, n, "Hippocrate")); /* an author: "d'Hippocrate", "par Hippocrate" */
    CHECK(!has(c, n, "Dampier") && !has(c, n, "Forrest"));
    ls_cast_free(c, n);
    free(text);
}

TEST(english_minor_character_who_speaks_stays)
{
    const char *body =
        "We walked up the hill to the farm, and old Pettigrew came out of the barn with a lantern.\n\n"
        "\"You are late,\" said Pettigrew, and he shut the gate behind us.\n\n"
        "I had read of the voyages of Hargreave, and of Hargreave's death in 1521, in the books of my "
        "father, by Hargreave himself, like Hargreave's men.\n\n"
        "The dog ran round the yard and barked at the horses in the field.\n\n";
    char *text = cat_n("CHAPTER I\n\n", body, 3);
    ls_character *c = NULL;
    size_t n = 0;
    cast_of(text, &c, &n);
    CHECK(has(c, n, "Pettigrew"));
    CHECK(!has(c, n, "Hargreave"));
    ls_cast_free(c, n);
    free(text);
}

RUN_TESTS(french_history_and_authors_leave, english_minor_character_who_speaks_stays)
