#!/usr/bin/python3
"""Holds COUNT idle TCP connections to HOST:PORT (never sending a byte)
from SOURCE when given,
opened in batches below the server's listen queue; prints how many the
server kept open, then waits for SIGTERM. Used by bench/lan_flood.sh inside
the LAN client's namespace."""
import select
import signal
import socket
import sys
import time

host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
source = sys.argv[4] if len(sys.argv) > 4 else None
socks = []
for start in range(0, count, 64):
    batch = [socket.socket() for _ in range(min(64, count - start))]
    for s in batch:
        if source is not None:
            s.bind((source, 0))
        s.setblocking(False)
        s.connect_ex((host, port))
    deadline = time.monotonic() + 30
    pending = list(batch)
    while pending and time.monotonic() < deadline:
        _, writable, _ = select.select([], pending, [], 0.2)
        pending = [s for s in pending if s not in writable]
    socks += batch
time.sleep(1)


def closed(s):
    readable, _, _ = select.select([s], [], [], 0)
    if not readable:
        return False
    try:
        return s.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


held = sum(1 for s in socks if not closed(s))
print(f"{held}", flush=True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
while True:
    time.sleep(60)
