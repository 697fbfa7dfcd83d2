#!/usr/bin/env bash
# Runs the whole test suite (`cargo test --all-features "$@"`) with a real
# S3-compatible server up, so that tests/e2e.rs runs instead of skipping.
#
# The server is s3s-fs (scripts/install-s3s-fs.sh installs it), which verifies
# SigV4 header signatures, presigned URLs and POST policies. It listens on
# 127.0.0.1 at a free port, with fixed example credentials, on a temporary
# data directory; it is stopped by its PID and the directory removed whatever
# happens (success, failure, Ctrl-C; on SIGTERM, once the running cargo
# command has returned).
#
# Usage: scripts/e2e.sh [cargo test arguments], e.g. scripts/e2e.sh --test e2e
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="${AWSIG_TOOLS:-$HOME/.cache/awsig-tools}"
S3S_FS="${S3S_FS:-$TOOLS/bin/s3s-fs}"
if [ ! -x "$S3S_FS" ]; then
    echo "error: $S3S_FS not found; run scripts/install-s3s-fs.sh first" >&2
    exit 1
fi

ACCESS_KEY=AKIAIOSFODNN7EXAMPLE
SECRET_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
BUCKET=awsig-e2e            # addressed virtual-host style: awsig-e2e.localhost:PORT
PATH_BUCKET=awsig-e2e-path  # addressed path style: 127.0.0.1:PORT/awsig-e2e-path

WORK="$(mktemp -d "${TMPDIR:-/tmp}/awsig-e2e.XXXXXX")"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

mkdir -p "$WORK/data/$BUCKET" "$WORK/data/$PATH_BUCKET"
LOG="$WORK/s3s-fs.log"

# Another process may take the port between free_port and the bind: retry.
for attempt in 1 2 3; do
    PORT="$(free_port)"
    # --domain: Host `localhost:PORT` or `127.0.0.1:PORT` means path style;
    # `BUCKET.localhost:PORT` means virtual-host style.
    "$S3S_FS" --host 127.0.0.1 --port "$PORT" \
        --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
        --domain "localhost:$PORT" --domain "127.0.0.1:$PORT" \
        "$WORK/data" >"$LOG" 2>&1 &
    SERVER_PID=$!
    up=""
    for _ in $(seq 1 100); do # 10 s
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            break
        fi
        if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
            up=yes
            break
        fi
        sleep 0.1
    done
    if [ -n "$up" ]; then
        break
    fi
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "error: s3s-fs (pid $SERVER_PID) did not listen on 127.0.0.1:$PORT within 10 s; its log:" >&2
        cat "$LOG" >&2
        exit 1
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    echo "s3s-fs exited at startup (attempt $attempt, port $PORT); its log:" >&2
    cat "$LOG" >&2
done
if [ -z "$SERVER_PID" ]; then
    echo "error: could not start s3s-fs" >&2
    exit 1
fi
echo "s3s-fs $("$S3S_FS" --version | cut -d' ' -f2) (pid $SERVER_PID) listening on 127.0.0.1:$PORT, data in $WORK/data"

export AWSIG_E2E_ENDPOINT="http://127.0.0.1:$PORT"
export AWSIG_E2E_DOMAIN="localhost:$PORT"
export AWSIG_E2E_BUCKET="$BUCKET"
export AWSIG_E2E_PATH_BUCKET="$PATH_BUCKET"
export AWSIG_E2E_ACCESS_KEY="$ACCESS_KEY"
export AWSIG_E2E_SECRET_KEY="$SECRET_KEY"
export AWSIG_E2E_DATA_DIR="$WORK/data"

status=0
cargo test --all-features "$@" || status=$?
if [ "$status" -ne 0 ]; then
    echo "tests failed (exit $status); last 100 lines of the s3s-fs log ($LOG):" >&2
    tail -n 100 "$LOG" >&2
fi
exit "$status"
