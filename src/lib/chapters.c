/* chapters.c - chapter headings: which short paragraphs are headings
 * ("CHAPTER XII", "# Title", "19. Von dem Fischer un syner Fru") and the
 * chapters they open. Part of ingest (story.c). */
#include <string.h>

#include "story.h"
#include "lexicon.h"
#include "story_int.h"

/* ------------------------------------------------------------------------
 * Headings */

enum {
    HEAD_NONE = 0,
    HEAD_CHAPTER = 1,  /* "CHAPTER I", "Erstes Capitel", "CONCLUSION" */
    HEAD_MARKDOWN = 2, /* "# Title" */
    HEAD_NUMBERED = 3, /* "19. Title", "IV.", "IV. THE RAFT": only when no keyword headings */
    HEAD_BOOK = 4,     /* "BOOK I", "Zweiter Teil", "LIVRE DEUXIÈME": above chapters */
    HEAD_END = 5       /* "THE END", "Fin", "Ende": a heading, never a chapter */
};

size_t ls_utf8_count(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Number words a heading may use, in English, German and French, cardinal
 * and ordinal ("Chapter Twenty-One", "Chapter the First", "Erstes Capitel",
 * "CHAPITRE PREMIER", "Livre deuxième"). German ordinals are listed in
 * their -e form; -s/-r/-n endings are accepted ("Erstes", "Zweiter"). */
static const char *const number_words[] = {
    /* en */
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty",
    "sixty", "seventy", "eighty", "ninety", "hundred", "first", "second", "third", "fourth", "fifth", "sixth",
    "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
    "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth", "thirtieth", "fortieth", "fiftieth",
    "last",
    /* de */
    "eins", "zwei", "drei", "vier", "f\xC3\xBC" "nf", "sechs", "sieben", "acht", "neun", "zehn", "elf",
    "zw\xC3\xB6" "lf", "erste", "zweite", "dritte", "vierte", "f\xC3\xBC" "nfte", "sechste", "siebente", "siebte",
    "achte", "neunte", "zehnte", "elfte", "zw\xC3\xB6" "lfte", "dreizehnte", "vierzehnte", "f\xC3\xBC" "nfzehnte",
    "sechzehnte", "siebzehnte", "achtzehnte", "neunzehnte", "zwanzigste", "drei\xC3\x9F" "igste", "letzte",
    /* fr */
    "un", "une", "deux", "trois", "quatre", "cinq", "sept", "huit", "neuf", "dix", "onze", "douze", "treize",
    "quatorze", "quinze", "seize", "vingt", "trente", "quarante", "cinquante", "soixante", "cent", "premier",
    "premi\xC3\xA8re", "seconde", "deuxi\xC3\xA8me", "troisi\xC3\xA8me", "quatri\xC3\xA8me", "cinqui\xC3\xA8me",
    "sixi\xC3\xA8me", "septi\xC3\xA8me", "huiti\xC3\xA8me", "neuvi\xC3\xA8me", "dixi\xC3\xA8me", "onzi\xC3\xA8me",
    "douzi\xC3\xA8me", "treizi\xC3\xA8me", "quatorzi\xC3\xA8me", "quinzi\xC3\xA8me", "seizi\xC3\xA8me",
    "vingti\xC3\xA8me", "trenti\xC3\xA8me", "derni\xC3\xA8re", "dernier",
};

/* Is the lower-cased word w[0..n) (hyphenated parts: "twenty-one",
 * "dix-septième") a number word? */
static int is_number_word(const char *w, size_t n)
{
    char low[64];
    if (n == 0 || n >= sizeof low || w[n - 1] == '-')
        return 0;
    size_t ln = lslex_lower(w, n, low, sizeof low, 0);
    size_t a = 0;
    while (a < ln) {
        size_t b = a;
        while (b < ln && low[b] != '-')
            b++;
        int ok = 0;
        for (size_t k = 0; k < sizeof number_words / sizeof number_words[0] && !ok; k++) {
            size_t kl = strlen(number_words[k]);
            if (kl == b - a)
                ok = memcmp(low + a, number_words[k], kl) == 0;
            else if (kl + 1 == b - a && number_words[k][kl - 1] == 'e' && strchr("srn", low[b - 1]))
                ok = memcmp(low + a, number_words[k], kl) == 0; /* Erstes, Zweiter, Dritten */
        }
        if (!ok)
            return 0;
        a = b + 1;
    }
    return 1;
}

/* Value of a Roman numeral w[0..n) (either case, not mixed), -1 if it is
 * not one. Only well-formed numerals up to 3999: "MIX" is 1009, "IIII" and
 * "VX" are not numerals. */
static long roman_value(const char *w, size_t n)
{
    static const char *const ones[] = {"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"};
    static const char *const tens[] = {"", "x", "xx", "xxx", "xl", "l", "lx", "lxx", "lxxx", "xc"};
    static const char *const hund[] = {"", "c", "cc", "ccc", "cd", "d", "dc", "dcc", "dccc", "cm"};
    static const char *const thou[] = {"", "m", "mm", "mmm"};
    if (n == 0 || n > 15)
        return -1;
    char low[16];
    int up = w[0] >= 'A' && w[0] <= 'Z';
    for (size_t i = 0; i < n; i++) {
        if ((w[i] >= 'A' && w[i] <= 'Z') != up)
            return -1;
        low[i] = (char)ls_ascii_lower((unsigned char)w[i]);
    }
    low[n] = '\0';
    const char *p = low;
    long v = 0;
    const char *const *tabs[] = {thou, hund, tens, ones};
    const size_t sizes[] = {4, 10, 10, 10};
    const long mul[] = {1000, 100, 10, 1};
    for (int t = 0; t < 4; t++) {
        size_t best = 0, best_len = 0;
        for (size_t k = 1; k < sizes[t]; k++) {
            size_t kl = strlen(tabs[t][k]);
            if (kl > best_len && strncmp(p, tabs[t][k], kl) == 0)
                best = k, best_len = kl;
        }
        v += (long)best * mul[t];
        p += best_len;
    }
    return *p || v == 0 ? -1 : v;
}

/* "Chapter i." as some transcriptions write it: a Roman numeral is
 * upper case ("Chapter I."), never read as the word "i". Upper-cases the
 * heading's second word when it is the lower-case numeral of value num. */
static void roman_upper(char *t, long num)
{
    size_t a = 0;
    while (t[a] && t[a] != ' ')
        a++;
    while (t[a] == ' ')
        a++;
    size_t z = a;
    while (t[z] >= 'a' && t[z] <= 'z')
        z++;
    if (z == a || (t[z] && t[z] != ' ' && t[z] != '.' && t[z] != ':' && t[z] != ','))
        return;
    if (num <= 0 || roman_value(t + a, z - a) != num)
        return;
    for (size_t i = a; i < z; i++)
        t[i] = (char)(t[i] - 'a' + 'A');
}

/* A heading's number: digits (at most 4), a Roman numeral or a number word. */
static int is_heading_number(const char *w, size_t n)
{
    if (n == 0 || n > 24)
        return 0;
    int digits = 1;
    for (size_t j = 0; j < n; j++)
        digits &= w[j] >= '0' && w[j] <= '9';
    if (digits)
        return n <= 4;
    return roman_value(w, n) > 0 || is_number_word(w, n);
}

/* Does keyword kw start t (case-insensitive, UTF-8 lower-cased) as a
 * whole word? Returns its length in t, 0 if not. */
static size_t starts_with_word(const char *t, size_t n, const char *kw)
{
    size_t k = strlen(kw);
    if (n < k)
        return 0;
    char low[32];
    if (k >= sizeof low)
        return 0;
    size_t ln = lslex_lower(t, k, low, sizeof low, 0);
    if (ln != k || memcmp(low, kw, k) != 0)
        return 0;
    if (n > k && t[k] != ' ' && t[k] != '.' && t[k] != ':')
        return 0;
    return k;
}

/* a play's scenes are its chapters, its acts the level above them */
static const char *const chapter_kw[] = {"chapter", "chapitre", "kapitel", "capitel", "capitulo",
                                         "cap\xC3\xADtulo", "scene", "sc\xC3\xA8ne", "szene", "auftritt"};
/* the level above chapters */
static const char *const book_kw[] = {"book", "part", "volume", "livre", "partie", "tome", "buch",
                                      "teil", "band", "abteilung", "act", "acte", "akt", "aufzug"};
/* chapters of end (and front) matter that carry no number */
static const char *const matter_kw[] = {"conclusion", "epilogue", "\xC3\xA9pilogue", "epilog", "nachwort",
                                        "schluss", "schlu\xC3\x9F", "prologue", "prolog", "l'envoi",
                                        "postscript"};
/* the end of the story: a heading, never a chapter */
static const char *const end_kw[] = {"the end", "fin", "ende", "finis"};

static size_t match_kw(const char *t, size_t n, const char *const *kw, size_t nkw)
{
    for (size_t i = 0; i < nkw; i++) {
        size_t k = starts_with_word(t, n, kw[i]);
        if (k)
            return k;
    }
    return 0;
}

/* What may follow "CHAPTER XII": nothing, punctuation, a dash and a title,
 * an all-capitals title, or anything when the title sat on its own line. */
static int heading_rest_ok(const char *rest, int multi_line)
{
    if (!*rest)
        return 1;
    if (strchr(".:)", *rest) || (rest[0] == ' ' && (rest[1] == '-' || !strncmp(rest + 1, "\xE2\x80\x94", 3) ||
                                                    !strncmp(rest + 1, "\xE2\x80\x93", 3))))
        return 1;
    if (multi_line)
        return 1;
    /* "CHAPTER XII THE END": an all-capitals title on the same line. */
    for (const char *p = rest; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            return 0;
    return 1;
}

/* Length of the next word of t from a (up to a space . : or )). */
static size_t word_end(const char *t, size_t n, size_t a)
{
    size_t b = a;
    while (b < n && t[b] != ' ' && t[b] != '.' && t[b] != ':' && t[b] != ')' && t[b] != ',')
        b++;
    return b;
}

/* "KEYWORD [the] NUMBER rest" or "NUMBER KEYWORD rest" with keywords kw. */
static int keyword_number(const char *t, int multi_line, const char *const *kw, size_t nkw)
{
    size_t n = strlen(t);
    size_t k = match_kw(t, n, kw, nkw);
    if (k) {
        if (k >= n || t[k] != ' ')
            return 0;
        size_t a = k + 1;
        size_t the = starts_with_word(t + a, n - a, "the");
        if (the && a + the < n && t[a + the] == ' ')
            a += the + 1; /* "Chapter the First" */
        size_t b = word_end(t, n, a);
        if (!is_heading_number(t + a, b - a))
            return 0;
        return heading_rest_ok(t + b, multi_line);
    }
    /* "Erstes Capitel", "First Chapter", "Premier livre", "Zweiter Teil." */
    size_t b = word_end(t, n, 0);
    if (b == 0 || b >= n || t[b] != ' ')
        return 0;
    int digits = t[0] >= '0' && t[0] <= '9';
    if (!digits && !is_number_word(t, b))
        return 0;
    if (digits && (b > 4 || t[b - 1] != '.'))
        return 0; /* "1. Kapitel" */
    size_t k2 = match_kw(t + b + 1, n - b - 1, kw, nkw);
    if (!k2)
        return 0;
    return heading_rest_ok(t + b + 1 + k2, multi_line);
}

/* Whole text is one of kw, with at most a final period, capitalised (a
 * wrapped line "end." is the end of a sentence, not of the book). */
static int whole_kw(const char *t, const char *const *kw, size_t nkw)
{
    size_t n = strlen(t);
    int l;
    if (!n || ls_is_lower_cp(ls_cp_at(t, 0, n, &l)))
        return 0;
    while (n && (t[n - 1] == '.' || t[n - 1] == '!'))
        n--;
    for (size_t i = 0; i < nkw; i++) {
        size_t k = strlen(kw[i]);
        if (k == n && starts_with_word(t, n, kw[i]) == k)
            return 1;
    }
    return 0;
}

/* A paragraph that is only a number: "I.", "XIV", "12." (and, on a line of
 * its own above the title, "II.\nTHE RAFT"). Returns the value, -1 if none.
 * A lone "L", "C", "D" or "M" is an initial or an abbreviation ("M."), not
 * chapter 1000; with initial set it is returned all the same and *initial
 * says so, for the caller to take only where it continues a sequence
 * ("XLIX", "L", "LI"). */
static long bare_number_ex(const char *t, int multi_line, int *initial)
{
    size_t n = strlen(t);
    size_t b = word_end(t, n, 0);
    if (b == 0)
        return -1;
    const char *rest = t + b;
    if (*rest == '.')
        rest++;
    if (*rest && !(multi_line && *rest == ' '))
        return -1;
    int digits = 1;
    long v = 0;
    for (size_t j = 0; j < b && digits; j++) {
        digits = t[j] >= '0' && t[j] <= '9';
        v = v * 10 + (t[j] - '0');
    }
    if (digits)
        return b <= 3 ? v : -1;
    if (b == 1 && strchr("LCDMlcdm", t[0])) {
        if (!initial || !strchr("LCDM", t[0]))
            return -1; /* "M." alone is an initial or an abbreviation, not chapter 1000 */
        *initial = 1;
    }
    return roman_value(t, b);
}

/* The number after a keyword heading's first word ("CHAPTER XLIX": 49),
 * -1 if it is none a bare numeral could follow. */
static long keyword_value(const char *t)
{
    const char *sp = strchr(t, ' ');
    if (!sp)
        return -1;
    sp++;
    size_t b = word_end(sp, strlen(sp), 0);
    long v = 0;
    for (size_t j = 0; j < b; j++) {
        if (sp[j] < '0' || sp[j] > '9')
            return roman_value(sp, b);
        v = v * 10 + (sp[j] - '0');
    }
    return b && b <= 4 ? v : -1;
}

static long bare_number(const char *t, int multi_line) { return bare_number_ex(t, multi_line, NULL); }

/* "CHAPTER XXXV", "Chapter i.", "Chapter 3: Title", "CHAPTER II. THE BALLOON",
 * "Erstes Capitel", "CHAPITRE PREMIER.", "Chapter the First", "CONCLUSION"
 * (multi_line: the title was on its own line under the heading). */
int ls_is_chapter_heading(const char *t, int multi_line)
{
    return keyword_number(t, multi_line, chapter_kw, sizeof chapter_kw / sizeof chapter_kw[0]) ||
           whole_kw(t, matter_kw, sizeof matter_kw / sizeof matter_kw[0]);
}

int ls_is_book_heading(const char *t)
{
    return keyword_number(t, 0, book_kw, sizeof book_kw / sizeof book_kw[0]);
}

int ls_is_heading_line(const char *t)
{
    return ls_markdown_level(t) || ls_is_chapter_heading(t, 0) ||
           keyword_number(t, 0, book_kw, sizeof book_kw / sizeof book_kw[0]) ||
           whole_kw(t, end_kw, sizeof end_kw / sizeof end_kw[0]) || bare_number(t, 0) > 0;
}

/* "# Title" .. "###### Title": returns the level, 0 if none. */
int ls_markdown_level(const char *t)
{
    int lv = 0;
    while (t[lv] == '#' && lv < 7)
        lv++;
    if (lv == 0 || lv > 6 || t[lv] != ' ' || !t[lv + 1])
        return 0;
    return lv;
}

/* "19. Von dem Fischer un syner Fru": returns the number, -1 if none. */
long ls_numbered_title(const char *t)
{
    size_t i = 0;
    long num = 0;
    while (t[i] >= '0' && t[i] <= '9' && i < 5)
        num = num * 10 + (t[i++] - '0');
    if (i == 0) { /* "IV. The Raft": an upper-case Roman numeral */
        while (i < 12 && t[i] && strchr("IVXLCDM", t[i]))
            i++;
        num = roman_value(t, i);
        if (num < 0 || (i == 1 && strchr("LCDM", t[0])))
            return -1; /* "M. Homais", "L. Dupont": an initial, not chapter 1000 */
    }
    if (i == 0 || i > 11 || t[i] != '.' || t[i + 1] != ' ')
        return -1;
    const char *title = t + i + 2;
    int l;
    size_t tl = strlen(title);
    if (!tl)
        return -1;
    uint32_t c = ls_cp_at(title, 0, tl, &l);
    if (!ls_is_wordish(c) || ls_is_lower_cp(c) || (c >= '0' && c <= '9'))
        return -1;
    char last = title[tl - 1];
    if (last == ',' || last == ';')
        return -1;
    size_t words = 1;
    for (const char *p = title; *p; p++)
        words += *p == ' ';
    return words <= 12 ? num : -1;
}

/* ---- chapters */

longsd_status ls_para_clean(const longsd_story *s, size_t i, char **out, lserr *err)
{
    *out = ls_story_text(s, s->paras[i].start, s->paras[i].end);
    if (!*out)
        return lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory", s->name);
    return LONGSD_OK;
}

static int para_multi_line(const longsd_story *s, size_t i)
{
    const char *d = s->data;
    for (size_t k = s->paras[i].start; k < s->paras[i].end; k++)
        if (d[k] == '\n' || d[k] == '\r')
            return 1;
    return 0;
}

#define PROSE_PARA_WORDS 12 /* a contents line ("II  Le pour et le contre") is shorter */

/* Is heading t only its number ("I.", "CHAPTER XLIX", "Chapter 3")? */
static int number_only(const char *t)
{
    if (bare_number(t, 0) >= 0)
        return 1;
    const char *sp = strchr(t, ' ');
    return sp && !strchr(sp + 1, ' ') && keyword_value(t) >= 0;
}

/* Is paragraph i a chapter's own title under its number: short, in
 * capitals, no heading itself, with prose right under it? */
static int caps_title(const longsd_story *s, const unsigned char *kind, size_t i)
{
    if (i + 1 >= s->n_paras || kind[i] || kind[i + 1] || s->paras[i].end - s->paras[i].start > 240 ||
        s->paras[i + 1].n_words < PROSE_PARA_WORDS)
        return 0;
    size_t letters = 0;
    for (size_t k = s->paras[i].start; k < s->paras[i].end; k++) {
        unsigned char ch = (unsigned char)s->data[k];
        if (ch >= 'a' && ch <= 'z')
            return 0;
        letters += ch >= 'A' && ch <= 'Z';
    }
    if (letters < 3)
        return 0;
    /* "MERCURY, SOSIE", "AMPHITRYON": a play's list of who is on stage,
     * names the cast finder reads, not a title */
    size_t words = 0, most = 0, items = 1;
    int in_word = 0;
    for (size_t k = s->paras[i].start; k < s->paras[i].end; k++) {
        char ch = s->data[k];
        if (ch == ',') {
            items++;
            words = 0;
            in_word = 0;
        } else if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            if (++words > most)
                most = words;
        }
    }
    return items == 1 ? most >= 2 : most >= 3;
}

static longsd_status add_chapter(ls_builder *bd, size_t *alloc, size_t para, char *title)
{
    longsd_story *s = bd->s;
    if (s->n_chapters == *alloc) {
        size_t na = *alloc ? *alloc * 2 : 16;
        ls_chapter *nc = longsd__realloc(s->chapters, na * sizeof *nc);
        if (!nc) {
            longsd__free(title);
            return lserr_set(bd->err, LONGSD_ERR_NOMEM, "%s: out of memory", s->name);
        }
        s->chapters = nc;
        *alloc = na;
    }
    ls_chapter *c = &s->chapters[s->n_chapters++];
    c->title = title;
    c->heading_para = para;
    c->first_para = para + 1;
    c->n_paras = 0;
    return LONGSD_OK;
}

/* Does the section under heading h (up to the next heading) hold prose,
 * not only the short lines of a table of contents or a title page? */
static int section_has_prose(const longsd_story *s, const unsigned char *kind, size_t h)
{
    size_t long_paras = 0;
    for (size_t j = h + 1; j < s->n_paras && !kind[j] && long_paras < 2; j++)
        long_paras += s->paras[j].n_words >= PROSE_PARA_WORDS;
    return long_paras >= 2;
}

/* ---- headings named by the table of contents
 *
 * Essays and collections head their sections with bare titles ("LUCA DELLA
 * ROBBIA") that no keyword or number marks. Their contents list names them:
 * a later short paragraph that repeats an entry, with prose under it, is a
 * section heading. */

#define CONTENTS_ENTRIES_MAX 200
#define CONTENTS_ENTRY_BYTES 120
#define CONTENTS_PROSE_WORDS 20 /* a paragraph of prose ends the contents */

/* Entry or heading text s[0..n) reduced for comparing: lower-cased, page
 * references ("Preface: vii-xv", "The Raft .... 12") and trailing dots and
 * asterisks dropped, runs of spaces made one. Returns its length. */
static size_t contents_key(const char *s, size_t n, char *out, size_t cap)
{
    char low[CONTENTS_ENTRY_BYTES * 2];
    if (n >= CONTENTS_ENTRY_BYTES)
        return 0;
    size_t ln = lslex_lower(s, n, low, sizeof low, 0);
    /* strip a trailing page reference: digits, Roman letters, "-", "end" */
    size_t e = ln;
    for (;;) {
        while (e && (low[e - 1] == ' ' || low[e - 1] == '\t' || low[e - 1] == '.' || low[e - 1] == '*' ||
                     low[e - 1] == '-' || low[e - 1] == ',' || (low[e - 1] >= '0' && low[e - 1] <= '9')))
            e--;
        if (e >= 3 && memcmp(low + e - 3, "end", 3) == 0 && (e == 3 || !ls_is_wordish((unsigned char)low[e - 4])))
            e -= 3; /* "233-end" */
        else
            break;
    }
    size_t colon = e;
    while (colon && low[colon - 1] != ':')
        colon--;
    if (colon) {
        size_t k = colon;
        while (k < ln && (low[k] == ' ' || strchr("ivxlcdm0123456789-.,", low[k])))
            k++;
        if (k >= ln || memcmp(low + k, "end", 3) == 0)
            e = colon - 1; /* "Preface: vii-xv" */
    }
    size_t o = 0;
    for (size_t k = 0; k < e && o + 1 < cap; k++) {
        char c = low[k] == '\t' || low[k] == '\r' || low[k] == '\n' ? ' ' : low[k];
        if (c == ' ' && (o == 0 || out[o - 1] == ' '))
            continue;
        out[o++] = c;
    }
    while (o && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    return o;
}

static int is_contents_word(const char *key)
{
    static const char *const words[] = {"contents", "table of contents", "inhalt", "inhaltsverzeichnis",
                                        "table des matières", "table des matieres", "sommaire"};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (strcmp(key, words[k]) == 0)
            return 1;
    return 0;
}

/* Does paragraph i repeat one of the n entries? */
static int is_entry(const longsd_story *s, size_t i, char (*entry)[CONTENTS_ENTRY_BYTES], size_t n)
{
    char key[CONTENTS_ENTRY_BYTES];
    if (s->paras[i].end - s->paras[i].start >= CONTENTS_ENTRY_BYTES)
        return 0;
    char *t = ls_story_text(s, s->paras[i].start, s->paras[i].end);
    if (!t)
        return 0; /* out of memory: no heading */
    size_t kl = contents_key(t, strlen(t), key, sizeof key);
    longsd__free(t);
    for (size_t k = 0; k < n && kl; k++)
        if (strcmp(key, entry[k]) == 0)
            return 1;
    return 0;
}

/* Marks as chapters the paragraphs after the contents that repeat one of
 * its entries and have prose within two paragraphs below. Returns how many
 * it marked; marks none unless at least three match. */
static size_t contents_headings(const longsd_story *s, unsigned char *kind)
{
    char (*entry)[CONTENTS_ENTRY_BYTES] = NULL;
    size_t n_entry = 0, marked = 0, np = s->n_paras, c = 0;
    size_t *hit = NULL;
    char key[CONTENTS_ENTRY_BYTES];
    const char *d = s->data;
    for (c = 0; c < np; c++) {
        size_t a = s->paras[c].start, b = a;
        while (b < s->paras[c].end && d[b] != '\n' && d[b] != '\r')
            b++;
        if (b - a < 40 && contents_key(d + a, b - a, key, sizeof key) && is_contents_word(key))
            break;
    }
    if (c >= np)
        return 0;
    entry = longsd__calloc(CONTENTS_ENTRIES_MAX, sizeof *entry);
    hit = longsd__calloc(np, sizeof *hit);
    if (!entry || !hit)
        goto out; /* no memory: the book simply keeps no such chapters */
    /* the entries: every line of the short paragraphs under the heading */
    for (size_t i = c; i < np && n_entry < CONTENTS_ENTRIES_MAX; i++) {
        if (i > c && s->paras[i].n_words >= CONTENTS_PROSE_WORDS)
            break;
        size_t a = s->paras[i].start;
        while (a < s->paras[i].end && n_entry < CONTENTS_ENTRIES_MAX) {
            size_t b = a;
            while (b < s->paras[i].end && d[b] != '\n' && d[b] != '\r')
                b++;
            size_t kl = contents_key(d + a, b - a, entry[n_entry], sizeof entry[0]);
            if (kl >= 3 && !is_contents_word(entry[n_entry]))
                n_entry++;
            a = b + 1;
        }
        if (i > c + CONTENTS_ENTRIES_MAX)
            break;
    }
    /* a heading has prose right under it, or under one short line (a motto)
     * that is no entry itself: an entry of the contents has the next entry */
    size_t n_hit = 0;
    for (size_t i = c + 1; i + 1 < np; i++) {
        if (kind[i] || !is_entry(s, i, entry, n_entry))
            continue;
        size_t j = i + 1;
        if (s->paras[j].n_words < CONTENTS_PROSE_WORDS && j + 1 < np && !is_entry(s, j, entry, n_entry))
            j++;
        if (s->paras[j].n_words >= CONTENTS_PROSE_WORDS)
            hit[n_hit++] = i;
    }
    if (n_hit >= 3)
        for (size_t k = 0; k < n_hit; k++)
            kind[hit[k]] = HEAD_CHAPTER, marked++;
out:
    longsd__free(entry);
    longsd__free(hit);
    return marked;
}

/* Is the book or part heading h over chapters: the next heading is a
 * chapter, with at most the book's title and an epigraph between ("BOOK
 * TWO", "THE HOLY WAR", a verse and its source, then "XLV")? */
#define BOOK_PREFACE_WORDS 150
static int book_over_chapters(const longsd_story *s, const unsigned char *kind, size_t h)
{
    size_t words = 0;
    for (size_t j = h + 1; j < s->n_paras; j++) {
        if (kind[j])
            return kind[j] == HEAD_CHAPTER || kind[j] == HEAD_NUMBERED || kind[j] == HEAD_MARKDOWN;
        words += s->paras[j].n_words;
        if (words > BOOK_PREFACE_WORDS)
            return 0;
    }
    return 0;
}

longsd_status ls_find_chapters(ls_builder *bd)
{
    longsd_story *s = bd->s;
    size_t np = s->n_paras, ch_alloc = 0;
    unsigned char *kind = NULL, *initial = NULL; /* initial: a one-letter L, C, D, M (bare_number_ex) */
    long *num = NULL;
    char *t = NULL;
    longsd_status rc = LONGSD_OK;
    int md_min = 7, md_count_min = 0, md_total = 0, n_chapter = 0, n_numbered = 0;

    kind = longsd__calloc(np, 1);
    num = longsd__calloc(np, sizeof *num);
    initial = longsd__calloc(np, 1);
    if (!kind || !num || !initial) {
        rc = lserr_set(bd->err, LONGSD_ERR_NOMEM, "%s: out of memory", s->name);
        goto out;
    }
    for (size_t i = 0; i < np; i++) {
        if (s->paras[i].end - s->paras[i].start > LS_HEADING_MAX_BYTES)
            continue;
        if ((rc = ls_para_clean(s, i, &t, bd->err)))
            goto out;
        size_t ncp = ls_utf8_count(t);
        int multi = para_multi_line(s, i), init = 0;
        int lv = multi ? 0 : ls_markdown_level(t);
        if (lv && ncp < 120) {
            kind[i] = HEAD_MARKDOWN;
            num[i] = lv;
            md_total++;
            if (lv < md_min) {
                md_min = lv;
                md_count_min = 0;
            }
            md_count_min += lv == md_min;
        } else if (ncp < 100 && ls_is_chapter_heading(t, multi)) {
            kind[i] = HEAD_CHAPTER;
            num[i] = keyword_value(t);
            /* "CONCLUSION" alone does not say the chapters are keyword
             * headings: bare numerals ("I", "II") may still be them */
            n_chapter += keyword_number(t, multi, chapter_kw, sizeof chapter_kw / sizeof chapter_kw[0]);
        } else if (ncp < 100 && keyword_number(t, multi, book_kw, sizeof book_kw / sizeof book_kw[0])) {
            kind[i] = HEAD_BOOK;
        } else if (!multi && whole_kw(t, end_kw, sizeof end_kw / sizeof end_kw[0])) {
            kind[i] = HEAD_END;
        } else if (ncp < 80 && ((!multi && (num[i] = ls_numbered_title(t)) >= 0) ||
                                (num[i] = bare_number_ex(t, multi, &init)) >= 0)) {
            initial[i] = (unsigned char)init;
            kind[i] = HEAD_NUMBERED;
            n_numbered++;
        }
        longsd__free(t);
        t = NULL;
    }
    /* Three keyword headings in a row with no text between them are the
     * lines of a table of contents ("CHAPTER I.", "CHAPTER II.", ...):
     * headings, never chapters of their own. */
    for (size_t i = 0; i < np; i++) {
        size_t j = i;
        while (j < np && kind[j] == HEAD_CHAPTER)
            j++;
        if (j - i >= 3)
            for (size_t k = i; k < j; k++)
                kind[k] = HEAD_END;
        i = j;
    }
    /* A lone top-level "# Title" above deeper headings is the document title. */
    size_t md_title = (size_t)-1;
    if (md_total > 1 && md_count_min == 1) {
        for (size_t i = 0; i < np; i++)
            if (kind[i] == HEAD_MARKDOWN) {
                if (num[i] == md_min)
                    md_title = i;
                break;
            }
    }
    /* Keyword headings say the bare numbers are not chapters, unless the
     * numbers far outnumber them: one "CHAPTER XLIX" among fifty "XLVIII.",
     * "L." lines is the printer's slip, not the book's style. */
    if (md_total || (n_chapter && n_numbered < 4 * n_chapter)) {
        for (size_t i = 0; i < np; i++)
            if (kind[i] == HEAD_NUMBERED)
                kind[i] = HEAD_NONE;
    } else if (n_numbered) {
        /* Numbered titles: not a list (two in a row), increasing, >= 2. */
        for (size_t i = 0; i < np; i++)
            if (kind[i] == HEAD_NUMBERED && i + 1 < np && kind[i + 1] == HEAD_NUMBERED) {
                size_t j = i;
                while (j < np && kind[j] == HEAD_NUMBERED)
                    kind[j++] = HEAD_NONE;
                i = j;
            }
        /* Increasing, restarting under each book; a "1" / "I" after higher
         * numbers starts the chapters again, and a run of one before it (a
         * lone "XIX" on a title page: a volume of the collected works) was
         * no chapter. */
        long last = -1;
        int kept = 0, run = 0, restarted = 0;
        size_t run_first = 0;
        for (size_t i = 0; i < np; i++)
            if (kind[i] == HEAD_BOOK) {
                last = -1; /* "BOOK II" starts again at "I." */
                run = 0;
                restarted = 0;
            } else if (kind[i] == HEAD_CHAPTER && num[i] > last) {
                last = num[i]; /* the stray "CHAPTER XLIX" holds its place */
            } else if (kind[i] == HEAD_NUMBERED) {
                if (num[i] == 1 && last >= 1) {
                    if (run == 1) {
                        kind[run_first] = HEAD_NONE;
                        kept--;
                    }
                    last = -1;
                    run = 0;
                    restarted = 1;
                }
                if (initial[i] && num[i] != last + 1) {
                    kind[i] = HEAD_NONE; /* a lone "M." is chapter M only right after CMXCIX */
                    continue;
                }
                if (num[i] > last) {
                    if (!run++)
                        run_first = i;
                    last = num[i];
                    kept++;
                } else {
                    kind[i] = HEAD_NONE;
                }
            }
        /* a last "I" after the numbers went higher, with no "II" after it,
         * is a line of text (the pronoun, a signature), not a new count */
        if (run == 1 && restarted) {
            kind[run_first] = HEAD_NONE;
            kept--;
        }
        if (kept < 2)
            for (size_t i = 0; i < np; i++)
                if (kind[i] == HEAD_NUMBERED)
                    kind[i] = HEAD_NONE;
    }
    /* No keyword, number or markdown heading: the contents may name them. */
    int any = md_total > 0;
    for (size_t i = 0; i < np && !any; i++)
        any = kind[i] == HEAD_NUMBERED || kind[i] == HEAD_BOOK || (kind[i] == HEAD_CHAPTER && num[i] >= 0);
    if (!any)
        contents_headings(s, kind);
    /* Where some part holds chapters, a part with none is a line of the
     * contents or of the title page, not a chapter. */
    int books_over = 0;
    for (size_t i = 0; i < np && !books_over; i++)
        if (kind[i] == HEAD_BOOK)
            books_over = book_over_chapters(s, kind, i);
    for (size_t i = 0; i < np; i++) {
        if (!kind[i])
            continue;
        s->paras[i].is_heading = 1;
        if (i == md_title || kind[i] == HEAD_END)
            continue;
        if (kind[i] == HEAD_BOOK) {
            /* "BOOK I" over "CHAPTER I" (perhaps with the book's title
             * between) is a level above the chapters; a book or part with
             * no chapters of its own is the chapter. */
            int over = book_over_chapters(s, kind, i);
            if (!over && (books_over || !section_has_prose(s, kind, i)))
                continue; /* a part's line in a table of contents, a title page */
            if (over) {
                if (i + 2 < np && kind[i + 2] && !kind[i + 1] &&
                    s->paras[i + 1].end - s->paras[i + 1].start <= 120)
                    s->paras[i + 1].is_heading = 1; /* the book's own title */
                continue;
            }
        }
        if ((rc = ls_para_clean(s, i, &t, bd->err)))
            goto out;
        if (kind[i] == HEAD_MARKDOWN) {
            size_t k = 0;
            while (t[k] == '#')
                k++;
            while (t[k] == ' ')
                k++;
            memmove(t, t + k, strlen(t + k) + 1);
        }
        if ((kind[i] == HEAD_NUMBERED || kind[i] == HEAD_CHAPTER) && number_only(t) && caps_title(s, kind, i + 1)) {
            /* "I." over "OFF--A PULLMAN CAR--THE CAPTAIN.": the title is the
             * chapter's, not a line of its text */
            char *sub = NULL, *both = NULL;
            if ((rc = ls_para_clean(s, i + 1, &sub, bd->err)))
                goto out;
            both = longsd__asprintf("%s %s", t, sub);
            longsd__free(sub);
            if (!both) {
                rc = lserr_set(bd->err, LONGSD_ERR_NOMEM, "%s: out of memory", s->name);
                goto out;
            }
            longsd__free(t);
            t = both;
            s->paras[i + 1].is_heading = 1;
        }
        if (kind[i] == HEAD_CHAPTER)
            roman_upper(t, num[i]);
        rc = add_chapter(bd, &ch_alloc, i, t);
        t = NULL;
        if (rc)
            goto out;
    }
    for (size_t c = 0; c < s->n_chapters; c++) {
        size_t endp = c + 1 < s->n_chapters ? s->chapters[c + 1].heading_para : np;
        ls_chapter *ch = &s->chapters[c];
        ch->n_paras = endp - ch->first_para;
        for (size_t i = ch->heading_para; i < endp; i++)
            s->paras[i].chapter = (int)c;
    }
out:
    longsd__free(t);
    longsd__free(kind);
    longsd__free(initial);
    longsd__free(num);
    return rc;
}

/* A heading is one sentence ("CHAPTER II. THE BALLOON ASCENSION"), however
 * it is punctuated. Compacts the sentence array in place. */
void ls_merge_heading_sentences(longsd_story *s)
{
    size_t w = 0;
    for (size_t i = 0; i < s->n_paras; i++) {
        ls_para *p = &s->paras[i];
        size_t r = p->first_sentence, n = p->n_sentences;
        p->first_sentence = w;
        if (p->is_heading && n > 1) {
            ls_sentence m = s->sentences[r];
            m.end = s->sentences[r + n - 1].end;
            m.n_words = p->n_words;
            m.in_quotes = 0;
            s->sentences[w++] = m;
            p->n_sentences = 1;
        } else {
            if (w != r)
                memmove(&s->sentences[w], &s->sentences[r], n * sizeof *s->sentences);
            w += n;
        }
    }
    s->n_sentences = w;
}

