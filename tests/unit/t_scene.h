/* t_scene.h - the scene writer run on one narration for the unit tests:
 * ls_scene_write with the cast's name forms, its text copied (free() it)
 * and printed beside the narration. Include after t.h and scene.h. */
#ifndef LONGSD_T_SCENE_H
#define LONGSD_T_SCENE_H

#include <string.h>

static inline char *write_scene(lslex_lang_id lang, const char *narration, ls_character *cast, size_t n_cast,
                                size_t ref)
{
    ls_cast_form *forms = NULL;
    size_t n_forms = 0;
    REQUIRE(ls_cast_forms(cast, n_cast, &forms, &n_forms) == LONGSD_OK);
    ls_scenectx sc = {.s = NULL, .lang = lang, .cast = cast, .n_cast = n_cast, .forms = forms, .n_forms = n_forms};
    char *r = ls_scene_write(&sc, narration, ref);
    longsd__free(forms);
    REQUIRE(r != NULL);
    char *copy = strdup(r);
    longsd__free(r);
    fprintf(stderr, "  \"%.60s\" -> \"%s\"\n", narration, copy);
    return copy;
}

#endif
