/* lora_hash.h - the short hash A1111 writes for a LoRA in an image's
 * parameters ("Lora hashes: \"name: 0123456789ab\""), so that sites that
 * read them (civitai and the like) find the file: the first 12 hex
 * digits of the SHA-256 of a .safetensors file's tensor data (the bytes
 * after the 8-byte length and the JSON header; the "addnet" hash), or of
 * the file's own "sshs_model_hash" metadata when it has one. */
#ifndef LONGSD_LORA_HASH_H
#define LONGSD_LORA_HASH_H

#include "util.h"

#define LS_LORA_SHORTHASH 12

/* out: 12 lower-case hex digits and a NUL. A path that is not a
 * .safetensors file (a PEFT folder) is LONGSD_ERR_UNSUPPORTED: A1111 has
 * no hash for it; a file that is not a safetensors file is the reader's
 * error naming it. */
longsd_status ls_lora_shorthash(const char *path, char out[LS_LORA_SHORTHASH + 1], lserr *err);

/* The A1111 field for names[i] (the <lora:NAME> as written) with hashes[i]
 * (NULL: none), in order, a name once: `Lora hashes: "a: h1, b: h2"`, the
 * names without ':' and ',' as A1111 writes them, the value quoted as
 * JSON. NULL when no name has a hash (or out of memory: the field is
 * optional). */
char *ls_lora_hashes_field(const char *const *names, const char *const *hashes, size_t n);

#endif
