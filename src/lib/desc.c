/* desc.c - what the cast looks like, from the book itself: for each
 * character, the visual words the narration puts next to their name or
 * role (hair, beard, face, clothes, things carried, build and age words:
 * "long grey beard", "bald-headed", "black coat"), kept in the book's
 * language; when the text says nothing, a neutral line from role and sex.
 * A description already there (the user's, or an LLM's) is never touched.
 * What is written is an English noun phrase a prompt can use as its
 * subject ("a ragged boy with a straw hat", "an old fisherman", "a
 * woman"): the noun from the role (translated) or from sex and age, the
 * harvested words (translated for German and French books) around it.
 * Age and sex come from the evidence too: the person noun a sentence uses
 * for someone just named ("Tom ... The boy ran"), honorifics ("Mrs.",
 * "Fräulein", "Aunt"), "old" before the name (desc_age.c).
 * What the narration calls them at their name ("Jim, the small colored
 * boy", "M. Lheureux, le marchand d'étoffes") gives the noun (desc_role.c).
 * Precision before recall: only sentences naming one character are read,
 * and only the clause about them where they are its subject (up to
 * another person, name or pronoun of the other sex, or a clause of its
 * own; nothing after "at Tom" or "saw Tom"); a beard is never a woman's;
 * one phrase per thing (the richer wording); a thing carried needs a verb
 * of holding or "in his hand"; "her old hair trunk" is a trunk. A neutral "a man" is better than
 * someone else's detail.
 * One pass over the sentences: linear in the text.
 * Someone the cast does not hold, named by a description ("the old man"),
 * is read the same way over the pages of their chapter before a passage
 * (ls_desc_of_phrase), with the sentence right after a mention when it
 * opens with their pronoun ("An old man sat by the door. He wore ..."). */
#include <string.h>

#include "desc.h"
#include "desc_int.h"
#include "lexicon.h"
#include "translate.h"
#include "util.h"
#include "wordnet.h"

#define DESC_MAX_PHRASES 5
#define DESC_WINDOW 12 /* words after a mention that may describe it */

/* nouns of what shows: hair, face, clothes, things carried (en, de, fr) */
static const char *const VISUAL[] = {
    "hair", "beard", "moustache", "mustache", "whiskers", "curls", "face", "eyes", "nose", "cheeks", "coat",
    "hat", "cap", "dress", "bonnet", "spectacles", "apron", "boots", "jacket", "shirt", "gown", "cloak",
    "uniform", "trousers", "breeches", "pipe", "cane", "stick", "gun", "rifle", "sword", "basket", "lantern",
    "umbrella", "shawl", "wig", "haar", "haare", "bart", "gesicht", "augen", "rock", "hut", "m\xC3\xBCtze",
    "kleid", "mantel", "stiefel", "brille", "sch\xC3\xBCrze", "pfeife", "stock", "cheveux", "barbe", "visage",
    "yeux", "habit", "chapeau", "robe", "manteau", "bottes", "lunettes", "tablier", "canne", "b\xC3\xA2ton",
    "fusil", "\xC3\xA9p\xC3\251e", "casquette",
};
/* build and age words that describe a person on their own */
static const char *const BUILD[] = {
    "tall", "stout", "fat", "thin", "slim", "lean", "lanky", "bald", "bald-headed", "freckled", "ragged",
    "barefoot", "hunchbacked", "grey-haired", "gray-haired", "white-haired", "red-haired", "elderly",
    "gro\xC3\x9F", "dick", "d\xC3\xBCnn", "schlank", "kahl", "bucklig", "gros", "maigre", "mince", "chauve",
};
/* what a harvested noun is worn in rather than had with */
static const char *const WORN[] = {"coat", "hat", "cap", "dress", "bonnet", "apron", "boots", "jacket", "shirt",
                                   "gown", "cloak", "uniform", "trousers", "breeches", "shawl", "wig", "robe",
                                   "overcoat", "frock", "skirt", "suit"};

static int in_list(const char *low, size_t n, const char *const *list, size_t nl)
{
    for (size_t i = 0; i < nl; i++)
        if (strlen(list[i]) == n && !memcmp(list[i], low, n))
            return 1;
    return 0;
}

typedef struct {
    char *text;         /* "long grey beard" */
    size_t start, end;  /* its span in the original bytes */
} dphrase;

#define DESC_MAX_ROLES 4

typedef struct {
    ls_desc_role r;
    int count;
} drole;

typedef struct {
    dphrase p[DESC_MAX_PHRASES];
    size_t n;
    drole roles[DESC_MAX_ROLES]; /* what the narration calls them, by head noun */
    size_t n_roles;
} dchar;

/* One more "Jim, the small colored boy": counted by head noun; the first
 * phrase with adjectives is kept as the one to write. */
static void add_role(dchar *dc, const ls_desc_role *r)
{
    for (size_t i = 0; i < dc->n_roles; i++)
        if (!strcmp(dc->roles[i].r.head, r->head)) {
            dc->roles[i].count++;
            if (!strcmp(dc->roles[i].r.words, dc->roles[i].r.head) && strcmp(r->words, r->head))
                dc->roles[i].r = *r;
            return;
        }
    if (dc->n_roles < DESC_MAX_ROLES) {
        dc->roles[dc->n_roles].r = *r;
        dc->roles[dc->n_roles].count = 1;
        dc->n_roles++;
    }
}


/* The last word of the bytes [a, z): a phrase's head noun ("mustache" of
 * "thick black mustache"). */
static void head_of(const longsd_story *s, size_t a, size_t z, size_t *ha, size_t *hn)
{
    size_t b = z;
    while (b > a && s->data[b - 1] != ' ' && s->data[b - 1] != '\n' && s->data[b - 1] != '\r' &&
           s->data[b - 1] != '\t')
        b--;
    *ha = b;
    *hn = z - b;
}

/* A harvested phrase, once per head noun: "his thick black mustache" and
 * later "his thick mustache" are one mustache, and the richer wording
 * (more bytes) is the one kept. */
static longsd_status add_phrase(const longsd_story *s, dchar *dc, size_t a, size_t z)
{
    if (z <= a || z - a > 60)
        return LONGSD_OK;
    size_t ha, hn;
    head_of(s, a, z, &ha, &hn);
    size_t slot = dc->n;
    for (size_t i = 0; i < dc->n; i++) {
        size_t oa, on;
        head_of(s, dc->p[i].start, dc->p[i].end, &oa, &on);
        char x[32], y[32];
        if (on != hn || hn >= sizeof x || lslex_lower(s->data + oa, on, x, sizeof x, 0) != on ||
            lslex_lower(s->data + ha, hn, y, sizeof y, 0) != hn || memcmp(x, y, hn))
            continue;
        if (dc->p[i].end - dc->p[i].start >= z - a)
            return LONGSD_OK; /* the same thing, said as richly before */
        slot = i;
        break;
    }
    if (slot == dc->n && dc->n >= DESC_MAX_PHRASES)
        return LONGSD_OK;
    char *t = ls_story_text(s, a, z);
    if (!t)
        return LONGSD_ERR_NOMEM;
    for (char *q = t; *q; q++)
        if (*q >= 'A' && *q <= 'Z' && q == t)
            *q = (char)(*q + 32); /* "Long grey beard" at a clause start */
    if (slot < dc->n)
        longsd__free(dc->p[slot].text);
    dc->p[slot].text = t;
    dc->p[slot].start = a;
    dc->p[slot].end = z;
    if (slot == dc->n)
        dc->n++;
    return LONGSD_OK;
}

static int is_word(const dword *x, const char *const *list, size_t n) { return in_list(x->low, x->ll, list, n); }

/* Words that tie a thing to the person just named: "his grey beard",
 * "with a pipe", "wore a black coat", "seine Mütze", "son chapeau". */
static const char *const TIE[] = {"his", "her", "with", "wore", "wearing", "in", "had", "has", "sein", "seine", "seinen",
                                  "ihr", "ihre", "ihren", "mit", "trug", "son", "sa", "ses", "avec", "portait"};
static const char *const COPULA[] = {"was", "is", "looked", "war", "ist", "sah", "\xC3\xA9tait", "est"};
static const char *const ARTICLE[] = {"a", "an", "the", "ein", "eine", "einen", "einem", "un", "une", "le", "la"};

/* things a hand holds: only said of someone who holds or carries them */
static const char *const CARRIED[] = {"pipe", "cane", "stick", "gun", "rifle", "sword", "basket", "lantern",
                                      "umbrella", "pfeife", "stock", "canne", "b\xC3\xA2ton", "fusil",
                                      "\xC3\xA9p\xC3\xA9" "e"};
/* verbs of holding and carrying: "held a lantern", "trug einen Korb" */
static const char *const HOLD[] = {"held", "holding", "holds", "carried", "carrying", "carries", "bore", "grasped",
                                   "clutched", "clutching", "gripped", "brandished", "brandishing", "hielt",
                                   "h\xC3\xA4lt", "trug", "tr\xC3\xA4gt", "schwang", "tenait", "tient",
                                   "portait", "porte", "brandissait"};
/* "in his hand", "in der Hand", "à la main": after the thing held */
/* eyes said only by their size ("with wide eyes", "mit großen Augen",
 * "les yeux grands") are a look of surprise, for a moment, not how the
 * person looks */
static const char *const EYES[] = {"eyes", "augen", "yeux"};
static const char *const EYE_SIZE[] = {"wide", "great", "big", "large", "round", "gro\xC3\x9F", "gro\xC3\x9F" "e",
                                       "gro\xC3\x9F" "en", "weit", "weiten", "aufgerissenen", "grand", "grands"};
static const char *const HAND[] = {"hand", "hands", "fist", "main", "mains"};
/* words that open a clause with a subject of its own */
static const char *const SUBCLAUSE[] = {"that", "how", "whether", "dass", "da\xC3\x9f", "que", "qu'il",
                                        "qu'elle"};
/* what only a man has: never harvested for a woman */
static const char *const MALE_ONLY[] = {"beard", "moustache", "mustache", "whiskers", "bart", "schnurrbart",
                                        "barbe", "moustaches"};
static const char *const POSS_M[] = {"his", "he", "himself"};
/* the pronouns that are a clause's subject */
static const char *const SUBJ_PRON[] = {"he", "she", "they", "i", "we", "er", "sie", "ich", "wir", "il", "elle",
                                        "ils", "elles", "je", "nous"};
static const char *const POSS_F[] = {"her", "she", "hers", "herself"};

/* Where the clause about the one character named ends, looking from w[from]:
 * at another person ("Tom sent a boy ... with a blazing stick"), a name, a
 * pronoun of the other sex ("Tom looked at her: her hair ..."), him / them
 * (someone else is acted on), or a clause of its own ("saw that his"). */
static size_t clause_end(lslex_lang_id lang, const dword *w, size_t from, size_t to, int gender)
{
    for (size_t k = from; k < to; k++) {
        const dword *x = &w[k];
        if (x->quoted)
            continue;
        if ((x->flags & LSLEX_PERSON) && !(x->flags & LSLEX_PRONOUN))
            return k;
        if (x->upper && lang != LSLEX_DE && k > from)
            return k; /* another name */
        /* "Simon watched a friar in his brown robe": another person the
         * clause brings in (not "Tom, a tall boy": that is Tom) */
        if (lang == LSLEX_EN && k >= from + 2 && !x->upper && is_word(&w[k - 1], ARTICLE, sizeof ARTICLE / sizeof ARTICLE[0])) {
            lswn_info wi;
            if (lswn_lookup(x->low, &wi) && wi.noun && wi.noun_lex[0] == LSWN_N_PERSON)
                return k;
        }
        if (lang == LSLEX_EN) {
            if (gender == LS_GENDER_MALE && is_word(x, POSS_F, sizeof POSS_F / sizeof POSS_F[0]))
                return k;
            if (gender == LS_GENDER_FEMALE && is_word(x, POSS_M, sizeof POSS_M / sizeof POSS_M[0]))
                return k;
            /* "them", or "him" for someone whose sex is unknown; a woman
             * "looking up at him with her wonderful eyes" keeps her eyes */
            if ((x->ll == 4 && !memcmp(x->low, "them", 4)) || (!gender && x->ll == 3 && !memcmp(x->low, "him", 3)))
                return k;
        }
        /* "Lea saw that his white beard ...": a clause of its own, about
         * someone else */
        if (is_word(x, SUBCLAUSE, sizeof SUBCLAUSE / sizeof SUBCLAUSE[0]))
            return k;
    }
    return to;
}

/* Is the visual noun w[k] the first half of a compound ("her old hair
 * trunk")? English only: German writes compounds as one word. */
static int compound(const longsd_story *s, lslex_lang_id lang, const dword *w, size_t n, size_t k)
{
    if (lang != LSLEX_EN || k + 1 >= n || w[k + 1].quoted || w[k + 1].upper)
        return 0;
    for (size_t i = w[k].end; i < w[k + 1].start; i++)
        if (s->data[i] != ' ')
            return 0; /* "his hair, which" */
    const dword *x = &w[k + 1];
    if (x->flags & (LSLEX_STOP | LSLEX_PREP | LSLEX_CONJ | LSLEX_DET | LSLEX_PRONOUN | LSLEX_SPEECH | LSLEX_ACTION |
                    LSLEX_SPATIAL))
        return 0;
    lswn_info wi;
    return lswn_lookup(x->low, &wi) && wi.noun && !wi.verb && !wi.adv && wi.noun_tagged >= wi.adj_tagged;
}

/* Visual phrases in words w[from..to) after a mention, for one character:
 * a visual noun tied to them (TIE, perhaps an article, adjectives), or a
 * build word after a copula ("Nat was slim"). A thing carried needs a
 * verb of holding before it or "in his hand" after it; nothing is read
 * past the end of the clause about them (clause_end). */
static longsd_status harvest(const longsd_story *s, lslex_lang_id lang, const dword *w, size_t n, size_t from,
                             size_t to, int gender, dchar *dc)
{
    longsd_status st = LONGSD_OK;
    int copula = 0, held = 0;
    to = clause_end(lang, w, from, to, gender);
    for (size_t k = from; k < to && !st; k++) {
        if (is_word(&w[k], HOLD, sizeof HOLD / sizeof HOLD[0]))
            held = 1;
        /* German writes every noun upper case: "seine rote Mütze" */
        if (w[k].quoted || (w[k].upper && lang != LSLEX_DE))
            continue;
        if (k <= from + 1 && is_word(&w[k], COPULA, sizeof COPULA / sizeof COPULA[0]))
            copula = 1;
        if (copula && k <= from + 4 && is_word(&w[k], BUILD, sizeof BUILD / sizeof BUILD[0])) {
            st = add_phrase(s, dc, w[k].start, w[k].end);
            continue;
        }
        if (!in_list(w[k].low, w[k].ll, VISUAL, sizeof VISUAL / sizeof VISUAL[0]) || compound(s, lang, w, n, k))
            continue;
        if (gender == LS_GENDER_FEMALE && is_word(&w[k], MALE_ONLY, sizeof MALE_ONLY / sizeof MALE_ONLY[0]))
            continue; /* a beard near her name is a man's near her */
        int carried = is_word(&w[k], CARRIED, sizeof CARRIED / sizeof CARRIED[0]);
        if (carried && !held) {
            /* "with a pipe in his hand" */
            int hand = 0;
            for (size_t j = k + 1; j < n && j < k + 5 && !hand; j++)
                hand = is_word(&w[j], HAND, sizeof HAND / sizeof HAND[0]);
            if (!hand)
                continue;
        }
        /* up to two adjectives before it: "long grey beard", "black coat" */
        size_t a = k;
        while (a > from && k - a < 2 && !w[a - 1].quoted && !w[a - 1].upper &&
               !is_word(&w[a - 1], TIE, sizeof TIE / sizeof TIE[0]) &&
               !is_word(&w[a - 1], ARTICLE, sizeof ARTICLE / sizeof ARTICLE[0]) &&
               !(w[a - 1].flags & (LSLEX_STOP | LSLEX_DET | LSLEX_PRONOUN | LSLEX_PREP | LSLEX_CONJ |
                                   LSLEX_SPEECH | LSLEX_ACTION)))
            a--;
        if (a == k && !carried)
            continue; /* a bare "face" or "hat" says nothing of how it looks; a lantern held does */
        for (size_t j = a; j < k; j++)
            if (memchr(w[j].low, '\'', w[j].ll) || (w[j].flags & LSLEX_PERSON))
                a = j + 1; /* "boy's hair", "the man's eyes": someone else's */
        if (a == k && !carried)
            continue;
        if (is_word(&w[k], EYES, sizeof EYES / sizeof EYES[0])) {
            int size_only = 1;
            for (size_t j = a; j < k && size_only; j++)
                size_only = is_word(&w[j], EYE_SIZE, sizeof EYE_SIZE / sizeof EYE_SIZE[0]);
            if (size_only)
                continue;
        }
        size_t b = a;
        if (b > from && is_word(&w[b - 1], ARTICLE, sizeof ARTICLE / sizeof ARTICLE[0]))
            b--;
        if (b == from || !(is_word(&w[b - 1], TIE, sizeof TIE / sizeof TIE[0]) ||
                           (carried && is_word(&w[b - 1], HOLD, sizeof HOLD / sizeof HOLD[0]))))
            continue; /* not tied to the person named ("held a lantern" ties it) */
        st = add_phrase(s, dc, w[a].start, w[k].end);
    }
    return st;
}

/* One word in English: as written for an English book, else its
 * dictionary translation; "" when the dictionary has no confident one. */
static void english_word(lslex_lang_id lang, const char *w, size_t n, int upper, char *out, size_t cap)
{
    out[0] = '\0';
    if (lang == LSLEX_EN) {
        char low[32];
        size_t ll = lslex_lower(w, n, low, sizeof low, 1);
        if (ll && ll < cap)
            snprintf(out, cap, "%s", low);
        return;
    }
    ls_translate_word(lang, w, n, upper, out, cap, NULL);
}

/* A rank noun in the other sex's form: "countess" for a woman the
 * dictionary gave "earl" ("comtesse" -> "earl"), "count" for a man given
 * "countess". In place; unchanged when the noun has no pair. */
static void rank_for_sex(char *role, size_t cap, int gender)
{
    static const char *const pair[][2] = {
        {"earl", "countess"},   {"count", "countess"}, {"duke", "duchess"},   {"king", "queen"},
        {"prince", "princess"}, {"baron", "baroness"}, {"emperor", "empress"}, {"marquis", "marchioness"},
        {"viscount", "viscountess"}};
    for (size_t i = 0; i < sizeof pair / sizeof pair[0]; i++) {
        int from = gender == LS_GENDER_FEMALE ? 0 : 1;
        if (gender && !strcmp(role, pair[i][from])) {
            /* "countess" back for a man is "count", never "earl" */
            snprintf(role, cap, "%s", from ? (i == 0 ? pair[1][0] : pair[i][0]) : pair[i][1]);
            return;
        }
    }
}

/* The person noun from role, or sex and age: "fisherman", "boy", "old
 * woman"; an animal's noun for an animal role ("flounder"); into out, ""
 * when nothing is known. */
static void person_noun(const ls_character *c, lslex_lang_id lang, char *out, size_t cap)
{
    char role[40] = "";
    out[0] = '\0';
    if (c->role && c->role[0]) {
        english_word(lang, c->role, strlen(c->role), lang == LSLEX_DE, role, sizeof role);
        lswn_info wi;
        if (!role[0] || !lswn_lookup(role, &wi))
            role[0] = '\0';
        else if (!lswn_noun_is(&wi, LSWN_N_PERSON)) {
            /* "de Butt" is a flounder that talks, not "a man"; a noun the
             * dictionary reads as neither person nor animal is no subject */
            if (lswn_noun_is(&wi, LSWN_N_ANIMAL)) {
                snprintf(out, cap, "%s", wi.noun_lemma[0] ? wi.noun_lemma : role);
                return;
            }
            role[0] = '\0';
        }
        rank_for_sex(role, sizeof role, c->gender);
    }
    int g = c->gender, age = c->age, ksex, kage;
    if (role[0] && ls_desc_kin(role, &ksex, &kage)) {
        /* "die Schwester", "la mère": a relation is no look; the sex and
         * the age such a relative has make the noun ("a young woman") */
        role[0] = '\0';
        g = g ? g : ksex;
        age = age ? age : kage;
    }
    if (role[0]) {
        snprintf(out, cap, "%s%s", age == LS_AGE_OLD ? "old " : age == LS_AGE_YOUNG ? "young " : "", role);
        return;
    }
    if (!g && !age)
        return;
    const char *n = age == LS_AGE_CHILD ? (g == LS_GENDER_FEMALE ? "girl" : g == LS_GENDER_MALE ? "boy" : "child")
                    : age == LS_AGE_YOUNG ? (g == LS_GENDER_FEMALE ? "young woman" : g == LS_GENDER_MALE ? "young man" : "young person")
                    : age == LS_AGE_OLD ? (g == LS_GENDER_FEMALE ? "old woman" : g == LS_GENDER_MALE ? "old man" : "old person")
                    : (g == LS_GENDER_FEMALE ? "woman" : g == LS_GENDER_MALE ? "man" : "person");
    snprintf(out, cap, "%s", n);
}

static int an(const char *w) { return w[0] == 'a' || w[0] == 'e' || w[0] == 'i' || w[0] == 'o' || w[0] == 'u'; }

/* The role phrase to write for c: the commonest head noun the narration
 * puts at their name that agrees with their sex and age; a plain "boy"
 * only when it adds adjectives ("small colored boy"); none for a
 * character named by a role already. NULL when none fits. */
static const ls_desc_role *pick_role(const ls_character *c, const dchar *dc)
{
    const drole *best = NULL;
    if (c->role && c->role[0])
        return NULL;
    for (size_t i = 0; i < dc->n_roles; i++) {
        const drole *r = &dc->roles[i];
        int sex = r->r.sex ? r->r.sex : ls_desc_noun_sex(r->r.head), psex, pchild;
        if (sex && c->gender && sex != c->gender)
            continue; /* "Conseil, mon domestique" read as "maid" */
        int ksex, kage;
        if (ls_desc_kin(r->r.head, &ksex, &kage))
            continue; /* "Charles, his mother", "la mère Bovary": someone's relation, no look */
        if (ls_desc_plain_noun(r->r.head, &psex, &pchild)) {
            if (!strcmp(r->r.words, r->r.head))
                continue; /* a bare "the boy" says what age and sex say */
            if ((pchild && c->age && c->age != LS_AGE_CHILD) || (!pchild && c->age == LS_AGE_CHILD))
                continue;
        }
        if (!best || r->count > best->count)
            best = r;
    }
    return best ? &best->r : NULL;
}

/* "old " or "young " for the age, unless the role's words say it. */
static const char *age_prefix(const ls_character *c, const char *words)
{
    if (strstr(words, "old") || strstr(words, "young") || strstr(words, "little"))
        return "";
    int pchild, psex;
    const char *last = strrchr(words, ' ');
    if (ls_desc_plain_noun(last ? last + 1 : words, &psex, &pchild))
        return c->age == LS_AGE_OLD ? "old " : "";
    return c->age == LS_AGE_OLD ? "old " : c->age == LS_AGE_YOUNG || c->age == LS_AGE_CHILD ? "young " : "";
}

/* The spans of what compose() wrote for c: the role phrase, then the harvested ones. */
static void fill_spans(const ls_character *c, const dchar *dc, ls_desc_spans *sp)
{
    const ls_desc_role *r = pick_role(c, dc);
    sp->n = 0;
    if (r) {
        sp->start[0] = r->start;
        sp->end[0] = r->end;
        sp->n = 1;
    }
    for (size_t k = 0; k < dc->n && sp->n < LS_DESC_MAX_SPANS; k++, sp->n++) {
        sp->start[sp->n] = dc->p[k].start;
        sp->end[sp->n] = dc->p[k].end;
    }
}

/* The description as an English noun phrase: build words before the noun,
 * the things had "with" and the clothes worn "in" after it: "a ragged boy
 * with a percussion-cap", "an old man with a long grey beard in a black
 * coat". Harvested words the dictionary cannot translate are left out.
 * *out NULL when nothing is known of the character. */
static longsd_status compose(const longsd_story *s, const ls_character *c, lslex_lang_id lang, const dchar *dc,
                             char **out)
{
    *out = NULL;
    const ls_desc_role *role = pick_role(c, dc);
    if (c->narrator && !c->role && !c->gender && !dc->n && !role)
        return LONGSD_OK;
    char noun[128];
    person_noun(c, lang, noun, sizeof noun);
    if (role)
        snprintf(noun, sizeof noun, "%s%s", age_prefix(c, role->words), role->words); /* "Canadian harpooner" */
    if (!noun[0] && !dc->n)
        return LONGSD_OK;
    if (!noun[0])
        snprintf(noun, sizeof noun, "person");
    lsbuf adj, with, in;
    lsbuf_init(&adj, 256);
    lsbuf_init(&with, 512);
    lsbuf_init(&in, 512);
    longsd_status st = LONGSD_OK;
    int n_adj = 0, n_with = 0, n_in = 0;
    for (size_t k = 0; k < dc->n && !st; k++) {
        /* the phrase's words in English, in order; its last is the noun */
        char words[4][32];
        size_t nw = 0, ok = 1;
        lslex_scan sc;
        lsword lw;
        const char *p = s->data + dc->p[k].start;
        lslex_scan_init(&sc, p, dc->p[k].end - dc->p[k].start);
        while (lslex_next_word(&sc, &lw) && nw < 4) {
            english_word(lang, p + lw.start, lw.end - lw.start, lw.upper, words[nw], sizeof words[nw]);
            if (!words[nw][0] || strchr(words[nw], '\''))
                ok = 0;
            lswn_info wi;
            if (nw && lang != LSLEX_EN && lswn_lookup(words[nw - 1], &wi) && wi.plural)
                snprintf(words[nw - 1], sizeof words[nw - 1], "%s", wi.noun_lemma); /* "rote" gave "reds" */
            nw++;
        }
        if (!nw || !ok)
            continue; /* a word the dictionary does not know is not guessed */
        if (nw == 1 && !in_list(words[0], strlen(words[0]), VISUAL, sizeof VISUAL / sizeof VISUAL[0]) &&
            !in_list(words[0], strlen(words[0]), WORN, sizeof WORN / sizeof WORN[0])) {
            if (n_adj < 2 && !strstr(noun, words[0]))
                st = lsbuf_printf(&adj, "%s ", words[0]), n_adj++; /* "ragged", "tall" */
            continue;
        }
        const char *head = words[nw - 1];
        size_t hl = strlen(head);
        int worn = in_list(head, hl, WORN, sizeof WORN / sizeof WORN[0]);
        int bare = (hl > 2 && head[hl - 1] == 's' && head[hl - 2] != 's') || !strcmp(head, "hair");
        lsbuf *b = worn ? &in : &with;
        int *nb = worn ? &n_in : &n_with;
        if (*nb >= 2)
            continue;
        st = lsbuf_adds(b, *nb ? " and " : worn ? " in " : " with ");
        if (!st && !bare)
            st = lsbuf_adds(b, an(words[0]) ? "an " : "a ");
        for (size_t j = 0; j < nw && !st; j++)
            st = lsbuf_printf(b, "%s%s", j ? " " : "", words[j]);
        (*nb)++;
    }
    if (!st) {
        const char *first = adj.len ? adj.data : noun;
        *out = longsd__asprintf("%s %s%s%s%s", an(first) ? "an" : "a", adj.len ? adj.data : "", noun,
                                with.len ? with.data : "", in.len ? in.data : "");
        if (!*out)
            st = LONGSD_ERR_NOMEM;
    }
    lsbuf_free(&adj);
    lsbuf_free(&with);
    lsbuf_free(&in);
    return st;
}

/* Is the mention at w[at] not the sentence's subject: another name comes
 * before it, or it stands after a preposition ("He grinned at Idris
 * through his spiky mustache") or a verb ("saw Tom")? Then the things
 * after it are the subject's. A speech verb comes before its subject
 * ("said Tom, his hat in his hand"), an adjective before a name ("poor
 * Tom"). */
static int acted_on(const longsd_story *s, lslex_lang_id lang, const dword *w, size_t at)
{
    /* the clause the mention is in: back to a comma, "and", "that" ("so
     * solid that Jim looked ragged" is Jim's clause) */
    size_t cs = 0;
    for (size_t k = at; k > 0 && !cs; k--) {
        for (size_t b = w[k - 1].end; b < w[k].start && !cs; b++)
            if (s->data[b] == ',' || s->data[b] == ';' || s->data[b] == ':')
                cs = k;
        if (!cs && ((w[k - 1].flags & LSLEX_CONJ) || is_word(&w[k - 1], SUBCLAUSE, sizeof SUBCLAUSE / sizeof SUBCLAUSE[0])))
            cs = k;
    }
    /* "Varga walked over to where Idris lay ... his thin mustache": a name
     * before it in its clause (not in German, which capitalises every
     * noun) is the subject */
    for (size_t k = cs; k < at; k++) {
        const dword *x = &w[k];
        if (x->quoted)
            continue;
        /* "The jailer walked to where Idris lay", "He grinned at Idris" */
        if ((x->flags & LSLEX_PRONOUN) && is_word(x, SUBJ_PRON, sizeof SUBJ_PRON / sizeof SUBJ_PRON[0]))
            return 1;
        lswn_info pw;
        if (lang == LSLEX_EN && !x->upper && k > 0 && (w[k - 1].flags & LSLEX_DET) && lswn_lookup(x->low, &pw) &&
            pw.noun && pw.noun_lex[0] == LSWN_N_PERSON)
            return 1;
        if (lang == LSLEX_DE || !x->upper ||
            (x->flags & (LSLEX_STOP | LSLEX_DET | LSLEX_CONJ | LSLEX_PRONOUN | LSLEX_PREP | LSLEX_SPATIAL |
                         LSLEX_TITLE | LSLEX_SPEECH)))
            continue;
        lswn_info wi;
        if (k > 0 || !lswn_lookup(x->low, &wi))
            return 1;
    }
    if (at == 0 || w[at - 1].quoted || w[at - 1].upper)
        return 0;
    const dword *p = &w[at - 1];
    if (p->flags & (LSLEX_PREP | LSLEX_SPATIAL))
        return 1;
    if (p->flags & (LSLEX_SPEECH | LSLEX_CONJ | LSLEX_STOP | LSLEX_DET | LSLEX_PRONOUN | LSLEX_TITLE))
        return 0;
    lswn_info wi; /* "fixed Simon": a verb more than an adjective ("poor Tom") */
    return lswn_lookup(p->low, &wi) && wi.verb && (!wi.adj || wi.verb_tagged > wi.adj_tagged);
}

static longsd_status describe(const longsd_story *s, ls_character *cast, size_t n_cast, ls_desc_spans *spans,
                              int apply)
{
    lslex_lang_id lang = lslex_lang(s->lang);
    ls_cast_form *forms = NULL;
    size_t n_forms = 0, cap = 0;
    dchar *dc = NULL;
    dword *w = NULL;
    uint64_t *h = NULL;
    longsd_status st = LONGSD_OK;
    if (n_cast == 0)
        return LONGSD_OK;
    if ((st = ls_cast_forms(cast, n_cast, &forms, &n_forms)))
        return st;
    dc = longsd__calloc(n_cast, sizeof *dc);
    if (!dc) {
        st = LONGSD_ERR_NOMEM;
        goto out;
    }
    for (size_t si = 0; si < s->n_sentences && !st; si++) {
        const ls_sentence *sn = &s->sentences[si];
        if (sn->in_quotes || (sn->para < s->n_paras && s->paras[sn->para].is_heading))
            continue;
        size_t n = 0;
        if (!lslex_words_append(s->data, sn->start, sn->end, lang, &w, &h, &n, &cap, 64)) {
            st = LONGSD_ERR_NOMEM;
            goto out;
        }
        /* the one character of the sentence, and where they are named */
        size_t who = (size_t)-1, at = 0, len = 0;
        int several = 0;
        for (size_t k = 0; k < n; k++) {
            size_t ch;
            size_t m = ls_cast_match(forms, n_forms, h, n, k, &ch);
            if (!m || w[k].quoted)
                continue;
            if (who != (size_t)-1 && who != ch)
                several = 1;
            if (who == (size_t)-1)
                who = ch, at = k, len = m;
            k += m - 1;
        }
        if (who == (size_t)-1 || several)
            continue;
        /* "the old king", "a tall man named Nat": two words before; the
         * clause after the name */
        size_t to = at + len + DESC_WINDOW < n ? at + len + DESC_WINDOW : n;
        /* "tall Becky": the word before */
        if (at > 0 && !w[at - 1].quoted && (!w[at - 1].upper || at == 1)) {
            const dword *pw = &w[at - 1];
            if (is_word(pw, BUILD, sizeof BUILD / sizeof BUILD[0]))
                st = add_phrase(s, &dc[who], pw->start, pw->end);
        }
        if (!st && !acted_on(s, lang, w, at))
            st = harvest(s, lang, w, n, at + len, to, cast[who].gender, &dc[who]);
        ls_desc_role r;
        if (!st && ls_desc_role_at(s, lang, w, n, at, len, &r))
            add_role(&dc[who], &r);
    }
    if (apply && !st)
        st = ls_cast_ages(s, cast, n_cast); /* desc_age.c: the noun of the description needs them */
    for (size_t i = 0; i < n_cast && !st; i++) {
        ls_character *c = &cast[i];
        if (!apply) {
            /* spans only where the description is this harvest's phrase, word for word */
            char *d = NULL;
            if ((dc[i].n || dc[i].n_roles) && c->description && c->description[0] &&
                !(st = compose(s, c, lang, &dc[i], &d)) && d && !strcmp(d, c->description))
                fill_spans(c, &dc[i], &spans[i]);
            longsd__free(d);
            continue;
        }
        if (c->description && c->description[0])
            continue; /* someone wrote it: theirs wins */
        char *d = NULL;
        if ((st = compose(s, c, lang, &dc[i], &d)))
            break;
        if (!d)
            continue;
        if (spans)
            fill_spans(c, &dc[i], &spans[i]);
        longsd__free(c->description);
        c->description = d;
    }
out:
    if (dc)
        for (size_t i = 0; i < n_cast; i++)
            for (size_t k = 0; k < dc[i].n; k++)
                longsd__free(dc[i].p[k].text);
    longsd__free(dc);
    longsd__free(forms);
    longsd__free(w);
    longsd__free(h);
    return st;
}

/* How far back a person named by a description is looked for: the
 * chapter, and no more than this many sentences of it ("the old man" of
 * one chapter is often another man in the next). */
#define DESC_PHRASE_BACK 400

/* The sentence after one that names the person ("An old man sat by the
 * door. He wore a red cap."): when it opens with the pronoun of their sex
 * and names no one else, what it ties to "he" is theirs. Reads into the
 * word buffers of the caller, which holds no words of its own then. */
static longsd_status harvest_next(const longsd_story *s, lslex_lang_id lang, size_t si, int gender, dchar *dc,
                                  dword **w, uint64_t **h, size_t *cap)
{
    static const char *const HE[] = {"he", "il", "er"};
    static const char *const SHE[] = {"she", "elle", "sie"};
    const ls_sentence *sn = &s->sentences[si];
    size_t n = 0;
    if (!gender || sn->in_quotes)
        return LONGSD_OK;
    if (!lslex_words_append(s->data, sn->start, sn->end, lang, w, h, &n, cap, 64))
        return LONGSD_ERR_NOMEM;
    const dword *x = *w;
    if (n < 2 || x[0].quoted ||
        !(gender == LS_GENDER_MALE ? is_word(&x[0], HE, 3) : is_word(&x[0], SHE, 3)))
        return LONGSD_OK;
    size_t to = 1 + DESC_WINDOW < n ? 1 + DESC_WINDOW : n;
    return harvest(s, lang, x, n, 1, to, gender, dc);
}

longsd_status ls_desc_of_phrase(const longsd_story *s, size_t last, const char *phrase, char **out)
{
    lslex_lang_id lang = lslex_lang(s->lang);
    char pw[4][32];
    size_t np = 0;
    dword *w = NULL;
    uint64_t *h = NULL;
    size_t cap = 0;
    dchar dc;
    memset(&dc, 0, sizeof dc);
    longsd_status st = LONGSD_OK;
    *out = NULL;
    for (const char *p = phrase; *p && np < 4;) {
        size_t l = strcspn(p, " ");
        if (l == 0 || l >= sizeof pw[0])
            return LONGSD_OK;
        memcpy(pw[np], p, l);
        pw[np++][l] = '\0';
        p += l;
        while (*p == ' ')
            p++;
    }
    if (np == 0 || last >= s->n_sentences)
        return LONGSD_OK;
    /* the person: the head noun's sex, "old" or "young" before it */
    ls_character c;
    memset(&c, 0, sizeof c);
    char head[32];
    english_word(lang, pw[np - 1], strlen(pw[np - 1]), lang == LSLEX_DE, head, sizeof head);
    lswn_info wi;
    if (!head[0] || !lswn_lookup(head, &wi) || !lswn_noun_is(&wi, LSWN_N_PERSON))
        return LONGSD_OK;
    c.gender = ls_desc_noun_sex(head);
    for (size_t k = 0; k + 1 < np; k++) {
        char en[32];
        english_word(lang, pw[k], strlen(pw[k]), 0, en, sizeof en);
        if (!strcmp(en, "old"))
            c.age = LS_AGE_OLD;
        else if (!strcmp(en, "young"))
            c.age = LS_AGE_YOUNG;
    }
    c.role = pw[np - 1];
    int chapter = s->paras[s->sentences[last].para].chapter;
    for (size_t si = last + 1; si-- > 0 && last - si < DESC_PHRASE_BACK && !st;) {
        const ls_sentence *sn = &s->sentences[si];
        if (sn->para < s->n_paras && s->paras[sn->para].chapter != chapter)
            break;
        if (sn->in_quotes || (sn->para < s->n_paras && s->paras[sn->para].is_heading))
            continue;
        size_t n = 0;
        if (!lslex_words_append(s->data, sn->start, sn->end, lang, &w, &h, &n, &cap, 64)) {
            st = LONGSD_ERR_NOMEM;
            break;
        }
        /* the phrase after an article ("the old man", "an old man"),
         * written as the passage writes it */
        for (size_t k = 1; k + np <= n && !st; k++) {
            size_t m = 0;
            while (m < np && !w[k + m].quoted && w[k + m].ll == strlen(pw[m]) && !memcmp(w[k + m].low, pw[m], w[k + m].ll))
                m++;
            if (m < np || !(w[k - 1].flags & LSLEX_DET))
                continue;
            size_t to = k + np + DESC_WINDOW < n ? k + np + DESC_WINDOW : n;
            if (k >= 2 && !w[k - 2].quoted && is_word(&w[k - 2], BUILD, sizeof BUILD / sizeof BUILD[0]))
                st = add_phrase(s, &dc, w[k - 2].start, w[k - 2].end); /* "a tall old man" */
            if (!st && !acted_on(s, lang, w, k))
                st = harvest(s, lang, w, n, k + np, to, c.gender, &dc);
            if (!st && si < last)
                st = harvest_next(s, lang, si + 1, c.gender, &dc, &w, &h, &cap);
            break;
        }
    }
    if (!st && dc.n)
        st = compose(s, &c, lang, &dc, out);
    for (size_t k = 0; k < dc.n; k++)
        longsd__free(dc.p[k].text);
    longsd__free(w);
    longsd__free(h);
    return st;
}

longsd_status ls_cast_describe(const longsd_story *s, ls_character *cast, size_t n_cast, ls_desc_spans *spans)
{
    return describe(s, cast, n_cast, spans, 1);
}

longsd_status ls_cast_desc_spans(const longsd_story *s, const ls_character *cast, size_t n_cast,
                                 ls_desc_spans *spans)
{
    /* describe() only reads the cast when apply is 0 */
    return describe(s, (ls_character *)cast, n_cast, spans, 0);
}
