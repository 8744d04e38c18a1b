"""Odoo's hardware proxy (issue 15, docs/odoo.md): every call stock Odoo POS
makes to an IoT box, answered by the real daemon: exact status, content
type and body bytes, the exact log line, the CORS answers and preflights a
cross-origin POS page needs; status_json for each state of the printer,
answered from the last check without waiting for the printer; the POS's
cashbox and open_cashbox as kicks that share the drawer's coalescing, its
worker and its /metrics counters."""
import threading

import pytest

from e2elib import expect, logfile
from e2elib import odoo
from e2elib.printer import PrinterListener, closed_port
from e2elib.sim import Simulator

POS = "http://pos.test:8069"
OTHER = "https://evil.example"
Q1, Q2, Q3, Q4 = (bytes([0x10, 0x04, n]) for n in (1, 2, 3, 4))
CHECK = Q1 + Q2 + Q4          # a status check of a printer without error
CHECK_ERROR = CHECK + Q3      # and DLE EOT 3 when DLE EOT 2 reports one
REFUSED_DETAIL = ("imprimante tcp://127.0.0.1:{port} : connexion refusée (l'imprimante est-elle "
                  "allumée, et est-ce bien son adresse et son port ?)")


@pytest.fixture
def pos_daemon(start_daemon, printer):
    """The daemon as the shop sets it for Odoo: the POS's origin listed."""
    return start_daemon(printer.uri, ["--allowed-origins", POS])


@pytest.fixture
def sim(spawn, sim_bin, tmp_path):
    made = []

    def make(*args):
        made.append(Simulator(spawn, sim_bin, tmp_path / f"sim{len(made)}.bin", args))
        return made[-1]

    return make


def preflight(origin, *, private_network=False):
    """What Chromium sends before the POS's JSON-RPC POST (Content-Type: application/json)."""
    headers = {"Origin": origin, "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "content-type", "Sec-Fetch-Mode": "cors",
               "Sec-Fetch-Site": "cross-site"}
    if private_network:
        headers["Access-Control-Request-Private-Network"] = "true"
    return headers


# ---- hello and handshake ----

def test_hello_answers_ping_as_text_with_cors_for_the_listed_pos(pos_daemon, printer):
    mark = pos_daemon.log_mark()

    resp = pos_daemon.get(odoo.HELLO, headers={"Origin": POS})

    # not JSON-typed: POS 14.0 to 16.0 (jQuery, no dataType) would fail to parse "ping"
    odoo.assert_answer(resp, 200, b"ping", odoo.PING_TYPE)
    assert resp.header("Access-Control-Allow-Origin") == POS
    assert resp.header("Vary") == "Origin"
    assert printer.settle() == []
    assert odoo.wait_messages(pos_daemon, mark, 1) == ["127.0.0.1 GET /hw_proxy/hello 200 ok"]


def test_hello_from_an_unlisted_page_gets_no_cors_and_is_refused(pos_daemon, printer):
    mark = pos_daemon.log_mark()

    resp = pos_daemon.get(odoo.HELLO, headers={"Origin": OTHER})

    expect.assert_json(resp, 403, expect.ORIGIN_NOT_ALLOWED)
    assert resp.header("Access-Control-Allow-Origin") is None
    assert printer.settle() == []
    assert odoo.wait_messages(pos_daemon, mark, 1, "WARNING") == [
        f"127.0.0.1 GET /hw_proxy/hello 403 origin_not_allowed - origine {OTHER} non autorisée "
        "(Origin)"]


def test_handshake_is_true_with_the_id_echoed(pos_daemon, printer):
    mark = pos_daemon.log_mark()

    resp = odoo.call(pos_daemon, odoo.HANDSHAKE, id_=482193, headers={"Origin": POS})

    odoo.assert_answer(resp, 200, odoo.result(True, 482193))
    assert resp.header("Access-Control-Allow-Origin") == POS
    assert printer.settle() == []
    assert odoo.wait_messages(pos_daemon, mark, 1) == ["127.0.0.1 POST /hw_proxy/handshake 200 ok"]


@pytest.mark.parametrize("id_", ["abc", 0, 7.5, None], ids=["string", "zero", "float", "null"])
def test_any_json_rpc_id_is_echoed_as_it_came(pos_daemon, id_):
    resp = odoo.call(pos_daemon, odoo.HANDSHAKE, id_=id_)

    odoo.assert_answer(resp, 200, odoo.result(True, id_))


def test_a_call_without_params_is_a_call_with_empty_params(pos_daemon):
    # Odoo 17+'s rpc() sends params {} by default; older helpers may omit it
    resp = odoo.call(pos_daemon, odoo.HANDSHAKE, body=b'{"jsonrpc":"2.0","method":"call","id":3}')

    odoo.assert_answer(resp, 200, odoo.result(True, 3))


# ---- preflights ----

@pytest.mark.parametrize("path", [odoo.HANDSHAKE, odoo.STATUS, odoo.ACTION, odoo.OPEN_CASHBOX])
def test_the_pos_preflight_is_answered_for_the_listed_origin(pos_daemon, printer, path):
    mark = pos_daemon.log_mark()

    resp = pos_daemon.request("OPTIONS", path, headers=preflight(POS))

    assert (resp.status, resp.body) == (204, b"")
    assert resp.header("Access-Control-Allow-Origin") == POS
    assert resp.header("Vary") == "Origin"
    assert resp.header("Access-Control-Allow-Methods") == "OPTIONS, POST"
    assert resp.header("Access-Control-Allow-Headers") == "Content-Type, Authorization"
    assert resp.header("Access-Control-Max-Age") == "600"
    assert resp.header("Access-Control-Allow-Private-Network") is None  # not asked
    assert resp.header("Allow") == "OPTIONS, POST"
    assert printer.settle() == []
    assert odoo.wait_messages(pos_daemon, mark, 1) == [
        f"127.0.0.1 OPTIONS {path} 204 preflight - CORS accordé à {POS}"]


def test_the_private_network_preflight_gets_its_answer(pos_daemon, printer):
    resp = pos_daemon.request("OPTIONS", odoo.ACTION, headers=preflight(POS, private_network=True))

    assert resp.status == 204
    assert resp.header("Access-Control-Allow-Origin") == POS
    assert resp.header("Access-Control-Allow-Private-Network") == "true"
    assert printer.settle() == []


def test_an_unlisted_pages_preflight_is_refused_with_a_json_rpc_error(pos_daemon, printer):
    mark = pos_daemon.log_mark()

    resp = pos_daemon.request("OPTIONS", odoo.ACTION, headers=preflight(OTHER, private_network=True))

    odoo.assert_answer(resp, 403, odoo.error("origin_not_allowed", None))
    assert resp.header("Access-Control-Allow-Origin") is None
    assert resp.header("Access-Control-Allow-Private-Network") is None
    assert printer.settle() == []
    assert odoo.wait_messages(pos_daemon, mark, 1, "WARNING") == [
        f"127.0.0.1 OPTIONS /hw_proxy/default_printer_action 403 origin_not_allowed - origine "
        f"{OTHER} non autorisée (Origin)"]


def test_an_unlisted_pages_cashbox_reaches_no_printer(pos_daemon, printer):
    mark = pos_daemon.log_mark()

    resp = odoo.cashbox(pos_daemon, headers={"Origin": OTHER})

    odoo.assert_answer(resp, 403, odoo.error("origin_not_allowed", None))
    assert resp.header("Access-Control-Allow-Origin") is None
    assert printer.settle() == []
    assert printer.accepted_count() == 0
    assert odoo.wait_messages(pos_daemon, mark, 1, "WARNING") == [
        f"127.0.0.1 POST /hw_proxy/default_printer_action 403 origin_not_allowed - origine "
        f"{OTHER} non autorisée (Origin)"]


def test_get_on_a_json_rpc_call_is_405_with_a_json_rpc_error(pos_daemon, printer):
    resp = pos_daemon.get(odoo.ACTION)

    assert resp.status == 405
    assert resp.header("Allow") == "OPTIONS, POST"
    body = resp.json()
    assert (body["jsonrpc"], body["id"], body["error"]["code"], body["error"]["data"]["name"]) == (
        "2.0", None, 200, "cashdrawerd.method_not_allowed")
    assert body["error"]["data"]["message"] == "Méthode non autorisée : utilisez POST"
    assert printer.settle() == []


# ---- status_json ----

def poll_status(daemon, until, limit=200):
    """status_json until its printer status is not `until` (bounded); the last answer."""
    for _ in range(limit):
        resp = odoo.call(daemon, odoo.STATUS, timeout=2.5)
        assert resp.status == 200, resp.body
        if resp.json()["result"]["printer"]["status"] != until:
            return resp
        threading.Event().wait(0.02)
    raise AssertionError(f"status_json still {until!r} after {limit} polls")


def test_status_json_is_connecting_before_any_check_then_connected(start_daemon, sim):
    printer = sim()
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    first = odoo.call(daemon, odoo.STATUS, id_=5)
    odoo.assert_answer(first, 200, odoo.status_result("connecting", odoo.NOT_CHECKED, 5))

    # the first poll asked for a check, for the next one
    last = poll_status(daemon, "connecting")
    odoo.assert_answer(last, 200, odoo.status_result("connected"))
    printer.wait_received(CHECK)
    messages = odoo.wait_messages(daemon, mark, 2)
    assert set(messages) == {"127.0.0.1 POST /hw_proxy/status_json 200 ok"}


@pytest.mark.parametrize("command,status,message,asked", [
    ("paper out", "error", odoo.PAPER_OUT, CHECK),
    ("cover open", "error", odoo.COVER_OPEN, CHECK),
    ("offline", "error", odoo.OFFLINE, CHECK),
    ("error on", "error", odoo.IN_ERROR, CHECK_ERROR),
    ("paper near-end", "connected", odoo.NEAR_END, CHECK),
    ("drawer open", "connected", "", CHECK),
])
def test_status_json_says_each_printer_state_in_french(start_daemon, sim, command, status,
                                                         message, asked):
    printer = sim()
    printer.command(command)
    daemon = start_daemon(printer.uri)

    resp = poll_status(daemon, "connecting")

    odoo.assert_answer(resp, 200, odoo.status_result(status, message))
    printer.wait_received(asked)


def test_status_json_of_an_unreachable_printer_is_disconnected_with_the_reason(start_daemon):
    port = closed_port()
    daemon = start_daemon(f"tcp://127.0.0.1:{port}")

    resp = poll_status(daemon, "connecting")

    odoo.assert_answer(resp, 200, odoo.status_result(
        "disconnected", expect.PRINTER_MESSAGES["printer_refused"] + " (printer_refused)"))


def test_status_json_of_a_silent_printer_says_so(start_daemon, make_printer):
    printer = make_printer(status_replies=None)
    daemon = start_daemon(printer.uri)

    resp = poll_status(daemon, "connecting")

    odoo.assert_answer(resp, 200, odoo.status_result("error", odoo.SILENT))


def test_status_json_answers_while_the_printer_is_wedged_in_a_check(start_daemon, make_printer):
    # a printer that accepts and never answers: each check holds the worker
    # for status_timeout_ms; the POS polls with a 2.5 s timeout (and Odoo
    # 17/18 stop polling for good after one timeout: docs/odoo.md)
    printer = make_printer(status_replies=None)
    daemon = start_daemon(printer.uri, ["--status-timeout-ms", "5000", "--timeout-ms", "8000"])

    first = odoo.call(daemon, odoo.STATUS, timeout=2.5)
    odoo.assert_answer(first, 200, odoo.status_result("connecting", odoo.NOT_CHECKED))
    printer.wait_accepted(1)
    during = [odoo.call(daemon, odoo.STATUS, timeout=2.5) for _ in range(3)]

    # the check is still waiting for its first reply after the three answers
    assert printer.connections() == [Q1]
    assert not any(c.finished for c in printer._connections)
    for resp in during:
        odoo.assert_answer(resp, 200, odoo.status_result("connecting", odoo.NOT_CHECKED))
    # and it asked the printer once, not once per poll
    assert printer.accepted_count() == 1


def test_status_json_answers_while_the_simulator_is_wedged(start_daemon, sim):
    # escpos-sim --wedged: accepts, never reads nor answers
    printer = sim("--wedged")
    daemon = start_daemon(printer.uri, ["--status-timeout-ms", "5000", "--timeout-ms", "8000"])

    answers = [odoo.call(daemon, odoo.STATUS, id_=n, timeout=2.5) for n in range(4)]

    # every poll answered within the POS's 2.5 s, from the last check: none
    # finished yet (its outcome would say the printer is silent)
    for n, resp in enumerate(answers):
        odoo.assert_answer(resp, 200, odoo.status_result("connecting", odoo.NOT_CHECKED, n))


def test_status_json_of_a_cups_queue_is_connected_without_printer_traffic(start_daemon, cupsd,
                                                                          printer):
    cupsd.add_raw_queue("TICKET", f"socket://127.0.0.1:{printer.port}")
    daemon = start_daemon("TICKET", env=cupsd.env)

    resp = odoo.call(daemon, odoo.STATUS)

    # a queue cannot tell its printer's state: nothing says otherwise, at
    # once and at every poll (it was "connecting", never checked, forever)
    odoo.assert_answer(resp, 200, odoo.status_result("connected"))
    odoo.assert_answer(odoo.call(daemon, odoo.STATUS, id_=2), 200,
                       odoo.status_result("connected", id_=2))
    assert printer.accepted_count() == 0


# ---- cashbox and open_cashbox ----

@pytest.mark.parametrize("path,params", [
    (odoo.ACTION, {"data": {"action": "cashbox"}}),
    (odoo.OPEN_CASHBOX, {}),
], ids=["default_printer_action", "open_cashbox"])
def test_cashbox_kicks_the_drawer_once_and_answers_true(pos_daemon, printer, path, params):
    mark = pos_daemon.log_mark()

    resp = odoo.call(pos_daemon, path, params, id_=12, headers={"Origin": POS})

    odoo.assert_answer(resp, 200, odoo.result(True, 12))
    assert resp.header("Access-Control-Allow-Origin") == POS
    assert printer.settle() == [expect.OPENED_DEFAULT]
    assert logfile.messages(pos_daemon.log_lines_since(mark)) == [
        f"127.0.0.1 POST {path} 200 opened - Tiroir-caisse ouvert"]


def metrics(daemon):
    values = {}
    for line in daemon.get("/metrics").body.decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = value
    return values


def test_cashbox_and_a_concurrent_open_cash_drawer_share_one_pulse(start_daemon, make_printer):
    printer = make_printer(hold=True)  # the first pulse stays in flight
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "60000"])
    mark = daemon.log_mark()
    answers = {}

    def ask(name, fn):
        answers[name] = fn()

    kick = threading.Thread(target=ask, args=("cashbox", lambda: odoo.cashbox(daemon)))
    kick.start()
    printer.wait_accepted(1)
    opener = threading.Thread(target=ask, args=("get", lambda: daemon.get("/open-cash-drawer")))
    opener.start()
    # the GET is answered from the same pulse, once the printer took it
    printer.release()
    kick.join(timeout=30)
    opener.join(timeout=30)

    odoo.assert_answer(answers["cashbox"], 200, odoo.result(True))
    expect.assert_json(answers["get"], 200, expect.COALESCED)
    assert printer.settle() == [expect.OPENED_DEFAULT]
    assert sorted(logfile.messages(daemon.log_lines_since(mark))) == sorted([
        "127.0.0.1 POST /hw_proxy/default_printer_action 200 opened - Tiroir-caisse ouvert",
        expect.COALESCED_LINE.format(peer="127.0.0.1")])
    values = metrics(daemon)
    assert values['cashdrawerd_openings_total{result="success"}'] == "1"
    assert values['cashdrawerd_openings_total{result="coalesced"}'] == "1"
    status = daemon.get("/status").json()
    assert (status["drawer"]["pulses"], status["drawer"]["coalesced"]) == (1, 1)


def test_a_second_cashbox_within_min_interval_is_coalesced(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "60000"])
    mark = daemon.log_mark()

    first = odoo.cashbox(daemon, id_=1)
    second = odoo.call(daemon, odoo.OPEN_CASHBOX, id_=2)

    odoo.assert_answer(first, 200, odoo.result(True, 1))
    odoo.assert_answer(second, 200, odoo.result(True, 2))
    assert printer.settle() == [expect.OPENED_DEFAULT]
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        "127.0.0.1 POST /hw_proxy/default_printer_action 200 opened - Tiroir-caisse ouvert",
        "127.0.0.1 POST /hw_proxy/open_cashbox 200 coalesced - Tiroir-caisse ouvert "
        "(impulsion partagée)"]


def test_a_printer_failure_is_result_false_with_200_logged_and_counted(start_daemon):
    port = closed_port()
    daemon = start_daemon(f"tcp://127.0.0.1:{port}")
    mark = daemon.log_mark()

    resp = odoo.cashbox(daemon, id_=4)

    # the IoT box's own answer: the POS says "Connection to the printer failed"
    odoo.assert_answer(resp, 200, odoo.result(False, 4))
    assert logfile.find_exact(daemon.log_lines_since(mark), "ERROR",
                              "127.0.0.1 POST /hw_proxy/default_printer_action 200 printer_refused"
                              " - " + REFUSED_DETAIL.format(port=port))
    values = metrics(daemon)
    assert values['cashdrawerd_openings_total{result="printer_error"}'] == "1"
    assert values['cashdrawerd_openings_total{result="success"}'] == "0"


def test_cashbox_counts_as_an_opening_and_handshake_does_not(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0"])

    odoo.call(daemon, odoo.HANDSHAKE)
    odoo.call(daemon, odoo.STATUS)
    odoo.cashbox(daemon)
    odoo.call(daemon, odoo.OPEN_CASHBOX)

    values = metrics(daemon)
    assert values['cashdrawerd_openings_total{result="success"}'] == "2"
    # status_json's first poll asked for one check, ahead of the kicks
    assert printer.settle() == [CHECK] + [expect.OPENED_DEFAULT] * 2


def test_cashbox_follows_the_pin_and_pulse_settings(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--pin", "5", "--pulse-on-ms", "100"])

    resp = odoo.cashbox(daemon)

    odoo.assert_answer(resp, 200, odoo.result(True))
    assert printer.settle() == [bytes([0x1B, 0x70, 0x01, 0x32, 0xFA])]  # the kick alone: no read-back

