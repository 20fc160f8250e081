/* t_corpus.h - stories for the unit tests: a file of tests/corpus/ (part of
 * the repo, so a missing one fails the case) loaded through the public API,
 * or a string ingested as "test.txt". Include after t.h and story.h. */
#ifndef LONGSD_T_CORPUS_H
#define LONGSD_T_CORPUS_H

#define T_CORPUS "tests/corpus/"

static inline longsd_story *load_corpus(const char *file)
{
    char path[256];
    snprintf(path, sizeof path, T_CORPUS "%s", file);
    longsd_ctx *ctx = longsd_ctx_new();
    REQUIRE(ctx != NULL);
    longsd_story *s = NULL;
    longsd_status rc = longsd_story_load(ctx, path, NULL, &s);
    if (rc)
        fprintf(stderr, "  %s: %s\n", path, longsd_errmsg(ctx));
    REQUIRE(rc == LONGSD_OK && s != NULL);
    longsd_ctx_free(ctx);
    return s;
}

#endif
