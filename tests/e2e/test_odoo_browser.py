"""Stock Odoo POS's calls to its hardware proxy, made by a real browser
(issue 15, item 6): headless Chromium (Debian's) loads a POS page from an
origin of its own, http://pos.test:8069 (pos.test mapped to the page
server's private address inside a network namespace), whose proxy address
is http://localhost:PORT, as the shop types it. Two pages, written for
these tests in the shape of Odoo's code (docs/odoo.md):
- pages/odoo/pos-14.html, 14.0 to 16.0: jQuery's $.ajax (Debian's
  libjs-jquery), hello with a 1 s timeout, JSON-RPC with dataType json;
  the receipt drawn with the canvas API, as html2canvas does;
- pages/odoo/pos-17.html, 17.0 and later: fetch with an AbortController for
  hello, XMLHttpRequest JSON-RPC for handshake and status_json, the newest
  fetch JSON-RPC (strict envelope) for the printer's actions; the receipt
  rendered through an SVG foreignObject, as html-to-image does.
Each runs hello, handshake, status_json, cashbox and print_receipt with the
canvas's toDataURL("image/jpeg") without its prefix, and POSTs what it read
(and the same canvas as PNG) to its own server. The printer is the bundled
simulator: every byte it got is accounted for (the exact kick, the receipt
exactly as receipt-convert makes it of the page's JPEG), and its printed
PNG is compared with the page's canvas, both thresholded at mid-grey.
A page from an unlisted origin, and the same page on a LAN machine, print
nothing."""
import base64
import collections
import io
import subprocess
import urllib.parse
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import REPO, track
from e2elib import browser, expect, logfile, netns, odoo
from e2elib.skips import skip_or_fail
from test_receipt_print import Printer

try:
    from PIL import Image
except ImportError:  # Debian's python3-pil, in TEST_PACKAGES
    Image = None

PAGES = REPO / "tests" / "e2e" / "pages" / "odoo"
JQUERY = Path("/usr/share/javascript/jquery/jquery.min.js")  # Debian's libjs-jquery
POS_ORIGIN = f"http://pos.test:{browser.PAGE_PORT}"
RESOLVE = [f"--host-resolver-rules=MAP pos.test {browser.PAGE_ADDRESS}"]
RESULT_TIMEOUT = 60.0
SHAPES = ["pos-14.html", "pos-17.html"]
DLE_EOT = {bytes([0x10, 0x04, n]) for n in (1, 2, 3, 4)}
CHECK = bytes([0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04])


@pytest.fixture(scope="module")
def needs():
    reason = browser.unavailable_reason()
    if reason is not None:
        skip_or_fail(f"browser tests: {reason}")
    if not JQUERY.is_file():
        skip_or_fail("Debian's jQuery is not installed (apt-get install libjs-jquery)")
    if Image is None:
        skip_or_fail("Pillow is not installed (apt-get install python3-pil)")


def serve_pages(server):
    for name in SHAPES:
        server.add(f"/{name}", (PAGES / name).read_bytes())
    server.add("/receipt.js", (PAGES / "receipt.js").read_bytes(), "text/javascript; charset=utf-8")
    server.add("/jquery.js", JQUERY.read_bytes(), "text/javascript; charset=utf-8")


@pytest.fixture(scope="module")
def till(needs):
    """One namespace: the page server (10.99.0.2:8069, pos.test), the
    daemon and the printer on its loopback, Chromium."""
    namespace = browser.Namespace()
    try:
        namespace.create()
        server = browser.PageServer(namespace)
        serve_pages(server)
        yield SimpleNamespace(namespace=namespace, server=server)
        server.close()
    finally:
        namespace.delete()


@pytest.fixture(scope="module")
def lan(needs):
    """Two namespaces: the till (srv, 203.0.113.1: the daemon and the printer)
    and a LAN machine (cli, 203.0.113.2, also 10.99.0.2: the page server and
    Chromium)."""
    pair = netns.NamespacePair()
    try:
        pair.create()
        netns.add_address(pair.cli, "veth-cli", browser.PAGE_ADDRESS)
        server = browser.PageServer(SimpleNamespace(name=pair.cli))
        serve_pages(server)
        yield SimpleNamespace(pair=pair, server=server)
        server.close()
    finally:
        pair.delete()


@pytest.fixture
def convert(sim_bin):
    path = Path(sim_bin).parent / "receipt-convert"
    assert path.is_file(), f"{path} is not built (cmake --build build)"
    return path


@pytest.fixture
def lab(start_daemon, spawn, sim_bin, tmp_path):
    """lab.printer(ns): the simulator printing receipts, in namespace ns;
    lab.daemon(ns, uri, args); lab.open(ns, server, page, **query): Chromium
    in ns on POS_ORIGIN/page, returning what the page POSTed."""

    class Lab:
        @staticmethod
        def printer(ns):
            def spawn_in(argv, **kwargs):
                return spawn(["ip", "netns", "exec", ns, *argv], **kwargs)
            return Printer(spawn_in, sim_bin, tmp_path / "receipts", tmp_path / "dump")

        @staticmethod
        def daemon(ns, printer_uri, args=()):
            return start_daemon(printer_uri, ["--min-interval-ms", "0", *args], netns=ns,
                                connect=netns.connector(ns))

        @staticmethod
        def open(ns, server, page, **query):
            before = len(server.results)
            url = f"{POS_ORIGIN}/{page}?{urllib.parse.urlencode(query)}"
            chromium = browser.Chromium(SimpleNamespace(name=ns), tmp_path, track)
            rc, dom = chromium.run(url, extra_flags=RESOLVE, budget_ms=30000)
            results = server.wait_results(before + 1, RESULT_TIMEOUT)
            assert len(results) > before, (
                f"{page}: no result POSTed (chromium exit {rc}); DOM:\n{dom[-2000:]}")
            return results[before]

    return Lab


def dump_of(tmp_path):
    path = tmp_path / "dump"
    return path.read_bytes() if path.exists() else b""


def png(data_url):
    assert data_url.startswith("data:image/png;base64,"), data_url[:40]
    return Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1])))


def agreement(printed, canvas):
    """(share of pixels that agree, ink IoU): the printed dots against the
    canvas thresholded at mid-grey (its grey levels as Y = 0.299 R +
    0.587 G + 0.114 B, PIL's convert("L"), what the daemon asks of libjpeg)."""
    assert printed.size == canvas.size, (printed.size, canvas.size)
    dots = printed.convert("L").tobytes()
    grey = canvas.convert("RGB").convert("L").tobytes()
    agree = both = either = 0
    for dot, level in zip(dots, grey):
        black, want = dot == 0, level < 128
        agree += black == want
        both += black and want
        either += black or want
    return agree / len(grey), both / either


def loopback_messages(lines):
    """The log's messages with the browser's loopback peer (127.0.0.1 or
    ::1, as Chromium resolves localhost) written LOOPBACK."""
    out = []
    for message in logfile.messages(lines):
        peer, _, rest = message.partition(" ")
        assert peer in ("127.0.0.1", "::1"), message
        out.append(f"LOOPBACK {rest}")
    return out


def converted(convert, tmp_path, jpeg_b64):
    source, out = tmp_path / "page.b64", tmp_path / "page.bin"
    source.write_text(jpeg_b64)
    subprocess.run([convert, "--base64", source, out], check=True, capture_output=True,
                   timeout=60)
    return out.read_bytes()


@pytest.mark.parametrize("page", SHAPES)
def test_the_pos_page_opens_the_drawer_and_prints_its_receipt(till, lab, convert, tmp_path, page):
    ns = till.namespace.name
    printer = lab.printer(ns)
    daemon = lab.daemon(ns, f"tcp://127.0.0.1:{printer.port}", ["--allowed-origins", POS_ORIGIN])
    mark = daemon.log_mark()

    out = lab.open(ns, till.server, page, url=f"http://localhost:{daemon.port}")

    # what the POS read: every answer readable across origins (CORS), in
    # the shapes its helpers accept
    hello = {"ok": True, "body": "ping", "contentType": odoo.PING_TYPE}
    if page == "pos-17.html":
        hello["tries"] = 1
    assert out["hello"] == hello
    assert out["handshake"] == {"ok": True, "value": True}
    # the first poll of the session: not checked yet, which the POS shows as fine
    assert out["status"] == {"ok": True, "value": {
        "printer": odoo.device("connecting", odoo.NOT_CHECKED),
        "escpos": odoo.device("connecting", odoo.NOT_CHECKED)}}
    assert out["cashbox"] == {"ok": True, "value": True, "popup": None}
    assert out["receipt"] == {"ok": True, "value": True, "popup": None}
    # a JSON-RPC error with 400: the newest helper reads it (an integer code,
    # a string message); jQuery's fails on the status before the body
    if page == "pos-17.html":
        assert out["unknown"] == {"ok": False, "popup": "iot", "error": {
            "type": "rpc", "status": 400, "code": 200, "name": "cashdrawerd.unknown_action"}}
    else:
        assert out["unknown"] == {"ok": False, "popup": "iot", "error": {
            "type": "xhr", "status": 400, "textStatus": "error"}}
    canvas = png(out["png"])
    assert canvas.width == 512

    # the printer: status_json's check, the kick (no read-back: the POS only reads true), the
    # receipt exactly as receipt-convert makes it of the page's JPEG
    receipt = converted(convert, tmp_path, out["jpeg"])
    written = printer.output.next_line(r"^escpos-sim: receipt ", 30)
    assert dump_of(tmp_path) == CHECK + expect.OPENED_DEFAULT + receipt

    # what it printed, against the canvas the page drew
    path = tmp_path / "receipts" / "receipt-0001.png"
    assert written == f"escpos-sim: receipt 1 written to {path} (512 x {canvas.height} dots)"
    share, iou = agreement(Image.open(path), canvas)
    print(f"{page}: 512 x {canvas.height} canvas, {share:.4%} of the pixels agree with the "
          f"canvas thresholded, ink IoU {iou:.4f}")
    assert share >= 0.999 and iou >= 0.98

    # the daemon's log: each call, and the CORS preflights the browser sent
    # (one per path: Chromium keeps the answer for its max-age)
    bands = -(-canvas.height // 255)
    granted = f"204 preflight - CORS accordé à {POS_ORIGIN}"
    assert collections.Counter(loopback_messages(daemon.log_lines_since(mark))) == (
        collections.Counter([
            "LOOPBACK GET /hw_proxy/hello 200 ok",
            f"LOOPBACK OPTIONS /hw_proxy/handshake {granted}",
            "LOOPBACK POST /hw_proxy/handshake 200 ok",
            f"LOOPBACK OPTIONS /hw_proxy/status_json {granted}",
            "LOOPBACK POST /hw_proxy/status_json 200 ok",
            f"LOOPBACK OPTIONS /hw_proxy/default_printer_action {granted}",
            "LOOPBACK POST /hw_proxy/default_printer_action 200 opened - Tiroir-caisse ouvert",
            "LOOPBACK POST /hw_proxy/default_printer_action 200 printed - ticket imprimé : "
            f"512 x {canvas.height} points, {bands} bandes, {len(receipt)} octets",
            "LOOPBACK POST /hw_proxy/default_printer_action 400 unknown_action - action nope"]))


def failed_everywhere(out):
    """What a POS page reads when the proxy refuses it: hello fails, every
    call fails as a connection failure ("Connection to IoT Box failed")."""
    assert out["hello"]["ok"] is False, out["hello"]
    for step in ("handshake", "status"):
        assert out[step]["ok"] is False, out[step]
    for action in ("cashbox", "receipt", "unknown"):
        assert (out[action]["ok"], out[action]["popup"]) == (False, "iot"), out[action]


@pytest.mark.parametrize("page", SHAPES)
def test_a_page_from_an_unlisted_origin_prints_nothing(till, lab, tmp_path, page):
    ns = till.namespace.name
    printer = lab.printer(ns)
    daemon = lab.daemon(ns, f"tcp://127.0.0.1:{printer.port}",
                        ["--allowed-origins", "https://shop.odoo.com"])
    mark = daemon.log_mark()

    # force=1: the page tries every call although hello failed
    out = lab.open(ns, till.server, page, url=f"http://localhost:{daemon.port}", force="1")

    failed_everywhere(out)
    assert dump_of(tmp_path) == b""
    # hello refused; each POST stopped at its preflight, never sent
    messages = loopback_messages(daemon.log_lines_since(mark))
    refused = f"403 origin_not_allowed - origine {POS_ORIGIN} non autorisée (Origin)"
    assert set(messages) == {f"LOOPBACK GET /hw_proxy/hello {refused}"} | {
        f"LOOPBACK OPTIONS /hw_proxy/{path} {refused}"
        for path in ("handshake", "status_json", "default_printer_action")}


@pytest.mark.parametrize("page", SHAPES)
def test_the_same_page_on_a_lan_machine_prints_nothing(lan, lab, tmp_path, page):
    srv = lan.pair.srv
    printer = lab.printer(srv)
    daemon = lab.daemon(srv, f"tcp://127.0.0.1:{printer.port}", ["--allowed-origins", POS_ORIGIN])
    mark = daemon.log_mark()

    out = lab.open(lan.pair.cli, lan.server, page, url=f"http://{netns.SRV_ADDRESS}:{daemon.port}",
                   force="1")

    failed_everywhere(out)
    assert dump_of(tmp_path) == b""
    messages = logfile.messages(daemon.log_lines_since(mark), "WARNING")
    refused = "403 not_local - Accès refusé - Local uniquement"
    assert f"{netns.CLI_ADDRESS} GET /hw_proxy/hello {refused}" in messages
    assert set(messages) <= {f"{netns.CLI_ADDRESS} {method} /hw_proxy/{path} {refused}"
                             for method in ("GET", "OPTIONS", "POST")
                             for path in ("hello", "handshake", "status_json",
                                          "default_printer_action")}
    assert not any(" POST " in m for m in messages), messages
