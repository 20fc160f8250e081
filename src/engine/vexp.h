/* vexp.h - exp for 8 floats at a time, shared by the element-wise
 * kernels (kernels.c) and attention's softmax (attention.c). Internal to
 * the engine. */
#ifndef LONGSD_VEXP_H
#define LONGSD_VEXP_H

#if defined(__x86_64__)
#include <immintrin.h>

/* exp for 8 floats (Cephes' expf polynomial, ~1 ulp on [-87, 88]; below
 * -87.3, including -inf from the causal mask, exactly 0). The scores'
 * exponentials are the largest element-wise cost of 512x512 attention. */
__attribute__((target("avx2,fma"))) static inline __m256 exp8(__m256 x)
{
    const __m256 hi = _mm256_set1_ps(88.3762626647949f), lo = _mm256_set1_ps(-87.3f);
    __m256 zero_mask = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
    x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    __m256 fx = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 z = _mm256_mul_ps(x, x);
    __m256 y = _mm256_set1_ps(1.9875691500E-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507E-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073E-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894E-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459E-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201E-1f));
    y = _mm256_fmadd_ps(y, z, _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127)), 23);
    y = _mm256_mul_ps(y, _mm256_castsi256_ps(e));
    return _mm256_andnot_ps(zero_mask, y);
}

/* exp for 8 floats x <= 0 (scores less their maximum): 2^t, t = x log2(e),
 * as 2^round(t) times a degree-5 polynomial of the fraction (a weighted
 * least-squares fit of 2^f on [-1/2, 1/2] for relative error, 2^0 = 1
 * kept exact: 1.6e-7 in float arithmetic); below 2^-125, including -inf,
 * exactly 0. Fifteen operations against exp8's seventeen, with no clamp
 * from above: for the softmax, whose exponentials are an eighth of
 * attention's blocks. */
__attribute__((target("avx2,fma"))) static inline __m256 exp8_le0(__m256 x)
{
    const __m256 lo = _mm256_set1_ps(-125.0f);
    __m256 t = _mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f));
    __m256 zero_mask = _mm256_cmp_ps(t, lo, _CMP_LT_OQ);
    t = _mm256_max_ps(t, lo);
    __m256 n = _mm256_round_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    /* the fraction from x itself, log2(e) in two parts: t's own rounding
     * would cost |t| 2^-24 (4e-6 relative at x = -80) */
    __m256 f = _mm256_fmsub_ps(x, _mm256_set1_ps(1.44269502162933349609375f), n);
    f = _mm256_fmadd_ps(x, _mm256_set1_ps(1.925963033500011079e-8f), f);
    __m256 p = _mm256_set1_ps(1.3231885386630893e-3f);
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(9.671623818576336e-3f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(5.5508486926555634e-2f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(2.4022239446640015e-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(6.931468844413757e-1f));
    p = _mm256_fmadd_ps(p, f, _mm256_set1_ps(1.0f));
    /* 2^n into the exponent field: p is in [2^-1/2, 2^1/2], n >= -125 */
    __m256i e = _mm256_slli_epi32(_mm256_cvtps_epi32(n), 23);
    __m256 y = _mm256_castsi256_ps(_mm256_add_epi32(_mm256_castps_si256(p), e));
    return _mm256_andnot_ps(zero_mask, y);
}
#endif

#endif
