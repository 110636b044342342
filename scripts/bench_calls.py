"""Tool calls for the dashboard benchmarks, as the body of `POST /v1/tool-calls`: PER_TOOL calls of each of
50 tools (tool_00 … tool_49), log-normal latencies around 150 ms, 3 % failing with `timeout`.

Usage: python3 bench_calls.py PER_TOOL > calls.json
"""

import json
import random
import sys

per_tool = int(sys.argv[1])
calls = []
for tool in range(50):
    for _ in range(per_tool):
        ok = random.random() > 0.03
        calls.append({"tool": f"tool_{tool:02d}", "latency_ms": random.lognormvariate(5, 0.8),
                      "success": ok, "error_type": None if ok else "timeout"})
print(json.dumps(calls))
