"""Odoo's hardware proxy under the rules of /open-cash-drawer (issue 15,
item 1): a LAN peer (203.0.113.2, in a network namespace of its own joined
to the daemon's by a veth; both ends in namespaces) gets a 403 with a
JSON-RPC error for every call, print_receipt included, refused from the
headers before its body is read, and nothing reaches the printer; a
non-loopback Host (DNS rebinding) likewise."""
from types import SimpleNamespace

import pytest

from e2elib import expect, logfile, netns, odoo, rawconn
from e2elib.printer import PrinterListener

LAN_PEER = netns.CLI_ADDRESS
CALLS = [(odoo.HANDSHAKE, {}), (odoo.STATUS, {}), (odoo.ACTION, {"data": {"action": "cashbox"}}),
         (odoo.OPEN_CASHBOX, {}),
         (odoo.ACTION, {"data": {"action": "print_receipt", "receipt": odoo.b64(odoo.jpeg_of())}})]
CALL_IDS = ["handshake", "status_json", "cashbox", "open_cashbox", "print_receipt"]


@pytest.fixture
def lan(namespaces, start_daemon):
    printer = PrinterListener(sock=netns.socket_in(namespaces.srv))
    try:
        daemon = start_daemon(printer.uri, ["--min-interval-ms", "0"], netns=namespaces.srv,
                              connect=netns.connector(namespaces.srv))
        yield SimpleNamespace(daemon=daemon, printer=printer,
                              connect=netns.connector(namespaces.cli))
    finally:
        printer.close()


@pytest.mark.parametrize("path,params", CALLS, ids=CALL_IDS)
def test_a_lan_peer_gets_403_and_a_json_rpc_error_and_nothing_is_printed(lan, path, params):
    daemon, printer = lan.daemon, lan.printer
    mark = daemon.log_mark()
    body = odoo.envelope(params, 9)
    head = (f"POST {path} HTTP/1.1\r\nHost: {netns.SRV_ADDRESS}:{daemon.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()

    # the headers alone: the refusal cannot wait for the body
    answer, closed_after = rawconn.exchange(head, host=netns.SRV_ADDRESS, port=daemon.port,
                                            connect=lan.connect, limit=10)

    assert closed_after is not None, answer
    assert rawconn.status_of(answer) == 403
    assert rawconn.header(answer, "Content-Type") == odoo.JSON_TYPE
    assert answer.split(b"\r\n\r\n", 1)[1] == odoo.json_bytes(odoo.error("not_local", None))
    assert printer.settle() == []
    assert printer.accepted_count() == 0
    assert logfile.messages(daemon.log_lines_since(mark), "WARNING") == [
        f"{LAN_PEER} POST {path} 403 not_local - Accès refusé - Local uniquement"]


# the small calls: a receipt's body would be cut by the answer's close
# (the refusal comes from the headers), which the test above covers
@pytest.mark.parametrize("path,params", CALLS[:4], ids=CALL_IDS[:4])
def test_a_lan_peer_sending_the_whole_call_gets_the_same(lan, path, params):
    daemon, printer = lan.daemon, lan.printer

    resp = odoo.call(daemon, path, params, id_=9, host=netns.SRV_ADDRESS, connect=lan.connect,
                     headers={"X-Forwarded-For": "127.0.0.1", "Origin": "http://localhost"})

    odoo.assert_error(resp, "not_local", None)
    assert printer.accepted_count() == 0


def test_a_lan_peers_hello_is_refused(lan):
    resp = lan.daemon.get(odoo.HELLO, host=netns.SRV_ADDRESS, connect=lan.connect)

    expect.assert_json(resp, 403, expect.NOT_LOCAL)


def test_the_till_itself_still_kicks_in_the_same_setup(lan):
    resp = odoo.cashbox(lan.daemon)

    odoo.assert_answer(resp, 200, odoo.result(True))
    assert lan.printer.settle() == [expect.OPENED_DEFAULT]


@pytest.mark.parametrize("path,params", CALLS, ids=CALL_IDS)
def test_a_rebound_host_is_refused_and_nothing_is_printed(start_daemon, printer, path, params):
    daemon = start_daemon(printer.uri)
    host = f"evil.example:{daemon.port}"
    mark = daemon.log_mark()

    resp = odoo.call(daemon, path, params, id_=4, headers={"Host": host,
                                                          "Origin": "http://evil.example"})

    odoo.assert_error(resp, "host_not_allowed", None)
    assert printer.settle() == []
    assert printer.accepted_count() == 0
    assert logfile.messages(daemon.log_lines_since(mark), "WARNING") == [
        f"127.0.0.1 POST {path} 403 host_not_allowed - hôte {host} non autorisé (seuls "
        "localhost, 127.x.x.x et [::1] le sont : rebond DNS ?)"]
