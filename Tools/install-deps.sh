#!/usr/bin/env bash
# Installs the system libraries Tihua links (Debian/Ubuntu), if missing, and
# what the tests need: headless chromium and its WebDriver for the web page's
# browser test, with a CJK font so that its screenshot shows the poems.
set -euo pipefail
packages=(pkg-config liblmdb-dev lmdb-utils libopenblas-dev libjpeg-dev libopencc-dev libxxhash-dev zlib1g-dev
          chromium chromium-driver fonts-noto-cjk)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
