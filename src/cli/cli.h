/* cli.h - the commands of the longsd tool that work on one text (commands.c):
 * each takes the options record and returns an exit status. */
#ifndef LONGSD_CLI_H
#define LONGSD_CLI_H

#include "cli_util.h"

int cmd_run(longsd_ctx *ctx, cli_opts *o);
int cmd_ideas(longsd_ctx *ctx, cli_opts *o);
int cmd_prompts(longsd_ctx *ctx, cli_opts *o);
int cmd_styles(longsd_ctx *ctx, cli_opts *o);

#endif
