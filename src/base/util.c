/* util.c - allocation hook, capped buffers, errors, SHA-256, atomic files,
 * UTF-8 and small string helpers used across the library. */
#include "util.h"
#include "redact.h"
#include "termsafe.h"
#include "tmpfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

long longsd__alloc_fail_after = -1;

static int alloc_should_fail(void)
{
    if (longsd__alloc_fail_after < 0)
        return 0;
    if (longsd__alloc_fail_after == 0)
        return 1;
    longsd__alloc_fail_after--;
    return 0;
}

void *longsd__malloc(size_t n)
{
    if (alloc_should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *longsd__calloc(size_t n, size_t size)
{
    if (alloc_should_fail())
        return NULL;
    return calloc(n ? n : 1, size ? size : 1);
}

void *longsd__realloc(void *p, size_t n)
{
    if (alloc_should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void longsd__free(void *p) { free(p); }

char *longsd__strndup(const char *s, size_t n)
{
    char *d = longsd__malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *longsd__strdup(const char *s) { return s ? longsd__strndup(s, strlen(s)) : NULL; }

char *longsd__asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = longsd__malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* ---- lsbuf */

void lsbuf_init(lsbuf *b, size_t cap)
{
    b->data = NULL;
    b->len = b->alloc = 0;
    b->cap = cap ? cap : ((size_t)1 << 30);
}

void lsbuf_free(lsbuf *b)
{
    longsd__free(b->data);
    b->data = NULL;
    b->len = b->alloc = 0;
}

void lsbuf_reset(lsbuf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

longsd_status lsbuf_add(lsbuf *b, const void *p, size_t n)
{
    if (n > b->cap || b->len > b->cap - n)
        return LONGSD_ERR_TOO_BIG;
    if (b->len + n + 1 > b->alloc) {
        size_t na = b->alloc ? b->alloc : 64;
        while (na < b->len + n + 1)
            na *= 2;
        char *nd = longsd__realloc(b->data, na);
        if (!nd)
            return LONGSD_ERR_NOMEM;
        b->data = nd;
        b->alloc = na;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return LONGSD_OK;
}

longsd_status lsbuf_adds(lsbuf *b, const char *s) { return lsbuf_add(b, s, strlen(s)); }

longsd_status lsbuf_addc(lsbuf *b, char c) { return lsbuf_add(b, &c, 1); }

longsd_status lsbuf_printf(lsbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return LONGSD_ERR_PARAM;
    if ((size_t)n < sizeof small)
        return lsbuf_add(b, small, (size_t)n);
    char *big = longsd__malloc((size_t)n + 1);
    if (!big)
        return LONGSD_ERR_NOMEM;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    longsd_status st = lsbuf_add(b, big, (size_t)n);
    longsd__free(big);
    return st;
}

char *lsbuf_steal(lsbuf *b)
{
    char *d = b->data;
    if (!d)
        d = longsd__strdup("");
    b->data = NULL;
    b->len = b->alloc = 0;
    return d;
}

/* ---- errors */

longsd_status lserr_set(lserr *err, longsd_status code, const char *fmt, ...)
{
    if (err) {
        err->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        /* every library message may quote a server or a file: no key leaves,
         * and it stays one line without control characters (ESC, CR, LF) */
        longsd__redact_inplace(err->msg, sizeof err->msg);
        char raw[sizeof err->msg];
        memcpy(raw, err->msg, sizeof raw);
        longsd__term_safe(raw, err->msg, sizeof err->msg, 0);
    }
    return code;
}

void lserr_clear(lserr *err)
{
    if (err) {
        err->code = LONGSD_OK;
        err->msg[0] = '\0';
    }
}

/* ---- SHA-256 (FIPS 180-4) */

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(lssha256 *s, const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR32(w[i - 15], 7) ^ ROR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR32(w[i - 2], 17) ^ ROR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR32(e, 6) ^ ROR32(e, 11) ^ ROR32(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
        uint32_t t2 = (ROR32(a, 2) ^ ROR32(a, 13) ^ ROR32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
    s->h[5] += f;
    s->h[6] += g;
    s->h[7] += h;
}

void lssha256_init(lssha256 *s)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, iv, sizeof iv);
    s->n = 0;
    s->fill = 0;
}

void lssha256_update(lssha256 *s, const void *data, size_t n)
{
    const uint8_t *p = data;
    s->n += n;
    while (n) {
        size_t take = 64 - s->fill;
        if (take > n)
            take = n;
        memcpy(s->block + s->fill, p, take);
        s->fill += take;
        p += take;
        n -= take;
        if (s->fill == 64) {
            sha256_block(s, s->block);
            s->fill = 0;
        }
    }
}

void lssha256_final(lssha256 *s, uint8_t out[32])
{
    uint64_t bits = s->n * 8;
    uint8_t pad = 0x80;
    lssha256_update(s, &pad, 1);
    pad = 0;
    while (s->fill != 56)
        lssha256_update(s, &pad, 1);
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)(bits >> (56 - 8 * i));
    lssha256_update(s, len, 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(s->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->h[i];
    }
}

void lssha256_hex(const void *p, size_t n, char hex[65])
{
    lssha256 s;
    uint8_t d[32];
    lssha256_init(&s);
    lssha256_update(&s, p, n);
    lssha256_final(&s, d);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

uint64_t lsfnv1a64(const void *data, size_t n, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* ---- files */

longsd_status lsfile_read(const char *path, size_t cap, char **out, size_t *out_len, lserr *err)
{
    *out = NULL;
    *out_len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return lserr_set(err, LONGSD_ERR_IO, "%s: no such file", path);
        if (errno == EACCES)
            return lserr_set(err, LONGSD_ERR_IO, "%s: permission denied (check the file's permissions)", path);
        return lserr_set(err, LONGSD_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    }
    return lsfile_read_fd(fd, path, cap, out, out_len, err);
}

longsd_status lsfile_read_fd(int fd, const char *path, size_t cap, char **out, size_t *out_len, lserr *err)
{
    *out = NULL;
    *out_len = 0;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return lserr_set(err, LONGSD_ERR_IO, "%s: cannot stat: %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return lserr_set(err, LONGSD_ERR_IO, "%s: is a directory, not a text file", path);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return lserr_set(err, LONGSD_ERR_IO, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > cap) {
        close(fd);
        return lserr_set(err, LONGSD_ERR_TOO_BIG, "%s: %lld bytes is over the limit of %zu bytes", path,
                         (long long)st.st_size, cap);
    }
    lsbuf b;
    lsbuf_init(&b, cap);
    char chunk[65536];
    longsd_status rc = LONGSD_OK;
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = lserr_set(err, LONGSD_ERR_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        rc = lsbuf_add(&b, chunk, (size_t)r);
        if (rc == LONGSD_ERR_TOO_BIG) {
            lserr_set(err, rc, "%s: over the limit of %zu bytes", path, cap);
            break;
        }
        if (rc) {
            lserr_set(err, rc, "%s: out of memory", path);
            break;
        }
    }
    close(fd);
    if (rc) {
        lsbuf_free(&b);
        return rc;
    }
    *out_len = b.len;
    *out = lsbuf_steal(&b);
    if (!*out)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    return LONGSD_OK;
}

longsd_status lsfile_mkdirs(const char *path, int is_dir, lserr *err)
{
    char *p = longsd__strdup(path);
    if (!p)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    if (!is_dir) {
        char *slash = strrchr(p, '/');
        if (!slash) {
            longsd__free(p);
            return LONGSD_OK;
        }
        *slash = '\0';
    }
    longsd_status rc = LONGSD_OK;
    for (char *q = p + 1;; q++) {
        if (*q == '/' || *q == '\0') {
            char save = *q;
            *q = '\0';
            if (p[0] && mkdir(p, 0777) != 0 && errno != EEXIST) {
                rc = lserr_set(err, LONGSD_ERR_IO, "%s: cannot create directory: %s", p, strerror(errno));
                break;
            }
            *q = save;
            if (!save)
                break;
        }
    }
    longsd__free(p);
    return rc;
}

longsd_status lsfile_write_atomic(const char *path, const void *data, size_t n, lserr *err)
{
    longsd_status rc = lsfile_mkdirs(path, 0, err);
    if (rc)
        return rc;
    char *tmp = NULL;
    /* O_EXCL|O_NOFOLLOW: a link planted under the temp name is never followed */
    int fd = lstmp_open(path, &tmp, err);
    if (fd < 0)
        return err ? err->code : LONGSD_ERR_IO;
    const char *p = data;
    size_t left = n;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            rc = lserr_set(err, LONGSD_ERR_IO, "%s: write error: %s", path, strerror(errno));
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (!rc && fsync(fd) != 0)
        rc = lserr_set(err, LONGSD_ERR_IO, "%s: fsync failed: %s", path, strerror(errno));
    if (close(fd) != 0 && !rc)
        rc = lserr_set(err, LONGSD_ERR_IO, "%s: close failed: %s", path, strerror(errno));
    if (!rc && rename(tmp, path) != 0)
        rc = lserr_set(err, LONGSD_ERR_IO, "%s: cannot rename into place: %s", path, strerror(errno));
    if (rc)
        unlink(tmp);
    longsd__free(tmp);
    return rc;
}

int lsfile_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- UTF-8 */

int lsutf8_seqlen(const unsigned char *s, size_t avail)
{
    if (avail == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    int len;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if ((size_t)len > avail)
        return 0;
    for (int i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    uint32_t cp = lsutf8_decode(s, len);
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

uint32_t lsutf8_decode(const unsigned char *s, int len)
{
    switch (len) {
    case 1:
        return s[0];
    case 2:
        return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    case 3:
        return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    default:
        return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 | (uint32_t)(s[2] & 0x3F) << 6 |
               (s[3] & 0x3F);
    }
}

int lsutf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t lsutf8_validate(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        int l = lsutf8_seqlen(p + i, n - i);
        if (!l)
            return i;
        i += (size_t)l;
    }
    return (size_t)-1;
}

/* ---- strings */

char *lsstr_clean(const char *s, size_t n)
{
    lsbuf b;
    lsbuf_init(&b, 0);
    const unsigned char *p = (const unsigned char *)s;
    int pending_space = 0;
    size_t i = 0;
    while (i < n) {
        int l = lsutf8_seqlen(p + i, n - i);
        if (!l) {
            i++;
            continue;
        }
        uint32_t cp = lsutf8_decode(p + i, l);
        int space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0xA0 ||
                    cp == 0x2028 || cp == 0x2029 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A);
        int ctrl = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == 0xFEFF || cp == 0x200B ||
                   (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
        if (space) {
            pending_space = b.len > 0;
        } else if (!ctrl) {
            if (pending_space && lsbuf_addc(&b, ' ')) {
                lsbuf_free(&b);
                return NULL;
            }
            pending_space = 0;
            if (lsbuf_add(&b, p + i, (size_t)l)) {
                lsbuf_free(&b);
                return NULL;
            }
        }
        i += (size_t)l;
    }
    return lsbuf_steal(&b);
}

void lsstr_slug(const char *s, char *out, size_t max)
{
    size_t o = 0;
    int dash = 0;
    if (max == 0)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p && o + 1 < max; p++) {
        unsigned c = *p;
        if (c >= 'A' && c <= 'Z')
            c += 32;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && o > 0 && o + 2 < max)
                out[o++] = '-';
            dash = 0;
            out[o++] = (char)c;
        } else {
            dash = 1;
        }
    }
    out[o] = '\0';
    /* If we stopped mid-word because of max, cut back to the last '-'. */
    if (o + 1 >= max && s[0]) {
        char *d = strrchr(out, '-');
        if (d && d > out + max / 2)
            *d = '\0';
    }
}

int lsstr_casecmp_ascii(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca += 32;
        if (cb >= 'A' && cb <= 'Z')
            cb += 32;
        if (ca != cb || !ca)
            return ca - cb;
    }
}
