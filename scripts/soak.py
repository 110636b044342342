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

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

PROXIES = 4
CALLS_PER_SECOND = 10  # per proxy
TOKEN = "soak-token"


def free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(port, path="/metrics"):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
        return json.load(answer)


def wait_for(port):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            return get_json(port, "/health")
        except OSError:
            time.sleep(0.1)
    sys.exit(f"soak: nothing answers on port {port}")


class Client:
    """An MCP client on the proxy's stdin/stdout, calling get_current_time at a steady rate."""

    def __init__(self, dashboard, server, name, port, env):
        self.port = port
        self.process = subprocess.Popen(
            [dashboard, "proxy", "--name", name, "--port", str(port), "--", server],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        self.sent = 0
        self.answered = 0
        self.errors = 0
        self.pending = set()
        self.lock = threading.Lock()
        self.stopping = False
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()
        self.request(0, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                       "clientInfo": {"name": "soak", "version": "1"}})
        self.write({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def write(self, message):
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        self.process.stdin.flush()

    def request(self, request_id, method, params):
        with self.lock:
            self.pending.add(request_id)
        self.write({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})

    def read(self):
        for line in self.process.stdout:
            message = json.loads(line)
            if "id" not in message or "method" in message:
                continue
            with self.lock:
                self.pending.discard(message["id"])
                if message["id"] != 0:
                    self.answered += 1
                    if "error" in message or message.get("result", {}).get("isError"):
                        self.errors += 1

    def run(self, until):
        interval = 1 / CALLS_PER_SECOND
        next_call = time.monotonic()
        while time.monotonic() < until:
            self.sent += 1
            self.request(self.sent, "tools/call",
                         {"name": "get_current_time", "arguments": {"timezone": "Europe/Paris"}})
            next_call += interval
            time.sleep(max(0, next_call - time.monotonic()))


def sample(pid):
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return {"rss_mib": int(fields["VmRSS"].split()[0]) / 1024, "threads": int(fields["Threads"]),
            "fds": len(os.listdir(f"/proc/{pid}/fd"))}


def judge(name, samples):
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
    session = f"soak-{os.getpid()}"
    subprocess.run(["tmux", "-L", session, "new", "-d", "-s", session, "-x", "160", "-y", "50",
                    f"exec env TERM=xterm-256color XDG_STATE_HOME={workdir} HOME={workdir} "
                    f"{dashboard} --local --refresh 1"], check=True)
    time.sleep(3)
    dashboard_pid = int(subprocess.run(["tmux", "-L", session, "list-panes", "-F", "#{pane_pid}"],
                                       capture_output=True, text=True, check=True).stdout.split()[0])
    until = time.monotonic() + minutes * 60
    threads = [threading.Thread(target=client.run, args=(until,)) for client in clients]
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
                request = urllib.request.Request(f"http://127.0.0.1:{serve_port}/v1/uploads/test", data=b"{}",
                                                 headers={"Authorization": f"Bearer {TOKEN}"}, method="POST")
                with urllib.request.urlopen(request, timeout=10) as answer:
                    answer.read()
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
        screen = subprocess.run(["tmux", "-L", session, "capture-pane", "-p"], capture_output=True,
                                text=True).stdout
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
        subprocess.run(["tmux", "-L", session, "kill-server"], stderr=subprocess.DEVNULL)
        for client in clients:
            client.process.stdin.close()
        for client in clients:
            client.process.wait(timeout=10)
        serve.terminate()
        serve.wait(timeout=10)
    if problems:
        print("soak: FAILED\n  " + "\n  ".join(problems), file=sys.stderr)
        sys.exit(1)
    print("soak: ok — nothing lost, nothing grows")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], float(sys.argv[3]))
