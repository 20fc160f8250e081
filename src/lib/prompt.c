/* prompt.c - prompt-English: sanitizing scene text, counting CLIP tokens,
 * assembling scene + cast + style within the 77-token budget, and
 * per-idea seeds. Style presets live in styles.c. */
#include "prompt.h"

#include <stdlib.h>
#include <string.h>

#include "lexica.h"
#include "tokenizer.h"
#include "util.h"

/* ------------------------------------------------------------------------
 * Token counts: the real CLIP tokenizer (src/engine/tokenizer.c) with the
 * vocabulary built into the library, so every budget decision is the one
 * the text encoder will see. */

static int is_space_cp(uint32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

#define COUNT_CAP 2048 /* ids counted at most: anything near it is far over any budget */

int ls_prompt_count_tokens(const char *str)
{
    if (!str || !*str)
        return 0;
    lserr err = {0};
    const sdtok *tok = sdtok_builtin(&err);
    if (!tok)
        return -1; /* out of memory loading the vocabulary */
    int32_t ids[COUNT_CAP];
    int used = 0;
    longsd_status rc = sdtok_encode(tok, str, ids, COUNT_CAP, &used, &err);
    if (rc == LONGSD_ERR_NOMEM)
        return -1;
    if (rc != LONGSD_OK) {
        /* invalid UTF-8 (sanitized text never has it): one token per byte,
         * an upper bound, so a budget is never overrun */
        size_t n = strlen(str);
        return n > COUNT_CAP ? COUNT_CAP : (int)n;
    }
    return used > 2 ? used - 2 : 0;
}

/* ------------------------------------------------------------------------
 * Sanitizing. Three passes, repeated until nothing changes (so the result
 * is a fixed point: sanitizing it again gives the same string):
 *   1. characters: control characters and invalid UTF-8 dropped, whitespace
 *      and the syntax characters ( ) [ ] { } < > | \ and "__" become spaces,
 *      ":<number>" weights go (not after a digit: "10:30" stays);
 *   2. fragments, at word starts: "lora:x", "lyco:x", "hypernet:x",
 *      "embedding:x", the words BREAK and "negative prompt" become spaces,
 *      the A1111 keyword AND becomes "and";
 *   3. layout: one space between words, none before , ; : . ! ?, runs of
 *      marks merged into the first ("a, ; b" -> "a, b"), none at the start
 *      or the end (except . ! ?), no space at the ends. */

#define SANITIZE_CAP 0 /* lsbuf default (1 GiB): the output is never much longer than the input */

static int is_syntax_char(uint32_t cp)
{
    return cp == '(' || cp == ')' || cp == '[' || cp == ']' || cp == '{' || cp == '}' || cp == '<' || cp == '>' ||
           cp == '|' || cp == '\\';
}

static int is_ctrl_cp(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xFEFF || cp == 0x200B ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFFFE || cp == 0xFFFF;
}

static int is_alnum_ascii(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* Length of a weight number at s ("1.5", "-0.3", ".8"), 0 if none or if a
 * letter or digit follows it (then it is text, not a weight). */
static size_t weight_len(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (s[i] == '.') {
        i++;
        while (s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (!digits || is_alnum_ascii((unsigned char)s[i]))
        return 0;
    return i;
}

static char *pass_chars(const char *s)
{
    lsbuf b;
    lsbuf_init(&b, SANITIZE_CAP);
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        int l = lsutf8_seqlen(p + i, n - i);
        if (!l) {
            i++;
            continue;
        }
        uint32_t cp = lsutf8_decode(p + i, l);
        longsd_status rc = LONGSD_OK;
        size_t w;
        if (is_space_cp(cp) || is_syntax_char(cp)) {
            rc = lsbuf_addc(&b, ' ');
        } else if (cp == '_' && p[i + 1] == '_') {
            while (p[i + 1] == '_')
                i++;
            rc = lsbuf_addc(&b, ' ');
        } else if (cp == ':' && !(b.len && b.data[b.len - 1] >= '0' && b.data[b.len - 1] <= '9') &&
                   (w = weight_len(s + i + 1)) > 0) {
            i += w;
            rc = lsbuf_addc(&b, ' ');
        } else if (!is_ctrl_cp(cp)) {
            rc = lsbuf_add(&b, p + i, (size_t)l);
        }
        if (rc) {
            lsbuf_free(&b);
            return NULL;
        }
        i += (size_t)l;
    }
    return lsbuf_steal(&b);
}

static int starts_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (!*s || ((unsigned char)*s | 32) != (unsigned char)*prefix)
            return 0;
    return 1;
}

static char *pass_fragments(const char *s)
{
    static const char *const loaders[] = {"lora:", "lyco:", "hypernet:", "embedding:"};
    lsbuf b;
    lsbuf_init(&b, SANITIZE_CAP);
    size_t i = 0;
    longsd_status rc = LONGSD_OK;
    while (s[i] && !rc) {
        int word_start = i == 0 || !is_alnum_ascii((unsigned char)s[i - 1]);
        size_t skip = 0;
        if (word_start) {
            if (strncmp(s + i, "BREAK", 5) == 0 && !is_alnum_ascii((unsigned char)s[i + 5]))
                skip = 5;
            else if (starts_ci(s + i, "negative prompt")) {
                skip = 15; /* and the colon of "Negative prompt:" */
                while (s[i + skip] == ' ')
                    skip++;
                if (s[i + skip] == ':')
                    skip++;
            }
            else if (strncmp(s + i, "AND", 3) == 0 && !is_alnum_ascii((unsigned char)s[i + 3])) {
                rc = lsbuf_adds(&b, "and");
                i += 3;
                continue;
            }
            for (size_t k = 0; !skip && k < sizeof loaders / sizeof loaders[0]; k++) {
                if (starts_ci(s + i, loaders[k])) {
                    skip = strlen(loaders[k]);
                    while (s[i + skip] && s[i + skip] != ' ' && s[i + skip] != ',')
                        skip++;
                }
            }
        }
        if (skip) {
            rc = lsbuf_addc(&b, ' ');
            i += skip;
        } else {
            rc = lsbuf_addc(&b, s[i]);
            i++;
        }
    }
    if (rc) {
        lsbuf_free(&b);
        return NULL;
    }
    return lsbuf_steal(&b);
}

static char *pass_layout(const char *s)
{
    lsbuf b;
    lsbuf_init(&b, SANITIZE_CAP);
    int pend_space = 0;
    char pend_sep = 0;
    longsd_status rc = LONGSD_OK;
    for (size_t i = 0; s[i] && !rc; i++) {
        char c = s[i];
        if (c == ' ') {
            pend_space = 1;
        } else if (c == ',' || c == ';' || c == ':') {
            /* none at the start, none after another mark: "a, , b" and what
             * removed fragments leave ("x. : y") read as one separator */
            if (b.len && !pend_sep && !strchr(".!?,;:", b.data[b.len - 1]))
                pend_sep = c;
        } else {
            if (pend_sep) {
                rc = lsbuf_addc(&b, pend_sep);
                if (!rc && pend_space)
                    rc = lsbuf_addc(&b, ' ');
            } else if (pend_space && b.len && c != '.' && c != '!' && c != '?') {
                rc = lsbuf_addc(&b, ' ');
            }
            if (!rc)
                rc = lsbuf_addc(&b, c);
            pend_space = 0;
            pend_sep = 0;
        }
    }
    if (rc) {
        lsbuf_free(&b);
        return NULL;
    }
    return lsbuf_steal(&b);
}

char *ls_prompt_sanitize(const char *s)
{
    char *cur = longsd__strdup(s ? s : "");
    /* Each pass that changes something either shortens the text or only
     * moves spaces, so a handful of rounds reaches the fixed point. */
    for (int round = 0; cur && round < 16; round++) {
        char *a = pass_chars(cur);
        char *f = a ? pass_fragments(a) : NULL;
        char *l = f ? pass_layout(f) : NULL;
        longsd__free(a);
        longsd__free(f);
        int same = l && strcmp(l, cur) == 0;
        longsd__free(cur);
        cur = l;
        if (same)
            break;
    }
    return cur;
}

/* ------------------------------------------------------------------------
 * Building. The positive prompt reads
 *
 *     <scene>; <description>; <description>, <suffix>, <quality>
 *
 * The scene comes first because SD 1.x attends most to the first tokens;
 * each character present in the idea with a description the scene does
 * not already draw them by follows once after a semicolon, without the
 * name (CLIP cannot draw a name, and a name invites lettering; no
 * parentheses: they are A1111 emphasis syntax); then the style suffix and
 * the quality tags, comma
 * separated. Over budget (75 tokens between CLIP's start and end tokens),
 * we give up, in order: quality tags (last first); scene words down to
 * MIN_SCENE_WORDS (cut after a whole word, at a clause boundary when that
 * keeps most of the words); descriptions (last first); style suffix items
 * (last first, then words) only as far as the scene needs to keep
 * MIN_SCENE_WORDS; and finally scene words down to one. Every cut piece
 * loses trailing punctuation and dangling words ("and", "the", "of"...). */

#define BUDGET (LS_CLIP_MAX_TOKENS - 2)
#define MIN_SCENE_WORDS 8
#define SCENE_MAX_WORDS 80 /* every word costs at least a token: 80 > BUDGET */
#define WORD_MAX_BYTES 48  /* longer "words" (URLs, symbol runs) are no use to a painter */

/* A text split into words: text holds them joined by single spaces and
 * end[k] is the byte length of the first k+1 words. */
typedef struct {
    char *text;
    size_t *end;
    size_t n;
} wordseq;

static void wordseq_free(wordseq *w)
{
    longsd__free(w->text);
    longsd__free(w->end);
    w->text = NULL;
    w->end = NULL;
    w->n = 0;
}

/* Split clean (single-spaced) text; drop words over max_bytes, keep at most max_words. */
static longsd_status wordseq_make(wordseq *w, const char *clean, size_t max_words, size_t max_bytes)
{
    size_t len = strlen(clean), cnt = 1;
    for (size_t i = 0; i < len; i++)
        cnt += clean[i] == ' ';
    w->n = 0;
    w->text = longsd__malloc(len + 1);
    w->end = longsd__calloc(cnt, sizeof *w->end);
    if (!w->text || !w->end) {
        wordseq_free(w);
        return LONGSD_ERR_NOMEM;
    }
    size_t o = 0;
    for (size_t i = 0; i < len && w->n < max_words;) {
        size_t j = i;
        while (j < len && clean[j] != ' ')
            j++;
        if (j > i && j - i <= max_bytes) {
            if (o)
                w->text[o++] = ' ';
            memcpy(w->text + o, clean + i, j - i);
            o += j - i;
            w->end[w->n++] = o;
        }
        i = j + 1;
    }
    w->text[o] = '\0';
    return LONGSD_OK;
}

static int is_dangling(const char *w, size_t n)
{
    static const char *const words[] = {
        "a",     "about", "after", "against", "an",    "and",   "are",   "as",    "at",    "be",    "been",
        "before", "but",  "by",    "for",     "from",  "had",   "has",   "have",  "her",   "his",   "if",
        "in",    "into",  "is",    "its",     "my",    "nor",   "of",    "on",    "onto",  "or",    "our",
        "than",  "that",  "the",   "their",   "then",  "these", "this",  "those", "through", "to", "under",
        "upon",  "was",   "were",  "when",    "where", "which", "while", "who",   "whom",  "whose", "with",
        "without", "your"};
    while (n && !is_alnum_ascii((unsigned char)*w) && (unsigned char)*w < 0x80)
        w++, n--; /* an opening quote does not make a word */
    if (n == 0 || n > 8)
        return n == 0;
    char low[9];
    for (size_t i = 0; i < n; i++) {
        if (!((w[i] | 32) >= 'a' && (w[i] | 32) <= 'z'))
            return 0;
        low[i] = (char)(w[i] | 32);
    }
    low[n] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(low, words[i]) == 0)
            return 1;
    return 0;
}

static int is_tail_punct(const char *s, size_t n, size_t *len)
{
    unsigned char c = (unsigned char)s[n - 1];
    if (c == ',' || c == ';' || c == ':' || c == '-' || c == '.' || c == '!' || c == '?' || c == ' ') {
        *len = 1;
        return 1;
    }
    /* – — … */
    if (n >= 3 && (unsigned char)s[n - 3] == 0xE2 && (unsigned char)s[n - 2] == 0x80 &&
        (c == 0x93 || c == 0x94 || c == 0xA6)) {
        *len = 3;
        return 1;
    }
    return 0;
}

/* Length of s[0..n) without trailing punctuation and dangling words; 0 if
 * nothing is left. */
static size_t clean_tail(const char *s, size_t n)
{
    for (;;) {
        size_t l;
        while (n && is_tail_punct(s, n, &l))
            n -= l;
        size_t b = n;
        while (b && s[b - 1] != ' ')
            b--;
        if (!n || !is_dangling(s + b, n - b))
            return n;
        n = b;
    }
}

/* Same, but only punctuation: for a scene made of nothing but small words. */
static size_t strip_punct(const char *s, size_t n)
{
    size_t l;
    while (n && is_tail_punct(s, n, &l))
        n -= l;
    return n;
}

typedef struct {
    wordseq scene;
    char **desc;     /* descriptions, cleaned (never a name) */
    size_t n_desc;
    wordseq suffix;
    char **quality;  /* lexica modifiers, then the preset's quality tags */
    size_t n_quality;
    size_t n_lexica; /* the first n_lexica of quality[] */
    int budget;      /* tokens between start and end: 75, or chunks x 75 less what packing loses */
    lsbuf buf;       /* the prompt being tried */
} builder;

/* Compose into bd->buf: the first scene_len bytes of the scene, n_desc
 * descriptions, suffix_len bytes of the suffix, n_q quality tags. Returns
 * the estimated token count, or -1 if out of memory. */
static int compose(builder *bd, size_t scene_len, size_t n_desc, size_t suffix_len, size_t n_q)
{
    lsbuf *b = &bd->buf;
    lsbuf_reset(b);
    longsd_status rc = lsbuf_add(b, bd->scene.text, scene_len);
    for (size_t i = 0; !rc && i < n_desc; i++) {
        rc = lsbuf_adds(b, "; ");
        if (!rc)
            rc = lsbuf_adds(b, bd->desc[i]);
    }
    if (!rc && suffix_len) {
        rc = lsbuf_adds(b, ", ");
        if (!rc)
            rc = lsbuf_add(b, bd->suffix.text, suffix_len);
    }
    for (size_t i = 0; !rc && i < n_q; i++) {
        rc = lsbuf_adds(b, ", ");
        if (!rc)
            rc = lsbuf_adds(b, bd->quality[i]);
    }
    if (rc)
        return -1;
    return ls_prompt_count_tokens(b->len ? b->data : "");
}

static int is_clause_end(const char *s, size_t n)
{
    char c = s[n - 1];
    return c == ',' || c == ';' || c == '.' || c == '!' || c == '?' || c == ':';
}

/* Longest scene cut (whole words, at least kmin of them) that fits with
 * the other pieces. Sets *len (0: none fits). -1 on out of memory. */
static int best_scene(builder *bd, size_t kmin, size_t n_desc, size_t suffix_len, size_t *len)
{
    const wordseq *sc = &bd->scene;
    *len = 0;
    if (kmin < 1)
        kmin = 1;
    /* A written scene is a list of elements, most important first: drop
     * whole elements from the end before ever cutting inside one. */
    for (size_t k = sc->n - 1; k >= 1; k--) {
        if (sc->text[sc->end[k - 1] - 1] != ',')
            continue;
        size_t l = clean_tail(sc->text, sc->end[k - 1]);
        if (!l)
            continue;
        int t = compose(bd, l, n_desc, suffix_len, 0);
        if (t < 0)
            return -1;
        if (t <= bd->budget) {
            *len = l;
            return 0;
        }
    }
    size_t best_k = 0, last = (size_t)-1;
    for (size_t k = sc->n; k >= kmin && k > 0; k--) {
        size_t l = clean_tail(sc->text, sc->end[k - 1]);
        if (!l)
            l = strip_punct(sc->text, sc->end[k - 1]); /* only small words: keep them */
        if (!l || l == last)
            continue;
        last = l;
        int t = compose(bd, l, n_desc, suffix_len, 0);
        if (t < 0)
            return -1;
        if (t <= bd->budget) {
            best_k = k;
            *len = l;
            break;
        }
    }
    if (!best_k || best_k == sc->n || is_clause_end(sc->text, sc->end[best_k - 1]))
        return 0;
    /* Prefer ending on a clause if that keeps at least 60% of the words. */
    size_t floor_k = (best_k * 6 + 9) / 10;
    if (floor_k < kmin)
        floor_k = kmin;
    for (size_t k = best_k - 1; k >= floor_k && k > 0; k--) {
        if (!is_clause_end(sc->text, sc->end[k - 1]))
            continue;
        size_t l = clean_tail(sc->text, sc->end[k - 1]);
        if (!l)
            break;
        int t = compose(bd, l, n_desc, suffix_len, 0);
        if (t < 0)
            return -1;
        if (t <= bd->budget) {
            *len = l;
            break;
        }
    }
    return 0;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        longsd__free(v[i]);
    longsd__free(v);
}

static void builder_free(builder *bd)
{
    wordseq_free(&bd->scene);
    wordseq_free(&bd->suffix);
    free_strv(bd->desc, bd->n_desc);
    free_strv(bd->quality, bd->n_quality);
    lsbuf_free(&bd->buf);
}

static const ls_character *find_cast(const ls_character *cast, size_t n_cast, const char *name)
{
    for (size_t i = 0; i < n_cast; i++)
        if (cast[i].name && strcmp(cast[i].name, name) == 0)
            return &cast[i];
    for (size_t i = 0; i < n_cast; i++)
        if (cast[i].full_name && strcmp(cast[i].full_name, name) == 0)
            return &cast[i];
    return NULL;
}

/* The descriptions of the characters present, once each, in the idea's order. */
static longsd_status collect_descs(builder *bd, const ls_idea *idea, const ls_character *cast, size_t n_cast)
{
    if (!idea->n_characters || !idea->characters || !cast)
        return LONGSD_OK;
    bd->desc = longsd__calloc(idea->n_characters, sizeof *bd->desc);
    if (!bd->desc)
        return LONGSD_ERR_NOMEM;
    const ls_character **seen = longsd__calloc(idea->n_characters, sizeof *seen);
    if (!seen)
        return LONGSD_ERR_NOMEM;
    longsd_status rc = LONGSD_OK;
    for (size_t i = 0; i < idea->n_characters && !rc; i++) {
        const ls_character *c = idea->characters[i] ? find_cast(cast, n_cast, idea->characters[i]) : NULL;
        if (!c || !c->description || !c->description[0])
            continue;
        if (idea->scene && strstr(idea->scene, c->description))
            continue; /* the scene writer already drew them by it */
        int dup = 0;
        for (size_t j = 0; j < bd->n_desc; j++)
            dup |= seen[j] == c;
        if (dup)
            continue;
        char *both = ls_prompt_sanitize(c->description);
        if (!both) {
            rc = LONGSD_ERR_NOMEM;
            break;
        }
        /* A description is kept or dropped whole. One that is empty once
         * cleaned, one the scene already holds, or one that would take
         * over half the budget alone, is left out (the scene matters more). */
        size_t l = clean_tail(both, strlen(both));
        both[l] = '\0';
        int bt = ls_prompt_count_tokens(both);
        if (bt < 0) {
            longsd__free(both);
            rc = LONGSD_ERR_NOMEM;
            break;
        }
        for (size_t j = 0; j < bd->n_desc && l; j++)
            if (strcmp(bd->desc[j], both) == 0)
                l = 0; /* "a man; a man" says nothing more */
        if (!l || bt > BUDGET / 2 || (idea->scene && strstr(idea->scene, both))) {
            longsd__free(both);
            continue;
        }
        seen[bd->n_desc] = c;
        bd->desc[bd->n_desc++] = both;
    }
    longsd__free(seen);
    return rc;
}

/* Split a tag list on commas and semicolons into trimmed, non-empty tags. */
static longsd_status split_tags(const char *clean, char ***out, size_t *n_out)
{
    size_t cnt = 1;
    for (const char *p = clean; *p; p++)
        cnt += *p == ',' || *p == ';';
    char **v = longsd__calloc(cnt, sizeof *v);
    if (!v)
        return LONGSD_ERR_NOMEM;
    size_t n = 0;
    for (const char *p = clean; *p;) {
        while (*p == ' ' || *p == ',' || *p == ';')
            p++;
        const char *q = p;
        while (*q && *q != ',' && *q != ';')
            q++;
        size_t l = clean_tail(p, (size_t)(q - p));
        if (l) {
            if (!(v[n] = longsd__strndup(p, l))) {
                free_strv(v, n);
                return LONGSD_ERR_NOMEM;
            }
            n++;
        }
        p = q;
    }
    *out = v;
    *n_out = n;
    return LONGSD_OK;
}

static longsd_status builder_init(builder *bd, const ls_idea *idea, const ls_character *cast, size_t n_cast,
                                  const longsd_style *style, const char *period)
{
    char *scene = ls_prompt_sanitize(idea->scene ? idea->scene : "");
    char *suffix = ls_prompt_sanitize(style->suffix ? style->suffix : "");
    char *quality = ls_prompt_sanitize(style->quality ? style->quality : "");
    longsd_status rc = LONGSD_ERR_NOMEM;
    if (!scene || !suffix || !quality)
        goto out;
    if ((rc = wordseq_make(&bd->scene, scene, SCENE_MAX_WORDS, WORD_MAX_BYTES)))
        goto out;
    if ((rc = wordseq_make(&bd->suffix, suffix, SCENE_MAX_WORDS, WORD_MAX_BYTES)))
        goto out;
    if ((rc = split_tags(quality, &bd->quality, &bd->n_quality)))
        goto out;
    /* lexica modifiers go between the preset's suffix and its quality tags,
     * so that the budget drops the generic tags before them */
    const char *mods[LS_LEXICA_MAX + 1];
    size_t nm = ls_lexica_pick(scene, mods);
    if (period && period[0]) {
        /* the book's period shapes costume and buildings in every picture:
         * it goes first, dropped only after the scene's own modifiers */
        memmove(mods + 1, mods, nm * sizeof *mods);
        mods[0] = period;
        nm++;
    }
    if (nm) {
        char **q = longsd__realloc(bd->quality, (bd->n_quality + nm) * sizeof *q);
        if (!q) {
            rc = LONGSD_ERR_NOMEM;
            goto out;
        }
        bd->quality = q;
        memmove(q + nm, q, bd->n_quality * sizeof *q);
        size_t ok = 0;
        for (size_t i = 0; i < nm; i++)
            if ((q[ok] = longsd__strdup(mods[i])) != NULL)
                ok++;
        if (ok < nm) {
            memmove(q + ok, q + nm, bd->n_quality * sizeof *q);
            bd->n_quality += ok;
            rc = LONGSD_ERR_NOMEM;
            goto out;
        }
        bd->n_quality += nm;
        bd->n_lexica = nm;
    }
    rc = collect_descs(bd, idea, cast, n_cast);
out:
    longsd__free(scene);
    longsd__free(suffix);
    longsd__free(quality);
    return rc;
}

/* Suffix cuts to try, longest first: whole items, then whole words. */
static longsd_status fit_with_suffix_cuts(builder *bd, size_t kmin, size_t *scene_len, size_t *suffix_len)
{
    const wordseq *sf = &bd->suffix;
    for (int words = 0; words < 2; words++) {
        for (size_t k = sf->n; k > 0; k--) {
            int item_end = k == sf->n || sf->text[sf->end[k - 1] - 1] == ',';
            if (words ? item_end : !item_end)
                continue; /* items in the first round, other word cuts in the second */
            size_t l = clean_tail(sf->text, sf->end[k - 1]);
            if (!l)
                continue;
            if (best_scene(bd, kmin, 0, l, scene_len) < 0)
                return LONGSD_ERR_NOMEM;
            if (*scene_len) {
                *suffix_len = l;
                return LONGSD_OK;
            }
        }
    }
    *suffix_len = 0;
    if (best_scene(bd, kmin, 0, 0, scene_len) < 0)
        return LONGSD_ERR_NOMEM;
    return LONGSD_OK;
}

static longsd_status build_once(const ls_idea *idea, const ls_character *cast, size_t n_cast,
                                const longsd_style *style, const char *period, int budget, ls_prompt *out, lserr *err);

/* Split a composed prompt into chunks of at most BUDGET tokens each at its
 * element boundaries (", " and "; "), joined with " BREAK " (A1111's chunk
 * separator). Returns the chunks used, or -1 out of memory; *tokens gets the
 * total with each chunk's start and end tokens. */
static int pack_chunks(const char *prompt, int max_chunks, lsbuf *out, int *tokens)
{
    lsbuf cur;
    lsbuf_init(&cur, 64 * 1024);
    int used = 0, total = 0, rc = 0;
    const char *p = prompt;
    lsbuf_reset(out);
    while (*p && rc == 0) {
        /* the next element, with its separator */
        const char *e = p;
        while (*e && !((e[0] == ',' || e[0] == ';') && e[1] == ' '))
            e++;
        size_t keep = cur.len;
        if (lsbuf_add(&cur, p, (size_t)(e - p))) {
            rc = -1;
            break;
        }
        int t = ls_prompt_count_tokens(cur.data);
        if (t < 0) {
            rc = -1;
            break;
        }
        if (t > BUDGET && keep) {
            /* close the chunk before this element */
            cur.len = keep;
            while (cur.len && (cur.data[cur.len - 1] == ' ' || cur.data[cur.len - 1] == ',' ||
                               cur.data[cur.len - 1] == ';'))
                cur.len--;
            cur.data[cur.len] = '\0';
            int ct = ls_prompt_count_tokens(cur.data);
            if ((used && lsbuf_adds(out, " BREAK ")) || lsbuf_add(out, cur.data, cur.len) || ct < 0) {
                rc = -1;
                break;
            }
            total += ct + 2;
            used++;
            lsbuf_reset(&cur);
            while (*p == ' ')
                p++;
            continue; /* the same element starts the next chunk */
        }
        if (t > BUDGET) {
            used = max_chunks + 1; /* one element over a chunk: does not pack */
            break;
        }
        if (*e && lsbuf_add(&cur, e, 2)) {
            rc = -1;
            break;
        }
        p = *e ? e + 2 : e;
    }
    if (rc == 0 && used <= max_chunks && cur.len) {
        while (cur.len && (cur.data[cur.len - 1] == ' ' || cur.data[cur.len - 1] == ',' ||
                           cur.data[cur.len - 1] == ';'))
            cur.len--;
        cur.data[cur.len] = '\0';
        int ct = ls_prompt_count_tokens(cur.data);
        if ((used && lsbuf_adds(out, " BREAK ")) || lsbuf_add(out, cur.data, cur.len) || ct < 0)
            rc = -1;
        total += ct + 2;
        used++;
    }
    lsbuf_free(&cur);
    *tokens = total;
    return rc ? -1 : used;
}

longsd_status ls_prompt_build(const ls_idea *idea, const ls_character *cast, size_t n_cast, const longsd_style *style,
                              ls_prompt *out, lserr *err)
{
    return ls_prompt_build_opts(idea, cast, n_cast, style, NULL, out, err);
}

longsd_status ls_prompt_build_opts(const ls_idea *idea, const ls_character *cast, size_t n_cast,
                                   const longsd_style *style, const ls_prompt_opts *opts, ls_prompt *out, lserr *err)
{
    int chunks = opts && opts->chunks > 1 ? opts->chunks : 1;
    if (chunks > LS_PROMPT_MAX_CHUNKS)
        return lserr_set(err, LONGSD_ERR_PARAM, "prompt chunks must be between 1 and %d (got %d)",
                         LS_PROMPT_MAX_CHUNKS, chunks);
    if (chunks == 1)
        return build_once(idea, cast, n_cast, style, opts ? opts->period : NULL, BUDGET, out, err);
    /* N chunks: compose within N x 75 tokens, then cut at element
     * boundaries; what the cuts waste is taken off the budget until the
     * chunks pack into N */
    for (int budget = chunks * BUDGET; budget >= BUDGET; budget -= 8) {
        longsd_status rc = build_once(idea, cast, n_cast, style, opts->period, budget, out, err);
        if (rc)
            return rc;
        lsbuf b;
        lsbuf_init(&b, 64 * 1024);
        int tokens = 0;
        int used = pack_chunks(out->positive, chunks, &b, &tokens);
        if (used < 0) {
            lsbuf_free(&b);
            ls_prompt_clear(out);
            return lserr_set(err, LONGSD_ERR_NOMEM, "idea %.47s: out of memory building its prompt", idea->id);
        }
        if (used <= chunks) {
            char *joined = lsbuf_steal(&b);
            if (!joined) {
                ls_prompt_clear(out);
                return lserr_set(err, LONGSD_ERR_NOMEM, "idea %.47s: out of memory building its prompt", idea->id);
            }
            longsd__free(out->positive);
            out->positive = joined;
            out->tokens = tokens;
            return LONGSD_OK;
        }
        lsbuf_free(&b);
        ls_prompt_clear(out);
    }
    return build_once(idea, cast, n_cast, style, opts->period, BUDGET, out, err);
}

static longsd_status build_once(const ls_idea *idea, const ls_character *cast, size_t n_cast,
                                const longsd_style *style, const char *period, int budget, ls_prompt *out, lserr *err)
{
    builder bd = {0};
    bd.budget = budget;
    longsd_status rc = LONGSD_OK;
    if (!out)
        return lserr_set(err, LONGSD_ERR_PARAM, "ls_prompt_build: no output");
    out->positive = out->negative = out->lexica = NULL;
    out->tokens = 0;
    if (!idea)
        return lserr_set(err, LONGSD_ERR_PARAM, "ls_prompt_build: no idea");
    if (!style)
        style = longsd_builtin_style(0);
    lsbuf_init(&bd.buf, 64 * 1024);
    if ((rc = builder_init(&bd, idea, cast, n_cast, style, period)))
        goto nomem;
    if (bd.scene.n == 0) {
        rc = lserr_set(err, LONGSD_ERR_INPUT,
                       "idea %.47s: the scene has no words left once prompt syntax is removed; edit its scene text",
                       idea->id[0] ? idea->id : "(no id)");
        goto out;
    }

    const wordseq *sc = &bd.scene;
    size_t full_scene = clean_tail(sc->text, sc->end[sc->n - 1]);
    if (!full_scene)
        full_scene = strip_punct(sc->text, sc->end[sc->n - 1]);
    size_t full_suffix = bd.suffix.n ? clean_tail(bd.suffix.text, bd.suffix.end[bd.suffix.n - 1]) : 0;
    size_t scene_len = 0, suffix_len = full_suffix, n_desc = bd.n_desc, n_q = 0;
    size_t kmin = sc->n < MIN_SCENE_WORDS ? sc->n : MIN_SCENE_WORDS;

    /* 1. everything, dropping quality tags from the last */
    for (size_t q = bd.n_quality + 1; q-- > 0;) {
        int t = compose(&bd, full_scene, n_desc, suffix_len, q);
        if (t < 0)
            goto nomem;
        if (t <= bd.budget) {
            scene_len = full_scene;
            n_q = q;
            break;
        }
    }
    /* 2. shorter scene (down to kmin words), then fewer descriptions */
    for (size_t d = n_desc + 1; !scene_len && d-- > 0;) {
        if (best_scene(&bd, kmin, d, suffix_len, &scene_len) < 0)
            goto nomem;
        n_desc = d;
    }
    /* 3. shorter suffix, as far as the scene needs to keep kmin words; then
     * the scene alone, down to one word */
    if (!scene_len && (rc = fit_with_suffix_cuts(&bd, kmin, &scene_len, &suffix_len)))
        goto nomem;
    if (!scene_len) {
        suffix_len = 0;
        if (best_scene(&bd, 1, 0, 0, &scene_len) < 0)
            goto nomem;
    }
    if (!scene_len) {
        rc = lserr_set(err, LONGSD_ERR_INPUT, "idea %.47s: no whole word of the scene fits in %d CLIP tokens",
                       idea->id[0] ? idea->id : "(no id)", LS_CLIP_MAX_TOKENS);
        goto out;
    }

    int t = compose(&bd, scene_len, n_desc, suffix_len, n_q);
    if (t < 0)
        goto nomem;
    out->tokens = t + 2;
    out->positive = lsbuf_steal(&bd.buf);
    {
        lsbuf lx;
        lsbuf_init(&lx, 4096);
        longsd_status lr = lsbuf_adds(&lx, "");
        for (size_t i = 0; !lr && i < bd.n_lexica && i < n_q; i++)
            lr = lsbuf_printf(&lx, "%s%s", i ? "; " : "", bd.quality[i]);
        out->lexica = lr ? NULL : lsbuf_steal(&lx);
        if (lr)
            lsbuf_free(&lx);
    }
    out->negative = ls_prompt_sanitize(style->negative ? style->negative : "");
    if (!out->positive || !out->negative || !out->lexica) {
        ls_prompt_clear(out);
        goto nomem;
    }
    goto out;
nomem:
    rc = lserr_set(err, LONGSD_ERR_NOMEM, "idea %.47s: out of memory building its prompt", idea->id);
out:
    builder_free(&bd);
    return rc;
}

void ls_prompt_clear(ls_prompt *p)
{
    if (!p)
        return;
    longsd__free(p->positive);
    longsd__free(p->negative);
    longsd__free(p->lexica);
    p->positive = p->negative = p->lexica = NULL;
    p->tokens = 0;
}

/* ------------------------------------------------------------------------
 * Seeds: FNV-1a over "<sha256>\x1f<idea id>" (the separator keeps ("ab", "c")
 * and ("a", "bc") apart), then the splitmix64 finaliser so that ids that
 * differ in one character land far apart, reduced into [0, 2^32 - 2]
 * (some backends read 2^32 - 1 as -1, "random"). */
uint32_t ls_prompt_seed(const char *text_sha256_hex, const char *idea_id)
{
    const char *a = text_sha256_hex ? text_sha256_hex : "";
    const char *b = idea_id ? idea_id : "";
    uint64_t h = lsfnv1a64(a, strlen(a), LSFNV_SEED);
    h = lsfnv1a64("\x1f", 1, h);
    h = lsfnv1a64(b, strlen(b), h);
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return (uint32_t)(h % 0xFFFFFFFFULL);
}
