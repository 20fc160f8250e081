/* test_engine_kernels.c - the f32 kernels against naive double-precision
 * loops, with shapes large enough that conv2d's im2col and attention's
 * score blocks are split into several chunks; and the arena's reuse. */
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "kernels.h"
#include "t.h"
#include "threadpool.h"

static float frand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (float)((*s >> 8) & 0xffff) / 32768.0f - 1.0f;
}

static double rel_err(const float *a, const double *ref, size_t n)
{
    double d = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(a[i] - ref[i]);
        if (!(e <= d))
            d = e;
        if (fabs(ref[i]) > m)
            m = fabs(ref[i]);
    }
    return m > 0 ? d / m : d;
}

static void conv_case(int C, int H, int W, int O, int k, int stride, int pad, int expect_chunks)
{
    unsigned s = 1;
    int Ho = (H + 2 * pad - k) / stride + 1, Wo = (W + 2 * pad - k) / stride + 1;
    size_t nx = (size_t)C * H * W, nw = (size_t)O * C * k * k, ny = (size_t)O * Ho * Wo;
    float *x = malloc(nx * 4), *w = malloc(nw * 4), *b = malloc((size_t)O * 4), *y = malloc(ny * 4);
    double *ref = calloc(ny, sizeof *ref);
    REQUIRE(x && w && b && y && ref);
    for (size_t i = 0; i < nx; i++)
        x[i] = frand(&s);
    for (size_t i = 0; i < nw; i++)
        w[i] = frand(&s);
    for (int i = 0; i < O; i++)
        b[i] = frand(&s);
    size_t scr = sdk_conv2d_scratch(C, H, W, k, stride, pad);
    size_t row = (size_t)C * k * k * Wo;
    CHECK_INT((Ho + (int)(scr / row) - 1) / (int)(scr / row) > 1, expect_chunks);
    float *col = malloc(scr * 4);
    REQUIRE(col);
    sdk_conv2d(x, C, H, W, w, b, O, k, stride, pad, y, col);
    for (int o = 0; o < O; o++)
        for (int oy = 0; oy < Ho; oy++)
            for (int ox = 0; ox < Wo; ox++) {
                double acc = b[o];
                for (int c = 0; c < C; c++)
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                            if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                                acc += (double)w[((o * C + c) * k + ky) * k + kx] * x[((size_t)c * H + iy) * W + ix];
                        }
                ref[((size_t)o * Ho + oy) * Wo + ox] = acc;
            }
    double e = rel_err(y, ref, ny);
    printf("  conv C%d %dx%d k%d s%d: max rel err %.2e\n", C, H, W, k, stride, e);
    CHECK(e < 1e-5);
    free(x), free(w), free(b), free(y), free(ref), free(col);
}

TEST(conv2d_matches_naive)
{
    conv_case(3, 7, 5, 4, 3, 1, 1, 0);  /* odd sizes, padding */
    conv_case(5, 9, 6, 3, 3, 2, 1, 0);  /* stride 2 downsampling on odd height */
    conv_case(6, 4, 4, 2, 1, 1, 0, 0);  /* 1x1 (sgemm only) */
    conv_case(128, 40, 520, 2, 3, 1, 1, 1); /* im2col in several row blocks */
}

/* Winograd F(m x m, 3 x 3) against the double-precision loops and the
 * im2col path on the same random tensors; bit-identical with 1 and 3
 * threads. Returns the max relative error to the double reference. */
static double wino_case(int m, int B, int C, int H, int W, int O)
{
    unsigned s = 7;
    size_t nx = (size_t)B * C * H * W, nw = (size_t)O * C * 9, ny = (size_t)B * O * H * W;
    float *x = malloc(nx * 4), *w = malloc(nw * 4), *b = malloc((size_t)O * 4), *y = malloc(ny * 4),
          *y3 = malloc(ny * 4), *yd = malloc(ny * 4);
    float *scr = malloc(sdk_wino_scratch(m, B, C, H, W, O) * 4), *col = malloc(sdk_conv2d_scratch(C, H, W, 3, 1, 1) * 4);
    double *ref = calloc(ny, sizeof *ref);
    REQUIRE(x && w && b && y && y3 && yd && scr && col && ref);
    for (size_t i = 0; i < nx; i++)
        x[i] = frand(&s);
    for (size_t i = 0; i < nw; i++)
        w[i] = frand(&s);
    for (int i = 0; i < O; i++)
        b[i] = frand(&s);
    /* one thread (no pool) against a pool of three: the same products */
    sdpool *p3 = sdpool_new(3);
    REQUIRE(p3 && sdpool_threads(p3) == 3);
    sdk_wino_conv(m, x, B, C, H, W, w, b, O, y, scr);
    sdpool *old = sdpool_bind(p3);
    sdk_wino_conv(m, x, B, C, H, W, w, b, O, y3, scr);
    sdpool_bind(old);
    sdpool_free(p3);
    CHECK(memcmp(y, y3, ny * 4) == 0);
    for (int i = 0; i < B; i++)
        sdk_conv2d(x + (size_t)i * C * H * W, C, H, W, w, b, O, 3, 1, 1, yd + (size_t)i * O * H * W, col);
    for (int i = 0; i < B; i++)
        for (int o = 0; o < O; o++)
            for (int oy = 0; oy < H; oy++)
                for (int ox = 0; ox < W; ox++) {
                    double acc = b[o];
                    for (int c = 0; c < C; c++) {
                        const float *xc = x + ((size_t)i * C + c) * H * W, *wc = w + ((size_t)o * C + c) * 9;
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = oy - 1 + ky, ix = ox - 1 + kx;
                                if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                                    acc += (double)wc[ky * 3 + kx] * xc[(size_t)iy * W + ix];
                            }
                    }
                    ref[(((size_t)i * O + o) * H + oy) * W + ox] = acc;
                }
    double e = rel_err(y, ref, ny), ed = rel_err(yd, ref, ny);
    printf("  winograd F(%dx%d) B%d C%d %dx%d O%d: max rel err %.2e (im2col + sgemm %.2e)\n", m, m, B, C, H, W, O, e,
           ed);
    free(x), free(w), free(b), free(y), free(y3), free(yd), free(scr), free(col), free(ref);
    return e;
}

TEST(winograd_matches_naive)
{
    /* odd sizes and sizes that are no multiple of the tile; C and O below
     * and above the 8 lanes of a transform; a batch; a shape needing
     * several chunks of tiles (250x262 is 4158 tiles of 4x4 against 2912
     * per chunk at C + O = 40, and 16375 of 2x2 against 6553). */
    static const int shapes[][5] = {
        {1, 1, 1, 1, 1}, {1, 3, 7, 5, 4}, {2, 5, 9, 6, 3}, {1, 8, 4, 4, 8}, {2, 200, 13, 11, 300},
        {1, 320, 10, 10, 64}, {1, 16, 250, 262, 24},
    };
    double worst[5] = {0};
    for (int m = 2; m <= 4; m += 2)
        for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
            const int *d = shapes[i];
            double e = wino_case(m, d[0], d[1], d[2], d[3], d[4]);
            CHECK(e < (m == 2 ? 1e-5 : 5e-5));
            if (e > worst[m])
                worst[m] = e;
        }
    printf("  winograd worst max rel err: F(2x2) %.2e, F(4x4) %.2e\n", worst[2], worst[4]);
}

static void attention_case(int nq, int nk, int heads, int dh, int causal, int expect_chunks)
{
    unsigned s = 7;
    int ld = heads * dh;
    float *q = malloc((size_t)nq * ld * 4), *k = malloc((size_t)nk * ld * 4), *v = malloc((size_t)nk * ld * 4),
          *o = malloc((size_t)nq * ld * 4);
    double *ref = malloc((size_t)nq * ld * sizeof *ref), *sc = malloc((size_t)nk * sizeof *sc);
    REQUIRE(q && k && v && o && ref && sc);
    for (size_t i = 0; i < (size_t)nq * ld; i++)
        q[i] = frand(&s);
    for (size_t i = 0; i < (size_t)nk * ld; i++) {
        k[i] = frand(&s);
        v[i] = frand(&s);
    }
    size_t scr = sdk_attention_scratch(nq, nk);
    CHECK_INT(scr / (size_t)nk < (size_t)nq, expect_chunks);
    float *sbuf = malloc(scr * 4);
    REQUIRE(sbuf);
    sdk_attention(q, k, v, nq, nk, heads, dh, causal, o, sbuf);
    /* Check a sample of rows, all heads: first, last and a stride through. */
    int checked = 0;
    double worst = 0, mx = 0;
    for (int i = 0; i < nq; i += nq > 64 ? nq / 37 : 1) {
        for (int h = 0; h < heads; h++) {
            double m = -INFINITY, sum = 0;
            for (int j = 0; j < nk; j++) {
                double d = 0;
                for (int t = 0; t < dh; t++)
                    d += (double)q[(size_t)i * ld + h * dh + t] * k[(size_t)j * ld + h * dh + t];
                sc[j] = causal && j > i ? -INFINITY : d / sqrt((double)dh);
                if (sc[j] > m)
                    m = sc[j];
            }
            for (int j = 0; j < nk; j++)
                sum += sc[j] = exp(sc[j] - m);
            for (int t = 0; t < dh; t++) {
                double acc = 0;
                for (int j = 0; j < nk; j++)
                    acc += sc[j] / sum * v[(size_t)j * ld + h * dh + t];
                double e = fabs(acc - o[(size_t)i * ld + h * dh + t]);
                worst = e > worst ? e : worst;
                mx = fabs(acc) > mx ? fabs(acc) : mx;
            }
        }
        checked++;
    }
    printf("  attention %dx%d h%d causal %d: %d rows, max rel err %.2e\n", nq, nk, heads, causal, checked,
           worst / mx);
    CHECK(worst / mx < 1e-5);
    free(q), free(k), free(v), free(o), free(ref), free(sc), free(sbuf);
}

TEST(attention_matches_naive)
{
    attention_case(77, 77, 4, 8, 1, 0);    /* CLIP: causal */
    attention_case(96, 77, 2, 16, 0, 0);   /* cross-attention */
    attention_case(4500, 1000, 1, 8, 0, 1); /* score blocks of 4194 rows */
}

TEST(norms_and_activations)
{
    float x[2 * 6] = {1, 2, 3, 4, 5, 6, -1, 0, 1, 2, 2, 2};
    float g[6] = {1, 1, 1, 1, 1, 1}, b[6] = {0, 0, 0, 0, 0, 0.5f};
    float y[12];
    sdk_layer_norm(x, 2, 6, g, b, 1e-5f, y);
    double mean = 3.5, var = 35.0 / 12;
    CHECK(fabs(y[0] - (1 - mean) / sqrt(var + 1e-5)) < 1e-6);
    CHECK(fabs(y[5] - ((6 - mean) / sqrt(var + 1e-5) + 0.5)) < 1e-6);
    /* group norm: 2 groups of 3 channels x 2 pixels */
    float gx[12] = {1, 2, 3, 4, 5, 6, 10, 10, 10, 10, 10, 10}, gg[6] = {1, 1, 1, 2, 2, 2}, gb[6] = {0, 0, 0, 1, 1, 1};
    sdk_group_norm(gx, 6, 2, 2, gg, gb, 1e-5f);
    CHECK(fabs(gx[0] - (1 - 3.5) / sqrt(35.0 / 12 + 1e-5)) < 1e-6);
    CHECK(fabs(gx[6] - 1.0) < 1e-6); /* constant group -> beta */
    float a[3] = {-1, 0, 2};
    sdk_silu(a, 3);
    CHECK(fabs(a[0] - (-1 / (1 + exp(1)))) < 1e-6 && a[1] == 0);
    float q2[2] = {1, -1};
    sdk_quick_gelu(q2, 2);
    CHECK(fabs(q2[0] - 1 / (1 + exp(-1.702))) < 1e-6);
    float ge[2] = {1, -3};
    sdk_gelu(ge, 2);
    CHECK(fabs(ge[0] - 0.8413447460685429) < 1e-6 && fabs(ge[1] - (-0.0040496)) < 1e-6);
    float gl[4] = {2, 3, 1, 0}, gy[2]; /* h = (2, 3), gate = (1, 0) */
    sdk_geglu(gl, 1, 2, gy);
    CHECK(fabs(gy[0] - 2 * 0.8413447460685429) < 1e-6 && gy[1] == 0);
    float up[4] = {1, 2, 3, 4}, uy[16];
    sdk_upsample2x(up, 1, 2, 2, uy);
    CHECK(uy[0] == 1 && uy[1] == 1 && uy[4] == 1 && uy[2] == 2 && uy[15] == 4 && uy[8] == 3);
    float sm[3] = {1000, 1000, -INFINITY};
    sdk_softmax_rows(sm, 1, 3);
    CHECK(sm[0] == 0.5f && sm[2] == 0);
    /* The vector path (8 at a time): a wide range, and masked entries. */
    float row[37];
    double ref[37], sum = 0;
    for (int i = 0; i < 37; i++)
        row[i] = i % 5 == 4 ? -INFINITY : (float)(i - 18) * 2.9f;
    for (int i = 0; i < 37; i++)
        sum += ref[i] = isinf(row[i]) ? 0 : exp((double)row[i] - 18 * 2.9);
    sdk_softmax_rows(row, 1, 37);
    double worst = 0;
    for (int i = 0; i < 37; i++) {
        double e = fabs(row[i] - ref[i] / sum) / (ref[i] / sum + 1e-30);
        if (ref[i] / sum > 1e-12 && e > worst) /* tinier ones cannot move a weighted sum */
            worst = e;
        if (ref[i] == 0)
            CHECK(row[i] == 0);
    }
    printf("  softmax (vector exp): max rel err per entry %.2e\n", worst);
    CHECK(worst < 2e-6);
}

TEST(arena_grows_once_then_reuses)
{
    sdarena a;
    sdarena_init(&a, 0);
    size_t m = sdarena_mark(&a);
    float *p = sdarena_alloc(&a, 1000), *q = sdarena_alloc(&a, 5000);
    REQUIRE(p && q);
    CHECK(((uintptr_t)p & 63) == 0 && ((uintptr_t)q & 63) == 0);
    p[999] = 1;
    q[4999] = 2;
    sdarena_reset(&a, m);
    CHECK(a.size >= 6000 * sizeof(float)); /* grown to the peak */
    float *p2 = sdarena_alloc(&a, 1000), *q2 = sdarena_alloc(&a, 5000);
    CHECK(a.ov == NULL); /* now served from the block */
    CHECK((unsigned char *)p2 == a.base);
    (void)q2;
    size_t m2 = sdarena_mark(&a);
    float *big = sdarena_alloc(&a, 1 << 20); /* past the block: overflow */
    REQUIRE(big);
    CHECK(a.ov != NULL);
    sdarena_reset(&a, m2);
    CHECK(a.ov == NULL);
    sdarena_reset(&a, 0);
    sdarena_free(&a);
    sdarena capped;
    sdarena_init(&capped, 4096);
    CHECK(sdarena_alloc(&capped, 2000) == NULL);
    sdarena_free(&capped);
}

RUN_TESTS(conv2d_matches_naive, winograd_matches_naive, attention_matches_naive, norms_and_activations, arena_grows_once_then_reuses)
