"""Only the till may open the drawer, on Windows too: the .exe runs under
Wine inside a network namespace (with a prefix and wineserver of its own
there, since Wine's server makes the sockets), and a LAN client in a second
namespace gets 403 but may read /status and /logs."""
import pytest

from e2elib import expect, logfile, netns
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
