# tests/cli/lib.sh - helpers for the shell tests: sourced, not run.
# Each test script calls pass/fail/skip and ends with `finish`.
# LONGSD_REQUIRE_CONSUMERS=1 (set in CI) turns a missing consumer (LibreOffice,
# python3-docx, ...) from a skip into a failure.
: "${LONGSD_BIN:=$PWD/build/longsd}"
REPO=$PWD
CORPUS=${LONGSD_CORPUS:-$REPO/tests/corpus}
PY=/usr/bin/python3
T_PASS=0; T_FAIL=0; T_SKIP=0
TMP=$(mktemp -d /tmp/longsd-cli-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass() { echo "ok   $1"; T_PASS=$((T_PASS + 1)); }
fail() { echo "FAIL $1"; [ -n "${2:-}" ] && echo "  $2"; T_FAIL=$((T_FAIL + 1)); }
skip() {
    if [ "${LONGSD_REQUIRE_CONSUMERS:-0}" = 1 ]; then fail "$1" "required but unavailable: $2"
    else echo "skip $1 ($2)"; T_SKIP=$((T_SKIP + 1)); fi
}
# check NAME COMMAND...: pass if the command succeeds
check() { n=$1; shift; if "$@" >"$TMP/.out" 2>&1; then pass "$n"; else fail "$n" "$(head -c 600 "$TMP/.out")"; fi; }
finish() { echo "$T_PASS passed, $T_FAIL failed, $T_SKIP skipped"; [ "$T_FAIL" -eq 0 ]; }
# no_secret NAME SECRET PATH...: pass if SECRET appears in none of the files
# under the PATHs (workspace, cache, saved stdout/stderr): the check every
# faulty-server test ends with.
no_secret() {
    n=$1; s=$2; shift 2
    if found=$(grep -rlaF -- "$s" "$@" 2>/dev/null) && [ -n "$found" ]; then
        fail "$n" "the key is in: $(echo "$found" | head -n 5 | tr '\n' ' ')"
    else pass "$n"; fi
}
# no_controls NAME FILE...: pass if no ESC, BEL or CR byte is in the files
# (text for a terminal went through the sanitiser)
no_controls() {
    n=$1; shift
    if LC_ALL=C grep -laP '[\x07\x0d\x1b\x9b]' "$@" >/dev/null 2>&1; then
        fail "$n" "raw control bytes in: $(LC_ALL=C grep -laP '[\x07\x0d\x1b\x9b]' "$@" | tr '\n' ' ')"
    else pass "$n"; fi
}
