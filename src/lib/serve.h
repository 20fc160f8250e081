/* serve.h - internals of `longsd serve` (serve.c: the HTTP server on
 * libmicrohttpd, its render queue and the book's JSON; serve_req.c: what a
 * request may ask; serve_assets.c: the page). */
#ifndef LONGSD_SERVE_H
#define LONGSD_SERVE_H

#include <stddef.h>

/* The built-in page file name ("index.html", "app.css", "app.js"): its bytes
 * and MIME type. 0, or -1 if there is no such asset. */
int ls_serve_asset(const char *name, const char **data, size_t *n, const char **type);

#endif
