"""A syslog server for the tests (RFC 5424 messages over UDP, or TCP with
RFC 6587 octet counting) on 127.0.0.1, and the exact message a log file
line becomes."""
import datetime
import re
import socket
import time
import zoneinfo

from . import logfile

TZ = zoneinfo.ZoneInfo("Europe/Paris")  # the daemon's TZ in these tests (e2elib.daemon)
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


def expected_frame(daemon, priority, message, procid=None):
    """The message of the log line of daemon that ends with message, sent
    from this machine (HOSTNAME) by the daemon's process (PROCID: procid
    when given, the Windows process id under Wine)."""
    line = next(l for l in daemon.log_lines() if l.endswith(" - " + message))
    return (f"<{priority}>1 {rfc5424_timestamp(line)} {socket.gethostname()} cashdrawerd "
            f"{daemon.proc.pid if procid is None else procid} - - {message}")


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

    def close(self):
        self.sock.close()


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

    def split(self):
        """The whole frames received, and the bytes after them."""
        frames, rest = [], self.stream
        while True:
            match = re.match(rb"([1-9]\d*) ", rest)
            if not match or len(rest) < match.end() + int(match[1]):
                return frames, rest
            end = match.end() + int(match[1])
            frames.append(rest[match.end():end].decode("utf-8"))
            rest = rest[end:]

    def frames(self):
        return self.split()[0]

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
        # the stream is nothing but frames, "MSG-LEN SP SYSLOG-MSG" back to
        # back: after the whole ones, at most the start of the next (in transit)
        frames, rest = self.split()
        head = re.match(rb"([1-9]\d*) ", rest)
        assert rest == b"" or re.fullmatch(rb"[1-9]\d*", rest) or (
            head and len(rest) < head.end() + int(head[1])), \
            f"bytes that are no frame after {len(frames)} frames: {rest[:200]!r}"
        return next(f for f in frames if f.endswith(ending))

    def close(self):
        if self.conn:
            self.conn.close()
        self.listener.close()
