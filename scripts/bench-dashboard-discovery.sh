#!/usr/bin/env bash
# How soon `dashboard --local` notices local proxies come and go (README: new ones appear within a second or
# two; ended ones are marked): a proxy killed with SIGKILL (its discovery file left behind) until the screen
# says "1 ended", and a new proxy's discovery file until its name is on the screen. The dashboard runs in a
# 160x50 tmux pane at its default 1 s refresh; the screen is read every 50 ms.
# Usage: scripts/bench-dashboard-discovery.sh [rounds]   (needs: tmux; builds the release binary; BINARY=path
#        skips the build)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
binary=${BINARY:-$(scripts/build-release.sh)}
work=$(mktemp -d)
socket=bench-discovery-$$
pids=()
cleanup() {
    tmux -L "$socket" kill-server 2>/dev/null || true
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
export XDG_STATE_HOME=$work/state HOME=$work
mkdir -p "$XDG_STATE_HOME/dashboard/instances"
# A server that answers every request with an empty result.
server='import json, sys
for line in sys.stdin:
    print(json.dumps({"jsonrpc": "2.0", "id": json.loads(line)["id"], "result": {"content": []}}), flush=True)'
# A proxy named $1 in front of it, given one tools/call (so the screen has a row naming the server); it
# stays until killed.
start_proxy() {
    local call="{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{}}}"
    { printf '%s\n' "$call"; sleep 100000; } | "$binary" proxy --name "$1" -- python3 -c "$server" > /dev/null 2>&1 &
    pids+=($!)
    local deadline=$((SECONDS + 20))
    until ls "$XDG_STATE_HOME/dashboard/instances" | grep -q "^$1-"; do
        [ $SECONDS -lt $deadline ] || { echo "proxy $1 wrote no discovery file" >&2; exit 1; }
        sleep 0.01
    done
}
now() { date +%s.%N; }
screen() { tmux -L "$socket" capture-pane -p -t bench; }
# wait_for TEXT: seconds until the screen shows TEXT (or fail after 15 s).
wait_for() {
    local start; start=$(now)
    while ! screen | grep -q -- "$1"; do
        if (( $(echo "$(now) - $start > 15" | bc) )); then echo "never shown: $1" >&2; exit 1; fi
        sleep 0.05
    done
    echo "$(now) - $start" | bc
}
start_proxy base
tmux -L "$socket" new-session -d -s bench -x 160 -y 50 \
    "env XDG_STATE_HOME=$XDG_STATE_HOME HOME=$HOME TERM=xterm-256color $binary --local; sleep 100"
wait_for "base" > /dev/null
ended=()
appeared=()
for round in $(seq "$rounds"); do
    start_proxy "gone$round"
    wait_for "gone$round" > /dev/null
    # The proxy's process group: `sleep | dashboard proxy` — kill the proxy itself, as a crash would.
    proxy=$(pgrep -f -- "--name gone$round" | head -1)
    kill -9 "$proxy"
    ended+=("$(wait_for "1 ended")")
    # The ended row is dropped after 10 s; the next round starts once it is gone.
    deadline=$((SECONDS + 30))
    while screen | grep -q "1 ended"; do [ $SECONDS -lt $deadline ] || break; sleep 0.2; done
    start_proxy "new$round"
    shown=$(wait_for "new$round")
    appeared+=("$shown")
done
summary() {
    printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { printf "median %.2f s, worst %.2f s (%d rounds)\n", a[int((NR + 1) / 2)], a[NR], NR }'
}
echo "killed proxy marked ended: $(summary "${ended[@]}")"
echo "new proxy on screen after its discovery file: $(summary "${appeared[@]}")"
