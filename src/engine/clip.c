/* clip.c - the CLIP text encoder of SD 1.x, 2.x and XL (transformers
 * CLIPTextModel): token + position embeddings, pre-norm layers with causal
 * self-attention and a quick-GELU (SD 1.x) or exact-GELU (SD 2.x's
 * OpenCLIP ViT-H, its last layer already cut) MLP, then final_layer_norm;
 * the last hidden state is the UNet's context. SDXL takes the
 * penultimate hidden state and the EOS token's final state instead (taps). Single-file SD 2
 * checkpoints keep open_clip's names, q/k/v packed in one in_proj.
 * Embedding rows are converted one by one, so the 49408-row table is never
 * expanded to f32. */
#include <jansson.h>
#include <string.h>

#include "compvis.h"
#include "layers.h"
#include "nets.h"

sdclip_cfg sdclip_sd15_cfg(void)
{
    return (sdclip_cfg){
        .vocab = 49408, .hidden = 768, .inter = 3072, .layers = 12, .heads = 12, .max_pos = 77, .gelu = 0, .eps = 1e-5f,
    };
}

sdclip_cfg sdclip_sd2_cfg(void)
{
    /* OpenCLIP ViT-H/14's text tower up to its penultimate layer (23 of 24) */
    return (sdclip_cfg){
        .vocab = 49408, .hidden = 1024, .inter = 4096, .layers = 23, .heads = 16, .max_pos = 77, .gelu = 1, .eps = 1e-5f,
    };
}

static int map_openclip(const void *ctx, const char *name, char *out, size_t cap)
{
    (void)ctx;
    return sdcv_openclip_name(name, out, cap);
}

int sdnet_geti(json_t *o, const char *k, int def)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int)json_integer_value(v) : def;
}

longsd_status sdclip_cfg_load(const char *path, sdclip_cfg *cfg, lserr *err)
{
    json_error_t je;
    json_t *o = json_load_file(path, 0, &je);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: not a JSON object: %s", path, o ? "" : je.text);
    }
    sdclip_cfg c = sdclip_sd15_cfg();
    c.vocab = sdnet_geti(o, "vocab_size", c.vocab);
    c.hidden = sdnet_geti(o, "hidden_size", c.hidden);
    c.inter = sdnet_geti(o, "intermediate_size", c.inter);
    c.layers = sdnet_geti(o, "num_hidden_layers", c.layers);
    c.heads = sdnet_geti(o, "num_attention_heads", c.heads);
    c.max_pos = sdnet_geti(o, "max_position_embeddings", c.max_pos);
    c.proj = sdnet_geti(o, "projection_dim", 0); /* used by CLIPTextModelWithProjection only */
    json_t *e = json_object_get(o, "layer_norm_eps");
    if (json_is_number(e))
        c.eps = (float)json_number_value(e);
    const char *act = json_string_value(json_object_get(o, "hidden_act"));
    longsd_status rc = LONGSD_OK;
    if (act && strcmp(act, "quick_gelu") != 0 && strcmp(act, "gelu") != 0)
        rc = lserr_set(err, LONGSD_ERR_UNSUPPORTED, "%s: hidden_act '%s' is not supported", path, act);
    c.gelu = act && strcmp(act, "gelu") == 0;
    if (rc == LONGSD_OK && (c.hidden <= 0 || c.heads <= 0 || c.hidden % c.heads || c.layers < 0 || c.inter <= 0 ||
                            c.max_pos < 2 || c.max_pos > 4096 || c.vocab <= 0 || c.hidden > 65536 || c.inter > 1 << 20 ||
                            c.proj < 0 || c.proj > 65536))
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: inconsistent sizes", path);
    json_decref(o);
    if (rc == LONGSD_OK)
        *cfg = c;
    return rc;
}

longsd_status sdclip_forward(const sdclip_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                             const int32_t *ids, float *hidden, lserr *err)
{
    return sdclip_forward_taps(cfg, f, prefix, a, ids, hidden, NULL, err);
}

longsd_status sdclip_forward_taps(const sdclip_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                                  const int32_t *ids, float *hidden, const sdclip_taps *taps, lserr *err)
{
    int L = cfg->max_pos, D = cfg->hidden, H = cfg->heads;
    if (taps && taps->pooled && (taps->pool_at < 0 || taps->pool_at >= L))
        return lserr_set(err, LONGSD_ERR_PARAM, "text encoder: pooled token %d out of range", taps->pool_at);
    longsd_status rc = LONGSD_OK;
    sdrun r = {.a = a};
    sdw_init(&r.w, f, prefix, a, err);
    int packed = sdcv_is_openclip(prefix);
    if (packed)
        r.w.map = map_openclip;
    size_t mark = sdarena_mark(a);
    char name[256], stored[256];
    /* without a last hidden state or a pooled output, the last layer's
     * work is wasted: SDXL's first encoder gives its penultimate only */
    int need_last = hidden || (taps && taps->pooled);
    float *x = hidden ? hidden : sdarena_alloc(a, (size_t)L * D);
    float *n = sdarena_alloc(a, (size_t)L * D), *att = sdarena_alloc(a, (size_t)L * D),
          *scr = sdarena_alloc(a, sdk_attention_scratch(L, L, H, D / H));
    if (!x || !n || !att || !scr) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "text encoder: out of memory");
        goto out;
    }
    if (packed)
        sdcv_openclip_name("embeddings.token_embedding.weight", stored, sizeof stored);
    snprintf(name, sizeof name, "%s%s", prefix, packed ? stored : "embeddings.token_embedding.weight");
    const sdst_tensor *te = sdst_find(f, name);
    if (!te || te->numel != (uint64_t)cfg->vocab * D) {
        rc = lserr_set(err, LONGSD_ERR_MODEL, "%s: %s '%s'", sdst_label(f), te ? "wrong size of" : "no tensor", name);
        goto out;
    }
    for (int i = 0; i < L; i++) {
        if (ids[i] < 0 || ids[i] >= cfg->vocab) {
            rc = lserr_set(err, LONGSD_ERR_PARAM, "text encoder: token id %d out of range", ids[i]);
            goto out;
        }
        if ((rc = sdst_slice_to_f32(f, te, (uint64_t)ids[i] * D, (size_t)D, x + (size_t)i * D, err)) != LONGSD_OK)
            goto out;
    }
    const float *pos = sdw_get(&r.w, 0, (size_t)cfg->max_pos * D, "embeddings.position_embedding.weight");
    if (!pos) {
        rc = lserr_set(err, LONGSD_ERR_NOMEM, "text encoder: out of memory");
        goto out;
    }
    sdk_add(x, pos, (size_t)L * D);
    for (int l = 0; l < cfg->layers && r.w.rc == LONGSD_OK; l++) {
        if (l == cfg->layers - 1 && taps && taps->penult) /* hidden_states[-2] */
            memcpy(taps->penult, x, (size_t)L * D * sizeof *x);
        if (l == cfg->layers - 1 && !need_last)
            break;
        size_t m2 = sdarena_mark(a);
        char lp[128];
        snprintf(lp, sizeof lp, "encoder.layers.%d", l);
        const float *g = sdw_get(&r.w, 2, (size_t)D, "%s.layer_norm1.weight", lp);
        const float *b = sdw_get(&r.w, 3, (size_t)D, "%s.layer_norm1.bias", lp);
        if (!g || !b) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "text encoder: out of memory");
            goto out;
        }
        sdk_layer_norm(x, L, D, g, b, cfg->eps, n);
        float *q, *k, *v;
        if (packed) { /* one (3D, D) projection, then its thirds per token */
            snprintf(name, sizeof name, "%s.self_attn.qkv_proj", lp);
            float *qkv = sdl_linear(&r, name, n, L, D, 3 * D);
            q = sdarena_alloc(a, (size_t)L * D);
            k = sdarena_alloc(a, (size_t)L * D);
            v = sdarena_alloc(a, (size_t)L * D);
            for (int i = 0; qkv && q && k && v && i < L; i++) {
                memcpy(q + (size_t)i * D, qkv + (size_t)i * 3 * D, (size_t)D * sizeof *q);
                memcpy(k + (size_t)i * D, qkv + (size_t)i * 3 * D + D, (size_t)D * sizeof *k);
                memcpy(v + (size_t)i * D, qkv + (size_t)i * 3 * D + 2 * D, (size_t)D * sizeof *v);
            }
            if (!qkv)
                q = NULL;
        } else {
            snprintf(name, sizeof name, "%s.self_attn.q_proj", lp);
            q = sdl_linear(&r, name, n, L, D, D);
            snprintf(name, sizeof name, "%s.self_attn.k_proj", lp);
            k = sdl_linear(&r, name, n, L, D, D);
            snprintf(name, sizeof name, "%s.self_attn.v_proj", lp);
            v = sdl_linear(&r, name, n, L, D, D);
        }
        if (!q || !k || !v) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "text encoder: out of memory");
            goto out;
        }
        sdk_attention(q, k, v, L, L, H, D / H, 1, att, scr);
        snprintf(name, sizeof name, "%s.self_attn.out_proj", lp);
        float *o = sdl_linear(&r, name, att, L, D, D);
        if (!o) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "text encoder: out of memory");
            goto out;
        }
        sdk_add(x, o, (size_t)L * D);
        g = sdw_get(&r.w, 2, (size_t)D, "%s.layer_norm2.weight", lp);
        b = sdw_get(&r.w, 3, (size_t)D, "%s.layer_norm2.bias", lp);
        if (!g || !b) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "text encoder: out of memory");
            goto out;
        }
        sdk_layer_norm(x, L, D, g, b, cfg->eps, n);
        snprintf(name, sizeof name, "%s.mlp.fc1", lp);
        float *h = sdl_linear(&r, name, n, L, D, cfg->inter);
        if (!h) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "text encoder: out of memory");
            goto out;
        }
        if (cfg->gelu)
            sdk_gelu(h, (size_t)L * cfg->inter);
        else
            sdk_quick_gelu(h, (size_t)L * cfg->inter);
        snprintf(name, sizeof name, "%s.mlp.fc2", lp);
        o = sdl_linear(&r, name, h, L, cfg->inter, D);
        if (!o) {
            rc = lserr_set(err, LONGSD_ERR_NOMEM, "text encoder: out of memory");
            goto out;
        }
        sdk_add(x, o, (size_t)L * D);
        sdarena_reset(a, m2);
    }
    if (need_last) {
        const float *g = sdw_get(&r.w, 2, (size_t)D, "final_layer_norm.weight");
        const float *b = sdw_get(&r.w, 3, (size_t)D, "final_layer_norm.bias");
        if (g && b && hidden)
            sdk_layer_norm(x, L, D, g, b, cfg->eps, x);
        else if (g && b) /* only the pooled token's row */
            sdk_layer_norm(x + (size_t)taps->pool_at * D, 1, D, g, b, cfg->eps, x + (size_t)taps->pool_at * D);
        if (g && b && taps && taps->pooled)
            memcpy(taps->pooled, x + (size_t)taps->pool_at * D, (size_t)D * sizeof *x);
    }
    rc = r.w.rc;
out:
    sdarena_reset(a, mark);
    sdw_free(&r.w);
    return rc;
}
