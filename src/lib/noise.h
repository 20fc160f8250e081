/* noise.h - the noise source ("rng") of a picture as the library records
 * it: a name in plans, jobs and sidecars ("native", "cpu", "cuda"; NULL or
 * "" mean native, the default, so plans written before it are unchanged),
 * and A1111's spelling in PNG parameters ("RNG: CPU", "RNG: NV"). */
#ifndef LONGSD_NOISE_H
#define LONGSD_NOISE_H

#include "util.h"

/* 1 for the default source (NULL, "", "native" in any case). */
int ls_rng_is_native(const char *name);
/* LONGSD_OK for a known name; else LONGSD_ERR_PARAM naming it and what. */
longsd_status ls_rng_check(const char *name, const char *what, lserr *err);
/* "CPU" / "NV" for A1111's infotext and randn_source; NULL for native. */
const char *ls_rng_a1111(const char *name);

#endif
