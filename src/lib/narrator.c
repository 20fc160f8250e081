/* narrator.c - first-person narration: is the book told by an "I", and
 * who is that? The share of I/me/my (ich/mich/mein, je/moi/mon) among the
 * personal pronouns of the narration (outside quotation marks) decides;
 * the narrator is named by "my name is X", by the name the others call
 * them in dialogue while the narration never names them, or by the title;
 * else "the narrator". Their mentions are the narration's "I"s. One pass
 * over the paragraphs: linear in the text. */
#include <stdlib.h>
#include <string.h>

#include "ideas.h"
#include "lexicon.h"
#include "narrator.h"
#include "dict.h"
#include "util.h"

#define NARR_MIN_FIRST 30   /* first-person pronouns in narration, at least */
#define NARR_MIN_VOCATIVE 2 /* times the others call the narrator by name */

typedef struct {
    size_t narration, quoted, vocative, named; /* per cast member */
} narr_count;

typedef struct {
    size_t start, end;    /* in the paragraph */
    int quoted, person;
    int second;           /* you / vous / tu / Sie / du: the line speaks to someone */
} nword;

#define VOC_WINDOW 10 /* words either side of a vocative where "you" must be */

/* 1: first person singular; 2: first person plural (the narrator among
 * others: "we", "wir", "nous"); 3: third person singular; 0: neither. */
static int person_of(lslex_lang_id lang, const char *low, size_t n)
{
    static const char *const pl[] = {"we", "us", "our", "wir", "uns", "unser", "nous", "notre", "nos"};
    for (size_t i = 0; i < sizeof pl / sizeof pl[0]; i++)
        if (strlen(pl[i]) == n && !memcmp(pl[i], low, n))
            return (lang == LSLEX_EN && i < 3) || (lang == LSLEX_DE && i >= 3 && i < 6) ||
                           (lang == LSLEX_FR && i >= 6)
                       ? 2
                       : 0;
    static const char *const en1[] = {"i", "me", "my", "myself", "mine"};
    static const char *const en3[] = {"he", "she", "him", "her", "his", "himself", "herself"};
    static const char *const de1[] = {"ich", "mich", "mir", "mein", "meine", "meinen", "meinem", "meiner", "meines"};
    static const char *const de3[] = {"er", "ihn", "ihm", "sein", "seine", "seinen", "seinem", "seiner", "ihr", "ihre"};
    static const char *const fr1[] = {"je", "j", "moi", "me", "m", "mon", "ma", "mes"};
    static const char *const fr3[] = {"il", "elle", "lui", "son", "sa", "ses"};
    const char *const *p1 = en1, *const *p3 = en3;
    size_t n1 = 5, n3 = 7;
    if (lang == LSLEX_DE)
        p1 = de1, n1 = 9, p3 = de3, n3 = 10;
    else if (lang == LSLEX_FR)
        p1 = fr1, n1 = 8, p3 = fr3, n3 = 6;
    for (size_t i = 0; i < n1; i++)
        if (strlen(p1[i]) == n && !memcmp(p1[i], low, n))
            return 1;
    for (size_t i = 0; i < n3; i++)
        if (strlen(p3[i]) == n && !memcmp(p3[i], low, n))
            return 3;
    return 0;
}

static int is_punct_after(const char *d, size_t i, size_t end)
{
    while (i < end && d[i] == ' ')
        i++;
    return i < end && (d[i] == ',' || d[i] == '!' || d[i] == '?');
}

/* Words that may stand between the opening of a line of dialogue and the
 * name it calls: "monsieur Aronnax", "Mr. Smith", "Herr Doktor", "monsieur
 * le professeur". */
static int is_address_word(lslex_lang_id lang, const char *d, const nword *x);

static int opens_before(const char *d, size_t start, size_t i)
{
    while (i > start && d[i - 1] == ' ')
        i--;
    if (i == start)
        return 0;
    unsigned char c = (unsigned char)d[i - 1];
    /* " , and the last byte of “ « » „ */
    return c == '"' || c == ',' || c == 0x9C || c == 0xAB || c == 0xBB || c == 0x9E;
}

/* "my name is X", "ich heiße X", "je m'appelle X": the word after, when
 * words w[k-2..k] (lower-cased, hashed with the lexicon's hash) say so. */
static int names_self(lslex_lang_id lang, const uint64_t *lw, size_t k)
{
    static uint64_t h[8];
    static int init = 0;
    if (!init) {
        const char *w[] = {"my", "name", "is", "heiße", "je", "m'appelle", "mon", "nom"};
        for (int i = 0; i < 8; i++)
            h[i] = lslex_word_hash(w[i], strlen(w[i]));
        init = 1;
    }
    if (lang == LSLEX_DE)
        return k >= 1 && lw[k - 1] == h[3];
    if (lang == LSLEX_FR)
        return (k >= 1 && lw[k - 1] == h[5]) || (k >= 3 && lw[k - 3] == h[6] && lw[k - 2] == h[7]);
    return k >= 3 && lw[k - 3] == h[0] && lw[k - 2] == h[1] && lw[k - 1] == h[2];
}

static int is_address_word(lslex_lang_id lang, const char *d, const nword *x)
{
    static const char *const art[] = {"le", "la", "der", "die", "the"};
    char low[32];
    size_t n = lslex_lower(d + x->start, x->end - x->start, low, sizeof low, 0);
    for (size_t i = 0; i < sizeof art / sizeof art[0]; i++)
        if (strlen(art[i]) == n && !memcmp(art[i], low, n))
            return 1;
    return (lslex_lookup(lang, low, n, NULL, NULL) & LSLEX_TITLE) != 0;
}

/* Second person, the pronouns of address. */
static int second_person(lslex_lang_id lang, const char *low, size_t n)
{
    static const char *const en[] = {"you", "your", "yours", "yourself", "thee", "thou", "thy"};
    static const char *const de[] = {"sie", "ihnen", "du", "dich", "dir", "dein", "deine", "euch", "ihr"};
    static const char *const fr[] = {"vous", "votre", "vos", "tu", "te", "t", "toi", "ton", "ta", "tes"};
    const char *const *v = en;
    size_t nv = sizeof en / sizeof en[0];
    if (lang == LSLEX_DE)
        v = de, nv = sizeof de / sizeof de[0];
    else if (lang == LSLEX_FR)
        v = fr, nv = sizeof fr / sizeof fr[0];
    for (size_t i = 0; i < nv; i++)
        if (strlen(v[i]) == n && !memcmp(v[i], low, n))
            return 1;
    return 0;
}

/* A paragraph that opens with a dash is a line of dialogue (the French
 * and German habit: "-- Vous avez raison, monsieur, dit-il."). */
int ls_narrator_dash_dialogue(const char *d, size_t len)
{
    size_t i = 0;
    while (i < len && (d[i] == ' ' || d[i] == '\t'))
        i++;
    if (i < len && d[i] == '-')
        return 1;
    return i + 2 < len && (unsigned char)d[i] == 0xE2 && (unsigned char)d[i + 1] == 0x80 &&
           ((unsigned char)d[i + 2] == 0x94 || (unsigned char)d[i + 2] == 0x93);
}

static void free_one(ls_character *c)
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

/* gone's names become keep's aliases, its mentions keep's; gone is freed
 * (its name NULL: removed by the caller). */
static longsd_status fold_into(ls_character *keep, ls_character *gone)
{
    longsd_status st = ls_character_add_alias(keep, gone->name);
    if (!st && gone->full_name && strcmp(gone->full_name, gone->name))
        st = ls_character_add_alias(keep, gone->full_name);
    for (size_t a = 0; !st && a < gone->n_aliases; a++)
        st = ls_character_add_alias(keep, gone->aliases[a]);
    if (st)
        return st;
    keep->mentions += gone->mentions;
    if (!keep->role && gone->role) {
        keep->role = gone->role;
        gone->role = NULL;
    }
    free_one(gone);
    return LONGSD_OK;
}

static int by_mentions(const void *a, const void *b)
{
    const ls_character *x = a, *y = b;
    if (x->mentions != y->mentions)
        return x->mentions > y->mentions ? -1 : 1;
    return strcmp(x->name, y->name);
}


/* The others call the narrator by surname as often as the family calls
 * them by first name ("Frankenstein!", "Victor"): a one-word name that is
 * no known first name, called in dialogue (NARR_MIN_VOCATIVE times) and
 * said there at least as often as in the narration, is the narrator's
 * surname when the narrator has none yet (or has that one), no other
 * cast member bears it, and the sexes agree. cnt is indexed like cs. */
static longsd_status fold_surname(lslex_lang_id lang, ls_character *cs, size_t *n_cast, size_t best,
                                  const narr_count *cnt)
{
    ls_character *nar = &cs[best];
    const char *nsur = strrchr(nar->full_name ? nar->full_name : nar->name, ' ');
    if (nar->role)
        return LONGSD_OK;
    size_t pick = (size_t)-1, second = (size_t)-1;
    for (size_t i = 0; i < *n_cast; i++) {
        const ls_character *c = &cs[i];
        if (i == best || !c->name || c->role || c->narrator || strchr(c->name, ' '))
            continue;
        if (cnt[i].vocative < NARR_MIN_VOCATIVE || cnt[i].narration > cnt[i].quoted)
            continue;
        if (nsur && strcmp(nsur + 1, c->name))
            continue; /* the narrator's surname is another */
        if (c->gender && nar->gender && c->gender != nar->gender)
            continue;
        char low[64];
        size_t ll = lslex_lower(c->name, strlen(c->name), low, sizeof low, 0);
        if (lslex_lookup(lang, low, ll, NULL, NULL) & LSLEX_NAME)
            continue; /* "Justine": a first name is someone of its own */
        if (lang == LSLEX_FR && (ls_dict_fr(c->name, strlen(c->name)) & LS_FR_FIRST_NAME))
            continue;
        int borne = 0; /* "Alphonse Frankenstein": someone else's name too */
        for (size_t j = 0; j < *n_cast && !borne; j++) {
            const char *sp = j != best && j != i && cs[j].full_name ? strrchr(cs[j].full_name, ' ') : NULL;
            borne = sp && !strcmp(sp + 1, c->name);
        }
        if (borne)
            continue;
        /* two such names: the one the dialogue says far more often */
        if (pick == (size_t)-1 || cnt[i].quoted > cnt[pick].quoted)
            second = pick, pick = i;
        else if (second == (size_t)-1 || cnt[i].quoted > cnt[second].quoted)
            second = i;
    }
    if (pick == (size_t)-1 || (second != (size_t)-1 && cnt[pick].quoted < 2 * cnt[second].quoted))
        return LONGSD_OK;
    if (!nsur) {
        /* "Victor" + "Frankenstein": the full name as the others say it */
        char *fn = longsd__asprintf("%s %s", nar->name, cs[pick].name);
        if (!fn)
            return LONGSD_ERR_NOMEM;
        longsd__free(nar->full_name);
        nar->full_name = fn;
    }
    longsd_status st = fold_into(nar, &cs[pick]);
    if (st)
        return st;
    size_t k = 0;
    for (size_t i = 0; i < *n_cast; i++)
        if (cs[i].name)
            cs[k++] = cs[i];
    *n_cast = k;
    return LONGSD_OK;
}

longsd_status ls_narrator_find(const longsd_story *s, ls_character **cast, size_t *n_cast, size_t max_cast)
{
    lslex_lang_id lang = lslex_lang(s->lang);
    ls_cast_form *forms = NULL;
    size_t n_forms = 0, first = 0, plural = 0, third = 0;
    narr_count *cnt = NULL;
    nword *wv = NULL;
    uint64_t *h = NULL, *lw = NULL;
    size_t cap = 0;
    longsd_status st = LONGSD_OK;
    if ((st = ls_cast_forms(*cast, *n_cast, &forms, &n_forms)))
        return st;
    cnt = longsd__calloc(*n_cast ? *n_cast : 1, sizeof *cnt);
    if (!cnt) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t pi = 0; pi < s->n_paras; pi++) {
        const ls_para *p = &s->paras[pi];
        if (p->is_heading)
            continue;
        const char *d = s->data + p->start;
        size_t len = p->end - p->start, n = 0;
        int dashed = ls_narrator_dash_dialogue(d, len);
        lslex_scan sc;
        lsword w;
        lslex_scan_init(&sc, d, len);
        while (lslex_next_word(&sc, &w)) {
            if (n == cap) {
                size_t ncap = cap ? cap * 2 : 256;
                nword *nv = longsd__realloc(wv, ncap * sizeof *nv);
                if (!nv) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                wv = nv;
                uint64_t *nh = longsd__realloc(h, ncap * sizeof *nh);
                if (!nh) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                h = nh;
                uint64_t *nl = longsd__realloc(lw, ncap * sizeof *nl);
                if (!nl) {
                    st = LONGSD_ERR_NOMEM;
                    goto out;
                }
                lw = nl;
                cap = ncap;
            }
            nword *x = &wv[n];
            char low[32];
            size_t ll = lslex_lower(d + w.start, w.end - w.start, low, sizeof low, 0);
            h[n] = lslex_word_hash(d + w.start, w.end - w.start);
            lw[n] = lslex_word_hash(low, ll);
            x->start = w.start;
            x->end = w.end;
            x->quoted = w.quoted || dashed;
            x->second = second_person(lang, low, ll);
            /* "j'ai", "m'appelle", "I'm": the pronoun before the apostrophe */
            const char *ap = memchr(low, '\'', ll);
            x->person = person_of(lang, low, ap ? (size_t)(ap - low) : ll);
            if (x->person == 1 && lang == LSLEX_EN && ll == 1 && d[w.start] != 'I')
                x->person = 0; /* English writes the narrator's "I" upper case */
            n++;
        }
        for (size_t k = 0; k < n; k++) {
            const nword *x = &wv[k];
            if (!x->quoted) {
                first += x->person == 1;
                plural += x->person == 2;
                third += x->person == 3;
            }
            size_t ch;
            size_t m = ls_cast_match(forms, n_forms, h, n, k, &ch);
            if (!m)
                continue;
            if (x->quoted) {
                cnt[ch].quoted++;
                /* "Huck, come here", "monsieur Aronnax, vous ...": called by
                 * name (a form of address may stand before), and spoken
                 * to: a "you" near */
                size_t b = k;
                while (b > 0 && k - b < 2 && wv[b - 1].quoted && is_address_word(lang, d, &wv[b - 1]))
                    b--;
                int you = 0;
                for (size_t j = k > VOC_WINDOW ? k - VOC_WINDOW : 0; j < n && j <= k + m + VOC_WINDOW && !you; j++)
                    you = wv[j].second && wv[j].quoted;
                if ((opens_before(d, 0, wv[b].start) || (dashed && b == 0)) &&
                    is_punct_after(d, wv[k + m - 1].end, len) && you)
                    cnt[ch].vocative++;
            } else {
                cnt[ch].narration++;
            }
            if (names_self(lang, lw, k))
                cnt[ch].named++;
            k += m - 1;
        }
    }
    if (first < NARR_MIN_FIRST || (first + plural) * 3 < third)
        goto out; /* told in the third person */
    /* who: named self, else called by name in dialogue and seldom named in
     * the narration, else the title character under the same condition */
    size_t best = (size_t)-1, best_score = 0;
    for (size_t i = 0; i < *n_cast; i++) {
        const narr_count *c = &cnt[i];
        int unnamed_in_narration = c->narration * 2 <= c->quoted + c->named;
        size_t score = 0;
        if (c->named)
            score = 1000000 + c->named;
        else if (unnamed_in_narration && c->vocative >= NARR_MIN_VOCATIVE)
            score = 1000 + c->vocative;
        else if (unnamed_in_narration && s->title && (*cast)[i].name && strstr(s->title, (*cast)[i].name))
            score = 1;
        if (score > best_score)
            best_score = score, best = i;
    }
    ls_character *cs = *cast;
    if (best == (size_t)-1) {
        if (max_cast && *n_cast >= max_cast && *n_cast > 0) {
            free_one(&cs[*n_cast - 1]); /* make room: the least mentioned goes */
            (*n_cast)--;
        }
        ls_character *nc = longsd__realloc(cs, (*n_cast + 1) * sizeof *nc);
        if (!nc) {
            st = LONGSD_ERR_NOMEM;
            goto out;
        }
        cs = *cast = nc;
        ls_character *c = &cs[*n_cast];
        memset(c, 0, sizeof *c);
        const char *nm = lang == LSLEX_DE ? "der Erz\xC3\xA4hler" : lang == LSLEX_FR ? "le narrateur" : "the narrator";
        c->name = longsd__strdup(nm);
        c->full_name = longsd__strdup(nm);
        c->description = longsd__strdup("");
        if (!c->name || !c->full_name || !c->description) {
            free_one(c);
            st = LONGSD_ERR_NOMEM;
            goto out;
        }
        best = (*n_cast)++;
    }
    cs[best].narrator = 1;
    cs[best].mentions += first;
    if (!cs[best].gender)
        cs[best].gender = ls_narrator_sex(s); /* "je suis condamné" */
    if (best_score >= 1000 && best_score < 1000000) {
        /* the others call the narrator by more than one name ("monsieur
         * Aronnax", "monsieur le professeur"): each form of address they
         * use about as often, never said in the narration, is the narrator */
        size_t bv = cnt[best].vocative, k = 0;
        for (size_t i = 0; i < *n_cast && !st; i++) {
            const narr_count *c = &cnt[i];
            if (i != best && c->vocative >= NARR_MIN_VOCATIVE && c->vocative * 4 >= bv &&
                c->narration * 2 <= c->quoted + c->named && !cs[i].narrator) {
                if (cs[best].role && !cs[i].role) {
                    /* the name ("Pierre Aronnax") names them, not the role */
                    ls_character tmp = cs[best];
                    cs[best] = cs[i];
                    cs[i] = tmp;
                    cs[best].narrator = 1;
                    cs[i].narrator = 0;
                }
                st = fold_into(&cs[best], &cs[i]);
            }
        }
        if (st)
            goto out;
        for (size_t i = 0; i < *n_cast; i++) {
            if (cs[i].name)
                cs[k++] = cs[i];
        }
        *n_cast = k;
    }
    if ((st = fold_surname(lang, cs, n_cast, best, cnt)))
        goto out;
    qsort(cs, *n_cast, sizeof *cs, by_mentions);
out:
    longsd__free(forms);
    longsd__free(cnt);
    longsd__free(wv);
    longsd__free(h);
    longsd__free(lw);
    return st;
}
