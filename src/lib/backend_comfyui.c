/* backend_comfyui.c - ComfyUI: POST /prompt with an API-format graph (a
 * built-in txt2img graph, or the user's workflow with placeholders), poll
 * GET /history/{prompt_id} until it has outputs, fetch the image with GET
 * /view. Polling rather than the websocket keeps this to plain HTTP.
 *
 * Workflow placeholders: a string value that is exactly "%seed%", "%width%",
 * "%height%", "%steps%" or "%cfg%" becomes that number; "%prompt%",
 * "%negative%", "%sampler%", "%scheduler%" and "%model%" are replaced inside
 * any string. */
#include <curl/curl.h>
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "backend.h"

#define WORKFLOW_MAX ((size_t)4 << 20)

typedef struct {
    char *base;
    char *prompt_url;
    json_t *workflow; /* user's graph, NULL = built-in; read-only after create */
    char *model;
    size_t max_image_bytes;
    long poll_ms, timeout_ms;
    char client_id[40];
} comfy;

void ls_comfyui_sampler(const char *a, char *sampler, size_t ns, char *scheduler, size_t nsch)
{
    static const struct {
        const char *a1111, *comfy;
    } map[] = {
        {"Euler a", "euler_ancestral"}, {"Euler", "euler"}, {"LMS", "lms"}, {"Heun", "heun"},
        {"DPM2", "dpm_2"}, {"DPM2 a", "dpm_2_ancestral"}, {"DPM++ 2S a", "dpmpp_2s_ancestral"},
        {"DPM++ 2M", "dpmpp_2m"}, {"DPM++ SDE", "dpmpp_sde"}, {"DPM++ 2M SDE", "dpmpp_2m_sde"},
        {"DPM fast", "dpm_fast"}, {"DPM adaptive", "dpm_adaptive"}, {"DDIM", "ddim"}, {"UniPC", "uni_pc"},
        {"LCM", "lcm"},
    };
    char name[128];
    snprintf(name, sizeof name, "%s", a && a[0] ? a : "Euler a");
    snprintf(scheduler, nsch, "normal");
    size_t l = strlen(name);
    if (l > 7 && strcmp(name + l - 7, " Karras") == 0) {
        name[l - 7] = '\0';
        snprintf(scheduler, nsch, "karras");
    } else if (l > 12 && strcmp(name + l - 12, " Exponential") == 0) {
        name[l - 12] = '\0';
        snprintf(scheduler, nsch, "exponential");
    }
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (lsstr_casecmp_ascii(name, map[i].a1111) == 0) {
            snprintf(sampler, ns, "%s", map[i].comfy);
            return;
        }
    }
    /* Unknown: assume it is already a ComfyUI name ("euler_cfg_pp"); lower-case, spaces to '_'. */
    size_t o = 0;
    for (const char *p = name; *p && o + 1 < ns; p++)
        sampler[o++] = *p == ' ' ? '_' : (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
    sampler[o] = '\0';
}

static void c_destroy(void *state)
{
    comfy *c = state;
    if (!c)
        return;
    longsd__free(c->base);
    longsd__free(c->prompt_url);
    longsd__free(c->model);
    json_decref(c->workflow);
    longsd__free(c);
}

static int has_placeholder(json_t *v, const char *ph)
{
    if (json_is_string(v))
        return strstr(json_string_value(v), ph) != NULL;
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) if (has_placeholder(x, ph)) return 1;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) if (has_placeholder(x, ph)) return 1;
    }
    return 0;
}

static longsd_status c_create(const ls_backend_opts *o, void **state, lserr *err)
{
    longsd_status rc = LONGSD_OK;
    char *text = NULL;
    size_t tn = 0;
    comfy *c = longsd__calloc(1, sizeof *c);
    if (!c)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    c->base = ls_backend_url(o->url, "");
    c->prompt_url = ls_backend_url(o->url, "/prompt");
    c->model = longsd__strdup(o->model && o->model[0] ? o->model : "v1-5-pruned-emaonly.safetensors");
    if (!c->base || !c->prompt_url || !c->model) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    c->max_image_bytes = o->max_image_bytes;
    c->poll_ms = o->poll_ms > 0 ? o->poll_ms : 250;
    c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 600000;
    /* A client id per backend instance, as the ComfyUI web page makes one. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t h = lsfnv1a64(&ts, sizeof ts, lsfnv1a64(&c, sizeof c, LSFNV_SEED));
    snprintf(c->client_id, sizeof c->client_id, "longsd-%016llx", (unsigned long long)h);
    if (o->workflow && o->workflow[0]) {
        if ((rc = lsfile_read(o->workflow, WORKFLOW_MAX, &text, &tn, err)))
            goto out;
        json_error_t je;
        c->workflow = json_loadb(text, tn, JSON_REJECT_DUPLICATES, &je);
        if (!json_is_object(c->workflow)) {
            rc = lserr_set(err, LONGSD_ERR_PARAM, "%s: not an API-format ComfyUI workflow (%s, line %d)",
                           o->workflow, c->workflow ? "not an object" : je.text, je.line);
            goto out;
        }
        if (json_object_get(c->workflow, "nodes")) {
            rc = lserr_set(err, LONGSD_ERR_PARAM,
                           "%s: this is a UI-format workflow; export it with \"Save (API Format)\"", o->workflow);
            goto out;
        }
        if (!has_placeholder(c->workflow, "%prompt%")) {
            rc = lserr_set(err, LONGSD_ERR_PARAM, "%s: the workflow has no \"%%prompt%%\" placeholder", o->workflow);
            goto out;
        }
    }
out:
    longsd__free(text);
    if (rc)
        c_destroy(c);
    else
        *state = c;
    return rc;
}

/* Replace every occurrence of the placeholders in s. NULL when out of memory. */
static json_t *subst_string(const char *s, const char *const *keys, const char *const *vals, size_t nk)
{
    lsbuf b;
    lsbuf_init(&b, 0);
    const char *p = s;
    while (*p) {
        size_t k = 0;
        for (; k < nk; k++)
            if (strncmp(p, keys[k], strlen(keys[k])) == 0)
                break;
        longsd_status rc = k < nk ? lsbuf_adds(&b, vals[k]) : lsbuf_addc(&b, *p);
        if (rc) {
            lsbuf_free(&b);
            return NULL;
        }
        p += k < nk ? strlen(keys[k]) : 1;
    }
    json_t *r = json_string(b.data ? b.data : "");
    lsbuf_free(&b);
    return r;
}

typedef struct {
    const char *const *skeys, *const *svals;
    size_t ns;
    const char *const *nkeys;
    const double *nvals;
    size_t nn;
} substs;

/* Substitute placeholders through a (deep-copied) graph. 0 ok, -1 out of memory. */
static int subst(json_t *v, const substs *s)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        void *tmp;
        json_object_foreach_safe(v, tmp, k, x)
        {
            if (json_is_string(x)) {
                const char *str = json_string_value(x);
                json_t *nv = NULL;
                for (size_t i = 0; i < s->nn && !nv; i++)
                    if (strcmp(str, s->nkeys[i]) == 0)
                        nv = s->nvals[i] == (double)(json_int_t)s->nvals[i] ? json_integer((json_int_t)s->nvals[i])
                                                                              : json_real(s->nvals[i]);
                if (!nv && strchr(str, '%'))
                    nv = subst_string(str, s->skeys, s->svals, s->ns);
                if (nv && json_object_set_new(v, k, nv))
                    return -1;
            } else if (subst(x, s)) {
                return -1;
            }
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (json_is_string(x)) {
                json_t *nv = subst_string(json_string_value(x), s->skeys, s->svals, s->ns);
                if (!nv || json_array_set_new(v, i, nv))
                    return -1;
            } else if (subst(x, s)) {
                return -1;
            }
        }
    }
    return 0;
}

static json_t *builtin_graph(const comfy *c, const ls_render_job *job, const char *sampler, const char *sched)
{
    return json_pack(
        "{s:{s:s,s:{s:s}}, s:{s:s,s:{s:s,s:[s,i]}}, s:{s:s,s:{s:s,s:[s,i]}}, s:{s:s,s:{s:i,s:i,s:i}},"
        " s:{s:s,s:{s:I,s:i,s:f,s:s,s:s,s:f,s:[s,i],s:[s,i],s:[s,i],s:[s,i]}},"
        " s:{s:s,s:{s:[s,i],s:[s,i]}}, s:{s:s,s:{s:s,s:[s,i]}}}",
        "4", "class_type", "CheckpointLoaderSimple", "inputs", "ckpt_name", c->model,
        "6", "class_type", "CLIPTextEncode", "inputs", "text", job->prompt, "clip", "4", 1,
        "7", "class_type", "CLIPTextEncode", "inputs", "text", job->negative ? job->negative : "", "clip", "4", 1,
        "5", "class_type", "EmptyLatentImage", "inputs", "width", job->width, "height", job->height, "batch_size", 1,
        "3", "class_type", "KSampler", "inputs", "seed", (json_int_t)job->seed, "steps", job->steps, "cfg",
        (double)job->cfg_scale, "sampler_name", sampler, "scheduler", sched, "denoise", 1.0, "model", "4", 0,
        "positive", "6", 0, "negative", "7", 0, "latent_image", "5", 0,
        "8", "class_type", "VAEDecode", "inputs", "samples", "3", 0, "vae", "4", 2,
        "9", "class_type", "SaveImage", "inputs", "filename_prefix", "longsd", "images", "8", 0);
}

longsd_status ls_comfyui_parse_history(const char *body, size_t n, const char *prompt_id, int *done, char **filename,
                                       char **subfolder, char **type, lserr *err)
{
    *done = 0;
    *filename = *subfolder = *type = NULL;
    longsd_status rc = LONGSD_OK;
    json_error_t je;
    json_t *root = json_loadb(body, n, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(root)) {
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "history reply is not a JSON object");
        goto out;
    }
    json_t *entry = json_object_get(root, prompt_id);
    if (!entry)
        goto out; /* still queued or running */
    json_t *status = json_object_get(entry, "status");
    const char *st = json_string_value(json_object_get(status, "status_str"));
    if (st && strcmp(st, "error") == 0) {
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "ComfyUI reports an execution error for prompt %s", prompt_id);
        goto out;
    }
    json_t *outputs = json_object_get(entry, "outputs");
    const char *node;
    json_t *o;
    json_object_foreach(outputs, node, o)
    {
        json_t *im = json_array_get(json_object_get(o, "images"), 0);
        const char *fn = json_string_value(json_object_get(im, "filename"));
        if (!fn)
            continue;
        const char *sf = json_string_value(json_object_get(im, "subfolder"));
        const char *ty = json_string_value(json_object_get(im, "type"));
        *filename = longsd__strdup(fn);
        *subfolder = longsd__strdup(sf ? sf : "");
        *type = longsd__strdup(ty ? ty : "output");
        if (!*filename || !*subfolder || !*type) {
            longsd__free(*filename);
            longsd__free(*subfolder);
            longsd__free(*type);
            *filename = *subfolder = *type = NULL;
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        *done = 1;
        goto out;
    }
    /* An entry whose status says completed but that has no image: the graph saved nothing. */
    if (json_is_true(json_object_get(status, "completed")) || (st && strcmp(st, "success") == 0))
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "ComfyUI finished prompt %s without an output image", prompt_id);
out:
    json_decref(root);
    return rc;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static longsd_status c_render(void *state, ls_http *http, const ls_render_job *job, ls_render_image *out,
                              lserr *err)
{
    comfy *c = state;
    longsd_status rc = LONGSD_OK;
    json_t *graph = NULL, *req = NULL, *reply = NULL;
    char *body = NULL, *url = NULL, *fn = NULL, *sf = NULL, *ty = NULL;
    char *efn = NULL, *esf = NULL, *ety = NULL;
    ls_http_resp resp;
    ls_http_resp_init(&resp);
    memset(out, 0, sizeof *out);
    out->seed_used = -1;
    char sampler[64], sched[32];
    ls_comfyui_sampler(job->sampler, sampler, sizeof sampler, sched, sizeof sched);
    if (c->workflow) {
        char seed[24];
        snprintf(seed, sizeof seed, "%u", job->seed);
        const char *skeys[] = {"%prompt%", "%negative%", "%sampler%", "%scheduler%", "%model%", "%seed%"};
        const char *svals[] = {job->prompt, job->negative ? job->negative : "", sampler, sched, c->model, seed};
        const char *nkeys[] = {"%seed%", "%width%", "%height%", "%steps%", "%cfg%"};
        const double nvals[] = {(double)job->seed, job->width, job->height, job->steps, job->cfg_scale};
        substs s = {skeys, svals, 6, nkeys, nvals, 5};
        graph = json_deep_copy(c->workflow);
        if (!graph || subst(graph, &s)) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
    } else {
        graph = builtin_graph(c, job, sampler, sched);
    }
    req = graph ? json_pack("{s:O, s:s}", "prompt", graph, "client_id", c->client_id) : NULL;
    if (!req || !(body = json_dumps(req, JSON_COMPACT))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    static const char *const headers[] = {"Content-Type: application/json", "Accept: application/json", NULL};
    if ((rc = ls_http_request(http, "POST", c->prompt_url, headers, body, strlen(body), &resp, err))) {
        /* A 400 carries node_errors: keep the server's words in the message. */
        goto out;
    }
    reply = json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0, NULL);
    const char *pid = json_string_value(json_object_get(reply, "prompt_id"));
    if (!pid || !pid[0] || strlen(pid) > 100 || strpbrk(pid, "/?#% \"\\")) {
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "POST /prompt: reply has no usable prompt_id");
        goto out;
    }
    char path[160];
    snprintf(path, sizeof path, "/history/%s", pid);
    if (!(url = ls_backend_url(c->base, path))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    double t0 = mono_s();
    long wait = c->poll_ms;
    for (;;) {
        int done = 0;
        if ((rc = ls_http_request(http, "GET", url, NULL, NULL, 0, &resp, err)))
            goto out;
        if ((rc = ls_comfyui_parse_history(resp.body.data ? resp.body.data : "", resp.body.len, pid, &done, &fn, &sf,
                                           &ty, err)))
            goto out;
        if (done)
            break;
        if ((mono_s() - t0) * 1000.0 > (double)c->timeout_ms) {
            rc = lserr_set(err, LONGSD_ERR_NETWORK, "ComfyUI prompt %s not finished after %ld s", pid,
                           c->timeout_ms / 1000);
            goto out;
        }
        struct timespec ts = {wait / 1000, (wait % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        if (ls_http_aborted(http)) {
            rc = lserr_set(err, LONGSD_ERR_ABORTED, "ComfyUI prompt %s: interrupted", pid);
            goto out;
        }
        if (wait < 1000)
            wait += wait / 2;
    }
    /* /view?filename=&subfolder=&type= with every value escaped */
    efn = curl_easy_escape(NULL, fn, 0);
    esf = curl_easy_escape(NULL, sf, 0);
    ety = curl_easy_escape(NULL, ty, 0);
    longsd__free(url);
    url = NULL;
    char *route = efn && esf && ety ? longsd__asprintf("/view?filename=%s&subfolder=%s&type=%s", efn, esf, ety) : NULL;
    if (route)
        url = ls_backend_url(c->base, route);
    longsd__free(route);
    if (!url) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = ls_http_request(http, "GET", url, NULL, NULL, 0, &resp, err)))
        goto out;
    if (c->max_image_bytes && resp.body.len > c->max_image_bytes) {
        rc = lserr_set(err, LONGSD_ERR_TOO_BIG, "ComfyUI image over %zu bytes", c->max_image_bytes);
        goto out;
    }
    out->len = resp.body.len;
    out->data = (uint8_t *)lsbuf_steal(&resp.body);
    if (!out->data) {
        out->len = 0;
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "ComfyUI sent an empty image");
        goto out;
    }
    out->seed_used = job->seed;
out:
    curl_free(efn);
    curl_free(esf);
    curl_free(ety);
    longsd__free(url);
    longsd__free(fn);
    longsd__free(sf);
    longsd__free(ty);
    free(body);
    json_decref(reply);
    json_decref(req);
    json_decref(graph);
    ls_http_resp_free(&resp);
    return rc;
}

const ls_backend_ops ls_backend_comfyui = {
    .name = "comfyui",
    .description = "ComfyUI: POST /prompt (built-in txt2img graph or --workflow), /history, /view",
    .caps = LS_CAP_ALL,
    .create = c_create,
    .render = c_render,
    .destroy = c_destroy,
    .instance_caps = NULL,
};
