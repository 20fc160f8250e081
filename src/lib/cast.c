/* cast.c - the cast of recurring characters, found without an LLM: runs of
 * capitalised words counted where they are not sentence-initial, titles kept
 * ("Aunt Polly", "Mr. Dobbins"), first names merged with their full form
 * ("Tom" + "Tom Sawyer"), surnames folded into the one character who owns
 * them, places and common words left out. German capitalises every noun, so
 * there a word must be a known name or be seen as a speaker ("säd de Butt")
 * or as a person noun with an article ("de Fischer").
 *
 * One pass over the sentences fills hash tables, a second one (over the
 * final cast only) guesses each character's gender from nearby pronouns:
 * both are linear in the size of the text. */
#include <stdlib.h>
#include <string.h>

#include "ideas.h"
#include "dict.h"
#include "lexicon.h"
#include "narrator.h"

#define CAST_MIN_MENTIONS 3
#define SEQ_MAX 4 /* longer capitalised runs are headings or titles of works */

/* ---- a small string -> counters hash map */

typedef struct {
    char *key;
    size_t klen;
    uint64_t h;
    size_t total;   /* occurrences as this exact run */
    size_t mid;     /* ... not at a sentence or quote start */
    size_t prep;    /* ... right after in/at/to/from */
    size_t speech;  /* ... right after a speech verb (+ article): "säd de Butt" */
    size_t det;     /* ... right after an article */
    size_t first;   /* sentence order of first sight, for stable tie-breaks */
    int character;  /* index of the character it became, -1 */
    int qualifies;  /* singles: may name a character on its own */
    size_t cut;     /* initial runs: bytes of the leading word + space */
} centry;

typedef struct {
    centry *e;
    size_t cap, n;
} cmap;

static void cmap_free(cmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        longsd__free(m->e[i].key);
    longsd__free(m->e);
    m->e = NULL;
    m->cap = m->n = 0;
}

static longsd_status cmap_grow(cmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 256;
    centry *ne = longsd__calloc(ncap, sizeof *ne);
    if (!ne)
        return LONGSD_ERR_NOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->e[i].key)
            continue;
        size_t j = (size_t)m->e[i].h & (ncap - 1);
        while (ne[j].key)
            j = (j + 1) & (ncap - 1);
        ne[j] = m->e[i];
    }
    longsd__free(m->e);
    m->e = ne;
    m->cap = ncap;
    return LONGSD_OK;
}

/* Find key; create it (zeroed counters) when create. NULL if absent or out
 * of memory (*oom set). */
static centry *cmap_get(cmap *m, const char *k, size_t kl, int create, int *oom)
{
    uint64_t h = lsfnv1a64(k, kl, LSFNV_SEED);
    if (m->cap) {
        size_t j = (size_t)h & (m->cap - 1);
        while (m->e[j].key) {
            if (m->e[j].h == h && m->e[j].klen == kl && memcmp(m->e[j].key, k, kl) == 0)
                return &m->e[j];
            j = (j + 1) & (m->cap - 1);
        }
    }
    if (!create)
        return NULL;
    if ((m->n + 1) * 2 > m->cap && cmap_grow(m) != LONGSD_OK) {
        *oom = 1;
        return NULL;
    }
    size_t j = (size_t)h & (m->cap - 1);
    while (m->e[j].key)
        j = (j + 1) & (m->cap - 1);
    centry *e = &m->e[j];
    e->key = longsd__strndup(k, kl);
    if (!e->key) {
        *oom = 1;
        return NULL;
    }
    e->klen = kl;
    e->h = h;
    e->character = -1;
    m->n++;
    return e;
}

/* ---- pass 1: count capitalised runs */

typedef struct {
    size_t start, end;  /* in s->data */
    size_t klen;        /* key length: possessive dropped */
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
} cscan;

#define NOT_NAME_FLAGS                                                                                  \
    (LSLEX_STOP | LSLEX_PRONOUN | LSLEX_CALENDAR | LSLEX_DIVINE | LSLEX_HEADING | LSLEX_NOTNAME | \
     LSLEX_CONJ | LSLEX_SPEECH | LSLEX_DET)

static int tok_is_name_word(const ctok *t)
{
    return t->upper && !t->all_upper && (t->end - t->start) >= 2 && !(t->flags & NOT_NAME_FLAGS);
}

static int tok_is_title(const ctok *t)
{
    return t->upper && !t->all_upper && (t->flags & LSLEX_TITLE) && !(t->flags & (LSLEX_DIVINE | LSLEX_PRONOUN));
}

/* Between two words of a name only spaces, or ". " after an abbreviation
 * title (Mr. Dr. St.), may stand. */
static int joins(const cscan *c, const ctok *a, const ctok *b)
{
    const char *d = c->s->data;
    size_t i = a->end;
    if (i < b->start && d[i] == '.' && tok_is_title(a) && (a->end - a->start) <= 3)
        i++;
    if (i == b->start)
        return 0;
    for (; i < b->start; i++)
        if (d[i] != ' ' && d[i] != '\t' && d[i] != '\n' && d[i] != '\r')
            return 0;
    return 1;
}

static longsd_status count_run(cscan *c, size_t i, size_t j, int deferred)
{
    /* tokens [i, j) form one run; key = words joined by one space, titles
     * that were abbreviations keep their period */
    char key[256];
    size_t kl = 0;
    const char *d = c->s->data;
    for (size_t t = i; t < j; t++) {
        size_t wl = c->tok[t].klen;
        if (kl + wl + 3 >= sizeof key)
            return LONGSD_OK;
        if (t > i)
            key[kl++] = ' ';
        memcpy(key + kl, d + c->tok[t].start, wl);
        kl += wl;
        if (t + 1 < j && d[c->tok[t].end] == '.')
            key[kl++] = '.';
    }
    int oom = 0;
    centry *e = cmap_get(deferred ? &c->initial : j - i == 1 ? &c->singles : &c->phrases, key, kl, 1, &oom);
    if (!e)
        return oom ? LONGSD_ERR_NOMEM : LONGSD_OK;
    if (deferred) {
        const char *sp = memchr(key, ' ', kl);
        e->cut = sp ? (size_t)(sp - key) + 1 : kl;
    }
    if (e->total == 0)
        e->first = c->sentence_no;
    e->total++;
    if (!c->tok[i].after_stop)
        e->mid++;
    if (i > 0) {
        unsigned pf = c->tok[i - 1].flags;
        if (pf & LSLEX_PREP)
            e->prep++;
        if (pf & LSLEX_DET)
            e->det++;
        if ((pf & LSLEX_SPEECH) || (i > 1 && (pf & LSLEX_DET) && (c->tok[i - 2].flags & LSLEX_SPEECH)))
            e->speech++;
    }
    return LONGSD_OK;
}

/* Length of a word without a possessive "'s" / "’s". */
static size_t key_len(const char *w, size_t n)
{
    if (n > 2 && w[n - 2] == '\'' && (w[n - 1] == 's' || w[n - 1] == 'S'))
        return n - 2;
    if (n > 4 && (unsigned char)w[n - 4] == 0xE2 && (unsigned char)w[n - 3] == 0x80 &&
        (unsigned char)w[n - 2] == 0x99 && (w[n - 1] == 's' || w[n - 1] == 'S'))
        return n - 4;
    return n;
}

static int is_common_initial(const cscan *c, const ctok *t)
{
    if (t->flags & ~(unsigned)(LSLEX_NAME | LSLEX_MALE | LSLEX_FEMALE | LSLEX_TITLE))
        return 1;
    if (t->flags & (LSLEX_NAME | LSLEX_TITLE))
        return 0;
    char low[64];
    size_t ll = lslex_lower(c->s->data + t->start, t->end - t->start, low, sizeof low, 1);
    int oom = 0;
    return cmap_get((cmap *)&c->lower, low, ll, 0, &oom) != NULL;
}

/* Is token t the lower-cased word w? */
static int tok_is(const cscan *c, const ctok *t, const char *w)
{
    size_t n = strlen(w);
    if (t->end - t->start != n)
        return 0;
    char low[16];
    return n < sizeof low && lslex_lower(c->s->data + t->start, n, low, sizeof low, 0) == n && !memcmp(low, w, n);
}

/* "the king", "the old widow", "le capitaine": a definite article, perhaps
 * old/young, and a lower-case title noun. Counted with how often it acts:
 * a speech tag before it ("said the king") or a verb after it ("the king
 * went"). */
static longsd_status count_roles(cscan *c)
{
    static const char *const art[] = {"the", "le", "la"};
    static const char *const adj[] = {"old", "young", "vieux", "vieil", "jeune", "vieille"};
    const char *d = c->s->data;
    for (size_t i = 0; i + 1 < c->n_tok; i++) {
        int is_art = 0;
        for (size_t k = 0; k < 3 && !is_art; k++)
            is_art = tok_is(c, &c->tok[i], art[k]);
        if (!is_art)
            continue;
        size_t j = i + 1;
        for (size_t k = 0; k < 6 && j + 1 < c->n_tok; k++)
            if (tok_is(c, &c->tok[j], adj[k])) {
                j++;
                break;
            }
        const ctok *t = &c->tok[j];
        if (t->upper || !(t->flags & LSLEX_TITLE) || (t->flags & (LSLEX_PRONOUN | LSLEX_DIVINE | LSLEX_STOP)))
            continue;
        if (t->end - t->start < 3 || tok_is(c, t, "lady") || tok_is(c, t, "lord") || tok_is(c, t, "sir") ||
            tok_is(c, t, "mister") || tok_is(c, t, "missus") || tok_is(c, t, "miss"))
            continue; /* "m", "dr"; forms of address, not roles: "the lady" is anyone */
        /* key: "the king", the article and noun as written in lower case */
        char key[64];
        size_t al = c->tok[i].end - c->tok[i].start;
        size_t nl = t->klen;
        if (al + nl + 2 >= sizeof key)
            continue;
        lslex_lower(d + c->tok[i].start, al, key, sizeof key, 0);
        key[al] = ' ';
        size_t kl = al + 1 + lslex_lower(d + t->start, nl, key + al + 1, sizeof key - al - 1, 1);
        int oom = 0;
        centry *e = cmap_get(&c->roles, key, kl, 1, &oom);
        if (!e)
            return oom ? LONGSD_ERR_NOMEM : LONGSD_OK;
        if (e->total == 0)
            e->first = c->sentence_no;
        e->total++;
        int acts = i > 0 && (c->tok[i - 1].flags & LSLEX_SPEECH);
        if (j + 1 < c->n_tok) {
            const ctok *v = &c->tok[j + 1];
            size_t vl = v->end - v->start;
            acts |= (v->flags & (LSLEX_ACTION | LSLEX_SPEECH)) != 0;
            acts |= !v->upper && vl > 3 && d[v->end - 2] == 'e' && d[v->end - 1] == 'd'; /* "the king looked" */
        }
        e->speech += acts;
    }
    return LONGSD_OK;
}

/* Pass 0 counts lower-case words (so "Later" or "Will" can be recognised
 * as common words wherever they first appear); pass 1 counts capitalised
 * runs. */
static longsd_status scan_sentence(cscan *c, size_t start, size_t end, int pass)
{
    const char *d = c->s->data;
    lslex_scan sc;
    lsword w;
    lslex_scan_init(&sc, d + start, end - start);
    c->n_tok = 0;
    while (lslex_next_word(&sc, &w)) {
        if (c->n_tok == c->cap_tok) {
            size_t ncap = c->cap_tok ? c->cap_tok * 2 : 64;
            ctok *nt = longsd__realloc(c->tok, ncap * sizeof *nt);
            if (!nt)
                return LONGSD_ERR_NOMEM;
            c->tok = nt;
            c->cap_tok = ncap;
        }
        ctok *t = &c->tok[c->n_tok++];
        t->start = start + w.start;
        t->end = start + w.end;
        t->upper = w.upper;
        t->all_upper = w.all_upper;
        t->after_stop = w.after_stop;
        char low[64];
        size_t ll = lslex_lower(d + t->start, t->end - t->start, low, sizeof low, 1);
        t->klen = key_len(d + t->start, t->end - t->start);
        t->flags = lslex_lookup(c->lang, low, ll, NULL, NULL);
        /* "Red-Handed", "Sunday-school": the second half of a compound */
        if (t->start > start && d[t->start - 1] == '-' && !(t->start > start + 1 && d[t->start - 2] == '-'))
            t->flags |= LSLEX_NOTNAME;
        /* "I'd", "We'll": a pronoun with a contraction */
        const char *ap = memchr(low, '\'', ll);
        if (ap && (lslex_lookup(c->lang, low, (size_t)(ap - low), NULL, NULL) & (LSLEX_STOP | LSLEX_PRONOUN)))
            t->flags |= LSLEX_NOTNAME;
        if (pass == 0 && !w.upper && ll) {
            int oom = 0;
            centry *e = cmap_get(&c->lower, low, ll, 1, &oom);
            if (!e && oom)
                return LONGSD_ERR_NOMEM;
            if (e)
                e->total++;
        }
    }
    if (pass == 0)
        return LONGSD_OK;
    if (c->lang != LSLEX_DE) {
        longsd_status st = count_roles(c);
        if (st)
            return st;
    }
    for (size_t i = 0; i < c->n_tok;) {
        const ctok *t = &c->tok[i];
        if (!tok_is_name_word(t) && !tok_is_title(t)) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < c->n_tok && j - i < SEQ_MAX + 1 && (tok_is_name_word(&c->tok[j]) || tok_is_title(&c->tok[j])) &&
               joins(c, &c->tok[j - 1], &c->tok[j]))
            j++;
        /* a trailing title is not part of the name ("Tom Mr." never is) */
        size_t e = j;
        while (e > i && tok_is_title(&c->tok[e - 1]) && !tok_is_name_word(&c->tok[e - 1]))
            e--;
        /* "Later Injun Joe", "Then Tom Sawyer": a capitalised common word
         * at the start of a sentence is no part of the name */
        size_t b = i;
        int deferred = e - b >= 2 && e - b <= 3 && c->tok[b].after_stop && is_common_initial(c, &c->tok[b]);
        for (size_t k = b + 1; k < e; k++)
            if (tok_is_title(&c->tok[k]) && !tok_is_title(&c->tok[k - 1])) {
                b = k; /* "Young Mr. Dobbins" -> "Mr. Dobbins" */
                break;
            }
        if (e > b && e - b <= 3) {
            /* a title alone ("Aunt") is no name */
            if (!(e - b == 1 && tok_is_title(&c->tok[b]))) {
                longsd_status st = count_run(c, b, e, deferred && b == i);
                if (st)
                    return st;
            }
        }
        i = j;
    }
    return LONGSD_OK;
}

/* A run seen at a sentence start behind a common word ("Later Injun Joe")
 * is the whole run if that run also occurs mid-sentence ("Judge Thatcher"
 * is not "Judge" + "Thatcher"), else the rest without the first word. */
static longsd_status resolve_initial(cscan *c)
{
    for (size_t i = 0; i < c->initial.cap; i++) {
        centry *r = &c->initial.e[i];
        if (!r->key)
            continue;
        int oom = 0;
        centry *full = cmap_get(&c->phrases, r->key, r->klen, 0, &oom);
        if (full && full->mid > 0) {
            full->total += r->total;
            continue;
        }
        const char *rest = r->key + r->cut;
        size_t rl = r->klen - r->cut;
        if (rl == 0)
            continue;
        centry *e = cmap_get(memchr(rest, ' ', rl) ? &c->phrases : &c->singles, rest, rl, 1, &oom);
        if (!e)
            return LONGSD_ERR_NOMEM;
        if (e->total == 0)
            e->first = r->first;
        e->total += r->total;
        e->mid += r->total;
    }
    return LONGSD_OK;
}

/* ---- building the cast */

typedef struct {
    char *name, *full_name;
    char *role;             /* "king" for "the king", NULL for a named character */
    char **aliases;
    size_t n_aliases, cap_aliases;
    size_t mentions;
    size_t full_count;      /* occurrences of the chosen full name */
    size_t first;           /* first sight, for ordering ties */
    int gender;
    int title_named;        /* named by its whole phrase ("Aunt Polly", "Injun Joe") */
    size_t male, female;    /* pronoun votes */
} cchar;

typedef struct {
    cchar *v;
    size_t n, cap;
} cchars;

static void cchars_free(cchars *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        longsd__free(cs->v[i].name);
        longsd__free(cs->v[i].full_name);
        longsd__free(cs->v[i].role);
        for (size_t a = 0; a < cs->v[i].n_aliases; a++)
            longsd__free(cs->v[i].aliases[a]);
        longsd__free(cs->v[i].aliases);
    }
    longsd__free(cs->v);
    cs->v = NULL;
    cs->n = cs->cap = 0;
}

static int cchars_add(cchars *cs, const char *name, size_t first)
{
    if (cs->n == cs->cap) {
        size_t ncap = cs->cap ? cs->cap * 2 : 16;
        cchar *nv = longsd__realloc(cs->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        cs->v = nv;
        cs->cap = ncap;
    }
    cchar *c = &cs->v[cs->n];
    memset(c, 0, sizeof *c);
    c->name = longsd__strdup(name);
    c->full_name = longsd__strdup(name);
    c->first = first;
    if (!c->name || !c->full_name) {
        longsd__free(c->name);
        longsd__free(c->full_name);
        return -1;
    }
    return (int)cs->n++;
}

static longsd_status cchar_alias(cchar *c, const char *alias)
{
    if (strcmp(alias, c->name) == 0)
        return LONGSD_OK;
    for (size_t i = 0; i < c->n_aliases; i++)
        if (strcmp(c->aliases[i], alias) == 0)
            return LONGSD_OK;
    if (c->n_aliases == c->cap_aliases) {
        size_t ncap = c->cap_aliases ? c->cap_aliases * 2 : 4;
        char **na = longsd__realloc(c->aliases, ncap * sizeof *na);
        if (!na)
            return LONGSD_ERR_NOMEM;
        c->aliases = na;
        c->cap_aliases = ncap;
    }
    char *d = longsd__strdup(alias);
    if (!d)
        return LONGSD_ERR_NOMEM;
    c->aliases[c->n_aliases++] = d;
    return LONGSD_OK;
}

/* Words of a phrase key: pointers to the first and last word. */
static void phrase_ends(const char *key, size_t kl, size_t *first_len, const char **last, size_t *last_len)
{
    const char *sp = memchr(key, ' ', kl);
    *first_len = sp ? (size_t)(sp - key) : kl;
    if (*first_len && key[*first_len - 1] == '.')
        (*first_len)--;
    const char *ls = key + kl;
    while (ls > key && ls[-1] != ' ')
        ls--;
    *last = ls;
    *last_len = (size_t)(key + kl - ls);
}

static unsigned word_flags(lslex_lang_id lang, const char *w, size_t n)
{
    char low[64];
    size_t ll = lslex_lower(w, n, low, sizeof low, 1);
    return lslex_lookup(lang, low, ll, NULL, NULL);
}

static int entry_cmp_ptr(const void *a, const void *b)
{
    const centry *x = *(const centry *const *)a, *y = *(const centry *const *)b;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int r = memcmp(x->key, y->key, n);
    if (r)
        return r;
    return x->klen < y->klen ? -1 : x->klen > y->klen;
}

/* Entries of m with total >= min, sorted (count desc, key). */
static centry **sorted_entries(const cmap *m, size_t min, size_t *n_out)
{
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->e[i].key && m->e[i].total >= min)
            n++;
    centry **v = longsd__malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return NULL;
    n = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->e[i].key && m->e[i].total >= min)
            v[n++] = &m->e[i];
    qsort(v, n, sizeof *v, entry_cmp_ptr);
    *n_out = n;
    return v;
}

/* May this single capitalised word name a character on its own? */
static int single_qualifies(const cscan *c, const centry *e)
{
    unsigned f = word_flags(c->lang, e->key, e->klen);
    if (f & NOT_NAME_FLAGS)
        return 0;
    if (e->prep * 3 > e->total)
        return 0; /* "in Petersburg", "to Missouri": a place */
    if (c->lang == LSLEX_DE) {
        /* every noun is capitalised: demand evidence of a character */
        if (f & LSLEX_NAME)
            return 1;
        if (f & (LSLEX_PLACE | LSLEX_OBJECT | LSLEX_LIGHT | LSLEX_ABSTRACT | LSLEX_ACTION))
            return 0;
        int noun = ls_dict_de_noun(e->key, e->klen);
        if ((f & LSLEX_PERSON) && e->det * 2 >= e->total && noun != 2)
            return 1; /* "de Fischer", "der Kapitän": named by what they are (not "des Königs") */
        /* "Welt", "Kopf", "Königs": a noun of the dictionary, unless it
         * keeps speaking ("säd de Butt") */
        if (noun && e->speech < 2)
            return 0;
        if (e->speech >= 1)
            return 1;
        /* not in the dictionary is no proof of a name: dialect and the old
         * spelling of 19th-century books ("Thür", "Schloß") are not in it */
        return 0;
    }
    if (e->mid == 0 && !(f & LSLEX_NAME))
        return 0;
    if (e->det * 2 > e->total)
        return 0; /* "the Sloughi", "the Shepherdsons": a ship, a family, a thing */
    char low[64];
    size_t ll = lslex_lower(e->key, e->klen, low, sizeof low, 1);
    int oom = 0;
    centry *lw = cmap_get((cmap *)&c->lower, low, ll, 0, &oom);
    if (lw && lw->total > ((f & LSLEX_NAME) ? 3 * e->total : e->mid))
        return 0; /* "Will" / "will": a common word ("ben" for "been" does not sink Ben) */
    if (f & (LSLEX_PLACE | LSLEX_OBJECT | LSLEX_LIGHT | LSLEX_ABSTRACT | LSLEX_ACTION))
        if (!(f & (LSLEX_NAME | LSLEX_PERSON)))
            return 0;
    return 1;
}

static int phrase_is_place(const cscan *c, const centry *e)
{
    size_t fl, ll;
    const char *last;
    phrase_ends(e->key, e->klen, &fl, &last, &ll);
    unsigned ff = word_flags(c->lang, e->key, fl);
    unsigned lf = word_flags(c->lang, last, ll);
    if (ff & LSLEX_PLACEWORD)
        return 1; /* St. Petersburg, New York, Great Sahara */
    if (lf & LSLEX_PLACE)
        return 1; /* Cardiff Hill, Jackson Island, McDougal Cave */
    if (e->prep * 2 > e->total)
        return 1;
    if ((ff | lf) & (LSLEX_DIVINE | LSLEX_CALENDAR | LSLEX_HEADING))
        return 1;
    return 0;
}

static int same_initial(const char *a, const char *b) { return a[0] && a[0] == b[0]; }

/* Is every word of the phrase a German dictionary noun? */
static int all_dict_nouns(const char *key, size_t kl)
{
    size_t a = 0;
    while (a < kl) {
        size_t b = a;
        while (b < kl && key[b] != ' ')
            b++;
        if (!ls_dict_de_noun(key + a, b - a))
            return 0;
        a = b + 1;
    }
    return 1;
}

/* Surname of a full name: its last word, "" for a single word. */
static const char *surname(const char *full)
{
    const char *sp = strrchr(full, ' ');
    return sp ? sp + 1 : "";
}

static int by_name_ptr(const void *a, const void *b)
{
    const cchar *x = *(const cchar *const *)a, *y = *(const cchar *const *)b;
    return strcmp(x->name, y->name);
}

/* "Huck", "Hucky", "Huckleberry (Finn)": one-word names where one is the
 * start of the other and the surnames do not disagree are one character;
 * the most mentioned form keeps the name. Names sorted, so the longer forms
 * of a name follow it directly: no all-pairs loop. */
static longsd_status merge_short_forms(cchars *cs)
{
    cchar **ix = longsd__malloc((cs->n ? cs->n : 1) * sizeof *ix);
    if (!ix)
        return LONGSD_ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < cs->n; i++)
        if (cs->v[i].name && !strchr(cs->v[i].name, ' ') && cs->v[i].mentions > 0)
            ix[m++] = &cs->v[i];
    if (m > 1)
        qsort(ix, m, sizeof *ix, by_name_ptr);
    longsd_status st = LONGSD_OK;
    for (size_t p = 0; p < m && !st; p++) {
        cchar *a = ix[p];
        size_t la = strlen(a->name);
        if (la < 3)
            continue;
        for (size_t q = p + 1; q < m && !st && strncmp(ix[q]->name, a->name, la) == 0; q++) {
            cchar *b = ix[q];
            if (a->mentions == 0 || b->mentions == 0 || strlen(b->name) <= la)
                continue;
            const char *sa = surname(a->full_name), *sb = surname(b->full_name);
            if (sa[0] && sb[0] && strcmp(sa, sb) != 0)
                continue;
            /* fold the less mentioned into the more mentioned */
            cchar *keep = a->mentions >= b->mentions ? a : b;
            cchar *gone = keep == a ? b : a;
            keep->mentions += gone->mentions;
            gone->mentions = 0;
            st = cchar_alias(keep, gone->name);
            if (!st && strcmp(gone->full_name, gone->name) != 0)
                st = cchar_alias(keep, gone->full_name);
            for (size_t k = 0; !st && k < gone->n_aliases; k++)
                st = cchar_alias(keep, gone->aliases[k]);
            if (!st && !surname(keep->full_name)[0] && surname(gone->full_name)[0]) {
                char *fn = longsd__strdup(gone->full_name);
                if (!fn) {
                    st = LONGSD_ERR_NOMEM;
                    break;
                }
                longsd__free(keep->full_name);
                keep->full_name = fn;
            }
        }
    }
    longsd__free(ix);
    return st;
}

/* May "Tom Sawyer" give its full name to "Tom"? Only on evidence that they
 * are one person: the full form is not rare beside the first name, or it
 * is how the first name came in (seen first, or soon after). Otherwise a
 * late "Jim Turner" would take over the book's Jim. */
#define FULL_FORM_NEAR 20 /* sentences */
static int full_form_evidence(const centry *first, const centry *full)
{
    if (full->total * 20 >= first->total)
        return 1;
    return full->first <= first->first + FULL_FORM_NEAR;
}

/* Fold character `gone` into `keep` (names become aliases). */
static longsd_status fold_into(cchar *keep, cchar *gone)
{
    longsd_status st = LONGSD_OK;
    keep->mentions += gone->mentions;
    gone->mentions = 0;
    st = cchar_alias(keep, gone->name);
    if (!st && strcmp(gone->full_name, gone->name) != 0)
        st = cchar_alias(keep, gone->full_name);
    for (size_t k = 0; !st && k < gone->n_aliases; k++)
        st = cchar_alias(keep, gone->aliases[k]);
    if (!st && !keep->role && gone->role) {
        keep->role = gone->role;
        gone->role = NULL;
    }
    return st;
}

/* "Miss Mary Jane" and "Mary Jane", "Kapitän Nemo" and "Nemo": a title
 * before a name another character already has is the same person. */
static longsd_status fold_titled(const cscan *c, cchars *cs)
{
    cmap names = {0};
    longsd_status st = LONGSD_OK;
    int oom = 0;
    for (size_t i = 0; i < cs->n && !st; i++) {
        const cchar *ch = &cs->v[i];
        if (!ch->mentions || ch->role)
            continue;
        const char *forms[2] = {ch->name, ch->full_name};
        for (int k = 0; k < 2; k++) {
            centry *e = cmap_get(&names, forms[k], strlen(forms[k]), 1, &oom);
            if (!e) {
                st = LONGSD_ERR_NOMEM;
                break;
            }
            if (e->total == 0)
                e->character = (int)i;
            else if (e->character != (int)i)
                e->qualifies = -1;
            e->total++;
        }
    }
    for (size_t i = 0; i < cs->n && !st; i++) {
        cchar *ch = &cs->v[i];
        const char *sp = strchr(ch->name, ' ');
        if (!ch->mentions || !sp)
            continue;
        size_t fl = (size_t)(sp - ch->name);
        if (fl && ch->name[fl - 1] == '.')
            fl--;
        if (!(word_flags(c->lang, ch->name, fl) & LSLEX_TITLE))
            continue;
        const char *rest = sp + 1;
        centry *e = cmap_get(&names, rest, strlen(rest), 0, &oom);
        if (!e || e->qualifies == -1 || e->character == (int)i)
            continue;
        cchar *other = &cs->v[e->character];
        if (!other->mentions)
            continue;
        cchar *keep = other->mentions >= ch->mentions ? other : ch;
        st = fold_into(keep, keep == other ? ch : other);
    }
    cmap_free(&names);
    return st;
}

/* Role-named characters ("the king", "le capitaine") that recur and act.
 * When one named character carries that title ("Widow Douglas" for "the
 * widow"), the role is theirs; else the role is a character of its own. */
#define ROLE_MIN 5
#define ROLE_MIN_ACTS 2
static longsd_status add_roles(const cscan *c, cchars *cs)
{
    longsd_status st = LONGSD_OK;
    for (size_t r = 0; r < c->roles.cap && !st; r++) {
        const centry *e = &c->roles.e[r];
        if (!e->key || e->total < ROLE_MIN || e->speech < ROLE_MIN_ACTS)
            continue;
        const char *noun = strchr(e->key, ' ') + 1;
        size_t nl = strlen(noun);
        /* a named character with this title: the only one */
        int owner = -1, several = 0;
        for (size_t i = 0; i < cs->n; i++) {
            const cchar *ch = &cs->v[i];
            char low[64];
            const char *sp = ch->mentions ? strchr(ch->name, ' ') : NULL;
            if (!sp)
                continue;
            size_t ll = lslex_lower(ch->name, (size_t)(sp - ch->name), low, sizeof low, 0);
            if (ll && low[ll - 1] == '.')
                ll--;
            if (ll == nl && !memcmp(low, noun, nl)) {
                several |= owner >= 0;
                owner = (int)i;
            }
        }
        char *role = longsd__strdup(noun);
        if (!role)
            return LONGSD_ERR_NOMEM;
        if (owner >= 0 && !several) {
            cchar *ch = &cs->v[owner];
            ch->mentions += e->total;
            st = cchar_alias(ch, e->key);
            if (!ch->role)
                ch->role = role, role = NULL;
            longsd__free(role);
            continue;
        }
        int idx = cchars_add(cs, e->key, e->first);
        if (idx < 0) {
            longsd__free(role);
            return LONGSD_ERR_NOMEM;
        }
        cs->v[idx].mentions = e->total;
        cs->v[idx].role = role;
        cs->v[idx].title_named = 1;
    }
    return st;
}

static longsd_status build_cast(cscan *c, cchars *cs)
{
    longsd_status st = LONGSD_OK;
    size_t n_ph = 0, n_si = 0;
    centry **ph = sorted_entries(&c->phrases, 2, &n_ph);
    centry **si = sorted_entries(&c->singles, 1, &n_si);
    /* surname -> owner: -1 none yet, -2 ambiguous (kept in a map) */
    cmap owners = {0};
    cmap firsts = {0}; /* first word of a phrase-named character -> it ("Muff" -> Muff Potter) */
    if (!ph || !si) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n_si; i++)
        si[i]->qualifies = single_qualifies(c, si[i]);

    for (size_t i = 0; i < n_ph; i++) {
        centry *p = ph[i];
        if (phrase_is_place(c, p))
            continue;
        if (c->lang == LSLEX_DE && p->mid == 0)
            continue;
        if (c->lang == LSLEX_DE && !(word_flags(c->lang, p->key, strcspn(p->key, " .")) & LSLEX_TITLE) &&
            all_dict_nouns(p->key, p->klen))
            continue; /* "Uhr Abends", "Schloß Garten": nouns, not a name */
        size_t fl, ll;
        const char *last;
        phrase_ends(p->key, p->klen, &fl, &last, &ll);
        unsigned ff = word_flags(c->lang, p->key, fl);
        int oom = 0;
        centry *first_single = cmap_get(&c->singles, p->key, fl, 0, &oom);
        int idx = -1;
        if (ff & LSLEX_TITLE) {
            idx = cchars_add(cs, p->key, p->first);
            if (idx < 0) {
                st = LONGSD_ERR_NOMEM;
                goto out;
            }
            cs->v[idx].title_named = 1;
            cs->v[idx].mentions = p->total;
            cs->v[idx].full_count = p->total;
        } else if (first_single && first_single->qualifies && first_single->total >= p->total &&
                   full_form_evidence(first_single, p)) {
            /* "Tom" + "Tom Sawyer": the first name is the character */
            if (first_single->character < 0) {
                char nm[128];
                size_t k = fl < sizeof nm - 1 ? fl : sizeof nm - 1;
                memcpy(nm, p->key, k);
                nm[k] = '\0';
                idx = cchars_add(cs, nm, first_single->first);
                if (idx < 0) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                first_single->character = idx;
                cs->v[idx].mentions = first_single->total;
            }
            idx = first_single->character;
            cchar *ch = &cs->v[idx];
            ch->mentions += p->total;
            if (p->total > ch->full_count) {
                char *fn = longsd__strdup(p->key);
                if (!fn) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                longsd__free(ch->full_name);
                ch->full_name = fn;
                ch->full_count = p->total;
            }
            if ((st = cchar_alias(ch, p->key)))
                goto out;
        } else {
            /* "Injun Joe", "Muff Potter"; or "Huckleberry Finn" / "Thomas
             * Sawyer" when a character of the same initial owns the surname */
            centry *own = cmap_get(&owners, last, ll, 0, &oom);
            if (own && own->character >= 0 && own->qualifies != -1 && !cs->v[own->character].title_named &&
                same_initial(cs->v[own->character].name, p->key)) {
                idx = own->character;
                cs->v[idx].mentions += p->total;
                if ((st = cchar_alias(&cs->v[idx], p->key)))
                    goto out;
            } else {
                idx = cchars_add(cs, p->key, p->first);
                if (idx < 0) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                cs->v[idx].title_named = 1;
                cs->v[idx].mentions = p->total;
                cs->v[idx].full_count = p->total;
            }
        }
        if (!(ff & LSLEX_TITLE) && !(first_single && first_single->character == idx)) {
            centry *fo = cmap_get(&firsts, p->key, fl, 1, &oom);
            if (!fo) {
                st = LONGSD_ERR_NOMEM;
                goto out;
            }
            if (fo->total == 0)
                fo->character = idx;
            else if (fo->character != idx)
                fo->qualifies = -1;
            fo->total++;
            /* "Jim" is not "Jim Turner" when the full form is rare and late:
             * the first name stays a character of its own */
            if (first_single && first_single->qualifies && first_single->total >= p->total)
                fo->qualifies = -1;
        }
        /* the last word (surname) now belongs to idx, or to nobody if shared */
        if (ll && !(word_flags(c->lang, last, ll) & NOT_NAME_FLAGS)) {
            centry *own = cmap_get(&owners, last, ll, 1, &oom);
            if (!own) {
                st = LONGSD_ERR_NOMEM;
                goto out;
            }
            if (own->total == 0)
                own->character = idx;
            else if (own->character != idx)
                own->qualifies = -1; /* ambiguous */
            own->total++;
        }
    }

    for (size_t i = 0; i < n_si; i++) {
        centry *e = si[i];
        if (e->character >= 0)
            continue; /* a first name already placed (its count is in) */
        if (!e->qualifies)
            continue;
        int oom = 0;
        centry *own = cmap_get(&owners, e->key, e->klen, 0, &oom);
        if (!own) {
            own = cmap_get(&firsts, e->key, e->klen, 0, &oom);
            if (own && own->qualifies == -1)
                own = NULL;
        }
        if (own) {
            if (own->qualifies == -1)
                continue; /* "Thatcher": Becky, Judge and Mrs. Thatcher */
            cchar *ch = &cs->v[own->character];
            ch->mentions += e->total;
            if ((st = cchar_alias(ch, e->key)))
                goto out;
            e->character = own->character;
            continue;
        }
        int idx = cchars_add(cs, e->key, e->first);
        if (idx < 0) {
            st = LONGSD_ERR_NOMEM;
            goto out;
        }
        cs->v[idx].mentions = e->total;
        e->character = idx;
    }
    if (!st)
        st = add_roles(c, cs);
    if (!st)
        st = fold_titled(c, cs);
    if (!st)
        st = merge_short_forms(cs);
out:
    longsd__free(ph);
    longsd__free(si);
    cmap_free(&owners);
    cmap_free(&firsts);
    return st;
}

/* ---- forms and matching (shared with ideas_extract.c) */

static size_t form_words(const char *s, uint64_t tok[4])
{
    lslex_scan sc;
    lsword w;
    size_t n = 0;
    lslex_scan_init(&sc, s, strlen(s));
    while (lslex_next_word(&sc, &w)) {
        if (n == 4)
            return 0;
        tok[n++] = lslex_word_hash(s + w.start, w.end - w.start);
    }
    return n;
}

static int form_cmp(const void *a, const void *b)
{
    const ls_cast_form *x = a, *y = b;
    if (x->tok[0] != y->tok[0])
        return x->tok[0] < y->tok[0] ? -1 : 1;
    if (x->n_tok != y->n_tok)
        return x->n_tok > y->n_tok ? -1 : 1;
    if (x->character != y->character)
        return x->character < y->character ? -1 : 1;
    return 0;
}

longsd_status ls_cast_forms(const ls_character *cast, size_t n_cast, ls_cast_form **forms, size_t *n_forms)
{
    *forms = NULL;
    *n_forms = 0;
    size_t cap = 0;
    for (size_t i = 0; i < n_cast; i++)
        cap += 2 + cast[i].n_aliases;
    ls_cast_form *f = longsd__calloc(cap ? cap : 1, sizeof *f);
    if (!f)
        return LONGSD_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < n_cast; i++) {
        size_t first = n; /* this character's forms start here: dedup among them only */
        const char *src[64];
        size_t ns = 0;
        if (cast[i].name)
            src[ns++] = cast[i].name;
        if (cast[i].full_name)
            src[ns++] = cast[i].full_name;
        for (size_t a = 0; a < cast[i].n_aliases && ns < 64; a++)
            if (cast[i].aliases[a])
                src[ns++] = cast[i].aliases[a];
        for (size_t k = 0; k < ns; k++) {
            ls_cast_form fm = {.character = i};
            fm.n_tok = form_words(src[k], fm.tok);
            if (!fm.n_tok)
                continue;
            int dup = 0;
            for (size_t j = first; j < n && !dup; j++)
                dup = f[j].character == i && f[j].n_tok == fm.n_tok &&
                      memcmp(f[j].tok, fm.tok, fm.n_tok * sizeof fm.tok[0]) == 0;
            if (!dup)
                f[n++] = fm;
        }
    }
    qsort(f, n, sizeof *f, form_cmp);
    *forms = f;
    *n_forms = n;
    return LONGSD_OK;
}

size_t ls_cast_match(const ls_cast_form *forms, size_t n_forms, const uint64_t *h, size_t n, size_t i,
                     size_t *character)
{
    if (i >= n)
        return 0;
    /* forms are sorted by first word: binary search, then longest first */
    size_t lo = 0, hi = n_forms;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (forms[mid].tok[0] < h[i])
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < n_forms && forms[k].tok[0] == h[i]; k++) {
        const ls_cast_form *f = &forms[k];
        if (i + f->n_tok > n)
            continue;
        size_t t = 1;
        while (t < f->n_tok && h[i + t] == f->tok[t])
            t++;
        if (t == f->n_tok) {
            *character = f->character;
            return f->n_tok;
        }
    }
    return 0;
}

/* ---- pass 2: gender from titles, known names and nearby pronouns */

static longsd_status guess_genders(const longsd_story *s, lslex_lang_id lang, cchars *cs, ls_character *out,
                                   const ls_cast_form *forms, size_t n_forms)
{
    uint64_t *h = NULL;
    unsigned *fl = NULL;
    size_t cap = 0;
    longsd_status st = LONGSD_OK;
    size_t prev_char = (size_t)-1; /* sole character of the previous sentence */
    for (size_t si = 0; si < s->n_sentences; si++) {
        const ls_sentence *sn = &s->sentences[si];
        if (sn->para < s->n_paras && s->paras[sn->para].is_heading)
            continue;
        lslex_scan sc;
        lsword w;
        size_t n = 0;
        lslex_scan_init(&sc, s->data + sn->start, sn->end - sn->start);
        while (lslex_next_word(&sc, &w)) {
            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 64;
                uint64_t *nh = longsd__realloc(h, ncap * sizeof *nh);
                if (!nh) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                h = nh;
                unsigned *nf = longsd__realloc(fl, ncap * sizeof *nf);
                if (!nf) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                fl = nf;
                cap = ncap;
            }
            const char *p = s->data + sn->start + w.start;
            size_t wl = w.end - w.start;
            h[n] = lslex_word_hash(p, wl);
            char low[32];
            size_t ll = lslex_lower(p, wl, low, sizeof low, 0);
            unsigned f = lslex_lookup(lang, low, ll, NULL, NULL);
            fl[n++] = (f & LSLEX_PRONOUN) ? (f & (LSLEX_MALE | LSLEX_FEMALE)) : 0;
        }
        size_t only = (size_t)-1;
        int several = 0;
        size_t male = 0, female = 0;
        for (size_t i = 0; i < n; i++) {
            size_t ch;
            size_t m = ls_cast_match(forms, n_forms, h, n, i, &ch);
            if (m) {
                if (only == (size_t)-1)
                    only = ch;
                else if (only != ch)
                    several = 1;
                i += m - 1;
                continue;
            }
            if (only != (size_t)-1 && !several) {
                male += (fl[i] & LSLEX_MALE) != 0;
                female += (fl[i] & LSLEX_FEMALE) != 0;
            }
        }
        if (!several && only != (size_t)-1) {
            cs->v[only].male += male;
            cs->v[only].female += female;
            prev_char = only;
        } else if (only == (size_t)-1 && prev_char != (size_t)-1) {
            /* "Tom took the brush. He climbed ..." */
            for (size_t i = 0; i < n && i < 3; i++) {
                cs->v[prev_char].male += (fl[i] & LSLEX_MALE) != 0;
                cs->v[prev_char].female += (fl[i] & LSLEX_FEMALE) != 0;
            }
            prev_char = (size_t)-1;
        } else {
            prev_char = (size_t)-1;
        }
    }
    for (size_t i = 0; i < cs->n; i++) {
        cchar *c = &cs->v[i];
        /* a title or a known first name decides; else a clear pronoun majority */
        size_t fl0;
        const char *last;
        size_t ll;
        phrase_ends(out[i].name, strlen(out[i].name), &fl0, &last, &ll);
        unsigned f = word_flags(lang, out[i].name, fl0);
        if ((f & LSLEX_MALE) && !(f & LSLEX_FEMALE))
            c->gender = LS_GENDER_MALE;
        else if ((f & LSLEX_FEMALE) && !(f & LSLEX_MALE))
            c->gender = LS_GENDER_FEMALE;
        else if (c->male >= 3 && c->male > 3 * c->female)
            c->gender = LS_GENDER_MALE;
        else if (c->female >= 3 && c->female > 3 * c->male)
            c->gender = LS_GENDER_FEMALE;
        out[i].gender = c->gender;
    }
out:
    longsd__free(h);
    longsd__free(fl);
    return st;
}

/* ---- public */

static int cchar_cmp(const void *a, const void *b)
{
    const cchar *x = a, *y = b;
    if (x->mentions != y->mentions)
        return x->mentions > y->mentions ? -1 : 1;
    return strcmp(x->name, y->name);
}

longsd_status ls_cast_find(const longsd_story *s, size_t max_cast, ls_character **cast, size_t *n_cast, lserr *err)
{
    cscan c = {.s = s, .lang = lslex_lang(s ? s->lang : NULL)};
    cchars cs = {0};
    ls_cast_form *forms = NULL;
    size_t n_forms = 0;
    ls_character *out = NULL;
    size_t n_out = 0;
    longsd_status st = LONGSD_OK;
    if (!cast || !n_cast || !s)
        return lserr_set(err, LONGSD_ERR_PARAM, "ls_cast_find: NULL argument");
    *cast = NULL;
    *n_cast = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t si = 0; si < s->n_sentences; si++) {
            const ls_sentence *sn = &s->sentences[si];
            if (sn->para < s->n_paras && s->paras[sn->para].is_heading)
                continue;
            if (sn->end <= sn->start || sn->end > s->len)
                continue;
            c.sentence_no = si;
            if ((st = scan_sentence(&c, sn->start, sn->end, pass)))
                goto out;
        }
    if ((st = resolve_initial(&c)))
        goto out;
    if ((st = build_cast(&c, &cs)))
        goto out;
    /* drop the rare ones, then order */
    size_t k = 0;
    for (size_t i = 0; i < cs.n; i++) {
        if (cs.v[i].mentions >= CAST_MIN_MENTIONS) {
            cs.v[k++] = cs.v[i];
        } else {
            longsd__free(cs.v[i].name);
            longsd__free(cs.v[i].full_name);
            longsd__free(cs.v[i].role);
            for (size_t a = 0; a < cs.v[i].n_aliases; a++)
                longsd__free(cs.v[i].aliases[a]);
            longsd__free(cs.v[i].aliases);
        }
    }
    cs.n = k;
    if (cs.n > 1)
        qsort(cs.v, cs.n, sizeof *cs.v, cchar_cmp);
    if (max_cast && cs.n > max_cast) {
        for (size_t i = max_cast; i < cs.n; i++) {
            longsd__free(cs.v[i].name);
            longsd__free(cs.v[i].full_name);
            longsd__free(cs.v[i].role);
            for (size_t a = 0; a < cs.v[i].n_aliases; a++)
                longsd__free(cs.v[i].aliases[a]);
            longsd__free(cs.v[i].aliases);
        }
        cs.n = max_cast;
    }
    out = longsd__calloc(cs.n ? cs.n : 1, sizeof *out);
    if (!out) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    /* hand the strings over */
    for (size_t i = 0; i < cs.n; i++) {
        out[i].name = cs.v[i].name;
        out[i].full_name = cs.v[i].full_name;
        out[i].aliases = cs.v[i].aliases;
        out[i].n_aliases = cs.v[i].n_aliases;
        out[i].mentions = cs.v[i].mentions;
        out[i].role = cs.v[i].role;
        cs.v[i].role = NULL;
        cs.v[i].name = cs.v[i].full_name = NULL;
        cs.v[i].aliases = NULL;
        cs.v[i].n_aliases = 0;
        n_out++;
        out[i].description = longsd__strdup("");
        if (!out[i].description) {
            st = LONGSD_ERR_NOMEM;
            goto out;
        }
        /* German: "de Fischer", "de Fru" are characters named by what they are */
        if (c.lang == LSLEX_DE && !out[i].role && !strchr(out[i].name, ' ') &&
            (word_flags(c.lang, out[i].name, strlen(out[i].name)) & (LSLEX_PERSON | LSLEX_TITLE))) {
            char low[64];
            lslex_lower(out[i].name, strlen(out[i].name), low, sizeof low, 0);
            if (!(out[i].role = longsd__strdup(low))) {
                st = LONGSD_ERR_NOMEM;
                goto out;
            }
        }
    }
    if ((st = ls_cast_forms(out, n_out, &forms, &n_forms)))
        goto out;
    if ((st = guess_genders(s, c.lang, &cs, out, forms, n_forms)))
        goto out;
    if ((st = ls_narrator_find(s, &out, &n_out, max_cast)))
        goto out;
out:
    if (st) {
        ls_cast_free(out, n_out);
        out = NULL;
        n_out = 0;
        lserr_set(err, st, "%s: out of memory while finding the cast", s->name ? s->name : "story");
    } else {
        *cast = out;
        *n_cast = n_out;
    }
    longsd__free(forms);
    cchars_free(&cs);
    cmap_free(&c.singles);
    cmap_free(&c.phrases);
    cmap_free(&c.lower);
    cmap_free(&c.initial);
    cmap_free(&c.roles);
    longsd__free(c.tok);
    return st;
}

void ls_cast_free(ls_character *cast, size_t n)
{
    if (!cast)
        return;
    for (size_t i = 0; i < n; i++) {
        longsd__free(cast[i].name);
        longsd__free(cast[i].full_name);
        for (size_t a = 0; a < cast[i].n_aliases; a++)
            longsd__free(cast[i].aliases[a]);
        longsd__free(cast[i].aliases);
        longsd__free(cast[i].description);
        longsd__free(cast[i].role);
    }
    longsd__free(cast);
}
