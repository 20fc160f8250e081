/* desc.c - what the cast looks like, from the book itself: for each
 * character, the visual words the narration puts next to their name or
 * role (hair, beard, face, clothes, things carried, build and age words:
 * "long grey beard", "bald-headed", "black coat"), kept in the book's
 * language; when the text says nothing, a neutral line from role and sex.
 * A description already there (the user's, or an LLM's) is never touched.
 * One pass over the sentences: linear in the text. */
#include <string.h>

#include "desc.h"
#include "lexicon.h"
#include "util.h"

#define DESC_MAX_PHRASES 5
#define DESC_WINDOW 12 /* words after a mention that may describe it */

/* nouns of what shows: hair, face, clothes, things carried (en, de, fr) */
static const char *const VISUAL[] = {
    "hair", "beard", "moustache", "mustache", "whiskers", "curls", "face", "eyes", "nose", "cheeks", "coat",
    "hat", "cap", "dress", "bonnet", "spectacles", "apron", "boots", "jacket", "shirt", "gown", "cloak",
    "uniform", "trousers", "breeches", "pipe", "cane", "stick", "gun", "rifle", "sword", "basket", "lantern",
    "umbrella", "shawl", "wig", "haar", "haare", "bart", "gesicht", "augen", "rock", "hut", "m\xC3\xBCtze",
    "kleid", "mantel", "stiefel", "brille", "sch\xC3\xBCrze", "pfeife", "stock", "cheveux", "barbe", "visage",
    "yeux", "habit", "chapeau", "robe", "manteau", "bottes", "lunettes", "tablier", "canne", "b\xC3\xA2ton",
    "fusil", "\xC3\xA9p\xC3\xA9" "e", "casquette",
};
/* build and age words that describe a person on their own */
static const char *const BUILD[] = {
    "tall", "stout", "fat", "thin", "slim", "lean", "lanky", "bald", "bald-headed", "freckled", "ragged",
    "barefoot", "hunchbacked", "grey-haired", "gray-haired", "white-haired", "red-haired", "elderly",
    "gro\xC3\x9F", "dick", "d\xC3\xBCnn", "schlank", "kahl", "bucklig", "gros", "maigre", "mince", "chauve",
};
static const char *const OLD[] = {"old", "elderly", "aged", "alt", "alte", "alter", "vieux", "vieille", "vieil"};
static const char *const YOUNG[] = {"young", "jung", "junge", "junger", "jeune"};

static int in_list(const char *low, size_t n, const char *const *list, size_t nl)
{
    for (size_t i = 0; i < nl; i++)
        if (strlen(list[i]) == n && !memcmp(list[i], low, n))
            return 1;
    return 0;
}

typedef struct {
    char *text;         /* "long grey beard" */
    size_t start, end;  /* its span in the original bytes */
} dphrase;

typedef struct {
    dphrase p[DESC_MAX_PHRASES];
    size_t n;
    int old, young;
} dchar;

typedef struct {
    size_t start, end;
    unsigned flags;
    int quoted, upper;
    char low[32];
    size_t ll;
} dword;

static longsd_status add_phrase(const longsd_story *s, dchar *dc, size_t a, size_t z)
{
    if (dc->n >= DESC_MAX_PHRASES || z <= a || z - a > 60)
        return LONGSD_OK;
    for (size_t i = 0; i < dc->n; i++)
        if (dc->p[i].end - dc->p[i].start == z - a && !memcmp(s->data + dc->p[i].start, s->data + a, z - a))
            return LONGSD_OK;
    char *t = ls_story_text(s, a, z);
    if (!t)
        return LONGSD_ERR_NOMEM;
    for (char *q = t; *q; q++)
        if (*q >= 'A' && *q <= 'Z' && q == t)
            *q = (char)(*q + 32); /* "Long grey beard" at a clause start */
    dc->p[dc->n].text = t;
    dc->p[dc->n].start = a;
    dc->p[dc->n].end = z;
    dc->n++;
    return LONGSD_OK;
}

static int is_word(const dword *x, const char *const *list, size_t n) { return in_list(x->low, x->ll, list, n); }

/* Words that tie a thing to the person just named: "his grey beard",
 * "with a pipe", "wore a black coat", "seine Mütze", "son chapeau". */
static const char *const TIE[] = {"his", "her", "with", "wore", "wearing", "in", "sein", "seine", "seinen",
                                  "ihr", "ihre", "ihren", "mit", "trug", "son", "sa", "ses", "avec", "portait"};
static const char *const COPULA[] = {"was", "is", "looked", "war", "ist", "sah", "Ã©tait", "est"};
static const char *const ARTICLE[] = {"a", "an", "the", "ein", "eine", "einen", "einem", "un", "une", "le", "la"};

/* Visual phrases in words w[from..to) after a mention, for one character:
 * a visual noun tied to them (TIE, perhaps an article, adjectives), or a
 * build word after a copula ("Nat was slim"). */
static longsd_status harvest(const longsd_story *s, lslex_lang_id lang, const dword *w, size_t from, size_t to,
                             dchar *dc)
{
    longsd_status st = LONGSD_OK;
    int copula = 0;
    for (size_t k = from; k < to && !st; k++) {
        /* German writes every noun upper case: "seine rote Mütze" */
        if (w[k].quoted || (w[k].upper && lang != LSLEX_DE))
            continue;
        if (k <= from + 1 && is_word(&w[k], COPULA, sizeof COPULA / sizeof COPULA[0]))
            copula = 1;
        if (copula && k <= from + 4 && is_word(&w[k], BUILD, sizeof BUILD / sizeof BUILD[0])) {
            st = add_phrase(s, dc, w[k].start, w[k].end);
            continue;
        }
        if (!in_list(w[k].low, w[k].ll, VISUAL, sizeof VISUAL / sizeof VISUAL[0]))
            continue;
        /* up to two adjectives before it: "long grey beard", "black coat" */
        size_t a = k;
        while (a > from && k - a < 2 && !w[a - 1].quoted && !w[a - 1].upper &&
               !is_word(&w[a - 1], TIE, sizeof TIE / sizeof TIE[0]) &&
               !is_word(&w[a - 1], ARTICLE, sizeof ARTICLE / sizeof ARTICLE[0]) &&
               !(w[a - 1].flags & (LSLEX_STOP | LSLEX_DET | LSLEX_PRONOUN | LSLEX_PREP | LSLEX_CONJ |
                                   LSLEX_SPEECH | LSLEX_ACTION)))
            a--;
        if (a == k)
            continue; /* a bare "face" or "hat" says nothing of how it looks */
        for (size_t j = a; j < k; j++)
            if (memchr(w[j].low, '\'', w[j].ll) || (w[j].flags & LSLEX_PERSON))
                a = j + 1; /* "boy's hair", "the man's eyes": someone else's */
        if (a == k)
            continue;
        size_t b = a;
        if (b > from && is_word(&w[b - 1], ARTICLE, sizeof ARTICLE / sizeof ARTICLE[0]))
            b--;
        if (b == from || !is_word(&w[b - 1], TIE, sizeof TIE / sizeof TIE[0]))
            continue; /* not tied to the person named */
        st = add_phrase(s, dc, w[a].start, w[k].end);
    }
    return st;
}

/* The neutral line when the book says nothing: from role, sex and age. */
static char *neutral(const ls_character *c, lslex_lang_id lang, int age)
{
    if (c->narrator && !c->role && !c->gender)
        return NULL;
    /* sex words only: "a man" would make a man of Tom Sawyer, a boy */
    const char *old = age == LS_AGE_OLD ? (lang == LSLEX_DE ? "alt, " : lang == LSLEX_FR ? "\xC3\xA2g\xC3\xA9, " : "old, ") : "";
    const char *sex = NULL;
    if (lang == LSLEX_DE)
        sex = c->gender == LS_GENDER_MALE ? "m\xC3\xA4nnlich" : c->gender == LS_GENDER_FEMALE ? "weiblich" : NULL;
    else if (lang == LSLEX_FR)
        sex = c->gender == LS_GENDER_MALE ? "masculin" : c->gender == LS_GENDER_FEMALE ? "f\xC3\xA9minin" : NULL;
    else
        sex = c->gender == LS_GENDER_MALE ? "male" : c->gender == LS_GENDER_FEMALE ? "female" : NULL;
    if (c->role && lang == LSLEX_EN)
        return longsd__asprintf("%s%s%s%s", old, sex ? sex : "", sex ? " " : "", c->role); /* "old, male king" */
    if (!sex)
        return NULL;
    return longsd__asprintf("%s%s", old, sex);
}

static longsd_status describe(const longsd_story *s, ls_character *cast, size_t n_cast, ls_desc_spans *spans,
                              int apply)
{
    lslex_lang_id lang = lslex_lang(s->lang);
    ls_cast_form *forms = NULL;
    size_t n_forms = 0, cap = 0;
    dchar *dc = NULL;
    dword *w = NULL;
    uint64_t *h = NULL;
    longsd_status st = LONGSD_OK;
    if (n_cast == 0)
        return LONGSD_OK;
    if ((st = ls_cast_forms(cast, n_cast, &forms, &n_forms)))
        return st;
    dc = longsd__calloc(n_cast, sizeof *dc);
    if (!dc) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t si = 0; si < s->n_sentences && !st; si++) {
        const ls_sentence *sn = &s->sentences[si];
        if (sn->in_quotes || (sn->para < s->n_paras && s->paras[sn->para].is_heading))
            continue;
        lslex_scan sc;
        lsword lw;
        size_t n = 0;
        lslex_scan_init(&sc, s->data + sn->start, sn->end - sn->start);
        while (lslex_next_word(&sc, &lw)) {
            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 64;
                dword *nw = longsd__realloc(w, ncap * sizeof *nw);
                if (!nw) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                w = nw;
                uint64_t *nh = longsd__realloc(h, ncap * sizeof *nh);
                if (!nh) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                h = nh;
                cap = ncap;
            }
            dword *x = &w[n];
            x->start = sn->start + lw.start;
            x->end = sn->start + lw.end;
            x->quoted = lw.quoted;
            x->upper = lw.upper;
            x->ll = lslex_lower(s->data + x->start, x->end - x->start, x->low, sizeof x->low, 1);
            x->flags = lslex_lookup(lang, x->low, x->ll, NULL, NULL);
            h[n] = lslex_word_hash(s->data + x->start, x->end - x->start);
            n++;
        }
        /* the one character of the sentence, and where they are named */
        size_t who = (size_t)-1, at = 0, len = 0;
        int several = 0;
        for (size_t k = 0; k < n; k++) {
            size_t ch;
            size_t m = ls_cast_match(forms, n_forms, h, n, k, &ch);
            if (!m || w[k].quoted)
                continue;
            if (who != (size_t)-1 && who != ch)
                several = 1;
            if (who == (size_t)-1)
                who = ch, at = k, len = m;
            k += m - 1;
        }
        if (who == (size_t)-1 || several)
            continue;
        /* "the old king", "a tall man named Nat": two words before; the
         * clause after the name */
        size_t to = at + len + DESC_WINDOW < n ? at + len + DESC_WINDOW : n;
        /* "old Nat Parsons", "the young king", "tall Becky": the word before */
        if (at > 0 && !w[at - 1].quoted && (!w[at - 1].upper || at == 1)) {
            const dword *pw = &w[at - 1];
            dc[who].old += is_word(pw, OLD, sizeof OLD / sizeof OLD[0]);
            dc[who].young += is_word(pw, YOUNG, sizeof YOUNG / sizeof YOUNG[0]);
            if (is_word(pw, BUILD, sizeof BUILD / sizeof BUILD[0]))
                st = add_phrase(s, &dc[who], pw->start, pw->end);
        }
        if (!st)
            st = harvest(s, lang, w, at + len, to, &dc[who]);
    }
    for (size_t i = 0; i < n_cast && !st; i++) {
        ls_character *c = &cast[i];
        if (!apply) {
            /* spans only where the description is this harvest, word for word */
            if (dc[i].n && c->description && c->description[0]) {
                lsbuf b;
                lsbuf_init(&b, 4096);
                for (size_t k = 0; k < dc[i].n && !st; k++)
                    st = lsbuf_printf(&b, "%s%s", k ? ", " : "", dc[i].p[k].text);
                if (!st && b.len && !strcmp(b.data, c->description)) {
                    spans[i].n = dc[i].n;
                    for (size_t k = 0; k < dc[i].n; k++) {
                        spans[i].start[k] = dc[i].p[k].start;
                        spans[i].end[k] = dc[i].p[k].end;
                    }
                }
                lsbuf_free(&b);
                if (st == LONGSD_ERR_TOO_BIG)
                    st = LONGSD_OK; /* no spans for a description that long */
            }
            continue;
        }
        if (!c->age)
            c->age = dc[i].old >= 1 && dc[i].old > dc[i].young ? LS_AGE_OLD
                     : dc[i].young >= 1 && dc[i].young > dc[i].old ? LS_AGE_YOUNG
                                                                    : LS_AGE_UNKNOWN;
        if (c->description && c->description[0])
            continue; /* someone wrote it: theirs wins */
        char *d = NULL;
        if (dc[i].n) {
            size_t total = 1;
            for (size_t k = 0; k < dc[i].n; k++)
                total += strlen(dc[i].p[k].text) + 2;
            d = longsd__malloc(total);
            if (d) {
                d[0] = '\0';
                for (size_t k = 0; k < dc[i].n; k++) {
                    if (k)
                        strcat(d, ", ");
                    strcat(d, dc[i].p[k].text);
                }
            }
            if (spans) {
                spans[i].n = dc[i].n;
                for (size_t k = 0; k < dc[i].n; k++) {
                    spans[i].start[k] = dc[i].p[k].start;
                    spans[i].end[k] = dc[i].p[k].end;
                }
            }
        } else {
            d = neutral(c, lang, c->age);
            if (!d)
                continue;
        }
        if (!d) {
            st = LONGSD_ERR_NOMEM;
            break;
        }
        longsd__free(c->description);
        c->description = d;
    }
out:
    if (dc)
        for (size_t i = 0; i < n_cast; i++)
            for (size_t k = 0; k < dc[i].n; k++)
                longsd__free(dc[i].p[k].text);
    longsd__free(dc);
    longsd__free(forms);
    longsd__free(w);
    longsd__free(h);
    return st;
}

longsd_status ls_cast_describe(const longsd_story *s, ls_character *cast, size_t n_cast, ls_desc_spans *spans)
{
    return describe(s, cast, n_cast, spans, 1);
}

longsd_status ls_cast_desc_spans(const longsd_story *s, const ls_character *cast, size_t n_cast,
                                 ls_desc_spans *spans)
{
    /* describe() only reads the cast when apply is 0 */
    return describe(s, (ls_character *)cast, n_cast, spans, 0);
}
