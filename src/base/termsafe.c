/* termsafe.c - see termsafe.h. Escapes instead of dropping, so a user who
 * sees "\x1b[2J" in a message knows the server sent it. */
#include <stdio.h>
#include <string.h>

#include "longsd.h"
#include "redact.h"
#include "termsafe.h"
#include "util.h"

char *longsd__term_safe(const char *s, char *out, size_t out_size, int keep_newlines)
{
    if (!out || !out_size)
        return out;
    size_t o = 0, n = s ? strlen(s) : 0;
    for (size_t i = 0; i < n;) {
        const unsigned char *p = (const unsigned char *)s + i;
        int len = lsutf8_seqlen(p, n - i);
        char esc[12];
        size_t el = 0;
        if (len == 0) {
            el = (size_t)snprintf(esc, sizeof esc, "\\x%02x", p[0]);
            len = 1;
        } else if (len == 1) {
            unsigned c = p[0];
            if ((c < 0x20 || c == 0x7f) && !(keep_newlines && (c == '\n' || c == '\t')))
                el = (size_t)snprintf(esc, sizeof esc, "\\x%02x", c);
        } else {
            uint32_t cp = lsutf8_decode(p, len);
            if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
                el = (size_t)snprintf(esc, sizeof esc, "\\u%04x", (unsigned)cp);
        }
        const char *src = el ? esc : (const char *)p;
        size_t sl = el ? el : (size_t)len;
        if (o + sl + 1 > out_size)
            break;
        memcpy(out + o, src, sl);
        o += sl;
        i += (size_t)len;
    }
    out[o] = '\0';
    return out;
}

char *longsd_term_text(const char *s, char *out, size_t out_size, int keep_newlines)
{
    if (!out || !out_size)
        return out;
    size_t n = s ? strlen(s) : 0;
    /* redact first: an escape inserted by the sanitiser must not split a key */
    char *r = longsd__malloc(n + n / 2 + 16);
    if (!r) {
        out[0] = '\0';
        return out;
    }
    longsd__redact_into(s ? s : "", n, r, n + n / 2 + 16);
    longsd__term_safe(r, out, out_size, keep_newlines);
    longsd__free(r);
    return out;
}
