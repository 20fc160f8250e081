/* png_write.c - PNG decode/encode through libpng's simplified API (which
 * keeps its setjmp inside libpng), chunk-level text insertion, and the
 * blank-image statistics. */
#include "png_write.h"

#include <math.h>
#include <png.h>
#include <string.h>

static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

uint32_t ls_crc32(uint32_t crc, const void *p, size_t n)
{
    static uint32_t table[256];
    static int ready; /* benign race: every thread computes the same table */
    if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
    }
    const uint8_t *s = p;
    crc = ~crc;
    for (size_t i = 0; i < n; i++)
        crc = table[(crc ^ s[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

longsd_status ls_png_decode_rgb(const uint8_t *png, size_t n, uint8_t **rgb, int *w, int *h, lserr *err)
{
    *rgb = NULL;
    *w = *h = 0;
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (n < 8 || memcmp(png, png_sig, 8) != 0)
        return lserr_set(err, LONGSD_ERR_IMAGE, "not a PNG");
    if (!png_image_begin_read_from_memory(&img, png, n))
        return lserr_set(err, LONGSD_ERR_IMAGE, "PNG: %s", img.message);
    if (img.width == 0 || img.height == 0 || (size_t)img.width * img.height > LS_PNG_MAX_PIXELS) {
        png_image_free(&img);
        return lserr_set(err, LONGSD_ERR_IMAGE, "PNG: %ux%u is out of range", img.width, img.height);
    }
    img.format = PNG_FORMAT_RGB;
    size_t size = PNG_IMAGE_SIZE(img);
    uint8_t *buf = longsd__malloc(size);
    if (!buf) {
        png_image_free(&img);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    png_color black = {0, 0, 0};
    if (!png_image_finish_read(&img, &black, buf, 0, NULL)) {
        longsd__free(buf);
        longsd_status rc = lserr_set(err, LONGSD_ERR_IMAGE, "PNG: %s", img.message);
        png_image_free(&img);
        return rc;
    }
    *rgb = buf;
    *w = (int)img.width;
    *h = (int)img.height;
    return LONGSD_OK;
}

longsd_status ls_png_encode_rgb(const uint8_t *rgb, int w, int h, uint8_t **png, size_t *n, lserr *err)
{
    *png = NULL;
    *n = 0;
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGB;
    png_alloc_size_t size = 0;
    if (w <= 0 || h <= 0)
        return lserr_set(err, LONGSD_ERR_PARAM, "PNG: bad size %dx%d", w, h);
    if (!png_image_write_to_memory(&img, NULL, &size, 0, rgb, 0, NULL))
        return lserr_set(err, LONGSD_ERR_IMAGE, "PNG encode: %s", img.message);
    uint8_t *buf = longsd__malloc(size);
    if (!buf)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    if (!png_image_write_to_memory(&img, buf, &size, 0, rgb, 0, NULL)) {
        longsd__free(buf);
        return lserr_set(err, LONGSD_ERR_IMAGE, "PNG encode: %s", img.message);
    }
    *png = buf;
    *n = size;
    return LONGSD_OK;
}

void ls_rgb_stats(const uint8_t *rgb, int w, int h, double *mean, double *stddev)
{
    /* A grid of at most ~64k samples is plenty to tell "uniform" from "picture". */
    size_t npx = (size_t)w * (size_t)h;
    size_t step = npx / 65536 + 1;
    double s = 0, s2 = 0;
    size_t k = 0;
    for (size_t i = 0; i < npx; i += step, k++) {
        const uint8_t *p = rgb + i * 3;
        double y = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
        s += y;
        s2 += y * y;
    }
    double m = k ? s / (double)k : 0;
    double var = k ? s2 / (double)k - m * m : 0;
    *mean = m;
    *stddev = var > 0 ? sqrt(var) : 0;
}

int ls_png_is_blank(const uint8_t *png, size_t n, lserr *err)
{
    uint8_t *rgb = NULL;
    int w, h;
    if (ls_png_decode_rgb(png, n, &rgb, &w, &h, err))
        return -1;
    double mean, sd;
    ls_rgb_stats(rgb, w, h, &mean, &sd);
    longsd__free(rgb);
    return sd < LS_BLANK_STDDEV;
}

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Walk the chunks: 0 if the structure is sound (signature, IHDR first, IEND
 * last, every length in bounds). */
static int check_chunks(const uint8_t *p, size_t n)
{
    if (n < 8 + 25 + 12 || memcmp(p, png_sig, 8) != 0)
        return -1;
    size_t off = 8;
    int first = 1;
    while (off + 12 <= n) {
        uint32_t len = rd32(p + off);
        if (len > 0x7fffffffu || len > n - off - 12)
            return -1;
        const uint8_t *type = p + off + 4;
        if (first && memcmp(type, "IHDR", 4) != 0)
            return -1;
        first = 0;
        off += 12 + (size_t)len;
        if (memcmp(type, "IEND", 4) == 0)
            return 0;
    }
    return -1;
}

/* The keyword of a text chunk (data, len) if the type is a text type. */
static int text_chunk_is(const uint8_t *type, const uint8_t *data, uint32_t len, const char *key)
{
    if (memcmp(type, "tEXt", 4) && memcmp(type, "zTXt", 4) && memcmp(type, "iTXt", 4))
        return 0;
    size_t kl = strlen(key);
    return len > kl && memcmp(data, key, kl) == 0 && data[kl] == 0;
}

longsd_status ls_png_set_text(const uint8_t *png, size_t n, const char *key, const char *value, uint8_t **out,
                              size_t *out_len, lserr *err)
{
    *out = NULL;
    *out_len = 0;
    size_t kl = strlen(key);
    if (kl == 0 || kl > 79)
        return lserr_set(err, LONGSD_ERR_PARAM, "PNG text key must be 1-79 bytes");
    if (check_chunks(png, n))
        return lserr_set(err, LONGSD_ERR_IMAGE, "PNG: broken chunk structure");
    size_t vl = strlen(value);
    if (vl > ((size_t)1 << 24))
        return lserr_set(err, LONGSD_ERR_TOO_BIG, "PNG text over 16 MiB");
    /* Latin-1 if every code point fits (tEXt), else iTXt with UTF-8. */
    char *latin = longsd__malloc(vl + 1);
    if (!latin)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    size_t ll = 0;
    int use_itxt = 0;
    for (size_t i = 0; i < vl;) {
        int sl = lsutf8_seqlen((const unsigned char *)value + i, vl - i);
        if (sl == 0) {
            i++; /* invalid byte: dropped */
            continue;
        }
        uint32_t cp = lsutf8_decode((const unsigned char *)value + i, sl);
        if (cp > 0xff) {
            use_itxt = 1;
            break;
        }
        if (cp != 0)
            latin[ll++] = (char)cp;
        i += (size_t)sl;
    }
    size_t dlen = use_itxt ? kl + 5 + vl : kl + 1 + ll;
    size_t cap = n + 12 + dlen;
    uint8_t *d = longsd__malloc(cap);
    if (!d) {
        longsd__free(latin);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    memcpy(d, png, 8);
    size_t o = 8;
    size_t off = 8;
    int inserted = 0;
    for (;;) {
        uint32_t len = rd32(png + off);
        const uint8_t *type = png + off + 4;
        const uint8_t *data = png + off + 8;
        if (!text_chunk_is(type, data, len, key)) {
            memcpy(d + o, png + off, 12 + (size_t)len);
            o += 12 + (size_t)len;
        }
        off += 12 + (size_t)len;
        if (!inserted) { /* right after IHDR */
            inserted = 1;
            uint8_t *c = d + o;
            wr32(c, (uint32_t)dlen);
            memcpy(c + 4, use_itxt ? "iTXt" : "tEXt", 4);
            uint8_t *q = c + 8;
            memcpy(q, key, kl + 1);
            q += kl + 1;
            if (use_itxt) {
                *q++ = 0; /* not compressed */
                *q++ = 0; /* method */
                *q++ = 0; /* no language tag */
                *q++ = 0; /* no translated keyword */
                memcpy(q, value, vl);
                q += vl;
            } else {
                memcpy(q, latin, ll);
                q += ll;
            }
            wr32(q, ls_crc32(0, c + 4, 4 + dlen));
            o += 12 + dlen;
        }
        if (memcmp(type, "IEND", 4) == 0)
            break;
    }
    longsd__free(latin);
    *out = d;
    *out_len = o;
    return LONGSD_OK;
}

char *ls_png_get_text(const uint8_t *png, size_t n, const char *key)
{
    if (check_chunks(png, n))
        return NULL;
    size_t kl = strlen(key);
    for (size_t off = 8; off + 12 <= n;) {
        uint32_t len = rd32(png + off);
        const uint8_t *type = png + off + 4;
        const uint8_t *data = png + off + 8;
        if (text_chunk_is(type, data, len, key)) {
            if (memcmp(type, "tEXt", 4) == 0) {
                /* Latin-1 to UTF-8: at most two bytes each */
                size_t tl = len - kl - 1;
                char *s = longsd__malloc(tl * 2 + 1);
                if (!s)
                    return NULL;
                size_t o = 0;
                for (size_t i = 0; i < tl; i++)
                    o += (size_t)lsutf8_encode(data[kl + 1 + i], s + o);
                s[o] = '\0';
                return s;
            }
            if (memcmp(type, "iTXt", 4) == 0 && len >= kl + 3 && data[kl + 1] == 0) {
                const uint8_t *q = data + kl + 3, *end = data + len;
                const uint8_t *z = memchr(q, 0, (size_t)(end - q)); /* language tag */
                if (!z)
                    return NULL;
                z = memchr(z + 1, 0, (size_t)(end - z - 1)); /* translated keyword */
                if (!z)
                    return NULL;
                return longsd__strndup((const char *)z + 1, (size_t)(end - z - 1));
            }
            return NULL;
        }
        if (memcmp(type, "IEND", 4) == 0)
            break;
        off += 12 + (size_t)len;
    }
    return NULL;
}
