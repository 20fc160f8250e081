/* rng_philox.c - the GPU noise of A1111 ("NV") and stable-diffusion.cpp
 * (--rng cuda): what torch.randn gives on an NVIDIA GPU for latents, so a
 * seed from a CUDA user's PNG reproduces their x_T on this CPU.
 *
 * torch's CUDA normal kernel gives thread i the curand Philox4x32-10
 * stream with key = seed, subsequence i and the generator's offset; for a
 * tensor smaller than the grid (every latent) element i is the first
 * normal of thread i, i.e. Box-Muller of the first two words of
 * philox(counter = [offset, 0, i, 0]). Each call advances the offset by
 * one counter step. As A1111 and sd.cpp, the transform runs in double
 * (curand's float version differs from it in the last bits). Written from
 * Salmon et al., "Parallel random numbers: as easy as 1, 2, 3" (SC11) and
 * the curand documentation; the reference values come from an independent
 * Python implementation (tests/engine/make_rng_fixtures.py). */
#include <math.h>

#include "rng.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

void sdphilox4x32_10(uint32_t c[4], const uint32_t k[2])
{
    uint32_t k0 = k[0], k1 = k[1];
    for (int r = 0; r < 10; r++) {
        uint64_t p0 = (uint64_t)PHILOX_M0 * c[0], p1 = (uint64_t)PHILOX_M1 * c[2];
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        uint32_t n0 = hi1 ^ c[1] ^ k0, n1 = lo1, n2 = hi0 ^ c[3] ^ k1, n3 = lo0;
        c[0] = n0;
        c[1] = n1;
        c[2] = n2;
        c[3] = n3;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
}

void sdphilox_randn(uint64_t seed, uint64_t offset, float *out, size_t n)
{
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    const double inv32 = 0x1p-32, inv32_2pi = 0x1p-32 * 6.283185307179586476925286766559;
    for (size_t i = 0; i < n; i++) {
        uint32_t c[4] = {(uint32_t)offset, (uint32_t)(offset >> 32), (uint32_t)i, (uint32_t)((uint64_t)i >> 32)};
        sdphilox4x32_10(c, key);
        double u = c[0] * inv32 + inv32 / 2, v = c[1] * inv32_2pi + inv32_2pi / 2;
        out[i] = (float)(sqrt(-2.0 * log(u)) * sin(v));
    }
}
