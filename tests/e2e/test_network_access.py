"""/status and /logs for the LAN (README, Security): open by default;
allowed_networks limits them to listed networks (403 network_not_allowed)
and token to clients sending `Authorization: Bearer TOKEN` (401
token_required / token_invalid with WWW-Authenticate). The till itself
(loopback peer, loopback Host) is exempt; a loopback peer with a foreign
Host (a DNS-rebinding page) is not. The LAN client is 203.0.113.2 in a
namespace of its own; the token never appears in /status."""
from types import SimpleNamespace

import pytest

from e2elib import expect, logfile, netns
from e2elib.printer import PrinterListener

LAN_PEER = netns.CLI_ADDRESS
TOKEN = "s3cr3t-t0ken-0123456789abcdef"


@pytest.fixture
def lan(namespaces, start_daemon):
    printers = []

    def start(args):
        printer = PrinterListener(sock=netns.socket_in(namespaces.srv))
        printers.append(printer)
        daemon = start_daemon(printer.uri, args, netns=namespaces.srv,
                              connect=netns.connector(namespaces.srv))
        from_lan = netns.connector(namespaces.cli)
        return SimpleNamespace(
            daemon=daemon, printer=printer,
            get=lambda path, **kw: daemon.request("GET", path, host=netns.SRV_ADDRESS,
                                                  connect=from_lan, **kw))
    yield start
    for printer in printers:
        printer.close()


def test_allowed_networks_refuses_other_networks_and_logs_it(lan):
    env = lan(["--allowed-networks", "10.0.0.0/8, fd00::/8"])
    mark = env.daemon.log_mark()

    status = env.get("/status")
    logs = env.get("/logs")

    expect.assert_json(status, 403, expect.NETWORK_NOT_ALLOWED)
    expect.assert_json(logs, 403, expect.NETWORK_NOT_ALLOWED)
    assert logfile.messages(env.daemon.log_lines_since(mark), "WARNING") == [
        f"{LAN_PEER} GET /status 403 network_not_allowed - adresse hors de allowed_networks",
        f"{LAN_PEER} GET /logs 403 network_not_allowed - adresse hors de allowed_networks"]
    # the till itself still reads them
    assert env.daemon.get("/status").status == 200


def test_allowed_networks_admits_a_listed_network(lan):
    env = lan(["--allowed-networks", "192.168.0.0/16", "--allowed-networks", "203.0.113.0/24"])

    resp = env.get("/status")

    assert resp.status == 200
    assert resp.json()["remote_addr"] == LAN_PEER
    assert resp.json()["security"]["networks_restricted"] is True


def test_token_missing_wrong_and_right(lan):
    env = lan(["--token", TOKEN])
    mark = env.daemon.log_mark()

    missing = env.get("/status")
    wrong = env.get("/logs", headers={"Authorization": "Bearer not-the-token-0123456789"})
    right = env.get("/logs", headers={"Authorization": f"Bearer {TOKEN}"})

    expect.assert_json(missing, 401, expect.TOKEN_REQUIRED)
    assert missing.header("WWW-Authenticate") == 'Bearer realm="cashdrawerd"'
    expect.assert_json(wrong, 401, expect.TOKEN_INVALID)
    assert wrong.header("WWW-Authenticate") == 'Bearer realm="cashdrawerd", error="invalid_token"'
    assert right.status == 200
    assert right.body == env.daemon.log_path.read_bytes()[:len(right.body)]
    assert logfile.messages(env.daemon.log_lines_since(mark), "WARNING") == [
        f"{LAN_PEER} GET /status 401 token_required - sans jeton (en-tête Authorization absent)",
        f"{LAN_PEER} GET /logs 401 token_invalid - jeton invalide"]


def test_token_is_never_shown_nor_logged(lan):
    env = lan(["--token", TOKEN])

    status = env.get("/status", headers={"Authorization": f"Bearer {TOKEN}"})

    assert status.json()["security"]["token_required"] is True
    assert TOKEN.encode() not in status.body
    assert TOKEN not in env.daemon.log_path.read_text(encoding="utf-8")


def test_the_till_itself_needs_no_token_but_a_rebinding_page_does(lan):
    env = lan(["--token", TOKEN, "--allowed-networks", "10.0.0.0/8"])

    local = env.daemon.get("/status", headers={"Host": f"localhost:{env.daemon.port}"})
    rebound = env.daemon.get("/logs", headers={"Host": f"evil.example:{env.daemon.port}"})

    assert local.status == 200
    # loopback peer, foreign Host: judged like any client; 127.0.0.1 is not in 10/8
    expect.assert_json(rebound, 403, expect.NETWORK_NOT_ALLOWED)


def test_the_lan_still_cannot_open_with_the_token(lan):
    env = lan(["--token", TOKEN])

    resp = env.get("/open-cash-drawer", headers={"Authorization": f"Bearer {TOKEN}"})

    expect.assert_json(resp, 403, expect.NOT_LOCAL)
    assert env.printer.settle() == []


@pytest.mark.parametrize("path", ["/", "/metrics"])
def test_status_page_and_metrics_follow_the_same_rules_as_status(lan, path):
    networks = lan(["--allowed-networks", "10.0.0.0/8"])
    token = lan(["--token", TOKEN])

    refused = networks.get(path)
    missing = token.get(path)
    right = token.get(path, headers={"Authorization": f"Bearer {TOKEN}"})

    expect.assert_json(refused, 403, expect.NETWORK_NOT_ALLOWED)
    expect.assert_json(missing, 401, expect.TOKEN_REQUIRED)
    assert right.status == 200
    assert networks.daemon.get(path).status == 200  # the till itself
