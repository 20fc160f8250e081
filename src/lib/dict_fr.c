/* dict_fr.c - what French words are, from hunspell's fr dictionary
 * (Debian hunspell-fr, Dicollecte). Its .dic lines carry morphological
 * tags after the flags: "Pierre/L'D'Q' po:prn is:mas" (a first name, with
 * its sex), "Paris/L'D'Q' po:npr" (another proper noun: a place, a
 * people), "conseil/S.() po:nom is:mas" (a common noun). A capital letter
 * in mid-sentence already marks a French name, so the cast asks only two
 * things: is this capitalised word a place or other proper noun rather
 * than a person's name, and which sex does a first name have. The tags of
 * each word form are kept in an open-addressing set, read once. */
#include "dict.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define DICT_MAX_BYTES ((size_t)16 << 20)

typedef struct {
    uint64_t h;     /* hash of the word as written; 0 = empty slot */
    unsigned tags;  /* LS_FR_* */
} fslot;

/* Lives as long as the process and is allocated with malloc, like the
 * German set (dict.c): a simulated allocation failure in a test must not
 * switch the dictionary off for the rest of the process. */
static fslot *g_set;
static size_t g_cap;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static uint64_t word_hash(const char *w, size_t n)
{
    uint64_t h = lsfnv1a64(w, n, LSFNV_SEED);
    return h ? h : 1;
}

static void set_add(uint64_t h, unsigned tags)
{
    size_t j = (size_t)h & (g_cap - 1);
    while (g_set[j].h && g_set[j].h != h)
        j = (j + 1) & (g_cap - 1);
    g_set[j].h = h;
    g_set[j].tags |= tags;
}

/* The tags of one .dic line's morphology part [p, e). */
unsigned ls_dict_fr_tags(const char *p, size_t n)
{
    unsigned t = 0;
    static const struct {
        const char *tag;
        unsigned bit;
    } known[] = {{"po:prn", LS_FR_FIRST_NAME}, {"po:npr", LS_FR_PROPER}, {"po:nom", LS_FR_NOUN},
                 {"is:mas", LS_FR_MASC}, {"is:fem", LS_FR_FEM}};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        size_t tl = strlen(known[i].tag);
        for (size_t k = 0; k + tl <= n; k++)
            if (!memcmp(p + k, known[i].tag, tl) && (k == 0 || p[k - 1] == ' ' || p[k - 1] == '\t') &&
                (k + tl == n || p[k + tl] == ' ' || p[k + tl] == '\t' || p[k + tl] == '\r')) {
                t |= known[i].bit;
                break;
            }
    }
    if (!(t & LS_FR_FIRST_NAME))
        t &= ~(unsigned)(LS_FR_MASC | LS_FR_FEM); /* the sex of a noun's grammar is not a person's */
    return t;
}

static void load_once(void)
{
    const char *dir = getenv("LONGSD_HUNSPELL_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/fr.dic", dir && *dir ? dir : "/usr/share/hunspell");
    FILE *f = fopen(path, "rb");
    if (!f)
        return; /* no dictionary: nothing known */
    char *buf = malloc(DICT_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, DICT_MAX_BYTES, f) : 0;
    fclose(f);
    if (!buf || n == 0) {
        free(buf);
        return;
    }
    buf[n] = '\0';
    size_t lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += buf[i] == '\n';
    g_cap = 1024;
    while (g_cap < lines * 2)
        g_cap <<= 1;
    g_set = calloc(g_cap, sizeof *g_set);
    if (!g_set) {
        free(buf);
        return;
    }
    for (char *p = buf; p < buf + n;) {
        char *e = memchr(p, '\n', (size_t)(buf + n - p));
        if (!e)
            e = buf + n;
        /* the word ends at "/" (flags follow) or at a blank (tags follow) */
        size_t wl = 0;
        while (p + wl < e && p[wl] != '/' && p[wl] != ' ' && p[wl] != '\t' && p[wl] != '\r')
            wl++;
        const char *m = p + wl;
        while (m < e && *m != ' ' && *m != '\t')
            m++; /* skip the affix flags */
        unsigned tags = ls_dict_fr_tags(m, (size_t)(e - m));
        if (wl && tags)
            set_add(word_hash(p, wl), tags);
        p = e + 1;
    }
    free(buf);
}

unsigned ls_dict_fr(const char *w, size_t n)
{
    pthread_once(&g_once, load_once);
    if (!g_set || n == 0)
        return 0;
    uint64_t h = word_hash(w, n);
    size_t j = (size_t)h & (g_cap - 1);
    while (g_set[j].h) {
        if (g_set[j].h == h)
            return g_set[j].tags;
        j = (j + 1) & (g_cap - 1);
    }
    return 0;
}
