/* sdxl.c - SDXL's text conditioning (see sdxl.h): both encoders stop at
 * their penultimate layer (hidden_states[-2], no final norm), as
 * diffusers' StableDiffusionXLPipeline.encode_prompt takes them; the
 * second also runs its last layer for the pooled vector, final-normed and
 * projected, which the UNet's added embedding receives with the time ids. */
#include "sdxl.h"

#include <string.h>

#include "util.h"

int sdxl_ctx_dim(const sdxl_te *t)
{
    return t->c1.hidden + t->c2.hidden;
}

longsd_status sdxl_check(const sdxl_te *t, const sdunet_cfg *u, const char *label, lserr *err)
{
    if (u->add_time_dim <= 0)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: the UNet has no addition_embed_type \"text_time\", which an SDXL pipeline needs", label);
    if (sdxl_ctx_dim(t) != u->ctx_dim)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: the text encoders give %d + %d = %d channels, the UNet's cross_attention_dim is %d", label,
                         t->c1.hidden, t->c2.hidden, sdxl_ctx_dim(t), u->ctx_dim);
    if (t->c2.proj <= 0 || t->c2.proj + SDXL_TIME_IDS * u->add_time_dim != u->add_in)
        return lserr_set(err, LONGSD_ERR_MODEL,
                         "%s: text_encoder_2's projection_dim %d + %d time ids x %d does not make the UNet's "
                         "projection_class_embeddings_input_dim %d",
                         label, t->c2.proj, SDXL_TIME_IDS, u->add_time_dim, u->add_in);
    if (t->c1.max_pos != t->c2.max_pos)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: the text encoders take %d and %d tokens", label, t->c1.max_pos,
                         t->c2.max_pos);
    return LONGSD_OK;
}

/* out(proj) = final state x(hidden) through the text projection. The
 * matrix is read as a Linear's (projection_dim, hidden_size), transposed
 * from a single file's OpenCLIP Parameter, so that a LoRA on it (kohya's
 * lora_te2_text_projection, diffusers' text_encoder_2.text_projection,
 * which diffusers applies) adds up @ down in the layout it was trained on. */
#define PROJ_NAME "text_projection.weight"
static longsd_status project(const sdxl_te *t, const sdw_patch *patch, const float *x, float *out, lserr *err)
{
    int D = t->c2.hidden, P = t->c2.proj;
    const sdst_tensor *w = sdst_find(t->f2, t->proj_name);
    int64_t want0 = t->proj_t ? D : P, want1 = t->proj_t ? P : D;
    if (!w || w->ndim != 2 || w->shape[0] != want0 || w->shape[1] != want1)
        return lserr_set(err, LONGSD_ERR_MODEL, "%s: %s '%s' (want %lld x %lld: projection_dim x hidden_size%s)",
                         sdst_label(t->f2), w ? "wrong shape of" : "no tensor", t->proj_name,
                         (long long)want0, (long long)want1, t->proj_t ? ", transposed" : "");
    size_t n = (size_t)D * P;
    float *m = longsd__malloc(n * sizeof *m), *lin = t->proj_t ? longsd__malloc(n * sizeof *lin) : m;
    longsd_status rc = m && lin ? sdst_to_f32(t->f2, w, m, n, err)
                                : lserr_set(err, LONGSD_ERR_NOMEM, "text projection: out of memory");
    if (rc == LONGSD_OK && t->proj_t)
        for (int i = 0; i < D; i++)
            for (int j = 0; j < P; j++)
                lin[(size_t)j * D + i] = m[(size_t)i * P + j];
    if (rc == LONGSD_OK && patch && patch->has(patch->ctx, PROJ_NAME))
        rc = patch->add(patch->ctx, PROJ_NAME, lin, n, err);
    for (int j = 0; rc == LONGSD_OK && j < P; j++) {
        double s = 0; /* a dot product of hidden_size terms, once per prompt */
        for (int i = 0; i < D; i++)
            s += (double)x[i] * lin[(size_t)j * D + i];
        out[j] = (float)s;
    }
    if (lin != m)
        longsd__free(lin);
    longsd__free(m);
    return rc;
}

longsd_status sdxl_encode(const sdxl_te *t, sdarena *a, const sdw_patch *patch2, const int32_t *ids1,
                          const int32_t *ids2, int32_t eos2, float *h1, float *h2, float *pooled, lserr *err)
{
    int L = t->c2.max_pos, at = -1;
    for (int i = 0; i < L && at < 0; i++)
        if (ids2[i] == eos2)
            at = i;
    if (at < 0) /* transformers' legacy rule: the highest id (EOS in CLIP's vocabulary) */
        for (int i = at = 0; i < L; i++)
            if (ids2[i] > ids2[at])
                at = i;
    float *fin = pooled ? longsd__malloc((size_t)t->c2.hidden * sizeof *fin) : NULL;
    if (pooled && !fin)
        return lserr_set(err, LONGSD_ERR_NOMEM, "text encoder: out of memory");
    sdclip_taps t1 = {.penult = h1}, t2 = {.penult = h2, .pooled = fin, .pool_at = at};
    longsd_status rc = sdclip_forward_taps(&t->c1, t->f1, t->p1, a, ids1, NULL, &t1, err);
    const sdw_patch *patch1 = a->patch;
    a->patch = patch2;
    if (rc == LONGSD_OK)
        rc = sdclip_forward_taps(&t->c2, t->f2, t->p2, a, ids2, NULL, &t2, err);
    a->patch = patch1;
    if (rc == LONGSD_OK && pooled)
        rc = project(t, patch2, fin, pooled, err);
    longsd__free(fin);
    return rc;
}

void sdxl_concat(const float *h1, int d1, const float *h2, int d2, int n, float *ctx)
{
    for (int i = 0; i < n; i++) {
        memcpy(ctx + (size_t)i * (d1 + d2), h1 + (size_t)i * d1, (size_t)d1 * sizeof *ctx);
        memcpy(ctx + (size_t)i * (d1 + d2) + d1, h2 + (size_t)i * d2, (size_t)d2 * sizeof *ctx);
    }
}

void sdxl_time_ids(int width, int height, float ids[SDXL_TIME_IDS])
{
    /* (original h, w), (crop top, left), (target h, w) */
    ids[0] = (float)height;
    ids[1] = (float)width;
    ids[2] = ids[3] = 0.0f;
    ids[4] = (float)height;
    ids[5] = (float)width;
}

void sdxl_default_cfg(sdxl_te *t, sdunet_cfg *u, sdvae_cfg *v)
{
    /* stabilityai/stable-diffusion-xl-base-1.0's config.json files */
    t->c1 = sdclip_sd15_cfg(); /* CLIP ViT-L/14, all 12 layers (the penultimate is tapped) */
    t->c2 = (sdclip_cfg){
        .vocab = 49408, .hidden = 1280, .inter = 5120, .layers = 32, .heads = 20, .max_pos = 77, .gelu = 1,
        .eps = 1e-5f, .proj = 1280,
    };
    *u = (sdunet_cfg){
        .in_ch = 4, .out_ch = 4, .n_blocks = 3, .layers = 2,
        .ch = {320, 640, 1280}, .down_cross = {0, 1, 1}, .up_cross = {1, 1, 0},
        .heads = {5, 10, 20}, .ctx_dim = 2048, .groups = 32, .tlayers = {1, 2, 10}, .eps = 1e-5f,
        .flip_sin_to_cos = 1, .freq_shift = 0, .add_time_dim = 256, .add_in = 2816,
        .sample = 128,
    };
    *v = sdvae_sd15_cfg();
    v->scaling = 0.13025f;
}
