"""Drives a Streamable-HTTP MCP server built with the reference Python SDK (scripts/python_http_server.py)
through `dashboard proxy --http` with the SDK's own HTTP client, and checks that the proxy changed nothing
and counted what the client saw.

Usage: python interop_http.py DASHBOARD_BINARY
Checks: every POST body and every answer (JSON or SSE, byte for byte) is the same on both sides; the
session id the server gave is the one the client used; calls, errors and progress notifications the
proxy counted equal the client's. Exits non-zero with a message on the first mismatch.
"""

import asyncio
import base64
import collections
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import httpx2
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(message):
    print(f"interop-http: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


class RecordingTransport(httpx2.AsyncBaseTransport):
    """Keeps the body of every POST the client sends and every byte of the answers it reads."""

    def __init__(self):
        self.inner = httpx2.AsyncHTTPTransport()
        self.exchanges = []
        self.session_ids = set()

    async def handle_async_request(self, request):
        body = await request.aread() if request.method == "POST" else b""
        if "mcp-session-id" in request.headers:
            self.session_ids.add(request.headers["mcp-session-id"])
        response = await self.inner.handle_async_request(request)
        if request.method != "POST":
            return response
        record = {"request": body, "response": bytearray()}
        self.exchanges.append(record)
        original = response.stream

        class Recorded(httpx2.AsyncByteStream):
            async def __aiter__(self):
                async for chunk in original:
                    record["response"].extend(chunk)
                    yield chunk

            async def aclose(self):
                await original.aclose()

        return httpx2.Response(status_code=response.status_code, headers=response.headers,
                               stream=Recorded(), extensions=response.extensions)

    async def aclose(self):
        await self.inner.aclose()


def start(command, env=None, pattern="listening on"):
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    stream = process.stdout if pattern == "listening on" else process.stderr
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = stream.readline()
        if pattern in line:
            return process, line
        if process.poll() is not None:
            fail(f"{command[0]} exited: {process.stderr.read()}")
    fail(f"{command[0]} did not start in 20 s")


def metrics(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return json.load(response)


async def drive(url, transport):
    seen = collections.Counter()
    progress_seen = 0
    async with httpx2.AsyncClient(transport=transport, timeout=httpx2.Timeout(30, read=300)) as http:
        async with streamable_http_client(url, http_client=http) as (read, write, *_):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = await session.list_tools()
                names = sorted(tool.name for tool in tools.tools)
                if names != ["echo", "fail", "greet", "progress", "slow"]:
                    fail(f"tools/list through the proxy gave {names}")
                for index in range(20):
                    result = await session.call_tool("echo", {"text": f"hello {index}"})
                    seen["echo_ok" if not result.is_error else "echo_error"] += 1
                for _ in range(3):
                    result = await session.call_tool("slow", {"seconds": 0.2})
                    seen["slow_ok" if not result.is_error else "slow_error"] += 1
                for _ in range(5):
                    result = await session.call_tool("fail", {"reason": "it failed on purpose"})
                    seen["fail_error" if result.is_error else "fail_ok"] += 1

                async def on_progress(progress, total, message):
                    nonlocal progress_seen
                    progress_seen += 1

                for _ in range(3):
                    result = await session.call_tool("progress", {"steps": 4}, progress_callback=on_progress)
                    seen["progress_ok" if not result.is_error else "progress_error"] += 1
    return seen, progress_seen


def main(dashboard):
    work = tempfile.mkdtemp(prefix="interop-http-")
    record = os.path.join(work, "server.jsonl")
    server, line = start([sys.executable, os.path.join(HERE, "python_http_server.py"), "0", "--record", record])
    upstream_port = int(line.split()[-1])
    env = dict(os.environ, XDG_STATE_HOME=os.path.join(work, "state"))
    proxy, line = start([dashboard, "proxy", "--http", "--listen", "127.0.0.1:0",
                         "--upstream", f"http://127.0.0.1:{upstream_port}/mcp", "--name", "pyhttp"],
                        env=env, pattern="proxy listening on")
    try:
        url = line.strip().split("point the MCP client at ")[-1]
        discovery = []
        deadline = time.monotonic() + 10
        while not discovery and time.monotonic() < deadline:
            discovery = glob.glob(os.path.join(work, "state", "dashboard", "instances", "pyhttp-*.json"))
            time.sleep(0.05)
        if not discovery:
            fail("no discovery file appeared in 10 s")
        target = json.load(open(discovery[0]))[0]["targets"][0]
        metrics_port = int(target.split(":")[-1])

        transport = RecordingTransport()
        seen, progress_seen = asyncio.run(drive(url, transport))
        if seen != {"echo_ok": 20, "slow_ok": 3, "fail_error": 5, "progress_ok": 3}:
            fail(f"the client saw {dict(seen)}")
        if progress_seen != 12:
            fail(f"the client got {progress_seen} progress notifications, expected 12")

        # Byte for byte: what the client sent and read is what the server read and sent.
        time.sleep(0.3)
        served = [json.loads(line) for line in open(record)]
        upstream = sorted((base64.b64decode(e["request"]), base64.b64decode(e["response"])) for e in served)
        client = sorted((bytes(e["request"]), bytes(e["response"])) for e in transport.exchanges)
        if len(upstream) != len(client):
            fail(f"{len(client)} POST exchanges on the client side, {len(upstream)} on the server's")
        for (sent, answer), (received, served_answer) in zip(client, upstream):
            if sent != received:
                fail(f"a POST body changed on the way: {sent[:120]!r} vs {received[:120]!r}")
            if answer != served_answer:
                fail(f"an answer changed on the way: {answer[:160]!r} vs {served_answer[:160]!r}")
        if len(transport.session_ids) != 1:
            fail(f"the client used session ids {transport.session_ids}, expected the server's one")

        snapshot = metrics(metrics_port)
        tools = snapshot["tool_metrics"]
        expected = {"echo": (20, 0), "slow": (3, 0), "fail": (5, 5), "progress": (3, 0)}
        for name, (calls, failed) in expected.items():
            tool = tools.get(name)
            if tool is None or (tool["total_calls"], tool["failed_calls"]) != (calls, failed):
                fail(f"{name}: the proxy counted {tool and (tool['total_calls'], tool['failed_calls'])}, "
                     f"the client saw {(calls, failed)}")
        if tools["fail"]["error_types"] != {"tool_error": 5}:
            fail(f"fail's error types: {tools['fail']['error_types']}")
        if tools["slow"]["p50_latency_ms"] < 190:
            fail(f"slow's p50 is {tools['slow']['p50_latency_ms']} ms, the tool sleeps 200 ms")
        issues = snapshot.get("mcp", {}).get("protocol_issues", {})
        if issues.get("unmatched_response") or issues.get("not_json"):
            fail(f"protocol issues where there were none: {issues}")
        if snapshot.get("mcp", {}).get("in_flight_count", 0) != 0:
            fail(f"calls still in flight after the session: {snapshot['mcp']['in_flight_count']}")
        print(f"interop-http: ok — {sum(seen.values())} calls, {len(client)} POST exchanges byte-identical, "
              f"{progress_seen} progress notifications, 1 session; proxy counts match")
    finally:
        proxy.terminate()
        server.terminate()
        try:
            proxy.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proxy.kill()
            fail("the proxy did not exit within 10 s of SIGTERM")
        server.wait(timeout=10)
        if proxy.returncode != 0:
            fail(f"the proxy exited with {proxy.returncode} after SIGTERM: {proxy.stderr.read()}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        fail("usage: interop_http.py DASHBOARD_BINARY")
    main(sys.argv[1])
