/* test_engine_sched.c - schedule bounds: 1 to SDS_MAX_STEPS steps, the
 * arrays' size; one more is refused with a message naming the range (it
 * would write past timesteps[] and sigmas[]). */
#include "sampler.h"
#include "t.h"

TEST(step_count_bounds)
{
    static const struct {
        int steps;
        longsd_status rc;
    } rows[] = {{1, LONGSD_OK}, {SDS_MAX_STEPS, LONGSD_OK}, {0, LONGSD_ERR_PARAM}, {SDS_MAX_STEPS + 1, LONGSD_ERR_PARAM}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        for (int kind = SDS_EULER; kind <= SDS_DPMPP_2M; kind++) {
            sdsched *s = calloc(1, sizeof *s);
            REQUIRE(s);
            lserr err = {0};
            longsd_status rc = sdsched_init(s, (sds_kind)kind, 0, rows[i].steps, &err);
            if (rc != rows[i].rc) {
                fprintf(stderr, "  sampler %d, %d steps: rc %d, expected %d\n", kind, rows[i].steps, (int)rc,
                        (int)rows[i].rc);
                t_failed_checks++;
            }
            if (rc)
                CHECK_CONTAINS(err.msg, "steps must be 1..1000");
            sdsched_free(s);
            free(s);
        }
}

RUN_TESTS(step_count_bounds)
