#!/bin/sh
# Batch runs: `longsd run` on several texts or a folder, every book through
# one pool of two fake A1111 servers (tests/servers/fake_sd.py): every image
# drawn exactly once, one summary row per book (table and --json), a re-run
# that draws nothing, kill -9 in the middle and a resume that loses nothing
# and redraws only what was missing; names that collide and empty folders
# refused before any work.
. tests/cli/lib.sh
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
export XDG_CACHE_HOME=$TMP/cache
SERVERS=""
RUNPID=""
cleanup() {
    [ -n "$RUNPID" ] && kill -9 "$RUNPID" 2>/dev/null
    for p in $SERVERS; do kill -9 "$p" 2>/dev/null; done
    for p in $SERVERS; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
# start_server NAME [fake_sd flags...]: sets $URL; the log is $TMP/NAME.log
start_server() {
    name=$1; shift
    $PY tests/servers/fake_sd.py --lifetime 180 --log "$TMP/$name.log" "$@" >"$TMP/$name.port" &
    SERVERS="$SERVERS $!"
    i=0
    while [ ! -s "$TMP/$name.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    URL="http://127.0.0.1:$(head -n 1 "$TMP/$name.port")"
    touch "$TMP/$name.log"
}
lines() { cat "$@" 2>/dev/null | wc -l | tr -d ' '; }
B=$LONGSD_BIN
BOOKS="en-twain1-ch2-fence de-grimm-fischer en-twain1"

# every book of the workspace WS: each idea done, its image file there and
# vouched for by its sidecar (SHA-256), and the DOCX written
verify() {
    $PY - "$1" $BOOKS <<'PYEOF'
import hashlib, json, os, sys
ws, books = sys.argv[1], sys.argv[2:]
for b in books:
    p = json.load(open(os.path.join(ws, "image_prompts", b + ".json")))
    assert len(p["ideas"]) == 15, (b, len(p["ideas"]))
    for i in p["ideas"]:
        im = i["image"]
        assert im["state"] == "done", (b, i["id"], im)
        f = os.path.join(ws, im["file"])
        side = json.load(open(os.path.splitext(f)[0] + ".json"))
        assert side["sha256"] == hashlib.sha256(open(f, "rb").read()).hexdigest(), f
        assert side["id"] == i["id"], (side["id"], i["id"])
        assert im["file"].startswith("images/%s/" % b), im["file"]
    assert os.path.getsize(os.path.join(ws, "docx", b + ".docx")) > 1000, b
PYEOF
}

start_server s1; S1=$URL
start_server s2; S2=$URL
WS=$TMP/ws; mkdir -p "$WS/texts"
for b in $BOOKS; do cp "$CORPUS/$b.txt" "$WS/texts/"; done

# ---- a folder of three books over two servers
"$B" -C "$WS" run "$WS/texts" --backend "a1111=$S1" --backend "a1111=$S2" --size 64x64 \
    >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && pass "batch of a folder: exit 0" || fail "batch of a folder: exit 0" "rc $rc $(tail -5 "$TMP/err")"
check "batch: every image of every book done, vouched for, documents written" verify "$WS"
n=$(lines "$TMP/s1.log" "$TMP/s2.log")
[ "$n" = 45 ] && pass "batch: 45 images drawn, once each" || fail "batch: 45 images drawn, once each" "$n drawn"
u=$(cat "$TMP/s1.log" "$TMP/s2.log" | sort -u | wc -l | tr -d ' ')
[ "$u" = 45 ] && pass "batch: no image drawn twice" || fail "batch: no image drawn twice" "$u distinct of $n"
[ "$(lines "$TMP/s1.log")" -gt 0 ] && [ "$(lines "$TMP/s2.log")" -gt 0 ] \
    && pass "batch: both servers drew" || fail "batch: both servers drew" "$(lines "$TMP/s1.log") / $(lines "$TMP/s2.log")"
[ "$(grep -c '^images: 45 of 45 rendered$' "$TMP/out")" = 1 ] && pass "batch: one pool for all books (one render summary)" \
    || fail "batch: one pool for all books (one render summary)" "$(cat "$TMP/out")"
ok=1
for b in $BOOKS; do grep -Eq "^$b +15 +15/15 +0  docx, html$" "$TMP/out" || ok=0; done
[ $ok = 1 ] && grep -q "3 of 3 books done; images: 45 of 45 rendered" "$TMP/out" \
    && pass "batch: one summary row per book and a total" || fail "batch: one summary row per book and a total" "$(cat "$TMP/out")"

# ---- the same command again: nothing drawn, documents unchanged; names work too
"$B" -C "$WS" run $BOOKS --backend "a1111=$S1" --backend "a1111=$S2" --size 64x64 >"$TMP/out" 2>"$TMP/err"; rc=$?
n=$(lines "$TMP/s1.log" "$TMP/s2.log")
[ $rc = 0 ] && [ "$n" = 45 ] && grep -q "en-twain1 .*docx (unchanged), html (unchanged)" "$TMP/out" \
    && pass "batch re-run by names: nothing redrawn or rewritten" \
    || fail "batch re-run by names: nothing redrawn or rewritten" "rc $rc, $n drawn; $(cat "$TMP/out")"
"$B" -C "$WS" --json run "$WS/texts" --backend "a1111=$S1" --size 64x64 >"$TMP/json" 2>"$TMP/err"; rc=$?
check "batch --json: one summary per book, images counted" $PY - "$TMP/json" $BOOKS <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
names = [b["name"] for b in d["books"]]
assert sorted(names) == sorted(sys.argv[2:]), names
assert all(b["images"] == {"done": 15, "total": 15} for b in d["books"]), d
assert d["images"] == {"done": 45, "total": 45}, d["images"]
PYEOF

# ---- kill -9 in the middle, then resume: nothing lost, only the missing drawn
start_server k1 --delay 0.15; K1=$URL
start_server k2 --delay 0.15; K2=$URL
WS2=$TMP/ws2; mkdir -p "$WS2/texts"
for b in $BOOKS; do cp "$CORPUS/$b.txt" "$WS2/texts/"; done
"$B" -C "$WS2" -q run "$WS2/texts" --backend "a1111=$K1" --backend "a1111=$K2" --size 64x64 >/dev/null 2>&1 &
RUNPID=$!
i=0
while [ "$(lines "$TMP/k1.log" "$TMP/k2.log")" -lt 12 ] && [ $i -lt 300 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 $RUNPID; wait $RUNPID 2>/dev/null; RUNPID=""
sleep 0.5 # the requests in flight at the kill are still answered (and logged)
before=$(lines "$TMP/k1.log" "$TMP/k2.log")
kept=$(ls "$WS2"/images/*/*.json 2>/dev/null | wc -l | tr -d ' ')
[ "$before" -ge 12 ] && [ "$before" -lt 45 ] && pass "kill -9 in the middle ($before of 45 drawn, $kept kept)" \
    || fail "kill -9 in the middle" "$before drawn"
"$B" -C "$WS2" run "$WS2/texts" --backend "a1111=$K1" --backend "a1111=$K2" --size 64x64 >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && grep -q "3 of 3 books done; images: 45 of 45 rendered" "$TMP/out" && pass "resume after kill -9: exit 0, all done" \
    || fail "resume after kill -9: exit 0, all done" "rc $rc $(tail -5 "$TMP/err")"
check "resume: every image done and vouched for" verify "$WS2"
after=$(lines "$TMP/k1.log" "$TMP/k2.log")
# what was kept is not drawn again: only images drawn but never written
# (in flight at the kill) are drawn a second time
redrawn=$((after - 45))
[ "$after" -ge 45 ] && [ $redrawn -le $((before - kept)) ] && pass "resume: only the missing images drawn ($redrawn redrawn)" \
    || fail "resume: only the missing images drawn" "before $before, kept $kept, after $after"
ls "$WS2"/images/*/.*tmp* >/dev/null 2>&1 && fail "resume: no temp files left" "$(ls -a "$WS2"/images/*)" \
    || pass "resume: no temp files left"

# ---- refused before any work
mkdir -p "$TMP/a" "$TMP/b" "$TMP/empty"
cp "$CORPUS/en-twain1-ch2-fence.txt" "$TMP/a/story.txt"; cp "$CORPUS/de-grimm-fischer.txt" "$TMP/b/story.txt"
WS3=$TMP/ws3; mkdir -p "$WS3"
"$B" -C "$WS3" run "$TMP/a/story.txt" "$TMP/b/story.txt" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q 'would both be the book "story"' "$TMP/err" && [ ! -e "$WS3/image_prompts" ] \
    && pass "two texts with one name: exit 2, nothing written" \
    || fail "two texts with one name: exit 2, nothing written" "rc $rc $(cat "$TMP/err")"
"$B" -C "$WS3" run "$TMP/empty" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "empty: no .txt file in this folder" "$TMP/err" && pass "a folder without texts: exit 2, says so" \
    || fail "a folder without texts: exit 2, says so" "rc $rc $(cat "$TMP/err")"
"$B" -C "$WS3" run "$TMP/a/story.txt" nosuchbook >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "nosuchbook: no such file" "$TMP/err" && [ ! -e "$WS3/image_prompts" ] \
    && pass "a missing book in a batch: exit 2 before any work" \
    || fail "a missing book in a batch: exit 2 before any work" "rc $rc $(cat "$TMP/err")"
finish
