/* scene.c - the scene of an idea: its passage rewritten for painting
 * (dialogue and speech tags cut, a leading conjunction dropped, the first
 * pronoun replaced by the one character it can stand for). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene.h"

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
void ls_cap_first(char *b)
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
    ls_cap_first(b);
}

void ls_nameset_add(ls_nameset *ns, size_t ch)
{
    for (size_t i = 0; i < ns->n; i++)
        if (ns->who[i] == ch)
            return;
    if (ns->n < 8)
        ns->who[ns->n++] = ch;
    else
        ns->overflow = 1;
}

longsd_status ls_names_in(const char *p, size_t n, const ls_cast_form *forms, size_t n_forms, ls_nameset *ns)
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
            ls_nameset_add(ns, ch);
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

/* The one character a pronoun at the start of sentence si may stand for:
 * named earlier in its paragraph or in the previous sentence, alone. */
static longsd_status referent(const ls_scenectx *sc, size_t si, size_t *who, int *found)
{
    const longsd_story *s = sc->s;
    const ls_sentence *sn = &s->sentences[si];
    ls_nameset ns = {.n = 0};
    *found = 0;
    size_t pstart = sn->para < s->n_paras ? s->paras[sn->para].start : sn->start;
    if (pstart > sn->start)
        pstart = sn->start;
    longsd_status st = ls_names_in(s->data + pstart, sn->start - pstart, sc->forms, sc->n_forms, &ns);
    if (st)
        return st;
    if (si > 0) {
        const ls_sentence *pv = &s->sentences[si - 1];
        if (pv->start < pstart) {
            st = ls_names_in(s->data + pv->start, pv->end - pv->start, sc->forms, sc->n_forms, &ns);
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
char *ls_scene_build(const ls_scenectx *sc, size_t first, size_t n, size_t *ref_out)
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
        ls_cap_first(u);
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
                    ls_cap_first(u);
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
    ls_scenectx sc = {.s = s, .lang = lslex_lang(s->lang), .cast = cast, .n_cast = n_cast,
                   .forms = forms, .n_forms = n_forms};
    size_t ref;
    char *r = ls_scene_build(&sc, first, n, &ref);
    longsd__free(forms);
    return r;
}

