"""Real browser clients, in headless Chromium (Debian's chromium): pages are
served from http://10.99.0.2:8069 (a private LAN address, as CLIENTS.md
measured), the daemon listens on the loopback of the same network
namespace, and the printer listens there too. Each page POSTs its outcome
to the page server; the test asserts it and the exact printer bytes.
- the field clients' no-cors GET opens the drawer;
- with allowed_origins set, the same GET from an unlisted origin reaches no
  printer byte;
- the field's GET is answered once the printer has the kick (no read-back);
- clients/web/cashdrawer.js asks for the drawer read back, reads
  `status: success`, the drawer's state and real errors;
- a DNS-rebinding Host is refused."""
import json
import urllib.parse

import pytest

from conftest import REPO, track
from e2elib import browser, expect, logfile, netns
from e2elib.printer import PrinterListener, closed_port
from e2elib.skips import skip_or_fail

RESULT_TIMEOUT = 30.0

# Odoo 17 POS "cash drawer button" module, as CLIENTS.md records it.
FIELD_CLIENT_PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<p id="out">pending</p>
<script>
const url = new URLSearchParams(location.search).get('url');
(async () => {
  const out = {};
  try {
    const response = await fetch(url, {method: 'GET', mode: 'no-cors',
                                       headers: {'Content-Type': 'application/json'}});
    out.type = response.type; out.status = response.status; out.ok = response.ok;
  } catch (error) {
    out.error = String(error);
  }
  await fetch('/result', {method: 'POST', body: JSON.stringify(out)});
  document.getElementById('out').textContent = 'done';
})();
</script></body></html>
"""

# The module as an integrator uses it: imported from the page's own origin.
MODULE_PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<p id="out">pending</p>
<script type="module">
import { openCashDrawer, CashDrawerError } from '/cashdrawer.js';
const urls = JSON.parse(new URLSearchParams(location.search).get('urls'));
const results = [];
for (const url of urls) {
  try {
    results.push({url, ok: true, body: await openCashDrawer({url, timeoutMs: 5000})});
  } catch (error) {
    results.push({url, ok: false, name: error.name, isCashDrawerError: error instanceof CashDrawerError,
                  reason: error.reason, code: error.code, status: error.status,
                  message: error.message});
  }
}
await fetch('/result', {method: 'POST', body: JSON.stringify(results)});
document.getElementById('out').textContent = 'done';
</script></body></html>
"""


@pytest.fixture(scope="module")
def lab_namespace():
    reason = browser.unavailable_reason()
    if reason is not None:
        skip_or_fail(f"browser tests: {reason}")
    namespace = browser.Namespace()
    try:
        namespace.create()
        yield namespace
    finally:
        namespace.delete()


@pytest.fixture(scope="module")
def pages(lab_namespace):
    server = browser.PageServer(lab_namespace)
    server.add("/field-client.html", FIELD_CLIENT_PAGE)
    server.add("/module.html", MODULE_PAGE)
    server.add("/cashdrawer.js", (REPO / "clients/web/cashdrawer.js").read_bytes(),
               "text/javascript; charset=utf-8")
    yield server
    server.close()


@pytest.fixture
def lab(lab_namespace, pages, start_daemon, tmp_path):
    """lab.daemon(args, printer=...) starts a daemon in the namespace;
    lab.printer() a recording printer there; lab.open(page, **query) runs
    Chromium on a page and returns the result it POSTed."""
    printers = []

    class Lab:
        namespace = lab_namespace
        chromium = browser.Chromium(lab_namespace, tmp_path, track)

        @staticmethod
        def printer():
            listener = PrinterListener(sock=netns.socket_in(lab_namespace.name))
            printers.append(listener)
            return listener

        @staticmethod
        def daemon(printer_uri, args=()):
            return start_daemon(printer_uri, ["--min-interval-ms", "0", *args],
                                netns=lab_namespace.name,
                                connect=netns.connector(lab_namespace.name))

        @staticmethod
        def open(page, **query):
            before = len(pages.results)
            url = f"{browser.PAGE_ORIGIN}/{page}?{urllib.parse.urlencode(query)}"
            rc, dom = Lab.chromium.run(url)
            results = pages.wait_results(before + 1, RESULT_TIMEOUT)
            assert len(results) > before, (
                f"{page}: no result POSTed (chromium exit {rc}); DOM:\n{dom[-2000:]}")
            return results[before]

    pages.results.clear()
    yield Lab
    for listener in printers:
        listener.close()


def drawer_url(daemon):
    return f"http://localhost:{daemon.port}/open-cash-drawer"


def drawer_lines(lines, level=None):
    """The /open-cash-drawer lines, the peer written as "LOOPBACK": Chromium
    resolves localhost to ::1 or 127.0.0.1, both loopback."""
    out = []
    for message in logfile.messages(lines, level):
        peer, _, rest = message.partition(" ")
        if rest.split(" ")[1:2] == ["/open-cash-drawer"]:
            assert peer in ("127.0.0.1", "::1"), message
            out.append(f"LOOPBACK {rest}")
    return out


def test_field_clients_no_cors_get_opens_the_drawer(lab):
    printer = lab.printer()
    daemon = lab.daemon(printer.uri)
    mark = daemon.log_mark()

    result = lab.open("field-client.html", url=drawer_url(daemon))

    # opaque: the page cannot tell, but the drawer opened
    assert result == {"type": "opaque", "status": 0, "ok": False}
    assert printer.settle() == [expect.OPENED_DEFAULT]
    assert drawer_lines(daemon.log_lines_since(mark)) == [
        expect.OPENED_LINE.format(peer="LOOPBACK")]


def test_field_clients_get_from_the_listed_pos_origin_opens(lab):
    printer = lab.printer()
    daemon = lab.daemon(printer.uri, ["--allowed-origins", browser.PAGE_ORIGIN])

    result = lab.open("field-client.html", url=drawer_url(daemon))

    assert result == {"type": "opaque", "status": 0, "ok": False}
    assert printer.settle() == [expect.OPENED_DEFAULT]


def test_same_get_from_an_unlisted_origin_reaches_no_printer_byte(lab):
    printer = lab.printer()
    daemon = lab.daemon(printer.uri, ["--allowed-origins", "https://shop.odoo.com"])
    mark = daemon.log_mark()

    result = lab.open("field-client.html", url=drawer_url(daemon))

    assert result == {"type": "opaque", "status": 0, "ok": False}
    assert printer.settle() == []
    assert printer.accepted_count() == 0
    assert drawer_lines(daemon.log_lines_since(mark), "WARNING") == [
        expect.ORIGIN_REFUSED_LINE.format(peer="LOOPBACK", method="GET",
                                          origin=browser.PAGE_ORIGIN, basis="Referer")]


def test_module_reads_success_and_real_errors(lab):
    printer = lab.printer()
    good = lab.daemon(printer.uri, ["--allowed-origins", browser.PAGE_ORIGIN])
    # a printer whose address refuses connections, inside the namespace
    refusing = lab.daemon(f"tcp://127.0.0.1:{closed_port()}",
                          ["--allowed-origins", browser.PAGE_ORIGIN])
    # a service that does not list this page: the browser hides its answer
    strict = lab.daemon(printer.uri, ["--allowed-origins", "https://shop.odoo.com"])
    down = f"http://localhost:{closed_port()}/open-cash-drawer"

    results = lab.open("module.html", urls=json.dumps(
        [drawer_url(good), drawer_url(refusing), drawer_url(strict), down]))

    assert [r["url"] for r in results] == [drawer_url(good), drawer_url(refusing),
                                           drawer_url(strict), down]
    # it asked for the read-back: the drawer's state after the pulse
    assert results[0] == {"url": drawer_url(good), "ok": True, "body": expect.OPENED_READ}
    assert {k: results[1][k] for k in ("ok", "name", "isCashDrawerError", "reason", "code",
                                       "status", "message")} == {
        "ok": False, "name": "CashDrawerError", "isCashDrawerError": True,
        "reason": "printer_error", "code": "printer_refused", "status": 503,
        "message": expect.PRINTER_MESSAGES["printer_refused"]}
    assert (results[2]["reason"], results[2]["status"], results[2]["code"]) == (
        "service_down", 0, None)
    assert (results[3]["reason"], results[3]["status"]) == ("service_down", 0)
    # one kick, read back: the good service's; the strict one refused before any printer byte
    assert printer.settle() == [expect.OPENED_READ_BACK]
    assert drawer_lines(good.log_lines()) == [expect.OPENED_LINE.format(peer="LOOPBACK")]
    assert drawer_lines(strict.log_lines(), "WARNING") == [expect.ORIGIN_REFUSED_LINE.format(
        peer="LOOPBACK", method="GET", origin=browser.PAGE_ORIGIN, basis="Origin")]


def test_dns_rebinding_host_is_refused_in_a_real_browser(lab):
    printer = lab.printer()
    daemon = lab.daemon(printer.uri)
    mark = daemon.log_mark()
    host = f"evil.example:{daemon.port}"

    # evil.example's DNS now answers 127.0.0.1: the browser sends Host: evil.example:PORT
    rc, dom = lab.chromium.run(f"http://{host}/open-cash-drawer",
                               extra_flags=["--host-resolver-rules=MAP evil.example 127.0.0.1"])

    assert "host_not_allowed" in dom, dom[-2000:]
    assert printer.settle() == []
    assert drawer_lines(daemon.log_lines_since(mark), "WARNING") == [
        expect.HOST_REFUSED_LINE.format(peer="LOOPBACK", method="GET", host=host)]
