"""A fake CUPS server that answers Get-Printer-Attributes (the queue exists,
is idle and accepts jobs) and never answers Print-Job: a cupsd that hangs
once the job is sent. Records every request's operation and body."""
import socket
import struct
import threading

OP_PRINT_JOB = 0x0002
OP_GET_PRINTER_ATTRIBUTES = 0x000B
TAG_OPERATION, TAG_END, TAG_PRINTER = 0x01, 0x03, 0x04
TAG_BOOLEAN, TAG_ENUM, TAG_CHARSET, TAG_LANGUAGE = 0x22, 0x23, 0x47, 0x48


def _attribute(tag, name, value):
    name = name.encode("ascii")
    return (struct.pack(">BH", tag, len(name)) + name + struct.pack(">H", len(value)) + value)


def printer_ready_response(request_id):
    """RFC 8010 encoding: successful-ok, printer-state idle (3), accepting."""
    return (struct.pack(">BBHI", 2, 0, 0x0000, request_id)
            + bytes([TAG_OPERATION])
            + _attribute(TAG_CHARSET, "attributes-charset", b"utf-8")
            + _attribute(TAG_LANGUAGE, "attributes-natural-language", b"en")
            + bytes([TAG_PRINTER])
            + _attribute(TAG_ENUM, "printer-state", struct.pack(">i", 3))
            + _attribute(TAG_BOOLEAN, "printer-is-accepting-jobs", b"\x01")
            + bytes([TAG_END]))


class Request:
    def __init__(self, operation, body):
        self.operation = operation
        self.body = body


class JobStallingIppServer:
    def __init__(self, host="127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.server = f"{host}:{self.port}"
        self.requests = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    def _accept_loop(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn):
        conn.settimeout(10)
        buffer = b""
        try:
            while not self._stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                while len(buffer) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                body, buffer = buffer[:length], buffer[length:]
                operation, request_id = struct.unpack(">HI", body[2:8])
                with self._lock:
                    self.requests.append(Request(operation, body))
                if operation != OP_GET_PRINTER_ATTRIBUTES:
                    self._stop.wait(30)  # hang: never answer
                    return
                answer = printer_ready_response(request_id)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/ipp\r\n"
                             + f"Content-Length: {len(answer)}\r\n\r\n".encode("ascii") + answer)
        except OSError:
            return
        finally:
            conn.close()

    def operations(self):
        with self._lock:
            return [r.operation for r in self.requests]

    def bodies(self, operation):
        with self._lock:
            return [r.body for r in self.requests if r.operation == operation]

    def close(self):
        self._stop.set()
        self._acceptor.join(timeout=5)
        for thread in self._threads:
            thread.join(timeout=5)
        self.sock.close()
