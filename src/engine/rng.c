/* rng.c - one handle over the three noise sources (rng.h), each draw
 * continuing the stream as a torch generator does. */
#include "rng.h"

#include "longsd.h"
#include "sampler.h"
#include "util.h"

void sdrng_init(sdrng *r, sdrng_kind kind, uint64_t seed)
{
    r->kind = kind;
    r->seed = seed;
    r->calls = 0;
    if (kind == SDRNG_CPU)
        sdmt_seed(&r->mt, seed);
}

void sdrng_draw(sdrng *r, float *out, size_t n)
{
    switch (r->kind) {
    case SDRNG_CPU:
        sdtorch_randn(&r->mt, out, n);
        break;
    case SDRNG_CUDA:
        sdphilox_randn(r->seed, r->calls, out, n);
        break;
    default:
        sdrng_normal(r->seed, r->calls, out, n);
        break;
    }
    r->calls++;
}

static const char *const rng_names[3] = {"native", "cpu", "cuda"};

const char *longsd_rng_name(longsd_rng rng)
{
    return (unsigned)rng < 3 ? rng_names[rng] : NULL;
}

int longsd_rng_from_name(const char *name, longsd_rng *out)
{
    for (int i = 0; name && i < 3; i++)
        if (lsstr_casecmp_ascii(name, rng_names[i]) == 0) {
            *out = (longsd_rng)i;
            return 0;
        }
    return -1;
}
