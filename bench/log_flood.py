#!/usr/bin/python3
"""Floods HOST:PORT for SECONDS from each SOURCE address in turn, one
thread per address: unknown paths 200 characters long on a kept-alive
connection, and every tenth request a malformed one (an HTTP/2.0 request
line) on a connection of its own; a LAN host that takes address after
address to escape per-client limits. Prints the requests sent. Used by
bench/log_growth.sh inside the LAN client's namespace."""
import socket
import sys
import threading
import time

host, port, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
sources = sys.argv[4:]
deadline = time.monotonic() + seconds
counts = []
PATH = "/" + "x" * 199


def connect(source):
    sock = socket.socket()
    sock.bind((source, 0))
    sock.settimeout(5)
    sock.connect((host, port))
    return sock


def read_answer(sock, buffer):
    """Reads one answer to a kept-alive request (its body is JSON with a
    Content-Length); returns what follows it."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        rest += chunk
    return rest[length:]


def flood(source):
    sent = 0
    sock, buffer = None, b""
    request = f"GET {PATH}-{source} HTTP/1.1\r\nHost: till\r\n\r\n".encode()
    while time.monotonic() < deadline:
        try:
            if sent % 10 == 9:
                bad = connect(source)
                bad.sendall(b"GET / HTTP/2.0\r\n\r\n")
                while bad.recv(4096):
                    pass
                bad.close()
            else:
                if sock is None:
                    sock, buffer = connect(source), b""
                sock.sendall(request)
                buffer = read_answer(sock, buffer)
            sent += 1
        except OSError:
            if sock is not None:
                sock.close()
            sock = None
    counts.append(sent)


threads = [threading.Thread(target=flood, args=(source,)) for source in sources]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(sum(counts))
