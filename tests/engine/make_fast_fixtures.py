#!/usr/bin/env python3
"""make_fast_fixtures.py - fixtures of the fast CPU path (issue 12: TAESD,
LCM, SD-Turbo), written once on a developer machine; CI never runs it.

    pip install torch diffusers transformers safetensors
    python3 tests/engine/make_fast_fixtures.py     # from the repository root,
                                                   # after make_fixtures.py

It reuses the tiny SD 1.x pipeline of make_fixtures.py (tests/engine/tiny-sd)
and adds:

  tiny-taesd/          a diffusers AutoencoderTiny folder, two stages (the
                       latent scale of tiny-sd), block counts (1,2)/(2,1),
                       8 channels wide, F16 weights
  tiny-taesd-orig/     taesd_decoder.safetensors + taesd_encoder.safetensors
                       in the original layout (TAESD's fixed block counts,
                       8 wide, F32), made by renaming an AutoencoderTiny's
                       tensors as diffusers' convert script maps them back
  tiny-lcm-unet/       the tiny UNet with time_cond_proj_dim = 8 (an LCM
                       distilled UNet's guidance input), F16
  ref_taesd.safetensors  image -> encoder latents, latents -> decoded image,
                       for both TAESDs
  ref_fast.safetensors   sampled latents (and the noise diffusers drew) of:
      turbo_ea1, turbo_ea4   EulerAncestral "trailing", 1 and 4 steps, cfg 0
      turbo_e2, turbo_ddim2  Euler / DDIM "trailing", 2 steps, cfg 0
      lcm4                   LatentConsistencyModelPipeline on tiny-lcm-unet,
                             4 steps, guidance 8 (embedding, no CFG pass)
      lcm_sd3                StableDiffusionPipeline + LCMScheduler on the
                             plain tiny UNet (the LCM-LoRA way), 3 steps, CFG 1.5
The references run in float64 from the rounded weights, like make_fixtures.py.
"""
import json
import os
import shutil

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
SD = os.path.join(HERE, "tiny-sd")
torch.manual_seed(4321)


def perturb(model, scale=0.1):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.copy_(torch.randn_like(p) * scale)
            elif "norm" in name:
                p.copy_(1 + torch.randn_like(p) * scale)


def round_to(model, dtype):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(dtype).to(p.dtype))


def save_folder(model, d, dtype):
    if os.path.isdir(d):
        shutil.rmtree(d)
    model.save_pretrained(d, safe_serialization=True)
    sd = {k: v.detach().to(dtype).contiguous() for k, v in model.state_dict().items()}
    for f in os.listdir(d):
        if f.endswith(".safetensors"):
            os.remove(os.path.join(d, f))
    save_file(sd, os.path.join(d, "diffusion_pytorch_model.safetensors"), metadata={"format": "pt"})


def f32(t):
    return t.detach().to(torch.float32).contiguous()


def taesd_fixtures(refs):
    from diffusers import AutoencoderTiny

    H, W = 16, 24  # image; latents 8x12 with 2 stages (like tiny-sd's VAE), 2x3 with 4
    # 1: a diffusers folder with two stages and odd block counts (the config
    # drives the layout; two stages fit tiny-sd's 2x latents)
    a = AutoencoderTiny(encoder_block_out_channels=(8,) * 2, decoder_block_out_channels=(8,) * 2,
                        num_encoder_blocks=(1, 2), num_decoder_blocks=(2, 1)).eval()
    perturb(a, 0.3)
    round_to(a, torch.float16)
    save_folder(a, os.path.join(HERE, "tiny-taesd"), torch.float16)
    # 2: the original layout (TAESD's own block counts)
    b = AutoencoderTiny(encoder_block_out_channels=(8,) * 4, decoder_block_out_channels=(8,) * 4).eval()
    perturb(b, 0.3)
    d = os.path.join(HERE, "tiny-taesd-orig")
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    enc, dec = {}, {}
    for k, v in b.state_dict().items():
        v = v.detach().float().contiguous()
        if k.startswith("encoder.layers."):
            enc[k[len("encoder.layers."):]] = v
        elif k.startswith("decoder.layers."):
            i, rest = k[len("decoder.layers."):].split(".", 1)
            dec["%d.%s" % (int(i) + 1, rest)] = v  # the original's Clamp is layer 0
    save_file(enc, os.path.join(d, "taesd_encoder.safetensors"))
    save_file(dec, os.path.join(d, "taesd_decoder.safetensors"))
    img = torch.rand(1, 3, H, W, dtype=torch.float64) * 2 - 1
    refs["taesd.image"] = f32(img)
    for name, m, f in (("diffusers", a, 2), ("orig", b, 8)):
        m = m.double()
        lat = torch.randn(1, 4, H // f, W // f, dtype=torch.float64) * 2
        refs["taesd.%s.latents" % name] = f32(lat)
        with torch.no_grad():
            refs["taesd.%s.encoded" % name] = f32(m.encode(img).latents)
            refs["taesd.%s.decoded" % name] = f32(m.decode(lat).sample)
    print("taesd: encoded", refs["taesd.diffusers.encoded"].shape, "decoded", refs["taesd.diffusers.decoded"].shape)


def spy_on(module, captured):
    real = module.randn_tensor

    def spy(*a, **k):
        r = real(*a, **k)
        captured.append(r.detach().clone())
        return r

    module.randn_tensor = spy
    return lambda: setattr(module, "randn_tensor", real)


def sampling_fixtures(refs):
    import diffusers.schedulers.scheduling_euler_ancestral_discrete as ea
    import diffusers.schedulers.scheduling_lcm as lcm
    from diffusers import (AutoencoderKL, DDIMScheduler, EulerAncestralDiscreteScheduler, EulerDiscreteScheduler,
                           LatentConsistencyModelPipeline, LCMScheduler, StableDiffusionPipeline,
                           UNet2DConditionModel)
    from transformers import CLIPTextModel, CLIPTokenizer

    tok = CLIPTokenizer.from_pretrained(os.path.join(SD, "tokenizer"))
    te = CLIPTextModel.from_pretrained(os.path.join(SD, "text_encoder")).double().eval()
    unet = UNet2DConditionModel.from_pretrained(os.path.join(SD, "unet")).double().eval()
    vae = AutoencoderKL.from_pretrained(os.path.join(SD, "vae")).double().eval()
    sd15 = {"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "num_train_timesteps": 1000,
            "steps_offset": 1, "set_alpha_to_one": False, "clip_sample": False}
    H, W = 8, 12
    xT = torch.randn(1, 4, H, W, dtype=torch.float64)
    refs["x_T"] = f32(xT)
    prompt, negative = "a photo of an astronaut riding a horse on mars", "blurry, ugly"
    captured = []
    undo = [spy_on(ea, captured), spy_on(lcm, captured)]

    def run(tag, pipe, steps, cfg, **kw):
        captured.clear()
        with torch.no_grad():
            lat = pipe(prompt=prompt, height=2 * H, width=2 * W, num_inference_steps=steps, guidance_scale=cfg,
                       latents=xT.clone(), output_type="latent", generator=torch.Generator().manual_seed(7),
                       **kw).images
        refs[tag + ".latents"] = f32(lat)
        refs[tag + ".timesteps"] = f32(pipe.scheduler.timesteps.to(torch.float64))
        if captured:
            refs[tag + ".noise"] = f32(torch.stack(captured))
        print(tag, "timesteps", pipe.scheduler.timesteps.tolist(), "noise draws", len(captured))

    trailing = dict(sd15, timestep_spacing="trailing")
    for tag, cls, steps in (("turbo_ea1", EulerAncestralDiscreteScheduler, 1),
                            ("turbo_ea4", EulerAncestralDiscreteScheduler, 4),
                            ("turbo_e2", EulerDiscreteScheduler, 2), ("turbo_ddim2", DDIMScheduler, 2)):
        pipe = StableDiffusionPipeline(vae=vae, text_encoder=te, tokenizer=tok, unet=unet,
                                       scheduler=cls.from_config(trailing), safety_checker=None,
                                       feature_extractor=None, requires_safety_checker=False)
        run(tag, pipe, steps, 0.0, negative_prompt=negative)

    # an LCM distilled UNet: the tiny UNet's shapes plus time_cond_proj_dim
    cfg = dict(unet.config)
    cfg["time_cond_proj_dim"] = 8
    lu = UNet2DConditionModel.from_config(cfg).eval()
    perturb(lu)
    round_to(lu, torch.float16)
    save_folder(lu, os.path.join(HERE, "tiny-lcm-unet"), torch.float16)
    lu = lu.double()
    lcm_cfg = dict(sd15, original_inference_steps=50, timestep_scaling=10.0, set_alpha_to_one=True,
                   timestep_spacing="leading")
    pipe = LatentConsistencyModelPipeline(vae=vae, text_encoder=te, tokenizer=tok, unet=lu,
                                          scheduler=LCMScheduler.from_config(lcm_cfg), safety_checker=None,
                                          feature_extractor=None, requires_safety_checker=False)
    run("lcm4", pipe, 4, 8.0)
    with open(os.path.join(HERE, "tiny-lcm-unet", "scheduler_config.json"), "w") as f:
        json.dump(dict(lcm_cfg, _class_name="LCMScheduler"), f, indent=1)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=te, tokenizer=tok, unet=unet,
                                   scheduler=LCMScheduler.from_config(sd15), safety_checker=None,
                                   feature_extractor=None, requires_safety_checker=False)
    run("lcm_sd3", pipe, 3, 1.5, negative_prompt=negative)
    for u in undo:
        u()


def main():
    refs = {}
    taesd_fixtures(refs)
    save_file({k: v for k, v in refs.items() if k.startswith("taesd.")}, os.path.join(HERE, "ref_taesd.safetensors"))
    refs = {}
    sampling_fixtures(refs)
    save_file(refs, os.path.join(HERE, "ref_fast.safetensors"))


if __name__ == "__main__":
    main()
