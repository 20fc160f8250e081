/* fuzz_image.c - libFuzzer target for ls_image_dims, the PNG/JPEG header
 * parser that later reads untrusted server replies. Besides memory safety
 * (the sanitizers), an accepted input must report sane dimensions and a
 * type that matches its magic bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "docx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int w = -1, h = -1, is_png = -1;
    if (ls_image_dims(data, size, &w, &h, &is_png) != 0)
        return 0;
    if (w < 1 || h < 1 || w > LS_IMAGE_MAX_SIDE || h > LS_IMAGE_MAX_SIDE)
        abort();
    if (is_png == 1 && (size < 8 || memcmp(data, "\x89PNG\r\n\x1a\n", 8) != 0))
        abort();
    if (is_png == 0 && (size < 2 || data[0] != 0xFF || data[1] != 0xD8))
        abort();
    if (is_png != 0 && is_png != 1)
        abort();
    /* The answer must not depend on the optional out-parameters. */
    if (ls_image_dims(data, size, NULL, NULL, NULL) != 0)
        abort();
    return 0;
}
