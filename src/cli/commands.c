/* commands.c - run (one text), ideas, prompts and styles: drive the library
 * on one book (book.h), print a summary (or --json). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "book.h"
#include "cli.h"
#include "cmd_docs.h"
#include "render.h"

void cli_print_summary_json(const ws_paths *w, const longsd_plan *plan, unsigned redone, int docx_written,
                               const char *docx, const cli_docs_result *dr, int nested)
{
    printf("{\"name\": ");
    cli_json_str(stdout, w->name);
    printf(", \"title\": ");
    cli_json_str(stdout, longsd_plan_title(plan));
    printf(", \"source\": ");
    cli_json_str(stdout, w->text);
    printf(", \"plan\": ");
    cli_json_str(stdout, w->plan);
    if (docx) {
        printf(", \"docx\": ");
        cli_json_str(stdout, docx);
    }
    if (dr && (dr->chosen & CLI_FMT_EPUB)) {
        printf(", \"epub\": ");
        cli_json_str(stdout, dr->epub);
    }
    if (dr && (dr->chosen & CLI_FMT_HTML)) {
        printf(", \"html\": ");
        cli_json_str(stdout, dr->html);
    }
    printf(", \"parts\": [");
    for (size_t i = 0; i < longsd_plan_n_parts(plan); i++) {
        longsd_part_info pi;
        longsd_plan_part(plan, i, &pi);
        printf("%s{\"id\": ", i ? ", " : "");
        cli_json_str(stdout, pi.id);
        printf(", \"ideas\": %zu, \"wanted\": %zu, \"words\": %zu}", pi.n_ideas, pi.n_wanted, pi.n_words);
    }
    printf("], \"ideas\": %zu, \"characters\": %zu, \"images\": {\"done\": %zu, \"total\": %zu}",
           longsd_plan_n_ideas(plan), longsd_plan_n_characters(plan), cli_count_images(plan), longsd_plan_n_ideas(plan));
    printf(", \"redone\": {\"parts\": %s, \"ideas\": %s, \"cast\": %s, \"prompts\": %s, \"docx\": %s",
           redone & LONGSD_STAGE_PARTS ? "true" : "false", redone & LONGSD_STAGE_IDEAS ? "true" : "false",
           redone & LONGSD_STAGE_CAST ? "true" : "false", redone & LONGSD_STAGE_PROMPTS ? "true" : "false",
           docx_written ? "true" : "false");
    /* the other formats only when chosen, so "everything redone" stays all-true */
    if (dr && (dr->chosen & CLI_FMT_EPUB))
        printf(", \"epub\": %s", (dr->written & CLI_FMT_EPUB) ? "true" : "false");
    if (dr && (dr->chosen & CLI_FMT_HTML))
        printf(", \"html\": %s", (dr->written & CLI_FMT_HTML) ? "true" : "false");
    printf("}");
    printf(", \"notes\": [");
    for (size_t i = 0; i < longsd_plan_n_notes(plan); i++) {
        printf("%s", i ? ", " : "");
        cli_json_str(stdout, longsd_plan_note(plan, i));
    }
    printf("]}");
    if (!nested)
        printf("\n");
}

int cmd_run(longsd_ctx *ctx, cli_opts *o)
{
    /* many texts, or a folder of them: one pool for all (batch.c); a folder
     * named like a text ("a.txt/") is a mistake the single path reports */
    size_t n0 = strlen(o->args[0]);
    if (o->n_args > 1 || (cli_is_dir(o->args[0]) && !(n0 > 4 && strcmp(o->args[0] + n0 - 4, ".txt") == 0)))
        return cli_run_batch(ctx, o);
    cli_book bk;
    int rc = cli_book_open(ctx, o, o->args[0], &bk);
    ws_paths w = bk.w;
    longsd_story *story = bk.story;
    longsd_plan *plan = bk.plan;
    unsigned redone = bk.redone;
    int saved = bk.saved, docx_written = 0;
    if (rc)
        goto out;
    int render_rc = EXIT_OK;
    if (o->render.n > 0) { /* --backend: render what is pending; the documents then embed it */
        render_rc = cli_render_plan(ctx, o, plan, w.plan);
        if (render_rc == EXIT_USAGE || cli_interrupted(NULL)) {
            rc = render_rc ? render_rc : EXIT_RUNTIME;
            goto out;
        }
    }
    cli_docs_result dr;
    rc = cli_docs_write(ctx, o, w.name, w.plan, plan, story, o->force || saved, &dr);
    if (rc)
        goto out;
    docx_written = (dr.written & CLI_FMT_DOCX) != 0;
    size_t n_ideas = longsd_plan_n_ideas(plan), n_img = cli_count_images(plan);
    if (o->json) {
        cli_print_summary_json(&w, plan, redone, docx_written, (dr.chosen & CLI_FMT_DOCX) ? dr.docx : NULL, &dr, 0);
    } else {
        cli_note(o, "%s: %zu parts, %zu ideas, %zu characters%s", w.name, longsd_plan_n_parts(plan), n_ideas,
                 longsd_plan_n_characters(plan), redone ? "" : " (up to date, nothing redone)");
        cli_note(o, "  plan:    %s%s", w.plan, saved ? "" : " (unchanged)");
        if (dr.chosen & CLI_FMT_DOCX)
            cli_note(o, "  docx:    %s%s", dr.docx, docx_written ? "" : " (unchanged)");
        if (dr.chosen & CLI_FMT_EPUB)
            cli_note(o, "  epub:    %s%s", dr.epub, (dr.written & CLI_FMT_EPUB) ? "" : " (unchanged)");
        if (dr.chosen & CLI_FMT_HTML)
            cli_note(o, "  html:    %s%s", dr.html, (dr.written & CLI_FMT_HTML) ? "" : " (unchanged)");
    }
    if (render_rc)
        rc = render_rc; /* some images failed: documents written, reasons in the plan, exit 1 */
    else if (n_img < n_ideas && o->render.n == 0)
        cli_note(o, "images: %zu of %zu rendered; no image backend configured: add --model NAME (see `longsd models`) "
                    "or --backend a1111=http://127.0.0.1:7860 (or comfyui=URL, openai=URL), or paste the prompts from %s into any "
                    "Stable Diffusion UI",
                 n_img, n_ideas, w.plan);
out:
    cli_book_close(&bk);
    return rc;
}

static int list_ideas(longsd_ctx *ctx, cli_opts *o, int with_prompts)
{
    cli_book bk;
    int rc = cli_book_open(ctx, o, o->args[0], &bk);
    ws_paths w = bk.w;
    longsd_plan *plan = bk.plan;
    int saved = bk.saved;
    if (rc)
        goto out;
    if (o->json) {
        char *js = longsd_plan_to_json(plan);
        if (!js) {
            cli_error("out of memory");
            rc = EXIT_RUNTIME;
            goto out;
        }
        fputs(js, stdout);
        longsd_free(js);
        goto out;
    }
    if (o->verbosity < 0)
        goto out;
    if (!with_prompts && longsd_plan_n_characters(plan)) {
        printf("Cast:");
        for (size_t i = 0; i < longsd_plan_n_characters(plan); i++) {
            longsd_character_info ci;
            longsd_plan_character(plan, i, &ci);
            printf("%s %s (%zu)", i ? "," : "", cli_safe(ci.full_name), ci.mentions);
        }
        printf("\n");
    }
    for (size_t p = 0; p < longsd_plan_n_parts(plan); p++) {
        longsd_part_info pi;
        longsd_plan_part(plan, p, &pi);
        /* plan strings are a file's text: printed through the sanitiser */
        printf("\n== %s (%zu words, %zu ideas)\n", cli_safe(pi.label), pi.n_words, pi.n_ideas);
        for (size_t i = 0; i < longsd_plan_n_ideas(plan); i++) {
            longsd_idea_info ii;
            longsd_plan_idea(plan, i, &ii);
            if (ii.part != p)
                continue;
            if (with_prompts)
                printf("%s  seed %u, %d tokens\n  %s\n  negative: %s\n", cli_safe(ii.id), ii.seed, ii.prompt_tokens,
                       cli_safe(ii.prompt), cli_safe(ii.negative));
            else
                printf("%s  [paragraph %zu, bytes %zu-%zu] %s\n  %s\n", cli_safe(ii.id), ii.paragraph, ii.start,
                       ii.end, cli_safe(ii.title), cli_safe(ii.quote)); /* the author's words, as written at those bytes */
        }
    }
    printf("\nplan: %s%s\n", w.plan, saved ? "" : " (unchanged)");
out:
    cli_book_close(&bk);
    return rc;
}

int cmd_ideas(longsd_ctx *ctx, cli_opts *o) { return list_ideas(ctx, o, 0); }

int cmd_prompts(longsd_ctx *ctx, cli_opts *o) { return list_ideas(ctx, o, 1); }

int cmd_styles(longsd_ctx *ctx, cli_opts *o)
{
    longsd_style *all = NULL;
    size_t n_all = 0;
    if (longsd_styles_list(ctx, o->plan.styles_file, &all, &n_all) != LONGSD_OK) {
        fprintf(stderr, "longsd: %s\n", longsd_errmsg(ctx));
        return EXIT_RUNTIME;
    }
    for (size_t i = 0; i < n_all; i++) {
        const longsd_style *s = &all[i];
        if (o->json) {
            printf("%s", i ? ",\n " : "[");
            printf("{\"name\": ");
            cli_json_str(stdout, s->name);
            printf(", \"description\": ");
            cli_json_str(stdout, s->description);
            printf(", \"suffix\": ");
            cli_json_str(stdout, s->suffix);
            printf(", \"quality\": ");
            cli_json_str(stdout, s->quality);
            printf(", \"negative\": ");
            cli_json_str(stdout, s->negative);
            printf("}");
        } else {
            printf("%-14s %s\n               %s\n", s->name, s->description, s->suffix);
        }
    }
    if (o->json)
        printf("]\n");
    longsd_styles_list_free(all, n_all);
    return EXIT_OK;
}
