#!/usr/bin/env python3
"""make_sdxl_lora_fixtures.py - LoRA on SDXL (issue 12 items 5 and 7), on
tiny-sdxl of make_sdxl_fixtures.py; written once, CI never runs it.

    pip install torch diffusers transformers peft safetensors
    python3 tests/engine/make_sdxl_lora_fixtures.py   # from the repository root,
                                                      # after make_sdxl_fixtures.py

Writes tests/engine/lora/:
  xl_diffusers.safetensors  peft adapters (r 4, alpha 4, random, F16-exact
                            values) on the UNet's to_q/k/v/out.0, proj_in and
                            every resnet conv1 (3x3: a conv LoRA), on both
                            text encoders' q/k/v/out_proj and fc1 (r 2) and on
                            bigG's text_projection (the pooled vector's
                            Linear, r 2: diffusers loads and fuses it), saved
                            by StableDiffusionXLPipeline.save_lora_weights:
                            "unet.*", "text_encoder.*", "text_encoder_2.*",
                            lora_A / lora_B
  xl_kohya.safetensors      the same matrices as kohya's sd-scripts writes an
                            SDXL LoRA: lora_unet_* in the original (SGM)
                            module names (input_blocks_4_1_transformer_blocks_
                            0_attn1_to_q, input_blocks_1_0_in_layers_2 for a
                            conv1: LoCon), lora_te1_* (CLIP-L), lora_te2_*
                            (bigG; its projection lora_te2_text_projection, as
                            diffusers' kohya converter reads it), lora_down /
                            lora_up F16 and .alpha = 2 r
                            with the up matrix halved, so alpha / r shows
  xl_kohya_dn.safetensors   the kohya layout with diffusers' module names
                            (lora_unet_down_blocks_1_attentions_0_...), as
                            converters and other trainers write it
and tests/engine/ref_sdxl_lora.safetensors: with the diffusers file loaded
by pipe.load_lora_weights and fused by pipe.fuse_lora(lora_scale=0.7), in
float64, on ref_sdxl.safetensors' inputs:
  te1.hidden, te2.hidden    hidden_states[-2] of the three prompts' ids
  te2.pooled                text_embeds
  unet.out                  one UNet call (batch 2, own pooled and time ids)
The script checks that peft's own merge (W + 0.7 * B @ A) gives the same.
"""
import copy
import json
import os

import torch
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "tiny-sdxl")
OUT = os.path.join(HERE, "lora")
SCALE = 0.7


def main():
    from diffusers import StableDiffusionXLPipeline, UNet2DConditionModel
    from peft import LoraConfig, inject_adapter_in_model
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    torch.manual_seed(13)
    unet = UNet2DConditionModel.from_pretrained(os.path.join(MODEL, "unet")).double().eval()
    te1 = CLIPTextModel.from_pretrained(os.path.join(MODEL, "text_encoder")).double().eval()
    te2 = CLIPTextModelWithProjection.from_pretrained(os.path.join(MODEL, "text_encoder_2")).double().eval()
    bases = {"unet": copy.deepcopy(unet), "te1": copy.deepcopy(te1), "te2": copy.deepcopy(te2)}
    ref = load_file(os.path.join(HERE, "ref_sdxl.safetensors"))

    unet = inject_adapter_in_model(LoraConfig(r=4, lora_alpha=4, init_lora_weights=False,
                                              target_modules=r".*(to_q|to_k|to_v|to_out\.0|proj_in|conv1)$"), unet)
    tcfg = LoraConfig(r=2, lora_alpha=2, init_lora_weights=False,
                      target_modules=["q_proj", "k_proj", "v_proj", "out_proj", "fc1"])
    te1 = inject_adapter_in_model(tcfg, te1)
    tcfg2 = copy.deepcopy(tcfg)
    tcfg2.target_modules = set(tcfg.target_modules) | {"text_projection"}
    te2 = inject_adapter_in_model(tcfg2, te2)
    with torch.no_grad():  # F16-exact values, so the kohya files (F16) hold the same numbers
        for m in (unet, te1, te2):
            for n, p in m.named_parameters():
                if "lora_" in n:
                    p.copy_((p * 0.5).half().double())

    def state(m, pre=""):  # peft's names without the adapter name
        return {pre + n.replace(".default", ""): p.detach().clone() for n, p in m.named_parameters() if "lora_" in n}

    # the diffusers file names the encoders' modules as this transformers
    # does (5: without "text_model.", which diffusers' loader needs); the
    # kohya files with it, as sd-scripts writes them
    su, s1, s2 = state(unet), state(te1), state(te2)
    assert "text_projection.lora_A.weight" in s2
    os.makedirs(OUT, exist_ok=True)
    StableDiffusionXLPipeline.save_lora_weights(
        OUT, unet_lora_layers={k: v.float() for k, v in su.items()},
        text_encoder_lora_layers={k: v.float() for k, v in s1.items()},
        text_encoder_2_lora_layers={k: v.float() for k, v in s2.items()},
        weight_name="xl_diffusers.safetensors", safe_serialization=True)

    # ---- kohya: the same A / B, alpha 2 r with B halved (the same delta)
    with open(os.path.join(HERE, "compvis_sdxl_names.json")) as f:
        sgm = {r["from"][1]: r["name"] for r in json.load(f) if r["from"][0] == "unet"}
    for fname, original in (("xl_kohya.safetensors", True), ("xl_kohya_dn.safetensors", False)):
        kd = {}
        for sd, prefix in ((su, "lora_unet_"), (s1, "lora_te1_"), (s2, "lora_te2_")):
            for k, a in sd.items():
                if not k.endswith(".lora_A.weight"):
                    continue
                mod = k[: -len(".lora_A.weight")]
                b = sd[mod + ".lora_B.weight"]
                if prefix == "lora_unet_" and original:
                    mod = sgm[mod + ".weight"][len("model.diffusion_model."):-len(".weight")]
                if prefix != "lora_unet_" and not mod.startswith("text_model.") and mod != "text_projection":
                    mod = "text_model." + mod
                key = prefix + mod.replace(".", "_")
                r = a.shape[0]
                kd[key + ".lora_down.weight"] = a.half()
                kd[key + ".lora_up.weight"] = (b / 2).half()
                kd[key + ".alpha"] = torch.tensor(2.0 * r).half()
        save_file(kd, os.path.join(OUT, fname), metadata={"ss_network_module": "networks.lora",
                                                            "ss_base_model_version": "sdxl_base_v1-0"})
        print(fname, len(kd), "tensors")

    # ---- reference: the diffusers file loaded and fused by diffusers
    pipe = StableDiffusionXLPipeline.from_pretrained(MODEL, torch_dtype=torch.float64)
    pipe.load_lora_weights(OUT, weight_name="xl_diffusers.safetensors")
    pipe.fuse_lora(lora_scale=SCALE)
    pipe.unload_lora_weights()
    ids1, ids2 = ref["te1.ids"].long(), ref["te2.ids"].long()
    sample, ctx = ref["unet.sample"].double(), ref["unet.context"].double()
    tstep = ref["unet.timestep"].double()[0]
    added = {"text_embeds": ref["unet.text_embeds"].double(), "time_ids": ref["unet.time_ids"].double()}

    def run(t1, t2, u):
        with torch.no_grad():
            o1 = t1(ids1, output_hidden_states=True)
            o2 = t2(ids2, output_hidden_states=True)
            out = u(sample, tstep, encoder_hidden_states=ctx, added_cond_kwargs=added).sample
        return {"te1.hidden": o1.hidden_states[-2], "te2.hidden": o2.hidden_states[-2],
                "te2.pooled": o2.text_embeds, "unet.out": out}

    fused = run(pipe.text_encoder, pipe.text_encoder_2, pipe.unet)
    # peft's merge by hand agrees
    merged = {}
    for name, sd in (("unet", su), ("te1", s1), ("te2", s2)):
        m = copy.deepcopy(bases[name])
        with torch.no_grad():
            for k, a in sd.items():
                if not k.endswith(".lora_A.weight"):
                    continue
                base = k[: -len(".lora_A.weight")]
                b = sd[base + ".lora_B.weight"]
                w = m.get_submodule(base).weight
                w += SCALE * (b.reshape(b.shape[0], -1) @ a.reshape(a.shape[0], -1)).reshape(w.shape)
        merged[name] = m
    hand = run(merged["te1"], merged["te2"], merged["unet"])
    bare = run(bases["te1"], bases["te2"], bases["unet"])
    for k in fused:
        e = (fused[k] - hand[k]).abs().max().item()
        moved = (fused[k] - bare[k]).abs().max().item()
        print(f"{k}: fuse_lora vs merge {e:.2e}, LoRA moves it by {moved:.3f} of {bare[k].abs().max().item():.3f}")
        assert e < 1e-9 and moved > 1e-2, k
    save_file({k: v.float().contiguous() for k, v in fused.items()}, os.path.join(HERE, "ref_sdxl_lora.safetensors"),
              metadata={"lora_scale": str(SCALE)})


if __name__ == "__main__":
    main()
