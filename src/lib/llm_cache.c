/* llm_cache.c - the on-disk reply cache (see llm_cache.h). */
#include "llm_cache.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define ENTRY_MAX ((size_t)16 << 20)

longsd_status ls_llm_cache_open(ls_llm_cache *c, const char *dir, int off)
{
    c->dir = NULL;
    if (off)
        return LONGSD_OK;
    if (dir && *dir)
        c->dir = longsd__strdup(dir);
    else {
        const char *x = getenv("XDG_CACHE_HOME");
        const char *home = getenv("HOME");
        if (x && *x == '/')
            c->dir = longsd__asprintf("%s/longsd", x);
        else if (home && *home)
            c->dir = longsd__asprintf("%s/.cache/longsd", home);
        else
            return LONGSD_OK;
    }
    return c->dir ? LONGSD_OK : LONGSD_ERR_NOMEM;
}

void ls_llm_cache_close(ls_llm_cache *c)
{
    longsd__free(c->dir);
    c->dir = NULL;
}

void ls_llm_cache_key(const char *url, const char *model, const char *body, size_t body_len, char hex[65])
{
    lssha256 s;
    uint8_t h[32];
    lssha256_init(&s);
    lssha256_update(&s, "longsd-llm-cache-1\n", 19);
    lssha256_update(&s, url, strlen(url));
    lssha256_update(&s, "\n", 1);
    lssha256_update(&s, model, strlen(model));
    lssha256_update(&s, "\n", 1);
    lssha256_update(&s, body, body_len);
    lssha256_final(&s, h);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

static char *entry_path(const ls_llm_cache *c, const char hex[65])
{
    return longsd__asprintf("%s/llm/%.2s/%s.json", c->dir, hex, hex);
}

int ls_llm_cache_get(const ls_llm_cache *c, const char hex[65], char **content, char finish[32])
{
    *content = NULL;
    if (!c->dir)
        return 0;
    char *path = entry_path(c, hex);
    char *data = NULL;
    size_t n = 0;
    int hit = 0;
    lserr err;
    if (!path || lsfile_read(path, ENTRY_MAX, &data, &n, &err) != LONGSD_OK)
        goto out;
    json_t *root = json_loadb(data, n, 0, NULL);
    json_t *ct = json_object_get(root, "content");
    json_t *fr = json_object_get(root, "finish_reason");
    if (json_is_string(ct) && (!fr || json_is_string(fr))) {
        *content = longsd__strndup(json_string_value(ct), json_string_length(ct));
        snprintf(finish, 32, "%s", fr ? json_string_value(fr) : "");
        hit = *content != NULL;
    }
    json_decref(root);
out:
    longsd__free(data);
    longsd__free(path);
    return hit;
}

void ls_llm_cache_put(const ls_llm_cache *c, const char hex[65], const char *content, const char *finish)
{
    if (!c->dir)
        return;
    char *path = entry_path(c, hex);
    json_t *root = json_pack("{s:s, s:s, s:i}", "content", content, "finish_reason", finish ? finish : "",
                             "version", 1);
    char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
    lserr err;
    if (path && text && lsfile_mkdirs(path, 0, &err) == LONGSD_OK)
        lsfile_write_atomic(path, text, strlen(text), &err);
    free(text);
    json_decref(root);
    longsd__free(path);
}
