"""Running cashdrawerd.exe under Wine for the Windows suite (tests/e2e/wine):
a Wine prefix of the test session's own (WINEPREFIX in a temporary
directory, created once with `wineboot -i`), Windows paths for Unix ones,
and the daemon started as `wine cashdrawerd.exe`, stopped by Ctrl-C (SIGINT:
Wine turns it into CTRL_C_EVENT; it ignores SIGTERM's meaning and just dies).
Every process started here is stopped by its PID; the prefix's own
wineserver is stopped with `wineserver -k` for that prefix only.

The prefix is Wine's own default (`wineboot -i`), with Mono and Gecko turned
off by WINEDLLOVERRIDES so that nothing asks to download them; last checked
with wine and wine64 8.0~repack-4 (Debian 12), where wineboot exits 0 and only
notes that the 32-bit rundll32 is missing (no wine32: the suite is 64-bit)."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from .daemon import Daemon
from .debian import installed_version

WINE = "/usr/bin/wine"
WINESERVER_CANDIDATES = ("/usr/lib/wine/wineserver64", "/usr/lib/wine/wineserver",
                         "/usr/bin/wineserver")
# Debian packages for each (see the Makefile's TEST_PACKAGES).
NEEDED = {WINE: "wine", "/usr/lib/wine/wine64": "wine64"}
CHECKED_WITH = "wine64 8.0~repack-4"
BOOT_TIMEOUT = 180.0
COMMAND_TIMEOUT = 60.0


def unavailable_reason():
    missing = sorted({package for path, package in NEEDED.items() if not os.access(path, os.X_OK)})
    if missing:
        return f"the Wine suite needs {', '.join(missing)} (apt-get install {' '.join(missing)})"
    return None


def windows_path(path):
    """Z:\\tmp\\x for /tmp/x: Wine's drive Z: is the Unix root."""
    return "Z:" + str(Path(path)).replace("/", "\\")


def wineserver():
    for candidate in WINESERVER_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    return "wineserver"


class WinePrefix:
    """A Wine prefix (its own C: drive, registry and wineserver) under /tmp."""

    def __init__(self, env=None, track=lambda proc: proc, path=None):
        self.path = Path(path) if path else Path(tempfile.mkdtemp(prefix="cashdrawerd-wine."))
        self.track = track
        self.env = dict(os.environ)
        self.env.update({"WINEPREFIX": str(self.path), "WINEDEBUG": "-all",
                         "WINEDLLOVERRIDES": "mscoree,mshtml=", "DISPLAY": ""})
        if env:
            self.env.update(env)

    def boot(self):
        """Creates the prefix (10 to 30 s on first use)."""
        booted = self.run(["wineboot", "-i"], timeout=BOOT_TIMEOUT, check=False)
        # the registry reaches the disk when the prefix's wineserver ends
        self.run([wineserver(), "-w"], timeout=BOOT_TIMEOUT, check=False)
        assert booted.returncode == 0 and (self.path / "system.reg").exists(), (
            f"wineboot -i (exit {booted.returncode}) did not create the prefix {self.path} with "
            f"{installed_version('wine64')}, last checked with {CHECKED_WITH}:\n"
            f"{booted.stderr.decode('utf-8', 'replace')}")
        return self

    def copy(self, track=None):
        """A copy of this prefix (after boot): a second wineserver of its own,
        which may then run in another network namespace."""
        self.run([wineserver(), "-w"], check=False)
        target = Path(tempfile.mkdtemp(prefix="cashdrawerd-wine."))
        shutil.rmtree(target)
        shutil.copytree(self.path, target, symlinks=True)
        return WinePrefix(env={k: v for k, v in self.env.items() if k != "WINEPREFIX"},
                          track=track or self.track, path=target)

    def run(self, argv, timeout=COMMAND_TIMEOUT, check=True, netns=None):
        """Runs a Wine command to its end; returns the CompletedProcess."""
        prefix = ["ip", "netns", "exec", netns] if netns else []
        # Files, not pipes: the wineserver or services.exe a command starts
        # inherit its output and live on, and a pipe would never reach EOF.
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = self.track(subprocess.Popen(prefix + [str(a) for a in argv], stdout=out,
                                               stderr=err, env=self.env,
                                               stdin=subprocess.DEVNULL))
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
                raise
            out.seek(0)
            err.seek(0)
            result = subprocess.CompletedProcess(proc.args, proc.returncode, out.read(), err.read())
        if check:
            assert result.returncode == 0, (
                f"{' '.join(map(str, argv))}: exit {result.returncode}\n"
                f"{result.stdout.decode('utf-8', 'replace')}{result.stderr.decode('utf-8', 'replace')}")
        return result

    def keeper(self, netns=None):
        """A Wine process that just waits (cmd reading its standard input):
        Wine stops its services once no ordinary Wine program runs, so the
        service tests keep this one alive. Stop it with stop_keeper."""
        prefix = ["ip", "netns", "exec", netns] if netns else []
        proc = self.track(subprocess.Popen(prefix + [WINE, "cmd", "/k"], stdin=subprocess.PIPE,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                           env=self.env))
        return proc

    @staticmethod
    def stop_keeper(proc):
        if proc.poll() is None:
            proc.stdin.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)

    def close(self):
        """Stops this prefix's wineserver (and the programs still in it), then
        deletes the prefix."""
        subprocess.run([wineserver(), "-k"], env=self.env, capture_output=True, timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if subprocess.run([wineserver(), "-w"], env=self.env, capture_output=True,
                              timeout=30).returncode == 0:
                break
            time.sleep(0.1)
        shutil.rmtree(self.path, ignore_errors=True)


class WineDaemon(Daemon):
    """The e2e suite's Daemon, started as `wine cashdrawerd.exe` in a prefix:
    its log folder given as a Windows path, stopped with Ctrl-C."""

    def __init__(self, exe, workdir, *, prefix, **kwargs):
        env = dict(prefix.env)
        env.update(kwargs.pop("env", None) or {})
        super().__init__(exe, workdir, wrapper=[WINE], env=env, **kwargs)
        at = self.argv.index("--log-dir")
        self.argv[at + 1] = windows_path(self.log_dir)
        self.prefix = prefix

    def stop(self, signum=signal.SIGINT, timeout=15.0):
        return super().stop(signum=signum, timeout=timeout)

    def wait_ready(self, timeout=30.0):
        return super().wait_ready(timeout=timeout)


def registry_value(prefix, key, name):
    """The data of a registry value as `reg query` prints it, or None."""
    result = prefix.run(["wine", "reg", "query", key, "/v", name], check=False)
    if result.returncode != 0:
        return None
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        parts = line.strip().split(None, 2)
        if len(parts) == 3 and parts[0] == name:
            return parts[2]
    return None


def built_exe(variable):
    """The .exe that `make windows` built, named by the environment variable
    (the Windows build's CTest sets it): its path, or the test fails saying
    how to build it."""
    path = Path(os.environ.get(variable, ""))
    if not path.is_file():
        pytest.fail(f"{variable}: {path} is not a file (build it: make windows)", pytrace=False)
    return path.resolve()


def wait_for(predicate, what, timeout=30.0):
    """Waits (bounded) until predicate() is true; fails naming what."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"{what} within {timeout} s"
        time.sleep(0.1)
