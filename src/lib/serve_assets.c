/* serve_assets.c - the page of `longsd serve` (data/web/: plain HTML, CSS and
 * JavaScript, no framework, nothing from a CDN) built into the library with
 * the assembler's .incbin like the CLIP vocabulary, so the page works offline
 * and an installed binary needs no data folder. The Makefile makes this
 * object depend on the files (the compiler cannot see them). */
#include <string.h>

#include "serve.h"

#define ASSET(sym, file)                                                                                   \
    __asm__(".section .rodata\n.global " #sym "\n.global " #sym "_end\n.balign 16\n" #sym ":\n.incbin \"" file \
            "\"\n" #sym "_end:\n.byte 0\n.previous\n")

ASSET(longsd__web_index, "data/web/index.html");
ASSET(longsd__web_css, "data/web/app.css");
ASSET(longsd__web_js, "data/web/app.js");

extern const char longsd__web_index[], longsd__web_index_end[];
extern const char longsd__web_css[], longsd__web_css_end[];
extern const char longsd__web_js[], longsd__web_js_end[];

int ls_serve_asset(const char *name, const char **data, size_t *n, const char **type)
{
    static const struct {
        const char *name, *type;
        const char *start, *end;
    } assets[] = {
        {"index.html", "text/html; charset=utf-8", longsd__web_index, longsd__web_index_end},
        {"app.css", "text/css; charset=utf-8", longsd__web_css, longsd__web_css_end},
        {"app.js", "text/javascript; charset=utf-8", longsd__web_js, longsd__web_js_end},
    };
    for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++)
        if (strcmp(assets[i].name, name) == 0) {
            *data = assets[i].start;
            *n = (size_t)(assets[i].end - assets[i].start);
            *type = assets[i].type;
            return 0;
        }
    return -1;
}
