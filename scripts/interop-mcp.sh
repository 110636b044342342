#!/usr/bin/env bash
# Drives MCP servers through `dashboard proxy` with the reference Python MCP SDK and checks the proxy's
# numbers against the client's: PyPI's mcp-server-time over stdio (stdio_client), then a Streamable-HTTP
# server of the SDK's own (scripts/python_http_server.py) through `proxy --http` (its HTTP client), with
# every body and SSE event compared byte for byte. Makes its own venv (never system-wide).
# Usage: scripts/interop-mcp.sh [path/to/dashboard]   (default: a debug build, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${INTEROP_VENV:-.build/interop-venv}"
dashboard="${1:-}"
if [[ -z "$dashboard" ]]; then
    swift build --product dashboard >/dev/null
    dashboard="$(swift build --show-bin-path)/dashboard"
fi
if [[ ! -x "$venv/bin/mcp-server-time" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "mcp>=2" "mcp-server-time"
fi
"$venv/bin/python" scripts/interop_mcp.py "$(realpath "$dashboard")" "$(realpath "$venv/bin/mcp-server-time")"
"$venv/bin/python" scripts/interop_http.py "$(realpath "$dashboard")"
