"""Fault injection (tests/e2e/test_faults_*.py): what every fault test checks
about each request and about the log, spelled out once.

For every fault: each request is answered within its own timeout plus
SLACK_S (a generous bound for a loaded 2-core machine, never a timing goal),
with an exact answer; the log has exactly one whole, well-formed line per
answered request; the daemon that recovers is the one that met the fault
(same PID)."""
import re
import time

from . import logfile

# Scheduling allowance on top of a configured timeout: upper bound only.
SLACK_S = 2.0
# The Python printers answer DLE EOT from a thread that shares the GIL with
# the test's own clients: under load a reply can take longer than the default
# status_timeout_ms (200). Where the read-back is not what a test is about, it
# gets this much time, so that "drawer":"open" is what the printer said.
PATIENT_READ_BACK = ("--status-timeout-ms", "2000")

_GLUED_RE = re.compile(r"(?<!« )\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} - [A-Z]+ - ")


def timed_get(daemon, path, limit_ms, **kwargs):
    """GET path; asserts it was answered within limit_ms + SLACK_S."""
    kwargs.setdefault("timeout", limit_ms / 1000 + SLACK_S + 5)
    resp = daemon.get(path, **kwargs)
    assert resp.elapsed < limit_ms / 1000 + SLACK_S, (
        f"GET {path} answered in {resp.elapsed:.3f} s, limit {limit_ms} ms + {SLACK_S} s")
    return resp


def assert_whole_lines(path):
    """Every line of the file at path is whole and well-formed: no torn line,
    no two lines glued, the file ends with a newline. Returns the lines."""
    lines = logfile.read_lines(path)
    for number, line in enumerate(lines, 1):
        match = logfile.LINE_RE.match(line)
        assert match is not None, f"{path.name}:{number}: torn or malformed line {line!r}"
        # a line glued after a torn one carries a second timestamp (but for
        # the piece of a torn line the daemon quotes, « like this », at start)
        assert not _GLUED_RE.search(match["message"]), (
            f"{path.name}:{number}: two lines glued: {line!r}")
    return lines


def assert_alive(daemon, pid):
    """The daemon still runs, as the same process: it recovered without a restart."""
    assert daemon.proc.poll() is None, f"cashdrawerd exited with {daemon.proc.returncode}"
    assert daemon.proc.pid == pid


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.01)
