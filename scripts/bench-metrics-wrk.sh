#!/usr/bin/env bash
# /metrics and /health throughput under wrk: 64 connections against an engine holding 100 tools with full
# windows, one after the other in the same run.
# Usage: scripts/bench-metrics-wrk.sh [seconds]   (needs: wrk, python3; builds the release binary)
# The server runs with one malloc arena (the binary's default); MALLOC_ARENA_MAX=N in the environment
# overrides that, for comparing the two.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15}
binary=$(scripts/build-release.sh)
port=19209
token=bench-token
workdir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$workdir"' EXIT

METRICS_CONTROL_TOKEN=$token FILE_CACHE_PATH=$workdir/ids.sqlite HOME=$workdir \
    "$binary" serve --no-demo --port $port --log-file "$workdir/serve.log" 2>/dev/null &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done

# 100 tools x 1000 calls each: 10 requests of 10 000 calls.
for batch in $(seq 0 9); do
    python3 - "$batch" > "$workdir/calls.json" <<'PY'
import json, random, sys
batch = int(sys.argv[1])
random.seed(batch)
calls = []
for tool in range(batch * 10, batch * 10 + 10):
    for _ in range(1000):
        ok = random.random() > 0.03
        calls.append({"tool": f"tool_{tool:03d}", "latency_ms": random.lognormvariate(6, 0.7),
                      "success": ok, "error_type": None if ok else random.choice(["timeout", "rate_limited"])})
print(json.dumps(calls))
PY
    curl -sf -X POST -H "Authorization: Bearer $token" --data-binary @"$workdir/calls.json" \
        "http://127.0.0.1:$port/v1/tool-calls" >/dev/null
done
sleep 0.5  # the shared snapshot may be up to 250 ms old
tools=$(curl -s "http://127.0.0.1:$port/metrics" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["tool_metrics"]))')
echo "engine holds $tools tools; body $(curl -s "http://127.0.0.1:$port/metrics" | wc -c) bytes"
echo "== /metrics"
wrk -t2 -c64 -d"${duration}s" --latency "http://127.0.0.1:$port/metrics"
echo "== /health ($(curl -s "http://127.0.0.1:$port/health"))"
wrk -t2 -c64 -d"${duration}s" --latency "http://127.0.0.1:$port/health"
echo "server RSS after: $(awk '/VmRSS/ {print $2, $3}' /proc/$server/status)"
