#!/usr/bin/env python3
"""LoRA fixtures for the engine (src/engine/lora.c), on the tiny model of
make_fixtures.py. Run once (torch 2.15, diffusers 0.42, peft, safetensors):
    python3 tests/engine/make_lora_fixtures.py

Writes tests/engine/lora/:
  diffusers.safetensors  peft adapters on the UNet (to_q/k/v/out.0, r 4,
                         alpha 4) and the text encoder (q/k/v/out_proj, r 2,
                         alpha 2) saved by diffusers' save_lora_weights
                         ("unet.<module>.lora_A.weight", lora_B, F32)
  kohya.safetensors      the same matrices in kohya/A1111 names
                         (lora_unet_*, lora_te_*, lora_down/lora_up F16,
                         .alpha) with alpha 8 on the UNet (scale 2), plus
                         LoCon entries on a 3x3 conv (resnets.0.conv1) and a
                         1x1 conv (proj_in), alpha 3 of rank 4
  diffusers_meta.safetensors  diffusers.safetensors' tensors saved with
                         diffusers' lora_adapter_metadata (the LoraConfig of
                         each component in the header): UNet r 4 lora_alpha
                         8 (scale 2), text encoder r 2 lora_alpha 3 (1.5)
  peft/                  a PEFT adapter folder as peft's save_pretrained
                         writes it (adapter_model.safetensors with
                         "base_model.model.<module>.lora_A.weight" names,
                         adapter_config.json) on the UNet's to_q/k/v/out.0:
                         r 4, lora_alpha 6 (scale 1.5), rank_pattern
                         attn2.to_k: 2 (scale 3), alpha_pattern one full
                         module name: 16 and to_v: 1.5; the scales are only
                         in the config
and tests/engine/ref_lora.safetensors:
  unet_peft, te_peft     the UNet / text encoder run by peft with the
                         diffusers file's adapters (weight 1), float64
  unet_peft_cfg          the UNet run by peft with the peft/ adapter
  unet_meta, te_meta     the networks of a float64 pipeline after
                         load_lora_weights(diffusers_meta.safetensors)
  unet_kohya, te_kohya   the networks with every kohya entry merged by hand
                         at multiplier 0.7: W + 0.7 * alpha/r * up @ down
The UNet input is ref_unet.safetensors' (sample, timestep, context), the
text encoder's the ids of ref_clip.safetensors. The script checks that
peft's forward and the hand merge agree on the shared adapters.
"""
import copy
import os

import torch
from safetensors.torch import load_file, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "tiny-sd")
OUT = os.path.join(HERE, "lora")
MULT = 0.7


def kohya(prefix, module):
    return prefix + module.replace(".", "_")


def main():
    from diffusers import StableDiffusionPipeline, UNet2DConditionModel
    from peft import LoraConfig, inject_adapter_in_model
    from transformers import CLIPTextModel

    torch.manual_seed(12)
    os.makedirs(OUT, exist_ok=True)
    unet = UNet2DConditionModel.from_pretrained(os.path.join(MODEL, "unet")).double().eval()
    te = CLIPTextModel.from_pretrained(os.path.join(MODEL, "text_encoder")).double().eval()
    base_unet, base_te = copy.deepcopy(unet), copy.deepcopy(te)
    ru = load_file(os.path.join(HERE, "ref_unet.safetensors"))
    rc = load_file(os.path.join(HERE, "ref_clip.safetensors"))
    sample, tstep, ctx = ru["sample"].double(), ru["timestep"].double()[0], ru["context"].double()
    ids = rc["ids"].long()

    unet = inject_adapter_in_model(LoraConfig(r=4, lora_alpha=4, init_lora_weights=False,
                                              target_modules=["to_q", "to_k", "to_v", "to_out.0"]), unet)
    te = inject_adapter_in_model(LoraConfig(r=2, lora_alpha=2, init_lora_weights=False,
                                            target_modules=["q_proj", "k_proj", "v_proj", "out_proj"]), te)
    # F16-representable values, so the kohya file (F16) holds the same numbers
    with torch.no_grad():
        for m in (unet, te):
            for n, p in m.named_parameters():
                if "lora_" in n:
                    p.copy_((p * 0.5).half().double())
    def lora_state(m, pre=""):  # peft's parameter names without the adapter name
        return {pre + n.replace(".default", ""): p.detach().clone() for n, p in m.named_parameters() if "lora_" in n}

    # transformers 5 names the encoder's modules without "text_model.", the
    # files people have (and transformers 4) with it
    su, st = lora_state(unet), lora_state(te, "" if hasattr(te, "text_model") else "text_model.")
    assert su and st
    StableDiffusionPipeline.save_lora_weights(OUT, unet_lora_layers={k: v.float() for k, v in su.items()},
                                              text_encoder_lora_layers={k: v.float() for k, v in st.items()},
                                              weight_name="diffusers.safetensors", safe_serialization=True)
    with torch.no_grad():
        unet_peft = unet(sample, tstep, encoder_hidden_states=ctx).sample
        te_peft = te(ids).last_hidden_state

    # ---- kohya: the same A/B pairs, UNet alpha 8 (scale 2), TE alpha 2 (scale 1), plus LoCon convs
    kd, merges = {}, []  # merges: (model, module, up (out, r), down (r, rest), scale)
    for model, sd, prefix, alpha in ((base_unet, su, "lora_unet_", 8.0), (base_te, st, "lora_te_", 2.0)):
        for k, a in sd.items():
            if not k.endswith("lora_A.weight"):
                continue
            mod = k[: -len(".lora_A.weight")]
            b = sd[mod + ".lora_B.weight"]
            key = kohya(prefix, mod)
            kd[key + ".lora_down.weight"] = a.half()
            kd[key + ".lora_up.weight"] = b.half()
            kd[key + ".alpha"] = torch.tensor(alpha).half()
            merges.append((model, mod.replace("text_model.", "") if model is base_te else mod, b, a,
                           alpha / a.shape[0]))
    for mod, shape in (("down_blocks.0.resnets.0.conv1", (16, 16, 3, 3)),
                       ("down_blocks.0.attentions.0.proj_in", (16, 16, 1, 1))):
        r = 4
        down = (torch.randn(r, shape[1], shape[2], shape[3]) * 0.1).half()
        up = (torch.randn(shape[0], r, 1, 1) * 0.1).half()
        key = kohya("lora_unet_", mod)
        kd[key + ".lora_down.weight"] = down
        kd[key + ".lora_up.weight"] = up
        kd[key + ".alpha"] = torch.tensor(3.0)
        merges.append((base_unet, mod, up.double().reshape(shape[0], r), down.double().reshape(r, -1), 3.0 / r))
    save_file(kd, os.path.join(OUT, "kohya.safetensors"), metadata={"ss_network_module": "networks.lora"})

    # hand merge: first at multiplier 1 on the shared adapters to check against peft
    def merged(mult, only_shared):
        mu, mt = copy.deepcopy(base_unet), copy.deepcopy(base_te)
        with torch.no_grad():
            for model, mod, up, down, scale in merges:
                tgt = (mu if model is base_unet else mt).get_submodule(mod)
                w = tgt.weight
                d = (up.double() @ down.double()).reshape(w.shape)
                s = scale if not only_shared else 1.0
                if only_shared and ("conv1" in mod or "proj_in" in mod):
                    continue
                w += mult * s * d
        return mu, mt

    mu, mt = merged(1.0, True)
    with torch.no_grad():
        e1 = (mu(sample, tstep, encoder_hidden_states=ctx).sample - unet_peft).abs().max().item()
        e2 = (mt(ids).last_hidden_state - te_peft).abs().max().item()
    assert e1 < 1e-9 and e2 < 1e-9, (e1, e2)
    mu, mt = merged(MULT, False)
    with torch.no_grad():
        unet_kohya = mu(sample, tstep, encoder_hidden_states=ctx).sample
        te_kohya = mt(ids).last_hidden_state
        unet_base = base_unet(sample, tstep, encoder_hidden_states=ctx).sample
    print("LoRA moves the UNet output by", (unet_kohya - unet_base).abs().max().item(), "of",
          unet_base.abs().max().item())
    # ---- a PEFT folder whose scales are only in adapter_config.json
    from peft import get_peft_model
    torch.manual_seed(34)
    pcfg = LoraConfig(r=4, lora_alpha=6, init_lora_weights=False,
                      target_modules=["to_q", "to_k", "to_v", "to_out.0"], rank_pattern={"attn2.to_k": 2},
                      alpha_pattern={"down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q": 16,
                                     "to_v": 1.5})
    pm = get_peft_model(copy.deepcopy(base_unet), pcfg)
    scales = {m.scaling["default"] for m in pm.modules() if getattr(m, "scaling", None)}
    assert scales == {4.0, 1.5, 3.0, 0.375}, scales  # every pattern took
    pm.float().save_pretrained(os.path.join(OUT, "peft"))
    os.remove(os.path.join(OUT, "peft", "README.md"))  # the model card: not needed
    pm.double()
    with torch.no_grad():
        unet_peft_cfg = pm(sample, tstep, encoder_hidden_states=ctx).sample
    # ---- the diffusers file with its LoraConfig in the header, as diffusers loads it
    StableDiffusionPipeline.save_lora_weights(
        OUT, unet_lora_layers={k: v.float() for k, v in su.items()},
        text_encoder_lora_layers={k: v.float() for k, v in st.items()},
        unet_lora_adapter_metadata={"r": 4, "lora_alpha": 8, "target_modules": ["to_q", "to_k", "to_v", "to_out.0"]},
        text_encoder_lora_adapter_metadata={"r": 2, "lora_alpha": 3,
                                            "target_modules": ["q_proj", "k_proj", "v_proj", "out_proj"]},
        weight_name="diffusers_meta.safetensors", safe_serialization=True)
    pipe = StableDiffusionPipeline.from_pretrained(MODEL, torch_dtype=torch.float64, safety_checker=None)
    pipe.load_lora_weights(OUT, weight_name="diffusers_meta.safetensors")
    sc = {m.scaling[k] for net in (pipe.unet, pipe.text_encoder) for m in net.modules()
          if getattr(m, "scaling", None) for k in m.scaling}
    assert sc == {2.0, 1.5}, sc  # diffusers read the header
    with torch.no_grad():
        unet_meta = pipe.unet(sample, tstep, encoder_hidden_states=ctx).sample
        te_meta = pipe.text_encoder(ids).last_hidden_state
    save_file({"unet_peft": unet_peft.float().contiguous(), "te_peft": te_peft.float().contiguous(),
               "unet_meta": unet_meta.float().contiguous(), "te_meta": te_meta.float().contiguous(),
               "unet_peft_cfg": unet_peft_cfg.float().contiguous(),
               "unet_kohya": unet_kohya.float().contiguous(), "te_kohya": te_kohya.float().contiguous()},
              os.path.join(HERE, "ref_lora.safetensors"), metadata={"kohya_multiplier": str(MULT)})
    print(len(kd), "kohya tensors,", len(su) + len(st), "diffusers tensors")


if __name__ == "__main__":
    main()
