/* test_story.c - ingest on the real corpus (chapters, paragraphs, sentences,
 * spans), a table of tricky sentences, every class of bad input with its
 * message, Gutenberg/Markdown/numbered headings, CRLF/CR/BOM, linear time
 * on a 10 MB line, and allocation failures. */
#include <time.h>

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

static int is_sp(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

/* Every span is inside the file, starts and ends on a visible character,
 * sentences tile their paragraph in order, word counts add up. */
static void check_spans(const longsd_story *s)
{
    size_t words = 0, next_sentence = 0, prev_end = 0;
    CHECK(s->n_paras > 0);
    for (size_t i = 0; i < s->n_paras; i++) {
        const ls_para *p = &s->paras[i];
        CHECK(p->start < p->end && p->end <= s->len);
        CHECK(p->start >= prev_end);
        prev_end = p->end;
        CHECK(!is_sp(s->data[p->start]) && !is_sp(s->data[p->end - 1]));
        CHECK(p->first_sentence == next_sentence);
        CHECK(p->n_sentences >= 1);
        size_t sw = 0, sprev = p->start;
        for (size_t k = p->first_sentence; k < p->first_sentence + p->n_sentences && k < s->n_sentences; k++) {
            const ls_sentence *x = &s->sentences[k];
            CHECK(x->para == i);
            CHECK(x->start >= sprev && x->start < x->end && x->end <= p->end);
            CHECK(!is_sp(s->data[x->start]) && !is_sp(s->data[x->end - 1]));
            sprev = x->end;
            sw += x->n_words;
        }
        CHECK(s->sentences[p->first_sentence].start == p->start);
        CHECK(s->sentences[p->first_sentence + p->n_sentences - 1].end == p->end);
        CHECK_INT(sw, p->n_words);
        next_sentence += p->n_sentences;
        words += p->n_words;
    }
    CHECK_INT(next_sentence, s->n_sentences);
    CHECK_INT(words, s->n_words);
    for (size_t c = 0; c < s->n_chapters; c++) {
        const ls_chapter *ch = &s->chapters[c];
        CHECK(s->paras[ch->heading_para].is_heading);
        CHECK_INT(s->paras[ch->heading_para].chapter, (long long)c);
        CHECK_INT(ch->first_para, ch->heading_para + 1);
        size_t endp = c + 1 < s->n_chapters ? s->chapters[c + 1].heading_para : s->n_paras;
        CHECK_INT(ch->first_para + ch->n_paras, endp);
    }
}

static char *para_text(const longsd_story *s, size_t i) { return ls_story_text(s, s->paras[i].start, s->paras[i].end); }

static const char *roman(int n, char *buf)
{
    static const char *const tens[] = {"", "X", "XX", "XXX"};
    static const char *const ones[] = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"};
    sprintf(buf, "%s%s", tens[n / 10], ones[n % 10]);
    return buf;
}

/* ------------------------------------------------------------------------
 * Real corpus */

TEST(twain1_chapters_paragraphs)
{
    longsd_story *s = load_corpus("en-twain1.txt");
    check_spans(s);
    CHECK_STR(s->title, "The Adventures of Tom Sawyer");
    CHECK_STR(s->author, "Mark Twain");
    CHECK_STR(s->lang, "en");
    /* 35 numbered chapters and the closing "CONCLUSION" */
    CHECK_INT(s->n_chapters, 36);
    if (s->n_chapters == 36)
        CHECK_STR(s->chapters[35].title, "CONCLUSION");
    for (int c = 0; c < 35 && c < (int)s->n_chapters; c++) {
        char r[16], want[32];
        snprintf(want, sizeof want, "CHAPTER %s", roman(c + 1, r));
        CHECK_STR(s->chapters[c].title, want);
    }
    /* One paragraph per non-blank line (1879), except the centred title
     * block where "by / Mark Twain / (Samuel ...)" is one paragraph. */
    CHECK_INT(s->n_paras, 1877);
    CHECK(s->n_words > 65000 && s->n_words < 75000);
    /* Preface and front matter are before chapter 1. */
    size_t h = s->chapters[0].heading_para;
    CHECK(h > 5);
    for (size_t i = 0; i < h; i++)
        CHECK_INT(s->paras[i].chapter, -1);
    char *t = para_text(s, h + 1);
    CHECK_STR(t, "\"TOM!\"");
    free(t);
    t = para_text(s, 4);
    CHECK_STR(t, "Preface");
    free(t);
    CHECK_INT(s->paras[s->n_paras - 1].chapter, 35);
    /* the very end: "...turned out to be; therefore ... at present." */
    t = para_text(s, s->n_paras - 1);
    CHECK(strncmp(t, "Most of the characters", 22) == 0);
    free(t);
    longsd_story_free(s);
}

TEST(twain1_sentences_in_quotes)
{
    longsd_story *s = load_corpus("en-twain1.txt");
    /* "Nothing! Look at your hands. And look at your mouth. What IS that truck?" */
    const char *want[] = {"\"Nothing!", "Look at your hands.", "And look at your mouth.", "What IS that truck?\""};
    size_t found = 0;
    for (size_t i = 0; i < s->n_paras && !found; i++) {
        char *t = para_text(s, i);
        if (!strncmp(t, "\"Nothing! Look", 14)) {
            found = 1;
            CHECK_INT(s->paras[i].n_sentences, 4);
            for (size_t k = 0; k < 4 && k < s->paras[i].n_sentences; k++) {
                const ls_sentence *x = &s->sentences[s->paras[i].first_sentence + k];
                char *u = ls_story_text(s, x->start, x->end);
                CHECK_STR(u, want[k]);
                CHECK(x->in_quotes);
                free(u);
            }
        }
        free(t);
    }
    CHECK(found);
    /* narration is not in quotes */
    const ls_para *p = &s->paras[s->chapters[0].heading_para + 2]; /* "No answer." */
    CHECK_INT(s->sentences[p->first_sentence].in_quotes, 0);
    longsd_story_free(s);
}

TEST(twain3_hard_wrapped)
{
    longsd_story *s = load_corpus("en-twain3.txt");
    check_spans(s);
    CHECK_STR(s->title, "Tom Sawyer Abroad");
    CHECK_STR(s->lang, "en");
    CHECK_INT(s->n_chapters, 13);
    if (s->n_chapters == 13) {
        CHECK_STR(s->chapters[0].title, "Chapter I. Tom Seeks New Adventures");
        CHECK_STR(s->chapters[1].title, "CHAPTER II. THE BALLOON ASCENSION");
        CHECK_STR(s->chapters[12].title, "CHAPTER XIII. GOING FOR TOM'S PIPE:");
    }
    /* 728 blank lines separate about as many blocks; wrapped lines joined. */
    CHECK(s->n_paras >= 700 && s->n_paras <= 730);
    char *t = para_text(s, s->chapters[0].first_para);
    CHECK(strncmp(t, "DO you reckon Tom Sawyer was satisfied after all them adventures? I mean", 72) == 0);
    free(t);
    const ls_para *p = &s->paras[s->chapters[0].first_para];
    CHECK(p->n_sentences >= 4);
    const ls_sentence *x = &s->sentences[p->first_sentence];
    t = ls_story_text(s, x->start, x->end);
    CHECK_STR(t, "DO you reckon Tom Sawyer was satisfied after all them adventures?");
    free(t);
    /* No paragraph swallows a blank line; most span several lines. */
    size_t multi = 0;
    for (size_t i = 0; i < s->n_paras; i++) {
        const char *a = s->data + s->paras[i].start;
        size_t n = s->paras[i].end - s->paras[i].start;
        int has_nl = memchr(a, '\n', n) != NULL;
        multi += has_nl;
        for (size_t k = 0; k + 1 < n; k++)
            if (a[k] == '\n' && (a[k + 1] == '\n' || (a[k + 1] == ' ' && k + 2 < n && a[k + 2] == '\n'))) {
                CHECK(!"blank line inside a paragraph");
                break;
            }
    }
    CHECK(multi * 2 > s->n_paras);
    t = para_text(s, s->n_paras - 1);
    CHECK_STR(t, "END.");
    free(t);
    longsd_story_free(s);
}

TEST(grimm2_numbered_tales)
{
    static const char *const titles[] = {
        "19. Von dem Fischer un syner Fru", "47. Von dem Machandelboom", "68. De Gaudeif un sien Meester",
        "82. De Spielhansl", "91. Dat Erdm\xC3\xA4nneken", "95. Der alte Hildebrand", "96. De drei V\xC3\xBCgelkens",
        "126. Ferenand getr\xC3\xBC und Ferenand ungetr\xC3\xBC", "137. De drei schwatten Prinzessinnen",
        "138. Knoist un sine dre S\xC3\xBChne", "139. Dat M\xC3\xA4ken von Brakel", "140. Das Hausgesinde",
        "143. Up Reisen gohn", "165. Der Vogel Greif", "187. Der Hase und der Igel", "196. Oll Rinkrank"};
    longsd_story *s = load_corpus("de-grimm2.txt");
    check_spans(s);
    CHECK_STR(s->lang, "de");
    CHECK_STR(s->title, "de-grimm2"); /* a collection: no title line at the top */
    CHECK_INT(s->n_chapters, 16);
    for (size_t c = 0; c < 16 && c < s->n_chapters; c++)
        CHECK_STR(s->chapters[c].title, titles[c]);
    CHECK_INT(s->chapters[0].heading_para, 0);
    /* one paragraph per line, but a line ending in a comma goes on:
     * '»Nu,« säd de Mann,' + '»du bruukst ...' */
    CHECK(s->n_paras > 450 && s->n_paras < 636);
    int found = 0;
    for (size_t i = 0; i < 12 && i < s->n_paras; i++) {
        char *t = para_text(s, i);
        if (!strncmp(t, "\xC2\xBBNu,\xC2\xAB s\xC3\xA4" "d de Mann, \xC2\xBB" "du bruukst", 25))
            found = 1;
        free(t);
    }
    CHECK(found);
    longsd_story_free(s);
}

TEST(grimm_fischer_single_tale)
{
    longsd_story *s = load_corpus("de-grimm-fischer.txt");
    check_spans(s);
    CHECK_STR(s->lang, "de");
    /* one numbered title is not a chapter structure (needs >= 2) */
    CHECK_INT(s->n_chapters, 0);
    CHECK_INT(s->paras[0].is_heading, 0);
    CHECK_STR(s->title, "Von dem Fischer un syner Fru");
    CHECK(s->n_paras > 80 && s->n_paras < 149);
    /* the German first sentence of the first paragraph after the title */
    const ls_sentence *x = &s->sentences[s->paras[1].first_sentence];
    char *t = ls_story_text(s, x->start, x->end);
    CHECK(strncmp(t, "Dar w\xC3\xB6\xC3\xB6r maal eens en Fischer", 30) == 0);
    CHECK(t[strlen(t) - 1] == '.');
    free(t);
    longsd_story_free(s);
}

TEST(fence_and_chemie)
{
    longsd_story *s = load_corpus("en-twain1-ch2-fence.txt");
    check_spans(s);
    CHECK_INT(s->n_chapters, 1);
    CHECK_STR(s->chapters[0].title, "CHAPTER II");
    CHECK_INT(s->n_paras, 47);
    CHECK_STR(s->title, "en-twain1-ch2-fence");
    CHECK_STR(s->lang, "en");
    longsd_story_free(s);

    s = load_corpus("fr-chemie2.txt");
    check_spans(s);
    CHECK_STR(s->lang, "fr");
    CHECK(s->n_paras > 100);
    /* numbered sections "1. Isomérie et isomères" .. "3. ..." */
    CHECK_INT(s->n_chapters, 3);
    char *t = para_text(s, 1);
    /* a line wrapped at ~100 columns is joined to its continuation */
    CHECK_STR(t, "D\xC3\xA9" "finition: Deux isom\xC3\xA8res sont deux compos\xC3\xA9s qui ont la m\xC3\xAAme formule brute "
                 "mais dont les mol\xC3\xA9" "cules sont diff\xC3\xA9rentes");
    free(t);
    longsd_story_free(s);
}

TEST(corpus_sentence_text_matches_span)
{
    static const char *const files[] = {"en-twain1.txt", "en-twain1-ch2-fence.txt", "en-twain3.txt",
                                        "de-grimm2.txt", "de-grimm-fischer.txt",    "fr-chemie2.txt"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        longsd_story *s = load_corpus(files[f]);
        check_spans(s);
        for (size_t k = 0; k < s->n_sentences; k += 7) {
            const ls_sentence *x = &s->sentences[k];
            char *t = ls_story_text(s, x->start, x->end);
            REQUIRE(t != NULL);
            CHECK(t[0] && !strchr(t, '\n') && !strchr(t, '\r') && !strstr(t, "  "));
            /* the clean text's first byte is the span's first byte */
            CHECK(t[0] == s->data[x->start]);
            free(t);
        }
        longsd_story_free(s);
    }
}

/* ------------------------------------------------------------------------
 * Sentences: text in, expected sentences out ("|" separates them). */

static const struct {
    const char *text;
    const char *want;
} sentence_cases[] = {
    {"Mr. Smith went to Washington. He arrived late.", "Mr. Smith went to Washington.|He arrived late."},
    {"Dr. Jones and Mrs. Brown met at St. Paul's. It rained.",
     "Dr. Jones and Mrs. Brown met at St. Paul's.|It rained."},
    {"J. R. Smith wrote it. Then he left.", "J. R. Smith wrote it.|Then he left."},
    {"\"Hello!\" said Tom. \"Goodbye!\"", "\"Hello!\" said Tom.|\"Goodbye!\""},
    {"Wait... what was that? Nothing... Go to sleep.", "Wait... what was that?|Nothing...|Go to sleep."},
    {"He bought apples, pears, etc. and went home. It was late.",
     "He bought apples, pears, etc. and went home.|It was late."},
    {"We saw Kramer vs. Kramer. It was long.", "We saw Kramer vs. Kramer.|It was long."},
    {"She said--\"Never!\" Then silence.", "She said--\"Never!\"|Then silence."},
    {"\"I never--\" he began. Mt. Everest is high.", "\"I never--\" he began.|Mt. Everest is high."},
    {"It cost 3.50 dollars. Cheap!", "It cost 3.50 dollars.|Cheap!"},
    {"(He left.) She stayed.", "(He left.)|She stayed."},
    {"Where? Here. Now!", "Where?|Here.|Now!"},
    {"He said \xE2\x80\x9CGo home.\xE2\x80\x9D She went.", "He said \xE2\x80\x9CGo home.\xE2\x80\x9D|She went."},
    {"At 10 p.m. and later it was dark.", "At 10 p.m. and later it was dark."},
    {"Ellipsis\xE2\x80\xA6 Next one.", "Ellipsis\xE2\x80\xA6|Next one."},
    {"Ellipsis\xE2\x80\xA6 and more.", "Ellipsis\xE2\x80\xA6 and more."},
    {"\xC2\xBBH\xC3\xB6r mal, Fischer.\xC2\xAB Do s\xC3\xA4" "d he.",
     "\xC2\xBBH\xC3\xB6r mal, Fischer.\xC2\xAB|Do s\xC3\xA4" "d he."},
    {"The rest -- that is to say -- was gone. Over!", "The rest -- that is to say -- was gone.|Over!"},
    {"Why? why not?", "Why? why not?"},
    {"So did I. Then we left.", "So did I.|Then we left."},
    {"\"Sh! ... There! ... Hear it?\"", "\"Sh! ...|There! ...|Hear it?\""},
    {"19. Von dem Fischer un syner Fru", "19. Von dem Fischer un syner Fru"},
    {"Jr. is here.  Sr. too.", "Jr. is here.|Sr. too."},
    {"\"No. I won't.\" Then he left.", "\"No.|I won't.\"|Then he left."},
};

TEST(sentence_table)
{
    for (size_t c = 0; c < sizeof sentence_cases / sizeof sentence_cases[0]; c++) {
        longsd_story *s = ingest_str(sentence_cases[c].text);
        CHECK_INT(s->n_paras, 1);
        char got[512] = "";
        for (size_t k = 0; k < s->n_sentences; k++) {
            char *t = ls_story_text(s, s->sentences[k].start, s->sentences[k].end);
            if (k)
                strncat(got, "|", sizeof got - strlen(got) - 1);
            strncat(got, t, sizeof got - strlen(got) - 1);
            free(t);
        }
        CHECK_STR(got, sentence_cases[c].want);
        check_spans(s);
        longsd_story_free(s);
    }
}

TEST(in_quotes)
{
    longsd_story *s = ingest_str("\"Hello there, my good friend!\" He said \"hi\" to me at the gate. "
                                 "\xE2\x80\x9CRun, run away from here!\xE2\x80\x9D \xC2\xBB" "Ach, laat my!\xC2\xAB");
    CHECK_INT(s->n_sentences, 4);
    if (s->n_sentences == 4) {
        CHECK_INT(s->sentences[0].in_quotes, 1);
        CHECK_INT(s->sentences[1].in_quotes, 0);
        CHECK_INT(s->sentences[2].in_quotes, 1);
        CHECK_INT(s->sentences[3].in_quotes, 1);
    }
    longsd_story_free(s);
}

/* ------------------------------------------------------------------------
 * Layouts, line ends, BOM */

TEST(crlf_cr_and_lf_agree)
{
    const char *lf = "The Title\n\nFirst para line one\nline two. Second sentence.\n\nCHAPTER I\n\n"
                     "It was a dark night. Rain fell.\n\nThe end came.\n";
    size_t n = strlen(lf);
    char crlf[512], cr[512];
    size_t a = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        if (lf[i] == '\n') {
            crlf[a++] = '\r';
            crlf[a++] = '\n';
            cr[b++] = '\r';
        } else {
            crlf[a++] = lf[i];
            cr[b++] = lf[i];
        }
    }
    crlf[a] = cr[b] = '\0';
    longsd_story *s1 = ingest_str(lf), *s2 = ingest_str(crlf), *s3 = ingest_str(cr);
    const longsd_story *all[3] = {s1, s2, s3};
    for (int k = 0; k < 3; k++) {
        check_spans(all[k]);
        CHECK_INT(all[k]->n_paras, s1->n_paras);
        CHECK_INT(all[k]->n_sentences, s1->n_sentences);
        CHECK_INT(all[k]->n_chapters, 1);
        CHECK_STR(all[k]->title, "The Title");
        for (size_t i = 0; i < all[k]->n_paras && i < s1->n_paras; i++) {
            char *x = para_text(s1, i), *y = para_text(all[k], i);
            CHECK_STR(y, x);
            free(x);
            free(y);
            CHECK(all[k]->data[all[k]->paras[i].end - 1] != '\r');
        }
        for (size_t i = 0; i < all[k]->n_sentences; i++)
            CHECK(all[k]->data[all[k]->sentences[i].end - 1] != '\r');
    }
    CHECK_INT(s1->n_paras, 5);
    char *t = para_text(s2, 1);
    CHECK_STR(t, "First para line one line two. Second sentence.");
    free(t);
    longsd_story_free(s1);
    longsd_story_free(s2);
    longsd_story_free(s3);
}

TEST(utf8_bom_stripped_spans_original)
{
    const char *text = "\xEF\xBB\xBFOnce upon a time.\n\nThe end.\n";
    longsd_story *s = ingest_str(text);
    check_spans(s);
    CHECK_INT(s->n_paras, 2);
    CHECK_INT(s->paras[0].start, 3); /* spans are offsets in the original bytes */
    CHECK_INT(s->len, strlen(text));
    char *t = para_text(s, 0);
    CHECK_STR(t, "Once upon a time.");
    free(t);
    longsd_story_free(s);
}

TEST(line_per_paragraph_without_blank_lines)
{
    const char *text =
        "The miller had a daughter who was very beautiful and clever, and the king wanted to marry her soon.\n"
        "She spun straw into gold all night long, and in the morning the king was glad and took her home.\n"
        "A little man came to her and asked for her first child, and she promised it because she was afraid.\n"
        "When the child was born he came back, and she could keep it only if she guessed his name in time.\n";
    longsd_story *s = ingest_str(text);
    check_spans(s);
    CHECK_INT(s->n_paras, 4);
    longsd_story_free(s);
}

TEST(wrapped_with_indented_paragraphs)
{
    const char *text = "    It was the best of times, it was the worst of times, it\n"
                       "was the age of wisdom, it was the age of foolishness, it\n"
                       "was the epoch of belief.\n"
                       "    There were a king with a large jaw and a queen with a\n"
                       "plain face, on the throne of England; there were a king\n"
                       "with a large jaw and a queen with a fair face.\n"
                       "    It was the year of Our Lord one thousand seven hundred\n"
                       "and seventy-five. Spiritual revelations were conceded to\n"
                       "England at that favoured period.\n";
    longsd_story *s = ingest_str(text);
    check_spans(s);
    CHECK_INT(s->n_paras, 3);
    char *t = para_text(s, 2);
    CHECK(strstr(t, "seventy-five. Spiritual") != NULL);
    free(t);
    longsd_story_free(s);
}

TEST(clean_text_joins_hyphenated_wraps)
{
    longsd_story *s = ingest_str("A well-\nknown man came by the old\nmill -- then\nleft\ttoo.  And the X-\nRay.\n");
    char *t = para_text(s, 0);
    CHECK_STR(t, "A well-known man came by the old mill -- then left too. And the X- Ray.");
    free(t);
    /* out-of-range and reversed spans are safe */
    t = ls_story_text(s, 5, 1000000);
    CHECK(t != NULL);
    free(t);
    t = ls_story_text(s, 9, 3);
    CHECK_STR(t, "");
    free(t);
    longsd_story_free(s);
}

/* ------------------------------------------------------------------------
 * Headings */

TEST(chapter_heading_variants)
{
    const char *text = "Chapter 3\n\nText of three. More text here.\n\n"
                       "CHAPTER XXXV\n\nText of thirty-five.\n\n"
                       "Chapter i.\n\nText of one.\n\n"
                       "Chapter One: The Start\n\nText of the start.\n\n"
                       "Chapter 3 was the best one I ever read.\n\n"
                       "CHAPTER IV. THE STORM\n\nWind.\n";
    longsd_story *s = ingest_str(text);
    check_spans(s);
    CHECK_INT(s->n_chapters, 5);
    if (s->n_chapters == 5) {
        CHECK_STR(s->chapters[0].title, "Chapter 3");
        CHECK_STR(s->chapters[1].title, "CHAPTER XXXV");
        CHECK_STR(s->chapters[2].title, "Chapter I."); /* the numeral upper case, as the contents show it */
        CHECK_STR(s->chapters[3].title, "Chapter One: The Start");
        CHECK_STR(s->chapters[4].title, "CHAPTER IV. THE STORM");
        CHECK_INT(s->chapters[3].n_paras, 2); /* "Chapter 3 was ..." is prose */
    }
    longsd_story_free(s);
}

TEST(markdown_headings)
{
    longsd_story *s = ingest_str("# My Book\n\n## The Beginning\n\nText one is here.\n\n## The End\n\nText two.\n");
    check_spans(s);
    CHECK_STR(s->title, "My Book");
    CHECK_INT(s->n_chapters, 2);
    if (s->n_chapters == 2) {
        CHECK_STR(s->chapters[0].title, "The Beginning");
        CHECK_STR(s->chapters[1].title, "The End");
    }
    CHECK_INT(s->paras[0].is_heading, 1);
    CHECK_INT(s->paras[0].chapter, -1);
    longsd_story_free(s);
}

TEST(numbered_lists_are_not_chapters)
{
    /* a list: consecutive numbered paragraphs */
    longsd_story *s = ingest_str("We needed three things for the cake, said the baker to me.\n\n1. Eggs\n\n"
                                 "2. Milk\n\n3. Flour\n\nThen we baked it all afternoon until it was done.\n");
    CHECK_INT(s->n_chapters, 0);
    for (size_t i = 0; i < s->n_paras; i++)
        CHECK_INT(s->paras[i].is_heading, 0);
    longsd_story_free(s);
    /* numbers inside prose lines */
    s = ingest_str("The plan had steps. 1. Wake up. 2. Eat.\n\nThat was all, and it worked.\n");
    CHECK_INT(s->n_chapters, 0);
    longsd_story_free(s);
    /* not increasing: only one survives, which is not enough */
    s = ingest_str("5. The Last Tale\n\nSome text of the tale.\n\n3. The Earlier Tale\n\nMore text.\n");
    CHECK_INT(s->n_chapters, 0);
    longsd_story_free(s);
    /* two increasing titles with text between: chapters */
    s = ingest_str("1. The First Tale\n\nSome text of the tale.\n\n2. The Second Tale\n\nMore text.\n");
    CHECK_INT(s->n_chapters, 2);
    longsd_story_free(s);
}

/* ------------------------------------------------------------------------
 * Project Gutenberg */

TEST(gutenberg_header_footer)
{
    const char *text = "The Project Gutenberg EBook of The Foo Story, by Jane Bar\r\n\r\n"
                       "Title: The Foo Story\r\n\r\nAuthor: Jane Bar\r\n\r\nLanguage: German\r\n\r\n"
                       "*** START OF THIS PROJECT GUTENBERG EBOOK THE FOO STORY ***\r\n\r\n"
                       "CHAPTER I\r\n\r\nIt was a dark night. The end was near.\r\n\r\n"
                       "*** END OF THIS PROJECT GUTENBERG EBOOK THE FOO STORY ***\r\n\r\n"
                       "This file should be named foo.txt or foo.zip\r\n";
    longsd_story *s = ingest_str(text);
    check_spans(s);
    CHECK_STR(s->title, "The Foo Story");
    CHECK_STR(s->author, "Jane Bar");
    CHECK_STR(s->lang, "de"); /* from the header, not guessed */
    CHECK_INT(s->n_paras, 2);
    CHECK_INT(s->n_chapters, 1);
    CHECK(s->body_start > 0 && s->body_end < s->len);
    char *t = para_text(s, 1);
    CHECK_STR(t, "It was a dark night. The end was near.");
    free(t);
    longsd_story_free(s);

    longsd_story_params p = longsd_story_default_params();
    p.keep_gutenberg = 1;
    lserr err = {0, ""};
    CHECK_INT(ls_story_ingest("g.txt", text, strlen(text), &p, &s, &err), LONGSD_OK);
    CHECK(s->n_paras > 5);
    CHECK_STR(s->title, "The Foo Story");
    longsd_story_free(s);
}

/* The header cut away but its fields kept at the top: they are the title
 * and author, and no paragraph of the book. */
TEST(gutenberg_fields_without_a_header)
{
    const char *text = "\xEF\xBB\xBFTitle: The Red Mill (a tale)\r\nAuthor: Ann Roe\r\nTranslator: Bo Lin\r\n\r\n"
                       "It was a dark night. The end was near.\r\n\r\nThe mill stood by the river.\r\n\r\n"
                       "*** END OF THE PROJECT GUTENBERG EBOOK THE RED MILL ***\r\n\r\nLicence text.\r\n";
    longsd_story *s = ingest_str(text);
    check_spans(s);
    CHECK_STR(s->title, "The Red Mill (a tale)");
    CHECK_STR(s->author, "Ann Roe");
    CHECK_INT(s->n_paras, 2);
    char *t = para_text(s, 0);
    CHECK_STR(t, "It was a dark night. The end was near.");
    free(t);
    longsd_story_free(s);
}

TEST(gutenberg_old_small_print)
{
    const char *text = "The Project Gutenberg Etext of Old Tale\n\n**The Legal Small Print**\n\nlegal words\n\n"
                       "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\n\n"
                       "OLD TALE\n\nOnce there was a tale. It was old.\n\n"
                       "End of the Project Gutenberg Etext of Old Tale\n";
    longsd_story *s = ingest_str(text);
    check_spans(s);
    CHECK_INT(s->n_paras, 2);
    CHECK_STR(s->title, "OLD TALE");
    longsd_story_free(s);
}

/* ------------------------------------------------------------------------
 * Bad input: status and a message that names the file and says what to do */

static const struct {
    const char *data;
    size_t n;
    longsd_status code;
    const char *msg1, *msg2;
} bad_cases[] = {
#define BAD(str, code, m1, m2) {str, sizeof(str) - 1, code, m1, m2}
    BAD("", LONGSD_ERR_INPUT, "bad.txt: ", "empty"),
    BAD("  \n\t\n \r\n\r\n   ", LONGSD_ERR_INPUT, "bad.txt: ", "only whitespace"),
    BAD("\xEF\xBB\xBF", LONGSD_ERR_INPUT, "bad.txt: ", "byte order mark"),
    BAD("Hello\0world", LONGSD_ERR_INPUT, "looks like a binary file (NUL byte at offset 5)", "bad.txt"),
    BAD("ab\x01\x02\x03\x04" "cd\x05\x06", LONGSD_ERR_INPUT, "looks like a binary file", "control characters"),
    BAD("\xFF\xFEH\0i\0", LONGSD_ERR_ENCODING, "UTF-16", "iconv -f UTF-16 -t UTF-8 bad.txt"),
    BAD("\xFE\xFF\0H\0i", LONGSD_ERR_ENCODING, "UTF-16 (big-endian", "iconv"),
    BAD("\xFF\xFE\0\0H\0\0\0", LONGSD_ERR_ENCODING, "UTF-32", "iconv"),
    BAD("H\0e\0l\0l\0o\0 \0w\0o\0r\0l\0d\0", LONGSD_ERR_ENCODING, "UTF-16", "iconv -f UTF-16LE"),
    BAD("Caf\xE9 au lait", LONGSD_ERR_ENCODING, "byte offset 3 (line 1", "iconv -f WINDOWS-1252 -t UTF-8 bad.txt"),
    BAD("Line one.\nThe \x93quote\x94 here.", LONGSD_ERR_ENCODING, "byte offset 14 (line 2", "Windows-1252"),
    BAD("over\xC0\xAFlong", LONGSD_ERR_ENCODING, "byte offset 4", "iconv"),
    BAD("surrogate \xED\xA0\x80 x", LONGSD_ERR_ENCODING, "byte offset 10", "UTF-8"),
    BAD("*** START OF THE PROJECT GUTENBERG EBOOK X ***\n\n  \n*** END OF THE PROJECT GUTENBERG EBOOK X ***\n", LONGSD_ERR_INPUT, "Project Gutenberg", "no text"),
};

TEST(bad_inputs)
{
    for (size_t c = 0; c < sizeof bad_cases / sizeof bad_cases[0]; c++) {
        longsd_ctx *ctx = longsd_ctx_new();
        longsd_story *s = (longsd_story *)1;
        size_t n = bad_cases[c].n;
        longsd_status rc = longsd_story_load_memory(ctx, "bad.txt", bad_cases[c].data, n, NULL, &s);
        if (rc != bad_cases[c].code)
            fprintf(stderr, "  case %zu: got %d (%s)\n", c, rc, longsd_errmsg(ctx));
        CHECK_INT(rc, bad_cases[c].code);
        CHECK_INT(longsd_errcode(ctx), bad_cases[c].code);
        CHECK(s == NULL);
        CHECK_CONTAINS(longsd_errmsg(ctx), bad_cases[c].msg1);
        CHECK_CONTAINS(longsd_errmsg(ctx), bad_cases[c].msg2);
        longsd_ctx_free(ctx);
    }
}

TEST(size_cap)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_story_params p = longsd_story_default_params();
    CHECK_INT(p.max_bytes, 64u << 20);
    CHECK_INT(p.keep_gutenberg, 0);
    p.max_bytes = 10;
    longsd_story *s = NULL;
    const char *text = "Twenty bytes of it.\n";
    CHECK_INT(longsd_story_load_memory(ctx, "big.txt", text, 20, &p, &s), LONGSD_ERR_TOO_BIG);
    CHECK_CONTAINS(longsd_errmsg(ctx), "20 bytes");
    CHECK_CONTAINS(longsd_errmsg(ctx), "10 bytes");
    CHECK(s == NULL);
    /* the same through a file */
    char path[512];
    snprintf(path, sizeof path, "%s/big.txt", t_tmpdir());
    t_write(path, text, 20);
    CHECK_INT(longsd_story_load(ctx, path, &p, &s), LONGSD_ERR_TOO_BIG);
    CHECK_CONTAINS(longsd_errmsg(ctx), "20 bytes");
    CHECK_CONTAINS(longsd_errmsg(ctx), "10 bytes");
    p.max_bytes = 20;
    CHECK_INT(longsd_story_load(ctx, path, &p, &s), LONGSD_OK);
    CHECK_STR(longsd_errmsg(ctx), "");
    longsd_story_free(s);
    longsd_ctx_free(ctx);
}

/* ------------------------------------------------------------------------
 * Linear time */

/* CPU seconds of this process: the guards below tell linear from quadratic
 * (seconds against hours), and CPU time does not grow when other jobs load
 * the machine the way wall time does. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(ten_megabyte_line)
{
    const char *unit = "The quick brown fox jumps over the lazy dog. ";
    size_t ul = strlen(unit), n = 10u << 20;
    char *big = malloc(n + 1);
    REQUIRE(big != NULL);
    for (size_t i = 0; i < n; i++)
        big[i] = unit[i % ul];
    big[n] = '\0';
    lserr err = {0, ""};
    longsd_story *s = NULL;
    double t0 = now_s();
    CHECK_INT(ls_story_ingest("big.txt", big, n, NULL, &s, &err), LONGSD_OK);
    double dt = now_s() - t0;
    REQUIRE(s != NULL);
    CHECK_INT(s->n_paras, 1);
    CHECK(s->n_sentences > 200000);
    CHECK_STR(s->title, "big");
    CHECK(dt < 8.0); /* linear: quadratic would take hours; 8 s leaves room for sanitizers */
    longsd_story_free(s);
    /* one 10 MB word: no punctuation, no space */
    memset(big, 'a', n);
    t0 = now_s();
    CHECK_INT(ls_story_ingest("word.txt", big, n, NULL, &s, &err), LONGSD_OK);
    CHECK(now_s() - t0 < 8.0);
    CHECK(s && s->n_sentences == 1 && s->n_words == 1);
    longsd_story_free(s);
    free(big);
}

TEST(hostile_patterns_linear)
{
    /* Shapes that make naive scanners quadratic: runs of terminators,
     * quotes, openers, blank lines, one-character lines. */
    static const char *const units[] = {". ", "...", "\"", "( ", "\n", "a\n", "Mr. ", "?\" ", "\xE2\x80\xA6 ", "# \n"};
    size_t n = 1u << 20;
    char *buf = malloc(n + 1);
    REQUIRE(buf != NULL);
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        size_t ul = strlen(units[u]), k = 0;
        for (; k + ul <= n; k += ul)
            memcpy(buf + k, units[u], ul);
        buf[k] = '\0';
        lserr err = {0, ""};
        longsd_story *s = NULL;
        double t0 = now_s();
        longsd_status rc = ls_story_ingest("h.txt", buf, k, NULL, &s, &err);
        CHECK(now_s() - t0 < 5.0); /* 1 MB: quadratic would take minutes; 5 s leaves room for sanitizers */
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_INPUT);
        if (s)
            check_spans(s);
        longsd_story_free(s);
    }
    free(buf);
}

/* ------------------------------------------------------------------------
 * Public API and allocation failures */

TEST(public_api)
{
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_story *s = NULL;
    CHECK_INT(longsd_story_load(ctx, CORPUS "no-such-file.txt", NULL, &s), LONGSD_ERR_IO);
    CHECK_CONTAINS(longsd_errmsg(ctx), "no-such-file.txt");
    CHECK_INT(longsd_story_load(ctx, NULL, NULL, &s), LONGSD_ERR_PARAM);
    CHECK_INT(longsd_story_load(ctx, CORPUS "en-twain1-ch2-fence.txt", NULL, &s), LONGSD_OK);
    REQUIRE(s != NULL);
    size_t len = 0;
    char *raw = t_slurp(CORPUS "en-twain1-ch2-fence.txt", &len);
    REQUIRE(raw != NULL);
    char hex[65];
    lssha256_hex(raw, len, hex);
    CHECK_STR(longsd_story_sha256(s), hex);
    CHECK_INT(longsd_story_size(s), len);
    CHECK_INT(longsd_story_n_paragraphs(s), 47);
    CHECK_INT(longsd_story_n_chapters(s), 1);
    CHECK_STR(longsd_story_chapter_title(s, 0), "CHAPTER II");
    CHECK(longsd_story_chapter_title(s, 1) == NULL);
    CHECK_STR(longsd_story_language(s), "en");
    CHECK_STR(longsd_story_author(s), "");
    CHECK_STR(longsd_story_title(s), "en-twain1-ch2-fence");
    CHECK(longsd_story_n_words(s) > 1500);
    longsd_paragraph_info pi;
    CHECK_INT(longsd_story_paragraph(s, 0, &pi), LONGSD_OK);
    CHECK_INT(pi.is_heading, 1);
    CHECK_INT(pi.chapter, 0);
    CHECK_INT(pi.start, 0);
    CHECK_INT(pi.end, 10);
    CHECK_INT(longsd_story_paragraph(s, 47, &pi), LONGSD_ERR_PARAM);
    char *t = longsd_story_paragraph_text(s, 1);
    CHECK(t && !strncmp(t, "SATURDAY morning was come", 25));
    CHECK(memcmp(raw + s->paras[1].start, "SATURDAY", 8) == 0);
    longsd_free(t);
    CHECK(longsd_story_paragraph_text(s, 99) == NULL);
    longsd_story_free(s);
    free(raw);
    /* NULL handles */
    longsd_story_free(NULL);
    CHECK_STR(longsd_story_title(NULL), "");
    CHECK_INT(longsd_story_n_paragraphs(NULL), 0);
    CHECK_INT(longsd_story_load_memory(ctx, "x", "Hi there.", 9, NULL, NULL), LONGSD_ERR_PARAM);
    CHECK_INT(longsd_story_load_memory(NULL, NULL, "Hi there.", 9, NULL, &s), LONGSD_OK);
    CHECK_STR(longsd_story_title(s), "Untitled"); /* no name, and a sentence is no title */
    longsd_story_free(s);
    longsd_ctx_free(ctx);
}

TEST(language_guess)
{
    longsd_story *s = ingest_str("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
                                 "incididunt ut labore et dolore magna aliqua.\n");
    CHECK_STR(s->lang, "und");
    longsd_story_free(s);
    s = ingest_str("Der Hase und der Igel gingen auf dem Feld spazieren, und es war nicht kalt. Die Sonne schien "
                   "auf das Feld und der Igel war froh, dass er mit dem Hasen ging.\n");
    CHECK_STR(s->lang, "de");
    longsd_story_free(s);
    s = ingest_str("Le chat et le chien sont dans la maison. Il est tard et la nuit est noire, mais le chat ne "
                   "dort pas dans son panier pour la nuit.\n");
    CHECK_STR(s->lang, "fr");
    longsd_story_free(s);
}

TEST(allocation_failures)
{
    const char *text = "# Book\n\n## One\n\nIt was a dark night. \"Run!\" he said.\n\n## Two\n\nThe end.\n";
    int ok = 0;
    for (long k = 0; k < 200 && !ok; k++) {
        lserr err = {0, ""};
        longsd_story *s = NULL;
        longsd__alloc_fail_after = k;
        longsd_status rc = ls_story_ingest("a.txt", text, strlen(text), NULL, &s, &err);
        longsd__alloc_fail_after = -1;
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_NOMEM);
        CHECK((rc == LONGSD_OK) == (s != NULL));
        if (rc == LONGSD_ERR_NOMEM)
            CHECK_CONTAINS(err.msg, "out of memory");
        if (rc == LONGSD_OK) {
            ok = 1;
            CHECK_INT(s->n_chapters, 2);
        }
        longsd_story_free(s);
    }
    CHECK(ok);
}

RUN_TESTS(twain1_chapters_paragraphs, twain1_sentences_in_quotes, twain3_hard_wrapped, grimm2_numbered_tales,
          grimm_fischer_single_tale, fence_and_chemie, corpus_sentence_text_matches_span, sentence_table, in_quotes,
          crlf_cr_and_lf_agree, utf8_bom_stripped_spans_original, line_per_paragraph_without_blank_lines,
          wrapped_with_indented_paragraphs, clean_text_joins_hyphenated_wraps, chapter_heading_variants,
          markdown_headings, numbered_lists_are_not_chapters, gutenberg_header_footer, gutenberg_fields_without_a_header, gutenberg_old_small_print,
          bad_inputs, size_cap, ten_megabyte_line, hostile_patterns_linear, public_api, language_guess,
          allocation_failures)
