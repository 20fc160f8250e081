/* anchor.c - a model's quote mapped back to bytes of the original text (see
 * anchor.h). Both sides are normalised into a byte stream in which every
 * byte remembers the source span of the character it came from, so a match
 * in normalised space maps straight back to the file; the fuzzy level slides
 * a window of the quote's word count over the words of the span, counting
 * shared words incrementally (linear in the span). */
#include "anchor.h"

#include <string.h>

#include "llm.h"
#include "util.h"

#define QUOTE_MAX_WORDS 200

typedef struct {
    char *s;
    size_t *from, *to; /* source span of the character each byte came from */
    size_t n;
} norm;

static void norm_free(norm *m)
{
    longsd__free(m->s);
    longsd__free(m->from);
    longsd__free(m->to);
    memset(m, 0, sizeof *m);
}

static int put(norm *m, char c, size_t from, size_t to)
{
    m->s[m->n] = c;
    m->from[m->n] = from;
    m->to[m->n] = to;
    m->n++;
    return 0;
}

static int is_space_cp(uint32_t cp) { return cp == ' ' || (cp >= 9 && cp <= 13) || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B); }

static int is_apostrophe(uint32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == '`'; }

/* letters and digits of any script count as word characters; ASCII and
 * Latin-1 punctuation, general punctuation (quotes, dashes, ellipsis) do not */
static int is_word_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    if (cp < 0xC0)
        return 0;
    if (cp == 0xD7 || cp == 0xF7)
        return 0;
    if (cp >= 0x2000 && cp <= 0x2BFF)
        return 0;
    if (cp >= 0x3000 && cp <= 0x303F)
        return 0;
    return 1;
}

/* tolerant = 0: whitespace runs become one space, all else kept.
 * tolerant = 1: lower-case words separated by single spaces. */
static int norm_build(const char *d, size_t a, size_t b, int tolerant, norm *m)
{
    size_t cap = (b - a) + 1;
    memset(m, 0, sizeof *m);
    m->s = longsd__malloc(cap);
    m->from = longsd__malloc(cap * sizeof *m->from);
    m->to = longsd__malloc(cap * sizeof *m->to);
    if (!m->s || !m->from || !m->to) {
        norm_free(m);
        return -1;
    }
    int pending_space = 0;
    size_t i = a;
    while (i < b) {
        int len = lsutf8_seqlen((const unsigned char *)d + i, b - i);
        uint32_t cp = len ? lsutf8_decode((const unsigned char *)d + i, len) : 0xFFFD;
        size_t clen = len ? (size_t)len : 1;
        if (is_space_cp(cp) || cp == 0xFFFD || cp < 0x20 || cp == 0x7F) {
            pending_space = 1;
        } else if (!tolerant) {
            if (pending_space && m->n)
                put(m, ' ', i, i);
            pending_space = 0;
            for (size_t k = 0; k < clen; k++)
                put(m, d[i + k], i, i + clen);
        } else if (is_apostrophe(cp)) {
            /* "don't" == "dont" == "don’t" */
        } else if (is_word_cp(cp)) {
            if (pending_space && m->n)
                put(m, ' ', i, i);
            pending_space = 0;
            if (cp < 0x80) {
                char c = d[i];
                put(m, (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c, i, i + 1);
            } else {
                char enc[4];
                if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
                    cp += 0x20; /* Latin-1 capitals */
                int el = lsutf8_encode(cp, enc);
                for (int k = 0; k < el && (size_t)k < clen; k++)
                    put(m, enc[k], i, i + clen);
            }
        } else {
            pending_space = 1;
        }
        i += clen;
    }
    return 0;
}

static int word_char(char c) { return c != ' '; }

/* First occurrence of q in r on word boundaries (tolerant) or, for exact,
 * not inside an alphanumeric run. Returns offset or (size_t)-1. */
static size_t find_bounded(const norm *r, const norm *q, int tolerant)
{
    if (!q->n || q->n > r->n)
        return (size_t)-1;
    size_t from = 0;
    while (from + q->n <= r->n) {
        const char *p = memmem(r->s + from, r->n - from, q->s, q->n);
        if (!p)
            return (size_t)-1;
        size_t pos = (size_t)(p - r->s);
        size_t e = pos + q->n;
        int ok_start, ok_end;
        if (tolerant) {
            ok_start = pos == 0 || !word_char(r->s[pos - 1]);
            ok_end = e == r->n || !word_char(r->s[e]);
        } else {
            unsigned char q0 = (unsigned char)q->s[0], ql = (unsigned char)q->s[q->n - 1];
            int a0 = (q0 >= '0' && q0 <= '9') || ((q0 | 32) >= 'a' && (q0 | 32) <= 'z');
            int al = (ql >= '0' && ql <= '9') || ((ql | 32) >= 'a' && (ql | 32) <= 'z');
            unsigned char pb = pos ? (unsigned char)r->s[pos - 1] : ' ';
            unsigned char pa = e < r->n ? (unsigned char)r->s[e] : ' ';
            int bb = (pb >= '0' && pb <= '9') || ((pb | 32) >= 'a' && (pb | 32) <= 'z');
            int ab = (pa >= '0' && pa <= '9') || ((pa | 32) >= 'a' && (pa | 32) <= 'z');
            ok_start = !(a0 && bb);
            ok_end = !(al && ab);
        }
        if (ok_start && ok_end)
            return pos;
        from = pos + 1;
    }
    return (size_t)-1;
}

typedef struct {
    size_t a, b; /* offsets in the normalised stream */
    uint64_t h;
} word;

static size_t split_words(const norm *m, word *w, size_t max)
{
    size_t n = 0, i = 0;
    while (i < m->n && n < max) {
        while (i < m->n && m->s[i] == ' ')
            i++;
        if (i >= m->n)
            break;
        size_t a = i;
        while (i < m->n && m->s[i] != ' ')
            i++;
        w[n].a = a;
        w[n].b = i;
        w[n].h = lsfnv1a64(m->s + a, i - a, LSFNV_SEED);
        n++;
    }
    return n;
}

/* 1 found, 0 not, -1 out of memory */
static int fuzzy(const norm *r, const norm *q, size_t *out_a, size_t *out_b)
{
    int found = 0;
    word qw[QUOTE_MAX_WORDS];
    size_t L = split_words(q, qw, QUOTE_MAX_WORDS);
    if (L < 3)
        return 0;
    size_t max_rw = r->n / 2 + 1;
    word *rw = longsd__malloc(max_rw * sizeof *rw);
    int *idx = NULL;
    if (!rw)
        return -1;
    size_t N = split_words(r, rw, max_rw);
    /* distinct quote words and how often each occurs */
    uint64_t dh[QUOTE_MAX_WORDS];
    int qc[QUOTE_MAX_WORDS], wc[QUOTE_MAX_WORDS];
    size_t D = 0;
    for (size_t i = 0; i < L; i++) {
        size_t j;
        for (j = 0; j < D && dh[j] != qw[i].h; j++)
            ;
        if (j == D) {
            dh[D] = qw[i].h;
            qc[D] = 0;
            wc[D] = 0;
            D++;
        }
        qc[j]++;
    }
    idx = longsd__malloc((N ? N : 1) * sizeof *idx);
    if (!idx) {
        found = -1;
        goto out;
    }
    for (size_t i = 0; i < N; i++) {
        idx[i] = -1;
        for (size_t j = 0; j < D; j++)
            if (dh[j] == rw[i].h) {
                idx[i] = (int)j;
                break;
            }
    }
    size_t W = L < N ? L : N;
    if (!W)
        goto out;
    long score = 0, best = -1;
    size_t best_at = 0;
    for (size_t i = 0; i < N; i++) {
        if (idx[i] >= 0) {
            if (wc[idx[i]] < qc[idx[i]])
                score++;
            wc[idx[i]]++;
        }
        if (i >= W) {
            int j = idx[i - W];
            if (j >= 0) {
                wc[j]--;
                if (wc[j] < qc[j])
                    score--;
            }
        }
        if (i + 1 >= W && score > best) {
            best = score;
            best_at = i + 1 - W;
        }
    }
    if (best < 3 || (size_t)best * 10 < L * 6)
        goto out;
    /* among the windows that share as many words, prefer the one that starts
     * and ends as the quote does; each is tightened to its first and last
     * shared word */
    size_t s = 0, e = 0;
    int best_edge = -1;
    memset(wc, 0, sizeof wc);
    score = 0;
    for (size_t i = 0; i < N; i++) {
        if (idx[i] >= 0) {
            if (wc[idx[i]] < qc[idx[i]])
                score++;
            wc[idx[i]]++;
        }
        if (i >= W) {
            int j = idx[i - W];
            if (j >= 0) {
                wc[j]--;
                if (wc[j] < qc[j])
                    score--;
            }
        }
        if (i + 1 < W || score != best)
            continue;
        size_t ts = i + 1 - W, te = i;
        while (ts < te && idx[ts] < 0)
            ts++;
        while (te > ts && idx[te] < 0)
            te--;
        int edge = (rw[ts].h == qw[0].h) + (rw[te].h == qw[L - 1].h);
        if (edge > best_edge) {
            best_edge = edge;
            s = ts;
            e = te;
            if (edge == 2)
                break;
        }
    }
    (void)best_at;
    *out_a = rw[s].a;
    *out_b = rw[e].b;
    found = 1;
out:
    longsd__free(idx);
    longsd__free(rw);
    return found;
}

int ls_anchor_find(const char *data, size_t start, size_t end, const char *quote, size_t *out_start,
                   size_t *out_end)
{
    if (!data || !quote || start >= end)
        return LS_ANCHOR_NONE;
    size_t qlen = strlen(quote);
    int level = LS_ANCHOR_NONE;
    for (int tolerant = 0; tolerant <= 1 && level == LS_ANCHOR_NONE; tolerant++) {
        /* level stays NONE to go on, becomes a hit, or -1 (out of memory) */
        norm r, q;
        if (norm_build(data, start, end, tolerant, &r))
            return -1;
        if (norm_build(quote, 0, qlen, tolerant, &q)) {
            norm_free(&r);
            return -1;
        }
        size_t pos = find_bounded(&r, &q, tolerant);
        if (pos != (size_t)-1) {
            *out_start = r.from[pos];
            *out_end = r.to[pos + q.n - 1];
            level = tolerant ? LS_ANCHOR_TOLERANT : LS_ANCHOR_EXACT;
        } else if (tolerant) {
            size_t a, b;
            int f = fuzzy(&r, &q, &a, &b);
            if (f < 0)
                level = -1;
            else if (f) {
                *out_start = r.from[a];
                *out_end = r.to[b - 1];
                level = LS_ANCHOR_FUZZY;
            }
        }
        norm_free(&r);
        norm_free(&q);
    }
    return level;
}
