#!/usr/bin/env bash
# The fleet view's cost: a real Prometheus scraping 50 `dashboard serve` engines of 50 tools each (every
# 5 s; each engine keeps receiving calls of all 50 tools), read by `dashboard --prometheus` at a 1 s
# refresh, first from the raw series, then with the rules of `dashboard prometheus-rules` loaded.
# Reports, for each: (1) one fleet query round's latency as the dashboard sees it (`query_ms`, the
# slowest of its concurrent queries, over ROUNDS rounds of `dashboard snapshot --prometheus --json`),
# (2) the Prometheus time those rounds cost (from its query log: the execTotalTime of every API query
# made meanwhile, divided by the rounds, with the heaviest query named) and, with rules, what
# evaluating them costs per second (their execTotalTime in the same log); then (3) the CPU of the dashboard itself in a 200x60 tmux pane, with rules.
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
ports=""
for index in $(seq 0 $((instances - 1))); do
    port=$((19400 + index))
    METRICS_CONTROL_TOKEN=$token FILE_CACHE_PATH=$workdir/ids-$index.sqlite HOME=$workdir XDG_STATE_HOME=$workdir/state \
        "$binary" serve --no-demo --port $port --log-file "$workdir/serve-$index.log" 2>/dev/null &
    pids+=($!)
    targets+="'127.0.0.1:$port', "
    ports+="$port,"
done
for index in $(seq 0 $((instances - 1))); do
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$((19400 + index))/health" >/dev/null && break; sleep 0.1; done
done
# One feeder for all engines: 2 calls of each tool per engine every second.
python3 scripts/bench_feeder.py "$workdir/first.json" "$workdir/tick.json" "${ports%,}" "$token" > "$workdir/feeder.log" &
pids+=($!)

prom_port=19390
write_configuration() {
    cat > "$workdir/prometheus.yml" <<YAML
global:
  scrape_interval: 5s
  evaluation_interval: 5s
  query_log_file: $workdir/queries.log
$1
scrape_configs:
  - job_name: mcp
    static_configs:
      - targets: [${targets%, }]
YAML
}
write_configuration ""
"$binary" prometheus-rules > "$workdir/dashboard-rules.yml"
prometheus --config.file="$workdir/prometheus.yml" --storage.tsdb.path="$workdir/data" \
    --web.listen-address=127.0.0.1:$prom_port --log.level=warn > "$workdir/prometheus.log" 2>&1 &
prom_pid=$!
pids+=($prom_pid)
url=http://127.0.0.1:$prom_port
for _ in $(seq 100); do curl -sf "$url/-/ready" >/dev/null && break; sleep 0.2; done
echo "waiting 45 s for 9 scrapes of $instances engines x 50 tools..."
sleep 45
value() {
    curl -sf "$url/api/v1/query" --data-urlencode "query=$1" |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)'
}
echo "Prometheus holds $(value 'count({job="mcp"})') series from $(value 'sum(up{job="mcp"})') of $instances engines up"

measure() {
    local label=$1 first t0 t1
    first=$(( $(wc -l < "$workdir/queries.log" 2>/dev/null || echo 0) + 1 ))
    t0=$(date +%s%N)
    : > "$workdir/rounds.txt"
    for _ in $(seq "$rounds"); do
        "$binary" snapshot --prometheus "$url" --json --timeout 30 2>"$workdir/snapshot.err" | python3 -c '
import json, sys
fleet = json.load(sys.stdin)["fleet"]
print(fleet["query_ms"], len(fleet["instances"]), fleet["window_seconds"], fleet.get("recording_rules", False))' >> "$workdir/rounds.txt" ||
            { cat "$workdir/snapshot.err" >&2; exit 1; }
        sleep 1
    done
    t1=$(date +%s%N)
    tail -n +"$first" "$workdir/queries.log" > "$workdir/measured.log"
    python3 - "$label" "$workdir/rounds.txt" "$workdir/measured.log" "$rounds" "$(( (t1 - t0) / 1000000 ))" <<'PY'
import collections, json, sys
label, path, log, rounds, elapsed_ms = sys.argv[1:]
rows = [line.split() for line in open(path)]
ms = sorted(float(r[0]) for r in rows)
def q(p): return ms[min(len(ms) - 1, int(p * len(ms)))]
api, rules = collections.defaultdict(float), 0.0
for line in open(log):
    entry = json.loads(line)
    seconds = entry["stats"]["timings"]["execTotalTime"]
    if "httpRequest" in entry:
        api[entry["params"]["query"]] += seconds
    elif "ruleGroup" in entry:
        rules += seconds
heaviest = max(api, key=api.get)
print(f"{label}: {len(ms)} rounds, {rows[0][1]} instances, window {rows[0][2]} s, recorded {rows[0][3]}")
print(f"  round latency: p50 {q(0.5):.1f} ms, p95 {q(0.95):.1f} ms, max {ms[-1]:.1f} ms")
print(f"  Prometheus time of the dashboard's queries per round: {sum(api.values()) * 1000 / int(rounds):.1f} ms"
      f" (heaviest {api[heaviest] * 1000 / int(rounds):.1f} ms: {heaviest[:70]}…)")
if rules:
    print(f"  rule evaluations meanwhile: {rules * 1000 / (int(elapsed_ms) / 1000):.0f} ms per second")
PY
}
measure "raw series"

write_configuration "rule_files: ['$workdir/dashboard-rules.yml']"
kill -HUP "$prom_pid"
for _ in $(seq 60); do
    [ "$(value 'count(job:mcp_server_operation_duration_seconds_bucket:rate1m)')" != 0 ] && break; sleep 1
done
sleep 6
curl -sf "$url/api/v1/rules" | python3 -c '
import json, sys
for group in json.load(sys.stdin)["data"]["groups"]:
    print("rule group %s: %.0f ms per evaluation, every %s s" % (group["name"], group["evaluationTime"] * 1000, group["interval"]))'
measure "recording rules"

ticks=$(getconf CLK_TCK)
tmux new -d -s "$session" -x 200 -y 60 "exec env TERM=xterm-256color HOME=$workdir $binary --prometheus $url --refresh 1 --log-file $workdir/dashboard.log"
for _ in $(seq 100); do tmux capture-pane -p -t "$session" | grep -q 'tool_' && break; sleep 0.1; done
sleep 5
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
first=$(( $(wc -l < "$workdir/queries.log") + 1 ))
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
tail -n +"$first" "$workdir/queries.log" | python3 -c '
import json, sys
api, rounds = 0.0, 0
for line in sys.stdin:
    entry = json.loads(line)
    if "httpRequest" not in entry: continue
    api += entry["stats"]["timings"]["execTotalTime"]
    rounds += entry["params"]["query"].startswith("up")
print(f"Prometheus time of the dashboard at 1 s refresh, with rules: {api * 1000 / max(rounds, 1):.1f} ms per round over {rounds} rounds")'
