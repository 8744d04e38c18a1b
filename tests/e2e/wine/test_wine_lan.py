"""Only the till may open the drawer, on Windows too: the .exe runs under
Wine inside a network namespace (with a prefix and wineserver of its own
there, since Wine's server makes the sockets), and a LAN client in a second
namespace gets 403 but may read /status and /logs, and its request bodies are
refused unread."""
import time

import pytest

from e2elib import expect, logfile, netns, rawconn
from e2elib import wine as wine_lib
from e2elib.skips import skip_or_fail

LAN_PEER = netns.CLI_ADDRESS


@pytest.fixture(scope="module")
def lan_prefix(prefix):
    copy = prefix.copy()
    yield copy
    copy.close()


@pytest.fixture
def lan(lan_prefix, start_exe):
    reason = netns.unavailable_reason()
    if reason is not None:
        skip_or_fail(f"LAN tests need network namespaces: {reason}")
    pair = netns.NamespacePair()
    try:
        pair.create()
        daemon = start_exe(netns=pair.srv, on_prefix=lan_prefix,
                           connect=netns.connector(pair.srv))
        yield daemon, netns.connector(pair.cli)
        daemon.stop()
        lan_prefix.run([wine_lib.wineserver(), "-k"], check=False)
    finally:
        pair.delete()


def test_lan_client_gets_403_and_may_read_status_and_logs(lan):
    daemon, from_lan = lan
    mark = daemon.log_mark()

    refused = daemon.get("/open-cash-drawer", host=netns.SRV_ADDRESS, connect=from_lan)
    status = daemon.get("/status", host=netns.SRV_ADDRESS, connect=from_lan)
    logs = daemon.get("/logs", host=netns.SRV_ADDRESS, connect=from_lan)

    expect.assert_json(refused, 403, expect.NOT_LOCAL)
    assert (status.status, status.json()["remote_addr"], status.json()["local_client"]) == (
        200, LAN_PEER, False)
    assert logs.status == 200
    assert logs.body == daemon.log_path.read_bytes()
    lines = daemon.log_lines_since(mark)
    assert logfile.find_exact(lines, "WARNING", expect.NOT_LOCAL_LINE.format(peer=LAN_PEER))


def test_lan_clients_body_is_refused_unread_and_a_malformed_request_still_logged(lan):
    """Bodies are refused at once on Windows too. Wine has no SIO_TCP_INFO
    (Windows 10 1703's byte counters): the service cannot tell which
    connection a refused request line came from, so the HTTP library's own
    message, without the address, is kept rather than lost."""
    daemon, from_lan = lan
    mark = daemon.log_mark()

    answer, closed_after = rawconn.exchange(
        b"GET /status HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n{",
        port=daemon.port, host=netns.SRV_ADDRESS, connect=from_lan, trickle=b"x" * 40,
        limit=20)
    assert closed_after is not None and closed_after < 10, (closed_after, answer)
    assert rawconn.status_of(answer) == 413
    answer, closed_after = rawconn.exchange(b"GET / HTTP/2.0\r\n\r\n", port=daemon.port,
                                            host=netns.SRV_ADDRESS, connect=from_lan, limit=20)
    assert rawconn.status_of(answer) == 505

    deadline = time.monotonic() + 10
    while not any(m == "HTTP : requête refusée avec l'erreur HTTP 505 : connexion fermée"
                  for m in logfile.messages(daemon.log_lines_since(mark))):
        assert time.monotonic() < deadline, daemon.log_lines_since(mark)
        time.sleep(0.05)
    # (the start-up check of the printer runs once the service serves: its
    # warning may come after the mark)
    messages = [m for m in logfile.messages(daemon.log_lines_since(mark))
                if not m.startswith("Imprimante pas prête au démarrage")]
    assert messages[0] == (
        f"{LAN_PEER} GET /status 413 body_not_allowed - corps de 100000000 octets annoncé, non lu")
