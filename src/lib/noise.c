/* noise.c - noise-source names for plans, jobs and infotext (noise.h). */
#include "noise.h"

#include <string.h>

int ls_rng_is_native(const char *name)
{
    return !name || !*name || lsstr_casecmp_ascii(name, "native") == 0;
}

longsd_status ls_rng_check(const char *name, const char *what, lserr *err)
{
    longsd_rng r;
    if (ls_rng_is_native(name) || longsd_rng_from_name(name, &r) == 0)
        return LONGSD_OK;
    return lserr_set(err, LONGSD_ERR_PARAM, "%s: unknown rng \"%.40s\" (native, cpu or cuda)", what, name);
}

const char *ls_rng_a1111(const char *name)
{
    longsd_rng r;
    if (ls_rng_is_native(name) || longsd_rng_from_name(name, &r) != 0)
        return NULL;
    return r == LONGSD_RNG_CPU ? "CPU" : "NV";
}
