/* unet.c - UNet2DConditionModel as configured for SD 1.x, 2.x and XL (see
 * nets.h): sinusoidal time embedding (plus SDXL's pooled text and time ids
 * through add_embedding), down blocks (ResNet [+ spatial transformer])
 * with skip connections, the cross-attention mid block, up blocks that
 * concatenate the skips, then norm, SiLU and conv_out. Block layout,
 * channels, heads, transformer depth per block and cross-attention width
 * come from config.json. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "compvis.h"
#include "layers.h"
#include "nets.h"

sdunet_cfg sdunet_sd15_cfg(void)
{
    return (sdunet_cfg){
        .in_ch = 4, .out_ch = 4, .n_blocks = 4, .layers = 2,
        .ch = {320, 640, 1280, 1280}, .down_cross = {1, 1, 1, 0}, .up_cross = {0, 1, 1, 1},
        .heads = {8, 8, 8, 8}, .ctx_dim = 768, .groups = 32, .tlayers = {1, 1, 1, 1}, .eps = 1e-5f,
        .flip_sin_to_cos = 1, .freq_shift = 0, .sample = 64,
    };
}

sdunet_cfg sdunet_sd2_cfg(void)
{
    sdunet_cfg c = sdunet_sd15_cfg();
    int heads[4] = {5, 10, 20, 20};
    memcpy(c.heads, heads, sizeof heads);
    c.ctx_dim = 1024;
    return c;
}

static int int_list(json_t *v, int *out, int n, int def)
{
    if (json_is_integer(v)) {
        for (int i = 0; i < n; i++)
            out[i] = (int)json_integer_value(v);
        return 1;
    }
    if (json_is_array(v)) {
        if ((int)json_array_size(v) != n)
            return 0;
        for (int i = 0; i < n; i++) {
            json_t *e = json_array_get(v, (size_t)i);
            if (!json_is_integer(e))
                return 0;
            out[i] = (int)json_integer_value(e);
        }
        return 1;
    }
    for (int i = 0; i < n; i++)
        out[i] = def;
    return v == NULL || json_is_null(v);
}

longsd_status sdunet_cfg_load(const char *path, sdunet_cfg *cfg, lserr *err)
{
    json_error_t je;
    json_t *o = json_load_file(path, 0, &je);
    longsd_status rc = LONGSD_OK;
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: not a JSON object: %s", path, o ? "" : je.text);
    }
    sdunet_cfg c = sdunet_sd15_cfg();
    json_t *bo = json_object_get(o, "block_out_channels"), *down = json_object_get(o, "down_block_types"),
           *up = json_object_get(o, "up_block_types");
    int n = json_is_array(bo) ? (int)json_array_size(bo) : 0;
    if (n < 1 || n > SDNET_MAX_BLOCKS || !json_is_array(down) || !json_is_array(up) ||
        (int)json_array_size(down) != n || (int)json_array_size(up) != n) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: block_out_channels, down_block_types and up_block_types must "
                       "be lists of the same length (1..%d)", path, SDNET_MAX_BLOCKS);
        goto out;
    }
    c.n_blocks = n;
    for (int i = 0; i < n; i++) {
        json_t *ch = json_array_get(bo, (size_t)i);
        const char *d = json_string_value(json_array_get(down, (size_t)i)),
                   *u = json_string_value(json_array_get(up, (size_t)i));
        c.ch[i] = json_is_integer(ch) ? (int)json_integer_value(ch) : 0;
        if (!d || !u || (strcmp(d, "CrossAttnDownBlock2D") && strcmp(d, "DownBlock2D")) ||
            (strcmp(u, "CrossAttnUpBlock2D") && strcmp(u, "UpBlock2D"))) {
            rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED, "%s: block type '%s'/'%s' is not supported", path,
                           d ? d : "?", u ? u : "?");
            goto out;
        }
        c.down_cross[i] = strcmp(d, "CrossAttnDownBlock2D") == 0;
        c.up_cross[i] = strcmp(u, "CrossAttnUpBlock2D") == 0;
    }
    c.in_ch = sdnet_geti(o, "in_channels", 4);
    c.out_ch = sdnet_geti(o, "out_channels", 4);
    c.layers = sdnet_geti(o, "layers_per_block", 2);
    c.ctx_dim = sdnet_geti(o, "cross_attention_dim", 768);
    c.groups = sdnet_geti(o, "norm_num_groups", 32);
    c.freq_shift = sdnet_geti(o, "freq_shift", 0);
    c.sample = sdnet_geti(o, "sample_size", 64);
    if (c.sample < 8 || c.sample > 1024)
        c.sample = 64; /* a list (non-square) or nonsense: SD's own */
    if (!int_list(json_object_get(o, "transformer_layers_per_block"), c.tlayers, n, 1)) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: transformer_layers_per_block must be an integer or one per block",
                       path);
        goto out;
    }
    json_t *fl = json_object_get(o, "flip_sin_to_cos");
    c.flip_sin_to_cos = fl ? json_is_true(fl) : 1;
    json_t *e = json_object_get(o, "norm_eps");
    if (json_is_number(e))
        c.eps = (float)json_number_value(e);
    /* diffusers' legacy naming: without num_attention_heads, the value of
     * attention_head_dim is the number of heads (SD 1.x: 8). */
    json_t *nh = json_object_get(o, "num_attention_heads");
    if (!int_list(nh && !json_is_null(nh) ? nh : json_object_get(o, "attention_head_dim"), c.heads, n, 8)) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: attention_head_dim must be an integer or one per block", path);
        goto out;
    }
    /* LCM distilled UNets take the guidance scale as an embedding added to
     * the time embedding's input (TimestepEmbedding.cond_proj). */
    c.tcond_dim = 0;
    json_t *tc = json_object_get(o, "time_cond_proj_dim");
    if (tc && !json_is_null(tc)) {
        c.tcond_dim = json_is_integer(tc) ? (int)json_integer_value(tc) : -1;
        if (c.tcond_dim < 2 || c.tcond_dim > 4096) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: time_cond_proj_dim must be 2..4096", path);
            goto out;
        }
    }
    /* SDXL: the pooled text and the time ids, embedded and added to the
     * time embedding; other addition types (image, text_image) are not */
    c.add_time_dim = c.add_in = 0;
    json_t *ae = json_object_get(o, "addition_embed_type");
    if (ae && !json_is_null(ae)) {
        if (!json_is_string(ae) || strcmp(json_string_value(ae), "text_time")) {
            rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED, "%s: addition_embed_type %s is not supported (\"text_time\" "
                           "only, as SDXL)", path, json_is_string(ae) ? json_string_value(ae) : "(not a string)");
            goto out;
        }
        c.add_time_dim = sdnet_geti(o, "addition_time_embed_dim", 0);
        c.add_in = sdnet_geti(o, "projection_class_embeddings_input_dim", 0);
        if (c.add_time_dim < 2 || c.add_time_dim > 4096 || c.add_time_dim % 2 ||
            c.add_in <= SDXL_TIME_IDS * c.add_time_dim || c.add_in > 65536) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: addition_time_embed_dim (%d) and "
                           "projection_class_embeddings_input_dim (%d) do not fit %d time ids and a pooled text vector",
                           path, c.add_time_dim, c.add_in, SDXL_TIME_IDS);
            goto out;
        }
    }
    json_t *rt = json_object_get(o, "reverse_transformer_layers_per_block");
    if (rt && !json_is_null(rt)) {
        rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED, "%s: reverse_transformer_layers_per_block is not supported", path);
        goto out;
    }
    static const char *const unsupported[] = {"class_embed_type", "encoder_hid_dim", "time_embedding_dim"};
    for (size_t i = 0; i < sizeof unsupported / sizeof *unsupported; i++) {
        json_t *v = json_object_get(o, unsupported[i]);
        if (v && !json_is_null(v)) {
            rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED, "%s: %s is not supported (SD 1.x/2.x/XL UNets only)", path,
                           unsupported[i]);
            goto out;
        }
    }
    /* Options that change the computation in ways SD 1.x never uses. */
    static const struct {
        const char *key, *want; /* want: the only accepted string value ("" = must be false) */
    } must[] = {
        {"center_input_sample", ""},           {"only_cross_attention", ""},
        {"dual_cross_attention", ""},          {"resnet_time_scale_shift", "default"},
        {"time_embedding_type", "positional"}, {"mid_block_type", "UNetMidBlock2DCrossAttn"},
        {"act_fn", "silu"},                    {"resnet_skip_time_act", ""},
    };
    for (size_t i = 0; i < sizeof must / sizeof *must; i++) {
        json_t *v = json_object_get(o, must[i].key);
        int ok = !v || json_is_null(v) || (must[i].want[0] ? json_is_string(v) && !strcmp(json_string_value(v), must[i].want)
                                                           : json_is_false(v));
        if (!ok) {
            rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED, "%s: this value of %s is not supported (SD 1.x/2.x/XL UNets only)",
                           path, must[i].key);
            goto out;
        }
    }
    if (sdnet_geti(o, "conv_in_kernel", 3) != 3 || sdnet_geti(o, "conv_out_kernel", 3) != 3) {
        rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED, "%s: conv_in/conv_out kernels other than 3 are not supported", path);
        goto out;
    }
    json_t *ca = json_object_get(o, "cross_attention_dim");
    if (ca && !json_is_integer(ca)) {
        rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED, "%s: per-block cross_attention_dim is not supported", path);
        goto out;
    }
    for (int i = 0; i < n; i++)
        if (c.tlayers[i] <= 0 || c.tlayers[i] > 64) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: block %d: %d transformer layers (1..64)", path, i, c.tlayers[i]);
            goto out;
        }
    for (int i = 0; i < n; i++)
        if (c.ch[i] <= 0 || c.ch[i] > 8192 || c.heads[i] <= 0 || c.ch[i] % c.heads[i] || c.ch[i] % c.groups) {
            rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: block %d: %d channels do not split into %d heads and %d groups",
                           path, i, c.ch[i], c.heads[i], c.groups);
            goto out;
        }
    if (c.in_ch <= 0 || c.in_ch > 64 || c.out_ch <= 0 || c.out_ch > 64 || c.ctx_dim > 8192 || c.layers <= 0 ||
        c.layers > 8 || c.ctx_dim <= 0 || c.groups <= 0 ||
        c.ch[0] % 2) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: inconsistent sizes", path);
        goto out;
    }
out:
    json_decref(o);
    if (rc == LONGSD_OK)
        *cfg = c;
    return rc;
}

static int map_unet(const void *cfg, const char *name, char *out, size_t cap)
{
    return sdcv_unet_name(cfg, name, out, cap);
}

/* Skips pushed on the way down, popped on the way up. They lie one after
 * the other at the bottom of the arena (m: where each starts), with the
 * current activation right above the last: each block's output is kept
 * (sdarena_keep) where its dead inputs began, so the arena holds the skips,
 * one activation and one layer's scratch, not every layer's output of the
 * step (at 512^2 with CFG, 488 MB of arena before, most of it dead). */
typedef struct {
    float *x[1 + SDNET_MAX_BLOCKS * 9];
    int c[1 + SDNET_MAX_BLOCKS * 9];
    size_t m[1 + SDNET_MAX_BLOCKS * 9];
    int n;
} skips;

void sdunet_guidance_embedding(float w, int dim, float *out)
{
    /* diffusers' get_guidance_scale_embedding, in float32 like torch */
    int half = dim / 2;
    float ws = w * 1000.0f, sc = logf(10000.0f) / (float)(half - 1);
    for (int i = 0; i < half; i++) {
        float e = ws * expf((float)i * -sc);
        out[i] = sinf(e);
        out[half + i] = cosf(e);
    }
    if (dim % 2)
        out[dim - 1] = 0.0f;
}

/* out(dim) = get_timestep_embedding(t) as diffusers computes it, in
 * float32: [cos, sin] halves when flip, else [sin, cos]. */
static void timestep_embedding(float t, int dim, int flip, int shift, float *out)
{
    int half = dim / 2;
    for (int i = 0; i < half; i++) {
        float ex = -logf(10000.0f) * (float)i / ((float)half - (float)shift);
        float arg = t * expf(ex);
        float sn = sinf(arg), cs = cosf(arg);
        out[flip ? i : half + i] = cs;
        out[flip ? half + i : i] = sn;
    }
}

longsd_status sdunet_forward(const sdunet_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                             const float *xin, int B, int H, int W, float t, const float *ctx, int n_ctx, float *out,
                             const sdabort *ab, lserr *err)
{
    return sdunet_forward_ex(cfg, f, prefix, a, xin, B, H, W, t, NULL, ctx, n_ctx, out, ab, err);
}

longsd_status sdunet_forward_cond(const sdunet_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                                  const float *xin, int B, int H, int W, float t, const float *tcond, const float *ctx,
                                  int n_ctx, float *out, const sdabort *ab, lserr *err)
{
    sdunet_extra ex = {.tcond = tcond};
    return sdunet_forward_ex(cfg, f, prefix, a, xin, B, H, W, t, &ex, ctx, n_ctx, out, ab, err);
}

longsd_status sdunet_forward_ex(const sdunet_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                                const float *xin, int B, int H, int W, float t, const sdunet_extra *ex,
                                const float *ctx, int n_ctx, float *out, const sdabort *ab, lserr *err)
{
    const sdunet_cfg *c = cfg;
    int nb = c->n_blocks, G = c->groups, ch0 = c->ch[0], tdim = 4 * ch0;
    const float *tcond = ex ? ex->tcond : NULL;
    if (B < 1 || B > 64)
        return lserr_set(err, LONGSD_ERR_PARAM, "unet: batch of %d", B);
    if (H % (1 << (nb - 1)) || W % (1 << (nb - 1)) || H <= 0 || W <= 0)
        return lserr_set(err, LONGSD_ERR_PARAM, "unet: latent size %dx%d is not a multiple of %d", W, H,
                         1 << (nb - 1));
    if (c->add_time_dim > 0 && (!ex || !ex->text_embeds || !ex->time_ids))
        return lserr_set(err, LONGSD_ERR_PARAM, "unet: an SDXL UNet needs the pooled text embedding and time ids");
    longsd_status rc = LONGSD_OK;
    sdrun r = {.a = a};
    sdw_init(&r.w, f, prefix, a, err);
    if (strcmp(prefix, SDCV_UNET_PREFIX) == 0) { /* a single-file checkpoint */
        r.w.map = map_unet;
        r.w.map_ctx = cfg;
    }
    size_t mark = sdarena_mark(a);
    char name[256];
    skips s = {.n = 0};
#define NEED(p)                                                              \
    do {                                                                     \
        if (!(p)) {                                                          \
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "unet: out of memory");   \
            goto out;                                                        \
        }                                                                    \
        if (ab && ab->fn && ab->fn(ab->user_data)) {                         \
            rc = lserr_set(err, LONGSD_ERR_ABORTED, "unet: aborted");       \
            goto out;                                                        \
        }                                                                    \
    } while (0)

    /* Time embedding in float32 as diffusers computes it (get_timestep_embedding). */
    float *temb = sdarena_alloc(a, (size_t)ch0);
    NEED(temb);
    timestep_embedding(t, ch0, c->flip_sin_to_cos, c->freq_shift, temb);
    if (tcond && c->tcond_dim > 0) {
        float *cp = sdl_linear(&r, "time_embedding.cond_proj", tcond, 1, c->tcond_dim, ch0);
        NEED(cp);
        sdk_add(temb, cp, (size_t)ch0);
    }
    float *e1 = sdl_linear(&r, "time_embedding.linear_1", temb, 1, ch0, tdim);
    NEED(e1);
    sdk_silu(e1, (size_t)tdim);
    float *emb = sdl_linear(&r, "time_embedding.linear_2", e1, 1, tdim, tdim);
    NEED(emb);
    int ne = 1; /* time embeddings: one for the batch, or one per sample (SDXL) */
    if (c->add_time_dim > 0) {
        /* SDXL: [pooled text, sinusoids of each time id] -> add_embedding,
         * per sample, added to the shared time embedding */
        int np = c->add_in - SDXL_TIME_IDS * c->add_time_dim;
        float *in = sdarena_alloc(a, (size_t)B * c->add_in), *eb = sdarena_alloc(a, (size_t)B * tdim);
        NEED(in && eb);
        for (int b = 0; b < B; b++) {
            float *row = in + (size_t)b * c->add_in;
            memcpy(row, ex->text_embeds + (size_t)b * np, (size_t)np * sizeof *row);
            for (int k = 0; k < SDXL_TIME_IDS; k++)
                timestep_embedding(ex->time_ids[b * SDXL_TIME_IDS + k], c->add_time_dim, c->flip_sin_to_cos,
                                   c->freq_shift, row + np + k * c->add_time_dim);
        }
        float *a1 = sdl_linear(&r, "add_embedding.linear_1", in, B, c->add_in, tdim);
        NEED(a1);
        sdk_silu(a1, (size_t)B * tdim);
        float *a2 = sdl_linear(&r, "add_embedding.linear_2", a1, B, tdim, tdim);
        NEED(a2);
        for (int b = 0; b < B; b++)
            for (int k = 0; k < tdim; k++)
                eb[(size_t)b * tdim + k] = emb[k] + a2[(size_t)b * tdim + k];
        emb = eb;
        ne = B;
    }
    sdk_silu(emb, (size_t)ne * tdim); /* every resnet applies SiLU before time_emb_proj */

    /* xm: where x begins in the arena */
    size_t xm = sdarena_mark(a);
    float *x = sdl_conv(&r, "conv_in", xin, B, c->in_ch, H, W, ch0, 3, 1, 1);
    NEED(x);
    int C = ch0;
    s.m[s.n] = xm;
    s.x[s.n] = x;
    s.c[s.n++] = C;
    for (int i = 0; i < nb; i++) {
        for (int j = 0; j < c->layers; j++) {
            xm = sdarena_mark(a);
            snprintf(name, sizeof name, "down_blocks.%d.resnets.%d", i, j);
            NEED(x = sdl_resnet_n(&r, name, x, B, C, H, W, c->ch[i], emb, ne, tdim, G, c->eps));
            C = c->ch[i];
            if (c->down_cross[i]) {
                snprintf(name, sizeof name, "down_blocks.%d.attentions.%d", i, j);
                NEED(x = sdl_transformer(&r, name, x, B, C, H, W, c->heads[i], c->tlayers[i], ctx, n_ctx, c->ctx_dim, G));
            }
            x = sdarena_keep(a, xm, x, (size_t)B * C * H * W);
            s.m[s.n] = xm;
            s.x[s.n] = x;
            s.c[s.n++] = C;
        }
        if (i < nb - 1) {
            xm = sdarena_mark(a);
            snprintf(name, sizeof name, "down_blocks.%d.downsamplers.0.conv", i);
            NEED(x = sdl_conv(&r, name, x, B, C, H, W, C, 3, 2, 1));
            H /= 2;
            W /= 2;
            s.m[s.n] = xm;
            s.x[s.n] = x;
            s.c[s.n++] = C;
        }
    }
    int top = c->ch[nb - 1];
    xm = sdarena_mark(a);
    NEED(x = sdl_resnet_n(&r, "mid_block.resnets.0", x, B, C, H, W, top, emb, ne, tdim, G, c->eps));
    C = top;
    NEED(x = sdl_transformer(&r, "mid_block.attentions.0", x, B, C, H, W, c->heads[nb - 1], c->tlayers[nb - 1], ctx, n_ctx,
                             c->ctx_dim, G));
    NEED(x = sdl_resnet_n(&r, "mid_block.resnets.1", x, B, C, H, W, C, emb, ne, tdim, G, c->eps));
    x = sdarena_keep(a, xm, x, (size_t)B * C * H * W);
    for (int i = 0; i < nb; i++) {
        int co = c->ch[nb - 1 - i], heads = c->heads[nb - 1 - i], tl = c->tlayers[nb - 1 - i];
        for (int j = 0; j <= c->layers; j++) {
            s.n--;
            int cs = s.c[s.n];
            size_t hw = (size_t)H * W;
            /* the skip is the last one pushed: it and everything above it
             * (x, cat, the layers' outputs) are dead once this layer is done */
            xm = s.m[s.n];
            float *cat = sdarena_alloc(a, (size_t)B * (C + cs) * hw);
            NEED(cat);
            for (int b = 0; b < B; b++) { /* per image: its channels, then its skip's */
                memcpy(cat + (size_t)b * (C + cs) * hw, x + (size_t)b * C * hw, (size_t)C * hw * sizeof *cat);
                memcpy(cat + ((size_t)b * (C + cs) + C) * hw, s.x[s.n] + (size_t)b * cs * hw,
                       (size_t)cs * hw * sizeof *cat);
            }
            snprintf(name, sizeof name, "up_blocks.%d.resnets.%d", i, j);
            NEED(x = sdl_resnet_n(&r, name, cat, B, C + cs, H, W, co, emb, ne, tdim, G, c->eps));
            C = co;
            if (c->up_cross[i]) {
                snprintf(name, sizeof name, "up_blocks.%d.attentions.%d", i, j);
                NEED(x = sdl_transformer(&r, name, x, B, C, H, W, heads, tl, ctx, n_ctx, c->ctx_dim, G));
            }
            x = sdarena_keep(a, xm, x, (size_t)B * C * H * W);
        }
        if (i < nb - 1) {
            float *u = sdarena_alloc(a, (size_t)B * C * 4 * H * W);
            NEED(u);
            sdk_upsample2x(x, B * C, H, W, u); /* channels are independent: the batch is more channels */
            H *= 2;
            W *= 2;
            snprintf(name, sizeof name, "up_blocks.%d.upsamplers.0.conv", i);
            NEED(x = sdl_conv(&r, name, u, B, C, H, W, C, 3, 1, 1));
            x = sdarena_keep(a, xm, x, (size_t)B * C * H * W);
        }
    }
    sdl_group_norm_act(&r, "conv_norm_out", x, x, B, C, H * W, G, c->eps, 1);
    float *y = sdl_conv(&r, "conv_out", x, B, C, H, W, c->out_ch, 3, 1, 1);
    NEED(y);
    memcpy(out, y, (size_t)B * c->out_ch * H * W * sizeof *out);
    rc = r.w.rc;
#undef NEED
out:
    sdarena_reset(a, mark);
    sdw_free(&r.w);
    return rc;
}
