"""Rotation at local midnight (Europe/Paris, under libfaketime): the day's
lines go to cashdrawer.log.YYYY-MM-DD, the new day starts a new file, no
line is lost, and an idle service rotates on time too."""
import datetime
import os
import time
import zoneinfo

import pytest

from e2elib import expect, logfile
from e2elib.fakeclock import faketime_env

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
FAKE_START = "2025-02-01 23:59:58"
DAY_BEFORE, DAY_AFTER = "2025-02-01", "2025-02-02"
ARCHIVE = f"cashdrawer.log.{DAY_BEFORE}"


@pytest.fixture
def fake_clock(faketime_lib):
    return faketime_env(faketime_lib, FAKETIME=f"@{FAKE_START}")


def _wait_for(path, started, timeout):
    while not path.exists():
        assert time.monotonic() - started < timeout, f"{path.name} not there {timeout} s after start"
        time.sleep(0.02)
    return time.monotonic() - started


def test_lines_before_and_after_midnight_go_to_the_days_archive_and_new_file_none_lost(
        start_daemon, printer, fake_clock):
    started = time.monotonic()
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0"], env=fake_clock)
    before = [daemon.get(f"/before-midnight-{i}") for i in range(3)]
    before.append(daemon.get("/open-cash-drawer"))
    assert time.monotonic() - started < 1.5, "too slow to act before the fake midnight"

    _wait_for(daemon.log_dir / ARCHIVE, started, timeout=6)
    after = [daemon.get(f"/after-midnight-{i}") for i in range(3)]
    after.append(daemon.get("/open-cash-drawer"))
    health = daemon.get("/status?printer=cached").json()["log"]
    daemon.settle_log()

    assert [r.status for r in before + after] == [404, 404, 404, 200] * 2
    assert printer.settle() == [expect.OPENED_DEFAULT] * 2
    archived = logfile.read_lines(daemon.log_dir / ARCHIVE)
    current = logfile.read_lines(daemon.log_path)
    assert {logfile.parse(line)["date"] for line in archived} == {DAY_BEFORE}
    assert {logfile.parse(line)["date"] for line in current} == {DAY_AFTER}
    assert all(logfile.parse(line)["time"] >= "23:59:58" for line in archived)
    assert any("Service démarré" in line for line in archived)
    archived_messages, current_messages = logfile.messages(archived), logfile.messages(current)
    for i in range(3):
        assert archived_messages.count(f"127.0.0.1 GET /before-midnight-{i} 404 not_found") == 1
        assert current_messages.count(f"127.0.0.1 GET /after-midnight-{i} 404 not_found") == 1
    assert archived_messages.count(expect.OPENED_LINE.format(peer="127.0.0.1")) == 1
    assert current_messages.count(expect.OPENED_LINE.format(peer="127.0.0.1")) == 1
    # Nothing lost: every line the daemon wrote, and the last /status's own line.
    assert (health["write_failures"], health["ok"]) == (0, True)
    assert len(archived) + len(current) == health["lines_written"] + 1
    assert sorted(p.name for p in daemon.log_dir.iterdir()) == ["cashdrawer.log", ARCHIVE]


def test_idle_service_rotates_within_seconds_of_midnight(start_daemon, printer, fake_clock):
    started = time.monotonic()
    daemon = start_daemon(printer.uri, env=fake_clock)

    elapsed = _wait_for(daemon.log_dir / ARCHIVE, started, timeout=6)

    # Midnight is 2 s after start on the fake clock.
    assert elapsed < 2 + 1.5, f"archive appeared {elapsed:.2f} s after start"
    archived = logfile.read_lines(daemon.log_dir / ARCHIVE)
    assert {logfile.parse(line)["date"] for line in archived} == {DAY_BEFORE}
    assert any("Service démarré" in line for line in archived)
    assert daemon.log_path.read_bytes() == b""
    resp = daemon.get("/status")
    assert resp.status == 200
    assert [logfile.parse(line)["date"] for line in daemon.log_lines()] == [DAY_AFTER]


def test_log_file_last_written_on_an_earlier_day_is_archived_under_that_day_at_start(
        start_daemon, printer, tmp_path):
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    old = ("2025-01-15 10:00:00,000 - INFO - 127.0.0.1 GET /open-cash-drawer 200 opened - "
           "Tiroir-caisse ouvert\n").encode("utf-8")
    (log_dir / "cashdrawer.log").write_bytes(old)
    written = datetime.datetime(2025, 1, 15, 12, 0, tzinfo=PARIS).timestamp()
    os.utime(log_dir / "cashdrawer.log", (written, written))

    day_at_start = datetime.datetime.now(PARIS).date().isoformat()
    daemon = start_daemon(printer.uri, log_dir=log_dir, env={"TZ": "Europe/Paris"})
    day_now = datetime.datetime.now(PARIS).date().isoformat()

    assert (log_dir / "cashdrawer.log.2025-01-15").read_bytes() == old
    lines = daemon.log_lines()
    assert {logfile.parse(line)["date"] for line in lines} <= {day_at_start, day_now}
    assert sum("Service démarré" in line for line in lines) == 1
    assert sorted(p.name for p in log_dir.iterdir()) == ["cashdrawer.log", "cashdrawer.log.2025-01-15"]
