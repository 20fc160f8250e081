/* dict.h - German common nouns from the system's hunspell dictionary
 * (dict.c): German capitalises every noun, so capitals cannot tell "Welt"
 * or "Kopf" from a name; the dictionary can. */
#ifndef LONGSD_DICT_H
#define LONGSD_DICT_H

#include <stddef.h>

/* 1 if w[0..n) (as written, capitalised) is a German common noun or place
 * of the de_DE hunspell dictionary, 2 if it is an inflected form of one
 * ("Königs", "Pferde"); 0 if not, or if no dictionary is installed (then nothing is
 * vetoed). The dictionary is read once per process ($LONGSD_HUNSPELL_DIR,
 * else /usr/share/hunspell); thread-safe. */
int ls_dict_de_noun(const char *w, size_t n);

#endif
