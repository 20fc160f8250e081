/* cast_map.c - the string -> counters table the cast scan fills: open
 * addressing on an FNV hash, grown at half full, so counting every run of
 * a book stays linear. */
#include <string.h>

#include "cast_int.h"
#include "util.h"

void ls_cmap_free(cmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        longsd__free(m->e[i].key);
    longsd__free(m->e);
    m->e = NULL;
    m->cap = m->n = 0;
}

static longsd_status cmap_grow(cmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 256;
    centry *ne = longsd__calloc(ncap, sizeof *ne);
    if (!ne)
        return LONGSD_ERR_NOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->e[i].key)
            continue;
        size_t j = (size_t)m->e[i].h & (ncap - 1);
        while (ne[j].key)
            j = (j + 1) & (ncap - 1);
        ne[j] = m->e[i];
    }
    longsd__free(m->e);
    m->e = ne;
    m->cap = ncap;
    return LONGSD_OK;
}

/* Find key; create it (zeroed counters) when create. NULL if absent or out
 * of memory (*oom set). */
centry *ls_cmap_get(cmap *m, const char *k, size_t kl, int create, int *oom)
{
    uint64_t h = lsfnv1a64(k, kl, LSFNV_SEED);
    if (m->cap) {
        size_t j = (size_t)h & (m->cap - 1);
        while (m->e[j].key) {
            if (m->e[j].h == h && m->e[j].klen == kl && memcmp(m->e[j].key, k, kl) == 0)
                return &m->e[j];
            j = (j + 1) & (m->cap - 1);
        }
    }
    if (!create)
        return NULL;
    if ((m->n + 1) * 2 > m->cap && cmap_grow(m) != LONGSD_OK) {
        *oom = 1;
        return NULL;
    }
    size_t j = (size_t)h & (m->cap - 1);
    while (m->e[j].key)
        j = (j + 1) & (m->cap - 1);
    centry *e = &m->e[j];
    e->key = longsd__strndup(k, kl);
    if (!e->key) {
        *oom = 1;
        return NULL;
    }
    e->klen = kl;
    e->h = h;
    e->character = -1;
    m->n++;
    return e;
}
