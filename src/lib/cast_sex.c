/* cast_sex.c - each character's sex from a title or known first name,
 * else a clear majority of the he/she pronouns of the sentences that name
 * only them (and the start of the sentence after). German's "sie" and
 * "ihr" are she, they and you at once, so a German man needs a smaller
 * majority of "er" over them. One pass: linear. */
#include <string.h>

#include "cast_int.h"
#include "dict.h"
#include "util.h"

longsd_status ls_cast_genders(const longsd_story *s, lslex_lang_id lang, cchars *cs, ls_character *out,
                                   const ls_cast_form *forms, size_t n_forms)
{
    uint64_t *h = NULL;
    unsigned *fl = NULL;
    size_t cap = 0;
    longsd_status st = LONGSD_OK;
    size_t prev_char = (size_t)-1; /* sole character of the previous sentence */
    for (size_t si = 0; si < s->n_sentences; si++) {
        const ls_sentence *sn = &s->sentences[si];
        if (sn->para < s->n_paras && s->paras[sn->para].is_heading)
            continue;
        lslex_scan sc;
        lsword w;
        size_t n = 0;
        lslex_scan_init(&sc, s->data + sn->start, sn->end - sn->start);
        while (lslex_next_word(&sc, &w)) {
            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 64;
                uint64_t *nh = longsd__realloc(h, ncap * sizeof *nh);
                if (!nh) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                h = nh;
                unsigned *nf = longsd__realloc(fl, ncap * sizeof *nf);
                if (!nf) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                fl = nf;
                cap = ncap;
            }
            const char *p = s->data + sn->start + w.start;
            size_t wl = w.end - w.start;
            h[n] = lslex_word_hash(p, wl);
            char low[32];
            size_t ll = lslex_lower(p, wl, low, sizeof low, 0);
            unsigned f = lslex_lookup(lang, low, ll, NULL, NULL);
            fl[n++] = (f & LSLEX_PRONOUN) ? (f & (LSLEX_MALE | LSLEX_FEMALE)) : 0;
        }
        size_t only = (size_t)-1;
        int several = 0;
        size_t male = 0, female = 0;
        for (size_t i = 0; i < n; i++) {
            size_t ch;
            size_t m = ls_cast_match(forms, n_forms, h, n, i, &ch);
            if (m) {
                if (only == (size_t)-1)
                    only = ch;
                else if (only != ch)
                    several = 1;
                i += m - 1;
                continue;
            }
            if (only != (size_t)-1 && !several) {
                male += (fl[i] & LSLEX_MALE) != 0;
                female += (fl[i] & LSLEX_FEMALE) != 0;
            }
        }
        if (!several && only != (size_t)-1) {
            cs->v[only].male += male;
            cs->v[only].female += female;
            prev_char = only;
        } else if (only == (size_t)-1 && prev_char != (size_t)-1) {
            /* "Tom took the brush. He climbed ..." */
            for (size_t i = 0; i < n && i < 3; i++) {
                cs->v[prev_char].male += (fl[i] & LSLEX_MALE) != 0;
                cs->v[prev_char].female += (fl[i] & LSLEX_FEMALE) != 0;
            }
            prev_char = (size_t)-1;
        } else {
            prev_char = (size_t)-1;
        }
    }
    for (size_t i = 0; i < cs->n; i++) {
        cchar *c = &cs->v[i];
        /* a title or a known first name decides; else a clear pronoun majority */
        size_t fl0;
        const char *last;
        size_t ll;
        ls_cast_phrase_ends(out[i].name, strlen(out[i].name), &fl0, &last, &ll);
        unsigned f = ls_cast_word_flags(lang, out[i].name, fl0);
        if (lang == LSLEX_FR && !(f & (LSLEX_MALE | LSLEX_FEMALE))) {
            /* "Marie", "Pierre": hunspell fr knows a first name's sex */
            unsigned fr = ls_dict_fr(out[i].name, fl0);
            f |= (fr & LS_FR_MASC) ? LSLEX_MALE : 0;
            f |= (fr & LS_FR_FEM) ? LSLEX_FEMALE : 0;
        }
        if ((f & LSLEX_MALE) && !(f & LSLEX_FEMALE))
            c->gender = LS_GENDER_MALE;
        else if ((f & LSLEX_FEMALE) && !(f & LSLEX_MALE))
            c->gender = LS_GENDER_FEMALE;
        else if (c->male >= 3 && c->male > (lang == LSLEX_DE ? 2 : 3) * c->female)
            c->gender = LS_GENDER_MALE; /* German "sie"/"ihr" are also "they", "you": they count against a man twice */
        else if (c->female >= 3 && c->female > 3 * c->male)
            c->gender = LS_GENDER_FEMALE;
        out[i].gender = c->gender;
    }
out:
    longsd__free(h);
    longsd__free(fl);
    return st;
}
