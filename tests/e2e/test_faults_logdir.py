"""Fault injection, the log's disk: a small tmpfs the test mounts fills up,
then turns read-only. The drawer opens all the same; the lines that cannot
be written are counted in /status (and still reach standard error), none
is left torn in the file, and the same process writes again, saying how
many lines were lost, as soon as the disk takes them (see e2elib/faults.py)."""
import re

import pytest

from e2elib import expect, faults, logfile, tmpfs
from e2elib.skips import skip_or_fail

OPENED_LINE = expect.OPENED_LINE.format(peer="127.0.0.1")
LOGS_LINE = "127.0.0.1 GET /logs 200 log_download - téléchargement du journal cashdrawer.log"
STATUS_LINE = "127.0.0.1 GET /status 200 ok"
RESTORED_RE = re.compile(r"^Journal rétabli : (?P<lost>\d+) lignes? perdues? depuis le "
                         r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \((?P<error>.+)\)$")
DISK_FULL = r"écriture de {path} : seulement 20 octets écrits sur \d+ \(disque plein \?\)"
TIMEOUT_MS = 2000  # the default timeout_ms


@pytest.fixture
def log_disk(tmp_path):
    reason = tmpfs.unavailable_reason()
    if reason is not None:
        skip_or_fail(reason)
    disk = tmpfs.SmallFs(tmp_path / "logdisk", 128 * 1024).mount()
    try:
        yield disk
    finally:
        disk.remount("rw")
        disk.unmount()


def _line_length(message, level):
    return len(f"2025-01-01 00:00:00,000 - {level} - {message}\n".encode())


def leave_free_in_last_page(daemon, free):
    """Sends requests for unknown paths (404, one line each, written at once)
    until the log's last page has exactly free bytes left: once the rest of
    the disk is full, the next line can only be written in part."""
    daemon.settle_log()
    base = _line_length("127.0.0.1 GET  404 not_found", "WARNING")
    shortest, longest = base + 2, base + 200  # paths "/p" .. 200 characters
    need = (-daemon.log_path.stat().st_size - free) % tmpfs.PAGE
    while need:
        if need < shortest:
            need += tmpfs.PAGE
        length = need if need <= longest else min(longest, need - shortest)
        resp = daemon.get("/" + "p" * (length - base - 1))
        assert resp.status == 404
        need -= length
    assert -daemon.log_path.stat().st_size % tmpfs.PAGE == free


def assert_resumed(daemon, pid, lines_before):
    """The same process goes on; the log kept its lines, whole, then explains
    the gap where it is, then the next opening's line: returns the match of
    that explanation and the new messages."""
    faults.assert_alive(daemon, pid)
    lines = faults.assert_whole_lines(daemon.log_path)
    assert lines[:len(lines_before)] == lines_before
    new = logfile.messages(lines[len(lines_before):])
    restored = RESTORED_RE.match(new[0])
    assert restored is not None, new
    assert new[1] == OPENED_LINE, new
    return restored, new


def log_health(daemon):
    return faults.timed_get(daemon, "/status?printer=cached", TIMEOUT_MS).json()["log"]


def test_full_log_disk_never_fails_an_opening_leaves_no_torn_line_and_resumes_by_itself(
        log_disk, start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0", *faults.PATIENT_READ_BACK],
                          log_dir=log_disk.path / "logs", log_console=True)
    pid = daemon.proc.pid
    # 20 bytes left: the next line (about 100 bytes) is cut short by the disk
    leave_free_in_last_page(daemon, 20)
    before = daemon.log_path.read_bytes()
    lines_before = logfile.read_lines(daemon.log_path)
    log_disk.fill()

    opens = [faults.timed_get(daemon, "/open-cash-drawer", TIMEOUT_MS) for _ in range(3)]
    download = faults.timed_get(daemon, "/logs", TIMEOUT_MS)
    during = log_health(daemon)
    daemon.wait_out_lost_status_line()  # that /status line is lost too
    assert daemon.log_path.read_bytes() == before, "a line reached a full disk, or a piece of one"

    log_disk.free()
    healed = faults.timed_get(daemon, "/open-cash-drawer", TIMEOUT_MS)
    after = log_health(daemon)

    for resp in opens + [healed]:
        expect.assert_json(resp, 200, expect.OPENED)
    assert printer.settle() == [expect.OPENED_DEFAULT] * 4
    # the download is the file as it was: whole lines, none torn by the full disk
    assert download.status == 200 and download.body == before
    log_path = str(daemon.log_path)
    assert during["ok"] is False
    assert during["write_failures"] == 4  # three openings and the download
    # the 20 bytes left take a piece of each line, which is cut back off
    assert re.fullmatch(DISK_FULL.format(path=re.escape(log_path)), during["last_error"])
    restored, new = assert_resumed(daemon, pid, lines_before)
    assert int(restored["lost"]) == 5
    assert re.fullmatch(DISK_FULL.format(path=re.escape(log_path)), restored["error"])
    assert len(new) == 2
    assert after["ok"] is True
    assert after["write_failures"] == 5
    assert after["lines_written"] == during["lines_written"] + 2
    # standard error (the journal under systemd) got every line, the lost ones too
    assert logfile.messages(daemon.stderr().splitlines()).count(OPENED_LINE) == 4


def test_read_only_log_disk_never_fails_an_opening_and_the_log_resumes_once_writable(
        log_disk, start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0", *faults.PATIENT_READ_BACK],
                          log_dir=log_disk.path / "logs")
    pid = daemon.proc.pid
    log_path = str(daemon.log_path)
    leave_free_in_last_page(daemon, 20)
    lines_before = logfile.read_lines(daemon.log_path)

    # Linux refuses to make a disk read-only while a file on it is open for
    # writing: a disk full first makes the service let go of its file.
    log_disk.fill()
    full = faults.timed_get(daemon, "/open-cash-drawer", TIMEOUT_MS)
    ok, why = log_disk.remount("ro")
    assert ok, f"remount read-only: {why} (does the service keep its log open after a failure?)"
    try:
        read_only = faults.timed_get(daemon, "/open-cash-drawer", TIMEOUT_MS)
        download = faults.timed_get(daemon, "/logs", TIMEOUT_MS)
        during = log_health(daemon)
        daemon.wait_out_lost_status_line()  # that /status line is lost too
    finally:
        ok, why = log_disk.remount("rw")
        assert ok, f"remount read-write: {why}"
    log_disk.free()
    healed = faults.timed_get(daemon, "/open-cash-drawer", TIMEOUT_MS)
    after = log_health(daemon)

    for resp in (full, read_only, healed):
        expect.assert_json(resp, 200, expect.OPENED)
    assert printer.settle() == [expect.OPENED_DEFAULT] * 3
    assert download.status == 200
    assert download.body.decode("utf-8").splitlines() == lines_before
    assert during["ok"] is False
    assert during["write_failures"] == 3  # two openings and the download
    assert during["last_error"] == f"ouverture de {log_path} : disque en lecture seule (EROFS)"
    restored, new = assert_resumed(daemon, pid, lines_before)
    assert (int(restored["lost"]), restored["error"]) == (
        4, f"ouverture de {log_path} : disque en lecture seule (EROFS)")
    assert len(new) == 2
    assert after["ok"] is True and after["write_failures"] == 4
