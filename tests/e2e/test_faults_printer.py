"""Fault injection, the printer: it resets in the middle of a write, answers
DLE EOT with garbage or an endless stream of noise, answers too late or one
byte at a time, vanishes from the network and comes back. For each fault:
every request is answered within its timeout with an exact answer, the
drawer opens (exact bytes at the printer) whenever the printer takes them
(and never `opened` when it hung up instead of vouching for them),
the log has one whole line per request, and the same process heals as soon
as the printer behaves (see e2elib/faults.py)."""
import random
import socket
import subprocess
import time

import pytest

from e2elib import expect, faults, logfile
from e2elib.dns import StubDns
from e2elib.netns import CLI_ADDRESS, connector, socket_in
from e2elib.printer import (FaultyPrinter, PrinterListener, answers_status, late_status,
                            noise_stream, reset_after, trickled_status)

TIMEOUT_MS = 1000
# long enough for a Python printer's reply under load, short enough to wait out
STATUS_TIMEOUT_MS = 500
ARGS = ["--timeout-ms", str(TIMEOUT_MS), "--status-timeout-ms", str(STATUS_TIMEOUT_MS),
        "--min-interval-ms", "0", "--status-cache-ms", "0"]
Q1, Q2, Q4 = (bytes([0x10, 0x04, n]) for n in (1, 2, 4))
CHECK = Q1 + Q2 + Q4
# The openings ask for the read-back: how it meets each fault is the point.
OPEN = "/open-cash-drawer" + expect.READ_BACK
# (the log line names the path, without its query)
OPENED_LINE = expect.OPENED_LINE.format(peer="127.0.0.1")
# the kick went out, then the read-back met the fault: the log says so
OPENED_GARBLED_LINE = OPENED_LINE + " ; tiroir non relu : aucune réponse d'état valide"
# the printer reset the connection before its status reply vouched for the kick
LOST_LINE = ("127.0.0.1 GET /open-cash-drawer 503 printer_connection_lost - ordre d'ouverture "
             "non confirmé : imprimante {uri} : a fermé ou réinitialisé la connexion "
             "(redémarre-t-elle, ou est-elle occupée par un autre ordinateur ?)")
STATUS_LINE = "127.0.0.1 GET /status 200 ok"
HEALTHY = {"can_read_status": True, "reachable": True, "online": True, "drawer": "closed",
           "cover_open": False, "paper": "ok", "error": None}
UNKNOWN = {"online": "unknown", "drawer": "unknown", "cover_open": "unknown", "paper": "unknown"}


def printer_state(resp):
    assert resp.status == 200, resp.body
    state = resp.json()["printer"]
    del state["checked_at"], state["uri"]
    return state


def heal(daemon, pid, port, mark):
    """The faulty printer is gone; a healthy one answers at the same address:
    the same daemon checks it and opens at the first requests."""
    printer = PrinterListener(port=port)
    try:
        status = faults.timed_get(daemon, "/status", TIMEOUT_MS)
        opened = faults.timed_get(daemon, OPEN, TIMEOUT_MS)
        assert printer.settle() == [CHECK, expect.OPENED_READ_BACK]
    finally:
        printer.close()
    assert printer_state(status) == HEALTHY
    expect.assert_json(opened, 200, expect.OPENED_READ)
    faults.assert_alive(daemon, pid)
    assert logfile.messages(daemon.log_lines_since(mark)) == [STATUS_LINE, OPENED_LINE]
    faults.assert_whole_lines(daemon.log_path)


def status_then_open(start_daemon, printer, status_limit_ms=TIMEOUT_MS):
    """Starts the daemon on printer, asks /status then an opening, each timed
    against its limit, and closes the printer: returns the daemon, its PID,
    the log mark from before, both answers and what the printer received."""
    daemon = start_daemon(printer.uri, ARGS)
    pid, mark = daemon.proc.pid, daemon.log_mark()
    try:
        status = faults.timed_get(daemon, "/status", status_limit_ms)
        opened = faults.timed_get(daemon, OPEN, TIMEOUT_MS)
        received = printer.settle()
    finally:
        printer.close()
    return daemon, pid, mark, status, opened, received


# ---- resets ----

@pytest.mark.parametrize("k", [1, 3, 5, 8], ids=lambda k: f"after_{k}_bytes")
def test_printer_resetting_mid_write_is_answered_in_time_and_the_same_process_heals(
        start_daemon, k):
    # k = 1, 3: inside the 5-byte kick; 5: after it; 8: after the DLE EOT 1
    # of the read-back. The reset comes instead of the status reply that
    # would vouch for the kick: whether the printer acted on it is unknown,
    # so the opening is a 503 printer_connection_lost, never `opened`.
    printer = FaultyPrinter(reset_after(k))
    port = printer.port
    daemon = start_daemon(printer.uri, ARGS)
    pid, mark = daemon.proc.pid, daemon.log_mark()
    try:
        opens = [faults.timed_get(daemon, OPEN, TIMEOUT_MS) for _ in range(2)]
        status = faults.timed_get(daemon, "/status", TIMEOUT_MS)
        received = printer.settle()
    finally:
        printer.close()

    for resp in opens:
        expect.assert_json(resp, 503, expect.printer_error("printer_connection_lost"))
    # a check whose query was cut lost its connection; one the printer swallowed
    # whole and never answered is no reply
    error = "printer_connection_lost" if k <= len(Q1) else "no_status_reply"
    assert printer_state(status) == {"can_read_status": True, "reachable": True, **UNKNOWN,
                                     "error": error}
    assert received == [expect.OPENED_READ_BACK[:k]] * 2 + [Q1[:k]]
    assert logfile.messages(daemon.log_lines_since(mark)) == [LOST_LINE.format(
        uri=printer.uri)] * 2 + [STATUS_LINE]
    heal(daemon, pid, port, daemon.log_mark())


# ---- garbage to DLE EOT ----

def _invalid_bytes(count, seed):
    """Random bytes whose fixed bits (0 and 7 clear, 1 and 4 set) are wrong."""
    rng = random.Random(seed)
    out = bytearray()
    while len(out) < count:
        byte = rng.randrange(256)
        if byte & 0x93 != 0x12:
            out.append(byte)
    return bytes(out)


# one byte per fixed bit made wrong, and every fixed bit wrong at once
EACH_FIXED_BIT_WRONG = bytes([0x13, 0x92, 0x10, 0x02, 0xED])


@pytest.mark.parametrize("replies", [
    {n: _invalid_bytes(40, seed=n) for n in (1, 2, 3, 4)},
    {n: EACH_FIXED_BIT_WRONG for n in (1, 2, 3, 4)},
], ids=["random_bytes", "each_fixed_bit_wrong"])
def test_garbage_answers_to_dle_eot_are_never_a_state_and_the_drawer_opens(
        start_daemon, replies):
    printer = FaultyPrinter(answers_status(), status_replies=replies)
    daemon, pid, mark, status, opened, received = status_then_open(
        start_daemon, printer)

    assert printer_state(status) == {"can_read_status": True, "reachable": True, **UNKNOWN,
                                     "error": "invalid_status_reply"}
    expect.assert_json(opened, 200, expect.OPENED_UNREAD)
    # one query each: garbage is not asked again within the same check
    assert received == [Q1, expect.OPENED_READ_BACK]
    assert logfile.messages(daemon.log_lines_since(mark)) == [STATUS_LINE, OPENED_GARBLED_LINE]
    heal(daemon, pid, printer.port, daemon.log_mark())


def test_a_printer_sending_endless_noise_is_read_a_bounded_amount_and_the_drawer_opens(
        start_daemon):
    printer = FaultyPrinter(noise_stream(b"\xff\x00\x80"))
    daemon, pid, mark, status, opened, received = status_then_open(
        start_daemon, printer)

    assert printer_state(status) == {"can_read_status": True, "reachable": True, **UNKNOWN,
                                     "error": "invalid_status_reply"}
    expect.assert_json(opened, 200, expect.OPENED_UNREAD)
    assert received == [Q1, expect.OPENED_READ_BACK]
    assert logfile.messages(daemon.log_lines_since(mark)) == [STATUS_LINE, OPENED_GARBLED_LINE]
    heal(daemon, pid, printer.port, daemon.log_mark())


# ---- slow answers ----

def test_a_status_reply_later_than_status_timeout_is_no_reply_and_never_taken_later(
        start_daemon):
    # The printer answers "drawer open" (0x16), but 3 status timeouts late: the
    # check gives up on time and the late byte, arriving on a connection the
    # daemon has closed, never becomes the answer to anything.
    printer = FaultyPrinter(late_status(3 * STATUS_TIMEOUT_MS / 1000, reply=b"\x16"))
    daemon, pid, mark, status, opened, received = status_then_open(
        start_daemon, printer, status_limit_ms=STATUS_TIMEOUT_MS)

    assert printer_state(status) == {"can_read_status": True, "reachable": True, **UNKNOWN,
                                     "error": "no_status_reply"}
    # a printer that did not answer is not waited for at the opening
    expect.assert_json(opened, 200, expect.OPENED_UNREAD)
    assert received == [Q1, expect.KICK_DEFAULT]
    assert logfile.messages(daemon.log_lines_since(mark)) == [STATUS_LINE, OPENED_LINE]
    heal(daemon, pid, printer.port, daemon.log_mark())


INVALID = {"can_read_status": True, "reachable": True, **UNKNOWN, "error": "invalid_status_reply"}


@pytest.mark.parametrize("noise,period,state", [
    # two noise bytes then the reply, all within the status timeout: the reply is read
    (b"\xff\x00", 0.02, HEALTHY),
    # a noise byte every 150 ms, the reply after 14 of them (2.1 s): a wait
    # restarted at each byte would end on the reply; the query's one wait
    # of status_timeout_ms ends on noise
    (b"\xff" * 14, 0.15, INVALID),
    # one byte a second
    (b"\xff\x00", 1.0, INVALID),
], ids=["noise_then_reply_in_time", "noise_every_150_ms", "one_byte_per_second"])
def test_a_trickled_status_reply_never_stretches_the_wait_beyond_status_timeout(
        start_daemon, noise, period, state):
    printer = FaultyPrinter(trickled_status(noise, b"\x12", period))
    port = printer.port
    daemon = start_daemon(printer.uri, ARGS)
    pid, mark = daemon.proc.pid, daemon.log_mark()
    try:
        # three queries when the printer answers, one when it does not
        queries = 3 if state is HEALTHY else 1
        status = faults.timed_get(daemon, "/status", queries * STATUS_TIMEOUT_MS)
        received = printer.settle()
    finally:
        printer.close()

    assert printer_state(status) == state
    assert received == [CHECK if state is HEALTHY else Q1]
    assert logfile.messages(daemon.log_lines_since(mark)) == [STATUS_LINE]
    heal(daemon, pid, port, daemon.log_mark())


def test_a_printer_that_never_reads_gets_the_kick_handed_to_tcp_and_is_not_waited_for(
        start_daemon, make_printer):
    # A connection per operation starts with empty buffers: the 5-byte kick is
    # always taken by TCP, so the opening succeeds; its read-back gets no reply
    # within status_timeout_ms, and the next opening does not wait again.
    printer = make_printer(hold=True)
    daemon = start_daemon(printer.uri, ARGS)
    pid, mark = daemon.proc.pid, daemon.log_mark()

    first = faults.timed_get(daemon, OPEN, STATUS_TIMEOUT_MS + 50)
    second = faults.timed_get(daemon, OPEN, STATUS_TIMEOUT_MS)
    printer.release()

    expect.assert_json(first, 200, expect.OPENED_UNREAD)
    expect.assert_json(second, 200, expect.OPENED_UNREAD)
    assert printer.settle() == [expect.OPENED_READ_BACK, expect.KICK_DEFAULT]
    assert logfile.messages(daemon.log_lines_since(mark)) == [OPENED_LINE] * 2
    printer.close()
    heal(daemon, pid, printer.port, daemon.log_mark())


# ---- the printer leaves the network and comes back ----

def _link(namespace, device, state):
    subprocess.run(["ip", "-n", namespace, "link", "set", device, state], check=True,
                   capture_output=True, timeout=10)


def test_printer_unplugged_then_the_tills_cable_pulled_each_heal_without_restart(
        start_daemon, namespaces):
    # The till (the daemon, in the srv namespace) and the printer (cli) are
    # joined by a veth pair. Printer side down: its packets vanish, so the
    # connection gets no answer (printer_timeout at timeout_ms). Till side
    # down: no route at all (printer_unreachable at once).
    printer = PrinterListener(host=CLI_ADDRESS, sock=socket_in(namespaces.cli))
    daemon = start_daemon(printer.uri, ARGS, netns=namespaces.srv,
                          connect=connector(namespaces.srv))
    pid, mark = daemon.proc.pid, daemon.log_mark()
    uri = printer.uri
    probe = socket_in(namespaces.cli)
    probe.bind((CLI_ADDRESS, 0))
    probe.listen(16)
    try:
        before = faults.timed_get(daemon, OPEN, TIMEOUT_MS)
        _link(namespaces.cli, "veth-cli", "down")
        try:
            unplugged = faults.timed_get(daemon, OPEN, TIMEOUT_MS)
            unplugged_status = faults.timed_get(daemon, "/status", TIMEOUT_MS)
        finally:
            _link_back_up(namespaces, namespaces.cli, "veth-cli", probe)
        replugged = faults.timed_get(daemon, OPEN, TIMEOUT_MS)
        _link(namespaces.srv, "veth-srv", "down")
        try:
            cut = faults.timed_get(daemon, OPEN, TIMEOUT_MS)
        finally:
            _link_back_up(namespaces, namespaces.srv, "veth-srv", probe)
        reconnected = faults.timed_get(daemon, OPEN, TIMEOUT_MS)
        received = printer.settle()
    finally:
        printer.close()
        probe.close()

    for name, resp in (("before", before), ("replugged", replugged),
                       ("reconnected", reconnected)):
        assert resp.status == 200, f"{name}: {resp.status} {resp.body!r}"
        expect.assert_json(resp, 200, expect.OPENED_READ)
    expect.assert_json(unplugged, 503, expect.printer_error("printer_timeout"))
    assert unplugged.elapsed >= TIMEOUT_MS / 1000 * 0.9, "gave up before timeout_ms"
    assert printer_state(unplugged_status) == {"can_read_status": True, "reachable": False,
                                               **UNKNOWN, "error": "printer_timeout"}
    expect.assert_json(cut, 503, expect.printer_error("printer_unreachable"))
    assert received == [expect.OPENED_READ_BACK] * 3
    faults.assert_alive(daemon, pid)
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        OPENED_LINE,
        f"127.0.0.1 GET /open-cash-drawer 503 printer_timeout - imprimante {uri} : pas de réponse "
        "à la connexion (l'imprimante est-elle allumée et sur ce réseau ?)",
        STATUS_LINE,
        OPENED_LINE,
        f"127.0.0.1 GET /open-cash-drawer 503 printer_unreachable - imprimante {uri} : réseau "
        "injoignable (ENETUNREACH) (vérifiez le câble, l'adresse et l'alimentation de "
        "l'imprimante)",
        OPENED_LINE]
    faults.assert_whole_lines(daemon.log_path)


def _link_back_up(namespaces, namespace, device, probe):
    """Sets device up, then waits until a connection from the till's side
    reaches probe (a listener beside the printer): the kernel brings a link
    that regained its carrier into service up to a second later, and a first
    SYN lost meanwhile is sent again only a second later, past the timeout
    of the request the test would make."""
    _link(namespace, device, "up")
    deadline = time.monotonic() + 10
    while True:
        sock = socket_in(namespaces.srv)
        sock.settimeout(0.2)
        try:
            sock.connect(probe.getsockname())
            probe.accept()[0].close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"{device}: no way through 10 s after up"
            time.sleep(0.05)
        finally:
            sock.close()


def test_a_printer_name_dns_does_not_answer_times_out_on_time_and_resolves_once_it_does(
        start_daemon, namespaces, tmp_path):
    # The printer is known by name; the till's name server (in the cli
    # namespace, named in a resolv.conf the daemon alone sees) first drops
    # every query, then answers. The lookup is bounded by timeout_ms like
    # every other step, and nothing of the failed lookups is kept.
    name = "receipt-printer.faults.test"
    dns = StubDns(socket_in(namespaces.cli, type_=socket.SOCK_DGRAM), CLI_ADDRESS, name,
                  CLI_ADDRESS)
    printer = PrinterListener(host=CLI_ADDRESS, sock=socket_in(namespaces.cli))
    resolv = tmp_path / "resolv.conf"
    resolv.write_text(f"nameserver {CLI_ADDRESS}\noptions timeout:2 attempts:1\n")
    # a mount namespace of its own, where /etc/resolv.conf is that file;
    # unshare and sh exec: the daemon keeps the PID the test knows
    private_resolv = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                      f"mount --bind {resolv} /etc/resolv.conf && exec \"$0\" \"$@\""]
    uri = f"tcp://{name}:{printer.port}"
    try:
        daemon = start_daemon(uri, ARGS, netns=namespaces.srv, connect=connector(namespaces.srv),
                              wrapper=private_resolv)
        pid, mark = daemon.proc.pid, daemon.log_mark()
        silent = faults.timed_get(daemon, OPEN, TIMEOUT_MS)
        silent_status = faults.timed_get(daemon, "/status", TIMEOUT_MS)
        assert dns.queries > 0, "the lookup never reached the stub name server"
        dns.silent = False
        answered = faults.timed_get(daemon, OPEN, TIMEOUT_MS)
        received = printer.settle()
    finally:
        printer.close()
        dns.close()

    expect.assert_json(silent, 503, expect.printer_error("printer_timeout"))
    assert silent.elapsed >= TIMEOUT_MS / 1000 * 0.9, "gave up before timeout_ms"
    assert printer_state(silent_status) == {"can_read_status": True, "reachable": False,
                                            **UNKNOWN, "error": "printer_timeout"}
    expect.assert_json(answered, 200, expect.OPENED_READ)
    assert received == [expect.OPENED_READ_BACK]
    faults.assert_alive(daemon, pid)
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        f"127.0.0.1 GET /open-cash-drawer 503 printer_timeout - imprimante {uri} : la recherche "
        f"du nom '{name}' a pris trop de temps (le DNS fonctionne-t-il ? une adresse IP l'évite)",
        STATUS_LINE, OPENED_LINE]
