/* test_cast.c - the cast finder on the real corpus (Tom Sawyer, the fence
 * chapter, the Low German tale, the French chemistry text) and on small
 * constructed texts: titles, merged first/full names, places, stop words,
 * German strictness, gender, ordering, forms matching, allocation failures. */
#include "ideas.h"
#include "lexicon.h"
#include "t.h"
#include "t_corpus.h"
#include "util.h"
#include "wordnet.h"

#define CORPUS "tests/corpus/"


static longsd_story *ingest_str(const char *text)
{
    lserr err = {0, ""};
    longsd_story *s = NULL;
    longsd_status rc = ls_story_ingest("test.txt", text, strlen(text), NULL, &s, &err);
    if (rc)
        fprintf(stderr, "  ingest failed: %s\n", err.msg);
    REQUIRE(rc == LONGSD_OK && s != NULL);
    return s;
}

static const ls_character *find(const ls_character *c, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].name, name) == 0)
            return &c[i];
    return NULL;
}

/* Is `form` the name, full name or an alias of some character? */
static const ls_character *find_any(const ls_character *c, size_t n, const char *form)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(c[i].name, form) == 0 || strcmp(c[i].full_name, form) == 0)
            return &c[i];
        for (size_t a = 0; a < c[i].n_aliases; a++)
            if (strcmp(c[i].aliases[a], form) == 0)
                return &c[i];
    }
    return NULL;
}

static void dump(const ls_character *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "    %s (%s) %zu\n", c[i].name, c[i].full_name, c[i].mentions);
}

static void check_invariants(const ls_character *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        REQUIRE(c[i].name && c[i].full_name && c[i].description);
        CHECK(c[i].name[0] != '\0');
        CHECK_STR(c[i].description, "");
        CHECK(c[i].mentions >= 3);
        if (i > 0) {
            /* mentions desc, then name */
            CHECK(c[i - 1].mentions > c[i].mentions ||
                  (c[i - 1].mentions == c[i].mentions && strcmp(c[i - 1].name, c[i].name) < 0));
        }
        for (size_t j = 0; j < i; j++)
            CHECK(strcmp(c[i].name, c[j].name) != 0);
    }
}

TEST(twain_cast)
{
    longsd_story *s = load_corpus("en-twain1.txt");
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 30, &c, &n, &err) == LONGSD_OK);
    REQUIRE(n > 5 && n <= 30);
    check_invariants(c, n);
    CHECK_STR(c[0].name, "Tom");
    CHECK_STR(c[0].full_name, "Tom Sawyer");
    CHECK(c[0].mentions > 500);
    const char *must[] = {"Huck", "Becky", "Joe", "Injun Joe", "Aunt Polly", "Sid", "Muff Potter", "Widow Douglas"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
        if (!find(c, n, must[i])) {
            fprintf(stderr, "  missing %s\n", must[i]);
            t_failed_checks++;
        }
    }
    const ls_character *joe = find(c, n, "Joe");
    REQUIRE(joe != NULL);
    CHECK_STR(joe->full_name, "Joe Harper");
    const ls_character *becky = find(c, n, "Becky");
    REQUIRE(becky != NULL);
    CHECK_STR(becky->full_name, "Becky Thatcher");
    /* Huckleberry (Finn) is Huck: same initial, same surname */
    const ls_character *huck = find(c, n, "Huck");
    REQUIRE(huck != NULL);
    CHECK(find_any(c, n, "Huckleberry Finn") == huck);
    CHECK(find_any(c, n, "Polly") == find(c, n, "Aunt Polly"));
    /* never names */
    const char *never[] = {"God", "Lord", "Saturday", "Sunday", "St. Petersburg", "Petersburg", "Chapter",
                           "CHAPTER", "I", "I'd", "The", "But", "Well", "Thatcher", "Handed"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
        if (find_any(c, n, never[i])) {
            fprintf(stderr, "  %s should not be in the cast\n", never[i]);
            t_failed_checks++;
        }
    }
    CHECK_INT(c[0].gender, LS_GENDER_MALE);
    CHECK_INT(find(c, n, "Aunt Polly")->gender, LS_GENDER_FEMALE);
    CHECK_INT(becky->gender, LS_GENDER_FEMALE);
    if (t_failed_checks)
        dump(c, n);

    /* deterministic; max_cast cuts the tail of the same order */
    ls_character *c2 = NULL;
    size_t n2 = 0;
    REQUIRE(ls_cast_find(s, 5, &c2, &n2, &err) == LONGSD_OK);
    CHECK_INT(n2, 5);
    for (size_t i = 0; i < n2; i++) {
        CHECK_STR(c2[i].name, c[i].name);
        CHECK_INT(c2[i].mentions, c[i].mentions);
    }
    ls_cast_free(c2, n2);
    ls_cast_free(c, n);
    longsd_story_free(s);
}

TEST(fence_cast)
{
    longsd_story *s = load_corpus("en-twain1-ch2-fence.txt");
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 20, &c, &n, &err) == LONGSD_OK);
    check_invariants(c, n);
    REQUIRE(n >= 3);
    CHECK_STR(c[0].name, "Tom");
    CHECK(find(c, n, "Ben") != NULL);
    CHECK(find(c, n, "Jim") != NULL);
    CHECK(find_any(c, n, "Saturday") == NULL);
    CHECK(find_any(c, n, "Cardiff Hill") == NULL);
    CHECK(find_any(c, n, "Cardiff") == NULL);
    ls_cast_free(c, n);
    longsd_story_free(s);
}

TEST(german_cast_is_strict)
{
    longsd_story *s = load_corpus("de-grimm-fischer.txt");
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 20, &c, &n, &err) == LONGSD_OK);
    check_invariants(c, n);
    CHECK(find(c, n, "Butt") != NULL);
    CHECK(find(c, n, "Ilsebill") != NULL);
    CHECK(find(c, n, "Fischer") != NULL || find(c, n, "Mann") != NULL);
    /* every noun is capitalised in German: none of these is a character */
    const char *never[] = {"See", "Water", "Hütt", "Slott", "Pallast", "Döhr", "Angel", "Grund", "Dag", "Ach", "Na"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
        if (find_any(c, n, never[i])) {
            fprintf(stderr, "  %s should not be in the cast\n", never[i]);
            t_failed_checks++;
        }
    }
    CHECK(n <= 8);
    if (t_failed_checks)
        dump(c, n);
    ls_cast_free(c, n);
    longsd_story_free(s);
}

TEST(french_chemistry_does_not_crash)
{
    longsd_story *s = load_corpus("fr-chemie2.txt");
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 20, &c, &n, &err) == LONGSD_OK);
    check_invariants(c, n);
    ls_cast_free(c, n);
    longsd_story_free(s);
}

TEST(titles_full_names_and_places)
{
    const char *text =
        "The boys met Mr. Dobbins at the school. Later Mr. Dobbins rang the bell, and Dobbins frowned.\n\n"
        "Then Tom Sawyer ran home. On Monday Tom painted the fence while Tom sang. Tom Sawyer slept.\n\n"
        "The Widow Douglas waved. Everybody loved the Widow Douglas, and Widow Douglas smiled.\n\n"
        "They sailed to St. Petersburg. In St. Petersburg the boys sat down. We went to St. Petersburg again.\n\n"
        "Then God spoke. Thank God, said the man, and God knows. On Monday they rested. By Monday it rained.\n\n"
        "Injun Joe hid in the cave. Later Injun Joe came out, and Injun Joe ran. Then Tom met Injun Joe.\n";
    longsd_story *s = ingest_str(text);
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 20, &c, &n, &err) == LONGSD_OK);
    check_invariants(c, n);
    const ls_character *tom = find(c, n, "Tom");
    REQUIRE(tom != NULL);
    CHECK_STR(tom->full_name, "Tom Sawyer");
    CHECK(find(c, n, "Mr. Dobbins") != NULL);
    CHECK(find_any(c, n, "Dobbins") == find(c, n, "Mr. Dobbins"));
    CHECK(find(c, n, "Widow Douglas") != NULL);
    CHECK(find(c, n, "Injun Joe") != NULL);
    CHECK(find_any(c, n, "St. Petersburg") == NULL);
    CHECK(find_any(c, n, "Petersburg") == NULL);
    CHECK(find_any(c, n, "God") == NULL);
    CHECK(find_any(c, n, "Monday") == NULL);
    CHECK(find_any(c, n, "Then") == NULL);
    CHECK_INT(find(c, n, "Mr. Dobbins")->gender, LS_GENDER_MALE);
    CHECK_INT(find(c, n, "Widow Douglas")->gender, LS_GENDER_FEMALE);
    if (t_failed_checks)
        dump(c, n);
    ls_cast_free(c, n);
    longsd_story_free(s);
}

TEST(rare_and_common_words_are_not_cast)
{
    /* Will appears as a name once and as a verb often; Sally twice only */
    const char *text = "I will go. You will see. We will run. They will swim.\n\n"
                       "Then Will came. Later Sally came, and Sally left.\n\n"
                       "Then Jim ran, and Jim swam, and Jim laughed, and the boys saw Jim.\n";
    longsd_story *s = ingest_str(text);
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 20, &c, &n, &err) == LONGSD_OK);
    CHECK(find_any(c, n, "Will") == NULL);
    CHECK(find_any(c, n, "Sally") == NULL);
    CHECK(find(c, n, "Jim") != NULL);
    ls_cast_free(c, n);
    longsd_story_free(s);
}

TEST(people_adjectives_are_not_cast)
{
    /* "Greek" and "Florentine" before nouns describe things; Dorian, whom
     * WordNet also knows as an adjective, acts and is a character */
    const char *text = "The Greek sculptors carved the marble. A Greek scholar read the Greek verse aloud.\n\n"
                       "Florentine painters filled the chapel. The Florentine style spread, and Florentine "
                       "records praise it.\n\n"
                       "Dorian smiled. Then Dorian walked to the window, and Dorian looked at the Greek head.\n";
    longsd_story *s = ingest_str(text);
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 20, &c, &n, &err) == LONGSD_OK);
    CHECK(find_any(c, n, "Greek") == NULL);
    CHECK(find_any(c, n, "Florentine") == NULL);
    CHECK(find(c, n, "Dorian") != NULL);
    ls_cast_free(c, n);
    longsd_story_free(s);
}

TEST(empty_story_has_no_cast)
{
    longsd_story *s = ingest_str("the end.\n");
    ls_character *c = (ls_character *)1;
    size_t n = 99;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 20, &c, &n, &err) == LONGSD_OK);
    CHECK_INT(n, 0);
    ls_cast_free(c, n);
    ls_cast_free(NULL, 0);
    longsd_story_free(s);
    CHECK(ls_cast_find(NULL, 20, &c, &n, &err) == LONGSD_ERR_PARAM);
}

TEST(forms_longest_match_wins)
{
    char *joe_al[] = {"Joe Harper"};
    char *ij_al[] = {"Injun"};
    ls_character cast[] = {
        {.name = "Joe", .full_name = "Joe Harper", .aliases = joe_al, .n_aliases = 1, .description = ""},
        {.name = "Injun Joe", .full_name = "Injun Joe", .aliases = ij_al, .n_aliases = 1, .description = ""},
        {.name = "Aunt Polly", .full_name = "Aunt Polly", .description = ""},
    };
    ls_cast_form *f = NULL;
    size_t nf = 0;
    REQUIRE(ls_cast_forms(cast, 3, &f, &nf) == LONGSD_OK);
    CHECK(nf >= 4);
    const char *words[] = {"Injun", "Joe", "met", "Joe", "and", "Aunt", "Polly's", "cat"};
    uint64_t h[8];
    for (int i = 0; i < 8; i++)
        h[i] = lslex_word_hash(words[i], strlen(words[i]));
    size_t ch = 99;
    CHECK_INT(ls_cast_match(f, nf, h, 8, 0, &ch), 2);
    CHECK_INT(ch, 1);
    CHECK_INT(ls_cast_match(f, nf, h, 8, 3, &ch), 1);
    CHECK_INT(ch, 0);
    CHECK_INT(ls_cast_match(f, nf, h, 8, 5, &ch), 2); /* possessive matches */
    CHECK_INT(ch, 2);
    CHECK_INT(ls_cast_match(f, nf, h, 8, 2, &ch), 0);
    CHECK_INT(ls_cast_match(f, nf, h, 8, 7, &ch), 0);
    longsd__free(f);
}

TEST(lexicon_basics)
{
    const char *base = NULL;
    size_t bl = 0;
    unsigned f = lslex_lookup(LSLEX_EN, "climbed", 7, &base, &bl);
    CHECK(f & LSLEX_ACTION);
    CHECK(bl == 5 && memcmp(base, "climb", 5) == 0);
    f = lslex_lookup(LSLEX_EN, "swam", 4, &base, &bl);
    CHECK(f & LSLEX_ACTION);
    CHECK(bl == 4 && memcmp(base, "swim", 4) == 0);
    CHECK(lslex_lookup(LSLEX_EN, "fences", 6, NULL, NULL) & LSLEX_OBJECT);
    CHECK(lslex_lookup(LSLEX_EN, "moonlight", 9, NULL, NULL) & LSLEX_LIGHT);
    CHECK(lslex_lookup(LSLEX_EN, "thought", 7, NULL, NULL) & LSLEX_ABSTRACT);
    CHECK(!(lslex_lookup(LSLEX_EN, "hated", 5, NULL, NULL) & LSLEX_OBJECT)); /* not "hat" + ed */
    CHECK(lslex_lookup(LSLEX_DE, "hütt", strlen("hütt"), NULL, NULL) & LSLEX_PLACE);
    CHECK(lslex_lookup(LSLEX_FR, "rivière", strlen("rivière"), NULL, NULL) & LSLEX_PLACE);
    char g[32];
    lslex_gerund("climb", 5, g, sizeof g);
    CHECK_STR(g, "climbing");
    lslex_gerund("run", 3, g, sizeof g);
    CHECK_STR(g, "running");
    lslex_gerund("dance", 5, g, sizeof g);
    CHECK_STR(g, "dancing");
    lslex_gerund("whitewash", 9, g, sizeof g);
    CHECK_STR(g, "whitewashing");
    lslex_gerund("lie", 3, g, sizeof g);
    CHECK_STR(g, "lying");
    lslex_gerund("open", 4, g, sizeof g);
    CHECK_STR(g, "opening");
    char low[32];
    lslex_lower("ÄPFEL's", strlen("ÄPFEL's"), low, sizeof low, 1);
    CHECK_STR(low, "äpfel");
    CHECK_INT(lslex_lang("de"), LSLEX_DE);
    CHECK_INT(lslex_lang("fr"), LSLEX_FR);
    CHECK_INT(lslex_lang("und"), LSLEX_EN);
    CHECK_INT(lslex_lang(NULL), LSLEX_EN);
}

TEST(alloc_failures)
{
    longsd_story *s = load_corpus("en-twain1-ch2-fence.txt");
    int ok = 0;
    for (long fail = 0; fail < 100000 && !ok; fail += (fail < 200 ? 1 : 37)) {
        ls_character *c = NULL;
        size_t n = 0;
        lserr err = {0, ""};
        longsd__alloc_fail_after = fail;
        longsd_status rc = ls_cast_find(s, 20, &c, &n, &err);
        longsd__alloc_fail_after = -1;
        if (rc == LONGSD_OK) {
            ok = 1;
            CHECK(n >= 3);
        } else {
            CHECK_INT(rc, LONGSD_ERR_NOMEM);
            CHECK(c == NULL && n == 0);
            CHECK(err.msg[0] != '\0');
        }
        ls_cast_free(c, n);
    }
    CHECK(ok);
    longsd_story_free(s);
}

/* A play's cast list sets a sex with a bare sexed noun apposed to the
 * name ("fille de", "ni\xC3\xA8" "ce de"), even where the pronouns near the names
 * are the men's of the scene. */
TEST(apposed_noun_sets_sex)
{
    lswn_info wi;
    if (!lswn_lookup("daughter", &wi))
        return; /* no WordNet installed */
    lsbuf b;
    lsbuf_init(&b, 4096);
    REQUIRE(lsbuf_adds(&b, "PERSONNAGES\n\nOlvane, fille de Gorgibus.\nCathos, ni\xC3\xA8" "ce de Gorgibus.\n\n") == LONGSD_OK);
    for (int i = 0; i < 12; i++)
        REQUIRE(lsbuf_adds(&b, "Le marquis regarde Olvane. Il entre dans la salle avec Cathos. Il salue.\n\n"
                       "Cathos parle au marquis, et il r\xC3\xA9pond. Alors Olvane rit, il rit aussi.\n\n") == LONGSD_OK);
    longsd_story *s = ingest_str(b.data);
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    const ls_character *m = find(c, n, "Olvane"), *k = find(c, n, "Cathos");
    if (!m || !k)
        dump(c, n);
    REQUIRE(m != NULL && k != NULL);
    CHECK(m->gender == LS_GENDER_FEMALE);
    CHECK(k->gender == LS_GENDER_FEMALE);
    ls_cast_free(c, n);
    longsd_story_free(s);
    lsbuf_free(&b);
}

/* A family name is no first name: the titles the text writes before it say
 * the sex, over the "il" of the man she speaks to in the same sentence. */
TEST(titles_before_a_name_set_sex)
{
    lsbuf b;
    lsbuf_init(&b, 4096);
    for (int i = 0; i < 12; i++)
        REQUIRE(lsbuf_adds(&b, "La m\xC3\xA8re Rolinde ouvrit la porte, et il entra dans la cuisine.\n\n"
                               "Madame Rolinde lui donna du pain, et il mangea pr\xC3\xA8s du feu.\n\n"
                               "Le soir, il dormit dans la grange.\n\n") == LONGSD_OK);
    longsd_story *s = ingest_str(b.data);
    ls_character *c = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    REQUIRE(ls_cast_find(s, 0, &c, &n, &err) == LONGSD_OK);
    const ls_character *r = find(c, n, "Rolinde");
    if (!r)
        r = find(c, n, "Madame Rolinde");
    if (!r || r->gender != LS_GENDER_FEMALE)
        dump(c, n);
    REQUIRE(r != NULL);
    CHECK(r->gender == LS_GENDER_FEMALE);
    ls_cast_free(c, n);
    longsd_story_free(s);
    lsbuf_free(&b);
}

RUN_TESTS(titles_before_a_name_set_sex, apposed_noun_sets_sex, twain_cast, fence_cast, german_cast_is_strict, french_chemistry_does_not_crash,
          titles_full_names_and_places, rare_and_common_words_are_not_cast, people_adjectives_are_not_cast,
          empty_story_has_no_cast,
          forms_longest_match_wins, lexicon_basics, alloc_failures)
