/* narrator.h - the first-person narrator of a book (narrator.c). */
#ifndef LONGSD_NARRATOR_H
#define LONGSD_NARRATOR_H

#include "ideas.h"

/* If s is told in the first person, mark its narrator in the cast (adding
 * "the narrator" / "der Erzähler" / "le narrateur" when no one is named,
 * dropping the least mentioned to stay within max_cast, 0 = no limit), add
 * the narration's I/me/my to their mentions and re-sort the cast by
 * mentions. *cast may be reallocated. Returns LONGSD_ERR_NOMEM only. */
longsd_status ls_narrator_find(const longsd_story *s, ls_character **cast, size_t *n_cast, size_t max_cast);

/* 1 if the paragraph d[0..len) opens with a dash: a line of dialogue
 * (the French and German habit). */
int ls_narrator_dash_dialogue(const char *d, size_t len);

/* narrator_sex.c: the sex (LS_GENDER_*) of the narration's "I": in French
 * from agreement ("je suis condamné", "j'étais seule"; needs the fr
 * dictionary), in English and German from how the others address them
 * ("Yes, sir", "madam", "mein Herr", "Fräulein"); 0 in other languages or
 * when the evidence is too thin or split. */
int ls_narrator_sex(const longsd_story *s);
/* The sex of one lower-cased French adjective or past participle form
 * ("condamnée": female), 0 when epicene, no adjective, or unknown. */
int ls_narrator_fr_agreement(const char *w);
/* The same for a French noun ("servante": female): a grammatical gender,
 * a person's sex only where the caller knows the noun names a person. */
int ls_narrator_fr_agreement_noun(const char *w);

#endif
