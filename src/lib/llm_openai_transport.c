/* llm_openai_transport.c - the job runner of the OpenAI-compatible
 * backend: a round of independent chat jobs answered from the cache, the
 * rest by p.parallel worker threads, each with its own libcurl handle
 * (http.c does timeouts, capped bodies, retries with backoff); a server that
 * rejects response_format steps the mode down for the backend's life. */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "anchor.h"
#include "http.h"
#include "llm_json.h"
#include "llm_openai_int.h"
#include "redact.h"

const char *const oa_mode_name[3] = {"json_schema", "json_object", "plain text"};

typedef struct {
    oa *b;
    job **jobs;     /* the ones that need the network */
    char **bodies;
    size_t n;
    size_t next;
    pthread_mutex_t mu;
    size_t bytes_sent;
    int attempts;
} pool;

static void run_one(pool *pl, ls_http *h, job *j, const char *body)
{
    oa *b = pl->b;
    const char *hdrs[4] = {"Content-Type: application/json", "Accept: application/json", b->auth, NULL};
    ls_http_resp resp;
    ls_http_resp_init(&resp);
    lserr err = {0};
    longsd_status rc = ls_http_request(h, "POST", b->chat_url, hdrs, body, strlen(body), &resp, &err);
    j->attempts = resp.attempts;
    j->status = resp.status;
    /* a server that does not do structured output says so with 400 or 422
     * (OpenAI, vLLM), or with 500 and a validation message naming the field
     * (llama-cpp-python) */
    if (rc == LONGSD_ERR_BACKEND && b->mode < MODE_TEXT && resp.status >= 400) {
        int names_it = resp.body.data && (strstr(resp.body.data, "response_format") ||
                                          strstr(resp.body.data, "json_schema") ||
                                          strstr(resp.body.data, "json_object"));
        if (resp.status == 400 || resp.status == 422 || names_it)
            j->format_rejected = 1;
    }
    if (rc == LONGSD_OK) {
        rc = ls_llm_parse_chat(resp.body.data ? resp.body.data : "", resp.body.len, &j->content, &j->refusal,
                               j->finish, &err);
    } else if (rc == LONGSD_ERR_NETWORK && resp.attempts > 1) {
        size_t l = strlen(err.msg);
        snprintf(err.msg + l, sizeof err.msg - l, " (%d attempts)", resp.attempts);
    } else if (rc == LONGSD_ERR_BACKEND && resp.attempts > 1) {
        size_t l = strlen(err.msg);
        snprintf(err.msg + l, sizeof err.msg - l, " (after %d attempts)", resp.attempts);
    }
    j->rc = rc;
    snprintf(j->err, sizeof j->err, "%s", rc ? err.msg : "");
    oa_scrub(b, j->err);
    ls_http_resp_free(&resp);
}

static void *worker(void *arg)
{
    pool *pl = arg;
    ls_http_opts o = ls_http_default_opts();
    o.connect_timeout_ms = pl->b->p.connect_timeout_ms;
    o.timeout_ms = pl->b->p.timeout_ms;
    o.max_body = pl->b->p.max_reply_bytes;
    o.max_retries = pl->b->p.max_retries;
    if (pl->b->base.ctx) {
        o.abort_fn = pl->b->base.ctx->abort_fn;
        o.abort_user = pl->b->base.ctx->abort_user;
    }
    ls_http *h = ls_http_new(&o);
    for (;;) {
        pthread_mutex_lock(&pl->mu);
        size_t i = pl->next < pl->n ? pl->next++ : (size_t)-1;
        pthread_mutex_unlock(&pl->mu);
        if (i == (size_t)-1)
            break;
        job *j = pl->jobs[i];
        if (!h) {
            j->rc = LONGSD_ERR_NOMEM;
            snprintf(j->err, sizeof j->err, "out of memory (HTTP client)");
            continue;
        }
        run_one(pl, h, j, pl->bodies[i]);
        pthread_mutex_lock(&pl->mu);
        pl->attempts += j->attempts;
        pl->bytes_sent += strlen(pl->bodies[i]) * (size_t)(j->attempts ? j->attempts : 1);
        pthread_mutex_unlock(&pl->mu);
    }
    ls_http_free(h);
    return NULL;
}

/* Run a round: cache first, then the network with p.parallel threads;
 * response_format rejections step the mode down and run those jobs again. */
longsd_status oa_run_round(oa *b, job **jobs, size_t n, lserr *err)
{
    longsd_status rc = LONGSD_OK;
    job **net = longsd__calloc(n ? n : 1, sizeof *net);
    char **bodies = longsd__calloc(n ? n : 1, sizeof *bodies);
    char (*keys)[65] = longsd__calloc(n ? n : 1, 65);
    if (!net || !bodies || !keys) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        oa_job_reset(jobs[i]);
    size_t pending = n;
    job **todo = jobs;
    while (pending) {
        size_t nn = 0;
        int mode = b->mode;
        for (size_t i = 0; i < pending; i++) {
            job *j = todo[i];
            char *body = oa_job_body(b, j, mode);
            if (!body) {
                rc = lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
                goto out_bodies;
            }
            char key[65];
            ls_llm_cache_key(b->chat_url, b->model, body, strlen(body), key);
            if (ls_llm_cache_get(&b->cache, key, &j->content, j->finish)) {
                j->from_cache = 1;
                b->base.stats.cache_hits++;
                longsd__free(body);
                continue;
            }
            net[nn] = j;
            bodies[nn] = body;
            memcpy(keys[nn], key, 65);
            nn++;
        }
        if (nn) {
            if (b->base.ctx && longsd__aborted(b->base.ctx)) {
                rc = lserr_set(err, LONGSD_ERR_ABORTED, "aborted");
                goto out_bodies;
            }
            pool pl = {.b = b, .jobs = net, .bodies = bodies, .n = nn};
            pthread_mutex_init(&pl.mu, NULL);
            int nt = b->p.parallel < 1 ? 1 : b->p.parallel > 32 ? 32 : b->p.parallel;
            if ((size_t)nt > nn)
                nt = (int)nn;
            pthread_t th[32];
            int started = 0;
            for (int t = 1; t < nt; t++) {
                if (pthread_create(&th[started], NULL, worker, &pl) != 0)
                    break;
                started++;
            }
            worker(&pl); /* this thread works too */
            for (int t = 0; t < started; t++)
                pthread_join(th[t], NULL);
            pthread_mutex_destroy(&pl.mu);
            b->base.stats.requests += (int)nn;
            b->base.stats.attempts += pl.attempts;
            b->base.stats.bytes_sent += pl.bytes_sent;
        }
        /* keep good replies; gather the format rejections */
        size_t again = 0;
        for (size_t i = 0; i < nn; i++) {
            job *j = net[i];
            if (j->format_rejected) { /* asked again below, one step down; todo reuses the caller's array */
                todo[again++] = j;
                continue;
            }
            if (j->rc == LONGSD_OK && j->content && !j->refusal && strcmp(j->finish, "length") != 0)
                ls_llm_cache_put(&b->cache, keys[i], j->content, j->finish);
            if (j->attempts > 1)
                longsd__log(b->base.ctx, LONGSD_LOG_INFO, "LLM request needed %d attempts", j->attempts);
        }
        for (size_t i = 0; i < nn; i++)
            longsd__free(bodies[i]);
        if (again) {
            if (b->mode >= MODE_TEXT) {
                pending = 0;
                break;
            }
            b->mode++;
            b->base.stats.fallbacks++;
            longsd__log(b->base.ctx, LONGSD_LOG_WARN,
                        "%s rejected response_format %s; falling back to %s output", b->base_url,
                        oa_mode_name[mode],
                        oa_mode_name[b->mode]);
            for (size_t i = 0; i < again; i++)
                oa_job_reset(todo[i]);
        }
        pending = again;
        continue;
    out_bodies:
        for (size_t i = 0; i < nn; i++)
            longsd__free(bodies[i]);
        goto out;
    }
out:
    longsd__free(net);
    longsd__free(bodies);
    longsd__free(keys);
    return rc;
}

/* What is wrong with a job's reply before its content is read: a transport
 * error (final), a refusal (final), a cut-off reply (correctable). */
int oa_job_problem(const job *j, char *why, size_t why_size, int *final)
{
    *final = 0;
    if (j->rc) {
        snprintf(why, why_size, "%s", j->err);
        *final = 1;
        return 1;
    }
    if (j->refusal) {
        /* the refusal is the server's text: redact all of it before the cut */
        char *r = longsd__redact_dup(j->refusal);
        snprintf(why, why_size, "the model refused: %.300s", r ? r : "(out of memory)");
        longsd__free(r);
        *final = 1;
        return 1;
    }
    if (strcmp(j->finish, "length") == 0) {
        snprintf(why, why_size, "the reply was cut off at the token limit (finish_reason: length)");
        return 1;
    }
    return 0;
}

