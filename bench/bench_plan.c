/* bench_plan.c - text -> plan time (ingest, split, cast, ideas, prompts and
 * the plan's JSON) for Tom Sawyer and for a 10x concatenation of it, which
 * must scale linearly. Prints both figures and their ratio (ideal: 10).
 *   make bench && build/bench/bench_plan [path/to/en-twain1.txt] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "longsd.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Best of `reps` runs, in seconds. */
static double time_plan(longsd_ctx *ctx, const char *data, size_t n, int reps, size_t *n_ideas)
{
    double best = 1e9;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        longsd_story *story = NULL;
        longsd_plan *plan = NULL;
        longsd_story_params sp = longsd_story_default_params();
        longsd_plan_params pp = longsd_plan_default_params();
        if (longsd_story_load_memory(ctx, "bench.txt", data, n, &sp, &story) ||
            longsd_plan_update(ctx, &plan, "bench", "bench.txt", story, &pp, NULL)) {
            fprintf(stderr, "bench: %s\n", longsd_errmsg(ctx));
            exit(1);
        }
        char *js = longsd_plan_to_json(plan);
        double t = now() - t0;
        *n_ideas = longsd_plan_n_ideas(plan);
        longsd_free(js);
        longsd_plan_free(plan);
        longsd_story_free(story);
        if (t < best)
            best = t;
    }
    return best;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "tests/corpus/en-twain1.txt";
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char *big = malloc(n * 10 + 20);
    size_t m = 0;
    for (int i = 0; i < 10; i++) {
        memcpy(big + m, buf, n);
        m += n;
        big[m++] = '\n';
    }
    longsd_ctx *ctx = longsd_ctx_new();
    size_t i1 = 0, i10 = 0;
    double t1 = time_plan(ctx, buf, n, 5, &i1);
    double t10 = time_plan(ctx, big, m, 3, &i10);
    printf("text -> plan, %s (%zu bytes): %.1f ms, %zu ideas\n", path, n, t1 * 1e3, i1);
    printf("text -> plan, 10x concatenation (%zu bytes): %.1f ms, %zu ideas\n", m, t10 * 1e3, i10);
    printf("ratio 10x / 1x: %.2f (linear = 10)\n", t10 / t1);
    longsd_ctx_free(ctx);
    free(big);
    return 0;
}
