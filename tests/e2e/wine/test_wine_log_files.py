"""The log's files on Windows (compat_win32.c under rotlog): at start a log
from an earlier day is renamed to its day's archive (MoveFileExW), and
retention lists the folder (FindFirstFileW) and deletes only the oldest
archives beyond retention_days; /logs?date= serves an archive."""
import os
import time

from e2elib import logfile

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
