"""A serial cable for the tests: two pseudo-terminals joined by socat, one
end for the daemon (`till`), the other for the printer (`printer`), both
reached through symbolic links in the test's folder. Stopping socat makes
both ends disappear, as pulling out a USB-serial adapter does; starting it
again at the same link names is plugging it back in. socat is started and
stopped by its PID."""
import os
import select
import shutil
import signal
import subprocess
import termios
import time
import tty
from pathlib import Path

from .skips import skip_or_fail

START_TIMEOUT = 5.0


def socat_binary():
    path = shutil.which("socat")
    if path is None:
        skip_or_fail("socat is not installed (apt-get install socat; make test installs it)")
    return path


class SerialLine:
    """`till` and `printer` are the link paths. With open_printer, the test
    holds the printer's end (read_exact, write); otherwise a simulator may."""

    def __init__(self, directory, track, open_printer=True):
        self.directory = Path(directory)
        self.till = self.directory / "till"
        self.printer = self.directory / "printer"
        self.track = track
        self.open_printer = open_printer
        self.proc = None
        self.printer_fd = None
        self.starts = 0

    # ---- plugging ----

    def start(self):
        """Creates the pair (the links appear) and waits until socat relays."""
        self.directory.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        log_path = self.directory / f"socat-{self.starts}.log"
        with open(log_path, "wb") as log:
            self.proc = self.track(subprocess.Popen(
                [socat_binary(), "-d", "-d", f"pty,raw,echo=0,link={self.printer}",
                 f"pty,raw,echo=0,link={self.till}"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log))
        deadline = time.monotonic() + START_TIMEOUT
        while b"starting data transfer loop" not in log_path.read_bytes():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"socat did not start: {log_path.read_text(errors='replace')}")
            time.sleep(0.01)
        assert self.till.exists() and self.printer.exists()
        if self.open_printer:
            self.printer_fd = os.open(self.printer, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            tty.setraw(self.printer_fd)
        return self

    def stop(self):
        """Unplugs: socat ends (SIGTERM), both ends and their links vanish."""
        if self.printer_fd is not None:
            os.close(self.printer_fd)
            self.printer_fd = None
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=5)
        self.proc = None
        assert not os.path.lexists(self.till) and not os.path.lexists(self.printer), \
            "socat left its links behind"

    def pause(self):
        """The cable stops carrying anything (socat stopped with SIGSTOP)."""
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.proc.pid, signal.SIGCONT)

    # ---- the printer's end ----

    def write(self, data):
        assert os.write(self.printer_fd, data) == len(data)

    def read_exact(self, count, timeout=5.0):
        """Exactly count bytes from the printer's end, or an assertion."""
        data = b""
        deadline = time.monotonic() + timeout
        while len(data) < count:
            left = deadline - time.monotonic()
            assert left > 0, f"printer end: {len(data)} of {count} bytes within {timeout} s: {data[:64]!r}"
            readable, _, _ = select.select([self.printer_fd], [], [], min(left, 0.1))
            if readable:
                try:
                    data += os.read(self.printer_fd, count - len(data))
                except BlockingIOError:
                    pass
        return data

    def assert_nothing_more(self, wait=0.3):
        readable, _, _ = select.select([self.printer_fd], [], [], wait)
        if readable:
            try:
                extra = os.read(self.printer_fd, 4096)
            except BlockingIOError:
                return
            raise AssertionError(f"printer end: unexpected bytes {extra!r}")

    # ---- the daemon's end, seen by the test ----

    def open_till(self):
        """A descriptor of the test's own on the daemon's end; opening it
        changes none of its settings."""
        return os.open(self.till, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)

    def till_settings(self):
        """tcgetattr of the daemon's end: [iflag, oflag, cflag, lflag, ispeed, ospeed, cc]."""
        fd = self.open_till()
        try:
            return termios.tcgetattr(fd)
        finally:
            os.close(fd)


def wait_writable(fd, writable, timeout=5.0):
    """Waits until poll says fd is (or is not) writable: the line discipline
    has taken an XON or XOFF."""
    deadline = time.monotonic() + timeout
    while True:
        _, ready, _ = select.select([], [fd], [], 0)
        if bool(ready) == writable:
            return
        assert time.monotonic() < deadline, f"the line did not become {'writable' if writable else 'stopped'}"
        time.sleep(0.01)


def fill(fd, byte=b".", limit=16 << 20, timeout=20.0):
    """Writes byte to non-blocking fd until the line takes no more (nothing
    reads the other end); returns how many bytes went in."""
    chunk = byte * 4096
    total = 0
    deadline = time.monotonic() + timeout
    while True:
        assert total < limit and time.monotonic() < deadline, f"line still taking data after {total} bytes"
        try:
            total += os.write(fd, chunk)
            continue
        except BlockingIOError:
            pass
        # full once the kernel has moved on what it could
        _, ready, _ = select.select([], [fd], [], 0.2)
        if not ready:
            return total
