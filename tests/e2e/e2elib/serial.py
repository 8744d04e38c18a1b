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
import threading
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
    plays the printer on its end: a thread records every byte received and,
    with `answering` (the default), answers each DLE EOT n (10 04 n) as a
    healthy TM-T88V: 12, and 16 for n = 1 after a kick (the drawer opened).
    Without open_printer the printer's end is free for a simulator."""

    def __init__(self, directory, track, open_printer=True, answering=True):
        self.directory = Path(directory)
        self.till = self.directory / "till"
        self.printer = self.directory / "printer"
        self.track = track
        self.open_printer = open_printer
        self.answering = answering
        self.proc = None
        self.printer_fd = None
        self.starts = 0
        self._lock = threading.Condition()
        self._received = b""
        self._consumed = 0
        self._scanned = 0
        self._since_query1 = 0
        self._stop = threading.Event()
        self._thread = None

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
            self._stop.clear()
            self._thread = threading.Thread(target=self._serve, daemon=True, name="serial-printer")
            self._thread.start()
        return self

    def stop(self):
        """Unplugs: socat ends (SIGTERM), both ends and their links vanish."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=5)
            self._thread = None
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

    def _serve(self):
        while not self._stop.is_set():
            readable, _, _ = select.select([self.printer_fd], [], [], 0.05)
            if not readable:
                continue
            try:
                chunk = os.read(self.printer_fd, 65536)
            except BlockingIOError:
                continue
            except OSError:
                return  # the cable is gone
            with self._lock:
                self._received += chunk
                replies = self._replies() if self.answering else b""
                self._lock.notify_all()
            if replies:
                os.write(self.printer_fd, replies)

    def _replies(self):
        """Answers for the DLE EOT queries completed since the last call."""
        replies = b""
        data = self._received
        while True:
            at = data.find(b"\x10\x04", self._scanned)
            if at < 0:
                self._scanned = max(self._scanned, len(data) - 1)  # a 10 may start one
                return replies
            if at + 2 >= len(data):
                self._scanned = at
                return replies
            n = data[at + 2]
            if 1 <= n <= 4:
                kicked = self._has_kick(data, self._since_query1, at)
                replies += bytes([0x16 if n == 1 and kicked else 0x12])
                if n == 1:
                    self._since_query1 = at + 3
            self._scanned = at + 2

    @staticmethod
    def _has_kick(data, start, end):
        return data.find(b"\x1b\x70", start, end) >= 0 or data.find(b"\x10\x14\x01", start, end) >= 0

    def write(self, data):
        assert os.write(self.printer_fd, data) == len(data)

    def read_exact(self, count, timeout=5.0):
        """The next count bytes the printer received, or an assertion."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._received) - self._consumed < count:
                left = deadline - time.monotonic()
                assert left > 0, (f"printer end: {len(self._received) - self._consumed} of {count} "
                                  f"bytes within {timeout} s: {self._received[self._consumed:][:64]!r}")
                self._lock.wait(min(left, 0.1))
            data = self._received[self._consumed:self._consumed + count]
            self._consumed += count
            return data

    def assert_nothing_more(self, wait=0.3):
        # the test's input: a time in which nothing is to arrive (no event to wait for)
        time.sleep(wait)
        with self._lock:
            extra = self._received[self._consumed:]
        assert not extra, f"printer end: unexpected bytes {extra[:64]!r}"

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
