"""Fault injection, the clock: the wall clock is set forward and back across
midnight, and forward by forty days, while the service runs (libfaketime
reading an offset the test rewrites; the monotonic clock is left alone, as
when a real clock is set). Lines go to the archive of the day they belong to,
no archive is overwritten, no line is lost (counted), retention keeps the
newest archives, and no timeout, pulse window or status cache follows the
wall clock (see e2elib/faults.py)."""
import datetime
import socket
import threading
import time

import pytest

from e2elib import expect, faults, logfile
from e2elib.fakeclock import FakeClock, paris

OPENED_LINE = expect.OPENED_LINE.format(peer="127.0.0.1")
Q1, Q2, Q4 = (bytes([0x10, 0x04, n]) for n in (1, 2, 4))
CHECK = Q1 + Q2 + Q4


@pytest.fixture
def clock(faketime_lib, tmp_path):
    def make(start):
        return FakeClock(faketime_lib, tmp_path, start)
    return make


def _not_found(path):
    return f"127.0.0.1 GET {path} 404 not_found"


def _dates(lines):
    return {logfile.parse(line)["date"] for line in lines}


def _files(log_dir):
    return sorted(p.name for p in log_dir.iterdir())


def _requests(daemon, *paths):
    for path in paths:
        resp = faults.timed_get(daemon, path, 2000)
        assert resp.status == (200 if path == "/open-cash-drawer" else 404), resp.body


def test_clock_set_forward_across_midnight_rotates_once_into_that_days_archive(
        start_daemon, printer, clock):
    fake = clock(paris(2025, 3, 10, 12, 0, 0))
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0", *faults.PATIENT_READ_BACK],
                          env=fake.env)
    pid = daemon.proc.pid
    _requests(daemon, "/before-0", "/before-1", "/open-cash-drawer")

    fake.jump_to(paris(2025, 3, 11, 9, 0, 0))
    _requests(daemon, "/after-0", "/after-1", "/open-cash-drawer")
    health = faults.timed_get(daemon, "/status?printer=cached", 2000).json()
    daemon.settle_log()

    assert printer.settle() == [expect.OPENED_DEFAULT] * 2
    assert _files(daemon.log_dir) == ["cashdrawer.log", "cashdrawer.log.2025-03-10"]
    archived = faults.assert_whole_lines(daemon.log_dir / "cashdrawer.log.2025-03-10")
    current = faults.assert_whole_lines(daemon.log_path)
    assert _dates(archived) == {"2025-03-10"} and _dates(current) == {"2025-03-11"}
    old, new = logfile.messages(archived), logfile.messages(current)
    assert [m for m in old if "GET /before" in m or "GET /open" in m] == [
        _not_found("/before-0"), _not_found("/before-1"), OPENED_LINE]
    assert [m for m in new if "GET /after" in m or "GET /open" in m] == [
        _not_found("/after-0"), _not_found("/after-1"), OPENED_LINE]
    assert sum("Service démarré" in m for m in old) == 1
    # nothing lost: every line written, and that /status's own line
    assert (health["log"]["write_failures"], health["log"]["ok"]) == (0, True)
    assert len(archived) + len(current) == health["log"]["lines_written"] + 1
    # the day's counters start again with the day
    assert (health["today"]["date"], health["today"]["opened"]) == ("2025-03-11", 1)
    faults.assert_alive(daemon, pid)


def test_clock_set_back_across_midnight_overwrites_no_archive_and_loses_no_line(
        start_daemon, printer, clock):
    # A clock an hour fast is corrected after midnight: the service has
    # already archived the 10th; the lines of the hour lived again go on in
    # the current file (the 11th's), in the order written, and reach the
    # 11th's archive at the next midnight.
    fake = clock(paris(2025, 3, 10, 22, 0, 0))
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0", *faults.PATIENT_READ_BACK],
                          env=fake.env)
    pid = daemon.proc.pid
    _requests(daemon, "/day-10")
    fake.jump_to(paris(2025, 3, 11, 0, 30, 0))
    _requests(daemon, "/day-11-a")
    archive_10 = daemon.log_dir / "cashdrawer.log.2025-03-10"
    archived_10 = archive_10.read_bytes()

    fake.jump_to(paris(2025, 3, 10, 23, 30, 0))  # set back an hour
    _requests(daemon, "/set-back-a", "/open-cash-drawer", "/set-back-b")
    fake.jump_to(paris(2025, 3, 11, 0, 45, 0))
    _requests(daemon, "/day-11-b")
    assert _files(daemon.log_dir) == ["cashdrawer.log", "cashdrawer.log.2025-03-10"]
    assert archive_10.read_bytes() == archived_10

    fake.jump_to(paris(2025, 3, 12, 0, 0, 5))
    _requests(daemon, "/day-12")
    daemon.settle_log()

    assert printer.settle() == [expect.OPENED_DEFAULT]
    assert _files(daemon.log_dir) == ["cashdrawer.log", "cashdrawer.log.2025-03-10",
                                      "cashdrawer.log.2025-03-11"]
    assert archive_10.read_bytes() == archived_10
    assert [m for m in logfile.messages(faults.assert_whole_lines(archive_10))
            if "GET /day" in m] == [_not_found("/day-10")]
    eleventh = faults.assert_whole_lines(daemon.log_dir / "cashdrawer.log.2025-03-11")
    assert [m for m in logfile.messages(eleventh) if " GET /" in m and "/status" not in m] == [
        _not_found("/day-11-a"), _not_found("/set-back-a"), OPENED_LINE,
        _not_found("/set-back-b"), _not_found("/day-11-b")]
    # the lines keep the time they were written at, clock set back included
    assert _dates(eleventh) == {"2025-03-10", "2025-03-11"}
    twelfth = faults.assert_whole_lines(daemon.log_path)
    assert [m for m in logfile.messages(twelfth) if "GET /day" in m] == [_not_found("/day-12")]
    assert _dates(twelfth) == {"2025-03-12"}
    faults.assert_alive(daemon, pid)


def test_clock_set_forward_forty_days_keeps_that_days_lines_and_the_newest_archives(
        start_daemon, printer, clock, tmp_path):
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    kept_before = {}
    for day in range(5, 10):  # archives of March 5th to 9th
        name = f"cashdrawer.log.2025-03-{day:02d}"
        kept_before[name] = f"2025-03-{day:02d} 12:00:00,000 - INFO - archived\n".encode()
        (log_dir / name).write_bytes(kept_before[name])
    fake = clock(paris(2025, 3, 10, 10, 0, 0))
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0", "--retention-days", "3",
                                          *faults.PATIENT_READ_BACK],
                          log_dir=log_dir, env=fake.env)
    pid = daemon.proc.pid
    # at start: the 3 newest archives stay
    assert _files(log_dir) == ["cashdrawer.log", "cashdrawer.log.2025-03-07",
                               "cashdrawer.log.2025-03-08", "cashdrawer.log.2025-03-09"]
    _requests(daemon, "/march-10", "/open-cash-drawer")

    fake.jump_to(paris(2025, 4, 19, 10, 0, 0))
    _requests(daemon, "/april-19", "/open-cash-drawer")
    daemon.settle_log()

    assert printer.settle() == [expect.OPENED_DEFAULT] * 2
    # the 10th is archived under its own day, however old it now looks, and
    # counts as the newest archive: only the 7th goes
    assert _files(log_dir) == ["cashdrawer.log", "cashdrawer.log.2025-03-08",
                               "cashdrawer.log.2025-03-09", "cashdrawer.log.2025-03-10"]
    for name in ("cashdrawer.log.2025-03-08", "cashdrawer.log.2025-03-09"):
        assert (log_dir / name).read_bytes() == kept_before[name]
    tenth = faults.assert_whole_lines(log_dir / "cashdrawer.log.2025-03-10")
    assert _dates(tenth) == {"2025-03-10"}
    assert [m for m in logfile.messages(tenth) if " GET /" in m and "/status" not in m] == [
        _not_found("/march-10"), OPENED_LINE]
    current = faults.assert_whole_lines(daemon.log_path)
    assert _dates(current) == {"2025-04-19"}
    assert [m for m in logfile.messages(current) if " GET /" in m and "/status" not in m] == [
        _not_found("/april-19"), OPENED_LINE]
    faults.assert_alive(daemon, pid)


# ---- deadlines, windows and caches follow the monotonic clock ----

def test_wall_clock_set_during_a_wait_never_moves_its_timeout(start_daemon, blackhole, clock):
    fake = clock(paris(2025, 3, 10, 12, 0, 0))
    daemon = start_daemon(blackhole.uri, ["--timeout-ms", "1000"], env=fake.env)
    pid = daemon.proc.pid
    for jump in (datetime.timedelta(days=1), datetime.timedelta(days=-2)):
        answers = []
        client = threading.Thread(
            target=lambda: answers.append(faults.timed_get(daemon, "/open-cash-drawer", 1000)))
        client.start()
        blackhole.wait_connecting()  # the opening waits on the printer's connection
        fake.jump_to(fake.now() + jump)
        client.join(timeout=10)
        assert len(answers) == 1, "no answer"
        expect.assert_json(answers[0], 503, expect.printer_error("printer_timeout"))
        # neither cut short by a clock set forward nor stretched by one set back
        assert answers[0].elapsed >= 0.9, f"answered after {answers[0].elapsed:.3f} s"
    faults.assert_alive(daemon, pid)


def test_a_clock_set_back_never_makes_openings_share_an_old_pulse(start_daemon, printer, clock):
    # min_interval_ms (1000) protects the solenoid: opens within it of a
    # pulse share it. On the wall clock, a clock set back an hour would make
    # every open "within" it for an hour, and the drawer would never open.
    fake = clock(paris(2025, 3, 10, 12, 0, 0))
    daemon = start_daemon(printer.uri, faults.PATIENT_READ_BACK, env=fake.env)
    first = faults.timed_get(daemon, "/open-cash-drawer", 2000)
    fake.jump_to(fake.now() - datetime.timedelta(hours=1))
    # the test's input, not a wait for an event: 1.1 s of monotonic time
    # pass, and the 1000 ms window with them (the wall clock went back an hour)
    time.sleep(1.1)
    second = faults.timed_get(daemon, "/open-cash-drawer", 2000)
    fake.jump_to(fake.now() + datetime.timedelta(days=1))
    third = faults.timed_get(daemon, "/open-cash-drawer", 2000)  # within the window

    expect.assert_json(first, 200, expect.OPENED)
    expect.assert_json(second, 200, expect.OPENED)
    expect.assert_json(third, 200, expect.COALESCED)
    assert printer.settle() == [expect.OPENED_DEFAULT] * 2


def test_the_status_cache_ages_on_the_monotonic_clock(start_daemon, printer, clock):
    fake = clock(paris(2025, 3, 10, 12, 0, 0))
    daemon = start_daemon(printer.uri, ["--status-cache-ms", "1000", *faults.PATIENT_READ_BACK],
                          env=fake.env)
    checks = [faults.timed_get(daemon, "/status", 2000)]
    fake.jump_to(fake.now() - datetime.timedelta(hours=1))
    # the test's input: 1.1 s of monotonic time pass, and the cache's
    # 1000 ms with them (the wall clock went back an hour): asked again
    time.sleep(1.1)
    checks.append(faults.timed_get(daemon, "/status", 2000))
    fake.jump_to(fake.now() + datetime.timedelta(days=1))
    checks.append(faults.timed_get(daemon, "/status", 2000))  # still fresh

    assert [c.status for c in checks] == [200] * 3
    assert [c.json()["printer"]["reachable"] for c in checks] == [True] * 3
    first, second, third = (c.json()["printer"]["checked_at"] for c in checks)
    # asked again after the hour set back, not after the day set forward
    assert first != second == third, (first, second, third)
    assert printer.settle() == [CHECK, CHECK]


def test_a_keep_alive_connection_outlives_a_clock_set_a_day_forward(start_daemon, printer, clock):
    # connection_timeout_s (30 s) and request_timeout_s (10 s) count idle
    # time on the monotonic clock: a day of wall clock is not idleness.
    fake = clock(paris(2025, 3, 10, 12, 0, 0))
    daemon = start_daemon(printer.uri, faults.PATIENT_READ_BACK, env=fake.env)
    request = b"GET /status?printer=cached HTTP/1.1\r\nHost: localhost\r\n\r\n"
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=5) as sock:
        sock.sendall(request)
        assert _read_answer(sock).startswith(b"HTTP/1.1 200 ")
        fake.jump_to(fake.now() + datetime.timedelta(days=1))
        # the test's input: idle time after the jump. Nothing is to happen,
        # so there is no event to wait for; a watchdog counting on the wall
        # clock would close the connection at its next look (every 250 ms)
        time.sleep(1.2)
        sock.sendall(request)
        assert _read_answer(sock).startswith(b"HTTP/1.1 200 ")


def _read_answer(sock):
    """One answer (head and Content-Length body) read off a kept-alive connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        assert chunk, f"connection closed after {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        chunk = sock.recv(4096)
        assert chunk, "connection closed in the middle of an answer"
        body += chunk
    return head
