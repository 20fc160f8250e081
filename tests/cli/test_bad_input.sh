#!/bin/sh
# Bad input table: each hostile input gives its exit code and a message that
# names the problem; nothing half-written is left behind, and a good plan
# already in the workspace is never lost.
. tests/cli/lib.sh
WS=$TMP/ws
mkdir -p "$WS/texts"

# expect NAME EXIT MESSAGE FILE: run `longsd -C WS run FILE`, check exit code,
# that stderr contains MESSAGE, and that no output or temp file appeared.
expect() {
    name=$1; want_rc=$2; want_msg=$3; shift 3
    "$LONGSD_BIN" -C "$WS" run "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?
    if [ "$rc" -ne "$want_rc" ]; then fail "$name" "exit $rc, expected $want_rc: $(cat "$TMP/err")"; return; fi
    if ! grep -qF -- "$want_msg" "$TMP/err"; then fail "$name" "stderr lacks \"$want_msg\": $(cat "$TMP/err")"; return; fi
    if [ "$(find "$WS" -name '*.tmp*' | wc -l)" -ne 0 ]; then fail "$name" "temp files left: $(find "$WS" -name '*.tmp*')"; return; fi
    if [ -d "$WS/image_prompts" ] || [ -d "$WS/docx" ]; then fail "$name" "output left behind after a failure"; rm -rf "$WS/image_prompts" "$WS/docx"; return; fi
    pass "$name"
}

# a missing file is a usage error (2) however it is named
expect "missing file" 2 "nope.txt: no such file" "$TMP/nope.txt"
expect "missing name" 2 "no texts/nope.txt in the workspace" nope
printf 'Tom painted the fence.\n' > "$TMP/ok.txt"
expect "missing --cast file" 2 "--cast $TMP/nocast.json: no such file" --cast "$TMP/nocast.json" "$TMP/ok.txt"
expect "missing --styles file" 2 "--styles $TMP/nostyles.json: no such file" --styles "$TMP/nostyles.json" "$TMP/ok.txt"
for c in docx epub html; do
    "$LONGSD_BIN" -C "$WS" $c nope >"$TMP/out" 2>"$TMP/err"; rc=$?
    [ $rc = 2 ] && grep -q "image_prompts/nope.json: no such file (run \`longsd run\` on the text first)" "$TMP/err" \
        && pass "$c of a book without a plan: exit 2, says what to do" \
        || fail "$c of a book without a plan: exit 2, says what to do" "rc $rc $(cat "$TMP/err")"
done
"$LONGSD_BIN" styles --styles "$TMP/nostyles.json" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "no such file" "$TMP/err" && pass "styles --styles missing: exit 2" \
    || fail "styles --styles missing: exit 2" "rc $rc $(cat "$TMP/err")"
mkdir -p "$TMP/adir.txt"
expect "directory" 1 "is a directory" "$TMP/adir.txt"
: > "$TMP/empty.txt"
expect "empty file" 1 "empty" "$TMP/empty.txt"
printf '   \n\n\t  \r\n  \n' > "$TMP/blank.txt"
expect "whitespace only" 1 "only whitespace" "$TMP/blank.txt"
printf 'Once upon a time\000there was a \001\002 binary.' > "$TMP/nul.txt"
expect "NUL byte" 1 "NUL byte at offset 16" "$TMP/nul.txt"
head -c 3000 /bin/ls > "$TMP/ls.txt"
expect "binary file" 1 "binary" "$TMP/ls.txt"
printf 'Tom went to the river.\nThe caf\351 was closed.\n' > "$TMP/latin1.txt"
expect "invalid UTF-8 names the byte" 1 "byte offset 30" "$TMP/latin1.txt"
expect "invalid UTF-8 says how to convert" 1 "iconv" "$TMP/latin1.txt"
printf '\377\376T\000o\000m\000' > "$TMP/utf16.txt"
expect "UTF-16 with BOM" 1 "UTF-16" "$TMP/utf16.txt"
truncate -s 70M "$TMP/huge.txt"
expect "file over the cap" 1 "over the limit" "$TMP/huge.txt"

# one 10 MB line: must not crash; either a plan or a clear error, in bounded time
awk 'BEGIN { s = "The boy ran down to the river and the dog ran after him. "; for (i = 0; i < 180000; i++) printf "%s", s; print "" }' > "$TMP/longline.txt"
start=$(date +%s)
"$LONGSD_BIN" -C "$WS" -q run "$TMP/longline.txt" >"$TMP/out" 2>"$TMP/err"; rc=$?
took=$(( $(date +%s) - start ))
if [ "$rc" -eq 0 ] || { [ "$rc" -eq 1 ] && [ -s "$TMP/err" ]; }; then
    if [ "$took" -le 60 ]; then pass "10 MB single line (exit $rc, ${took}s)"; else fail "10 MB single line" "took ${took}s"; fi
else fail "10 MB single line" "exit $rc: $(head -c 300 "$TMP/err")"; fi
rm -rf "$WS/image_prompts" "$WS/docx"

# unreadable file: as root permissions do not bite, so drop to nobody
printf 'Tom painted the fence white.\n' > "$TMP/secret.txt"; chmod 000 "$TMP/secret.txt"
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null; then
        chmod 755 "$TMP"; mkdir -p "$TMP/nobody"; chmod 777 "$TMP/nobody"
        setpriv --reuid=nobody --regid=nogroup --clear-groups "$LONGSD_BIN" -C "$TMP/nobody" run "$TMP/secret.txt" >"$TMP/out" 2>"$TMP/err"; rc=$?
        if [ "$rc" -eq 1 ] && grep -q "permission denied" "$TMP/err"; then pass "unreadable file"; else fail "unreadable file" "exit $rc: $(cat "$TMP/err")"; fi
    else skip "unreadable file" "setpriv missing"; fi
else
    expect "unreadable file" 1 "permission denied" "$TMP/secret.txt"
fi

# names with spaces, unicode and '..' work, and output names are safe ASCII
mkdir -p "$TMP/sub dir"
cat "$CORPUS/en-twain1-ch2-fence.txt" > "$TMP/sub dir/Tom's fence – ü ✓.txt"
if "$LONGSD_BIN" -C "$WS" -q run "$TMP/sub dir/../sub dir/Tom's fence – ü ✓.txt" 2>"$TMP/err"; then
    f=$(ls "$WS/image_prompts")
    case "$f" in
        Tom-s-fence.json) pass "unicode/space/.. file name -> $f" ;;
        *) fail "unicode/space/.. file name" "plan named '$f'" ;;
    esac
else fail "unicode/space/.. file name" "$(cat "$TMP/err")"; fi

# a good plan is never lost to a bad edit: the error names the field, the file is untouched
plan="$WS/image_prompts/Tom-s-fence.json"
sed -i 's/"version": 1/"version": "one"/' "$plan"
sum=$(md5sum < "$plan")
"$LONGSD_BIN" -C "$WS" run "$TMP/sub dir/Tom's fence – ü ✓.txt" >"$TMP/out" 2>"$TMP/err"; rc=$?
if [ "$rc" -eq 1 ] && grep -q "version: expected an integer" "$TMP/err" && [ "$(md5sum < "$plan")" = "$sum" ]; then
    pass "malformed plan: clear error, file untouched"
else fail "malformed plan" "exit $rc: $(cat "$TMP/err")"; fi
"$LONGSD_BIN" -C "$WS" -q run --force "$TMP/sub dir/Tom's fence – ü ✓.txt" 2>"$TMP/err" && grep -q '"version": 1' "$plan" \
    && pass "--force rebuilds a malformed plan" || fail "--force rebuilds a malformed plan" "$(cat "$TMP/err")"

# usage errors exit 2
u() { name=$1; shift; "$LONGSD_BIN" "$@" >/dev/null 2>"$TMP/err"; rc=$?
      if [ "$rc" -eq 2 ] && [ -s "$TMP/err" ]; then pass "usage: $name"; else fail "usage: $name" "exit $rc"; fi; }
u "unknown option" run --bogus x
u "bad --size" run --size 12x7 x
u "bad --parts" run --parts 0 x
u "unknown command" frobnicate
u "missing argument" run
u "no command"
printf 'Tom ran to the river. The dog barked at the boat.\n' > "$WS/texts/small.txt"
u "unknown style" -C "$WS" run --style nope small
"$LONGSD_BIN" --version | grep -q '^longsd [0-9]' && pass "--version" || fail "--version"
for c in run ideas prompts docx styles; do
    "$LONGSD_BIN" $c --help | grep -q "usage: longsd $c" && pass "$c --help" || fail "$c --help"
done
finish
