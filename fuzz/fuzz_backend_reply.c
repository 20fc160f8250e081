/* fuzz_backend_reply.c - the image backends' reply parsers on arbitrary
 * bytes: A1111 txt2img JSON, OpenAI images JSON and ComfyUI /history JSON.
 * The first byte picks the parser (so one corpus covers all three); the
 * decoded image is capped at 1 MiB. */
#include <stdint.h>
#include <stdlib.h>

#include "backend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *body = (const char *)data + 1;
    size_t n = size - 1;
    ls_render_image im = {0};
    lserr err;
    switch (data[0] % 3) {
    case 0:
        ls_a1111_parse_reply(body, n, (size_t)1 << 20, &im, &err);
        break;
    case 1:
        ls_openai_parse_reply(body, n, (size_t)1 << 20, &im, &err);
        break;
    default: {
        int done = 0;
        char *fn = NULL, *sf = NULL, *ty = NULL;
        ls_comfyui_parse_history(body, n, "abc", &done, &fn, &sf, &ty, &err);
        longsd__free(fn);
        longsd__free(sf);
        longsd__free(ty);
        break;
    }
    }
    ls_render_image_free(&im);
    return 0;
}
