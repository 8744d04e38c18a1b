"""cashdrawerd.exe under Wine drives the spooler queue TICKET: the pulse goes
as one RAW job through Wine's spooler to CUPS's raw queue TICKET, and the
printer behind it receives exactly 1B 70 00 19 FA."""
import re

from e2elib import expect, logfile

QUEUE_NOT_FOUND_FR = ("File d'impression introuvable : vérifiez le nom de l'imprimante dans "
                      "les réglages du service et du système.")


def test_default_printer_is_the_spooler_queue_TICKET_and_gets_the_exact_kick(start_exe,
                                                                               printer_marks):
    daemon = start_exe()  # no --printer: the default, TICKET
    mark = daemon.log_mark()

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    assert printer_marks.new() == [bytes.fromhex("1B 70 00 19 FA")]
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        expect.OPENED_LINE.format(peer="127.0.0.1")]
    start = logfile.messages(daemon.log_lines())[0]
    assert ", imprimante TICKET, impulsion broche 2 50/500 ms," in start


def test_spool_uri_names_the_same_queue(start_exe, printer_marks):
    daemon = start_exe("spool:TICKET", ["--pin", "5", "--pulse-on-ms", "100"])

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    assert printer_marks.new() == [bytes([0x1B, 0x70, 0x01, 0x32, 0xFA])]


def test_unknown_queue_gives_503_queue_not_found_with_the_windows_advice(start_exe,
                                                                         printer_marks):
    daemon = start_exe("spool:CAISSE2")
    advice = ("imprimante spool:CAISSE2 : aucune imprimante nommée CAISSE2 : vérifiez Paramètres > "
              "Imprimantes et scanners (le nom doit être le même, accents et majuscules compris) "
              "ou corrigez le réglage printer=spool:CAISSE2")
    # checked at start too, once the service serves: a warning, and the service runs
    logfile.wait_for_line(daemon, "WARNING",
                          f"Imprimante pas prête au démarrage (printer_queue_not_found) : {advice}")
    mark = daemon.log_mark()

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 503, {"status": "error", "error": "printer_queue_not_found",
                                   "message": QUEUE_NOT_FOUND_FR})
    assert printer_marks.new(0) == []
    assert logfile.find_exact(
        daemon.log_lines_since(mark), "ERROR",
        f"127.0.0.1 GET /open-cash-drawer 503 printer_queue_not_found - {advice}")


def test_status_shows_the_queue_and_an_iso_time_with_a_numeric_offset(start_exe):
    daemon = start_exe()

    resp = daemon.get("/status")

    assert resp.status == 200
    body = resp.json()
    assert (body["status"], body["message"], body["remote_addr"], body["local_client"],
            body["printer"]["uri"], body["log"]["ok"]) == (
        "running", "Service actif", "127.0.0.1", True, "TICKET", True)
    # msvcrt's strftime writes the zone's name for %z: the offset is computed
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", body["started_at"])


def test_logs_download_is_the_log_file_and_names_itself(start_exe):
    daemon = start_exe()

    resp = daemon.get("/logs")

    assert resp.status == 200
    assert resp.header("Content-Disposition") == 'attachment; filename="cashdrawer.log"'
    assert resp.body == daemon.log_path.read_bytes()
    assert resp.body.decode("utf-8").endswith(
        " - INFO - 127.0.0.1 GET /logs 200 log_download - téléchargement du journal "
        "cashdrawer.log\n")


def test_ctrl_c_stops_cleanly_and_the_log_says_so(start_exe):
    daemon = start_exe()

    assert daemon.stop() == 0

    assert logfile.messages(daemon.log_lines())[-2:] == ["Arrêt demandé (Ctrl-C)",
                                                          "Service arrêté"]


def test_bare_tcp_uri_is_refused_at_start_with_what_windows_drives(start_exe):
    daemon = start_exe("tcp://127.0.0.1:9", wait_ready=False)

    daemon.proc.wait(timeout=30)

    assert daemon.proc.returncode == 2
    assert "la version Windows passe par le spouleur ou par un port série" in (
        daemon.stderr())
