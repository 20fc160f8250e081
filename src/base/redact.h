/* redact.h - the one place secrets are removed from text that leaves the
 * process: every error message (lserr_set), every excerpt of a server's body,
 * every error or note stored in a plan, sidecar or document passes through
 * here. Known secrets (API keys the library was given or finds in the
 * environment) and anything shaped like one (an Authorization header value,
 * a Bearer token, an "sk-..." key, an api_key=... pair) become "[redacted]". */
#ifndef LONGSD_REDACT_H
#define LONGSD_REDACT_H

#include <stddef.h>

/* Remember s as a secret for the life of the process (copied; strings under
 * 6 bytes are ignored, they would redact ordinary words). Thread-safe. */
void longsd__redact_add_secret(const char *s);
/* Copy in[0..n) to out (out_size bytes incl. NUL, truncated on a UTF-8
 * boundary) with every secret replaced. Returns the length written. */
size_t longsd__redact_into(const char *in, size_t n, char *out, size_t out_size);
/* Redact the NUL-terminated s (buffer of size bytes) in place. */
void longsd__redact_inplace(char *s, size_t size);
/* A redacted copy of s (NULL stays NULL); free with longsd__free. */
char *longsd__redact_dup(const char *s);

#endif
