#!/usr/bin/env bash
# CPU and resident memory of one dashboard watching 8 engines of 50 tools each, refreshing every second,
# in a 200x60 tmux pane; the engines keep receiving calls meanwhile. Beside it, in the same run, the same
# numbers for a dashboard attached to one of those engines (what a user had before: one screen per server).
# Usage: scripts/bench-dashboard-targets.sh [seconds]   (needs: tmux, python3, curl; builds the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-60}
if [ -z "${BINARY:-}" ]; then
    BINARY=$(scripts/build-release.sh)
fi
binary=$BINARY
token=bench-token
workdir=$(mktemp -d)
servers=()
feeders=()
sessions=()
cleanup() {
    for session in "${sessions[@]}"; do tmux kill-session -t "$session" 2>/dev/null || true; done
    for pid in "${feeders[@]}" "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$workdir"
}
trap cleanup EXIT

python3 scripts/bench_calls.py 200 > "$workdir/first.json"
python3 scripts/bench_calls.py 2 > "$workdir/tick.json"
attach=()
for index in $(seq 0 7); do
    port=$((19230 + index))
    METRICS_CONTROL_TOKEN=$token FILE_CACHE_PATH=$workdir/ids-$index.sqlite HOME=$workdir \
        "$binary" serve --no-demo --port $port --log-file "$workdir/serve-$index.log" 2>/dev/null &
    servers+=($!)
    attach+=(--attach "127.0.0.1:$port")
done
post() { curl -sf -X POST -H "Authorization: Bearer $token" --data-binary @"$2" \
    "http://127.0.0.1:$1/v1/tool-calls" >/dev/null; }
for index in $(seq 0 7); do
    port=$((19230 + index))
    for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
    post $port "$workdir/first.json"
    (while true; do post $port "$workdir/tick.json"; sleep 1; done) &
    feeders+=($!)
done
sleep 0.5

ticks=$(getconf CLK_TCK)
measure() {  # name, command: runs it in a 200x60 pane and prints CPU and RSS over $duration seconds
    local name=$1 command=$2 session=bench-targets-$1-$$
    sessions+=("$session")
    tmux new -d -s "$session" -x 200 -y 60 "exec env TERM=xterm-256color HOME=$workdir $command"
    for _ in $(seq 500); do
        tmux capture-pane -p -t "$session" 2>/dev/null | grep -q 'tool_' && break
        sleep 0.01
    done
    sleep 5  # every poller connected, histories filling
    local pid before after t0 elapsed peak=0 now anon=0
    pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    t0=$(date +%s%N)
    for _ in $(seq "$duration"); do
        sleep 1
        now=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
        # At the peak, how much is the process's own memory (RssAnon) rather than pages of its binary and
        # libraries mapped from the page cache (RssFile), which other processes share.
        [ "$now" -gt "$peak" ] && peak=$now && anon=$(awk '/RssAnon/ {print $2}' "/proc/$pid/status")
    done
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    elapsed=$(( $(date +%s%N) - t0 ))
    # PERF=FILE: a 15 s profile of the dashboard (after the measured part), its report in FILE.
    if [ -n "${PERF:-}" ] && [ "$name" = eight ]; then
        perf record -F 499 -g -p "$pid" -o "$workdir/perf.data" -- sleep 15 >/dev/null 2>&1
        perf report -i "$workdir/perf.data" --stdio --no-children --percent-limit 1.5 > "$PERF" 2>/dev/null || true
    fi
    tmux capture-pane -p -t "$session" | head -1
    awk -v t="$(( after - before ))" -v hz="$ticks" -v ns="$elapsed" -v peak="$peak" -v anon="$anon" \
        -v name="$name" 'BEGIN {
        printf "%s: CPU %.2f s over %.1f s = %.2f %% of one core; peak VmRSS %.1f MiB (%.1f MiB of it anonymous)\n",
            name, t / hz, ns / 1e9, 100 * (t / hz) / (ns / 1e9), peak / 1024, anon / 1024
    }'
    tmux kill-session -t "$session"
}
measure eight "$binary ${attach[*]} --refresh 1 --log-file $workdir/eight.log"
measure one "$binary --attach 127.0.0.1:19230 --refresh 1 --log-file $workdir/one.log"
