"""Odoo's print_receipt through the daemon (issue 15, docs/odoo.md): the
JPEG the POS sends (the fixture Chromium rendered, tests/fixtures/receipt)
reaches the printer as exactly the bytes tools/receipt-convert makes of it
with the same settings, on one connection of its own that no kick ever
shares; the printer simulator prints it dot for dot like the canvas. Bad
input prints nothing (the printer gets no connection at all) and answers a
JSON-RPC error with its code; a body over the limit is refused from its
Content-Length before a byte of it is read."""
import base64
import io
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from e2elib import expect, logfile, odoo, rawconn
from e2elib.printer import FaultyPrinter, closed_port, reset_after
from e2elib.skips import skip_or_fail
from test_receipt_print import LOGO, Printer, agreement

try:
    from PIL import Image
except ImportError:  # Debian's python3-pil, in TEST_PACKAGES
    Image = None

RECEIPT = odoo.jpeg_of()                       # 512 x 1123, Chromium's toDataURL("image/jpeg")
RECEIPT_B64 = odoo.b64(RECEIPT)
PRINTED_LINE = ("127.0.0.1 POST /hw_proxy/default_printer_action 200 printed - ticket imprimé : "
                "{w} x {h} points, {bands} bandes, {n} octets")
ACTION_LINE = "127.0.0.1 POST /hw_proxy/default_printer_action {status} {code} - {detail}"


@pytest.fixture
def convert(sim_bin):
    path = Path(sim_bin).parent / "receipt-convert"
    assert path.is_file(), f"{path} is not built (cmake --build build)"
    return path


@pytest.fixture
def pil():
    if Image is None:
        skip_or_fail("Pillow is not installed (apt-get install python3-pil)")
    return Image


def converted(convert, tmp_path, base64_text, *args):
    """What receipt-convert makes of the base64 text the POS sends."""
    source, out = tmp_path / "receipt.b64", tmp_path / "receipt.bin"
    source.write_text(base64_text)
    subprocess.run([convert, "--base64", *args, source, out], check=True, capture_output=True,
                   timeout=60)
    return out.read_bytes()


def refusal(convert, tmp_path, base64_text, *args):
    """(code, message) receipt-convert gives for what the daemon must refuse."""
    source = tmp_path / "bad.b64"
    source.write_text(base64_text)
    run = subprocess.run([convert, "--base64", *args, source, tmp_path / "bad.bin"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1, run
    code, _, message = run.stderr.rstrip("\n").removeprefix("receipt-convert: ").partition(": ")
    return code, message


# ---- printed ----

# the image as printed: 512 px on 512 dots; centred, never enlarged, on 576;
# scaled by 3/4 on 384 (1123 rows become 842)
@pytest.mark.parametrize("daemon_args,convert_args,image", [
    ([], [], (512, 1123, 5)),
    (["--receipt-dots", "576", "--receipt-cut", "full"], ["--dots", "576", "--cut", "full"],
     (512, 1123, 5)),
    (["--receipt-dots", "384", "--receipt-cut", "none"], ["--dots", "384", "--cut", "none"],
     (384, 842, 4)),
], ids=["512-partial", "576-full", "384-none"])
def test_the_printer_gets_exactly_what_receipt_convert_makes(start_daemon, printer, convert,
                                                             tmp_path, daemon_args, convert_args,
                                                             image):
    daemon = start_daemon(printer.uri, daemon_args)
    expected = converted(convert, tmp_path, RECEIPT_B64, *convert_args)
    mark = daemon.log_mark()

    resp = odoo.print_receipt(daemon, RECEIPT_B64, id_=31)

    odoo.assert_answer(resp, 200, odoo.result(True, 31))
    # one connection, the whole receipt and nothing else
    assert printer.settle() == [expected]
    width, height, bands = image
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        PRINTED_LINE.format(w=width, h=height, bands=bands, n=len(expected))]


def test_the_simulator_prints_the_receipt_dot_for_dot_like_the_canvas(start_daemon, spawn,
                                                                      sim_bin, pil, tmp_path):
    receipts = tmp_path / "receipts"
    sim = Printer(spawn, sim_bin, receipts, tmp_path / "dump")
    daemon = start_daemon(f"tcp://127.0.0.1:{sim.port}")

    resp = odoo.print_receipt(daemon, RECEIPT)

    odoo.assert_answer(resp, 200, odoo.result(True))
    path = receipts / "receipt-0001.png"
    assert sim.output.next_line(r"^escpos-sim: receipt ", 30) == (
        f"escpos-sim: receipt 1 written to {path} (512 x 1123 dots)")
    printed = pil.open(path)
    assert (printed.mode, printed.size) == ("1", (512, 1123))
    reference = pil.open(odoo.FIXTURE / "odoo-receipt.png").convert("L")
    text, iou, logo_printed, logo_canvas = agreement(printed.convert("L"), reference)
    print(f"through the daemon: text pixels agreeing {text:.4%}, ink IoU {iou:.4f}, logo mean "
          f"grey printed {logo_printed:.1f} vs canvas {logo_canvas:.1f}")
    assert text >= 0.999 and iou >= 0.99
    assert abs(logo_printed - logo_canvas) < 8


def test_a_receipt_and_kicks_sent_together_never_interleave(start_daemon, make_printer, convert,
                                                           tmp_path):
    printer = make_printer(hold=True)  # the receipt stays in flight while the kicks come
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0"])
    receipt = converted(convert, tmp_path, RECEIPT_B64)
    answers = []
    lock = threading.Lock()

    def run(fn):
        resp = fn()
        with lock:
            answers.append(resp)

    first = threading.Thread(target=run, args=(lambda: odoo.print_receipt(daemon, RECEIPT),))
    first.start()
    printer.wait_accepted(1)
    others = [threading.Thread(target=run, args=(fn,)) for fn in (
        lambda: odoo.cashbox(daemon), lambda: daemon.get("/open-cash-drawer"),
        lambda: odoo.print_receipt(daemon, RECEIPT), lambda: odoo.cashbox(daemon))]
    for thread in others:
        thread.start()
    printer.release()
    for thread in [first, *others]:
        thread.join(timeout=60)

    assert len(answers) == 5 and all(a.status == 200 for a in answers), answers
    connections = printer.settle(timeout=30)
    # the first receipt whole on the first connection; then each operation
    # on a connection of its own, whole, in whatever order they queued
    assert connections[0] == receipt
    assert sorted(connections[1:]) == sorted([receipt] + [expect.KICK_DEFAULT] * 3)


def test_a_printer_failure_while_printing_is_result_false(start_daemon):
    port = closed_port()
    daemon = start_daemon(f"tcp://127.0.0.1:{port}")
    mark = daemon.log_mark()

    resp = odoo.print_receipt(daemon, RECEIPT, id_=9)

    odoo.assert_answer(resp, 200, odoo.result(False, 9))
    assert logfile.find_exact(
        daemon.log_lines_since(mark), "ERROR",
        ACTION_LINE.format(status=200, code="printer_refused",
                           detail=f"imprimante tcp://127.0.0.1:{port} : connexion refusée "
                                  "(l'imprimante est-elle allumée, et est-ce bien son adresse et "
                                  "son port ?)"))


# ---- refused: nothing printed ----

def sof(jpeg):
    """Offset of the frame header (SOFn marker) in a JPEG."""
    at = 2
    while at < len(jpeg):
        assert jpeg[at] == 0xFF, f"no marker at {at}"
        marker = jpeg[at + 1]
        if marker in (0xC0, 0xC1, 0xC2):
            return at
        at += 2 + int.from_bytes(jpeg[at + 2:at + 4], "big")
    raise AssertionError("no SOF marker")


def with_size(jpeg, width, height):
    """The same JPEG with its header claiming width x height."""
    at = sof(jpeg)
    return (jpeg[:at + 5] + height.to_bytes(2, "big") + width.to_bytes(2, "big")
            + jpeg[at + 9:])


def damaged_scan(jpeg):
    """The same JPEG with garbage in the middle of its entropy-coded data
    (its end marker kept: only decoding finds it)."""
    middle = len(jpeg) * 2 // 3
    return jpeg[:middle] + bytes([0xFF, 0xD0 + 5]) * 64 + jpeg[middle + 128:]


def pillow_jpeg(mode, **save):
    image = Image.open(io.BytesIO(RECEIPT)).convert(mode)
    out = io.BytesIO()
    image.save(out, "JPEG", **save)
    return out.getvalue()


BAD_RECEIPTS = {
    # name: (base64 text, code, daemon settings)
    "not-base64": (lambda: "ceci n'est pas du base64", "not_base64", []),
    "data-url-prefix": (lambda: "data:image/jpeg;base64," + RECEIPT_B64, "not_base64", []),
    "line-breaks": (lambda: base64.encodebytes(RECEIPT).decode(), "not_base64", []),
    "empty": (lambda: "", "not_base64", []),
    "png": (lambda: odoo.b64((odoo.FIXTURE / "odoo-receipt.png").read_bytes()), "not_jpeg", []),
    "truncated": (lambda: odoo.b64(RECEIPT[:len(RECEIPT) // 2]), "corrupt_jpeg", []),
    "damaged-scan": (lambda: odoo.b64(damaged_scan(RECEIPT)), "corrupt_jpeg", []),
    "60000x60000": (lambda: odoo.b64(with_size(RECEIPT, 60000, 60000)), "image_too_wide", []),
    "512x60000": (lambda: odoo.b64(with_size(RECEIPT, 512, 60000)), "image_too_tall", []),
    "zero-height": (lambda: odoo.b64(with_size(RECEIPT, 512, 0)), "empty_image", []),
    "progressive": (lambda: odoo.b64(pillow_jpeg("RGB", progressive=True)), "unsupported_jpeg",
                    []),
    "cmyk": (lambda: odoo.b64(pillow_jpeg("CMYK")), "unsupported_jpeg", []),
    "wider-than-max-width": (lambda: RECEIPT_B64, "image_too_wide",
                             ["--receipt-max-width", "500"]),
    "taller-than-max-height": (lambda: RECEIPT_B64, "image_too_tall",
                               ["--receipt-max-height", "1000"]),
}


@pytest.mark.parametrize("name", list(BAD_RECEIPTS))
def test_a_bad_receipt_prints_nothing_and_gets_its_json_rpc_error(start_daemon, printer,
                                                                  convert, pil, tmp_path, name):
    make, code, settings = BAD_RECEIPTS[name]
    text = make()
    daemon = start_daemon(printer.uri, settings)
    mark = daemon.log_mark()

    resp = odoo.print_receipt(daemon, text, id_=77)

    odoo.assert_error(resp, code, 77)
    # the printer got no connection at all
    assert printer.settle() == []
    assert printer.accepted_count() == 0
    # the log says why, as receipt-convert does with the same settings
    convert_args = {"--receipt-max-width": "--max-width",
                    "--receipt-max-height": "--max-height"}
    tool_code, detail = refusal(convert, tmp_path, text,
                                *[convert_args.get(a, a) for a in settings])
    assert tool_code == code
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        ACTION_LINE.format(status=odoo.STATUS_OF[code], code=code, detail=detail)]


def test_a_hostile_header_is_refused_with_the_exact_reason(start_daemon, printer):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    resp = odoo.print_receipt(daemon, with_size(RECEIPT, 60000, 60000))

    odoo.assert_error(resp, "image_too_wide")
    assert printer.accepted_count() == 0
    [line] = logfile.messages(daemon.log_lines_since(mark))
    assert line.startswith("127.0.0.1 POST /hw_proxy/default_printer_action 413 image_too_wide - ")
    assert "60000" in line and "2048" in line, line


@pytest.mark.parametrize("params,detail", [
    ({"data": {"action": "nope"}}, "action nope"),
    ({"data": {}}, "action absente"),
    ({"data": {"action": 5}}, "action absente"),
    ({}, "action absente"),
    ({"data": "cashbox"}, "action absente"),
], ids=["unknown", "no-action", "action-not-a-string", "no-data", "data-not-an-object"])
def test_an_unknown_action_is_refused_and_reaches_no_printer(start_daemon, printer, params,
                                                             detail):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    resp = odoo.call(daemon, odoo.ACTION, params, id_=3)

    odoo.assert_error(resp, "unknown_action", 3)
    assert printer.accepted_count() == 0
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        ACTION_LINE.format(status=400, code="unknown_action", detail=detail)]


def test_print_receipt_without_a_receipt_is_an_invalid_request(start_daemon, printer):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    resp = odoo.call(daemon, odoo.ACTION, {"data": {"action": "print_receipt", "receipt": 42}})

    odoo.assert_error(resp, "invalid_request")
    assert printer.accepted_count() == 0
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        ACTION_LINE.format(status=400, code="invalid_request",
                           detail="print_receipt sans champ receipt (une image JPEG en base64)")]


@pytest.mark.parametrize("body,id_,detail", [
    (b"{not json", None, "le corps n'est pas du JSON"),
    (b"", None, "le corps n'est pas du JSON"),
    (b'[{"jsonrpc":"2.0","method":"call","params":{"data":{"action":"cashbox"}},"id":1}]', None,
     "le corps n'est pas un objet JSON-RPC"),
    (b'"cashbox"', None, "le corps n'est pas un objet JSON-RPC"),
    (b'{"jsonrpc":"1.0","method":"call","params":{"data":{"action":"cashbox"}},"id":5}', 5,
     '"jsonrpc" n\'est pas "2.0"'),
    (b'{"jsonrpc":2,"method":"call","params":{"data":{"action":"cashbox"}},"id":6}', 6,
     '"jsonrpc" n\'est pas "2.0"'),
    (b'{"jsonrpc":"2.0","method":"call","params":[{"data":{"action":"cashbox"}}],"id":7}', 7,
     '"params" n\'est pas un objet'),
    (b'{"jsonrpc":"2.0","method":"call","params":"cashbox","id":8}', 8,
     '"params" n\'est pas un objet'),
], ids=["not-json", "empty", "array", "string", "jsonrpc-1.0", "jsonrpc-number",
        "params-array", "params-string"])
@pytest.mark.parametrize("path", [odoo.ACTION, odoo.OPEN_CASHBOX])
def test_malformed_json_rpc_is_an_invalid_request_and_kicks_nothing(start_daemon, printer, path,
                                                                    body, id_, detail):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    resp = odoo.call(daemon, path, body=body)

    odoo.assert_error(resp, "invalid_request", id_)
    assert printer.accepted_count() == 0
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        f"127.0.0.1 POST {path} 400 invalid_request - {detail}"]


# ---- body limits ----

LIMIT = 8 * 1024 * 1024


def test_a_body_over_8_mib_is_refused_from_its_length_before_it_is_sent(start_daemon, printer):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()
    head = (b"POST /hw_proxy/default_printer_action HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (LIMIT + 1))

    # the headers alone: the answer cannot wait for the body, never sent
    answer, closed_after = rawconn.exchange(head, port=daemon.port, limit=10)

    assert closed_after is not None, answer
    assert rawconn.status_of(answer) == 413
    assert rawconn.header(answer, "Connection") == "close"
    assert answer.split(b"\r\n\r\n", 1)[1] == odoo.json_bytes(odoo.error("body_too_large", None))
    assert printer.accepted_count() == 0
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        f"127.0.0.1 POST /hw_proxy/default_printer_action 413 body_too_large - corps de "
        f"{LIMIT + 1} octets annoncé, non lu"]


@pytest.mark.parametrize("path", [odoo.HANDSHAKE, odoo.STATUS, odoo.OPEN_CASHBOX])
def test_the_other_calls_take_4_kib(start_daemon, printer, path):
    daemon = start_daemon(printer.uri)
    head = (b"POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Content-Length: 4097\r\n\r\n" % path.encode())

    answer, closed_after = rawconn.exchange(head, port=daemon.port, limit=10)

    assert closed_after is not None and rawconn.status_of(answer) == 413, answer
    assert printer.accepted_count() == 0


def test_a_body_of_exactly_8_mib_is_read_and_judged(start_daemon, printer):
    daemon = start_daemon(printer.uri)
    prefix = b'{"jsonrpc":"2.0","method":"call","params":{"data":{"action":"print_receipt",' \
             b'"receipt":"'
    suffix = b'"}},"id":2}'
    body = prefix + b"!" * (LIMIT - len(prefix) - len(suffix)) + suffix
    assert len(body) == LIMIT

    resp = odoo.call(daemon, odoo.ACTION, body=body, timeout=60)

    odoo.assert_error(resp, "not_base64", 2)
    assert printer.accepted_count() == 0


def test_a_chunked_body_without_length_is_411(start_daemon, printer):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    answer, closed_after = rawconn.exchange(
        b"POST /hw_proxy/default_printer_action HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        port=daemon.port, limit=10)

    assert closed_after is not None, answer
    assert rawconn.status_of(answer) == 411
    assert answer.split(b"\r\n\r\n", 1)[1] == odoo.json_bytes(odoo.error("length_required", None))
    assert printer.accepted_count() == 0
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        "127.0.0.1 POST /hw_proxy/default_printer_action 411 length_required - corps annoncé par "
        "Transfer-Encoding, non lu"]


# ---- a printer that does not take it ----

def test_a_receipt_the_printer_does_not_take_in_time_is_result_false(start_daemon, make_printer):
    # a printer that accepts and reads nothing, with a small receive buffer:
    # the receipt's 81 KB cannot all leave before receipt_timeout_ms
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    printer = make_printer(hold=True, sock=sock)
    daemon = start_daemon(printer.uri, ["--receipt-timeout-ms", "1000", "--min-interval-ms", "0"])
    mark = daemon.log_mark()

    resp = odoo.print_receipt(daemon, RECEIPT, id_=6, timeout=10)

    odoo.assert_answer(resp, 200, odoo.result(False, 6))
    [line] = logfile.messages(daemon.log_lines_since(mark), "ERROR")
    assert line.startswith(
        "127.0.0.1 POST /hw_proxy/default_printer_action 200 printer_timeout - "), line
    # the worker is free again: the next kick goes out whole, on its own connection
    printer.release()
    odoo.assert_answer(odoo.cashbox(daemon), 200, odoo.result(True))
    printer.wait_accepted(2)
    deadline = time.monotonic() + 10
    while printer.connections()[1] != expect.KICK_DEFAULT:
        assert time.monotonic() < deadline, printer.connections()[1]
        time.sleep(0.02)
    # the receipt's connection was reset (bytes unsent): cut short, never whole
    assert len(printer.connections()[0]) < 80918


def test_a_printer_that_resets_in_the_middle_of_a_receipt_is_result_false(start_daemon):
    printer = FaultyPrinter(reset_after(20000))
    try:
        daemon = start_daemon(printer.uri)
        mark = daemon.log_mark()

        resp = odoo.print_receipt(daemon, RECEIPT, id_=7)

        odoo.assert_answer(resp, 200, odoo.result(False, 7))
        [line] = logfile.messages(daemon.log_lines_since(mark), "ERROR")
        assert " 200 printer_" in line, line
    finally:
        printer.close()
