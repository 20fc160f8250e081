/* test_engine_kernels.c - the f32 kernels against naive double-precision
 * loops, with shapes large enough that conv2d's im2col and attention's
 * score blocks are split into several chunks; and the arena's reuse. */
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "kernels.h"
#include "t.h"
#include "threadpool.h"
#include "vexp.h"

static float frand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (float)((*s >> 8) & 0xffff) / 32768.0f - 1.0f;
}

/* x[0, n) from frand */
static void frand_fill(float *x, size_t n, unsigned *s)
{
    for (size_t i = 0; i < n; i++)
        x[i] = frand(s);
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
    frand_fill(x, nx, &s);
    frand_fill(w, nw, &s);
    frand_fill(b, (size_t)O, &s);
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

/* A batch of small pictures in one product (sdk_conv2d_batch_res, the
 * UNet's 8^2 convs) against each picture by sdk_conv2d_res, with bias and
 * residual, on a pool (where the product goes to the panel kernel). */
static void conv_batch_case(int B, int C, int H, int W, int O, int stride)
{
    unsigned s = 9;
    int Ho = (H + 2 - 3) / stride + 1, Wo = (W + 2 - 3) / stride + 1;
    size_t nx = (size_t)B * C * H * W, nw = (size_t)O * C * 9, on = (size_t)O * Ho * Wo, ny = (size_t)B * on;
    float *x = malloc(nx * 4), *w = malloc(nw * 4), *b = malloc((size_t)O * 4), *res = malloc(ny * 4),
          *y = malloc(ny * 4), *yb = malloc(ny * 4), *col = malloc(sdk_conv2d_scratch(C, H, W, 3, stride, 1) * 4),
          *scr = malloc(sdk_conv2d_batch_scratch(B, C, H, W, 3, stride, 1, O) * 4);
    double *ref = malloc(ny * sizeof *ref);
    REQUIRE(x && w && b && res && y && yb && col && scr && ref);
    frand_fill(x, nx, &s);
    frand_fill(w, nw, &s);
    frand_fill(b, (size_t)O, &s);
    frand_fill(res, ny, &s);
    for (int i = 0; i < B; i++)
        sdk_conv2d_res(x + (size_t)i * C * H * W, C, H, W, w, b, res + i * on, O, 3, stride, 1, y + i * on, col);
    for (size_t i = 0; i < ny; i++)
        ref[i] = y[i];
    sdpool *p2 = sdpool_new(2), *old = sdpool_bind(p2);
    sdk_conv2d_batch_res(x, B, C, H, W, w, b, res, O, 3, stride, 1, yb, scr);
    sdpool_bind(old);
    sdpool_free(p2);
    double e = rel_err(yb, ref, ny);
    printf("  conv batch B%d C%d %dx%d O%d s%d: max rel diff to one by one %.2e\n", B, C, H, W, O, stride, e);
    CHECK(e < 1e-5);
    free(x), free(w), free(b), free(res), free(y), free(yb), free(col), free(scr), free(ref);
}

TEST(conv2d_batch_matches_one_by_one)
{
    conv_batch_case(2, 40, 8, 8, 70, 1);
    conv_batch_case(3, 17, 7, 5, 33, 2);
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
    frand_fill(x, nx, &s);
    frand_fill(w, nw, &s);
    frand_fill(b, (size_t)O, &s);
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
     * per chunk at C + O = 40, and 16375 of 2x2 against 6544); O of
     * several row groups of the products with a ragged last panel (700:
     * three groups of 234 rows, 6 of them zero padding); C of two blocks
     * of K (400: 2 x 200). */
    static const int shapes[][5] = {
        {1, 1, 1, 1, 1},        {1, 3, 7, 5, 4},      {2, 5, 9, 6, 3},       {1, 8, 4, 4, 8},
        {2, 200, 13, 11, 300},  {1, 320, 10, 10, 64}, {1, 16, 250, 262, 24}, {2, 20, 6, 7, 700},
        {1, 400, 5, 9, 20},
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
    /* the products' portable kernel (CPUs without FMA) on the shapes with
     * row groups, ragged panels and K blocks */
    sdk_panel_portable(1);
    for (int m = 2; m <= 4; m += 2) {
        CHECK(wino_case(m, 2, 20, 6, 7, 700) < (m == 2 ? 1e-5 : 5e-5));
        CHECK(wino_case(m, 1, 400, 5, 9, 20) < (m == 2 ? 1e-5 : 5e-5));
    }
    sdk_panel_portable(0);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void exp8_le0_of(const float *x, float *y)
{
    _mm256_storeu_ps(y, exp8_le0(_mm256_loadu_ps(x)));
}
#endif

/* The softmax's exp (vexp.h) against exp in double over [-90, 0]: within
 * 4e-7 relative down to -80; exactly 0 for -inf (a causal mask) and below
 * 2^-125; exactly 1 at 0. */
TEST(softmax_exp_matches_double)
{
#if defined(__x86_64__)
    if (!sdk_panel_fma())
        return;
    double worst = 0;
    int zeros = 1;
    for (int i = 0; i <= 90000; i += 8) {
        float x[8], y[8];
        for (int k = 0; k < 8; k++)
            x[k] = -(float)(i + k) * 1e-3f;
        exp8_le0_of(x, y);
        for (int k = 0; k < 8; k++) {
            if (x[k] >= -80.0f) {
                double e = fabs(y[k] / exp((double)x[k]) - 1);
                worst = e > worst ? e : worst;
            } else if (x[k] < -87.0f) {
                zeros &= y[k] == 0.0f;
            }
        }
    }
    float x[8] = {-INFINITY, 0.0f, -1e-30f, -87.5f, -0.5f, -1.0f, -10.0f, -0.25f}, y[8];
    exp8_le0_of(x, y);
    printf("  softmax exp: max rel err %.2e on [-80, 0]\n", worst);
    CHECK(worst < 4e-7);
    CHECK(zeros && y[0] == 0.0f && y[3] == 0.0f);
    CHECK(y[1] == 1.0f && y[2] == 1.0f);
#endif
}

/* U in blocks of output channels (where one chunk holds every tile, as at
 * the UNet's 16^2 level): forced small, so a ragged last block, blocks of
 * one panel and blocks of several row groups all run. The same bits as U
 * whole (every output element is the same sum in the same order), on one
 * thread and on a pool of three, and the naive convolution's values. */
TEST(winograd_blocks_of_output_channels)
{
    static const int shapes[][5] = {{2, 20, 6, 7, 700}, {2, 200, 13, 11, 300}, {1, 400, 5, 9, 20}};
    for (int m = 2; m <= 4; m += 2)
        for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
            const int *d = shapes[i];
            int B = d[0], C = d[1], H = d[2], W = d[3], O = d[4];
            size_t nx = (size_t)B * C * H * W, nw = (size_t)O * C * 9, ny = (size_t)B * O * H * W;
            unsigned s = 11;
            float *x = malloc(nx * 4), *w = malloc(nw * 4), *b = malloc((size_t)O * 4), *y = malloc(ny * 4),
                  *yb = malloc(ny * 4), *scr = malloc(sdk_wino_scratch(m, B, C, H, W, O) * 4);
            REQUIRE(x && w && b && y && yb && scr);
            frand_fill(x, nx, &s);
            frand_fill(w, nw, &s);
            frand_fill(b, (size_t)O, &s);
            sdk_wino_conv(m, x, B, C, H, W, w, b, O, y, scr);
            size_t whole = sdk_wino_scratch(m, B, C, H, W, O);
            sdk_wino_block_floats(40000);
            size_t part = sdk_wino_scratch(m, B, C, H, W, O);
            CHECK(part < whole); /* it did block, and the scratch says so */
            float *sb = malloc(part * 4);
            REQUIRE(sb);
            sdk_wino_conv(m, x, B, C, H, W, w, b, O, yb, sb);
            CHECK(memcmp(y, yb, ny * 4) == 0);
            CHECK(wino_case(m, B, C, H, W, O) < (m == 2 ? 1e-5 : 5e-5));
            sdk_wino_block_floats(0);
            free(x), free(w), free(b), free(y), free(yb), free(scr), free(sb);
        }
}

/* Winograd reading F16 and BF16 weights straight from a file's tensor
 * (sdk_wino_conv_tensor, through sdw_tensor as layers.c asks): the same
 * bits as the f32 path on the same weights converted first, for both tile
 * sizes, on a pool of three; sdw_tensor declines an F32 tensor (sdw_get
 * returns that without a copy) and a wrong element count. */
TEST(winograd_reads_half_weights)
{
    enum { O = 20, C = 80, H = 12, W = 10, B = 2 }; /* C: one chunk of 64 channels converted, and 16 */
    size_t nw = (size_t)O * C * 9, nx = (size_t)B * C * H * W, ny = (size_t)B * O * H * W;
    unsigned s = 3;
    unsigned char *data = malloc(nw * 2 * 2 + nw * 4);
    REQUIRE(data);
    for (size_t i = 0; i < nw; i++) {
        /* halfs of both signs, exponents 2^-6 .. 2^1; bf16 likewise */
        uint16_t h = (uint16_t)(((rand_r(&s) & 1) << 15) | ((9 + rand_r(&s) % 8) << 10) | (rand_r(&s) & 0x3ff));
        uint16_t bf = (uint16_t)(((rand_r(&s) & 1) << 15) | ((121 + rand_r(&s) % 8) << 7) | (rand_r(&s) & 0x7f));
        data[2 * i] = (unsigned char)h, data[2 * i + 1] = (unsigned char)(h >> 8);
        data[2 * nw + 2 * i] = (unsigned char)bf, data[2 * nw + 2 * i + 1] = (unsigned char)(bf >> 8);
    }
    for (size_t i = 0; i < nw; i++) {
        float v = frand(&s);
        memcpy(data + 4 * nw + 4 * i, &v, 4);
    }
    char hdr[512];
    snprintf(hdr, sizeof hdr,
             "{\"h\":{\"dtype\":\"F16\",\"shape\":[%d,%d,3,3],\"data_offsets\":[0,%zu]},"
             "\"b\":{\"dtype\":\"BF16\",\"shape\":[%d,%d,3,3],\"data_offsets\":[%zu,%zu]},"
             "\"f\":{\"dtype\":\"F32\",\"shape\":[%d,%d,3,3],\"data_offsets\":[%zu,%zu]}}",
             O, C, 2 * nw, O, C, 2 * nw, 4 * nw, O, C, 4 * nw, 8 * nw);
    size_t hl = strlen(hdr), hp = (hl + 7) / 8 * 8, len = 8 + hp + 8 * nw;
    unsigned char *img = calloc(1, len);
    REQUIRE(img);
    for (int i = 0; i < 8; i++)
        img[i] = (unsigned char)((uint64_t)hp >> (8 * i));
    memcpy(img + 8, hdr, hl);
    memset(img + 8 + hl, ' ', hp - hl);
    memcpy(img + 8 + hp, data, 8 * nw);
    sdst_file *f = NULL;
    lserr err = {0};
    REQUIRE(sdst_open_mem(img, len, "w.safetensors", &f, &err) == LONGSD_OK);
    sdw w;
    sdw_init(&w, f, "", NULL, &err);
    CHECK(sdw_tensor(&w, nw, "f") == NULL);
    CHECK(sdw_tensor(&w, nw + 1, "h") == NULL);
    CHECK(sdw_tensor(&w, nw, "missing") == NULL);
    float *x = malloc(nx * 4), *bias = malloc(O * 4), *wf = malloc(nw * 4), *y1 = malloc(ny * 4),
          *y2 = malloc(ny * 4);
    REQUIRE(x && bias && wf && y1 && y2);
    frand_fill(x, nx, &s);
    frand_fill(bias, (size_t)O, &s);
    const char *names[2] = {"h", "b"};
    for (int n = 0; n < 2; n++) {
        const sdst_tensor *t = sdw_tensor(&w, nw, "%s", names[n]);
        REQUIRE(t);
        REQUIRE(sdst_to_f32(f, t, wf, nw, &err) == LONGSD_OK);
        for (int m = 2; m <= 4; m += 2) {
            float *scr = malloc(sdk_wino_scratch(m, B, C, H, W, O) * 4);
            REQUIRE(scr);
            sdk_wino_conv_res(m, x, B, C, H, W, wf, bias, NULL, O, y1, scr);
            sdpool *p3 = sdpool_new(3), *old = sdpool_bind(p3);
            sdk_wino_conv_tensor(m, x, B, C, H, W, f, t, bias, NULL, O, y2, scr);
            sdpool_bind(old);
            sdpool_free(p3);
            CHECK(memcmp(y1, y2, ny * 4) == 0);
            free(scr);
        }
    }
    CHECK_INT(w.rc, LONGSD_OK);
    sdw_free(&w);
    sdst_close(f);
    free(img), free(data), free(x), free(bias), free(wf), free(y1), free(y2);
}

typedef void (*attn_fn)(const float *, const float *, const float *, int, int, int, int, int, float *, float *);

static void attention_case_with(attn_fn fn, const char *what, int nq, int nk, int heads, int dh, int causal,
                                int expect_chunks)
{
    unsigned s = 7;
    int ld = heads * dh;
    float *q = malloc((size_t)nq * ld * 4), *k = malloc((size_t)nk * ld * 4), *v = malloc((size_t)nk * ld * 4),
          *o = malloc((size_t)nq * ld * 4);
    double *ref = malloc((size_t)nq * ld * sizeof *ref), *sc = malloc((size_t)nk * sizeof *sc);
    REQUIRE(q && k && v && o && ref && sc);
    frand_fill(q, (size_t)nq * ld, &s);
    /* keys grow along the sequence: later key blocks raise the maximum */
    for (size_t i = 0; i < (size_t)nk * ld; i++) {
        k[i] = frand(&s) * (1.0f + 4.0f * (float)(i / ld) / (float)nk);
        v[i] = frand(&s);
    }
    size_t scr = sdk_attention_scratch(nq, nk, heads, dh);
    CHECK_INT(scr / (size_t)nk < (size_t)nq, expect_chunks);
    float *sbuf = malloc(scr * 4);
    REQUIRE(sbuf);
    fn(q, k, v, nq, nk, heads, dh, causal, o, sbuf);
    if (fn == sdk_attention_flash) {
        /* on a pool of three (one scratch slice each, sized under the
         * binding): the same bits as on the calling thread alone */
        sdpool *p3 = sdpool_new(3), *old = sdpool_bind(p3);
        float *o3 = malloc((size_t)nq * ld * 4), *s3 = malloc(sdk_attention_scratch(nq, nk, heads, dh) * 4);
        REQUIRE(p3 && o3 && s3);
        fn(q, k, v, nq, nk, heads, dh, causal, o3, s3);
        sdpool_bind(old);
        sdpool_free(p3);
        CHECK(memcmp(o, o3, (size_t)nq * ld * 4) == 0);
        free(o3), free(s3);
    }
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
    printf("  attention (%s) %dx%d h%d x %d causal %d: %d rows, max rel err %.2e\n", what, nq, nk, heads, dh, causal,
           checked, worst / mx);
    CHECK(worst / mx < 1e-5);
    free(q), free(k), free(v), free(o), free(ref), free(sc), free(sbuf);
}

/* Every case through sdk_attention (which picks per shape) and through
 * both kernels it picks from. */
static void attention_case(int nq, int nk, int heads, int dh, int causal, int expect_chunks)
{
    attention_case_with(sdk_attention, "picked", nq, nk, heads, dh, causal, expect_chunks);
    attention_case_with(sdk_attention_rows, "rows", nq, nk, heads, dh, causal, expect_chunks);
    attention_case_with(sdk_attention_flash, "blocks", nq, nk, heads, dh, causal, expect_chunks);
}

TEST(attention_matches_naive)
{
    attention_case(77, 77, 4, 8, 1, 0);    /* CLIP: causal */
    attention_case(96, 77, 2, 16, 0, 0);   /* cross-attention */
    attention_case(4500, 1000, 1, 8, 0, 1); /* score blocks of 4194 rows */
    /* The online softmax's tails: query blocks of 64 and key blocks of 256
     * cut short, key counts off the vector width, a causal mask that ends
     * a row inside a key block or leaves whole blocks out, head dims that
     * are not a multiple of 8, and scores spread wide enough that a later
     * key block raises a row's maximum by many units (the rescaling). */
    attention_case(131, 601, 3, 13, 0, 0);
    attention_case(600, 600, 2, 24, 1, 0);
    attention_case(65, 257, 5, 40, 0, 0);
    attention_case(1, 3, 1, 1, 0, 0);
    attention_case(70, 300, 1, 300, 0, 0); /* a head of 300: picked by rows */
    /* the UNet's shapes in small: three key blocks of 252 (the last one
     * ragged, off the panels of 6), a ragged last query block */
    attention_case(300, 700, 2, 40, 0, 0);
    attention_case(140, 77, 3, 80, 0, 0);
    /* the softmax and products without AVX2/FMA */
    sdk_panel_portable(1);
    attention_case(300, 700, 2, 40, 0, 0);
    attention_case(600, 600, 2, 24, 1, 0);
    sdk_panel_portable(0);
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

/* Group norm + SiLU in one sweep, and layer norm, against double loops,
 * out of place and in place, on sizes whose channels or rows end off the
 * 8-wide vector (tails), with a large mean against the spread (the
 * cancellation the kernels avoid). */
TEST(norms_match_double)
{
    static const int shapes[][3] = {{6, 37, 3}, {64, 13, 32}, {10, 8, 5}, {4, 1, 2}, {96, 129, 32}};
    unsigned s = 21;
    for (size_t si = 0; si < sizeof shapes / sizeof *shapes; si++) {
        int C = shapes[si][0], HW = shapes[si][1], G = shapes[si][2], cpg = C / G;
        size_t n = (size_t)C * HW;
        float *x = malloc(n * 4), *y = malloc(n * 4), *z = malloc(n * 4), *g = malloc((size_t)C * 4),
              *b = malloc((size_t)C * 4);
        double *ref = malloc(n * sizeof *ref);
        REQUIRE(x && y && z && g && b && ref);
        for (size_t i = 0; i < n; i++)
            x[i] = 50.0f + 3.0f * frand(&s);
        for (int c = 0; c < C; c++) {
            g[c] = 1.5f * frand(&s);
            b[c] = frand(&s);
        }
        for (int silu = 0; silu < 2; silu++) {
            for (int gi = 0; gi < G; gi++) {
                double sum = 0, s2 = 0, m;
                size_t at = (size_t)gi * cpg * HW, len = (size_t)cpg * HW;
                for (size_t i = 0; i < len; i++)
                    sum += x[at + i];
                m = sum / (double)len;
                for (size_t i = 0; i < len; i++)
                    s2 += (x[at + i] - m) * (x[at + i] - m);
                double inv = 1.0 / sqrt(s2 / (double)len + 1e-5);
                for (size_t i = 0; i < len; i++) {
                    int c = gi * cpg + (int)(i / (size_t)HW);
                    double v = (x[at + i] - m) * inv * g[c] + b[c];
                    ref[at + i] = silu ? v / (1.0 + exp(-v)) : v;
                }
            }
            sdk_group_norm_act(x, y, C, HW, G, g, b, 1e-5f, silu);
            memcpy(z, x, n * 4);
            sdk_group_norm_act(z, z, C, HW, G, g, b, 1e-5f, silu); /* in place */
            double e = rel_err(y, ref, n);
            CHECK(e < 2e-6);
            CHECK(memcmp(y, z, n * 4) == 0);
            if (e >= 2e-6)
                printf("  group norm C%d HW%d G%d silu %d: max rel err %.2e\n", C, HW, G, silu, e);
        }
        free(x), free(y), free(z), free(g), free(b), free(ref);
    }
    /* layer norm: rows of 37 (vector and tail) and 320, in place too */
    static const int ln[][2] = {{5, 37}, {3, 320}, {2, 7}};
    for (size_t si = 0; si < sizeof ln / sizeof *ln; si++) {
        int n = ln[si][0], d = ln[si][1];
        size_t nd = (size_t)n * d;
        float *x = malloc(nd * 4), *y = malloc(nd * 4), *g = malloc((size_t)d * 4), *b = malloc((size_t)d * 4);
        double *ref = malloc(nd * sizeof *ref);
        REQUIRE(x && y && g && b && ref);
        for (size_t i = 0; i < nd; i++)
            x[i] = -20.0f + 2.0f * frand(&s);
        for (int k = 0; k < d; k++) {
            g[k] = frand(&s);
            b[k] = frand(&s);
        }
        for (int i = 0; i < n; i++) {
            double sum = 0, s2 = 0;
            for (int k = 0; k < d; k++)
                sum += x[i * d + k];
            double m = sum / d;
            for (int k = 0; k < d; k++)
                s2 += (x[i * d + k] - m) * (x[i * d + k] - m);
            for (int k = 0; k < d; k++)
                ref[i * d + k] = (x[i * d + k] - m) / sqrt(s2 / d + 1e-5) * g[k] + b[k];
        }
        sdk_layer_norm(x, n, d, g, b, 1e-5f, y);
        CHECK(rel_err(y, ref, nd) < 2e-6);
        sdk_layer_norm(x, n, d, g, b, 1e-5f, x);
        CHECK(memcmp(x, y, nd * 4) == 0);
        free(x), free(y), free(g), free(b), free(ref);
    }
}

/* The vector SiLU, GELU and GEGLU (with and without the projection's
 * bias) against double loops, over a wide range and odd lengths, and each
 * value the same whatever the split: a range starting mid-vector gives the
 * same bits. */
TEST(activations_match_double)
{
    enum { N = 1003 };
    float x[N], a[N], b2[N];
    for (int i = 0; i < N; i++)
        x[i] = (float)(i - N / 2) * 0.025f; /* -12.5 .. 12.5 */
    double worst_s = 0, worst_g = 0;
    memcpy(a, x, sizeof a);
    sdk_silu(a, N);
    for (int i = 0; i < N; i++) {
        double r = x[i] / (1.0 + exp(-(double)x[i]));
        double e = fabs(a[i] - r) / (fabs(r) + 1e-3);
        worst_s = e > worst_s ? e : worst_s;
    }
    memcpy(a, x, sizeof a);
    sdk_gelu(a, N);
    for (int i = 0; i < N; i++) {
        double r = 0.5 * x[i] * (1.0 + erf(x[i] / sqrt(2.0)));
        double e = fabs(a[i] - r) / (fabs(r) + 1e-3);
        worst_g = e > worst_g ? e : worst_g;
    }
    printf("  silu max rel err %.2e, gelu %.2e (over |x| <= 12.5)\n", worst_s, worst_g);
    CHECK(worst_s < 1e-6);
    CHECK(worst_g < 1e-6);
    /* split-independence: the same elements from offset 3 */
    memcpy(b2, x, sizeof b2);
    sdk_gelu(b2 + 3, N - 3);
    sdk_gelu(b2, 3);
    CHECK(memcmp(a, b2, sizeof a) == 0);
    /* GEGLU: rows of 2d with d = 21 (a vector of 8 twice and a tail of 5) */
    int n = 7, d = 21;
    float g[7 * 42], bias[42], y1[7 * 21], y2[7 * 21], gb[7 * 42];
    unsigned s = 5;
    for (int i = 0; i < n * 2 * d; i++)
        g[i] = 4.0f * frand(&s);
    frand_fill(bias, (size_t)(2 * d), &s);
    sdk_geglu_bias(g, bias, n, d, y1);
    for (int r = 0; r < n; r++)
        for (int i = 0; i < 2 * d; i++)
            gb[r * 2 * d + i] = g[r * 2 * d + i] + bias[i];
    sdk_geglu(gb, n, d, y2);
    double worst = 0;
    for (int r = 0; r < n; r++)
        for (int i = 0; i < d; i++) {
            double h = (double)g[r * 2 * d + i] + bias[i], gt = (double)g[r * 2 * d + d + i] + bias[d + i];
            double ref = h * 0.5 * gt * (1.0 + erf(gt / sqrt(2.0)));
            double e = fabs(y1[r * d + i] - ref) / (fabs(ref) + 1e-3);
            worst = e > worst ? e : worst;
            CHECK(fabs(y1[r * d + i] - y2[r * d + i]) <= 1e-6 * (fabs(ref) + 1e-3));
        }
    printf("  geglu with bias max rel err %.2e\n", worst);
    CHECK(worst < 2e-6);
}

/* Convolution with a residual folded into the output pass, by im2col and
 * by both Winograd sizes, and the linear variants (accumulating, from
 * channel-major input), against double loops; odd sizes. */
TEST(fused_products_match_double)
{
    unsigned s = 9;
    int B = 2, C = 5, H = 7, W = 9, O = 11;
    size_t in = (size_t)C * H * W, on = (size_t)O * H * W;
    float *x = malloc(B * in * 4), *w = malloc((size_t)O * C * 9 * 4), *b = malloc((size_t)O * 4),
          *res = malloc(B * on * 4), *y = malloc(B * on * 4);
    double *ref = malloc(B * on * sizeof *ref);
    REQUIRE(x && w && b && res && y && ref);
    frand_fill(x, (size_t)(B * in), &s);
    frand_fill(w, (size_t)(O * C * 9), &s);
    frand_fill(b, (size_t)O, &s);
    for (size_t i = 0; i < B * on; i++)
        res[i] = 3.0f * frand(&s);
    for (int bi = 0; bi < B; bi++)
        for (int o = 0; o < O; o++)
            for (int oy = 0; oy < H; oy++)
                for (int ox = 0; ox < W; ox++) {
                    double acc = b[o] + res[bi * on + ((size_t)o * H + oy) * W + ox];
                    for (int c = 0; c < C; c++)
                        for (int ky = 0; ky < 3; ky++)
                            for (int kx = 0; kx < 3; kx++) {
                                int iy = oy + ky - 1, ix = ox + kx - 1;
                                if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                                    acc += (double)w[((o * C + c) * 3 + ky) * 3 + kx] *
                                           x[bi * in + ((size_t)c * H + iy) * W + ix];
                            }
                    ref[bi * on + ((size_t)o * H + oy) * W + ox] = acc;
                }
    float *col = malloc(sdk_conv2d_scratch(C, H, W, 3, 1, 1) * 4);
    REQUIRE(col);
    for (int bi = 0; bi < B; bi++)
        sdk_conv2d_res(x + bi * in, C, H, W, w, b, res + bi * on, O, 3, 1, 1, y + bi * on, col);
    double e = rel_err(y, ref, B * on);
    printf("  conv + bias + residual: im2col %.2e", e);
    CHECK(e < 1e-6);
    for (int m = 2; m <= 4; m += 2) {
        float *scr = malloc(sdk_wino_scratch(m, B, C, H, W, O) * 4);
        REQUIRE(scr);
        memset(y, 0, B * on * 4);
        sdk_wino_conv_res(m, x, B, C, H, W, w, b, res, O, y, scr);
        double ew = rel_err(y, ref, B * on);
        printf(", F(%dx%d) %.2e", m, m, ew);
        CHECK(ew < 2e-5);
        free(scr);
    }
    printf("\n");
    free(col);
    /* linear: y(n, out) from x(n, in); accumulating, and channel-major */
    int n = 13, K = 19, N = 10;
    float xs[13 * 19], xt[19 * 13], wl[10 * 19], bl[10], y0[13 * 10], ya[13 * 10], yc[13 * 10];
    double r0[13 * 10];
    frand_fill(xs, (size_t)(n * K), &s);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < K; k++)
            xt[k * n + i] = xs[i * K + k];
    frand_fill(wl, (size_t)(N * K), &s);
    frand_fill(bl, N, &s);
    for (int i = 0; i < n * N; i++)
        y0[i] = ya[i] = frand(&s);
    for (int i = 0; i < n; i++)
        for (int o = 0; o < N; o++) {
            double acc = bl[o];
            for (int k = 0; k < K; k++)
                acc += (double)xs[i * K + k] * wl[o * K + k];
            r0[i * N + o] = acc;
        }
    sdk_linear_cm(xt, n, K, wl, bl, N, yc);
    CHECK(rel_err(yc, r0, (size_t)n * N) < 1e-6);
    for (int i = 0; i < n * N; i++)
        r0[i] += y0[i];
    sdk_linear_acc(xs, n, K, wl, bl, N, ya);
    CHECK(rel_err(ya, r0, (size_t)n * N) < 1e-6);
    /* onto a residual: y(N, n) += wl(N, K) xt(K, n) (a 1x1 conv), and
     * y(N, n) += wl xs^T (tokens in, channel-major out) */
    float ycm[10 * 13], ycm2[10 * 13];
    double rcm[10 * 13];
    for (int i = 0; i < N * n; i++)
        ycm[i] = ycm2[i] = frand(&s);
    for (int o = 0; o < N; o++)
        for (int i = 0; i < n; i++) {
            double acc = ycm[o * n + i];
            for (int k = 0; k < K; k++)
                acc += (double)wl[o * K + k] * xs[i * K + k];
            rcm[o * n + i] = acc;
        }
    sdk_conv1x1_acc(xt, K, n, wl, N, ycm);
    CHECK(rel_err(ycm, rcm, (size_t)N * n) < 1e-6);
    sdk_linear_to_cm_acc(xs, n, K, wl, N, ycm2);
    CHECK(rel_err(ycm2, rcm, (size_t)N * n) < 1e-6);
    /* rows_fill: y = x + b per row */
    float fx[3 * 5], fy[3 * 5], fb[3] = {1, -2, 0.5f};
    for (int i = 0; i < 15; i++)
        fx[i] = (float)i;
    sdk_rows_fill(fy, fx, 3, 5, fb);
    CHECK(fy[0] == 1 && fy[5] == 3 && fy[14] == 14.5f);
    free(x), free(w), free(b), free(res), free(y), free(ref);
}

/* sdk_sgemm and sdk_sgemm_batch against double loops, for each
 * transposition and shapes that are cut into tiles along M, N or both
 * (with ragged last tiles) or run whole; a batch's products, each against
 * its own single product; bit-identical with no pool and a pool of 3. */
TEST(sgemm_tiles_match_double)
{
    static const int shapes[][4] = {{1000, 77, 300, 1}, {70, 900, 200, 1}, {333, 517, 64, 1}, {48, 40, 320, 36}, {5, 7, 3, 2}};
    unsigned s = 11;
    sdpool *p3 = sdpool_new(3);
    REQUIRE(p3);
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++)
        for (int t = 0; t < 4; t++) {
            int M = shapes[k][0], N = shapes[k][1], K = shapes[k][2], q = shapes[k][3], ta = t & 1, tb = t >> 1;
            size_t sa = (size_t)M * K, sb = (size_t)K * N, sc = (size_t)M * N;
            float *A = malloc(sa * q * 4), *B = malloc(sb * q * 4), *C1 = malloc(sc * q * 4), *C3 = malloc(sc * q * 4),
                  *Cs = malloc(sc * 4);
            double *ref = malloc(sc * sizeof *ref);
            REQUIRE(A && B && C1 && C3 && Cs && ref);
            for (size_t i = 0; i < sa * q; i++)
                A[i] = frand(&s);
            for (size_t i = 0; i < sb * q; i++)
                B[i] = frand(&s);
            for (size_t i = 0; i < sc * q; i++)
                C1[i] = C3[i] = frand(&s);
            int lda = ta ? M : K, ldb = tb ? K : N;
            /* beta 0.5: C is read, so a tile written twice or not at all shows */
            double worst = 0;
            for (int r = 0; r < q; r++) {
                const float *a = A + r * sa, *b = B + r * sb;
                for (int i = 0; i < M; i++)
                    for (int j = 0; j < N; j++) {
                        double d = 0;
                        for (int l = 0; l < K; l++)
                            d += (double)(ta ? a[(size_t)l * M + i] : a[(size_t)i * K + l]) *
                                 (tb ? b[(size_t)j * K + l] : b[(size_t)l * N + j]);
                        ref[(size_t)i * N + j] = 1.5 * d + 0.5 * C1[r * sc + (size_t)i * N + j];
                    }
                memcpy(Cs, C1 + r * sc, sc * 4);
                sdk_sgemm(ta, tb, M, N, K, 1.5f, a, lda, b, ldb, 0.5f, Cs, N);
                double e = rel_err(Cs, ref, sc);
                worst = e > worst ? e : worst;
                if (r == q - 1) { /* the batch below must give each product's own bits */
                    sdk_sgemm_batch(ta, tb, M, N, K, 1.5f, A, lda, sa, B, ldb, sb, 0.5f, C1, N, sc, q);
                    CHECK(memcmp(C1 + r * sc, Cs, sc * 4) == 0);
                }
            }
            sdpool *old = sdpool_bind(p3);
            sdk_sgemm_batch(ta, tb, M, N, K, 1.5f, A, lda, sa, B, ldb, sb, 0.5f, C3, N, sc, q);
            sdpool_bind(old);
            CHECK(memcmp(C1, C3, sc * q * 4) == 0);
            CHECK(worst < 1e-5);
            if (worst >= 1e-5)
                printf("  sgemm %dx%dx%d ta %d tb %d: max rel err %.2e\n", M, N, K, ta, tb, worst);
            free(A), free(B), free(C1), free(C3), free(Cs), free(ref);
        }
    sdpool_free(p3);
}

/* sdk_sgemm on a pool with beta 0 or 1, A not transposed and at most 128
 * columns runs on the panel kernel (gemm.c): against double loops, with M
 * off the panels of 6, N off the panels of 16, K in two blocks, and the
 * same bits on pools of 1 and 3 threads, B in chunks; also with the
 * portable kernel. */
static void panel_sgemm_case(int M, int N, int K, int tb, float beta)
{
    unsigned s = 5;
    size_t sa = (size_t)M * K, sb = (size_t)K * N, sc = (size_t)M * N;
    float *A = malloc(sa * 4), *B = malloc(sb * 4), *C0 = malloc(sc * 4), *C1 = malloc(sc * 4),
          *C3 = malloc(sc * 4);
    double *ref = malloc(sc * sizeof *ref);
    REQUIRE(A && B && C0 && C1 && C3 && ref);
    frand_fill(A, sa, &s);
    frand_fill(B, sb, &s);
    for (size_t i = 0; i < sc; i++)
        C0[i] = C1[i] = C3[i] = frand(&s);
    int ldb = tb ? K : N;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double d = 0;
            for (int l = 0; l < K; l++)
                d += (double)A[(size_t)i * K + l] * (tb ? B[(size_t)j * K + l] : B[(size_t)l * N + j]);
            ref[(size_t)i * N + j] = 1.5 * d + beta * C0[(size_t)i * N + j];
        }
    sdpool *p1 = sdpool_new(1), *p3 = sdpool_new(3);
    REQUIRE(p1 && p3);
    sdpool *old = sdpool_bind(p1);
    sdk_sgemm(0, tb, M, N, K, 1.5f, A, K, B, ldb, beta, C1, N);
    sdpool_bind(p3);
    sdk_sgemm(0, tb, M, N, K, 1.5f, A, K, B, ldb, beta, C3, N);
    sdpool_bind(old);
    sdpool_free(p1), sdpool_free(p3);
    double e = rel_err(C1, ref, sc);
    printf("  panel sgemm %dx%dx%d tb %d beta %g: max rel err %.2e\n", M, N, K, tb, beta, e);
    CHECK(e < 1e-5);
    CHECK(memcmp(C1, C3, sc * 4) == 0);
    free(A), free(B), free(C0), free(C1), free(C3), free(ref);
}

TEST(panel_sgemm_matches_double)
{
    for (int portable = 0; portable < 2; portable++) {
        sdk_panel_portable(portable);
        panel_sgemm_case(1000, 77, 300, 1, 0.0f);
        panel_sgemm_case(701, 100, 500, 0, 1.0f);
        panel_sgemm_case(16, 16, 16, 0, 0.0f);
        panel_sgemm_case(1280, 64, 2000, 0, 1.0f);
    }
    sdk_panel_portable(0);
    panel_sgemm_case(20, 128, 40000, 1, 0.0f); /* B packed in two chunks (the 16 MB cap) */
}

/* The arena hands out one contiguous block: a reset reuses the same
 * addresses (pages already faulted in), a trim gives them back, and the
 * cap bounds what is in use. */
TEST(arena_reuses_its_pages)
{
    sdarena a;
    sdarena_init(&a, 0);
    CHECK(a.base == NULL && a.size == 0); /* nothing held before the first allocation */
    size_t m = sdarena_mark(&a);
    float *p = sdarena_alloc(&a, 1000), *q = sdarena_alloc(&a, 5000);
    REQUIRE(p && q);
    CHECK(((uintptr_t)p & 63) == 0 && ((uintptr_t)q & 63) == 0);
    CHECK((unsigned char *)q == (unsigned char *)p + 4032); /* 1000 floats rounded to 64 bytes */
    p[999] = 1;
    q[4999] = 2;
    sdarena_reset(&a, m);
    CHECK(a.used == 0 && a.peak == 4032 + 20032);
    float *p2 = sdarena_alloc(&a, 1000);
    CHECK(p2 == p && p2[999] == 1); /* the same page, not a fresh one */
    size_t m2 = sdarena_mark(&a);
    float *big = sdarena_alloc(&a, (size_t)3 << 20); /* 12 MB: past the first commit step */
    REQUIRE(big);
    big[((size_t)3 << 20) - 1] = 3;
    CHECK(a.size >= a.used && a.used == m2 + ((size_t)12 << 20));
    sdarena_reset(&a, m2);
    CHECK(sdarena_alloc(&a, 16) == big);
    sdarena_trim(&a); /* in use: no-op */
    CHECK(a.base != NULL);
    sdarena_reset(&a, 0);
    sdarena_trim(&a);
    CHECK(a.base == NULL && a.size == 0);
    CHECK(a.peak == m2 + ((size_t)12 << 20)); /* the peak survives a trim */
    float *again = sdarena_alloc(&a, 10);
    REQUIRE(again);
    CHECK(again[0] == 0); /* fresh pages after a trim */
    sdarena_free(&a);
    sdarena capped;
    sdarena_init(&capped, 4096);
    CHECK(sdarena_alloc(&capped, 2000) == NULL);
    REQUIRE(sdarena_alloc(&capped, 1000) != NULL);
    CHECK(sdarena_alloc(&capped, 17) == NULL); /* 4032 + 128 > 4096 */
    sdarena_free(&capped);
}

/* sdarena_keep: a layer's output moved down over its dead inputs, the
 * arena ending right after it; the next allocation follows it. Overlapping
 * source and destination (an output larger than the gap) keep every value;
 * an output already at the mark stays where it is. */
TEST(arena_keeps_an_output_over_dead_inputs)
{
    sdarena a;
    sdarena_init(&a, 0);
    float *live = sdarena_alloc(&a, 100);
    REQUIRE(live);
    live[99] = 7;
    size_t m = sdarena_mark(&a);
    float *dead = sdarena_alloc(&a, 48), *out = sdarena_alloc(&a, 5000);
    REQUIRE(dead && out);
    for (int i = 0; i < 5000; i++)
        out[i] = (float)i;
    float *k = sdarena_keep(&a, m, out, 5000); /* 5000 floats over a 192-byte gap: they overlap */
    CHECK(k == dead);
    int same = 1;
    for (int i = 0; i < 5000; i++)
        same &= k[i] == (float)i;
    CHECK(same && live[99] == 7);
    CHECK(a.used == m + 20032);
    CHECK(sdarena_alloc(&a, 1) == (float *)((unsigned char *)k + 20032));
    CHECK(sdarena_keep(&a, m, k, 5000) == k && k[4999] == 4999.0f && a.used == m + 20032);
    sdarena_free(&a);
}

RUN_TESTS(conv2d_matches_naive, conv2d_batch_matches_one_by_one, winograd_matches_naive, winograd_blocks_of_output_channels, softmax_exp_matches_double,
          winograd_reads_half_weights, attention_matches_naive, panel_sgemm_matches_double, norms_and_activations,
          norms_match_double, activations_match_double, fused_products_match_double,
          sgemm_tiles_match_double, arena_reuses_its_pages, arena_keeps_an_output_over_dead_inputs)
