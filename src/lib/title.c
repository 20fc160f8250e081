/* title.c - a short title for an idea ("Tom whitewashing the fence"): who,
 * the visible action as an -ing form, and what it is done to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scene.h"
#include "title_phrase.h"
#include "translate.h"
#include "wordnet.h"

/* Lower-case a word and look it up. */
static unsigned title_lookup(lslex_lang_id lang, const char *w, size_t n, char *low, size_t cap, size_t *ll,
                             const char **base, size_t *blen)
{
    *ll = lslex_lower(w, n, low, cap, 1);
    const char *b = NULL;
    size_t bl = 0;
    unsigned f = lslex_lookup(lang, low, *ll, &b, &bl);
    if (base) {
        *base = f ? b : low;
        *blen = f ? bl : *ll;
    }
    return f;
}

/* German capitalises its nouns: a lower-case "meer" is no sea. */
static unsigned title_noun_case(lslex_lang_id lang, unsigned f, int upper)
{
    if (lang == LSLEX_DE && !upper)
        f &= ~(unsigned)(LSLEX_PERSON | LSLEX_PLACE | LSLEX_OBJECT);
    return f;
}

typedef struct {
    size_t start, end;
    unsigned flags;
    const char *base;
    size_t blen;
    int cast;           /* index+1 of a cast member starting here, 0 */
    size_t cast_len;    /* words of that name */
    int inflected;      /* word differs from its base: "climbed" */
} tword;

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

static int is_negation(const char *low)
{
    size_t n = strlen(low);
    return strcmp(low, "not") == 0 || strcmp(low, "never") == 0 || strcmp(low, "to") == 0 ||
           strcmp(low, "did") == 0 || strcmp(low, "could") == 0 || strcmp(low, "would") == 0 ||
           (n > 3 && strcmp(low + n - 3, "n't") == 0);
}

#define TITLE_WORDS 96

/* A German or French word the dictionary knows and translates: a dialect
 * word ("Huus", "Slott") or a misspelling is not put in a title. */
static int known_word(lslex_lang_id lang, const char *w, size_t n)
{
    if (lang == LSLEX_EN)
        return 1;
    char en[32];
    ls_translate_word(lang, w, n, w[0] >= 'A' && w[0] <= 'Z', en, sizeof en, NULL);
    return en[0] != '\0';
}

/* A German or French noun whose translation is a thing WordNet says can be
 * drawn: a title word when the small lexicon does not know it ("chaîne"). */
static int concrete_word(lslex_lang_id lang, const char *w, size_t n, unsigned flags)
{
    if (lang == LSLEX_EN || (flags & (LSLEX_STOP | LSLEX_PRONOUN | LSLEX_DET | LSLEX_CONJ | LSLEX_PREP)) ||
        (lang == LSLEX_DE && !(w[0] >= 'A' && w[0] <= 'Z') && (unsigned char)w[0] != 0xC3))
        return 0; /* German writes its nouns capitalised: "meer" is no sea */
    char en[32];
    int pos = 0;
    ls_translate_word(lang, w, n, w[0] >= 'A' && w[0] <= 'Z', en, sizeof en, &pos);
    lswn_info wi;
    return en[0] && pos == LS_POS_NOUN && lswn_lookup(en, &wi) && lswn_noun_concrete(&wi) &&
           wi.noun_lex[0] != LSWN_N_PERSON;
}

/* Gerunds that show nothing without their object: "Tom giving in the land". */
static int weak_gerund(const char *g)
{
    static const char *const weak[] = {"giving", "taking", "making", "getting", "going", "coming", "having",
                                       "doing", "putting", "keeping", "letting", "being", "seeming", "leaving",
                                       "setting", "turning", "bringing", "finding", "holding", NULL};
    for (size_t i = 0; weak[i]; i++)
        if (strcmp(g, weak[i]) == 0)
            return 1;
    return 0;
}

/* Does a setting ("in the book", "down the cellar") read in a title? Its
 * noun must be a place or a thing someone can be at (WordNet: a book's
 * commonest sense is a written work, no place to be in); without a verb
 * only a preposition of place reads ("Harvey in the cellar", never
 * "Harvey down the cellar": "down" needs its "going"). */
static int setting_reads(const char *setting, int with_verb)
{
    static const char *const motion[] = {"down", "up", "into", "through", "across", "along", "to", "toward",
                                         "towards", "onto", "out", "past", "from", "off", "round", "around", NULL};
    size_t pl = strcspn(setting, " ");
    char prep[16];
    snprintf(prep, sizeof prep, "%.*s", (int)(pl < sizeof prep ? pl : sizeof prep - 1), setting);
    if (!with_verb)
        for (size_t i = 0; motion[i]; i++)
            if (strcmp(prep, motion[i]) == 0)
                return 0;
    const char *last = strrchr(setting, ' ');
    lswn_info wi;
    if (!last || !lswn_lookup(last + 1, &wi) || !wi.noun)
        return 1; /* nothing known against it */
    return lswn_noun_concrete(&wi) && wi.noun_lex[0] != LSWN_N_COMMUNICATION && wi.noun_lex[0] != LSWN_N_PERSON;
}

/* "Tom whitewashing the fence": who (the first cast member, else a person
 * noun), the first visible action near them as an -ing form, and the thing
 * or place it is done to, with the text's own preposition. Non-English
 * texts get their first concrete nouns ("Mann, See und Water"). At most 7
 * words, never empty. */
static char *title_make(const ls_scenectx *sc, const char *scene, int with_action)
{
    size_t n = strlen(scene);
    tword tw[TITLE_WORDS];
    uint64_t h[TITLE_WORDS];
    char lows[TITLE_WORDS][32];
    size_t nw = 0;
    lslex_scan scan;
    lsword w;
    lslex_scan_init(&scan, scene, n);
    while (nw < TITLE_WORDS && lslex_next_word(&scan, &w)) {
        tword *t = &tw[nw];
        memset(t, 0, sizeof *t);
        t->start = w.start;
        t->end = w.end;
        size_t ll;
        t->flags = title_noun_case(sc->lang,
                             title_lookup(sc->lang, scene + w.start, w.end - w.start, lows[nw], sizeof lows[nw], &ll,
                                         &t->base, &t->blen),
                             w.upper);
        if (t->base == lows[nw])
            t->base = NULL;
        t->inflected = t->base && (t->blen != ll || memcmp(t->base, lows[nw], ll) != 0);
        h[nw] = lslex_word_hash(scene + w.start, w.end - w.start);
        nw++;
    }
    for (size_t i = 0; i < nw; i++) {
        size_t ch;
        size_t m = ls_cast_match(sc->forms, sc->n_forms, h, nw, i, &ch);
        if (m) {
            tw[i].cast = (int)ch + 1;
            tw[i].cast_len = m;
            i += m - 1;
        }
    }
    const unsigned skip = LSLEX_STOP | LSLEX_PRONOUN | LSLEX_DET | LSLEX_CONJ;
    lsbuf b;
    lsbuf_init(&b, 4096);
    longsd_status st = LONGSD_OK;
    char who[128] = "";
    size_t who_at = (size_t)-1, who_len = 1;
    for (size_t i = 0; i < nw && who_at == (size_t)-1; i++)
        if (tw[i].cast) {
            snprintf(who, sizeof who, "%s", sc->cast[tw[i].cast - 1].name);
            who_at = i;
            who_len = tw[i].cast_len;
        }
    for (size_t i = 0; i < nw && who_at == (size_t)-1; i++)
        if ((tw[i].flags & LSLEX_PERSON) && !(tw[i].flags & skip)) {
            lswn_info pw;
            if (sc->lang == LSLEX_EN && (!lswn_lookup(lows[i], &pw) || !pw.noun || !lswn_noun_is(&pw, LSWN_N_PERSON)))
                continue; /* "manly" is no one */
            if (sc->lang == LSLEX_EN)
                snprintf(who, sizeof who, "the %.31s", lows[i]);
            else
                snprintf(who, sizeof who, "%.*s", (int)(tw[i].end - tw[i].start), scene + tw[i].start);
            who_at = i;
        }
    if (sc->lang == LSLEX_EN) {
        char act[64] = "", obj[64] = "", obj2[40] = "", prep[16] = "";
        size_t act_at = (size_t)-1, obj_at = (size_t)-1;
        int obj_name = 0, far = 0;
        size_t from = who_at == (size_t)-1 ? 0 : who_at + who_len;
        size_t to = who_at == (size_t)-1 ? nw : (from + 8 < nw ? from + 8 : nw);
        /* an inflected verb ("climbed") is surely a verb; a bare one may be a noun */
        for (int pass = 0; with_action && pass < 2 && act_at == (size_t)-1; pass++)
            for (size_t i = from; i < to; i++) {
                const tword *t = &tw[i];
                if (!(t->flags & LSLEX_ACTION) || (t->flags & (skip | LSLEX_SPEECH)) || t->cast)
                    continue;
                if (pass == 0 && !t->inflected)
                    continue;
                if (!t->inflected && (t->flags & (LSLEX_PERSON | LSLEX_PLACE | LSLEX_OBJECT | LSLEX_LIGHT)))
                    continue; /* "light", "fish": a noun as often as a verb */
                if (i > 0 && is_negation(lows[i - 1]))
                    continue;
                if (t->base)
                    lslex_gerund(t->base, t->blen, act, sizeof act);
                else
                    snprintf(act, sizeof act, "%.31s", lows[i]);
                act_at = i;
                break;
            }
        size_t ofrom = act_at != (size_t)-1 ? act_at + 1 : from;
        for (size_t i = ofrom; i < nw; i++) {
            const tword *t = &tw[i];
            if (t->cast && i != who_at) {
                if (act_at != (size_t)-1 && i > act_at + 2)
                    continue; /* too far to be what the action is done to */
                snprintf(obj, sizeof obj, "%s", sc->cast[t->cast - 1].name);
                obj_at = i;
                obj_name = 1;
                /* "Tom giving Becky the pencil" */
                for (size_t j = i + t->cast_len; j < nw && j < i + t->cast_len + 3; j++)
                    if ((tw[j].flags & LSLEX_OBJECT) && !(tw[j].flags & skip) && !tw[j].cast && act[0]) {
                        snprintf(obj2, sizeof obj2, "%.31s", lows[j]);
                        break;
                    }
                break;
            }
            if (t->cast || (t->flags & skip) || !(t->flags & (LSLEX_OBJECT | LSLEX_PLACE)))
                continue;
            if ((t->flags & LSLEX_ACTION) && i > 0 && (strcmp(lows[i - 1], "to") == 0 || strcmp(lows[i - 1], "and") == 0))
                continue; /* "to sail", "and sail": a verb */
            if (scene[t->start] >= 'A' && scene[t->start] <= 'Z')
                continue; /* a name ("Rome", "England") is no "the" thing */
            snprintf(obj, sizeof obj, "%.31s", lows[i]);
            obj_at = i;
            break;
        }
        if (obj_at == (size_t)-1 && (who[0] || act[0])) {
            /* nothing after the action: the first thing anywhere, nearby */
            for (size_t i = 0; i < nw; i++) {
                const tword *t = &tw[i];
                if (t->cast || i == act_at || (t->flags & skip) || !(t->flags & (LSLEX_OBJECT | LSLEX_PLACE)) ||
                    (scene[t->start] >= 'A' && scene[t->start] <= 'Z'))
                    continue;
                snprintf(obj, sizeof obj, "%.31s", lows[i]);
                snprintf(prep, sizeof prep, "and"); /* far from the action: no preposition of the text joins them */
                obj_at = i;
                far = 1;
                break;
            }
        }
        if (obj_at != (size_t)-1 && !far) {
            /* the preposition of the text, if one stands between: "down the street" */
            size_t lo = act_at != (size_t)-1 ? act_at + 1 : (who_at != (size_t)-1 ? who_at + who_len : 0);
            for (size_t i = obj_at; i > lo; i--)
                if (tw[i - 1].flags & LSLEX_SPATIAL) {
                    if (obj_at - i < 3)
                        snprintf(prep, sizeof prep, "%.15s", lows[i - 1]);
                    break;
                }
            if (act_at != (size_t)-1 && obj_at > act_at + 5)
                snprintf(prep, sizeof prep, "and");
        }
        if (strcmp(prep, "and") == 0)
            act[0] = '\0'; /* "Tom and the window", never "Tom climbing and the window" */
        if (!act[0] && prep[0] && strcmp(prep, "and") != 0 && !(tw[obj_at].flags & LSLEX_SPATIAL)) {
            /* without a verb only a preposition of place reads: "Tom at the pump", not "Tom up the money" */
            static const char *const place[] = {"in", "on", "at", "by", "near", "under", "beside", "behind",
                                                "inside", "outside", "upon", "beneath", "among", NULL};
            int ok = 0;
            for (size_t q = 0; place[q]; q++)
                ok |= strcmp(prep, place[q]) == 0;
            if (!ok)
                snprintf(prep, sizeof prep, "and");
        }
        if (!act[0] && prep[0] && strcmp(prep, "and") != 0 && obj_at != (size_t)-1 && !obj_name) {
            char set[64];
            snprintf(set, sizeof set, "%s the %s", prep, lows[obj_at]);
            if (!setting_reads(set, 0))
                snprintf(prep, sizeof prep, "and"); /* "Aunt Polly in the book": no place to be */
        }
        if (obj_at != (size_t)-1 && !obj_name && weak_gerund(act) &&
            (far || strcmp(prep, "near") == 0 || (tw[obj_at].flags & LSLEX_PLACE))) {
            /* "Tom in the fog", not "Tom taking near the fog" nor "Tom taking the sea" */
            act[0] = '\0';
            if (far || strcmp(prep, "near") == 0 || !prep[0])
                snprintf(prep, sizeof prep, "and");
        }
        if (act[0] && !obj[0] && weak_gerund(act))
            act[0] = '\0'; /* "Elizabeth taking": nothing taken */
        if (obj_name && !act[0]) {
            /* "Jim and Tom in the city" reads better than "Jim with Tom" */
            st = lsbuf_printf(&b, "%s and %s", who, obj);
            for (size_t i = 0; !st && i < nw; i++) {
                const tword *t = &tw[i];
                if (t->cast || (t->flags & skip) || !(t->flags & (LSLEX_OBJECT | LSLEX_PLACE)))
                    continue;
                /* the text's own preposition before it ("in the city"), else none */
                const char *pp = NULL;
                for (size_t q = i; q-- > 0 && i - q <= 2 && !pp;)
                    if (tw[q].flags & LSLEX_SPATIAL)
                        pp = lows[q];
                    else if (!(tw[q].flags & LSLEX_DET))
                        break;
                if (pp && !(scene[t->start] >= 'A' && scene[t->start] <= 'Z'))
                    st = lsbuf_printf(&b, " %s the %s", pp, lows[i]);
                break;
            }
            who[0] = obj[0] = '\0';
        }
        if (!st && who[0])
            st = lsbuf_adds(&b, who);
        if (!st && act[0])
            st = lsbuf_printf(&b, "%s%s", b.len ? " " : "", act);
        if (!st && obj[0]) {
            const char *pp = prep[0] ? prep : (act[0] ? "" : "and");
            if (!b.len && strcmp(pp, "and") == 0)
                pp = ""; /* "The rain", never "And the rain" */
            st = lsbuf_printf(&b, "%s%s%s%s%s", b.len ? " " : "", pp, pp[0] ? " " : "", obj_name ? "" : "the ", obj);
            if (!st && obj2[0])
                st = lsbuf_printf(&b, " the %s", obj2);
        }
        if (!st && count_words(b.data ? b.data : "") < 3) {
            /* the time the scene writer names (its first time word), as
             * English says it: "at night", "in the morning"; a light word
             * ("gray", "gold") would need a preposition the text lacks */
            size_t pick = (size_t)-1;
            for (size_t i = 0; i < nw && pick == (size_t)-1; i++)
                if (ls_time_word(lows[i]) && i != act_at)
                    pick = i;
            if (pick != (size_t)-1) {
                static const char *const at[] = {"night", "midnight", "dawn", "dusk", "noon", "sunset", "sunrise",
                                                 "twilight", "nightfall", "daybreak", NULL};
                static const char *const seasons[] = {"spring", "summer", "autumn", "winter", NULL};
                int a = 0, season = 0;
                for (size_t q = 0; at[q]; q++)
                    a |= strcmp(lows[pick], at[q]) == 0;
                for (size_t q = 0; seasons[q]; q++)
                    season |= strcmp(lows[pick], seasons[q]) == 0;
                st = lsbuf_printf(&b, "%s%s%s", b.len ? " " : "", a ? "at " : season ? "in " : "in the ", lows[pick]);
            }
        }
    } else {
        /* "Mann und See": the first two concrete words in order, where no
         * phrase of the passage made a title (title_phrase.c): a dialect
         * without the standard articles */
        char picks[2][64];
        size_t np = 0;
        for (size_t i = 0; i < nw && np < 2; i++) {
            const tword *t = &tw[i];
            char one[64];
            if (t->cast)
                snprintf(one, sizeof one, "%s", sc->cast[t->cast - 1].name);
            else if (((t->flags & (LSLEX_PERSON | LSLEX_PLACE | LSLEX_OBJECT)) && !(t->flags & skip) &&
                      known_word(sc->lang, scene + t->start, t->end - t->start)) ||
                     concrete_word(sc->lang, scene + t->start, t->end - t->start, t->flags))
                snprintf(one, sizeof one, "%.*s", (int)(t->end - t->start), scene + t->start);
            else
                continue;
            int dup = 0;
            for (size_t j = 0; j < np; j++)
                dup |= strcmp(picks[j], one) == 0;
            if (!dup)
                snprintf(picks[np++], sizeof picks[0], "%s", one);
            if (t->cast)
                i += t->cast_len - 1;
        }
        for (size_t j = 0; j < np && !st; j++) {
            if (j > 0)
                st = lsbuf_adds(&b, j + 1 == np ? (sc->lang == LSLEX_DE ? " und " : " et ") : ", ");
            if (!st)
                st = lsbuf_adds(&b, picks[j]);
        }
    }
    if (!st && count_words(b.data ? b.data : "") < 2) {
        /* fallback, never a run of the passage's words: who and the first
         * thing or place, "Tom at the pump", "Fischer und See", else the
         * first two things */
        lsbuf_reset(&b);
        const char *thing = NULL;
        size_t tl = 0, ti = 0;
        char two[2][64];
        size_t n2 = 0;
        for (size_t i = 0; i < nw && n2 < 2; i++) {
            const tword *t = &tw[i];
            if (t->cast || (t->flags & skip) || !(t->flags & (LSLEX_OBJECT | LSLEX_PLACE)) ||
                !known_word(sc->lang, scene + t->start, t->end - t->start))
                continue;
            /* an English capital marks a name ("To England"): it takes no
             * "the" and is not lower-cased into a thing */
            if (sc->lang == LSLEX_EN && scene[t->start] >= 'A' && scene[t->start] <= 'Z')
                continue;
            if (!thing)
                thing = scene + t->start, tl = t->end - t->start, ti = i;
            snprintf(two[n2++], sizeof two[0], "%.*s", (int)(t->end - t->start < 63 ? t->end - t->start : 63),
                     scene + t->start);
        }
        const char *and = sc->lang == LSLEX_DE ? "und" : sc->lang == LSLEX_FR ? "et" : "and";
        if (who[0] && thing && sc->lang == LSLEX_EN)
            st = lsbuf_printf(&b, "%s and the %.*s", who, (int)tl, lows[ti]);
        else if (who[0] && thing)
            st = lsbuf_printf(&b, "%s %s %.*s", who, and, (int)tl, thing);
        else if (n2 == 2 && strcmp(two[0], two[1]) != 0)
            st = lsbuf_printf(&b, "%s %s %s", two[0], and, two[1]);
        else if (who[0])
            st = lsbuf_printf(&b, "%s %s", sc->lang == LSLEX_DE ? "Eine Szene mit" : sc->lang == LSLEX_FR ? "Une sc\xC3\xA8ne avec" : "A scene with", who);
    }
    if (!st && b.len == 0)
        st = lsbuf_adds(&b, sc->lang == LSLEX_DE ? "Eine Szene" : sc->lang == LSLEX_FR ? "Une sc\xC3\xA8ne" : "A scene");
    if (st) {
        lsbuf_free(&b);
        return NULL;
    }
    /* at most 7 words */
    int words = 0, in = 0;
    for (size_t i = 0; i < b.len; i++) {
        if (b.data[i] == ' ') {
            in = 0;
        } else if (!in) {
            in = 1;
            if (++words > 7) {
                b.len = i - 1;
                b.data[b.len] = '\0';
                break;
            }
        }
    }
    ls_cap_first(b.data);
    return lsbuf_steal(&b);
}


/* ------------------------------------------------------------------------
 * Tidying and uniqueness: 2 to 6 words, no name twice ("Ben and Ben"), no
 * dangling last word ("in the"), and no two ideas of a plan with the same
 * title. */

#define TITLE_MAX_WORDS 6

char *ls_title_make(const ls_scenectx *sc, const char *scene) { return title_make(sc, scene, 1); }

static int dangling_word(lslex_lang_id lang, const char *w, size_t n)
{
    char low[32];
    size_t ll = lslex_lower(w, n, low, sizeof low, 0);
    unsigned f = lslex_lookup(lang, low, ll, NULL, NULL);
    return (f & (LSLEX_STOP | LSLEX_DET | LSLEX_PREP | LSLEX_CONJ | LSLEX_SPATIAL | LSLEX_PRONOUN)) != 0;
}

typedef struct {
    size_t s, e;
} span;

static size_t split_words(const char *t, span *w, size_t cap)
{
    size_t n = 0, i = 0;
    while (t[i] && n < cap) {
        while (t[i] == ' ')
            i++;
        if (!t[i])
            break;
        size_t s = i;
        while (t[i] && t[i] != ' ')
            i++;
        w[n].s = s;
        w[n].e = i;
        n++;
    }
    return n;
}

/* Tidy t in place; 0 if fewer than two words are left. */
static int title_tidy(const ls_scenectx *sc, char *t)
{
    span w[32];
    size_t n = split_words(t, w, 32);
    /* a name said twice: keep its first mention only, with what joined it */
    for (size_t c = 0; c < sc->n_cast; c++) {
        const char *name = sc->cast[c].name;
        if (!name || !*name)
            continue;
        const char *a = strstr(t, name);
        const char *b = a ? strstr(a + strlen(name), name) : NULL;
        if (!b)
            continue;
        size_t cut = (size_t)(b - t);
        while (cut > 0 && t[cut - 1] == ' ')
            cut--;
        size_t k = cut;
        while (k > 0 && t[k - 1] != ' ')
            k--;
        if (dangling_word(sc->lang, t + k, cut - k))
            cut = k; /* "and", "with" before it */
        size_t rest = (size_t)(b - t) + strlen(name);
        memmove(t + cut, t + rest, strlen(t + rest) + 1);
        n = split_words(t, w, 32);
    }
    /* a content word said twice ("Judge Thatcher and Jeff Thatcher"): cut
     * at the joining word before it, else drop it */
    for (size_t i = 1; i < n; i++) {
        if (dangling_word(sc->lang, t + w[i].s, w[i].e - w[i].s))
            continue;
        char a[32], b[32];
        size_t al = lslex_lower(t + w[i].s, w[i].e - w[i].s, a, sizeof a, 0);
        int rep = 0;
        for (size_t j = 0; j < i && !rep; j++) {
            size_t bl = lslex_lower(t + w[j].s, w[j].e - w[j].s, b, sizeof b, 0);
            rep = al == bl && memcmp(a, b, al) == 0;
        }
        if (!rep)
            continue;
        size_t join = 0;
        for (size_t j = i; j-- > 1;) {
            char c[16];
            size_t cl = lslex_lower(t + w[j].s, w[j].e - w[j].s, c, sizeof c, 0);
            if (lslex_lookup(sc->lang, c, cl, NULL, NULL) & LSLEX_CONJ) {
                join = j;
                break;
            }
        }
        if (join) {
            t[w[join].s > 0 ? w[join].s - 1 : 0] = '\0';
        } else {
            size_t e = w[i].e;
            while (t[e] == ' ')
                e++;
            memmove(t + w[i].s, t + e, strlen(t + e) + 1);
        }
        n = split_words(t, w, 32);
        i = 0;
    }
    if (n > TITLE_MAX_WORDS) {
        t[w[TITLE_MAX_WORDS - 1].e] = '\0';
        n = TITLE_MAX_WORDS;
    }
    while (n > 1 && dangling_word(sc->lang, t + w[n - 1].s, w[n - 1].e - w[n - 1].s)) {
        n--;
        t[w[n - 1].e] = '\0';
    }
    size_t l = strlen(t);
    while (l && (t[l - 1] == ',' || t[l - 1] == ' ' || t[l - 1] == ';' || t[l - 1] == ':'))
        t[--l] = '\0';
    /* one space between words ("Ben  with the brush" after a cut), none first */
    size_t o = 0;
    for (size_t i = 0; t[i]; i++)
        if (t[i] != ' ' || (o > 0 && t[o - 1] != ' '))
            t[o++] = t[i];
    t[o] = '\0';
    return n >= 2;
}

/* The nouns of a narration the book's dictionary knows, drawable or not
 * ("position", "groupe"), in text order, at most cap, each written as in
 * the text (German capitalised, a French elision "l'" dropped). */
/* The lexicon's flags of word w of text t. */
static unsigned title_flags(lslex_lang_id lang, const char *t, const lsword *w)
{
    char low[40];
    size_t ll = lslex_lower(t + w->start, w->end - w->start, low, sizeof low, 1);
    return ll ? lslex_lookup(lang, low, ll, NULL, NULL) : 0;
}

static size_t plain_nouns(const ls_scenectx *sc, const char *t, char (*out)[40], size_t cap)
{
    size_t k = 0, n = strlen(t);
    lslex_scan scan;
    lsword w;
    lslex_scan_init(&scan, t, n);
    uint64_t h[TITLE_WORDS];
    lsword ws[TITLE_WORDS];
    size_t nw = 0;
    while (nw < TITLE_WORDS && lslex_next_word(&scan, &w)) {
        ws[nw] = w;
        h[nw] = lslex_word_hash(t + w.start, w.end - w.start);
        nw++;
    }
    for (size_t i = 0; i < nw && k < cap; i++) {
        size_t ch, m = ls_cast_match(sc->forms, sc->n_forms, h, nw, i, &ch);
        if (m) {
            i += m - 1; /* names make their own titles ("A scene with Tom") */
            continue;
        }
        const char *p = t + ws[i].start;
        size_t l = ws[i].end - ws[i].start;
        const char *ap = memchr(p, '\'', l < 4 ? l : 4);
        if (ap && (size_t)(ap - p) + 1 < l)
            l -= (size_t)(ap + 1 - p), p = ap + 1; /* "l'isomérie" */
        if (l < 3 || l >= 39)
            continue;
        char low[40];
        size_t ll = lslex_lower(p, l, low, sizeof low, 1);
        unsigned f = lslex_lookup(sc->lang, low, ll, NULL, NULL);
        if (f & (LSLEX_STOP | LSLEX_PRONOUN | LSLEX_DET | LSLEX_CONJ | LSLEX_PREP | LSLEX_SPEECH | LSLEX_TITLE))
            continue;
        int upper = p[0] >= 'A' && p[0] <= 'Z';
        if (sc->lang == LSLEX_DE && !upper && (unsigned char)p[0] != 0xC3)
            continue; /* German nouns are capitalised */
        char en[32];
        int pos = 0;
        lswn_info wi;
        if (sc->lang == LSLEX_EN) {
            if (!lswn_lookup(low, &wi) || !wi.noun || wi.plural || (wi.verb && wi.verb_tagged > wi.noun_tagged) ||
                (wi.adj && wi.adj_tagged > wi.noun_tagged) || upper)
                continue;
        } else {
            ls_translate_word(sc->lang, p, l, upper, en, sizeof en, &pos);
            if (!en[0] || pos != LS_POS_NOUN)
                continue;
            /* "auf diese Weise", "du reste", "au lieu de": an abstract
             * noun after its preposition (a determiner or an adjective
             * between) is an adverb of the sentence, no thing of the
             * picture */
            unsigned f1 = i > 0 ? title_flags(sc->lang, t, &ws[i - 1]) : 0;
            unsigned f2 = i > 1 ? title_flags(sc->lang, t, &ws[i - 2]) : 0;
            char pw[8] = "";
            if (i > 0 && ws[i - 1].end - ws[i - 1].start < sizeof pw)
                lslex_lower(t + ws[i - 1].start, ws[i - 1].end - ws[i - 1].start, pw, sizeof pw, 0);
            int fused = sc->lang == LSLEX_FR && (!strcmp(pw, "du") || !strcmp(pw, "au") || !strcmp(pw, "aux"));
            unsigned ps = LSLEX_PREP | LSLEX_SPATIAL; /* German "auf" is spatial */
            int low_before = i > 0 && !(t[ws[i - 1].start] >= 'A' && t[ws[i - 1].start] <= 'Z');
            int after_prep = fused || (f1 & ps) || ((f2 & ps) && low_before); /* "auf diese Weise" */
            int l0 = lswn_lookup(en, &wi) ? wi.noun_lex[0] : 0; /* "way": an attribute first, a road third */
            if (after_prep && !(l0 == LSWN_N_ARTIFACT || l0 == LSWN_N_OBJECT || l0 == LSWN_N_ANIMAL ||
                                l0 == LSWN_N_PLANT || l0 == LSWN_N_FOOD || l0 == LSWN_N_BODY ||
                                l0 == LSWN_N_SUBSTANCE || l0 == LSWN_N_LOCATION || l0 == LSWN_N_PERSON))
                continue;
        }
        int dup = 0;
        for (size_t j = 0; j < k; j++)
            dup |= lsstr_casecmp_ascii(out[j], low) == 0;
        if (dup)
            continue;
        snprintf(out[k], sizeof out[k], "%.*s", (int)l, p);
        int caps = 1;
        for (size_t j = 0; j < l; j++)
            caps &= !(p[j] >= 'a' && p[j] <= 'z');
        if (caps) /* "CONFIGURATIONS" shouted in a heading */
            lslex_lower(p, l, out[k], sizeof out[k], 0);
        k++;
    }
    return k;
}

/* A title from a narration's plain nouns that no idea of ideas[0..n) has
 * yet: "Position et groupe", "Groupe et molécule"; NULL when
 * there is none (or out of memory). Titles stay real words of the scene,
 * never "Une scène encore 7". */
static char *noun_title(const ls_scenectx *sc, const char *narration, ls_idea *const *ideas, size_t n)
{
    char nouns[6][40];
    size_t k = plain_nouns(sc, narration, nouns, 6);
    const char *and = sc->lang == LSLEX_DE ? "und" : sc->lang == LSLEX_FR ? "et" : "and";
    for (size_t a = 0; a < k; a++)
        for (size_t b = a + 1; b < k; b++) {
            /* two nouns: one alone is no title (2-6 words); each with
             * its article where the dictionary or the text tells both
             * ("La mère et les dents", never the roll-call "Mère et
             * dents") */
            char *t = NULL, arts[2][8] = {"", ""};
            int both = sc->lang != LSLEX_EN;
            for (int q = 0; q < 2 && both; q++) {
                const char *nw = nouns[q ? b : a];
                const char *ar = sc->lang == LSLEX_FR ? ls_title_fr_article(nw)
                                                      : ls_title_de_article(sc, narration, strlen(narration), nw,
                                                                            strlen(nw));
                both = ar && ar[0];
                if (both)
                    snprintf(arts[q], sizeof arts[q], "%s%s", ar, sc->lang == LSLEX_DE ? " " : "");
            }
            if (both) {
                char la[40], lb[40];
                /* a French common noun is lower case after its article */
                lslex_lower(nouns[a], strlen(nouns[a]), la, sizeof la, 0);
                lslex_lower(nouns[b], strlen(nouns[b]), lb, sizeof lb, 0);
                t = longsd__asprintf("%s%s %s %s%s", arts[0], sc->lang == LSLEX_FR ? la : nouns[a], and, arts[1],
                                     sc->lang == LSLEX_FR ? lb : nouns[b]);
            } else {
                t = longsd__asprintf("%s %s %s", nouns[a], and, nouns[b]);
            }
            if (!t)
                return NULL;
            ls_cap_first(t);
            int taken = 0;
            for (size_t j = 0; j < n && !taken; j++)
                taken = ideas[j]->title && strcmp(ideas[j]->title, t) == 0;
            if (!taken)
                return t;
            longsd__free(t);
        }
    return NULL;
}

/* A German or French title told apart by one thing of its passage's
 * own words, with its article: "Le narrateur et le frisson", "Die
 * Glocke" (a bare "Une scène" gives way to the thing); NULL when the
 * passage names no such thing not taken yet (or out of memory). */
static int title_taken(ls_idea *const *ideas, size_t upto, const char *t);

static char *thing_title(const ls_scenectx *sc, const char *base, const char *quote, ls_idea *const *ideas,
                         size_t n)
{
    char nouns[6][40];
    size_t k = plain_nouns(sc, quote, nouns, 6);
    const char *bare = sc->lang == LSLEX_DE ? "Eine Szene" : "Une sc\xC3\xA8ne";
    const char *and = sc->lang == LSLEX_DE ? "und" : "et";
    int generic = strcmp(base, bare) == 0;
    for (size_t a = 0; a < k; a++) {
        const char *ar = sc->lang == LSLEX_FR ? ls_title_fr_article(nouns[a])
                                              : ls_title_de_article(sc, quote, strlen(quote), nouns[a], strlen(nouns[a]));
        if (!ar || !ar[0])
            continue;
        char nw[40];
        if (sc->lang == LSLEX_FR)
            lslex_lower(nouns[a], strlen(nouns[a]), nw, sizeof nw, 0);
        else
            snprintf(nw, sizeof nw, "%.39s", nouns[a]); /* nouns[a] is as long as nw */
        if (strstr(base, nw))
            continue;
        const char *sp = sc->lang == LSLEX_DE ? " " : "";
        char *t;
        if (generic && strcmp(ar, "l'") != 0)
            t = longsd__asprintf("%s%s%s", ar, sp, nw); /* "Le frisson" */
        else if (count_words(base) + 2 + (strcmp(ar, "l'") != 0) <= TITLE_MAX_WORDS)
            t = longsd__asprintf("%s %s %s%s%s", base, and, ar, sp, nw);
        else
            continue;
        if (!t)
            return NULL;
        ls_cap_first(t);
        if (!title_taken(ideas, n, t))
            return t;
        longsd__free(t);
    }
    return NULL;
}

#define PT_MAX 8
#define PT_MORE 24


/* How an option's people stand to the picture the scene writer draws of
 * the same narration: 0 it names the scene's subject, 1 only people the
 * picture shows, 2 no one, -1 someone the picture leaves out (a title
 * "Pierre Aronnax dans la chambre" over "a captain, with a room" names a
 * man nobody sees). A scene with no subject rules no one out. */
/* Is cast member c the person noun the scene draws as its subject
 * ("captain" for "Capitaine Nemo": a word of the name or the role says
 * so)? */
static int subject_noun_is(const ls_scenectx *sc, const ls_sceneparts *p, size_t c, const char *opt)
{
    if (!p->subject[0])
        return 0;
    /* the name, its role, and the option's own words when it names no
     * one else ("Le p\xC3\xA8re Rouault" over "a father") */
    const char *srcs[3] = {sc->cast[c].name, sc->cast[c].role, opt};
    for (size_t k = 0; k < 3; k++)
        for (const char *w = srcs[k]; w && *w;) {
            size_t l = strcspn(w, " ");
            char en[40];
            ls_translate_word(sc->lang, w, l, w[0] >= 'A' && w[0] <= 'Z', en, sizeof en, NULL);
            if (en[0] && strcmp(en, p->subject) == 0)
                return 1;
            w += l;
            while (*w == ' ')
                w++;
        }
    return 0;
}

static int option_rank(const ls_scenectx *sc, const ls_sceneparts *p, const char *t, longsd_status *st)
{
    ls_nameset ns = {.n = 0};
    *st = ls_names_in(t, strlen(t), sc->forms, sc->n_forms, &ns);
    if (*st || ns.n == 0)
        return 2;
    int subj = 0;
    for (size_t i = 0; i < ns.n; i++) {
        int in = 0;
        for (size_t k = 0; k < p->n_who; k++)
            if (p->who[k] == ns.who[i])
                in = subj = 1;
        for (size_t k = 0; k < p->present.n && !in; k++)
            in = p->present.who[k] == ns.who[i];
        if (!in && p->n_who == 0 && subject_noun_is(sc, p, ns.who[i], ns.n == 1 ? t : NULL))
            in = subj = 1;
        /* a scene that names no subject may still draw the one a pronoun
         * stands for ("Il regardait la rue"): only a picture that says
         * whom it draws rules the others out */
        if (!in && (p->n_who || p->subject[0]))
            return -1;
    }
    return subj ? 0 : 1;
}

/* German and French titles of the passage's own phrases (title_phrase.c),
 * tidied: "Der Vater und die Schwester", "Emma dans la chambre"; those
 * naming the scene's subject first, then those of people it shows, then
 * those of things, and none naming a person the picture leaves out, so the
 * title and the prompt tell of the same people. more: the longer list
 * ls_titles_unique reads before it numbers a title. */
static longsd_status phrase_titles(const ls_scenectx *sc, const char *narration, char (*opts)[112], size_t cap,
                                   size_t *n, int more)
{
    char raw[PT_MORE][LS_TITLE_OPT];
    int rank[PT_MORE];
    size_t nr = 0;
    *n = 0;
    size_t rcap = more ? PT_MORE : PT_MAX;
    longsd_status st = more ? ls_title_phrases_more(sc, narration, raw, rcap, &nr)
                            : ls_title_phrases(sc, narration, raw, rcap, &nr);
    if (st || nr == 0)
        return st;
    ls_sceneparts p;
    st = ls_scene_parts(sc, narration, (size_t)-1, &p);
    if (st)
        return st;
    for (size_t i = 0; i < nr; i++) {
        rank[i] = option_rank(sc, &p, raw[i], &st);
        if (st)
            return st;
    }
    for (int r = 0; r <= 2; r++)
        for (size_t i = 0; i < nr && *n < cap; i++) {
            int wc = count_words(raw[i]);
            if (rank[i] == r && title_tidy(sc, raw[i]) && count_words(raw[i]) == wc)
                memcpy(opts[(*n)++], raw[i], LS_TITLE_OPT);
        }
    if (*n == 0 && !more)
        return phrase_titles(sc, narration, opts, cap, n, 1); /* a title of things, if the passage has one */
    return LONGSD_OK;
}

/* English titles from the scene writer's parts (scene.c reads the
 * sentence: the subject, its one action with the object or place and the
 * preposition the text used, the setting): "Tom dipping the brush",
 * "Alice running into the wood", "Tom at the pump", "Tom and the raft",
 * then longer ones that tell two such scenes apart ("Tom dipping the
 * brush at the fence"). A preposition is never made up: a title says
 * "near" only where the text did. At most cap, each 2-6 words. */
static longsd_status parts_titles(const ls_scenectx *sc, const char *narration, char (*opts)[112], size_t cap,
                                  size_t *n, int *acted)
{
    *n = 0;
    *acted = 1;
    if (sc->lang != LSLEX_EN)
        return phrase_titles(sc, narration, opts, cap, n, 0);
    ls_sceneparts p;
    longsd_status st = ls_scene_parts(sc, narration, (size_t)-1, &p);
    if (st)
        return st;
    *acted = p.action[0] != '\0';
    char who[96] = "";
    if (p.n_who == 2)
        snprintf(who, sizeof who, "%s and %s", sc->cast[p.who[0]].name, sc->cast[p.who[1]].name);
    else if (p.n_who == 1)
        snprintf(who, sizeof who, "%s", sc->cast[p.who[0]].name);
    else if (p.subject[0])
        snprintf(who, sizeof who, "The %s", p.subject);
    if (p.setting[0] && !setting_reads(p.setting, p.action[0] != '\0'))
        p.setting[0] = '\0';
    char act[160];
    snprintf(act, sizeof act, "%s", p.action);
    if (!who[0] && act[0])
        ls_cap_first(act); /* "Rowing on the lake" */
    const char *sp = who[0] ? " " : "";
    char cand[6][512];
    size_t nc = 0;
    if (act[0])
        snprintf(cand[nc++], sizeof cand[0], "%s%s%s", who, sp, act);
    if (who[0] && p.setting[0])
        snprintf(cand[nc++], sizeof cand[0], "%s %s", who, p.setting);
    if (act[0] && p.setting[0])
        snprintf(cand[nc++], sizeof cand[0], "%s%s%s %s", who, sp, act, p.setting);
    if (who[0] && p.object[0] && p.n_who < 2) /* not "Tom and Jim and the raft" */
        snprintf(cand[nc++], sizeof cand[0], "%s and %s", who, p.object);
    if (act[0] && p.object[0] && !strstr(act, p.object + 4))
        snprintf(cand[nc++], sizeof cand[0], "%s%s%s and %s", who, sp, act, p.object);
    if (who[0] && p.setting[0] && p.object[0] && p.n_who < 2)
        snprintf(cand[nc++], sizeof cand[0], "%s and %s %s", who, p.object, p.setting);
    for (size_t i = 0; i < nc && *n < cap; i++) {
        int wc = count_words(cand[i]);
        if (wc < 2 || wc > 6 || strlen(cand[i]) >= sizeof opts[0])
            continue;
        char *t = longsd__strdup(cand[i]);
        if (!t)
            return LONGSD_ERR_NOMEM;
        ls_cap_first(t);
        if (title_tidy(sc, t) && count_words(t) == wc) {
            snprintf(opts[*n], sizeof opts[0], "%s", t);
            (*n)++;
        }
        longsd__free(t);
    }
    return LONGSD_OK;
}

char *ls_title_write(const ls_scenectx *sc, const char *narration)
{
    int acted = 1;
    {
        char opts[PT_MAX][112];
        size_t no = 0;
        if (parts_titles(sc, narration, opts, PT_MAX, &no, &acted))
            return NULL;
        if (no)
            return longsd__strdup(opts[0]);
    }
    /* where the scene writer read the sentence and found no action
     * ("Tom was rolling in wealth", "when he played out"), the title
     * makes none up from a verb it did not draw */
    char *t = title_make(sc, narration, acted);
    if (!t)
        return NULL;
    const char *bare = sc->lang == LSLEX_DE ? "Eine Szene" : sc->lang == LSLEX_FR ? "Une sc\xC3\xA8ne" : "A scene";
    if (strcmp(t, bare) == 0) {
        char *nt = noun_title(sc, narration, NULL, 0);
        if (nt) {
            longsd__free(t);
            return nt;
        }
    }
    if (!title_tidy(sc, t)) {
        /* a lone word: "A scene with Tom", never a run of the passage's words */
        lsbuf b;
        lsbuf_init(&b, 1024);
        const char *lead = sc->lang == LSLEX_DE ? "Eine Szene" : sc->lang == LSLEX_FR ? "Une sc\xC3\xA8ne" : "A scene";
        const char *with = sc->lang == LSLEX_DE ? "mit" : sc->lang == LSLEX_FR ? "avec" : "with";
        size_t wl = strcspn(t, " ");
        if (!wl || dangling_word(sc->lang, t, wl)) {
            /* nothing drawable nor anyone: the passage's own nouns */
            char *nt = noun_title(sc, narration, NULL, 0);
            if (nt) {
                longsd__free(t);
                return nt;
            }
        }
        longsd_status st = wl && !dangling_word(sc->lang, t, wl) ? lsbuf_printf(&b, "%s %s %.*s", lead, with, (int)wl, t)
                                                                 : lsbuf_adds(&b, lead);
        longsd__free(t);
        if (st) {
            lsbuf_free(&b);
            return NULL;
        }
        t = lsbuf_steal(&b);
        if (t) {
            title_tidy(sc, t);
            ls_cap_first(t);
        }
    }
    return t;
}

/* Is "B and A" the title "A and B" (either case of the first letters)?
 * Two people named in turn are the same title to a reader. */
static int swapped_pair(const char *a, const char *b)
{
    static const char *const joins[] = {" and ", " und ", " et ", NULL};
    for (size_t i = 0; joins[i]; i++) {
        const char *ja = strstr(a, joins[i]), *jb = strstr(b, joins[i]);
        if (!ja || !jb || strstr(ja + 1, joins[i]) || strstr(jb + 1, joins[i]))
            continue;
        size_t jl = strlen(joins[i]);
        size_t a1 = (size_t)(ja - a), b1 = (size_t)(jb - b);
        const char *a2 = ja + jl, *b2 = jb + jl;
        /* a's first half is b's second, and the other way round; the
         * first letter's case aside ("Der Vater" / "der Vater") */
        if (a1 == strlen(b2) && b1 == strlen(a2) && a1 && b1 && (a[0] | 32) == (b2[0] | 32) &&
            memcmp(a + 1, b2 + 1, a1 - 1) == 0 && (b[0] | 32) == (a2[0] | 32) && memcmp(b + 1, a2 + 1, b1 - 1) == 0)
            return 1;
    }
    return 0;
}

static int title_taken(ls_idea *const *ideas, size_t upto, const char *t)
{
    for (size_t j = 0; j < upto; j++)
        if (ideas[j]->title && (strcmp(ideas[j]->title, t) == 0 || swapped_pair(ideas[j]->title, t)))
            return 1;
    return 0;
}

/* A taken English title told apart by an element of the idea's written
 * scene (scene.c, its own English): its setting with the scene's
 * preposition ("... on the raft"), a thing it shows ("... and the
 * canoe"), its time or weather ("... at night", "... in the rain").
 * NULL when none fits in 6 words or all are taken (or out of memory). */
/* Does the passage use the word w (ASCII, lower case) as a word? */
static int passage_has(const char *quote, const char *w)
{
    size_t wl = strlen(w);
    for (const char *p = quote; p && *p; p++) {
        size_t k = 0;
        while (k < wl && p[k] && (p[k] | 32) == w[k])
            k++;
        if (k < wl)
            continue;
        char b = p == quote ? ' ' : p[-1], a = p[wl];
        if (!((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) && !((a >= 'a' && a <= 'z') || (a >= 'A' && a <= 'Z')))
            return 1;
    }
    return 0;
}

static char *scene_title(const char *base, const char *scene, const char *quote, ls_idea *const *ideas, size_t n)
{
    static const char *const preps[] = {"in", "on", "at", "by", "near", "under", "over", "below", "behind",
                                        "beside", "along", "across", "through", "into", "upon", "among",
                                        "against", "down", "up", "inside", "outside", "beneath", NULL};
    static const char *const at_times[] = {"night", "dawn", "dusk", "midnight", "noon", "sunset", "sunrise",
                                           "twilight", "nightfall", "daybreak", NULL};
    static const char *const the_times[] = {"morning", "afternoon", "evening", "rain", "storm", "snow", "fog",
                                            "mist", "wind", "moonlight", "sunshine", "sunlight", "darkness", NULL};
    int bw = count_words(base);
    for (const char *p = scene; *p;) {
        size_t el = strcspn(p, ",;");
        char e[160];
        snprintf(e, sizeof e, "%.*s", (int)(el < sizeof e ? el : sizeof e - 1), p);
        p += el;
        while (*p == ',' || *p == ';' || *p == ' ')
            p++;
        char *q = e;
        while (*q == ' ')
            q++;
        char first[32];
        size_t fl = strcspn(q, " ");
        snprintf(first, sizeof first, "%.*s", (int)(fl < sizeof first ? fl : sizeof first - 1), q);
        const char *last = strrchr(q, ' ') ? strrchr(q, ' ') + 1 : q;
        char sfx[3][96];
        size_t ns = 0;
        int is_prep = 0, is_at = 0, is_the = 0;
        for (size_t i = 0; preps[i]; i++)
            is_prep |= strcmp(first, preps[i]) == 0;
        for (size_t i = 0; at_times[i]; i++)
            is_at |= strcmp(q, at_times[i]) == 0;
        for (size_t i = 0; the_times[i]; i++)
            is_the |= strcmp(q, the_times[i]) == 0;
        if (is_prep && q[fl] == ' ' && passage_has(quote, first)) /* the setting of the pages around: not said here */
            snprintf(sfx[ns++], sizeof sfx[0], "%s the %.40s", first, last);
        else if (strcmp(first, "with") == 0) {
            /* "with a canoe and a quilt": each thing */
            for (const char *a = q + fl; *a && ns < 3;) {
                const char *and = strstr(a, " and ");
                size_t il = and ? (size_t)(and - a) : strlen(a);
                const char *lw = a + il;
                while (lw > a && lw[-1] != ' ')
                    lw--;
                if (il && lw < a + il)
                    snprintf(sfx[ns++], sizeof sfx[0], "and the %.*s", (int)(a + il - lw < 40 ? a + il - lw : 40), lw);
                a = and ? and + 5 : a + il;
            }
        } else if (is_at)
            snprintf(sfx[ns++], sizeof sfx[0], "at %.40s", q);
        else if (is_the)
            snprintf(sfx[ns++], sizeof sfx[0], "in the %.40s", q);
        for (size_t k = 0; k < ns; k++) {
            int sw = count_words(sfx[k]);
            const char *lw = strrchr(sfx[k], ' ') + 1;
            if (bw + sw > TITLE_MAX_WORDS || strstr(base, lw) || (strncmp(sfx[k], "and ", 4) == 0 && strstr(base, " and ")))
                continue;
            char *t = longsd__asprintf("%s %s", base, sfx[k]);
            if (!t)
                return NULL;
            if (!title_taken(ideas, n, t))
                return t;
            longsd__free(t);
        }
    }
    return NULL;
}

longsd_status ls_titles_unique(const longsd_story *s, const ls_character *cast, size_t n_cast, ls_idea *const *ideas,
                               size_t n)
{
    ls_cast_form *forms = NULL;
    size_t n_forms = 0;
    if (ls_cast_forms(cast, n_cast, &forms, &n_forms))
        return LONGSD_ERR_NOMEM;
    ls_scenectx sc = {.s = s, .lang = lslex_lang(s->lang), .cast = cast, .n_cast = n_cast, .forms = forms,
                      .n_forms = n_forms};
    longsd_status st = LONGSD_OK;
    for (size_t i = 0; i < n && !st; i++) {
        ls_idea *id = ideas[i];
        if (!id->title || !title_taken(ideas, i, id->title))
            continue;
        /* another title from the passage's later sentences */
        size_t first = (size_t)-1, last = 0;
        for (size_t k = 0; k < s->n_sentences; k++)
            if (s->sentences[k].start >= id->start && s->sentences[k].end <= id->end) {
                if (first == (size_t)-1)
                    first = k;
                last = k;
            }
        char *alt = NULL;
        /* the scene's other titles: its setting, object, or both, told
         * by the passage as a whole, then by each of its sentences */
        for (size_t k = first; first != (size_t)-1 && k <= last + 1 && !alt; k++) {
            size_t ref;
            size_t a = k <= last ? k : first, cnt = k <= last ? 1 : last - first + 1;
            if (k == first)
                cnt = last - first + 1; /* the whole passage first */
            char *nar = ls_scene_build(&sc, a, cnt, &ref);
            if (!nar) {
                st = LONGSD_ERR_NOMEM;
                break;
            }
            char opts[PT_MAX][112];
            size_t no = 0;
            int acted;
            if (nar[0])
                st = parts_titles(&sc, nar, opts, PT_MAX, &no, &acted);
            longsd__free(nar);
            for (size_t q = 0; !st && q < no && !alt; q++)
                if (!title_taken(ideas, n, opts[q])) {
                    alt = longsd__strdup(opts[q]);
                    if (!alt)
                        st = LONGSD_ERR_NOMEM;
                }
        }
        if (st)
            break;
        for (size_t k = first + 1; first != (size_t)-1 && k <= last && !alt; k++) {
            size_t ref;
            char *nar = ls_scene_build(&sc, k, last - k + 1, &ref);
            if (!nar) {
                st = LONGSD_ERR_NOMEM;
                break;
            }
            char *t = nar[0] ? ls_title_write(&sc, nar) : NULL;
            longsd__free(nar);
            if (t && !title_taken(ideas, n, t))
                alt = t;
            else
                longsd__free(t);
        }
        if (st)
            break;
        if (!alt && first != (size_t)-1) {
            size_t ref;
            char *nar = ls_scene_build(&sc, first, last - first + 1, &ref);
            if (!nar) {
                st = LONGSD_ERR_NOMEM;
                break;
            }
            alt = noun_title(&sc, nar, ideas, n);
            longsd__free(nar);
        }
        if (!alt && sc.lang == LSLEX_EN && id->scene)
            alt = scene_title(id->title, id->scene, id->quote ? id->quote : "", ideas, n);
        if (!alt && id->quote) {
            /* another one of the passage's people beside the subject: "Tom and Becky" */
            ls_nameset ns = {.n = 0};
            st = ls_names_in(id->quote, strlen(id->quote), forms, n_forms, &ns);
            if (st)
                break;
            span tw[32];
            size_t tn = split_words(id->title, tw, 32);
            for (size_t a = 0; a < ns.n && !alt && tn > 0; a++) {
                const char *nm = cast[ns.who[a]].name;
                size_t nl = nm ? strlen(nm) : 0;
                if (!nl || strncmp(id->title, nm, nl) != 0 || (id->title[nl] != ' ' && id->title[nl] != '\0'))
                    continue; /* the title's subject */
                for (size_t b = 0; b < ns.n && !alt; b++) {
                    const char *other = cast[ns.who[b]].name;
                    if (b == a || !other || strstr(id->title, other) || count_words(nm) + count_words(other) + 1 > 6)
                        continue;
                    char *t = longsd__asprintf("%s %s %s", nm, sc.lang == LSLEX_DE ? "und" : sc.lang == LSLEX_FR ? "et" : "and",
                                               other); /* never "and" in a French title */
                    if (!t) {
                        st = LONGSD_ERR_NOMEM;
                        break;
                    }
                    if (!title_taken(ideas, n, t))
                        alt = t;
                    else
                        longsd__free(t);
                }
            }
            if (st)
                break;
        }
        if (!alt && sc.lang != LSLEX_EN && first != (size_t)-1) {
            /* the passage's other titles (each person with each thing of
             * it, two things) before a number: "Le narrateur et la
             * fen\xC3\xAAtre", never "Le narrateur encore 7" */
            for (size_t k = first; k <= last + 1 && !alt && !st; k++) {
                size_t ref;
                size_t a = k <= last ? k : first, cnt = k <= last ? 1 : last - first + 1;
                if (k == first)
                    cnt = last - first + 1;
                char *nar = ls_scene_build(&sc, a, cnt, &ref);
                if (!nar) {
                    st = LONGSD_ERR_NOMEM;
                    break;
                }
                char opts[PT_MORE][112];
                size_t no = 0;
                if (nar[0])
                    st = phrase_titles(&sc, nar, opts, PT_MORE, &no, 1);
                longsd__free(nar);
                for (size_t q = 0; !st && q < no && !alt; q++)
                    if (!title_taken(ideas, n, opts[q])) {
                        alt = longsd__strdup(opts[q]);
                        if (!alt)
                            st = LONGSD_ERR_NOMEM;
                    }
            }
            if (st)
                break;
        }
        if (!alt && sc.lang != LSLEX_EN && id->quote)
            alt = thing_title(&sc, id->title, id->quote, ideas, n);
        if (!alt) {
            /* "Tom at the home again", then a number: never two the same */
            const char *again = sc.lang == LSLEX_DE ? "wieder" : sc.lang == LSLEX_FR ? "encore" : "again";
            span w[32];
            size_t nw = split_words(id->title, w, 32);
            /* room for "again" and a number within the 6 words, and no
             * dangling "et" or comma left before them */
            size_t kw = nw > TITLE_MAX_WORDS - 2 ? TITLE_MAX_WORDS - 2 : nw;
            while (kw > 1 && dangling_word(sc.lang, id->title + w[kw - 1].s, w[kw - 1].e - w[kw - 1].s))
                kw--;
            size_t keep = kw ? w[kw - 1].e : strlen(id->title);
            while (keep && (id->title[keep - 1] == ',' || id->title[keep - 1] == ';' || id->title[keep - 1] == ':'))
                keep--;
            alt = longsd__asprintf("%.*s %s", (int)keep, id->title, again);
            for (int k = 2; alt && title_taken(ideas, n, alt) && k < 1000; k++) {
                longsd__free(alt);
                alt = longsd__asprintf("%.*s %s %d", (int)keep, id->title, again, k);
            }
            if (!alt) {
                st = LONGSD_ERR_NOMEM;
                break;
            }
        }
        longsd__free(id->title);
        id->title = alt;
    }
    longsd__free(forms);
    return st;
}
