"""--bind chooses the listening addresses: only those answer, it is
repeatable, and a list on the command line replaces the config file's."""
import socket
import subprocess
import time

import pytest

from e2elib import web

from test_ipv6_loopback import ipv6  # noqa: F401  (fixture: skip where ::1 is missing)


def free_port_on_both_loopbacks():
    """A port free on 127.0.0.1 and on ::1 (the test binds both)."""
    for _ in range(50):
        with socket.socket() as v4:
            v4.bind(("127.0.0.1", 0))
            port = v4.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET6) as v6:
                    v6.bind(("::1", port))
            except OSError:
                continue
            return port
    pytest.fail("no port free on both loopback addresses")


def answers(host, port):
    try:
        return web.get("/status?printer=cached", host=host, port=port, timeout=2).status == 200
    except ConnectionRefusedError:
        return False


def wait_answering(host, port, daemon, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not answers(host, port):
        daemon._fail_if_exited("exited before answering")
        if time.monotonic() > deadline:
            daemon.fail(f"no answer on {host} port {port} within {timeout} s")
        time.sleep(0.02)


def test_bind_127_0_0_1_listens_there_only(ipv6, start_daemon, printer):
    port = free_port_on_both_loopbacks()
    daemon = start_daemon(printer.uri, args=["--bind", "127.0.0.1"], port=port)

    assert answers("127.0.0.1", port)
    assert not answers("::1", port)
    assert f"écoute sur 127.0.0.1:{port}," in daemon._start_line()


def test_bind_is_repeatable_and_each_address_answers(ipv6, start_daemon, printer):
    port = free_port_on_both_loopbacks()
    daemon = start_daemon(printer.uri, args=["--bind", "::1", "--bind", "127.0.0.1"], port=port)

    wait_answering("::1", port, daemon)
    assert answers("127.0.0.1", port)
    assert f"écoute sur [::1]:{port}, 127.0.0.1:{port}," in daemon._start_line()
    # each socket keeps the loopback rule: both peers may open
    assert web.get("/open-cash-drawer", host="::1", port=port).status == 200


def test_bind_on_the_command_line_replaces_the_config_files(ipv6, start_daemon, printer, tmp_path):
    port = free_port_on_both_loopbacks()
    ini = tmp_path / "cashdrawerd.ini"
    ini.write_text("[cashdrawerd]\nbind = 127.0.0.1\n", encoding="utf-8")
    daemon = start_daemon(printer.uri, args=["--config", ini, "--bind", "::1"], port=port,
                          wait_ready=False)

    wait_answering("::1", port, daemon)
    assert not answers("127.0.0.1", port)


def listeners_of(pid):
    """The (address, port) pairs the process listens on, from ss."""
    out = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True, check=True).stdout
    found = set()
    for line in out.splitlines():
        if f"pid={pid}," in line:
            address, _, port = line.split()[3].rpartition(":")
            found.add((address.strip("[]"), int(port)))
    return found


def test_on_every_interface_the_loopback_addresses_get_lanes_of_their_own(
        ipv6, start_daemon, printer):
    daemon = start_daemon(printer.uri)

    assert listeners_of(daemon.proc.pid) == {
        ("*", daemon.port), ("127.0.0.1", daemon.port), ("::1", daemon.port)}
    # each lane answers, and the rest of 127/8 still reaches the wildcard
    for host in ("127.0.0.1", "::1", "127.0.0.2"):
        resp = daemon.get("/open-cash-drawer", host=host)
        assert resp.status == 200, (host, resp.body)


def test_a_second_service_on_the_same_port_is_refused_despite_the_lanes(
        ipv6, start_daemon, printer):
    first = start_daemon(printer.uri)
    second = start_daemon(printer.uri, port=first.port, wait_ready=False)
    try:
        rc = second.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        second.fail("a second service shares the port")

    assert rc == 1
    assert "adresse déjà utilisée (EADDRINUSE)" in second.stderr()
    assert first.get("/status?printer=cached").status == 200
