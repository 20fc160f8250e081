#!/usr/bin/env python3
"""make_sd15_check.py - a one-off numeric check of the engine on SD 1.5's
*full* shapes (4 UNet blocks, 2 layers, 8 heads, 768-wide CLIP ViT-L/14 text
encoder, the 4-block VAE), which the committed tiny fixtures cannot carry:
random fp16 weights (about 2 GB) and the references are written to a
scratch folder, never committed.

    python3 tests/engine/make_sd15_check.py [DIR]     # default /tmp/longsd-sd15-check
    make bench BUILD=build-engine && build-engine/bench/bench_engine_check DIR

Writes DIR/model (a diffusers folder with the real CLIP vocabulary),
DIR/sd15-compvis.safetensors (the same weights as a single-file checkpoint) and
DIR/ref.safetensors: token ids, text-encoder output, and a 2-step Euler and
DPM++ 2M run of StableDiffusionPipeline at 64x64 with CFG 7.5 (x_T given),
final latents and decoded image. References in float64."""
import os
import sys

import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_fixtures as mf  # noqa: E402


def main():
    from diffusers import (AutoencoderKL, DPMSolverMultistepScheduler, EulerDiscreteScheduler,
                           StableDiffusionPipeline, UNet2DConditionModel)
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/longsd-sd15-check"
    model = os.path.join(out, "model")
    os.makedirs(model, exist_ok=True)
    torch.manual_seed(99)
    mf.write_tokenizer(os.path.join(model, "tokenizer"), 49152 - 256 - 2)
    tok = CLIPTokenizer.from_pretrained(os.path.join(model, "tokenizer"))
    mf.OUT = model

    te = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072,
                                      num_hidden_layers=12, num_attention_heads=12, max_position_embeddings=77,
                                      hidden_act="quick_gelu", projection_dim=768)).eval()
    mf.perturb(te)
    mf.round_to(te, torch.float16)
    mf.save_component(te, "text_encoder", "model.safetensors", torch.float16)
    # SD 1.5's unet/config.json values (the class defaults but cross_attention_dim 768)
    unet = UNet2DConditionModel(sample_size=64, cross_attention_dim=768, attention_head_dim=8).eval()
    mf.perturb(unet)
    mf.round_to(unet, torch.float16)
    mf.save_component(unet, "unet", "diffusion_pytorch_model.safetensors", torch.float16)
    vae = AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(128, 256, 512, 512),
                        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
                        layers_per_block=2, sample_size=512, scaling_factor=0.18215).eval()
    mf.perturb(vae)
    mf.round_to(vae, torch.float16)
    mf.save_component(vae, "vae", "diffusion_pytorch_model.safetensors", torch.float16)
    # The same weights as one single-file checkpoint with CompVis names,
    # the UNet part verified against diffusers' own converter.
    from diffusers.loaders.single_file_utils import convert_ldm_unet_checkpoint
    up_cross = ["CrossAttn" in t for t in unet.config.up_block_types]
    ckpt = {}
    for k, v in unet.state_dict().items():
        ckpt["model.diffusion_model." + mf.unet_to_compvis(k, 2, up_cross)] = v.half().contiguous()
    back = convert_ldm_unet_checkpoint(dict(ckpt), unet.config)
    assert set(back) == set(unet.state_dict())
    for k, v in vae.state_dict().items():
        cv = mf.vae_to_compvis(k, 4)
        if cv is not None:
            t = v.half()
            if ".mid.attn_1." in cv and cv.endswith("weight") and t.ndim == 2:
                t = t[:, :, None, None]
            ckpt["first_stage_model." + cv] = t.contiguous()
    for k, v in te.state_dict().items():
        kk = k if k.startswith("text_model.") else "text_model." + k
        ckpt["cond_stage_model.transformer." + kk] = v.half().contiguous()
    save_file(ckpt, os.path.join(out, "sd15-compvis.safetensors"))
    del ckpt, back
    te, unet, vae = te.double(), unet.double(), vae.double()

    prompt, neg = "a lighthouse on a cliff at dusk, digital painting", "blurry"
    ids = tok(prompt, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    with torch.no_grad():
        hid = te(ids)[0]
    refs = {"ids": ids.to(torch.int64).contiguous(), "hidden": mf.f32(hid)}
    xT = torch.randn(1, 4, 8, 8, dtype=torch.float64)
    refs["x_T"] = mf.f32(xT)
    sd15 = {"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "num_train_timesteps": 1000,
            "steps_offset": 1, "set_alpha_to_one": False, "clip_sample": False}
    for name, cls in (("euler", EulerDiscreteScheduler), ("dpmpp_2m", DPMSolverMultistepScheduler)):
        pipe = StableDiffusionPipeline(vae=vae, text_encoder=te, tokenizer=tok, unet=unet,
                                       scheduler=cls.from_config(sd15), safety_checker=None, feature_extractor=None,
                                       requires_safety_checker=False)
        with torch.no_grad():
            lat = pipe(prompt=prompt, negative_prompt=neg, height=64, width=64, num_inference_steps=2,
                       guidance_scale=7.5, latents=xT.clone(), output_type="latent").images
            img = vae.decode(lat / 0.18215).sample
        refs[name + ".latents"] = mf.f32(lat)
        refs[name + ".image"] = mf.f32(img)
    save_file(refs, os.path.join(out, "ref.safetensors"))
    print("wrote", out)


if __name__ == "__main__":
    main()
