/* prompt_weights.c - A1111's prompt emphasis and chunking (see
 * prompt_weights.h). The parser follows A1111's tokenizer regex
 * alternative by alternative, in its order, and multiplies weights in
 * double in the same order, so the weights (and which neighbours merge)
 * are the ones A1111 computes. */
#include "prompt_weights.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STACK 4096 /* open brackets; deeper ones are read as text */

/* ---- growable list of pieces */
static longsd_status push_piece(sdpw_list *l, size_t *cap, const char *s, size_t n, double w, lserr *err)
{
    if (l->n == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        sdpw_piece *v = longsd__realloc(l->v, nc * sizeof *v);
        if (!v)
            return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory parsing the prompt");
        l->v = v;
        *cap = nc;
    }
    char *t = longsd__malloc(n + 1);
    if (!t)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory parsing the prompt");
    memcpy(t, s, n);
    t[n] = '\0';
    l->v[l->n].text = t;
    l->v[l->n].weight = w;
    l->n++;
    return LONGSD_OK;
}

void sdpw_list_free(sdpw_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        longsd__free(l->v[i].text);
    longsd__free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* ---- Python's \s and \w on code points (str.isspace, isalnum or '_') */
static uint32_t cp_at(const char *s, size_t n, size_t i, size_t *len)
{
    int l = lsutf8_seqlen((const unsigned char *)s + i, n - i);
    *len = (size_t)l;
    return lsutf8_decode((const unsigned char *)s + i, l);
}

static size_t cp_start_before(const char *s, size_t i)
{
    do
        i--;
    while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80);
    return i;
}

static int is_space(uint32_t c)
{
    return (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

static int is_word(uint32_t c)
{
    return c == '_' || sdtok_is_alnum(c);
}

/* re.split(r"\s*\bBREAK\b\s*", seg) appended as pieces, a (BREAK, -1)
 * between every two parts. */
static longsd_status push_text(sdpw_list *l, size_t *cap, const char *seg, size_t n, lserr *err)
{
    size_t from = 0; /* start of the current part */
    for (size_t b = 0; b + 5 <= n; b++) {
        if (memcmp(seg + b, "BREAK", 5) != 0)
            continue;
        size_t cl;
        if (b > 0 && is_word(cp_at(seg, n, cp_start_before(seg, b), &cl)))
            continue;
        if (b + 5 < n && is_word(cp_at(seg, n, b + 5, &cl)))
            continue;
        /* the match takes the whitespace around it */
        size_t ms = b;
        while (ms > from) {
            size_t p = cp_start_before(seg, ms);
            if (!is_space(cp_at(seg, n, p, &cl)))
                break;
            ms = p;
        }
        size_t me = b + 5;
        while (me < n && is_space(cp_at(seg, n, me, &cl)))
            me += cl;
        longsd_status rc = push_piece(l, cap, seg + from, ms - from, 1.0, err);
        if (rc == LONGSD_OK)
            rc = push_piece(l, cap, "BREAK", 5, -1.0, err);
        if (rc != LONGSD_OK)
            return rc;
        from = me;
        b = me - 1;
    }
    return push_piece(l, cap, seg + from, n - from, 1.0, err);
}

static void multiply_range(sdpw_list *l, size_t start, double m)
{
    for (size_t p = start; p < l->n; p++)
        l->v[p].weight *= m;
}

/* ":\s*([+-]?[.\d]+)\s*\)" at s[i] (a ':'): the match length, the number's
 * span in *ws, *wn; 0 if it does not match. */
static size_t match_weight(const char *s, size_t n, size_t i, size_t *ws, size_t *wn)
{
    size_t j = i + 1, cl;
    while (j < n && is_space(cp_at(s, n, j, &cl)))
        j += cl;
    size_t st = j;
    if (j < n && (s[j] == '+' || s[j] == '-'))
        j++;
    size_t d = j;
    while (j < n && (s[j] == '.' || (s[j] >= '0' && s[j] <= '9')))
        j++;
    if (j == d)
        return 0;
    *ws = st;
    *wn = j - st;
    while (j < n && is_space(cp_at(s, n, j, &cl)))
        j += cl;
    if (j >= n || s[j] != ')')
        return 0;
    return j + 1 - i;
}

/* Python's float() of [+-]?[.0-9]+: at least one digit, at most one dot. */
static int parse_number(const char *s, size_t n, double *out)
{
    char buf[64];
    int digits = 0, dots = 0;
    if (n >= sizeof buf)
        return -1;
    for (size_t k = 0; k < n; k++) {
        digits += s[k] >= '0' && s[k] <= '9';
        dots += s[k] == '.';
    }
    if (!digits || dots > 1)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    return 0;
}

longsd_status sdpw_parse(const char *text, sdpw_list *out, lserr *err)
{
    memset(out, 0, sizeof *out);
    size_t n = strlen(text), cap = 0, nr = 0, ns = 0;
    size_t bad = lsutf8_validate(text, n);
    if (bad != (size_t)-1)
        return lserr_set(err, LONGSD_ERR_ENCODING, "prompt: invalid UTF-8 at byte %zu", bad);
    size_t *round = longsd__malloc(MAX_STACK * sizeof *round), *square = longsd__malloc(MAX_STACK * sizeof *square);
    longsd_status rc = LONGSD_OK;
    if (!round || !square) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory parsing the prompt");
        goto out;
    }
    for (size_t i = 0; i < n && rc == LONGSD_OK;) {
        char c = text[i];
        if (c == '\\') {
            /* "\(" "\)" "\[" "\]" "\\" are the character; a lone "\" is dropped */
            if (i + 1 < n && strchr("()[]\\", text[i + 1])) {
                rc = push_piece(out, &cap, text + i + 1, 1, 1.0, err);
                i += 2;
            } else {
                rc = push_piece(out, &cap, "", 0, 1.0, err);
                i++;
            }
        } else if (c == '(' && nr < MAX_STACK) {
            round[nr++] = out->n;
            i++;
        } else if (c == '[' && ns < MAX_STACK) {
            square[ns++] = out->n;
            i++;
        } else if (c == ':') {
            size_t ws = 0, wn = 0, ml = match_weight(text, n, i, &ws, &wn);
            if (ml && nr) {
                double w;
                if (parse_number(text + ws, wn, &w)) {
                    rc = lserr_set(err, LONGSD_ERR_PARAM, "prompt: weight \"%.*s\" at byte %zu is not a number",
                                   (int)(wn < 40 ? wn : 40), text + ws, ws);
                    break;
                }
                multiply_range(out, round[--nr], w);
                i += ml;
            } else if (ml) {
                rc = push_text(out, &cap, text + i, ml, err);
                i += ml;
            } else {
                rc = push_text(out, &cap, ":", 1, err);
                i++;
            }
        } else if (c == ')' && nr) {
            multiply_range(out, round[--nr], 1.1);
            i++;
        } else if (c == ']' && ns) {
            multiply_range(out, square[--ns], 1 / 1.1);
            i++;
        } else if (strchr("()[]", c)) {
            /* unmatched closer (or an opener past MAX_STACK): text */
            rc = push_text(out, &cap, text + i, 1, err);
            i++;
        } else {
            size_t j = i;
            while (j < n && !strchr("\\()[]:", text[j]))
                j++;
            rc = push_text(out, &cap, text + i, j - i, err);
            i = j;
        }
    }
    if (rc != LONGSD_OK)
        goto out;
    for (size_t k = 0; k < nr; k++)
        multiply_range(out, round[k], 1.1);
    for (size_t k = 0; k < ns; k++)
        multiply_range(out, square[k], 1 / 1.1);
    if (out->n == 0 && (rc = push_piece(out, &cap, "", 0, 1.0, err)) != LONGSD_OK)
        goto out;
    /* merge runs of equal weight */
    size_t o = 0;
    for (size_t k = 0; k < out->n; k++) {
        if (o > 0 && out->v[o - 1].weight == out->v[k].weight) {
            size_t a = strlen(out->v[o - 1].text), b = strlen(out->v[k].text);
            char *m = longsd__realloc(out->v[o - 1].text, a + b + 1);
            if (!m) {
                for (size_t r = k; r < out->n; r++)
                    longsd__free(out->v[r].text);
                out->n = o;
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory parsing the prompt");
                goto out;
            }
            memcpy(m + a, out->v[k].text, b + 1);
            out->v[o - 1].text = m;
            longsd__free(out->v[k].text);
        } else {
            out->v[o++] = out->v[k];
        }
    }
    out->n = o;
out:
    longsd__free(round);
    longsd__free(square);
    if (rc != LONGSD_OK)
        sdpw_list_free(out);
    return rc;
}

/* ---- chunking */
typedef struct {
    int32_t tok[SDPW_CHUNK];
    float mult[SDPW_CHUNK];
    int n;
} chunk_buf;

/* Close the chunk: pad with EOS, add BOS and EOS, append to out; then,
 * as A1111 does where the padding token is not EOS (SD 2.x's "!"),
 * everything after the first EOS becomes the padding token. */
static longsd_status next_chunk(const sdtok *t, chunk_buf *cb, sdpw_chunks *out, lserr *err)
{
    if (out->n == SDPW_MAX_CHUNKS)
        return lserr_set(err, LONGSD_ERR_TOO_BIG, "prompt: more than %d chunks of %d tokens", SDPW_MAX_CHUNKS,
                         SDPW_CHUNK);
    int32_t *ids = out->ids + (size_t)out->n * (SDPW_CHUNK + 2);
    float *m = out->mult + (size_t)out->n * (SDPW_CHUNK + 2);
    ids[0] = sdtok_bos(t);
    m[0] = 1.0f;
    for (int k = 0; k < SDPW_CHUNK; k++) {
        ids[k + 1] = k < cb->n ? cb->tok[k] : sdtok_eos(t);
        m[k + 1] = k < cb->n ? cb->mult[k] : 1.0f;
    }
    ids[SDPW_CHUNK + 1] = sdtok_eos(t);
    m[SDPW_CHUNK + 1] = 1.0f;
    int k = 1;
    while (ids[k] != sdtok_eos(t))
        k++;
    for (k++; k < SDPW_CHUNK + 2; k++)
        ids[k] = sdtok_pad(t);
    out->n++;
    cb->n = 0;
    return LONGSD_OK;
}

void sdpw_chunks_free(sdpw_chunks *c)
{
    if (!c)
        return;
    longsd__free(c->ids);
    longsd__free(c->mult);
    c->ids = NULL;
    c->mult = NULL;
    c->n = 0;
}

longsd_status sdpw_chunk(const sdtok *t, const char *text, sdpw_chunks *out, lserr *err)
{
    memset(out, 0, sizeof *out);
    sdpw_list l = {0};
    const int max_tok = SDPW_MAX_CHUNKS * SDPW_CHUNK + 1;
    int32_t *tok = NULL;
    chunk_buf *cb = NULL;
    longsd_status rc = sdpw_parse(text, &l, err);
    if (rc != LONGSD_OK)
        return rc;
    out->ids = longsd__malloc((size_t)SDPW_MAX_CHUNKS * (SDPW_CHUNK + 2) * sizeof *out->ids);
    out->mult = longsd__malloc((size_t)SDPW_MAX_CHUNKS * (SDPW_CHUNK + 2) * sizeof *out->mult);
    tok = longsd__malloc((size_t)max_tok * sizeof *tok);
    cb = longsd__malloc(sizeof *cb);
    if (!out->ids || !out->mult || !tok || !cb) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory chunking the prompt");
        goto out;
    }
    cb->n = 0;
    const int32_t comma = sdtok_token_id(t, ",</w>");
    int last_comma = -1;
    for (size_t p = 0; p < l.n; p++) {
        if (l.v[p].weight == -1.0 && strcmp(l.v[p].text, "BREAK") == 0) {
            if ((rc = next_chunk(t, cb, out, err)) != LONGSD_OK)
                goto out;
            last_comma = -1;
            continue;
        }
        int nt = 0;
        if ((rc = sdtok_encode_raw(t, l.v[p].text, tok, max_tok, &nt, err)) != LONGSD_OK)
            goto out;
        if (nt == max_tok) {
            rc = lserr_set(err, LONGSD_ERR_TOO_BIG, "prompt: more than %d chunks of %d tokens", SDPW_MAX_CHUNKS,
                           SDPW_CHUNK);
            goto out;
        }
        float w = (float)l.v[p].weight;
        if (!isfinite(w)) {
            /* 1.1^1000 from deep brackets: refused rather than a NaN picture */
            rc = lserr_set(err, LONGSD_ERR_PARAM, "prompt: the weight of \"%.30s\" is out of range (%g)",
                           l.v[p].text, l.v[p].weight);
            goto out;
        }
        for (int k = 0; k < nt; k++) {
            if (tok[k] == comma) {
                last_comma = cb->n;
            } else if (cb->n == SDPW_CHUNK && last_comma != -1 && cb->n - last_comma <= SDPW_COMMA_BACKOFF) {
                /* the words after the last comma move to the next chunk */
                int from = last_comma + 1, moved = cb->n - from;
                int32_t mt[SDPW_CHUNK];
                float mm[SDPW_CHUNK];
                memcpy(mt, cb->tok + from, (size_t)moved * sizeof *mt);
                memcpy(mm, cb->mult + from, (size_t)moved * sizeof *mm);
                cb->n = from;
                if ((rc = next_chunk(t, cb, out, err)) != LONGSD_OK)
                    goto out;
                memcpy(cb->tok, mt, (size_t)moved * sizeof *mt);
                memcpy(cb->mult, mm, (size_t)moved * sizeof *mm);
                cb->n = moved;
                last_comma = -1;
            }
            if (cb->n == SDPW_CHUNK) {
                if ((rc = next_chunk(t, cb, out, err)) != LONGSD_OK)
                    goto out;
                last_comma = -1;
            }
            cb->tok[cb->n] = tok[k];
            cb->mult[cb->n] = w;
            cb->n++;
        }
    }
    if (cb->n > 0 || out->n == 0)
        rc = next_chunk(t, cb, out, err);
out:
    sdpw_list_free(&l);
    longsd__free(tok);
    longsd__free(cb);
    if (rc != LONGSD_OK)
        sdpw_chunks_free(out);
    return rc;
}

void sdpw_emphasis(float *z, const float *mult, int n_tok, int dim)
{
    int plain = 1;
    for (int i = 0; i < n_tok; i++)
        plain &= mult[i] == 1.0f;
    if (plain)
        return;
    double before = 0, after = 0;
    size_t n = (size_t)n_tok * dim;
    for (int i = 0; i < n_tok; i++)
        for (int d = 0; d < dim; d++) {
            float *v = z + (size_t)i * dim + d;
            before += *v;
            *v *= mult[i];
            after += *v;
        }
    before /= (double)n;
    after /= (double)n;
    if (after == 0)
        return;
    float s = (float)(before / after);
    for (size_t k = 0; k < n; k++)
        z[k] *= s;
}
