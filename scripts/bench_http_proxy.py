"""What `dashboard proxy --http` adds: the latency of a JSON-answered tools/call, direct and through the
proxy in pairs in one run (against the reference Python SDK's Streamable-HTTP server, scripts/
python_http_server.py --json), and the proxy's memory with 500 SSE streams open at once.

Usage: python bench_http_proxy.py DASHBOARD_BINARY [CALLS]
With BASELINE_DASHBOARD=path, a second proxy of that binary (an earlier build) is timed in the same rounds.
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


def latency(direct_port, relays, calls):
    """Calls direct and through each relay in turn (the order rotating every round), and prints what each
    relay adds to the direct call of the same round."""
    direct = Session(direct_port)
    sessions = {name: Session(port) for name, port in relays.items()}
    for _ in range(200):  # warm every path
        direct.call()
        for session in sessions.values():
            session.call()
    paths = [("direct", direct)] + list(sessions.items())
    times = {name: [] for name, _ in paths}
    for index in range(calls):
        shift = index % len(paths)
        for name, session in paths[shift:] + paths[:shift]:
            times[name].append(session.call())
    print(f"tools/call, JSON answer, {calls} rounds:")
    for name, _ in paths:
        values = times[name]
        line = f"  {name:<10} p50 {percentile(values, 0.5):7.0f} µs  p99 {percentile(values, 0.99):7.0f} µs"
        if name != "direct":
            added = [p - d for d, p in zip(times["direct"], values)]
            line += f"   added per round: p50 {statistics.median(added):5.0f} µs  p99 {percentile(added, 0.99):5.0f} µs"
        print(line)


def free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def comparison_relays(upstream_port, workdir):
    """What a user might put in front of a server instead, when installed: socat (bytes only, no HTTP) and
    nginx (an HTTP reverse proxy with kept-alive upstream connections). Returns {name: (port, process)}."""
    import shutil
    relays = {}
    if shutil.which("socat"):
        port = free_port()
        relays["socat"] = (port, subprocess.Popen(
            ["socat", f"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,nodelay",
             f"TCP:127.0.0.1:{upstream_port},nodelay"]))
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if nginx:
        port = free_port()
        config = os.path.join(workdir, "nginx.conf")
        with open(config, "w") as file:
            file.write(f"""daemon off; worker_processes 1; pid {workdir}/nginx.pid; error_log stderr error;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {workdir}; proxy_temp_path {workdir};
  upstream mcp {{ server 127.0.0.1:{upstream_port}; keepalive 16; }}
  server {{ listen 127.0.0.1:{port}; location / {{ proxy_pass http://mcp; proxy_http_version 1.1;
    proxy_set_header Connection ""; proxy_set_header Host 127.0.0.1:{upstream_port};
    proxy_buffering off; tcp_nodelay on; }} }} }}
""")
        relays["nginx"] = (port, subprocess.Popen([nginx, "-c", config, "-p", workdir]))
    for port, _ in relays.values():
        wait_for_port(port)
    return relays


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
    def cpu_seconds(pid):
        """User and system CPU seconds of process `pid` and its children: live ones (nginx's worker, socat's
        child of a connection) and reaped ones."""
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            return 0.0, 0.0
        tick = os.sysconf("SC_CLK_TCK")
        user, system = (int(fields[11]) + int(fields[13])) / tick, (int(fields[12]) + int(fields[14])) / tick
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                for child in children.read().split():
                    child_user, child_system = cpu_seconds(int(child))
                    user, system = user + child_user, system + child_system
        return user, system

    others = comparison_relays(upstream_port, env["XDG_STATE_HOME"])
    baseline = os.environ.get("BASELINE_DASHBOARD")
    if baseline:
        process, line = start([baseline, "proxy", "--http", "--listen", "127.0.0.1:0", "--upstream",
                               f"http://127.0.0.1:{upstream_port}/mcp", "--name", "baseline"], "proxy listening on",
                              stream="stderr", env=env)
        others["baseline"] = (int(line.split("listening on http://127.0.0.1:")[1].split()[0]), process)
    try:
        proxies = {"dashboard": proxy.pid} | {name: process.pid for name, (_, process) in others.items()}
        before = {name: cpu_seconds(pid) for name, pid in proxies.items()}
        latency(upstream_port, {"dashboard": proxy_port} | {name: port for name, (port, _) in others.items()}, calls)
        time.sleep(0.5)  # socat's child of each connection ends and is reaped
        relayed = calls + 200 + 2  # the calls, the warm-up, initialize and notifications/initialized
        for name, pid in proxies.items():
            user, system = (after - start for after, start in zip(cpu_seconds(pid), before[name]))
            print(f"  {name:<10} CPU per relayed request: {(user + system) / relayed * 1e6:4.0f} µs "
                  f"(user {user / relayed * 1e6:.0f}, system {system / relayed * 1e6:.0f})")
    finally:
        for _, process in others.values():
            process.terminate()
            process.wait(timeout=10)
        proxy.terminate()
        server.terminate()
        proxy.wait(timeout=10)
        server.wait(timeout=10)
    asyncio.run(streams(dashboard, 500, env))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2000)
