"""Against the ESC/POS printer simulator (tools/escpos-sim): the daemon's
kick is decoded as a drawer kick on pin 2, 50 ms on, 500 ms off."""
import queue
import re
import subprocess
import threading
import time

from e2elib import expect


def _lines(stream, out):
    for line in stream:
        out.put(line.rstrip("\n"))
    out.put(None)


def _next_line(lines, timeout, pattern):
    """The next line the simulator prints that matches pattern."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"simulator: no {pattern!r} within {timeout} s; printed {seen}")
        if line is None:
            raise AssertionError(f"simulator exited without {pattern!r}; printed {seen}")
        seen.append(line)
        if re.search(pattern, line):
            return line


def test_simulator_decodes_the_daemons_kick_as_pin2_50ms_on_500ms_off(start_daemon, sim_bin, spawn):
    sim = spawn([sim_bin, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True, encoding="utf-8", errors="replace")
    lines = queue.Queue()
    threading.Thread(target=_lines, args=(sim.stdout, lines), daemon=True).start()
    listening = _next_line(lines, 5, r"^escpos-sim: listening on ")
    address, port = re.fullmatch(r"escpos-sim: listening on (\S+):(\d+)", listening).groups()
    assert address == "127.0.0.1"
    daemon = start_daemon(f"tcp://127.0.0.1:{port}")

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 200, expect.OPENED)
    kick = _next_line(lines, 5, r"drawer kick")
    assert "pin 2, on 50 ms, off 500 ms" in kick, kick
