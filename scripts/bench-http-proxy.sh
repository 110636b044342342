#!/usr/bin/env bash
# Latency `dashboard proxy --http` adds to a JSON-answered tools/call (direct and proxied calls in pairs, one
# run, against the reference Python SDK's Streamable-HTTP server), and its memory with 500 SSE streams open;
# then the relay under load: wrk at 1, 8 and 64 connections, direct, through nginx and through the proxy, in
# rotation (scripts/bench_http_sweep.py; needs wrk and nginx).
# Usage: scripts/bench-http-proxy.sh [calls]   (release build; BINARY=path skips the build; venv as interop;
#        BASELINE_DASHBOARD=path times an earlier build's proxy in the same rounds; SWEEP_ONLY=1 runs only
#        the sweep; SWEEP_SECONDS and SWEEP_ROUNDS size it, 8 s and 3 rounds by default)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
binary="${BINARY:-$(scripts/build-release.sh)}"
venv=$(interop_venv)
ulimit -n 4096
if [ -z "${SWEEP_ONLY:-}" ]; then
    "$venv/bin/python" scripts/bench_http_proxy.py "$(realpath "$binary")" "${1:-2000}"
fi
"$venv/bin/python" scripts/bench_http_sweep.py "$(realpath "$binary")" "${SWEEP_SECONDS:-8}" "${SWEEP_ROUNDS:-3}"
