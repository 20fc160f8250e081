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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ideas.h"
#include "lexicon.h"
#include "narrator.h"
#include "desc.h"
#include "scene.h"
#include "wordset.h"

#define MIN_WORDS 8
#define MAX_WORDS_ONE 70   /* a single sentence */
#define MAX_WORDS_WINDOW 60/* two or three sentences: the quote's budget */
#define MAX_WINDOW 3
#define JACCARD_MAX 0.5
#define DIALOGUE_RATIO 0.5 /* more quoted words than this: dialogue */

#define CONCRETE (LSLEX_PERSON | LSLEX_PLACE | LSLEX_OBJECT | LSLEX_ACTION | LSLEX_LIGHT)
#define CAT_CAST (1u << 24)
#define CAT_ACTOR (1u << 25) /* a subject pronoun: someone is there to act */
#define STAGED 1.3           /* someone acting in a described place */
#define UNSTAGED 0.8         /* no one, or no one doing anything */
#define REFLECT_POINTS 1.0   /* "he thought", "I reckoned": nothing to paint */

/* ------------------------------------------------------------------------
 * Word scoring, shared by the extractor and ls_ideas_score_text */

typedef struct {
    double vis;          /* paintable points of unquoted words */
    size_t words, quoted;
    size_t abstract;
    size_t reflect;      /* half points: thinking, knowing, seeming 2, an essay's present tense 1 */
    unsigned cats;       /* CONCRETE bits seen, CAT_CAST, CAT_ACTOR */
} wscore;

/* Words of the mind that the lexicon does not already count as abstract,
 * and the subject pronouns, per language (en, de, fr), space separated. */
static const char *const REFLECT[3] = {
    ("knew know knows reckon reckoned reckons seemed seems seem felt feel feels remembered remember wished "
     "thinks imagined realized realised guessed believed supposed"),
    "dachte dachd dacht denkt wusste wu\xC3\x9Fte wei\xC3\x9F glaubte meinte f\xC3\xBChlte schien scheint erinnerte hoffte",
    "pensa pensait pense croyait crut savait sut sentit sentait semblait sembla souvint esp\xC3\xA9rait"};
/* The present tense of an essay inside a past-tense story ("There are
 * wealthy gentlemen in England who drive ..."): half a reflection. */
static const char *const PRESENT[3] = {"is are am does has", "ist sind hat", "est sont"};
static const char *const SUBJECT[3] = {"i he she we they", "ich er sie wir", "je il elle nous ils elles"};

enum { W_REFLECT = 1, W_PRESENT = 2, W_SUBJECT = 4 };
static ls_wordset g_sets[3];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void fill_sets(void)
{
    for (int li = 0; li < 3; li++) {
        /* constant lists, far under the set's size */
        (void)ls_wordset_add(&g_sets[li], REFLECT[li], W_REFLECT);
        (void)ls_wordset_add(&g_sets[li], PRESENT[li], W_PRESENT);
        (void)ls_wordset_add(&g_sets[li], SUBJECT[li], W_SUBJECT);
    }
}

/* Extra categories of an unquoted word: CAT_ACTOR for a subject pronoun;
 * *reflect 2 for a word of the mind, 1 for the present tense. */
static unsigned extra_cats(lslex_lang_id lang, const char *low, size_t ll, unsigned fl, int *reflect)
{
    int li = lang == LSLEX_DE ? 1 : lang == LSLEX_FR ? 2 : 0;
    pthread_once(&g_once, fill_sets);
    unsigned b = ls_wordset_get(&g_sets[li], low, ll);
    *reflect = !(fl & LSLEX_ABSTRACT) && (b & W_REFLECT) ? 2 : (b & W_PRESENT) ? 1 : 0;
    return (b & W_SUBJECT) ? CAT_ACTOR : 0;
}

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
    double sc = (w->vis - REFLECT_POINTS * 0.5 * (double)w->reflect) / sqrt(n) * (1.0 + 0.2 * ncat);
    /* an illustrator paints people doing something somewhere: a subject
     * (a named or role character, a person, a pronoun), an action, and a
     * place, an object or light to put them in */
    int actor = (w->cats & (CAT_CAST | CAT_ACTOR | LSLEX_PERSON)) != 0;
    int acts = (w->cats & LSLEX_ACTION) != 0;
    int setting = (w->cats & (LSLEX_PLACE | LSLEX_OBJECT | LSLEX_LIGHT)) != 0;
    if (sc > 0)
        sc *= actor && acts && setting ? STAGED : actor && acts ? 1.0 : UNSTAGED;
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
    size_t words, quoted, abstract, reflect;
    size_t wpos;        /* words of the part before it */
    double vis;
    unsigned cats;
    size_t names;       /* cast mentions outside quotes */
    int dialogue;       /* dialogue only: never an anchor of its own */
    int skip;           /* heading or empty */
    int speech;         /* a play: a line spoken, not a stage direction (-1: a stage direction) */
    size_t h_off, h_n;  /* content-word hashes in the pool, sorted, unique */
    size_t content;     /* content words, repeats included */
} sfeat;

typedef struct {
    size_t first;       /* index into feats */
    size_t n;           /* sentences */
    double score;
    size_t slice;
    uint64_t look;      /* its written scene's subject and action verb (judge), 0 none;
                         * with no action, the subject with its thing and setting */
    uint64_t book_look; /* the subject and the whole action ("hiding the raft"): the
                         * same picture in another part (ls_idea.look) */
    int read;           /* judge has read its written scene */
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
    const uint64_t *seen; /* book_looks of the ideas of the parts before */
    size_t n_seen;
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
            int refl;
            sf->vis += word_points(fl);
            sf->cats |= (fl & CONCRETE) | extra_cats(x->lang, low, ll, fl, &refl);
            sf->reflect += (size_t)refl;
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
        sf->content = sf->h_n; /* before duplicates go: the refrain test needs both */
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
        /* a paragraph opened by a dash is a reply, the French and German
         * habit ("-- Dans le petit appartement, répliqua Conseil, ..."):
         * every sentence of it is spoken, though no quotation mark says so */
        const ls_para *p = sn->para < s->n_paras ? &s->paras[sn->para] : NULL;
        int dashed = p && ls_narrator_dash_dialogue(s->data + p->start, p->end - p->start);
        sf->dialogue = sf->words == 0 || sn->in_quotes || dashed ||
                       (double)sf->quoted > DIALOGUE_RATIO * (double)sf->words;
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

/* In a play the painter's scenes are in the stage directions, "(He sets
 * his lantern on the ground and salutes it.)": a sentence that starts in
 * parentheses is one; a sentence of a speech (once the speaker headings
 * have begun: a preface is prose) is a line spoken, weighed as dialogue
 * is. Walks the paragraph's bytes once. */
static void mark_stage(const longsd_story *s, size_t pi, sfeat *f, size_t n, int *spoken)
{
    const ls_para *p = &s->paras[pi];
    size_t head = ls_drama_heading_len(s, pi), at = p->start;
    int depth = 0;
    if (head)
        *spoken = 1;
    for (size_t j = 0; j < n; j++) {
        const ls_sentence *sn = &s->sentences[f[j].idx];
        size_t st = sn->start;
        while (at < st && at < p->end) {
            depth += s->data[at] == '(' ? 1 : s->data[at] == ')' && depth > 0 ? -1 : 0;
            at++;
        }
        size_t b = st;
        if (b < p->start + head)
            b = p->start + head; /* "MERC. (Under the form of Sosie.)" */
        while (b < sn->end && (s->data[b] == ' ' || s->data[b] == '\n'))
            b++;
        int stage = depth > 0 || (b < sn->end && s->data[b] == '(');
        f[j].speech = stage ? -1 : *spoken;
    }
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
    int spoken = 0; /* a speaker heading was seen: the play has begun */
    for (size_t pi = 0; s->is_play && pi < part->first_para && !spoken; pi++)
        spoken = ls_drama_heading_len(s, pi) > 0;
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
        if (s->is_play)
            mark_stage(s, pi, x->f + f0, k - f0, &spoken);
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

/* A song or refrain: ten or more content words, under 70% of them distinct
 * (prose of the corpus runs above 85%). */
static int is_refrain(size_t content, size_t distinct) { return content >= 10 && distinct * 10 < content * 7; }

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
        size_t names = 0, content = 0, distinct = 0;
        for (size_t n = 1; n <= max_window && i + n <= x->n_f; n++) {
            const sfeat *sf = &x->f[i + n - 1];
            if (sf->skip || sf->para != x->f[i].para)
                break;
            ws.vis += sf->vis;
            ws.words += sf->words;
            ws.quoted += sf->quoted;
            ws.abstract += sf->abstract;
            ws.reflect += sf->reflect;
            ws.cats |= sf->cats;
            names += sf->names;
            content += sf->content;
            distinct += sf->h_n;
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
            /* "min Kind Grind, din Kind Grind: min Mann Cham, din Mann Cham":
             * a refrain repeats its words; a scene names new things */
            if (is_refrain(content, distinct) && c->score > 0)
                c->score *= 0.5;
            /* windows must earn their extra sentences */
            if (n > 1)
                c->score -= 0.15 * (double)(n - 1);
            if (ends_with_colon(x->s, sf->idx))
                c->score -= 1.0; /* "... and said:" leads into speech */
            if (x->s->is_play && c->score > 0) {
                int stage = 0, spoken = 0;
                for (size_t j = i; j < i + n; j++)
                    stage |= x->f[j].speech < 0, spoken |= x->f[j].speech > 0;
                /* a play's action is in its stage directions; its speeches
                 * talk of what happened elsewhere */
                c->score *= stage ? 1.5 : spoken ? 0.6 : 1.0;
            }
            size_t tw = x->total_words ? x->total_words : 1;
            c->slice = (size_t)((double)x->f[i].wpos * (double)k / (double)tw);
            if (c->slice >= (size_t)k)
                c->slice = (size_t)k - 1;
        }
    }
    qsort(x->c, x->n_c, sizeof *x->c, cand_cmp);
    return LONGSD_OK;
}

/* How many of the best candidates of each slice the scene writer reads. */
#define JUDGED_PER_SLICE 4

/* The scene writer's verdict on candidate c: what its picture would show.
 * Word counts cannot tell "I looked on the valley" from a roll call of
 * people in a book ("it was Aunt Polly, or the widow, or Mary... all told
 * about in that book") nor a musing from an action; the written scene
 * can: nobody doing anything visible, nothing to put them among, people
 * named but not there. Multiplies a positive score. */
static longsd_status judge(const xpart *x, const ls_scenectx *sc, cand *c, int rescore)
{
    c->read = 1;
    const longsd_story *s = x->s;
    size_t ref;
    char *nar = ls_scene_build(sc, x->f[c->first].idx, c->n, &ref);
    if (!nar)
        return LONGSD_ERR_NOMEM;
    if (!nar[0]) {
        longsd__free(nar);
        if (rescore)
            c->score *= c->score > 0 ? 0.5 : 1.0; /* only dialogue: nothing drawn */
        return LONGSD_OK;
    }
    ls_sceneparts parts;
    char *d = ls_scene_write_parts(sc, nar, ref, &parts);
    longsd__free(nar);
    if (!d)
        return LONGSD_ERR_NOMEM;
    longsd__free(d);
    const ls_sentence *a = &s->sentences[x->f[c->first].idx], *z = &s->sentences[x->f[c->first + c->n - 1].idx];
    ls_nameset named = {.n = 0};
    longsd_status st = ls_names_in(s->data + a->start, z->end - a->start, sc->forms, sc->n_forms, &named);
    if (st)
        return st;
    size_t talked = 0;
    for (size_t i = 0; i < named.n; i++) {
        int there = 0;
        for (size_t j = 0; j < parts.present.n; j++)
            there |= parts.present.who[j] == named.who[i];
        talked += !there;
    }
    double f = 1.0;
    if (!parts.action[0])
        f *= 0.85; /* no one doing anything a painter can show */
    if (!parts.setting[0] && !parts.object[0])
        f *= 0.85; /* nothing around them */
    if (talked >= 3)
        f *= 0.6; /* people talked about, not there: a roll call, a report */
    else if (talked > parts.present.n)
        f *= 0.85; /* more of them than people there ("where William and Elizabeth reposed" stays a scene) */
    if (c->score > 0 && rescore)
        c->score *= f;
    if (parts.n_who || parts.subject[0]) {
        /* who does what: "Henry going out into the garden" and "Henry
         * going out to the garden" are one picture twice; with nothing
         * done, who among what ("a brother, with a table, in a house")
         * is the picture */
        char who[48], key[400];
        if (parts.n_who)
            snprintf(who, sizeof who, "%zu", parts.who[0]);
        else
            snprintf(who, sizeof who, "%s", parts.subject);
        int kl = 0, bl = 0;
        if (parts.action[0]) {
            size_t vl = strcspn(parts.action, " ");
            kl = snprintf(key, sizeof key, "%s %.*s", who, (int)vl, parts.action);
            if (kl > 0)
                c->look = lslex_word_hash(key, (size_t)kl < sizeof key ? (size_t)kl : sizeof key - 1) | 1;
            bl = snprintf(key, sizeof key, "%s %s", who, parts.action);
        } else if (parts.object[0] || parts.setting[0]) {
            kl = bl = snprintf(key, sizeof key, "%s|%s|%s", who, parts.object, parts.setting);
            if (kl > 0)
                c->look = lslex_word_hash(key, (size_t)kl < sizeof key ? (size_t)kl : sizeof key - 1) | 1;
        }
        if (bl > 0)
            c->book_look = lslex_word_hash(key, (size_t)bl < sizeof key ? (size_t)bl : sizeof key - 1) | 1;
    }
    return LONGSD_OK;
}

/* Read the written scene of the best JUDGED_PER_SLICE candidates of each
 * slice (x->c sorted best first) and sort again. */
static longsd_status rerank(xpart *x, const ls_scenectx *sc, int k)
{
    size_t *seen = longsd__calloc((size_t)k, sizeof *seen);
    if (!seen)
        return LONGSD_ERR_NOMEM;
    longsd_status st = LONGSD_OK;
    for (size_t i = 0; i < x->n_c && !st; i++) {
        cand *c = &x->c[i];
        if (c->slice < (size_t)k && seen[c->slice] < JUDGED_PER_SLICE) {
            seen[c->slice]++;
            st = judge(x, sc, c, 1);
        }
    }
    longsd__free(seen);
    if (!st)
        qsort(x->c, x->n_c, sizeof *x->c, cand_cmp);
    return st;
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

/* allow: 0 nothing shared; 1 a second passage of a paragraph; 2 also a
 * picture already chosen (the part has no other passage left) */
static int conflicts(const xpart *x, const cand *c, const cand *chosen, size_t n_chosen, int allow)
{
    for (size_t i = 0; i < n_chosen; i++) {
        const cand *o = &chosen[i];
        if (c->first < o->first + o->n && o->first < c->first + c->n)
            return 1; /* overlapping sentences */
        if (!allow && x->f[c->first].para == x->f[o->first].para)
            return 1;
        if (jaccard(x, c, o) > JACCARD_MAX)
            return 1;
        if (allow < 2 && c->look && c->look == o->look)
            return 1; /* the same person doing the same thing: one picture twice */
    }
    for (size_t i = 0; allow < 2 && c->book_look && i < x->n_seen; i++)
        if (x->seen[i] == c->book_look)
            return 1; /* an earlier part's picture ("hiding the raft" at both ends of the book) */
    return 0;
}

/* Can candidate c join the n chosen? Its written scene is read first where
 * rerank did not (its look: one picture twice is a conflict too). */
static longsd_status fits(xpart *x, const ls_scenectx *sc, cand *c, const cand *chosen, size_t n, int allow, int *ok)
{
    *ok = 0;
    if (conflicts(x, c, chosen, n, allow))
        return LONGSD_OK;
    if (!c->read) {
        longsd_status st = judge(x, sc, c, 0);
        if (st)
            return st;
    }
    *ok = !conflicts(x, c, chosen, n, allow);
    return LONGSD_OK;
}

static longsd_status select_ideas(xpart *x, const ls_scenectx *sc, int k, cand *out, size_t *n_out)
{
    size_t n = 0;
    longsd_status st = LONGSD_OK;
    int ok;
    /* 1: the best passage of each slice */
    for (size_t sl = 0; sl < (size_t)k && !st; sl++) {
        for (size_t i = 0; i < x->n_c; i++) {
            cand *c = &x->c[i];
            if (c->slice != sl)
                continue;
            if ((st = fits(x, sc, c, out, n, 0, &ok)))
                break;
            if (ok) {
                out[n++] = *c;
                break;
            }
        }
    }
    /* 2: fill from the best of the rest; 3: allow a second passage of a
     * paragraph; 4: a picture twice rather than fewer ideas */
    for (int allow = 0; allow <= 2 && n < (size_t)k && !st; allow++)
        for (size_t i = 0; i < x->n_c && n < (size_t)k; i++) {
            if ((st = fits(x, sc, &x->c[i], out, n, allow, &ok)))
                break;
            if (ok)
                out[n++] = x->c[i];
        }
    *n_out = n;
    return st;
}

static int cand_pos_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
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
            int refl;
            ws.vis += word_points(fl);
            ws.cats |= (fl & CONCRETE) | extra_cats(lg, low, ll, fl, &refl);
            ws.reflect += (size_t)refl;
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

/* Add to ns the cast members who speak in s->data[a, e): a name outside
 * the quotes within three words of a speech verb ("said Tom", "Jim
 * whispered"). Someone speaking is in the scene. */
static void speakers_in(const xpart *x, size_t a, size_t e, ls_nameset *ns)
{
    const longsd_story *s = x->s;
    uint64_t h[512];
    unsigned char sp[512], q[512];
    size_t n = 0;
    lslex_scan sc;
    lsword w;
    lslex_scan_init(&sc, s->data + a, e - a);
    while (n < 512 && lslex_next_word(&sc, &w)) {
        char low[64];
        size_t ll;
        unsigned fl = word_lookup(x->lang, s->data + a + w.start, w.end - w.start, low, sizeof low, &ll, NULL, NULL);
        h[n] = lslex_word_hash(s->data + a + w.start, w.end - w.start);
        q[n] = (unsigned char)w.quoted;
        sp[n] = !w.quoted && (fl & LSLEX_SPEECH);
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        size_t ch;
        size_t m = ls_cast_match(x->forms, x->n_forms, h, n, i, &ch);
        if (!m)
            continue;
        int near = 0;
        for (size_t j = i >= 3 ? i - 3 : 0; j < n && j < i + m + 3; j++)
            if (sp[j])
                near = 1;
        if (near && !q[i])
            ls_nameset_add(ns, ch);
        i += m - 1;
    }
}

/* The cast member who speaks paragraph pi of a play: the nearest speaker
 * heading at or before it ("SOS. ...", or "SOSIE" alone on its line) read
 * as the start of one name only, letters compared without case ("SOS" is
 * Sosie). 0 when none, or s is no play; else the cast index + 1. */
static size_t speaker_of(const xpart *x, size_t pi)
{
    const longsd_story *s = x->s;
    if (!s->is_play)
        return 0;
    for (size_t back = 0; back <= pi && back < 40; back++) {
        size_t q = pi - back, hl = ls_drama_heading_len(s, q);
        if (!hl) {
            if (s->paras[q].is_heading)
                return 0; /* a scene's heading: nobody spoke yet */
            continue;
        }
        const char *h = s->data + s->paras[q].start;
        char key[32];
        size_t k = 0;
        for (size_t i = 0; i < hl && k + 1 < sizeof key; i++) {
            unsigned char ch = (unsigned char)h[i];
            if (ch == '.' || ch == ' ' || ch == '\n' || ch == ':' || ch == ',')
                break;
            key[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
        }
        key[k] = '\0';
        if (k < 3)
            return 0;
        size_t found = 0, hits = 0;
        for (size_t c = 0; c < x->n_cast; c++) {
            const char *nm = x->cast[c].name;
            size_t i = 0;
            while (nm && i < k && nm[i] && (nm[i] == key[i] || (nm[i] >= 'A' && nm[i] <= 'Z' && nm[i] - 'A' + 'a' == key[i])))
                i++;
            if (i == k) {
                found = c + 1;
                hits++;
            }
        }
        return hits == 1 ? found : 0;
    }
    return 0;
}

/* Who signs with paragraph lp, cast index + 1 (0 none): its last line a
 * name of at most four capitalised words (initials too) after a
 * valediction ending in a comma, on the line or paragraph before ("Your
 * affectionate brother,\n\nR. Walton", as an epistolary novel signs its
 * letters), that name one cast member's. */
static size_t para_signer(const xpart *x, size_t lp)
{
    const longsd_story *s = x->s;
    const char *d = s->data;
    const ls_para *p = &s->paras[lp];
    if (p->n_words > 12 || p->is_heading)
        return 0;
    size_t e = p->end;
    while (e > p->start && (d[e - 1] == ' ' || d[e - 1] == '\n' || d[e - 1] == '\r' || d[e - 1] == '\t'))
        e--;
    size_t b = e;
    while (b > p->start && d[b - 1] != '\n')
        b--;
    while (b < e && (d[b] == ' ' || d[b] == '\t'))
        b++;
    if (e - b < 3 || e - b > 40 || !(d[b] >= 'A' && d[b] <= 'Z'))
        return 0;
    int words = 1;
    for (size_t i = b; i < e; i++) {
        if (d[i] == ' ') {
            words++;
            if (i + 1 < e && !(d[i + 1] >= 'A' && d[i + 1] <= 'Z'))
                return 0; /* "Yours truly": a signature is all names and initials */
        } else if (!((d[i] >= 'A' && d[i] <= 'Z') || (d[i] >= 'a' && d[i] <= 'z') || d[i] == '.' ||
                     d[i] == '-' || (unsigned char)d[i] >= 0x80))
            return 0;
    }
    /* the valediction: this paragraph's line before, else a short
     * paragraph before */
    size_t v, floor;
    if (b > p->start) {
        v = b;
        floor = p->start;
    } else if (lp > 0 && s->paras[lp - 1].n_words <= 8 && !s->paras[lp - 1].is_heading) {
        v = s->paras[lp - 1].end;
        floor = s->paras[lp - 1].start;
    } else
        return 0;
    while (v > floor && (d[v - 1] == ' ' || d[v - 1] == '\n' || d[v - 1] == '\r' || d[v - 1] == '\t'))
        v--;
    if (words > 4 || v == floor || d[v - 1] != ',')
        return 0;
    ls_nameset ns;
    memset(&ns, 0, sizeof ns);
    if (ls_names_in(d + b, e - b, x->forms, x->n_forms, &ns) || ns.n != 1 || ns.overflow)
        return 0;
    return ns.who[0] + 1;
}

/* The writer of the letter paragraph pi is in, where a run of letters in
 * its chapter is signed, twice or more, by someone other than the
 * narrator (an epistolary opening): the signature that ends pi's letter,
 * else the last one before it. One letter a chapter quotes, signed once,
 * leaves the chapter its narrator. Cast index + 1, 0 for the narrator. */
static size_t letter_writer(const xpart *x, size_t pi)
{
    const longsd_story *s = x->s;
    if (s->is_play || pi >= s->n_paras)
        return 0;
    int ch = s->paras[pi].chapter;
    size_t a = pi, z = pi + 1;
    while (a > 0 && s->paras[a - 1].chapter == ch)
        a--;
    while (z < s->n_paras && s->paras[z].chapter == ch)
        z++;
    size_t after = 0, before = 0, w;
    for (size_t q = pi; q < z && !after; q++)
        after = para_signer(x, q);
    for (size_t q = pi; q-- > a && !before;)
        before = para_signer(x, q);
    w = after ? after : before;
    if (!w || x->cast[w - 1].narrator)
        return 0;
    size_t times = 0;
    for (size_t q = a; q < z && times < 2; q++)
        times += para_signer(x, q) == w;
    return times >= 2 ? w : 0;
}

static longsd_status build_idea(const xpart *x, const ls_scenectx *sc, const ls_part *part, size_t part_index,
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
    id->look = c->book_look;
    id->quote = ls_story_text(s, id->start, id->end);
    if (!id->quote)
        return LONGSD_ERR_NOMEM;
    size_t ref;
    id->scene = ls_scene_build(sc, f0->idx, c->n, &ref);
    if (!id->scene)
        return LONGSD_ERR_NOMEM;
    if (!id->scene[0]) {
        longsd__free(id->scene);
        id->scene = longsd__strdup(id->quote);
        if (!id->scene)
            return LONGSD_ERR_NOMEM;
    }
    ls_sceneparts parts;
    ls_scenectx said = *sc; /* a play's "I" is who speaks the line, a letter's who signs it */
    said.speaker1 = speaker_of(x, f0->para);
    size_t writer = said.speaker1 ? 0 : letter_writer(x, f0->para);
    if (writer)
        said.speaker1 = writer;
    /* the title reads the narration (the book's language); the scene
     * becomes the writer's English picture description */
    id->title = ls_title_write(writer ? &said : sc, id->scene);
    if (!id->title)
        return LONGSD_ERR_NOMEM;
    char *described = ls_scene_write_parts(&said, id->scene, ref, &parts);
    if (!described)
        return LONGSD_ERR_NOMEM;
    longsd__free(id->scene);
    id->scene = described;
    if (!parts.n_who && parts.subject_len && parts.subject_len <= strlen(described)) {
        /* "the old man", no one of the cast: drawn with what the pages
         * before say of him, as a cast member is */
        char *looks = NULL;
        if (ls_desc_of_phrase(s, f1->idx, parts.subject_src, &looks))
            return LONGSD_ERR_NOMEM;
        if (looks) {
            char *with = longsd__asprintf("%s%s", looks, described + parts.subject_len);
            longsd__free(looks);
            if (!with)
                return LONGSD_ERR_NOMEM;
            longsd__free(id->scene);
            id->scene = described = with;
        }
    }
    if (!strchr(described, ',')) {
        /* little in the passage itself: the setting of the pages around it */
        size_t lo = f0->idx, hi = f1->idx + 1;
        while (lo > 0 && f0->idx - lo < 8 && s->sentences[lo - 1].start >= part->start)
            lo--;
        while (hi < s->n_sentences && hi - f1->idx < 9 && s->sentences[hi].end <= part->end)
            hi++;
        size_t r2;
        char *nar = ls_scene_build(sc, lo, hi - lo, &r2);
        char *around = nar ? ls_scene_write(sc, nar, (size_t)-1) : NULL;
        char *with = around ? ls_scene_with_setting(described, around) : NULL;
        longsd__free(nar);
        longsd__free(around);
        if (!with)
            return LONGSD_ERR_NOMEM;
        longsd__free(id->scene);
        id->scene = with;
    }
    /* the idea's characters are those in the picture (the prompt adds
     * their descriptions): the scene's, and who speaks there; not every
     * name the passage mentions */
    ls_nameset ns = parts.present;
    if (ref != (size_t)-1)
        ls_nameset_add(&ns, ref);
    speakers_in(x, id->start, id->end, &ns);
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
    size_t n_seen = ideas && n_ideas ? *n_ideas : 0;
    uint64_t *seen = n_seen ? longsd__calloc(n_seen, sizeof *seen) : NULL;
    if (n_seen && !seen)
        return lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory while extracting ideas",
                         s && s->name ? s->name : "story");
    for (size_t i = 0; i < n_seen; i++)
        seen[i] = (*ideas)[i].look;
    longsd_status st =
        ls_ideas_extract_after(s, part, part_index, k, cast, n_cast, seen, n_seen, ideas, n_ideas, n_out, err);
    longsd__free(seen);
    return st;
}

longsd_status ls_ideas_extract_after(const longsd_story *s, const ls_part *part, size_t part_index, int k,
                                     const ls_character *cast, size_t n_cast, const uint64_t *seen, size_t n_seen,
                                     ls_idea **ideas, size_t *n_ideas, size_t *n_out, lserr *err)
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
    x.seen = seen;
    x.n_seen = n_seen;
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
    ls_scenectx sc = {.s = s, .lang = x.lang, .cast = cast, .n_cast = n_cast, .forms = x.forms, .n_forms = x.n_forms};
    if ((st = make_candidates(&x, k, MAX_WINDOW)) || (st = rerank(&x, &sc, k)))
        goto out;
    if ((st = select_ideas(&x, &sc, k, chosen, &n_sel)))
        goto out;
    if (n_sel < (size_t)k) {
        /* windows may have eaten sentences that could stand alone */
        if ((st = make_candidates(&x, k, 1)) || (st = rerank(&x, &sc, k)))
            goto out;
        size_t n2 = 0;
        if ((st = select_ideas(&x, &sc, k, chosen2, &n2)))
            goto out;
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
