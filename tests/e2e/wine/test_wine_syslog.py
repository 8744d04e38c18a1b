"""The syslog sender on Windows (src/log/syslog_send.c over compat_win32's
Winsock calls): a shop with many Windows tills gets every log line at its
syslog server, as on Linux: RFC 5424 over UDP, one datagram a line, or over
TCP with RFC 6587 octet counting; a server that is down never delays an
opening, and what could not be sent is counted.

Wine takes the machine's time zone whatever TZ says: each frame's local
time is checked against its log file line, and its UTC offset against the
instant the test saw the request happen."""
import datetime
import re
import socket
import time

from e2elib import expect, logfile
from e2elib.printer import closed_port
from e2elib.syslogd import TcpServer, UdpServer

WAIT = 30.0
NOT_FOUND = "127.0.0.1 GET /nope 404 not_found"
# <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG; PROCID is
# the Windows process id, which Wine numbers apart from Linux's pids
FRAME_RE = re.compile(r"^<(?P<pri>\d+)>1 (?P<local>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})"
                      r"(?P<offset>[+-]\d\d:\d\d) (?P<host>\S+) cashdrawerd (?P<procid>[1-9]\d*)"
                      r" - - (?P<message>.*)$", re.DOTALL)


def check_frame(frame, daemon, priority, message):
    """frame is the RFC 5424 message of daemon's log line with that message:
    its priority, the line's local time to the millisecond, this machine's
    name, the message as in the file. Returns the frame's fields."""
    match = FRAME_RE.match(frame)
    assert match, frame
    line = logfile.parse(next(l for l in daemon.log_lines() if l.endswith(" - " + message)))
    assert (int(match["pri"]), match["local"], match["host"], match["message"]) == (
        priority, f"{line['date']}T{line['time']}.{line['ms']}", socket.gethostname(), message)
    return match


def instant(match):
    return datetime.datetime.fromisoformat(match["local"] + match["offset"]).timestamp()


def test_every_line_reaches_a_udp_syslog_server_as_one_rfc5424_datagram(start_exe):
    server = UdpServer()
    try:
        daemon = start_exe(args=["--syslog-host", "127.0.0.1", "--syslog-port", server.port])

        before = time.time()
        assert daemon.get("/nope").status == 404
        after = time.time()
        # daemon.warning = 3*8+4
        warning = check_frame(server.wait_for(NOT_FOUND), daemon, 28, NOT_FOUND)
        # the offset makes the local time the instant of the request
        assert int(before * 1000) / 1000 <= instant(warning) <= after
        # daemon.info = 3*8+6, the same process and zone
        start = server.wait_for("intervalle minimal 1000 ms")
        started = check_frame(start, daemon, 30, start[start.index(" - - ") + 5:])
        assert (started["procid"], started["offset"]) == (warning["procid"], warning["offset"])
        assert daemon.stop() == 0
        # the last line too: the sender empties its queue before the stop
        stopped = check_frame(server.wait_for(" - - Service arrêté"), daemon, 30,
                              "Service arrêté")
        assert stopped["procid"] == warning["procid"]
    finally:
        server.close()


def test_every_line_reaches_a_tcp_syslog_server_octet_counted(start_exe):
    server = TcpServer()
    try:
        daemon = start_exe(args=["--syslog-host", "127.0.0.1", "--syslog-port", server.port,
                                 "--syslog-protocol", "tcp"])

        before = time.time()
        assert daemon.get("/nope").status == 404
        after = time.time()
        warning = check_frame(server.wait_for(NOT_FOUND), daemon, 28, NOT_FOUND)
        assert int(before * 1000) / 1000 <= instant(warning) <= after
        # the connection's first frame is the log's first line
        first = server.frames()[0]
        first_message = logfile.parse(daemon.log_lines()[0])["message"]
        check_frame(first, daemon, 30, first_message)
    finally:
        server.close()


def test_a_syslog_server_down_never_delays_an_opening_and_drops_are_counted(start_exe,
                                                                             printer_marks):
    daemon = start_exe(args=["--syslog-host", "127.0.0.1", "--syslog-port", closed_port(),
                             "--syslog-protocol", "tcp"])

    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED_UNREAD)
    assert printer_marks.new() == [expect.KICK_DEFAULT]

    deadline = time.monotonic() + WAIT
    while daemon.get("/status").json()["log"]["syslog_dropped"] == 0:
        assert time.monotonic() < deadline, "no syslog drop counted"
        time.sleep(0.05)
    assert daemon.get("/status").json()["log"]["syslog_sent"] == 0
    assert re.search(r"^cashdrawerd_syslog_dropped_total [1-9]\d*$",
                     daemon.get("/metrics").body.decode(), re.MULTILINE)
