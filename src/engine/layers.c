/* layers.c - shared UNet/VAE layers (see layers.h). Weight slots: 0/1 for
 * the weight and bias of the layer running, 2/3 for norms, 4/5 for the
 * feed-forward's second linear (both are live over its token blocks). A slot's
 * pointer stays valid until that slot is asked for again, so a weight is
 * fetched once and applied to every image of the batch. */
#include "layers.h"

#include <string.h>

#define FF_TOKENS 1024 /* tokens per feed-forward block (sdl_transformer) */

float *sdl_conv(sdrun *r, const char *pfx, const float *x, int B, int C, int H, int W, int O, int k, int stride,
                int pad)
{
    int Ho = (H + 2 * pad - k) / stride + 1, Wo = (W + 2 * pad - k) / stride + 1;
    size_t in = (size_t)C * H * W, on = (size_t)O * Ho * Wo;
    float *y = sdarena_alloc(r->a, (size_t)B * on);
    if (!y)
        return NULL;
    size_t mark = sdarena_mark(r->a);
    /* Winograd where it measured faster: one weight transform for the batch */
    int m = k == 3 && stride == 1 && pad == 1 ? sdk_wino_pick(B, C, H, W, O) : 0;
    float *col = NULL;
    if (m)
        col = sdarena_alloc(r->a, sdk_wino_scratch(m, B, C, H, W, O));
    else if (!(k == 1 && stride == 1 && pad == 0))
        col = sdarena_alloc(r->a, sdk_conv2d_scratch(C, H, W, k, stride, pad));
    if (!col && !(k == 1 && stride == 1 && pad == 0))
        return NULL;
    const float *w = sdw_get(&r->w, 0, (size_t)O * C * k * k, "%s.weight", pfx);
    const float *b = sdw_get(&r->w, 1, (size_t)O, "%s.bias", pfx);
    if (!w || !b)
        return NULL;
    if (m)
        sdk_wino_conv(m, x, B, C, H, W, w, b, O, y, col);
    else
        for (int i = 0; i < B; i++)
            sdk_conv2d(x + i * in, C, H, W, w, b, O, k, stride, pad, y + i * on, col);
    sdarena_reset(r->a, mark);
    return y;
}

void sdl_group_norm(sdrun *r, const char *pfx, float *x, int B, int C, int HW, int G, float eps)
{
    const float *g = sdw_get(&r->w, 2, (size_t)C, "%s.weight", pfx);
    const float *b = sdw_get(&r->w, 3, (size_t)C, "%s.bias", pfx);
    if (g && b)
        for (int i = 0; i < B; i++)
            sdk_group_norm(x + (size_t)i * C * HW, C, HW, G, g, b, eps);
}

static void layer_norm(sdrun *r, const char *pfx, const float *x, int n, int d, float eps, float *y)
{
    const float *g = sdw_get(&r->w, 2, (size_t)d, "%s.weight", pfx);
    const float *b = sdw_get(&r->w, 3, (size_t)d, "%s.bias", pfx);
    if (g && b)
        sdk_layer_norm(x, n, d, g, b, eps, y);
}

float *sdl_linear(sdrun *r, const char *pfx, const float *x, int n, int in, int out)
{
    float *y = sdarena_alloc(r->a, (size_t)n * out);
    const float *w = sdw_get(&r->w, 0, (size_t)out * in, "%s.weight", pfx);
    const float *b = sdw_has(&r->w, "%s.bias", pfx) ? sdw_get(&r->w, 1, (size_t)out, "%s.bias", pfx) : NULL;
    if (!y || !w)
        return NULL;
    sdk_linear(x, n, in, w, b, out, y);
    return y;
}

float *sdl_resnet(sdrun *r, const char *pfx, const float *x, int B, int Cin, int H, int W, int Cout,
                  const float *temb_act, int temb_dim, int G, float eps)
{
    return sdl_resnet_n(r, pfx, x, B, Cin, H, W, Cout, temb_act, 1, temb_dim, G, eps);
}

float *sdl_resnet_n(sdrun *r, const char *pfx, const float *x, int B, int Cin, int H, int W, int Cout,
                    const float *temb_act, int n_temb, int temb_dim, int G, float eps)
{
    size_t HW = (size_t)H * W, nin = (size_t)B * Cin * HW, nout = (size_t)B * Cout * HW;
    char name[256];
    float *out = sdarena_alloc(r->a, nout);
    if (!out)
        return NULL;
    size_t mark = sdarena_mark(r->a);
    float *h = sdarena_alloc(r->a, nin);
    if (!h)
        return NULL;
    memcpy(h, x, nin * sizeof *h);
    snprintf(name, sizeof name, "%s.norm1", pfx);
    sdl_group_norm(r, name, h, B, Cin, (int)HW, G, eps);
    sdk_silu(h, nin);
    snprintf(name, sizeof name, "%s.conv1", pfx);
    float *h1 = sdl_conv(r, name, h, B, Cin, H, W, Cout, 3, 1, 1);
    if (!h1)
        return NULL;
    if (temb_act) {
        snprintf(name, sizeof name, "%s.time_emb_proj", pfx);
        float *tp = sdl_linear(r, name, temb_act, n_temb, temb_dim, Cout);
        if (!tp)
            return NULL;
        for (int i = 0; i < B; i++)
            for (int c = 0; c < Cout; c++) {
                float *hc = h1 + ((size_t)i * Cout + c) * HW, v = tp[(size_t)(n_temb > 1 ? i : 0) * Cout + c];
                for (size_t k = 0; k < HW; k++)
                    hc[k] += v;
            }
    }
    snprintf(name, sizeof name, "%s.norm2", pfx);
    sdl_group_norm(r, name, h1, B, Cout, (int)HW, G, eps);
    sdk_silu(h1, nout);
    snprintf(name, sizeof name, "%s.conv2", pfx);
    float *h2 = sdl_conv(r, name, h1, B, Cout, H, W, Cout, 3, 1, 1);
    if (!h2)
        return NULL;
    if (Cin != Cout || sdw_has(&r->w, "%s.conv_shortcut.weight", pfx)) {
        snprintf(name, sizeof name, "%s.conv_shortcut", pfx);
        float *s = sdl_conv(r, name, x, B, Cin, H, W, Cout, 1, 1, 0);
        if (!s)
            return NULL;
        for (size_t i = 0; i < nout; i++)
            out[i] = s[i] + h2[i];
    } else {
        for (size_t i = 0; i < nout; i++)
            out[i] = x[i] + h2[i];
    }
    sdarena_reset(r->a, mark);
    return out;
}

/* Attention with projections pfx.to_q/to_k/to_v/to_out.0 for B items: q
 * from xq(B*nq, C), k and v from xkv(B*nk, dkv); returns (B*nq, C). */
static float *attention(sdrun *r, const char *pfx, const float *xq, int B, int nq, const float *xkv, int nk, int dkv,
                        int C, int heads)
{
    char name[256];
    float *out = sdarena_alloc(r->a, (size_t)B * nq * C);
    if (!out)
        return NULL;
    size_t mark = sdarena_mark(r->a);
    snprintf(name, sizeof name, "%s.to_q", pfx);
    float *q = sdl_linear(r, name, xq, B * nq, C, C);
    snprintf(name, sizeof name, "%s.to_k", pfx);
    float *k = q ? sdl_linear(r, name, xkv, B * nk, dkv, C) : NULL;
    snprintf(name, sizeof name, "%s.to_v", pfx);
    float *v = k ? sdl_linear(r, name, xkv, B * nk, dkv, C) : NULL;
    float *o = v ? sdarena_alloc(r->a, (size_t)B * nq * C) : NULL;
    float *scr = o ? sdarena_alloc(r->a, sdk_attention_scratch(nq, nk)) : NULL;
    if (!scr)
        return NULL;
    for (int i = 0; i < B; i++)
        sdk_attention(q + (size_t)i * nq * C, k + (size_t)i * nk * C, v + (size_t)i * nk * C, nq, nk, heads,
                      C / heads, 0, o + (size_t)i * nq * C, scr);
    snprintf(name, sizeof name, "%s.to_out.0", pfx);
    const float *w = sdw_get(&r->w, 0, (size_t)C * C, "%s.weight", name);
    const float *b = sdw_get(&r->w, 1, (size_t)C, "%s.bias", name);
    if (!w || !b)
        return NULL;
    sdk_linear(o, B * nq, C, w, b, C, out);
    sdarena_reset(r->a, mark);
    return out;
}

float *sdl_transformer(sdrun *r, const char *pfx, const float *x, int B, int C, int H, int W, int heads, int tlayers,
                       const float *ctx, int n_ctx, int ctx_dim, int G)
{
    int HW = H * W, inner = 4 * C, T = B * HW; /* T tokens in all */
    size_t n = (size_t)C * HW * B;
    char name[256];
    float *out = sdarena_alloc(r->a, n);
    if (!out)
        return NULL;
    size_t mark = sdarena_mark(r->a);
    float *h = sdarena_alloc(r->a, n), *t = sdarena_alloc(r->a, n), *nrm = sdarena_alloc(r->a, n);
    if (!h || !t || !nrm)
        return NULL;
    memcpy(h, x, n * sizeof *h);
    snprintf(name, sizeof name, "%s.norm", pfx);
    sdl_group_norm(r, name, h, B, C, HW, G, 1e-6f);
    for (int i = 0; i < B; i++)
        sdk_transpose(h + (size_t)i * C * HW, C, HW, t + (size_t)i * C * HW);
    /* proj_in is a 1x1 conv (SD 1.x) or a linear (use_linear_projection):
     * the same numbers either way on (HW, C) tokens. */
    snprintf(name, sizeof name, "%s.proj_in", pfx);
    float *tok = sdl_linear(r, name, t, T, C, C);
    if (!tok)
        return NULL;
    for (int b = 0; b < tlayers; b++) {
        char bp[200];
        snprintf(bp, sizeof bp, "%s.transformer_blocks.%d", pfx, b);
        snprintf(name, sizeof name, "%s.norm1", bp);
        layer_norm(r, name, tok, T, C, 1e-5f, nrm);
        snprintf(name, sizeof name, "%s.attn1", bp);
        float *o = attention(r, name, nrm, B, HW, nrm, HW, C, C, heads);
        if (!o)
            return NULL;
        sdk_add(tok, o, n);
        snprintf(name, sizeof name, "%s.norm2", bp);
        layer_norm(r, name, tok, T, C, 1e-5f, nrm);
        snprintf(name, sizeof name, "%s.attn2", bp);
        o = attention(r, name, nrm, B, HW, ctx, n_ctx, ctx_dim, C, heads);
        if (!o)
            return NULL;
        sdk_add(tok, o, n);
        snprintf(name, sizeof name, "%s.norm3", bp);
        layer_norm(r, name, tok, T, C, 1e-5f, nrm);
        /* The feed-forward in blocks of tokens: its (T, 8C) projection was
         * the largest activation of a UNet step (84 MB at 512^2 with CFG),
         * a block of FF_TOKENS holds an eighth of that. Rows are
         * independent, so the split changes no result beyond sgemm's
         * blocking. The weights are fetched once (slots 0/1 and 4/5). */
        snprintf(name, sizeof name, "%s.ff.net.0.proj", bp);
        const float *w0 = sdw_get(&r->w, 0, (size_t)2 * inner * C, "%s.weight", name);
        const float *b0 = sdw_has(&r->w, "%s.bias", name) ? sdw_get(&r->w, 1, (size_t)2 * inner, "%s.bias", name) : NULL;
        snprintf(name, sizeof name, "%s.ff.net.2", bp);
        const float *w2 = sdw_get(&r->w, 4, (size_t)C * inner, "%s.weight", name);
        const float *b2 = sdw_has(&r->w, "%s.bias", name) ? sdw_get(&r->w, 5, (size_t)C, "%s.bias", name) : NULL;
        int blk = T < FF_TOKENS ? T : FF_TOKENS;
        size_t m2 = sdarena_mark(r->a);
        float *g = sdarena_alloc(r->a, (size_t)blk * 2 * inner), *gg = sdarena_alloc(r->a, (size_t)blk * inner);
        float *fo = sdarena_alloc(r->a, (size_t)blk * C);
        if (!w0 || !w2 || !g || !gg || !fo)
            return NULL;
        for (int t0 = 0; t0 < T; t0 += blk) {
            int nt = T - t0 < blk ? T - t0 : blk;
            sdk_linear(nrm + (size_t)t0 * C, nt, C, w0, b0, 2 * inner, g);
            sdk_geglu(g, nt, inner, gg);
            sdk_linear(gg, nt, inner, w2, b2, C, fo);
            sdk_add(tok + (size_t)t0 * C, fo, (size_t)nt * C);
        }
        sdarena_reset(r->a, m2);
    }
    snprintf(name, sizeof name, "%s.proj_out", pfx);
    float *po = sdl_linear(r, name, tok, T, C, C);
    if (!po)
        return NULL;
    for (int i = 0; i < B; i++)
        sdk_transpose(po + (size_t)i * C * HW, HW, C, out + (size_t)i * C * HW);
    sdk_add(out, x, n);
    sdarena_reset(r->a, mark);
    return out;
}

float *sdl_vae_attention(sdrun *r, const char *pfx, const float *x, int B, int C, int H, int W, int G)
{
    int HW = H * W;
    size_t n = (size_t)B * C * HW;
    char name[256];
    float *out = sdarena_alloc(r->a, n);
    if (!out)
        return NULL;
    size_t mark = sdarena_mark(r->a);
    float *h = sdarena_alloc(r->a, n), *t = sdarena_alloc(r->a, n);
    if (!h || !t)
        return NULL;
    memcpy(h, x, n * sizeof *h);
    snprintf(name, sizeof name, "%s.group_norm", pfx);
    sdl_group_norm(r, name, h, B, C, HW, G, 1e-6f);
    for (int i = 0; i < B; i++)
        sdk_transpose(h + (size_t)i * C * HW, C, HW, t + (size_t)i * C * HW);
    float *o = attention(r, pfx, t, B, HW, t, HW, C, C, 1);
    if (!o)
        return NULL;
    for (int i = 0; i < B; i++)
        sdk_transpose(o + (size_t)i * C * HW, HW, C, out + (size_t)i * C * HW);
    sdk_add(out, x, n);
    sdarena_reset(r->a, mark);
    return out;
}
