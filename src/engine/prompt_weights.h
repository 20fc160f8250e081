/* prompt_weights.h - A1111's prompt syntax for the text encoder:
 * emphasis "(words:1.3)", "(words)" x1.1, "[words]" /1.1, the escapes
 * "\(" "\)" "\[" "\]" "\\", "BREAK" (a new 75-token chunk) and prompts of
 * any length as 77-token chunks (BOS + 75 + EOS), each encoded alone and
 * concatenated; the weights multiply the encoder's output per token and
 * the chunk's mean is restored ("Original" emphasis). The chunking keeps
 * A1111's comma back-off: when a chunk fills up and a comma lies within
 * the last 20 tokens, the words after that comma move to the next chunk.
 * docs/engine.md says where this differs from diffusers. */
#ifndef LONGSD_PROMPT_WEIGHTS_H
#define LONGSD_PROMPT_WEIGHTS_H

#include <stddef.h>
#include <stdint.h>

#include "tokenizer.h"
#include "util.h"

#define SDPW_CHUNK 75      /* tokens between BOS and EOS */
#define SDPW_MAX_CHUNKS 32 /* 2400 tokens; longer prompts are LONGSD_ERR_TOO_BIG */
#define SDPW_COMMA_BACKOFF 20

/* One parsed piece: text with its weight; text "BREAK" with weight -1 is
 * a chunk break (a bracketed BREAK has another weight and is text). */
typedef struct {
    char *text; /* NUL-terminated, owned */
    double weight;
} sdpw_piece;

typedef struct {
    sdpw_piece *v;
    size_t n;
} sdpw_list;

/* Parse text (UTF-8, NUL-terminated) as A1111's parse_prompt_attention:
 * adjacent pieces of equal weight merged, never empty (an empty prompt is
 * one "" piece of weight 1). A "(...:w)" whose w is not a number is
 * LONGSD_ERR_PARAM naming the byte. */
longsd_status sdpw_parse(const char *text, sdpw_list *out /* OUT */, lserr *err);
void sdpw_list_free(sdpw_list *l);

/* Token chunks of a prompt: ids and multipliers (n, 77), BOS and EOS
 * (and the EOS padding) at weight 1. */
typedef struct {
    int n;
    int32_t *ids;
    float *mult;
} sdpw_chunks;

/* Parse and chunk text; at least one chunk. */
longsd_status sdpw_chunk(const sdtok *t, const char *text, sdpw_chunks *out /* OUT */, lserr *err);
void sdpw_chunks_free(sdpw_chunks *c);
/* z(n_tok, dim) *= mult per token, then scaled so its mean is the mean it
 * had before (left as is when every weight is 1 or the new mean is 0). */
void sdpw_emphasis(float *z, const float *mult, int n_tok, int dim);

#endif
