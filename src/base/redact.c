/* redact.c - secrets out of every message (see redact.h). The token shapes
 * are matched without regard to context because the text comes from servers
 * and files we do not control: a server that echoes our request, a proxy
 * that prints its headers, a plan edited by hand. A false positive costs a
 * word in a message; a miss costs the user's key. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "util.h"

#define MAX_SECRETS 16
#define MIN_SECRET 6
#define REP "[redacted]"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char *secrets[MAX_SECRETS];
static size_t n_secrets;

/* Environment variables that hold keys the library reads (llm_openai.c,
 * pool.c); checked on every call so a key is covered before any backend
 * exists. */
static const char *const key_env[] = {"OPENAI_API_KEY", "OPENAI_TOKEN"};

void longsd__redact_add_secret(const char *s)
{
    if (!s || strlen(s) < MIN_SECRET)
        return;
    pthread_mutex_lock(&mu);
    int have = 0;
    for (size_t i = 0; i < n_secrets && !have; i++)
        have = strcmp(secrets[i], s) == 0;
    /* plain malloc: a process-lifetime table outside the failure-injection
     * hook, so a failed registration never makes a test's allocation count
     * drift; if it fails the key is still caught by its shape. */
    if (!have && n_secrets < MAX_SECRETS) {
        char *c = strdup(s);
        if (c)
            secrets[n_secrets++] = c;
    }
    pthread_mutex_unlock(&mu);
}

static int tok_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
}

static int alnum(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

static int lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Case-insensitive "word" at s[i..n), at a word start. */
static int word_at(const char *s, size_t n, size_t i, const char *w)
{
    size_t l = strlen(w);
    if (i + l > n || (i > 0 && alnum((unsigned char)s[i - 1])))
        return 0;
    for (size_t k = 0; k < l; k++)
        if (lower((unsigned char)s[i + k]) != (unsigned char)w[k])
            return 0;
    return 1;
}

static size_t tok_len(const char *s, size_t n, size_t i)
{
    size_t k = i;
    while (k < n && tok_char((unsigned char)s[k]))
        k++;
    return k - i;
}

/* Skip what separates a header or key name from its value: spaces, quotes,
 * ':' '=' and JSON escapes of a quote. */
static size_t skip_sep(const char *s, size_t n, size_t i)
{
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '"' || c == '\'' || c == ':' || c == '=')
            i++;
        else if (c == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\''))
            i += 2;
        else if (c == '%' && i + 2 < n && s[i + 1] == '2' && (s[i + 2] == '0' || s[i + 2] == '2'))
            i += 3; /* URL-encoded space or quote */
        else
            break;
    }
    return i;
}

/* "sk-"/"sk_" keys: at a word start (or right after a URL-encoded space),
 * then a run of at least 12 key characters holding a digit or a capital
 * (so "sk-" inside a lower-case slug is left alone). */
static size_t sk_key(const char *s, size_t n, size_t i)
{
    if (i + 3 > n || lower((unsigned char)s[i]) != 's' || lower((unsigned char)s[i + 1]) != 'k' ||
        (s[i + 2] != '-' && s[i + 2] != '_'))
        return 0;
    int boundary = i == 0 || !alnum((unsigned char)s[i - 1]) || (i >= 3 && memcmp(s + i - 3, "%20", 3) == 0);
    if (!boundary)
        return 0;
    size_t k = i + 3, mixed = 0;
    while (k < n && (alnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '_')) {
        mixed |= (s[k] >= '0' && s[k] <= '9') || (s[k] >= 'A' && s[k] <= 'Z');
        k++;
    }
    return k - i - 3 >= 12 && mixed ? k - i : 0;
}

/* The secret at in[i..], whole or cut short by a "%.300s" somewhere
 * upstream: a prefix of at least 8 bytes that ends where the text does or
 * where a key character could not continue it. */
static size_t secret_at(const char *in, size_t n, size_t i, const char *sec)
{
    size_t l = 0;
    while (sec[l] && i + l < n && in[i + l] == sec[l])
        l++;
    if (!sec[l])
        return l;
    if (l >= 8 && (i + l == n || !tok_char((unsigned char)in[i + l])))
        return l;
    return 0;
}

typedef struct {
    char *out;
    size_t size, o;
} sink;

static void put(sink *w, const char *p, size_t l)
{
    if (!w->size)
        return;
    for (size_t k = 0; k < l && w->o + 1 < w->size; k++)
        w->out[w->o++] = p[k];
}

size_t longsd__redact_into(const char *in, size_t n, char *out, size_t out_size)
{
    sink w = {out, out_size, 0};
    const char *env[sizeof key_env / sizeof *key_env];
    for (size_t e = 0; e < sizeof key_env / sizeof *key_env; e++) {
        env[e] = getenv(key_env[e]);
        if (env[e] && strlen(env[e]) < MIN_SECRET)
            env[e] = NULL;
    }
    pthread_mutex_lock(&mu);
    size_t i = 0;
    while (i < n) {
        size_t hit = 0;
        for (size_t k = 0; k < n_secrets && !hit; k++)
            hit = secret_at(in, n, i, secrets[k]);
        for (size_t e = 0; e < sizeof env / sizeof *env && !hit; e++)
            hit = env[e] ? secret_at(in, n, i, env[e]) : 0;
        if (!hit)
            hit = sk_key(in, n, i);
        if (hit) {
            put(&w, REP, sizeof REP - 1);
            i += hit;
            continue;
        }
        /* a header or key name: keep the name and an auth scheme, drop the value */
        static const char *const names[] = {"authorization", "proxy-authorization", "x-api-key", "api-key",
                                            "api_key", "apikey", "access_token", "bearer", "token="};
        size_t name_len = 0;
        for (size_t k = 0; k < sizeof names / sizeof *names && !name_len; k++)
            if (word_at(in, n, i, names[k]))
                name_len = strlen(names[k]);
        if (name_len) {
            size_t j = skip_sep(in, n, i + name_len);
            /* "Authorization: Bearer X" / "Basic X": keep the scheme word */
            static const char *const schemes[] = {"bearer", "basic", "token", "digest"};
            for (size_t k = 0; k < sizeof schemes / sizeof *schemes; k++)
                if (word_at(in, n, j, schemes[k])) {
                    size_t e = j + strlen(schemes[k]);
                    size_t f = e;
                    while (f < n && (in[f] == ' ' || in[f] == '\t'))
                        f++;
                    if (f < n && f > e && tok_len(in, n, f)) {
                        j = f;
                        break;
                    }
                    if (f + 3 <= n && memcmp(in + e, "%20", 3) == 0) {
                        j = e + 3;
                        break;
                    }
                }
            size_t tl = j > i + name_len || in[i + name_len - 1] == '=' ? tok_len(in, n, j) : 0;
            if (tl) {
                put(&w, in + i, j - i);
                put(&w, REP, sizeof REP - 1);
                i = j + tl;
                continue;
            }
        }
        put(&w, in + i, 1);
        i++;
    }
    pthread_mutex_unlock(&mu);
    if (w.size) {
        /* do not end inside a UTF-8 sequence after truncation */
        size_t o = w.o;
        if (o == w.size - 1 && o < n) {
            size_t k = o;
            while (k > 0 && ((unsigned char)out[k - 1] & 0xC0) == 0x80)
                k--;
            if (k > 0 && (unsigned char)out[k - 1] >= 0xC0 &&
                (size_t)lsutf8_seqlen((const unsigned char *)out + k - 1, o - k + 1) != o - k + 1)
                o = k - 1;
        }
        out[o] = '\0';
        w.o = o;
    }
    return w.o;
}

void longsd__redact_inplace(char *s, size_t size)
{
    if (!s || !size)
        return;
    size_t n = strnlen(s, size - 1);
    char buf[2048];
    char *tmp = n < sizeof buf ? buf : malloc(n + 1);
    if (!tmp) { /* no memory for a copy: drop the text rather than leak a key */
        s[0] = '\0';
        return;
    }
    memcpy(tmp, s, n);
    longsd__redact_into(tmp, n, s, size);
    if (tmp != buf)
        free(tmp);
}

char *longsd__redact_dup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    /* a replacement can be longer than what it replaces ("sk-x..." of 15
     * bytes becomes 10; "Bearer ab" of 9 keeps "Bearer " + 10) */
    size_t cap = n + n / 2 + 16;
    char *out = longsd__malloc(cap);
    if (out)
        longsd__redact_into(s, n, out, cap);
    return out;
}
