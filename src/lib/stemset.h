/* stemset.h - unique image file names for one render: a wanted stem is
 * handed out as is the first time, then as stem-2, stem-3, ... (the first
 * not yet handed out). Linear in the number of names: a hash set of names
 * given out, and for each stem the next suffix to try (a check against
 * every earlier name made a long plan's start quadratic, and identical
 * stems cubic). */
#ifndef LONGSD_STEMSET_H
#define LONGSD_STEMSET_H

#include "util.h"

typedef struct ls_stemset ls_stemset;

/* max_names: how many names will be taken at most (sizes the table once). */
ls_stemset *ls_stemset_new(size_t max_names);
void ls_stemset_free(ls_stemset *s);
/* Take the first free name of stem, stem-2, stem-3, ... into out.
 * LONGSD_ERR_TOO_BIG when out cannot hold it or max_names are taken,
 * LONGSD_ERR_NOMEM. */
longsd_status ls_stemset_take(ls_stemset *s, const char *stem, char *out, size_t out_size);

#endif
