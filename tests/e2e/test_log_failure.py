"""A log that cannot be written never fails an opening: the drawer opens,
the failure is counted and shown in /status."""
from e2elib import expect, web

from test_bind import free_port_on_both_loopbacks, wait_answering
from test_faults_logdir import log_disk  # noqa: F401  (fixture: a small tmpfs)
from test_ipv6_loopback import ipv6  # noqa: F401


def test_full_disk_log_still_opens_and_status_shows_the_failure(ipv6, log_disk, start_daemon,
                                                                printer):
    log_dir = log_disk.path / "logs"
    log_dir.mkdir()
    # full before the start: not one line fits, not even the start-up line
    log_disk.fill()
    port = free_port_on_both_loopbacks()
    daemon = start_daemon(printer.uri, port=port, log_dir=log_dir, wait_ready=False)
    wait_answering("127.0.0.1", port, daemon)

    resp = web.get("/open-cash-drawer", port=port)
    status = web.get("/status?printer=cached", port=port).json()

    expect.assert_json(resp, 200, expect.OPENED)
    assert printer.settle() == [expect.OPENED_DEFAULT]
    log = status["log"]
    assert log["ok"] is False
    assert log["write_failures"] >= 2  # the start line and the opening at least
    assert log["lines_written"] == 0
    assert log["last_error"].endswith("cashdrawer.log : plus de place sur le disque (ENOSPC)")
