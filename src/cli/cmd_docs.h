/* cmd_docs.h - the document commands of the CLI: `longsd docx|epub|html`
 * re-assemble a document from the plan and the images on disk (the
 * original's dump_docx.py), and cli_docs_write() writes the formats chosen
 * with --formats for `longsd run`. */
#ifndef LONGSD_CMD_DOCS_H
#define LONGSD_CMD_DOCS_H

#include "cli_util.h"

enum { CLI_FMT_DOCX = 1, CLI_FMT_EPUB = 2, CLI_FMT_HTML = 4 };

/* Check the options once parsed: 0, or -1 after printing why (a usage
 * error, exit 2). *mask gets the CLI_FMT_* bits of --formats. */
int cli_docs_check(const cli_doc_opts *d, unsigned *mask);

/* longsd docx|epub|html [--layout L] [-o PATH] <name|plan.json> */
int cmd_docs_docx(longsd_ctx *ctx, cli_opts *o);
int cmd_epub(longsd_ctx *ctx, cli_opts *o);
int cmd_html(longsd_ctx *ctx, cli_opts *o);

/* What cli_docs_write did. */
typedef struct {
    unsigned chosen;      /* CLI_FMT_* bits asked for */
    unsigned written;     /* CLI_FMT_* bits (re)written; the others were current */
    char docx[4200];      /* docx/<name>.docx */
    char epub[4200];      /* epub/<name>.epub */
    char html[4200];      /* html/<name> (folder) or html/<name>.html (--single-file) */
} cli_docs_result;

/* For `longsd run`: write the formats chosen with --formats (default
 * docx,html) for the plan just brought up to date, in the workspace
 * (o->workspace). A document newer than the plan file and every image is
 * kept unless force. Returns an exit status; errors are printed. */
int cli_docs_write(longsd_ctx *ctx, const cli_opts *o, const char *name, const char *plan_path,
                   const longsd_plan *plan, const longsd_story *story, int force, cli_docs_result *res);

#endif
