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

/* The book's period as a modifier ("1870s, 19th century") into out (cap
 * bytes; "" when none is found): the publication year on its title page
 * (the first lines of body[0..n), Gutenberg's release and e-book dates
 * left out), else the century most of the years the text names belong to
 * ("in the year 1793", three or more of them). Years after 1950 give
 * nothing: a modern book needs no period. Returns 1 when found. */
int ls_lexica_period(const char *body, size_t n, char *out, size_t cap);

#endif
