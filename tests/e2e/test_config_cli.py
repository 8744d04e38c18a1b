"""Command line and configuration file: exit statuses (2 bad settings, 1
cannot start, 0 fine), `file:line: problem` diagnostics, the command line
winning over the file, --help and --version."""
import os
import re
import socket
import subprocess
from pathlib import Path

import pytest

from e2elib import expect, logfile
from e2elib.printer import closed_port

REPO = Path(__file__).resolve().parents[2]
FLAGS = ["--port", "--printer", "--log-dir", "--min-interval-ms", "--timeout-ms", "--bind",
         "--log-console", "--pin", "--pulse-on-ms", "--pulse-off-ms", "--retention-days",
         "--threads", "--config", "--check-config", "--help", "--version"]
NOT_STARTED = "cashdrawerd: not started: fix the settings above (see --help)"


def run(daemon_bin, *args, cwd, timeout=10):
    return subprocess.run([str(daemon_bin), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, stdin=subprocess.DEVNULL)


def nothing_listens_on(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_check_config_reports_each_error_with_file_and_line_and_exits_2(daemon_bin, tmp_path):
    ini = tmp_path / "cashdrawerd.ini"
    ini.write_text(
        "# till 1\n"                          # 1
        "[cashdrawerd]\n"                     # 2
        "printer = tcp://127.0.0.1:9100\n"    # 3
        "pin = 3\n"                           # 4: not a drawer pin
        "timeout_ms = fast\n"                 # 5: not a number
        "port = 22548\n"                      # 6
        "colour = blue\n",                    # 7: unknown key
        encoding="utf-8")

    result = run(daemon_bin, "--config", ini, "--check-config", cwd=tmp_path)

    assert result.returncode == 2, result
    problems = result.stderr.splitlines()
    assert len(problems) == 3, result.stderr
    for problem, (line, key, value) in zip(problems, [(4, "pin", "3"), (5, "timeout_ms", "fast"),
                                                      (7, "colour", "colour")]):
        assert problem.startswith(f"{ini}:{line}: {key}: "), problem
        assert value in problem[len(f"{ini}:{line}: {key}: "):], problem
    assert result.stdout == ""


def test_bad_printer_in_the_file_is_reported_at_its_line_only(daemon_bin, tmp_path):
    ini = tmp_path / "cashdrawerd.ini"
    ini.write_text("[cashdrawerd]\nprinter = usb://x\n", encoding="utf-8")

    result = run(daemon_bin, "--config", ini, "--check-config", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{ini}:2: printer: printer URI 'usb://x': unknown scheme 'usb'; expected "
        "tcp://192.168.1.50:9100, serial:/dev/ttyUSB0?baud=38400, file:/dev/usb/lp0, "
        "cups:TICKET, spool:TICKET (Windows) or a queue name such as TICKET"]


def test_check_config_on_a_clean_file_exits_0(daemon_bin, tmp_path):
    ini = tmp_path / "cashdrawerd.ini"
    ini.write_text("; comment\n[cashdrawerd]\nprinter = tcp://127.0.0.1:9100\npin = 5\n"
                   "pulse_on_ms = 100\nlog_console = false\n", encoding="utf-8")

    result = run(daemon_bin, "--config", ini, "--check-config", cwd=tmp_path)

    assert (result.returncode, result.stdout, result.stderr) == (0, f"{ini}: configuration OK\n", "")
    assert not (tmp_path / "logs").exists()


def test_command_line_wins_over_the_file_and_file_settings_still_apply(
        start_daemon, printer, tmp_path):
    busy = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    busy.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    busy.bind(("::", 0))
    busy.listen(1)
    file_port = busy.getsockname()[1]
    ini = tmp_path / "cashdrawerd.ini"
    ini.write_text(f"[cashdrawerd]\nport = {file_port}\nprinter = tcp://127.0.0.1:1\n"
                   "timeout_ms = 700\npin = 5\n", encoding="utf-8")
    try:
        # The file's port is taken: only a command line that wins can start.
        daemon = start_daemon(printer.uri, ["--config", ini, "--timeout-ms", "900"])

        resp = daemon.get("/open-cash-drawer")
    finally:
        busy.close()

    assert daemon.port != file_port
    expect.assert_json(resp, 200, expect.OPENED)
    assert printer.settle() == [bytes([0x1B, 0x70, 0x01, 0x19, 0xFA])]  # pin 5
    start = next(m for m in logfile.messages(daemon.log_lines()) if "Service démarré" in m)
    assert f"imprimante {printer.uri}, impulsion broche 5 50/500 ms, délai 900 ms" in start


def test_unsupported_printer_uri_exits_2_naming_the_problem_and_listens_nowhere(daemon_bin, tmp_path):
    port = closed_port()

    result = run(daemon_bin, "--port", port, "--printer", "usb://x", "--log-dir", tmp_path / "logs",
                 cwd=tmp_path)

    assert result.returncode == 2
    # Only what is wrong with what the user wrote: nothing about the default printer.
    assert result.stderr.splitlines() == [
        "--printer: printer URI 'usb://x': unknown scheme 'usb'; expected "
        "tcp://192.168.1.50:9100, serial:/dev/ttyUSB0?baud=38400, file:/dev/usb/lp0, "
        "cups:TICKET, spool:TICKET (Windows) or a queue name such as TICKET",
        NOT_STARTED]
    assert nothing_listens_on(port)
    assert not (tmp_path / "logs").exists()


@pytest.mark.parametrize("args,message", [
    (["--frobnicate", "1"], "cashdrawerd: unknown option '--frobnicate' (see --help)\n"),
    (["--port"], "cashdrawerd: --port needs a value (see --help)\n"),
    (["printer"], "cashdrawerd: unexpected argument 'printer' (options start with --; see --help)\n"),
])
def test_bad_command_line_exits_2(daemon_bin, tmp_path, args, message):
    result = run(daemon_bin, *args, cwd=tmp_path)

    assert (result.returncode, result.stdout, result.stderr) == (2, "", message)


@pytest.mark.parametrize("flag,value,problem", [
    ("--pulse-on-ms", "51", "--pulse-on-ms: 51 ms is odd"),
    ("--pin", "3", "--pin: 3 is not a drawer pin"),
    ("--timeout-ms", "50", "--timeout-ms: 50 is out of range (expected 100..60000)"),
    ("--log-console", "maybe", "--log-console: 'maybe' is not a boolean"),
    ("--bind", "localhost", "--bind: 'localhost' is not an IP address"),
])
def test_bad_setting_on_the_command_line_exits_2_naming_the_flag(daemon_bin, tmp_path, flag, value,
                                                                  problem):
    result = run(daemon_bin, "--printer", "tcp://127.0.0.1:9100", "--port", "0",
                 "--log-dir", tmp_path / "logs", flag, value, cwd=tmp_path)

    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith(problem) and lines[1] == NOT_STARTED, lines
    assert not (tmp_path / "logs").exists()


def test_help_lists_every_flag_and_exits_0(daemon_bin, tmp_path):
    result = run(daemon_bin, "--help", cwd=tmp_path)

    assert result.returncode == 0
    assert result.stdout.startswith("Usage: cashdrawerd ")
    for flag in FLAGS:
        assert re.search(rf"(^|[\s,\[]){re.escape(flag)}\b", result.stdout), flag


def test_version_prints_the_project_version(daemon_bin, tmp_path):
    version = re.search(r"project\(cashdrawerd VERSION (\S+)",
                        (REPO / "CMakeLists.txt").read_text())[1]

    result = run(daemon_bin, "--version", cwd=tmp_path)

    assert (result.returncode, result.stdout) == (0, f"cashdrawerd {version}\n")


def test_port_already_in_use_exits_1_saying_address_already_in_use(start_daemon, printer, tmp_path):
    busy = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    busy.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    busy.bind(("::", 0))
    busy.listen(1)
    try:
        daemon = start_daemon(printer.uri, port=busy.getsockname()[1], wait_ready=False)
        try:
            rc = daemon.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daemon.fail("still running on a port in use")
    finally:
        busy.close()

    assert rc == 1
    assert "adresse déjà utilisée (EADDRINUSE)" in daemon.stderr()
    errors = logfile.messages(daemon.log_lines(), "ERROR")
    assert len(errors) == 1 and errors[0].startswith("Démarrage impossible : écoute impossible sur "
                                                     "[::] port ")
    assert "adresse déjà utilisée (EADDRINUSE)" in errors[0]


def test_windows_spooler_uri_on_linux_is_refused_naming_what_to_use(daemon_bin, tmp_path):
    result = run(daemon_bin, "--printer", "spool:TICKET", "--check-config", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "printer: imprimante 'spool:TICKET' : cette version ne sait pas la joindre (spool: est "
        "le spouleur de Windows) : utilisez --printer tcp://HÔTE[:PORT] (imprimante Ethernet, "
        "port 9100), serial:/dev/ttyUSB0, file:/dev/usb/lp0 (USB) ou cups:NOM (une file CUPS)"]


# ---- issue 13: settings that said OK when they were not ----

TOKEN = "0123456789abcdef0123456789abcdef"


def test_a_key_given_twice_in_the_file_is_refused_naming_both_lines(daemon_bin, tmp_path):
    ini = tmp_path / "cashdrawerd.ini"
    # the second "token =" switched the token off, and the check said OK
    ini.write_text(f"[cashdrawerd]\ntoken = {TOKEN}\nport = 0\n\ntoken =\n", encoding="utf-8")
    problem = f"{ini}:5: token is already set on line 2 (a key may be given once; remove one)"

    check = run(daemon_bin, "--config", ini, "--check-config", cwd=tmp_path)
    start = run(daemon_bin, "--config", ini, "--log-dir", tmp_path / "logs", cwd=tmp_path)

    assert (check.returncode, check.stdout, check.stderr) == (2, "", problem + "\n")
    assert (start.returncode, start.stderr.splitlines()) == (2, [problem, NOT_STARTED])
    assert not (tmp_path / "logs").exists()


def test_the_command_line_over_a_key_of_the_file_is_no_duplicate(daemon_bin, tmp_path):
    ini = tmp_path / "cashdrawerd.ini"
    ini.write_text(f"token = {TOKEN}\nport = 0\nbind = 127.0.0.1\n", encoding="utf-8")

    result = run(daemon_bin, "--config", ini, "--token", "", "--bind", "::1", "--check-config",
                 cwd=tmp_path)

    assert (result.returncode, result.stdout, result.stderr) == (0, f"{ini}: configuration OK\n", "")


def test_a_token_of_255_characters_and_a_list_on_one_line_are_read_from_the_file(
        start_daemon, printer, tmp_path):
    # lines over 198 characters were refused: a 200-character token worked
    # on the command line only
    token = "t" * 255
    origins = [f"https://{i:02d}{'o' * 239}:65535" for i in range(16)]
    ini = tmp_path / "cashdrawerd.ini"
    ini.write_text(f"[cashdrawerd]\ntoken = {token}\nallowed_origins = {', '.join(origins)}\n"
                   "min_interval_ms = 0\n", encoding="utf-8")
    assert max(len(o) for o in origins) == 255  # each item at its longest

    daemon = start_daemon(printer.uri, ["--config", ini])
    last = daemon.get("/open-cash-drawer", headers={"Origin": origins[-1]})

    expect.assert_json(last, 200, expect.OPENED)
    assert last.header("Access-Control-Allow-Origin") == origins[-1]
    assert any("jeton exigé" in m for m in logfile.messages(daemon.log_lines()))


def test_a_nul_byte_in_the_file_is_said_as_such(daemon_bin, tmp_path):
    ini = tmp_path / "cashdrawerd.ini"
    # Notepad's "Unicode": UTF-16, a NUL after every ASCII letter
    ini.write_bytes("port = 0\r\n".encode("utf-16"))

    result = run(daemon_bin, "--config", ini, "--check-config", cwd=tmp_path)

    assert (result.returncode, result.stderr) == (
        2, f"{ini}:1: NUL byte (0x00) in the file: is it a text file? save it as UTF-8 text\n")


@pytest.mark.parametrize("kind", ["device", "pipe", "folder"])
def test_config_that_is_not_a_regular_file_is_refused_at_once(daemon_bin, tmp_path, kind):
    # /dev/zero was read forever, a pipe blocked: both without a word
    if kind == "device":
        path = Path("/dev/zero")
    elif kind == "pipe":
        path = tmp_path / "cashdrawerd.ini"
        os.mkfifo(path)
    else:
        path = tmp_path / "cashdrawerd.ini"
        path.mkdir()

    result = run(daemon_bin, "--config", path, "--check-config", cwd=tmp_path, timeout=10)

    assert (result.returncode, result.stderr) == (
        2, f"{path}: cannot read: a {kind}, not a settings file (give the path of an INI file)\n")


def test_config_larger_than_1_mib_is_refused_without_reading_it(daemon_bin, tmp_path):
    ini = tmp_path / "cashdrawerd.ini"
    with open(ini, "wb") as f:
        f.truncate(4 << 30)  # sparse: 4 GiB of NUL bytes

    result = run(daemon_bin, "--config", ini, "--check-config", cwd=tmp_path, timeout=10)

    assert (result.returncode, result.stderr) == (
        2, f"{ini}: cannot read: larger than 1 MiB, which no settings file is (is it the right "
           "file?)\n")


CANNOT_START = ("cashdrawerd: the settings are valid, but the service cannot start here as "
                "things are (see above)")


def start_refusal(daemon_bin, tmp_path, *args, user=None):
    """The start's own first line of refusal (stderr), and its exit status."""
    result = subprocess.run([str(daemon_bin), "--printer", "tcp://127.0.0.1:9", *map(str, args)],
                            capture_output=True, text=True, timeout=10, cwd=tmp_path,
                            stdin=subprocess.DEVNULL, user=user)
    return result.returncode, result.stderr.splitlines()[0]


@pytest.mark.parametrize("where", ["plain file", "below a plain file", "not writable"])
def test_check_config_refuses_a_log_folder_the_start_cannot_use(daemon_bin, tmp_path, where):
    # a log_dir that is a plain file passed the check, then the start failed
    (tmp_path / "logs").write_text("not a folder\n")
    user = None
    if where == "plain file":
        log_dir = tmp_path / "logs"
    elif where == "below a plain file":
        log_dir = tmp_path / "logs" / "today"
    else:  # a folder the service's user may not create: / is root's
        log_dir, user = Path("/cashdrawerd-e2e-never-made"), "nobody"
    args = ["--port", 0, "--log-dir", log_dir]

    check = subprocess.run([str(daemon_bin), "--check-config", *map(str, args)],
                           capture_output=True, text=True, timeout=10, cwd=tmp_path,
                           stdin=subprocess.DEVNULL, user=user)
    status, refusal = start_refusal(daemon_bin, tmp_path, *args, user=user)

    assert status == 1 and refusal.startswith(f"cashdrawerd: dossier du journal {log_dir} : "), \
        refusal
    assert refusal.endswith(" (faites-en un dossier où l'utilisateur du service peut écrire)")
    assert (check.returncode, check.stdout, check.stderr.splitlines()) == (
        1, "", [refusal[len("cashdrawerd: "):], CANNOT_START])
    assert not log_dir.exists() or log_dir.is_file()


def test_check_config_reports_a_port_in_use_as_the_start_does(start_daemon, printer, daemon_bin,
                                                             tmp_path):
    busy = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    try:
        check = run(daemon_bin, "--bind", "127.0.0.1", "--port", port, "--log-dir", tmp_path / "l",
                    "--check-config", cwd=tmp_path)
        daemon = start_daemon(printer.uri, ["--bind", "127.0.0.1"], port=port, wait_ready=False)
        assert daemon.proc.wait(timeout=10) == 1
    finally:
        busy.close()

    errors = logfile.messages(daemon.log_lines(), "ERROR")
    assert errors == [f"Démarrage impossible : écoute impossible sur 127.0.0.1 port {port} : "
                      "adresse déjà utilisée (EADDRINUSE) (un autre cashdrawerd ou l'ancien "
                      "service Python tourne-t-il ? arrêtez-le ou réglez un autre port)"]
    assert (check.returncode, check.stdout, check.stderr.splitlines()) == (
        1, "", [errors[0].split(" : ", 1)[1], CANNOT_START])


def test_check_config_leaves_nothing_behind(daemon_bin, tmp_path):
    port = closed_port()
    log_dir = tmp_path / "var" / "log" / "cashdrawerd"

    result = run(daemon_bin, "--bind", "127.0.0.1", "--port", port, "--log-dir", log_dir,
                 "--check-config", cwd=tmp_path)

    assert (result.returncode, result.stderr) == (0, "")
    assert list(tmp_path.iterdir()) == []  # no folder made, no log file
    with socket.socket() as again:  # the port it tried was let go
        again.bind(("127.0.0.1", port))
