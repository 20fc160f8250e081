/* fuzz_cast.c - libFuzzer target for reading a book's cast: the input is
 * a whole text file, ingested, its cast found (candidates, merging, sex,
 * narrator), described and aged (desc.c, desc_age.c). Every character must
 * have a name, a sex and an age in range, a description, and description
 * spans inside the file. An input starting with "#tags " is instead one
 * hunspell fr morphology field for ls_dict_fr_tags (dict_fr.c), whose
 * result may name only known tags (a sex for a first name, a gender for
 * a common noun). Inputs whose last byte is odd also run
 * again with an allocation failure injected, to exercise the unwinding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "desc.h"
#include "dict.h"
#include "ideas.h"
#include "story.h"

static void read_cast(const uint8_t *data, size_t size, int strict)
{
    longsd_story_params p = longsd_story_default_params();
    p.max_bytes = 1 << 20;
    longsd_story *s = NULL;
    lserr err = {0};
    if (ls_story_ingest("fuzz.txt", (const char *)data, size, &p, &s, &err) != LONGSD_OK) {
        if (s)
            abort();
        return;
    }
    ls_character *c = NULL;
    size_t n = 0;
    if (ls_cast_find(s, 0, &c, &n, &err) != LONGSD_OK) {
        if (strict)
            abort(); /* only memory may fail */
        longsd_story_free(s);
        return;
    }
    ls_desc_spans *spans = calloc(n ? n : 1, sizeof *spans);
    if (!spans)
        abort();
    longsd_status st = ls_cast_describe(s, c, n, spans);
    if (strict && st != LONGSD_OK)
        abort();
    for (size_t i = 0; st == LONGSD_OK && i < n; i++) {
        if (!c[i].name || !c[i].name[0] || !c[i].description || c[i].age < 0 || c[i].age > LS_AGE_OLD ||
            c[i].gender < 0 || c[i].gender > LS_GENDER_FEMALE || spans[i].n > LS_DESC_MAX_SPANS)
            abort();
        for (size_t k = 0; k < spans[i].n; k++)
            if (spans[i].start[k] >= spans[i].end[k] || spans[i].end[k] > s->len)
                abort();
    }
    free(spans);
    ls_cast_free(c, n);
    longsd_story_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 6 && !memcmp(data, "#tags ", 6)) {
        unsigned t = ls_dict_fr_tags((const char *)data + 6, size - 6);
        if (t & ~(unsigned)(LS_FR_FIRST_NAME | LS_FR_PROPER | LS_FR_NOUN | LS_FR_MASC | LS_FR_FEM | LS_FR_NOUN_MASC |
                            LS_FR_NOUN_FEM))
            abort();
        if ((t & (LS_FR_MASC | LS_FR_FEM)) && !(t & LS_FR_FIRST_NAME))
            abort(); /* a sex only for a first name */
        if ((t & (LS_FR_NOUN_MASC | LS_FR_NOUN_FEM)) && !(t & LS_FR_NOUN))
            abort(); /* a grammatical gender only for a common noun */
        return 0;
    }
    read_cast(data, size, 1);
    if (size > 0 && (data[size - 1] & 1)) {
        longsd__alloc_fail_after = (long)(size % 97);
        read_cast(data, size, 0);
        longsd__alloc_fail_after = -1;
    }
    return 0;
}
