#!/bin/sh
# A re-run with another --style keeps the pictures already drawn: each
# becomes a candidate of its idea, recorded in the plan with the seed, style
# and prompt it shows; the documents keep showing it until a picture of the
# new prompt is drawn, which then is the chosen one; `longsd choose` picks the
# old one back and a re-run leaves that choice; going back to the old style
# takes the old pictures back without drawing anything. Over the fake A1111.
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
$PY tests/servers/fake_sd.py --lifetime 200 --log "$TMP/sd.log" >"$TMP/sd.port" &
PIDS="$PIDS $!"
i=0; while [ ! -s "$TMP/sd.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
URL="http://127.0.0.1:$(head -n 1 "$TMP/sd.port")"
touch "$TMP/sd.log"
drawn() { wc -l <"$TMP/sd.log" | tr -d ' '; }
WS=$TMP/ws
mkdir -p "$WS/texts"
cp examples/texts/tom-sawyer-fence.txt "$WS/texts/fence.txt"
PLAN=$WS/image_prompts/fence.json

check "run: 15 pictures in the default style" "$B" -C "$WS" -q run --size 64x64 --backend "a1111=$URL" fence
cp "$PLAN" "$TMP/plan1.json"
(cd "$WS" && find images -name '*.png' -exec sha256sum {} + | sort) >"$TMP/pngs1"

# another style, no backend: the plan only
"$B" -C "$WS" run --size 64x64 --style watercolor fence >"$TMP/out" 2>"$TMP/err"; rc=$?
if [ $rc = 0 ] && grep -q "15 rendered pictures no longer match the prompts of style \"watercolor\" (drawn with \"artstation\"): kept as candidates" "$TMP/err" &&
   [ "$(grep -c "no longer match" "$TMP/err")" = 1 ]; then
    pass "--style change: said once, the pictures kept as candidates"
else fail "--style change message" "rc $rc $(cat "$TMP/err")"; fi
check "each old picture is a kept candidate with its seed, style and prompt, still chosen" $PY - "$TMP/plan1.json" "$PLAN" <<'PYEOF'
import json, sys
old, new = (json.load(open(f)) for f in sys.argv[1:3])
assert new["settings"]["style"] == "watercolor"
for a, b in zip(old["ideas"], new["ideas"]):
    c = b["candidates"]
    kept = [x for x in c["list"] if "kept" in x]
    live = [x for x in c["list"] if "kept" not in x]
    assert len(kept) == 1 and len(live) == 1, c
    k, l = kept[0], live[0]
    assert k["kept"]["style"] == "artstation" and k["kept"]["prompt"] == a["prompt"]["positive"], k
    assert k["kept"].get("negative") == a["prompt"].get("negative"), k
    assert k["seed"] == a["prompt"]["seed"] and k["image"] == a["image"] and k["image"]["state"] == "done", (k, a)
    assert b["prompt"]["positive"] != a["prompt"]["positive"], b["prompt"]
    assert l["image"]["state"] == "pending" and l["draw"] != k["draw"] and l["seed"] != k["seed"], l
    # the documents' picture: the chosen one is the kept picture
    assert c["list"][c["chosen"]] is k and b["image"] == a["image"], (c, b["image"])
PYEOF
check "the pictures on disk are untouched" sh -c "cd '$WS' && find images -name '*.png' -exec sha256sum {} + | sort | cmp -s - '$TMP/pngs1'"
check "docx after the style change" "$B" -C "$WS" -q docx fence
docx_has() { $PY - "$WS" "$1" <<'PYEOF'
import hashlib, json, os, sys, zipfile
ws, which = sys.argv[1], sys.argv[2]
p = json.load(open(os.path.join(ws, "image_prompts/fence.json")))
z = zipfile.ZipFile(os.path.join(ws, "docx/fence.docx"))
media = {hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist() if n.startswith("word/media/")}
h = lambda f: hashlib.sha256(open(os.path.join(ws, f), "rb").read()).hexdigest()
for i in p["ideas"]:
    lst = i["candidates"]["list"]
    want = [x for x in lst if ("kept" in x) == (which == "old")]
    other = [x for x in lst if ("kept" in x) != (which == "old")]
    if which == "chosen":
        want = [lst[i["candidates"]["chosen"]]]
        other = [x for k, x in enumerate(lst) if k != i["candidates"]["chosen"]]
    for x in want:
        assert h(x["image"]["file"]) in media, (i["id"], x)
    for x in other:
        assert x["image"]["state"] != "done" or h(x["image"]["file"]) not in media, (i["id"], x)
PYEOF
}
check "the DOCX still shows the old pictures" docx_has old

# render the new style: 15 new pictures, each chosen; the old ones stay candidates and on disk
check "run --style watercolor with the backend" "$B" -C "$WS" -q run --size 64x64 --style watercolor --backend "a1111=$URL" fence
[ "$(drawn)" = 30 ] && pass "15 new pictures drawn, none of the old redrawn" || fail "new style drawn" "$(drawn) drawn"
check "the new pictures are chosen; the old ones kept, files untouched" $PY - "$WS" "$TMP/pngs1" <<'PYEOF'
import hashlib, json, os, sys
ws = sys.argv[1]
old = dict(reversed(l.split()) for l in open(sys.argv[2]))
p = json.load(open(os.path.join(ws, "image_prompts/fence.json")))
for i in p["ideas"]:
    c = i["candidates"]
    ch = c["list"][c["chosen"]]
    assert "kept" not in ch and ch["image"]["state"] == "done" and i["image"] == ch["image"], c
    k = [x for x in c["list"] if "kept" in x][0]
    f = k["image"]["file"]
    assert hashlib.sha256(open(os.path.join(ws, f), "rb").read()).hexdigest() == old[f], f
    assert ch["image"]["file"] != f
PYEOF
check "docx after rendering" "$B" -C "$WS" -q docx fence
check "the DOCX shows the new pictures, not the old" docx_has new

# the old one chosen back by hand: a re-run leaves the choice
KN=$($PY -c "import json,sys; c=json.load(open(sys.argv[1]))['ideas'][0]['candidates']; print([k for k,x in enumerate(c['list']) if 'kept' in x][0] + 1)" "$PLAN")
check "choose the kept picture of idea 1" "$B" -C "$WS" -q choose fence 1 "$KN"
check "re-run with the backend" "$B" -C "$WS" -q run --size 64x64 --style watercolor --backend "a1111=$URL" fence
check "the choice of the old picture stands, nothing drawn" $PY - "$PLAN" "$(drawn)" "$KN" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
c = p["ideas"][0]["candidates"]
assert sys.argv[2] == "30", sys.argv[2] + " drawn"
assert c["chosen"] == int(sys.argv[3]) - 1 and "kept" in c["list"][c["chosen"]], c
PYEOF

# back to the old style: the old pictures are current again, nothing drawn
check "run back in the default style" "$B" -C "$WS" -q run --size 64x64 --backend "a1111=$URL" fence
check "back to the old style: old pictures chosen and current, the watercolor ones kept, none drawn" $PY - "$WS" "$TMP/plan1.json" "$(drawn)" <<'PYEOF'
import json, os, sys
ws = sys.argv[1]
p = json.load(open(os.path.join(ws, "image_prompts/fence.json")))
old = json.load(open(sys.argv[2]))
assert sys.argv[3] == "30", sys.argv[3] + " drawn"
for a, b in zip(old["ideas"], p["ideas"]):
    c = b["candidates"]
    ch = c["list"][c["chosen"]]
    assert "kept" not in ch and b["image"] == a["image"] and b["prompt"]["seed"] == a["prompt"]["seed"], (c, a["image"])
    kept = [x for x in c["list"] if "kept" in x]
    assert len(kept) == 1 and kept[0]["kept"]["style"] == "watercolor", c
    assert len(c["list"]) == 2, c
PYEOF
finish
