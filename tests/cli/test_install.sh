#!/bin/sh
# `make install` (PREFIX, DESTDIR, uninstall) and the README's quick start
# leaving longsd on PATH. The quick start runs with LONGSD_SKIP_DEPS=1 (no
# package manager in a test) and a PREFIX in the scratch folder; its build
# step finds the build already done (make passes SAN/BUILD down).
. tests/cli/lib.sh
BUILD=${BUILD:-build}
make -s install DESTDIR="$TMP/stage" PREFIX=/opt/longsd BUILD="$BUILD" >"$TMP/out" 2>&1; rc=$?
f=$TMP/stage/opt/longsd/bin/longsd
[ $rc = 0 ] && [ -x "$f" ] && [ "$(stat -c %a "$f")" = 755 ] && pass "make install: DESTDIR/PREFIX/bin/longsd, mode 755" \
    || fail "make install: DESTDIR/PREFIX/bin/longsd, mode 755" "rc $rc $(cat "$TMP/out"); $(ls -lR "$TMP/stage" 2>&1 | head)"
"$f" --version 2>&1 | grep -q "^longsd [0-9]" && pass "the installed binary runs on its own" \
    || fail "the installed binary runs on its own" "$("$f" --version 2>&1)"
cmp -s "$f" "$BUILD/longsd" && pass "make install copies the built binary" || fail "make install copies the built binary"
make -s uninstall DESTDIR="$TMP/stage" PREFIX=/opt/longsd BUILD="$BUILD" >/dev/null 2>&1
[ ! -e "$f" ] && pass "make uninstall removes it" || fail "make uninstall removes it"

# ---- the quick start, as the README gives it, with the prefix on PATH
P=$TMP/prefix
PATH="$P/bin:$PATH" LONGSD_SKIP_DEPS=1 PREFIX="$P" sh scripts/quickstart.sh >"$TMP/qs" 2>&1; rc=$?
[ $rc = 0 ] && grep -q "longsd is installed in $P/bin: try" "$TMP/qs" && pass "quick start: exit 0, says longsd is on PATH" \
    || fail "quick start: exit 0, says longsd is on PATH" "rc $rc $(tail -5 "$TMP/qs")"
[ "$(PATH="$P/bin:$PATH" command -v longsd)" = "$P/bin/longsd" ] && pass "quick start: \`longsd\` found on PATH" \
    || fail "quick start: \`longsd\` found on PATH" "$(PATH="$P/bin:$PATH" command -v longsd)"
[ -s examples/docx/tom-sawyer-fence.docx ] && [ -s examples/html/tom-sawyer-fence/index.html ] \
    && pass "quick start: the example's documents are there" || fail "quick start: the example's documents are there"
# without the prefix on PATH it says how to add it
P2=$TMP/prefix2
LONGSD_SKIP_DEPS=1 PREFIX="$P2" sh scripts/quickstart.sh >"$TMP/qs" 2>&1; rc=$?
[ $rc = 0 ] && grep -q "not on your PATH: add it (export PATH=\"$P2/bin:" "$TMP/qs" \
    && pass "quick start: a prefix off PATH is named, with the fix" \
    || fail "quick start: a prefix off PATH is named, with the fix" "rc $rc $(tail -3 "$TMP/qs")"
finish
