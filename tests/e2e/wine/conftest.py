"""Fixtures of the Windows suite: cashdrawerd.exe (CASHDRAWERD_EXE) under
Wine, with a private cupsd whose raw queue TICKET feeds a recording printer,
behind Wine's spooler (Wine hands RAW spooler jobs to CUPS, here the private
cupsd through CUPS_SERVER). One prefix and one cupsd per session."""
import os
import signal

import pytest

from e2elib import cupsd as cupsd_lib
from e2elib import wine as wine_lib
from e2elib.daemon import stop_all
from e2elib.printer import PrinterListener
from e2elib.skips import skip_or_fail

QUEUE = "TICKET"

_processes = []  # every Popen of this suite, killed by PID if still running at the end


def track(proc):
    _processes.append(proc)
    return proc


@pytest.fixture(scope="session", autouse=True)
def _kill_wine_leftovers():
    yield
    for proc in _processes:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def exe():
    return wine_lib.built_exe("CASHDRAWERD_EXE")


@pytest.fixture(scope="session")
def ticket_printer():
    """The printer behind the queue TICKET: what it receives is what the
    drawer's pulse became after Wine's spooler and CUPS."""
    listener = PrinterListener()
    yield listener
    listener.close()


@pytest.fixture(scope="session")
def cups(ticket_printer):
    reason = cupsd_lib.unavailable_reason()
    if reason is not None:
        skip_or_fail(reason)
    server = cupsd_lib.Cupsd(track=track)
    try:
        server.start()
        server.add_raw_queue(QUEUE, f"socket://127.0.0.1:{ticket_printer.port}")
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def prefix(cups):
    """A booted Wine prefix whose programs reach the private cupsd."""
    reason = wine_lib.unavailable_reason()
    if reason is not None:
        skip_or_fail(reason)
    made = wine_lib.WinePrefix(env=cups.env, track=track)
    try:
        made.boot()
        yield made
    finally:
        made.close()


@pytest.fixture
def start_exe(exe, prefix, tmp_path):
    """start_exe(printer=None, args=[...], ...) -> a ready WineDaemon
    (printer None: the default, TICKET). At teardown each one still running
    gets Ctrl-C and must exit 0."""
    started = []

    def start(printer=None, args=(), wait_ready=True, on_prefix=None, **kwargs):
        daemon = wine_lib.WineDaemon(exe, tmp_path / f"daemon{len(started)}",
                                     prefix=on_prefix or prefix, printer=printer, args=args,
                                     **kwargs)
        started.append(daemon)
        daemon.start(wait_ready=False)
        track(daemon.proc)
        if wait_ready:
            daemon.wait_ready()
        return daemon

    yield start
    stop_all(started, "Ctrl-C")


@pytest.fixture
def printer_marks(ticket_printer):
    """new(count) -> the connections the printer got since the test started,
    once at least count came: CUPS runs the queue's backend after the spooler
    took the job, so the bytes arrive a little after the HTTP answer."""
    first = ticket_printer.accepted_count()

    class Marks:
        @staticmethod
        def new(count=1, timeout=30.0):
            ticket_printer.wait_accepted(first + count, timeout=timeout)
            return ticket_printer.settle(timeout=timeout)[first:]

    return Marks
