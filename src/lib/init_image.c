/* init_image.c - reading and checking img2img init pictures (see
 * init_image.h). PNG only: the library decodes PNG (libpng) and has no
 * JPEG decoder, so a JPEG is refused with a way out rather than guessed. */
#include "init_image.h"

#include <string.h>

#include "docx.h"
#include "png_write.h"

int ls_strength_ok(double strength)
{
    return strength > 0.0 && strength <= 1.0;
}

/* The file's bytes, or an error naming it and saying what to do. */
static longsd_status read_png(const char *path, char **data, size_t *n, lserr *err)
{
    *data = NULL;
    lserr e;
    lserr_clear(&e);
    longsd_status rc = lsfile_read(path, LS_INIT_IMAGE_MAX_BYTES, data, n, &e);
    if (rc)
        return lserr_set(err, rc, "init image: %s; give a PNG file (--init-image FILE)", e.msg);
    int w = 0, h = 0, is_png = 0;
    int dims = ls_image_dims((const unsigned char *)*data, *n, &w, &h, &is_png);
    if (dims != 0 || !is_png) {
        longsd__free(*data);
        *data = NULL;
        return lserr_set(err, LONGSD_ERR_PARAM, "init image %s: %s; img2img reads PNG files: convert it to PNG first",
                         path, dims == 0 ? "a JPEG, not a PNG" : "not a PNG image (or a damaged or cut one)");
    }
    return LONGSD_OK;
}

longsd_status ls_init_image_check(const char *path, double strength, const char *what, lserr *err)
{
    if (!path || !path[0])
        return lserr_set(err, LONGSD_ERR_PARAM, "%s: empty init image path", what);
    if (!ls_strength_ok(strength))
        return lserr_set(err, LONGSD_ERR_PARAM,
                         "%s: strength %g is outside (0, 1]: it is the share of the steps run on the init image "
                         "(0.3 keeps it close, 1 redraws it)",
                         what, strength);
    char *data = NULL;
    size_t n = 0;
    longsd_status rc = read_png(path, &data, &n, err);
    longsd__free(data);
    return rc;
}

longsd_status ls_init_image_load(const char *path, uint8_t **rgb, int *w, int *h, lserr *err)
{
    *rgb = NULL;
    char *data = NULL;
    size_t n = 0;
    longsd_status rc = read_png(path, &data, &n, err);
    if (rc)
        return rc;
    lserr e;
    lserr_clear(&e);
    rc = ls_png_decode_rgb((const uint8_t *)data, n, rgb, w, h, &e);
    if (rc)
        lserr_set(err, rc, "init image %s: %s", path, e.msg);
    longsd__free(data);
    return rc;
}

uint64_t ls_init_image_hash(const char *path, uint64_t h)
{
    char *data = NULL;
    size_t n = 0;
    lserr e;
    lserr_clear(&e);
    if (lsfile_read(path, LS_INIT_IMAGE_MAX_BYTES, &data, &n, &e) == LONGSD_OK) {
        h = lsfnv1a64(data, n, h);
        longsd__free(data);
    } else {
        h = lsfnv1a64(path, strlen(path) + 1, h);
    }
    return h;
}
