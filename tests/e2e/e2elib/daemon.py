"""The daemon under test: started for real, on a port of its own choosing
(--port 0, read back from its start-up line) unless a test needs a given
one, with its log in the test's tmp_path; stopped by PID only."""
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from . import french, logfile, web

READY_TIMEOUT = 5.0
# The daemon holds the log line of a /status answered 200 for up to 100 ms
# (rotlog's ROTLOG_FLUSH_MS) to write such routine lines together (any
# other line is written at once): reading the log waits until the line of
# every such /status answered through this Daemon is in the file, failing
# after this long.
SETTLE_TIMEOUT = 5.0
# ROTLOG_FLUSH_MS, and as much again for the thread that writes the lines
ROUTINE_HOLD_S = 0.1 + 0.1
# what the line of a /status answered 200 says, whoever asked
STATUS_LINE_PART = b" GET /status 200 ok"
START_RE = re.compile(r"Service démarré \(cashdrawerd [^)]*\) : écoute sur (?P<listen>.+?), imprimante ")
LISTEN_PORT_RE = re.compile(r"(?:\[[^\]]*\]|[^ :,]+):(\d+)")
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "ERROR: UndefinedBehaviorSanitizer")


class DaemonFailed(AssertionError):
    pass


class Daemon:
    def __init__(self, binary, workdir, *, printer, args=(), port=0, log_dir=None,
                 env=None, netns=None, connect=web.tcp_connect, log_console=False,
                 wrapper=()):
        self.binary = str(binary)
        self.workdir = Path(workdir)
        self.log_dir = Path(log_dir) if log_dir is not None else self.workdir / "logs"
        self.requested_port = port
        self.port = None
        self.netns = netns
        self.connect = connect
        self.stderr_path = self.workdir / f"daemon-{id(self):x}.stderr"
        self.stdout_path = self.workdir / f"daemon-{id(self):x}.stdout"
        argv = [self.binary, "--port", str(port), "--log-dir", str(self.log_dir),
                "--log-console", "true" if log_console else "false"]
        if printer is not None:
            argv += ["--printer", printer]
        argv += [str(a) for a in args]
        prefix = ["ip", "netns", "exec", netns] if netns else []
        self.argv = prefix + list(wrapper) + argv
        self.env = dict(os.environ)
        self.env.setdefault("TZ", "Europe/Paris")
        if env:
            self.env.update(env)
        self.proc = None
        self.returncode = None
        # /status 200 lines: in the log's files when this Daemon started,
        # and answered through it since (each one's line reaches the file)
        self._status_lines_before = 0
        self._status_answered = 0

    # ---- life cycle ----

    def start(self, wait_ready=True):
        self.workdir.mkdir(parents=True, exist_ok=True)
        # A daemon started again on the same log folder: its start-up line
        # is the one after those already there (or in a new file, when the
        # old one was archived at start).
        self._log_before = self._start_lines()
        self._status_lines_before = self._status_lines() - self._status_answered
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            # `ip netns exec` execs the daemon: this PID is the daemon's own.
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=err, env=self.env, cwd=self.workdir)
        if wait_ready:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=READY_TIMEOUT):
        """Waits for the start-up line (it gives the port), then for /status."""
        deadline = time.monotonic() + timeout
        while self.port is None:
            self._fail_if_exited("exited before it was ready")
            line = self._start_line()
            if line is not None:
                ports = LISTEN_PORT_RE.findall(START_RE.search(line)["listen"])
                self.port = int(ports[0])
                break
            if time.monotonic() > deadline:
                self.fail(f"no start-up line within {timeout} s")
            time.sleep(0.01)
        last_error = None
        while True:
            self._fail_if_exited("exited before answering /status")
            try:
                # ?printer=cached: readiness must not send the printer a byte
                resp = web.get("/status?printer=cached", port=self.port, timeout=1.0,
                               connect=self.connect)
                self._note_answered("GET", "/status", resp)
                if resp.status == 200:
                    return
                last_error = f"/status answered {resp.status}"
            except OSError as exc:
                last_error = repr(exc)
            if time.monotonic() > deadline:
                self.fail(f"/status not answering within {timeout} s: {last_error}")
            time.sleep(0.02)

    def _start_lines(self):
        """(inode, start-up lines) of the log file now."""
        if not self.log_path.is_file():  # none yet, or a device such as /dev/full
            return None, []
        try:
            data, inode = self.log_path.read_bytes(), self.log_path.stat().st_ino
        except FileNotFoundError:
            return None, []
        lines = data.decode("utf-8", "replace").split("\n")
        return inode, [line for line in lines if START_RE.search(line)]

    def _start_line(self):
        inode, lines = self._start_lines()
        old_inode, old_lines = self._log_before
        seen = len(old_lines) if inode == old_inode else 0
        return lines[seen] if len(lines) > seen else None

    def _fail_if_exited(self, what):
        if self.proc.poll() is not None:
            self.returncode = self.proc.returncode
            self.fail(f"{what} (exit status {self.returncode})")

    def send_signal(self, signum):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signum)

    def stop(self, signum=signal.SIGTERM, timeout=5.0):
        """Sends signum to the daemon's PID and waits; SIGKILL if it hangs.
        Returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signum)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
                self.returncode = self.proc.returncode
                self.fail(f"did not stop within {timeout} s of signal {signum}; killed")
        self.returncode = self.proc.returncode
        return self.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)

    # ---- what it wrote ----

    @property
    def log_path(self):
        return self.log_dir / logfile.LOG_NAME

    def _status_lines(self):
        """How many /status 200 lines the log's files hold (today's and the archives)."""
        count = 0
        for path in self.log_dir.glob(logfile.LOG_NAME + "*"):
            try:
                if path.is_file() and not path.is_symlink():
                    count += path.read_bytes().count(STATUS_LINE_PART)
            except FileNotFoundError:  # archived or deleted meanwhile
                pass
        return count

    def settle_log(self, timeout=SETTLE_TIMEOUT):
        """Waits until the line of every /status answered 200 through this
        Daemon is in the log's files (the daemon may hold it 100 ms). A
        daemon that has exited holds nothing: its lines were written or lost."""
        deadline = time.monotonic() + timeout
        while self.proc is not None and self.proc.poll() is None:
            missing = self._status_lines_before + self._status_answered - self._status_lines()
            if missing <= 0:
                return
            if time.monotonic() > deadline:
                self.fail(f"{missing} of the {self._status_answered} lines of /status answered "
                          f"200 through this Daemon not in {self.log_dir} after {timeout} s")
            time.sleep(0.01)

    def wait_out_lost_status_line(self):
        """The line of the last /status answered through this Daemon is to
        be lost (a full or read-only log disk): waits out the 100 ms the
        daemon may hold it, and settle_log no longer waits for it. The one
        wait on time left: a line lost leaves nothing to wait for (the
        count of lines lost is read through /status, whose own line would
        be held in turn)."""
        self._status_answered -= 1
        time.sleep(ROUTINE_HOLD_S)

    def log_lines(self):
        self.settle_log()
        return logfile.read_lines(self.log_path) if self.log_path.exists() else []

    def log_mark(self):
        """How many lines the log has now (see log_lines_since)."""
        return len(self.log_lines())

    def log_lines_since(self, mark):
        """The lines written after log_mark() returned mark."""
        return self.log_lines()[mark:]

    def stderr(self):
        return self.stderr_path.read_bytes().decode("utf-8", "replace") if self.stderr_path.exists() else ""

    def english_lines(self):
        """Lines of this daemon's log files (today's and the archives), and
        of their copy on standard error, whose message is not French."""
        def message(line):
            # a "<N>" priority before a line copied to the journal
            match = logfile.LINE_RE.match(re.sub(r"^<\d>", "", line))
            return match["message"] if match else None

        found = []
        sources = [(path, path.read_bytes()) for path in sorted(self.log_dir.glob("cashdrawer.log*"))
                   if path.is_file() and not path.is_symlink()]
        if self.stderr_path.exists():
            sources.append((self.stderr_path, self.stderr_path.read_bytes()))
        for path, data in sources:
            lines = data.decode("utf-8", "replace").split("\n")
            found += [f"{path.name}: {line}\n    English: {', '.join(words)}"
                      for line, words in french.english_lines(lines, message)]
        return found

    def sanitizer_report(self):
        text = self.stderr()
        return text if any(marker in text for marker in SANITIZER_MARKERS) else None

    def fail(self, what):
        log = self.log_path.read_bytes().decode("utf-8", "replace") if self.log_path.exists() else "(no log file)"
        raise DaemonFailed(
            f"cashdrawerd {what}\ncommand: {' '.join(self.argv)}\n--- stderr ---\n{self.stderr()}"
            f"\n--- {self.log_path} ---\n{log}"
        )

    # ---- requests ----

    def _note_answered(self, method, path, resp):
        if method == "GET" and path.split("?")[0] == "/status" and resp.status == 200:
            self._status_answered += 1

    def request(self, method, path, *, host="127.0.0.1", **kwargs):
        kwargs.setdefault("connect", self.connect)
        resp = web.request(method, path, port=self.port, host=host, **kwargs)
        self._note_answered(method, path, resp)
        return resp

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def raw(self, method, path, *, host="127.0.0.1", **kwargs):
        kwargs.setdefault("connect", self.connect)
        resp = web.raw(method, path, port=self.port, host=host, **kwargs)
        self._note_answered(method, path, resp)
        return resp


def stop_all(daemons, how):
    """Teardown of the daemons a test started: each one still running is
    stopped (how names the way, for messages: "SIGTERM", "Ctrl-C") and must
    exit 0; none may leave a sanitizer report, nor a line in English in its
    log (e2elib/french.py). Fails the test listing every problem."""
    problems = []
    for daemon in daemons:
        was_running = daemon.proc.poll() is None
        try:
            rc = daemon.stop()
        except AssertionError as exc:
            problems.append(str(exc))
            continue
        if was_running and rc != 0:
            problems.append(f"exit status {rc} after {how} at teardown\n{daemon.stderr()}")
        report = daemon.sanitizer_report()
        if report:
            problems.append(f"sanitizer report:\n{report}")
        english = daemon.english_lines()
        if english:
            problems.append("log lines not in French (issue 14):\n" + "\n".join(english))
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)
