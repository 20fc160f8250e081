/* threadpool.h - the engine's worker threads. A generation state owns one
 * pool of its own thread count (longsd_sd_params.threads); its workers are
 * created once and wait between jobs (a short spin, then a condition
 * variable), so a UNet step's ~2000 kernel calls do not each create and
 * join threads, and two generations running at once never share (or resize) each other's
 * threads. The kernels find the pool through the calling thread's binding
 * (sdpool_bind), not through a process-wide setting: the kernel calls keep
 * their signatures, and a binding set by one generation is invisible to
 * another generation on another thread. */
#ifndef LONGSD_THREADPOOL_H
#define LONGSD_THREADPOOL_H

#include <stddef.h>

typedef struct sdpool sdpool;

/* A pool of `threads` threads in all, the caller's included (threads - 1
 * workers); threads < 1 means the default (sdpool_default_threads). NULL
 * when out of memory; if some worker cannot start, the pool has fewer. */
sdpool *sdpool_new(int threads);
void sdpool_free(sdpool *p); /* NULL is a no-op; not while a job runs */
int sdpool_threads(const sdpool *p); /* 1 for NULL */
/* A buffer of at least `floats` floats owned by the pool, for the owner
 * to fill between jobs and the jobs to read (gemm.c's packed operands):
 * kept from call to call so that a step's ~1000 products do not map and
 * fault in fresh memory each; valid until the next call or sdpool_free.
 * NULL for a NULL pool or when out of memory. */
float *sdpool_buffer(sdpool *p, size_t floats);
/* The default thread count: OPENBLAS_NUM_THREADS as OpenBLAS read it at
 * start, else every core online. */
int sdpool_default_threads(void);

/* Make p the calling thread's pool for the kernels (NULL: run them on the
 * calling thread alone); returns the binding it replaces, to be put back. */
sdpool *sdpool_bind(sdpool *p);
/* The calling thread's pool, or NULL inside a job (a kernel that a worker
 * runs does its part alone) or when none is bound. */
sdpool *sdpool_current(void);

/* fn(ctx, begin, end) over [0, n) on up to the pool's threads, at least
 * min_per_thread items each: every thread, the caller's included, claims
 * ranges of consecutive items (about n / (4 T), at least min_per_thread)
 * until none are left, so fn may be called several times per thread; the
 * call returns when all are done. fn must compute each item the same way
 * whatever range it gets, so results do not depend on T or on which
 * thread ran what. p NULL runs fn(ctx, 0, n) here. */
void sdpool_run(sdpool *p, void (*fn)(void *ctx, size_t begin, size_t end), void *ctx, size_t n,
                size_t min_per_thread);

#endif
