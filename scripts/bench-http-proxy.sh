#!/usr/bin/env bash
# Latency `dashboard proxy --http` adds to a JSON-answered tools/call (direct and proxied calls in pairs, one
# run, against the reference Python SDK's Streamable-HTTP server), and its memory with 500 SSE streams open.
# Usage: scripts/bench-http-proxy.sh [calls]   (release build; BINARY=path skips the build; venv as interop;
#        BASELINE_DASHBOARD=path times an earlier build's proxy in the same rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
binary="${BINARY:-$(scripts/build-release.sh)}"
venv=$(interop_venv)
ulimit -n 4096
"$venv/bin/python" scripts/bench_http_proxy.py "$(realpath "$binary")" "${1:-2000}"
