"""Log lines leave the till: to a syslog server (RFC 5424 over UDP, or TCP
with RFC 6587 octet counting) as exact frames, to the journal with their
priority when systemd runs the service, and READY=1 / STOPPING=1 reach
systemd's notification socket (Type=notify). A syslog server that is down
never delays an opening."""
import datetime
import os
import re
import socket
import struct
import threading
import time
import zoneinfo

import pytest

from e2elib import expect, logfile
from e2elib.skips import skip_or_fail
from e2elib.printer import closed_port

TZ = zoneinfo.ZoneInfo("Europe/Paris")  # the daemon's TZ in these tests (e2elib.daemon)
OPENED_MESSAGE = "127.0.0.1 GET /open-cash-drawer 200 opened - Tiroir-caisse ouvert"
WAIT = 10.0


def rfc5424_timestamp(file_line):
    """The syslog TIMESTAMP of a log file line: same instant, RFC 3339."""
    match = logfile.LINE_RE.match(file_line)
    local = datetime.datetime.strptime(f"{match['date']} {match['time']},{match['ms']}",
                                       "%Y-%m-%d %H:%M:%S,%f").replace(tzinfo=TZ)
    offset = local.utcoffset().total_seconds() // 60
    sign = "-" if offset < 0 else "+"
    return (local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}"
            + f"{sign}{abs(offset) // 60:02.0f}:{abs(offset) % 60:02.0f}")


def expected_frame(daemon, priority, message):
    line = next(l for l in daemon.log_lines() if l.endswith(" - " + message))
    return (f"<{priority}>1 {rfc5424_timestamp(line)} {socket.gethostname()} cashdrawerd "
            f"{daemon.proc.pid} - - {message}")


class UdpServer:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(WAIT)
        self.port = self.sock.getsockname()[1]
        self.messages = []

    def wait_for(self, ending):
        deadline = time.monotonic() + WAIT
        while not any(m.endswith(ending) for m in self.messages):
            assert time.monotonic() < deadline, f"no syslog message ending {ending!r}: {self.messages}"
            data, _ = self.sock.recvfrom(65536)
            self.messages.append(data.decode("utf-8"))
        return next(m for m in self.messages if m.endswith(ending))


class TcpServer:
    """Accepts one connection and splits its stream by octet counting."""

    def __init__(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.listener.settimeout(WAIT)
        self.port = self.listener.getsockname()[1]
        self.stream = b""
        self.conn = None

    def frames(self):
        frames, rest = [], self.stream
        while True:
            match = re.match(rb"(\d+) ", rest)
            if not match or len(rest) < match.end() + int(match[1]):
                return frames
            end = match.end() + int(match[1])
            frames.append(rest[match.end():end].decode("utf-8"))
            rest = rest[end:]

    def wait_for(self, ending):
        if self.conn is None:
            self.conn, _ = self.listener.accept()
            self.conn.settimeout(WAIT)
        deadline = time.monotonic() + WAIT
        while not any(f.endswith(ending) for f in self.frames()):
            assert time.monotonic() < deadline, f"no syslog frame ending {ending!r}: {self.stream!r}"
            data = self.conn.recv(65536)
            assert data, f"syslog connection closed; received {self.stream!r}"
            self.stream += data
        # the stream is nothing but whole frames: "LEN SP MSG" back to back
        assert re.fullmatch(rb"(\d+ [^\n]*?)+", self.stream) or self.frames()
        return next(f for f in self.frames() if f.endswith(ending))

    def close(self):
        if self.conn:
            self.conn.close()
        self.listener.close()


def test_opening_reaches_a_udp_syslog_server_as_one_rfc5424_datagram(start_daemon, printer):
    server = UdpServer()
    daemon = start_daemon(printer.uri, ["--syslog-host", "127.0.0.1", "--syslog-port",
                                        server.port])

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
    got = server.wait_for(OPENED_MESSAGE)

    assert got == expected_frame(daemon, 30, OPENED_MESSAGE)  # daemon.info = 3*8+6
    start = server.wait_for("intervalle minimal 1000 ms")
    assert start.startswith("<30>1 ") and " - - Service démarré (cashdrawerd " in start


def test_opening_reaches_a_tcp_syslog_server_octet_counted(start_daemon, printer):
    server = TcpServer()
    try:
        daemon = start_daemon(printer.uri, ["--syslog-host", "127.0.0.1", "--syslog-port",
                                            server.port, "--syslog-protocol", "tcp"])
        expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
        got = server.wait_for(OPENED_MESSAGE)
        assert got == expected_frame(daemon, 30, OPENED_MESSAGE)
        # a refusal is a warning: priority 3*8+4
        assert daemon.get("/nope").status == 404
        assert server.wait_for("GET /nope 404 not_found") == \
            expected_frame(daemon, 28, "127.0.0.1 GET /nope 404 not_found")
        head = re.match(rb"(\d+) ", server.stream)
        assert head and server.stream[head.end():].startswith(b"<30>1 ")
    finally:
        server.close()


def test_syslog_server_down_never_delays_an_opening_and_drops_are_counted(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--syslog-host", "127.0.0.1", "--syslog-port",
                                        closed_port(), "--syslog-protocol", "tcp"])

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)

    deadline = time.monotonic() + WAIT
    while daemon.get("/status").json()["log"]["syslog_dropped"] == 0:
        assert time.monotonic() < deadline, "no syslog drop counted"
        time.sleep(0.05)
    metrics = daemon.get("/metrics").body.decode()
    assert re.search(r"^cashdrawerd_syslog_dropped_total [1-9]\d*$", metrics, re.MULTILINE)
    # the file has every line all the same
    assert any(line.endswith(OPENED_MESSAGE) for line in daemon.log_lines())


# ---- systemd: notification socket and journal ----

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


def journal_fields(datagram):
    """The native journal protocol: KEY=value lines, or KEY, a 64-bit
    little-endian length and the value for values with newlines."""
    fields, rest = {}, datagram
    while rest:
        line_end = rest.index(b"\n")
        line = rest[:line_end]
        if b"=" in line:
            key, value = line.split(b"=", 1)
            rest = rest[line_end + 1:]
        else:
            key = line
            size = struct.unpack("<Q", rest[line_end + 1:line_end + 9])[0]
            value = rest[line_end + 9:line_end + 9 + size]
            rest = rest[line_end + 10 + size:]
        fields[key.decode()] = value.decode("utf-8")
    return fields


# The daemon sees a journal socket of the test's at journald's path
# /run/systemd/journal/socket, in a mount namespace of its own (a private
# tmpfs on /run): the machine's /run is never touched.
JOURNAL_WRAPPER = ("mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/journal && "
                   "touch /run/systemd/journal/socket && "
                   "mount --bind \"$JOURNAL_TEST_SOCKET\" /run/systemd/journal/socket && "
                   "exec \"$@\"")


@pytest.mark.parametrize("setting,env", [
    ("auto", {"JOURNAL_STREAM": "8:12345"}),  # as systemd sets it: the journal is wanted
    ("true", {}),
])
def test_lines_go_to_the_journal_with_their_priority(start_daemon, printer, tmp_path, setting, env):
    if os.geteuid() != 0:
        skip_or_fail("a mount namespace needs root")
    journal = DatagramSocket(tmp_path / "journal.sock")
    daemon = start_daemon(printer.uri, ["--log-journal", setting, "--log-console", "true"],
                          env={**env, "JOURNAL_TEST_SOCKET": journal.path},
                          wrapper=["unshare", "--mount", "--propagation", "private",
                                   "sh", "-c", JOURNAL_WRAPPER, "sh"])

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
    assert daemon.get("/nope").status == 404

    datagrams = []
    deadline = time.monotonic() + WAIT
    while not any(journal_fields(d)["MESSAGE"].endswith("404 not_found") for d in datagrams):
        assert time.monotonic() < deadline, f"journal entries: {datagrams}"
        datagrams.append(journal.receive())
    # one datagram per line, exactly these fields in this order
    assert (b"MESSAGE=" + OPENED_MESSAGE.encode() + b"\nPRIORITY=6\n"
            b"SYSLOG_IDENTIFIER=cashdrawerd\nSYSLOG_FACILITY=3\nCASHDRAWERD_LEVEL=INFO\n") in datagrams
    assert (b"MESSAGE=127.0.0.1 GET /nope 404 not_found\nPRIORITY=4\n"
            b"SYSLOG_IDENTIFIER=cashdrawerd\nSYSLOG_FACILITY=3\nCASHDRAWERD_LEVEL=WARNING\n") in datagrams
    # the other entries are lines of the log file too, with their level
    in_file = {(m["level"], m["message"]) for m in map(logfile.LINE_RE.match, daemon.log_lines())}
    for entry in map(journal_fields, datagrams):
        assert (entry["CASHDRAWERD_LEVEL"], entry["MESSAGE"]) in in_file, entry
    # with the journal, standard error stays quiet (it would be the journal twice)
    assert OPENED_MESSAGE not in daemon.stderr()


def test_without_systemd_auto_keeps_standard_error(start_daemon, printer, monkeypatch):
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    daemon = start_daemon(printer.uri, ["--log-console", "true"])

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)

    deadline = time.monotonic() + WAIT
    while OPENED_MESSAGE not in daemon.stderr():
        assert time.monotonic() < deadline, daemon.stderr()
        time.sleep(0.02)
