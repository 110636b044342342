#!/usr/bin/env bash
# A soak run of MINUTES (default 30): an engine, four proxies in front of PyPI's mcp-server-time under
# steady load (10 calls/s each), a dashboard attached to all of them in tmux and a test upload every minute;
# RSS, descriptors and threads of every process sampled every 10 s. Fails if a call is lost or anything
# grows without bound (scripts/soak.py says how that is decided).
# Usage: scripts/soak.sh [MINUTES] [path/to/dashboard]   (default: a debug build; needs tmux; venv as interop)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
dashboard="${2:-}"
venv="${INTEROP_VENV:-.build/interop-venv}"
if [[ -z "$dashboard" ]]; then
    swift build --product dashboard >/dev/null
    dashboard="$(swift build --show-bin-path)/dashboard"
fi
if [[ ! -x "$venv/bin/mcp-server-time" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "mcp>=2" "mcp-server-time"
fi
"$venv/bin/python" scripts/soak.py "$(realpath "$dashboard")" "$(realpath "$venv/bin/mcp-server-time")" "$minutes"
