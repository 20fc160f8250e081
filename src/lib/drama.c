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

longsd_status ls_drama_detect(longsd_story *s)
{
    spks v = {0};
    size_t heads, body;
    longsd_status st = scan(s, &v, &heads, &body);
    if (!st)
        s->is_play = decide(&v, heads, body);
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
