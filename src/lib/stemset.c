/* stemset.c - unique names by stem (stemset.h): open addressing over names
 * owned by the set, sized for max_names at half load so it never rehashes. */
#include "stemset.h"

#include <string.h>

typedef struct {
    char *name; /* NULL: empty slot */
    int next;   /* when name was wanted as a stem: the next suffix to try */
} slot;

struct ls_stemset {
    slot *t;
    size_t cap, n, max;
};

ls_stemset *ls_stemset_new(size_t max_names)
{
    ls_stemset *s = longsd__calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->cap = 16;
    while (s->cap < 2 * max_names + 2)
        s->cap *= 2;
    s->max = max_names;
    if (!(s->t = longsd__calloc(s->cap, sizeof *s->t))) {
        longsd__free(s);
        return NULL;
    }
    return s;
}

void ls_stemset_free(ls_stemset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        longsd__free(s->t[i].name);
    longsd__free(s->t);
    longsd__free(s);
}

/* The slot holding name, or the empty slot where it would go. */
static slot *find(ls_stemset *s, const char *name)
{
    size_t h = (size_t)lsfnv1a64(name, strlen(name), LSFNV_SEED) & (s->cap - 1);
    while (s->t[h].name && strcmp(s->t[h].name, name) != 0)
        h = (h + 1) & (s->cap - 1);
    return &s->t[h];
}

static longsd_status put(ls_stemset *s, slot *e, const char *name)
{
    if (s->n >= s->max)
        return LONGSD_ERR_TOO_BIG;
    if (!(e->name = longsd__strdup(name)))
        return LONGSD_ERR_NOMEM;
    e->next = 2;
    s->n++;
    return LONGSD_OK;
}

longsd_status ls_stemset_take(ls_stemset *s, const char *stem, char *out, size_t out_size)
{
    slot *e = find(s, stem);
    if (!e->name) {
        if ((size_t)snprintf(out, out_size, "%s", stem) >= out_size)
            return LONGSD_ERR_TOO_BIG;
        return put(s, e, stem);
    }
    /* taken: go on from where the last duplicate of this stem stopped */
    for (int k = e->next;; k++) {
        if ((size_t)snprintf(out, out_size, "%s-%d", stem, k) >= out_size)
            return LONGSD_ERR_TOO_BIG;
        slot *c = find(s, out);
        if (!c->name) {
            e->next = k + 1; /* e stays valid: the table never moves */
            return put(s, c, out);
        }
    }
}
