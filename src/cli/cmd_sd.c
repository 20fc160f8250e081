/* cmd_sd.c - `longsd sd "prompt" -o out.png`: one prompt, one image, on any
 * configured backend, with the same flags as `run` (--size, --steps, --cfg,
 * --sampler) plus --negative, --seed and img2img's --init-image and
 * --strength. */
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
    if (r->strength > 0 && !r->init_image) {
        cli_error("sd: --strength is the share of an init image's steps: give --init-image FILE too");
        return EXIT_USAGE;
    }
    req.init_image = r->init_image;
    if (r->strength > 0)
        req.strength = r->strength;
    longsd_render_params p = cli_render_params(o);
    cli_progress g;
    cli_progress_init(&g, o);
    /* --candidates N: out.png with the seed, then out-c1.png ... with seeds
     * derived from it (longsd_candidate_seed), each with its own sidecar */
    int n = o->plan.candidates > 0 ? o->plan.candidates : 1;
    uint32_t base = req.seed;
    for (int d = 0; d < n; d++) {
        char path[4200];
        const char *dot = strrchr(out, '.'), *slash = strrchr(out, '/');
        if (d == 0)
            snprintf(path, sizeof path, "%s", out);
        else if (dot && (!slash || dot > slash))
            snprintf(path, sizeof path, "%.*s-c%d%s", (int)(dot - out), out, d, dot);
        else
            snprintf(path, sizeof path, "%s-c%d", out, d);
        req.seed = longsd_candidate_seed(base, (unsigned)d);
        longsd_status st = longsd_render_one(ctx, &req, path, &p, cli_render_progress, &g);
        if (st) {
            /* the pool's "failed" line (or one before it) gave the reason:
             * once is enough; with -q that line is not shown, so here it is */
            if (st == LONGSD_ERR_BACKEND && g.failed_said)
                cli_error("no image written to %s (the reason above)", path);
            else
                cli_error("%s", longsd_errmsg(ctx));
            return cli_exit_of(st);
        }
        if (o->json) {
            printf("{\"file\": ");
            cli_json_str(stdout, path);
            printf(", \"seed\": %u, \"width\": %d, \"height\": %d}\n", req.seed, req.width, req.height);
        } else
            cli_note(o, "%s (%dx%d, seed %u)", path, req.width, req.height, req.seed);
    }
    return EXIT_OK;
}
