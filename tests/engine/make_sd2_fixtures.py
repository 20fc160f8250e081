#!/usr/bin/env python3
"""make_sd2_fixtures.py - fixtures of the SD 2.x family (issue 12 items 1-2:
SD 2.x and SD-Turbo), written once on a developer machine; CI never runs it.

    pip install torch diffusers transformers safetensors
    python3 tests/engine/make_sd2_fixtures.py      # from the repository root,
                                                   # after make_fixtures.py

It builds a tiny random pipeline shaped as SD 2.x is (what sets it apart
from SD 1.x, each in small):

  tokenizer       tiny-sd's vocabulary, padding with "!" (id 0) as the
                  SD 2 tokenizer's tokenizer_config.json says
  text_encoder    CLIPTextModel with hidden_act "gelu" (exact GELU), the
                  OpenCLIP penultimate layer already cut (3 layers), F16
  unet            use_linear_projection, one head count per block
                  (attention_head_dim [2, 4, 8] over 8/16/16 channels, so
                  the head width differs per block), upcast_attention, F16
  vae             a 2-stage AutoencoderKL, 8 wide, BF16
  scheduler       SD 2.1 (768-v)'s: DDIMScheduler, v_prediction

into tests/engine/tiny-sd2/, and what upstream computes from it in
ref_sd2.safetensors:

  clip.ids, clip.hidden     three prompts ("" among them) -> last_hidden_state
  unet.*                    one UNet call (batch 2, t = 981)
  euler2, euler_a2, ddim2, dpmpp3
                            v-prediction sampling with CFG 7.5 and each
                            class's default spacing (x_T, injected noise,
                            timesteps, final latents)
  turbo_e1, turbo_v1        SD-Turbo's way: EulerDiscreteScheduler,
                            "trailing", 1 step, guidance 0 (no unconditional
                            pass), epsilon (SD-Turbo's own config) and v
  single-file names         compvis_sd2_names.json: every tensor's name in an
                            original SD 2 checkpoint (OpenCLIP text encoder,
                            q/k/v packed as in_proj), checked against
                            diffusers' own single-file converters

The references run in float64 from the rounded weights, like make_fixtures.py.
"""
import json
import os
import shutil

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
SD1 = os.path.join(HERE, "tiny-sd")
OUT = os.path.join(HERE, "tiny-sd2")
torch.manual_seed(2222)

SD2_SCHED = {"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "num_train_timesteps": 1000,
             "steps_offset": 1, "set_alpha_to_one": False, "clip_sample": False, "skip_prk_steps": True,
             "prediction_type": "v_prediction", "trained_betas": None}
PROMPTS = ["a photo of an astronaut riding a horse on mars", "blurry, ugly", ""]


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


def save_component(model, sub, fname, dtype):
    d = os.path.join(OUT, sub)
    model.save_pretrained(d, safe_serialization=True)
    sd = {k: v.detach().to(dtype).contiguous() for k, v in model.state_dict().items()}
    for f in os.listdir(d):
        if f.endswith(".safetensors"):
            os.remove(os.path.join(d, f))
    save_file(sd, os.path.join(d, fname), metadata={"format": "pt"})


def f32(t):
    return t.detach().to(torch.float32).contiguous()


def spy_on(module, captured):
    real = module.randn_tensor

    def spy(*a, **k):
        r = real(*a, **k)
        captured.append(r.detach().clone())
        return r

    module.randn_tensor = spy
    return lambda: setattr(module, "randn_tensor", real)


def main():
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer
    from diffusers import (AutoencoderKL, DDIMScheduler, DPMSolverMultistepScheduler, EulerAncestralDiscreteScheduler,
                           EulerDiscreteScheduler, StableDiffusionPipeline, UNet2DConditionModel)
    import diffusers.schedulers.scheduling_euler_ancestral_discrete as ea

    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(os.path.join(OUT, "tokenizer"))
    refs = {}

    # ---- tokenizer: SD 2's pads with "!" (written as an AddedToken object, as
    # the real tokenizer_config.json has it)
    for f in ("vocab.json", "merges.txt"):
        shutil.copy(os.path.join(SD1, "tokenizer", f), os.path.join(OUT, "tokenizer", f))
    with open(os.path.join(OUT, "tokenizer", "tokenizer_config.json"), "w") as f:
        json.dump({"model_max_length": 77, "tokenizer_class": "CLIPTokenizer", "bos_token": "<|startoftext|>",
                   "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>",
                   "pad_token": {"__type": "AddedToken", "content": "!", "lstrip": False, "normalized": True,
                                 "rstrip": False, "single_word": False}}, f, indent=1)
    tok = CLIPTokenizer.from_pretrained(os.path.join(OUT, "tokenizer"))
    assert tok.pad_token == "!" and tok.pad_token_id == 0, (tok.pad_token, tok.pad_token_id)
    nv = len(tok.get_vocab())

    # ---- text encoder
    tcfg = CLIPTextConfig(vocab_size=nv, hidden_size=32, intermediate_size=64, num_hidden_layers=3,
                          num_attention_heads=4, max_position_embeddings=77, hidden_act="gelu",
                          bos_token_id=nv - 2, eos_token_id=nv - 1, pad_token_id=0, projection_dim=32)
    te = CLIPTextModel(tcfg).eval()
    perturb(te)
    round_to(te, torch.float16)
    save_component(te, "text_encoder", "model.safetensors", torch.float16)
    te = te.double()
    ids = tok(PROMPTS, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    assert ids[0, -1] == 0 and ids[2, 2] == 0, ids
    with torch.no_grad():
        refs["clip.hidden"] = f32(te(ids)[0])
    refs["clip.ids"] = ids.to(torch.float32).contiguous()  # exact; the C loader reads floats

    # ---- UNet
    unet = UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, block_out_channels=(8, 16, 16), layers_per_block=1,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"), cross_attention_dim=32,
        attention_head_dim=(2, 4, 8), use_linear_projection=True, upcast_attention=True, norm_num_groups=4).eval()
    perturb(unet)
    round_to(unet, torch.float16)
    save_component(unet, "unet", "diffusion_pytorch_model.safetensors", torch.float16)
    unet = unet.double()
    H, W = 8, 12
    sample = torch.randn(2, 4, H, W, dtype=torch.float64)
    ctx = torch.randn(2, 77, 32, dtype=torch.float64)
    tstep = torch.tensor(981.0, dtype=torch.float64)
    with torch.no_grad():
        out = unet(sample, tstep, encoder_hidden_states=ctx).sample
    refs.update({"unet.sample": f32(sample), "unet.timestep": f32(tstep.reshape(1)), "unet.context": f32(ctx),
                 "unet.out": f32(out)})

    # ---- VAE (only so the folder is whole; the VAE is SD 1.x's design)
    vae = AutoencoderKL(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 2,
                        up_block_types=("UpDecoderBlock2D",) * 2, block_out_channels=(8, 8), layers_per_block=1,
                        latent_channels=4, norm_num_groups=4, sample_size=16, scaling_factor=0.18215).eval()
    perturb(vae)
    round_to(vae, torch.bfloat16)
    save_component(vae, "vae", "diffusion_pytorch_model.safetensors", torch.bfloat16)
    vae = vae.double()

    os.makedirs(os.path.join(OUT, "scheduler"))
    with open(os.path.join(OUT, "scheduler", "scheduler_config.json"), "w") as f:
        json.dump(dict(SD2_SCHED, _class_name="DDIMScheduler"), f, indent=1)
    with open(os.path.join(OUT, "model_index.json"), "w") as f:
        json.dump({"_class_name": "StableDiffusionPipeline", "text_encoder": ["transformers", "CLIPTextModel"],
                   "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
                   "vae": ["diffusers", "AutoencoderKL"], "scheduler": ["diffusers", "DDIMScheduler"],
                   "safety_checker": [None, None], "feature_extractor": [None, None],
                   "requires_safety_checker": False}, f, indent=1)

    # ---- sampling
    xT = torch.randn(1, 4, H, W, dtype=torch.float64)
    refs["x_T"] = f32(xT)
    captured = []
    undo = spy_on(ea, captured)

    def run(tag, sch, steps, cfg):
        pipe = StableDiffusionPipeline(vae=vae, text_encoder=te, tokenizer=tok, unet=unet, scheduler=sch,
                                       safety_checker=None, feature_extractor=None, requires_safety_checker=False)
        captured.clear()
        with torch.no_grad():
            lat = pipe(prompt=PROMPTS[0], negative_prompt=PROMPTS[1], height=2 * H, width=2 * W,
                       num_inference_steps=steps, guidance_scale=cfg, latents=xT.clone(), output_type="latent",
                       generator=torch.Generator().manual_seed(7)).images
        refs[tag + ".latents"] = f32(lat)
        refs[tag + ".timesteps"] = f32(pipe.scheduler.timesteps.to(torch.float64))
        if captured:
            refs[tag + ".noise"] = f32(torch.stack(captured))
        print(tag, "timesteps", pipe.scheduler.timesteps.tolist(), "noise draws", len(captured),
              "max |latent|", float(lat.abs().max()))

    run("euler2", EulerDiscreteScheduler.from_config(SD2_SCHED), 2, 7.5)
    run("euler_a2", EulerAncestralDiscreteScheduler.from_config(SD2_SCHED), 2, 7.5)
    run("ddim2", DDIMScheduler.from_config(SD2_SCHED), 2, 7.5)
    run("dpmpp3", DPMSolverMultistepScheduler.from_config(SD2_SCHED), 3, 7.5)
    turbo = dict(SD2_SCHED, timestep_spacing="trailing")
    run("turbo_e1", EulerDiscreteScheduler.from_config(dict(turbo, prediction_type="epsilon")), 1, 0.0)
    run("turbo_v1", EulerDiscreteScheduler.from_config(turbo), 1, 0.0)
    undo()
    save_file(refs, os.path.join(HERE, "ref_sd2.safetensors"))
    write_single_file_names(te, unet, vae)


def write_single_file_names(te, unet, vae):
    """compvis_sd2_names.json: for each tensor of an original SD 2
    checkpoint made from tiny-sd2, its name, shape and where its numbers
    come from in the diffusers folder (a tensor, or q/k/v concatenated);
    checked by diffusers' converters mapping the checkpoint back."""
    import importlib.util
    from diffusers.loaders.single_file_utils import (convert_ldm_unet_checkpoint, convert_ldm_vae_checkpoint,
                                                     convert_open_clip_checkpoint)
    spec = importlib.util.spec_from_file_location("mf", os.path.join(HERE, "make_fixtures.py"))
    mf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mf)
    rows, ckpt = [], {}
    up_cross = ["CrossAttn" in t for t in unet.config.up_block_types]
    for k, v in unet.state_dict().items():
        cv = "model.diffusion_model." + mf.unet_to_compvis(k, unet.config.layers_per_block, up_cross)
        rows.append({"name": cv, "shape": list(v.shape), "from": ["unet", k]})
        ckpt[cv] = v
    for k, v in vae.state_dict().items():
        cv = mf.vae_to_compvis(k, len(vae.config.block_out_channels))
        if cv is None:
            continue
        cv = "first_stage_model." + cv
        shape = list(v.shape)
        if ".mid.attn_1." in cv and cv.endswith("weight") and len(shape) == 2:
            shape += [1, 1]
        rows.append({"name": cv, "shape": shape, "from": ["vae", k]})
        ckpt[cv] = v.reshape(shape)
    # OpenCLIP: resblocks.N.{ln_1, attn.in_proj_*, attn.out_proj, ln_2,
    # mlp.c_fc, mlp.c_proj}, ln_final, token_embedding, positional_embedding;
    # plus the last resblock that SD 2 skips (penultimate layer) and the
    # text projection, which the engine must ignore.
    P = "cond_stage_model.model."
    tsd = {k[len("text_model."):] if k.startswith("text_model.") else k: v for k, v in te.state_dict().items()}
    L, D = te.config.num_hidden_layers, te.config.hidden_size
    te_rows = [(P + "token_embedding.weight", ["embeddings.token_embedding.weight"]),
               (P + "positional_embedding", ["embeddings.position_embedding.weight"]),
               (P + "ln_final.weight", ["final_layer_norm.weight"]), (P + "ln_final.bias", ["final_layer_norm.bias"])]
    part = [("ln_1", "layer_norm1"), ("attn.out_proj", "self_attn.out_proj"), ("ln_2", "layer_norm2"),
            ("mlp.c_fc", "mlp.fc1"), ("mlp.c_proj", "mlp.fc2")]
    for i in range(L):
        a, b = "%stransformer.resblocks.%d." % (P, i), "encoder.layers.%d." % i
        for wb in ("weight", "bias"):
            te_rows.append((a + "attn.in_proj_" + wb, [b + "self_attn.%s_proj.%s" % (x, wb) for x in "qkv"]))
            for o, n in part:
                te_rows.append((a + o + "." + wb, [b + n + "." + wb]))
    for name, src in te_rows:
        v = torch.cat([tsd[s] for s in src], 0)
        rows.append({"name": name, "shape": list(v.shape), "from": ["text_encoder"] + src})
        ckpt[name] = v
    # the skipped last layer (random numbers: the engine must not use it)
    for o, n in part + [("attn.in_proj", None)]:
        for wb in ("weight", "bias"):
            src = tsd["encoder.layers.0.%s.%s" % (n or "self_attn.q_proj", wb)]
            shape = list(src.shape)
            if n is None:
                shape[0] *= 3
            rows.append({"name": "%stransformer.resblocks.%d.%s.%s" % (P, L, o, wb), "shape": shape, "from": []})
    rows.append({"name": P + "text_projection", "shape": [D, D], "from": []})
    # diffusers' own converters map it back exactly
    back = convert_ldm_unet_checkpoint(dict(ckpt), unet.config)
    usd = unet.state_dict()
    assert set(back) == set(usd) and all(torch.equal(back[k], usd[k]) for k in usd)
    tback = convert_open_clip_checkpoint(te, {k: v for k, v in ckpt.items() if k.startswith(P)})
    tsd_full = te.state_dict()
    for k, v in tback.items():
        kk = k if k in tsd_full else k[len("text_model."):]
        assert torch.equal(v, tsd_full[kk]), k
    assert len(tback) == len(tsd_full) - (1 if "text_model.embeddings.position_ids" in tsd_full else 0), (
        len(tback), len(tsd_full))
    with open(os.path.join(HERE, "compvis_sd2_names.json"), "w") as f:
        json.dump(rows, f, indent=0)
    print("single-file names:", len(rows))


if __name__ == "__main__":
    main()
