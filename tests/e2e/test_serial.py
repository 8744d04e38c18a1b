"""serial: printers on a real pty pair joined by socat: the exact kick on the
printer's end, the line settings really applied to the tty, the errors a
till can meet (missing device, no permission, a printer that takes no
data) answered in bounded time, and unplugging then replugging healed at
the next request without restarting the service."""
import os
import re
import select
import shutil
import subprocess
import tempfile
import termios
import threading
from pathlib import Path

import pytest

from conftest import track
from e2elib import expect, logfile
from e2elib.serial import SerialLine, fill, wait_writable
from e2elib.sim import SimulatorOutput
from e2elib.skips import skip_or_fail

FLOW_FIX = ("les données ne sont pas prises : imprimante occupée ou hors ligne, ou contrôle de flux "
            "qui retient les données (vérifiez le câble et le réglage flow)")
UNPLUGGED = ("aucun fichier ou dossier de ce nom (ENOENT) (le câble de l'imprimante ou son "
             "adaptateur USB-série est-il branché ?)")
IFLAG, OFLAG, CFLAG, LFLAG, ISPEED, OSPEED = range(6)
# The test's printer answers DLE EOT from a thread: a generous reply timeout
# keeps a busy machine from turning its late answer into "drawer unknown".
ARGS = ["--min-interval-ms", "0", "--status-timeout-ms", "2000"]
# An opening: the kick alone (the default asks for no read-back).
OPENING = expect.OPENED_DEFAULT


@pytest.fixture
def line(tmp_path):
    """A serial cable whose printer's end the test holds."""
    cable = SerialLine(tmp_path / "line", track).start()
    yield cable
    cable.stop()


def canonical(path, query):
    return f"serial:{path}?{query}"


def error_line(uri, code, detail):
    return f"127.0.0.1 GET /open-cash-drawer 503 {code} - imprimante {uri} : {detail}"


def test_kick_reaches_the_serial_printer_exactly_and_is_logged(start_daemon, line):
    daemon = start_daemon(f"serial:{line.till}?baud=38400&parity=none&flow=rtscts", ARGS)
    mark = daemon.log_mark()

    resp = daemon.get("/open-cash-drawer" + expect.READ_BACK)

    # the drawer read back on the line: DLE EOT 1 answered 16, pin 3 HIGH
    expect.assert_json(resp, 200, expect.OPENED_READ)
    assert line.read_exact(8) == bytes.fromhex("1B 70 00 19 FA 10 04 01")
    line.assert_nothing_more()
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        expect.OPENED_LINE.format(peer="127.0.0.1")]
    assert daemon.get("/status?printer=cached").json()["printer"]["uri"] == canonical(
        line.till, "baud=38400&data_bits=8&parity=none&stop_bits=1&flow=rtscts")


def test_status_asks_the_serial_printer_dle_eot_1_2_4_on_the_line(start_daemon, line):
    daemon = start_daemon(f"serial:{line.till}?baud=38400", ARGS)

    printer = daemon.get("/status").json()["printer"]

    assert line.read_exact(9) == bytes.fromhex("10 04 01 10 04 02 10 04 04")
    line.assert_nothing_more()
    assert {k: printer[k] for k in ("can_read_status", "reachable", "online", "drawer", "paper",
                                    "error")} == {
        "can_read_status": True, "reachable": True, "online": True, "drawer": "closed",
        "paper": "ok", "error": None}


def _dirty(line, expected):
    """Leaves the daemon's end as another program might: cooked, 1200 baud,
    and each checked flag the opposite of what the URI asks."""
    fd = line.open_till()
    try:
        attrs = termios.tcgetattr(fd)
        attrs[LFLAG] |= termios.ICANON | termios.ECHO | termios.ISIG
        attrs[OFLAG] |= termios.OPOST
        attrs[CFLAG] &= ~termios.CLOCAL
        attrs[CFLAG] |= termios.HUPCL
        for flag, word, wanted in _flags(expected):
            attrs[word] = attrs[word] & ~flag if wanted else attrs[word] | flag
        attrs[ISPEED] = attrs[OSPEED] = termios.B1200
        termios.tcsetattr(fd, termios.TCSANOW, attrs)
    finally:
        os.close(fd)


def _flags(expected):
    return [(termios.CSTOPB, CFLAG, expected["cstopb"]),
            (termios.PARODD, CFLAG, expected["parodd"]),
            (termios.CRTSCTS, CFLAG, expected["crtscts"]),
            (termios.IXON, IFLAG, expected["xonxoff"]),
            (termios.IXOFF, IFLAG, expected["xonxoff"])]


# The pty driver forces CS8 and no parity bit whatever is asked
# (drivers/tty/pty.c, pty_set_termios): data_bits=7 and PARENB cannot be seen
# on a pty; tests/unit/test_serial_termios.c specifies them.
SETTINGS = [
    pytest.param("", termios.B9600,
                 "baud=9600&data_bits=8&parity=none&stop_bits=1&flow=rtscts",
                 dict(cstopb=False, parodd=False, crtscts=True, xonxoff=False),
                 id="defaults-9600-8N1-rtscts"),
    pytest.param("?baud=38400&parity=none&flow=rtscts", termios.B38400,
                 "baud=38400&data_bits=8&parity=none&stop_bits=1&flow=rtscts",
                 dict(cstopb=False, parodd=False, crtscts=True, xonxoff=False),
                 id="38400-rtscts"),
    pytest.param("?baud=19200&data_bits=7&parity=even&stop_bits=2&flow=xonxoff", termios.B19200,
                 "baud=19200&data_bits=7&parity=even&stop_bits=2&flow=xonxoff",
                 dict(cstopb=True, parodd=False, crtscts=False, xonxoff=True),
                 id="19200-7E2-xonxoff"),
    pytest.param("?baud=115200&parity=odd&flow=none", termios.B115200,
                 "baud=115200&data_bits=8&parity=odd&stop_bits=1&flow=none",
                 dict(cstopb=False, parodd=True, crtscts=False, xonxoff=False),
                 id="115200-8O1-none"),
]


@pytest.mark.parametrize("query,speed,canonical_query,expected", SETTINGS)
def test_line_settings_are_applied_to_the_tty(start_daemon, line, query, speed,
                                              canonical_query, expected):
    _dirty(line, expected)
    daemon = start_daemon(f"serial:{line.till}{query}", ARGS)

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 200, expect.OPENED)
    assert line.read_exact(len(OPENING)) == OPENING
    attrs = line.till_settings()
    assert (attrs[ISPEED], attrs[OSPEED]) == (speed, speed)
    for flag, word, wanted in _flags(expected):
        assert bool(attrs[word] & flag) == wanted, (hex(flag), attrs)
    # raw, and never waiting for a carrier nor dropping DTR at close
    assert attrs[LFLAG] & (termios.ICANON | termios.ECHO | termios.ISIG) == 0
    assert attrs[OFLAG] & termios.OPOST == 0
    assert attrs[CFLAG] & (termios.CLOCAL | termios.CREAD | termios.HUPCL) == \
        termios.CLOCAL | termios.CREAD
    assert daemon.get("/status?printer=cached").json()["printer"]["uri"] == \
        canonical(line.till, canonical_query)


def test_missing_serial_device_gives_503_printer_not_found(start_daemon, tmp_path):
    device = tmp_path / "ttyUSB0"
    daemon = start_daemon(f"serial:{device}?baud=38400")
    mark = daemon.log_mark()

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 503, expect.printer_error("printer_not_found"))
    assert not device.exists()
    assert logfile.messages(daemon.log_lines_since(mark), "ERROR") == [error_line(
        canonical(device, "baud=38400&data_bits=8&parity=none&stop_bits=1&flow=rtscts"),
        "printer_not_found", UNPLUGGED)]


def test_serial_device_without_permission_gives_503_and_names_the_dialout_group(start_daemon):
    # Root opens any device: the service runs as nobody (setpriv), and the
    # device is its owner's only, as /dev/ttyUSB0 is root:dialout 0660.
    shared = Path(tempfile.mkdtemp(prefix="cashdrawerd-serial.", dir="/tmp"))
    cable = None
    try:
        os.chmod(shared, 0o777)
        cable = SerialLine(shared / "line", track).start()
        os.chmod(shared / "line", 0o755)
        wrapper = ()
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                skip_or_fail("setpriv (util-linux) is needed to run the service unprivileged")
            wrapper = (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")
            os.chmod(os.path.realpath(cable.till), 0o600)
        else:
            os.chmod(os.path.realpath(cable.till), 0)
        logs = shared / "logs"
        logs.mkdir(mode=0o777)
        os.chmod(logs, 0o777)
        daemon = start_daemon(f"serial:{cable.till}", workdir=shared / "daemon", log_dir=logs,
                              wrapper=wrapper)
        mark = daemon.log_mark()

        resp = daemon.get("/open-cash-drawer")

        expect.assert_json(resp, 503, {
            "status": "error", "error": "printer_permission_denied",
            "message": "Le système refuse l'accès à l'imprimante : le service n'a pas les droits "
                       "sur le périphérique (groupe lp)."})
        assert logfile.messages(daemon.log_lines_since(mark), "ERROR") == [error_line(
            canonical(cable.till, "baud=9600&data_bits=8&parity=none&stop_bits=1&flow=rtscts"),
            "printer_permission_denied",
            "accès refusé (ajoutez l'utilisateur du service au groupe dialout : "
            "usermod -aG dialout UTILISATEUR)")]
        cable.assert_nothing_more()
    finally:
        if cable is not None:
            cable.stop()
        shutil.rmtree(shared, ignore_errors=True)


def test_printer_that_takes_no_data_gives_503_printer_timeout_then_recovers(start_daemon, line):
    # The cable carries nothing and its buffers are full: the write cannot
    # go in. The answer comes at the timeout, not never.
    uri = f"serial:{line.till}?baud=38400&flow=none"
    daemon = start_daemon(uri, ARGS + ["--timeout-ms", "1000"])
    line.pause()
    filler = line.open_till()
    try:
        filled = fill(filler)
    finally:
        os.close(filler)
    mark = daemon.log_mark()

    resp = daemon.get("/open-cash-drawer", timeout=10)

    expect.assert_json(resp, 503, expect.printer_error("printer_timeout"))
    assert 0.95 <= resp.elapsed < 1.0 + 1.0, f"answered in {resp.elapsed:.3f} s"
    assert logfile.messages(daemon.log_lines_since(mark), "ERROR") == [error_line(
        canonical(line.till, "baud=38400&data_bits=8&parity=none&stop_bits=1&flow=none"),
        "printer_timeout", FLOW_FIX)]
    # The printer reads again: the filler comes out, none of the failed kick.
    line.resume()
    assert line.read_exact(filled, timeout=30) == b"." * filled
    line.assert_nothing_more()

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
    assert line.read_exact(len(OPENING)) == OPENING
    line.assert_nothing_more()


def test_xoff_from_the_printer_gives_503_printer_timeout_and_xon_resumes(start_daemon, line):
    uri = f"serial:{line.till}?flow=xonxoff"
    daemon = start_daemon(uri, ARGS + ["--timeout-ms", "1000"])
    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
    assert line.read_exact(len(OPENING)) == OPENING
    watch = line.open_till()
    try:
        line.write(b"\x13")  # XOFF: the printer's buffer is full
        wait_writable(watch, False)
        mark = daemon.log_mark()

        stopped = daemon.get("/open-cash-drawer", timeout=10)

        line.write(b"\x11")  # XON
        wait_writable(watch, True)
    finally:
        os.close(watch)
    expect.assert_json(stopped, 503, expect.printer_error("printer_timeout"))
    assert 0.95 <= stopped.elapsed < 1.0 + 1.0, f"answered in {stopped.elapsed:.3f} s"
    assert logfile.messages(daemon.log_lines_since(mark), "ERROR") == [error_line(
        canonical(line.till, "baud=9600&data_bits=8&parity=none&stop_bits=1&flow=xonxoff"),
        "printer_timeout", FLOW_FIX)]
    line.assert_nothing_more()

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
    assert line.read_exact(len(OPENING)) == OPENING
    line.assert_nothing_more()


def test_adapter_pulled_out_right_after_the_kick_is_a_503_connection_lost_never_opened(
        start_daemon, tmp_path):
    # The printer's end takes the kick, then the line vanishes before any
    # status reply could vouch for it: the kick may never have reached the
    # printer (an adapter loses what it still held), so no `opened`.
    cable = SerialLine(tmp_path / "line", track, answering=False).start()
    uri = f"serial:{cable.till}?baud=38400"
    daemon = start_daemon(uri, ARGS)
    mark = daemon.log_mark()
    taken = []

    def pull_out_after_the_kick():
        taken.append(cable.read_exact(len(expect.KICK_DEFAULT)))
        cable.stop()

    puller = threading.Thread(target=pull_out_after_the_kick, name="pull-out")
    puller.start()
    try:
        # the read-back asked: the hangup comes before the reply it waits for
        resp = daemon.get("/open-cash-drawer" + expect.READ_BACK)
    finally:
        puller.join(timeout=10)
        cable.stop()

    expect.assert_json(resp, 503, expect.printer_error("printer_connection_lost"))
    assert taken == [expect.KICK_DEFAULT]
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        f"127.0.0.1 GET /open-cash-drawer 503 printer_connection_lost - ordre d'ouverture non "
        f"confirmé : imprimante "
        f"{canonical(cable.till, 'baud=38400&data_bits=8&parity=none&stop_bits=1&flow=rtscts')}"
        " : la ligne a été coupée (le câble de l'imprimante ou son adaptateur USB-série est-il "
        "branché ?)"]


def test_unplugged_serial_printer_heals_at_the_next_request_after_replugging(start_daemon, line):
    uri = f"serial:{line.till}?baud=38400"
    daemon = start_daemon(uri, ARGS)
    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
    assert line.read_exact(len(OPENING)) == OPENING

    line.stop()  # the adapter pulled out: both ends vanish
    mark = daemon.log_mark()
    unplugged = daemon.get("/open-cash-drawer")
    line.start()  # plugged back in, same names
    replugged = daemon.get("/open-cash-drawer")

    expect.assert_json(unplugged, 503, expect.printer_error("printer_not_found"))
    expect.assert_json(replugged, 200, expect.OPENED)
    assert line.read_exact(len(OPENING)) == OPENING
    line.assert_nothing_more()
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        error_line(canonical(line.till, "baud=38400&data_bits=8&parity=none&stop_bits=1&flow=rtscts"),
                   "printer_not_found", UNPLUGGED),
        expect.OPENED_LINE.format(peer="127.0.0.1")]
    drawer = daemon.get("/status?printer=cached").json()["drawer"]
    assert (drawer["pulses"], drawer["failures"]) == (2, 1)


def test_simulator_on_a_serial_line_decodes_the_kick_answers_dle_eot_and_waits_for_a_replug(
        start_daemon, sim_bin, spawn, tmp_path):
    cable = SerialLine(tmp_path / "line", track, open_printer=False).start()
    try:
        sim = spawn([sim_bin, "--device", cable.printer, "--baud", "38400"], stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace")
        out = SimulatorOutput(sim.stdout)
        assert out.next_line(r"^escpos-sim: serving") == \
            f"escpos-sim: serving the serial line {cable.printer} at 38400 baud"
        daemon = start_daemon(f"serial:{cable.till}?baud=38400", ARGS)

        # the drawer read back from the simulator on the line: open
        expect.assert_json(daemon.get("/open-cash-drawer" + expect.READ_BACK), 200,
                           expect.OPENED_READ)
        assert "1B 70 00 19 FA  drawer kick (ESC p): pin 2, on 50 ms, off 500 ms" in \
            out.next_line(r"drawer kick")
        assert "10 04 01  status query" in out.next_line(r"status query")

        # DLE EOT 1 on the line: one status byte back, the one the simulator says.
        fd = cable.open_till()
        try:
            os.write(fd, bytes([0x10, 0x04, 0x01]))
            readable, _, _ = select.select([fd], [], [], 5)
            assert readable, "no status byte within 5 s"
            reply = os.read(fd, 16)
        finally:
            os.close(fd)
        said = re.search(r"answered ([0-9A-F]{2})", out.next_line(r"status query \(DLE EOT 1"))
        assert reply == bytes([int(said[1], 16)])
        assert reply[0] & 0b10010011 == 0b00010010  # bits 0, 1, 4, 7 of every status reply

        cable.stop()  # unplugged: the simulator waits for its line
        out.next_line(rf"serial line {re.escape(str(cable.printer))} gone: waiting")
        cable.start()
        out.next_line(rf"serial line {re.escape(str(cable.printer))} is back \(38400 baud\)")
        expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
        assert "1B 70 00 19 FA  drawer kick (ESC p)" in out.next_line(r"drawer kick")
    finally:
        cable.stop()
