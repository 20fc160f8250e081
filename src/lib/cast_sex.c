/* cast_sex.c - each character's sex from a title or known first name,
 * else from the titles the text writes before the name ("madame
 * Lefrançois", "Mrs. Hale": a family name is no first name), else from a sexed noun set right after the name as its apposition, the
 * way a play's cast list or a heading introduces someone ("Madelon, fille
 * de Gorgibus", "Tom, son of the miller"), else what the character does
 * to their own ("shook her head", "drew his sword": English), else a kin
 * noun that says what the name is ("my brother Tom", "his sister Ann",
 * "Ann became his wife": English), else a clear
 * majority of the he/she pronouns of the sentences that name only them
 * (and the start of the sentence after), else, where those are many and
 * mixed (long sentences of several people), the first he/she/his/her of
 * the clause right after the name ("Ann related that her mother ...").
 * German's "sie" and "ihr" are she, they and you at once, so a German man
 * needs a smaller majority of "er" over them. One pass: linear. */
#include <stdio.h>
#include <string.h>

#include "cast_int.h"
#include "desc_int.h"
#include "dict.h"
#include "narrator.h"
#include "translate.h"
#include "util.h"
#include "wordnet.h"

/* The sex a bare person noun w[0..n) says, written right after a name and
 * a comma, with nothing between ("fille", "nièce", "servante", "son"):
 * the English noun's sex ("daughter"), else, for a French noun WordNet
 * reads as a person, its grammatical gender ("servante": is:fem), which
 * for a person noun is the person's. 0 when it says none. */
static int apposed_sex(lslex_lang_id lang, const char *w, size_t n)
{
    char e[48], low[48];
    int pos = LS_POS_UNKNOWN, sex, age;
    size_t ll = lslex_lower(w, n, low, sizeof low, 0);
    if (ll == 0 || ll >= sizeof low - 1)
        return 0;
    if (lslex_lookup(lang, low, ll, NULL, NULL) &
        (LSLEX_PRONOUN | LSLEX_DET | LSLEX_PREP | LSLEX_CONJ | LSLEX_STOP | LSLEX_SPEECH))
        return 0;
    if (lang == LSLEX_EN)
        snprintf(e, sizeof e, "%s", low);
    else
        ls_translate_word(lang, w, n, lang == LSLEX_DE, e, sizeof e, &pos);
    if (!e[0] || (lang != LSLEX_EN && pos != LS_POS_NOUN))
        return 0;
    lswn_info wi;
    if (!lswn_lookup(e, &wi) || !wi.noun || wi.noun_lex[0] != LSWN_N_PERSON)
        return 0;
    const char *lemma = wi.noun_lemma[0] ? wi.noun_lemma : e;
    if ((sex = ls_desc_noun_sex(lemma)) || (ls_desc_kin(lemma, &sex, &age) && sex))
        return sex;
    if (lang == LSLEX_FR)
        return ls_narrator_fr_agreement_noun(low);
    return 0;
}

/* What a word is to the pattern NAME VERB his/her NOUN: the English
 * possessives, a lower-case content word, or anything else. "Henry kissed
 * her" has no word after "her" that is no function word, so it is no vote. */
enum { PK_OTHER, PK_HIS, PK_HER, PK_WORD };
static unsigned char possessive_kind(lslex_lang_id lang, const char *low, size_t ll, unsigned f, int upper)
{
    if (lang != LSLEX_EN)
        return PK_OTHER;
    if (ll == 3 && !memcmp(low, "his", 3))
        return PK_HIS;
    if (ll == 3 && !memcmp(low, "her", 3))
        return PK_HER;
    if (upper || ll < 2 || (f & (LSLEX_STOP | LSLEX_PREP | LSLEX_DET | LSLEX_CONJ | LSLEX_PRONOUN | LSLEX_SPATIAL)))
        return PK_OTHER;
    return PK_WORD;
}

/* The sex an English kin noun says ("brother", "sister"): 1 male, 2
 * female, 0 none or not kin. */
#define KIN_M (1u << 28)
#define KIN_F (1u << 29)
#define PUNCT_BEFORE (1u << 27) /* a comma, stop or dash between this word and the one before */
#define COPULA (1u << 26)       /* "was", "is", "became" */
#define POSS_DET (1u << 25)     /* my, our, your, their, his, her */
static int kin_sex(const char *low, size_t ll)
{
    char w[32];
    int sex, age;
    if (ll == 0 || ll >= sizeof w)
        return 0;
    memcpy(w, low, ll);
    w[ll] = '\0';
    if (!ls_desc_kin(w, &sex, &age))
        return 0;
    return sex == LS_GENDER_MALE ? 1 : sex == LS_GENDER_FEMALE ? 2 : 0;
}

/* English "he" and "she" are the subject of their clause: in a sentence
 * that names one person, that person is who they most likely are, where
 * "her" and "him" are as often someone the person acts on ("Riccardo
 * helped her down from her horse"). */
#define SUBJ (1u << 31)
#define OTHER_ONE (1u << 30) /* a capitalised word, a person noun: someone else may be meant after it */
static int is_subject_pronoun(lslex_lang_id lang, const char *low, size_t ll)
{
    return lang == LSLEX_EN && ((ll == 2 && !memcmp(low, "he", 2)) || (ll == 3 && !memcmp(low, "she", 3)));
}

longsd_status ls_cast_genders(const longsd_story *s, lslex_lang_id lang, cchars *cs, ls_character *out,
                                   const ls_cast_form *forms, size_t n_forms)
{
    uint64_t *h = NULL;
    unsigned *fl = NULL;
    unsigned char *kind = NULL;
    size_t cap = 0;
    longsd_status st = LONGSD_OK;
    size_t prev_char = (size_t)-1; /* sole character of the previous sentence */
    int prev_surname = 0;          /* ... named there by the family name alone */
    struct {
        size_t male, female;   /* apposition votes */
        size_t tmale, tfemale; /* titles before the name: "madame Lefrançois" */
    } *appo = longsd__calloc(cs->n ? cs->n : 1, sizeof *appo);
    /* the family name alone of a full-named person ("Beaufort" of "Caroline
     * Beaufort") is as often her father's: its sentences give no subject
     * vote */
    uint64_t *surname = longsd__calloc(cs->n ? cs->n : 1, sizeof *surname);
    if (!appo || !surname) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < cs->n; i++) {
        const char *fn = out[i].full_name ? out[i].full_name : out[i].name;
        size_t fl0, ll, nfl;
        const char *last;
        ls_cast_phrase_ends(fn, strlen(fn), &fl0, &last, &ll);
        if (last && ll && last != fn && !(ls_cast_word_flags(lang, fn, fl0) & LSLEX_TITLE)) {
            const char *nm = out[i].name;
            ls_cast_phrase_ends(nm, strlen(nm), &nfl, &last, &ll);
            ls_cast_phrase_ends(fn, strlen(fn), &fl0, &last, &ll);
            if (lslex_word_hash(last, ll) != lslex_word_hash(nm, nfl))
                surname[i] = lslex_word_hash(last, ll);
        }
    }
    for (size_t si = 0; si < s->n_sentences; si++) {
        const ls_sentence *sn = &s->sentences[si];
        if (sn->para < s->n_paras && s->paras[sn->para].is_heading)
            continue;
        lslex_scan sc;
        lsword w;
        size_t n = 0, prev_end = 0;
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
                unsigned char *nk = longsd__realloc(kind, ncap);
                if (!nk) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                kind = nk;
                cap = ncap;
            }
            const char *p = s->data + sn->start + w.start;
            size_t wl = w.end - w.start;
            h[n] = lslex_word_hash(p, wl);
            char low[32];
            size_t ll = lslex_lower(p, wl, low, sizeof low, 0);
            unsigned f = lslex_lookup(lang, low, ll, NULL, NULL);
            fl[n] = (f & LSLEX_PRONOUN) ? (f & (LSLEX_MALE | LSLEX_FEMALE)) : 0;
            if (fl[n] && is_subject_pronoun(lang, low, ll))
                fl[n] |= SUBJ;
            if ((w.upper && n > 0) || ((f & LSLEX_PERSON) && !(f & LSLEX_PRONOUN)))
                fl[n] |= OTHER_ONE;
            if (lang == LSLEX_EN && !(f & LSLEX_PRONOUN) && kin_sex(low, ll))
                fl[n] |= KIN_M << (kin_sex(low, ll) - 1);
            for (size_t b = prev_end; n > 0 && b < w.start; b++)
                if (p[(long)b - (long)w.start] != ' ' && p[(long)b - (long)w.start] != '\n' &&
                    p[(long)b - (long)w.start] != '\r')
                    fl[n] |= PUNCT_BEFORE; /* "to my father, Elizabeth": no apposition */
            prev_end = w.end;
            if (lang == LSLEX_EN && ((ll == 2 && !memcmp(low, "my", 2)) || (ll == 3 && !memcmp(low, "our", 3)) ||
                                     (ll == 4 && !memcmp(low, "your", 4)) || (ll == 5 && !memcmp(low, "their", 5)) ||
                                     (ll == 3 && !memcmp(low, "his", 3)) || (ll == 3 && !memcmp(low, "her", 3))))
                fl[n] |= POSS_DET;
            if (lang == LSLEX_EN && ((ll == 3 && !memcmp(low, "was", 3)) || (ll == 6 && !memcmp(low, "became", 6)) ||
                                     (ll == 2 && !memcmp(low, "is", 2))))
                fl[n] |= COPULA;
            kind[n++] = possessive_kind(lang, low, ll, f, w.upper);
        }
        /* "Madelon, fille de Gorgibus": the name, a comma, a bare sexed
         * noun, then "de"/"of" or the clause's end */
        size_t ch0, m0 = n ? ls_cast_match(forms, n_forms, h, n, 0, &ch0) : 0;
        if (m0 && m0 < n) {
            lslex_scan_init(&sc, s->data + sn->start, sn->end - sn->start);
            size_t k = 0, gap_end = 0;
            lsword a = {0};
            while (k <= m0 && lslex_next_word(&sc, &w)) {
                if (k == m0 - 1)
                    gap_end = w.end;
                if (k == m0)
                    a = w;
                k++;
            }
            const char *d = s->data + sn->start;
            size_t g = gap_end;
            while (g < a.start && d[g] == ' ')
                g++;
            size_t after = a.end;
            while (after < sn->end - sn->start && d[after] == ' ')
                after++;
            int closes = after >= sn->end - sn->start || strchr(",.;", d[after]) ||
                         !strncmp(d + after, "de ", 3) || !strncmp(d + after, "d'", 2) ||
                         !strncmp(d + after, "du ", 3) || !strncmp(d + after, "des ", 4) ||
                         !strncmp(d + after, "of ", 3);
            if (a.end > a.start && !a.quoted && d[g] == ',' && closes) {
                size_t g2 = g + 1;
                while (g2 < a.start && d[g2] == ' ')
                    g2++;
                int sx = g2 == a.start ? apposed_sex(lang, d + a.start, a.end - a.start) : 0;
                appo[ch0].male += sx == LS_GENDER_MALE;
                appo[ch0].female += sx == LS_GENDER_FEMALE;
            }
        }
        size_t only = (size_t)-1;
        int several = 0, by_surname = 1;
        size_t male = 0, female = 0, nmale = 0, nfemale = 0;
        for (size_t i = 0; i < n; i++) {
            size_t ch;
            size_t m = ls_cast_match(forms, n_forms, h, n, i, &ch);
            if (m) {
                int ts = i > 0 ? ls_cast_title_sex(h[i - 1]) : 0;
                appo[ch].tmale += ts == LS_GENDER_MALE;
                appo[ch].tfemale += ts == LS_GENDER_FEMALE;
                by_surname &= m == 1 && surname[ch] && h[i] == surname[ch];
                if (only == (size_t)-1)
                    only = ch;
                else if (only != ch)
                    several = 1;
                /* "Mirela shook her head", "Oruk drew his sword": a verb, a
                 * possessive, a word: what the name does to its own */
                if (i + m + 2 < n && (fl[i + m] & COPULA) && (fl[i + m + 2] & (KIN_M | KIN_F)) &&
                    (kind[i + m + 1] == PK_HIS || kind[i + m + 1] == PK_HER)) {
                    /* "Ann became his wife": what the name is to him */
                    cs->v[ch].kmale += (fl[i + m + 2] & KIN_M) != 0;
                    cs->v[ch].kfemale += (fl[i + m + 2] & KIN_F) != 0;
                } else if (i + m + 2 < n && kind[i + m] == PK_WORD && kind[i + m + 2] == PK_WORD &&
                           (kind[i + m + 1] == PK_HIS || kind[i + m + 1] == PK_HER)) {
                    cs->v[ch].smale += kind[i + m + 1] == PK_HIS;
                    cs->v[ch].sfemale += kind[i + m + 1] == PK_HER;
                }
                /* "my brother Tom", "his sister Ann": a kin noun after
                 * a possessive, right before the name (not "the husband
                 * Alcmene loves": a clause of its own) */
                if (i >= 2 && (fl[i - 1] & (KIN_M | KIN_F)) && !(fl[i] & PUNCT_BEFORE) && (fl[i - 2] & POSS_DET) &&
                    !(fl[i - 1] & PUNCT_BEFORE)) {
                    cs->v[ch].kmale += (fl[i - 1] & KIN_M) != 0;
                    cs->v[ch].kfemale += (fl[i - 1] & KIN_F) != 0;
                }
                /* the first pronoun of the name's own clause: "he" or
                 * "she", a possessive before its noun, "himself"; not past
                 * another name or person, nor "him" and "her" alone
                 * (someone the name acts on) */
                for (size_t k = i + m; lang == LSLEX_EN && k < n && k < i + m + 12; k++) {
                    size_t c2;
                    if ((fl[k] & OTHER_ONE) || ls_cast_match(forms, n_forms, h, n, k, &c2))
                        break;
                    if (!(fl[k] & (LSLEX_MALE | LSLEX_FEMALE)))
                        continue;
                    int poss = (kind[k] == PK_HIS || kind[k] == PK_HER) && k + 1 < n && kind[k + 1] == PK_WORD;
                    if ((fl[k] & SUBJ) || poss || kind[k] == PK_HIS) {
                        cs->v[ch].amale += (fl[k] & LSLEX_MALE) != 0;
                        cs->v[ch].afemale += (fl[k] & LSLEX_FEMALE) != 0;
                    }
                    break;
                }
                i += m - 1;
                continue;
            }
            if (only != (size_t)-1 && !several) {
                male += (fl[i] & LSLEX_MALE) != 0;
                female += (fl[i] & LSLEX_FEMALE) != 0;
                nmale += (fl[i] & (LSLEX_MALE | SUBJ)) == (LSLEX_MALE | SUBJ);
                nfemale += (fl[i] & (LSLEX_FEMALE | SUBJ)) == (LSLEX_FEMALE | SUBJ);
            }
        }
        if (!several && only != (size_t)-1) {
            cs->v[only].male += male;
            cs->v[only].female += female;
            if (!by_surname) {
                cs->v[only].nmale += nmale;
                cs->v[only].nfemale += nfemale;
            }
            prev_char = only;
            prev_surname = by_surname;
        } else if (only == (size_t)-1 && prev_char != (size_t)-1) {
            /* "Tom took the brush. He climbed ..." */
            for (size_t i = 0; i < n && i < 3; i++) {
                cs->v[prev_char].male += (fl[i] & LSLEX_MALE) != 0;
                cs->v[prev_char].female += (fl[i] & LSLEX_FEMALE) != 0;
                if (!prev_surname) {
                    cs->v[prev_char].nmale += (fl[i] & (LSLEX_MALE | SUBJ)) == (LSLEX_MALE | SUBJ);
                    cs->v[prev_char].nfemale += (fl[i] & (LSLEX_FEMALE | SUBJ)) == (LSLEX_FEMALE | SUBJ);
                }
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
        /* titles count when they are a fair share of the mentions: two
         * "mademoiselle Piombo" are the daughter, not her father Piombo */
        size_t nt = appo[i].tmale + appo[i].tfemale;
        int titled = nt >= 2 && nt * 8 >= out[i].mentions;
        if ((f & LSLEX_MALE) && !(f & LSLEX_FEMALE))
            c->gender = LS_GENDER_MALE;
        else if ((f & LSLEX_FEMALE) && !(f & LSLEX_MALE))
            c->gender = LS_GENDER_FEMALE;
        else if (titled && appo[i].tmale > 3 * appo[i].tfemale)
            c->gender = LS_GENDER_MALE; /* "M. Binet" again and again */
        else if (titled && appo[i].tfemale > 3 * appo[i].tmale)
            c->gender = LS_GENDER_FEMALE; /* "madame Lefrançois", "la mère Lefrançois" */
        else if (appo[i].male && !appo[i].female)
            c->gender = LS_GENDER_MALE; /* "Gorgibus, père de Madelon" */
        else if (appo[i].female && !appo[i].male)
            c->gender = LS_GENDER_FEMALE;
        else if (c->kmale && !c->kfemale)
            c->gender = LS_GENDER_MALE; /* "my brother Tom" */
        else if (c->kfemale && !c->kmale)
            c->gender = LS_GENDER_FEMALE; /* "his sister Ann", "Ann became his wife" */
        else if (c->smale >= 2 && c->smale >= 3 * c->sfemale)
            c->gender = LS_GENDER_MALE; /* their own head, sword, hands */
        else if (c->sfemale >= 2 && c->sfemale >= 3 * c->smale)
            c->gender = LS_GENDER_FEMALE;
        else if (c->male >= 3 && c->male > 2 * c->female && c->smale > c->sfemale)
            c->gender = LS_GENDER_MALE; /* a smaller majority his own possessives back */
        else if (c->female >= 3 && c->female > 2 * c->male && c->sfemale > c->smale)
            c->gender = LS_GENDER_FEMALE;
        else if (c->male >= 3 && c->male > (lang == LSLEX_DE ? 2 : 3) * c->female)
            c->gender = LS_GENDER_MALE; /* German "sie"/"ihr" are also "they", "you": they count against a man twice */
        else if (c->female >= 3 && c->female > 3 * c->male)
            c->gender = LS_GENDER_FEMALE;
        else if (c->nmale >= 3 && c->nmale > 2 * c->nfemale)
            c->gender = LS_GENDER_MALE; /* "he" as the clause's subject, where "her" was the one he helped */
        else if (c->nfemale >= 3 && c->nfemale > 2 * c->nmale)
            c->gender = LS_GENDER_FEMALE;
        else if (c->amale >= 2 && c->amale >= 3 * c->afemale)
            c->gender = LS_GENDER_MALE; /* the pronoun of the name's own clause, in long sentences of many people */
        else if (c->afemale >= 2 && c->afemale >= 3 * c->amale)
            c->gender = LS_GENDER_FEMALE;
        out[i].gender = c->gender;
    }
out:
    longsd__free(appo);
    longsd__free(surname);
    longsd__free(h);
    longsd__free(fl);
    longsd__free(kind);
    return st;
}
