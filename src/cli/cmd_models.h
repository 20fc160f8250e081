/* cmd_models.h - `longsd models`, `longsd pull` and the resolution of
 * --model NAME / --backend native=NAME before a render. */
#ifndef LONGSD_CLI_MODELS_H
#define LONGSD_CLI_MODELS_H

#include "cli.h"

int cmd_models(longsd_ctx *ctx, cli_opts *o);
int cmd_pull(longsd_ctx *ctx, cli_opts *o);
/* Replace each native backend's model name and the --vae taesd=NAME by
 * their paths, owned by o->render (downloading with --download); check that
 * each --lora NAME is found; record where native backends look LoRAs up.
 * Returns an exit status (EXIT_OK to go on). */
int cli_models_resolve(longsd_ctx *ctx, cli_opts *o);
/* No --size: o->plan's size becomes the models' own when every backend is
 * native and their models agree (longsd_model_default_size), recorded in
 * o->size_model; a server's default stays 768x512. After resolving. */
void cli_models_default_size(longsd_ctx *ctx, cli_opts *o);

#endif
