#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for FUZZ_SECONDS seconds each
# (default 60), starting from its seed corpus in fuzz/corpus/<target>/.
# New interesting inputs go to a scratch corpus (not the committed seeds);
# crash inputs land in fuzz/artifacts/<target>/, where tests/fuzz_replay.rs
# replays them on stable. Needs a nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`); without them it says so and exits 0.
# Usage: scripts/fuzz.sh [target...]   (default: every target)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
if ! cargo +nightly --version >/dev/null 2>&1 || ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzzing needs a nightly toolchain and cargo-fuzz (rustup toolchain install nightly; cargo install cargo-fuzz); skipped"
    exit 0
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi

target_dir="${CARGO_TARGET_DIR:-target}/fuzz"
scratch="${FUZZ_SCRATCH:-${TMPDIR:-/tmp}/awsig-fuzz-corpus}"
status=0
for t in "${targets[@]}"; do
    echo "=== fuzz $t for ${seconds}s"
    mkdir -p "$scratch/$t" "fuzz/artifacts/$t"
    # The first corpus folder receives new inputs; the seeds are read only.
    if ! cargo +nightly fuzz run --target-dir "$target_dir" "$t" \
        "$scratch/$t" "fuzz/corpus/$t" -- \
        -max_total_time="$seconds" -max_len=4096 -timeout=10 \
        -artifact_prefix="fuzz/artifacts/$t/"; then
        echo "fuzz target $t failed: see fuzz/artifacts/$t/"
        status=1
    fi
done
exit "$status"
