/* cast.c - the cast of recurring characters, found without an LLM. This
 * file drives the passes and hands the result over: the candidates are
 * counted by cast_scan.c (into cast_map.c's tables), made characters and
 * merged by cast_merge.c, sexed by cast_sex.c, roles joined to the names
 * the text gives them by cast_rolename.c; the narrator (narrator.c) is
 * marked last, or, for a play, the speakers kept (cast_drama.c). Every
 * pass is one walk over the sentences: linear in the size of the text. */
#include <stdlib.h>
#include <string.h>

#include "cast_int.h"
#include "narrator.h"
#include "util.h"

#define CAST_MIN_MENTIONS 3

static int cchar_cmp(const void *a, const void *b)
{
    const cchar *x = a, *y = b;
    if (x->mentions != y->mentions)
        return x->mentions > y->mentions ? -1 : 1;
    return strcmp(x->name, y->name);
}

longsd_status ls_cast_find(const longsd_story *s, size_t max_cast, ls_character **cast, size_t *n_cast, lserr *err)
{
    cscan c = {.s = s, .lang = lslex_lang(s ? s->lang : NULL)};
    cchars cs = {0};
    ls_cast_form *forms = NULL;
    size_t n_forms = 0;
    ls_character *out = NULL;
    size_t n_out = 0;
    longsd_status st = LONGSD_OK;
    if (!cast || !n_cast || !s)
        return lserr_set(err, LONGSD_ERR_PARAM, "ls_cast_find: NULL argument");
    *cast = NULL;
    *n_cast = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t si = 0; si < s->n_sentences; si++) {
            const ls_sentence *sn = &s->sentences[si];
            if (sn->para < s->n_paras && s->paras[sn->para].is_heading)
                continue;
            if (sn->end <= sn->start || sn->end > s->len)
                continue;
            c.sentence_no = si;
            if ((st = ls_cast_scan_sentence(&c, sn->start, sn->end, pass)))
                goto out;
        }
    if ((st = ls_cast_resolve_initial(&c)))
        goto out;
    if ((st = ls_cast_build(&c, &cs)))
        goto out;
    /* drop the rare ones, then order */
    size_t k = 0;
    for (size_t i = 0; i < cs.n; i++) {
        if (cs.v[i].mentions >= CAST_MIN_MENTIONS) {
            cs.v[k++] = cs.v[i];
        } else {
            longsd__free(cs.v[i].name);
            longsd__free(cs.v[i].full_name);
            longsd__free(cs.v[i].role);
            for (size_t a = 0; a < cs.v[i].n_aliases; a++)
                longsd__free(cs.v[i].aliases[a]);
            longsd__free(cs.v[i].aliases);
        }
    }
    cs.n = k;
    if (cs.n > 1)
        qsort(cs.v, cs.n, sizeof *cs.v, cchar_cmp);
    if (max_cast && cs.n > max_cast) {
        for (size_t i = max_cast; i < cs.n; i++) {
            longsd__free(cs.v[i].name);
            longsd__free(cs.v[i].full_name);
            longsd__free(cs.v[i].role);
            for (size_t a = 0; a < cs.v[i].n_aliases; a++)
                longsd__free(cs.v[i].aliases[a]);
            longsd__free(cs.v[i].aliases);
        }
        cs.n = max_cast;
    }
    out = longsd__calloc(cs.n ? cs.n : 1, sizeof *out);
    if (!out) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    /* hand the strings over */
    for (size_t i = 0; i < cs.n; i++) {
        out[i].name = cs.v[i].name;
        out[i].full_name = cs.v[i].full_name;
        out[i].aliases = cs.v[i].aliases;
        out[i].n_aliases = cs.v[i].n_aliases;
        out[i].mentions = cs.v[i].mentions;
        out[i].role = cs.v[i].role;
        cs.v[i].role = NULL;
        cs.v[i].name = cs.v[i].full_name = NULL;
        cs.v[i].aliases = NULL;
        cs.v[i].n_aliases = 0;
        n_out++;
        out[i].description = longsd__strdup("");
        if (!out[i].description) {
            st = LONGSD_ERR_NOMEM;
            goto out;
        }
        /* German: "de Fischer", "de Fru" are characters named by what they are */
        if (c.lang == LSLEX_DE && !out[i].role && !strchr(out[i].name, ' ') &&
            (ls_cast_word_flags(c.lang, out[i].name, strlen(out[i].name)) & (LSLEX_PERSON | LSLEX_TITLE))) {
            char low[64];
            lslex_lower(out[i].name, strlen(out[i].name), low, sizeof low, 0);
            if (!(out[i].role = longsd__strdup(low))) {
                st = LONGSD_ERR_NOMEM;
                goto out;
            }
        }
    }
    if ((st = ls_cast_forms(out, n_out, &forms, &n_forms)))
        goto out;
    if ((st = ls_cast_genders(s, c.lang, &cs, out, forms, n_forms)))
        goto out;
    if ((st = ls_cast_role_names(s, c.lang, out, &n_out)))
        goto out;
    if (!s->is_play && (st = ls_cast_drop_mentioned(s, c.lang, out, &n_out)))
        goto out;
    /* a play has no narrator: its "I" is the one who speaks */
    if (s->is_play)
        st = ls_cast_drama(s, c.lang, &out, &n_out, max_cast);
    else
        st = ls_narrator_find(s, &out, &n_out, max_cast);
    if (st)
        goto out;
out:
    if (st) {
        ls_cast_free(out, n_out);
        out = NULL;
        n_out = 0;
        lserr_set(err, st, "%s: out of memory while finding the cast", s->name ? s->name : "story");
    } else {
        *cast = out;
        *n_cast = n_out;
    }
    longsd__free(forms);
    ls_cchars_free(&cs);
    ls_cmap_free(&c.singles);
    ls_cmap_free(&c.phrases);
    ls_cmap_free(&c.lower);
    ls_cmap_free(&c.initial);
    ls_cmap_free(&c.roles);
    longsd__free(c.tok);
    return st;
}

longsd_status ls_character_add_alias(ls_character *c, const char *a)
{
    if (!a || !strcmp(a, c->name))
        return LONGSD_OK;
    for (size_t i = 0; i < c->n_aliases; i++)
        if (!strcmp(c->aliases[i], a))
            return LONGSD_OK;
    char **na = longsd__realloc(c->aliases, (c->n_aliases + 1) * sizeof *na);
    if (!na)
        return LONGSD_ERR_NOMEM;
    c->aliases = na;
    if (!(c->aliases[c->n_aliases] = longsd__strdup(a)))
        return LONGSD_ERR_NOMEM;
    c->n_aliases++;
    return LONGSD_OK;
}

void ls_cast_free(ls_character *cast, size_t n)
{
    if (!cast)
        return;
    for (size_t i = 0; i < n; i++) {
        longsd__free(cast[i].name);
        longsd__free(cast[i].full_name);
        for (size_t a = 0; a < cast[i].n_aliases; a++)
            longsd__free(cast[i].aliases[a]);
        longsd__free(cast[i].aliases);
        longsd__free(cast[i].description);
        longsd__free(cast[i].role);
    }
    longsd__free(cast);
}
