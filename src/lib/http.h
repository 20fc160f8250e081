/* http.h - a small HTTP client on libcurl for the image backends (and later
 * the LLM client): connect and total timeouts, a hard cap on the reply body,
 * retries of transient failures (408, 409, 429, 5xx, x-should-retry: true,
 * connection errors) with exponential backoff and jitter that honour
 * retry-after-ms and Retry-After (seconds or HTTP date), TLS verification
 * on, proxies from the environment (libcurl's http_proxy/https_proxy/
 * no_proxy), an abort check while waiting. Request headers are never logged
 * and URLs in messages lose any user:password part.
 *
 * One ls_http per thread: it owns a curl easy handle that keeps connections
 * alive between requests. */
#ifndef LONGSD_HTTP_H
#define LONGSD_HTTP_H

#include <time.h>

#include "longsd.h"
#include "util.h"

typedef struct {
    long connect_timeout_ms;  /* default 10000 */
    long timeout_ms;          /* one attempt, whole transfer; default 300000 */
    size_t max_body;          /* reply cap in bytes; default 64 MiB */
    int max_retries;          /* attempts after the first; default 2 */
    long backoff_initial_ms;  /* first backoff, doubled each retry; default 500 */
    long backoff_max_ms;      /* default 8000 */
    long retry_after_max_ms;  /* a longer Retry-After is not honoured (backoff instead); default 60000 */
    longsd_abort_fn abort_fn; /* optional: non-zero stops a transfer or a wait */
    void *abort_user;
    longsd_log_fn log_fn;     /* optional: retry notices at LONGSD_LOG_INFO */
    void *log_user;
    int no_retry_timeout;     /* 1: a request silent for the whole timeout_ms is not retried here (the
                               * image pool moves the job to another backend instead); default 0 */
} ls_http_opts;

ls_http_opts ls_http_default_opts(void);

typedef struct {
    long status;          /* HTTP status of the last attempt; 0 = no reply */
    lsbuf body;           /* reply body of the last attempt, capped at max_body */
    char content_type[128];
    long retry_after_ms;  /* from the last reply's headers; -1 = none */
    int should_retry;     /* x-should-retry of the last reply: -1 absent, 0, 1 */
    int attempts;         /* attempts made */
    int transient;        /* 1 when the final failure was of a retryable kind */
    double elapsed_s;     /* all attempts and waits */
} ls_http_resp;

void ls_http_resp_init(ls_http_resp *r);
void ls_http_resp_free(ls_http_resp *r);

typedef struct ls_http ls_http;

/* The words a connection refused (no server at that address) is reported
 * with: "POST URL: nothing listens at http://host:port: is the server
 * running?". The pool looks for them to set such a server aside at once
 * and say so once, instead of once per image. */
#define LS_HTTP_NOT_LISTENING "nothing listens at "

/* NULL when out of memory or libcurl cannot start. opts is copied. */
ls_http *ls_http_new(const ls_http_opts *opts);
void ls_http_free(ls_http *h);

/* One request with retries. method: "GET" or "POST" (body may be NULL for
 * GET); headers: NULL-terminated array of "Name: value" lines, may be NULL.
 * Returns LONGSD_OK for a 2xx reply (in resp), LONGSD_ERR_BACKEND for any
 * other final status (message has the status and the start of the body),
 * LONGSD_ERR_NETWORK for connection errors and timeouts, LONGSD_ERR_TOO_BIG
 * for a body over the cap, LONGSD_ERR_ABORTED when the abort check fired.
 * resp must have been initialised; it is reset first. */
longsd_status ls_http_request(ls_http *h, const char *method, const char *url, const char *const *headers,
                              const void *body, size_t body_len, ls_http_resp *resp, lserr *err);

/* 1 if the abort check of h's options fires now (for loops that wait
 * between requests, such as polling). */
int ls_http_aborted(const ls_http *h);

/* ---- pieces exposed for tests */
/* Retry-After value (delta seconds or IMF-fixdate) in ms relative to now; -1 if unusable. */
long ls_http_parse_retry_after(const char *value, time_t now);
/* 1 for 408, 409, 429 and >= 500. */
int ls_http_status_retryable(long status);
/* Backoff before retry number attempt (1-based): min(initial * 2^(attempt-1), max)
 * scaled by a jitter factor in [0.75, 1.0]. rng is a xorshift state. */
long ls_http_backoff_ms(const ls_http_opts *o, int attempt, uint32_t *rng);
/* Copy url into out without any "user:password@" part. */
void ls_http_redact_url(const char *url, char *out, size_t out_size);

#endif
