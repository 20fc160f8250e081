/* util.h - internal helpers shared by the library: allocation hook, capped
 * growable buffers, error messages, hashing, atomic file writes, UTF-8.
 * Nothing here is public API; the public surface is include/longsd.h. */
#ifndef LONGSD_UTIL_H
#define LONGSD_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "longsd.h"

/* ---- allocation: every allocation goes through here so tests can inject
 * failures (set longsd__alloc_fail_after to N: the N+1-th call fails). */
extern long longsd__alloc_fail_after; /* -1 = never fail */
void *longsd__malloc(size_t n);
void *longsd__calloc(size_t n, size_t size);
void *longsd__realloc(void *p, size_t n);
void longsd__free(void *p);
char *longsd__strdup(const char *s);
char *longsd__strndup(const char *s, size_t n);
char *longsd__asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- growable byte buffer with a hard cap (curl dynbuf): appending past
 * cap fails with LONGSD_ERR_TOO_BIG instead of eating all memory. The
 * content is always NUL-terminated when len > 0. */
typedef struct {
    char *data;
    size_t len;
    size_t alloc;
    size_t cap; /* max len in bytes; 0 = 1 GiB */
} lsbuf;

void lsbuf_init(lsbuf *b, size_t cap);
void lsbuf_free(lsbuf *b);
void lsbuf_reset(lsbuf *b);
longsd_status lsbuf_add(lsbuf *b, const void *p, size_t n);
longsd_status lsbuf_adds(lsbuf *b, const char *s);
longsd_status lsbuf_addc(lsbuf *b, char c);
longsd_status lsbuf_printf(lsbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the content to the caller (free with longsd__free); b is reset. */
char *lsbuf_steal(lsbuf *b);

/* ---- error reporting: a status plus a detailed message, owned by a handle. */
typedef struct {
    longsd_status code;
    char msg[1024];
} lserr;

/* Set err (if non-NULL) and return code, so callers can `return lserr_set(...)`. */
longsd_status lserr_set(lserr *err, longsd_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void lserr_clear(lserr *err);

/* ---- hashing */
typedef struct {
    uint32_t h[8];
    uint64_t n;
    uint8_t block[64];
    size_t fill;
} lssha256;
void lssha256_init(lssha256 *s);
void lssha256_update(lssha256 *s, const void *p, size_t n);
void lssha256_final(lssha256 *s, uint8_t out[32]);
/* Lower-case hex SHA-256 of p[0..n) into hex (65 bytes incl. NUL). */
void lssha256_hex(const void *p, size_t n, char hex[65]);
uint64_t lsfnv1a64(const void *p, size_t n, uint64_t seed);
#define LSFNV_SEED 0xcbf29ce484222325ULL

/* ---- files */
/* Read a whole file (at most cap bytes; more is LONGSD_ERR_TOO_BIG). */
longsd_status lsfile_read(const char *path, size_t cap, char **out, size_t *out_len, lserr *err);
/* The same from an open fd (closed here on every path); path is for messages. */
longsd_status lsfile_read_fd(int fd, const char *path, size_t cap, char **out, size_t *out_len, lserr *err);
/* Write data to path atomically: temp file in the same directory, fsync,
 * rename. On any failure the old file (if any) is untouched and no temp
 * file is left behind. */
longsd_status lsfile_write_atomic(const char *path, const void *data, size_t n, lserr *err);
/* mkdir -p for the directory part of path (or the path itself if is_dir). */
longsd_status lsfile_mkdirs(const char *path, int is_dir, lserr *err);
int lsfile_exists(const char *path);

/* ---- UTF-8 */
/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid/truncated.
 * Rejects overlongs, surrogates and code points above U+10FFFF. */
int lsutf8_seqlen(const unsigned char *s, size_t avail);
/* Decode one valid sequence (call lsutf8_seqlen first). */
uint32_t lsutf8_decode(const unsigned char *s, int len);
int lsutf8_encode(uint32_t cp, char out[4]);
/* Byte offset of the first invalid sequence, or (size_t)-1 if valid. */
size_t lsutf8_validate(const char *s, size_t n);

/* ---- strings */
/* Copy of s[0..n) with control characters removed, every run of whitespace
 * collapsed to one space, and the ends trimmed. Invalid UTF-8 is dropped. */
char *lsstr_clean(const char *s, size_t n);
/* ASCII slug: lower-case [a-z0-9-], runs of anything else become one '-',
 * at most max bytes, cut at a '-' when possible. Empty if nothing usable. */
void lsstr_slug(const char *s, char *out, size_t max);
int lsstr_casecmp_ascii(const char *a, const char *b);

#endif
