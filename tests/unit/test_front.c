/* test_front.c - title, author and language from a book's own front
 * matter: the Gutenberg header, "by ..." lines, the German and French
 * "Author / Title / Roman" title page, volume lines that are no title.
 * Hand-made texts in the manner of public-domain editions, and the corpus. */
#include "story.h"
#include "t.h"

static longsd_story *ingest_named(const char *name, const char *text)
{
    lserr err = {0, ""};
    longsd_story *s = NULL;
    longsd_status rc = ls_story_ingest(name, text, strlen(text), NULL, &s, &err);
    if (rc)
        fprintf(stderr, "  ingest failed: %s\n", err.msg);
    REQUIRE(rc == LONGSD_OK && s != NULL);
    return s;
}

#define DE_BODY                                                                                                  \
    "Erstes Kapitel\n\nDer Professor ging über den Markt. Die Schüler lachten hinter ihm, und er drehte sich "   \
    "um und sah sie an. Es regnete auf die Dächer der kleinen Stadt, und die Laternen brannten schon.\n\n"      \
    "Er ging nach Hause und setzte sich an den Tisch.\n"
#define FR_BODY                                                                                                  \
    "CHAPITRE PREMIER\n\nL'année 1866 fut marquée par un événement bizarre. Le navire quitta le port au matin, " \
    "et le capitaine regardait la mer grise sous la pluie.\n\nLe soir tomba sur la côte.\n"

TEST(author_line_above_title)
{
    /* German: author, title, genre; the author's name is not in the book */
    longsd_story *s = ingest_named("unrat.txt", "Heinrich Mann\n\nProfessor Unrat\n\nRoman\n\n" DE_BODY);
    CHECK_STR(s->title, "Professor Unrat");
    CHECK_STR(s->author, "Heinrich Mann");
    CHECK_STR(s->lang, "de");
    longsd_story_free(s);
    /* French, with a volume line that is no title */
    s = ingest_named("t1.txt", "Jules Verne\n\nVingt mille lieues sous les mers\n\nTome premier\n\n" FR_BODY);
    CHECK_STR(s->title, "Vingt mille lieues sous les mers");
    CHECK_STR(s->author, "Jules Verne");
    CHECK_STR(s->lang, "fr");
    longsd_story_free(s);
    /* "Band 1" alone on the title page is never the title */
    s = ingest_named("reise.txt", "Band 1\n\nDie Reise nach dem Mond\n\n" DE_BODY);
    CHECK_STR(s->title, "Die Reise nach dem Mond");
    longsd_story_free(s);
}

TEST(by_lines)
{
    longsd_story *s = ingest_named("x.txt", "THE HOUSE ON THE MARSH\n\nA Novel\n\nby Florence Warden\n\n"
                                            "CHAPTER I\n\nThe wind blew across the marsh and the old house "
                                            "creaked in the dark.\n");
    CHECK_STR(s->title, "THE HOUSE ON THE MARSH");
    CHECK_STR(s->author, "Florence Warden");
    longsd_story_free(s);
    s = ingest_named("x.txt", "Der Schimmelreiter\n\nNovelle von Theodor Storm\n\nvon Theodor Storm\n\n" DE_BODY);
    CHECK_STR(s->title, "Der Schimmelreiter");
    CHECK_STR(s->author, "Theodor Storm");
    longsd_story_free(s);
    s = ingest_named("x.txt", "Le Tour du monde en quatre-vingts jours\n\npar Jules Verne\n\n" FR_BODY);
    CHECK_STR(s->title, "Le Tour du monde en quatre-vingts jours");
    CHECK_STR(s->author, "Jules Verne");
    longsd_story_free(s);
}

TEST(title_character_is_not_an_author)
{
    /* "Tom Sawyer" is name-shaped, but the book is full of him: a title */
    longsd_story *s = ingest_named("x.txt", "Tom Sawyer\n\nAbroad\n\nCHAPTER I\n\nTom Sawyer sat on the fence. "
                                            "Tom Sawyer whistled. Then Tom Sawyer ran down to the river.\n");
    CHECK_STR(s->title, "Tom Sawyer");
    CHECK_STR(s->author, "");
    longsd_story_free(s);
}

TEST(gutenberg_header_wins)
{
    const char *text = "The Project Gutenberg EBook of Kapitän Nemo, by Jules Verne\n\n"
                       "Title: Zwanzigtausend Meilen unter dem Meer\n\nAuthor: Jules Verne\n\nLanguage: German\n\n"
                       "*** START OF THIS PROJECT GUTENBERG EBOOK ***\n\n"
                       "Jules Verne\n\nZwanzigtausend Meilen unter dem Meer\n\nBand 1\n\n" DE_BODY
                       "\n*** END OF THIS PROJECT GUTENBERG EBOOK ***\n";
    longsd_story *s = ingest_named("x.txt", text);
    CHECK_STR(s->title, "Zwanzigtausend Meilen unter dem Meer");
    CHECK_STR(s->author, "Jules Verne");
    CHECK_STR(s->lang, "de");
    longsd_story_free(s);
}

TEST(no_front_matter_falls_back_to_the_name)
{
    longsd_story *s = ingest_named("dir/my-story.txt", "It was a dark and stormy night; the rain fell in torrents, "
                                                       "except at occasional intervals.\n");
    CHECK_STR(s->title, "my-story");
    CHECK_STR(s->author, "");
    longsd_story_free(s);
}

TEST(corpus_front_matter)
{
    struct {
        const char *file, *title, *author, *lang;
    } want[] = {
        {"en-twain1.txt", "The Adventures of Tom Sawyer", "Mark Twain", "en"},
        {"en-twain3.txt", "Tom Sawyer Abroad", "", "en"},
        {"de-grimm-fischer.txt", "Von dem Fischer un syner Fru", "", "de"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "tests/corpus/%s", want[i].file);
        longsd_ctx *ctx = longsd_ctx_new();
        longsd_story *s = NULL;
        REQUIRE(longsd_story_load(ctx, path, NULL, &s) == LONGSD_OK);
        CHECK_STR(s->title, want[i].title);
        CHECK_STR(s->author, want[i].author);
        CHECK_STR(s->lang, want[i].lang);
        longsd_story_free(s);
        longsd_ctx_free(ctx);
    }
}

RUN_TESTS(author_line_above_title, by_lines, title_character_is_not_an_author, gutenberg_header_wins,
          no_front_matter_falls_back_to_the_name, corpus_front_matter)
