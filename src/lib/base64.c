/* base64.c - strict base64 decoding of image payloads and plain encoding. */
#include "base64.h"

#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

longsd_status ls_base64_decode(const char *s, size_t n, size_t cap, uint8_t **out, size_t *out_len, lserr *err)
{
    *out = NULL;
    *out_len = 0;
    if (n >= 5 && memcmp(s, "data:", 5) == 0) {
        const char *comma = memchr(s, ',', n < 256 ? n : 256);
        if (!comma)
            return lserr_set(err, LONGSD_ERR_BACKEND, "base64: data: URL without a comma");
        n -= (size_t)(comma + 1 - s);
        s = comma + 1;
    }
    size_t max = n / 4 * 3 + 3; /* whitespace only makes the real size smaller */
    uint8_t *d = longsd__malloc(max);
    if (!d)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    size_t o = 0;
    uint32_t acc = 0;
    int k = 0, pad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        int v = b64val(c);
        if (v < 0 || pad) {
            longsd__free(d);
            return lserr_set(err, LONGSD_ERR_BACKEND, "base64: invalid %s at offset %zu",
                             pad ? "data after padding" : "character", i);
        }
        acc = acc << 6 | (uint32_t)v;
        if (++k == 4) {
            d[o++] = (uint8_t)(acc >> 16);
            d[o++] = (uint8_t)(acc >> 8);
            d[o++] = (uint8_t)acc;
            acc = 0;
            k = 0;
        }
    }
    if (k == 1 || pad > 2 || (pad && (k + pad) != 4)) {
        longsd__free(d);
        return lserr_set(err, LONGSD_ERR_BACKEND, "base64: truncated or badly padded payload");
    }
    if (k == 2) {
        d[o++] = (uint8_t)(acc >> 4);
    } else if (k == 3) {
        d[o++] = (uint8_t)(acc >> 10);
        d[o++] = (uint8_t)(acc >> 2);
    }
    if (cap && o > cap) {
        longsd__free(d);
        return lserr_set(err, LONGSD_ERR_TOO_BIG, "base64: payload over %zu bytes", cap);
    }
    *out = d;
    *out_len = o;
    return LONGSD_OK;
}

char *ls_base64_encode(const void *p, size_t n)
{
    const uint8_t *s = p;
    char *d = longsd__malloc((n + 2) / 3 * 4 + 1);
    if (!d)
        return NULL;
    size_t o = 0, i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        d[o++] = alphabet[v >> 18];
        d[o++] = alphabet[(v >> 12) & 63];
        d[o++] = alphabet[(v >> 6) & 63];
        d[o++] = alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        d[o++] = alphabet[v >> 18];
        d[o++] = alphabet[(v >> 12) & 63];
        d[o++] = '=';
        d[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
        d[o++] = alphabet[v >> 18];
        d[o++] = alphabet[(v >> 12) & 63];
        d[o++] = alphabet[(v >> 6) & 63];
        d[o++] = '=';
    }
    d[o] = '\0';
    return d;
}
