/* backend_a1111.c - AUTOMATIC1111's API (POST /sdapi/v1/txt2img), which
 * Forge, SD.Next and stable-diffusion.cpp's server answer too. Every job
 * field maps to the request; the reply carries base64 images and an "info"
 * JSON string with the seed used (stable-diffusion.cpp sends ""). */
#include <jansson.h>
#include <string.h>

#include "backend.h"
#include "base64.h"
#include "noise.h"

typedef struct {
    char *url; /* .../sdapi/v1/txt2img */
    size_t max_image_bytes;
} a1111;

static longsd_status a_create(const ls_backend_opts *o, void **state, lserr *err)
{
    a1111 *a = longsd__calloc(1, sizeof *a);
    if (!a || !(a->url = ls_backend_url(o->url, "/sdapi/v1/txt2img"))) {
        longsd__free(a);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    a->max_image_bytes = o->max_image_bytes;
    *state = a;
    return LONGSD_OK;
}

static void a_destroy(void *state)
{
    a1111 *a = state;
    if (!a)
        return;
    longsd__free(a->url);
    longsd__free(a);
}

longsd_status ls_a1111_parse_reply(const char *body, size_t n, size_t cap, ls_render_image *out, lserr *err)
{
    memset(out, 0, sizeof *out);
    out->seed_used = -1;
    json_error_t je;
    json_t *root = json_loadb(body, n, JSON_REJECT_DUPLICATES, &je);
    longsd_status rc = LONGSD_OK;
    if (!root)
        return lserr_set(err, LONGSD_ERR_BACKEND, "txt2img reply is not JSON (%s, offset %d)", je.text, je.position);
    json_t *images = json_object_get(root, "images");
    json_t *first = json_array_get(images, 0);
    if (!json_is_string(first)) {
        json_t *e = json_object_get(root, "error");
        json_t *d = json_object_get(root, "detail");
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "txt2img reply has no image%s%s",
                       json_is_string(e) ? ": " : json_is_string(d) ? ": " : "",
                       json_is_string(e) ? json_string_value(e) : json_is_string(d) ? json_string_value(d) : "");
        goto out;
    }
    if ((rc = ls_base64_decode(json_string_value(first), json_string_length(first), cap, &out->data, &out->len,
                               err)))
        goto out;
    /* "info" is a JSON document inside a string; only the seed matters here. */
    json_t *info = json_object_get(root, "info");
    if (json_is_string(info) && json_string_length(info) > 0) {
        json_t *ij = json_loadb(json_string_value(info), json_string_length(info), 0, NULL);
        json_t *seed = json_object_get(ij, "seed");
        if (json_is_integer(seed) && json_integer_value(seed) >= 0)
            out->seed_used = json_integer_value(seed);
        json_decref(ij);
    }
out:
    json_decref(root);
    return rc;
}

static longsd_status a_render(void *state, ls_http *http, const ls_render_job *job, ls_render_image *out,
                              lserr *err)
{
    a1111 *a = state;
    ls_http_resp resp;
    ls_http_resp_init(&resp);
    char *body = NULL;
    longsd_status rc = LONGSD_OK;
    json_t *req = json_pack("{s:s, s:s, s:I, s:i, s:f, s:i, s:i, s:s, s:i, s:i, s:b, s:b}", "prompt", job->prompt,
                            "negative_prompt", job->negative ? job->negative : "", "seed", (json_int_t)job->seed,
                            "steps", job->steps, "cfg_scale", (double)job->cfg_scale, "width", job->width,
                            "height", job->height, "sampler_name", job->sampler ? job->sampler : "Euler a",
                            "batch_size", 1, "n_iter", 1, "send_images", 1, "save_images", 0);
    /* the prompt goes as written: A1111 reads its own syntax ((word:1.2),
     * BREAK, <lora:...>); a chosen noise source is A1111's randn_source */
    const char *randn = ls_rng_a1111(job->rng);
    if (req && randn)
        json_object_set_new(req, "override_settings", json_pack("{s:s}", "randn_source", randn));
    if (!req || !(body = json_dumps(req, JSON_COMPACT))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    static const char *const headers[] = {"Content-Type: application/json", "Accept: application/json", NULL};
    if ((rc = ls_http_request(http, "POST", a->url, headers, body, strlen(body), &resp, err)))
        goto out;
    rc = ls_a1111_parse_reply(resp.body.data ? resp.body.data : "", resp.body.len, a->max_image_bytes, out, err);
out:
    free(body); /* jansson's allocation */
    json_decref(req);
    ls_http_resp_free(&resp);
    return rc;
}

const ls_backend_ops ls_backend_a1111 = {
    .name = "a1111",
    .description = "AUTOMATIC1111 / Forge / SD.Next / stable-diffusion.cpp server: POST /sdapi/v1/txt2img",
    .caps = LS_CAP_ALL | LS_CAP_RNG,
    .create = a_create,
    .render = a_render,
    .destroy = a_destroy,
    .instance_caps = NULL,
};
