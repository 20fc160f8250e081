/* desc_int.h - what desc.c and desc_role.c share: a sentence's words as
 * the harvest reads them, and the role phrase found for a mention.
 * Internal to the description harvest. */
#ifndef LONGSD_DESC_INT_H
#define LONGSD_DESC_INT_H

#include <stddef.h>

#include "lexicon.h"
#include "story.h"

typedef lslex_tword dword; /* a sentence's words */

/* What the narration calls someone right at their name: "Jim, the small
 * colored boy", "le harponneur Ned Land", "Ned Land était un Canadien".
 * head: the English person noun ("harpooner", "boy"); words: the English
 * phrase, adjectives then the head ("small colored boy"); span: the
 * original words it came from. */
typedef struct {
    char head[32];
    char words[96];
    size_t start, end;
    int sex; /* LS_GENDER_* the source noun's grammar says (French), 0 none */
} ls_desc_role;

/* The role phrase said of the mention w[at, at + len) of a sentence of n
 * words, into *out; 1 if one was found, else 0. */
int ls_desc_role_at(const longsd_story *s, lslex_lang_id lang, const dword *w, size_t n, size_t at, size_t len,
                    ls_desc_role *out);

/* Is the English noun only an age and sex word ("boy", "woman", "man",
 * "fellow"), which says nothing a person noun from age and sex does not?
 * Sets *sex (LS_GENDER_*, 0 for neither) and *child. */
int ls_desc_plain_noun(const char *head, int *sex, int *child);

/* Is the English noun a kin word ("sister", "father")? It says how two
 * people stand, not what one looks like: *sex and the *age (LS_AGE_*)
 * such a relative most often has are set for a neutral noun instead. */
int ls_desc_kin(const char *head, int *sex, int *age);

/* The sex an English role noun says ("widow", "king"), 0 if none. */
int ls_desc_noun_sex(const char *head);

/* The woman's form of an English man's noun, into out: "countess" for
 * "earl" and "count", "marchioness", "landlady", and the "-ess" form
 * WordNet knows as a person ("host" -> "hostess"). 0 (out untouched) when
 * the noun has none. For a French or German feminine noun the dictionary
 * gave in the masculine ("comtesse" -> "earl", "Fürstin" -> "prince"). */
int ls_desc_female_noun(const char *male, char *out, size_t cap);

#endif
