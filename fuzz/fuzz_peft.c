/* fuzz_peft.c - libFuzzer target for the PEFT adapter_config.json reader
 * (peft.c): the input is the config's text, read as an adapter_config.json
 * and as diffusers' lora_adapter_metadata (its "unet.*" keys). Whatever
 * parses must give every module name a finite scale or an error, patterns
 * included. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "peft.h"

static void scales(const sdpeft *c)
{
    static const char *const modules[] = {
        "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q",
        "text_model.encoder.layers.0.self_attn.q_proj",
        "to_k",
        "",
    };
    lserr err = {0};
    for (size_t i = 0; i < sizeof modules / sizeof *modules; i++)
        for (int r = 1; r <= 8; r *= 2) {
            float s = NAN;
            if (sdpeft_scale(c, modules[i], r, "t", &s, &err) == LONGSD_OK && !isfinite(s))
                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1); /* the metadata is a C string */
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    lserr merr = {0};
    sdpeft *m = NULL;
    if (sdpeft_from_diffusers_meta(text, "unet", "fuzz", &m, &merr) == LONGSD_OK && m)
        scales(m);
    sdpeft_free(m);
    free(text);
    lserr err = {0};
    sdpeft *c = NULL;
    if (sdpeft_parse((const char *)data, size, "fuzz", &c, &err) != LONGSD_OK) {
        if (!err.msg[0])
            abort(); /* every refusal says why */
        return 0;
    }
    scales(c);
    sdpeft_free(c);
    return 0;
}
