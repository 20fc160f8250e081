/* book.h - one text of a run: its workspace paths, its story and plan
 * brought up to date (`run`, `ideas`, `prompts`, and each book of a batch). */
#ifndef LONGSD_CLI_BOOK_H
#define LONGSD_CLI_BOOK_H

#include "cli_util.h"

/* Paths of one text in the workspace. */
typedef struct {
    char text[4096];        /* the text file to read */
    char name[80];          /* workspace name: sanitised stem */
    char plan[4200];        /* image_prompts/<name>.json */
    char docx[4200];        /* docx/<name>.docx */
} ws_paths;

typedef struct {
    ws_paths w;
    longsd_story *story;
    longsd_plan *plan;
    longsd_lock *lock;      /* the plan's workspace lock, held while open */
    unsigned redone;        /* LONGSD_STAGE_* bits redone */
    int saved;              /* 1 = the plan file was (re)written */
} cli_book;

/* Where the text named by arg (a file, or <name> = texts/<name>.txt in the
 * workspace) and its files are. 0, or -1 after printing why. */
int cli_book_resolve(const cli_opts *o, const char *arg, ws_paths *w);
/* Load the text, lock its plan, bring the plan up to date and save it if
 * anything was redone. A plan that cannot be read is never overwritten
 * without --force. Returns an exit status (errors printed); close b either
 * way. */
int cli_book_open(longsd_ctx *ctx, const cli_opts *o, const char *arg, cli_book *b);
/* Free the story and plan, release the lock. */
void cli_book_close(cli_book *b);

#endif
