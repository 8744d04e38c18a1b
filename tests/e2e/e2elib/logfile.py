"""The log file's format (the replaced system's, byte for byte) and helpers
to find the one line a request wrote."""
import datetime
import re
import time

# YYYY-MM-DD HH:MM:SS,mmm - LEVEL - message
LINE_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2}) (?P<time>\d{2}:\d{2}:\d{2}),(?P<ms>\d{3})"
    r" - (?P<level>DEBUG|INFO|WARNING|ERROR) - (?P<message>.+)$"
)

LOG_NAME = "cashdrawer.log"


def read_lines(path):
    """Lines of a log file. The file must be valid UTF-8 and end with a
    newline; splitting on b"\\n" only (not str.splitlines) is deliberate."""
    data = path.read_bytes()
    if not data:
        return []
    assert data.endswith(b"\n"), f"{path} does not end with a newline: {data[-80:]!r}"
    text = data.decode("utf-8")
    return text[:-1].split("\n")


def parse(line):
    match = LINE_RE.match(line)
    assert match is not None, f"log line does not match the format: {line!r}"
    return match


def timestamp(line):
    """The line's local time as a naive datetime."""
    match = parse(line)
    return datetime.datetime.strptime(f"{match['date']} {match['time']},{match['ms']}",
                                      "%Y-%m-%d %H:%M:%S,%f")


def assert_all_lines_well_formed(lines):
    for line in lines:
        parse(line)


def messages(lines, level=None):
    out = []
    for line in lines:
        match = parse(line)
        if level is None or match["level"] == level:
            out.append(match["message"])
    return out


def find_exact(lines, level, message):
    """The lines written at level whose message is exactly message."""
    return [
        line for line in lines
        if parse(line)["level"] == level and parse(line)["message"] == message
    ]


def assert_one_line(lines, level, message):
    found = find_exact(lines, level, message)
    assert len(found) == 1, (
        f"expected exactly one {level} line {message!r}, found {len(found)}; log:\n"
        + "\n".join(lines)
    )
    return found[0]


def wait_for_line(daemon, level, message, timeout=10.0):
    """Waits (bounded) for the one line at level saying exactly message: for
    the lines written after the service answers, such as the start-up check
    of the printer, which runs once the service serves."""
    deadline = time.monotonic() + timeout
    while not find_exact(daemon.log_lines(), level, message):
        assert time.monotonic() < deadline, (
            f"no {level} line {message!r} within {timeout} s; log:\n" + "\n".join(daemon.log_lines()))
        time.sleep(0.05)
    return assert_one_line(daemon.log_lines(), level, message)

