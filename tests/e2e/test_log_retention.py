"""Retention: only the newest archives are kept, and nothing but exact
archive names (cashdrawer.log.YYYY-MM-DD with a real date) is ever deleted."""
import datetime

import pytest

JUNK = {
    "cashdrawer.log.old": b"old format\n",
    "cashdrawer.log.2025-13-01": b"not a date\n",
    "notes.txt": b"the shop's own notes\n",
}


def _archives(count):
    first = datetime.date(2025, 1, 1)
    return [f"cashdrawer.log.{first + datetime.timedelta(days=i)}" for i in range(count)]


def _prepare(log_dir, names):
    log_dir.mkdir()
    for name in names:
        (log_dir / name).write_bytes(f"2000-01-01 00:00:00,000 - INFO - {name}\n".encode())
    for name, data in JUNK.items():
        (log_dir / name).write_bytes(data)


@pytest.mark.parametrize("args,kept", [([], 30), (["--retention-days", "3"], 3)],
                         ids=["default_30", "retention_days_3"])
def test_start_keeps_only_the_newest_archives_and_never_touches_other_files(
        start_daemon, printer, tmp_path, args, kept):
    names = _archives(35)
    log_dir = tmp_path / "logs"
    _prepare(log_dir, names)

    start_daemon(printer.uri, args, log_dir=log_dir)

    for name in names[-kept:]:
        assert (log_dir / name).read_bytes() == f"2000-01-01 00:00:00,000 - INFO - {name}\n".encode()
    for name, data in JUNK.items():
        assert (log_dir / name).read_bytes() == data
    assert sorted(p.name for p in log_dir.iterdir()) == sorted(
        names[-kept:] + list(JUNK) + ["cashdrawer.log"])
