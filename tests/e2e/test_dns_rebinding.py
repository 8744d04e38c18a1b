"""DNS rebinding: a page on evil.example re-pointed at 127.0.0.1 reaches the
service from a loopback peer, but with Host: evil.example. The loopback-only
endpoint accepts only loopback Host values, for GET, HEAD and OPTIONS alike,
whatever the origin policy; no byte reaches the printer."""
import pytest

from e2elib import expect, logfile


@pytest.fixture
def daemon(start_daemon, printer):
    return start_daemon(printer.uri, ["--min-interval-ms", "0"])


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "localhost.:{port}",
                                  "127.0.0.1.nip.example:{port}", "10.0.0.5:{port}",
                                  "[::2]:{port}", "localhost:{port}@evil.example"])
def test_foreign_host_is_refused_and_logged(daemon, printer, host):
    host = host.format(port=daemon.port)
    mark = daemon.log_mark()

    resp = daemon.get("/open-cash-drawer", headers={"Host": host, "Sec-Fetch-Site": "same-origin"})

    expect.assert_json(resp, 403, expect.HOST_NOT_ALLOWED)
    assert printer.settle() == []
    assert logfile.messages(daemon.log_lines_since(mark), "WARNING") == [
        expect.HOST_REFUSED_LINE.format(peer="127.0.0.1", method="GET", host=host)]


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS"])
def test_head_and_options_with_a_foreign_host_are_refused(daemon, printer, method):
    resp = daemon.raw(method, "/open-cash-drawer", host_header=f"evil.example:{daemon.port}")

    assert resp.status == 403
    assert printer.settle() == []


def test_rebinding_is_refused_even_from_a_listed_origin(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--allowed-origins", "http://evil.example:8080"])

    resp = daemon.get("/open-cash-drawer", headers={"Host": f"evil.example:{daemon.port}",
                                                    "Origin": "http://evil.example:8080"})

    expect.assert_json(resp, 403, expect.HOST_NOT_ALLOWED)
    assert printer.settle() == []


@pytest.mark.parametrize("host", ["localhost:{port}", "LOCALHOST:{port}", "localhost",
                                  "127.0.0.1:{port}", "127.1.2.3:{port}", "[::1]:{port}"])
def test_loopback_hosts_open(daemon, printer, host):
    resp = daemon.get("/open-cash-drawer", headers={"Host": host.format(port=daemon.port)})

    expect.assert_json(resp, 200, expect.OPENED)
    assert printer.settle() == [expect.OPENED_DEFAULT]


def test_http_1_0_without_host_opens(daemon, printer):
    from e2elib import web
    resp = web.raw_request(b"GET /open-cash-drawer HTTP/1.0\r\n\r\n", port=daemon.port)

    assert resp.status == 200
    assert printer.settle() == [expect.OPENED_DEFAULT]
