#!/bin/sh
# Editing a character's description on the `longsd serve` page rewrites and
# redraws only the ideas that show that character: their prompts carry the new
# description and each is drawn once more; every other idea keeps its prompt
# and picture, and one left pending for another reason is not drawn by it.
# With curl-like requests against a local serve over the fake A1111 server.
. tests/cli/lib.sh
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
B=$LONGSD_BIN
WS=$TMP/ws
mkdir -p "$WS/texts"
cp examples/texts/tom-sawyer-fence.txt "$WS/texts/fence.txt"
$PY tests/servers/fake_sd.py --lifetime 200 --log "$TMP/sd.log" >"$TMP/sd.port" &
PIDS="$PIDS $!"
i=0; while [ ! -s "$TMP/sd.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
SD="http://127.0.0.1:$(head -n 1 "$TMP/sd.port")"
touch "$TMP/sd.log"
PLAN=$WS/image_prompts/fence.json
check "run: every idea drawn" "$B" -C "$WS" -q run --size 64x64 --backend "a1111=$SD" fence
# the character shown in the fewest ideas (at least one), and one idea
# without them put back to pending by hand
check "a character shown in some ideas but not all" $PY - "$PLAN" "$TMP/who" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
shows = {c["name"]: [i["id"] for i in p["ideas"] if c["name"] in (i.get("characters") or [])] for c in p["cast"]}
cands = [(len(v), n) for n, v in shows.items() if 0 < len(v) < len(p["ideas"]) - 1]
assert cands, shows
name = min(cands)[1]
other = [i for i in p["ideas"] if i["id"] not in shows[name]][0]
other["image"] = {"state": "pending"}
json.dump(p, open(sys.argv[1], "w"), indent=2)
open(sys.argv[2], "w").write("%s\n%s\n%s\n" % (name, other["id"], " ".join(shows[name])))
PYEOF
cp "$PLAN" "$TMP/plan.before"
before=$(wc -l <"$TMP/sd.log")

"$B" -C "$WS" serve --json --backend "a1111=$SD" fence >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVE=$!
PIDS="$PIDS $SERVE"
i=0; while ! grep -q 'http://' "$TMP/serve.out" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
URL=$(sed -n 's/.*"url": "\([^"]*\)".*/\1/p' "$TMP/serve.out")
[ -n "$URL" ] || { fail "serve started" "$(cat "$TMP/serve.err")"; finish; exit 1; }

check "POST cast: a new description, the redraws queued, finished" $PY - "$URL" "$TMP/who" "$TMP/jobs.json" <<'PYEOF'
import http.client, json, sys, time, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
tok = urllib.parse.parse_qs(u.query)["t"][0]
name = open(sys.argv[2]).read().split("\n")[0]
def req(method, path, body=None):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    h = {"X-Longsd-Token": tok}
    if body is not None:
        h["Content-Type"] = "application/json"
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
    r = c.getresponse()
    out = r.read()
    c.close()
    return r.status, out
st, out = req("POST", "/api/book/fence/cast", {"name": name, "description": "a tall old sailor with a grey beard"})
assert st == 200, (st, out[:300])
for _ in range(1200):  # until the queue is empty (bounded, not timed)
    st, out = req("GET", "/api/book/fence/progress?t=" + tok)
    j = json.loads(out)
    if not j["busy"]:
        break
    time.sleep(0.05)
assert not j["busy"], j
open(sys.argv[3], "w").write(json.dumps(j["jobs"]))
PYEOF
check "only the ideas showing the character: rewritten, queued and drawn once each" $PY - "$TMP/plan.before" "$PLAN" \
    "$TMP/who" "$TMP/jobs.json" "$TMP/sd.log" "$before" <<'PYEOF'
import json, sys
old, new = (json.load(open(f)) for f in sys.argv[1:3])
name, other, shown = open(sys.argv[3]).read().split("\n")[:3]
shown = set(shown.split())
jobs = json.load(open(sys.argv[4]))
log = open(sys.argv[5]).read().splitlines()[int(sys.argv[6]):]
desc = "a tall old sailor with a grey beard"
assert [c["description"] for c in new["cast"] if c["name"] == name] == [desc], new["cast"]
assert sorted(j["idea"] for j in jobs) == sorted(shown), (jobs, shown)
assert all(j["state"] == "done" for j in jobs), jobs
assert len(log) == len(shown), log
assert all(desc in l for l in log), log
for a, b in zip(old["ideas"], new["ideas"]):
    if b["id"] in shown:
        assert desc in b["prompt"]["positive"] and b["prompt"]["positive"] != a["prompt"]["positive"], b["prompt"]
        assert b["image"]["state"] == "done", b["image"]
    else:
        assert b["prompt"]["positive"] == a["prompt"]["positive"], (b["id"], b["prompt"]["positive"])
        assert b["image"] == a["image"], (b["id"], a["image"], b["image"])
assert [i for i in new["ideas"] if i["id"] == other][0]["image"]["state"] == "pending"
PYEOF
finish
