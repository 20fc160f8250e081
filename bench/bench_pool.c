/* bench_pool.c - throughput of the render pool. 8 fake A1111 servers
 * (tests/servers/fake_sd.py, run from the repo root) each take a fixed
 * delay per image; with --per-backend 2 there are 16 slots, so the ideal
 * wall time is jobs / 16 * delay. Reports throughput as a ratio of that
 * ideal (goal >= 0.95) and the orchestration overhead per image (slot time
 * not spent waiting on a server: request, base64, PNG checks, metadata,
 * temp file + rename, sidecar). A second run with no delay gives the raw
 * cost per image of the whole loop against these servers.
 *
 *   build-pool/bench/bench_pool [jobs=160] [delay_s=0.25] [backends=8] [per_backend=2] */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pool.h"

typedef struct {
    pid_t pid;
    char url[64];
} srv;

static int srv_start(srv *s, double delay)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    char d[32];
    snprintf(d, sizeof d, "%g", delay);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execl("/usr/bin/python3", "python3", "tests/servers/fake_sd.py", "--delay", d, "--lifetime", "300",
              (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    char line[32] = {0};
    size_t got = 0;
    while (got < sizeof line - 1 && read(fd[0], line + got, 1) == 1 && line[got] != '\n')
        got++;
    close(fd[0]);
    s->pid = pid;
    snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", atoi(line));
    return atoi(line) > 0 ? 0 : -1;
}

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec * 1e-6;
}

static double run(srv *s, int nb, int per, int jobs, const char *dir, int round)
{
    longsd_backend_spec spec[64];
    for (int i = 0; i < nb; i++)
        spec[i] = (longsd_backend_spec){.kind = "a1111", .url = s[i].url};
    longsd_render_params p = longsd_render_default_params();
    p.backends = spec;
    p.n_backends = (size_t)nb;
    p.per_backend = per;
    p.timeout_s = 30;
    longsd_ctx *ctx = longsd_ctx_new();
    ls_pool *pool = NULL;
    if (ls_pool_new(ctx, &p, &pool)) {
        fprintf(stderr, "pool: %s\n", longsd_errmsg(ctx));
        exit(1);
    }
    for (int i = 0; i < jobs; i++) {
        char prompt[96], path[512], id[32], key[17];
        snprintf(prompt, sizeof prompt, "bench round %d image %d, a lighthouse", round, i);
        snprintf(id, sizeof id, "img-%03d", i);
        snprintf(path, sizeof path, "%s/r%d-%03d.png", dir, round, i);
        ls_render_job j = {.prompt = prompt, .negative = "", .seed = (uint32_t)i, .width = 64, .height = 64,
                           .steps = 20, .cfg_scale = 7, .sampler = "Euler a"};
        ls_pool_job_key(&j, key);
        ls_pool_add(pool, &j, id, path, key, (size_t)i);
    }
    double t0 = mono();
    longsd_status rc = ls_pool_run(pool, NULL, NULL, NULL, (size_t)jobs, 0);
    double t = mono() - t0;
    if (rc) {
        fprintf(stderr, "run: %s\n", longsd_errmsg(ctx));
        exit(1);
    }
    ls_pool_free(pool);
    longsd_ctx_free(ctx);
    return t;
}

int main(int argc, char **argv)
{
    int jobs = argc > 1 ? atoi(argv[1]) : 160;
    double delay = argc > 2 ? atof(argv[2]) : 0.25;
    int nb = argc > 3 ? atoi(argv[3]) : 8;
    int per = argc > 4 ? atoi(argv[4]) : 2;
    if (jobs < 1 || nb < 1 || nb > 64 || per < 1) {
        fprintf(stderr, "usage: bench_pool [jobs] [delay_s] [backends] [per_backend]\n");
        return 2;
    }
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    char dir[] = "/tmp/longsd-bench-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    srv s[64], z[64];
    for (int i = 0; i < nb; i++)
        if (srv_start(&s[i], delay) || srv_start(&z[i], 0)) {
            fprintf(stderr, "cannot start fake servers (run from the repo root)\n");
            return 1;
        }
    run(s, nb, per, nb * per, dir, 0); /* warm-up: connections, caches */
    double t = run(s, nb, per, jobs, dir, 1);
    int slots = nb * per;
    double ideal = (double)((jobs + slots - 1) / slots) * delay;
    double ratio = ideal / t;
    double overhead_ms = (t - ideal) * slots / jobs * 1000.0;
    double c0 = cpu_s();
    double t0 = run(z, nb, per, jobs, dir, 2);
    double cpu = cpu_s() - c0;
    printf("bench_pool: %d jobs, %d backends x %d per backend, %.3f s per image on the server\n", jobs, nb, per, delay);
    printf("  wall %.3f s, ideal %.3f s -> throughput ratio %.3f (goal >= 0.95)\n", t, ideal, ratio);
    printf("  orchestration overhead %.2f ms per image per slot ((wall - ideal) x slots / jobs)\n", overhead_ms);
    printf("  zero-delay servers: %.3f s for %d images = %.2f ms per image wall, %.1f images/s\n", t0, jobs,
           t0 * 1000.0 / jobs, jobs / t0);
    printf("  longsd's own CPU (all threads) per image: %.2f ms (request, base64, PNG check + text chunk, "
           "2 atomic writes)\n", cpu * 1000.0 / jobs);
    for (int i = 0; i < nb; i++) {
        kill(s[i].pid, SIGKILL);
        kill(z[i].pid, SIGKILL);
        waitpid(s[i].pid, NULL, 0);
        waitpid(z[i].pid, NULL, 0);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return ratio >= 0.95 ? 0 : 3;
}
