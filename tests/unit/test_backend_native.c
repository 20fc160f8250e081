/* test_backend_native.c - the in-process engine behind the backend table:
 * the pool's stop reaches a running native job through its ls_http's abort
 * check (as it reaches an HTTP transfer), the job stops within its first
 * step and hands back no image; without a stop the same job draws a PNG. */
#include <string.h>

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

RUN_TESTS(a_stop_reaches_a_running_native_job, without_a_stop_the_job_draws_its_png)
