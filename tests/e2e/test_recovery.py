"""Unplugging and plugging back in heals by itself at the next request, for
device files and Ethernet printers (serial: in test_serial.py): the service
opens the printer afresh for every operation and keeps nothing broken."""
import os
import select
import time

from conftest import track
from e2elib import expect, logfile
from e2elib.printer import PrinterListener, ResettingPrinter, closed_port
from e2elib.serial import SerialLine


def error_line(code, detail):
    return f"127.0.0.1 GET /open-cash-drawer 503 {code} - {detail}"


def read_exact(fd, count, timeout=5.0):
    data = b""
    deadline = time.monotonic() + timeout
    while len(data) < count:
        left = deadline - time.monotonic()
        assert left > 0, f"{len(data)} of {count} bytes within {timeout} s: {data!r}"
        readable, _, _ = select.select([fd], [], [], min(left, 0.1))
        if readable:
            chunk = os.read(fd, count - len(data))
            assert chunk, f"end of file after {data!r}"
            data += chunk
    return data


# ---- file: ----

def test_file_printer_fifo_removed_then_recreated_heals_at_the_next_request(start_daemon, tmp_path):
    # A FIFO stands for the device node: present with a reader (printer on),
    # present without one (printer off), gone (unplugged), back.
    device = tmp_path / "lp0"
    os.mkfifo(device)
    reader = os.open(device, os.O_RDONLY | os.O_NONBLOCK)
    daemon = start_daemon(f"file:{device}", ["--min-interval-ms", "0"])
    try:
        # a FIFO cannot answer: nothing is asked, the drawer is unknown
        expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED_UNREAD)
        assert read_exact(reader, 5) == expect.KICK_DEFAULT
    finally:
        os.close(reader)
    mark = daemon.log_mark()

    off = daemon.get("/open-cash-drawer")
    os.unlink(device)
    unplugged = daemon.get("/open-cash-drawer")
    os.mkfifo(device)
    reader = os.open(device, os.O_RDONLY | os.O_NONBLOCK)
    try:
        replugged = daemon.get("/open-cash-drawer")
        assert read_exact(reader, 5) == expect.KICK_DEFAULT
        readable, _, _ = select.select([reader], [], [], 0.3)
        assert not readable or os.read(reader, 64) == b"", "more than one kick"
    finally:
        os.close(reader)

    expect.assert_json(off, 503, expect.printer_error("printer_not_found"))
    expect.assert_json(unplugged, 503, expect.printer_error("printer_not_found"))
    expect.assert_json(replugged, 200, expect.OPENED_UNREAD)
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        error_line("printer_not_found", f"imprimante file:{device} : aucun périphérique à "
                   "cette adresse (ENXIO) (l'imprimante est-elle branchée et allumée ?)"),
        error_line("printer_not_found", f"imprimante file:{device} : aucun fichier ou dossier "
                   "de ce nom (ENOENT) (l'imprimante est-elle branchée et allumée ?)"),
        expect.OPENED_LINE.format(peer="127.0.0.1")]
    assert device.is_fifo()


def test_file_printer_tty_device_unplugged_then_replugged_heals(start_daemon, tmp_path):
    # A character device (the till's end of a pty pair), opened for reading
    # and writing as /dev/usb/lp0 is; the pair vanishes and comes back.
    line = SerialLine(tmp_path / "line", track).start()
    try:
        daemon = start_daemon(f"file:{line.till}",
                              ["--min-interval-ms", "0", "--status-timeout-ms", "2000"])
        # the drawer read back through the device, as usblp allows
        expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
        assert line.read_exact(len(expect.OPENED_DEFAULT)) == expect.OPENED_DEFAULT
        line.stop()
        mark = daemon.log_mark()

        unplugged = daemon.get("/open-cash-drawer")
        line.start()
        replugged = daemon.get("/open-cash-drawer")

        expect.assert_json(unplugged, 503, expect.printer_error("printer_not_found"))
        expect.assert_json(replugged, 200, expect.OPENED)
        assert line.read_exact(len(expect.OPENED_DEFAULT)) == expect.OPENED_DEFAULT
        line.assert_nothing_more()
        assert logfile.messages(daemon.log_lines_since(mark)) == [
            error_line("printer_not_found", f"imprimante file:{line.till} : aucun fichier ou "
                       "dossier de ce nom (ENOENT) (l'imprimante est-elle branchée et allumée ?)"),
            expect.OPENED_LINE.format(peer="127.0.0.1")]
    finally:
        line.stop()


# ---- tcp: ----

def test_tcp_printer_stopped_then_restarted_on_its_port_heals_at_the_next_request(start_daemon):
    printer = PrinterListener()
    port = printer.port
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0"])
    try:
        expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
        assert printer.settle() == [expect.OPENED_DEFAULT]
    finally:
        printer.close()  # switched off
    mark = daemon.log_mark()

    off = daemon.get("/open-cash-drawer")
    printer = PrinterListener(port=port)  # switched on again, same address
    try:
        on = daemon.get("/open-cash-drawer")
        assert printer.settle() == [expect.OPENED_DEFAULT]
    finally:
        printer.close()

    expect.assert_json(off, 503, expect.printer_error("printer_refused"))
    expect.assert_json(on, 200, expect.OPENED)
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        error_line("printer_refused", f"imprimante tcp://127.0.0.1:{port} : connexion refusée "
                   "(l'imprimante est-elle allumée, et est-ce bien son adresse et son port ?)"),
        expect.OPENED_LINE.format(peer="127.0.0.1")]


def test_tcp_printer_resetting_its_connections_is_answered_and_healed_at_the_next_request(
        start_daemon):
    # An interface board rebooting: every connection is reset right after it
    # is accepted. Whether the reset comes before or after the 5 bytes were
    # handed to TCP, it comes instead of the status reply that would vouch for
    # them: each answer is 503 printer_connection_lost, in bounded time, never
    # `opened`; the service keeps nothing broken.
    resetting = ResettingPrinter()
    port = resetting.port
    daemon = start_daemon(resetting.uri, ["--min-interval-ms", "0", "--timeout-ms", "1000"])
    mark = daemon.log_mark()
    try:
        # the read-back asked: the reset comes instead of its reply
        answers = [daemon.get("/open-cash-drawer" + expect.READ_BACK, timeout=10)
                   for _ in range(3)]
        deadline = time.monotonic() + 5
        while resetting.resets < 3:
            assert time.monotonic() < deadline, f"{resetting.resets} connections reset, expected 3"
            time.sleep(0.01)
    finally:
        resetting.close()
    for resp in answers:
        assert resp.elapsed < 1.0 + 1.0, f"answered in {resp.elapsed:.3f} s"
        expect.assert_json(resp, 503, expect.printer_error("printer_connection_lost"))
    assert logfile.messages(daemon.log_lines_since(mark)) == [error_line(
        "printer_connection_lost", f"ordre d'ouverture non confirmé : imprimante "
        f"tcp://127.0.0.1:{port} : a fermé ou réinitialisé la connexion (redémarre-t-elle, ou "
        "est-elle occupée par un autre ordinateur ?)")] * 3
    mark = daemon.log_mark()

    printer = PrinterListener(port=port)  # back to normal at the same address
    try:
        healed = daemon.get("/open-cash-drawer")
        assert printer.settle() == [expect.OPENED_DEFAULT]
    finally:
        printer.close()
    expect.assert_json(healed, 200, expect.OPENED)
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        expect.OPENED_LINE.format(peer="127.0.0.1")]


def test_a_port_nothing_listens_on_is_refused_until_a_printer_appears(start_daemon):
    port = closed_port()
    daemon = start_daemon(f"tcp://127.0.0.1:{port}", ["--min-interval-ms", "0"])

    before = daemon.get("/open-cash-drawer")
    printer = PrinterListener(port=port)
    try:
        after = daemon.get("/open-cash-drawer")
        assert printer.settle() == [expect.OPENED_DEFAULT]
    finally:
        printer.close()

    expect.assert_json(before, 503, expect.printer_error("printer_refused"))
    expect.assert_json(after, 200, expect.OPENED)
