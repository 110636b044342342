"""The proxy's view of a server's tool surface, with the reference Python SDK on both sides: its client in
both protocol eras (mode auto, 2026-07-28; legacy, 2025-11-25) against scripts/python_tools_server.py, whose
tools change while it runs (a rewritten description, a destructive tool turned read-only, a changed schema,
one removed, one added), over stdio and Streamable HTTP. The snapshot must hold every change, the risky ones
flagged, each tool's size and the definitions' total; Prometheus must count the changes by kind.

Usage: python interop_tools.py DASHBOARD   (the venv of scripts/common.sh)
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from interop_http import start  # noqa: E402
from interop_messages import discovered_port  # noqa: E402
from mcp import Client, StdioServerParameters  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402

SERVER = [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "python_tools_server.py")]
EXPECTED = {  # (tool, change): risky
    ("lookup", "description"): True,
    ("delete_file", "annotations"): True,
    ("search", "schema"): False,
    ("old_report", "removed"): False,
    ("exfiltrate", "added"): True,
}


def fail(message):
    print(f"interop-tools: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def fetch(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read().decode()


async def exercise(client):
    first = await client.list_tools()
    await client.call_tool("rug_pull", {})
    second = await client.list_tools()
    return first, second


def check(port, label, second):
    surface = json.loads(fetch(port, "/metrics"))["mcp"].get("tool_surface")
    if not surface:
        fail(f"{label}: no tool_surface in the snapshot")
    seen = {(change["tool"], change["change"]): change["risky"] for change in surface["changes"]}
    if seen != EXPECTED:
        fail(f"{label}: changes {seen}, expected {EXPECTED}")
    poisoned = next(c for c in surface["changes"] if c["change"] == "description")
    if "id_rsa" not in poisoned["after"] or "id_rsa" in poisoned["before"]:
        fail(f"{label}: the description change does not show the new text: {poisoned}")
    listed = {tool["name"]: tool for tool in surface["tools"]}
    names = {tool.name for tool in second.tools}
    if set(listed) != names:
        fail(f"{label}: listed {sorted(listed)}, the client got {sorted(names)}")
    if surface["definitions_bytes"] != sum(tool["bytes"] for tool in surface["tools"]) or any(
            tool["bytes"] < 40 for tool in surface["tools"]):
        fail(f"{label}: sizes {[(t['name'], t['bytes']) for t in surface['tools']]}, total "
             f"{surface['definitions_bytes']}")
    if [tool["bytes"] for tool in surface["tools"]] != sorted((t["bytes"] for t in surface["tools"]), reverse=True):
        fail(f"{label}: tools not largest first")
    if surface["lists"] != 2 or surface["risky_changes"] != 3:
        fail(f"{label}: lists {surface['lists']}, risky {surface['risky_changes']}")
    prometheus = fetch(port, "/metrics/prometheus")
    for kind, count in (("added", 1), ("removed", 1), ("description", 1), ("schema", 1), ("annotations", 1)):
        if f'change="{kind}"}} {count}' not in prometheus:
            fail(f"{label}: Prometheus lacks dashboard_tool_changes_total{{change=\"{kind}\"}} {count}")
    if f"mcp_tool_definitions_bytes{{server=" not in prometheus:
        fail(f"{label}: Prometheus lacks mcp_tool_definitions_bytes")
    print(f"interop-tools: ok: {label}: 5 changes (3 risky: lookup's description, delete_file turned read-only, "
          f"exfiltrate added), {len(listed)} tools of {surface['definitions_bytes']} bytes, counted in Prometheus")


def tmux(socket, *arguments):
    return subprocess.run(["tmux", "-L", socket, *arguments], capture_output=True, text=True).stdout


def screen_until(socket, condition, seconds=20):
    deadline = time.monotonic() + seconds
    while True:
        screen = tmux(socket, "capture-pane", "-p", "-t", "t")
        if condition(screen) or time.monotonic() > deadline:
            return screen
        time.sleep(0.2)


def check_screen(dashboard, work, label):
    """The dashboard in a real terminal, watching the proxy: the header's badge, t's view of the changes
    (the poisoned description old and new side by side), a acknowledging them, the badge gone."""
    socket = f"interop-tools-{os.getpid()}"
    tmux(socket, "new-session", "-d", "-s", "t", "-x", "160", "-y", "50",
         f"env -u NO_COLOR HOME={work} XDG_STATE_HOME={work} TERM=xterm-256color {dashboard} --local")
    try:
        screen = screen_until(socket, lambda s: "⚠ tools changed" in s)
        if "⚠ tools changed" not in screen:
            fail(f"{label}: no badge in the header:\n{screen}")
        tmux(socket, "send-keys", "-t", "t", "t")
        screen = screen_until(socket, lambda s: "risky lookup description" in s)
        lines = screen.splitlines()
        side = [line for line in lines if "│ now:" in line or ("was:" in line and "│" in line)]
        if ("risky lookup description" not in screen or "risky delete_file annotations" not in screen
                or "risky exfiltrate added" not in screen or not side or "Looks a word up." not in side[0]
                or "id_rsa" not in screen.split("risky lookup description")[1]):
            fail(f"{label}: the Tools view does not show the changes:\n{screen}")
        tmux(socket, "send-keys", "-t", "t", "a")
        screen = screen_until(socket, lambda s: "acknowledged 3 risky" in s and "⚠ tools changed" not in s)
        if "⚠ tools changed" in screen or "acknowledged 3 risky" not in screen:
            fail(f"{label}: a did not acknowledge:\n{screen}")
        tmux(socket, "send-keys", "-t", "t", "q")
    finally:
        tmux(socket, "kill-server")
    print(f"interop-tools: ok: {label}: in a terminal, the header's badge, t lists the changes (the description "
          f"old and new side by side), a acknowledges them and the badge goes")


async def stdio(dashboard, mode, work):
    name = f"tools-pipe-{mode}"
    env = {"PATH": os.environ["PATH"], "HOME": work, "XDG_STATE_HOME": work}
    async with Client(StdioServerParameters(command=dashboard, args=["proxy", "--name", name, "--", *SERVER,
                                                                       "--stdio"], env=env), mode=mode) as client:
        _, second = await exercise(client)
        check(discovered_port(work, name), f"pipe {mode}", second)
        if mode == "auto":
            check_screen(dashboard, work, f"pipe {mode}")


async def http(dashboard, mode, work):
    name = f"tools-tcp-{mode}"
    server, line = start([*SERVER, "0"])
    upstream = int(line.split()[-1])
    env = {**os.environ, "XDG_STATE_HOME": work}
    proxy, line = start([dashboard, "proxy", "--http", "--listen", "127.0.0.1:0", "--upstream",
                         f"http://127.0.0.1:{upstream}/mcp", "--name", name], env=env, pattern="proxy listening on")
    base = line.split("proxy listening on ")[1].split()[0]
    try:
        async with Client(streamable_http_client(f"{base}/mcp"), mode=mode) as client:
            _, second = await exercise(client)
        check(discovered_port(work, name), f"tcp {mode}", second)
    finally:
        proxy.send_signal(signal.SIGTERM)
        proxy.wait(timeout=15)
        server.terminate()
        server.wait(timeout=15)


def run(dashboard, *arguments, env=None):
    done = subprocess.run([dashboard, *arguments], capture_output=True, text=True, timeout=60, env=env)
    return done.returncode, done.stdout, done.stderr


async def baseline(dashboard, work):
    """Pin → baseline → block: the tools of the unchanged server pinned, `check` holding to them (0), then a
    proxy given the pin in front of the changed server: every difference a change against the baseline, the
    client's calls of changed or new tools refused with an error naming the change, unchanged ones answered,
    `check` failing (1) naming each difference; and bad baselines stopping the proxy before it starts."""
    env = {"PATH": os.environ["PATH"], "HOME": work, "XDG_STATE_HOME": work, "METRICS_CONTROL_TOKEN": "pin-token"}
    pinned = os.path.join(work, "tools.json")
    async with Client(StdioServerParameters(command=dashboard, args=["proxy", "--name", "pinned", "--", *SERVER,
                                                                       "--stdio"], env=env)) as client:
        await client.list_tools()
        status, out, err = run(dashboard, "tools", "pin", "--local", "pinned", "--out", pinned, env=env)
        if status != 0 or "pinned 5 tools of pinned" not in out:
            fail(f"tools pin exited {status}: {out}{err}")
        port = discovered_port(work, "pinned")
        status, out, err = run(dashboard, "check", "--attach", f"127.0.0.1:{port}", "--tools-baseline", pinned, env=env)
        if status != 0:
            fail(f"check against the pinned server exited {status}: {out}{err}")
    document = open(pinned).read()
    if '"format":"dashboard-tools-baseline"' not in document or document.count('"hash":"') != 5:
        fail(f"the baseline file: {document[:300]}")

    args = ["proxy", "--name", "pinned", "--tools-baseline", pinned, "--tools-policy", "block", "--", *SERVER,
            "--stdio", "--changed"]
    async with Client(StdioServerParameters(command=dashboard, args=args, env=env)) as client:
        await client.list_tools()
        refused = {}
        for tool, arguments in (("lookup", {"word": "x"}), ("delete_file", {"path": "/tmp/x"}),
                                ("exfiltrate", {"data": "x"}), ("search", {"query": "q", "limit": 1})):
            try:
                result = await client.call_tool(tool, arguments)
                refused[tool] = None if not result.is_error else str(result.content)
            except Exception as error:  # the JSON-RPC error the proxy answered with
                refused[tool] = str(error)
        answered = await client.call_tool("rug_pull", {})
        for tool, word in (("lookup", "description"), ("delete_file", "annotations"),
                           ("exfiltrate", "not in the pinned"), ("search", "schema")):
            if not refused.get(tool) or tool not in refused[tool] or word not in refused[tool]:
                fail(f"block: the call of {tool} was not refused naming '{word}': {refused}")
        if answered.is_error:
            fail(f"block: the unchanged rug_pull was refused: {answered}")
        port = discovered_port(work, "pinned")
        surface = json.loads(fetch(port, "/metrics"))["mcp"]["tool_surface"]
        against = {(c["tool"], c["change"]) for c in surface["changes"] if c.get("baseline")}
        if against != set(EXPECTED):
            fail(f"changes against the baseline: {against}")
        status, out, err = run(dashboard, "check", "--attach", f"127.0.0.1:{port}", "--tools-baseline", pinned,
                               env=env)
        if status != 1 or not all(f"tools: {tool}" in out for tool, _ in EXPECTED):
            fail(f"check against the changed server exited {status}: {out}{err}")

    for mode in ("auto", "legacy"):
        server, line = start([*SERVER, "0", "--changed"])
        upstream = int(line.split()[-1])
        proxy, line = start([dashboard, "proxy", "--http", "--listen", "127.0.0.1:0", "--upstream",
                             f"http://127.0.0.1:{upstream}/mcp", "--name", "pinned", "--tools-baseline", pinned,
                             "--tools-policy", "block"], env={**os.environ, **env}, pattern="proxy listening on")
        base = line.split("proxy listening on ")[1].split()[0]
        try:
            async with Client(streamable_http_client(f"{base}/mcp"), mode=mode) as client:
                await client.list_tools()
                try:
                    result = await client.call_tool("lookup", {"word": "x"})
                    refusal = None if not result.is_error else str(result.content)
                except Exception as error:
                    refusal = str(error)
                answered = await client.call_tool("rug_pull", {})
            if not refusal or "description" not in refusal or answered.is_error:
                fail(f"block over HTTP ({mode}): lookup {refusal!r}, rug_pull {answered}")
        finally:
            proxy.send_signal(signal.SIGTERM)
            proxy.wait(timeout=15)
            server.terminate()
            server.wait(timeout=15)

    # A list padded past what the proxy reads whole (a 10 MB description): a risky change of unknown content,
    # and under block every call refused, since nothing can be checked.
    args = ["proxy", "--name", "pinned", "--tools-baseline", pinned, "--tools-policy", "block", "--", *SERVER,
            "--stdio", "--huge"]
    async with Client(StdioServerParameters(command=dashboard, args=args, env=env)) as client:
        listed = await client.list_tools()
        try:
            result = await client.call_tool("rug_pull", {})
            refusal = None if not result.is_error else str(result.content)
        except Exception as error:
            refusal = str(error)
        mcp = json.loads(fetch(discovered_port(work, "pinned"), "/metrics"))["mcp"]
        unread = [c for c in mcp["tool_surface"]["changes"] if c["change"] == "unreadable"]
        if (len(listed.tools) != 5 or not unread or not unread[0]["risky"]
                or mcp["protocol_issues"].get("tools_list_too_long") != 1 or not refusal
                or "too long to read" not in refusal):
            fail(f"a 10 MB list: {unread}, {mcp['protocol_issues']}, rug_pull {refusal!r}")

    broken = os.path.join(work, "broken.json")
    with open(broken, "w") as out_file:
        out_file.write("{not json")
    for path, name, words in ((os.path.join(work, "missing.json"), "pinned", "no such file"),
                              (broken, "pinned", "not JSON"), (pinned, "another", "not of 'another'")):
        status, _, err = run(dashboard, "proxy", "--name", name, "--tools-baseline", path, "--", "/bin/false", env=env)
        if status != 2 or path not in err or words not in err:
            fail(f"a bad baseline ({words}) exited {status}: {err}")
    status, _, err = run(dashboard, "proxy", "--tools-policy", "block", "--", "/bin/true", env=env)
    if status != 64 or "--tools-baseline" not in err:
        fail(f"--tools-policy block without a baseline exited {status}: {err}")
    print("interop-tools: ok: pin → baseline → block: 5 tools pinned, check 0 against them; in front of the changed "
          "server every difference a change against the baseline, lookup, delete_file, exfiltrate and search "
          "refused naming the change, rug_pull answered, check 1 naming each; over HTTP in both eras lookup refused, "
          "rug_pull answered; a 10 MB list relayed whole to the client, a risky unreadable change, every call refused; "
          "bad baselines stop the proxy (2)")


async def main():
    dashboard = os.path.abspath(sys.argv[1])
    await baseline(dashboard, tempfile.mkdtemp(prefix="interop-tools-"))
    for mode in ("auto", "legacy"):
        await stdio(dashboard, mode, tempfile.mkdtemp(prefix="interop-tools-"))
        await http(dashboard, mode, tempfile.mkdtemp(prefix="interop-tools-"))


if __name__ == "__main__":
    asyncio.run(main())
