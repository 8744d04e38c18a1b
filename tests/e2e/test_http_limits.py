"""Requests the HTTP layer refuses before any endpoint sees them are still
answered and logged with the client's address."""
from e2elib import logfile


def test_headers_over_8_kib_get_431_and_a_log_line(start_daemon, printer):
    daemon = start_daemon(printer.uri)

    resp = daemon.raw("GET", "/status?probe=big", extra=b"X-Big: " + b"a" * 10000 + b"\r\n")

    assert resp.status == 431
    logfile.assert_one_line(
        daemon.log_lines(), "WARNING",
        "127.0.0.1 - /status?probe=big - rejected - requête rejetée par le serveur HTTP "
        "(mal formée ou en-têtes trop grands)")


def test_headers_under_8_kib_are_served(start_daemon, printer):
    daemon = start_daemon(printer.uri)

    resp = daemon.raw("GET", "/status", extra=b"X-Big: " + b"a" * 5000 + b"\r\n")

    assert resp.status == 200
