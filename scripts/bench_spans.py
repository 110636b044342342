"""What span export asks of `dashboard proxy` (DESIGN §18), release build: how many spans a second the exporter
keeps up with, without a drop, at its default queue; and the RSS of an exporting proxy left idle, beside one
that does not export. The proxy stands in front of the echo peer (ProxyTestPeer echo) and exports to
scripts/otlp_receiver.py --count (a separate process, decoding every export with the OpenTelemetry protobuf
types); the proxy's own /metrics says what it exported, dropped and lost.

Usage: python3 bench_spans.py DASHBOARD PEER RECEIVER_PYTHON [RATE] [SECONDS]
  Sends RATE tools/call a second (default 25 000) for SECONDS (default 10), paced every 10 ms, then as fast as
  the proxy relays them for the same count; each run waits for every span to be counted.
"""

import glob
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bench_proxy import cpu_seconds, status  # noqa: E402


def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def start_receiver(python):
    receiver = subprocess.Popen([python, os.path.join(HERE, "otlp_receiver.py"), "0", "--count"],
                                stdout=subprocess.PIPE, text=True)
    line = receiver.stdout.readline()
    return receiver, line.split()[-1]


def start_proxy(dashboard, peer, state, url):
    command = [dashboard, "proxy", "--name", "spans"]
    if url:
        command += ["--otlp-endpoint", url]
    env = {**os.environ, "XDG_STATE_HOME": state}
    proxy = subprocess.Popen([*command, "--", peer, "echo"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             env=env)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for path in glob.glob(os.path.join(state, "dashboard", "instances", "*.json")):
            with open(path) as handle:
                found = json.load(handle)[0]  # Prometheus's file_sd shape
            if found["labels"].get("pid") == str(proxy.pid):
                return proxy, "http://" + found["targets"][0]
        time.sleep(0.05)
    sys.exit("the proxy wrote no discovery file")


def drive(proxy, count, rate):
    """Sends `count` calls (paced at `rate` a second, or unpaced when None) and reads every answer; returns
    the seconds from the first request to the last answer."""
    answered = threading.Event()

    def read():
        seen = 0
        for _ in proxy.stdout:
            seen += 1
            if seen == count:
                answered.set()
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    started = time.perf_counter()
    batch = max(1, int(rate / 100)) if rate else 500
    sent = 0
    while sent < count:
        lines = []
        for _ in range(min(batch, count - sent)):
            sent += 1
            lines.append('{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"search",'
                         '"arguments":{"q":"x"}}}\n' % sent)
        proxy.stdin.write("".join(lines).encode())
        proxy.stdin.flush()
        if rate:
            ahead = started + sent / rate - time.perf_counter()
            if ahead > 0:
                time.sleep(ahead)
    answered.wait(120)
    return time.perf_counter() - started


def run(dashboard, peer, python, label, count, rate):
    receiver, url = start_receiver(python)
    state = tempfile.mkdtemp(prefix="bench-spans-")
    proxy, metrics = start_proxy(dashboard, peer, state, url)
    base = get(url + "/count")["spans"]
    seconds = drive(proxy, count, rate)
    deadline = time.monotonic() + 60
    otlp = {}
    while time.monotonic() < deadline:
        otlp = get(metrics + "/metrics").get("otlp") or {}
        if otlp.get("exported", 0) + otlp.get("dropped", 0) + otlp.get("failed", 0) >= count:
            break
        time.sleep(0.2)
    drained = time.perf_counter()
    received = get(url + "/count")["spans"] - base
    proxy.stdin.close()
    proxy.wait(timeout=30)
    receiver.terminate()
    print(f"{label}: {count} calls in {seconds:.2f} s = {count / seconds:,.0f} calls/s; exported "
          f"{otlp.get('exported')}, dropped {otlp.get('dropped')}, failed {otlp.get('failed')}; the receiver "
          f"counted {received}")
    return otlp.get("dropped", 1) == 0 and otlp.get("failed", 1) == 0 and received == count, drained


def idle_rss(dashboard, peer, python, seconds):
    receiver, url = start_receiver(python)
    figures = []
    for label, endpoint in (("exporting", url), ("not exporting", None)):
        state = tempfile.mkdtemp(prefix="bench-spans-")
        proxy, _ = start_proxy(dashboard, peer, state, endpoint)
        drive(proxy, 1000, None)
        time.sleep(3)
        before = cpu_seconds(proxy.pid)
        time.sleep(seconds)
        used = cpu_seconds(proxy.pid) - before
        figures.append(f"{label} {status(proxy.pid, 'VmRSS') / 1048576:.1f} MiB, {100 * used / seconds:.3f} % CPU")
        proxy.stdin.close()
        proxy.wait(timeout=30)
    receiver.terminate()
    print(f"idle proxy after 1 000 calls, over {seconds} s: " + "; ".join(figures)
          + " (targets: exporting <= 45 MiB; <= 0.2 % of a core idle)")


def main():
    dashboard, peer, python = sys.argv[1], sys.argv[2], sys.argv[3]
    rate = int(sys.argv[4]) if len(sys.argv) > 4 else 25_000
    seconds = int(sys.argv[5]) if len(sys.argv) > 5 else 10
    count = rate * seconds
    ok_paced, _ = run(dashboard, peer, python, f"paced at {rate:,}/s for {seconds} s", count, rate)
    ok_fast, _ = run(dashboard, peer, python, "unpaced", count, None)
    idle_rss(dashboard, peer, python, 30)
    sys.exit(0 if ok_paced and ok_fast else 1)


if __name__ == "__main__":
    main()
