/* cast_drama.c - the cast of a play are its speakers (drama.c). A speaker
 * the name finder also found keeps what it learnt there (sex, role,
 * aliases) and gains the speeches its heading did not already count
 * ("MERC." is no mention of "Mercury" to the name finder); a speaker it
 * missed joins with their speeches as mentions; a name that never heads a
 * speech is someone talked about, not someone on stage, and leaves. The
 * list of persons, where the play has one, gives the sex the text did not
 * ("Gorgibus, bon bourgeois", "Marotte, servante"). */
#include <stdlib.h>
#include <string.h>

#include "cast_int.h"
#include "desc_int.h"
#include "narrator.h"
#include "translate.h"
#include "util.h"

/* ---- the list of persons: "Madelon, fille de Gorgibus", "ALCMENE, wife of
 * Amphitryon" says the sex of a speaker the text itself does not */

static const char *const PERSONS_KW[] = {"personnages", "acteurs", "dramatis personae", "persons represented",
                                         "persons of the drama", "persons", "characters", "personen"};

static int starts_ci(const char *d, size_t n, const char *kw)
{
    size_t k = strlen(kw);
    char low[32];
    if (n < k || k >= sizeof low)
        return 0;
    size_t l = lslex_lower(d, k, low, sizeof low, 0);
    return l == k && !memcmp(low, kw, k) && (n == k || d[k] == ' ' || d[k] == '\n' || d[k] == '\r' || d[k] == '.' ||
                                             d[k] == ':' || d[k] == '\t');
}

/* The span [*a, *b) of the persons list: the lines after its heading in
 * the same paragraph and the next one. 0 when the text has none. */
static int persons_span(const longsd_story *s, size_t *a, size_t *b)
{
    for (size_t pi = 0; pi < s->n_paras; pi++) {
        const ls_para *p = &s->paras[pi];
        const char *d = s->data + p->start;
        size_t n = p->end - p->start;
        for (size_t k = 0; k < sizeof PERSONS_KW / sizeof PERSONS_KW[0]; k++)
            if (starts_ci(d, n, PERSONS_KW[k])) {
                *a = p->start + strlen(PERSONS_KW[k]);
                *b = pi + 1 < s->n_paras ? s->paras[pi + 1].end : p->end;
                return 1;
            }
    }
    return 0;
}

/* The sex one word of a person's description says: a sexed title
 * ("Mlle", "Marquis"), an English person noun ("wife", "daughter"), a
 * French person noun or adjective by its gender ("fille", "bon"), a German
 * one through its English ("Tochter"). 0 when none. */
static int word_sex(lslex_lang_id lang, const char *w, size_t n)
{
    char low[48], e[48];
    size_t ll = lslex_lower(w, n, low, sizeof low, 0);
    int pos = 0, sex = 0, age = 0;
    if (!ll || ll >= sizeof low - 1)
        return 0;
    unsigned f = lslex_lookup(lang, low, ll, NULL, NULL);
    if (f & (LSLEX_PRONOUN | LSLEX_DET | LSLEX_PREP | LSLEX_CONJ | LSLEX_STOP))
        return 0;
    if ((f & LSLEX_MALE) && !(f & LSLEX_FEMALE))
        return LS_GENDER_MALE;
    if ((f & LSLEX_FEMALE) && !(f & LSLEX_MALE))
        return LS_GENDER_FEMALE;
    if (lang == LSLEX_FR)
        return (sex = ls_narrator_fr_agreement_noun(low)) ? sex : ls_narrator_fr_agreement(low);
    if (lang == LSLEX_EN)
        snprintf(e, sizeof e, "%s", low);
    else
        ls_translate_word(lang, w, n, 1, e, sizeof e, &pos);
    if (!e[0])
        return 0;
    if ((sex = ls_desc_noun_sex(e)) || (ls_desc_kin(e, &sex, &age) && sex))
        return sex;
    return 0;
}

/* The sex the persons list gives the speaker called name, 0 if it says none. */
static int listed_sex(const longsd_story *s, lslex_lang_id lang, size_t a, size_t b, const char *name)
{
    const char *d = s->data;
    size_t nl = strlen(name);
    for (size_t x = a; x < b;) {
        size_t e = x;
        while (e < b && d[e] != '\n')
            e++;
        /* "Madelon, fille de Gorgibus,          Mlle De Brie.": the
         * actor's column after a run of spaces is someone else */
        size_t col = x;
        while (col + 2 < e && !(d[col] == ' ' && d[col + 1] == ' ' && d[col + 2] == ' '))
            col++;
        if (col + 2 >= e)
            col = e;
        size_t comma = x;
        while (comma < col && d[comma] != ',')
            comma++;
        /* the name part holds the speaker's name as a word */
        int has = 0;
        size_t at = x;
        for (size_t i = x; i + nl <= comma && !has; i++) {
            char low1[64], low2[64];
            if (nl >= sizeof low1)
                break;
            size_t l1 = lslex_lower(d + i, nl, low1, sizeof low1, 0), l2 = lslex_lower(name, nl, low2, sizeof low2, 0);
            has = l1 == l2 && !memcmp(low1, low2, l1) && (i == x || d[i - 1] == ' ') &&
                  (i + nl == comma || d[i + nl] == ' ' || d[i + nl] == '.');
            at = i;
        }
        if (has) {
            /* the title in the name part ("Le Marquis de"), then the
             * description's first words ("fille de", "wife of") */
            int votes[3] = {0, 0, 0};
            size_t words = 0;
            for (size_t i = x; i < col && words < 8;) {
                while (i < col && (d[i] == ' ' || d[i] == ',' || d[i] == '.'))
                    i++;
                size_t j = i;
                while (j < col && d[j] != ' ' && d[j] != ',' && d[j] != '.')
                    j++;
                if (j > i && !(i >= at && j <= at + nl)) { /* not the name's own words ("Grange") */
                    int sx = word_sex(lang, d + i, j - i);
                    votes[sx]++;
                    words++;
                }
                i = j;
            }
            if (votes[1] != votes[2])
                return votes[1] > votes[2] ? LS_GENDER_MALE : LS_GENDER_FEMALE;
            return 0;
        }
        x = e + 1;
    }
    return 0;
}

/* ---- what a speaker says of their own spouse: "my husband" is said by a
 * wife, "ma femme" by a husband */

/* The sex of a speaker saying "POSS [word] NOUN" with w[k] the possessive:
 * en "my (poor) husband", fr "mon mari", "ma femme", de "mein Mann",
 * "meine Frau". 0 when w[k] starts no such phrase. The words are
 * lower-cased, a possessive "'s" dropped ("for my husband's sake"). */
static int spouse_sex(lslex_lang_id lang, const lslex_tword *w, size_t n, size_t k)
{
    static const struct {
        lslex_lang_id lang;
        const char *poss, *noun;
        int speaker;
    } SPOUSE[] = {{LSLEX_EN, "my", "husband", LS_GENDER_FEMALE}, {LSLEX_EN, "my", "wife", LS_GENDER_MALE},
                  {LSLEX_FR, "mon", "mari", LS_GENDER_FEMALE},   {LSLEX_FR, "ma", "femme", LS_GENDER_MALE},
                  {LSLEX_DE, "mein", "mann", LS_GENDER_FEMALE},  {LSLEX_DE, "meine", "frau", LS_GENDER_MALE},
                  {LSLEX_DE, "mein", "gatte", LS_GENDER_FEMALE}, {LSLEX_DE, "meine", "gattin", LS_GENDER_MALE}};
    for (size_t gap = 1; gap <= (lang == LSLEX_EN ? 2u : 1u) && k + gap < n; gap++) {
        const lslex_tword *b = &w[k + gap];
        for (size_t i = 0; i < sizeof SPOUSE / sizeof SPOUSE[0]; i++)
            if (SPOUSE[i].lang == lang && !strcmp(w[k].low, SPOUSE[i].poss) && !strcmp(b->low, SPOUSE[i].noun))
                return SPOUSE[i].speaker;
        if (gap == 1 && (b->upper || b->ll < 2))
            break; /* "my poor husband": one lower-case word between, no more */
    }
    return 0;
}

/* The speaker in sp[0..n) a heading "ALC." or "Alcmene" names: the one
 * whose name it is or starts (abbreviated); -1 when none or several. */
static long heading_speaker(const char *h, size_t hl, const ls_speaker *sp, size_t n)
{
    char a[64], b[64];
    size_t i = 0;
    while (i < hl && (h[i] == '-' || h[i] == ' '))
        i++;
    size_t j = i;
    while (j < hl && h[j] != '.' && h[j] != ':' && h[j] != ',' && h[j] != '-' && h[j] != '\n' &&
           !(h[j] == ' ' && j + 1 < hl && h[j + 1] == ' '))
        j++;
    while (j > i && h[j - 1] == ' ')
        j--;
    size_t al = lslex_lower(h + i, j - i, a, sizeof a, 0);
    if (al < 2 || al >= sizeof a - 1)
        return -1;
    long who = -1;
    for (size_t k = 0; k < n; k++) {
        size_t bl = lslex_lower(sp[k].name, strlen(sp[k].name), b, sizeof b, 0);
        if (bl >= al && !memcmp(a, b, al)) {
            if (who >= 0)
                return -1;
            who = (long)k;
        }
    }
    return who;
}

/* Votes per speaker (male, female) from what each says of their spouse
 * in their own speeches. */
static longsd_status spouse_votes(const longsd_story *s, lslex_lang_id lang, const ls_speaker *sp, size_t n_sp,
                                  size_t (*votes)[2])
{
    lslex_tword *w = NULL;
    uint64_t *h = NULL;
    size_t cap = 0;
    longsd_status st = LONGSD_OK;
    for (size_t pi = 0; pi < s->n_paras; pi++) {
        size_t hl = ls_drama_heading_len(s, pi), n = 0;
        const ls_para *p = &s->paras[pi];
        if (!hl || hl > p->end - p->start)
            continue;
        long who = heading_speaker(s->data + p->start, hl, sp, n_sp);
        if (who < 0)
            continue;
        if (!lslex_words_append(s->data, p->start + hl, p->end, lang, &w, &h, &n, &cap, 64)) {
            st = LONGSD_ERR_NOMEM;
            goto out;
        }
        for (size_t k = 0; k < n; k++) {
            if (w[k].quoted)
                continue; /* "he said 'my wife'": words quoted inside the speech are another's */
            int sx = spouse_sex(lang, w, n, k);
            if (sx)
                votes[who][sx == LS_GENDER_FEMALE]++;
        }
    }
out:
    longsd__free(w);
    longsd__free(h);
    return st;
}

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
    size_t n_sp = 0, k = 0, (*votes)[2] = NULL;
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
    size_t la, lb;
    if (persons_span(s, &la, &lb))
        for (size_t i = 0; i < k; i++)
            if (!out[i].gender)
                out[i].gender = listed_sex(s, lang, la, lb, out[i].name);
    /* "my husband" in a speaker's own speeches, where neither the name, the
     * text around it nor the list of persons said the sex */
    votes = longsd__calloc(n_sp, sizeof *votes);
    if (!votes) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    if ((st = spouse_votes(s, lang, sp, n_sp, votes)))
        goto out;
    for (size_t i = 0; i < k; i++)
        if (!out[i].gender && votes[i][0] != votes[i][1])
            out[i].gender = votes[i][1] > votes[i][0] ? LS_GENDER_FEMALE : LS_GENDER_MALE;
    qsort(out, k, sizeof *out, by_mentions);
    while (max_cast && k > max_cast)
        clear_one(&out[--k]);
out:
    longsd__free(votes);
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
