/* layers.h - network layers shared by the UNet and the VAE decoder: named
 * convolutions, ResNet blocks, the spatial transformer and the VAE's
 * single-head attention. Each takes its weights by name prefix, allocates
 * its output in the arena (scratch is released before returning) and
 * returns NULL when the arena cannot grow. */
#ifndef LONGSD_LAYERS_H
#define LONGSD_LAYERS_H

#include "kernels.h"

typedef struct {
    sdw w;
    sdarena *a;
} sdrun;

/* Every layer takes a batch of B images laid out one after the other
 * (B, C, H, W) and uses each weight once for the whole batch: the two
 * halves of classifier-free guidance share one weight conversion. */

/* y(B, O, Ho, Wo) from x(B, C, H, W) with pfx.weight (O, C, k, k) and pfx.bias. */
float *sdl_conv(sdrun *r, const char *pfx, const float *x, int B, int C, int H, int W, int O, int k, int stride,
                int pad);
/* In place group norm of x(B, C, HW) with pfx.weight / pfx.bias. */
void sdl_group_norm(sdrun *r, const char *pfx, float *x, int B, int C, int HW, int G, float eps);
/* y = group_norm(x) (then SiLU when silu is non-zero) in one sweep; y may alias x. */
void sdl_group_norm_act(sdrun *r, const char *pfx, const float *x, float *y, int B, int C, int HW, int G, float eps,
                        int silu);
/* y(n, out) from x(n, in) with pfx.weight (out, in) and pfx.bias if present. */
float *sdl_linear(sdrun *r, const char *pfx, const float *x, int n, int in, int out);
/* ResnetBlock2D; temb_act is silu(time embedding) of temb_dim, shared by
 * the batch (one timestep), or NULL. */
float *sdl_resnet(sdrun *r, const char *pfx, const float *x, int B, int Cin, int H, int W, int Cout,
                  const float *temb_act, int temb_dim, int G, float eps);
/* The same with n_temb time embeddings (n_temb, temb_dim): 1 shared by the
 * batch, or B, one per image (SDXL, whose embedding holds the prompt's
 * pooled vector, so the two halves of guidance differ). */
float *sdl_resnet_n(sdrun *r, const char *pfx, const float *x, int B, int Cin, int H, int W, int Cout,
                    const float *temb_act, int n_temb, int temb_dim, int G, float eps);
/* Transformer2DModel (SD 1.x: proj_in/out, self-attn, cross-attn with
 * ctx(B, n_ctx, ctx_dim), GEGLU). */
float *sdl_transformer(sdrun *r, const char *pfx, const float *x, int B, int C, int H, int W, int heads, int tlayers,
                       const float *ctx, int n_ctx, int ctx_dim, int G);
/* The VAE mid-block attention (one head, biases, residual). */
float *sdl_vae_attention(sdrun *r, const char *pfx, const float *x, int B, int C, int H, int W, int G);

/* config.json helper: the integer k of object o, or def (o is a json_t *). */
struct json_t;
int sdnet_geti(struct json_t *o, const char *k, int def);

#endif
