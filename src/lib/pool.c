/* pool.c - the render pool (see pool.h). One mutex guards the queue, the
 * job states and the counters; workers hold it only to take a job and to
 * report one, never across a request or a file write. The thread that
 * called ls_pool_run is the only one that calls back into the caller (job
 * reports, progress, log), so callbacks need no locking of their own. */
#include "pool.h"
#include "noise.h"
#include "redact.h"
#include "tmpfile.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "docx.h"
#include "png_write.h"

#define MAX_BACKENDS 64
#define MAX_THREADS 1024
#define ERROR_MAX 900

typedef struct {
    const ls_backend_ops *ops;
    void *state;
    char *kind;
    char *url;            /* redacted, for sidecars */
    char *label;          /* "a1111 127.0.0.1:7860" */
    unsigned caps;
    int slots;
    /* under the pool mutex */
    int set_aside;
    int asides;           /* times set aside in this run */
    double aside_until;   /* monotonic s: when a set-aside backend gets one job on probation */
    int consecutive_failures;
    int running;
    size_t done, failures;
    char last_error[256];
} pool_backend;

typedef struct {
    ls_pool *p;
    int b;
    pthread_t tid;
    int started;
} worker;

struct ls_pool {
    longsd_ctx *ctx;
    longsd_render_params prm;
    pool_backend *b;
    size_t nb;
    ls_pool_job **jobs;
    size_t nj, jcap;
    size_t *queue; /* job indices in order of service */
    size_t nq;
    size_t running, finished, failed, done;
    size_t *reports; /* finished jobs not yet reported to the caller */
    size_t nreports;
    char **msgs;     /* log lines not yet handed to the caller */
    size_t nmsgs, msgcap;
    int stop;        /* atomic: abort everything */
    int oom;
    size_t live; /* workers still running */
    pthread_mutex_t mu;
    pthread_cond_t work_cv, event_cv;
    worker *w;
    size_t nw;
};

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- pool */

longsd_status ls_pool_new(longsd_ctx *ctx, const longsd_render_params *prm, ls_pool **out)
{
    lserr *err = ctx ? &ctx->err : NULL;
    *out = NULL;
    if (!prm || prm->n_backends == 0 || !prm->backends)
        return lserr_set(err, LONGSD_ERR_PARAM, "no image backend given (use --backend KIND=URL)");
    if (prm->n_backends > MAX_BACKENDS)
        return lserr_set(err, LONGSD_ERR_PARAM, "at most %d backends in one pool", MAX_BACKENDS);
    if (prm->per_backend < 1 || prm->per_backend > 64)
        return lserr_set(err, LONGSD_ERR_PARAM, "per-backend jobs must be 1..64, not %d", prm->per_backend);
    ls_pool *p = longsd__calloc(1, sizeof *p);
    if (!p)
        return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
    p->ctx = ctx;
    p->prm = *prm;
    p->prm.plan_path = NULL; /* borrowed strings are not kept */
    p->prm.backends = NULL;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_cond_init(&p->event_cv, NULL);
    longsd_status rc = LONGSD_OK;
    if (!(p->b = longsd__calloc(prm->n_backends, sizeof *p->b))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    size_t threads = 0;
    for (size_t i = 0; i < prm->n_backends; i++) {
        const longsd_backend_spec *s = &prm->backends[i];
        pool_backend *b = &p->b[i];
        p->nb = i + 1;
        b->ops = ls_backend_find(s->kind);
        if (!b->ops) {
            rc = lserr_set(err, LONGSD_ERR_PARAM, "unknown backend kind \"%s\" (known: %s)", s->kind ? s->kind : "",
                           ls_backend_kinds());
            goto out;
        }
        if (b->ops->in_process) {
            if (!s->url || !*s->url) {
                rc = lserr_set(err, LONGSD_ERR_PARAM, "backend %s: give a model path (%s=PATH)", s->kind, s->kind);
                goto out;
            }
        } else if (!s->url || (strncmp(s->url, "http://", 7) != 0 && strncmp(s->url, "https://", 8) != 0)) {
            rc = lserr_set(err, LONGSD_ERR_PARAM, "backend %s: URL must start with http:// or https:// (got \"%s\")",
                           s->kind, s->url ? s->url : "");
            goto out;
        }
        char shown[512];
        ls_http_redact_url(s->url, shown, sizeof shown);
        const char *host = strstr(shown, "://") ? strstr(shown, "://") + 3 : shown;
        b->kind = longsd__strdup(b->ops->name);
        b->url = longsd__strdup(shown);
        if (b->ops->in_process) { /* a model path: its last component names it */
            const char *base = strrchr(s->url, '/');
            while (base && !base[1] && base > s->url) { /* trailing '/' */
                const char *q = base - 1;
                while (q > s->url && *q != '/')
                    q--;
                base = q;
            }
            b->label = longsd__asprintf("%s %s", b->ops->name, base && base[1] ? base + (*base == '/') : s->url);
        } else {
            b->label = longsd__asprintf("%s %.*s", b->ops->name, (int)strcspn(host, "/"), host);
        }
        if (!b->kind || !b->url || !b->label) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        /* a key from the environment is the backend's own business (its
         * create looks it up); an explicit one is redacted before any
         * request can echo it */
        longsd__redact_add_secret(s->api_key);
        ls_backend_opts bo = {
            .url = s->url,
            .api_key = s->api_key,
            .model = s->model,
            .workflow = s->workflow,
            .max_image_bytes = prm->max_image_bytes,
            .poll_ms = 100,
            .timeout_ms = (long)(prm->timeout_s * 1000.0),
            .vae = prm->vae,
            .lora_dir = prm->lora_dir,
            .models = prm->models,
            .jobs = s->jobs > 0 ? s->jobs : prm->per_backend,
            .threads = prm->threads,
        };
        if (bo.jobs > 64)
            bo.jobs = 64;
        if (prm->vae && !b->ops->in_process) {
            rc = lserr_set(err, LONGSD_ERR_PARAM, "backend %s: a VAE (%s) is for the native engine only; servers use "
                           "their own", b->label, prm->vae);
            goto out;
        }
        if ((rc = b->ops->create(&bo, &b->state, err))) {
            char m[sizeof err->msg];
            snprintf(m, sizeof m, "%s", err ? err->msg : "");
            rc = lserr_set(err, rc, "backend %s: %s", b->label, m);
            goto out;
        }
        b->caps = b->ops->instance_caps ? b->ops->instance_caps(b->state) : b->ops->caps;
        b->slots = bo.jobs;
        threads += (size_t)b->slots;
    }
    if (threads > MAX_THREADS) {
        rc = lserr_set(err, LONGSD_ERR_PARAM, "%zu concurrent jobs is too many (max %d)", threads, MAX_THREADS);
        goto out;
    }
out:
    if (rc)
        ls_pool_free(p);
    else
        *out = p;
    return rc;
}

static void job_free(ls_pool_job *j)
{
    if (!j)
        return;
    longsd__free((char *)j->job.prompt);
    longsd__free((char *)j->job.negative);
    longsd__free((char *)j->job.sampler);
    longsd__free((char *)j->job.vae);
    longsd__free((char *)j->job.rng);
    longsd__free((char *)j->job.init_image);
    longsd__free(j->id);
    longsd__free(j->path);
    longsd__free(j->key);
    longsd__free(j->file);
    longsd__free(j->error);
    longsd__free(j);
}

void ls_pool_free(ls_pool *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nb; i++) {
        pool_backend *b = &p->b[i];
        if (b->ops && b->state)
            b->ops->destroy(b->state);
        longsd__free(b->kind);
        longsd__free(b->url);
        longsd__free(b->label);
    }
    longsd__free(p->b);
    for (size_t i = 0; i < p->nj; i++)
        job_free(p->jobs[i]);
    longsd__free(p->jobs);
    longsd__free(p->queue);
    longsd__free(p->reports);
    for (size_t i = 0; i < p->nmsgs; i++)
        longsd__free(p->msgs[i]);
    longsd__free(p->msgs);
    longsd__free(p->w);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->event_cv);
    longsd__free(p);
}

longsd_status ls_pool_add(ls_pool *p, const ls_render_job *job, const char *id, const char *path, const char *key,
                          size_t tag)
{
    if (p->nj == p->jcap) {
        size_t nc = p->jcap ? p->jcap * 2 : 16;
        ls_pool_job **nj = longsd__realloc(p->jobs, nc * sizeof *nj);
        if (!nj)
            return LONGSD_ERR_NOMEM;
        p->jobs = nj;
        size_t *nq = longsd__realloc(p->queue, nc * sizeof *nq);
        if (!nq)
            return LONGSD_ERR_NOMEM;
        p->queue = nq;
        size_t *nr = longsd__realloc(p->reports, nc * sizeof *nr);
        if (!nr)
            return LONGSD_ERR_NOMEM;
        p->reports = nr;
        p->jcap = nc;
    }
    ls_pool_job *j = longsd__calloc(1, sizeof *j);
    if (!j)
        return LONGSD_ERR_NOMEM;
    j->job = *job;
    j->job.prompt = longsd__strdup(job->prompt ? job->prompt : "");
    j->job.negative = longsd__strdup(job->negative ? job->negative : "");
    j->job.sampler = longsd__strdup(job->sampler ? job->sampler : "Euler a");
    j->job.vae = longsd__strdup(job->vae ? job->vae : "");
    j->job.rng = ls_rng_is_native(job->rng) ? NULL : longsd__strdup(job->rng);
    j->job.init_image = job->init_image ? longsd__strdup(job->init_image) : NULL;
    j->id = longsd__strdup(id ? id : "image");
    j->path = longsd__strdup(path);
    j->key = longsd__strdup(key ? key : "");
    j->tag = tag;
    j->backend = -1;
    if (!j->job.prompt || !j->job.negative || !j->job.sampler || !j->job.vae || !j->id || !j->path || !j->key ||
        (!ls_rng_is_native(job->rng) && !j->job.rng) || (job->init_image && !j->job.init_image)) {
        job_free(j);
        return LONGSD_ERR_NOMEM;
    }
    p->jobs[p->nj] = j;
    p->queue[p->nq++] = p->nj;
    p->nj++;
    return LONGSD_OK;
}

size_t ls_pool_n_jobs(const ls_pool *p) { return p->nj; }
const ls_pool_job *ls_pool_job_at(const ls_pool *p, size_t i) { return i < p->nj ? p->jobs[i] : NULL; }

/* Under the lock: a line for the caller's log. */
static void add_msg(ls_pool *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_msg(ls_pool *p, const char *fmt, ...)
{
    if (p->nmsgs == p->msgcap) {
        size_t nc = p->msgcap ? p->msgcap * 2 : 32;
        char **nm = longsd__realloc(p->msgs, nc * sizeof *nm);
        if (!nm)
            return;
        p->msgs = nm;
        p->msgcap = nc;
    }
    char buf[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *m = longsd__strdup(buf);
    if (m)
        p->msgs[p->nmsgs++] = m;
}

static int pool_stopped(void *user) { return __atomic_load_n(&((ls_pool *)user)->stop, __ATOMIC_RELAXED); }

/* ---- one job on one backend (no lock held) */

typedef struct {
    longsd_status rc;
    char msg[ERROR_MAX];
    char *file;
    int blank;
    uint64_t seed_used; /* servers report 64-bit seeds (A1111: 2^32 and up) */
    double render_s;
} attempt;

static const char *ignored_list(unsigned caps, const ls_render_job *j, char *buf, size_t n)
{
    buf[0] = '\0';
    struct {
        unsigned cap;
        int used;
        const char *name;
    } f[] = {
        {LS_CAP_NEGATIVE, j->negative && j->negative[0], "negative prompt"},
        {LS_CAP_STEPS, 1, "steps"},
        {LS_CAP_CFG, 1, "CFG scale"},
        {LS_CAP_SAMPLER, 1, "sampler"},
        {LS_CAP_SEED, 1, "seed"},
        {LS_CAP_RNG, !ls_rng_is_native(j->rng), "rng"},
        {LS_CAP_VAE_TILE, j->vae_tile > 0, "VAE tiling"},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!(caps & f[i].cap) && f[i].used)
            snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", buf[0] ? ", " : "", f[i].name);
    return buf;
}

static longsd_status write_sidecar(ls_pool *p, const pool_backend *b, const ls_pool_job *j, const char *file,
                                   const uint8_t *data, size_t n, int is_png, uint64_t seed, int blank,
                                   int blank_tries, double render_s, double queued_s, lserr *err)
{
    (void)p;
    char ign[160];
    ls_render_job job = j->job;
    if (!(b->caps & LS_CAP_VAE_TILE))
        job.vae_tile = 0; /* not done there: in "ignored", not recorded as done */
    ls_sidecar s = {
        .id = strrchr(j->id, '/') ? strrchr(j->id, '/') + 1 : j->id, /* "book/idea" in a batch */
        .key = j->key, .file = file, .job = &job, .data = data, .n = n, .is_png = is_png,
        .seed_used = seed, .kind = b->kind, .url = b->url, .label = b->label,
        .ignored = ignored_list(b->caps, &j->job, ign, sizeof ign), .blank = blank, .blank_tries = blank_tries,
        .attempts = j->attempts + 1, .queued_s = queued_s, .render_s = render_s,
    };
    return ls_sidecar_write(&s, err);
}

static void run_attempt(ls_pool *p, int bi, ls_http *http, ls_pool_job *j, double queued_s, attempt *a)
{
    pool_backend *b = &p->b[bi];
    lserr err;
    lserr_clear(&err);
    ls_render_image im = {0};
    uint8_t *stamped = NULL;
    char *params = NULL;
    size_t slen = 0;
    ls_render_job job = j->job;
    int is_png = 0, blank = 0, tries = 0;
    double t0 = mono_s();
    memset(a, 0, sizeof *a);
    if (job.init_image && !(b->caps & LS_CAP_INIT_IMAGE)) {
        a->rc = lserr_set(&err, LONGSD_ERR_UNSUPPORTED,
                          "%s cannot start from an init image (img2img is the native engine's: --backend "
                          "native=MODEL)",
                          b->label);
        goto out;
    }
    if (!(b->caps & LS_CAP_VAE_TILE))
        job.vae_tile = 0; /* ignored (the sidecar says so): the parameters must not claim it */
    for (;; tries++) {
        /* a blank image is retried with another seed, recorded in the sidecar */
        job.seed = j->job.seed + (uint32_t)tries * 7919u;
        ls_render_image_free(&im);
        if ((a->rc = b->ops->render(b->state, http, &job, &im, &err)))
            goto out;
        int w = 0, h = 0;
        if (ls_image_dims(im.data, im.len, &w, &h, &is_png) != 0) {
            char head[24] = "";
            for (size_t i = 0; i < im.len && i < 8; i++)
                snprintf(head + strlen(head), sizeof head - strlen(head), "%02x", im.data[i]);
            a->rc = lserr_set(&err, LONGSD_ERR_IMAGE, "reply is not a PNG or JPEG image (%zu bytes, starting %s)",
                              im.len, head);
            goto out;
        }
        if (w != job.width || h != job.height) {
            a->rc = lserr_set(&err, LONGSD_ERR_IMAGE, "reply is %dx%d, asked %dx%d", w, h, job.width, job.height);
            goto out;
        }
        blank = 0;
        if (is_png) { /* no JPEG decoder here: JPEGs are not checked for blankness */
            int bl = ls_png_is_blank(im.data, im.len, &err);
            if (bl < 0) {
                a->rc = LONGSD_ERR_IMAGE;
                goto out;
            }
            blank = bl;
        }
        if (!blank || tries >= p->prm.blank_retries || pool_stopped(p))
            break;
    }
    a->render_s = mono_s() - t0;
    a->seed_used = im.seed_used >= 0 ? (uint64_t)im.seed_used : job.seed; /* never truncated */
    const uint8_t *data = im.data;
    size_t n = im.len;
    if (is_png) {
        if (a->seed_used <= UINT32_MAX)
            job.seed = (uint32_t)a->seed_used;
        job.params_extra = im.params_extra; /* the native engine's Lora hashes */
        if (!(params = ls_pool_parameters_text(&job, a->seed_used))) {
            a->rc = lserr_set(&err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        if ((a->rc = ls_png_set_text(im.data, im.len, "parameters", params, &stamped, &slen, &err)))
            goto out;
        data = stamped;
        n = slen;
    }
    if (!(a->file = is_png ? longsd__strdup(j->path) : ls_imgfile_with_ext(j->path, ".jpg"))) {
        a->rc = lserr_set(&err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* image first, then the sidecar that vouches for it: a kill between the
     * two leaves an image without sidecar, which a re-run redraws */
    if ((a->rc = lsfile_write_atomic(a->file, data, n, &err)))
        goto out;
    a->rc = write_sidecar(p, b, j, a->file, data, n, is_png, a->seed_used, blank, tries, a->render_s, queued_s, &err);
    a->blank = blank;
out:
    if (a->rc) {
        snprintf(a->msg, sizeof a->msg, "%.*s", (int)sizeof a->msg - 1, err.msg[0] ? err.msg : longsd_strerror(a->rc));
        longsd__free(a->file);
        a->file = NULL;
    } else if (blank) {
        snprintf(a->msg, sizeof a->msg, "blank image (safety filter?) after %d seed%s on %s", tries + 1,
                 tries ? "s" : "", b->label);
    }
    ls_render_image_free(&im);
    longsd__free(stamped);
    longsd__free(params);
}

/* ---- scheduling (all under the lock) */

static int n_active(const ls_pool *p)
{
    int n = 0;
    for (size_t i = 0; i < p->nb; i++)
        n += !p->b[i].set_aside;
    return n;
}

/* Can backend bi take job j? Not if it already failed it, unless every
 * backend still in the pool failed it too. */
static int eligible(const ls_pool *p, int bi, const ls_pool_job *j)
{
    if (!(j->tried & (1ull << bi)))
        return 1;
    for (size_t i = 0; i < p->nb; i++)
        if (!p->b[i].set_aside && !(j->tried & (1ull << i)))
            return 0;
    return 1;
}

static void finish_job(ls_pool *p, size_t ji, int state)
{
    ls_pool_job *j = p->jobs[ji];
    j->state = state;
    p->finished++;
    if (state == LS_JOB_FAILED)
        p->failed++;
    else
        p->done++;
    p->reports[p->nreports++] = ji;
}

static size_t error_len(const ls_pool_job *j)
{
    return j->error ? strlen(j->error) : 0;
}

static void append_error(ls_pool_job *j, const char *label, const char *msg)
{
    /* a reason already given by the same backend is not repeated */
    char *said = longsd__asprintf("%s: %s", label, msg);
    int repeat = said && j->error && strstr(j->error, said);
    longsd__free(said);
    if (repeat)
        return;
    char *e = longsd__asprintf("%s%s%s: %s", j->error ? j->error : "", j->error ? "; " : "", label, msg);
    if (!e)
        return;
    if (strlen(e) > ERROR_MAX) { /* keep the start (first reasons) and mark the cut */
        e[ERROR_MAX - 4] = '\0';
        strcat(e, "...");
    }
    longsd__free(j->error);
    j->error = e;
}

/* The line of a job that failed for good (how: " after 2 attempts" or
 * ""). Its reasons once: a job whose every reason an earlier line of the
 * run gave (retrying ... after B: why) points there instead of repeating
 * them, so one failure is one reason on the screen. */
static void say_failed(ls_pool *p, const ls_pool_job *j, const char *how)
{
    if (j->error && j->said == error_len(j))
        add_msg(p, "failed %s%s (the reason above)", j->id, how);
    else
        add_msg(p, "failed %s%s: %s", j->id, how, j->error ? j->error : "");
}

/* Fail every queued job: no backend is left. One line for all of them
 * (each job's reason is in its error); also_failed counts a job the caller
 * failed for the same cause. */
static void fail_queue(ls_pool *p, size_t also_failed)
{
    for (size_t q = 0; q < p->nq; q++) {
        ls_pool_job *j = p->jobs[p->queue[q]];
        append_error(j, "pool", "no backend left (all set aside after repeated failures)");
        finish_job(p, p->queue[q], LS_JOB_FAILED);
    }
    size_t n = p->nq + also_failed;
    if (n)
        add_msg(p, "failed %zu image%s: no backend left", n, n == 1 ? "" : "s");
    p->nq = 0;
}

static void report_attempt(ls_pool *p, int bi, size_t ji, attempt *a)
{
    pool_backend *b = &p->b[bi];
    ls_pool_job *j = p->jobs[ji];
    b->running--;
    p->running--;
    if (a->rc == LONGSD_OK) {
        b->consecutive_failures = 0;
        b->done++;
        j->attempts++;
        j->file = a->file;
        a->file = NULL;
        j->seed_used = a->seed_used;
        j->render_s = a->render_s;
        j->backend = bi;
        j->blank = a->blank;
        if (a->blank) {
            longsd__free(j->error);
            j->error = longsd__strdup(a->msg);
            finish_job(p, ji, LS_JOB_FAILED);
            add_msg(p, "flagged %s: %s", j->id, a->msg);
        } else {
            longsd__free(j->error); /* earlier attempts' reasons no longer matter */
            j->error = NULL;
            finish_job(p, ji, LS_JOB_DONE);
            add_msg(p, "done %s on %s (%.1f s)", j->id, b->label, a->render_s);
        }
        return;
    }
    if (a->rc == LONGSD_ERR_ABORTED || pool_stopped(p)) { /* back in the queue, untouched */
        j->state = LS_JOB_QUEUED;
        p->queue[p->nq++] = ji;
        return;
    }
    j->attempts++;
    int said_all = j->said == error_len(j); /* before this attempt's reason */
    append_error(j, b->label, a->msg);
    if (a->rc == LONGSD_ERR_IO || a->rc == LONGSD_ERR_NOMEM) { /* local trouble: no other server helps */
        finish_job(p, ji, LS_JOB_FAILED);
        add_msg(p, "failed %s: %s", j->id, a->msg);
        return;
    }
    j->tried |= 1ull << bi;
    /* this job cannot be drawn here (a LoRA the backend does not have, a
     * size or option it refuses): the same again would fail the same way,
     * and the backend is fine for the other jobs. Another backend may have
     * it; else the job has failed, and the backend is not set aside. */
    if (a->rc == LONGSD_ERR_NOT_FOUND || a->rc == LONGSD_ERR_PARAM || a->rc == LONGSD_ERR_UNSUPPORTED) {
        int elsewhere = 0;
        for (size_t i = 0; i < p->nb; i++)
            elsewhere |= !p->b[i].set_aside && !(j->tried & (1ull << i));
        if (!elsewhere) {
            finish_job(p, ji, LS_JOB_FAILED);
            say_failed(p, j, "");
            return;
        }
        add_msg(p, "trying %s elsewhere after %s: %s", j->id, b->label, a->msg);
        j->said = error_len(j);
        goto requeue;
    }
    /* the same reason as this backend's last failure: said already */
    int again = b->consecutive_failures > 0 && strncmp(b->last_error, a->msg, sizeof b->last_error - 1) == 0;
    b->failures++;
    b->consecutive_failures++;
    snprintf(b->last_error, sizeof b->last_error, "%.*s", (int)sizeof b->last_error - 1, a->msg);
    /* nothing listens there and nothing ever did in this run: the server is
     * not started, and the next job would find the same. Set aside now (and
     * tried again later in the run like any other), said once. One that
     * drew images before may be restarting: counted as usual. */
    const char *refused = b->done == 0 ? strstr(a->msg, LS_HTTP_NOT_LISTENING) : NULL;
    if (!b->set_aside && (refused || b->consecutive_failures >= p->prm.max_failures)) {
        b->set_aside = 1;
        /* retried later in the run: after twice the timeout (1 s..5 min),
         * doubled each time it is set aside again */
        double pause = 2.0 * p->prm.timeout_s;
        pause = pause < 1.0 ? 1.0 : pause > 300.0 ? 300.0 : pause;
        for (int k = 0; k < b->asides && pause < 300.0; k++)
            pause *= 2.0;
        b->asides++;
        b->aside_until = mono_s() + pause;
        if (refused)
            add_msg(p, "set aside %s: %s", b->label, refused);
        else
            add_msg(p, "set aside %s after %d failures in a row (last: %s)", b->label, b->consecutive_failures,
                    again ? "the same reason" : a->msg);
        if (!refused && said_all) /* that line gave this attempt's reason */
            j->said = error_len(j);
        pthread_cond_broadcast(&p->work_cv);
    }
    int max_attempts = p->prm.max_attempts > 0 ? p->prm.max_attempts : 2 + (int)p->nb;
    if (n_active(p) == 0 || j->attempts >= max_attempts) {
        finish_job(p, ji, LS_JOB_FAILED);
        if (n_active(p) == 0 && refused) { /* the set-aside line gave the reason */
            fail_queue(p, 1);
            return;
        }
        char n_att[48];
        snprintf(n_att, sizeof n_att, " after %d attempt%s", j->attempts, j->attempts > 1 ? "s" : "");
        say_failed(p, j, n_att);
        if (n_active(p) == 0)
            fail_queue(p, 0);
        return;
    }
    if (!refused && j->said == error_len(j)) /* this job's lines gave the reason */
        add_msg(p, "retrying %s elsewhere after %s (the same reason)", j->id, b->label);
    else if (!refused)
        add_msg(p, "retrying %s elsewhere after %s: %s", j->id, b->label, a->msg); /* else the set-aside line said it */
    if (!refused)
        j->said = error_len(j);
requeue:
    j->state = LS_JOB_QUEUED;
    memmove(p->queue + 1, p->queue, p->nq * sizeof *p->queue); /* to the front: it has waited already */
    p->queue[0] = ji;
    p->nq++;
    pthread_cond_broadcast(&p->work_cv);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    ls_pool *p = w->p;
    pool_backend *b = &p->b[w->b];
    ls_http_opts ho = ls_http_default_opts();
    ho.timeout_ms = (long)(p->prm.timeout_s * 1000.0);
    ho.connect_timeout_ms = (long)(p->prm.connect_timeout_s * 1000.0);
    ho.max_retries = p->prm.retries;
    ho.no_retry_timeout = 1; /* a silent server costs one timeout per job, not 1 + retries */
    ho.backoff_initial_ms = (long)(p->prm.backoff_s * 1000.0);
    ho.max_body = p->prm.max_image_bytes + p->prm.max_image_bytes / 3 + 65536; /* base64 and JSON around it */
    ho.abort_fn = pool_stopped;
    ho.abort_user = p;
    ls_http *http = ls_http_new(&ho);
    double t_start = mono_s();
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (!http) {
            p->oom = 1;
            break;
        }
        if (pool_stopped(p))
            break;
        if (b->set_aside) {
            /* set aside, not dropped: while work remains, one job on
             * probation after a pause (one more failure sets it aside again) */
            if (p->nq == 0 && p->running == 0)
                break;
            double left = b->aside_until - mono_s();
            if (left > 0) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                ts.tv_sec += (time_t)left;
                ts.tv_nsec += (long)((left - (double)(time_t)left) * 1e9);
                if (ts.tv_nsec >= 1000000000L) {
                    ts.tv_sec++;
                    ts.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&p->work_cv, &p->mu, &ts);
                continue;
            }
            b->set_aside = 0;
            b->consecutive_failures = p->prm.max_failures > 1 ? p->prm.max_failures - 1 : 0;
            add_msg(p, "trying %s again (set aside %d time%s)", b->label, b->asides, b->asides == 1 ? "" : "s");
        }
        size_t q = 0;
        for (; q < p->nq; q++)
            if (eligible(p, w->b, p->jobs[p->queue[q]]))
                break;
        if (q == p->nq) {
            if (p->nq == 0 && p->running == 0)
                break; /* nothing queued and nothing that could come back */
            pthread_cond_wait(&p->work_cv, &p->mu);
            continue;
        }
        size_t ji = p->queue[q];
        memmove(p->queue + q, p->queue + q + 1, (p->nq - q - 1) * sizeof *p->queue);
        p->nq--;
        ls_pool_job *j = p->jobs[ji];
        j->state = LS_JOB_RUNNING;
        b->running++;
        p->running++;
        pthread_mutex_unlock(&p->mu);
        attempt a;
        run_attempt(p, w->b, http, j, mono_s() - t_start, &a);
        pthread_mutex_lock(&p->mu);
        report_attempt(p, w->b, ji, &a);
        longsd__free(a.file);
        pthread_cond_broadcast(&p->event_cv);
        if (p->nq == 0 && p->running == 0)
            pthread_cond_broadcast(&p->work_cv); /* wake the idle so they can leave */
    }
    p->live--;
    pthread_cond_broadcast(&p->event_cv);
    pthread_mutex_unlock(&p->mu);
    ls_http_free(http);
    return NULL;
}

/* Progress snapshot for the caller (under the lock; the strings are copied
 * into snap-owned storage so the caller can read them unlocked). */
typedef struct {
    longsd_render_progress pr;
    longsd_backend_progress *bp;
    char (*errs)[256];
} snapshot;

static void take_snapshot(ls_pool *p, snapshot *s, double t0, size_t total, size_t skipped)
{
    for (size_t i = 0; i < p->nb; i++) {
        s->bp[i].label = p->b[i].label;
        s->bp[i].set_aside = p->b[i].set_aside;
        s->bp[i].running = p->b[i].running;
        s->bp[i].done = p->b[i].done;
        s->bp[i].failures = p->b[i].failures;
        memcpy(s->errs[i], p->b[i].last_error, sizeof s->errs[i]);
        s->bp[i].last_error = s->errs[i];
    }
    longsd_render_progress *r = &s->pr;
    r->total = total;
    r->skipped = skipped;
    r->done = p->done;
    r->failed = p->failed;
    r->running = p->running;
    r->queued = p->nq;
    r->elapsed_s = mono_s() - t0;
    r->per_minute = r->elapsed_s > 0 ? (double)(p->done + p->failed) * 60.0 / r->elapsed_s : 0;
    size_t left = p->nj - p->finished;
    r->eta_s = p->finished && r->per_minute > 0 ? (double)left * 60.0 / r->per_minute : (left ? -1 : 0);
    r->n_backends = p->nb;
    r->backends = s->bp;
    r->event = NULL;
    r->final = 0;
}

longsd_status ls_pool_run(ls_pool *p, ls_pool_job_fn on_job, longsd_render_progress_fn progress, void *user,
                          size_t total, size_t skipped)
{
    lserr *err = p->ctx ? &p->ctx->err : NULL;
    longsd_status rc = LONGSD_OK;
    snapshot snap = {0};
    size_t *reports = NULL;
    char **msgs = NULL;
    size_t nthreads = 0;
    for (size_t i = 0; i < p->nb; i++)
        nthreads += (size_t)p->b[i].slots;
    snap.bp = longsd__calloc(p->nb, sizeof *snap.bp);
    snap.errs = longsd__calloc(p->nb, sizeof *snap.errs);
    reports = longsd__calloc(p->nj + 1, sizeof *reports);
    p->w = longsd__calloc(nthreads, sizeof *p->w);
    if (!snap.bp || !snap.errs || !reports || !p->w) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < p->nb; i++) {
        char ign[160];
        ls_render_job probe = {.negative = "x"};
        if (ignored_list(p->b[i].caps, &probe, ign, sizeof ign)[0])
            longsd__log(p->ctx, LONGSD_LOG_WARN, "%s does not support %s: ignored", p->b[i].label, ign);
    }
    double t0 = mono_s();
    if (p->nj > 0) {
        for (size_t i = 0; i < p->nb; i++) {
            for (int k = 0; k < p->b[i].slots; k++) {
                worker *w = &p->w[p->nw];
                w->p = p;
                w->b = (int)i;
                pthread_mutex_lock(&p->mu);
                p->live++;
                pthread_mutex_unlock(&p->mu);
                if (pthread_create(&w->tid, NULL, worker_main, w) == 0) {
                    w->started = 1;
                    p->nw++;
                } else {
                    pthread_mutex_lock(&p->mu);
                    p->live--;
                    pthread_mutex_unlock(&p->mu);
                }
            }
        }
        if (p->nw == 0) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "cannot start worker threads");
            goto out;
        }
    }
    double last_progress = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        int all_done = p->finished == p->nj;
        int stopped = pool_stopped(p) && p->running == 0;
        int stuck = p->live == 0 && p->running == 0;
        size_t nr = p->nreports, nm = p->nmsgs;
        if (nr || nm || all_done || stopped || stuck || mono_s() - last_progress > 0.25) {
            if (nr)
                memcpy(reports, p->reports, nr * sizeof *reports);
            p->nreports = 0;
            msgs = p->msgs;
            p->msgs = NULL;
            p->nmsgs = p->msgcap = 0;
            take_snapshot(p, &snap, t0, total, skipped);
            pthread_mutex_unlock(&p->mu);
            for (size_t i = 0; i < nr; i++)
                if (on_job)
                    on_job(user, p->jobs[reports[i]]);
            for (size_t i = 0; i < nm; i++) {
                if (!progress) /* with a progress callback the events go there instead */
                    longsd__log(p->ctx, strncmp(msgs[i], "done", 4) == 0 ? LONGSD_LOG_DEBUG : LONGSD_LOG_INFO,
                                "%s", msgs[i]);
                snap.pr.event = msgs[i];
                if (progress)
                    progress(user, &snap.pr);
            }
            if (!nm && progress)
                progress(user, &snap.pr);
            for (size_t i = 0; i < nm; i++)
                longsd__free(msgs[i]);
            longsd__free(msgs);
            msgs = NULL;
            last_progress = mono_s();
            if (!pool_stopped(p) && longsd__aborted(p->ctx)) {
                __atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED);
                pthread_mutex_lock(&p->mu);
                pthread_cond_broadcast(&p->work_cv);
                continue;
            }
            pthread_mutex_lock(&p->mu);
            if (all_done || stopped || stuck)
                break;
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->event_cv, &p->mu, &ts);
        if (!pool_stopped(p) && longsd__aborted(p->ctx)) {
            __atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED);
            pthread_cond_broadcast(&p->work_cv);
        }
    }
    __atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED); /* let idle workers leave */
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->nw; i++)
        pthread_join(p->w[i].tid, NULL);
    if (progress) {
        take_snapshot(p, &snap, t0, total, skipped);
        snap.pr.final = 1;
        progress(user, &snap.pr);
    }
    if (p->finished < p->nj) {
        rc = p->oom && !longsd__aborted(p->ctx)
                 ? lserr_set(err, LONGSD_ERR_NOMEM, "out of memory starting HTTP clients")
                 : lserr_set(err, LONGSD_ERR_ABORTED, "interrupted: %zu of %zu images not rendered yet (re-run to resume)",
                             p->nj - p->finished, p->nj);
    } else if (p->failed) {
        rc = lserr_set(err, LONGSD_ERR_BACKEND, "%zu of %zu images failed (reasons in the plan)", p->failed, p->nj);
    }
out:
    longsd__free(snap.bp);
    longsd__free(snap.errs);
    longsd__free(reports);
    return rc;
}
