#!/bin/sh
# Candidate pictures through the CLI over the fake A1111 server: `run
# --candidates 3` draws three per idea with derived, recorded seeds, a re-run
# draws nothing, `longsd choose` picks one and the documents show it, kill -9
# in the middle of a run with candidates loses nothing, `sd --candidates`.
. tests/cli/lib.sh
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
PIDS=""
cleanup() {
    for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
B=$LONGSD_BIN
# start_server NAME [flags]: sets $URL, logs to $TMP/NAME.log
start_server() {
    name=$1; shift
    $PY tests/servers/fake_sd.py --lifetime 200 --log "$TMP/$name.log" "$@" >"$TMP/$name.port" &
    PIDS="$PIDS $!"
    i=0; while [ ! -s "$TMP/$name.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    URL="http://127.0.0.1:$(head -n 1 "$TMP/$name.port")"
    touch "$TMP/$name.log"
}
lines() { wc -l <"$1" | tr -d ' '; }
WS=$TMP/ws
mkdir -p "$WS/texts"
cp examples/texts/tom-sawyer-fence.txt "$WS/texts/fence.txt"
start_server a
check "run --candidates 3" "$B" -C "$WS" -q run --candidates 3 --size 128x64 --backend "a1111=$URL" fence
check "45 pictures drawn, 3 per idea, seeds derived and recorded in plan and sidecars" $PY - "$WS" "$TMP/a.log" <<'PYEOF'
import json, os, sys
ws, log = sys.argv[1], sys.argv[2]
p = json.load(open(os.path.join(ws, "image_prompts/fence.json")))
assert p["settings"]["candidates"] == 3, p["settings"]
assert sum(1 for _ in open(log)) == 45
seeds = set()
for i in p["ideas"]:
    c = i["candidates"]
    assert c["chosen"] == 0 and len(c["list"]) == 3 and c["draws"] == 3, c
    assert c["list"][0]["seed"] == i["prompt"]["seed"] == c["base_seed"], i["id"]
    assert i["image"] == c["list"][0]["image"], i["id"]
    for k, cand in enumerate(c["list"]):
        assert cand["draw"] == k and cand["image"]["state"] == "done", cand
        f = cand["image"]["file"]
        assert f.endswith("-c%d.png" % k if k else ".png"), f
        side = json.load(open(os.path.join(ws, f[:-4] + ".json")))
        assert side["seed"] == cand["seed"], (side["seed"], cand)
        seeds.add(cand["seed"])
assert len(seeds) == 45, len(seeds)
PYEOF
check "a re-run draws nothing" "$B" -C "$WS" -q run --candidates 3 --size 128x64 --backend "a1111=$URL" fence
[ "$(lines "$TMP/a.log")" -eq 45 ] && pass "a re-run sent no request" || fail "a re-run sent no request" "$(lines "$TMP/a.log") renders"

"$B" -C "$WS" --json choose fence beginning-01 2 >"$TMP/choose.json" 2>"$TMP/choose.err"; rc=$?
[ $rc -eq 0 ] && pass "choose fence beginning-01 2" || fail "choose fence beginning-01 2" "rc=$rc $(cat "$TMP/choose.err")"
check "choose: the plan's idea is candidate 2 (seed and image)" $PY - "$WS" "$TMP/choose.json" <<'PYEOF'
import json, os, sys
p = json.load(open(os.path.join(sys.argv[1], "image_prompts/fence.json")))
out = json.load(open(sys.argv[2]))
i = p["ideas"][0]
c = i["candidates"]["list"][1]
assert i["candidates"]["chosen"] == 1 and i["prompt"]["seed"] == c["seed"] and i["image"] == c["image"], i
assert out == {"idea": "beginning-01", "chosen": 2, "candidates": 3, "seed": c["seed"], "image": c["image"]["file"]}, out
PYEOF
check "choose by number: idea 2, candidate 3" "$B" -C "$WS" -q choose fence 2 3
check "docx after choose" "$B" -C "$WS" -q docx fence
check "the DOCX holds the chosen pictures, not the others" $PY - "$WS" <<'PYEOF'
import hashlib, json, os, sys, zipfile
ws = sys.argv[1]
p = json.load(open(os.path.join(ws, "image_prompts/fence.json")))
z = zipfile.ZipFile(os.path.join(ws, "docx/fence.docx"))
media = {hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist() if n.startswith("word/media/")}
h = lambda f: hashlib.sha256(open(os.path.join(ws, f), "rb").read()).hexdigest()
for i, k in ((0, 1), (1, 2)):
    lst = p["ideas"][i]["candidates"]["list"]
    assert p["ideas"][i]["candidates"]["chosen"] == k
    assert h(lst[k]["image"]["file"]) in media, "chosen picture missing"
    for j in range(3):
        if j != k:
            assert h(lst[j]["image"]["file"]) not in media, "an unchosen picture is in the DOCX"
PYEOF
cp "$WS/image_prompts/fence.json" "$TMP/plan.before"
"$B" -C "$WS" choose fence beginning-01 4 >/dev/null 2>"$TMP/e1"; rc1=$?
"$B" -C "$WS" choose fence nope-01 1 >/dev/null 2>"$TMP/e2"; rc2=$?
"$B" -C "$WS" choose fence 1 x >/dev/null 2>"$TMP/e3"; rc3=$?
"$B" -C "$WS" choose other 1 1 >/dev/null 2>"$TMP/e4"; rc4=$?
if [ "$rc1$rc2$rc3$rc4" = 2222 ] && grep -q "has 3 candidates; there is no candidate 4" "$TMP/e1" &&
   grep -q 'no idea "nope-01"' "$TMP/e2" && grep -q "number from 1 to 16" "$TMP/e3" && grep -q "no such plan" "$TMP/e4" &&
   cmp -s "$TMP/plan.before" "$WS/image_prompts/fence.json"; then
    pass "choose refuses a candidate, idea, number or book that is not there (exit 2, named, plan untouched)"
else fail "choose refuses a candidate, idea, number or book that is not there (exit 2, named, plan untouched)" \
    "$rc1$rc2$rc3$rc4 $(cat "$TMP/e1" "$TMP/e2" "$TMP/e3" "$TMP/e4")"; fi
"$B" -C "$WS" run --candidates 17 fence >/dev/null 2>"$TMP/e5"; rc=$?
[ $rc -eq 2 ] && grep -q -- "--candidates" "$TMP/e5" && pass "--candidates 17: exit 2" || fail "--candidates 17: exit 2" "$rc"
check "--candidates 2 keeps every chosen one" "$B" -C "$WS" -q run --candidates 2 --size 128x64 fence
check "after shrinking: 2 per idea, the chosen ones kept" $PY - "$WS" <<'PYEOF'
import json, os, sys
p = json.load(open(os.path.join(sys.argv[1], "image_prompts/fence.json")))
assert all(len(i["candidates"]["list"]) == 2 for i in p["ideas"])
c = p["ideas"][1]["candidates"]
assert c["list"][c["chosen"]]["draw"] == 2 and p["ideas"][1]["prompt"]["seed"] == c["list"][c["chosen"]]["seed"], c
PYEOF

printf '\nThe end of the afternoon came, and the fence shone white in the sun.\n' >>"$WS/texts/fence.txt"
check "an edited text: ideas found again" "$B" -C "$WS" -q run fence
check "ideas found again keep 2 candidates each, with seeds derived from their passages" $PY - "$WS" <<'PYEOF'
import json, os, sys
p = json.load(open(os.path.join(sys.argv[1], "image_prompts/fence.json")))
assert p["settings"]["candidates"] == 2
for i in p["ideas"]:
    lst = i["candidates"]["list"]
    assert len(lst) == 2 and lst[0]["seed"] == i["candidates"]["base_seed"] == i["prompt"]["seed"], i["id"]
PYEOF

# kill -9 in the middle of a run with candidates, then resume
WS2=$TMP/ws2
mkdir -p "$WS2/texts"
cp examples/texts/tom-sawyer-fence.txt "$WS2/texts/fence.txt"
start_server slow --delay 0.15
"$B" -C "$WS2" -q run --candidates 2 --size 128x64 --backend "a1111=$URL" fence >/dev/null 2>&1 &
RUN=$!
i=0; while [ "$(lines "$TMP/slow.log")" -lt 8 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 $RUN; wait $RUN 2>/dev/null
n1=$(lines "$TMP/slow.log")
ls "$WS2"/images/fence/*.png 2>/dev/null | sort >"$TMP/kept"
for f in $(cat "$TMP/kept"); do sha256sum "$f"; done >"$TMP/kept.sha"
check "resume after kill -9" "$B" -C "$WS2" -q run --candidates 2 --size 128x64 --backend "a1111=$URL" fence
n2=$(lines "$TMP/slow.log")
if [ "$n1" -ge 8 ] && [ "$n1" -lt 30 ] && [ $((n2 - n1)) -le $((30 - n1 + 1)) ] && [ $((n2 - n1)) -ge $((30 - n1 - 1)) ]; then
    pass "kill -9 mid-run: the resume draws only what was missing ($n1 before, $((n2 - n1)) after, 30 in all)"
else fail "kill -9 mid-run: the resume draws only what was missing" "$n1 before, $n2 in all"; fi
check "every finished picture survived the kill unchanged, and all 30 are recorded" $PY - "$WS2" "$TMP/kept.sha" <<'PYEOF'
import hashlib, json, os, sys
ws = sys.argv[1]
p = json.load(open(os.path.join(ws, "image_prompts/fence.json")))
files = [c["image"]["file"] for i in p["ideas"] for c in i["candidates"]["list"] if c["image"]["state"] == "done"]
assert len(files) == 30, len(files)
for line in open(sys.argv[2]):
    h, f = line.split()
    if os.path.exists(f[:-4] + ".json"):  # finished (its sidecar written): never redrawn
        assert hashlib.sha256(open(f, "rb").read()).hexdigest() == h, f
PYEOF

# sd --candidates
start_server b
check "sd --candidates 3" "$B" -q sd --backend "a1111=$URL" --seed 42 --size 64x64 --candidates 3 -o "$TMP/sd/x.png" "a lighthouse"
check "sd: x.png, x-c1.png, x-c2.png with seed 42 and seeds derived from it" $PY - "$TMP/sd" <<'PYEOF'
import json, os, sys
d = sys.argv[1]
seeds = [json.load(open(os.path.join(d, n)))["seed"] for n in ("x.json", "x-c1.json", "x-c2.json")]
assert seeds[0] == 42 and len(set(seeds)) == 3, seeds
PYEOF
finish
