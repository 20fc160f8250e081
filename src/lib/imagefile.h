/* imagefile.h - rendered images on disk: safe names for image files and
 * their folders, the key of the parameters that decide an image, the JSON
 * sidecar beside every image (what drew it, with what, its SHA-256) and the
 * resume check that trusts an image only when its sidecar vouches for it. */
#ifndef LONGSD_IMAGEFILE_H
#define LONGSD_IMAGEFILE_H

#include <stdint.h>

#include "backend.h"

/* Safe file name for an image: "<id>-<slug of title>" sanitised to ASCII
 * [a-z0-9-], at most 80 bytes, never empty (falls back to "image"). */
void ls_pool_image_stem(const char *id, const char *title, char *out, size_t out_size);
/* Safe folder name for a plan name (keeps [A-Za-z0-9._-], no leading dot). */
void ls_pool_dir_name(const char *name, char *out, size_t out_size);
/* Hex key of what decides an image (prompt, negative, seed, size, steps, cfg, sampler). */
void ls_pool_job_key(const ls_render_job *j, char out[17]);
/* Sidecar path of an image path: extension replaced by .json; free with longsd__free. */
char *ls_pool_sidecar_path(const char *image_path);
/* Resume check for an image path (its .png or .jpg form) and key: 1 when the
 * sidecar records this key and the image file's SHA-256 matches it; then
 * *file (free with longsd__free) is the path found and *blank the flag. 0 if
 * not valid (render it). */
int ls_pool_resume_check(const char *image_path, const char *key, char **file /* OUT */, int *blank /* OUT */);
/* Remove temp files left in dir by processes that are gone (kill -9). */
void ls_pool_clean_temps(const char *dir);
/* A1111's "parameters" text for a job drawn with seed. Free with longsd__free. */
char *ls_pool_parameters_text(const ls_render_job *j, uint64_t seed);

/* The path with its extension replaced by ext (".jpg"); free with longsd__free. */
char *ls_imgfile_with_ext(const char *path, const char *ext);

/* What a sidecar records. Strings borrowed. */
typedef struct {
    const char *id;           /* idea id: "beginning-01" */
    const char *key;          /* ls_pool_job_key of job */
    const char *file;         /* the image written (its base name is recorded) */
    const ls_render_job *job; /* what was asked */
    const uint8_t *data;      /* the bytes written, for the SHA-256 */
    size_t n;
    int is_png;
    uint64_t seed_used;       /* as the server reported it */
    const char *kind, *url, *label; /* the backend (url redacted) */
    const char *ignored;      /* "steps, seed": fields the backend ignored ("" = none) */
    int blank, blank_tries, attempts;
    double queued_s, render_s;
} ls_sidecar;

/* Write the sidecar of sc->file atomically (ls_pool_sidecar_path). */
longsd_status ls_sidecar_write(const ls_sidecar *sc, lserr *err);

#endif
