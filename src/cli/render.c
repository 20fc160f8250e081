/* render.c - backend options, the progress display and plan rendering for
 * the longsd tool (see render.h). */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A copy of s[0..n) owned by r (freed by cli_opts_free). */
char *cli_render_keep(cli_render_opts *r, const char *s, size_t n)
{
    if (r->n_owned >= sizeof r->owned / sizeof r->owned[0])
        return NULL;
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    r->owned[r->n_owned++] = d;
    return d;
}

/* Parse one spec into the next slot; where names the source for messages. */
static int add_spec(cli_render_opts *r, const char *spec, const char *where)
{
    if (r->n >= CLI_MAX_BACKENDS) {
        cli_error("%s: at most %d backends", where, CLI_MAX_BACKENDS);
        return -1;
    }
    longsd_backend_spec s = {0};
    const char *p = spec;
    while (*p == ' ' || *p == '\t')
        p++;
    const char *eq = strchr(p, '=');
    size_t tok = strcspn(p, " \t");
    if (!eq || (size_t)(eq - p) >= tok || eq == p || !eq[1] || eq[1] == ' ') {
        cli_error("%s: expected KIND=URL (kinds: %s), got \"%s\"", where, longsd_backend_kinds(), spec);
        return -1;
    }
    s.kind = cli_render_keep(r, p, (size_t)(eq - p));
    s.url = cli_render_keep(r, eq + 1, tok - (size_t)(eq - p) - 1);
    if (!s.kind || !s.url) {
        cli_error("out of memory");
        return -1;
    }
    /* native=PATH names a model on disk, not a server */
    if (strcmp(s.kind, "native") != 0 && strncmp(s.url, "http://", 7) != 0 && strncmp(s.url, "https://", 8) != 0) {
        cli_error("%s: the URL must start with http:// or https://, got \"%s\"", where, s.url);
        return -1;
    }
    p += tok;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            break;
        size_t n = strcspn(p, " \t");
        const char *e = memchr(p, '=', n);
        if (!e) {
            cli_error("%s: expected key=value after the URL, got \"%.*s\"", where, (int)n, p);
            return -1;
        }
        size_t kl = (size_t)(e - p);
        char *val = cli_render_keep(r, e + 1, n - kl - 1);
        if (!val) {
            cli_error("out of memory");
            return -1;
        }
        if (kl == 4 && strncmp(p, "jobs", 4) == 0) {
            char *end;
            long j = strtol(val, &end, 10);
            if (!*val || *end || j < 1 || j > 64) {
                cli_error("%s: jobs must be 1..64, got \"%s\"", where, val);
                return -1;
            }
            s.jobs = (int)j;
        } else if (kl == 5 && strncmp(p, "model", 5) == 0) {
            s.model = val;
        } else if (kl == 8 && strncmp(p, "workflow", 8) == 0) {
            s.workflow = val;
        } else if (kl == 7 && strncmp(p, "key_env", 7) == 0) {
            s.api_key = getenv(val); /* keys stay in the environment, never in files */
            if (!s.api_key) {
                cli_error("%s: key_env=%s: that variable is not set", where, val);
                return -1;
            }
        } else {
            cli_error("%s: unknown backend option \"%.*s\" (jobs, model, workflow, key_env)", where, (int)kl, p);
            return -1;
        }
        p += n;
    }
    r->specs[r->n++] = s;
    return 0;
}

int cli_render_add_backend(cli_render_opts *r, const char *spec) { return add_spec(r, spec, "--backend"); }

int cli_render_add_model(cli_render_opts *r, const char *name)
{
    if (r->n >= CLI_MAX_BACKENDS) {
        cli_error("--model: at most %d backends", CLI_MAX_BACKENDS);
        return -1;
    }
    longsd_backend_spec s = {0};
    s.kind = cli_render_keep(r, "native", 6);
    s.url = cli_render_keep(r, name, strlen(name)); /* a name may hold spaces: no spec parsing */
    if (!s.kind || !s.url || !*name) {
        cli_error(*name ? "out of memory" : "--model: give a model name or path");
        return -1;
    }
    r->specs[r->n++] = s;
    return 0;
}

int cli_render_load_backends(cli_render_opts *r, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_error("--backends %s: cannot open it", path);
        return -1;
    }
    char line[4096], where[4200];
    int ln = 0, rc = 0;
    size_t before = r->n;
    while (fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            continue;
        snprintf(where, sizeof where, "%s:%d", path, ln);
        if ((rc = add_spec(r, p, where)))
            break;
    }
    fclose(f);
    if (!rc && r->n == before) {
        cli_error("--backends %s: no backend listed (one KIND=URL per line)", path);
        rc = -1;
    }
    return rc;
}

longsd_render_params cli_render_params(const cli_opts *o)
{
    const cli_render_opts *r = &o->render;
    longsd_render_params p = longsd_render_default_params();
    p.backends = r->specs;
    p.n_backends = r->n;
    if (r->per_backend > 0)
        p.per_backend = r->per_backend;
    if (r->timeout_s > 0)
        p.timeout_s = r->timeout_s;
    if (r->max_failures > 0)
        p.max_failures = r->max_failures;
    if (r->have_blank_retries)
        p.blank_retries = r->blank_retries;
    p.force = o->force;
    p.vae = r->vae;
    p.vae_tile = r->vae_tile;
    p.lora_dir = r->lora_dir;
    p.threads = r->threads;
    if (r->have_models)
        p.models = &r->models;
    return p;
}

/* ---- progress */

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_init(cli_progress *p, const cli_opts *o)
{
    memset(p, 0, sizeof *p);
    p->o = o;
    p->tty = isatty(2) && getenv("TERM") && strcmp(getenv("TERM"), "dumb") != 0;
}

static void fmt_time(double s, char *out, size_t n)
{
    if (s < 0) {
        snprintf(out, n, "--:--");
        return;
    }
    long t = s > 359999 ? 359999 : (long)(s + 0.5);
    if (t >= 3600)
        snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

static void draw_bar(cli_progress *g, const longsd_render_progress *p)
{
    size_t total = p->total ? p->total : 1, have = p->skipped + p->done + p->failed;
    int width = 24, fill = (int)((double)have * width / (double)total);
    char bar[32], eta[48];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    fmt_time(p->eta_s, eta, sizeof eta);
    fprintf(stderr, "\r\033[K[%s] %zu/%zu  %.1f/min  ETA %s", bar, have, p->total, p->per_minute, eta);
    if (p->failed)
        fprintf(stderr, "  %zu failed", p->failed);
    for (size_t i = 0; i < p->n_backends && i < 8; i++) {
        const longsd_backend_progress *b = &p->backends[i];
        const char *host = strchr(b->label, ' ');
        fprintf(stderr, " | %s %zu%s", cli_safe(host ? host + 1 : b->label), b->done,
                b->set_aside ? " (set aside)" : "");
        if (b->failures)
            fprintf(stderr, " !%zu", b->failures);
    }
    if (p->n_backends > 8)
        fprintf(stderr, " | +%zu more", p->n_backends - 8);
    fflush(stderr);
    g->bar_shown = 1;
}

void cli_render_progress(void *user, const longsd_render_progress *p)
{
    cli_progress *g = user;
    if (g->o->verbosity < 0)
        return;
    int important = p->event && strncmp(p->event, "done ", 5) != 0;
    if (p->event && (important || !g->tty || g->o->verbosity > 0)) {
        if (g->bar_shown)
            fputs("\r\033[K", stderr);
        fprintf(stderr, "longsd: %s\n", cli_safe(p->event)); /* quotes servers */
        g->bar_shown = 0;
        g->failed_said |= strncmp(p->event, "failed ", 7) == 0;
    }
    if (g->tty && (p->final || mono() - g->last_draw > 0.1 || !g->bar_shown)) {
        draw_bar(g, p);
        g->last_draw = mono();
    }
    if (p->final && g->bar_shown) {
        fputc('\n', stderr);
        g->bar_shown = 0;
    }
}

int cli_render_plans(longsd_ctx *ctx, const cli_opts *o, longsd_plan *const *plans, const char *const *paths,
                     size_t n_plans)
{
    longsd_render_params p = cli_render_params(o);
    p.plan_path = NULL; /* each plan is saved to its own path */
    cli_progress g;
    cli_progress_init(&g, o);
    char **before = calloc(n_plans + 1, sizeof *before);
    if (!before) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    for (size_t k = 0; k < n_plans; k++)
        before[k] = longsd_plan_to_json(plans[k]);
    longsd_status st = longsd_render_plans(ctx, plans, paths, n_plans, o->workspace, &p, cli_render_progress, &g);
    size_t done = 0, failed = 0, n = 0;
    int save_failed = 0;
    for (size_t k = 0; k < n_plans; k++) {
        char *after = longsd_plan_to_json(plans[k]);
        /* a re-run that finds all done writes nothing */
        int changed = !before[k] || !after || strcmp(before[k], after) != 0;
        longsd_free(before[k]);
        longsd_free(after);
        for (size_t i = 0; i < longsd_plan_n_ideas(plans[k]); i++) {
            longsd_idea_info ii;
            longsd_plan_idea(plans[k], i, &ii);
            done += ii.image_state == LONGSD_IMAGE_DONE;
            failed += ii.image_state == LONGSD_IMAGE_FAILED;
        }
        n += longsd_plan_n_ideas(plans[k]);
        if (paths && paths[k] && changed && longsd_plan_save(ctx, plans[k], paths[k]) && st == LONGSD_OK) {
            cli_error("%s", longsd_errmsg(ctx));
            save_failed = 1;
        }
    }
    free(before);
    if (save_failed)
        return EXIT_RUNTIME;
    if (cli_exit_of(st) == EXIT_USAGE) { /* a bad pool: nothing was drawn */
        cli_error("%s", longsd_errmsg(ctx));
        return EXIT_USAGE;
    }
    if (st == LONGSD_ERR_ABORTED) {
        cli_error("interrupted: %zu of %zu images rendered; run the same command again to finish", done, n);
        return EXIT_RUNTIME;
    }
    const char *where = n_plans == 1 && paths && paths[0] ? paths[0] : n_plans > 1 ? "the plans" : "the plan";
    if (failed)
        cli_note(o, "images: %zu of %zu rendered, %zu failed (reasons in %s)", done, n, failed, where);
    else
        cli_note(o, "images: %zu of %zu rendered", done, n);
    if (st && st != LONGSD_ERR_BACKEND) {
        cli_error("%s", longsd_errmsg(ctx));
        return EXIT_RUNTIME;
    }
    return failed ? EXIT_RUNTIME : EXIT_OK;
}

int cli_render_plan(longsd_ctx *ctx, const cli_opts *o, longsd_plan *plan, const char *plan_path)
{
    return cli_render_plans(ctx, o, &plan, &plan_path, 1);
}
