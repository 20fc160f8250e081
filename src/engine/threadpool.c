/* threadpool.c - persistent worker threads for the engine's kernels (see
 * threadpool.h). One job at a time per pool: the owner thread publishes
 * it under the mutex with a new job number and wakes the workers; each
 * worker runs its slice, the last one to finish wakes the owner. Workers
 * sleep on the condition variable between jobs instead of spinning, so an
 * idle generation (or one waiting on its sgemm) leaves the cores to the
 * others on a shared machine. */
#include "threadpool.h"

#include <cblas.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "util.h"

#define SDPOOL_MAX 256

typedef struct {
    sdpool *p;
    int index; /* slice index, 1..n-1 (the owner takes 0) */
} sdpool_worker;

struct sdpool {
    int n;                /* threads in all, the owner's included */
    pthread_t th[SDPOOL_MAX];
    sdpool_worker w[SDPOOL_MAX];
    pthread_mutex_t mu;
    pthread_cond_t go;    /* a new job or quit */
    pthread_cond_t done;  /* pending reached 0 */
    unsigned long job;    /* number of the job published last */
    int quit;
    void (*fn)(void *ctx, size_t begin, size_t end);
    void *ctx;
    size_t items;
    int T;                /* threads this job runs on */
    int pending;          /* workers of this job not finished yet */
};

static _Thread_local sdpool *bound;
static _Thread_local int in_job; /* inside a slice: nested kernels run alone */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int default_threads = 1;

/* Every sgemm runs single-threaded on the pool's threads (kernels.h,
 * sdk_sgemm): OpenBLAS's own threads would be one more process-wide
 * count that every concurrent generation shares, and its spinning threads
 * would compete with ours. Its count at start (OPENBLAS_NUM_THREADS, else
 * every core) becomes the engine's default. */
static void init_once(void)
{
    int t = openblas_get_num_threads();
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    default_threads = t > 0 ? t : cores > 0 ? (int)cores : 1;
    if (default_threads > SDPOOL_MAX)
        default_threads = SDPOOL_MAX;
    openblas_set_num_threads(1);
}

int sdpool_default_threads(void)
{
    pthread_once(&once, init_once);
    return default_threads;
}

static void *worker_main(void *arg)
{
    sdpool_worker *w = arg;
    sdpool *p = w->p;
    unsigned long seen = 0;
    in_job = 1; /* everything a worker runs is inside a job */
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && p->job == seen)
            pthread_cond_wait(&p->go, &p->mu);
        if (p->quit)
            break;
        seen = p->job;
        if (w->index >= p->T)
            continue; /* not needed for this one */
        size_t n = p->items, T = (size_t)p->T, t = (size_t)w->index;
        void (*fn)(void *, size_t, size_t) = p->fn;
        void *ctx = p->ctx;
        pthread_mutex_unlock(&p->mu);
        fn(ctx, n * t / T, n * (t + 1) / T);
        pthread_mutex_lock(&p->mu);
        if (--p->pending == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

sdpool *sdpool_new(int threads)
{
    int def = sdpool_default_threads();
    if (threads < 1)
        threads = def;
    if (threads > SDPOOL_MAX)
        threads = SDPOOL_MAX;
    sdpool *p = longsd__calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->go, NULL);
    pthread_cond_init(&p->done, NULL);
    p->n = 1;
    /* workers take no signals: a Ctrl-C goes to a thread that handles it */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    for (int t = 1; t < threads; t++) {
        p->w[t] = (sdpool_worker){p, t};
        if (pthread_create(&p->th[t], NULL, worker_main, &p->w[t]) != 0)
            break; /* fewer threads: the slices are only wider */
        p->n = t + 1;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return p;
}

void sdpool_free(sdpool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (int t = 1; t < p->n; t++)
        pthread_join(p->th[t], NULL);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    longsd__free(p);
}

int sdpool_threads(const sdpool *p)
{
    return p ? p->n : 1;
}

sdpool *sdpool_bind(sdpool *p)
{
    sdpool *old = bound;
    bound = p;
    return old;
}

sdpool *sdpool_current(void)
{
    return in_job ? NULL : bound;
}

void sdpool_run(sdpool *p, void (*fn)(void *, size_t, size_t), void *ctx, size_t n, size_t min_per_thread)
{
    int T = in_job ? 1 : sdpool_threads(p);
    if (min_per_thread < 1)
        min_per_thread = 1;
    if (T > 1 && n / (size_t)T < min_per_thread)
        T = (int)(n / min_per_thread);
    if (T <= 1) {
        fn(ctx, 0, n);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->ctx = ctx;
    p->items = n;
    p->T = T;
    p->pending = T - 1;
    p->job++;
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    in_job = 1;
    fn(ctx, 0, n / (size_t)T);
    in_job = 0;
    pthread_mutex_lock(&p->mu);
    while (p->pending > 0)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}
