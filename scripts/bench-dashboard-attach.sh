#!/usr/bin/env bash
# CPU, resident memory and time to first frame of `dashboard --attach` watching an engine with 50 tools,
# refreshing every second for a while, in a 120x40 tmux pane. The engine keeps receiving calls meanwhile.
# Usage: scripts/bench-dashboard-attach.sh [seconds]   (needs: tmux, python3, curl; builds the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-60}
# BINARY=path measures that build instead of scripts/build-release.sh's (e.g. one against shared libraries).
if [ -z "${BINARY:-}" ]; then
    BINARY=$(scripts/build-release.sh)
fi
binary=$BINARY
port=19219
token=bench-token
session=bench-attach-$$
workdir=$(mktemp -d)
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    [ -n "${feeder:-}" ] && kill "$feeder" 2>/dev/null || true
    kill "$server" 2>/dev/null || true
    rm -rf "$workdir"
}
trap cleanup EXIT

METRICS_CONTROL_TOKEN=$token FILE_CACHE_PATH=$workdir/ids.sqlite HOME=$workdir \
    "$binary" serve --no-demo --port $port --log-file "$workdir/serve.log" 2>/dev/null &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done

# Calls for 50 tools: 200 each up front, then 10 each per second while the dashboard runs.
python3 scripts/bench_calls.py 200 > "$workdir/first.json"
python3 scripts/bench_calls.py 10 > "$workdir/tick.json"
post() { curl -sf -X POST -H "Authorization: Bearer $token" --data-binary @"$1" \
    "http://127.0.0.1:$port/v1/tool-calls" >/dev/null; }
post "$workdir/first.json"
sleep 0.5  # let the engine's shared snapshot (refreshed every 200 ms) include those calls
(while true; do post "$workdir/tick.json"; sleep 1; done) &
feeder=$!

ticks=$(getconf CLK_TCK)
start=$(date +%s%N)
tmux new -d -s "$session" -x 120 -y 40 \
    "exec env TERM=xterm-256color $binary --attach 127.0.0.1:$port --refresh 1 --log-file $workdir/attach.log"
first_frame=
for _ in $(seq 500); do
    if tmux capture-pane -p -t "$session" 2>/dev/null | grep -q 'tool_'; then
        first_frame=$(( ($(date +%s%N) - start) / 1000000 ))
        break
    fi
    sleep 0.01
done
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
echo "time to first frame (tmux start to a tool row on screen): ${first_frame:-none} ms; pid $pid"

before=$(cpu)
t0=$(date +%s%N)
peak=0
samples=()
for _ in $(seq "$duration"); do
    sleep 1
    now=$(rss)
    samples+=("$now")
    [ "$now" -gt "$peak" ] && peak=$now
done
after=$(cpu)
elapsed=$(( $(date +%s%N) - t0 ))
tmux capture-pane -p -t "$session" | head -12
# Where the resident memory is: the process's own (anonymous) pages against pages of the binary and the
# shared libraries it maps (file-backed, clean, shared with every other process using them).
awk '/RssAnon|RssFile/ {printf "%s %.1f MiB  ", $1, $2 / 1024} END {print ""}' "/proc/$pid/status"
awk '/^Pss:/ {printf "Pss (shared pages divided among their users): %.1f MiB\n", $2 / 1024}' "/proc/$pid/smaps_rollup"
awk '/^[0-9a-f]+-[0-9a-f]+ / {name = $6} /^Rss:/ {rss[name] += $2}
    END {for (n in rss) if (rss[n] >= 1024) printf "  %6.1f MiB  %s\n", rss[n] / 1024, n}' "/proc/$pid/smaps" | sort -rn
awk -v t="$(( after - before ))" -v hz="$ticks" -v ns="$elapsed" -v peak="$peak" -v last="${samples[-1]}" \
    -v first="${samples[0]}" 'BEGIN {
    printf "CPU over %.1f s: %.2f s of CPU = %.2f %% of one core\n", ns / 1e9, t / hz, 100 * (t / hz) / (ns / 1e9)
    printf "VmRSS: first %.1f MiB, last %.1f MiB, peak %.1f MiB\n", first / 1024, last / 1024, peak / 1024
}'
