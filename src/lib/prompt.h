/* prompt.h - prompt-English: a scene plus a style preset, within CLIP's
 * 77-token budget, never cutting a word; seeds; style presets. */
#ifndef LONGSD_PROMPT_H
#define LONGSD_PROMPT_H

#include <stdint.h>

#include "ideas.h"

#define LS_CLIP_MAX_TOKENS 77 /* including <|startoftext|> and <|endoftext|> */

/* A set of style presets: the built-ins plus any loaded from a user file. */
typedef struct ls_styles ls_styles;

longsd_status ls_styles_new(ls_styles **out, lserr *err);          /* built-ins only */
/* Add or override presets from a JSON file:
 *   {"styles": [{"name": "...", "suffix": "...", "quality": "...", "negative": "...", "description": "..."}]}
 * Every field but name is optional. Errors name the file and the field.
 * Names are 1 to 32 of [a-z0-9_-]; a preset with a known name (a built-in
 * or one loaded before) overrides it and keeps the fields it does not give;
 * strings are sanitized like scene text (ls_prompt_sanitize). A malformed
 * file is LONGSD_ERR_PARAM ("styles.json: styles[2].suffix: expected a
 * string"), over the caps below LONGSD_ERR_TOO_BIG. */
longsd_status ls_styles_load_file(ls_styles *st, const char *path, lserr *err);
/* AUTOMATIC1111's styles.csv ("name,prompt,negative_prompt" header; the
 * text after "{prompt}" becomes the suffix, text before it follows it; no
 * placeholder: the whole prompt is the suffix) is read as well, by its
 * header; its names are lower-cased, other characters as '-'.
 * Same from memory (the fuzz target and tests use it); `name` stands for the
 * file in messages. On any error st is left unchanged. */
longsd_status ls_styles_load_memory(ls_styles *st, const char *name, const char *data, size_t n, lserr *err);
#define LS_STYLES_MAX_BYTES ((size_t)1 << 20) /* a presets file is a few KiB; refuse more than 1 MiB */
#define LS_STYLES_MAX_FIELD 1024              /* bytes per string field */
#define LS_STYLES_MAX_PRESETS 256             /* presets per file */
const longsd_style *ls_styles_find(const ls_styles *st, const char *name); /* NULL if unknown */
size_t ls_styles_count(const ls_styles *st);
const longsd_style *ls_styles_at(const ls_styles *st, size_t i);
void ls_styles_free(ls_styles *st);

/* CLIP token count of s, excluding start/end tokens: the real SD 1.x
 * tokenizer (sdtok_builtin). Invalid UTF-8 counts one token per byte; -1
 * only when out of memory (the vocabulary loads on first use). */
int ls_prompt_count_tokens(const char *s);

/* Make s safe to put in a prompt: control characters stripped, whitespace
 * collapsed, and the characters prompt syntaxes give meaning to (A1111
 * weights "()[]", "<lora:...>", ComfyUI/dynamic prompts "{}|", ":" weights,
 * the word BREAK, backslashes) removed, so text cannot steer the model beyond
 * the scene itself. Also drops "Negative prompt" (it would split A1111's
 * PNG parameters) and lower-cases the A1111 keyword AND. Keeps accents, CJK,
 * emoji and ordinary punctuation; never a space at either end; sanitizing
 * the result again changes nothing. NULL is read as "". Free with
 * longsd__free; NULL only when out of memory. */
char *ls_prompt_sanitize(const char *s);

typedef struct {
    char *positive;         /* free with longsd__free */
    char *negative;
    int tokens;             /* count incl. start/end tokens, <= 77 */
    char *lexica;           /* the lexica modifiers kept in positive, "; "-joined ("" none); free with longsd__free */
} ls_prompt;

/* Build prompt-English for an idea: the scene (with each present character's
 * description when it has one), then the style suffix, then quality tags,
 * trimmed at word/comma boundaries so the total fits 77 tokens. The scene is
 * trimmed before the suffix; quality tags are dropped before either.
 * The form is "<scene>; <Name>, <description>; ..., <suffix>, <quality>"
 * (order of giving up in prompt.c). style NULL means the default preset.
 * LONGSD_ERR_INPUT, naming the idea, when the scene has no usable word. On
 * error *out holds nothing to free. */
longsd_status ls_prompt_build(const ls_idea *idea, const ls_character *cast, size_t n_cast, const longsd_style *style,
                              ls_prompt *out, lserr *err);
/* Options of a prompt beyond the style. chunks: 1 (default) keeps the
 * whole prompt in CLIP's one 77-token window; N (2..LS_PROMPT_MAX_CHUNKS)
 * allows AUTOMATIC1111-style long prompts, N windows of 75 tokens each, cut
 * only between elements and joined with " BREAK " (tokens then counts every
 * window's start and end tokens, at most N x 77). period: the book's period
 * as a lexica modifier ("1870s, 19th century", see ls_lexica_period), NULL
 * or "" none; it is recorded first in lexica. */
typedef struct {
    int chunks;
    const char *period;
} ls_prompt_opts;
#define LS_PROMPT_MAX_CHUNKS 8
longsd_status ls_prompt_build_opts(const ls_idea *idea, const ls_character *cast, size_t n_cast,
                                   const longsd_style *style, const ls_prompt_opts *opts, ls_prompt *out, lserr *err);
void ls_prompt_clear(ls_prompt *p);

/* Seed from the text's SHA-256 (hex) and the idea id: stable across runs and
 * machines, in [0, 2^32 - 2] so every backend accepts it. */
uint32_t ls_prompt_seed(const char *text_sha256_hex, const char *idea_id);

#endif
