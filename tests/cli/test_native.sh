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
finish
