"""A proxy's message log (`--capture`, GET /v1/messages) with the reference Python SDK on both sides: its
client in both protocol eras (mode auto, 2026-07-28; legacy, 2025-11-25) against the SDK's own server
(scripts/python_http_server.py), over stdio and Streamable HTTP. Every call the client made is in the log —
its request and its answer, with the answer's latency and outcome (`tool_error` for the failing tool), the
era's own messages (`initialize` only in the handshake era), payloads captured with secret-looking values
redacted, the session on every message of a 2025-11-25 HTTP session; and nothing without the control token.
The recording is then replayed (`dashboard replay`) against the same server (all the same), a changed one
(echo's answer differs: exit 1) and as bad input (exit 2).
The proxy also records (`--record`): over stdio between two tees, each direction's recorded lines put together
must be the bytes the tees saw; over HTTP, the request bodies must be those the server recorded receiving, and
every answer and SSE event it sent must be among the recorded ones.

Usage: python interop_messages.py DASHBOARD   (the venv of scripts/common.sh)
"""

import asyncio
import base64
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from interop_http import start  # noqa: E402
from interop_traces import SERVER, user  # noqa: E402
from mcp import Client, StdioServerParameters  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402

TOKEN = "interop-messages-token"
SECRET = "sk-interop-7f3a9c"


def fail(message):
    print(f"interop-messages: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def messages(port, token=TOKEN):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/messages?after=0&limit=2000")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def settled(port):
    """The log once it holds the last answers: the proxy relays an answer before it looks at it, so the
    client can have it first. Read until two reads agree and every answer has its latency."""
    previous = None
    for _ in range(100):
        page = messages(port)
        answers = [e for e in page["messages"] if e["kind"] in ("result", "error")]
        if previous == page["last"] and all(e.get("latency_ms") is not None for e in answers):
            return page
        previous = page["last"]
        time.sleep(0.1)
    return page


def discovered_port(state, name):
    folder = os.path.join(state, "dashboard", "instances")
    for _ in range(100):
        for file in os.listdir(folder) if os.path.isdir(folder) else []:
            if file.startswith(name + "-"):
                with open(os.path.join(folder, file)) as handle:
                    return int(json.load(handle)[0]["targets"][0].rsplit(":", 1)[1])
        time.sleep(0.1)
    fail(f"{name}: no discovery file")


async def exercise(client):
    await client.call_tool("echo", {"text": "hello"}, meta={"api_key": SECRET, "trace": {"token": SECRET}})
    await client.call_tool("fail", {"reason": "on purpose"})
    # Asks the user: a multi-round call over 2026-07-28, a server request mid-call over 2025-11-25.
    await client.call_tool("greet", {})


def check(page, label, mode, http):
    entries = page["messages"]
    if not page["capture"] or page["last"] != len(entries):
        fail(f"{label}: capture {page['capture']}, last {page['last']}, {len(entries)} kept")
    if SECRET in json.dumps(page):
        fail(f"{label}: a secret-looking value is in the log")
    methods = [e.get("method") for e in entries if e["kind"] == "request" and e["direction"] == "c2s"]
    if ("initialize" in methods) != (mode == "legacy"):
        fail(f"{label}: the client's requests {methods}: initialize only in the handshake era")
    calls = {e["tool"]: e for e in entries if e["kind"] == "result" and e.get("method") == "tools/call"}
    if set(calls) != {"echo", "fail", "greet"}:
        fail(f"{label}: the answered calls: {sorted(calls)}")
    if calls["echo"]["outcome"] != "ok" or calls["fail"]["outcome"] != "tool_error" or calls["greet"]["outcome"] != "ok":
        fail(f"{label}: outcomes {calls['echo']['outcome']}, {calls['fail']['outcome']}")
    if any(e.get("latency_ms") is None for e in calls.values()):
        fail(f"{label}: an answer without its latency")
    request = next(e for e in entries if e["kind"] == "request" and e.get("tool") == "echo")
    payload = json.loads(request["payload"])
    meta = payload["params"]["_meta"]
    if meta.get("api_key") != "‹redacted›" or meta.get("trace", {}).get("token") != "‹redacted›":
        fail(f"{label}: the captured _meta {meta}")
    if payload["params"]["arguments"] != {"text": "hello"}:
        fail(f"{label}: the captured arguments {payload['params']['arguments']}")
    # 2025-11-25 over HTTP has sessions (Mcp-Session-Id); 2026-07-28 has none.
    if http and mode == "legacy" and not all(e.get("session") for e in entries if e.get("method") != "initialize"):
        fail(f"{label}: an HTTP message without its session")
    print(f"interop-messages: ok: {label}: {len(entries)} messages, every call answered with latency "
          f"and outcome, payloads captured and redacted")


def check_recording(work, label):
    """The recording's lines of each direction, put together, against what tee saw cross the proxy."""
    crossed = {}
    with open(os.path.join(work, "session.jsonl")) as handle:
        for line in handle:
            record = json.loads(line)
            data = record["line"].encode() if "line" in record else base64.b64decode(record["line_base64"])
            crossed[record["dir"]] = crossed.get(record["dir"], b"") + data
    for direction, tee in (("c2s", "client.bin"), ("s2c", "server.bin")):
        with open(os.path.join(work, tee), "rb") as handle:
            if crossed.get(direction, b"") != handle.read():
                fail(f"{label}: the recording's {direction} lines differ from the bytes tee saw")
    mode = os.stat(os.path.join(work, "session.jsonl")).st_mode & 0o777
    if mode != 0o600:
        fail(f"{label}: the recording's mode is {oct(mode)}")
    print(f"interop-messages: ok: {label}: --record holds the bytes each way exactly as tee saw them "
          f"({len(crossed.get('c2s', b''))} + {len(crossed.get('s2c', b''))} bytes), mode 0600")


def replay(dashboard, recording, *server):
    done = subprocess.run([dashboard, "replay", recording, "--", *server], capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stdout, done.stderr


def check_replay(dashboard, work, label):
    """The recording replayed against the same server (every answer the same, the multi-round call
    included), against a changed one (exit 1 naming the tool), and bad recordings (exit 2 naming the line)."""
    recording = os.path.join(work, "session.jsonl")
    status, out, err = replay(dashboard, recording, *SERVER, "--stdio")
    if status != 0 or "DIFFERS" in out or "MISSING" in out:
        fail(f"{label}: replay against the same server exited {status}:\n{out}{err}")
    status, out, err = replay(dashboard, recording, *SERVER, "--stdio", "--changed")
    differing = [line for line in out.splitlines() if "DIFFERS" in line]
    if status != 1 or len(differing) != 1 or "tools/call echo" not in differing[0]:
        fail(f"{label}: replay against a changed server exited {status}:\n{out}{err}")
    status, _, err = replay(dashboard, os.path.join(work, "missing.jsonl"), *SERVER, "--stdio")
    if status != 2 or "cannot read" not in err:
        fail(f"{label}: replay of a missing file exited {status}: {err}")
    broken = os.path.join(work, "broken.jsonl")
    with open(recording) as source, open(broken, "w") as out_file:
        lines = source.readlines()
        out_file.writelines(lines[:2] + ['{"t": 1, "dir": "sideways", "line": "{}"}\n'] + lines[2:])
    status, _, err = replay(dashboard, broken, *SERVER, "--stdio")
    if status != 2 or f"{broken}:3:" not in err:
        fail(f"{label}: replay of a recording with a bad line exited {status}: {err}")
    print(f"interop-messages: ok: {label}: replay against the same server all the same (exit 0, greet's "
          f"rounds and the user's answer included), against a changed one `tools/call echo` differs (exit 1), "
          f"bad recordings exit 2 naming the line")


async def stdio(dashboard, mode, work):
    name = f"messages-pipe-{mode}"
    env = {"PATH": os.environ["PATH"], "HOME": work, "XDG_STATE_HOME": work, "METRICS_CONTROL_TOKEN": TOKEN}
    proxy = " ".join(shlex.quote(part) for part in [dashboard, "proxy", "--name", name, "--capture", "--record",
                                                     os.path.join(work, "session.jsonl"), "--", *SERVER, "--stdio"])
    # tee on both sides of the proxy: what crossed it, to hold the recording against.
    pipeline = (f"tee {shlex.quote(os.path.join(work, 'client.bin'))} | {proxy} | "
                f"tee {shlex.quote(os.path.join(work, 'server.bin'))}")
    async with Client(StdioServerParameters(command="/bin/sh", args=["-c", pipeline], env=env), mode=mode,
                      elicitation_callback=user) as client:
        await exercise(client)
        port = discovered_port(work, name)
        try:
            messages(port, token=None)
            fail("GET /v1/messages answered without the token")
        except urllib.error.HTTPError as error:
            if error.code != 401:
                fail(f"without the token: {error.code}")
        check(settled(port), f"pipe {mode}", mode, http=False)
    time.sleep(1)  # the shell's tees and the proxy finish after the client closes its end
    check_recording(work, f"pipe {mode}")
    check_replay(dashboard, work, f"pipe {mode}")


def sse_data(body):
    """The data of each SSE event in `body` (its data lines joined), or the body itself when it is JSON."""
    if not body.lstrip().startswith((b"event:", b"data:", b"id:", b":")):
        return [body] if body.strip() else []
    events, data = [], []
    for line in body.replace(b"\r\n", b"\n").split(b"\n"):
        if line == b"":
            if data:
                events.append(b"\n".join(data))
            data = []
        elif line.startswith(b"data:"):
            data.append(line[5:][1:] if line[5:].startswith(b" ") else line[5:])
    if data:
        events.append(b"\n".join(data))
    return events


def check_http_recording(work, label):
    """The proxy's recording against the server's own record of each POST: the same request bodies, and every
    JSON answer or SSE event the server sent among the proxy's server-to-client records."""
    ours = {"c2s": [], "s2c": []}
    with open(os.path.join(work, "proxy.jsonl")) as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("omitted"):
                fail(f"{label}: a message was omitted: {record}")
            ours[record["dir"]].append(record["line"].encode())
    requests, answers = [], []
    with open(os.path.join(work, "server.jsonl")) as handle:
        for line in handle:
            record = json.loads(line)
            requests.append(base64.b64decode(record["request"]))
            answers += sse_data(base64.b64decode(record["response"]))
    if sorted(ours["c2s"]) != sorted(requests):
        fail(f"{label}: the recorded request bodies differ from the server's: {len(ours['c2s'])} against "
             f"{len(requests)}")
    missing = [answer for answer in answers if answer not in ours["s2c"]]
    if missing:
        fail(f"{label}: {len(missing)} of the server's answers are not in the recording: {missing[:2]}")
    print(f"interop-messages: ok: {label}: --record holds every request body the server received and every "
          f"answer and event it sent ({len(requests)} bodies, {len(answers)} answers)")


async def http(dashboard, mode, work):
    name = f"messages-tcp-{mode}"
    server, line = start([*SERVER, "0", "--record", os.path.join(work, "server.jsonl")])
    upstream = int(line.split()[-1])
    env = {**os.environ, "XDG_STATE_HOME": work, "METRICS_CONTROL_TOKEN": TOKEN}
    proxy, line = start([dashboard, "proxy", "--http", "--listen", "127.0.0.1:0", "--upstream",
                         f"http://127.0.0.1:{upstream}/mcp", "--name", name, "--capture", "--record",
                         os.path.join(work, "proxy.jsonl")], env=env,
                        pattern="proxy listening on")
    base = line.split("proxy listening on ")[1].split()[0]
    try:
        async with Client(streamable_http_client(f"{base}/mcp"), mode=mode, elicitation_callback=user) as client:
            await exercise(client)
        check(settled(discovered_port(work, name)), f"tcp {mode}", mode, http=True)
    finally:
        proxy.send_signal(signal.SIGTERM)
        proxy.wait(timeout=15)
        server.terminate()
        server.wait(timeout=15)
    check_http_recording(work, f"tcp {mode}")
    check_http_replay(dashboard, work, f"tcp {mode}")


def check_http_replay(dashboard, work, label):
    """The HTTP recording replayed with --upstream against a fresh SDK server (every answer the same, the
    multi-round call and the user's answer included), against a changed one (exit 1 naming the tool), and
    against a port nothing listens on (every call missing: exit 1)."""
    recording = os.path.join(work, "proxy.jsonl")
    for changed in (False, True):
        server, line = start([*SERVER, "0", *(["--changed"] if changed else [])])
        url = f"http://127.0.0.1:{int(line.split()[-1])}/mcp"
        try:
            done = subprocess.run([dashboard, "replay", recording, "--upstream", url], capture_output=True,
                                  text=True, timeout=120)
        finally:
            server.terminate()
            server.wait(timeout=15)
        differing = [row for row in done.stdout.splitlines() if "DIFFERS" in row or "MISSING" in row]
        if not changed and (done.returncode != 0 or differing or "greet" not in done.stdout):
            fail(f"{label}: --upstream replay against the same server exited {done.returncode}:\n"
                 f"{done.stdout}{done.stderr}")
        if changed and (done.returncode != 1 or len(differing) != 1 or "tools/call echo" not in differing[0]):
            fail(f"{label}: --upstream replay against a changed server exited {done.returncode}:\n"
                 f"{done.stdout}{done.stderr}")
    done = subprocess.run([dashboard, "replay", recording, "--upstream", "ftp://127.0.0.1/mcp"],
                          capture_output=True, text=True, timeout=30)
    if done.returncode == 0 or "http:// or https://" not in done.stderr:
        fail(f"{label}: --upstream ftp:// exited {done.returncode}: {done.stderr}")
    print(f"interop-messages: ok: {label}: replay --upstream against a fresh HTTP server all the same (exit 0), "
          f"against a changed one `tools/call echo` differs (exit 1), a URL that is not http refused")


async def main():
    dashboard = os.path.abspath(sys.argv[1])
    for mode in ("auto", "legacy"):
        await stdio(dashboard, mode, tempfile.mkdtemp(prefix="interop-messages-"))
        await http(dashboard, mode, tempfile.mkdtemp(prefix="interop-messages-"))


if __name__ == "__main__":
    asyncio.run(main())
