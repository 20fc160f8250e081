/* translate.h - German and French words to English, offline, for the scene
 * writer: the word is reduced to its dictionary form and looked up in
 * Debian's FreeDict dictionaries (translate.c). Internal. */
#ifndef LONGSD_TRANSLATE_H
#define LONGSD_TRANSLATE_H

#include <stddef.h>

#include "lexicon.h"

enum { LS_POS_UNKNOWN = 0, LS_POS_NOUN = 1, LS_POS_VERB = 2, LS_POS_ADJ = 3, LS_POS_ADV = 4 };

/* The English word for w[0..n) (UTF-8, as written; upper: capitalised in
 * the text; 2: a lower-case German word standing before its noun, read
 * as an inflected adjective) into out: one lower-case ASCII word, or "" when there is none
 * (a function word, an unknown word, a missing dictionary). *pos (may be
 * NULL) gets the part of speech the dictionary gives (LS_POS_*), since an
 * English base form ("walk" for "marchait") no longer shows it. Thread-safe. */
void ls_translate_word(lslex_lang_id lang, const char *w, size_t n, int upper, char *out, size_t cap, int *pos);

/* The English of a French two-word noun phrase, in English order, for a
 * writer that composes phrases: head[0..hn), the word linking them
 * link[0..ln) as written ("de", "d'", "à"; ln 0: none) and mod[0..mn).
 * A phrase FreeDict lists is its sense ("chemin de fer" -> "railway");
 * else a noun "de" a material, food or plant, without article, is an
 * English noun adjunct ("lit d'acajou" -> "mahogany bed", "bonnet de
 * laine" -> "wool cap"); a noun and the adjective after it are the
 * adjective and the noun ("tablier blanc" -> "white apron"). The result
 * may hold several words. Returns its length, 0 (out "") when the pair is
 * none of these, or for another language: the caller then writes the
 * words by ls_translate_word. Thread-safe. */
size_t ls_translate_pair(lslex_lang_id lang, const char *head, size_t hn, const char *link, size_t ln,
                         const char *mod, size_t mn, char *out, size_t cap);

#endif
