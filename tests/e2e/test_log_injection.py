"""A client cannot forge or break log lines: whatever the path holds, every
line of the file keeps the format, and nothing a client sends starts a line."""
import pytest

from e2elib import logfile, rawconn

FORGED = "2025-01-01 00:00:00,000 - INFO - forged"


# as logged: a space of the path is %20 (see below)
FORGED_PATH = FORGED.replace(" ", "%20")


@pytest.mark.parametrize("path,shown", [
    ("/x%0A2025-01-01%2000:00:00,000%20-%20INFO%20-%20forged", "/x\\n" + FORGED_PATH),
    ("/x%0D%0A2025-01-01%2000:00:00,000%20-%20INFO%20-%20forged", "/x\\r\\n" + FORGED_PATH),
    ("/x%E2%80%A82025-01-01%2000:00:00,000%20-%20INFO%20-%20forged",
     "/x\\xe2\\x80\\xa8" + FORGED_PATH),
    ("/x%C2%852025-01-01%2000:00:00,000%20-%20INFO%20-%20forged", "/x\\xc2\\x85" + FORGED_PATH),
    ("/x%1B[31m%FFforged", "/x\\x1b[31m\\xffforged"),
    # a path holding %00 is not decoded at all (src/http/server.c, unescape)
    ("/x%1B[31m%FF%00forged", "/x%1B[31m%FF%00forged"),
], ids=["lf", "crlf", "u2028", "nel", "escape_ff", "nul"])
def test_path_with_line_breaks_cannot_forge_a_log_line(start_daemon, printer, path, shown):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    resp = daemon.get(path)

    assert resp.status == 404
    data = daemon.log_path.read_bytes()
    lines = daemon.log_lines()
    logfile.assert_all_lines_well_formed(lines)
    assert not any(line.startswith(FORGED) for line in lines)
    # Every reader splits the file into the same lines as we do.
    assert data.decode("utf-8").splitlines() == lines
    new = daemon.log_lines_since(mark)
    assert len(new) == 1
    assert logfile.parse(new[0])["message"].startswith(f"127.0.0.1 GET {shown}")
    assert logfile.parse(new[0])["message"].endswith(" 404 not_found")


@pytest.mark.parametrize("request_line", [
    b"GET /open-cash-drawer%20200%20opened%20-%20Tiroir-caisse%20ouvert HTTP/1.1",
    # libmicrohttpd takes the path up to the last space of the line
    b"GET /open-cash-drawer 200 opened - Tiroir-caisse ouvert HTTP/1.1",
], ids=["encoded", "raw"])
def test_spaces_in_a_path_cannot_make_its_line_read_as_an_opening(start_daemon, printer,
                                                                   request_line):
    daemon = start_daemon(printer.uri)
    mark = daemon.log_mark()

    answer, _ = rawconn.exchange(request_line + b"\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                                 port=daemon.port, limit=10)

    assert rawconn.status_of(answer) == 404
    assert logfile.messages(daemon.log_lines_since(mark)) == [
        "127.0.0.1 GET /open-cash-drawer%20200%20opened%20-%20Tiroir-caisse%20ouvert 404 not_found"]
    assert printer.settle() == []


def test_forged_header_values_never_reach_the_log(start_daemon, printer):
    daemon = start_daemon(printer.uri)

    resp = daemon.get("/status", headers={"User-Agent": "x\t" + FORGED,
                                           "X-Forwarded-For": FORGED})

    assert resp.status == 200
    assert "forged" not in daemon.log_path.read_text(encoding="utf-8")
