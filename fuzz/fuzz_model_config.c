/* fuzz_model_config.c - libFuzzer target for the model config readers
 * added for the fast path: a scheduler_config.json and a TAESD
 * (AutoencoderTiny) config.json, from the same bytes. Whatever parses must
 * be within the bounds the engine sizes buffers from. */
#include <stdint.h>
#include <stdlib.h>

#include "sampler.h"
#include "taesd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lserr err = {0};
    sdsched_cfg sc;
    if (sdsched_cfg_parse((const char *)data, size, "fuzz", &sc, &err) == LONGSD_OK) {
        if (sc.original_steps < 1 || sc.original_steps > SDS_TRAIN_STEPS)
            abort();
        sdsched s;
        for (int steps = 1; steps <= 8; steps++)
            for (int k = 0; k <= SDS_LCM; k++)
                if (sdsched_init_cfg(&s, &sc, (sds_kind)k, 0, steps, &err) == LONGSD_OK) {
                    for (int i = 0; i < steps; i++)
                        if (!(s.timesteps[i] >= -1 && s.timesteps[i] < SDS_TRAIN_STEPS + 100))
                            abort();
                    sdsched_free(&s);
                }
    }
    sdtaesd_cfg tc;
    if (sdtaesd_cfg_parse((const char *)data, size, "fuzz", &tc, &err) == LONGSD_OK &&
        (tc.latent_ch < 1 || tc.latent_ch > 64 || tc.n_dec < 1 || tc.n_dec > SDTAESD_MAX_STAGES))
        abort();
    return 0;
}
