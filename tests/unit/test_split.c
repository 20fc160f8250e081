/* test_split.c - parts: balanced by words on the real corpus, one per
 * chapter with the preface joined to the first, fallback without chapters,
 * fewer parts than asked when there are too few paragraphs, and headings
 * never left at the end of a part. */
#include "story.h"
#include "t.h"
#include "t_corpus.h"

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

/* Parts tile the paragraphs in order, none empty, spans and words agree,
 * and no part but the story's last ends on a heading. */
static void check_parts(const longsd_story *s, const ls_part *p, size_t n)
{
    size_t next = 0, words = 0;
    REQUIRE(n >= 1);
    for (size_t k = 0; k < n; k++) {
        CHECK_INT(p[k].first_para, next);
        CHECK(p[k].n_paras >= 1);
        CHECK(p[k].label != NULL && p[k].label[0]);
        CHECK(p[k].id[0]);
        size_t last = p[k].first_para + p[k].n_paras - 1;
        REQUIRE(last < s->n_paras);
        CHECK_INT(p[k].start, s->paras[p[k].first_para].start);
        CHECK_INT(p[k].end, s->paras[last].end);
        size_t w = 0;
        for (size_t i = p[k].first_para; i <= last; i++)
            w += s->paras[i].n_words;
        CHECK_INT(p[k].n_words, w);
        if (k + 1 < n)
            CHECK(!s->paras[last].is_heading);
        next = last + 1;
        words += w;
    }
    CHECK_INT(next, s->n_paras);
    CHECK_INT(words, s->n_words);
}

TEST(twain1_three_parts_balanced)
{
    longsd_story *s = load_corpus("en-twain1.txt");
    ls_part *p = NULL;
    size_t n = 0;
    int fell = -1;
    lserr err = {0, ""};
    CHECK_INT(ls_split(s, 3, 0, &p, &n, &fell, &err), LONGSD_OK);
    CHECK_INT(n, 3);
    CHECK_INT(fell, 0);
    check_parts(s, p, n);
    CHECK_STR(p[0].id, "beginning");
    CHECK_STR(p[1].id, "middle");
    CHECK_STR(p[2].id, "end");
    CHECK_STR(p[0].label, "Beginning");
    CHECK_STR(p[1].label, "Middle");
    CHECK_STR(p[2].label, "End");
    double third = (double)s->n_words / 3.0;
    for (size_t k = 0; k < n; k++) {
        double dev = ((double)p[k].n_words - third) / third;
        if (dev < 0)
            dev = -dev;
        CHECK(dev < 0.03);
    }
    ls_parts_free(p, n);

    /* 7 parts: "part-01".."part-07", still within a few % */
    CHECK_INT(ls_split(s, 7, 0, &p, &n, &fell, &err), LONGSD_OK);
    CHECK_INT(n, 7);
    check_parts(s, p, n);
    CHECK_STR(p[0].id, "part-01");
    CHECK_STR(p[6].id, "part-07");
    CHECK_STR(p[0].label, "Part 1");
    CHECK_STR(p[6].label, "Part 7");
    for (size_t k = 0; k < n; k++) {
        double want = (double)s->n_words / 7.0, dev = ((double)p[k].n_words - want) / want;
        CHECK(dev < 0.05 && dev > -0.05);
    }
    ls_parts_free(p, n);

    CHECK_INT(ls_split(s, 1, 0, &p, &n, &fell, &err), LONGSD_OK);
    CHECK_INT(n, 1);
    check_parts(s, p, n);
    CHECK_STR(p[0].id, "part-01");
    ls_parts_free(p, n);
    longsd_story_free(s);
}

TEST(twain1_by_chapter)
{
    longsd_story *s = load_corpus("en-twain1.txt");
    ls_part *p = NULL;
    size_t n = 0;
    int fell = -1;
    lserr err = {0, ""};
    CHECK_INT(ls_split(s, 3, 1, &p, &n, &fell, &err), LONGSD_OK);
    CHECK_INT(fell, 0);
    CHECK_INT(n, 36); /* 35 chapters and the CONCLUSION */
    check_parts(s, p, n);
    CHECK_STR(p[0].id, "chapter-01");
    CHECK_STR(p[0].label, "CHAPTER I");
    CHECK_STR(p[34].id, "chapter-35");
    CHECK_STR(p[34].label, "CHAPTER XXXV");
    if (n == 36)
        CHECK_STR(p[35].label, "CONCLUSION");
    /* the preface is joined to the first chapter part */
    CHECK_INT(p[0].first_para, 0);
    CHECK_INT(p[0].start, s->paras[0].start);
    CHECK(p[0].n_paras > s->chapters[0].n_paras + 1);
    CHECK_INT(p[1].first_para, s->chapters[1].heading_para);
    ls_parts_free(p, n);
    longsd_story_free(s);
}

TEST(other_corpus_by_chapter)
{
    longsd_story *s = load_corpus("en-twain3.txt");
    ls_part *p = NULL;
    size_t n = 0;
    int fell = -1;
    lserr err = {0, ""};
    CHECK_INT(ls_split(s, 3, 1, &p, &n, &fell, &err), LONGSD_OK);
    CHECK_INT(n, 13);
    check_parts(s, p, n);
    CHECK_STR(p[1].label, "CHAPTER II. THE BALLOON ASCENSION");
    ls_parts_free(p, n);
    longsd_story_free(s);

    s = load_corpus("de-grimm2.txt");
    CHECK_INT(ls_split(s, 3, 1, &p, &n, &fell, &err), LONGSD_OK);
    CHECK_INT(n, 16);
    check_parts(s, p, n);
    CHECK_STR(p[0].label, "19. Von dem Fischer un syner Fru");
    CHECK_STR(p[15].id, "chapter-16");
    CHECK_STR(p[15].label, "196. Oll Rinkrank");
    ls_parts_free(p, n);
    longsd_story_free(s);
}

TEST(all_corpus_all_counts)
{
    static const char *const files[] = {"en-twain1.txt", "en-twain1-ch2-fence.txt", "en-twain3.txt",
                                        "de-grimm2.txt", "de-grimm-fischer.txt",    "fr-chemie2.txt"};
    static const int counts[] = {1, 2, 3, 5, 10, 40};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        longsd_story *s = load_corpus(files[f]);
        for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
            for (int by = 0; by < 2; by++) {
                ls_part *p = NULL;
                size_t n = 0;
                int fell = -1;
                lserr err = {0, ""};
                CHECK_INT(ls_split(s, counts[c], by, &p, &n, &fell, &err), LONGSD_OK);
                check_parts(s, p, n);
                CHECK_INT(fell, by && s->n_chapters == 0);
                if (!by || s->n_chapters == 0)
                    CHECK_INT(n, counts[c]);
                ls_parts_free(p, n);
            }
        }
        longsd_story_free(s);
    }
}

TEST(fallback_without_chapters)
{
    longsd_story *s = ingest_str("One two three four.\n\nFive six seven eight.\n\nNine ten eleven twelve.\n\n"
                                 "Thirteen fourteen fifteen sixteen.\n");
    ls_part *p = NULL;
    size_t n = 0;
    int fell = 0;
    lserr err = {0, ""};
    CHECK_INT(ls_split(s, 2, 1, &p, &n, &fell, &err), LONGSD_OK);
    CHECK_INT(fell, 1);
    CHECK_INT(n, 2);
    check_parts(s, p, n);
    CHECK_INT(p[0].n_paras, 2);
    CHECK_STR(p[1].id, "part-02");
    ls_parts_free(p, n);
    /* fell_back may be NULL */
    CHECK_INT(ls_split(s, 3, 1, &p, &n, NULL, &err), LONGSD_OK);
    CHECK_INT(n, 3);
    CHECK_STR(p[2].id, "end");
    ls_parts_free(p, n);
    longsd_story_free(s);
}

TEST(fewer_paragraphs_than_parts)
{
    longsd_story *s = ingest_str("Only one paragraph here.\n\nAnd a second one.\n");
    ls_part *p = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    CHECK_INT(ls_split(s, 5, 0, &p, &n, NULL, &err), LONGSD_OK);
    CHECK_INT(n, 2); /* reduced, reported through the count */
    check_parts(s, p, n);
    CHECK_STR(p[0].id, "part-01");
    CHECK_STR(p[1].label, "Part 2");
    ls_parts_free(p, n);
    CHECK_INT(ls_split(s, 0, 0, &p, &n, NULL, &err), LONGSD_ERR_PARAM);
    CHECK(p == NULL && n == 0);
    CHECK_CONTAINS(err.msg, "at least 1");
    longsd_story_free(s);
}

TEST(heading_never_ends_a_part)
{
    /* A word-balanced cut would fall right after "CHAPTER II"; the heading
     * goes to the next part instead. */
    longsd_story *s = ingest_str("CHAPTER I\n\nAlpha beta gamma delta epsilon zeta eta theta iota kappa.\n\n"
                                 "CHAPTER II\n\nLambda mu nu xi omicron pi rho sigma tau upsilon.\n");
    ls_part *p = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    CHECK_INT(ls_split(s, 2, 0, &p, &n, NULL, &err), LONGSD_OK);
    CHECK_INT(n, 2);
    check_parts(s, p, n);
    CHECK_INT(p[1].first_para, 2);
    ls_parts_free(p, n);
    /* only headings can't be cut after: 4 asked, 2 possible */
    CHECK_INT(ls_split(s, 4, 0, &p, &n, NULL, &err), LONGSD_OK);
    CHECK_INT(n, 2);
    check_parts(s, p, n);
    ls_parts_free(p, n);
    longsd_story_free(s);
}

TEST(empty_chapters_merge_forward)
{
    longsd_story *s = ingest_str("Preface text here.\n\nCHAPTER I\n\nCHAPTER II\n\nText of the second chapter.\n\n"
                                 "CHAPTER III\n\nMore text.\n\nCHAPTER IV\n");
    CHECK_INT(s->n_chapters, 4);
    ls_part *p = NULL;
    size_t n = 0;
    lserr err = {0, ""};
    CHECK_INT(ls_split(s, 3, 1, &p, &n, NULL, &err), LONGSD_OK);
    CHECK_INT(n, 2);
    check_parts(s, p, n);
    CHECK_STR(p[0].id, "chapter-01");
    CHECK_STR(p[0].label, "CHAPTER I: CHAPTER II");
    CHECK_STR(p[1].id, "chapter-03");
    /* the trailing heading with no text stays with the last part */
    CHECK_INT(p[1].first_para + p[1].n_paras, s->n_paras);
    ls_parts_free(p, n);
    longsd_story_free(s);
}

TEST(allocation_failures)
{
    longsd_story *s = load_corpus("en-twain1-ch2-fence.txt");
    for (int by = 0; by < 2; by++) {
        int ok = 0;
        for (long k = 0; k < 100 && !ok; k++) {
            ls_part *p = NULL;
            size_t n = 0;
            lserr err = {0, ""};
            longsd__alloc_fail_after = k;
            longsd_status rc = ls_split(s, 3, by, &p, &n, NULL, &err);
            longsd__alloc_fail_after = -1;
            CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_NOMEM);
            if (rc == LONGSD_OK) {
                ok = 1;
                check_parts(s, p, n);
            } else {
                CHECK(p == NULL && n == 0);
            }
            ls_parts_free(p, n);
        }
        CHECK(ok);
    }
    longsd_story_free(s);
}

RUN_TESTS(twain1_three_parts_balanced, twain1_by_chapter, other_corpus_by_chapter, all_corpus_all_counts,
          fallback_without_chapters, fewer_paragraphs_than_parts, heading_never_ends_a_part,
          empty_chapters_merge_forward, allocation_failures)
