"""What `dashboard proxy --http` adds: the latency of a JSON-answered tools/call, direct and through the
proxy in pairs in one run (against the reference Python SDK's Streamable-HTTP server, scripts/
python_http_server.py --json), and the proxy's memory with 500 SSE streams open at once.

Usage: python bench_http_proxy.py DASHBOARD_BINARY [CALLS]
"""

import asyncio
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def start(command, pattern, stream="stdout", env=None):
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    source = process.stdout if stream == "stdout" else process.stderr
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = source.readline()
        if pattern in line:
            return process, line
        if process.poll() is not None:
            sys.exit(f"bench: {command[0]} exited: {process.stderr.read()}")
    sys.exit(f"bench: {command[0]} did not start")


def wait_for_port(port):
    import socket
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"bench: nothing listens on {port}")


class Session:
    """One MCP session over one kept-alive HTTP/1.1 connection."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port)
        self.headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        answer = self.post({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
        self.headers["Mcp-Session-Id"] = answer.getheader("mcp-session-id")
        answer.read()
        self.post({"jsonrpc": "2.0", "method": "notifications/initialized"}).read()
        self.next_id = 1

    def post(self, message):
        self.connection.request("POST", "/mcp", body=json.dumps(message), headers=self.headers)
        return self.connection.getresponse()

    def call(self):
        self.next_id += 1
        message = {"jsonrpc": "2.0", "id": self.next_id, "method": "tools/call",
                   "params": {"name": "echo", "arguments": {"text": "hello"}}}
        started = time.perf_counter()
        body = self.post(message).read()
        elapsed = time.perf_counter() - started
        if b'"result"' not in body:
            sys.exit(f"bench: unexpected answer {body[:200]!r}")
        return elapsed * 1e6


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def latency(direct_port, proxy_port, calls):
    direct, proxied = Session(direct_port), Session(proxy_port)
    for _ in range(200):  # warm both paths
        direct.call()
        proxied.call()
    pairs = []
    for index in range(calls):
        if index % 2 == 0:
            first, second = direct.call(), proxied.call()
            pairs.append((first, second))
        else:
            second, first = proxied.call(), direct.call()
            pairs.append((first, second))
    direct_times = [d for d, _ in pairs]
    proxied_times = [p for _, p in pairs]
    added = [p - d for d, p in pairs]
    print(f"tools/call, JSON answer, {calls} pairs:")
    print(f"  direct   p50 {percentile(direct_times, 0.5):7.0f} µs  p99 {percentile(direct_times, 0.99):7.0f} µs")
    print(f"  proxied  p50 {percentile(proxied_times, 0.5):7.0f} µs  p99 {percentile(proxied_times, 0.99):7.0f} µs")
    print(f"  added (proxied - direct, per pair) p50 {statistics.median(added):5.0f} µs  "
          f"p99 {percentile(added, 0.99):5.0f} µs")


async def hold_streams(upstream_port):
    """A bare SSE upstream: every GET gets an event stream that stays open."""

    async def handle(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
        writer.write(b"8\r\n: open\n\n\r\n")
        await writer.drain()
        try:
            while True:
                await asyncio.sleep(5)
                writer.write(b"8\r\n: ping\n\n\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", upstream_port)


async def streams(dashboard, count, env):
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        upstream_port = probe.getsockname()[1]
    server = await hold_streams(upstream_port)
    proxy, line = start([dashboard, "proxy", "--http", "--listen", "127.0.0.1:0", "--upstream",
                         f"http://127.0.0.1:{upstream_port}/mcp", "--name", "streams"], "proxy listening on",
                        stream="stderr", env=env)
    port = int(line.split("listening on http://127.0.0.1:")[1].split()[0])

    def rss():
        with open(f"/proc/{proxy.pid}/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmRSS")) / 1024

    idle = rss()
    opened = []
    for index in range(count):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET /mcp HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nMcp-Session-Id: s{index}\r\n\r\n".encode())
        opened.append((reader, writer))
    for reader, _ in opened:
        head = await asyncio.wait_for(reader.readuntil(b": open\n\n"), 30)
        if b"200 OK" not in head:
            sys.exit(f"bench: a stream was not opened: {head[:100]!r}")
    await asyncio.sleep(1)
    held = rss()
    print(f"{count} SSE streams open through the proxy: VmRSS {held:.1f} MiB (idle {idle:.1f} MiB)")
    for _, writer in opened:
        writer.close()
    server.close()
    proxy.terminate()
    proxy.wait(timeout=10)


def main(dashboard, calls):
    env = dict(os.environ, XDG_STATE_HOME=tempfile.mkdtemp(prefix="bench-http-"))
    server, line = start([sys.executable, os.path.join(HERE, "python_http_server.py"), "0", "--json"], "listening on")
    upstream_port = int(line.split()[-1])
    wait_for_port(upstream_port)
    proxy, line = start([dashboard, "proxy", "--http", "--listen", "127.0.0.1:0", "--upstream",
                         f"http://127.0.0.1:{upstream_port}/mcp", "--name", "bench"], "proxy listening on",
                        stream="stderr", env=env)
    proxy_port = int(line.split("listening on http://127.0.0.1:")[1].split()[0])
    try:
        latency(upstream_port, proxy_port, calls)
    finally:
        proxy.terminate()
        server.terminate()
        proxy.wait(timeout=10)
        server.wait(timeout=10)
    asyncio.run(streams(dashboard, 500, env))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2000)
