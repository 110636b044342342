#!/usr/bin/env bash
# CPU of one dashboard watching 8 local proxies that relay 200 messages/s each (100 calls/s, payloads
# captured), in a 200x60 tmux pane refreshing every second: first with the panes, then with the Messages
# view open (m), in the same run.
# Usage: scripts/bench-dashboard-messages.sh [seconds]   (needs: tmux, python3; builds the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-60}
if [ -z "${BINARY:-}" ]; then
    BINARY=$(scripts/build-release.sh)
fi
workdir=$(mktemp -d)
session=bench-messages-$$
feeder=
cleanup() {
    tmux kill-session -t "$session" 2>/dev/null || true
    [ -n "$feeder" ] && kill "$feeder" 2>/dev/null || true
    pkill -f "bench_messages_feeder.py --serve" 2>/dev/null || true
    rm -rf "$workdir"
}
trap cleanup EXIT

export XDG_STATE_HOME=$workdir/state HOME=$workdir
python3 scripts/bench_messages_feeder.py "$BINARY" 100 > "$workdir/feeder.out" &
feeder=$!
for _ in $(seq 100); do [ "$(ls "$XDG_STATE_HOME/dashboard/instances" 2>/dev/null | wc -l)" -ge 8 ] && break; sleep 0.1; done

tmux new -d -s "$session" -x 200 -y 60 \
    "exec env TERM=xterm-256color HOME=$workdir XDG_STATE_HOME=$XDG_STATE_HOME $BINARY --local --refresh 1"
for _ in $(seq 300); do tmux capture-pane -p -t "$session" | grep -q '8 targets' && break; sleep 0.1; done
sleep 5
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
ticks=$(getconf CLK_TCK)
measure() {  # name: CPU of the dashboard over $duration seconds
    local before after t0 elapsed
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    t0=$(date +%s%N)
    sleep "$duration"
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    elapsed=$(( $(date +%s%N) - t0 ))
    tmux capture-pane -p -t "$session" | head -3 | tail -2
    awk -v t="$(( after - before ))" -v hz="$ticks" -v ns="$elapsed" -v name="$1" \
        -v rss="$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")" 'BEGIN {
        printf "%s: CPU %.2f s over %.1f s = %.2f %% of one core; VmRSS %.1f MiB\n",
            name, t / hz, ns / 1e9, 100 * (t / hz) / (ns / 1e9), rss / 1024
    }'
}
measure panes
tmux send-keys -t "$session" m
sleep 3
measure messages
