/* fuzz_serve_req.c - what `longsd serve` accepts, on any bytes as a raw HTTP
 * request: parsing and routing never crash, and whatever is accepted obeys
 * the policy (its own Host, no foreign Origin, the token on everything but
 * the page's assets, POSTs of JSON under the cap, plain names for books and
 * files, so no path can lead out of the workspace). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve_req.h"
#include "util.h"

static int plain(const char *s)
{
    if (!*s || s[0] == '.' || s[0] == '-')
        return 0;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *s))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ls_serve_req r;
    char *store = NULL;
    if (ls_serve_parse_raw((const char *)data, size, &r, &store) != 0) {
        longsd__free(store);
        return 0;
    }
    ls_serve_policy p = {.token = "0123456789abcdef0123456789abcdef", .hosts = {"127.0.0.1:8080", "localhost:8080"},
                         .n_hosts = 2, .max_body = 1024};
    ls_serve_action a;
    ls_serve_route(&p, &r, &a);
    if (a.status == 0) {
        if (!r.host || (strcasecmp(r.host, "127.0.0.1:8080") && strcasecmp(r.host, "localhost:8080")))
            abort();
        if (r.origin && strcasecmp(r.origin, "http://127.0.0.1:8080") && strcasecmp(r.origin, "http://localhost:8080"))
            abort();
        if (a.route != LS_ROUTE_ASSET && !ls_serve_token_eq(r.token, p.token))
            abort();
        if (a.route >= LS_ROUTE_CHOOSE && (r.body_len > 1024 || strcmp(r.method, "POST")))
            abort();
        if (a.book[0] && !plain(a.book))
            abort();
        if ((a.route == LS_ROUTE_IMAGE || a.route == LS_ROUTE_ASSET) && !plain(a.file))
            abort();
        if (a.idea[0] && !plain(a.idea))
            abort();
        if (a.route == LS_ROUTE_CHOOSE && (a.k < 1 || a.k > 16))
            abort();
    } else if (!a.why[0] || a.status < 400 || a.status > 599) {
        abort(); /* a refusal always says why, as an error status */
    }
    ls_serve_action_clear(&a);
    longsd__free(store);
    return 0;
}
