/* test_utf8.c - the UTF-8 validator every text reader relies on, as a table
 * of byte strings and the offset of the first bad byte (-1: valid): the
 * shortest-form rule, the U+10FFFF ceiling, surrogates, sequences cut by
 * the end of the buffer and bytes that are not continuations. Then the
 * story loader's message for such a file names the byte and its line. */
#include "story.h"
#include "t.h"
#include "util.h"

typedef struct {
    const char *name;
    const char *bytes;
    size_t n;
    long bad; /* offset of the first invalid byte, -1 if valid */
} utf8_case;

#define B(s) s, sizeof s - 1
static const utf8_case cases[] = {
    {"ascii", B("plain text"), -1},
    {"two, three and four bytes", B("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), -1},
    {"U+10FFFF is the last", B("\xf4\x8f\xbf\xbf"), -1},
    {"overlong 2-byte C0", B("a\xc0\x80"), 1},
    {"overlong 2-byte C1", B("ab\xc1\xbf"), 2},
    {"smallest 2-byte C2 80", B("\xc2\x80"), -1},
    {"overlong 3-byte", B("\xe0\x80\x80"), 0},
    {"overlong 4-byte", B("\xf0\x80\x80\x80"), 0},
    {"above U+10FFFF (F4 90)", B("x\xf4\x90\x80\x80"), 1},
    {"lead F5", B("\xf5\x80\x80\x80"), 0},
    {"lead F7", B("\xf7\xbf\xbf\xbf"), 0},
    {"surrogate", B("\xed\xa0\x80"), 0},
    {"cut by the end (3 of 4)", B("ok\xf0\x9f\x98"), 2},
    {"cut by the end (1 of 2)", B("ok\xc3"), 2},
    {"lead where a continuation belongs", B("\xc3\xc3\xa9"), 0},
    {"ascii where a continuation belongs", B("\xe2\x82x"), 0},
    {"lone continuation", B("a\x80"), 1},
};

TEST(validate_table)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const utf8_case *c = &cases[i];
        size_t got = lsutf8_validate(c->bytes, c->n);
        long g = got == (size_t)-1 ? -1 : (long)got;
        if (g != c->bad) {
            fprintf(stderr, "  %s: first bad byte %ld, expected %ld\n", c->name, g, c->bad);
            t_failed_checks++;
        }
    }
    /* a buffer cut inside a sequence is never read past its end */
    const char four[] = "\xf0\x9f\x98\x80";
    CHECK(lsutf8_validate(four, 3) == 0);
    CHECK(lsutf8_validate(four, 4) == (size_t)-1);
}

TEST(story_names_the_bad_byte_and_its_line)
{
    static const char text[] = "First line.\nSecond line.\r\nThird \xc0\x80 line.\n";
    lserr err = {0, ""};
    longsd_story *s = NULL;
    CHECK_INT(ls_story_ingest("bad.txt", text, sizeof text - 1, NULL, &s, &err), LONGSD_ERR_ENCODING);
    CHECK(s == NULL);
    CHECK_CONTAINS(err.msg, "bad.txt: not valid UTF-8 at byte offset 32 (line 3, byte 0xC0)");
}

RUN_TESTS(validate_table, story_names_the_bad_byte_and_its_line)
