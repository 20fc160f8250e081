/* wordset.c - a word -> category bits table over constant word lists:
 * open addressing on the FNV hash of the word, filled once. */
#include "wordset.h"

#include <string.h>

#include "util.h"

static uint64_t word_hash(const char *w, size_t n)
{
    uint64_t h = lsfnv1a64(w, n, LSFNV_SEED);
    return h ? h : 1;
}

int ls_wordset_add(ls_wordset *t, const char *words, unsigned bit)
{
    for (const char *p = words; *p;) {
        while (*p == ' ')
            p++;
        size_t l = strcspn(p, " ");
        if (!l)
            break;
        uint64_t h = word_hash(p, l);
        size_t j = (size_t)h & (LS_WORDSET_SLOTS - 1), probes = 0;
        while (t->h[j] && t->h[j] != h) {
            j = (j + 1) & (LS_WORDSET_SLOTS - 1);
            if (++probes == LS_WORDSET_SLOTS / 2)
                return -1;
        }
        t->h[j] = h;
        t->bits[j] |= bit;
        p += l;
    }
    return 0;
}

unsigned ls_wordset_get(const ls_wordset *t, const char *w, size_t n)
{
    if (!n)
        return 0;
    uint64_t h = word_hash(w, n);
    size_t j = (size_t)h & (LS_WORDSET_SLOTS - 1);
    while (t->h[j]) {
        if (t->h[j] == h)
            return t->bits[j];
        j = (j + 1) & (LS_WORDSET_SLOTS - 1);
    }
    return 0;
}
