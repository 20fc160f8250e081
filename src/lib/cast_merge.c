/* cast_merge.c - candidates become characters: first names merged with
 * their full form only on evidence ("Tom" + "Tom Sawyer", but not the
 * book's Jim with a late "Jim Turner"), surnames folded into the one
 * character who owns them, titled forms joined ("Miss Mary Jane" = "Mary
 * Jane"), role-named characters added, places and common words left out.
 * German capitalises every noun, so there a word must be a known name, a
 * speaker ("säd de Butt") or a person noun with an article ("de Fischer"). */
#include <stdlib.h>
#include <string.h>

#include "cast_int.h"
#include "dict.h"
#include "util.h"
#include "wordnet.h"

void ls_cchars_free(cchars *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        longsd__free(cs->v[i].name);
        longsd__free(cs->v[i].full_name);
        longsd__free(cs->v[i].role);
        for (size_t a = 0; a < cs->v[i].n_aliases; a++)
            longsd__free(cs->v[i].aliases[a]);
        longsd__free(cs->v[i].aliases);
    }
    longsd__free(cs->v);
    cs->v = NULL;
    cs->n = cs->cap = 0;
}

static int cchars_add(cchars *cs, const char *name, size_t first)
{
    if (cs->n == cs->cap) {
        size_t ncap = cs->cap ? cs->cap * 2 : 16;
        cchar *nv = longsd__realloc(cs->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        cs->v = nv;
        cs->cap = ncap;
    }
    cchar *c = &cs->v[cs->n];
    memset(c, 0, sizeof *c);
    c->name = longsd__strdup(name);
    c->full_name = longsd__strdup(name);
    c->first = first;
    if (!c->name || !c->full_name) {
        longsd__free(c->name);
        longsd__free(c->full_name);
        return -1;
    }
    return (int)cs->n++;
}

static longsd_status cchar_alias(cchar *c, const char *alias)
{
    if (strcmp(alias, c->name) == 0)
        return LONGSD_OK;
    for (size_t i = 0; i < c->n_aliases; i++)
        if (strcmp(c->aliases[i], alias) == 0)
            return LONGSD_OK;
    if (c->n_aliases == c->cap_aliases) {
        size_t ncap = c->cap_aliases ? c->cap_aliases * 2 : 4;
        char **na = longsd__realloc(c->aliases, ncap * sizeof *na);
        if (!na)
            return LONGSD_ERR_NOMEM;
        c->aliases = na;
        c->cap_aliases = ncap;
    }
    char *d = longsd__strdup(alias);
    if (!d)
        return LONGSD_ERR_NOMEM;
    c->aliases[c->n_aliases++] = d;
    return LONGSD_OK;
}

/* Words of a phrase key: pointers to the first and last word. */
static int entry_cmp_ptr(const void *a, const void *b)
{
    const centry *x = *(const centry *const *)a, *y = *(const centry *const *)b;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    size_t n = x->klen < y->klen ? x->klen : y->klen;
    int r = memcmp(x->key, y->key, n);
    if (r)
        return r;
    return x->klen < y->klen ? -1 : x->klen > y->klen;
}

/* Entries of m with total >= min, sorted (count desc, key). */
static centry **sorted_entries(const cmap *m, size_t min, size_t *n_out)
{
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->e[i].key && m->e[i].total >= min)
            n++;
    centry **v = longsd__malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return NULL;
    n = 0;
    for (size_t i = 0; i < m->cap; i++)
        if (m->e[i].key && m->e[i].total >= min)
            v[n++] = &m->e[i];
    qsort(v, n, sizeof *v, entry_cmp_ptr);
    *n_out = n;
    return v;
}

/* "Italian" and "Italians", "Greek" and "Greeks": a word the dictionary
 * knows as an adjective whose plural the book also capitalises names a
 * people, not a person ("the Italian cardinals"). A first name is no
 * adjective with a plural ("Frank" stays, unless the book has "Franks"). */
static int is_people_word(const cscan *c, const centry *e)
{
    char low[64], pl[66];
    if (e->klen + 2 >= sizeof pl)
        return 0;
    size_t ll = lslex_lower(e->key, e->klen, low, sizeof low, 0);
    lswn_info wi;
    if (!ll || !lswn_lookup(low, &wi) || !wi.adj)
        return 0;
    memcpy(pl, e->key, e->klen);
    pl[e->klen] = 's';
    int oom = 0;
    const centry *p = ls_cmap_get((cmap *)&c->singles, pl, e->klen + 1, 0, &oom);
    return p && p->total >= 2;
}

/* Is the word a noun of a kind of person to WordNet, its commonest sense:
 * a common one ("victor") or one written with a capital ("Jew", "Quaker")?
 * Alone it is no proof: "Victor" is a name that WordNet also reads as a
 * winner; an article or an adjective before it half the time is the rest. */
static int is_person_noun(const centry *e)
{
    char low[64];
    size_t ll = lslex_lower(e->key, e->klen, low, sizeof low, 0);
    lswn_info wi;
    if (!ll || ll >= sizeof low - 1)
        return 0;
    return (lswn_lookup(low, &wi) && wi.noun && wi.noun_lex[0] == LSWN_N_PERSON) || lswn_capitalised_person_kind(low);
}

/* May this single capitalised word name a character on its own? */
static int single_qualifies(const cscan *c, const centry *e)
{
    unsigned f = ls_cast_word_flags(c->lang, e->key, e->klen);
    if (f & NOT_NAME_FLAGS)
        return 0;
    if (e->prep * 3 > e->total)
        return 0; /* "in Petersburg", "to Missouri": a place */
    if (c->lang == LSLEX_DE) {
        /* every noun is capitalised: demand evidence of a character */
        if (f & LSLEX_NAME)
            return 1;
        if (f & (LSLEX_PLACE | LSLEX_OBJECT | LSLEX_LIGHT | LSLEX_ABSTRACT | LSLEX_ACTION))
            return 0;
        int noun = ls_dict_de_noun(e->key, e->klen);
        if ((f & LSLEX_PERSON) && e->det * 2 >= e->total && noun != 2)
            return 1; /* "de Fischer", "der Kapitän": named by what they are (not "des Königs") */
        /* "Welt", "Kopf", "Königs": a noun of the dictionary, unless it
         * keeps speaking ("säd de Butt") */
        if (noun && e->speech < 2)
            return 0;
        if (e->speech >= 1)
            return 1;
        /* not in the dictionary is no proof of a name: dialect and the old
         * spelling of 19th-century books ("Thür", "Schloß") are not in it */
        return 0;
    }
    if (c->lang == LSLEX_FR) {
        /* "Paris", "Bretagne": a proper noun of the dictionary that is no
         * first name, unless it keeps speaking ("dit Nantes") */
        unsigned fr = ls_dict_fr(e->key, e->klen);
        if ((fr & LS_FR_PROPER) && !(fr & LS_FR_FIRST_NAME) && e->speech < 2)
            return 0;
        if (fr & LS_FR_FIRST_NAME)
            f |= LSLEX_NAME;
        /* "la lampe Ruhmkorff", "l'océan Indien": a thing named after
         * someone, unless that someone speaks in the book */
        if (e->thing * 3 >= e->total && e->speech == 0)
            return 0;
    }
    /* "the Italian sculptors", "Latin verse": an adjective of a people or
     * a language, however often it recurs, unless it speaks */
    if (c->lang == LSLEX_EN && e->thing * 3 >= e->total && e->speech == 0)
        return 0;
    if (e->mid == 0 && !(f & LSLEX_NAME))
        return 0;
    if (e->det * 2 > e->total)
        return 0; /* "the Sloughi", "the Shepherdsons": a ship, a family, a thing */
    if (c->lang == LSLEX_EN && !(f & LSLEX_NAME) && (e->det + e->adj) * 2 >= e->total && is_person_noun(e))
        return 0; /* "the Jew", "the old Jew": a person noun the book capitalises, no name */
    char low[64];
    size_t ll = lslex_lower(e->key, e->klen, low, sizeof low, 1);
    int oom = 0;
    centry *lw = ls_cmap_get((cmap *)&c->lower, low, ll, 0, &oom);
    if (lw && lw->total > ((f & LSLEX_NAME) ? 3 * e->total : e->mid))
        return 0; /* "Will" / "will": a common word ("ben" for "been" does not sink Ben) */
    if (f & (LSLEX_PLACE | LSLEX_OBJECT | LSLEX_LIGHT | LSLEX_ABSTRACT | LSLEX_ACTION))
        if (!(f & (LSLEX_NAME | LSLEX_PERSON)))
            return 0;
    if (c->lang == LSLEX_EN && !(f & LSLEX_NAME) && is_people_word(c, e))
        return 0;
    return 1;
}

/* First words of mountains, lakes, capes and rivers, as the three
 * languages (and the Romance names English books keep) write them. */
static int geo_word(const char *w, size_t n)
{
    static const char *const geo[] = {"Mont", "Monte", "Mount", "Lac", "Lago", "Lake", "Loch", "Cap", "Cape",
                                      "Rio", "R\xC3\xADo" /* Río */, "Sierra", "Piz", "Sankt", "Golfe"};
    for (size_t i = 0; i < sizeof geo / sizeof geo[0]; i++)
        if (strlen(geo[i]) == n && !memcmp(geo[i], w, n))
            return 1;
    return 0;
}

static int phrase_is_place(const cscan *c, const centry *e)
{
    size_t fl, ll;
    const char *last;
    ls_cast_phrase_ends(e->key, e->klen, &fl, &last, &ll);
    unsigned ff = ls_cast_word_flags(c->lang, e->key, fl);
    unsigned lf = ls_cast_word_flags(c->lang, last, ll);
    if (ff & LSLEX_PLACEWORD)
        return 1; /* St. Petersburg, New York, Great Sahara */
    if (geo_word(e->key, fl))
        return 1; /* Mont Blanc, Lac Léman, Cap Horn: in any of the three languages */
    if (lf & LSLEX_PLACE) {
        /* Cardiff Hill, Jackson Island, McDougal Cave; but "Ned Land" is a
         * man: a known first name, or a speaker ("said Ned Land"), never
         * gone to ("to Jackson Island") */
        int person = ((ff & LSLEX_NAME) && !(ff & LSLEX_PLACE)) || e->speech >= 1;
        return !person || e->prep * 4 > e->total;
    }
    if (e->prep * 2 > e->total)
        return 1;
    if ((ff | lf) & (LSLEX_DIVINE | LSLEX_CALENDAR | LSLEX_HEADING))
        return 1;
    return 0;
}

/* A character does something at least once in the book: a verb follows
 * the name ("Jim went", "Conseil répondit") or a speech verb comes before
 * it ("said Jim"). German puts the verb before the subject as often as
 * after, so there the other evidence (dictionary, speech) decides. */
static int ever_acts(const cscan *c, const centry *e)
{
    return c->lang == LSLEX_DE || e->acts + e->speech > 0;
}

static int same_initial(const char *a, const char *b) { return a[0] && a[0] == b[0]; }

/* Is every word of the phrase a German dictionary noun? */
static int all_dict_nouns(const char *key, size_t kl)
{
    size_t a = 0;
    while (a < kl) {
        size_t b = a;
        while (b < kl && key[b] != ' ')
            b++;
        if (!ls_dict_de_noun(key + a, b - a))
            return 0;
        a = b + 1;
    }
    return 1;
}

/* "Gregors Rücken", "Annas Hand": a name in the genitive -s (the name is
 * met on its own) before a dictionary noun. */
static int de_genitive_noun(const cscan *c, const centry *p)
{
    const char *sp = memchr(p->key, ' ', p->klen);
    if (!sp || memchr(sp + 1, ' ', p->klen - (size_t)(sp + 1 - p->key)))
        return 0;
    size_t fl = (size_t)(sp - p->key);
    if (fl < 3 || p->key[fl - 1] != 's')
        return 0;
    int oom = 0;
    const centry *name = ls_cmap_get((cmap *)&c->singles, p->key, fl - 1, 0, &oom);
    return name && name->total >= 2 && ls_dict_de_noun(sp + 1, p->klen - fl - 1);
}

/* Surname of a full name: its last word, "" for a single word. */
static const char *surname(const char *full)
{
    const char *sp = strrchr(full, ' ');
    return sp ? sp + 1 : "";
}

static int by_name_ptr(const void *a, const void *b)
{
    const cchar *x = *(const cchar *const *)a, *y = *(const cchar *const *)b;
    return strcmp(x->name, y->name);
}

/* "Huck", "Hucky", "Huckleberry (Finn)": one-word names where one is the
 * start of the other and neither the surnames nor the sexes the words
 * say disagree are one character;
 * the most mentioned form keeps the name. Names sorted, so the longer forms
 * of a name follow it directly: no all-pairs loop. */
static int word_sex(const cscan *c, const char *w, size_t n);

/* Is name b = a + a feminine ending of a first name ("-a", "-ia", "-ina",
 * "-ine", "-ette", "-e": Victor/Victoria, Paul/Pauline, Louis/Louise) to
 * a short form a that ends in a consonant and is not itself a woman's
 * name? "Hucky" and "Huckleberry" add no such ending. */
static int feminine_form(const cscan *c, const char *a, size_t la, const char *b)
{
    static const char *const ends[] = {"a", "ia", "ina", "ine", "ette", "elle", "e"};
    char last = (char)(a[la - 1] | 32);
    if (strchr("aeiouy", last) || word_sex(c, a, la) == LS_GENDER_FEMALE)
        return 0;
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        if (!strcmp(b + la, ends[i]))
            return 1;
    return 0;
}

static longsd_status merge_short_forms(const cscan *c, cchars *cs)
{
    cchar **ix = longsd__malloc((cs->n ? cs->n : 1) * sizeof *ix);
    if (!ix)
        return LONGSD_ERR_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < cs->n; i++)
        if (cs->v[i].name && !strchr(cs->v[i].name, ' ') && cs->v[i].mentions > 0)
            ix[m++] = &cs->v[i];
    if (m > 1)
        qsort(ix, m, sizeof *ix, by_name_ptr);
    longsd_status st = LONGSD_OK;
    for (size_t p = 0; p < m && !st; p++) {
        cchar *a = ix[p];
        size_t la = strlen(a->name);
        if (la < 3)
            continue;
        for (size_t q = p + 1; q < m && !st && strncmp(ix[q]->name, a->name, la) == 0; q++) {
            cchar *b = ix[q];
            if (a->mentions == 0 || b->mentions == 0 || strlen(b->name) <= la)
                continue;
            const char *sa = surname(a->full_name), *sb = surname(b->full_name);
            if (sa[0] && sb[0] && strcmp(sa, sb) != 0)
                continue;
            /* "Victor" and "Victoria", "Paul" and "Pauline": the feminine
             * ending of English and Romance first names makes another person */
            if (feminine_form(c, a->name, la, b->name))
                continue;
            /* "König" and "Königin", "Louis" and "Louise": the words say two sexes */
            int xa = word_sex(c, a->name, la), xb = word_sex(c, b->name, strlen(b->name));
            if (xa && xb && xa != xb)
                continue;
            /* fold the less mentioned into the more mentioned */
            cchar *keep = a->mentions >= b->mentions ? a : b;
            cchar *gone = keep == a ? b : a;
            keep->mentions += gone->mentions;
            gone->mentions = 0;
            st = cchar_alias(keep, gone->name);
            if (!st && strcmp(gone->full_name, gone->name) != 0)
                st = cchar_alias(keep, gone->full_name);
            for (size_t k = 0; !st && k < gone->n_aliases; k++)
                st = cchar_alias(keep, gone->aliases[k]);
            if (!st && !surname(keep->full_name)[0] && surname(gone->full_name)[0]) {
                char *fn = longsd__strdup(gone->full_name);
                if (!fn) {
                    st = LONGSD_ERR_NOMEM;
                    break;
                }
                longsd__free(keep->full_name);
                keep->full_name = fn;
            }
        }
    }
    longsd__free(ix);
    return st;
}

/* May "Tom Sawyer" give its full name to "Tom"? Only on evidence that they
 * are one person: the full form is not rare beside the first name, or it
 * is how the first name came in (seen first, or soon after). Otherwise a
 * late "Jim Turner" would take over the book's Jim. The surname said on
 * its own ("monsieur Pontmercy", "le baron Pontmercy") counts with the
 * full form: a man the book keeps calling by his surname is one of its
 * people, not a namesake met once in passing (the robber's surname is
 * never said without his first name). */
#define FULL_FORM_NEAR 20 /* sentences */
static int full_form_evidence(const cscan *c, const centry *first, const centry *full)
{
    size_t fl, ll;
    const char *last;
    ls_cast_phrase_ends(full->key, full->klen, &fl, &last, &ll);
    size_t n = full->total;
    int oom = 0;
    const centry *sur = ll ? ls_cmap_get((cmap *)&c->singles, last, ll, 0, &oom) : NULL;
    if (sur && sur->qualifies > 0 && sur != first)
        n += sur->total;
    if (n * 20 >= first->total)
        return 1;
    return full->first <= first->first + FULL_FORM_NEAR;
}

/* Fold character `gone` into `keep` (names become aliases). */
static longsd_status fold_into(cchar *keep, cchar *gone)
{
    longsd_status st = LONGSD_OK;
    keep->mentions += gone->mentions;
    gone->mentions = 0;
    st = cchar_alias(keep, gone->name);
    if (!st && strcmp(gone->full_name, gone->name) != 0)
        st = cchar_alias(keep, gone->full_name);
    for (size_t k = 0; !st && k < gone->n_aliases; k++)
        st = cchar_alias(keep, gone->aliases[k]);
    if (!st && !keep->role && gone->role) {
        keep->role = gone->role;
        gone->role = NULL;
    }
    return st;
}

/* "Miss Mary Jane" and "Mary Jane", "Kapitän Nemo" and "Nemo": a title
 * before a name another character already has is the same person. */
static longsd_status fold_titled(const cscan *c, cchars *cs)
{
    cmap names = {0};
    longsd_status st = LONGSD_OK;
    int oom = 0;
    for (size_t i = 0; i < cs->n && !st; i++) {
        const cchar *ch = &cs->v[i];
        if (!ch->mentions || ch->role)
            continue;
        /* and the surname of a full name ("Charles Bovary" for "M. Bovary"),
         * unless the full name starts with a title */
        const char *forms[3] = {ch->name, ch->full_name, NULL};
        const char *sp = strchr(ch->full_name, ' ');
        if (sp && !(ls_cast_word_flags(c->lang, ch->full_name, (size_t)(sp - ch->full_name) -
                                                                   (sp[-1] == '.')) & LSLEX_TITLE))
            forms[2] = strrchr(ch->full_name, ' ') + 1;
        for (int k = 0; k < 3 && forms[k]; k++) {
            if (k == 2 && !strcmp(forms[2], ch->name))
                continue;
            centry *e = ls_cmap_get(&names, forms[k], strlen(forms[k]), 1, &oom);
            if (!e) {
                st = LONGSD_ERR_NOMEM;
                break;
            }
            if (e->total == 0)
                e->character = (int)i;
            else if (e->character != (int)i)
                e->qualifies = -1;
            e->total++;
        }
    }
    for (size_t i = 0; i < cs->n && !st; i++) {
        cchar *ch = &cs->v[i];
        const char *sp = strchr(ch->name, ' ');
        if (!ch->mentions || !sp)
            continue;
        size_t fl = (size_t)(sp - ch->name);
        if (fl && ch->name[fl - 1] == '.')
            fl--;
        if (!(ls_cast_word_flags(c->lang, ch->name, fl) & LSLEX_TITLE))
            continue;
        const char *rest = sp + 1;
        centry *e = ls_cmap_get(&names, rest, strlen(rest), 0, &oom);
        if (!e || e->qualifies == -1 || e->character == (int)i)
            continue;
        cchar *other = &cs->v[e->character];
        if (!other->mentions)
            continue;
        /* "Lady Henry" is Henry's wife, not Henry: the title and the
         * first name say two sexes */
        int ts = word_sex(c, ch->name, fl), os = word_sex(c, other->name, strcspn(other->name, " "));
        if (ts && os && ts != os)
            continue;
        cchar *keep = other->mentions >= ch->mentions ? other : ch;
        st = fold_into(keep, keep == other ? ch : other);
    }
    ls_cmap_free(&names);
    return st;
}

/* Sex a word says: 1 male, 2 female, 0 unknown (lexicon, then the French
 * dictionary's first names). */
static int word_sex(const cscan *c, const char *w, size_t n)
{
    unsigned f = ls_cast_word_flags(c->lang, w, n);
    if ((f & LSLEX_MALE) && !(f & LSLEX_FEMALE))
        return 1;
    if ((f & LSLEX_FEMALE) && !(f & LSLEX_MALE))
        return 2;
    if (c->lang == LSLEX_FR) {
        unsigned fr = ls_dict_fr(w, n);
        if ((fr & LS_FR_FIRST_NAME) && (fr & LS_FR_MASC) && !(fr & LS_FR_FEM))
            return 1;
        if ((fr & LS_FR_FIRST_NAME) && (fr & LS_FR_FEM) && !(fr & LS_FR_MASC))
            return 2;
    }
    return 0;
}

/* "Charles" and "M. Bovary" are one man when the book says "Charles
 * Bovary" (even once): the first name's sex agrees with the title's, and
 * no other titled character of that sex bears the surname. */
static longsd_status link_full_forms(const cscan *c, cchars *cs)
{
    cmap by_name = {0}, by_rest[2] = {{0}, {0}};
    longsd_status st = LONGSD_OK;
    int oom = 0;
    for (size_t i = 0; i < cs->n && !st; i++) {
        const cchar *ch = &cs->v[i];
        if (!ch->mentions || ch->role)
            continue;
        const char *sp = strchr(ch->name, ' ');
        centry *e = NULL;
        if (!sp) {
            if (strcmp(ch->full_name, ch->name))
                continue; /* has a surname already */
            e = ls_cmap_get(&by_name, ch->name, strlen(ch->name), 1, &oom);
        } else if (!strchr(sp + 1, ' ')) {
            size_t tl = (size_t)(sp - ch->name);
            if (!(ls_cast_word_flags(c->lang, ch->name, tl - (ch->name[tl - 1] == '.')) & LSLEX_TITLE))
                continue;
            int sex = word_sex(c, ch->name, tl - (ch->name[tl - 1] == '.'));
            if (!sex)
                continue;
            e = ls_cmap_get(&by_rest[sex - 1], sp + 1, strlen(sp + 1), 1, &oom);
        } else {
            continue;
        }
        if (!e) {
            st = oom ? LONGSD_ERR_NOMEM : LONGSD_OK;
            break;
        }
        if (e->total++ == 0)
            e->character = (int)i;
        else
            e->character = -1; /* two of them: ambiguous */
    }
    for (size_t k = 0; k < c->phrases.cap && !st; k++) {
        const centry *p = &c->phrases.e[k];
        if (!p->key)
            continue;
        const char *sp = memchr(p->key, ' ', p->klen);
        if (!sp || memchr(sp + 1, ' ', p->klen - (size_t)(sp + 1 - p->key)))
            continue;
        size_t fl = (size_t)(sp - p->key);
        centry *a = ls_cmap_get(&by_name, p->key, fl, 0, &oom);
        if (!a || a->character < 0)
            continue;
        int sex = word_sex(c, p->key, fl);
        if (!sex)
            continue;
        centry *b = ls_cmap_get(&by_rest[sex - 1], sp + 1, p->klen - fl - 1, 0, &oom);
        if (!b || b->character < 0 || b->character == a->character)
            continue;
        cchar *A = &cs->v[a->character], *B = &cs->v[b->character];
        if (!A->mentions || !B->mentions)
            continue;
        char *fn = longsd__strndup(p->key, p->klen);
        if (!fn) {
            st = LONGSD_ERR_NOMEM;
            break;
        }
        cchar *keep = A->mentions >= B->mentions ? A : B;
        st = fold_into(keep, keep == A ? B : A);
        if (!st && keep == A) {
            longsd__free(A->full_name);
            A->full_name = fn;
            fn = NULL;
        }
        if (!st)
            st = cchar_alias(keep, p->key);
        longsd__free(fn);
        a->character = b->character = -1; /* once */
    }
    ls_cmap_free(&by_name);
    ls_cmap_free(&by_rest[0]);
    ls_cmap_free(&by_rest[1]);
    return st;
}

/* Role-named characters ("the king", "le capitaine") that recur and act.
 * When one named character carries that title ("Widow Douglas" for "the
 * widow"), the role is theirs; else the role is a character of its own. */
#define ROLE_MIN 5
#define ROLE_MIN_ACTS 2
static longsd_status add_roles(const cscan *c, cchars *cs)
{
    longsd_status st = LONGSD_OK;
    for (size_t r = 0; r < c->roles.cap && !st; r++) {
        const centry *e = &c->roles.e[r];
        if (!e->key || e->total < ROLE_MIN || e->speech < ROLE_MIN_ACTS)
            continue;
        const char *noun = strchr(e->key, ' ') + 1;
        size_t nl = strlen(noun);
        /* a named character with this title: the only one */
        int owner = -1, several = 0;
        for (size_t i = 0; i < cs->n; i++) {
            const cchar *ch = &cs->v[i];
            char low[64];
            const char *sp = ch->mentions ? strchr(ch->name, ' ') : NULL;
            if (!sp)
                continue;
            size_t ll = lslex_lower(ch->name, (size_t)(sp - ch->name), low, sizeof low, 0);
            if (ll && low[ll - 1] == '.')
                ll--;
            if (ll == nl && !memcmp(low, noun, nl)) {
                several |= owner >= 0;
                owner = (int)i;
            }
        }
        char *role = longsd__strdup(noun);
        if (!role)
            return LONGSD_ERR_NOMEM;
        /* the title's bearer takes the role only when that name is his in
         * the story: it acts or speaks ("the Widow Douglas said"), not a
         * name met once in passing ("King Lear's outfit" for a king who
         * plays Lear one night) */
        if (owner >= 0 && !several && cs->v[owner].acts >= 1) {
            cchar *ch = &cs->v[owner];
            ch->mentions += e->total;
            st = cchar_alias(ch, e->key);
            if (!ch->role)
                ch->role = role, role = NULL;
            longsd__free(role);
            continue;
        }
        int idx = cchars_add(cs, e->key, e->first);
        if (idx < 0) {
            longsd__free(role);
            return LONGSD_ERR_NOMEM;
        }
        cs->v[idx].mentions = e->total;
        cs->v[idx].role = role;
        cs->v[idx].title_named = 1;
    }
    return st;
}

/* Does character ch bear the surname sur (its full name or a form of
 * address among its names ends in it: "Basil Hallward", "Mr. Hallward")? */
static int bears_surname(const cchar *ch, const char *sur, size_t sl)
{
    const char *f = surname(ch->full_name);
    if (strlen(f) == sl && !memcmp(f, sur, sl))
        return 1;
    for (size_t a = 0; a < ch->n_aliases; a++) {
        f = surname(ch->aliases[a]);
        if (strlen(f) == sl && !memcmp(f, sur, sl))
            return 1;
    }
    return 0;
}

/* A surname left to nobody because several forms claimed it ("Basil
 * Hallward", "Mr. Hallward") belongs, once those forms are folded into one
 * person, to that person: "Hallward" alone is Basil, not a stranger. Still
 * nobody's when two live characters bear it (the Thatchers). */
static longsd_status claim_surnames(cchars *cs, centry **si, size_t n_si, cmap *owners)
{
    longsd_status st = LONGSD_OK;
    for (size_t i = 0; i < n_si && !st; i++) {
        centry *e = si[i];
        if (e->character >= 0 || !e->qualifies)
            continue;
        int oom = 0;
        const centry *own = ls_cmap_get(owners, e->key, e->klen, 0, &oom);
        if (!own || own->qualifies != -1)
            continue;
        int who = -1;
        for (size_t k = 0; k < cs->n && who != -2; k++)
            if (cs->v[k].mentions && !cs->v[k].role && bears_surname(&cs->v[k], e->key, e->klen))
                who = who == -1 ? (int)k : -2;
        if (who < 0)
            continue;
        cchar *ch = &cs->v[who];
        ch->mentions += e->total;
        st = cchar_alias(ch, e->key);
        e->character = who;
    }
    return st;
}

/* A surname two characters share ("Becky Thatcher", "Judge Thatcher") is
 * nobody's alone; but a name met alone this many times more often than
 * in all its titled or full forms together, and acting, is a character
 * of its own, and the titled forms fold into it (fold_titled). */
#define SELF_OWNED 3
longsd_status ls_cast_build(cscan *c, cchars *cs)
{
    longsd_status st = LONGSD_OK;
    size_t n_ph = 0, n_si = 0;
    centry **ph = sorted_entries(&c->phrases, 2, &n_ph);
    centry **si = sorted_entries(&c->singles, 1, &n_si);
    /* surname -> owner: -1 none yet, -2 ambiguous (kept in a map) */
    cmap owners = {0};
    cmap firsts = {0}; /* first word of a phrase-named character -> it ("Muff" -> Muff Potter) */
    if (!ph || !si) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < n_si; i++)
        si[i]->qualifies = single_qualifies(c, si[i]);

    for (size_t i = 0; i < n_ph; i++) {
        centry *p = ph[i];
        if (phrase_is_place(c, p))
            continue;
        if (c->lang == LSLEX_DE && p->mid == 0)
            continue;
        if (!ever_acts(c, p))
            continue; /* "Mont Blanc", "Dernier Jour": named, never doing */
        if (c->lang == LSLEX_DE && !(ls_cast_word_flags(c->lang, p->key, strcspn(p->key, " .")) & LSLEX_TITLE) &&
            all_dict_nouns(p->key, p->klen))
            continue; /* "Uhr Abends", "Schloß Garten": nouns, not a name */
        if (c->lang == LSLEX_DE && de_genitive_noun(c, p))
            continue; /* "Gregors Rücken": his back, not a person */
        size_t fl, ll;
        const char *last;
        ls_cast_phrase_ends(p->key, p->klen, &fl, &last, &ll);
        unsigned ff = ls_cast_word_flags(c->lang, p->key, fl);
        int oom = 0;
        centry *first_single = ls_cmap_get(&c->singles, p->key, fl, 0, &oom);
        int idx = -1;
        if (ff & LSLEX_TITLE) {
            idx = cchars_add(cs, p->key, p->first);
            if (idx < 0) {
                st = LONGSD_ERR_NOMEM;
                goto out;
            }
            cs->v[idx].title_named = 1;
            cs->v[idx].mentions = p->total;
            cs->v[idx].full_count = p->total;
            cs->v[idx].acts = p->acts + p->speech;
        } else if (first_single && first_single->qualifies && first_single->total >= p->total &&
                   full_form_evidence(c, first_single, p)) {
            /* "Tom" + "Tom Sawyer": the first name is the character */
            if (first_single->character < 0) {
                char nm[128];
                size_t k = fl < sizeof nm - 1 ? fl : sizeof nm - 1;
                memcpy(nm, p->key, k);
                nm[k] = '\0';
                idx = cchars_add(cs, nm, first_single->first);
                if (idx < 0) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                first_single->character = idx;
                cs->v[idx].mentions = first_single->total;
            }
            idx = first_single->character;
            cchar *ch = &cs->v[idx];
            ch->mentions += p->total;
            if (p->total > ch->full_count) {
                char *fn = longsd__strdup(p->key);
                if (!fn) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                longsd__free(ch->full_name);
                ch->full_name = fn;
                ch->full_count = p->total;
            }
            if ((st = cchar_alias(ch, p->key)))
                goto out;
        } else {
            /* "Injun Joe", "Muff Potter"; or "Huckleberry Finn" / "Thomas
             * Sawyer" when a character of the same initial owns the surname */
            centry *own = ls_cmap_get(&owners, last, ll, 0, &oom);
            if (own && own->character >= 0 && own->qualifies != -1 && !cs->v[own->character].title_named &&
                same_initial(cs->v[own->character].name, p->key)) {
                idx = own->character;
                cs->v[idx].mentions += p->total;
                if ((st = cchar_alias(&cs->v[idx], p->key)))
                    goto out;
            } else {
                idx = cchars_add(cs, p->key, p->first);
                if (idx < 0) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                cs->v[idx].title_named = 1;
                cs->v[idx].mentions = p->total;
                cs->v[idx].full_count = p->total;
            }
        }
        if (!(ff & LSLEX_TITLE) && !(first_single && first_single->character == idx)) {
            centry *fo = ls_cmap_get(&firsts, p->key, fl, 1, &oom);
            if (!fo) {
                st = LONGSD_ERR_NOMEM;
                goto out;
            }
            if (fo->total == 0)
                fo->character = idx;
            else if (fo->character != idx)
                fo->qualifies = -1;
            fo->total++;
            /* "Jim" is not "Jim Turner" when the full form is rare and late:
             * the first name stays a character of its own */
            if (first_single && first_single->qualifies && first_single->total >= p->total)
                fo->qualifies = -1;
        }
        /* the last word (surname) now belongs to idx, or to nobody if shared */
        if (ll && !(ls_cast_word_flags(c->lang, last, ll) & NOT_NAME_FLAGS)) {
            centry *own = ls_cmap_get(&owners, last, ll, 1, &oom);
            if (!own) {
                st = LONGSD_ERR_NOMEM;
                goto out;
            }
            if (own->total == 0)
                own->character = idx;
            else if (own->character != idx)
                own->qualifies = -1; /* ambiguous */
            own->total++;
            own->mid += p->total; /* occurrences of the full forms, to weigh the name alone against */
        }
    }

    for (size_t i = 0; i < n_si; i++) {
        centry *e = si[i];
        if (e->character >= 0)
            continue; /* a first name already placed (its count is in) */
        if (!e->qualifies)
            continue;
        int oom = 0;
        centry *own = ls_cmap_get(&owners, e->key, e->klen, 0, &oom);
        if (!own) {
            own = ls_cmap_get(&firsts, e->key, e->klen, 0, &oom);
            if (own && own->qualifies == -1)
                own = NULL;
        }
        if (own && own->qualifies == -1 && e->total >= SELF_OWNED * own->mid && e->acts + e->speech >= 2)
            own = NULL; /* "Emir X", "Herr X" now and then, X alone on every page: X is the hero */
        if (own) {
            if (own->qualifies == -1)
                continue; /* "Thatcher": Becky, Judge and Mrs. Thatcher */
            cchar *ch = &cs->v[own->character];
            ch->mentions += e->total;
            if ((st = cchar_alias(ch, e->key)))
                goto out;
            e->character = own->character;
            continue;
        }
        if (!ever_acts(c, e))
            continue; /* a refrain, a ship, a word of the title: never doing */
        int idx = cchars_add(cs, e->key, e->first);
        if (idx < 0) {
            st = LONGSD_ERR_NOMEM;
            goto out;
        }
        cs->v[idx].mentions = e->total;
        e->character = idx;
    }
    if (!st)
        st = add_roles(c, cs);
    if (!st)
        st = fold_titled(c, cs);
    if (!st)
        st = link_full_forms(c, cs);
    if (!st)
        st = merge_short_forms(c, cs);
    if (!st)
        st = claim_surnames(cs, si, n_si, &owners);
out:
    longsd__free(ph);
    longsd__free(si);
    ls_cmap_free(&owners);
    ls_cmap_free(&firsts);
    return st;
}
