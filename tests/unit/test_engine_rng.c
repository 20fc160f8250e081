/* test_engine_rng.c - the three noise sources against their references:
 * torch.randn on the CPU (bit for bit, tests/engine/ref_rng.safetensors
 * from tests/engine/make_rng_fixtures.py: 5 seeds x 3 shapes, two draws
 * each), Philox4x32-10's published known-answer vectors, and the "NV"
 * noise of an independent Python implementation (bit for bit: the
 * transform is double and then rounded to float). */
#include <math.h>

#include "rng.h"
#include "safetensors.h"
#include "sampler.h"
#include "t.h"

#define REF "tests/engine/ref_rng.safetensors"

static const uint64_t seeds[5] = {0, 1, 42, 1234567890, 4294967295u};
static const size_t numel[3] = {12, 256, 140};

static float *load(sdst_file *f, const char *name, size_t n)
{
    lserr err = {0};
    const sdst_tensor *t = sdst_find(f, name);
    REQUIRE(t && t->numel == n);
    float *p = malloc(n * sizeof *p);
    REQUIRE(p && sdst_to_f32(f, t, p, n, &err) == LONGSD_OK);
    return p;
}

/* Elements whose bits differ from the reference. */
static int n_diff(const float *a, const float *b, size_t n)
{
    int d = 0;
    for (size_t i = 0; i < n; i++)
        d += memcmp(a + i, b + i, 4) != 0;
    return d;
}

static void check_kind(sdrng_kind kind, const char *prefix)
{
    sdst_file *f = NULL;
    lserr err = {0};
    REQUIRE(sdst_open(REF, &f, &err) == LONGSD_OK);
    float got[256];
    for (int s = 0; s < 5; s++)
        for (int j = 0; j < 3; j++) {
            sdrng r;
            sdrng_init(&r, kind, seeds[s]);
            for (int d = 0; d < 2; d++) {
                char name[64];
                snprintf(name, sizeof name, "%s_%llu_%d_%d", prefix, (unsigned long long)seeds[s], j, d);
                float *ref = load(f, name, numel[j]);
                sdrng_draw(&r, got, numel[j]);
                int nd = n_diff(got, ref, numel[j]);
                if (nd)
                    fprintf(stderr, "  %s: %d of %zu differ (%.9g vs %.9g first)\n", name, nd, numel[j], got[0],
                            ref[0]);
                CHECK_INT(nd, 0);
                free(ref);
            }
        }
    sdst_close(f);
}

TEST(torch_cpu_randn_bit_identical)
{
    check_kind(SDRNG_CPU, "cpu");
}

TEST(philox_known_answers)
{
    /* Random123's kat_vectors, philox4x32 10 rounds */
    static const uint32_t kat[3][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d, 0x41c83b0e,
         0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09, 0x94fdcceb,
         0x5001e420, 0x24126ea1},
    };
    for (int k = 0; k < 3; k++) {
        uint32_t c[4] = {kat[k][0], kat[k][1], kat[k][2], kat[k][3]};
        sdphilox4x32_10(c, kat[k] + 4);
        for (int i = 0; i < 4; i++)
            CHECK_INT(c[i], kat[k][6 + i]);
    }
}

TEST(cuda_philox_matches_python)
{
    check_kind(SDRNG_CUDA, "cuda");
}

TEST(native_is_the_old_stream)
{
    /* x_T is stream 0 and step i's noise stream i + 1, as before the handle */
    float a[40], b[40];
    sdrng r;
    sdrng_init(&r, SDRNG_NATIVE, 7);
    for (int call = 0; call < 3; call++) {
        sdrng_draw(&r, a, 40);
        sdrng_normal(7, (uint64_t)call, b, 40);
        CHECK_INT(n_diff(a, b, 40), 0);
    }
}

TEST(cpu_stream_continues_and_seeds_differ)
{
    /* two draws of 16 are not one draw of 32 (each block redraws), but two
     * generators of one seed agree and two seeds do not */
    float a[32], b[32];
    sdrng r1, r2;
    sdrng_init(&r1, SDRNG_CPU, 5);
    sdrng_init(&r2, SDRNG_CPU, 5);
    sdrng_draw(&r1, a, 32);
    sdrng_draw(&r2, b, 32);
    CHECK_INT(n_diff(a, b, 32), 0);
    sdrng_init(&r2, SDRNG_CPU, 6);
    sdrng_draw(&r2, b, 32);
    CHECK(n_diff(a, b, 32) > 30);
    double m = 0, v = 0;
    static float big[1 << 16];
    sdrng_init(&r1, SDRNG_CPU, 9);
    sdrng_draw(&r1, big, 1 << 16);
    for (int i = 0; i < 1 << 16; i++) {
        m += big[i];
        v += (double)big[i] * big[i];
    }
    m /= 1 << 16;
    v = v / (1 << 16) - m * m;
    CHECK(fabs(m) < 0.02 && fabs(v - 1) < 0.03);
}

TEST(rng_names)
{
    longsd_rng r;
    CHECK_STR(longsd_rng_name(LONGSD_RNG_CPU), "cpu");
    CHECK(longsd_rng_name((longsd_rng)3) == NULL);
    CHECK(longsd_rng_from_name("CUDA", &r) == 0 && r == LONGSD_RNG_CUDA);
    CHECK(longsd_rng_from_name("gpu", &r) == -1);
}

RUN_TESTS(torch_cpu_randn_bit_identical, philox_known_answers, cuda_philox_matches_python, native_is_the_old_stream,
          cpu_stream_continues_and_seeds_differ, rng_names)
