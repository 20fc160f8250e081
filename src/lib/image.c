/* image.c - PNG and JPEG header sniffing. The bytes come from untrusted
 * places (a Stable Diffusion server's reply, a file in the workspace), so
 * every read is bounds-checked against n and nothing is allocated. Only the
 * container structure is checked, not the compressed pixels: enough to know
 * the size, the type and that the file is not cut short. */
#include "docx.h"

#include <stdint.h>
#include <string.h>

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

/* CRC-32 as PNG uses it (ISO 3309). Only run over the 17 bytes of IHDR, so
 * the bitwise form is fast enough and needs no table. */
static uint32_t crc32_png(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return c ^ 0xFFFFFFFFu;
}

static int side_ok(uint32_t v) { return v > 0 && v <= LS_IMAGE_MAX_SIDE; }

static int png_depth_ok(unsigned color, unsigned depth)
{
    switch (color) {
    case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2:
    case 4:
    case 6: return depth == 8 || depth == 16;
    default: return 0;
    }
}

/* Signature, a well-formed IHDR first, then chunks that fit exactly up to
 * IEND, with at least one IDAT (and a PLTE before it for palette images). */
static int png_dims(const unsigned char *p, size_t n, int *w, int *h)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (n < 8 + 12 + 13 || memcmp(p, sig, 8) != 0)
        return -1;
    const unsigned char *ihdr = p + 8;
    if (be32(ihdr) != 13 || memcmp(ihdr + 4, "IHDR", 4) != 0)
        return -1;
    if (crc32_png(ihdr + 4, 4 + 13) != be32(ihdr + 8 + 13))
        return -1;
    uint32_t pw = be32(ihdr + 8), ph = be32(ihdr + 12);
    unsigned depth = ihdr[16], color = ihdr[17];
    if (!side_ok(pw) || !side_ok(ph) || !png_depth_ok(color, depth) || ihdr[18] != 0 || ihdr[19] != 0 ||
        ihdr[20] > 1)
        return -1;

    size_t pos = 8 + 12 + 13;
    int seen_plte = 0, seen_idat = 0;
    for (;;) {
        if (n - pos < 12) /* pos <= n always holds here */
            return -1;
        uint32_t len = be32(p + pos);
        const unsigned char *type = p + pos + 4;
        if (len > 0x7FFFFFFFu || len > n - pos - 12)
            return -1;
        for (int k = 0; k < 4; k++)
            if (!((type[k] >= 'A' && type[k] <= 'Z') || (type[k] >= 'a' && type[k] <= 'z')))
                return -1;
        if (memcmp(type, "IHDR", 4) == 0)
            return -1;
        if (memcmp(type, "PLTE", 4) == 0)
            seen_plte = 1;
        if (memcmp(type, "IDAT", 4) == 0) {
            if (color == 3 && !seen_plte)
                return -1;
            seen_idat = 1;
        }
        if (memcmp(type, "IEND", 4) == 0) {
            if (!seen_idat)
                return -1;
            break;
        }
        pos += 12 + (size_t)len;
    }
    *w = (int)pw;
    *h = (int)ph;
    return 0;
}

/* SOI, then marker segments up to the first SOS; the frame header must be
 * SOF0 (baseline), SOF1 (extended) or SOF2 (progressive), the kinds every
 * document reader decodes. After SOS an EOI must follow somewhere, or the
 * file was cut short. */
static int jpeg_dims(const unsigned char *p, size_t n, int *w, int *h)
{
    if (n < 4 || p[0] != 0xFF || p[1] != 0xD8)
        return -1;
    size_t pos = 2;
    int have_sof = 0;
    unsigned jw = 0, jh = 0;
    for (;;) {
        if (pos >= n || p[pos] != 0xFF)
            return -1;
        while (pos < n && p[pos] == 0xFF) /* fill bytes */
            pos++;
        if (pos >= n)
            return -1;
        unsigned m = p[pos++];
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) /* TEM, RSTn: no length */
            continue;
        if (m == 0x00 || m == 0xD8 || m == 0xD9) /* stuffing, a second SOI, EOI before any scan */
            return -1;
        if (n - pos < 2)
            return -1;
        unsigned len = be16(p + pos);
        if (len < 2 || len > n - pos)
            return -1;
        const unsigned char *seg = p + pos + 2;
        unsigned seg_len = len - 2;
        if (m == 0xC0 || m == 0xC1 || m == 0xC2) {
            if (have_sof || seg_len < 6)
                return -1;
            unsigned prec = seg[0], ncomp = seg[5];
            jh = be16(seg + 1);
            jw = be16(seg + 3);
            if ((prec != 8 && prec != 12) || ncomp < 1 || ncomp > 4 || seg_len != 6 + 3 * ncomp)
                return -1;
            have_sof = 1;
        } else if ((m >= 0xC3 && m <= 0xCF) && m != 0xC4 && m != 0xC8 && m != 0xCC) {
            return -1; /* lossless, hierarchical or arithmetic-coded: not for documents */
        } else if (m == 0xDA) {
            if (!have_sof)
                return -1;
            for (size_t i = pos + len; i + 1 < n; i++)
                if (p[i] == 0xFF && p[i + 1] == 0xD9)
                    goto found_eoi;
            return -1;
        }
        pos += len;
    }
found_eoi:
    if (!side_ok(jw) || !side_ok(jh))
        return -1;
    *w = (int)jw;
    *h = (int)jh;
    return 0;
}

int ls_image_dims(const unsigned char *p, size_t n, int *w, int *h, int *is_png)
{
    int iw = 0, ih = 0;
    if (!p)
        return -1;
    if (png_dims(p, n, &iw, &ih) == 0) {
        if (is_png)
            *is_png = 1;
    } else if (jpeg_dims(p, n, &iw, &ih) == 0) {
        if (is_png)
            *is_png = 0;
    } else {
        return -1;
    }
    if (w)
        *w = iw;
    if (h)
        *h = ih;
    return 0;
}
