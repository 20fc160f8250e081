/* pool.h - the render pool: worker threads over a set of image backends
 * (per_backend each) pulling from one shared queue, so every job is drawn
 * exactly once and faster backends take more; failing backends are set
 * aside and their jobs go elsewhere. Workers check each reply (PNG/JPEG of
 * the asked size, not blank), stamp the PNG "parameters" chunk, and write
 * image + JSON sidecar by temp file and rename (named and described by
 * imagefile.h). Plan bookkeeping is the caller's (render_api.c). */
#ifndef LONGSD_POOL_H
#define LONGSD_POOL_H

#include "backend.h"
#include "ctx.h"
#include "imagefile.h" /* names, keys, sidecars, resume */

enum { LS_JOB_QUEUED = 0, LS_JOB_RUNNING = 1, LS_JOB_DONE = 2, LS_JOB_FAILED = 3 };

typedef struct {
    /* set by ls_pool_add (owned copies) */
    ls_render_job job;
    char *id;             /* name in messages: "beginning-01" ("book/beginning-01" in a batch;
                           * the sidecar records the part after the last /) */
    char *path;           /* image path to write (.png; a JPEG reply becomes .jpg) */
    char *key;            /* hash of the parameters that decide the image */
    size_t tag;           /* the caller's index (plan idea) */
    /* results, readable once the job is reported finished */
    int state;            /* LS_JOB_* */
    char *file;           /* path actually written (NULL if none) */
    char *error;          /* why it failed or was flagged (NULL if fine) */
    int blank;            /* 1 = kept but flagged: blank after every retry */
    uint64_t seed_used;     /* as the server reported it (64-bit), else the seed asked */
    int attempts;
    int backend;          /* index of the backend that drew it, -1 if none */
    double render_s;      /* time in the backend for the final attempt */
    uint64_t tried;       /* bit per backend that failed it */
    size_t said;          /* bytes of error the run's messages have given already */
} ls_pool_job;

typedef struct ls_pool ls_pool;

/* Create the backends of params (ctx for log lines). */
longsd_status ls_pool_new(longsd_ctx *ctx, const longsd_render_params *params, ls_pool **out /* OUT */);
void ls_pool_free(ls_pool *p);
/* Queue a job; strings are copied. */
longsd_status ls_pool_add(ls_pool *p, const ls_render_job *job, const char *id, const char *path, const char *key,
                          size_t tag);
size_t ls_pool_n_jobs(const ls_pool *p);
const ls_pool_job *ls_pool_job_at(const ls_pool *p, size_t i);

/* Called on the thread of ls_pool_run for every job that finished (done or
 * failed for good), in completion order. */
typedef void (*ls_pool_job_fn)(void *user, const ls_pool_job *job);
/* Run until every job is done or failed, or ctx's abort fires (then jobs in
 * flight are interrupted and stay queued). Progress counts come through
 * progress (skipped and total filled from the arguments). Returns
 * LONGSD_OK, LONGSD_ERR_BACKEND if any job failed, LONGSD_ERR_ABORTED. */
longsd_status ls_pool_run(ls_pool *p, ls_pool_job_fn on_job, longsd_render_progress_fn progress, void *user,
                          size_t total, size_t skipped);

#endif
