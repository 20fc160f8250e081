#!/usr/bin/env python3
"""GGUF fixtures for the engine's GGUF reader (src/engine/gguf.c), written
with ggml's own Python writer. Run once (PyPI gguf 0.19, numpy; the tests
never need either):
    python3 tests/engine/make_gguf_fixtures.py

It also converts any single-file SD 1.x checkpoint:
    python3 tests/engine/make_gguf_fixtures.py --convert IN.safetensors OUT.gguf --type q8_0

Writes tests/engine/gguf/:
  tiny-f16.gguf, tiny-q8_0.gguf, tiny-q4_0.gguf
      the tiny-sd folder as one stable-diffusion.cpp-style file: CompVis
      names (compvis_names.json: model.diffusion_model.*, first_stage_model.*,
      cond_stage_model.transformer.text_model.*) and sd.cpp's rule for what
      gets converted: a tensor of 2 or more dimensions whose last (ggml's
      first) dimension is a multiple of the block size becomes the target
      type; 1-D tensors (biases, norms) and the rest keep their stored type.
      For f16 that means the F32 text encoder's matrices become F16, the
      F16 UNet stays as it is and the BF16 VAE stays BF16 (lossless).
  tiny-sdxl-f16.gguf, tiny-sdxl-q8_0.gguf
      the tiny-sdxl folder as one file with the original (SGM) names of
      compvis_sdxl_names.json, as stable-diffusion.cpp converts an SDXL
      checkpoint: conditioner.embedders.0.* (CLIP-L), .1.* (bigG: q/k/v
      packed, text_projection transposed), model.diffusion_model.*,
      first_stage_model.*; the same rule for what gets converted.
  blocks.gguf
      one [3, 64] tensor of each block type (q8_0 q4_0 q4_1 q5_0 q5_1, from
      random values with a zero row and large ones) and, beside each, the
      package's own dequantisation as F32 (ref.q8_0 ...), plus metadata of
      every value type, a string array and an array of arrays, and
      general.alignment 64.
"""
import argparse
import json
import os
import struct

import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q
from gguf import quants

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "tiny-sd")
OUT = os.path.join(HERE, "gguf")

TYPES = {"f16": Q.F16, "q8_0": Q.Q8_0, "q4_0": Q.Q4_0}


def read_safetensors(path):
    """name -> (storage dtype, float32 array); bf16 widened by hand since
    numpy has no bfloat16."""
    with open(path, "rb") as f:
        b = f.read()
    n = struct.unpack("<Q", b[:8])[0]
    hdr = json.loads(b[8:8 + n])
    hdr.pop("__metadata__", None)
    data = b[8 + n:]
    out = {}
    for k, v in hdr.items():
        s, e = v["data_offsets"]
        raw = data[s:e]
        dt = v["dtype"]
        if dt == "F32":
            a = np.frombuffer(raw, np.float32)
        elif dt == "F16":
            a = np.frombuffer(raw, np.float16).astype(np.float32)
        elif dt == "BF16":
            a = (np.frombuffer(raw, np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            raise SystemExit(f"{path}: {k}: dtype {dt} is not converted")
        out[k] = (dt, a.reshape(v["shape"]).copy())
    return out


def add(w, name, dt, a, target):
    """sd.cpp's rule (see the docstring); returns the type written."""
    blk = quants.GGML_QUANT_SIZES[target][0]
    if a.ndim >= 2 and a.shape[-1] % blk == 0 and not (target == Q.F16 and dt != "F32"):
        if target == Q.F16:
            w.add_tensor(name, a.astype(np.float16))
        else:
            w.add_tensor(name, quants.quantize(a, target), raw_dtype=target)
        return target
    if dt == "F16":
        w.add_tensor(name, a.astype(np.float16))
        return Q.F16
    if dt == "BF16":
        w.add_tensor(name, quants.quantize(a, Q.BF16), raw_dtype=Q.BF16)
        return Q.BF16
    w.add_tensor(name, a.astype(np.float32))
    return Q.F32


def tiny(kind):
    rows = json.load(open(os.path.join(HERE, "compvis_names.json")))
    files = {
        "unet": read_safetensors(os.path.join(MODEL, "unet", "diffusion_pytorch_model.safetensors")),
        "vae": read_safetensors(os.path.join(MODEL, "vae", "diffusion_pytorch_model.safetensors")),
        "text_encoder": read_safetensors(os.path.join(MODEL, "text_encoder", "model.safetensors")),
    }
    path = os.path.join(OUT, f"tiny-{kind}.gguf")
    w = gguf.GGUFWriter(path, "stable-diffusion")
    count = {}
    for r in rows:
        dt, a = files[r["component"]][r["diffusers"]]
        a = a.reshape(r["shape"])  # CompVis shapes (the VAE's attention is 1x1 convs there)
        t = add(w, r["compvis"], dt, a, TYPES[kind])
        count[t.name] = count.get(t.name, 0) + 1
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(path, os.path.getsize(path), "bytes", count)


def tiny_sdxl(kind):
    """tiny-sdxl as the rows of compvis_sdxl_names.json say: each tensor
    its sources stacked along dim 0 (q, k, v), transposed when T."""
    xl = os.path.join(HERE, "tiny-sdxl")
    files = {
        "unet": read_safetensors(os.path.join(xl, "unet", "diffusion_pytorch_model.safetensors")),
        "vae": read_safetensors(os.path.join(xl, "vae", "diffusion_pytorch_model.safetensors")),
        "text_encoder": read_safetensors(os.path.join(xl, "text_encoder", "model.safetensors")),
        "text_encoder_2": read_safetensors(os.path.join(xl, "text_encoder_2", "model.safetensors")),
    }
    path = os.path.join(OUT, f"tiny-sdxl-{kind}.gguf")
    w = gguf.GGUFWriter(path, "stable-diffusion")
    count = {}
    for r in json.load(open(os.path.join(HERE, "compvis_sdxl_names.json"))):
        comp = files[r["from"][0]]
        src = []
        for n in r["from"][1:]:
            # transformers' text encoders keep their layers under text_model.
            # (the projection sits beside it)
            if n not in comp and not n.startswith("text_projection"):
                n = "text_model." + n
            src.append(comp[n])
        dt = src[0][0]
        a = np.concatenate([x[1] for x in src], axis=0) if len(src) > 1 else src[0][1]
        if r.get("T"):
            a = a.T
        a = np.ascontiguousarray(a.reshape(r["shape"]))
        t = add(w, r["name"], dt, a, TYPES[kind])
        count[t.name] = count.get(t.name, 0) + 1
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(path, os.path.getsize(path), "bytes", count)


def convert(src, dst, kind):
    w = gguf.GGUFWriter(dst, "stable-diffusion")
    for name, (dt, a) in read_safetensors(src).items():
        add(w, name, dt, a, TYPES[kind])
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def blocks():
    rng = np.random.default_rng(15)
    path = os.path.join(OUT, "blocks.gguf")
    w = gguf.GGUFWriter(path, "longsd-test")
    w.add_custom_alignment(64)
    w.add_uint8("t.u8", 200)
    w.add_int8("t.i8", -100)
    w.add_uint16("t.u16", 60000)
    w.add_int16("t.i16", -30000)
    w.add_uint32("t.u32", 4000000000)
    w.add_int32("t.i32", -2000000000)
    w.add_float32("t.f32", 1.5)
    w.add_bool("t.bool", True)
    w.add_string("t.str", "grüße")
    w.add_uint64("t.u64", 2**63 + 5)
    w.add_int64("t.i64", -(2**62))
    w.add_float64("t.f64", -0.25)
    w.add_array("t.arr_i32", [1, -2, 3])
    w.add_array("t.arr_str", ["a", "bc", ""])
    w.add_array("t.arr_arr", [[1, 2], [3]])
    x = rng.standard_normal((3, 64)).astype(np.float32)
    x[1] = 0
    x[2, :32] *= 1000
    for name, t in (("q8_0", Q.Q8_0), ("q4_0", Q.Q4_0), ("q4_1", Q.Q4_1), ("q5_0", Q.Q5_0), ("q5_1", Q.Q5_1)):
        q = quants.quantize(x, t)
        w.add_tensor(name, q, raw_dtype=t)
        w.add_tensor("ref." + name, quants.dequantize(q, t).astype(np.float32))
    w.add_tensor("ref.src", x)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(path, os.path.getsize(path), "bytes")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--convert", nargs=2, metavar=("IN", "OUT"))
    ap.add_argument("--type", default="q8_0", choices=sorted(TYPES))
    a = ap.parse_args()
    if a.convert:
        convert(a.convert[0], a.convert[1], a.type)
        return
    os.makedirs(OUT, exist_ok=True)
    for kind in TYPES:
        tiny(kind)
    for kind in ("f16", "q8_0"):
        tiny_sdxl(kind)
    blocks()


if __name__ == "__main__":
    main()
