/* kernels.h - the engine's numeric building blocks: an activation arena,
 * a weight accessor that converts fp16/bf16 tensors one layer at a time,
 * and f32 kernels (conv2d by im2col + sgemm, linear, norms, activations,
 * attention in bounded-memory chunks). Images are NCHW with N handled by
 * the caller: one image is (C, H, W); token sequences are (n, dim). */
#ifndef LONGSD_KERNELS_H
#define LONGSD_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "safetensors.h"
#include "util.h"

/* ---- arena: activations are bump-allocated from one block and released
 * by resetting to a mark. The block is a range of address space reserved
 * at the first allocation (cap bytes, nothing committed) whose pages are
 * faulted in as the bump pointer first reaches them and then kept: a reset
 * reuses the same, already mapped pages, so a forward pass faults in only
 * its peak once, not every layer's scratch again (a 3x3 conv's Winograd
 * scratch is up to 67 MB in SD 1.5 at 512^2). sdarena_trim
 * gives the pages back between stages. */
/* An optional weight patch (LoRA, lora.h): has(ctx, name) tells whether
 * the weight of that diffusers name gets a delta, add() adds it to the
 * converted f32 weight. Set on the arena around a forward pass, because
 * the arena is the run state every network's forward pass receives. */
typedef struct sdw_patch {
    int (*has)(void *ctx, const char *name);
    longsd_status (*add)(void *ctx, const char *name, float *w, size_t numel, lserr *err);
    void *ctx;
} sdw_patch;
#define SDW_SLOTS 8
typedef struct {
    unsigned char *base; /* the reservation, or NULL before the first allocation / after a trim */
    size_t reserved;     /* bytes of address space at base */
    size_t size;  /* bytes of base made writable so far (what the block may hold in memory) */
    size_t used;  /* bytes of base in use (the mark space) */
    size_t peak;  /* largest used seen (reported: bench, longsd_sd_mem_stats) */
    size_t cap;   /* hard cap on used (0 = 64 GiB): beyond it allocations fail */
    /* Weight conversion buffers kept between forward passes (see sdw), so
     * a step does not map and fault in ~100 MB of fresh pages. */
    float *wbuf[SDW_SLOTS];
    size_t wcap[SDW_SLOTS];
    const sdw_patch *patch; /* optional, see sdw_patch; NULL = none */
} sdarena;

void sdarena_init(sdarena *a, size_t cap);
void sdarena_free(sdarena *a);
/* n floats, 64-byte aligned, or NULL (out of memory or over the cap). */
float *sdarena_alloc(sdarena *a, size_t n_floats);
size_t sdarena_mark(const sdarena *a);
void sdarena_reset(sdarena *a, size_t mark);
/* Keep n floats at p, allocated above mark, and free the rest above mark:
 * they move down to mark (memmove) and the arena ends right after them.
 * A net's layer output kept while its inputs and the layers between die,
 * in a bump allocator that otherwise frees only from the top. Returns the
 * kept floats' new address. */
float *sdarena_keep(sdarena *a, size_t mark, const float *p, size_t n);
/* Give the block's pages and the kept weight buffers back to the system
 * (only when nothing is allocated; otherwise a no-op): between pipeline
 * stages whose activations differ in size (the VAE decode at 512^2 needs
 * ~1 GB, a UNet step a few hundred MB), so one stage's pages are not
 * carried into the next and an idle handle holds none. The next stage
 * faults in its own. */
void sdarena_trim(sdarena *a);
/* Only the kept weight buffers: at a stage boundary where the next stage
 * is known to need at least the activations this one did (the VAE decode
 * after the UNet), whose pages it then reuses instead of faulting in
 * zeroed ones. */
void sdarena_trim_buffers(sdarena *a);

/* ---- weights: name lookup with a prefix, numel check, f32 view or a
 * conversion into one of a few reusable slot buffers (per layer). The
 * first error is kept in *err and later lookups return zeros, so a forward
 * pass runs to the end and reports the first missing or misshapen tensor. */
typedef struct {
    const sdst_file *f;
    const char *prefix;    /* prepended to every name ("" for none) */
    float *buf[SDW_SLOTS];
    size_t cap[SDW_SLOTS];
    lserr *err;
    longsd_status rc;
    /* Optional name translation applied before the prefix (single-file
     * checkpoints): writes the stored name of a diffusers name. */
    int (*map)(const void *ctx, const char *name, char *out, size_t cap);
    const void *map_ctx;
    sdarena *home; /* where the slot buffers come from and go back to, or NULL */
    const sdw_patch *patch; /* home's patch at sdw_init, or NULL */
} sdw;

/* home (may be NULL) lends its kept conversion buffers to w until sdw_free. */
void sdw_init(sdw *w, const sdst_file *f, const char *prefix, sdarena *home, lserr *err);
void sdw_free(sdw *w);
/* The tensor NAME (printf-style) with exactly numel elements, as f32,
 * borrowed until the same slot is used again. */
const float *sdw_get(sdw *w, int slot, size_t numel, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The tensor NAME with exactly numel elements as it is in the file, for
 * a kernel that converts as it reads (sdk_wino_conv_tensor): NULL when a
 * copy is better or needed (F32, which sdw_get returns without a copy; a
 * dtype that is not a float or block type; a tensor a patch changes) or
 * when absent (then sdw_get reports it). */
const sdst_tensor *sdw_tensor(sdw *w, size_t numel, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Non-zero when the tensor exists (no error recorded otherwise). */
int sdw_has(sdw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Run fn(ctx, begin, end) over [0, n) on the calling thread's pool
 * (threadpool.h: the generation's own threads), at least min_per_thread
 * items a thread. fn must compute each item the same way whatever range
 * it is given, so results do not depend on the split. */
void sdk_parallel_for(void (*fn)(void *ctx, size_t begin, size_t end), void *ctx, size_t n, size_t min_per_thread);

/* C(M, N) = alpha op(A)(M, K) op(B)(K, N) + beta C, row-major, as
 * cblas_sgemm (ta, tb non-zero: transposed), on the calling thread's pool
 * in tiles that depend on the shape only, or for at most 128 columns (A
 * not transposed, beta 0 or 1) on the panel kernel (gemm.c); either way
 * the same bits on any thread count. */
void sdk_sgemm(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda, const float *B, int ldb,
               float beta, float *C, int ldc);
/* count products of the same shape, the q-th at A + q sa, B + q sb and
 * C + q sc, on the pool as one job: small products (Winograd's a^2 per
 * chunk) then run whole, one call each, and pack their panels once. */
void sdk_sgemm_batch(int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda, size_t sa,
                     const float *B, int ldb, size_t sb, float beta, float *C, int ldc, size_t sc, int count);

/* C(r, n) for rows [m0, m1) and columns [0, N) of the product A(M, K)
 * B(K, N), both already in panels (panel.c): A in row panels of SDK_MR,
 * [M / MR][K][MR], B in column panels of SDK_NR, [N / NR][K][NR] (best
 * 32-byte aligned); m0, m1 multiples of MR, N of NR (pad with zeros). Runs
 * on the calling thread alone: callers split rows or products over the
 * pool, and each element is summed in one order however they split. add
 * non-zero: C += A B, else C = A B. */
#define SDK_MR 6
#define SDK_NR 16
void sdk_panel_gemm(int K, const float *Ap, int m0, int m1, const float *Bp, int N, float *C, size_t ldc, int add);
/* The same with A read in place, row-major (M, K) with stride lda, any
 * m0 <= m1 <= M (m0 a multiple of MR when the split is to give the same
 * bits), and C written only in its N columns (B's panels padded): the
 * products of sdk_sgemm whose A is row-major (gemm.c). */
void sdk_panel_gemm_rows(int K, const float *A, size_t lda, int m0, int m1, const float *Bp, int N, float *C,
                         size_t ldc, int add);
/* Tests: the portable kernels (the panel products, attention's softmax)
 * even where the CPU has FMA (non-zero), or the fastest again (0).
 * Process-wide, not for concurrent use. */
void sdk_panel_portable(int on);
/* Whether the AVX2/FMA kernels run: the CPU has them, not turned off. */
int sdk_panel_fma(void);

/* ---- kernels */
/* y(O, Ho, Wo) = conv(x(C, H, W), w(O, C, k, k)) + b; col is scratch from
 * the arena (sdk_conv2d_scratch floats). */
size_t sdk_conv2d_scratch(int C, int H, int W, int k, int stride, int pad);
void sdk_conv2d(const float *x, int C, int H, int W, const float *w, const float *b, int O, int k, int stride, int pad,
                float *y, float *col);
/* The same convolution for k = 3, stride 1, padding 1 by Winograd's
 * F(m x m, 3 x 3), m = 2 or 4 (winograd.c), on a batch: y(B, O, H, W) from
 * x(B, C, H, W), w(O, C, 3, 3) and b(O) (may be NULL). The weights are
 * transformed once per call, for the whole batch, into scratch
 * (sdk_wino_scratch floats). sdk_wino_pick says which m is faster than
 * im2col + sgemm for that shape on measurement (bench/bench_conv.c), 0 for
 * none. */
int sdk_wino_pick(int B, int C, int H, int W, int O);
/* Tests: make sdk_wino_pick answer m (0, 2 or 4) for every shape, or
 * measure again (-1). Process-wide, not for concurrent use. */
void sdk_wino_force(int m);
/* Tests: the floats of transformed weights (U) one block of output
 * channels may take (0: the default, 32 MB), so small shapes run in
 * several blocks. Process-wide, not for concurrent use. */
void sdk_wino_block_floats(size_t n);
size_t sdk_wino_scratch(int m, int B, int C, int H, int W, int O);
void sdk_wino_conv(int m, const float *x, int B, int C, int H, int W, const float *w, const float *b, int O, float *y,
                   float *scratch);
/* sdk_conv2d plus a residual res(O, Ho, Wo) (may be NULL) added in the
 * same pass as the bias. */
void sdk_conv2d_res(const float *x, int C, int H, int W, const float *w, const float *b, const float *res, int O, int k,
                    int stride, int pad, float *y, float *col);
/* sdk_conv2d_res on a batch of B pictures small enough for one product
 * (y(B, O, Ho, Wo), res like y or NULL, b may be NULL): their im2col side
 * by side, so the weights are read once for the batch, not once a
 * picture (the UNet's 8^2 level: 64 columns a picture). scratch holds
 * sdk_conv2d_batch_scratch floats. */
size_t sdk_conv2d_batch_scratch(int B, int C, int H, int W, int k, int stride, int pad, int O);
void sdk_conv2d_batch_res(const float *x, int B, int C, int H, int W, const float *w, const float *b, const float *res,
                          int O, int k, int stride, int pad, float *y, float *scratch);
/* sdk_wino_conv plus a residual res(B, O, H, W) (may be NULL) added as the
 * output transform writes y. */
void sdk_wino_conv_res(int m, const float *x, int B, int C, int H, int W, const float *w, const float *b,
                       const float *res, int O, float *y, float *scratch);
/* The same with the weights read from f's tensor t in its own type (F16,
 * BF16, a GGUF block type: sdst_dtype_is_float) as the transform goes, so
 * a step does not write and read them again as f32 first (sdw_tensor). */
void sdk_wino_conv_tensor(int m, const float *x, int B, int C, int H, int W, const sdst_file *f, const sdst_tensor *t,
                          const float *b, const float *res, int O, float *y, float *scratch);
/* y(n, out) = x(n, in) w(out, in)^T + b (b may be NULL); y may not alias x. */
void sdk_linear(const float *x, int n, int in, const float *w, const float *b, int out, float *y);
/* The same accumulated: y += x w^T + b (sgemm with beta 1: a residual
 * stream takes the layer's output without a separate add pass). */
void sdk_linear_acc(const float *x, int n, int in, const float *w, const float *b, int out, float *y);
/* The same from channel-major input x(in, n) (an image's (C, HW)):
 * y(n, out) = x^T w^T + b, without a transpose pass. */
void sdk_linear_cm(const float *x, int n, int in, const float *w, const float *b, int out, float *y);
/* Products accumulated onto a residual (sgemm with beta 1, no bias):
 * y(O, HW) += w(O, C) x(C, HW) (a 1x1 conv, a ResNet's shortcut), and
 * y(out, n) += w(out, in) x(n, in)^T (tokens in, channel-major out: a
 * projection back to an image's (C, HW) without a transpose pass). */
void sdk_conv1x1_acc(const float *x, int C, int HW, const float *w, int O, float *y);
void sdk_linear_to_cm_acc(const float *x, int n, int in, const float *w, int out, float *y);
/* Passes that finish a product, on all threads: y(rows, N) += b[row] (+
 * res(rows, N)) (either may be NULL); y(rows, N) = x + b[row] (b may be
 * NULL); y(n, out) += b[col]. */
void sdk_rows_add(float *y, int rows, size_t N, const float *b, const float *res);
void sdk_rows_fill(float *y, const float *x, int rows, size_t N, const float *b);
void sdk_rows_add_cols(float *y, int n, int out, const float *b);
/* In place over x(C, HW): G groups, affine gamma/beta per channel. */
void sdk_group_norm(float *x, int C, int HW, int G, const float *gamma, const float *beta, float eps);
/* y = group_norm(x), then SiLU when silu is non-zero, in one sweep after
 * the statistics; y may alias x. */
void sdk_group_norm_act(const float *x, float *y, int C, int HW, int G, const float *gamma, const float *beta,
                        float eps, int silu);
/* y(n, d) = layer_norm(x(n, d)); y may alias x. */
void sdk_layer_norm(const float *x, int n, int d, const float *gamma, const float *beta, float eps, float *y);
void sdk_silu(float *x, size_t n);
void sdk_gelu(float *x, size_t n);       /* exact, erf */
void sdk_quick_gelu(float *x, size_t n); /* x * sigmoid(1.702 x) */
/* y(n, d) = x[:, :d] * gelu(x[:, d:]) for x(n, 2d). */
void sdk_geglu(const float *x, int n, int d, float *y);
/* The same with the projection's bias b(2d) (may be NULL) added on the
 * way: x is the product without its bias, read once. */
void sdk_geglu_bias(const float *x, const float *b, int n, int d, float *y);
void sdk_softmax_rows(float *x, int rows, int cols);
/* y(C, 2H, 2W) = nearest-neighbour upsampling of x(C, H, W). */
void sdk_upsample2x(const float *x, int C, int H, int W, float *y);
/* y(cols, rows) = x(rows, cols)^T */
void sdk_transpose(const float *x, int rows, int cols, float *y);
void sdk_add(float *y, const float *x, size_t n); /* y += x */

/* Multi-head attention (attention.c): q(nq, heads*dh), k and v (nk,
 * heads*dh), all with row stride heads*dh; out(nq, heads*dh). scratch holds
 * sdk_attention_scratch floats, sized on the thread that then calls (the
 * blocks keep one slice per thread of the calling thread's pool). causal
 * masks key j > query i (CLIP). */
size_t sdk_attention_scratch(int nq, int nk, int heads, int dh);
void sdk_attention(const float *q, const float *k, const float *v, int nq, int nk, int heads, int dh, int causal,
                   float *out, float *scratch);
/* The two ways sdk_attention chooses between (bench/bench_attn.c, tests),
 * same arguments and scratch: by rows of scores (at most 16 MB of them,
 * softmax, then P V, sgemm on all threads), and in blocks with an online
 * softmax (flash-attention style: per head and block of query rows, one
 * thread runs through the keys block by block keeping each row's running
 * max and sum, so the score matrix never goes to memory). */
void sdk_attention_rows(const float *q, const float *k, const float *v, int nq, int nk, int heads, int dh, int causal,
                        float *out, float *scratch);
void sdk_attention_flash(const float *q, const float *k, const float *v, int nq, int nk, int heads, int dh, int causal,
                         float *out, float *scratch);

#endif
