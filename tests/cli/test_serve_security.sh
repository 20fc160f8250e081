#!/bin/sh
# `longsd serve` is safe by default: it listens on 127.0.0.1, every request but
# the page's CSS and JS needs the token it printed, Host and Origin must be its
# own (DNS rebinding, CSRF), bodies are capped and must be JSON, no path leads
# out of the workspace (../, encoded or not, a symbolic link out of images/),
# and no response holds an API key. Each refused change leaves the plan and the
# images byte for byte as they were.
. tests/cli/lib.sh
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
export OPENAI_API_KEY=sk-test-SECRET-servesec-71aa03c9 XDG_CACHE_HOME=$TMP/cache
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
$PY tests/servers/fake_sd.py --lifetime 120 >"$TMP/sd.port" &
PIDS="$PIDS $!"
i=0; while [ ! -s "$TMP/sd.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
SD="http://127.0.0.1:$(head -n 1 "$TMP/sd.port")"
check "run with 2 candidates" "$B" -C "$WS" -q run --candidates 2 --size 128x64 --backend "a1111=$SD" fence
echo "outside the workspace" >"$TMP/secret.txt"
ln -s "$TMP/secret.txt" "$WS/images/fence/link-out.png"

# a bad --listen is a usage error, and the default address is loopback
"$B" -C "$WS" serve --listen not-an-address fence >/dev/null 2>"$TMP/bad.err"; rc=$?
if [ $rc -eq 2 ] && grep -q "not-an-address" "$TMP/bad.err"; then pass "--listen with a bad address: exit 2, named"
else fail "--listen with a bad address: exit 2, named" "rc=$rc $(cat "$TMP/bad.err")"; fi
"$B" -C "$WS" serve --json fence >"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVE=$!
PIDS="$PIDS $SERVE"
i=0; while ! grep -q 'http://' "$TMP/serve.out" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
URL=$(sed -n 's/.*"url": "\([^"]*\)".*/\1/p' "$TMP/serve.out")
case "$URL" in
http://127.0.0.1:*/\?t=????????????????????????????????) pass "listens on 127.0.0.1 by default, with a 128-bit token in the URL";;
*) fail "listens on 127.0.0.1 by default, with a 128-bit token in the URL" "url: $URL $(cat "$TMP/serve.err")"; finish; exit 1;;
esac

snapshot() { (cd "$WS" && find image_prompts images docx \( -type f -o -type l \) ! -name '.*.lock' | sort | xargs sha256sum) >"$1"; }
snapshot "$TMP/before"
$PY - "$URL" "$TMP/responses" <<'PYEOF' >"$TMP/sec.out" 2>&1
import http.client, json, sys, urllib.parse
url, log = sys.argv[1], open(sys.argv[2], "wb")
u = urllib.parse.urlsplit(url)
host, port, tok = u.hostname, u.port, urllib.parse.parse_qs(u.query)["t"][0]
own = "%s:%d" % (host, port)
bad = 0
def req(method, path, body=None, headers=None, host_hdr=own):
    c = http.client.HTTPConnection(host, port, timeout=10)
    c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    c.putheader("Host", host_hdr)
    h = {"Content-Type": "application/json"} if body is not None else {}
    h.update(headers or {})
    for k, v in h.items():
        c.putheader(k, v)
    data = body.encode() if isinstance(body, str) else body
    if data is not None:
        c.putheader("Content-Length", str(len(data)))
    c.endheaders(data)
    r = c.getresponse()
    out = r.read()
    log.write(out + b"\n")
    c.close()
    return r.status, out
def expect(name, got, want):
    global bad
    st = got[0]
    if (st == want) if isinstance(want, int) else (st in want):
        print("ok   " + name)
    else:
        bad += 1
        print("FAIL %s\n  status %d, expected %s: %s" % (name, st, want, got[1][:200]))
T = {"X-Longsd-Token": tok}
choose = json.dumps({"idea": "beginning-01", "k": 2})
expect("the page's CSS is public", req("GET", "/static/app.css"), 200)
expect("the page itself needs the token", req("GET", "/"), 403)
expect("the page with the token", req("GET", "/?t=" + tok), 200)
expect("a read without the token is refused", req("GET", "/api/book/fence"), 403)
expect("a read with a wrong token is refused", req("GET", "/api/book/fence?t=" + "0" * 32), 403)
expect("a read with a token one character short is refused", req("GET", "/api/book/fence?t=" + tok[:-1]), 403)
expect("a read with the token", req("GET", "/api/book/fence?t=" + tok), 200)
expect("choose without the token is refused", req("POST", "/api/book/fence/choose", choose), 403)
expect("choose with a wrong token is refused", req("POST", "/api/book/fence/choose", choose, {"X-Longsd-Token": "x" * 32}), 403)
expect("choose from a foreign Origin is refused (CSRF)",
       req("POST", "/api/book/fence/choose", choose, dict(T, Origin="http://evil.example")), 403)
expect("an Origin that only starts like ours is refused",
       req("POST", "/api/book/fence/choose", choose, dict(T, Origin="http://%s.evil.example" % own)), 403)
expect("choose under a foreign Host is refused (DNS rebinding)",
       req("POST", "/api/book/fence/choose", choose, T, host_hdr="evil.example:%d" % port), 403)
expect("a read under a foreign Host is refused, token or not",
       req("GET", "/api/book/fence?t=" + tok, host_hdr="evil.example:%d" % port), 403)
expect("a form post (text/plain) is refused",
       req("POST", "/api/book/fence/choose", choose, dict(T, **{"Content-Type": "text/plain"})), 415)
expect("GET on a change is refused", req("GET", "/api/book/fence/choose?t=" + tok), 405)
expect("an oversized body is refused",
       req("POST", "/api/book/fence/edit", json.dumps({"idea": "beginning-01", "prompt": "x" * 70000}), T), 413)
expect("an oversized field is refused",
       req("POST", "/api/book/fence/edit", json.dumps({"idea": "beginning-01", "prompt": "x" * 5000}), T), 413)
expect("a body that is not JSON is refused", req("POST", "/api/book/fence/edit", "{idea:", T), 400)
expect("a seed out of range is refused",
       req("POST", "/api/book/fence/edit", json.dumps({"idea": "beginning-01", "seed": 2 ** 32}), T), 400)
expect("an idea that is not an id is refused",
       req("POST", "/api/book/fence/choose", json.dumps({"idea": "../x", "k": 1}), T), 400)
expect("a book not served is refused", req("POST", "/api/book/other/choose", choose, T), 404)
for p in ["/img/fence/../../image_prompts/fence.json", "/img/fence/..%2f..%2fimage_prompts%2ffence.json",
          "/img/..%2fimage_prompts/fence.png", "/img/fence/%2e%2e", "/img/fence/.hidden.png",
          "/download/..%2f..%2fetc/docx", "/api/book/..%2f..%2fetc/choose", "/static/..%2f..%2fetc%2fpasswd",
          "/img/fence/x.png%00.json"]:
    expect("a path out: %s" % p, req("GET", p + ("&" if "?" in p else "?") + "t=" + tok), (400, 403, 404))
expect("a symbolic link out of images/ is refused", req("GET", "/img/fence/link-out.png?t=" + tok), (403, 404))
st, body = req("GET", "/api/book/fence?t=" + tok)
b = json.loads(body)
u0 = b["ideas"][0]["candidates"][0]["url"]
expect("an image of the book is served", req("GET", u0), 200)
sys.exit(1 if bad else 0)
PYEOF
cat "$TMP/sec.out"
T_PASS=$((T_PASS + $(grep -c '^ok ' "$TMP/sec.out")))
T_FAIL=$((T_FAIL + $(grep -c '^FAIL ' "$TMP/sec.out")))
grep -q '^ok   an image of the book is served' "$TMP/sec.out" || fail "every request was made" "$(tail -n 5 "$TMP/sec.out")"
snapshot "$TMP/after"
if cmp -s "$TMP/before" "$TMP/after"; then pass "after every refused request: plan, images and documents unchanged"
else fail "after every refused request: plan, images and documents unchanged" "$(diff "$TMP/before" "$TMP/after" | head -n 5)"; fi
# the control: the same change with the token and our Origin is made
$PY - "$URL" <<'PYEOF' >"$TMP/ctl.out" 2>&1
import json, sys, urllib.parse, urllib.request
u = urllib.parse.urlsplit(sys.argv[1]); tok = urllib.parse.parse_qs(u.query)["t"][0]
r = urllib.request.Request("http://%s/api/book/fence/choose" % u.netloc, method="POST",
                           data=json.dumps({"idea": "beginning-01", "k": 2}).encode(),
                           headers={"Content-Type": "application/json", "X-Longsd-Token": tok,
                                    "Origin": "http://" + u.netloc})
print(urllib.request.urlopen(r, timeout=10).status)
PYEOF
snapshot "$TMP/after2"
if [ "$(cat "$TMP/ctl.out")" = 200 ] && ! cmp -s "$TMP/after" "$TMP/after2" &&
   $PY -c "import json,sys; p=json.load(open(sys.argv[1])); assert p['ideas'][0]['candidates']['chosen'] == 1" \
       "$WS/image_prompts/fence.json"; then
    pass "the same choice with the token and our Origin is made in the plan"
else fail "the same choice with the token and our Origin is made in the plan" "$(cat "$TMP/ctl.out")"; fi
# while another run holds the plan's lock, a change is refused with its pid
# (409) and the plan is not touched: the run would otherwise save over it
snapshot "$TMP/lock.before"
$PY - "$URL" "$WS/image_prompts/.fence.json.lock" <<'PYEOF' >"$TMP/lock.out" 2>&1
import fcntl, json, os, sys, urllib.error, urllib.parse, urllib.request
u = urllib.parse.urlsplit(sys.argv[1]); tok = urllib.parse.parse_qs(u.query)["t"][0]
fd = os.open(sys.argv[2], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
os.ftruncate(fd, 0); os.write(fd, b"4242\n")
r = urllib.request.Request("http://%s/api/book/fence/choose" % u.netloc, method="POST",
                           data=json.dumps({"idea": "beginning-01", "k": 1}).encode(),
                           headers={"Content-Type": "application/json", "X-Longsd-Token": tok})
try:
    urllib.request.urlopen(r, timeout=10)
    print("accepted")
except urllib.error.HTTPError as e:
    print(e.code, json.load(e)["error"])
PYEOF
snapshot "$TMP/lock.after"
if grep -q "^409 .*pid 4242" "$TMP/lock.out" && cmp -s "$TMP/lock.before" "$TMP/lock.after"; then
    pass "a change while another run holds the lock: 409 naming its pid, plan untouched"
else fail "a change while another run holds the lock: 409 naming its pid, plan untouched" "$(cat "$TMP/lock.out")"; fi
if grep -q "outside the workspace" "$TMP/responses"; then fail "no response held the file the link points to"
else pass "no response held the file the link points to"; fi
# SIGTERM (as Ctrl-C) stops it cleanly: exit 0, everything freed (the
# sanitizer build fails here on a leak)
kill "$SERVE"; wait "$SERVE"; rc=$?
[ $rc -eq 0 ] && pass "SIGTERM stops serve cleanly (exit 0)" || fail "SIGTERM stops serve cleanly (exit 0)" "rc=$rc $(tail -n 20 "$TMP/serve.err")"
no_secret "the key is in no response, plan or log" sk-test-SECRET-servesec-71aa03c9 "$WS" "$TMP/responses" \
    "$TMP/serve.out" "$TMP/serve.err"
finish
