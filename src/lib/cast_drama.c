/* cast_drama.c - the cast of a play are its speakers (drama.c). A speaker
 * the name finder also found keeps what it learnt there (sex, role,
 * aliases) and gains the speeches its heading did not already count
 * ("MERC." is no mention of "Mercury" to the name finder); a speaker it
 * missed joins with their speeches as mentions; a name that never heads a
 * speech is someone talked about, not someone on stage, and leaves. */
#include <stdlib.h>
#include <string.h>

#include "cast_int.h"
#include "util.h"

static int same_ci(const char *a, const char *b)
{
    char x[64], y[64];
    if (!a || !b)
        return 0;
    size_t n = lslex_lower(a, strlen(a), x, sizeof x, 0), m = lslex_lower(b, strlen(b), y, sizeof y, 0);
    return n == m && !memcmp(x, y, n);
}

static int names(const ls_character *c, const char *n)
{
    if (same_ci(c->name, n) || same_ci(c->full_name, n))
        return 1;
    for (size_t a = 0; a < c->n_aliases; a++)
        if (same_ci(c->aliases[a], n))
            return 1;
    return 0;
}

static void clear_one(ls_character *c)
{
    longsd__free(c->name);
    longsd__free(c->full_name);
    for (size_t a = 0; a < c->n_aliases; a++)
        longsd__free(c->aliases[a]);
    longsd__free(c->aliases);
    longsd__free(c->description);
    longsd__free(c->role);
    memset(c, 0, sizeof *c);
}

static int by_mentions(const void *a, const void *b)
{
    const ls_character *x = a, *y = b;
    if (x->mentions != y->mentions)
        return x->mentions > y->mentions ? -1 : 1;
    return strcmp(x->name, y->name);
}

longsd_status ls_cast_drama(const longsd_story *s, lslex_lang_id lang, ls_character **cast, size_t *n_cast,
                            size_t max_cast)
{
    ls_speaker *sp = NULL;
    size_t n_sp = 0, k = 0;
    ls_character *in = *cast, *out = NULL;
    longsd_status st = ls_drama_speakers(s, &sp, &n_sp);
    if (st || !n_sp)
        goto out; /* no speaker with two speeches: keep what the names gave */
    out = longsd__calloc(n_sp, sizeof *out);
    if (!out) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n_sp; i++) {
        size_t j = 0;
        while (j < *n_cast && !(in[j].name && names(&in[j], sp[i].name)))
            j++;
        ls_character *c = &out[k];
        if (j < *n_cast) {
            *c = in[j];
            memset(&in[j], 0, sizeof in[j]);
            c->mentions += sp[i].speeches - sp[i].headed;
            /* "Seigneur Mercury" found in the text is the "MERCURY" of the
             * headings: the name the play gives them */
            if (strcmp(c->name, sp[i].name)) {
                char *nm = longsd__strdup(sp[i].name);
                if (!nm || ls_character_add_alias(c, c->name)) {
                    longsd__free(nm);
                    k++;
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                longsd__free(c->name);
                c->name = nm;
            }
        } else {
            c->name = longsd__strdup(sp[i].name);
            c->full_name = longsd__strdup(sp[i].name);
            c->description = longsd__strdup("");
            c->mentions = sp[i].speeches;
            if (!c->name || !c->full_name || !c->description) {
                k++;
                st = LONGSD_ERR_NOMEM;
                goto out;
            }
            /* "Jupiter", "Alcmene": a known name says the sex */
            const char *first = c->name, *sp1 = strchr(first, ' ');
            char low[64];
            size_t ll = lslex_lower(first, sp1 ? (size_t)(sp1 - first) : strlen(first), low, sizeof low, 0);
            unsigned fl = lslex_lookup(lang, low, ll, NULL, NULL);
            if ((fl & LSLEX_MALE) && !(fl & LSLEX_FEMALE))
                c->gender = LS_GENDER_MALE;
            else if ((fl & LSLEX_FEMALE) && !(fl & LSLEX_MALE))
                c->gender = LS_GENDER_FEMALE;
        }
        c->narrator = 0;
        k++;
    }
    qsort(out, k, sizeof *out, by_mentions);
    while (max_cast && k > max_cast)
        clear_one(&out[--k]);
out:
    ls_speakers_free(sp, n_sp);
    if (st) {
        ls_cast_free(out, k);
        return st;
    }
    if (out) {
        ls_cast_free(in, *n_cast); /* those who never speak */
        *cast = out;
        *n_cast = k;
    }
    return LONGSD_OK;
}
