"""The HTTP relay under load, side by side: wrk POSTs a JSON-RPC tools/call at 1, 8 and 64 connections to an
upstream that answers a fixed result (nginx `return 200`, so the relays' own cost dominates) — direct,
through nginx as a reverse proxy (kept-alive upstream connections, buffering off) and through
`dashboard proxy --http` — in rotation, several rounds, in one run. Each relay's added latency at a level is
its p50 (p99) minus the direct p50 (p99) of the same round; the table shows the median over the rounds.

Target (DESIGN §9c): the proxy's added p50 and p99 each ≤ 1.5 × nginx's at every level, and no non-2xx answer.
Usage: python bench_http_sweep.py DASHBOARD_BINARY [SECONDS_PER_RUN] [ROUNDS]
"""

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from bench_http_proxy import wait_for_port

BODY = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}'
ANSWER = '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"hi"}],"isError":false}}'
LEVELS = [1, 8, 64]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx(directory, name, server_block, workers):
    conf = os.path.join(directory, f"{name}.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes {workers};
daemon off;
pid {directory}/{name}.pid;
error_log {directory}/{name}-error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {directory}/{name}-body;
    proxy_temp_path {directory}/{name}-proxy;
    fastcgi_temp_path {directory}/{name}-fastcgi;
    uwsgi_temp_path {directory}/{name}-uwsgi;
    scgi_temp_path {directory}/{name}-scgi;
    keepalive_requests 1000000;
    {server_block}
}}
""")
    return subprocess.Popen(["nginx", "-c", conf, "-p", directory], stderr=subprocess.DEVNULL)


def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port, connections, seconds, script):
    output = subprocess.run(
        ["wrk", "-t", "1" if connections == 1 else "2", "-c", str(connections), "-d", f"{seconds}s",
         "--latency", "-s", script, f"http://127.0.0.1:{port}/mcp"],
        capture_output=True, text=True, check=True,
    ).stdout
    percentiles = {p: ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)$", output, re.M)}
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {"p50": percentiles["50"], "p99": percentiles["99"], "requests": requests, "rate": rate,
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "errors": errors.group(1) if errors else ""}


def main():
    binary = sys.argv[1]
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is not installed (apt-get install {tool})")
    directory = tempfile.mkdtemp(prefix="bench-http-sweep-")
    script = os.path.join(directory, "post.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\n'
                f"wrk.body = '{BODY}'\n"
                'wrk.headers["Content-Type"] = "application/json"\n'
                'wrk.headers["Accept"] = "application/json, text/event-stream"\n')
    upstream_port, nginx_port = free_port(), free_port()
    processes = [
        nginx(directory, "upstream", f"""server {{
        listen 127.0.0.1:{upstream_port} backlog=4096;
        location / {{ default_type application/json; return 200 '{ANSWER}'; }}
    }}""", 1),
        nginx(directory, "relay", f"""upstream backend {{ server 127.0.0.1:{upstream_port}; keepalive 128; }}
    server {{
        listen 127.0.0.1:{nginx_port} backlog=4096;
        location / {{
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
            proxy_request_buffering off;
        }}
    }}""", "auto"),
    ]
    proxy = subprocess.Popen(
        [binary, "proxy", "--http", "--listen", "127.0.0.1:0", "--upstream", f"http://127.0.0.1:{upstream_port}/mcp"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        env=dict(os.environ, XDG_STATE_HOME=directory),
    )
    processes.append(proxy)
    proxy_port = None
    for line in proxy.stderr:
        if "proxy listening on http://127.0.0.1:" in line:
            proxy_port = int(line.split("127.0.0.1:")[1].split("/")[0].split()[0])
            break
    if proxy_port is None:
        sys.exit("bench: the proxy did not start")
    subprocess.Popen(["cat"], stdin=proxy.stderr, stdout=subprocess.DEVNULL)
    try:
        for port in (upstream_port, nginx_port, proxy_port):
            wait_for_port(port)
        arms = [("direct", upstream_port), ("nginx", nginx_port), ("dashboard", proxy_port)]
        for _, port in arms:  # warm-up
            wrk(port, 8, 2, script)
        results = {(arm, level): [] for arm, _ in arms for level in LEVELS}
        for round_index in range(rounds):
            for level in LEVELS:
                order = arms[round_index % 3:] + arms[:round_index % 3]
                for arm, port in order:
                    results[(arm, level)].append(wrk(port, level, seconds, script))
        failed = False
        print(f"wrk POST tools/call, fixed-answer nginx upstream, {rounds} rounds × {seconds} s per arm and level, "
              "arms in rotation")
        print("| connections | direct p50 / p99 | nginx added p50 / p99 | dashboard added p50 / p99 | "
              "req/s direct / nginx / dashboard | dashboard ÷ nginx (p50, p99) | non-2xx |")
        print("|---|---|---|---|---|---|---|")
        for level in LEVELS:
            added = {}
            for arm in ("nginx", "dashboard"):
                added[arm] = {
                    key: statistics.median(
                        run[key] - direct[key]
                        for run, direct in zip(results[(arm, level)], results[("direct", level)]))
                    for key in ("p50", "p99")
                }
            direct = {key: statistics.median(run[key] for run in results[("direct", level)]) for key in ("p50", "p99")}
            rates = [statistics.median(run["rate"] for run in results[(arm, level)]) for arm, _ in arms]
            non2xx = sum(run["non2xx"] for arm, _ in arms for run in results[(arm, level)])
            ratios = [added["dashboard"][key] / added["nginx"][key] if added["nginx"][key] > 0 else float("inf")
                      for key in ("p50", "p99")]
            within = all(added["dashboard"][key] <= 1.5 * max(added["nginx"][key], 0) for key in ("p50", "p99"))
            failed |= not within or non2xx > 0
            us = lambda value: f"{value * 1000:+.0f} µs"
            print(f"| {level} | {direct['p50'] * 1000:.0f} / {direct['p99'] * 1000:.0f} µs "
                  f"| {us(added['nginx']['p50'])} / {us(added['nginx']['p99'])} "
                  f"| {us(added['dashboard']['p50'])} / {us(added['dashboard']['p99'])} "
                  f"| {rates[0]:.0f} / {rates[1]:.0f} / {rates[2]:.0f} "
                  f"| {ratios[0]:.2f}, {ratios[1]:.2f} {'(within 1.5)' if within else '(over 1.5)'} | {non2xx} |")
        for arm, _ in arms:
            for level in LEVELS:
                errors = {run["errors"] for run in results[(arm, level)] if run["errors"]}
                if errors:
                    print(f"{arm} at {level} connections: socket errors {errors}")
        sys.exit(1 if failed else 0)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
