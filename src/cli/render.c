/* render.c - backend options, the progress display and plan rendering for
 * the longsd tool (see render.h). */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static cli_render_opts g_opts = {.seed = -1};

cli_render_opts *cli_render(void) { return &g_opts; }

static char *keep(const char *s, size_t n)
{
    if (g_opts.n_owned >= sizeof g_opts.owned / sizeof g_opts.owned[0])
        return NULL;
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    g_opts.owned[g_opts.n_owned++] = d;
    return d;
}

void cli_render_free(void)
{
    for (size_t i = 0; i < g_opts.n_owned; i++)
        free(g_opts.owned[i]);
    g_opts.n_owned = 0;
    g_opts.n = 0;
}

/* Parse one spec into the next slot; where names the source for messages. */
static int add_spec(const char *spec, const char *where)
{
    if (g_opts.n >= CLI_MAX_BACKENDS) {
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
    s.kind = keep(p, (size_t)(eq - p));
    s.url = keep(eq + 1, tok - (size_t)(eq - p) - 1);
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
        char *val = keep(e + 1, n - kl - 1);
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
    g_opts.specs[g_opts.n++] = s;
    return 0;
}

int cli_render_add_backend(const char *spec) { return add_spec(spec, "--backend"); }

int cli_render_add_model(const char *name)
{
    if (g_opts.n >= CLI_MAX_BACKENDS) {
        cli_error("--model: at most %d backends", CLI_MAX_BACKENDS);
        return -1;
    }
    longsd_backend_spec s = {0};
    s.kind = keep("native", 6);
    s.url = keep(name, strlen(name)); /* a name may hold spaces: no spec parsing */
    if (!s.kind || !s.url || !*name) {
        cli_error(*name ? "out of memory" : "--model: give a model name or path");
        return -1;
    }
    g_opts.specs[g_opts.n++] = s;
    return 0;
}

int cli_render_load_backends(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        cli_error("--backends %s: cannot open it", path);
        return -1;
    }
    char line[4096], where[4200];
    int ln = 0, rc = 0;
    size_t before = g_opts.n;
    while (fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            continue;
        snprintf(where, sizeof where, "%s:%d", path, ln);
        if ((rc = add_spec(p, where)))
            break;
    }
    fclose(f);
    if (!rc && g_opts.n == before) {
        cli_error("--backends %s: no backend listed (one KIND=URL per line)", path);
        rc = -1;
    }
    return rc;
}

longsd_render_params cli_render_params(const cli_opts *o)
{
    longsd_render_params p = longsd_render_default_params();
    p.backends = g_opts.specs;
    p.n_backends = g_opts.n;
    if (g_opts.per_backend > 0)
        p.per_backend = g_opts.per_backend;
    if (g_opts.timeout_s > 0)
        p.timeout_s = g_opts.timeout_s;
    if (g_opts.max_failures > 0)
        p.max_failures = g_opts.max_failures;
    p.force = o->force;
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

int cli_render_plan(longsd_ctx *ctx, const cli_opts *o, longsd_plan *plan, const char *plan_path)
{
    longsd_render_params p = cli_render_params(o);
    p.plan_path = plan_path;
    cli_progress g;
    cli_progress_init(&g, o);
    char *before = longsd_plan_to_json(plan);
    longsd_status st = longsd_render_plan(ctx, plan, o->workspace, &p, cli_render_progress, &g);
    char *after = longsd_plan_to_json(plan);
    int changed = !before || !after || strcmp(before, after) != 0; /* a re-run that finds all done writes nothing */
    longsd_free(before);
    longsd_free(after);
    size_t done = 0, failed = 0, n = longsd_plan_n_ideas(plan);
    for (size_t i = 0; i < n; i++) {
        longsd_idea_info ii;
        longsd_plan_idea(plan, i, &ii);
        done += ii.image_state == LONGSD_IMAGE_DONE;
        failed += ii.image_state == LONGSD_IMAGE_FAILED;
    }
    if (plan_path && changed && longsd_plan_save(ctx, plan, plan_path) && st == LONGSD_OK) {
        cli_error("%s", longsd_errmsg(ctx));
        return EXIT_RUNTIME;
    }
    if (st == LONGSD_ERR_PARAM) {
        cli_error("%s", longsd_errmsg(ctx));
        return EXIT_USAGE;
    }
    if (st == LONGSD_ERR_ABORTED) {
        cli_error("interrupted: %zu of %zu images rendered; run the same command again to finish", done, n);
        return EXIT_RUNTIME;
    }
    if (failed)
        cli_note(o, "images: %zu of %zu rendered, %zu failed (reasons in %s)", done, n, failed,
                 plan_path ? plan_path : "the plan");
    else
        cli_note(o, "images: %zu of %zu rendered", done, n);
    if (st && st != LONGSD_ERR_BACKEND) {
        cli_error("%s", longsd_errmsg(ctx));
        return EXIT_RUNTIME;
    }
    return failed ? EXIT_RUNTIME : EXIT_OK;
}
