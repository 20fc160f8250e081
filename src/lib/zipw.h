/* zipw.h - a zip archive assembled in memory and written with one atomic
 * rename (libzip underneath). Entries keep the order they were added in, and
 * none gets an extra field, so an EPUB's "mimetype" can come first, stored,
 * as the OCF container format requires. */
#ifndef LONGSD_ZIPW_H
#define LONGSD_ZIPW_H

#include <time.h>

#include "util.h"

typedef struct ls_zipw ls_zipw;

ls_zipw *ls_zipw_new(void);
void ls_zipw_free(ls_zipw *z);
/* Add an entry with a copy of data[0..len). store = 1 keeps it uncompressed
 * (already compressed images, an EPUB's mimetype), 0 deflates it. */
longsd_status ls_zipw_add(ls_zipw *z, const char *name, const void *data, size_t len, int store);
/* Same, taking ownership of data (allocated with longsd__malloc), even on
 * failure. */
longsd_status ls_zipw_add_take(ls_zipw *z, const char *name, char *data, size_t len, int store);
/* Build the archive (entries stamped with mtime) and write it atomically to
 * path: on failure the old file, if any, is untouched. */
longsd_status ls_zipw_save(ls_zipw *z, const char *path, time_t mtime, lserr *err);

/* The time to stamp into documents: SOURCE_DATE_EPOCH when set (reproducible
 * output), else now. */
time_t ls_doc_time(void);

#endif
