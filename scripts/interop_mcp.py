"""Drives a real MCP server (PyPI's mcp-server-time) through `dashboard proxy` with the reference Python
SDK's stdio client, and checks what the proxy reports against what the client saw.

Usage: python interop_mcp.py DASHBOARD_BINARY SERVER_EXECUTABLE
Exits non-zero with a message on the first mismatch.
"""

import asyncio
import glob
import json
import os
import stat
import sys
import tempfile
import time
import urllib.request

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def fail(message):
    print(f"interop: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def discovery_file(state_home):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = glob.glob(os.path.join(state_home, "dashboard", "instances", "time-*.json"))
        if found:
            return found[0]
        time.sleep(0.05)
    fail("no discovery file appeared in 10 s")


def metrics(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return json.load(response)


def prometheus(port):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers={"Accept": "text/plain"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read().decode()


async def main(dashboard, server):
    state_home = tempfile.mkdtemp(prefix="interop-state-")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
           "XDG_STATE_HOME": state_home, "METRICS_CONTROL_TOKEN": "interop-secret-token"}
    params = StdioServerParameters(
        command=dashboard,
        args=["proxy", "--name", "time", "--", server, "--local-timezone", "UTC"],
        env=env,
    )
    seen = {"ok": 0, "tool_error": 0, "rpc_error": 0}
    slowest_client_ms = {}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            tools = await session.list_tools()
            names = sorted(tool.name for tool in tools.tools)
            if "get_current_time" not in names:
                fail(f"tools/list through the proxy lacks get_current_time: {names}")
            for _ in range(20):
                started = time.perf_counter()
                result = await session.call_tool("get_current_time", {"timezone": "Europe/Paris"})
                elapsed = (time.perf_counter() - started) * 1000
                slowest_client_ms["get_current_time"] = max(slowest_client_ms.get("get_current_time", 0), elapsed)
                if result.is_error:
                    fail(f"get_current_time failed: {result.content}")
                if "Europe/Paris" not in result.content[0].text:
                    fail(f"unexpected answer: {result.content[0].text}")
                seen["ok"] += 1
            result = await session.call_tool(
                "convert_time", {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"}
            )
            if result.is_error:
                fail(f"convert_time failed: {result.content}")
            bad = await session.call_tool("get_current_time", {"timezone": "Not/AZone"})
            if bad.is_error:
                seen["tool_error"] += 1
            else:
                fail("a bad timezone did not fail")

            path = discovery_file(state_home)
            mode = stat.S_IMODE(os.stat(path).st_mode)
            if mode != 0o600:
                fail(f"discovery file mode is {oct(mode)}, expected 0o600")
            with open(path) as handle:
                document = json.load(handle)
            if not (isinstance(document, list) and document and document[0]["targets"]
                    and document[0]["labels"]["server"] == "time"):
                fail(f"discovery file is not a file_sd document for 'time': {document}")
            if "--local-timezone" in json.dumps(document):
                fail("the discovery file carries the server's arguments")
            port = int(document[0]["targets"][0].rsplit(":", 1)[1])

            snapshot = metrics(port)
            if snapshot["engine"]["mode"] != "proxy":
                fail(f"engine.mode is {snapshot['engine']['mode']}")
            tool = snapshot["tool_metrics"].get("get_current_time")
            if tool is None:
                fail(f"no get_current_time in tool_metrics: {list(snapshot['tool_metrics'])}")
            if tool["total_calls"] != 21 or tool["failed_calls"] != 1 or tool["error_types"] != {"tool_error": 1}:
                fail(f"get_current_time counts differ from the client's (20 ok, 1 tool_error): {tool}")
            if tool["max_latency_ms"] > slowest_client_ms["get_current_time"] + 1:
                fail(f"proxy max latency {tool['max_latency_ms']} ms exceeds the client's "
                     f"{slowest_client_ms['get_current_time']:.2f} ms")
            if snapshot["tool_metrics"]["convert_time"]["total_calls"] != 1:
                fail("convert_time was not counted once")
            mcp = snapshot["mcp"]
            if mcp["server"]["server_info"]["name"] != init.server_info.name:
                fail(f"server_info {mcp['server']['server_info']} differs from {init.server_info.name}")
            if mcp["server"]["client_info"]["name"] != "mcp":
                print(f"interop: note: client_info is {mcp['server']['client_info']}")
            if mcp["server"]["protocol_version"] != str(init.protocol_version):
                fail(f"protocol_version {mcp['server']['protocol_version']} != {init.protocol_version}")
            for method in ("initialize", "tools/list"):
                if mcp["method_metrics"].get(method, {}).get("total_calls") != 1:
                    fail(f"{method} not counted once: {mcp['method_metrics'].get(method)}")
            failures = mcp["recent_failures"]
            if not failures or failures[0]["error_type"] != "tool_error" or "Not/AZone" in json.dumps(failures[0]).replace(
                    failures[0]["message"], ""):
                fail(f"recent_failures: {failures}")
            if "--local-timezone" in json.dumps(snapshot):
                fail("/metrics carries the server's arguments")
            text = prometheus(port)
            series = ('mcp_server_operation_duration_seconds_count'
                      '{mcp_method_name="tools/call",gen_ai_tool_name="get_current_time"} ')
            counted = [line[len(series):] for line in text.splitlines() if line.startswith(series)]
            if not counted or int(float(counted[0])) != tool["successful_calls"]:
                fail(f"the Prometheus exposition counts {counted} successful get_current_time calls, "
                     f"the JSON {tool['successful_calls']}")
            print(f"interop: ok: {seen['ok']} calls + 1 convert_time + 1 tool_error through the proxy; "
                  f"proxy p50 {tool['p50_latency_ms']} ms, max {tool['max_latency_ms']} ms, "
                  f"client max {slowest_client_ms['get_current_time']:.2f} ms; server {init.server_info.name} "
                  f"{init.server_info.version}, protocol {init.protocol_version}")
    # The client closed the pipes: the proxy must be gone with its discovery file.
    deadline = time.monotonic() + 10
    while os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    if os.path.exists(path):
        fail("the discovery file is still there after the proxy ended")
    print("interop: ok: discovery file removed on exit")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    asyncio.run(main(sys.argv[1], sys.argv[2]))
