/* wordnet.c - WordNet look-ups for the scene writer (see wordnet.h).
 * libwordnet keeps global state and static buffers, so every call goes
 * through one mutex; answers are cached in a fixed-size open-addressing
 * table (a novel uses a few thousand distinct words), which also keeps the
 * cost of a whole book's prompts to a few thousand index searches. */
#include "wordnet.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wn.h>

#include "util.h"

#define CACHE_SLOTS 16384 /* power of two; when full, answers are not cached */

typedef struct {
    char key[32];
    int used;
    int found;
    lswn_info info;
} slot;

/* Corpus counts per (lemma, part of speech), summed over senses, from
 * cntlist.rev ("dog%1:05:00:: 1 42"): the index's tagged_cnt counts
 * senses, not uses, and cannot tell "dog" from "tub". */
typedef struct {
    char key[34]; /* lemma, then the ss_type digit */
    int count;
} freq_slot;
#define FREQ_SLOTS 131072
static freq_slot *freqs;

static pthread_mutex_t wn_mu = PTHREAD_MUTEX_INITIALIZER;
static int wn_state; /* 0 untried, 1 ready, -1 missing */
static slot *cache;
static size_t cache_n;

static int quiet(char *msg)
{
    (void)msg;
    return -1;
}

static size_t hash_str(const char *w);

static void load_freqs(void)
{
    const char *dir = getenv("WNSEARCHDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/cntlist.rev", dir && *dir ? dir : "/usr/share/wordnet");
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    freqs = longsd__calloc(FREQ_SLOTS, sizeof *freqs);
    size_t used = 0;
    char line[256];
    while (freqs && fgets(line, sizeof line, f)) {
        char *pct = strchr(line, '%');
        if (!pct || pct - line > 31 || !pct[1])
            continue;
        char key[34];
        size_t kl = (size_t)(pct - line);
        memcpy(key, line, kl);
        key[kl] = pct[1] == '5' ? '3' : pct[1]; /* satellites are adjectives */
        key[kl + 1] = '\0';
        const char *sp = strrchr(line, ' ');
        int cnt = sp ? atoi(sp + 1) : 0;
        size_t h = hash_str(key) & (FREQ_SLOTS - 1);
        while (freqs[h].key[0] && strcmp(freqs[h].key, key) != 0)
            h = (h + 1) & (FREQ_SLOTS - 1);
        if (!freqs[h].key[0]) {
            if (used > FREQ_SLOTS * 3 / 4)
                break;
            snprintf(freqs[h].key, sizeof freqs[h].key, "%s", key);
            used++;
        }
        freqs[h].count += cnt;
    }
    fclose(f);
}

static int freq_of(const char *lemma, int pos)
{
    if (!freqs || strlen(lemma) > 31)
        return 0;
    char key[34];
    snprintf(key, sizeof key, "%s%c", lemma, '0' + pos);
    size_t h = hash_str(key) & (FREQ_SLOTS - 1);
    while (freqs[h].key[0]) {
        if (strcmp(freqs[h].key, key) == 0)
            return freqs[h].count;
        h = (h + 1) & (FREQ_SLOTS - 1);
    }
    return 0;
}

static int ensure_init(void)
{
    if (wn_state == 0) {
        /* wninit prints to stderr through display_message when the files are
         * missing; the caller falls back quietly instead */
        display_message = quiet;
        wn_state = wninit() == 0 ? 1 : -1;
        if (wn_state == 1)
            load_freqs();
        if (wn_state == 1 && !cache) {
            cache = longsd__calloc(CACHE_SLOTS, sizeof *cache);
            /* no cache (out of memory) only makes look-ups slower */
        }
    }
    return wn_state == 1;
}

int lswn_available(void)
{
    pthread_mutex_lock(&wn_mu);
    int r = ensure_init();
    pthread_mutex_unlock(&wn_mu);
    return r;
}

/* Is the word written with a capital in this synset ("Hill" the surname,
 * "Nice" the city)? Those senses are names, not things. */
static int proper_sense(SynsetPtr ss, const char *lemma)
{
    for (int k = 0; k < ss->wcount; k++) {
        const char *w = ss->words[k];
        size_t i = 0;
        for (; w[i] && lemma[i]; i++) {
            char a = w[i] == '_' ? ' ' : w[i], b = lemma[i] == '_' ? ' ' : lemma[i];
            if ((a | 32) != (b | 32))
                break;
        }
        if (!w[i] && !lemma[i])
            return w[0] >= 'A' && w[0] <= 'Z';
    }
    return 0;
}

/* Is the commonest noun sense of lemma a kind of person WordNet writes
 * with a capital ("Jew", "Quaker", "Parisian"): a class with an ordinary
 * hypernym ('@'), not an instance of one ('@i': "Victoria" the queen)?
 * Such a word is no one's name. */
int lswn_capitalised_person_kind(const char *w)
{
    int r = 0;
    size_t n = w ? strlen(w) : 0;
    if (n == 0 || n >= 32)
        return 0;
    char lemma[32];
    memcpy(lemma, w, n + 1);
    pthread_mutex_lock(&wn_mu);
    if (ensure_init()) {
        IndexPtr ix = index_lookup(lemma, NOUN);
        if (ix) {
            SynsetPtr ss = ix->off_cnt > 0 ? read_synset(NOUN, ix->offset[0], lemma) : NULL;
            if (ss) {
                int hyper = 0;
                for (int k = 0; k < ss->ptrcount; k++)
                    hyper |= ss->ptrtyp[k] == HYPERPTR;
                r = hyper && ss->fnum == LSWN_N_PERSON && proper_sense(ss, lemma);
                free_synset(ss);
            }
            free_index(ix);
        }
    }
    pthread_mutex_unlock(&wn_mu);
    return r;
}

/* The lexicographer files of the commonest common-noun (or verb) senses. */
static void senses(char *lemma, int pos, int *lex, int *tagged)
{
    IndexPtr ix = index_lookup(lemma, pos);
    if (!ix)
        return;
    *tagged = freq_of(lemma, pos);
    int k = 0;
    for (int i = 0; k < LSWN_SENSES && i < ix->off_cnt && i < 8; i++) {
        SynsetPtr ss = read_synset(pos, ix->offset[i], lemma);
        if (ss) {
            if (!proper_sense(ss, lemma))
                lex[k++] = ss->fnum;
            free_synset(ss);
        }
    }
    free_index(ix);
}

/* WordNet's verb frames (frames.vrb): which take a direct object and
 * which show the doer alone (or with a prepositional phrase). */
static int frame_transitive(int f)
{
    return f == 8 || f == 9 || f == 10 || f == 11 || (f >= 14 && f <= 21) || f == 24 || f == 25 || f == 30 ||
           f == 31;
}

static int frame_bare(int f) { return f == 1 || f == 2 || f == 4 || f == 22 || f == 23; }

/* Frames whose object is a person: "Somebody ----s somebody", "Something
 * ----s somebody", "... somebody something", "... somebody with/of
 * something", "... somebody PP", "... somebody (to) INFINITIVE". */
static int frame_person_object(int f)
{
    return f == 9 || f == 10 || f == 14 || f == 17 || f == 18 || f == 20 || f == 24 || f == 25;
}

/* Frames of the commonest senses of a verb lemma: a direct object from
 * the first two, a bare use from the first three (a rarer sense's frame
 * would license "sitting the coat"), a person as object from the first
 * three. */
static void verb_frames(char *lemma, int *trans, int *bare, int *person_obj)
{
    IndexPtr ix = index_lookup(lemma, VERB);
    if (!ix)
        return;
    for (int i = 0; i < ix->off_cnt && i < 3; i++) {
        SynsetPtr ss = read_synset(VERB, ix->offset[i], lemma);
        if (!ss)
            continue;
        for (int k = 0; k < ss->fcount; k++) {
            if (ss->frmto[k] != 0 && ss->frmto[k] != ss->whichword)
                continue; /* a frame of another word of the synset */
            if (i < 2 && frame_transitive(ss->frmid[k]))
                *trans = 1;
            if (frame_bare(ss->frmid[k]))
                *bare = 1;
            if (frame_person_object(ss->frmid[k]))
                *person_obj = 1;
        }
        free_synset(ss);
    }
    free_index(ix);
}

/* Attributes an eye can see: an adjective that gives one of these is a
 * painter's word ("tall", "red", "old", "dark", "wet"). */
static int visual_attribute(SynsetPtr ns)
{
    static const char *const seen[] = {"size", "color", "colour", "age", "shape", "height", "length", "width",
                                       "wideness", "thickness", "weight", "temperature", "light", "lightness",
                                       "brightness", "darkness", "wetness", "texture", "smoothness", "roughness",
                                       "beauty", "cleanliness", "fullness", "newness", "straightness", "depth",
                                       "hardness", "softness", "fatness", "speed",
                                       "stature", "tallness", "baldness", "hairiness", NULL};
    for (int k = 0; k < ns->wcount; k++)
        for (size_t i = 0; seen[i]; i++)
            if (strcmp(ns->words[k], seen[i]) == 0)
                return 1;
    return 0;
}

static int synset_visual(SynsetPtr ss)
{
    /* colours and clothes have no attribute pointer on their head
     * ("chromatic"): the gloss says it ("of the color of ...", "dressed in
     * clothes that are worn") */
    static const char *const looks[] = {"color", "colour", "dressed", "clothes", "clothing", "shoes", "hair",
                                        NULL}; /* "ragged", "barefoot", "bald": how one looks */
    for (size_t i = 0; ss->defn && looks[i]; i++)
        if (strstr(ss->defn, looks[i]))
            return 1;
    for (int p = 0; p < ss->ptrcount; p++)
        if (ss->ptrtyp[p] == ATTRIBUTE) {
            SynsetPtr ns = read_synset(NOUN, ss->ptroff[p], "");
            if (ns) {
                int v = visual_attribute(ns);
                free_synset(ns);
                if (v)
                    return 1;
            }
        }
    return 0;
}

/* Is the commonest sense of adjective lemma a visual one? A satellite
 * ("stupendous", "crimson") has its attribute on its head ("large",
 * "chromatic"); participial adjectives (adj.ppl: "broken", "torn") show a
 * state. */
static int adj_visual(char *lemma)
{
    IndexPtr ix = index_lookup(lemma, ADJ);
    if (!ix)
        return 0;
    int v = 0;
    SynsetPtr ss = ix->off_cnt > 0 ? read_synset(ADJ, ix->offset[0], lemma) : NULL;
    if (ss) {
        if (ss->fnum == 44)
            v = 1;
        else if (synset_visual(ss))
            v = 1;
        else { /* a satellite ("s": libwordnet's sstype is not SATELLITE here) points to its head */
            for (int p = 0; p < ss->ptrcount && !v; p++)
                if (ss->ptrtyp[p] == SIMPTR) {
                    SynsetPtr hd = read_synset(ADJ, ss->ptroff[p], "");
                    if (hd) {
                        v = synset_visual(hd);
                        free_synset(hd);
                    }
                }
        }
        free_synset(ss);
    }
    free_index(ix);
    return v;
}

/* The word's lemma for pos (morphstr's first answer, else the word if
 * WordNet has it), copied into out; 0 if none. */
static int lemma_of(const char *w, int pos, char *out, size_t cap)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%s", w);
    char *m = morphstr(buf, pos);
    if (m && strlen(m) < cap) {
        snprintf(out, cap, "%s", m);
        return 1;
    }
    snprintf(buf, sizeof buf, "%s", w);
    if (in_wn(buf, pos)) {
        snprintf(out, cap, "%s", w);
        return 1;
    }
    return 0;
}

static void compute(const char *w, lswn_info *o)
{
    memset(o, 0, sizeof *o);
    if (lemma_of(w, NOUN, o->noun_lemma, sizeof o->noun_lemma)) {
        o->noun = 1;
        senses(o->noun_lemma, NOUN, o->noun_lex, &o->noun_tagged);
        o->plural = strcmp(o->noun_lemma, w) != 0;
    }
    if (lemma_of(w, VERB, o->verb_lemma, sizeof o->verb_lemma)) {
        o->verb = 1;
        senses(o->verb_lemma, VERB, o->verb_lex, &o->verb_tagged);
        verb_frames(o->verb_lemma, &o->verb_trans, &o->verb_bare, &o->verb_person_obj);
    }
    char tmp[32];
    o->adj = lemma_of(w, ADJ, tmp, sizeof tmp);
    if (o->adj) {
        o->adj_tagged = freq_of(tmp, ADJ);
        o->adj_visual = adj_visual(tmp);
    }
    o->adv = lemma_of(w, ADV, tmp, sizeof tmp);
    if (o->noun && !o->noun_lex[0])
        o->noun = 0;
    if (o->verb && !o->verb_lex[0])
        o->verb = 0;
}

static size_t hash_str(const char *w)
{
    return (size_t)lsfnv1a64(w, strlen(w), LSFNV_SEED);
}

static size_t hash_key(const char *w)
{
    return hash_str(w) & (CACHE_SLOTS - 1);
}

int lswn_lookup(const char *w, lswn_info *out)
{
    memset(out, 0, sizeof *out);
    size_t n = w ? strlen(w) : 0;
    if (n == 0 || n >= 32)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (!((c >= 'a' && c <= 'z') || c == '-' || c == '\'' || c == '_'))
            return 0; /* WordNet is ASCII lower case; '_' joins a collocation */
    }
    pthread_mutex_lock(&wn_mu);
    int found = 0;
    if (ensure_init()) {
        slot *s = NULL;
        if (cache) {
            for (size_t h = hash_key(w), k = 0; k < CACHE_SLOTS; k++, h = (h + 1) & (CACHE_SLOTS - 1)) {
                if (!cache[h].used) {
                    s = cache_n < CACHE_SLOTS * 3 / 4 ? &cache[h] : NULL;
                    break;
                }
                if (strcmp(cache[h].key, w) == 0) {
                    *out = cache[h].info;
                    found = cache[h].found;
                    pthread_mutex_unlock(&wn_mu);
                    return found;
                }
            }
        }
        compute(w, out);
        found = out->noun || out->verb || out->adj || out->adv;
        if (s) {
            snprintf(s->key, sizeof s->key, "%s", w);
            s->used = 1;
            s->found = found;
            s->info = *out;
            cache_n++;
        }
    }
    pthread_mutex_unlock(&wn_mu);
    return found;
}

int lswn_verb_self(const char *w, lswn_info *out)
{
    if (!lswn_lookup(w, out) || !out->verb || strcmp(out->verb_lemma, w) == 0)
        return 0;
    char buf[32];
    snprintf(buf, sizeof buf, "%s", w);
    pthread_mutex_lock(&wn_mu);
    int r = ensure_init() && in_wn(buf, VERB);
    if (r) {
        /* the verb fields again, of w itself: "lay" (put down), not the
         * "lie" verb.exc makes of it */
        memset(out->verb_lex, 0, sizeof out->verb_lex);
        out->verb_trans = out->verb_bare = out->verb_tagged = 0;
        snprintf(out->verb_lemma, sizeof out->verb_lemma, "%s", w);
        senses(out->verb_lemma, VERB, out->verb_lex, &out->verb_tagged);
        verb_frames(out->verb_lemma, &out->verb_trans, &out->verb_bare, &out->verb_person_obj);
        r = out->verb_lex[0] != 0;
    }
    pthread_mutex_unlock(&wn_mu);
    if (!r)
        lswn_lookup(w, out); /* as it was */
    return r;
}

int lswn_phrasal(const char *verb_lemma, const char *particle)
{
    char key[48];
    int n = snprintf(key, sizeof key, "%s_%s", verb_lemma ? verb_lemma : "", particle ? particle : "");
    if (n <= 1 || (size_t)n >= sizeof key || !verb_lemma[0] || !particle[0])
        return 0;
    pthread_mutex_lock(&wn_mu);
    int r = ensure_init() && in_wn(key, VERB);
    pthread_mutex_unlock(&wn_mu);
    return r != 0;
}

int lswn_phrasal_moves(const char *verb_lemma, const char *particle)
{
    char key[48];
    int n = snprintf(key, sizeof key, "%s_%s", verb_lemma ? verb_lemma : "", particle ? particle : "");
    if (n <= 1 || (size_t)n >= sizeof key || !verb_lemma[0] || !particle[0])
        return 0;
    pthread_mutex_lock(&wn_mu);
    int r = 0;
    IndexPtr ix = ensure_init() ? index_lookup(key, VERB) : NULL;
    /* every sense, not the commonest few: a phrasal verb's senses are
     * rarely sense-tagged, so WordNet's order among them says little
     * ("draw up" a document first, the carriage drawing up next) */
    for (int i = 0; ix && !r && i < ix->off_cnt && i < 8; i++) {
        SynsetPtr ss = read_synset(VERB, ix->offset[i], key);
        if (ss) {
            r = ss->fnum == LSWN_V_MOTION || ss->fnum == LSWN_V_BODY || ss->fnum == LSWN_V_CONTACT;
            free_synset(ss);
        }
    }
    if (ix)
        free_index(ix);
    pthread_mutex_unlock(&wn_mu);
    return r;
}

int lswn_noun_is(const lswn_info *wi, int lex)
{
    for (int i = 0; i < LSWN_SENSES; i++)
        if (wi->noun_lex[i] == lex)
            return 1;
    return 0;
}

static int concrete_class(int lex)
{
    return lex == LSWN_N_ANIMAL || lex == LSWN_N_ARTIFACT || lex == LSWN_N_BODY || lex == LSWN_N_FOOD ||
           lex == LSWN_N_LOCATION || lex == LSWN_N_OBJECT || lex == LSWN_N_PERSON || lex == LSWN_N_PLANT ||
           lex == LSWN_N_SUBSTANCE;
}

static int abstract_class(int lex)
{
    /* noun.communication is not here: "book", "letter", "picture" are
     * writings first and drawable objects in their next sense */
    return lex == LSWN_N_ACT || lex == LSWN_N_ATTRIBUTE || lex == LSWN_N_COGNITION ||
           lex == LSWN_N_FEELING || lex == LSWN_N_MOTIVE || lex == LSWN_N_RELATION || lex == LSWN_N_STATE ||
           lex == LSWN_N_QUANTITY || lex == LSWN_N_POSSESSION || lex == LSWN_N_EVENT || lex == LSWN_N_PROCESS;
}

int lswn_noun_concrete(const lswn_info *wi)
{
    if (!wi->noun || abstract_class(wi->noun_lex[0]))
        return 0;
    /* a substance first (nitrogen, butene, ethylene) is drawn only when it
     * is a common word of the tagged corpus (water, sand, smoke): the rare
     * ones are chemistry, or a dictionary's wrong guess */
    if (wi->noun_lex[0] == LSWN_N_SUBSTANCE && wi->noun_tagged < 10)
        return 0;
    for (int i = 0; i < LSWN_SENSES; i++)
        if (concrete_class(wi->noun_lex[i]))
            return 1;
    return 0;
}

static int visible_class(int l)
{
    return l == LSWN_V_BODY || l == LSWN_V_CONTACT || l == LSWN_V_MOTION || l == LSWN_V_CONSUMPTION ||
           l == LSWN_V_COMPETITION || l == LSWN_V_CREATION || l == LSWN_V_WEATHER || l == LSWN_V_PERCEPTION;
    /* not verb.possession nor verb.social: "bankrupting", "distributing",
     * "courting", "interfering" are transactions and relations, no pose */
}

int lswn_verb_visible(const lswn_info *wi)
{
    int l = wi->verb_lex[0];
    if (!wi->verb || l == LSWN_V_COGNITION || l == LSWN_V_EMOTION)
        return 0;
    /* a posture: WordNet files "lie" under being first (be located) and
     * the body's position next; a verb that stands alone in those senses
     * and takes no object ("he lay on the bed") shows the body ("lying on
     * the bed"). Others stative first are no poses: "hold", "bear" act on
     * a thing, "stretch" (extend) reads "stretching skirts". */
    if (l == LSWN_V_STATIVE)
        return wi->verb_bare && !wi->verb_trans &&
               (wi->verb_lex[1] == LSWN_V_CONTACT || wi->verb_lex[1] == LSWN_V_BODY);
    if (visible_class(l))
        return 1;
    /* a commonest sense of sound or change, a next one of the body or of
     * movement: "whistle", "turn" */
    return (l == LSWN_V_COMMUNICATION || l == LSWN_V_CHANGE) && visible_class(wi->verb_lex[1]);
}

/* Collect the words of synset list s (linked by nextss, at most `senses`
 * of them at the top; self: its own words too, else only those above)
 * and of their hypernyms up to depth levels. */
static void kinds_walk(const Synset *s, int depth, int senses, int self, char (*out)[32], size_t max, size_t *n)
{
    for (int k = 0; s && k < senses; s = s->nextss, k++) {
        for (int i = 0; self && i < s->wcount && *n < max; i++) {
            const char *w = s->words[i];
            size_t l = strlen(w);
            if (l == 0 || l >= 32)
                continue;
            for (size_t j = 0; j <= l; j++) {
                char c = w[j] == '_' ? ' ' : w[j];
                out[*n][j] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            (*n)++;
        }
        if (depth > 0)
            kinds_walk(s->ptrlist, depth - 1, 64, 1, out, max, n);
    }
}

size_t lswn_noun_kinds(const char *w, char (*out)[32], size_t max)
{
    size_t n = 0;
    char buf[32];
    if (!w || strlen(w) >= sizeof buf || max == 0)
        return 0;
    snprintf(buf, sizeof buf, "%s", w);
    pthread_mutex_lock(&wn_mu);
    if (ensure_init()) {
        SynsetPtr s = findtheinfo_ds(buf, NOUN, -HYPERPTR, ALLSENSES);
        kinds_walk(s, 2, LSWN_SENSES, 0, out, max, &n);
        if (s)
            free_syns(s);
    }
    pthread_mutex_unlock(&wn_mu);
    return n;
}

int lswn_noun_worn(const char *w)
{
    static const char *const worn[] = {"clothing", "garment", "headdress", "footwear", "jewelry", "adornment",
                                       "overgarment", "outerwear", NULL};
    char (*k)[32] = longsd__malloc(sizeof(char[32]) * 64);
    int found = 0;
    if (!k)
        return 0;
    size_t n = lswn_noun_kinds(w, k, 64);
    for (size_t i = 0; i < n && !found; i++)
        for (size_t j = 0; worn[j] && !found; j++)
            found = strcmp(k[i], worn[j]) == 0;
    longsd__free(k);
    return found;
}
