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
if [ "$rc" -eq 2 ] && grep -q "taesd=PATH" "$TMP/err"; then pass "--vae with an unknown kind: usage error"
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
