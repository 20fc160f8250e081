/* render_api.c - the public render API (longsd.h, section "Rendering"): turns the
 * plan's ideas into pool jobs with their file names, skips images that are
 * already done and valid, and records each outcome in the plan as it comes. */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "plan.h"
#include "pool.h"

longsd_render_params longsd_render_default_params(void)
{
    return (longsd_render_params){
        .backends = NULL,
        .n_backends = 0,
        .per_backend = 1,
        .timeout_s = 300,
        .connect_timeout_s = 10,
        .retries = 2,
        .backoff_s = 0.5,
        .max_failures = 3,
        .max_attempts = 0,
        .blank_retries = 2,
        .force = 0,
        .max_image_bytes = (size_t)64 << 20,
        .plan_path = NULL,
        .only = NULL,
        .n_only = 0,
    };
}

longsd_image_request longsd_image_default_request(void)
{
    return (longsd_image_request){
        .prompt = "",
        .negative = "",
        .seed = 0,
        .width = 768,
        .height = 512,
        .steps = 30,
        .cfg_scale = 7.0f,
        .sampler = "Euler a",
    };
}

static longsd_status check_params(lserr *err, const longsd_render_params *p)
{
    if (!p)
        return lserr_set(err, LONGSD_ERR_PARAM, "no render parameters");
    if (p->timeout_s <= 0 || p->connect_timeout_s <= 0)
        return lserr_set(err, LONGSD_ERR_PARAM, "timeouts must be positive");
    if (p->retries < 0 || p->retries > 20 || p->blank_retries < 0 || p->blank_retries > 20)
        return lserr_set(err, LONGSD_ERR_PARAM, "retries must be 0..20");
    if (p->max_failures < 1)
        return lserr_set(err, LONGSD_ERR_PARAM, "max_failures must be at least 1");
    if (p->max_image_bytes < 1024)
        return lserr_set(err, LONGSD_ERR_PARAM, "max_image_bytes is too small");
    return LONGSD_OK;
}

static longsd_status check_job(lserr *err, const ls_render_job *j, const char *what)
{
    if (!j->prompt || !j->prompt[0])
        return lserr_set(err, LONGSD_ERR_PARAM, "%s: empty prompt", what);
    if (j->width < 8 || j->height < 8 || j->width > 8192 || j->height > 8192)
        return lserr_set(err, LONGSD_ERR_PARAM, "%s: size %dx%d is out of range (8..8192)", what, j->width,
                         j->height);
    if (j->steps < 1 || j->steps > 1000)
        return lserr_set(err, LONGSD_ERR_PARAM, "%s: steps %d is out of range (1..1000)", what, j->steps);
    return LONGSD_OK;
}

typedef struct {
    longsd_ctx *ctx;
    longsd_plan *plan;
    const char *ws;
    const char *plan_path;
    longsd_render_progress_fn progress;
    void *user;
    double last_save; /* monotonic seconds */
    int dirty;        /* image states not yet saved */
} plan_run;

/* params->only names this idea */
static int wanted(const longsd_render_params *p, const char *id)
{
    for (size_t k = 0; k < p->n_only; k++)
        if (p->only[k] && strcmp(p->only[k], id) == 0)
            return 1;
    return 0;
}

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Save the plan: every image is vouched for by its own sidecar (a re-run
 * finds it), so the plan is saved at most once a second and once at the end,
 * not after every image (that made a long run quadratic). */
static void save_plan(plan_run *r, int now)
{
    if (!r->plan_path || !r->dirty || (!now && mono_s() - r->last_save < 1.0))
        return;
    lserr keep = r->ctx->err; /* the save must not clobber the run's own error */
    if (longsd_plan_save(r->ctx, r->plan, r->plan_path))
        longsd__log(r->ctx, LONGSD_LOG_WARN, "could not save the plan: %s", longsd_errmsg(r->ctx));
    r->ctx->err = keep;
    r->dirty = 0;
    r->last_save = mono_s();
}

static void on_plan_job(void *user, const ls_pool_job *j)
{
    plan_run *r = user;
    size_t wl = strlen(r->ws);
    const char *rel = j->file && strncmp(j->file, r->ws, wl) == 0 && j->file[wl] == '/' ? j->file + wl + 1 : j->file;
    /* tag = idea * LS_MAX_CANDIDATES + candidate */
    size_t ii = j->tag / LS_MAX_CANDIDATES, k = j->tag % LS_MAX_CANDIDATES;
    longsd_status rc = ii < r->plan->n_ideas
                           ? ls_cands_set_image(&r->plan->ideas[ii], k,
                                                j->state == LS_JOB_DONE ? LONGSD_IMAGE_DONE : LONGSD_IMAGE_FAILED, rel,
                                                j->state == LS_JOB_DONE ? NULL : j->error)
                           : LONGSD_ERR_NOT_FOUND;
    if (rc)
        longsd__log(r->ctx, LONGSD_LOG_WARN, "could not record image %s in the plan: %s", j->id, longsd_strerror(rc));
    r->dirty = 1;
    save_plan(r, 0);
}

static void on_plan_progress(void *user, const longsd_render_progress *pr)
{
    plan_run *r = user;
    if (r->progress)
        r->progress(r->user, pr);
}

longsd_status longsd_render_plan(longsd_ctx *ctx, longsd_plan *plan, const char *workspace,
                                 const longsd_render_params *params, longsd_render_progress_fn progress,
                                 void *user_data)
{
    lserr *err = &ctx->err;
    lserr_clear(err);
    longsd_status rc = check_params(err, params);
    if (rc)
        return rc;
    if (!plan)
        return lserr_set(err, LONGSD_ERR_PARAM, "no plan");
    ls_pool *pool = NULL;
    char *dir = NULL, *full = NULL;
    char **stems = NULL;
    size_t skipped = 0;
    const char *ws = workspace && workspace[0] ? workspace : ".";
    char dname[80];
    ls_pool_dir_name(plan->name, dname, sizeof dname);
    if ((rc = ls_pool_new(ctx, params, &pool)))
        goto out;
    if (!(dir = longsd__asprintf("%s/images/%s", ws, dname)) || !(stems = longsd__calloc(plan->n_ideas + 1, sizeof *stems))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = lsfile_mkdirs(dir, 1, err)))
        goto out;
    ls_pool_clean_temps(dir);
    size_t total = 0;
    for (size_t i = 0; i < plan->n_ideas; i++) {
        ls_plan_idea *pi = &plan->ideas[i];
        const char *id = pi->idea.id[0] ? pi->idea.id : "image";
        if (params->n_only && !wanted(params, id))
            continue;
        size_t nc = pi->n_cands ? pi->n_cands : 1;
        total += nc;
        ls_render_job job = {
            .prompt = pi->prompt,
            .negative = pi->negative ? pi->negative : "",
            .seed = pi->seed,
            .width = pi->width,
            .height = pi->height,
            .steps = pi->steps,
            .cfg_scale = pi->cfg_scale,
            .sampler = pi->sampler ? pi->sampler : "Euler a",
        };
        lserr jerr;
        if (check_job(&jerr, &job, id)) {
            for (size_t k = 0; k < nc; k++)
                if ((rc = ls_cands_set_image(pi, k, LONGSD_IMAGE_FAILED, NULL, jerr.msg)))
                    goto out;
            continue;
        }
        /* unique stem: <part>-<NN>-<slug of the title> */
        char stem[96], uniq[112];
        ls_pool_image_stem(id, pi->idea.title, stem, sizeof stem);
        snprintf(uniq, sizeof uniq, "%s", stem);
        for (int k = 2;; k++) {
            size_t s = 0;
            while (s < i && (!stems[s] || strcmp(stems[s], uniq) != 0))
                s++;
            if (s == i)
                break;
            snprintf(uniq, sizeof uniq, "%s-%d", stem, k);
        }
        if (!(stems[i] = longsd__strdup(uniq))) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        for (size_t k = 0; k < nc; k++) {
            unsigned draw = pi->n_cands ? pi->cands[k].draw : 0;
            job.seed = !pi->n_cands || k == pi->chosen ? pi->seed : pi->cands[k].seed;
            longsd__free(full);
            /* draw 0 keeps the name it always had; the others add -c<draw> */
            full = draw ? longsd__asprintf("%s/%s-c%u.png", dir, uniq, draw) : longsd__asprintf("%s/%s.png", dir, uniq);
            if (!full) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out;
            }
            char key[17];
            ls_pool_job_key(&job, key);
            char *found = NULL;
            int blank = 0;
            if (!params->force && ls_pool_resume_check(full, key, &found, &blank)) {
                size_t wl = strlen(ws);
                const char *rel = strncmp(found, ws, wl) == 0 && found[wl] == '/' ? found + wl + 1 : found;
                rc = ls_cands_set_image(pi, k, blank ? LONGSD_IMAGE_FAILED : LONGSD_IMAGE_DONE, rel,
                                        blank ? "blank image (safety filter?) on every seed tried" : NULL);
                longsd__free(found);
                if (rc)
                    goto out;
                skipped++;
                continue;
            }
            char jid[96];
            if (nc > 1)
                snprintf(jid, sizeof jid, "%.48s#%u", id, (unsigned)(k + 1));
            else
                snprintf(jid, sizeof jid, "%s", id);
            if ((rc = ls_pool_add(pool, &job, jid, full, key, i * LS_MAX_CANDIDATES + k))) {
                lserr_set(err, rc, "out of memory");
                goto out;
            }
        }
    }
    longsd__log(ctx, LONGSD_LOG_INFO, "rendering %zu of %zu images (%zu already done) on %zu backend%s",
                ls_pool_n_jobs(pool), total, skipped, params->n_backends, params->n_backends == 1 ? "" : "s");
    plan_run r = {ctx, plan, ws, params->plan_path, progress, user_data, mono_s(), 0};
    rc = ls_pool_run(pool, on_plan_job, on_plan_progress, &r, total, skipped);
    save_plan(&r, 1);
    if (!rc) {
        for (size_t i = 0; i < plan->n_ideas; i++) /* ideas failed before the pool (no prompt) */
            if (plan->ideas[i].image_state == LONGSD_IMAGE_FAILED &&
                (!params->n_only || wanted(params, plan->ideas[i].idea.id))) {
                rc = lserr_set(err, LONGSD_ERR_BACKEND, "some images failed (reasons in the plan)");
                break;
            }
    }
out:
    ls_pool_free(pool);
    for (size_t i = 0; stems && i < plan->n_ideas; i++)
        longsd__free(stems[i]);
    longsd__free(stems);
    longsd__free(dir);
    longsd__free(full);
    return rc;
}

longsd_status longsd_render_one(longsd_ctx *ctx, const longsd_image_request *req, const char *out_path,
                                const longsd_render_params *params, longsd_render_progress_fn progress,
                                void *user_data)
{
    lserr *err = &ctx->err;
    lserr_clear(err);
    longsd_status rc = check_params(err, params);
    if (rc)
        return rc;
    if (!req || !out_path || !out_path[0])
        return lserr_set(err, LONGSD_ERR_PARAM, "no prompt or no output path");
    size_t ol = strlen(out_path);
    if (ol >= 5 && strcasecmp(out_path + ol - 5, ".json") == 0)
        return lserr_set(err, LONGSD_ERR_PARAM,
                         "%s: an image cannot take a .json name (the JSON sidecar beside the image does); name it "
                         ".png or .jpg",
                         out_path);
    ls_render_job job = {
        .prompt = req->prompt,
        .negative = req->negative ? req->negative : "",
        .seed = req->seed,
        .width = req->width,
        .height = req->height,
        .steps = req->steps,
        .cfg_scale = req->cfg_scale,
        .sampler = req->sampler && req->sampler[0] ? req->sampler : "Euler a",
    };
    if ((rc = check_job(err, &job, "sd")))
        return rc;
    ls_pool *pool = NULL;
    if ((rc = lsfile_mkdirs(out_path, 0, err)) || (rc = ls_pool_new(ctx, params, &pool)))
        goto out;
    char key[17];
    ls_pool_job_key(&job, key);
    if ((rc = ls_pool_add(pool, &job, "image", out_path, key, 0))) {
        lserr_set(err, rc, "out of memory");
        goto out;
    }
    rc = ls_pool_run(pool, NULL, progress, user_data, 1, 0);
    const ls_pool_job *j = ls_pool_job_at(pool, 0);
    if (rc == LONGSD_ERR_BACKEND && j && j->error)
        lserr_set(err, rc, "%s%s%s", j->error, j->file ? "; kept at " : "", j->file ? j->file : "");
out:
    ls_pool_free(pool);
    return rc;
}
