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
finish
