#!/bin/sh
# tests/cli/test_quotes.sh - the passage `longsd ideas` prints under each
# idea is the author's text as written at the bytes it names, never the
# rewritten scene (no "Tom" put in for "he" in a first-person book).
. tests/cli/lib.sh

ws="$TMP/ws"
if "$LONGSD_BIN" -C "$ws" ideas "$CORPUS/en-twain3.txt" >"$TMP/out.txt" 2>"$TMP/err"; then
    pass "ideas on Tom Sawyer Abroad"
else
    fail "ideas on Tom Sawyer Abroad" "$(head -c 600 "$TMP/err")"
fi
if "$PY" - "$TMP/out.txt" "$CORPUS/en-twain3.txt" <<'PYEOF'; then pass "every printed passage is the text at its bytes"; else fail "every printed passage is the text at its bytes"; fi
import re, sys
out = open(sys.argv[1], encoding="utf-8").read().split("\n")
raw = open(sys.argv[2], "rb").read()
norm = lambda s: " ".join(s.split())
bad = 0
n = 0
for i, line in enumerate(out):
    m = re.match(r"^\S+  \[paragraph \d+, bytes (\d+)-(\d+)\] ", line)
    if not m:
        continue
    n += 1
    a, z = int(m.group(1)), int(m.group(2))
    printed = norm(out[i + 1])
    if printed != norm(raw[a:z].decode("utf-8")):
        print("  not verbatim: %r\n  the text: %r" % (printed[:120], norm(raw[a:z].decode())[:120]))
        bad += 1
sys.exit(1 if bad or n != 15 else 0)
PYEOF
finish
