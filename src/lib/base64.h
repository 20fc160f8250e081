/* base64.h - RFC 4648 base64 for image payloads in JSON replies: a strict
 * decoder (whitespace skipped, anything else outside the alphabet refused)
 * and an encoder. */
#ifndef LONGSD_BASE64_H
#define LONGSD_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Decode s[0..n) into a new buffer (free with longsd__free). Accepts the
 * standard alphabet, optional '=' padding and ASCII whitespace; a data: URL
 * prefix ("data:image/png;base64,") is skipped. Fails with LONGSD_ERR_BACKEND
 * on any other byte, misplaced padding or a dangling single character, and
 * with LONGSD_ERR_TOO_BIG when the output would exceed cap bytes. */
longsd_status ls_base64_decode(const char *s, size_t n, size_t cap, uint8_t **out /* OUT */,
                               size_t *out_len /* OUT */, lserr *err);
/* Encode p[0..n) as a NUL-terminated string (free with longsd__free); NULL
 * when out of memory. */
char *ls_base64_encode(const void *p, size_t n);

#endif
