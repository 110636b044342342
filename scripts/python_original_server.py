"""A metrics server shaped like the Python original's: only the compatible fields, HTTP/1.0, no `engine`
section, no control API (every other path is 404), and its percentile bug (p50 = p95 = p99 for every tool).

Usage: python3 python_original_server.py PORT   (0 takes a free port; the port is printed on stdout)
Calls grow while it runs (two tools, one failing now and then), so rates move.
"""

import http.server
import json
import sys
import time

START = time.time()


def document():
    elapsed = time.time() - START
    tools = {}
    for name, rate, latency, failing in [("summarize", 2.0, 840.0, 0.05), ("web_search", 0.5, 120.0, 0.0)]:
        total = int(elapsed * rate) + 20
        failed = int(total * failing)
        tools[name] = {
            "tool_name": name,
            "total_calls": total,
            "successful_calls": total - failed,
            "failed_calls": failed,
            "success_rate": round((total - failed) * 100 / total, 2),
            "avg_latency_ms": latency,
            "p50_latency_ms": latency,
            "p95_latency_ms": latency,
            "p99_latency_ms": latency,
            "min_latency_ms": latency / 2,
            "max_latency_ms": latency * 3,
            "error_types": {"provider_error": failed} if failed else {},
        }
    lookups = int(elapsed * 2) + 10
    return {
        "enabled": True,
        "timestamp": time.time(),
        "tool_metrics": tools,
        "cache_metrics": {
            "semantic_cache": {
                "cache_name": "semantic_cache",
                "hits": lookups // 3,
                "misses": lookups - lookups // 3,
                "total_requests": lookups,
                "hit_rate": round((lookups // 3) * 100 / lookups, 2),
                "evictions": 0,
                "size_rejections": 0,
            }
        },
        "system_metrics": {
            "active_sessions": 1,
            "concurrent_requests": 0,
            "total_requests": sum(t["total_calls"] for t in tools.values()),
            "start_time": START,
            "uptime_seconds": elapsed,
            "uptime_hours": elapsed / 3600,
        },
    }


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        if self.path != "/metrics":
            self.send_error(404)
            return
        body = json.dumps(document()).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.send_error(404)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()
