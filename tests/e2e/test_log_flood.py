"""No client can fill the disk through the log (issue 13, item 4): the lines
of refused, unknown or malformed requests are limited per client (60 in a
row, then one every 10 s), the rest summed up in one line; the till's
openings are never limited; log_max_mb caps the folder, the oldest archives
going first, and a day's routine lines stop at their share of it. The LAN
client (203.0.113.2) lives in a network namespace of its own."""
import re
import time
from types import SimpleNamespace

import pytest

from e2elib import expect, logfile, netns, web
from e2elib.printer import PrinterListener

LAN_PEER = netns.CLI_ADDRESS
BURST = 60  # ROTLOG_CLIENT_BURST
INTERVAL_S = 10  # ROTLOG_CLIENT_INTERVAL_MS
FLOOD = 300
SUMMARY_RE = re.compile(r"^(?P<count>\d+) requêtes? de plus de (?P<key>\S+) non écrites? depuis "
                        r"\d\d:\d\d:\d\d \(au plus 60 lignes par client, puis une toutes les "
                        r"10 s\)$")


@pytest.fixture
def lan(namespaces, start_daemon):
    """The daemon and its printer inside srv; `flood` sends requests from
    the LAN client in cli on one kept-alive connection."""
    printer = PrinterListener(sock=netns.socket_in(namespaces.srv))
    try:
        daemon = start_daemon(printer.uri, ["--min-interval-ms", "0"], netns=namespaces.srv,
                              connect=netns.connector(namespaces.srv))
        from_lan = netns.connector(namespaces.cli)

        def flood(paths):
            conn = web._Connection(netns.SRV_ADDRESS, daemon.port, 10, from_lan)
            statuses = []
            try:
                for path in paths:
                    conn.request("GET", path)
                    resp = conn.getresponse()
                    resp.read()
                    statuses.append(resp.status)
            finally:
                conn.close()
            return statuses

        yield SimpleNamespace(daemon=daemon, printer=printer, flood=flood,
                              from_lan=from_lan)
    finally:
        printer.close()


def lines_after_stop(daemon, mark):
    """The lines written since mark, once the daemon has stopped (a stop
    writes every summary still due)."""
    assert daemon.stop() == 0
    return logfile.read_lines(daemon.log_path)[mark:]


def summaries(messages):
    return [SUMMARY_RE.match(m) for m in messages if SUMMARY_RE.match(m)]


def test_a_lan_flood_of_unknown_paths_writes_a_burst_then_one_summary(lan):
    daemon = lan.daemon
    mark = daemon.log_mark()
    started = time.monotonic()

    statuses = lan.flood([f"/nope-{i}" for i in range(FLOOD)])
    elapsed = time.monotonic() - started
    messages = logfile.messages(lines_after_stop(daemon, mark))

    assert statuses == [404] * FLOOD
    written = [m for m in messages if m.startswith(f"{LAN_PEER} GET /nope-")]
    # the burst, and one more each 10 s the flood lasted
    assert BURST <= len(written) <= BURST + 1 + int(elapsed / INTERVAL_S)
    assert written[:BURST] == [f"{LAN_PEER} GET /nope-{i} 404 not_found" for i in range(BURST)]
    [summary] = summaries(messages)
    assert summary["key"] == LAN_PEER
    assert len(written) + int(summary["count"]) == FLOOD


def test_a_lan_flood_of_open_refusals_is_summed_up_and_never_hides_an_opening(lan):
    daemon = lan.daemon
    mark = daemon.log_mark()

    statuses = lan.flood(["/open-cash-drawer"] * FLOOD)
    opened = daemon.get("/open-cash-drawer")
    messages = logfile.messages(lines_after_stop(daemon, mark))

    assert statuses == [403] * FLOOD
    expect.assert_json(opened, 200, expect.OPENED)
    refusals = messages.count(expect.NOT_LOCAL_LINE.format(peer=LAN_PEER))
    assert BURST <= refusals < FLOOD
    [summary] = summaries(messages)
    assert refusals + int(summary["count"]) == FLOOD
    assert messages.count(expect.OPENED_LINE.format(peer="127.0.0.1")) == 1


def test_a_lan_flood_of_malformed_requests_writes_a_bounded_number_of_lines(lan):
    daemon = lan.daemon
    mark = daemon.log_mark()

    for _ in range(200):
        sock = lan.from_lan(netns.SRV_ADDRESS, daemon.port, 5)
        try:
            sock.sendall(b"GET / HTTP/2.0\r\n\r\n")
            while sock.recv(4096):
                pass
        finally:
            sock.close()
    messages = logfile.messages(lines_after_stop(daemon, mark))

    # a line per request would be 200 (or more): the HTTP library's
    # messages and the requests' own lines each get one budget at most
    assert len(messages) <= 2 * (BURST + 1) + 4, "\n".join(messages)
    assert any(re.match(r"^\d+ (messages de plus du serveur HTTP|requêtes de plus de )", m)
               for m in messages), "\n".join(messages)


def test_the_tills_openings_are_never_limited(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0"])
    mark = daemon.log_mark()

    answers = [daemon.get("/open-cash-drawer").status for _ in range(2 * BURST)]

    assert answers == [200] * (2 * BURST)
    assert logfile.messages(daemon.log_lines_since(mark)).count(
        expect.OPENED_LINE.format(peer="127.0.0.1")) == 2 * BURST


def test_log_max_mb_deletes_the_oldest_archives_first_and_says_so(start_daemon, printer,
                                                                  tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    names = [f"cashdrawer.log.2025-01-0{day}" for day in range(1, 6)]
    for name in names:
        (logs / name).write_bytes(b"x" * 299 * 1024 + b"\n")

    daemon = start_daemon(printer.uri, ["--log-max-mb", "1"], log_dir=logs)

    # 1 MiB holds three of them beside today's file
    assert sorted(p.name for p in logs.iterdir()) == ["cashdrawer.log"] + names[2:]
    assert logfile.messages(daemon.log_lines())[0] == (
        "2 archives supprimées avant leurs 30 jours, de cashdrawer.log.2025-01-01 à "
        "cashdrawer.log.2025-01-02 : le dossier du journal dépassait log_max_mb (1 Mio)")


def test_routine_probes_stop_at_the_days_share_of_log_max_mb_and_openings_go_on(start_daemon,
                                                                               printer):
    # 1 MiB for 30 days kept and today: 33 Kio a day
    daemon = start_daemon(printer.uri, ["--log-max-mb", "1", "--min-interval-ms", "0"])
    conn = web._Connection("127.0.0.1", daemon.port, 10, web.tcp_connect)
    try:
        for _ in range(1000):
            conn.request("GET", "/status?printer=cached")
            conn.getresponse().read()
    finally:
        conn.close()
    opened = daemon.get("/open-cash-drawer")
    daemon.settle_log()
    size = daemon.log_path.stat().st_size
    messages = logfile.messages(lines_after_stop(daemon, 0))

    expect.assert_json(opened, 200, expect.OPENED)
    assert size < 1024 * 1024 // 31 + 2048
    probes = messages.count("127.0.0.1 GET /status 200 ok")
    assert 400 < probes < 1000
    assert messages.count(
        "Journal du jour à sa part de log_max_mb (33 Kio sur 1 Mio, pour 30 jours gardés et "
        "aujourd'hui) : les lignes courantes (sondes /status, 404 du réseau) ne sont plus "
        "écrites jusqu'à minuit, seulement comptées") == 1
    assert messages.count(expect.OPENED_LINE.format(peer="127.0.0.1")) == 1
    left_out = [m for m in messages if "lignes courantes non écrites aujourd'hui jusqu'à l'arrêt"
                in m]
    assert left_out == [f"{1000 + 1 - probes} lignes courantes non écrites aujourd'hui jusqu'à "
                        "l'arrêt (part du jour de log_max_mb atteinte)"]
