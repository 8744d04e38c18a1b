"""Fault injection, the service's own end: SIGTERM and SIGKILL while clients
open the drawer, ask /status and download /logs. SIGTERM: every request is
answered whole or its connection closed before any byte, the log ends with
its stop lines, exit 0 in bounded time. SIGKILL: the log holds no torn line
and a line for every opening and download that was answered (they are
written before the answer), and the service started again on the same
folder appends to it (see e2elib/faults.py). Downloads, lines a client can
cause at will, are written one by one up to the client's budget (60), then
summed up (see test_log_flood.py)."""
import http.client
import re
import signal
import threading
import time
from dataclasses import dataclass

from e2elib import expect, faults, logfile
from e2elib.printer import FaultyPrinter, answers_status

OPENED_LINE = expect.OPENED_LINE.format(peer="127.0.0.1")
STATUS_LINE = "127.0.0.1 GET /status 200 ok"
LOGS_LINE = "127.0.0.1 GET /logs 200 log_download - téléchargement du journal cashdrawer.log"
STOPPING_LINE = "127.0.0.1 GET /open-cash-drawer 503 service_stopping - service en arrêt"
CHECK = bytes.fromhex("10 04 01 10 04 02 10 04 04")
PATHS = ("/open-cash-drawer", "/open-cash-drawer", "/status", "/status?printer=cached", "/logs")
REQUEST_TIMEOUT_S = 5.0  # a client's patience; every answer must come well within it
PER_CLIENT_MAX = 400     # bound on the load, whatever the timing
BURST = 60  # a client's lines written one by one before they are summed up
LEFT_OUT_RE = re.compile(r"^(\d+) requêtes? de plus de 127\.0\.0\.1 non écrites? depuis ")


@dataclass
class Outcome:
    path: str
    status: int = None      # None: no answer
    body: bytes = b""
    error: str = None       # why there was no whole answer
    torn: bool = False      # an answer cut in the middle
    done_at: float = 0.0


class Load:
    """One client thread per path of PATHS, each request on its own connection,
    until stop() (or PER_CLIENT_MAX requests each)."""

    def __init__(self, daemon):
        self.daemon = daemon
        self.outcomes = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(path,)) for path in PATHS]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT_S + 5)
            assert not thread.is_alive(), "a client is stuck"

    def wait_answers(self, path, count, timeout=10):
        faults.wait_until(lambda: len(self.answered(path)) >= count, timeout,
                          f"{count} answers to {path} under load")

    def _run(self, path):
        for _ in range(PER_CLIENT_MAX):
            if self._stop.is_set():
                return
            outcome = Outcome(path)
            try:
                resp = self.daemon.get(path, timeout=REQUEST_TIMEOUT_S)
                outcome.status, outcome.body = resp.status, resp.body
            except http.client.IncompleteRead as exc:
                outcome.torn, outcome.error = True, repr(exc)
            except TimeoutError as exc:
                outcome.error = f"timeout: {exc!r}"
            except (OSError, http.client.HTTPException) as exc:
                # refused, reset or closed before the status line: no answer, cleanly
                outcome.error = repr(exc)
                time.sleep(0.01)
            outcome.done_at = time.monotonic()
            with self._lock:
                self.outcomes.append(outcome)

    def answered(self, path, status=None, before=float("inf")):
        return [o for o in self.outcomes if o.path.split("?")[0] == path and o.status is not None
                and (status is None or o.status == status) and o.done_at < before]

    def unanswered(self, path):
        return [o for o in self.outcomes if o.path.split("?")[0] == path and o.status is None]


def _count(messages, message):
    return messages.count(message)


def _left_out(messages):
    """The loopback client's lines summed up instead of written: its downloads."""
    return sum(int(m[1]) for m in map(LEFT_OUT_RE.match, messages) if m)


def test_sigterm_under_load_answers_or_cleanly_closes_every_request_and_exits_0(
        start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--threads", "4", "--min-interval-ms", "0",
                                         *faults.PATIENT_READ_BACK])
    with Load(daemon) as load:
        load.wait_answers("/open-cash-drawer", 8)
        started = time.monotonic()
        rc = daemon.stop(signal.SIGTERM, timeout=10)
        elapsed = time.monotonic() - started
    # (stop_all at teardown checks the sanitizer reports)

    assert rc == 0
    assert elapsed < 2 + faults.SLACK_S, f"stopped {elapsed:.2f} s after SIGTERM"
    assert not [o for o in load.outcomes if o.torn], "answers cut in the middle"
    timeouts = [o for o in load.outcomes if o.error and o.error.startswith("timeout")]
    assert not timeouts, f"requests left waiting: {timeouts[:3]}"
    for o in load.answered("/open-cash-drawer"):
        assert (o.status, o.body) in (
            (200, expect.json_bytes(expect.OPENED)),
            (503, expect.json_bytes({"status": "error", "error": "service_stopping",
                                     "message": "Le service s'arrête : réessayez dans un "
                                                "instant."}))), o
    assert {o.status for o in load.answered("/status") + load.answered("/logs")} == {200}

    lines = faults.assert_whole_lines(daemon.log_path)
    messages = logfile.messages(lines)
    assert messages[-1] == "Service arrêté"
    assert messages.count("Arrêt demandé (SIGTERM)") == 1
    assert messages.index("Arrêt demandé (SIGTERM)") < len(messages) - 1
    # one line per answer; a request closed unanswered has at most one line
    # (its answer line, or "shutdown")
    for path, line, status in ((("/open-cash-drawer", OPENED_LINE, 200)),
                               ("/open-cash-drawer", STOPPING_LINE, 503)):
        answered = len(load.answered(path, status))
        assert answered <= _count(messages, line) <= answered + len(load.unanswered(path)), line
    # downloads: written or summed up before the stop's lines
    answered = len(load.answered("/logs", 200))
    assert answered <= _count(messages, LOGS_LINE) + _left_out(messages) <= (
        answered + len(load.unanswered("/logs")))
    status_lines = _count(messages, STATUS_LINE) - 1  # the readiness probe's
    assert len(load.answered("/status")) <= status_lines <= (
        len(load.answered("/status")) + len(load.unanswered("/status")))
    # every download is whole lines of the log as it was
    text = daemon.log_path.read_bytes()
    for o in load.answered("/logs"):
        assert o.body.endswith(b"\n") and text.startswith(o.body)
    # each pulse logged reached the printer whole, on a connection of its own
    kicks = [c for c in printer.settle() if c != CHECK]
    assert kicks == [expect.OPENED_DEFAULT] * _count(messages, OPENED_LINE)


def test_sigkill_under_load_leaves_every_answered_line_and_a_restart_appends(start_daemon):
    # a connection the kill closes with the printer's reply unread is reset:
    # no error of the printer's
    printer = FaultyPrinter(answers_status())
    daemon = start_daemon(printer.uri, ["--threads", "4", "--min-interval-ms", "0",
                                         *faults.PATIENT_READ_BACK])
    with Load(daemon) as load:
        load.wait_answers("/open-cash-drawer", 8)
        killed_at = time.monotonic()
        daemon.kill()
    left = daemon.log_path.read_bytes()

    restarted = start_daemon(printer.uri, ["--min-interval-ms", "0", *faults.PATIENT_READ_BACK],
                             log_dir=daemon.log_dir)
    opened = faults.timed_get(restarted, "/open-cash-drawer", 2000)
    expect.assert_json(opened, 200, expect.OPENED)

    lines = faults.assert_whole_lines(restarted.log_path)
    text = restarted.log_path.read_bytes()
    whole_part = left[:left.rfind(b"\n") + 1]
    # the new process appends after what the killed one wrote (a line the
    # kill tore is cut off, and quoted)
    assert text.startswith(whole_part)
    before = logfile.messages(whole_part.decode("utf-8").split("\n")[:-1])
    after = logfile.messages(lines)[len(before):]
    assert sum("Service démarré" in m for m in after) == 1
    assert after[-1] == OPENED_LINE
    if whole_part != left:
        assert any(m.startswith("Fin de journal incomplète retirée") for m in after), after
    # openings are logged before they are answered: all there
    answered = len(load.answered("/open-cash-drawer", 200))
    assert answered <= _count(before, OPENED_LINE) <= answered + len(
        load.unanswered("/open-cash-drawer"))
    # downloads too, up to the client's budget: the count of the others,
    # held for its summary, goes with the killed process
    answered = len(load.answered("/logs", 200))
    assert min(answered, BURST) <= _count(before, LOGS_LINE) <= answered + len(
        load.unanswered("/logs"))
    # a /status line may wait 100 ms in memory: those answered well before the
    # kill are there
    settled = len(load.answered("/status", 200, before=killed_at - 1.0))
    assert settled <= _count(before, STATUS_LINE) - 1  # minus the readiness probe's
    assert _count(before, STATUS_LINE) - 1 <= len(load.answered("/status")) + len(
        load.unanswered("/status"))
    # the pulse under way when the kill came may have no line; the others all do
    try:
        kicks = [c for c in printer.settle() if c.startswith(expect.KICK_DEFAULT)]
    finally:
        printer.close()
    assert kicks[-1] == expect.OPENED_DEFAULT  # the restarted service's
    assert set(kicks) <= {expect.KICK_DEFAULT, expect.OPENED_DEFAULT}
    assert _count(before, OPENED_LINE) <= len(kicks) - 1 <= _count(before, OPENED_LINE) + 1


def test_a_line_torn_by_a_kill_is_cut_off_and_quoted_at_the_next_start(start_daemon, printer):
    daemon = start_daemon(printer.uri, faults.PATIENT_READ_BACK)
    expect.assert_json(faults.timed_get(daemon, "/open-cash-drawer", 2000), 200, expect.OPENED)
    daemon.kill()
    whole = daemon.log_path.read_bytes()
    # what a kill between the two halves of one write leaves
    torn = whole.splitlines(keepends=True)[-1][:40]
    with open(daemon.log_path, "ab") as f:
        f.write(torn)

    restarted = start_daemon(printer.uri, faults.PATIENT_READ_BACK, log_dir=daemon.log_dir)

    text = restarted.log_path.read_bytes()
    assert text.startswith(whole)
    new = logfile.messages(faults.assert_whole_lines(restarted.log_path))[
        len(whole.splitlines()):]
    assert new[0] == ("Fin de journal incomplète retirée (service arrêté net au milieu d'une "
                      f"écriture ?) : 40 octets « {torn.decode()} »")
    assert "Service démarré" in new[1]
