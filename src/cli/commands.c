/* commands.c - run, ideas, prompts, docx and styles: resolve the text and the
 * workspace paths, drive the library, print a summary (or --json). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmd_docs.h"
#include "render.h"

/* Paths of one text in the workspace. */
typedef struct {
    char text[4096];        /* the text file to read */
    char name[80];          /* workspace name: sanitised stem */
    char plan[4200];        /* image_prompts/<name>.json */
    char docx[4200];        /* docx/<name>.docx */
} ws_paths;

int cli_is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* The workspace name of a text: its file stem reduced to a safe, bounded
 * ASCII slug, so nothing raw from a file name reaches our output paths. */
void cli_stem_name(const char *path, char *out, size_t max)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char stem[256];
    snprintf(stem, sizeof stem, "%.*s", (int)(sizeof stem - 1), base);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem && strcmp(dot, ".txt") == 0)
        *dot = '\0';
    size_t o = 0;
    int dash = 0;
    for (const unsigned char *p = (const unsigned char *)stem; *p && o + 2 < max; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_';
        if (ok) {
            if (dash && o)
                out[o++] = '-';
            dash = 0;
            out[o++] = (char)*p;
        } else { /* anything else, UTF-8 included, becomes one '-' */
            dash = 1;
        }
    }
    out[o] = '\0';
    if (!o)
        snprintf(out, max, "text");
}

static int resolve(const cli_opts *o, const char *arg, ws_paths *w)
{
    int has_sep = strchr(arg, '/') != NULL;
    size_t n = strlen(arg);
    int looks_path = has_sep || (n > 4 && strcmp(arg + n - 4, ".txt") == 0);
    if (cli_is_file(arg) || looks_path) {
        snprintf(w->text, sizeof w->text, "%s", arg);
    } else {
        snprintf(w->text, sizeof w->text, "%s/texts/%s.txt", o->workspace, arg);
        if (!cli_is_file(w->text)) {
            cli_error("%s: no such file, and no texts/%s.txt in the workspace %s", arg, arg, o->workspace);
            return -1;
        }
    }
    cli_stem_name(w->text, w->name, sizeof w->name);
    snprintf(w->plan, sizeof w->plan, "%s/image_prompts/%s.json", o->workspace, w->name);
    snprintf(w->docx, sizeof w->docx, "%s/docx/%s.docx", o->workspace, w->name);
    return 0;
}

void cli_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* 1 if plan was made from a different file than text: the file it records
 * still exists, is not text (by identity, so "./a.txt" and "a.txt" agree) and
 * has other bytes. The same file with new bytes is an edit, the same bytes
 * elsewhere a moved file; a recorded path that no longer resolves (moved, or
 * given relative to another folder) cannot be told apart from a move. All
 * of these update the plan as usual. */
static int other_source(const longsd_plan *plan, const char *text, const longsd_story *story)
{
    if (strcmp(longsd_plan_source_sha256(plan), longsd_story_sha256(story)) == 0)
        return 0;
    const char *was = longsd_plan_source(plan);
    struct stat a, b;
    if (!was[0] || stat(was, &a) != 0 || stat(text, &b) != 0)
        return 0;
    return a.st_dev != b.st_dev || a.st_ino != b.st_ino;
}

/* Load the story and bring its plan up to date; save the plan if anything
 * was redone. A plan that cannot be read is never overwritten without --force. */
static int prepare(longsd_ctx *ctx, cli_opts *o, ws_paths *w, longsd_story **story, longsd_plan **plan,
                   unsigned *redone, int *saved)
{
    *story = NULL;
    *plan = NULL;
    *saved = 0;
    if (resolve(o, o->args[0], w))
        return EXIT_USAGE;
    longsd_story_params sp = longsd_story_default_params();
    if (longsd_story_load(ctx, w->text, &sp, story)) {
        cli_error("%s", longsd_errmsg(ctx));
        return EXIT_RUNTIME;
    }
    /* the workspace lock, held until the process ends: a second run on the
     * same plan stops here instead of rendering everything twice */
    static longsd_lock *held;
    if (!held && longsd_plan_lock(ctx, w->plan, &held)) {
        cli_error("%s", longsd_errmsg(ctx));
        return EXIT_RUNTIME;
    }
    if (cli_is_file(w->plan) && longsd_plan_load(ctx, w->plan, plan)) {
        if (!o->force) {
            cli_error("%s", longsd_errmsg(ctx));
            return EXIT_RUNTIME;
        }
        cli_note(o, "%s: unreadable, rebuilt because of --force", w->plan);
        *plan = NULL;
    }
    if (*plan && !o->force && other_source(*plan, w->text, *story)) {
        cli_error("%s was made from %s, not from %s (another text with the same name, so the same plan); "
                  "replacing it would lose that plan and its hand edits: rename this text, or give --force to "
                  "replace the plan",
                  w->plan, longsd_plan_source(*plan), w->text);
        return EXIT_RUNTIME;
    }
    if (longsd_plan_update(ctx, plan, w->name, w->text, *story, &o->plan, redone)) {
        cli_error("%s", longsd_errmsg(ctx));
        return longsd_errcode(ctx) == LONGSD_ERR_PARAM || longsd_errcode(ctx) == LONGSD_ERR_NOT_FOUND ? EXIT_USAGE
                                                                                                      : EXIT_RUNTIME;
    }
    if (*redone || !cli_is_file(w->plan)) {
        if (longsd_plan_save(ctx, *plan, w->plan)) {
            cli_error("%s", longsd_errmsg(ctx));
            return EXIT_RUNTIME;
        }
        *saved = 1;
    }
    for (size_t i = 0; i < longsd_plan_n_notes(*plan) && *saved; i++)
        cli_note(o, "note: %s", longsd_plan_note(*plan, i));
    return EXIT_OK;
}

size_t cli_count_images(const longsd_plan *plan)
{
    size_t n = 0;
    for (size_t i = 0; i < longsd_plan_n_ideas(plan); i++) {
        longsd_idea_info ii;
        longsd_plan_idea(plan, i, &ii);
        n += ii.image_state == LONGSD_IMAGE_DONE;
    }
    return n;
}

static void print_summary_json(const ws_paths *w, const longsd_plan *plan, unsigned redone, int docx_written,
                               const char *docx, const cli_docs_result *dr)
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
    printf("]}\n");
}

int cmd_run(longsd_ctx *ctx, cli_opts *o)
{
    ws_paths w;
    longsd_story *story = NULL;
    longsd_plan *plan = NULL;
    unsigned redone = 0;
    int saved = 0, docx_written = 0;
    int rc = prepare(ctx, o, &w, &story, &plan, &redone, &saved);
    if (rc)
        goto out;
    int render_rc = EXIT_OK;
    if (cli_render()->n > 0) { /* --backend: render what is pending; the documents then embed it */
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
        print_summary_json(&w, plan, redone, docx_written, (dr.chosen & CLI_FMT_DOCX) ? dr.docx : NULL, &dr);
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
    else if (n_img < n_ideas && cli_render()->n == 0)
        cli_note(o, "images: %zu of %zu rendered; no image backend configured: add --model NAME (see `longsd models`) "
                    "or --backend a1111=http://127.0.0.1:7860 (or comfyui=URL, openai=URL), or paste the prompts from %s into any "
                    "Stable Diffusion UI",
                 n_img, n_ideas, w.plan);
out:
    longsd_plan_free(plan);
    longsd_story_free(story);
    return rc;
}

static int list_ideas(longsd_ctx *ctx, cli_opts *o, int with_prompts)
{
    ws_paths w;
    longsd_story *story = NULL;
    longsd_plan *plan = NULL;
    unsigned redone = 0;
    int saved = 0;
    int rc = prepare(ctx, o, &w, &story, &plan, &redone, &saved);
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
    longsd_plan_free(plan);
    longsd_story_free(story);
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
