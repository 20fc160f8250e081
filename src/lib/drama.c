/* drama.c - is the text a play, and who speaks in it? A play shows its
 * speakers as headings: a name alone on a line between dashes ("- Du
 * Croisy -"), a name in capitals alone on a line ("SOSIE"; a line of them,
 * "MERCURY, SOSIE", lists who is on stage), or a name in capitals leading
 * the speech and closed by a period or a colon ("MERC. Let all the
 * busybodies talk"). When such headings recur under a few names and make a
 * good share of the paragraphs, the text is a play: its first person is the
 * speaker's, not a narrator's, and its cast are its speakers.
 * Abbreviated headings ("MERC.", "SOS.") are the one longer name they
 * begin ("MERCURY", "SOSIE"). One pass over the paragraphs: linear. */
#include <stdlib.h>
#include <string.h>

#include "lexicon.h"
#include "story_int.h"
#include "util.h"

#define DRAMA_MIN_SPEECHES 20 /* speaker headings of recurring names, at least */
#define DRAMA_SHARE 5         /* ... and one paragraph in this many */
#define DRAMA_RECUR 3         /* a name heads this many speeches to count */
#define DRAMA_NAME_MAX 48     /* bytes of a speaker's name */
#define DRAMA_NAME_WORDS 3

typedef struct {
    char name[DRAMA_NAME_MAX]; /* as it will be shown: "Du Croisy", "Mercury" */
    char key[DRAMA_NAME_MAX];  /* lower-cased, for matching */
    size_t speeches, headed;
    int listed; /* seen in full: a dash heading or a line of names */
    int abbrev; /* written with a period right after: "MERC." may be short */
} spk;

typedef struct {
    spk *v;
    size_t n, cap;
} spks;

static int is_upper_word(const char *d, size_t a, size_t b, int *letters)
{
    int n = 0;
    for (size_t i = a; i < b;) {
        int l;
        uint32_t c = ls_cp_at(d, i, b, &l);
        if (ls_is_lower_cp(c))
            return 0;
        if (ls_is_wordish(c) && c != '\'' && c != '-' && !(c >= '0' && c <= '9'))
            n++;
        else if (c != '\'' && c != '-' && c != 0x2019)
            return 0;
        i += (size_t)l;
    }
    *letters = n;
    return n > 0;
}

/* Roman numerals and single letters lead numbered lines ("II. The raft",
 * "A. Smith"), not speeches. */
static int numeral_like(const char *d, size_t a, size_t b)
{
    if (b - a < 2)
        return 1;
    for (size_t i = a; i < b; i++)
        if (!strchr("IVXLCDM", d[i]))
            return 0;
    return 1;
}

/* "MERCURY" -> "Mercury", "DU CROISY" -> "Du Croisy"; a name written in
 * mixed case stays as it is. */
static void show_name(const char *d, size_t a, size_t b, char *out, size_t cap)
{
    size_t o = 0;
    int start = 1, mixed = 0, l;
    for (size_t i = a; i < b; i += (size_t)l)
        mixed |= ls_is_lower_cp(ls_cp_at(d, i, b, &l));
    for (size_t i = a; i < b && o + 4 < cap;) {
        ls_cp_at(d, i, b, &l);
        if (start || mixed || d[i] == ' ') {
            memcpy(out + o, d + i, (size_t)l);
            o += (size_t)l;
        } else {
            char low[8];
            size_t n = lslex_lower(d + i, (size_t)l, low, sizeof low, 0);
            memcpy(out + o, low, n);
            o += n;
        }
        start = d[i] == ' ' || d[i] == '-' || d[i] == '\'';
        i += (size_t)l;
    }
    out[o] = '\0';
}

static spk *find_or_add(spks *v, const char *d, size_t a, size_t b)
{
    char key[DRAMA_NAME_MAX];
    if (b - a >= DRAMA_NAME_MAX)
        return NULL;
    lslex_lower(d + a, b - a, key, sizeof key, 0);
    for (size_t i = 0; i < v->n; i++)
        if (!strcmp(v->v[i].key, key))
            return &v->v[i];
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 32;
        spk *nv = longsd__realloc(v->v, nc * sizeof *nv);
        if (!nv)
            return NULL;
        v->v = nv;
        v->cap = nc;
    }
    spk *s = &v->v[v->n++];
    memset(s, 0, sizeof *s);
    memcpy(s->key, key, strlen(key) + 1);
    show_name(d, a, b, s->name, sizeof s->name);
    return s;
}

/* A run of 1..3 capitalised words d[a..b): a name's shape. */
static int name_shape(const char *d, size_t a, size_t b, int caps)
{
    size_t words = 0;
    int l;
    if (a >= b || b - a >= DRAMA_NAME_MAX)
        return 0;
    uint32_t c0 = ls_cp_at(d, a, b, &l);
    if (!ls_is_wordish(c0) || ls_is_lower_cp(c0) || (c0 >= '0' && c0 <= '9'))
        return 0;
    for (size_t i = a; i < b;) {
        size_t e = i;
        while (e < b && d[e] != ' ')
            e++;
        int letters = 0;
        if (caps && !is_upper_word(d, i, e, &letters))
            return 0;
        for (size_t j = i; j < e; j += (size_t)l) {
            uint32_t c = ls_cp_at(d, j, e, &l);
            if (!ls_is_wordish(c) && c != '\'' && c != '-' && c != 0x2019)
                return 0;
        }
        words++;
        i = e;
        while (i < b && d[i] == ' ')
            i++;
    }
    return words >= 1 && words <= DRAMA_NAME_WORDS;
}

static int is_dash_at(const char *d, size_t i, size_t end)
{
    if (i < end && d[i] == '-')
        return 1;
    return i + 2 < end && (unsigned char)d[i] == 0xE2 && (unsigned char)d[i + 1] == 0x80 &&
           ((unsigned char)d[i + 2] == 0x94 || (unsigned char)d[i + 2] == 0x93);
}

/* The speaker headings of paragraph pi, added to v. Returns the bytes the
 * heading takes at the paragraph's start (the whole paragraph for a
 * heading on its own), 0 when there is none; -1 out of memory. */
static long para_heading(const longsd_story *s, size_t pi, spks *v)
{
    const ls_para *p = &s->paras[pi];
    const char *d = s->data;
    size_t a = p->start, e = p->end;
    if (p->is_heading)
        return 0;
    const char *nl = memchr(d + a, '\n', e - a);
    int one_line = nl == NULL;
    size_t le = nl ? (size_t)(nl - d) : e;
    while (le > a && (d[le - 1] == ' ' || d[le - 1] == '\r' || d[le - 1] == '\t'))
        le--;
    /* "- Du Croisy -" */
    if (one_line && is_dash_at(d, a, le)) {
        size_t x = a + (d[a] == '-' ? 1 : 3), y = le;
        if (y > x && d[y - 1] == '-')
            y--;
        else if (y >= x + 3 && is_dash_at(d, y - 3, y))
            y -= 3;
        else
            return 0;
        while (x < y && d[x] == ' ')
            x++;
        while (y > x && d[y - 1] == ' ')
            y--;
        if (!name_shape(d, x, y, 0))
            return 0;
        spk *k = find_or_add(v, d, x, y);
        if (!k)
            return -1;
        k->speeches++, k->headed++, k->listed = 1;
        return (long)(e - a);
    }
    /* "SOSIE", "MERCURY, SOSIE", "CLEANTHIS, MERCURY (Mercury turns to go)" */
    if (one_line && le - a < 120) {
        size_t stop = le;
        const char *par = memchr(d + a, '(', le - a);
        if (par)
            stop = (size_t)(par - d);
        while (stop > a && d[stop - 1] == ' ')
            stop--;
        /* "AMPH. (Aside.) Ah!": a speech and its stage direction, below */
        int closed = stop > a && (d[stop - 1] == '.' || d[stop - 1] == ':');
        if (closed)
            stop--;
        size_t names = 0, x = a;
        int ok = stop > a && !(closed && par);
        while (ok && x < stop) {
            size_t y = x;
            while (y < stop && d[y] != ',')
                y++;
            size_t z = y;
            while (z > x && d[z - 1] == ' ')
                z--;
            ok = name_shape(d, x, z, 1) && !numeral_like(d, x, z);
            names++;
            x = y < stop ? y + 1 : y;
            while (x < stop && d[x] == ' ')
                x++;
        }
        if (ok) {
            for (x = a; x < stop;) {
                size_t y = x;
                while (y < stop && d[y] != ',')
                    y++;
                size_t z = y;
                while (z > x && d[z - 1] == ' ')
                    z--;
                spk *k = find_or_add(v, d, x, z);
                if (!k)
                    return -1;
                k->listed = 1;
                if (names == 1)
                    k->speeches++;
                x = y < stop ? y + 1 : y;
                while (x < stop && d[x] == ' ')
                    x++;
            }
            return (long)(e - a);
        }
    }
    /* "MERC. Let all the busybodies talk", "NIGHT: Adieu" */
    size_t x = a, y = a, words = 0;
    while (words < DRAMA_NAME_WORDS) {
        size_t w = y;
        while (w < e && d[w] != ' ' && d[w] != '.' && d[w] != ':' && d[w] != '\n')
            w++;
        int letters = 0;
        if (w == y || !is_upper_word(d, y, w, &letters) || letters < 2 || numeral_like(d, y, w))
            return 0;
        words++;
        if (w < e && (d[w] == '.' || d[w] == ':') && w + 1 < e && (d[w + 1] == ' ' || d[w + 1] == '\n')) {
            spk *k = find_or_add(v, d, x, w);
            if (!k)
                return -1;
            k->speeches++;
            k->abbrev |= d[w] == '.';
            return (long)(w + 1 - a);
        }
        if (w >= e || d[w] != ' ')
            return 0;
        y = w + 1;
    }
    return 0;
}

/* "MERC." is "MERCURY" when that is the one listed name it begins. */
static void fold_abbrev(spks *v)
{
    for (size_t i = 0; i < v->n; i++) {
        spk *a = &v->v[i];
        if (!a->abbrev || a->listed || !a->speeches)
            continue;
        size_t kl = strlen(a->key), found = (size_t)-1, n = 0;
        for (size_t j = 0; j < v->n; j++)
            if (j != i && v->v[j].listed && strlen(v->v[j].key) > kl && !strncmp(v->v[j].key, a->key, kl))
                found = j, n++;
        if (n != 1)
            continue;
        v->v[found].speeches += a->speeches;
        a->speeches = 0;
    }
}

static int by_speeches(const void *x, const void *y)
{
    const spk *a = x, *b = y;
    if (a->speeches != b->speeches)
        return a->speeches > b->speeches ? -1 : 1;
    return strcmp(a->key, b->key);
}

static longsd_status scan(const longsd_story *s, spks *v, size_t *heads, size_t *body)
{
    *heads = *body = 0;
    for (size_t pi = 0; pi < s->n_paras; pi++) {
        if (s->paras[pi].is_heading)
            continue;
        (*body)++;
        long r = para_heading(s, pi, v);
        if (r < 0)
            return LONGSD_ERR_NOMEM;
    }
    fold_abbrev(v);
    for (size_t i = 0; i < v->n; i++)
        if (v->v[i].speeches >= DRAMA_RECUR)
            *heads += v->v[i].speeches;
    return LONGSD_OK;
}

static int decide(const spks *v, size_t heads, size_t body)
{
    size_t recurring = 0;
    for (size_t i = 0; i < v->n; i++)
        recurring += v->v[i].speeches >= DRAMA_RECUR;
    return recurring >= 2 && heads >= DRAMA_MIN_SPEECHES && heads * DRAMA_SHARE >= body;
}

/* A play's scenes are its chapters, but a scene of four speeches ("SCÈNE
 * IV. - Gorgibus, seul") gives a painter one picture, not a part's five:
 * a scene joins the one before it while that one is under
 * DRAMA_GROUP_WORDS, or when it is itself under DRAMA_SCENE_WORDS. Only
 * scenes of one act join: the chapter before the first speech (a preface,
 * a title page) stays as it is. The joined chapter keeps its first scene's title. */
#define DRAMA_GROUP_WORDS 600
#define DRAMA_SCENE_WORDS 250

static void chapter_facts(const longsd_story *s, const ls_chapter *c, size_t *words, int *speaks)
{
    *words = 0;
    *speaks = 0;
    for (size_t i = c->first_para; i < c->first_para + c->n_paras && i < s->n_paras; i++) {
        *words += s->paras[i].n_words;
        if (!*speaks) {
            spks v = {0};
            *speaks = para_heading(s, i, &v) > 0;
            longsd__free(v.v);
        }
    }
}

/* "SCÈNE II. - Gorgibus, Du Croisy." -> "SCÈNE II": the heading's number,
 * without the persons on stage. Bytes of t kept. */
static size_t short_title(const char *t)
{
    size_t n = strlen(t);
    for (size_t i = 0; i < n; i++)
        if ((t[i] == '.' && (i + 1 == n || t[i + 1] == ' ')) || (t[i] == ' ' && i + 1 < n && t[i + 1] == '-'))
            return i;
    return n;
}

/* The joined chapter's title: "SCÈNE PREMIÈRE – SCÈNE VII"; NULL when
 * out of memory. */
static char *join_title(const char *first, const char *last)
{
    size_t a = short_title(first), b = short_title(last);
    char *t = longsd__malloc(a + b + 6);
    if (!t)
        return NULL;
    memcpy(t, first, a);
    memcpy(t + a, " \xE2\x80\x93 ", 5);
    memcpy(t + a + 5, last, b);
    t[a + b + 5] = '\0';
    return t;
}

static void join_short_scenes(longsd_story *s)
{
    size_t k = 0, gw = 0;
    int gspeaks = 0;
    char *first = NULL; /* the group's first title, once another scene joined it */
    size_t prev_first = 0; /* the scene before's own first paragraph */
    for (size_t c = 0; c < s->n_chapters; c++) {
        ls_chapter *ch = &s->chapters[c];
        size_t w;
        int speaks, act = 0;
        chapter_facts(s, ch, &w, &speaks);
        /* "ACT II" between the two scenes: an act is never joined across */
        for (size_t i = prev_first; c > 0 && i < ch->heading_para && !act; i++)
            act = s->paras[i].is_heading;
        prev_first = ch->first_para;
        if (k > 0 && gspeaks && speaks && !act && (gw < DRAMA_GROUP_WORDS || w < DRAMA_SCENE_WORDS)) {
            ls_chapter *into = &s->chapters[k - 1];
            into->n_paras = ch->first_para + ch->n_paras - into->first_para;
            if (!first) {
                first = into->title;
                into->title = NULL;
            }
            longsd__free(into->title);
            into->title = join_title(first, ch->title);
            if (!into->title) {
                into->title = first; /* out of memory: a label, the first title stays */
                first = NULL;
            }
            longsd__free(ch->title);
            ch->title = NULL;
            gw += w;
            continue;
        }
        longsd__free(first);
        first = NULL;
        s->chapters[k++] = *ch;
        gw = w;
        gspeaks = speaks;
    }
    longsd__free(first);
    s->n_chapters = k;
    for (size_t c = 0; c < k; c++) {
        size_t end = c + 1 < k ? s->chapters[c + 1].heading_para : s->n_paras;
        for (size_t i = s->chapters[c].heading_para; i < end; i++)
            s->paras[i].chapter = (int)c;
    }
}

longsd_status ls_drama_detect(longsd_story *s)
{
    spks v = {0};
    size_t heads, body;
    longsd_status st = scan(s, &v, &heads, &body);
    if (!st)
        s->is_play = decide(&v, heads, body);
    if (s->is_play)
        join_short_scenes(s);
    longsd__free(v.v);
    return st;
}

size_t ls_drama_heading_len(const longsd_story *s, size_t pi)
{
    if (!s->is_play || pi >= s->n_paras)
        return 0;
    spks v = {0};
    long r = para_heading(s, pi, &v);
    longsd__free(v.v);
    return r > 0 ? (size_t)r : 0;
}

longsd_status ls_drama_speakers(const longsd_story *s, ls_speaker **out, size_t *n_out)
{
    spks v = {0};
    size_t heads, body, k = 0;
    ls_speaker *r = NULL;
    longsd_status st = LONGSD_OK;
    *out = NULL;
    *n_out = 0;
    if (!s->is_play)
        goto out;
    if ((st = scan(s, &v, &heads, &body)))
        goto out;
    if (v.n > 1)
        qsort(v.v, v.n, sizeof *v.v, by_speeches);
    r = longsd__calloc(v.n ? v.n : 1, sizeof *r);
    if (!r) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < v.n; i++) {
        if (v.v[i].speeches < 2)
            continue; /* a title line, a walk-on: no one to draw again */
        if (!(r[k].name = longsd__strdup(v.v[i].name))) {
            st = LONGSD_ERR_NOMEM;
            goto out;
        }
        r[k].speeches = v.v[i].speeches;
        r[k].headed = v.v[i].headed;
        k++;
    }
out:
    longsd__free(v.v);
    if (st) {
        ls_speakers_free(r, k);
        return st;
    }
    *out = r;
    *n_out = k;
    return LONGSD_OK;
}

void ls_speakers_free(ls_speaker *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        longsd__free(v[i].name);
    longsd__free(v);
}
