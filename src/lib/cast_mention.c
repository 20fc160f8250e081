/* cast_mention.c - names a book only mentions are no characters. A
 * navigator of history, a philosopher quoted, a scientist in a list
 * ("opinions d'Aristote et de Pline", "l'illustre Cook trouva la mort, le
 * 14 février 1779", "Tasman, Dampier, Carteret, Cook, Forrest", "the works
 * of Cornelius Agrippa") are written the way people are, but nobody meets
 * them. Each mention of a minor name is read for what places it outside
 * the story: a year in its sentence (history), or a preposition of origin
 * or comparison before it (de, par, comme; of, by, like; von). A list of
 * names alone says nothing: people present are called in lists too
 * ("Pierre, Louis, Marie furent appelés"), and the roll-call filter of the
 * scene choice needs them in the cast to see one. A name whose mentions are mostly
 * such, and which never heads or ends a speech tag ("dit Cook") nor is
 * called in dialogue, is dropped. Named roles and the narrator stay. One
 * pass over the sentences: linear. */
#include <stdlib.h>
#include <string.h>

#include "cast_int.h"
#include "narrator.h"
#include "util.h"

#define MENTION_MINOR 20 /* only names mentioned fewer times are judged */

typedef struct {
    size_t all, outside, present;
} mcount;

typedef struct {
    size_t start, end;
    uint64_t h;
    unsigned flags;
    int quoted;
    int of;     /* "d'Aristote": the elided "de" before a name */
} mword;

/* de/d'/du/des/par/comme, of/by/like/than, von/vom: the name is an
 * origin, an author, a comparison, not someone there */
static int outside_prep(lslex_lang_id lang, const char *low, size_t n)
{
    static const char *const en[] = {"of", "by", "like", "than"};
    static const char *const fr[] = {"de", "d", "du", "des", "par", "comme"};
    static const char *const de[] = {"von", "vom"}; /* "als", "wie" are "when", "how" as often */
    const char *const *v = lang == LSLEX_FR ? fr : lang == LSLEX_DE ? de : en;
    size_t nv = lang == LSLEX_FR ? 6 : lang == LSLEX_DE ? 2 : 4;
    for (size_t i = 0; i < nv; i++)
        if (strlen(v[i]) == n && !memcmp(v[i], low, n))
            return 1;
    return 0;
}

/* A year: four digits from 1000 to 2099 standing alone. */
static int has_year(const char *d, size_t a, size_t b)
{
    for (size_t i = a; i + 4 <= b; i++) {
        if ((i > a && d[i - 1] >= '0' && d[i - 1] <= '9') || (i + 4 < b && d[i + 4] >= '0' && d[i + 4] <= '9'))
            continue;
        if ((d[i] == '1' || (d[i] == '2' && d[i + 1] == '0')) && d[i + 1] >= '0' && d[i + 1] <= '9' &&
            d[i + 2] >= '0' && d[i + 2] <= '9' && d[i + 3] >= '0' && d[i + 3] <= '9')
            return 1;
    }
    return 0;
}

static void free_one(ls_character *c)
{
    longsd__free(c->name);
    longsd__free(c->full_name);
    for (size_t a = 0; a < c->n_aliases; a++)
        longsd__free(c->aliases[a]);
    longsd__free(c->aliases);
    longsd__free(c->description);
    longsd__free(c->role);
    memset(c, 0, sizeof *c);
}

static int by_mentions(const void *a, const void *b)
{
    const ls_character *x = a, *y = b;
    if (x->mentions != y->mentions)
        return x->mentions > y->mentions ? -1 : 1;
    return strcmp(x->name, y->name);
}

longsd_status ls_cast_drop_mentioned(const longsd_story *s, lslex_lang_id lang, ls_character *cast, size_t *n_cast)
{
    ls_cast_form *forms = NULL;
    size_t n_forms = 0, cap = 0;
    mcount *cnt = NULL;
    mword *w = NULL;
    uint64_t *h = NULL;
    longsd_status st = LONGSD_OK;
    if (!*n_cast)
        return LONGSD_OK;
    if ((st = ls_cast_forms(cast, *n_cast, &forms, &n_forms)))
        goto out;
    if (!(cnt = longsd__calloc(*n_cast, sizeof *cnt))) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t si = 0; si < s->n_sentences; si++) {
        const ls_sentence *sn = &s->sentences[si];
        if (sn->para >= s->n_paras || s->paras[sn->para].is_heading || sn->end <= sn->start)
            continue;
        const ls_para *p = &s->paras[sn->para];
        int dashed = ls_narrator_dash_dialogue(s->data + p->start, p->end - p->start) &&
                     p->first_sentence == si;
        lslex_scan sc;
        lsword lw;
        size_t n = 0;
        lslex_scan_init(&sc, s->data + sn->start, sn->end - sn->start);
        sc.quoted = sn->in_quotes;
        while (lslex_next_word(&sc, &lw)) {
            if (n == cap) {
                size_t nc = cap ? cap * 2 : 64;
                mword *nw = longsd__realloc(w, nc * sizeof *nw);
                uint64_t *nh = nw ? longsd__realloc(h, nc * sizeof *nh) : NULL;
                if (nw)
                    w = nw;
                if (!nh) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                h = nh;
                cap = nc;
            }
            const char *ws = s->data + sn->start + lw.start;
            char low[48];
            size_t ll = lslex_lower(ws, lw.end - lw.start, low, sizeof low, 0);
            mword *x = &w[n];
            x->start = sn->start + lw.start;
            x->end = sn->start + lw.end;
            x->of = 0;
            size_t el = 0; /* "d'Aristote", "d’Aristote": the name after the elision */
            if (lang == LSLEX_FR && lw.end - lw.start > 2 && (ws[0] == 'd' || ws[0] == 'D'))
                el = ws[1] == '\'' ? 2 : lw.end - lw.start > 4 && !memcmp(ws + 1, "\xE2\x80\x99", 3) ? 4 : 0;
            x->of = el > 0;
            x->h = h[n] = lslex_word_hash(ws + el, lw.end - lw.start - el);
            x->flags = lslex_lookup(lang, low, ll, NULL, NULL);
            x->quoted = lw.quoted || dashed;
            n++;
        }
        int year = -1;
        for (size_t k = 0; k < n; k++) {
            size_t ch, m = ls_cast_match(forms, n_forms, h, n, k, &ch);
            if (!m)
                continue;
            mcount *c = &cnt[ch];
            c->all++;
            /* "dit Cook", "Cook said": a speaker; "Cook, come here": called */
            if ((k > 0 && (w[k - 1].flags & LSLEX_SPEECH)) || (k + m < n && (w[k + m].flags & LSLEX_SPEECH)))
                c->present++;
            else if (w[k].quoted && k <= 2 && s->data[w[k + m - 1].end] == ',')
                c->present++;
            int outside = w[k].of;
            if (!outside && k > 0) {
                char low[16];
                const mword *p = &w[k - 1];
                size_t pl = lslex_lower(s->data + p->start, p->end - p->start, low, sizeof low, 0);
                outside = outside_prep(lang, low, pl);
            }
            if (!outside) {
                if (year < 0)
                    year = has_year(s->data, sn->start, sn->end);
                outside = year;
            }
            c->outside += outside;
            k += m - 1;
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < *n_cast; i++) {
        ls_character *c = &cast[i];
        const mcount *m = &cnt[i];
        int drop = !c->role && !c->narrator && c->mentions < MENTION_MINOR && !m->present && m->all &&
                   m->outside * 2 > m->all;
        if (drop) {
            free_one(c);
            continue;
        }
        cast[k++] = *c;
    }
    *n_cast = k;
    if (k > 1)
        qsort(cast, k, sizeof *cast, by_mentions);
out:
    longsd__free(forms);
    longsd__free(cnt);
    longsd__free(w);
    longsd__free(h);
    return st;
}
