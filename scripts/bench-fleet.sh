#!/usr/bin/env bash
# The fleet view's cost: a real Prometheus scraping 50 `dashboard serve` engines of 50 tools each (every
# 5 s; each engine keeps receiving calls of all 50 tools), read by `dashboard --prometheus` at a 1 s
# refresh. Reports (1) one fleet query round's latency as the dashboard sees it (`query_ms`, the slowest
# of its concurrent queries, over ROUNDS rounds of `dashboard snapshot --prometheus --json`), (2) the
# Prometheus engine time those rounds cost (its own prometheus_engine_query_duration_seconds_sum, all
# slices, divided by the rounds), and (3) the CPU of the dashboard itself in a 200x60 tmux pane.
# Usage: scripts/bench-fleet.sh [seconds] [rounds]   (needs: prometheus, tmux, python3, curl; builds the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-60}
rounds=${2:-30}
instances=${INSTANCES:-50}
if [ -z "${BINARY:-}" ]; then
    BINARY=$(scripts/build-release.sh)
fi
binary=$BINARY
token=bench-token
workdir=$(mktemp -d)
pids=()
session=bench-fleet-$$
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$workdir"
}
trap cleanup EXIT

python3 scripts/bench_calls.py 40 > "$workdir/first.json"
python3 scripts/bench_calls.py 2 > "$workdir/tick.json"
targets=""
for index in $(seq 0 $((instances - 1))); do
    port=$((19400 + index))
    METRICS_CONTROL_TOKEN=$token FILE_CACHE_PATH=$workdir/ids-$index.sqlite HOME=$workdir XDG_STATE_HOME=$workdir/state \
        "$binary" serve --no-demo --port $port --log-file "$workdir/serve-$index.log" 2>/dev/null &
    pids+=($!)
    targets+="'127.0.0.1:$port', "
done
post() { curl -sf -X POST -H "Authorization: Bearer $token" --data-binary @"$2" \
    "http://127.0.0.1:$1/v1/tool-calls" >/dev/null; }
for index in $(seq 0 $((instances - 1))); do
    port=$((19400 + index))
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
    post $port "$workdir/first.json"
done
# One feeder for all engines: 2 calls of each tool per engine every second.
(while true; do
    for index in $(seq 0 $((instances - 1))); do post $((19400 + index)) "$workdir/tick.json" & done
    wait; sleep 1
done) &
pids+=($!)

prom_port=19390
cat > "$workdir/prometheus.yml" <<YAML
global:
  scrape_interval: 5s
scrape_configs:
  - job_name: mcp
    static_configs:
      - targets: [${targets%, }]
YAML
prometheus --config.file="$workdir/prometheus.yml" --storage.tsdb.path="$workdir/data" \
    --web.listen-address=127.0.0.1:$prom_port --log.level=warn > "$workdir/prometheus.log" 2>&1 &
pids+=($!)
url=http://127.0.0.1:$prom_port
for _ in $(seq 100); do curl -sf "$url/-/ready" >/dev/null && break; sleep 0.2; done
echo "waiting 45 s for 9 scrapes of $instances engines x 50 tools..."
sleep 45
series=$(curl -sf "$url/api/v1/query" --data-urlencode 'query=count({job="mcp"})' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["result"][0]["value"][1])')
up=$(curl -sf "$url/api/v1/query" --data-urlencode 'query=sum(up{job="mcp"})' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["result"][0]["value"][1])')
echo "Prometheus holds $series series from $up of $instances engines up"

engine_seconds() {
    curl -sf "$url/metrics" | awk '/^prometheus_engine_query_duration_seconds_sum/ { s += $2 } END { printf "%.6f", s }'
}
before=$(engine_seconds)
: > "$workdir/rounds.txt"
for _ in $(seq "$rounds"); do
    "$binary" snapshot --prometheus "$url" --json --timeout 30 2>"$workdir/snapshot.err" | python3 -c '
import json, sys
fleet = json.load(sys.stdin)["fleet"]
print(fleet["query_ms"], len(fleet["instances"]), fleet["window_seconds"])' >> "$workdir/rounds.txt" ||
        { cat "$workdir/snapshot.err" >&2; exit 1; }
    sleep 1
done
after=$(engine_seconds)
python3 - "$workdir/rounds.txt" "$before" "$after" "$rounds" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1])]
ms = sorted(float(r[0]) for r in rows)
def q(p): return ms[min(len(ms) - 1, int(p * len(ms)))]
print(f"round latency over {len(ms)} rounds ({rows[0][1]} instances, window {rows[0][2]} s): "
      f"p50 {q(0.5):.1f} ms, p95 {q(0.95):.1f} ms, max {ms[-1]:.1f} ms")
engine = (float(sys.argv[3]) - float(sys.argv[2])) / int(sys.argv[4]) * 1000
print(f"Prometheus engine time per round (all slices of prometheus_engine_query_duration_seconds): {engine:.1f} ms")
PY

ticks=$(getconf CLK_TCK)
tmux new -d -s "$session" -x 200 -y 60 "exec env TERM=xterm-256color HOME=$workdir $binary --prometheus $url --refresh 1 --log-file $workdir/dashboard.log"
for _ in $(seq 100); do tmux capture-pane -p -t "$session" | grep -q 'tool_' && break; sleep 0.1; done
sleep 5
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
cpu_before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
t0=$(date +%s%N)
peak=0
for _ in $(seq "$duration"); do
    sleep 1
    now=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    [ "$now" -gt "$peak" ] && peak=$now
done
cpu_after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
elapsed=$(( $(date +%s%N) - t0 ))
tmux capture-pane -p -t "$session" | head -1
awk -v t="$(( cpu_after - cpu_before ))" -v hz="$ticks" -v ns="$elapsed" -v peak="$peak" 'BEGIN {
    printf "dashboard --prometheus: CPU %.2f s over %.1f s = %.2f %% of one core; peak VmRSS %.1f MiB\n",
        t / hz, ns / 1e9, 100 * (t / hz) / (ns / 1e9), peak / 1024
}'
