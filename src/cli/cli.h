/* cli.h - the longsd command-line tool: shared options and the commands.
 * The tool uses only the public API in include/longsd.h. */
#ifndef LONGSD_CLI_H
#define LONGSD_CLI_H

#include <stdio.h>

#include "longsd.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

typedef struct {
    const char *workspace;  /* -C */
    int verbosity;          /* -q: -1, default 0, -v: 1+ */
    int json;               /* --json */
    int force;
    const char *output;     /* -o for docx */
    longsd_plan_params plan;
    const char *listen;     /* serve: --listen ADDR (default 127.0.0.1) */
    int port;               /* serve: --port N (0 = any free port) */
    const char *args[8];
    int n_args;
} cli_opts;

/* Each command returns an exit status. */
int cmd_run(longsd_ctx *ctx, cli_opts *o);
int cmd_ideas(longsd_ctx *ctx, cli_opts *o);
int cmd_prompts(longsd_ctx *ctx, cli_opts *o);
int cmd_styles(longsd_ctx *ctx, cli_opts *o);
int cmd_choose(longsd_ctx *ctx, cli_opts *o); /* cmd_choose.c */
int cmd_serve(longsd_ctx *ctx, cli_opts *o);  /* cmd_serve.c */

/* Messages: errors always, notes unless -q, details with -v. */
/* s made safe for a terminal line (keys redacted, control characters as
 * escapes); borrowed from a ring of 8 per-thread buffers of 16 KiB. */
const char *cli_safe(const char *s);
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_note(const cli_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_interrupted(void *unused);

/* Helpers the commands share (commands.c). */
int cli_is_file(const char *path);
/* The workspace name of a text: its file stem as a safe, bounded ASCII slug. */
void cli_stem_name(const char *path, char *out, size_t max);
/* s as a JSON string literal on f. */
void cli_json_str(FILE *f, const char *s);
/* Ideas of plan whose image is done. */
size_t cli_count_images(const longsd_plan *plan);

#endif
