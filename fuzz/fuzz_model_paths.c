/* fuzz_model_paths.c - ComfyUI's extra_model_paths.yaml parser on any bytes:
 * it accepts or refuses with a message naming the file, never crashes, and
 * what it accepts is a bounded list of non-empty folder names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model_paths.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ls_model_path *v = NULL;
    size_t n = 0;
    lserr e;
    e.msg[0] = '\0';
    if (ls_model_paths_parse((const char *)data, size, "f.yaml", "/base", &v, &n, &e) == LONGSD_OK) {
        if (n > LS_MODEL_PATHS_MAX)
            abort();
        for (size_t i = 0; i < n; i++)
            if (!v[i].kind || !v[i].dir || !v[i].kind[0] || !v[i].dir[0])
                abort();
    } else if (strncmp(e.msg, "f.yaml", 6) != 0 || v || n) {
        abort(); /* a refusal names the file and leaves nothing behind */
    }
    ls_model_paths_free(v, n);
    return 0;
}
