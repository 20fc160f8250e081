/* threadpool.c - persistent worker threads for the engine's kernels (see
 * threadpool.h). One job at a time per pool: the owner thread publishes
 * it with a new job number and wakes the workers; every thread, the
 * owner's included, then claims chunks of the items from one atomic
 * counter until none are left, and the last worker to finish wakes the
 * owner.
 *
 * Claiming instead of fixed slices: a thread that starts late (a worker
 * still waking up, a vCPU the host ran something else on) or an item that
 * costs more than its neighbours (a ragged edge tile, a causal attention
 * block) no longer leaves the others idle at the end of every job, which
 * on 2 cores cost about a tenth of a UNet step. Which thread computes an
 * item never changes how it is computed, so results stay the same bits on
 * any thread count.
 *
 * Between jobs a worker spins for a short while (SPIN_NS) before it sleeps
 * on the condition variable: a UNet step runs ~2000 jobs, most of them a
 * few microseconds after the one before, and waking a sleeping thread in
 * a VM costs tens of microseconds each way. Past the spin it sleeps, so an
 * idle generation (or one waiting between stages) leaves the cores to the
 * others on a shared machine. */
#include "threadpool.h"

#include <cblas.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define SDPOOL_MAX 256
#define SPIN_NS 100000L /* a worker's wait for the next job before it sleeps */
#define CHUNKS 4        /* chunks per thread a job is cut into, at most */

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
    /* the job published last: its number << 16 | its thread count, one
     * word so that a worker not needed for a job (index >= T), which the
     * owner does not wait for, never reads a later job's fields */
    atomic_ulong job;
    atomic_int quit;
    /* the job: written by the owner before job is advanced, read after */
    void (*fn)(void *ctx, size_t begin, size_t end);
    void *ctx;
    size_t items, chunk;
    atomic_size_t next;   /* first item nobody has claimed */
    atomic_int pending;   /* workers of this job not finished yet */
    float *buf;           /* sdpool_buffer's, grown on demand */
    size_t buf_cap;
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

static long elapsed_ns(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (t.tv_sec - t0->tv_sec) * 1000000000L + (t.tv_nsec - t0->tv_nsec);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Claim and run chunks of the current job until none are left. */
static void run_chunks(sdpool *p)
{
    size_t n = p->items, c = p->chunk;
    for (;;) {
        size_t b = atomic_fetch_add_explicit(&p->next, c, memory_order_relaxed);
        if (b >= n)
            break;
        p->fn(p->ctx, b, n - b < c ? n : b + c);
    }
}

static void *worker_main(void *arg)
{
    sdpool_worker *w = arg;
    sdpool *p = w->p;
    unsigned long seen = 0;
    in_job = 1; /* everything a worker runs is inside a job */
    for (;;) {
        /* spin a little, then sleep until the job number moves */
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (int i = 1; atomic_load_explicit(&p->job, memory_order_acquire) == seen && !atomic_load(&p->quit); i++) {
            cpu_relax();
            if (i % 64 == 0 && elapsed_ns(&t0) > SPIN_NS) {
                pthread_mutex_lock(&p->mu);
                while (atomic_load(&p->job) == seen && !atomic_load(&p->quit))
                    pthread_cond_wait(&p->go, &p->mu);
                pthread_mutex_unlock(&p->mu);
                break;
            }
        }
        if (atomic_load(&p->quit))
            break;
        seen = atomic_load_explicit(&p->job, memory_order_acquire);
        if (w->index >= (int)(seen & 0xffff))
            continue; /* not needed for this one */
        run_chunks(p);
        if (atomic_fetch_sub_explicit(&p->pending, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&p->mu); /* the owner checks pending under it before it waits */
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->mu);
        }
    }
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
    atomic_store(&p->quit, 1);
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    for (int t = 1; t < p->n; t++)
        pthread_join(p->th[t], NULL);
    pthread_cond_destroy(&p->go);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    longsd__free(p->buf);
    longsd__free(p);
}

float *sdpool_buffer(sdpool *p, size_t floats)
{
    if (!p)
        return NULL;
    if (floats > p->buf_cap) {
        longsd__free(p->buf);
        /* with slack, so that a need growing a little at a time does not
         * free and fault the buffer in again at every call */
        size_t cap = floats + floats / 4;
        p->buf = longsd__malloc(cap * sizeof *p->buf);
        p->buf_cap = p->buf ? cap : 0;
    }
    return p->buf;
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
    /* CHUNKS a thread, none under min_per_thread items */
    size_t chunk = (n + (size_t)T * CHUNKS - 1) / ((size_t)T * CHUNKS);
    p->fn = fn;
    p->ctx = ctx;
    p->items = n;
    p->chunk = chunk > min_per_thread ? chunk : min_per_thread;
    atomic_store_explicit(&p->next, 0, memory_order_relaxed);
    atomic_store_explicit(&p->pending, T - 1, memory_order_relaxed);
    unsigned long seq = (atomic_load_explicit(&p->job, memory_order_relaxed) >> 16) + 1;
    atomic_store_explicit(&p->job, seq << 16 | (unsigned long)T, memory_order_release); /* publishes the fields above */
    pthread_mutex_lock(&p->mu);
    pthread_cond_broadcast(&p->go);
    pthread_mutex_unlock(&p->mu);
    in_job = 1;
    run_chunks(p);
    in_job = 0;
    /* the others are finishing their last chunk: spin, then sleep */
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 1; atomic_load_explicit(&p->pending, memory_order_acquire) > 0; i++) {
        cpu_relax();
        if (i % 64 == 0 && elapsed_ns(&t0) > SPIN_NS)
            break;
    }
    if (atomic_load_explicit(&p->pending, memory_order_acquire) > 0) {
        pthread_mutex_lock(&p->mu);
        while (atomic_load_explicit(&p->pending, memory_order_acquire) > 0)
            pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
}
