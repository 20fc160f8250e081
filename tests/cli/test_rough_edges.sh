#!/bin/sh
# The rough edges a new user hits (issue 13), each with the behaviour that
# replaced it: a missing model says what a model is; --llm openai without a
# key says so before any request; a server that is not running is named once;
# html/<name>/ is served-readable; a style change reports the pictures it
# outdates; epub --cover before rendering writes the book with a title page;
# one line per warning; --help lists what each command uses.
. tests/cli/lib.sh
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY OPENAI_API_KEY OPENAI_TOKEN OPENAI_BASE_URL
export XDG_CACHE_HOME=$TMP/cache
B=$LONGSD_BIN
SERVERS=""
cleanup() {
    for p in $SERVERS; do kill -9 "$p" 2>/dev/null; done
    for p in $SERVERS; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
FENCE=$CORPUS/en-twain1-ch2-fence.txt
# a port nothing listens on: bound, then closed
free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# ---- --backend native=/nonexistent: the path, and what a model must hold
"$B" -q sd --backend native=/nonexistent "x" -o "$TMP/n.png" 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "/nonexistent: no such file or folder; the model must be a diffusers folder (text_encoder/, unet/ and vae/" "$TMP/err" \
    && grep -q "or a single-file .safetensors checkpoint" "$TMP/err" && [ ! -e "$TMP/n.png" ] \
    && pass "native=/nonexistent: names the path and what a model folder holds, exit 2" \
    || fail "native=/nonexistent: names the path and what a model folder holds, exit 2" "rc $rc $(cat "$TMP/err")"
mkdir -p "$TMP/model/unet" "$TMP/model/vae"
"$B" -q sd --backend "native=$TMP/model" "x" -o "$TMP/n.png" 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "$TMP/model has no text_encoder/ folder" "$TMP/err" \
    && pass "a model folder without text_encoder/: says which part is missing" \
    || fail "a model folder without text_encoder/: says which part is missing" "rc $rc $(cat "$TMP/err")"

# ---- --backend native=FILE.gguf (stable-diffusion.cpp's format): a cut file names
# the file, the tensor and the byte; a whole one is read and checked for fit
head -c 100000 tests/engine/gguf/tiny-q8_0.gguf >"$TMP/cut.gguf"
LONGSD_CLIP_VOCAB=tests/engine/tiny-sd/tokenizer "$B" -q sd --backend "native=$TMP/cut.gguf" "x" -o "$TMP/n.png" 2>"$TMP/err"; rc=$?
[ $rc != 0 ] && grep -q "$TMP/cut.gguf: tensor '.*': its [0-9]* bytes at data offset [0-9]* (byte [0-9]*) run past the end of the file (100000 bytes)" "$TMP/err" \
    && [ ! -e "$TMP/n.png" ] \
    && pass "native=cut.gguf: the file, the tensor and the byte where it runs out" \
    || fail "native=cut.gguf: the file, the tensor and the byte where it runs out" "rc $rc $(cat "$TMP/err")"
LONGSD_CLIP_VOCAB=tests/engine/tiny-sd/tokenizer "$B" -q sd --backend native=tests/engine/gguf/tiny-q8_0.gguf "x" \
    -o "$TMP/n.png" 2>"$TMP/err"; rc=$?
[ $rc != 0 ] && grep -q "the tokenizer has 1514 tokens, the text encoder 49408" "$TMP/err" \
    && pass "native=tiny-q8_0.gguf: read as a single-file checkpoint (too small for SD 1.5's shapes, and says so)" \
    || fail "native=tiny-q8_0.gguf: read as a single-file checkpoint" "rc $rc $(cat "$TMP/err")"

# ---- --llm openai without a key: said before any request (a proxy that
# counts connections stands in for the network)
$PY - "$TMP/proxy" <<'PYEOF' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8); s.settimeout(0.2)
open(sys.argv[1] + ".port", "w").write(str(s.getsockname()[1]))
n, end = 0, time.time() + 30
while time.time() < end:
    try:
        c, _ = s.accept(); n += 1; open(sys.argv[1] + ".hits", "w").write(str(n)); c.close()
    except socket.timeout:
        pass
PYEOF
SERVERS="$SERVERS $!"
i=0; while [ ! -s "$TMP/proxy.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
PROXY=http://127.0.0.1:$(cat "$TMP/proxy.port")
WS=$TMP/ws; mkdir -p "$WS"
https_proxy=$PROXY HTTPS_PROXY=$PROXY http_proxy=$PROXY "$B" -C "$WS" run --llm openai --no-cache "$FENCE" \
    >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && [ "$(cat "$TMP/err")" = "longsd: error: no API key: set OPENAI_API_KEY, or --llm-url for a local server" ] \
    && pass "--llm openai without a key: one line that says what to do, exit 2" \
    || fail "--llm openai without a key: one line that says what to do, exit 2" "rc $rc $(cat "$TMP/err")"
[ ! -s "$TMP/proxy.hits" ] && pass "--llm openai without a key: no request made" \
    || fail "--llm openai without a key: no request made" "$(cat "$TMP/proxy.hits") connections"

# ---- a server that is not running: named once per backend, not once per image
P1=$(free_port); P2=$(free_port)
WS=$TMP/ws2; mkdir -p "$WS"
"$B" -C "$WS" run --backend "a1111=http://127.0.0.1:$P1" --backend "a1111=http://127.0.0.1:$P2" --size 64x64 \
    --timeout 5 "$FENCE" >"$TMP/out" 2>"$TMP/err"; rc=$?
n1=$(grep -c "nothing listens at http://127.0.0.1:$P1: is the server running?" "$TMP/err")
n2=$(grep -c "nothing listens at http://127.0.0.1:$P2: is the server running?" "$TMP/err")
[ $rc = 1 ] && [ "$n1" = 1 ] && [ "$n2" = 1 ] && pass "no server running: asked once per backend" \
    || fail "no server running: asked once per backend" "rc $rc, $n1 and $n2 times: $(cat "$TMP/err")"
[ "$(wc -l <"$TMP/err")" -le 3 ] && grep -q "failed 15 images: no backend left" "$TMP/err" \
    && pass "no server running: three lines, not one per image" \
    || fail "no server running: three lines, not one per image" "$(cat "$TMP/err")"
$PY - "$WS/image_prompts/en-twain1-ch2-fence.json" <<'PYEOF' && pass "no server running: every idea failed with its reason in the plan" || fail "no server running: every idea failed with its reason in the plan"
import json, sys
p = json.load(open(sys.argv[1]))
assert all(i["image"]["state"] == "failed" and i["image"]["error"] for i in p["ideas"]), p["ideas"][0]
assert any("is the server running?" in i["image"]["error"] for i in p["ideas"])
PYEOF

# ---- html/<name>/ can be served: the mode a plain mkdir gets (0755 under umask 022)
WS=$TMP/ws3; mkdir -p "$WS"
(umask 022; "$B" -C "$WS" -q run "$FENCE")
m=$(stat -c %a "$WS/html/en-twain1-ch2-fence")
mi=$(stat -c %a "$WS/html/en-twain1-ch2-fence/images")
[ "$m" = 755 ] && [ "$mi" = 755 ] && pass "html/<name>/ is 0755 (a web server can read it)" \
    || fail "html/<name>/ is 0755 (a web server can read it)" "folder $m, images $mi"

# ---- one line per warning (it was printed as a warning and again as a note)
printf 'A short tale.\n\nTom painted the white fence in the bright sun and whistled a merry tune all day long.\n' >"$TMP/tiny.txt"
"$B" -C "$WS" run --by-chapter "$TMP/tiny.txt" >"$TMP/out" 2>"$TMP/err"
n=$(cat "$TMP/out" "$TMP/err" | grep -c "no chapter headings found")
[ "$n" = 1 ] && pass "a warning is printed once" || fail "a warning is printed once" "$n times: $(cat "$TMP/out" "$TMP/err")"

# ---- epub --cover before any image: the book, with a title page and a note
"$B" -C "$WS" epub --cover beginning-01 en-twain1-ch2-fence >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && [ -s "$WS/epub/en-twain1-ch2-fence.epub" ] \
    && [ "$(grep -c 'cover: idea "beginning-01" has no rendered image yet; the title page is the cover' "$TMP/err")" = 1 ] \
    && pass "epub --cover before rendering: written with the title page, one note" \
    || fail "epub --cover before rendering: written with the title page, one note" "rc $rc $(cat "$TMP/err")"
"$B" -C "$WS" epub --cover no-such-idea en-twain1-ch2-fence >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q 'no idea "no-such-idea"' "$TMP/err" && pass "epub --cover with a wrong id: still a usage error" \
    || fail "epub --cover with a wrong id: still a usage error" "rc $rc $(cat "$TMP/err")"

# ---- a style change reports the pictures it outdates, and going back keeps them
$PY tests/servers/fake_sd.py --lifetime 120 --log "$TMP/sd.log" >"$TMP/sd.port" &
SERVERS="$SERVERS $!"
i=0; while [ ! -s "$TMP/sd.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
SD=http://127.0.0.1:$(head -n 1 "$TMP/sd.port")
WS=$TMP/ws4; mkdir -p "$WS"
"$B" -C "$WS" -q run --backend "a1111=$SD" --size 64x64 "$FENCE" 2>"$TMP/err"
"$B" -C "$WS" run --size 64x64 --style watercolor "$FENCE" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && grep -q '15 rendered pictures no longer match the prompts of style "watercolor" (drawn with "artstation"): kept as candidates' "$TMP/err" \
    && pass "--style change: the outdated pictures are reported" \
    || fail "--style change: the outdated pictures are reported" "rc $rc $(cat "$TMP/err")"
[ "$(ls "$WS"/images/en-twain1-ch2-fence/*.png | wc -l)" = 15 ] && pass "--style change: the pictures stay on disk" \
    || fail "--style change: the pictures stay on disk"
"$B" -C "$WS" run --size 64x64 --backend "a1111=$SD" "$FENCE" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 0 ] && grep -q "images: 15 of 15 rendered" "$TMP/out" && [ "$(wc -l <"$TMP/sd.log")" = 15 ] \
    && pass "back to the old style: the kept pictures are used again, none redrawn" \
    || fail "back to the old style: the kept pictures are used again, none redrawn" "rc $rc, $(wc -l <"$TMP/sd.log") drawn"

# ---- --help lists what each command uses, one option's help in one piece
opts() { "$B" "$1" --help | grep -oE '^  (-[a-z], )?--[a-z-]+' | sed 's/.*--/--/' | tr '\n' ' '; }
[ "$(opts docx)" = "--output --layout --language " ] && pass "docx --help: no --single-file or --cover" \
    || fail "docx --help: no --single-file or --cover" "$(opts docx)"
[ "$(opts html)" = "--output --layout --single-file --language " ] && pass "html --help: no --cover" \
    || fail "html --help: no --cover" "$(opts html)"
[ "$(opts epub)" = "--output --layout --cover --language " ] && pass "epub --help: no --single-file" \
    || fail "epub --help: no --single-file" "$(opts epub)"
"$B" run --help | grep -A3 -- '--backend KIND=URL' | tail -n 3 | grep -q -- '--threads' \
    && fail "--threads is not inside --backend's help" "$("$B" run --help | grep -A4 -- '--backend KIND=URL')" \
    || pass "--threads is not inside --backend's help"
printf '{"styles": [{"name": "inkwash", "suffix": "ink wash painting", "description": "my own"}]}\n' >"$TMP/st.json"
"$B" styles --help | grep -q -- "--styles FILE" && "$B" styles --styles "$TMP/st.json" | grep -q "^inkwash " \
    && pass "styles --styles FILE: in its help, and honoured" || fail "styles --styles FILE: in its help, and honoured"
finish
