/* render.h - the CLI side of rendering: backend options (--backend,
 * --backends, --per-backend, --timeout), the progress display (a live bar on
 * a TTY, plain lines otherwise, nothing with -q), rendering a plan from
 * `run`, and the `sd` command. Options live in one process-wide record so
 * main.c can fill it while parsing and the commands can read it. */
#ifndef LONGSD_CLI_RENDER_H
#define LONGSD_CLI_RENDER_H

#include "cli.h"

#define CLI_MAX_BACKENDS 64

typedef struct {
    longsd_backend_spec specs[CLI_MAX_BACKENDS];
    size_t n;
    char *owned[CLI_MAX_BACKENDS * 5]; /* strings the specs point to */
    size_t n_owned;
    int per_backend;        /* --per-backend N (0 = default 1) */
    double timeout_s;       /* --timeout S (0 = default) */
    int max_failures;       /* --max-failures N (0 = default 2) */
    const char *negative;   /* sd: --negative TEXT */
    long long seed;         /* sd: --seed N; -1 = from the prompt */
} cli_render_opts;

/* The process-wide options (zero-initialised, seed -1). */
cli_render_opts *cli_render(void);
/* --backend "KIND=URL [jobs=N] [model=NAME] [workflow=FILE] [key_env=VAR]".
 * 0 ok; -1 after printing a usage error. */
int cli_render_add_backend(const char *spec);
/* --model NAME: the native engine on the model NAME names (resolved later,
 * see cmd_models.h). 0 ok; -1 after printing a usage error. */
int cli_render_add_model(const char *name);
/* --backends FILE: one such spec per line; blank lines and # comments skipped. */
int cli_render_load_backends(const char *path);
/* Free the owned strings. */
void cli_render_free(void);
/* The render parameters from the options (pointers into cli_render()). */
longsd_render_params cli_render_params(const cli_opts *o);

/* Progress display; user is a cli_progress. */
typedef struct {
    const cli_opts *o;
    int tty;
    double last_draw;
    int bar_shown;
} cli_progress;
void cli_progress_init(cli_progress *p, const cli_opts *o);
void cli_render_progress(void *user, const longsd_render_progress *p);

/* Render the plan's pending images over the configured backends, saving the
 * plan as images finish. Prints a summary line. Returns an exit status. */
int cli_render_plan(longsd_ctx *ctx, const cli_opts *o, longsd_plan *plan, const char *plan_path);

/* longsd sd "prompt" [-o out.png]: one prompt, one image. */
int cmd_sd(longsd_ctx *ctx, cli_opts *o);

#endif
