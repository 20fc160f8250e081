#!/bin/sh
# scripts/quickstart.sh - the README's first command: install what is missing
# (including what the test suite uses), build, install longsd (PREFIX,
# default /usr/local, so it is on PATH) and run the main job on the bundled
# example text (examples/texts/tom-sawyer-fence.txt). LONGSD_SKIP_DEPS=1
# skips the package step (the tests use it).
set -eu
cd "$(dirname "$0")/.."
[ "${LONGSD_SKIP_DEPS:-0}" = 1 ] || sh scripts/deps.sh --test
make -j"$(nproc)"
# on PATH afterwards: /usr/local/bin (PREFIX=... to choose; as a user
# without root, e.g. PREFIX=$HOME/.local)
make install PREFIX="${PREFIX:-/usr/local}"
bin="${PREFIX:-/usr/local}/bin"
"$bin/longsd" -C examples run tom-sawyer-fence
echo
echo "Open examples/docx/tom-sawyer-fence.docx or examples/html/tom-sawyer-fence/index.html;"
echo "the plan is examples/image_prompts/tom-sawyer-fence.json."
case ":$PATH:" in
*":$bin:"*) echo "longsd is installed in $bin: try \`longsd --help\`." ;;
*) echo "longsd is installed in $bin, which is not on your PATH: add it (export PATH=\"$bin:\$PATH\")." ;;
esac
