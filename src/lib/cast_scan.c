/* cast_scan.c - finding the candidates: runs of capitalised words counted
 * where they are not sentence-initial, with the words around them (an
 * article, a preposition, a speech verb before), titles kept ("Aunt
 * Polly", "Mr. Dobbins"), and role nouns that act ("the king went",
 * "said the duke"). */
#include <string.h>

#include "cast_int.h"
#include "translate.h"
#include "util.h"
#include "wordnet.h"

static int tok_is_verb(const cscan *c, const ctok *name, const ctok *v);
static int tok_is(const cscan *c, const ctok *t, const char *w);

static int tok_is_name_word(const ctok *t)
{
    return t->upper && !t->all_upper && (t->end - t->start) >= 2 && !(t->flags & NOT_NAME_FLAGS);
}

static int tok_is_title(const ctok *t)
{
    return t->upper && !t->all_upper && (t->flags & LSLEX_TITLE) && !(t->flags & (LSLEX_DIVINE | LSLEX_PRONOUN));
}

/* Between two words of a name only spaces, or ". " after an abbreviation
 * title (Mr. Dr. St.), may stand. */
static int joins(const cscan *c, const ctok *a, const ctok *b)
{
    const char *d = c->s->data;
    size_t i = a->end;
    if (a->klen_cut)
        return 0; /* "Miss Watson's Jim": the possessive ends a name, Jim is another */
    if (i < b->start && d[i] == '.' && tok_is_title(a) && (a->end - a->start) <= 3)
        i++;
    if (i == b->start)
        return 0;
    for (; i < b->start; i++)
        if (d[i] != ' ' && d[i] != '\t' && d[i] != '\n' && d[i] != '\r')
            return 0;
    return 1;
}

/* Is the run [i, j) someone spoken to or naming themselves: "Where have
 * you been, Davy?", "-- Vous arrivez, monsieur Durand, dit-il", "my name
 * is Davy", "je m'appelle", "ich heiße"? */
static int is_addressed(const cscan *c, size_t i, size_t j)
{
    const char *d = c->s->data, *sd = d + c->s->len;
    if (i >= 2 && tok_is(c, &c->tok[i - 1], "is") && tok_is(c, &c->tok[i - 2], "name"))
        return 1;
    if (i >= 1 && (tok_is(c, &c->tok[i - 1], "m'appelle") || tok_is(c, &c->tok[i - 1], "appelle") ||
                   tok_is(c, &c->tok[i - 1], "hei\xC3\x9F" "e")))
        return 1;
    /* after: a comma, ! or ? */
    const char *p = d + c->tok[j - 1].end;
    while (p < sd && *p == ' ')
        p++;
    if (p >= sd || (*p != ',' && *p != '!' && *p != '?'))
        return 0;
    /* before: a form of address may stand ("monsieur", "Mr."), then a
     * comma, a quotation mark, a dash, or the start of the sentence */
    size_t b = i;
    if (b > 0 && (c->tok[b - 1].flags & LSLEX_TITLE) && !c->tok[b - 1].upper)
        b--;
    size_t from = b > 0 ? c->tok[b - 1].end : c->sent_start;
    for (size_t k = c->tok[b].start; k > from; k--) {
        unsigned char ch = (unsigned char)d[k - 1];
        if (ch == ',' || ch == '"' || ch == '-' || ch == 0x9C || ch == 0xAB || ch == 0xBB || ch == 0x94)
            return 1;
    }
    return b == 0;
}

/* French names a thing after a person by putting the name right after
 * the thing's noun: "la lampe Ruhmkorff", "les appareils Ruhmkorff",
 * "l'océan Indien", "la rue Saint-Denis". Is tok[i] such a name: after a
 * lower-case noun (blanks only between) whose commonest English sense is
 * no person or animal? Person nouns ("le capitaine Nemo",
 * "le pharmacien Homais") are titles, not things. */
static int named_thing(const cscan *c, size_t i)
{
    if (c->lang != LSLEX_FR || i == 0)
        return 0;
    const ctok *p = &c->tok[i - 1];
    const char *d = c->s->data;
    if (p->upper || (p->flags & (LSLEX_PERSON | LSLEX_TITLE | LSLEX_DET | LSLEX_PREP | LSLEX_PRONOUN | LSLEX_STOP |
                                 LSLEX_SPEECH | LSLEX_CONJ)))
        return 0;
    for (size_t k = p->end; k < c->tok[i].start; k++)
        if (d[k] != ' ')
            return 0;
    char en[32];
    int pos = LS_POS_UNKNOWN;
    ls_translate_word(c->lang, d + p->start, p->end - p->start, 0, en, sizeof en, &pos);
    lswn_info wi;
    if (!en[0] || pos != LS_POS_NOUN || !lswn_lookup(en, &wi) || !wi.noun)
        return 0;
    /* any noun whose commonest sense is no person ("set" for "appareil") */
    return wi.noun_lex[0] != LSWN_N_PERSON && wi.noun_lex[0] != LSWN_N_ANIMAL;
}

/* Does an article open a run of lower-case adjectives written straight
 * before tok[i] ("the old Jew", "a horrid old Jew")? English, WordNet's
 * adjectives; "my dear Victor" and "poor Tom" have no article. */
static int after_adjective(const cscan *c, size_t i)
{
    if (c->lang != LSLEX_EN)
        return 0;
    size_t k = i, adjs = 0;
    while (k > 0 && adjs < 3) {
        const ctok *p = &c->tok[k - 1];
        if (p->end + 1 != c->tok[k].start)
            return 0;
        if (p->flags & LSLEX_DET)
            return adjs > 0;
        if (p->upper || p->end - p->start >= 32 ||
            (p->flags & (LSLEX_PREP | LSLEX_PRONOUN | LSLEX_STOP | LSLEX_CONJ | LSLEX_SPEECH)))
            return 0;
        char w[32];
        lswn_info wi;
        lslex_lower(c->s->data + p->start, p->end - p->start, w, sizeof w, 0);
        if (!lswn_lookup(w, &wi) || !wi.adj)
            return 0;
        adjs++;
        k--;
    }
    return 0;
}

/* English puts a people's or a language's adjective before a noun: "the
 * Italian sculptors", "a Greek scholar", "Florentine records". Is tok[i]
 * such a word: one WordNet reads as an adjective rather than a noun, right
 * before a lower-case word that is more often a noun than a verb? A name acts
 * ("Dorian smiled") or runs on into a surname ("Dorian Gray"). */
static int adj_before_noun(const cscan *c, size_t i)
{
    if (c->lang != LSLEX_EN || i + 1 >= c->n_tok)
        return 0;
    const ctok *t = &c->tok[i], *n = &c->tok[i + 1];
    const char *d = c->s->data;
    if (n->upper || n->end - n->start >= 32 || t->end - t->start >= 32 || n->start != t->end + 1 ||
        d[t->end] != ' ' || (n->flags & (LSLEX_DET | LSLEX_PREP | LSLEX_PRONOUN | LSLEX_STOP | LSLEX_CONJ)))
        return 0;
    char w[32];
    lswn_info wi;
    lslex_lower(d + t->start, t->end - t->start, w, sizeof w, 0);
    if (!lswn_lookup(w, &wi) || !wi.adj || (wi.noun && wi.noun_tagged >= wi.adj_tagged))
        return 0;
    lslex_lower(d + n->start, n->end - n->start, w, sizeof w, 0);
    return lswn_lookup(w, &wi) && wi.noun && (!wi.verb || wi.noun_tagged > wi.verb_tagged);
}

static longsd_status count_run(cscan *c, size_t i, size_t j, int deferred)
{
    /* tokens [i, j) form one run; key = words joined by one space, titles
     * that were abbreviations keep their period */
    char key[256];
    size_t kl = 0;
    const char *d = c->s->data;
    for (size_t t = i; t < j; t++) {
        size_t wl = c->tok[t].klen;
        if (kl + wl + 3 >= sizeof key)
            return LONGSD_OK;
        if (t > i)
            key[kl++] = ' ';
        memcpy(key + kl, d + c->tok[t].start, wl);
        kl += wl;
        if (t + 1 < j && d[c->tok[t].end] == '.')
            key[kl++] = '.';
    }
    int oom = 0;
    centry *e = ls_cmap_get(deferred ? &c->initial : j - i == 1 ? &c->singles : &c->phrases, key, kl, 1, &oom);
    if (!e)
        return oom ? LONGSD_ERR_NOMEM : LONGSD_OK;
    if (deferred) {
        const char *sp = memchr(key, ' ', kl);
        e->cut = sp ? (size_t)(sp - key) + 1 : kl;
    }
    if (e->total == 0)
        e->first = c->sentence_no;
    e->total++;
    if (!c->tok[i].after_stop)
        e->mid++;
    if (i > 0) {
        unsigned pf = c->tok[i - 1].flags;
        if (pf & LSLEX_PREP)
            e->prep++;
        if (pf & LSLEX_DET)
            e->det++;
        if ((pf & LSLEX_SPEECH) || (i > 1 && (pf & LSLEX_DET) && (c->tok[i - 2].flags & LSLEX_SPEECH)))
            e->speech++;
    }
    if (j - i == 1 && !deferred && (named_thing(c, i) || adj_before_noun(c, i)))
        e->thing++;
    if (j - i == 1 && !deferred && after_adjective(c, i))
        e->adj++;
    /* acting: a verb after it ("the Widow Douglas said"), not a possessive
     * ("King Lear's outfit"); or spoken to, or naming oneself */
    if ((j < c->n_tok && !c->tok[j - 1].klen_cut && tok_is_verb(c, &c->tok[j - 1], &c->tok[j])) ||
        is_addressed(c, i, j))
        e->acts++;
    return LONGSD_OK;
}

/* German: is the title at tok[i] a role noun on its own ("der Vater",
 * "die Mutter"): right after an article, a person noun, and no form of
 * address ("der Herr", "die Frau" are anyone)? */
static int de_role_title(const cscan *c, size_t i)
{
    static const char *const address[] = {"herr", "herrn", "frau", "fr\xC3\xA4ulein", "dame", "meister"};
    if (c->lang != LSLEX_DE || i == 0 || !(c->tok[i - 1].flags & LSLEX_DET))
        return 0;
    if (!(c->tok[i].flags & LSLEX_PERSON))
        return 0;
    for (size_t k = 0; k < sizeof address / sizeof address[0]; k++)
        if (tok_is(c, &c->tok[i], address[k]))
            return 0;
    return 1;
}

/* Length of a word without a possessive "'s" / "’s". */
static size_t key_len(const char *w, size_t n)
{
    if (n > 2 && w[n - 2] == '\'' && (w[n - 1] == 's' || w[n - 1] == 'S'))
        return n - 2;
    if (n > 4 && (unsigned char)w[n - 4] == 0xE2 && (unsigned char)w[n - 3] == 0x80 &&
        (unsigned char)w[n - 2] == 0x99 && (w[n - 1] == 's' || w[n - 1] == 'S'))
        return n - 4;
    return n;
}

static int is_common_initial(const cscan *c, const ctok *t)
{
    if (t->flags & ~(unsigned)(LSLEX_NAME | LSLEX_MALE | LSLEX_FEMALE | LSLEX_TITLE))
        return 1;
    if (t->flags & (LSLEX_NAME | LSLEX_TITLE))
        return 0;
    char low[64];
    size_t ll = lslex_lower(c->s->data + t->start, t->end - t->start, low, sizeof low, 1);
    int oom = 0;
    return ls_cmap_get((cmap *)&c->lower, low, ll, 0, &oom) != NULL;
}

/* Is token t the lower-cased word w? */
static int tok_is(const cscan *c, const ctok *t, const char *w)
{
    size_t n = strlen(w);
    if (t->end - t->start != n)
        return 0;
    char low[16];
    return n < sizeof low && lslex_lower(c->s->data + t->start, n, low, sizeof low, 0) == n && !memcmp(low, w, n);
}

/* Does token v, right after a name, read as its verb: "Tom painted",
 * "Mr. Dobbins rang", "Jim was", "le capitaine regarda", "Conseil
 * répondit"? Only spaces may stand between ("Mont Blanc, the summit" is
 * no subject). English: any lower-case word that is no function word, or
 * an auxiliary; French: the tenses of narration. */
static int tok_is_verb(const cscan *c, const ctok *name, const ctok *v)
{
    static const char *const aux[] = {"is", "was", "were", "had", "has", "did", "does", "could", "would",
                                      "will", "should", "can", "must", "might", "says", "went", "got"};
    const char *d = c->s->data;
    size_t vl = v->end - v->start;
    if (v->upper || vl < 2)
        return 0;
    for (size_t i = name->end; i < v->start; i++)
        if (d[i] != ' ' && d[i] != '\n' && d[i] != '\r' && d[i] != '\t')
            return 0;
    if (v->flags & (LSLEX_ACTION | LSLEX_SPEECH))
        return 1;
    if (c->lang == LSLEX_FR) {
        if (vl <= 3 || (v->flags & (LSLEX_STOP | LSLEX_PREP | LSLEX_DET)) || memchr(d + v->start, '\'', vl))
            return 0;
        /* "regarda, sourit, parut, marchait" */
        const char *e = d + v->end;
        return e[-1] == 'a' || (e[-1] == 't' && (e[-2] == 'i' || e[-2] == 'u' || e[-2] == 'a'));
    }
    for (size_t k = 0; k < sizeof aux / sizeof aux[0]; k++)
        if (tok_is(c, v, aux[k]))
            return 1;
    return !(v->flags & (LSLEX_STOP | LSLEX_PREP | LSLEX_DET | LSLEX_CONJ | LSLEX_PRONOUN));
}

/* "the king", "the old widow", "le capitaine": a definite article, perhaps
 * old/young, and a lower-case title noun. Counted with how often it acts:
 * a speech tag before it ("said the king") or a verb after it ("the king
 * went"). */
static longsd_status count_roles(cscan *c)
{
    static const char *const art[] = {"the", "le", "la"};
    static const char *const adj[] = {"old", "young", "vieux", "vieil", "jeune", "vieille"};
    const char *d = c->s->data;
    for (size_t i = 0; i + 1 < c->n_tok; i++) {
        int is_art = 0;
        for (size_t k = 0; k < 3 && !is_art; k++)
            is_art = tok_is(c, &c->tok[i], art[k]);
        if (!is_art)
            continue;
        size_t j = i + 1;
        for (size_t k = 0; k < 6 && j + 1 < c->n_tok; k++)
            if (tok_is(c, &c->tok[j], adj[k])) {
                j++;
                break;
            }
        const ctok *t = &c->tok[j];
        if (t->upper || !(t->flags & LSLEX_TITLE) || (t->flags & (LSLEX_PRONOUN | LSLEX_DIVINE | LSLEX_STOP)))
            continue;
        if (t->end - t->start < 3 || tok_is(c, t, "lady") || tok_is(c, t, "lord") || tok_is(c, t, "sir") ||
            tok_is(c, t, "mister") || tok_is(c, t, "missus") || tok_is(c, t, "miss"))
            continue; /* "m", "dr"; forms of address, not roles: "the lady" is anyone */
        /* key: "the king", the article and noun as written in lower case */
        char key[64];
        size_t al = c->tok[i].end - c->tok[i].start;
        size_t nl = t->klen;
        if (al + nl + 2 >= sizeof key)
            continue;
        lslex_lower(d + c->tok[i].start, al, key, sizeof key, 0);
        key[al] = ' ';
        size_t kl = al + 1 + lslex_lower(d + t->start, nl, key + al + 1, sizeof key - al - 1, 1);
        int oom = 0;
        centry *e = ls_cmap_get(&c->roles, key, kl, 1, &oom);
        if (!e)
            return oom ? LONGSD_ERR_NOMEM : LONGSD_OK;
        if (e->total == 0)
            e->first = c->sentence_no;
        e->total++;
        int acts = i > 0 && (c->tok[i - 1].flags & LSLEX_SPEECH);
        acts |= j + 1 < c->n_tok && !c->tok[j].klen_cut && tok_is_verb(c, &c->tok[j], &c->tok[j + 1]);
        acts |= is_addressed(c, i, j + 1); /* "monsieur le professeur, vous ..." */
        e->speech += acts;
    }
    return LONGSD_OK;
}

/* Pass 0 counts lower-case words (so "Later" or "Will" can be recognised
 * as common words wherever they first appear); pass 1 counts capitalised
 * runs. */
longsd_status ls_cast_scan_sentence(cscan *c, size_t start, size_t end, int pass)
{
    const char *d = c->s->data;
    lslex_scan sc;
    lsword w;
    lslex_scan_init(&sc, d + start, end - start);
    c->n_tok = 0;
    c->sent_start = start;
    while (lslex_next_word(&sc, &w)) {
        if (c->n_tok == c->cap_tok) {
            size_t ncap = c->cap_tok ? c->cap_tok * 2 : 64;
            ctok *nt = longsd__realloc(c->tok, ncap * sizeof *nt);
            if (!nt)
                return LONGSD_ERR_NOMEM;
            c->tok = nt;
            c->cap_tok = ncap;
        }
        ctok *t = &c->tok[c->n_tok++];
        t->start = start + w.start;
        t->end = start + w.end;
        t->upper = w.upper;
        t->all_upper = w.all_upper;
        t->after_stop = w.after_stop;
        char low[64];
        size_t ll = lslex_lower(d + t->start, t->end - t->start, low, sizeof low, 1);
        t->klen = key_len(d + t->start, t->end - t->start);
        t->klen_cut = t->klen < t->end - t->start;
        t->flags = lslex_lookup(c->lang, low, ll, NULL, NULL);
        /* "Red-Handed", "Sunday-school": the second half of a compound */
        if (t->start > start && d[t->start - 1] == '-' && !(t->start > start + 1 && d[t->start - 2] == '-'))
            t->flags |= LSLEX_NOTNAME;
        /* "I'd", "We'll": a pronoun with a contraction */
        const char *ap = memchr(low, '\'', ll);
        if (ap && (lslex_lookup(c->lang, low, (size_t)(ap - low), NULL, NULL) & (LSLEX_STOP | LSLEX_PRONOUN)))
            t->flags |= LSLEX_NOTNAME;
        if (pass == 0 && !w.upper && ll) {
            int oom = 0;
            centry *e = ls_cmap_get(&c->lower, low, ll, 1, &oom);
            if (!e && oom)
                return LONGSD_ERR_NOMEM;
            if (e)
                e->total++;
        }
    }
    if (pass == 0)
        return LONGSD_OK;
    if (c->lang != LSLEX_DE) {
        longsd_status st = count_roles(c);
        if (st)
            return st;
    }
    for (size_t i = 0; i < c->n_tok;) {
        const ctok *t = &c->tok[i];
        if (!tok_is_name_word(t) && !tok_is_title(t)) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < c->n_tok && j - i < SEQ_MAX + 1 && (tok_is_name_word(&c->tok[j]) || tok_is_title(&c->tok[j])) &&
               joins(c, &c->tok[j - 1], &c->tok[j]))
            j++;
        /* a trailing title is not part of the name ("Tom Mr." never is) */
        size_t e = j;
        while (e > i && tok_is_title(&c->tok[e - 1]) && !tok_is_name_word(&c->tok[e - 1]))
            e--;
        /* "Later Injun Joe", "Then Tom Sawyer": a capitalised common word
         * at the start of a sentence is no part of the name */
        size_t b = i;
        int deferred = e - b >= 2 && e - b <= 3 && c->tok[b].after_stop && is_common_initial(c, &c->tok[b]);
        for (size_t k = b + 1; k < e; k++)
            if (tok_is_title(&c->tok[k]) && !tok_is_title(&c->tok[k - 1])) {
                b = k; /* "Young Mr. Dobbins" -> "Mr. Dobbins" */
                break;
            }
        if (e > b && e - b <= 3) {
            /* a title alone ("Aunt") is no name, save a German kin or
             * rank noun after an article: "der Vater", "die Mutter",
             * "der König" name someone as "the king" does in English */
            if (!(e - b == 1 && tok_is_title(&c->tok[b])) || de_role_title(c, b)) {
                longsd_status st = count_run(c, b, e, deferred && b == i);
                if (st)
                    return st;
            }
        }
        i = j;
    }
    return LONGSD_OK;
}

/* A run seen at a sentence start behind a common word ("Later Injun Joe")
 * is the whole run if that run also occurs mid-sentence ("Judge Thatcher"
 * is not "Judge" + "Thatcher"), else the rest without the first word. */
longsd_status ls_cast_resolve_initial(cscan *c)
{
    for (size_t i = 0; i < c->initial.cap; i++) {
        centry *r = &c->initial.e[i];
        if (!r->key)
            continue;
        int oom = 0;
        centry *full = ls_cmap_get(&c->phrases, r->key, r->klen, 0, &oom);
        if (full && full->mid > 0) {
            full->total += r->total;
            full->acts += r->acts;
            full->speech += r->speech;
            continue;
        }
        const char *rest = r->key + r->cut;
        size_t rl = r->klen - r->cut;
        if (rl == 0)
            continue;
        centry *e = ls_cmap_get(memchr(rest, ' ', rl) ? &c->phrases : &c->singles, rest, rl, 1, &oom);
        if (!e)
            return LONGSD_ERR_NOMEM;
        if (e->total == 0)
            e->first = r->first;
        e->total += r->total;
        e->mid += r->total;
        e->acts += r->acts;
        e->speech += r->speech;
    }
    return LONGSD_OK;
}

void ls_cast_phrase_ends(const char *key, size_t kl, size_t *first_len, const char **last, size_t *last_len)
{
    const char *sp = memchr(key, ' ', kl);
    *first_len = sp ? (size_t)(sp - key) : kl;
    if (*first_len && key[*first_len - 1] == '.')
        (*first_len)--;
    const char *ls = key + kl;
    while (ls > key && ls[-1] != ' ')
        ls--;
    *last = ls;
    *last_len = (size_t)(key + kl - ls);
}

unsigned ls_cast_word_flags(lslex_lang_id lang, const char *w, size_t n)
{
    char low[64];
    size_t ll = lslex_lower(w, n, low, sizeof low, 1);
    return lslex_lookup(lang, low, ll, NULL, NULL);
}
