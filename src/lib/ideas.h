/* ideas.h - illustration ideas and the cast of recurring characters. An idea
 * is anchored to a passage of its part; the built-in extractor (no LLM) picks
 * passages a painter can paint. LLM extractors (later) fill the same struct. */
#ifndef LONGSD_IDEAS_H
#define LONGSD_IDEAS_H

#include "story.h"

typedef struct {
    char *name;             /* "Tom", "Aunt Polly" */
    char *full_name;        /* "Tom Sawyer" (== name when no longer form) */
    char **aliases;         /* other surface forms that refer to this character */
    size_t n_aliases;
    size_t mentions;
    char *description;      /* visual description; "" = placeholder, user-editable */
} ls_character;

typedef struct {
    char id[48];            /* "<part id>-NN", NN from 01 */
    size_t part;            /* part index */
    char *title;            /* a few words naming the scene */
    char *scene;            /* the passage rewritten for painting (pronouns resolved) */
    char *quote;            /* verbatim clean text of the anchor */
    size_t para;            /* anchor paragraph */
    size_t start, end;      /* anchor span (whole sentences) in the original bytes */
    char **characters;      /* cast names present in the scene */
    size_t n_characters;
    double score;           /* paintability, for diagnostics */
} ls_idea;

/* Find recurring characters (capitalised names by frequency, with titles such
 * as "Aunt", "Mr.", "Dr."), most mentioned first, at most max_cast. */
longsd_status ls_cast_find(const longsd_story *s, size_t max_cast, ls_character **cast, size_t *n_cast, lserr *err);
void ls_cast_free(ls_character *cast, size_t n);

/* Built-in extractor: up to k ideas for part p, spread across it, no
 * near-duplicates, deterministic. *n_out < k only when the part has fewer
 * usable passages. Ideas are appended to *ideas (realloc'ed). */
longsd_status ls_ideas_extract(const longsd_story *s, const ls_part *part, size_t part_index, int k,
                               const ls_character *cast, size_t n_cast, ls_idea **ideas, size_t *n_ideas,
                               size_t *n_out, lserr *err);
void ls_idea_clear(ls_idea *idea);
void ls_ideas_free(ls_idea *ideas, size_t n);

#endif
