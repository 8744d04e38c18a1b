"""A log file deleted, renamed or replaced while the service runs (issue 13,
item 3): /status tells it at once, the next line opens the name afresh and
the new file starts by saying what became of the old one; no line goes to a
deleted file nobody can read."""
import os

from e2elib import expect, logfile

OPENED_LINE = expect.OPENED_LINE.format(peer="127.0.0.1")


def health(daemon):
    return daemon.get("/status?printer=cached").json()["log"]


def test_a_deleted_log_is_told_by_status_and_the_next_line_starts_a_new_file(start_daemon,
                                                                             printer):
    daemon = start_daemon(printer.uri)
    daemon.settle_log()  # the readiness probe's line is in the file
    path = daemon.log_path
    path.unlink()

    during = health(daemon)
    opened = daemon.get("/open-cash-drawer")
    download = daemon.get("/logs")
    after = health(daemon)

    expect.assert_json(opened, 200, expect.OPENED)
    assert during["ok"] is False
    assert during["last_error"] == (
        f"{path} supprimé pendant le service (un nouveau fichier commence à la ligne suivante)")
    messages = logfile.messages(logfile.read_lines(path))
    # the /status line came first: it noticed, the opening went to the new file
    assert messages[0] == f"Journal {path} supprimé pendant le service : nouveau fichier commencé"
    assert OPENED_LINE in messages
    assert download.status == 200
    assert logfile.messages(download.body.decode().splitlines())[0] == messages[0]
    assert after["ok"] is True
    assert after["last_error"] == (f"{path} supprimé pendant le service (écriture reprise dans un "
                                   "nouveau fichier)")


def test_a_renamed_log_keeps_its_lines_and_the_next_line_starts_a_new_file(start_daemon, printer):
    daemon = start_daemon(printer.uri)
    daemon.settle_log()  # the readiness probe's line is in the file
    path = daemon.log_path
    moved = path.with_name("cashdrawer.log.kept")
    before = path.read_bytes()
    os.rename(path, moved)

    daemon.get("/open-cash-drawer")

    assert moved.read_bytes() == before
    lines = logfile.read_lines(path)
    assert logfile.messages(lines) == [
        f"Journal {path} renommé, déplacé ou supprimé pendant le service : nouveau fichier "
        "commencé", OPENED_LINE]
    assert logfile.parse(lines[0])["level"] == "WARNING"


def test_a_replaced_log_is_written_to_after_the_lines_of_its_replacement(start_daemon, printer):
    daemon = start_daemon(printer.uri)
    daemon.settle_log()  # the readiness probe's line is in the file
    path = daemon.log_path
    replacement = path.with_name("new")
    replacement.write_bytes("2025-02-01 10:00:00,000 - INFO - mis là par l'administrateur\n".encode())
    os.rename(replacement, path)

    daemon.get("/open-cash-drawer")

    assert logfile.messages(logfile.read_lines(path)) == [
        "mis là par l'administrateur",
        f"Journal {path} remplacé pendant le service : écriture reprise dans le nouveau fichier",
        OPENED_LINE]
