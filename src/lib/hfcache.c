/* hfcache.c - the Hugging Face hub cache layout (see hfcache.h). */
#include "hfcache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

char *ls_hf_cache_dir(void)
{
    const char *v;
    if ((v = env("HF_HUB_CACHE")))
        return longsd__strdup(v);
    if ((v = env("HF_HOME")))
        return longsd__asprintf("%s/hub", v);
    if ((v = env("XDG_CACHE_HOME")))
        return longsd__asprintf("%s/huggingface/hub", v);
    if ((v = env("HOME")))
        return longsd__asprintf("%s/.cache/huggingface/hub", v);
    return NULL;
}

static int id_part_ok(const char *s, size_t n)
{
    if (n == 0 || s[0] == '-' || s[0] == '.' || s[n - 1] == '-' || s[n - 1] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.'))
            return 0;
        /* "--" would make the cache folder name ambiguous */
        if (i && (c == '-' || c == '.') && s[i - 1] == c)
            return 0;
    }
    return 1;
}

int ls_hf_parse_name(const char *name, char repo[LS_HF_MAX_ID + 1], char rev[LS_HF_MAX_REV + 1])
{
    const char *at = strchr(name, '@');
    size_t n = at ? (size_t)(at - name) : strlen(name);
    const char *slash = memchr(name, '/', n);
    if (!slash || n > LS_HF_MAX_ID || memchr(slash + 1, '/', n - (size_t)(slash - name) - 1))
        return -1;
    if (!id_part_ok(name, (size_t)(slash - name)) || !id_part_ok(slash + 1, n - (size_t)(slash - name) - 1))
        return -1;
    const char *r = at ? at + 1 : "main";
    size_t rl = strlen(r);
    if (rl == 0 || rl > LS_HF_MAX_REV || strstr(r, "..") || r[0] == '/' || r[rl - 1] == '/' || strstr(r, "//"))
        return -1;
    for (const unsigned char *p = (const unsigned char *)r; *p; p++)
        if (*p <= 0x20 || *p == 0x7f || *p == '\\' || *p == '@')
            return -1;
    memcpy(repo, name, n);
    repo[n] = '\0';
    memcpy(rev, r, rl + 1);
    return 0;
}

char *ls_hf_repo_dir(const char *cache, const char *repo)
{
    const char *slash = strchr(repo, '/');
    if (!slash)
        return longsd__asprintf("%s/models--%s", cache, repo);
    return longsd__asprintf("%s/models--%.*s--%s", cache, (int)(slash - repo), repo, slash + 1);
}

int ls_hf_is_commit(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == 40;
}

longsd_status ls_hf_find_snapshot(const char *cache, const char *repo, const char *rev, char **out, char commit[41],
                                  lserr *err)
{
    *out = NULL;
    char *dir = ls_hf_repo_dir(cache, repo), *ref = NULL, *snap = NULL, *hash = NULL;
    longsd_status rc = LONGSD_ERR_NOMEM;
    if (!dir)
        goto out;
    char local[41];
    if (ls_hf_is_commit(rev)) {
        memcpy(local, rev, 41);
    } else {
        if (!(ref = longsd__asprintf("%s/refs/%s", dir, rev)))
            goto out;
        size_t n = 0;
        lserr e;
        if (lsfile_read(ref, 4096, &hash, &n, &e)) {
            rc = lserr_set(err, LONGSD_ERR_NOT_FOUND, "%s@%s is not in the Hugging Face cache %s", repo, rev, cache);
            goto out;
        }
        while (n && (hash[n - 1] == '\n' || hash[n - 1] == '\r' || hash[n - 1] == ' '))
            hash[--n] = '\0';
        if (!ls_hf_is_commit(hash)) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: expected a 40-digit commit hash", ref);
            goto out;
        }
        memcpy(local, hash, 41);
    }
    if (!(snap = longsd__asprintf("%s/snapshots/%s", dir, local)))
        goto out;
    struct stat st;
    if (stat(snap, &st) != 0 || !S_ISDIR(st.st_mode)) {
        rc = lserr_set(err, LONGSD_ERR_NOT_FOUND, "%s@%s is not in the Hugging Face cache %s (no snapshot %s)", repo,
                       rev, cache, local);
        goto out;
    }
    if (commit)
        memcpy(commit, local, 41);
    *out = snap;
    snap = NULL;
    rc = LONGSD_OK;
out:
    if (rc == LONGSD_ERR_NOMEM)
        lserr_set(err, rc, "out of memory");
    longsd__free(dir);
    longsd__free(ref);
    longsd__free(snap);
    longsd__free(hash);
    return rc;
}

longsd_status ls_hf_write_ref(const char *cache, const char *repo, const char *rev, const char *commit, lserr *err)
{
    if (strcmp(rev, commit) == 0)
        return LONGSD_OK;
    char *dir = ls_hf_repo_dir(cache, repo);
    char *ref = dir ? longsd__asprintf("%s/refs/%s", dir, rev) : NULL;
    longsd_status rc = ref ? lsfile_mkdirs(ref, 0, err) : lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    if (!rc)
        rc = lsfile_write_atomic(ref, commit, strlen(commit), err);
    longsd__free(dir);
    longsd__free(ref);
    return rc;
}

longsd_status ls_hf_link(const char *cache, const char *repo, const char *commit, const char *path, const char *etag,
                         lserr *err)
{
    char *dir = ls_hf_repo_dir(cache, repo), *link = NULL, *target = NULL, *tmp = NULL;
    longsd_status rc = LONGSD_ERR_NOMEM;
    if (!dir || !(link = longsd__asprintf("%s/snapshots/%s/%s", dir, commit, path)))
        goto out;
    /* from snapshots/COMMIT/a/b/FILE: one "../" per folder below the repo folder */
    lsbuf t;
    lsbuf_init(&t, 8192);
    lsbuf_adds(&t, "../../");
    for (const char *p = path; (p = strchr(p, '/')); p++)
        lsbuf_adds(&t, "../");
    if (lsbuf_printf(&t, "blobs/%s", etag)) {
        lsbuf_free(&t);
        goto out;
    }
    target = lsbuf_steal(&t);
    if (!(tmp = longsd__asprintf("%s.%ld.tmp", link, (long)getpid())))
        goto out;
    if ((rc = lsfile_mkdirs(link, 0, err)))
        goto out;
    unlink(tmp);
    if (symlink(target, tmp) != 0 || rename(tmp, link) != 0) {
        rc = lserr_set(err, LONGSD_ERR_IO, "%s: cannot make the link: %s", link, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = LONGSD_OK;
out:
    if (rc == LONGSD_ERR_NOMEM)
        lserr_set(err, rc, "out of memory");
    longsd__free(dir);
    longsd__free(link);
    longsd__free(target);
    longsd__free(tmp);
    return rc;
}
