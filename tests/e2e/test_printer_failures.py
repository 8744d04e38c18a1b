"""A printer that refuses, stalls or never answers: the till gets a 503 with
a French explanation in bounded time, and the log says what to check."""
import threading
import time

from e2elib import expect, logfile
from e2elib.printer import closed_port


def test_refused_printer_gives_503_printer_refused_fast_and_logs_error(start_daemon):
    port = closed_port()
    daemon = start_daemon(f"tcp://127.0.0.1:{port}")

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 503, expect.printer_error("printer_refused"))
    assert resp.elapsed < 0.5, f"answered in {resp.elapsed:.3f} s"
    logfile.assert_one_line(
        daemon.log_lines(), "ERROR",
        f"127.0.0.1 GET /open-cash-drawer 503 printer_refused - imprimante "
        f"tcp://127.0.0.1:{port} : connexion refusée (l'imprimante est-elle allumée, et est-ce "
        "bien son adresse et son port ?)")
    status = daemon.get("/status").json()
    assert (status["drawer"]["pulses"], status["drawer"]["failures"]) == (0, 1)


def test_printer_that_accepts_but_never_reads_is_answered_within_timeout(start_daemon, make_printer):
    # The 5-byte kick fits in the socket buffers: the printer's kernel
    # acknowledges it, and the daemon answers without waiting for it to read.
    printer = make_printer(hold=True)
    daemon = start_daemon(printer.uri, ["--timeout-ms", "500"])

    resp = daemon.get("/open-cash-drawer", timeout=5)

    assert resp.elapsed < 0.5 + 1.0, f"answered in {resp.elapsed:.3f} s"
    # The read-back gets no reply in time: the opening still succeeds, drawer unknown.
    expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    printer.release()
    assert printer.settle() == [expect.OPENED_DEFAULT]


def test_printer_that_never_answers_the_connection_gives_503_printer_timeout_on_time(
        start_daemon, blackhole):
    daemon = start_daemon(blackhole.uri, ["--timeout-ms", "500"])

    resp = daemon.get("/open-cash-drawer", timeout=5)

    expect.assert_json(resp, 503, expect.printer_error("printer_timeout"))
    assert 0.45 <= resp.elapsed < 0.5 + 0.5, f"answered in {resp.elapsed:.3f} s"
    logfile.assert_one_line(
        daemon.log_lines(), "ERROR",
        f"127.0.0.1 GET /open-cash-drawer 503 printer_timeout - imprimante {blackhole.uri} : "
        "pas de réponse à la connexion (l'imprimante est-elle allumée et sur ce réseau ?)")


def test_opens_queued_behind_a_dead_printer_are_all_answered_within_their_timeout(
        start_daemon, blackhole):
    # With no coalescing, every request waits its turn; none may wait longer
    # than its own timeout (+ scheduling) however many are queued.
    daemon = start_daemon(blackhole.uri, ["--timeout-ms", "500", "--min-interval-ms", "0"])
    results = []
    lock = threading.Lock()

    def one():
        r = daemon.get("/open-cash-drawer", timeout=5)
        with lock:
            results.append(r)

    start = time.monotonic()
    threads = [threading.Thread(target=one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    elapsed = time.monotonic() - start

    assert len(results) == 3
    for r in results:
        # printer_timeout when its turn came before its deadline, printer_busy after
        error = r.json()["error"]
        assert error in ("printer_timeout", "printer_busy"), r.body
        expect.assert_json(r, 503, expect.printer_error(error))
    assert elapsed < 0.5 + 0.5, f"all answered after {elapsed:.3f} s"
