/* test_backend_native.c - the in-process engine behind the backend table:
 * the pool's stop reaches a running native job through its ls_http's abort
 * check (as it reaches an HTTP transfer), the job stops within its first
 * step and hands back no image; without a stop the same job draws a PNG.
 * Two jobs on one backend (--per-backend 2) run at once on its one model
 * and draw the PNGs they draw one after the other. */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "backend.h"
#include "http.h"
#include "t.h"
#include "util.h"

#define MODEL "tests/engine/tiny-sd"

static int checks;
static int stop_at_third_check(void *user)
{
    (void)user;
    return ++checks >= 3;
}
static int never(void *user)
{
    (void)user;
    ++checks;
    return 0;
}

static longsd_status render_with(longsd_abort_fn fn, ls_render_image *out, lserr *err)
{
    ls_backend_opts o;
    memset(&o, 0, sizeof o);
    o.url = MODEL;
    void *state = NULL;
    longsd_status rc = ls_backend_native.create(&o, &state, err);
    if (rc)
        return rc;
    ls_http_opts ho = ls_http_default_opts();
    ho.abort_fn = fn;
    ls_http *h = ls_http_new(&ho);
    if (!h) {
        ls_backend_native.destroy(state);
        return LONGSD_ERR_NOMEM;
    }
    ls_render_job job = {.prompt = "a red fox", .negative = "", .seed = 7, .width = 64, .height = 64,
                         .steps = 4, .cfg_scale = 7, .sampler = "Euler a", .vae = ""};
    checks = 0;
    rc = ls_backend_native.render(state, h, &job, out, err);
    ls_http_free(h);
    ls_backend_native.destroy(state);
    return rc;
}

TEST(a_stop_reaches_a_running_native_job)
{
    ls_render_image im = {0};
    lserr err = {0, ""};
    CHECK_INT(render_with(stop_at_third_check, &im, &err), LONGSD_ERR_ABORTED);
    CHECK(im.data == NULL);
    CHECK_INT(checks, 3); /* polled inside the first step and stopped there, not at the end */
    CHECK_STR(err.msg, "native: stopped");
}

TEST(without_a_stop_the_job_draws_its_png)
{
    ls_render_image im = {0};
    lserr err = {0, ""};
    CHECK_INT(render_with(never, &im, &err), LONGSD_OK);
    REQUIRE(im.data && im.len > 8);
    CHECK(memcmp(im.data, "\x89PNG\r\n\x1a\n", 8) == 0);
    CHECK(checks > 4); /* polled at every step and between blocks */
    ls_render_image_free(&im);
}

/* Both jobs' abort checks meet: each waits (up to 60 s) until the other
 * has been polled too, which only happens if both are inside the engine at
 * once. A backend that serialised its jobs would keep the second waiting
 * for the first, and the first would give up waiting: overlapped stays 0. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int polled[2];
    int overlapped, gave_up; /* gave_up: one wait timed out, none waits again */
} meet = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, {0, 0}, 0, 0};

static int meet_other(void *user)
{
    int me = *(int *)user, waited = 0;
    pthread_mutex_lock(&meet.mu);
    meet.polled[me] = 1;
    pthread_cond_broadcast(&meet.cv);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 60;
    /* only a job that waits and then sees the other polled saw both inside */
    while (!meet.polled[!me] && !meet.overlapped && !meet.gave_up) {
        waited = 1;
        if (pthread_cond_timedwait(&meet.cv, &meet.mu, &until) != 0)
            meet.gave_up = 1;
    }
    if (waited && meet.polled[!me] && !meet.gave_up)
        meet.overlapped = 1;
    pthread_mutex_unlock(&meet.mu);
    return 0;
}

typedef struct {
    void *state;
    int who;
    ls_render_job job;
    ls_render_image im;
    lserr err;
    longsd_status rc;
    int meet; /* use meet_other as the abort check */
} bjob;

static void *bjob_main(void *arg)
{
    bjob *j = arg;
    ls_http_opts ho = ls_http_default_opts();
    if (j->meet) {
        ho.abort_fn = meet_other;
        ho.abort_user = &j->who;
    }
    ls_http *h = ls_http_new(&ho);
    j->rc = h ? ls_backend_native.render(j->state, h, &j->job, &j->im, &j->err) : LONGSD_ERR_NOMEM;
    ls_http_free(h);
    return NULL;
}

TEST(two_jobs_run_at_once_on_one_model)
{
    ls_backend_opts o;
    memset(&o, 0, sizeof o);
    o.url = MODEL;
    o.jobs = 2;
    void *shared = NULL, *alone = NULL;
    lserr err = {0, ""};
    REQUIRE(ls_backend_native.create(&o, &shared, &err) == LONGSD_OK);
    o.jobs = 1;
    REQUIRE(ls_backend_native.create(&o, &alone, &err) == LONGSD_OK);
    static bjob j[2], ref[2];
    const char *prompts[2] = {"a red fox", "a castle on a hill"};
    for (int k = 0; k < 2; k++) {
        ls_render_job job = {.prompt = prompts[k], .negative = "", .seed = 7 + (uint32_t)k, .width = 64,
                             .height = 64, .steps = 3, .cfg_scale = 7, .sampler = k ? "DPM++ 2M" : "Euler a",
                             .vae = ""};
        j[k] = (bjob){.state = shared, .who = k, .job = job, .meet = 1};
        ref[k] = (bjob){.state = alone, .who = k, .job = job};
        bjob_main(&ref[k]); /* one after the other */
        REQUIRE(ref[k].rc == LONGSD_OK && ref[k].im.data);
    }
    pthread_t th[2];
    for (int k = 0; k < 2; k++)
        REQUIRE(pthread_create(&th[k], NULL, bjob_main, &j[k]) == 0);
    for (int k = 0; k < 2; k++)
        pthread_join(th[k], NULL);
    CHECK(meet.overlapped);
    for (int k = 0; k < 2; k++) {
        CHECK_INT(j[k].rc, LONGSD_OK);
        CHECK(j[k].im.len == ref[k].im.len && memcmp(j[k].im.data, ref[k].im.data, ref[k].im.len) == 0);
        ls_render_image_free(&j[k].im);
        ls_render_image_free(&ref[k].im);
    }
    ls_backend_native.destroy(shared);
    ls_backend_native.destroy(alone);
}

RUN_TESTS(a_stop_reaches_a_running_native_job, without_a_stop_the_job_draws_its_png, two_jobs_run_at_once_on_one_model)
