/* serve_req.h - what `longsd serve` accepts from a browser: every request is
 * checked here before anything touches a plan or a file (Host and Origin
 * against DNS rebinding and CSRF, the access token, the method, the body's
 * size, type and fields, the names in the path), and turned into one typed
 * action. Pure functions over strings, so the fuzz target and the tests
 * drive exactly what the server runs. */
#ifndef LONGSD_SERVE_REQ_H
#define LONGSD_SERVE_REQ_H

#include <stddef.h>

#include "longsd.h"

/* One request as the HTTP layer saw it (borrowed strings; NULL = absent). */
typedef struct {
    const char *method;       /* "GET", "POST", ... */
    const char *path;         /* URL path, percent-decoded, without the query */
    const char *host;         /* Host header */
    const char *origin;       /* Origin header */
    const char *token;        /* X-Longsd-Token header, else the t= query argument */
    const char *content_type; /* Content-Type header */
    const char *body;         /* POST body (not NUL-terminated) */
    size_t body_len;
    int body_too_big;         /* 1: the HTTP layer stopped reading at max_body */
} ls_serve_req;

#define LS_SERVE_MAX_HOSTS 32
#define LS_SERVE_MAX_BODY ((size_t)64 << 10) /* an edit is a few KiB */
#define LS_SERVE_MAX_FIELD 4096              /* bytes of one text field */

typedef struct {
    const char *token;                    /* the secret printed in the URL */
    const char *hosts[LS_SERVE_MAX_HOSTS];/* Host values allowed ("127.0.0.1:8080") */
    size_t n_hosts;
    size_t max_body;                      /* 0 = LS_SERVE_MAX_BODY */
} ls_serve_policy;

enum {
    LS_ROUTE_NONE = 0,
    LS_ROUTE_ASSET,    /* GET /static/<name>: the page's CSS and JS, no token */
    LS_ROUTE_PAGE,     /* GET / */
    LS_ROUTE_BOOKS,    /* GET /api/books */
    LS_ROUTE_BOOK,     /* GET /api/book/<book> */
    LS_ROUTE_PROGRESS, /* GET /api/book/<book>/progress */
    LS_ROUTE_IMAGE,    /* GET /img/<book>/<file> */
    LS_ROUTE_DOWNLOAD, /* GET /download/<book>/<docx|epub|html> */
    LS_ROUTE_CHOOSE,   /* POST /api/book/<book>/choose {idea, k} */
    LS_ROUTE_REROLL,   /* POST /api/book/<book>/reroll {idea, n?} */
    LS_ROUTE_EDIT,     /* POST /api/book/<book>/edit {idea, scene?, prompt?, negative?, seed?, style?} */
    LS_ROUTE_CAST,     /* POST /api/book/<book>/cast {name, description} */
    LS_ROUTE_RENDER,   /* POST /api/book/<book>/render {idea} */
    LS_ROUTE_EXPORT    /* POST /api/book/<book>/export {formats?: ["docx", "epub", "html"]} */
};

enum { LS_FMT_DOCX = 1, LS_FMT_EPUB = 2, LS_FMT_HTML = 4 };

typedef struct {
    int route;            /* LS_ROUTE_* */
    int status;           /* 0 = accepted; else the HTTP status to refuse with */
    char why[200];        /* the reason, for the response */
    char book[128];       /* a plan name (checked like one) */
    char file[128];       /* IMAGE: a file name in images/<book>/; ASSET: the asset; DOWNLOAD: the format */
    char idea[48];        /* an idea id, "" = absent */
    long long k, n, seed; /* -1 = absent */
    char *scene, *prompt, *negative, *style, *name, *description; /* owned, NULL = absent */
    unsigned formats;     /* LS_FMT_* bits; 0 = the default */
} ls_serve_action;

/* Check r against p and decode it into *a (always filled: a->status says
 * whether it was refused). Free with ls_serve_action_clear. */
void ls_serve_route(const ls_serve_policy *p, const ls_serve_req *r, ls_serve_action *a /* OUT */);
void ls_serve_action_clear(ls_serve_action *a);

/* A raw HTTP/1.x request (request line, headers, blank line, body) parsed
 * into *r, for the fuzz target and the tests; the strings live in *storage
 * (free with longsd__free). Returns 0, or -1 for a malformed request. */
int ls_serve_parse_raw(const char *data, size_t n, ls_serve_req *r /* OUT */, char **storage /* OUT */);

/* 1 if a and b are equal, in time independent of where they differ. */
int ls_serve_token_eq(const char *a, const char *b);

#endif
