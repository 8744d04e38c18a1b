"""Debian's headless Chromium against the daemon, both inside a network
namespace with nothing but its loopback: the browser cannot reach any other
address whatever it tries. One browser process per page load, tracked and
killed by PID (its whole process group) if it hangs."""
import os
import shutil
import signal
import struct
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from . import netns

CHROMIUM = "chromium"
# Without the background-networking flags Chromium tries to reach the outside.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars"]
RUN_TIMEOUT = 90.0


def unavailable_reason():
    if shutil.which(CHROMIUM) is None:
        return "Debian's chromium is not installed (apt-get install chromium)"
    return netns.unavailable_reason()


class LoopbackNamespace:
    """A namespace whose only interface is lo (up)."""

    _counter = 0

    def __init__(self):
        LoopbackNamespace._counter += 1
        self.name = f"cdd-{os.getpid()}-page{LoopbackNamespace._counter}"
        self.created = False

    def create(self):
        netns._ip("netns", "add", self.name)
        self.created = True
        netns._ip("-n", self.name, "link", "set", "lo", "up")
        return self

    def delete(self):
        if self.created:
            netns._ip("netns", "del", self.name, check=False)
            self.created = False


class Chromium:
    def __init__(self, namespace, workdir, track):
        self.namespace = namespace
        self.workdir = Path(workdir)
        self.track = track
        self.runs = 0

    def _run(self, url, flags):
        self.runs += 1
        profile = tempfile.mkdtemp(prefix=f"profile{self.runs}.", dir=self.workdir)
        stderr_path = self.workdir / f"chromium{self.runs}.stderr"
        argv = ["ip", "netns", "exec", self.namespace, CHROMIUM, *FLAGS,
                f"--user-data-dir={profile}", *flags, url]
        with open(stderr_path, "wb") as err:
            # `ip netns exec` execs chromium: the PID is the browser's own
            proc = self.track(subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                               stdout=subprocess.PIPE, stderr=err,
                                               start_new_session=True, cwd=self.workdir))
            try:
                out, _ = proc.communicate(timeout=RUN_TIMEOUT)
            except subprocess.TimeoutExpired:
                # its whole process group: renderer and zygote are its children
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate(timeout=10)
                raise AssertionError(f"chromium did not finish {url} within {RUN_TIMEOUT} s; "
                                     f"stderr in {stderr_path}")
        assert proc.returncode == 0, (f"chromium exited {proc.returncode} on {url}: "
                                      f"{stderr_path.read_text(errors='replace')[-2000:]}")
        return out.decode("utf-8", "replace")

    def dump_dom(self, url, budget_ms=5000):
        """The DOM after the page ran its scripts, as HTML text."""
        return self._run(url, [f"--virtual-time-budget={budget_ms}", "--dump-dom"])

    def screenshot(self, url, path, width, height):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        self._run(url, [f"--screenshot={path}", f"--window-size={width},{height}",
                        "--virtual-time-budget=3000"])
        assert path.is_file(), f"chromium wrote no screenshot at {path}"
        return path


def png_size(path):
    """(width, height) of a PNG file; AssertionError if it is not one."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR", f"{path}: no IHDR chunk first"
    assert b"IEND" in data[-12:], f"{path}: no IEND chunk at the end (cut short?)"
    return struct.unpack(">II", data[16:24])


class Fields(HTMLParser):
    """Reads every data-field="name" data-value="value" pair of a page."""

    def __init__(self, html):
        super().__init__()
        self.values = {}
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "data-field" in attrs:
            self.values[attrs["data-field"]] = attrs.get("data-value")
