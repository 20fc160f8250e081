/* fuzz_model_config.c - libFuzzer target for the model config readers
 * added for the fast path and SD 2.x: a scheduler_config.json (every
 * sampler then takes a step, v-prediction included), a TAESD
 * (AutoencoderTiny) config.json and a tokenizer config's pad_token, from
 * the same bytes; and, read back from a file as the loaders take them, a
 * UNet config.json (SDXL's per-block transformer depth and text_time
 * sizes) and a CLIP text encoder's (projection_dim). Whatever parses must
 * be within the bounds the engine sizes buffers from. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nets.h"
#include "sampler.h"
#include "taesd.h"
#include "tokenizer.h"

static char path[64];

static void drop_scratch(void)
{
    unlink(path);
}

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
                    float x[4] = {0.5f, -1.0f, 2.0f, 0.0f}, e[4] = {0.1f, 0.2f, -0.3f, 1.0f}, nz[4] = {0};
                    sdsched_step(&s, 0, e, x, 4, nz, &err);
                    sdsched_free(&s);
                }
    }
    char pad[64];
    if (sdtok_pad_token_parse((const char *)data, size, "fuzz", pad, sizeof pad, &err) == LONGSD_OK &&
        strlen(pad) >= sizeof pad)
        abort();
    sdtaesd_cfg tc;
    if (sdtaesd_cfg_parse((const char *)data, size, "fuzz", &tc, &err) == LONGSD_OK &&
        (tc.latent_ch < 1 || tc.latent_ch > 64 || tc.n_dec < 1 || tc.n_dec > SDTAESD_MAX_STAGES))
        abort();
    /* the file-based loaders: one scratch file per process */
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/fuzz_model_config.XXXXXX");
        int fd = mkstemp(path);
        if (fd < 0)
            return 0;
        close(fd);
        atexit(drop_scratch);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    sdunet_cfg uc;
    if (sdunet_cfg_load(path, &uc, &err) == LONGSD_OK) {
        if (uc.n_blocks < 1 || uc.n_blocks > SDNET_MAX_BLOCKS)
            abort();
        for (int i = 0; i < uc.n_blocks; i++)
            if (uc.tlayers[i] < 1 || uc.tlayers[i] > 64 || uc.heads[i] < 1 || uc.ch[i] % uc.heads[i])
                abort();
        if (uc.add_time_dim && (uc.add_time_dim < 2 || uc.add_in <= SDXL_TIME_IDS * uc.add_time_dim))
            abort();
    }
    sdclip_cfg cc;
    if (sdclip_cfg_load(path, &cc, &err) == LONGSD_OK &&
        (cc.proj < 0 || cc.proj > 65536 || cc.hidden < 1 || cc.hidden % cc.heads))
        abort();
    return 0;
}
