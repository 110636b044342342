#!/usr/bin/env bash
# How soon `dashboard proxy --http` relays each SSE event of a streamed answer (target: within 10 ms of the
# upstream sending it): blocking sockets on both sides, five events 100 ms apart per stream.
# Usage: scripts/bench-sse-relay.sh [streams]   (release build; BINARY=path skips the build)
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${BINARY:-$(scripts/build-release.sh)}"
python3 scripts/bench_sse_relay.py "$(realpath "$binary")" "${1:-20}"
