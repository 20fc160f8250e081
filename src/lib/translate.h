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

/* As ls_translate_word, for a word the caller writes as a noun: a German
 * compound the dictionary lacks gives its modifier and head in English
 * order ("Frühstückstisch" -> "breakfast table", where ls_translate_word
 * gives the head, "table"); one WordNet writes closed stays one word
 * ("Sonnenschirm" -> "sunshade"). A Low German noun FreeDict lacks is
 * read as its High German cognate ("Huus" -> Haus -> "house"): the scene
 * draws it, while a title, kept in the book's words, must not pick it as
 * a known word. The last word is the head: see ls_en_head. Thread-safe. */
void ls_translate_noun(lslex_lang_id lang, const char *w, size_t n, int upper, char *out, size_t cap, int *pos);

/* The head of an English phrase en: its last word ("table" of "breakfast
 * table"), what WordNet is asked about. */
const char *ls_en_head(const char *en);

/* The plural of English noun en ("box" -> "boxes", "knife" -> "knives",
 * "man" -> "men") into out, for a German or French noun the text wrote in
 * the plural: only a form WordNet's morphology reads back as en counts.
 * Returns 0 (out "") for a noun with no plural of its own: a mass or
 * substance noun ("water", "glass" as the material), a plural-only one
 * ("scissors"), a word WordNet lacks. */
int ls_en_plural(const char *en, char *out, size_t cap);

/* Does English noun en take no "a": plural-only ("scissors", "clothes",
 * "tongs": WordNet lists the -s form as its own lemma and no singular
 * noun beside it) or an uncountable -s word ("news")? */
int ls_en_plural_only(const char *en);

/* The grammatical gender FreeDict deu-eng gives German noun w[0..n) (as
 * written) in its entries ("Wand <fem, n, sg>"): 0 masculine, 1
 * feminine, 2 neuter; -1 when they name none, or disagree ("See": lake
 * and sea), or the dictionary is missing. A text's articles cannot always tell: "an der
 * Wand" is a dative. Thread-safe. */
int ls_translate_de_gender(const char *w, size_t n);

/* A German or French preposition and noun that are an idiom, not a place
 * ("à table", "au fond", "au dedans", "en train", "zu Hause"): 1, with
 * prep_en and noun_en the English to write ("at" "table", "" "" to
 * write nothing) and *the 1 when the noun takes "the" ("at the table").
 * 0 when prep[0..pn) noun[0..nn) is no idiom. */
int ls_translate_idiom(lslex_lang_id lang, const char *prep, size_t pn, const char *noun, size_t nn, char *prep_en,
                       size_t pcap, char *noun_en, size_t ncap, int *the);

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

/* The English verb (base form, "run") of the French present participle
 * w[0..n) ("courant"), for "en courant", written as the verb's -ing:
 * 1, or 0 (out "") when no infinitive its stems or ending spell is a verb
 * FreeDict holds. Thread-safe. */
int ls_translate_fr_gerund(const char *w, size_t n, char *out, size_t cap);

/* The English verb (base form) of the German finite verb verb[0..vn) with
 * its separable prefix prefix[0..pn) from the clause's end ("kehrte" +
 * "zurück" -> zurückkehren -> "return"): 1, or 0 (out "") when FreeDict
 * holds no such compound verb, or one whose senses hold the simple verb's
 * English ("warf ... aus": auswerfen, throw out; werfen, throw): the
 * word by word reading stands then. Thread-safe. */
int ls_translate_de_separable(const char *verb, size_t vn, const char *prefix, size_t pn, char *out, size_t cap);

/* Is the French word w[0..n) as written a plural: an -s or -x form whose
 * hunspell stem is the word without it ("pierres": pierre; "bois",
 * "prix" are their own stems)? What an article would say, for a noun
 * written without one ("en sabots", "tas de pierres"). Thread-safe. */
int ls_translate_fr_plural(const char *w, size_t n);

/* Does one of hunspell's analyses of French word w[0..n) (as written)
 * carry tag ("po:adj": "menu" can be an adjective beside the noun;
 * "po:ppas": "jetés" a past participle)? A word FreeDict gives only a
 * noun sense of ("menu") then stands before its noun ("menu bois") as
 * the adjective it is. Thread-safe. */
int ls_translate_fr_tagged(const char *w, size_t n, const char *tag);

/* The English intransitive verb a French or German reflexive verb w[0..n)
 * (as written, "setzte" of "setzte sich", "coucha" of "se coucha") means
 * when English has one of its own: a verb of putting whose reflexive is a
 * posture ("sit", "lie", "stand", "rise"): 1, or 0 (out "") when the verb
 * is none of those and its own English stands ("se jeta": throwing
 * herself). Thread-safe. */
int ls_translate_reflexive(lslex_lang_id lang, const char *w, size_t n, char *out, size_t cap);

#endif
