/* book.c - one text in the workspace (book.h): where its files go, and
 * bringing its plan up to date under the workspace lock. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "book.h"


int cli_book_resolve(const cli_opts *o, const char *arg, ws_paths *w)
{
    int has_sep = strchr(arg, '/') != NULL;
    size_t n = strlen(arg);
    int looks_path = has_sep || (n > 4 && strcmp(arg + n - 4, ".txt") == 0);
    if (cli_is_file(arg) || looks_path) {
        snprintf(w->text, sizeof w->text, "%s", arg);
        if (cli_check_file(NULL, arg)) /* the same exit status as a missing <name> */
            return -1;
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
int cli_book_open(longsd_ctx *ctx, const cli_opts *o, const char *arg, cli_book *b)
{
    memset(b, 0, sizeof *b);
    ws_paths *w = &b->w;
    longsd_story **story = &b->story;
    longsd_plan **plan = &b->plan;
    unsigned *redone = &b->redone;
    int *saved = &b->saved;
    if (cli_book_resolve(o, arg, w))
        return EXIT_USAGE;
    longsd_story_params sp = longsd_story_default_params();
    if (longsd_story_load(ctx, w->text, &sp, story)) {
        cli_error("%s", longsd_errmsg(ctx));
        return EXIT_RUNTIME;
    }
    /* the workspace lock, held until the book is closed: a second run on
     * the same plan stops here instead of rendering everything twice */
    if (longsd_plan_lock(ctx, w->plan, &b->lock)) {
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
        return cli_exit_of(longsd_errcode(ctx));
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
    /* the plan kept its size (its pictures are drawn at it): say what the
     * model's own would be, and how to get it */
    longsd_idea_info ii;
    if (o->size_model && longsd_plan_n_ideas(*plan) && longsd_plan_idea(*plan, 0, &ii) == LONGSD_OK &&
        (ii.width != o->plan.width || ii.height != o->plan.height))
        cli_note(o, "note: %s keeps its %dx%d; %s draws at %dx%d by default (--size %dx%d redraws at it)", w->plan,
                 ii.width, ii.height, cli_safe(o->size_model), o->plan.width, o->plan.height, o->plan.width,
                 o->plan.height);
    return EXIT_OK;
}

void cli_book_close(cli_book *b)
{
    longsd_plan_free(b->plan);
    longsd_story_free(b->story);
    longsd_plan_unlock(b->lock);
    b->plan = NULL;
    b->story = NULL;
    b->lock = NULL;
}
