#!/bin/sh
# The page of `longsd serve` in a real headless Chromium (tests/cli/serve_browser.py
# through python3-selenium) over the fake A1111 server: open a book, choose a
# candidate, re-roll, edit a prompt, edit a cast description, export; after each
# the plan, the images and the DOCX must show it. Skipped (a failure under
# LONGSD_REQUIRE_CONSUMERS=1) only when Chromium, its driver or Selenium is
# missing. LONGSD_SCREENSHOTS=DIR also saves the page at desktop and phone widths.
. tests/cli/lib.sh
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
export OPENAI_API_KEY=sk-test-SECRET-serve-b10c7e55 XDG_CACHE_HOME=$TMP/cache
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
B=$LONGSD_BIN
CHROMIUM=${LONGSD_CHROMIUM:-/usr/bin/chromium}   # overridable to check the skip itself
if [ ! -x "$CHROMIUM" ] || [ ! -x /usr/bin/chromedriver ] || ! $PY -c "import selenium" 2>/dev/null; then
    skip "the page in a headless browser" "chromium, chromium-driver or python3-selenium not installed"
    finish; exit $?
fi
WS=$TMP/ws
mkdir -p "$WS/texts"
cp examples/texts/tom-sawyer-fence.txt "$WS/texts/fence.txt"
$PY tests/servers/fake_sd.py --lifetime 300 --delay 0.05 --log "$TMP/sd.log" >"$TMP/sd.port" &
PIDS="$PIDS $!"
i=0; while [ ! -s "$TMP/sd.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
SD="http://127.0.0.1:$(head -n 1 "$TMP/sd.port")"
check "run with 2 candidates per idea over the fake server" "$B" -C "$WS" -q run --candidates 2 --size 128x64 \
    --backend "a1111=$SD" fence
"$B" -C "$WS" serve --backend "a1111=$SD" --per-backend 2 fence >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVE=$!
PIDS="$PIDS $SERVE"
i=0; while ! grep -q 'http://' "$TMP/serve.out" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
URL=$(grep -o 'http://[^ ]*' "$TMP/serve.out" | head -n 1)
if [ -z "$URL" ]; then
    fail "serve prints its URL" "$(cat "$TMP/serve.err")"; finish; exit 1
fi
pass "serve prints its URL with a token"
CHROMIUM=$CHROMIUM LONGSD_BIN=$B $PY tests/cli/serve_browser.py "$URL" "$WS" fence ${LONGSD_SCREENSHOTS:-} >"$TMP/browser.out" 2>&1
cat "$TMP/browser.out"
T_PASS=$((T_PASS + $(grep -c '^ok ' "$TMP/browser.out")))
nf=$(grep -c '^FAIL ' "$TMP/browser.out")
T_FAIL=$((T_FAIL + nf))
[ "$(grep -c '^ok ' "$TMP/browser.out")" -eq 7 ] || [ "$nf" -gt 0 ] || fail "the browser test ran every step" "$(tail -n 20 "$TMP/browser.out")"
kill "$SERVE"; wait "$SERVE"; rc=$?
[ $rc -eq 0 ] && pass "serve stops cleanly after the session (exit 0)" || fail "serve stops cleanly after the session (exit 0)" "rc=$rc $(tail -n 20 "$TMP/serve.err")"
no_secret "the key is in no page, response, plan or log" sk-test-SECRET-serve-b10c7e55 "$WS" "$TMP/serve.out" "$TMP/serve.err" "$TMP/browser.out"
finish
