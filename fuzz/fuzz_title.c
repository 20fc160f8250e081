/* fuzz_title.c - libFuzzer target for idea titles (title.c,
 * title_phrase.c): the input's first byte picks the language (even 'd'
 * German, 'f' French, anything else English), the rest is a narration in
 * that language, with a small cast of names, a role and a narrator. Every
 * phrase title must be 2-6 words, one space between them, within its
 * buffer; the title written for the narration must exist and be 2-6 words
 * too; the German article for each word must be one of der/die/das/"".
 * Inputs whose last byte is odd also run again with an allocation failure
 * injected, to exercise the unwinding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scene.h"
#include "title_phrase.h"

static int words_ok(const char *t)
{
    size_t n = strlen(t);
    if (!n || t[0] == ' ' || t[n - 1] == ' ' || strstr(t, "  "))
        return 0;
    int w = 1;
    for (const char *p = t; *p; p++)
        w += *p == ' ';
    return w >= 2 && w <= 6;
}

static void titles(lslex_lang_id lang, const char *nar, int strict)
{
    ls_character cast[4];
    memset(cast, 0, sizeof cast);
    static char *const names[] = {"Emma", "Capitaine Nemo", "Schwester", "Pierre Aronnax"};
    for (int i = 0; i < 4; i++)
        cast[i].name = cast[i].full_name = names[i];
    cast[2].role = "schwester";
    cast[2].gender = LS_GENDER_FEMALE;
    cast[3].narrator = 1;
    ls_cast_form *forms = NULL;
    size_t n_forms = 0;
    if (ls_cast_forms(cast, 4, &forms, &n_forms)) {
        if (strict)
            abort();
        return;
    }
    ls_scenectx sc = {.s = NULL, .lang = lang, .cast = cast, .n_cast = 4, .forms = forms, .n_forms = n_forms};
    char opts[8][LS_TITLE_OPT];
    size_t n = 0;
    if (ls_title_phrases(&sc, nar, opts, 8, &n) != LONGSD_OK || n > 8)
        abort();
    for (size_t i = 0; i < n; i++)
        if (!memchr(opts[i], '\0', LS_TITLE_OPT) || !words_ok(opts[i]))
            abort();
    char *t = ls_title_write(&sc, nar);
    if (!t && strict)
        abort();
    if (t && !words_ok(t))
        abort();
    longsd__free(t);
    const char *a = ls_title_de_article(&sc, nar, strlen(nar), "Vater", 5);
    if (strcmp(a, "der") && strcmp(a, "die") && strcmp(a, "das") && strcmp(a, ""))
        abort();
    longsd__free(forms);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    lslex_lang_id lang = data[0] == 'd' ? LSLEX_DE : data[0] == 'f' ? LSLEX_FR : LSLEX_EN;
    char *nar = malloc(size);
    if (!nar)
        return 0;
    memcpy(nar, data + 1, size - 1);
    nar[size - 1] = '\0';
    titles(lang, nar, 1);
    if (data[size - 1] & 1) {
        longsd__alloc_fail_after = (long)(size % 37);
        titles(lang, nar, 0);
        longsd__alloc_fail_after = -1;
    }
    free(nar);
    return 0;
}
