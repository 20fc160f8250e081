/* narrator_sex.c - the sex of a first-person narrator from what the
 * language says of them. French makes an adjective or a
 * past participle agree with its subject: "je suis condamné", "j'étais
 * seule", "moi, pauvre malheureuse". hunspell fr analyses each form
 * ("condamnée": po:ppas po:adj is:fem is:sg), so counting the masculine
 * and the feminine forms after "je" + a form of "être" (or "j'ai été") and
 * after "moi," in the narration decides when one clearly outnumbers the
 * other. Epicene forms ("triste", is:epi) and anything else count for
 * neither; "je me suis dit" is left out (a reflexive's participle agrees
 * with its object, not always the subject). Quoted words and dialogue
 * lines are others speaking. English and German do not inflect for this,
 * but the others address the narrator: "Yes, sir", "my dear fellow",
 * "young man", "madam", "Fräulein", "mein Herr", "gnädige Frau", "Mr.
 * Smith," as a vocative in a line of dialogue that speaks to someone
 * (you, Sie, du) and answers the narrator or is said to them ("he said to
 * me", "I replied" in the paragraph before or after); the narrator's own
 * lines ("said I") are left out. One pass over the paragraphs: linear in
 * the text. */
#include <hunspell/hunspell.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ideas.h"
#include "lexicon.h"
#include "narrator.h"
#include "util.h"

#define NSEX_MIN 3 /* agreeing forms at least, and twice the other sex's */
#define NSEX_WORDS 64

static Hunhandle *g_fr;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void load_once(void)
{
    const char *dir = getenv("LONGSD_HUNSPELL_DIR");
    char aff[512], dic[512];
    if (!dir || !dir[0])
        dir = "/usr/share/hunspell";
    snprintf(aff, sizeof aff, "%s/fr.aff", dir);
    snprintf(dic, sizeof dic, "%s/fr.dic", dir);
    FILE *f = fopen(dic, "rb");
    if (!f)
        return; /* no dictionary: no evidence, the sex stays unknown */
    fclose(f);
    g_fr = Hunspell_create(aff, dic);
}

static int has_tag(const char *m, const char *tag)
{
    size_t tl = strlen(tag);
    for (const char *p = strstr(m, tag); p; p = strstr(p + 1, tag))
        if ((p == m || p[-1] == ' ' || p[-1] == '\t') && (p[tl] == '\0' || p[tl] == ' ' || p[tl] == '\t'))
            return 1;
    return 0;
}

/* The gender hunspell fr gives the singular readings of w tagged pos
 * ("po:adj", "po:nom"); 0 when epicene, both, or none. */
static int fr_gender(const char *w, const char *pos)
{
    pthread_once(&g_once, load_once);
    if (!g_fr || !w[0])
        return 0;
    char **list = NULL;
    int n = Hunspell_analyze(g_fr, &list, w), mas = 0, fem = 0, epi = 0;
    for (int i = 0; i < n; i++) {
        const char *m = list[i];
        /* only the adjective readings, singular: "mort" is also a noun of
         * both genders, "assis" also a verb of the past historic */
        if (!has_tag(m, pos) || !(has_tag(m, "is:sg") || has_tag(m, "is:inv")))
            continue;
        mas |= has_tag(m, "is:mas");
        fem |= has_tag(m, "is:fem");
        epi |= has_tag(m, "is:epi");
    }
    if (n > 0)
        Hunspell_free_list(g_fr, &list, n);
    if (epi || mas == fem)
        return 0;
    return mas ? LS_GENDER_MALE : LS_GENDER_FEMALE;
}

int ls_narrator_fr_agreement(const char *w) { return fr_gender(w, "po:adj"); }

int ls_narrator_fr_agreement_noun(const char *w) { return fr_gender(w, "po:nom"); }

static int is_one(const char *low, const char *words)
{
    size_t n = strlen(low);
    for (const char *p = words; *p;) {
        const char *e = strchr(p, ' ');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && !memcmp(p, low, n))
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

/* forms of "être" after "je", and those of "avoir" before "été" */
static const char *const ETRE = "suis \xC3\xA9tais fus serai serais sois fusse";
static const char *const AVOIR = "ai avais eus aurai aurais aie eusse";
/* adverbs that may stand between the verb and the adjective */
static const char *const ADV = "ne n pas plus point jamais bien tr\xC3\xA8s si tout d\xC3\xA9j\xC3\xA0 encore donc "
                               "alors aussi trop fort toujours presque vraiment enfin peut-\xC3\xAAtre";

typedef struct {
    char low[48];
    int comma_after; /* a comma or other stop between this word and the next */
} sword;

/* The agreeing word at v[k] or after a few adverbs: its sex, 0 if none. */
static int agreed_after(const sword *v, size_t n, size_t k)
{
    for (size_t j = k, skipped = 0; j < n && skipped <= 2; j++, skipped++) {
        if (!is_one(v[j].low, ADV))
            return ls_narrator_fr_agreement(v[j].low);
        if (v[j].comma_after)
            return 0;
    }
    return 0;
}

/* The sex said by the words of one stretch of narration v[0..n). */
static void count_stretch(const sword *v, size_t n, size_t *male, size_t *female)
{
    for (size_t i = 0; i < n; i++) {
        const char *w = v[i].low;
        int sex = 0;
        if (!strcmp(w, "moi") && v[i].comma_after && i + 1 < n) {
            /* "moi, pauvre condamné": up to two epicene words before the one that agrees */
            for (size_t j = i + 1; j < n && j <= i + 3 && !sex; j++) {
                sex = ls_narrator_fr_agreement(v[j].low);
                if (v[j].comma_after)
                    break;
            }
        } else {
            /* "je suis", "j'étais", "je n'étais", "j'ai été" */
            const char *verb = NULL;
            size_t next = i + 1;
            if (!strcmp(w, "je") && i + 1 < n && !v[i].comma_after) {
                verb = v[i + 1].low;
                next = i + 2;
            } else if (!strncmp(w, "j'", 2)) {
                verb = w + 2;
            }
            if (verb && !strncmp(verb, "n'", 2))
                verb += 2;
            else if (verb && !strcmp(verb, "ne") && next < n)
                verb = v[next++].low;
            if (verb && is_one(verb, AVOIR) && next < n && !strcmp(v[next].low, "\xC3\xA9t\xC3\xA9"))
                sex = agreed_after(v, n, next + 1);
            else if (verb && is_one(verb, ETRE))
                sex = agreed_after(v, n, next);
        }
        *male += sex == LS_GENDER_MALE;
        *female += sex == LS_GENDER_FEMALE;
    }
}

static int fr_narrator_sex(const longsd_story *s)
{
    size_t male = 0, female = 0;
    sword v[NSEX_WORDS];
    for (size_t pi = 0; pi < s->n_paras; pi++) {
        const ls_para *p = &s->paras[pi];
        const char *d = s->data + p->start;
        size_t len = p->end - p->start, n = 0;
        if (p->is_heading || ls_narrator_dash_dialogue(d, len))
            continue;
        lslex_scan sc;
        lsword w;
        lslex_scan_init(&sc, d, len);
        /* stretches of narration between quotations, NSEX_WORDS at most
         * (a pattern cut at the seam is lost: a few words a book) */
        while (lslex_next_word(&sc, &w)) {
            if (w.quoted || n == NSEX_WORDS) {
                count_stretch(v, n, &male, &female);
                n = 0;
                if (w.quoted)
                    continue;
            }
            lslex_lower(d + w.start, w.end - w.start, v[n].low, sizeof v[n].low, 0);
            size_t e = w.end;
            while (e < len && d[e] == ' ')
                e++;
            v[n].comma_after = e < len && strchr(",;:.!?", d[e]) != NULL;
            /* the typographic apostrophe as the plain one: "j’étais" */
            char *q = strstr(v[n].low, "\xE2\x80\x99");
            if (q) {
                *q = '\'';
                memmove(q + 1, q + 3, strlen(q + 3) + 1);
            }
            n++;
        }
        count_stretch(v, n, &male, &female);
    }
    if (male >= NSEX_MIN && male > 2 * female)
        return LS_GENDER_MALE;
    if (female >= NSEX_MIN && female > 2 * male)
        return LS_GENDER_FEMALE;
    return 0;
}

/* ---- English and German: how the others address the narrator */

typedef struct {
    size_t start, end;
    char low[24];
    unsigned flags;
    int quoted, second;
} vword;

/* Forms of address, lower-cased words; sex LS_GENDER_*. */
typedef struct {
    const char *w[3];
    int sex;
} vocative;

static const vocative VOC_EN[] = {
    {{"sir"}, LS_GENDER_MALE},          {{"mister"}, LS_GENDER_MALE},
    {{"young", "man"}, LS_GENDER_MALE}, {{"my", "dear", "fellow"}, LS_GENDER_MALE},
    {{"my", "good", "fellow"}, LS_GENDER_MALE}, {{"old", "fellow"}, LS_GENDER_MALE},
    {{"my", "boy"}, LS_GENDER_MALE},    {{"my", "lad"}, LS_GENDER_MALE},
    {{"my", "lord"}, LS_GENDER_MALE},   {{"my", "son"}, LS_GENDER_MALE},
    {{"madam"}, LS_GENDER_FEMALE},      {{"madame"}, LS_GENDER_FEMALE},
    {{"ma'am"}, LS_GENDER_FEMALE},      {{"miss"}, LS_GENDER_FEMALE},
    {{"my", "lady"}, LS_GENDER_FEMALE}, {{"young", "lady"}, LS_GENDER_FEMALE},
    {{"my", "dear", "girl"}, LS_GENDER_FEMALE}, {{"my", "girl"}, LS_GENDER_FEMALE},
    {{"my", "daughter"}, LS_GENDER_FEMALE},
};
static const vocative VOC_DE[] = {
    {{"mein", "herr"}, LS_GENDER_MALE},       {{"junger", "mann"}, LS_GENDER_MALE},
    {{"mein", "junge"}, LS_GENDER_MALE},      {{"mein", "sohn"}, LS_GENDER_MALE},
    {{"lieber", "freund"}, LS_GENDER_MALE},   {{"gn\xC3\xA4" "diger", "herr"}, LS_GENDER_MALE},
    {{"gn\xC3\xA4" "dige", "frau"}, LS_GENDER_FEMALE}, {{"fr\xC3\xA4" "ulein"}, LS_GENDER_FEMALE},
    {{"meine", "dame"}, LS_GENDER_FEMALE},    {{"junge", "frau"}, LS_GENDER_FEMALE},
    {{"meine", "tochter"}, LS_GENDER_FEMALE}, {{"liebe", "freundin"}, LS_GENDER_FEMALE},
};

static int is_open_byte(unsigned char c)
{
    /* " , and the last byte of “ „ « » ‚ */
    return c == '"' || c == ',' || c == 0x9C || c == 0x9E || c == 0xAB || c == 0xBB || c == 0x9A;
}

static int is_close_byte(unsigned char c)
{
    return c == ',' || c == '!' || c == '?' || c == '.' || c == ';' || c == '"' || c == 0x9D || c == 0x9C ||
           c == 0xBB || c == 0xAB || c == 0xE2;
}

/* Words a..b stand alone as a call: after the quote's opening or a comma,
 * before a comma, a stop or the quote's close. */
static int stands_as_call(const char *d, size_t len, const vword *w, size_t a, size_t b)
{
    size_t i = w[a].start;
    while (i > 0 && d[i - 1] == ' ')
        i--;
    if (!(i == 0 || is_open_byte((unsigned char)d[i - 1]) || (a > 0 && !w[a - 1].quoted)))
        return 0;
    size_t j = w[b].end;
    while (j < len && d[j] == ' ')
        j++;
    return j >= len || is_close_byte((unsigned char)d[j]);
}

/* The sex the call starting at word k says (and its length in *m), 0 if none. */
static int call_at(lslex_lang_id lang, const char *d, size_t len, const vword *w, size_t n, size_t k, size_t *m)
{
    const vocative *v = lang == LSLEX_DE ? VOC_DE : VOC_EN;
    size_t nv = lang == LSLEX_DE ? sizeof VOC_DE / sizeof VOC_DE[0] : sizeof VOC_EN / sizeof VOC_EN[0];
    for (size_t i = 0; i < nv; i++) {
        size_t l = 0;
        while (l < 3 && v[i].w[l] && k + l < n && w[k + l].quoted && !strcmp(w[k + l].low, v[i].w[l]))
            l++;
        if (l && (l == 3 || !v[i].w[l]) && stands_as_call(d, len, w, k, k + l - 1)) {
            *m = l;
            return v[i].sex;
        }
    }
    /* "Mr. Smith,", "Herr Doktor!", "Fräulein Müller": a sexed title and a name */
    unsigned f = w[k].flags;
    if (k + 1 < n && w[k].quoted && w[k + 1].quoted && (f & LSLEX_TITLE) && !(f & LSLEX_FEMALE) != !(f & LSLEX_MALE) &&
        stands_as_call(d, len, w, k, k + 1)) {
        *m = 2;
        return (f & LSLEX_MALE) ? LS_GENDER_MALE : LS_GENDER_FEMALE;
    }
    return 0;
}

/* What paragraph pi does: 1 the narrator speaks in it ("said I", "I
 * replied", "sagte ich"), 2 someone speaks to the narrator ("he said to
 * me", "fragte er mich"), 0 neither; and, for a line spoken to someone,
 * the sex of each call in it, counted into male/female. */
static int para_calls(const longsd_story *s, lslex_lang_id lang, size_t pi, vword **wv, size_t *cap, size_t *male,
                      size_t *female, int count)
{
    const ls_para *p = &s->paras[pi];
    const char *d = s->data + p->start;
    size_t len = p->end - p->start, n = 0;
    lslex_scan sc;
    lsword lw;
    lslex_scan_init(&sc, d, len);
    int dashed = ls_narrator_dash_dialogue(d, len);
    while (lslex_next_word(&sc, &lw)) {
        if (n == *cap) {
            size_t nc = *cap ? *cap * 2 : 128;
            vword *nw = longsd__realloc(*wv, nc * sizeof *nw);
            if (!nw)
                return -1;
            *wv = nw;
            *cap = nc;
        }
        vword *x = &(*wv)[n++];
        x->start = lw.start;
        x->end = lw.end;
        size_t ll = lslex_lower(d + lw.start, lw.end - lw.start, x->low, sizeof x->low, 0);
        char *q = strstr(x->low, "\xE2\x80\x99"); /* ma’am */
        if (q) {
            *q = '\'';
            memmove(q + 1, q + 3, strlen(q + 3) + 1);
            ll = strlen(x->low);
        }
        x->flags = lslex_lookup(lang, x->low, ll, NULL, NULL);
        x->quoted = lw.quoted || dashed;
        x->second = x->quoted && (lang == LSLEX_DE ? is_one(x->low, "sie ihnen du dich dir ihr euch")
                                                   : is_one(x->low, "you your yourself thee thou"));
    }
    vword *w = *wv;
    const char *me = lang == LSLEX_DE ? "ich" : "i";
    const char *to_me = lang == LSLEX_DE ? "mich mir" : "me";
    int said_i = 0, to_narrator = 0, second = 0;
    for (size_t k = 0; k < n; k++) {
        second |= w[k].second;
        if (w[k].quoted || !(w[k].flags & LSLEX_SPEECH))
            continue;
        /* "said I", "I said", "sagte ich", "ich sagte" */
        if ((k > 0 && !w[k - 1].quoted && !strcmp(w[k - 1].low, me)) ||
            (k + 1 < n && !w[k + 1].quoted && !strcmp(w[k + 1].low, me)))
            said_i = 1;
        /* "he told me", "said to me", "fragte er mich", "sagte er zu mir" */
        for (size_t j = k + 1; j < n && j <= k + 3 && !w[j].quoted; j++)
            if (is_one(w[j].low, to_me))
                to_narrator = 1;
    }
    if (said_i)
        return 1;
    if (count && second)
        for (size_t k = 0; k < n; k++) {
            size_t m = 0;
            int sex = w[k].quoted ? call_at(lang, d, len, w, n, k, &m) : 0;
            *male += sex == LS_GENDER_MALE;
            *female += sex == LS_GENDER_FEMALE;
            if (m)
                k += m - 1;
        }
    return to_narrator ? 2 : 0;
}

static int called_sex(const longsd_story *s, lslex_lang_id lang)
{
    size_t male = 0, female = 0, cap = 0;
    vword *wv = NULL;
    int prev = 0, sex = 0;
    /* a paragraph counts when it speaks to the narrator, or answers (or is
     * answered by) the narrator's line: its kind is known before its calls
     * are counted, so each is read twice at most */
    for (size_t pi = 0; pi < s->n_paras; pi++) {
        if (s->paras[pi].is_heading)
            continue;
        size_t m0 = 0, f0 = 0;
        int kind = para_calls(s, lang, pi, &wv, &cap, &m0, &f0, 0);
        if (kind < 0)
            goto out;
        int next = 0;
        if (kind == 0 && prev != 1) {
            size_t ni = pi + 1;
            while (ni < s->n_paras && s->paras[ni].is_heading)
                ni++;
            next = ni < s->n_paras ? para_calls(s, lang, ni, &wv, &cap, &m0, &f0, 0) : 0;
            if (next < 0)
                goto out;
        }
        if (kind == 2 || (kind == 0 && (prev == 1 || next == 1)))
            if (para_calls(s, lang, pi, &wv, &cap, &male, &female, 1) < 0)
                goto out;
        prev = kind;
    }
    if (male >= NSEX_MIN && male > 2 * female)
        sex = LS_GENDER_MALE;
    else if (female >= NSEX_MIN && female > 2 * male)
        sex = LS_GENDER_FEMALE;
out:
    longsd__free(wv);
    return sex;
}

int ls_narrator_sex(const longsd_story *s)
{
    if (!strcmp(s->lang, "fr"))
        return fr_narrator_sex(s);
    if (!strcmp(s->lang, "en") || !strcmp(s->lang, "de"))
        return called_sex(s, lslex_lang(s->lang));
    return 0;
}
