/* bench_plan_load.c - how long a big plan takes to load and to write back:
 * 10,000 and 100,000 ideas in one part (issue 9: the pairwise duplicate-id
 * check made 100,000 ideas take minutes). Best of 3 runs each; prints the
 * ratio of the two loads (ideal: 10, linear).
 *   make bench && build/bench/bench_plan_load */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "longsd.h"
#include "plan.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}
static double now(void) { return clock_s(CLOCK_MONOTONIC); }
/* CPU time of this process: on a shared machine the wall time mostly says
 * how busy the other cores' users are */
static double cpu(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

/* A valid plan of n ideas in one part, as JSON (malloc'ed). */
static char *big_plan(size_t n)
{
    size_t cap = 400 + n * 260, o;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    o = (size_t)snprintf(s, cap,
                         "{\"schema\": \"longsd.plan\", \"version\": 1, \"name\": \"big\", \"source\": {\"path\": "
                         "\"big.txt\", \"sha256\": \"%064d\"}, \"settings\": {\"parts\": 1, \"ideas_per_part\": 100, "
                         "\"style\": \"x\", \"width\": 512, \"height\": 512}, \"parts\": [{\"id\": \"p\", \"start\": "
                         "0, \"end\": 1000000000}], \"ideas\": [",
                         0);
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(s + o, cap - o,
                              "%s{\"id\": \"p-%zu\", \"part\": \"p\", \"title\": \"t\", \"scene\": \"s\", \"anchor\": "
                              "{\"paragraph\": %zu, \"start\": %zu, \"end\": %zu}, \"prompt\": {\"positive\": \"a "
                              "picture\", \"seed\": %zu, \"width\": 512, \"height\": 512}, \"image\": {\"state\": "
                              "\"pending\"}}",
                              i ? ", " : "", i, i, i * 10, i * 10 + 5, i);
    snprintf(s + o, cap - o, "]}");
    return s;
}

static void measure(size_t n, double *load, double *save, double *cload, double *csave)
{
    char *js = big_plan(n);
    if (!js) {
        fprintf(stderr, "bench_plan_load: out of memory\n");
        exit(1);
    }
    *load = *save = *cload = *csave = 1e9;
    for (int r = 0; r < 3; r++) {
        lserr e;
        longsd_plan *p = NULL;
        double c0 = cpu(), t0 = now();
        if (ls_plan_parse("big.json", js, strlen(js), &p, &e) != LONGSD_OK) {
            fprintf(stderr, "bench_plan_load: %s\n", e.msg);
            exit(1);
        }
        double t1 = now(), c1 = cpu();
        char *out = longsd_plan_to_json(p);
        double t2 = now(), c2 = cpu();
        if (!out) {
            fprintf(stderr, "bench_plan_load: out of memory\n");
            exit(1);
        }
        longsd_free(out);
        longsd_plan_free(p);
        if (t1 - t0 < *load)
            *load = t1 - t0;
        if (t2 - t1 < *save)
            *save = t2 - t1;
        if (c1 - c0 < *cload)
            *cload = c1 - c0;
        if (c2 - c1 < *csave)
            *csave = c2 - c1;
    }
    free(js);
}

int main(void)
{
    double l1, s1, l2, s2, cl1, cs1, cl2, cs2;
    measure(10000, &l1, &s1, &cl1, &cs1);
    measure(100000, &l2, &s2, &cl2, &cs2);
    printf("plan of 10000 ideas:  load %.3f s (cpu %.3f s), to JSON %.3f s (cpu %.3f s)\n", l1, cl1, s1, cs1);
    printf("plan of 100000 ideas: load %.3f s (cpu %.3f s), to JSON %.3f s (cpu %.3f s)\n", l2, cl2, s2, cs2);
    printf("load ratio 100000/10000: %.2f (linear: 10)\n", l2 / l1);
    return 0;
}
