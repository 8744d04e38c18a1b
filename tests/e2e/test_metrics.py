"""GET /metrics: the Prometheus text format, accepted by Debian's promtool
(`promtool check metrics`), counting openings by result, refusals by reason,
printer errors by code and request durations, with the same numbers as
/status; a scrape never sends the printer a byte."""
import re
import shutil
import subprocess

import pytest

from e2elib import expect, netns
from e2elib.printer import PrinterListener, closed_port
from e2elib.skips import skip_or_fail

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
SAMPLE_RE = re.compile(r"^([a-z_]+)(\{[^}]*\})? (\S+)$")


def promtool_check(text):
    if shutil.which("promtool") is None:
        skip_or_fail("promtool is not installed (apt-get install prometheus)")
    result = subprocess.run(["promtool", "check", "metrics"], input=text.encode("utf-8"),
                            capture_output=True, timeout=60)
    assert result.returncode == 0, (
        f"promtool check metrics: exit {result.returncode}\n{result.stdout.decode()}"
        f"{result.stderr.decode()}\n--- metrics ---\n{text}")
    # lint problems are printed even when the format is valid
    assert result.stdout.decode().strip() == "" and result.stderr.decode().strip() == ""


def samples(text):
    """{'name{labels}': value} for every sample line."""
    found = {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = SAMPLE_RE.match(line)
        assert match, f"not a sample line: {line!r}"
        found[match[1] + (match[2] or "")] = match[3]
    return found


def scrape(daemon):
    resp = daemon.get("/metrics")
    assert resp.status == 200
    assert resp.header("Content-Type") == CONTENT_TYPE
    text = resp.body.decode("utf-8")
    promtool_check(text)
    return samples(text)


def test_fresh_service_metrics_pass_promtool(start_daemon, printer):
    daemon = start_daemon(printer.uri)

    values = scrape(daemon)

    assert values['cashdrawerd_build_info{version="0.1.0"}'] == "1"
    for result in ("success", "coalesced", "refused", "printer_error"):
        assert values[f'cashdrawerd_openings_total{{result="{result}"}}'] == "0"
    assert values["cashdrawerd_log_write_failures_total"] == "0"
    # this scrape's own request is counted: the text agrees with itself
    assert values['cashdrawerd_request_duration_seconds_count{endpoint="/metrics"}'] == "1"
    assert values['cashdrawerd_request_duration_seconds_bucket{endpoint="/metrics",le="+Inf"}'] == "1"


def test_openings_refusals_and_durations_are_counted_as_status_says(start_daemon, printer):
    daemon = start_daemon(printer.uri)
    expect.assert_json(daemon.get("/open-cash-drawer" + expect.READ_BACK), 200, expect.OPENED_READ)
    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.COALESCED_READ)
    assert daemon.get("/nope").status == 404
    assert daemon.get("/logs?date=2025-13-01").status == 400
    assert daemon.raw("HEAD", "/open-cash-drawer").status == 200  # not an opening

    values = scrape(daemon)
    status = daemon.get("/status").json()

    assert values['cashdrawerd_openings_total{result="success"}'] == "1"
    assert values['cashdrawerd_openings_total{result="coalesced"}'] == "1"
    assert values['cashdrawerd_openings_total{result="refused"}'] == "0"
    assert values['cashdrawerd_refusals_total{reason="not_found"}'] == "1"
    assert values['cashdrawerd_refusals_total{reason="bad_date"}'] == "1"
    assert values['cashdrawerd_request_duration_seconds_count{endpoint="/open-cash-drawer"}'] == "3"
    assert values['cashdrawerd_request_duration_seconds_count{endpoint="other"}'] == "1"
    assert values['cashdrawerd_request_duration_seconds_count{endpoint="/logs"}'] == "1"
    # the opening read back waits its pulse (50 ms on): never under 25 ms
    assert int(values['cashdrawerd_request_duration_seconds_bucket{endpoint="/open-cash-drawer",le="0.025"}']) <= 2
    # the same numbers as /status
    assert int(values['cashdrawerd_openings_total{result="success"}']) == status["drawer"]["pulses"]
    assert int(values['cashdrawerd_openings_total{result="coalesced"}']) == status["drawer"]["coalesced"]
    assert status["today"]["opened"] == 1 and status["today"]["coalesced"] == 1


def test_printer_errors_by_code(start_daemon):
    daemon = start_daemon(f"tcp://127.0.0.1:{closed_port()}")

    assert daemon.get("/open-cash-drawer").status == 503
    values = scrape(daemon)

    assert values['cashdrawerd_openings_total{result="printer_error"}'] == "1"
    assert values['cashdrawerd_printer_errors_total{code="printer_refused"}'] == "1"
    assert daemon.get("/status").json()["today"]["printer_errors"] == 1


def test_scrape_shows_the_last_printer_state_and_never_contacts_the_printer(start_daemon, printer):
    daemon = start_daemon(printer.uri, ["--status-cache-ms", "0"])
    before = scrape(daemon)
    assert before["cashdrawerd_printer_reachable"] == "NaN"  # never checked yet
    assert before['cashdrawerd_drawer_state{state="unknown"}'] == "1"
    assert printer.settle() == []

    status = daemon.get("/status").json()["printer"]
    after = scrape(daemon)
    scrape(daemon)

    assert len(printer.settle()) == 1  # the /status check only
    assert status["reachable"] is True
    assert after["cashdrawerd_printer_reachable"] == "1"
    assert after["cashdrawerd_printer_online"] == "1"
    assert after[f'cashdrawerd_drawer_state{{state="{status["drawer"]}"}}'] == "1"
    assert after['cashdrawerd_printer_paper{state="ok"}'] == "1"


def test_lan_refusal_is_counted_by_reason(namespaces, start_daemon):
    printer = PrinterListener(sock=netns.socket_in(namespaces.srv))
    try:
        daemon = start_daemon(printer.uri, netns=namespaces.srv,
                              connect=netns.connector(namespaces.srv))
        from_lan = netns.connector(namespaces.cli)
        resp = daemon.get("/open-cash-drawer", host=netns.SRV_ADDRESS, connect=from_lan)
        lan_scrape = daemon.get("/metrics", host=netns.SRV_ADDRESS, connect=from_lan)
        values = scrape(daemon)
    finally:
        printer.close()

    expect.assert_json(resp, 403, expect.NOT_LOCAL)
    assert lan_scrape.status == 200  # /metrics is reachable from the LAN, as /status
    assert values['cashdrawerd_openings_total{result="refused"}'] == "1"
    assert values['cashdrawerd_refusals_total{reason="not_local"}'] == "1"
