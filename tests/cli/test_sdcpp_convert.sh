#!/bin/sh
# bench/sdcpp_convert (the converter bench/sdcpp.sh feeds stable-diffusion.cpp
# with) against diffusers' own single-file names: the tiny SD 1.x folder's
# file has every CompVis name of compvis_names.json and compvis_vae_encoder.json,
# the tiny SD 2.x folder's every name of compvis_sd2_names.json, q/k/v packed
# into in_proj in that order, each with the source tensors' bytes unchanged
# (the reference files come from tests/engine/make_fixtures.py and
# make_sd2_fixtures.py, i.e. diffusers' converters).
. tests/cli/lib.sh
BUILD_DIR=$(dirname "$LONGSD_BIN")
CONV=$BUILD_DIR/bench/sdcpp_convert
if [ ! -x "$CONV" ]; then
    make -s BUILD="$BUILD_DIR" "$CONV" >"$TMP/make.log" 2>&1 || { fail "build sdcpp_convert" "$(tail -5 "$TMP/make.log")"; finish; exit; }
fi
check "converts the tiny SD 1.x folder" "$CONV" folder "$REPO/tests/engine/tiny-sd" "$TMP/sd1.safetensors"
check "converts the tiny SD 2.x folder" "$CONV" folder "$REPO/tests/engine/tiny-sd2" "$TMP/sd2.safetensors"
check "names, shapes and bytes agree with diffusers' single-file names" $PY - "$REPO/tests/engine" "$TMP" <<'PYEOF'
import json, struct, sys
eng, tmp = sys.argv[1], sys.argv[2]
def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        h = json.loads(f.read(n))
        data = f.read()
    h.pop("__metadata__", None)
    return {k: (v["shape"], data[v["data_offsets"][0]:v["data_offsets"][1]]) for k, v in h.items()}
files = {"unet": "unet/diffusion_pytorch_model.safetensors", "vae": "vae/diffusion_pytorch_model.safetensors",
         "text_encoder": "text_encoder/model.safetensors"}
bad = []
def agree(out, folder, name, shape, comp, srcs):
    if name not in out:
        bad.append("missing %s" % name); return
    src = read("%s/%s/%s" % (eng, folder, files[comp]))
    want = b"".join(src[s][1] for s in srcs)
    got_shape, got = out[name]
    # the VAE's attention q/k/v/proj_out: CompVis stores 1x1 convs, diffusers linears
    if [d for d in got_shape if d != 1] != [d for d in shape if d != 1] or got != want:
        bad.append("%s: shape %s, expected %s; bytes %s" % (name, got_shape, shape, got == want))
out1 = read(tmp + "/sd1.safetensors")
for e in json.load(open(eng + "/compvis_names.json")):
    agree(out1, "tiny-sd", e["compvis"], e["shape"], e["component"], [e["diffusers"]])
for e in json.load(open(eng + "/compvis_vae_encoder.json")):
    c = e["compvis"] if e["compvis"].startswith("first_stage_model.") else "first_stage_model." + e["compvis"]
    agree(out1, "tiny-sd", c, e["shape"], "vae", [e["diffusers"]])
out2 = read(tmp + "/sd2.safetensors")
ref2 = json.load(open(eng + "/compvis_sd2_names.json"))
for e in ref2:
    if not e["from"]:
        continue  # in a real single file, not in the folder (OpenCLIP's last layer, dropped by diffusers)
    agree(out2, "tiny-sd2", e["name"], e["shape"], e["from"][0], e["from"][1:])
if not any("in_proj_weight" in e["name"] for e in ref2):
    bad.append("compvis_sd2_names.json has no packed in_proj")
if bad:
    print("\n".join(bad[:20])); sys.exit(1)
PYEOF
finish
