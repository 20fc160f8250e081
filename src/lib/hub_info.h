/* hub_info.h - the Hugging Face hub's replies that decide what a pull
 * fetches: the model-info call (GET /api/models/REPO/revision/REV?blobs=true:
 * the commit, and per file its path, size and LFS sha256) and a diffusers
 * model_index.json (the components). Both are untrusted: every path is
 * checked as a plain relative path before it can name a file in the cache. */
#ifndef LONGSD_HUB_INFO_H
#define LONGSD_HUB_INFO_H

#include <stdint.h>

#include "util.h"

#define LS_HUB_MAX_FILES 20000 /* siblings of one repo */

typedef struct {
    char *path;        /* repo-relative, checked */
    uint64_t size;     /* 0 when the reply gave none */
    char sha256[65];   /* LFS files: the content's sha256, lower-case hex; "" otherwise */
    int want;          /* set by ls_hub_select */
} ls_hub_file;

typedef struct {
    char commit[41];
    ls_hub_file *files;
    size_t n_files;
} ls_hub_info;

longsd_status ls_hub_parse_info(const char *json, size_t n, ls_hub_info *out, lserr *err);
void ls_hub_info_free(ls_hub_info *info);

/* The component folders of a model_index.json ("unet", "vae", ...: keys
 * whose value is a [library, class] pair with a class). *out: free with
 * ls_hub_names_free. */
longsd_status ls_hub_parse_index(const char *json, size_t n, char ***out, size_t *n_out, lserr *err);
void ls_hub_names_free(char **v, size_t n);

/* Mark the files a pipeline needs: with components, model_index.json and per
 * component its .json/.txt/.model files and one set of weights (fp16
 * .safetensors, then .safetensors, then fp16 .bin, then .bin; every shard of
 * the chosen set); without, for a single diffusers model at the root
 * (config.json beside diffusion_pytorch_model.*, e.g. a TAESD repo) the
 * config and one set of those weights, else every .safetensors/.json/.txt/
 * .yaml file.
 * Returns the number of files marked. */
size_t ls_hub_select(ls_hub_info *info, char *const *comps, size_t n_comps);

#endif
