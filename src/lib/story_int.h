/* story_int.h - what the ingest files (story.c, chapters.c, meta.c) share
 * and nothing else sees: the builder, the Gutenberg header facts and the
 * code-point helpers over validated UTF-8. */
#ifndef LONGSD_STORY_INT_H
#define LONGSD_STORY_INT_H

#include <stddef.h>
#include <stdint.h>

#include "story.h"

/* Heading candidates are short; longer paragraphs are never examined. */
#define LS_HEADING_MAX_BYTES 400

typedef struct {
    longsd_story *s;
    size_t para_alloc, sent_alloc;
    lserr *err;
} ls_builder;

typedef struct {
    size_t header_end;   /* 0 if no header */
    size_t footer_start; /* len if no footer */
    char *title, *author, *language;
} ls_gutenberg;

/* ---- story.c: code points and bytes */
uint32_t ls_cp_at(const char *d, size_t i, size_t end, int *len);
int ls_is_wordish(uint32_t c);
int ls_is_lower_cp(uint32_t c);
int ls_ascii_lower(int c);
int ls_has_prefix_ci(const char *s, size_t n, const char *pre);
const char *ls_base_name(const char *name);

/* ---- chapters.c */
size_t ls_utf8_count(const char *s);
/* "# Title": its level 1..6, 0 if none. */
int ls_markdown_level(const char *t);
/* "19. Von dem Fischer un syner Fru": the number, -1 if none. */
long ls_numbered_title(const char *t);
/* "CHAPTER XII", "Chapter 3: Title" (multi_line: the title was on its own
 * line under the heading). */
int ls_is_chapter_heading(const char *t, int multi_line);
/* Any heading a line on its own may be (chapter, book, end, bare number,
 * Markdown): paragraph breaks are forced around it in hard-wrapped text. */
int ls_is_heading_line(const char *t);
/* "BOOK I", "Band 1", "Zweiter Teil", "Tome premier". */
int ls_is_book_heading(const char *t);
/* Clean text of paragraph i (free with longsd__free). */
longsd_status ls_para_clean(const longsd_story *s, size_t i, char **out, lserr *err);
longsd_status ls_find_chapters(ls_builder *bd);
void ls_merge_heading_sentences(longsd_story *s);

/* ---- meta.c */
const char *ls_guess_language(const char *d, size_t a, size_t z);
/* "English", "Deutsch", ... -> "en", "de"; NULL if unknown. */
const char *ls_language_code(const char *name);
longsd_status ls_find_title_author(ls_builder *bd, ls_gutenberg *g);

#endif
