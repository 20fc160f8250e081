/* fuzz_init_image.c - an img2img init picture on arbitrary bytes: the PNG
 * decode the native backend does (libpng, src/lib/png_write.c), then the
 * engine's scale-to-cover and centre crop (src/engine/image_fit.c) to a
 * target size taken from the input's first bytes, both directions of
 * scaling and odd aspect ratios included. Every output value must lie in
 * [-1, 1]. */
#include <stdint.h>
#include <stdlib.h>

#include "image_fit.h"
#include "png_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int dw = 1 + data[0] % 96, dh = 1 + data[1] % 96;
    uint8_t *rgb = NULL;
    int w = 0, h = 0;
    lserr err;
    lserr_clear(&err);
    if (ls_png_decode_rgb(data + 2, size - 2, &rgb, &w, &h, &err) != LONGSD_OK)
        return 0;
    if ((size_t)w * (size_t)h <= ((size_t)1 << 20)) {
        float *out = malloc((size_t)3 * dw * dh * sizeof *out);
        if (out && sdimg_fit(rgb, w, h, dw, dh, out) == 0)
            for (size_t k = 0; k < (size_t)3 * dw * dh; k++)
                if (!(out[k] >= -1.0f && out[k] <= 1.0f))
                    abort();
        free(out);
    }
    longsd__free(rgb);
    return 0;
}
