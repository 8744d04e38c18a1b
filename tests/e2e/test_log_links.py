"""Nothing in the log folder is followed as a link or read unless it is a
regular file the service named itself (issue 13, items 1 and 2). A file
beside the log folder, "shadow", stands for /etc/shadow: a symbolic link,
a hard link, a pipe or a folder under a log's name never serves it through
/logs?date=, the status page never offers it, retention never counts or
deletes it, a start never cuts or appends to it, and a midnight rotation
never renames or serves it."""
import datetime
import os
import re
import time
import zoneinfo

import pytest

from e2elib import expect, logfile, netns
from e2elib.fakeclock import faketime_env
from e2elib.printer import PrinterListener

SHADOW = b"root:$6$secret-hash:19000:0:99999:7:::\nlast line without its newline"
REAL_DAY = "2025-02-01"
REAL_TEXT = (f"{REAL_DAY} 09:00:00,123 - INFO - 127.0.0.1 GET /open-cash-drawer 200 opened - "
             "Tiroir-caisse ouvert\n").encode()
LINK_PROBLEM = "est un lien (symbolique ou jonction), pas un fichier du service"
PROBLEMS = {
    "symlink": LINK_PROBLEM,
    "hardlink": "a d'autres noms (liens physiques) : ce n'est pas un fichier du service seul",
    "fifo": "n'est pas un fichier ordinaire (un tube, un périphérique ou un socket)",
    "folder": "est un dossier, pas un fichier du service",
}


@pytest.fixture
def place(tmp_path):
    """logs/ with a real archive, and the shadow file beside it."""
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / f"cashdrawer.log.{REAL_DAY}").write_bytes(REAL_TEXT)
    shadow = tmp_path / "shadow"
    shadow.write_bytes(SHADOW)
    shadow.chmod(0o600)
    return logs, shadow


def pose(kind, path, shadow):
    """Puts a `kind` under path: a link to shadow, a hard link to it, a pipe or a folder."""
    if kind == "symlink":
        os.symlink(shadow, path)
    elif kind == "hardlink":
        os.link(shadow, path)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()


def assert_shadow_untouched(shadow):
    assert shadow.read_bytes() == SHADOW
    assert shadow.stat().st_mode & 0o777 == 0o600


# ---- /logs?date= and the status page ----

@pytest.mark.parametrize("kind", list(PROBLEMS))
def test_logs_date_never_serves_what_poses_as_an_archive(start_daemon, printer, place, kind):
    logs, shadow = place
    pose(kind, logs / "cashdrawer.log.2026-12-01", shadow)
    daemon = start_daemon(printer.uri, log_dir=logs)
    mark = daemon.log_mark()

    resp = daemon.get("/logs?date=2026-12-01", timeout=5)

    expect.assert_json(resp, 404, expect.LOG_NOT_FOUND)
    assert b"secret-hash" not in resp.body
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        f"127.0.0.1 GET /logs 404 log_not_found - cashdrawer.log.2026-12-01 {PROBLEMS[kind]} : "
        f"non servi (sortez-le de {logs})"]
    # the real archive beside it is served as before
    assert daemon.get(f"/logs?date={REAL_DAY}").body == REAL_TEXT
    assert_shadow_untouched(shadow)


def test_logs_date_refuses_a_link_to_a_lan_client_without_token_too(namespaces, start_daemon,
                                                                     place):
    logs, shadow = place
    os.symlink(shadow, logs / "cashdrawer.log.2026-12-01")
    printer = PrinterListener(sock=netns.socket_in(namespaces.srv))
    try:
        daemon = start_daemon(printer.uri, log_dir=logs, netns=namespaces.srv,
                              connect=netns.connector(namespaces.srv))
        resp = daemon.get("/logs?date=2026-12-01", host=netns.SRV_ADDRESS,
                          connect=netns.connector(namespaces.cli))
    finally:
        printer.close()

    expect.assert_json(resp, 404, expect.LOG_NOT_FOUND)
    assert b"secret-hash" not in resp.body


def test_the_status_page_offers_only_real_archives_for_download(start_daemon, printer, place):
    logs, shadow = place
    for day, kind in zip(("01", "02", "03", "04"), PROBLEMS):
        pose(kind, logs / f"cashdrawer.log.2026-12-{day}", shadow)
    daemon = start_daemon(printer.uri, log_dir=logs)

    page = daemon.get("/").body.decode()

    assert re.findall(r'href="/logs\?date=([0-9-]+)"', page) == [REAL_DAY]


# ---- retention ----

def test_retention_never_counts_nor_deletes_what_poses_as_an_archive(start_daemon, printer,
                                                                      place):
    logs, shadow = place
    (logs / "cashdrawer.log.2025-01-31").write_bytes(b"older\n")
    # newer than the real ones: counted as archives, they would push those out
    for day, kind in zip(("01", "02", "03"), ("symlink", "hardlink", "folder")):
        pose(kind, logs / f"cashdrawer.log.2026-12-{day}", shadow)
    # older: deleted "by date", a link is still no archive and stays
    os.symlink(shadow, logs / "cashdrawer.log.2020-01-01")

    start_daemon(printer.uri, ["--retention-days", "1"], log_dir=logs)

    assert sorted(p.name for p in logs.iterdir()) == [
        "cashdrawer.log", "cashdrawer.log.2020-01-01", f"cashdrawer.log.{REAL_DAY}",
        "cashdrawer.log.2026-12-01", "cashdrawer.log.2026-12-02", "cashdrawer.log.2026-12-03"]
    assert (logs / f"cashdrawer.log.{REAL_DAY}").read_bytes() == REAL_TEXT
    assert os.readlink(logs / "cashdrawer.log.2026-12-01") == str(shadow)
    assert_shadow_untouched(shadow)


# ---- the current file at start ----

@pytest.mark.parametrize("kind", ["symlink", "hardlink"])
def test_a_start_on_a_linked_log_stops_with_what_to_do_and_leaves_the_target_whole(
        start_daemon, printer, place, kind):
    logs, shadow = place
    pose(kind, logs / "cashdrawer.log", shadow)

    daemon = start_daemon(printer.uri, log_dir=logs, wait_ready=False)
    daemon.proc.wait(timeout=10)

    assert daemon.proc.returncode == 1
    # its last line lacks a '\n': followed, it would have been cut off
    # ("Fin de journal incomplète retirée"), then appended to
    assert_shadow_untouched(shadow)
    assert daemon.stderr() == (
        f"cashdrawerd: fichier journal {logs}/cashdrawer.log : {PROBLEMS[kind]} ; le service "
        "n'écrit jamais au travers (mettez-le de côté, par exemple renommez-le "
        "cashdrawer.log.moved, puis redémarrez ; pour tenir le journal dans un autre dossier, "
        "réglez log_dir sur ce dossier)\n")


def test_an_earlier_days_log_is_never_appended_through_a_linked_archive(start_daemon, printer,
                                                                         place):
    logs, shadow = place
    current = logs / "cashdrawer.log"
    old = b"2025-01-15 10:00:00,000 - INFO - 127.0.0.1 GET /client-sent-path 404 not_found\n"
    current.write_bytes(old)
    written = datetime.datetime(2025, 1, 15, 12, 0,
                                tzinfo=zoneinfo.ZoneInfo("Europe/Paris")).timestamp()
    os.utime(current, (written, written))
    os.symlink(shadow, logs / "cashdrawer.log.2025-01-15")

    daemon = start_daemon(printer.uri, log_dir=logs, env={"TZ": "Europe/Paris"})
    health = daemon.get("/status?printer=cached").json()["log"]

    assert_shadow_untouched(shadow)
    assert current.read_bytes().startswith(old)  # the lines stay where they were
    assert health["last_error"] == (
        f"ajout de {current} à {logs}/cashdrawer.log.2025-01-15 : {LINK_PROBLEM}")


# ---- rotation at midnight ----

def test_a_log_replaced_by_a_link_is_neither_written_nor_archived_at_midnight(
        start_daemon, printer, place, faketime_lib):
    logs, shadow = place
    current = logs / "cashdrawer.log"
    daemon = start_daemon(printer.uri, log_dir=logs,
                          env=faketime_env(faketime_lib, FAKETIME="@2025-03-01 23:59:58"))
    current.unlink()
    os.symlink(shadow, current)
    # lines before midnight: not written through the link
    assert daemon.get("/before-midnight").status == 404

    deadline = time.monotonic() + 10
    while daemon.get("/status?printer=cached").json()["today"]["date"] != "2025-03-02":
        assert time.monotonic() < deadline, "the fake midnight never came"
        time.sleep(0.1)
    after = daemon.get("/after-midnight")
    day_before = daemon.get("/logs?date=2025-03-01")
    health = daemon.get("/status?printer=cached").json()["log"]

    assert after.status == 404
    assert_shadow_untouched(shadow)
    assert os.readlink(current) == str(shadow)  # left where it was
    # renamed, the link would have become the day's "archive", served by /logs
    assert not os.path.lexists(logs / "cashdrawer.log.2025-03-01")
    expect.assert_json(day_before, 404, expect.LOG_NOT_FOUND)
    assert health["ok"] is False
    assert health["last_error"] == (
        f"ouverture de {current} : {LINK_PROBLEM} (jamais écrit au travers : mettez-le de côté, "
        "la ligne suivante commencera alors un nouveau fichier)")
