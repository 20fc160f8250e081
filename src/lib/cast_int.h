/* cast_int.h - what the cast files share and nothing else sees: the
 * string -> counters table (cast_map.c), the candidate scan over the
 * sentences (cast_scan.c), the characters being built and merged
 * (cast_merge.c) and the sex guess (cast_sex.c); cast.c drives them. */
#ifndef LONGSD_CAST_INT_H
#define LONGSD_CAST_INT_H

#include <stddef.h>
#include <stdint.h>

#include "ideas.h"
#include "lexicon.h"

#define SEQ_MAX 4 /* longer capitalised runs are headings or titles of works */

/* ---- cast_map.c: a small string -> counters hash map */

typedef struct {
    char *key;
    size_t klen;
    uint64_t h;
    size_t total;   /* occurrences as this exact run */
    size_t mid;     /* ... not at a sentence or quote start */
    size_t prep;    /* ... right after in/at/to/from */
    size_t speech;  /* ... right after a speech verb (+ article): "säd de Butt" */
    size_t det;     /* ... right after an article */
    size_t adj;     /* ... right after a lower-case adjective: "the old Jew", "a fat Jew" */
    size_t acts;    /* ... followed by a verb: "the Widow Douglas said" */
    size_t thing;   /* ... naming a thing after its noun: "la lampe Ruhmkorff" */
    size_t first;   /* sentence order of first sight, for stable tie-breaks */
    int character;  /* index of the character it became, -1 */
    int qualifies;  /* singles: may name a character on its own */
    size_t cut;     /* initial runs: bytes of the leading word + space */
} centry;

typedef struct {
    centry *e;
    size_t cap, n;
} cmap;

void ls_cmap_free(cmap *m);
/* Find key; create it (zeroed counters) when create. NULL if absent or out
 * of memory (*oom set). */
centry *ls_cmap_get(cmap *m, const char *k, size_t kl, int create, int *oom);

/* ---- cast_scan.c: candidates, counted over the sentences */

typedef struct {
    size_t start, end;  /* in s->data */
    size_t klen;        /* key length: possessive dropped */
    int klen_cut;       /* a possessive was dropped: "Watson's" */
    unsigned flags;     /* lexicon flags of the lower-cased word */
    int upper, all_upper, after_stop;
} ctok;

typedef struct {
    const longsd_story *s;
    lslex_lang_id lang;
    cmap singles, phrases, lower;
    cmap roles;     /* "the king", "le capitaine": total, and speech = times seen acting */
    cmap initial;   /* "Later Injun Joe": sentence-initial runs decided at the end */
    ctok *tok;
    size_t n_tok, cap_tok;
    size_t sentence_no;
    size_t sent_start;  /* byte where the sentence being scanned starts */
} cscan;

#define NOT_NAME_FLAGS                                                                                  \
    (LSLEX_STOP | LSLEX_PRONOUN | LSLEX_CALENDAR | LSLEX_DIVINE | LSLEX_HEADING | LSLEX_NOTNAME | \
     LSLEX_CONJ | LSLEX_SPEECH | LSLEX_DET)

/* Pass 0 counts lower-case words, pass 1 capitalised runs and roles of
 * the sentence [start, end). */
longsd_status ls_cast_scan_sentence(cscan *c, size_t start, size_t end, int pass);
/* Sentence-initial runs ("Later Injun Joe") decided once all is counted. */
longsd_status ls_cast_resolve_initial(cscan *c);
/* Words of a phrase key: the first word's length, the last word. */
void ls_cast_phrase_ends(const char *key, size_t kl, size_t *first_len, const char **last, size_t *last_len);
/* Lexicon flags of a word as written (lower-cased first). */
unsigned ls_cast_word_flags(lslex_lang_id lang, const char *w, size_t n);

/* ---- cast_merge.c: candidates become characters */

typedef struct {
    char *name, *full_name;
    char *role;             /* "king" for "the king", NULL for a named character */
    char **aliases;
    size_t n_aliases, cap_aliases;
    size_t mentions;
    size_t full_count;      /* occurrences of the chosen full name */
    size_t acts;            /* times its names were followed by a verb or followed a speech verb */
    size_t first;           /* first sight, for ordering ties */
    int gender;
    int title_named;        /* named by its whole phrase ("Aunt Polly", "Injun Joe") */
    size_t male, female;    /* pronoun votes */
    size_t smale, sfemale;  /* "Mirela shook her head": the possessive of the name's own verb */
    size_t amale, afemale;  /* "Ann related that her mother ...": the first he/she/his/her after
                             * the name, before anyone else is named */
    size_t kmale, kfemale;  /* "my brother Tom", "his sister Ann": a kin noun right before */
    size_t nmale, nfemale;  /* of the pronoun votes, the subject "he"/"she" */
} cchar;

typedef struct {
    cchar *v;
    size_t n, cap;
} cchars;

void ls_cchars_free(cchars *cs);
/* The characters of the counted candidates: names, full names, aliases,
 * roles, merged where the evidence says one person. */
longsd_status ls_cast_build(cscan *c, cchars *cs);

/* ---- cast_sex.c */

/* Gender of out[i] (= cs->v[i]) from titles, known names and pronouns. */
longsd_status ls_cast_genders(const longsd_story *s, lslex_lang_id lang, cchars *cs, ls_character *out,
                              const ls_cast_form *forms, size_t n_forms);

/* ---- cast_rolename.c */

/* A role-named character ("die Schwester") and a name ("Grete") the text
 * ties to it (apposition, a call answered by the role) become one: the
 * name, with both's mentions and the role. *n_cast shrinks. */
longsd_status ls_cast_role_names(const longsd_story *s, lslex_lang_id lang, ls_character *cast, size_t *n_cast);

/* ---- cast_mention.c: minor names the book only mentions (history, lists,
 * "de Cook") leave the cast; LONGSD_ERR_NOMEM only. */
longsd_status ls_cast_drop_mentioned(const longsd_story *s, lslex_lang_id lang, ls_character *cast, size_t *n_cast);

/* ---- cast_drama.c: a play's cast are its speakers, at most max_cast
 * (0 = no limit); *cast may be replaced. LONGSD_ERR_NOMEM only. */
longsd_status ls_cast_drama(const longsd_story *s, lslex_lang_id lang, ls_character **cast, size_t *n_cast,
                            size_t max_cast);

#endif
