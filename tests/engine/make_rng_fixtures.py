#!/usr/bin/env python3
"""Reference noise for the engine's --rng cpu and --rng cuda (src/engine/rng*.c).

Run once on a developer machine (torch from PyPI; torch 2.15.0 was used):
    python3 tests/engine/make_rng_fixtures.py tests/engine/ref_rng.safetensors

cpu:  torch.randn(shape, generator=torch.Generator("cpu").manual_seed(seed))
      itself, for 5 seeds x 3 shapes (under 16 elements: the scalar path; a
      multiple of 16; a tail that is not), then a second draw from the same
      generator (the ancestral noise of the next step continues the
      stream). torch picks its kernel by CPU: the AVX2 kernel (Cephes log
      and sincos) is what the engine reproduces, so this script runs torch
      with ATEN_CPU_CAPABILITY=avx2 in a child process; the default kernel of
      the machine is also stored (cpu_default_*) so the docs can say how far
      apart the two are.
cuda: no GPU is needed: an independent pure-Python Philox4x32-10 (Salmon et
      al. 2011, checked here against the published known-answer vectors)
      and the Box-Muller that A1111's "NV" source and stable-diffusion.cpp
      use: element i of draw number `offset` is built from the first two
      words of philox(counter=[offset, 0, i, 0], key=[seed lo, seed hi]),
      u = a/2^32 + 2^-33, v = (b/2^32 + 2^-33) * 2 pi, sqrt(-2 ln u) sin v,
      in double, then float32.
"""
import json
import math
import os
import subprocess
import sys

import numpy as np
from safetensors.numpy import save_file

SEEDS = [0, 1, 42, 1234567890, 4294967295]
SHAPES = [(3, 2, 2), (4, 8, 8), (4, 5, 7)]  # 12, 256 and 140 elements

M32 = 0xFFFFFFFF


def philox4x32_10(ctr, key):
    c0, c1, c2, c3 = ctr
    k0, k1 = key
    for _ in range(10):
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & M32, p1 & M32, ((p0 >> 32) ^ c3 ^ k1) & M32, p0 & M32
        k0 = (k0 + 0x9E3779B9) & M32
        k1 = (k1 + 0xBB67AE85) & M32
    return [c0, c1, c2, c3]


# Random123's kat_vectors for philox4x32 with 10 rounds
KAT = [
    ([0, 0, 0, 0], [0, 0], [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
    ([M32] * 4, [M32, M32], [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
    ([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0],
     [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]),
]


def philox_randn(seed, offset, n):
    key = [seed & M32, (seed >> 32) & M32]
    out = np.empty(n, dtype=np.float32)
    inv = 2.0 ** -32
    for i in range(n):
        a, b, _, _ = philox4x32_10([offset & M32, offset >> 32, i & M32, i >> 32], key)
        u = a * inv + inv / 2
        v = (b * inv + inv / 2) * (2 * math.pi)
        out[i] = np.float32(math.sqrt(-2.0 * math.log(u)) * math.sin(v))
    return out


def torch_child(cap):
    """Run torch in a child with ATEN_CPU_CAPABILITY=cap (None = default)."""
    env = dict(os.environ)
    if cap:
        env["ATEN_CPU_CAPABILITY"] = cap
    code = (
        "import json, sys, torch\n"
        "seeds, shapes = json.loads(sys.argv[1])\n"
        "out = {'cap': torch.backends.cpu.get_cpu_capability(), 'v': []}\n"
        "for s in seeds:\n"
        "    for sh in shapes:\n"
        "        g = torch.Generator('cpu').manual_seed(s)\n"
        "        a = torch.randn(sh, generator=g, dtype=torch.float32)\n"
        "        b = torch.randn(sh, generator=g, dtype=torch.float32)\n"
        "        out['v'].append([a.view(torch.int32).flatten().tolist(), b.view(torch.int32).flatten().tolist()])\n"
        "print(json.dumps(out))\n"
    )
    r = subprocess.run([sys.executable, "-c", code, json.dumps([SEEDS, SHAPES])], env=env, check=True,
                       capture_output=True, text=True)
    return json.loads(r.stdout)


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else "tests/engine/ref_rng.safetensors"
    for ctr, key, want in KAT:
        got = philox4x32_10(ctr, key)
        assert got == want, (ctr, key, [hex(x) for x in got])
    t = {}
    avx2 = torch_child("avx2")
    dflt = torch_child(None)
    assert avx2["cap"] == "AVX2", avx2["cap"]
    k = 0
    for s in SEEDS:
        for j, sh in enumerate(SHAPES):
            for d, name in ((avx2, "cpu"), (dflt, "cpu_default")):
                a, b = d["v"][k]
                t[f"{name}_{s}_{j}_0"] = np.array(a, dtype=np.int32).view(np.float32).reshape(sh)
                t[f"{name}_{s}_{j}_1"] = np.array(b, dtype=np.int32).view(np.float32).reshape(sh)
            n = int(np.prod(sh))
            t[f"cuda_{s}_{j}_0"] = philox_randn(s, 0, n).reshape(sh)
            t[f"cuda_{s}_{j}_1"] = philox_randn(s, 1, n).reshape(sh)
            k += 1
    diff = sum(int((t[f"cpu_{s}_{j}_{r}"] != t[f"cpu_default_{s}_{j}_{r}"]).sum())
               for s in SEEDS for j in range(3) for r in range(2))
    total = sum(int(np.prod(sh)) for sh in SHAPES) * len(SEEDS) * 2
    meta = {"seeds": json.dumps(SEEDS), "shapes": json.dumps(SHAPES), "default_cap": dflt["cap"],
            "default_vs_avx2_differing": f"{diff}/{total}"}
    save_file(t, out_path, metadata=meta)
    print(out_path, meta)


if __name__ == "__main__":
    main()
