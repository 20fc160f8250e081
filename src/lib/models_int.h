/* models_int.h - what the model modules share inside the library. */
#ifndef LONGSD_MODELS_INT_H
#define LONGSD_MODELS_INT_H

#include "longsd.h"

/* Names of the models a scan finds, ", "-separated, at most 12 then "...";
 * for "models found locally" messages. Free with longsd__free; NULL when
 * out of memory. */
char *ls_models_local_names(const longsd_model_params *p);

/* 1 when HF_HUB_OFFLINE is set to 1/on/yes/true. */
int ls_hub_offline(void);

/* longsd_pull behind the public call (hub.c). */
longsd_status ls_hub_pull(longsd_ctx *ctx, const char *name, const longsd_model_params *p, char **snapshot);

/* longsd_model_resolve with the error in err; ctx NULL (a backend at render
 * time): a hub repo missing from the cache is not downloaded. A LoRA named
 * by a folder (a hub snapshot) resolves to its weights file. */
longsd_status ls_model_resolve(longsd_ctx *ctx, const char *name, int kind, const longsd_model_params *p, char **path,
                               lserr *err);

/* The family and kind of a model file or folder, from its config or tensor
 * names ("sd1", "sdxl", ...; "unknown" when nothing matches). kind_hint is
 * the kind the folder it sits in implies, or -1. */
void ls_model_guess(const char *path, int kind_hint, longsd_model_kind *kind, const char **family);

/* The image size a model of that kind and family at path draws by default
 * (longsd_model_default_size; model_size.c); 0x0 for other kinds. */
void ls_model_size(const char *path, longsd_model_kind kind, const char *family, int *width, int *height);

#endif
