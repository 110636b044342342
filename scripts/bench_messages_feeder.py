"""Keeps 8 local proxies busy for the Messages benchmark: starts `dashboard proxy --capture` in front of a
stdio echo server 8 times (discovery files under $XDG_STATE_HOME) and sends each RATE tools/call requests
a second (RATE requests and RATE answers: 2 x RATE messages a second per proxy), until killed.

Usage: python3 bench_messages_feeder.py DASHBOARD_BINARY [RATE]
       python3 bench_messages_feeder.py --serve    (the echo server itself)
"""

import json
import subprocess
import sys
import threading
import time


def serve():
    for line in sys.stdin:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if "id" not in message or "method" not in message:
            continue
        if message["method"] == "initialize":
            result = {"protocolVersion": "2025-06-18", "capabilities": {"tools": {}},
                      "serverInfo": {"name": "echo", "version": "1"}}
        else:
            arguments = message.get("params", {}).get("arguments", {})
            result = {"content": [{"type": "text", "text": json.dumps(arguments)}]}
        sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": result}) + "\n")
        sys.stdout.flush()


def drain(stream):
    while stream.read(65536):
        pass


def feed(binary, rate):
    proxies = []
    for index in range(8):
        process = subprocess.Popen(
            [binary, "proxy", "--capture", "--name", f"m{index}", "--", sys.executable, __file__, "--serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        threading.Thread(target=drain, args=(process.stdout,), daemon=True).start()
        process.stdin.write(b'{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":'
                            b'"2025-06-18","capabilities":{},"clientInfo":{"name":"feeder","version":"1"}}}\n'
                            b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
        process.stdin.flush()
        proxies.append(process)
    print("feeding", flush=True)
    tools = ["search_code", "read_file", "create_issue", "list_directory"]
    number = 0
    ticks_per_second = 20
    started = time.monotonic()
    tick = 0
    while True:
        for process in proxies:
            lines = []
            for _ in range(rate // ticks_per_second):
                number += 1
                call = {"jsonrpc": "2.0", "id": number, "method": "tools/call",
                        "params": {"name": tools[number % 4], "arguments": {"query": f"q{number}", "token": "t"}}}
                lines.append(json.dumps(call))
            process.stdin.write(("\n".join(lines) + "\n").encode())
            process.stdin.flush()
        tick += 1
        time.sleep(max(0.0, started + tick / ticks_per_second - time.monotonic()))


if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        serve()
    else:
        feed(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100)
