/* tmpfile.h - the one way longsd makes temporary files and folders beside
 * their final path, and sweeps up its own orphans. Names carry the writer's
 * pid ("<path>.tmp.<pid>", "<path>.tmp-<pid>-XXXXXX/") so a later run can
 * tell an orphan of a killed run from the work of a live one. */
#ifndef LONGSD_TMPFILE_H
#define LONGSD_TMPFILE_H

#include "util.h"

/* Create "<path>.tmp.<pid>" with O_CREAT|O_EXCL|O_NOFOLLOW (mode 0666 less
 * umask): a planted file or symbolic link of that name is removed (the link
 * itself, never its target) and creation retried; *tmp_out (free with
 * longsd__free) gets the name. Returns an fd, or -1 with err set. */
int lstmp_open(const char *path, char **tmp_out, lserr *err);
/* mkdtemp "<path>.tmp-<pid>-XXXXXX" beside path; free the name with
 * longsd__free. NULL with err set. */
char *lstmp_mkdir(const char *path, lserr *err);
/* Remove from dir our orphans: "*.tmp.<pid>" files and
 * "*.tmp-<pid>-XXXXXX" folders whose pid is not alive. Never follows a
 * symbolic link; entries of other names are never touched. */
void lstmp_sweep(const char *dir);
/* lstmp_sweep on the folder that holds path. */
void lstmp_sweep_beside(const char *path);

#endif
