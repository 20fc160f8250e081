#!/usr/bin/env python3
"""make_sdxl_fixtures.py - fixtures of SDXL and SDXL-Turbo (issue 12 item
7), written once on a developer machine; CI never runs it.

    pip install torch diffusers transformers safetensors
    python3 tests/engine/make_sdxl_fixtures.py     # from the repository root,
                                                   # after make_fixtures.py

It builds a tiny random StableDiffusionXLPipeline, shaped as SDXL is (what
sets it apart from SD 1.x/2.x, each in small):

  tokenizer       tiny-sd's vocabulary, padding with EOS (CLIP ViT-L's)
  tokenizer_2     the same, padding with "!" (OpenCLIP bigG's)
  text_encoder    CLIPTextModel, quick_gelu, 24 wide, 3 layers, F16: the
                  penultimate hidden state (no final norm) is used
  text_encoder_2  CLIPTextModelWithProjection, exact GELU, 32 wide, 3
                  layers, projection 24 (not square, so a transposed
                  text_projection shows), F16: penultimate hidden state and
                  the pooled, projected EOS token
  unet            DownBlock2D first (no attention at the top resolution),
                  transformer_layers_per_block [1, 1, 2] (the mid block and
                  the up blocks take them reversed), layers_per_block 2,
                  linear projections, heads per block, cross_attention_dim
                  24 + 32 = 56, addition_embed_type "text_time" (6 time
                  ids, 8 sinusoids each, + the 24 pooled = 72), F16
  vae             a 2-stage AutoencoderKL with SDXL's scaling 0.13025, BF16
  scheduler       SDXL base's: EulerDiscreteScheduler, "leading", epsilon

into tests/engine/tiny-sdxl/, and what upstream computes from it in
ref_sdxl.safetensors:

  te1.*, te2.*        ids and hidden_states[-2] of three prompts ("" among
                      them); te2.pooled = text_embeds
  cond.embeds/pooled  encode_prompt's result for the first prompt (both
                      encoders' states concatenated to 56 channels)
  unet.*              one UNet call, batch 2, each sample its own pooled
                      vector and time ids
  vae.z, vae.img      a decode (the pipeline divides by 0.13025)
  xl_euler2           2 steps, CFG 5, a negative prompt
  xl_zero2            2 steps, CFG 5, no negative prompt: the pipeline's
                      force_zeros_for_empty_prompt gives zero conditioning
  xlturbo1            SDXL-Turbo's way: EulerAncestral, "trailing", 1 step,
                      guidance 0
  compvis_sdxl_names.json
                      every tensor's name in an original (SGM) SDXL
                      checkpoint made from tiny-sdxl, where its numbers come
                      from, and whether they are transposed (open_clip's
                      text_projection is x @ P, transformers' a Linear);
                      checked against diffusers' own single-file converters

The references run in float64 from the rounded weights, like make_fixtures.py.
"""
import json
import os
import shutil

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
SD1 = os.path.join(HERE, "tiny-sd")
OUT = os.path.join(HERE, "tiny-sdxl")
torch.manual_seed(4242)

XL_SCHED = {"beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "num_train_timesteps": 1000,
            "steps_offset": 1, "prediction_type": "epsilon", "timestep_spacing": "leading",
            "interpolation_type": "linear", "use_karras_sigmas": False, "clip_sample": False,
            "set_alpha_to_one": False, "sample_max_value": 1.0, "trained_betas": None}
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


def write_tokenizer(sub, pad):
    d = os.path.join(OUT, sub)
    os.makedirs(d)
    for f in ("vocab.json", "merges.txt"):
        shutil.copy(os.path.join(SD1, "tokenizer", f), os.path.join(d, f))
    cfg = {"model_max_length": 77, "tokenizer_class": "CLIPTokenizer", "bos_token": "<|startoftext|>",
           "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"}
    if pad:
        cfg["pad_token"] = pad
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump(cfg, f, indent=1)


def main():
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer
    from diffusers import (AutoencoderKL, EulerAncestralDiscreteScheduler, EulerDiscreteScheduler,
                           StableDiffusionXLPipeline, UNet2DConditionModel)
    import diffusers.schedulers.scheduling_euler_ancestral_discrete as ea

    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    refs = {}

    # ---- tokenizers: the same vocabulary; the second pads with "!"
    write_tokenizer("tokenizer", None)
    write_tokenizer("tokenizer_2", "!")
    tok = CLIPTokenizer.from_pretrained(os.path.join(OUT, "tokenizer"))
    tok2 = CLIPTokenizer.from_pretrained(os.path.join(OUT, "tokenizer_2"))
    assert tok2.pad_token_id == 0 and tok.pad_token_id == tok.eos_token_id
    nv = len(tok.get_vocab())

    # ---- text encoders
    c1 = CLIPTextConfig(vocab_size=nv, hidden_size=24, intermediate_size=48, num_hidden_layers=3,
                        num_attention_heads=4, max_position_embeddings=77, hidden_act="quick_gelu",
                        bos_token_id=nv - 2, eos_token_id=nv - 1, pad_token_id=1, projection_dim=24)
    c2 = CLIPTextConfig(vocab_size=nv, hidden_size=32, intermediate_size=64, num_hidden_layers=3,
                        num_attention_heads=4, max_position_embeddings=77, hidden_act="gelu",
                        bos_token_id=nv - 2, eos_token_id=nv - 1, pad_token_id=1, projection_dim=24)
    te = CLIPTextModel(c1).eval()
    te2 = CLIPTextModelWithProjection(c2).eval()
    for m, sub in ((te, "text_encoder"), (te2, "text_encoder_2")):
        perturb(m)
        round_to(m, torch.float16)
        save_component(m, sub, "model.safetensors", torch.float16)
    te, te2 = te.double(), te2.double()
    ids1 = tok(PROMPTS, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    ids2 = tok2(PROMPTS, padding="max_length", max_length=77, truncation=True, return_tensors="pt").input_ids
    assert ids2[0, -1] == 0 and ids1[0, -1] == nv - 1
    with torch.no_grad():
        o1 = te(ids1, output_hidden_states=True)
        o2 = te2(ids2, output_hidden_states=True)
    refs["te1.ids"] = ids1.to(torch.float32).contiguous()
    refs["te2.ids"] = ids2.to(torch.float32).contiguous()
    refs["te1.hidden"] = f32(o1.hidden_states[-2])
    refs["te2.hidden"] = f32(o2.hidden_states[-2])
    refs["te2.pooled"] = f32(o2.text_embeds)

    # ---- UNet
    unet = UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, block_out_channels=(8, 16, 16), layers_per_block=2,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"), cross_attention_dim=56,
        attention_head_dim=(2, 4, 8), transformer_layers_per_block=(1, 1, 2), use_linear_projection=True,
        addition_embed_type="text_time", addition_time_embed_dim=8, projection_class_embeddings_input_dim=72,
        norm_num_groups=4).eval()
    perturb(unet)
    round_to(unet, torch.float16)
    save_component(unet, "unet", "diffusion_pytorch_model.safetensors", torch.float16)
    unet = unet.double()
    H, W = 8, 12
    sample = torch.randn(2, 4, H, W, dtype=torch.float64)
    ctx = torch.randn(2, 77, 56, dtype=torch.float64)
    pooled = torch.randn(2, 24, dtype=torch.float64)
    tids = torch.tensor([[16.0, 24, 0, 0, 16, 24], [1024, 768, 8, 16, 512, 512]], dtype=torch.float64)
    tstep = torch.tensor(981.0, dtype=torch.float64)
    with torch.no_grad():
        out = unet(sample, tstep, encoder_hidden_states=ctx,
                   added_cond_kwargs={"text_embeds": pooled, "time_ids": tids}).sample
    refs.update({"unet.sample": f32(sample), "unet.timestep": f32(tstep.reshape(1)), "unet.context": f32(ctx),
                 "unet.text_embeds": f32(pooled), "unet.time_ids": f32(tids), "unet.out": f32(out)})

    # ---- VAE: SD's design with SDXL's scaling factor
    vae = AutoencoderKL(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 2,
                        up_block_types=("UpDecoderBlock2D",) * 2, block_out_channels=(8, 8), layers_per_block=1,
                        latent_channels=4, norm_num_groups=4, sample_size=16, scaling_factor=0.13025,
                        force_upcast=True).eval()
    perturb(vae)
    round_to(vae, torch.bfloat16)
    save_component(vae, "vae", "diffusion_pytorch_model.safetensors", torch.bfloat16)
    vae = vae.double()
    z = torch.randn(1, 4, H, W, dtype=torch.float64)
    with torch.no_grad():
        refs["vae.img"] = f32(vae.decode(z / vae.config.scaling_factor).sample)
    refs["vae.z"] = f32(z)

    os.makedirs(os.path.join(OUT, "scheduler"))
    with open(os.path.join(OUT, "scheduler", "scheduler_config.json"), "w") as f:
        json.dump(dict(XL_SCHED, _class_name="EulerDiscreteScheduler"), f, indent=1)
    with open(os.path.join(OUT, "model_index.json"), "w") as f:
        json.dump({"_class_name": "StableDiffusionXLPipeline", "force_zeros_for_empty_prompt": True,
                   "text_encoder": ["transformers", "CLIPTextModel"],
                   "text_encoder_2": ["transformers", "CLIPTextModelWithProjection"],
                   "tokenizer": ["transformers", "CLIPTokenizer"], "tokenizer_2": ["transformers", "CLIPTokenizer"],
                   "unet": ["diffusers", "UNet2DConditionModel"], "vae": ["diffusers", "AutoencoderKL"],
                   "scheduler": ["diffusers", "EulerDiscreteScheduler"]}, f, indent=1)

    def pipe_of(sch):
        return StableDiffusionXLPipeline(vae=vae, text_encoder=te, text_encoder_2=te2, tokenizer=tok,
                                         tokenizer_2=tok2, unet=unet, scheduler=sch,
                                         force_zeros_for_empty_prompt=True)

    with torch.no_grad():
        pe, _, pp, _ = pipe_of(EulerDiscreteScheduler.from_config(XL_SCHED)).encode_prompt(
            PROMPTS[0], device="cpu", do_classifier_free_guidance=False)
    refs["cond.embeds"] = f32(pe)
    refs["cond.pooled"] = f32(pp)

    # ---- sampling
    xT = torch.randn(1, 4, H, W, dtype=torch.float64)
    refs["x_T"] = f32(xT)
    captured = []
    undo = spy_on(ea, captured)

    def run(tag, sch, steps, cfg, negative):
        pipe = pipe_of(sch)
        captured.clear()
        with torch.no_grad():
            lat = pipe(prompt=PROMPTS[0], negative_prompt=negative, height=2 * H, width=2 * W,
                       num_inference_steps=steps, guidance_scale=cfg, latents=xT.clone(), output_type="latent",
                       generator=torch.Generator().manual_seed(7)).images
        refs[tag + ".latents"] = f32(lat)
        refs[tag + ".timesteps"] = f32(pipe.scheduler.timesteps.to(torch.float64))
        if captured:
            refs[tag + ".noise"] = f32(torch.stack(captured))
        print(tag, "timesteps", pipe.scheduler.timesteps.tolist(), "noise draws", len(captured),
              "max |latent|", float(lat.abs().max()))

    run("xl_euler2", EulerDiscreteScheduler.from_config(XL_SCHED), 2, 5.0, PROMPTS[1])
    run("xl_zero2", EulerDiscreteScheduler.from_config(XL_SCHED), 2, 5.0, None)
    turbo = dict(XL_SCHED, timestep_spacing="trailing")
    run("xlturbo1", EulerAncestralDiscreteScheduler.from_config(turbo), 1, 0.0, None)
    undo()
    save_file(refs, os.path.join(HERE, "ref_sdxl.safetensors"))
    write_single_file_names(te, te2, unet, vae)


def write_single_file_names(te, te2, unet, vae):
    """compvis_sdxl_names.json: rows {name, shape, from: [component,
    tensor...], T: transposed?} of an original SGM SDXL checkpoint made
    from tiny-sdxl; diffusers' converters map it back exactly."""
    import importlib.util
    from diffusers.loaders.single_file_utils import (convert_ldm_unet_checkpoint, convert_ldm_vae_checkpoint,
                                                     convert_open_clip_checkpoint)
    spec = importlib.util.spec_from_file_location("mf", os.path.join(HERE, "make_fixtures.py"))
    mf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mf)
    rows, ckpt = [], {}
    up_cross = ["CrossAttn" in t for t in unet.config.up_block_types]
    label = {"add_embedding.linear_1.": "label_emb.0.0.", "add_embedding.linear_2.": "label_emb.0.2."}
    for k, v in unet.state_dict().items():
        cv = None
        for a, b in label.items():
            if k.startswith(a):
                cv = b + k[len(a):]
        cv = "model.diffusion_model." + (cv or mf.unet_to_compvis(k, unet.config.layers_per_block, up_cross))
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
    # CLIP ViT-L keeps transformers' names under conditioner.embedders.0
    P1 = "conditioner.embedders.0.transformer."
    for k, v in te.state_dict().items():
        if k.endswith("position_ids"):
            continue
        kk = k if k.startswith("text_model.") else "text_model." + k
        rows.append({"name": P1 + kk, "shape": list(v.shape), "from": ["text_encoder", k]})
        ckpt[P1 + kk] = v
    # OpenCLIP bigG under conditioner.embedders.1.model: resblocks.N.{ln_1,
    # attn.in_proj_*, attn.out_proj, ln_2, mlp.c_fc, mlp.c_proj}, ln_final,
    # token_embedding, positional_embedding, text_projection (hidden, proj)
    P = "conditioner.embedders.1.model."
    tsd = {k[len("text_model."):] if k.startswith("text_model.") else k: v for k, v in te2.state_dict().items()}
    te_rows = [(P + "token_embedding.weight", ["embeddings.token_embedding.weight"]),
               (P + "positional_embedding", ["embeddings.position_embedding.weight"]),
               (P + "ln_final.weight", ["final_layer_norm.weight"]), (P + "ln_final.bias", ["final_layer_norm.bias"])]
    part = [("ln_1", "layer_norm1"), ("attn.out_proj", "self_attn.out_proj"), ("ln_2", "layer_norm2"),
            ("mlp.c_fc", "mlp.fc1"), ("mlp.c_proj", "mlp.fc2")]
    for i in range(te2.config.num_hidden_layers):
        a, b = "%stransformer.resblocks.%d." % (P, i), "encoder.layers.%d." % i
        for wb in ("weight", "bias"):
            te_rows.append((a + "attn.in_proj_" + wb, [b + "self_attn.%s_proj.%s" % (x, wb) for x in "qkv"]))
            for o, n in part:
                te_rows.append((a + o + "." + wb, [b + n + "." + wb]))
    for name, src in te_rows:
        v = torch.cat([tsd[s] for s in src], 0)
        rows.append({"name": name, "shape": list(v.shape), "from": ["text_encoder_2"] + src})
        ckpt[name] = v
    pw = tsd["text_projection.weight"]
    rows.append({"name": P + "text_projection", "shape": [pw.shape[1], pw.shape[0]],
                 "from": ["text_encoder_2", "text_projection.weight"], "T": True})
    ckpt[P + "text_projection"] = pw.t().contiguous()
    # diffusers' own converters map it back exactly
    back = convert_ldm_unet_checkpoint(dict(ckpt), unet.config)
    usd = unet.state_dict()
    assert set(back) == set(usd), set(back) ^ set(usd)
    assert all(torch.equal(back[k], usd[k]) for k in usd)
    vback = convert_ldm_vae_checkpoint(dict(ckpt), vae.config)
    vsd = vae.state_dict()
    for k in vback:
        if k in vsd:
            assert torch.equal(vback[k].reshape(vsd[k].shape), vsd[k]), k
    tback = convert_open_clip_checkpoint(te2, {k: v for k, v in ckpt.items() if k.startswith(P)},
                                         prefix=P)
    tsd_full = te2.state_dict()
    for k, v in tback.items():
        kk = k if k in tsd_full else k[len("text_model."):]
        assert torch.equal(v, tsd_full[kk]), k
    with open(os.path.join(HERE, "compvis_sdxl_names.json"), "w") as f:
        json.dump(rows, f, indent=0)
    print("single-file names:", len(rows))


if __name__ == "__main__":
    main()
