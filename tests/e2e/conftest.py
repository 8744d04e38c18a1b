"""Fixtures of the end-to-end suite: the real daemon (CASHDRAWERD_BIN), the
printer simulator (ESCPOS_SIM_BIN), recording printers, network namespaces.
Every process a test starts is tracked and stopped by its PID."""
import os
import signal
import subprocess
from pathlib import Path

import pytest

from e2elib import cupsd as cupsd_lib
from e2elib import netns as netns_lib
from e2elib.daemon import Daemon, stop_all
from e2elib.printer import BlackholePrinter, PrinterListener
from e2elib.skips import skip_or_fail

REPO = Path(__file__).resolve().parents[2]
FAKETIME_LIBS = (
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
    "/usr/lib/faketime/libfaketimeMT.so.1",
)

_processes = []  # every Popen the suite started, for the last-resort cleanup

# wine/ tests cashdrawerd.exe under Wine: only when it is given (the
# e2e_wine test of the Windows build, see CMakeLists.txt).
collect_ignore = [] if os.environ.get("CASHDRAWERD_EXE") else ["wine"]


def _binary(variable, default):
    path = Path(os.environ.get(variable) or REPO / default)
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"{variable}: {path} is not an executable (build it first: "
                    f"cmake -S . -B build && cmake --build build)", pytrace=False)
    return path.resolve()


@pytest.fixture(scope="session")
def daemon_bin():
    return _binary("CASHDRAWERD_BIN", "build/cashdrawerd")


@pytest.fixture(scope="session")
def sim_bin():
    return _binary("ESCPOS_SIM_BIN", "build/escpos-sim")


@pytest.fixture(scope="session", autouse=True)
def _kill_leftovers():
    yield
    for proc in _processes:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@pytest.fixture(scope="session", autouse=True)
def _no_system_cupsd():
    """The default printer is the CUPS queue TICKET: a daemon started by any
    test must never reach the machine's own cupsd. CUPS_SERVER names a socket
    that does not exist unless a test gives its private cupsd's address."""
    saved = os.environ.get("CUPS_SERVER")
    os.environ["CUPS_SERVER"] = "/nonexistent/cashdrawerd-tests/no-cupsd.sock"
    yield
    if saved is None:
        del os.environ["CUPS_SERVER"]
    else:
        os.environ["CUPS_SERVER"] = saved


def track(proc):
    _processes.append(proc)
    return proc


@pytest.fixture
def start_daemon(daemon_bin, tmp_path):
    """start_daemon(printer=URI, args=[...], ...) -> a ready Daemon.
    At teardown each daemon still running gets SIGTERM and must exit 0 with no
    sanitizer report."""
    started = []

    def start(printer, args=(), wait_ready=True, workdir=None, **kwargs):
        workdir = Path(workdir) if workdir else tmp_path / f"daemon{len(started)}"
        daemon = Daemon(daemon_bin, workdir, printer=printer, args=args, **kwargs)
        started.append(daemon)
        daemon.start(wait_ready=False)
        track(daemon.proc)
        if wait_ready:
            daemon.wait_ready()
        return daemon

    yield start
    stop_all(started, "SIGTERM")


@pytest.fixture
def printer():
    """A recording printer on 127.0.0.1."""
    listener = PrinterListener()
    yield listener
    listener.close()


@pytest.fixture
def make_printer():
    made = []

    def make(**kwargs):
        listener = PrinterListener(**kwargs)
        made.append(listener)
        return listener

    yield make
    for listener in made:
        listener.close()


@pytest.fixture
def blackhole():
    hole = BlackholePrinter()
    yield hole
    hole.close()


@pytest.fixture
def spawn(tmp_path):
    """spawn(argv, **popen_kwargs) -> Popen, tracked, killed by PID at teardown."""
    procs = []

    def run(argv, **kwargs):
        kwargs.setdefault("stdin", subprocess.DEVNULL)
        proc = track(subprocess.Popen([str(a) for a in argv], **kwargs))
        procs.append(proc)
        return proc

    yield run
    for proc in procs:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


@pytest.fixture(scope="module")
def namespaces():
    """A srv/cli namespace pair joined by a veth (deleted even on failure)."""
    reason = netns_lib.unavailable_reason()
    if reason is not None:
        skip_or_fail(f"LAN tests need network namespaces: {reason}")
    pair = netns_lib.NamespacePair()
    try:
        pair.create()
        yield pair
    finally:
        pair.delete()


@pytest.fixture(scope="session")
def faketime_lib():
    for candidate in FAKETIME_LIBS:
        if Path(candidate).is_file():
            return candidate
    skip_or_fail("libfaketime is not installed (apt-get install faketime)")


@pytest.fixture
def cupsd():
    """A private cupsd on 127.0.0.1 (its own configuration, spool and port),
    stopped by its PID and removed at teardown. Daemons reach it with
    env=cupsd.env."""
    reason = cupsd_lib.unavailable_reason()
    if reason is not None:
        skip_or_fail(reason)
    server = cupsd_lib.Cupsd(track=track)
    try:
        server.start()
        yield server
    finally:
        server.close()
