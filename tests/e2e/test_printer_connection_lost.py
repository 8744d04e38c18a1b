"""An opening is a success only once the kick is known taken (issue 13): a
printer that closes or resets the connection before or right after the kick
is answered 503 printer_connection_lost, logged as such, never `opened`.

With ?read_back=true the kick is vouched for by the status reply that
follows it; a FIN or RST instead of that reply is the loss. Without it (the
default) it is vouched for by the printer's TCP stack acknowledging every
byte; a FIN or RST before or with that acknowledgement is the loss.
On the loopback the acknowledgement comes before any Python printer can
close, so the cases without read-back run with the printer in a namespace of
its own whose bare acknowledgements are lost (netns.lose_bare_acks), as with
an embedded stack that delays them: the daemon then knows its bytes arrived
only from what else the printer sends."""
import pytest

from e2elib import expect, faults, logfile, netns
from e2elib.skips import skip_or_fail
from e2elib.printer import (FaultyPrinter, PrinterListener, answers_status, closes_after,
                            reset_after)

TIMEOUT_MS = 1000
STATUS_TIMEOUT_MS = 500
ARGS = ["--timeout-ms", str(TIMEOUT_MS), "--status-timeout-ms", str(STATUS_TIMEOUT_MS),
        "--min-interval-ms", "0", "--status-cache-ms", "0"]
KICK = expect.KICK_DEFAULT

# (fault, what the printer read before it hung up)
FAULTS = {
    "accepts_and_closes_at_once": (lambda: closes_after(0), b""),
    "resets_after_2_bytes": (lambda: reset_after(2), KICK[:2]),
    "closes_right_after_the_kick": (lambda: closes_after(len(KICK)), KICK),
}
LOST = expect.printer_error("printer_connection_lost")


OPEN = "/open-cash-drawer"
OPEN_READ_BACK = OPEN + expect.READ_BACK


def lost_line(uri):
    # the log line names the path, without its query
    return (f"127.0.0.1 GET {OPEN} 503 printer_connection_lost - ordre d'ouverture "
            f"non confirmé : imprimante {uri} : a fermé ou réinitialisé la connexion "
            "(redémarre-t-elle, ou est-elle occupée par un autre ordinateur ?)")


def open_once(daemon, printer, path=OPEN):
    """One opening, timed against timeout_ms; returns its answer, the log lines
    it wrote and what the printer received."""
    mark = daemon.log_mark()
    try:
        resp = faults.timed_get(daemon, path, TIMEOUT_MS)
        received = printer.settle()
    finally:
        printer.close()
    return resp, logfile.messages(daemon.log_lines_since(mark)), received


@pytest.fixture(scope="module")
def acks_lost(namespaces):
    """The printer's namespace (cli) sends no bare acknowledgement to the till (srv)."""
    try:
        undo = netns.lose_bare_acks(namespaces.cli, "veth-cli")
    except (OSError, RuntimeError) as exc:  # no tc, or a kernel without clsact, u32, mirred
        skip_or_fail(f"cannot make the printer's acknowledgements vanish: {exc}")
    try:
        yield namespaces
    finally:
        undo()


def start_in(start_daemon, namespaces, printer):
    return start_daemon(printer.uri, ARGS, netns=namespaces.srv,
                        connect=netns.connector(namespaces.srv))


@pytest.mark.parametrize("name", FAULTS)
def test_with_read_back_a_printer_hanging_up_before_or_right_after_the_kick_is_a_503(
        start_daemon, name):
    # The printer: on the loopback, with the read-back. The kick was
    # handed to TCP before the printer hung up (it may even have read it),
    # but the status reply that would vouch for it never came.
    fault, read = FAULTS[name]
    printer = FaultyPrinter(fault())
    daemon = start_daemon(printer.uri, ARGS)
    pid = daemon.proc.pid

    resp, lines, received = open_once(daemon, printer, OPEN_READ_BACK)

    expect.assert_json(resp, 503, LOST)
    assert received == [read]
    assert lines == [lost_line(printer.uri)]
    faults.assert_alive(daemon, pid)


@pytest.mark.parametrize("path", [OPEN_READ_BACK, OPEN])
@pytest.mark.parametrize("name", FAULTS)
def test_a_printer_hanging_up_before_acknowledging_the_kick_is_a_503_with_or_without_read_back(
        start_daemon, acks_lost, name, path):
    fault, read = FAULTS[name]
    printer = FaultyPrinter(fault(), host=netns.CLI_ADDRESS,
                            sock=netns.socket_in(acks_lost.cli))
    daemon = start_in(start_daemon, acks_lost, printer)

    resp, lines, received = open_once(daemon, printer, path)

    expect.assert_json(resp, 503, LOST)
    assert received == [read]
    assert lines == [lost_line(printer.uri)]


def test_without_read_back_a_kick_never_acknowledged_is_a_503_printer_timeout_not_opened(
        start_daemon, acks_lost):
    # The printer reads the kick, but nothing it sends says so: written is
    # not taken, and the daemon says it could not confirm it, at timeout_ms.
    # (Its connection stays open: the daemon's FIN waits behind the kick it
    # keeps sending again, so the printer is closed by the test.)
    printer = FaultyPrinter(answers_status(), host=netns.CLI_ADDRESS,
                            sock=netns.socket_in(acks_lost.cli))
    daemon = start_in(start_daemon, acks_lost, printer)
    mark = daemon.log_mark()
    try:
        resp = faults.timed_get(daemon, "/open-cash-drawer", TIMEOUT_MS)
        faults.wait_until(lambda: printer.connections() == [KICK], 5, "the kick at the printer")
    finally:
        printer.close()

    expect.assert_json(resp, 503, expect.printer_error("printer_timeout"))
    assert resp.elapsed >= TIMEOUT_MS / 1000 * 0.9, "gave up before timeout_ms"
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        f"127.0.0.1 GET /open-cash-drawer 503 printer_timeout - imprimante {printer.uri} : n'a "
        "pas acquitté les données à temps (occupée, ou le réseau perd-il des paquets ?)"]


def test_with_read_back_the_status_reply_vouches_for_the_kick_without_bare_acks(
        start_daemon, acks_lost):
    printer = PrinterListener(host=netns.CLI_ADDRESS, sock=netns.socket_in(acks_lost.cli))
    daemon = start_in(start_daemon, acks_lost, printer)

    resp, lines, received = open_once(daemon, printer, OPEN_READ_BACK)

    expect.assert_json(resp, 200, expect.OPENED_READ)
    assert received == [expect.OPENED_READ_BACK]
    assert lines == [expect.OPENED_LINE.format(peer="127.0.0.1")]
