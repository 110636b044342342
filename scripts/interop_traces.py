"""The proxy's spans in the user's own trace, checked with the reference Python SDK on both sides: the client
and the server (PyPI's `mcp`) export their own spans, with the OpenTelemetry SDK, to the same real OTLP/HTTP
receiver as `dashboard proxy --otlp-endpoint` — over stdio and Streamable HTTP, in both protocol eras. For
every call the proxy's span must be the client's span's child (same trace, parent = the client's span), beside
the server's span of the same trace; named and attributed per the OpenTelemetry MCP conventions, a tool error
an ERROR, progress as events, each later round of a multi-round call linked to its first; and no argument
value in any of the proxy's spans.

Usage: python interop_traces.py DASHBOARD   (the venv of scripts/common.sh, with opentelemetry-sdk and
       opentelemetry-exporter-otlp-proto-http)
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import otlp_receiver  # noqa: E402
from interop_http import start  # noqa: E402
from mcp import Client, StdioServerParameters  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from mcp.types import ElicitResult  # noqa: E402
from opentelemetry import trace  # noqa: E402
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = [sys.executable, os.path.join(HERE, "python_http_server.py")]
SECRET = "argument-value-7f3a9c"
SERVER_KIND, CLIENT_KIND, ERROR = 2, 3, 2


def fail(message):
    print(f"interop-traces: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


async def user(context, params):
    return ElicitResult(action="accept", content={"name": "ada"})


async def exercise(client):
    """An echo carrying the secret, a failing tool, one with progress, one that asks the user."""
    await client.call_tool("echo", {"text": SECRET})
    await client.call_tool("fail", {"reason": SECRET})
    async def progressed(progress, total, message):
        pass

    await client.call_tool("progress", {"steps": 3}, progress_callback=progressed)
    await client.call_tool("greet", {})


async def run_stdio(dashboard, url, name, mode, work):
    proxy = [dashboard, "proxy", "--name", name, "--otlp-endpoint", url, "--", *SERVER, "--stdio", "--otlp", url]
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "XDG_STATE_HOME": work}
    async with Client(StdioServerParameters(command=proxy[0], args=proxy[1:], env=env), mode=mode,
                      elicitation_callback=user) as client:
        await exercise(client)
        return client.protocol_version, None


async def run_http(dashboard, url, name, mode, work):
    server, line = start([*SERVER, "0", "--otlp", url])
    upstream_port = int(line.split()[-1])
    proxy, line = start([dashboard, "proxy", "--http", "--listen", "127.0.0.1:0", "--upstream",
                         f"http://127.0.0.1:{upstream_port}/mcp", "--name", name, "--port", "0",
                         "--otlp-endpoint", url], pattern="proxy listening on")
    base = line.split("proxy listening on ")[1].split()[0]
    try:
        async with Client(streamable_http_client(f"{base}/mcp"), mode=mode, elicitation_callback=user) as client:
            await exercise(client)
            version = client.protocol_version
    finally:
        proxy.send_signal(signal.SIGTERM)
        if proxy.wait(timeout=15) != 0:
            fail(f"{name}: the proxy exited with {proxy.returncode}")
        server.terminate()
        server.wait(timeout=15)
    return version, upstream_port


def check(spans, name, transport, mode, version, upstream_port):
    mine = [s for s in spans if s["service"] == name]
    clients = {s["span_id"]: s for s in spans if s["service"] == "mcp-client"}
    servers = [s for s in spans if s["service"] == "mcp-server"]
    calls = [s for s in mine if s["attributes"].get("mcp.method.name") == "tools/call"]
    label = f"{transport} {mode}"
    if len(calls) != (5 if mode == "auto" else 4):
        fail(f"{label}: {len(calls)} tools/call spans from the proxy: {[s['name'] for s in mine]}")
    if SECRET in json.dumps(mine):
        fail(f"{label}: an argument value is in the proxy's spans")
    for span in mine:
        a = span["attributes"]
        if span["kind"] != SERVER_KIND or a.get("network.transport") != transport:
            fail(f"{label}: {span['name']}: kind {span['kind']}, transport {a.get('network.transport')}")
        if a.get("mcp.protocol.version") != version:
            fail(f"{label}: {span['name']}: mcp.protocol.version {a.get('mcp.protocol.version')}, spoke {version}")
        if transport == "tcp" and (a.get("server.address") != "127.0.0.1" or a.get("server.port") != upstream_port):
            fail(f"{label}: {span['name']}: server {a.get('server.address')}:{a.get('server.port')}")
    for span in calls:
        parent = clients.get(span["parent_span_id"])
        if parent is None or parent["trace_id"] != span["trace_id"] or parent["kind"] != CLIENT_KIND:
            fail(f"{label}: {span['name']} (id {span['attributes'].get('jsonrpc.request.id')}) is not the child "
                 f"of a client span: parent {span['parent_span_id'] or 'none'}")
        twin = [s for s in servers if s["trace_id"] == span["trace_id"] and s["name"] == span["name"]]
        if not twin:
            fail(f"{label}: no server span in the trace of {span['name']}")
    by_tool = {}
    for span in calls:
        by_tool.setdefault(span["attributes"].get("gen_ai.tool.name"), []).append(span)
    failed = by_tool.get("fail", [])
    if len(failed) != 1 or failed[0]["status"]["code"] != ERROR or failed[0]["attributes"].get("error.type") != "tool_error":
        fail(f"{label}: the failing tool's span: {failed}")
    progress = by_tool.get("progress", [])
    # The SDK's server may write a notification after the answer it belongs to (its writes are queued):
    # those come too late to be events of the call's span, so at least one of the three must be.
    events = [e["name"] for e in progress[0]["events"]] if len(progress) == 1 else None
    if not events or len(events) > 3 or set(events) != {"notifications/progress"}:
        fail(f"{label}: the progress tool's spans and their events: {progress}")
    greets = sorted(by_tool.get("greet", []), key=lambda s: s["start"])
    if mode == "auto":
        # 2026-07-28: an input_required round, then the retry: its span links to the first round's.
        if len(greets) != 2 or [l["span_id"] for l in greets[1]["links"]] != [greets[0]["span_id"]]:
            fail(f"{label}: greet's rounds: {[(s['span_id'], s['links']) for s in greets]}")
    elif len(greets) != 1:
        fail(f"{label}: greet made {len(greets)} spans, one call over 2025-11-25")
    if transport == "tcp" and mode == "legacy" and not all(s["attributes"].get("mcp.session.id") for s in calls):
        fail(f"{label}: a call's span without mcp.session.id")
    print(f"interop-traces: ok: {label} ({version}): {len(mine)} proxy spans, {len(calls)} calls, each the child "
          f"of the client's span beside the server's; errors, progress events"
          + (", round links" if mode == "auto" else ""))


async def main():
    dashboard = os.path.abspath(sys.argv[1])
    receiver = otlp_receiver.start(0)
    url = f"http://127.0.0.1:{receiver.server_port}"
    provider = TracerProvider(resource=Resource.create({"service.name": "mcp-client"}))
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=url + "/v1/traces")))
    trace.set_tracer_provider(provider)
    work = tempfile.mkdtemp(prefix="interop-traces-")
    runs = []
    for transport, runner in (("pipe", run_stdio), ("tcp", run_http)):
        for mode in ("auto", "legacy"):
            name = f"traces-{transport}-{mode}"
            version, port = await runner(dashboard, url, name, mode, work)
            runs.append((name, transport, mode, version, port))
    provider.force_flush()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        names = {s["service"] for s in receiver.spans}
        if all(run[0] in names for run in runs):
            break
        time.sleep(0.2)
    time.sleep(0.5)
    for run in runs:
        check(receiver.spans, *run)


if __name__ == "__main__":
    asyncio.run(main())
