/* fuzz_redact.c - the redactor and the terminal sanitiser take any bytes a
 * server or a plan can hold: no crash, output always NUL-terminated inside
 * its buffer, a registered secret never survives, and the sanitised text has
 * no control byte left. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "termsafe.h"
#include "util.h"

#define SECRET "sk-fuzz-SECRET-0123456789abcdef"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    longsd__redact_add_secret(SECRET);
    /* the input as given, and with the secret spliced into its middle */
    char *in = malloc(size + sizeof SECRET + 1);
    if (!in)
        return 0;
    size_t half = size / 2;
    memcpy(in, data, half);
    memcpy(in + half, SECRET, sizeof SECRET - 1);
    memcpy(in + half + sizeof SECRET - 1, data + half, size - half);
    size_t n = size + sizeof SECRET - 1;
    in[n] = '\0';
    size_t sizes[] = {1, 7, 64, 4096};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        char *out = malloc(sizes[k]);
        if (!out)
            break;
        size_t w = longsd__redact_into(in, n, out, sizes[k]);
        if (w >= sizes[k] || out[w] != '\0')
            abort();
        if (strstr(out, SECRET))
            abort();
        char safe[512];
        longsd__term_safe(out, safe, sizeof safe, 0);
        for (const unsigned char *p = (const unsigned char *)safe; *p; p++)
            if (*p < 0x20 || *p == 0x7f)
                abort();
        free(out);
    }
    char *d = longsd__redact_dup(in);
    if (d && strstr(d, SECRET))
        abort();
    longsd__free(d);
    free(in);
    return 0;
}
