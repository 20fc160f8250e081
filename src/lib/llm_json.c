/* llm_json.c - tolerant JSON extraction from model text (see llm_json.h).
 * Strategy: strict parse of the whole reply first; then, from each of the
 * first few '{' or '[' (a code fence's content first), a single repairing
 * scan that tracks strings and brackets, stops where the value closes, and
 * rewrites what models get wrong; the result goes to jansson, which does the
 * real validation. The scan is linear and bounded by the cap. */
#include "llm_json.h"

#include <string.h>

#define MAX_STARTS 8
#define MAX_DEPTH 64

static int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* U+201C / U+201D as UTF-8 at s (avail bytes): 1 = left, 2 = right, 0 = no. */
static int smart_dq(const char *s, size_t avail)
{
    if (avail >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80) {
        if ((unsigned char)s[2] == 0x9C)
            return 1;
        if ((unsigned char)s[2] == 0x9D)
            return 2;
    }
    return 0;
}

/* Next non-space byte after i is one that may follow a closed string. */
static int closes_here(const char *s, size_t n, size_t i)
{
    while (i < n && is_ws((unsigned char)s[i]))
        i++;
    return i >= n || s[i] == ',' || s[i] == ':' || s[i] == '}' || s[i] == ']';
}

/* Drop a trailing ',' (and the spaces after it) from the output. */
static int drop_trailing_comma(lsbuf *o)
{
    size_t l = o->len;
    while (l && is_ws((unsigned char)o->data[l - 1]))
        l--;
    if (l && o->data[l - 1] == ',') {
        o->len = l - 1;
        o->data[o->len] = '\0';
        return 1;
    }
    return 0;
}

enum { SCAN_OK = 0, SCAN_TRUNCATED = 1, SCAN_BAD = 2, SCAN_NOMEM = 3 };

/* Scan one value starting at s[i] ('{' or '['), writing a repaired copy to o. */
static int scan_value(const char *s, size_t n, size_t i, lsbuf *o, int *changed)
{
    char stack[MAX_DEPTH];
    int depth = 0;
    int in_str = 0;
    int closer = 0; /* '"', '\'' or 'S' (smart) */
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (!in_str) {
            int sq = smart_dq(s + i, n - i);
            if (c == '{' || c == '[') {
                if (depth >= MAX_DEPTH)
                    return SCAN_BAD;
                stack[depth++] = c == '{' ? '}' : ']';
                if (lsbuf_addc(o, (char)c))
                    return SCAN_NOMEM;
                i++;
            } else if (c == '}' || c == ']') {
                if (!depth || stack[depth - 1] != (char)c)
                    return SCAN_BAD;
                if (drop_trailing_comma(o))
                    *changed = 1;
                depth--;
                if (lsbuf_addc(o, (char)c))
                    return SCAN_NOMEM;
                i++;
                if (!depth)
                    return SCAN_OK;
            } else if (c == '"' || c == '\'' || sq) {
                in_str = 1;
                closer = c == '"' ? '"' : c == '\'' ? '\'' : 'S';
                if (c != '"')
                    *changed = 1;
                if (lsbuf_addc(o, '"'))
                    return SCAN_NOMEM;
                i += sq ? 3 : 1;
            } else if (c == '/' && i + 1 < n && s[i + 1] == '/') { /* a // comment */
                while (i < n && s[i] != '\n')
                    i++;
                *changed = 1;
            } else if (c == '`') { /* a fence inside the value: the model gave up on it */
                return SCAN_BAD;
            } else {
                if (lsbuf_addc(o, (char)c))
                    return SCAN_NOMEM;
                i++;
            }
            continue;
        }
        /* inside a string */
        if (c == '\\') {
            if (i + 1 >= n)
                return SCAN_TRUNCATED;
            if (lsbuf_add(o, s + i, 2))
                return SCAN_NOMEM;
            i += 2;
            continue;
        }
        int sq = smart_dq(s + i, n - i);
        int ends = 0;
        size_t skip = 1;
        if (closer == '"' && c == '"')
            ends = closes_here(s, n, i + 1);
        else if (closer == '\'' && c == '\'')
            ends = closes_here(s, n, i + 1);
        else if (closer == 'S' && (sq == 2 || c == '"')) {
            skip = sq ? 3 : 1;
            ends = closes_here(s, n, i + skip);
        }
        if (ends) {
            in_str = 0;
            if (lsbuf_addc(o, '"'))
                return SCAN_NOMEM;
            i += skip;
            continue;
        }
        if (c == '"') { /* an inner quote the model forgot to escape */
            *changed = 1;
            if (lsbuf_adds(o, "\\\""))
                return SCAN_NOMEM;
            i++;
        } else if (c < 0x20) {
            *changed = 1;
            const char *e = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : "";
            if (lsbuf_adds(o, e))
                return SCAN_NOMEM;
            i++;
        } else {
            if (lsbuf_addc(o, (char)c))
                return SCAN_NOMEM;
            i++;
        }
    }
    return SCAN_TRUNCATED;
}

static void set_why(char *why, size_t why_size, const char *msg)
{
    if (why && why_size)
        snprintf(why, why_size, "%s", msg);
}

/* Try the value at s[i]; returns the parsed value or NULL (*truncated set). */
static json_t *try_at(const char *s, size_t n, size_t i, int whole, int *how, int *truncated, int *nomem)
{
    lsbuf o;
    lsbuf_init(&o, 2 * n + 64);
    int changed = 0;
    json_t *v = NULL;
    int r = scan_value(s, n, i, &o, &changed);
    if (r == SCAN_TRUNCATED)
        *truncated = 1;
    else if (r == SCAN_NOMEM)
        *nomem = 1;
    else if (r == SCAN_OK && o.len) {
        json_error_t je;
        v = json_loadb(o.data, o.len, 0, &je);
        if (v && !json_is_object(v) && !json_is_array(v)) {
            json_decref(v);
            v = NULL;
        }
        if (v && how)
            *how = changed ? 2 : whole ? 0 : 1;
    }
    lsbuf_free(&o);
    return v;
}

json_t *ls_llm_json_extract(const char *text, size_t n, int *how, char *why, size_t why_size)
{
    if (how)
        *how = 0;
    if (!text || n == 0) {
        set_why(why, why_size, "the reply is empty");
        return NULL;
    }
    if (n > LS_LLM_JSON_MAX) {
        set_why(why, why_size, "the reply is too large to hold JSON we asked for");
        return NULL;
    }
    json_error_t je;
    json_t *v = json_loadb(text, n, 0, &je);
    if (v && (json_is_object(v) || json_is_array(v)))
        return v;
    json_decref(v);

    int truncated = 0, nomem = 0, tries = 0;
    /* a code fence's content first: models put the answer there */
    const char *fence = NULL;
    for (size_t i = 0; i + 3 <= n; i++)
        if (text[i] == '`' && text[i + 1] == '`' && text[i + 2] == '`') {
            fence = text + i + 3;
            break;
        }
    if (fence) {
        size_t i = (size_t)(fence - text);
        while (i < n && text[i] != '{' && text[i] != '[' && text[i] != '`')
            i++;
        if (i < n && text[i] != '`') {
            tries++;
            if ((v = try_at(text, n, i, 0, how, &truncated, &nomem)))
                return v;
        }
    }
    /* then the first few openings anywhere: prose before and after is fine */
    /* objects before arrays: "[1]" in the prose is not the answer */
    /* once a candidate has begun, an opening inside one of its strings is
     * the model's text, not an answer: "a map marked {}" in a cut-off reply
     * parsed as an empty object and hid the real reason */
    for (int pass = 0; pass < 2 && !nomem; pass++) {
        char open = pass == 0 ? '{' : '[';
        int here = 0, started = 0, in_str = 0, esc = 0;
        for (size_t i = 0; i < n && here < MAX_STARTS && !nomem; i++) {
            char c = text[i];
            if (started && in_str) {
                if (esc)
                    esc = 0;
                else if (c == '\\')
                    esc = 1;
                else if (c == '"')
                    in_str = 0;
                continue;
            }
            if (started && c == '"') {
                in_str = 1;
                continue;
            }
            if (c != open)
                continue;
            started = 1;
            tries++;
            here++;
            if ((v = try_at(text, n, i, i == 0, how, &truncated, &nomem)))
                return v;
        }
    }
    if (nomem)
        set_why(why, why_size, "out of memory");
    else if (truncated)
        set_why(why, why_size, "the JSON in the reply is cut off (unbalanced brackets or an open string)");
    else if (!tries)
        set_why(why, why_size, "no JSON object in the reply");
    else
        set_why(why, why_size, "the JSON in the reply does not parse");
    return NULL;
}
