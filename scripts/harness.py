"""What the scripts that drive the real binary share: ports, the metrics endpoint, an MCP client on a
`dashboard proxy`'s pipes, process samples from /proc, and a dashboard in a tmux pane of its own server."""

import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(port, path="/metrics", timeout=5):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as answer:
        return json.load(answer)


def health(port):
    """`/health` as (HTTP status, body): 503 answers are read too."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def post_json(port, path, body, token, timeout=10):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.load(answer)


def wait_for(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return get_json(port, "/health")
        except urllib.error.HTTPError:
            return None  # it answers, degraded
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answers on port {port}")


def eventually(condition, seconds, step=0.1):
    """Polls `condition` until it returns something true or `seconds` pass; returns its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


class Client:
    """An MCP client on a `dashboard proxy`'s stdin/stdout, calling get_current_time at a steady rate.

    It counts what it sent, what was answered and what is still pending; the proxy going away (its server
    killed, or it) ends the run and leaves the pending requests counted."""

    def __init__(self, dashboard, server, name, port, env, log_file=None):
        self.port = port
        command = [dashboard, "proxy", "--name", name, "--port", str(port)]
        if log_file:
            command += ["--log-file", log_file]
        self.process = subprocess.Popen(command + ["--", server], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, env=env)
        self.sent = 0
        self.answered = 0
        self.errors = 0
        self.pending = set()
        self.lock = threading.Lock()
        self.closed = threading.Event()
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()
        self.request(0, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                       "clientInfo": {"name": "harness", "version": "1"}})
        self.write({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def write(self, message):
        try:
            self.process.stdin.write((json.dumps(message) + "\n").encode())
            self.process.stdin.flush()
            return True
        except (BrokenPipeError, ValueError, OSError):
            self.closed.set()
            return False

    def request(self, request_id, method, params):
        with self.lock:
            self.pending.add(request_id)
        if not self.write({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}):
            with self.lock:
                self.pending.discard(request_id)
            return False
        return True

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
        self.closed.set()

    def run(self, until, rate=10):
        """Calls at `rate` per second until the monotonic time `until` or until the proxy goes away."""
        interval = 1 / rate
        next_call = time.monotonic()
        while time.monotonic() < until and not self.closed.is_set():
            if not self.request(self.sent + 1, "tools/call",
                                {"name": "get_current_time", "arguments": {"timezone": "Europe/Paris"}}):
                break
            self.sent += 1
            next_call += interval
            time.sleep(max(0, next_call - time.monotonic()))

    def counts(self):
        with self.lock:
            return self.sent, self.answered, len(self.pending)

    def close(self):
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def sample(pid):
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return {"rss_mib": int(fields["VmRSS"].split()[0]) / 1024, "threads": int(fields["Threads"]),
            "fds": len(os.listdir(f"/proc/{pid}/fd"))}


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def children(pid):
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as listed:
            found += [int(child) for child in listed.read().split()]
    return found


class Tmux:
    """A tmux server of its own (`-L`), for dashboards under test."""

    def __init__(self, name):
        self.name = name

    def run(self, *arguments, check=True):
        return subprocess.run(["tmux", "-L", self.name, *arguments], capture_output=True, text=True, check=check)

    def start(self, session, command, width=160, height=50):
        self.run("new", "-d", "-s", session, "-x", str(width), "-y", str(height), f"exec {command}")

    def screen(self, session):
        return self.run("capture-pane", "-p", "-t", session, check=False).stdout

    def pid(self, session):
        return int(self.run("list-panes", "-t", session, "-F", "#{pane_pid}").stdout.split()[0])

    def keys(self, session, *keys):
        self.run("send-keys", "-t", session, *keys)

    def kill(self):
        self.run("kill-server", check=False)
