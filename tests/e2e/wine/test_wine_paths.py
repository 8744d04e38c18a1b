"""Paths on Windows: cashdrawerd.ini and logs\\ next to the .exe by default,
whatever the current folder; UTF-8 paths with accents work everywhere."""
import re
import shutil
import signal
import subprocess
import time

from e2elib import expect, logfile, web
from e2elib.wine import WINE, windows_path


def wait_for_start_line(log_path, proc, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"exited with {proc.returncode}"
        text = log_path.read_bytes().decode("utf-8", "replace") if log_path.exists() else ""
        match = re.search(r"écoute sur \[::\]:(\d+)", text)
        if match:
            return int(match[1])
        time.sleep(0.05)
    raise AssertionError(f"no start-up line in {log_path}")


def test_ini_and_logs_folder_next_to_the_exe_in_a_folder_with_accents(exe, prefix, tmp_path,
                                                                      printer_marks):
    folder = tmp_path / "Caisse réception é"
    folder.mkdir()
    shutil.copy(exe, folder / "cashdrawerd.exe")
    (folder / "cashdrawerd.ini").write_text(
        "[cashdrawerd]\nport = 0\nprinter = TICKET\nmin_interval_ms = 0\n", encoding="utf-8")
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()

    proc = subprocess.Popen([WINE, folder / "cashdrawerd.exe"], cwd=elsewhere, env=prefix.env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        log_path = folder / "logs" / "cashdrawer.log"
        port = wait_for_start_line(log_path, proc)
        resp = web.get("/open-cash-drawer", port=port)
        expect.assert_json(resp, 200, expect.OPENED_UNREAD)
        assert printer_marks.new() == [expect.KICK_DEFAULT]
        status = web.get("/status", port=port).json()
        assert status["log"]["file"].endswith("logs/cashdrawer.log")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
    assert not (elsewhere / "logs").exists()
    assert logfile.messages(logfile.read_lines(log_path))[-1] == "Service arrêté"


def test_config_file_and_log_folder_given_with_accents(start_exe, tmp_path, printer_marks):
    ini = tmp_path / "réglages caisse.ini"
    ini.write_text("printer = spool:TICKET\n", encoding="utf-8")
    log_dir = tmp_path / "journaux été"

    daemon = start_exe(args=["--config", windows_path(ini)], log_dir=log_dir)
    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    assert printer_marks.new() == [expect.KICK_DEFAULT]
    assert (log_dir / "cashdrawer.log").exists()
    assert daemon.get("/status").json()["printer"]["uri"] == "spool:TICKET"
