/* test_ideas.c - the built-in idea extractor: k ideas per part on the real
 * corpus, inside their part, spread over it, on distinct paragraphs, never
 * dialogue-only, whole sentences, UTF-8 intact; scoring (visual beats
 * dialogue and abstract talk); scenes (pronouns resolved, speech tags and
 * leading conjunctions dropped); short parts; texts with nothing to paint;
 * determinism, linear time and allocation failures. */
#include <time.h>

#include "ideas.h"
#include "t.h"

#define CORPUS "tests/corpus/"

#if defined(__SANITIZE_ADDRESS__)
#define SLOW 8.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOW 8.0
#endif
#endif
#ifndef SLOW
#define SLOW 1.0
#endif

static char *slurp_corpus(const char *file, size_t *n)
{
    char path[256];
    snprintf(path, sizeof path, CORPUS "%s", file);
    char *d = t_slurp(path, n);
    if (!d)
        fprintf(stderr, "  cannot read %s\n", path);
    REQUIRE(d != NULL);
    return d;
}

static longsd_story *ingest_mem(const char *name, const char *d, size_t n)
{
    lserr err = {0, ""};
    longsd_story *s = NULL;
    longsd_status rc = ls_story_ingest(name, d, n, NULL, &s, &err);
    if (rc)
        fprintf(stderr, "  %s: %s\n", name, err.msg);
    REQUIRE(rc == LONGSD_OK && s != NULL);
    return s;
}

static longsd_story *load_corpus(const char *file)
{
    size_t n = 0;
    char *d = slurp_corpus(file, &n);
    longsd_story *s = ingest_mem(file, d, n);
    free(d);
    return s;
}

static longsd_story *ingest_str(const char *text) { return ingest_mem("test.txt", text, strlen(text)); }

/* CPU time of this process, not wall time: the suite shares its cores with
 * other work (CI, a parallel SAN run), and a guard against quadratic work
 * must not fail because the machine was busy. The speed goal itself (0.5 s
 * for Tom Sawyer) is bench/bench_plan's, not a test's. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int count_words(const char *t)
{
    int n = 0, in = 0;
    for (; *t; t++) {
        if (*t == ' ')
            in = 0;
        else if (!in) {
            in = 1;
            n++;
        }
    }
    return n;
}

/* Index of the sentence starting exactly at `start`, or -1. */
static long sentence_at(const longsd_story *s, size_t start)
{
    size_t lo = 0, hi = s->n_sentences;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->sentences[mid].start < start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n_sentences && s->sentences[lo].start == start ? (long)lo : -1;
}

static long sentence_ending(const longsd_story *s, size_t end)
{
    for (size_t i = 0; i < s->n_sentences; i++)
        if (s->sentences[i].end == end)
            return (long)i;
    return -1;
}

/* The properties every extracted idea of part p must have. */
static void check_part_ideas(const longsd_story *s, const ls_part *p, size_t part_index, const ls_idea *id, size_t n,
                             const ls_character *cast, size_t n_cast, int want_spread)
{
    int fifth_seen[5] = {0};
    for (size_t i = 0; i < n; i++) {
        const ls_idea *x = &id[i];
        char want_id[64];
        snprintf(want_id, sizeof want_id, "%s-%02zu", p->id, i + 1);
        CHECK_STR(x->id, want_id);
        CHECK_INT(x->part, part_index);
        /* inside the part, whole sentences, in story order */
        CHECK(x->start >= p->start && x->end <= p->end && x->start < x->end);
        CHECK(x->para >= p->first_para && x->para < p->first_para + p->n_paras);
        long first = sentence_at(s, x->start), last = sentence_ending(s, x->end);
        CHECK(first >= 0 && last >= first && last - first < 3);
        if (first >= 0) {
            CHECK_INT(s->sentences[first].para, x->para);
            /* never anchored on dialogue */
            CHECK(!s->sentences[first].in_quotes);
        }
        if (i > 0) {
            CHECK(x->start >= id[i - 1].end);
        }
        /* quote = clean text of the span */
        char *q = ls_story_text(s, x->start, x->end);
        REQUIRE(q != NULL);
        CHECK_STR(x->quote, q);
        longsd__free(q);
        CHECK(count_words(x->quote) >= 8 && count_words(x->quote) <= 70);
        CHECK(lsutf8_validate(x->quote, strlen(x->quote)) == (size_t)-1);
        CHECK(lsutf8_validate(x->scene, strlen(x->scene)) == (size_t)-1);
        CHECK(lsutf8_validate(x->title, strlen(x->title)) == (size_t)-1);
        CHECK(x->scene && x->scene[0]);
        int tw = count_words(x->title);
        if (tw < 1 || tw > 7)
            fprintf(stderr, "  title \"%s\" has %d words\n", x->title, tw);
        CHECK(tw >= 1 && tw <= 7);
        /* the quote is not mostly quoted speech */
        size_t quoted = 0, total = 0;
        int inq = 0;
        for (const char *c = x->quote; *c; c++) {
            if (*c == '"')
                inq = !inq;
            else if (*c == ' ') {
                total++;
                quoted += inq;
            }
        }
        CHECK(quoted * 2 <= total + 1);
        for (size_t c = 0; c < x->n_characters; c++) {
            int known = 0;
            for (size_t k = 0; k < n_cast; k++)
                known |= strcmp(cast[k].name, x->characters[c]) == 0;
            CHECK(known);
        }
        size_t f = (x->start - p->start) * 5 / (p->end - p->start);
        fifth_seen[f < 5 ? f : 4] = 1;
        for (size_t j = 0; j < i; j++)
            CHECK(id[j].para != x->para);
    }
    if (want_spread) {
        int fifths = 0;
        for (int f = 0; f < 5; f++)
            fifths += fifth_seen[f];
        if (fifths < 4)
            fprintf(stderr, "  part %s: ideas in only %d fifths\n", p->id, fifths);
        CHECK(fifths >= 4);
    }
}

static void run_corpus(const char *file, int n_parts, int k, int want_spread, size_t *total_out)
{
    longsd_story *s = load_corpus(file);
    lserr err = {0, ""};
    ls_character *cast = NULL;
    size_t n_cast = 0;
    REQUIRE(ls_cast_find(s, 30, &cast, &n_cast, &err) == LONGSD_OK);
    ls_part *parts = NULL;
    size_t np = 0;
    int fell = 0;
    REQUIRE(ls_split(s, n_parts, 0, &parts, &np, &fell, &err) == LONGSD_OK);
    CHECK_INT(np, (size_t)n_parts);
    ls_idea *ideas = NULL;
    size_t n = 0;
    for (size_t p = 0; p < np; p++) {
        size_t before = n, out = 99;
        longsd_status rc = ls_ideas_extract(s, &parts[p], p, k, cast, n_cast, &ideas, &n, &out, &err);
        if (rc)
            fprintf(stderr, "  %s part %zu: %s\n", file, p, err.msg);
        REQUIRE(rc == LONGSD_OK);
        CHECK_INT(out, (size_t)k);
        CHECK_INT(n - before, out);
        check_part_ideas(s, &parts[p], p, ideas + before, out, cast, n_cast, want_spread);
    }
    if (total_out)
        *total_out = n;
    ls_ideas_free(ideas, n);
    ls_parts_free(parts, np);
    ls_cast_free(cast, n_cast);
    longsd_story_free(s);
}

TEST(twain_three_parts_five_each)
{
    size_t n = 0;
    run_corpus("en-twain1.txt", 3, 5, 1, &n);
    CHECK_INT(n, 15);
}

TEST(twain_ideas_name_characters)
{
    longsd_story *s = load_corpus("en-twain1.txt");
    lserr err = {0, ""};
    ls_character *cast = NULL;
    size_t n_cast = 0;
    REQUIRE(ls_cast_find(s, 30, &cast, &n_cast, &err) == LONGSD_OK);
    ls_part *parts = NULL;
    size_t np = 0;
    int fell = 0;
    REQUIRE(ls_split(s, 3, 0, &parts, &np, &fell, &err) == LONGSD_OK);
    ls_idea *ideas = NULL;
    size_t n = 0, with_chars = 0, tom = 0;
    for (size_t p = 0; p < np; p++) {
        size_t out = 0;
        REQUIRE(ls_ideas_extract(s, &parts[p], p, 5, cast, n_cast, &ideas, &n, &out, &err) == LONGSD_OK);
    }
    for (size_t i = 0; i < n; i++) {
        with_chars += ideas[i].n_characters > 0;
        for (size_t c = 0; c < ideas[i].n_characters; c++)
            tom += strcmp(ideas[i].characters[c], "Tom") == 0;
        /* titles are 2-6 words (issue 11): "Tom sitting", "Tom drifting down the street" */
        int tw = count_words(ideas[i].title);
        CHECK(tw >= 2 && tw <= 6);
        /* a scene never opens with "And"/"But"/"So" */
        CHECK(strncmp(ideas[i].scene, "And ", 4) != 0 && strncmp(ideas[i].scene, "But ", 4) != 0 &&
              strncmp(ideas[i].scene, "So ", 3) != 0);
    }
    CHECK(with_chars >= 10);
    CHECK(tom >= 5);
    /* deterministic */
    ls_idea *again = NULL;
    size_t n2 = 0;
    for (size_t p = 0; p < np; p++) {
        size_t out = 0;
        REQUIRE(ls_ideas_extract(s, &parts[p], p, 5, cast, n_cast, &again, &n2, &out, &err) == LONGSD_OK);
    }
    REQUIRE(n2 == n);
    for (size_t i = 0; i < n; i++) {
        CHECK_STR(again[i].id, ideas[i].id);
        CHECK_STR(again[i].title, ideas[i].title);
        CHECK_STR(again[i].scene, ideas[i].scene);
        CHECK_INT(again[i].start, ideas[i].start);
    }
    ls_ideas_free(again, n2);
    ls_ideas_free(ideas, n);
    ls_parts_free(parts, np);
    ls_cast_free(cast, n_cast);
    longsd_story_free(s);
}

TEST(fence_chapter_gives_five)
{
    size_t n = 0;
    run_corpus("en-twain1-ch2-fence.txt", 1, 5, 1, &n);
    CHECK_INT(n, 5);
}

TEST(german_tale_utf8_intact)
{
    run_corpus("de-grimm-fischer.txt", 3, 5, 0, NULL);
    /* and the umlauts survive into quotes and titles */
    longsd_story *s = load_corpus("de-grimm-fischer.txt");
    lserr err = {0, ""};
    ls_character *cast = NULL;
    size_t n_cast = 0;
    REQUIRE(ls_cast_find(s, 30, &cast, &n_cast, &err) == LONGSD_OK);
    ls_part *parts = NULL;
    size_t np = 0;
    int fell = 0;
    REQUIRE(ls_split(s, 3, 0, &parts, &np, &fell, &err) == LONGSD_OK);
    ls_idea *ideas = NULL;
    size_t n = 0;
    for (size_t p = 0; p < np; p++) {
        size_t out = 0;
        REQUIRE(ls_ideas_extract(s, &parts[p], p, 5, cast, n_cast, &ideas, &n, &out, &err) == LONGSD_OK);
    }
    int umlauts = 0;
    for (size_t i = 0; i < n; i++)
        umlauts += strstr(ideas[i].quote, "ä") || strstr(ideas[i].quote, "ö") || strstr(ideas[i].quote, "ü");
    CHECK(umlauts >= 3);
    ls_ideas_free(ideas, n);
    ls_parts_free(parts, np);
    ls_cast_free(cast, n_cast);
    longsd_story_free(s);
}

TEST(french_chemistry_ideas_or_polite_error)
{
    longsd_story *s = load_corpus("fr-chemie2.txt");
    lserr err = {0, ""};
    ls_character *cast = NULL;
    size_t n_cast = 0;
    REQUIRE(ls_cast_find(s, 30, &cast, &n_cast, &err) == LONGSD_OK);
    ls_part *parts = NULL;
    size_t np = 0;
    int fell = 0;
    REQUIRE(ls_split(s, 3, 0, &parts, &np, &fell, &err) == LONGSD_OK);
    ls_idea *ideas = NULL;
    size_t n = 0;
    for (size_t p = 0; p < np; p++) {
        size_t out = 0, before = n;
        longsd_status rc = ls_ideas_extract(s, &parts[p], p, 5, cast, n_cast, &ideas, &n, &out, &err);
        if (rc == LONGSD_OK) {
            CHECK(out >= 1 && out <= 5);
            check_part_ideas(s, &parts[p], p, ideas + before, out, cast, n_cast, 0);
        } else {
            CHECK_INT(rc, LONGSD_ERR_NO_IDEAS);
            CHECK(strstr(err.msg, "illustrat") != NULL);
            CHECK_INT(n, before);
        }
    }
    ls_ideas_free(ideas, n);
    ls_parts_free(parts, np);
    ls_cast_free(cast, n_cast);
    longsd_story_free(s);
}

static ls_part whole_part(const longsd_story *s)
{
    ls_part p;
    memset(&p, 0, sizeof p);
    snprintf(p.id, sizeof p.id, "story");
    p.first_para = 0;
    p.n_paras = s->n_paras;
    p.start = s->paras[0].start;
    p.end = s->paras[s->n_paras - 1].end;
    p.n_words = s->n_words;
    return p;
}

TEST(two_usable_sentences_give_two)
{
    longsd_story *s = ingest_str("\"Hello there, how are you today?\" said the old man.\n\n"
                                 "Tom walked slowly down the long dusty road to the old mill by the river.\n\n"
                                 "\"Good morning to you, sir, and a fine morning it is!\"\n\n"
                                 "The miller stood in the doorway of the mill with a white sack of flour.\n\n"
                                 "Yes.\n");
    ls_part p = whole_part(s);
    ls_idea *ideas = NULL;
    size_t n = 0, out = 99;
    lserr err = {0, ""};
    REQUIRE(ls_ideas_extract(s, &p, 0, 5, NULL, 0, &ideas, &n, &out, &err) == LONGSD_OK);
    CHECK_INT(out, 2);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_STR(ideas[0].id, "story-01");
        CHECK_STR(ideas[1].id, "story-02");
        CHECK_CONTAINS(ideas[0].quote, "Tom walked slowly");
        CHECK_CONTAINS(ideas[1].quote, "The miller stood");
        CHECK(ideas[0].title[0] != '\0');
    }
    ls_ideas_free(ideas, n);
    longsd_story_free(s);
}

/* A paragraph opened by a dash is a reply (the French and German habit),
 * spoken though no quotation mark says so: never an idea's passage, however
 * many things it names. */
TEST(dash_replies_are_dialogue)
{
    longsd_story *s = ingest_str("-- The horse in the stable by the river, replied the old man, and the red cart "
                                 "with the barrels of wine near the mill!\n\n"
                                 "Tom walked slowly down the long dusty road to the old mill by the river.\n\n"
                                 "\xe2\x80\x94 The boat on the lake under the tall trees, said the miller. The sails "
                                 "were white and the oars were lying on the sand.\n\n"
                                 "The miller stood in the doorway of the mill with a white sack of flour.\n");
    ls_part p = whole_part(s);
    ls_idea *ideas = NULL;
    size_t n = 0, out = 99;
    lserr err = {0, ""};
    REQUIRE(ls_ideas_extract(s, &p, 0, 5, NULL, 0, &ideas, &n, &out, &err) == LONGSD_OK);
    CHECK_INT(out, 2);
    for (size_t i = 0; i < n; i++) {
        CHECK(strstr(ideas[i].quote, "replied") == NULL);
        CHECK(strstr(ideas[i].quote, "sails") == NULL);
    }
    ls_ideas_free(ideas, n);
    longsd_story_free(s);
}

TEST(one_paragraph_two_sentences_give_two)
{
    /* a short part may use one paragraph twice rather than give fewer ideas */
    longsd_story *s = ingest_str("Tom walked slowly down the long dusty road to the old mill by the river. "
                                 "The miller stood in the doorway of the mill with a white sack of flour.\n");
    ls_part p = whole_part(s);
    ls_idea *ideas = NULL;
    size_t n = 0, out = 0;
    lserr err = {0, ""};
    REQUIRE(ls_ideas_extract(s, &p, 0, 5, NULL, 0, &ideas, &n, &out, &err) == LONGSD_OK);
    CHECK_INT(out, 2);
    ls_ideas_free(ideas, n);
    longsd_story_free(s);
}

TEST(scene_choice_prefers_people_acting_there)
{
    /* a roll call of people talked about against the narrator acting in a
     * place: one idea, the second; its characters are those drawn */
    longsd_story *s = ingest_str("I never seen anybody but lied, without it was Polly, or Sally, or maybe Mary, or "
                                 "Ben; Polly and Mary and Sally is all told about in that book, with some "
                                 "stretchers.\n\n"
                                 "Then I paddled the canoe across the dark river to the island and tied it to a "
                                 "willow on the bank, where Jim's old raft lay.\n");
    ls_character cast[5];
    memset(cast, 0, sizeof cast);
    static const char *const names[] = {"Huck", "Polly", "Sally", "Mary", "Jim"};
    for (int i = 0; i < 5; i++) {
        cast[i].name = cast[i].full_name = (char *)names[i];
        cast[i].description = "";
        cast[i].gender = i == 0 || i == 4 ? LS_GENDER_MALE : LS_GENDER_FEMALE;
    }
    cast[0].narrator = 1;
    cast[0].age = LS_AGE_CHILD;
    ls_part p = whole_part(s);
    ls_idea *ideas = NULL;
    size_t n = 0, out = 0;
    lserr err = {0, ""};
    REQUIRE(ls_ideas_extract(s, &p, 0, 1, cast, 5, &ideas, &n, &out, &err) == LONGSD_OK);
    REQUIRE(n == 1);
    fprintf(stderr, "  chose \"%s\": %s\n", ideas[0].title, ideas[0].scene);
    CHECK_CONTAINS(ideas[0].quote, "paddled the canoe");
    CHECK(strncmp(ideas[0].scene, "a boy paddling", 14) == 0);
    /* Jim's raft is there, Jim is not */
    CHECK_INT(ideas[0].n_characters, 1);
    if (ideas[0].n_characters)
        CHECK_STR(ideas[0].characters[0], "Huck");
    ls_ideas_free(ideas, n);
    longsd_story_free(s);
}

TEST(nothing_to_illustrate)
{
    longsd_story *s = ingest_str("\"Yes.\"\n\n\"No, I never did, and I never will, not as long as I live!\"\n\nThe end.\n");
    ls_part p = whole_part(s);
    ls_idea *ideas = NULL;
    size_t n = 0, out = 99;
    lserr err = {0, ""};
    CHECK_INT(ls_ideas_extract(s, &p, 0, 5, NULL, 0, &ideas, &n, &out, &err), LONGSD_ERR_NO_IDEAS);
    CHECK_INT(out, 0);
    CHECK_INT(n, 0);
    CHECK(ideas == NULL);
    CHECK_CONTAINS(err.msg, "illustrat");
    /* k = 0 asks for nothing; bad arguments are usage errors */
    CHECK_INT(ls_ideas_extract(s, &p, 0, 0, NULL, 0, &ideas, &n, &out, &err), LONGSD_OK);
    CHECK_INT(ls_ideas_extract(s, &p, 0, -1, NULL, 0, &ideas, &n, &out, &err), LONGSD_ERR_PARAM);
    CHECK_INT(ls_ideas_extract(s, NULL, 0, 5, NULL, 0, &ideas, &n, &out, &err), LONGSD_ERR_PARAM);
    ls_idea_clear(NULL);
    ls_ideas_free(NULL, 0);
    longsd_story_free(s);
}

TEST(scores_favour_what_can_be_painted)
{
    longsd_story *s = load_corpus("en-twain1.txt");
    lserr err = {0, ""};
    ls_character *cast = NULL;
    size_t n_cast = 0;
    REQUIRE(ls_cast_find(s, 30, &cast, &n_cast, &err) == LONGSD_OK);
    /* hand-picked from the novel */
    const char *visual = "Tom appeared on the sidewalk with a bucket of whitewash and a long-handled brush.";
    const char *visual2 = "The old lady whirled round, and snatched her skirts out of danger. The lad fled on the "
                          "instant, scrambled up the high board-fence, and disappeared over it.";
    const char *dialogue = "\"Well, I lay if I get hold of you I'll --\"";
    const char *dialogue2 = "\"There! I might 'a' thought of that closet. What you been doing in there?\"";
    const char *abstract = "Part of my plan has been to try to pleasantly remind adults of what they once were "
                           "themselves, and of how they felt and thought and talked.";
    const char *abstract2 = "He had discovered a great law of human action, without knowing it -- namely, that in "
                            "order to make a man or a boy covet a thing, it is only necessary to make the thing "
                            "difficult to attain.";
    double v = ls_ideas_score_text(visual, "en", cast, n_cast);
    double v2 = ls_ideas_score_text(visual2, "en", cast, n_cast);
    double d = ls_ideas_score_text(dialogue, "en", cast, n_cast);
    double d2 = ls_ideas_score_text(dialogue2, "en", cast, n_cast);
    double a = ls_ideas_score_text(abstract, "en", cast, n_cast);
    double a2 = ls_ideas_score_text(abstract2, "en", cast, n_cast);
    fprintf(stderr, "  scores: visual %.2f %.2f, dialogue %.2f %.2f, abstract %.2f %.2f\n", v, v2, d, d2, a, a2);
    CHECK(v > d && v > d2 && v > a && v > a2);
    CHECK(v2 > d && v2 > d2 && v2 > a && v2 > a2);
    CHECK(d < 0 && d2 < 0);
    /* a cast name counts */
    CHECK(ls_ideas_score_text("Tom sat on the fence in the sun.", "en", cast, n_cast) >
          ls_ideas_score_text("Zed sat on the fence in the sun.", "en", cast, n_cast));
    /* German nouns count only capitalised */
    CHECK(ls_ideas_score_text("De Fischer seet by de See in dat blanke Water.", "de", NULL, 0) > 1.0);
    ls_cast_free(cast, n_cast);
    longsd_story_free(s);
}

/* The scene of sentence `si` of text, with the given cast names. */
static char *scene_of(const char *text, size_t si, const char *const *names, const int *genders, size_t n_names)
{
    longsd_story *s = ingest_str(text);
    ls_character cast[4];
    memset(cast, 0, sizeof cast);
    for (size_t i = 0; i < n_names; i++) {
        cast[i].name = (char *)names[i];
        cast[i].full_name = (char *)names[i];
        cast[i].description = "";
        cast[i].gender = genders ? genders[i] : 0;
    }
    REQUIRE(si < s->n_sentences);
    char *r = ls_ideas_scene(s, si, 1, cast, n_names);
    REQUIRE(r != NULL);
    char *copy = strdup(r);
    longsd__free(r);
    longsd_story_free(s);
    return copy;
}

TEST(scene_pronouns)
{
    const char *tom[] = {"Tom"};
    const char *two[] = {"Tom", "Huck"};
    const char *becky[] = {"Becky"};
    int female[] = {LS_GENDER_FEMALE};
    char *r = scene_of("Tom took the brush. He climbed the fence.\n", 1, tom, NULL, 1);
    CHECK_STR(r, "Tom climbed the fence.");
    free(r);
    r = scene_of("Tom and Huck took the brush. He climbed the fence.\n", 1, two, NULL, 2);
    CHECK_STR(r, "He climbed the fence.");
    free(r);
    /* named earlier in the paragraph, not in the previous sentence */
    r = scene_of("Tom took the brush. It was late. He climbed the fence.\n", 2, tom, NULL, 1);
    CHECK_STR(r, "Tom climbed the fence.");
    free(r);
    /* his -> Tom's; only the first pronoun */
    r = scene_of("Tom sat on the fence. His brush lay in the grass and he smiled.\n", 1, tom, NULL, 1);
    CHECK_STR(r, "Tom's brush lay in the grass and he smiled.");
    free(r);
    /* a leading conjunction goes first */
    r = scene_of("Tom sat on the fence. And then he dipped the brush into the pail.\n", 1, tom, NULL, 1);
    CHECK_STR(r, "Then Tom dipped the brush into the pail.");
    free(r);
    /* gender must fit */
    r = scene_of("Becky sat down. He ran away to the river.\n", 1, becky, female, 1);
    CHECK_STR(r, "He ran away to the river.");
    free(r);
    r = scene_of("Becky sat down. She ran away to the river with her doll.\n", 1, becky, female, 1);
    CHECK_STR(r, "Becky ran away to the river with her doll.");
    free(r);
    /* a name first: the pronoun may be anyone's */
    r = scene_of("Tom sat down. Huck gave him the brush.\n", 1, two, NULL, 2);
    CHECK_STR(r, "Huck gave him the brush.");
    free(r);
    /* no cast at all: text unchanged */
    r = scene_of("Tom took the brush. He climbed the fence.\n", 1, tom, NULL, 0);
    CHECK_STR(r, "He climbed the fence.");
    free(r);
}

TEST(scene_dialogue)
{
    const char *tom[] = {"Tom"};
    char *r = scene_of("\"Hello there,\" said Tom, climbing over the tall fence by the river.\n", 0, tom, NULL, 1);
    CHECK_STR(r, "Tom, climbing over the tall fence by the river.");
    free(r);
    r = scene_of("Tom ran to the gate. \"Come on!\" he shouted.\n", 1, tom, NULL, 1);
    CHECK_STR(r, "");
    free(r);
    /* scare quotes are narration */
    r = scene_of("He climbed over, approached the \"ell,\" and looked in at the window.\n", 0, tom, NULL, 1);
    CHECK_STR(r, "He climbed over, approached the \"ell,\" and looked in at the window.");
    free(r);
    /* German quotes, umlauts intact */
    r = scene_of("»Ach,« säd de Mann, un güng na de See.\n", 0, NULL, NULL, 0);
    CHECK_CONTAINS(r, "güng na de See");
    CHECK(strstr(r, "»") == NULL && strstr(r, "Ach") == NULL);
    free(r);
    /* a sentence that begins inside a speech opened before it: the marks
     * say by their side which one closes, so the speech before "«" goes
     * and the narration after it stays (the order alone read it the other
     * way round: the narration cut, the speech kept) */
    r = scene_of("Die Mutter stand in der Tür und sah zum Fenster hinaus. »Mutter! Anna!« rief der Vater durch das "
                 "Vorzimmer in die Küche, »sofort einen Schlosser holen!«\n",
                 2, NULL, NULL, 0);
    CHECK_CONTAINS(r, "Vater durch das Vorzimmer"); /* the speech verb goes too */
    CHECK(strstr(r, "Anna") == NULL && strstr(r, "Schlosser") == NULL);
    free(r);
    r = scene_of("La mère était à la porte et regardait par la fenêtre. « Viens vite! Viens! » cria le père dans la "
                 "cuisine, « et apporte la lampe! »\n",
                 2, NULL, NULL, 0);
    CHECK_CONTAINS(r, "père dans la cuisine");
    CHECK(strstr(r, "lampe") == NULL);
    free(r);
    /* a shouted chapter opening is put in normal case */
    r = scene_of("SATURDAY morning was come, and all the summer world was bright.\n", 0, NULL, NULL, 0);
    CHECK_STR(r, "Saturday morning was come, and all the summer world was bright.");
    free(r);
}

TEST(appends_to_existing_ideas)
{
    longsd_story *s = load_corpus("en-twain1-ch2-fence.txt");
    lserr err = {0, ""};
    ls_part *parts = NULL;
    size_t np = 0;
    int fell = 0;
    REQUIRE(ls_split(s, 2, 0, &parts, &np, &fell, &err) == LONGSD_OK);
    REQUIRE(np == 2);
    ls_idea *ideas = NULL;
    size_t n = 0, out = 0;
    REQUIRE(ls_ideas_extract(s, &parts[0], 0, 3, NULL, 0, &ideas, &n, &out, &err) == LONGSD_OK);
    CHECK_INT(n, 3);
    REQUIRE(ls_ideas_extract(s, &parts[1], 1, 3, NULL, 0, &ideas, &n, &out, &err) == LONGSD_OK);
    CHECK_INT(n, 6);
    CHECK_INT(ideas[3].part, 1);
    CHECK(strstr(ideas[3].id, "-01") != NULL);
    CHECK(ideas[3].start >= ideas[2].end);
    ls_ideas_free(ideas, n);
    ls_parts_free(parts, np);
    longsd_story_free(s);
}

/* Cast + 3 parts x 5 ideas on text (seconds). */
static double time_pipeline(const char *d, size_t n, size_t *n_ideas)
{
    longsd_story *s = ingest_mem("bench.txt", d, n);
    lserr err = {0, ""};
    double t0 = now_s();
    ls_character *cast = NULL;
    size_t n_cast = 0;
    REQUIRE(ls_cast_find(s, 30, &cast, &n_cast, &err) == LONGSD_OK);
    ls_part *parts = NULL;
    size_t np = 0;
    int fell = 0;
    REQUIRE(ls_split(s, 3, 0, &parts, &np, &fell, &err) == LONGSD_OK);
    ls_idea *ideas = NULL;
    size_t ni = 0;
    for (size_t p = 0; p < np; p++) {
        size_t out = 0;
        REQUIRE(ls_ideas_extract(s, &parts[p], p, 5, cast, n_cast, &ideas, &ni, &out, &err) == LONGSD_OK);
    }
    double t = now_s() - t0;
    *n_ideas = ni;
    ls_ideas_free(ideas, ni);
    ls_parts_free(parts, np);
    ls_cast_free(cast, n_cast);
    longsd_story_free(s);
    return t;
}

TEST(fast_and_linear)
{
    size_t n = 0;
    char *d = slurp_corpus("en-twain1.txt", &n);
    size_t ni = 0;
    double t1 = 1e9;
    for (int r = 0; r < 3; r++) {
        double t = time_pipeline(d, n, &ni);
        if (t < t1)
            t1 = t;
    }
    CHECK_INT(ni, 15);
    CHECK(t1 < 2.0 * SLOW); /* a guard, 4x the goal: a pathological slowdown, not a benchmark */
    /* ten copies: parts grow tenfold, so linear work grows about tenfold */
    char *big = malloc(n * 10 + 1);
    REQUIRE(big != NULL);
    for (int i = 0; i < 10; i++) {
        memcpy(big + (size_t)i * n, d, n);
        big[(size_t)i * n + n - 1] = '\n';
    }
    big[n * 10] = '\0';
    double t10 = 1e9;
    for (int r = 0; r < 2; r++) {
        double t = time_pipeline(big, n * 10, &ni);
        if (t < t10)
            t10 = t;
    }
    CHECK_INT(ni, 15);
    fprintf(stderr, "  cast+ideas: %.3f s on Tom Sawyer, %.3f s on ten copies\n", t1, t10);
    CHECK(t10 < 30 * t1 + 0.05 * SLOW);
    free(big);
    free(d);
}

TEST(alloc_failures)
{
    longsd_story *s = load_corpus("en-twain1-ch2-fence.txt");
    lserr err = {0, ""};
    ls_character *cast = NULL;
    size_t n_cast = 0;
    REQUIRE(ls_cast_find(s, 30, &cast, &n_cast, &err) == LONGSD_OK);
    ls_part *parts = NULL;
    size_t np = 0;
    int fell = 0;
    REQUIRE(ls_split(s, 1, 0, &parts, &np, &fell, &err) == LONGSD_OK);
    int ok = 0;
    for (long fail = 0; fail < 200000 && !ok; fail += (fail < 300 ? 1 : 53)) {
        ls_idea *ideas = NULL;
        size_t n = 0, out = 0;
        longsd__alloc_fail_after = fail;
        longsd_status rc = ls_ideas_extract(s, &parts[0], 0, 5, cast, n_cast, &ideas, &n, &out, &err);
        longsd__alloc_fail_after = -1;
        if (rc == LONGSD_OK) {
            ok = 1;
            CHECK_INT(n, 5);
        } else {
            CHECK_INT(rc, LONGSD_ERR_NOMEM);
            CHECK_INT(n, 0);
            CHECK(ideas == NULL);
        }
        ls_ideas_free(ideas, n);
    }
    CHECK(ok);
    ls_parts_free(parts, np);
    ls_cast_free(cast, n_cast);
    longsd_story_free(s);
}

RUN_TESTS(twain_three_parts_five_each, twain_ideas_name_characters, fence_chapter_gives_five, german_tale_utf8_intact,
          french_chemistry_ideas_or_polite_error, two_usable_sentences_give_two, one_paragraph_two_sentences_give_two,
          nothing_to_illustrate, scene_choice_prefers_people_acting_there, scores_favour_what_can_be_painted, scene_pronouns, scene_dialogue, dash_replies_are_dialogue,
          appends_to_existing_ideas, fast_and_linear, alloc_failures)
