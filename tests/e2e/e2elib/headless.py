"""Debian's headless Chromium against the daemon, both inside a network
namespace with nothing but its loopback: the browser cannot reach any other
address whatever it tries. One browser process per page load, tracked and
killed by PID (its whole process group) if it hangs."""
import fcntl
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


def run(namespace, workdir, track, url, flags, timeout=RUN_TIMEOUT, env=None):
    """One Chromium process in namespace (a name) loading url with a fresh
    profile under workdir; returns (exit status, standard output, the path of
    its standard error). A browser still running at timeout is killed with
    its whole process group and fails the test. env: its environment (HOME
    decides the NSS database, ~/.pki/nssdb, it trusts)."""
    workdir = Path(workdir)
    profile = tempfile.mkdtemp(prefix="profile.", dir=workdir)
    stderr_path = Path(tempfile.mkstemp(prefix="chromium.", suffix=".stderr", dir=workdir)[1])
    argv = ["ip", "netns", "exec", namespace, CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
            *flags, url]
    with open(stderr_path, "wb") as err:
        # `ip netns exec` execs chromium: the PID is the browser's own
        proc = track(subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=err, start_new_session=True, cwd=workdir,
                                      env=env))
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # its whole process group: renderer and zygote are its children
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=10)
            raise AssertionError(f"chromium did not finish {url} within {timeout} s; "
                                 f"stderr in {stderr_path}")
    return proc.returncode, out.decode("utf-8", "replace"), stderr_path


class Chromium:
    def __init__(self, namespace, workdir, track):
        self.namespace = namespace
        self.workdir = Path(workdir)
        self.track = track

    def _run(self, url, flags):
        returncode, out, stderr_path = run(self.namespace, self.workdir, self.track, url, flags)
        assert returncode == 0, (f"chromium exited {returncode} on {url}: "
                                 f"{stderr_path.read_text(errors='replace')[-2000:]}")
        return out

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


class DevTools:
    """One Chromium driven through the DevTools protocol on a pipe
    (--remote-debugging-pipe: commands in on fd 3, answers out on fd 4, each
    message a JSON text ended by NUL), to click and read a page as a person
    would. Every wait is bounded by RUN_TIMEOUT."""

    def __init__(self, namespace, workdir, track):
        import json as _json
        self._json = _json
        self.workdir = Path(workdir)
        profile = tempfile.mkdtemp(prefix="devtools.", dir=self.workdir)
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def fds_3_and_4():
            # copies above 9 first, so that dup2 never overwrites the other pipe
            # end; dup2's copies are inherited, Python's own fds are not (PEP 446)
            a = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.stderr_path = self.workdir / "devtools.stderr"
        with open(self.stderr_path, "wb") as err:
            self.proc = track(subprocess.Popen(
                ["ip", "netns", "exec", namespace, CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
                 "--remote-debugging-pipe", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                start_new_session=True, close_fds=False, preexec_fn=fds_3_and_4,
                cwd=self.workdir))
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.session = None

    def _send(self, method, params=None, session=True):
        import select
        import time as _time
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, self._json.dumps(message).encode() + b"\0")
        deadline = _time.monotonic() + RUN_TIMEOUT
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                answer = self._json.loads(raw)
                if answer.get("id") == self._next_id:
                    assert "error" not in answer, f"{method}: {answer['error']}"
                    return answer["result"]
            left = deadline - _time.monotonic()
            assert left > 0, f"chromium: no answer to {method} within {RUN_TIMEOUT} s"
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 16)
                assert chunk, f"chromium closed its pipe; stderr in {self.stderr_path}"
                self._buffer += chunk

    def open(self, url, width, height, mobile=False):
        target = self._send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self._send("Target.attachToTarget",
                              {"targetId": target["targetId"], "flatten": True}, session=False)
        self.session = attached["sessionId"]
        self._send("Emulation.setDeviceMetricsOverride",
                   {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        self._send("Page.navigate", {"url": url})
        self.wait_for("document.readyState === 'complete' && location.href === "
                      + self._json.dumps(url))

    def evaluate(self, expression):
        result = self._send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                 "awaitPromise": True})
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_for(self, expression, timeout=30.0):
        """Evaluates expression until it is truthy; returns its value."""
        import time as _time
        deadline = _time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            assert _time.monotonic() < deadline, f"never true within {timeout} s: {expression}"
            _time.sleep(0.05)

    def close(self):
        try:
            if self.proc.poll() is None:
                self._send("Browser.close", session=False)
                self.proc.wait(timeout=30)
        except (AssertionError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            os.close(self._to_browser)
            os.close(self._from_browser)
