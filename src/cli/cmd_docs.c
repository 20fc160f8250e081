/* cmd_docs.c - `longsd docx|epub|html`: re-assemble a document from the plan
 * and the images on disk; and the document step of `longsd run`. */
#include "cmd_docs.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *const FMT_NAMES[] = {"docx", "epub", "html"};

int cli_docs_check(const cli_doc_opts *d, unsigned *mask)
{
    unsigned m = 0;
    const char *s = d->formats && *d->formats ? d->formats : "docx,html";
    if (d->layout && strcmp(d->layout, LONGSD_LAYOUT_STORY) != 0 && strcmp(d->layout, LONGSD_LAYOUT_GALLERY) != 0) {
        cli_error("--layout: expected story or gallery, got \"%s\"", d->layout);
        return -1;
    }
    if (strcmp(s, "all") == 0) {
        m = CLI_FMT_DOCX | CLI_FMT_EPUB | CLI_FMT_HTML;
    } else {
        while (*s) {
            size_t n = strcspn(s, ",");
            int found = 0;
            for (int i = 0; i < 3; i++)
                if (n == strlen(FMT_NAMES[i]) && strncmp(s, FMT_NAMES[i], n) == 0) {
                    m |= 1u << i;
                    found = 1;
                }
            if (!found) {
                cli_error("--formats: unknown format \"%.*s\" (formats: docx, epub, html, or all)", (int)n, s);
                return -1;
            }
            s += n;
            if (*s == ',')
                s++;
        }
        if (!m) {
            cli_error("--formats: name at least one of docx, epub, html");
            return -1;
        }
    }
    if (d->language) {
        size_t n = strlen(d->language);
        int ok = n >= 2 && n <= 35;
        for (size_t i = 0; ok && i < n; i++)
            ok = (d->language[i] >= 'a' && d->language[i] <= 'z') || (d->language[i] >= 'A' && d->language[i] <= 'Z') ||
                 (d->language[i] >= '0' && d->language[i] <= '9') || d->language[i] == '-';
        if (!ok) {
            cli_error("--language: expected a language tag such as en, de or pt-BR, got \"%s\"", d->language);
            return -1;
        }
    }
    if (mask)
        *mask = m;
    return 0;
}


static double mtime_of(const char *p)
{
    struct stat st;
    if (stat(p, &st) != 0)
        return -1;
    return (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec * 1e-9;
}

/* A document is current when it is newer than the plan and every image. */
static int doc_current(const char *ws, const char *doc, const char *plan_path, const longsd_plan *plan)
{
    double d = mtime_of(doc);
    if (d < 0 || mtime_of(plan_path) > d)
        return 0;
    for (size_t i = 0; i < longsd_plan_n_ideas(plan); i++) {
        longsd_idea_info ii;
        longsd_plan_idea(plan, i, &ii);
        if (ii.image_file) {
            char p[4200];
            snprintf(p, sizeof p, "%s/%s", ws, ii.image_file);
            if (mtime_of(p) > d)
                return 0;
        }
    }
    return 1;
}



static int status_exit(longsd_ctx *ctx) { return cli_exit_of(longsd_errcode(ctx)); }

static longsd_status write_one(longsd_ctx *ctx, unsigned fmt, const longsd_plan *plan, const char *path,
                               const longsd_doc_params *opts)
{
    if (fmt == CLI_FMT_DOCX)
        return longsd_docx_write(ctx, plan, path, opts);
    if (fmt == CLI_FMT_EPUB)
        return longsd_epub_write(ctx, plan, path, opts);
    return longsd_html_write(ctx, plan, path, opts);
}

/* Where a format goes in the workspace. */
static void default_path(const char *ws, const char *name, unsigned fmt, int single, char *out, size_t n)
{
    if (fmt == CLI_FMT_DOCX)
        snprintf(out, n, "%s/docx/%s.docx", ws, name);
    else if (fmt == CLI_FMT_EPUB)
        snprintf(out, n, "%s/epub/%s.epub", ws, name);
    else if (single)
        snprintf(out, n, "%s/html/%s.html", ws, name);
    else
        snprintf(out, n, "%s/html/%s", ws, name);
}

/* The file whose time says when a document was written. */
static void stamp_path(unsigned fmt, int single, const char *path, char *out, size_t n)
{
    if (fmt == CLI_FMT_HTML && !single)
        snprintf(out, n, "%s/index.html", path);
    else
        snprintf(out, n, "%s", path);
}

static longsd_doc_params options_for(const cli_opts *o, const longsd_story *story)
{
    longsd_doc_params d = longsd_doc_default_params();
    d.workspace = o->workspace;
    d.layout = o->docs.layout;
    d.story = story;
    d.language = o->docs.language;
    d.cover = o->docs.cover;
    d.single_file = o->docs.single_file;
    return d;
}

int cli_docs_write(longsd_ctx *ctx, const cli_opts *o, const char *name, const char *plan_path,
                   const longsd_plan *plan, const longsd_story *story, int force, cli_docs_result *res)
{
    unsigned mask = 0;
    memset(res, 0, sizeof *res);
    if (cli_docs_check(&o->docs, &mask))
        return EXIT_USAGE;
    res->chosen = mask;
    longsd_doc_params d = options_for(o, story);
    for (unsigned fmt = 1; fmt <= CLI_FMT_HTML; fmt <<= 1) {
        char *path = fmt == CLI_FMT_DOCX ? res->docx : fmt == CLI_FMT_EPUB ? res->epub : res->html;
        default_path(o->workspace, name, fmt, o->docs.single_file, path, sizeof res->docx);
        if (!(mask & fmt))
            continue;
        char stamp[4300];
        stamp_path(fmt, o->docs.single_file, path, stamp, sizeof stamp);
        if (!force && doc_current(o->workspace, stamp, plan_path, plan))
            continue;
        if (write_one(ctx, fmt, plan, path, &d)) {
            cli_error("%s", longsd_errmsg(ctx));
            return status_exit(ctx);
        }
        res->written |= fmt;
    }
    return EXIT_OK;
}

/* Load the text a plan was made from, for the story layout. NULL with the
 * reason in why (a load's own message, or "no such file"): the context's
 * message may be left over from an earlier call and says nothing here. */
static longsd_story *load_source(longsd_ctx *ctx, const cli_opts *o, const longsd_plan *plan, char *why,
                                 size_t why_size)
{
    const char *src = longsd_plan_source(plan);
    char alt[4200];
    longsd_story_params sp = longsd_story_default_params();
    longsd_story *s = NULL;
    snprintf(why, why_size, "no such file");
    if (src && *src && cli_is_file(src)) {
        if (longsd_story_load(ctx, src, &sp, &s) == LONGSD_OK)
            return s;
        snprintf(why, why_size, "%s", longsd_errmsg(ctx));
        return NULL;
    }
    snprintf(alt, sizeof alt, "%s/texts/%s.txt", o->workspace, longsd_plan_name(plan));
    if (cli_is_file(alt)) {
        if (longsd_story_load(ctx, alt, &sp, &s) == LONGSD_OK)
            return s;
        snprintf(why, why_size, "%s", longsd_errmsg(ctx));
    }
    return NULL;
}


static int reassemble(longsd_ctx *ctx, cli_opts *o, unsigned fmt)
{
    const char *arg = o->args[0];
    char plan_path[4200], out[4200];
    size_t n = strlen(arg);
    if (cli_docs_check(&o->docs, NULL))
        return EXIT_USAGE;
    if (n > 5 && strcmp(arg + n - 5, ".json") == 0) {
        snprintf(plan_path, sizeof plan_path, "%s", arg);
    } else {
        char name[80];
        cli_stem_name(arg, name, sizeof name);
        snprintf(plan_path, sizeof plan_path, "%s/image_prompts/%s.json", o->workspace, name);
    }
    longsd_plan *plan = NULL;
    longsd_story *story = NULL;
    int rc = EXIT_OK;
    if (!cli_is_file(plan_path)) { /* a name given that has no plan: as any missing file, exit 2 */
        cli_error("%s: no such file (run `longsd run` on the text first)", plan_path);
        return EXIT_USAGE;
    }
    if (longsd_plan_load(ctx, plan_path, &plan)) {
        cli_error("%s", longsd_errmsg(ctx));
        return EXIT_RUNTIME;
    }
    int story_layout = !o->docs.layout || strcmp(o->docs.layout, LONGSD_LAYOUT_STORY) == 0;
    char why[1100];
    if (story_layout && !(story = load_source(ctx, o, plan, why, sizeof why))) {
        cli_error("the story layout needs the text the plan was made from (%s): %s; bring it back, or use "
                  "--layout gallery",
                  longsd_plan_source(plan), why);
        rc = EXIT_RUNTIME;
        goto out;
    }
    if (o->output)
        snprintf(out, sizeof out, "%s", o->output);
    else
        default_path(o->workspace, longsd_plan_name(plan), fmt, o->docs.single_file, out, sizeof out);
    longsd_doc_params d = options_for(o, story);
    if (write_one(ctx, fmt, plan, out, &d)) {
        cli_error("%s", longsd_errmsg(ctx));
        rc = status_exit(ctx);
        goto out;
    }
    const char *fname = fmt == CLI_FMT_DOCX ? "docx" : fmt == CLI_FMT_EPUB ? "epub" : "html";
    if (o->json) {
        printf("{\"%s\": ", fname);
        cli_json_str(stdout, out);
        printf(", \"layout\": \"%s\", \"ideas\": %zu, \"images\": %zu}\n", story_layout ? "story" : "gallery",
               longsd_plan_n_ideas(plan), cli_count_images(plan));
    } else {
        cli_note(o, "%s: %zu ideas, %zu images, %s layout", out, longsd_plan_n_ideas(plan), cli_count_images(plan),
                 story_layout ? "story" : "gallery");
    }
out:
    longsd_story_free(story);
    longsd_plan_free(plan);
    return rc;
}

int cmd_docs_docx(longsd_ctx *ctx, cli_opts *o) { return reassemble(ctx, o, CLI_FMT_DOCX); }
int cmd_epub(longsd_ctx *ctx, cli_opts *o) { return reassemble(ctx, o, CLI_FMT_EPUB); }
int cmd_html(longsd_ctx *ctx, cli_opts *o) { return reassemble(ctx, o, CLI_FMT_HTML); }
