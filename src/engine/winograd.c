/* winograd.c - 3x3, stride-1, padding-1 convolutions by Winograd's minimal
 * filtering F(m x m, 3 x 3), m = 2 or 4 (Lavin & Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2015), the convolutions that dominate the
 * UNet and the VAE decoder.
 *
 * The output is cut into m x m tiles; each tile needs an a x a input patch
 * (a = m + 2). With U = G g G^T (weights, a x a per output/input channel
 * pair), V = B^T d B (input patches) and M = U . V point by point, summed
 * over input channels, the tile is A^T M A. The sum over channels for one
 * of the a^2 points is a plain matrix product, so the work becomes a^2
 * sgemm calls of (O x C) . (C x tiles) instead of one of (O x 9C) . (9C x
 * HW): 9 m^2 / a^2 = 4x (m = 4) or 2.25x (m = 2) fewer multiplications.
 *
 * The transforms work on 8 tiles side by side (GCC vector extensions: AVX
 * where the compiler targets it, SSE pairs otherwise). Tiles are taken in
 * chunks (WINO_CHUNK floats of V and M) so scratch stays bounded at any
 * image size. The chunking depends on the shape only and every tile and
 * channel is computed by the same code whatever the thread split, so
 * results do not depend on the thread count.
 *
 * The transformed weights live in scratch for one call (block by block of
 * output channels where one chunk of tiles holds them all), not with the
 * model: the engine converts every weight from its file once per forward
 * pass anyway (kernels.c, sdw), and keeping U for all of SD 1.5's 3x3
 * convolutions (~520 M parameters) would take a^2/9 times their f32 size:
 * about 8 GB at m = 4, 3.7 GB at m = 2. Transforming a weight costs ~160
 * multiply-adds against 36 per tile in the products (m = 4), so under 1 %
 * at the UNet's 64^2 level with CFG (512 tiles), 3.5 % at 32^2; the batch
 * (the two halves of classifier-free guidance) shares it. */
#include "kernels.h"

#include <string.h>

typedef float v8 __attribute__((vector_size(32))); /* one value of 8 tiles */

/* The transforms in AVX2 where the CPU has it, SSE otherwise: the same
 * IEEE operations lane by lane (no contraction under -std=c17), so the
 * same bits either way. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define WINO_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define WINO_CLONES
#endif

#define WINO_CHUNK ((size_t)4 << 20) /* floats of V + M per chunk of tiles (16 MB) */
#define WINO_UBLOCK ((size_t)8 << 20) /* floats of U per block of output channels (32 MB) */

static size_t ublock = WINO_UBLOCK; /* sdk_wino_block_floats */

void sdk_wino_block_floats(size_t n)
{
    ublock = n ? n : WINO_UBLOCK;
}
#define GROUP_ROWS 336               /* rows of U a product item runs past V */

static size_t round_nr(size_t n)
{
    return (n + SDK_NR - 1) / SDK_NR * SDK_NR;
}

/* output channels rounded up to whole row panels (zero weights past O) */
static size_t pad_mr(int O)
{
    return ((size_t)O + SDK_MR - 1) / SDK_MR * SDK_MR;
}

/* Tiles per chunk (whole column panels): as many as WINO_CHUNK allows,
 * or V + M as large as half of U where U is larger (every chunk reads all
 * of U from memory again: at SD 1.5's 16^2 level, U is 105 MB against 21
 * MB of V + M for all 128 tiles of a CFG batch), at least one panel, at
 * most all of them. */
static size_t chunk_tiles(int m, int B, int C, int H, int W, int O)
{
    size_t a2 = (size_t)(m + 2) * (m + 2), u = a2 * pad_mr(O) * C / 2;
    size_t T = (size_t)B * ((H + m - 1) / m) * ((W + m - 1) / m);
    size_t n = (u > WINO_CHUNK ? u : WINO_CHUNK) / (a2 * ((size_t)C + O)) / SDK_NR * SDK_NR;
    if (n < SDK_NR)
        n = SDK_NR;
    return n < round_nr(T) ? n : round_nr(T);
}

/* Rows of U (output channels, whole panels) transformed at a time. Where
 * one chunk holds every tile, U is used by that chunk alone, so it need
 * not exist whole: each block of output channels is transformed, used by
 * the products and the output transform, and its scratch reused for the
 * next. At SD 1.5's 16^2 level a CFG batch's 2560 -> 1280 conv has a U of
 * 210 MB against 32 MB of V + M; whole, it set the UNet step's arena peak
 * (and the pages its first step faults in). Blocks of about WINO_UBLOCK,
 * equal and whole panels; all of U where there are several chunks (each
 * chunk reads all of U; transforming it again per chunk would cost more
 * than the memory saved). */
static size_t block_rows(int m, int B, int C, int H, int W, int O)
{
    size_t a2 = (size_t)(m + 2) * (m + 2), Op = pad_mr(O);
    size_t T = (size_t)B * ((H + m - 1) / m) * ((W + m - 1) / m);
    if (chunk_tiles(m, B, C, H, W, O) < round_nr(T) || a2 * Op * C <= ublock)
        return Op;
    size_t panels = Op / SDK_MR, per = ublock / (a2 * C) / SDK_MR;
    if (per < 1)
        per = 1;
    size_t nb = (panels + per - 1) / per;
    return (panels + nb - 1) / nb * SDK_MR;
}

size_t sdk_wino_scratch(int m, int B, int C, int H, int W, int O)
{
    size_t a2 = (size_t)(m + 2) * (m + 2), n = chunk_tiles(m, B, C, H, W, O), Ob = block_rows(m, B, C, H, W, O);
    /* U and M for one block of output channels, V, each rounded up to 64 bytes */
    return ((a2 * Ob * C + 15) & ~(size_t)15) + ((a2 * C * n + 15) & ~(size_t)15) + a2 * Ob * n;
}

/* ---- the three transforms, for 8 tiles (or 8 input channels) at once.
 * In and out are a x a (or 3 x 3) arrays, row-major; the 1-D transform is
 * applied down the columns, then along the rows. */

/* B^T d B: 1-D forms of B^T for a = 6 and a = 4 */
#define BT6(o, os, s, ss)                                                                                              \
    do {                                                                                                               \
        v8 d0 = s[0 * ss], d1 = s[1 * ss], d2 = s[2 * ss], d3 = s[3 * ss], d4 = s[4 * ss], d5 = s[5 * ss];             \
        o[0 * os] = 4.0f * d0 - 5.0f * d2 + d4;                                                                        \
        o[1 * os] = (d3 + d4) - 4.0f * (d1 + d2);                                                                      \
        o[2 * os] = (d4 - d3) + 4.0f * (d1 - d2);                                                                      \
        o[3 * os] = (d4 - d2) + 2.0f * (d3 - d1);                                                                      \
        o[4 * os] = (d4 - d2) + 2.0f * (d1 - d3);                                                                      \
        o[5 * os] = 4.0f * d1 - 5.0f * d3 + d5;                                                                        \
    } while (0)
#define BT4(o, os, s, ss)                                                                                              \
    do {                                                                                                               \
        v8 d0 = s[0 * ss], d1 = s[1 * ss], d2 = s[2 * ss], d3 = s[3 * ss];                                             \
        o[0 * os] = d0 - d2;                                                                                           \
        o[1 * os] = d1 + d2;                                                                                           \
        o[2 * os] = d2 - d1;                                                                                           \
        o[3 * os] = d1 - d3;                                                                                           \
    } while (0)

/* A^T M A: 1-D forms of A^T (a values in, m out) */
#define AT6(o, os, s, ss)                                                                                              \
    do {                                                                                                               \
        v8 s12 = s[1 * ss] + s[2 * ss], d12 = s[1 * ss] - s[2 * ss];                                                   \
        v8 s34 = s[3 * ss] + s[4 * ss], d34 = s[3 * ss] - s[4 * ss];                                                   \
        o[0 * os] = s[0] + s12 + s34;                                                                                  \
        o[1 * os] = d12 + 2.0f * d34;                                                                                  \
        o[2 * os] = s12 + 4.0f * s34;                                                                                  \
        o[3 * os] = d12 + 8.0f * d34 + s[5 * ss];                                                                      \
    } while (0)
#define AT4(o, os, s, ss)                                                                                              \
    do {                                                                                                               \
        o[0 * os] = s[0] + s[1 * ss] + s[2 * ss];                                                                      \
        o[1 * os] = s[1 * ss] - s[2 * ss] - s[3 * ss];                                                                 \
    } while (0)

/* G g G^T: 1-D forms of G (3 values in, a out) */
#define G6(o, os, s, ss)                                                                                               \
    do {                                                                                                               \
        v8 g0 = s[0], g1 = s[1 * ss], g2 = s[2 * ss];                                                                  \
        o[0 * os] = 0.25f * g0;                                                                                        \
        o[1 * os] = (g0 + g1 + g2) * (-1.0f / 6);                                                                      \
        o[2 * os] = (g0 - g1 + g2) * (-1.0f / 6);                                                                      \
        o[3 * os] = g0 * (1.0f / 24) + g1 * (1.0f / 12) + g2 * (1.0f / 6);                                             \
        o[4 * os] = g0 * (1.0f / 24) - g1 * (1.0f / 12) + g2 * (1.0f / 6);                                             \
        o[5 * os] = g2;                                                                                                \
    } while (0)
#define G4(o, os, s, ss)                                                                                               \
    do {                                                                                                               \
        v8 g0 = s[0], g1 = s[1 * ss], g2 = s[2 * ss];                                                                  \
        o[0 * os] = g0;                                                                                                \
        o[1 * os] = (g0 + g1 + g2) * 0.5f;                                                                             \
        o[2 * os] = (g0 - g1 + g2) * 0.5f;                                                                             \
        o[3 * os] = g2;                                                                                                \
    } while (0)

static inline __attribute__((always_inline)) void in_transform(int m, const v8 *d /* a x a */, v8 *v /* OUT a x a */)
{
    if (m == 4) {
        v8 c[36];
        for (int j = 0; j < 6; j++)
            BT6((c + j), 6, (d + j), 6);
        for (int i = 0; i < 6; i++)
            BT6((v + 6 * i), 1, (c + 6 * i), 1);
    } else {
        v8 c[16];
        for (int j = 0; j < 4; j++)
            BT4((c + j), 4, (d + j), 4);
        for (int i = 0; i < 4; i++)
            BT4((v + 4 * i), 1, (c + 4 * i), 1);
    }
}

static inline __attribute__((always_inline)) void out_transform(int m, const v8 *s /* a x a */, v8 *y /* OUT m x m */)
{
    if (m == 4) {
        v8 c[24]; /* 4 x 6 */
        for (int j = 0; j < 6; j++)
            AT6((c + j), 6, (s + j), 6);
        for (int i = 0; i < 4; i++)
            AT6((y + 4 * i), 1, (c + 6 * i), 1);
    } else {
        v8 c[8]; /* 2 x 4 */
        for (int j = 0; j < 4; j++)
            AT4((c + j), 4, (s + j), 4);
        for (int i = 0; i < 2; i++)
            AT4((y + 2 * i), 1, (c + 4 * i), 1);
    }
}

static inline __attribute__((always_inline)) void w_transform(int m, const v8 *g /* 3 x 3 */, v8 *u /* OUT a x a */)
{
    if (m == 4) {
        v8 c[18]; /* 6 x 3 */
        for (int j = 0; j < 3; j++)
            G6((c + j), 3, (g + j), 3);
        for (int i = 0; i < 6; i++)
            G6((u + 6 * i), 1, (c + 3 * i), 1);
    } else {
        v8 c[12]; /* 4 x 3 */
        for (int j = 0; j < 3; j++)
            G4((c + j), 3, (g + j), 3);
        for (int i = 0; i < 4; i++)
            G4((u + 4 * i), 1, (c + 3 * i), 1);
    }
}

/* ---- the passes, each split over channels by sdk_parallel_for */
typedef struct {
    int m, B, C, H, W, O, tx_n, T1; /* T1 tiles per image, tx_n per tile row */
    int Op, groups, group; /* O in whole row panels; the products' row groups, rows per group */
    int Ob, ob0, obn;      /* rows of U and M per block; this block's first row (of Op) and row count */
    const float *x, *w, *b, *res; /* res: added to y, or NULL */
    const sdst_file *wf;          /* w == NULL: the weights are wf's tensor wt, in its own type */
    const sdst_tensor *wt;
    float *y, *U, *V, *M;
    size_t t0, nt, ldn; /* this chunk's first tile and tile count; row length of V and M */
} wino_job;

/* U(a^2, Ob, C) from w(O, C, 3, 3), over row panels [q0, q1) of the block
 * (its output channels ob0 + q MR + r), each point's matrix in row panels
 * for sdk_panel_gemm ([Ob / MR][C][MR]); rows past O are zeros. A panel's
 * MR rows are transformed together, 8 input channels at a time, so each
 * point's 8 x MR floats are written as one run: row by row, the same
 * cache lines of every point were written MR times, far apart, and at C =
 * 1280 a row's 36 points (1.1 MB) had left L2 before the next row came. */
#define WCONV 64 /* a multiple of 8 */

WINO_CLONES static void weights_range(void *ctx, size_t q0, size_t q1)
{
    const wino_job *j = ctx;
    int m = j->m, a2 = (m + 2) * (m + 2), C = j->C;
    size_t OC = (size_t)j->Ob * C;
    float tmp[SDK_MR][WCONV * 9]; /* from the file's type: WCONV channels of each row converted at a time */
    for (size_t q = q0; q < q1; q++) {
        float *panel = j->U + q * SDK_MR * C;
        size_t o0 = (size_t)j->ob0 + q * SDK_MR;
        int rows = o0 >= (size_t)j->O ? 0 : j->O - o0 < SDK_MR ? (int)(j->O - o0) : SDK_MR;
        for (int c0 = 0; c0 < C; c0 += 8) {
            int n = C - c0 < 8 ? C - c0 : 8;
            v8 u[SDK_MR][36];
            for (int r = 0; r < rows; r++) {
                size_t o = o0 + r;
                const float *src;
                if (j->w) {
                    src = j->w + (o * C + c0) * 9;
                } else {
                    if (c0 % WCONV == 0) { /* an in-range slice of a float tensor: cannot fail */
                        int nc = C - c0 < WCONV ? C - c0 : WCONV;
                        sdst_slice_to_f32(j->wf, j->wt, (uint64_t)(o * C + c0) * 9, (size_t)nc * 9, tmp[r], NULL);
                    }
                    src = tmp[r] + (c0 % WCONV) * 9;
                }
                v8 g[9] = {0};
                for (int k = 0; k < n; k++)
                    for (int i = 0; i < 9; i++)
                        g[i][k] = src[k * 9 + i];
                w_transform(m, g, u[r]);
            }
            for (int r = rows; r < SDK_MR; r++)
                memset(u[r], 0, (size_t)a2 * sizeof u[r][0]);
            for (int p = 0; p < a2; p++) {
                float *dst = panel + p * OC + (size_t)c0 * SDK_MR;
                for (int k = 0; k < n; k++)
                    for (int r = 0; r < SDK_MR; r++)
                        dst[k * SDK_MR + r] = u[r][p][k];
            }
        }
    }
}

/* V(a^2, C, ldn) for the chunk's tiles [g0, g1) (g0 a multiple of 8),
 * input channels [c0, c1), each point's matrix in column panels for
 * sdk_panel_gemm ([ldn / NR][C][NR]); lanes past g1 up to the panel's end
 * are zeros. */
WINO_CLONES static void input_cols(const wino_job *j, size_t c0, size_t c1, size_t g0, size_t g1)
{
    int m = j->m, a = m + 2, a2 = a * a, H = j->H, W = j->W;
    size_t Cl = (size_t)j->C * j->ldn, gend = round_nr(g1);
    for (size_t c = c0; c < c1; c++)
        for (size_t g = g0; g < gend; g += 8) {
            v8 d[36], v[36];
            if (g + 8 > g1) /* lanes past the last tile: zeros */
                memset(d, 0, sizeof d);
            for (int k = 0; k < 8 && g + k < g1; k++) {
                size_t t = j->t0 + g + k, b = t / (size_t)j->T1, r = t % (size_t)j->T1;
                int iy0 = (int)(r / (size_t)j->tx_n) * m - 1, ix0 = (int)(r % (size_t)j->tx_n) * m - 1;
                const float *src = j->x + (b * j->C + c) * H * W;
                if (iy0 >= 0 && iy0 + a <= H && ix0 >= 0 && ix0 + a <= W) {
                    for (int iy = 0; iy < a; iy++)
                        for (int ix = 0; ix < a; ix++)
                            d[iy * a + ix][k] = src[(size_t)(iy0 + iy) * W + ix0 + ix];
                } else { /* an edge tile: zero padding outside the image */
                    for (int iy = 0; iy < a; iy++)
                        for (int ix = 0; ix < a; ix++) {
                            int sy = iy0 + iy, sx = ix0 + ix;
                            d[iy * a + ix][k] = sy >= 0 && sy < H && sx >= 0 && sx < W ? src[(size_t)sy * W + sx] : 0.0f;
                        }
                }
            }
            in_transform(m, d, v);
            float *dst = j->V + (g - g % SDK_NR) * j->C + c * SDK_NR + g % SDK_NR;
            for (int p = 0; p < a2; p++)
                memcpy(dst + p * Cl, &v[p], sizeof v[p]);
        }
}

/* y from M(a^2, Ob, ldn) for the chunk's tiles [g0, g1), plus bias, output
 * channels [o0, o1) (of the block's: M's row o - ob0). */
WINO_CLONES static void output_cols(const wino_job *j, size_t o0, size_t o1, size_t g0, size_t g1)
{
    int m = j->m, a2 = (m + 2) * (m + 2), H = j->H, W = j->W;
    size_t Ol = (size_t)j->Ob * j->ldn;
    for (size_t o = o0; o < o1; o++) {
        float bias = j->b ? j->b[o] : 0.0f;
        const float *mo = j->M + (o - (size_t)j->ob0) * j->ldn;
        for (size_t g = g0; g < g1; g += 8) {
            v8 s[36], y[16];
            for (int p = 0; p < a2; p++)
                memcpy(&s[p], mo + p * Ol + g, sizeof s[p]);
            out_transform(m, s, y);
            for (int k = 0; k < 8 && g + k < g1; k++) {
                size_t t = j->t0 + g + k, b = t / (size_t)j->T1, r = t % (size_t)j->T1;
                int oy0 = (int)(r / (size_t)j->tx_n) * m, ox0 = (int)(r % (size_t)j->tx_n) * m;
                size_t at = (b * j->O + o) * H * W;
                float *dst = j->y + at;
                const float *res = j->res ? j->res + at : NULL;
                for (int iy = 0; iy < m && oy0 + iy < H; iy++)
                    for (int ix = 0; ix < m && ox0 + ix < W; ix++) {
                        size_t px = (size_t)(oy0 + iy) * W + ox0 + ix;
                        dst[px] = y[iy * m + ix][k] + bias + (res ? res[px] : 0.0f);
                    }
            }
        }
    }
}

/* M = U V for (point, row group) items [i0, i1) of the block */
static void products_range(void *ctx, size_t i0, size_t i1)
{
    const wino_job *j = ctx;
    size_t OC = (size_t)j->Ob * j->C, CL = (size_t)j->C * j->ldn, OL = (size_t)j->Ob * j->ldn;
    for (size_t i = i0; i < i1; i++) {
        size_t p = i / (size_t)j->groups;
        int r0 = (int)(i % (size_t)j->groups) * j->group, r1 = r0 + j->group < j->obn ? r0 + j->group : j->obn;
        if (r0 >= r1) /* a short last block has fewer groups */
            continue;
        sdk_panel_gemm(j->C, j->U + p * OC, r0, r1, j->V + p * CL, (int)round_nr(j->nt), j->M + p * OL, j->ldn, 0);
    }
}

static void input_range(void *ctx, size_t c0, size_t c1)
{
    const wino_job *j = ctx;
    input_cols(j, c0, c1, 0, j->nt);
}

static void output_range(void *ctx, size_t o0, size_t o1)
{
    const wino_job *j = ctx;
    output_cols(j, j->ob0 + o0, j->ob0 + o1, 0, j->nt);
}

void sdk_wino_conv(int m, const float *x, int B, int C, int H, int W, const float *w, const float *b, int O, float *y,
                   float *scratch)
{
    sdk_wino_conv_res(m, x, B, C, H, W, w, b, NULL, O, y, scratch);
}

static void wino_run(int m, const float *x, int B, int C, int H, int W, const float *w, const sdst_file *wf,
                     const sdst_tensor *wt, const float *b, const float *res, int O, float *y, float *scratch)
{
    int a2 = (m + 2) * (m + 2), tx_n = (W + m - 1) / m;
    size_t ldn = chunk_tiles(m, B, C, H, W, O);
    wino_job j = {.m = m, .B = B, .C = C, .H = H, .W = W, .O = O, .tx_n = tx_n, .T1 = tx_n * ((H + m - 1) / m),
                  .x = x, .w = w, .b = b, .res = res, .wf = wf, .wt = wt, .y = y, .ldn = ldn};
    size_t tiles = (size_t)B * j.T1;
    j.Op = (int)pad_mr(O);
    j.Ob = (int)block_rows(m, B, C, H, W, O);
    /* the products' rows in groups of at most GROUP_ROWS, equal and whole
     * panels: a group's panels of U (GROUP_ROWS x 384 floats, 516 KB) stay
     * in L2 while every column panel of V passes them */
    int panels = j.Ob / SDK_MR, ng = (j.Ob + GROUP_ROWS - 1) / GROUP_ROWS;
    j.group = (panels + ng - 1) / ng * SDK_MR;
    j.groups = (j.Ob + j.group - 1) / j.group;
    j.U = scratch;
    j.V = j.U + (((size_t)a2 * j.Ob * C + 15) & ~(size_t)15);
    j.M = j.V + (((size_t)a2 * C * ldn + 15) & ~(size_t)15);
    /* per thread at least ~64k multiply-adds of transform work */
    size_t wper = 65536 / ((size_t)C * 50 * SDK_MR + 1) + 1;
    /* Each step on all threads in turn: the transforms split the channels,
     * and the chunk's a^2 products go to the pool as (point, row group)
     * items. U and V are written in the panels the product reads (panel.c),
     * so nothing is copied again per chunk (through OpenBLAS, which packs
     * both operands of every call, ~15 % of a UNet step on one core went to
     * its copy routines). Every element is computed the same way whatever
     * the split, so the result is the same on any pool. */
    for (j.t0 = 0; j.t0 < tiles; j.t0 += ldn) {
        j.nt = tiles - j.t0 < ldn ? tiles - j.t0 : ldn;
        size_t per = 65536 / (round_nr(j.nt) * 20) + 1;
        sdk_parallel_for(input_range, &j, (size_t)C, per);
        /* all of U once, before the first chunk; or (one chunk) block by block */
        for (j.ob0 = 0; j.ob0 < j.Op; j.ob0 += j.Ob) {
            j.obn = j.Op - j.ob0 < j.Ob ? j.Op - j.ob0 : j.Ob;
            if (j.t0 == 0)
                sdk_parallel_for(weights_range, &j, (size_t)j.obn / SDK_MR, wper);
            sdk_parallel_for(products_range, &j, (size_t)a2 * j.groups, 1);
            int on = O - j.ob0 < j.obn ? O - j.ob0 : j.obn; /* the block's real channels */
            sdk_parallel_for(output_range, &j, (size_t)on, per);
        }
    }
}

void sdk_wino_conv_res(int m, const float *x, int B, int C, int H, int W, const float *w, const float *b,
                       const float *res, int O, float *y, float *scratch)
{
    wino_run(m, x, B, C, H, W, w, NULL, NULL, b, res, O, y, scratch);
}

void sdk_wino_conv_tensor(int m, const float *x, int B, int C, int H, int W, const sdst_file *f, const sdst_tensor *t,
                          const float *b, const float *res, int O, float *y, float *scratch)
{
    wino_run(m, x, B, C, H, W, NULL, f, t, b, res, O, y, scratch);
}

/* From bench/bench_conv.c (AVX2 code on an AMD EPYC, one thread and two):
 * F(4x4) wins from 32 tiles of 4x4 in the batch (the UNet's 16^2 level
 * with CFG and everything larger: 1.7-2.1x im2col at 16^2, 2.8-3.3x at
 * 32^2 and 64^2, where F(2x2) gives 1.6-1.8x and 1.7-2.0x), F(2x2) from
 * 64 tiles of 2x2 (16^2 without CFG: 1.2-1.4x, F(4x4) 1.1-1.2x), and
 * im2col below (8^2: a handful of tiles against a whole U) and for the
 * first conv of a net (C = 4 or 3: the transforms then cost as much as
 * the product). F(4x4) took the 16^2 level from F(2x2) once its weight
 * transform wrote whole panel runs: at 32 tiles the weights' transform is
 * a large part of the work. */
static int forced = -1;

void sdk_wino_force(int m)
{
    forced = m == 0 || m == 2 || m == 4 ? m : -1;
}

int sdk_wino_pick(int B, int C, int H, int W, int O)
{
    size_t px = (size_t)B * H * W;
    (void)O;
    if (forced >= 0)
        return forced;
    if (C < 16)
        return 0;
    if (px / 16 >= 32)
        return 4;
    if (px / 4 >= 64)
        return 2;
    return 0;
}
