/* rng_torch.c - torch's CPU generator (mt19937) and torch.randn's float32
 * transform, so that --rng cpu gives the latents of diffusers with
 * torch.Generator("cpu").manual_seed(seed). Written from the algorithm's
 * description (the mt19937 reference paper, torch's documented float
 * transform and the Cephes single-precision log/sin/cos polynomials); the
 * tests compare every bit with torch itself (tests/engine/make_rng_fixtures.py).
 *
 * Why the exact float operations matter: torch fills n >= 16 floats by
 * drawing n uniforms (24 bits each), then turning each block of 16 into
 * normals with Box-Muller, 8 radii from the first 8 and 8 angles from the
 * next 8 (a tail that is not a multiple of 16 redraws 16 fresh uniforms
 * over the last 16 slots). On x86 CPUs with AVX2 it evaluates log and
 * sincos with Cephes polynomials, the multiply-adds fused, and that is
 * what is reproduced here, operation by operation; fmaf() is the fused
 * step. The file is built with -std=c17, where GCC contracts nothing. */
#include <math.h>
#include <string.h>

#include "rng.h"

void sdmt_seed(sdmt *g, uint64_t seed)
{
    /* torch seeds mt19937 with the low 32 bits */
    g->mt[0] = (uint32_t)seed;
    for (int i = 1; i < 624; i++)
        g->mt[i] = 1812433253u * (g->mt[i - 1] ^ (g->mt[i - 1] >> 30)) + (uint32_t)i;
    g->mti = 624;
    g->have_next = 0;
    g->next = 0;
}

static void mt_twist(sdmt *g)
{
    for (int i = 0; i < 624; i++) {
        uint32_t y = (g->mt[i] & 0x80000000u) | (g->mt[(i + 1) % 624] & 0x7fffffffu);
        g->mt[i] = g->mt[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    g->mti = 0;
}

uint32_t sdmt_u32(sdmt *g)
{
    if (g->mti >= 624)
        mt_twist(g);
    uint32_t y = g->mt[g->mti++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

/* A float uniform in [0, 1): the low 24 bits of one draw. */
static float uniform_f(sdmt *g)
{
    return (float)(sdmt_u32(g) & 0xffffffu) * 0x1p-24f;
}

/* A double uniform in [0, 1): 53 bits of two draws, the first high. */
static double uniform_d(sdmt *g)
{
    uint32_t hi = sdmt_u32(g), lo = sdmt_u32(g);
    uint64_t v = ((uint64_t)hi << 32) | lo;
    return (double)(v & ((1ULL << 53) - 1)) * 0x1p-53;
}

static float bits_f(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint32_t f_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* Cephes logf: split x = m * 2^e with m in [sqrt(1/2), sqrt(2)), a degree-9
 * polynomial in m - 1, the exponent added back in two parts. x in (0, 1]. */
static float ceph_logf(float x)
{
    const float min_norm = 1.17549435e-38f;
    if (x < min_norm)
        x = min_norm;
    uint32_t b = f_bits(x);
    int e_int = (int)(b >> 23) - 0x7f;
    x = bits_f((b & ~0x7f800000u) | f_bits(0.5f));
    float e = (float)e_int + 1.0f;
    float tmp = 0.0f;
    if (x < 0.707106781186547524f) {
        tmp = x;
        e = e - 1.0f;
    }
    x = x - 1.0f;
    x = x + tmp;
    float z = x * x;
    float y = 7.0376836292e-2f;
    y = fmaf(y, x, -1.1514610310e-1f);
    y = fmaf(y, x, 1.1676998740e-1f);
    y = fmaf(y, x, -1.2420140846e-1f);
    y = fmaf(y, x, 1.4249322787e-1f);
    y = fmaf(y, x, -1.6668057665e-1f);
    y = fmaf(y, x, 2.0000714765e-1f);
    y = fmaf(y, x, -2.4999993993e-1f);
    y = fmaf(y, x, 3.3333331174e-1f);
    y = y * x;
    y = fmaf(y, z, e * -2.12194440e-4f);
    y = fmaf(z, -0.5f, y);
    x = x + y;
    x = fmaf(e, 0.693359375f, x);
    return x;
}

/* Cephes sinf and cosf together: reduce by multiples of pi/4 (pi/4 in
 * three parts so the reduction is exact for the angles used here), two
 * polynomials on [-pi/4, pi/4], octant swaps and signs. x >= 0. */
static void ceph_sincosf(float x, float *s, float *c)
{
    int sign_sin = 0;
    if (x < 0) {
        x = -x;
        sign_sin = 1;
    }
    float y = x * 1.27323954473516f;
    int j = (int)y;
    j = (j + 1) & ~1;
    y = (float)j;
    int swap_sin = (j & 4) != 0;
    int poly_cos = (j & 2) == 0; /* cosine polynomial gives the cosine */
    x = fmaf(y, -0.78515625f, x);
    x = fmaf(y, -2.4187564849853515625e-4f, x);
    x = fmaf(y, -3.77489497744594108e-8f, x);
    int sign_cos = ((~(j - 2)) & 4) != 0;
    sign_sin ^= swap_sin;
    float z = x * x;
    float yc = 2.443315711809948e-5f;
    yc = fmaf(yc, z, -1.388731625493765e-3f);
    yc = fmaf(yc, z, 4.166664568298827e-2f);
    yc = yc * z;
    yc = fmaf(yc, z, -(z * 0.5f));
    yc = yc + 1.0f;
    float ys = -1.9515295891e-4f;
    ys = fmaf(ys, z, 8.3321608736e-3f);
    ys = fmaf(ys, z, -1.6666654611e-1f);
    ys = ys * z;
    ys = fmaf(ys, x, x);
    float sv = poly_cos ? ys + 0.0f : yc + 0.0f;
    float cv = poly_cos ? yc + 0.0f : ys + 0.0f;
    *s = sign_sin ? -sv : sv;
    *c = sign_cos ? -cv : cv;
}

static void normal16(float *d)
{
    for (int j = 0; j < 8; j++) {
        float u1 = 1.0f - d[j], u2 = d[j + 8];
        float radius = sqrtf(-2.0f * ceph_logf(u1));
        float theta = (float)(2.0 * 3.14159265358979323846) * u2;
        float sn, cs;
        ceph_sincosf(theta, &sn, &cs);
        d[j] = radius * cs + 0.0f;
        d[j + 8] = radius * sn + 0.0f;
    }
}

void sdtorch_randn(sdmt *g, float *out, size_t n)
{
    if (n >= 16) {
        for (size_t i = 0; i < n; i++)
            out[i] = uniform_f(g);
        for (size_t i = 0; i + 16 <= n; i += 16)
            normal16(out + i);
        if (n % 16) {
            float *t = out + n - 16;
            for (int i = 0; i < 16; i++)
                t[i] = uniform_f(g);
            normal16(t);
        }
        return;
    }
    /* Below 16: one double Box-Muller pair per two numbers, the sine half
     * kept in the generator for the next number. */
    for (size_t i = 0; i < n; i++) {
        if (g->have_next) {
            out[i] = (float)g->next;
            g->have_next = 0;
            continue;
        }
        double u1 = uniform_d(g), u2 = uniform_d(g);
        double r = sqrt(-2.0 * log1p(-u2)), th = 2.0 * 3.14159265358979323846 * u1;
        g->next = r * sin(th);
        g->have_next = 1;
        out[i] = (float)(r * cos(th));
    }
}
