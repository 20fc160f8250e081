/* fuzz_path.c - the workspace path policy on any bytes a plan can hold: a
 * name it accepts is one plain path component, a relative path it accepts
 * has no '..', '.', empty or absolute part, and neither check crashes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wspath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    lserr e;
    if (ls_wspath_check_name(s, &e) == LONGSD_OK) {
        if (!*s || strchr(s, '/') || strchr(s, '\\') || s[0] == '.' || strlen(s) > LS_WSPATH_MAX_NAME)
            abort();
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
            if (*p < 0x20 || *p == 0x7f)
                abort();
    } else if (!e.msg[0]) {
        abort(); /* a refusal always says why */
    }
    if (ls_wspath_check_rel(s, &e) == LONGSD_OK) {
        if (s[0] == '/' || strstr(s, "//") || strchr(s, '\\'))
            abort();
        for (char *c = s;;) {
            size_t l = strcspn(c, "/");
            if (l == 0 || (l == 1 && c[0] == '.') || (l == 2 && c[0] == '.' && c[1] == '.'))
                abort();
            c += l;
            if (!*c)
                break;
            c++;
        }
    }
    free(s);
    return 0;
}
