#!/usr/bin/env bash
# Installs the s3s-fs test server (used by scripts/e2e.sh) into
# ${AWSIG_TOOLS:-$HOME/.cache/awsig-tools}/bin, unless that exact version is
# already there. Versions from 0.15 need a newer rustc; 0.14.1 is pinned.
set -euo pipefail

VERSION=0.14.1
ROOT="${AWSIG_TOOLS:-$HOME/.cache/awsig-tools}"
BIN="$ROOT/bin/s3s-fs"

if [ -x "$BIN" ] && [ "$("$BIN" --version 2>/dev/null)" = "s3s-fs $VERSION" ]; then
    echo "s3s-fs $VERSION already installed: $BIN"
    exit 0
fi

echo "installing s3s-fs $VERSION into $ROOT (takes about 2-3 minutes)"
cargo install "s3s-fs@$VERSION" --features binary --locked --force --root "$ROOT"
found="$("$BIN" --version)"
if [ "$found" != "s3s-fs $VERSION" ]; then
    echo "error: installed $BIN reports '$found', expected 's3s-fs $VERSION'" >&2
    exit 1
fi
echo "s3s-fs $VERSION installed: $BIN"
