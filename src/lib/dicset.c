/* dicset.c - a hunspell .dic file read once into an open-addressing set
 * of word hashes (see dicset.h). Words are kept as 64-bit FNV hashes, not
 * strings: the sets only answer "is this word there, with which bits", and
 * de_DE's 75 000 stems then cost 1 MB. A .dic file is a count line, then
 * one "word/FLAGS morphology" line per stem; the reader given decides
 * what a line means. */
#include "dicset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define DICSET_MAX_BYTES ((size_t)16 << 20) /* de_DE.dic is 4 MB, fr.dic 6 MB */

static uint64_t word_hash(const char *w, size_t n)
{
    uint64_t h = lsfnv1a64(w, n, LSFNV_SEED);
    return h ? h : 1; /* 0 marks an empty slot */
}

static void set_add(ls_dicset *s, uint64_t h, unsigned bits)
{
    size_t j = (size_t)h & (s->cap - 1);
    while (s->slot[j].h && s->slot[j].h != h)
        j = (j + 1) & (s->cap - 1);
    s->slot[j].h = h;
    s->slot[j].bits |= bits;
}

void ls_dicset_read(ls_dicset *s, const char *file, ls_dicline_fn keep)
{
    const char *dir = getenv("LONGSD_HUNSPELL_DIR");
    char path[512];
    char *buf = NULL;
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/hunspell", file);
    FILE *f = fopen(path, "rb");
    if (!f)
        goto out; /* no dictionary: nothing known */
    buf = malloc(DICSET_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, DICSET_MAX_BYTES, f) : 0;
    fclose(f);
    if (!buf || n == 0)
        goto out;
    buf[n] = '\0';
    size_t lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += buf[i] == '\n';
    size_t cap = 1024;
    while (cap < lines * 2)
        cap <<= 1;
    ls_dicslot *slot = calloc(cap, sizeof *slot);
    if (!slot)
        goto out;
    s->slot = slot;
    s->cap = cap;
    for (char *p = buf; p < buf + n;) {
        char *e = memchr(p, '\n', (size_t)(buf + n - p));
        if (!e)
            e = buf + n;
        size_t ln = (size_t)(e - p), wl = 0;
        while (ln && (p[ln - 1] == '\r' || p[ln - 1] == ' ' || p[ln - 1] == '\t'))
            ln--;
        unsigned bits = 0;
        if (ln && keep(p, ln, &wl, &bits) && wl > 0 && wl <= ln)
            set_add(s, word_hash(p, wl), bits);
        p = e + 1;
    }
out:
    free(buf);
}

int ls_dicset_find(const ls_dicset *s, const char *w, size_t n, unsigned *bits)
{
    if (!s->slot || n == 0)
        return 0;
    uint64_t h = word_hash(w, n);
    size_t j = (size_t)h & (s->cap - 1);
    while (s->slot[j].h) {
        if (s->slot[j].h == h) {
            if (bits)
                *bits = s->slot[j].bits;
            return 1;
        }
        j = (j + 1) & (s->cap - 1);
    }
    return 0;
}

void ls_dicset_free(ls_dicset *s)
{
    free(s->slot);
    s->slot = NULL;
    s->cap = 0;
}
