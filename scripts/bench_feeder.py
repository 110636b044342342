"""Keeps engines busy for the fleet benchmark: posts FIRST to every port once, then TICK to every port each
second, over kept-alive connections (one process, so the feeder itself costs little).

Usage: python3 bench_feeder.py FIRST.json TICK.json PORT,PORT,... TOKEN
"""

import http.client
import sys
import time

first, tick = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
ports = [int(port) for port in sys.argv[3].split(",")]
headers = {"Authorization": "Bearer " + sys.argv[4], "Content-Type": "application/json"}
connections = {}


def post(port, body):
    for _ in range(2):
        try:
            connection = connections.get(port) or http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connections[port] = connection
            connection.request("POST", "/v1/tool-calls", body, headers)
            connection.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            connections.pop(port, None)


for port in ports:
    post(port, first)
print("fed", flush=True)
while True:
    started = time.monotonic()
    for port in ports:
        post(port, tick)
    time.sleep(max(0.0, 1 - (time.monotonic() - started)))
