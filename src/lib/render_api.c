/* render_api.c - the public render API (longsd.h, section "Rendering"): turns the
 * plan's ideas into pool jobs with their file names, skips images that are
 * already done and valid, and records each outcome in the plan as it comes. */
#include <string.h>
#include <strings.h>
#include <time.h>

#include "init_image.h"
#include "noise.h"
#include "plan.h"
#include "pool.h"
#include "stemset.h"
#include "throttle.h"

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
        .max_failures = 2, /* a silent server costs max_failures x timeout before it is set aside */
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
        .strength = 0.75,
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
    if (p->vae && !ls_vae_kind(p->vae))
        return lserr_set(err, LONGSD_ERR_PARAM, "vae \"%s\": expected taesd=PATH", p->vae);
    if (p->vae_tile < 0 || (p->vae_tile > 0 && (p->vae_tile < 64 || p->vae_tile % 8)))
        return lserr_set(err, LONGSD_ERR_PARAM, "vae_tile %d: give a tile size of 64 pixels or more, a multiple of 8",
                         p->vae_tile);
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
    if (j->init_image)
        return ls_init_image_check(j->init_image, j->strength, what, err);
    return LONGSD_OK;
}

typedef struct {
    longsd_ctx *ctx;
    longsd_plan *plan;
    const char *ws;
    const char *plan_path;
    ls_throttle pace; /* when the next save is due */
} plan_run;

/* One pool over many plans: a job's tag indexes refs, which says whose
 * idea it is. */
typedef struct {
    plan_run *runs;
    size_t n_runs;
    struct job_ref {
        size_t run, idea, cand; /* cand: which of the idea's candidates (candidates.c) */
    } *refs;
    size_t n_refs;
    longsd_render_progress_fn progress;
    void *user;
} batch_run;

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

/* Save the plan at the pace of throttle.h: at least 1 s apart, and 20
 * times as far apart as a save takes (at most ~5 % of the run, however big
 * the plan); always at the end. */
#define SAVE_MIN_S 1.0
#define SAVE_FACTOR 20.0

static void save_plan(plan_run *r)
{
    if (!r->plan_path || !r->pace.pending)
        return;
    double t0 = mono_s();
    lserr keep = r->ctx->err; /* the save must not clobber the run's own error */
    if (longsd_plan_save(r->ctx, r->plan, r->plan_path))
        longsd__log(r->ctx, LONGSD_LOG_WARN, "could not save the plan: %s", longsd_errmsg(r->ctx));
    r->ctx->err = keep;
    ls_throttle_saved(&r->pace, t0, mono_s());
    longsd__log(r->ctx, LONGSD_LOG_DEBUG, "saved the plan in %.0f ms; next save in %.1f s at the earliest",
                r->pace.cost * 1000.0, ls_throttle_interval(&r->pace));
}

static void on_plan_job(void *user, const ls_pool_job *j)
{
    batch_run *b = user;
    if (j->tag >= b->n_refs)
        return;
    plan_run *r = &b->runs[b->refs[j->tag].run];
    size_t wl = strlen(r->ws);
    const char *rel = j->file && strncmp(j->file, r->ws, wl) == 0 && j->file[wl] == '/' ? j->file + wl + 1 : j->file;
    /* tag indexes refs; refs name the idea and its candidate */
    const struct job_ref *ref = &b->refs[j->tag];
    longsd_status rc = ref->idea < r->plan->n_ideas
                           ? ls_cands_set_image(&r->plan->ideas[ref->idea], ref->cand,
                                                j->state == LS_JOB_DONE ? LONGSD_IMAGE_DONE : LONGSD_IMAGE_FAILED, rel,
                                                j->state == LS_JOB_DONE ? NULL : j->error)
                           : LONGSD_ERR_NOT_FOUND;
    if (rc)
        longsd__log(r->ctx, LONGSD_LOG_WARN, "could not record image %s in the plan: %s", j->id, longsd_strerror(rc));
    if (ls_throttle_due(&r->pace, mono_s()))
        save_plan(r);
}

static void on_plan_progress(void *user, const longsd_render_progress *pr)
{
    batch_run *b = user;
    if (b->progress)
        b->progress(b->user, pr);
}

/* Queue the pending ideas of one plan (run index ri) on pool; ideas that
 * are done and valid are recorded and counted in *skipped. prefix: 1 to
 * name jobs "<plan>/<idea>" in messages (a batch of books). */
static longsd_status queue_plan(longsd_ctx *ctx, ls_pool *pool, batch_run *b, size_t ri,
                                const longsd_render_params *params, int prefix, size_t *skipped)
{
    lserr *err = &ctx->err;
    longsd_plan *plan = b->runs[ri].plan;
    const char *ws = b->runs[ri].ws;
    longsd_status rc = LONGSD_OK;
    char *dir = NULL, *full = NULL, *label = NULL, *init = NULL;
    ls_stemset *stems = NULL;
    char dname[80];
    ls_pool_dir_name(plan->name, dname, sizeof dname);
    plan->settings.vae_tile = params->vae_tile; /* a record; the image keys decide the redraws */
    if (!(dir = longsd__asprintf("%s/images/%s", ws, dname)) || !(stems = ls_stemset_new(plan->n_ideas))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = lsfile_mkdirs(dir, 1, err)))
        goto out;
    ls_pool_clean_temps(dir);
    for (size_t i = 0; i < plan->n_ideas; i++) {
        ls_plan_idea *pi = &plan->ideas[i];
        const char *id = pi->idea.id[0] ? pi->idea.id : "image";
        if (params->n_only && !wanted(params, id))
            continue;
        size_t nc = pi->n_cands ? pi->n_cands : 1;
        ls_render_job job = {
            .prompt = pi->prompt,
            .negative = pi->negative ? pi->negative : "",
            .seed = pi->seed,
            .width = pi->width,
            .height = pi->height,
            .steps = pi->steps,
            .cfg_scale = pi->cfg_scale,
            .sampler = pi->sampler ? pi->sampler : "Euler a",
            .vae = params->vae ? ls_vae_kind(params->vae) : "",
            .rng = ls_rng_is_native(pi->rng) ? NULL : pi->rng,
            .vae_tile = params->vae_tile,
        };
        longsd__free(init);
        init = NULL;
        if (pi->init_image) { /* img2img: the picture is the workspace's, as image files are */
            init = longsd__asprintf("%s/%s", ws, pi->init_image);
            if (!init) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out;
            }
            job.init_image = init;
            job.strength = pi->strength;
        }
        lserr jerr;
        if (check_job(&jerr, &job, id)) {
            for (size_t k = 0; k < nc; k++)
                if ((!pi->n_cands || !pi->cands[k].kept) &&
                    (rc = ls_cands_set_image(pi, k, LONGSD_IMAGE_FAILED, NULL, jerr.msg)))
                    goto out;
            continue;
        }
        /* unique stem: <part>-<NN>-<slug of the title>, then -2, -3, ... */
        char stem[96], uniq[112];
        ls_pool_image_stem(id, pi->idea.title, stem, sizeof stem);
        if ((rc = ls_stemset_take(stems, stem, uniq, sizeof uniq))) {
            rc = lserr_set(err, rc, "%s", rc == LONGSD_ERR_NOMEM ? "out of memory" : "too many images of one name");
            goto out;
        }
        for (size_t k = 0; k < nc; k++) {
            if (pi->n_cands && pi->cands[k].kept)
                continue; /* a picture of an earlier prompt: kept as it is, never drawn */
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
                (*skipped)++;
                continue;
            }
            /* "<plan>/" in a batch of books, "#<k>" for one of several candidates */
            longsd__free(label);
            if (nc > 1)
                label = longsd__asprintf("%s%s%.48s#%u", prefix ? dname : "", prefix ? "/" : "", id, (unsigned)(k + 1));
            else
                label = longsd__asprintf("%s%s%s", prefix ? dname : "", prefix ? "/" : "", id);
            if (!label) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out;
            }
            b->refs[b->n_refs] = (struct job_ref){ri, i, k};
            if ((rc = ls_pool_add(pool, &job, label, full, key, b->n_refs))) {
                lserr_set(err, rc, "out of memory");
                goto out;
            }
            b->n_refs++;
        }
    }
out:
    ls_stemset_free(stems);
    longsd__free(dir);
    longsd__free(init);
    longsd__free(full);
    longsd__free(label);
    return rc;
}

longsd_status longsd_render_plans(longsd_ctx *ctx, longsd_plan *const *plans, const char *const *plan_paths,
                                  size_t n_plans, const char *workspace, const longsd_render_params *params,
                                  longsd_render_progress_fn progress, void *user_data)
{
    lserr *err = &ctx->err;
    lserr_clear(err);
    longsd_status rc = check_params(err, params);
    if (rc)
        return rc;
    if (!plans || n_plans == 0)
        return lserr_set(err, LONGSD_ERR_PARAM, "no plan");
    size_t total = 0, skipped = 0, n_jobs = 0;
    for (size_t k = 0; k < n_plans; k++) {
        if (!plans[k])
            return lserr_set(err, LONGSD_ERR_PARAM, "no plan");
        /* one job per candidate picture; total counts those asked for */
        for (size_t i = 0; i < plans[k]->n_ideas; i++) {
            const ls_plan_idea *pi = &plans[k]->ideas[i];
            size_t nc = pi->n_cands ? pi->n_cands : 1;
            n_jobs += nc;
            for (size_t c = 0; c < pi->n_cands; c++)
                nc -= pi->cands[c].kept; /* kept pictures are not drawn */
            if (!params->n_only || wanted(params, pi->idea.id[0] ? pi->idea.id : "image"))
                total += nc;
        }
        /* two books with one folder name would overwrite each other's images */
        char a[80], c[80];
        ls_pool_dir_name(plans[k]->name, a, sizeof a);
        for (size_t m = 0; m < k; m++) {
            ls_pool_dir_name(plans[m]->name, c, sizeof c);
            if (strcmp(a, c) == 0)
                return lserr_set(err, LONGSD_ERR_PARAM, "two plans share the name \"%s\" (images/%s/)", a, a);
        }
    }
    const char *ws = workspace && workspace[0] ? workspace : ".";
    ls_pool *pool = NULL;
    batch_run b = {.progress = progress, .user = user_data};
    if (!(b.runs = longsd__calloc(n_plans, sizeof *b.runs)) || !(b.refs = longsd__calloc(n_jobs + 1, sizeof *b.refs))) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    b.n_runs = n_plans;
    for (size_t k = 0; k < n_plans; k++)
        b.runs[k] = (plan_run){ctx, plans[k], ws, plan_paths ? plan_paths[k] : NULL,
                               ls_throttle_start(mono_s(), SAVE_MIN_S, SAVE_FACTOR)};
    if ((rc = ls_pool_new(ctx, params, &pool)))
        goto out;
    for (size_t k = 0; k < n_plans; k++)
        if ((rc = queue_plan(ctx, pool, &b, k, params, n_plans > 1, &skipped)))
            goto out;
    longsd__log(ctx, LONGSD_LOG_INFO, "rendering %zu of %zu images (%zu already done) on %zu backend%s",
                ls_pool_n_jobs(pool), total, skipped, params->n_backends, params->n_backends == 1 ? "" : "s");
    for (size_t k = 0; k < n_plans; k++) /* jobs name ideas by index: ideas deleted by hand stay until the end */
        plans[k]->rendering = 1;
    rc = ls_pool_run(pool, on_plan_job, on_plan_progress, &b, total, skipped);
    for (size_t k = 0; k < n_plans; k++) {
        save_plan(&b.runs[k]); /* always at the end, also when interrupted (Ctrl-C, SIGTERM end the pool) */
        plans[k]->rendering = 0;
        ls_plan_drop_deleted(plans[k]);
    }
    for (size_t k = 0; !rc && k < n_plans; k++) {
        for (size_t i = 0; i < plans[k]->n_ideas; i++) /* ideas failed before the pool (no prompt) */
            if (plans[k]->ideas[i].image_state == LONGSD_IMAGE_FAILED &&
                (!params->n_only || wanted(params, plans[k]->ideas[i].idea.id))) {
                rc = lserr_set(err, LONGSD_ERR_BACKEND, "some images failed (reasons in the plan)");
                break;
            }
    }
out:
    ls_pool_free(pool);
    longsd__free(b.runs);
    longsd__free(b.refs);
    return rc;
}

longsd_status longsd_render_plan(longsd_ctx *ctx, longsd_plan *plan, const char *workspace,
                                 const longsd_render_params *params, longsd_render_progress_fn progress,
                                 void *user_data)
{
    const char *path = params ? params->plan_path : NULL;
    return longsd_render_plans(ctx, &plan, &path, 1, workspace, params, progress, user_data);
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
        .vae = params->vae ? ls_vae_kind(params->vae) : "",
        .rng = ls_rng_is_native(req->rng) ? NULL : req->rng,
        .vae_tile = params->vae_tile,
        .init_image = req->init_image && req->init_image[0] ? req->init_image : NULL,
        .strength = req->strength,
    };
    if ((rc = ls_rng_check(req->rng, "image request", err)))
        return rc;
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
