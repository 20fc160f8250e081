/* xml.h - escaping text for XML 1.0 (and so for XHTML and HTML): the one
 * place where strings from the story, the plan or a server become markup.
 * Shared by the DOCX, EPUB and HTML writers. */
#ifndef LONGSD_XML_H
#define LONGSD_XML_H

#include <stddef.h>

#include "util.h"

/* Flags for ls_xml_escape. */
enum {
    LS_XML_TEXT = 0, /* element content: tab and newline stay as they are */
    LS_XML_ATTR = 1  /* attribute value: tab, newline and CR become &#9; &#10; &#13;
                      * so attribute-value normalisation cannot eat them */
};

/* Append s[0..n) to b escaped for XML: & < > " ' become &amp; &lt; &gt;
 * &quot; &#39; (the forms XML, XHTML and HTML all accept). Dropped, because
 * XML 1.0 forbids them (or, for DEL and C1, discourages them and HTML calls
 * them parse errors): invalid UTF-8 bytes (overlongs and encoded surrogates
 * included), C0 controls other than tab/LF/CR, DEL, U+0080..U+009F, U+FFFE,
 * U+FFFF. CR is written as &#13; so a parser does not fold it into LF.
 * Everything else (accents, CJK, RTL scripts, emoji) is kept byte for byte.
 * Returns LONGSD_OK, or the lsbuf error (LONGSD_ERR_NOMEM / _TOO_BIG). */
longsd_status ls_xml_escape(lsbuf *b, const char *s, size_t n, int flags);

/* Same for a NUL-terminated string (NULL is treated as ""). */
longsd_status ls_xml_escapes(lsbuf *b, const char *s, int flags);

/* 1 if code point cp may appear in an XML 1.0 document written by us (the
 * set ls_xml_escape keeps), 0 if it is dropped. */
int ls_xml_char_ok(unsigned long cp);

/* Direction of the first strong character of s: 1 if right-to-left (Hebrew,
 * Arabic, Syriac, Thaana, N'Ko, ... and their presentation forms), 0 if
 * left-to-right, -1 if there is none. Enough to lay a paragraph out from the
 * right (dir="rtl", w:bidi); the reader's bidi algorithm orders the rest. */
int ls_text_rtl(const char *s);

#endif
