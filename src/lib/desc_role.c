/* desc_role.c - what the narration calls a character right at their name,
 * the surest visual cue a book gives about who someone is: an apposition
 * ("Jim, the small colored boy,", "Ned Land, le harponneur canadien",
 * "Conseil, mon domestique"), a person noun before the name ("le
 * harponneur Ned Land", "der alte Fischer Hans") or a copula ("Ned Land
 * était un Canadien", "Nat was a tall man"). Only these three shapes:
 * a noun merely near the name is often someone else's ("Tom sent a boy
 * to run about town"), and a wrong noun is worse than none. The phrase
 * comes out in English (WordNet for English books, the FreeDict
 * dictionaries for German and French ones); a word the dictionary cannot
 * translate is left out, a head noun that is no person drops the phrase. */
#include <stdio.h>
#include <string.h>

#include "desc_int.h"
#include "dict.h"
#include "ideas.h"
#include "translate.h"
#include "wordnet.h"

#define ROLE_ADJ_MAX 3

static int is_one(const char *low, size_t n, const char *words)
{
    for (const char *p = words; *p;) {
        const char *e = strchr(p, ' ');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && !memcmp(p, low, n))
            return 1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

/* determiners that open an apposition or a noun before a name, per language */
static const char *const DET[] = {
    "a an the his her my our their",
    "ein eine einen einem einer der die das den dem des sein seine seinem seinen seiner ihr ihre ihrem ihren "
    "mein meine meinem meinen unser unsere",
    "un une le la l mon ma son sa notre leur",
};
/* the indefinite ones, after a copula: "was a tall man" */
static const char *const INDEF[] = {"a an", "ein eine", "un une"};
static const char *const DEF[] = {"the", "der die das", "le la l"};
static const char *const COPULA[] = {"was is", "war ist", "\xC3\xA9tait est"};

/* adjectives a painter can use: age, size, build, colouring, looks (and,
 * read apart, origins: "Canadian", see visual_adj) */
static const char *const LOOKS =
    "old young little small tiny big large huge tall short stout fat thin slim lean lanky gaunt bony burly "
    "broad-shouldered bald bald-headed freckled ragged barefoot barefooted hunchbacked elderly aged grey gray "
    "white black brown red fair dark pale swarthy colored coloured sunburnt tanned blind lame crippled one-eyed "
    "one-legged handsome pretty beautiful ugly plain bearded whiskered grey-haired gray-haired white-haired "
    "red-haired fair-haired dark-haired curly-haired long-haired wrinkled toothless stooping muscular sturdy "
    "ruddy plump portly slender delicate frail robust hairy shabby elegant";
/* person nouns that say how two people stand, not what one of them looks like */
static const char *const RELATION = "friend neighbour neighbor companion comrade acquaintance enemy foe rival "
                                    "cousin relative relation namesake partner fellow-creature";

/* plain age and sex nouns: what a role noun would only repeat */
static const char *const PLAIN_M = "man boy gentleman lad fellow chap";
static const char *const PLAIN_F = "woman girl lady lass maiden";
static const char *const PLAIN_N = "child kid person youngster individual creature being";
static const char *const NOUN_F = "wife mother daughter sister widow queen maid nurse aunt princess duchess "
                                  "countess niece grandmother bride mistress housekeeper governess servant-girl";
static const char *const NOUN_M = "husband father son brother widower king uncle prince duke count nephew "
                                  "grandfather bridegroom master monk priest";

int ls_desc_plain_noun(const char *head, int *sex, int *child)
{
    size_t n = strlen(head);
    *sex = 0;
    *child = 0;
    if (is_one(head, n, PLAIN_M))
        *sex = LS_GENDER_MALE;
    else if (is_one(head, n, PLAIN_F))
        *sex = LS_GENDER_FEMALE;
    else if (!is_one(head, n, PLAIN_N))
        return 0;
    *child = !strcmp(head, "boy") || !strcmp(head, "girl") || !strcmp(head, "lad") || !strcmp(head, "lass") ||
             !strcmp(head, "child") || !strcmp(head, "kid") || !strcmp(head, "youngster");
    return 1;
}

/* kin nouns: how two people stand, by sex and the age they most often
 * have in a novel's household (a sister is young, a grandmother old) */
static const char *const KIN_F_ADULT = "mother mamma mama mum mom wife aunt stepmother mother-in-law";
static const char *const KIN_M_ADULT = "father papa pa pap dad husband uncle stepfather father-in-law";
static const char *const KIN_F_YOUNG = "sister daughter niece stepdaughter stepsister granddaughter";
static const char *const KIN_M_YOUNG = "brother son nephew stepson stepbrother grandson";
static const char *const KIN_OLD = "grandmother grandfather grandma grandpa granny";

int ls_desc_kin(const char *head, int *sex, int *age)
{
    size_t n = strlen(head);
    *sex = 0;
    *age = 0;
    if (is_one(head, n, KIN_F_ADULT) || is_one(head, n, KIN_M_ADULT)) {
        *sex = is_one(head, n, KIN_F_ADULT) ? LS_GENDER_FEMALE : LS_GENDER_MALE;
        *age = LS_AGE_ADULT;
    } else if (is_one(head, n, KIN_F_YOUNG) || is_one(head, n, KIN_M_YOUNG)) {
        *sex = is_one(head, n, KIN_F_YOUNG) ? LS_GENDER_FEMALE : LS_GENDER_MALE;
        *age = LS_AGE_YOUNG;
    } else if (is_one(head, n, KIN_OLD)) {
        *sex = head[5] == 'm' || !strcmp(head, "granny") ? LS_GENDER_FEMALE : LS_GENDER_MALE;
        *age = LS_AGE_OLD;
    } else {
        return 0;
    }
    return 1;
}

int ls_desc_female_noun(const char *male, char *out, size_t cap)
{
    /* English's own pairs whose woman's form is no suffix of the man's */
    static const char *const pair[][2] = {
        {"earl", "countess"},    {"count", "countess"},       {"duke", "duchess"},     {"king", "queen"},
        {"marquis", "marchioness"}, {"marquess", "marchioness"}, {"lord", "lady"},    {"landlord", "landlady"},
        {"gentleman", "lady"},   {"emperor", "empress"},      {"monk", "nun"},         {"friar", "nun"},
        {"sir", "madam"},        {"abbot", "abbess"},         {"wizard", "witch"},     {"widower", "widow"},
        {"master", "mistress"},  {"bridegroom", "bride"},     {"groom", "bride"},      {"husband", "wife"},
        {"man", "woman"},        {"boy", "girl"},             {"father", "mother"},    {"son", "daughter"},
        {"brother", "sister"},   {"uncle", "aunt"},           {"nephew", "niece"},     {"grandfather", "grandmother"},
        {"sultan", "sultana"},   {"tsar", "tsarina"},         {"czar", "czarina"}};
    size_t n = strlen(male);
    if (n < 2 || ls_desc_noun_sex(male) == LS_GENDER_FEMALE)
        return 0;
    for (size_t i = 0; i < sizeof pair / sizeof pair[0]; i++)
        if (!strcmp(male, pair[i][0])) {
            snprintf(out, cap, "%s", pair[i][1]);
            return 1;
        }
    /* "prince" -> "princess", "baron" -> "baroness", "actor" -> "actress" */
    char c[48];
    lswn_info wi;
    for (int k = 0; k < 2 && n + 4 < sizeof c; k++) {
        if (k == 0)
            snprintf(c, sizeof c, "%s%s", male, male[n - 1] == 'e' ? "ss" : "ess");
        else if (n > 3 && (!strcmp(male + n - 2, "or") || !strcmp(male + n - 2, "er")))
            snprintf(c, sizeof c, "%.*sress", (int)(n - 2), male);
        else
            continue;
        if (lswn_lookup(c, &wi) && wi.noun && lswn_noun_is(&wi, LSWN_N_PERSON)) {
            snprintf(out, cap, "%s", c);
            return 1;
        }
    }
    return 0;
}

int ls_desc_noun_sex(const char *head)
{
    size_t n = strlen(head);
    int sex, child;
    if (ls_desc_plain_noun(head, &sex, &child))
        return sex;
    return is_one(head, n, NOUN_F) ? LS_GENDER_FEMALE : is_one(head, n, NOUN_M) ? LS_GENDER_MALE : 0;
}

static int li_of(lslex_lang_id lang) { return lang == LSLEX_DE ? 1 : lang == LSLEX_FR ? 2 : 0; }

/* Is the gap between two words only blanks (no comma, stop, dash)? */
static int tight(const longsd_story *s, const dword *a, const dword *b)
{
    for (size_t i = a->end; i < b->start; i++)
        if (s->data[i] != ' ' && s->data[i] != '\n' && s->data[i] != '\r' && s->data[i] != '\t')
            return 0;
    return 1;
}

/* The English of one word, "" when unknown; *pos its part of speech. */
static void english(lslex_lang_id lang, const longsd_story *s, const dword *x, char *out, size_t cap, int *pos)
{
    out[0] = '\0';
    *pos = LS_POS_UNKNOWN;
    if (lang == LSLEX_EN) {
        if (x->ll < cap)
            memcpy(out, x->low, x->ll + 1);
        return;
    }
    ls_translate_word(lang, s->data + x->start, x->end - x->start, x->upper, out, cap, pos);
}

/* A person noun's English head: the singular WordNet lemma, if one of its
 * commonest senses is a person. */
static int person_head(lslex_lang_id lang, const longsd_story *s, const dword *x, char *head, size_t cap,
                       int *fr_sex)
{
    char e[32];
    int pos;
    lswn_info wi;
    if (x->quoted || (x->flags & (LSLEX_PRONOUN | LSLEX_PREP | LSLEX_CONJ | LSLEX_DET | LSLEX_STOP |
                                  LSLEX_SPEECH | LSLEX_NAME | LSLEX_TITLE | LSLEX_DIVINE)))
        return 0;
    /* "Tom, the old fisherman's son": the noun is someone else's */
    const char *end = s->data + x->end;
    size_t wl = x->end - x->start;
    if ((wl > 2 && (end[-1] == '\'' || (end[-1] == 's' && end[-2] == '\''))) ||
        (wl > 4 && end[-1] == 's' && !memcmp(end - 4, "\xE2\x80\x99", 3)) || (x->end < s->len && s->data[x->end] == '\''))
        return 0;
    english(lang, s, x, e, sizeof e, &pos);
    if (!e[0] || (lang != LSLEX_EN && pos != LS_POS_NOUN) || !lswn_lookup(e, &wi) || !wi.noun)
        return 0;
    /* the commonest sense a person: "harpooner", "actress", not "rafter"
     * (a beam), "suicide" (an act) or "simple" (a herb, then a simpleton) */
    if (wi.noun_lex[0] != LSWN_N_PERSON)
        return 0;
    if (wi.verb_tagged > wi.noun_tagged || wi.adj_tagged > wi.noun_tagged)
        return 0; /* "Tom, the man said" reads "said"; a commoner verb or adjective is no role */
    const char *lemma = wi.noun_lemma[0] ? wi.noun_lemma : e;
    if (is_one(lemma, strlen(lemma), RELATION))
        return 0;
    if (lang == LSLEX_FR) {
        /* "madame Bovary, sa voisine" is no neighbour of Monsieur's: the
         * French noun's gender is kept to be checked against the sex */
        unsigned g = ls_dict_fr(s->data + x->start, x->end - x->start);
        *fr_sex = (g & LS_FR_FEM) && !(g & LS_FR_MASC) ? LS_GENDER_FEMALE
                  : (g & LS_FR_MASC) && !(g & LS_FR_FEM) ? LS_GENDER_MALE : 0;
    }
    if (strlen(lemma) >= cap)
        return 0;
    memcpy(head, lemma, strlen(lemma) + 1);
    return 1;
}

/* An adjective to keep, in English, into out; 0 (out "") when it is
 * none, or says nothing a painter can use: the word after a noun was
 * once kept from a failed test ("le médecin va venir": "a walk doctor"). */
static int visual_adj(lslex_lang_id lang, const longsd_story *s, const dword *x, char *out, size_t cap)
{
    int pos, ok = 0;
    lswn_info wi;
    out[0] = '\0';
    if (x->quoted || (x->flags & (LSLEX_PRONOUN | LSLEX_PREP | LSLEX_CONJ | LSLEX_DET | LSLEX_STOP | LSLEX_SPEECH)))
        return 0;
    english(lang, s, x, out, cap, &pos);
    if (!out[0] || strchr(out, '\'') || (lang != LSLEX_EN && pos != LS_POS_ADJ && pos != LS_POS_UNKNOWN))
        ok = 0;
    else if (is_one(out, strlen(out), LOOKS))
        ok = 1;
    else /* an origin is an adjective that is also a person noun: "canadian" */
        ok = lswn_lookup(out, &wi) && wi.adj && wi.noun && wi.noun_lex[0] == LSWN_N_PERSON;
    if (!ok)
        out[0] = '\0';
    return ok;
}

/* Adjectives w[a, k) and the noun w[k] (and, in French, one adjective
 * after it) as the role: fills out; 1 if w[k] is a person noun. */
static int phrase(const longsd_story *s, lslex_lang_id lang, const dword *w, size_t n, size_t a, size_t k,
                  ls_desc_role *out)
{
    char head[32];
    int fr_sex = 0;
    if (!person_head(lang, s, &w[k], head, sizeof head, &fr_sex))
        return 0;
    out->sex = fr_sex;
    size_t end = w[k].end, used = 0;
    char post[32] = "";
    if (lang == LSLEX_FR && k + 1 < n && !w[k + 1].upper && tight(s, &w[k], &w[k + 1]) &&
        visual_adj(lang, s, &w[k + 1], post, sizeof post))
        end = w[k + 1].end; /* "le harponneur canadien" */
    out->words[0] = '\0';
    for (size_t j = a; j < k; j++) {
        char adj[32];
        if (!visual_adj(lang, s, &w[j], adj, sizeof adj))
            continue;
        size_t l = strlen(adj);
        if (used + l + 2 >= sizeof out->words)
            break;
        memcpy(out->words + used, adj, l);
        used += l;
        out->words[used++] = ' ';
        out->words[used] = '\0';
    }
    if (post[0] && used + strlen(post) + 2 < sizeof out->words) {
        memcpy(out->words + used, post, strlen(post));
        used += strlen(post);
        out->words[used++] = ' ';
        out->words[used] = '\0';
    }
    if (used + strlen(head) + 1 >= sizeof out->words)
        return 0;
    memcpy(out->words + used, head, strlen(head) + 1);
    memcpy(out->head, head, strlen(head) + 1);
    out->start = w[a].start;
    out->end = end;
    return 1;
}

/* Up to ROLE_ADJ_MAX adjectives from w[from], then a person noun: 1 and
 * the role in out, else 0. German writes the noun upper case, English and
 * French lower case (upper_ok: a copula's "un Canadien"). */
static int np_after(const longsd_story *s, lslex_lang_id lang, const dword *w, size_t n, size_t from, int upper_ok,
                    ls_desc_role *out)
{
    for (size_t k = from; k < n && k <= from + ROLE_ADJ_MAX; k++) {
        if (w[k].quoted || (k > from && !tight(s, &w[k - 1], &w[k])))
            return 0;
        int noun_case = lang == LSLEX_DE ? w[k].upper : (!w[k].upper || upper_ok);
        if (noun_case && phrase(s, lang, w, n, from, k, out))
            return 1;
        if (w[k].upper && lang != LSLEX_DE)
            return 0; /* a name: "Tom, the Sawyer boy" is not read */
        if (w[k].flags & (LSLEX_PREP | LSLEX_CONJ | LSLEX_DET | LSLEX_PRONOUN | LSLEX_SPEECH | LSLEX_STOP))
            return 0;
        if (lang == LSLEX_DE && w[k].upper)
            return 0;
    }
    return 0;
}

/* Does a verb follow the phrase ending at byte end, with no comma or
 * stop between? Then its noun opens a clause of its own ("s'écria Luigi,
 * le médecin va venir": the doctor is someone else, in his words), no
 * apposition. */
static int verb_follows(const longsd_story *s, lslex_lang_id lang, const dword *w, size_t n, size_t end)
{
    size_t j = 0;
    while (j < n && w[j].start < end)
        j++;
    if (j == 0 || j >= n || w[j].upper || w[j].quoted || !tight(s, &w[j - 1], &w[j]))
        return 0;
    if (w[j].flags & (LSLEX_PRONOUN | LSLEX_PREP | LSLEX_CONJ | LSLEX_DET | LSLEX_STOP))
        return 0;
    char e[32];
    int pos;
    english(lang, s, &w[j], e, sizeof e, &pos);
    if (lang != LSLEX_EN)
        return e[0] && pos == LS_POS_VERB;
    lswn_info wi;
    return lswn_lookup(e, &wi) && wi.verb && wi.verb_tagged > wi.noun_tagged && wi.verb_tagged > wi.adj_tagged;
}

int ls_desc_role_at(const longsd_story *s, lslex_lang_id lang, const dword *w, size_t n, size_t at, size_t len,
                    ls_desc_role *out)
{
    int li = li_of(lang);
    size_t after = at + len;
    if (after < n && !w[after].quoted) {
        const char *gap = s->data + w[after - 1].end;
        size_t gl = w[after].start - w[after - 1].end;
        /* "Jim, the small colored boy," ; "Ned Land, le harponneur canadien" */
        if (memchr(gap, ',', gl) && !memchr(gap, '.', gl) && after + 1 < n &&
            is_one(w[after].low, w[after].ll, DET[li]) && tight(s, &w[after], &w[after + 1]) &&
            np_after(s, lang, w, n, after + 1, 0, out) && !verb_follows(s, lang, w, n, out->end))
            return 1;
        /* "Ned Land était un Canadien", "Nat was a tall man" */
        if (tight(s, &w[after - 1], &w[after]) && is_one(w[after].low, w[after].ll, COPULA[li]) && after + 2 < n &&
            tight(s, &w[after], &w[after + 1]) && is_one(w[after + 1].low, w[after + 1].ll, INDEF[li]) &&
            np_after(s, lang, w, n, after + 2, 1, out))
            return 1;
    }
    /* "le harponneur Ned Land", "the old fisherman Nat", "der Prokurist Müller" */
    if (at >= 2 && !w[at - 1].quoted && tight(s, &w[at - 1], &w[at])) {
        size_t k = at - 1;
        int noun_case = lang == LSLEX_DE ? w[k].upper : !w[k].upper;
        if (!noun_case)
            return 0;
        size_t a = k;
        while (a > 0 && k - a < ROLE_ADJ_MAX && !w[a - 1].quoted && !w[a - 1].upper &&
               tight(s, &w[a - 1], &w[a]) && !is_one(w[a - 1].low, w[a - 1].ll, DET[li]))
            a--;
        if (a == 0 || !is_one(w[a - 1].low, w[a - 1].ll, DEF[li]) || !tight(s, &w[a - 1], &w[a]))
            return 0;
        for (size_t j = a; j < k; j++)
            if (w[j].flags & (LSLEX_PREP | LSLEX_CONJ | LSLEX_DET | LSLEX_PRONOUN | LSLEX_SPEECH | LSLEX_STOP))
                return 0;
        return phrase(s, lang, w, n, a, k, out);
    }
    return 0;
}
