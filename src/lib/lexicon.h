/* lexicon.h - word lists and a word tokenizer for the built-in idea
 * extractor and the cast finder: what a painter can paint (people, places,
 * objects, actions, light and colour), what they cannot (abstract words),
 * and the words that look like names but are not (stop words, pronouns,
 * days, months, "God", chapter-heading words). English first, with smaller
 * German (incl. the Low German of the Grimm tales) and French lists so
 * non-English texts still work. Internal to the library. */
#ifndef LONGSD_LEXICON_H
#define LONGSD_LEXICON_H

#include <stddef.h>
#include <stdint.h>

/* Word classes, as bits: a word may be in several lists. */
enum {
    LSLEX_PERSON = 1u << 0,   /* boy, woman, king: a figure to paint */
    LSLEX_PLACE = 1u << 1,    /* river, cave, village, church */
    LSLEX_OBJECT = 1u << 2,   /* fence, brush, raft, candle */
    LSLEX_ACTION = 1u << 3,   /* ran, climbed, swam: visible actions */
    LSLEX_LIGHT = 1u << 4,    /* sunlight, moon, red, golden, shadow */
    LSLEX_ABSTRACT = 1u << 5, /* thought, believe, idea, reason, moral */
    LSLEX_STOP = 1u << 6,     /* function words */
    LSLEX_TITLE = 1u << 7,    /* Aunt, Mr, Mrs, Dr, Widow, Judge */
    LSLEX_PRONOUN = 1u << 8,
    LSLEX_CALENDAR = 1u << 9, /* days, months, seasons' proper names */
    LSLEX_DIVINE = 1u << 10,  /* God, Lord, Heaven */
    LSLEX_HEADING = 1u << 11, /* chapter, preface, book, part */
    LSLEX_NOTNAME = 1u << 12, /* capitalised often but never a character */
    LSLEX_SPEECH = 1u << 13,  /* said, asked, cried: speech tags */
    LSLEX_CONJ = 1u << 14,    /* and, but, so: dropped at a scene's start */
    LSLEX_PREP = 1u << 15,    /* in, at, to, from: before a place name */
    LSLEX_MALE = 1u << 16,    /* he/him/his, Mr, Uncle, known male names */
    LSLEX_FEMALE = 1u << 17,  /* she/her, Mrs, Aunt, known female names */
    LSLEX_DET = 1u << 18,     /* the, a, der, de, le */
    LSLEX_NAME = 1u << 19,    /* a known first name (cast hint for German) */
    LSLEX_SPATIAL = 1u << 20, /* on, over, down, through: links an action to a thing */
    LSLEX_PLACEWORD = 1u << 21 /* New, Great, Holy, Fort: starts a place name */
};

/* Language tables; lslex_lang("de") etc. Unknown languages use English. */
typedef enum { LSLEX_EN = 0, LSLEX_DE = 1, LSLEX_FR = 2 } lslex_lang_id;
lslex_lang_id lslex_lang(const char *lang);

/* Flags of the lower-cased word w[0..n) in language lang; for English and
 * French, inflections are reduced first (climbed, climbing, climbs ->
 * climb; ran -> run). If base is non-NULL and the word was found, *base
 * and *base_len give the dictionary form (pointing into static storage).
 * Thread-safe (tables are built once). */
unsigned lslex_lookup(lslex_lang_id lang, const char *w, size_t n, const char **base, size_t *base_len);

/* One word of a text: letters (any script) with inner apostrophes. */
typedef struct {
    size_t start, end;  /* byte span in the scanned buffer */
    int upper;          /* first letter is upper case */
    int all_upper;      /* two or more letters, all upper case */
    int quoted;         /* inside quotation marks (see lslex_next_word) */
    int after_stop;     /* preceded (after spaces) by . ! ? : ( or a quote, or is first */
} lsword;

/* Scanner over s[0..n): call lslex_next_word until it returns 0. Quotation
 * marks (" “ ” „ « ») toggle the quoted state, which starts at `quoted`
 * (reset it per paragraph). Hyphens and dashes separate words. */
typedef struct {
    const char *s;
    size_t n, pos;
    int quoted;
    int boundary;       /* the next word follows a sentence/clause opener */
} lslex_scan;

void lslex_scan_init(lslex_scan *sc, const char *s, size_t n);
int lslex_next_word(lslex_scan *sc, lsword *w /* OUT */);

/* Lower-case w[0..n) into out (ASCII and Latin-1 letters; at most cap-1
 * bytes, NUL-terminated); returns the length written. A trailing possessive
 * "'s" or "’s" is dropped when strip_possessive. */
size_t lslex_lower(const char *w, size_t n, char *out, size_t cap, int strip_possessive);

/* The "-ing" form of an English verb base ("climb" -> "climbing",
 * "whitewash" -> "whitewashing", "run" -> "running", "dance" -> "dancing"). */
void lslex_gerund(const char *base, size_t n, char *out, size_t cap);

/* Hash of a word as written (case kept), a trailing possessive "'s"/"’s"
 * dropped: "Tom's" and "Tom" hash the same. For matching cast names. */
uint64_t lslex_word_hash(const char *w, size_t n);

/* A word of a text with what the lexicon says of it, as the cast and
 * description scanners read a paragraph or sentence. */
typedef struct {
    size_t start, end; /* bytes in the whole text */
    unsigned flags;    /* LSLEX_* in the text's language */
    int quoted, upper; /* from the scanner */
    char low[32];      /* lower case, possessive 's dropped */
    size_t ll;
} lslex_tword;

/* Append the words of text[a, b) to the growing arrays *w and *h (each
 * word's lslex_word_hash), *n of them used of *cap (doubled as needed,
 * from first_cap); 0 when out of memory, with the arrays still valid to
 * free. */
int lslex_words_append(const char *text, size_t a, size_t b, lslex_lang_id lang, lslex_tword **w, uint64_t **h,
                       size_t *n, size_t *cap, size_t first_cap);

/* 1 if the code point is a quotation mark that the scanner toggles on. */
int lslex_is_quote(uint32_t cp);

#endif
