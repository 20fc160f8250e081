/* test_cast_match.c - a name form never matches past the end of the words
 * it is given: "Injun" closing a sentence is the alias, even when the next
 * word in memory (the next sentence) is "Joe". */
#include "ideas.h"
#include "lexicon.h"
#include "t.h"

TEST(form_stops_at_the_end_of_the_words)
{
    char *ij_al[] = {"Injun"};
    ls_character cast[] = {
        {.name = "Tom", .full_name = "Tom Sawyer", .description = ""},
        {.name = "Injun Joe", .full_name = "Injun Joe", .aliases = ij_al, .n_aliases = 1, .description = ""},
    };
    ls_cast_form *f = NULL;
    size_t nf = 0;
    REQUIRE(ls_cast_forms(cast, 2, &f, &nf) == LONGSD_OK);
    const char *words[] = {"met", "Injun", "Joe", "Tom", "Sawyer"};
    uint64_t h[5];
    for (int i = 0; i < 5; i++)
        h[i] = lslex_word_hash(words[i], strlen(words[i]));
    size_t ch = 99;
    CHECK_INT(ls_cast_match(f, nf, h, 2, 1, &ch), 1); /* the words end after "Injun" */
    CHECK_INT(ch, 1);
    CHECK_INT(ls_cast_match(f, nf, h, 3, 1, &ch), 2); /* with "Joe" in them: the full name */
    CHECK_INT(ch, 1);
    ch = 99;
    CHECK_INT(ls_cast_match(f, nf, h, 4, 3, &ch), 1); /* "Tom" alone: "Sawyer" is past n */
    CHECK_INT(ch, 0);
    CHECK_INT(ls_cast_match(f, nf, h, 5, 3, &ch), 2);
    longsd__free(f);
}

/* A family name is the wife's as much as the husband's: after a title of
 * the other sex it is not the husband, whose alias it is; after his own
 * title, or none, it is. A character of unknown sex matches after any. */
TEST(title_of_the_other_sex_is_not_the_character)
{
    char *ch_al[] = {"Charles Bovary", "M. Bovary", "Bovary"};
    ls_character cast[] = {
        {.name = "Charles", .full_name = "Charles Bovary", .aliases = ch_al, .n_aliases = 3, .description = "",
         .gender = LS_GENDER_MALE},
        {.name = "Homais", .full_name = "Homais", .description = ""},
    };
    ls_cast_form *f = NULL;
    size_t nf = 0;
    REQUIRE(ls_cast_forms(cast, 2, &f, &nf) == LONGSD_OK);
    const char *words[] = {"madame", "Bovary", "et", "Madame", "Homais", "M", "Bovary", "Mrs", "Bovary"};
    uint64_t h[9];
    for (int i = 0; i < 9; i++)
        h[i] = lslex_word_hash(words[i], strlen(words[i]));
    size_t ch = 99;
    CHECK_INT(ls_cast_match(f, nf, h, 9, 1, &ch), 0); /* "madame Bovary" */
    CHECK_INT(ls_cast_match(f, nf, h, 9, 8, &ch), 0); /* "Mrs Bovary" */
    CHECK_INT(ls_cast_match(f, nf, h, 9, 4, &ch), 1); /* "Madame Homais": sex unknown */
    CHECK_INT(ch, 1);
    ch = 99;
    CHECK_INT(ls_cast_match(f, nf, h, 9, 5, &ch), 2); /* "M. Bovary", the form itself */
    CHECK_INT(ch, 0);
    ch = 99;
    CHECK_INT(ls_cast_match(f, nf, h, 9, 6, &ch), 1); /* "Bovary" after "M": his own title */
    CHECK_INT(ch, 0);
    longsd__free(f);
}

RUN_TESTS(form_stops_at_the_end_of_the_words, title_of_the_other_sex_is_not_the_character)
