#!/usr/bin/python3
"""A receipt through the daemon (issue 15, item 7): Odoo's print_receipt
with a JPEG, from the first byte of the request to the last byte the
printer received, and the daemon's peak memory growth during it.
    receipt_daemon.py CASHDRAWERD JPEG RUNS
The printer is a listener here that reads as fast as it can; the daemon
runs at 576 dots (the JPEG's width: no scaling) and at 512 (scaled), and
once more answers the same request with a body of the same size that is
no JPEG (refused as not_jpeg after its base64 is decoded): what the HTTP
request, the JSON and the base64 cost without the image. Peak growth:
VmHWM of the daemon after a request, minus its RSS before it (its peak
reset through /proc/PID/clear_refs), the first request of the process
and the largest of the later ones. Also the CPU time the daemon's threads
took for each request (/proc/PID/task/*/schedstat, in ns), which other
processes on a busy machine do not inflate. Prints `name best median
- cpu_best cpu_median` lines (ms), and `growth_first_kib N`, `growth_kib N`. Loopback only; every wait
is bounded."""
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT = 30.0


class FastPrinter:
    """Accepts connections and reads each to its end in 1 MiB reads; keeps
    the time of the last byte of each and how many bytes it got."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.done = []  # (bytes, time of the last byte)
        self.cond = threading.Condition()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            total, last = 0, None
            with conn:
                while True:
                    chunk = conn.recv(1 << 20)
                    if not chunk:
                        break
                    last = time.perf_counter()
                    total += len(chunk)
            with self.cond:
                self.done.append((total, last))
                self.cond.notify_all()

    def wait(self, count):
        deadline = time.monotonic() + TIMEOUT
        with self.cond:
            while len(self.done) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SystemExit("receipt_daemon: the printer got nothing in time")
                self.cond.wait(left)
            return self.done[count - 1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_bytes(receipt_b64):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
        "data": {"action": "print_receipt", "receipt": receipt_b64}}}).encode()
    return (b"POST /hw_proxy/default_printer_action HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)) + body


def exchange(port, data):
    """Sends data and reads the answer; (time the first byte went, answer)."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        start = time.perf_counter()
        sock.sendall(data)
        answer = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return start, answer
            answer += chunk


def proc_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))


class Daemon:
    def __init__(self, binary, printer_port, dots, workdir):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--printer",
             f"tcp://127.0.0.1:{printer_port}", "--log-dir", os.path.join(workdir, f"logs{dots}"),
             "--log-console", "false", "--min-interval-ms", "0", "--receipt-dots", str(dots)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise SystemExit("receipt_daemon: the daemon did not start")
                time.sleep(0.01)

    def cpu_ms(self):
        total = 0
        for task in os.listdir(f"/proc/{self.proc.pid}/task"):
            try:
                with open(f"/proc/{self.proc.pid}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[0])
            except FileNotFoundError:  # a thread that just ended
                pass
        return total / 1e6

    def reset_peak(self):
        with open(f"/proc/{self.proc.pid}/clear_refs", "w") as f:
            f.write("5")
        return proc_kib(self.proc.pid, "VmRSS")

    def peak(self):
        return proc_kib(self.proc.pid, "VmHWM")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


def measure(binary, jpeg, runs, dots, workdir, printer):
    """(times to the last printer byte, CPU times of the daemon, in ms; the
    first growth and the largest later one, in KiB)."""
    data = request_bytes(base64.b64encode(jpeg).decode("ascii"))
    daemon = Daemon(binary, printer.port, dots, workdir)
    try:
        times, cpus, growths = [], [], []
        for _ in range(runs + 1):
            received = len(printer.done)
            before = daemon.reset_peak()
            cpu = daemon.cpu_ms()
            start, answer = exchange(daemon.port, data)
            if b'"result":true' not in answer:
                raise SystemExit(f"receipt_daemon: not printed: {answer[:300]!r}")
            size, last = printer.wait(received + 1)
            cpus.append(daemon.cpu_ms() - cpu)
            growths.append(daemon.peak() - before)
            times.append((last - start) * 1000)
        return sorted(times[1:]), sorted(cpus[1:]), growths[0], max(growths[1:])
    finally:
        daemon.stop()


def overhead(binary, jpeg, runs, workdir, printer):
    """The same request with a body of the same size that is no JPEG: to its answer, ms."""
    fake = b"\0" * len(jpeg)  # base64 of the same length, no FF D8 FF at the start
    data = request_bytes(base64.b64encode(fake).decode("ascii"))
    daemon = Daemon(binary, printer.port, 576, workdir)
    try:
        times, cpus = [], []
        for _ in range(runs + 1):
            cpu = daemon.cpu_ms()
            start, answer = exchange(daemon.port, data)
            times.append((time.perf_counter() - start) * 1000)
            cpus.append(daemon.cpu_ms() - cpu)
            if b"not_jpeg" not in answer:
                raise SystemExit(f"receipt_daemon: expected not_jpeg: {answer[:300]!r}")
        return sorted(times[1:]), sorted(cpus[1:])
    finally:
        daemon.stop()


def main():
    binary, jpeg_path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    jpeg = open(jpeg_path, "rb").read()
    printer = FastPrinter()
    with tempfile.TemporaryDirectory(prefix="cashdrawerd-receipt-daemon.") as workdir:
        at576, cpu576, first, growth = measure(binary, jpeg, runs, 576, workdir, printer)
        at512, cpu512, first512, growth512 = measure(binary, jpeg, runs, 512, workdir, printer)
        refused, cpu_refused = overhead(binary, jpeg, runs, workdir, printer)
    for name, times, cpus in (("daemon_576", at576, cpu576), ("daemon_512", at512, cpu512),
                              ("daemon_overhead", refused, cpu_refused)):
        print(f"{name} {times[0]:.2f} {times[len(times) // 2]:.2f} - {cpus[0]:.2f} "
              f"{cpus[len(cpus) // 2]:.2f}")
    print(f"growth_first_kib {max(first, first512)}")
    print(f"growth_kib {max(growth, growth512)}")


if __name__ == "__main__":
    main()
