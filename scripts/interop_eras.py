"""Both MCP protocol eras through `dashboard proxy`, with the reference Python SDK on both sides: its
`mcp.client.Client` in mode `auto` (2026-07-28: server/discover, multi-round calls, subscriptions/listen) and
in mode `legacy` (2025-11-25: initialize, elicitation mid-call), against its own `MCPServer`
(scripts/python_http_server.py), over stdio and Streamable HTTP.

Usage: python interop_eras.py DASHBOARD_BINARY
Checks, for each run: what the proxy counted equals what the client did (a call that asked the user once is
one call of two rounds, the wait for the user outside its latency; a listen stream is a stream, never a call
in flight); requests counted by protocol version; `dashboard snapshot` names the era; bytes identical on
both sides of the proxy (tee on stdio, the server's own record on HTTP); with `--cache`, every answer is
right and in order and plain calls hit. Exits non-zero with a message on the first mismatch.
"""

import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import httpx2
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.types import ElicitResult

from interop_http import RecordingTransport, start

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = [sys.executable, os.path.join(HERE, "python_http_server.py")]
ASK_DELAY = 0.15  # how long the "user" takes to answer, each time


def fail(message):
    print(f"interop-eras: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return json.load(response)


async def metrics(port):
    """The proxy's snapshot, read off the event loop (the client's tasks go on meanwhile)."""
    await asyncio.sleep(0.3)  # a snapshot is shared by readers for up to 250 ms
    return await asyncio.to_thread(fetch, port)


def snapshot_text(dashboard, port):
    return subprocess.run([dashboard, "snapshot", "--attach", f"127.0.0.1:{port}"], capture_output=True,
                          text=True, timeout=30, check=True).stdout


class User:
    """Answers each elicitation with the next name, after a while, and remembers the names given."""

    def __init__(self):
        self.names = []

    async def __call__(self, context, params):
        await asyncio.sleep(ASK_DELAY)
        self.names.append(f"ada{len(self.names)}")
        return ElicitResult(action="accept", content={"name": self.names[-1]})


async def exercise(client, user, port, modern):
    """Three calls that ask the user, five plain ones; on 2026-07-28 with a listen stream open throughout."""
    answers = []

    async def calls():
        for _ in range(3):
            result = await client.call_tool("greet", {})
            answers.append(result.content[0].text)
        for _ in range(5):
            result = await client.call_tool("echo", {"text": "same"})
            if result.content[0].text != "same":
                fail(f"echo answered {result.content[0].text!r}")

    if modern:
        async with client.listen(tools_list_changed=True):
            await calls()
            during = (await metrics(port))["mcp"]
            streams = during.get("streams") or {}
            if streams.get("open_count") != 1 or during["in_flight_count"] != 0:
                fail(f"with a listen stream open and no call running: streams {streams}, "
                     f"in flight {during['in_flight_count']}")
            if "subscriptions/listen" in during["method_metrics"]:
                fail("a listen stream shows in the method latencies")
    else:
        await calls()
    expected = [f"hello {name}" for name in user.names]
    if answers != expected or len(answers) != 3:
        fail(f"greet answered {answers}, the user gave {user.names}")


def check_counts(snapshot, modern, requests_sent, label):
    tools = snapshot["tool_metrics"]
    greet, echo = tools.get("greet"), tools.get("echo")
    if not greet or greet["total_calls"] != 3 or greet["failed_calls"] != 0:
        fail(f"{label}: greet counted {greet and (greet['total_calls'], greet['failed_calls'])}, the client made 3")
    if not echo or echo["total_calls"] != 5:
        fail(f"{label}: echo counted {echo and echo['total_calls']}, the client made 5")
    mcp = snapshot["mcp"]
    version = "2026-07-28" if modern else "2025-11-25"
    if mcp.get("requests_by_version") != {version: requests_sent}:
        fail(f"{label}: requests by version {mcp.get('requests_by_version')}, the client sent {requests_sent} "
             f"under {version}")
    if mcp["in_flight_count"] != 0 or mcp.get("awaiting_input"):
        fail(f"{label}: left in flight {mcp['in_flight_count']}, awaiting input {mcp.get('awaiting_input')}")
    if modern:
        rounds = greet.get("rounds")
        if rounds is None or (rounds["rounds"], rounds["multi_round_calls"], rounds["abandoned_calls"]) != (6, 3, 0):
            fail(f"{label}: greet's rounds {rounds}, expected 6 rounds over 3 calls")
        if rounds["input_wait_ms"] < 3 * ASK_DELAY * 1000:
            fail(f"{label}: input wait {rounds['input_wait_ms']} ms, the user took {ASK_DELAY} s three times")
        if greet["max_latency_ms"] >= ASK_DELAY * 1000:
            fail(f"{label}: greet's max latency {greet['max_latency_ms']} ms holds the user's wait")
        streams = mcp.get("streams") or {}
        if (streams.get("opened"), streams.get("open_count"), streams.get("closed_abruptly")) != (1, 0, 0):
            fail(f"{label}: streams {streams}")
        if streams["events"].get("notifications/subscriptions/acknowledged") != 1:
            fail(f"{label}: stream events {streams['events']}")
    else:
        if greet.get("rounds") is not None:
            fail(f"{label}: a handshake-era call counted rounds {greet['rounds']}")
        asked = mcp["server_request_metrics"].get("elicitation/create", {}).get("total_calls")
        if asked != 3:
            fail(f"{label}: elicitation/create counted {asked}, the server asked 3 times")
    issues = {k: v for k, v in mcp["protocol_issues"].items() if v}
    if issues:
        fail(f"{label}: protocol issues where there were none: {issues}")


def lines(path):
    with open(path, "rb") as handle:
        return handle.read()


async def run_stdio(dashboard, mode, cache=False):
    label = f"stdio {mode}" + (" --cache" if cache else "")
    work = tempfile.mkdtemp(prefix="interop-eras-")
    port = free_port()
    tee = {name: os.path.join(work, name) for name in ("client-in", "client-out", "server-in", "server-out")}
    server = " ".join(SERVER + ["--stdio"])
    inner = f"tee {tee['server-in']} | {server} | tee {tee['server-out']}"
    flags = ["--cache", "greet", "--cache", "echo"] if cache else []
    proxy = [dashboard, "proxy", "--name", "eras", "--port", str(port), *flags, "--", "sh", "-c", inner]
    command = f"tee {tee['client-in']} | {' '.join(repr(part) for part in proxy)} | tee {tee['client-out']}"
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
           "XDG_STATE_HOME": os.path.join(work, "state")}
    user = User()
    params = StdioServerParameters(command="sh", args=["-c", command], env=env)
    async with Client(params, mode=mode, elicitation_callback=user) as client:
        modern = client.protocol_version >= "2026-07-28"
        if modern != (mode == "auto"):
            fail(f"{label}: the client negotiated {client.protocol_version}")
        await exercise(client, user, port, modern)
        snapshot = await metrics(port)
        text = await asyncio.to_thread(snapshot_text, dashboard, port)
    sent = [json.loads(line) for line in lines(tee["client-in"]).splitlines() if line.strip()]
    requests = sum(1 for message in sent if "method" in message and "id" in message)
    if cache:
        cached = snapshot["cache_metrics"]["semantic_cache"]
        if cached["hits"] != 4 or cached["entries"] != 1:
            fail(f"{label}: cache {cached}; expected echo stored once and hit 4 times, greet never stored")
        rounds = snapshot["tool_metrics"]["greet"].get("rounds") or {}
        if rounds.get("rounds") != 6:
            fail(f"{label}: greet's rounds {rounds}")
        print(f"interop-eras: ok: {label} — greet answered {user.names} in order, echo hit 4 of 5")
        return
    check_counts(snapshot, modern, requests, label)
    era = "speaks 2026-07-28 (stateless)" if modern else "speaks 2025-11-25 (handshake)"
    if era not in text or (modern and "sessions 0" in text):
        fail(f"{label}: dashboard snapshot says:\n{text}")
    if lines(tee["client-in"]) != lines(tee["server-in"]):
        fail(f"{label}: the server read other bytes than the client wrote")
    if lines(tee["server-out"]) != lines(tee["client-out"]):
        fail(f"{label}: the client read other bytes than the server wrote")
    print(f"interop-eras: ok: {label} — {requests} requests, greet 3 calls"
          + (" of 6 rounds" if modern else "") + ", bytes identical both ways, snapshot: " + era)


async def run_http(dashboard, mode, upstream, record, metrics_port, url):
    label = f"http {mode}"
    open(record, "w").close()
    user = User()
    transport = RecordingTransport()
    async with httpx2.AsyncClient(transport=transport, timeout=httpx2.Timeout(30, read=300)) as http:
        async with Client(streamable_http_client(url, http_client=http), mode=mode,
                          elicitation_callback=user) as client:
            modern = client.protocol_version >= "2026-07-28"
            await exercise(client, user, metrics_port, modern)
    snapshot = await metrics(metrics_port)
    requests = 0
    for exchange in transport.exchanges:
        body = json.loads(exchange["request"]) if exchange["request"] else {}
        requests += 1 if "method" in body and "id" in body else 0
    before = snapshot["mcp"].get("requests_by_version", {})
    return snapshot, requests, modern, before, transport


def http_runs(dashboard):
    work = tempfile.mkdtemp(prefix="interop-eras-http-")
    record = os.path.join(work, "server.jsonl")
    server, line = start(SERVER + ["0", "--record", record])
    upstream = int(line.split()[-1])
    metrics_port = free_port()
    env = dict(os.environ, XDG_STATE_HOME=os.path.join(work, "state"))
    results = []
    for mode in ("auto", "legacy"):
        proxy, line = start([dashboard, "proxy", "--http", "--listen", "127.0.0.1:0", "--port", str(metrics_port),
                             "--upstream", f"http://127.0.0.1:{upstream}/mcp", "--name", f"eras-{mode}"],
                            env=env, pattern="proxy listening on")
        try:
            url = line.strip().split("point the MCP client at ")[-1]
            snapshot, requests, modern, _, transport = asyncio.run(
                run_http(dashboard, mode, upstream, record, metrics_port, url))
            label = f"http {mode}"
            check_counts(snapshot, modern, requests, label)
            text = snapshot_text(dashboard, metrics_port)
            if modern and ("speaks 2026-07-28 (stateless)" not in text or "sessions 0" in text):
                fail(f"{label}: dashboard snapshot says:\n{text}")
            time.sleep(0.3)
            served = [json.loads(line) for line in open(record)]
            upstream_side = sorted((base64.b64decode(e["request"]), base64.b64decode(e["response"])) for e in served)
            client_side = sorted((bytes(e["request"]), bytes(e["response"])) for e in transport.exchanges
                                 if e["response"] or e["request"])
            if [pair[0] for pair in upstream_side] != [pair[0] for pair in client_side]:
                fail(f"{label}: POST bodies differ on the two sides of the proxy")
            # A listen stream the client closed has no end on the server's record; every other answer is whole.
            complete = [(c, s) for c, s in zip(client_side, upstream_side) if b"subscriptions/listen" not in c[0]]
            if any(c[1] != s[1] for c, s in complete):
                fail(f"{label}: an answer changed on the way")
            results.append(f"{label}: {requests} requests, {len(client_side)} POST exchanges byte-identical")
        finally:
            proxy.terminate()
            proxy.wait(timeout=10)
    server.terminate()
    server.wait(timeout=10)
    for result in results:
        print(f"interop-eras: ok: {result}")


def main(dashboard):
    asyncio.run(run_stdio(dashboard, "auto"))
    asyncio.run(run_stdio(dashboard, "legacy"))
    asyncio.run(run_stdio(dashboard, "auto", cache=True))
    http_runs(dashboard)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        fail("usage: interop_eras.py DASHBOARD_BINARY")
    main(sys.argv[1])
