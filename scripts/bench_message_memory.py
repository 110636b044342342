"""The memory a proxy's message log takes at its worst: every kept message a captured 64 KiB payload.
Sends 3 000 tools/call requests with a 100 kB argument through `dashboard proxy OPTIONS -- PEER big 100000`
(each answer 100 kB too), reads every answer, then reads the proxy's resident memory (VmRSS, /proc).
Usage: python3 bench_message_memory.py DASHBOARD PEER
"""

import subprocess
import sys
import threading

from bench_proxy import mib, status


def resident(dashboard, peer, options, calls=3000, size=100_000):
    proxy = subprocess.Popen([dashboard, "proxy", *options, "--", peer, "big", str(size)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    answered = threading.Semaphore(0)

    def read():
        for _ in proxy.stdout:
            answered.release()

    threading.Thread(target=read, daemon=True).start()
    text = "x" * size
    for number in range(calls):
        proxy.stdin.write(('{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"big","arguments":'
                           '{"text":"%s"}}}\n' % (number, text)).encode())
        proxy.stdin.flush()
        answered.acquire()
    rss = status(proxy.pid, "VmRSS")
    proxy.stdin.close()
    proxy.wait(timeout=30)
    return rss


if __name__ == "__main__":
    dashboard, peer = sys.argv[1], sys.argv[2]
    print("== the message log's memory: 3 000 calls of 100 kB each way (6 000 messages), VmRSS after")
    for label, options in [("--messages 0 (no log)", ["--messages", "0"]),
                           ("the default (2 000 entries, metadata)", []),
                           ("--capture --messages 200", ["--capture", "--messages", "200"]),
                           ("--capture (2 000 payloads of 64 KiB)", ["--capture"])]:
        print(f"{label}: {mib(resident(dashboard, peer, options))}", flush=True)
