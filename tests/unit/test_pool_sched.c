/* test_pool_sched.c - the pool's scheduling rules, each asserted as an
 * exact count on small runs against fake servers (tests/servers/fake_sd.py)
 * with one request in flight per backend and no HTTP-level retries, so a
 * backend that always fails fails in milliseconds while the good one takes
 * a fixed delay per image:
 * - set-aside: a backend is set aside after exactly max_failures failures
 *   in a row (the threshold has set_aside_after_exactly_max_failures to
 *   itself), and a success in between starts the count again;
 * - retry eligibility: a job is never offered again to a backend that
 *   failed it while another live backend has not tried it;
 * - a job every live backend failed is offered again, up to max_attempts
 *   (default 2 + backends) and not one attempt more;
 * - failover order: a retried job goes to the front of the queue;
 * - when the last backend is set aside, the queued jobs fail at once with
 *   "no backend left";
 * - a job a backend cannot draw (it refuses the job, not the work) is
 *   offered to each backend once and counts against none. */
#include "plan.h"
#include "pool.h"
#include "png_write.h"
#include "t.h"
#include "t_srv.h"

static longsd_plan *plan_of(size_t n)
{
    alarm(60); /* every case makes a plan first: a scheduling bug that hangs fails in a minute */
    longsd_plan *p = ls_plan_new();
    REQUIRE(p);
    p->name = longsd__strdup("sched");
    p->ideas = longsd__calloc(n, sizeof *p->ideas);
    p->n_ideas = n;
    p->parts = longsd__calloc(1, sizeof *p->parts);
    p->n_parts = 1;
    p->parts[0].id = longsd__strdup("all");
    p->parts[0].label = longsd__strdup("All");
    for (size_t i = 0; i < n; i++) {
        ls_plan_idea *pi = &p->ideas[i];
        snprintf(pi->idea.id, sizeof pi->idea.id, "all-%02zu", i + 1);
        pi->idea.title = longsd__strdup("a fence");
        char buf[64];
        snprintf(buf, sizeof buf, "prompt number %zu, a fence", i);
        pi->prompt = longsd__strdup(buf);
        pi->negative = longsd__strdup("");
        pi->seed = 10 + (uint32_t)i;
        pi->width = 64;
        pi->height = 64;
        pi->steps = 4;
        pi->cfg_scale = 7.0f;
        pi->sampler = longsd__strdup("Euler a");
    }
    return p;
}

static longsd_render_params sched_params(const longsd_backend_spec *b, size_t nb, int max_failures)
{
    longsd_render_params p = longsd_render_default_params();
    p.backends = b;
    p.n_backends = nb;
    p.per_backend = 1;
    p.timeout_s = 5.0;
    p.connect_timeout_s = 1.0;
    p.retries = 0;
    p.backoff_s = 0.01;
    p.max_image_bytes = 200000;
    p.max_failures = max_failures;
    return p;
}

typedef struct {
    longsd_backend_progress bp[4];
    size_t nb;
    int set_aside_events;
} prog;

static void on_progress(void *user, const longsd_render_progress *r)
{
    prog *g = user;
    g->nb = r->n_backends < 4 ? r->n_backends : 4;
    for (size_t i = 0; i < g->nb; i++)
        g->bp[i] = r->backends[i];
    g->set_aside_events += r->event && strncmp(r->event, "set aside ", 10) == 0;
}

/* Prompt numbers a server rendered, in order; returns how many. */
static size_t served(const t_srv *s, int *order, size_t max)
{
    char *text = t_slurp(s->log, NULL);
    size_t n = 0;
    for (char *p = text; p && n < max && (p = strstr(p, "prompt number ")); p++)
        order[n++] = atoi(p + 14);
    free(text);
    return n;
}

static t_srv failing(const char *log) { return t_srv_start("tests/servers/fake_sd.py", log, (const char *[]){"--fault", "status", NULL}); }
static t_srv good(const char *log, const char *delay)
{
    return t_srv_start("tests/servers/fake_sd.py", log, (const char *[]){"--delay", delay, NULL});
}

TEST(set_aside_after_exactly_max_failures)
{
    for (int mf = 1; mf <= 3; mf++) {
        t_srv f = failing("f.log"), g = good("g.log", "0.3");
        longsd_backend_spec b[2] = {{.kind = "a1111", .url = f.url}, {.kind = "a1111", .url = g.url}};
        longsd_render_params p = sched_params(b, 2, mf);
        longsd_ctx *ctx = longsd_ctx_new();
        longsd_plan *plan = plan_of(5);
        prog pg = {0};
        char ws[400]; /* a workspace per round: a resumed run would render nothing */
        snprintf(ws, sizeof ws, "%s/mf%d", t_tmpdir(), mf);
        CHECK_INT(longsd_render_plan(ctx, plan, ws, &p, on_progress, &pg), LONGSD_OK);
        /* the failing one fails fast, so it meets mf distinct jobs before
         * the slow good one has finished its first: set aside at mf */
        CHECK_INT(pg.bp[0].failures, mf);
        CHECK_INT(pg.bp[0].set_aside, 1);
        CHECK_INT(pg.bp[0].done, 0);
        CHECK_INT(pg.set_aside_events, 1);
        CHECK_INT(pg.bp[1].done, 5);
        CHECK_INT(pg.bp[1].set_aside, 0);
        int order[16];
        CHECK_INT(served(&g, order, 16), 5);
        longsd_plan_free(plan);
        longsd_ctx_free(ctx);
        t_srv_stop(&f);
        t_srv_stop(&g);
        unlink(f.log);
        unlink(g.log);
    }
}

TEST(default_sets_aside_after_two_failed_jobs)
{
    /* issue 9: a silent server cost 9 timeouts per job, then 3 (one per job
     * x max_failures 3); the default is now 2 jobs in a row */
    int mf = longsd_render_default_params().max_failures;
    CHECK_INT(mf, 2);
    t_srv f = failing("f.log"), g = good("g.log", "0.3");
    longsd_backend_spec b[2] = {{.kind = "a1111", .url = f.url}, {.kind = "a1111", .url = g.url}};
    longsd_render_params p = sched_params(b, 2, mf);
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *plan = plan_of(5);
    prog pg = {0};
    CHECK_INT(longsd_render_plan(ctx, plan, t_tmpdir(), &p, on_progress, &pg), LONGSD_OK);
    CHECK_INT(pg.bp[0].failures, 2);
    CHECK_INT(pg.bp[0].set_aside, 1);
    CHECK_INT(pg.bp[1].done, 5);
    longsd_plan_free(plan);
    longsd_ctx_free(ctx);
    t_srv_stop(&f);
    t_srv_stop(&g);
}

TEST(failed_job_not_offered_again_to_its_backend)
{
    /* never set aside (max_failures 100): the failing backend tries every
     * job it can get, once; each then goes to the good one */
    t_srv f = failing("f.log"), g = good("g.log", "0.2");
    longsd_backend_spec b[2] = {{.kind = "a1111", .url = f.url}, {.kind = "a1111", .url = g.url}};
    longsd_render_params p = sched_params(b, 2, 100);
    longsd_ctx *ctx = longsd_ctx_new();
    const size_t n = 4;
    longsd_plan *plan = plan_of(n);
    prog pg = {0};
    CHECK_INT(longsd_render_plan(ctx, plan, t_tmpdir(), &p, on_progress, &pg), LONGSD_OK);
    for (size_t i = 0; i < n; i++) {
        longsd_idea_info info;
        longsd_plan_idea(plan, i, &info);
        CHECK_INT(info.image_state, LONGSD_IMAGE_DONE);
    }
    /* the good one took the first job at once; the failing one failed some
     * of the other three (how many depends on who is quicker to the queue),
     * each once: a job failed on it twice would have run out of attempts */
    CHECK(pg.bp[0].failures >= 1 && pg.bp[0].failures <= n - 1);
    CHECK_INT(pg.bp[0].set_aside, 0);
    CHECK_INT(pg.bp[1].done, n);
    int order[16];
    CHECK_INT(served(&g, order, 16), n);
    longsd_plan_free(plan);
    longsd_ctx_free(ctx);
    t_srv_stop(&f);
    t_srv_stop(&g);
}

TEST(a_job_a_backend_cannot_draw_fails_without_blaming_it)
{
    /* an img2img job on servers that cannot start from an image: each
     * says so once (no second try where the answer would be the same),
     * the job fails with both reasons, each said once, and neither
     * backend is set aside or counted as failing: the other jobs are
     * drawn, even with max_failures 1 */
    t_srv g1 = good("g1.log", "0.05"), g2 = good("g2.log", "0.05");
    longsd_backend_spec b[2] = {{.kind = "a1111", .url = g1.url}, {.kind = "a1111", .url = g2.url}};
    longsd_render_params p = sched_params(b, 2, 1);
    longsd_ctx *ctx = longsd_ctx_new();
    const size_t n = 4;
    longsd_plan *plan = plan_of(n);
    uint8_t rgb[64 * 64 * 3] = {0}, *png = NULL;
    size_t npng = 0;
    REQUIRE(ls_png_encode_rgb(rgb, 64, 64, &png, &npng, NULL) == LONGSD_OK);
    char path[400];
    snprintf(path, sizeof path, "%s/first.png", t_tmpdir());
    t_write(path, png, npng);
    longsd__free(png);
    plan->ideas[1].init_image = longsd__strdup("first.png");
    plan->ideas[1].strength = 0.6;
    prog pg = {0};
    CHECK(longsd_render_plan(ctx, plan, t_tmpdir(), &p, on_progress, &pg) != LONGSD_OK);
    for (size_t i = 0; i < n; i++) {
        longsd_idea_info info;
        longsd_plan_idea(plan, i, &info);
        CHECK_INT(info.image_state, i == 1 ? LONGSD_IMAGE_FAILED : LONGSD_IMAGE_DONE);
        if (i != 1)
            continue;
        const char *e = info.image_error;
        CHECK_CONTAINS(e, "cannot start from an init image");
        const char *first = strstr(e, "cannot start");
        const char *second = first ? strstr(first + 1, "cannot start") : NULL;
        CHECK(second != NULL);                                       /* once per backend... */
        CHECK(second && !strstr(second + 1, "cannot start")); /* ...and no more */
    }
    CHECK_INT(pg.set_aside_events, 0);
    CHECK_INT(pg.bp[0].failures + pg.bp[1].failures, 0);
    CHECK_INT(pg.bp[0].done + pg.bp[1].done, n - 1);
    longsd_plan_free(plan);
    longsd_ctx_free(ctx);
    t_srv_stop(&g1);
    t_srv_stop(&g2);
}

TEST(attempts_across_the_pool_are_capped)
{
    /* one backend, always failing, never set aside: the job every live
     * backend failed is offered again, 2 + 1 = 3 attempts in all */
    t_srv f = failing("f.log");
    longsd_backend_spec b[1] = {{.kind = "a1111", .url = f.url}};
    longsd_render_params p = sched_params(b, 1, 100);
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *plan = plan_of(1);
    prog pg = {0};
    CHECK_INT(longsd_render_plan(ctx, plan, t_tmpdir(), &p, on_progress, &pg), LONGSD_ERR_BACKEND);
    CHECK_INT(pg.bp[0].failures, 3);
    longsd_idea_info info;
    longsd_plan_idea(plan, 0, &info);
    CHECK_INT(info.image_state, LONGSD_IMAGE_FAILED);
    CHECK_CONTAINS(info.image_error, "HTTP 500");
    longsd_plan_free(plan);
    /* and max_attempts, when given, is the cap */
    p.max_attempts = 2;
    plan = plan_of(1);
    memset(&pg, 0, sizeof pg);
    char ws[400];
    snprintf(ws, sizeof ws, "%s/again", t_tmpdir());
    CHECK_INT(longsd_render_plan(ctx, plan, ws, &p, on_progress, &pg), LONGSD_ERR_BACKEND);
    CHECK_INT(pg.bp[0].failures, 2);
    longsd_plan_free(plan);
    longsd_ctx_free(ctx);
    t_srv_stop(&f);
}

TEST(failed_once_then_fine_is_retried_on_the_same_backend)
{
    /* the only backend fails its first render: the job is offered to it
     * again (every live backend failed it) and then done */
    t_srv f = t_srv_start("tests/servers/fake_sd.py", "f.log", (const char *[]){"--fault", "status", "--fault-count", "1", NULL});
    longsd_backend_spec b[1] = {{.kind = "a1111", .url = f.url}};
    longsd_render_params p = sched_params(b, 1, 100);
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *plan = plan_of(2);
    prog pg = {0};
    CHECK_INT(longsd_render_plan(ctx, plan, t_tmpdir(), &p, on_progress, &pg), LONGSD_OK);
    CHECK_INT(pg.bp[0].failures, 1);
    CHECK_INT(pg.bp[0].done, 2);
    longsd_plan_free(plan);
    longsd_ctx_free(ctx);
    t_srv_stop(&f);
}

TEST(retried_job_goes_to_the_front_of_the_queue)
{
    /* the failing backend is set aside at its first failure; the job it
     * failed is the good one's very next, before the jobs still queued */
    t_srv f = failing("f.log"), g = good("g.log", "0.5");
    longsd_backend_spec b[2] = {{.kind = "a1111", .url = f.url}, {.kind = "a1111", .url = g.url}};
    longsd_render_params p = sched_params(b, 2, 1);
    longsd_ctx *ctx = longsd_ctx_new();
    const size_t n = 5;
    longsd_plan *plan = plan_of(n);
    prog pg = {0};
    CHECK_INT(longsd_render_plan(ctx, plan, t_tmpdir(), &p, on_progress, &pg), LONGSD_OK);
    CHECK_INT(pg.bp[0].failures, 1);
    int order[16];
    REQUIRE(served(&g, order, 16) == n);
    /* the two backends took jobs 0 and 1 at the start, in either order: the
     * good one renders its own, then the failed one, then 2, 3, 4 */
    CHECK((order[0] == 0 && order[1] == 1) || (order[0] == 1 && order[1] == 0));
    for (size_t i = 2; i < n; i++)
        CHECK_INT(order[i], i);
    longsd_plan_free(plan);
    longsd_ctx_free(ctx);
    t_srv_stop(&f);
    t_srv_stop(&g);
}

TEST(last_backend_set_aside_fails_the_queue)
{
    t_srv f = failing("f.log");
    longsd_backend_spec b[1] = {{.kind = "a1111", .url = f.url}};
    longsd_render_params p = sched_params(b, 1, 1);
    longsd_ctx *ctx = longsd_ctx_new();
    const size_t n = 4;
    longsd_plan *plan = plan_of(n);
    prog pg = {0};
    CHECK_INT(longsd_render_plan(ctx, plan, t_tmpdir(), &p, on_progress, &pg), LONGSD_ERR_BACKEND);
    CHECK_CONTAINS(longsd_errmsg(ctx), "4 of 4 images failed");
    CHECK_INT(pg.bp[0].failures, 1);
    CHECK_INT(pg.bp[0].set_aside, 1);
    int no_backend = 0, http500 = 0;
    for (size_t i = 0; i < n; i++) {
        longsd_idea_info info;
        longsd_plan_idea(plan, i, &info);
        CHECK_INT(info.image_state, LONGSD_IMAGE_FAILED);
        no_backend += info.image_error && strstr(info.image_error, "no backend left") != NULL;
        http500 += info.image_error && strstr(info.image_error, "HTTP 500") != NULL;
    }
    CHECK_INT(http500, 1);
    CHECK_INT(no_backend, n - 1);
    longsd_plan_free(plan);
    longsd_ctx_free(ctx);
    t_srv_stop(&f);
}

TEST(success_resets_the_failure_count)
{
    /* max_failures 2 and a backend that fails, draws one, then dies: the
     * success in between resets the count, so it is set aside at its third
     * failure (the death, then connection refused), not its second */
    t_srv f = t_srv_start("tests/servers/fake_sd.py", "f.log",
                          (const char *[]){"--fault", "status", "--fault-count", "1", "--die-after", "2", NULL});
    t_srv g = good("g.log", "0.5");
    longsd_backend_spec b[2] = {{.kind = "a1111", .url = f.url}, {.kind = "a1111", .url = g.url}};
    longsd_render_params p = sched_params(b, 2, 2);
    longsd_ctx *ctx = longsd_ctx_new();
    const size_t n = 6;
    longsd_plan *plan = plan_of(n);
    prog pg = {0};
    CHECK_INT(longsd_render_plan(ctx, plan, t_tmpdir(), &p, on_progress, &pg), LONGSD_OK);
    CHECK_INT(pg.bp[0].done, 1);
    CHECK_INT(pg.bp[0].failures, 3);
    CHECK_INT(pg.bp[0].set_aside, 1);
    CHECK_INT(pg.bp[1].done, n - 1);
    longsd_plan_free(plan);
    longsd_ctx_free(ctx);
    t_srv_stop(&f);
    t_srv_stop(&g);
}

TEST(local_write_error_fails_the_job_without_blaming_the_server)
{
    /* a folder sits where the image must go: the write fails here, no other
     * server would help, so the job fails at once and no backend is charged */
    t_srv g = good("g.log", "0"), g2 = good("g2.log", "0");
    longsd_backend_spec b[2] = {{.kind = "a1111", .url = g.url}, {.kind = "a1111", .url = g2.url}};
    longsd_render_params p = sched_params(b, 2, 1);
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *plan = plan_of(1);
    char dname[128], stem[96], path[700];
    ls_pool_dir_name(plan->name, dname, sizeof dname);
    ls_pool_image_stem(plan->ideas[0].idea.id, plan->ideas[0].idea.title, stem, sizeof stem);
    snprintf(path, sizeof path, "%s/images/%s/%s.png/x", t_tmpdir(), dname, stem);
    REQUIRE(lsfile_mkdirs(path, 0, NULL) == LONGSD_OK); /* makes the folders above x */
    prog pg = {0};
    CHECK_INT(longsd_render_plan(ctx, plan, t_tmpdir(), &p, on_progress, &pg), LONGSD_ERR_BACKEND);
    longsd_idea_info info;
    longsd_plan_idea(plan, 0, &info);
    CHECK_INT(info.image_state, LONGSD_IMAGE_FAILED);
    CHECK_INT(pg.bp[0].failures + pg.bp[1].failures, 0);
    CHECK_INT(pg.bp[0].set_aside + pg.bp[1].set_aside, 0);
    int order[4];
    CHECK_INT(served(&g, order, 4) + served(&g2, order, 4), 1); /* drawn once, not retried */
    longsd_plan_free(plan);
    longsd_ctx_free(ctx);
    t_srv_stop(&g);
    t_srv_stop(&g2);
}

typedef struct {
    int prefixed, plain; /* "done <book>/<idea>" events, and "done <idea>" ones */
} names;

static void on_names(void *user, const longsd_render_progress *r)
{
    names *n = user;
    if (r->event && strncmp(r->event, "done ", 5) == 0) {
        if (strncmp(r->event + 5, "other/all-", 10) == 0 || strncmp(r->event + 5, "sched/all-", 10) == 0)
            n->prefixed++;
        else
            n->plain++;
    }
}

TEST(many_plans_share_one_queue)
{
    /* two books through one pool of two servers: every image of both drawn
     * once, each recorded in its own plan under its own folder, the job
     * names say whose it is and the sidecar keeps the idea's own id */
    t_srv g = good("g.log", "0.05"), g2 = good("g2.log", "0.05");
    longsd_backend_spec b[2] = {{.kind = "a1111", .url = g.url}, {.kind = "a1111", .url = g2.url}};
    longsd_render_params p = sched_params(b, 2, 3);
    longsd_ctx *ctx = longsd_ctx_new();
    longsd_plan *plans[2] = {plan_of(3), plan_of(4)};
    longsd__free(plans[1]->name);
    plans[1]->name = longsd__strdup("other");
    for (size_t i = 0; i < plans[1]->n_ideas; i++) { /* other prompts: other pictures */
        longsd__free(plans[1]->ideas[i].prompt);
        plans[1]->ideas[i].prompt = longsd__asprintf("prompt number %zu, a raft", 10 + i);
    }
    names nm = {0};
    CHECK_INT(longsd_render_plans(ctx, plans, NULL, 2, t_tmpdir(), &p, on_names, &nm), LONGSD_OK);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < plans[k]->n_ideas; i++) {
            longsd_idea_info info;
            longsd_plan_idea(plans[k], i, &info);
            CHECK_INT(info.image_state, LONGSD_IMAGE_DONE);
            CHECK(info.image_file && strncmp(info.image_file, k ? "images/other/" : "images/sched/", 13) == 0);
        }
    CHECK_INT(nm.prefixed, 7);
    CHECK_INT(nm.plain, 0);
    int order[16];
    CHECK_INT(served(&g, order, 16) + served(&g2, order, 16), 7);
    CHECK(served(&g, order, 16) > 0 && served(&g2, order, 16) > 0);
    char side[700];
    snprintf(side, sizeof side, "%s/images/other/all-01-a-fence.json", t_tmpdir());
    char *text = t_slurp(side, NULL);
    CHECK(text && strstr(text, "\"id\": \"all-01\""));
    free(text);
    /* a second run of both finds everything done and draws nothing */
    CHECK_INT(longsd_render_plans(ctx, plans, NULL, 2, t_tmpdir(), &p, NULL, NULL), LONGSD_OK);
    CHECK_INT(served(&g, order, 16) + served(&g2, order, 16), 7);
    /* two plans with one name would share images/<name>/: refused */
    longsd__free(plans[1]->name);
    plans[1]->name = longsd__strdup("sched");
    CHECK_INT(longsd_render_plans(ctx, plans, NULL, 2, t_tmpdir(), &p, NULL, NULL), LONGSD_ERR_PARAM);
    CHECK_CONTAINS(longsd_errmsg(ctx), "two plans share the name \"sched\"");
    longsd_plan_free(plans[0]);
    longsd_plan_free(plans[1]);
    longsd_ctx_free(ctx);
    t_srv_stop(&g);
    t_srv_stop(&g2);
}

RUN_TESTS(set_aside_after_exactly_max_failures, default_sets_aside_after_two_failed_jobs, success_resets_the_failure_count, failed_job_not_offered_again_to_its_backend,
          attempts_across_the_pool_are_capped, failed_once_then_fine_is_retried_on_the_same_backend,
          retried_job_goes_to_the_front_of_the_queue, last_backend_set_aside_fails_the_queue,
          local_write_error_fails_the_job_without_blaming_the_server, many_plans_share_one_queue,
          a_job_a_backend_cannot_draw_fails_without_blaming_it)
