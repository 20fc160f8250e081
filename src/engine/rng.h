/* rng.h - the engine's noise generators behind one stateful handle, so
 * that a seed gives the latents other tools give:
 *   native: sdrng_normal (sampler.h), a pure function of (seed, stream, k);
 *   cpu:    torch.randn with torch.Generator("cpu").manual_seed(seed)
 *           (mt19937 and torch's float transforms, rng_torch.c);
 *   cuda:   torch.randn on an NVIDIA GPU as A1111's "NV" source and
 *           stable-diffusion.cpp compute it (Philox4x32-10, rng_philox.c).
 * Each draw continues the stream, as a torch generator does: x_T is the
 * first draw, the ancestral noise of each step the next ones. */
#ifndef LONGSD_RNG_H
#define LONGSD_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef enum { SDRNG_NATIVE = 0, SDRNG_CPU = 1, SDRNG_CUDA = 2 } sdrng_kind;

/* torch's CPU generator: mt19937 state plus the cached second normal of
 * the scalar Box-Muller (tensors under 16 elements). */
typedef struct {
    uint32_t mt[624];
    int mti;
    int have_next; /* next_double_normal_sample is set */
    double next;
} sdmt;

void sdmt_seed(sdmt *g, uint64_t seed);
uint32_t sdmt_u32(sdmt *g);
/* torch.randn(n, generator=g) for a contiguous float32 tensor: n >= 16
 * takes torch's 16-at-a-time Box-Muller (the AVX2 kernel's Cephes-style
 * log and sincos, see docs/engine.md), n < 16 the scalar double path. */
void sdtorch_randn(sdmt *g, float *out, size_t n);

/* Philox4x32-10 of counter c[4] under key k[2], in place. */
void sdphilox4x32_10(uint32_t c[4], const uint32_t k[2]);
/* A1111's "NV" noise: call number offset (0 for the first draw of a seed),
 * element i gets philox([offset, 0, i, 0], seed) -> Box-Muller of the
 * first two words in double, the sine branch. */
void sdphilox_randn(uint64_t seed, uint64_t offset, float *out, size_t n);

typedef struct {
    sdrng_kind kind;
    uint64_t seed;
    uint64_t calls; /* draws so far: native stream, philox offset */
    sdmt mt;
} sdrng;

void sdrng_init(sdrng *r, sdrng_kind kind, uint64_t seed);
/* The next standard normal draw of n numbers. */
void sdrng_draw(sdrng *r, float *out, size_t n);

#endif
