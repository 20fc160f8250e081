/* seed.c - see seed.h. FNV-1a over the inputs, each field closed by a unit
 * separator so "ab"+"c" and "a"+"bc" differ, then a splitmix64 finaliser
 * so nearby inputs give unrelated seeds. */
#include <stdio.h>
#include <string.h>

#include "seed.h"
#include "util.h"

#define SEED_VERSION "seed1" /* bump only if the derivation must change */

static uint32_t finish(uint64_t h)
{
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return (uint32_t)(h % 0xFFFFFFFFULL);
}

uint32_t ls_candidate_seed(uint32_t base, unsigned draw)
{
    if (draw == 0)
        return base;
    char buf[48];
    int k = snprintf(buf, sizeof buf, "cand1\x1f%u\x1f%u", base, draw);
    return finish(lsfnv1a64(buf, (size_t)k, LSFNV_SEED));
}

uint32_t ls_idea_seed(const char *passage, size_t n, int width, int height, int steps, float cfg_scale,
                      const char *sampler, const char *style)
{
    uint64_t h = lsfnv1a64(SEED_VERSION "\x1f", sizeof SEED_VERSION, LSFNV_SEED);
    h = lsfnv1a64(passage ? passage : "", passage ? n : 0, h);
    char num[96];
    int k = snprintf(num, sizeof num, "\x1f%d\x1f%d\x1f%d\x1f%.4f\x1f", width, height, steps, (double)cfg_scale);
    h = lsfnv1a64(num, (size_t)k, h);
    h = lsfnv1a64(sampler ? sampler : "", sampler ? strlen(sampler) : 0, h);
    h = lsfnv1a64("\x1f", 1, h);
    h = lsfnv1a64(style ? style : "", style ? strlen(style) : 0, h);
    return finish(h);
}
