/* cmd_choose.c - `longsd choose <name|plan.json> <idea> <n>`: make candidate
 * n the chosen picture of an idea, under the workspace lock, by an atomic
 * save of the plan, so a page (`longsd serve`) or a later run sees it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* <name> is image_prompts/<name>.json in the workspace; a path ending in
 * .json is taken as it is. */
static void plan_path_of(const cli_opts *o, const char *arg, char *out, size_t n)
{
    size_t l = strlen(arg);
    if (l > 5 && strcmp(arg + l - 5, ".json") == 0)
        snprintf(out, n, "%s", arg);
    else
        snprintf(out, n, "%s/image_prompts/%s.json", o->workspace, arg);
}

int cmd_choose(longsd_ctx *ctx, cli_opts *o)
{
    char path[4200];
    plan_path_of(o, o->args[0], path, sizeof path);
    const char *idea = o->args[1];
    char *end;
    long k = strtol(o->args[2], &end, 10);
    if (!o->args[2][0] || *end || k < 1 || k > 16) {
        cli_error("choose: the candidate is a number from 1 to 16, got \"%s\"", cli_safe(o->args[2]));
        return EXIT_USAGE;
    }
    if (!cli_is_file(path)) {
        cli_error("%s: no such plan (run `longsd run %s` first)", path, cli_safe(o->args[0]));
        return EXIT_USAGE;
    }
    longsd_lock *lock = NULL;
    longsd_plan *plan = NULL;
    int rc = EXIT_RUNTIME;
    if (longsd_plan_lock(ctx, path, &lock) || longsd_plan_load(ctx, path, &plan)) {
        cli_error("%s", longsd_errmsg(ctx));
        goto out;
    }
    size_t i;
    if (longsd_plan_find_idea(plan, idea, &i)) { /* not an id: a number from 1 */
        long num = strtol(idea, &end, 10);
        if (!idea[0] || *end || num < 1 || (size_t)num > longsd_plan_n_ideas(plan)) {
            cli_error("%s: no idea \"%s\" (ids look like beginning-01; numbers go from 1 to %zu)", path,
                      cli_safe(idea), longsd_plan_n_ideas(plan));
            rc = EXIT_USAGE;
            goto out;
        }
        i = (size_t)num - 1;
    }
    if (longsd_plan_choose(ctx, plan, i, (size_t)k - 1)) {
        cli_error("%s: %s", path, longsd_errmsg(ctx));
        rc = EXIT_USAGE;
        goto out;
    }
    if (longsd_plan_save(ctx, plan, path)) {
        cli_error("%s", longsd_errmsg(ctx));
        goto out;
    }
    longsd_candidate_info ci;
    longsd_idea_info ii;
    longsd_plan_candidate(plan, i, (size_t)k - 1, &ci);
    longsd_plan_idea(plan, i, &ii);
    if (o->json) {
        printf("{\"idea\": ");
        cli_json_str(stdout, ii.id);
        printf(", \"chosen\": %ld, \"candidates\": %zu, \"seed\": %u, \"image\": ", k, longsd_plan_n_candidates(plan, i),
               ci.seed);
        if (ci.image_file)
            cli_json_str(stdout, ci.image_file);
        else
            printf("null");
        printf("}\n");
    } else {
        cli_note(o, "%s: candidate %ld of %zu chosen (seed %u%s%s)", ii.id, k, longsd_plan_n_candidates(plan, i),
                 ci.seed, ci.image_state == LONGSD_IMAGE_DONE ? ", " : ", not rendered yet",
                 ci.image_state == LONGSD_IMAGE_DONE ? cli_safe(ci.image_file) : "");
        cli_note(o, "  `longsd run %s` (or docx/epub/html) puts it in the documents", cli_safe(o->args[0]));
    }
    rc = EXIT_OK;
out:
    longsd_plan_free(plan);
    longsd_plan_unlock(lock);
    return rc;
}
