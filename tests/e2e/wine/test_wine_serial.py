"""serial:COMn on Windows through the Win32 serial API: Wine maps COM9 to a
pseudo-terminal whose other end plays the printer, receiving the kick and
the status query, and answering DLE EOT 1 so that the drawer's state is
read back as on Linux."""
import os
import pty
import select
import threading
import time
import tty

import pytest

from e2elib import expect

KICK_AND_QUERY = expect.KICK_DEFAULT + bytes([0x10, 0x04, 0x01])


class PtyPrinter:
    """The printer end of a pseudo-terminal: records what comes and answers
    each DLE EOT with `reply` (bit 2: drawer pin 3 HIGH)."""

    def __init__(self, reply):
        self.master, self.slave = pty.openpty()
        tty.setraw(self.master)
        self.name = os.ttyname(self.slave)
        self.reply = reply
        self.data = b""
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 256)
            except OSError:
                return
            self.data += chunk
            os.write(self.master, bytes([self.reply]) * chunk.count(b"\x10\x04"))

    def wait_for(self, length, timeout=20.0):
        deadline = time.monotonic() + timeout
        while len(self.data) < length and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.data

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def com9(prefix):
    made = []

    def make(reply):
        printer = PtyPrinter(reply)
        made.append(printer)
        link = prefix.path / "dosdevices" / "com9"
        if link.is_symlink():
            link.unlink()
        link.symlink_to(printer.name)
        return printer

    yield make
    (prefix.path / "dosdevices" / "com9").unlink(missing_ok=True)
    for printer in made:
        printer.close()


@pytest.mark.parametrize("reply, drawer", [(0x12, "closed"), (0x16, "open")])
def test_serial_port_gets_the_kick_and_reads_the_drawer_back(start_exe, com9, reply, drawer):
    printer = com9(reply)
    daemon = start_exe("serial:COM9?baud=38400&flow=none")

    resp = daemon.get("/open-cash-drawer" + expect.READ_BACK)

    expect.assert_json(resp, 200, {**expect.OPENED, "drawer": drawer})
    assert printer.wait_for(len(KICK_AND_QUERY)) == KICK_AND_QUERY


def test_missing_serial_port_is_printer_not_found_with_the_device_manager_hint(start_exe):
    daemon = start_exe("serial:COM42?flow=none")

    resp = daemon.get("/open-cash-drawer")

    assert resp.status == 503
    assert resp.json()["error"] == "printer_not_found"
    assert any("aucun port série COM42 (l'adaptateur USB-série de l'imprimante est-il branché ? "
               "Gestionnaire de périphériques > Ports (COM et LPT) montre le nom du port)" in line
               for line in daemon.log_lines())
