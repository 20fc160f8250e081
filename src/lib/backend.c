/* backend.c - the image-backend registry (backend.h): one table of kinds and
 * their aliases, from which lookup and the list of kinds for messages are
 * both made, so a new backend is one line here and cannot be forgotten in
 * the help. Also the helpers every backend shares. */
#include <pthread.h>
#include <string.h>

#include "backend.h"

/* The first row of each ops is its canonical name; later rows are aliases
 * shown in parentheses after it ("a1111 (forge, sdnext, sdcpp)"). Aliases
 * with hidden = 1 are accepted but not advertised (spelling variants). */
static const struct {
    const char *name;
    const ls_backend_ops *ops;
    int hidden;
} kinds[] = {
    {"a1111", &ls_backend_a1111, 0},     {"automatic1111", &ls_backend_a1111, 1},
    {"forge", &ls_backend_a1111, 0},     {"sdnext", &ls_backend_a1111, 0},
    {"sdcpp", &ls_backend_a1111, 0},     {"comfyui", &ls_backend_comfyui, 0},
    {"comfy", &ls_backend_comfyui, 1},   {"openai", &ls_backend_openai, 0},
    {"openai-images", &ls_backend_openai, 1}, {"native", &ls_backend_native, 0},
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

void ls_render_image_free(ls_render_image *im)
{
    longsd__free(im->data);
    longsd__free(im->params_extra);
    im->data = NULL;
    im->params_extra = NULL;
    im->len = 0;
}

const ls_backend_ops *ls_backend_find(const char *kind)
{
    for (size_t i = 0; kind && i < N_KINDS; i++)
        if (lsstr_casecmp_ascii(kind, kinds[i].name) == 0)
            return kinds[i].ops;
    return NULL;
}

/* Built once from the table, on first use from any thread. */
static char kinds_text[256];
static pthread_once_t kinds_once = PTHREAD_ONCE_INIT;

static void build_kinds(void)
{
    size_t o = 0;
    for (size_t i = 0; i < N_KINDS; i++) {
        if (kinds[i].hidden || (i > 0 && kinds[i - 1].ops == kinds[i].ops))
            continue;
        o += (size_t)snprintf(kinds_text + o, sizeof kinds_text - o, "%s%s", o ? ", " : "", kinds[i].name);
        int open = 0;
        for (size_t j = i + 1; j < N_KINDS && o < sizeof kinds_text; j++) {
            if (kinds[j].ops != kinds[i].ops)
                break;
            if (kinds[j].hidden)
                continue;
            o += (size_t)snprintf(kinds_text + o, sizeof kinds_text - o, "%s%s", open ? ", " : " (", kinds[j].name);
            open = 1;
        }
        if (open && o < sizeof kinds_text)
            o += (size_t)snprintf(kinds_text + o, sizeof kinds_text - o, ")");
        if (o >= sizeof kinds_text)
            break;
    }
}

const char *ls_backend_kinds(void)
{
    pthread_once(&kinds_once, build_kinds);
    return kinds_text;
}

const char *longsd_backend_kinds(void) { return ls_backend_kinds(); }

char *ls_backend_url(const char *base, const char *route)
{
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/')
        bl--;
    return longsd__asprintf("%.*s%s%s", (int)bl, base, route[0] && route[0] != '/' ? "/" : "", route);
}
