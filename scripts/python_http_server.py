"""An MCP server built with the reference Python SDK (PyPI's `mcp`), for the proxy's interop tests and
benchmarks: tools that answer at once, slowly, with an error, with progress, and one that asks the user
(elicitation: over 2026-07-28 an `input_required` round and a retry, over 2025-11-25 a request mid-call).
It speaks both protocol eras, as the SDK's `MCPServer` does.

Usage: python python_http_server.py PORT [--json] [--record FILE] [--otlp URL]   (Streamable HTTP)
       python python_http_server.py --stdio [--otlp URL] [--changed]              (stdio)
PORT 0 takes a free port ("listening on N" is printed). --record appends one JSON line per POST exchange to
FILE: the request body and the response body exactly as the server received and sent them (base64).
--changed makes echo answer in upper case (a changed server, for `dashboard replay`).
--otlp exports the SDK's own spans (service `mcp-server`) to the OTLP/HTTP collector at URL, each at once.
"""

import asyncio
import base64
import json
import socket
import sys
from typing import Annotated

from pydantic import BaseModel

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.resolve import Elicit, Resolve


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


server = MCPServer("interop-http")


@server.tool()
def echo(text: str) -> str:
    """Returns its argument."""
    # --changed: a new build whose echo shouts, for replay to catch.
    return text.upper() if "--changed" in sys.argv else text


@server.tool()
async def slow(seconds: float) -> str:
    """Answers after `seconds`."""
    await asyncio.sleep(seconds)
    return f"slept {seconds}"


@server.tool()
def fail(reason: str) -> str:
    """Always fails, with `reason`."""
    raise ValueError(reason)


@server.tool()
async def progress(steps: int, ctx: Context) -> str:
    """Reports progress `steps` times, then answers."""
    for step in range(1, steps + 1):
        await ctx.report_progress(step, steps, f"step {step} of {steps}")
        await asyncio.sleep(0.02)
    return f"done after {steps} steps"


class Name(BaseModel):
    name: str


def ask_name() -> Elicit[Name]:
    return Elicit("What is your name?", Name)


@server.tool()
def greet(who: Annotated[Name, Resolve(ask_name)]) -> str:
    """Greets the user, asking for their name first."""
    return f"hello {who.name}"


def recording(app, path):
    """ASGI middleware writing each POST's request and response bodies to `path`."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST":
            return await app(scope, receive, send)
        request, response = bytearray(), bytearray()

        async def receive_recorded():
            message = await receive()
            if message["type"] == "http.request":
                request.extend(message.get("body", b""))
            return message

        async def send_recorded(message):
            if message["type"] == "http.response.body":
                response.extend(message.get("body", b""))
            await send(message)

        try:
            await app(scope, receive_recorded, send_recorded)
        finally:
            with open(path, "a") as out:
                out.write(json.dumps({"request": base64.b64encode(bytes(request)).decode(),
                                      "response": base64.b64encode(bytes(response)).decode()}) + "\n")

    return wrapped


def export_spans(url):
    """Sends the SDK's spans to the collector at `url` as each ends (no batch to lose at exit)."""
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": "mcp-server"}))
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=url.rstrip("/") + "/v1/traces")))
    trace.set_tracer_provider(provider)


if __name__ == "__main__":
    if "--otlp" in sys.argv:
        export_spans(sys.argv[sys.argv.index("--otlp") + 1])
    if "--stdio" in sys.argv:
        server.run()
        sys.exit(0)
    import uvicorn

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    port = port or free_port()
    app = server.streamable_http_app(json_response="--json" in sys.argv)
    if "--record" in sys.argv:
        app = recording(app, sys.argv[sys.argv.index("--record") + 1])
    print(f"listening on {port}", flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
