/* tokenizer.h - the CLIP byte-level BPE tokenizer of Stable Diffusion 1.x,
 * matching transformers' CLIPTokenizer (tokenizers backend): NFC (pairs and
 * singletons), whitespace runs to one space, Unicode lower-case, the CLIP
 * pre-tokenisation regex, bytes-to-unicode, "</w>" word ends, merges by rank,
 * <|startoftext|> ... <|endoftext|>, truncation and padding to a fixed
 * length. Vocabularies load from a diffusers tokenizer/ folder (vocab.json +
 * merges.txt) or from open_clip's bpe_simple_vocab_16e6.txt[.gz]; that file
 * is also built into the binary (data/clip/, sdtok_builtin). */
#ifndef LONGSD_TOKENIZER_H
#define LONGSD_TOKENIZER_H

#include <stdint.h>

#include "util.h"

#define SDTOK_MAX_LEN 77 /* SD 1.x context length */

typedef struct sdtok sdtok;

/* Load vocab_json and merges_txt (the diffusers/transformers files). */
longsd_status sdtok_load(const char *vocab_json, const char *merges_txt, sdtok **out, lserr *err);
/* Load DIR/vocab.json and DIR/merges.txt. */
longsd_status sdtok_load_dir(const char *dir, sdtok **out, lserr *err);
/* Load open_clip's merge list (bpe_simple_vocab_16e6.txt, plain or gzip): the
 * vocabulary is 256 byte tokens, the same with "</w>", one token per merge
 * (the first n_merges, 0 = 48894 as in CLIP), then the two special tokens. */
longsd_status sdtok_load_bpe(const char *path, int n_merges, sdtok **out, lserr *err);
/* Same from a gzip image in memory (all CLIP merges); label names it in errors. */
longsd_status sdtok_load_bpe_gz(const void *gz, size_t n, const char *label, sdtok **out, lserr *err);
/* The real SD 1.x tokenizer from the vocabulary built into the binary,
 * loaded once per process; thread-safe. Borrowed for the life of the
 * process (never free it); NULL, with err set, only when out of memory. */
const sdtok *sdtok_builtin(lserr *err);
void sdtok_free(sdtok *t); /* NULL is a no-op */

int sdtok_vocab_size(const sdtok *t);
int32_t sdtok_bos(const sdtok *t); /* <|startoftext|> */
int32_t sdtok_eos(const sdtok *t); /* <|endoftext|> */
/* The padding after EOS: <|endoftext|> unless the folder's
 * tokenizer_config.json / special_tokens_map.json name a pad_token (SD 2.x:
 * "!", id 0). */
int32_t sdtok_pad(const sdtok *t);
/* The pad_token of a tokenizer_config.json / special_tokens_map.json text
 * (a string or an AddedToken object) into out; "" when it names none.
 * Malformed JSON or an odd pad_token is LONGSD_ERR_MODEL naming label. */
longsd_status sdtok_pad_token_parse(const char *text, size_t len, const char *label, char *out, size_t cap,
                                    lserr *err);
/* Pad with id instead (a vocabulary without config files, for a model
 * family that pads otherwise); an id outside the vocabulary is ignored. */
void sdtok_set_pad(sdtok *t, int32_t id);

/* Tokenise text (UTF-8) into ids[0..max_len): BOS, at most max_len-2 tokens
 * (the rest is cut off), EOS, then sdtok_pad() as padding. *n_used (may be NULL)
 * gets the count before padding. Invalid UTF-8 is LONGSD_ERR_ENCODING. */
longsd_status sdtok_encode(const sdtok *t, const char *text, int32_t *ids, int max_len, int *n_used, lserr *err);
/* The tokens of text alone (no BOS/EOS, no padding), at most cap of them
 * into ids; *n gets the count (== cap may mean more were cut off). */
longsd_status sdtok_encode_raw(const sdtok *t, const char *text, int32_t *ids, int cap, int *n, lserr *err);
/* The id of a vocabulary entry such as ",</w>"; -1 if absent. */
int32_t sdtok_token_id(const sdtok *t, const char *token);
/* \p{L} or \p{N}, the tokenizer's letter and number classes. */
int sdtok_is_alnum(uint32_t cp);

#endif
