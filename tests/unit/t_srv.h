/* t_srv.h - local fake servers for the unit tests: a Python script from
 * tests/servers/ started as a child on 127.0.0.1, which prints its port on
 * the first line of stdout. Include after t.h.
 *
 *   t_srv s = t_srv_start("tests/servers/fake_sd.py", "x.log", (const char *[]){"--fault", "status", NULL});
 *   ... s.url ...
 *   t_srv_stop(&s);
 *
 * The servers are bounded (--lifetime) and die with the test: no network. */
#ifndef LONGSD_T_SRV_H
#define LONGSD_T_SRV_H

#include <signal.h>

typedef struct {
    pid_t pid;
    int port;
    char url[64];
    char log[300]; /* the server's --log file in the case's tmpdir, "" if none */
} t_srv;

static inline t_srv t_srv_start(const char *script, const char *log, const char *const *args)
{
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("https_proxy");
    unsetenv("HTTPS_PROXY");
    unsetenv("all_proxy");
    unsetenv("ALL_PROXY");
    int fd[2];
    REQUIRE(pipe(fd) == 0);
    t_srv s = {0};
    const char *argv[32] = {"python3", script, "--lifetime", "60"};
    int n = 4;
    if (log) {
        snprintf(s.log, sizeof s.log, "%s/%s", t_tmpdir(), log);
        argv[n++] = "--log";
        argv[n++] = s.log;
    }
    for (const char *const *a = args; a && *a && n < 30; a++)
        argv[n++] = *a;
    argv[n] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execv("/usr/bin/python3", (char *const *)argv);
        _exit(127);
    }
    close(fd[1]);
    char line[32] = {0};
    size_t got = 0;
    while (got < sizeof line - 1) {
        ssize_t r = read(fd[0], line + got, 1);
        if (r <= 0 || line[got] == '\n')
            break;
        got++;
    }
    close(fd[0]);
    s.pid = pid;
    s.port = atoi(line);
    REQUIRE(s.port > 0);
    snprintf(s.url, sizeof s.url, "http://127.0.0.1:%d", s.port);
    return s;
}

static inline void t_srv_stop(t_srv *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
}

#endif
