/* vae.c - the AutoencoderKL decoder of SD 1.x: latents / scaling_factor,
 * post_quant_conv, conv_in, mid block (ResNet, single-head attention,
 * ResNet), up blocks of layers_per_block + 1 ResNets with nearest 2x
 * upsampling between them, then norm, SiLU and conv_out; and the same in
 * overlapping tiles for images whose activations would not fit. */
#include <jansson.h>
#include <string.h>

#include "compvis.h"
#include "layers.h"
#include "nets.h"

sdvae_cfg sdvae_sd15_cfg(void)
{
    return (sdvae_cfg){
        .latent_ch = 4, .out_ch = 3, .n_blocks = 4, .layers = 2, .groups = 32,
        .ch = {128, 256, 512, 512}, .scaling = 0.18215f, .in_ch = 3, .quant_conv = 1,
    };
}

longsd_status sdvae_cfg_load(const char *path, sdvae_cfg *cfg, lserr *err)
{
    json_error_t je;
    json_t *o = json_load_file(path, 0, &je);
    longsd_status rc = LONGSD_OK;
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: not a JSON object: %s", path, o ? "" : je.text);
    }
    sdvae_cfg c = sdvae_sd15_cfg();
    json_t *bo = json_object_get(o, "block_out_channels"), *up = json_object_get(o, "up_block_types");
    int n = json_is_array(bo) ? (int)json_array_size(bo) : 0;
    if (n < 1 || n > SDNET_MAX_BLOCKS || (up && (!json_is_array(up) || (int)json_array_size(up) != n))) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: block_out_channels must be a list of 1..%d sizes", path,
                       SDNET_MAX_BLOCKS);
        goto out;
    }
    c.n_blocks = n;
    for (int i = 0; i < n; i++) {
        json_t *ch = json_array_get(bo, (size_t)i);
        c.ch[i] = json_is_integer(ch) ? (int)json_integer_value(ch) : 0;
    }
    c.latent_ch = sdnet_geti(o, "latent_channels", 4);
    c.out_ch = sdnet_geti(o, "out_channels", 3);
    c.in_ch = sdnet_geti(o, "in_channels", 3);
    json_t *qc = json_object_get(o, "use_quant_conv");
    c.quant_conv = !(qc && json_is_false(qc));
    c.layers = sdnet_geti(o, "layers_per_block", 2);
    c.groups = sdnet_geti(o, "norm_num_groups", 32);
    json_t *sf = json_object_get(o, "scaling_factor");
    if (json_is_number(sf))
        c.scaling = (float)json_number_value(sf);
    json_t *sh = json_object_get(o, "shift_factor"), *ma = json_object_get(o, "mid_block_add_attention"),
           *pq = json_object_get(o, "use_post_quant_conv");
    if ((sh && !json_is_null(sh)) || (ma && json_is_false(ma)) || (pq && json_is_false(pq))) {
        rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED, "%s: shift_factor, no mid-block attention or no post_quant_conv: not supported",
                       path);
        goto out;
    }
    for (int i = 0; i < n; i++)
        if (c.ch[i] <= 0 || c.ch[i] > 8192 || c.groups <= 0 || c.ch[i] % c.groups) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: block %d: %d channels do not split into %d groups", path, i,
                           c.ch[i], c.groups);
            goto out;
        }
    /* bounded before any size is derived from them: an out_channels of 2^31
     * asked for a 4 TB output buffer */
    if (c.latent_ch <= 0 || c.latent_ch > 64 || c.out_ch <= 0 || c.out_ch > 16 || c.in_ch <= 0 || c.in_ch > 16) {
        rc = lserr_set(err, LONGSD_ERR_MODEL,
                       "%s: latent_channels %d, in_channels %d and out_channels %d must be 1..64, 1..16 and 1..16 "
                       "(an SD VAE has 4, 3 and 3)",
                       path, c.latent_ch, c.in_ch, c.out_ch);
        goto out;
    }
    if (c.layers <= 0 || c.layers > 8 || !(c.scaling > 0)) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: inconsistent sizes", path);
        goto out;
    }
out:
    json_decref(o);
    if (rc == LONGSD_OK)
        *cfg = c;
    return rc;
}

static int map_vae(const void *cfg, const char *name, char *out, size_t cap)
{
    return sdcv_vae_name(cfg, name, out, cap);
}

longsd_status sdvae_decode(const sdvae_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                           const float *z, int H, int W, float *img, const sdabort *ab, lserr *err)
{
    const sdvae_cfg *c = cfg;
    int nb = c->n_blocks, G = c->groups, L = c->latent_ch;
    longsd_status rc = LONGSD_OK;
    sdrun r = {.a = a};
    sdw_init(&r.w, f, prefix, a, err);
    if (strcmp(prefix, SDCV_VAE_PREFIX) == 0) { /* a single-file checkpoint */
        r.w.map = map_vae;
        r.w.map_ctx = cfg;
    }
    size_t mark = sdarena_mark(a);
    char name[256];
#define NEED(p)                                                           \
    do {                                                                  \
        if (!(p)) {                                                       \
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "vae: out of memory"); \
            goto out;                                                     \
        }                                                                 \
        if (ab && ab->fn && ab->fn(ab->user_data)) {                      \
            rc = lserr_set(err, LONGSD_ERR_ABORTED, "vae: aborted");     \
            goto out;                                                     \
        }                                                                 \
    } while (0)
    /* Activations ping-pong between two buffers of the largest size, and
     * each layer's scratch is released at once: at 512x512 this keeps the
     * peak near 1 GB instead of every up-block activation (2.1 GB). */
    size_t maxact = (size_t)L * H * W;
    {
        int h = H, w = W, prev = c->ch[nb - 1];
        for (int i = 0; i < nb; i++) {
            int co = c->ch[nb - 1 - i], big = co > prev ? co : prev;
            size_t n = (size_t)big * h * w; /* the block's input and outputs */
            maxact = n > maxact ? n : maxact;
            if (i < nb - 1) {
                h *= 2;
                w *= 2;
            }
            n = (size_t)co * h * w; /* after upsampling */
            maxact = n > maxact ? n : maxact;
            prev = co;
        }
    }
    float *buf[2] = {sdarena_alloc(a, maxact), sdarena_alloc(a, maxact)};
    NEED(buf[0] && buf[1]);
    size_t base = sdarena_mark(a);
    int cur = 0;
#define KEEP(y, n)                                                 \
    do {                                                           \
        cur ^= 1;                                                  \
        memcpy(buf[cur], (y), (size_t)(n) * sizeof(float));       \
        x = buf[cur];                                              \
        sdarena_reset(a, base);                                    \
    } while (0)
    float *x = buf[0], *y;
    for (size_t i = 0; i < (size_t)L * H * W; i++)
        x[i] = z[i] / c->scaling;
    NEED(y = sdl_conv(&r, "post_quant_conv", x, 1, L, H, W, L, 1, 1, 0));
    KEEP(y, (size_t)L * H * W);
    int C = c->ch[nb - 1];
    NEED(y = sdl_conv(&r, "decoder.conv_in", x, 1, L, H, W, C, 3, 1, 1));
    KEEP(y, (size_t)C * H * W);
    NEED(y = sdl_resnet(&r, "decoder.mid_block.resnets.0", x, 1, C, H, W, C, NULL, 0, G, 1e-6f));
    KEEP(y, (size_t)C * H * W);
    NEED(y = sdl_vae_attention(&r, "decoder.mid_block.attentions.0", x, 1, C, H, W, G));
    KEEP(y, (size_t)C * H * W);
    NEED(y = sdl_resnet(&r, "decoder.mid_block.resnets.1", x, 1, C, H, W, C, NULL, 0, G, 1e-6f));
    KEEP(y, (size_t)C * H * W);
    for (int i = 0; i < nb; i++) {
        int co = c->ch[nb - 1 - i];
        for (int j = 0; j <= c->layers; j++) {
            snprintf(name, sizeof name, "decoder.up_blocks.%d.resnets.%d", i, j);
            NEED(y = sdl_resnet(&r, name, x, 1, C, H, W, co, NULL, 0, G, 1e-6f));
            C = co;
            KEEP(y, (size_t)C * H * W);
        }
        if (i < nb - 1) {
            float *u = sdarena_alloc(a, (size_t)C * 4 * H * W);
            NEED(u);
            sdk_upsample2x(x, C, H, W, u);
            H *= 2;
            W *= 2;
            snprintf(name, sizeof name, "decoder.up_blocks.%d.upsamplers.0.conv", i);
            NEED(y = sdl_conv(&r, name, u, 1, C, H, W, C, 3, 1, 1));
            KEEP(y, (size_t)C * H * W);
        }
    }
#undef KEEP
    sdl_group_norm_act(&r, "decoder.conv_norm_out", x, x, 1, C, H * W, G, 1e-6f, 1);
    NEED(y = sdl_conv(&r, "decoder.conv_out", x, 1, C, H, W, c->out_ch, 3, 1, 1));
    memcpy(img, y, (size_t)c->out_ch * H * W * sizeof *img);
    rc = r.w.rc;
#undef NEED
out:
    sdarena_reset(a, mark);
    sdw_free(&r.w);
    return rc;
}

/* Tile starts along an axis of n latents: one tile when it fits, else as
 * few as keep every overlap >= ov, spread evenly, the last ending at n. */
static int tile_starts(int n, int tile, int ov, int *at, int cap)
{
    if (n <= tile) {
        at[0] = 0;
        return 1;
    }
    int k = (n - ov + (tile - ov) - 1) / (tile - ov); /* ceil((n - ov) / stride) */
    if (k < 2)
        k = 2;
    if (k > cap)
        k = cap;
    for (int i = 0; i < k; i++)
        at[i] = (int)((long long)(n - tile) * i / (k - 1));
    return k;
}

/* The blending weight of pixel p of a tile spanning [b, e) of an axis of
 * n pixels: a ramp over r pixels at each side that borders another tile. */
static float ramp(int p, int b, int e, int n, int r)
{
    float w = 1.0f;
    if (b > 0 && p - b < r)
        w = (p - b + 0.5f) / r;
    if (e < n && e - p <= r) {
        float v = (e - p - 0.5f) / r;
        w = v < w ? v : w;
    }
    return w;
}

longsd_status sdvae_decode_tiled(const sdvae_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                                 const float *z, int H, int W, int tile, int overlap, float *img, const sdabort *ab,
                                 lserr *err)
{
    if (tile >= H && tile >= W)
        return sdvae_decode(cfg, f, prefix, a, z, H, W, img, ab, err);
    if (overlap < 0 || tile < 2 * overlap + 1)
        return lserr_set(err, LONGSD_ERR_PARAM, "vae tiles of %d latents cannot overlap by %d", tile, overlap);
    int L = cfg->latent_ch, O = cfg->out_ch, s = 1 << (cfg->n_blocks - 1);
    int th = tile < H ? tile : H, tw = tile < W ? tile : W;
    int ys[1024], xs[1024];
    int ny = tile_starts(H, th, overlap, ys, 1024), nx = tile_starts(W, tw, overlap, xs, 1024);
    size_t PH = (size_t)H * s, PW = (size_t)W * s, tp = (size_t)th * s * tw * s;
    longsd_status rc = LONGSD_OK;
    /* outside the arena: the arena is what each tile's decode uses and gives back */
    float *wsum = longsd__calloc(PH * PW, sizeof *wsum), *zt = longsd__malloc((size_t)L * th * tw * sizeof *zt);
    float *out = longsd__malloc((size_t)O * tp * sizeof *out);
    if (!wsum || !zt || !out) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "vae: out of memory");
        goto out;
    }
    memset(img, 0, (size_t)O * PH * PW * sizeof *img);
    int r = overlap * s; /* the ramp spans the whole shared band */
    for (int ty = 0; ty < ny; ty++)
        for (int tx = 0; tx < nx; tx++) {
            int y0 = ys[ty], x0 = xs[tx];
            for (int c = 0; c < L; c++)
                for (int y = 0; y < th; y++)
                    memcpy(zt + ((size_t)c * th + y) * tw, z + ((size_t)c * H + y0 + y) * W + x0,
                           (size_t)tw * sizeof *zt);
            if ((rc = sdvae_decode(cfg, f, prefix, a, zt, th, tw, out, ab, err)) != LONGSD_OK)
                goto out;
            int py0 = y0 * s, px0 = x0 * s, ph = th * s, pw = tw * s;
            for (int y = 0; y < ph; y++) {
                float wy = ny > 1 ? ramp(py0 + y, py0, py0 + ph, (int)PH, r) : 1.0f;
                for (int x = 0; x < pw; x++) {
                    float wv = wy * (nx > 1 ? ramp(px0 + x, px0, px0 + pw, (int)PW, r) : 1.0f);
                    size_t at = (size_t)(py0 + y) * PW + px0 + x;
                    wsum[at] += wv;
                    for (int c = 0; c < O; c++)
                        img[(size_t)c * PH * PW + at] += wv * out[((size_t)c * ph + y) * pw + x];
                }
            }
        }
    for (size_t k = 0; k < PH * PW; k++)
        for (int c = 0; c < O; c++)
            img[(size_t)c * PH * PW + k] /= wsum[k];
out:
    longsd__free(wsum);
    longsd__free(zt);
    longsd__free(out);
    return rc;
}
