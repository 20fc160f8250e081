/* fuzz_taesd.c - libFuzzer target for loading a TAESD from one
 * .safetensors file (diffusers names or the original decoder layout): a
 * file that loads must decode a 2x2 latent without reading outside the
 * buffer, because every tensor the decoder reads was checked at load. */
#include <stdint.h>
#include <stdlib.h>

#include "safetensors.h"
#include "taesd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sdst_file *f = NULL;
    sdtaesd *t = NULL;
    lserr err = {0};
    if (sdst_open_mem(data, size, "fuzz", &f, &err) != LONGSD_OK)
        return 0;
    if (sdtaesd_open_st(f, &t, &err) != LONGSD_OK)
        return 0;
    const sdtaesd_cfg *c = sdtaesd_config(t);
    int fct = sdtaesd_factor(t);
    /* keep the decode small: wide or many-channel models only load */
    if (c->dec_ch <= 16 && fct <= 8 && c->out_ch <= 4) {
        sdarena a;
        sdarena_init(&a, (size_t)256 << 20);
        float z[64 * 4] = {0};
        for (int i = 0; i < c->latent_ch * 4 && i < 256; i++)
            z[i] = (float)(i % 7) - 3.0f;
        float *img = malloc((size_t)c->out_ch * 4 * fct * fct * sizeof *img);
        if (img && c->latent_ch <= 64)
            sdtaesd_decode(t, &a, z, 2, 2, img, NULL, &err);
        free(img);
        sdarena_free(&a);
    }
    sdtaesd_close(t);
    return 0;
}
