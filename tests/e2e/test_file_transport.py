"""file: printers (USB /dev/usb/lp0, parallel ports): the kick is appended
to the existing device file, and a missing device is never created."""
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
        f"127.0.0.1 GET /open-cash-drawer 503 printer_not_found - printer file:{device}: "
        "No such file or directory (is the printer plugged in and switched on?)"]
