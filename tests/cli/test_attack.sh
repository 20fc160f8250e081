#!/bin/sh
# The defects an attack on longsd found (issue 9), each as a test: hostile
# servers echoing the API key with terminal escapes in every field, plans
# edited to reach outside the workspace, symbolic links out of it, `html -o`
# over folders longsd did not make, a second run on a locked plan, a
# same-named text, `sd -o x.json`, orphans of a killed run, 64-bit seeds.
. tests/cli/lib.sh
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
KEY=sk-test-SECRET-attack-9f3e71aa0c
export OPENAI_API_KEY=$KEY XDG_CACHE_HOME=$TMP/cache no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
SERVERS=""
cleanup() {
    for p in $SERVERS; do kill -9 "$p" 2>/dev/null; done
    for p in $SERVERS; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
B=$LONGSD_BIN
# hostile MODE: start tests/servers/hostile_sd.py, sets URL
hostile() {
    rm -f "$TMP/h.port"
    $PY tests/servers/hostile_sd.py --mode "$1" --lifetime 120 >"$TMP/h.port" &
    SERVERS="$SERVERS $!"
    i=0; while [ ! -s "$TMP/h.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    URL="http://127.0.0.1:$(head -n 1 "$TMP/h.port")"
}
newws() { WS=$TMP/$1; rm -rf "$WS"; mkdir -p "$WS/texts"; cp "$CORPUS/en-twain1-ch2-fence.txt" "$WS/texts/story.txt"; }

# ---- 1, 5: the key and escape sequences from hostile image servers
for mode in ${MODES:-401 200err detail}; do
    hostile $mode
    kind=openai; [ $mode = detail ] && kind=a1111
    newws "key-$mode"
    "$B" -C "$WS" run --backend "$kind=$URL" --formats all story >"$TMP/out-$mode" 2>"$TMP/err-$mode"
    rc=$?
    [ $rc = 1 ] && pass "$mode: the run fails (exit 1)" || fail "$mode: the run fails (exit 1)" "exit $rc"
    check "$mode: the plan records why, redacted" $PY - "$WS/image_prompts/story.json" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
errs = [i["image"].get("error", "") for i in p["ideas"]]
assert all(e for e in errs), errs[:2]
assert any("[redacted]" in e or "HTTP 422" in e for e in errs), errs[0]
bad = [e for e in errs if any(c in e for c in "\x1b\x07\r")]
assert not bad, bad[0]
PYEOF
    no_secret "$mode: key nowhere in workspace, cache, stdout, stderr" "$KEY" "$WS" "$TMP/cache" \
        "$TMP/out-$mode" "$TMP/err-$mode"
    no_controls "$mode: no raw ESC/BEL/CR on the terminal" "$TMP/out-$mode" "$TMP/err-$mode"
    if grep -q '^longsd: all images rendered' "$TMP/err-$mode"; then
        fail "$mode: no forged log line" "$(grep -n '^longsd: all' "$TMP/err-$mode" | head -2)"
    else pass "$mode: no forged log line"; fi
    "$B" -C "$WS" docx story >/dev/null 2>"$TMP/err2-$mode"
    no_secret "$mode: key not in the rebuilt documents" "$KEY" "$WS" "$TMP/err2-$mode"
done

# a plan edited (or written by an older longsd) with the key in an error and a note
newws oldplan
"$B" -C "$WS" run story >/dev/null 2>&1
$PY - "$WS/image_prompts/story.json" "$KEY" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["ideas"][0]["image"] = {"state": "failed", "error": "HTTP 401: Authorization: Bearer " + sys.argv[2]}
p["notes"].append("server said: your key " + sys.argv[2] + " is wrong")
json.dump(p, open(sys.argv[1], "w"))
PYEOF
"$B" -C "$WS" docx story >"$TMP/o" 2>&1 && "$B" -C "$WS" html story >>"$TMP/o" 2>&1 && \
    "$B" -C "$WS" epub story >>"$TMP/o" 2>&1
no_secret "an old plan's stored key does not reach the documents" "$KEY" "$WS/docx" "$WS/html" "$WS/epub" "$TMP/o"

# ---- 5: plan strings with escapes printed by `longsd ideas`
newws esc
"$B" -C "$WS" ideas story >/dev/null 2>&1
$PY - "$WS/image_prompts/story.json" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["ideas"][0]["title"] = "\x1b]0;owned\x07\x1b[2J\rlongsd: error: fake"
p["ideas"][0]["scene"] = "a \x9b31m red\u202e scene\nlongsd: forged"
p["parts"][0]["label"] = "\x1b[5mBlink"
json.dump(p, open(sys.argv[1], "w"))
PYEOF
"$B" -C "$WS" ideas story >"$TMP/ideas.out" 2>&1
no_controls "ideas prints plan strings without raw controls" "$TMP/ideas.out"
if grep -q '^longsd: forged' "$TMP/ideas.out" || LC_ALL=C grep -qaP '\xe2\x80\xae' "$TMP/ideas.out"; then
    fail "ideas: no forged line, no bidi override" "$(head -c 300 "$TMP/ideas.out")"
else pass "ideas: no forged line, no bidi override"; fi

# ---- 2: a plan name that climbs out of the workspace
newws name
mkdir -p "$WS/deep/er"; W2=$WS/deep/er
mkdir -p "$W2/texts"; cp "$WS/texts/story.txt" "$W2/texts/"
"$B" -C "$W2" run story >/dev/null 2>&1
for bad in "../../X" "/tmp/abs" ".hidden" "a/b" "x\\\\y"; do
    $PY - "$W2/image_prompts/story.json" "$bad" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1])); p["name"] = sys.argv[2]; json.dump(p, open(sys.argv[1], "w"))
PYEOF
    for f in docx epub html; do
        "$B" -C "$W2" $f story >"$TMP/o" 2>&1; rc=$?
        "$B" -C "$W2" $f --single-file story >>"$TMP/o" 2>&1
        if [ $rc = 0 ] || [ -e "$WS/X.$f" ] || [ -e "$WS/X" ] || ! grep -q 'name' "$TMP/o"; then
            fail "$f refuses plan name '$bad'" "exit $rc: $(head -c 300 "$TMP/o")"
        else pass "$f refuses plan name '$bad'"; fi
    done
done
[ -z "$(ls "$WS" | grep -v -e '^texts$' -e '^deep$')" ] && pass "nothing written outside the workspace" || \
    fail "nothing written outside the workspace" "$(ls "$WS")"

# ---- 9: a symbolic link inside the workspace that leads out
newws link
"$B" -C "$WS" run story >/dev/null 2>&1
hostile seed
"$B" -C "$WS" run --backend "a1111=$URL" story >/dev/null 2>&1
printf 'OUTSIDE-SECRET-CONTENT' >"$TMP/outside.png"
img=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["ideas"][0]["image"]["file"])' "$WS/image_prompts/story.json")
rm -f "$WS/$img"; ln -s "$TMP/outside.png" "$WS/$img"
for f in docx epub html; do
    "$B" -C "$WS" $f --force story >"$TMP/o" 2>&1; rc=$?
    if [ $rc != 0 ] && grep -q 'symbolic link' "$TMP/o" && ! grep -rqa OUTSIDE-SECRET "$WS/$f" 2>/dev/null; then
        pass "$f refuses an image linked out of the workspace"
    else fail "$f refuses an image linked out of the workspace" "exit $rc: $(head -c 300 "$TMP/o")"; fi
done
rm -f "$WS/$img"; mkdir -p "$WS/shared"; cp "$TMP/outside.png" "$WS/shared/x.png"
# a link that stays inside is fine (where the kernel can tell: openat2)
"$B" -C "$WS" docx story >/dev/null 2>&1

# ---- 13: a 64-bit seed reported by the server is kept whole
side=$(ls "$WS"/images/story/*.json | head -n 1)
check "a server seed of 2^40+7 is recorded as such" $PY -c '
import json, sys
s = json.load(open(sys.argv[1])); assert s["seed_used"] == 2**40 + 7, s["seed_used"]' "$side"

# ---- 3: html -o only replaces what longsd made
newws html
"$B" -C "$WS" run story >/dev/null 2>&1
mkdir -p "$TMP/site/images" "$TMP/site2/index.html"
echo keep >"$TMP/site/index.html"; echo keep >"$TMP/site/images/logo.png"; echo keep >"$TMP/site2/index.html/x"
for d in site site2; do
    "$B" -C "$WS" html -o "$TMP/$d" story >"$TMP/o" 2>&1; rc=$?
    if [ $rc != 0 ] && grep -q 'not written by longsd' "$TMP/o" && [ -n "$(find "$TMP/$d" -name 'x' -o -name logo.png)" ]; then
        pass "html -o refuses a folder longsd did not write ($d)"
    else fail "html -o refuses a folder longsd did not write ($d)" "exit $rc: $(head -c 300 "$TMP/o")"; fi
done
check "html -o into a new folder" "$B" -C "$WS" html -o "$TMP/mine" story
check "html -o replaces its own folder" "$B" -C "$WS" html --force -o "$TMP/mine" story
echo mine >"$TMP/mine/notes.txt"
"$B" -C "$WS" html --force -o "$TMP/mine" story >"$TMP/o" 2>&1; rc=$?
[ $rc != 0 ] && [ -f "$TMP/mine/notes.txt" ] && grep -q notes.txt "$TMP/o" && \
    pass "html -o keeps a folder holding a file it did not write" || \
    fail "html -o keeps a folder holding a file it did not write" "exit $rc: $(head -c 300 "$TMP/o")"

# ---- 4: the workspace lock
newws lock
"$B" -C "$WS" ideas story >/dev/null 2>&1
if command -v flock >/dev/null 2>&1; then
    flock "$WS/image_prompts/.story.json.lock" sleep 3 &
    LP=$!; sleep 0.3
    "$B" -C "$WS" run story >"$TMP/o" 2>&1; rc=$?
    wait $LP
    [ $rc = 1 ] && grep -q 'another longsd run' "$TMP/o" && pass "a second run on a locked plan stops with a clear message" || \
        fail "a second run on a locked plan stops with a clear message" "exit $rc: $(cat "$TMP/o")"
    check "the lock is free again once the other run ends" "$B" -C "$WS" run story
else skip "workspace lock" "no flock(1)"; fi

# ---- 6: a same-named text does not silently replace the plan
newws same
mkdir -p "$WS/a" "$WS/b"; cp "$WS/texts/story.txt" "$WS/a/story.txt"; cp "$CORPUS/en-twain3.txt" "$WS/b/story.txt"
"$B" -C "$WS" run "$WS/a/story.txt" >/dev/null 2>&1
cp "$WS/image_prompts/story.json" "$TMP/plan-a.json"
"$B" -C "$WS" run "$WS/b/story.txt" >"$TMP/o" 2>&1; rc=$?
[ $rc != 0 ] && cmp -s "$TMP/plan-a.json" "$WS/image_prompts/story.json" && grep -q -- '--force' "$TMP/o" && \
    pass "a different text of the same name is refused, the plan untouched" || \
    fail "a different text of the same name is refused, the plan untouched" "exit $rc: $(cat "$TMP/o")"
check "--force replaces it" "$B" -C "$WS" run --force "$WS/b/story.txt"
check "the same text edited in place still updates" sh -c "echo 'One more line.' >>'$WS/b/story.txt' && '$B' -C '$WS' run '$WS/b/story.txt'"

# ---- 8: sd -o pic.json
hostile seed
"$B" sd --backend "a1111=$URL" --size 64x64 -o "$TMP/pic.json" "a cat" >"$TMP/o" 2>&1; rc=$?
[ $rc = 2 ] && [ ! -e "$TMP/pic.json" ] && pass "sd -o pic.json is refused" || fail "sd -o pic.json is refused" "exit $rc: $(cat "$TMP/o")"

# ---- 7, 10: orphans of a killed run are swept, our own names only
newws orphans
"$B" -C "$WS" run --formats all story >/dev/null 2>&1
sh -c 'exit 0' & DEAD=$!; wait $DEAD  # a pid that no longer runs
touch "$WS/docx/story.docx.tmp.$DEAD" "$WS/epub/story.epub.tmp.$DEAD" "$WS/image_prompts/story.json.tmp.$DEAD"
mkdir -p "$WS/html/story.tmp-$DEAD-a1b2c3/images"; touch "$WS/html/story.tmp-$DEAD-a1b2c3/index.html"
touch "$WS/docx/notes.tmp" "$WS/docx/story.docx.tmp.$$"
"$B" -C "$WS" run --force --formats all story >/dev/null 2>&1
left=$(ls -a "$WS/docx" "$WS/epub" "$WS/html" "$WS/image_prompts" | grep "tmp.$DEAD\|tmp-$DEAD")
[ -z "$left" ] && pass "orphans of a dead run are removed" || fail "orphans of a dead run are removed" "$left"
[ -f "$WS/docx/notes.tmp" ] && [ -f "$WS/docx/story.docx.tmp.$$" ] && pass "other files and a live run's temp files stay" || \
    fail "other files and a live run's temp files stay"
# ---- 1, 5: an LLM refusal (and an error) echoing the key with escapes
# llm_case LABEL SCRIPT WANT: run with fake_llm.py on SCRIPT; stderr must say WANT
llm_case() {
    printf '%s' "$2" >"$TMP/script.json"; rm -f "$TMP/lport"
    $PY tests/servers/fake_llm.py --script "$TMP/script.json" --port-file "$TMP/lport" --max-seconds 120 \
        >/dev/null 2>&1 &
    SERVERS="$SERVERS $!"
    i=0; while [ ! -s "$TMP/lport" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
    newws "llm-$1"
    "$B" -C "$WS" run --llm openai --llm-url "http://127.0.0.1:$(cat "$TMP/lport")/v1" --llm-model m story \
        >"$TMP/out-llm" 2>"$TMP/err-llm"
    grep -q "$3" "$TMP/err-llm" "$TMP/out-llm" && pass "llm $1: reported" || fail "llm $1: reported" "$(head -c 400 "$TMP/err-llm")"
    no_secret "llm $1: key nowhere in workspace, cache, stdout, stderr" "$KEY" "$WS" "$TMP/cache" \
        "$TMP/out-llm" "$TMP/err-llm"
    no_controls "llm $1: no raw controls on the terminal" "$TMP/out-llm" "$TMP/err-llm"
    if grep -q '^longsd: done' "$TMP/err-llm" "$TMP/out-llm"; then fail "llm $1: no forged line"
    else pass "llm $1: no forged line"; fi
}
if "$B" run --help 2>&1 | grep -q -- '--llm'; then
    llm_case refusal "{\"default\": {\"refusal\": \"\\u001b]0;owned\\u0007\\r\\nlongsd: done. Your key $KEY is banned\"}}" refused
    llm_case 401 '{"default": {"status": 401, "echo_auth": true}}' 401
else skip "llm refusal" "no --llm option"; fi
# ---- 14: a silent server costs one timeout per job, and a set-aside backend is
# tried again later in the run
start_fake() { # start_fake NAME FLAGS...: fake_sd.py, sets URL and STATS_NAME
    n=$1; shift; rm -f "$TMP/$n.port"
    $PY tests/servers/fake_sd.py --lifetime 120 --log "$TMP/$n.log" "$@" >"$TMP/$n.port" &
    SERVERS="$SERVERS $!"
    i=0; while [ ! -s "$TMP/$n.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    URL="http://127.0.0.1:$(head -n 1 "$TMP/$n.port")"; touch "$TMP/$n.log"
}
renders() { $PY -c 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + "/stats"))["render_requests"])' "$1"; }
newws silent
start_fake silent --fault stall --stall 60; SILENT=$URL
start_fake good --delay 0.4; GOOD=$URL
"$B" -C "$WS" run --timeout 1 --backend "a1111=$SILENT" --backend "a1111=$GOOD" story >"$TMP/o" 2>&1; rc=$?
n=$(renders "$SILENT")
probes=$(grep -c "trying a1111 .* again" "$TMP/o")
[ $rc = 0 ] && [ "$n" -le $((2 + probes)) ] && grep -q "set aside a1111 .* after 2 failures" "$TMP/o" && pass "a silent server gets 2 requests (one per job, max_failures 2) before it is set aside" || \
    fail "a silent server gets 2 requests (one per job, max_failures 2) before it is set aside" "exit $rc, $n requests: $(cat "$TMP/o")"
newws silent1
start_fake silent1 --fault stall --stall 60; SILENT=$URL
"$B" -C "$WS" run --timeout 1 --max-failures 1 --backend "a1111=$SILENT" --backend "a1111=$GOOD" story >"$TMP/o" 2>&1; rc=$?
[ $rc = 0 ] && grep -q "set aside a1111 .* after 1 failures" "$TMP/o" && pass "--max-failures 1 sets a silent server aside at its first timeout" || \
    fail "--max-failures 1 sets a silent server aside at its first timeout" "exit $rc: $(cat "$TMP/o")"
"$B" run --max-failures 0 story >"$TMP/o" 2>&1; rc=$?
[ $rc = 2 ] && grep -q -- "--max-failures" "$TMP/o" && pass "--max-failures 0 is a usage error naming the option" || \
    fail "--max-failures 0 is a usage error naming the option" "exit $rc: $(cat "$TMP/o")"
newws probe
start_fake flaky --fault status --status 503 --fault-count 6; FLAKY=$URL # 2 jobs x (1 + 2 retries): set aside at max_failures 2
start_fake slow --delay 1.5; SLOW=$URL
"$B" -C "$WS" -v run --timeout 3 --backend "a1111=$FLAKY" --backend "a1111=$SLOW" story >"$TMP/o" 2>&1; rc=$?
if [ $rc = 0 ] && grep -q 'trying a1111 .* again' "$TMP/o" && [ "$(wc -l <"$TMP/flaky.log")" -ge 1 ]; then
    pass "a set-aside backend is tried again later in the run and renders"
else fail "a set-aside backend is tried again later in the run and renders" "exit $rc: $(cat "$TMP/o")"; fi
# ---- 12: a one-character edit outside every passage redraws nothing
newws seeds
cp "$CORPUS/en-twain1.txt" "$WS/texts/story.txt"
start_fake seeds; SEEDS=$URL
"$B" -C "$WS" -q run --backend "a1111=$SEEDS" story >/dev/null 2>&1
cp "$WS/image_prompts/story.json" "$TMP/seeds1.json"
first=$(wc -l <"$TMP/seeds.log")
$PY - "$WS/texts/story.txt" "$TMP/seeds1.json" <<'PYEOF'
import json, sys
raw = open(sys.argv[1], "rb").read()
spans = [(i["anchor"]["start"], i["anchor"]["end"]) for i in json.load(open(sys.argv[2]))["ideas"]]
# the first " the " that no idea's passage covers: one letter changed
at = raw.find(b" the ", len(raw) // 2)
while any(a - 200 <= at < b + 200 for a, b in spans):
    at = raw.find(b" the ", at + 1)
open(sys.argv[1], "wb").write(raw[:at] + b" thE " + raw[at + 5:])
PYEOF
"$B" -C "$WS" -q run --backend "a1111=$SEEDS" story >/dev/null 2>&1
again=$(( $(wc -l <"$TMP/seeds.log") - first ))
check "an edit elsewhere keeps every idea's seed" $PY -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
sa = {i["anchor"]["quote"]: i["prompt"]["seed"] for i in a["ideas"]}
kept = [i for i in b["ideas"] if sa.get(i["anchor"]["quote"]) == i["prompt"]["seed"]]
assert len(kept) == len(b["ideas"]) == 15, (len(kept), len(b["ideas"]))' "$TMP/seeds1.json" "$WS/image_prompts/story.json"
[ "$first" = 15 ] && [ "$again" = 0 ] && pass "an edit elsewhere redraws no image" || \
    fail "an edit elsewhere redraws no image" "$first rendered, then $again more"
# ---- 15: one verdict on a plan's language for all three documents
newws lang
"$B" -C "$WS" ideas story >/dev/null 2>&1
$PY - "$WS/image_prompts/story.json" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1])); p["language"] = "en\" xml:evil=\"1"; json.dump(p, open(sys.argv[1], "w"))
PYEOF
for f in docx epub html; do
    "$B" -C "$WS" $f story >"$TMP/o" 2>&1; rc=$?
    [ $rc != 0 ] && grep -q 'BCP 47' "$TMP/o" && pass "$f refuses a malformed plan language" || \
        fail "$f refuses a malformed plan language" "exit $rc: $(cat "$TMP/o")"
done
# ---- 15: a plan whose source is gone says so, not a stale message
newws source
"$B" -C "$WS" ideas story >/dev/null 2>&1
$PY - "$WS/image_prompts/story.json" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1])); p["source"]["path"] = "/nonexistent/gone.txt"; json.dump(p, open(sys.argv[1], "w"))
PYEOF
rm "$WS/texts/story.txt"
"$B" -C "$WS" docx story >"$TMP/o" 2>&1; rc=$?
[ $rc != 0 ] && grep -q 'gone.txt): no such file' "$TMP/o" && ! grep -qE '[0-9a-f]{16}' "$TMP/o" && \
    pass "a missing source text is named with the reason" || fail "a missing source text is named with the reason" "$(cat "$TMP/o")"
finish
