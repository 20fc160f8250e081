/* sampler.h - the samplers of SD 1.x, matching diffusers' schedulers built
 * from SD 1.5's scheduler_config.json (scaled_linear betas 0.00085..0.012,
 * 1000 training steps, steps_offset 1, epsilon prediction) with each
 * class's default timestep spacing: Euler and Euler ancestral "linspace",
 * DDIM "leading" (eta 0), DPM++ 2M (dpmsolver++, order 2, midpoint,
 * lower-order final step) "linspace"; Karras sigmas for Euler and DPM++.
 * Plus the engine's seeded Gaussian generator. */
#ifndef LONGSD_SAMPLER_H
#define LONGSD_SAMPLER_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define SDS_TRAIN_STEPS 1000
#define SDS_MAX_STEPS 1000

typedef enum { SDS_EULER = 0, SDS_EULER_A = 1, SDS_DDIM = 2, SDS_DPMPP_2M = 3 } sds_kind;

typedef struct {
    sds_kind kind;
    int karras, steps;
    float alphas_cumprod[SDS_TRAIN_STEPS];
    float timesteps[SDS_MAX_STEPS];      /* the UNet's t for each step */
    float sigmas[SDS_MAX_STEPS + 1];     /* sigma schedule (Euler, DPM++); last is 0 */
    float init_sigma;                    /* x_T = noise * init_sigma */
    float *prev_x0;                      /* DPM++ 2M: last step's x0 prediction (owned) */
    size_t prev_n;
    int lower_order_nums;
} sdsched;

/* Set up a schedule of steps (1..1000). DDIM with karras is LONGSD_ERR_PARAM. */
longsd_status sdsched_init(sdsched *s, sds_kind kind, int karras, int steps, lserr *err);
void sdsched_free(sdsched *s);
/* The factor the UNet input is scaled by at step i (Euler: 1/sqrt(sigma^2+1)). */
float sdsched_input_scale(const sdsched *s, int i);
/* x <- step i of x(n) given the (guided) noise prediction eps(n). Euler
 * ancestral needs noise(n) (a standard normal draw), the others ignore it. */
longsd_status sdsched_step(sdsched *s, int i, const float *eps, float *x, size_t n, const float *noise, lserr *err);

/* Standard normal numbers, a pure function of (seed, stream, index):
 * splitmix64 of seed ^ stream-mixed counter -> two 53-bit uniforms ->
 * Box-Muller. The same seed gives the same numbers on every machine and
 * for any thread count; the engine draws x_T from stream 0 and the
 * ancestral noise of step i from stream i + 1. */
void sdrng_normal(uint64_t seed, uint64_t stream, float *out, size_t n);

#endif
