/* test_story_edges.c - the text reader's rules at their edges, each with a
 * text built for it: a file with a few control bytes in every hundred is
 * binary; a Gutenberg "END OF" line before the header does not end the
 * book; the old "End of Project Gutenberg's ..." footer is cut; long
 * unwrapped lines with blank lines between paragraphs stay paragraphs. */
#include "story.h"
#include "t.h"

static longsd_story *ingest(const char *text, size_t n, lserr *err)
{
    longsd_story *s = NULL;
    if (ls_story_ingest("t.txt", text, n, NULL, &s, err) != LONGSD_OK)
        return NULL;
    return s;
}

TEST(some_control_bytes_in_a_large_file_are_binary)
{
    /* 3200 bytes, 40 of them \x01: under 10% but over 1% (and at least 32) */
    char buf[3201];
    for (size_t i = 0; i < 3200; i++)
        buf[i] = i % 80 == 79 ? '\n' : i % 80 == 3 ? '\x01' : 'a' + (char)(i % 7);
    buf[3200] = '\0';
    lserr err = {0, ""};
    longsd_story *s = ingest(buf, 3200, &err);
    CHECK(s == NULL);
    CHECK_CONTAINS(err.msg, "t.txt: looks like a binary file (40 control characters, the first at offset 3)");
    longsd_story_free(s);
    /* 31 of them in as many bytes: text with a few stray bytes */
    for (size_t i = 0; i < 3200; i++)
        buf[i] = i % 80 == 79 ? '\n' : (i % 80 == 3 && i < 80 * 31) ? '\x01' : 'a' + (char)(i % 7);
    s = ingest(buf, 3200, &err);
    CHECK(s != NULL);
    longsd_story_free(s);
}

static const char *para_text(const longsd_story *s, size_t i, char *out, size_t cap)
{
    char *t = longsd_story_paragraph_text(s, i);
    snprintf(out, cap, "%s", t ? t : "(none)");
    longsd__free(t);
    return out;
}

TEST(gutenberg_end_line_before_the_header_is_not_the_footer)
{
    static const char text[] = "The Project Gutenberg eBook of A Tale\n\n"
                               "*** END OF THE PROJECT GUTENBERG LICENSE SUMMARY ***\n\n"
                               "*** START OF THE PROJECT GUTENBERG EBOOK A TALE ***\n\n"
                               "The miller sat by the stream all day long.\n\n"
                               "His daughter sang in the barn until evening came.\n\n"
                               "*** END OF THE PROJECT GUTENBERG EBOOK A TALE ***\n\n"
                               "Licence text that is not part of the story at all.\n";
    lserr err = {0, ""};
    longsd_story *s = ingest(text, sizeof text - 1, &err);
    REQUIRE(s);
    char b[200];
    CHECK_INT(longsd_story_n_paragraphs(s), 2);
    CHECK_STR(para_text(s, 0, b, sizeof b), "The miller sat by the stream all day long.");
    CHECK_STR(para_text(s, 1, b, sizeof b), "His daughter sang in the barn until evening came.");
    longsd_story_free(s);
}

TEST(old_etext_title_line_is_not_the_footer)
{
    /* 1990s files open with a starred title line naming Project Gutenberg
     * and end their header with "*END*THE SMALL PRINT": only an "END OF"
     * line is a footer, never any starred line that names the project */
    static const char text[] = "**The Project Gutenberg Etext of A Tale, by Somebody**\n\n"
                               "Small print the reader does not want.\n\n"
                               "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\n\n"
                               "The miller sat by the stream all day long.\n\n"
                               "His daughter sang in the barn until evening came.\n\n"
                               "End of Project Gutenberg's A Tale, by Somebody\n\n"
                               "Licence text that is not part of the story at all.\n";
    lserr err = {0, ""};
    longsd_story *s = ingest(text, sizeof text - 1, &err);
    REQUIRE(s);
    char b[200];
    CHECK_INT(longsd_story_n_paragraphs(s), 2);
    CHECK_STR(para_text(s, 0, b, sizeof b), "The miller sat by the stream all day long.");
    longsd_story_free(s);
}

TEST(old_gutenberg_footer_is_cut)
{
    static const char text[] = "*** START OF THIS PROJECT GUTENBERG EBOOK A TALE ***\n\n"
                               "The miller sat by the stream all day long.\n\n"
                               "His daughter sang in the barn until evening came.\n\n"
                               "End of Project Gutenberg's A Tale, by Somebody\n\n"
                               "Licence text that is not part of the story at all.\n";
    lserr err = {0, ""};
    longsd_story *s = ingest(text, sizeof text - 1, &err);
    REQUIRE(s);
    char b[200];
    CHECK_INT(longsd_story_n_paragraphs(s), 2);
    CHECK_STR(para_text(s, 1, b, sizeof b), "His daughter sang in the barn until evening came.");
    longsd_story_free(s);
}

TEST(long_lines_with_blank_lines_between_paragraphs)
{
    /* lines of about 90 characters (not hard-wrapped at 72, not one line
     * per paragraph either), three to a paragraph, a blank line between */
    static const char line[] = "The miller walked along the long stream and looked at the water and the trees beside it";
    char text[2048];
    size_t n = 0;
    for (int p = 0; p < 4; p++) {
        for (int l = 0; l < 3; l++)
            n += (size_t)snprintf(text + n, sizeof text - n, "%s%s\n", line, l == 2 ? "." : "");
        n += (size_t)snprintf(text + n, sizeof text - n, "\n");
    }
    lserr err = {0, ""};
    longsd_story *s = ingest(text, n, &err);
    REQUIRE(s);
    CHECK_INT(longsd_story_n_paragraphs(s), 4);
    longsd_story_free(s);
}

TEST(gutenberg_footer_without_a_header_is_cut)
{
    /* a file whose header was stripped: the licence after the END line is
     * still no part of the story */
    static const char text[] = "DIE KUH\n\nVON\n\nHANS MEIER\n\n"
                               "Die Kuh stand auf der Wiese und sah den Bauern an.\n\n"
                               "*** END OF THE PROJECT GUTENBERG EBOOK DIE KUH ***\n\n"
                               "Project Gutenberg is a registered trademark of the United States.\n";
    lserr err = {0, ""};
    longsd_story *s = ingest(text, sizeof text - 1, &err);
    REQUIRE(s);
    char b[200];
    size_t n = longsd_story_n_paragraphs(s);
    CHECK(n >= 1);
    CHECK_STR(para_text(s, n - 1, b, sizeof b), "Die Kuh stand auf der Wiese und sah den Bauern an.");
    CHECK_STR(longsd_story_title(s), "DIE KUH");
    CHECK_STR(longsd_story_author(s), "HANS MEIER"); /* "VON" alone, the name below it */
    longsd_story_free(s);
}

RUN_TESTS(some_control_bytes_in_a_large_file_are_binary, gutenberg_end_line_before_the_header_is_not_the_footer,
          old_gutenberg_footer_is_cut, old_etext_title_line_is_not_the_footer, gutenberg_footer_without_a_header_is_cut, long_lines_with_blank_lines_between_paragraphs)
