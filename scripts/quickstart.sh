#!/bin/sh
# scripts/quickstart.sh - the README's first command: install what is missing
# (including what the test suite uses), build, and run the main job on the
# bundled example text (examples/texts/tom-sawyer-fence.txt).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh --test
make -j"$(nproc)"
./build/longsd -C examples run tom-sawyer-fence
echo
echo "Open examples/docx/tom-sawyer-fence.docx or examples/html/tom-sawyer-fence/index.html;"
echo "the plan is examples/image_prompts/tom-sawyer-fence.json."
