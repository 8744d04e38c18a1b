"""Malformed requests (README, Log): answered where HTTP allows (400, 414,
505 by libmicrohttpd itself), and logged exactly once with the client's
address, `ADDRESS - - - malformed - …`, even when libmicrohttpd drops the
request line without a word (no space in it) or the client cuts it short.
libmicrohttpd's own message, which names no client, is not logged. A
connection that carried nothing, or only requests already logged, owes no
line. The LAN client is 203.0.113.2 in a namespace."""
import socket
import ssl
import time
from types import SimpleNamespace

import pytest

from e2elib import logfile, netns, rawconn
from e2elib.printer import PrinterListener

ANSWERED = ("requête mal formée (ligne de requête illisible ou version HTTP non prise en "
            "charge) : erreur renvoyée, connexion fermée")
UNANSWERED = "requête mal formée ou interrompue : connexion fermée sans réponse"
TIMEOUT = "requête incomplète à l'expiration du délai"


def line(peer, outcome, reason):
    return f"{peer} - - - {outcome} - {reason}"


def settled_messages(daemon, mark, expected_count, marker_port=None, timeout=10.0):
    """The messages written after mark, once the expected_count have come and
    a marker request (a 404, written by the loopback lane's single thread
    after the connections before it were closed and accounted for) shows that
    nothing more is on its way. Bounded."""
    deadline = time.monotonic() + timeout
    while len(logfile.messages(daemon.log_lines_since(mark))) < expected_count:
        assert time.monotonic() < deadline, logfile.messages(daemon.log_lines_since(mark))
        time.sleep(0.05)
    marker = f"/marker-{time.monotonic_ns()}"
    assert daemon.get(marker).status == 404
    marker_line = f"127.0.0.1 GET {marker} 404 not_found"
    while marker_line not in logfile.messages(daemon.log_lines_since(mark)):
        assert time.monotonic() < deadline, logfile.messages(daemon.log_lines_since(mark))
        time.sleep(0.05)
    messages = logfile.messages(daemon.log_lines_since(mark))
    return messages[:messages.index(marker_line)]


def client_hello():
    """A real TLS ClientHello, as a browser sends to https://…:22548 by mistake."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ssl.create_default_context().wrap_bio(incoming, outgoing, server_hostname="localhost")
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


ANSWERED_CASES = {
    # HTTP/0.9: a request line without a version
    "http_0_9": (b"GET /status\r\n", 400),
    "http_2_0_request_line": (b"GET /status HTTP/2.0\r\nHost: localhost\r\n\r\n", 505),
    "http2_preface": (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
    "http_9_9": (b"GET /status HTTP/9.9\r\nHost: localhost\r\n\r\n", 505),
    "uri_too_long": (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n", 414),
    # every byte value: a request line of control bytes
    "garbage": (bytes(range(256)) * 4 + b"\r\n\r\n", 400),
}
UNANSWERED_CASES = {
    # libmicrohttpd splits the request line on spaces only, and closes
    "tab_separated": b"GET\t/status\tHTTP/1.1\r\nHost: localhost\r\n\r\n",
    "bare_method": b"GET\r\n\r\n",
    "leading_space": b" /status HTTP/1.1\r\nHost: localhost\r\n\r\n",
}


@pytest.mark.parametrize("case", ANSWERED_CASES)
def test_a_malformed_request_line_is_answered_and_logged_once_with_the_client(start_daemon,
                                                                              printer, case):
    data, status = ANSWERED_CASES[case]
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    answer, closed_after = rawconn.exchange(data, port=daemon.port, limit=10)

    assert closed_after is not None, answer
    assert rawconn.status_of(answer) == status, answer
    assert settled_messages(daemon, mark, 1) == [line("127.0.0.1", "malformed", ANSWERED)]


@pytest.mark.parametrize("case", UNANSWERED_CASES)
def test_a_request_line_the_library_drops_is_logged_once_with_the_client(start_daemon, printer,
                                                                         case):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    answer, closed_after = rawconn.exchange(UNANSWERED_CASES[case], port=daemon.port, limit=10)

    assert closed_after is not None and answer == b"", answer
    assert settled_messages(daemon, mark, 1) == [line("127.0.0.1", "malformed", UNANSWERED)]


def test_a_tls_client_hello_on_the_plain_port_is_logged_once_with_the_client(start_daemon,
                                                                             printer):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    # a 400 when a space and a line end happen to come in the random bytes, else a close
    answer, closed_after = rawconn.exchange(client_hello(), port=daemon.port, limit=10)

    assert closed_after is not None, answer
    assert settled_messages(daemon, mark, 1) in (
        [line("127.0.0.1", "malformed", ANSWERED)], [line("127.0.0.1", "malformed", UNANSWERED)])


def test_a_request_line_cut_short_by_the_client_is_logged_once(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--request-timeout-s", "2"])
    mark = daemon.log_mark()

    answer, closed_after = rawconn.exchange(b"GET /sta", port=daemon.port, shut_write=True,
                                            limit=10)

    assert closed_after is not None and answer == b""
    # libmicrohttpd may read the bytes and the end of the stream in one go and
    # miss the latter (a short read ends its reading): request_timeout_s cuts
    assert settled_messages(daemon, mark, 1) in (
        [line("127.0.0.1", "malformed", UNANSWERED)], [line("127.0.0.1", "timeout", TIMEOUT)])


def test_a_request_line_never_finished_is_cut_and_logged_once_as_a_timeout(start_daemon,
                                                                          printer):
    daemon = start_daemon(printer.uri, ["--request-timeout-s", "1"])
    mark = daemon.log_mark()

    answer, closed_after = rawconn.exchange(b"GET /status HT", port=daemon.port, limit=10)

    assert closed_after is not None and answer == b""
    assert settled_messages(daemon, mark, 1) == [line("127.0.0.1", "timeout", TIMEOUT)]


def test_a_malformed_request_pipelined_after_a_good_one_is_logged_too(start_daemon, printer):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    answer, closed_after = rawconn.exchange(
        b"GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\nGET / HTTP/2.0\r\n\r\n",
        port=daemon.port, limit=10)

    assert closed_after is not None
    assert [int(chunk[:3]) for chunk in answer.split(b"HTTP/1.1 ")[1:]] == [404, 505], answer
    assert settled_messages(daemon, mark, 2) == [
        "127.0.0.1 GET /nope 404 not_found", line("127.0.0.1", "malformed", ANSWERED)]


def test_connections_that_carried_nothing_more_owe_no_line(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--request-timeout-s", "1"])
    mark = daemon.log_mark()

    # opened and closed without a byte
    socket.create_connection(("127.0.0.1", daemon.port), timeout=5).close()
    # a request, then the client closes
    answer, _ = rawconn.exchange(b"GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n",
                                 port=daemon.port, shut_write=True, limit=10)
    assert rawconn.status_of(answer) == 404
    # a request, then silence: cut at request_timeout_s while waiting for the next
    answer, closed_after = rawconn.exchange(b"GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n",
                                            port=daemon.port, limit=10)
    assert rawconn.status_of(answer) == 404 and closed_after is not None
    # silence from the start, cut the same way
    answer, closed_after = rawconn.exchange(b"", port=daemon.port, limit=10)
    assert answer == b"" and closed_after is not None
    # MHD's own answer to a request whose headers it refuses: that request's line only
    answer, _ = rawconn.exchange(b"GET /status HTTP/1.1\r\nHost: localhost\r\nNoColon\r\n\r\n",
                                 port=daemon.port, limit=10)
    assert rawconn.status_of(answer) == 400

    assert settled_messages(daemon, mark, 3) == [
        "127.0.0.1 GET /nope 404 not_found", "127.0.0.1 GET /nope 404 not_found",
        "127.0.0.1 - /status - rejected - requête rejetée par le serveur HTTP (mal formée ou "
        "en-têtes trop grands)"]


@pytest.fixture
def lan(namespaces, start_daemon):
    printer = PrinterListener(sock=netns.socket_in(namespaces.srv))
    try:
        daemon = start_daemon(printer.uri, netns=namespaces.srv,
                              connect=netns.connector(namespaces.srv))
        yield SimpleNamespace(daemon=daemon, connect=netns.connector(namespaces.cli))
    finally:
        printer.close()


@pytest.mark.parametrize("data, reason", [
    (ANSWERED_CASES["http_2_0_request_line"][0], ANSWERED),
    (UNANSWERED_CASES["tab_separated"], UNANSWERED),
], ids=["http_2_0", "tab_separated"])
def test_a_lan_clients_malformed_request_is_logged_with_its_address(lan, data, reason):
    daemon = lan.daemon
    mark = daemon.log_mark()

    answer, closed_after = rawconn.exchange(data, port=daemon.port, host=netns.SRV_ADDRESS,
                                            connect=lan.connect, limit=10)

    assert closed_after is not None, answer
    deadline = time.monotonic() + 10
    while not logfile.messages(daemon.log_lines_since(mark)):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # the LAN's connections are served by the wildcard listener's threads:
    # another malformed one from there, answered, closes the sequence
    rawconn.exchange(b"GET / HTTP/2.0\r\n\r\n", port=daemon.port, host=netns.SRV_ADDRESS,
                     connect=lan.connect, limit=10)
    deadline = time.monotonic() + 10
    while len(logfile.messages(daemon.log_lines_since(mark))) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        line(netns.CLI_ADDRESS, "malformed", reason),
        line(netns.CLI_ADDRESS, "malformed", ANSWERED)]
