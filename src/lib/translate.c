/* translate.c - see translate.h. */
#include "translate.h"

#include <stdio.h>

void ls_translate_word(lslex_lang_id lang, const char *w, size_t n, int upper, char *out, size_t cap)
{
    (void)lang;
    (void)w;
    (void)n;
    (void)upper;
    if (cap)
        out[0] = '\0';
}
