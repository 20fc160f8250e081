/* fuzz_prompt.c - libFuzzer target for the A1111 prompt syntax
 * (prompt_weights.c): the input is a prompt. Whatever parses must keep the
 * parser's promises: at least one piece, no two neighbours of one weight,
 * and chunks that start with BOS, end with EOS and carry finite weights;
 * and the <lora:NAME:W> tags of the same text. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lora.h"
#include "prompt_weights.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    lserr err = {0};
    sdpw_list l;
    if (sdpw_parse(s, &l, &err) == LONGSD_OK) {
        if (l.n == 0)
            abort();
        for (size_t i = 1; i < l.n; i++)
            if (l.v[i].weight == l.v[i - 1].weight)
                abort();
        sdpw_list_free(&l);
    }
    const sdtok *t = sdtok_builtin(&err);
    sdpw_chunks c;
    if (t && sdpw_chunk(t, s, &c, &err) == LONGSD_OK) {
        if (c.n < 1 || c.n > SDPW_MAX_CHUNKS)
            abort();
        for (int k = 0; k < c.n; k++) {
            if (c.ids[k * 77] != sdtok_bos(t) || c.ids[k * 77 + 76] != sdtok_eos(t))
                abort();
            for (int j = 0; j < 77; j++)
                if (!isfinite(c.mult[k * 77 + j]))
                    abort();
        }
        sdpw_chunks_free(&c);
    }
    /* <lora:...> tags: the cleaned prompt is never longer than the input */
    char *clean = NULL;
    sdlora_tag *tags = NULL;
    size_t nt = 0;
    if (sdlora_tags(s, &clean, &tags, &nt, &err) == LONGSD_OK) {
        if (strlen(clean) > size)
            abort();
        for (size_t i = 0; i < nt; i++)
            if (!tags[i].name[0] || !isfinite(tags[i].weight))
                abort();
        longsd__free(clean);
        sdlora_tags_free(tags, nt);
    }
    free(s);
    return 0;
}
