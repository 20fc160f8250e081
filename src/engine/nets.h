/* nets.h - the three networks of Stable Diffusion 1.x, 2.x and XL in f32: the CLIP
 * text encoder, the UNet2DConditionModel and the AutoencoderKL decoder.
 * Shapes come from the diffusers config.json of each component (or from
 * SD 1.5's numbers for single-file checkpoints); weights are borrowed from
 * an open safetensors file under a name prefix. A forward pass converts
 * fp16/bf16 weights layer by layer and keeps activations in an arena. */
#ifndef LONGSD_NETS_H
#define LONGSD_NETS_H

#include "kernels.h"
#include "safetensors.h"
#include "util.h"

#define SDNET_MAX_BLOCKS 6
#define SDXL_TIME_IDS 6 /* original size (h, w), crop top-left (y, x), target size (h, w) */

typedef struct {
    int vocab, hidden, inter, layers, heads, max_pos;
    int proj;  /* projection_dim of a CLIPTextModelWithProjection (SDXL's second encoder), else 0 */
    int gelu;  /* 0: quick_gelu (SD 1.x), 1: exact gelu */
    float eps; /* layer norm */
} sdclip_cfg;

typedef struct {
    int in_ch, out_ch, n_blocks, layers;
    int ch[SDNET_MAX_BLOCKS];         /* block_out_channels */
    int down_cross[SDNET_MAX_BLOCKS]; /* CrossAttnDownBlock2D? */
    int up_cross[SDNET_MAX_BLOCKS];   /* CrossAttnUpBlock2D? (up block order) */
    int heads[SDNET_MAX_BLOCKS];      /* attention heads per down block */
    int ctx_dim, groups;              /* cross_attention_dim, norm_num_groups */
    int tlayers[SDNET_MAX_BLOCKS];    /* transformer_layers_per_block, per down block (SDXL: 1, 2, 10); the
                                       * mid block takes the last, the up blocks the list reversed */
    float eps;                        /* norm_eps */
    int flip_sin_to_cos, freq_shift;
    int tcond_dim;                    /* time_cond_proj_dim (LCM's guidance embedding), 0 = none */
    /* SDXL's addition_embed_type "text_time": the pooled text vector and
     * SDXL_TIME_IDS sinusoid-embedded time ids (add_time_dim each) through
     * add_embedding, added to the time embedding; add_time_dim 0 = none */
    int add_time_dim, add_in; /* addition_time_embed_dim, projection_class_embeddings_input_dim */
    int sample;               /* sample_size: the latent size it was trained at (64 for SD 1.x) */
} sdunet_cfg;

typedef struct {
    int latent_ch, out_ch, n_blocks, layers, groups;
    int ch[SDNET_MAX_BLOCKS];
    float scaling;  /* latents are divided by this before decoding */
    int in_ch;      /* the encoder's image channels (in_channels, 3) */
    int quant_conv; /* use_quant_conv (1): the encoder ends with quant_conv */
} sdvae_cfg;

/* Optional cancellation for the long forward passes: fn(user_data) is
 * polled between blocks; non-zero stops with LONGSD_ERR_ABORTED. */
typedef struct {
    int (*fn)(void *user_data);
    void *user_data;
} sdabort;

sdclip_cfg sdclip_sd15_cfg(void);
sdclip_cfg sdclip_sd2_cfg(void); /* OpenCLIP ViT-H, penultimate layer (SD 2.x) */
sdunet_cfg sdunet_sd2_cfg(void); /* SD 2.x: heads 5/10/20/20 (64 wide), context 1024 */
sdunet_cfg sdunet_sd15_cfg(void);
sdvae_cfg sdvae_sd15_cfg(void);
/* Read a diffusers config.json; unsupported options are LONGSD_ERR_UNSUPPORTED. */
longsd_status sdclip_cfg_load(const char *path, sdclip_cfg *cfg, lserr *err);
longsd_status sdunet_cfg_load(const char *path, sdunet_cfg *cfg, lserr *err);
longsd_status sdvae_cfg_load(const char *path, sdvae_cfg *cfg, lserr *err);

/* hidden(max_pos, hidden) = last_hidden_state (after final_layer_norm) for
 * ids[0..max_pos). prefix: "text_model." for diffusers folders, or the
 * CompVis one; SDCV_OPENCLIP_PREFIX reads open_clip's names (SD 2.x). */
longsd_status sdclip_forward(const sdclip_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                             const int32_t *ids, float *hidden, lserr *err);
/* What SDXL takes from its text encoders besides the context:
 * penult(max_pos, hidden) = hidden_states[-2], the input of the last layer
 * (no final norm), and pooled(hidden) = final_layer_norm(last layer)[pool_at],
 * the EOS token (before any text_projection). Either may be NULL. */
typedef struct {
    float *penult;
    float *pooled;
    int pool_at;
} sdclip_taps;
/* sdclip_forward with taps; hidden may be NULL (only the taps are wanted:
 * with pooled NULL the last layer is not run). */
longsd_status sdclip_forward_taps(const sdclip_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                                  const int32_t *ids, float *hidden, const sdclip_taps *taps, lserr *err);
/* out(B, out_ch, H, W) = unet(x(B, in_ch, H, W), t, ctx(B, n_ctx, ctx_dim)):
 * B samples at one timestep (B = 2 for classifier-free guidance), every
 * weight converted once for the batch. H and W must be divisible by
 * 2^(n_blocks-1). The prefix "model.diffusion_model." (single-file
 * checkpoints) also switches to CompVis tensor names. */
longsd_status sdunet_forward(const sdunet_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                             const float *x, int B, int H, int W, float t, const float *ctx, int n_ctx, float *out,
                             const sdabort *ab, lserr *err);
/* The same with tcond(tcond_dim) (may be NULL) added to the time
 * embedding through time_embedding.cond_proj: LCM's guidance input. */
longsd_status sdunet_forward_cond(const sdunet_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                                  const float *x, int B, int H, int W, float t, const float *tcond, const float *ctx,
                                  int n_ctx, float *out, const sdabort *ab, lserr *err);
/* Inputs besides x, t and the context, each may be NULL: tcond(tcond_dim)
 * for LCM; text_embeds(B, add_in - SDXL_TIME_IDS * add_time_dim) and
 * time_ids(B, SDXL_TIME_IDS) for SDXL, one row per sample (the negative
 * prompt has a pooled vector of its own), required when add_time_dim > 0. */
typedef struct {
    const float *tcond, *text_embeds, *time_ids;
} sdunet_extra;
longsd_status sdunet_forward_ex(const sdunet_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                                const float *x, int B, int H, int W, float t, const sdunet_extra *ex, const float *ctx,
                                int n_ctx, float *out, const sdabort *ab, lserr *err);
/* out(dim): the embedding of guidance scale w (diffusers'
 * get_guidance_scale_embedding; the pipelines pass cfg - 1). */
void sdunet_guidance_embedding(float w, int dim, float *out);
/* img(out_ch, H*2^(n-1), W*2^(n-1)) in about [-1, 1] from latents z(latent_ch,
 * H, W). The prefix "first_stage_model." switches to CompVis names. */
longsd_status sdvae_decode(const sdvae_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                           const float *z, int H, int W, float *img, const sdabort *ab, lserr *err);
/* The same decode in overlapping tiles of tile x tile latents (the last
 * tile of a row or column moved back to end at the edge, every two
 * neighbours sharing at least overlap latents), blended with linear ramps
 * across each shared band: the activations are those of one tile whatever
 * the image size. Group norm and the mid-block attention see one tile, not
 * the image, so the result differs from sdvae_decode by a little (measured:
 * docs/engine.md); a tile covering the whole image gives sdvae_decode's
 * bits. tile >= 2 * overlap + 1, overlap >= 0. */
longsd_status sdvae_decode_tiled(const sdvae_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                                 const float *z, int H, int W, int tile, int overlap, float *img, const sdabort *ab,
                                 lserr *err);
/* moments(2 * latent_ch, H/2^(n-1), W/2^(n-1)): the encoder's mean (first
 * latent_ch channels) and log-variance of img(in_ch, H, W) in [-1, 1],
 * unscaled (vae_encode.c). H and W must be multiples of 2^(n-1). */
longsd_status sdvae_encode(const sdvae_cfg *cfg, const sdst_file *f, const char *prefix, sdarena *a,
                           const float *img, int H, int W, float *moments, const sdabort *ab, lserr *err);

#endif
