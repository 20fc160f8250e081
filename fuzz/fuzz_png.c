/* fuzz_png.c - PNG handling of server replies on arbitrary bytes: header
 * sniffing, decoding for the blank check, and text-chunk insertion/reading. */
#include <stdint.h>
#include <stdlib.h>

#include "docx.h"
#include "png_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int w, h, is_png;
    lserr err;
    if (ls_image_dims(data, size, &w, &h, &is_png) == 0 && is_png && (size_t)w * (size_t)h <= ((size_t)1 << 22))
        ls_png_is_blank(data, size, &err);
    uint8_t *out = NULL;
    size_t on = 0;
    if (ls_png_set_text(data, size, "parameters", "a prompt\nSteps: 20, Seed: 1", &out, &on, &err) == LONGSD_OK) {
        char *t = ls_png_get_text(out, on, "parameters");
        if (!t)
            abort(); /* what we wrote must read back */
        longsd__free(t);
        longsd__free(out);
    }
    char *t = ls_png_get_text(data, size, "parameters");
    longsd__free(t);
    return 0;
}
