"""The printer's real state through /status and after an opening: DLE EOT
1..4 asked of the bundled simulator's TM-T88V model (or of fake printers
that answer garbage or nothing), with the exact bytes each check sent."""
import concurrent.futures

import pytest

from e2elib import expect
from e2elib.printer import closed_port
from e2elib.sim import Simulator

Q1, Q2, Q3, Q4 = (bytes([0x10, 0x04, n]) for n in (1, 2, 3, 4))
CHECK = Q1 + Q2 + Q4          # a check of a printer without error
CHECK_ERROR = CHECK + Q3      # DLE EOT 3 asks the cause once DLE EOT 2 reports an error
REALTIME_KICK = bytes([0x10, 0x14, 0x01, 0x00, 0x01])  # DLE DC4 1, pin 2, 100 ms

HEALTHY = {"can_read_status": True, "reachable": True, "online": True, "drawer": "closed",
           "cover_open": False, "paper": "ok", "error": None}
UNKNOWN = {"online": "unknown", "drawer": "unknown", "cover_open": "unknown",
           "paper": "unknown"}


@pytest.fixture
def sim(spawn, sim_bin, tmp_path):
    made = []

    def make(*args):
        made.append(Simulator(spawn, sim_bin, tmp_path / f"sim{len(made)}.bin", args))
        return made[-1]

    return make


def printer_state(daemon, path="/status"):
    resp = daemon.get(path)
    assert resp.status == 200, resp.body
    state = resp.json()["printer"]
    checked_at = state.pop("checked_at")
    return state, checked_at


def test_status_of_a_healthy_printer_asks_dle_eot_1_2_4_once(start_daemon, sim):
    printer = sim()
    daemon = start_daemon(printer.uri)

    state, checked_at = printer_state(daemon)

    assert state == {"uri": printer.uri, **HEALTHY}
    assert checked_at is not None
    printer.wait_received(CHECK)


@pytest.mark.parametrize("command,changes,asked", [
    ("drawer open", {"drawer": "open"}, CHECK),
    ("paper near-end", {"paper": "near_end"}, CHECK),
    ("paper out", {"paper": "out", "online": False}, CHECK),
    ("cover open", {"cover_open": True, "online": False}, CHECK),
    ("offline", {"online": False}, CHECK),
    ("error on", {"error": "auto_recoverable_error", "online": False}, CHECK_ERROR),
])
def test_each_printer_state_shows_in_status(start_daemon, sim, command, changes, asked):
    printer = sim()
    printer.command(command)
    daemon = start_daemon(printer.uri)

    state, _ = printer_state(daemon)

    assert state == {"uri": printer.uri, **HEALTHY, **changes}
    printer.wait_received(asked)


def test_drawer_open_level_low_reads_pin3_low_as_open(start_daemon, sim):
    printer = sim("--open-level", "low", "--drawer", "open")
    low = start_daemon(printer.uri, ["--drawer-open-level", "low"])
    high = start_daemon(printer.uri)

    assert printer_state(low)[0]["drawer"] == "open"
    # The same printer judged with the wrong level: the setting is what decides.
    assert printer_state(high)[0]["drawer"] == "closed"


def test_opening_reads_the_drawer_back_and_status_checks_again(start_daemon, sim):
    printer = sim()
    daemon = start_daemon(printer.uri, ["--status-cache-ms", "60000"])
    assert printer_state(daemon)[0]["drawer"] == "closed"

    resp = daemon.get("/open-cash-drawer" + expect.READ_BACK)

    expect.assert_json(resp, 200, expect.OPENED_READ)
    printer.expect(r"drawer kick \(ESC p\): pin 2, on 50 ms, off 500 ms -> drawer open")
    # The kick makes the cached check stale: the drawer moved.
    assert printer_state(daemon)[0]["drawer"] == "open"
    printer.wait_received(CHECK + expect.OPENED_READ_BACK + CHECK)


def test_by_default_the_answer_does_not_wait_and_status_still_reads_the_drawer(
        start_daemon, sim):
    printer = sim()
    daemon = start_daemon(printer.uri)

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 200, expect.OPENED_UNREAD)
    printer.expect(r"drawer kick \(ESC p\): pin 2, on 50 ms, off 500 ms -> drawer open")
    assert printer_state(daemon)[0]["drawer"] == "open"
    printer.wait_received(expect.KICK_DEFAULT + CHECK)


def test_realtime_kick_opens_the_drawer_while_the_printer_is_out_of_paper(start_daemon, sim):
    printer = sim()
    printer.command("paper out")
    daemon = start_daemon(printer.uri, ["--kick", "realtime"])

    resp = daemon.get("/open-cash-drawer" + expect.READ_BACK)

    expect.assert_json(resp, 200, expect.OPENED_READ)
    printer.expect(r"^escpos-sim: 10 14 01 00 01  real-time drawer kick \(DLE DC4\): pin 2, on 100 ms.*-> drawer open")
    printer.wait_received(REALTIME_KICK + Q1)
    assert printer_state(daemon)[0] == {"uri": printer.uri, **HEALTHY, "drawer": "open",
                                        "paper": "out", "online": False}


def test_esc_p_while_offline_is_queued_and_the_answer_says_the_drawer_stayed_closed(
        start_daemon, sim):
    printer = sim()
    printer.command("cover open")
    daemon = start_daemon(printer.uri)

    resp = daemon.get("/open-cash-drawer" + expect.READ_BACK)

    # The pulse was handed to the printer (200), which holds it while offline: the
    # read-back tells the truth instead of a guess.
    expect.assert_json(resp, 200, {**expect.OPENED, "drawer": "closed"})
    printer.wait_received(expect.OPENED_READ_BACK)


def test_a_flood_of_status_requests_makes_one_printer_check(start_daemon, sim):
    printer = sim()
    daemon = start_daemon(printer.uri, ["--status-cache-ms", "60000"])

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        states = list(pool.map(lambda _: printer_state(daemon), range(40)))

    assert all(state == {"uri": printer.uri, **HEALTHY} for state, _ in states)
    assert len({checked_at for _, checked_at in states}) == 1
    printer.wait_received(CHECK)


def test_cached_status_never_contacts_the_printer(start_daemon, sim):
    printer = sim()
    daemon = start_daemon(printer.uri)

    state, checked_at = printer_state(daemon, "/status?printer=cached")

    assert state == {"uri": printer.uri, "can_read_status": True, "reachable": "unknown",
                     **UNKNOWN, "error": None}
    assert checked_at is None
    assert printer.received() == b""


def test_garbage_replies_are_no_valid_answer_never_a_guess(start_daemon, make_printer):
    # 0xFF breaks every fixed bit, 0x00 too: neither may be read as a state.
    printer = make_printer(status_replies={1: b"\xff\x00", 2: b"\xff", 4: b"\xff"})
    daemon = start_daemon(printer.uri)

    state, _ = printer_state(daemon)

    assert state == {"uri": printer.uri, "can_read_status": True, "reachable": True,
                     **UNKNOWN, "error": "invalid_status_reply"}
    assert printer.settle() == [Q1]


def test_a_printer_that_never_answers_status_is_not_waited_for_at_each_opening(
        start_daemon, make_printer):
    printer = make_printer(status_replies=None)
    daemon = start_daemon(printer.uri, ["--min-interval-ms", "0"])

    first = daemon.get("/open-cash-drawer" + expect.READ_BACK)
    second = daemon.get("/open-cash-drawer" + expect.READ_BACK)
    state, _ = printer_state(daemon)

    expect.assert_json(first, 200, expect.OPENED_UNREAD)
    expect.assert_json(second, 200, expect.OPENED_UNREAD)
    assert state == {"uri": printer.uri, "can_read_status": True, "reachable": True,
                     **UNKNOWN, "error": "no_status_reply"}
    # The first opening asked once and got nothing; the second did not ask again.
    assert printer.settle() == [expect.OPENED_READ_BACK, expect.KICK_DEFAULT, Q1]


def test_an_unreachable_printer_is_reported_with_its_error(start_daemon):
    uri = f"tcp://127.0.0.1:{closed_port()}"
    daemon = start_daemon(uri)

    state, checked_at = printer_state(daemon)

    assert state == {"uri": uri, "can_read_status": True, "reachable": False, **UNKNOWN,
                     "error": "printer_refused"}
    assert checked_at is not None


def test_a_printer_that_cannot_answer_shows_unknown_and_is_sent_nothing(start_daemon, tmp_path):
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    daemon = start_daemon(f"file:{device}")

    state, _ = printer_state(daemon)

    assert state["drawer"] == state["paper"] == state["online"] == "unknown"
    assert state["cover_open"] == "unknown"
    assert state["error"] is None
    assert device.read_bytes() == b""


def test_status_check_and_opening_never_share_a_connection(start_daemon, make_printer):
    printer = make_printer()
    daemon = start_daemon(printer.uri, ["--status-cache-ms", "0", "--min-interval-ms", "0"])

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        jobs = [pool.submit(daemon.get, "/open-cash-drawer" if i % 2 else "/status")
                for i in range(16)]
        answers = [job.result() for job in jobs]

    assert all(a.status == 200 for a in answers)
    for data in printer.settle():
        # each connection is one whole operation: a kick, or a check
        assert data in (expect.OPENED_DEFAULT, CHECK), data.hex(" ")
