/* model_paths.h - ComfyUI's extra_model_paths.yaml: sections (comfyui:, a111:,
 * any name) each with an optional base_path and KIND: PATHS entries, PATHS a
 * block of one folder per line (or a YAML list), relative to base_path;
 * base_path itself relative to the YAML file's folder, with ~ and $VAR
 * expanded as ComfyUI does. Untrusted input: parsed with libyaml, capped,
 * every refusal names the file, line and column. */
#ifndef LONGSD_MODEL_PATHS_H
#define LONGSD_MODEL_PATHS_H

#include "util.h"

#define LS_MODEL_PATHS_MAX_FILE (1u << 20) /* bytes of YAML */
#define LS_MODEL_PATHS_MAX (1024)          /* folders listed */

typedef struct {
    char *kind; /* the key: "checkpoints", "vae", "loras", "diffusers", ... */
    char *dir;  /* absolute or relative to the process, ~ and $VAR expanded */
} ls_model_path;

/* Parse n bytes of YAML; label names the file in messages, base_dir is the
 * folder relative base_paths are taken from. *out (free with
 * ls_model_paths_free) holds *n_out entries in file order. */
longsd_status ls_model_paths_parse(const char *yaml, size_t n, const char *label, const char *base_dir,
                                   ls_model_path **out, size_t *n_out, lserr *err);
/* Read and parse the file at path. */
longsd_status ls_model_paths_load(const char *path, ls_model_path **out, size_t *n_out, lserr *err);
void ls_model_paths_free(ls_model_path *v, size_t n);

#endif
