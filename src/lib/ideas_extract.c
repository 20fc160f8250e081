/* ideas_extract.c - the built-in idea extractor (no LLM). A painter needs
 * people, places, objects, actions, light and colour; dialogue and abstract
 * talk give them nothing. So every passage of 1-3 sentences of a paragraph
 * is scored by its concrete words, the part is cut into k equal word-slices
 * and the best passage of each slice is taken (so ideas spread over the
 * part), gaps are filled with the best of the rest, near-duplicates are
 * refused, and each chosen passage becomes an idea: its quote, a scene
 * rewritten for painting (speech tags cut, pronouns resolved) and a short
 * title ("Tom whitewashing the fence").
 *
 * Cost: one scan of the part's bytes plus O(k * candidates) for selection;
 * nothing depends on the size of the whole story. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ideas.h"
#include "lexicon.h"

#define MIN_WORDS 8
#define MAX_WORDS_ONE 70   /* a single sentence */
#define MAX_WORDS_WINDOW 60/* two or three sentences: the quote's budget */
#define MAX_WINDOW 3
#define JACCARD_MAX 0.5
#define DIALOGUE_RATIO 0.5 /* more quoted words than this: dialogue */

#define CONCRETE (LSLEX_PERSON | LSLEX_PLACE | LSLEX_OBJECT | LSLEX_ACTION | LSLEX_LIGHT)
#define CAT_CAST (1u << 24)

/* ------------------------------------------------------------------------
 * Word scoring, shared by the extractor and ls_ideas_score_text */

typedef struct {
    double vis;          /* paintable points of unquoted words */
    size_t words, quoted;
    size_t abstract;
    unsigned cats;       /* CONCRETE bits seen, CAT_CAST */
} wscore;

static double word_points(unsigned f)
{
    if (f & (LSLEX_STOP | LSLEX_PRONOUN | LSLEX_DET | LSLEX_CONJ))
        return 0;
    double p = 0;
    if (f & LSLEX_PERSON)
        p += 2.0;
    else if (f & LSLEX_PLACE)
        p += 2.0;
    else if (f & LSLEX_OBJECT)
        p += 1.5;
    if (f & LSLEX_ACTION)
        p += 1.5;
    if (f & LSLEX_LIGHT)
        p += 1.5;
    if (f & LSLEX_ABSTRACT)
        p -= 1.5;
    if (f & LSLEX_SPEECH)
        p -= 0.5;
    return p;
}

static double window_score(const wscore *w)
{
    if (w->words == 0)
        return -10;
    double n = (double)w->words;
    int ncat = 0;
    for (unsigned b = 0; b < 25; b++)
        if ((CONCRETE | CAT_CAST) & w->cats & (1u << b))
            ncat++;
    double sc = w->vis / sqrt(n) * (1.0 + 0.2 * ncat);
    sc -= 3.0 * ((double)w->quoted / n);
    if (w->words < 12)
        sc *= 0.85;
    return sc;
}

/* ------------------------------------------------------------------------
 * Per-part analysis */

typedef struct {
    size_t idx;         /* sentence index in the story */
    size_t para;
    size_t words, quoted, abstract;
    size_t wpos;        /* words of the part before it */
    double vis;
    unsigned cats;
    size_t names;       /* cast mentions outside quotes */
    int dialogue;       /* dialogue only: never an anchor of its own */
    int skip;           /* heading or empty */
    size_t h_off, h_n;  /* content-word hashes in the pool, sorted, unique */
} sfeat;

typedef struct {
    size_t first;       /* index into feats */
    size_t n;           /* sentences */
    double score;
    size_t slice;
} cand;

typedef struct {
    const longsd_story *s;
    lslex_lang_id lang;
    const ls_character *cast;
    size_t n_cast;
    ls_cast_form *forms;
    size_t n_forms;
    sfeat *f;
    size_t n_f;
    uint64_t *pool;
    size_t n_pool, cap_pool;
    cand *c;
    size_t n_c;
    size_t total_words;
} xpart;

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static longsd_status pool_push(xpart *x, uint64_t h)
{
    if (x->n_pool == x->cap_pool) {
        size_t ncap = x->cap_pool ? x->cap_pool * 2 : 1024;
        uint64_t *np = longsd__realloc(x->pool, ncap * sizeof *np);
        if (!np)
            return LONGSD_ERR_NOMEM;
        x->pool = np;
        x->cap_pool = ncap;
    }
    x->pool[x->n_pool++] = h;
    return LONGSD_OK;
}

/* Lower-case a word and look it up. */
static unsigned word_lookup(lslex_lang_id lang, const char *w, size_t n, char *low, size_t cap, size_t *ll,
                            const char **base, size_t *blen)
{
    *ll = lslex_lower(w, n, low, cap, 1);
    const char *b = NULL;
    size_t bl = 0;
    unsigned f = lslex_lookup(lang, low, *ll, &b, &bl);
    if (base) {
        *base = f ? b : low;
        *blen = f ? bl : *ll;
    }
    return f;
}

/* German capitalises its nouns: a lower-case "meer" (Low German "more") is
 * no sea. */
static unsigned noun_case(lslex_lang_id lang, unsigned f, int upper)
{
    if (lang == LSLEX_DE && !upper)
        f &= ~(unsigned)(LSLEX_PERSON | LSLEX_PLACE | LSLEX_OBJECT);
    return f;
}

/* Scan paragraph pi, whose sentences are feats [f0, f0 + n). */
static longsd_status scan_paragraph(xpart *x, size_t pi, size_t f0, size_t nf)
{
    const longsd_story *s = x->s;
    const ls_para *p = &s->paras[pi];
    longsd_status st = LONGSD_OK;
    uint64_t *h = NULL;
    size_t *wsent = NULL;
    unsigned *wflags = NULL;
    unsigned char *wq = NULL;
    uint64_t *wlow = NULL;
    size_t n = 0, cap = 0;
    lslex_scan sc;
    lsword w;
    if (p->end <= p->start || p->end > s->len)
        return LONGSD_OK;
    lslex_scan_init(&sc, s->data + p->start, p->end - p->start);
    size_t cur = 0;
    while (lslex_next_word(&sc, &w)) {
        size_t at = p->start + w.start;
        while (cur < nf && at >= s->sentences[x->f[f0 + cur].idx].end)
            cur++;
        if (cur >= nf)
            break;
        if (at < s->sentences[x->f[f0 + cur].idx].start)
            continue; /* between sentences */
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            uint64_t *nh = longsd__realloc(h, ncap * sizeof *nh);
            if (!nh)
                goto oom;
            h = nh;
            size_t *ns = longsd__realloc(wsent, ncap * sizeof *ns);
            if (!ns)
                goto oom;
            wsent = ns;
            unsigned *nfl = longsd__realloc(wflags, ncap * sizeof *nfl);
            if (!nfl)
                goto oom;
            wflags = nfl;
            unsigned char *nq = longsd__realloc(wq, ncap);
            if (!nq)
                goto oom;
            wq = nq;
            uint64_t *nl = longsd__realloc(wlow, ncap * sizeof *nl);
            if (!nl)
                goto oom;
            wlow = nl;
            cap = ncap;
        }
        const char *wp = s->data + at;
        size_t wl = w.end - w.start;
        char low[64];
        size_t ll;
        unsigned fl = noun_case(x->lang, word_lookup(x->lang, wp, wl, low, sizeof low, &ll, NULL, NULL), w.upper);
        h[n] = lslex_word_hash(wp, wl);
        wlow[n] = lsfnv1a64(low, ll, LSFNV_SEED);
        wsent[n] = cur;
        wflags[n] = fl;
        wq[n] = (unsigned char)w.quoted;
        n++;
        sfeat *sf = &x->f[f0 + cur];
        sf->words++;
        if (w.quoted) {
            sf->quoted++;
        } else {
            sf->vis += word_points(fl);
            sf->cats |= fl & CONCRETE;
            if (fl & LSLEX_ABSTRACT)
                sf->abstract++;
        }
    }
    /* cast mentions (unquoted) */
    for (size_t i = 0; i < n; i++) {
        size_t ch;
        size_t m = ls_cast_match(x->forms, x->n_forms, h, n, i, &ch);
        if (!m)
            continue;
        sfeat *sf = &x->f[f0 + wsent[i]];
        if (!wq[i]) {
            /* two people make a scene; more names add nothing to paint
             * (and a roll call of them is no scene at all) */
            if (sf->names < 2)
                sf->vis += 3.0;
            sf->names++;
            sf->cats |= CAT_CAST;
        }
        i += m - 1;
    }
    /* content-word sets for the near-duplicate test */
    for (size_t i = 0, k = 0; k < nf; k++) {
        sfeat *sf = &x->f[f0 + k];
        sf->h_off = x->n_pool;
        for (; i < n && wsent[i] == k; i++) {
            if (wflags[i] & (LSLEX_STOP | LSLEX_DET | LSLEX_PRONOUN | LSLEX_CONJ | LSLEX_PREP))
                continue;
            uint64_t hh = wlow[i];
            if ((st = pool_push(x, hh)))
                goto out;
        }
        sf->h_n = x->n_pool - sf->h_off;
        if (sf->h_n > 1) {
            uint64_t *a = x->pool + sf->h_off;
            qsort(a, sf->h_n, sizeof *a, u64_cmp);
            size_t u = 1;
            for (size_t j = 1; j < sf->h_n; j++)
                if (a[j] != a[u - 1])
                    a[u++] = a[j];
            x->n_pool = sf->h_off + u;
            sf->h_n = u;
        }
    }
    for (size_t k = 0; k < nf; k++) {
        sfeat *sf = &x->f[f0 + k];
        const ls_sentence *sn = &s->sentences[sf->idx];
        sf->dialogue = sf->words == 0 || sn->in_quotes || (double)sf->quoted > DIALOGUE_RATIO * (double)sf->words;
    }
    goto out;
oom:
    st = LONGSD_ERR_NOMEM;
out:
    longsd__free(h);
    longsd__free(wsent);
    longsd__free(wflags);
    longsd__free(wq);
    longsd__free(wlow);
    return st;
}

static longsd_status analyse_part(xpart *x, const ls_part *part)
{
    const longsd_story *s = x->s;
    size_t p_end = part->first_para + part->n_paras;
    if (p_end > s->n_paras)
        p_end = s->n_paras;
    size_t n = 0;
    for (size_t pi = part->first_para; pi < p_end; pi++)
        n += s->paras[pi].n_sentences;
    x->f = longsd__calloc(n ? n : 1, sizeof *x->f);
    if (!x->f)
        return LONGSD_ERR_NOMEM;
    size_t k = 0;
    for (size_t pi = part->first_para; pi < p_end; pi++) {
        const ls_para *p = &s->paras[pi];
        size_t f0 = k;
        for (size_t j = 0; j < p->n_sentences; j++) {
            size_t si = p->first_sentence + j;
            if (si >= s->n_sentences)
                break;
            const ls_sentence *sn = &s->sentences[si];
            sfeat *sf = &x->f[k++];
            sf->idx = si;
            sf->para = pi;
            sf->skip = p->is_heading || sn->end <= sn->start || sn->start < part->start || sn->end > part->end;
        }
        longsd_status st = scan_paragraph(x, pi, f0, k - f0);
        if (st)
            return st;
    }
    x->n_f = k;
    size_t pos = 0;
    for (size_t i = 0; i < k; i++) {
        x->f[i].wpos = pos;
        pos += x->f[i].words;
    }
    x->total_words = pos;
    return LONGSD_OK;
}

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return x->n < y->n ? -1 : x->n > y->n;
}

static int ends_with_colon(const longsd_story *s, size_t si)
{
    const ls_sentence *sn = &s->sentences[si];
    size_t e = sn->end;
    while (e > sn->start && (s->data[e - 1] == ' ' || s->data[e - 1] == '\n' || s->data[e - 1] == '\r' ||
                             s->data[e - 1] == '\t'))
        e--;
    return e > sn->start && s->data[e - 1] == ':';
}

/* "Ned Land, Conseil, the captain, Nemo and I": a list of names is not a
 * scene. Four or more mentions making a quarter of the words or more. */
static int is_roll_call(size_t names, size_t words) { return names >= 4 && names * 4 >= words; }

static longsd_status make_candidates(xpart *x, int k, size_t max_window)
{
    longsd__free(x->c);
    x->c = longsd__calloc(x->n_f * MAX_WINDOW + 1, sizeof *x->c);
    x->n_c = 0;
    if (!x->c)
        return LONGSD_ERR_NOMEM;
    for (size_t i = 0; i < x->n_f; i++) {
        if (x->f[i].skip || x->f[i].dialogue)
            continue;
        wscore ws = {0};
        size_t names = 0;
        for (size_t n = 1; n <= max_window && i + n <= x->n_f; n++) {
            const sfeat *sf = &x->f[i + n - 1];
            if (sf->skip || sf->para != x->f[i].para)
                break;
            ws.vis += sf->vis;
            ws.words += sf->words;
            ws.quoted += sf->quoted;
            ws.abstract += sf->abstract;
            ws.cats |= sf->cats;
            names += sf->names;
            if (ws.words > (n == 1 ? MAX_WORDS_ONE : MAX_WORDS_WINDOW))
                break;
            if (ws.words < MIN_WORDS || sf->dialogue)
                continue; /* a window must end on narration too */
            if (n > 1 && sf->words < 5)
                continue; /* "Aunt Polly said:" adds nothing to paint */
            if ((double)ws.quoted > DIALOGUE_RATIO * (double)ws.words)
                continue;
            if (is_roll_call(names, ws.words))
                continue;
            cand *c = &x->c[x->n_c++];
            c->first = i;
            c->n = n;
            c->score = window_score(&ws);
            /* windows must earn their extra sentences */
            if (n > 1)
                c->score -= 0.15 * (double)(n - 1);
            if (ends_with_colon(x->s, sf->idx))
                c->score -= 1.0; /* "... and said:" leads into speech */
            size_t tw = x->total_words ? x->total_words : 1;
            c->slice = (size_t)((double)x->f[i].wpos * (double)k / (double)tw);
            if (c->slice >= (size_t)k)
                c->slice = (size_t)k - 1;
        }
    }
    qsort(x->c, x->n_c, sizeof *x->c, cand_cmp);
    return LONGSD_OK;
}

/* |A ∩ B| / |A ∪ B| over the content words of two candidates. */
static double jaccard(const xpart *x, const cand *a, const cand *b)
{
    uint64_t sa[256], sb[256];
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < a->n; i++) {
        const sfeat *f = &x->f[a->first + i];
        for (size_t j = 0; j < f->h_n && na < 256; j++)
            sa[na++] = x->pool[f->h_off + j];
    }
    for (size_t i = 0; i < b->n; i++) {
        const sfeat *f = &x->f[b->first + i];
        for (size_t j = 0; j < f->h_n && nb < 256; j++)
            sb[nb++] = x->pool[f->h_off + j];
    }
    if (a->n > 1) {
        qsort(sa, na, sizeof sa[0], u64_cmp);
    }
    if (b->n > 1) {
        qsort(sb, nb, sizeof sb[0], u64_cmp);
    }
    size_t i = 0, j = 0, inter = 0, uni = 0;
    uint64_t last = 0;
    int have = 0;
    while (i < na || j < nb) {
        uint64_t v;
        int both = 0;
        if (j >= nb || (i < na && sa[i] < sb[j]))
            v = sa[i++];
        else if (i >= na || sb[j] < sa[i])
            v = sb[j++];
        else {
            v = sa[i++];
            j++;
            both = 1;
        }
        if (have && v == last)
            continue;
        have = 1;
        last = v;
        uni++;
        inter += both;
    }
    return uni ? (double)inter / (double)uni : 1.0;
}

static int conflicts(const xpart *x, const cand *c, const cand *chosen, size_t n_chosen, int allow_same_para)
{
    for (size_t i = 0; i < n_chosen; i++) {
        const cand *o = &chosen[i];
        if (c->first < o->first + o->n && o->first < c->first + c->n)
            return 1; /* overlapping sentences */
        if (!allow_same_para && x->f[c->first].para == x->f[o->first].para)
            return 1;
        if (jaccard(x, c, o) > JACCARD_MAX)
            return 1;
    }
    return 0;
}

static size_t select_ideas(const xpart *x, int k, cand *out)
{
    size_t n = 0;
    /* 1: the best passage of each slice */
    for (size_t sl = 0; sl < (size_t)k; sl++) {
        for (size_t i = 0; i < x->n_c; i++) {
            const cand *c = &x->c[i];
            if (c->slice == sl && !conflicts(x, c, out, n, 0)) {
                out[n++] = *c;
                break;
            }
        }
    }
    /* 2: fill from the best of the rest; 3: allow a second passage of a paragraph */
    for (int allow = 0; allow <= 1 && n < (size_t)k; allow++)
        for (size_t i = 0; i < x->n_c && n < (size_t)k; i++)
            if (!conflicts(x, &x->c[i], out, n, allow))
                out[n++] = x->c[i];
    return n;
}

static int cand_pos_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* ------------------------------------------------------------------------
 * Scene: the passage rewritten for painting */

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Trim spaces, commas, semicolons and dashes from both ends of b[*s..*e). */
static void trim_joiners(const char *b, size_t *s, size_t *e)
{
    while (*s < *e && (is_space(b[*s]) || b[*s] == ',' || b[*s] == ';' || b[*s] == '-' || b[*s] == ':'))
        (*s)++;
    while (*e > *s && (is_space(b[*e - 1]) || b[*e - 1] == ',' || b[*e - 1] == ';' || b[*e - 1] == '-' ||
                       b[*e - 1] == ':'))
        (*e)--;
}

static int word_count(const char *p, size_t n)
{
    lslex_scan sc;
    lsword w;
    int k = 0;
    lslex_scan_init(&sc, p, n);
    while (lslex_next_word(&sc, &w))
        k++;
    return k;
}

/* Code point and length of the quotation mark at t[i], 0 if none. */
static int quote_at(const char *t, size_t n, size_t i)
{
    unsigned char c = (unsigned char)t[i];
    if (c == '"')
        return 1;
    if (c != 0xC2 && c != 0xE2)
        return 0;
    int l = lsutf8_seqlen((const unsigned char *)t + i, n - i);
    return l && lslex_is_quote(lsutf8_decode((const unsigned char *)t + i, l)) ? l : 0;
}

/* Is the quoted run t(a, z) a scare quote inside narration ("an old
 * "haunted" house") rather than speech? Short, and glued to a word that is
 * not a speech verb. */
static int scare_quote(lslex_lang_id lang, const char *t, size_t open, size_t a, size_t z)
{
    if (word_count(t + a, z - a) > 3)
        return 0;
    size_t p = open;
    while (p > 0 && is_space(t[p - 1]))
        p--;
    if (p == 0 || p == open)
        return 0;
    unsigned char c = (unsigned char)t[p - 1];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80))
        return 0;
    size_t w = p;
    while (w > 0 && !is_space(t[w - 1]))
        w--;
    char low[32];
    size_t ll = lslex_lower(t + w, p - w, low, sizeof low, 0);
    return !(lslex_lookup(lang, low, ll, NULL, NULL) & LSLEX_SPEECH);
}

static int is_speech_word(lslex_lang_id lang, const char *w, size_t n)
{
    char low[32];
    size_t ll = lslex_lower(w, n, low, sizeof low, 0);
    return (lslex_lookup(lang, low, ll, NULL, NULL) & LSLEX_SPEECH) != 0;
}

/* Append narration segment t[a, e) to out: a speech tag alone ("said Tom",
 * "he asked") is dropped; inside longer narration only the speech verb goes
 * ("said Aunt Polly, seizing the boy" -> "Aunt Polly, seizing the boy"). */
static longsd_status add_narration(lslex_lang_id lang, const char *t, size_t a, size_t e, int *kept, lsbuf *out)
{
    trim_joiners(t, &a, &e);
    int wc = word_count(t + a, e - a);
    if (wc == 0)
        return LONGSD_OK;
    lslex_scan sc;
    lsword w;
    int k = 0;
    size_t sp_s = 0, sp_e = 0;
    int speech = 0;
    lslex_scan_init(&sc, t + a, e - a);
    while (lslex_next_word(&sc, &w) && k < 3) {
        if (is_speech_word(lang, t + a + w.start, w.end - w.start)) {
            speech = 1;
            sp_s = a + w.start;
            sp_e = a + w.end;
            break;
        }
        k++;
    }
    if (speech && wc <= 4)
        return LONGSD_OK;
    longsd_status st = LONGSD_OK;
    if (*kept)
        st = lsbuf_adds(out, ", ");
    if (!st && speech) {
        size_t x = sp_s;
        while (x > a && is_space(t[x - 1]))
            x--;
        st = lsbuf_add(out, t + a, x - a);
        size_t y = sp_e;
        while (y < e && (is_space(t[y]) || t[y] == ','))
            y++;
        if (!st && x > a && y < e)
            st = lsbuf_addc(out, ' ');
        if (!st)
            st = lsbuf_add(out, t + y, e - y);
    } else if (!st) {
        st = lsbuf_add(out, t + a, e - a);
    }
    *kept = 1;
    return st;
}

/* Quotes out, narration kept: "'Hello,' said Tom, climbing the fence." ->
 * "Tom, climbing the fence." A sentence that is dialogue only gives "". */
static longsd_status strip_dialogue(lslex_lang_id lang, const char *t, lsbuf *out)
{
    size_t n = strlen(t);
    size_t qpos[64];
    size_t nq = 0;
    for (size_t i = 0; i < n && nq < 64; i++)
        if (quote_at(t, n, i))
            qpos[nq++] = i;
    if (nq == 0 || nq == 64)
        return lsbuf_adds(out, t);
    /* scare quotes stay in the narration: drop them from the list */
    size_t keep[64];
    size_t nk = 0;
    for (size_t i = 0; i < nq; i++) {
        if (i + 1 < nq) {
            size_t open = qpos[i], close = qpos[i + 1];
            int ol = quote_at(t, n, open);
            if (scare_quote(lang, t, open, open + (size_t)ol, close)) {
                i++;
                continue;
            }
        }
        keep[nk++] = qpos[i];
    }
    int kept = 0, quoted = 0;
    size_t seg = 0;
    longsd_status st = LONGSD_OK;
    for (size_t i = 0; i <= nk && !st; i++) {
        size_t at = i < nk ? keep[i] : n;
        if (!quoted)
            st = add_narration(lang, t, seg, at, &kept, out);
        if (i < nk) {
            quoted = !quoted;
            seg = at + (size_t)quote_at(t, n, at);
        }
    }
    if (st)
        return st;
    if (kept && out->len && out->data[out->len - 1] != '.' && out->data[out->len - 1] != '!' &&
        out->data[out->len - 1] != '?')
        return lsbuf_addc(out, '.');
    return LONGSD_OK;
}

/* Upper-case the first letter of b (ASCII and Latin-1). */
static void cap_first(char *b)
{
    size_t i = 0;
    while (b[i] && !((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' && b[i] <= 'Z') || (unsigned char)b[i] >= 0x80))
        i++;
    if (b[i] >= 'a' && b[i] <= 'z')
        b[i] = (char)(b[i] - 32);
    else if ((unsigned char)b[i] == 0xC3 && (unsigned char)b[i + 1] >= 0xA0 && (unsigned char)b[i + 1] <= 0xBE &&
             (unsigned char)b[i + 1] != 0xB7)
        b[i + 1] = (char)((unsigned char)b[i + 1] - 0x20);
}

/* "THE first thing": a chapter's shouted first word in normal case. */
static void tidy_start(char *b)
{
    size_t i = 0;
    while (b[i] >= 'A' && b[i] <= 'Z')
        i++;
    if (i >= 2 && (b[i] == ' ' || b[i] == ',' || b[i] == '\0'))
        for (size_t j = 1; j < i; j++)
            b[j] = (char)(b[j] + 32);
}

/* End on a full stop, not on the ':' or ',' that led into speech. */
static void tidy_end(char *b)
{
    size_t n = strlen(b);
    while (n && (b[n - 1] == ' ' || b[n - 1] == '-'))
        b[--n] = '\0';
    if (n && (b[n - 1] == ':' || b[n - 1] == ',' || b[n - 1] == ';'))
        b[n - 1] = '.';
}

/* Drop a leading "And", "But", "So" (English). */
static void drop_conjunction(lslex_lang_id lang, char *b)
{
    if (lang != LSLEX_EN)
        return;
    lslex_scan sc;
    lsword w;
    size_t n = strlen(b);
    lslex_scan_init(&sc, b, n);
    if (!lslex_next_word(&sc, &w) || w.start != 0)
        return;
    char low[16];
    size_t ll = lslex_lower(b, w.end, low, sizeof low, 0);
    static const char *const conj[] = {"and", "but", "so", "then", "yet", "now"};
    int hit = 0;
    for (size_t i = 0; i < sizeof conj / sizeof conj[0]; i++)
        if (strlen(conj[i]) == ll && memcmp(conj[i], low, ll) == 0)
            hit = 1;
    if (!hit)
        return;
    size_t e = w.end;
    while (e < n && (is_space(b[e]) || b[e] == ','))
        e++;
    if (e >= n || word_count(b + e, n - e) < 3)
        return;
    memmove(b, b + e, n - e + 1);
    cap_first(b);
}

/* Cast members named in the raw span [a, z) of s, as bits in a set. */
typedef struct {
    size_t who[8];
    size_t n;
    int overflow;
} nameset;

static void nameset_add(nameset *ns, size_t ch)
{
    for (size_t i = 0; i < ns->n; i++)
        if (ns->who[i] == ch)
            return;
    if (ns->n < 8)
        ns->who[ns->n++] = ch;
    else
        ns->overflow = 1;
}

static longsd_status names_in(const char *p, size_t n, const ls_cast_form *forms, size_t n_forms, nameset *ns)
{
    uint64_t small[128];
    uint64_t *h = small;
    size_t cap = 128, k = 0;
    lslex_scan sc;
    lsword w;
    lslex_scan_init(&sc, p, n);
    while (lslex_next_word(&sc, &w)) {
        if (k == cap) {
            uint64_t *nh = longsd__malloc(cap * 2 * sizeof *nh);
            if (!nh) {
                if (h != small)
                    longsd__free(h);
                return LONGSD_ERR_NOMEM;
            }
            memcpy(nh, h, k * sizeof *nh);
            if (h != small)
                longsd__free(h);
            h = nh;
            cap *= 2;
        }
        h[k++] = lslex_word_hash(p + w.start, w.end - w.start);
    }
    for (size_t i = 0; i < k; i++) {
        size_t ch;
        size_t m = ls_cast_match(forms, n_forms, h, k, i, &ch);
        if (m) {
            nameset_add(ns, ch);
            i += m - 1;
        }
    }
    if (h != small)
        longsd__free(h);
    return LONGSD_OK;
}

/* Replace the first he/she/him/her/his of text with the referent's name,
 * provided it comes before any cast name and the gender fits. Returns a new
 * string or NULL (no change or out of memory: *oom tells). */
static char *replace_pronoun(const char *t, const ls_character *ref, const ls_cast_form *forms, size_t n_forms,
                             int *oom)
{
    size_t n = strlen(t);
    lslex_scan sc;
    lsword w;
    lslex_scan_init(&sc, t, n);
    /* cast names are matched over a sliding window of up to 4 words */
    lsword ws[512];
    size_t nw = 0;
    while (nw < 512 && lslex_next_word(&sc, &w))
        ws[nw++] = w;
    for (size_t i = 0; i < nw; i++) {
        uint64_t hh[4];
        size_t m = 0;
        for (size_t j = 0; j < 4 && i + j < nw; j++)
            hh[m++] = lslex_word_hash(t + ws[i + j].start, ws[i + j].end - ws[i + j].start);
        size_t ch;
        if (ls_cast_match(forms, n_forms, hh, m, 0, &ch))
            return NULL; /* a name comes first: the pronoun may be anyone's */
        char low[8];
        size_t wl = ws[i].end - ws[i].start;
        if (wl > 3)
            continue;
        size_t ll = lslex_lower(t + ws[i].start, wl, low, sizeof low, 0);
        int male = (ll == 2 && memcmp(low, "he", 2) == 0) || (ll == 3 && memcmp(low, "him", 3) == 0) ||
                   (ll == 3 && memcmp(low, "his", 3) == 0);
        int female = (ll == 3 && memcmp(low, "she", 3) == 0) || (ll == 3 && memcmp(low, "her", 3) == 0);
        if (!male && !female)
            continue;
        if ((male && ref->gender == LS_GENDER_FEMALE) || (female && ref->gender == LS_GENDER_MALE))
            return NULL;
        int possessive = ll == 3 && memcmp(low, "his", 3) == 0;
        if (ll == 3 && memcmp(low, "her", 3) == 0 && i + 1 < nw) {
            /* "her" before a noun is possessive: "her bonnet" -> "Polly's bonnet" */
            char nx[32];
            size_t nl = lslex_lower(t + ws[i + 1].start, ws[i + 1].end - ws[i + 1].start, nx, sizeof nx, 0);
            unsigned f = lslex_lookup(LSLEX_EN, nx, nl, NULL, NULL);
            int gap_punct = 0;
            for (size_t g = ws[i].end; g < ws[i + 1].start; g++)
                if (!is_space(t[g]))
                    gap_punct = 1;
            possessive = !gap_punct && !(f & (LSLEX_STOP | LSLEX_PREP | LSLEX_CONJ | LSLEX_DET | LSLEX_PRONOUN));
        }
        lsbuf b;
        lsbuf_init(&b, 0);
        longsd_status st = lsbuf_add(&b, t, ws[i].start);
        if (!st)
            st = lsbuf_adds(&b, ref->name);
        if (!st && possessive)
            st = lsbuf_adds(&b, "'s");
        if (!st)
            st = lsbuf_adds(&b, t + ws[i].end);
        if (st) {
            lsbuf_free(&b);
            *oom = 1;
            return NULL;
        }
        return lsbuf_steal(&b);
    }
    return NULL;
}

typedef struct {
    const longsd_story *s;
    lslex_lang_id lang;
    const ls_character *cast;
    size_t n_cast;
    const ls_cast_form *forms;
    size_t n_forms;
} scenectx;

/* The one character a pronoun at the start of sentence si may stand for:
 * named earlier in its paragraph or in the previous sentence, alone. */
static longsd_status referent(const scenectx *sc, size_t si, size_t *who, int *found)
{
    const longsd_story *s = sc->s;
    const ls_sentence *sn = &s->sentences[si];
    nameset ns = {.n = 0};
    *found = 0;
    size_t pstart = sn->para < s->n_paras ? s->paras[sn->para].start : sn->start;
    if (pstart > sn->start)
        pstart = sn->start;
    longsd_status st = names_in(s->data + pstart, sn->start - pstart, sc->forms, sc->n_forms, &ns);
    if (st)
        return st;
    if (si > 0) {
        const ls_sentence *pv = &s->sentences[si - 1];
        if (pv->start < pstart) {
            st = names_in(s->data + pv->start, pv->end - pv->start, sc->forms, sc->n_forms, &ns);
            if (st)
                return st;
        }
    }
    if (ns.n == 1 && !ns.overflow) {
        *who = ns.who[0];
        *found = 1;
    }
    return LONGSD_OK;
}

/* Build the scene of sentences [first, first + n); *ref_out gets the
 * character a pronoun was resolved to ((size_t)-1 if none). */
static char *build_scene(const scenectx *sc, size_t first, size_t n, size_t *ref_out)
{
    const longsd_story *s = sc->s;
    lsbuf out;
    lsbuf_init(&out, 0);
    int resolved = 0, oom = 0;
    *ref_out = (size_t)-1;
    for (size_t k = 0; k < n && first + k < s->n_sentences; k++) {
        const ls_sentence *sn = &s->sentences[first + k];
        char *t = ls_story_text(s, sn->start, sn->end);
        if (!t)
            goto oom;
        lsbuf one;
        lsbuf_init(&one, 0);
        if (strip_dialogue(sc->lang, t, &one)) {
            longsd__free(t);
            lsbuf_free(&one);
            goto oom;
        }
        longsd__free(t);
        char *u = lsbuf_steal(&one);
        if (!u)
            goto oom;
        if (!u[0]) {
            longsd__free(u);
            continue;
        }
        tidy_start(u);
        drop_conjunction(sc->lang, u);
        cap_first(u);
        tidy_end(u);
        if (!resolved && sc->lang == LSLEX_EN && sc->n_forms) {
            /* only the first sentence's pronoun needs a name: after it the
             * reader knows who "he" is */
            size_t who;
            int found = 0;
            if (referent(sc, first + k, &who, &found)) {
                longsd__free(u);
                goto oom;
            }
            if (found) {
                char *r = replace_pronoun(u, &sc->cast[who], sc->forms, sc->n_forms, &oom);
                if (oom) {
                    longsd__free(u);
                    goto oom;
                }
                if (r) {
                    longsd__free(u);
                    u = r;
                    cap_first(u);
                    *ref_out = who;
                }
            }
            resolved = 1;
        }
        longsd_status st = LONGSD_OK;
        if (out.len)
            st = lsbuf_addc(&out, ' ');
        if (!st)
            st = lsbuf_adds(&out, u);
        longsd__free(u);
        if (st)
            goto oom;
    }
    return lsbuf_steal(&out);
oom:
    lsbuf_free(&out);
    return NULL;
}

char *ls_ideas_scene(const longsd_story *s, size_t first, size_t n, const ls_character *cast, size_t n_cast)
{
    ls_cast_form *forms = NULL;
    size_t n_forms = 0;
    if (!s || first >= s->n_sentences)
        return NULL;
    if (ls_cast_forms(cast, n_cast, &forms, &n_forms))
        return NULL;
    scenectx sc = {.s = s, .lang = lslex_lang(s->lang), .cast = cast, .n_cast = n_cast,
                   .forms = forms, .n_forms = n_forms};
    size_t ref;
    char *r = build_scene(&sc, first, n, &ref);
    longsd__free(forms);
    return r;
}

/* ------------------------------------------------------------------------
 * Title: "Tom whitewashing the fence" */

typedef struct {
    size_t start, end;
    unsigned flags;
    const char *base;
    size_t blen;
    int cast;           /* index+1 of a cast member starting here, 0 */
    size_t cast_len;    /* words of that name */
    int inflected;      /* word differs from its base: "climbed" */
} tword;

static int count_words(const char *t)
{
    int n = 0, in = 0;
    for (; *t; t++) {
        if (*t == ' ')
            in = 0;
        else if (!in) {
            in = 1;
            n++;
        }
    }
    return n;
}

static int is_negation(const char *low)
{
    size_t n = strlen(low);
    return strcmp(low, "not") == 0 || strcmp(low, "never") == 0 || strcmp(low, "to") == 0 ||
           strcmp(low, "did") == 0 || strcmp(low, "could") == 0 || strcmp(low, "would") == 0 ||
           (n > 3 && strcmp(low + n - 3, "n't") == 0);
}

#define TITLE_WORDS 96

/* "Tom whitewashing the fence": who (the first cast member, else a person
 * noun), the first visible action near them as an -ing form, and the thing
 * or place it is done to, with the text's own preposition. Non-English
 * texts get their first concrete nouns ("Mann, See und Water"). At most 7
 * words, never empty. */
static char *make_title(const scenectx *sc, const char *scene)
{
    size_t n = strlen(scene);
    tword tw[TITLE_WORDS];
    uint64_t h[TITLE_WORDS];
    char lows[TITLE_WORDS][32];
    size_t nw = 0;
    lslex_scan scan;
    lsword w;
    lslex_scan_init(&scan, scene, n);
    while (nw < TITLE_WORDS && lslex_next_word(&scan, &w)) {
        tword *t = &tw[nw];
        memset(t, 0, sizeof *t);
        t->start = w.start;
        t->end = w.end;
        size_t ll;
        t->flags = noun_case(sc->lang,
                             word_lookup(sc->lang, scene + w.start, w.end - w.start, lows[nw], sizeof lows[nw], &ll,
                                         &t->base, &t->blen),
                             w.upper);
        if (t->base == lows[nw])
            t->base = NULL;
        t->inflected = t->base && (t->blen != ll || memcmp(t->base, lows[nw], ll) != 0);
        h[nw] = lslex_word_hash(scene + w.start, w.end - w.start);
        nw++;
    }
    for (size_t i = 0; i < nw; i++) {
        size_t ch;
        size_t m = ls_cast_match(sc->forms, sc->n_forms, h, nw, i, &ch);
        if (m) {
            tw[i].cast = (int)ch + 1;
            tw[i].cast_len = m;
            i += m - 1;
        }
    }
    const unsigned skip = LSLEX_STOP | LSLEX_PRONOUN | LSLEX_DET | LSLEX_CONJ;
    lsbuf b;
    lsbuf_init(&b, 4096);
    longsd_status st = LONGSD_OK;
    char who[128] = "";
    size_t who_at = (size_t)-1, who_len = 1;
    for (size_t i = 0; i < nw && who_at == (size_t)-1; i++)
        if (tw[i].cast) {
            snprintf(who, sizeof who, "%s", sc->cast[tw[i].cast - 1].name);
            who_at = i;
            who_len = tw[i].cast_len;
        }
    for (size_t i = 0; i < nw && who_at == (size_t)-1; i++)
        if ((tw[i].flags & LSLEX_PERSON) && !(tw[i].flags & skip)) {
            if (sc->lang == LSLEX_EN)
                snprintf(who, sizeof who, "the %.31s", lows[i]);
            else
                snprintf(who, sizeof who, "%.*s", (int)(tw[i].end - tw[i].start), scene + tw[i].start);
            who_at = i;
        }
    if (sc->lang == LSLEX_EN) {
        char act[64] = "", obj[64] = "", obj2[40] = "", prep[16] = "";
        size_t act_at = (size_t)-1, obj_at = (size_t)-1;
        int obj_name = 0, far = 0;
        size_t from = who_at == (size_t)-1 ? 0 : who_at + who_len;
        size_t to = who_at == (size_t)-1 ? nw : (from + 8 < nw ? from + 8 : nw);
        /* an inflected verb ("climbed") is surely a verb; a bare one may be a noun */
        for (int pass = 0; pass < 2 && act_at == (size_t)-1; pass++)
            for (size_t i = from; i < to; i++) {
                const tword *t = &tw[i];
                if (!(t->flags & LSLEX_ACTION) || (t->flags & (skip | LSLEX_SPEECH)) || t->cast)
                    continue;
                if (pass == 0 && !t->inflected)
                    continue;
                if (!t->inflected && (t->flags & (LSLEX_PERSON | LSLEX_PLACE | LSLEX_OBJECT | LSLEX_LIGHT)))
                    continue; /* "light", "fish": a noun as often as a verb */
                if (i > 0 && is_negation(lows[i - 1]))
                    continue;
                if (t->base)
                    lslex_gerund(t->base, t->blen, act, sizeof act);
                else
                    snprintf(act, sizeof act, "%.31s", lows[i]);
                act_at = i;
                break;
            }
        size_t ofrom = act_at != (size_t)-1 ? act_at + 1 : from;
        for (size_t i = ofrom; i < nw; i++) {
            const tword *t = &tw[i];
            if (t->cast && i != who_at) {
                if (act_at != (size_t)-1 && i > act_at + 2)
                    continue; /* too far to be what the action is done to */
                snprintf(obj, sizeof obj, "%s", sc->cast[t->cast - 1].name);
                obj_at = i;
                obj_name = 1;
                /* "Tom giving Becky the pencil" */
                for (size_t j = i + t->cast_len; j < nw && j < i + t->cast_len + 3; j++)
                    if ((tw[j].flags & LSLEX_OBJECT) && !(tw[j].flags & skip) && !tw[j].cast && act[0]) {
                        snprintf(obj2, sizeof obj2, "%.31s", lows[j]);
                        break;
                    }
                break;
            }
            if (t->cast || (t->flags & skip) || !(t->flags & (LSLEX_OBJECT | LSLEX_PLACE)))
                continue;
            if ((t->flags & LSLEX_ACTION) && i > 0 && (strcmp(lows[i - 1], "to") == 0 || strcmp(lows[i - 1], "and") == 0))
                continue; /* "to sail", "and sail": a verb */
            if (scene[t->start] >= 'A' && scene[t->start] <= 'Z')
                snprintf(obj, sizeof obj, "%.*s", (int)(t->end - t->start < 63 ? t->end - t->start : 63),
                         scene + t->start);
            else
                snprintf(obj, sizeof obj, "%.31s", lows[i]);
            obj_at = i;
            break;
        }
        if (obj_at == (size_t)-1 && (who[0] || act[0])) {
            /* nothing after the action: the first thing anywhere, nearby */
            for (size_t i = 0; i < nw; i++) {
                const tword *t = &tw[i];
                if (t->cast || i == act_at || (t->flags & skip) || !(t->flags & (LSLEX_OBJECT | LSLEX_PLACE)))
                    continue;
                snprintf(obj, sizeof obj, "%.31s", lows[i]);
                snprintf(prep, sizeof prep, "%s", (t->flags & LSLEX_PLACE) ? "in" : "near");
                obj_at = i;
                far = 1;
                break;
            }
        }
        if (obj_at != (size_t)-1 && !far) {
            /* the preposition of the text, if one stands between: "down the street" */
            size_t lo = act_at != (size_t)-1 ? act_at + 1 : (who_at != (size_t)-1 ? who_at + who_len : 0);
            for (size_t i = obj_at; i > lo; i--)
                if (tw[i - 1].flags & LSLEX_SPATIAL) {
                    if (obj_at - i < 3)
                        snprintf(prep, sizeof prep, "%.15s", lows[i - 1]);
                    break;
                }
            if (act_at != (size_t)-1 && obj_at > act_at + 5)
                snprintf(prep, sizeof prep, "near");
        }
        if (obj_name && !act[0]) {
            /* "Jim and Tom in the city" reads better than "Jim with Tom" */
            st = lsbuf_printf(&b, "%s and %s", who, obj);
            for (size_t i = 0; !st && i < nw; i++) {
                const tword *t = &tw[i];
                if (t->cast || (t->flags & skip) || !(t->flags & (LSLEX_OBJECT | LSLEX_PLACE)))
                    continue;
                st = lsbuf_printf(&b, " %s the %s", (t->flags & LSLEX_PLACE) ? "in" : "with", lows[i]);
                break;
            }
            who[0] = obj[0] = '\0';
        }
        if (!st && who[0])
            st = lsbuf_adds(&b, who);
        if (!st && act[0])
            st = lsbuf_printf(&b, "%s%s", b.len ? " " : "", act);
        if (!st && obj[0]) {
            const char *pp = prep[0] ? prep : (act[0] ? "" : (tw[obj_at].flags & LSLEX_PLACE ? "at" : "with"));
            st = lsbuf_printf(&b, "%s%s%s%s%s", b.len ? " " : "", pp, pp[0] ? " " : "", obj_name ? "" : "the ", obj);
            if (!st && obj2[0])
                st = lsbuf_printf(&b, " the %s", obj2);
        }
        if (!st && count_words(b.data ? b.data : "") < 3) {
            for (size_t i = 0; i < nw; i++)
                if ((tw[i].flags & LSLEX_LIGHT) && !(tw[i].flags & (skip | LSLEX_ACTION)) && i != act_at) {
                    st = lsbuf_printf(&b, "%sin the %s", b.len ? " " : "", lows[i]);
                    break;
                }
        }
    } else {
        /* "Mann, See und Water": the first concrete words in order */
        char picks[3][64];
        size_t np = 0;
        for (size_t i = 0; i < nw && np < 3; i++) {
            const tword *t = &tw[i];
            char one[64];
            if (t->cast)
                snprintf(one, sizeof one, "%s", sc->cast[t->cast - 1].name);
            else if ((t->flags & (LSLEX_PERSON | LSLEX_PLACE | LSLEX_OBJECT)) && !(t->flags & skip))
                snprintf(one, sizeof one, "%.*s", (int)(t->end - t->start), scene + t->start);
            else
                continue;
            int dup = 0;
            for (size_t j = 0; j < np; j++)
                dup |= strcmp(picks[j], one) == 0;
            if (!dup)
                snprintf(picks[np++], sizeof picks[0], "%s", one);
            if (t->cast)
                i += t->cast_len - 1;
        }
        for (size_t j = 0; j < np && !st; j++) {
            if (j > 0)
                st = lsbuf_adds(&b, j + 1 == np ? (sc->lang == LSLEX_DE ? " und " : " et ") : ", ");
            if (!st)
                st = lsbuf_adds(&b, picks[j]);
        }
    }
    if (!st && count_words(b.data ? b.data : "") < 3) {
        /* fallback: the first content words of the scene */
        lsbuf_reset(&b);
        int k = 0;
        for (size_t i = 0; i < nw && k < 5 && !st; i++) {
            if (tw[i].flags & (skip | LSLEX_PREP | LSLEX_SPEECH | LSLEX_SPATIAL))
                continue;
            st = lsbuf_printf(&b, "%s%.*s", k ? " " : "", (int)(tw[i].end - tw[i].start), scene + tw[i].start);
            k++;
        }
        if (!st && k < 3) {
            lsbuf_reset(&b);
            for (size_t i = 0; i < nw && i < 5 && !st; i++)
                st = lsbuf_printf(&b, "%s%.*s", i ? " " : "", (int)(tw[i].end - tw[i].start), scene + tw[i].start);
        }
    }
    if (!st && b.len == 0)
        st = lsbuf_adds(&b, "A scene from the story");
    if (st) {
        lsbuf_free(&b);
        return NULL;
    }
    /* at most 7 words */
    int words = 0, in = 0;
    for (size_t i = 0; i < b.len; i++) {
        if (b.data[i] == ' ') {
            in = 0;
        } else if (!in) {
            in = 1;
            if (++words > 7) {
                b.len = i - 1;
                b.data[b.len] = '\0';
                break;
            }
        }
    }
    cap_first(b.data);
    return lsbuf_steal(&b);
}

/* ------------------------------------------------------------------------
 * Public */

void ls_idea_clear(ls_idea *idea)
{
    if (!idea)
        return;
    longsd__free(idea->title);
    longsd__free(idea->scene);
    longsd__free(idea->quote);
    for (size_t i = 0; i < idea->n_characters; i++)
        longsd__free(idea->characters[i]);
    longsd__free(idea->characters);
    memset(idea, 0, sizeof *idea);
}

void ls_ideas_free(ls_idea *ideas, size_t n)
{
    if (!ideas)
        return;
    for (size_t i = 0; i < n; i++)
        ls_idea_clear(&ideas[i]);
    longsd__free(ideas);
}

double ls_ideas_score_text(const char *text, const char *lang, const ls_character *cast, size_t n_cast)
{
    if (!text)
        return -10;
    lslex_lang_id lg = lslex_lang(lang);
    ls_cast_form *forms = NULL;
    size_t n_forms = 0;
    if (ls_cast_forms(cast, n_cast, &forms, &n_forms))
        return -10;
    size_t n = strlen(text);
    wscore ws = {0};
    lslex_scan sc;
    lsword w;
    uint64_t h[512];
    unsigned char q[512];
    size_t nw = 0;
    lslex_scan_init(&sc, text, n);
    while (lslex_next_word(&sc, &w)) {
        char low[64];
        size_t ll;
        unsigned fl = noun_case(lg, word_lookup(lg, text + w.start, w.end - w.start, low, sizeof low, &ll, NULL, NULL),
                                w.upper);
        ws.words++;
        if (w.quoted) {
            ws.quoted++;
        } else {
            ws.vis += word_points(fl);
            ws.cats |= fl & CONCRETE;
            if (fl & LSLEX_ABSTRACT)
                ws.abstract++;
        }
        if (nw < 512) {
            q[nw] = (unsigned char)w.quoted;
            h[nw++] = lslex_word_hash(text + w.start, w.end - w.start);
        }
    }
    for (size_t i = 0; i < nw; i++) {
        size_t ch;
        size_t m = ls_cast_match(forms, n_forms, h, nw, i, &ch);
        if (m) {
            if (!q[i]) {
                ws.vis += 3.0;
                ws.cats |= CAT_CAST;
            }
            i += m - 1;
        }
    }
    longsd__free(forms);
    return window_score(&ws);
}

static longsd_status build_idea(const xpart *x, const scenectx *sc, const ls_part *part, size_t part_index,
                                const cand *c, size_t no, ls_idea *id)
{
    const longsd_story *s = x->s;
    const sfeat *f0 = &x->f[c->first];
    const sfeat *f1 = &x->f[c->first + c->n - 1];
    memset(id, 0, sizeof *id);
    snprintf(id->id, sizeof id->id, "%.31s-%02u", part->id, (unsigned)(no % 1000000));
    id->part = part_index;
    id->para = f0->para;
    id->start = s->sentences[f0->idx].start;
    id->end = s->sentences[f1->idx].end;
    id->score = c->score;
    id->quote = ls_story_text(s, id->start, id->end);
    if (!id->quote)
        return LONGSD_ERR_NOMEM;
    size_t ref;
    id->scene = build_scene(sc, f0->idx, c->n, &ref);
    if (!id->scene)
        return LONGSD_ERR_NOMEM;
    if (!id->scene[0]) {
        longsd__free(id->scene);
        id->scene = longsd__strdup(id->quote);
        if (!id->scene)
            return LONGSD_ERR_NOMEM;
    }
    id->title = make_title(sc, id->scene);
    if (!id->title)
        return LONGSD_ERR_NOMEM;
    nameset ns = {.n = 0};
    if (ref != (size_t)-1)
        nameset_add(&ns, ref);
    longsd_status st = names_in(s->data + id->start, id->end - id->start, sc->forms, sc->n_forms, &ns);
    if (st)
        return st;
    if (ns.n) {
        id->characters = longsd__calloc(ns.n, sizeof *id->characters);
        if (!id->characters)
            return LONGSD_ERR_NOMEM;
        for (size_t i = 0; i < ns.n; i++) {
            id->characters[i] = longsd__strdup(x->cast[ns.who[i]].name);
            if (!id->characters[i])
                return LONGSD_ERR_NOMEM;
            id->n_characters++;
        }
    }
    return LONGSD_OK;
}

longsd_status ls_ideas_extract(const longsd_story *s, const ls_part *part, size_t part_index, int k,
                               const ls_character *cast, size_t n_cast, ls_idea **ideas, size_t *n_ideas,
                               size_t *n_out, lserr *err)
{
    xpart x = {0};
    cand *chosen = NULL, *chosen2 = NULL;
    ls_idea *made = NULL;
    size_t n_made = 0, n_sel = 0;
    longsd_status st = LONGSD_OK;
    if (n_out)
        *n_out = 0;
    if (!s || !part || !ideas || !n_ideas || k < 0 || (n_cast && !cast))
        return lserr_set(err, LONGSD_ERR_PARAM, "ls_ideas_extract: invalid argument");
    if (k == 0)
        return LONGSD_OK;
    if (part->n_paras == 0 || part->first_para >= s->n_paras)
        return lserr_set(err, LONGSD_ERR_NO_IDEAS, "%s: part '%s' is empty: nothing to illustrate",
                         s->name ? s->name : "story", part->id);
    x.s = s;
    x.lang = lslex_lang(s->lang);
    x.cast = cast;
    x.n_cast = n_cast;
    if ((st = ls_cast_forms(cast, n_cast, &x.forms, &x.n_forms)))
        goto out;
    if ((st = analyse_part(&x, part)))
        goto out;
    chosen = longsd__calloc((size_t)k, sizeof *chosen);
    chosen2 = longsd__calloc((size_t)k, sizeof *chosen2);
    if (!chosen || !chosen2) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    if ((st = make_candidates(&x, k, MAX_WINDOW)))
        goto out;
    n_sel = select_ideas(&x, k, chosen);
    if (n_sel < (size_t)k) {
        /* windows may have eaten sentences that could stand alone */
        if ((st = make_candidates(&x, k, 1)))
            goto out;
        size_t n2 = select_ideas(&x, k, chosen2);
        if (n2 > n_sel) {
            memcpy(chosen, chosen2, n2 * sizeof *chosen);
            n_sel = n2;
        }
    }
    if (n_sel == 0) {
        st = lserr_set(err, LONGSD_ERR_NO_IDEAS,
                       "%s: part '%s' has no passage that can be illustrated (narration of %d-%d words "
                       "outside dialogue and headings)",
                       s->name ? s->name : "story", part->id, MIN_WORDS, MAX_WORDS_ONE);
        goto out;
    }
    qsort(chosen, n_sel, sizeof *chosen, cand_pos_cmp);
    made = longsd__calloc(n_sel, sizeof *made);
    if (!made) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    scenectx sc = {.s = s, .lang = x.lang, .cast = cast, .n_cast = n_cast, .forms = x.forms, .n_forms = x.n_forms};
    for (size_t i = 0; i < n_sel; i++) {
        n_made++;
        if ((st = build_idea(&x, &sc, part, part_index, &chosen[i], i + 1, &made[i])))
            goto out;
    }
    ls_idea *grown = longsd__realloc(*ideas, (*n_ideas + n_sel) * sizeof *grown);
    if (!grown) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    memcpy(grown + *n_ideas, made, n_sel * sizeof *made);
    *ideas = grown;
    *n_ideas += n_sel;
    if (n_out)
        *n_out = n_sel;
    longsd__free(made);
    made = NULL;
    n_made = 0;
out:
    if (st == LONGSD_ERR_NOMEM)
        lserr_set(err, st, "%s: out of memory while extracting ideas", s->name ? s->name : "story");
    ls_ideas_free(made, n_made);
    longsd__free(chosen);
    longsd__free(chosen2);
    longsd__free(x.forms);
    longsd__free(x.f);
    longsd__free(x.pool);
    longsd__free(x.c);
    return st;
}
