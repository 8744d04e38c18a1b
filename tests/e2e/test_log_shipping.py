"""Log lines leave the till for the shop's syslog server: RFC 5424 over UDP,
or over TCP with RFC 6587 octet counting, as exact frames. A syslog server
that is down never delays an opening. (The journal under systemd:
test_systemd.py; the Windows build's sender: wine/test_wine_syslog.py.)"""
import re
import time

from e2elib import expect
from e2elib.printer import closed_port
from e2elib.syslogd import TcpServer, UdpServer, expected_frame

OPENED_MESSAGE = "127.0.0.1 GET /open-cash-drawer 200 opened - Tiroir-caisse ouvert"
WAIT = 10.0


def test_opening_reaches_a_udp_syslog_server_as_one_rfc5424_datagram(start_daemon, printer):
    server = UdpServer()
    daemon = start_daemon(printer.uri, ["--syslog-host", "127.0.0.1", "--syslog-port",
                                        server.port])

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
    got = server.wait_for(OPENED_MESSAGE)

    assert got == expected_frame(daemon, 30, OPENED_MESSAGE)  # daemon.info = 3*8+6
    start = server.wait_for("intervalle minimal 1000 ms")
    assert start.startswith("<30>1 ") and " - - Service démarré (cashdrawerd " in start


def test_opening_reaches_a_tcp_syslog_server_octet_counted(start_daemon, printer):
    server = TcpServer()
    try:
        daemon = start_daemon(printer.uri, ["--syslog-host", "127.0.0.1", "--syslog-port",
                                            server.port, "--syslog-protocol", "tcp"])
        expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
        got = server.wait_for(OPENED_MESSAGE)
        assert got == expected_frame(daemon, 30, OPENED_MESSAGE)
        # a refusal is a warning: priority 3*8+4
        assert daemon.get("/nope").status == 404
        assert server.wait_for("GET /nope 404 not_found") == \
            expected_frame(daemon, 28, "127.0.0.1 GET /nope 404 not_found")
        head = re.match(rb"(\d+) ", server.stream)
        assert head and server.stream[head.end():].startswith(b"<30>1 ")
    finally:
        server.close()


def test_syslog_server_down_never_delays_an_opening_and_drops_are_counted(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--syslog-host", "127.0.0.1", "--syslog-port",
                                        closed_port(), "--syslog-protocol", "tcp"])

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)

    deadline = time.monotonic() + WAIT
    while daemon.get("/status").json()["log"]["syslog_dropped"] == 0:
        assert time.monotonic() < deadline, "no syslog drop counted"
        time.sleep(0.05)
    metrics = daemon.get("/metrics").body.decode()
    assert re.search(r"^cashdrawerd_syslog_dropped_total [1-9]\d*$", metrics, re.MULTILINE)
    # the file has every line all the same
    assert any(line.endswith(OPENED_MESSAGE) for line in daemon.log_lines())
