/* image_fit.h - an img2img init picture brought to the size asked for:
 * scaled to cover it (aspect kept) and centre-cropped, A1111's "Crop and
 * resize", then mapped to the VAE's [-1, 1] input. */
#ifndef LONGSD_IMAGE_FIT_H
#define LONGSD_IMAGE_FIT_H

#include <stdint.h>

/* out(3, dh, dw) in [-1, 1] from rgb(sh, sw, 3) bytes. Same size: each byte
 * b becomes 2 (b / 255) - 1 in float32, as diffusers' VaeImageProcessor.
 * Otherwise the scale is max(dw / sw, dh / sh) and each output pixel is a
 * triangle-filtered (bilinear, widened by 1 / scale when shrinking, as
 * PIL's antialiased resize) average of the source around its centre,
 * separable, rows first. Returns 0, or -1 when out of memory. */
int sdimg_fit(const uint8_t *rgb, int sw, int sh, int dw, int dh, float *out);

#endif
