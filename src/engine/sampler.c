/* sampler.c - diffusers-compatible samplers (see sampler.h). The schedule is
 * computed as diffusers does, including where it rounds to float32
 * (betas, alphas_cumprod, the sigma table) and where it works in float64
 * (interpolation, Karras), so timesteps and sigmas agree to the last bit
 * or nearly. */
#include "sampler.h"

#include <math.h>
#include <string.h>

#include <jansson.h>

sdsched_cfg sdsched_sd15_cfg(void)
{
    return (sdsched_cfg){
        .beta_start = 0.00085f, .beta_end = 0.012f, .spacing = SDS_SPACING_DEFAULT, .steps_offset = 1,
        .original_steps = 50, .timestep_scaling = 10.0f, .set_alpha_to_one = 0, .v_pred = 0,
    };
}

longsd_status sdsched_cfg_load(const char *path, sdsched_cfg *cfg, lserr *err)
{
    char *text = NULL;
    size_t n = 0;
    longsd_status rc = lsfile_read(path, (size_t)1 << 20, &text, &n, err);
    if (rc == LONGSD_OK)
        rc = sdsched_cfg_parse(text, n, path, cfg, err);
    longsd__free(text);
    return rc;
}

longsd_status sdsched_cfg_parse(const char *text, size_t len, const char *path, sdsched_cfg *cfg, lserr *err)
{
    json_error_t je;
    json_t *o = json_loadb(text, len, 0, &je), *v;
    longsd_status rc = LONGSD_OK;
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: not a JSON object: %s", path, o ? "" : je.text);
    }
    sdsched_cfg c = sdsched_sd15_cfg();
    const char *str;
    if ((v = json_object_get(o, "beta_start")) && json_is_number(v))
        c.beta_start = (float)json_number_value(v);
    if ((v = json_object_get(o, "beta_end")) && json_is_number(v))
        c.beta_end = (float)json_number_value(v);
    if ((v = json_object_get(o, "steps_offset")) && json_is_integer(v))
        c.steps_offset = (int)json_integer_value(v);
    if ((v = json_object_get(o, "original_inference_steps")) && json_is_integer(v))
        c.original_steps = (int)json_integer_value(v);
    if ((v = json_object_get(o, "timestep_scaling")) && json_is_number(v))
        c.timestep_scaling = (float)json_number_value(v);
    if ((v = json_object_get(o, "set_alpha_to_one")))
        c.set_alpha_to_one = json_is_true(v);
    const char *key = NULL;
    if ((str = json_string_value(json_object_get(o, "timestep_spacing")))) {
        c.spacing = !strcmp(str, "linspace") ? SDS_LINSPACE
                    : !strcmp(str, "leading") ? SDS_LEADING
                    : !strcmp(str, "trailing") ? SDS_TRAILING
                                                : (key = "timestep_spacing", c.spacing);
    }
    if ((str = json_string_value(json_object_get(o, "beta_schedule"))) && strcmp(str, "scaled_linear"))
        key = "beta_schedule";
    if ((str = json_string_value(json_object_get(o, "prediction_type")))) {
        if (!strcmp(str, "v_prediction"))
            c.v_pred = 1;
        else if (strcmp(str, "epsilon"))
            key = "prediction_type";
    }
    if ((v = json_object_get(o, "num_train_timesteps")) && (!json_is_integer(v) || json_integer_value(v) != SDS_TRAIN_STEPS))
        key = "num_train_timesteps";
    if ((v = json_object_get(o, "trained_betas")) && !json_is_null(v))
        key = "trained_betas";
    if ((v = json_object_get(o, "rescale_betas_zero_snr")) && json_is_true(v))
        key = "rescale_betas_zero_snr";
    if (key) {
        rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED,
                       "%s: this %s is not supported (scaled_linear betas, epsilon or v_prediction, 1000 steps, "
                       "linspace/leading/trailing spacing)",
                       path, key);
        goto out;
    }
    if (!(c.beta_start > 0 && c.beta_start < c.beta_end && c.beta_end < 1) || c.steps_offset < 0 ||
        c.steps_offset > 100 || c.original_steps < 1 || c.original_steps > SDS_TRAIN_STEPS ||
        !(c.timestep_scaling > 0 && c.timestep_scaling < 1e6f)) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: betas, steps_offset, original_inference_steps or "
                       "timestep_scaling out of range", path);
        goto out;
    }
out:
    json_decref(o);
    if (rc == LONGSD_OK)
        *cfg = c;
    return rc;
}

static void train_tables(sdsched *s, float *sig /* OUT: train sigmas, float32 */)
{
    /* betas = linspace(sqrt(beta_start), sqrt(beta_end), 1000, float32) ** 2 */
    float a = sqrtf(s->cfg.beta_start), b = sqrtf(s->cfg.beta_end);
    float cum = 1.0f;
    for (int i = 0; i < SDS_TRAIN_STEPS; i++) {
        /* torch.linspace: start + i*step for the first half, end - (n-1-i)*step for the rest */
        double step = ((double)b - (double)a) / (SDS_TRAIN_STEPS - 1);
        float v = i < SDS_TRAIN_STEPS / 2 ? (float)(a + step * i) : (float)(b - step * (SDS_TRAIN_STEPS - 1 - i));
        float beta = v * v;
        cum *= 1.0f - beta;
        s->alphas_cumprod[i] = cum;
        sig[i] = sqrtf((1.0f - cum) / cum);
    }
}

/* np.interp(t, arange(1000), sig) */
static double interp(const float *sig, double t)
{
    if (t <= 0)
        return sig[0];
    if (t >= SDS_TRAIN_STEPS - 1)
        return sig[SDS_TRAIN_STEPS - 1];
    int lo = (int)floor(t);
    double w = t - lo;
    return (double)sig[lo] + w * ((double)sig[lo + 1] - (double)sig[lo]);
}

/* diffusers' _sigma_to_t against float32 log sigmas. */
static double sigma_to_t(const float *logsig, double sigma)
{
    double ls = log(sigma > 1e-10 ? sigma : 1e-10);
    int lo = 0;
    for (int i = 0; i < SDS_TRAIN_STEPS; i++)
        if (ls - logsig[i] >= 0)
            lo = i;
    if (lo > SDS_TRAIN_STEPS - 2)
        lo = SDS_TRAIN_STEPS - 2;
    double low = logsig[lo], high = logsig[lo + 1];
    double w = (low - ls) / (low - high);
    w = w < 0 ? 0 : w > 1 ? 1 : w;
    return (1 - w) * lo + w * (lo + 1);
}

static void karras(double smin, double smax, int n, double *out)
{
    const double rho = 7.0;
    double mi = pow(smin, 1 / rho), ma = pow(smax, 1 / rho);
    for (int i = 0; i < n; i++) {
        double ramp = n > 1 ? (double)i / (n - 1) : 0;
        out[i] = pow(ma + ramp * (mi - ma), rho);
    }
}

/* arange(1000, 0, -1000/steps).round() - 1, diffusers' "trailing". For
 * 62 step counts (61, 103, ...) numpy's arange has one element more
 * (ending in t = -1); the engine keeps the first steps of them. */
static void trailing(int steps, float *ts)
{
    double r = (double)SDS_TRAIN_STEPS / steps;
    for (int i = 0; i < steps; i++)
        ts[i] = (float)(nearbyint((double)SDS_TRAIN_STEPS + i * -r) - 1.0);
}

/* (arange(n) * ratio)[::-1] + offset, diffusers' "leading". */
static void leading(int steps, int ratio, int offset, float *ts)
{
    for (int i = 0; i < steps; i++)
        ts[i] = (float)((steps - 1 - i) * ratio + offset);
}

longsd_status sdsched_init(sdsched *s, sds_kind kind, int karras_on, int steps, lserr *err)
{
    sdsched_cfg c = sdsched_sd15_cfg();
    return sdsched_init_cfg(s, &c, kind, karras_on, steps, err);
}

int sdsched_needs_noise(const sdsched *s, int i)
{
    return s->kind == SDS_EULER_A || (s->kind == SDS_LCM && i < s->steps - 1);
}

/* LCMScheduler.set_timesteps: the distillation schedule k-1, 2k-1, ...,
 * 999 (k = 1000 / original_steps), reversed, sampled at floor(linspace(0,
 * len, steps, endpoint=False)). */
static longsd_status lcm_init(sdsched *s, int steps, lserr *err)
{
    int orig = s->cfg.original_steps, k = SDS_TRAIN_STEPS / orig;
    if (steps > orig)
        return lserr_set(err, LONGSD_ERR_PARAM, "LCM takes at most original_inference_steps = %d steps, not %d", orig,
                         steps);
    for (int i = 0; i < steps; i++) {
        int idx = (int)floor((double)orig * i / steps); /* linspace(0, orig, steps, endpoint=False) */
        s->timesteps[i] = (float)((orig - idx) * k - 1);
    }
    s->init_sigma = 1.0f;
    return LONGSD_OK;
}

longsd_status sdsched_init_cfg(sdsched *s, const sdsched_cfg *cfg, sds_kind kind, int karras_on, int steps, lserr *err)
{
    memset(s, 0, sizeof *s);
    if (steps < 1 || steps > SDS_MAX_STEPS)
        return lserr_set(err, LONGSD_ERR_PARAM, "steps must be 1..%d, not %d", SDS_MAX_STEPS, steps);
    if ((unsigned)kind > SDS_LCM)
        return lserr_set(err, LONGSD_ERR_PARAM, "unknown sampler %d", (int)kind);
    if (karras_on && (kind == SDS_DDIM || kind == SDS_EULER_A || kind == SDS_LCM))
        return lserr_set(err, LONGSD_ERR_PARAM, "Karras sigmas are available for Euler and DPM++ 2M only");
    s->kind = kind;
    s->cfg = *cfg;
    s->karras = karras_on;
    s->steps = steps;
    float sig[SDS_TRAIN_STEPS], logsig[SDS_TRAIN_STEPS];
    train_tables(s, sig);
    for (int i = 0; i < SDS_TRAIN_STEPS; i++)
        logsig[i] = logf(sig[i]);
    double kk[SDS_MAX_STEPS];
    sds_spacing sp = cfg->spacing;
    if (kind == SDS_LCM)
        return lcm_init(s, steps, err);
    if (kind == SDS_DDIM) {
        int ratio = SDS_TRAIN_STEPS / steps;
        if (sp == SDS_TRAILING)
            trailing(steps, s->timesteps);
        else if (sp == SDS_LINSPACE)
            for (int i = 0; i < steps; i++) /* linspace(0, 999, steps).round()[::-1] */
                s->timesteps[i] =
                    (float)nearbyint(steps > 1 ? (double)(SDS_TRAIN_STEPS - 1) * (steps - 1 - i) / (steps - 1) : 0.0);
        else
            leading(steps, ratio, cfg->steps_offset, s->timesteps);
        s->init_sigma = 1.0f;
        return LONGSD_OK;
    }
    if (kind == SDS_DPMPP_2M) {
        if (sp == SDS_TRAILING) {
            trailing(steps, s->timesteps);
        } else if (sp == SDS_LEADING) {
            /* (arange(steps + 1) * (1000 // (steps + 1)))[::-1][:-1] + offset */
            int ratio = SDS_TRAIN_STEPS / (steps + 1);
            for (int i = 0; i < steps; i++)
                s->timesteps[i] = (float)((steps - i) * ratio + cfg->steps_offset);
        } else {
            /* linspace(0, 999, steps + 1).round()[::-1][:-1] */
            for (int i = 0; i < steps; i++) {
                double v = (double)(SDS_TRAIN_STEPS - 1) * (steps - i) / steps;
                s->timesteps[i] = (float)nearbyint(v); /* round half to even, like numpy */
            }
        }
        if (karras_on) {
            karras(sig[0], sig[SDS_TRAIN_STEPS - 1], steps, kk);
            for (int i = 0; i < steps; i++) {
                s->sigmas[i] = (float)kk[i];
                s->timesteps[i] = (float)nearbyint(sigma_to_t(logsig, kk[i]));
            }
        } else {
            for (int i = 0; i < steps; i++)
                s->sigmas[i] = (float)interp(sig, s->timesteps[i]);
        }
        s->sigmas[steps] = 0.0f;
        s->init_sigma = 1.0f;
        return LONGSD_OK;
    }
    /* Euler, Euler ancestral: by default linspace(0, 999, steps, float32)[::-1] */
    if (sp == SDS_TRAILING)
        trailing(steps, s->timesteps);
    else if (sp == SDS_LEADING)
        leading(steps, SDS_TRAIN_STEPS / steps, cfg->steps_offset, s->timesteps);
    for (int i = 0; i < steps; i++) {
        if (sp != SDS_TRAILING && sp != SDS_LEADING) {
            double v = steps > 1     ? (double)(SDS_TRAIN_STEPS - 1) * (steps - 1 - i) / (steps - 1)
                       : cfg->a1111 ? (double)(SDS_TRAIN_STEPS - 1)
                                    : 0.0;
            s->timesteps[i] = (float)v;
        }
        kk[i] = interp(sig, (double)s->timesteps[i]);
    }
    if (karras_on) {
        karras(kk[steps - 1], kk[0], steps, kk);
        for (int i = 0; i < steps; i++)
            s->timesteps[i] = (float)sigma_to_t(logsig, kk[i]);
    }
    float mx = 0;
    for (int i = 0; i < steps; i++) {
        s->sigmas[i] = (float)kk[i];
        if (s->sigmas[i] > mx)
            mx = s->sigmas[i];
    }
    s->sigmas[steps] = 0.0f;
    /* linspace and trailing: the largest sigma; leading sqrt(max^2 + 1) */
    s->init_sigma = sp == SDS_LEADING ? sqrtf(mx * mx + 1.0f) : mx;
    return LONGSD_OK;
}

void sdsched_free(sdsched *s)
{
    longsd__free(s->prev_x0);
    s->prev_x0 = NULL;
    s->prev_n = 0;
}

float sdsched_input_scale(const sdsched *s, int i)
{
    if (s->kind == SDS_EULER || s->kind == SDS_EULER_A)
        return 1.0f / sqrtf(s->sigmas[i] * s->sigmas[i] + 1.0f);
    return 1.0f;
}

/* The Euler samplers' x0 from the model output at sigma (x unscaled):
 * epsilon x - sigma eps; v (EulerDiscreteScheduler's formula, float32)
 * v (-sigma / sqrt(sigma^2 + 1)) + x / (sigma^2 + 1). */
static float sigma_x0(const sdsched *s, float sigma, float x, float out)
{
    if (!s->cfg.v_pred)
        return x - sigma * out;
    float s2 = sigma * sigma + 1.0f;
    return out * (-sigma / sqrtf(s2)) + x / s2;
}

longsd_status sdsched_step(sdsched *s, int i, const float *eps, float *x, size_t n, const float *noise, lserr *err)
{
    if (i < 0 || i >= s->steps)
        return lserr_set(err, LONGSD_ERR_PARAM, "step %d outside 0..%d", i, s->steps - 1);
    switch (s->kind) {
    case SDS_EULER: {
        /* x0 = x - sigma eps; x += (x - x0)/sigma * (sigma_next - sigma) = eps * dt */
        float sigma = s->sigmas[i], dt = s->sigmas[i + 1] - sigma;
        for (size_t k = 0; k < n; k++) {
            float x0 = sigma_x0(s, sigma, x[k], eps[k]);
            x[k] = x[k] + (x[k] - x0) / sigma * dt;
        }
        return LONGSD_OK;
    }
    case SDS_EULER_A: {
        if (!noise)
            return lserr_set(err, LONGSD_ERR_PARAM, "Euler ancestral needs noise for step %d", i);
        float sf = s->sigmas[i], st = s->sigmas[i + 1];
        float up = sqrtf(st * st * (sf * sf - st * st) / (sf * sf)), down = sqrtf(st * st - up * up);
        float dt = down - sf;
        for (size_t k = 0; k < n; k++) {
            float x0 = sigma_x0(s, sf, x[k], eps[k]);
            x[k] = x[k] + (x[k] - x0) / sf * dt + noise[k] * up;
        }
        return LONGSD_OK;
    }
    case SDS_DDIM: {
        int t = (int)s->timesteps[i], prev = t - SDS_TRAIN_STEPS / s->steps;
        double at = s->alphas_cumprod[t], ap = prev >= 0 ? s->alphas_cumprod[prev] : s->alphas_cumprod[0];
        double bt = 1 - at, sa = sqrt(at), sb = sqrt(bt), sap = sqrt(ap), dir = sqrt(1 - ap);
        for (size_t k = 0; k < n; k++) {
            /* v: x0 = sqrt(acp) x - sqrt(1 - acp) v, eps = sqrt(acp) v + sqrt(1 - acp) x */
            double x0 = s->cfg.v_pred ? sa * x[k] - sb * eps[k] : (x[k] - sb * eps[k]) / sa;
            double e = s->cfg.v_pred ? sa * eps[k] + sb * x[k] : eps[k];
            x[k] = (float)(sap * x0 + dir * e);
        }
        return LONGSD_OK;
    }
    case SDS_LCM: {
        /* LCMScheduler.step: x0 from eps, denoised = c_out x0 + c_skip x,
         * then noised back to the next timestep (none after the last).
         * The scalars are float32 as torch makes them. */
        int t = (int)s->timesteps[i], tp = i + 1 < s->steps ? (int)s->timesteps[i + 1] : t;
        float at = s->alphas_cumprod[t];
        float ap = tp >= 0 ? s->alphas_cumprod[tp] : s->cfg.set_alpha_to_one ? 1.0f : s->alphas_cumprod[0];
        float sa = sqrtf(at), sb = sqrtf(1.0f - at), sap = sqrtf(ap), sbp = sqrtf(1.0f - ap);
        float st = (float)t * s->cfg.timestep_scaling;
        float c_skip = 0.25f / (st * st + 0.25f), c_out = st / sqrtf(st * st + 0.25f);
        int last = i == s->steps - 1;
        if (!last && !noise)
            return lserr_set(err, LONGSD_ERR_PARAM, "LCM needs noise for step %d", i);
        for (size_t k = 0; k < n; k++) {
            double x0 = s->cfg.v_pred ? (double)sa * x[k] - (double)sb * eps[k]
                                      : ((double)x[k] - (double)sb * eps[k]) / sa;
            double den = c_out * x0 + (double)c_skip * x[k];
            x[k] = (float)(last ? den : (double)sap * den + (double)sbp * noise[k]);
        }
        return LONGSD_OK;
    }
    case SDS_DPMPP_2M: {
        if (s->prev_n != n) {
            longsd__free(s->prev_x0);
            s->prev_x0 = longsd__malloc(n * sizeof *s->prev_x0);
            s->prev_n = s->prev_x0 ? n : 0;
            if (!s->prev_x0)
                return lserr_set(err, LONGSD_ERR_NOMEM, "out of memory");
            s->lower_order_nums = 0;
        }
        if (i == 0)
            s->lower_order_nums = 0;
        /* The last step is first order (final sigma 0), as is the first. */
        int first = s->lower_order_nums < 1 || i == s->steps - 1;
        double sg0 = s->sigmas[i], sg1 = s->sigmas[i + 1];
        double a0 = 1 / sqrt(sg0 * sg0 + 1), s0 = sg0 * a0;
        double a1 = 1 / sqrt(sg1 * sg1 + 1), s1 = sg1 * a1;
        double l0 = log(a0) - log(s0), l1 = log(a1) - log(s1); /* l1 = +inf at sigma 0: exp(-h) = 0 */
        double h = l1 - l0, em = exp(-h) - 1.0;
        double ratio = s1 / s0;
        double r0 = 0, lp = 0;
        if (!first) {
            double sgp = s->sigmas[i - 1], ap = 1 / sqrt(sgp * sgp + 1), sp = sgp * ap;
            lp = log(ap) - log(sp);
            r0 = (l0 - lp) / h;
        }
        for (size_t k = 0; k < n; k++) {
            double x0 = s->cfg.v_pred ? a0 * x[k] - s0 * eps[k] : (x[k] - s0 * eps[k]) / a0;
            double xn;
            if (first)
                xn = ratio * x[k] - a1 * em * x0;
            else
                xn = ratio * x[k] - a1 * em * x0 - 0.5 * a1 * em * (1.0 / r0) * (x0 - s->prev_x0[k]);
            s->prev_x0[k] = (float)x0;
            x[k] = (float)xn;
        }
        if (s->lower_order_nums < 2)
            s->lower_order_nums++;
        return LONGSD_OK;
    }
    }
    return lserr_set(err, LONGSD_ERR_PARAM, "unknown sampler");
}

void sdsched_add_noise(const sdsched *s, int i, const float *x0, const float *noise, float *out, size_t n)
{
    double a = 1.0, b;
    if (s->kind == SDS_EULER || s->kind == SDS_EULER_A) {
        b = s->sigmas[i];
    } else if (s->kind == SDS_DPMPP_2M) {
        double sg = s->sigmas[i];
        a = 1.0 / sqrt(sg * sg + 1.0);
        b = sg * a;
    } else {
        int t = (int)s->timesteps[i];
        t = t < 0 ? 0 : t >= SDS_TRAIN_STEPS ? SDS_TRAIN_STEPS - 1 : t;
        double acp = s->alphas_cumprod[t];
        a = sqrt(acp);
        b = sqrt(1.0 - acp);
    }
    for (size_t k = 0; k < n; k++)
        out[k] = (float)(a * x0[k] + b * noise[k]);
}

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void sdrng_normal(uint64_t seed, uint64_t stream, float *out, size_t n)
{
    uint64_t base = splitmix64(seed ^ splitmix64(stream * 0xd1b54a32d192ed03ULL + 1));
    for (size_t k = 0; k < n; k += 2) {
        uint64_t r1 = splitmix64(base + 2 * k), r2 = splitmix64(base + 2 * k + 1);
        double u1 = ((r1 >> 11) + 1.0) * 0x1p-53; /* (0, 1]: log is finite */
        double u2 = (r2 >> 11) * 0x1p-53;
        double rad = sqrt(-2.0 * log(u1)), th = 6.283185307179586 * u2;
        out[k] = (float)(rad * cos(th));
        if (k + 1 < n)
            out[k + 1] = (float)(rad * sin(th));
    }
}
