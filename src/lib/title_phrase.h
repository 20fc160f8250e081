/* title_phrase.h - German and French idea titles made of the passage's own
 * phrases (title_phrase.c): "Der Vater am Frühstückstisch", "Le capitaine
 * Nemo dans le salon", "Emma et Rodolphe", "Les nuages sur l'île".
 * Internal; title.c tidies and picks among them. */
#ifndef LONGSD_TITLE_PHRASE_H
#define LONGSD_TITLE_PHRASE_H

#include "scene.h"

#define LS_TITLE_OPT 112 /* bytes of one title option */

/* Up to cap titles of 2-6 words for a German or French narration (the
 * output of ls_scene_build, in the book's language), best first, into
 * opts; *n gets how many (0 for English, or when the passage names no one
 * and no drawable thing with its article). Returns 0, or
 * LONGSD_ERR_NOMEM. */
longsd_status ls_title_phrases(const ls_scenectx *sc, const char *narration, char (*opts)[LS_TITLE_OPT], size_t cap,
                               size_t *n);

/* ls_title_phrases and then the passage's other titles a plan reads
 * before it numbers a repeated one: each person with each thing and place
 * phrase of the passage, each two people, each two things. */
longsd_status ls_title_phrases_more(const ls_scenectx *sc, const char *narration, char (*opts)[LS_TITLE_OPT],
                                    size_t cap, size_t *n);

/* The nominative definite article of the German noun w[0..n) as written:
 * "der", "die" or "das", from the articles the passage (text[0..tn)) and
 * the book (sc->s, may be NULL) write before it ("dem Vater", "des
 * Vaters": der; "das Mädchen": das); "" when neither says. Exposed for
 * the tests. */
const char *ls_title_de_article(const ls_scenectx *sc, const char *text, size_t tn, const char *w, size_t n);

/* The definite article a French title writes before noun w (UTF-8, as
 * written): "le ", "la ", "l'" (a vowel) or "les " (an -s or -x plural
 * of a noun the dictionary knows), by the noun's grammatical gender in
 * hunspell fr; NULL when the dictionary tells none. */
const char *ls_title_fr_article(const char *w);

#endif
