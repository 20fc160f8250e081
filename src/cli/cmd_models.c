/* cmd_models.c - models by name for the longsd tool: `longsd models` lists
 * what the known folders hold, `longsd pull org/name[@rev]` downloads a hub
 * repo into the Hugging Face cache, and --model NAME / --backend native=NAME
 * are resolved to a path before rendering (downloading only with --download
 * or after a yes on a terminal). */
#include "cmd_models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "render.h"

static char *g_resolved[CLI_MAX_BACKENDS];
static size_t g_n_resolved;

void cli_models_free(void)
{
    for (size_t i = 0; i < g_n_resolved; i++)
        longsd_free(g_resolved[i]);
    g_n_resolved = 0;
}

static longsd_model_params params_of(const cli_opts *o)
{
    longsd_model_params p = longsd_model_default_params();
    p.dirs = o->models_dirs;
    p.n_dirs = (size_t)o->n_models_dirs;
    p.download = o->download;
    p.no_default_dirs = getenv("LONGSD_NO_DEFAULT_MODEL_DIRS") != NULL;
    return p;
}

static const char *kind_name(longsd_model_kind k)
{
    switch (k) {
    case LONGSD_MODEL_PIPELINE: return "diffusers";
    case LONGSD_MODEL_CHECKPOINT: return "checkpoint";
    case LONGSD_MODEL_VAE: return "vae";
    case LONGSD_MODEL_LORA: return "lora";
    default: return "other";
    }
}

static void human(uint64_t n, char *out, size_t size)
{
    if (n >= (1ull << 30))
        snprintf(out, size, "%.1f GB", (double)n / (1 << 30));
    else if (n >= (1ull << 20))
        snprintf(out, size, "%.1f MB", (double)n / (1 << 20));
    else
        snprintf(out, size, "%.1f kB", (double)n / 1024);
}

/* ---- progress of a pull: a bar with speed and ETA on a terminal, the
 * events as lines otherwise */

typedef struct {
    const cli_opts *o;
    int tty, bar_shown;
} pull_view;

static void on_pull(void *user, const longsd_pull_progress *p)
{
    pull_view *v = user;
    if (v->o->verbosity < 0)
        return;
    if (p->event) {
        if (v->bar_shown)
            fputs("\r\033[K", stderr);
        fprintf(stderr, "longsd: %s\n", cli_safe(p->event));
        v->bar_shown = 0;
    }
    if (!v->tty)
        return;
    char a[32], b[32], s[32], eta[32] = "--:--";
    human(p->done, a, sizeof a);
    human(p->total, b, sizeof b);
    human((uint64_t)p->bytes_per_s, s, sizeof s);
    if (p->eta_s >= 0) {
        long t = p->eta_s > 359999 ? 359999 : (long)(p->eta_s + 0.5);
        snprintf(eta, sizeof eta, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    }
    int width = 24, fill = p->total ? (int)((double)p->done * width / (double)p->total) : 0;
    char bar[32];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r\033[K[%s] %s / %s  %s/s  ETA %s  %s", bar, a, b, s, eta, p->file ? cli_safe(p->file) : "");
    v->bar_shown = 1;
    if (!p->file) { /* the closing report */
        fputc('\n', stderr);
        v->bar_shown = 0;
    }
    fflush(stderr);
}

static int pull(longsd_ctx *ctx, const cli_opts *o, const char *name, longsd_model_params *p, char **snapshot)
{
    pull_view v = {.o = o, .tty = isatty(2) && getenv("TERM") && strcmp(getenv("TERM"), "dumb") != 0};
    p->progress = on_pull;
    p->progress_user = &v;
    longsd_status st = longsd_pull(ctx, name, p, snapshot);
    if (v.bar_shown)
        fputc('\n', stderr);
    return st;
}

int cmd_pull(longsd_ctx *ctx, cli_opts *o)
{
    longsd_model_params p = params_of(o);
    char *snap = NULL;
    longsd_status st = pull(ctx, o, o->args[0], &p, &snap);
    if (st) {
        cli_error("%s", longsd_errmsg(ctx));
        return st == LONGSD_ERR_PARAM ? EXIT_USAGE : EXIT_RUNTIME;
    }
    if (o->json) {
        fputs("{\"name\": ", stdout);
        cli_json_str(stdout, o->args[0]);
        fputs(", \"path\": ", stdout);
        cli_json_str(stdout, snap);
        fputs("}\n", stdout);
    } else {
        printf("%s\n", snap);
    }
    longsd_free(snap);
    return EXIT_OK;
}

int cmd_models(longsd_ctx *ctx, cli_opts *o)
{
    longsd_model_params p = params_of(o);
    longsd_model_list *l = NULL;
    if (longsd_models_scan(ctx, &p, &l)) {
        cli_error("%s", longsd_errmsg(ctx));
        return EXIT_RUNTIME;
    }
    size_t n = longsd_model_list_count(l);
    if (o->json) {
        fputs("[", stdout);
        for (size_t i = 0; i < n; i++) {
            const longsd_model_info *m = longsd_model_list_at(l, i);
            fputs(i ? ",\n {\"name\": " : "\n {\"name\": ", stdout);
            cli_json_str(stdout, m->name);
            printf(", \"kind\": \"%s\", \"family\": \"%s\", \"source\": \"%s\", \"size\": %llu, \"path\": ",
                   kind_name(m->kind), m->family, m->source, (unsigned long long)m->size_bytes);
            cli_json_str(stdout, m->path);
            fputs("}", stdout);
        }
        fputs(n ? "\n]\n" : "]\n", stdout);
    } else if (n == 0) {
        const char *s = longsd_model_list_searched(l);
        printf("no models found%s%s", *s ? "; searched:\n" : " (none of the known folders exists)\n", s);
        printf("get one with `longsd pull stabilityai/sd-turbo` or name a folder with --models-dir DIR\n");
    } else {
        printf("%-40s %-10s %-7s %9s  %-13s %s\n", "NAME", "KIND", "FAMILY", "SIZE", "SOURCE", "PATH");
        for (size_t i = 0; i < n; i++) {
            const longsd_model_info *m = longsd_model_list_at(l, i);
            char sz[32];
            human(m->size_bytes, sz, sizeof sz);
            printf("%-40s %-10s %-7s %9s  %-13s %s\n", cli_safe(m->name), kind_name(m->kind), m->family, sz,
                   m->source, cli_safe(m->path));
        }
        if (o->verbosity > 0)
            printf("\nsearched:\n%s", longsd_model_list_searched(l));
    }
    longsd_model_list_free(l);
    return EXIT_OK;
}

/* A yes on a terminal stands in for --download. */
static int ask_download(const char *name)
{
    if (!isatty(0) || !isatty(2))
        return 0;
    const char *ep = getenv("HF_ENDPOINT");
    fprintf(stderr, "longsd: %s is not in the Hugging Face cache. Download it from %s? [y/N] ", cli_safe(name),
            ep && *ep ? cli_safe(ep) : "https://huggingface.co");
    char line[16];
    if (!fgets(line, sizeof line, stdin))
        return 0;
    return line[0] == 'y' || line[0] == 'Y';
}

int cli_models_resolve(longsd_ctx *ctx, cli_opts *o)
{
    cli_render_opts *r = &o->render;
    for (size_t i = 0; i < r->n; i++) {
        longsd_backend_spec *s = &r->specs[i];
        if (strcmp(s->kind, "native") != 0 || !s->url || g_n_resolved >= CLI_MAX_BACKENDS)
            continue;
        longsd_model_params p = params_of(o);
        pull_view v = {.o = o, .tty = isatty(2) && getenv("TERM") && strcmp(getenv("TERM"), "dumb") != 0};
        p.progress = on_pull;
        p.progress_user = &v;
        char *path = NULL;
        longsd_status st = longsd_model_resolve(ctx, s->url, LONGSD_MODEL_CHECKPOINT, &p, &path);
        if (st == LONGSD_ERR_NOT_FOUND && !p.download && longsd_model_is_repo_id(s->url) && ask_download(s->url)) {
            p.download = 1;
            st = longsd_model_resolve(ctx, s->url, LONGSD_MODEL_CHECKPOINT, &p, &path);
        }
        if (v.bar_shown)
            fputc('\n', stderr);
        if (st) {
            cli_error("%s", longsd_errmsg(ctx));
            return st == LONGSD_ERR_NOT_FOUND || st == LONGSD_ERR_PARAM ? EXIT_USAGE : EXIT_RUNTIME;
        }
        if (strcmp(path, s->url) != 0)
            cli_note(o, "model %s: %s", cli_safe(s->url), cli_safe(path));
        g_resolved[g_n_resolved++] = path;
        s->url = path;
    }
    return EXIT_OK;
}
