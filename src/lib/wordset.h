/* wordset.h - fixed sets of words (the reading passes' small word lists)
 * hashed once, so a word's categories cost one lookup instead of a scan of
 * every list (wordset.c). */
#ifndef LONGSD_WORDSET_H
#define LONGSD_WORDSET_H

#include <stddef.h>
#include <stdint.h>

#define LS_WORDSET_SLOTS 1024 /* a power of two; keep under half full */

typedef struct {
    uint64_t h[LS_WORDSET_SLOTS]; /* 0 = empty */
    unsigned bits[LS_WORDSET_SLOTS];
} ls_wordset;

/* Add every word of the space-separated list with category bit. Returns
 * -1 if the set is full (a programming error: the lists are constants).
 * Not thread-safe: fill a set once (pthread_once), then only read it. */
int ls_wordset_add(ls_wordset *t, const char *words, unsigned bit);
/* The categories of w[0..n) (lower case, as the lists are), 0 if none. */
unsigned ls_wordset_get(const ls_wordset *t, const char *w, size_t n);

#endif
