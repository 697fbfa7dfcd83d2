#!/usr/bin/env bash
# Installs headless Chromium and its WebDriver (Debian's `chromium` and
# `chromium-driver` packages) for tests/browser.rs, unless both are already
# there (/usr/bin/chromium and /usr/bin/chromedriver). Non-interactive; uses
# sudo only when not run as root. Takes about 15-30 s on a fresh machine.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "error: not root and no sudo: cannot install chromium" >&2
        exit 1
    fi
    SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
echo "installing Debian's chromium and chromium-driver"
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends chromium chromium-driver

for bin in /usr/bin/chromium /usr/bin/chromedriver; do
    if [ ! -x "$bin" ]; then
        echo "error: $bin missing after installing chromium and chromium-driver" >&2
        exit 1
    fi
done
echo "installed: $(/usr/bin/chromium --version) and $(/usr/bin/chromedriver --version)"
