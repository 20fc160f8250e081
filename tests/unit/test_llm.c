/* test_llm.c - the LLM backends against tests/servers/fake_llm.py, a
 * scripted OpenAI-compatible server on 127.0.0.1: replies valid, fenced,
 * wrapped in prose, cut off, refused, miscounted; 429 with Retry-After, 500,
 * stalls, resets, 50 MB bodies; the cache, chunking, secrets, and a run on
 * tests/corpus/en-twain1.txt. Every case starts its own server and
 * kills it on exit (the server also exits on its own after a minute). */
#include <ftw.h>
#include <jansson.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "llm.h"
#include "llm_cache.h"
#include "t.h"

#define KEY "sk-test-SECRET-7f3a9c1e"

static pid_t srv_pid = -1;

static void srv_kill(void)
{
    if (srv_pid > 0) {
        kill(srv_pid, SIGTERM);
        waitpid(srv_pid, NULL, 0);
        srv_pid = -1;
    }
}

typedef struct {
    int port;
    char log[300];
    char url[100];
} srv;

/* Start the fake server with a JSON script (NULL = answer everything). */
static srv srv_start(const char *script)
{
    srv s = {0};
    static int n;
    char sp[300], pf[300], logp[300];
    const char *d = t_tmpdir();
    snprintf(sp, sizeof sp, "%s/script%d.json", d, n);
    snprintf(pf, sizeof pf, "%s/port%d", d, n);
    snprintf(logp, sizeof logp, "%s/requests%d.jsonl", d, n);
    n++;
    t_write(sp, script ? script : "{}", strlen(script ? script : "{}"));
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    setenv("NO_PROXY", "127.0.0.1,localhost", 1);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execl("/usr/bin/python3", "python3", "tests/servers/fake_llm.py", "--script", sp, "--log", logp,
              "--port-file", pf, "--max-seconds", "90", (char *)NULL);
        _exit(127);
    }
    srv_pid = pid;
    atexit(srv_kill);
    for (int i = 0; i < 1000; i++) {
        char *p = t_slurp(pf, NULL);
        if (p) {
            s.port = atoi(p);
            free(p);
            break;
        }
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    REQUIRE(s.port > 0);
    snprintf(s.log, sizeof s.log, "%s", logp);
    snprintf(s.url, sizeof s.url, "http://127.0.0.1:%d/v1", s.port);
    return s;
}

/* ---- the request log */

typedef struct {
    json_t **req; /* {"t", "path", "auth", "body"} */
    size_t n;
} reqlog;

static reqlog log_read(const srv *s)
{
    reqlog l = {0};
    char *data = t_slurp(s->log, NULL);
    if (!data)
        return l;
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
        json_t *v = json_loads(line, 0, NULL);
        if (!v)
            continue;
        l.req = realloc(l.req, (l.n + 1) * sizeof *l.req);
        l.req[l.n++] = v;
    }
    free(data);
    return l;
}

static void log_free(reqlog *l)
{
    for (size_t i = 0; i < l->n; i++)
        json_decref(l->req[i]);
    free(l->req);
}

static const char *log_body(const reqlog *l, size_t i) { return json_string_value(json_object_get(l->req[i], "body")); }
static double log_t(const reqlog *l, size_t i) { return json_real_value(json_object_get(l->req[i], "t")); }

/* count and times of the requests whose body holds needle */
static size_t log_find(const reqlog *l, const char *needle, double *t, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < l->n; i++)
        if (strstr(log_body(l, i), needle)) {
            if (k < max)
                t[k] = log_t(l, i);
            k++;
        }
    return k;
}

/* ---- a story with three parts */

static longsd_story *story;
static ls_part *parts;
static size_t n_parts;

static void make_story(int n_paras)
{
    lsbuf b;
    lsbuf_init(&b, 0);
    lsbuf_adds(&b, "The Mill Stories\n\n");
    for (int i = 0; i < n_paras; i++)
        lsbuf_printf(&b,
                     "Para %d: Tom walked to the river with Becky near the old mill, far from town.\n"
                     "At ford %d the sun was low over Tom and the water shone like gold on the stones.\n"
                     "Aunt Polly called from porch %d of the white house for the boy again.\n\n",
                     i, i, i);
    longsd_story_params sp = longsd_story_default_params();
    lserr err = {0};
    REQUIRE(ls_story_ingest("mill.txt", b.data, b.len, &sp, &story, &err) == LONGSD_OK);
    lsbuf_free(&b);
    int fell = 0;
    REQUIRE(ls_split(story, 3, 0, &parts, &n_parts, &fell, &err) == LONGSD_OK);
    REQUIRE(n_parts == 3);
}

static longsd_llm_params params_for(const srv *s)
{
    longsd_llm_params p = longsd_llm_default_params();
    p.kind = "openai";
    p.url = s->url;
    p.model = "fake-model";
    p.api_key = KEY;
    p.no_cache = 1;
    p.timeout_ms = 5000;
    p.parallel = 3;
    return p;
}

static ls_llm *backend(const longsd_llm_params *p)
{
    ls_llm *b = NULL;
    lserr err = {0};
    REQUIRE(ls_llm_from_params(NULL, p, &b, &err) == LONGSD_OK);
    return b;
}

/* ideas for the three parts, 5 each */
static void run_ideas(ls_llm *b, ls_llm_part_result res[3], int k)
{
    lserr err = {0};
    memset(res, 0, 3 * sizeof *res);
    REQUIRE(b->ops->ideas(b, story, parts, n_parts, k, NULL, 0, res, &err) == LONGSD_OK);
}

static void clear3(ls_llm_part_result res[3])
{
    for (int i = 0; i < 3; i++)
        ls_llm_part_result_clear(&res[i]);
}

static void check_part_ok(const ls_llm_part_result *r, size_t pi, size_t k)
{
    CHECK_INT(r->rc, LONGSD_OK);
    if (r->error)
        fprintf(stderr, "  part %zu: %s\n", pi, r->error);
    CHECK_INT(r->n_ideas, k);
    for (size_t i = 0; i < r->n_ideas; i++) {
        const ls_idea *d = &r->ideas[i];
        CHECK(d->start >= parts[pi].start && d->end <= parts[pi].end && d->start < d->end);
        CHECK(d->title && d->title[0] && d->scene && d->scene[0] && d->quote && d->quote[0]);
        CHECK_INT(d->part, pi);
        char id[80];
        snprintf(id, sizeof id, "%s-%02zu", parts[pi].id, i + 1);
        CHECK_STR(d->id, id);
    }
}

/* ------------------------------------------------------------------------ */

TEST(valid_json_one_request_per_part)
{
    make_story(30);
    srv s = srv_start(NULL);
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    for (size_t i = 0; i < 3; i++) {
        check_part_ok(&res[i], i, 5);
        for (size_t j = 0; j < res[i].n_ideas; j++)
            CHECK_INT(res[i].anchor[j], LS_ANCHOR_EXACT);
        CHECK_INT(res[i].chunks, 1);
        CHECK_INT(res[i].requests, 1);
    }
    CHECK_INT(b->stats.requests, 3);
    CHECK_INT(b->stats.attempts, 3);
    reqlog l = log_read(&s);
    CHECK_INT(l.n, 3);
    /* each request carries its own part's text and no other part's */
    for (size_t i = 0; i < l.n; i++) {
        json_t *body = json_loads(log_body(&l, i), 0, NULL);
        REQUIRE(body);
        CHECK_STR(json_string_value(json_object_get(body, "model")), "fake-model");
        CHECK_STR(json_string_value(json_object_get(json_object_get(body, "response_format"), "type")),
                  "json_schema");
        const char *user = json_string_value(json_object_get(json_array_get(json_object_get(body, "messages"), 1),
                                                             "content"));
        REQUIRE(user);
        int mine = -1;
        for (int pi = 0; pi < 3; pi++) {
            char tag[32];
            snprintf(tag, sizeof tag, "Part %d of 3", pi + 1);
            if (strstr(user, tag))
                mine = pi;
        }
        REQUIRE(mine >= 0);
        for (size_t q = 0; q < story->n_paras; q++) {
            char tag[32];
            snprintf(tag, sizeof tag, "Para %zu:", q > 0 ? q - 1 : 0);
            if (q == 0)
                continue;
            int inside = story->paras[q].start >= parts[mine].start && story->paras[q].end <= parts[mine].end;
            CHECK_INT(strstr(user, tag) != NULL, inside);
        }
        CHECK(json_is_true(json_object_get(l.req[i], "auth")));
        json_decref(body);
    }
    log_free(&l);
    clear3(res);
    ls_llm_free(b);
}

static void run_all_with(const char *script, int want_anchor)
{
    make_story(30);
    srv s = srv_start(script);
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    for (size_t i = 0; i < 3; i++) {
        check_part_ok(&res[i], i, 5);
        for (size_t j = 0; j < res[i].n_ideas; j++)
            CHECK_INT(res[i].anchor[j], want_anchor);
    }
    CHECK_INT(b->stats.requests, 3);
    CHECK_INT(b->stats.corrective, 0);
    clear3(res);
    ls_llm_free(b);
}

TEST(fenced_json) { run_all_with("{\"default\": {\"auto\": true, \"fence\": true}}", LS_ANCHOR_EXACT); }
TEST(prose_around_json) { run_all_with("{\"default\": {\"auto\": true, \"prose\": true}}", LS_ANCHOR_EXACT); }
TEST(smart_quotes_trailing_comma) { run_all_with("{\"default\": {\"auto\": true, \"smart\": true}}", LS_ANCHOR_EXACT); }
TEST(tolerant_anchor) { run_all_with("{\"default\": {\"auto\": true, \"tweak_quote\": true}}", LS_ANCHOR_TOLERANT); }

TEST(unanchored_quotes_are_flagged)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 3 of 3\", \"times\": 5, "
                      "\"reply\": {\"auto\": true, \"bad_quote\": true}}]}");
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    check_part_ok(&res[2], 2, 5);
    for (size_t j = 0; j < res[2].n_ideas; j++) {
        CHECK_INT(res[2].anchor[j], LS_ANCHOR_NONE);
        CHECK_INT(res[2].ideas[j].start, parts[2].start); /* the chunk: the whole part here */
        CHECK_INT(res[2].ideas[j].end, parts[2].end);
    }
    CHECK_INT(res[2].n_notes, 5);
    CHECK_CONTAINS(res[2].notes[0], "end-01: the model's quote was not found in the text");
    CHECK_INT(res[0].anchor[0], LS_ANCHOR_EXACT);
    clear3(res);
    ls_llm_free(b);
}

TEST(truncated_length_gets_one_corrective_retry)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 2 of 3\", \"times\": 1, "
                      "\"reply\": {\"auto\": true, \"truncate\": true}}]}");
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    for (size_t i = 0; i < 3; i++)
        check_part_ok(&res[i], i, 5);
    CHECK_INT(b->stats.corrective, 1);
    CHECK_INT(res[1].requests, 2);
    reqlog l = log_read(&s);
    CHECK_INT(l.n, 4);
    double t[4];
    CHECK_INT(log_find(&l, "cut off at the token limit (finish_reason: length)", t, 4), 1);
    log_free(&l);
    clear3(res);
    ls_llm_free(b);
}

TEST(truncated_twice_fails_that_part_only)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 2 of 3\", \"times\": 9, "
                      "\"reply\": {\"auto\": true, \"truncate\": true}}]}");
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    check_part_ok(&res[0], 0, 5);
    check_part_ok(&res[2], 2, 5);
    CHECK_INT(res[1].rc, LONGSD_ERR_BACKEND);
    CHECK_INT(res[1].n_ideas, 0);
    CHECK_STR(res[1].error, "Middle: the reply was cut off at the token limit (finish_reason: length) (after a "
                            "corrective retry)");
    reqlog l = log_read(&s);
    CHECK_INT(l.n, 4);
    log_free(&l);
    clear3(res);
    ls_llm_free(b);
}

TEST(refusal_is_final)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 1 of 3\", \"times\": 9, "
                      "\"reply\": {\"refusal\": \"I can't help with that.\"}}]}");
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    CHECK_INT(res[0].rc, LONGSD_ERR_BACKEND);
    CHECK_STR(res[0].error, "Beginning: the model refused: I can't help with that.");
    check_part_ok(&res[1], 1, 5);
    check_part_ok(&res[2], 2, 5);
    CHECK_INT(b->stats.requests, 3); /* no retry of a refusal */
    clear3(res);
    ls_llm_free(b);
}

TEST(wrong_count_corrected)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 3 of 3\", \"times\": 1, "
                      "\"reply\": {\"auto\": true, \"count\": 3}}]}");
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    for (size_t i = 0; i < 3; i++)
        check_part_ok(&res[i], i, 5);
    CHECK_INT(b->stats.corrective, 1);
    reqlog l = log_read(&s);
    CHECK_INT(l.n, 4);
    double t[2];
    CHECK_INT(log_find(&l, "the reply has 3 ideas, exactly 5 were asked for", t, 2), 1);
    log_free(&l);
    clear3(res);
    ls_llm_free(b);
}

TEST(wrong_count_twice_is_a_clear_error)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 3 of 3\", \"times\": 9, "
                      "\"reply\": {\"auto\": true, \"count\": 3}}]}");
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    check_part_ok(&res[0], 0, 5);
    check_part_ok(&res[1], 1, 5);
    CHECK_STR(res[2].error, "End: the reply has 3 ideas, exactly 5 were asked for (after a corrective retry)");
    clear3(res);
    ls_llm_free(b);
}

TEST(http_429_retry_after_is_honoured)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 2 of 3\", \"times\": 1, \"reply\": {\"status\": 429, "
                      "\"headers\": {\"Retry-After\": \"1\"}}}, {\"match\": \"Part 3 of 3\", \"times\": 1, "
                      "\"reply\": {\"status\": 429, \"headers\": {\"retry-after-ms\": \"300\", \"Retry-After\": "
                      "\"30\"}}}]}");
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    for (size_t i = 0; i < 3; i++)
        check_part_ok(&res[i], i, 5);
    CHECK_INT(b->stats.requests, 3);
    CHECK_INT(b->stats.attempts, 5);
    reqlog l = log_read(&s);
    double t[4];
    REQUIRE(log_find(&l, "Part 2 of 3", t, 4) == 2);
    fprintf(stderr, "  Retry-After: 1 -> waited %.3f s\n", t[1] - t[0]);
    CHECK(t[1] - t[0] >= 0.95 && t[1] - t[0] < 3.0);
    REQUIRE(log_find(&l, "Part 3 of 3", t, 4) == 2);
    fprintf(stderr, "  retry-after-ms: 300 -> waited %.3f s\n", t[1] - t[0]);
    CHECK(t[1] - t[0] >= 0.28 && t[1] - t[0] < 1.5); /* retry-after-ms wins over Retry-After */
    log_free(&l);
    clear3(res);
    ls_llm_free(b);
}

TEST(http_429_retry_after_http_date)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 1 of 3\", \"times\": 1, \"reply\": {\"status\": 429, "
                      "\"retry_after_date_in\": 2}}]}");
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    for (size_t i = 0; i < 3; i++)
        check_part_ok(&res[i], i, 5);
    reqlog l = log_read(&s);
    double t[4];
    REQUIRE(log_find(&l, "Part 1 of 3", t, 4) == 2);
    fprintf(stderr, "  Retry-After: <date 2 s ahead> -> waited %.3f s\n", t[1] - t[0]);
    CHECK(t[1] - t[0] >= 0.9 && t[1] - t[0] < 3.5); /* whole seconds on both sides */
    log_free(&l);
    clear3(res);
    ls_llm_free(b);
}

TEST(x_should_retry_false_is_not_retried)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 2 of 3\", \"times\": 9, \"reply\": {\"status\": 503, "
                      "\"headers\": {\"x-should-retry\": \"false\"}}}]}");
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    CHECK_INT(res[1].rc, LONGSD_ERR_BACKEND);
    CHECK_CONTAINS(res[1].error, "HTTP 503");
    CHECK_INT(b->stats.attempts, 3);
    check_part_ok(&res[0], 0, 5);
    clear3(res);
    ls_llm_free(b);
}

TEST(http_500_then_success)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 1 of 3\", \"times\": 1, \"reply\": {\"status\": 500}}]}");
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    for (size_t i = 0; i < 3; i++)
        check_part_ok(&res[i], i, 5);
    CHECK_INT(b->stats.attempts, 4);
    reqlog l = log_read(&s);
    double t[4];
    REQUIRE(log_find(&l, "Part 1 of 3", t, 4) == 2);
    fprintf(stderr, "  500 -> backoff %.3f s\n", t[1] - t[0]);
    CHECK(t[1] - t[0] >= 0.3); /* 0.5 s less up to 25% jitter */
    log_free(&l);
    clear3(res);
    ls_llm_free(b);
}

TEST(http_500_always_gives_up_after_retries)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 1 of 3\", \"times\": 99, \"reply\": {\"status\": 503}}]}");
    longsd_llm_params p = params_for(&s);
    p.max_retries = 1;
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    char want[300];
    snprintf(want, sizeof want,
             "Beginning: POST %s/chat/completions: HTTP 503: {\"error\": {\"message\": \"scripted error 503\"}} "
             "(after 2 attempts)",
             s.url);
    CHECK_STR(res[0].error, want);
    check_part_ok(&res[1], 1, 5);
    check_part_ok(&res[2], 2, 5);
    clear3(res);
    ls_llm_free(b);
}

TEST(stall_past_timeout)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 2 of 3\", \"times\": 9, \"reply\": {\"stall\": 4}}]}");
    longsd_llm_params p = params_for(&s);
    p.timeout_ms = 600;
    p.max_retries = 1;
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run_ideas(b, res, 5);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double el = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    fprintf(stderr, "  stall: gave up after %.2f s\n", el);
    CHECK(el < 3.5);
    char want[300];
    snprintf(want, sizeof want, "Middle: POST %s/chat/completions: timed out (2 attempts)", s.url);
    CHECK_STR(res[1].error, want);
    CHECK_INT(res[1].rc, LONGSD_ERR_BACKEND);
    check_part_ok(&res[0], 0, 5);
    check_part_ok(&res[2], 2, 5);
    clear3(res);
    ls_llm_free(b);
}

TEST(connection_reset_is_retried)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 3 of 3\", \"times\": 1, \"reply\": {\"reset\": true}}]}");
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    for (size_t i = 0; i < 3; i++)
        check_part_ok(&res[i], i, 5);
    /* on a fresh connection http.c retries (4 attempts); on a kept-alive one
     * libcurl itself resends once on a new connection (3 attempts): either
     * way the server saw the request twice */
    CHECK(b->stats.attempts == 3 || b->stats.attempts == 4);
    reqlog l = log_read(&s);
    double t[4];
    CHECK_INT(log_find(&l, "Part 3 of 3", t, 4), 2);
    log_free(&l);
    clear3(res);
    ls_llm_free(b);
}

TEST(body_of_50_mb_is_refused)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 1 of 3\", \"times\": 9, \"reply\": {\"big\": 52428800}}]}");
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    char want[300];
    snprintf(want, sizeof want, "Beginning: POST %s/chat/completions: reply over 8388608 bytes", s.url);
    CHECK_STR(res[0].error, want);
    CHECK_INT(res[0].rc, LONGSD_ERR_BACKEND);
    check_part_ok(&res[1], 1, 5);
    check_part_ok(&res[2], 2, 5);
    CHECK_INT(b->stats.attempts, 3); /* not retried */
    clear3(res);
    ls_llm_free(b);
}

TEST(schema_rejected_falls_back)
{
    make_story(30);
    srv s = srv_start("{\"default\": {\"reject_format\": true}}");
    longsd_llm_params p = params_for(&s);
    p.parallel = 1;
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    for (size_t i = 0; i < 3; i++)
        check_part_ok(&res[i], i, 5);
    CHECK_INT(b->stats.fallbacks, 2);
    reqlog l = log_read(&s);
    double t[8];
    CHECK_INT(log_find(&l, "\"json_schema\"", t, 8), 3);  /* all three parts tried it */
    CHECK_INT(log_find(&l, "\"json_object\"", t, 8), 3);
    CHECK_INT(l.n, 9);
    log_free(&l);
    /* the step down sticks: the next call goes straight to plain text */
    clear3(res);
    run_ideas(b, res, 5);
    l = log_read(&s);
    CHECK_INT(l.n, 12);
    log_free(&l);
    clear3(res);
    ls_llm_free(b);
}

TEST(schema_rejected_with_500_like_llama_cpp_python)
{
    make_story(30);
    srv s = srv_start("{\"default\": {\"reject_format\": true, \"reject_status\": 500}}");
    longsd_llm_params p = params_for(&s);
    p.max_retries = 1;
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    for (size_t i = 0; i < 3; i++)
        check_part_ok(&res[i], i, 5);
    CHECK_INT(b->stats.fallbacks, 2);
    clear3(res);
    ls_llm_free(b);
}

static int found_key;
static int scan_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    if (flag != FTW_F)
        return 0;
    size_t n = 0;
    char *d = t_slurp(path, &n);
    if (d && memmem(d, n, KEY, strlen(KEY))) {
        fprintf(stderr, "  the key is in %s\n", path);
        found_key = 1;
    }
    free(d);
    return 0;
}

TEST(key_never_shown)
{
    make_story(30);
    srv s = srv_start("{\"default\": {\"status\": 401, \"echo_auth\": true}}");
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    for (int i = 0; i < 3; i++) {
        CHECK_INT(res[i].rc, LONGSD_ERR_BACKEND);
        CHECK_CONTAINS(res[i].error, "HTTP 401");
        CHECK_CONTAINS(res[i].error, "[redacted]");
        CHECK(!strstr(res[i].error, KEY));
    }
    CHECK_INT(b->stats.attempts, 3); /* 401 is not retried */
    clear3(res);
    ls_llm_free(b);
    nftw(t_tmpdir(), scan_file, 8, FTW_PHYS);
    CHECK(!found_key);
}

TEST(key_from_environment_and_optional)
{
    make_story(30);
    srv s = srv_start(NULL);
    longsd_llm_params p = params_for(&s);
    p.api_key = NULL;
    unsetenv("OPENAI_API_KEY");
    setenv("OPENAI_TOKEN", KEY, 1);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 1);
    clear3(res);
    ls_llm_free(b);
    unsetenv("OPENAI_TOKEN");
    b = backend(&p); /* a local server needs none */
    run_ideas(b, res, 1);
    check_part_ok(&res[0], 0, 1);
    clear3(res);
    ls_llm_free(b);
    reqlog l = log_read(&s);
    REQUIRE(l.n == 6);
    CHECK(json_is_true(json_object_get(l.req[0], "auth")));
    CHECK(json_is_false(json_object_get(l.req[5], "auth")));
    log_free(&l);
}

TEST(cache_second_run_sends_nothing)
{
    make_story(30);
    srv s = srv_start("{\"rules\": [{\"match\": \"Part 2 of 3\", \"times\": 1, "
                      "\"reply\": {\"auto\": true, \"count\": 4}}]}");
    longsd_llm_params p = params_for(&s);
    char dir[300];
    snprintf(dir, sizeof dir, "%s/cache", t_tmpdir());
    p.no_cache = 0;
    p.cache_dir = dir;
    ls_llm *b = backend(&p);
    ls_llm_part_result r1[3], r2[3];
    run_ideas(b, r1, 5);
    CHECK_INT(b->stats.requests, 4); /* 3 + a corrective one */
    ls_llm_free(b);
    b = backend(&p);
    run_ideas(b, r2, 5);
    CHECK_INT(b->stats.requests, 0);
    CHECK_INT(b->stats.cache_hits, 4);
    for (int i = 0; i < 3; i++) {
        REQUIRE(r1[i].n_ideas == r2[i].n_ideas);
        for (size_t j = 0; j < r1[i].n_ideas; j++) {
            CHECK_STR(r1[i].ideas[j].id, r2[i].ideas[j].id);
            CHECK_STR(r1[i].ideas[j].quote, r2[i].ideas[j].quote);
            CHECK_INT(r1[i].ideas[j].start, r2[i].ideas[j].start);
        }
    }
    reqlog l = log_read(&s);
    CHECK_INT(l.n, 4);
    log_free(&l);
    clear3(r1);
    clear3(r2);
    ls_llm_free(b);
    /* --no-cache asks again */
    p.no_cache = 1;
    b = backend(&p);
    run_ideas(b, r1, 5);
    CHECK_INT(b->stats.requests, 3);
    clear3(r1);
    ls_llm_free(b);
    nftw(t_tmpdir(), scan_file, 8, FTW_PHYS);
    CHECK(!found_key);
}

TEST(long_parts_are_chunked)
{
    make_story(120); /* ~28 KB: parts of ~9 KB against a 4096-token context */
    srv s = srv_start(NULL);
    longsd_llm_params p = params_for(&s);
    p.context = 4096;
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 5);
    for (size_t i = 0; i < 3; i++) {
        check_part_ok(&res[i], i, 5);
        CHECK(res[i].chunks > 1);
        fprintf(stderr, "  part %zu: %d chunks\n", i, res[i].chunks);
        for (size_t j = 1; j < res[i].n_ideas; j++)
            CHECK(res[i].ideas[j].start > res[i].ideas[j - 1].start);
    }
    reqlog l = log_read(&s);
    CHECK_INT(l.n, (size_t)(res[0].chunks + res[1].chunks + res[2].chunks));
    for (size_t i = 0; i < l.n; i++)
        CHECK(strlen(log_body(&l, i)) < 4096 * 3 + 4000);
    log_free(&l);
    clear3(res);
    ls_llm_free(b);
}

TEST(cast_descriptions)
{
    make_story(30);
    srv s = srv_start(NULL);
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_character *cast = NULL;
    size_t n = 0;
    lserr err = {0};
    REQUIRE(b->ops->cast(b, story, 24, &cast, &n, &err) == LONGSD_OK);
    REQUIRE(n >= 1);
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "  %s: %s\n", cast[i].name, cast[i].description);
        CHECK_STR(cast[i].description, "a person of about thirty, brown hair, plain linen clothes");
    }
    CHECK_INT(b->stats.requests, 1);
    /* ideas name the cast by its own names */
    ls_llm_part_result res[3] = {{0}};
    REQUIRE(b->ops->ideas(b, story, parts, n_parts, 2, cast, n, res, &err) == LONGSD_OK);
    CHECK(res[0].n_ideas == 2 && res[0].ideas[0].n_characters >= 1);
    clear3(res);
    ls_cast_free(cast, n);
    ls_llm_free(b);
}

TEST(prompt_writer)
{
    make_story(30);
    srv s = srv_start(NULL);
    longsd_llm_params p = params_for(&s);
    ls_llm *b = backend(&p);
    ls_llm_part_result res[3];
    run_ideas(b, res, 2);
    REQUIRE(res[0].n_ideas == 2);
    ls_styles *st = NULL;
    lserr err = {0};
    REQUIRE(ls_styles_new(&st, &err) == LONGSD_OK);
    const longsd_style *style = ls_styles_find(st, "artstation");
    REQUIRE(style);
    ls_prompt pr[2];
    longsd_status rcs[2];
    REQUIRE(b->ops->write_prompts(b, res[0].ideas, 2, NULL, 0, style, pr, rcs, &err) == LONGSD_OK);
    for (int i = 0; i < 2; i++) {
        CHECK_INT(rcs[i], LONGSD_OK);
        fprintf(stderr, "  %s (%d tokens)\n", pr[i].positive, pr[i].tokens);
        CHECK(pr[i].tokens <= 77);
        CHECK_CONTAINS(pr[i].positive, "A painting of this moment");
        ls_prompt_clear(&pr[i]);
    }
    ls_styles_free(st);
    clear3(res);
    ls_llm_free(b);
}

TEST(builtin_through_the_table)
{
    make_story(30);
    ls_llm *b = NULL;
    lserr err = {0};
    REQUIRE(ls_llm_from_params(NULL, NULL, &b, &err) == LONGSD_OK);
    CHECK_STR(b->ops->name, "builtin");
    CHECK(b->ops->write_prompts == NULL);
    ls_llm_part_result res[3];
    run_ideas(b, res, 3);
    for (size_t i = 0; i < 3; i++)
        CHECK(res[i].n_ideas >= 1 && res[i].n_ideas <= 3);
    clear3(res);
    ls_llm_free(b);
    longsd_llm_params p = longsd_llm_default_params();
    p.kind = "gpt3";
    CHECK_INT(ls_llm_from_params(NULL, &p, &b, &err), LONGSD_ERR_PARAM);
    CHECK_STR(err.msg, "--llm gpt3: unknown backend (use builtin or openai)");
    p.kind = "openai";
    p.url = "ftp://x";
    CHECK_INT(ls_llm_from_params(NULL, &p, &b, &err), LONGSD_ERR_PARAM);
}

TEST(parse_chat_envelopes)
{
    char *c, *r, fin[32];
    lserr err = {0};
    const char *ok = "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"{}\"}]},"
                     "\"finish_reason\":\"stop\"}]}";
    CHECK_INT(ls_llm_parse_chat(ok, strlen(ok), &c, &r, fin, &err), LONGSD_OK);
    CHECK_STR(c, "{}");
    CHECK_STR(fin, "stop");
    longsd__free(c);
    const char *e = "{\"error\": \"model 'x' not found\"}";
    CHECK_INT(ls_llm_parse_chat(e, strlen(e), &c, &r, fin, &err), LONGSD_ERR_BACKEND);
    CHECK_STR(err.msg, "the server reported an error: model 'x' not found");
    CHECK_INT(ls_llm_parse_chat("<html>", 6, &c, &r, fin, &err), LONGSD_ERR_BACKEND);
    CHECK_CONTAINS(err.msg, "not JSON");
}

TEST(parse_ideas_rejects_placeholders_and_duplicates)
{
    make_story(30);
    ls_idea *iv = NULL;
    int *an = NULL;
    size_t n = 0;
    lserr err = {0};
    const char *ph = "{\"ideas\": [{\"title\": \"a few words\", \"scene\": \"what the picture shows\", "
                     "\"characters\": [], \"quote\": \"words copied exactly from the text\"}]}";
    CHECK_INT(ls_llm_parse_ideas(story, 0, parts[0].start, parts[0].end, ph, strlen(ph), 1, NULL, 0, &iv, &an, &n,
                                 &err),
              LONGSD_ERR_BACKEND);
    CHECK_STR(err.msg, "ideas[0] repeats the example's placeholder text instead of the story's");
    const char *dup = "{\"ideas\": [{\"title\": \"Mill\", \"scene\": \"Tom at the mill\", \"characters\": [], "
                      "\"quote\": \"Para 0: Tom walked to the river\"}, {\"title\": \"Mill again\", \"scene\": "
                      "\"Tom by the river\", \"characters\": [\"Tom\"], \"quote\": \"with Becky near the old mill\"}]}";
    CHECK_INT(ls_llm_parse_ideas(story, 0, parts[0].start, parts[0].end, dup, strlen(dup), 2, NULL, 0, &iv, &an, &n,
                                 &err),
              LONGSD_ERR_BACKEND);
    CHECK_STR(err.msg, "ideas[1] illustrates the same passage as ideas[0]");
    const char *bad = "{\"ideas\": [{\"title\": \"\", \"scene\": \"x\", \"characters\": [], \"quote\": \"y\"}]}";
    CHECK_INT(ls_llm_parse_ideas(story, 0, parts[0].start, parts[0].end, bad, strlen(bad), 1, NULL, 0, &iv, &an, &n,
                                 &err),
              LONGSD_ERR_BACKEND);
    CHECK_STR(err.msg, "ideas[0].title: empty");
    const char *nochar = "{\"ideas\": [{\"title\": \"t\", \"scene\": \"x\", \"characters\": 3, \"quote\": \"y\"}]}";
    CHECK_INT(ls_llm_parse_ideas(story, 0, parts[0].start, parts[0].end, nochar, strlen(nochar), 1, NULL, 0, &iv, &an,
                                 &n, &err),
              LONGSD_ERR_BACKEND);
    CHECK_STR(err.msg, "ideas[0].characters: not an array of names");
}

TEST(allocation_failures)
{
    make_story(30);
    const char *reply = "Here: ```json\n{\"ideas\": [{\"title\": \"Mill\", \"scene\": \"Tom at the mill\", "
                        "\"characters\": [\"Tom\", \"Becky\"], \"quote\": \"Para 0: Tom walked to the river\"}, "
                        "{\"title\": \"Ford\", \"scene\": \"gold water\", \"characters\": [], \"quote\": "
                        "\"at FORD 1 the sun was low over tom\"},]}\n```";
    int ok = 0;
    for (long k = 0; k < 400 && !ok; k++) {
        ls_idea *iv = NULL;
        int *an = NULL;
        size_t n = 0;
        lserr err = {0};
        longsd__alloc_fail_after = k;
        longsd_status rc = ls_llm_parse_ideas(story, 0, parts[0].start, parts[0].end, reply, strlen(reply), 2, NULL,
                                              0, &iv, &an, &n, &err);
        longsd__alloc_fail_after = -1;
        CHECK(rc == LONGSD_OK || rc == LONGSD_ERR_NOMEM || rc == LONGSD_ERR_BACKEND);
        if (rc == LONGSD_OK) {
            ok = 1;
            CHECK_INT(n, 2);
            CHECK_INT(an[1], LS_ANCHOR_TOLERANT);
            ls_ideas_free(iv, n);
            longsd__free(an);
        }
    }
    CHECK(ok);
}

TEST(spread_picks_in_order)
{
    ls_idea c[10];
    memset(c, 0, sizeof c);
    for (int i = 0; i < 10; i++) {
        c[i].start = (size_t)i * 100;
        c[i].end = c[i].start + 50;
    }
    size_t sel[3];
    ls_llm_spread(c, 10, 3, 0, 1000, sel);
    CHECK_INT(sel[0], 1);
    CHECK_INT(sel[1], 5);
    CHECK_INT(sel[2], 8);
    ls_llm_spread(c, 10, 10, 0, 1000, (size_t[10]){0});
}

/* The acceptance run: en-twain1 against the fake server. */
TEST(twain_run)
{
    const char *path = "tests/corpus/en-twain1.txt";
    char *data = NULL;
    size_t n = 0;
    lserr err = {0};
    /* tests/corpus is part of the repo: a missing file is a failure */
    if (lsfile_read(path, (size_t)64 << 20, &data, &n, &err) != LONGSD_OK)
        fprintf(stderr, "  %s\n", err.msg);
    REQUIRE(data != NULL);
    longsd_story_params sp = longsd_story_default_params();
    REQUIRE(ls_story_ingest("en-twain1.txt", data, n, &sp, &story, &err) == LONGSD_OK);
    longsd__free(data);
    int fell = 0;
    REQUIRE(ls_split(story, 3, 0, &parts, &n_parts, &fell, &err) == LONGSD_OK);
    srv s = srv_start(NULL);
    longsd_llm_params p = params_for(&s);
    char dir[300];
    snprintf(dir, sizeof dir, "%s/cache", t_tmpdir());
    p.no_cache = 0;
    p.cache_dir = dir;
    p.parallel = 4;
    ls_llm *b = backend(&p);
    ls_character *cast = NULL;
    size_t n_cast = 0;
    REQUIRE(b->ops->cast(b, story, 24, &cast, &n_cast, &err) == LONGSD_OK);
    ls_llm_part_result res[3];
    memset(res, 0, sizeof res);
    REQUIRE(b->ops->ideas(b, story, parts, n_parts, 5, cast, n_cast, res, &err) == LONGSD_OK);
    int chunks = 0;
    for (size_t i = 0; i < 3; i++) {
        check_part_ok(&res[i], i, 5);
        chunks += res[i].chunks;
        for (size_t j = 0; j < res[i].n_ideas; j++)
            CHECK(res[i].anchor[j] != LS_ANCHOR_NONE);
    }
    reqlog l = log_read(&s);
    size_t bytes = 0;
    for (size_t i = 0; i < l.n; i++)
        bytes += strlen(log_body(&l, i));
    fprintf(stderr, "  en-twain1: %zu bytes of text, %zu cast, %d chunks, %zu requests, %zu bytes sent (%.3fx)\n",
            story->len, n_cast, chunks, l.n, bytes, (double)bytes / (double)story->len);
    CHECK_INT(l.n, (size_t)chunks + 1); /* one per chunk, one for the cast */
    CHECK((double)bytes <= 1.3 * (double)story->len);
    /* every ideas request holds only its own part's text */
    for (size_t i = 0; i < l.n; i++) {
        json_t *body = json_loads(log_body(&l, i), 0, NULL);
        const char *user = json_string_value(
            json_object_get(json_array_get(json_object_get(body, "messages"), 1), "content"));
        const char *text = user ? strstr(user, "TEXT:\n") : NULL;
        int pi = -1;
        for (int k = 0; user && k < 3; k++) {
            char tag[32];
            snprintf(tag, sizeof tag, "Part %d of 3", k + 1);
            if (strstr(user, tag))
                pi = k;
        }
        if (text && pi >= 0) {
            text += 6;
            /* its first and last paragraphs come from inside the part */
            const char *last = text;
            for (const char *q = strstr(text, "\n\n"); q; q = strstr(q + 2, "\n\n"))
                last = q + 2;
            char probe[61], probe2[61];
            snprintf(probe, sizeof probe, "%.*s", (int)strcspn(text, "\n"), text);
            snprintf(probe2, sizeof probe2, "%.*s", (int)strcspn(last, "\n"), last);
            char *pt = ls_story_text(story, parts[pi].start, parts[pi].end);
            CHECK(pt && strstr(pt, probe));
            CHECK(pt && strstr(pt, probe2));
            if (!pt || !strstr(pt, probe) || !strstr(pt, probe2))
                fprintf(stderr, "  not in part %d: [%s] [%s]\n", pi, probe, probe2);
            for (int k = 0; k < 3; k++) {
                if (k == pi || strlen(probe) < 40)
                    continue;
                char *ot = ls_story_text(story, parts[k].start, parts[k].end);
                CHECK(!strstr(ot, probe));
                longsd__free(ot);
            }
            longsd__free(pt);
        }
        json_decref(body);
    }
    log_free(&l);
    ls_llm_free(b);
    /* a second run sends nothing and gives the same ideas */
    b = backend(&p);
    ls_character *cast2 = NULL;
    size_t n_cast2 = 0;
    REQUIRE(b->ops->cast(b, story, 24, &cast2, &n_cast2, &err) == LONGSD_OK);
    ls_llm_part_result res2[3];
    memset(res2, 0, sizeof res2);
    REQUIRE(b->ops->ideas(b, story, parts, n_parts, 5, cast2, n_cast2, res2, &err) == LONGSD_OK);
    CHECK_INT(b->stats.requests, 0);
    for (size_t i = 0; i < 3; i++) {
        REQUIRE(res2[i].n_ideas == res[i].n_ideas);
        for (size_t j = 0; j < res[i].n_ideas; j++)
            CHECK_INT(res2[i].ideas[j].start, res[i].ideas[j].start);
    }
    l = log_read(&s);
    CHECK_INT(l.n, (size_t)chunks + 1);
    log_free(&l);
    clear3(res);
    clear3(res2);
    ls_cast_free(cast, n_cast);
    ls_cast_free(cast2, n_cast2);
    ls_llm_free(b);
    nftw(t_tmpdir(), scan_file, 8, FTW_PHYS);
    CHECK(!found_key);
}

RUN_TESTS(valid_json_one_request_per_part, fenced_json, prose_around_json, smart_quotes_trailing_comma,
          tolerant_anchor, unanchored_quotes_are_flagged, truncated_length_gets_one_corrective_retry,
          truncated_twice_fails_that_part_only, refusal_is_final, wrong_count_corrected,
          wrong_count_twice_is_a_clear_error, http_429_retry_after_is_honoured, http_429_retry_after_http_date,
          x_should_retry_false_is_not_retried, http_500_then_success,
          http_500_always_gives_up_after_retries, stall_past_timeout, connection_reset_is_retried,
          body_of_50_mb_is_refused, schema_rejected_falls_back, schema_rejected_with_500_like_llama_cpp_python, key_never_shown, key_from_environment_and_optional,
          cache_second_run_sends_nothing, long_parts_are_chunked, cast_descriptions, prompt_writer,
          builtin_through_the_table, parse_chat_envelopes, parse_ideas_rejects_placeholders_and_duplicates,
          allocation_failures, spread_picks_in_order, twain_run)
