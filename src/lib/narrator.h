/* narrator.h - the first-person narrator of a book (narrator.c). */
#ifndef LONGSD_NARRATOR_H
#define LONGSD_NARRATOR_H

#include "ideas.h"

/* If s is told in the first person, mark its narrator in the cast (adding
 * "the narrator" / "der Erzähler" / "le narrateur" when no one is named,
 * dropping the least mentioned to stay within max_cast, 0 = no limit), add
 * the narration's I/me/my to their mentions and re-sort the cast by
 * mentions. *cast may be reallocated. Returns LONGSD_ERR_NOMEM only. */
longsd_status ls_narrator_find(const longsd_story *s, ls_character **cast, size_t *n_cast, size_t max_cast);

#endif
