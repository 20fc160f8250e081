/* xml.c - XML 1.0 text escaping: untrusted UTF-8 in, well-formed character
 * data out, whatever bytes came in. */
#include "xml.h"

#include <string.h>

int ls_xml_char_ok(unsigned long cp)
{
    if (cp < 0x20)
        return cp == '\t' || cp == '\n' || cp == '\r';
    if (cp >= 0x7F && cp <= 0x9F) /* DEL and C1: allowed by XML 1.0 but invisible junk */
        return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) /* surrogates never stand alone */
        return 0;
    if (cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return cp <= 0x10FFFF;
}

longsd_status ls_xml_escape(lsbuf *b, const char *s, size_t n, int flags)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0; /* p[run..i) is a stretch copied as is */
    longsd_status rc = LONGSD_OK;

    if (!s)
        return LONGSD_OK;
    while (i < n) {
        unsigned c = p[i];
        const char *rep = NULL;
        size_t len = 1;
        int keep = 1;

        if (c < 0x80) {
            switch (c) {
            case '&': rep = "&amp;"; break;
            case '<': rep = "&lt;"; break;
            case '>': rep = "&gt;"; break;
            case '"': rep = "&quot;"; break;
            case '\'': rep = "&#39;"; break;
            case '\r': rep = "&#13;"; break;
            case '\t': rep = (flags & LS_XML_ATTR) ? "&#9;" : NULL; break;
            case '\n': rep = (flags & LS_XML_ATTR) ? "&#10;" : NULL; break;
            default: keep = ls_xml_char_ok(c); break;
            }
        } else {
            int l = lsutf8_seqlen(p + i, n - i);
            if (l == 0) {
                keep = 0; /* drop one byte and resynchronise on the next */
            } else {
                len = (size_t)l;
                keep = ls_xml_char_ok(lsutf8_decode(p + i, l));
            }
        }
        if (rep || !keep) {
            if (i > run && (rc = lsbuf_add(b, p + run, i - run)))
                return rc;
            if (rep && (rc = lsbuf_adds(b, rep)))
                return rc;
            i += len;
            run = i;
        } else {
            i += len;
        }
    }
    if (i > run)
        rc = lsbuf_add(b, p + run, i - run);
    return rc;
}

longsd_status ls_xml_escapes(lsbuf *b, const char *s, int flags)
{
    return s ? ls_xml_escape(b, s, strlen(s), flags) : LONGSD_OK;
}

int ls_text_rtl(const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)p), i = 0;
    while (i < n) {
        int l = lsutf8_seqlen(p + i, n - i);
        if (!l) {
            i++;
            continue;
        }
        uint32_t c = lsutf8_decode(p + i, l);
        i += (size_t)l;
        if ((c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFE) ||
            (c >= 0x10800 && c <= 0x10FFF) || (c >= 0x1E800 && c <= 0x1EFFF))
            return 1;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c < 0x0590 && c != 0xD7 && c != 0xF7) ||
            (c >= 0x0900 && c < 0x2000) || (c >= 0x2C00 && c < 0x2E00) || (c >= 0x3040 && c < 0xD800) ||
            (c >= 0xF900 && c < 0xFB1D) || (c >= 0x20000 && c < 0x30000))
            return 0;
    }
    return -1;
}
