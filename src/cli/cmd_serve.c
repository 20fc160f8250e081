/* cmd_serve.c - `longsd serve [name...]`: the page to curate the pictures
 * (the library's longsd_serve) over the workspace, with the backends given
 * on the command line for re-renders. Prints the URL (with its token) and
 * runs until Ctrl-C. */
#include <stdio.h>

#include "cli.h"
#include "render.h"

static void on_ready(void *user, const char *url)
{
    const cli_opts *o = user;
    /* the URL is the key to the page: on stdout, even with -q, and flushed so
     * a script reading it never waits */
    if (o->json)
        printf("{\"url\": \"%s\"}\n", url);
    else
        printf("longsd serve: open %s\n", url);
    fflush(stdout);
    cli_note(o, "(Ctrl-C stops it; every change goes to the plan file, so `longsd run` sees it)");
}

int cmd_serve(longsd_ctx *ctx, cli_opts *o)
{
    longsd_serve_params p = longsd_serve_default_params();
    p.workspace = o->workspace;
    if (o->serve.listen)
        p.listen = o->serve.listen;
    p.port = o->serve.port;
    p.books = o->args;
    p.n_books = (size_t)o->n_args;
    p.render = cli_render_params(o);
    if (o->plan.candidates > 0)
        p.candidates = o->plan.candidates;
    p.styles_file = o->plan.styles_file;
    p.ready = on_ready;
    p.user_data = o;
    longsd_status st = longsd_serve(ctx, &p);
    if (st) {
        cli_error("%s", longsd_errmsg(ctx));
        return cli_exit_of(st);
    }
    return EXIT_OK;
}
