/* desc.h - the cast's looks harvested from the book (desc.c). */
#ifndef LONGSD_DESC_H
#define LONGSD_DESC_H

#include "ideas.h"

#define LS_DESC_MAX_SPANS 5

/* Where a character's harvested description came from: byte spans
 * [start, end) in the original text, one per phrase, in description order. */
typedef struct {
    size_t n;
    size_t start[LS_DESC_MAX_SPANS], end[LS_DESC_MAX_SPANS];
} ls_desc_spans;

/* Fill each empty description from the narration around the character's
 * name (see desc.c), or a neutral line from role and sex; a non-empty one
 * is kept. Sets age from old/young words when unknown. spans (n_cast
 * entries, zeroed by the caller) receives the sources; may be NULL.
 * Returns LONGSD_ERR_NOMEM only. */
longsd_status ls_cast_describe(const longsd_story *s, ls_character *cast, size_t n_cast, ls_desc_spans *spans);

/* The sources of the descriptions that are the book's own: spans[i] is
 * filled where cast[i]'s description is what ls_cast_describe harvests
 * from s (a user's or an LLM's description has none). Changes no
 * description. Returns LONGSD_ERR_NOMEM only. */
longsd_status ls_cast_desc_spans(const longsd_story *s, const ls_character *cast, size_t n_cast,
                                 ls_desc_spans *spans);

/* Age (and sex, where the pronouns left it unknown) of each character
 * whose age is unknown, from what the book calls them (desc_age.c).
 * Returns LONGSD_ERR_NOMEM only. */
longsd_status ls_cast_ages(const longsd_story *s, ls_character *cast, size_t n_cast);

/* What the pages up to sentence last (back to its chapter's start, at
 * most a few hundred sentences) say of the looks of the one person the
 * text calls phrase: its lower-case words in the book's language after
 * an article ("old man" of "the old man", "vieux pêcheur"), read the way
 * a cast member's are. *out: a description ("an old man with long
 * tangled hair"), NULL when those pages say nothing of them. Free with
 * longsd__free. Returns LONGSD_ERR_NOMEM only. */
longsd_status ls_desc_of_phrase(const longsd_story *s, size_t last, const char *phrase, char **out);

#endif
