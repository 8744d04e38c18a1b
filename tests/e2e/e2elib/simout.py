"""The printer simulator's output, line by line, read on a thread so that a
test can wait for the next line matching a pattern with a timeout."""
import queue
import re
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
