/* test_http.c - the HTTP client: Retry-After parsing, retry rules, backoff,
 * URL redaction, then live requests against tests/servers/fake_sd.py on
 * 127.0.0.1: 500 and 503 then success, 429 with Retry-After, a stall past the
 * timeout, an oversized body, connection refused, and the abort check. */
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include "http.h"
#include "t.h"
#include "t_srv.h"

/* ---- fake servers (tests/unit/t_srv.h) */
typedef t_srv srv;
static srv srv_start(const char *const *args) { return t_srv_start("tests/servers/fake_sd.py", NULL, args); }
static void srv_stop(srv *s) { t_srv_stop(s); }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *A1111_BODY = "{\"prompt\": \"a red fox\", \"width\": 64, \"height\": 32, \"seed\": 3}";

static ls_http_opts fast_opts(void)
{
    ls_http_opts o = ls_http_default_opts();
    o.backoff_initial_ms = 20;
    o.timeout_ms = 5000;
    return o;
}

static longsd_status post(ls_http *h, int port, ls_http_resp *r, lserr *err)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/sdapi/v1/txt2img", port);
    static const char *const hd[] = {"Content-Type: application/json", "Authorization: Bearer sk-SECRET", NULL};
    return ls_http_request(h, "POST", url, hd, A1111_BODY, strlen(A1111_BODY), r, err);
}

TEST(retry_after_parsing)
{
    time_t now = 1700000000;
    CHECK_INT(ls_http_parse_retry_after("3", now), 3000);
    CHECK_INT(ls_http_parse_retry_after(" 1.5 ", now), 1500);
    CHECK_INT(ls_http_parse_retry_after("0", now), 0);
    CHECK_INT(ls_http_parse_retry_after("soon", now), -1);
    CHECK_INT(ls_http_parse_retry_after("", now), -1);
    CHECK_INT(ls_http_parse_retry_after("-4", now), -1);
    CHECK_INT(ls_http_parse_retry_after("5x", now), -1);
    /* 1700000000 is Tue, 14 Nov 2023 22:13:20 GMT */
    CHECK_INT(ls_http_parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", now), 10000);
    CHECK_INT(ls_http_parse_retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now), 0); /* in the past */
}

TEST(retry_rules_and_backoff)
{
    CHECK(ls_http_status_retryable(408));
    CHECK(ls_http_status_retryable(409));
    CHECK(ls_http_status_retryable(429));
    CHECK(ls_http_status_retryable(500));
    CHECK(ls_http_status_retryable(503));
    CHECK(!ls_http_status_retryable(400));
    CHECK(!ls_http_status_retryable(404));
    CHECK(!ls_http_status_retryable(200));
    ls_http_opts o = ls_http_default_opts();
    uint32_t rng = 12345;
    for (int a = 1; a <= 8; a++) {
        long ms = ls_http_backoff_ms(&o, a, &rng);
        long full = 500L << (a - 1);
        if (full > 8000)
            full = 8000;
        CHECK(ms <= full && ms >= full * 3 / 4);
    }
    char out[128];
    ls_http_redact_url("http://user:pw@host:1/x?y=1", out, sizeof out);
    CHECK_STR(out, "http://host:1/x?y=1");
    ls_http_redact_url("https://host/a@b", out, sizeof out);
    CHECK_STR(out, "https://host/a@b");
}

TEST(ok_reply)
{
    srv s = srv_start(NULL);
    ls_http_opts o = fast_opts();
    ls_http *h = ls_http_new(&o);
    ls_http_resp r;
    ls_http_resp_init(&r);
    lserr err;
    CHECK_INT(post(h, s.port, &r, &err), LONGSD_OK);
    CHECK_INT(r.status, 200);
    CHECK_INT(r.attempts, 1);
    CHECK_CONTAINS(r.body.data, "\"images\"");
    CHECK_CONTAINS(r.content_type, "application/json");
    /* keep-alive: a second request on the same handle */
    CHECK_INT(post(h, s.port, &r, &err), LONGSD_OK);
    ls_http_resp_free(&r);
    ls_http_free(h);
    srv_stop(&s);
}

TEST(status_500_then_503_then_success)
{
    const char *a1[] = {"--fault", "status", "--fault-count", "1", NULL};
    srv s = srv_start(a1);
    ls_http_opts o = fast_opts();
    ls_http *h = ls_http_new(&o);
    ls_http_resp r;
    ls_http_resp_init(&r);
    lserr err;
    CHECK_INT(post(h, s.port, &r, &err), LONGSD_OK);
    CHECK_INT(r.attempts, 2);
    srv_stop(&s);
    const char *a2[] = {"--fault", "status", "--status", "503", "--fault-count", "2", NULL};
    s = srv_start(a2);
    CHECK_INT(post(h, s.port, &r, &err), LONGSD_OK);
    CHECK_INT(r.attempts, 3);
    srv_stop(&s);
    /* always 500: gives up after max_retries, says so, and the secret is nowhere */
    const char *a3[] = {"--fault", "status", NULL};
    s = srv_start(a3);
    CHECK_INT(post(h, s.port, &r, &err), LONGSD_ERR_BACKEND);
    CHECK_INT(r.attempts, 3);
    CHECK_INT(r.status, 500);
    CHECK(r.transient);
    CHECK_CONTAINS(err.msg, "HTTP 500");
    CHECK(strstr(err.msg, "SECRET") == NULL);
    srv_stop(&s);
    /* 400 is not retried */
    const char *a4[] = {"--fault", "status", "--status", "400", NULL};
    s = srv_start(a4);
    CHECK_INT(post(h, s.port, &r, &err), LONGSD_ERR_BACKEND);
    CHECK_INT(r.attempts, 1);
    CHECK(!r.transient);
    srv_stop(&s);
    ls_http_resp_free(&r);
    ls_http_free(h);
}

TEST(retry_after_is_honoured)
{
    const char *a[] = {"--fault", "retry-after", "--fault-count", "1", NULL};
    srv s = srv_start(a);
    ls_http_opts o = fast_opts();
    ls_http *h = ls_http_new(&o);
    ls_http_resp r;
    ls_http_resp_init(&r);
    lserr err;
    double t0 = now_s();
    CHECK_INT(post(h, s.port, &r, &err), LONGSD_OK);
    CHECK(now_s() - t0 >= 0.95); /* Retry-After: 1, not the 20 ms backoff */
    CHECK_INT(r.attempts, 2);
    ls_http_resp_free(&r);
    ls_http_free(h);
    srv_stop(&s);
}

TEST(stall_past_timeout)
{
    const char *a[] = {"--fault", "stall", "--stall", "20", NULL};
    srv s = srv_start(a);
    ls_http_opts o = fast_opts();
    o.timeout_ms = 300;
    o.max_retries = 1;
    ls_http *h = ls_http_new(&o);
    ls_http_resp r;
    ls_http_resp_init(&r);
    lserr err;
    double t0 = now_s();
    CHECK_INT(post(h, s.port, &r, &err), LONGSD_ERR_NETWORK);
    CHECK_CONTAINS(err.msg, "timed out");
    CHECK_INT(r.attempts, 2);
    CHECK(now_s() - t0 < 3.0);
    ls_http_resp_free(&r);
    ls_http_free(h);
    srv_stop(&s);
}

TEST(oversized_body_is_cut)
{
    const char *a[] = {"--fault", "huge", "--huge-mb", "8", NULL};
    srv s = srv_start(a);
    ls_http_opts o = fast_opts();
    o.max_body = 100000;
    ls_http *h = ls_http_new(&o);
    ls_http_resp r;
    ls_http_resp_init(&r);
    lserr err;
    CHECK_INT(post(h, s.port, &r, &err), LONGSD_ERR_TOO_BIG);
    CHECK(r.body.len <= 100000);
    CHECK_INT(r.attempts, 1);
    ls_http_resp_free(&r);
    ls_http_free(h);
    srv_stop(&s);
}

TEST(connection_refused)
{
    srv s = srv_start(NULL);
    int port = s.port;
    srv_stop(&s); /* nothing listens there now */
    ls_http_opts o = fast_opts();
    ls_http *h = ls_http_new(&o);
    ls_http_resp r;
    ls_http_resp_init(&r);
    lserr err;
    CHECK_INT(post(h, port, &r, &err), LONGSD_ERR_NETWORK);
    CHECK_INT(r.attempts, 3);
    CHECK(r.transient);
    CHECK_INT(r.status, 0);
    ls_http_resp_free(&r);
    ls_http_free(h);
}

static double abort_at;
static int abort_after_deadline(void *u) { return now_s() > abort_at; }

TEST(abort_stops_a_stalled_request)
{
    const char *a[] = {"--fault", "stall", "--stall", "20", NULL};
    srv s = srv_start(a);
    ls_http_opts o = fast_opts();
    o.timeout_ms = 20000;
    o.abort_fn = abort_after_deadline;
    abort_at = now_s() + 0.3;
    ls_http *h = ls_http_new(&o);
    ls_http_resp r;
    ls_http_resp_init(&r);
    lserr err;
    double t0 = now_s();
    CHECK_INT(post(h, s.port, &r, &err), LONGSD_ERR_ABORTED);
    CHECK(now_s() - t0 < 2.5);
    ls_http_resp_free(&r);
    ls_http_free(h);
    srv_stop(&s);
}

TEST(tls_is_verified)
{
    /* a self-signed certificate must be refused: verification is on */
    char cmd[1400], cert[300], key[300];
    snprintf(cert, sizeof cert, "%s/cert.pem", t_tmpdir());
    snprintf(key, sizeof key, "%s/key.pem", t_tmpdir());
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -keyout '%s' -out '%s' -days 1 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1", key, cert);
    if (system(cmd) != 0)
        T_SKIP("openssl could not make a certificate (install openssl: scripts/deps.sh --test)");
    const char *a[] = {"--tls", cert, key, NULL};
    srv s = srv_start(a);
    ls_http_opts o = fast_opts();
    ls_http *h = ls_http_new(&o);
    ls_http_resp r;
    ls_http_resp_init(&r);
    lserr err;
    char url[128];
    snprintf(url, sizeof url, "https://127.0.0.1:%d/stats", s.port);
    CHECK_INT(ls_http_request(h, "GET", url, NULL, NULL, 0, &r, &err), LONGSD_ERR_NETWORK);
    CHECK_CONTAINS(err.msg, "SSL");
    CHECK_INT(r.attempts, 1); /* a bad certificate is not retried */
    /* the same server trusted explicitly answers (so it was the verification that refused) */
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import ssl, urllib.request; urllib.request.urlopen('https://127.0.0.1:%d/stats', "
             "context=ssl.create_default_context(cafile='%s'))\"", s.port, cert);
    CHECK(system(cmd) == 0);
    ls_http_resp_free(&r);
    ls_http_free(h);
    srv_stop(&s);
}

RUN_TESTS(retry_after_parsing, retry_rules_and_backoff, ok_reply, status_500_then_503_then_success,
          retry_after_is_honoured, stall_past_timeout, oversized_body_is_cut, connection_refused,
          abort_stops_a_stalled_request, tls_is_verified)
