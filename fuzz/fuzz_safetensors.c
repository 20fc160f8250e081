/* fuzz_safetensors.c - libFuzzer target for the safetensors header parser:
 * the input is a whole .safetensors file. Whatever parses must convert to
 * f32 without reading outside the buffer. */
#include <stdint.h>
#include <stdlib.h>

#include "safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sdst_file *f = NULL;
    lserr err = {0};
    if (sdst_open_mem(data, size, "fuzz", &f, &err) != LONGSD_OK)
        return 0;
    for (size_t i = 0; i < sdst_count(f); i++) {
        const sdst_tensor *t = sdst_at(f, i);
        if (sdst_find(f, t->name) == NULL)
            abort();
        if (t->numel > 1 << 20)
            continue;
        float *buf = malloc(t->numel ? t->numel * sizeof *buf : 1);
        if (buf)
            sdst_to_f32(f, t, buf, t->numel, &err);
        free(buf);
    }
    sdst_meta(f, "format");
    sdst_close(f);
    return 0;
}
