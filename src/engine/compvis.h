/* compvis.h - tensor names of single-file (CompVis / original LDM)
 * checkpoints: the engine asks for diffusers names, these map them to the
 * original ones (REFERENCE.md's table, checked against diffusers' own
 * single-file converters by tests/engine/make_fixtures.py). */
#ifndef LONGSD_COMPVIS_H
#define LONGSD_COMPVIS_H

#include <stddef.h>

#include "nets.h"

#define SDCV_UNET_PREFIX "model.diffusion_model."
#define SDCV_VAE_PREFIX "first_stage_model."
#define SDCV_CLIP_PREFIX "cond_stage_model.transformer.text_model."
/* SD 2.x: the OpenCLIP ViT-H text transformer, q/k/v packed in in_proj */
#define SDCV_OPENCLIP_PREFIX "cond_stage_model.model."
/* SDXL (SGM): CLIP ViT-L with transformers' names, OpenCLIP bigG with
 * open_clip's (text_projection a (hidden, proj) matrix used as x @ P) */
#define SDCV_XL_CLIP_PREFIX "conditioner.embedders.0.transformer.text_model."
#define SDCV_XL_OPENCLIP_PREFIX "conditioner.embedders.1.model."

/* Write the CompVis name of a diffusers UNet / VAE tensor name (without
 * prefix) into out; 0 when the name has no mapping (out is then a copy). */
int sdcv_unet_name(const sdunet_cfg *cfg, const char *name, char *out, size_t cap);
int sdcv_vae_name(const sdvae_cfg *cfg, const char *name, char *out, size_t cap);
/* The OpenCLIP name of a transformers CLIPTextModel tensor name (without
 * "text_model."); "encoder.layers.N.self_attn.qkv_proj.*" names the packed
 * attn.in_proj_* (q, k, v stacked along the output dimension). */
int sdcv_openclip_name(const char *name, char *out, size_t cap);
/* Whether a text encoder prefix names open_clip tensors (SD 2, SDXL's second). */
int sdcv_is_openclip(const char *prefix);

#endif
