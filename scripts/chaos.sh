#!/usr/bin/env bash
# Faults under load, each with a stated outcome that is checked (scripts/chaos.py lists them): a target
# blackholed, the file-ID cache's disk full, its file locked by another process for 10 s and deleted while
# open, the sandbox dropping upload connections, kill -9 of an MCP server, of a proxy and of `serve`.
# Usage: scripts/chaos.sh [path/to/dashboard [SCENARIO...]]   (default: a debug build; needs root for a tmpfs, and tmux)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
dashboard=$(dashboard_binary "${1:-}")
venv=$(interop_venv)
"$venv/bin/python" scripts/chaos.py "$dashboard" "$venv/bin/mcp-server-time" "${@:2}"
