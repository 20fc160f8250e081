/* tmpfile.c - see tmpfile.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tmpfile.h"

int lstmp_open(const char *path, char **tmp_out, lserr *err)
{
    *tmp_out = NULL;
    char *tmp = longsd__asprintf("%s.tmp.%ld", path, (long)getpid());
    if (!tmp) {
        lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        return -1;
    }
    int fd = -1;
    for (int tries = 0; tries < 3 && fd < 0; tries++) {
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd < 0 && errno == EEXIST)
            unlink(tmp); /* a leftover or a planted link: the name is ours (our pid) */
        else if (fd < 0)
            break;
    }
    if (fd < 0) {
        lserr_set(err, LONGSD_ERR_IO, "%s: cannot create its temporary file %s: %s", path, tmp, strerror(errno));
        longsd__free(tmp);
        return -1;
    }
    *tmp_out = tmp;
    return fd;
}

char *lstmp_mkdir(const char *path, lserr *err)
{
    char *tmp = longsd__asprintf("%s.tmp-%ld-XXXXXX", path, (long)getpid());
    if (!tmp) {
        lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        return NULL;
    }
    if (!mkdtemp(tmp)) {
        lserr_set(err, LONGSD_ERR_IO, "%s: cannot create a folder beside it: %s", path, strerror(errno));
        longsd__free(tmp);
        return NULL;
    }
    return tmp;
}

static int dead(long pid)
{
    return pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(p) : unlink(p)) == 0 ? 0 : -1;
}

/* The pid in a name ending ".tmp.<pid>" (files) or ".tmp-<pid>-XXXXXX"
 * (folders); 0 if the name is not one of ours. */
static long orphan_pid(const char *name, int is_dir)
{
    const char *t = NULL;
    for (const char *p = strstr(name, ".tmp"); p; p = strstr(p + 1, ".tmp"))
        t = p; /* the last one: "a.tmp.b.tmp.12" */
    if (!t)
        return 0;
    char *end;
    if (!is_dir && t[4] == '.') {
        long pid = strtol(t + 5, &end, 10);
        return end != t + 5 && !*end ? pid : 0;
    }
    if (is_dir && t[4] == '-') {
        long pid = strtol(t + 5, &end, 10);
        return end != t + 5 && *end == '-' && strlen(end + 1) == 6 ? pid : 0;
    }
    return 0;
}

void lstmp_sweep(const char *dir)
{
    DIR *d = opendir(dir && *dir ? dir : ".");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        struct stat st;
        char *p = longsd__asprintf("%s/%s", dir && *dir ? dir : ".", e->d_name);
        if (p && lstat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode) && dead(orphan_pid(e->d_name, 1)))
                nftw(p, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
            else if (!S_ISDIR(st.st_mode) && dead(orphan_pid(e->d_name, 0)))
                unlink(p);
        }
        longsd__free(p);
    }
    if (d)
        closedir(d);
}

void lstmp_sweep_beside(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    if (!slash) {
        lstmp_sweep(".");
        return;
    }
    char *dir = longsd__strndup(path, (size_t)(slash - path));
    if (dir)
        lstmp_sweep(*dir ? dir : "/");
    longsd__free(dir);
}
