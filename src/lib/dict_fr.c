/* dict_fr.c - what French words are, from hunspell's fr dictionary
 * (Debian hunspell-fr, Dicollecte). Its .dic lines carry morphological
 * tags after the flags: "Pierre/L'D'Q' po:prn is:mas" (a first name, with
 * its sex), "Paris/L'D'Q' po:npr" (another proper noun: a place, a
 * people), "conseil/S.() po:nom is:mas" (a common noun). A capital letter
 * in mid-sentence already marks a French name, so the cast asks only two
 * things: is this capitalised word a place or other proper noun rather
 * than a person's name, and which sex does a first name have. The tags of
 * each word form are kept in a set read once (dicset.c). */
#include "dict.h"

#include <pthread.h>
#include <string.h>

#include "dicset.h"

static ls_dicset g_set;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* The tags of one .dic line's morphology part [p, e). */
unsigned ls_dict_fr_tags(const char *p, size_t n)
{
    unsigned t = 0;
    static const struct {
        const char *tag;
        unsigned bit;
    } known[] = {{"po:prn", LS_FR_FIRST_NAME}, {"po:npr", LS_FR_PROPER}, {"po:nom", LS_FR_NOUN},
                 {"is:mas", LS_FR_MASC}, {"is:fem", LS_FR_FEM}, {"po:adv", LS_FR_ADV}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        size_t tl = strlen(known[i].tag);
        for (size_t k = 0; k + tl <= n; k++)
            if (!memcmp(p + k, known[i].tag, tl) && (k == 0 || p[k - 1] == ' ' || p[k - 1] == '\t') &&
                (k + tl == n || p[k + tl] == ' ' || p[k + tl] == '\t' || p[k + tl] == '\r')) {
                t |= known[i].bit;
                break;
            }
    }
    if (!(t & LS_FR_FIRST_NAME)) {
        /* the sex of a noun's grammar is not a person's, but it is the
         * article's: "leur mère" is "la mère" */
        if (t & LS_FR_NOUN)
            t |= (t & LS_FR_MASC ? LS_FR_NOUN_MASC : 0) | (t & LS_FR_FEM ? LS_FR_NOUN_FEM : 0);
        t &= ~(unsigned)(LS_FR_MASC | LS_FR_FEM);
    }
    return t;
}

/* The word ends at "/" (flags follow) or at a blank (tags follow); the
 * tags are what follows the flags. */
static int keep_tagged(const char *line, size_t n, size_t *word_len, unsigned *bits)
{
    size_t wl = 0;
    while (wl < n && line[wl] != '/' && line[wl] != ' ' && line[wl] != '\t' && line[wl] != '\r')
        wl++;
    const char *m = line + wl;
    while (m < line + n && *m != ' ' && *m != '\t')
        m++; /* skip the affix flags */
    *word_len = wl;
    *bits = ls_dict_fr_tags(m, (size_t)(line + n - m));
    return wl > 0 && *bits != 0;
}

static void load_once(void)
{
    ls_dicset_read(&g_set, "fr.dic", keep_tagged);
}

unsigned ls_dict_fr(const char *w, size_t n)
{
    pthread_once(&g_once, load_once);
    unsigned t = 0;
    return ls_dicset_find(&g_set, w, n, &t) ? t : 0;
}
