/* test_throttle.c - the pace of plan saves (throttle.c): at least min_s
 * apart, further apart as saves get dearer, so the time spent saving stays
 * a fixed share of a run however big the plan; and a render saves the plan
 * at its end whatever the pace. */
#include "throttle.h"
#include "t.h"

TEST(cheap_saves_keep_the_minimum_pace)
{
    ls_throttle t = ls_throttle_start(100.0, 1.0, 20.0);
    CHECK(!ls_throttle_due(&t, 100.5));
    CHECK(t.pending);
    CHECK(ls_throttle_due(&t, 101.0));
    ls_throttle_saved(&t, 101.0, 101.01); /* 10 ms: 20 x 10 ms < 1 s */
    CHECK(!t.pending);
    CHECK(ls_throttle_interval(&t) == 1.0);
    CHECK(!ls_throttle_due(&t, 101.9));
    CHECK(ls_throttle_due(&t, 102.01));
}

TEST(dear_saves_space_out)
{
    ls_throttle t = ls_throttle_start(0.0, 1.0, 20.0);
    CHECK(ls_throttle_due(&t, 1.0));
    ls_throttle_saved(&t, 1.0, 1.5); /* a 0.5 s save: the next in 10 s */
    CHECK(ls_throttle_interval(&t) == 10.0);
    CHECK(!ls_throttle_due(&t, 9.0));
    CHECK(!ls_throttle_due(&t, 11.4));
    CHECK(ls_throttle_due(&t, 11.5));
    ls_throttle_saved(&t, 11.5, 11.52); /* cheaper again: back to 1 s */
    CHECK(ls_throttle_interval(&t) == 1.0);
}

/* A simulated run: an image every 10 ms, a plan whose save costs 1 ms per
 * 1,000 ideas. Saving every image is quadratic (n images x a save of n);
 * the pace keeps saving under ~1/factor of the run at every size. */
TEST(share_of_time_saving_stays_bounded)
{
    const size_t sizes[] = {1000, 10000, 100000};
    for (size_t k = 0; k < 3; k++) {
        size_t n = sizes[k];
        double cost = (double)n * 1e-6, now = 0.0, saving = 0.0;
        size_t saves = 0;
        ls_throttle t = ls_throttle_start(now, 1.0, 20.0);
        for (size_t i = 0; i < n; i++) {
            now += 0.01; /* an image */
            if (ls_throttle_due(&t, now)) {
                double s0 = now;
                now += cost;
                saving += cost;
                saves++;
                ls_throttle_saved(&t, s0, now);
            }
        }
        double share = saving / now, every_image = (double)n * cost / ((double)n * 0.01 + (double)n * cost);
        fprintf(stderr, "  %zu ideas: %zu saves, %.1f %% of the run saving (every image: %.1f %%)\n", n, saves,
                100.0 * share, 100.0 * every_image);
        CHECK(share <= 1.0 / 20.0 + 1e-9);
        CHECK(saves >= 1);
        CHECK(saves <= (size_t)(now / 1.0) + 1);
    }
}

RUN_TESTS(cheap_saves_keep_the_minimum_pace, dear_saves_space_out, share_of_time_saving_stays_bounded)
