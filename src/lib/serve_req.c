/* serve_req.c - see serve_req.h. The order of the checks matters: Host
 * first (a DNS-rebinding page reaches us under its own name), then Origin (a
 * foreign page's fetch), then the token, then method, type, size and
 * fields; nothing is decoded from a request refused earlier. */
#include "serve_req.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "wspath.h"

int ls_serve_token_eq(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    size_t la = strlen(a), lb = strlen(b);
    unsigned char d = (unsigned char)(la != lb);
    for (size_t i = 0; i < lb; i++)
        d |= (unsigned char)(a[i < la ? i : 0] ^ b[i]);
    return d == 0 && lb > 0;
}

void ls_serve_action_clear(ls_serve_action *a)
{
    longsd__free(a->scene);
    longsd__free(a->prompt);
    longsd__free(a->negative);
    longsd__free(a->style);
    longsd__free(a->name);
    longsd__free(a->description);
    memset(a, 0, sizeof *a);
}

static void refuse(ls_serve_action *a, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void refuse(ls_serve_action *a, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->why, sizeof a->why, fmt, ap);
    va_end(ap);
    a->status = status;
}

static int host_allowed(const ls_serve_policy *p, const char *host)
{
    for (size_t i = 0; host && i < p->n_hosts; i++)
        if (p->hosts[i] && strcasecmp(p->hosts[i], host) == 0)
            return 1;
    return 0;
}

/* Origin is "http://<host>": the page's own, nothing else */
static int origin_allowed(const ls_serve_policy *p, const char *origin)
{
    return strncmp(origin, "http://", 7) == 0 && host_allowed(p, origin + 7);
}

/* One path component of [A-Za-z0-9._-], not starting with '.' or '-'. */
static int plain_component(const char *s, size_t n)
{
    if (!n || n >= 128 || s[0] == '.' || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return 0;
    }
    return 1;
}

/* Split "/a/b/c" into at most 4 components; -1 if more or any is empty. */
static int split_path(const char *path, const char *seg[4], size_t len[4])
{
    if (!path || path[0] != '/')
        return -1;
    int n = 0;
    const char *p = path + 1;
    if (!*p)
        return 0;
    while (1) {
        const char *e = strchr(p, '/');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (n == 4 || l == 0)
            return -1;
        seg[n] = p;
        len[n++] = l;
        if (!e)
            return n;
        p = e + 1;
    }
}

static int seg_is(const char *s, size_t n, const char *lit) { return strlen(lit) == n && memcmp(s, lit, n) == 0; }

/* ---- the JSON body of a POST */

static int body_str(ls_serve_action *a, json_t *o, const char *key, char **out)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        refuse(a, 400, "body: \"%s\" must be a string", key);
        return -1;
    }
    size_t n = json_string_length(v);
    if (n > LS_SERVE_MAX_FIELD) {
        refuse(a, 413, "body: \"%s\" is over %d bytes", key, LS_SERVE_MAX_FIELD);
        return -1;
    }
    if (memchr(json_string_value(v), '\0', n)) {
        refuse(a, 400, "body: \"%s\" holds a NUL character", key);
        return -1;
    }
    if (!(*out = longsd__strndup(json_string_value(v), n))) {
        refuse(a, 503, "out of memory");
        return -1;
    }
    return 0;
}

static int body_int(ls_serve_action *a, json_t *o, const char *key, long long lo, long long hi, long long *out)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        refuse(a, 400, "body: \"%s\" must be a whole number from %lld to %lld", key, lo, hi);
        return -1;
    }
    *out = json_integer_value(v);
    return 0;
}

static int body_idea(ls_serve_action *a, json_t *o, int required)
{
    json_t *v = json_object_get(o, "idea");
    if (!v && !required)
        return 0;
    const char *s = json_string_value(v);
    if (!s || !plain_component(s, strlen(s)) || strlen(s) >= sizeof a->idea) {
        refuse(a, 400, "body: \"idea\" must be an idea id such as \"beginning-01\"");
        return -1;
    }
    snprintf(a->idea, sizeof a->idea, "%s", s);
    return 0;
}

static void decode_body(const ls_serve_req *r, ls_serve_action *a)
{
    json_error_t je;
    json_t *o = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!json_is_object(o)) {
        refuse(a, 400, "body: expected a JSON object (%s at byte %d)", o ? "not an object" : je.text, je.position);
        json_decref(o);
        return;
    }
    int bad = 0;
    switch (a->route) {
    case LS_ROUTE_CHOOSE:
        bad = body_idea(a, o, 1) || body_int(a, o, "k", 1, 16, &a->k);
        if (!bad && a->k < 0)
            refuse(a, 400, "body: \"k\" (the candidate, from 1) is missing");
        break;
    case LS_ROUTE_REROLL:
        bad = body_idea(a, o, 1) || body_int(a, o, "n", 1, 16, &a->n);
        break;
    case LS_ROUTE_RENDER:
        bad = body_idea(a, o, 1);
        break;
    case LS_ROUTE_EDIT:
        bad = body_idea(a, o, 1) || body_str(a, o, "scene", &a->scene) || body_str(a, o, "prompt", &a->prompt) ||
              body_str(a, o, "negative", &a->negative) || body_str(a, o, "style", &a->style) ||
              body_int(a, o, "seed", 0, 4294967295LL, &a->seed);
        break;
    case LS_ROUTE_CAST:
        bad = body_str(a, o, "name", &a->name) || body_str(a, o, "description", &a->description);
        if (!bad && (!a->name || !a->description))
            refuse(a, 400, "body: \"name\" and \"description\" are both needed");
        break;
    case LS_ROUTE_EXPORT: {
        json_t *f = json_object_get(o, "formats");
        if (f && !json_is_array(f)) {
            refuse(a, 400, "body: \"formats\" must be a list of \"docx\", \"epub\", \"html\"");
            break;
        }
        for (size_t i = 0; f && i < json_array_size(f); i++) {
            const char *s = json_string_value(json_array_get(f, i));
            unsigned bit = !s ? 0 : !strcmp(s, "docx") ? LS_FMT_DOCX : !strcmp(s, "epub") ? LS_FMT_EPUB
                                                                   : !strcmp(s, "html") ? LS_FMT_HTML : 0;
            if (!bit) {
                refuse(a, 400, "body: formats[%zu] must be \"docx\", \"epub\" or \"html\"", i);
                break;
            }
            a->formats |= bit;
        }
        break;
    }
    }
    (void)bad;
    json_decref(o);
}

void ls_serve_route(const ls_serve_policy *p, const ls_serve_req *r, ls_serve_action *a)
{
    memset(a, 0, sizeof *a);
    a->k = a->n = a->seed = -1;
    if (!r->host || !host_allowed(p, r->host))
        return refuse(a, 403, "Host \"%.80s\" is not this server's (DNS rebinding?)", r->host ? r->host : "");
    if (r->origin && !origin_allowed(p, r->origin))
        return refuse(a, 403, "Origin \"%.80s\" is not this page's", r->origin);
    const char *seg[4];
    size_t len[4];
    int n = split_path(r->path, seg, len);
    if (n < 0)
        return refuse(a, 404, "no such page");
    int get = r->method && strcmp(r->method, "GET") == 0, post = r->method && strcmp(r->method, "POST") == 0;
    if (!get && !post)
        return refuse(a, 405, "only GET and POST");
    /* the page's own CSS and JS are public: no token, nothing in them is secret */
    if (n == 2 && seg_is(seg[0], len[0], "static")) {
        if (!get)
            return refuse(a, 405, "GET only");
        if (!plain_component(seg[1], len[1]))
            return refuse(a, 404, "no such asset");
        a->route = LS_ROUTE_ASSET;
        snprintf(a->file, sizeof a->file, "%.*s", (int)len[1], seg[1]);
        return;
    }
    if (!ls_serve_token_eq(r->token, p->token))
        return refuse(a, 403, "%s", r->token ? "wrong access token" : "no access token (open the URL longsd serve printed)");
    int route = LS_ROUTE_NONE, want_post = 0;
    if (n == 0 || (n == 1 && seg_is(seg[0], len[0], "index.html"))) {
        route = LS_ROUTE_PAGE;
    } else if (n == 2 && seg_is(seg[0], len[0], "api") && seg_is(seg[1], len[1], "books")) {
        route = LS_ROUTE_BOOKS;
    } else if ((n == 3 || n == 4) && seg_is(seg[0], len[0], "api") && seg_is(seg[1], len[1], "book")) {
        if (n == 3)
            route = LS_ROUTE_BOOK;
        else {
            static const struct {
                const char *name;
                int route, post;
            } acts[] = {{"progress", LS_ROUTE_PROGRESS, 0}, {"choose", LS_ROUTE_CHOOSE, 1},
                        {"reroll", LS_ROUTE_REROLL, 1},     {"edit", LS_ROUTE_EDIT, 1},
                        {"cast", LS_ROUTE_CAST, 1},         {"render", LS_ROUTE_RENDER, 1},
                        {"export", LS_ROUTE_EXPORT, 1}};
            for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
                if (seg_is(seg[3], len[3], acts[i].name)) {
                    route = acts[i].route;
                    want_post = acts[i].post;
                }
        }
    } else if (n == 3 && seg_is(seg[0], len[0], "img")) {
        route = LS_ROUTE_IMAGE;
    } else if (n == 3 && seg_is(seg[0], len[0], "download")) {
        route = LS_ROUTE_DOWNLOAD;
    }
    if (route == LS_ROUTE_NONE)
        return refuse(a, 404, "no such page");
    if (route != LS_ROUTE_PAGE && route != LS_ROUTE_BOOKS) {
        /* the book: a plan name; the server then looks it up among those it serves */
        int bi = route == LS_ROUTE_IMAGE || route == LS_ROUTE_DOWNLOAD ? 1 : 2; /* /img/<book>/..., /api/book/<book> */
        char book[128];
        snprintf(book, sizeof book, "%.*s", (int)(len[bi] < 127 ? len[bi] : 127), seg[bi]);
        size_t bl = strlen(book);
        if (!plain_component(book, bl) || ls_wspath_check_name(book, NULL))
            return refuse(a, 404, "no such book");
        memcpy(a->book, book, bl + 1);
    }
    if (route == LS_ROUTE_IMAGE) {
        size_t fl = len[2];
        const char *f = seg[2];
        int img = (fl > 4 && (!memcmp(f + fl - 4, ".png", 4) || !memcmp(f + fl - 4, ".jpg", 4))) ||
                  (fl > 5 && !memcmp(f + fl - 5, ".jpeg", 5));
        if (!plain_component(f, fl) || !img)
            return refuse(a, 404, "no such image");
        snprintf(a->file, sizeof a->file, "%.*s", (int)fl, f);
    }
    if (route == LS_ROUTE_DOWNLOAD) {
        if (!seg_is(seg[2], len[2], "docx") && !seg_is(seg[2], len[2], "epub"))
            return refuse(a, 404, "no such document (docx or epub)");
        snprintf(a->file, sizeof a->file, "%.*s", (int)len[2], seg[2]);
    }
    if (want_post != post)
        return refuse(a, 405, want_post ? "POST only" : "GET only");
    a->route = route;
    if (!post)
        return;
    size_t cap = p->max_body ? p->max_body : LS_SERVE_MAX_BODY;
    if (r->body_too_big || r->body_len > cap)
        return refuse(a, 413, "body over %zu bytes", cap);
    /* JSON only: a form post from another site cannot carry this type
     * without a CORS preflight, which we never answer */
    if (!r->content_type || strncasecmp(r->content_type, "application/json", 16) != 0)
        return refuse(a, 415, "body must be application/json");
    decode_body(r, a);
}

/* ---- raw requests (tests, fuzzing) */

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* percent-decode s in place (as the HTTP layer does for the path) */
static void pct_decode(char *s)
{
    char *o = s;
    for (char *p = s; *p; p++) {
        int h, l;
        if (*p == '%' && (h = hexval(p[1])) >= 0 && (l = hexval(p[2])) >= 0) {
            *o++ = (char)(h * 16 + l);
            p += 2;
        } else
            *o++ = *p;
    }
    *o = '\0';
}

int ls_serve_parse_raw(const char *data, size_t n, ls_serve_req *r, char **storage)
{
    memset(r, 0, sizeof *r);
    *storage = NULL;
    if (n > ((size_t)1 << 20))
        return -1;
    const char *end = NULL;
    for (size_t i = 0; i + 3 < n; i++)
        if (!memcmp(data + i, "\r\n\r\n", 4)) {
            end = data + i;
            break;
        }
    if (!end)
        return -1;
    size_t hl = (size_t)(end - data);
    char *h = longsd__malloc(hl + 1);
    if (!h)
        return -1;
    memcpy(h, data, hl);
    h[hl] = '\0';
    if (memchr(h, '\0', hl)) {
        longsd__free(h);
        return -1;
    }
    *storage = h;
    r->body = end + 4;
    r->body_len = n - hl - 4;
    /* request line */
    char *line = h, *nl = strstr(line, "\r\n");
    if (nl)
        *nl = '\0';
    char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0)
        return -1;
    *sp1 = *sp2 = '\0';
    r->method = line;
    char *target = sp1 + 1, *q = strchr(target, '?');
    if (q) {
        *q++ = '\0';
        for (char *arg = strtok(q, "&"); arg; arg = strtok(NULL, "&"))
            if (!strncmp(arg, "t=", 2)) {
                pct_decode(arg + 2);
                r->token = arg + 2;
            }
    }
    pct_decode(target);
    r->path = target;
    /* headers; the first of each wins, as the server's lookup does */
    const char *tok_header = NULL;
    for (char *p = nl ? nl + 2 : NULL; p && *p;) {
        char *e = strstr(p, "\r\n");
        if (e)
            *e = '\0';
        char *colon = strchr(p, ':');
        if (!colon)
            return -1;
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        if (!strcasecmp(p, "host") && !r->host)
            r->host = v;
        else if (!strcasecmp(p, "origin") && !r->origin)
            r->origin = v;
        else if (!strcasecmp(p, "content-type") && !r->content_type)
            r->content_type = v;
        else if (!strcasecmp(p, "x-longsd-token") && !tok_header)
            tok_header = v;
        p = e ? e + 2 : NULL;
    }
    if (tok_header)
        r->token = tok_header;
    return 0;
}
