/* wspath.c - see wspath.h. The checks are on bytes, before any system call,
 * so a hostile plan is refused with the field it came from; the opening is
 * done by the kernel beneath an open directory, so no check-then-use race
 * lets a link swapped in later lead out. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "wspath.h"

longsd_status ls_wspath_check_name(const char *name, lserr *err)
{
    if (!name || !*name)
        return lserr_set(err, LONGSD_ERR_PARAM, "is empty (a name is needed for the file names)");
    size_t n = strlen(name);
    if (n > LS_WSPATH_MAX_NAME)
        return lserr_set(err, LONGSD_ERR_PARAM, "is %zu bytes long, over the limit of %d", n, LS_WSPATH_MAX_NAME);
    if (lsutf8_validate(name, n) != (size_t)-1)
        return lserr_set(err, LONGSD_ERR_PARAM, "is not valid UTF-8");
    if (name[0] == '.' || name[0] == '-' || name[0] == ' ')
        return lserr_set(err, LONGSD_ERR_PARAM,
                         "must not start with '.', '-' or a space (it names files such as docx/<name>.docx)");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '/' || c == '\\')
            return lserr_set(err, LONGSD_ERR_PARAM,
                             "must be a plain name without '/' or '\\' (it names files inside the workspace, such "
                             "as docx/<name>.docx)");
        if (c < 0x20 || c == 0x7f)
            return lserr_set(err, LONGSD_ERR_PARAM, "contains a control character (byte %zu)", i);
    }
    return LONGSD_OK;
}

longsd_status ls_wspath_check_rel(const char *rel, lserr *err)
{
    if (!rel || !*rel)
        return lserr_set(err, LONGSD_ERR_PARAM, "is empty");
    size_t n = strlen(rel);
    if (n > 4096)
        return lserr_set(err, LONGSD_ERR_PARAM, "is over 4096 bytes");
    if (rel[0] == '/')
        return lserr_set(err, LONGSD_ERR_PARAM, "must be relative to the workspace (no leading '/')");
    if (rel[n - 1] == '/')
        return lserr_set(err, LONGSD_ERR_PARAM, "must name a file (no trailing '/')");
    if (lsutf8_validate(rel, n) != (size_t)-1)
        return lserr_set(err, LONGSD_ERR_PARAM, "is not valid UTF-8");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)rel[i];
        if (c < 0x20 || c == 0x7f || c == '\\')
            return lserr_set(err, LONGSD_ERR_PARAM, "contains a control character or '\\' (byte %zu)", i);
    }
    for (const char *p = rel; *p;) {
        size_t l = strcspn(p, "/");
        if (l == 0 || (l == 1 && p[0] == '.') || (l == 2 && p[0] == '.' && p[1] == '.'))
            return lserr_set(err, LONGSD_ERR_PARAM, "must stay inside the workspace (no empty, '.' or '..' part)");
        p += l;
        if (*p == '/')
            p++;
    }
    return LONGSD_OK;
}

/* Where openat2 is missing (kernel before 5.6, or a seccomp filter): walk
 * the components with O_NOFOLLOW, refusing every symbolic link. */
static int open_walk(int dirfd, const char *rel)
{
    char comp[4097];
    int cur = dirfd, owned = 0;
    const char *p = rel;
    for (;;) {
        size_t l = strcspn(p, "/");
        if (l >= sizeof comp) {
            errno = ENAMETOOLONG;
            goto fail;
        }
        memcpy(comp, p, l);
        comp[l] = '\0';
        p += l;
        int last = *p == '\0';
        int fd = openat(cur, comp, (last ? O_RDONLY : O_RDONLY | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            goto fail;
        if (owned)
            close(cur);
        cur = fd;
        owned = 1;
        if (last)
            return cur;
        p++;
    }
fail:;
    int e = errno;
    if (owned)
        close(cur);
    errno = e;
    return -1;
}

int ls_wspath_open(const char *root, const char *rel, int *missing, lserr *err)
{
    if (missing)
        *missing = 0;
    lserr why;
    if (ls_wspath_check_rel(rel, &why)) {
        lserr_set(err, LONGSD_ERR_PARAM, "%s: %s", rel ? rel : "(null)", why.msg);
        return -1;
    }
    const char *r = root && *root ? root : ".";
    int dfd = open(r, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        lserr_set(err, LONGSD_ERR_IO, "%s: cannot open the workspace folder: %s", r, strerror(errno));
        return -1;
    }
    struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof how);
    if (fd < 0 && (errno == ENOSYS || errno == EPERM))
        fd = open_walk(dfd, rel);
    int e = errno;
    close(dfd);
    if (fd >= 0)
        return fd;
    if (e == ENOENT) {
        if (missing)
            *missing = 1;
        lserr_set(err, LONGSD_ERR_IO, "%s/%s: no such file", r, rel);
    } else if (e == EXDEV || e == ELOOP) {
        lserr_set(err, LONGSD_ERR_IO,
                  "%s/%s: a symbolic link leads out of the workspace; longsd reads only files inside it (put the "
                  "file itself there, or fix the plan's path)",
                  r, rel);
    } else {
        lserr_set(err, LONGSD_ERR_IO, "%s/%s: cannot open: %s", r, rel, strerror(e));
    }
    return -1;
}

longsd_status ls_wspath_read(const char *root, const char *rel, size_t cap, char **out, size_t *out_len,
                             int *missing, lserr *err)
{
    *out = NULL;
    *out_len = 0;
    int fd = ls_wspath_open(root, rel, missing, err);
    if (fd < 0)
        return err ? err->code : LONGSD_ERR_IO;
    char shown[4200];
    snprintf(shown, sizeof shown, "%s/%s", root && *root ? root : ".", rel);
    return lsfile_read_fd(fd, shown, cap, out, out_len, err); /* closes fd */
}
