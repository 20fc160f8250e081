/* lock.c - the workspace lock: an advisory flock on ".<plan>.lock" beside a
 * plan, held by every run that writes the plan, so two runs on one book
 * never render every image twice or overwrite each other's plan. The lock
 * file is never removed (removing it would let a third run lock a new inode
 * while the first still holds the old one); it holds the holder's pid only
 * to name it in the message. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "ctx.h"

struct longsd_lock {
    int fd;
};

longsd_status longsd_plan_lock(longsd_ctx *ctx, const char *plan_path, longsd_lock **out)
{
    *out = NULL;
    lserr *err = &ctx->err;
    lserr_clear(err);
    if (!plan_path || !*plan_path)
        return lserr_set(err, LONGSD_ERR_PARAM, "no plan path to lock");
    longsd_status rc = lsfile_mkdirs(plan_path, 0, err);
    if (rc)
        return rc;
    /* hidden, beside the plan: image_prompts/.story.json.lock */
    const char *slash = strrchr(plan_path, '/');
    char *lp = slash ? longsd__asprintf("%.*s/.%s.lock", (int)(slash - plan_path), plan_path, slash + 1)
                     : longsd__asprintf(".%s.lock", plan_path);
    longsd_lock *l = longsd__calloc(1, sizeof *l);
    if (!lp || !l) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    l->fd = open(lp, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (l->fd < 0) {
        rc = lserr_set(err, LONGSD_ERR_IO, "%s: cannot open the plan's lock file: %s", lp, strerror(errno));
        goto out;
    }
    while (flock(l->fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EINTR)
            continue;
        if (errno == EWOULDBLOCK) {
            char buf[32] = {0};
            ssize_t n = pread(l->fd, buf, sizeof buf - 1, 0);
            long pid = n > 0 ? strtol(buf, NULL, 10) : 0;
            char who[48] = "another longsd run";
            if (pid > 0)
                snprintf(who, sizeof who, "another longsd run (pid %ld)", pid);
            rc = lserr_set(err, LONGSD_ERR_IO,
                           "%s: %s is working on this plan; wait for it to finish (or stop it) and run again",
                           plan_path, who);
        } else {
            rc = lserr_set(err, LONGSD_ERR_IO, "%s: cannot lock: %s", lp, strerror(errno));
        }
        goto out;
    }
    char pid[32];
    int pl = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(l->fd, 0) != 0 || pwrite(l->fd, pid, (size_t)pl, 0) != pl) {
        /* the pid is only for the message; the lock itself is held */
    }
    *out = l;
    l = NULL;
out:
    if (l && l->fd >= 0)
        close(l->fd);
    longsd__free(l);
    longsd__free(lp);
    return rc;
}

void longsd_plan_unlock(longsd_lock *l)
{
    if (!l)
        return;
    close(l->fd); /* releases the flock */
    longsd__free(l);
}
