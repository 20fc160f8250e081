#!/bin/sh
# VAE tiling from the command line (issue 15 item 2): `--vae-tiling` and
# `--vae-tile PX` reach the native engine's tiled decode on `sd` and
# `run`. With the tiny SD 1.x model at 128x128, tiles of 64 px really tile
# (3 x 3, a quarter overlap) and change the pixels; tiles of 512 cover the
# image and change nothing, key included. The PNG parameters and the
# sidecar say "VAE tiling", the plan's settings record it, a rerun with
# another tiling redraws and one with the same draws nothing; bad sizes
# are usage errors.
. tests/cli/lib.sh
M=$REPO/tests/engine/tiny-sd
S="--backend native=$M --size 128x128 --steps 2 --seed 7 --threads 1"

# shellcheck disable=SC2086
if "$LONGSD_BIN" -q sd $S "a red fox" -o "$TMP/u.png" 2>"$TMP/err" &&
   "$LONGSD_BIN" -q sd $S --vae-tile 64 "a red fox" -o "$TMP/t.png" 2>>"$TMP/err" &&
   "$LONGSD_BIN" -q sd $S --vae-tile 64 "a red fox" -o "$TMP/t2.png" 2>>"$TMP/err" &&
   "$LONGSD_BIN" -q sd $S --vae-tiling "a red fox" -o "$TMP/w.png" 2>>"$TMP/err" &&
   "$LONGSD_BIN" -q sd $S --vae-tiling --vae-tile 96 "a red fox" -o "$TMP/n.png" 2>>"$TMP/err"; then
    pass "sd --vae-tile / --vae-tiling on the native backend"
else fail "sd --vae-tile / --vae-tiling on the native backend" "$(cat "$TMP/err")"; fi
check "same tiling, same image" cmp "$TMP/t.png" "$TMP/t2.png"
check "a 512 px tile covers 128x128: the untiled image, bytes and key" cmp "$TMP/u.png" "$TMP/w.png"
check "tiles change the pixels; parameters and sidecar say so" $PY - "$TMP" <<'PYEOF'
import json, sys
t = sys.argv[1]
def pixels(f):
    """The RGB bytes of an 8-bit RGB PNG, its scanline filters undone."""
    import struct, zlib
    d = open(f, "rb").read(); i = 8; idat = b""
    w, h = struct.unpack(">II", d[16:24])
    while i < len(d):
        n, = struct.unpack(">I", d[i:i+4]); k = d[i+4:i+8]
        if k == b"IDAT": idat += d[i+8:i+8+n]
        i += 12 + n
    raw, out, prev, s = zlib.decompress(idat), bytearray(), bytearray(w * 3), w * 3
    for y in range(h):
        ft, line = raw[y * (s + 1)], bytearray(raw[y * (s + 1) + 1:(y + 1) * (s + 1)])
        for x in range(s):
            a = line[x - 3] if x >= 3 else 0; b = prev[x]; c = prev[x - 3] if x >= 3 else 0
            if ft == 1: line[x] = (line[x] + a) & 255
            elif ft == 2: line[x] = (line[x] + b) & 255
            elif ft == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line; prev = line
    return bytes(out)
a = open(t + "/t.png", "rb").read()
assert b"a red fox\nSteps: 2, Sampler: Euler a, CFG scale: 7, Seed: 7, Size: 128x128, VAE tiling: 64, Version:" in a, a[:300]
assert b"VAE tiling: 96, " in open(t + "/n.png", "rb").read()  # --vae-tile says the size, in either order
assert b"VAE tiling" not in open(t + "/u.png", "rb").read()
pu, pt, pn = pixels(t + "/u.png"), pixels(t + "/t.png"), pixels(t + "/n.png")
assert pu != pt and pt != pn and pu != pn
# tiles blend: the picture is close to the whole decode, not another one
# (measured: mean 1.3, largest 13 of 255)
assert len(pu) == len(pt) == 128 * 128 * 3
d = [abs(x - y) for x, y in zip(pu, pt)]
assert 0 < sum(d) / len(d) < 10 and max(d) < 64, (sum(d) / len(d), max(d))
st, su = json.load(open(t + "/t.json")), json.load(open(t + "/u.json"))
assert st["vae_tile"] == 64 and "vae_tile" not in su and st["ignored"] == [], st
assert st["key"] != su["key"]
assert json.load(open(t + "/w.json"))["key"] == su["key"]
PYEOF

# TAESD decodes whole: an asked tiling changes nothing and is not claimed
T=$REPO/tests/engine/tiny-taesd
# shellcheck disable=SC2086
if "$LONGSD_BIN" -q sd $S --vae "taesd=$T" --vae-tile 64 "a fox" -o "$TMP/v.png" 2>"$TMP/err" &&
   "$LONGSD_BIN" -q sd $S --vae "taesd=$T" "a fox" -o "$TMP/v0.png" 2>>"$TMP/err" &&
   ! grep -aq "VAE tiling" "$TMP/v.png" && cmp -s "$TMP/v.png" "$TMP/v0.png"; then
    pass "--vae-tile with TAESD: the TAESD image, no tiling claimed"
else fail "--vae-tile with TAESD" "$(cat "$TMP/err")"; fi

# bad sizes: usage errors that say what to give; nothing written
for v in 60 63 100 0 -64 abc "" 99999; do
    # shellcheck disable=SC2086
    "$LONGSD_BIN" -q sd $S --vae-tile "$v" "x" -o "$TMP/e.png" 2>"$TMP/err"; rc=$?
    if [ "$rc" -eq 2 ] && grep -q -- "--vae-tile" "$TMP/err" && grep -qE "multiple of 8|from 64 to" "$TMP/err" &&
       [ ! -e "$TMP/e.png" ]; then pass "--vae-tile '$v': usage error"
    else fail "--vae-tile '$v'" "exit $rc: $(cat "$TMP/err")"; fi
done
# a server cannot be asked: the sidecar lists it as ignored (test_pool);
# here only that it is not refused before the pool runs
"$LONGSD_BIN" -q sd --backend a1111=http://127.0.0.1:9 --size 128x128 --vae-tiling "x" -o "$TMP/e.png" \
    2>"$TMP/err"; rc=$?
if [ "$rc" -ne 2 ] && ! grep -q "vae-til" "$TMP/err"; then pass "--vae-tiling on a server: not a usage error"
else fail "--vae-tiling on a server" "exit $rc: $(cat "$TMP/err")"; fi

# run: the plan records the tiling, a different one redraws, the same one
# draws nothing
WS=$TMP/ws
R="--backend native=$M --size 128x128 --steps 2 --threads 1 --parts 1 --ideas-per-part 3"
PL=$WS/image_prompts/en-twain1-ch2-fence.json
# shellcheck disable=SC2086
if "$LONGSD_BIN" -C "$WS" -q run $R "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err"; then pass "run untiled"
else fail "run untiled" "$(cat "$TMP/err")"; fi
check "an untiled plan has no vae_tile" sh -c "! grep -q vae_tile '$PL'"
ls -l --time-style=full-iso "$WS"/images/*/*.png >"$TMP/l0"
# shellcheck disable=SC2086
if "$LONGSD_BIN" -C "$WS" -q run $R --vae-tile 64 "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err"; then
    pass "run --vae-tile 64"
else fail "run --vae-tile 64" "$(cat "$TMP/err")"; fi
ls -l --time-style=full-iso "$WS"/images/*/*.png >"$TMP/l1"
# shellcheck disable=SC2086
"$LONGSD_BIN" -C "$WS" -q run $R --vae-tile 64 "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err"
ls -l --time-style=full-iso "$WS"/images/*/*.png >"$TMP/l2"
check "every picture redrawn tiled, the plan says 64; the same tiling again draws nothing" \
    $PY - "$WS" "$TMP/l0" "$TMP/l1" "$TMP/l2" <<'PYEOF'
import json, os, sys
ws, l0, l1, l2 = sys.argv[1:5]
p = json.load(open(os.path.join(ws, "image_prompts/en-twain1-ch2-fence.json")))
assert p["settings"]["vae_tile"] == 64, p["settings"]
assert len(p["ideas"]) == 3
for i in p["ideas"]:
    assert i["image"]["state"] == "done", i["image"]
    png = open(os.path.join(ws, i["image"]["file"]), "rb").read()
    assert b", VAE tiling: 64, " in png
    assert json.load(open(os.path.join(ws, i["image"]["file"][:-4] + ".json")))["vae_tile"] == 64
a, b, c = (open(f).read().splitlines() for f in (l0, l1, l2))
assert len(a) == len(b) == 3 and all(x != y for x, y in zip(a, b)), (a, b)
assert b == c, (b, c)
PYEOF
# back to the engine's choice: untiled pictures again, and the plan drops the record
# shellcheck disable=SC2086
"$LONGSD_BIN" -C "$WS" -q run $R "$CORPUS/en-twain1-ch2-fence.txt" 2>"$TMP/err"
check "run without it redraws untiled" $PY - "$WS" <<'PYEOF'
import json, os, sys
ws = sys.argv[1]
p = json.load(open(os.path.join(ws, "image_prompts/en-twain1-ch2-fence.json")))
assert "vae_tile" not in p["settings"], p["settings"]
for i in p["ideas"]:
    assert b"VAE tiling" not in open(os.path.join(ws, i["image"]["file"]), "rb").read()
PYEOF
finish
