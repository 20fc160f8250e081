/* weights.h - what the engine benchmarks share: random F16 safetensors
 * images of the networks built from the same configs the engine reads
 * (so a tensor the forward pass does not find fails the run loudly),
 * timers, the sgemm roof and peak RSS. Static functions: each benchmark
 * is one translation unit. */
#ifndef LONGSD_BENCH_WEIGHTS_H
#define LONGSD_BENCH_WEIGHTS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include <cblas.h>

#include <jansson.h>

#include "kernels.h"
#include "nets.h"
#include "threadpool.h"
#include "sampler.h"

typedef struct {
    json_t *hdr;
    size_t off;
    char **names;
    size_t *numel;
    int n, cap;
    int norm_one[4096]; /* 1: fill with ones (norm weights) */
} spec;

static inline void add(spec *s, const char *name, int nd, long long d0, long long d1, long long d2, long long d3)
{
    long long d[4] = {d0, d1, d2, d3};
    size_t numel = 1;
    json_t *shape = json_array();
    for (int i = 0; i < nd; i++) {
        numel *= (size_t)d[i];
        json_array_append_new(shape, json_integer(d[i]));
    }
    json_object_set_new(s->hdr, name,
                        json_pack("{s:s, s:o, s:[I, I]}", "dtype", "F16", "shape", shape, "data_offsets",
                                  (json_int_t)s->off, (json_int_t)(s->off + 2 * numel)));
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 256;
        s->names = realloc(s->names, (size_t)s->cap * sizeof *s->names);
        s->numel = realloc(s->numel, (size_t)s->cap * sizeof *s->numel);
    }
    s->names[s->n] = strdup(name);
    s->numel[s->n] = numel;
    s->norm_one[s->n < 4096 ? s->n : 4095] = strstr(name, "norm") && strstr(name, ".weight");
    s->n++;
    s->off += 2 * numel;
}

static inline void addf(spec *s, int nd, long long d0, long long d1, long long d2, long long d3, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static inline void addf(spec *s, int nd, long long d0, long long d1, long long d2, long long d3, const char *fmt, ...)
{
    char name[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    add(s, name, nd, d0, d1, d2, d3);
}

static inline void norm(spec *s, const char *p, int c)
{
    addf(s, 1, c, 0, 0, 0, "%s.weight", p);
    addf(s, 1, c, 0, 0, 0, "%s.bias", p);
}

static inline void conv(spec *s, const char *p, int o, int i, int k)
{
    addf(s, 4, o, i, k, k, "%s.weight", p);
    addf(s, 1, o, 0, 0, 0, "%s.bias", p);
}

static inline void linear(spec *s, const char *p, int o, int i, int bias)
{
    addf(s, 2, o, i, 0, 0, "%s.weight", p);
    if (bias)
        addf(s, 1, o, 0, 0, 0, "%s.bias", p);
}

static inline void resnet(spec *s, const char *p, int ci, int co, int temb)
{
    char n[512]; /* the caller's prefix is up to 255 */
    snprintf(n, sizeof n, "%s.norm1", p), norm(s, n, ci);
    snprintf(n, sizeof n, "%s.conv1", p), conv(s, n, co, ci, 3);
    if (temb)
        snprintf(n, sizeof n, "%s.time_emb_proj", p), linear(s, n, co, temb, 1);
    snprintf(n, sizeof n, "%s.norm2", p), norm(s, n, co);
    snprintf(n, sizeof n, "%s.conv2", p), conv(s, n, co, co, 3);
    if (ci != co)
        snprintf(n, sizeof n, "%s.conv_shortcut", p), conv(s, n, co, ci, 1);
}

/* lin: use_linear_projection (SD 2.x, SD-Turbo, SDXL), proj_in/out as (c, c)
 * linears; tl transformer blocks (SDXL: up to 10) */
static inline void transformer_n(spec *s, const char *p, int c, int ctx, int lin, int tl)
{
    char n[512]; /* the caller's prefix is up to 255 */
    snprintf(n, sizeof n, "%s.norm", p), norm(s, n, c);
    if (lin) {
        snprintf(n, sizeof n, "%s.proj_in", p), linear(s, n, c, c, 1);
        snprintf(n, sizeof n, "%s.proj_out", p), linear(s, n, c, c, 1);
    } else {
        snprintf(n, sizeof n, "%s.proj_in", p), conv(s, n, c, c, 1);
        snprintf(n, sizeof n, "%s.proj_out", p), conv(s, n, c, c, 1);
    }
    for (int t = 0; t < tl; t++) {
        char b[32];
        snprintf(b, sizeof b, "transformer_blocks.%d", t);
        for (int a = 1; a <= 2; a++) {
            int kv = a == 1 ? c : ctx;
            snprintf(n, sizeof n, "%s.%s.attn%d.to_q", p, b, a), linear(s, n, c, c, 0);
            snprintf(n, sizeof n, "%s.%s.attn%d.to_k", p, b, a), linear(s, n, c, kv, 0);
            snprintf(n, sizeof n, "%s.%s.attn%d.to_v", p, b, a), linear(s, n, c, kv, 0);
            snprintf(n, sizeof n, "%s.%s.attn%d.to_out.0", p, b, a), linear(s, n, c, c, 1);
        }
        for (int k = 1; k <= 3; k++)
            snprintf(n, sizeof n, "%s.%s.norm%d", p, b, k), norm(s, n, c);
        snprintf(n, sizeof n, "%s.%s.ff.net.0.proj", p, b), linear(s, n, 8 * c, c, 1);
        snprintf(n, sizeof n, "%s.%s.ff.net.2", p, b), linear(s, n, c, 4 * c, 1);
    }
}

static inline void transformer(spec *s, const char *p, int c, int ctx, int lin)
{
    transformer_n(s, p, c, ctx, lin, 1);
}

static inline void unet_spec(spec *s, const sdunet_cfg *c, int lin)
{
    int t = 4 * c->ch[0], nb = c->n_blocks;
    char n[256];
    conv(s, "conv_in", c->ch[0], c->in_ch, 3);
    linear(s, "time_embedding.linear_1", t, c->ch[0], 1);
    linear(s, "time_embedding.linear_2", t, t, 1);
    if (c->add_time_dim > 0) { /* SDXL's text_time embedding */
        linear(s, "add_embedding.linear_1", t, c->add_in, 1);
        linear(s, "add_embedding.linear_2", t, t, 1);
    }
    int C = c->ch[0], skips[32], ns = 0;
    skips[ns++] = C;
    for (int i = 0; i < nb; i++) {
        for (int j = 0; j < c->layers; j++) {
            snprintf(n, sizeof n, "down_blocks.%d.resnets.%d", i, j), resnet(s, n, C, c->ch[i], t);
            C = c->ch[i];
            if (c->down_cross[i])
                snprintf(n, sizeof n, "down_blocks.%d.attentions.%d", i, j),
                    transformer_n(s, n, C, c->ctx_dim, lin, c->tlayers[i]);
            skips[ns++] = C;
        }
        if (i < nb - 1) {
            snprintf(n, sizeof n, "down_blocks.%d.downsamplers.0.conv", i), conv(s, n, C, C, 3);
            skips[ns++] = C;
        }
    }
    resnet(s, "mid_block.resnets.0", C, C, t);
    transformer_n(s, "mid_block.attentions.0", C, c->ctx_dim, lin, c->tlayers[nb - 1]);
    resnet(s, "mid_block.resnets.1", C, C, t);
    for (int i = 0; i < nb; i++) {
        int co = c->ch[nb - 1 - i];
        for (int j = 0; j <= c->layers; j++) {
            int cs = skips[--ns];
            snprintf(n, sizeof n, "up_blocks.%d.resnets.%d", i, j), resnet(s, n, C + cs, co, t);
            C = co;
            if (c->up_cross[i])
                snprintf(n, sizeof n, "up_blocks.%d.attentions.%d", i, j),
                    transformer_n(s, n, C, c->ctx_dim, lin, c->tlayers[nb - 1 - i]);
        }
        if (i < nb - 1)
            snprintf(n, sizeof n, "up_blocks.%d.upsamplers.0.conv", i), conv(s, n, C, C, 3);
    }
    norm(s, "conv_norm_out", C);
    conv(s, "conv_out", c->out_ch, C, 3);
}

static inline void vae_spec(spec *s, const sdvae_cfg *c)
{
    int nb = c->n_blocks, C = c->ch[nb - 1];
    char n[256];
    conv(s, "post_quant_conv", c->latent_ch, c->latent_ch, 1);
    conv(s, "decoder.conv_in", C, c->latent_ch, 3);
    resnet(s, "decoder.mid_block.resnets.0", C, C, 0);
    norm(s, "decoder.mid_block.attentions.0.group_norm", C);
    linear(s, "decoder.mid_block.attentions.0.to_q", C, C, 1);
    linear(s, "decoder.mid_block.attentions.0.to_k", C, C, 1);
    linear(s, "decoder.mid_block.attentions.0.to_v", C, C, 1);
    linear(s, "decoder.mid_block.attentions.0.to_out.0", C, C, 1);
    resnet(s, "decoder.mid_block.resnets.1", C, C, 0);
    for (int i = 0; i < nb; i++) {
        int co = c->ch[nb - 1 - i];
        for (int j = 0; j <= c->layers; j++) {
            snprintf(n, sizeof n, "decoder.up_blocks.%d.resnets.%d", i, j), resnet(s, n, C, co, 0);
            C = co;
        }
        if (i < nb - 1)
            snprintf(n, sizeof n, "decoder.up_blocks.%d.upsamplers.0.conv", i), conv(s, n, C, C, 3);
    }
    norm(s, "decoder.conv_norm_out", C);
    conv(s, "decoder.conv_out", c->out_ch, C, 3);
}

static inline void clip_spec(spec *s, const sdclip_cfg *c)
{
    int D = c->hidden;
    char n[256];
    add(s, "embeddings.token_embedding.weight", 2, c->vocab, D, 0, 0);
    add(s, "embeddings.position_embedding.weight", 2, c->max_pos, D, 0, 0);
    for (int l = 0; l < c->layers; l++) {
        snprintf(n, sizeof n, "encoder.layers.%d.layer_norm1", l), norm(s, n, D);
        snprintf(n, sizeof n, "encoder.layers.%d.layer_norm2", l), norm(s, n, D);
        const char *pr[4] = {"q_proj", "k_proj", "v_proj", "out_proj"};
        for (int k = 0; k < 4; k++)
            snprintf(n, sizeof n, "encoder.layers.%d.self_attn.%s", l, pr[k]), linear(s, n, D, D, 1);
        snprintf(n, sizeof n, "encoder.layers.%d.mlp.fc1", l), linear(s, n, c->inter, D, 1);
        snprintf(n, sizeof n, "encoder.layers.%d.mlp.fc2", l), linear(s, n, D, c->inter, 1);
    }
    norm(s, "final_layer_norm", D);
}

/* DecoderTiny of a diffusers AutoencoderTiny (TAESD) with its default
 * sizes: latent_ch -> 64 wide, stages of 3, 3, 3, 1 blocks. */
static inline void taesd_decoder_spec(spec *s, int latent_ch)
{
    int idx = 0, blocks[4] = {3, 3, 3, 1};
    char n[256];
    snprintf(n, sizeof n, "decoder.layers.%d", idx), conv(s, n, 64, latent_ch, 3);
    idx += 2; /* conv, relu */
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < blocks[i]; j++, idx++)
            for (int k = 0; k < 3; k++)
                snprintf(n, sizeof n, "decoder.layers.%d.conv.%d", idx, 2 * k), conv(s, n, 64, 64, 3);
        if (i < 3) {
            idx++; /* upsample */
            snprintf(n, sizeof n, "decoder.layers.%d.weight", idx++), add(s, n, 4, 64, 64, 3, 3);
        } else {
            snprintf(n, sizeof n, "decoder.layers.%d", idx++), conv(s, n, 3, 64, 3);
        }
    }
}

static inline uint16_t to_f16(float f)
{
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000;
    int e = (int)((x >> 23) & 0xff) - 127 + 15;
    uint32_t m = x & 0x7fffff;
    if (e <= 0)
        return (uint16_t)sign; /* tiny values flush to zero: fine for random weights */
    if (e >= 31)
        return (uint16_t)(sign | 0x7c00);
    return (uint16_t)(sign | (uint32_t)e << 10 | ((m + 0x1000) >> 13)); /* round half up; may carry into e */
}

/* An in-memory safetensors image of the spec with random F16 data. */
static inline unsigned char *build(spec *s, size_t *len)
{
    char *h = json_dumps(s->hdr, JSON_COMPACT);
    size_t hl = strlen(h), hp = (hl + 7) / 8 * 8;
    *len = 8 + hp + s->off;
    unsigned char *p = malloc(*len);
    if (!p)
        return NULL;
    for (int b = 0; b < 8; b++)
        p[b] = (unsigned char)((uint64_t)hp >> (8 * b));
    memcpy(p + 8, h, hl);
    memset(p + 8 + hl, ' ', hp - hl);
    free(h);
    uint16_t *d = (uint16_t *)(void *)(p + 8 + hp);
    /* Uniform in +-0.035 (std 0.02) from an LCG: fast, and the values only
     * need to keep activations finite. */
    uint64_t st = 0x9e3779b97f4a7c15ULL;
    size_t k = 0;
    for (int t = 0; t < s->n; t++) {
        int one = s->norm_one[t < 4096 ? t : 4095];
        for (size_t i = 0; i < s->numel[t]; i++) {
            st = st * 6364136223846793005ULL + 1442695040888963407ULL;
            float u = (float)(st >> 40) * 0x1p-24f * 2.0f - 1.0f;
            d[k++] = to_f16(one ? 1.0f + 0.0175f * u : 0.035f * u);
        }
    }
    return p;
}

static inline double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static inline double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static inline sdst_file *make(spec *s, unsigned char **img, const char *label)
{
    size_t len;
    *img = build(s, &len);
    sdst_file *f = NULL;
    lserr err = {0};
    if (!*img || sdst_open_mem(*img, len, label, &f, &err) != LONGSD_OK) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(1);
    }
    printf("%-5s %5.0f M params (random F16)\n", label, s->off / 2e6);
    return f;
}

/* Best sgemm GFLOP/s over a few runs of C(m,n) = A(m,k) B(k,n). */
/* Best of 5 of one product: by the engine's sdk_sgemm (pool non-NULL:
 * single-threaded OpenBLAS tiles on the pool's threads), or by one
 * OpenBLAS call on blas_threads of OpenBLAS's own (0: as it is set now),
 * its count put back after. Both in one run say which is faster here. */
static inline double sgemm_run(sdpool *pool, int blas_threads, int m, int n, int k)
{
    float *A = malloc((size_t)m * k * 4), *B = malloc((size_t)k * n * 4), *C = malloc((size_t)m * n * 4);
    sdrng_normal(7, 0, A, (size_t)m * k);
    sdrng_normal(7, 1, B, (size_t)k * n);
    double best = 0;
    sdpool *old = sdpool_bind(pool);
    int was = openblas_get_num_threads();
    if (!pool && blas_threads > 0)
        openblas_set_num_threads(blas_threads);
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        if (pool)
            sdk_sgemm(0, 0, m, n, k, 1.0f, A, k, B, n, 0.0f, C, n);
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, A, k, B, n, 0.0f, C, n);
        double g = 2.0 * m * n * k / (now() - t0) / 1e9;
        if (g > best)
            best = g;
    }
    openblas_set_num_threads(was);
    sdpool_bind(old);
    free(A), free(B), free(C);
    return best;
}

/* OpenBLAS as it is set now (its start count before the engine's first
 * pool; bench_gguf sets its own) */
static inline double sgemm_gflops(int m, int n, int k)
{
    return sgemm_run(NULL, 0, m, n, k);
}

/* lscpu's "Model name", so figures say which CPU they came from */
static inline void lscpu_model(char *out, size_t n)
{
    snprintf(out, n, "unknown");
    FILE *p = popen("lscpu 2>/dev/null", "r");
    char line[512];
    while (p && fgets(line, sizeof line, p))
        if (strncmp(line, "Model name:", 11) == 0) {
            const char *v = line + 11;
            while (*v == ' ')
                v++;
            snprintf(out, n, "%.*s", (int)strcspn(v, "\n"), v);
        }
    if (p)
        pclose(p);
}

static inline double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024.0; /* kB on Linux */
}


#endif
