"""A soak run: an engine (`dashboard serve`), four `dashboard proxy` processes in front of PyPI's
mcp-server-time under steady load, a dashboard attached to all of them (`--local`) in a tmux pane, and a
test upload every minute. Every 10 s it samples each process's RSS, open descriptors and threads; at the
end it checks that no call was lost and that nothing grows without bound.

"Grows without bound": after a warm-up (the first third of the samples), the last third is compared with
the middle third. Descriptors and threads may not be higher at the end than their maximum in the middle
third plus 2; the median RSS of the last third may not exceed that of the middle third by more than 10 %
and 8 MiB. "Lost": every request a client sent got its response, and each proxy counted exactly the calls
its client made.

Usage: python soak.py DASHBOARD_BINARY MCP_SERVER_TIME MINUTES
"""

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from harness import Client, Tmux, get_json, free_port, post_json, sample, wait_for

PROXIES = 4
CALLS_PER_SECOND = 10  # per proxy
TOKEN = "soak-token"


def judge(name, samples):
    if len(samples) < 6:
        return [f"{name}: {len(samples)} samples are too few to tell growth from noise (run at least 1 minute)"]
    third = len(samples) // 3
    middle, last = samples[third:2 * third], samples[2 * third:]
    problems = []
    for key in ("fds", "threads"):
        if max(s[key] for s in last) > max(s[key] for s in middle) + 2:
            problems.append(f"{key} grew: {[s[key] for s in samples]}")
    before = statistics.median(s["rss_mib"] for s in middle)
    after = statistics.median(s["rss_mib"] for s in last)
    if after > before * 1.10 and after > before + 8:
        problems.append(f"RSS grew from {before:.1f} to {after:.1f} MiB")
    first = samples[0]
    print(f"soak: {name:<10} RSS {first['rss_mib']:.1f} → {before:.1f} → {after:.1f} MiB, "
          f"fds {first['fds']} → {samples[-1]['fds']} (max {max(s['fds'] for s in samples)}), "
          f"threads {first['threads']} → {samples[-1]['threads']}")
    return [f"{name}: {p}" for p in problems]


def main(dashboard, server, minutes):
    workdir = tempfile.mkdtemp(prefix="soak-")
    env = dict(os.environ, XDG_STATE_HOME=workdir, HOME=workdir, METRICS_CONTROL_TOKEN=TOKEN,
               FILE_CACHE_PATH=os.path.join(workdir, "ids.sqlite"))
    serve_port = free_port()
    serve = subprocess.Popen([dashboard, "serve", "--no-demo", "--port", str(serve_port), "--log-file",
                              os.path.join(workdir, "serve.log")], env=env, stderr=subprocess.DEVNULL)
    wait_for(serve_port)
    clients = [Client(dashboard, server, f"soak{i}", free_port(), env) for i in range(PROXIES)]
    for client in clients:
        wait_for(client.port)
    session = "soak"
    tmux = Tmux(f"soak-{os.getpid()}")
    tmux.start(session, f"env TERM=xterm-256color XDG_STATE_HOME={workdir} HOME={workdir} "
                        f"{dashboard} --local --refresh 1")
    time.sleep(3)
    dashboard_pid = tmux.pid(session)
    until = time.monotonic() + minutes * 60
    threads = [threading.Thread(target=client.run, args=(until, CALLS_PER_SECOND)) for client in clients]
    for thread in threads:
        thread.start()
    processes = {"serve": serve.pid, "dashboard": dashboard_pid}
    processes |= {f"proxy{i}": client.process.pid for i, client in enumerate(clients)}
    samples = {name: [] for name in processes}
    uploads = 0
    next_upload = time.monotonic()
    problems = []
    try:
        while time.monotonic() < until:
            if time.monotonic() >= next_upload:
                post_json(serve_port, "/v1/uploads/test", {}, TOKEN)
                uploads += 1
                next_upload += 60
            for name, pid in processes.items():
                samples[name].append(sample(pid))
            time.sleep(min(10, max(0, until - time.monotonic())))
        for thread in threads:
            thread.join()
        time.sleep(2)  # the last answers
        for name, pid in processes.items():
            samples[name].append(sample(pid))
        screen = tmux.screen(session)
        for index, client in enumerate(clients):
            counted = get_json(client.port)["tool_metrics"].get("get_current_time", {}).get("total_calls", 0)
            with client.lock:
                lost = len(client.pending)
            print(f"soak: proxy{index} sent {client.sent}, answered {client.answered} "
                  f"({client.errors} tool errors), counted {counted}, unanswered {lost}")
            if lost or client.answered != client.sent or counted != client.sent:
                problems.append(f"proxy{index}: calls lost or miscounted")
        if "soak0" not in screen:
            problems.append("the dashboard's screen does not show the proxies")
        print(f"soak: {minutes} min, {uploads} test uploads, {len(samples['serve'])} samples of each process")
        for name in processes:
            problems += judge(name, samples[name])
    finally:
        tmux.kill()
        for client in clients:
            client.close()
        serve.terminate()
        serve.wait(timeout=10)
    if problems:
        print("soak: FAILED\n  " + "\n  ".join(problems), file=sys.stderr)
        sys.exit(1)
    print("soak: ok — nothing lost, nothing grows")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
