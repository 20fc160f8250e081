/* lexica.h - style modifiers chosen from what a scene shows (night, storm,
 * sea, forest, an interior, candlelight...), added on top of the style
 * preset: the "lexica" layer of prompt-English. Internal. */
#ifndef LONGSD_LEXICA_H
#define LONGSD_LEXICA_H

#include <stddef.h>

#define LS_LEXICA_MAX 3 /* modifiers per prompt at most */

/* The modifiers for an English scene, most specific first, into out[] (at
 * most LS_LEXICA_MAX, each a short phrase from the project's vocabulary in
 * lexica.c); returns how many. Deterministic: the same scene gives the same
 * modifiers. */
size_t ls_lexica_pick(const char *scene, const char *out[LS_LEXICA_MAX]);

#endif
