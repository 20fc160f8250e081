/* cmd_models.c - models by name for the longsd tool: `longsd models` lists
 * what the known folders hold, `longsd pull org/name[@rev]` downloads a hub
 * repo into the Hugging Face cache, and --model NAME / --backend native=NAME
 * are resolved to a path before rendering (downloading only with --download
 * or after a yes on a terminal). --vae taesd=NAME and --lora NAME[:W] are
 * names the same way: the VAE becomes a path here, each LoRA is checked here
 * (so a missing one is a usage error before any render, and a repo id is
 * downloaded once) and found again by the native backend at render time,
 * the prompt keeping the name A1111 reads. */
#include "cmd_models.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "render.h"

/* lora_dir/NAME.safetensors, where the engine has always looked first. */
static int lsfile_exists_cli(const char *dir, const char *name)
{
    if (!dir || !*dir)
        return 0;
    char p[4096];
    if ((size_t)snprintf(p, sizeof p, "%s/%s.safetensors", dir, name) >= sizeof p)
        return 0;
    return access(p, F_OK) == 0;
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
    if (p->total)
        human(p->total, b, sizeof b);
    else
        snprintf(b, sizeof b, "?"); /* before the sizes are known */
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
            printf(", \"kind\": \"%s\", \"family\": \"%s\", \"source\": \"%s\", \"size\": %llu", kind_name(m->kind),
                   m->family, m->source, (unsigned long long)m->size_bytes);
            if (m->width > 0) /* the image size it draws without --size */
                printf(", \"width\": %d, \"height\": %d", m->width, m->height);
            printf(", \"path\": ");
            cli_json_str(stdout, m->path);
            fputs("}", stdout);
        }
        fputs(n ? "\n]\n" : "]\n", stdout);
    } else if (n == 0) {
        const char *s = longsd_model_list_searched(l);
        printf("no models found%s%s", *s ? "; searched:\n" : " (none of the known folders exists)\n", s);
        printf("get one with `longsd pull stabilityai/sd-turbo` or name a folder with --models-dir DIR\n");
    } else {
        printf("%-40s %-10s %-7s %9s  %-9s  %-13s %s\n", "NAME", "KIND", "FAMILY", "SIZE", "IMAGE", "SOURCE", "PATH");
        for (size_t i = 0; i < n; i++) {
            const longsd_model_info *m = longsd_model_list_at(l, i);
            char sz[32], im[24] = "-";
            human(m->size_bytes, sz, sizeof sz);
            if (m->width > 0)
                snprintf(im, sizeof im, "%dx%d", m->width, m->height);
            printf("%-40s %-10s %-7s %9s  %-9s  %-13s %s\n", cli_safe(m->name), kind_name(m->kind), m->family, sz,
                   im, m->source, cli_safe(m->path));
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

/* An explicit path is the backend's to open: its message names the path and
 * what the folder must hold. */
static int explicit_path(const char *s)
{
    return s[0] == '/' || strncmp(s, "./", 2) == 0 || strncmp(s, "../", 3) == 0;
}

/* name (of kind) to a path the options own: *out. Exit status. */
static int resolve_one(longsd_ctx *ctx, cli_opts *o, const char *what, const char *name, int kind, const char **out)
{
    longsd_model_params p = params_of(o);
    pull_view v = {.o = o, .tty = isatty(2) && getenv("TERM") && strcmp(getenv("TERM"), "dumb") != 0};
    p.progress = on_pull;
    p.progress_user = &v;
    char *path = NULL;
    longsd_status st = longsd_model_resolve(ctx, name, kind, &p, &path);
    if (st == LONGSD_ERR_NOT_FOUND && !p.download && longsd_model_is_repo_id(name) && ask_download(name)) {
        p.download = 1;
        st = longsd_model_resolve(ctx, name, kind, &p, &path);
    }
    if (v.bar_shown)
        fputc('\n', stderr);
    if (st) {
        cli_error("%s%s", what, longsd_errmsg(ctx));
        return st == LONGSD_ERR_NOT_FOUND || st == LONGSD_ERR_PARAM ? EXIT_USAGE : EXIT_RUNTIME;
    }
    if (strcmp(path, name) != 0)
        cli_note(o, "%s%s: %s", what, cli_safe(name), cli_safe(path));
    *out = cli_render_keep(&o->render, path, strlen(path));
    longsd_free(path);
    if (!*out) {
        cli_error("out of memory");
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

void cli_models_default_size(longsd_ctx *ctx, cli_opts *o)
{
    const cli_render_opts *r = &o->render;
    int w = 0, h = 0;
    if (o->plan.size_given || r->n == 0)
        return;
    for (size_t i = 0; i < r->n; i++) {
        const longsd_backend_spec *s = &r->specs[i];
        int mw, mh;
        /* a server draws what it is asked and has no size of its own to ask */
        if (strcmp(s->kind, "native") != 0 || !s->url || longsd_model_default_size(ctx, s->url, &mw, &mh))
            return;
        if (i && (mw != w || mh != h)) {
            cli_note(o, "the models draw at %dx%d and %dx%d by default: all at 768x512 (--size WxH to choose)", w,
                     h, mw, mh);
            return;
        }
        w = mw, h = mh;
    }
    o->plan.width = w;
    o->plan.height = h;
    o->size_model = r->specs[0].url;
}

int cli_models_resolve(longsd_ctx *ctx, cli_opts *o)
{
    cli_render_opts *r = &o->render;
    /* where native backends look up <lora:NAME> of any prompt */
    r->models = params_of(o);
    r->models.download = 0;
    r->have_models = 1;
    int native = 0;
    for (size_t i = 0; i < r->n; i++) {
        longsd_backend_spec *s = &r->specs[i];
        if (strcmp(s->kind, "native") != 0 || !s->url)
            continue;
        native = 1;
        if (explicit_path(s->url))
            continue;
        int rc = resolve_one(ctx, o, "", s->url, LONGSD_MODEL_CHECKPOINT, &s->url);
        if (rc)
            return rc;
    }
    /* a server has its own VAE: the pool says so, the name is not looked up */
    if (native && r->vae && strncmp(r->vae, "taesd=", 6) == 0 && !explicit_path(r->vae + 6)) {
        const char *path = NULL;
        int rc = resolve_one(ctx, o, "--vae: ", r->vae + 6, LONGSD_MODEL_VAE, &path);
        if (rc)
            return rc;
        size_t n = strlen(path);
        char *spec = malloc(n + 7);
        if (!spec) {
            cli_error("out of memory");
            return EXIT_RUNTIME;
        }
        memcpy(spec, "taesd=", 6);
        memcpy(spec + 6, path, n + 1);
        r->vae = cli_render_keep(r, spec, n + 6);
        free(spec);
        if (!r->vae) {
            cli_error("out of memory");
            return EXIT_RUNTIME;
        }
    }
    /* --lora NAME: a server finds its own LoRAs; for the native engine the
     * name must resolve now (a repo id is pulled with --download) */
    for (const char *t = r->lora_tags; native && (t = strstr(t, "<lora:"));) {
        t += 6;
        size_t len = strcspn(t, ":>");
        char name[512];
        if (len == 0 || len >= sizeof name)
            continue;
        memcpy(name, t, len);
        name[len] = '\0';
        t += len;
        if (lsfile_exists_cli(r->lora_dir, name))
            continue;
        const char *path = NULL;
        int rc = resolve_one(ctx, o, "--lora: ", name, LONGSD_MODEL_LORA, &path);
        if (rc)
            return rc;
    }
    return EXIT_OK;
}
