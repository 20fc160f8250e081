/* http.c - libcurl easy wrapper with capped bodies and polite retries (see
 * http.h). Retries follow the OpenAI SDK's rules: retry-after-ms, else
 * Retry-After when within retry_after_max_ms, else exponential backoff with
 * jitter. */
#include "http.h"
#include "redact.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <unistd.h>

#define DEFAULT_MAX_BODY ((size_t)64 << 20)

struct ls_http {
    CURL *curl;
    ls_http_opts o;
    uint32_t rng;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_ok;

static void curl_init_once(void) { curl_ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }

ls_http_opts ls_http_default_opts(void)
{
    return (ls_http_opts){
        .connect_timeout_ms = 10000,
        .timeout_ms = 300000,
        .max_body = DEFAULT_MAX_BODY,
        .max_retries = 2,
        .backoff_initial_ms = 500,
        .backoff_max_ms = 8000,
        .retry_after_max_ms = 60000,
    };
}

void ls_http_resp_init(ls_http_resp *r)
{
    memset(r, 0, sizeof *r);
    r->retry_after_ms = -1;
    r->should_retry = -1;
}

void ls_http_resp_free(ls_http_resp *r)
{
    lsbuf_free(&r->body);
    ls_http_resp_init(r);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

ls_http *ls_http_new(const ls_http_opts *opts)
{
    pthread_once(&curl_once, curl_init_once);
    if (!curl_ok)
        return NULL;
    ls_http *h = longsd__calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->o = opts ? *opts : ls_http_default_opts();
    if (!h->o.max_body)
        h->o.max_body = DEFAULT_MAX_BODY;
    h->curl = curl_easy_init();
    if (!h->curl) {
        longsd__free(h);
        return NULL;
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    h->rng = (uint32_t)((uintptr_t)h ^ (uint32_t)tv.tv_usec ^ ((uint32_t)tv.tv_sec << 11)) | 1u;
    return h;
}

void ls_http_free(ls_http *h)
{
    if (!h)
        return;
    curl_easy_cleanup(h->curl);
    longsd__free(h);
}

int ls_http_status_retryable(long status)
{
    return status == 408 || status == 409 || status == 429 || status >= 500;
}

static uint32_t xorshift(uint32_t *s)
{
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

long ls_http_backoff_ms(const ls_http_opts *o, int attempt, uint32_t *rng)
{
    long ms = o->backoff_initial_ms > 0 ? o->backoff_initial_ms : 0;
    for (int i = 1; i < attempt && ms < o->backoff_max_ms; i++)
        ms *= 2;
    if (ms > o->backoff_max_ms)
        ms = o->backoff_max_ms;
    /* jitter down by up to 25% so clients that failed together do not retry together */
    double f = 1.0 - 0.25 * (double)(xorshift(rng) % 1000) / 1000.0;
    return (long)((double)ms * f);
}

long ls_http_parse_retry_after(const char *v, time_t now)
{
    while (*v == ' ' || *v == '\t')
        v++;
    if (!*v)
        return -1;
    char *end = NULL;
    if (*v >= '0' && *v <= '9') {
        double s = strtod(v, &end);
        while (end && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
            end++;
        if (end && *end == '\0' && s >= 0 && s < 1e7)
            return (long)(s * 1000.0);
        return -1;
    }
    /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
    time_t t = curl_getdate(v, NULL);
    if (t < 0)
        return -1;
    if (t <= now)
        return 0;
    if (t - now > 10000000)
        return -1;
    return (long)(t - now) * 1000;
}

void ls_http_redact_url(const char *url, char *out, size_t out_size)
{
    const char *scheme = strstr(url, "://");
    const char *host = scheme ? scheme + 3 : url;
    const char *slash = strchr(host, '/');
    const char *at = strchr(host, '@');
    if (at && (!slash || at < slash))
        snprintf(out, out_size, "%.*s%s", (int)(host - url), url, at + 1);
    else
        snprintf(out, out_size, "%s", url);
}

/* ---- curl callbacks */

typedef struct {
    ls_http_resp *r;
    int too_big;
    int nomem;
} xfer;

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
    xfer *x = user;
    size_t len = size * n;
    longsd_status rc = lsbuf_add(&x->r->body, p, len);
    if (rc == LONGSD_ERR_TOO_BIG)
        x->too_big = 1;
    else if (rc)
        x->nomem = 1;
    return rc ? 0 : len;
}

static size_t on_header(char *p, size_t size, size_t n, void *user)
{
    xfer *x = user;
    size_t len = size * n;
    char line[512];
    size_t l = len < sizeof line - 1 ? len : sizeof line - 1;
    memcpy(line, p, l);
    line[l] = '\0';
    while (l && (line[l - 1] == '\r' || line[l - 1] == '\n'))
        line[--l] = '\0';
    if (strncmp(line, "HTTP/", 5) == 0) { /* a new response (e.g. after 100 Continue): forget the old headers */
        x->r->retry_after_ms = -1;
        x->r->should_retry = -1;
        x->r->content_type[0] = '\0';
        return len;
    }
    char *colon = strchr(line, ':');
    if (!colon)
        return len;
    *colon = '\0';
    const char *val = colon + 1;
    while (*val == ' ' || *val == '\t')
        val++;
    if (strcasecmp(line, "retry-after-ms") == 0) {
        char *end;
        double ms = strtod(val, &end);
        if (end != val && ms >= 0 && ms < 1e10)
            x->r->retry_after_ms = (long)ms;
    } else if (strcasecmp(line, "retry-after") == 0) {
        if (x->r->retry_after_ms < 0)
            x->r->retry_after_ms = ls_http_parse_retry_after(val, time(NULL));
    } else if (strcasecmp(line, "x-should-retry") == 0) {
        x->r->should_retry = strcasecmp(val, "true") == 0 ? 1 : strcasecmp(val, "false") == 0 ? 0 : -1;
    } else if (strcasecmp(line, "content-type") == 0) {
        snprintf(x->r->content_type, sizeof x->r->content_type, "%s", val);
    }
    return len;
}

static int on_progress(void *user, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    const ls_http *h = user;
    return h->o.abort_fn && h->o.abort_fn(h->o.abort_user) ? 1 : 0;
}

int ls_http_aborted(const ls_http *h) { return h->o.abort_fn && h->o.abort_fn(h->o.abort_user); }

/* Sleep ms in slices, watching the abort check. 1 if aborted. */
static int wait_ms(const ls_http *h, long ms)
{
    while (ms > 0) {
        if (h->o.abort_fn && h->o.abort_fn(h->o.abort_user))
            return 1;
        long step = ms < 50 ? ms : 50;
        struct timespec ts = {step / 1000, (step % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
    return h->o.abort_fn && h->o.abort_fn(h->o.abort_user);
}

static int curl_transient(CURLcode c)
{
    switch (c) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return 1;
    default:
        return 0;
    }
}

/* The start of a body as one printable line for messages. */
static void body_excerpt(const lsbuf *b, char *out, size_t out_size)
{
    /* redact before cutting: a key that straddles the cut would otherwise
     * show its first half */
    char red[4096];
    size_t rn = longsd__redact_into(b->data ? b->data : "", b->len < 3000 ? b->len : 3000, red, sizeof red);
    size_t o = 0;
    for (size_t i = 0; i < rn && o + 4 < out_size && i < 200; i++) {
        unsigned char c = (unsigned char)red[i];
        out[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : ' ';
    }
    if ((b->len > 200 || rn > 200) && o + 4 < out_size) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

longsd_status ls_http_request(ls_http *h, const char *method, const char *url, const char *const *headers,
                              const void *body, size_t body_len, ls_http_resp *resp, lserr *err)
{
    longsd_status rc = LONGSD_OK;
    struct curl_slist *hl = NULL;
    char shown[512];
    ls_http_redact_url(url, shown, sizeof shown);
    ls_http_resp_free(resp);
    lsbuf_init(&resp->body, h->o.max_body);
    for (const char *const *p = headers; p && *p; p++) {
        struct curl_slist *n = curl_slist_append(hl, *p);
        if (!n) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            goto out;
        }
        hl = n;
    }
    if (body && !(hl = curl_slist_append(hl, "Expect:"))) { /* no 100-continue round trip */
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    double t0 = now_s();
    for (int attempt = 0;; attempt++) {
        CURL *c = h->curl;
        xfer x = {.r = resp};
        curl_easy_reset(c);
        lsbuf_reset(&resp->body);
        resp->status = 0;
        resp->retry_after_ms = -1;
        resp->should_retry = -1;
        resp->content_type[0] = '\0';
        resp->attempts = attempt + 1;
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
        curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->o.connect_timeout_ms);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->o.timeout_ms);
        curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->o.max_body);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "longsd/" LONGSD_VERSION);
        curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
        curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L); /* renders can keep a connection silent for minutes */
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
        if (hl)
            curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
        if (strcmp(method, "POST") == 0) {
            curl_easy_setopt(c, CURLOPT_POST, 1L);
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? (const char *)body : "");
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
        } else if (strcmp(method, "GET") == 0) {
            curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        } else {
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        }
        CURLcode cc = curl_easy_perform(c);
        int retry = 0;
        if (cc == CURLE_OK) {
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
            if (resp->status >= 200 && resp->status < 300) {
                rc = LONGSD_OK;
                lserr_clear(err);
                break;
            }
            char ex[256];
            body_excerpt(&resp->body, ex, sizeof ex);
            rc = lserr_set(err, LONGSD_ERR_BACKEND, "%s %s: HTTP %ld%s%s", method, shown, resp->status,
                           ex[0] ? ": " : "", ex);
            retry = resp->should_retry >= 0 ? resp->should_retry : ls_http_status_retryable(resp->status);
        } else if (cc == CURLE_ABORTED_BY_CALLBACK) {
            rc = lserr_set(err, LONGSD_ERR_ABORTED, "%s %s: interrupted", method, shown);
            break;
        } else if (x.too_big || cc == CURLE_FILESIZE_EXCEEDED) {
            rc = lserr_set(err, LONGSD_ERR_TOO_BIG, "%s %s: reply over %zu bytes", method, shown, h->o.max_body);
            break;
        } else if (x.nomem) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            break;
        } else {
            /* libcurl says "Out of memory" when a server's header line passes
             * its limit (100 KB): that is the server's fault, not ours */
            const char *host = strstr(shown, "://");
            int origin = host ? (int)(host + 3 - shown) + (int)strcspn(host + 3, "/?#") : (int)strlen(shown);
            if (cc == CURLE_COULDNT_CONNECT) /* the usual cause: the server is not started */
                rc = lserr_set(err, LONGSD_ERR_NETWORK, "%s %s: " LS_HTTP_NOT_LISTENING "%.*s: is the server running?",
                               method, shown, origin, shown);
            else
                rc = lserr_set(err, cc == CURLE_OUT_OF_MEMORY ? LONGSD_ERR_BACKEND : LONGSD_ERR_NETWORK, "%s %s: %s",
                               method, shown,
                               cc == CURLE_OPERATION_TIMEDOUT ? "timed out"
                               : cc == CURLE_OUT_OF_MEMORY    ? "the reply's headers are too large or malformed"
                                                              : curl_easy_strerror(cc));
            retry = curl_transient(cc) && !(cc == CURLE_OPERATION_TIMEDOUT && h->o.no_retry_timeout);
        }
        resp->transient = retry;
        if (!retry || attempt >= h->o.max_retries)
            break;
        long wait = -1;
        if (resp->retry_after_ms >= 0 && resp->retry_after_ms <= h->o.retry_after_max_ms)
            wait = resp->retry_after_ms;
        if (wait < 0)
            wait = ls_http_backoff_ms(&h->o, attempt + 1, &h->rng);
        if (h->o.log_fn) {
            char m[1400];
            snprintf(m, sizeof m, "%s; retry %d of %d in %ld ms", err ? err->msg : "request failed", attempt + 1,
                     h->o.max_retries, wait);
            h->o.log_fn(h->o.log_user, LONGSD_LOG_INFO, m);
        }
        if (wait_ms(h, wait)) {
            rc = lserr_set(err, LONGSD_ERR_ABORTED, "%s %s: interrupted", method, shown);
            resp->transient = 0;
            break;
        }
    }
    resp->elapsed_s = now_s() - t0;
out:
    curl_slist_free_all(hl);
    return rc;
}
