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
    int gender;             /* LS_GENDER_*: guessed from titles, names and pronouns; 0 = unknown */
    int narrator;           /* 1: the first-person narrator of the book */
    char *role;             /* role noun when the character is named by role, in the book's language,
                             * lowercase, no article: "king", "widow", "fischer", "capitaine"; NULL otherwise */
    int age;                /* LS_AGE_*: 0 unknown, 1 child, 2 young, 3 adult, 4 old */
} ls_character;

enum { LS_GENDER_UNKNOWN = 0, LS_GENDER_MALE = 1, LS_GENDER_FEMALE = 2 };
enum { LS_AGE_UNKNOWN = 0, LS_AGE_CHILD = 1, LS_AGE_YOUNG = 2, LS_AGE_ADULT = 3, LS_AGE_OLD = 4 };

typedef struct {
    char id[48];            /* "<part id>-NN", NN from 01 */
    size_t part;            /* part index */
    char *title;            /* a few words naming the scene */
    char *scene;            /* the passage rewritten for painting (pronouns resolved) */
    char *quote;            /* verbatim clean text of the anchor */
    size_t para;            /* anchor paragraph */
    size_t start, end;      /* anchor span (whole sentences) in the original bytes */
    char **characters;      /* cast names present in the span (name, full name or alias),
                             * plus the one a pronoun of the scene was resolved to */
    size_t n_characters;
    double score;           /* paintability, for diagnostics */
    uint64_t look;          /* who and what its written scene shows, 0 none: the
                             * same picture in a later part is a repeat */
} ls_idea;

/* Find recurring characters (capitalised names by frequency, with titles such
 * as "Aunt", "Mr.", "Dr."), most mentioned first (ties by name), at most
 * max_cast (0 = no limit), each mentioned at least 3 times. Descriptions are
 * "" (placeholders). Free with ls_cast_free. */
longsd_status ls_cast_find(const longsd_story *s, size_t max_cast, ls_character **cast, size_t *n_cast, lserr *err);
void ls_cast_free(ls_character *cast, size_t n);
/* a (NULL: nothing) becomes one of c's aliases unless it is c's name or
 * one already; 0 or LONGSD_ERR_NOMEM. Used where two entries turn out to be
 * one person (narrator.c, cast_rolename.c). */
longsd_status ls_character_add_alias(ls_character *c, const char *a);

/* Built-in extractor: up to k ideas for part p, spread across it, no
 * near-duplicates, deterministic. *n_out < k only when the part has fewer
 * usable passages. Ideas are appended to *ideas (realloc'ed); those
 * already there (earlier parts) are not shown again where the part has
 * another passage. */
longsd_status ls_ideas_extract(const longsd_story *s, const ls_part *part, size_t part_index, int k,
                               const ls_character *cast, size_t n_cast, ls_idea **ideas, size_t *n_ideas,
                               size_t *n_out, lserr *err);
/* The same, the earlier parts' pictures given as their ls_idea.look
 * values seen[0..n_seen) (their ideas kept elsewhere). */
longsd_status ls_ideas_extract_after(const longsd_story *s, const ls_part *part, size_t part_index, int k,
                                     const ls_character *cast, size_t n_cast, const uint64_t *seen, size_t n_seen,
                                     ls_idea **ideas, size_t *n_ideas, size_t *n_out, lserr *err);
void ls_idea_clear(ls_idea *idea);
void ls_ideas_free(ls_idea *ideas, size_t n);

/* ---- helpers shared by cast.c and ideas_extract.c, exposed for tests */

/* One surface form of a cast member (name, full name or alias) as a sequence
 * of word hashes (lslex_word_hash). */
typedef struct {
    uint64_t tok[4];
    size_t n_tok;
    size_t character;       /* index into the cast */
    int sex;                /* the character's LS_GENDER_* when the forms were made */
} ls_cast_form;

/* The forms of every cast member, sorted by first word (then longest first)
 * for ls_cast_match. Free with longsd__free. */
longsd_status ls_cast_forms(const ls_character *cast, size_t n_cast, ls_cast_form **forms, size_t *n_forms);
/* If a form starts at word i of h[0..n), return its length in words and set
 * *character; else 0. The longest form wins ("Injun Joe" over "Joe"). A
 * form is not its character's when the word before it is a title of the
 * other sex: "madame Bovary" is not Charles, whose alias "Bovary" is. */
size_t ls_cast_match(const ls_cast_form *forms, size_t n_forms, const uint64_t *h, size_t n, size_t i,
                     size_t *character);
/* The sex (LS_GENDER_*) of the title or form of address whose word hash is
 * h ("madame", "Mrs", "Herr", "M"), 0 when it is none. */
int ls_cast_title_sex(uint64_t h);

/* Paintability of a clean text (what the extractor ranks by): people, places,
 * objects, actions, light and colour count for, dialogue and abstract words
 * against. lang as in longsd_story_language(). */
double ls_ideas_score_text(const char *text, const char *lang, const ls_character *cast, size_t n_cast);

/* The scene for sentences [first, first + n) of s: dialogue stripped when
 * mixed with narration, a leading "And"/"But"/"So" dropped, he/she/him/her/his
 * replaced by the one character named just before (see scene.c).
 * Free with longsd__free; NULL if out of memory. */
char *ls_ideas_scene(const longsd_story *s, size_t first, size_t n, const ls_character *cast, size_t n_cast);

#endif
