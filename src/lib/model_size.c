/* model_size.c - the image size a model draws when the user names none
 * (longsd_model_default_size): from the family models.c guesses and, for a
 * diffusers folder, the UNet's sample_size and the scheduler's timestep
 * spacing, read from their config.json files without loading a weight, so
 * `run` can settle a plan's size before the engine loads the model. */
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>

#include "ctx.h"
#include "models_int.h"

/* The JSON file DIR/REL, as a jansson object
 * (decref it); NULL when there is no such file or it is no JSON. */
static json_t *load_json(const char *dir, const char *rel)
{
    char *p = longsd__asprintf("%s/%s", dir, rel);
    json_t *j = p ? json_load_file(p, 0, NULL) : NULL;
    longsd__free(p);
    return j;
}

/* A distilled Turbo model: its scheduler takes trailing timesteps, as
 * sd-turbo and sdxl-turbo ship it (the engine reads the same key). */
static int is_turbo(const char *dir)
{
    json_t *j = load_json(dir, "scheduler/scheduler_config.json");
    const char *sp = json_string_value(json_object_get(j, "timestep_spacing"));
    int t = sp && strcmp(sp, "trailing") == 0;
    json_decref(j);
    return t;
}

static int unet_sample(const char *dir)
{
    json_t *j = load_json(dir, "unet/config.json");
    json_t *v = json_object_get(j, "sample_size");
    int s = json_is_integer(v) ? (int)json_integer_value(v) : 0;
    json_decref(j);
    return s;
}

void ls_model_size(const char *path, longsd_model_kind kind, const char *family, int *width, int *height)
{
    *width = *height = 0;
    int sdxl = strcmp(family, "sdxl") == 0, sd2 = strcmp(family, "sd2") == 0, sd1 = strcmp(family, "sd1") == 0;
    if (kind == LONGSD_MODEL_CHECKPOINT && !sdxl && !sd2 && !sd1)
        sd1 = 1; /* model.diffusion_model. alone: the engine reads it with SD 1.5's shapes */
    if ((kind != LONGSD_MODEL_PIPELINE && kind != LONGSD_MODEL_CHECKPOINT) || (!sdxl && !sd2 && !sd1))
        return;
    int folder = kind == LONGSD_MODEL_PIPELINE;
    if (folder && is_turbo(path)) {
        /* 1 to 4 steps cannot mend what drawing beyond the trained 512^2
         * brings (doubled figures): the landscape of that area */
        *width = 640, *height = 448;
    } else if (sdxl) {
        /* SDXL was trained on buckets of about 1024^2; 1216x832 is one of
         * them and the nearest to the 3:2 landscape SD 1.x draws at */
        *width = 1216, *height = 832;
    } else if (sd2 && folder && unet_sample(path) >= 96) {
        /* SD 2 768-v: 768x512 scaled to its 768^2 area, still 3:2 */
        *width = 960, *height = 640;
    } else {
        /* SD 1.x, SD 2 at 512: the landscape the original tool drew */
        *width = 768, *height = 512;
    }
}

longsd_status longsd_model_default_size(longsd_ctx *ctx, const char *path, int *width, int *height)
{
    lserr_clear(&ctx->err);
    *width = 768, *height = 512;
    struct stat st;
    if (stat(path, &st) != 0)
        return lserr_set(&ctx->err, LONGSD_ERR_NOT_FOUND, "%s: no such file or folder", path);
    longsd_model_kind kind;
    const char *family;
    ls_model_guess(path, -1, &kind, &family);
    ls_model_size(path, kind, family, width, height);
    if (*width > 0)
        return LONGSD_OK;
    *width = 768, *height = 512;
    return lserr_set(&ctx->err, LONGSD_ERR_UNSUPPORTED,
                     "%s: no Stable Diffusion model of a known family (found %s, family %s); drawing at 768x512, "
                     "give --size WxH to choose",
                     path, kind == LONGSD_MODEL_VAE ? "a VAE" : kind == LONGSD_MODEL_LORA ? "a LoRA" : "something else",
                     family);
}
