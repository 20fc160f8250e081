/* wspath.h - the one path policy for what longsd reads and writes inside a
 * workspace: names that become file names (a plan's "name") are plain names,
 * relative paths (a plan's image files) stay inside, and opening resolves
 * beneath the workspace so a symbolic link cannot lead out of it. */
#ifndef LONGSD_WSPATH_H
#define LONGSD_WSPATH_H

#include <stddef.h>

#include "util.h"

#define LS_WSPATH_MAX_NAME 120

/* A name used as one path component (docx/<name>.docx, images/<name>/):
 * 1..LS_WSPATH_MAX_NAME bytes of valid UTF-8, no '/', '\\', no control
 * character, not starting with '.', '-' or a space. LONGSD_ERR_PARAM with
 * the reason in err (err may be NULL). */
longsd_status ls_wspath_check_name(const char *name, lserr *err);
/* A path relative to the workspace: not empty, no leading '/', no '.' or
 * '..' component, no empty component, no '\\' or control character, valid
 * UTF-8, at most 4096 bytes. */
longsd_status ls_wspath_check_rel(const char *rel, lserr *err);
/* Open rel (checked as above) for reading beneath root (NULL = "."): no
 * component may be a symbolic link that leads out of root (with openat2's
 * RESOLVE_BENEATH; where the kernel lacks it, no symbolic link at all).
 * Returns an fd, or -1 with err set; *missing (may be NULL) is set to 1 when
 * the file simply does not exist. */
int ls_wspath_open(const char *root, const char *rel, int *missing, lserr *err);
/* ls_wspath_open + read it whole (at most cap bytes). Same *missing. */
longsd_status ls_wspath_read(const char *root, const char *rel, size_t cap, char **out, size_t *out_len,
                             int *missing, lserr *err);

#endif
