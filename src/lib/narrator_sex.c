/* narrator_sex.c - the sex of a French first-person narrator from the
 * grammar of what they say of themselves. French makes an adjective or a
 * past participle agree with its subject: "je suis condamné", "j'étais
 * seule", "moi, pauvre malheureuse". hunspell fr analyses each form
 * ("condamnée": po:ppas po:adj is:fem is:sg), so counting the masculine
 * and the feminine forms after "je" + a form of "être" (or "j'ai été") and
 * after "moi," in the narration decides when one clearly outnumbers the
 * other. Epicene forms ("triste", is:epi) and anything else count for
 * neither; "je me suis dit" is left out (a reflexive's participle agrees
 * with its object, not always the subject). Quoted words and dialogue
 * lines are others speaking. English and German do not inflect for this:
 * unknown there. One pass over the paragraphs: linear in the text. */
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

int ls_narrator_sex(const longsd_story *s)
{
    if (lslex_lang(s->lang) != LSLEX_FR)
        return 0;
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
