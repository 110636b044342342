"""Whether watching the tool surface costs a tools/call anything: two `dashboard proxy` arms in front of the
same stdio server, used in rotation in one run — one whose client first listed the server's 500 tools (the
proxy hashed and keeps them), one whose client never listed them — each timing tools/call round trips
from this client. Prints p50 and p99 of each arm and their difference.

Usage: python3 bench_tools_observe.py DASHBOARD [ROUNDS]     (the server: bench_tools_observe.py --serve)
"""

import json
import statistics
import subprocess
import sys
import time

TOOLS = 500


def serve():
    tools = [{"name": f"tool_{i}", "description": f"Tool {i}: reads records from the store and answers with "
              "the matching ones, newest first.", "inputSchema": {"type": "object", "properties": {
                  "query": {"type": "string"}}}, "annotations": {"readOnlyHint": True}} for i in range(TOOLS)]
    out = sys.stdout
    for line in sys.stdin:
        message = json.loads(line)
        if message.get("method") == "tools/list":
            result = {"tools": tools}
        else:
            result = {"content": [{"type": "text", "text": "ok"}]}
        out.write(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": result}) + "\n")
        out.flush()


def proxy(dashboard, lists):
    process = subprocess.Popen([dashboard, "proxy", "--messages", "0", "--", sys.executable, __file__, "--serve"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if lists:
        process.stdin.write(b'{"jsonrpc":"2.0","id":0,"method":"tools/list"}\n')
        process.stdin.flush()
        process.stdout.readline()
    return process


def rounds(process, count):
    times = []
    request = b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"tool_7","arguments":{"query":"x"}}}\n'
    for _ in range(count):
        start = time.perf_counter_ns()
        process.stdin.write(request)
        process.stdin.flush()
        process.stdout.readline()
        times.append((time.perf_counter_ns() - start) / 1000)
    return times


def main(dashboard, total):
    arms = {"listed 500 tools": proxy(dashboard, True), "never listed": proxy(dashboard, False)}
    for process in arms.values():
        rounds(process, 500)  # warm-up
    times = {name: [] for name in arms}
    for _ in range(total // 500):
        for name, process in arms.items():
            times[name] += rounds(process, 500)
    for process in arms.values():
        process.stdin.close()
        process.wait(timeout=10)
    print(f"== tools/call round trips through the proxy, {total} per arm in rotation (µs, from this client)")
    for name, values in times.items():
        values.sort()
        print(f"{name:18} p50 {statistics.median(values):7.1f}  p99 {values[int(len(values) * 0.99)]:7.1f}")
    listed, never = (statistics.median(times[name]) for name in arms)
    print(f"difference of the p50s: {listed - never:+.1f} µs")


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve()
    else:
        main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20000)
