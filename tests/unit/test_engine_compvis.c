/* test_engine_compvis.c - diffusers -> CompVis names with SD 1.5's layout
 * (4 blocks, 2 layers), against names found in the original v1-5
 * checkpoints; the tiny layout is covered end to end by test_engine_pipeline. */
#include "compvis.h"
#include "t.h"

TEST(unet_names_sd15)
{
    sdunet_cfg c = sdunet_sd15_cfg();
    static const char *const pairs[][2] = {
        {"conv_in.weight", "input_blocks.0.0.weight"},
        {"time_embedding.linear_1.weight", "time_embed.0.weight"},
        {"time_embedding.linear_2.bias", "time_embed.2.bias"},
        {"down_blocks.0.resnets.0.conv1.weight", "input_blocks.1.0.in_layers.2.weight"},
        {"down_blocks.0.resnets.1.time_emb_proj.bias", "input_blocks.2.0.emb_layers.1.bias"},
        {"down_blocks.0.attentions.0.proj_in.weight", "input_blocks.1.1.proj_in.weight"},
        {"down_blocks.0.downsamplers.0.conv.weight", "input_blocks.3.0.op.weight"},
        {"down_blocks.1.resnets.0.conv_shortcut.weight", "input_blocks.4.0.skip_connection.weight"},
        {"down_blocks.2.downsamplers.0.conv.bias", "input_blocks.9.0.op.bias"},
        {"down_blocks.3.resnets.0.norm1.weight", "input_blocks.10.0.in_layers.0.weight"},
        {"down_blocks.3.resnets.1.norm2.bias", "input_blocks.11.0.out_layers.0.bias"},
        {"mid_block.resnets.0.conv1.weight", "middle_block.0.in_layers.2.weight"},
        {"mid_block.attentions.0.transformer_blocks.0.attn1.to_q.weight",
         "middle_block.1.transformer_blocks.0.attn1.to_q.weight"},
        {"mid_block.resnets.1.conv2.weight", "middle_block.2.out_layers.3.weight"},
        {"up_blocks.0.resnets.0.conv_shortcut.weight", "output_blocks.0.0.skip_connection.weight"},
        {"up_blocks.0.upsamplers.0.conv.weight", "output_blocks.2.1.conv.weight"},
        {"up_blocks.1.attentions.2.proj_out.bias", "output_blocks.5.1.proj_out.bias"},
        {"up_blocks.1.upsamplers.0.conv.weight", "output_blocks.5.2.conv.weight"},
        {"up_blocks.2.upsamplers.0.conv.bias", "output_blocks.8.2.conv.bias"},
        {"up_blocks.3.attentions.2.transformer_blocks.0.attn2.to_k.weight",
         "output_blocks.11.1.transformer_blocks.0.attn2.to_k.weight"},
        {"up_blocks.3.resnets.2.conv2.bias", "output_blocks.11.0.out_layers.3.bias"},
        {"conv_norm_out.weight", "out.0.weight"},
        {"conv_out.bias", "out.2.bias"},
    };
    char out[256];
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        CHECK_INT(sdcv_unet_name(&c, pairs[i][0], out, sizeof out), 1);
        CHECK_STR(out, pairs[i][1]);
    }
    CHECK_INT(sdcv_unet_name(&c, "not.a.unet.name", out, sizeof out), 0);
    CHECK_STR(out, "not.a.unet.name");
}

TEST(vae_names_sd15)
{
    sdvae_cfg c = sdvae_sd15_cfg();
    static const char *const pairs[][2] = {
        {"post_quant_conv.weight", "post_quant_conv.weight"},
        {"decoder.conv_in.weight", "decoder.conv_in.weight"},
        {"decoder.mid_block.resnets.0.norm1.weight", "decoder.mid.block_1.norm1.weight"},
        {"decoder.mid_block.resnets.1.conv2.bias", "decoder.mid.block_2.conv2.bias"},
        {"decoder.mid_block.attentions.0.group_norm.weight", "decoder.mid.attn_1.norm.weight"},
        {"decoder.mid_block.attentions.0.to_q.weight", "decoder.mid.attn_1.q.weight"},
        {"decoder.mid_block.attentions.0.to_out.0.bias", "decoder.mid.attn_1.proj_out.bias"},
        {"decoder.up_blocks.0.resnets.0.conv1.weight", "decoder.up.3.block.0.conv1.weight"},
        {"decoder.up_blocks.0.upsamplers.0.conv.weight", "decoder.up.3.upsample.conv.weight"},
        {"decoder.up_blocks.2.resnets.0.conv_shortcut.weight", "decoder.up.1.block.0.nin_shortcut.weight"},
        {"decoder.up_blocks.3.resnets.2.norm2.bias", "decoder.up.0.block.2.norm2.bias"},
        {"decoder.conv_norm_out.weight", "decoder.norm_out.weight"},
        {"decoder.conv_out.bias", "decoder.conv_out.bias"},
    };
    char out[256];
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        sdcv_vae_name(&c, pairs[i][0], out, sizeof out);
        CHECK_STR(out, pairs[i][1]);
    }
}

RUN_TESTS(unet_names_sd15, vae_names_sd15)
