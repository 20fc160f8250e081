/* cli.h - the commands of the longsd tool that work on one text (commands.c):
 * each takes the options record and returns an exit status. */
#ifndef LONGSD_CLI_H
#define LONGSD_CLI_H

#include "book.h"
#include "cli_util.h"
#include "cmd_docs.h"

int cmd_run(longsd_ctx *ctx, cli_opts *o);
int cmd_ideas(longsd_ctx *ctx, cli_opts *o);
int cmd_prompts(longsd_ctx *ctx, cli_opts *o);
int cmd_styles(longsd_ctx *ctx, cli_opts *o);
int cmd_choose(longsd_ctx *ctx, cli_opts *o); /* cmd_choose.c */
int cmd_serve(longsd_ctx *ctx, cli_opts *o);  /* cmd_serve.c */

/* `run` on many texts or a folder (batch.c): every book prepared, all their
 * images through one pool, documents per book, one summary table. */
int cli_run_batch(longsd_ctx *ctx, cli_opts *o);

/* run's --json summary of one book on stdout; nested = 1: no newline (an
 * element of the batch's array). */
void cli_print_summary_json(const ws_paths *w, const longsd_plan *plan, unsigned redone, int docx_written,
                            const char *docx, const cli_docs_result *dr, int nested);

#endif
