/* unicode_tables.h - generated Unicode tables for the CLIP tokenizer (see
 * unicode_tables.c): inclusive code point ranges, sorted, for \p{L} and
 * \p{N}; {from, to} one-to-one lower-case maps; {from, to} NFC singleton
 * maps; {first, second, composed} canonical compositions sorted by pair. */
#ifndef LONGSD_UNICODE_TABLES_H
#define LONGSD_UNICODE_TABLES_H

#include <stddef.h>
#include <stdint.h>

extern const uint32_t sduni_letter[][2];
extern const size_t sduni_letter_n;
extern const uint32_t sduni_number[][2];
extern const size_t sduni_number_n;
extern const uint32_t sduni_lower[][2];
extern const size_t sduni_lower_n;
extern const uint32_t sduni_nfc_single[][2];
extern const size_t sduni_nfc_single_n;
extern const uint32_t sduni_nfc_pair[][3];
extern const size_t sduni_nfc_pair_n;

#endif
