/* png_write.h - the PNG work of the renderer: decode to RGB (libpng) for the
 * blank-image check, encode RGB (tests, tools), and set a text chunk such as
 * A1111's "parameters" without re-encoding the pixels. */
#ifndef LONGSD_PNG_WRITE_H
#define LONGSD_PNG_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Images with more pixels than this are refused by the decoder (64 Mpx). */
#define LS_PNG_MAX_PIXELS ((size_t)64 << 20)

/* Decode a PNG to 8-bit RGB (w*h*3 bytes, free with longsd__free). Any
 * colour type or bit depth; alpha is composited on black. */
longsd_status ls_png_decode_rgb(const uint8_t *png, size_t n, uint8_t **rgb /* OUT */, int *w /* OUT */,
                                int *h /* OUT */, lserr *err);
/* Encode 8-bit RGB as PNG (free with longsd__free). */
longsd_status ls_png_encode_rgb(const uint8_t *rgb, int w, int h, uint8_t **png /* OUT */, size_t *n /* OUT */,
                                lserr *err);

/* Statistics of an RGB image: mean and standard deviation of the luma
 * (0..255) over a sample of pixels. */
void ls_rgb_stats(const uint8_t *rgb, int w, int h, double *mean /* OUT */, double *stddev /* OUT */);
/* A blank image is what safety filters send back: near-uniform (luma
 * standard deviation under this). */
#define LS_BLANK_STDDEV 2.0
/* 1 if the PNG decodes to a near-uniform image, 0 if not; -1 (err set) if it
 * does not decode. */
int ls_png_is_blank(const uint8_t *png, size_t n, lserr *err);

/* Copy png with a text chunk key=value placed right after IHDR, replacing
 * any text chunk (tEXt, zTXt, iTXt) of the same key. value is UTF-8: it is
 * written as tEXt (Latin-1) when every character fits, else as iTXt. The
 * input's chunk structure is checked (lengths, IHDR first, IEND last). */
longsd_status ls_png_set_text(const uint8_t *png, size_t n, const char *key, const char *value,
                              uint8_t **out /* OUT */, size_t *out_len /* OUT */, lserr *err);
/* The value of the uncompressed text chunk (tEXt or iTXt) named key, as
 * UTF-8 (free with longsd__free); NULL if absent or the PNG is malformed. */
char *ls_png_get_text(const uint8_t *png, size_t n, const char *key);

/* CRC-32 as PNG chunks use it. */
uint32_t ls_crc32(uint32_t crc, const void *p, size_t n);

#endif
