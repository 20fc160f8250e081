/* fuzz_hub_info.c - the hub's model-info reply and a model_index.json, the
 * two JSON documents from the network that decide which files a pull writes:
 * no crash, every accepted path is a plain relative path (no "..", no
 * leading '/'), every accepted hash is hex, and the file choice only marks
 * listed files. The input is split at the first NUL: info, then index. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hub_info.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nul = memchr(s, '\0', size);
    size_t n1 = nul ? (size_t)(nul - s) : size;
    ls_hub_info info;
    lserr e;
    char **comps = NULL;
    size_t nc = 0;
    int have_index = nul && ls_hub_parse_index(nul + 1, size - n1 - 1, &comps, &nc, &e) == LONGSD_OK;
    for (size_t i = 0; have_index && i < nc; i++)
        if (!comps[i][0] || strchr(comps[i], '/') || strcmp(comps[i], "..") == 0)
            abort();
    if (ls_hub_parse_info(s, n1, &info, &e) == LONGSD_OK) {
        if (strlen(info.commit) != 40)
            abort();
        for (size_t i = 0; i < info.n_files; i++) {
            const char *p = info.files[i].path;
            if (!p[0] || p[0] == '/' || strstr(p, "..") == p || strstr(p, "/../") || strstr(p, "//"))
                abort();
            size_t h = strlen(info.files[i].sha256);
            if (h != 0 && h != 64)
                abort();
        }
        size_t marked = ls_hub_select(&info, have_index ? comps : NULL, have_index ? nc : 0), count = 0;
        for (size_t i = 0; i < info.n_files; i++)
            count += info.files[i].want != 0;
        if (count != marked)
            abort();
        ls_hub_info_free(&info);
    }
    ls_hub_names_free(comps, nc);
    return 0;
}
