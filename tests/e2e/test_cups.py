"""CUPS queues (the default printer TICKET, cups:NAME): the kick goes as one
raw job through a real cupsd of the test's own, whose raw queue feeds a
recording printer through CUPS's socket backend; the exact bytes arrive.
A missing, stopped or refusing queue, a cupsd down or hung: each its own
503 and log line, in bounded time, and the next request heals by itself."""
import os
import subprocess
import time
from pathlib import Path

import pytest

from e2elib import expect, logfile
from e2elib.cupsd import SilentServer
from e2elib.ippserver import OP_PRINT_JOB, TAG_END, JobStallingIppServer

QUEUE = "TICKET"
# cupsd starts a backend per job: the bytes reach the printer a moment after
# the answer. A generous bound, not a timing goal.
JOB_TIMEOUT = 30.0
START_WARNING = "Imprimante pas prête au démarrage ({code}) : {detail}"


@pytest.fixture
def queue(cupsd, printer):
    """The raw queue TICKET on the private cupsd, printing to `printer`."""
    cupsd.add_raw_queue(QUEUE, f"socket://127.0.0.1:{printer.port}")
    return QUEUE


def kicks_received(printer, count):
    """Waits for count connections from CUPS's socket backend, then for each
    to end; returns the bytes of each."""
    printer.wait_accepted(count, timeout=JOB_TIMEOUT)
    return printer.settle(timeout=JOB_TIMEOUT)


def wait_jobs_done(cupsd, name, completed):
    """Waits until the queue holds no unfinished job; asserts how many were
    printed in all (none left behind to print later)."""
    deadline = time.monotonic() + JOB_TIMEOUT
    while cupsd.jobs(name, "not-completed"):
        assert time.monotonic() < deadline, f"jobs still queued: {cupsd.jobs(name)}"
        time.sleep(0.05)
    assert len(cupsd.jobs(name, "completed")) == completed


def not_found_detail(printer_text, name, cupsd):
    return (f"imprimante {printer_text} : aucune file CUPS de ce nom sur {cupsd.server} "
            f"(créez-la : lpadmin -p {name} -E -v usb://... -m raw, ou réglez --printer)")


def open_drawer(daemon):
    return daemon.get("/open-cash-drawer", timeout=15)


# ---- the test's own cupsd ----

# cups-files.conf's directives that name where cupsd writes; the others it
# only reads (ServerBin: the backends, DataDir: its data) or are not paths.
WRITTEN_PATHS = ("ServerRoot", "StateDir", "CacheDir", "RequestRoot", "TempDir", "AccessLog",
                 "ErrorLog", "PageLog", "Printcap")


def test_private_cupsd_writes_its_printcap_and_files_inside_its_own_folder(cupsd, queue):
    settings = dict(line.split(None, 1) for line in
                    (cupsd.dir / "cups-files.conf").read_text("utf-8").splitlines())

    assert sorted(settings.keys() & set(WRITTEN_PATHS)) == sorted(WRITTEN_PATHS)
    outside = {key: settings[key] for key in WRITTEN_PATHS
               if not Path(settings[key]).resolve().is_relative_to(cupsd.dir.resolve())}
    assert outside == {}
    # cupsd used the directive: it wrote the printcap there, from its own queues
    assert f"{cupsd.dir}/printers.conf" in (cupsd.dir / "printcap").read_text("utf-8")


# ---- the kick reaches the printer through the queue ----

def test_default_printer_is_the_cups_queue_TICKET_and_gets_the_exact_kick(
        start_daemon, cupsd, queue, printer):
    daemon = start_daemon(None, env=cupsd.env)  # no --printer: the default, TICKET

    resp = open_drawer(daemon)

    expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    assert kicks_received(printer, 1) == [expect.KICK_DEFAULT]
    wait_jobs_done(cupsd, QUEUE, completed=1)
    lines = daemon.log_lines()
    logfile.assert_one_line(lines, "INFO", expect.OPENED_LINE.format(peer="127.0.0.1"))
    # (the start-up warning of an empty allowed_origins is not about printing)
    assert [m for m in logfile.messages(lines, "WARNING") if m != expect.OPEN_POLICY_WARNING] == []
    status = daemon.get("/status").json()["printer"]
    # A queue is write-only: no status to ask, and /status never makes a job.
    assert (status["uri"], status["can_read_status"], status["drawer"]) == ("TICKET", False, "unknown")
    wait_jobs_done(cupsd, QUEUE, completed=1)


def test_cups_uri_gets_the_exact_kick_and_status_shows_the_uri(start_daemon, cupsd, queue, printer):
    daemon = start_daemon(f"cups:{QUEUE}", env=cupsd.env)

    resp = open_drawer(daemon)

    expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    assert kicks_received(printer, 1) == [expect.KICK_DEFAULT]
    logfile.assert_one_line(daemon.log_lines(), "INFO", expect.OPENED_LINE.format(peer="127.0.0.1"))
    assert daemon.get("/status").json()["printer"]["uri"] == "cups:TICKET"


def test_pin_5_and_a_custom_pulse_reach_the_printer_through_the_queue(
        start_daemon, cupsd, queue, printer):
    daemon = start_daemon(QUEUE, ["--pin", "5", "--pulse-on-ms", "100", "--pulse-off-ms", "200"],
                          env=cupsd.env)

    resp = open_drawer(daemon)

    expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    # ESC p 1 50 100: pin 5, 100 ms on, 200 ms off (2 ms units)
    assert kicks_received(printer, 1) == [bytes([0x1B, 0x70, 0x01, 0x32, 0x64])]


def test_each_opening_is_one_raw_job_of_exactly_the_kick(start_daemon, cupsd, queue, printer):
    daemon = start_daemon(QUEUE, ["--min-interval-ms", "0"], env=cupsd.env)

    answers = [open_drawer(daemon) for _ in range(3)]

    for resp in answers:
        expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    assert kicks_received(printer, 3) == [expect.KICK_DEFAULT] * 3
    wait_jobs_done(cupsd, QUEUE, completed=3)


# ---- a queue that cannot print now ----

def test_missing_queue_warns_at_start_gives_503_and_works_once_created(
        start_daemon, cupsd, printer):
    daemon = start_daemon("cups:NOPE", ["--min-interval-ms", "0"], env=cupsd.env)
    detail = not_found_detail("cups:NOPE", "NOPE", cupsd)
    logfile.wait_for_line(daemon, "WARNING", START_WARNING.format(code="printer_queue_not_found",
                                                          detail=detail))
    mark = daemon.log_mark()

    resp = open_drawer(daemon)

    expect.assert_json(resp, 503, expect.printer_error("printer_queue_not_found"))
    assert logfile.messages(daemon.log_lines_since(mark), "ERROR") == [
        f"127.0.0.1 GET /open-cash-drawer 503 printer_queue_not_found - {detail}"]

    cupsd.add_raw_queue("NOPE", f"socket://127.0.0.1:{printer.port}")
    resp = open_drawer(daemon)

    expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    assert kicks_received(printer, 1) == [expect.KICK_DEFAULT]


def test_stopped_queue_gives_503_printer_queue_stopped_queues_nothing_and_heals(
        start_daemon, cupsd, queue, printer):
    daemon = start_daemon(QUEUE, env=cupsd.env)
    cupsd.disable(QUEUE)
    mark = daemon.log_mark()

    resp = open_drawer(daemon)

    expect.assert_json(resp, 503, expect.printer_error("printer_queue_stopped"))
    assert logfile.messages(daemon.log_lines_since(mark), "ERROR") == [
        "127.0.0.1 GET /open-cash-drawer 503 printer_queue_stopped - imprimante TICKET : la file "
        "CUPS est arrêtée : « Paused » (relancez-la : cupsenable TICKET)"]
    # A stopped queue still takes jobs and prints them when resumed: the
    # refused kick must not be among them, or the drawer would open later.
    assert cupsd.jobs(QUEUE) == []

    cupsd.enable(QUEUE)
    resp = open_drawer(daemon)

    expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    assert kicks_received(printer, 1) == [expect.KICK_DEFAULT]
    wait_jobs_done(cupsd, QUEUE, completed=1)


def test_stopped_queue_message_carries_the_admins_reason(start_daemon, cupsd, queue):
    daemon = start_daemon(f"cups:{QUEUE}", env=cupsd.env)
    cupsd.disable(QUEUE, reason="bourrage papier")
    mark = daemon.log_mark()

    resp = open_drawer(daemon)

    expect.assert_json(resp, 503, expect.printer_error("printer_queue_stopped"))
    assert logfile.messages(daemon.log_lines_since(mark), "ERROR") == [
        "127.0.0.1 GET /open-cash-drawer 503 printer_queue_stopped - imprimante cups:TICKET : la "
        "file CUPS est arrêtée : « bourrage papier » (relancez-la : cupsenable TICKET)"]


def test_queue_rejecting_jobs_gives_503_printer_queue_stopped_and_heals(
        start_daemon, cupsd, queue, printer):
    # Rejecting and stopped are one code for the till: either way the drawer
    # will not open now, and the fix is in the system's printer settings.
    # The log line tells them apart.
    daemon = start_daemon(QUEUE, env=cupsd.env)
    cupsd.reject(QUEUE)
    mark = daemon.log_mark()

    resp = open_drawer(daemon)

    expect.assert_json(resp, 503, expect.printer_error("printer_queue_stopped"))
    assert logfile.messages(daemon.log_lines_since(mark), "ERROR") == [
        "127.0.0.1 GET /open-cash-drawer 503 printer_queue_stopped - imprimante TICKET : la file "
        "CUPS refuse les travaux : « Rejecting Jobs » (faites-les-lui accepter : cupsaccept "
        "TICKET)"]

    cupsd.accept(QUEUE)
    resp = open_drawer(daemon)

    expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    assert kicks_received(printer, 1) == [expect.KICK_DEFAULT]


# ---- cupsd itself down or hung ----

def test_cupsd_down_gives_503_printer_spooler_down_in_time_and_heals_when_back(
        start_daemon, cupsd, queue, printer):
    daemon = start_daemon(QUEUE, ["--timeout-ms", "2000"], env=cupsd.env)
    cupsd.stop()
    mark = daemon.log_mark()

    resp = open_drawer(daemon)

    expect.assert_json(resp, 503, expect.printer_error("printer_spooler_down"))
    assert resp.elapsed < 2.0, f"answered in {resp.elapsed:.3f} s"
    assert logfile.messages(daemon.log_lines_since(mark), "ERROR") == [
        f"127.0.0.1 GET /open-cash-drawer 503 printer_spooler_down - imprimante TICKET : CUPS "
        f"injoignable sur {cupsd.server} : connexion refusée (cupsd tourne-t-il ? démarrez-le : "
        "systemctl start cups)"]

    cupsd.start()  # same configuration: the queue is still there
    resp = open_drawer(daemon)

    expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    assert kicks_received(printer, 1) == [expect.KICK_DEFAULT]


def test_started_before_cupsd_warns_then_prints_once_cupsd_runs(
        start_daemon, cupsd, queue, printer):
    cupsd.stop()
    daemon = start_daemon(QUEUE, env=cupsd.env)
    logfile.wait_for_line(daemon, "WARNING", START_WARNING.format(
        code="printer_spooler_down",
        detail=f"imprimante TICKET : CUPS injoignable sur {cupsd.server} : connexion refusée "
               "(cupsd tourne-t-il ? démarrez-le : systemctl start cups)"))

    cupsd.start()
    resp = open_drawer(daemon)

    expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    assert kicks_received(printer, 1) == [expect.KICK_DEFAULT]


def test_cupsd_that_never_answers_gives_503_printer_timeout_on_time(start_daemon):
    silent = SilentServer()
    try:
        daemon = start_daemon(QUEUE, ["--timeout-ms", "500"], env={"CUPS_SERVER": silent.server})
        detail = (f"imprimante TICKET : CUPS sur {silent.server} n'a pas répondu à temps pendant "
                  "la vérification de la file (cupsd est-il bloqué ou surchargé ? "
                  "redémarrez-le : systemctl restart cups)")
        logfile.wait_for_line(daemon, "WARNING", START_WARNING.format(code="printer_timeout",
                                                              detail=detail))
        mark = daemon.log_mark()

        resp = open_drawer(daemon)
    finally:
        silent.close()

    expect.assert_json(resp, 503, expect.printer_error("printer_timeout"))
    assert 0.45 <= resp.elapsed < 0.5 + 1.0, f"answered in {resp.elapsed:.3f} s"
    assert logfile.messages(daemon.log_lines_since(mark), "ERROR") == [
        f"127.0.0.1 GET /open-cash-drawer 503 printer_timeout - {detail}"]


def test_cupsd_that_takes_the_job_but_never_answers_gives_503_printer_timeout_on_time(
        start_daemon):
    fake = JobStallingIppServer()
    try:
        daemon = start_daemon(QUEUE, ["--timeout-ms", "500"], env={"CUPS_SERVER": fake.server})
        mark = daemon.log_mark()

        resp = open_drawer(daemon)
        jobs = fake.bodies(OP_PRINT_JOB)
    finally:
        fake.close()

    expect.assert_json(resp, 503, expect.printer_error("printer_timeout"))
    assert 0.45 <= resp.elapsed < 0.5 + 1.0, f"answered in {resp.elapsed:.3f} s"
    assert logfile.messages(daemon.log_lines_since(mark), "ERROR") == [
        f"127.0.0.1 GET /open-cash-drawer 503 printer_timeout - imprimante TICKET : CUPS sur "
        f"{fake.server} n'a pas répondu à temps pendant l'envoi du travail (cupsd est-il bloqué "
        "ou surchargé ? redémarrez-le : systemctl restart cups)"]
    # One raw Print-Job for the queue, the kick right after its attributes.
    assert len(jobs) == 1
    assert f"ipp://localhost:{fake.port}/printers/TICKET".encode() in jobs[0]
    assert b"application/vnd.cups-raw" in jobs[0]
    assert jobs[0].endswith(bytes([TAG_END]) + expect.KICK_DEFAULT)


def test_default_printer_is_a_valid_setting_checked_without_asking_cupsd(daemon_bin, tmp_path):
    # The queue's existence is a matter for run time (it may be created
    # later), never a configuration error.
    result = subprocess.run([str(daemon_bin), "--check-config"], capture_output=True, text=True,
                            timeout=10, cwd=tmp_path, stdin=subprocess.DEVNULL)

    assert (result.returncode, result.stdout, result.stderr) == (0, "(no file): configuration OK\n", "")


def test_cupsd_reached_by_its_local_socket_as_installed_prints_and_heals(
        start_daemon, cupsd, queue, printer):
    # An installed cupsd is reached by /run/cups/cups.sock: the same path here.
    daemon = start_daemon(QUEUE, ["--min-interval-ms", "0"], env={"CUPS_SERVER": cupsd.socket_path})

    expect.assert_json(open_drawer(daemon), 200, expect.OPENED_UNREAD)
    assert kicks_received(printer, 1) == [expect.KICK_DEFAULT]

    cupsd.stop()
    mark = daemon.log_mark()
    resp = open_drawer(daemon)

    expect.assert_json(resp, 503, expect.printer_error("printer_spooler_down"))
    # cupsd removes its socket when it stops; one left behind refuses.
    reason = "connexion refusée" if os.path.exists(cupsd.socket_path) else "le socket n'existe pas"
    assert logfile.messages(daemon.log_lines_since(mark), "ERROR") == [
        f"127.0.0.1 GET /open-cash-drawer 503 printer_spooler_down - imprimante TICKET : CUPS "
        f"injoignable sur {cupsd.socket_path} : {reason} (cupsd tourne-t-il ? démarrez-le : "
        "systemctl start cups)"]

    cupsd.start()
    expect.assert_json(open_drawer(daemon), 200, expect.OPENED_UNREAD)
    assert kicks_received(printer, 2) == [expect.KICK_DEFAULT] * 2
