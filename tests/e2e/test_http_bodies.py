"""Request bodies (README, HTTP endpoints): no endpoint takes one, so a
request announcing a body (Content-Length above 0, any Transfer-Encoding)
is answered before a byte of the body is read, and the connection closed:
a body sent slowly holds nothing. Two Content-Length headers are refused
whatever the path. The LAN test plays 40 addresses in a namespace of their
own (203.0.113.10-49), the probe is 203.0.113.2."""
import resource
import selectors
import socket
import threading
import time

import pytest

from e2elib import expect, logfile, netns, rawconn, web
from e2elib.printer import PrinterListener

# The limits: the body came a byte every 3 s; here every 0.5 s.
SLOW_LIMITS = ["--request-timeout-s", "2", "--connection-timeout-s", "5"]
REQUEST_TIMEOUT_S = 2
BIG_BODY_HEAD = (b"%s /status HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000000\r\n"
                 b"Content-Type: application/json\r\n\r\n")


def wait_for_messages(daemon, mark, count, timeout=5.0):
    """The messages of the first count lines written after mark (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        messages = logfile.messages(daemon.log_lines_since(mark))
        if len(messages) >= count:
            return messages
        assert time.monotonic() < deadline, f"expected {count} new lines, got {messages}"
        time.sleep(0.05)


@pytest.mark.parametrize("method, status, code, message", [
    ("GET", 413, "body_not_allowed", "127.0.0.1 GET /status 413 body_not_allowed - "
                                     "corps de 100000000 octets annoncé, non lu"),
    ("OPTIONS", 413, "body_not_allowed", "127.0.0.1 OPTIONS /status 413 body_not_allowed - "
                                         "corps de 100000000 octets annoncé, non lu"),
    # the request: a wrong method is said first, and the body is not read either
    ("POST", 405, "method_not_allowed", "127.0.0.1 POST /status 405 method_not_allowed"),
])
def test_a_body_sent_slowly_is_refused_at_once_unread_and_the_connection_closed(
        start_daemon, printer, method, status, code, message):
    daemon = start_daemon(printer.uri, SLOW_LIMITS)
    mark = daemon.log_mark()

    answer, closed_after = rawconn.exchange(BIG_BODY_HEAD % method.encode() + b"{",
                                            port=daemon.port, trickle=b'"a": "' + b"x" * 40,
                                            trickle_every=0.5, limit=20)

    assert closed_after is not None, f"still open after 20 s; answer {answer!r}"
    # the request ends within request_timeout_s of its first byte
    assert closed_after < REQUEST_TIMEOUT_S, closed_after
    assert rawconn.status_of(answer) == status, answer
    assert rawconn.header(answer, "Connection") == "close"
    assert f'"error":"{code}"'.encode() in answer
    assert wait_for_messages(daemon, mark, 1) == [message]
    assert logfile.messages(daemon.log_lines_since(mark)) == [message]


def test_a_chunked_body_is_refused_before_its_first_chunk(start_daemon, printer):
    daemon = start_daemon(printer.uri, SLOW_LIMITS)
    mark = daemon.log_mark()

    # no chunk is ever sent: the answer cannot wait for one
    answer, closed_after = rawconn.exchange(
        b"GET /status HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n",
        port=daemon.port, limit=20)

    assert closed_after is not None and closed_after < REQUEST_TIMEOUT_S, (closed_after, answer)
    assert rawconn.status_of(answer) == 413
    assert wait_for_messages(daemon, mark, 1) == [
        "127.0.0.1 GET /status 413 body_not_allowed - corps annoncé par Transfer-Encoding, non lu"]


def test_a_body_on_an_unknown_path_gets_404_unread(start_daemon, printer):
    daemon = start_daemon(printer.uri, SLOW_LIMITS)

    answer, closed_after = rawconn.exchange(
        b"PUT /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000000\r\n\r\nabc",
        port=daemon.port, trickle=b"x" * 40, limit=20)

    assert closed_after is not None and closed_after < REQUEST_TIMEOUT_S, (closed_after, answer)
    assert rawconn.status_of(answer) == 404
    assert rawconn.header(answer, "Connection") == "close"


def test_an_empty_body_is_no_body(start_daemon, printer):
    daemon = start_daemon(printer.uri)

    resp = daemon.raw("GET", "/status", extra=b"Content-Length: 0\r\n")

    assert resp.status == 200


SMUGGLED = b"GET /open-cash-drawer HTTP/1.1\r\nHost: localhost\r\n\r\n"


@pytest.mark.parametrize("lengths", [(0, len(SMUGGLED)), (len(SMUGGLED), 0),
                                     (len(SMUGGLED), len(SMUGGLED))],
                         ids=["0-then-n", "n-then-0", "n-twice"])
def test_two_content_lengths_are_400_and_what_follows_is_never_a_request(start_daemon, printer,
                                                                         lengths):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()
    head = b"POST /status HTTP/1.1\r\nHost: localhost\r\n" + b"".join(
        b"Content-Length: %d\r\n" % n for n in lengths) + b"\r\n"

    # read with a first length of 0, the body would be a second request: an opening
    answer, closed_after = rawconn.exchange(head + SMUGGLED, port=daemon.port, limit=10)

    assert closed_after is not None, answer
    assert rawconn.status_of(answer) == 400
    assert answer.count(b"HTTP/1.1 ") == 1, answer
    assert rawconn.header(answer, "Connection") == "close"
    assert b'"error":"duplicate_content_length"' in answer
    assert wait_for_messages(daemon, mark, 1) == [
        "127.0.0.1 POST /status 400 duplicate_content_length - 2 en-têtes Content-Length"]
    assert printer.settle() == []
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        "127.0.0.1 POST /status 400 duplicate_content_length - 2 en-têtes Content-Length"]
    assert daemon.get("/status").json()["drawer"]["pulses"] == 0


def test_two_equal_content_lengths_on_a_get_are_400_too(start_daemon, printer):
    daemon = start_daemon(printer.uri)

    resp = daemon.raw("GET", "/status", extra=b"Content-Length: 0\r\nContent-Length: 0\r\n")

    expect.assert_json(resp, 400, {
        "status": "error", "error": "duplicate_content_length",
        "message": "Requête invalide : plusieurs en-têtes Content-Length"})


# ---- the LAN holding every slot with slow bodies (issue 13, finding 5) ----

ATTACKERS = [f"203.0.113.{10 + i}" for i in range(40)]
PER_ADDRESS = 32  # max_connections_per_ip's default
TOKEN = "lan-token-0123456789abcdef"


class SlowBodies:
    """PER_ADDRESS connections from each attacker address, each sending the
    head of a POST /status with a 100 MB body and one byte of it, then a byte
    every second while the server keeps it open; opened 64 at a time (below
    the listen queue). Runs on its own thread until stop(), at most
    max_seconds. Records, per connection, when its first byte went and when
    the server closed it."""

    def __init__(self, namespace, port, max_seconds):
        count = len(ATTACKERS) * PER_ADDRESS
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and soft < count + 512:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(count + 512, hard), hard))
        self.port = port
        self.max_seconds = max_seconds
        self.socks = netns.sockets_in(namespace, count)
        for i, sock in enumerate(self.socks):
            sock.bind((ATTACKERS[i // PER_ADDRESS], 0))
            sock.setblocking(False)
        self.first_byte = {}  # sock -> monotonic time
        self.closed = {}      # sock -> monotonic time
        self.answers = {}     # sock -> bytes
        self.launched = threading.Event()  # every connection has sent its first byte
        self.all_closed = threading.Event()  # ... and the server has closed every one
        self.errors = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="slow-bodies")

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=30)
        for sock in self.socks:
            sock.close()
        assert not self._thread.is_alive()
        assert not self.errors, self.errors

    def _close(self, selector, sock, now):
        self.closed[sock] = now
        selector.unregister(sock)

    def _run(self):
        head = (b"POST /status HTTP/1.1\r\nHost: " + netns.SRV_ADDRESS.encode() +
                b"\r\nContent-Length: 100000000\r\n\r\nx")
        selector = selectors.DefaultSelector()
        waiting, connecting, open_ = list(self.socks), set(), set()
        started = time.monotonic()
        next_trickle = started + 1.0
        try:
            while not self._stop.is_set() and time.monotonic() - started < self.max_seconds:
                while waiting and len(connecting) < 64:
                    sock = waiting.pop()
                    sock.connect_ex((netns.SRV_ADDRESS, self.port))
                    selector.register(sock, selectors.EVENT_WRITE)
                    connecting.add(sock)
                for key, events in selector.select(0.05):
                    sock, now = key.fileobj, time.monotonic()
                    if sock in connecting:
                        connecting.discard(sock)
                        if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                            self.closed[sock] = now  # refused: never held
                            selector.unregister(sock)
                            continue
                        self.first_byte[sock] = now
                        try:
                            sock.send(head)
                        except OSError:
                            self._close(selector, sock, now)
                            continue
                        selector.modify(sock, selectors.EVENT_READ)
                        open_.add(sock)
                        continue
                    try:
                        chunk = sock.recv(65536)
                    except OSError:
                        chunk = b""
                    if chunk:
                        self.answers[sock] = self.answers.get(sock, b"") + chunk
                    else:
                        open_.discard(sock)
                        self._close(selector, sock, now)
                if not waiting and not connecting:
                    self.launched.set()
                    if not open_:
                        self.all_closed.set()
                if time.monotonic() >= next_trickle:
                    next_trickle += 1.0
                    for sock in list(open_):
                        try:
                            sock.send(b"x")
                        except BlockingIOError:
                            pass
                        except OSError:
                            open_.discard(sock)
                            self._close(selector, sock, time.monotonic())
        except BaseException as exc:  # reported by stop()
            self.errors.append(repr(exc))
        finally:
            selector.close()


def test_slow_bodies_from_40_lan_addresses_never_hold_the_lan_and_are_cut_in_time(
        namespaces, start_daemon):
    printer = PrinterListener(sock=netns.socket_in(namespaces.srv))
    try:
        for address in ATTACKERS:
            netns.add_address(namespaces.cli, "veth-cli", address)
        daemon = start_daemon(printer.uri, [*SLOW_LIMITS, "--token", TOKEN],
                              netns=namespaces.srv, connect=netns.connector(namespaces.srv))
        from_lan = netns.connector(namespaces.cli)
        attack = SlowBodies(namespaces.cli, daemon.port, max_seconds=60).start()
        try:
            assert attack.launched.wait(timeout=45), "the connections were not all opened"
            launched_at = time.monotonic()
            # LAN /status is answered while the slow senders go on (bounded:
            # request_timeout_s would free a held slot at worst)
            answered, attempts = None, []
            while answered is None and time.monotonic() - launched_at < REQUEST_TIMEOUT_S + 3:
                try:
                    resp = web.get("/status?printer=cached", port=daemon.port,
                                   host=netns.SRV_ADDRESS, connect=from_lan, timeout=2,
                                   headers={"Authorization": f"Bearer {TOKEN}"})
                    answered = resp
                except OSError as exc:  # refused by the LAN cap: closed at once
                    attempts.append(repr(exc))
                    time.sleep(0.1)
            assert answered is not None, f"LAN /status never answered: {attempts[-3:]}"
            assert answered.status == 200
            assert answered.json()["remote_addr"] == netns.CLI_ADDRESS
            # the senders go on until the server has closed every connection (bounded)
            attack.all_closed.wait(timeout=REQUEST_TIMEOUT_S + 5)
        finally:
            attack.stop()
        assert printer.settle() == []
    finally:
        printer.close()

    sent = attack.first_byte
    assert len(sent) > 0
    still_open = [s for s in sent if s not in attack.closed]
    assert still_open == [], f"{len(still_open)} slow connections never cut"
    held = max(attack.closed[s] - sent[s] for s in sent)
    # every one ended within request_timeout_s of its first byte
    assert held < REQUEST_TIMEOUT_S, f"a slow body was held {held:.1f} s"
    # those the caps let in were refused with 405 (POST), their body unread
    statuses = {rawconn.status_of(answer) for answer in attack.answers.values()}
    assert statuses == {405}, statuses
    assert len(attack.answers) >= 384 // 2, len(attack.answers)
