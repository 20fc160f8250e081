/* init_image.h - the picture an img2img job starts from (--init-image, a
 * plan idea's "init_image"): checked when the job is made, so a missing or
 * wrong file is reported before any backend is started, and decoded by the
 * native backend when it draws. */
#ifndef LONGSD_INIT_IMAGE_H
#define LONGSD_INIT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Init images larger than this are refused (a 16k x 16k RGBA PNG is far less). */
#define LS_INIT_IMAGE_MAX_BYTES ((size_t)256 << 20)

/* 1 when strength is in (0, 1], the range img2img takes. */
int ls_strength_ok(double strength);
/* path must be a readable PNG of a sane size and strength in (0, 1]; what
 * names the job in the message ("sd", an idea id). */
longsd_status ls_init_image_check(const char *path, double strength, const char *what, lserr *err);
/* The PNG at path as 8-bit RGB (w * h * 3 bytes, free with longsd__free). */
longsd_status ls_init_image_load(const char *path, uint8_t **rgb /* OUT */, int *w /* OUT */, int *h /* OUT */,
                                 lserr *err);
/* A hash of the file's bytes for the image key (so a changed init picture
 * redraws); the path's when it cannot be read. */
uint64_t ls_init_image_hash(const char *path, uint64_t h);

#endif
