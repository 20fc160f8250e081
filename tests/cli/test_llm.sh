#!/bin/sh
# `longsd run --llm openai` against tests/servers/fake_llm.py on 127.0.0.1:
# a plan with anchored ideas, one request per part, a second run that sends
# nothing (the reply cache), --no-cache asking again, a part whose model
# refuses failing with its message, and the API key nowhere on disk.
# A skip (a failure under LONGSD_REQUIRE_CONSUMERS=1) if the CLI has no --llm.
. tests/cli/lib.sh
KEY=sk-test-SECRET-cli-5e8d21
SRV_PID=
cleanup() { [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
if ! "$LONGSD_BIN" run --help 2>&1 | grep -q -- '--llm'; then
    skip "llm cli" "longsd run has no --llm option"
    finish; exit $?
fi
# start_server SCRIPT: sets PORT and LOG
start_server() {
    [ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null && wait "$SRV_PID" 2>/dev/null
    printf '%s' "$1" >"$TMP/script.json"
    LOG=$TMP/requests-$$-$(date +%s%N).jsonl
    rm -f "$TMP/port"
    $PY tests/servers/fake_llm.py --script "$TMP/script.json" --log "$LOG" --port-file "$TMP/port" \
        --max-seconds 120 >/dev/null 2>&1 &
    SRV_PID=$!
    i=0; while [ ! -s "$TMP/port" ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done
    PORT=$(cat "$TMP/port"); : >"$LOG"
}
nreq() { [ -f "$LOG" ] && wc -l <"$LOG" | tr -d ' ' || echo 0; }

WS=$TMP/ws; mkdir -p "$WS/texts"
cp "$CORPUS/en-twain1.txt" "$WS/texts/twain.txt"
export XDG_CACHE_HOME=$TMP/cache OPENAI_API_KEY=$KEY no_proxy=127.0.0.1 NO_PROXY=127.0.0.1
start_server '{}'
llm() { "$LONGSD_BIN" -C "$WS" run --llm openai --llm-url "http://127.0.0.1:$PORT/v1" --llm-model fake-model "$@"; }

if llm --llm-context 200000 twain >"$TMP/out" 2>"$TMP/err"; then pass "run with --llm openai"
else fail "run with --llm openai" "$(cat "$TMP/err")"; finish; exit 1; fi
[ "$(nreq)" = 4 ] && pass "one request per part, one for the cast" || fail "requests" "$(nreq) requests"
check "plan: 15 ideas, each anchored inside its part" $PY - "$WS/image_prompts/twain.json" <<'PYEOF'
import json, sys
plan = json.load(open(sys.argv[1], encoding="utf-8"))
parts = {p["id"]: p for p in plan["parts"]}
assert len(plan["ideas"]) == 15, len(plan["ideas"])
for i in plan["ideas"]:
    p = parts[i["part"]]; a = i["anchor"]
    assert p["start"] <= a["start"] < a["end"] <= p["end"], (i["id"], a)
PYEOF
cp "$WS/image_prompts/twain.json" "$TMP/plan1.json"
if llm --llm-context 200000 --force twain >"$TMP/out" 2>"$TMP/err" && [ "$(nreq)" = 4 ]; then
    pass "second run sends no request"
else fail "second run sends no request" "$(nreq) requests; $(cat "$TMP/err")"; fi
check "second run gives the same ideas" $PY -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert [(i["id"], i["anchor"]) for i in a["ideas"]] == [(i["id"], i["anchor"]) for i in b["ideas"]]
' "$TMP/plan1.json" "$WS/image_prompts/twain.json"
llm --llm-context 200000 --force --no-cache twain >"$TMP/out" 2>"$TMP/err"
[ "$(nreq)" = 8 ] && pass "--no-cache asks again" || fail "--no-cache asks again" "$(nreq) requests"

start_server '{"default": {"refusal": "I cannot help with that."}}'
if llm --force --no-cache twain >"$TMP/out" 2>"$TMP/err"; then fail "refusal is an error" "exit 0"
else
    rc=$?
    [ $rc = 1 ] && grep -q "the model refused: I cannot help with that." "$TMP/err" && pass "refusal is an error" \
        || fail "refusal is an error" "exit $rc: $(cat "$TMP/err")"
fi
if grep -r -q -- "$KEY" "$TMP" "$WS" 2>/dev/null; then fail "key nowhere on disk" "$(grep -r -l -- "$KEY" "$TMP")"
else pass "key nowhere on disk"; fi
finish
