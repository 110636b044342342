#!/usr/bin/env bash
# A soak run of MINUTES (default 30): an engine, four proxies in front of PyPI's mcp-server-time under
# steady load (10 calls/s each), a dashboard attached to all of them in tmux and a test upload every minute;
# RSS, descriptors and threads of every process sampled every 10 s. Fails if a call is lost or anything
# grows without bound (scripts/soak.py says how that is decided).
# Usage: scripts/soak.sh [MINUTES] [path/to/dashboard]   (default: a debug build; needs tmux; venv as interop)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
minutes=${1:-30}
dashboard=$(dashboard_binary "${2:-}")
venv=$(interop_venv)
"$venv/bin/python" scripts/soak.py "$dashboard" "$venv/bin/mcp-server-time" "$minutes"
