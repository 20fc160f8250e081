/* dict.h - German common nouns (dict.c) and French word classes
 * (dict_fr.c) from the system's hunspell dictionaries: German capitalises
 * every noun, so capitals cannot tell "Welt" or "Kopf" from a name; in
 * French they cannot tell "Paris" from "Pierre". The dictionaries can. */
#ifndef LONGSD_DICT_H
#define LONGSD_DICT_H

#include <stddef.h>

/* 1 if w[0..n) (as written, capitalised) is a German common noun or place
 * of the de_DE hunspell dictionary, 2 if it is an inflected form of one
 * ("Königs", "Pferde"); 0 if not, or if no dictionary is installed (then nothing is
 * vetoed). The dictionary is read once per process ($LONGSD_HUNSPELL_DIR,
 * else /usr/share/hunspell); thread-safe. */
int ls_dict_de_noun(const char *w, size_t n);

/* ---- French (dict_fr.c): hunspell fr's morphological tags */
enum {
    LS_FR_FIRST_NAME = 1, /* po:prn: "Pierre", "Marie" */
    LS_FR_PROPER = 2,     /* po:npr: "Paris", "Bretagne" (not a first name) */
    LS_FR_NOUN = 4,       /* po:nom: "conseil", "land" */
    LS_FR_MASC = 8,       /* a first name's sex */
    LS_FR_FEM = 16,
    LS_FR_NOUN_MASC = 32, /* a common noun's grammatical gender: "mur" */
    LS_FR_NOUN_FEM = 64,  /* "mère" */
    LS_FR_ADV = 128       /* po:adv: "souvent", "sur-le-champ" */
};
/* The LS_FR_* tags of w[0..n) exactly as written (so "Pierre", "conseil"),
 * 0 if unknown or no dictionary is installed. The fr dictionary is read
 * once per process ($LONGSD_HUNSPELL_DIR, else /usr/share/hunspell);
 * thread-safe. */
unsigned ls_dict_fr(const char *w, size_t n);
/* The tags named in one .dic line's morphology text p[0..n) ("po:prn
 * is:mas"); exposed for the tests and the fuzz target. */
unsigned ls_dict_fr_tags(const char *p, size_t n);

#endif
