# Sourced by the scripts that drive the real binary with Python peers: the venv they share and the binary.

# The venv of the reference MCP SDK, mcp-server-time and the OpenTelemetry SDK with its OTLP/HTTP exporter
# (INTEROP_VENV, default .build/interop-venv), made on first use, never system-wide.
interop_venv() {
    local venv="${INTEROP_VENV:-.build/interop-venv}"
    if [[ ! -x "$venv/bin/mcp-server-time" ]] || ! "$venv/bin/python" -c "import opentelemetry.sdk, grpc" 2>/dev/null; then
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install --quiet --disable-pip-version-check "mcp>=2" "mcp-server-time" \
            opentelemetry-sdk opentelemetry-exporter-otlp-proto-http grpcio >&2
    fi
    realpath "$venv"
}

# The dashboard binary to drive: the path given, else a debug build (built when out of date).
dashboard_binary() {
    if [[ -n "${1:-}" ]]; then
        realpath "$1"
        return
    fi
    swift build --product dashboard >/dev/null
    echo "$(swift build --show-bin-path)/dashboard"
}
