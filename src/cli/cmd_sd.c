/* cmd_sd.c - `longsd sd "prompt" -o out.png`: one prompt, one image, on any
 * configured backend, with the same flags as `run` (--size, --steps, --cfg,
 * --sampler) plus --negative and --seed. */
#include <stdio.h>
#include <string.h>

#include "render.h"

/* A seed from the prompt when none is given: the same prompt draws the same
 * picture, and the seed is recorded in the file either way. */
static uint32_t seed_of(const char *s)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h & 0x7fffffffu;
}

int cmd_sd(longsd_ctx *ctx, cli_opts *o)
{
    const cli_render_opts *r = &o->render;
    if (r->n == 0) {
        cli_error("sd: no image backend; add --model NAME (see `longsd models`), --backend KIND=URL (kinds: %s) "
                  "or --backends FILE",
                  longsd_backend_kinds());
        return EXIT_USAGE;
    }
    const char *prompt = o->args[0];
    if (!prompt || !prompt[0]) {
        cli_error("sd: the prompt is empty");
        return EXIT_USAGE;
    }
    const char *out = o->output ? o->output : "out.png";
    longsd_image_request req = longsd_image_default_request();
    char full[8192];
    if (r->lora_tags[0]) { /* --lora: the tags end the prompt, as in A1111 */
        if (snprintf(full, sizeof full, "%s %s", prompt, r->lora_tags) >= (int)sizeof full) {
            cli_error("sd: the prompt with its --lora tags is over %zu bytes", sizeof full);
            return EXIT_USAGE;
        }
        prompt = full;
    }
    req.prompt = prompt;
    req.negative = r->negative ? r->negative : "";
    req.seed = r->seed >= 0 ? (uint32_t)r->seed : seed_of(prompt);
    req.width = o->plan.width;
    req.height = o->plan.height;
    req.steps = o->plan.steps;
    req.cfg_scale = o->plan.cfg_scale;
    req.sampler = o->plan.sampler;
    req.rng = o->plan.rng;
    longsd_render_params p = cli_render_params(o);
    cli_progress g;
    cli_progress_init(&g, o);
    longsd_status st = longsd_render_one(ctx, &req, out, &p, cli_render_progress, &g);
    if (st) {
        cli_error("%s", longsd_errmsg(ctx));
        return cli_exit_of(st);
    }
    if (o->json)
        printf("{\"file\": \"%s\", \"seed\": %u, \"width\": %d, \"height\": %d}\n", out, req.seed, req.width,
               req.height);
    else
        cli_note(o, "%s (%dx%d, seed %u)", out, req.width, req.height, req.seed);
    return EXIT_OK;
}
