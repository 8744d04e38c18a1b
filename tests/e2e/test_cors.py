"""CORS for clients that want answers: OPTIONS preflights are answered 204
with the methods, headers and max-age a listed origin may use (and
Access-Control-Allow-Private-Network when asked); an unlisted origin's
preflight to the loopback-only endpoint is refused; OPTIONS never opens."""
import pytest

from e2elib import expect, logfile

POS = "http://10.99.0.2:8069"
EVIL = "http://evil.example"


def preflight(origin, *, headers="content-type", private_network=False):
    h = {"Origin": origin, "Access-Control-Request-Method": "GET",
         "Access-Control-Request-Headers": headers, "Sec-Fetch-Mode": "cors",
         "Sec-Fetch-Site": "cross-site"}
    if private_network:
        h["Access-Control-Request-Private-Network"] = "true"
    return h


@pytest.fixture
def restricted(start_daemon, printer):
    return start_daemon(printer.uri, ["--allowed-origins", POS])


@pytest.mark.parametrize("path", ["/open-cash-drawer", "/status", "/logs"])
def test_listed_origins_preflight_is_answered_and_never_kicks(restricted, printer, path):
    mark = restricted.log_mark()

    resp = restricted.request("OPTIONS", path, headers=preflight(POS, headers="authorization,content-type"))

    assert resp.status == 204
    assert resp.body == b""
    assert resp.header("Access-Control-Allow-Origin") == POS
    assert resp.header("Vary") == "Origin"
    assert resp.header("Access-Control-Allow-Methods") == "GET, HEAD, OPTIONS"
    assert resp.header("Access-Control-Allow-Headers") == "Content-Type, Authorization"
    assert resp.header("Access-Control-Max-Age") == "600"
    assert resp.header("Access-Control-Allow-Private-Network") is None  # not asked
    assert resp.header("Allow") == "GET, HEAD, OPTIONS"
    assert printer.settle() == []
    assert logfile.messages(restricted.log_lines_since(mark)) == [
        f"127.0.0.1 OPTIONS {path} 204 preflight - CORS accordé à {POS}"]


def test_private_network_preflight_of_older_chrome_gets_its_answer(restricted, printer):
    resp = restricted.request("OPTIONS", "/open-cash-drawer",
                              headers=preflight(POS, private_network=True))

    assert resp.status == 204
    assert resp.header("Access-Control-Allow-Origin") == POS
    assert resp.header("Access-Control-Allow-Private-Network") == "true"
    assert printer.settle() == []


def test_safe_requested_headers_are_echoed_unsafe_ones_are_not(restricted):
    resp = restricted.request("OPTIONS", "/status",
                              headers=preflight(POS, headers="x-requested-with, x-evil, accept"))

    assert resp.header("Access-Control-Allow-Headers") == (
        "Content-Type, Authorization, x-requested-with, accept")


def test_unlisted_origins_preflight_to_the_drawer_is_refused(restricted, printer):
    mark = restricted.log_mark()

    resp = restricted.request("OPTIONS", "/open-cash-drawer",
                              headers=preflight(EVIL, private_network=True))

    expect.assert_json(resp, 403, expect.ORIGIN_NOT_ALLOWED)
    assert resp.header("Access-Control-Allow-Origin") is None
    assert resp.header("Access-Control-Allow-Private-Network") is None
    assert printer.settle() == []
    assert logfile.messages(restricted.log_lines_since(mark), "WARNING") == [
        expect.ORIGIN_REFUSED_LINE.format(peer="127.0.0.1", method="OPTIONS", origin=EVIL,
                                          basis="Origin")]


def test_unlisted_origins_preflight_to_status_gets_no_cors(restricted):
    mark = restricted.log_mark()

    resp = restricted.request("OPTIONS", "/status", headers=preflight(EVIL))

    assert resp.status == 204
    assert resp.header("Access-Control-Allow-Origin") is None
    assert resp.header("Access-Control-Allow-Methods") is None
    assert logfile.messages(restricted.log_lines_since(mark)) == [
        f"127.0.0.1 OPTIONS /status 204 preflight - sans CORS : origine {EVIL} absente de "
        "allowed_origins"]


def test_open_policy_answers_preflights_without_cors(start_daemon, printer):
    daemon = start_daemon(printer.uri)

    resp = daemon.request("OPTIONS", "/open-cash-drawer", headers=preflight(EVIL))

    assert resp.status == 204
    assert resp.header("Access-Control-Allow-Origin") is None
    assert printer.settle() == []


def test_plain_options_without_origin_lists_the_methods(start_daemon, printer):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    resp = daemon.request("OPTIONS", "/open-cash-drawer")

    assert resp.status == 204
    assert resp.header("Allow") == "GET, HEAD, OPTIONS"
    assert printer.settle() == []
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        "127.0.0.1 OPTIONS /open-cash-drawer 204 preflight - sans Origin"]


def test_errors_carry_cors_too_so_a_listed_page_reads_them(start_daemon, printer):
    # a printer that refuses: the page must read printer_refused, not an opaque failure
    from e2elib.printer import closed_port
    daemon = start_daemon(f"tcp://127.0.0.1:{closed_port()}", ["--allowed-origins", POS])

    resp = daemon.get("/open-cash-drawer", headers={"Origin": POS})

    assert resp.status == 503
    assert resp.json()["error"] == "printer_refused"
    assert resp.header("Access-Control-Allow-Origin") == POS
