/* test_ideas_looks.c - the ideas of a part are different pictures
 * (ideas_extract.c): two passages whose written scenes show the same person
 * doing the same thing are one picture twice, however different their
 * words, and only the better one is chosen. */
#include "ideas.h"
#include "story.h"
#include "t.h"
#include "wordnet.h"

#define CORPUS "tests/corpus/"

/* "Tom sitting on the barrel" -> "Tom sitting": who and what, when the
 * title reads as a person doing something (its second word an -ing). */
static int title_look(const char *title, char *out, size_t cap)
{
    const char *sp = strchr(title, ' ');
    if (!sp)
        return 0;
    size_t n = strcspn(sp + 1, " ");
    if (n < 4 || strncmp(sp + 1 + n - 3, "ing", 3) != 0)
        return 0;
    snprintf(out, cap, "%.*s", (int)(sp + 1 + n - title), title);
    return 1;
}

/* A corpus text read, its cast found and split into three parts, as the
 * plan command does; 1 on success. */
static int corpus_in_three_parts(const char *path, longsd_story **s, ls_character **cast, size_t *n_cast,
                                 ls_part **parts, size_t *np, lserr *err)
{
    size_t len = 0;
    int fell = 0;
    char *d = t_slurp(path, &len);
    if (!d)
        return 0;
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    longsd_status rc = ls_story_ingest(name, d, len, NULL, s, err);
    free(d);
    return rc == LONGSD_OK && ls_cast_find(*s, 30, cast, n_cast, err) == LONGSD_OK &&
           ls_split(*s, 3, 0, parts, np, &fell, err) == LONGSD_OK && *np == 3;
}

/* Tom Sawyer in three parts of five: its beginning held "Tom sitting on
 * the barrel" and "Tom sitting" (with his slate), one pose twice. */
TEST(no_part_shows_one_person_doing_one_thing_twice)
{
    REQUIRE(lswn_available());
    lserr err = {0, ""};
    longsd_story *s = NULL;
    ls_character *cast = NULL;
    size_t n_cast = 0;
    ls_part *parts = NULL;
    size_t np = 0;
    REQUIRE(corpus_in_three_parts(CORPUS "en-twain1.txt", &s, &cast, &n_cast, &parts, &np, &err));
    ls_idea *ideas = NULL;
    size_t n = 0;
    for (size_t p = 0; p < np; p++) {
        size_t before = n, out = 0;
        REQUIRE(ls_ideas_extract(s, &parts[p], p, 5, cast, n_cast, &ideas, &n, &out, &err) == LONGSD_OK);
        CHECK_INT(out, 5);
        for (size_t i = before; i < n; i++) {
            char a[64], b[64];
            fprintf(stderr, "  part %zu: %s :: %s\n", p, ideas[i].title, ideas[i].scene);
            if (!title_look(ideas[i].title, a, sizeof a))
                continue;
            for (size_t j = i + 1; j < n; j++)
                if (title_look(ideas[j].title, b, sizeof b) && strcmp(a, b) == 0) {
                    fprintf(stderr, "  twice in part %zu: \"%s\" and \"%s\"\n", p, ideas[i].title, ideas[j].title);
                    CHECK(0);
                }
        }
    }
    ls_ideas_free(ideas, n);
    ls_parts_free(parts, np);
    ls_cast_free(cast, n_cast);
    longsd_story_free(s);
}

/* Grimm (Low German) in three parts: its beginning held "a brother, with
 * table, in a house" twice, two passages where no one does anything and
 * the same person sits among the same things: one picture twice too. */
TEST(no_part_shows_one_still_scene_twice)
{
    REQUIRE(lswn_available());
    lserr err = {0, ""};
    longsd_story *s = NULL;
    ls_character *cast = NULL;
    size_t n_cast = 0;
    ls_part *parts = NULL;
    size_t np = 0;
    REQUIRE(corpus_in_three_parts(CORPUS "de-grimm2.txt", &s, &cast, &n_cast, &parts, &np, &err));
    for (size_t p = 0; p < np; p++) {
        ls_idea *ideas = NULL;
        size_t n = 0, out = 0;
        REQUIRE(ls_ideas_extract(s, &parts[p], p, 5, cast, n_cast, &ideas, &n, &out, &err) == LONGSD_OK);
        for (size_t i = 0; i < n; i++)
            for (size_t j = i + 1; j < n; j++)
                if (strcmp(ideas[i].scene, ideas[j].scene) == 0) {
                    fprintf(stderr, "  twice in part %zu: \"%s\"\n", p, ideas[i].scene);
                    CHECK(0);
                }
        ls_ideas_free(ideas, n);
    }
    ls_parts_free(parts, np);
    ls_cast_free(cast, n_cast);
    longsd_story_free(s);
}

/* A book whose every part has the same best passage ("Tom hid the raft
 * under the willows"): a later part shows it again only when it has no
 * other passage; here each has another. */
TEST(a_later_part_repeats_no_earlier_picture)
{
    REQUIRE(lswn_available());
    static const char *const other[] = {
        "The old woman walked slowly along the road to the mill with a basket of eggs on her arm.",
        "A tall farmer drove his cart through the muddy lane toward the church and the green hill.",
        "The miller climbed the ladder to the loft and threw down a heavy sack of flour.",
    };
    lsbuf b;
    lsbuf_init(&b, 1 << 16);
    for (int p = 0; p < 3; p++) {
        REQUIRE(lsbuf_printf(&b, "CHAPTER %s.\n\n", p == 0 ? "I" : p == 1 ? "II" : "III") == 0);
        for (int r = 0; r < 4; r++)
            REQUIRE(lsbuf_printf(&b, "It was a quiet day, and nothing much happened for a long while.\n\n") == 0);
        REQUIRE(lsbuf_printf(&b, "Tom hid the raft under the willows by the river bank.\n\n") == 0);
        for (int r = 0; r < 4; r++)
            REQUIRE(lsbuf_printf(&b, "It was a quiet day, and nothing much happened for a long while.\n\n") == 0);
        REQUIRE(lsbuf_printf(&b, "%s\n\n", other[p]) == 0);
    }
    lserr err = {0, ""};
    longsd_story *s = NULL;
    REQUIRE(ls_story_ingest("raft.txt", b.data, b.len, NULL, &s, &err) == LONGSD_OK);
    lsbuf_free(&b);
    ls_character cast[1];
    memset(cast, 0, sizeof cast);
    cast[0].name = cast[0].full_name = "Tom";
    cast[0].description = "";
    cast[0].gender = LS_GENDER_MALE;
    ls_part *parts = NULL;
    size_t np = 0;
    int fell = 0;
    REQUIRE(ls_split(s, 3, 1, &parts, &np, &fell, &err) == LONGSD_OK && np == 3);
    ls_idea *ideas = NULL;
    size_t n = 0, hid = 0;
    for (size_t p = 0; p < np; p++) {
        size_t out = 0, before = n;
        REQUIRE(ls_ideas_extract(s, &parts[p], p, 1, cast, 1, &ideas, &n, &out, &err) == LONGSD_OK);
        for (size_t i = before; i < n; i++) {
            fprintf(stderr, "  part %zu: %s :: %s\n", p, ideas[i].title, ideas[i].scene);
            hid += strstr(ideas[i].scene, "hiding a raft") != NULL;
        }
    }
    CHECK_INT(hid, 1);
    ls_ideas_free(ideas, n);
    ls_parts_free(parts, np);
    longsd_story_free(s);
}

RUN_TESTS(no_part_shows_one_person_doing_one_thing_twice, no_part_shows_one_still_scene_twice,
          a_later_part_repeats_no_earlier_picture)
