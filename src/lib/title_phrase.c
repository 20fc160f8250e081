/* title_phrase.c - German and French idea titles made of the passage's own
 * phrases, as a reader of the book would title the scene: who (a cast
 * member as the text writes them, "le capitaine Nemo", or a person noun
 * with its article, "der Vater") and where, a prepositional phrase of
 * place copied from the same clause ("am Frühstückstisch", "dans le
 * salon"); or two people ("Emma et Rodolphe"); or, with no one, a
 * drawable thing and where it is ("Les nuages au-dessus de l'île").
 *
 * Titles have no verb (French and German titles seldom do), so only a
 * preposition of place reads without one: a German two-way preposition
 * counts only with a dative article ("in der Küche", never "in die
 * Küche"), a French "à" only with its article ("au salon", "à la
 * fenêtre"). The nouns are the text's; the subject's article is made
 * nominative (German) or definite (French "du"/"au" -> "le"), a first- or
 * second-person possessive becomes the definite article (a title is told
 * by no one), and French common nouns are lower case. Which gender a
 * German noun has comes from the articles the book writes before it. */
#include "title_phrase.h"

#include <stdio.h>
#include <string.h>

#include "dict.h"
#include "translate.h"
#include "wordnet.h"

#define PT_WORDS 160 /* words of a narration read */

typedef struct {
    size_t s, e;    /* the word in the narration */
    size_t ns;      /* its start after an elided French article or preposition ("île" of "l'île") */
    int brk;        /* before it: 0 nothing, 1 a comma, 2 the end of a clause or sentence */
    int upper;      /* the word proper starts upper case */
    int cast;       /* cast index + 1 when a name starts here */
    size_t cast_len;
    int in_name;    /* a word of a cast name (any of its words) */
    char low[40];   /* the word proper, lower case */
    char eli[8];    /* the elided word before it, lower case: "l'", "d'", "j'", "" */
} ptok;

typedef struct {
    const ls_scenectx *sc;
    const char *t;
    size_t tn;
    ptok w[PT_WORDS];
    size_t n;
} ptext;

static int is_one(const char *w, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(w, list[i]) == 0)
            return 1;
    return 0;
}

/* ---- reading the narration */

static int upper_at(const char *p)
{
    unsigned char c = (unsigned char)p[0], d = (unsigned char)p[1];
    return (c >= 'A' && c <= 'Z') || (c == 0xC3 && d >= 0x80 && d <= 0x9E && d != 0x97);
}

static void read_text(ptext *x)
{
    lslex_scan scan;
    lsword w;
    uint64_t h[PT_WORDS];
    lslex_scan_init(&scan, x->t, x->tn);
    size_t prev_end = 0;
    x->n = 0;
    while (x->n < PT_WORDS && lslex_next_word(&scan, &w)) {
        ptok *k = &x->w[x->n];
        memset(k, 0, sizeof *k);
        k->s = k->ns = w.start;
        k->e = w.end;
        for (size_t i = prev_end; i < w.start; i++) {
            char c = x->t[i];
            if (c == ',' && k->brk < 1)
                k->brk = 1;
            if (c == ';' || c == ':' || c == '!' || c == '?' || c == '(' || c == ')' || c == '-' ||
                (unsigned char)c == 0xE2 /* dashes, quotes */)
                k->brk = 2;
            if (c == '.') {
                /* "M. Homais", "Dr. Kling": an abbreviation, not a sentence end */
                size_t pl = x->n ? x->w[x->n - 1].e - x->w[x->n - 1].s : 0;
                int abbr = x->n && pl <= 3 && upper_at(x->t + x->w[x->n - 1].s) && i == x->w[x->n - 1].e;
                if (!abbr)
                    k->brk = 2;
            }
        }
        if (x->n == 0)
            k->brk = 2;
        const char *p = x->t + w.start;
        size_t l = w.end - w.start;
        const char *ap = NULL;
        for (size_t i = 1; i < l && i <= 3 && !ap; i++)
            if (p[i] == '\'' || (i + 2 < l && (unsigned char)p[i] == 0xE2 && (unsigned char)p[i + 1] == 0x80 &&
                                 (unsigned char)p[i + 2] == 0x99))
                ap = p + i;
        if (x->sc->lang == LSLEX_FR && ap) {
            size_t al = (size_t)(ap - p);
            size_t skip = al + (*ap == '\'' ? 1 : 3);
            if (skip < l && al <= 3) {
                char e[4];
                lslex_lower(p, al, e, sizeof e - 1, 0);
                snprintf(k->eli, sizeof k->eli, "%s'", e);
                k->ns = w.start + skip;
            }
        }
        k->upper = upper_at(x->t + k->ns);
        lslex_lower(x->t + k->ns, k->e - k->ns, k->low, sizeof k->low, 1);
        h[x->n] = lslex_word_hash(x->t + k->ns, k->e - k->ns);
        prev_end = w.end;
        x->n++;
    }
    for (size_t i = 0; i < x->n; i++) {
        size_t ch, m = ls_cast_match(x->sc->forms, x->sc->n_forms, h, x->n, i, &ch);
        if (m) {
            x->w[i].cast = (int)ch + 1;
            x->w[i].cast_len = m;
            for (size_t q = i; q < i + m; q++)
                x->w[q].in_name = 1;
            i += m - 1;
        }
    }
    /* a hyphenated word is one noun ("plate-forme", "au-dessus"); a
     * name's parts stay apart for the cast's forms */
    size_t o = 0;
    for (size_t i = 0; i < x->n; i++) {
        ptok *k = &x->w[i];
        if (o > 0 && !k->in_name && !x->w[o - 1].in_name && k->s == x->w[o - 1].e + 1 && x->t[k->s - 1] == '-' &&
            !k->eli[0]) {
            ptok *pk = &x->w[o - 1];
            pk->e = k->e;
            lslex_lower(x->t + pk->ns, pk->e - pk->ns, pk->low, sizeof pk->low, 0);
            continue;
        }
        x->w[o++] = *k;
    }
    x->n = o;
}

/* ---- what words are */

/* A determiner before a noun. kind: 'd' definite or demonstrative, 'i'
 * indefinite (or "kein"), '3' a third-person possessive, '1' a first- or
 * second-person one, 'c' a preposition fused with the article ("au",
 * "du", "im", "zum"). *end gets a German one's ending ("m" of "dem",
 * "seinem"; "" of "ein"), which tells its case. */
static int determiner(lslex_lang_id lang, const ptok *k, char *end, size_t cap)
{
    const char *w = k->low;
    end[0] = '\0';
    if (lang == LSLEX_FR) {
        if (strcmp(k->eli, "l'") == 0)
            return 0; /* the article is part of the noun's token */
        static const char *const def[] = {"le", "la", "les", "ce", "cet", "cette", "ces", NULL};
        static const char *const ind[] = {"un", "une", "des", "quelques", "plusieurs", NULL};
        static const char *const p3[] = {"son", "sa", "ses", "leur", "leurs", NULL};
        static const char *const p1[] = {"mon", "ma", "mes", "ton", "ta", "tes", "notre", "nos", "votre", "vos", NULL};
        static const char *const con[] = {"au", "aux", "du", NULL};
        if (k->eli[0])
            return 0;
        return is_one(w, def) ? 'd' : is_one(w, ind) ? 'i' : is_one(w, p3) ? '3' : is_one(w, p1) ? '1'
                                                                             : is_one(w, con) ? 'c' : 0;
    }
    if (lang != LSLEX_DE)
        return 0;
    static const char *const con[][2] = {{"im", "m"}, {"am", "m"}, {"beim", "m"}, {"vom", "m"},
                                         {"zum", "m"}, {"zur", "r"}, {"ins", "s"}, {"ans", "s"}};
    for (size_t i = 0; i < sizeof con / sizeof con[0]; i++)
        if (strcmp(w, con[i][0]) == 0) {
            snprintf(end, cap, "%s", con[i][1]);
            return 'c';
        }
    static const char *const def[][2] = {{"der", "r"}, {"die", "e"}, {"das", ""}, {"dem", "m"}, {"den", "n"},
                                         {"des", "s"}};
    for (size_t i = 0; i < sizeof def / sizeof def[0]; i++)
        if (strcmp(w, def[i][0]) == 0) {
            snprintf(end, cap, "%s", def[i][1]);
            return 'd';
        }
    static const struct {
        const char *stem;
        int kind;
    } stems[] = {{"dies", 'd'}, {"jen", 'd'}, {"ein", 'i'}, {"kein", 'i'}, {"sein", '3'}, {"ihr", '3'},
                 {"mein", '1'}, {"dein", '1'}, {"unser", '1'}, {"euer", '1'}, {"eur", '1'}};
    /* the ending as the definite article's last letter: "seinem" m, "eine" e */
    static const char *const ends[][2] = {{"", ""}, {"e", "e"}, {"er", "r"}, {"es", "s"}, {"em", "m"}, {"en", "n"}};
    for (size_t i = 0; i < sizeof stems / sizeof stems[0]; i++) {
        size_t sl = strlen(stems[i].stem);
        if (strncmp(w, stems[i].stem, sl) != 0)
            continue;
        for (size_t j = 0; j < sizeof ends / sizeof ends[0]; j++)
            if (strcmp(w + sl, ends[j][0]) == 0) {
                if (stems[i].kind == 'd' && !ends[j][0][0])
                    return 0; /* "dies" alone is a pronoun */
                snprintf(end, cap, "%s", ends[j][1]);
                return stems[i].kind;
            }
    }
    return 0;
}

static int drawable_class(int c);

#define NOUN_KNOWN 99 /* noun_class of a noun with no English: no WordNet class */

/* WordNet's class of a noun's commonest sense, through its English, or 0;
 * *person: the word names a person. */
static int noun_class(const ptext *x, const ptok *k)
{
    const char *p = x->t + k->ns;
    size_t l = k->e - k->ns;
    if (l < 2 || l > 30)
        return 0;
    unsigned f = lslex_lookup(x->sc->lang, k->low, strlen(k->low), NULL, NULL);
    if (f & (LSLEX_STOP | LSLEX_PRONOUN | LSLEX_DET | LSLEX_CONJ | LSLEX_PREP | LSLEX_SPEECH))
        return 0;
    if (x->sc->lang == LSLEX_DE && !k->upper)
        return 0; /* German writes its nouns capitalised */
    char en[32];
    int pos = 0;
    ls_translate_word(x->sc->lang, p, l, k->upper, en, sizeof en, &pos);
    lswn_info wi;
    if (!en[0] || pos != LS_POS_NOUN || !lswn_lookup(en, &wi) || !wi.noun) {
        /* no English for it, but the book's dictionary knows the noun
         * ("façades"): a word for the last titles, nothing to draw */
        int noun = x->sc->lang == LSLEX_DE ? ls_dict_de_noun(p, l) != 0 : (ls_dict_fr(k->low, strlen(k->low)) & LS_FR_NOUN) != 0;
        return noun && !en[0] && !k->upper ? NOUN_KNOWN : noun && x->sc->lang == LSLEX_DE && !en[0] ? NOUN_KNOWN : 0;
    }
    /* "table": a group (of figures) first, the furniture second */
    if ((wi.noun_lex[0] == LSWN_N_GROUP || wi.noun_lex[0] == LSWN_N_ACT || wi.noun_lex[0] == LSWN_N_SHAPE) &&
        drawable_class(wi.noun_lex[1]))
        return wi.noun_lex[1];
    return wi.noun_lex[0];
}

static int drawable_class(int c)
{
    return c == LSWN_N_ARTIFACT || c == LSWN_N_LOCATION || c == LSWN_N_OBJECT || c == LSWN_N_PLANT ||
           c == LSWN_N_ANIMAL || c == LSWN_N_SUBSTANCE || c == LSWN_N_PHENOMENON || c == LSWN_N_FOOD;
}

/* Where someone can be: a room, a field, a chair, a tree; not a hand
 * ("dans ses mains"), a person, a food or a time. */
static int place_class(int c)
{
    return c == LSWN_N_ARTIFACT || c == LSWN_N_LOCATION || c == LSWN_N_OBJECT || c == LSWN_N_PLANT ||
           c == LSWN_N_SUBSTANCE;
}

/* Can someone be in it: a room, a house, a ship, a street, a field (its
 * commonest senses are kinds of these), not a pocket or a book? For "in",
 * "dans" and the "à" of "au salon" ("demander au soleil" is no place). */
static int room_for_someone(const ptext *x, const ptok *k, int at)
{
    char en[32];
    int pos = 0;
    ls_translate_word(x->sc->lang, x->t + k->ns, k->e - k->ns, k->upper, en, sizeof en, &pos);
    lswn_info wi;
    if (!en[0] || !lswn_lookup(en, &wi))
        return 0;
    if (wi.noun_lex[0] == LSWN_N_LOCATION)
        return 1;
    static const char *const room[] = {"area", "room", "structure", "building", "furniture", "vessel", "watercraft",
                                       "craft", "vehicle", "wheeled vehicle", "thoroughfare", "road", "corridor",
                                       "passageway", "geological formation", "land", "body of water", "tract",
                                       "region", "location", "vegetation", "plot", "dwelling", "housing",
                                       "enclosure", "seat", "car", "place of worship", "establishment", NULL};
    /* "au mur", "au fauteuil" are where a thing hangs or is given, not
     * where someone is; "à la fenêtre" is */
    static const char *const not_at[] = {"structure", "furniture", "seat", "enclosure", NULL};
    char kinds[24][32];
    size_t nk = lswn_noun_kinds(en, kinds, 24);
    for (size_t i = 0; i < nk; i++)
        if ((is_one(kinds[i], room) && !(at && is_one(kinds[i], not_at))) || (at && strcmp(kinds[i], "opening") == 0))
            return 1;
    return 0;
}

/* Clothes are worn, not a place: "sous sa blouse", "in der Tasche". */
static int clothing(const ptext *x, const ptok *k)
{
    char en[32];
    int pos = 0;
    ls_translate_word(x->sc->lang, x->t + k->ns, k->e - k->ns, k->upper, en, sizeof en, &pos);
    static const char *const wear[] = {"clothing", "garment", "pouch", "bag", "consumer goods", NULL};
    char kinds[24][32];
    size_t nk = en[0] ? lswn_noun_kinds(en, kinds, 24) : 0;
    for (size_t i = 0; i < nk; i++)
        for (size_t j = 0; wear[j]; j++)
            if (strstr(kinds[i], wear[j])) /* "woman's clothing" */
                return 1;
    return 0;
}

/* A word that may stand between a determiner and its noun: an adjective
 * or a number ("zwei", "sombres", "petite"). */
static int modifier(const ptext *x, const ptok *k)
{
    if (k->brk || k->cast || k->eli[0])
        return 0;
    unsigned f = lslex_lookup(x->sc->lang, k->low, strlen(k->low), NULL, NULL);
    if (f & (LSLEX_STOP | LSLEX_PRONOUN | LSLEX_DET | LSLEX_CONJ | LSLEX_PREP | LSLEX_SPATIAL))
        return 0;
    if (x->sc->lang == LSLEX_DE)
        return !k->upper;
    static const char *const num[] = {"deux", "trois", "quatre", "cinq", "six", "sept", "huit", "dix", "cent", NULL};
    if (is_one(k->low, num))
        return 1;
    char en[32];
    int pos = 0;
    ls_translate_word(x->sc->lang, x->t + k->ns, k->e - k->ns, k->upper, en, sizeof en, &pos);
    return en[0] && pos == LS_POS_ADJ && !k->upper;
}

/* A noun phrase of the text: determiner (or an elided "l'"), at most two
 * modifiers, its noun. */
typedef struct {
    size_t det;     /* the determiner's word, (size_t)-1 when the noun carries "l'" */
    int kind;       /* determiner(): 'd', 'i', '3', '1', 'c' */
    char end[4];
    size_t noun;    /* the noun's word */
    int cls;        /* noun_class of the noun */
} pnp;

static int read_np(const ptext *x, size_t i, pnp *np)
{
    if (i >= x->n)
        return 0;
    memset(np, 0, sizeof *np);
    const ptok *k = &x->w[i];
    if (x->sc->lang == LSLEX_FR && strcmp(k->eli, "l'") == 0) {
        np->det = (size_t)-1;
        np->kind = 'd';
        np->noun = i;
    } else {
        np->kind = determiner(x->sc->lang, k, np->end, sizeof np->end);
        if (!np->kind)
            return 0;
        np->det = i;
        size_t j = i + 1;
        while (j < x->n && j < i + 3 && modifier(x, &x->w[j]) && j + 1 < x->n && !x->w[j + 1].brk)
            j++;
        if (j >= x->n || x->w[j].brk || x->w[j].eli[0])
            return 0;
        np->noun = j;
    }
    if (x->w[np->noun].cast)
        return 0; /* a name: a person mention, read elsewhere */
    np->cls = noun_class(x, &x->w[np->noun]);
    return np->cls != 0;
}

/* ---- German gender, from the articles the book writes */

static int word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Add the votes of the determiners before each of the occurrences of
 * w[0..n) (or its genitive w+"s"/"es") in t[0..tn): v[0] masculine, v[1]
 * feminine, v[2] neuter. */
static void gender_votes(const char *t, size_t tn, const char *w, size_t n, int *v, int cap_hits)
{
    const char *p = t, *e = t + tn;
    int hits = 0;
    while (p < e && hits < cap_hits) {
        const char *q = memmem(p, (size_t)(e - p), w, n);
        if (!q)
            break;
        p = q + n;
        if (q > t && word_char((unsigned char)q[-1]))
            continue;
        const char *a = q + n;
        if (a < e && *a == 'e' && a + 1 < e && a[1] == 's')
            a += 2;
        else if (a < e && *a == 's')
            a++;
        int gen = a != q + n;
        if (a < e && word_char((unsigned char)*a))
            continue;
        /* the word before, skipping one or two inflected adjectives */
        const char *b = q;
        char det[16];
        for (int skip = 0; skip < 3; skip++) {
            while (b > t && (b[-1] == ' ' || b[-1] == '\n' || b[-1] == '\r'))
                b--;
            const char *ws = b;
            while (ws > t && word_char((unsigned char)ws[-1]))
                ws--;
            if (ws == b || (size_t)(b - ws) >= sizeof det)
                break;
            lslex_lower(ws, (size_t)(b - ws), det, sizeof det, 0);
            size_t dl = strlen(det);
            int adj = !upper_at(ws) && dl > 3 && (det[dl - 1] == 'e' || det[dl - 1] == 'n' || det[dl - 1] == 'r' ||
                                                  det[dl - 1] == 's' || det[dl - 1] == 'm');
            ptok k;
            memset(&k, 0, sizeof k);
            snprintf(k.low, sizeof k.low, "%s", det);
            char end[4];
            int kind = determiner(LSLEX_DE, &k, end, sizeof end);
            if (kind && kind != 'c') {
                hits++;
                int m = 0, f = 0, nt = 0;
                if (kind == 'd' && strcmp(det, "der") == 0)
                    m = 2, f = 2;
                else if (kind == 'd' && strcmp(det, "die") == 0)
                    f = 2;
                else if (kind == 'd' && strcmp(det, "das") == 0)
                    nt = 4;
                else if (strcmp(end, "m") == 0 || strcmp(end, "s") == 0)
                    m = 1, nt = 1;
                else if (strcmp(end, "n") == 0)
                    m = kind == 'd' ? 2 : 4; /* "den": a plural's dative too */
                else if (strcmp(end, "e") == 0 && kind != 'd')
                    f = 4;
                else if (strcmp(end, "r") == 0 && kind != 'd')
                    f = 2, m = 1;
                else if (!end[0] && kind != 'd')
                    m = 1, nt = 1;
                if (gen && f)
                    f = 0; /* a feminine noun takes no genitive s */
                v[0] += m, v[1] += f, v[2] += nt;
                break;
            }
            if (kind == 'c') {
                hits++;
                if (strcmp(end, "m") == 0 || strcmp(end, "s") == 0)
                    v[0] += 1, v[2] += 1;
                else if (strcmp(end, "r") == 0)
                    v[1] += 3;
                break;
            }
            if (!adj)
                break;
            b = ws;
        }
    }
}

static int de_gender(const ls_scenectx *sc, const char *text, size_t tn, const char *w, size_t n, int *v)
{
    v[0] = v[1] = v[2] = 0;
    /* the dictionary's gender first: the text's articles are often of
     * another case ("an der Wand", a dative, is no masculine) */
    int g = ls_translate_de_gender(w, n);
    if (g >= 0) {
        v[g] = 1;
        return g;
    }
    gender_votes(text, tn, w, n, v, 50);
    if (sc->s && sc->s->data && sc->s->body_end > sc->s->body_start && sc->s->body_end <= sc->s->len)
        gender_votes(sc->s->data + sc->s->body_start, sc->s->body_end - sc->s->body_start, w, n, v, 200);
    int best = v[0] >= v[1] && v[0] >= v[2] ? 0 : v[1] >= v[2] ? 1 : 2;
    if (!v[best])
        return -1;
    /* a tie of "der" alone: the feminine endings decide */
    if (v[0] == v[1] && best == 0) {
        static const char *const fem[] = {"e", "ung", "heit", "keit", "schaft", "ion", "ei", "in", "tät", NULL};
        for (size_t i = 0; fem[i]; i++) {
            size_t fl = strlen(fem[i]);
            if (n > fl && memcmp(w + n - fl, fem[i], fl) == 0)
                return 1;
        }
    }
    return best;
}

const char *ls_title_de_article(const ls_scenectx *sc, const char *text, size_t tn, const char *w, size_t n)
{
    int v[3];
    int g = de_gender(sc, text, tn, w, n, v);
    return g == 0 ? "der" : g == 1 ? "die" : g == 2 ? "das" : "";
}

/* ---- writing phrases */

/* Append the text of words [a, b] as written, French common nouns in
 * lower case (a capital at a sentence's start is no name). */
static void put_words(const ptext *x, size_t a, size_t b, char *out, size_t cap)
{
    size_t o = strlen(out);
    for (size_t i = a; i <= b && i < x->n; i++) {
        const ptok *k = &x->w[i];
        int lower = 0;
        if (x->sc->lang == LSLEX_FR && k->upper && !k->in_name) {
            /* a capital at a sentence's start, or on a word the
             * dictionary knows only as a common noun ("Place"); never on a
             * name ("Nemo", "Paris") */
            unsigned t = ls_dict_fr(x->t + k->ns, k->e - k->ns);
            char lw[40];
            size_t ll = lslex_lower(x->t + k->ns, k->e - k->ns, lw, sizeof lw, 0);
            int noun = (ls_dict_fr(lw, ll) & LS_FR_NOUN) ||
                       (ll > 3 && (lw[ll - 1] == 's' || lw[ll - 1] == 'x') && (ls_dict_fr(lw, ll - 1) & LS_FR_NOUN));
            lower = !(t & (LS_FR_FIRST_NAME | LS_FR_PROPER)) &&
                    (k->brk == 2 || noun || determiner(LSLEX_FR, k, (char[4]){0}, 4)); /* "Promenades" */
        }
        if (x->sc->lang == LSLEX_DE && k->upper && !k->in_name && (determiner(LSLEX_DE, k, (char[4]){0}, 4) ||
                                                                   (lslex_lookup(LSLEX_DE, k->low, strlen(k->low), NULL, NULL) &
                                                                    (LSLEX_PREP | LSLEX_SPATIAL))))
            lower = 1; /* "Am Tisch" at a sentence's start */
        char wbuf[64];
        size_t from = k->in_name ? k->ns : k->s; /* "Emma", never "d'Emma" */
        size_t wl = k->e - from;
        if (wl >= sizeof wbuf)
            wl = sizeof wbuf - 1;
        memcpy(wbuf, x->t + from, wl);
        wbuf[wl] = '\0';
        if (lower) {
            size_t off = k->ns - from;
            char lw[64];
            lslex_lower(wbuf + off, wl - off, lw, sizeof lw, 0);
            snprintf(wbuf + off, sizeof wbuf - off, "%s", lw);
            if (off && wbuf[0] >= 'A' && wbuf[0] <= 'Z')
                wbuf[0] = (char)(wbuf[0] + 32); /* "L'arrière" */
        } else if (x->sc->lang == LSLEX_FR && k->eli[0] && wbuf[0] >= 'A' && wbuf[0] <= 'Z') {
            wbuf[0] = (char)(wbuf[0] + 32);
        }
        if (i < b && wl <= 3 && upper_at(wbuf) && x->t[k->e] == '.' && wl + 1 < sizeof wbuf) {
            wbuf[wl++] = '.'; /* "M. Homais" */
            wbuf[wl] = '\0';
        }
        if (o + wl + 2 >= cap)
            return;
        o += (size_t)snprintf(out + o, cap - o, "%s%s", o ? " " : "", wbuf);
    }
}

/* Does the French word start with a vowel ("île", "épée")? An h may be
 * mute ("l'homme") or not ("le haut"): only the text's own "l'" tells,
 * so an h is elided only where the text elided it (or wrote "cet"). */
static int fr_vowel(const char *low)
{
    unsigned char c = (unsigned char)low[0];
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 0xC3;
}

/* The definite article of a French noun by its grammatical gender in
 * hunspell fr ("mère" is:fem -> "la"), for a determiner that shows none
 * ("leur", "notre"); NULL when the dictionary does not tell one. */
static const char *fr_gender_article(const char *noun_low)
{
    unsigned g = ls_dict_fr(noun_low, strlen(noun_low));
    if ((g & LS_FR_NOUN_FEM) && !(g & LS_FR_NOUN_MASC))
        return "la";
    if ((g & LS_FR_NOUN_MASC) && !(g & LS_FR_NOUN_FEM))
        return "le";
    return NULL;
}

const char *ls_title_fr_article(const char *w)
{
    char low[64];
    size_t ll = lslex_lower(w, strlen(w), low, sizeof low, 0);
    if (ll < 2 || ll >= sizeof low - 1)
        return NULL;
    const char *a = fr_gender_article(low);
    if (a)
        return fr_vowel(low) ? "l'" : strcmp(a, "la") == 0 ? "la " : "le ";
    if (low[ll - 1] == 's' || low[ll - 1] == 'x') {
        low[ll - 1] = '\0'; /* "dents", "chevaux" are "dent", "cheval" in the dictionary */
        if (fr_gender_article(low))
            return "les ";
        if (ll > 4 && strcmp(low + ll - 3, "au") == 0) {
            snprintf(low + ll - 3, sizeof low - (ll - 3), "al");
            if (fr_gender_article(low))
                return "les ";
        }
    }
    return NULL;
}

/* The definite article for a French determiner (kind as determiner()),
 * as a title opens with it: "du" -> "le", "des" -> "les", "mon" -> "le";
 * NULL when the gender is not shown ("notre"). */
static const char *fr_definite(const char *det, const char *noun_low)
{
    static const char *const map[][2] = {{"le", "le"}, {"la", "la"}, {"les", "les"}, {"ce", "le"}, {"cet", "le"},
                                         {"cette", "la"}, {"ces", "les"}, {"du", "le"}, {"au", "le"},
                                         {"aux", "les"}, {"des", "les"}, {"mon", "le"}, {"ton", "le"},
                                         {"ma", "la"}, {"ta", "la"}, {"mes", "les"}, {"tes", "les"},
                                         {"nos", "les"}, {"vos", "les"}, {"un", "un"}, {"une", "une"},
                                         {"quelques", "quelques"}, {"plusieurs", "plusieurs"},
                                         {"son", "son"}, {"sa", "sa"}, {"ses", "ses"}, {"leur", "leur"},
                                         {"leurs", "leurs"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(det, map[i][0]) == 0) {
            const char *a = map[i][1];
            if (strcmp(det, "cet") == 0)
                return "l'"; /* "cet homme" */
            if ((strcmp(a, "le") == 0 || strcmp(a, "la") == 0) && fr_vowel(noun_low))
                return "l'";
            return a;
        }
    return NULL;
}

/* A German noun in its nominative: "des Vaters" -> "Vater", "dem Hause"
 * -> "Haus", "den Röcken" -> "Röcke" (the plural's dative n off), "des
 * Prokuristen" -> "Prokurist" (a weak masculine), when
 * the dictionary knows the shorter form as a noun. */
static void de_nominative(const char *w, size_t n, int det_end_m_s_n, char *out, size_t cap)
{
    snprintf(out, cap, "%.*s", (int)n, w);
    if (!det_end_m_s_n || ls_dict_de_noun(w, n) != 2)
        return;
    static const char *const ends[] = {"es", "s", "e", "en", "n", NULL};
    for (size_t i = 0; ends[i]; i++) {
        size_t el = strlen(ends[i]);
        /* "en" only off a masculine of the weak declension ("des
         * Prokuristen", "dem Menschen"): "den Frauen" stays many */
        if (strcmp(ends[i], "en") == 0 && (n <= el + 2 || ls_translate_de_gender(w, n - el) != 0))
            continue;
        if (n > el + 2 && memcmp(w + n - el, ends[i], el) == 0 && ls_dict_de_noun(w, n - el)) {
            snprintf(out, cap, "%.*s", (int)(n - el), w);
            return;
        }
    }
}

/* The subject form of a noun phrase: "der Vater" for "dem Vater",
 * "le salon" for "du salon", "la chambre" for "ma chambre". 0 when its
 * article cannot be told. */
static int np_subject(const ptext *x, const pnp *np, char *out, size_t cap)
{
    out[0] = '\0';
    const ptok *nk = &x->w[np->noun];
    size_t first_mod = np->det == (size_t)-1 ? np->noun : np->det + 1;
    if (x->sc->lang == LSLEX_FR) {
        if (np->det == (size_t)-1) {
            put_words(x, np->noun, np->noun, out, cap);
            return 1;
        }
        static const char *const p3[][2] = {{"son", "mon"}, {"sa", "ma"}, {"ses", "mes"}, {"leur", "notre"},
                                            {"leurs", "mes"}};
        const char *det = x->w[np->det].low;
        for (size_t i = 0; i < sizeof p3 / sizeof p3[0]; i++)
            if (strcmp(det, p3[i][0]) == 0)
                det = p3[i][1]; /* "ses poches": whose is for the passage to say */
        const char *a = fr_definite(det, first_mod < np->noun ? x->w[first_mod].low : nk->low);
        if (!a && strcmp(det, "notre") == 0 && (a = fr_gender_article(nk->low)) &&
            fr_vowel(first_mod < np->noun ? x->w[first_mod].low : nk->low))
            a = "l'";
        if (!a)
            return 0;
        snprintf(out, cap, "%s", a);
        if (strcmp(a, "l'") == 0) {
            char rest[96] = "";
            put_words(x, first_mod, np->noun, rest, sizeof rest);
            snprintf(out, cap, "l'%s", rest);
        } else {
            put_words(x, first_mod, np->noun, out, cap);
        }
        return 1;
    }
    /* German: the article by the noun's gender and number */
    const char *nw = x->t + nk->ns;
    size_t nl = nk->e - nk->ns;
    int v[3];
    int g = de_gender(x->sc, x->t, x->tn, nw, nl, v);
    const char *det = x->w[np->det].low;
    int plural = 0;
    if (strcmp(det, "die") == 0 && g != 1 && g >= 0)
        plural = 1; /* "die Mädchen" of a neuter noun */
    else if (strcmp(np->end, "n") == 0 && np->kind == 'd' && g != 0 && g >= 0)
        plural = 1; /* "den Mädchen" */
    else if (np->kind == 'i' && strcmp(np->end, "e") == 0 && g != 1 && g >= 0)
        plural = 1; /* "keine Kinder" */
    if (g < 0 && !plural)
        return 0;
    const char *art;
    if (np->kind == 'i' && !plural)
        art = g == 1 ? "eine" : "ein";
    else
        art = plural ? "die" : g == 0 ? "der" : g == 1 ? "die" : "das";
    if (np->kind == 'i' && plural)
        art = NULL; /* "Kinder" */
    if (art)
        snprintf(out, cap, "%s", art);
    if (first_mod < np->noun) {
        /* the modifiers' endings follow the article: only a number keeps */
        static const char *const num[] = {"zwei", "drei", "vier", "fünf", "sechs", "beiden", "alte", "junge", NULL};
        for (size_t i = first_mod; i < np->noun; i++)
            if (is_one(x->w[i].low, num) && !(strcmp(x->w[i].low, "beiden") == 0 && !plural))
                put_words(x, i, i, out, cap);
    }
    char nom[64];
    int oblique = strcmp(np->end, "m") == 0 || strcmp(np->end, "s") == 0 || strcmp(np->end, "n") == 0;
    de_nominative(nw, nl, oblique && !plural ? 1 : plural && strcmp(np->end, "n") == 0, nom, sizeof nom);
    size_t o = strlen(out);
    snprintf(out + o, cap - o, "%s%s", o ? " " : "", nom);
    return 1;
}

/* ---- prepositional phrases of place */

/* A phrase of place starting at word i: the preposition, the noun phrase
 * after it as written; *last gets its last word. */
typedef struct {
    size_t a, b;        /* words [a, b] */
    int cls;            /* the noun's class */
    size_t det;         /* its determiner's word, or (size_t)-1 */
    int kind;
} ppp;

static int read_pp(const ptext *x, size_t i, ppp *pp)
{
    const ptok *k = &x->w[i];
    lslex_lang_id lang = x->sc->lang;
    size_t j = i + 1;
    memset(pp, 0, sizeof *pp);
    pnp np;
    if (lang == LSLEX_DE) {
        static const char *const two_way[] = {"in", "an", "auf", "unter", "über", "vor", "hinter", "neben",
                                              "zwischen", NULL};
        char end[4];
        int kind = determiner(LSLEX_DE, k, end, sizeof end);
        if (kind == 'c' && strcmp(end, "m") == 0 && strcmp(k->low, "vom") != 0 && strcmp(k->low, "zum") != 0) {
            /* "im Zimmer", "am Tisch", "beim Ofen" */
            size_t q = j;
            while (q < x->n && q < j + 2 && modifier(x, &x->w[q]))
                q++;
            if (q >= x->n || x->w[q].brk || x->w[q].cast)
                return 0;
            pp->cls = noun_class(x, &x->w[q]);
            pp->a = i, pp->b = q, pp->det = i, pp->kind = 'c';
            return place_class(pp->cls) && !clothing(x, &x->w[q]) &&
                   (strcmp(k->low, "im") != 0 || room_for_someone(x, &x->w[q], 0));
        }
        int bei = strcmp(k->low, "bei") == 0;
        if (!bei && !is_one(k->low, two_way))
            return 0;
        if (j >= x->n || x->w[j].brk || !read_np(x, j, &np) || x->w[np.noun].brk)
            return 0;
        if (!bei && strcmp(np.end, "m") != 0 && strcmp(np.end, "r") != 0)
            return 0; /* "in die Küche": where to, not where */
        if (strcmp(np.end, "r") == 0 && np.kind == 'd' && strcmp(x->w[np.det].low, "der") != 0)
            return 0; /* "dieser", "jener": fine, but "der" only is sure */
    } else {
        static const char *const loc[] = {"dans", "sur", "sous", "devant", "derrière", "contre", "parmi", "entre",
                                          NULL};
        static const char *const near[] = {"près", "auprès", "autour", "loin", "au-dessus", "au-dessous", "au-delà",
                                           NULL};
        static const char *const au_n[] = {"dessus", "dessous", "milieu", "fond", "bord", "pied", "sommet",
                                           "coin", "centre", "bout", NULL};
        if (k->eli[0])
            return 0;
        if (strcmp(k->low, "au") == 0 && j < x->n && !x->w[j].brk && is_one(x->w[j].low, au_n)) {
            j++; /* "au milieu de", "au-dessus du" */
            goto de;
        }
        if (is_one(k->low, near)) {
        de:
            if (j >= x->n || x->w[j].brk)
                return 0;
            if (strcmp(x->w[j].low, "du") == 0 || strcmp(x->w[j].low, "des") == 0) {
                np.det = j;
                np.kind = 'c';
                np.noun = j + 1;
                if (np.noun >= x->n || x->w[np.noun].brk || x->w[np.noun].cast)
                    return 0;
                np.cls = noun_class(x, &x->w[np.noun]);
            } else if (strcmp(x->w[j].eli, "d'") == 0) {
                return 0; /* "d'une": rare, and an article to split */
            } else if (strcmp(x->w[j].low, "de") == 0 && j + 1 < x->n) {
                if (!read_np(x, j + 1, &np))
                    return 0;
            } else {
                return 0;
            }
        } else if (strcmp(k->low, "au") == 0 || strcmp(k->low, "aux") == 0) {
            np.det = i, np.kind = 'c', np.noun = j;
            if (j >= x->n || x->w[j].brk || x->w[j].cast || x->w[j].eli[0])
                return 0;
            np.cls = noun_class(x, &x->w[j]);
            pp->a = i, pp->b = j, pp->cls = np.cls, pp->det = i, pp->kind = 'c';
            return place_class(pp->cls) && room_for_someone(x, &x->w[j], 1);
        } else if (strcmp(k->low, "à") == 0) {
            if (j >= x->n || x->w[j].brk || !read_np(x, j, &np) || (np.det != (size_t)-1 && np.kind != 'd'))
                return 0; /* "à la fenêtre", "à l'arrière"; never "à toute vapeur" */
            if (np.det != (size_t)-1 && !is_one(x->w[np.det].low, (const char *const[]){"la", "les", NULL}))
                return 0;
        } else if (is_one(k->low, loc)) {
            if (j >= x->n || x->w[j].brk || !read_np(x, j, &np))
                return 0;
        } else {
            return 0;
        }
    }
    for (size_t q = i + 1; q <= np.noun; q++)
        if (x->w[q].brk || (q > i + 1 && x->w[q].cast))
            return 0;
    pp->a = i, pp->b = np.noun, pp->cls = np.cls, pp->det = np.det, pp->kind = np.kind;
    if (is_one(k->low, (const char *const[]){"in", "dans", "à", NULL}) &&
        !room_for_someone(x, &x->w[np.noun], strcmp(k->low, "à") == 0))
        return 0;
    return place_class(np.cls) && !clothing(x, &x->w[np.noun]);
}

/* Write a phrase of place, a first- or second-person possessive made the
 * definite article ("in meinem Zimmer" -> "im Zimmer", "dans ma chambre"
 * -> "dans la chambre"). 0 when it cannot be told. */
static int put_pp(const ptext *x, const ppp *pp, char *out, size_t cap)
{
    out[0] = '\0';
    if (pp->kind != '1') {
        put_words(x, pp->a, pp->b, out, cap);
        return out[0] != '\0';
    }
    size_t d = pp->det;
    const char *prep = x->w[d - 1].low;
    if (d != pp->a + 1 && x->sc->lang == LSLEX_DE)
        return 0;
    char art[8];
    if (x->sc->lang == LSLEX_DE) {
        char end[4];
        determiner(LSLEX_DE, &x->w[d], end, sizeof end);
        snprintf(art, sizeof art, "%s", !end[0] ? "das" : strcmp(end, "e") == 0 ? "die" : strcmp(end, "m") == 0 ? "dem"
                                                         : strcmp(end, "r") == 0 ? "der" : strcmp(end, "n") == 0 ? "den" : "des");
        static const char *const fuse[][3] = {{"in", "dem", "im"}, {"an", "dem", "am"}, {"bei", "dem", "beim"},
                                              {"in", "das", "ins"}};
        for (size_t i = 0; i < sizeof fuse / sizeof fuse[0]; i++)
            if (strcmp(prep, fuse[i][0]) == 0 && strcmp(art, fuse[i][1]) == 0) {
                put_words(x, pp->a, pp->a, out, cap);
                size_t o = strlen(out);
                size_t pl = strlen(prep);
                if (o >= pl)
                    out[o - pl] = '\0'; /* the preposition as written ("In") gives way */
                o = strlen(out);
                snprintf(out + o, cap - o, "%s", fuse[i][2]);
                if (x->w[pp->a].upper)
                    ls_cap_first(out + o);
                goto rest;
            }
        put_words(x, pp->a, d - 1, out, cap);
        size_t o = strlen(out);
        snprintf(out + o, cap - o, " %s", art);
    } else {
        const char *a = fr_definite(x->w[d].low, x->w[d + 1].low);
        if (!a)
            return 0;
        put_words(x, pp->a, d - 1, out, cap);
        size_t o = strlen(out);
        if (strcmp(prep, "de") == 0 && (strcmp(a, "le") == 0 || strcmp(a, "les") == 0)) {
            /* "près de mon lit" -> "près du lit" */
            while (o && out[o - 1] != ' ')
                o--;
            out[o] = '\0';
            snprintf(out + o, cap - o, "%s", strcmp(a, "le") == 0 ? "du" : "des");
        } else if (strcmp(a, "l'") == 0) {
            snprintf(out + o, cap - o, " l'");
            put_words(x, d + 1, pp->b, out + strlen(out), cap - strlen(out));
            /* put_words wrote no space before its first word here */
            return 1;
        } else {
            snprintf(out + o, cap - o, " %s", a);
        }
    }
rest:
    put_words(x, d + 1, pp->b, out, cap);
    return 1;
}

/* ---- people */

typedef struct {
    size_t a, b;        /* words [a, b] as written */
    size_t cast;        /* cast index, (size_t)-1 for a person noun */
    int subject;        /* not after a preposition nor in an oblique case */
    char text[96];      /* as a title says it */
} pperson;

static int after_prep(const ptext *x, size_t a)
{
    if (a == 0 || x->w[a].brk)
        return 0;
    const ptok *p = &x->w[a - 1];
    if (x->sc->lang == LSLEX_FR) {
        static const char *const pr[] = {"à", "de", "par", "pour", "avec", "chez", "vers", "sur", "contre", "sans",
                                         "au", "aux", "du", "entre", "près", NULL};
        return is_one(p->low, pr) || strcmp(x->w[a].eli, "d'") == 0;
    }
    unsigned f = lslex_lookup(x->sc->lang, p->low, strlen(p->low), NULL, NULL);
    return (f & (LSLEX_PREP | LSLEX_SPATIAL)) != 0;
}

/* The person starting at word i (a cast name, the narrator's "je"/"ich",
 * or a person noun with its determiner), as a title writes it. */
static int read_person_1(const ptext *x, size_t i, pperson *pe, size_t *next);

/* A person, and a name that follows it at once ("le commandant
 * Farragut", "der Prokurist Herr X") is the same person. */
static int read_person(const ptext *x, size_t i, pperson *pe, size_t *next)
{
    if (!read_person_1(x, i, pe, next))
        return 0;
    while (*next < x->n && x->w[*next].cast && !x->w[*next].brk && pe->cast != (size_t)x->w[*next].cast - 1) {
        size_t b = *next + x->w[*next].cast_len - 1;
        size_t o = strlen(pe->text);
        char words[96] = "";
        put_words(x, *next, b, words, sizeof words);
        if (o + strlen(words) + 2 >= sizeof pe->text)
            break;
        pe->text[o] = ' ';
        memcpy(pe->text + o + 1, words, strlen(words) + 1); /* fits: checked above */
        pe->cast = (size_t)x->w[*next].cast - 1;
        pe->b = b;
        *next = b + 1;
    }
    return 1;
}

static int read_person_1(const ptext *x, size_t i, pperson *pe, size_t *next)
{
    const ls_scenectx *sc = x->sc;
    const ptok *k = &x->w[i];
    memset(pe, 0, sizeof *pe);
    pe->cast = (size_t)-1;
    *next = i + 1;
    if (k->cast) {
        size_t c = (size_t)k->cast - 1;
        const char *name = sc->cast[c].name ? sc->cast[c].name : "";
        pe->cast = c;
        pe->b = i + k->cast_len - 1;
        *next = pe->b + 1;
        /* the words of the name the text writes in lower case before the
         * match: "le capitaine Nemo" for "Capitaine Nemo" */
        size_t a = i;
        const char *sp = strchr(name, ' ');
        while (sp && a > 0 && !x->w[a].brk) {
            char first[40];
            lslex_lower(name, (size_t)(sp - name), first, sizeof first, 0);
            if (strcmp(x->w[a - 1].low, first) != 0)
                break;
            a--;
            name = sp + 1;
            sp = strchr(name, ' ');
        }
        /* an honorific before it: "Madame Bovary", "M. Homais", "Herr Samsa" */
        while (a > 0 && !x->w[a].brk && x->w[a].upper &&
               (lslex_lookup(sc->lang, x->w[a - 1].low, strlen(x->w[a - 1].low), NULL, NULL) & LSLEX_TITLE) &&
               !x->w[a - 1].in_name)
            a--;
        pe->a = a;
        char endb[4];
        int kind = a > 0 && !x->w[a].brk ? determiner(sc->lang, &x->w[a - 1], endb, sizeof endb) : 0;
        int common = !x->w[a].upper || sc->cast[c].role != NULL;
        int elided = sc->lang == LSLEX_FR && strcmp(x->w[a].eli, "l'") == 0;
        if (kind && (kind == 'd' || kind == '1' || kind == '3' || kind == 'c') && common && x->w[a].upper == 0 &&
            sc->lang == LSLEX_FR) {
            const char *art = fr_definite(x->w[a - 1].low, x->w[a].low);
            if (art && (kind != '3'))
                snprintf(pe->text, sizeof pe->text, "%s", art);
        } else if (kind && sc->cast[c].role && sc->lang == LSLEX_DE && x->w[a].upper) {
            int v[3];
            int g = de_gender(sc, x->t, x->tn, x->t + x->w[a].ns, x->w[a].e - x->w[a].ns, v);
            if (v[0] == v[1] && v[0] > v[2] && sc->cast[c].gender)
                g = sc->cast[c].gender == LS_GENDER_FEMALE ? 1 : 0; /* "der Schwester" alone: her sex says */
            if (g >= 0)
                snprintf(pe->text, sizeof pe->text, "%s", g == 0 ? "der" : g == 1 ? "die" : "das");
        }
        pe->subject = !after_prep(x, kind ? a - 1 : a);
        if (sc->lang == LSLEX_DE && kind) {
            if (strcmp(endb, "m") == 0 || strcmp(endb, "s") == 0 || (strcmp(endb, "n") == 0 && kind != 'd'))
                pe->subject = 0;
        }
        if (elided) {
            size_t o = strlen(pe->text);
            snprintf(pe->text + o, sizeof pe->text - o, "%sl'", o ? " " : "");
        }
        char words[96] = "";
        put_words(x, a, pe->b, words, sizeof words);
        size_t o = strlen(pe->text);
        if (elided)
            snprintf(pe->text + o, sizeof pe->text - o, "%s", words + (x->w[a].in_name ? 0 : x->w[a].ns - x->w[a].s));
        else if (sc->lang == LSLEX_DE && !pe->text[0] && sc->cast[c].role && k->cast_len == 1)
            return 0; /* a role noun without its article: "Schwester!" called out */
        else
            snprintf(pe->text + o, sizeof pe->text - o, "%s%s", o && pe->text[o - 1] != '\'' ? " " : "", words);
        if (sc->lang == LSLEX_DE && pe->text[0] && sc->cast[c].role) {
            /* "Schwester" in an oblique case: its nominative */
            char nom[64];
            de_nominative(x->t + x->w[pe->b].ns, x->w[pe->b].e - x->w[pe->b].ns, 1, nom, sizeof nom);
            char *sp2 = strrchr(pe->text, ' ');
            if (sp2)
                snprintf(sp2 + 1, sizeof pe->text - (size_t)(sp2 + 1 - pe->text), "%s", nom);
        }
        return 1;
    }
    int je = sc->lang == LSLEX_FR ? (strcmp(k->eli, "j'") == 0 || strcmp(k->low, "je") == 0 || strcmp(k->low, "moi") == 0)
                                  : strcmp(k->low, "ich") == 0;
    if (je) {
        for (size_t c = 0; c < sc->n_cast; c++)
            if (sc->cast[c].narrator && sc->cast[c].name) {
                pe->a = pe->b = i;
                pe->cast = c;
                pe->subject = strcmp(k->low, "moi") != 0 || (i > 0 && strcmp(x->w[i - 1].low, "et") == 0);
                snprintf(pe->text, sizeof pe->text, "%s", sc->cast[c].name);
                return 1;
            }
        return 0;
    }
    pnp np;
    if (!read_np(x, i, &np) || np.cls != LSWN_N_PERSON)
        return 0;
    if (np.kind == '3' || np.kind == 'c') {
        if (np.kind == 'c')
            return 0;
    }
    pe->a = i;
    pe->b = np.noun;
    *next = np.noun + 1;
    /* "le capitaine Nemo" of the cast's "Capitaine Nemo" */
    for (size_t c = 0; c < sc->n_cast; c++) {
        const char *nm = sc->cast[c].name;
        size_t q = np.noun;
        while (nm && *nm && q < x->n && (q == np.noun || !x->w[q].brk)) {
            size_t l = strcspn(nm, " ");
            char lw[40];
            lslex_lower(nm, l, lw, sizeof lw, 0);
            if (strcmp(lw, x->w[q].low) != 0)
                break;
            nm += l;
            while (*nm == ' ')
                nm++;
            q++;
        }
        if (nm && !*nm && q > np.noun + 1) {
            pe->cast = c;
            pe->b = q - 1;
            *next = q;
            pe->subject = !after_prep(x, i);
            const char *a = sc->lang == LSLEX_FR ? fr_definite(x->w[i].low, x->w[i + 1].low) : NULL;
            snprintf(pe->text, sizeof pe->text, "%s", a ? a : "");
            if (sc->lang == LSLEX_DE) {
                char t[96];
                if (!np_subject(x, &np, t, sizeof t))
                    return 0;
                snprintf(pe->text, sizeof pe->text, "%s", t);
                put_words(x, np.noun + 1, q - 1, pe->text, sizeof pe->text);
                return 1;
            }
            if (a && strcmp(a, "l'") == 0) {
                char rest[96] = "";
                put_words(x, i + 1, q - 1, rest, sizeof rest);
                snprintf(pe->text, sizeof pe->text, "l'%.*s", (int)sizeof pe->text - 3, rest);
            } else {
                put_words(x, i + 1, q - 1, pe->text, sizeof pe->text);
            }
            return 1;
        }
    }
    pe->subject = !after_prep(x, i) && !(sc->lang == LSLEX_DE && (strcmp(np.end, "m") == 0 ||
                                                                     strcmp(np.end, "s") == 0 ||
                                                                     (strcmp(np.end, "n") == 0 && np.kind != 'd')));
    if (np.kind == '3') {
        /* "seine Schwester", "sa mère": the definite article (whose is
         * for the passage to say) */
        np.kind = 'd';
        if (sc->lang == LSLEX_FR) {
            static const char *const m[][2] = {{"son", "le"}, {"sa", "la"}, {"ses", "les"}, {"leur", "le"},
                                               {"leurs", "les"}};
            const char *a = NULL;
            for (size_t q = 0; q < 5; q++)
                if (strcmp(x->w[i].low, m[q][0]) == 0)
                    a = m[q][1];
            if (a && strcmp(x->w[i].low, "leur") == 0)
                a = fr_gender_article(x->w[np.noun].low); /* "leur mère": la mère */
            if (!a)
                return 0;
            if (strcmp(a, "les") != 0 && fr_vowel(x->w[i + 1].low))
                a = (strcmp(x->w[i].low, "son") == 0 || strcmp(x->w[i].low, "leur") == 0) && i + 1 == np.noun ? "l'"
                                                                                                              : a;
            if (strcmp(a, "l'") == 0) {
                char rest[96] = "";
                put_words(x, i + 1, np.noun, rest, sizeof rest);
                snprintf(pe->text, sizeof pe->text, "l'%.*s", (int)sizeof pe->text - 3, rest);
            } else {
                snprintf(pe->text, sizeof pe->text, "%s", a);
                put_words(x, i + 1, np.noun, pe->text, sizeof pe->text);
            }
            return 1;
        }
    }
    return np_subject(x, &np, pe->text, sizeof pe->text);
}

/* ---- the titles */

static int count_words(const char *t)
{
    int n = 0, in = 0;
    for (; *t; t++) {
        if (*t == ' ')
            in = 0;
        else if (!in) {
            in = 1;
            n++;
        }
    }
    return n;
}

static void add_opt(lslex_lang_id lang, char (*opts)[LS_TITLE_OPT], size_t cap, size_t *n, const char *a, const char *join, const char *b)
{
    char t[3 * LS_TITLE_OPT];
    snprintf(t, sizeof t, "%s%s%s%s%s", a, join[0] ? " " : "", join, b[0] ? " " : "", b);
    int wc = count_words(t);
    if (*n >= cap || wc < 2 || wc > 6 || strlen(t) >= LS_TITLE_OPT)
        return;
    ls_cap_first(t);
    for (size_t i = 0; i < *n; i++)
        if (strcmp(opts[i], t) == 0)
            return;
    /* no noun twice ("L'homme et un honnête homme") */
    char ws[8][40];
    size_t nw = 0;
    for (const char *p = t; *p && nw < 8;) {
        while (*p == ' ')
            p++;
        size_t l = strcspn(p, " ");
        const char *q = memchr(p, '\'', l);
        const char *w = q && q + 1 < p + l ? q + 1 : p;
        size_t wl = (size_t)(p + l - w);
        lslex_lower(w, wl, ws[nw], sizeof ws[nw], 0);
        unsigned f = lslex_lookup(lang, ws[nw], strlen(ws[nw]), NULL, NULL);
        if (!(f & (LSLEX_DET | LSLEX_CONJ | LSLEX_STOP | LSLEX_PREP))) {
            for (size_t j = 0; j < nw; j++)
                if (strcmp(ws[j], ws[nw]) == 0)
                    return;
            nw++;
        }
        p += l;
    }
    memcpy(opts[(*n)++], t, strlen(t) + 1); /* shorter than LS_TITLE_OPT, checked above */
}

/* The clause of word i: words [*lo, *hi). */
static void clause_of(const ptext *x, size_t i, size_t *lo, size_t *hi)
{
    size_t a = i, b = i + 1;
    while (a > 0 && x->w[a].brk < 2)
        a--;
    while (b < x->n && x->w[b].brk < 2)
        b++;
    *lo = a, *hi = b;
}

/* The first phrase of place in words [lo, hi) outside [skip_a, skip_b]. */
static int find_pp(const ptext *x, size_t lo, size_t hi, size_t skip_a, size_t skip_b, char *out, size_t cap)
{
    for (size_t i = lo; i < hi; i++) {
        if (i >= skip_a && i <= skip_b)
            continue;
        ppp pp;
        if (read_pp(x, i, &pp) && pp.b < hi && !(pp.a <= skip_b && pp.b >= skip_a) && put_pp(x, &pp, out, cap))
            return 1;
    }
    return 0;
}

/* The first drawable thing of words [lo, hi) outside the person pe, as
 * a subject ("die Tür", "les murs"). */
static int first_thing(const ptext *x, size_t lo, size_t hi, const pperson *pe, char *out, size_t cap, int any)
{
    for (size_t i = lo; i < hi; i++) {
        pnp th;
        if (pe && i >= pe->a && i <= pe->b)
            continue;
        if (!read_np(x, i, &th) || th.cls == LSWN_N_PERSON)
            continue;
        /* "auf diese Weise", "au reste": a noun of no drawable class after
         * its preposition is an adverb of the sentence, no thing */
        static const char *const fused[] = {"au", "aux", "du", NULL};
        if (!drawable_class(th.cls) && (after_prep(x, i) || is_one(x->w[i].low, fused)))
            continue;
        if ((any ? th.cls != LSWN_N_TIME && th.cls != LSWN_N_QUANTITY : drawable_class(th.cls) && th.cls != LSWN_N_FOOD) &&
            np_subject(x, &th, out, cap))
            return 1;
    }
    return 0;
}

/* The passage's other titles, after the usual ones: each person with
 * each place phrase of their clause and each drawable thing of the
 * passage, each two people, each two things (a thing is never put at a
 * place the text did not put it), then each of them alone. */
static void more_titles(const ptext *x, const pperson *ord, size_t no, char (*opts)[LS_TITLE_OPT], size_t cap,
                        size_t *n)
{
    const ls_scenectx *sc = x->sc;
    const char *und = sc->lang == LSLEX_DE ? "und" : "et";
    char things[6][LS_TITLE_OPT], pps[6][LS_TITLE_OPT];
    size_t thing_noun[6], pp_at[6];
    size_t nt = 0, npp = 0;
    /* drawable things first, then nouns the book's dictionary knows but
     * cannot put in English ("le tombeau"): a last title beats a number */
    for (size_t i = 0, pass = 0; pass < 2; i = i + 1 < x->n ? i + 1 : (pass++, 0)) {
        pnp th;
        ppp pp;
        char t[LS_TITLE_OPT];
        if (pass == 0 && npp < 6 && read_pp(x, i, &pp) && put_pp(x, &pp, t, sizeof t)) {
            pp_at[npp] = i;
            memcpy(pps[npp++], t, sizeof t);
        }
        if (nt < 6 && read_np(x, i, &th) && th.cls != LSWN_N_PERSON &&
            (pass == 0 ? drawable_class(th.cls) : th.cls == NOUN_KNOWN) && np_subject(x, &th, t, sizeof t)) {
            int dup = 0;
            for (size_t q = 0; q < nt; q++)
                dup |= strcmp(x->w[thing_noun[q]].low, x->w[th.noun].low) == 0;
            if (!dup) {
                thing_noun[nt] = th.noun;
                memcpy(things[nt++], t, sizeof t);
            }
        }
    }
    for (size_t j = 0; j < no; j++) {
        size_t lo, hi;
        clause_of(x, ord[j].a, &lo, &hi);
        for (size_t q = 0; q < npp && ord[j].subject; q++)
            if (pp_at[q] >= lo && pp_at[q] < hi && (pp_at[q] < ord[j].a || pp_at[q] > ord[j].b))
                add_opt(sc->lang, opts, cap, n, ord[j].text, "", pps[q]);
        for (size_t q = 0; q < nt; q++)
            add_opt(sc->lang, opts, cap, n, ord[j].text, und, things[q]);
        for (size_t k = j + 1; k < no; k++)
            add_opt(sc->lang, opts, cap, n, ord[j].text, und, ord[k].text);
    }
    for (size_t a = 0; a < nt; a++) {
        for (size_t b = a + 1; b < nt; b++)
            if (strncmp(x->w[thing_noun[a]].low, x->w[thing_noun[b]].low, 4) != 0)
                add_opt(sc->lang, opts, cap, n, things[a], und, things[b]);
    }
    /* last, each one alone ("Le père", "Les dents"): where the picture
     * leaves the others out, one of the passage's own is still a title */
    for (size_t j = 0; j < no; j++)
        add_opt(sc->lang, opts, cap, n, ord[j].text, "", "");
    for (size_t a = 0; a < nt; a++)
        add_opt(sc->lang, opts, cap, n, things[a], "", "");
}

static longsd_status phrases(const ls_scenectx *sc, const char *narration, char (*opts)[LS_TITLE_OPT], size_t cap,
                             size_t *n, int more);

longsd_status ls_title_phrases(const ls_scenectx *sc, const char *narration, char (*opts)[LS_TITLE_OPT], size_t cap,
                               size_t *n)
{
    return phrases(sc, narration, opts, cap, n, 0);
}

longsd_status ls_title_phrases_more(const ls_scenectx *sc, const char *narration, char (*opts)[LS_TITLE_OPT],
                                    size_t cap, size_t *n)
{
    return phrases(sc, narration, opts, cap, n, 1);
}

static longsd_status phrases(const ls_scenectx *sc, const char *narration, char (*opts)[LS_TITLE_OPT], size_t cap,
                             size_t *n, int more)
{
    *n = 0;
    if (sc->lang != LSLEX_DE && sc->lang != LSLEX_FR)
        return LONGSD_OK;
    static __thread ptext x; /* 12 KB: off the stack */
    x.sc = sc;
    x.t = narration;
    x.tn = strlen(narration);
    read_text(&x);
    const char *und = sc->lang == LSLEX_DE ? "und" : "et";
    /* the people, in text order, each once */
    pperson ps[8];
    size_t np = 0;
    for (size_t i = 0; i < x.n && np < 8;) {
        size_t next;
        pperson pe;
        if (read_person(&x, i, &pe, &next) && pe.text[0]) {
            int dup = 0;
            for (size_t j = 0; j < np; j++)
                dup |= (pe.cast != (size_t)-1 && ps[j].cast == pe.cast) || lsstr_casecmp_ascii(ps[j].text, pe.text) == 0;
            if (!dup)
                ps[np++] = pe;
            else
                for (size_t j = 0; j < np; j++)
                    if (((pe.cast != (size_t)-1 && ps[j].cast == pe.cast) ||
                         lsstr_casecmp_ascii(ps[j].text, pe.text) == 0) && !ps[j].subject && pe.subject)
                        ps[j] = pe; /* where they act, not where they are spoken to */
        }
        i = next > i ? next : i + 1;
    }
    /* subjects first, the rest after, each in text order */
    pperson ord[8];
    size_t no = 0;
    for (int pass = 1; pass >= 0; pass--)
        for (size_t j = 0; j < np; j++)
            if (ps[j].subject == pass)
                ord[no++] = ps[j];
    char pp[LS_TITLE_OPT];
    for (size_t j = 0; j < no && j < 3; j++) {
        size_t lo, hi;
        clause_of(&x, ord[j].a, &lo, &hi);
        if (ord[j].subject && (find_pp(&x, ord[j].b + 1, hi, ord[j].a, ord[j].b, pp, sizeof pp) ||
                               find_pp(&x, lo, ord[j].a, ord[j].a, ord[j].b, pp, sizeof pp)))
            add_opt(sc->lang, opts, cap, n, ord[j].text, "", pp);
        if (j == 0 && no > 1 && ord[1].subject + ord[0].subject >= 1)
            add_opt(sc->lang, opts, cap, n, ord[0].text, und, ord[1].text);
    }
    if (no > 2)
        add_opt(sc->lang, opts, cap, n, ord[0].text, und, ord[2].text);
    /* a person and a thing of their clause ("Gregor und die Tür"), else
     * the passage's first thing */
    for (size_t j = 0; j < no && j < 2; j++) {
        size_t lo, hi;
        char t[LS_TITLE_OPT];
        clause_of(&x, ord[j].a, &lo, &hi);
        if (first_thing(&x, lo, hi, &ord[j], t, sizeof t, 0))
            add_opt(sc->lang, opts, cap, n, ord[j].text, und, t);
    }
    /* no one: a drawable thing and where it is, else two things */
    char things[2][LS_TITLE_OPT];
    size_t nt = 0;
    int alone = 1; /* the things come after any title of people */
    for (size_t i = 0; i < x.n && (nt < 2 || alone); i++) {
        pnp th;
        char t[LS_TITLE_OPT];
        if (!read_np(&x, i, &th) || th.cls == LSWN_N_PERSON || !drawable_class(th.cls) ||
            !np_subject(&x, &th, t, sizeof t))
            continue;
        size_t lo, hi;
        clause_of(&x, th.noun, &lo, &hi);
        if (alone && find_pp(&x, th.noun + 1, hi < th.noun + 6 ? hi : th.noun + 6, i, th.noun, pp, sizeof pp))
            add_opt(sc->lang, opts, cap, n, t, "", pp);
        int dup = 0;
        for (size_t q = 0; q < nt; q++)
            dup |= strcmp(things[q], t) == 0;
        if (!dup && nt < 2)
            snprintf(things[nt++], sizeof things[0], "%s", t);
        i = th.noun;
    }
    if (no) {
        /* the passage's first thing beside them: more titles to tell
         * two ideas apart */
        char t[LS_TITLE_OPT];
        if (first_thing(&x, 0, x.n, &ord[0], t, sizeof t, 0) || (!*n && first_thing(&x, 0, x.n, &ord[0], t, sizeof t, 1)))
            add_opt(sc->lang, opts, cap, n, ord[0].text, und, t);
    }
    if (alone && nt == 2) {
        /* never the same noun twice ("la chambre et les chambres") */
        const char *a = strrchr(things[0], ' '), *b = strrchr(things[1], ' ');
        a = a ? a + 1 : things[0];
        b = b ? b + 1 : things[1];
        if (strncmp(a, b, 4) != 0)
            add_opt(sc->lang, opts, cap, n, things[0], und, things[1]);
    }
    if (!no && !*n) {
        /* one thing, with the adjective French writes after it: "La
         * voiture noire" */
        for (size_t i = 0; i < x.n; i++) {
            pnp th;
            char t[LS_TITLE_OPT];
            if (!read_np(&x, i, &th) || th.cls == LSWN_N_PERSON || !drawable_class(th.cls) ||
                !np_subject(&x, &th, t, sizeof t))
                continue;
            size_t a = th.noun + 1;
            if (sc->lang == LSLEX_FR && a < x.n && modifier(&x, &x.w[a]))
                put_words(&x, a, a, t, sizeof t);
            add_opt(sc->lang, opts, cap, n, t, "", "");
            break;
        }
    }
    if (!no && !*n) {
        /* nothing drawable: still the passage's own words with their
         * articles ("La situation et les jours"), never a bare roll call */
        char a[LS_TITLE_OPT], b[LS_TITLE_OPT];
        for (size_t i = 0; i < x.n && !*n; i++) {
            pnp th;
            if (!read_np(&x, i, &th) || !np_subject(&x, &th, a, sizeof a))
                continue;
            for (size_t j = th.noun + 1; j < x.n; j++) {
                pnp t2;
                if (read_np(&x, j, &t2) && np_subject(&x, &t2, b, sizeof b) &&
                    strcmp(x.w[t2.noun].low, x.w[th.noun].low) != 0) {
                    add_opt(sc->lang, opts, cap, n, a, und, b);
                    break;
                }
            }
            break;
        }
    }
    if (more)
        more_titles(&x, ord, no, opts, cap, n);
    if (no && !*n && count_words(ord[0].text) >= 2) /* "Le capitaine Nemo": only when nothing else */
        add_opt(sc->lang, opts, cap, n, ord[0].text, "", "");
    return LONGSD_OK;
}
