/* scene.h - what an idea's picture shows (scene.c) and its title (title.c);
 * internal to the library, shared with the idea extractor. */
#ifndef LONGSD_SCENE_H
#define LONGSD_SCENE_H

#include "ideas.h"
#include "lexicon.h"

/* Cast members named in a span of text, as a small set of cast indexes. */
typedef struct {
    size_t who[8];
    size_t n;
    int overflow;
} ls_nameset;

void ls_nameset_add(ls_nameset *ns, size_t ch);
/* Add every cast member named in p[0, n) to ns. */
longsd_status ls_names_in(const char *p, size_t n, const ls_cast_form *forms, size_t n_forms, ls_nameset *ns);

/* What the scene writer and the titler read: the story and its cast. */
typedef struct {
    const longsd_story *s;
    lslex_lang_id lang;
    const ls_character *cast;
    size_t n_cast;
    const ls_cast_form *forms;
    size_t n_forms;
    size_t speaker1;        /* a play's line: who says "I" there, cast index + 1; 0 none */
} ls_scenectx;

/* Upper-case the first letter of b (ASCII and Latin-1). */
void ls_cap_first(char *b);

/* The scene of sentences [first, first + n); *ref_out gets the character a
 * pronoun was resolved to ((size_t)-1 if none). Free with longsd__free; NULL
 * when out of memory. */
char *ls_scene_build(const ls_scenectx *sc, size_t first, size_t n, size_t *ref_out);

/* The scene writer: an English picture description of a narration (the
 * output of ls_scene_build), as comma-separated elements in CLIP's order
 * (subject, action, objects, setting, time, weather and light, mood) so a
 * prompt can drop whole elements from the end. ref is the character a
 * pronoun was resolved to ((size_t)-1 if none). German and French words
 * are translated first (translate.c). Never empty. Free with longsd__free;
 * NULL when out of memory. */
char *ls_scene_write(const ls_scenectx *sc, const char *narration, size_t ref);

/* What a written scene is made of, for its title (title.c): who does
 * the one action, the action with the text's own preposition and "the"
 * thing ("dipping the brush", "running into the wood"), the setting with
 * its preposition ("at the pump"), the first object ("the raft"). Empty
 * strings where the scene has none. */
typedef struct {
    size_t who[2];      /* cast indexes of the subject */
    size_t n_who;
    char subject[40];   /* a person noun when no cast member is the subject: "professor" */
    /* that one person as the text words them, lower case, source language
     * ("old man", "vieux pêcheur"), and how many bytes of the written
     * scene say them ("an old man"): a description of the same person
     * from the pages before may take their place (ideas_extract.c);
     * "" and 0 for a cast member, several people or a plural */
    char subject_src[64];
    size_t subject_len;
    char action[160];
    char setting[96];
    char object[64];
    /* the cast members in the picture: who does a verb of the narration,
     * is acted on or is beside someone ("grabbed Jim", "with Tom"); not
     * one only talked about ("Jim's blanket", "told about Aunt Polly", a
     * list of names) */
    ls_nameset present;
} ls_sceneparts;

/* The scene writer's parts of a narration (as ls_scene_write reads it).
 * Returns 0, or LONGSD_ERR_NOMEM. */
longsd_status ls_scene_parts(const ls_scenectx *sc, const char *narration, size_t ref, ls_sceneparts *out);

/* ls_scene_write and ls_scene_parts in one reading: the description, and
 * its parts in *parts (left zeroed when out of memory). */
char *ls_scene_write_parts(const ls_scenectx *sc, const char *narration, size_t ref, ls_sceneparts *parts);

/* A written scene that says little (one element, or the writer's "a
 * quiet scene") completed with the setting, time and weather of the
 * scene written for the passage around it (around): at most two of its
 * elements, those not already there. Free with longsd__free; NULL when
 * out of memory. */
char *ls_scene_with_setting(const char *scene, const char *around);

/* Is the English word a time of day or season ("morning", "night")? The
 * scene writer names the first one of a passage; a title says the same. */
int ls_time_word(const char *en);

/* A title of a few words for a scene. Free with longsd__free; NULL when out
 * of memory. */
char *ls_title_make(const ls_scenectx *sc, const char *scene);

/* The title of an idea from its narration: ls_title_make tidied to 2-6
 * words, no name twice, no dangling last word. Free with longsd__free. */
char *ls_title_write(const ls_scenectx *sc, const char *narration);

/* Make the titles of ideas[0..n) unique (a plan's, all parts): a repeated
 * one is rewritten from the later sentences of its passage, else "again"
 * (in the book's language) is added. */
longsd_status ls_titles_unique(const longsd_story *s, const ls_character *cast, size_t n_cast, ls_idea *const *ideas,
                               size_t n);

#endif
