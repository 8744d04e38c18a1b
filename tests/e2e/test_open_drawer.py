"""Opening the drawer from the till: the exact ESC/POS bytes on one printer
connection, the exact answer, the exact log line, and coalescing."""
import datetime
import subprocess
import threading
import time
import zoneinfo

from e2elib import expect, logfile, web

PARALLEL = 20
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_loopback_open_sends_one_kick_answers_200_and_logs_opened(start_daemon, printer):
    daemon = start_daemon(printer.uri, env={"TZ": "Europe/Paris"})

    before = datetime.datetime.now(PARIS).replace(tzinfo=None)
    resp = daemon.get("/open-cash-drawer")
    after = datetime.datetime.now(PARIS).replace(tzinfo=None)

    expect.assert_json(resp, 200, expect.OPENED)
    assert resp.header("Cache-Control") == "no-store"
    assert printer.settle() == [expect.OPENED_DEFAULT]
    lines = daemon.log_lines()
    logfile.assert_all_lines_well_formed(lines)
    line = logfile.assert_one_line(lines, "INFO", expect.OPENED_LINE.format(peer="127.0.0.1"))
    # local time (TZ=Europe/Paris), to the millisecond
    slack = datetime.timedelta(milliseconds=1)
    assert before - slack <= logfile.timestamp(line) <= after + slack, line


def test_kick_pin5_100ms_on_200ms_off_is_1b_70_01_32_64(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--pin", "5", "--pulse-on-ms", "100",
                                        "--pulse-off-ms=200"])

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 200, expect.OPENED)
    assert printer.settle() == [bytes([0x1B, 0x70, 0x01, 0x32, 0x64])]


def test_pin_both_kicks_pin_2_then_pin_5_and_status_says_both(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--pin", "both"])

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 200, expect.OPENED)
    assert printer.settle() == [expect.KICK_DEFAULT + bytes([0x1B, 0x70, 0x01, 0x19, 0xFA])]
    assert daemon.get("/status?printer=cached").json()["drawer"]["pin"] == "both"


# ---- the drawer's state read back, asked per request ----

# The field's client (CLIENTS.md): Odoo's module and the Chrome extension,
# a plain no-cors GET; the browser sends no Origin and drops custom headers.
FIELD_HEADERS = {"Accept": "*/*", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors",
                 "Sec-Fetch-Dest": "empty", "Referer": "http://10.99.0.2:8069/"}


def test_the_fields_no_cors_get_is_answered_once_the_printer_has_the_kick(start_daemon, printer):
    daemon = start_daemon(printer.uri)

    resp = daemon.get("/open-cash-drawer", headers=FIELD_HEADERS)

    # no DLE EOT after the kick: nothing waited for the pulse to read it back
    expect.assert_json(resp, 200, expect.OPENED)
    assert printer.settle() == [expect.KICK_DEFAULT]
    logfile.assert_one_line(daemon.log_lines(), "INFO",
                            expect.OPENED_LINE.format(peer="127.0.0.1"))


def test_read_back_true_waits_for_the_pulse_and_answers_the_drawer_read_back(
        start_daemon, printer):
    daemon = start_daemon(printer.uri)

    resp = daemon.get("/open-cash-drawer" + expect.READ_BACK)

    expect.assert_json(resp, 200, expect.OPENED_READ)
    assert printer.settle() == [expect.KICK_DEFAULT + expect.QUERY_PRINTER]
    # not refused as an unknown parameter; the line names the path, as ever
    logfile.assert_one_line(daemon.log_lines(), "INFO",
                            expect.OPENED_LINE.format(peer="127.0.0.1"))


def test_read_back_asked_with_a_bare_flag_or_declined_with_false(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0"])

    bare = daemon.get("/open-cash-drawer?read_back")
    declined = daemon.get("/open-cash-drawer?read_back=false")

    expect.assert_json(bare, 200, expect.OPENED_READ)
    expect.assert_json(declined, 200, expect.OPENED)
    assert printer.settle() == [expect.KICK_DEFAULT + expect.QUERY_PRINTER, expect.KICK_DEFAULT]


def test_an_opening_sharing_a_read_back_pulse_gets_its_drawer_without_waiting_again(
        start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "60000"])

    first = daemon.get("/open-cash-drawer" + expect.READ_BACK)
    field = daemon.get("/open-cash-drawer", headers=FIELD_HEADERS)

    expect.assert_json(first, 200, expect.OPENED_READ)
    expect.assert_json(field, 200, expect.COALESCED_READ)
    assert printer.settle() == [expect.KICK_DEFAULT + expect.QUERY_PRINTER]


def test_read_back_on_the_retired_setting_still_starts_with_a_warning(start_daemon, printer,
                                                                      tmp_path):
    ini = tmp_path / "cashdrawerd.ini"
    ini.write_text("[cashdrawerd]\nread_back = true\n")
    daemon = start_daemon(printer.uri, ["--config", ini])

    resp = daemon.get("/open-cash-drawer")

    # the setting no longer makes the field's GET wait
    expect.assert_json(resp, 200, expect.OPENED)
    assert printer.settle() == [expect.KICK_DEFAULT]
    logfile.assert_one_line(daemon.log_lines(), "WARNING", READ_BACK_RETIRED)


READ_BACK_RETIRED = ("Réglage read_back ignoré : il n'existe plus ; une ouverture répond dès que "
                     "l'imprimante a l'impulsion ; le client qui veut l'état du tiroir relu après "
                     "l'impulsion le demande à chaque requête (GET "
                     "/open-cash-drawer?read_back=true) ; retirez-le des réglages")


def test_pin_both_with_the_realtime_pulse_is_refused_at_start(daemon_bin):
    result = subprocess.run([str(daemon_bin), "--pin", "both", "--kick", "realtime",
                             "--check-config"], capture_output=True, text=True, timeout=10)

    assert result.returncode == 2
    assert "pin: both needs kick = esc-p" in result.stderr


def _open_in_parallel(daemon, count):
    barrier = threading.Barrier(count)
    results = [None] * count

    def one(i):
        barrier.wait(timeout=10)
        try:
            results[i] = daemon.get("/open-cash-drawer")
        except Exception as exc:  # reported below, on the test's thread
            results[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert not any(t.is_alive() for t in threads), "a request did not finish"
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    return results


def test_20_parallel_opens_share_one_pulse_within_min_interval(start_daemon, printer):
    daemon = start_daemon(printer.uri)

    results = _open_in_parallel(daemon, PARALLEL)

    assert [r.status for r in results] == [200] * PARALLEL
    bodies = sorted(r.body for r in results)
    assert bodies == sorted([web.json_bytes(expect.OPENED)]
                            + [web.json_bytes(expect.COALESCED)] * (PARALLEL - 1))
    assert printer.settle() == [expect.OPENED_DEFAULT]
    lines = daemon.log_lines()
    logfile.assert_one_line(lines, "INFO", expect.OPENED_LINE.format(peer="127.0.0.1"))
    coalesced = logfile.find_exact(lines, "INFO", expect.COALESCED_LINE.format(peer="127.0.0.1"))
    assert len(coalesced) == PARALLEL - 1
    status = daemon.get("/status").json()
    assert (status["drawer"]["pulses"], status["drawer"]["coalesced"]) == (1, PARALLEL - 1)


def test_20_parallel_opens_without_min_interval_send_20_whole_kicks_one_per_connection(
        start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0"])

    results = _open_in_parallel(daemon, PARALLEL)

    for r in results:
        expect.assert_json(r, 200, expect.OPENED)
    # One connection per kick, each carrying exactly the 5 bytes: never two
    # kicks on one connection, never a kick split or interleaved with another.
    assert printer.settle() == [expect.OPENED_DEFAULT] * PARALLEL
    lines = daemon.log_lines()
    opened = logfile.find_exact(lines, "INFO", expect.OPENED_LINE.format(peer="127.0.0.1"))
    assert len(opened) == PARALLEL
    assert daemon.get("/status").json()["drawer"]["pulses"] == PARALLEL


def test_open_after_min_interval_kicks_again(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "200"])

    first = daemon.get("/open-cash-drawer")
    second = daemon.get("/open-cash-drawer")
    printer.settle()
    time.sleep(0.25)  # the test's input: 250 ms pass, past the 200 ms window
    third = daemon.get("/open-cash-drawer")

    expect.assert_json(first, 200, expect.OPENED)
    expect.assert_json(second, 200, expect.COALESCED)
    expect.assert_json(third, 200, expect.OPENED)
    assert printer.settle() == [expect.OPENED_DEFAULT] * 2
