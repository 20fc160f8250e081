/* translate.c - German and French words to English for the scene writer
 * (see translate.h), offline, from Debian's FreeDict dictionaries read
 * directly from their dictd files:
 *
 *   /usr/share/dictd/freedict-deu-eng.index   "headword\tb64 offset\tb64 length\n"
 *   /usr/share/dictd/freedict-deu-eng.dict.dz dictzip: gzip whose FEXTRA "RA"
 *                                             field lists independently
 *                                             deflated chunks
 *
 * The index is mapped and hashed once (phrases too: "pain de sucre"); an
 * entry is read by inflating just its chunk (the German file inflates to
 * 100 MB: whole, that is 0.8 s; one chunk is 58 KB, well under a
 * millisecond). Words the dictionary lacks are reduced to their stem by
 * hunspell (de_DE, fr from hunspell-de-de / hunspell-fr), and German
 * compounds are split to their head, the longest known tail ("Fischerhütte"
 * -> "Hütte" -> "hut"). Of an entry's English senses the commonest English
 * word wins (WordNet's sense-tagged counts): "Haus" gives "house", not
 * "establishment". Closed-class words (prepositions) come from a small
 * table: FreeDict gives them as long lists of senses.
 *
 * Everything loads on first use and is kept for the process; a missing
 * file leaves that language untranslated (the writer then has fewer words,
 * never foreign ones). One mutex guards it all, answers are cached. */
#include "translate.h"

#include <fcntl.h>
#include <hunspell/hunspell.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <math.h>

#include "dict.h"
#include "tokenizer.h"
#include "util.h"
#include "wordnet.h"

#define DICT_DIR "/usr/share/dictd"
#define HUNSPELL_DIR "/usr/share/hunspell"
#define MAX_ENTRY 4096      /* bytes of one entry read */
#define MAX_SENSES 16       /* index lines read per headword (one sense each) */
#define CACHE_SLOTS 16384

typedef struct {
    uint32_t line;          /* byte offset of the index line */
    uint32_t n;             /* lines with this headword (adjacent) */
} hslot;

typedef struct {
    int state;              /* 0 untried, 1 ready, -1 missing */
    const char *idx;        /* mapped index */
    size_t idx_len;
    hslot *tab;             /* open addressing over headwords */
    size_t tab_cap;
    int dz_fd;
    size_t dz_len;
    const unsigned char *dz; /* mapped .dict.dz */
    size_t data_off;        /* first chunk */
    unsigned chlen;         /* uncompressed bytes per chunk */
    unsigned chcnt;
    size_t *choff;          /* chunk offsets in the file, chcnt + 1 */
    long cached_chunk;
    unsigned char *chunk;   /* chlen bytes */
    size_t chunk_len;
    Hunhandle *hun;
} dict;

typedef struct {
    char key[48];
    char val[32];
    char mod[32];           /* a compound's English modifier, see compound_modifier */
    int pos;
    int used;
} tslot;

static pthread_mutex_t tr_mu = PTHREAD_MUTEX_INITIALIZER;
static dict dicts[3];       /* by lslex_lang_id; [LSLEX_EN] unused */
static tslot *tcache[3];

static uint64_t hkey(const char *s, size_t n)
{
    return lsfnv1a64(s, n, LSFNV_SEED);
}

static const char *map_file(const char *path, size_t *len, int *fd_out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || (uint64_t)st.st_size > 0xFFFFFFF0u) {
        close(fd);
        return NULL;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        close(fd);
        return NULL;
    }
    *len = (size_t)st.st_size;
    if (fd_out)
        *fd_out = fd;
    else
        close(fd);
    return p;
}

/* dictzip's header: the RA field gives the chunk length and each chunk's
 * compressed size. 0 on success. */
static int read_dictzip(dict *d)
{
    const unsigned char *p = d->dz;
    size_t n = d->dz_len;
    if (n < 18 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8 || !(p[3] & 4))
        return -1;
    unsigned flg = p[3];
    size_t xlen = (size_t)p[10] | ((size_t)p[11] << 8);
    size_t x = 12, xend = 12 + xlen;
    if (xend > n)
        return -1;
    while (x + 4 <= xend) {
        size_t len = (size_t)p[x + 2] | ((size_t)p[x + 3] << 8);
        if (x + 4 + len > xend)
            return -1;
        if (p[x] == 'R' && p[x + 1] == 'A' && len >= 6) {
            const unsigned char *r = p + x + 4;
            d->chlen = (unsigned)r[2] | ((unsigned)r[3] << 8);
            d->chcnt = (unsigned)r[4] | ((unsigned)r[5] << 8);
            if (d->chlen == 0 || d->chcnt == 0 || 6 + 2 * (size_t)d->chcnt > len)
                return -1;
            d->choff = longsd__calloc((size_t)d->chcnt + 1, sizeof *d->choff);
            if (!d->choff)
                return -1;
            size_t off = 0;
            for (unsigned i = 0; i < d->chcnt; i++) {
                d->choff[i] = off;
                off += (size_t)r[6 + 2 * i] | ((size_t)r[7 + 2 * i] << 8);
            }
            d->choff[d->chcnt] = off;
        }
        x += 4 + len;
    }
    if (!d->choff)
        return -1;
    size_t q = xend;
    if (flg & 8) /* FNAME */
        while (q < n && p[q++])
            ;
    if (flg & 16) /* FCOMMENT */
        while (q < n && p[q++])
            ;
    if (flg & 2)
        q += 2;
    d->data_off = q;
    for (unsigned i = 0; i <= d->chcnt; i++)
        d->choff[i] += q;
    if (d->choff[d->chcnt] > n)
        return -1;
    d->chunk = longsd__malloc(d->chlen);
    d->cached_chunk = -1;
    return d->chunk ? 0 : -1;
}

static int load_chunk(dict *d, unsigned c)
{
    if ((long)c == d->cached_chunk)
        return 0;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
        return -1;
    z.next_in = (unsigned char *)d->dz + d->choff[c];
    z.avail_in = (uInt)(d->choff[c + 1] - d->choff[c]);
    z.next_out = d->chunk;
    z.avail_out = d->chlen;
    int r = inflate(&z, Z_SYNC_FLUSH);
    d->chunk_len = d->chlen - z.avail_out;
    inflateEnd(&z);
    if (r != Z_OK && r != Z_STREAM_END)
        return d->cached_chunk = -1, -1;
    d->cached_chunk = c;
    return 0;
}

/* Copy the uncompressed bytes [off, off + len) of the dictionary into out. */
static size_t read_entry(dict *d, size_t off, size_t len, char *out, size_t cap)
{
    size_t got = 0;
    if (len > cap - 1)
        len = cap - 1;
    while (got < len) {
        size_t o = off + got;
        unsigned c = (unsigned)(o / d->chlen);
        if (c >= d->chcnt || load_chunk(d, c))
            break;
        size_t in = o % d->chlen;
        if (in >= d->chunk_len)
            break;
        size_t take = d->chunk_len - in;
        if (take > len - got)
            take = len - got;
        memcpy(out + got, d->chunk + in, take);
        got += take;
    }
    out[got] = '\0';
    return got;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static int b64_num(const char *p, const char *end, size_t *v, const char **next)
{
    size_t x = 0;
    int k = 0;
    while (p < end && b64_value(*p) >= 0) {
        x = x * 64 + (size_t)b64_value(*p++);
        k++;
    }
    *v = x;
    *next = p;
    return k > 0 && k < 10;
}

static void build_hash(dict *d)
{
    size_t lines = 0;
    for (size_t i = 0; i < d->idx_len; i++)
        lines += d->idx[i] == '\n';
    size_t cap = 1;
    while (cap < lines * 2 + 16)
        cap <<= 1;
    d->tab = longsd__calloc(cap, sizeof *d->tab);
    if (!d->tab)
        return;
    d->tab_cap = cap;
    const char *p = d->idx, *end = d->idx + d->idx_len;
    const char *prev = NULL;
    size_t prev_n = 0;
    hslot *prev_slot = NULL;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            nl = end;
        const char *tab = memchr(p, '\t', (size_t)(nl - p));
        if (tab && tab > p) {
            size_t hn = (size_t)(tab - p);
            if (prev_slot && hn == prev_n && memcmp(p, prev, hn) == 0) {
                prev_slot->n++;
            } else {
                size_t h = (size_t)hkey(p, hn) & (cap - 1);
                while (d->tab[h].n) {
                    const char *q = d->idx + d->tab[h].line;
                    if (strncmp(q, p, hn) == 0 && q[hn] == '\t')
                        break;
                    h = (h + 1) & (cap - 1);
                }
                if (!d->tab[h].n) { /* a repeat far away (unsorted file) is ignored */
                    d->tab[h].line = (uint32_t)(p - d->idx);
                    d->tab[h].n = 1;
                    prev_slot = &d->tab[h];
                    prev = p;
                    prev_n = hn;
                } else {
                    prev_slot = NULL;
                }
            }
        } else {
            prev_slot = NULL;
        }
        p = nl + 1;
    }
}

static dict *get_dict(lslex_lang_id lang)
{
    if (lang != LSLEX_DE && lang != LSLEX_FR)
        return NULL;
    dict *d = &dicts[lang];
    if (d->state == 0) {
        const char *name = lang == LSLEX_DE ? "deu" : "fra";
        char ip[256], dp[256], aff[256], dic[256];
        snprintf(ip, sizeof ip, "%s/freedict-%s-eng.index", DICT_DIR, name);
        snprintf(dp, sizeof dp, "%s/freedict-%s-eng.dict.dz", DICT_DIR, name);
        const char *hn = lang == LSLEX_DE ? "de_DE" : "fr";
        snprintf(aff, sizeof aff, "%s/%s.aff", HUNSPELL_DIR, hn);
        snprintf(dic, sizeof dic, "%s/%s.dic", HUNSPELL_DIR, hn);
        d->state = -1;
        d->idx = map_file(ip, &d->idx_len, NULL);
        d->dz = (const unsigned char *)map_file(dp, &d->dz_len, &d->dz_fd);
        if (d->idx && d->dz && read_dictzip(d) == 0) {
            build_hash(d);
            if (d->tab)
                d->state = 1;
        }
        if (access(aff, R_OK) == 0 && access(dic, R_OK) == 0)
            d->hun = Hunspell_create(aff, dic);
    }
    return d->state == 1 ? d : NULL;
}

static const hslot *find_head(const dict *d, const char *w, size_t n)
{
    size_t h = (size_t)hkey(w, n) & (d->tab_cap - 1);
    while (d->tab[h].n) {
        const char *q = d->idx + d->tab[h].line;
        if (strncmp(q, w, n) == 0 && q[n] == '\t')
            return &d->tab[h];
        h = (h + 1) & (d->tab_cap - 1);
    }
    return NULL;
}

/* Is c[0..n) a plain English word (ASCII letters, inner hyphens)? */
static int plain_word(const char *c, size_t n)
{
    if (n < 2 || n > 30)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char x = c[i];
        if (!((x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z') || (x == '-' && i && i + 1 < n)))
            return 0;
    }
    return 1;
}

/* How often CLIP's captions use an English word: the rank of its BPE
 * token (merges are learnt commonest first, so "castle" at 3028 was seen
 * far more than "tumbler" at 48278), a word of several tokens being rarer
 * still. This is the one frequency that measures what an image model has
 * learnt to draw, so it weighs most among a dictionary's senses. */
static int clip_commonness(const char *w)
{
    lserr err = {0};
    const sdtok *tok = sdtok_builtin(&err);
    if (!tok)
        return 0;
    int32_t ids[16];
    int used = 0;
    if (sdtok_encode(tok, w, ids, 16, &used, &err))
        return 0;
    if (used > 3)
        return -30 - 40 * (used - 3);
    double r = ids[1] - 512 > 0 ? ids[1] - 512 : 1; /* ids below 512 are the byte tokens */
    return (int)(200.0 - 50.0 * log10(r + 10.0));
}

static int ilog2(int v)
{
    int k = 0;
    while (v > 1)
        v >>= 1, k++;
    return k;
}

/* Score an English candidate: known to WordNet in the entry's part of
 * speech; common in CLIP's captions; a little for the sense-tagged count
 * (which alone would pick "action" for Schloss and "network" for Netz);
 * for a noun, drawable; first of its sense line. A candidate of a wrong
 * part of speech still beats nothing. */
static int cand_score(const char *c, int rank, int pos, lswn_info *wi)
{
    if (!lswn_lookup(c, wi))
        return -100000;
    int fits = pos == LS_POS_NOUN ? wi->noun : pos == LS_POS_VERB ? wi->verb : pos == LS_POS_ADJ ? wi->adj
                                                                             : pos == LS_POS_ADV ? wi->adv : 1;
    int tagged = pos == LS_POS_NOUN ? wi->noun_tagged : pos == LS_POS_VERB ? wi->verb_tagged
                                                        : pos == LS_POS_ADJ ? wi->adj_tagged
                                                                            : wi->noun_tagged + wi->verb_tagged;
    /* never once in the sense-tagged corpus: a rare or colloquial reading
     * ("mum" for still, "whiten" for weißen) */
    /* CLIP's rank is a word's, whatever its part of speech ("mum" the
     * mother is common in captions, "mum" for silent is not): for an
     * adjective or a verb the tagged count of that reading weighs more */
    int tw = pos == LS_POS_NOUN ? 3 : 8;
    /* captions name things: a verb's rank is mostly its noun's ("exit"
     * the sign), so it counts half for a verb */
    int clip = pos == LS_POS_VERB ? clip_commonness(c) / 2 : clip_commonness(c);
    return (fits ? 1000 : 0) + clip + tw * ilog2(tagged + 1) - (tagged == 0 ? 25 : 0) +
           (rank == 0 ? 20 : 0) +
           (pos == LS_POS_NOUN && lswn_noun_concrete(wi) ? 40 : 0);
}

/* The part of speech in an entry's first line: "<masc, n, sg>", "<v>",
 * "<adj>". */
static int entry_pos(const char *e)
{
    const char *nl = strchr(e, '\n');
    const char *lt = strchr(e, '<');
    if (!lt || (nl && lt > nl))
        return LS_POS_UNKNOWN;
    const char *gt = strchr(lt, '>');
    if (!gt)
        return LS_POS_UNKNOWN;
    char tags[64];
    snprintf(tags, sizeof tags, "%.*s", (int)(gt - lt - 1 < 63 ? gt - lt - 1 : 63), lt + 1);
    char *sv = NULL;
    for (char *t = strtok_r(tags, ", ", &sv); t; t = strtok_r(NULL, ", ", &sv)) {
        if (strcmp(t, "n") == 0 || strcmp(t, "pl") == 0)
            return LS_POS_NOUN;
        if (t[0] == 'v' && (t[1] == '\0' || t[1] == 'i' || t[1] == 't' || t[1] == 'r'))
            return LS_POS_VERB;
        if (strcmp(t, "adj") == 0)
            return LS_POS_ADJ;
        if (strcmp(t, "adv") == 0)
            return LS_POS_ADV;
    }
    return LS_POS_UNKNOWN;
}

/* The penalty of a sense line's usage labels: "[med.]", "[techn.]",
 * "[zool.]" mark a specialist's sense and "[ugs.]", "[fig.]", "[slang]" a
 * register, neither what a scene in a novel means by the word; a region
 * ("[Br.]", "[Am.]") is no penalty, any other label a small one. */
static int label_penalty(const char *label, size_t n)
{
    static const char *const region[] = {"Br.", "Am.", "NZ", "Sc.", "Austr.", "Ös.", "Schw.", "Süddt.",
                                         "Norddt.", "Westdt.", "Ostdt.", "Irl.", "Can.", NULL};
    static const char *const off[] = {
        "med.", "techn.", "comp.", "electr.", "telco.", "astron.", "jur.", "chem.", "phys.", "math.", "ling.",
        "adm.", "aviat.", "psych.", "econ.", "fin.", "print", "min.", "ugs.", "slang", "vulg.", "fig.", "obs.",
        "dated", "veraltet", "humor.", "poet.", "coll.", "übtr.", "pej.", "children's speech", "formal", "rare",
        "selten", "low", "geh.", "school", "transp.", NULL};
    /* subject fields FreeDict files everyday senses under: "[zool.] horse",
     * "[textil.] coat", "[cook.] cup" */
    static const char *const field[] = {"zool.", "bot.", "agr.", "textil.", "cook.", "sport", "hist.", "arch.",
                                        "naut.", "mil.", "mus.", "relig.", "biol.", "anat.", "geol.", "pol.",
                                        "soc.", "geogr.", "ornith.", "archit.", "constr.", NULL};
    char l[32];
    size_t k = n < sizeof l - 1 ? n : sizeof l - 1;
    memcpy(l, label, k);
    l[k] = '\0';
    for (size_t i = 0; region[i]; i++)
        if (strcmp(l, region[i]) == 0)
            return 0;
    for (size_t i = 0; off[i]; i++)
        if (strcmp(l, off[i]) == 0)
            return 150;
    for (size_t i = 0; field[i]; i++)
        if (strcmp(l, field[i]) == 0)
            return 10;
    return 40;
}

/* Drop a trailing object placeholder: "mend sth." -> "mend". */
static void drop_placeholder(char *tok, size_t *tn)
{
    static const char *const ph[] = {" sth.", " sth", " sb.", " sb", " so.", " oneself", " yourself", " sth./sb.",
                                     NULL};
    for (size_t i = 0; ph[i]; i++) {
        size_t pl = strlen(ph[i]);
        if (*tn > pl && strcmp(tok + *tn - pl, ph[i]) == 0) {
            *tn -= pl;
            tok[*tn] = '\0';
            return;
        }
    }
}

/* Are the senses of line q (split at , ; /) in alphabetical order, two
 * or more of them? FreeDict's fra-eng sorts every line so, deu-eng puts
 * the commonest first: only there is the first word a better guess. */
static int line_sorted(const char *q)
{
    char prev[64] = "", cur[64];
    int n = 0;
    for (const char *p = q; *p;) {
        size_t k = strcspn(p, ",;/");
        const char *a = p, *z = p + k;
        while (a < z && *a == ' ')
            a++;
        while (z > a && (z[-1] == ' ' || z[-1] == '.'))
            z--;
        if (z > a) {
            size_t m = (size_t)(z - a) < sizeof cur - 1 ? (size_t)(z - a) : sizeof cur - 1;
            for (size_t i = 0; i < m; i++)
                cur[i] = (char)(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
            cur[m] = '\0';
            if (n && strcmp(prev, cur) > 0)
                return 0;
            memcpy(prev, cur, m + 1);
            n++;
        }
        p += k;
        if (*p)
            p++;
    }
    return n >= 2;
}

#define MAX_CANDS 48
#define LABEL_MARK '\x01' /* a sense's own label in a cleaned sense line */

typedef struct {
    char word[32];
    char key[32];           /* WordNet lemma: "servants" votes for "servant" */
    int pos, score, votes;
} cand;

typedef struct {
    cand c[MAX_CANDS];
    int n;
    int proper;             /* this entry's senses written capitalised: names, titles */
    int plain;              /* this entry's senses kept */
    int name_entries;       /* entries of names only ("Gott": God) */
    int sense_entries;      /* entries with a sense kept */
    int multi;              /* a phrase's look-up: senses of several words count */
} cands;

static void cand_add(cands *cs, const char *w, const char *key, int pos, int score, int vote)
{
    for (int i = 0; i < cs->n; i++)
        if (strcmp(cs->c[i].key, key) == 0) {
            cs->c[i].votes += vote;
            if (score > cs->c[i].score) {
                cs->c[i].score = score;
                cs->c[i].pos = pos;
            }
            return;
        }
    if (cs->n == MAX_CANDS)
        return;
    cand *c = &cs->c[cs->n++];
    snprintf(c->word, sizeof c->word, "%s", w);
    snprintf(c->key, sizeof c->key, "%s", key);
    c->pos = pos;
    c->score = score;
    c->votes = vote ? 1 : 0;
}

static int own_penalty(int tok_pen, int line_pen)
{
    return tok_pen > line_pen ? tok_pen : line_pen;
}

/* Two or three plain words joined by single spaces ("sugar loaf"): the
 * last one, else NULL. */
static const char *multi_words(const char *t, size_t n)
{
    if (n >= 31)
        return NULL;
    const char *w = t, *last = NULL;
    int k = 0;
    while (w < t + n) {
        const char *sp = memchr(w, ' ', (size_t)(t + n - w));
        const char *e = sp ? sp : t + n;
        if (!plain_word(w, (size_t)(e - w)) && !(e - w == 1 && *w >= 'a' && *w <= 'z'))
            return NULL;
        last = w;
        k++;
        w = e + 1;
    }
    return k >= 2 && k <= 3 ? last : NULL;
}

/* An entry's English senses as candidates: lines after the headword line,
 * tags <...>, [...] and (...) removed (a [label] costs, see above), split
 * at , and ;, "to " of verbs dropped; only single words count. */
static void entry_cands(const char *e, int want_noun, cands *cs)
{
    const char *p = strchr(e, '\n');
    if (!p)
        return;
    int pos = entry_pos(e);
    {
        /* "Alten…", "Netz…": a combining form, the first part of compounds
         * ("Altenheim"), never the word itself ("alten": geriatric) */
        const char *nl = strchr(e, '\n');
        const char *ell = strstr(e, "\xE2\x80\xA6");
        if (ell && nl && ell < nl)
            return;
    }
    /* German writes nouns with a capital: prefer the entries that agree */
    int agree = want_noun < 0 || pos == LS_POS_UNKNOWN || (pos == LS_POS_NOUN) == (want_noun == 1);
    /* a "Note:" often narrows the sense ("knight - Note: chessman",
     * "casing - Note: of an explosive device"); FreeDict also notes plain
     * senses apart, so it costs a little and still votes */
    int noted = strstr(e, "Note:") != NULL ? 30 : 0;
    while (*p) {
        p++;
        const char *le = strchr(p, '\n');
        if (!le)
            le = p + strlen(p);
        /* sense lines start at column 0 (or "1. ", or " [zool.] dog");
         * other indented lines are examples, synonyms, notes */
        if (le > p && ((*p != ' ' && *p != '\t') || (p[0] == ' ' && p[1] == '['))) {
            char line[512];
            size_t ln = (size_t)(le - p) < sizeof line - 1 ? (size_t)(le - p) : sizeof line - 1;
            size_t o = 0;
            /* a label before the first sense ("[ugs.] [techn.] rack
             * spanner") is the line's; one after a sense ("charlady <n>
             * [Br.] , charwoman <n> [Br.] [dated]", "professor, prof
             * [coll.]") is that sense's alone: it is kept in the line as
             * the byte LABEL_MARK and its penalty / 10 */
            int depth = 0, penalty = 0, text = 0;
            for (size_t i = 0; i < ln; i++) {
                char c = p[i];
                if (c == '[' && depth == 0) {
                    const char *close = memchr(p + i, ']', ln - i);
                    if (close) {
                        int pen = label_penalty(p + i + 1, (size_t)(close - p - i - 1));
                        if (!text && pen > penalty)
                            penalty = pen;
                        else if (text && pen && o + 2 < sizeof line) {
                            line[o++] = LABEL_MARK;
                            line[o++] = (char)(pen / 10);
                        }
                    }
                }
                if (!depth && c != ' ' && c != '[' && c != '<' && c != '(' && c != '{')
                    text = 1;
                if (c == '<' || c == '[' || c == '(' || c == '{')
                    depth++;
                else if ((c == '>' || c == ']' || c == ')' || c == '}') && depth)
                    depth--;
                else if (!depth)
                    line[o++] = c;
            }
            line[o] = '\0';
            char *q = line;
            int sense_no = 0;
            if (q[0] >= '0' && q[0] <= '9') {
                sense_no = atoi(q);
                while (*q && *q != ' ')
                    q++;
            }
            /* numbered senses (FreeDict fra-eng) come roughly commonest
             * first, but not reliably ("descendre: 1. get out 2. exit, go
             * out 3. descend"): a small weight */
            int numbered = sense_no == 1 ? 30 : sense_no == 2 ? 10 : 0;
            /* a line in alphabetical order ("castle, tower", "diminutive,
             * little, small": all of fra-eng) says nothing by its order */
            int rank = line_sorted(q) ? 1 : 0;
            /* strtok_r: WordNet's morphology, called for each sense, runs
             * strtok itself and would end this loop at the first sense */
            char *sv = NULL;
            for (char *tok = strtok_r(q, ",;/", &sv); tok; tok = strtok_r(NULL, ",;/", &sv)) {
                int tok_pen = 0;
                for (char *m = strchr(tok, LABEL_MARK); m; m = strchr(tok, LABEL_MARK)) {
                    /* this sense's own labels: taken out of its word */
                    if (m[1] && m[1] * 10 > tok_pen)
                        tok_pen = m[1] * 10;
                    memmove(m, m + (m[1] ? 2 : 1), strlen(m + (m[1] ? 2 : 1)) + 1);
                }
                while (*tok == ' ')
                    tok++;
                if (strncmp(tok, "to ", 3) == 0)
                    tok += 3;
                size_t tn = strlen(tok);
                while (tn && (tok[tn - 1] == ' ' || tok[tn - 1] == '.'))
                    tok[--tn] = '\0';
                drop_placeholder(tok, &tn);
                if (strncmp(tok, "a ", 2) == 0)
                    tok += 2, tn -= 2;
                else if (strncmp(tok, "the ", 4) == 0)
                    tok += 4, tn -= 4;
                const char *last = multi_words(tok, tn);
                if (!plain_word(tok, tn) && !(cs->multi && last)) {
                    rank++;
                    continue;
                }
                char low[32];
                for (size_t i = 0; i <= tn; i++)
                    low[i] = (char)(tok[i] >= 'A' && tok[i] <= 'Z' ? tok[i] + 32 : tok[i]);
                lswn_info wi;
                if (cs->multi && last) {
                    /* a phrase's sense of several words ("sugar loaf"):
                     * scored by its head, the last word */
                    char head[32];
                    snprintf(head, sizeof head, "%s", low + (last - tok));
                    int sc = cand_score(head, rank, pos, &wi) - own_penalty(tok_pen, penalty) - 10;
                    rank++;
                    cs->plain++;
                    cand_add(cs, low, low, pos, sc, 1);
                    continue;
                }
                if (tok[0] >= 'A' && tok[0] <= 'Z' && !(lswn_lookup(low, &wi) && wi.noun)) {
                    /* capitalised in English and no common noun: a name
                     * ("France", "Englishman", "Jah"), nothing to draw;
                     * "Miss" and "God" are also common nouns */
                    cs->proper++;
                    rank++;
                    continue;
                }
                if (lslex_lookup(LSLEX_EN, low, tn, NULL, NULL) &
                    (LSLEX_PRONOUN | LSLEX_STOP | LSLEX_DET | LSLEX_CONJ))
                    continue; /* "mine", "it": never a thing to draw */
                int own = own_penalty(tok_pen, penalty);
                int sc = cand_score(low, rank, pos, &wi) + (agree ? 5000 : 0) - own - noted + numbered;
                rank++;
                const char *key = pos == LS_POS_NOUN && wi.noun ? wi.noun_lemma
                                  : pos == LS_POS_VERB && wi.verb ? wi.verb_lemma : low;
                /* a specialist's sense agrees with nothing */
                cs->plain++;
                cand_add(cs, low, key[0] ? key : low, pos, sc, own < 100);
            }
        }
        p = le;
    }
}

/* Core verbs of narration whose FreeDict entries miss or bury the plain
 * sense (werfen: fawn, warp, bowl, dart, pelt; nehmen: negotiate; monter:
 * assemble): the everyday English verb, as the preposition table does for
 * prepositions. Only the infinitive is listed: inflected forms reach it
 * through the stems above. */
static const char *core_verb(const dict *d, const char *w, size_t n)
{
    static const char *const de[][2] = {
        {"werfen", "throw"},  {"bringen", "bring"}, {"holen", "fetch"},   {"tragen", "carry"},  {"nehmen", "take"},
        {"stellen", "put"},   {"setzen", "set"},    {"schlagen", "strike"}, {"fliegen", "fly"}, {"springen", "jump"},
        {"sehen", "look"},    {"steigen", "climb"}, {"klettern", "climb"}, {"schieben", "push"}, {"heben", "lift"},
        {"greifen", "grab"},  {"stoßen", "push"},   {"treten", "step"},    {"reißen", "tear"},  {"schwimmen", "swim"},
        {"gehen", "walk"},    {"fahren", "ride"},   {"kämpfen", "fight"},  {"winken", "wave"},  {"zeigen", "point"}};
    static const char *const fr[][2] = {
        {"prendre", "take"},  {"monter", "climb"},  {"lever", "raise"},    {"pousser", "push"}, {"tirer", "pull"},
        {"traverser", "cross"}, {"tomber", "fall"}, {"sauter", "jump"},    {"attraper", "catch"}, {"saisir", "seize"},
        {"lancer", "throw"},  {"frapper", "strike"}, {"apporter", "bring"}, {"emporter", "carry"}, {"asseoir", "sit"},
        {"partir", "leave"},  {"aller", "walk"},    {"voir", "look"},      {"battre", "fight"}, {"embrasser", "kiss"}};
    int is_de = d == &dicts[LSLEX_DE];
    size_t m = is_de ? sizeof de / sizeof de[0] : sizeof fr / sizeof fr[0];
    for (size_t i = 0; i < m; i++) {
        const char *k = is_de ? de[i][0] : fr[i][0];
        if (strlen(k) == n && memcmp(k, w, n) == 0)
            return is_de ? de[i][1] : fr[i][1];
    }
    return NULL;
}

#define COVER_TOP 6   /* best noun senses compared */
#define KINDS_MAX 64

/* Of the senses that are people, the one the others are kinds of names
 * the entry's core ("maid, boy, servant": a maid is a servant, and a
 * servant is what "boy" means there), where caption counts alone pick
 * the commonest-looking word ("boy"). WordNet's hypernyms over the best
 * few person senses decide; each sense covered gains. Only people: for
 * things the word above is too often an abstraction ("network" over
 * "net", "home" over "house"). */
static void cover_bonus(cands *cs)
{
    int top[COVER_TOP], nt = 0;
    for (int i = 0; i < cs->n; i++) {
        lswn_info wi;
        if (cs->c[i].pos != LS_POS_NOUN || !lswn_lookup(cs->c[i].key, &wi) || wi.noun_lex[0] != LSWN_N_PERSON)
            continue;
        int k;
        if (nt < COVER_TOP) {
            k = nt++;
        } else { /* full: the newcomer replaces the weakest only if it beats it */
            k = COVER_TOP - 1;
            if (cs->c[top[k]].score >= cs->c[i].score)
                continue;
        }
        top[k] = i;
        for (; k > 0 && cs->c[top[k]].score > cs->c[top[k - 1]].score; k--) {
            int t = top[k];
            top[k] = top[k - 1];
            top[k - 1] = t;
        }
    }
    if (nt < 2)
        return;
    char (*kinds)[32] = longsd__malloc(sizeof(char[KINDS_MAX][32]) * COVER_TOP);
    size_t nk[COVER_TOP];
    if (!kinds)
        return;
    for (int a = 0; a < nt; a++)
        nk[a] = lswn_noun_kinds(cs->c[top[a]].key, kinds + (size_t)a * KINDS_MAX, KINDS_MAX);
    int bonus[COVER_TOP] = {0};
    for (int a = 0; a < nt; a++) {
        int covered = 0;
        for (int b = 0; b < nt; b++) {
            if (a == b || strcmp(cs->c[top[a]].key, cs->c[top[b]].key) == 0)
                continue;
            for (size_t k = 0; k < nk[b]; k++)
                if (strcmp(kinds[(size_t)b * KINDS_MAX + k], cs->c[top[a]].key) == 0) {
                    covered++;
                    break;
                }
        }
        lswn_info wi;
        /* never once in the tagged corpus as a noun: a rare reading of the
         * word above ("server" over "waitress") */
        if (!lswn_lookup(cs->c[top[a]].key, &wi) || wi.noun_tagged == 0)
            covered = 0;
        bonus[a] = covered == 0 ? 0 : covered == 1 ? 80 : 120;
    }
    for (int a = 0; a < nt; a++)
        cs->c[top[a]].score += bonus[a];
    longsd__free(kinds);
}

static int lookup_head_ex(dict *d, const char *w, size_t n, int want_noun, int multi, char *out, size_t cap,
                          int *pos);

/* A headword that is itself an English noun of the same class as the
 * dictionary's sense, and a kind of the same thing ("commandant": the
 * dictionary says major, both commissioned military officers), is the
 * more exact word: FreeDict lists one rank of a family for it. Sharing a
 * WordNet hypernym keeps false friends out ("pain" is bread, not a
 * feeling; "coin" a corner, not money). Only people, whose ranks and
 * trades FreeDict flattens: a thing's cognate is often another shape
 * (a French bonnet is a knitted cap, not a bonnet). And only over a
 * sense rare in the tagged corpus (a rank, a trade): a common one is the
 * plain word, however many archaisms WordNet keeps ("fille" for girl). */
static void prefer_cognate(const char *w, size_t n, char *out, size_t cap)
{
    char cog[32];
    if (n < 4 || n >= sizeof cog)
        return;
    memcpy(cog, w, n);
    cog[n] = '\0';
    lswn_info a, b;
    if (strcmp(cog, out) != 0 && lswn_lookup(cog, &a) && a.noun && lswn_lookup(out, &b) && b.noun &&
        (b.noun_lex[0] == LSWN_N_BODY || b.noun_lex[0] == LSWN_N_ANIMAL) && a.noun_lex[0] == LSWN_N_ARTIFACT && lswn_noun_worn(cog) && n < cap) {
        /* a thing worn spelt as in English over a part of the body
         * ("sabot": the wooden shoe, fra-eng's only sense "hoof"): people
         * wear sabots, a horse's hooves are its own; a false friend of
         * the body ("chair": flesh) is no garment, nor one of an
         * animal ("crin": horsehair) */
        snprintf(out, cap, "%s", cog);
        return;
    }
    if (strcmp(cog, out) == 0 || !lswn_lookup(cog, &a) || !a.noun || !lswn_lookup(out, &b) || !b.noun ||
        a.noun_lex[0] != LSWN_N_PERSON || b.noun_lex[0] != LSWN_N_PERSON || b.noun_tagged >= 10 || (a.noun_lemma[0] && strcmp(a.noun_lemma, cog) != 0))
        return;
    char (*ka)[32] = longsd__malloc(sizeof(char[KINDS_MAX][32]) * 3);
    if (!ka)
        return;
    char (*kb)[32] = ka + KINDS_MAX, (*kc)[32] = ka + 2 * KINDS_MAX;
    size_t na = lswn_noun_kinds(cog, ka, KINDS_MAX), nb = lswn_noun_kinds(out, kb, KINDS_MAX);
    int shared = 0;
    for (size_t i = 0; i < na && !shared; i++)
        for (size_t j = 0; j < nb && !shared; j++)
            shared = strcmp(ka[i], kb[j]) == 0;
    /* one level more above the sense's nearest kind: a rank is a
     * "commissioned military officer", a commandant a "military officer" */
    char up[32];
    snprintf(up, sizeof up, "%s", nb ? kb[0] : "");
    for (char *p = up; *p; p++)
        if (*p == ' ')
            *p = '_'; /* WordNet's spelling of a compound lemma */
    size_t nc = !shared && up[0] ? lswn_noun_kinds(up, kc, KINDS_MAX) : 0;
    for (size_t i = 0; i < na && !shared; i++)
        for (size_t j = 0; j < nc && !shared; j++)
            shared = strcmp(ka[i], kc[j]) == 0;
    if (shared && n < cap)
        snprintf(out, cap, "%s", cog);
    longsd__free(ka);
}

static int lookup_head(dict *d, const char *w, size_t n, int want_noun, char *out, size_t cap, int *pos)
{
    return lookup_head_ex(d, w, n, want_noun, 0, out, cap, pos);
}

static int lookup_head_ex(dict *d, const char *w, size_t n, int want_noun, int multi, char *out, size_t cap,
                          int *pos)
{
    const char *cv = want_noun != 1 ? core_verb(d, w, n) : NULL;
    if (cv) {
        snprintf(out, cap, "%s", cv);
        *pos = LS_POS_VERB;
        return 1;
    }
    const hslot *hs = find_head(d, w, n);
    if (!hs)
        return 0;
    const char *line = d->idx + hs->line;
    const char *end = d->idx + d->idx_len;
    char *entry = longsd__malloc(MAX_ENTRY);
    cands *cs = longsd__malloc(sizeof *cs);
    if (!entry || !cs) {
        longsd__free(entry);
        longsd__free(cs);
        return 0;
    }
    memset(cs, 0, sizeof *cs);
    cs->multi = multi;
    for (uint32_t k = 0; k < hs->n && k < MAX_SENSES && line < end; k++) {
        const char *tab = memchr(line, '\t', (size_t)(end - line));
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        if (!tab || !nl)
            break;
        size_t off, len;
        const char *q;
        if (b64_num(tab + 1, nl, &off, &q) && q < nl && *q == '\t' && b64_num(q + 1, nl, &len, &q)) {
            read_entry(d, off, len, entry, MAX_ENTRY);
            cs->proper = cs->plain = 0;
            entry_cands(entry, want_noun, cs);
            cs->name_entries += cs->proper && !cs->plain;
            cs->sense_entries += cs->plain > 0;
        }
        line = nl + 1;
    }
    cover_bonus(cs);
    /* the sense several entries agree on ("heavy" four times for schwer,
     * "servant" and "servants" for Diener) is the word's plain meaning */
    int best = -1, best_score = 0;
    for (int i = 0; i < cs->n; i++) {
        int v = cs->c[i].votes;
        int sc = cs->c[i].score + 25 * (v > 4 ? 3 : v > 1 ? v - 1 : 0);
        if (best < 0 || sc > best_score) {
            best = i;
            best_score = sc;
        }
    }
    if (best >= 0) {
        snprintf(out, cap, "%s", cs->c[best].word);
        *pos = cs->c[best].pos;
        if (*pos == LS_POS_NOUN)
            prefer_cognate(w, n, out, cap);
    }
    if (cs->name_entries > cs->sense_entries || (cs->name_entries > 1 && cs->name_entries == cs->sense_entries)) {
        /* more entries of names than of senses, or two and two ("Gott": God, Jah; once
         * "land" [Am.], "gosh" [Am.]; "Frau" has one of titles, Mrs and Ms, and many of
         * senses): the word is a name, and its letters must not be read
         * again as a compound's ("Engländer" -> Länder) */
        out[0] = '\0';
        *pos = LS_POS_NOUN;
        best = 0;
    }
    longsd__free(entry);
    longsd__free(cs);
    return best >= 0;
}

/* Prepositions: FreeDict lists a dozen senses each, the picture needs one. */
static const char *preposition(lslex_lang_id lang, const char *w)
{
    static const char *const de[][2] = {
        {"in", "in"},       {"im", "in"},         {"ins", "into"},       {"auf", "on"},      {"unter", "under"},
        {"über", "over"},   {"an", "at"},         {"am", "at"},          {"neben", "beside"}, {"bei", "near"},
        {"beim", "near"},   {"hinter", "behind"}, {"vor", "before"},     {"durch", "through"}, {"zwischen", "between"},
        {"mit", "with"},    {"nach", "toward"},   {"zu", "to"},          {"zum", "to"},      {"zur", "to"},
        {"aus", "from"},    {"von", "from"},      {"vom", "from"},       {"um", "around"},   {"gegen", "against"},
        {"entlang", "along"}, {"längs", "along"}, {"oberhalb", "above"}, {"unterhalb", "below"}};
    static const char *const fr[][2] = {
        {"dans", "in"},      {"en", "in"},           {"sur", "on"},        {"sous", "under"},   {"au-dessus", "above"},
        {"devant", "before"}, {"derrière", "behind"}, {"près", "near"},    {"entre", "between"}, {"à", "at"},
        {"au", "at"},        {"aux", "at"},          {"par", "through"},   {"vers", "toward"},  {"chez", "at"},
        {"avec", "with"},    {"contre", "against"},  {"parmi", "among"},   {"le long", "along"}, {"hors", "outside"},
        {"autour", "around"}, {"de", "of"},          {"du", "of"},         {"des", "of"}};
    if (lang == LSLEX_DE) {
        for (size_t i = 0; i < sizeof de / sizeof de[0]; i++)
            if (strcmp(w, de[i][0]) == 0)
                return de[i][1];
    } else {
        for (size_t i = 0; i < sizeof fr / sizeof fr[0]; i++)
            if (strcmp(w, fr[i][0]) == 0)
                return fr[i][1];
    }
    return NULL;
}

/* German articles, possessives and demonstratives in all their endings
 * ("seinem", "keiner", "diese"): FreeDict reads "seinem" as "Sein". */
static int german_determiner(const char *w)
{
    static const char *const stems[] = {"mein", "dein", "sein", "ihr", "unser", "euer", "eur", "kein", "ein",
                                        "dies", "jen", "welch", "manch", "jed", "all", "solch", NULL};
    static const char *const ends[] = {"", "e", "er", "es", "em", "en", "n", "m", "s", "r", NULL};
    for (size_t i = 0; stems[i]; i++) {
        size_t n = strlen(stems[i]);
        if (strncmp(w, stems[i], n) != 0)
            continue;
        for (size_t j = 0; ends[j]; j++)
            if (strcmp(w + n, ends[j]) == 0)
                return 1;
    }
    return 0;
}

/* German strong and mixed verbs: the past stem and its infinitive. The
 * dictionary and hunspell's stems know "sitzen", not "saß" nor "saßen",
 * yet narration is told in the past: without this "stand" is read as the
 * noun Stand ("level") and "ritt" as Ritt. */
static const char *const de_strong[][2] = {
    {"saß", "sitzen"}, {"lag", "liegen"}, {"stand", "stehen"}, {"ging", "gehen"}, {"kam", "kommen"},
    {"sah", "sehen"}, {"gab", "geben"}, {"nahm", "nehmen"}, {"fand", "finden"}, {"hing", "hängen"},
    {"lief", "laufen"}, {"rief", "rufen"}, {"fiel", "fallen"}, {"hielt", "halten"}, {"ließ", "lassen"},
    {"schlief", "schlafen"}, {"trug", "tragen"}, {"fuhr", "fahren"}, {"schlug", "schlagen"}, {"zog", "ziehen"},
    {"flog", "fliegen"}, {"floh", "fliehen"}, {"floss", "fließen"}, {"floß", "fließen"}, {"schoss", "schießen"},
    {"schoß", "schießen"}, {"schloss", "schließen"}, {"schloß", "schließen"}, {"goss", "gießen"},
    {"kroch", "kriechen"}, {"bog", "biegen"}, {"bot", "bieten"}, {"schob", "schieben"}, {"hob", "heben"},
    {"trat", "treten"}, {"bat", "bitten"}, {"aß", "essen"}, {"las", "lesen"}, {"sprach", "sprechen"},
    {"brach", "brechen"}, {"stach", "stechen"}, {"traf", "treffen"}, {"warf", "werfen"}, {"half", "helfen"},
    {"starb", "sterben"}, {"sprang", "springen"}, {"sang", "singen"}, {"trank", "trinken"}, {"sank", "sinken"},
    {"schwamm", "schwimmen"}, {"begann", "beginnen"}, {"band", "binden"}, {"klang", "klingen"},
    {"rang", "ringen"}, {"schrieb", "schreiben"}, {"blieb", "bleiben"}, {"trieb", "treiben"}, {"rieb", "reiben"},
    {"stieg", "steigen"}, {"schwieg", "schweigen"}, {"schien", "scheinen"}, {"schrie", "schreien"},
    {"wies", "weisen"}, {"biss", "beißen"}, {"biß", "beißen"}, {"riss", "reißen"}, {"riß", "reißen"},
    {"ritt", "reiten"}, {"litt", "leiden"}, {"schnitt", "schneiden"}, {"glitt", "gleiten"}, {"griff", "greifen"},
    {"pfiff", "pfeifen"}, {"strich", "streichen"}, {"schlich", "schleichen"}, {"fror", "frieren"},
    {"wusch", "waschen"}, {"wuchs", "wachsen"}, {"grub", "graben"}, {"lud", "laden"}, {"fing", "fangen"},
    {"stieß", "stoßen"}, {"rannte", "rennen"}, {"brannte", "brennen"}, {"brachte", "bringen"},
    {"wandte", "wenden"}, {"drang", "dringen"}, {"schwang", "schwingen"}, {"blies", "blasen"},
    {"briet", "braten"}, {"wich", "weichen"}, {"sog", "saugen"}, {"stahl", "stehlen"}, {"warb", "werben"},
    {"barst", "bersten"}, {"schwoll", "schwellen"}, {"molk", "melken"}, {"tat", "tun"}, {"kniete", "knien"}};

/* The infinitive of a past form ("saßen" -> "sitzen", "aufstand" ->
 * "aufstehen", "verließ" -> "verlassen"), or 0. */
static int de_past_infinitive(const char *w, char *out, size_t cap)
{
    static const char *const prefixes[] = {"", "auf", "an", "ab", "aus", "ein", "mit", "nach", "vor", "zu",
                                           "zurück", "weg", "hin", "her", "hinaus", "heraus", "herein", "hinein",
                                           "fort", "um", "über", "unter", "durch", "wieder", "be", "ver", "er",
                                           "ent", "zer", "emp", "los", "nieder", "empor", "davon", NULL};
    static const char *const ends[] = {"", "en", "st", "t", "est", "et", NULL};
    size_t n = strlen(w);
    for (size_t p = 0; prefixes[p]; p++) {
        size_t pl = strlen(prefixes[p]);
        if (strncmp(w, prefixes[p], pl) != 0)
            continue;
        for (size_t v = 0; v < sizeof de_strong / sizeof de_strong[0]; v++) {
            size_t sl = strlen(de_strong[v][0]);
            if (n < pl + sl || strncmp(w + pl, de_strong[v][0], sl) != 0)
                continue;
            for (size_t e = 0; ends[e]; e++)
                if (strcmp(w + pl + sl, ends[e]) == 0) {
                    snprintf(out, cap, "%s%s", prefixes[p], de_strong[v][1]);
                    return 1;
                }
        }
    }
    return 0;
}

/* Is English noun w fit to stand before another as its modifier: a thing,
 * a place, a being, a meal, a time or weather ("breakfast table", "night
 * table", "rain cloud"), not an abstraction ("sleep coat")? */
static int modifier_noun(const char *w)
{
    lswn_info wi;
    if (!lswn_lookup(w, &wi) || !wi.noun)
        return 0;
    int l = wi.noun_lex[0];
    return lswn_noun_concrete(&wi) || l == LSWN_N_TIME || l == LSWN_N_PHENOMENON;
}

/* The English modifier of a German compound whose head low[i..) gave
 * head (its English noun): the first part low[0..i), a noun as written or
 * without a linking element ("Frühstücks|tisch", "Küche|n|tür",
 * "Hund|e|hütte"), into mod ("breakfast"), so the compound reads
 * "breakfast table", not "table". Where English writes the two as one
 * word WordNet knows ("Sonnen|schirm": sunshade), that word replaces the
 * head and mod stays "". A part that is no noun, or an abstraction, adds
 * nothing: the head alone is the safer picture. */
static void compound_modifier(dict *d, const char *low, size_t i, char *head, size_t cap, char *mod,
                              size_t modcap)
{
    /* the linking elements; "+e" restores the e a first part drops
     * ("Kirch|turm": Kirche) */
    static const char *const links[] = {"", "s", "es", "n", "en", "e", "er", "+e", NULL};
    char en[32];
    int pos = LS_POS_UNKNOWN;
    for (size_t k = 0; links[k]; k++) {
        char part[64];
        if (links[k][0] == '+') {
            if (i + 2 > sizeof part)
                continue;
            snprintf(part, sizeof part, "%.*s%s", (int)i, low, links[k] + 1);
        } else {
            size_t el = strlen(links[k]);
            if (i < el + 3 || i - el >= sizeof part || strncmp(low + i - el, links[k], el) != 0)
                continue;
            snprintf(part, sizeof part, "%.*s", (int)(i - el), low);
        }
        if (!lookup_head(d, part, strlen(part), 1, en, sizeof en, &pos) || pos != LS_POS_NOUN || !en[0])
            continue;
        lswn_info mi;
        if (lswn_lookup(en, &mi) && mi.plural && mi.noun_lemma[0])
            snprintf(en, sizeof en, "%s", mi.noun_lemma); /* "küchen": kitchen, never "kitchens door" */
        if (strcmp(en, head) == 0 || !modifier_noun(en))
            return;
        char closed[64];
        snprintf(closed, sizeof closed, "%s%s", en, head);
        lswn_info wi;
        if (strlen(closed) < cap && lswn_lookup(closed, &wi) && wi.noun) {
            snprintf(head, cap, "%s", closed); /* "sunshade", "bedroom" */
            return;
        }
        if (strlen(en) + strlen(head) + 2 <= modcap && strlen(en) + strlen(head) + 2 <= 31)
            snprintf(mod, modcap, "%s", en);
        return;
    }
}

/* Replace every s[i..) occurrence of from by to in s into out; 0 when
 * there is none or it does not fit. */
static int replace_all(const char *s, const char *from, const char *to, char *out, size_t cap)
{
    size_t fl = strlen(from), tl = strlen(to), o = 0;
    int any = 0;
    for (const char *p = s; *p;) {
        if (strncmp(p, from, fl) == 0) {
            if (o + tl + 1 >= cap)
                return 0;
            memcpy(out + o, to, tl);
            o += tl;
            p += fl;
            any = 1;
        } else {
            if (o + 2 >= cap)
                return 0;
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return any;
}

/* Is the German noun low a headword hunspell spells, capitalised? Then
 * its translation into out. */
static int high_german_noun(dict *d, const char *low, char *out, size_t cap, int *pos)
{
    char cap_w[64];
    snprintf(cap_w, sizeof cap_w, "%s", low);
    if (cap_w[0] >= 'a' && cap_w[0] <= 'z')
        cap_w[0] = (char)(cap_w[0] - 32);
    else if ((unsigned char)cap_w[0] == 0xC3 && (unsigned char)cap_w[1] >= 0xA0 && (unsigned char)cap_w[1] <= 0xBE)
        cap_w[1] = (char)(cap_w[1] - 0x20); /* ä -> Ä */
    if (!find_head(d, low, strlen(low)) || Hunspell_spell(d->hun, cap_w) == 0)
        return 0;
    return lookup_head(d, low, strlen(low), 1, out, cap, pos) && *pos == LS_POS_NOUN && out[0];
}

/* Is headword w's first entry a plural form only ("Busse <pl>")? */
static int plural_entry(dict *d, const char *w)
{
    const hslot *hs = find_head(d, w, strlen(w));
    if (!hs)
        return 0;
    const char *line = d->idx + hs->line, *end = d->idx + d->idx_len;
    const char *tab = memchr(line, '\t', (size_t)(end - line));
    const char *nl = memchr(line, '\n', (size_t)(end - line));
    size_t off, len;
    const char *q;
    char head[256];
    if (!tab || !nl || !b64_num(tab + 1, nl, &off, &q) || q >= nl || *q != '\t' || !b64_num(q + 1, nl, &len, &q))
        return 0;
    read_entry(d, off, len < sizeof head ? len : sizeof head - 1, head, sizeof head);
    char *e = strchr(head, '\n');
    if (e)
        *e = '\0';
    const char *lt = strchr(head, '<');
    return lt && (strncmp(lt, "<pl>", 4) == 0 || strstr(lt, ", pl>") != NULL) && !strstr(lt, "sg");
}

/* The one gender named by an entry's tags ("<fem, n, sg>"): 0 masculine,
 * 1 feminine, 2 neuter; -1 for none or several. */
static int entry_gender(const char *head)
{
    const char *lt = strchr(head, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    if (!gt)
        return -1;
    static const char *const tag[3] = {"masc", "fem", "neut"};
    int g = -1, found = 0;
    for (int k = 0; k < 3; k++) {
        size_t tl = strlen(tag[k]);
        for (const char *p = lt + 1; p + tl <= gt; p++)
            if (memcmp(p, tag[k], tl) == 0 && (p[-1] == '<' || p[-1] == ' ' || p[-1] == ',') &&
                (p[tl] == '>' || p[tl] == ',' || p[tl] == ' ')) {
                g = k;
                found++;
                break;
            }
    }
    return found == 1 ? g : -1;
}

int ls_translate_de_gender(const char *w, size_t n)
{
    char low[64], head[256];
    size_t ll = lslex_lower(w, n, low, sizeof low, 0);
    int g = -1;
    if (ll == 0 || ll >= sizeof low - 1)
        return -1;
    pthread_mutex_lock(&tr_mu);
    dict *d = get_dict(LSLEX_DE);
    const hslot *hs = d ? find_head(d, low, ll) : NULL;
    if (!hs)
        goto out;
    /* every entry of the headword that names a gender must name the same
     * one: "See" is a lake (masculine) and the sea (feminine), and then
     * the text's own articles have to tell */
    const char *line = d->idx + hs->line, *end = d->idx + d->idx_len;
    for (uint32_t k = 0; k < hs->n && k < MAX_SENSES && line < end; k++) {
        const char *tab = memchr(line, '\t', (size_t)(end - line));
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t off, len;
        const char *q;
        if (!tab || !nl)
            break;
        if (b64_num(tab + 1, nl, &off, &q) && q < nl && *q == '\t' && b64_num(q + 1, nl, &len, &q)) {
            read_entry(d, off, len < sizeof head ? len : sizeof head - 1, head, sizeof head);
            char *e = strchr(head, '\n');
            if (e)
                *e = '\0';
            int eg = entry_gender(head);
            if (eg >= 0 && g >= 0 && eg != g) {
                g = -1;
                goto out;
            }
            if (eg >= 0)
                g = eg;
        }
        line = nl + 1;
    }
out:
    pthread_mutex_unlock(&tr_mu);
    return g;
}

/* A Low German noun (the dialect of the Grimm tales and much North German
 * writing) read as its High German cognate: Low German never took part in
 * the High German consonant shift (t -> ss, p -> f/pf, k -> ch: "Water",
 * Wasser; "Schipp", Schiff) nor in the New High German diphthongs (uu ->
 * au, ii/y -> ei: "Huus", Haus) and drops a final e ("Hütt", Hütte). Up
 * to two of these sound correspondences are undone, each over the whole
 * word, and only a candidate that is a FreeDict noun hunspell spells
 * counts; the first such wins. */
static int low_german(dict *d, const char *low, char *out, size_t cap, int *pos)
{
    static const char *const rules[][2] = {
        {"uu", "au"}, {"u", "au"}, {"ii", "ei"}, {"y", "ei"}, {"ie", "ei"}, {"i", "ei"}, {"\xC3\xBC", "\xC3\xA4u"},
        {"\xC3\xBC", "eu"}, {"oo", "o"}, {"oo", "au"}, {"oo", "u"}, {"ee", "e"}, {"ee", "ei"}, {"aa", "a"},
        {"aa", "e"}, {"\xC3\xB6", "\xC3\xBC"}, {"\xC3\xB6", "o"}, {"\xC3\xA4", "a"}, {"o", "u"}, {"u", "o"},
        {"tt", "ss"}, {"t", "ss"}, {"pp", "pf"}, {"pp", "ff"}, {"p", "pf"}, {"p", "f"}, {"k", "ch"},
        {"sl", "schl"}, {"sw", "schw"}, {"sm", "schm"}, {"sn", "schn"}, {"ll", "l"}, {"v", "f"}, {"d", "t"},
        {"h", ""}};
    size_t nr = sizeof rules / sizeof rules[0];
    char a[64], b[70];
    /* fewest changes first: the final e alone, then one correspondence
     * (with or without the e), then two */
    for (int depth = 0; depth <= 2; depth++)
        for (size_t i = 0; i < (depth ? nr : 1); i++) {
            /* two only where one is the s of "sl", "sw"...: "Slott",
             * Schloss; any two vowel or consonant changes reach too far
             * ("Butt" is no "Boss") */
            if (depth == 2 && strncmp(rules[i][1], "sch", 3) != 0)
                continue;
            if (depth && !replace_all(low, rules[i][0], rules[i][1], a, sizeof a))
                continue;
            if (!depth)
                snprintf(a, sizeof a, "%s", low);
            for (size_t j = depth == 2 ? 0 : nr; j <= nr; j++) {
                const char *cand = a;
                if (depth == 2 && (j == i || j == nr))
                    continue; /* one change alone was tried at depth 1 */
                if (j < nr) {
                    if (!replace_all(a, rules[j][0], rules[j][1], b, sizeof b))
                        continue;
                    cand = b;
                }
                char e[72];
                if (depth && high_german_noun(d, cand, out, cap, pos))
                    return 1;
                /* the dropped final e of a singular ("Hütt": Hütte), not
                 * a plural's ending ("Butt" is no "Busse") */
                snprintf(e, sizeof e, "%se", cand);
                if (strlen(e) < 64 && !plural_entry(d, e) && high_german_noun(d, e, out, cap, pos))
                    return 1;
            }
        }
    out[0] = '\0';
    *pos = LS_POS_UNKNOWN;
    return 0;
}

/* A noun whose only English is an adjective and a noun ("vieillard": old
 * man): the noun is the word, the adjective its modifier, as a German
 * compound's ("an old man", once nothing, so the person was lost). Only
 * when WordNet reads them so: a phrase of other words ("put to bed")
 * stays untranslated. */
static void two_word_noun(dict *d, const char *low, size_t ll, char *out, size_t cap, int *pos, char *mod,
                          size_t modcap)
{
    char two[64];
    int p = LS_POS_UNKNOWN;
    lswn_info a, b;
    if (!lookup_head_ex(d, low, ll, 1, 1, two, sizeof two, &p) || p != LS_POS_NOUN)
        return;
    char *sp = strchr(two, ' ');
    if (!sp || strchr(sp + 1, ' ') || strlen(sp + 1) >= cap || (size_t)(sp - two) >= modcap)
        return;
    *sp = '\0';
    if (!lswn_lookup(two, &a) || !a.adj || !lswn_lookup(sp + 1, &b) || !b.noun || b.plural)
        return;
    memcpy(out, sp + 1, strlen(sp + 1) + 1); /* both fit: checked above */
    memcpy(mod, two, (size_t)(sp - two) + 1);
    *pos = LS_POS_NOUN;
}

static void translate_uncached(lslex_lang_id lang, dict *d, const char *low, size_t ll, int upper, int dialect,
                               char *out, size_t cap, int *pos, char *mod, size_t modcap)
{
    out[0] = '\0';
    mod[0] = '\0';
    *pos = LS_POS_UNKNOWN;
    int want = lang == LSLEX_DE ? (upper ? 1 : 0) : -1;
    const char *pp = preposition(lang, low);
    if (pp) {
        snprintf(out, cap, "%s", pp);
        *pos = LS_POS_UNKNOWN;
        return;
    }
    unsigned f = lslex_lookup(lang, low, ll, NULL, NULL);
    if (f & (LSLEX_STOP | LSLEX_PRONOUN | LSLEX_DET | LSLEX_CONJ | LSLEX_PREP))
        return; /* function words carry nothing to draw */
    if (lang == LSLEX_DE && german_determiner(low))
        return;
    char first[32] = "";
    int first_pos = LS_POS_UNKNOWN;
    if (lang == LSLEX_DE && upper == 2) {
        /* before its noun ("einem weißen Pferd"): an inflected adjective,
         * never the verb "weißen" */
        static const char *const aends[] = {"en", "em", "er", "es", "e", NULL};
        for (size_t e = 0; aends[e]; e++) {
            size_t el = strlen(aends[e]);
            if (ll > el + 2 && strcmp(low + ll - el, aends[e]) == 0 &&
                lookup_head(d, low, ll - el, 0, out, cap, pos) && *pos == LS_POS_ADJ)
                return;
        }
        out[0] = '\0';
        *pos = LS_POS_UNKNOWN;
        return;
    }
    char inf[64];
    if (lang == LSLEX_DE && !upper && de_past_infinitive(low, inf, sizeof inf)) {
        size_t il = strlen(inf);
        if (lookup_head(d, inf, il, 0, out, cap, pos))
            return;
        /* a prefixed verb the dictionary lacks: its simple verb */
        for (size_t v = 0; v < sizeof de_strong / sizeof de_strong[0]; v++) {
            size_t vl = strlen(de_strong[v][1]);
            if (il > vl && strcmp(inf + il - vl, de_strong[v][1]) == 0 &&
                lookup_head(d, de_strong[v][1], vl, 0, out, cap, pos))
                return;
        }
    }
    if (lookup_head(d, low, ll, want, out, cap, pos)) {
        /* a lower-case German word read as a noun ("alten": die Alten)
         * may be an inflected adjective or verb: its stem decides; a
         * capitalised one read as a verb ("Bergen": bergen, to hold) may
         * be a noun's plural (Berg) */
        if (!(lang == LSLEX_DE && ((!upper && *pos == LS_POS_NOUN) || (upper == 1 && *pos == LS_POS_VERB))))
            return;
        snprintf(first, sizeof first, "%s", out);
        first_pos = *pos;
    }
    /* the dictionary form: hunspell's stems */
    int stem_known = 0; /* a stem is a headword, even one without a one-word sense */
    if (d->hun) {
        char **list = NULL;
        int ns = Hunspell_stem(d->hun, &list, low);
        int ok = 0;
        for (int i = 0; i < ns && !ok; i++) {
            char sl[64];
            size_t sn = lslex_lower(list[i], strlen(list[i]), sl, sizeof sl, 0);
            if (sn && (sn != ll || memcmp(sl, low, ll) != 0)) {
                ok = lookup_head(d, sl, sn, want, out, cap, pos);
                stem_known |= find_head(d, sl, sn) != NULL;
            }
        }
        if (ns > 0)
            Hunspell_free_list(d->hun, &list, ns);
        if (ok && first_pos == LS_POS_VERB && *pos != LS_POS_NOUN)
            ok = 0; /* no noun under the stem either: the verb read stands */
        if (ok && !(first[0] && first_pos == LS_POS_NOUN && *pos == LS_POS_NOUN))
            return;
        if (first[0] && first_pos == LS_POS_VERB) {
            /* "Bergen": the noun's stem, capitalised as hunspell knows it */
            char cap_w[64];
            snprintf(cap_w, sizeof cap_w, "%.*s", (int)ll, low);
            if (cap_w[0] >= 'a' && cap_w[0] <= 'z')
                cap_w[0] = (char)(cap_w[0] - 32);
            ns = Hunspell_stem(d->hun, &list, cap_w);
            for (int i = 0; i < ns && !ok; i++) {
                char sl[64];
                size_t sn = lslex_lower(list[i], strlen(list[i]), sl, sizeof sl, 0);
                if (sn && (sn != ll || memcmp(sl, low, ll) != 0))
                    ok = lookup_head(d, sl, sn, 1, out, cap, pos) && *pos == LS_POS_NOUN;
            }
            if (ns > 0)
                Hunspell_free_list(d->hun, &list, ns);
            /* hunspell may know the word as a name ("Bergen", the city):
             * a plural ending off, then */
            static const char *const plural[] = {"en", "n", "e", "er", "s", NULL};
            for (size_t e = 0; plural[e] && !ok; e++) {
                size_t el = strlen(plural[e]);
                if (ll > el + 2 && strcmp(low + ll - el, plural[e]) == 0)
                    ok = lookup_head(d, low, ll - el, 1, out, cap, pos) && *pos == LS_POS_NOUN;
            }
            if (ok)
                return;
            snprintf(out, cap, "%s", first);
            *pos = first_pos;
            return;
        }
        if (first[0]) {
            /* an inflected adjective: "alten" -> "alt" */
            static const char *const ends[] = {"en", "em", "er", "es", "e", NULL};
            for (size_t e = 0; ends[e]; e++) {
                size_t el = strlen(ends[e]);
                if (ll > el + 2 && strcmp(low + ll - el, ends[e]) == 0 &&
                    lookup_head(d, low, ll - el, 0, out, cap, pos) && *pos != LS_POS_NOUN)
                    return;
            }
            snprintf(out, cap, "%s", first);
            *pos = first_pos;
            return;
        }
        if (lang == LSLEX_DE && upper) {
            /* the capitalised form is what hunspell knows for nouns */
            char cap_w[64];
            snprintf(cap_w, sizeof cap_w, "%.*s", (int)ll, low);
            if (cap_w[0] >= 'a' && cap_w[0] <= 'z')
                cap_w[0] = (char)(cap_w[0] - 32);
            ns = Hunspell_stem(d->hun, &list, cap_w);
            for (int i = 0; i < ns && !ok; i++) {
                char sl[64];
                size_t sn = lslex_lower(list[i], strlen(list[i]), sl, sizeof sl, 0);
                if (sn && (sn != ll || memcmp(sl, low, ll) != 0))
                    ok = lookup_head(d, sl, sn, want, out, cap, pos);
            }
            if (ns > 0)
                Hunspell_free_list(d->hun, &list, ns);
            if (ok)
                return;
        }
    }
    int spelt = 1;
    if (lang == LSLEX_DE && upper && ll >= 7 && d->hun) {
        /* only a German word is split: a dialect's ("Pißputt", Low German
         * in the Grimm tales) gives junk heads ("chip", "freeway") */
        char cap_w[64];
        snprintf(cap_w, sizeof cap_w, "%.*s", (int)ll, low);
        if (cap_w[0] >= 'a' && cap_w[0] <= 'z')
            cap_w[0] = (char)(cap_w[0] - 32);
        spelt = Hunspell_spell(d->hun, cap_w) != 0;
    }
    if (lang == LSLEX_FR && !out[0] && ll > 5 && !stem_known) {
        /* the imperfect and past historic of the narration hunspell did
         * not stem: "traversait" -> traverser, "partit" -> partir (where
         * it did, that verb is the word, not a rarer one the endings
         * spell: "sortait" is sortir, never sorter) */
        static const char *const ends[][2] = {{"aient", "er"}, {"ait", "er"}, {"èrent", "er"}, {"irent", "ir"},
                                              {"issait", "ir"}, {"it", "ir"}, {"a", "er"}};
        for (size_t e = 0; e < sizeof ends / sizeof ends[0]; e++) {
            size_t el = strlen(ends[e][0]);
            if (ll > el + 2 && strcmp(low + ll - el, ends[e][0]) == 0) {
                char inf2[64];
                snprintf(inf2, sizeof inf2, "%.*s%s", (int)(ll - el), low, ends[e][1]);
                if (lookup_head(d, inf2, strlen(inf2), 0, out, cap, pos) && *pos == LS_POS_VERB)
                    return;
                out[0] = '\0';
                *pos = LS_POS_UNKNOWN;
            }
        }
    }
    if (lang == LSLEX_DE && dialect && upper == 1 && !out[0] && ll >= 3 && d->hun && low_german(d, low, out, cap, pos))
        return;
    if (lang == LSLEX_DE && upper && ll >= 7 && spelt) {
        /* a compound: its head is its longest known tail of 4+ bytes
         * ("Fischerhütte" -> "hütte"); a linking s is skipped by the
         * search itself */
        for (size_t i = 3; i + 4 <= ll; i++) {
            if (((unsigned char)low[i] & 0xC0) == 0x80)
                continue; /* inside a UTF-8 sequence */
            if (lookup_head(d, low + i, ll - i, want, out, cap, pos)) {
                if (*pos == LS_POS_NOUN && out[0])
                    compound_modifier(d, low, i, out, cap, mod, modcap);
                return;
            }
        }
    }
    if (!out[0] && want != 0 && !upper)
        two_word_noun(d, low, ll, out, cap, pos, mod, modcap);
}

/* Is the capitalised French word w[0..n) a name? hunspell fr tags first
 * names and other proper nouns ("Pierre" po:prn, "Paris" po:npr), whose
 * lower-case spelling may be a common noun (pierre: stone); a compound
 * with a capital after its hyphen ("Saint-Denis", "Jean-Baptiste",
 * "Grand-Rue") is a name of a place or person. Either is never
 * translated: a name gives the picture nothing to draw. */
static int fr_name(const char *w, size_t n)
{
    for (size_t i = 1; i + 1 < n; i++)
        if (w[i] == '-' && ((w[i + 1] >= 'A' && w[i + 1] <= 'Z') || (unsigned char)w[i + 1] == 0xC3))
            return w[i + 1] != (char)0xC3 || (i + 2 < n && (unsigned char)w[i + 2] >= 0x80 &&
                                               (unsigned char)w[i + 2] <= 0x9E);
    return (ls_dict_fr(w, n) & (LS_FR_FIRST_NAME | LS_FR_PROPER)) != 0;
}

/* The word and a German compound's modifier (mod, "" when none), cached. */
static void translate_cached(lslex_lang_id lang, const char *w, size_t n, int upper, int dialect, char *res,
                             size_t rescap, int *pos_out, char *mod, size_t modcap)
{
    int pos = LS_POS_UNKNOWN;
    res[0] = mod[0] = '\0';
    *pos_out = LS_POS_UNKNOWN;
    if (lang != LSLEX_DE && lang != LSLEX_FR)
        return;
    if (lang == LSLEX_FR && upper == 1 && fr_name(w, n))
        return;
    char low[40];
    size_t ll = lslex_lower(w, n, low, sizeof low, 1);
    if (ll == 0 || ll >= sizeof low - 1)
        return;
    pthread_mutex_lock(&tr_mu);
    dict *d = get_dict(lang);
    if (d) {
        if (!tcache[lang])
            tcache[lang] = longsd__calloc(CACHE_SLOTS, sizeof(tslot));
        tslot *tc = tcache[lang], *slot = NULL;
        char key[48];
        snprintf(key, sizeof key, "%c%s", upper == 2 ? 'a' : upper ? (dialect ? 'D' : 'U') : 'l', low);
        int hit = 0;
        if (tc) {
            size_t h = (size_t)hkey(key, strlen(key)) & (CACHE_SLOTS - 1);
            for (size_t k = 0; k < 64; k++, h = (h + 1) & (CACHE_SLOTS - 1)) {
                if (!tc[h].used) {
                    slot = &tc[h];
                    break;
                }
                if (strcmp(tc[h].key, key) == 0) {
                    snprintf(res, rescap, "%s", tc[h].val);
                    snprintf(mod, modcap, "%s", tc[h].mod);
                    pos = tc[h].pos;
                    hit = 1;
                    break;
                }
            }
        }
        if (!hit) {
            translate_uncached(lang, d, low, ll, upper, dialect, res, rescap, &pos, mod, modcap);
            if (slot) {
                slot->pos = pos;
                snprintf(slot->key, sizeof slot->key, "%s", key);
                snprintf(slot->val, sizeof slot->val, "%s", res);
                snprintf(slot->mod, sizeof slot->mod, "%s", mod);
                slot->used = 1;
            }
        }
    }
    pthread_mutex_unlock(&tr_mu);
    *pos_out = pos;
}

void ls_translate_word(lslex_lang_id lang, const char *w, size_t n, int upper, char *out, size_t cap, int *pos_out)
{
    char res[32], mod[32];
    int pos;
    if (pos_out)
        *pos_out = LS_POS_UNKNOWN;
    if (!cap)
        return;
    translate_cached(lang, w, n, upper, 0, res, sizeof res, &pos, mod, sizeof mod);
    snprintf(out, cap, "%s", res);
    if (pos_out)
        *pos_out = pos;
}

void ls_translate_noun(lslex_lang_id lang, const char *w, size_t n, int upper, char *out, size_t cap, int *pos_out)
{
    char res[32], mod[32];
    int pos;
    if (pos_out)
        *pos_out = LS_POS_UNKNOWN;
    if (!cap)
        return;
    out[0] = '\0';
    /* one letter is no noun: a clipped article ("'n schönen Prinz" is
     * "einen"), an initial, a list mark; the dictionary's "N" is nitrogen */
    if (n == 1)
        return;
    translate_cached(lang, w, n, upper, 1, res, sizeof res, &pos, mod, sizeof mod);
    if (mod[0] && res[0] && strlen(mod) + 1 + strlen(res) < cap)
        snprintf(out, cap, "%s %s", mod, res);
    else
        snprintf(out, cap, "%s", res);
    if (pos_out)
        *pos_out = pos;
}

const char *ls_en_head(const char *en)
{
    const char *sp = strrchr(en, ' ');
    return sp ? sp + 1 : en;
}

static int cap_first(const char *w, size_t n)
{
    unsigned char c = (unsigned char)w[0];
    return (c >= 'A' && c <= 'Z') || (n > 1 && c == 0xC3 && (unsigned char)w[1] >= 0x80 &&
                                      (unsigned char)w[1] <= 0x9E);
}

/* Does English noun w name a material, food or plant (a wood) in one of
 * its commonest senses: what a French "de" without article makes of a
 * thing ("lit d'acajou", "bonnet de laine")? */
static int material_noun(const char *w)
{
    lswn_info wi;
    if (!lswn_lookup(w, &wi) || !wi.noun)
        return 0;
    return lswn_noun_is(&wi, LSWN_N_SUBSTANCE) || lswn_noun_is(&wi, LSWN_N_FOOD) ||
           lswn_noun_is(&wi, LSWN_N_PLANT);
}

/* Does English noun w name, in its commonest sense, a made thing or a
 * place ("kitchen", "garden", "church"): what a French "N de N" without
 * article makes a noun adjunct of ("table de cuisine": kitchen table)?
 * An act, a quality or a person is no adjunct ("landau de louage" is no
 * "hire landau", "fils de roi" no "king son"). */
static int place_or_thing_noun(const char *w)
{
    lswn_info wi;
    if (!lswn_lookup(w, &wi) || !wi.noun || wi.plural)
        return 0;
    return wi.noun_lex[0] == LSWN_N_ARTIFACT || wi.noun_lex[0] == LSWN_N_LOCATION;
}

/* hunspell's stem is the singular: a plural after "de" counts things
 * ("tas de pierres": a heap of stones), never a noun adjunct */
int ls_translate_fr_plural(const char *w, size_t n)
{
    char low[64];
    size_t ll = lslex_lower(w, n, low, sizeof low, 1);
    int plural = 0;
    if (ll < 3 || (low[ll - 1] != 's' && low[ll - 1] != 'x'))
        return 0;
    pthread_mutex_lock(&tr_mu);
    dict *d = get_dict(LSLEX_FR);
    if (d && d->hun) {
        char **list = NULL;
        int ns = Hunspell_stem(d->hun, &list, low);
        for (int i = 0; i < ns && !plural; i++)
            plural = strlen(list[i]) + 1 == ll && memcmp(list[i], low, ll - 1) == 0;
        if (ns > 0)
            Hunspell_free_list(d->hun, &list, ns);
    }
    pthread_mutex_unlock(&tr_mu);
    return plural;
}

int ls_translate_fr_tagged(const char *w, size_t n, const char *tag)
{
    char low[64];
    size_t ll = lslex_lower(w, n, low, sizeof low, 1);
    int adj = 0;
    if (ll == 0)
        return 0;
    pthread_mutex_lock(&tr_mu);
    dict *d = get_dict(LSLEX_FR);
    if (d && d->hun) {
        char **list = NULL;
        int na = Hunspell_analyze(d->hun, &list, low);
        for (int i = 0; i < na && !adj; i++)
            adj = strstr(list[i], tag) != NULL;
        if (na > 0)
            Hunspell_free_list(d->hun, &list, na);
    }
    pthread_mutex_unlock(&tr_mu);
    return adj;
}

/* Lower-case UTF-8 w[0..n) appended to key at *k, apostrophes dropped as
 * FreeDict's index drops them ("d'acajou" -> "dacajou"). 0 if it does
 * not fit. */
static int key_add(char *key, size_t cap, size_t *k, const char *w, size_t n)
{
    char low[64];
    size_t ll = lslex_lower(w, n, low, sizeof low, 0);
    if (n && !ll)
        return 0;
    for (size_t i = 0; i < ll; i++) {
        if (low[i] == '\'')
            continue;
        if ((unsigned char)low[i] == 0xE2 && i + 2 < ll && (unsigned char)low[i + 1] == 0x80 &&
            (unsigned char)low[i + 2] == 0x99) {
            i += 2; /* a typographic apostrophe */
            continue;
        }
        if (*k + 1 >= cap)
            return 0;
        key[(*k)++] = low[i];
    }
    key[*k] = '\0';
    return 1;
}

/* The noun senses of the French word w[0..n) as written, else of its
 * hunspell stems, into out (at most max). Call with tr_mu held. */
static size_t noun_senses(dict *d, const char *w, size_t n, char (*out)[32], size_t max)
{
    char low[64];
    size_t ll = lslex_lower(w, n, low, sizeof low, 1);
    const hslot *hs = ll ? find_head(d, low, ll) : NULL;
    if (!hs && ll && d->hun) {
        char **list = NULL;
        int ns = Hunspell_stem(d->hun, &list, low);
        for (int i = 0; i < ns && !hs; i++) {
            ll = lslex_lower(list[i], strlen(list[i]), low, sizeof low, 0);
            hs = ll ? find_head(d, low, ll) : NULL;
        }
        if (ns > 0)
            Hunspell_free_list(d->hun, &list, ns);
    }
    if (!hs)
        return 0;
    char *entry = longsd__malloc(MAX_ENTRY);
    cands *cs = longsd__malloc(sizeof *cs);
    size_t k = 0;
    if (!entry || !cs)
        goto out;
    memset(cs, 0, sizeof *cs);
    const char *line = d->idx + hs->line, *end = d->idx + d->idx_len;
    for (uint32_t e = 0; e < hs->n && e < MAX_SENSES && line < end; e++) {
        const char *tab = memchr(line, '\t', (size_t)(end - line));
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        if (!tab || !nl)
            break;
        size_t off, len;
        const char *q;
        if (b64_num(tab + 1, nl, &off, &q) && q < nl && *q == '\t' && b64_num(q + 1, nl, &len, &q)) {
            read_entry(d, off, len, entry, MAX_ENTRY);
            entry_cands(entry, 1, cs);
        }
        line = nl + 1;
    }
    for (int i = 0; i < cs->n && k < max; i++)
        if (cs->c[i].pos == LS_POS_NOUN)
            snprintf(out[k++], 32, "%s", cs->c[i].key);
out:
    longsd__free(entry);
    longsd__free(cs);
    return k;
}

/* The sense of French noun head[0..hn) that WordNet files among
 * quantities ("poignée": handle, handful -> "handful"; "morceau": bit)
 * into out, 0 if none: a measure of what follows its "de". */
static int measure_sense(lslex_lang_id lang, const char *head, size_t hn, char *out, size_t cap)
{
    char (*hs)[32] = longsd__malloc(sizeof(char[32]) * 16);
    int found = 0;
    if (!hs)
        return 0;
    pthread_mutex_lock(&tr_mu);
    dict *d = get_dict(lang);
    size_t nh = d ? noun_senses(d, head, hn, hs, 16) : 0;
    pthread_mutex_unlock(&tr_mu);
    for (size_t h = 0; h < nh && !found; h++) {
        lswn_info wi;
        if (!strchr(hs[h], ' ') && strlen(hs[h]) < cap && lswn_lookup(hs[h], &wi) && wi.noun &&
            !wi.plural && wi.noun_lex[0] == LSWN_N_QUANTITY) {
            snprintf(out, cap, "%s", hs[h]);
            found = 1;
        }
    }
    longsd__free(hs);
    return found;
}

/* A French "N de N" that English writes as one word WordNet knows: any
 * noun sense of the modifier before any of the head ("sucre" + "pain":
 * sugar + loaf, "sugarloaf"). 1 with it in out. */
static int closed_compound(lslex_lang_id lang, const char *head, size_t hn, const char *mod, size_t mn, char *out,
                           size_t cap)
{
    char (*hs)[32] = longsd__malloc(sizeof(char[32]) * 32);
    int found = 0;
    if (!hs)
        return 0;
    char (*ms)[32] = hs + 16;
    pthread_mutex_lock(&tr_mu);
    dict *d = get_dict(lang);
    size_t nh = d ? noun_senses(d, head, hn, hs, 16) : 0;
    size_t nm = d && nh ? noun_senses(d, mod, mn, ms, 16) : 0;
    pthread_mutex_unlock(&tr_mu);
    for (size_t m = 0; m < nm && !found; m++)
        for (size_t h = 0; h < nh && !found; h++) {
            char c[64];
            lswn_info wi;
            if (strchr(ms[m], ' ') || strchr(hs[h], ' '))
                continue;
            snprintf(c, sizeof c, "%s%s", ms[m], hs[h]);
            size_t cl = strlen(c);
            if (cl < cap && cl < 32 && lswn_lookup(c, &wi) && wi.noun && lswn_noun_concrete(&wi)) {
                memcpy(out, c, cl + 1); /* fits: checked above */
                found = 1;
            }
        }
    longsd__free(hs);
    return found;
}

size_t ls_translate_pair(lslex_lang_id lang, const char *head, size_t hn, const char *link, size_t ln,
                         const char *mod, size_t mn, char *out, size_t cap)
{
    size_t r = 0;
    if (!cap)
        return 0;
    out[0] = '\0';
    if (lang != LSLEX_FR || !head || !mod || hn == 0 || mn == 0 || (ln && !link))
        return 0;
    /* the phrase as a headword: "pain de sucre", "lit d'acajou" */
    char key[128];
    size_t k = 0;
    int elided = ln && (link[ln - 1] == '\'' || (ln >= 3 && (unsigned char)link[ln - 1] == 0x99));
    if (!key_add(key, sizeof key, &k, head, hn) || k + 1 >= sizeof key)
        return 0;
    key[k++] = ' ';
    if (ln) {
        if (!key_add(key, sizeof key, &k, link, ln) || k + 1 >= sizeof key)
            return 0;
        if (!elided)
            key[k++] = ' ';
    }
    if (!key_add(key, sizeof key, &k, mod, mn))
        return 0;
    char en[64] = "", he[32], me[32];
    int pos = LS_POS_UNKNOWN, hpos = LS_POS_UNKNOWN, mpos = LS_POS_UNKNOWN;
    pthread_mutex_lock(&tr_mu);
    dict *d = get_dict(lang);
    int found = d && lookup_head_ex(d, key, k, -1, 1, en, sizeof en, &pos) && en[0];
    pthread_mutex_unlock(&tr_mu);
    if (found) {
        r = (size_t)snprintf(out, cap, "%s", en);
        goto out;
    }
    /* a capitalised word keeps its capital: a name stays one ("maison de Pierre") */
    ls_translate_word(lang, head, hn, cap_first(head, hn), he, sizeof he, &hpos);
    ls_translate_word(lang, mod, mn, cap_first(mod, mn), me, sizeof me, &mpos);
    if (!he[0] || !me[0] || hpos != LS_POS_NOUN)
        goto out;
    char lk[8] = "";
    size_t lkn = lslex_lower(link ? link : "", ln, lk, sizeof lk, 0);
    int de = (lkn == 2 && memcmp(lk, "de", 2) == 0) || (lkn == 2 && memcmp(lk, "d'", 2) == 0) ||
             (lkn == 4 && memcmp(lk, "d\xE2\x80\x99", 4) == 0);
    char closed[32];
    /* a plural after a separate "de" is left to the caller, who writes
     * "of" ("tas de pierres"); "d'atomes" is one token, no "of" to write:
     * the noun adjunct still reads better than "groups atom" */
    int mod_plural = !elided && ls_translate_fr_plural(mod, mn);
    lswn_info mi;
    if (de && !mod_plural && lswn_lookup(me, &mi) && mi.plural && mi.noun_lemma[0] &&
        strlen(mi.noun_lemma) < sizeof me && material_noun(mi.noun_lemma))
        snprintf(me, sizeof me, "%s", mi.noun_lemma); /* "feu de bois": wood, the material, not "woods" */
    lswn_info hi;
    int head_thing = lswn_lookup(he, &hi) && hi.noun && lswn_noun_concrete(&hi) &&
                     hi.noun_lex[0] != LSWN_N_PERSON;
    char measure[32], mpl[40];
    int head_gathers = 0; /* "tas": mass, a measure or a heap already (the scene joins its "of") */
    for (int q = 0; q < 2 && hi.noun; q++)
        head_gathers |= hi.noun_lex[q] == LSWN_N_GROUP || hi.noun_lex[q] == LSWN_N_QUANTITY;
    if (de && mpos == LS_POS_NOUN && !head_gathers && (mod_plural || material_noun(me)) &&
        measure_sense(lang, head, hn, measure, sizeof measure)) {
        /* a measure of a mass or of many ("une poignée de sable", "une
         * poignée de pièces"): "a handful of sand", never "sand handle",
         * the thing the dictionary names first; a thing after it keeps
         * that sense ("poignée de porte") */
        r = (size_t)snprintf(out, cap, "%s of %s", measure,
                             mod_plural && ls_en_plural(me, mpl, sizeof mpl) ? mpl : me);
    } else if (de && mpos == LS_POS_NOUN && closed_compound(lang, head, hn, mod, mn, closed, sizeof closed)) {
        /* English writes it as one word: "pain de sucre" -> "sugarloaf",
         * "chemise de nuit" -> "nightshirt" */
        r = (size_t)snprintf(out, cap, "%s", closed);
    } else if (de && mpos == LS_POS_NOUN && !mod_plural && material_noun(me)) {
        /* N de N of a material: the English noun adjunct ("mahogany bed") */
        r = (size_t)snprintf(out, cap, "%s %s", me, he);
    } else if (de && mpos == LS_POS_NOUN && !mod_plural && head_thing && place_or_thing_noun(me)) {
        /* a thing "de" a place or another thing, without article, is a
         * kind of it: English puts the modifier first ("table de
         * cuisine": kitchen table, never "table of kitchen") */
        r = (size_t)snprintf(out, cap, "%s %s", me, he);
    } else if (ln == 0 && mpos == LS_POS_ADJ && strncmp(he, me, strlen(me)) == 0) {
        /* the English noun already says it ("culotte courte": shorts,
         * never "short shorts") */
        r = (size_t)snprintf(out, cap, "%s", he);
    } else if (ln == 0 && mpos == LS_POS_ADJ) {
        /* an adjective after its noun goes before it in English */
        r = (size_t)snprintf(out, cap, "%s %s", me, he);
    }
out:
    if (r >= cap) {
        out[0] = '\0';
        r = 0;
    }
    return r;
}

/* ------------------------------------------------------------------------
 * English number: what the translated word needs to be written right. */

int ls_en_plural_only(const char *en)
{
    size_t n = strlen(en);
    if (n < 4 || en[n - 1] != 's' || en[n - 2] == 's' || en[n - 2] == 'u' || en[n - 2] == 'i')
        return 0; /* "glass", "bus", "axis": singular nouns ending in s */
    lswn_info wi, si;
    if (!lswn_lookup(en, &wi) || !wi.noun || wi.plural)
        return 0; /* a plural WordNet reads back to a singular: "boys" */
    char sg[32];
    snprintf(sg, sizeof sg, "%.*s", (int)(n - 1), en);
    /* "scissors": "scissor" is a verb only; "clothes": "clothe" likewise */
    return !(lswn_lookup(sg, &si) && si.noun);
}

int ls_en_plural(const char *en, char *out, size_t cap)
{
    size_t n = strlen(en);
    if (cap)
        out[0] = '\0';
    lswn_info wi;
    if (n < 2 || n + 4 > cap || !lswn_lookup(en, &wi) || !wi.noun || wi.plural || ls_en_plural_only(en))
        return 0;
    /* a substance or food first is a mass noun: "water", "bread", "glass" */
    if (wi.noun_lex[0] == LSWN_N_SUBSTANCE || wi.noun_lex[0] == LSWN_N_FOOD)
        return 0;
    char c[8][40];
    int k = 0;
    char last = en[n - 1], prev = en[n - 2];
    int vowel = prev == 'a' || prev == 'e' || prev == 'i' || prev == 'o' || prev == 'u';
    /* the old irregular patterns first, since WordNet's morphology also
     * reads "tooths" back as tooth: a candidate counts only where its
     * exception list (noun.exc: "teeth tooth") says so, so "beet" is
     * never the plural of "boot" */
    const char *oo = n >= 4 ? strstr(en + n - 4, "oo") : NULL;
    if (oo)
        snprintf(c[k++], sizeof c[0], "%.*see%s", (int)(oo - en), en, oo + 2); /* tooth, foot, goose */
    if (n >= 4 && strcmp(en + n - 4, "ouse") == 0)
        snprintf(c[k++], sizeof c[0], "%.*sice", (int)(n - 4), en); /* mouse, louse */
    if (last == 'd' || last == 'x')
        snprintf(c[k++], sizeof c[0], "%s%sen", en, last == 'd' ? "r" : ""); /* child, ox */
    if (n >= 3 && strcmp(en + n - 2, "us") == 0)
        snprintf(c[k++], sizeof c[0], "%.*si", (int)(n - 2), en); /* cactus */
    if (n >= 3 && strcmp(en + n - 3, "man") == 0)
        snprintf(c[k++], sizeof c[0], "%.*smen", (int)(n - 3), en);
    if (last == 'y' && !vowel)
        snprintf(c[k++], sizeof c[0], "%.*sies", (int)(n - 1), en);
    if (last == 'f')
        snprintf(c[k++], sizeof c[0], "%.*sves", (int)(n - 1), en);
    if (last == 'e' && prev == 'f')
        snprintf(c[k++], sizeof c[0], "%.*sves", (int)(n - 2), en);
    if (last == 's' || last == 'x' || last == 'z' || last == 'o' || (last == 'h' && (prev == 'c' || prev == 's')))
        snprintf(c[k++], sizeof c[0], "%ses", en);
    if (k < 8)
        snprintf(c[k++], sizeof c[0], "%ss", en);
    for (int i = 0; i < k; i++) {
        lswn_info pi;
        /* WordNet's morphology must read it back as this noun */
        if (lswn_lookup(c[i], &pi) && pi.noun && pi.plural && strcmp(pi.noun_lemma, en) == 0) {
            snprintf(out, cap, "%s", c[i]);
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Idioms of a preposition and a noun: closed-class phrases, as the
 * preposition table above, since FreeDict lists few of them ("au fond"
 * is "at the bottom", never "at ground"). Keys are lower case as
 * written; "" English means nothing to draw ("au dedans": inside). */

static const struct {
    lslex_lang_id lang;
    const char *prep, *noun, *prep_en, *noun_en;
    int the;
} idioms[] = {
    {LSLEX_FR, "à", "table", "at", "table", 1},  {LSLEX_FR, "à", "terre", "on", "ground", 1},
    {LSLEX_FR, "par", "terre", "on", "ground", 1}, {LSLEX_FR, "au", "fond", "at", "bottom", 1},
    {LSLEX_FR, "au", "dedans", "", "", 0},        {LSLEX_FR, "en", "dedans", "", "", 0},
    {LSLEX_FR, "au", "dehors", "", "", 0},        {LSLEX_FR, "en", "dehors", "", "", 0},
    {LSLEX_FR, "en", "train", "", "", 0},         {LSLEX_FR, "en", "effet", "", "", 0},
    {LSLEX_FR, "en", "face", "", "", 0},          {LSLEX_FR, "à", "côté", "", "", 0},
    {LSLEX_FR, "au", "milieu", "", "", 0},        {LSLEX_FR, "au", "loin", "", "", 0},
    {LSLEX_FR, "à", "peine", "", "", 0},          {LSLEX_FR, "à", "coup", "", "", 0},
    {LSLEX_FR, "en", "haut", "", "", 0},          {LSLEX_FR, "en", "bas", "", "", 0},
    {LSLEX_FR, "au", "bord", "", "", 0},          {LSLEX_FR, "au", "bout", "", "", 0},
    {LSLEX_FR, "à", "travers", "", "", 0},        {LSLEX_FR, "au", "travers", "", "", 0},
    {LSLEX_FR, "à", "genoux", "", "", 0},         {LSLEX_FR, "à", "pied", "", "", 0},
    {LSLEX_FR, "à", "cheval", "on", "horseback", 0}, {LSLEX_FR, "à", "bord", "", "", 0},
    {LSLEX_FR, "au", "lieu", "", "", 0},          {LSLEX_FR, "en", "vain", "", "", 0},
    {LSLEX_FR, "à", "propos", "", "", 0},         {LSLEX_FR, "en", "route", "", "", 0},
    {LSLEX_FR, "en", "outre", "", "", 0},         {LSLEX_FR, "à", "droite", "", "", 0},
    {LSLEX_FR, "à", "gauche", "", "", 0},         {LSLEX_FR, "au", "contraire", "", "", 0},
    {LSLEX_FR, "en", "somme", "", "", 0},         {LSLEX_FR, "en", "arrière", "", "", 0},
    {LSLEX_FR, "en", "avant", "", "", 0},         {LSLEX_FR, "au", "dessus", "", "", 0},
    {LSLEX_FR, "au", "dessous", "", "", 0},       {LSLEX_FR, "en", "dessous", "", "", 0},
    {LSLEX_DE, "zu", "hause", "", "", 0},         {LSLEX_DE, "zu", "tisch", "at", "table", 1},
    {LSLEX_DE, "zu", "fuß", "", "", 0},           {LSLEX_DE, "zu", "bett", "", "", 0},
    {LSLEX_DE, "im", "grunde", "", "", 0},        {LSLEX_DE, "in", "ordnung", "", "", 0},
    {LSLEX_DE, "im", "augenblick", "", "", 0},    {LSLEX_DE, "zum", "beispiel", "", "", 0},
    {LSLEX_DE, "im", "stande", "", "", 0},        {LSLEX_DE, "in", "ruhe", "", "", 0},
    {LSLEX_DE, "zu", "ende", "", "", 0},          {LSLEX_DE, "am", "ende", "", "", 0},
    {LSLEX_DE, "zum", "schluss", "", "", 0},      {LSLEX_DE, "zum", "schluß", "", "", 0},
};

int ls_translate_idiom(lslex_lang_id lang, const char *prep, size_t pn, const char *noun, size_t nn, char *prep_en,
                       size_t pcap, char *noun_en, size_t ncap, int *the)
{
    char p[32], nw[32];
    if (!pcap || !ncap)
        return 0;
    prep_en[0] = noun_en[0] = '\0';
    *the = 0;
    size_t pl = lslex_lower(prep, pn, p, sizeof p, 0), nl = lslex_lower(noun, nn, nw, sizeof nw, 0);
    if (!pl || !nl)
        return 0;
    for (size_t i = 0; i < sizeof idioms / sizeof idioms[0]; i++) {
        if (idioms[i].lang != lang || strcmp(p, idioms[i].prep) != 0 || strcmp(nw, idioms[i].noun) != 0)
            continue;
        snprintf(prep_en, pcap, "%s", idioms[i].prep_en);
        snprintf(noun_en, ncap, "%s", idioms[i].noun_en);
        *the = idioms[i].the;
        return 1;
    }
    return 0;
}

/* A French present participle's verb ("courant" -> courir -> "run"): "en
 * courant" is the English -ing of the verb, never the participle's noun or
 * adjective ("courant": stream, current). hunspell's stems give the
 * infinitive where it knows the form; else the infinitives its ending
 * spells are tried ("-issant": finir, "-ant": -er, -ir, -re, -oir), and
 * the first the dictionary holds as a verb is the word. */
int ls_translate_fr_gerund(const char *w, size_t n, char *out, size_t cap)
{
    char low[40], inf[48];
    int pos = LS_POS_UNKNOWN, ok = 0;
    if (!cap)
        return 0;
    out[0] = '\0';
    size_t ll = lslex_lower(w, n, low, sizeof low, 1);
    if (ll < 5 || ll >= sizeof low - 1 || strcmp(low + ll - 3, "ant") != 0)
        return 0;
    pthread_mutex_lock(&tr_mu);
    dict *d = get_dict(LSLEX_FR);
    if (!d)
        goto out;
    if (d->hun) {
        char **list = NULL;
        int ns = Hunspell_stem(d->hun, &list, low);
        for (int i = 0; i < ns && !ok; i++) {
            size_t sn = lslex_lower(list[i], strlen(list[i]), inf, sizeof inf, 0);
            int verb = sn > 3 && (strcmp(inf + sn - 2, "er") == 0 || strcmp(inf + sn - 2, "ir") == 0 ||
                                  strcmp(inf + sn - 2, "re") == 0);
            ok = verb && lookup_head(d, inf, sn, 0, out, cap, &pos) && pos == LS_POS_VERB;
        }
        if (ns > 0)
            Hunspell_free_list(d->hun, &list, ns);
    }
    static const char *const ends[][2] = {{"issant", "ir"}, {"ant", "er"}, {"ant", "ir"}, {"ant", "re"},
                                          {"ant", "oir"}, {"yant", "ir"}};
    for (size_t e = 0; e < sizeof ends / sizeof ends[0] && !ok; e++) {
        size_t el = strlen(ends[e][0]);
        if (ll <= el + 1 || strcmp(low + ll - el, ends[e][0]) != 0)
            continue;
        snprintf(inf, sizeof inf, "%.*s%s", (int)(ll - el), low, ends[e][1]);
        ok = lookup_head(d, inf, strlen(inf), 0, out, cap, &pos) && pos == LS_POS_VERB;
    }
out:
    if (!ok)
        out[0] = '\0';
    pthread_mutex_unlock(&tr_mu);
    return ok;
}

/* The infinitives a German finite verb form may have, most likely first:
 * a strong past ("sah" -> sehen), a weak past ("kehrte" -> kehren,
 * "öffnete" -> öffnen), a present ("sieht" is hunspell's). */
static size_t de_infinitives(dict *d, const char *v, char (*out)[48], size_t max)
{
    size_t k = 0, vl = strlen(v);
    if (k < max && de_past_infinitive(v, out[k], sizeof out[k]))
        k++;
    static const char *const weak[] = {"eten", "etest", "ete", "test", "ten", "te", "et", "st", "t", "en", "e", NULL};
    for (size_t e = 0; weak[e] && k < max; e++) {
        size_t el = strlen(weak[e]);
        if (vl > el + 1 && strcmp(v + vl - el, weak[e]) == 0) {
            snprintf(out[k], sizeof out[k], "%.*sen", (int)(vl - el), v);
            k++;
        }
    }
    if (d->hun && k < max) {
        char **list = NULL;
        int ns = Hunspell_stem(d->hun, &list, v);
        for (int i = 0; i < ns && k < max; i++)
            if (lslex_lower(list[i], strlen(list[i]), out[k], sizeof out[k], 0) > 2)
                k++;
        if (ns > 0)
            Hunspell_free_list(d->hun, &list, ns);
    }
    return k;
}

/* Does an entry of headword w[0..n) hold the English word en, whole
 * ("throw" in "throw out")? */
static int entry_mentions(dict *d, const char *w, size_t n, const char *en)
{
    const hslot *hs = find_head(d, w, n);
    size_t el = strlen(en);
    int found = 0;
    if (!hs || !el)
        return 0;
    char *entry = longsd__malloc(MAX_ENTRY);
    if (!entry)
        return 0;
    const char *line = d->idx + hs->line, *end = d->idx + d->idx_len;
    for (uint32_t k = 0; k < hs->n && k < MAX_SENSES && line < end && !found; k++) {
        const char *tab = memchr(line, '\t', (size_t)(end - line)), *nl = memchr(line, '\n', (size_t)(end - line));
        size_t off, len;
        const char *q;
        if (!tab || !nl)
            break;
        if (b64_num(tab + 1, nl, &off, &q) && q < nl && *q == '\t' && b64_num(q + 1, nl, &len, &q)) {
            read_entry(d, off, len, entry, MAX_ENTRY);
            for (const char *p = entry; !found && (p = strstr(p, en)) != NULL; p++)
                found = (p == entry || !((p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z'))) &&
                        !((p[el] >= 'a' && p[el] <= 'z') || (p[el] >= 'A' && p[el] <= 'Z'));
        }
        line = nl + 1;
    }
    longsd__free(entry);
    return found;
}

/* A German verb with its separable prefix at the clause's end ("kehrte
 * ... zurück" is zurückkehren, to return; "sah ... an" ansehen, to look
 * at): the prefix written before each infinitive the verb may have, the
 * first compound the dictionary holds as a verb gives the English, unless
 * the compound is the simple verb with a direction. */
int ls_translate_de_separable(const char *verb, size_t vn, const char *prefix, size_t pn, char *out, size_t cap)
{
    char v[40], p[24], inf[8][48], comp[80];
    int pos = LS_POS_UNKNOWN, ok = 0;
    if (!cap)
        return 0;
    out[0] = '\0';
    size_t vl = lslex_lower(verb, vn, v, sizeof v, 1), pl = lslex_lower(prefix, pn, p, sizeof p, 1);
    if (vl < 2 || vl >= sizeof v - 1 || pl < 2 || pl >= sizeof p - 1)
        return 0;
    pthread_mutex_lock(&tr_mu);
    dict *d = get_dict(LSLEX_DE);
    if (!d)
        goto out;
    size_t k = de_infinitives(d, v, inf, sizeof inf / sizeof inf[0]);
    for (size_t i = 0; i < k && !ok; i++) {
        if (strncmp(inf[i], p, pl) == 0)
            continue; /* already prefixed: "aufstand" is no "auf ... auf" */
        int cn = snprintf(comp, sizeof comp, "%s%s", p, inf[i]);
        if (cn <= 0 || (size_t)cn >= sizeof comp || !find_head(d, comp, (size_t)cn))
            continue;
        ok = lookup_head(d, comp, (size_t)cn, 0, out, cap, &pos) && pos == LS_POS_VERB;
        /* the simple verb's English among the compound's senses ("werfen":
         * throw, "auswerfen": throw out, eject): the prefix only gives it
         * a direction, and the simple verb is the plainer word */
        char simple[32];
        int sp = LS_POS_UNKNOWN;
        if (ok && lookup_head(d, inf[i], strlen(inf[i]), 0, simple, sizeof simple, &sp) && sp == LS_POS_VERB &&
            strcmp(simple, out) != 0 &&
            (entry_mentions(d, comp, (size_t)cn, simple) || clip_commonness(out) < -60))
            ok = 0; /* nor when CLIP hardly knows the compound's word ("eject", "recede": split in pieces) */
    }
out:
    if (!ok)
        out[0] = '\0';
    pthread_mutex_unlock(&tr_mu);
    return ok;
}

/* Verbs of putting and turning whose reflexive is an English verb of its
 * own: the body takes the posture the simple verb gives a thing ("setzte
 * sich": sat, never "placing herself"; "se coucha": lay down, "se leva":
 * rose). English says this with an intransitive verb, not with the
 * transitive one and a -self ("recline" for lying down: WordNet's first
 * "lie" is where a thing is, no pose), so the pair is looked up, as core_verb
 * does for the plain senses FreeDict buries ("sich setzen" there is
 * "perch" first, "se lever" "wake up"). Infinitives only. */
static const char *reflexive_verb(lslex_lang_id lang, const char *inf)
{
    static const char *const de[][2] = {
        {"setzen", "sit"},     {"legen", "recline"},      {"stellen", "stand"},  {"lehnen", "lean"},
        {"beugen", "bend"},    {"bücken", "stoop"},   {"erheben", "rise"},   {"drehen", "turn"},
        {"wenden", "turn"},    {"niederlassen", "sit"}, {"hinsetzen", "sit"}, {"hinlegen", "recline"},
        {"aufrichten", "rise"}, {"strecken", "stretch"}, {"verstecken", "hide"}, {"nähern", "approach"}};
    static const char *const fr[][2] = {
        {"asseoir", "sit"},    {"coucher", "recline"},    {"lever", "rise"},     {"relever", "rise"},
        {"allonger", "recline"},   {"étendre", "recline"},    {"pencher", "lean"},   {"baisser", "stoop"},
        {"courber", "bend"},   {"tourner", "turn"},   {"retourner", "turn"}, {"cacher", "hide"},
        {"approcher", "approach"}, {"agenouiller", "kneel"}, {"promener", "walk"}, {"redresser", "rise"}};
    size_t m = lang == LSLEX_DE ? sizeof de / sizeof de[0] : sizeof fr / sizeof fr[0];
    for (size_t i = 0; i < m; i++) {
        const char *const *p = lang == LSLEX_DE ? de[i] : fr[i];
        if (strcmp(p[0], inf) == 0)
            return p[1];
    }
    return NULL;
}

int ls_translate_reflexive(lslex_lang_id lang, const char *w, size_t n, char *out, size_t cap)
{
    char low[40], inf[8][48];
    size_t k = 0;
    int ok = 0;
    if (!cap)
        return 0;
    out[0] = '\0';
    if (lang != LSLEX_DE && lang != LSLEX_FR)
        return 0;
    size_t ll = lslex_lower(w, n, low, sizeof low, 1);
    if (ll < 2 || ll >= sizeof low - 1)
        return 0;
    pthread_mutex_lock(&tr_mu);
    dict *d = get_dict(lang);
    if (!d)
        goto out;
    if (lang == LSLEX_DE) {
        k = de_infinitives(d, low, inf, sizeof inf / sizeof inf[0]);
    } else if (d->hun) {
        char **list = NULL;
        int ns = Hunspell_stem(d->hun, &list, low);
        for (int i = 0; i < ns && k < sizeof inf / sizeof inf[0]; i++)
            if (lslex_lower(list[i], strlen(list[i]), inf[k], sizeof inf[k], 0) > 2)
                k++;
        if (ns > 0)
            Hunspell_free_list(d->hun, &list, ns);
    }
    for (size_t i = 0; i < k && !ok; i++) {
        const char *en = reflexive_verb(lang, inf[i]);
        if (en && strlen(en) < cap) {
            memcpy(out, en, strlen(en) + 1);
            ok = 1;
        }
    }
out:
    pthread_mutex_unlock(&tr_mu);
    return ok;
}
