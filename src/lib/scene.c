/* scene.c - the scene of an idea: its passage rewritten for painting
 * (dialogue and speech tags cut, a leading conjunction dropped, the first
 * pronoun replaced by the one character it can stand for). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene.h"

#include "desc_int.h"
#include "narrator.h"
#include "prompt.h"
#include "dict.h"
#include "translate.h"
#include "wordnet.h"

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

/* Does the quotation mark at t[i] open a speech (1) or close one (-1)?
 * German and French marks say which by their side: glued to the word after
 * it opens, glued to the word before it closes; a mark spaced on both sides
 * (French "« Oui »") by its language's habit (German »…« and „…“, French
 * «…»). 0 for the straight mark, and in English, where only the order of
 * the marks tells. */
static int quote_role(lslex_lang_id lang, const char *t, size_t n, size_t i)
{
    int l = quote_at(t, n, i);
    if (lang == LSLEX_EN || l < 2)
        return 0;
    uint32_t cp = lsutf8_decode((const unsigned char *)t + i, l);
    int before = i > 0 && !is_space(t[i - 1]);
    int after = i + (size_t)l < n && !is_space(t[i + (size_t)l]);
    if (after && !before)
        return 1;
    if (before && !after)
        return -1;
    if (cp == 0xAB)
        return lang == LSLEX_FR ? 1 : -1;
    if (cp == 0xBB)
        return lang == LSLEX_FR ? -1 : 1;
    if (cp == 0x201E)
        return 1;
    return 0;
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
        int role = i < nk ? quote_role(lang, t, n, at) : 0;
        if (role < 0 && !quoted) {
            /* a closing mark with no opening one: the sentence began inside
             * a speech opened before it ("Anna!« rief der Vater"), so what
             * came before the mark was spoken */
            seg = at + (size_t)quote_at(t, n, at);
            continue;
        }
        if (!quoted)
            st = add_narration(lang, t, seg, at, &kept, out);
        if (i < nk) {
            quoted = role > 0 ? 1 : role < 0 ? 0 : !quoted;
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

/* The sex an English he/him/his (male) or she/her (female) says, of the
 * lower-case word low[0, n); LS_GENDER_UNKNOWN for any other word. */
static int pronoun_sex(const char *low, size_t n)
{
    if ((n == 2 && memcmp(low, "he", 2) == 0) || (n == 3 && (memcmp(low, "him", 3) == 0 || memcmp(low, "his", 3) == 0)))
        return LS_GENDER_MALE;
    if (n == 3 && (memcmp(low, "she", 3) == 0 || memcmp(low, "her", 3) == 0))
        return LS_GENDER_FEMALE;
    return LS_GENDER_UNKNOWN;
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
        int sex = pronoun_sex(low, ll);
        int male = sex == LS_GENDER_MALE, female = sex == LS_GENDER_FEMALE;
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

static int word_in(const char *w, const char *const *list);

static int is_he_she(const char *w, size_t n)
{
    return (n == 2 && strncasecmp(w, "he", 2) == 0) || (n == 3 && strncasecmp(w, "she", 3) == 0);
}

/* Is "he" or "she" the subject of a clause joined to a first one whose
 * subject is no person ("The headway ran almost out, and he drew up
 * slowly")? Nobody before it that the pronoun could stand for: no
 * capitalised word after the first, no person noun (WordNet), no other
 * pronoun. */
static int joined_clause_pronoun(const char *t)
{
    static const char *const joins[] = {"and", "but", "then", "so", "when", "as", "while", NULL};
    lslex_scan sc;
    lsword w;
    size_t len = strlen(t), prev_end = 0;
    char prev[32] = "";
    lslex_scan_init(&sc, t, len);
    for (int i = 0; i < 20 && lslex_next_word(&sc, &w); i++) {
        size_t wl = w.end - w.start;
        char low[32];
        size_t ll = wl < sizeof low ? lslex_lower(t + w.start, wl, low, sizeof low, 0) : 0;
        if (i > 0 && is_he_she(t + w.start, wl)) {
            int comma = 0;
            for (size_t g = prev_end; g < w.start; g++)
                comma |= t[g] == ',' || t[g] == ';';
            return word_in(prev, joins) || comma;
        }
        if (i > 0 && t[w.start] >= 'A' && t[w.start] <= 'Z')
            return 0;
        if (!ll || (lslex_lookup(LSLEX_EN, low, ll, NULL, NULL) & LSLEX_PRONOUN))
            return 0; /* "his", "they", "it": someone already stands there */
        lswn_info wi;
        if (lswn_lookup(low, &wi) && wi.noun && lswn_noun_is(&wi, LSWN_N_PERSON))
            return 0; /* "the man turned, and he": the man */
        memcpy(prev, low, sizeof prev);
        prev_end = w.end;
    }
    return 0;
}

/* Is "he" or "she" the subject of text's first clause: its first word,
 * after a word that opens a clause ("As he strolled home", "Suddenly he
 * rose"), or after a short fronted phrase and its comma ("After breakfast,
 * he walked")? Not a "his" or "him": "Hallward shook his head" names its
 * doer. */
static int opens_with_pronoun(const char *t)
{
    static const char *const openers[] = {"as", "when", "while", "then", "now", "once", "after", "before",
                                          "until", "till", "since", "though", "although", "if", "so", NULL};
    lslex_scan sc;
    lsword w[7];
    size_t n = 0, len = strlen(t);
    lslex_scan_init(&sc, t, len);
    while (n < 7 && lslex_next_word(&sc, &w[n]))
        n++;
    if (n == 0)
        return 0;
    if (is_he_she(t + w[0].start, w[0].end - w[0].start))
        return 1;
    char low[16];
    size_t l0 = w[0].end - w[0].start;
    size_t ll = l0 < sizeof low ? lslex_lower(t + w[0].start, l0, low, sizeof low, 0) : 0;
    int adverb = ll > 4 && low[ll - 2] == 'l' && low[ll - 1] == 'y'; /* "Suddenly he" */
    if (n > 1 && ll && (word_in(low, openers) || adverb) && is_he_she(t + w[1].start, w[1].end - w[1].start))
        return 1;
    /* a fronted phrase of a few lower-case words, then its comma */
    for (size_t i = 1; i < n && i <= 5; i++) {
        int comma = 0;
        for (size_t g = w[i - 1].end; g < w[i].start; g++)
            comma |= t[g] == ',';
        if (comma)
            return is_he_she(t + w[i].start, w[i].end - w[i].start) || joined_clause_pronoun(t);
        if (t[w[i].start] >= 'A' && t[w[i].start] <= 'Z')
            return 0; /* a name in the phrase: "After Tom left, he" has its own antecedent */
    }
    return joined_clause_pronoun(t);
}

/* The sex the first he/him/his (male) or she/her (female) of text says,
 * LS_GENDER_UNKNOWN when it has none among its first words. */
static int leading_pronoun_sex(const char *t)
{
    lslex_scan sc;
    lsword w;
    lslex_scan_init(&sc, t, strlen(t));
    for (int i = 0; i < 16 && lslex_next_word(&sc, &w); i++) {
        char low[8];
        size_t wl = w.end - w.start;
        if (wl > 3)
            continue;
        int sex = pronoun_sex(low, lslex_lower(t + w.start, wl, low, sizeof low, 0));
        if (sex != LS_GENDER_UNKNOWN)
            return sex;
    }
    return LS_GENDER_UNKNOWN;
}

/* How many characters of ns a pronoun of sex `sex` may stand for (those
 * of that sex or of none known); *who gets one of them. */
static size_t of_sex(const ls_scenectx *sc, const ls_nameset *ns, int sex, size_t *who)
{
    size_t n = 0;
    for (size_t i = 0; i < ns->n; i++) {
        int g = sc->cast[ns->who[i]].gender;
        if (sex == LS_GENDER_UNKNOWN || g == sex || g == LS_GENDER_UNKNOWN) {
            *who = ns->who[i];
            n++;
        }
    }
    return ns->overflow ? 2 : n;
}

/* Names of the cast in the narration of s->data[a, z), quoted speech left
 * out: "Farewell, Frankenstein!" in a speech names the one spoken to, not
 * the "he" of the next line; a speech tag ("answered Lord Henry") counts.
 * The marks are followed from ps, the start of the paragraph, since a
 * speech may open sentences before a and run over several paragraphs
 * (one that opens with a mark and never closes it is speech throughout).
 * English curly marks say which side they are; the straight one toggles. */
static longsd_status names_told(const ls_scenectx *sc, size_t ps, size_t a, size_t z, ls_nameset *ns)
{
    const char *d = sc->s->data;
    int quoted = 0;
    size_t seg = a;
    for (size_t i = ps; i < z; i++) {
        int open = 0, close = 0, l = 1;
        unsigned char c = (unsigned char)d[i];
        if (c == '"') {
            open = !quoted;
            close = quoted;
        } else if (c == 0xE2 && i + 2 < z && (unsigned char)d[i + 1] == 0x80 &&
                   ((unsigned char)d[i + 2] == 0x9C || (unsigned char)d[i + 2] == 0x9D)) {
            open = (unsigned char)d[i + 2] == 0x9C;
            close = !open;
            l = 3;
        }
        if (open && !quoted && i > seg && i >= a) {
            longsd_status st = ls_names_in(d + seg, i - seg, sc->forms, sc->n_forms, ns);
            if (st)
                return st;
        }
        if (open)
            quoted = 1;
        else if (close)
            quoted = 0;
        if (open || close)
            seg = i + (size_t)l > a ? i + (size_t)l : a;
        i += (size_t)l - 1;
    }
    return quoted || seg >= z ? LONGSD_OK : ls_names_in(d + seg, z - seg, sc->forms, sc->n_forms, ns);
}

/* How far back a pronoun at the start of a passage looks for its name. */
#define REFERENT_SENTENCES 10

/* Where the paragraph of sentence sn starts (its own start if unknown). */
static size_t para_start(const longsd_story *s, const ls_sentence *sn)
{
    size_t ps = sn->para < s->n_paras ? s->paras[sn->para].start : sn->start;
    return ps > sn->start ? sn->start : ps;
}

/* The character sentence sn opens with as its lone subject ("Lorenzo
 * wept"), not one of two ("Tom and Jim sat", "Tom, Jim and Ben"); 0 if
 * it opens otherwise (speech, a phrase, a pronoun). */
static int sentence_subject(const ls_scenectx *sc, const ls_sentence *sn, size_t *who)
{
    const char *t = sc->s->data + sn->start;
    size_t len = sn->end - sn->start;
    lslex_scan scan;
    lsword w[5];
    size_t m = 0;
    lslex_scan_init(&scan, t, len);
    while (m < 5 && lslex_next_word(&scan, &w[m]))
        m++;
    if (m < 2 || w[0].start != 0)
        return 0; /* a mark or a dash before the first word */
    uint64_t hh[4];
    size_t k = m < 4 ? m : 4;
    for (size_t i = 0; i < k; i++)
        hh[i] = lslex_word_hash(t + w[i].start, w[i].end - w[i].start);
    size_t ml = ls_cast_match(sc->forms, sc->n_forms, hh, k, 0, who);
    if (!ml || ml >= m)
        return 0;
    for (size_t g = w[ml - 1].end; g < w[ml].start; g++)
        if (t[g] == ',' || t[g] == ';' || t[g] == '&')
            return 0;
    size_t nl = w[ml].end - w[ml].start;
    return !((nl == 3 && strncasecmp(t + w[ml].start, "and", 3) == 0) ||
             (nl == 2 && strncasecmp(t + w[ml].start, "or", 2) == 0));
}

/* The one character a pronoun of sex `sex` at the start of sentence si
 * may stand for: the one of that sex named earlier in its paragraph or in
 * the previous sentence ("..., Tom was whitewashing, and Aunt Polly was
 * retiring. He took up his brush": Tom), else in the nearest sentence
 * before that names one of that sex, when the sentence opens with the
 * pronoun (opens: "But Tom's energy did not last. He began to think ...
 * an inspiration. / He took up his brush": Tom, though Jim was named
 * before; not the "his" of "Hallward shook his head"). Two who fit the
 * nearest naming leave it unresolved. */
static longsd_status referent(const ls_scenectx *sc, size_t si, int sex, int opens, size_t *who, int *found)
{
    const longsd_story *s = sc->s;
    const ls_sentence *sn = &s->sentences[si];
    ls_nameset ns = {.n = 0};
    *found = 0;
    size_t pstart = sn->para < s->n_paras ? s->paras[sn->para].start : sn->start;
    if (pstart > sn->start)
        pstart = sn->start;
    longsd_status st = names_told(sc, pstart, pstart, sn->start, &ns);
    if (st)
        return st;
    size_t back = si;
    if (si > 0) {
        const ls_sentence *pv = &s->sentences[si - 1];
        if (pv->start < pstart) {
            st = names_told(sc, para_start(s, pv), pv->start, pv->end, &ns);
            if (st)
                return st;
            back = si - 1;
        }
    }
    size_t n = of_sex(sc, &ns, sex, who);
    while (opens && n == 0 && back > 0 && si - back < REFERENT_SENTENCES) {
        const ls_sentence *pv = &s->sentences[--back];
        ns.n = 0;
        ns.overflow = 0;
        st = names_told(sc, para_start(s, pv), pv->start, pv->end, &ns);
        if (st)
            return st;
        n = of_sex(sc, &ns, sex, who);
    }
    if (n >= 2 && opens) {
        /* two of that sex: the subject of the nearest sentence naming
         * them goes on being the subject ("Lorenzo wept and cursed himself
         * for being too late to warn Daoud. He stood on the edge") */
        size_t lo = back;
        if (sn->para < s->n_paras && s->paras[sn->para].first_sentence < lo)
            lo = s->paras[sn->para].first_sentence;
        for (size_t k = si; k-- > lo;) {
            const ls_sentence *pv = &s->sentences[k];
            ns.n = 0;
            ns.overflow = 0;
            if ((st = names_told(sc, para_start(s, pv), pv->start, pv->end, &ns)))
                return st;
            size_t one;
            if (of_sex(sc, &ns, sex, &one) == 0)
                continue;
            size_t subj;
            int g = sentence_subject(sc, pv, &subj) ? sc->cast[subj].gender : -1;
            if (g != -1 && (sex == LS_GENDER_UNKNOWN || g == sex || g == LS_GENDER_UNKNOWN)) {
                *who = subj;
                n = 1;
            }
            break;
        }
    }
    *found = n == 1;
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
            if (referent(sc, first + k, leading_pronoun_sex(u), opens_with_pronoun(u), &who, &found)) {
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


/* ------------------------------------------------------------------------
 * The scene writer: an English picture description of a passage.
 *
 * Stable Diffusion's CLIP reads a prompt best as a list of visual phrases,
 * most important first. So the narration (speech already cut, above) is
 * read word by word, each word classed with WordNet (wordnet.c) or, for
 * German and French, with its dictionary translation (translate.c), and the
 * description is assembled as
 *
 *     subject, action, action, with objects, setting, time, weather/light, mood
 *
 * one comma-separated element each, so that the prompt builder can drop
 * whole elements from the end to fit the budget. Only nouns, adjectives,
 * -ing forms of visible verbs and prepositions are ever written: no
 * pronoun, no speech, no names of things that cannot be seen (a character
 * is written as its visual description, or as "a boy", "an old woman"...
 * from its sex, age and role; a name alone tells CLIP nothing it can draw
 * and invites lettering). */

#define SW_MAX_TOK 200
#define SCENE_QUIET "a quiet scene"
#define SW_MAX_NP 48

enum { T_SKIP = 0, T_FUNC, T_PREP, T_DET, T_PRON, T_NOUN, T_VERB, T_ADJ, T_ADV, T_CAST, T_PROPER };

typedef struct {
    size_t s, e;          /* bytes in the narration */
    char low[32];         /* lower case, source language */
    char en[32];          /* the English word looked up ("" = none) */
    unsigned lf;          /* lexicon flags (source language) */
    lswn_info wi;
    int wn;               /* WordNet knows en */
    int tag;
    int the;              /* a determiner "the" (or der/le...) */
    int cast;             /* cast index + 1 (first word of a name) */
    int brk;              /* a clause break (, ; : . ! ? dash) comes before it */
    int upper, first;     /* capitalised; first word of a sentence */
    int poss;             /* written with a possessive 's: "Tom's eyes" */
    int pos;              /* LS_POS_* the dictionary gave (translated words) */
    int neg;              /* negated ("did not run") */
    int refl;             /* a French or German reflexive verb: "se jeta", "warf sich" */
    int num;              /* a cardinal number before its noun: "zwei", "trois" -> "two", "three" */
    int coll;             /* a collection drawn by its "of" phrase: "a pile of stones" */
    int present;          /* a cast name in the picture (sw_present) */
    int used;
} swtok;

typedef struct {
    size_t a, z;          /* tokens [a, z) of the phrase: modifiers and head */
    size_t head;
    size_t lead;          /* first token after the preposition (determiners included) */
    int the;              /* the text said "the": kept for a setting ("in the sun") */
    int prep;             /* token index of its preposition + 1, 0 none */
    int det;              /* a determiner or possessive stood before it */
    int of;               /* index+1 of a following "of" phrase joined to it */
    int used;
} swnp;

typedef struct {
    const ls_scenectx *sc;
    const char *text;
    swtok t[SW_MAX_TOK];
    size_t n;
    swnp np[SW_MAX_NP];
    size_t n_np;
    ls_sceneparts parts; /* what the title is made of */
    const char *owner;   /* "his", "her", "their": whose "la tête" the subject moves; NULL unknown */
} swriter;

static int word_in(const char *w, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(w, list[i]) == 0)
            return 1;
    return 0;
}

/* Words that are never drawn, whatever WordNet says: quantities, vague
 * nouns, and slurs (rendered or left out, never written). */
static const char *const never_words[] = {
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million", "dozen", "half", "thing",
    "things", "something", "anything", "nothing", "everything", "way", "time", "times", "lot", "kind",
    "sort", "part", "side", "end", "place", "matter", "fact", "case", "point", "piece", "bit", "number",
    "nigger", "niggers", "darky", "darkey", "injun", "injuns", "mulatto", "negro", "negroes", "nigga",
    "mister", "sir", "madam", "ma'am", "fellow", "chap", "body", "somebody", "anybody", "nobody",
    "everybody", "people", "other", "others", "own", "same", "such", "whole", "rest", "first", "last",
    "middle", "front", "top", "bottom", "edge", "air", "sight", "view", "distance", "direction", "moment",
    "next", "little", "much", "many", "more", "most", "few", "very", "just", "only", "even", "still",
    "again", "also", "too", "quite", "rather", "really", "yes", "no", "oh", "ah", "well",
    /* places no picture holds: beyond sight or too large to be a setting */
    "heaven", "heavens", "hell", "paradise", "world", "universe", "continent", "headquarters",
    /* "went home", "got back home": an adverb far more than a building */
    "home", NULL};

/* Preposition and noun that make an idiom, not a place or a thing:
 * "in a new light", "at hand", "at heart", "in turn". */
static const char *const idioms[][2] = {{"in", "light"}, {"at", "hand"}, {"in", "hand"}, {"on", "hand"},
                                        {"at", "heart"}, {"by", "heart"}, {"in", "mind"}, {"in", "turn"},
                                        {"at", "length"}, {"in", "sight"}, {"in", "place"}, {"in", "order"},
                                        {"on", "purpose"}, {"in", "line"}, {"at", "home"}, {"in", "store"}};

/* Verbs that show nothing by themselves: kept only with a particle or an
 * object ("taking up a brush", not "taking"). */
static const char *const weak_verbs[] = {"be", "have", "do", "go", "come", "get", "become", "begin", "start",
                                         "stop", "try", "keep", "let", "make", "take", "seem", "happen",
                                         "continue", "remain", "appear", "leave", "set", "put", "turn", "give",
                                         "bring", "move", "find", "lose", "use", "wait", "stay", "pass", "stick", "pay",
                                         "offer", "resign", "hold", "reach", "see", "hear", "feel", "want",
                                         "show", "enter", "act", NULL};

/* Verbs of handling things: no pose by themselves (WordNet files "take"
 * under verb.social first), one with their object ("taking up a brush"). */
static const char *const handling_verbs[] = {"take", "bring", "put", "set", "hold", "give", "lift", "pick",
                                             "carry", "lay", "hand", "fetch", "draw", NULL};

/* Particles that complete a verb: "sat down", "came out". */
static const char *const particles[] = {"down", "up", "out", "away", "off", "back", "over", "around",
                                        "about", "along", "aside", "forward", "in", NULL};

/* Prepositions that put a thing in the picture's space. */
static const char *const place_preps[] = {"in", "on", "at", "into", "onto", "over", "under", "through", "across",
                                          "along", "behind", "beneath", "below", "beside", "by", "near",
                                          "around", "among", "between", "upon", "inside", "outside", "above",
                                          "against", "toward", "towards", "past", "down", "up", NULL};

static const char *const times_of_day[] = {"morning", "noon", "afternoon", "evening", "night", "midnight", "dawn",
                                           "dusk", "twilight", "sunrise", "sunset", "daybreak", "nightfall",
                                           "spring", "summer", "autumn", "winter", NULL};

static const char *const weather_words[] = {
    "rain", "storm", "snow", "fog", "mist", "wind", "thunder", "lightning", "sunshine", "sunlight", "moonlight",
    "starlight", "candlelight", "firelight", "lamplight", "shadow", "shadows", "darkness", "gloom", "haze", "frost",
    "hail", "cloud", "clouds", "rainbow", "dew", "blizzard", "tempest", "gale", "shade", NULL};

static const char *const mood_words[] = {"peaceful", "gloomy", "dreamy", "cheerful", "melancholy", "lonely",
                                         "quiet", "silent", "solemn", "merry", "sad", "eerie", "mysterious",
                                         "tranquil", "serene", "dismal", "somber", "sombre", "festive", "joyful",
                                         "desolate", "reposeful", "inviting", "grim", "wild", "calm", "tense",
                                         "dreary", "bleak", "cozy", "cosy", "sunny", "stormy", "rainy", NULL};

static const char *const rooms[] = {"room", "kitchen", "parlor", "parlour", "chamber", "hall", "cellar", "attic",
                                    "church", "cabin", "cave", "bedroom", "library", "study", "school",
                                    "schoolroom", "schoolhouse", "tavern", "inn", "shop", "castle", "palace",
                                    "house", "hut", "cottage", "prison", "jail", "chapel", "office", NULL};

/* Is the English noun a time, a meal (WordNet's class, or "meal" among
 * its kinds: "supper", "breakfast") or, with events, an event? Before
 * such a noun a preposition tells when, not where. An event only after
 * "after": WordNet's "fire" is an event first, and "before the fire" a
 * place. */
static int temporal_noun(const swtok *t, int events)
{
    char kinds[24][32];
    if (!t->wn || !t->wi.noun)
        return 0;
    if (t->wi.noun_lex[0] == LSWN_N_TIME || (events && t->wi.noun_lex[0] == LSWN_N_EVENT))
        return 1;
    size_t k = lswn_noun_kinds(ls_en_head(t->en), kinds, sizeof kinds / sizeof kinds[0]);
    for (size_t i = 0; i < k; i++)
        if (strcmp(kinds[i], "meal") == 0)
            return 1;
    return 0;
}

/* Is phrase np an idiom ("in a new light")? */
static int np_idiom(const swriter *w, const swnp *np)
{
    if (!np->prep)
        return 0;
    const char *p = w->t[np->prep - 1].en, *h = w->t[np->head].en;
    static const char *const bare_states[] = {"bed", "church", "school", "town", "prison", "jail", NULL};
    if (!np->det && np->a == np->head && (strcmp(p, "in") == 0 || strcmp(p, "to") == 0) && word_in(h, bare_states))
        return 1; /* "everybody in bed", "went to school": where one is, no bed in sight */
    for (size_t i = 0; i < sizeof idioms / sizeof idioms[0]; i++)
        if (strcmp(p, idioms[i][0]) == 0 && strcmp(h, idioms[i][1]) == 0)
            return 1;
    /* "after supper", "before the dinner": when, not a thing on the
     * table (the time of day is read on its own, sw_assemble) */
    static const char *const when_preps[] = {"after", "before", "until", "till", "since", "during", NULL};
    return word_in(p, when_preps) && temporal_noun(&w->t[np->head], strcmp(p, "before") != 0);
}

/* Is the English noun drawable in a picture? */
static int tok_concrete(const swtok *t)
{
    return t->wn && (t->coll || lswn_noun_concrete(&t->wi)) && !word_in(t->en, never_words) &&
           !(t->wi.noun && word_in(t->wi.noun_lemma, never_words)); /* "sides" as "side" */
}

/* Is the noun a thing to put in a picture as an object or a setting? Its
 * commonest sense drawable (WordNet: artifact, object, animal, plant,
 * food, body, substance, location, person; a writing that is next an
 * artifact: "book", "letter"), not only a rarer one ("enemy" is a group
 * first), and not a word for where something happens ("scene", "spot"). */
static int tok_drawable(const swtok *t)
{
    static const char *const vague[] = {"scene", "spot", "situation", "region", "area", "quarter", "position",
                                        "neighbourhood", "neighborhood", "vicinity", "surroundings", NULL};
    if (!tok_concrete(t) || word_in(t->en, vague) || (t->wi.noun && word_in(t->wi.noun_lemma, vague)))
        return 0;
    if (t->coll)
        return 1;
    int l = t->wi.noun_lex[0];
    return l == LSWN_N_ARTIFACT || l == LSWN_N_OBJECT || l == LSWN_N_ANIMAL || l == LSWN_N_PLANT ||
           l == LSWN_N_FOOD || l == LSWN_N_BODY || l == LSWN_N_SUBSTANCE || l == LSWN_N_LOCATION ||
           l == LSWN_N_PERSON || (l == LSWN_N_COMMUNICATION && t->wi.noun_lex[1] == LSWN_N_ARTIFACT) ||
           (l == LSWN_N_TOPS && t->wi.noun_lex[1] == LSWN_N_FOOD) || /* "food": a top word, then food */
           (l == LSWN_N_GROUP && (t->wi.noun_lex[1] == LSWN_N_ARTIFACT || t->wi.noun_lex[1] == LSWN_N_OBJECT ||
                                  t->wi.noun_lex[1] == LSWN_N_PLANT || t->wi.noun_lex[1] == LSWN_N_LOCATION ||
                                  t->wi.noun_lex[1] == LSWN_N_ANIMAL)); /* "forest": a group of trees, then land */
}

/* Are English words a and b one noun in WordNet ("evening dress",
 * "walking stick", "dressing gown")? */
static int wn_compound(const char *a, const char *b)
{
    char key[64];
    lswn_info wi;
    if (!a[0] || !b[0] || snprintf(key, sizeof key, "%s_%s", a, ls_en_head(b)) >= 32)
        return 0;
    return lswn_lookup(key, &wi) && wi.noun;
}

/* Is an adjective before a noun a painter's word? WordNet says what it
 * describes (wordnet.c: size, colour, age, shape, light...); a participle
 * ("broken", "whitewashed") and a hyphenated compound ("long-handled") show
 * a state. "a fair enemy", "dependent mountains": not drawn. */
static int tok_visual_adj(const swriter *w, size_t i)
{
    const swtok *t = &w->t[i];
    size_t el = strlen(t->en);
    if (t->tag != T_ADJ || t->num)
        return 1; /* a noun modifier: "town pump"; a number: "two girls" */
    if (t->wi.adj_visual || word_in(t->en, mood_words) || strchr(t->en, '-') || (i + 1 < w->n && w->text[t->e] == '-'))
        return 1;
    if (el > 3 && t->wi.verb && (strcmp(t->en + el - 2, "ed") == 0 || strcmp(t->en + el - 2, "en") == 0 ||
                                 (el > 5 && strcmp(t->en + el - 3, "ing") == 0)))
        return 1; /* "broken", "whitewashed", "rolling", "blazing" */
    if (i > 0 && w->text[w->t[i - 1].e] == '-' && w->t[i - 1].e + 1 == t->s)
        return 1;
    return !t->wn; /* a word WordNet lacks is no abstraction it knows of */
}

static int tok_visible_verb(const swtok *t)
{
    return t->wn && lswn_verb_visible(&t->wi) && !(t->lf & LSLEX_SPEECH) && !word_in(t->en, never_words);
}

/* A verb of handling things ("gave up the brush", "handed him the pail"):
 * WordNet files it under possession or contact, not motion, but whoever
 * does it is there, holding the thing. */
static int tok_handling_verb(const swtok *t)
{
    return t->wn && word_in(t->wi.verb_lemma, handling_verbs) && !(t->lf & LSLEX_SPEECH);
}

static int is_break_char(const char *p, size_t a, size_t z)
{
    for (size_t i = a; i < z; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == ',' || c == ';' || c == ':' || c == '.' || c == '!' || c == '?' || c == '(' || c == ')')
            return 1;
        if (c == 0xE2 && i + 2 < z + 2 && (unsigned char)p[i + 1] == 0x80) /* dashes, ellipsis */
            return 1;
    }
    return 0;
}

static int is_sentence_end(const char *p, size_t a, size_t z)
{
    for (size_t i = a; i < z; i++)
        if (p[i] == '.' || p[i] == '!' || p[i] == '?')
            return 1;
    return 0;
}

/* ---- German and French words that translate as units (translate.c) ----
 * A word's English depends on its neighbours: a French name mid-sentence
 * ("rue Grand-Pont") is no street and bridge; "à table", "au fond" are
 * idioms; "pain de sucre", "lit d'acajou", "tablier blanc" are one thing
 * in English order; "des caisses" are boxes, not "a box". */

/* A French word carrying an elided definite article: "l'horizon", "l’île". */
static int fr_elided_article(const char *s, size_t n)
{
    if (n < 3 || (s[0] != 'l' && s[0] != 'L'))
        return 0;
    return s[1] == '\'' || (n > 4 && (unsigned char)s[1] == 0xE2 && (unsigned char)s[2] == 0x80 &&
                            (unsigned char)s[3] == 0x99);
}

static void sw_set_en(swtok *t, const char *en, int pos)
{
    snprintf(t->en, sizeof t->en, "%s", en);
    t->pos = pos;
    t->wn = t->en[0] ? lswn_lookup(ls_en_head(t->en), &t->wi) : 0;
    if (!t->en[0])
        memset(&t->wi, 0, sizeof t->wi);
    if (t->wn && ls_en_plural_only(ls_en_head(t->en)))
        t->wi.plural = 1; /* "scissors", "clothes": never "a scissors" */
}

static void sw_drop(swtok *t)
{
    sw_set_en(t, "", LS_POS_UNKNOWN);
    t->tag = T_SKIP;
    t->used = 1;
}

static int sw_free_tok(const swtok *t)
{
    return t->tag != T_CAST && !t->used;
}

/* German separable prefixes, written apart from their verb in a main
 * clause ("kehrte ... zurück", "stand ... auf"): a closed class of the
 * grammar, each also an adverb or preposition by itself. */
static const char *const de_particles[] = {
    "an", "auf", "aus", "ab", "ein", "mit", "nach", "vor", "zu", "zurück", "weg", "hin", "her", "hinaus",
    "heraus", "herein", "hinein", "herauf", "hinauf", "herunter", "hinunter", "herab", "hinab", "herbei",
    "fort", "los", "nieder", "empor", "davon", "vorbei", "entgegen", "fest", "heim", "weiter", "um", "durch",
    "zusammen", "herum", "umher", "voran", "voraus", "wieder", NULL};

/* "Er kehrte am Abend zurück": a particle ending its clause (a break, a
 * conjunction or the end after it) belongs to the clause's finite verb;
 * the two are one verb, looked up as the compound (zurückkehren: return),
 * and the particle writes nothing. The first word of the clause that
 * makes a compound the dictionary holds is the verb. */
static void sw_de_separable(swriter *w)
{
    for (size_t i = 1; i < w->n; i++) {
        swtok *pt = &w->t[i];
        int clause_end = i + 1 == w->n || w->t[i + 1].brk || (w->t[i + 1].lf & LSLEX_CONJ);
        if (!clause_end || pt->upper || pt->brk || !sw_free_tok(pt) || !word_in(pt->low, de_particles))
            continue;
        size_t a = i;
        while (a > 0 && !w->t[a].brk && !(w->t[a - 1].lf & LSLEX_CONJ))
            a--;
        for (size_t j = a; j < i; j++) {
            swtok *v = &w->t[j];
            char en[32];
            if (!sw_free_tok(v) || (v->upper && !v->first) ||
                (v->lf & (LSLEX_DET | LSLEX_PRONOUN | LSLEX_PREP | LSLEX_CONJ)) ||
                !ls_translate_de_separable(v->low, strlen(v->low), pt->low, strlen(pt->low), en, sizeof en))
                continue;
            swtok keep = *v;
            sw_set_en(v, en, LS_POS_VERB);
            if (!v->wi.verb || !(tok_visible_verb(v) || tok_handling_verb(v))) {
                *v = keep; /* "ansehen": "view" shows less than "sah an", looking at */
                break;
            }
            sw_drop(pt);
            break;
        }
    }
}

/* "partit sur-le-champ" (at once): words joined by hyphens that hunspell
 * fr lists whole as an adverb are one word, of manner or time, and draw
 * nothing ("on the field" read part by part); one that translates whole
 * ("au-dessus": above) is left to the parts' readers. */
static void sw_fr_hyphen_adverbs(swriter *w)
{
    const char *x = w->text;
    for (size_t i = 0; i + 1 < w->n; i++) {
        size_t j = i;
        while (j + 1 < w->n && x[w->t[j].e] == '-' && w->t[j + 1].s == w->t[j].e + 1)
            j++;
        if (j == i)
            continue;
        size_t a = w->t[i].s, z = w->t[j].e;
        char en[32];
        int ok = 1;
        for (size_t k = i; k <= j; k++)
            ok &= sw_free_tok(&w->t[k]);
        char low[64];
        size_t ll = z - a < sizeof low ? lslex_lower(x + a, z - a, low, sizeof low, 1) : 0;
        if (ok && ((ls_dict_fr(x + a, z - a) & LS_FR_ADV) ||
                   (w->t[i].first && ll && (ls_dict_fr(low, ll) & LS_FR_ADV)))) { /* "Sur-le-champ, il..." */
            ls_translate_word(LSLEX_FR, x + a, z - a, 0, en, sizeof en, NULL);
            for (size_t k = i; k <= j && !en[0]; k++)
                sw_drop(&w->t[k]);
        }
        i = j;
    }
}

/* "en pleine rue", "en plein champ": "en" and an adjective of fullness
 * before a noun is "in the middle of", the noun's place itself ("in the
 * street"), never "in full street". The adjective is known by its
 * English ("full"), whatever its French ending. */
static void sw_fr_en_plein(swriter *w)
{
    for (size_t i = 0; i + 2 < w->n; i++) {
        swtok *en_t = &w->t[i], *a = &w->t[i + 1], *nn = &w->t[i + 2];
        if (strcmp(en_t->low, "en") != 0 || a->brk || nn->brk || !sw_free_tok(a) || !sw_free_tok(nn) ||
            a->pos != LS_POS_ADJ || strcmp(a->en, "full") != 0 || nn->pos != LS_POS_NOUN || !nn->en[0])
            continue;
        sw_set_en(a, "", LS_POS_UNKNOWN); /* read as the article it stands for: "in the street" */
        snprintf(a->low, sizeof a->low, "le");
        a->lf = LSLEX_DET;
    }
}

/* "entra en courant": French "en" and a present participle is the verb's
 * English -ing ("running"), never "in" and the participle's noun
 * ("courant": stream). */
static void sw_fr_gerund(swriter *w)
{
    for (size_t i = 0; i + 1 < w->n; i++) {
        swtok *en_t = &w->t[i], *p = &w->t[i + 1];
        char en[32];
        size_t pl = strlen(p->low);
        if (strcmp(en_t->low, "en") != 0 || p->brk || p->upper || !sw_free_tok(en_t) || !sw_free_tok(p) ||
            pl < 5 || strcmp(p->low + pl - 3, "ant") != 0 ||
            !ls_translate_fr_gerund(p->low, pl, en, sizeof en))
            continue;
        sw_set_en(p, en, LS_POS_VERB);
        if (p->wi.verb)
            sw_drop(en_t);
    }
}

/* German "nach", "vor" and French "avant" before a time or a meal ("nach
 * dem Nachtessen", "vor dem Frühstück") are "after" and "before", not
 * "toward": the preposition is read by the class of its object (the noun
 * after its determiners and adjectives). */
static void sw_temporal_preps(swriter *w)
{
    for (size_t i = 0; i + 1 < w->n; i++) {
        swtok *pt = &w->t[i];
        const char *to = NULL;
        if (w->sc->lang == LSLEX_DE && strcmp(pt->low, "nach") == 0)
            to = "after";
        else if (w->sc->lang == LSLEX_DE && strcmp(pt->low, "vor") == 0)
            to = "before";
        if (!to || !sw_free_tok(pt))
            continue;
        size_t j = i + 1;
        while (j < w->n && !w->t[j].brk && (w->t[j].lf & LSLEX_DET || w->t[j].pos == LS_POS_ADJ ||
                                            (!w->t[j].upper && !w->t[j].en[0])))
            j++;
        if (j < w->n && !w->t[j].brk && w->t[j].pos == LS_POS_NOUN && temporal_noun(&w->t[j], to[0] == 'a'))
            snprintf(pt->en, sizeof pt->en, "%s", to);
    }
}

/* "die zwei Mädchen", "trois hommes": a cardinal number before its noun
 * (an adjective may stand between) is drawn, and the noun is a plural
 * even for people, whom a plural article alone leaves one figure: two
 * girls run, not "a girl". "neuf" is also "new", "un" also "a": neither
 * counts. */
static void sw_numbers(swriter *w)
{
    static const char *const de[] = {"zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "zehn", "zwölf",
                                     NULL};
    static const char *const fr[] = {"deux", "trois", "quatre", "cinq", "six", "sept", "huit", "dix", "douze",
                                     NULL};
    static const char *const en[] = {"two", "three", "four", "five", "six", "seven", "eight", "ten", "twelve"};
    const char *const *list = w->sc->lang == LSLEX_DE ? de : w->sc->lang == LSLEX_FR ? fr : NULL;
    for (size_t i = 0; list && i + 1 < w->n; i++) {
        swtok *t = &w->t[i];
        size_t k = 0;
        while (list[k] && strcmp(list[k], t->low) != 0)
            k++;
        if (!list[k] || !sw_free_tok(t) || (t->upper && !t->first))
            continue;
        size_t h = i + 1;
        if (h + 1 < w->n && !w->t[h].brk && w->t[h].pos == LS_POS_ADJ && w->t[h + 1].pos == LS_POS_NOUN)
            h++; /* "zwei junge Mädchen" */
        swtok *n = &w->t[h];
        char pl[40], full[80]; /* en (31) and a plural (39) */
        const char *head = ls_en_head(n->en);
        if (n->brk || w->t[i + 1].brk || n->pos != LS_POS_NOUN || !n->wn || !n->en[0] || n->tag == T_CAST ||
            (n->lf & (LSLEX_STOP | LSLEX_DET | LSLEX_PRONOUN | LSLEX_CONJ | LSLEX_PREP)))
            continue; /* "tous les deux tout seuls": no noun follows */
        if (!n->wi.plural) {
            if (!ls_en_plural(head, pl, sizeof pl))
                continue; /* "deux lait": no plural to write, no number */
            int fn = snprintf(full, sizeof full, "%.*s%s", (int)(head - n->en), n->en, pl);
            if (fn <= 0 || (size_t)fn >= sizeof n->en)
                continue;
            sw_set_en(n, full, LS_POS_NOUN);
        }
        sw_set_en(t, en[k], LS_POS_ADJ);
        t->lf = 0; /* no more a function word of the source language */
        t->num = 1;
        i = h;
    }
}

static void sw_units(swriter *w)
{
    lslex_lang_id lang = w->sc->lang;
    const char *x = w->text;
    char plural[SW_MAX_TOK] = {0};
    static const char *const plural_dets[] = {"les", "des", "ces", "mes", "tes", "ses", "nos", "vos", "leurs",
                                              "aux", "plusieurs", "quelques", "certains", "certaines", NULL};
    if (lang == LSLEX_DE)
        sw_de_separable(w);
    if (lang == LSLEX_FR) {
        sw_fr_hyphen_adverbs(w);
        sw_fr_gerund(w);
        sw_fr_en_plein(w);
    }
    sw_temporal_preps(w);
    for (size_t i = 0; i < w->n; i++) {
        swtok *t = &w->t[i];
        if (!sw_free_tok(t) || !t->en[0])
            continue;
        /* French capitalises no common noun: a capital within a sentence,
         * or one joined by a hyphen to such a part ("Pont-Neuf"), is a
         * name, never translated piecewise */
        int joined = (i + 1 < w->n && x[t->e] == '-' && w->t[i + 1].s == t->e + 1 && w->t[i + 1].upper) ||
                     (i > 0 && x[w->t[i - 1].e] == '-' && t->s == w->t[i - 1].e + 1 && w->t[i - 1].upper);
        if (lang == LSLEX_FR && t->upper && (!t->first || joined) && !(t->lf & LSLEX_TITLE)) {
            sw_set_en(t, "", LS_POS_UNKNOWN); /* sw_tag: T_PROPER */
            continue;
        }
        size_t d = i > 0 && word_in(w->t[i - 1].low, plural_dets) ? i - 1
                   : i > 1 && word_in(w->t[i - 2].low, plural_dets) && !w->t[i - 1].brk &&
                             w->t[i - 1].pos == LS_POS_ADJ ? i - 2 /* "des petites caisses" */
                                                           : (size_t)-1;
        /* a setting after its preposition is drawn as one place ("dans les
         * chambres": in the room, "aux tables": at the table); only
         * "entre" and "parmi" need the many */
        static const char *const many_preps[] = {"entre", "parmi", NULL};
        int setting = d != (size_t)-1 && (strcmp(w->t[d].low, "aux") == 0 ||
                                          (d > 0 && (w->t[d - 1].lf & LSLEX_PREP) && !w->t[d].brk &&
                                           !word_in(w->t[d - 1].low, many_preps)));
        if (lang == LSLEX_FR && d != (size_t)-1 && !setting)
            plural[i] = 1;
        /* "en sabots", "tas de pierres": no article tells the number,
         * the word's own plural does */
        if (lang == LSLEX_FR && d == (size_t)-1 && i > 0 && !t->brk &&
            (strcmp(w->t[i - 1].low, "en") == 0 || strcmp(w->t[i - 1].low, "de") == 0) &&
            t->pos == LS_POS_NOUN && ls_translate_fr_plural(x + t->s, t->e - t->s))
            plural[i] = 1;
    }
    /* "près du lit", "autour du feu": the "du" of a preposition that
     * takes "de" is "de le", the bed, never "some bed" ("du vin") */
    static const char *const de_preps[] = {"près", "autour", "loin", "hors", "lors", "auprès", NULL};
    for (size_t i = 0; lang == LSLEX_FR && i + 1 < w->n; i++)
        if (word_in(w->t[i].low, de_preps) && !w->t[i + 1].brk && strcmp(w->t[i + 1].low, "du") == 0)
            snprintf(w->t[i + 1].low, sizeof w->t[i + 1].low, "le");
    for (size_t i = 0; i + 1 < w->n; i++) {
        swtok *p = &w->t[i], *q = &w->t[i + 1];
        char pe[16], ne[32];
        int the = 0;
        if (!sw_free_tok(p) || !sw_free_tok(q) || q->brk ||
            !ls_translate_idiom(lang, x + p->s, p->e - p->s, x + q->s, q->e - q->s, pe, sizeof pe, ne, sizeof ne,
                                &the))
            continue;
        if (!ne[0]) {
            sw_drop(p);
            sw_drop(q);
        } else {
            snprintf(p->en, sizeof p->en, "%s", pe);
            sw_set_en(q, ne, LS_POS_NOUN);
            q->the = the;
            q->used = 2; /* not paired again, still written */
        }
        i++;
    }
    for (size_t i = 0; lang == LSLEX_FR && i + 1 < w->n; i++) {
        swtok *h = &w->t[i], *l = &w->t[i + 1];
        if (!sw_free_tok(h) || h->pos != LS_POS_NOUN || !h->en[0] || !sw_free_tok(l) || l->brk || l->upper)
            continue;
        size_t hn = h->e - h->s, mod = i + 1, ln = 0;
        const char *link = NULL;
        if ((strcmp(l->low, "de") == 0 || strcmp(l->low, "à") == 0 || strcmp(l->low, "aux") == 0) &&
            i + 2 < w->n && sw_free_tok(&w->t[i + 2]) && !w->t[i + 2].brk && !w->t[i + 2].upper) {
            link = x + l->s;
            ln = l->e - l->s;
            mod = i + 2;
        } else if (l->e - l->s > 2 && (x[l->s] == 'd' || x[l->s] == 'D') && x[l->s + 1] == '\'') {
            link = x + l->s; /* "d'acajou": one token */
            ln = 2;
        } else if (l->e - l->s > 4 && x[l->s] == 'd' && (unsigned char)x[l->s + 1] == 0xE2 &&
                   (unsigned char)x[l->s + 2] == 0x80 && (unsigned char)x[l->s + 3] == 0x99) {
            link = x + l->s;
            ln = 4;
        } else if (l->pos != LS_POS_ADJ || (i + 2 < w->n && !w->t[i + 2].brk &&
                                             (strcmp(w->t[i + 2].low, "de") == 0 || strncmp(w->t[i + 2].low, "d'", 2) == 0 ||
                                              strcmp(w->t[i + 2].low, "à") == 0))) {
            continue; /* "champs pleins de fleurs": the adjective has its own complement */
        }
        /* "une poignée de menu bois": an adjective before the noun after
         * "de" (one FreeDict gives only as a noun: "menu") is that noun's;
         * the pair is the head and the noun, the adjective written before
         * the noun when the dictionary has it as one */
        size_t adj = (size_t)-1;
        if (link && mod == i + 2 && mod + 1 < w->n && sw_free_tok(&w->t[mod + 1]) && !w->t[mod + 1].brk &&
            !w->t[mod + 1].upper && w->t[mod + 1].pos == LS_POS_NOUN && w->t[mod + 1].en[0] &&
            ls_translate_fr_tagged(x + w->t[mod].s, w->t[mod].e - w->t[mod].s, "po:adj"))
            adj = mod++;
        swtok *m = &w->t[mod];
        size_t ms = m->s + (mod == i + 1 ? ln : 0);
        char r[64];
        if (!ls_translate_pair(lang, x + h->s, hn, link, ln, x + ms, m->e - ms, r, sizeof r))
            continue;
        char *of = strstr(r, " of ");
        if (of && strlen(of + 4) < sizeof m->en) {
            /* a measure ("handful of sand"): the measure on the head, "de"
             * the "of" it is, the noun (and its adjective) as written */
            *of = '\0';
            sw_set_en(h, r, LS_POS_NOUN);
            snprintf(l->en, sizeof l->en, "of");
            if (adj != (size_t)-1 && w->t[adj].pos != LS_POS_ADJ) {
                /* the adjective FreeDict lacks is not written: its noun
                 * takes its place, right after "of" */
                sw_drop(m);
                m = &w->t[adj];
            }
            sw_set_en(m, of + 4, LS_POS_NOUN);
            h->used = m->used = 2;
            plural[i] = plural[mod] = 0;
            i = mod;
            continue;
        }
        if (adj != (size_t)-1)
            continue; /* no measure: the adjective and its noun are left to the words */
        /* English order: the modifier on the first token, the head on the
         * next (the run stays whole, after its determiner), the rest
         * written by neither */
        char *sp = strrchr(r, ' ');
        char head_en[64], pl[40];
        snprintf(head_en, sizeof head_en, "%s", sp ? sp + 1 : r);
        lswn_info hi;
        if (plural[i] && !strstr(r, " of ") && lswn_lookup(head_en, &hi) && hi.noun_lex[0] != LSWN_N_PERSON &&
            ls_en_plural(head_en, pl, sizeof pl))
            snprintf(head_en, sizeof head_en, "%s", pl);
        if (strlen(head_en) >= sizeof m->en)
            continue;
        int mod_adj = link == NULL;
        if (sp)
            *sp = '\0';
        swtok *on = sp ? l : h;
        if (sp) {
            sw_set_en(h, r, mod_adj ? LS_POS_ADJ : LS_POS_NOUN);
            h->used = 2;
        }
        sw_set_en(on, head_en, LS_POS_NOUN);
        on->used = 2;
        /* the head may sit on the "de" token: it is a noun now, no more a
         * preposition (sw_tag reads the lexicon's flags first) */
        on->lf &= ~(unsigned)(LSLEX_PREP | LSLEX_SPATIAL | LSLEX_STOP | LSLEX_CONJ | LSLEX_DET | LSLEX_PRONOUN);
        for (size_t k = (size_t)(on - w->t) + 1; k <= mod; k++)
            sw_drop(&w->t[k]);
        plural[i] = 0;
        i = mod;
    }
    for (size_t i = 0; i < w->n; i++) {
        swtok *t = &w->t[i];
        char pl[40];
        /* a person stays one: the subject is drawn as one figure */
        if (plural[i] && sw_free_tok(t) && t->pos == LS_POS_NOUN && !strchr(t->en, ' ') && t->wn &&
            t->wi.noun_lex[0] != LSWN_N_PERSON &&
            ls_en_plural(t->en, pl, sizeof pl) && strlen(pl) < sizeof t->en)
            sw_set_en(t, pl, LS_POS_NOUN);
        else if (t->wn && t->wi.noun && ls_en_plural_only(ls_en_head(t->en)))
            t->wi.plural = 1;
        if (t->used == 2)
            t->used = 0;
    }
    sw_numbers(w);
    /* "vom Tische", "im Hause": an article fused with its preposition is
     * singular, whatever an old dative -e made the dictionary read */
    static const char *const fused_one[] = {"im", "am", "ins", "zum", "zur", "vom", "beim", "ans", "aufs", NULL};
    for (size_t i = 0; lang == LSLEX_DE && i + 1 < w->n; i++) {
        swtok *n = &w->t[i + 1];
        if (word_in(w->t[i].low, fused_one) && !n->brk && n->upper && n->pos == LS_POS_NOUN && n->wn &&
            n->wi.plural && n->wi.noun_lemma[0] && !strchr(n->en, ' ') && !ls_en_plural_only(n->en))
            sw_set_en(n, n->wi.noun_lemma, LS_POS_NOUN);
    }
}

/* Is the French or German noun low[0..n) (lower case) a woman's by its
 * grammar: hunspell's feminine singular ("comtesse", is:fem), FreeDict's
 * <fem> or the German "-in" of a capitalised person noun ("Fürstin")? */
static int feminine_noun(lslex_lang_id lang, const char *low, size_t n, int upper)
{
    if (lang == LSLEX_FR)
        return ls_narrator_fr_agreement_noun(low) == LS_GENDER_FEMALE;
    if (lang == LSLEX_DE && upper)
        return ls_translate_de_gender(low, n) == 1 || (n > 4 && !memcmp(low + n - 2, "in", 2));
    return 0;
}

/* Read the narration into tokens with their classes. */
static void sw_scan(swriter *w)
{
    const ls_scenectx *sc = w->sc;
    size_t len = strlen(w->text);
    lslex_scan scan;
    lsword lw;
    uint64_t h[SW_MAX_TOK];
    size_t prev_end = 0;
    lslex_scan_init(&scan, w->text, len);
    while (w->n < SW_MAX_TOK && lslex_next_word(&scan, &lw)) {
        swtok *t = &w->t[w->n];
        memset(t, 0, sizeof *t);
        t->s = lw.start;
        t->e = lw.end;
        t->upper = lw.upper;
        t->brk = w->n == 0 || is_break_char(w->text, prev_end, lw.start);
        t->first = w->n == 0 || (is_sentence_end(w->text, prev_end, lw.start) && !(w->t[w->n - 1].lf & LSLEX_TITLE));
        prev_end = lw.end;
        size_t ll = lslex_lower(w->text + lw.start, lw.end - lw.start, t->low, sizeof t->low, 1);
        {
            const char *we = w->text + lw.end;
            size_t wl = lw.end - lw.start;
            t->poss = (wl > 2 && (we[-1] == 's' || we[-1] == 'S') && we[-2] == '\'') ||
                      (wl > 4 && (we[-1] == 's') && (unsigned char)we[-2] == 0x99 && (unsigned char)we[-3] == 0x80 &&
                       (unsigned char)we[-4] == 0xE2);
        }
        t->lf = lslex_lookup(sc->lang, t->low, ll, NULL, NULL);
        if (sc->lang == LSLEX_EN)
            memcpy(t->en, t->low, sizeof t->en);
        else
            ls_translate_noun(sc->lang, w->text + lw.start, lw.end - lw.start, t->upper, t->en, sizeof t->en,
                              &t->pos); /* "breakfast table": WordNet is asked about its head */
        t->wn = t->en[0] ? lswn_lookup(ls_en_head(t->en), &t->wi) : 0;
        if (sc->lang != LSLEX_EN && t->wn && t->pos == LS_POS_NOUN && lswn_noun_is(&t->wi, LSWN_N_PERSON) &&
            feminine_noun(sc->lang, t->low, ll, t->upper)) {
            /* "la marquise" is no marquis, "die Fürstin" no prince: the
             * dictionary gave the man's word for the woman's */
            char fem[sizeof t->en];
            if (ls_desc_female_noun(t->en, fem, sizeof fem)) {
                memcpy(t->en, fem, sizeof t->en);
                t->wn = lswn_lookup(t->en, &t->wi);
            }
        }
        h[w->n] = lslex_word_hash(w->text + lw.start, lw.end - lw.start);
        w->n++;
    }
    for (size_t i = 0; sc->lang == LSLEX_DE && i + 1 < w->n; i++) {
        /* a lower-case word before a noun is its adjective ("einem weißen
         * Pferd"), whatever else its letters spell */
        swtok *t = &w->t[i];
        if (t->upper || !w->t[i + 1].upper || w->t[i + 1].first || w->t[i + 1].brk ||
            (t->lf & (LSLEX_STOP | LSLEX_PRONOUN | LSLEX_DET | LSLEX_CONJ | LSLEX_PREP)))
            continue;
        char en[32];
        int pos = LS_POS_UNKNOWN;
        ls_translate_word(sc->lang, w->text + t->s, t->e - t->s, 2, en, sizeof en, &pos);
        if (en[0] && pos == LS_POS_ADJ) {
            memcpy(t->en, en, sizeof t->en);
            t->pos = pos;
            t->wn = lswn_lookup(t->en, &t->wi);
        }
    }
    for (size_t i = 0; i < w->n; i++) {
        size_t ch;
        size_t m = ls_cast_match(sc->forms, sc->n_forms, h, w->n, i, &ch);
        if (m) {
            w->t[i].cast = (int)ch + 1;
            w->t[i].tag = T_CAST;
            for (size_t j = i + 1; j < i + m; j++)
                w->t[j].tag = T_SKIP, w->t[j].used = 1;
            w->t[i].poss = w->t[i + m - 1].poss; /* "the duke's": the name's last word */
            i += m - 1;
        }
    }
    for (size_t i = 0; sc->lang != LSLEX_EN && i < w->n; i++) {
        /* the reflexive pronoun beside its verb: French "se"/"s'" before
         * it, German "sich" right after it in a main clause; the pronoun
         * itself draws nothing, the verb may need it in English */
        swtok *t = &w->t[i];
        if (sc->lang == LSLEX_FR)
            t->refl = (t->low[0] == 's' && (t->low[1] == '\'' || !strncmp(t->low + 1, "\xE2\x80\x99", 3))) ||
                      (i > 0 && !t->brk && strcmp(w->t[i - 1].low, "se") == 0);
        else if ((t->refl = i + 1 < w->n && !w->t[i + 1].brk && strcmp(w->t[i + 1].low, "sich") == 0))
            w->t[i + 1].lf |= LSLEX_PRONOUN; /* a pronoun between the verb and its place, as "den" would be */
        /* a verb of putting whose reflexive is a posture reads as the
         * posture ("setzte sich": sitting, never "placing herself") */
        size_t skip = t->low[0] != 's' ? 0 : t->low[1] == '\'' ? 2 : !strncmp(t->low + 1, "\xE2\x80\x99", 3) ? 4 : 0;
        char en[sizeof t->en];
        if (t->refl && t->pos != LS_POS_NOUN &&
            ls_translate_reflexive(sc->lang, t->low + skip, strlen(t->low + skip), en, sizeof en)) {
            memcpy(t->en, en, sizeof t->en);
            t->pos = LS_POS_VERB;
            t->wn = lswn_lookup(t->en, &t->wi);
        }
    }
    for (size_t i = 1; sc->lang == LSLEX_FR && i < w->n; i++) {
        /* "le lever du soleil", "un sourire": an infinitive after an
         * article is the noun hunspell also files it as, no action ("an
         * old woman raising sun"); its English is kept as a noun where
         * WordNet has one ("a smile"), else nothing is drawn of it */
        swtok *t = &w->t[i];
        const swtok *p = &w->t[i - 1];
        size_t ll = strlen(t->low);
        static const char *const fused[] = {"au", "du", NULL}; /* "au lever": à le */
        if (t->brk || t->upper || t->pos != LS_POS_VERB || !((p->lf & LSLEX_DET) || word_in(p->low, fused)) || ll < 3 ||
            t->low[ll - 1] != 'r' || !(ls_dict_fr(t->low, ll) & LS_FR_NOUN))
            continue;
        lswn_info wi;
        if (lswn_lookup(t->en, &wi) && wi.noun && wi.noun_tagged > 0)
            sw_set_en(t, t->en, LS_POS_NOUN);
        else
            sw_set_en(t, "", LS_POS_UNKNOWN);
    }
    if (sc->lang != LSLEX_EN)
        sw_units(w);
    for (size_t i = 1; sc->lang == LSLEX_FR && i + 1 < w->n; i++) {
        /* "les feux jetés par la pierre": "par" after a past participle
         * names its doer, a thing seen with the scene, never a way
         * through it ("blushing, through the stone"); a movement's
         * participle keeps its way ("sorti par la fenêtre") */
        swtok *p = &w->t[i], *v = &w->t[i - 1];
        if (p->brk || strcmp(p->low, "par") != 0 || (v->wn && v->wi.verb && v->wi.verb_lex[0] == LSWN_V_MOTION) ||
            !ls_translate_fr_tagged(w->text + v->s, v->e - v->s, "po:ppas"))
            continue;
        snprintf(p->en, sizeof p->en, "with");
    }
    for (size_t i = 1; sc->lang == LSLEX_FR && i + 1 < w->n; i++) {
        /* "courut à son fils", "courut au jardin": after a verb of going,
         * "à" is where or to whom one goes ("running to a son", "running
         * to the garden", once "at", as if attacking them); a verb of
         * coming to a stop is at its place ("arriva à la porte") */
        static const char *const stops[] = {"arrive", "stop", "halt", "stay", "land", "wait", "remain", NULL};
        swtok *p = &w->t[i], *v = &w->t[i - 1];
        if (p->brk || (strcmp(p->low, "à") != 0 && strcmp(p->low, "au") != 0 && strcmp(p->low, "aux") != 0) ||
            !v->wn || v->pos == LS_POS_NOUN || !v->wi.verb || v->wi.verb_lex[0] != LSWN_V_MOTION ||
            word_in(v->wi.verb_lemma, stops))
            continue;
        for (size_t k = i + 1; k < w->n && k <= i + 3 && !w->t[k].brk; k++) {
            const swtok *n = &w->t[k];
            if (n->lf & (LSLEX_DET | LSLEX_PRONOUN | LSLEX_STOP) || n->pos == LS_POS_ADJ)
                continue; /* "à son fils", "au vieux père" */
            if (n->tag == T_CAST || (n->wn && n->pos == LS_POS_NOUN && n->wi.noun))
                snprintf(p->en, sizeof p->en, "to");
            break;
        }
    }
}

/* Part of speech, by a few rules over WordNet's answers: inflected verb
 * forms are verbs unless a determiner stands before them ("the whitewashed
 * streak"), bare forms are nouns after a determiner or adjective and verbs
 * after a subject, and the commoner use (WordNet's tagged counts) decides
 * the rest. Capitalised words WordNet does not know are names. */
/* Is the lower-case w a plural -s of a word WordNet knows ("others")? */
static int plural_of_word(const char *w)
{
    size_t n = strlen(w);
    char b[32];
    lswn_info wi;
    if (n < 4 || n >= sizeof b || w[n - 1] != 's')
        return 0;
    memcpy(b, w, n - 1);
    b[n - 1] = '\0';
    return lswn_lookup(b, &wi);
}

/* Object pronouns that no noun stands right before ("her" is a
 * possessive too, "it" may start the next clause). */
static const char *const object_pronouns[] = {"me", "him", "us", "them", NULL};

/* Does a modal govern token i ("can bear", "could not bear", "can no
 * longer bear"), over the adverbs that may stand between? The bare form
 * after it is a verb. */
static int after_modal(const swriter *w, size_t i)
{
    static const char *const modals[] = {"would", "should", "could", "might", "must", "will", "shall", "can",
                                         "may", "cannot", NULL};
    static const char *const between[] = {"not", "never", "no", "longer", "ever", "hardly", "scarcely", "still",
                                          "only", "always", "soon", "then", "even", "also", "yet", NULL};
    for (size_t k = i, d = 0; k-- > 0 && d < 4 && !w->t[k + 1].brk; d++) {
        if (word_in(w->t[k].low, modals))
            return 1;
        if (!word_in(w->t[k].low, between))
            return 0;
    }
    return 0;
}

static void sw_tag(swriter *w)
{
    for (size_t i = 0; i < w->n; i++) {
        swtok *t = &w->t[i];
        if (t->tag == T_CAST || (t->tag == T_SKIP && t->used))
            continue;
        if (t->num) {
            t->tag = T_ADJ; /* sw_numbers: "two", before its plural noun */
            continue;
        }
        const swtok *p = i > 0 ? &w->t[i - 1] : NULL;
        if (p && p->brk == 0 && !t->brk && p->tag == T_FUNC && (strcmp(p->low, "not") == 0 || strcmp(p->low, "never") == 0))
            t->neg = 1;
        if (t->lf & LSLEX_PRONOUN) {
            t->tag = T_PRON;
            continue;
        }
        if (t->lf & LSLEX_DET) {
            t->tag = T_DET;
            t->the = strcmp(t->low, "the") == 0 || strcmp(t->low, "der") == 0 || strcmp(t->low, "die") == 0 ||
                     strcmp(t->low, "das") == 0 || strcmp(t->low, "le") == 0 || strcmp(t->low, "la") == 0 ||
                     strcmp(t->low, "les") == 0 || strcmp(t->low, "den") == 0 || strcmp(t->low, "dem") == 0;
            continue;
        }
        if ((t->lf & (LSLEX_PREP | LSLEX_SPATIAL)) ||
            (w->sc->lang != LSLEX_EN && t->en[0] && (t->lf & (LSLEX_STOP | LSLEX_CONJ))) ||
            (w->sc->lang != LSLEX_EN && t->en[0] && t->pos == LS_POS_UNKNOWN && !t->upper &&
             (lslex_lookup(LSLEX_EN, t->en, strlen(t->en), NULL, NULL) & LSLEX_PREP))) {
            /* ... or one the lexicon lacks ("beim" -> near): never the
             * adjective of "der Sessel beim Fenster", a "chair window" */
            /* a German or French function word that translates is one of
             * translate.c's prepositions ("am" -> at, "mit" -> with) */
            t->tag = T_PREP;
            continue;
        }
        if (t->lf & (LSLEX_STOP | LSLEX_CONJ)) {
            t->tag = T_FUNC;
            if (strstr(t->low, "n't"))
                t->tag = T_FUNC;
            continue;
        }
        if (strstr(t->low, "n't") || (w->sc->lang == LSLEX_EN && strchr(t->low, '\''))) {
            t->tag = T_FUNC;
            continue;
        }
        if (w->sc->lang != LSLEX_EN && t->upper && !t->en[0]) {
            t->tag = T_PROPER; /* German capitalises every noun: a name is one the dictionary lacks */
            continue;
        }
        if (w->sc->lang == LSLEX_EN && t->upper && !t->first && !(t->lf & (LSLEX_PERSON | LSLEX_PLACE | LSLEX_OBJECT))) {
            /* a name: "Cardiff Hill" keeps "hill", "Buffalo Gals" nothing */
            int next_upper = i + 1 < w->n && w->t[i + 1].upper && !w->t[i + 1].first;
            if (next_upper || !t->wn ||
                (!lswn_noun_is(&t->wi, LSWN_N_LOCATION) && !lswn_noun_is(&t->wi, LSWN_N_OBJECT))) {
                t->tag = T_PROPER;
                continue;
            }
        }
        if (w->sc->lang == LSLEX_EN && t->upper && t->first && !t->wn && !(t->lf & (LSLEX_PLACE | LSLEX_OBJECT)) &&
            !plural_of_word(t->low)) {
            t->tag = T_PROPER; /* "Pascal poured": a name starts the sentence ("Others crowded" does not) */
            continue;
        }
        if (!t->wn || word_in(t->en, never_words)) {
            t->tag = T_SKIP;
            continue;
        }
        if (t->pos == LS_POS_NOUN && t->wi.noun) {
            t->tag = T_NOUN; /* the dictionary knows the source word's class */
            continue;
        }
        if (t->pos == LS_POS_VERB && t->wi.verb) {
            t->tag = T_VERB;
            continue;
        }
        if (t->pos == LS_POS_ADJ && t->wi.adj) {
            t->tag = T_ADJ;
            continue;
        }
        if (t->pos == LS_POS_ADV) {
            t->tag = T_ADV; /* "hinaus" (out): never the head of "Boot hinaus" */
            continue;
        }
        int inflected = t->wi.verb && strcmp(t->wi.verb_lemma, t->en) != 0;
        int ing = strlen(t->en) > 4 && strcmp(t->en + strlen(t->en) - 3, "ing") == 0;
        int after_det = p && !t->brk && (p->tag == T_DET || p->tag == T_ADJ || (p->tag == T_PRON &&
                                                                               (strcmp(p->low, "his") == 0 ||
                                                                                strcmp(p->low, "her") == 0 ||
                                                                                strcmp(p->low, "my") == 0 ||
                                                                                strcmp(p->low, "their") == 0 ||
                                                                                strcmp(p->low, "its") == 0 ||
                                                                                strcmp(p->low, "our") == 0)));
        int after_pron = p && !t->brk && (p->tag == T_CAST || p->tag == T_PRON) && !p->poss &&
                         !(p->tag == T_PRON && (strcmp(p->low, "his") == 0 || strcmp(p->low, "her") == 0 ||
                                                strcmp(p->low, "my") == 0 || strcmp(p->low, "their") == 0 ||
                                                strcmp(p->low, "its") == 0 || strcmp(p->low, "your") == 0 ||
                                                strcmp(p->low, "our") == 0));
        size_t el = strlen(t->en);
        int s_form = el > 2 && t->en[el - 1] == 's' && t->en[el - 2] != 's' && t->wi.noun;
        int after_to = p && strcmp(p->low, "to") == 0;
        if (s_form && !after_pron) {
            /* "trees", "coats": in narration (past tense) an -s form is a plural */
            t->tag = t->wi.noun ? T_NOUN : T_SKIP;
        } else if (t->wi.verb && (inflected || ing) && !after_det) {
            t->tag = T_VERB;
        } else if (t->wi.verb && !t->wi.noun && !t->wi.adj && !after_det) {
            t->tag = T_VERB;
        } else if (t->wi.verb && (after_pron || after_to) && !after_det && t->wi.verb_tagged >= t->wi.noun_tagged) {
            t->tag = T_VERB;
        } else if (t->wi.noun) {
            t->tag = T_NOUN;
        } else if (t->wi.adj) {
            t->tag = T_ADJ;
        } else if (t->wi.adv) {
            t->tag = T_ADV;
        } else if (t->wi.verb) {
            t->tag = T_VERB;
        }
        if (t->tag == T_NOUN && !after_det && t->wi.verb && !t->wi.plural &&
            t->wi.verb_tagged > 3 * t->wi.noun_tagged + 2)
            t->tag = p && !t->brk && (strcmp(p->low, "and") == 0 || strcmp(p->low, "then") == 0) &&
                             w->sc->lang == LSLEX_EN && t->s > 0 && w->text[t->s - 1] == ' '
                         ? T_VERB /* "and put down his pail": the past of put, set, cut, cast */
                         : T_SKIP; /* "see", "go", "stand": a verb after an auxiliary, not a thing */
        /* "knelt beside the grave.", "the grave of": a determiner and the
         * word alone before the sentence's end or a preposition is a thing */
        int det_alone = p && !t->brk && p->tag == T_DET && w->sc->lang == LSLEX_EN &&
                        (i + 1 == w->n || w->t[i + 1].first ||
                         (!w->t[i + 1].brk && (w->t[i + 1].lf & LSLEX_PREP)));
        if (t->tag == T_NOUN && t->wi.adj && !t->wi.plural && t->wi.adj_tagged > 3 * t->wi.noun_tagged + 2 &&
            !det_alone)
            t->tag = T_ADJ; /* "a great", "with pale", "by a deep": an adjective read as a thing */
        if (t->tag == T_NOUN && t->wi.adj && p && !t->brk && w->sc->lang == LSLEX_EN &&
            (strcmp(p->low, "was") == 0 || strcmp(p->low, "were") == 0 || strcmp(p->low, "is") == 0 ||
             strcmp(p->low, "are") == 0 || strcmp(p->low, "looked") == 0 || strcmp(p->low, "seemed") == 0 ||
             strcmp(p->low, "grew") == 0 || strcmp(p->low, "became") == 0))
            t->tag = T_ADJ; /* "his heart was light": said of the subject, not a thing */
        if (t->tag == T_NOUN && t->wi.adj && i + 1 < w->n && !w->t[i + 1].brk && w->t[i + 1].wi.noun &&
            !(w->t[i + 1].lf & (LSLEX_STOP | LSLEX_PREP | LSLEX_DET)))
            t->tag = T_ADJ; /* "green hill": a modifier */
        if (t->tag == T_VERB && ing && w->sc->lang == LSLEX_EN && p && !t->brk && i + 1 < w->n &&
            !w->t[i + 1].brk && w->t[i + 1].wi.noun && !(w->t[i + 1].lf & (LSLEX_STOP | LSLEX_PREP | LSLEX_DET)) &&
            (strcmp(p->low, "with") == 0 ||
             ((strcmp(p->low, "and") == 0 || strcmp(p->low, "or") == 0) && i >= 2 && !p->brk &&
              (w->t[i - 2].tag == T_NOUN || w->t[i - 2].tag == T_ADJ))))
            t->tag = T_ADJ; /* "with trembling hands", "golden hair and laughing lips": a participle
                             * before its noun says how the thing looks, no one does it */
        if (t->tag == T_VERB && ing && w->sc->lang == LSLEX_EN && i + 1 < w->n && !w->t[i + 1].brk &&
            w->t[i + 1].wi.noun && !(w->t[i + 1].lf & (LSLEX_PREP | LSLEX_SPATIAL | LSLEX_STOP | LSLEX_DET)) &&
            wn_compound(t->en, w->t[i + 1].en))
            t->tag = T_NOUN; /* "in evening dress", "a walking stick": one noun WordNet lists, no
                              * one evens or walks; never "looking at" (WordNet's noun for a
                              * look, "at" a coin of Laos), a verb and its preposition */
        if (t->tag != T_VERB && t->wi.verb && strcmp(t->wi.verb_lemma, t->en) == 0 && w->sc->lang == LSLEX_EN &&
            (after_modal(w, i) || (i + 1 < w->n && !w->t[i + 1].brk && !after_det &&
                                   word_in(w->t[i + 1].low, object_pronouns))))
            t->tag = T_VERB; /* "which I can no longer bear": a verb, never the animal; "and
                              * release me": no thing comes before "me" */
        if (t->tag == T_VERB && p && (strcmp(p->low, "not") == 0 || strcmp(p->low, "never") == 0 ||
                                      strstr(p->low, "n't")))
            t->neg = 1;
    }
}

/* A verb after a modal ("she would watch", "I should pour a torrent"),
 * and one joined by "and" to a negated or modal one ("wouldn't set down
 * and watch"), says what does not happen: no action to draw, like a
 * negated one (English). */
static void sw_unreal(swriter *w)
{
    static const char *const modals[] = {"would", "should", "could", "might", "must", "will", "shall", "can",
                                         "may", "cannot", "ought", NULL};
    if (w->sc->lang != LSLEX_EN)
        return;
    for (size_t i = 0; i < w->n; i++) {
        swtok *t = &w->t[i];
        if (t->tag != T_VERB || t->neg)
            continue;
        /* back through the clause to its modal, over "and" and a verb
         * the modal already governs; a new subject starts another clause */
        for (size_t k = i, d = 0; k-- > 0 && d < 6 && !w->t[k + 1].brk; d++) {
            const swtok *p = &w->t[k];
            size_t pl = strlen(p->low);
            if (word_in(p->low, modals) || (pl > 3 && strcmp(p->low + pl - 3, "n't") == 0 &&
                                            strcmp(p->low, "didn't") != 0 && strcmp(p->low, "don't") != 0) ||
                (pl > 2 && strcmp(p->low + pl - 2, "'d") == 0)) {
                t->neg = 1;
                break;
            }
            if (p->tag == T_VERB) {
                int joined = 0;
                for (size_t q = k + 1; q < i; q++)
                    joined |= strcmp(w->t[q].low, "and") == 0 || (q + 1 == i && strcmp(w->t[q].low, "to") == 0);
                t->neg = p->neg && joined; /* "wouldn't set down and watch", "hadn't thought to fetch" */
                break;
            }
            if (p->tag == T_NOUN || p->tag == T_CAST || p->tag == T_PRON)
                break;
        }
    }
}

/* An irregular past that is also another verb's present ("lay": lie's
 * past and lay, put down) reads by what follows (English): an object
 * ("they lay the cloth on the table", "lay his head on the pillow") makes
 * it the verb that takes one; a place or nothing ("lay on the bed", "lay
 * still") leaves lie, and so does a length of time ("lay a long time",
 * "lay the whole night"), which is no object. */
static void sw_irregular_pasts(swriter *w)
{
    static const char *const possessives[] = {"his", "her", "its", "their", "my", "your", "our", NULL};
    if (w->sc->lang != LSLEX_EN)
        return;
    for (size_t i = 0; i + 1 < w->n; i++) {
        swtok *t = &w->t[i];
        const swtok *d = &w->t[i + 1];
        if (t->tag != T_VERB || t->wi.verb_trans || !t->wi.verb || strcmp(t->wi.verb_lemma, t->en) == 0 || d->brk ||
            !(d->tag == T_DET || (d->tag == T_PRON && word_in(d->low, possessives))))
            continue;
        for (size_t k = i + 2; k < w->n && k <= i + 5 && !w->t[k].brk; k++) {
            const swtok *h = &w->t[k];
            if (h->tag == T_ADJ || h->tag == T_ADV || h->tag == T_DET || h->tag == T_SKIP)
                continue; /* "the whole night": "whole" is never drawn */
            lswn_info self;
            if (h->tag == T_NOUN && tok_concrete(h) && !temporal_noun(h, 0) && lswn_verb_self(t->en, &self) &&
                self.verb_trans)
                t->wi = self;
            break;
        }
    }
}

/* Is verb i one WordNet files under being first ("lie": be located) that
 * here is no body's posture (English)? A phrase right after it is its
 * subject, put last ("on the table was lying a note", "far off lay the
 * fog"), and a preposition with nothing after it is a ship's or a
 * phrase's particle ("we lay to until the morning"). */
static int stative_not_pose(const swriter *w, size_t i)
{
    const swtok *t = &w->t[i];
    if (w->sc->lang != LSLEX_EN || t->wi.verb_lex[0] != LSWN_V_STATIVE || t->wi.verb_trans || i + 1 >= w->n ||
        w->t[i + 1].brk)
        return 0; /* "holding a candle": a verb with an object is no posture */
    const swtok *n = &w->t[i + 1];
    if (n->tag == T_DET || n->tag == T_NOUN || n->tag == T_PROPER) {
        /* "lay a long time", "lay the whole night": how long, not who */
        for (size_t k = i + 1; k < w->n && k <= i + 5 && !(k > i + 1 && w->t[k].brk); k++) {
            const swtok *h = &w->t[k];
            if (h->tag == T_DET || h->tag == T_ADJ)
                continue;
            if (h->wn && h->wi.noun && (h->wi.noun_lex[0] == LSWN_N_TIME || h->wi.noun_lex[1] == LSWN_N_TIME))
                return 0;
            if (h->tag != T_SKIP)
                break;
        }
        return 1;
    }
    if (n->tag == T_PREP && word_in(n->low, particles))
        return 0; /* "lay down under a tree" */
    if (n->tag == T_PREP && (i + 2 >= w->n || w->t[i + 2].brk))
        return 1;
    if (n->tag == T_PREP) {
        int t2 = w->t[i + 2].tag;
        return !(t2 == T_DET || t2 == T_ADJ || t2 == T_NOUN || t2 == T_PRON || t2 == T_CAST || t2 == T_PROPER);
    }
    return 0;
}

/* A hyphenated modifier ("deep-toned", "long-handled") is one adjective:
 * neither part is a thing ("a deep") nor an action ("toning"). */
static void sw_hyphens(swriter *w)
{
    for (size_t i = 0; i + 1 < w->n; i++) {
        swtok *a = &w->t[i], *b = &w->t[i + 1];
        if (w->text[a->e] != '-' || b->s != a->e + 1 || a->tag == T_CAST || a->tag == T_PROPER)
            continue;
        size_t bl = strlen(b->en);
        int participle = b->tag == T_VERB && bl > 3 && strcmp(b->en + bl - 2, "ed") == 0;
        if (participle || b->tag == T_ADJ) {
            if (a->tag == T_NOUN || a->tag == T_VERB)
                a->tag = T_ADJ;
            if (participle)
                b->tag = T_ADJ;
        }
    }
}

/* A participle between a determiner, adjective, quantity or "and" and its
 * noun is an adjective: "dead and wounded people", "a broken window",
 * "more ruined castles". */
static void sw_participles(swriter *w)
{
    if (w->sc->lang != LSLEX_EN)
        return;
    for (size_t i = 1; i + 1 < w->n; i++) {
        swtok *t = &w->t[i];
        size_t el = strlen(t->en);
        if (t->tag != T_VERB || t->brk || w->t[i + 1].brk || w->t[i + 1].tag != T_NOUN || el < 4 ||
            (strcmp(t->en + el - 2, "ed") != 0 && strcmp(t->en + el - 2, "en") != 0))
            continue;
        static const char *const quantity[] = {"no", "more", "some", "many", "few", "several", "all", "other", NULL};
        const swtok *p = &w->t[i - 1];
        if (p->tag == T_DET || p->tag == T_ADJ || strcmp(p->low, "and") == 0 || strcmp(p->low, "or") == 0 ||
            word_in(p->low, quantity))
            t->tag = T_ADJ; /* "no more ruined castles": castles, nobody ruining them */
    }
}

/* Group modifiers and head nouns into phrases. */
static void sw_phrases(swriter *w)
{
    for (size_t i = 0; i < w->n && w->n_np < SW_MAX_NP;) {
        swtok *t = &w->t[i];
        if (t->tag != T_ADJ && t->tag != T_NOUN) {
            i++;
            continue;
        }
        size_t a = i, z = i;
        while (z < w->n && (w->t[z].tag == T_ADJ || w->t[z].tag == T_NOUN) && (z == a || !w->t[z].brk))
            z++;
        /* the head is the last noun of the run */
        size_t head = (size_t)-1;
        for (size_t k = a; k < z; k++)
            if (w->t[k].tag == T_NOUN)
                head = k;
        if (head == (size_t)-1) {
            i = z;
            continue;
        }
        z = head + 1;
        swnp *np = &w->np[w->n_np];
        memset(np, 0, sizeof *np);
        /* at most two modifiers: the nearest ones describe the thing */
        np->a = head >= a + 2 ? head - 2 : a;
        np->z = z;
        np->head = head;
        size_t b = a;
        while (b > 0 && !w->t[b].brk && (w->t[b - 1].tag == T_DET || w->t[b - 1].tag == T_PRON ||
                                         w->t[b - 1].tag == T_ADV)) {
            if (w->t[b - 1].tag != T_ADV)
                np->det = 1;
            if (w->t[b - 1].the)
                np->the = 1;
            b--;
        }
        np->lead = b;
        if (w->t[head].the)
            np->det = np->the = 1; /* an idiom's noun: "à table" -> "at the table" (sw_units) */
        if (b > 0 && !w->t[b].brk && w->t[b - 1].tag == T_PREP)
            np->prep = (int)b;
        if (np->prep && !np->det && w->sc->lang == LSLEX_DE) {
            /* "im Saal", "am Fenster", "zum Tor": the article is in the
             * preposition */
            static const char *const with_article[] = {"im", "am", "ins", "zum", "zur", "vom", "beim", "ans",
                                                       "aufs", "durchs", "ums", NULL};
            if (word_in(w->t[np->prep - 1].low, with_article))
                np->det = np->the = 1;
        }
        if (!np->det && w->sc->lang == LSLEX_FR) {
            /* "au jardin", "aux fenêtres": the article is in the
             * preposition; "l'horizon": elided onto the word itself */
            static const char *const fused[] = {"au", "aux", NULL};
            int elided = np->prep && word_in(w->t[np->prep - 1].low, fused);
            for (size_t e = a; !elided && e <= head; e++)
                elided = fr_elided_article(w->text + w->t[e].s, w->t[e].e - w->t[e].s);
            if (elided)
                np->det = np->the = 1;
        }
        if (np->det && w->sc->lang == LSLEX_FR && b < a &&
            (strcmp(w->t[b].low, "du") == 0 || strcmp(w->t[b].low, "de") == 0))
            np->det = 0; /* "du vin": some wine, no article in English */
        w->n_np++;
        i = z;
    }
    /* "a bucket of whitewash": join an "of" phrase of a concrete thing;
     * a collection or a measure ("a pile of stones", "tas de pierres",
     * "a heap of straw") is drawn by what it gathers, once "stones" alone
     * as WordNet files "pile" under groups, no thing to draw */
    for (size_t k = 0; k + 1 < w->n_np; k++) {
        swnp *x = &w->np[k], *y = &w->np[k + 1];
        swtok *xh = &w->t[x->head];
        int coll = 0; /* "mass" is a measure first, a heap next: either of its two commonest senses */
        for (int q = 0; q < 2 && xh->wn && xh->wi.noun; q++)
            coll |= xh->wi.noun_lex[q] == LSWN_N_GROUP || xh->wi.noun_lex[q] == LSWN_N_QUANTITY;
        if (y->prep && strcmp(w->t[y->prep - 1].en, "of") == 0 && w->t[y->prep - 1].s > xh->e &&
            (size_t)(y->prep - 1) == x->z && (coll || tok_concrete(xh)) && tok_concrete(&w->t[y->head]) &&
            w->t[y->head].wi.noun_lex[0] != LSWN_N_PERSON) {
            x->of = (int)k + 2; /* not "the picture of a mother": whose it is, not a thing in it */
            xh->coll = coll && !tok_concrete(xh);
        }
    }
}

static int starts_vowel(const char *s)
{
    return s[0] == 'a' || s[0] == 'e' || s[0] == 'i' || s[0] == 'o' || (s[0] == 'u' && strncmp(s, "use", 3) != 0 &&
                                                                      strncmp(s, "uni", 3) != 0);
}

static longsd_status np_text(const swriter *w, size_t k, int with_prep, lsbuf *b);

/* A part of the body after "his", "her", "their" (English): the text's
 * owner, "his head", since "a head" reads as a severed one. NULL if not. */
static const char *np_body_owner(const swriter *w, const swnp *np)
{
    if (w->sc->lang != LSLEX_EN || !np->det || w->t[np->head].wi.noun_lex[0] != LSWN_N_BODY)
        return NULL;
    static const char *const owners[] = {"his", "her", "their", NULL};
    for (size_t i = np->lead; i < np->a; i++)
        for (size_t k = 0; owners[k]; k++)
            if (strcmp(w->t[i].low, owners[k]) == 0)
                return owners[k];
    return NULL;
}

/* The phrase whose head token i modifies ("evening" in "evening dress"),
 * NULL if i is a head or in no phrase. */
static const swnp *np_modified(const swriter *w, size_t i)
{
    for (size_t k = 0; k < w->n_np; k++)
        if (w->np[k].a <= i && i < w->np[k].head)
            return &w->np[k];
    return NULL;
}

/* Is modifier i and the head after it one noun WordNet lists ("evening
 * dress", "dressing gown", "top hat")? Then the modifier is kept though
 * it is no painter's adjective: "a dress" is another garment. */
static int compound_with_head(const swriter *w, size_t i, size_t head)
{
    return w->sc->lang == LSLEX_EN && i + 1 == head && wn_compound(w->t[i].en, w->t[head].en);
}

/* The first word np_core writes (for "a" or "an"), NULL if none. */
static const char *np_first_word(const swriter *w, const swnp *np)
{
    for (size_t i = np->a; i < np->z; i++) {
        const swtok *t = &w->t[i];
        if (t->tag != T_ADJ && t->tag != T_NOUN)
            continue;
        if (i != np->head && ((t->lf & LSLEX_ABSTRACT) || !tok_visual_adj(w, i)) &&
            !compound_with_head(w, i, np->head))
            continue;
        return t->en;
    }
    return NULL;
}

/* Is a body part followed by its owner ("la main de Marius", "le bras du
 * grand-père", "den Kopf der Mutter")? Then it is not the subject's. */
static int owned_after(const swriter *w, const swnp *np)
{
    static const char *const of[] = {"de", "d'", "d\xE2\x80\x99", "du", "des", "der", NULL}; /* "von" is "from" as often: "den Kopf von der Tür" */
    return np->z < w->n && !w->t[np->z].brk && word_in(w->t[np->z].low, of);
}

/* The English possessive of a French or German possessive determiner
 * before the phrase ("son fils", "ihre Tochter"), when the subject drawn
 * can own it (w->owner): French "son/sa/ses" agree with the noun, never
 * the owner, so the owner's sex is the subject's ("elle embrassa son
 * fils": her son); German "sein" is a man's (or a thing's), "ihr" a
 * woman's or theirs; "leur" theirs. NULL when none, or when the subject
 * cannot be the owner ("sein Sohn" of a woman is another's son). */
static const char *np_possessive(const swriter *w, const swnp *np)
{
    static const char *const fr_one[] = {"son", "sa", "ses", NULL}, *const fr_many[] = {"leur", "leurs", NULL};
    static const char *const de_his[] = {"sein", "seine", "seinen", "seinem", "seiner", "seines", NULL};
    static const char *const de_her[] = {"ihr", "ihre", "ihren", "ihrem", "ihrer", "ihres", NULL};
    if (!w->owner || w->sc->lang == LSLEX_EN || np->of || owned_after(w, np))
        return NULL;
    for (size_t i = np->lead; i < np->a + 1 && i < np->head; i++) {
        const char *d = w->t[i].low;
        if (w->t[i].tag != T_DET && w->t[i].tag != T_PRON)
            continue;
        if (w->sc->lang == LSLEX_FR && word_in(d, fr_one) && strcmp(w->owner, "their") != 0)
            return w->owner;
        if (w->sc->lang == LSLEX_FR && word_in(d, fr_many) && strcmp(w->owner, "their") == 0)
            return w->owner;
        if (w->sc->lang == LSLEX_DE && word_in(d, de_his) && strcmp(w->owner, "his") == 0)
            return w->owner;
        if (w->sc->lang == LSLEX_DE && word_in(d, de_her) && strcmp(w->owner, "his") != 0)
            return w->owner;
    }
    return NULL;
}

static longsd_status np_core(const swriter *w, const swnp *np, int keep_the, lsbuf *b)
{
    longsd_status st = LONGSD_OK;
    const swtok *h = &w->t[np->head];
    const char *first = np_first_word(w, np);
    if (!first)
        return LONGSD_OK;
    static const char *const unique[] = {"sun", "moon", "sky", "horizon", NULL};
    if ((keep_the && np->the) || (np->det && word_in(h->en, unique) && np->a == np->head))
        st = lsbuf_adds(b, "the "); /* "the sun", never "a sun" */
    else if (np_body_owner(w, np))
        st = lsbuf_printf(b, "%s ", np_body_owner(w, np)); /* "shaking his head", never "a head" */
    else if (np_possessive(w, np))
        st = lsbuf_printf(b, "%s ", np_possessive(w, np)); /* "embrassa son fils": kissing her son */
    else if (np->det && np->the && h->wi.noun_lex[0] == LSWN_N_BODY)
        st = lsbuf_printf(b, "%s ", w->owner && !np->of && !owned_after(w, np) ? w->owner : "the"); /* "se mordait la lèvre": biting her lip */
    else if (np->det && !h->wi.plural && h->wi.noun_lex[0] != LSWN_N_SUBSTANCE)
        st = lsbuf_adds(b, starts_vowel(first) ? "an " : "a "); /* "a bucket", never "a dirt" */
    else if (keep_the && !np->det && np->prep && w->sc->lang == LSLEX_FR && !h->wi.plural &&
             h->wi.noun_lex[0] == LSWN_N_ARTIFACT && strcmp(w->t[np->prep - 1].low, "en") == 0)
        st = lsbuf_adds(b, starts_vowel(first) ? "an " : "a "); /* "en blouse": in a blouse, as English counts it */
    int k = 0;
    for (size_t i = np->a; !st && i < np->z; i++) {
        const swtok *t = &w->t[i];
        if (t->tag != T_ADJ && t->tag != T_NOUN)
            continue;
        if (i != np->head && ((t->lf & LSLEX_ABSTRACT) || !tok_visual_adj(w, i)) &&
            !compound_with_head(w, i, np->head))
            continue;
        st = lsbuf_printf(b, "%s%s%s", k++ ? " " : "", t->en, i != np->head && t->poss ? "'s" : "");
    }
    if (!st && np->of) {
        st = lsbuf_adds(b, " of ");
        if (!st)
            st = np_text(w, (size_t)np->of - 1, 0, b);
    }
    return st;
}

static longsd_status np_text(const swriter *w, size_t k, int with_prep, lsbuf *b)
{
    const swnp *np = &w->np[k];
    longsd_status st = LONGSD_OK;
    if (with_prep && np->prep)
        st = lsbuf_printf(b, "%s ", w->t[np->prep - 1].en);
    if (!st)
        st = np_core(w, np, with_prep, b);
    return st;
}

/* The noun for a character with no description: "a boy", "an old woman". */
static void person_noun(const ls_character *c, char *out, size_t cap)
{
    const char *noun;
    int g = c ? c->gender : 0, age = c ? c->age : 0;
    if (age == LS_AGE_CHILD)
        noun = g == LS_GENDER_FEMALE ? "a girl" : g == LS_GENDER_MALE ? "a boy" : "a child";
    else if (age == LS_AGE_YOUNG)
        noun = g == LS_GENDER_FEMALE ? "a young woman" : g == LS_GENDER_MALE ? "a young man" : "a young person";
    else if (age == LS_AGE_OLD)
        noun = g == LS_GENDER_FEMALE ? "an old woman" : g == LS_GENDER_MALE ? "an old man" : "an old person";
    else
        noun = g == LS_GENDER_FEMALE ? "a woman" : g == LS_GENDER_MALE ? "a man" : "a person";
    snprintf(out, cap, "%s", noun);
}

/* Is a description in English? An English book's always is; for a German
 * or French book, the one desc.c writes (and the one a user writes for a
 * prompt) is an English noun phrase, "a man", "an old fisherman": one in
 * the book's language would not be read by CLIP. */
static int english_description(const swriter *w, const char *d)
{
    return w->sc->lang == LSLEX_EN || strncmp(d, "a ", 2) == 0 || strncmp(d, "an ", 3) == 0 ||
           strncmp(d, "the ", 4) == 0 || strncmp(d, "two ", 4) == 0;
}

/* The subject phrase of a cast member: its description when it has one
 * (an English noun phrase, see desc.c; a user's is used as written), else
 * its role noun with its age, else its sex and age. */
static longsd_status cast_subject(const swriter *w, const ls_character *c, const char *hint, lsbuf *b)
{
    if (c->description && c->description[0] && english_description(w, c->description)) {
        char *clean = ls_prompt_sanitize(c->description);
        if (!clean)
            return LONGSD_ERR_NOMEM;
        longsd_status st = clean[0] ? lsbuf_adds(b, clean) : LONGSD_OK;
        longsd__free(clean);
        if (st || b->len)
            return st;
    }
    char role[40] = "";
    if (c->role && c->role[0]) {
        if (w->sc->lang == LSLEX_EN)
            snprintf(role, sizeof role, "%.31s", c->role);
        else
            ls_translate_word(w->sc->lang, c->role, strlen(c->role), w->sc->lang == LSLEX_DE, role, sizeof role, NULL);
        lswn_info wi;
        if (!role[0] || !lswn_lookup(role, &wi) || !lswn_noun_is(&wi, LSWN_N_PERSON))
            role[0] = '\0';
    }
    if (role[0]) {
        const char *adj = c->age == LS_AGE_OLD ? "old " : c->age == LS_AGE_CHILD || c->age == LS_AGE_YOUNG ? "young " : "";
        return lsbuf_printf(b, "%s %s%s", starts_vowel(adj[0] ? adj : role) ? "an" : "a", adj, role);
    }
    if (hint && hint[0])
        return lsbuf_adds(b, hint);
    char noun[32];
    person_noun(c, noun, sizeof noun);
    return lsbuf_adds(b, noun);
}

static int is_first_person(const swtok *t)
{
    static const char *const en[] = {"i", "me", "my", "we", "us", "our", "myself", NULL};
    static const char *const de[] = {"ich", "mich", "mir", "mein", "meine", "meinen", "meinem", "meiner", "wir", "uns", NULL};
    static const char *const fr[] = {"je", "j", "me", "moi", "mon", "ma", "mes", "nous", NULL};
    return word_in(t->low, en) || word_in(t->low, de) || word_in(t->low, fr);
}

/* A first-person pronoun that does a verb: "I", "we", "ich", "wir", "je",
 * "nous" (the narrator, with others for "we"). */
static int fp_subject(const swtok *t)
{
    static const char *const s[] = {"i", "we", "ich", "wir", "je", "j", "nous", NULL};
    return t->tag == T_PRON && word_in(t->low, s);
}

/* A first-person pronoun that never does a verb: "me", "my", "mich",
 * "mon"... ("the old man grabbed me": the man grabs). */
static int fp_object(const swtok *t)
{
    return t->tag == T_PRON && is_first_person(t) && !fp_subject(t);
}

/* Who says "I": the speaker of a play's line, else the narrator. */
static size_t narrator_of(const ls_scenectx *sc)
{
    if (sc->speaker1 && sc->speaker1 <= sc->n_cast)
        return sc->speaker1 - 1;
    for (size_t c = 0; c < sc->n_cast; c++)
        if (sc->cast[c].narrator)
            return c;
    return (size_t)-1;
}

/* The token that does verb i: the nearest name, pronoun or noun before
 * it in its sentence; after "and", a noun is the previous verb's object
 * and the verb shares that verb's doer ("he turned pale and sank"). Returns
 * the token index, or (size_t)-1 when none is found. */
/* The name before an appositive that ends right before verb i: "Corwin,
 * a tall, red-haired lad two years older than Henry, went": the
 * doer is Corwin, not the Henry inside the apposition. An appositive
 * opens with an article after a comma. Returns the token, -1 if none. */
static size_t appositive_owner(const swriter *w, size_t i)
{
    if (!w->t[i].brk || w->sc->lang != LSLEX_EN)
        return (size_t)-1;
    for (size_t j = i; j-- > 1;) {
        const swtok *t = &w->t[j];
        if (t->first)
            break;
        if (!t->brk || t->tag != T_DET || t->poss)
            continue;
        const swtok *o = &w->t[j - 1];
        if ((o->tag == T_CAST || o->tag == T_PROPER || (o->tag == T_NOUN && o->wi.noun_lex[0] == LSWN_N_PERSON)) &&
            !o->poss && (j - 1 == 0 || !(w->t[j - 2].tag == T_PREP || strcmp(w->t[j - 2].low, "than") == 0)))
            return j - 1;
        break;
    }
    return (size_t)-1;
}

/* Is token k the object of a preposition or a comparison ("the son of
 * Henry", "older than Henry", "with Henry")? Then it does not do the
 * verb after it. */
/* A noun that names someone by a tie to another ("son", "servant",
 * "king"): "the son of Henry" is someone else than Henry. */
static int relation_noun(const swtok *t)
{
    int sex, age;
    const char *lemma = t->wi.noun_lemma[0] ? t->wi.noun_lemma : t->en;
    return (t->lf & (LSLEX_PERSON | LSLEX_TITLE)) || ls_desc_kin(lemma, &sex, &age);
}

static int after_prep(const swriter *w, size_t k)
{
    if (w->sc->lang != LSLEX_EN || k == 0 || w->t[k].brk)
        return 0; /* German and French: the clitic and the verb-second order make other doers */
    const swtok *p = &w->t[k - 1];
    if (strcmp(p->low, "of") == 0)
        /* "the son of Henry" is the son; "the saintly soul of Elizabeth
         * shone" is Elizabeth's own doing */
        return k >= 2 && w->t[k - 2].tag == T_NOUN && relation_noun(&w->t[k - 2]);
    return p->tag == T_PREP || strcmp(p->low, "than") == 0;
}

/* Does the name ending at token k (not in the cast) open its clause, as a
 * subject does: "Pascal poured", ", and Corwin followed"? Not "bound for
 * Fort-de-Grace", "the Dutch silver": after a preposition, an article
 * or a word of the clause. */
static int proper_subject(const swriter *w, size_t k)
{
    size_t a = k;
    while (a > 0 && !w->t[a].brk && !w->t[a].first && (w->t[a - 1].tag == T_PROPER || w->t[a - 1].upper))
        a--; /* "Prince Corwin", "Fort-de-Grace": the name's first word */
    if (w->t[a].first || w->t[a].brk)
        return 1;
    const swtok *p = &w->t[a - 1];
    return p->tag == T_FUNC && (!strcmp(p->low, "and") || !strcmp(p->low, "but") || !strcmp(p->low, "then") ||
                                !strcmp(p->low, "when") || !strcmp(p->low, "while") || !strcmp(p->low, "as"));
}

/* The noun a French "qui" at token k stands for: the word before it,
 * past its adjectives ("la lueur pâle qui"); a noun the dictionary
 * lacks still counts when hunspell files it as a common noun. -1 when
 * none is there ("celui qui", "ce qui"). */
static size_t fr_antecedent(const swriter *w, size_t k)
{
    size_t a = k - 1;
    while (a > 0 && w->t[a].tag == T_ADJ && !w->t[a].brk && !w->t[a].first)
        a--;
    const swtok *t = &w->t[a];
    if (t->tag == T_NOUN || t->tag == T_CAST)
        return a;
    if (t->tag == T_SKIP && !t->used && !t->upper && a > 0 &&
        (w->t[a - 1].tag == T_DET || w->t[a - 1].tag == T_ADJ) &&
        (ls_dict_fr(t->low, strlen(t->low)) & LS_FR_NOUN))
        return a;
    return (size_t)-1;
}

/* German articles a subject may take: "den", "dem", "einen" never do. */
static const char *const de_nominatives[] = {"der", "die", "das", "ein", "eine", NULL};

static size_t doer_of(const swriter *w, size_t i, int depth)
{
    static const char *const possessives[] = {"his", "her", "its", "their", "my", "your", "our", NULL};
    int seen_and = 0;
    size_t app = appositive_owner(w, i);
    if (app != (size_t)-1)
        return app;
    if (w->sc->lang == LSLEX_DE && i + 1 < w->n && !w->t[i + 1].brk &&
        (w->t[i + 1].tag == T_CAST || (w->t[i + 1].tag == T_PRON && (strcmp(w->t[i + 1].low, "er") == 0 ||
                                                                      strcmp(w->t[i + 1].low, "sie") == 0))))
        return i + 1; /* German puts the verb second: "Am Morgen ruderte er" */
    if (w->sc->lang == LSLEX_DE && i > 0 && !w->t[i].brk && i + 2 < w->n && !w->t[i + 1].brk &&
        w->t[i + 1].tag == T_DET && word_in(w->t[i + 1].low, de_nominatives)) {
        /* "Und schon liefen die zwei Mädchen": a word before the verb and
         * none of its clause a person, the verb second, the subject after
         * it (an accusative article, "den", is never it) */
        int before = 0;
        for (size_t k = i; k-- > 0 && !before;) {
            int tg = w->t[k].tag;
            before = tg == T_NOUN || tg == T_PRON || tg == T_CAST || tg == T_PROPER;
            if (w->t[k].brk)
                break;
        }
        for (size_t k = i + 2; !before && k < w->n && k <= i + 4 && !w->t[k].brk; k++) {
            if (w->t[k].tag == T_NOUN) {
                if (w->t[k].wi.noun_lex[0] == LSWN_N_PERSON)
                    return k;
                break;
            }
            if (w->t[k].tag != T_ADJ)
                break;
        }
    }
    for (size_t k = i; k-- > 0;) {
        const swtok *t = &w->t[k];
        if (t->tag == T_PRON && w->sc->lang != LSLEX_EN &&
            (strcmp(t->low, "se") == 0 || strcmp(t->low, "s") == 0 || strcmp(t->low, "sich") == 0))
            continue; /* "la comtesse se tenait": the reflexive is not the doer */
        if (w->sc->lang == LSLEX_FR && strcmp(t->low, "qui") == 0 && k > 0) {
            /* "une lueur qui se dessinait": the relative's doer is the
             * noun before it, a thing here, however a person of the
             * sentence is named after it */
            size_t a = fr_antecedent(w, k);
            if (a != (size_t)-1)
                return a;
        }
        if (t->tag == T_CAST && !t->poss && !after_prep(w, k))
            return k; /* "the duke's room": the duke does nothing there */
        if (t->tag == T_PROPER && !t->poss && w->sc->lang == LSLEX_EN && proper_subject(w, k))
            return k; /* someone the cast does not hold: "Pascal poured" is not the next name's */
        if (t->tag == T_VERB && depth < 4)
            return doer_of(w, k, depth + 1);
        if (t->tag == T_PRON && !(t->poss || strcmp(t->low, "his") == 0 || strcmp(t->low, "her") == 0 ||
                                  strcmp(t->low, "its") == 0 || strcmp(t->low, "their") == 0 ||
                                  strcmp(t->low, "him") == 0 || strcmp(t->low, "them") == 0 || fp_object(t)))
            return k;
        if (t->tag == T_NOUN && !seen_and && !(k + 1 < w->n && w->t[k + 1].tag == T_NOUN && k + 1 < i)) {
            /* the object of an earlier verb in the clause is not this
             * one's doer: "trading playthings, quarrelling" is done by
             * whoever trades */
            size_t b = k;
            while (b > 0 && !w->t[b].brk &&
                   (w->t[b - 1].tag == T_DET || w->t[b - 1].tag == T_ADJ ||
                    (w->t[b - 1].tag == T_PRON && (w->t[b - 1].poss || word_in(w->t[b - 1].low, possessives)))))
                b--;
            if (b > 0 && !w->t[b].brk && !w->t[b].first && w->t[b - 1].tag == T_VERB && depth < 4)
                return doer_of(w, b - 1, depth + 1);
            /* "boys and girls were resting": the phrase's first noun */
            while (k >= 2 && !w->t[k].brk && !w->t[k - 1].brk && strcmp(w->t[k - 1].low, "and") == 0 &&
                   w->t[k - 2].tag == T_NOUN && w->t[k - 2].wi.noun_lex[0] == t->wi.noun_lex[0])
                k -= 2;
            return k;
        }
        if (t->tag == T_FUNC && (strcmp(t->low, "and") == 0 || strcmp(t->low, "then") == 0))
            seen_and = 1;
        if (t->first)
            break;
    }
    return (size_t)-1;
}

/* Is verb i a passive or a state after a form of "be" ("was absorbed in
 * his book", "being placed next the aisle")? Its subject does not do it:
 * no action to draw. */
static int passive(const swriter *w, size_t i)
{
    if (w->sc->lang != LSLEX_EN || i == 0)
        return 0;
    const swtok *t = &w->t[i];
    /* "fit to eat", "time to go": an infinitive after a word that is no
     * verb is a purpose or a quality, nobody doing it */
    if (i >= 2 && strcmp(w->t[i - 1].low, "to") == 0 && !w->t[i - 1].brk &&
        (w->t[i - 2].tag == T_ADJ || w->t[i - 2].tag == T_NOUN || w->t[i - 2].tag == T_SKIP))
        return 1;
    size_t el = strlen(t->en);
    int participle = (el > 3 && strcmp(t->en + el - 2, "ed") == 0) ||
                     (t->wi.verb && strcmp(t->wi.verb_lemma, t->en) != 0 && !(el > 3 && strcmp(t->en + el - 3, "ing") == 0) &&
                      strcmp(t->en + el - 1, "s") != 0);
    static const char *const be[] = {"was", "were", "is", "are", "been", "being", "be", "am", "got", NULL};
    for (size_t k = i; k-- > 0 && i - k <= 2;) {
        const swtok *p = &w->t[k];
        if (word_in(p->low, be))
            return participle || (strcmp(p->low, "being") == 0 && el > 3 && strcmp(t->en + el - 2, "ed") == 0);
        if (p->tag != T_ADV && !(p->tag == T_FUNC && (strcmp(p->low, "not") == 0 || strcmp(p->low, "all") == 0)))
            break;
    }
    return 0;
}

/* Can the doer of verb i be drawn doing it? "The headway ran" or "it
 * seemed" show no one. */
static int doer_visible(const swriter *w, size_t i)
{
    size_t k = doer_of(w, i, 0);
    if (k == (size_t)-1)
        return 1; /* "Sighing, he..." after a cut: the subject of the scene */
    const swtok *t = &w->t[k];
    if (t->tag == T_PRON) {
        static const char *const none[] = {"it", "that", "which", "this", "what", "there", NULL};
        return w->sc->lang != LSLEX_EN || !word_in(t->low, none);
    }
    if (t->tag == T_NOUN) {
        int l = t->wi.noun_lex[0];
        return l == LSWN_N_PERSON || l == LSWN_N_ANIMAL;
    }
    if (t->tag == T_SKIP)
        return 0; /* fr_antecedent: a noun the dictionary lacks, a thing as far as anyone knows */
    return 1;
}

static int female_noun(const char *n)
{
    static const char *const f[] = {"girl", "woman", "lass", "maiden", "lady", "queen", "princess", "witch", "widow", NULL};
    return word_in(n, f);
}

/* French and German say "la tête", "den Kopf" of the doer's own body
 * ("il leva la tête", "zog den Kopf zurück"); English says whose: the
 * subject's possessive, "raising his head". From the one character drawn,
 * the pronoun's sex, or the passage's person noun ("la vieille femme");
 * "their" for two or a plural. NULL when the sex is unknown ("the"). */
static const char *body_owner(const swriter *w, const size_t *who, size_t n_who, int pron_sex, size_t person_np)
{
    int sex = 0;
    if (n_who >= 2)
        return "their";
    if (n_who == 1)
        sex = w->sc->cast[who[0]].gender;
    else if (pron_sex)
        sex = pron_sex;
    else if (person_np != (size_t)-1) {
        const swtok *h = &w->t[w->np[person_np].head];
        if (h->wi.plural)
            return "their";
        int child;
        if (!ls_desc_plain_noun(h->en, &sex, &child) && !(sex = ls_desc_noun_sex(h->en)) &&
            !ls_desc_kin(h->en, &sex, &child))
            sex = female_noun(h->en) ? LS_GENDER_FEMALE : 0;
    }
    return sex == LS_GENDER_MALE ? "his" : sex == LS_GENDER_FEMALE ? "her" : NULL;
}

/* A German or French "er"/"il" or "sie"/"elle" doing verb v that stands
 * for a person: no thing is named before it in the passage but people
 * ("Er warf sein Netz aus"; not "der Wind ... er heulte"), and "sie" with a
 * singular verb ("sie ritt", not "sie ritten": they). Returns the sex
 * (LS_GENDER_*), 0 when it may be a thing. */
static int person_pronoun(const swriter *w, size_t k, size_t v)
{
    const char *p = w->t[k].low;
    int male = strcmp(p, "er") == 0 || strcmp(p, "il") == 0;
    int female = strcmp(p, "sie") == 0 || strcmp(p, "elle") == 0;
    if (!male && !female)
        return 0;
    if (strcmp(p, "sie") == 0) {
        size_t n = strlen(w->text + w->t[v].s) ? w->t[v].e - w->t[v].s : 0;
        const char *vw = w->text + w->t[v].s;
        if (n > 2 && vw[n - 2] == 'e' && vw[n - 1] == 'n')
            return 0; /* "sie ritten": they */
    }
    if (w->t[v].wi.verb_lex[0] == LSWN_V_WEATHER)
        return 0; /* "il pleuvait": no one rains */
    if (k > 0 && w->t[k - 1].tag == T_PREP && !w->t[k].brk)
        return 0; /* "derrière elle suivaient deux chasseurs": she is behind, not doing */
    for (size_t q = k; q-- > 0;) {
        const swtok *t = &w->t[q];
        if (t->tag == T_CAST)
            return male ? LS_GENDER_MALE : LS_GENDER_FEMALE;
        if (t->tag != T_NOUN || t->wi.noun_lex[0] == LSWN_N_TIME || t->wi.noun_lex[0] == LSWN_N_BODY)
            continue; /* "Am nächsten Morgen ruderte er"; "ihr Haar wehte, und sie trug": her hair */
        size_t b = q;
        while (b > 0 && (w->t[b - 1].tag == T_ADJ || w->t[b - 1].tag == T_DET))
            b--;
        if (b > 0 && w->t[b - 1].tag == T_PREP)
            continue; /* a place or a thing after a preposition is no subject */
        return t->wi.noun_lex[0] == LSWN_N_PERSON ? (male ? LS_GENDER_MALE : LS_GENDER_FEMALE) : 0;
    }
    return male ? LS_GENDER_MALE : LS_GENDER_FEMALE;
}

/* Does verb i show its doer in the picture? A visible verb, or speech
 * that is not passive ("whispered", not "is all told about"). */
static int verb_shows_doer(const swriter *w, size_t i)
{
    const swtok *t = &w->t[i];
    if (t->tag != T_VERB)
        return 0;
    if (t->lf & LSLEX_SPEECH)
        return !passive(w, i);
    return tok_visible_verb(t) || (tok_handling_verb(t) && !passive(w, i));
}

/* Which cast names are in the picture (ls_sceneparts.present): the doer
 * of a verb that shows someone, the one a visible verb acts on ("grabbed
 * Jim"), one a place preposition, "with" or "to" puts beside someone.
 * A possessive ("Jim's blanket"), a name after "of", "about", "for",
 * "like", and a name in a list ("it was Aunt Polly, or the widow") are
 * only talked about: drawing them draws what the text does not show. */
static void sw_present(swriter *w)
{
    for (size_t i = 0; i < w->n; i++) {
        if (!verb_shows_doer(w, i))
            continue;
        size_t k = doer_of(w, i, 0);
        static const char *const absent[] = {"for", "of", "about", "like", "than", NULL};
        if (k != (size_t)-1 && w->t[k].tag == T_CAST && !w->t[k].poss &&
            !(k > 0 && !w->t[k].brk && word_in(w->t[k - 1].low, absent)))
            w->t[k].present = 1; /* not "waited for Jim to come": he is awaited */
    }
    for (size_t i = 0; i < w->n; i++) {
        swtok *t = &w->t[i];
        if (t->tag != T_CAST || t->present || t->poss || t->brk)
            continue;
        size_t p = i;
        while (p > 0 && !w->t[p].brk && (w->t[p - 1].tag == T_DET || w->t[p - 1].tag == T_ADJ))
            p--;
        if (p == 0 || w->t[p].brk)
            continue;
        const swtok *b = &w->t[p - 1];
        if (b->tag == T_VERB && (tok_visible_verb(b) || tok_handling_verb(b)) && !b->neg)
            t->present = 1; /* "grabbed Jim", "saw the king", "gave the sister the plate" */
        else if (b->tag == T_PREP && (word_in(b->en, place_preps) || strcmp(b->en, "with") == 0 ||
                                      strcmp(b->en, "to") == 0))
            t->present = 1; /* "sat beside Tom", "went with the duke" */
    }
}

/* The cast member an English "he" or "she" at token k stands for, named
 * before it in the passage: the one of that sex (or of none known) named
 * earlier in its sentence, else the one in the passage before it; none
 * when two could be meant ("Tom gave Ben the brush; he smiled") or the
 * only one is the first-person narrator. */
static size_t pronoun_antecedent(const swriter *w, size_t k, int sex, size_t narr)
{
    size_t found = (size_t)-1;
    int in_sentence = 1;
    for (size_t q = k; q-- > 0;) {
        const swtok *t = &w->t[q];
        if (t->tag == T_CAST) {
            size_t c = (size_t)t->cast - 1;
            int g = w->sc->cast[c].gender;
            if (c != narr && (g == sex || g == LS_GENDER_UNKNOWN)) {
                if (found != (size_t)-1 && found != c)
                    return (size_t)-1;
                found = c;
            }
        }
        if (t->first) {
            if (in_sentence && found != (size_t)-1)
                return found; /* the nearer sentence decides */
            in_sentence = 0;
        }
    }
    return found;
}

/* Is token dk, the doer of a verb, the subject drawn (who[0..n_who), the
 * narrator when narr_subj)? "I stood" is the narrator's; "Ben ate" is not
 * Tom's, "he laughed" not the narrator's, nor "the men jumped". No doer
 * found ("Sighing, ...") is the subject's. */
static int noun_sex(const char *en)
{
    int sex = 0, child;
    if (!ls_desc_plain_noun(en, &sex, &child) && !(sex = ls_desc_noun_sex(en)) && !ls_desc_kin(en, &sex, &child))
        sex = female_noun(en) ? LS_GENDER_FEMALE : 0;
    return sex;
}

/* Is the noun at token dk, doing a verb, someone else than the subject
 * drawn: the subject's own noun token subj_tok, else one person of sex
 * subj_sex (0 unknown)? An animal is never a person drawn ("les cochons
 * mangeaient": the farmer does not eat), a plural is not one person, a
 * noun of the other sex not them ("Madame restait tournée" is not the
 * man of "il tira"), another person noun not the first ("le fermier
 * regardait; le berger courait"). */
static int other_doer(const swriter *w, size_t dk, size_t n_who, size_t subj_tok, int subj_sex)
{
    const swtok *d = &w->t[dk];
    int lex = d->wi.noun_lex[0];
    if (d->tag != T_NOUN || (lex != LSWN_N_PERSON && lex != LSWN_N_ANIMAL) || dk == subj_tok)
        return 0;
    if (subj_tok != (size_t)-1) {
        const swtok *s = &w->t[subj_tok];
        return strcmp(ls_en_head(s->en), ls_en_head(d->en)) != 0 || s->wi.plural != d->wi.plural;
    }
    if (n_who == 0 && !subj_sex)
        return 0;
    int one = n_who == 1 || n_who == 0; /* a cast member, or the person a pronoun is */
    if (lex == LSWN_N_ANIMAL || (one && d->wi.plural))
        return 1;
    int sex = noun_sex(d->en);
    return one && subj_sex && sex && sex != subj_sex;
}

static int doer_is_subject(const swriter *w, size_t dk, const size_t *who, size_t n_who, int narr_subj,
                           size_t subj_tok, int subj_sex)
{
    if (dk == (size_t)-1)
        return 1;
    if (other_doer(w, dk, n_who, subj_tok, subj_sex))
        return 0;
    const swtok *d = &w->t[dk];
    if (d->tag == T_CAST) {
        for (size_t q = 0; q < n_who; q++)
            if ((size_t)d->cast - 1 == who[q])
                return 1;
        return n_who == 0 && !narr_subj;
    }
    if (fp_subject(d))
        return narr_subj;
    if (d->tag == T_PROPER)
        return n_who == 0 && !narr_subj; /* someone not in the cast: theirs only when no cast member is drawn */
    if (d->tag == T_PRON ||
        (d->tag == T_NOUN && (d->wi.noun_lex[0] == LSWN_N_PERSON || d->wi.noun_lex[0] == LSWN_N_ANIMAL)))
        return !narr_subj;
    return 1;
}

/* Write the picture description of the narration into out, and what it
 * is made of into w->parts. */
static longsd_status sw_assemble(swriter *w, size_t ref, lsbuf *out)
{
    const ls_scenectx *sc = w->sc;
    longsd_status st = LONGSD_OK;
    size_t *sent = NULL; /* sentence index of each token */
    lsbuf sub;
    lsbuf_init(&sub, 4096);
    /* who: the cast members named, in order (at most two), else the
     * narrator for a first-person passage, else the first people named */
    size_t who[2];
    size_t n_who = 0;
    /* the doer of the first visible action is the subject: a cast member,
     * a pronoun (the character it was resolved to), or a person noun */
    size_t doer_np_tok = (size_t)-1;
    int pron_sex = 0;
    size_t narr = narrator_of(sc);
    int fp_doer = 0; /* the first action's doer is "I" or "we" */
    int anon_doer = 0; /* ... is a name the cast does not hold, of unknown sex: "a person" */
    for (size_t i = 0; i < w->n && n_who == 0 && doer_np_tok == (size_t)-1; i++) {
        if (w->t[i].tag != T_VERB || w->t[i].neg ||
            !(tok_visible_verb(&w->t[i]) || (tok_handling_verb(&w->t[i]) && !passive(w, i))) ||
            stative_not_pose(w, i))
            continue;
        size_t k = doer_of(w, i, 0);
        if (k == (size_t)-1)
            continue;
        /* handling shows its doer less than moving: a cast member or a
         * pronoun handing a thing is the subject, a stranger ("Campbell
         * took a chair, and Dorian sat") leaves it to the next verb */
        if (!tok_visible_verb(&w->t[i]) && w->t[k].tag != T_CAST && w->t[k].tag != T_PRON)
            continue;
        if (w->t[k].tag == T_CAST)
            who[n_who++] = (size_t)w->t[k].cast - 1;
        else if (fp_subject(&w->t[k])) {
            /* "I stood at the door": the narrator, never a name from
             * another clause */
            if (narr != (size_t)-1)
                who[n_who++] = narr;
            fp_doer = 1;
            break;
        } else if (w->t[k].tag == T_PRON && ref != (size_t)-1 && !is_first_person(&w->t[k]))
            who[n_who++] = ref;
        else if (w->t[k].tag == T_PRON && sc->lang == LSLEX_EN && !is_first_person(&w->t[k]) &&
                 (strcmp(w->t[k].low, "he") == 0 || strcmp(w->t[k].low, "she") == 0)) {
            pron_sex = w->t[k].low[0] == 'h' ? LS_GENDER_MALE : LS_GENDER_FEMALE;
            size_t c = pronoun_antecedent(w, k, pron_sex, narr);
            if (c != (size_t)-1) {
                who[n_who++] = c; /* "Tom's mouth watered, but he stuck to his work": Tom */
                pron_sex = 0;
            }
            break;
        }
        else if (w->t[k].tag == T_PRON && sc->lang != LSLEX_EN && (pron_sex = person_pronoun(w, k, i)) != 0)
            break;
        else if (w->t[k].tag == T_NOUN && w->t[k].wi.noun_lex[0] == LSWN_N_PERSON)
            doer_np_tok = k;
        else if (w->t[k].tag == T_PROPER) {
            /* someone the cast does not hold does it: what the text calls
             * them ("Corwin, a tall lad, went"), else their name's
             * sex, else a person; never a cast member named nearby */
            for (size_t q = k + 1; q < w->n && q <= k + 8 && !w->t[q].first; q++) {
                if (w->t[q].tag == T_NOUN && w->t[q].wi.noun_lex[0] == LSWN_N_PERSON) {
                    if (w->t[k + 1].brk && w->t[k + 1].tag == T_DET)
                        doer_np_tok = q;
                    break;
                }
                if (w->t[q].tag == T_VERB || w->t[q].tag == T_CAST || w->t[q].tag == T_PROPER)
                    break;
            }
            if (doer_np_tok == (size_t)-1) {
                unsigned f = w->t[k].lf;
                pron_sex = (f & LSLEX_MALE) && !(f & LSLEX_FEMALE)   ? LS_GENDER_MALE
                           : (f & LSLEX_FEMALE) && !(f & LSLEX_MALE) ? LS_GENDER_FEMALE
                                                                     : 0;
                /* "Carvell shook his head": his own head says a man */
                for (size_t q = i + 1; !pron_sex && q < w->n && q <= i + 3 && !w->t[q].first; q++)
                    if (w->t[q].tag == T_PRON && (!strcmp(w->t[q].low, "his") || !strcmp(w->t[q].low, "her")))
                        pron_sex = w->t[q].low[0] == 'h' && w->t[q].low[1] == 'i' ? LS_GENDER_MALE
                                                                                   : LS_GENDER_FEMALE;
                anon_doer = !pron_sex;
                break;
            }
        }
        if (n_who == 1 && k >= 2 && w->t[k].tag == T_CAST) {
            /* "Potter and Injun Joe were carrying": the one joined by "and" */
            for (size_t q = k; q-- > 0 && !w->t[q].first;) {
                if (w->t[q].tag == T_CAST && q + 2 <= k && strcmp(w->t[q + 1].low, "and") == 0 &&
                    (size_t)w->t[q].cast - 1 != who[0]) {
                    who[1] = who[0];
                    who[0] = (size_t)w->t[q].cast - 1;
                    n_who = 2;
                    break;
                }
                if (w->t[q].tag == T_CAST)
                    continue;
                if (w->t[q].tag != T_FUNC && w->t[q].tag != T_SKIP)
                    break;
            }
            for (size_t q = k + 1; n_who == 1 && q + 1 < w->n && q <= k + 3; q++)
                if (strcmp(w->t[q].low, "and") == 0 && w->t[q + 1].tag == T_CAST &&
                    (size_t)w->t[q + 1].cast - 1 != who[0])
                    who[n_who++] = (size_t)w->t[q + 1].cast - 1;
        }
    }
    sw_present(w);
    /* no visible action: the one a pronoun stood for, else the narrator
     * of a first-person passage ("I" does a verb there), else the first
     * character in the picture; one only talked about is not drawn */
    int first_person = fp_doer;
    for (size_t i = 0; i < w->n; i++)
        if (fp_subject(&w->t[i]))
            first_person = 1;
    if (n_who == 0 && doer_np_tok == (size_t)-1 && !pron_sex && !fp_doer && !anon_doer) {
        if (ref != (size_t)-1)
            who[n_who++] = ref;
        if (n_who == 0 && first_person && narr != (size_t)-1)
            who[n_who++] = narr;
        for (size_t i = 0; i < w->n && n_who < 1 && !first_person; i++)
            if (w->t[i].cast && w->t[i].present)
                who[n_who++] = (size_t)w->t[i].cast - 1;
    }
    int narr_subj = 0; /* the narrator is the subject drawn */
    for (size_t k = 0; k < n_who; k++)
        if (who[k] == narr)
            narr_subj = 1;
    if (n_who == 0 && doer_np_tok == (size_t)-1 && !pron_sex && first_person)
        narr_subj = 1; /* "a person": the narrator nobody names */
    /* person nouns of the passage, for the subject when no cast member is
     * there and as a hint of age for one who has none ("the boy") */
    size_t person_np = (size_t)-1;
    for (size_t k = 0; k < w->n_np && doer_np_tok != (size_t)-1; k++)
        if (w->np[k].head == doer_np_tok)
            person_np = k;
    for (size_t k = 0; k < w->n_np && person_np == (size_t)-1 && !pron_sex && !anon_doer; k++)
        if (w->t[w->np[k].head].wn && w->t[w->np[k].head].wi.noun_lex[0] == LSWN_N_PERSON &&
            !word_in(w->t[w->np[k].head].en, never_words)) {
            person_np = k;
            break;
        }
    /* a character with no description nor age: the passage's own noun
     * for a person of that sex, if it has one ("the boy") */
    char hint[40] = "";
    if (n_who == 1) {
        const ls_character *c = &sc->cast[who[0]];
        for (size_t k = 0; k < w->n_np && !hint[0]; k++) {
            const swtok *h = &w->t[w->np[k].head];
            static const char *const generic[] = {"boy", "girl", "man", "woman", "child", "lad", "lass", "youth",
                                                  "maiden", "gentleman", "lady", NULL};
            if (!word_in(h->en, generic) || h->wi.plural)
                continue;
            if ((c->gender == LS_GENDER_FEMALE) != female_noun(h->en) || c->gender == LS_GENDER_UNKNOWN)
                continue;
            snprintf(hint, sizeof hint, "%s %s", starts_vowel(h->en) ? "an" : "a", h->en);
            w->np[k].used = 1;
        }
    }
    for (size_t k = 0; k < n_who; k++)
        w->parts.who[k] = who[k];
    w->parts.n_who = n_who;
    char one[2][256];
    for (size_t k = 0; !st && k < n_who; k++) {
        lsbuf tmp;
        lsbuf_init(&tmp, 1024);
        st = cast_subject(w, &sc->cast[who[k]], hint, &tmp);
        snprintf(one[k], sizeof one[k], "%s", !st && tmp.data ? tmp.data : "");
        lsbuf_free(&tmp);
    }
    if (!st && n_who == 2 && strcmp(one[0], one[1]) == 0) {
        /* "a man and a man" reads as a mistake: "two men" */
        static const char *const pl[][2] = {{"a man", "two men"}, {"a woman", "two women"}, {"a boy", "two boys"},
                                            {"a girl", "two girls"}, {"a person", "two people"},
                                            {"a child", "two children"}, {"an old man", "two old men"},
                                            {"an old woman", "two old women"}, {"a young man", "two young men"},
                                            {"a young woman", "two young women"}};
        const char *two = NULL;
        for (size_t k = 0; k < sizeof pl / sizeof pl[0]; k++)
            if (strcmp(one[0], pl[k][0]) == 0)
                two = pl[k][1];
        if (two) {
            st = lsbuf_adds(&sub, two);
            n_who = 0;
        }
    }
    for (size_t k = 0; !st && k < n_who; k++)
        st = lsbuf_printf(&sub, "%s%s", k ? " and " : "", one[k]);
    if (!st && sub.len == 0 && person_np != (size_t)-1) {
        const swtok *h = &w->t[w->np[person_np].head];
        snprintf(w->parts.subject, sizeof w->parts.subject, "%s", h->en);
        if (!w->np[person_np].det && !h->wi.plural)
            st = lsbuf_adds(&sub, starts_vowel(np_first_word(w, &w->np[person_np]) ? np_first_word(w, &w->np[person_np]) : "x") ? "an " : "a "); /* "a boy", not "boy" */
        if (!st)
            st = np_text(w, person_np, 0, &sub);
        w->np[person_np].used = 1;
        if (!st && !h->wi.plural && w->np[person_np].det) {
            /* the one person, in the text's words: "the old man" */
            const swnp *np = &w->np[person_np];
            size_t o = 0;
            for (size_t i = np->a; i < np->z && o + 1 < sizeof w->parts.subject_src; i++) {
                int n = snprintf(w->parts.subject_src + o, sizeof w->parts.subject_src - o, "%s%s", o ? " " : "",
                                 w->t[i].low);
                if (n < 0 || (size_t)n >= sizeof w->parts.subject_src - o) {
                    w->parts.subject_src[0] = '\0';
                    break;
                }
                o += (size_t)n;
            }
            w->parts.subject_len = w->parts.subject_src[0] ? sub.len : 0;
        }
        /* "boys and girls" */
        size_t nx = person_np + 1;
        if (!st && nx < w->n_np && w->np[nx].a >= 1 && strcmp(w->t[w->np[nx].a - 1].low, "and") == 0 &&
            w->t[w->np[nx].head].wi.noun_lex[0] == LSWN_N_PERSON) {
            st = lsbuf_adds(&sub, " and ");
            if (!st)
                st = np_text(w, nx, 0, &sub);
            w->np[nx].used = 1;
            w->parts.subject_src[0] = '\0'; /* two people */
            w->parts.subject_len = 0;
        }
    }
    if (sub.len == 0 && pron_sex && !w->parts.subject[0])
        snprintf(w->parts.subject, sizeof w->parts.subject, "%s", pron_sex == LS_GENDER_MALE ? "man" : "woman");
    if (!st && sub.len == 0 && pron_sex)
        st = lsbuf_adds(&sub, pron_sex == LS_GENDER_MALE ? "a man" : "a woman");
    if (!st && sub.len == 0 && (first_person || anon_doer))
        st = lsbuf_adds(&sub, "a person");
    for (size_t i = 0; !st && sub.len == 0 && i < w->n; i++) {
        /* an unresolved "he" or "she" is still someone of that sex */
        const swtok *t = &w->t[i];
        if (t->tag != T_PRON)
            continue;
        if (sc->lang != LSLEX_EN)
            break; /* "il", "elle", "sie" name things as often as people */
        if (strcmp(t->low, "he") == 0)
            st = lsbuf_adds(&sub, "a man");
        else if (strcmp(t->low, "she") == 0)
            st = lsbuf_adds(&sub, "a woman");
        else if (strcmp(t->low, "they") == 0)
            st = lsbuf_adds(&sub, "people");
        if (sub.len)
            break;
    }
    if (st)
        goto out;
    if (sub.len)
        st = lsbuf_add(out, sub.data, sub.len);
    if (sc->lang != LSLEX_EN)
        w->owner = body_owner(w, who, n_who, pron_sex, person_np);

    /* the action: ONE visible verb of the subject, as an -ing form. A verb
     * with its object or place ("dipping a brush", "running into the
     * wood") is taken first, then a phrasal verb ("sitting down"), then a
     * verb of the body or of movement that WordNet's verb frames let stand
     * alone ("laughing", "kneeling"). A verb that needs an object and has
     * none ("grabbing", "killing"), an object the verb cannot take
     * ("sitting the coat": no transitive frame), perceiving ("hearing",
     * "noticing", "glittering") and weather are not drawn: a row of bare
     * participles ("striking, hiding") gives a painter nothing. */
    static const char *const at_verbs[] = {"look", "stare", "gaze", "glance", "smile", "wave", "point",
                                           "peer", "frown", "laugh", NULL};
    char best[256] = "", best_title[160] = "";
    int best_rank = 0; /* 3 with its object or place, 2 a phrasal verb, 1 bare */
    size_t best_np = (size_t)-1, best_tok = (size_t)-1;
    for (size_t i = 0; !st && sub.len && i < w->n && best_rank < 3; i++) {
        swtok *t = &w->t[i];
        /* a verb of handling shows nothing alone but a pose with its
         * object or particle: "taking up a brush", "putting down a pail" */
        int handling = tok_handling_verb(t);
        if (t->tag != T_VERB || t->neg || (!tok_visible_verb(t) && !handling) || !doer_visible(w, i) ||
            passive(w, i) || stative_not_pose(w, i))
            continue;
        int lex0 = t->wi.verb_lex[0];
        int looking = word_in(t->wi.verb_lemma, at_verbs) || strcmp(t->wi.verb_lemma, "watch") == 0;
        /* perceiving shows nothing ("hearing", "noticing", "glittering")
         * unless it puts the doer somewhere: "appearing on the sidewalk" */
        static const char *const senses[] = {"see", "hear", "feel", "notice", "smell", "taste", "perceive",
                                             "observe", "listen", "sense", "glimpse", "spy", NULL};
        int perceiving = lex0 == LSWN_V_PERCEPTION && !looking;
        if ((perceiving && word_in(t->wi.verb_lemma, senses)) || lex0 == LSWN_V_WEATHER)
            continue;
        /* someone else's verb ("Tom sat down; Ben ate the apple") is not
         * the subject's action */
        if (!doer_is_subject(w, doer_of(w, i, 0), who, n_who, narr_subj, doer_np_tok,
                             n_who == 1 ? sc->cast[who[0]].gender : pron_sex))
            continue;
        if (n_who == 0 && person_np != (size_t)-1 && sc->lang == LSLEX_EN) {
            /* "The teacher interfered; then Tom pulled a boy's hair": the
             * cast member's verb is not the teacher's */
            size_t dk = doer_of(w, i, 0);
            if (dk != (size_t)-1 && w->t[dk].tag == T_CAST)
                continue;
        }
        int weak = word_in(t->wi.verb_lemma, weak_verbs) || handling, completed = 0, idiom = 0;
        /* a posture or a fall of the body, which takes no object: "lying",
         * "kneeling", "falling" */
        int pose = sc->lang == LSLEX_EN && t->wi.verb_bare && !t->wi.verb_trans &&
                   (lex0 == LSWN_V_CONTACT || lex0 == LSWN_V_BODY || lex0 == LSWN_V_MOTION || lex0 == LSWN_V_STATIVE);
        char ger[48];
        lslex_gerund(t->wi.verb_lemma, strlen(t->wi.verb_lemma), ger, sizeof ger);
        lsbuf act, tact;
        lsbuf_init(&act, 1024);
        lsbuf_init(&tact, 1024);
        st = lsbuf_adds(&act, ger);
        if (!st)
            st = lsbuf_adds(&tact, ger);
        if (!st && t->refl && t->wi.verb_trans && t->wi.verb_person_obj && !t->wi.verb_bare && w->owner) {
            /* "elle se jeta sur son lit": English says whom a verb that
             * needs an object acts on ("throwing herself on a bed", never
             * "throwing on a bed"); one that stands alone needs nothing
             * ("s'assit": sitting), nor one whose object is never a
             * person (WordNet's frames): "se dessinait", a thing showing,
             * is nobody "designing himself" */
            const char *self = strcmp(w->owner, "his") == 0 ? "himself"
                               : strcmp(w->owner, "her") == 0 ? "herself" : "themselves";
            st = lsbuf_printf(&act, " %s", self);
            if (!st)
                st = lsbuf_printf(&tact, " %s", self);
        }
        size_t j = i + 1, took = (size_t)-1;
        if (w->sc->lang == LSLEX_EN && j + 1 < w->n && !w->t[j].brk && !w->t[j + 1].brk &&
            strcmp(w->t[j].low, "into") == 0 && strlen(w->t[j + 1].low) > 4 &&
            strcmp(w->t[j + 1].low + strlen(w->t[j + 1].low) - 3, "ing") == 0)
            idiom = 1; /* "sailed into digging", "broke into singing": the doing begins, nobody sails */
        if (!st && j < w->n && !w->t[j].brk && word_in(w->t[j].low, particles) && w->sc->lang == LSLEX_EN) {
            /* a particle unless a phrase follows it ("ran down the street" keeps it as the preposition) */
            static const char *const poss[] = {"his", "her", "my", "their", "its", "our", "your", NULL};
            int np_follows = j + 1 < w->n && !w->t[j + 1].brk &&
                             (w->t[j + 1].tag == T_DET || w->t[j + 1].tag == T_NOUN || w->t[j + 1].tag == T_ADJ ||
                              (w->t[j + 1].tag == T_PRON && word_in(w->t[j + 1].low, poss) &&
                               t->wi.verb_lex[0] == LSWN_V_STATIVE));
            /* "lay in my cabin": a posture's place, never "lie in"
             * (childbed); "took up his brush" keeps its particle */
            int phrasal = lswn_phrasal(t->wi.verb_lemma, w->t[j].low);
            /* the phrase after it is no thing ("rolling in wealth", "in
             * sight"): neither particle nor preposition is drawn */
            int idle = 0;
            /* "hove in sight", "entered in time": an idiom, no movement to draw */
            if (j + 1 < w->n && !w->t[j + 1].brk && word_in(w->t[j + 1].en, never_words))
                idiom = 1;
            for (size_t q = j + 1; np_follows && q < w->n && q <= j + 3 && !w->t[q].brk; q++)
                if (w->t[q].tag == T_NOUN) {
                    idle = !tok_drawable(&w->t[q]);
                    break;
                }
            if (idle && strcmp(w->t[j].low, "in") == 0)
                idiom = 1; /* "rolling in wealth", "lost in thought": a state, no movement */
            if (!np_follows || idle) {
                /* a thing after it makes it the preposition ("sleeping in
                 * the woods", "picking up the stone"): left to the object;
                 * only a phrasal verb keeps its particle ("taking up",
                 * "sitting down"); "entered in time", "hove in sight",
                 * "climbed over" keep the verb alone */
                if (phrasal && !idle && !looking && lex0 != LSWN_V_MOTION &&
                    !lswn_phrasal_moves(t->wi.verb_lemma, w->t[j].low)) {
                    /* "when he played out", "his legs gave out": the
                     * phrasal verb is a state (be exhausted), neither it
                     * nor its head verb ("playing") a pose; a verb of
                     * movement keeps its way ("going back") */
                    idiom = 1;
                } else if (phrasal && !idle) {
                    st = lsbuf_printf(&act, " %s", w->t[j].low);
                    if (!st)
                        st = lsbuf_printf(&tact, " %s", w->t[j].low);
                    completed = 1;
                }
                j++;
            }
        }
        /* the object or place that follows within a few words */
        for (size_t k = 0; !st && k < w->n_np; k++) {
            swnp *np = &w->np[k];
            size_t start = np->prep ? (size_t)np->prep - 1 : np->a;
            if (np->prep && start + 1 == j && completed)
                start = np->lead; /* its preposition was the verb's particle: "took up his brush" */
            if (start < j || np->used)
                continue;
            /* "lay a long time on the bed": a length of time between the
             * verb and its place is no thing in the picture */
            int time_gap = 0;
            for (size_t g = j; g < start && g <= j + 3; g++)
                time_gap |= !w->t[g].brk && w->t[g].wn && w->t[g].wi.noun && !t->wi.verb_trans &&
                            (w->t[g].wi.noun_lex[0] == LSWN_N_TIME || w->t[g].wi.noun_lex[1] == LSWN_N_TIME);
            int gap_ok = 1;
            for (size_t g = j; g < start; g++)
                if (w->t[g].brk || !(w->t[g].tag == T_DET || w->t[g].tag == T_PRON || w->t[g].tag == T_ADV ||
                                     (time_gap && (w->t[g].tag == T_ADJ || w->t[g].tag == T_SKIP ||
                                                   w->t[g].tag == T_NOUN)) ||
                                     ((w->t[g].tag == T_SKIP || w->t[g].tag == T_FUNC) && w->t[g].wi.adv &&
                                      strcmp(w->t[g].low, "but") != 0)))
                    gap_ok = 0; /* "lay still in the room": an adverb WordNet knows, drawn or not */
            if (start > j + 3 + time_gap || !gap_ok || w->t[start].brk)
                break;
            if (!np->prep && !completed && !t->wi.verb_trans && temporal_noun(&w->t[np->head], 0) &&
                np->z <= start + 4) {
                j = np->z; /* "lay the whole night on the floor": how long, no object; the place follows */
                continue;
            }
            /* "lay in bed": where a body rests, the bed is in sight */
            int rests_in_bed = pose && np->prep && strcmp(w->t[np->head].en, "bed") == 0;
            if (!tok_drawable(&w->t[np->head]) || (np_idiom(w, np) && !rests_in_bed))
                break;
            if (pose && np->prep && start != np->lead && np_body_owner(w, np) && !completed &&
                (strcmp(w->t[np->prep - 1].en, "on") == 0 || strcmp(w->t[np->prep - 1].en, "upon") == 0)) {
                /* "lay upon his back", "fell on his knees": the body's own
                 * position, said whole ("lying on his back"); its place may
                 * follow ("in the boat") */
                st = lsbuf_printf(&act, " %s ", w->t[np->prep - 1].en);
                if (!st)
                    st = np_core(w, np, 0, &act);
                if (!st)
                    st = lsbuf_printf(&tact, " %s %s %s", w->t[np->prep - 1].en, np_body_owner(w, np),
                                      w->t[np->head].en);
                np->used = 1;
                j = np->z;
                completed = 1;
                continue;
            }
            if (np->prep && start != np->lead && w->t[np->head].wi.noun_lex[0] == LSWN_N_BODY)
                break; /* "grabbed him by the hand": the hand is no place, the one grabbed is not drawn */
            int direct = !(np->prep && start != np->lead);
            if (handling && !direct && !completed)
                break; /* "carrying to the store": what is carried is not drawn */
            if (direct && !t->wi.verb_trans && !handling && !(looking && w->sc->lang != LSLEX_EN))
                break; /* "sat the coat": the verb takes no object */
            {
                /* what is handled can be held: "taking the glass", never
                 * "taking the sun" */
                int l0 = w->t[np->head].wi.noun_lex[0], l1 = w->t[np->head].wi.noun_lex[1];
                if (np->of && w->t[np->head].coll) { /* "bringing a handful of wood" */
                    l0 = w->t[w->np[np->of - 1].head].wi.noun_lex[0];
                    l1 = w->t[w->np[np->of - 1].head].wi.noun_lex[1];
                }
                if (handling && !np->prep && !(l0 == LSWN_N_ARTIFACT || l0 == LSWN_N_FOOD || l0 == LSWN_N_PLANT ||
                                               l0 == LSWN_N_ANIMAL || l0 == LSWN_N_BODY || l0 == LSWN_N_SUBSTANCE ||
                                               (l0 == LSWN_N_COMMUNICATION && l1 == LSWN_N_ARTIFACT)))
                    break; /* a writing that is a thing next ("book", "letter") is held */
            }
            static const char *const sensing[] = {"see", "hear", "feel", "find", "want", "lose", NULL};
            if (weak && np->prep && word_in(t->wi.verb_lemma, sensing))
                break; /* "seeing in books": a sensing needs what is sensed */
            if (np->prep && !word_in(w->t[np->prep - 1].en, place_preps) && strcmp(w->t[np->prep - 1].en, "with") &&
                strcmp(w->t[np->prep - 1].en, "to") && strcmp(w->t[np->prep - 1].en, "from"))
                break; /* a movement's way is the text's: "running to the door" */
            if (np->prep && strcmp(w->t[np->prep - 1].en, "from") == 0 && !completed &&
                t->wi.verb_lex[0] != LSWN_V_MOTION && t->wi.verb_lex[1] != LSWN_V_MOTION)
                break; /* "standing from the tables": only a movement comes from somewhere */
            {
                /* "trug einen Mantel", "portait un manteau": clothes are worn */
                static const char *const clothes[] = {"coat", "jacket", "dress", "hat", "cloak", "gown", "shirt",
                                                      "cap", "boots", "shoes", "robe", "skirt", "mantle", "scarf",
                                                      "veil", "apron", "uniform", "armor", "armour", "bonnet",
                                                      "trousers", "gloves", "suit", "wig", NULL};
                const char *hn = w->t[np->head].wi.noun ? w->t[np->head].wi.noun_lemma : w->t[np->head].en;
                int worn = word_in(hn, clothes) || lswn_noun_worn(hn);
                const char *to = NULL;
                if ((strcmp(t->wi.verb_lemma, "carry") == 0 || strcmp(t->wi.verb_lemma, "bear") == 0) && worn)
                    to = "wearing";
                else if (strcmp(t->wi.verb_lemma, "wear") == 0 && !worn)
                    to = "carrying"; /* "portait un panier": porter is carry as often as wear */
                if (to && !np->prep && w->sc->lang != LSLEX_EN) {
                    lsbuf_reset(&act);
                    lsbuf_reset(&tact);
                    st = lsbuf_adds(&act, to);
                    if (!st)
                        st = lsbuf_adds(&tact, to);
                }
            }
            if (!st)
                st = lsbuf_addc(&act, ' ');
            int add_at = direct && looking && w->sc->lang != LSLEX_EN && !t->wi.verb_trans;
            if (!st && add_at)
                st = lsbuf_adds(&act, "at "); /* "looking at the fisherman", a translation's bare object */
            if (!st)
                st = np_text(w, k, !direct, &act);
            /* the title's words: the text's own preposition, "the" thing */
            if (!st)
                st = lsbuf_printf(&tact, " %s%s%s %s", !direct ? w->t[np->prep - 1].en : add_at ? "at" : "",
                                  !direct || add_at ? " " : "", np_body_owner(w, np) ? np_body_owner(w, np) : "the",
                                  w->t[np->head].en);
            took = k;
            completed = 1;
            break;
        }
        /* alone: a pose or movement ("laughing", "running"), or a verb
         * WordNet never gives an object ("sitting", "kneeling"); not one
         * that mostly acts on something ("grabbing", "striking") */
        /* "curled him up": the verb acts on someone the picture cannot
         * name; alone it would read as the doer's own pose */
        static const char *const obj_pron[] = {"him", "her", "them", "it", "me", "us", NULL};
        int pron_obj = w->sc->lang == LSLEX_EN && i + 1 < w->n && !w->t[i + 1].brk && w->t[i + 1].tag == T_PRON &&
                       word_in(w->t[i + 1].low, obj_pron);
        int bare = !weak && !perceiving && !pron_obj && t->wi.verb_bare &&
                   (lex0 == LSWN_V_BODY || lex0 == LSWN_V_MOTION || looking || !t->wi.verb_trans);
        int rank = idiom ? 0 : took != (size_t)-1 ? 3 : completed ? 2 : bare ? 1 : 0;
        if (!st && rank > best_rank && act.len < sizeof best && tact.len < sizeof best_title) {
            snprintf(best, sizeof best, "%.*s", (int)act.len, act.data);
            snprintf(best_title, sizeof best_title, "%.*s", (int)tact.len, tact.data);
            best_rank = rank;
            best_np = took;
            best_tok = i;
        }
        lsbuf_free(&act);
        lsbuf_free(&tact);
        t->used = 1;
    }
    if (!st && best_rank) {
        st = lsbuf_printf(out, "%s%s", out->len ? " " : "", best);
        snprintf(w->parts.action, sizeof w->parts.action, "%s", best_title);
        if (best_np != (size_t)-1) {
            w->np[best_np].used = 1;
            if (w->np[best_np].of)
                w->np[w->np[best_np].of - 1].used = 1;
        }
    }
    /* the sentence of the action: its setting and things belong to that
     * moment of the passage ("running into the wood", not "with a fish"
     * from three sentences on) */
    size_t sent_of_act = (size_t)-1, ns_i = 0;
    sent = longsd__malloc((w->n ? w->n : 1) * sizeof *sent);
    if (!sent) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < w->n; i++) {
        if (i > 0 && w->t[i].first)
            ns_i++;
        sent[i] = ns_i;
        if (i == best_tok)
            sent_of_act = ns_i;
    }
    /* setting: the first place a preposition puts things in */
    int interior = 0;
    size_t setting = (size_t)-1;
    for (int pass = 0; pass < 4 && setting == (size_t)-1; pass++)
        for (size_t k = 0; k < w->n_np; k++) {
            swnp *np = &w->np[k];
            const swtok *h = &w->t[np->head];
            if (pass < 2 && sent_of_act != (size_t)-1 && sent[np->head] != sent_of_act)
                continue; /* passes 0-1: the action's sentence; 2-3: any */
            if (np->prep >= 2 && w->t[np->prep - 2].tag == T_VERB && w->sc->lang == LSLEX_EN &&
                lswn_phrasal(w->t[np->prep - 2].wi.verb_lemma, w->t[np->prep - 1].low))
                continue; /* "put down his pail": the verb's particle, no place */
            if (np->used || !np->prep || !word_in(w->t[np->prep - 1].en, place_preps) || !tok_drawable(h) ||
                h->wi.noun_lex[0] == LSWN_N_BODY || h->wi.noun_lex[0] == LSWN_N_PERSON || np_idiom(w, np))
                continue;
            /* "in a book", "on the letter": a writing first, a thing
             * only in a rarer sense, is no place to be in (its commonest
             * sense, or the next one after a group: "by the table") */
            int l0 = h->wi.noun_lex[0], l1 = h->wi.noun_lex[1];
            int lx = l0 == LSWN_N_GROUP ? l1 : l0;
            if (lx != LSWN_N_LOCATION && lx != LSWN_N_OBJECT && lx != LSWN_N_ARTIFACT)
                continue;
            int place = lswn_noun_is(&h->wi, LSWN_N_LOCATION) || lswn_noun_is(&h->wi, LSWN_N_OBJECT);
            if (pass % 2 == 0 ? !place : !lswn_noun_is(&h->wi, LSWN_N_ARTIFACT))
                continue;
            setting = k;
            if (np->of)
                w->np[np->of - 1].used = 1; /* "the sill of the door": not "with a door" too */
            break;
        }
    /* objects: other drawable things, at most two; a thing one holds or
     * stands by goes "with" ("with a bucket"), a landform or a mass is
     * scenery, named as its own element ("a ground sea and ice", never
     * "with a sea") */
    lsbuf objs, land;
    lsbuf_init(&objs, 2048);
    lsbuf_init(&land, 2048);
    int n_obj = 0, n_land = 0;
    for (size_t k = 0; !st && k < w->n_np && n_obj < 2; k++) {
        swnp *np = &w->np[k];
        const swtok *h = &w->t[np->head];
        if (np->used || k == setting || !tok_drawable(h) || np_idiom(w, np) || h->wi.noun_lex[0] == LSWN_N_PERSON ||
            h->wi.noun_lex[0] == LSWN_N_BODY ||
            word_in(h->en, times_of_day) || word_in(h->en, weather_words))
            continue;
        if (sent_of_act != (size_t)-1 && sent[np->head] != sent_of_act)
            continue; /* a thing of another moment of the passage */
        if (best[0] && strstr(best, h->en))
            continue; /* "jumping on horses, with horses" */
        int dup = setting != (size_t)-1 && strcmp(w->t[w->np[setting].head].en, h->en) == 0; /* "a sea, at a sea" */
        for (size_t q = 0; q < k; q++)
            if (w->np[q].used == 2 && strcmp(w->t[w->np[q].head].en, h->en) == 0)
                dup = 1;
        if (dup)
            continue;
        int l0 = h->wi.noun_lex[0];
        int scenery = l0 == LSWN_N_OBJECT || l0 == LSWN_N_LOCATION || l0 == LSWN_N_SUBSTANCE;
        lsbuf *into = scenery ? &land : &objs;
        st = lsbuf_adds(into, (scenery ? n_land : n_obj - n_land) ? " and " : "");
        {
            /* "with an oven", not "with oven": a thing one can count takes
             * its article even where the text had none ("Missouri shore") */
            static const char *const unique[] = {"sun", "moon", "sky", "horizon", NULL};
            const char *f = np_first_word(w, np);
            if (!st && !np->det && !h->wi.plural && !word_in(h->en, unique) && f && f[0] &&
                (l0 == LSWN_N_ARTIFACT || l0 == LSWN_N_ANIMAL || l0 == LSWN_N_OBJECT || l0 == LSWN_N_PLANT ||
                 l0 == LSWN_N_LOCATION))
                st = lsbuf_adds(into, starts_vowel(f) ? "an " : "a ");
        }
        if (!st)
            st = np_text(w, k, 0, into);
        n_land += scenery;
        if (!w->parts.object[0])
            snprintf(w->parts.object, sizeof w->parts.object, "the %s", h->en);
        np->used = 2;
        if (np->of)
            w->np[np->of - 1].used = 1;
        n_obj++;
    }
    if (!st && objs.len)
        st = lsbuf_printf(out, "%s%s%.*s", out->len ? ", " : "", out->len ? "with " : "", (int)objs.len, objs.data);
    if (!st && land.len)
        st = lsbuf_printf(out, "%s%.*s", out->len ? ", " : "", (int)land.len, land.data);
    lsbuf_free(&objs);
    lsbuf_free(&land);
    if (!st && setting != (size_t)-1) {
        st = lsbuf_adds(out, out->len ? ", " : "");
        if (!st)
            st = np_text(w, setting, out->len > 0, out);
        interior = word_in(w->t[w->np[setting].head].en, rooms);
        snprintf(w->parts.setting, sizeof w->parts.setting, "%s the %s", w->t[w->np[setting].prep - 1].en,
                 w->t[w->np[setting].head].en);
    }
    if (!st && interior)
        st = lsbuf_adds(out, ", interior");
    /* time of day, weather and light, mood: from the words themselves */
    const char *got_time = NULL, *got_weather = NULL, *got_mood = NULL;
    for (size_t i = 0; i < w->n; i++) {
        const swtok *t = &w->t[i];
        /* "in evening dress", "a morning coat": a time word before a made
         * thing names a kind of it, not the hour of the picture ("afternoon
         * sunlight", "a summer evening" still tell the time) */
        const swnp *mod = np_modified(w, i);
        if (!got_time && word_in(t->en, times_of_day) &&
            !(mod && w->t[mod->head].wi.noun_lex[0] == LSWN_N_ARTIFACT))
            got_time = t->en;
        if (!got_weather && word_in(t->en, weather_words))
            got_weather = t->en;
        if (!got_mood && t->tag == T_ADJ && word_in(t->en, mood_words))
            got_mood = t->en;
    }
    if (!st && got_time)
        st = lsbuf_printf(out, "%s%s", out->len ? ", " : "", got_time);
    if (!st && got_weather)
        st = lsbuf_printf(out, "%s%s", out->len ? ", " : "", got_weather);
    if (!st && got_mood && !(out->data && strstr(out->data, got_mood))) /* not "the calm sea, calm atmosphere" */
        st = lsbuf_printf(out, "%s%s atmosphere", out->len ? ", " : "", got_mood);
    for (size_t k = 0; k < n_who; k++)
        ls_nameset_add(&w->parts.present, who[k]);
    for (size_t i = 0; i < w->n; i++)
        if (w->t[i].tag == T_CAST && w->t[i].present)
            ls_nameset_add(&w->parts.present, (size_t)w->t[i].cast - 1);
out:
    longsd__free(sent);
    lsbuf_free(&sub);
    return st;
}

char *ls_scene_write(const ls_scenectx *sc, const char *narration, size_t ref)
{
    return ls_scene_write_parts(sc, narration, ref, NULL);
}

char *ls_scene_write_parts(const ls_scenectx *sc, const char *narration, size_t ref, ls_sceneparts *parts)
{
    if (parts)
        memset(parts, 0, sizeof *parts);
    swriter *w = longsd__calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->sc = sc;
    w->text = narration ? narration : "";
    sw_scan(w);
    sw_tag(w);
    sw_irregular_pasts(w);
    sw_unreal(w);
    sw_hyphens(w);
    sw_participles(w);
    sw_phrases(w);
    lsbuf out;
    lsbuf_init(&out, 8192);
    longsd_status st = sw_assemble(w, ref, &out);
    if (!st && out.len == 0) {
        /* nothing drawable named: the concrete nouns in order, or a plain
         * scene, never the author's sentence */
        int k = 0;
        for (size_t i = 0; !st && i < w->n && k < 4; i++)
            if (w->t[i].tag == T_NOUN && tok_concrete(&w->t[i])) {
                st = lsbuf_printf(&out, "%s%s", k ? ", " : "", w->t[i].en);
                k++;
            }
        if (!st && out.len == 0)
            st = lsbuf_adds(&out, SCENE_QUIET);
    }
    if (!st && parts)
        *parts = w->parts;
    longsd__free(w);
    if (st) {
        lsbuf_free(&out);
        return NULL;
    }
    return lsbuf_steal(&out);
}

longsd_status ls_scene_parts(const ls_scenectx *sc, const char *narration, size_t ref, ls_sceneparts *out)
{
    memset(out, 0, sizeof *out);
    swriter *w = longsd__calloc(1, sizeof *w);
    if (!w)
        return LONGSD_ERR_NOMEM;
    w->sc = sc;
    w->text = narration ? narration : "";
    sw_scan(w);
    sw_tag(w);
    sw_irregular_pasts(w);
    sw_unreal(w);
    sw_hyphens(w);
    sw_participles(w);
    sw_phrases(w);
    lsbuf b;
    lsbuf_init(&b, 8192);
    longsd_status st = sw_assemble(w, ref, &b);
    lsbuf_free(&b);
    if (!st)
        *out = w->parts;
    longsd__free(w);
    return st;
}

/* Is an element of a written scene a setting, time or weather ("in the
 * kitchen", "night", "fog", "interior")? */
static int setting_element(const char *e, size_t n)
{
    char w[32];
    size_t k = 0;
    while (k < n && k < sizeof w - 1 && e[k] != ' ')
        w[k] = e[k], k++;
    w[k] = '\0';
    if (k < n) /* several words: a place after its preposition */
        return word_in(w, place_preps) && strcmp(w, "with") != 0;
    return word_in(w, times_of_day) || word_in(w, weather_words) || strcmp(w, "interior") == 0;
}

char *ls_scene_with_setting(const char *scene, const char *around)
{
    int quiet = strcmp(scene, SCENE_QUIET) == 0;
    lsbuf b;
    lsbuf_init(&b, 8192);
    longsd_status st = quiet ? LONGSD_OK : lsbuf_adds(&b, scene);
    int added = 0;
    for (const char *p = around; !st && *p && added < 2;) {
        size_t n = strcspn(p, ",");
        while (n && p[n - 1] == ' ')
            n--;
        if (n && setting_element(p, n)) {
            char el[128];
            snprintf(el, sizeof el, "%.*s", (int)(n < sizeof el ? n : sizeof el - 1), p);
            if (!strstr(scene, el)) {
                st = lsbuf_printf(&b, "%s%s", b.len ? ", " : "", el);
                added++;
            }
        }
        p += strcspn(p, ",");
        while (*p == ',' || *p == ' ')
            p++;
    }
    if (!st && b.len == 0)
        st = lsbuf_adds(&b, scene);
    if (st) {
        lsbuf_free(&b);
        return NULL;
    }
    return lsbuf_steal(&b);
}

int ls_time_word(const char *en) { return word_in(en, times_of_day); }
