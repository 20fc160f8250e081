/* sampler.h - the samplers of SD 1.x and 2.x, matching diffusers' schedulers
 * built from SD 1.5's scheduler_config.json (scaled_linear betas
 * 0.00085..0.012, 1000 training steps, steps_offset 1, epsilon prediction;
 * SD 2.x's 768 models v-prediction) with each
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

typedef enum { SDS_EULER = 0, SDS_EULER_A = 1, SDS_DDIM = 2, SDS_DPMPP_2M = 3, SDS_LCM = 4 } sds_kind;

/* timestep_spacing; SDS_SPACING_DEFAULT is each class's own default */
typedef enum { SDS_SPACING_DEFAULT = 0, SDS_LINSPACE, SDS_LEADING, SDS_TRAILING } sds_spacing;

/* What a model's scheduler/scheduler_config.json says (diffusers
 * from_config keeps these across scheduler classes). SD-Turbo's has
 * "trailing"; LCM models' original_inference_steps and timestep_scaling. */
typedef struct {
    float beta_start, beta_end;   /* scaled_linear betas */
    sds_spacing spacing;
    int steps_offset;             /* added to "leading" timesteps */
    int original_steps;           /* LCM: original_inference_steps (50) */
    float timestep_scaling;       /* LCM: boundary-condition scale of t (10) */
    int set_alpha_to_one;         /* LCM: alpha_cumprod past the last step (unused with LCM's own timesteps) */
    int v_pred;                   /* prediction_type: 0 epsilon, 1 v_prediction (SD 2.x 768-v) */
    int a1111;                    /* no scheduler config (a single file): Euler's timesteps as A1111 and
                                     stable-diffusion.cpp lay them, linspace(999, 0, steps) with one step
                                     at 999, where diffusers' linspace puts it at 0 (a Turbo single file
                                     would denoise nothing) */
} sdsched_cfg;

sdsched_cfg sdsched_sd15_cfg(void);
/* Read a diffusers scheduler_config.json; what the engine cannot follow
 * (other beta schedules, predictions other than epsilon and v, other than
 * 1000 training steps) is LONGSD_ERR_UNSUPPORTED naming the file and key. */
longsd_status sdsched_cfg_load(const char *path, sdsched_cfg *cfg, lserr *err);
/* The same from the file's text (label names it in errors). */
longsd_status sdsched_cfg_parse(const char *text, size_t len, const char *label, sdsched_cfg *cfg, lserr *err);

typedef struct {
    sds_kind kind;
    sdsched_cfg cfg;
    int karras, steps;
    float alphas_cumprod[SDS_TRAIN_STEPS];
    float timesteps[SDS_MAX_STEPS];      /* the UNet's t for each step */
    float sigmas[SDS_MAX_STEPS + 1];     /* sigma schedule (Euler, DPM++); last is 0 */
    float init_sigma;                    /* x_T = noise * init_sigma */
    float *prev_x0;                      /* DPM++ 2M: last step's x0 prediction (owned) */
    size_t prev_n;
    int lower_order_nums;
} sdsched;

/* Set up a schedule of steps (1..1000) with SD 1.5's configuration. DDIM
 * with karras is LONGSD_ERR_PARAM. */
longsd_status sdsched_init(sdsched *s, sds_kind kind, int karras, int steps, lserr *err);
/* The same with a model's configuration. LCM takes 1..original_steps
 * steps (diffusers' LCMScheduler: timesteps picked from the
 * original_steps-long distillation schedule, c_skip/c_out boundary
 * conditions, fresh noise between steps). */
longsd_status sdsched_init_cfg(sdsched *s, const sdsched_cfg *cfg, sds_kind kind, int karras, int steps, lserr *err);
/* 1 when step i draws noise (Euler ancestral every step, LCM all but the last). */
int sdsched_needs_noise(const sdsched *s, int i);
void sdsched_free(sdsched *s);
/* The factor the UNet input is scaled by at step i (Euler: 1/sqrt(sigma^2+1)). */
float sdsched_input_scale(const sdsched *s, int i);
/* x <- step i of x(n) given the (guided) model output eps(n): the noise,
 * or v = alpha eps - sigma x0 where cfg.v_pred, converted to x0 as each
 * diffusers scheduler does it. Where
 * sdsched_needs_noise(s, i), noise(n) is a standard normal draw; the
 * others ignore it. */
longsd_status sdsched_step(sdsched *s, int i, const float *eps, float *x, size_t n, const float *noise, lserr *err);

/* img2img: out(n) = x0(n) noised to the level of step i, as the
 * scheduler's add_noise at timesteps[i]: Euler and Euler a x0 + sigma_i
 * noise; DPM++ 2M alpha_i x0 + sigma_i alpha_i noise with alpha_i =
 * 1 / sqrt(sigma_i^2 + 1); DDIM and LCM sqrt(acp) x0 + sqrt(1 - acp) noise
 * with acp the alphas_cumprod of t = timesteps[i]. */
void sdsched_add_noise(const sdsched *s, int i, const float *x0, const float *noise, float *out, size_t n);

/* Standard normal numbers, a pure function of (seed, stream, index):
 * splitmix64 of seed ^ stream-mixed counter -> two 53-bit uniforms ->
 * Box-Muller. The same seed gives the same numbers on every machine and
 * for any thread count; the engine draws x_T from stream 0 and the
 * ancestral noise of step i from stream i + 1. */
void sdrng_normal(uint64_t seed, uint64_t stream, float *out, size_t n);

#endif
