/* compvis.c - diffusers -> CompVis tensor names (see compvis.h). Index
 * arithmetic generalises SD 1.x's table to any layers_per_block L: input
 * block (L+1)i+j+1 for down resnet j of block i, output block (L+1)i+j
 * for up resnet j, and the upsampler after the last of them. SD 2.x's
 * OpenCLIP text encoder has names of its own (open_clip's
 * TextTransformer), mapped part by part; SDXL's (SGM) checkpoints use the
 * same UNet and VAE names, add label_emb, and keep their two text
 * encoders under conditioner.embedders.0 (transformers' names) and .1
 * (open_clip's). */
#include "compvis.h"

#include <stdio.h>
#include <string.h>

static int copy(const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s", name);
    return 0;
}

static int prefixed(const char *name, const char *from, const char *to, char *out, size_t cap)
{
    size_t n = strlen(from);
    if (strncmp(name, from, n) != 0)
        return 0;
    snprintf(out, cap, "%s%s", to, name + n);
    return 1;
}

/* ResnetBlock2D part names -> ResBlock ones (UNet). */
static const char *resnet_part(const char *rest, const char **tail)
{
    static const char *const map[][2] = {{"norm1.", "in_layers.0."},       {"conv1.", "in_layers.2."},
                                         {"time_emb_proj.", "emb_layers.1."}, {"norm2.", "out_layers.0."},
                                         {"conv2.", "out_layers.3."},       {"conv_shortcut.", "skip_connection."}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
        size_t n = strlen(map[i][0]);
        if (strncmp(rest, map[i][0], n) == 0) {
            *tail = rest + n;
            return map[i][1];
        }
    }
    return NULL;
}

int sdcv_unet_name(const sdunet_cfg *c, const char *name, char *out, size_t cap)
{
    static const char *const fixed[][2] = {{"conv_in.", "input_blocks.0.0."},
                                           {"time_embedding.linear_1.", "time_embed.0."},
                                           {"time_embedding.linear_2.", "time_embed.2."},
                                           {"add_embedding.linear_1.", "label_emb.0.0."}, /* SDXL */
                                           {"add_embedding.linear_2.", "label_emb.0.2."},
                                           {"conv_norm_out.", "out.0."},
                                           {"conv_out.", "out.2."}};
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++)
        if (prefixed(name, fixed[k][0], fixed[k][1], out, cap))
            return 1;
    int L = c->layers, i, j, n = 0;
    const char *tail, *part;
    if (sscanf(name, "down_blocks.%d.resnets.%d.%n", &i, &j, &n) == 2 && n > 0 &&
        (part = resnet_part(name + n, &tail))) {
        snprintf(out, cap, "input_blocks.%d.0.%s%s", (L + 1) * i + j + 1, part, tail);
        return 1;
    }
    n = 0;
    if (sscanf(name, "down_blocks.%d.attentions.%d.%n", &i, &j, &n) == 2 && n > 0) {
        snprintf(out, cap, "input_blocks.%d.1.%s", (L + 1) * i + j + 1, name + n);
        return 1;
    }
    n = 0;
    if (sscanf(name, "down_blocks.%d.downsamplers.0.conv.%n", &i, &n) == 1 && n > 0) {
        snprintf(out, cap, "input_blocks.%d.0.op.%s", (L + 1) * (i + 1), name + n);
        return 1;
    }
    n = 0;
    if (sscanf(name, "up_blocks.%d.resnets.%d.%n", &i, &j, &n) == 2 && n > 0 && (part = resnet_part(name + n, &tail))) {
        snprintf(out, cap, "output_blocks.%d.0.%s%s", (L + 1) * i + j, part, tail);
        return 1;
    }
    n = 0;
    if (sscanf(name, "up_blocks.%d.attentions.%d.%n", &i, &j, &n) == 2 && n > 0) {
        snprintf(out, cap, "output_blocks.%d.1.%s", (L + 1) * i + j, name + n);
        return 1;
    }
    n = 0;
    if (sscanf(name, "up_blocks.%d.upsamplers.0.conv.%n", &i, &n) == 1 && n > 0 && i >= 0 && i < SDNET_MAX_BLOCKS) {
        snprintf(out, cap, "output_blocks.%d.%d.conv.%s", (L + 1) * i + L, c->up_cross[i] ? 2 : 1, name + n);
        return 1;
    }
    n = 0;
    if (sscanf(name, "mid_block.resnets.%d.%n", &j, &n) == 1 && n > 0 && (part = resnet_part(name + n, &tail))) {
        snprintf(out, cap, "middle_block.%d.%s%s", 2 * j, part, tail);
        return 1;
    }
    if (prefixed(name, "mid_block.attentions.0.", "middle_block.1.", out, cap))
        return 1;
    return copy(name, out, cap);
}

/* VAE ResnetBlock2D parts: the same names except the shortcut. */
static void vae_resnet_tail(const char *rest, char *out, size_t cap)
{
    if (strncmp(rest, "conv_shortcut.", 14) == 0)
        snprintf(out, cap, "nin_shortcut.%s", rest + 14);
    else
        snprintf(out, cap, "%s", rest);
}

int sdcv_vae_name(const sdvae_cfg *c, const char *name, char *out, size_t cap)
{
    char t[256];
    int i, j, n = 0;
    if (prefixed(name, "decoder.conv_norm_out.", "decoder.norm_out.", out, cap))
        return 1;
    if (sscanf(name, "decoder.mid_block.resnets.%d.%n", &i, &n) == 1 && n > 0) {
        vae_resnet_tail(name + n, t, sizeof t);
        snprintf(out, cap, "decoder.mid.block_%d.%s", i + 1, t);
        return 1;
    }
    static const char *const attn[][2] = {{"group_norm.", "norm."}, {"to_q.", "q."}, {"to_k.", "k."},
                                          {"to_v.", "v."},          {"to_out.0.", "proj_out."}};
    const char *ap = "decoder.mid_block.attentions.0.";
    if (strncmp(name, ap, strlen(ap)) == 0) {
        const char *rest = name + strlen(ap);
        for (size_t k = 0; k < sizeof attn / sizeof *attn; k++)
            if (prefixed(rest, attn[k][0], attn[k][1], t, sizeof t)) {
                snprintf(out, cap, "decoder.mid.attn_1.%s", t);
                return 1;
            }
        return copy(name, out, cap);
    }
    n = 0;
    if (sscanf(name, "decoder.up_blocks.%d.resnets.%d.%n", &i, &j, &n) == 2 && n > 0) {
        vae_resnet_tail(name + n, t, sizeof t);
        snprintf(out, cap, "decoder.up.%d.block.%d.%s", c->n_blocks - 1 - i, j, t);
        return 1;
    }
    n = 0;
    if (sscanf(name, "decoder.up_blocks.%d.upsamplers.0.conv.%n", &i, &n) == 1 && n > 0) {
        snprintf(out, cap, "decoder.up.%d.upsample.conv.%s", c->n_blocks - 1 - i, name + n);
        return 1;
    }
    return copy(name, out, cap);
}

int sdcv_is_openclip(const char *prefix)
{
    return strcmp(prefix, SDCV_OPENCLIP_PREFIX) == 0 || strcmp(prefix, SDCV_XL_OPENCLIP_PREFIX) == 0;
}

int sdcv_openclip_name(const char *name, char *out, size_t cap)
{
    static const char *const fixed[][2] = {{"embeddings.token_embedding.weight", "token_embedding.weight"},
                                           {"embeddings.position_embedding.weight", "positional_embedding"},
                                           {"final_layer_norm.", "ln_final."}};
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++)
        if (prefixed(name, fixed[k][0], fixed[k][1], out, cap))
            return 1;
    static const char *const part[][2] = {{"layer_norm1.", "ln_1."},
                                          {"layer_norm2.", "ln_2."},
                                          {"self_attn.out_proj.", "attn.out_proj."},
                                          {"self_attn.qkv_proj.", "attn.in_proj_"},
                                          {"mlp.fc1.", "mlp.c_fc."},
                                          {"mlp.fc2.", "mlp.c_proj."}};
    int i, n = 0;
    if (sscanf(name, "encoder.layers.%d.%n", &i, &n) == 1 && n > 0) {
        char t[256];
        for (size_t k = 0; k < sizeof part / sizeof *part; k++)
            if (prefixed(name + n, part[k][0], part[k][1], t, sizeof t)) {
                snprintf(out, cap, "transformer.resblocks.%d.%s", i, t);
                return 1;
            }
    }
    return copy(name, out, cap);
}
