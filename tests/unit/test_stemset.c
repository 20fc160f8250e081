/* test_stemset.c - unique image names (stemset.c): the order names are
 * handed out in (as the pairwise check gave them), collisions with stems
 * that already end in -N, and linear time on 200,000 identical stems. */
#include <time.h>

#include "stemset.h"
#include "t.h"

static const char *take(ls_stemset *s, const char *stem)
{
    static char out[112];
    REQUIRE(ls_stemset_take(s, stem, out, sizeof out) == LONGSD_OK);
    return out;
}

TEST(first_as_is_then_numbered)
{
    ls_stemset *s = ls_stemset_new(10);
    REQUIRE(s);
    CHECK_STR(take(s, "beginning-01-tom"), "beginning-01-tom");
    CHECK_STR(take(s, "beginning-01-tom"), "beginning-01-tom-2");
    CHECK_STR(take(s, "end-01"), "end-01");
    CHECK_STR(take(s, "beginning-01-tom"), "beginning-01-tom-3");
    /* a stem that is already someone's numbered name gets a number of its own */
    CHECK_STR(take(s, "beginning-01-tom-2"), "beginning-01-tom-2-2");
    /* a natural stem taken before a duplicate reaches it is skipped */
    CHECK_STR(take(s, "end-01-2"), "end-01-2");
    CHECK_STR(take(s, "end-01"), "end-01-3");
    CHECK_STR(take(s, "end-01"), "end-01-4");
    ls_stemset_free(s);
}

TEST(limits_are_errors)
{
    ls_stemset *s = ls_stemset_new(2);
    REQUIRE(s);
    char out[8];
    CHECK_INT(ls_stemset_take(s, "abcdefghij", out, sizeof out), LONGSD_ERR_TOO_BIG);
    CHECK_INT(ls_stemset_take(s, "abc", out, sizeof out), LONGSD_OK);
    CHECK_INT(ls_stemset_take(s, "abc", out, sizeof out), LONGSD_OK);
    CHECK_STR(out, "abc-2");
    CHECK_INT(ls_stemset_take(s, "xyz", out, sizeof out), LONGSD_ERR_TOO_BIG); /* max_names taken */
    ls_stemset_free(s);
    ls_stemset_free(NULL);
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

TEST(identical_stems_stay_linear)
{
    /* every idea of one long id prefix and no title: the pairwise check
     * tried k names against i earlier ones for the k-th duplicate */
    size_t n = 200000;
    alarm(30); /* a quadratic set would take hours: fail in 30 s */
    ls_stemset *s = ls_stemset_new(n);
    REQUIRE(s);
    double t0 = cpu_s();
    char out[112], want[112];
    for (size_t i = 0; i < n; i++) {
        REQUIRE(ls_stemset_take(s, "part-0123456789012345678901234567890123", out, sizeof out) == LONGSD_OK);
        if (i == 0)
            snprintf(want, sizeof want, "part-0123456789012345678901234567890123");
        else
            snprintf(want, sizeof want, "part-0123456789012345678901234567890123-%zu", i + 1);
        if (strcmp(out, want) != 0) {
            CHECK_STR(out, want);
            break;
        }
    }
    double dt = cpu_s() - t0;
    fprintf(stderr, "  200000 identical stems: %.3f s cpu\n", dt);
    CHECK(dt < 2.0); /* a quadratic set takes hours */
    ls_stemset_free(s);
}

TEST(alloc_failures_never_crash)
{
    int ok = 0;
    for (long k = 0; k < 20 && !ok; k++) {
        longsd__alloc_fail_after = k;
        ls_stemset *s = ls_stemset_new(4);
        char out[16];
        longsd_status a = s ? ls_stemset_take(s, "a", out, sizeof out) : LONGSD_ERR_NOMEM;
        longsd_status b = s ? ls_stemset_take(s, "a", out, sizeof out) : LONGSD_ERR_NOMEM;
        longsd__alloc_fail_after = -1;
        ok = s && !a && !b && strcmp(out, "a-2") == 0;
        ls_stemset_free(s);
    }
    CHECK(ok);
}

RUN_TESTS(first_as_is_then_numbered, limits_are_errors, identical_stems_stay_linear, alloc_failures_never_crash)
