#!/usr/bin/env bash
# Drives MCP servers through `dashboard proxy` with the reference Python MCP SDK and checks the proxy's
# numbers against the client's: PyPI's mcp-server-time over stdio (stdio_client), then a Streamable-HTTP
# server of the SDK's own (scripts/python_http_server.py) through `proxy --http` (its HTTP client), with
# every body and SSE event compared byte for byte, then both protocol eras (the SDK's Client in modes auto
# and legacy: 2026-07-28's multi-round calls and listen streams, 2025-11-25's handshake) over stdio and HTTP,
# with and without --cache; then a traced run (scripts/interop_traces.py): client, proxy and server export
# their spans to one OTLP receiver, and the proxy's must join the client's trace; and an engine's spans
# (scripts/engine_traces.py: `serve` and `upload`, tool calls and uploads); then the proxy's message log
# (scripts/interop_messages.py: --capture, GET /v1/messages, both eras and transports); and a server whose
# tools change while it runs (scripts/interop_tools.py: the tool surface, its changes and sizes). Makes its
# own venv (never system-wide).
# Usage: scripts/interop-mcp.sh [path/to/dashboard]   (default: a debug build, built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
dashboard=$(dashboard_binary "${1:-}")
venv=$(interop_venv)
"$venv/bin/python" scripts/interop_mcp.py "$dashboard" "$venv/bin/mcp-server-time"
"$venv/bin/python" scripts/interop_http.py "$dashboard"
"$venv/bin/python" scripts/interop_eras.py "$dashboard"
"$venv/bin/python" scripts/interop_traces.py "$dashboard"
"$venv/bin/python" scripts/engine_traces.py "$dashboard"
"$venv/bin/python" scripts/interop_messages.py "$dashboard"
"$venv/bin/python" scripts/interop_tools.py "$dashboard"
