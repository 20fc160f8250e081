#!/bin/sh
# scripts/deps.sh - install what longsd needs from Debian 12's packages (run as
# root). Only packages that are missing are installed.
# libyaml-dev: ComfyUI's extra_model_paths.yaml (src/lib/model_paths.c); libssl-dev:
# libcrypto's sha256 and sha1 that check hub downloads (src/lib/hub.c).
#   sh scripts/deps.sh          build dependencies
#   sh scripts/deps.sh --test   also the programs the test suite checks our
#                               documents with (python3-docx, LibreOffice,
#                               poppler-utils, pandoc), headless Chromium with
#                               Selenium for the page of `longsd serve`, and
#                               clang for fuzzing
set -eu
BUILD_PKGS="build-essential pkg-config libcurl4-openssl-dev libjansson-dev libyajl-dev libzip-dev libpng-dev zlib1g-dev libopenblas-dev wordnet-dev wordnet-base libhunspell-dev libyaml-dev libssl-dev hunspell-de-de hunspell-fr dict-freedict-deu-eng dict-freedict-fra-eng libmicrohttpd-dev"
TEST_PKGS="python3 hunspell-en-us python3-docx libreoffice-writer-nogui poppler-utils pandoc epubcheck openssl chromium chromium-driver python3-selenium"
pkgs=$BUILD_PKGS
[ "${1:-}" = "--test" ] && pkgs="$pkgs $TEST_PKGS"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
fi
