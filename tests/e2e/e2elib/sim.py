"""The bundled printer simulator (tools/escpos-sim) in tests: its output read
line by line on a thread (SimulatorOutput), and the simulator as a test
printer (Simulator): its TM-T88V model answers DLE EOT from a state the test
changes through its stdin control commands, and --dump records every byte."""
import queue
import re
import subprocess
import threading
import time


class SimulatorOutput:
    def __init__(self, stream):
        self._lines = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def next_line(self, pattern, timeout=5.0):
        """The next line that matches pattern (re.search); the lines before it are skipped."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"simulator: no {pattern!r} within {timeout} s; printed {seen}")
            if line is None:
                raise AssertionError(f"simulator exited without {pattern!r}; printed {seen}")
            seen.append(line)
            if re.search(pattern, line):
                return line


class Simulator:
    def __init__(self, spawn, sim_bin, dump_path, args=()):
        self.dump_path = dump_path
        self.proc = spawn([sim_bin, "--port", "0", "--dump", dump_path, *args],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                          errors="replace")
        self.output = SimulatorOutput(self.proc.stdout)
        listening = self.expect(r"^escpos-sim: listening on ")
        self.port = int(re.fullmatch(r"escpos-sim: listening on (\S+):(\d+)", listening)[2])

    @property
    def uri(self):
        return f"tcp://127.0.0.1:{self.port}"

    def expect(self, pattern, timeout=5.0):
        """The next line printed that matches pattern (earlier ones are skipped)."""
        return self.output.next_line(pattern, timeout)

    def command(self, text):
        """Runs one control command ("paper out", "drawer open", ...) and waits
        for the simulator to confirm its new state."""
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        return self.expect(r"^escpos-sim: state: ")

    def received(self):
        return self.dump_path.read_bytes() if self.dump_path.exists() else b""

    def wait_received(self, expected, timeout=5.0):
        """Waits until the dump holds exactly expected (it is written as bytes arrive)."""
        deadline = time.monotonic() + timeout
        while self.received() != expected:
            if time.monotonic() > deadline:
                raise AssertionError(f"simulator received {self.received().hex(' ')}, "
                                     f"expected {expected.hex(' ')}")
            time.sleep(0.01)
