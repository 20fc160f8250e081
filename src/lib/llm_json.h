/* llm_json.h - JSON out of what a language model actually writes: the bare
 * value, or one wrapped in a code fence or in prose, with trailing commas,
 * smart or single quotes as delimiters, raw newlines in strings, or a
 * missing closing bracket reported as truncation. Untrusted input: size
 * capped, never reads past n, fuzzed (fuzz/fuzz_llm_reply.c). */
#ifndef LONGSD_LLM_JSON_H
#define LONGSD_LLM_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "util.h"

#define LS_LLM_JSON_MAX ((size_t)4 << 20) /* a reply of ideas is a few KiB */

/* The first JSON object found in text[0..n) (an array is accepted too and
 * returned as is). NULL with a reason in why (e.g. "no JSON object in the
 * reply", "the JSON is cut off (unbalanced brackets)") when none parses.
 * *how (may be NULL) gets 0 = strict JSON, 1 = found inside a fence or
 * prose, 2 = needed repairs. Free with json_decref. */
json_t *ls_llm_json_extract(const char *text, size_t n, int *how, char *why, size_t why_size);

#endif
