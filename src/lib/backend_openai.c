/* backend_openai.c - OpenAI-style image generation (POST
 * /v1/images/generations, b64_json), also answered by stable-diffusion.cpp's
 * server. The API takes a prompt and a size only: negative prompt, steps,
 * CFG, sampler and seed are reported as ignored by the pool. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "redact.h"
#include "base64.h"

typedef struct {
    char *url;
    char *auth;  /* "Authorization: Bearer ..." or NULL; never logged */
    char *model; /* NULL = the server's default */
    size_t max_image_bytes;
} openai;

static longsd_status o_create(const ls_backend_opts *o, void **state, lserr *err)
{
    openai *s = longsd__calloc(1, sizeof *s);
    if (!s)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    size_t ul = strlen(o->url);
    while (ul && o->url[ul - 1] == '/')
        ul--;
    /* A base URL that already ends in /v1 (OPENAI_BASE_URL style) takes the route without it. */
    int has_v1 = ul >= 3 && memcmp(o->url + ul - 3, "/v1", 3) == 0;
    s->url = ls_backend_url(o->url, has_v1 ? "/images/generations" : "/v1/images/generations");
    /* the key is this backend's concern: one given (key_env=VAR) wins, else
     * the variables OpenAI's own tools read */
    const char *key = o->api_key;
    if (!key)
        key = getenv("OPENAI_API_KEY") ? getenv("OPENAI_API_KEY") : getenv("OPENAI_TOKEN");
    longsd__redact_add_secret(key); /* before any request can echo it, also outside the pool */
    if (key && key[0])
        s->auth = longsd__asprintf("Authorization: Bearer %s", key);
    if (o->model && o->model[0])
        s->model = longsd__strdup(o->model);
    s->max_image_bytes = o->max_image_bytes;
    if (!s->url || (key && key[0] && !s->auth) || (o->model && o->model[0] && !s->model)) {
        longsd__free(s->url);
        longsd__free(s->auth);
        longsd__free(s->model);
        longsd__free(s);
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    }
    *state = s;
    return LONGSD_OK;
}

static void o_destroy(void *state)
{
    openai *s = state;
    if (!s)
        return;
    if (s->auth) /* do not leave the key lying in freed memory */
        memset(s->auth, 0, strlen(s->auth));
    longsd__free(s->auth);
    longsd__free(s->url);
    longsd__free(s->model);
    longsd__free(s);
}

longsd_status ls_openai_parse_reply(const char *body, size_t n, size_t cap, ls_render_image *out, lserr *err)
{
    memset(out, 0, sizeof *out);
    out->seed_used = -1;
    json_error_t je;
    longsd_status rc = LONGSD_OK;
    json_t *root = json_loadb(body, n, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return lserr_set(err, LONGSD_ERR_BACKEND, "images reply is not JSON (%s, offset %d)", je.text, je.position);
    json_t *e = json_object_get(root, "error");
    if (e) {
        json_t *m = json_is_object(e) ? json_object_get(e, "message") : e;
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "images reply is an error: %s",
                       json_is_string(m) ? json_string_value(m) : "(no message)");
        goto out;
    }
    json_t *d0 = json_array_get(json_object_get(root, "data"), 0);
    json_t *b64 = json_object_get(d0, "b64_json");
    if (!json_is_string(b64)) {
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "images reply has no data[0].b64_json%s",
                       json_object_get(d0, "url") ? " (it sent a URL; ask for b64_json)" : "");
        goto out;
    }
    rc = ls_base64_decode(json_string_value(b64), json_string_length(b64), cap, &out->data, &out->len, err);
out:
    json_decref(root);
    return rc;
}

static longsd_status o_render(void *state, ls_http *http, const ls_render_job *job, ls_render_image *out,
                              lserr *err)
{
    openai *s = state;
    ls_http_resp resp;
    ls_http_resp_init(&resp);
    char *body = NULL;
    longsd_status rc = LONGSD_OK;
    char size[32];
    snprintf(size, sizeof size, "%dx%d", job->width, job->height);
    json_t *req = json_pack("{s:s, s:i, s:s}", "prompt", job->prompt, "n", 1, "size", size);
    if (!req) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (s->model)
        json_object_set_new(req, "model", json_string(s->model));
    /* gpt-image-* always answer b64_json and refuse the parameter; DALL-E and local servers need it. */
    if (!s->model || strncmp(s->model, "gpt-image", 9) != 0)
        json_object_set_new(req, "response_format", json_string("b64_json"));
    else
        json_object_set_new(req, "output_format", json_string("png"));
    if (!(body = json_dumps(req, JSON_COMPACT))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    const char *headers[4] = {"Content-Type: application/json", "Accept: application/json", s->auth, NULL};
    if ((rc = ls_http_request(http, "POST", s->url, headers, body, strlen(body), &resp, err)))
        goto out;
    rc = ls_openai_parse_reply(resp.body.data ? resp.body.data : "", resp.body.len, s->max_image_bytes, out, err);
out:
    free(body);
    json_decref(req);
    ls_http_resp_free(&resp);
    return rc;
}

const ls_backend_ops ls_backend_openai = {
    .name = "openai",
    .description = "OpenAI images API / stable-diffusion.cpp server: POST /v1/images/generations (b64_json)",
    .caps = LS_CAP_SIZE,
    .create = o_create,
    .render = o_render,
    .destroy = o_destroy,
    .instance_caps = NULL,
};
