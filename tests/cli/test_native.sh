#!/bin/sh
# The in-process engine as an image backend (--backend native=PATH) on the
# tiny SD 1.x model of tests/engine/tiny-sd: `sd` writes a PNG with A1111's
# parameters chunk and a sidecar, deterministically; `run` fills the plan and
# the documents with its images; a bad model path is a clear error.
. tests/cli/lib.sh
M=$REPO/tests/engine/tiny-sd
WS=$TMP/ws

if "$LONGSD_BIN" -q sd --backend "native=$M" --size 64x64 --steps 4 --seed 7 "a red fox in the snow" -o "$TMP/a.png" 2>"$TMP/err" &&
   "$LONGSD_BIN" -q sd --backend "native=$M" --size 64x64 --steps 4 --seed 7 "a red fox in the snow" -o "$TMP/b.png" 2>>"$TMP/err"; then
    pass "sd on the native backend"
else fail "sd on the native backend" "$(cat "$TMP/err")"; fi
check "same seed, same image" cmp "$TMP/a.png" "$TMP/b.png"
check "PNG parameters chunk and sidecar" $PY - "$TMP/a.png" "$TMP/a.json" <<'PYEOF'
import json, struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", d[16:24]); assert (w, h) == (64, 64), (w, h)
assert b"parameters\x00a red fox in the snow\nSteps: 4, Sampler: Euler a, CFG scale: 7, Seed: 7, Size: 64x64" in d
side = json.load(open(sys.argv[2]))
assert "native" in json.dumps(side), side
PYEOF
# --rng: torch's CPU noise is another picture of the same seed, recorded as A1111 does
P='a (red:1.4) fox, [snow] BREAK \(tracks\)'
if "$LONGSD_BIN" -q sd --backend "native=$M" --size 64x64 --steps 4 --seed 7 --rng cpu "$P" -o "$TMP/r.png" 2>"$TMP/err" &&
   "$LONGSD_BIN" -q sd --backend "native=$M" --size 64x64 --steps 4 --seed 7 --rng cuda "$P" -o "$TMP/n.png" 2>>"$TMP/err" &&
   "$LONGSD_BIN" -q sd --backend "native=$M" --size 64x64 --steps 4 --seed 7 "$P" -o "$TMP/o.png" 2>>"$TMP/err"; then
    pass "sd --rng cpu / cuda on the native backend"
else fail "sd --rng cpu / cuda on the native backend" "$(cat "$TMP/err")"; fi
check "rng in the PNG parameters and the sidecar; three sources, three pictures" $PY - "$TMP" "$P" <<'PYEOF'
import json, sys
t, P = sys.argv[1], sys.argv[2]
r, n, o = (open("%s/%s.png" % (t, x), "rb").read() for x in "rno")
assert (P + "\nSteps: 4, Sampler: Euler a, CFG scale: 7, Seed: 7, Size: 64x64, RNG: CPU, Version:").encode() in r
assert b"Size: 64x64, RNG: NV, Version:" in n
assert b"RNG:" not in o
assert len({r, n, o}) == 3
assert json.load(open(t + "/r.json"))["rng"] == "cpu"
assert json.load(open(t + "/o.json"))["rng"] == "native"
PYEOF
"$LONGSD_BIN" -q sd --backend "native=$M" --size 64x64 --rng gpu "x" -o "$TMP/g.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "native, cpu or cuda" "$TMP/err" && [ ! -e "$TMP/g.png" ]; then pass "--rng gpu: usage error"
else fail "--rng gpu" "exit $rc: $(cat "$TMP/err")"; fi
"$LONGSD_BIN" -q sd --backend "native=$M" --size 64x64 "a (fox:1.2.3)" -o "$TMP/w.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q '"1.2.3" at byte 7' "$TMP/err" && [ ! -e "$TMP/w.png" ]; then pass "bad weight: error names the byte"
else fail "bad weight" "exit $rc: $(cat "$TMP/err")"; fi

# LoRA: --lora FILE:W is the tag A1111 reads, recorded in the prompt; names resolve in --lora-dir
L=$REPO/tests/engine/lora
if "$LONGSD_BIN" -q sd --backend "native=$M" --size 64x64 --steps 2 --seed 3 --lora "$L/kohya.safetensors:0.7" "a fox" -o "$TMP/l1.png" 2>"$TMP/err" &&
   "$LONGSD_BIN" -q sd --backend "native=$M" --lora-dir "$L" --size 64x64 --steps 2 --seed 3 "a fox <lora:kohya:0.7>" -o "$TMP/l2.png" 2>>"$TMP/err" &&
   "$LONGSD_BIN" -q sd --backend "native=$M" --size 64x64 --steps 2 --seed 3 "a fox" -o "$TMP/l3.png" 2>>"$TMP/err"; then
    pass "sd with --lora and with a <lora:> tag"
else fail "sd with --lora and with a <lora:> tag" "$(cat "$TMP/err")"; fi
check "LoRA recorded in the parameters; it changes the picture" $PY - "$TMP" "$L" <<'PYEOF'
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
assert ("a fox <lora:%s/kohya.safetensors:0.7>\n" % L).encode() in l1
assert b"a fox <lora:kohya:0.7>\n" in l2
assert pixels(t + "/l2.png") != pixels(t + "/l3.png")
PYEOF
# A1111's "Lora hashes": the first 12 hex digits of the SHA-256 of the
# file's tensor data (after the 8-byte length and the JSON header), keyed
# by the name as the prompt writes it; a PEFT folder in --lora-dir too
"$LONGSD_BIN" -q sd --backend "native=$M" --lora-dir "$L" --size 64x64 --steps 1 --seed 3 \
    "a fox <lora:kohya:0.7> <lora:peft:0.5> <lora:kohya:0.2>" -o "$TMP/lh.png" 2>"$TMP/err" ||
    fail "sd with two LoRAs, one a PEFT folder" "$(cat "$TMP/err")"
check "PNG parameters carry A1111's Lora hashes" $PY - "$TMP" "$L" <<'PYEOF'
import hashlib, struct, sys
t, L = sys.argv[1], sys.argv[2]
def addnet(f):
    d = open(f, "rb").read(); n, = struct.unpack("<Q", d[:8])
    return hashlib.sha256(d[8 + n:]).hexdigest()[:12]
k, p = addnet(L + "/kohya.safetensors"), addnet(L + "/peft/adapter_model.safetensors")
lh, l1, l3 = (open(t + f, "rb").read() for f in ("/lh.png", "/l1.png", "/l3.png"))
assert ('Lora hashes: "kohya: %s, peft: %s", Version:' % (k, p)).encode() in lh, lh[:400]
assert ('Lora hashes: "%s/kohya.safetensors: %s"' % (L, k)).encode() in l1, l1[:400]
assert b"Lora hashes" not in l3
PYEOF
"$LONGSD_BIN" -q sd --backend "native=$M" --lora-dir "$L" --size 64x64 "x <lora:nosuch>" -o "$TMP/l4.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q 'LoRA "nosuch" not found' "$TMP/err" && [ ! -e "$TMP/l4.png" ]; then pass "missing LoRA: clear error, no file"
else fail "missing LoRA" "exit $rc: $(cat "$TMP/err")"; fi
"$LONGSD_BIN" -q sd --backend "native=$M" --size 64x64 --lora "$REPO/fuzz/corpus/fuzz_lora/no_up" "x" -o "$TMP/l5.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "no_up: LoRA module of tensor 'lora_unet_a.lora_down.weight' has no up" "$TMP/err" && [ ! -e "$TMP/l5.png" ]; then
    pass "malformed LoRA: error names file and tensor"
else fail "malformed LoRA" "exit $rc: $(cat "$TMP/err")"; fi
"$LONGSD_BIN" -q sd --backend "native=$M" --size 64x64 --lora "x:heavy" "x" -o "$TMP/l6.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -eq 2 ]; then pass "--lora x:heavy: usage error"; else fail "--lora x:heavy" "exit $rc"; fi
# a failed image's reason is on the screen once, with the run's lines or
# without them (-q): a LoRA for SDXL (refused at once: the image's fault, not the backend's)
# and a LoRA not found (refused too)
for q in "" -q; do
    "$LONGSD_BIN" $q sd --backend "native=$M" --size 64x64 --steps 1 --lora "$L/xl_kohya.safetensors" "x" \
        -o "$TMP/l7.png" 2>"$TMP/err"; rc=$?
    n=$(grep -c "is for SDXL's second text encoder" "$TMP/err")
    if [ "$rc" -ne 0 ] && [ "$n" -eq 1 ] && [ ! -e "$TMP/l7.png" ] &&
       { [ -n "$q" ] || grep -q "^longsd: error: no image written to .*l7.png (the reason above)" "$TMP/err"; }; then
        pass "sd${q:+ $q}: a failed image's reason once ($(wc -l <"$TMP/err") lines)"
    else fail "sd${q:+ $q}: a failed image's reason once" "exit $rc, $n times: $(cat "$TMP/err")"; fi
    "$LONGSD_BIN" $q sd --backend "native=$M" --lora-dir "$L" --size 64x64 "x <lora:nosuch>" -o "$TMP/l8.png" \
        2>"$TMP/err"; rc=$?
    n=$(grep -c 'LoRA "nosuch" not found' "$TMP/err")
    if [ "$rc" -ne 0 ] && [ "$n" -eq 1 ]; then pass "sd${q:+ $q}: a missing LoRA's reason once"
    else fail "sd${q:+ $q}: a missing LoRA's reason once" "exit $rc, $n times: $(cat "$TMP/err")"; fi
done

"$LONGSD_BIN" -q sd --backend "native=$TMP/nope" --size 64x64 "x" -o "$TMP/c.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "nope" "$TMP/err" && [ ! -e "$TMP/c.png" ]; then pass "missing model: clear error, no file"
else fail "missing model" "exit $rc: $(cat "$TMP/err")"; fi
"$LONGSD_BIN" -q sd --backend "native=$M" --size 100x64 "x" -o "$TMP/d.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "multiples of" "$TMP/err"; then pass "size not a multiple of 64: clear error"
else fail "size not a multiple of 64" "exit $rc: $(cat "$TMP/err")"; fi

if "$LONGSD_BIN" -C "$WS" -q run --backend "native=$M" --size 64x64 --steps 2 --threads 1 \
       "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err"; then pass "run with the native backend"
else fail "run with the native backend" "$(cat "$TMP/err")"; fi
check "plan: every idea done on native, one PNG each" $PY - "$WS" <<'PYEOF'
import json, os, sys
ws = sys.argv[1]
p = json.load(open(os.path.join(ws, "image_prompts/en-twain1-ch2-fence.json")))
assert len(p["ideas"]) == 15
for i in p["ideas"]:
    assert i["image"]["state"] == "done", i["image"]
    f = os.path.join(ws, i["image"]["file"])
    assert open(f, "rb").read(8) == b"\x89PNG\r\n\x1a\n", f
PYEOF
# --per-backend 2: two jobs at once on the one loaded model (their own
# states and threads) draw the same PNGs, byte for byte, as one at a time
if "$LONGSD_BIN" -C "$TMP/ws2" -q run --backend "native=$M" --size 64x64 --steps 2 --per-backend 2 \
       "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err"; then pass "run with --per-backend 2 on one native backend"
else fail "run with --per-backend 2 on one native backend" "$(cat "$TMP/err")"; fi
check "--per-backend 2: the same 15 PNGs as one job at a time" $PY - "$WS" "$TMP/ws2" <<'PYEOF'
import json, os, sys
a, b = sys.argv[1], sys.argv[2]
pa = json.load(open(os.path.join(a, "image_prompts/en-twain1-ch2-fence.json")))
pb = json.load(open(os.path.join(b, "image_prompts/en-twain1-ch2-fence.json")))
assert len(pa["ideas"]) == len(pb["ideas"]) == 15
for x, y in zip(pa["ideas"], pb["ideas"]):
    assert y["image"]["state"] == "done", y["image"]
    fa, fb = os.path.join(a, x["image"]["file"]), os.path.join(b, y["image"]["file"])
    assert open(fa, "rb").read() == open(fb, "rb").read(), (fa, fb)
PYEOF
# a changed --rng is part of each image's key: the plan records it and redraws
if "$LONGSD_BIN" -C "$WS" -q run --backend "native=$M" --size 64x64 --steps 2 --threads 1 --rng cpu \
       "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err"; then pass "run again with --rng cpu"
else fail "run again with --rng cpu" "$(cat "$TMP/err")"; fi
check "plan records rng cpu; every image redrawn with RNG: CPU" $PY - "$WS" <<'PYEOF'
import json, os, sys
ws = sys.argv[1]
p = json.load(open(os.path.join(ws, "image_prompts/en-twain1-ch2-fence.json")))
assert p["settings"]["rng"] == "cpu", p["settings"]
for i in p["ideas"]:
    assert i["prompt"]["rng"] == "cpu" and i["image"]["state"] == "done", i
    assert b"RNG: CPU" in open(os.path.join(ws, i["image"]["file"]), "rb").read()
PYEOF
if $PY -c "import docx" 2>/dev/null; then
    check "DOCX holds the 15 rendered images" $PY -c "
import docx; d = docx.Document('$WS/docx/en-twain1-ch2-fence.docx'); assert len(d.inline_shapes) == 15, len(d.inline_shapes)"
else skip "DOCX holds the 15 rendered images" "python3-docx not installed"; fi
# TAESD as the decoder (--vae taesd=PATH): recorded in the PNG parameters,
# a different picture from the VAE's; bad specs and paths are clear errors.
T=$REPO/tests/engine/tiny-taesd
if "$LONGSD_BIN" -q sd --backend "native=$M" --vae "taesd=$T" --size 64x64 --steps 4 --seed 7 "a red fox in the snow" \
       -o "$TMP/t.png" 2>"$TMP/err"; then pass "sd with --vae taesd"
else fail "sd with --vae taesd" "$(cat "$TMP/err")"; fi
check "TAESD: VAE recorded, picture differs from the VAE's" $PY - "$TMP/t.png" "$TMP/a.png" <<'PYEOF'
import sys
t, a = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
assert b"Size: 64x64, VAE: taesd, Version: longsd" in t
assert b"VAE:" not in a
assert t != a
PYEOF
"$LONGSD_BIN" -q sd --backend "native=$M" --vae "tiny=$T" --size 64x64 "x" -o "$TMP/e.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "taesd=NAME" "$TMP/err"; then pass "--vae with an unknown kind: usage error"
else fail "--vae with an unknown kind" "exit $rc: $(cat "$TMP/err")"; fi
"$LONGSD_BIN" -q sd --backend "native=$M" --vae "taesd=$TMP/no-taesd" --size 64x64 "x" -o "$TMP/e.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "no-taesd" "$TMP/err" && [ ! -e "$TMP/e.png" ]; then pass "missing TAESD: clear error, no file"
else fail "missing TAESD" "exit $rc: $(cat "$TMP/err")"; fi
"$LONGSD_BIN" -q sd --backend "a1111=http://127.0.0.1:9" --vae "taesd=$T" --size 64x64 "x" -o "$TMP/e.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "native engine only" "$TMP/err"; then pass "--vae on a server backend: clear error"
else fail "--vae on a server backend" "exit $rc: $(cat "$TMP/err")"; fi

# An SD-Turbo-shaped folder (tiny-sd's parts, a "trailing" scheduler config):
# the fence chapter in 1 step, cfg 0, decoded by TAESD; a re-run skips all.
TB=$TMP/turbo
mkdir -p "$TB/scheduler"
for p in tokenizer text_encoder vae unet model_index.json; do ln -s "$M/$p" "$TB/$p"; done
printf '{"_class_name": "EulerDiscreteScheduler", "timestep_spacing": "trailing", "steps_offset": 1}\n' \
    >"$TB/scheduler/scheduler_config.json"
WT=$TMP/wst
if "$LONGSD_BIN" -C "$WT" -q run --backend "native=$TB" --vae "taesd=$T" --size 64x64 --steps 1 --cfg 0 \
       --sampler "Euler a" "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err"; then pass "run: turbo-style folder + TAESD"
else fail "run: turbo-style folder + TAESD" "$(cat "$TMP/err")"; fi
check "plan: 15 ideas done, each PNG says VAE: taesd" $PY - "$WT" <<'PYEOF'
import json, os, sys
ws = sys.argv[1]
p = json.load(open(os.path.join(ws, "image_prompts/en-twain1-ch2-fence.json")))
assert len(p["ideas"]) == 15
for i in p["ideas"]:
    assert i["image"]["state"] == "done", i["image"]
    d = open(os.path.join(ws, i["image"]["file"]), "rb").read()
    assert b"Steps: 1, Sampler: Euler a, CFG scale: 0," in d and b"VAE: taesd" in d, i["image"]["file"]
PYEOF
ls -l --time-style=full-iso "$WT"/images/*/*.png >"$TMP/before"
"$LONGSD_BIN" -C "$WT" -q run --backend "native=$TB" --vae "taesd=$T" --size 64x64 --steps 1 --cfg 0 \
    --sampler "Euler a" "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err"
ls -l --time-style=full-iso "$WT"/images/*/*.png >"$TMP/after"
check "re-run with the same VAE redraws nothing" cmp "$TMP/before" "$TMP/after"
finish
