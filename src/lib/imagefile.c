/* imagefile.c - how rendered images are named and vouched for on disk
 * (imagefile.h): file and folder names, the key of what decides an image,
 * the JSON sidecar beside each image and the resume check that reads it.
 * Kept apart from the pool so naming can change without touching the
 * scheduler, and the resume check can be used without a pool. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "imagefile.h"

#include "init_image.h"
#include "noise.h"
#include "tmpfile.h"

#define SIDECAR_MAX ((size_t)1 << 20)

void ls_pool_image_stem(const char *id, const char *title, char *out, size_t out_size)
{
    char ids[40], slug[48];
    lsstr_slug(id ? id : "", ids, sizeof ids);
    lsstr_slug(title ? title : "", slug, sizeof slug);
    if (!ids[0])
        snprintf(ids, sizeof ids, "image");
    if (slug[0])
        snprintf(out, out_size, "%s-%s", ids, slug);
    else
        snprintf(out, out_size, "%s", ids);
}

void ls_pool_dir_name(const char *name, char *out, size_t out_size)
{
    size_t o = 0;
    for (const char *s = name ? name : ""; *s && o + 1 < out_size && o < 64; s++) {
        char c = *s;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                 (c == '.' && o > 0);
        out[o++] = ok ? c : '-';
    }
    out[o] = '\0';
    if (!o || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
        snprintf(out, out_size, "story");
}

void ls_pool_job_key(const ls_render_job *j, char out[17])
{
    char num[160];
    uint64_t h = LSFNV_SEED;
    h = lsfnv1a64(j->prompt, strlen(j->prompt) + 1, h);
    h = lsfnv1a64(j->negative ? j->negative : "", strlen(j->negative ? j->negative : "") + 1, h);
    h = lsfnv1a64(j->sampler ? j->sampler : "", strlen(j->sampler ? j->sampler : "") + 1, h);
    if (j->vae && j->vae[0]) /* only when set, so keys of earlier images stay valid */
        h = lsfnv1a64(j->vae, strlen(j->vae) + 1, h);
    /* a chosen noise source is another picture; native keeps the old keys */
    if (!ls_rng_is_native(j->rng))
        h = lsfnv1a64(ls_rng_a1111(j->rng), strlen(ls_rng_a1111(j->rng)) + 1, h);
    if (j->init_image) { /* img2img: the picture's bytes and the strength decide it too */
        h = ls_init_image_hash(j->init_image, h);
        int m = snprintf(num, sizeof num, "strength %.6g", j->strength);
        h = lsfnv1a64(num, (size_t)m, h);
    }
    if (ls_vae_tile_used(j)) { /* only when it tiles: other keys stay as they were */
        int m = snprintf(num, sizeof num, "vae tile %d", ls_vae_tile_used(j));
        h = lsfnv1a64(num, (size_t)m, h);
    }
    int n = snprintf(num, sizeof num, "%u %d %d %d %.4f", j->seed, j->width, j->height, j->steps, (double)j->cfg_scale);
    h = lsfnv1a64(num, (size_t)n, h);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

char *ls_pool_sidecar_path(const char *image_path)
{
    const char *slash = strrchr(image_path, '/');
    const char *dot = strrchr(image_path, '.');
    size_t n = dot && (!slash || dot > slash) ? (size_t)(dot - image_path) : strlen(image_path);
    if (strcasecmp(image_path + n, ".json") == 0) /* never the image itself */
        n = strlen(image_path);
    return longsd__asprintf("%.*s.json", (int)n, image_path);
}

char *ls_imgfile_with_ext(const char *path, const char *ext)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    size_t n = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
    return longsd__asprintf("%.*s%s", (int)n, path, ext);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int ls_pool_resume_check(const char *image_path, const char *key, char **file, int *blank)
{
    *file = NULL;
    *blank = 0;
    int ok = 0;
    char *side = ls_pool_sidecar_path(image_path), *text = NULL, *img = NULL, *path = NULL;
    size_t tn = 0, in = 0;
    json_t *root = NULL;
    if (!side || lsfile_read(side, SIDECAR_MAX, &text, &tn, NULL))
        goto out;
    root = json_loadb(text, tn, 0, NULL);
    const char *k = json_string_value(json_object_get(root, "key"));
    const char *f = json_string_value(json_object_get(root, "file"));
    const char *sha = json_string_value(json_object_get(root, "sha256"));
    if (!k || !f || !sha || strcmp(k, key) != 0 || strchr(f, '/'))
        goto out;
    const char *slash = strrchr(image_path, '/');
    path = longsd__asprintf("%.*s%s", slash ? (int)(slash - image_path + 1) : 0, image_path, f);
    if (!path || lsfile_read(path, (size_t)1 << 30, &img, &in, NULL))
        goto out;
    char hex[65];
    lssha256_hex(img, in, hex);
    if (strcmp(hex, sha) != 0)
        goto out;
    *blank = json_is_true(json_object_get(root, "blank"));
    *file = path;
    path = NULL;
    ok = 1;
out:
    json_decref(root);
    longsd__free(side);
    longsd__free(text);
    longsd__free(img);
    longsd__free(path);
    return ok;
}

void ls_pool_clean_temps(const char *dir)
{
    lstmp_sweep(dir); /* one sweeper for every temp name longsd makes */
}

char *ls_pool_parameters_text(const ls_render_job *j, uint64_t seed)
{
    const char *n = j->negative ? j->negative : "";
    const char *vae = j->vae ? j->vae : "";
    const char *rng = ls_rng_a1111(j->rng); /* A1111 writes "RNG:" only off its default */
    char ds[48] = ""; /* img2img: A1111's "Denoising strength: 0.6" */
    if (j->init_image)
        snprintf(ds, sizeof ds, "Denoising strength: %g, ", j->strength);
    /* A1111 and Forge write nothing for a tiled VAE (an extension's or
     * their own automatic fallback), so longsd's own key, after the VAE */
    char vt[40] = "";
    if (ls_vae_tile_used(j))
        snprintf(vt, sizeof vt, "VAE tiling: %d, ", ls_vae_tile_used(j));
    const char *extra = j->params_extra ? j->params_extra : "";
    return longsd__asprintf("%s\n%s%s%sSteps: %d, Sampler: %s, CFG scale: %g, Seed: %llu, Size: %dx%d, %s%s%s%s%s%s%s%s"
                            "%s%sVersion: longsd %s",
                            j->prompt, n[0] ? "Negative prompt: " : "", n, n[0] ? "\n" : "", j->steps,
                            j->sampler ? j->sampler : "Euler a", (double)j->cfg_scale, (unsigned long long)seed,
                            j->width, j->height, ds, vae[0] ? "VAE: " : "", vae, vae[0] ? ", " : "", vt,
                            rng ? "RNG: " : "", rng ? rng : "", rng ? ", " : "", extra, extra[0] ? ", " : "",
                            LONGSD_VERSION);
}

longsd_status ls_sidecar_write(const ls_sidecar *sc, lserr *err)
{
    char hex[65], when[40];
    const uint8_t *data = sc->data;
    size_t n = sc->n;
    const ls_render_job *job = sc->job;
    lssha256_hex(data, n, hex);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *ignored = json_array();
    for (const char *s = sc->ignored, *t; s && *s; s = t) {
        t = strstr(s, ", ");
        json_array_append_new(ignored, json_stringn(s, t ? (size_t)(t - s) : strlen(s)));
        if (t)
            t += 2;
    }
    json_t *root = json_pack(
        "{s:s, s:i, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:i, s:i, s:i, s:f, s:s,"
        " s:{s:s, s:s, s:s}, s:o, s:b, s:i, s:i, s:{s:f, s:f}, s:s, s:s}",
        "schema", "longsd.image", "version", 1, "id", sc->id, "file", base_name(sc->file), "sha256", hex, "bytes",
        (json_int_t)n, "format", sc->is_png ? "png" : "jpeg", "key", sc->key, "prompt", job->prompt, "negative",
        job->negative, "seed", (json_int_t)job->seed, "seed_used", (json_int_t)sc->seed_used, "width", job->width,
        "height", job->height, "steps", job->steps, "cfg_scale", (double)job->cfg_scale, "sampler",
        job->sampler, "backend", "kind", sc->kind, "url", sc->url, "label", sc->label, "ignored", ignored, "blank",
        sc->blank, "blank_retries", sc->blank_tries, "attempts", sc->attempts, "timings", "queued_s", sc->queued_s,
        "render_s", sc->render_s, "created", when, "longsd", LONGSD_VERSION);
    if (root)
        json_object_set_new(root, "rng", json_string(ls_rng_is_native(job->rng) ? "native" : job->rng));
    if (root && job->init_image) { /* img2img: what it started from */
        json_object_set_new(root, "init_image", json_string(job->init_image));
        json_object_set_new(root, "strength", json_real(job->strength));
    }
    if (root && ls_vae_tile_used(job)) /* pixels of a VAE tile, when the decode was tiled on request */
        json_object_set_new(root, "vae_tile", json_integer(ls_vae_tile_used(job)));
    /* 15 digits: a strength of 0.6 reads 0.6, not 0.59999999999999998 */
    char *text = root ? json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(root);
    char *side = ls_pool_sidecar_path(sc->file);
    longsd_status rc = LONGSD_OK;
    if (!text || !side)
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    else
        rc = lsfile_write_atomic(side, text, strlen(text), err);
    free(text);
    longsd__free(side);
    return rc;
}

