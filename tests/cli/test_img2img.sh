#!/bin/sh
# img2img from the command line (issue 12 item 6): `longsd sd --init-image
# FILE --strength S` on the native engine with the tiny SD 1.x model. The
# init picture (tests/engine/img2img_init.png, 24x16) is fitted to 64x64;
# the PNG parameters say "Denoising strength" as A1111 writes it, the
# sidecar records the picture and the strength, the result is not the
# txt2img picture of the same seed, and bad input is a clear error.
. tests/cli/lib.sh
M=$REPO/tests/engine/tiny-sd
I=$REPO/tests/engine/img2img_init.png
S="--backend native=$M --size 64x64 --steps 4 --seed 7"

# shellcheck disable=SC2086
if "$LONGSD_BIN" -q sd $S --init-image "$I" --strength 0.6 "a red fox" -o "$TMP/a.png" 2>"$TMP/err" &&
   "$LONGSD_BIN" -q sd $S --init-image "$I" --strength 0.6 "a red fox" -o "$TMP/b.png" 2>>"$TMP/err" &&
   "$LONGSD_BIN" -q sd $S --init-image "$I" --strength 1 "a red fox" -o "$TMP/c.png" 2>>"$TMP/err" &&
   "$LONGSD_BIN" -q sd $S "a red fox" -o "$TMP/t.png" 2>>"$TMP/err"; then
    pass "sd --init-image --strength on the native backend"
else fail "sd --init-image --strength on the native backend" "$(cat "$TMP/err")"; fi
check "same seed and picture, same image" cmp "$TMP/a.png" "$TMP/b.png"
check "strength in the parameters and the sidecar; img2img is not txt2img" $PY - "$TMP" "$I" <<'PYEOF'
import json, struct, sys, zlib
t, init = sys.argv[1], sys.argv[2]
def pixels(f):
    d = open(f, "rb").read(); i = 8; idat = b""
    while i < len(d):
        n, = struct.unpack(">I", d[i:i+4]); k = d[i+4:i+8]
        if k == b"IDAT": idat += d[i+8:i+8+n]
        i += 12 + n
    return zlib.decompress(idat)
a = open(t + "/a.png", "rb").read()
w, h = struct.unpack(">II", a[16:24]); assert (w, h) == (64, 64), (w, h)
assert b"a red fox\nSteps: 4, Sampler: Euler a, CFG scale: 7, Seed: 7, Size: 64x64, Denoising strength: 0.6, Version:" in a, a[:200]
assert b"Denoising strength: 1, " in open(t + "/c.png", "rb").read()
assert b"Denoising strength" not in open(t + "/t.png", "rb").read()
side = json.load(open(t + "/a.json"))
assert side["init_image"] == init and side["strength"] == 0.6, side
assert "init_image" not in json.load(open(t + "/t.json"))
pa, pc, pt = pixels(t + "/a.png"), pixels(t + "/c.png"), pixels(t + "/t.png")
assert pa != pt and pa != pc and pc != pt
PYEOF

# TAESD encodes when it is the decoder (0.75: at lower strengths the tiny
# random TAESD decodes its own encoding to a near-black, "blank" picture)
T=$REPO/tests/engine/tiny-taesd
# shellcheck disable=SC2086
if "$LONGSD_BIN" -q sd $S --vae "taesd=$T" --init-image "$I" --strength 0.75 "a fox" -o "$TMP/v.png" 2>"$TMP/err" &&
   grep -aq "Denoising strength: 0.75, VAE: taesd" "$TMP/v.png"; then pass "img2img with --vae taesd"
else fail "img2img with --vae taesd" "$(cat "$TMP/err")"; fi

# --blank-retries: at strength 0.5 that picture is blank; by default two
# more seeds are tried, with 0 the first picture is kept (one render, as
# the benchmarks on random weights need)
# shellcheck disable=SC2086
"$LONGSD_BIN" -q sd $S --vae "taesd=$T" --init-image "$I" --strength 0.5 "a fox" -o "$TMP/k.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -eq 1 ] && grep -q "after 3 seeds" "$TMP/err" && grep -q '"blank_retries": 2,' "$TMP/k.json" &&
   ! grep -q '"seed_used": 7,' "$TMP/k.json"; then pass "a blank picture: two more seeds by default"
else fail "a blank picture: two more seeds by default" "exit $rc: $(cat "$TMP/err")"; fi
# shellcheck disable=SC2086
"$LONGSD_BIN" -q sd $S --vae "taesd=$T" --init-image "$I" --strength 0.5 --blank-retries 0 "a fox" -o "$TMP/k.png" \
    2>"$TMP/err"; rc=$?
if [ "$rc" -eq 1 ] && grep -q "after 1 seed " "$TMP/err" && grep -q '"blank_retries": 0,' "$TMP/k.json" &&
   grep -q '"seed_used": 7,' "$TMP/k.json"; then pass "--blank-retries 0: the first seed's picture alone"
else fail "--blank-retries 0" "exit $rc: $(cat "$TMP/err")"; fi
for n in -1 21 x; do
    # shellcheck disable=SC2086
    "$LONGSD_BIN" -q sd $S --blank-retries "$n" "x" -o "$TMP/k2.png" 2>"$TMP/err"; rc=$?
    if [ "$rc" -eq 2 ] && grep -q -- "--blank-retries: expected a whole number from 0 to 20" "$TMP/err" &&
       [ ! -e "$TMP/k2.png" ]; then pass "--blank-retries '$n': usage error"
    else fail "--blank-retries '$n'" "exit $rc: $(cat "$TMP/err")"; fi
done

# bad input: which file, what to do; no image written
# shellcheck disable=SC2086
"$LONGSD_BIN" -q sd $S --init-image "$TMP/nosuch.png" "x" -o "$TMP/e1.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "init-image .*nosuch.png: no such file" "$TMP/err" && [ ! -e "$TMP/e1.png" ]; then
    pass "missing init image: usage error naming the file"
else fail "missing init image" "exit $rc: $(cat "$TMP/err")"; fi
echo "not a picture" >"$TMP/notes.png"
# shellcheck disable=SC2086
"$LONGSD_BIN" -q sd $S --init-image "$TMP/notes.png" "x" -o "$TMP/e2.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "notes.png: not a PNG image" "$TMP/err" && [ ! -e "$TMP/e2.png" ]; then
    pass "init image that is not a PNG: clear error"
else fail "init image that is not a PNG" "exit $rc: $(cat "$TMP/err")"; fi
printf '\377\330\377\340\000\020JFIF\000' >"$TMP/photo.jpg"
# shellcheck disable=SC2086
"$LONGSD_BIN" -q sd $S --init-image "$TMP/photo.jpg" "x" -o "$TMP/e3.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "photo.jpg: " "$TMP/err" && grep -q "convert it to PNG" "$TMP/err"; then
    pass "JPEG init image: says to convert it"
else fail "JPEG init image" "exit $rc: $(cat "$TMP/err")"; fi
for s in 0 1.5 -1 abc ""; do
    # shellcheck disable=SC2086
    "$LONGSD_BIN" -q sd $S --init-image "$I" --strength "$s" "x" -o "$TMP/e4.png" 2>"$TMP/err"; rc=$?
    if [ "$rc" -eq 2 ] && grep -q "(0, 1\]" "$TMP/err" && [ ! -e "$TMP/e4.png" ]; then pass "--strength '$s': usage error"
    else fail "--strength '$s'" "exit $rc: $(cat "$TMP/err")"; fi
done
# shellcheck disable=SC2086
"$LONGSD_BIN" -q sd $S --strength 0.5 "x" -o "$TMP/e5.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "give --init-image" "$TMP/err"; then pass "--strength without --init-image: usage error"
else fail "--strength without --init-image" "exit $rc: $(cat "$TMP/err")"; fi
# shellcheck disable=SC2086
"$LONGSD_BIN" -q sd --backend native=$M --size 64x64 --steps 2 --init-image "$I" --strength 0.2 "x" -o "$TMP/e6.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "runs no step" "$TMP/err" && [ ! -e "$TMP/e6.png" ]; then pass "strength x steps under one step: clear error"
else fail "strength x steps under one step" "exit $rc: $(cat "$TMP/err")"; fi
"$LONGSD_BIN" -q run --backend native=$M --init-image "$I" "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err"; rc=$?
if [ "$rc" -eq 2 ] && grep -q "prompt.init_image" "$TMP/err"; then pass "run --init-image: usage error pointing at the plan field"
else fail "run --init-image" "exit $rc: $(cat "$TMP/err")"; fi
# a server backend cannot take it: refused before anything is sent
"$LONGSD_BIN" -q sd --backend a1111=http://127.0.0.1:9 --size 64x64 --init-image "$I" "x" -o "$TMP/e7.png" 2>"$TMP/err"; rc=$?
if [ "$rc" -ne 0 ] && grep -q "cannot start from an init image" "$TMP/err" && [ ! -e "$TMP/e7.png" ]; then
    pass "img2img on a server backend: refused"
else fail "img2img on a server backend" "exit $rc: $(cat "$TMP/err")"; fi

# per idea in a plan: the first idea's picture becomes the start of the
# second (chaining a character's pictures); only that idea is redrawn, and
# a plan without init images is written as before
WS=$TMP/ws
if "$LONGSD_BIN" -C "$WS" -q run --backend "native=$M" --size 64x64 --steps 2 --threads 1 \
       "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err"; then pass "run on the native backend"
else fail "run on the native backend" "$(cat "$TMP/err")"; fi
PL=$WS/image_prompts/en-twain1-ch2-fence.json
check "no init_image or strength in a plan that has none" $PY - "$PL" <<'PYEOF'
import sys
t = open(sys.argv[1]).read()
assert "init_image" not in t and "strength" not in t
PYEOF
cp "$PL" "$TMP/before.json"
ls -l --time-style=full-iso "$WS"/images/*/*.png >"$TMP/lbefore"
check "set ideas[1].init_image to ideas[0]'s picture, strength 0.6" $PY - "$PL" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["ideas"][1]["prompt"]["init_image"] = p["ideas"][0]["image"]["file"]
p["ideas"][1]["prompt"]["strength"] = 0.6
json.dump(p, open(sys.argv[1], "w"), indent=2, ensure_ascii=False)
PYEOF
if "$LONGSD_BIN" -C "$WS" -q run --backend "native=$M" --size 64x64 --steps 2 --threads 1 \
       "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err"; then pass "run again with an init image on one idea"
else fail "run again with an init image on one idea" "$(cat "$TMP/err")"; fi
ls -l --time-style=full-iso "$WS"/images/*/*.png >"$TMP/lafter"
check "that idea alone redrawn, from its init image; the plan keeps both fields" $PY - "$WS" "$TMP/lbefore" "$TMP/lafter" <<'PYEOF'
import json, os, sys
ws, before, after = sys.argv[1:4]
p = json.load(open(os.path.join(ws, "image_prompts/en-twain1-ch2-fence.json")))
i1 = p["ideas"][1]
assert i1["prompt"]["init_image"] == p["ideas"][0]["image"]["file"] and i1["prompt"]["strength"] == 0.6, i1["prompt"]
assert i1["image"]["state"] == "done", i1["image"]
png = open(os.path.join(ws, i1["image"]["file"]), "rb").read()
assert b"Denoising strength: 0.6, " in png
side = json.load(open(os.path.join(ws, i1["image"]["file"][:-4] + ".json")))
assert side["strength"] == 0.6 and side["init_image"].endswith(p["ideas"][0]["image"]["file"]), side
b, a = open(before).read().splitlines(), open(after).read().splitlines()
changed = [x for x, y in zip(b, a) if x != y]
assert len(b) == len(a) and len(changed) == 1 and os.path.basename(i1["image"]["file"]) in changed[0], changed
for k, i in enumerate(p["ideas"]):
    assert k == 1 or "init_image" not in i["prompt"], i["prompt"]
PYEOF
check "the plan file writes init_image and strength as given (0.6, not 0.59999999999999998)" grep -q '"strength": 0.6,\?$' "$PL"
# a missing picture fails that idea alone, saying which file
check "set ideas[2].init_image to a file that is not there" $PY - "$PL" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["ideas"][2]["prompt"]["init_image"] = "images/none.png"
json.dump(p, open(sys.argv[1], "w"), indent=2, ensure_ascii=False)
PYEOF
"$LONGSD_BIN" -C "$WS" -q run --backend "native=$M" --size 64x64 --steps 2 --threads 1 \
    "$CORPUS/en-twain1-ch2-fence.txt" >/dev/null 2>"$TMP/err"
check "that idea failed, naming the file; the others stay done" $PY - "$PL" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
im = p["ideas"][2]["image"]
assert im["state"] == "failed" and "none.png: no such file" in im["error"] and "give a PNG" in im["error"], im
assert all(i["image"]["state"] == "done" for k, i in enumerate(p["ideas"]) if k != 2)
PYEOF
finish
