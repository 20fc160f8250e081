/* test_serve_req.c - what `longsd serve` accepts (serve_req.c), as rows of
 * raw requests: the route and fields it decodes, or the status and reason it
 * refuses with. The order of the checks shows: a foreign Host is refused
 * even with the token, an asset needs no token, a change needs JSON. */
#include "serve_req.h"
#include "t.h"
#include "util.h"

#define TOK "0123456789abcdef0123456789abcdef"
#define H "Host: 127.0.0.1:8080\r\n"
#define J "Content-Type: application/json\r\n"
#define K "X-Longsd-Token: " TOK "\r\n"

static const struct {
    const char *raw;
    int status;       /* 0 = accepted */
    int route;
    const char *why;  /* in the reason when refused */
} rows[] = {
    {"GET /?t=" TOK " HTTP/1.1\r\n" H "\r\n", 0, LS_ROUTE_PAGE, NULL},
    {"GET / HTTP/1.1\r\n" H "\r\n", 403, 0, "no access token"},
    {"GET /?t=" TOK "0 HTTP/1.1\r\n" H "\r\n", 403, 0, "wrong access token"},
    {"GET /static/app.css HTTP/1.1\r\n" H "\r\n", 0, LS_ROUTE_ASSET, NULL},
    {"POST /static/app.css HTTP/1.1\r\n" H "\r\n", 405, 0, "GET only"},
    {"GET /static/..%2fx HTTP/1.1\r\n" H "\r\n", 403, 0, "no access token"}, /* not an asset: the token first */
    {"GET /static/app.css HTTP/1.1\r\nHost: evil.example:8080\r\n\r\n", 403, 0, "DNS rebinding"},
    {"GET /api/books HTTP/1.1\r\n" K "\r\n", 403, 0, "is not this server's"}, /* no Host at all */
    {"GET /api/books HTTP/1.1\r\nHost: LOCALHOST:8080\r\n" K "\r\n", 0, LS_ROUTE_BOOKS, NULL},
    {"GET /api/books HTTP/1.1\r\nHost: 127.0.0.1:8081\r\n" K "\r\n", 403, 0, "is not this server's"},
    {"GET /api/book/fence HTTP/1.1\r\n" H K "\r\n", 0, LS_ROUTE_BOOK, NULL},
    {"GET /api/book/fence/progress?t=" TOK " HTTP/1.1\r\n" H "\r\n", 0, LS_ROUTE_PROGRESS, NULL},
    {"GET /api/book/.fence HTTP/1.1\r\n" H K "\r\n", 404, 0, "no such book"},
    {"GET /api/book/a/b/c HTTP/1.1\r\n" H K "\r\n", 404, 0, "no such page"},
    {"GET /img/fence/a.png HTTP/1.1\r\n" H K "\r\n", 0, LS_ROUTE_IMAGE, NULL},
    {"GET /img/fence/a.json HTTP/1.1\r\n" H K "\r\n", 404, 0, "no such image"},
    {"GET /img/fence/.hidden.png HTTP/1.1\r\n" H K "\r\n", 404, 0, "no such image"},
    {"GET /img/fence/..png HTTP/1.1\r\n" H K "\r\n", 404, 0, "no such image"},
    {"GET /static/.htaccess HTTP/1.1\r\n" H "\r\n", 404, 0, "no such asset"},
    {"GET /img/fence/../../x.png HTTP/1.1\r\n" H K "\r\n", 404, 0, "no such"},
    {"GET /img/fence/%2e%2e%2fx.png HTTP/1.1\r\n" H K "\r\n", 404, 0, "no such"},
    {"GET /img/fence//x.png HTTP/1.1\r\n" H K "\r\n", 404, 0, "no such page"},
    {"GET /download/fence/docx HTTP/1.1\r\n" H K "\r\n", 0, LS_ROUTE_DOWNLOAD, NULL},
    {"GET /download/fence/json HTTP/1.1\r\n" H K "\r\n", 404, 0, "docx or epub"},
    {"POST /api/book/fence/choose HTTP/1.1\r\n" H K J "\r\n{\"idea\": \"end-01\", \"k\": 2}", 0, LS_ROUTE_CHOOSE, NULL},
    {"POST /api/book/fence/choose HTTP/1.1\r\n" H J "\r\n{\"idea\": \"end-01\", \"k\": 2}", 403, 0, "no access token"},
    {"POST /api/book/fence/choose HTTP/1.1\r\n" H K J "Origin: http://evil.example\r\n\r\n{}", 403, 0,
     "is not this page's"},
    {"POST /api/book/fence/choose HTTP/1.1\r\n" H K J "Origin: http://127.0.0.1:8080\r\n\r\n{\"idea\": \"a\", \"k\": 1}", 0,
     LS_ROUTE_CHOOSE, NULL},
    {"POST /api/book/fence/choose HTTP/1.1\r\n" H K "Content-Type: text/plain\r\n\r\n{\"idea\": \"a\", \"k\": 1}", 415, 0,
     "application/json"},
    {"POST /api/book/fence/choose HTTP/1.1\r\n" H K J "\r\n{\"idea\": \"a\"}", 400, 0, "\"k\""},
    {"POST /api/book/fence/choose HTTP/1.1\r\n" H K J "\r\n{\"idea\": \"a\", \"k\": 17}", 400, 0, "from 1 to 16"},
    {"POST /api/book/fence/choose HTTP/1.1\r\n" H K J "\r\n{\"idea\": \"a/b\", \"k\": 1}", 400, 0, "idea id"},
    {"POST /api/book/fence/choose HTTP/1.1\r\n" H K J "\r\n[1]", 400, 0, "expected a JSON object"},
    {"POST /api/book/fence/choose HTTP/1.1\r\n" H K J "\r\n{\"idea\": \"a\", \"idea\": \"b\", \"k\": 1}", 400, 0,
     "expected a JSON object"},
    {"GET /api/book/fence/choose HTTP/1.1\r\n" H K "\r\n", 405, 0, "POST only"},
    {"POST /api/book/fence HTTP/1.1\r\n" H K J "\r\n{}", 405, 0, "GET only"},
    {"DELETE /api/book/fence HTTP/1.1\r\n" H K "\r\n", 405, 0, "only GET and POST"},
    {"POST /api/book/fence/edit HTTP/1.1\r\n" H K J "\r\n{\"idea\": \"a\", \"prompt\": 5}", 400, 0, "\"prompt\" must be"},
    {"POST /api/book/fence/edit HTTP/1.1\r\n" H K J "\r\n{\"idea\": \"a\", \"seed\": -2}", 400, 0, "\"seed\""},
    {"POST /api/book/fence/edit HTTP/1.1\r\n" H K J "\r\n{\"idea\": \"a\", \"prompt\": \"x\\u0000y\"}", 400, 0, "NUL"},
    {"POST /api/book/fence/cast HTTP/1.1\r\n" H K J "\r\n{\"name\": \"Tom\"}", 400, 0, "both needed"},
    {"POST /api/book/fence/export HTTP/1.1\r\n" H K J "\r\n{\"formats\": [\"pdf\"]}", 400, 0, "formats[0]"},
    {"POST /api/book/fence/export HTTP/1.1\r\n" H K J "\r\n{\"formats\": [\"epub\", \"html\"]}", 0, LS_ROUTE_EXPORT,
     NULL},
};

TEST(rows)
{
    ls_serve_policy p = {.token = TOK, .hosts = {"127.0.0.1:8080", "localhost:8080"}, .n_hosts = 2, .max_body = 64};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ls_serve_req r;
        char *store = NULL;
        if (ls_serve_parse_raw(rows[i].raw, strlen(rows[i].raw), &r, &store) != 0) {
            fprintf(stderr, "  row %zu: does not parse\n", i);
            CHECK(0);
            continue;
        }
        ls_serve_action a;
        ls_serve_route(&p, &r, &a);
        if (a.status != rows[i].status || (!a.status && a.route != rows[i].route) ||
            (rows[i].why && !strstr(a.why, rows[i].why))) {
            fprintf(stderr, "  row %zu: status %d route %d \"%s\"\n", i, a.status, a.route, a.why);
            CHECK(0);
        }
        ls_serve_action_clear(&a);
        longsd__free(store);
    }
}

TEST(fields_decoded)
{
    ls_serve_policy p = {.token = TOK, .hosts = {"127.0.0.1:8080"}, .n_hosts = 1};
    const char *raw = "POST /api/book/fence/edit HTTP/1.1\r\n" H K J
                      "\r\n{\"idea\": \"middle-03\", \"prompt\": \"a red barn\", \"seed\": 4294967295, \"style\": \"oil\"}";
    ls_serve_req r;
    char *store = NULL;
    REQUIRE(ls_serve_parse_raw(raw, strlen(raw), &r, &store) == 0);
    ls_serve_action a;
    ls_serve_route(&p, &r, &a);
    CHECK_INT(a.status, 0);
    CHECK_STR(a.book, "fence");
    CHECK_STR(a.idea, "middle-03");
    CHECK_STR(a.prompt, "a red barn");
    CHECK_STR(a.style, "oil");
    CHECK(a.scene == NULL && a.negative == NULL);
    CHECK_INT(a.seed, 4294967295LL);
    ls_serve_action_clear(&a);
    longsd__free(store);
}

TEST(body_cap)
{
    ls_serve_policy p = {.token = TOK, .hosts = {"127.0.0.1:8080"}, .n_hosts = 1, .max_body = 64};
    char raw[512];
    snprintf(raw, sizeof raw, "POST /api/book/fence/edit HTTP/1.1\r\n" H K J "\r\n{\"idea\": \"a\", \"prompt\": \"%080d\"}", 0);
    ls_serve_req r;
    char *store = NULL;
    REQUIRE(ls_serve_parse_raw(raw, strlen(raw), &r, &store) == 0);
    ls_serve_action a;
    ls_serve_route(&p, &r, &a);
    CHECK_INT(a.status, 413);
    CHECK(a.prompt == NULL); /* nothing decoded from a refused request */
    ls_serve_action_clear(&a);
    r.body_len = 10;
    r.body_too_big = 1; /* the HTTP layer stopped reading */
    ls_serve_route(&p, &r, &a);
    CHECK_INT(a.status, 413);
    ls_serve_action_clear(&a);
    longsd__free(store);
}

TEST(token_compare)
{
    CHECK(ls_serve_token_eq(TOK, TOK));
    CHECK(!ls_serve_token_eq(TOK "0", TOK));
    CHECK(!ls_serve_token_eq("0123456789abcdef0123456789abcdeF", TOK));
    CHECK(!ls_serve_token_eq("", TOK));
    CHECK(!ls_serve_token_eq(NULL, TOK));
    CHECK(!ls_serve_token_eq("", ""));
}

TEST(malformed_raw)
{
    const char *bad[] = {"GET / HTTP/1.1\r\nHost: x\r\n", "GET /\r\n\r\n", "GET / FTP/1.0\r\n\r\n",
                         "GET / HTTP/1.1\r\nno colon\r\n\r\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ls_serve_req r;
        char *store = NULL;
        CHECK(ls_serve_parse_raw(bad[i], strlen(bad[i]), &r, &store) == -1);
        longsd__free(store);
    }
}

RUN_TESTS(rows, fields_decoded, body_cap, token_compare, malformed_raw)
