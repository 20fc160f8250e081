/* dicset.h - the words of one hunspell .dic file in a hash set, each with
 * a few bits its reader chose from the line (dicset.c). The German noun
 * set (dict.c) and the French word classes (dict_fr.c) both read a .dic
 * this way; only what they keep of a line differs. */
#ifndef LONGSD_DICSET_H
#define LONGSD_DICSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t h;     /* hash of the word as written; 0 = empty slot */
    unsigned bits;  /* the reader's bits, or-ed over the word's lines */
} ls_dicslot;

typedef struct {
    ls_dicslot *slot; /* NULL: not read, or no such file (then nothing is known) */
    size_t cap;       /* a power of two */
} ls_dicset;

/* What to keep of one .dic line line[0..n) (no newline): 1 to keep its
 * word line[0..*word_len) with *bits, 0 to skip the line. */
typedef int (*ls_dicline_fn)(const char *line, size_t n, size_t *word_len, unsigned *bits);

/* Read file (e.g. "de_DE.dic") from $LONGSD_HUNSPELL_DIR, else
 * /usr/share/hunspell, into s, keeping what keep says. A missing or
 * unreadable file, or no memory, leaves s empty. Call it once (from a
 * pthread_once routine); afterwards s is only read, so lookups are
 * thread-safe. The set is malloc'ed and lives as long as the process: a
 * simulated allocation failure in a test must not switch a dictionary off
 * for the rest of the process. */
void ls_dicset_read(ls_dicset *s, const char *file, ls_dicline_fn keep);

/* 1 and *bits (may be NULL) if w[0..n) is in s, else 0. */
int ls_dicset_find(const ls_dicset *s, const char *w, size_t n, unsigned *bits);

/* Free a set's table and leave it empty. The library's own sets live as
 * long as the process; a caller that reads one of its own frees it. */
void ls_dicset_free(ls_dicset *s);

#endif
