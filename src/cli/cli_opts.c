/* cli_opts.c - defaults and release of the options record (cli_opts.h). */
#include <stdlib.h>

#include "cli_opts.h"

void cli_opts_init(cli_opts *o)
{
    *o = (cli_opts){.workspace = ".", .plan = longsd_plan_default_params()};
    o->plan.size_given = 0; /* until --size: the model's size, or the plan's */
    o->render.seed = -1;
}

void cli_opts_free(cli_opts *o)
{
    for (size_t i = 0; i < o->render.n_owned; i++)
        free(o->render.owned[i]);
    o->render.n_owned = 0;
    o->render.n = 0;
    free((void *)o->args);
    o->args = NULL;
    o->n_args = 0;
}
