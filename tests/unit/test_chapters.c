/* test_chapters.c - chapter headings in the styles real en/de/fr novels
 * use: number words and Roman numerals, keyword after the ordinal, bare
 * numerals on their own line, book/part above chapters, end matter. The
 * texts are hand-made in the manner of public-domain novels. */
#include "story.h"
#include "t.h"

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

#define PARA "The boat lay on the grey water under the willows, and the old man rowed slowly toward the mill.\n\n"

/* Title of chapter i, "" if none. */
static const char *ch(const longsd_story *s, size_t i) { return i < s->n_chapters ? s->chapters[i].title : ""; }

TEST(german_ordinal_before_keyword)
{
    longsd_story *s = ingest_str("Erstes Capitel.\n\nDer Fischer ging an den See.\n\n" PARA
                                 "Zweites Capitel: Die Hütte\n\nDie Frau stand vor der Tür.\n\n" PARA
                                 "Drittes Kapitel\n\nEs war Abend.\n\n" PARA);
    CHECK_INT(s->n_chapters, 3);
    CHECK_STR(ch(s, 0), "Erstes Capitel.");
    CHECK_STR(ch(s, 1), "Zweites Capitel: Die Hütte");
    CHECK_STR(ch(s, 2), "Drittes Kapitel");
    longsd_story_free(s);
}

TEST(french_chapitre_premier_not_merged)
{
    /* hard-wrapped, no blank line after the heading: it must stay its own
     * paragraph, not run into the text under it */
    longsd_story *s = ingest_str("CHAPITRE PREMIER.\nLe capitaine monta sur le pont du navire, et regarda\n"
                                 "la mer grise sous la pluie.\n\n"
                                 "CHAPITRE DEUXIÈME.\nLe matin, la barque quitta le port.\n\n"
                                 "CHAPITRE III\nLa nuit tomba sur la côte.\n");
    CHECK_INT(s->n_chapters, 3);
    CHECK_STR(ch(s, 0), "CHAPITRE PREMIER.");
    CHECK_STR(ch(s, 1), "CHAPITRE DEUXIÈME.");
    CHECK(s->paras[s->chapters[0].heading_para].is_heading);
    longsd_story_free(s);
}

TEST(chapter_the_first)
{
    longsd_story *s = ingest_str("Chapter the First\n\n" PARA "Chapter the Second. In Which Tom Runs\n\n" PARA
                                 "Chapter Twenty-One\n\n" PARA);
    CHECK_INT(s->n_chapters, 3);
    CHECK_STR(ch(s, 0), "Chapter the First");
    CHECK_STR(ch(s, 2), "Chapter Twenty-One");
    longsd_story_free(s);
}

TEST(bare_roman_numerals)
{
    longsd_story *s = ingest_str("A TALE OF THE RIVER\n\nI.\n\n" PARA PARA "II.\n\n" PARA "III\n\n" PARA
                                 "IV.\nTHE FLOOD\n\n" PARA);
    CHECK_INT(s->n_chapters, 4);
    CHECK_STR(ch(s, 0), "I.");
    CHECK_STR(ch(s, 2), "III");
    CHECK_STR(ch(s, 3), "IV. THE FLOOD");
    longsd_story_free(s);
    /* a lone "I." that is not followed by II, III is no chapter */
    s = ingest_str("A TALE\n\n" PARA "I.\n\n" PARA PARA);
    CHECK_INT(s->n_chapters, 0);
    longsd_story_free(s);
    /* numerals that go down are not chapter numbers */
    s = ingest_str("V.\n\n" PARA "II.\n\n" PARA);
    CHECK_INT(s->n_chapters, 0);
    longsd_story_free(s);
}

TEST(stray_keyword_among_bare_numerals)
{
    /* letters numbered "I." .. "V." with one "CHAPTER IV" slipped in: all
     * five are chapters, not only the keyword one */
    longsd_story *s = ingest_str("LETTERS FROM THE ROAD\n\nI.\n\n" PARA "II.\n\n" PARA "III.\n\n" PARA
                                 "CHAPTER IV\n\n" PARA "V.\n\n" PARA "VI.\n\n" PARA);
    CHECK_INT(s->n_chapters, 6);
    CHECK_STR(ch(s, 0), "I.");
    CHECK_STR(ch(s, 3), "CHAPTER IV");
    CHECK_STR(ch(s, 5), "VI.");
    longsd_story_free(s);
    /* a lone "L." is chapter fifty where it follows XLIX, an initial elsewhere */
    s = ingest_str("XLVII.\n\n" PARA "XLVIII.\n\n" PARA "CHAPTER XLIX\n\n" PARA "L.\n\n" PARA "LI.\n\n" PARA
                   "C.\n\n" PARA);
    CHECK_INT(s->n_chapters, 5);
    CHECK_STR(ch(s, 3), "L.");
    CHECK_STR(ch(s, 4), "LI.");
    longsd_story_free(s);
    /* keyword chapters with a few numbered lines inside stay as they are */
    s = ingest_str("CHAPTER I\n\n" PARA "1.\n\n" PARA "2.\n\n" PARA "CHAPTER II\n\n" PARA PARA);
    CHECK_INT(s->n_chapters, 2);
    CHECK_STR(ch(s, 1), "CHAPTER II");
    longsd_story_free(s);
}

#define ESSAY_PARA "The painters of that city worked in a narrow street above the river, and their pictures " \
                   "hung in the chapels where the light fell through coloured glass upon the floor.\n\n"

TEST(essay_titles_named_by_the_contents)
{
    /* a collection of essays: no keyword or number, but the contents list
     * names each section, with page references */
    longsd_story *s = ingest_str("STUDIES IN ART\n\nCONTENTS\n\nPreface: vii-xv\n\nThe Old Masters: 1-29\n\n"
                                 "A Painter of Venice: 30-49\n\nConclusion: 50-end\n\n"
                                 "PREFACE\n\n" ESSAY_PARA "THE OLD MASTERS\n\nA motto in one line.\n\n" ESSAY_PARA
                                 ESSAY_PARA "A PAINTER OF VENICE\n\n" ESSAY_PARA "CONCLUSION*\n\n" ESSAY_PARA);
    CHECK_INT(s->n_chapters, 4);
    CHECK_STR(ch(s, 0), "PREFACE");
    CHECK_STR(ch(s, 1), "THE OLD MASTERS");
    CHECK_STR(ch(s, 2), "A PAINTER OF VENICE");
    longsd_story_free(s);
    /* a contents entry repeated in the prose's own short line, with no
     * prose under it, is no heading; fewer than three matches are none */
    s = ingest_str("CONTENTS\n\nThe Mill\n\nThe River\n\n" ESSAY_PARA "The Mill\n\nThe River\n\n" ESSAY_PARA);
    CHECK_INT(s->n_chapters, 0);
    longsd_story_free(s);
}

TEST(contents_list_is_no_chapter)
{
    /* the contents, one line a chapter, is neither a chapter nor text */
    longsd_story *s = ingest_str("Contents\n\n THE PREFACE\n CHAPTER I.\n CHAPTER II.\n CHAPTER III.\n\n" PARA
                                 "CHAPTER I.\n\n" PARA "CHAPTER II.\n\n" PARA "CHAPTER III.\n\n" PARA);
    CHECK_INT(s->n_chapters, 3);
    CHECK_STR(ch(s, 0), "CHAPTER I.");
    CHECK(s->paras[2].is_heading && s->paras[2].chapter < 0);
    longsd_story_free(s);
}

TEST(capital_title_under_a_bare_number)
{
    /* the chapter's title in capitals in its own paragraph under the number */
    longsd_story *s = ingest_str("I.\n\nOFF--A NIGHT ON THE TRAIN--THE\nCAPTAIN.\n\n" PARA "II.\n\nTHE MILL.\n\n" PARA
                                 "III.\n\n" PARA);
    CHECK_INT(s->n_chapters, 3);
    CHECK_STR(ch(s, 0), "I. OFF--A NIGHT ON THE TRAIN--THE CAPTAIN.");
    CHECK_STR(ch(s, 1), "II. THE MILL.");
    CHECK_STR(ch(s, 2), "III.");
    CHECK(s->paras[1].is_heading);
    longsd_story_free(s);
    /* a play's list of who is on stage stays text for the cast */
    s = ingest_str("SCENE I\n\nMERCURY, SOSIE\n\n" PARA "SCENE II\n\nAMPHITRYON\n\n" PARA);
    CHECK_INT(s->n_chapters, 2);
    CHECK_STR(ch(s, 0), "SCENE I");
    CHECK_STR(ch(s, 1), "SCENE II");
    CHECK(!s->paras[1].is_heading);
    longsd_story_free(s);
}

TEST(books_above_chapters)
{
    longsd_story *s = ingest_str("BOOK I\n\nTHE ESCAPE\n\nCHAPTER I\n\n" PARA "CHAPTER II\n\n" PARA
                                 "BOOK II\n\nCHAPTER I\n\n" PARA "CHAPTER II\n\n" PARA);
    CHECK_INT(s->n_chapters, 4);
    CHECK_STR(ch(s, 0), "CHAPTER I");
    CHECK_STR(ch(s, 2), "CHAPTER I");
    /* the book headings and the book's title are headings, never text */
    CHECK(s->paras[0].is_heading);
    CHECK(s->paras[1].is_heading);
    longsd_story_free(s);
    /* bare numerals restart under each book */
    s = ingest_str("LIVRE PREMIER\n\nI\n\n" PARA "II\n\n" PARA "LIVRE DEUXIÈME\n\nI\n\n" PARA "II\n\n" PARA);
    CHECK_INT(s->n_chapters, 4);
    longsd_story_free(s);
    /* parts with no chapters of their own are the chapters */
    s = ingest_str("Erster Teil\n\n" PARA PARA "Zweiter Teil\n\n" PARA PARA);
    CHECK_INT(s->n_chapters, 2);
    CHECK_STR(ch(s, 1), "Zweiter Teil");
    longsd_story_free(s);
}

TEST(end_matter)
{
    longsd_story *s = ingest_str("CHAPTER I\n\n" PARA "CHAPTER II\n\n" PARA "CONCLUSION\n\n" PARA "THE END\n");
    CHECK_INT(s->n_chapters, 3);
    CHECK_STR(ch(s, 2), "CONCLUSION");
    CHECK(s->paras[s->n_paras - 1].is_heading); /* "THE END" is no text to illustrate */
    longsd_story_free(s);
    s = ingest_str("Kapitel 1\n\n" PARA "Kapitel 2\n\n" PARA "Ende.\n");
    CHECK_INT(s->n_chapters, 2);
    CHECK(s->paras[s->n_paras - 1].is_heading);
    longsd_story_free(s);
    /* "the end." inside wrapped prose is a sentence, not a heading */
    s = ingest_str("CHAPTER I\nHe walked to the\nend.\nThen he stopped and looked back at the house.\n");
    CHECK_INT(s->n_chapters, 1);
    for (size_t i = 1; i < s->n_paras; i++)
        CHECK(!s->paras[i].is_heading);
    longsd_story_free(s);
}

TEST(roman_lookalikes_are_not_numerals)
{
    /* "MIX", "DID", "CIVIL" in a heading position are words */
    longsd_story *s = ingest_str("DID\n\n" PARA "MIX\n\n" PARA "CIVIL\n\n" PARA);
    CHECK_INT(s->n_chapters, 0);
    longsd_story_free(s);
}

#define LONG_PARA                                                                                            \
    "Le navire quitta le port au matin, et le capitaine regardait la mer grise sous la pluie, pendant que les " \
    "matelots chantaient sur le pont.\n\n"

TEST(centred_numerals_under_parts_with_contents)
{
    /* a contents list at the top (parts, then "I  Title" lines), a title
     * page line "M. Dupont" that is no chapter 1000, centred bare numerals
     * in CRLF lines, and an end-matter "CONCLUSION" that must not make the
     * numerals lose */
    longsd_story *s = ingest_str("TABLE DES MATI\xC3\x88RES\r\n\r\n  PREMI\xC3\x88RE PARTIE\r\n\r\n"
                                 "      I      Le d\xC3\xa9part\r\n\r\n      II     La mer\r\n\r\n"
                                 "  DEUXI\xC3\x88ME PARTIE\r\n\r\n      I      Le retour\r\n\r\n"
                                 "                 PREMI\xC3\x88RE PARTIE\r\n\r\n"
                                 "                        I\r\n\r\n" LONG_PARA LONG_PARA
                                 "M. Dupont, comme de coutume, vint le soir.\r\n\r\n"
                                 "                       II\r\n\r\n" LONG_PARA LONG_PARA
                                 "                 DEUXI\xC3\x88ME PARTIE\r\n\r\n"
                                 "                        I\r\n\r\n" LONG_PARA LONG_PARA
                                 "                 CONCLUSION\r\n\r\n" LONG_PARA LONG_PARA);
    CHECK_INT(s->n_chapters, 4);
    CHECK_STR(ch(s, 0), "I");
    CHECK_STR(ch(s, 1), "II");
    CHECK_STR(ch(s, 2), "I");
    CHECK_STR(ch(s, 3), "CONCLUSION");
    longsd_story_free(s);
}

TEST(lone_volume_numeral_on_the_title_page)
{
    /* "XIX" on a title page (a volume of collected works), then "I", "II" */
    longsd_story *s = ingest_str("OEUVRES COMPL\xC3\x88TES\n\nXIX\n\nROMAN\n\n" LONG_PARA "I\n\n" LONG_PARA
                                 "II\n\n" LONG_PARA "III\n\n" LONG_PARA);
    CHECK_INT(s->n_chapters, 3);
    CHECK_STR(ch(s, 0), "I");
    CHECK_STR(ch(s, 2), "III");
    longsd_story_free(s);
}

TEST(one_letter_numerals_in_sequence)
{
    /* "L" between XLIX and LI is chapter fifty */
    longsd_story *s = ingest_str("XLVIII\n\n" PARA "XLIX\n\n" PARA "L\n\n" PARA "LI\n\n" PARA);
    CHECK_INT(s->n_chapters, 4);
    CHECK_STR(ch(s, 2), "L");
    CHECK_STR(ch(s, 3), "LI");
    longsd_story_free(s);
    /* "C." after XCIX, the same */
    s = ingest_str("XCVIII.\n\n" PARA "XCIX.\n\n" PARA "C.\n\n" PARA "CI.\n\n" PARA);
    CHECK_INT(s->n_chapters, 4);
    CHECK_STR(ch(s, 2), "C.");
    longsd_story_free(s);
    /* a lone "M." or "L" that does not continue the numbers is an initial,
     * a signature, a line of verse: no chapter */
    s = ingest_str("I\n\n" PARA "M.\n\n" PARA "II\n\n" PARA "L\n\n" PARA "III\n\n" PARA "D\n\n" PARA);
    CHECK_INT(s->n_chapters, 3);
    CHECK_STR(ch(s, 1), "II");
    CHECK_STR(ch(s, 2), "III");
    longsd_story_free(s);
    /* "A" and "I" the pronoun inside a run of bare numerals take no place */
    s = ingest_str("V\n\n" PARA "VI\n\n" PARA "A\n\n" PARA "VII\n\n" PARA "I\n\n" PARA);
    CHECK_INT(s->n_chapters, 3);
    CHECK_STR(ch(s, 2), "VII");
    longsd_story_free(s);
}

TEST(book_over_chapters_across_an_epigraph)
{
    /* "BOOK TWO", its title and an epigraph, then the numbered chapters:
     * the book is a level above, not a chapter of 50 words */
    longsd_story *s = ingest_str("PROLOGUE\n\n" PARA PARA "BOOK TWO\n\nTHE LONG ROAD\n\n"
                                 " \"Who goes there in the night?\n What is it that goes?\"\n"
                                 "                 --An old song\n\n"
                                 "XLV\n\n" PARA PARA "XLVI\n\n" PARA PARA);
    CHECK_INT(s->n_chapters, 3);
    CHECK_STR(ch(s, 0), "PROLOGUE");
    CHECK_STR(ch(s, 1), "XLV");
    CHECK_STR(ch(s, 2), "XLVI");
    longsd_story_free(s);
}

/* A transcription's "Chapter i." is chapter one: its numeral reads upper
 * case in the contents, the title words as written; a word after the
 * keyword that is no numeral stays as it is. */
TEST(lower_case_roman_numeral_upper_cased)
{
    longsd_story *s = ingest_str("Chapter i.\nTom Seeks New Adventures\n\n" PARA "Chapter ii. The Balloon\n\n" PARA
                                 "Chapter xiv\n\n" PARA);
    CHECK_INT(s->n_chapters, 3);
    CHECK(strncmp(ch(s, 0), "Chapter I.", 10) == 0);
    CHECK_STR(ch(s, 1), "Chapter II. The Balloon");
    CHECK_STR(ch(s, 2), "Chapter XIV");
    longsd_story_free(s);
    s = ingest_str("Chapter the First\n\n" PARA "Chapter the Second\n\n" PARA);
    CHECK_STR(ch(s, 0), "Chapter the First");
    longsd_story_free(s);
}

RUN_TESTS(lower_case_roman_numeral_upper_cased, one_letter_numerals_in_sequence, book_over_chapters_across_an_epigraph, german_ordinal_before_keyword, french_chapitre_premier_not_merged,
          chapter_the_first, bare_roman_numerals, stray_keyword_among_bare_numerals, essay_titles_named_by_the_contents,
          contents_list_is_no_chapter, capital_title_under_a_bare_number,
          books_above_chapters, end_matter, roman_lookalikes_are_not_numerals,
          centred_numerals_under_parts_with_contents, lone_volume_numeral_on_the_title_page)
