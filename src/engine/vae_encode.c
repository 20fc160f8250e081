/* vae_encode.c - the AutoencoderKL encoder of SD 1.x, for img2img: conv_in,
 * down blocks of layers_per_block ResNets with a stride-2 convolution after
 * each but the last (the input padded by one row and column at the bottom
 * and right first, as diffusers' Downsample2D with padding 0 does), the mid
 * block (ResNet, single-head attention, ResNet), norm, SiLU, conv_out to
 * 2 * latent channels, then quant_conv: the mean and log-variance of the
 * latent distribution, unscaled. sd.c samples from it and scales. */
#include <string.h>

#include "compvis.h"
#include "layers.h"
#include "nets.h"

/* diffusers -> CompVis names of the encoder (a single-file checkpoint's
 * first_stage_model.encoder.*); compvis.c maps the decoder's. */
static int map_enc(const void *cfg, const char *name, char *out, size_t cap)
{
    (void)cfg;
    int i, j, n = 0;
    const char *tail = NULL;
    char t[256];
    if (sscanf(name, "encoder.down_blocks.%d.resnets.%d.%n", &i, &j, &n) == 2 && n > 0) {
        tail = name + n;
        if (strncmp(tail, "conv_shortcut.", 14) == 0)
            snprintf(t, sizeof t, "nin_shortcut.%s", tail + 14);
        else
            snprintf(t, sizeof t, "%s", tail);
        snprintf(out, cap, "encoder.down.%d.block.%d.%s", i, j, t);
        return 1;
    }
    n = 0;
    if (sscanf(name, "encoder.down_blocks.%d.downsamplers.0.conv.%n", &i, &n) == 1 && n > 0) {
        snprintf(out, cap, "encoder.down.%d.downsample.conv.%s", i, name + n);
        return 1;
    }
    n = 0;
    if (sscanf(name, "encoder.mid_block.resnets.%d.%n", &i, &n) == 1 && n > 0) {
        snprintf(out, cap, "encoder.mid.block_%d.%s", i + 1, name + n);
        return 1;
    }
    static const char *const attn[][2] = {{"group_norm.", "norm."}, {"to_q.", "q."}, {"to_k.", "k."},
                                          {"to_v.", "v."},          {"to_out.0.", "proj_out."}};
    static const char ap[] = "encoder.mid_block.attentions.0.";
    if (strncmp(name, ap, sizeof ap - 1) == 0) {
        const char *rest = name + sizeof ap - 1;
        for (size_t k = 0; k < sizeof attn / sizeof *attn; k++) {
            size_t m = strlen(attn[k][0]);
            if (strncmp(rest, attn[k][0], m) == 0) {
                snprintf(out, cap, "encoder.mid.attn_1.%s%s", attn[k][1], rest + m);
                return 1;
            }
        }
    }
    static const char no[] = "encoder.conv_norm_out.";
    if (strncmp(name, no, sizeof no - 1) == 0) {
        snprintf(out, cap, "encoder.norm_out.%s", name + sizeof no - 1);
        return 1;
    }
    snprintf(out, cap, "%s", name);
    return 0;
}

longsd_status sdvae_encode(const sdvae_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                           const float *img, int H, int W, float *moments, const sdabort *ab, lserr *err)
{
    const sdvae_cfg *c = cfg;
    int nb = c->n_blocks, G = c->groups, L = c->latent_ch, fct = 1 << (nb - 1);
    if (H <= 0 || W <= 0 || H % fct || W % fct)
        return lserr_set(err, LONGSD_ERR_PARAM, "vae encoder: image %dx%d is not a multiple of %d", W, H, fct);
    longsd_status rc = LONGSD_OK;
    sdrun r = {.a = a};
    sdw_init(&r.w, f, prefix, a, err);
    if (strcmp(prefix, SDCV_VAE_PREFIX) == 0) { /* a single-file checkpoint */
        r.w.map = map_enc;
        r.w.map_ctx = cfg;
    }
    size_t mark = sdarena_mark(a);
    char name[256];
#define NEED(p)                                                                   \
    do {                                                                          \
        if (!(p)) {                                                               \
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "vae encoder: out of memory"); \
            goto out;                                                             \
        }                                                                         \
        if (ab && ab->fn && ab->fn(ab->user_data)) {                              \
            rc = lserr_set(err, LONGSD_ERR_ABORTED, "vae encoder: aborted");     \
            goto out;                                                             \
        }                                                                         \
    } while (0)
    /* Two ping-pong buffers of the largest activation, as the decoder:
     * the padded input of a downsampler is the largest at each scale. */
    size_t maxact = (size_t)c->in_ch * H * W;
    {
        int h = H, w = W, prev = c->ch[0];
        for (int i = 0; i < nb; i++) {
            int co = c->ch[i], big = co > prev ? co : prev;
            size_t n = (size_t)big * (h + 1) * (w + 1);
            maxact = n > maxact ? n : maxact;
            if (i < nb - 1) {
                h /= 2;
                w /= 2;
            }
            prev = co;
        }
        size_t n = (size_t)2 * L * h * w;
        maxact = n > maxact ? n : maxact;
    }
    float *buf[2] = {sdarena_alloc(a, maxact), sdarena_alloc(a, maxact)};
    NEED(buf[0] && buf[1]);
    size_t base = sdarena_mark(a);
    int cur = 0;
#define KEEP(y, n)                                           \
    do {                                                     \
        cur ^= 1;                                            \
        memcpy(buf[cur], (y), (size_t)(n) * sizeof(float)); \
        x = buf[cur];                                        \
        sdarena_reset(a, base);                              \
    } while (0)
    float *x = buf[0], *y;
    int C = c->ch[0];
    NEED(y = sdl_conv(&r, "encoder.conv_in", img, 1, c->in_ch, H, W, C, 3, 1, 1));
    KEEP(y, (size_t)C * H * W);
    for (int i = 0; i < nb; i++) {
        int co = c->ch[i];
        for (int j = 0; j < c->layers; j++) {
            snprintf(name, sizeof name, "encoder.down_blocks.%d.resnets.%d", i, j);
            NEED(y = sdl_resnet(&r, name, x, 1, C, H, W, co, NULL, 0, G, 1e-6f));
            C = co;
            KEEP(y, (size_t)C * H * W);
        }
        if (i < nb - 1) {
            /* F.pad(x, (0, 1, 0, 1)), then a 3x3 stride-2 conv without padding */
            float *p = buf[cur ^ 1];
            for (int ch = 0; ch < C; ch++) {
                for (int yy = 0; yy < H; yy++) {
                    memcpy(p + ((size_t)ch * (H + 1) + yy) * (W + 1), x + ((size_t)ch * H + yy) * W,
                           (size_t)W * sizeof *p);
                    p[((size_t)ch * (H + 1) + yy) * (W + 1) + W] = 0.0f;
                }
                memset(p + ((size_t)ch * (H + 1) + H) * (W + 1), 0, (size_t)(W + 1) * sizeof *p);
            }
            snprintf(name, sizeof name, "encoder.down_blocks.%d.downsamplers.0.conv", i);
            NEED(y = sdl_conv(&r, name, p, 1, C, H + 1, W + 1, C, 3, 2, 0));
            H /= 2;
            W /= 2;
            KEEP(y, (size_t)C * H * W);
        }
    }
    NEED(y = sdl_resnet(&r, "encoder.mid_block.resnets.0", x, 1, C, H, W, C, NULL, 0, G, 1e-6f));
    KEEP(y, (size_t)C * H * W);
    NEED(y = sdl_vae_attention(&r, "encoder.mid_block.attentions.0", x, 1, C, H, W, G));
    KEEP(y, (size_t)C * H * W);
    NEED(y = sdl_resnet(&r, "encoder.mid_block.resnets.1", x, 1, C, H, W, C, NULL, 0, G, 1e-6f));
    KEEP(y, (size_t)C * H * W);
    sdl_group_norm_act(&r, "encoder.conv_norm_out", x, x, 1, C, H * W, G, 1e-6f, 1);
    NEED(y = sdl_conv(&r, "encoder.conv_out", x, 1, C, H, W, 2 * L, 3, 1, 1));
    KEEP(y, (size_t)2 * L * H * W);
    if (c->quant_conv) {
        NEED(y = sdl_conv(&r, "quant_conv", x, 1, 2 * L, H, W, 2 * L, 1, 1, 0));
        KEEP(y, (size_t)2 * L * H * W);
    }
#undef KEEP
    memcpy(moments, x, (size_t)2 * L * H * W * sizeof *moments);
    rc = r.w.rc;
#undef NEED
out:
    sdarena_reset(a, mark);
    sdw_free(&r.w);
    return rc;
}
