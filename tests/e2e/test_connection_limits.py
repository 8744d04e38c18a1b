"""Resource limits (README, Security): a LAN address holds at most
max_connections_per_ip connections, the LAN together never takes the
quarter of max_connections kept for the till, and a request must arrive
whole within request_timeout_s (slowloris). What is asserted is behaviour:
who is refused and that the till still opens; speed is measured by
`make bench`, not here. The LAN client is 203.0.113.2 in a namespace."""
import select
import socket
import time

import pytest

from e2elib import expect, logfile, netns, tls
from e2elib.printer import PrinterListener

LAN_PEER = netns.CLI_ADDRESS
HOLD_TIMEOUTS = ["--connection-timeout-s", "300", "--request-timeout-s", "300"]


@pytest.fixture(params=["http only", "with https"])
def till(request, namespaces, start_daemon, tmp_path):
    """With HTTPS on, the service's own accept loop holds the connections
    that have sent nothing yet (src/http/front.c): the same budget and
    timeouts must apply there."""
    printer = PrinterListener(sock=netns.socket_in(namespaces.srv))
    started = []
    https = []
    if request.param == "with https":
        tls.make_authority(tmp_path / "pki")
        cert, key = tls.sign_server(tmp_path / "pki")
        https = ["--tls-cert", cert, "--tls-key", key]

    def start(args):
        daemon = start_daemon(printer.uri, ["--min-interval-ms", "0", *https, *args],
                              netns=namespaces.srv, connect=netns.connector(namespaces.srv))
        started.append(daemon)
        return daemon
    yield start, printer
    printer.close()


def open_from_lan(namespaces, port, count, batch=64):
    """count connections from the LAN namespace, never sending a byte. They
    are opened in batches smaller than the daemon's listen queue (128), each
    established before the next: a burst beyond the queue would only test the
    kernel's SYN retries."""
    socks = netns.sockets_in(namespaces.cli, count)
    for start in range(0, count, batch):
        part = socks[start:start + batch]
        for sock in part:
            sock.setblocking(False)
            sock.connect_ex((netns.SRV_ADDRESS, port))
        deadline = time.monotonic() + 30
        pending = list(part)
        while pending:
            assert time.monotonic() < deadline, f"{len(pending)} connections not established"
            _, writable, _ = select.select([], pending, [], 0.2)
            pending = [s for s in pending if s not in writable]
    return socks


def is_closed_by_server(sock):
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except BlockingIOError:
        return False


def settle_held(socks, expected_open, timeout=60.0):
    """Waits (bounded) until every connection is established and exactly
    expected_open are still held by the server; returns the held ones."""
    deadline = time.monotonic() + timeout
    while True:
        _, writable, _ = select.select([], socks, [], 0.2)
        closed = [s for s in socks if is_closed_by_server(s)]
        held = [s for s in socks if s not in closed]
        if len(writable) == len(socks) and len(held) == expected_open:
            return held
        assert time.monotonic() < deadline, (
            f"after {timeout} s: {len(writable)}/{len(socks)} connected, {len(held)} held, "
            f"expected {expected_open} held")
        time.sleep(0.1)


def close_all(socks):
    for sock in socks:
        sock.close()


def test_500_idle_lan_connections_are_capped_per_address_and_the_till_still_opens(till, namespaces):
    start, printer = till
    daemon = start(HOLD_TIMEOUTS)  # defaults: 512 connections, 32 per address
    socks = open_from_lan(namespaces, daemon.port, 500)
    try:
        held = settle_held(socks, 32)
        # the test's input: half a second in which nothing is to happen (no
        # event to wait for), then the 32 are still held
        time.sleep(0.5)
        assert [s for s in held if is_closed_by_server(s)] == []  # the 32 stay held

        resp = daemon.get("/open-cash-drawer", timeout=10)

        expect.assert_json(resp, 200, expect.OPENED)
        assert printer.settle() == [expect.OPENED_DEFAULT]
        connections = daemon.get("/status").json()["security"]["connections"]
        assert connections["lan_open"] == 32
        assert connections["refused"] == 468
        refusals = [m for m in logfile.messages(daemon.log_lines(), "WARNING")
                    if " - connexion refusée : " in m]
        assert refusals and refusals[0].startswith(
            f"{LAN_PEER} - connexion refusée : 32 connexions ouvertes par cette adresse "
            "(max_connections_per_ip)")
        # at most one such line a second, however many refusals
        assert len(refusals) < 468
    finally:
        close_all(socks)


def test_the_lan_never_takes_the_quarter_kept_for_the_till(till, namespaces):
    start, printer = till
    daemon = start([*HOLD_TIMEOUTS, "--max-connections", "16", "--max-connections-per-ip", "100"])
    socks = open_from_lan(namespaces, daemon.port, 40)
    local = []
    try:
        settle_held(socks, 12)  # 16 - 16/4
        # the till holds two idle connections of its own and still opens
        for _ in range(2):
            local.append(netns.connector(namespaces.srv)("127.0.0.1", daemon.port, 5))
        resp = daemon.get("/open-cash-drawer", timeout=10)

        expect.assert_json(resp, 200, expect.OPENED)
        assert printer.settle() == [expect.OPENED_DEFAULT]
        # a closed LAN connection gives its place back to the LAN
        socks[0].close()
        more = open_from_lan(namespaces, daemon.port, 1)
        socks += more
        settle_held(more, 1)
    finally:
        close_all(socks + local)


def test_max_connections_is_one_budget_for_every_listener_and_both_schemes(till, namespaces,
                                                                           request):
    """The till's lanes (127.0.0.1 and ::1 have listeners of their own) and,
    with HTTPS, the plain and TLS servers behind each port are separate
    libmicrohttpd servers, each with its own limit: max_connections is the
    budget of all of them together, the till's own connections included."""
    start, printer = till
    daemon = start([*HOLD_TIMEOUTS, "--max-connections", "16"])
    with_tls = request.node.callspec.params["till"] == "with https"
    connect = netns.connector(namespaces.srv)
    socks = []
    try:
        for i in range(32):
            sock = connect("127.0.0.1" if i % 2 == 0 else "::1", daemon.port, 5)
            socks.append(sock)
            # half begin an HTTP request, half (with HTTPS) a TLS record: each
            # goes to its own server, where it waits for the rest
            sock.sendall(b"\x16\x03\x01" if with_tls and i % 4 >= 2 else b"GET /status HTTP/1.1\r\n")
        held = settle_held(socks, 16)
        time.sleep(0.5)  # nothing is to happen: the 16 stay held
        assert [s for s in held if is_closed_by_server(s)] == []
    finally:
        close_all(socks)


def test_a_request_trickled_byte_by_byte_is_cut_at_request_timeout(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--request-timeout-s", "2", "--connection-timeout-s", "30"])
    mark = daemon.log_mark()
    sock = socket.create_connection(("127.0.0.1", daemon.port), timeout=5)
    started = time.monotonic()
    closed_after = None
    try:
        sock.sendall(b"GET /status HTTP/1.1\r\nHost: localhost\r\n")
        # one header line every 0.5 s: MHD's per-byte timeout (30 s) would never fire
        for i in range(40):
            readable, _, _ = select.select([sock], [], [], 0.5)
            if readable and sock.recv(4096) == b"":
                closed_after = time.monotonic() - started
                break
            try:
                sock.sendall(f"X-Slow-{i}: a\r\n".encode())
            except (BrokenPipeError, ConnectionResetError):
                closed_after = time.monotonic() - started
                break
    finally:
        sock.close()

    assert closed_after is not None, "the trickling connection was never closed"
    assert closed_after < 15  # generous: the limit is 2 s, the watchdog looks every 0.25 s
    # the client sees the close before the daemon has written its line: wait for it (bounded)
    timeout_line = "127.0.0.1 - /status - timeout - requête incomplète à l'expiration du délai"
    deadline = time.monotonic() + 5
    while timeout_line not in logfile.messages(daemon.log_lines_since(mark)):
        assert time.monotonic() < deadline, daemon.log_lines_since(mark)
        time.sleep(0.05)
    lines = daemon.log_lines_since(mark)
    # one line, with the client's address (libmicrohttpd's own message about
    # the closed socket, which names none, is left out)
    logfile.assert_one_line(lines, "WARNING",
                            "127.0.0.1 - /status - timeout - requête incomplète à l'expiration du délai")
    assert logfile.messages(lines) == [
        "127.0.0.1 - /status - timeout - requête incomplète à l'expiration du délai"]
    assert daemon.get("/status").json()["security"]["connections"]["timed_out"] == 1


def test_a_silent_connection_is_closed_after_request_timeout(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--request-timeout-s", "1"])
    sock = socket.create_connection(("127.0.0.1", daemon.port), timeout=5)
    try:
        readable, _, _ = select.select([sock], [], [], 15)
        assert readable and sock.recv(1) == b""
    finally:
        sock.close()
    # a well-behaved client is unaffected
    assert daemon.get("/status").status == 200
