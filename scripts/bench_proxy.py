"""Memory and idle CPU of `dashboard proxy` (DESIGN 9b): peak RSS while relaying one 64 MiB response, and
CPU and RSS of a proxy in front of an idle server. Reads /proc of the proxy process itself.
Usage: python3 bench_proxy.py DASHBOARD PEER [IDLE_SECONDS]
"""

import os
import subprocess
import sys
import time


def status(pid, field):
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mib(value):
    return f"{value / 1048576:.1f} MiB"


def huge(dashboard, peer):
    size = 64 * 1024 * 1024
    proxy = subprocess.Popen([dashboard, "proxy", "--", peer, "big", str(size)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
    started = time.perf_counter()
    proxy.stdin.write(b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"big","arguments":{}}}\n')
    proxy.stdin.flush()
    received = 0
    last = b""
    while not last.endswith(b"\n"):
        chunk = proxy.stdout.read1(1 << 20)
        if not chunk:
            break
        received += len(chunk)
        last = chunk
    elapsed = time.perf_counter() - started
    peak = status(proxy.pid, "VmHWM")
    proxy.stdin.close()
    proxy.wait()
    expected = size + len('{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":""}]}}\n')
    print(f"64 MiB response: {received} bytes relayed (expected {expected}) in {elapsed:.2f} s; "
          f"proxy peak RSS {mib(peak)} (target <= 168 MiB)")
    return received == expected


def idle(dashboard, peer, seconds):
    proxy = subprocess.Popen([dashboard, "proxy", "--", peer, "echo"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE)
    time.sleep(3)
    before = cpu_seconds(proxy.pid)
    time.sleep(seconds)
    used = cpu_seconds(proxy.pid) - before
    rss = status(proxy.pid, "VmRSS")
    proxy.stdin.close()
    proxy.wait()
    print(f"idle {seconds} s: {used:.2f} CPU s = {100 * used / seconds:.3f} % of a core (target <= 0.2 %); "
          f"RSS {mib(rss)} (target <= 40 MiB)")


if __name__ == "__main__":
    dashboard, peer = sys.argv[1], sys.argv[2]
    seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    ok = huge(dashboard, peer)
    idle(dashboard, peer, seconds)
    sys.exit(0 if ok else 1)
