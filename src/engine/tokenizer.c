/* tokenizer.c - CLIP byte-level BPE (see tokenizer.h). Tokens are held as
 * ids throughout: a word starts as one id per byte (the last byte's token
 * carries "</w>") and merges rewrite adjacent id pairs, looked up in a hash
 * of (left id, right id) -> (rank, merged id). Known gap: NFC is applied
 * as singleton maps plus greedy pairwise composition, without canonical
 * reordering of several combining marks (rare in prompts). */
#include "tokenizer.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "unicode_tables.h"

#define MAX_TOKEN_BYTES 1024 /* longer vocabulary entries are a malformed file */
#define MAX_PROMPT (1u << 20)  /* bytes of prompt text */
#define MAX_WORD 4096          /* bytes of one pre-token given to BPE (quadratic) */
#define MAX_FILE (64u * 1024u * 1024u)

typedef struct {
    uint64_t key; /* left << 32 | right, + 1 so that 0 marks an empty slot */
    int32_t rank;
    int32_t merged;
} pair_slot;

struct sdtok {
    char **str;        /* id -> token string (UTF-8 of the byte-level chars) */
    int n;             /* vocabulary size */
    int32_t *vslot;    /* string hash: slot -> id, -1 empty */
    size_t vcap;       /* power of two */
    pair_slot *pairs;
    size_t pcap;
    int32_t byte_id[256], byte_id_eow[256];
    char byte_chr[256][3]; /* bytes_to_unicode, UTF-8 (1 or 2 bytes) + NUL */
    int32_t bos, eos;
    int32_t pad; /* padding after EOS: EOS (SD 1.x) or the config's pad_token ("!" in SD 2.x) */
};

/* ---- hashing */
static uint64_t hstr(const char *s, size_t n)
{
    return lsfnv1a64(s, n, LSFNV_SEED);
}

static int32_t vocab_lookup_n(const sdtok *t, const char *s, size_t n)
{
    if (!t->vcap)
        return -1;
    size_t m = t->vcap - 1, i = (size_t)hstr(s, n) & m;
    while (t->vslot[i] >= 0) {
        const char *c = t->str[t->vslot[i]];
        if (strncmp(c, s, n) == 0 && c[n] == '\0')
            return t->vslot[i];
        i = (i + 1) & m;
    }
    return -1;
}

static int32_t vocab_lookup(const sdtok *t, const char *s)
{
    return vocab_lookup_n(t, s, strlen(s));
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static const pair_slot *pair_lookup(const sdtok *t, int32_t a, int32_t b)
{
    uint64_t key = ((uint64_t)(uint32_t)a << 32 | (uint32_t)b) + 1;
    size_t m = t->pcap - 1, i = (size_t)mix64(key) & m;
    while (t->pairs[i].key) {
        if (t->pairs[i].key == key)
            return &t->pairs[i];
        i = (i + 1) & m;
    }
    return NULL;
}

void sdtok_free(sdtok *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->n; i++)
        longsd__free(t->str[i]);
    longsd__free(t->str);
    longsd__free(t->vslot);
    longsd__free(t->pairs);
    longsd__free(t);
}

int sdtok_vocab_size(const sdtok *t)
{
    return t->n;
}

int32_t sdtok_bos(const sdtok *t)
{
    return t->bos;
}

int32_t sdtok_eos(const sdtok *t)
{
    return t->eos;
}

int32_t sdtok_pad(const sdtok *t)
{
    return t->pad;
}

void sdtok_set_pad(sdtok *t, int32_t id)
{
    if (id >= 0 && id < t->n)
        t->pad = id;
}

/* GPT-2's bytes_to_unicode: printable Latin-1 bytes map to themselves, the
 * other 68 to U+0100.. in byte order. */
static void init_bytes(sdtok *t)
{
    int n = 0;
    for (int b = 0; b < 256; b++) {
        int printable = (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
        uint32_t cp = printable ? (uint32_t)b : (uint32_t)(256 + n++);
        char u[4];
        int len = lsutf8_encode(cp, u);
        memcpy(t->byte_chr[b], u, (size_t)len);
        t->byte_chr[b][len] = '\0';
    }
}

/* The printable-first order in which open_clip numbers the byte tokens. */
static void byte_order(int order[256])
{
    int k = 0;
    for (int b = 0; b < 256; b++)
        if ((b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff))
            order[k++] = b;
    for (int b = 0; b < 256; b++)
        if (!((b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff)))
            order[k++] = b;
}

static longsd_status build_vocab_hash(sdtok *t, const char *label, lserr *err)
{
    t->vcap = 16;
    while (t->vcap < 2 * (size_t)t->n)
        t->vcap *= 2;
    t->vslot = longsd__malloc(t->vcap * sizeof *t->vslot);
    if (!t->vslot)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory loading the tokenizer");
    for (size_t i = 0; i < t->vcap; i++)
        t->vslot[i] = -1;
    for (int id = 0; id < t->n; id++) {
        if (!t->str[id])
            return lserr_set(err, LONGSD_ERR_MODEL, "%s: no token has id %d (ids must be 0..%d)", label, id,
                             t->n - 1);
        size_t len = strlen(t->str[id]), m = t->vcap - 1, i = (size_t)hstr(t->str[id], len) & m;
        while (t->vslot[i] >= 0) {
            if (strcmp(t->str[t->vslot[i]], t->str[id]) == 0)
                return lserr_set(err, LONGSD_ERR_MODEL, "%s: token '%s' appears twice", label, t->str[id]);
            i = (i + 1) & m;
        }
        t->vslot[i] = id;
    }
    init_bytes(t);
    for (int b = 0; b < 256; b++) {
        char eow[16];
        snprintf(eow, sizeof eow, "%s</w>", t->byte_chr[b]);
        t->byte_id[b] = vocab_lookup(t, t->byte_chr[b]);
        t->byte_id_eow[b] = vocab_lookup(t, eow);
        if (t->byte_id[b] < 0 || t->byte_id_eow[b] < 0)
            return lserr_set(err, LONGSD_ERR_MODEL, "%s: byte token '%s' (byte 0x%02x) is missing", label,
                             t->byte_chr[b], b);
    }
    t->bos = vocab_lookup(t, "<|startoftext|>");
    t->eos = vocab_lookup(t, "<|endoftext|>");
    if (t->bos < 0 || t->eos < 0)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: <|startoftext|> or <|endoftext|> is missing", label);
    t->pad = t->eos;
    return LONGSD_OK;
}

/* Parse merge lines "left right" from text (after an optional "#version"
 * line); keep at most max (0 = all). Each merge whose parts or result are
 * not in the vocabulary is skipped, as they can never apply. */
static longsd_status load_merges(sdtok *t, const char *text, size_t len, int max, const char *label, lserr *err)
{
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    t->pcap = 16;
    while (t->pcap < 2 * (lines + 1))
        t->pcap *= 2;
    t->pairs = longsd__calloc(t->pcap, sizeof *t->pairs);
    if (!t->pairs)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory loading the merges");
    const char *p = text, *end = text + len;
    int rank = 0, lineno = 0;
    char buf[2 * MAX_TOKEN_BYTES + 2];
    while (p < end && (max <= 0 || rank < max)) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - p);
        lineno++;
        if (n && p[n - 1] == '\r')
            n--;
        if (n == 0 || (lineno == 1 && (memchr(p, '#', n) != NULL))) {
            p = le + 1;
            continue;
        }
        const char *sp = memchr(p, ' ', n);
        if (!sp || sp == p || sp == p + n - 1 || n >= sizeof buf || memchr(sp + 1, ' ', (size_t)(p + n - sp - 1)))
            return lserr_set(err, LONGSD_ERR_MODEL, "%s:%d: a merge line must be two tokens separated by one space",
                             label, lineno);
        int32_t a = vocab_lookup_n(t, p, (size_t)(sp - p)), b = vocab_lookup_n(t, sp + 1, (size_t)(p + n - sp - 1));
        memcpy(buf, p, (size_t)(sp - p));
        memcpy(buf + (sp - p), sp + 1, (size_t)(p + n - sp - 1));
        buf[n - 1] = '\0';
        int32_t m = vocab_lookup(t, buf);
        if (a >= 0 && b >= 0 && m >= 0) {
            uint64_t key = ((uint64_t)(uint32_t)a << 32 | (uint32_t)b) + 1;
            size_t mask = t->pcap - 1, i = (size_t)mix64(key) & mask;
            while (t->pairs[i].key && t->pairs[i].key != key)
                i = (i + 1) & mask;
            if (!t->pairs[i].key) { /* a repeated merge keeps its first (lowest) rank */
                t->pairs[i].key = key;
                t->pairs[i].rank = rank;
                t->pairs[i].merged = m;
            }
        }
        rank++;
        p = le + 1;
    }
    return LONGSD_OK;
}

longsd_status sdtok_load(const char *vocab_json, const char *merges_txt, sdtok **out, lserr *err)
{
    *out = NULL;
    longsd_status rc;
    char *text = NULL;
    size_t len = 0;
    json_t *root = NULL;
    sdtok *t = longsd__calloc(1, sizeof *t);
    if (!t)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory loading the tokenizer");
    if ((rc = lsfile_read(vocab_json, MAX_FILE, &text, &len, err)) != LONGSD_OK)
        goto out;
    json_error_t je;
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root || !json_is_object(root)) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: not a JSON object of token ids%s%s", vocab_json,
                       root ? "" : ": ", root ? "" : je.text);
        goto out;
    }
    size_t n = json_object_size(root);
    if (n < 514 || n > (1u << 24)) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: %zu tokens; a CLIP vocabulary has 514 to 2^24", vocab_json, n);
        goto out;
    }
    t->n = (int)n;
    t->str = longsd__calloc(n, sizeof *t->str);
    if (!t->str) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory loading the tokenizer");
        goto out;
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        json_int_t id = json_is_integer(v) ? json_integer_value(v) : -1;
        if (id < 0 || (size_t)id >= n || t->str[id] || strlen(key) > MAX_TOKEN_BYTES) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: token '%.64s' has a bad or repeated id", vocab_json, key);
            goto out;
        }
        if (!(t->str[id] = longsd__strdup(key))) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory loading the tokenizer");
            goto out;
        }
    }
    if ((rc = build_vocab_hash(t, vocab_json, err)) != LONGSD_OK)
        goto out;
    longsd__free(text);
    text = NULL;
    if ((rc = lsfile_read(merges_txt, MAX_FILE, &text, &len, err)) != LONGSD_OK)
        goto out;
    rc = load_merges(t, text, len, 0, merges_txt, err);
out:
    json_decref(root);
    longsd__free(text);
    if (rc == LONGSD_OK)
        *out = t;
    else
        sdtok_free(t);
    return rc;
}

longsd_status sdtok_pad_token_parse(const char *text, size_t len, const char *label, char *out, size_t cap,
                                    lserr *err)
{
    json_error_t je;
    json_t *o = json_loadb(text, len, 0, &je);
    longsd_status rc = LONGSD_OK;
    out[0] = '\0';
    json_t *p = json_object_get(o, "pad_token");
    /* a string, or an AddedToken object {"content": ...} */
    const char *tok = json_is_string(p) ? json_string_value(p) : json_string_value(json_object_get(p, "content"));
    if (!json_is_object(o))
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: not a JSON object%s%s", label, o ? "" : ": ", o ? "" : je.text);
    else if (p && !json_is_null(p) && !tok)
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: pad_token is neither a string nor {\"content\": ...}", label);
    else if (tok && (strlen(tok) >= cap || strlen(tok) > MAX_TOKEN_BYTES))
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: pad_token is over %d bytes", label, MAX_TOKEN_BYTES);
    else if (tok)
        snprintf(out, cap, "%s", tok);
    json_decref(o);
    return rc;
}

/* Read the padding token from the folder's config files, as transformers
 * does: tokenizer_config.json first, then special_tokens_map.json; neither
 * (or no pad_token) keeps EOS, CLIPTokenizer's default. */
static longsd_status load_pad(sdtok *t, const char *dir, lserr *err)
{
    static const char *const files[] = {"tokenizer_config.json", "special_tokens_map.json"};
    longsd_status rc = LONGSD_OK;
    char tok[MAX_TOKEN_BYTES + 1] = "";
    for (size_t i = 0; i < sizeof files / sizeof *files && rc == LONGSD_OK && !tok[0]; i++) {
        char *p = longsd__asprintf("%s/%s", dir, files[i]), *text = NULL;
        size_t n = 0;
        if (!p)
            return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        if (lsfile_exists(p) && (rc = lsfile_read(p, (size_t)1 << 20, &text, &n, err)) == LONGSD_OK &&
            (rc = sdtok_pad_token_parse(text, n, p, tok, sizeof tok, err)) == LONGSD_OK && tok[0] &&
            (t->pad = vocab_lookup(t, tok)) < 0)
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: pad_token '%s' is not in the vocabulary", p, tok);
        longsd__free(text);
        longsd__free(p);
    }
    return rc;
}

longsd_status sdtok_load_dir(const char *dir, sdtok **out, lserr *err)
{
    char *v = longsd__asprintf("%s/vocab.json", dir), *m = longsd__asprintf("%s/merges.txt", dir);
    longsd_status rc = v && m ? sdtok_load(v, m, out, err) : lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    longsd__free(v);
    longsd__free(m);
    if (rc == LONGSD_OK && (rc = load_pad(*out, dir, err)) != LONGSD_OK) {
        sdtok_free(*out);
        *out = NULL;
    }
    return rc;
}

/* Inflate a gzip stream into a new buffer (capped at MAX_FILE). */
static longsd_status gunzip_mem(const unsigned char *gz, size_t n, const char *label, char **out, size_t *out_len,
                                lserr *err)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    size_t cap = n * 2 + 4096, len = 0;
    char *buf = longsd__malloc(cap);
    longsd_status rc = LONGSD_OK;
    *out = NULL;
    if (!buf)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory loading the tokenizer");
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        longsd__free(buf);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory loading the tokenizer");
    }
    z.next_in = (unsigned char *)gz;
    z.avail_in = (uInt)n;
    for (;;) {
        if (len == cap) {
            if (cap >= MAX_FILE) {
                rc = lserr_set(err, LONGSD_ERR_TOO_BIG, "%s: inflates to more than %u bytes", label, MAX_FILE);
                break;
            }
            size_t ncap = cap * 2 > MAX_FILE ? MAX_FILE : cap * 2;
            char *nb = longsd__realloc(buf, ncap);
            if (!nb) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory loading the tokenizer");
                break;
            }
            buf = nb;
            cap = ncap;
        }
        z.next_out = (unsigned char *)buf + len;
        z.avail_out = (uInt)(cap - len);
        int zr = inflate(&z, Z_NO_FLUSH);
        len = cap - z.avail_out;
        if (zr == Z_STREAM_END)
            break;
        if (zr != Z_OK && !(zr == Z_BUF_ERROR && len == cap)) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: not a valid gzip stream (byte %lu); fetch the file again",
                           label, (unsigned long)z.total_in);
            break;
        }
    }
    inflateEnd(&z);
    if (rc) {
        longsd__free(buf);
        return rc;
    }
    *out = buf;
    *out_len = len;
    return LONGSD_OK;
}

static longsd_status load_bpe_text(const char *path, char *text, size_t len, int n_merges, sdtok **out, lserr *err);

longsd_status sdtok_load_bpe(const char *path, int n_merges, sdtok **out, lserr *err)
{
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    longsd_status rc = lsfile_read(path, MAX_FILE, &text, &len, err);
    if (rc != LONGSD_OK)
        return rc;
    if (len >= 2 && (unsigned char)text[0] == 0x1f && (unsigned char)text[1] == 0x8b) {
        char *plain = NULL;
        size_t plen = 0;
        rc = gunzip_mem((const unsigned char *)text, len, path, &plain, &plen, err);
        longsd__free(text);
        if (rc)
            return rc;
        text = plain;
        len = plen;
    }
    return load_bpe_text(path, text, len, n_merges, out, err);
}

longsd_status sdtok_load_bpe_gz(const void *gz, size_t n, const char *label, sdtok **out, lserr *err)
{
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    longsd_status rc = gunzip_mem(gz, n, label, &text, &len, err);
    if (rc)
        return rc;
    return load_bpe_text(label, text, len, 0, out, err);
}

/* Takes text (frees it). */
static longsd_status load_bpe_text(const char *path, char *text, size_t len, int n_merges, sdtok **out, lserr *err)
{
    longsd_status rc = LONGSD_OK;
    sdtok *t = longsd__calloc(1, sizeof *t);
    if (!t) {
        longsd__free(text);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory loading the tokenizer");
    }
    if (n_merges <= 0)
        n_merges = 49152 - 256 - 2;
    /* Pass 1: the merge strings become tokens 512.. in order. */
    t->str = longsd__calloc((size_t)n_merges + 514, sizeof *t->str);
    if (!t->str) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory loading the tokenizer");
        goto out;
    }
    init_bytes(t);
    int order[256];
    byte_order(order);
    for (int i = 0; i < 256 && rc == LONGSD_OK; i++) {
        t->str[i] = longsd__strdup(t->byte_chr[order[i]]);
        t->str[256 + i] = longsd__asprintf("%s</w>", t->byte_chr[order[i]]);
        if (!t->str[i] || !t->str[256 + i])
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory loading the tokenizer");
    }
    t->n = 512;
    const char *p = text, *end = text + len;
    int lineno = 0;
    while (rc == LONGSD_OK && p < end && t->n < 512 + n_merges) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        size_t n = (size_t)(le - p);
        if (lineno++ > 0 && n > 0) {
            const char *sp = memchr(p, ' ', n);
            if (!sp || n > MAX_TOKEN_BYTES) {
                rc = lserr_set(err, LONGSD_ERR_MODEL, "%s:%d: a merge line must be two tokens separated by a space",
                               path, lineno);
                break;
            }
            char *s = longsd__malloc(n);
            if (!s) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory loading the tokenizer");
                break;
            }
            memcpy(s, p, (size_t)(sp - p));
            memcpy(s + (sp - p), sp + 1, n - (size_t)(sp - p) - 1);
            s[n - 1] = '\0';
            t->str[t->n++] = s;
        }
        p = le + 1;
    }
    if (rc != LONGSD_OK)
        goto out;
    if (t->n < 512 + n_merges) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: %d merges, expected %d", path, t->n - 512, n_merges);
        goto out;
    }
    if (!(t->str[t->n++] = longsd__strdup("<|startoftext|>")) || !(t->str[t->n++] = longsd__strdup("<|endoftext|>"))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory loading the tokenizer");
        goto out;
    }
    if ((rc = build_vocab_hash(t, path, err)) != LONGSD_OK)
        goto out;
    rc = load_merges(t, text, len, n_merges, path, err);
out:
    longsd__free(text);
    if (rc == LONGSD_OK)
        *out = t;
    else
        sdtok_free(t);
    return rc;
}

/* The vocabulary built into the binary (clip_vocab.c): no runtime path to
 * find, so the installed binary, the build tree and the tests all count
 * with the same tokenizer. Loaded on first use (about 40 ms), kept for the
 * life of the process; a failed load (out of memory) is retried next time. */
extern const unsigned char longsd__clip_vocab_gz[];
extern const unsigned char longsd__clip_vocab_gz_end[];

static pthread_mutex_t builtin_mu = PTHREAD_MUTEX_INITIALIZER;
static sdtok *builtin_tok;

const sdtok *sdtok_builtin(lserr *err)
{
    pthread_mutex_lock(&builtin_mu);
    if (!builtin_tok) {
        sdtok *t = NULL;
        if (sdtok_load_bpe_gz(longsd__clip_vocab_gz, (size_t)(longsd__clip_vocab_gz_end - longsd__clip_vocab_gz),
                              "built-in bpe_simple_vocab_16e6.txt.gz", &t, err) == LONGSD_OK)
            builtin_tok = t;
    }
    sdtok *r = builtin_tok;
    pthread_mutex_unlock(&builtin_mu);
    return r;
}

/* ---- text normalisation: code points in, code points out */
static int in_ranges(const uint32_t (*r)[2], size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid][0])
            hi = mid;
        else if (cp > r[mid][1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

static uint32_t map_lookup(const uint32_t (*r)[2], size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cp < r[mid][0])
            hi = mid;
        else if (cp > r[mid][0])
            lo = mid + 1;
        else
            return r[mid][1];
    }
    return cp;
}

static uint32_t compose(uint32_t a, uint32_t b)
{
    size_t lo = 0, hi = sduni_nfc_pair_n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const uint32_t *e = sduni_nfc_pair[mid];
        if (a < e[0] || (a == e[0] && b < e[1]))
            hi = mid;
        else if (a > e[0] || b > e[1])
            lo = mid + 1;
        else
            return e[2];
    }
    return 0;
}

static int is_space(uint32_t c)
{
    return (c >= 9 && c <= 13) || c == ' ' || c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
           c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

static int is_letter(uint32_t c)
{
    if (c < 128)
        return (c | 32) >= 'a' && (c | 32) <= 'z';
    return in_ranges(sduni_letter, sduni_letter_n, c);
}

static int is_number(uint32_t c)
{
    if (c < 128)
        return c >= '0' && c <= '9';
    return in_ranges(sduni_number, sduni_number_n, c);
}

/* NFC (approximate, see the file comment), whitespace runs to one space,
 * lower-case. cp has room for n + 1 code points (U+0130 expands to two). */
static size_t normalize(uint32_t *cp, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = map_lookup(sduni_nfc_single, sduni_nfc_single_n, cp[i]);
        uint32_t m = o ? compose(cp[o - 1], c) : 0;
        if (m)
            cp[o - 1] = m;
        else
            cp[o++] = c;
    }
    n = o;
    o = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_space(cp[i])) {
            if (o == 0 || cp[o - 1] != ' ') /* every ' ' written so far ends a run */
                cp[o++] = ' ';
            continue;
        }
        cp[o++] = cp[i];
    }
    /* Lower-case last; U+0130 (I with dot above) becomes "i" + U+0307, the
     * only one-to-many mapping, done from the back to grow in place. */
    size_t extra = 0;
    for (size_t i = 0; i < o; i++)
        extra += cp[i] == 0x130;
    size_t j = o + extra;
    for (size_t i = o; i-- > 0;) {
        if (cp[i] == 0x130) {
            cp[--j] = 0x307;
            cp[--j] = 'i';
        } else {
            cp[--j] = cp[i] < 128 ? (cp[i] >= 'A' && cp[i] <= 'Z' ? cp[i] + 32 : cp[i])
                                  : map_lookup(sduni_lower, sduni_lower_n, cp[i]);
        }
    }
    return o + extra;
}

/* The CLIP regex, alternatives in order, at position i of cp[0..n): returns
 * the match length, 0 at a space (which the pre-tokeniser drops). */
static size_t match_at(const uint32_t *cp, size_t n, size_t i)
{
    static const char *const special[2] = {"<|startoftext|>", "<|endoftext|>"};
    for (int s = 0; s < 2; s++) {
        size_t k = 0, L = strlen(special[s]);
        while (k < L && i + k < n && cp[i + k] == (uint32_t)(unsigned char)special[s][k])
            k++;
        if (k == L)
            return L;
    }
    if (cp[i] == '\'' && i + 1 < n) {
        static const char *const con[7] = {"s", "t", "re", "ve", "m", "ll", "d"};
        for (int s = 0; s < 7; s++) {
            size_t k = 0, L = strlen(con[s]);
            while (k < L && i + 1 + k < n && (cp[i + 1 + k] | 32) == (uint32_t)con[s][k])
                k++;
            if (k == L)
                return L + 1;
        }
    }
    size_t j = i;
    if (is_letter(cp[i])) {
        while (j < n && is_letter(cp[j]))
            j++;
        return j - i;
    }
    if (is_number(cp[i]))
        return 1;
    while (j < n && !is_space(cp[j]) && !is_letter(cp[j]) && !is_number(cp[j]))
        j++;
    return j - i;
}

/* BPE one pre-token (its UTF-8 bytes) and append its ids to out; stops at
 * cap. Quadratic in the word length, which is fine for prompt words. */
static int bpe_word(const sdtok *t, const unsigned char *b, size_t n, int32_t *sym, int32_t *out, int k, int cap)
{
    for (size_t i = 0; i < n; i++)
        sym[i] = i + 1 == n ? t->byte_id_eow[b[i]] : t->byte_id[b[i]];
    size_t m = n;
    for (;;) {
        int32_t best = INT32_MAX;
        size_t at = 0;
        for (size_t i = 0; i + 1 < m; i++) {
            const pair_slot *p = pair_lookup(t, sym[i], sym[i + 1]);
            if (p && p->rank < best) {
                best = p->rank;
                at = i;
            }
        }
        if (best == INT32_MAX)
            break;
        /* Merge every occurrence of this pair, left to right. */
        int32_t a = sym[at], bb = sym[at + 1], merged = pair_lookup(t, a, bb)->merged;
        size_t o = 0;
        for (size_t i = 0; i < m;) {
            if (i + 1 < m && sym[i] == a && sym[i + 1] == bb) {
                sym[o++] = merged;
                i += 2;
            } else {
                sym[o++] = sym[i++];
            }
        }
        m = o;
    }
    for (size_t i = 0; i < m && k < cap; i++)
        out[k++] = sym[i];
    return k;
}

/* The tokens of text into ids[k..cap), after the k already there; returns
 * the new count. The caller checked length and UTF-8. */
static longsd_status encode_into(const sdtok *t, const char *text, size_t len, int32_t *ids, int k, int cap,
                                 int *k_out, lserr *err)
{
    uint32_t *cp = longsd__malloc((2 * len + 2) * sizeof *cp);
    /* Lower-casing can lengthen a character's UTF-8 (U+023A: 2 -> 3 bytes). */
    unsigned char *bytes = longsd__malloc(8 * len + 8);
    int32_t *sym = longsd__malloc((8 * len + 8) * sizeof *sym);
    if (!cp || !bytes || !sym) {
        longsd__free(cp);
        longsd__free(bytes);
        longsd__free(sym);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory tokenizing");
    }
    /* Special tokens written literally are added tokens: matched in the raw
     * text before normalisation and emitted as their ids. */
    const char *p = text, *end = text + len;
    while (p < end && k < cap) {
        const char *s1 = strstr(p, "<|startoftext|>"), *s2 = strstr(p, "<|endoftext|>");
        const char *sp = s1 && (!s2 || s1 < s2) ? s1 : s2;
        const char *se = sp ? sp : end;
        size_t n = 0;
        for (const char *q = p; q < se;) {
            int l = lsutf8_seqlen((const unsigned char *)q, (size_t)(se - q));
            cp[n++] = lsutf8_decode((const unsigned char *)q, l);
            q += l;
        }
        n = normalize(cp, n);
        for (size_t i = 0; i < n && k < cap;) {
            size_t ml = match_at(cp, n, i);
            if (ml == 0) {
                i++;
                continue;
            }
            /* BPE is quadratic in the word: a pathological word is cut at
             * MAX_WORD bytes, far beyond the 75 tokens that can be kept. */
            size_t nb = 0;
            for (size_t j = i; j < i + ml && nb < MAX_WORD; j++)
                nb += (size_t)lsutf8_encode(cp[j], (char *)bytes + nb);
            k = bpe_word(t, bytes, nb, sym, ids, k, cap);
            i += ml;
        }
        if (sp && k < cap)
            ids[k++] = sp == s1 ? t->bos : t->eos;
        p = sp ? sp + (sp == s1 ? 15 : 13) : end;
    }
    *k_out = k;
    longsd__free(cp);
    longsd__free(bytes);
    longsd__free(sym);
    return LONGSD_OK;
}

static longsd_status check_text(const char *text, size_t len, lserr *err)
{
    if (len > MAX_PROMPT)
        return lserr_set(err, LONGSD_ERR_TOO_BIG, "prompt: %zu bytes is over the limit of %u", len, MAX_PROMPT);
    size_t bad = lsutf8_validate(text, len);
    if (bad != (size_t)-1)
        return lserr_set(err, LONGSD_ERR_ENCODING, "prompt: invalid UTF-8 at byte %zu", bad);
    return LONGSD_OK;
}

longsd_status sdtok_encode(const sdtok *t, const char *text, int32_t *ids, int max_len, int *n_used, lserr *err)
{
    if (max_len < 2)
        return lserr_set(err, LONGSD_ERR_PARAM, "tokenizer: max_len %d is below 2", max_len);
    size_t len = strlen(text);
    longsd_status rc = check_text(text, len, err);
    if (rc != LONGSD_OK)
        return rc;
    int k = 0;
    ids[k++] = t->bos;
    if ((rc = encode_into(t, text, len, ids, k, max_len - 1, &k, err)) != LONGSD_OK)
        return rc;
    ids[k++] = t->eos;
    if (n_used)
        *n_used = k;
    while (k < max_len)
        ids[k++] = t->pad;
    return LONGSD_OK;
}

longsd_status sdtok_encode_raw(const sdtok *t, const char *text, int32_t *ids, int cap, int *n, lserr *err)
{
    size_t len = strlen(text);
    longsd_status rc = check_text(text, len, err);
    if (rc == LONGSD_OK)
        rc = encode_into(t, text, len, ids, 0, cap, n, err);
    return rc;
}

int32_t sdtok_token_id(const sdtok *t, const char *token)
{
    return vocab_lookup(t, token);
}

int sdtok_is_alnum(uint32_t cp)
{
    return is_letter(cp) || is_number(cp);
}
