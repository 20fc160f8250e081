/* test_http_rules.c - the request rules that need no server: backoff never
 * past its cap whatever the initial delay, and credentials redacted from a
 * URL with or without a path; and, against tests/servers/fake_sd.py, that
 * only a 2xx status is success (a 300 is an error, not an image). */
#include "http.h"
#include "t.h"
#include "t_srv.h"

TEST(backoff_is_capped_for_any_initial_delay)
{
    ls_http_opts o = ls_http_default_opts();
    o.backoff_initial_ms = 3000; /* 3000, 6000, then 12000 capped to 8000 */
    o.backoff_max_ms = 8000;
    uint32_t rng = 7;
    static const long full[] = {3000, 6000, 8000, 8000, 8000};
    for (int a = 1; a <= 5; a++) {
        long ms = ls_http_backoff_ms(&o, a, &rng);
        if (!(ms <= full[a - 1] && ms >= full[a - 1] * 3 / 4)) {
            fprintf(stderr, "  attempt %d: %ld ms, expected %ld..%ld\n", a, ms, full[a - 1] * 3 / 4, full[a - 1]);
            t_failed_checks++;
        }
    }
}

TEST(credentials_redacted_with_or_without_a_path)
{
    char out[128];
    ls_http_redact_url("http://user:pw@host:1", out, sizeof out);
    CHECK_STR(out, "http://host:1");
    ls_http_redact_url("https://key@api.example", out, sizeof out);
    CHECK_STR(out, "https://api.example");
    ls_http_redact_url("http://host:1/p", out, sizeof out);
    CHECK_STR(out, "http://host:1/p");
}

TEST(only_2xx_is_success)
{
    t_srv s = t_srv_start("tests/servers/fake_sd.py", NULL, (const char *[]){"--fault", "status", "--status", "300", NULL});
    ls_http_opts o = ls_http_default_opts();
    o.max_retries = 0;
    ls_http *h = ls_http_new(&o);
    REQUIRE(h);
    ls_http_resp r;
    ls_http_resp_init(&r);
    lserr err = {0};
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/sdapi/v1/txt2img", s.port);
    static const char body[] = "{\"prompt\": \"a fox\", \"width\": 64, \"height\": 64, \"seed\": 1}";
    static const char *const hd[] = {"Content-Type: application/json", NULL};
    CHECK(ls_http_request(h, "POST", url, hd, body, sizeof body - 1, &r, &err) != LONGSD_OK);
    CHECK_INT(r.status, 300);
    CHECK_CONTAINS(err.msg, "HTTP 300");
    ls_http_resp_free(&r);
    ls_http_free(h);
    t_srv_stop(&s);
}

RUN_TESTS(backoff_is_capped_for_any_initial_delay, credentials_redacted_with_or_without_a_path, only_2xx_is_success)
