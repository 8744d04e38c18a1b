"""file: printers (USB /dev/usb/lp0, parallel ports): the kick is appended
to the existing device file, counts once the device has finished taking it,
and a missing device is never created."""
import fcntl
import os

from e2elib import expect, logfile


def test_file_printer_gets_the_exact_kick_appended(start_daemon, tmp_path):
    device = tmp_path / "lp0"
    device.write_bytes(b"earlier receipt\n")
    daemon = start_daemon(f"file:{device}", ["--min-interval-ms", "0"])

    first = daemon.get("/open-cash-drawer")
    second = daemon.get("/open-cash-drawer")

    # A plain file cannot answer DLE EOT: nothing is asked, the drawer is unknown.
    expect.assert_json(first, 200, expect.OPENED_UNREAD)
    expect.assert_json(second, 200, expect.OPENED_UNREAD)
    assert device.read_bytes() == b"earlier receipt\n" + expect.KICK_DEFAULT * 2


def test_missing_file_printer_gives_503_printer_not_found_and_is_not_created(start_daemon, tmp_path):
    device = tmp_path / "lp0"
    daemon = start_daemon(f"file:{device}")
    mark = daemon.log_mark()

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 503, expect.printer_error("printer_not_found"))
    assert not device.exists()
    assert logfile.messages(daemon.log_lines_since(mark), "ERROR") == [
        f"127.0.0.1 GET /open-cash-drawer 503 printer_not_found - imprimante file:{device} : "
        "aucun fichier ou dossier de ce nom (ENOENT) (l'imprimante est-elle branchée et "
        "allumée ?)"]


def test_a_device_that_does_not_finish_taking_the_kick_is_a_503_printer_timeout(
        start_daemon, tmp_path):
    # usblp's non-blocking write only starts the USB transfer, and closing the
    # device would cancel it: the kick counts once the device is ready for
    # more. A one-page pipe that nobody empties plays a printer that never
    # finishes: it holds the kick, and the opening is not `opened`.
    device = tmp_path / "lp0"
    os.mkfifo(device)
    reader = os.open(device, os.O_RDONLY | os.O_NONBLOCK)
    try:
        fcntl.fcntl(reader, fcntl.F_SETPIPE_SZ, 4096)
        filler = os.open(device, os.O_WRONLY | os.O_NONBLOCK)
        os.write(filler, b"." * 100)  # its page is the pipe's only one: full
        os.close(filler)
        daemon = start_daemon(f"file:{device}", ["--min-interval-ms", "0", "--timeout-ms", "500"])
        mark = daemon.log_mark()

        resp = daemon.get("/open-cash-drawer")
        held = os.read(reader, 4096)
    finally:
        os.close(reader)

    expect.assert_json(resp, 503, expect.printer_error("printer_timeout"))
    assert resp.elapsed >= 0.5 * 0.9, "gave up before timeout_ms"
    assert held == b"." * 100 + expect.KICK_DEFAULT
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        f"127.0.0.1 GET /open-cash-drawer 503 printer_timeout - imprimante file:{device} : le "
        "périphérique n'a pas fini de prendre les données à temps (imprimante éteinte, hors ligne "
        "ou sans papier ?)"]
