"""The Windows Event Log (src/platform/eventlog_win32.c): the log's
warnings and errors are mirrored, not moved, as events of the source
cashdrawerd, each the line's message, of the line's type; a start that
fails says why there too (a service has no console). --install-service
registers the source (EventMessageFile: the .exe, whose message table has
the one message "%1"), --uninstall-service removes it.

Wine keeps no Event Log: its ReportEventW prints each string on its debug
channel "eventlog", as `err` for an error and `warn` for a warning
(dlls/advapi32/eventlog.c), which WINEDEBUG turns on. What Wine cannot
show: Event Viewer's rendering of the message table (its bytes are checked
in the .exe instead)."""
import re
import subprocess

from e2elib import logfile
from e2elib.wine import registry_value, windows_path

EVENTLOG_KEY = r"HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\cashdrawerd"
EVENTS_ONLY = {"WINEDEBUG": "-all,err+eventlog,warn+eventlog"}
# what ReportEventW's type becomes on Wine's debug channel
WINE_CLASS = {"ERROR": "err", "WARNING": "warn"}
# "0124:err:eventlog:ReportEventW L\"text\"" (the thread id first); Wine
# cuts a long string, ending it with "... after the quote
EVENT_RE = re.compile(r'^[0-9a-f]+:(err|warn):eventlog:ReportEventW L"(.*)"(\.\.\.)?$')


def unescape(text):
    """Wine's debugstr_w: \\n \\r \\t \\" \\\\ and \\XXXX (4 hex digits) for
    the other characters outside printable ASCII."""
    return re.sub(r'\\(n|r|t|"|\\|[0-9a-f]{4})',
                  lambda m: {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}.get(
                      m[1]) or chr(int(m[1], 16)), text)


class Cut(str):
    """The start of an event's text Wine printed only in part: equal to
    any text it starts."""

    def __eq__(self, other):
        return isinstance(other, str) and other.startswith(str(self))

    __hash__ = str.__hash__


def events(stderr):
    """(class, text) of each event Wine printed."""
    found = []
    for line in stderr.splitlines():
        match = EVENT_RE.match(line)
        if match:
            text = unescape(match[2])
            found.append((match[1], Cut(text) if match[3] else text))
    return found


def test_warnings_and_errors_become_events_with_the_lines_text(start_exe, tmp_path):
    daemon = start_exe(printer="NO SUCH QUEUE", env=EVENTS_ONLY)

    assert daemon.get("/nope").status == 404
    assert daemon.get("/open-cash-drawer").status == 503
    assert daemon.get("/status?printer=cached").status == 200
    assert daemon.stop() == 0

    lines = daemon.log_lines()
    expected = [(WINE_CLASS[m["level"]], m["message"]) for m in map(logfile.parse, lines)
                if m["level"] in WINE_CLASS]
    # every warning and error, in order, and nothing else (no INFO line)
    assert events(daemon.stderr()) == expected
    assert ("warn", "127.0.0.1 GET /nope 404 not_found") in expected
    assert [kind for kind, text in expected
            if text.startswith("127.0.0.1 GET /open-cash-drawer 503 printer_queue_not_found - ")
            ] == ["err"]
    # the file keeps them all, the INFO lines too
    assert any(m["level"] == "INFO" for m in map(logfile.parse, lines))


def test_a_start_refused_for_its_settings_says_why_in_the_event_log(exe, prefix):
    result = subprocess.run(["wine", str(exe), "--pin", "3"], env={**prefix.env, **EVENTS_ONLY},
                            capture_output=True, timeout=60, stdin=subprocess.DEVNULL)

    assert result.returncode == 2
    err = result.stderr.decode("utf-8", "replace")
    said = "".join(line + "\n" for line in err.splitlines() if not EVENT_RE.match(line))
    assert "--pin: 3 is not a drawer pin" in said
    # one error event: what standard error said, whole
    assert events(err) == [("err", said.rstrip("\n"))]


def test_a_log_folder_that_cannot_be_made_is_said_in_the_event_log(start_exe, tmp_path):
    """The log file is where a service says what goes wrong; when it is the
    log that cannot be opened, only the Event Log can tell."""
    not_a_folder = tmp_path / "logs"
    not_a_folder.write_text("a file where the log folder should be\n")
    daemon = start_exe(log_dir=not_a_folder, wait_ready=False, env=EVENTS_ONLY)

    assert daemon.proc.wait(timeout=60) == 1
    err = daemon.stderr()
    said = [line for line in err.splitlines() if not EVENT_RE.match(line)]
    assert len(said) == 1 and said[0].startswith(
        f"cashdrawerd: dossier du journal {windows_path(not_a_folder)} : ")
    assert events(err) == [("err", said[0])]


def test_install_registers_the_event_source_and_uninstall_removes_it(exe, prefix):
    try:
        installed = prefix.run(["wine", exe, "--install-service", "--port", "0"])
        assert "Its warnings and errors also go to the Windows Event Log (Application, " \
               "source cashdrawerd)." in installed.stdout.decode("utf-8")
        assert registry_value(prefix, EVENTLOG_KEY, "EventMessageFile") == windows_path(exe)
        # EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE
        assert registry_value(prefix, EVENTLOG_KEY, "TypesSupported") == "0x3"
        assert "REG_EXPAND_SZ" in prefix.run(
            ["wine", "reg", "query", EVENTLOG_KEY, "/v", "EventMessageFile"]).stdout.decode()

        removed = prefix.run(["wine", exe, "--uninstall-service"])
        out = removed.stdout.decode("utf-8")
        assert "Service cashdrawerd removed." in out and "Event source cashdrawerd removed." in out
        assert prefix.run(["wine", "reg", "query", EVENTLOG_KEY], check=False).returncode != 0
    finally:
        prefix.run(["wine", exe, "--uninstall-service"], check=False)


def test_uninstall_removes_a_source_left_without_its_service(exe, prefix):
    prefix.run(["wine", "reg", "add", EVENTLOG_KEY, "/v", "TypesSupported", "/t", "REG_DWORD",
                "/d", "3", "/f"])

    result = prefix.run(["wine", exe, "--uninstall-service"], check=False)

    assert result.returncode == 1  # the service was not there
    assert "(it is not installed)" in result.stderr.decode("utf-8")
    assert "Event source cashdrawerd removed." in result.stdout.decode("utf-8")
    assert prefix.run(["wine", "reg", "query", EVENTLOG_KEY], check=False).returncode != 0


def test_the_exe_carries_the_message_table_of_its_events(exe):
    """What Event Viewer shows for event 1 of the source: its one string."""
    dump = subprocess.run(["x86_64-w64-mingw32-windres", "-i", str(exe), "-O", "rc"],
                          capture_output=True, text=True, timeout=60, check=True).stdout
    table = dump[dump.index("RT_MESSAGETABLE"):]
    assert re.search(r"MessageId = 0x1\n\s*%1%0\\n\\000\n", table), table[:600]
    assert dump.count("RT_MESSAGETABLE") == 1
