"""The default listening socket is dual stack: ::1 and 127.0.0.1 are both
loopback, and each is reported as the peer it really is."""
import socket

import pytest

from e2elib import expect, logfile
from e2elib.skips import skip_or_fail


def _ipv6_loopback_reason():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        try:
            s.bind(("::1", 0))
        finally:
            s.close()
    except OSError as exc:
        return f"no IPv6 loopback here: {exc}"
    return None


@pytest.fixture
def ipv6():
    reason = _ipv6_loopback_reason()
    if reason:
        skip_or_fail(reason)


def test_open_from_ipv6_loopback_kicks_and_logs_peer_as_colon_colon_1(ipv6, start_daemon, printer):
    daemon = start_daemon(printer.uri)

    resp = daemon.get("/open-cash-drawer", host="::1")

    expect.assert_json(resp, 200, expect.OPENED)
    assert printer.settle() == [expect.OPENED_DEFAULT]
    logfile.assert_one_line(daemon.log_lines(), "INFO", expect.OPENED_LINE.format(peer="::1"))


def test_status_over_ipv6_reports_remote_addr_colon_colon_1(ipv6, start_daemon, printer):
    daemon = start_daemon(printer.uri)

    body = daemon.get("/status", host="::1").json()

    assert (body["status"], body["message"], body["remote_addr"], body["scheme"]) == (
        "running", "Service actif", "::1", "http")
    assert body["local_client"] is True


def test_status_over_ipv4_on_dual_stack_socket_reports_127_0_0_1_not_mapped(ipv6, start_daemon, printer):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    resp = daemon.get("/status", host="127.0.0.1")

    assert resp.status == 200
    body = resp.json()
    assert body["remote_addr"] == "127.0.0.1"
    assert body["local_client"] is True
    start_line = next(m for m in logfile.messages(daemon.log_lines()) if "Service démarré" in m)
    assert f"écoute sur [::]:{daemon.port} (IPv4 et IPv6)" in start_line
    assert logfile.messages(daemon.log_lines_since(mark)) == ["127.0.0.1 GET /status 200 ok"]
