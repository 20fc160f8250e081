/* dict.c - German common nouns from hunspell's de_DE dictionary (Debian
 * hunspell-de-de, igerman98). In its .dic file a noun or place is a
 * capitalised stem carrying the "m" flag (it may start a compound: "Kopf"
 * -> "Kopfweh"), with suffix flags for its forms (S: -s, E: -e, N: -n,
 * P: -en, T: -es); first names ("Hans", "Anna/S") carry no "m". Only
 * those stems are kept, in a set read once (dicset.c). */
#include "dict.h"

#include <pthread.h>
#include <string.h>

#include "dicset.h"

enum { SFX_S = 1u << 0, SFX_E = 1u << 1, SFX_N = 1u << 2, SFX_P = 1u << 3, SFX_T = 1u << 4 };

static ls_dicset g_set;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* A capitalised ASCII or Latin letter stem with flags including "m"; its
 * suffix flags S E N P T kept as bits. */
static int keep_noun(const char *line, size_t n, size_t *word_len, unsigned *bits)
{
    static const char sfx[] = "SENPT";
    const char *slash = memchr(line, '/', n);
    if (!slash || slash == line || !((*line >= 'A' && *line <= 'Z') || (unsigned char)*line == 0xC3))
        return 0;
    const char *fl = slash + 1;
    size_t fn = (size_t)(line + n - fl);
    if (!memchr(fl, 'm', fn))
        return 0;
    *word_len = (size_t)(slash - line);
    *bits = 0;
    for (size_t i = 0; i < fn; i++) {
        const char *q = memchr(sfx, fl[i], 5);
        if (q)
            *bits |= 1u << (q - sfx);
    }
    return 1;
}

static void load_once(void)
{
    ls_dicset_read(&g_set, "de_DE.dic", keep_noun);
}

int ls_dict_de_noun(const char *w, size_t n)
{
    pthread_once(&g_once, load_once);
    if (ls_dicset_find(&g_set, w, n, NULL))
        return 1;
    /* inflected: -s -e -n -en -es on a stem with that suffix flag */
    static const char *const end[] = {"s", "e", "n", "en", "es"};
    static const unsigned bit[] = {SFX_S, SFX_E, SFX_N, SFX_P, SFX_T};
    for (int k = 0; k < 5; k++) {
        size_t el = strlen(end[k]);
        if (n > el + 1 && memcmp(w + n - el, end[k], el) == 0) {
            unsigned sfx = 0;
            if (ls_dicset_find(&g_set, w, n - el, &sfx) && (sfx & bit[k]))
                return 2;
        }
    }
    return 0;
}
