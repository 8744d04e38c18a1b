"""Only the till itself may open the drawer. A LAN client (203.0.113.2, in a
network namespace of its own, joined to the daemon's namespace by a veth)
is refused whatever headers it sends, and no byte reaches the printer; it
may still read /status and /logs. Both ends live in namespaces created here
and deleted afterwards: the root namespace is never touched."""
import os
from types import SimpleNamespace

import pytest

from e2elib import expect, logfile, netns
from e2elib.printer import PrinterListener

LAN_PEER = netns.CLI_ADDRESS
SPOOFED_HEADERS = [
    {"X-Forwarded-For": "127.0.0.1"},
    {"X-Real-IP": "127.0.0.1"},
    {"Forwarded": "for=127.0.0.1"},
    {"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1", "Forwarded": "for=127.0.0.1",
     "Host": "localhost:22548"},
]


@pytest.fixture
def lan(namespaces, start_daemon):
    """The daemon (no coalescing, so that every allowed open kicks) and its
    printer inside srv; `request` and `raw` come from the LAN client in cli,
    daemon.get() from srv's own loopback."""
    printer = PrinterListener(sock=netns.socket_in(namespaces.srv))
    try:
        daemon = start_daemon(printer.uri, ["--min-interval-ms", "0"], netns=namespaces.srv,
                              connect=netns.connector(namespaces.srv))
        from_lan = netns.connector(namespaces.cli)
        yield SimpleNamespace(
            daemon=daemon, printer=printer,
            request=lambda method, path, **kw: daemon.request(
                method, path, host=netns.SRV_ADDRESS, connect=from_lan, **kw),
            raw=lambda method, path, **kw: daemon.raw(
                method, path, host=netns.SRV_ADDRESS, connect=from_lan, **kw))
    finally:
        printer.close()


def test_lan_client_gets_403_no_kick_and_is_logged(lan):
    daemon, printer = lan.daemon, lan.printer
    mark = daemon.log_mark()

    resp = lan.request("GET", "/open-cash-drawer")

    expect.assert_json(resp, 403, expect.NOT_LOCAL)
    assert printer.settle() == []
    new_lines = daemon.log_lines_since(mark)
    assert len(new_lines) == 1
    assert logfile.LINE_RE.match(new_lines[0])["level"] == "WARNING"
    assert logfile.LINE_RE.match(new_lines[0])["message"] == expect.NOT_LOCAL_LINE.format(peer=LAN_PEER)


@pytest.mark.parametrize("headers", SPOOFED_HEADERS, ids=lambda h: "+".join(h))
def test_lan_client_claiming_loopback_in_headers_still_gets_403(lan, headers):
    daemon, printer = lan.daemon, lan.printer
    mark = daemon.log_mark()

    resp = lan.request("GET", "/open-cash-drawer", headers=headers)

    expect.assert_json(resp, 403, expect.NOT_LOCAL)
    assert printer.settle() == []
    assert logfile.messages(daemon.log_lines_since(mark), "WARNING") == [
        expect.NOT_LOCAL_LINE.format(peer=LAN_PEER)]


def test_lan_client_head_open_is_403_too(lan):
    daemon, printer = lan.daemon, lan.printer

    resp = lan.raw("HEAD", "/open-cash-drawer")

    assert resp.status == 403
    assert resp.body == b""
    assert printer.settle() == []


def test_lan_client_may_read_status_which_shows_its_address(lan):
    daemon, printer = lan.daemon, lan.printer

    resp = lan.request("GET", "/status")

    assert resp.status == 200
    body = resp.json()
    assert (body["status"], body["message"], body["remote_addr"], body["scheme"],
            body["local_client"]) == ("running", "Service actif", LAN_PEER, "http", False)


def test_lan_client_may_download_the_log(lan):
    daemon, printer = lan.daemon, lan.printer

    resp = lan.request("GET", "/logs")

    assert resp.status == 200
    assert resp.header("Content-Disposition") == 'attachment; filename="cashdrawer.log"'
    assert resp.body == daemon.log_path.read_bytes()
    assert resp.body.decode("utf-8").endswith(
        f" - INFO - {LAN_PEER} GET /logs 200 log_download - téléchargement du journal cashdrawer.log\n")


def test_till_loopback_inside_the_namespace_still_opens_even_with_forwarded_for_lan(lan):
    daemon, printer = lan.daemon, lan.printer
    mark = daemon.log_mark()

    plain = daemon.get("/open-cash-drawer")
    # The header is client-controlled: it must not turn a loopback peer into a LAN one.
    forwarded = daemon.get("/open-cash-drawer", headers={"X-Forwarded-For": "203.0.113.9"})

    expect.assert_json(plain, 200, expect.OPENED)
    expect.assert_json(forwarded, 200, expect.OPENED)
    assert printer.settle() == [expect.OPENED_DEFAULT] * 2
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        expect.OPENED_LINE.format(peer="127.0.0.1")] * 2


def thread_nice_values(pid):
    """{thread name: sorted nice values} of the process's threads."""
    found = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/comm") as comm, \
                open(f"/proc/{pid}/task/{task}/stat") as stat:
            name = comm.read().strip()
            nice = int(stat.read().rpartition(")")[2].split()[16])
        found.setdefault(name, []).append(nice)
    return {name: sorted(values) for name, values in found.items()}


def test_a_thread_serving_the_lan_yields_to_the_tills_lanes(lan):
    daemon = lan.daemon
    assert daemon.get("/status").status == 200
    before = thread_nice_values(daemon.proc.pid)

    assert lan.request("GET", "/status").status == 200
    after = thread_nice_values(daemon.proc.pid)

    # nobody yields before a LAN request; then the pool thread that served it
    # runs at nice 10, the till's lanes (MHD-single) and the rest stay at 0
    assert all(nice == 0 for values in before.values() for nice in values), before
    assert after["MHD-single"] == [0, 0]
    assert 10 in after["MHD-worker"] and set(after["MHD-worker"]) <= {0, 10}, after
    assert all(nice == 0 for name, values in after.items() if name != "MHD-worker"
               for nice in values), after
