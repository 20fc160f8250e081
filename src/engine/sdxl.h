/* sdxl.h - what SDXL adds to the SD pipeline: its two text encoders
 * (CLIP ViT-L and OpenCLIP bigG, penultimate hidden states concatenated
 * per token, plus bigG's pooled and projected EOS token) and the UNet's
 * added time ids. The UNet and the VAE are the shared ones (nets.h),
 * configured by their config.json. */
#ifndef LONGSD_SDXL_H
#define LONGSD_SDXL_H

#include "nets.h"

/* The text encoder pair: weights borrowed from open files under name
 * prefixes ("" / "text_model." for diffusers folders, SDCV_XL_* for a
 * single file). proj_name: the pooled projection's tensor, a Linear
 * (proj, hidden) "text_projection.weight", or open_clip's (hidden, proj)
 * matrix when proj_t. */
typedef struct {
    sdclip_cfg c1, c2;
    const sdst_file *f1, *f2;
    const char *p1, *p2;
    const char *proj_name;
    int proj_t;
} sdxl_te;

/* Channels per token of the context: c1.hidden + c2.hidden (2048). */
int sdxl_ctx_dim(const sdxl_te *t);
/* The configs fit each other and a UNet (context width, pooled width in
 * the added embedding); what is wrong is named after label. */
longsd_status sdxl_check(const sdxl_te *t, const sdunet_cfg *u, const char *label, lserr *err);

/* One 77-token chunk: h1(max_pos, c1.hidden) and h2(max_pos, c2.hidden)
 * are the two encoders' penultimate hidden states, pooled(c2.proj) the
 * projected final state of the first eos2 token of ids2 (NULL: not
 * computed). The first encoder's weights get a->patch, the second's
 * patch2 (their LoRAs differ: lora.h; NULL = none). */
longsd_status sdxl_encode(const sdxl_te *t, sdarena *a, const sdw_patch *patch2, const int32_t *ids1,
                          const int32_t *ids2, int32_t eos2, float *h1, float *h2, float *pooled, lserr *err);
/* ctx(n, d1 + d2) from h1(n, d1) and h2(n, d2), token by token. */
void sdxl_concat(const float *h1, int d1, const float *h2, int d2, int n, float *ctx);
/* The time ids of an image of width x height pixels as the pipeline
 * builds them by default: original size = target size, no crop. */
void sdxl_time_ids(int width, int height, float ids[SDXL_TIME_IDS]);

/* SDXL 1.0's shapes, for single files without a config folder. */
void sdxl_default_cfg(sdxl_te *t, sdunet_cfg *u, sdvae_cfg *v);

#endif
