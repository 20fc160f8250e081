/* llm_cache.h - chat replies cached on disk, one small JSON file per request
 * under <dir>/llm/<2 hex>/<64 hex>.json, keyed by SHA-256 of the URL, the
 * model and the request body (never the API key, which is not in any of
 * them). A re-run asks the cache first, so it makes no request and, the
 * replies being the same, builds the same plan. Entries are written
 * atomically; a damaged entry reads as a miss. */
#ifndef LONGSD_LLM_CACHE_H
#define LONGSD_LLM_CACHE_H

#include "util.h"

typedef struct {
    char *dir;      /* .../longsd; NULL = disabled */
} ls_llm_cache;

/* dir NULL = $XDG_CACHE_HOME/longsd, else $HOME/.cache/longsd; disabled
 * (no error) when off is set or no folder can be named. */
longsd_status ls_llm_cache_open(ls_llm_cache *c, const char *dir, int off);
void ls_llm_cache_close(ls_llm_cache *c);

void ls_llm_cache_key(const char *url, const char *model, const char *body, size_t body_len, char hex[65]);

/* On a hit *content (free with longsd__free) and finish; 0 = miss. */
int ls_llm_cache_get(const ls_llm_cache *c, const char hex[65], char **content, char finish[32]);
/* Best effort: a cache that cannot be written is not an error of the run. */
void ls_llm_cache_put(const ls_llm_cache *c, const char hex[65], const char *content, const char *finish);

#endif
