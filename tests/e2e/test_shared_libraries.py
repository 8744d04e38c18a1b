"""Which shared libraries the running daemon maps: libcups (and the Kerberos,
Avahi... it pulls in) only when the printer is a CUPS queue, and never
libsystemd (systemd's protocols are spoken directly). GnuTLS is mapped
always since HTTPS (issue 16): libmicrohttpd links it (its memory cost is in
bench/RESULTS.md, HTTPS). On a till
without libcups a tcp:// printer works all the same, and a CUPS printer is
refused at start with the cause and the fix."""
import ctypes
import os
import subprocess

import pytest

from e2elib import expect
from e2elib.skips import skip_or_fail

NOT_STARTED = "cashdrawerd: not started: fix the settings above (see --help)"


def mapped_files(daemon):
    """The files mapped in the daemon's memory."""
    with open(f"/proc/{daemon.proc.pid}/maps", encoding="utf-8") as maps:
        return {line.split(None, 5)[5].strip() for line in maps if len(line.split(None, 5)) == 6}


def mapped(daemon, library):
    """Whether a file named library (libcups.so.2) is mapped by the daemon."""
    return any(os.path.basename(path).startswith(library) for path in mapped_files(daemon))


def installed_libcups():
    """The real file of libcups.so.2, as the dynamic linker finds it."""
    ctypes.CDLL("libcups.so.2")
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            fields = line.split(None, 5)
            if len(fields) == 6 and os.path.basename(fields[5].strip()).startswith("libcups.so.2"):
                return os.path.realpath(fields[5].strip())
    raise AssertionError("libcups.so.2 loaded but not mapped")


def without_libcups():
    """A wrapper running the daemon in a mount namespace of its own where
    libcups.so.2 is an empty file, as on a till without libcups2 installed
    (dlopen then fails). The machine's own files are never touched."""
    if os.geteuid() != 0:
        skip_or_fail("a mount namespace needs root")
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c",
            'mount --bind /dev/null "$LIBCUPS" && exec "$@"', "sh"]


def test_a_tcp_printer_maps_neither_libcups_nor_libsystemd(start_daemon, printer):
    daemon = start_daemon(printer.uri)

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)

    assert printer.settle() == [expect.OPENED_DEFAULT]
    assert not mapped(daemon, "libcups.so")
    assert not mapped(daemon, "libkrb5.so") and not mapped(daemon, "libavahi-client.so")
    # systemd integration is built in, without libsystemd
    assert not mapped(daemon, "libsystemd.so")


def test_a_cups_printer_maps_libcups_from_the_start(start_daemon):
    # (no cupsd reachable: CUPS_SERVER names a missing socket; the start-up
    # check warns, and libcups is mapped all the same)
    daemon = start_daemon("cups:TICKET")

    assert mapped(daemon, "libcups.so.2")


def test_without_libcups_a_tcp_printer_still_opens_the_drawer(start_daemon, printer):
    wrapper = without_libcups()
    daemon = start_daemon(printer.uri, env={"LIBCUPS": installed_libcups()}, wrapper=wrapper)

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)

    assert printer.settle() == [expect.OPENED_DEFAULT]
    assert not mapped(daemon, "libcups.so")


@pytest.mark.parametrize("printer_args,printer_text", [
    ([], "TICKET"),  # the default printer: a CUPS queue
    (["--printer", "cups:TICKET"], "cups:TICKET"),
])
def test_without_libcups_a_cups_printer_is_refused_at_start_saying_install_libcups2(
        daemon_bin, tmp_path, printer_args, printer_text):
    wrapper = without_libcups()
    libcups = installed_libcups()

    result = subprocess.run(
        wrapper + [str(daemon_bin), "--port", "0", "--log-dir", str(tmp_path), *printer_args],
        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
        env={**os.environ, "LIBCUPS": libcups})

    assert result.returncode == 2, result
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    # dlopen's own words name the file it found (through /lib or /usr/lib)
    prefix = f"printer: imprimante {printer_text} : libcups.so.2 ne peut pas être chargée (« "
    suffix = "libcups.so.2: file too short ») : installez libcups2 (apt install libcups2)"
    assert lines[0].startswith(prefix) and lines[0].endswith(suffix), lines[0]
    assert os.path.realpath(lines[0][len(prefix):-len(suffix)] + "libcups.so.2") == libcups
    assert lines[1] == NOT_STARTED
    assert result.stdout == ""
