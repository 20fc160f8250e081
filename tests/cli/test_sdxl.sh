#!/bin/sh
# SDXL and SDXL-Turbo through the CLI (issue 12 item 7) on the tiny SDXL
# pipeline of tests/engine/tiny-sdxl (two tokenizers and text encoders, a
# text_time UNet): `longsd models` labels the folder sdxl; `sd` draws with
# CFG and a negative prompt, deterministically, A1111's weights and BREAK
# change the picture; the SDXL-Turbo way (EulerAncestral, trailing
# timesteps, 1 step, CFG 0) draws too; a kohya SDXL LoRA as a <lora:> tag
# and as --lora changes the picture and stays in the parameters; a
# malformed second text encoder and an SD 1.x LoRA are clear errors.
. tests/cli/lib.sh
M=$TMP/models/tiny-sdxl
mkdir -p "$TMP/models"
cp -r "$REPO/tests/engine/tiny-sdxl" "$M"

if HF_HUB_CACHE=$TMP/hf "$LONGSD_BIN" models --models-dir "$TMP/models" --json >"$TMP/models.json" 2>"$TMP/err"; then
    pass "models on a folder with an SDXL pipeline"
else fail "models on a folder with an SDXL pipeline" "$(cat "$TMP/err")"; fi
check "the folder is labelled sdxl" $PY - "$TMP/models.json" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1]))
assert [(x["name"], x["kind"], x["family"]) for x in m] == [("tiny-sdxl", "diffusers", "sdxl")], m
PYEOF

sd() { "$LONGSD_BIN" -q sd --backend "native=$M" --size 64x64 --seed 7 "$@"; }
if sd --steps 2 --cfg 5 --negative "blurry" "a red fox in the snow" -o "$TMP/a.png" 2>"$TMP/err" &&
   sd --steps 2 --cfg 5 --negative "blurry" "a red fox in the snow" -o "$TMP/b.png" 2>>"$TMP/err" &&
   sd --steps 2 --cfg 5 --negative "blurry" "a (red:1.4) fox BREAK in the snow" -o "$TMP/w.png" 2>>"$TMP/err"; then
    pass "sd on an SDXL folder"
else fail "sd on an SDXL folder" "$(cat "$TMP/err")"; fi
check "same seed, same image" cmp "$TMP/a.png" "$TMP/b.png"
check "PNG parameters; weights and BREAK change the picture" $PY - "$TMP/a.png" "$TMP/w.png" <<'PYEOF'
import struct, sys
a, w = (open(f, "rb").read() for f in sys.argv[1:3])
assert a[:8] == b"\x89PNG\r\n\x1a\n"
assert struct.unpack(">II", a[16:24]) == (64, 64)
assert b"a red fox in the snow\nNegative prompt: blurry\nSteps: 2, Sampler: Euler a, CFG scale: 5, Seed: 7, Size: 64x64" in a, a[:400]
assert a != w
PYEOF

# SDXL-Turbo: the same pipeline with its scheduler config
T=$TMP/turbo
cp -r "$REPO/tests/engine/tiny-sdxl" "$T"
cat >"$T/scheduler/scheduler_config.json" <<'JSON'
{"_class_name": "EulerAncestralDiscreteScheduler", "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
 "num_train_timesteps": 1000, "steps_offset": 1, "prediction_type": "epsilon", "timestep_spacing": "trailing",
 "interpolation_type": "linear", "use_karras_sigmas": false, "trained_betas": null}
JSON
if "$LONGSD_BIN" -q sd --backend "native=$T" --size 64x64 --steps 1 --cfg 0 --seed 7 "a red fox" -o "$TMP/t.png" \
       2>"$TMP/err" && grep -aq "Steps: 1, Sampler: Euler a, CFG scale: 0, Seed: 7, Size: 64x64" "$TMP/t.png"; then
    pass "sd on an SDXL-Turbo folder, 1 step without CFG"
else fail "sd on an SDXL-Turbo folder, 1 step without CFG" "$(cat "$TMP/err")"; fi

# No --size: the model's own size (longsd_model_default_size). `models`
# shows it; `sd` draws at it; a plan records it, resumes at it, and keeps
# a size once asked for, so a later run without --size redraws nothing.
cp "$REPO/tests/engine/gguf/tiny-sdxl-q8_0.gguf" "$TMP/models/" # stable-diffusion.cpp's file of it
if HF_HUB_CACHE=$TMP/hf "$LONGSD_BIN" models --models-dir "$TMP" --json >"$TMP/sizes.json" 2>"$TMP/err" &&
   HF_HUB_CACHE=$TMP/hf "$LONGSD_BIN" models --models-dir "$TMP" >"$TMP/sizes.txt" 2>>"$TMP/err"; then
    pass "models lists SDXL and SDXL-Turbo"
else fail "models lists SDXL and SDXL-Turbo" "$(cat "$TMP/err")"; fi
check "SDXL (folder or GGUF) draws at 1216x832 by default, SDXL-Turbo at 640x448" $PY - "$TMP/sizes.json" "$TMP/sizes.txt" <<'PYEOF'
import json, sys
m = {x["name"]: x for x in json.load(open(sys.argv[1]))}
assert (m["models/tiny-sdxl"]["width"], m["models/tiny-sdxl"]["height"]) == (1216, 832), m
assert (m["turbo"]["width"], m["turbo"]["height"]) == (640, 448), m
g = m["models/tiny-sdxl-q8_0.gguf"]
assert (g["kind"], g["family"], g["width"], g["height"]) == ("checkpoint", "sdxl", 1216, 832), g
t = open(sys.argv[2]).read().splitlines()
assert "IMAGE" in t[0].split(), t[0]
assert any(l.split()[0] == "turbo" and "640x448" in l.split() for l in t[1:]), t
PYEOF
png_is() { # FILE W H: the PNG's size and its parameters say WxH
    $PY - "$@" <<'PYEOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
w, h = int(sys.argv[2]), int(sys.argv[3])
assert d[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", d[16:24]) == (w, h), struct.unpack(">II", d[16:24])
assert b", Size: %dx%d," % (w, h) in d, d[:300]
PYEOF
}
if "$LONGSD_BIN" -q sd --backend "native=$T" --steps 1 --cfg 0 --seed 7 "a red fox" -o "$TMP/td.png" 2>"$TMP/err"; then
    pass "sd on SDXL-Turbo without --size"
else fail "sd on SDXL-Turbo without --size" "$(cat "$TMP/err")"; fi
check "without --size the PNG is the model's 640x448, and says so" png_is "$TMP/td.png" 640 448
check "with --size 64x64 it is 64x64" png_is "$TMP/t.png" 64 64

WS=$TMP/ws
BOOK=$REPO/tests/corpus/en-twain1-ch2-fence.txt
run1() { "$LONGSD_BIN" -C "$WS" run --backend "native=$T" --parts 1 --ideas-per-part 1 --steps 1 --cfg 0 \
             --formats html "$@" "$BOOK"; }
PLAN=$WS/image_prompts/en-twain1-ch2-fence.json
plan_size() { # W H: the plan's settings and its one idea say WxH; one PNG of that size
    $PY - "$PLAN" "$WS" "$@" <<'PYEOF'
import glob, json, struct, sys
p = json.load(open(sys.argv[1]))
w, h = int(sys.argv[3]), int(sys.argv[4])
assert (p["settings"]["width"], p["settings"]["height"]) == (w, h), p["settings"]
assert len(p["ideas"]) == 1
i = p["ideas"][0]
assert (i["prompt"]["width"], i["prompt"]["height"]) == (w, h), i["prompt"]
assert i["image"]["state"] == "done", i["image"]
f = sys.argv[2] + "/" + i["image"]["file"]
d = open(f, "rb").read()
assert struct.unpack(">II", d[16:24]) == (w, h) and b", Size: %dx%d," % (w, h) in d
PYEOF
}
if run1 -q 2>"$TMP/err"; then pass "run on SDXL-Turbo without --size"
else fail "run on SDXL-Turbo without --size" "$(cat "$TMP/err")"; fi
check "the plan and the picture are at the model's 640x448" plan_size 640 448
cp "$PLAN" "$TMP/plan1.json"
if run1 >"$TMP/out" 2>&1 && grep -q "0 to draw\|nothing redone" "$TMP/out" && cmp -s "$PLAN" "$TMP/plan1.json"; then
    pass "run again without --size: the same size, nothing redrawn"
else fail "run again without --size: the same size, nothing redrawn" "$(cat "$TMP/out")"; fi
if run1 -q --size 64x64 2>"$TMP/err"; then pass "run with --size 64x64 on that plan"
else fail "run with --size 64x64 on that plan" "$(cat "$TMP/err")"; fi
check "an asked size wins over the model's" plan_size 64 64
cp "$PLAN" "$TMP/plan2.json"
if run1 >"$TMP/out" 2>&1 && cmp -s "$PLAN" "$TMP/plan2.json" &&
   grep -q "keeps its 64x64; .*turbo draws at 640x448 by default (--size 640x448" "$TMP/out"; then
    pass "run without --size keeps the plan's 64x64, redraws nothing and says the model's size"
else fail "run without --size keeps the plan's 64x64" "$(cat "$TMP/out")"; fi
if "$LONGSD_BIN" -C "$WS" -q prompts --parts 1 --ideas-per-part 1 --steps 1 --cfg 0 "$BOOK" >/dev/null 2>"$TMP/err" &&
   cmp -s "$PLAN" "$TMP/plan2.json"; then
    pass "prompts without --size leaves the plan's size (and its pictures) alone"
else fail "prompts without --size leaves the plan's size alone" "$(cat "$TMP/err"; diff "$PLAN" "$TMP/plan2.json" | head)"; fi

# A second text encoder of the wrong shapes: file and tensor named, no PNG
B=$TMP/bad
cp -r "$REPO/tests/engine/tiny-sdxl" "$B"
cp "$REPO/tests/engine/tiny-sdxl/text_encoder/model.safetensors" "$B/text_encoder_2/model.safetensors"
"$LONGSD_BIN" -q sd --backend "native=$B" --size 64x64 --steps 1 "x" -o "$TMP/bad.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "bad/text_encoder_2/model.safetensors: wrong size of 'embeddings.token_embedding.weight'" "$TMP/err" &&
   [ ! -e "$TMP/bad.png" ]; then
    pass "a malformed text_encoder_2 names the file and tensor"
else fail "a malformed text_encoder_2 names the file and tensor" "rc=$rc $(cat "$TMP/err")"; fi

# LoRA (kohya's SGM names, both text encoders, LoCon convs): a <lora:> tag
# resolved in --lora-dir and --lora FILE:W draw the same picture, another
# than without, and the parameters keep the tag as A1111 does
L=$REPO/tests/engine/lora
if sd --steps 2 --cfg 5 --negative "blurry" --lora-dir "$L" "a red fox <lora:xl_kohya:0.7>" -o "$TMP/l1.png" 2>"$TMP/err" &&
   sd --steps 2 --cfg 5 --negative "blurry" --lora "$L/xl_kohya.safetensors:0.7" "a red fox" -o "$TMP/l2.png" 2>>"$TMP/err" &&
   sd --steps 2 --cfg 5 --negative "blurry" "a red fox" -o "$TMP/l3.png" 2>>"$TMP/err"; then
    pass "sd on SDXL with a <lora:> tag and with --lora"
else fail "sd on SDXL with a <lora:> tag and with --lora" "$(cat "$TMP/err")"; fi
check "SDXL LoRA recorded in the parameters; it changes the picture" $PY - "$TMP" "$L" <<'PYEOF'
import sys, zlib, struct
t, L = sys.argv[1], sys.argv[2]
def pixels(f):
    d = open(f, "rb").read(); i = 8; idat = b""
    while i < len(d):
        n, = struct.unpack(">I", d[i:i+4]); k = d[i+4:i+8]
        if k == b"IDAT": idat += d[i+8:i+8+n]
        i += 12 + n
    return zlib.decompress(idat)
l1, l2 = open(t + "/l1.png", "rb").read(), open(t + "/l2.png", "rb").read()
assert b"a red fox <lora:xl_kohya:0.7>\nNegative prompt: blurry\n" in l1, l1[:300]
assert ("a red fox <lora:%s/xl_kohya.safetensors:0.7>\n" % L).encode() in l2, l2[:300]
assert pixels(t + "/l1.png") == pixels(t + "/l2.png")
assert pixels(t + "/l1.png") != pixels(t + "/l3.png")
PYEOF
# an SD 1.x LoRA on SDXL: file and tensor named, no PNG
sd --steps 1 --lora "$L/kohya.safetensors" "x" -o "$TMP/l.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "kohya.safetensors: tensor 'lora_te_text_model_encoder_layers_0_self_attn_.*update but the model's" "$TMP/err" &&
   [ ! -e "$TMP/l.png" ]; then
    pass "an SD 1.x LoRA on SDXL names the file and tensor"
else fail "an SD 1.x LoRA on SDXL names the file and tensor" "rc=$rc $(cat "$TMP/err")"; fi
finish
