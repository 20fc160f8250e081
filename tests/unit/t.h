/* t.h - a tiny test harness. Each TEST runs in its own forked child, so one
 * crash or leak-check failure fails that case alone. A file lists its cases
 * in RUN_TESTS(...). Output: one "ok"/"FAIL" line per case and a closing
 * "N passed, N failed" line that tests/run.sh adds up.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_STR(a, "b"); }
 *   RUN_TESTS(name, other)
 *
 * T_DATA is the repo root (tests run from there); t_tmpdir() gives a fresh
 * temporary directory per case. */
#ifndef LONGSD_T_H
#define LONGSD_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int t_failed_checks;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            t_failed_checks++;                                                       \
        }                                                                            \
    } while (0)

#define REQUIRE(cond)                                                                  \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "  %s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1);                                                                   \
        }                                                                              \
    } while (0)

#define CHECK_STR(a, b)                                                                              \
    do {                                                                                             \
        const char *t_a = (a), *t_b = (b);                                                           \
        if (!t_a || !t_b || strcmp(t_a, t_b) != 0) {                                                 \
            fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a,      \
                    t_a ? t_a : "(null)", t_b ? t_b : "(null)");                                     \
            t_failed_checks++;                                                                       \
        }                                                                                            \
    } while (0)

#define CHECK_CONTAINS(hay, needle)                                                                  \
    do {                                                                                             \
        const char *t_h = (hay), *t_n = (needle);                                                    \
        if (!t_h || !strstr(t_h, t_n)) {                                                             \
            fprintf(stderr, "  %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,        \
                    t_h ? t_h : "(null)", t_n);                                                      \
            t_failed_checks++;                                                                       \
        }                                                                                            \
    } while (0)

#define CHECK_INT(a, b)                                                                              \
    do {                                                                                             \
        long long t_x = (long long)(a), t_y = (long long)(b);                                        \
        if (t_x != t_y) {                                                                            \
            fprintf(stderr, "  %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, t_x, t_y); \
            t_failed_checks++;                                                                       \
        }                                                                                            \
    } while (0)

#define TEST(name) static void test_##name(void)



typedef struct {
    const char *name;
    void (*fn)(void);
} t_case;

static char t_tmp[256];

/* A fresh directory for this case, removed by the parent afterwards. */
static inline const char *t_tmpdir(void)
{
    if (!t_tmp[0]) {
        snprintf(t_tmp, sizeof t_tmp, "/tmp/longsd-test-XXXXXX");
        if (!mkdtemp(t_tmp)) {
            perror("mkdtemp");
            exit(1);
        }
    }
    return t_tmp;
}

#define T_SKIP_STATUS 77
#define T_SKIP(reason) t_skip(reason)

/* End this case as a skip (removing its tmpdir first). */
static inline void t_skip(const char *reason)
{
    fprintf(stderr, "  skipped: %s\n", reason);
    if (t_tmp[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", t_tmp);
        if (system(cmd) != 0)
            fprintf(stderr, "  could not remove %s\n", t_tmp);
    }
    exit(T_SKIP_STATUS);
}

/* Read a whole file into a malloc'ed NUL-terminated string (NULL if missing). */
static inline char *t_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *d = malloc(cap);
    size_t r;
    while (d && (r = fread(d + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 >= cap) {
            cap *= 2;
            d = realloc(d, cap);
        }
    }
    fclose(f);
    if (d)
        d[n] = '\0';
    if (len)
        *len = n;
    return d;
}

static inline void t_write(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    REQUIRE(f != NULL);
    REQUIRE(fwrite(data, 1, n, f) == n);
    fclose(f);
}

static inline int t_run(const t_case *cases, size_t n, int argc, char **argv)
{
    int passed = 0, failed = 0, skipped = 0;
    const char *req = getenv("LONGSD_REQUIRE_CONSUMERS");
    int skip_fails = req && strcmp(req, "1") == 0;
    for (size_t i = 0; i < n; i++) {
        if (argc > 1 && !strstr(cases[i].name, argv[1]))
            continue;
        size_t nl = strlen(cases[i].name);
        if (nl > 7 && strcmp(cases[i].name + nl - 7, "_sample") == 0 && (argc < 2 || strcmp(cases[i].name, argv[1])))
            continue; /* a sample generator, not a test */
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        if (pid == 0) {
            cases[i].fn();
            if (t_tmp[0]) {
                char cmd[300];
                snprintf(cmd, sizeof cmd, "rm -rf '%s'", t_tmp);
                if (system(cmd) != 0)
                    fprintf(stderr, "  could not remove %s\n", t_tmp);
            }
            exit(t_failed_checks ? 1 : 0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            printf("ok   %s\n", cases[i].name);
            passed++;
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == T_SKIP_STATUS && !skip_fails) {
            printf("skip %s\n", cases[i].name);
            skipped++;
        } else {
            if (WIFSIGNALED(status))
                printf("FAIL %s (signal %d)\n", cases[i].name, WTERMSIG(status));
            else
                printf("FAIL %s\n", cases[i].name);
            failed++;
        }
    }
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed ? 1 : 0;
}

#define T_CASE(name) {#name, test_##name},
#define T_MAP1(m, x) m(x)
/* RUN_TESTS(a, b, c): list every case name. */
#define RUN_TESTS(...)                                                  \
    int main(int argc, char **argv)                                     \
    {                                                                   \
        static const t_case cases[] = {T_FOREACH(T_CASE, __VA_ARGS__)}; \
        return t_run(cases, sizeof cases / sizeof cases[0], argc, argv); \
    }

/* Up to 48 cases per RUN_TESTS. */
#define T_FE_1(m, x) m(x)
#define T_FE_2(m, x, ...) m(x) T_FE_1(m, __VA_ARGS__)
#define T_FE_3(m, x, ...) m(x) T_FE_2(m, __VA_ARGS__)
#define T_FE_4(m, x, ...) m(x) T_FE_3(m, __VA_ARGS__)
#define T_FE_5(m, x, ...) m(x) T_FE_4(m, __VA_ARGS__)
#define T_FE_6(m, x, ...) m(x) T_FE_5(m, __VA_ARGS__)
#define T_FE_7(m, x, ...) m(x) T_FE_6(m, __VA_ARGS__)
#define T_FE_8(m, x, ...) m(x) T_FE_7(m, __VA_ARGS__)
#define T_FE_9(m, x, ...) m(x) T_FE_8(m, __VA_ARGS__)
#define T_FE_10(m, x, ...) m(x) T_FE_9(m, __VA_ARGS__)
#define T_FE_11(m, x, ...) m(x) T_FE_10(m, __VA_ARGS__)
#define T_FE_12(m, x, ...) m(x) T_FE_11(m, __VA_ARGS__)
#define T_FE_13(m, x, ...) m(x) T_FE_12(m, __VA_ARGS__)
#define T_FE_14(m, x, ...) m(x) T_FE_13(m, __VA_ARGS__)
#define T_FE_15(m, x, ...) m(x) T_FE_14(m, __VA_ARGS__)
#define T_FE_16(m, x, ...) m(x) T_FE_15(m, __VA_ARGS__)
#define T_FE_17(m, x, ...) m(x) T_FE_16(m, __VA_ARGS__)
#define T_FE_18(m, x, ...) m(x) T_FE_17(m, __VA_ARGS__)
#define T_FE_19(m, x, ...) m(x) T_FE_18(m, __VA_ARGS__)
#define T_FE_20(m, x, ...) m(x) T_FE_19(m, __VA_ARGS__)
#define T_FE_21(m, x, ...) m(x) T_FE_20(m, __VA_ARGS__)
#define T_FE_22(m, x, ...) m(x) T_FE_21(m, __VA_ARGS__)
#define T_FE_23(m, x, ...) m(x) T_FE_22(m, __VA_ARGS__)
#define T_FE_24(m, x, ...) m(x) T_FE_23(m, __VA_ARGS__)
#define T_FE_25(m, x, ...) m(x) T_FE_24(m, __VA_ARGS__)
#define T_FE_26(m, x, ...) m(x) T_FE_25(m, __VA_ARGS__)
#define T_FE_27(m, x, ...) m(x) T_FE_26(m, __VA_ARGS__)
#define T_FE_28(m, x, ...) m(x) T_FE_27(m, __VA_ARGS__)
#define T_FE_29(m, x, ...) m(x) T_FE_28(m, __VA_ARGS__)
#define T_FE_30(m, x, ...) m(x) T_FE_29(m, __VA_ARGS__)
#define T_FE_31(m, x, ...) m(x) T_FE_30(m, __VA_ARGS__)
#define T_FE_32(m, x, ...) m(x) T_FE_31(m, __VA_ARGS__)
#define T_FE_33(m, x, ...) m(x) T_FE_32(m, __VA_ARGS__)
#define T_FE_34(m, x, ...) m(x) T_FE_33(m, __VA_ARGS__)
#define T_FE_35(m, x, ...) m(x) T_FE_34(m, __VA_ARGS__)
#define T_FE_36(m, x, ...) m(x) T_FE_35(m, __VA_ARGS__)
#define T_FE_37(m, x, ...) m(x) T_FE_36(m, __VA_ARGS__)
#define T_FE_38(m, x, ...) m(x) T_FE_37(m, __VA_ARGS__)
#define T_FE_39(m, x, ...) m(x) T_FE_38(m, __VA_ARGS__)
#define T_FE_40(m, x, ...) m(x) T_FE_39(m, __VA_ARGS__)
#define T_FE_41(m, x, ...) m(x) T_FE_40(m, __VA_ARGS__)
#define T_FE_42(m, x, ...) m(x) T_FE_41(m, __VA_ARGS__)
#define T_FE_43(m, x, ...) m(x) T_FE_42(m, __VA_ARGS__)
#define T_FE_44(m, x, ...) m(x) T_FE_43(m, __VA_ARGS__)
#define T_FE_45(m, x, ...) m(x) T_FE_44(m, __VA_ARGS__)
#define T_FE_46(m, x, ...) m(x) T_FE_45(m, __VA_ARGS__)
#define T_FE_47(m, x, ...) m(x) T_FE_46(m, __VA_ARGS__)
#define T_FE_48(m, x, ...) m(x) T_FE_47(m, __VA_ARGS__)
#define T_FE_N(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18, _19, _20, _21, \
               _22, _23, _24, _25, _26, _27, _28, _29, _30, _31, _32, _33, _34, _35, _36, _37, _38, _39, _40,  \
               _41, _42, _43, _44, _45, _46, _47, _48, N, ...)                                                  \
    T_FE_##N
#define T_FOREACH(m, ...)                                                                                       \
    T_FE_N(__VA_ARGS__, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, \
           26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)        \
    (m, __VA_ARGS__)

#endif
