#!/bin/sh
# SD-Turbo through the whole job (issue 12): `longsd run --backend
# native=<turbo folder> --vae taesd=<folder> --steps 1 --cfg 0` on the fence
# chapter draws every idea of the plan, one step without the unconditional
# pass, decoded by TAESD, and each PNG says so as A1111 writes it. The
# folder is the tiny SD 2 model (OpenCLIP-style text encoder, linear
# projections, per-block heads) with SD-Turbo's scheduler config
# (EulerDiscreteScheduler, trailing timesteps), as sd-turbo ships it.
. tests/cli/lib.sh
T=$TMP/turbo
cp -r "$REPO/tests/engine/tiny-sd2" "$T"
cat >"$T/scheduler/scheduler_config.json" <<'JSON'
{"_class_name": "EulerDiscreteScheduler", "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
 "num_train_timesteps": 1000, "steps_offset": 1, "prediction_type": "epsilon", "timestep_spacing": "trailing",
 "interpolation_type": "linear", "use_karras_sigmas": false, "trained_betas": null}
JSON
WS=$TMP/ws
if "$LONGSD_BIN" -C "$WS" -q run --backend "native=$T" --vae "taesd=$REPO/tests/engine/tiny-taesd" --size 64x64 \
     --steps 1 --cfg 0 "$REPO/tests/corpus/en-twain1-ch2-fence.txt" 2>"$TMP/err"; then
    pass "run on an SD-Turbo folder with TAESD"
else fail "run on an SD-Turbo folder with TAESD" "$(cat "$TMP/err")"; fi
check "every idea drawn once, 1 step, CFG 0, TAESD, in the PNG parameters and the plan" $PY - "$WS" <<'PYEOF'
import glob, json, sys
ws = sys.argv[1]
plan = json.load(open(ws + "/image_prompts/en-twain1-ch2-fence.json"))
ideas = plan["ideas"]
assert len(ideas) == 15, len(ideas)
pngs = sorted(glob.glob(ws + "/images/en-twain1-ch2-fence/*.png"))
assert len(pngs) == 15, pngs
seen = set()
for f in pngs:
    d = open(f, "rb").read()
    assert d[:8] == b"\x89PNG\r\n\x1a\n", f
    assert b"\nSteps: 1, Sampler: Euler a, CFG scale: 0, Seed: " in d, f
    assert b"Size: 64x64, VAE: taesd" in d, f
    seen.add(d)
assert len(seen) == 15, "two ideas drew the same picture"
assert all(i["image"]["state"] == "done" for i in ideas), [i["image"] for i in ideas]
PYEOF
# Run again: nothing is redrawn (the plan says every image is done)
before=$(ls -l --time-style=+%s.%N "$WS"/images/en-twain1-ch2-fence/*.png | md5sum)
"$LONGSD_BIN" -C "$WS" -q run --backend "native=$T" --vae "taesd=$REPO/tests/engine/tiny-taesd" --size 64x64 \
    --steps 1 --cfg 0 "$REPO/tests/corpus/en-twain1-ch2-fence.txt" 2>"$TMP/err2"
after=$(ls -l --time-style=+%s.%N "$WS"/images/en-twain1-ch2-fence/*.png | md5sum)
if [ "$before" = "$after" ]; then pass "a second run redraws nothing"
else fail "a second run redraws nothing" "$(cat "$TMP/err2")"; fi
finish
