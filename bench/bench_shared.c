/* bench_shared.c - what a second generation at once on one loaded model
 * costs: the native backend's `--per-backend 2`. On the full-size SD
 * 1.5-shaped folder of random F16 weights that bench_rss writes, a child
 * process loads the model once and runs JOBS generations at once, each on
 * a longsd_sd_state of its own with cores / JOBS threads; another child
 * runs one alone. Each child's peak RSS (wait4), wall and CPU time, and
 * each state's arena peak are printed: with the weights shared, the
 * second job should add about its arena, not the 2 GB of weights.
 *
 *   build/bench/bench_rss DIR   (once, writes DIR)
 *   build/bench/bench_shared [DIR=/tmp/longsd-sd15] [SIZE=256] [STEPS=1] [JOBS=2]
 */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "weights.h"

typedef struct {
    longsd_sd *sd;
    longsd_sd_params p;
    longsd_status rc;
    longsd_sd_mem mem;
    char err[256];
} job;

static void *job_main(void *arg)
{
    job *j = arg;
    longsd_sd_state *st = longsd_sd_state_new();
    size_t px = (size_t)j->p.width * j->p.height * 3;
    uint8_t *rgb = malloc(px);
    j->rc = st && rgb ? longsd_sd_generate_with_state(j->sd, st, &j->p, NULL, rgb) : LONGSD_ERR_NOMEM;
    if (st) {
        longsd_sd_state_mem_stats(st, &j->mem);
        snprintf(j->err, sizeof j->err, "%s", longsd_sd_state_errmsg(st));
    }
    longsd_sd_state_free(st);
    free(rgb);
    return NULL;
}

/* The child: load, run n at once, print each state's arena peak. */
static int child(const char *dir, int size, int steps, int n)
{
    longsd_sd *sd = longsd_sd_new();
    if (!sd || longsd_sd_load(sd, dir) != LONGSD_OK) {
        fprintf(stderr, "bench_shared: %s (write it with build/bench/bench_rss %s)\n", sd ? longsd_sd_errmsg(sd) : "",
                dir);
        return 1;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    job jobs[16];
    pthread_t th[16];
    for (int i = 0; i < n; i++) {
        jobs[i] = (job){.sd = sd, .p = longsd_sd_default_params()};
        jobs[i].p.prompt = i ? "a castle on a hill, oil painting" : "a lighthouse at dusk, digital painting";
        jobs[i].p.width = jobs[i].p.height = size;
        jobs[i].p.steps = steps;
        jobs[i].p.cfg_scale = 7;
        jobs[i].p.seed = 1 + (uint64_t)i;
        jobs[i].p.threads = cores / n > 0 ? (int)(cores / n) : 1;
        if (pthread_create(&th[i], NULL, job_main, &jobs[i]) != 0)
            return fprintf(stderr, "bench_shared: no thread\n"), 1;
    }
    int bad = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        if (jobs[i].rc != LONGSD_OK)
            bad = fprintf(stderr, "bench_shared: job %d: %s\n", i, jobs[i].err);
        printf("      job %d: %d threads, arena peak %.0f MB\n", i, jobs[i].p.threads, jobs[i].mem.arena_peak / 1e6);
    }
    longsd_sd_free(sd);
    fflush(stdout); /* the child leaves by _exit */
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp/longsd-sd15";
    int size = argc > 2 ? atoi(argv[2]) : 256, steps = argc > 3 ? atoi(argv[3]) : 1;
    int jobs = argc > 4 ? atoi(argv[4]) : 2;
    if (size < 64 || size % 64 || steps < 1 || jobs < 1 || jobs > 16) {
        fprintf(stderr, "usage: bench_shared [DIR] [SIZE (multiple of 64)] [STEPS] [JOBS (1..16)]\n");
        return 2;
    }
    char cpu[256];
    lscpu_model(cpu, sizeof cpu);
    printf("cpu   %s, %ld cores online; %s, %dx%d, %d step(s), CFG 7, Euler a\n", cpu,
           sysconf(_SC_NPROCESSORS_ONLN), dir, size, size, steps);
    long rss[2] = {0, 0};
    int counts[2] = {1, jobs};
    for (int k = 0; k < 2; k++) {
        fflush(stdout);
        double t0 = now();
        pid_t pid = fork();
        if (pid == 0)
            _exit(child(dir, size, steps, counts[k]));
        int st = 0;
        struct rusage ru;
        if (pid < 0 || wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            return fprintf(stderr, "bench_shared: the run of %d job(s) failed\n", counts[k]), 1;
        rss[k] = ru.ru_maxrss;
        printf("jobs %d at once: wall %.1f s, cpu %.1f s, peak RSS %.0f MB\n", counts[k], now() - t0,
               (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
               rss[k] / 1024.0);
    }
    printf("the %d more job(s) added %.0f MB of peak RSS\n", jobs - 1, (rss[1] - rss[0]) / 1024.0);
    return 0;
}
