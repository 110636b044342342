#!/usr/bin/env bash
# What a person sees on `u` in the embedded dashboard: how long the engine's /metrics takes to answer while
# the test upload runs (curl every 0.2 s), whether the header ever says stale or reconnecting, when the
# upload first shows, and how long q takes to exit when pressed during the upload.
# Usage: scripts/bench-test-upload.sh debug|release [runs]   (needs: tmux, curl, bc)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-debug}
runs=${2:-3}
if [ "$build" = release ]; then
    binary=$(scripts/build-release.sh)
else
    swift build --product dashboard >/dev/null
    binary=$(swift build --show-bin-path)/dashboard
fi
port=19231
socket=bench-test-upload-$$
cleanup() { tmux -L "$socket" kill-server 2>/dev/null || true; }
trap cleanup EXIT

for run in $(seq "$runs"); do
    home=$(mktemp -d)
    tmux -L "$socket" new-session -d -s t -x 120 -y 40 \
        "cd $home && env HOME=$home FILE_CACHE_PATH=$home/ids.sqlite METRICS_JSON_PORT=$port TERM=xterm-256color \
         $binary --refresh 0.5; echo ENDED=\$(date +%s.%N); sleep 30"
    for _ in $(seq 100); do tmux -L "$socket" capture-pane -p -t t | head -1 | grep -q connected && break; sleep 0.1; done
    tmux -L "$socket" send-keys -t t u
    pressed=$(date +%s.%N)
    worst=0 samples=0 unhealthy=0 shown=""
    # Sample until the upload has run for 3 s (its files are 24 MiB in a release build, 2 MiB in debug).
    while (( $(echo "$(date +%s.%N) - $pressed < 3" | bc) )); do
        answer=$(curl -s -o /dev/null -m 5 -w '%{time_total}' "http://127.0.0.1:$port/metrics" || echo 5)
        worst=$(echo "if ($answer > $worst) $answer else $worst" | bc)
        samples=$((samples + 1))
        screen=$(tmux -L "$socket" capture-pane -p -t t)
        echo "$screen" | head -1 | grep -q 'stale\|reconnecting' && unhealthy=$((unhealthy + 1))
        if [ -z "$shown" ] && echo "$screen" | grep -q 'Uploads .* in flight'; then
            shown=$(echo "$(date +%s.%N) - $pressed" | bc)
        fi
        sleep 0.2
    done
    inflight=$(tmux -L "$socket" capture-pane -p -t t | grep -o '[0-9]* in flight' | head -1)
    quit=$(date +%s.%N)
    tmux -L "$socket" send-keys -t t q
    for _ in $(seq 200); do tmux -L "$socket" capture-pane -p -t t | grep -q 'ENDED=' && break; sleep 0.05; done
    ended=$(tmux -L "$socket" capture-pane -p -t t | grep -o 'ENDED=[0-9.]*' | cut -d= -f2)
    printf '%s run %d: /metrics worst %.1f ms over %d polls, stale/reconnecting %d, upload shown after %.2f s, q at "%s" exited in %.2f s\n' \
        "$build" "$run" "$(echo "$worst * 1000" | bc)" "$samples" "$unhealthy" "${shown:-99}" "$inflight" \
        "$(echo "$ended - $quit" | bc)"
    tmux -L "$socket" kill-server 2>/dev/null || true
    rm -rf "$home"
done
