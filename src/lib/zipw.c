/* zipw.c - in-memory zip writer on libzip, for the EPUB container. See
 * zipw.h. The entries are kept until save so a failed build never touches
 * the file on disk. */
#include "zipw.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define MAX_ENTRIES 100000

typedef struct {
    char *name;
    char *data;
    size_t len;
    int store;
} zentry;

struct ls_zipw {
    zentry *e;
    size_t n, alloc;
};

ls_zipw *ls_zipw_new(void) { return longsd__calloc(1, sizeof(ls_zipw)); }

void ls_zipw_free(ls_zipw *z)
{
    if (!z)
        return;
    for (size_t i = 0; i < z->n; i++) {
        longsd__free(z->e[i].name);
        longsd__free(z->e[i].data);
    }
    longsd__free(z->e);
    longsd__free(z);
}

longsd_status ls_zipw_add_take(ls_zipw *z, const char *name, char *data, size_t len, int store)
{
    if (!z || !name || !*name || (!data && len)) {
        longsd__free(data);
        return LONGSD_ERR_PARAM;
    }
    if (z->n == z->alloc) {
        size_t na = z->alloc ? z->alloc * 2 : 16;
        zentry *ne = na > MAX_ENTRIES ? NULL : longsd__realloc(z->e, na * sizeof *ne);
        if (!ne) {
            longsd__free(data);
            return na > MAX_ENTRIES ? LONGSD_ERR_TOO_BIG : LONGSD_ERR_NOMEM;
        }
        z->e = ne;
        z->alloc = na;
    }
    char *nm = longsd__strdup(name);
    if (!nm) {
        longsd__free(data);
        return LONGSD_ERR_NOMEM;
    }
    z->e[z->n].name = nm;
    z->e[z->n].data = data;
    z->e[z->n].len = len;
    z->e[z->n].store = store;
    z->n++;
    return LONGSD_OK;
}

longsd_status ls_zipw_add(ls_zipw *z, const char *name, const void *data, size_t len, int store)
{
    char *copy = longsd__malloc(len ? len : 1);
    if (!copy)
        return LONGSD_ERR_NOMEM;
    if (len)
        memcpy(copy, data, len);
    return ls_zipw_add_take(z, name, copy, len, store);
}

longsd_status ls_zipw_save(ls_zipw *z, const char *path, time_t mtime, lserr *err)
{
    zip_error_t ze;
    zip_source_t *src = NULL;
    zip_t *za = NULL;
    char *zipped = NULL;
    longsd_status rc = LONGSD_OK;

    zip_error_init(&ze);
    if (!z || !path || !*path) {
        rc = lserr_set(err, LONGSD_ERR_PARAM, "ls_zipw_save: no archive or no path");
        goto out;
    }
    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!src)
        goto zip_failed;
    za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    if (!za)
        goto zip_failed;
    zip_source_keep(src); /* read back after zip_close */
    for (size_t i = 0; i < z->n; i++) {
        const zentry *e = &z->e[i];
        zip_source_t *s = zip_source_buffer(za, e->data ? e->data : "", e->len, 0);
        if (!s)
            goto zip_failed_za;
        zip_int64_t idx = zip_file_add(za, e->name, s, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
        if (idx < 0) {
            zip_source_free(s);
            goto zip_failed_za;
        }
        if (zip_set_file_compression(za, (zip_uint64_t)idx, e->store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) != 0 ||
            zip_file_set_mtime(za, (zip_uint64_t)idx, mtime, 0) != 0)
            goto zip_failed_za;
    }
    if (zip_close(za) != 0)
        goto zip_failed_za;
    za = NULL;

    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_source_stat(src, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(src) != 0)
        goto zip_failed_src;
    size_t zlen = (size_t)st.size;
    zipped = longsd__malloc(zlen ? zlen : 1);
    if (!zipped) {
        zip_source_close(src);
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "%s: out of memory", path);
        goto out;
    }
    zip_int64_t got = zip_source_read(src, zipped, zlen);
    zip_source_close(src);
    if (got < 0 || (size_t)got != zlen)
        goto zip_failed_src;
    rc = lsfile_write_atomic(path, zipped, zlen, err);
    goto out;

zip_failed_za:
    zip_error_set(&ze, zip_error_code_zip(zip_get_error(za)), zip_error_code_system(zip_get_error(za)));
    goto zip_failed;
zip_failed_src:
    zip_error_set(&ze, zip_error_code_zip(zip_source_error(src)), zip_error_code_system(zip_source_error(src)));
zip_failed:
    rc = lserr_set(err, LONGSD_ERR_DOC, "%s: cannot build the archive: %s", path, zip_error_strerror(&ze));
out:
    if (za)
        zip_discard(za);
    if (src)
        zip_source_free(src);
    zip_error_fini(&ze);
    longsd__free(zipped);
    return rc;
}

time_t ls_doc_time(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (s && *s) {
        char *end = NULL;
        long long v = strtoll(s, &end, 10);
        if (end && !*end && v >= 315532800LL) /* zip times start in 1980 */
            return (time_t)v;
    }
    return time(NULL);
}
