#!/usr/bin/env python3
"""How soon `dashboard proxy --http` relays each SSE event: an upstream on a blocking socket sends five events
100 ms apart (chunked), a client on a blocking socket reads them through the proxy, and each event's delay is
the client's recv stamp minus the upstream's send stamp (one clock, one machine).

Usage: bench_sse_relay.py DASHBOARD_BINARY [streams]   (target, DESIGN §9c: every event within 10 ms)
"""
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    return server, server.getsockname()[1]


def serve(server, stamps):
    connection, _ = server.accept()
    request = b""
    while b"\r\n\r\n" not in request:
        request += connection.recv(4096)
    head, _, body = request.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    while len(body) < length:
        body += connection.recv(4096)
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
    for step in range(1, 6):
        time.sleep(0.1)
        if step < 5:
            data = '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"p1","progress":%d,"total":5}}' % step
        else:
            data = '{"jsonrpc":"2.0","id":7,"result":{"content":[]}}'
        event = ("event: message\ndata: %s\n\n" % data).encode()
        connection.sendall(b"%x\r\n%s\r\n" % (len(event), event))
        stamps.append(time.monotonic())
    connection.sendall(b"0\r\n\r\n")
    connection.close()


def stream(proxy_port, server):
    sent = []
    thread = threading.Thread(target=serve, args=(server, sent))
    thread.start()
    body = b'{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"long","arguments":{},"_meta":{"progressToken":"p1"}}}'
    client = socket.create_connection(("127.0.0.1", proxy_port))
    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client.sendall(
        b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Accept: application/json, text/event-stream\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
        % (len(body), body)
    )
    received = []
    text = b""
    while True:
        chunk = client.recv(65536)
        now = time.monotonic()
        if not chunk:
            break
        text += chunk
        while len(received) < text.count(b"\n\n"):
            received.append(now)
    client.close()
    thread.join()
    return [(r - s) * 1000 for s, r in zip(sent, received)]


def main():
    binary = sys.argv[1]
    streams = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    server, upstream_port = listener()
    state = tempfile.mkdtemp(prefix="bench-sse-relay-")
    proxy = subprocess.Popen(
        [binary, "proxy", "--http", "--listen", "127.0.0.1:0", "--upstream", "http://127.0.0.1:%d/mcp" % upstream_port],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=dict(os.environ, XDG_STATE_HOME=state),
    )
    port = None
    for line in proxy.stderr:
        line = line.decode()
        if "proxy listening on http://127.0.0.1:" in line:
            port = int(line.split("127.0.0.1:")[1].split("/")[0].split()[0])
            break
    if port is None:
        sys.exit("the proxy did not start")
    threading.Thread(target=lambda: [None for _ in proxy.stderr], daemon=True).start()
    try:
        delays = []
        worst_per_stream = []
        for _ in range(streams):
            got = stream(port, server)
            if len(got) != 5:
                sys.exit("a stream delivered %d of 5 events" % len(got))
            delays += got
            worst_per_stream.append(max(got))
    finally:
        proxy.terminate()
        proxy.wait()
    delays.sort()
    over = sum(1 for d in delays if d > 10)
    print("SSE events relayed: %d in %d streams" % (len(delays), streams))
    print("delay ms: median %.2f, p90 %.2f, max %.2f; worst of each stream: median %.2f"
          % (statistics.median(delays), delays[int(len(delays) * 0.9)], delays[-1], statistics.median(worst_per_stream)))
    print("events later than 10 ms: %d (target 0)" % over)
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
