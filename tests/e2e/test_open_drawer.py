"""Opening the drawer from the till: the exact ESC/POS bytes on one printer
connection, the exact answer, the exact log line, and coalescing."""
import datetime
import subprocess
import threading
import time
import zoneinfo

from e2elib import expect, logfile, web

PARALLEL = 20
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_loopback_open_sends_one_kick_answers_200_and_logs_opened(start_daemon, printer):
    daemon = start_daemon(printer.uri, env={"TZ": "Europe/Paris"})

    before = datetime.datetime.now(PARIS).replace(tzinfo=None)
    resp = daemon.get("/open-cash-drawer")
    after = datetime.datetime.now(PARIS).replace(tzinfo=None)

    expect.assert_json(resp, 200, expect.OPENED)
    assert resp.header("Cache-Control") == "no-store"
    assert printer.settle() == [expect.OPENED_DEFAULT]
    lines = daemon.log_lines()
    logfile.assert_all_lines_well_formed(lines)
    line = logfile.assert_one_line(lines, "INFO", expect.OPENED_LINE.format(peer="127.0.0.1"))
    # local time (TZ=Europe/Paris), to the millisecond
    slack = datetime.timedelta(milliseconds=1)
    assert before - slack <= logfile.timestamp(line) <= after + slack, line


def test_kick_pin5_100ms_on_200ms_off_is_1b_70_01_32_64(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--pin", "5", "--pulse-on-ms", "100",
                                        "--pulse-off-ms=200"])

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 200, expect.OPENED)
    assert printer.settle() == [bytes([0x1B, 0x70, 0x01, 0x32, 0x64]) + expect.QUERY_PRINTER]


def test_pin_both_kicks_pin_2_then_pin_5_and_status_says_both(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--pin", "both"])

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 200, expect.OPENED)
    assert printer.settle() == [expect.KICK_DEFAULT + bytes([0x1B, 0x70, 0x01, 0x19, 0xFA]) +
                                expect.QUERY_PRINTER]
    assert daemon.get("/status?printer=cached").json()["drawer"]["pin"] == "both"


def test_pin_both_with_the_realtime_pulse_is_refused_at_start(daemon_bin):
    result = subprocess.run([str(daemon_bin), "--pin", "both", "--kick", "realtime",
                             "--check-config"], capture_output=True, text=True, timeout=10)

    assert result.returncode == 2
    assert "pin: both needs kick = esc-p" in result.stderr


def _open_in_parallel(daemon, count):
    barrier = threading.Barrier(count)
    results = [None] * count

    def one(i):
        barrier.wait(timeout=10)
        try:
            results[i] = daemon.get("/open-cash-drawer")
        except Exception as exc:  # reported below, on the test's thread
            results[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert not any(t.is_alive() for t in threads), "a request did not finish"
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results


def test_20_parallel_opens_share_one_pulse_within_min_interval(start_daemon, printer):
    daemon = start_daemon(printer.uri)

    results = _open_in_parallel(daemon, PARALLEL)

    assert [r.status for r in results] == [200] * PARALLEL
    bodies = sorted(r.body for r in results)
    assert bodies == sorted([web.json_bytes(expect.OPENED)]
                            + [web.json_bytes(expect.COALESCED)] * (PARALLEL - 1))
    assert printer.settle() == [expect.OPENED_DEFAULT]
    lines = daemon.log_lines()
    logfile.assert_one_line(lines, "INFO", expect.OPENED_LINE.format(peer="127.0.0.1"))
    coalesced = logfile.find_exact(lines, "INFO", expect.COALESCED_LINE.format(peer="127.0.0.1"))
    assert len(coalesced) == PARALLEL - 1
    status = daemon.get("/status").json()
    assert (status["drawer"]["pulses"], status["drawer"]["coalesced"]) == (1, PARALLEL - 1)


def test_20_parallel_opens_without_min_interval_send_20_whole_kicks_one_per_connection(
        start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0"])

    results = _open_in_parallel(daemon, PARALLEL)

    for r in results:
        expect.assert_json(r, 200, expect.OPENED)
    # One connection per kick, each carrying exactly the 5 bytes: never two
    # kicks on one connection, never a kick split or interleaved with another.
    assert printer.settle() == [expect.OPENED_DEFAULT] * PARALLEL
    lines = daemon.log_lines()
    opened = logfile.find_exact(lines, "INFO", expect.OPENED_LINE.format(peer="127.0.0.1"))
    assert len(opened) == PARALLEL
    assert daemon.get("/status").json()["drawer"]["pulses"] == PARALLEL


def test_open_after_min_interval_kicks_again(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "200"])

    first = daemon.get("/open-cash-drawer")
    second = daemon.get("/open-cash-drawer")
    printer.settle()
    time.sleep(0.25)  # the test's input: 250 ms pass, past the 200 ms window
    third = daemon.get("/open-cash-drawer")

    expect.assert_json(first, 200, expect.OPENED)
    expect.assert_json(second, 200, expect.COALESCED)
    expect.assert_json(third, 200, expect.OPENED)
    assert printer.settle() == [expect.OPENED_DEFAULT] * 2
