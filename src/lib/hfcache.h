/* hfcache.h - the Hugging Face hub cache as huggingface_hub lays it out, so
 * longsd reads what other tools downloaded and they read what longsd did:
 *
 *   CACHE/models--ORG--NAME/refs/REVISION        the commit hash, no newline
 *   CACHE/models--ORG--NAME/blobs/ETAG           file content, named by its ETag
 *                                                (sha256 for LFS files, git blob sha1 otherwise)
 *   CACHE/models--ORG--NAME/blobs/ETAG.incomplete  a download in progress
 *   CACHE/models--ORG--NAME/snapshots/COMMIT/PATH  relative symlink to ../../blobs/ETAG
 *
 * CACHE is $HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub,
 * else ~/.cache/huggingface/hub (huggingface_hub's constants.py order). */
#ifndef LONGSD_HFCACHE_H
#define LONGSD_HFCACHE_H

#include "util.h"

#define LS_HF_MAX_ID 96   /* huggingface_hub's repo id limit */
#define LS_HF_MAX_REV 256

/* The cache folder (free with longsd__free); NULL when out of memory or no
 * variable (not even HOME) gives one. */
char *ls_hf_cache_dir(void);

/* Split "org/name[@rev]" into repo and rev (rev "main" when absent). 0 when
 * NAME has that shape with a valid repo id (letters, digits, '-', '_', '.',
 * no "--" or "..", not starting or ending with '-' or '.') and a revision
 * without "..", spaces or control characters; -1 otherwise. */
int ls_hf_parse_name(const char *name, char repo[LS_HF_MAX_ID + 1], char rev[LS_HF_MAX_REV + 1]);

/* CACHE/models--ORG--NAME (free with longsd__free). */
char *ls_hf_repo_dir(const char *cache, const char *repo);

/* 1 for 40 lower-case hex digits. */
int ls_hf_is_commit(const char *s);

/* The snapshot folder of repo at rev: rev a commit hash names its snapshot,
 * any other rev is looked up in refs/. LONGSD_ERR_NOT_FOUND when the cache
 * lacks it. *out: free with longsd__free; commit (may be NULL) gets the hash. */
longsd_status ls_hf_find_snapshot(const char *cache, const char *repo, const char *rev, char **out, char commit[41],
                                  lserr *err);

/* Write refs/REV = commit atomically (nothing when rev is the commit itself). */
longsd_status ls_hf_write_ref(const char *cache, const char *repo, const char *rev, const char *commit, lserr *err);

/* Make snapshots/COMMIT/PATH a relative symlink to blobs/ETAG, replacing what
 * was there atomically. path must have passed ls_wspath_check_rel. */
longsd_status ls_hf_link(const char *cache, const char *repo, const char *commit, const char *path, const char *etag,
                         lserr *err);

#endif
