"""The log's files on Windows (compat_win32.c and rotlog_file_win32.c under
rotlog): at start a log from an earlier day is renamed to its day's archive
(MoveFileExW), and retention lists the folder (FindFirstFileW) and deletes
only the oldest archives beyond retention_days; /logs?date= serves an
archive, never a file that has other names; a log deleted or renamed while
the service runs is noticed at the next line."""
import os
import re
import time

from e2elib import logfile
from e2elib.wine import windows_path

DAY = 24 * 60 * 60


def test_earlier_days_log_is_archived_at_start_and_retention_keeps_the_newest(start_exe,
                                                                            tmp_path):
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    old = b"2020-01-01 10:00:00,000 - INFO - ligne d'un autre jour\n"
    current = log_dir / "cashdrawer.log"
    current.write_bytes(old)
    # noon UTC three days ago: the same calendar day in every zone from UTC-11 to UTC+11,
    # whichever zone Wine takes
    three_days_ago = (int(time.time()) // DAY - 3) * DAY + 12 * 60 * 60
    os.utime(current, (three_days_ago, three_days_ago))
    archive_day = time.strftime("%Y-%m-%d", time.gmtime(three_days_ago))
    for name in ("cashdrawer.log.2020-01-01", "cashdrawer.log.2020-01-02",
                 "cashdrawer.log.2020-01-03", "autre-fichier.txt"):
        (log_dir / name).write_bytes(b"x\n")

    daemon = start_exe(args=["--retention-days", "2"], log_dir=log_dir,
                       env={"TZ": "Europe/Paris"})

    assert (log_dir / f"cashdrawer.log.{archive_day}").read_bytes() == old
    assert sorted(p.name for p in log_dir.iterdir()) == sorted(
        ["cashdrawer.log", f"cashdrawer.log.{archive_day}", "cashdrawer.log.2020-01-03",
         "autre-fichier.txt"])
    assert logfile.messages(daemon.log_lines())[0].startswith("Service démarré")
    resp = daemon.get(f"/logs?date={archive_day}")
    assert resp.status == 200
    assert resp.body == old


def test_a_hard_link_named_like_an_archive_is_neither_served_nor_offered(start_exe, tmp_path):
    """rotlog_file_win32.c judges the opened file (GetFileInformationByHandle):
    a second name of a file outside the folder is no archive. Wine 8 makes no
    reparse point (CreateSymbolicLinkW returns TRUE and creates nothing) and
    shows a Unix symbolic link as the file it points to, so the link cases
    are unit-tested on the decision (tests/unit/test_rotlog_files.c)."""
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    shadow = tmp_path / "shadow"
    shadow.write_bytes(b"root:$6$secret-hash:19000:0:99999:7:::\n")
    os.link(shadow, log_dir / "cashdrawer.log.2026-12-01")
    (log_dir / "cashdrawer.log.2025-02-01").write_bytes(b"a real archive\n")

    daemon = start_exe(log_dir=log_dir)
    resp = daemon.get("/logs?date=2026-12-01")
    page = daemon.get("/").body.decode()

    assert resp.status == 404 and b"secret-hash" not in resp.body
    assert re.findall(r'href="/logs\?date=([0-9-]+)"', page) == ["2025-02-01"]
    assert (
        "127.0.0.1 GET /logs 404 log_not_found - cashdrawer.log.2026-12-01 a d'autres noms "
        "(liens physiques) : ce n'est pas un fichier du service seul : non servi (sortez-le de "
        f"{windows_path(log_dir)})") in logfile.messages(daemon.log_lines())
    assert shadow.read_bytes() == b"root:$6$secret-hash:19000:0:99999:7:::\n"


def test_a_log_deleted_or_renamed_while_running_is_noticed_and_started_again(start_exe,
                                                                            tmp_path):
    """The identity check (volume serial and file index, DeletePending) under
    Wine: another program deletes the log, then renames the new one."""
    daemon = start_exe()
    daemon.settle_log()
    path = daemon.log_path
    shown = f"{windows_path(daemon.log_dir)}/cashdrawer.log"  # rotlog joins with /

    path.unlink()
    during = daemon.get("/status?printer=cached").json()["log"]
    assert daemon.get("/nope").status == 404
    deleted = logfile.messages(logfile.read_lines(path))
    os.rename(path, path.with_name("cashdrawer.log.kept"))
    assert daemon.get("/nope-again").status == 404
    renamed = logfile.messages(logfile.read_lines(path))

    assert during["ok"] is False
    assert during["last_error"] == (
        f"{shown} supprimé pendant le service (un nouveau fichier commence à la ligne suivante)")
    assert deleted[0] == f"Journal {shown} supprimé pendant le service : nouveau fichier commencé"
    assert deleted[-1] == "127.0.0.1 GET /nope 404 not_found"
    assert renamed == [
        f"Journal {shown} renommé, déplacé ou supprimé pendant le service : nouveau fichier "
        "commencé", "127.0.0.1 GET /nope-again 404 not_found"]
