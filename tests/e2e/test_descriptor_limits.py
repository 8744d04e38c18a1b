"""Descriptors (README, Security): every connection the budget admits may
hold one more descriptor, the file of a /logs download, and the service
keeps room for both. A LAN that fills its share of max_connections with
downloads it never reads must leave the till able to connect and open. The
service raises its soft limit itself; prlimit starts it with a low one (100,
hard 4096), as a system with a small default would. The LAN clients are
203.0.113.10-12 and .20-22 in a namespace."""
import os
import socket
import time

from e2elib import expect, netns, tls
from e2elib.printer import PrinterListener

MAX_CONNECTIONS = 128  # the LAN's share: 96, three addresses of 32
ARCHIVE = "cashdrawer.log.2026-12-01"


def hold_the_lans_share(namespaces, port, first, held, request):
    """32 connections from each of 203.0.113.<first>..<first + 2> (into
    held), each sending request and reading nothing (a small receive buffer)."""
    for n in range(3):
        address = f"203.0.113.{first + n}"
        netns.add_address(namespaces.cli, "veth-cli", address)
        for sock in netns.sockets_in(namespaces.cli, 32):
            held.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.bind((address, 0))
            sock.settimeout(5)
            sock.connect((netns.SRV_ADDRESS, port))
            if request:
                sock.sendall(request)


def test_lan_downloads_held_unread_never_take_the_tills_descriptors(namespaces, start_daemon,
                                                                    tmp_path):
    logs = tmp_path / "till" / "logs"
    logs.mkdir(parents=True)
    # larger than what the sockets' buffers take: each download stays open
    (logs / ARCHIVE).write_bytes((b"x" * 99 + b"\n") * 100_000)
    printer = PrinterListener(sock=netns.socket_in(namespaces.srv))
    held = []
    try:
        daemon = start_daemon(printer.uri, ["--min-interval-ms", "0", "--max-connections",
                                            str(MAX_CONNECTIONS), "--connection-timeout-s", "300"],
                              workdir=tmp_path / "till", netns=namespaces.srv,
                              connect=netns.connector(namespaces.srv),
                              wrapper=["prlimit", "--nofile=100:4096", "--"])
        hold_the_lans_share(namespaces, daemon.port, 10, held,
                            b"GET /logs?date=2026-12-01 HTTP/1.1\r\nHost: till\r\n\r\n")
        time.sleep(1.5)  # every download under way

        resp = daemon.get("/open-cash-drawer", timeout=3)

        expect.assert_json(resp, 200, expect.OPENED)
        assert printer.settle() == [expect.OPENED_DEFAULT]
    finally:
        for sock in held:
            sock.close()
        printer.close()


def cpu_ticks(pid):
    """The process's user and system time, in clock ticks."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_out_of_descriptors_the_https_front_door_waits_instead_of_spinning(namespaces,
                                                                            start_daemon,
                                                                            tmp_path):
    """A hard limit the service cannot raise (prlimit 100:100) and a LAN
    holding its share: accept fails with EMFILE while connections wait in
    the listening queue, which stays readable. The accept loop must try
    again at its tick, not at once in a loop."""
    tls.make_authority(tmp_path / "pki")
    cert, key = tls.sign_server(tmp_path / "pki")
    printer = PrinterListener(sock=netns.socket_in(namespaces.srv))
    held = []
    try:
        daemon = start_daemon(printer.uri, ["--max-connections", str(MAX_CONNECTIONS),
                                            "--tls-cert", cert, "--tls-key", key,
                                            "--request-timeout-s", "300"],
                              netns=namespaces.srv, connect=netns.connector(namespaces.srv),
                              wrapper=["prlimit", "--nofile=100:100", "--"])
        # silent: held by the front door
        hold_the_lans_share(namespaces, daemon.port, 20, held, b"")
        time.sleep(1)
        before = cpu_ticks(daemon.proc.pid)
        time.sleep(2)

        used = cpu_ticks(daemon.proc.pid) - before

        assert used < 0.1 * 2 * os.sysconf("SC_CLK_TCK"), f"{used} ticks in 2 s"
    finally:
        for sock in held:
            sock.close()
        printer.close()
