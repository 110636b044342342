#!/usr/bin/env bash
# Captures the real dashboard in tmux and renders PNG pictures of it, plus plain-text captures:
#   embedded.png (engine + demo + a test upload in progress), attached.png (watching `dashboard serve`),
#   help.png (the ? overlay), narrow.png (80×24), targets.png (--local: three proxies with calls in flight
#   and failures, plus a serve engine and a Python-shaped server), detail.png (Enter on a tool),
#   messages.png (m: their messages live), message.png (one captured message, Enter) and shared.png (caches
#   shared through a throwaway PostgreSQL with a `serve` replica running beside the dashboard).
# Needs: tmux, aha, chromium, postgresql (Debian packages). Usage: scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# A tmux server of our own, so no setting of another session (NO_COLOR, say) leaks into the pictures.
tmux() { command tmux -L dashboard-screenshots "$@"; }
unset NO_COLOR
root=$PWD
binary=$("$root/scripts/build-release.sh")
out=$root/screenshots
mkdir -p "$out"
work=$(mktemp -d)
chmod a+x "$work"  # shared.png's PostgreSQL runs as the postgres user when this runs as root
serve_pid=""
others=()
cleanup() {
    tmux kill-server 2>/dev/null || true
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
    for pid in "${others[@]}"; do kill "$pid" 2>/dev/null || true; done
    if [ -d "$work/pg" ]; then "$root/scripts/postgres.sh" stop "$work/pg" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
environment="HOME=$work FILE_CACHE_PATH=$work/ids.sqlite METRICS_JSON_PORT=0 TERM=xterm-256color"

# start NAME WIDTH HEIGHT ARGS…: runs the dashboard in a fresh tmux session.
start() {
    local width=$2 height=$3
    shift 3
    tmux kill-session -t shot 2>/dev/null || true
    tmux new-session -d -s shot -x "$width" -y "$height" "cd $work && env $environment $binary $* ; sleep 5"
}

# capture NAME: text and picture of the current screen.
capture() {
    local name=$1
    tmux capture-pane -p -t shot > "$out/$name.txt"
    tmux capture-pane -p -e -t shot > "$work/$name.ansi"
    local columns rows
    columns=$(tmux display-message -p -t shot '#{pane_width}')
    rows=$(tmux display-message -p -t shot '#{pane_height}')
    {
        echo '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        echo 'body{margin:0;background:#1c1c1c}'
        echo 'pre{margin:12px;font:15px/1.2 "DejaVu Sans Mono","Noto Sans Mono CJK SC","Noto Color Emoji",monospace;color:#d0d0d0}'
        echo '</style></head><body><pre>'
        aha --no-header < "$work/$name.ansi"
        echo '</pre></body></html>'
    } > "$work/$name.html"
    local width=$((columns * 9 + 24)) height=$((rows * 18 + 24))
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
        --window-size="$width,$height" --screenshot="$out/$name.png" "file://$work/$name.html" >/dev/null 2>&1
    echo "captured $name (${columns}x${rows})"
}

start embedded 120 40
sleep 9
tmux send-keys -t shot u
sleep 1.6
capture embedded

start help 120 40
sleep 4
tmux send-keys -t shot '?'
sleep 1
capture help

start narrow 80 24
sleep 8
capture narrow

tmux kill-session -t shot 2>/dev/null || true
env HOME="$work" FILE_CACHE_PATH="$work/serve-ids.sqlite" METRICS_CONTROL_TOKEN=screenshot-token \
    "$binary" serve --port 19309 --demo-rate 30 --log-file "$work/serve.log" 2>/dev/null &
serve_pid=$!
sleep 2
start attached 120 40 --attach 127.0.0.1:19309 --token screenshot-token
sleep 9
tmux send-keys -t shot s s s
sleep 1.5
capture attached

# Several targets: three proxies in front of the SDK test server, fed by a small client (echoes, a tool
# error now and then, long calls with progress), a serve engine and a server shaped like the Python original.
swift build --product MCPTestServer >/dev/null
mcp_server=$root/.build/debug/MCPTestServer
cat > "$work/client.py" <<'PY'
import json, subprocess, sys, threading, time
proxy = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
threading.Thread(target=lambda: [None for _ in proxy.stdout], daemon=True).start()
def send(message):
    proxy.stdin.write((json.dumps(message) + "\n").encode()); proxy.stdin.flush()
send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
      "capabilities": {}, "clientInfo": {"name": "screenshots", "version": "1"}}})
send({"jsonrpc": "2.0", "method": "notifications/initialized"})
send({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
n = 2
while True:
    calls = [("echo", {"text": f"hi {n}", "api_key": "sk-not-shown"}, False), ("sleep", {"ms": 40 + n % 90}, False)]
    if n % 9 == 0: calls.append(("fail_tool", {}, False))
    if n % 40 == 2: calls.append(("progress", {"steps": 600}, True))
    for tool, arguments, progress in calls:
        params = {"name": tool, "arguments": arguments}
        if progress: params["_meta"] = {"progressToken": f"p{n}"}
        send({"jsonrpc": "2.0", "id": n, "method": "tools/call", "params": params}); n += 1
    time.sleep(0.3)
PY
for name in github filesystem search; do
    # Two keep payloads (--capture); the proxies take the dashboard's --token for their message logs.
    capture=$([ "$name" = search ] && echo "" || echo --capture)
    XDG_STATE_HOME=$work/state METRICS_CONTROL_TOKEN=screenshot-token python3 "$work/client.py" "$binary" proxy \
        --name "$name" $capture -- "$mcp_server" 2>/dev/null &
    others+=($!)
    sleep 0.7
done
python3 "$root/scripts/python_original_server.py" 19310 >/dev/null 2>&1 &
others+=($!)
sleep 3
environment="$environment XDG_STATE_HOME=$work/state"
start targets 160 45 --local --attach 127.0.0.1:19309 --attach 127.0.0.1:19310 --token screenshot-token
sleep 10
capture targets
tmux send-keys -t shot /
tmux send-keys -t shot -l sleep
tmux send-keys -t shot Enter
sleep 0.5
tmux send-keys -t shot Enter
sleep 6
capture detail
tmux send-keys -t shot Escape
tmux send-keys -t shot Escape
tmux send-keys -t shot m
sleep 4
capture messages
tmux send-keys -t shot /
tmux send-keys -t shot -l "github echo c2s"
tmux send-keys -t shot Enter
sleep 1
tmux send-keys -t shot k Enter
sleep 1
capture message

# shared.png: this dashboard's engine and a `serve` replica share their caches through PostgreSQL; the
# replica's demo answers the same prompts, so this one finds some of them in the shared store (L2).
tmux kill-session -t shot 2>/dev/null || true
store_url="postgres://dash:screenshot-pw@127.0.0.1:19312/dash"
"$root/scripts/postgres.sh" start "$work/pg" 19312 screenshot-pw >/dev/null
env HOME="$work" FILE_CACHE_PATH="$work/replica-ids.sqlite" SEMANTIC_CACHE_URL="$store_url" \
    FILE_CACHE_URL="$store_url" "$binary" serve --port 19311 --demo-rate 60 --log-file "$work/replica.log" \
    2>/dev/null &
others+=($!)
sleep 8
start shared 120 40 --cache-url "$store_url" --file-cache-url "$store_url"
sleep 12
capture shared
