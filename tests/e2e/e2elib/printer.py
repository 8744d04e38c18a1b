"""Fake receipt printers: TCP listeners written in Python that record the
bytes of every connection separately, so a test can assert that each
connection carried exactly one whole kick."""
import select
import socket
import struct
import threading
import time


# What a healthy TM-T88V answers to DLE EOT 1..4 with its drawer closed:
# only the fixed bits (1 and 4) set.
HEALTHY_REPLIES = {1: b"\x12", 2: b"\x12", 3: b"\x12", 4: b"\x12"}


class Connection:
    def __init__(self, index, sock, peer):
        self.index = index
        self.sock = sock
        self.peer = peer
        self.data = b""
        self.finished = False  # the daemon closed it (EOF) or reading failed
        self.error = None


class PrinterListener:
    """Accepts connections; reads each until EOF (or, with hold=True, reads
    nothing until release()). `sock` may be a socket created elsewhere (for
    instance inside a network namespace); it is bound and listened here, on
    `port` (0: any free one; a given one: a printer restarted at its address)."""

    def __init__(self, host="127.0.0.1", family=socket.AF_INET, hold=False, sock=None,
                 read_timeout=10.0, status_replies=HEALTHY_REPLIES, drawer_follows_kick=True,
                 port=0):
        """status_replies: n -> the bytes sent back for each DLE EOT n (10 04 n)
        received; None (or a missing n) plays a printer that never answers.
        drawer_follows_kick: after a kick (ESC p or DLE DC4) on a connection,
        DLE EOT 1 reports pin 3 HIGH (a drawer that opened)."""
        self.status_replies = dict(status_replies) if status_replies else {}
        self.drawer_follows_kick = drawer_follows_kick
        self.queries = 0
        self.sock = sock if sock is not None else socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(64)
        self.sock.setblocking(False)
        self.host = host
        self.port = self.sock.getsockname()[1]
        self.read_timeout = read_timeout
        self._lock = threading.Condition()
        self._connections = []
        self._threads = []
        self._stop = threading.Event()
        self._release = threading.Event()
        if not hold:
            self._release.set()
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True,
                                          name=f"printer-{self.port}")
        self._acceptor.start()

    @property
    def uri(self):
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"tcp://{host}:{self.port}"

    def _accept_loop(self):
        while not self._stop.is_set():
            readable, _, _ = select.select([self.sock], [], [], 0.05)
            if not readable:
                continue
            with self._lock:
                try:
                    conn, peer = self.sock.accept()
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    return
                record = Connection(len(self._connections), conn, peer)
                self._connections.append(record)
                thread = threading.Thread(target=self._read, args=(record,), daemon=True)
                self._threads.append(thread)
                thread.start()
                self._lock.notify_all()

    def _read(self, record):
        record.sock.setblocking(True)
        self._release.wait(timeout=60)
        record.sock.settimeout(self.read_timeout)
        try:
            while not self._stop.is_set():
                chunk = record.sock.recv(4096)
                if not chunk:
                    break
                replies = self._record(record, chunk)
                if replies:
                    record.sock.sendall(replies)
        except OSError as exc:
            record.error = exc
        finally:
            self._finish(record)

    def _finish(self, record):
        """The connection is over: closed, and its end told to the waiters."""
        record.sock.close()
        with self._lock:
            record.finished = True
            self._lock.notify_all()

    @staticmethod
    def _append(record, chunk):
        """Adds chunk to what the connection received (lock held); returns
        where the DLE EOT queries it may complete start."""
        scanned = max(len(record.data) - 2, 0)
        record.data += chunk
        return scanned

    def _record(self, record, chunk):
        """Adds chunk to what the connection received; returns the replies
        due for the DLE EOT queries it completes."""
        with self._lock:
            start = self._append(record, chunk)
            return self._replies(record.data, start)

    def _replies(self, data, start):
        """Answers for every DLE EOT n that ends in data[start:]."""
        out = b""
        for at, n in _queries(data, start):
            self.queries += 1
            reply = self.status_replies.get(n, b"")
            kicked = b"\x1b\x70" in data[:at] or b"\x10\x14\x01" in data[:at]
            if n == 1 and len(reply) == 1 and kicked and self.drawer_follows_kick:
                reply = bytes([reply[0] | 0x04])
            out += reply
        return out

    def release(self):
        """Start reading the held connections."""
        self._release.set()

    def connections(self):
        with self._lock:
            return [c.data for c in self._connections]

    def accepted_count(self):
        with self._lock:
            return len(self._connections)

    def wait_accepted(self, count, timeout=5.0):
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._connections) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"printer: {len(self._connections)} connections, expected {count}"
                self._lock.wait(left)

    def settle(self, timeout=5.0):
        """Waits until no connection is waiting to be accepted and every
        accepted one was closed by the daemon; returns the bytes of each
        connection in accept order."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                pending, _, _ = select.select([self.sock], [], [], 0)
                if not pending and all(c.finished for c in self._connections):
                    errors = [c.error for c in self._connections if c.error is not None]
                    assert not errors, f"printer connection errors: {errors}"
                    return [c.data for c in self._connections]
                left = deadline - time.monotonic()
                assert left > 0, (
                    "printer: connections still open or not accepted: "
                    f"{[(c.index, c.data, c.finished) for c in self._connections]}"
                )
                self._lock.wait(min(left, 0.02))

    def close(self):
        self._stop.set()
        self._release.set()
        self._acceptor.join(timeout=5)
        for thread in list(self._threads):
            thread.join(timeout=5)
        with self._lock:
            for c in self._connections:
                try:
                    c.sock.close()
                except OSError:
                    pass
        self.sock.close()


class BlackholePrinter:
    """A printer address whose connections are never answered: a listening
    socket with backlog 0 whose only queue slot is taken by a connection
    that is never accepted. Linux drops the SYN of any further connection
    while the accept queue is full (net.ipv4.tcp_abort_on_overflow=0), so a
    client's connect() neither succeeds nor fails: it waits."""

    def __init__(self, host="127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(0)
        self.host = host
        self.port = self.sock.getsockname()[1]
        self.fillers = []
        try:
            filler = socket.create_connection((host, self.port), timeout=2)
            self.fillers.append(filler)
            self.verify()
        except BaseException:
            self.close()
            raise

    @property
    def uri(self):
        return f"tcp://{self.host}:{self.port}"

    def verify(self, wait=0.2):
        """Checks that a fresh connection really gets no answer."""
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        probe.settimeout(wait)
        try:
            probe.connect((self.host, self.port))
        except socket.timeout:
            return
        finally:
            probe.close()
        raise AssertionError("blackhole printer: a probe connection was answered")

    def connecting(self):
        """How many connections to this address wait in SYN_SENT, from the
        kernel's table of this network namespace: clients whose connect()
        has sent its SYN here and hangs."""
        count = 0
        with open("/proc/net/tcp", encoding="ascii") as table:
            next(table)  # the header
            for row in table:
                fields = row.split()
                if fields[3] == "02" and _proc_tcp_address(fields[2]) == (self.host, self.port):
                    count += 1
        return count

    def wait_connecting(self, count=1, timeout=5.0):
        """Waits until count connections hang on this address: the client
        (the daemon) has reached its connect() and waits there."""
        deadline = time.monotonic() + timeout
        while self.connecting() < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"blackhole printer {self.uri}: {self.connecting()} "
                                     f"connection(s) waiting after {timeout} s, expected {count}")
            time.sleep(0.005)

    def close(self):
        for s in self.fillers:
            s.close()
        self.sock.close()


def _proc_tcp_address(field):
    """("127.0.0.1", 9100) from /proc/net/tcp's "0100007F:238C" (the address
    in the host's byte order, the port in hex)."""
    address, port = field.split(":")
    return socket.inet_ntoa(struct.pack("=I", int(address, 16))), int(port, 16)


def closed_port(host="127.0.0.1"):
    """A port nothing listens on (bound then closed: connections are refused)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


class ResettingPrinter:
    """A printer whose interface resets every connection right after
    accepting it (SO_LINGER 0, then close: a TCP RST), as a rebooting
    interface board does. Counts the connections it reset."""

    def __init__(self, host="127.0.0.1", port=0):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(64)
        self.sock.setblocking(False)
        self.host = host
        self.port = self.sock.getsockname()[1]
        self.resets = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=f"reset-{self.port}")
        self._thread.start()

    @property
    def uri(self):
        return f"tcp://{self.host}:{self.port}"

    def _loop(self):
        while not self._stop.is_set():
            readable, _, _ = select.select([self.sock], [], [], 0.05)
            if not readable:
                continue
            try:
                conn, _ = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                return
            reset_with_rst(conn)
            self.resets += 1

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


def reset_with_rst(sock):
    """Closes sock with a TCP RST (SO_LINGER 0), as a rebooting interface does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class FaultyPrinter(PrinterListener):
    """A recording printer whose every connection plays one fault: fault(printer,
    record) runs on the connection's own thread, its socket blocking with the
    listener's read_timeout, and returns when the fault is played out. It
    records what it reads with printer.take(record, chunk). A connection the
    daemon closes or resets in the middle of the fault is no error: that is
    the daemon giving up in time."""

    def __init__(self, fault, **kwargs):
        self.fault = fault
        super().__init__(**kwargs)

    def take(self, record, chunk):
        """Records chunk; returns how many DLE EOT queries it completed."""
        with self._lock:
            start = self._append(record, chunk)
            return sum(1 for _ in _queries(record.data, start))

    def _read(self, record):
        record.sock.setblocking(True)
        record.sock.settimeout(self.read_timeout)
        try:
            self.fault(self, record)
        except (ConnectionResetError, BrokenPipeError):
            pass
        except OSError as exc:
            record.error = exc
        finally:
            self._finish(record)

    def close(self):
        # wakes the faults blocked in recv, so that no thread outlives the test
        with self._lock:
            for c in self._connections:
                try:
                    c.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        super().close()


def _queries(data, start):
    """(position, n) of every DLE EOT n that ends in data[start:]."""
    at = data.find(b"\x10\x04", start)
    while at != -1 and at + 2 < len(data):
        yield at, data[at + 2]
        at = data.find(b"\x10\x04", at + 3)


# ---- faults for FaultyPrinter ----

def reset_after(count):
    """Reads exactly count bytes (fewer if the daemon closes first), then resets
    the connection: an interface board rebooting in the middle of a write."""
    def fault(printer, record):
        while len(record.data) < count:
            chunk = record.sock.recv(count - len(record.data))
            if not chunk:
                return
            printer.take(record, chunk)
        reset_with_rst(record.sock)
    return fault


def closes_after(count):
    """Reads exactly count bytes (fewer if the daemon closes first), then
    closes the connection: with 0, a printer busy with another computer that
    accepts and hangs up at once; with 5, one that hangs up right after the
    kick. Bytes the daemon sent meanwhile, left unread, turn the close into
    a reset (RST instead of FIN): either way the connection is gone before
    the printer confirmed anything."""
    def fault(printer, record):
        while len(record.data) < count:
            chunk = record.sock.recv(count - len(record.data))
            if not chunk:
                return
            printer.take(record, chunk)
        record.sock.close()
    return fault


def answers_status():
    """Answers each DLE EOT from status_replies as PrinterListener does: with
    long garbage replies the daemon stops reading and closes with bytes
    unread, which resets the connection, as it should."""
    def fault(printer, record):
        while True:
            chunk = record.sock.recv(4096)
            if not chunk:
                return
            replies = printer._record(record, chunk)
            if replies:
                record.sock.sendall(replies)
    return fault


def late_status(delay, reply=b"\x12"):
    """Answers each DLE EOT with reply, but only delay seconds after it came."""
    def fault(printer, record):
        while True:
            chunk = record.sock.recv(4096)
            if not chunk:
                return
            queries = printer.take(record, chunk)
            if queries:
                time.sleep(delay)  # the fault itself: a reply late by delay
                record.sock.sendall(reply * queries)
    return fault


def trickled_status(noise, reply, period):
    """Answers each DLE EOT with the bytes of noise then reply, one byte every
    period seconds, the first one at once; keeps reading meanwhile."""
    def fault(printer, record):
        pending, next_at = b"", None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            wait = 0.5 if next_at is None else max(0.0, next_at - time.monotonic())
            readable, _, _ = select.select([record.sock], [], [], wait)
            if readable:
                chunk = record.sock.recv(4096)
                if not chunk:
                    return
                queries = printer.take(record, chunk)
                if queries and not pending:
                    next_at = time.monotonic()
                pending += (noise + reply) * queries
            if pending and next_at is not None and time.monotonic() >= next_at:
                record.sock.sendall(pending[:1])
                pending = pending[1:]
                next_at = time.monotonic() + period if pending else None
    return fault


def noise_stream(noise, period=0.001):
    """Sends noise over and over from the moment it accepts, whatever it is
    asked, until the daemon closes (a printer stuck sending junk: a wrong
    baud rate behind a serial-to-Ethernet box, a broken interface)."""
    def fault(printer, record):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            readable, writable, _ = select.select([record.sock], [record.sock], [], period)
            if readable:
                chunk = record.sock.recv(4096)
                if not chunk:
                    return
                printer.take(record, chunk)
            if writable:
                record.sock.send(noise)
            time.sleep(period)  # the fault itself: noise every period
    return fault
