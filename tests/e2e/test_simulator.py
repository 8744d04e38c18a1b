"""Against the ESC/POS printer simulator (tools/escpos-sim): the daemon's
kick is decoded as a drawer kick on pin 2, 50 ms on, 500 ms off."""
import re
import subprocess

from e2elib import expect
from e2elib.sim import SimulatorOutput


def test_simulator_decodes_the_daemons_kick_as_pin2_50ms_on_500ms_off(start_daemon, sim_bin, spawn):
    sim = spawn([sim_bin, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True, encoding="utf-8", errors="replace")
    output = SimulatorOutput(sim.stdout)
    listening = output.next_line(r"^escpos-sim: listening on ", 5)
    address, port = re.fullmatch(r"escpos-sim: listening on (\S+):(\d+)", listening).groups()
    assert address == "127.0.0.1"
    daemon = start_daemon(f"tcp://127.0.0.1:{port}")

    resp = daemon.get("/open-cash-drawer")

    expect.assert_json(resp, 200, expect.OPENED)
    kick = output.next_line(r"drawer kick", 5)
    assert "pin 2, on 50 ms, off 500 ms" in kick, kick
