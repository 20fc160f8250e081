/* anchor.h - where a model's quote sits in the text: the quote is matched
 * against the ORIGINAL bytes of a span (hard wraps, CRLF, smart quotes and
 * all) and mapped back to a byte span there. Three levels, first hit wins:
 * exact (whitespace runs equal), tolerant (also case, punctuation, quote and
 * dash style, apostrophes), fuzzy (the window of the quote's length sharing
 * the most words, accepted from 60% shared). */
#ifndef LONGSD_ANCHOR_H
#define LONGSD_ANCHOR_H

#include <stddef.h>

/* Find quote in data[start, end). On a hit returns LS_ANCHOR_EXACT,
 * _TOLERANT or _FUZZY (llm.h) and sets [*out_start, *out_end) to the matched
 * bytes (whole characters, no surrounding space); LS_ANCHOR_NONE otherwise
 * (also for a quote with no words); -1 when out of memory. */
int ls_anchor_find(const char *data, size_t start, size_t end, const char *quote, size_t *out_start,
                   size_t *out_end);

#endif
