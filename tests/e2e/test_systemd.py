"""Under systemd: READY=1 and STOPPING=1 reach the notification socket
(Type=notify), and each log line goes to standard error as the journal
reads it, "<N>message" with its priority (sd-daemon(3), SyslogLevelPrefix=),
once JOURNAL_STREAM names standard error. There is no systemd PID 1 here:
the daemon gets what systemd gives a service, the environment and the
descriptors, from a small wrapper. An old settings file's log_journal
still starts the service, with a warning."""
import os
import socket
import subprocess
import uuid

import pytest

from e2elib import expect, logfile
from e2elib.printer import closed_port

WAIT = 10.0
# syslog(3)'s priorities of the log's levels, as sd-daemon(3) writes them
PRIORITY = {"ERROR": 3, "WARNING": 4, "INFO": 6, "DEBUG": 7}

# What systemd does for a service whose output goes to the journal, before
# exec: standard error is the journal's stream socket (argv[1], when given:
# a socket of the test's; "-": the file the test gave), JOURNAL_STREAM its
# "device:inode" in decimal, INVOCATION_ID a fresh 128-bit id.
SYSTEMD_LIKE = r"""
import os, socket, sys
if sys.argv[1] != "-":
    stream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # the smallest buffer: a journal that does not read is full at once
    stream.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1)
    stream.connect(sys.argv[1])
    os.dup2(stream.fileno(), 2)
info = os.fstat(2)
os.environ["JOURNAL_STREAM"] = f"{info.st_dev}:{info.st_ino}"
os.environ["INVOCATION_ID"] = sys.argv[2]
os.execv(sys.argv[3], sys.argv[3:])
"""


def systemd_like(journal="-"):
    return ["/usr/bin/python3", "-c", SYSTEMD_LIKE, str(journal), uuid.uuid4().hex]


def journal_bytes(file_lines):
    """What the journal's stream gets for these log file lines."""
    out = b""
    for line in file_lines:
        match = logfile.parse(line)
        out += f"<{PRIORITY[match['level']]}>{match['message']}\n".encode()
    return out


def test_each_line_goes_to_the_journal_with_its_priority(start_daemon, printer):
    daemon = start_daemon(printer.uri, log_console=True, wrapper=systemd_like())

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
    assert daemon.get("/nope").status == 404
    refused = start_daemon(f"tcp://127.0.0.1:{closed_port()}", log_console=True,
                           wrapper=systemd_like())
    assert refused.get("/open-cash-drawer").status == 503
    assert daemon.stop() == 0 and refused.stop() == 0

    got = daemon.stderr_path.read_bytes()
    assert (b"<6>" + expect.OPENED_LINE.format(peer="127.0.0.1").encode() + b"\n") in got
    assert b"<4>127.0.0.1 GET /nope 404 not_found\n" in got
    # every line of the file, in its order, and nothing else: no date and
    # no level name (the journal has its own), one priority each
    assert got == journal_bytes(daemon.log_lines())
    [error] = [line for line in refused.log_lines()
               if " 503 printer_refused - " in line]
    assert logfile.parse(error)["level"] == "ERROR"
    assert refused.stderr_path.read_bytes() == journal_bytes(refused.log_lines())
    assert b"<3>" + logfile.parse(error)["message"].encode() + b"\n" in \
        refused.stderr_path.read_bytes()


@pytest.mark.parametrize("journal_stream", [
    None,        # not under systemd: a console, a script
    "other",     # a child of a service whose standard error went to a file
    "8:nope",    # not systemd's form
])
def test_standard_error_not_the_journal_gets_the_file_lines(start_daemon, printer,
                                                             journal_stream, monkeypatch):
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    env = {}
    if journal_stream == "other":
        info = os.stat(__file__)
        env["JOURNAL_STREAM"] = f"{info.st_dev}:{info.st_ino}"
    elif journal_stream is not None:
        env["JOURNAL_STREAM"] = journal_stream
    daemon = start_daemon(printer.uri, log_console=True, env=env)

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
    assert daemon.stop() == 0

    # byte for byte the file's lines, dates and levels included
    assert daemon.stderr_path.read_bytes() == daemon.log_path.read_bytes()


def test_log_console_false_leaves_the_journal_out(start_daemon, printer):
    daemon = start_daemon(printer.uri, log_console=False, wrapper=systemd_like())

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
    assert daemon.stop() == 0

    assert daemon.stderr_path.read_bytes() == b""
    assert expect.OPENED_LINE.format(peer="127.0.0.1") in logfile.messages(daemon.log_lines())


def test_a_journal_that_does_not_read_never_holds_up_an_opening(start_daemon, printer, tmp_path):
    """journald stuck: its stream's buffer fills and stays full. The lines
    it cannot take are left out of the journal, whole; the file has them
    all; openings are answered as ever."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(tmp_path / "journal.sock"))
    listener.listen(1)
    listener.settimeout(WAIT)
    try:
        daemon = start_daemon(printer.uri, log_console=True, wait_ready=False,
                              wrapper=systemd_like(tmp_path / "journal.sock"))
        journal, _ = listener.accept()
        daemon.wait_ready()
        # each probe is one more line; the journal takes none of them
        for _ in range(200):
            assert daemon.get("/status?printer=cached").status == 200
        expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
        assert daemon.stop() == 0

        journal.settimeout(WAIT)
        got = b""
        while chunk := journal.recv(65536):
            got += chunk
    finally:
        listener.close()
    lines = daemon.log_lines()
    assert expect.OPENED_LINE.format(peer="127.0.0.1") in logfile.messages(lines)
    # what the journal got: whole lines of the file, in order, and fewer
    # than the file has (so it really was full)
    expected = journal_bytes(lines).splitlines(keepends=True)
    received = got.splitlines(keepends=True)
    assert got.endswith(b"\n") and 0 < len(received) < len(expected)
    position = 0
    for line in received:
        assert line in expected[position:], f"{line!r} is not a line of the file, in order"
        position = expected.index(line, position) + 1


# ---- the notification socket ----

class DatagramSocket:
    """A unix datagram socket of the test's, at a path or, for a name
    starting with '@', in Linux's abstract namespace (as systemd's
    NOTIFY_SOCKET writes it)."""

    def __init__(self, path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("\0" + self.path[1:] if self.path.startswith("@") else self.path)
        self.sock.settimeout(WAIT)

    def receive(self):
        return self.sock.recv(1 << 20)

    def close(self):
        self.sock.close()


@pytest.fixture(params=["path", "abstract"])
def notify_socket(request, tmp_path):
    """systemd's notification socket, as NOTIFY_SOCKET gives it: a path
    (/run/systemd/notify) or an abstract name (@...)."""
    if request.param == "path":
        notify = DatagramSocket(tmp_path / "notify.sock")
    else:
        notify = DatagramSocket(f"@cashdrawerd-test/{os.getpid()}/{tmp_path.name}/notify")
    yield notify
    notify.close()


def test_type_notify_gets_ready_then_stopping(start_daemon, printer, notify_socket):
    daemon = start_daemon(printer.uri, env={"NOTIFY_SOCKET": notify_socket.path})

    # one datagram each, exactly these bytes
    ready = notify_socket.receive()
    assert ready == f"READY=1\nSTATUS=[::]:{daemon.port} (IPv4 et IPv6)".encode()
    # READY comes once the service answers
    assert daemon.get("/status?printer=cached").status == 200
    assert daemon.stop() == 0
    assert notify_socket.receive() == "STOPPING=1\nSTATUS=Arrêt en cours".encode()


# ---- log_journal, retired ----

LOG_JOURNAL_IGNORED = (
    "Réglage log_journal ignoré : il n'existe plus ; sous systemd, les lignes vont "
    "d'elles-mêmes au journal, avec leur priorité, par la sortie d'erreur (log_console) ; "
    "retirez-le des réglages")


@pytest.mark.parametrize("given", ["file", "command line"])
def test_an_old_log_journal_setting_still_starts_with_a_warning(start_daemon, printer, tmp_path,
                                                                 daemon_bin, given):
    ini = tmp_path / "old.ini"
    ini.write_text("[cashdrawerd]\nlog_journal = auto\n")
    args = ["--config", ini] if given == "file" else ["--log-journal", "true"]
    daemon = start_daemon(printer.uri, args=args)

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
    assert logfile.find_exact(daemon.log_lines(), "WARNING", LOG_JOURNAL_IGNORED)
    # said after the start-up line, like the other warnings about the settings
    messages = logfile.messages(daemon.log_lines())
    assert messages[0].startswith("Service démarré")

    check = subprocess.run([daemon_bin, *map(str, args), "--check-config", "--port", "0",
                            "--log-dir", tmp_path / "logs", "--printer", printer.uri],
                           capture_output=True, timeout=30)
    assert check.returncode == 0
    assert check.stderr.decode() == LOG_JOURNAL_IGNORED + "\n"
