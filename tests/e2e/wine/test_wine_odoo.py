"""cashdrawerd.exe under Wine answers Odoo's POS as an IoT box (issue 15):
the calls as the POS makes them, the cashbox's kick and a receipt each as
one RAW job through Wine's spooler into the private cupsd's raw queue
TICKET, whose printer receives exactly the kick and exactly the bytes
receipt-convert makes of the same JPEG; a bad receipt sends no job."""
import subprocess
from pathlib import Path

import pytest

from e2elib import expect, logfile, odoo

RECEIPT_B64 = odoo.b64(odoo.jpeg_of())
POS = "https://shop.odoo.com"


@pytest.fixture
def convert(sim_bin):
    path = Path(sim_bin).parent / "receipt-convert"
    assert path.is_file(), f"{path} is not built (cmake --build build)"
    return path


def test_the_pos_session_hello_handshake_status_cashbox_and_a_receipt(start_exe, printer_marks,
                                                                      convert, tmp_path):
    daemon = start_exe(None, ["--allowed-origins", POS])  # the default queue, TICKET
    source, out = tmp_path / "receipt.b64", tmp_path / "receipt.bin"
    source.write_text(RECEIPT_B64)
    subprocess.run([convert, "--base64", source, out], check=True, capture_output=True, timeout=60)
    mark = daemon.log_mark()

    hello = daemon.get(odoo.HELLO, headers={"Origin": POS})
    handshake = odoo.call(daemon, odoo.HANDSHAKE, headers={"Origin": POS})
    status = odoo.call(daemon, odoo.STATUS, id_=2, headers={"Origin": POS})
    cashbox = odoo.cashbox(daemon, id_=3, headers={"Origin": POS})
    kick = printer_marks.new(1)
    receipt = odoo.print_receipt(daemon, RECEIPT_B64, id_=4, headers={"Origin": POS}, timeout=60)

    odoo.assert_answer(hello, 200, b"ping", odoo.PING_TYPE)
    assert hello.header("Access-Control-Allow-Origin") == POS
    odoo.assert_answer(handshake, 200, odoo.result(True))
    # a spooler queue cannot tell its printer's state: connected
    odoo.assert_answer(status, 200, odoo.status_result("connected", id_=2))
    odoo.assert_answer(cashbox, 200, odoo.result(True, 3))
    odoo.assert_answer(receipt, 200, odoo.result(True, 4))
    # each a RAW job of its own: the kick, then the receipt, byte for byte
    assert kick == [expect.KICK_DEFAULT]
    assert printer_marks.new(2) == [expect.KICK_DEFAULT, out.read_bytes()]
    messages = logfile.messages(daemon.log_lines_since(mark))
    assert messages[-2:] == [
        "127.0.0.1 POST /hw_proxy/default_printer_action 200 opened - Tiroir-caisse ouvert",
        "127.0.0.1 POST /hw_proxy/default_printer_action 200 printed - ticket imprimé : 512 x "
        f"1123 points, 5 bandes, {out.stat().st_size} octets"]


def test_open_cashbox_of_older_pos_kicks_through_the_spooler(start_exe, printer_marks):
    daemon = start_exe("spool:TICKET", ["--pin", "5"])

    resp = odoo.call(daemon, odoo.OPEN_CASHBOX)

    odoo.assert_answer(resp, 200, odoo.result(True))
    assert printer_marks.new() == [bytes([0x1B, 0x70, 0x01, 0x19, 0xFA])]


def test_a_bad_receipt_sends_no_job(start_exe, printer_marks):
    daemon = start_exe()
    mark = daemon.log_mark()

    resp = odoo.print_receipt(daemon, odoo.b64(odoo.jpeg_of()[:5000]), id_=8)
    # a kick after it: the only job the queue gets
    after = odoo.cashbox(daemon)

    odoo.assert_error(resp, "corrupt_jpeg", 8)
    odoo.assert_answer(after, 200, odoo.result(True))
    assert printer_marks.new() == [expect.KICK_DEFAULT]
    assert logfile.messages(daemon.log_lines_since(mark))[0] == (
        "127.0.0.1 POST /hw_proxy/default_printer_action 400 corrupt_jpeg - JPEG coupé : ses "
        "5000 octets ne finissent pas par le marqueur de fin d'image FF D9 (corps de la requête "
        "tronqué ?)")
