"""A private CUPS scheduler for the tests: its own configuration, spool,
cache, state and logs in a temporary directory, listening on 127.0.0.1 on a
port of its own. It never uses or touches the system's cupsd (which may or
may not run on this machine). Started in the foreground (cupsd -f) and
stopped by its PID; clients reach it with -h / CUPS_SERVER=self.server.

Its configuration was last checked with cups-daemon 2.4.2-3+deb12u11, Debian
12's security update of 2026-12-01, which refuses a bare "Printcap" that
earlier updates accepted. start() has `cupsd -t` check it first, so a directive a newer cupsd refuses
fails with cupsd's own words and the version found."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .debian import installed_version

CUPSD = "/usr/sbin/cupsd"
LPADMIN = "/usr/sbin/lpadmin"
CUPSENABLE = "/usr/sbin/cupsenable"
CUPSDISABLE = "/usr/sbin/cupsdisable"
CUPSACCEPT = "/usr/sbin/cupsaccept"
CUPSREJECT = "/usr/sbin/cupsreject"
CHECKED_WITH = "cups-daemon 2.4.2-3+deb12u11"
LPSTAT = "/usr/bin/lpstat"
SOCKET_BACKEND = "/usr/lib/cups/backend/socket"
# Debian packages providing each of them (see the Makefile's TEST_PACKAGES).
NEEDED = {CUPSD: "cups-daemon", LPADMIN: "cups-client", CUPSENABLE: "cups-client",
          CUPSDISABLE: "cups-client", CUPSACCEPT: "cups-client", CUPSREJECT: "cups-client",
          LPSTAT: "cups-client", SOCKET_BACKEND: "cups"}
START_TIMEOUT = 15.0
COMMAND_TIMEOUT = 15.0


def unavailable_reason():
    """Why a private cupsd cannot run here, or None."""
    missing = sorted({package for path, package in NEEDED.items() if not os.access(path, os.X_OK)})
    if missing:
        return f"the CUPS tests need {', '.join(missing)} (apt-get install {' '.join(missing)})"
    return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cupsd:
    """One private cupsd. `track` is called with each Popen (the suite's
    last-resort cleanup)."""

    def __init__(self, track=lambda proc: proc):
        # Under /tmp rather than pytest's tmp_path: cupsd running as root
        # starts its backends as user lp, who must reach the spool files, and
        # pytest's directories are private to root (0700).
        self.dir = Path(tempfile.mkdtemp(prefix="cashdrawerd-cupsd."))
        self.dir.chmod(0o755)
        self.port = free_port()
        self.track = track
        self.proc = None
        for sub in ("log", "spool", "spool/tmp", "cache", "state", "ppd"):
            (self.dir / sub).mkdir()
        self._write_config()

    @property
    def server(self):
        """What CUPS_SERVER and `-h` take."""
        return f"127.0.0.1:{self.port}"

    @property
    def socket_path(self):
        """Its local socket, as /run/cups/cups.sock on an installed system."""
        return str(self.dir / "cups.sock")

    @property
    def env(self):
        return {"CUPS_SERVER": self.server}

    def _write_config(self):
        if os.geteuid() == 0:
            user, group, system_group = "lp", "lp", "root"
        else:  # cupsd run by a user runs its backends as that user
            import grp
            import pwd
            user = pwd.getpwuid(os.geteuid()).pw_name
            group = system_group = grp.getgrgid(os.getegid()).gr_name
        d = self.dir
        # No sharing, browsing, web interface or printer discovery: a bare
        # scheduler on the loopback. The policy asks for no password (the
        # tests administer queues from the loopback).
        (d / "cupsd.conf").write_text(
            f"Listen 127.0.0.1:{self.port}\n"
            f"Listen {self.socket_path}\n"
            "Browsing No\n"
            "BrowseLocalProtocols none\n"
            "WebInterface No\n"
            "LogLevel info\n"
            "MaxLogSize 0\n"
            "PreserveJobHistory Yes\n"
            "PreserveJobFiles No\n"
            "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n",
            encoding="utf-8")
        (d / "cups-files.conf").write_text(
            f"ServerRoot {d}\n"
            f"StateDir {d}/state\n"
            f"CacheDir {d}/cache\n"
            f"RequestRoot {d}/spool\n"
            f"TempDir {d}/spool/tmp\n"
            f"AccessLog {d}/log/access_log\n"
            f"ErrorLog {d}/log/error_log\n"
            f"PageLog {d}/log/page_log\n"
            "ServerBin /usr/lib/cups\n"
            "DataDir /usr/share/cups\n"
            f"User {user}\nGroup {group}\nSystemGroup {system_group}\n"
            # The list of queues cupsd writes for lpr-era programs: here, in
            # its own folder. A bare "Printcap" (meaning none) is refused by
            # cups-daemon 2.4.2-3+deb12u11 ("Missing value for Printcap").
            f"Printcap {d}/printcap\n",
            encoding="utf-8")

    def _config_args(self):
        return ["-c", str(self.dir / "cupsd.conf"), "-s", str(self.dir / "cups-files.conf")]

    def check_config(self):
        """`cupsd -t`: the installed cupsd accepts both files, or the reason."""
        result = subprocess.run([CUPSD, "-t", *self._config_args()], capture_output=True,
                                text=True, timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL)
        assert result.returncode == 0, (
            f"the installed cupsd ({installed_version('cups-daemon')}) refuses the test "
            f"cupsd's configuration, last checked with {CHECKED_WITH}:\n"
            f"{result.stdout}{result.stderr}")

    # ---- life cycle ----

    def start(self, timeout=START_TIMEOUT):
        assert self.proc is None or self.proc.poll() is not None, "cupsd already running"
        self.check_config()
        with open(self.dir / "log" / "cupsd.out", "ab") as out:
            self.proc = self.track(subprocess.Popen(
                [CUPSD, "-f", *self._config_args()],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                cwd=self.dir, env=self._client_env()))
        deadline = time.monotonic() + timeout
        # cupsd listens once its configuration and queues are loaded.
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"cupsd exited with status {self.proc.returncode}\n"
                                     f"{self.logs()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"cupsd not listening on {self.server} within {timeout} s\n"
                                     f"{self.logs()}")
            time.sleep(0.02)

    def stop(self, timeout=10.0):
        """SIGTERM to our cupsd's PID; it saves its queues and exits."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
            raise AssertionError(f"cupsd did not stop within {timeout} s of SIGTERM; killed")

    def close(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def logs(self):
        parts = []
        for name in ("cupsd.out", "error_log"):
            path = self.dir / "log" / name
            if path.exists():
                parts.append(f"--- cupsd {name} ---\n" + path.read_text("utf-8", "replace"))
        return "\n".join(parts)

    # ---- administration, through the client commands as an admin would ----

    def _client_env(self):
        env = dict(os.environ)
        env.update(self.env)
        return env

    def run(self, *argv):
        result = subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                                timeout=COMMAND_TIMEOUT, env=self._client_env(),
                                stdin=subprocess.DEVNULL)
        assert result.returncode == 0, (
            f"{' '.join(map(str, argv))}: exit {result.returncode}\n{result.stdout}{result.stderr}"
            f"\n{self.logs()}")
        return result.stdout

    def add_raw_queue(self, name, device_uri):
        """A raw queue (no filter: the bytes go to the backend as they are),
        enabled and accepting. CUPS 2.4 warns that raw queues are deprecated."""
        self.run(LPADMIN, "-h", self.server, "-p", name, "-E", "-v", device_uri, "-m", "raw")

    def delete_queue(self, name):
        self.run(LPADMIN, "-h", self.server, "-x", name)

    def disable(self, name, reason=None):
        self.run(CUPSDISABLE, "-h", self.server, *(["-r", reason] if reason else []), name)

    def enable(self, name):
        self.run(CUPSENABLE, "-h", self.server, name)

    def reject(self, name, reason=None):
        self.run(CUPSREJECT, "-h", self.server, *(["-r", reason] if reason else []), name)

    def accept(self, name):
        self.run(CUPSACCEPT, "-h", self.server, name)

    def jobs(self, name, which="not-completed"):
        """The job ids of queue name (lpstat -W which -o name)."""
        out = self.run(LPSTAT, "-h", self.server, "-W", which, "-o", name)
        return [line.split()[0] for line in out.splitlines() if line.strip()]


class SilentServer:
    """A TCP address that accepts connections (the kernel completes them in
    the listen backlog) but never reads or answers: a hung cupsd."""

    def __init__(self, host="127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.server = f"{host}:{self.port}"

    def close(self):
        self.sock.close()
