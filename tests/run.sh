#!/bin/sh
# tests/run.sh - the whole suite: unit test binaries, fuzz corpus replays and
# the CLI/consumer tests in tests/cli/*.sh. Prints one closing line:
# "N passed, N failed, N skipped". BUILD selects the build folder.
BUILD=${BUILD:-build}
export BUILD
export LONGSD_BIN="$PWD/$BUILD/longsd"
passed=0; failed=0; skipped=0
log=$(mktemp)
add_counts() {
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
    s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
}
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    echo "== $t"
    "$t" >"$log" 2>&1; rc=$?
    grep -v -E '^[0-9]+ passed, [0-9]+ failed' "$log"
    if grep -qE '^[0-9]+ passed, [0-9]+ failed' "$log"; then add_counts
    else echo "FAIL $t exited $rc without a summary"; failed=$((failed + 1)); fi
    if [ $rc -ne 0 ] && ! grep -qE '^[0-9]+ passed, [1-9]' "$log"; then
        echo "FAIL $t exited $rc"; failed=$((failed + 1)); fi
done
for r in "$BUILD"/fuzz/replay_*; do
    [ -x "$r" ] || continue
    name=${r##*/replay_}
    dir=fuzz/corpus/$name
    [ -d "$dir" ] || { echo "FAIL no corpus for $name ($dir)"; failed=$((failed + 1)); continue; }
    if "$r" "$dir" >"$log" 2>&1; then echo "ok   fuzz replay $name: $(cat "$log")"; passed=$((passed + 1))
    else cat "$log"; echo "FAIL fuzz replay $name"; failed=$((failed + 1)); fi
done
for s in tests/cli/test_*.sh; do
    [ -f "$s" ] || continue
    echo "== $s"
    sh "$s" >"$log" 2>&1; rc=$?
    grep -v -E '^[0-9]+ passed, [0-9]+ failed' "$log"
    if grep -qE '^[0-9]+ passed, [0-9]+ failed' "$log"; then add_counts
    else echo "FAIL $s exited $rc without a summary"; failed=$((failed + 1)); fi
    if [ $rc -ne 0 ] && ! grep -qE '^[0-9]+ passed, [1-9]' "$log"; then
        echo "FAIL $s exited $rc"; failed=$((failed + 1)); fi
done
rm -f "$log"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
