"""A client that sends exact bytes and times the server's close: malformed
requests, bodies sent slowly. Every wait is bounded."""
import select
import socket
import time


def exchange(data, *, port, host="127.0.0.1", connect=None, shut_write=False, trickle=b"",
             trickle_every=0.5, limit=15.0):
    """Sends data on a new connection, then (while the server keeps it open)
    one byte of trickle every trickle_every seconds, reading all along until
    the server closes or resets it, at most limit seconds. shut_write: the
    client ends its side after data. Returns (the bytes answered, seconds from
    the first byte sent to the close, or None if still open after limit)."""
    sock = connect(host, port, 5) if connect else socket.create_connection((host, port), 5)
    answer = b""
    try:
        sock.setblocking(False)
        started = time.monotonic()
        try:
            sock.sendall(data)
        except BlockingIOError:
            sock.setblocking(True)
            sock.settimeout(5)
            sock.sendall(data)
            sock.setblocking(False)
        if shut_write:
            sock.shutdown(socket.SHUT_WR)
        next_byte, sent = started + trickle_every, 0
        while time.monotonic() - started < limit:
            readable, _, _ = select.select([sock], [], [], 0.05)
            if readable:
                try:
                    chunk = sock.recv(65536)
                except (ConnectionResetError, BrokenPipeError):
                    return answer, time.monotonic() - started
                if not chunk:
                    return answer, time.monotonic() - started
                answer += chunk
            if sent < len(trickle) and time.monotonic() >= next_byte:
                try:
                    sock.send(trickle[sent:sent + 1])
                except (ConnectionResetError, BrokenPipeError):
                    return answer, time.monotonic() - started
                except BlockingIOError:
                    pass
                else:
                    sent += 1
                next_byte += trickle_every
        return answer, None
    finally:
        sock.close()


def status_of(answer):
    """The status code of the first status line in answer, or None."""
    line = answer.split(b"\r\n", 1)[0]
    parts = line.split(b" ", 2)
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/1.") and parts[1].isdigit():
        return int(parts[1])
    return None


def header(answer, name):
    """A header of the first answer in answer (case-insensitive name), or None."""
    head = answer.split(b"\r\n\r\n", 1)[0].decode("iso-8859-1").split("\r\n")[1:]
    for line in head:
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return None
