/* dict.c - German common nouns from hunspell's de_DE dictionary (Debian
 * hunspell-de-de, igerman98). In its .dic file a noun or place is a
 * capitalised stem carrying the "m" flag (it may start a compound: "Kopf"
 * -> "Kopfweh"), with suffix flags for its forms (S: -s, E: -e, N: -n,
 * P: -en, T: -es); first names ("Hans", "Anna/S") carry no "m". Only
 * those stems are kept, in an open-addressing set, read once. */
#include "dict.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define DICT_MAX_BYTES ((size_t)16 << 20)
/* The set lives as long as the process, like the lexicon's tables, and is
 * allocated with malloc: a simulated allocation failure in a test must not
 * switch the dictionary off for the rest of the process. */

typedef struct {
    uint64_t h;     /* hash of the stem; 0 = empty slot */
    uint32_t sfx;   /* suffix flags S E N P T as bits */
} dslot;

static dslot *g_set;
static size_t g_cap;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static uint64_t stem_hash(const char *w, size_t n)
{
    uint64_t h = lsfnv1a64(w, n, LSFNV_SEED);
    return h ? h : 1;
}

static uint32_t sfx_bits(const char *flags, size_t n)
{
    static const char sfx[] = "SENPT";
    uint32_t b = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = memchr(sfx, flags[i], 5);
        if (p)
            b |= 1u << (p - sfx);
    }
    return b;
}

static void set_add(uint64_t h, uint32_t sfx)
{
    size_t j = (size_t)h & (g_cap - 1);
    while (g_set[j].h && g_set[j].h != h)
        j = (j + 1) & (g_cap - 1);
    g_set[j].h = h;
    g_set[j].sfx |= sfx;
}

static const dslot *set_get(uint64_t h)
{
    if (!g_set)
        return NULL;
    size_t j = (size_t)h & (g_cap - 1);
    while (g_set[j].h) {
        if (g_set[j].h == h)
            return &g_set[j];
        j = (j + 1) & (g_cap - 1);
    }
    return NULL;
}

static void load_once(void)
{
    const char *dir = getenv("LONGSD_HUNSPELL_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/de_DE.dic", dir && *dir ? dir : "/usr/share/hunspell");
    FILE *f = fopen(path, "rb");
    if (!f)
        return; /* no dictionary: no veto */
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
        char *slash = memchr(p, '/', (size_t)(e - p));
        /* a capitalised ASCII or Latin letter stem with flags incl. "m" */
        if (slash && slash > p && ((*p >= 'A' && *p <= 'Z') || (unsigned char)*p == 0xC3)) {
            const char *fl = slash + 1;
            size_t fn = (size_t)(e - fl);
            while (fn && (fl[fn - 1] == '\r' || fl[fn - 1] == ' ' || fl[fn - 1] == '\t'))
                fn--;
            if (memchr(fl, 'm', fn))
                set_add(stem_hash(p, (size_t)(slash - p)), sfx_bits(fl, fn));
        }
        p = e + 1;
    }
    free(buf);
}

int ls_dict_de_noun(const char *w, size_t n)
{
    pthread_once(&g_once, load_once);
    if (!g_set || n == 0)
        return 0;
    const dslot *d = set_get(stem_hash(w, n));
    if (d)
        return 1;
    /* inflected: -s -e -n -en -es on a stem with that suffix flag */
    static const char *const end[] = {"s", "e", "n", "en", "es"};
    static const uint32_t bit[] = {1u << 0, 1u << 1, 1u << 2, 1u << 3, 1u << 4};
    for (int k = 0; k < 5; k++) {
        size_t el = strlen(end[k]);
        if (n > el + 1 && memcmp(w + n - el, end[k], el) == 0) {
            d = set_get(stem_hash(w, n - el));
            if (d && (d->sfx & bit[k]))
                return 2;
        }
    }
    return 0;
}
