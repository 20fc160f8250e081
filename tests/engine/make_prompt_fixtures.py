#!/usr/bin/env python3
"""Reference for the engine's A1111 prompt syntax (src/engine/prompt_weights.c).

An independent implementation of the algorithm of AUTOMATIC1111's webui
(modules/prompt_parser.py parse_prompt_attention, sd_hijack_clip.py
tokenize_line and the "Original" emphasis), written for these fixtures from
its described behaviour, on top of transformers' CLIPTokenizer and
CLIPTextModel (the tiny model of make_fixtures.py, float64), and diffusers'
StableDiffusionPipeline fed the resulting embeddings:

  prompt_parse.json          prompt -> [[text, weight], ...] or {"error": ...}
  prompt_chunks.json         prompt -> chunk ids and multipliers (77 each)
  ref_prompt.safetensors     prompt i -> hidden_i (n_chunks * 77, 32), and
                             the pipeline run: Euler a, 4 steps, CFG 7.5,
                             16x24 px, a 2-chunk weighted prompt against a
                             1-chunk negative padded with the empty prompt's
                             chunk, noise from torch.Generator("cpu")
                             .manual_seed(1234) drawn in float32 (x_T, then
                             each step's ancestral noise) -> final latents.

Run once (torch 2.15, transformers 5, diffusers 0.42 from PyPI):
    python3 tests/engine/make_prompt_fixtures.py
"""
import json
import os
import re

import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "tiny-sd")

ROUND, SQUARE = 1.1, 1 / 1.1
CHUNK, BACKOFF = 75, 20

# The tokenizer's alternatives in A1111's order: escapes, a lone backslash,
# openers, a ":weight)" closer, closers, plain text, a lone colon.
TOKEN = re.compile(r"\\\(|\\\)|\\\[|\\]|\\\\|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|]|[^\\()\[\]:]+|:")
BREAK = re.compile(r"\s*\bBREAK\b\s*", re.S)


def parse(text):
    out = []          # [text, weight]
    rounds, squares = [], []

    def scale(start, m):
        for p in range(start, len(out)):
            out[p][1] *= m

    for m in TOKEN.finditer(text):
        s, w = m.group(0), m.group(1)
        if s.startswith("\\"):
            out.append([s[1:], 1.0])
        elif s == "(":
            rounds.append(len(out))
        elif s == "[":
            squares.append(len(out))
        elif w is not None and rounds:
            scale(rounds.pop(), float(w))
        elif s == ")" and rounds:
            scale(rounds.pop(), ROUND)
        elif s == "]" and squares:
            scale(squares.pop(), SQUARE)
        else:
            for i, part in enumerate(BREAK.split(s)):
                if i:
                    out.append(["BREAK", -1])
                out.append([part, 1.0])
    for p in rounds:
        scale(p, ROUND)
    for p in squares:
        scale(p, SQUARE)
    if not out:
        out = [["", 1.0]]
    merged = [out[0]]
    for t, w in out[1:]:
        if merged[-1][1] == w:
            merged[-1][0] += t
        else:
            merged.append([t, w])
    return merged


def chunks(tok, text):
    pieces = parse(text)
    bos, eos = tok.bos_token_id, tok.eos_token_id
    comma = tok.convert_tokens_to_ids(",</w>")
    done, cur_t, cur_m = [], [], []
    last_comma = -1

    def close():
        nonlocal cur_t, cur_m, last_comma
        pad = CHUNK - len(cur_t)
        done.append(([bos] + cur_t + [eos] * pad + [eos], [1.0] + cur_m + [1.0] * pad + [1.0]))
        cur_t, cur_m, last_comma = [], [], -1

    for t, w in pieces:
        if t == "BREAK" and w == -1:
            close()
            continue
        for token in tok(t, add_special_tokens=False).input_ids:
            if token == comma:
                last_comma = len(cur_t)
            elif len(cur_t) == CHUNK and last_comma != -1 and len(cur_t) - last_comma <= BACKOFF:
                keep = last_comma + 1
                moved_t, moved_m = cur_t[keep:], cur_m[keep:]
                cur_t, cur_m = cur_t[:keep], cur_m[:keep]
                close()
                cur_t, cur_m = moved_t, moved_m
            if len(cur_t) == CHUNK:
                close()
            cur_t.append(token)
            cur_m.append(w)
    if cur_t or not done:
        close()
    return done


def encode(te, tok, text):
    outs = []
    for ids, mult in chunks(tok, text):
        with torch.no_grad():
            z = te(torch.tensor([ids])).last_hidden_state[0]
        m = torch.tensor(mult, dtype=torch.float64)
        # A1111 keeps the mean of each chunk: multiply, then rescale
        before = z.mean()
        z = z * m[:, None]
        z = z * (before / z.mean())
        outs.append(z)
    return torch.cat(outs)


LONG = ("a quiet harbour town at dusk, fishing boats with patched sails, gulls over the breakwater, "
        "lanterns in the windows of the tavern, (an old lighthouse keeper:1.3) climbing the spiral stairs, "
        "[fog rolling in from the sea], wet cobblestones reflecting orange light, a cat asleep on a coil of rope, "
        "children running along the pier, distant thunder, digital painting, trending on artstation")
NOCOMMA = " ".join(["the wanderer crossed an endless plain of silver grass under a violet sky"] * 6)

PROMPTS = [
    "a (red:1.5) house, [blue] sky, ((tall)) trees",
    "escaped \\(literal\\) brackets and a \\\\ backslash, ratio 3:4, (unclosed",
    "first part BREAK second part BREAKING news xBREAK",
    LONG,
    "(BREAK) [a:b:0.5] (x:-0.5) (y: +1.25 ) :3) ]",
    "",
    NOCOMMA,
    "(a (b:1.2) c:0.8) [[d]] BREAK BREAK",
]

PARSE_ONLY = [
    "plain words", "(a)", "[a]", "((a))", "[[a]]", "(a:1.2)", "(a:.5)", "(a:1.)", "(a: -1 )", "(a:+2)",
    "\\(a\\)", "\\[a\\]", "\\\\", "a\\b", "\\", "a:b", ":1.2)", "a:1.2)", "(a:1.2.3)", "(a:.)",
    "(a:1.2", "a)", "a]", "([a])", "[(a)]", "(a [b] c)", "BREAK", "BREAK BREAK", " BREAK ", "aBREAK",
    "BREAK_x", "a,BREAK,b", "a\u3000BREAK\u3000b", "(BREAK)", "a (b BREAK c:1.5) d", "\u00e9BREAK",
    "(((((deep)))))", "[[[[[shallow]]]]]", "(a:0)", "(a:1e5)", "x(y:2)z(w)", "((a:1.5):1.2)",
    "smile :) and :( and ( : )", "(a:1.2)(b:1.2)", "\\(a:1.2)",
]


def main():
    from transformers import CLIPTextModel, CLIPTokenizer
    from diffusers import AutoencoderKL, EulerAncestralDiscreteScheduler, StableDiffusionPipeline, UNet2DConditionModel
    import diffusers.schedulers.scheduling_euler_ancestral_discrete as ea

    tok = CLIPTokenizer.from_pretrained(os.path.join(MODEL, "tokenizer"))
    te = CLIPTextModel.from_pretrained(os.path.join(MODEL, "text_encoder")).double().eval()

    parsed = {}
    for p in PROMPTS + PARSE_ONLY:
        try:
            parsed[p] = parse(p)
        except ValueError as e:
            parsed[p] = {"error": str(e)}
    with open(os.path.join(HERE, "prompt_parse.json"), "w") as f:
        json.dump(parsed, f, ensure_ascii=False, indent=0)

    refs, chunked = {}, {}
    for i, p in enumerate(PROMPTS):
        chunked[p] = [{"ids": ids, "mult": m} for ids, m in chunks(tok, p)]
        refs[f"hidden_{i}"] = encode(te, tok, p).float().contiguous()
    with open(os.path.join(HERE, "prompt_chunks.json"), "w") as f:
        json.dump({"prompts": PROMPTS, "chunks": chunked}, f, ensure_ascii=False)

    # ---- the pipeline with those embeddings and torch CPU noise
    unet = UNet2DConditionModel.from_pretrained(os.path.join(MODEL, "unet")).double().eval()
    vae = AutoencoderKL.from_pretrained(os.path.join(MODEL, "vae")).double().eval()
    with open(os.path.join(MODEL, "scheduler", "scheduler_config.json")) as f:
        sch = EulerAncestralDiscreteScheduler.from_config(json.load(f))
    pos, neg = LONG, "blurry, (ugly:1.3), [low quality]"
    c, u = encode(te, tok, pos), encode(te, tok, neg)
    empty = encode(te, tok, "")
    while u.shape[0] < c.shape[0]:
        u = torch.cat([u, empty])
    H, W = 8, 12  # the tiny VAE upsamples by 2: 16x24 px
    g = torch.Generator("cpu").manual_seed(1234)
    xT = torch.randn((1, 4, H, W), generator=g, dtype=torch.float32)
    real = ea.randn_tensor

    def f32_noise(shape, generator=None, device=None, dtype=None, layout=None):
        # a float32 pipeline draws float32 noise; the reference math is float64
        return torch.randn(shape, generator=generator, dtype=torch.float32).to(torch.float64)

    ea.randn_tensor = f32_noise
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=te, tokenizer=tok, unet=unet, scheduler=sch,
                                   safety_checker=None, feature_extractor=None, requires_safety_checker=False)
    with torch.no_grad():
        lat = pipe(prompt_embeds=c[None], negative_prompt_embeds=u[None], height=2 * H, width=2 * W,
                   num_inference_steps=4, guidance_scale=7.5, latents=xT.double(), output_type="latent",
                   generator=g).images
    ea.randn_tensor = real
    refs["pipe_x_T"] = xT.contiguous()
    refs["pipe_latents"] = lat.float().contiguous()
    save_file(refs, os.path.join(HERE, "ref_prompt.safetensors"),
              metadata={"pipe_prompt": pos, "pipe_negative": neg, "pipe_seed": "1234", "sampler": "Euler a",
                        "steps": "4", "cfg": "7.5", "width": str(2 * W), "height": str(2 * H)})
    print({p[:40]: len(chunked[p]) for p in PROMPTS})


if __name__ == "__main__":
    main()
