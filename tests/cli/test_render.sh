#!/bin/sh
# Rendering through the CLI against fake servers on 127.0.0.1
# (tests/servers/fake_sd.py): `sd` on each API, a full `run` of Tom Sawyer on
# two A1111 servers (15 images split between them, embedded in the DOCX), a
# re-run that redraws nothing, failures that are marked and reported, a pool
# with broken servers, --backends FILE, kill -9 in the middle and resume,
# Ctrl-C, -q. Every server started here is killed on exit.
. tests/cli/lib.sh
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
# a key in the environment, so the faulty servers below could leak it
export OPENAI_API_KEY=sk-test-SECRET-render-4c1d77e0 XDG_CACHE_HOME=$TMP/cache
SERVERS=""
cleanup() {
    for p in $SERVERS; do kill -9 "$p" 2>/dev/null; done
    for p in $SERVERS; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
# start_server NAME [fake_sd flags...]: sets $URL; the log is $TMP/NAME.log
start_server() {
    name=$1; shift
    rm -f "$TMP/$name.port"
    $PY tests/servers/fake_sd.py --lifetime 120 --log "$TMP/$name.log" "$@" >"$TMP/$name.port" &
    SERVERS="$SERVERS $!"
    eval "PID_$name=$!"
    i=0
    while [ ! -s "$TMP/$name.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    URL="http://127.0.0.1:$(head -n 1 "$TMP/$name.port")"
    touch "$TMP/$name.log"
}
lines() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }
B=$LONGSD_BIN

if ! "$B" sd --help >/dev/null 2>&1; then
    fail "longsd has the sd command and --backend" "$B sd --help failed"; finish; exit 1
fi

# ---- sd on every API
start_server a1; A1=$URL
start_server a2; A2=$URL
start_server comfy; C=$URL
start_server oai; O=$URL
check "sd on a1111" "$B" -q sd --backend "a1111=$A1" --seed 42 --size 128x64 --negative "blurry" \
    -o "$TMP/sd/a.png" "a lighthouse at dawn"
check "sd: PNG of the asked size with A1111 parameters, and a sidecar" $PY - "$TMP/sd/a.png" "$TMP/sd/a.json" <<'PYEOF'
import json, struct, sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n"
w, h = struct.unpack(">II", d[16:24]); assert (w, h) == (128, 64), (w, h)
off, text = 8, {}
while off < len(d):
    n, = struct.unpack(">I", d[off:off + 4]); t = d[off + 4:off + 8]; body = d[off + 8:off + 8 + n]
    assert zlib.crc32(t + body) & 0xffffffff == struct.unpack(">I", d[off + 8 + n:off + 12 + n])[0], t
    if t == b"tEXt":
        k, v = body.split(b"\0", 1); text[k.decode()] = v.decode("latin-1")
    off += 12 + n
p = text["parameters"]
assert p.startswith("a lighthouse at dawn\nNegative prompt: blurry\nSteps: 30, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 128x64"), p
s = json.load(open(sys.argv[2]))
assert s["seed_used"] == 42 and s["backend"]["kind"] == "a1111" and s["width"] == 128, s
PYEOF
check "sd on comfyui" "$B" -q sd --backend "comfyui=$C" --size 64x64 -o "$TMP/sd/c.png" "a comfy cat"
check "sd on openai (b64_json)" "$B" -q sd --backend "openai=$O/v1" --size 64x64 -o "$TMP/sd/o.png" "an openai owl"
# the files are whole PNGs: signature, chunk CRCs, IHDR 64x64 and IDAT that
# inflates to exactly the rows the header promises
check "sd on comfyui and openai: PNGs that decode to 64x64" $PY - "$TMP/sd/c.png" "$TMP/sd/o.png" <<'PYEOF'
import struct, sys, zlib
for f in sys.argv[1:]:
    d = open(f, "rb").read()
    assert d[:8] == b"\x89PNG\r\n\x1a\n", f
    off, idat, ihdr = 8, b"", None
    while off < len(d):
        n, = struct.unpack(">I", d[off:off + 4]); t = d[off + 4:off + 8]; body = d[off + 8:off + 8 + n]
        assert zlib.crc32(t + body) & 0xffffffff == struct.unpack(">I", d[off + 8 + n:off + 12 + n])[0], (f, t)
        if t == b"IHDR": ihdr = body
        if t == b"IDAT": idat += body
        off += 12 + n
    w, h, depth, ctype = struct.unpack(">IIBB", ihdr[:10])
    assert (w, h, depth) == (64, 64, 8), (f, w, h, depth)
    chans = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    assert len(raw) == h * (1 + w * chans), (f, len(raw))
    assert all(raw[r * (1 + w * chans)] <= 4 for r in range(h)), f  # valid filter bytes
PYEOF
[ "$(lines "$TMP/comfy.log")" = 1 ] && [ "$(lines "$TMP/oai.log")" = 1 ] && pass "each sd drew one image" \
    || fail "each sd drew one image" "comfy $(lines "$TMP/comfy.log"), openai $(lines "$TMP/oai.log")"
"$B" sd -o "$TMP/x.png" "no backend" >/dev/null 2>&1; [ $? = 2 ] && pass "sd without --backend: usage error (2)" \
    || fail "sd without --backend: usage error (2)"
"$B" sd --backend "nope" "x" >/dev/null 2>&1; [ $? = 2 ] && pass "--backend without KIND=URL: 2" || fail "--backend without KIND=URL: 2"
"$B" sd --backend "dalle=http://127.0.0.1:1" "x" >/dev/null 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "unknown backend kind" "$TMP/err" && pass "unknown kind: 2 with the known kinds" \
    || fail "unknown kind: 2 with the known kinds" "rc $rc: $(cat "$TMP/err")"

# ---- the whole run on two A1111 servers
WS=$TMP/ws; mkdir -p "$WS"
PLAN=$WS/image_prompts/en-twain1.json
DOCX=$WS/docx/en-twain1.docx
if "$B" -C "$WS" run "$CORPUS/en-twain1.txt" --backend "a1111=$A1" --backend "a1111=$A2" --per-backend 2 \
        >"$TMP/out" 2>"$TMP/err"; then pass "run en-twain1 on two a1111 servers"
else fail "run en-twain1 on two a1111 servers" "$(cat "$TMP/err")"; fi
check "15 images, each drawn once, split between the two servers; all done in the plan; 15 in the DOCX" \
    $PY - "$TMP/a1.log" "$TMP/a2.log" "$PLAN" "$DOCX" "$WS" <<'PYEOF'
import json, os, sys, zipfile
a = open(sys.argv[1]).read().splitlines(); b = open(sys.argv[2]).read().splitlines()
a = [l for l in a if "lighthouse" not in l]   # the sd test above drew one on a1
assert len(a) + len(b) == 15 and a and b, (len(a), len(b))
prompts = [l.split(" ", 3)[3] for l in a + b]
assert len(set(prompts)) == 15, "a prompt was drawn twice"
plan = json.load(open(sys.argv[3]))
for i in plan["ideas"]:
    im = i["image"]
    assert im["state"] == "done", im
    assert im["file"].startswith("images/en-twain1/" + i["id"] + "-") and im["file"].endswith(".png"), im
    assert os.path.exists(os.path.join(sys.argv[5], im["file"]))
z = zipfile.ZipFile(sys.argv[4])
media = [n for n in z.namelist() if n.startswith("word/media/")]
assert len(media) == 15, media
import docx
assert len(docx.Document(sys.argv[4]).inline_shapes) == 15
PYEOF
grep -q "images: 15 of 15 rendered" "$TMP/out" && pass "summary says 15 of 15" || fail "summary says 15 of 15" "$(cat "$TMP/out")"
grep -q "^longsd: done " "$TMP/err" && pass "plain progress lines when not a TTY" || fail "plain progress lines when not a TTY"

before=$(($(lines "$TMP/a1.log") + $(lines "$TMP/a2.log")))
stamp1=$(stat -c %Y.%i "$PLAN" "$DOCX" | tr '\n' ' ')
"$B" -q -C "$WS" run "$CORPUS/en-twain1.txt" --backend "a1111=$A1" --backend "a1111=$A2" >"$TMP/out" 2>"$TMP/err"; rc=$?
after=$(($(lines "$TMP/a1.log") + $(lines "$TMP/a2.log")))
stamp2=$(stat -c %Y.%i "$PLAN" "$DOCX" | tr '\n' ' ')
[ $rc = 0 ] && [ "$before" = "$after" ] && [ "$stamp1" = "$stamp2" ] && [ ! -s "$TMP/err" ] \
    && pass "re-run draws nothing, rewrites nothing, -q prints nothing" \
    || fail "re-run draws nothing, rewrites nothing, -q prints nothing" "rc $rc, renders $before -> $after, $(cat "$TMP/err")"
"$B" -q -C "$WS" run "$CORPUS/en-twain1.txt" --backend "a1111=$A1" --force >/dev/null 2>&1
[ $(($(lines "$TMP/a1.log") + $(lines "$TMP/a2.log"))) = $((after + 15)) ] && pass "--force redraws all 15" \
    || fail "--force redraws all 15"

# ---- a pool with broken servers: everything still done, failures attributed
start_server e500 --fault status; E500=$URL
start_server stall --fault stall --stall 30; STALL=$URL
start_server junk --fault notimage; JUNK=$URL
start_server dies --die-after 1; DIES=$URL
start_server good --delay 0.02; GOOD=$URL
start_server gone; GONE=$URL; kill -9 $PID_gone
cat >"$TMP/backends.txt" <<EOF
# a pool with trouble in it
a1111=$E500
a1111=$STALL
a1111=$JUNK   jobs=2
a1111=$DIES
a1111=$GONE
a1111=$GOOD jobs=2
EOF
WS2=$TMP/ws2; mkdir -p "$WS2"
"$B" -C "$WS2" run "$CORPUS/en-twain1.txt" --backends "$TMP/backends.txt" --timeout 1 >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && grep -q "images: 15 of 15 rendered" "$TMP/out" && pass "broken servers in the pool: all 15 done" \
    || fail "broken servers in the pool: all 15 done" "rc $rc $(tail -5 "$TMP/err")"
grep -q "set aside a1111 127.0.0.1" "$TMP/err" && pass "failing servers are set aside, by name" \
    || fail "failing servers are set aside, by name" "$(head -5 "$TMP/err")"
n=$(cat "$TMP/good.log" "$TMP/dies.log" | wc -l | tr -d ' ')
[ "$n" = 15 ] && pass "no image drawn twice in the broken pool" || fail "no image drawn twice in the broken pool" "$n drawn"

# ---- nothing works: failed in the plan with reasons, the DOCX says so, exit 1
WS3=$TMP/ws3; mkdir -p "$WS3"
"$B" -C "$WS3" run "$CORPUS/en-twain1.txt" --backend "a1111=$E500" --backend "a1111=$JUNK" --timeout 2 \
    >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 1 ] && grep -q "15 failed" "$TMP/out" && pass "all failing: exit 1, summary counts failures" \
    || fail "all failing: exit 1, summary counts failures" "rc $rc $(cat "$TMP/out")"
check "failed images carry their reason in the plan and a placeholder in the DOCX" $PY - \
    "$WS3/image_prompts/en-twain1.json" "$WS3/docx/en-twain1.docx" <<'PYEOF'
import json, sys, zipfile
plan = json.load(open(sys.argv[1]))
for i in plan["ideas"]:
    im = i["image"]
    assert im["state"] == "failed" and ("HTTP 500" in im["error"] or "not a PNG" in im["error"]
                                        or "no backend left" in im["error"]), im
doc = zipfile.ZipFile(sys.argv[2]).read("word/document.xml").decode()
assert "HTTP 500" in doc or "no backend left" in doc or "not a PNG" in doc
PYEOF

# ---- kill -9 in the middle, then resume
start_server slow --delay 0.25; SLOW=$URL
WS4=$TMP/ws4; mkdir -p "$WS4"
IMG=$WS4/images/en-twain1
"$B" -q -C "$WS4" run "$CORPUS/en-twain1.txt" --backend "a1111=$SLOW" --per-backend 2 >/dev/null 2>&1 &
RUNPID=$!
i=0
while [ "$(ls "$IMG"/*.json 2>/dev/null | wc -l)" -lt 5 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 $RUNPID; wait $RUNPID 2>/dev/null
ls "$IMG"/*.json 2>/dev/null | while read -r j; do
    p=${j%.json}.png; [ -f "$p" ] && stat -c '%n %i %Y %y' "$p"; done >"$TMP/finished"
nf=$(wc -l <"$TMP/finished" | tr -d ' ')
[ "$nf" -ge 5 ] && [ "$nf" -lt 15 ] && pass "kill -9 after $nf finished images" || fail "kill -9 mid-run" "$nf finished"
sleep 0.5 # requests the killed run had in flight still finish on the server: count them as before
drawn=$(lines "$TMP/slow.log")
"$B" -q -C "$WS4" run "$CORPUS/en-twain1.txt" --backend "a1111=$SLOW" --per-backend 2 >/dev/null 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && pass "resume run finishes" || fail "resume run finishes" "rc $rc $(cat "$TMP/err")"
while read -r n ino mt rest; do
    [ "$(stat -c '%i %Y %y' "$n")" = "$ino $mt $rest" ] || echo "$n"; done <"$TMP/finished" >"$TMP/touched"
[ ! -s "$TMP/touched" ] && pass "finished images untouched (same inode and mtime)" \
    || fail "finished images untouched" "$(cat "$TMP/touched")"
[ "$(ls "$IMG"/*.png | wc -l | tr -d ' ')" = 15 ] && pass "the rest rendered: 15 images" || fail "the rest rendered"
[ -z "$(ls -a "$IMG" | grep '\.tmp')" ] && pass "no temp files left" || fail "no temp files left" "$(ls -a "$IMG")"
total=$(lines "$TMP/slow.log")
[ $((total - drawn)) -eq $((15 - nf)) ] && pass "resume drew only the missing ones ($((total - drawn)))" \
    || fail "resume drew only the missing ones" "$((total - drawn)) drawn, $((15 - nf)) missing"

# ---- Ctrl-C stops cleanly
WS5=$TMP/ws5; mkdir -p "$WS5"
"$B" -C "$WS5" run "$CORPUS/en-twain1.txt" --backend "a1111=$SLOW" >"$TMP/out" 2>"$TMP/err" &
RUNPID=$!
i=0
while [ "$(ls "$WS5"/images/en-twain1/*.json 2>/dev/null | wc -l)" -lt 2 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT $RUNPID; wait $RUNPID; rc=$?
[ $rc = 1 ] && grep -q "interrupted" "$TMP/err" && pass "Ctrl-C: exit 1, says interrupted" \
    || fail "Ctrl-C: exit 1, says interrupted" "rc $rc $(tail -3 "$TMP/err")"
[ -z "$(ls -a "$WS5/images/en-twain1" | grep '\.tmp')" ] && pass "Ctrl-C leaves no temp files" || fail "Ctrl-C leaves no temp files"
check "Ctrl-C: the plan records what was finished" $PY -c "
import json, sys
p = json.load(open('$WS5/image_prompts/en-twain1.json'))
d = sum(i['image']['state'] == 'done' for i in p['ideas'])
assert 2 <= d < 15, d"
no_secret "key nowhere in workspaces, cache, stdout, stderr" "$OPENAI_API_KEY" "$TMP"
finish
