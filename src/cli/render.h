/* render.h - the CLI side of rendering: backend options (--backend,
 * --backends, --per-backend, --timeout), the progress display (a live bar on
 * a TTY, plain lines otherwise, nothing with -q), rendering a plan from
 * `run`, and the `sd` command. The options are o->render (cli_opts.h). */
#ifndef LONGSD_CLI_RENDER_H
#define LONGSD_CLI_RENDER_H

#include "cli_util.h"

/* --backend "KIND=URL [jobs=N] [model=NAME] [workflow=FILE] [key_env=VAR]"
 * into r. 0 ok; -1 after printing a usage error. */
int cli_render_add_backend(cli_render_opts *r, const char *spec);
/* A copy of s[0..n) that r owns (freed by cli_opts_free); NULL when out of
 * memory or room. */
char *cli_render_keep(cli_render_opts *r, const char *s, size_t n);
/* --backends FILE: one such spec per line; blank lines and # comments skipped. */
int cli_render_load_backends(cli_render_opts *r, const char *path);
/* --model NAME: the native engine on the model NAME names (resolved later,
 * see cmd_models.h). 0 ok; -1 after printing a usage error. */
int cli_render_add_model(cli_render_opts *r, const char *name);
/* The render parameters from the options (pointers into o->render). */
longsd_render_params cli_render_params(const cli_opts *o);

/* Progress display; user is a cli_progress. */
typedef struct {
    const cli_opts *o;
    int tty;
    double last_draw;
    int bar_shown;
    int failed_said; /* a "failed ..." line was shown: it gave the reason */
} cli_progress;
void cli_progress_init(cli_progress *p, const cli_opts *o);
void cli_render_progress(void *user, const longsd_render_progress *p);

/* Render the plan's pending images over the configured backends, saving the
 * plan as images finish. Prints a summary line. Returns an exit status. */
int cli_render_plan(longsd_ctx *ctx, const cli_opts *o, longsd_plan *plan, const char *plan_path);
/* The same for many plans through one pool; paths[i] is where plan i is saved. */
int cli_render_plans(longsd_ctx *ctx, const cli_opts *o, longsd_plan *const *plans, const char *const *paths,
                     size_t n_plans);

/* longsd sd "prompt" [-o out.png]: one prompt, one image. */
int cmd_sd(longsd_ctx *ctx, cli_opts *o);

#endif
