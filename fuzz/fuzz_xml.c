/* fuzz_xml.c - libFuzzer target for the XML escaper: whatever bytes come
 * in, what comes out must be valid UTF-8 with only characters XML 1.0
 * allows, no raw markup characters, and every '&' must start one of the
 * entities the escaper writes. The first input byte picks the mode. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xml.h"

static const char *const ENTITIES[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#13;", "&#9;", "&#10;"};

static void check(const char *s, size_t n, int flags)
{
    const unsigned char *p = (const unsigned char *)s;
    if (lsutf8_validate(s, n) != (size_t)-1)
        abort();
    for (size_t i = 0; i < n;) {
        int l = lsutf8_seqlen(p + i, n - i);
        uint32_t cp = lsutf8_decode(p + i, l);
        if (!ls_xml_char_ok(cp) || cp == '<' || cp == '>' || cp == '"' || cp == '\'' || cp == '\r')
            abort();
        if ((flags & LS_XML_ATTR) && (cp == '\t' || cp == '\n'))
            abort();
        if (cp == '&') {
            int known = 0;
            for (size_t k = 0; k < sizeof ENTITIES / sizeof ENTITIES[0]; k++)
                if (strncmp(s + i, ENTITIES[k], strlen(ENTITIES[k])) == 0)
                    known = 1;
            if (!known)
                abort();
        }
        i += (size_t)l;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int flags = (data[0] & 1) ? LS_XML_ATTR : LS_XML_TEXT;
    lsbuf b;
    lsbuf_init(&b, 0);
    if (ls_xml_escape(&b, (const char *)data + 1, size - 1, flags) != LONGSD_OK)
        abort();
    /* Escaping never shrinks markup away: each input byte gives at most 6. */
    if (b.len > 6 * (size - 1))
        abort();
    check(b.data ? b.data : "", b.len, flags);
    lsbuf_free(&b);
    return 0;
}
