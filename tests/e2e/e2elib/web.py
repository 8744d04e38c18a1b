"""HTTP clients of the suite: http.client for ordinary requests and a raw
socket client where the exact bytes on the wire matter (HEAD, odd paths).
Every call is bounded by a timeout. `connect` lets a test choose where the
client socket lives (another network namespace, IPv6, ...)."""
import http.client
import json
import socket
import time
from dataclasses import dataclass, field

DEFAULT_TIMEOUT = 10.0


def tcp_connect(host, port, timeout):
    """Default connect: a plain socket in the test's own namespace."""
    return socket.create_connection((host, port), timeout=timeout)


@dataclass
class Response:
    status: int
    reason: str
    headers: list  # [(name, value)] in the order received
    body: bytes
    elapsed: float
    raw_head: bytes = field(default=b"")

    def header(self, name):
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        assert len(values) <= 1, f"header {name} sent {len(values)} times: {values}"
        return values[0] if values else None

    def json(self):
        return json.loads(self.body.decode("utf-8"))


def json_bytes(obj):
    """The exact bytes cJSON_PrintUnformatted writes for obj (key order kept,
    UTF-8 not escaped, no spaces)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _Connection(http.client.HTTPConnection):
    def __init__(self, host, port, timeout, connect):
        super().__init__(host, port, timeout=timeout)
        self._connect_fn = connect

    def connect(self):
        self.sock = self._connect_fn(self.host, self.port, self.timeout)
        self.sock.settimeout(self.timeout)


def request(method, path, *, port, host="127.0.0.1", headers=None, body=None,
            timeout=DEFAULT_TIMEOUT, connect=tcp_connect):
    """One request on its own connection; returns a Response."""
    start = time.monotonic()
    conn = _Connection(host, port, timeout, connect)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, resp.reason, list(resp.getheaders()), data,
                        time.monotonic() - start)
    finally:
        conn.close()


def get(path, **kwargs):
    return request("GET", path, **kwargs)


def raw_request(head, *, port, host="127.0.0.1", timeout=DEFAULT_TIMEOUT, connect=tcp_connect):
    """Sends head (request line and headers, bytes, ending with a blank line)
    with `Connection: close` and reads until the server closes. Returns a
    Response whose body is every byte after the header block."""
    start = time.monotonic()
    sock = connect(host, port, timeout)
    try:
        sock.settimeout(timeout)
        sock.sendall(head)
        data = b""
        deadline = start + timeout
        while True:
            assert time.monotonic() < deadline, f"no end of answer within {timeout} s: {data!r}"
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        sock.close()
    elapsed = time.monotonic() - start
    head_bytes, sep, body = data.partition(b"\r\n\r\n")
    assert sep, f"no complete header block in {data!r}"
    lines = head_bytes.decode("iso-8859-1").split("\r\n")
    version, status, reason = (lines[0].split(" ", 2) + [""])[:3]
    assert version.startswith("HTTP/1."), lines[0]
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return Response(int(status), reason, headers, body, elapsed, raw_head=head_bytes)


def raw(method, path, *, port, host_header="localhost", extra=b"", **kwargs):
    head = (f"{method} {path} HTTP/1.1\r\nHost: {host_header}\r\nConnection: close\r\n"
            .encode("ascii") + extra + b"\r\n")
    return raw_request(head, port=port, **kwargs)
