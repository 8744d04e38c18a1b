"""GET /logs: today's file or an archived day, as an attachment, with a
strict date parameter (no path tricks)."""
import pytest

from e2elib import expect, logfile

ARCHIVE_DAY = "2025-02-01"
ARCHIVE_TEXT = ("2025-02-01 09:00:00,123 - INFO - 127.0.0.1 GET /open-cash-drawer 200 opened - "
                "Tiroir-caisse ouvert\n").encode("utf-8")


@pytest.fixture
def daemon(start_daemon, printer, tmp_path):
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    (log_dir / f"cashdrawer.log.{ARCHIVE_DAY}").write_bytes(ARCHIVE_TEXT)
    return start_daemon(printer.uri, log_dir=log_dir)


def test_logs_is_todays_file_as_attachment_including_its_own_download_line(daemon):
    resp = daemon.get("/logs")

    assert resp.status == 200
    assert resp.header("Content-Disposition") == 'attachment; filename="cashdrawer.log"'
    assert resp.header("Content-Type") == "text/plain; charset=utf-8"
    assert resp.body == daemon.log_path.read_bytes()
    last = resp.body.decode("utf-8").split("\n")[-2]
    assert logfile.parse(last)["level"] == "INFO"
    assert logfile.parse(last)["message"] == (
        "127.0.0.1 GET /logs 200 log_download - téléchargement du journal cashdrawer.log")


def test_logs_with_date_serves_that_days_archive(daemon):
    mark = daemon.log_mark()

    resp = daemon.get(f"/logs?date={ARCHIVE_DAY}")

    assert resp.status == 200
    assert resp.header("Content-Disposition") == f'attachment; filename="cashdrawer.log.{ARCHIVE_DAY}"'
    assert resp.body == ARCHIVE_TEXT
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        f"127.0.0.1 GET /logs 200 log_download - téléchargement du journal cashdrawer.log.{ARCHIVE_DAY}"]


@pytest.mark.parametrize("query", [
    "date=2025-02-30",        # no such day
    "date=2025-2-1",          # not zero-padded
    "date=../../etc/passwd",  # a path
    "date=..%2F..%2Fetc%2Fpasswd",
    "date=2025-02-01%00",     # NUL after a valid date
    "date=2025-02-01%0A",
    "date=%202025-02-01",
    "date=2025-02-01x",
    "date=",                  # empty
    "date",                   # no value at all
])
def test_logs_with_a_bad_date_is_400_bad_date(daemon, query):
    mark = daemon.log_mark()

    resp = daemon.get(f"/logs?{query}")

    expect.assert_json(resp, 400, expect.BAD_DATE)
    assert logfile.messages(daemon.log_lines_since(mark), "WARNING") == [
        "127.0.0.1 GET /logs 400 bad_date"]


def test_logs_for_a_day_without_archive_is_404_log_not_found(daemon):
    mark = daemon.log_mark()

    resp = daemon.get("/logs?date=2024-12-31")

    expect.assert_json(resp, 404, expect.LOG_NOT_FOUND)
    assert logfile.messages(daemon.log_lines_since(mark), "WARNING") == [
        "127.0.0.1 GET /logs 404 log_not_found - cashdrawer.log.2024-12-31"]


@pytest.mark.parametrize("query", ["file=cashdrawer.log", "date=2025-02-01&date=2025-02-01",
                                   "date=2025-02-01&x=1", "da%00te=2025-02-01"])
def test_logs_with_unknown_or_repeated_parameter_is_400_bad_query(daemon, query):
    resp = daemon.get(f"/logs?{query}")

    expect.assert_json(resp, 400, expect.BAD_QUERY)


def test_head_logs_sends_the_headers_and_no_body(daemon):
    resp = daemon.raw("HEAD", "/logs")

    assert resp.status == 200
    assert resp.header("Content-Disposition") == 'attachment; filename="cashdrawer.log"'
    assert resp.body == b""
