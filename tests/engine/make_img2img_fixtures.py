#!/usr/bin/env python3
"""make_img2img_fixtures.py - fixtures of img2img (issue 12 item 6), written
once on a developer machine; CI never runs it.

    pip install torch diffusers transformers safetensors pillow
    python3 tests/engine/make_img2img_fixtures.py   # from the repository root

It reuses the tiny SD 1.x pipeline of make_fixtures.py (tests/engine/tiny-sd,
its VAE has 16/32 channels, two blocks: a latent is 1/2 of the image) and
writes:

  img2img_init.png        a 24x16 RGB image (random pixels, fixed seed), the
                          init image of the runs below and of the CLI tests
  ref_img2img.safetensors
      image               that image as (3, 16, 24) bytes 0..255 (float)
      enc.mean, enc.logvar   AutoencoderKL.encode(image).latent_dist: the
                          encoder's output (after quant_conv), unscaled
      <run>.init          the posterior sample x scaling_factor (the
                          latents the pipeline starts from; none for TAESD)
      <run>.noised        after scheduler.add_noise at the first kept step
      <run>.latents       the final latents (output_type="latent")
      <run>.timesteps     the timesteps the loop ran
    for runs of StableDiffusionImg2ImgPipeline, strength 0.6, 5 steps
    (so int(5 * 0.6) = 3 steps run from t_start = 2), CFG 7.5, seed 1234
    with torch.Generator("cpu"):
      ea      EulerAncestralDiscreteScheduler
      euler   EulerDiscreteScheduler
      ddim    DDIMScheduler
      dpm     DPMSolverMultistepScheduler
      ea_s1   Euler a at strength 1.0 (every step; x = init + sigma_max noise)

  compvis_vae_encoder.json  the encoder's tensor names in a single-file
                          (CompVis) checkpoint, first_stage_model. prefix
                          left off, with their shapes there: checked here by
                          diffusers' own convert_ldm_vae_checkpoint, which must
                          turn them back into the folder's tensors

The pipeline runs in float64 from the stored (rounded) weights, like
make_fixtures.py, but every random draw is torch.randn in float32 on the
CPU generator, converted to float64: exactly the numbers a float32 pipeline
draws, so the engine's --rng cpu (rng_torch.c) reproduces them and the run
is compared end to end without passing noise in. The draws come in
diffusers' order: the posterior sample (latent_dist.sample(generator)),
the add_noise noise, then the ancestral noise of each step.
"""
import os

import numpy as np
import torch
from PIL import Image
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
SD = os.path.join(HERE, "tiny-sd")
SEED = 1234
PROMPT, NEGATIVE = "a photo of an astronaut riding a horse on mars", "blurry, ugly"


def f32(t):
    return t.detach().to(torch.float32).contiguous()


def compvis_encoder_name(name):
    """diffusers -> CompVis name of an encoder tensor (checked below)."""
    import re
    m = re.match(r"encoder\.down_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", name)
    if m:
        return "encoder.down.%s.block.%s.%s" % (m[1], m[2], m[3].replace("conv_shortcut.", "nin_shortcut."))
    m = re.match(r"encoder\.down_blocks\.(\d+)\.downsamplers\.0\.conv\.(.*)", name)
    if m:
        return "encoder.down.%s.downsample.conv.%s" % (m[1], m[2])
    m = re.match(r"encoder\.mid_block\.resnets\.(\d+)\.(.*)", name)
    if m:
        return "encoder.mid.block_%d.%s" % (int(m[1]) + 1, m[2])
    m = re.match(r"encoder\.mid_block\.attentions\.0\.(group_norm|to_q|to_k|to_v|to_out\.0)\.(.*)", name)
    if m:
        part = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out.0": "proj_out"}[m[1]]
        return "encoder.mid.attn_1.%s.%s" % (part, m[2])
    return name.replace("encoder.conv_norm_out.", "encoder.norm_out.")


def compvis_names(vae):
    import json
    from diffusers.loaders.single_file_utils import convert_ldm_vae_checkpoint
    sd = {k: v for k, v in vae.state_dict().items() if k.startswith("encoder.") or k.startswith("quant_conv.")}
    ldm = {}
    for k, v in sd.items():
        cv = compvis_encoder_name(k)
        # the original's attention projections are 1x1 convolutions
        ldm["first_stage_model." + cv] = v.reshape(*v.shape, 1, 1) if ".attn_1." in cv and v.dim() == 2 else v
    back = convert_ldm_vae_checkpoint(ldm, dict(vae.config))
    assert set(back) == set(sd), sorted(set(back) ^ set(sd))
    for k in sd:
        assert torch.equal(back[k].reshape(sd[k].shape), sd[k]), k
    rows = [{"diffusers": k, "compvis": compvis_encoder_name(k), "shape": list(ldm["first_stage_model." +
            compvis_encoder_name(k)].shape)} for k in sorted(sd)]
    with open(os.path.join(HERE, "compvis_vae_encoder.json"), "w") as f:
        json.dump(rows, f, indent=0)
    print("compvis encoder names:", len(rows), "checked by convert_ldm_vae_checkpoint")


def main():
    import diffusers.models.autoencoders.vae as vae_mod
    import diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion_img2img as i2i_mod
    import diffusers.schedulers.scheduling_euler_ancestral_discrete as ea_mod
    from diffusers import (AutoencoderKL, DDIMScheduler, DPMSolverMultistepScheduler, EulerAncestralDiscreteScheduler,
                           EulerDiscreteScheduler, StableDiffusionImg2ImgPipeline, UNet2DConditionModel)
    from transformers import CLIPTextModel, CLIPTokenizer

    tok = CLIPTokenizer.from_pretrained(os.path.join(SD, "tokenizer"))
    te = CLIPTextModel.from_pretrained(os.path.join(SD, "text_encoder")).double().eval()
    unet = UNet2DConditionModel.from_pretrained(os.path.join(SD, "unet")).double().eval()
    vae = AutoencoderKL.from_pretrained(os.path.join(SD, "vae")).double().eval()
    compvis_names(vae)

    g = torch.Generator().manual_seed(99)
    pix = torch.randint(0, 256, (16, 24, 3), generator=g, dtype=torch.uint8).numpy()
    # smooth a little so the image has structure, as a picture does
    pix = ((pix.astype(np.int32) + np.roll(pix, 1, axis=1).astype(np.int32)) // 2).astype(np.uint8)
    Image.fromarray(pix, "RGB").save(os.path.join(HERE, "img2img_init.png"))
    pil = Image.open(os.path.join(HERE, "img2img_init.png")).convert("RGB")
    refs = {"image": torch.from_numpy(np.array(pil).astype(np.float32)).permute(2, 0, 1).contiguous()}

    # the encoder alone, as the pipeline preprocesses the image
    from diffusers.image_processor import VaeImageProcessor
    x = VaeImageProcessor(vae_scale_factor=2).preprocess(pil).to(torch.float64)
    with torch.no_grad():
        dist = vae.encode(x).latent_dist
    refs["enc.mean"] = f32(dist.mean)
    refs["enc.logvar"] = f32(dist.logvar)

    draws = []

    def randn32(shape, generator=None, device=None, dtype=None, layout=None, **kw):
        r = torch.randn(shape, generator=generator, dtype=torch.float32)
        draws.append(r.clone())
        return r.to(dtype or torch.float32)

    for m in (vae_mod, i2i_mod, ea_mod):
        m.randn_tensor = randn32

    sd15 = {"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "num_train_timesteps": 1000,
            "steps_offset": 1, "set_alpha_to_one": False, "clip_sample": False, "skip_prk_steps": True}
    runs = (("ea", EulerAncestralDiscreteScheduler, 0.6), ("euler", EulerDiscreteScheduler, 0.6),
            ("ddim", DDIMScheduler, 0.6), ("dpm", DPMSolverMultistepScheduler, 0.6),
            ("ea_s1", EulerAncestralDiscreteScheduler, 1.0))
    for tag, cls, strength in runs:
        sch = cls.from_config(sd15)
        seen = {}
        real_add = sch.add_noise

        def add_noise(orig, noise, t, real_add=real_add, seen=seen):
            out = real_add(orig, noise, t)
            seen["init"], seen["noised"] = orig.clone(), out.clone()
            return out

        sch.add_noise = add_noise
        pipe = StableDiffusionImg2ImgPipeline(vae=vae, text_encoder=te, tokenizer=tok, unet=unet, scheduler=sch,
                                              safety_checker=None, feature_extractor=None,
                                              requires_safety_checker=False)
        draws.clear()
        ts = []
        with torch.no_grad():
            lat = pipe(prompt=PROMPT, negative_prompt=NEGATIVE, image=pil, strength=strength, num_inference_steps=5,
                       guidance_scale=7.5, output_type="latent", generator=torch.Generator().manual_seed(SEED),
                       callback_on_step_end=lambda p, i, t, kw: (ts.append(float(t)), kw)[1]).images
        refs[tag + ".init"] = f32(seen["init"])
        refs[tag + ".noised"] = f32(seen["noised"])
        refs[tag + ".latents"] = f32(lat)
        refs[tag + ".timesteps"] = torch.tensor(ts, dtype=torch.float32)
        refs[tag + ".draws"] = torch.stack([d.reshape(-1) for d in draws])
        print(tag, "timesteps", ts, "draws", len(draws))
    save_file(refs, os.path.join(HERE, "ref_img2img.safetensors"))


if __name__ == "__main__":
    main()
