/* termsafe.h - text bound for a terminal, made harmless: the one sanitiser
 * for server text, LLM errors and plan strings the CLI prints. */
#ifndef LONGSD_TERMSAFE_H
#define LONGSD_TERMSAFE_H

#include <stddef.h>

/* Copy s to out (out_size bytes incl. NUL) with every control character
 * (C0 including ESC, BEL, CR and - unless keep_newlines - LF and TAB; DEL;
 * C1 U+0080..U+009F; the bidirectional overrides U+202A..U+202E and
 * U+2066..U+2069) written as a visible escape ("\x1b", "\u202e"), and
 * invalid UTF-8 bytes as "\xNN". Never cuts an escape or a character in
 * half. Returns out. */
char *longsd__term_safe(const char *s, char *out, size_t out_size, int keep_newlines);

#endif
