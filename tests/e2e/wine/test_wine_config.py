"""Settings files read by the .exe as by the Linux daemon: the Windows build's
INI reader (Debian's inih when its source can be fetched, else
tools/windows/ini.c) must report the same problems, line for line, as the
Linux build with Debian's libinih, and take the same values."""
import os
import subprocess
from pathlib import Path

import pytest

from e2elib.skips import skip_or_fail
from e2elib.wine import windows_path

REPO = Path(__file__).resolve().parents[3]

FILES = {
    "clean": "; till 3\n[cashdrawerd]\nport = 0   ; any free port\nprinter=TICKET\n"
             "bind = 127.0.0.1\n  ::1\n# done\n",
    "bom_and_colon": "\ufeffport: 0\n\n\ntimeout_ms : 3000\n",
    "problems": "port = 80000\n[other]\nx = 1\njust words\n[cashdrawerd\npin = 3\n"
                "unknown_key = 1\n= nothing\n" + "timeout_ms = " + "9" * 300 + "\n",
    "continuation_error": "pin = 2\n  5\nlog_console = maybe\n",
    # issue 13: each key once, lines as long as the longest valid one, NUL bytes
    "given_twice": "token = 0123456789abcdef0123456789abcdef\nport = 0\n[cashdrawerd]\n"
                   "token =\nbind = 127.0.0.1\n  ::1\nbind = ::2\ntimeout-ms = 700\n"
                   "timeout_ms = 800\n",
    "longest_lines": "port = 0\ntoken = " + "t" * 255 + "\nallowed_origins = "
                     + ", ".join(f"https://{i:02d}{'o' * 239}:65535" for i in range(16)) + "\n",
    "too_long_and_nul": "port = 0\nallowed_networks = 10.0.0.0/8" + " " * 4200 + "\n"
                        "threads = 4\0 8\npin = 4\n",
}


@pytest.fixture(scope="module")
def linux_bin():
    path = Path(os.environ.get("CASHDRAWERD_BIN") or REPO / "build" / "cashdrawerd")
    if not path.is_file():
        skip_or_fail(f"the Linux daemon {path} is needed to compare with (make build)")
    return path


@pytest.mark.parametrize("name", sorted(FILES))
def test_check_config_reports_as_the_linux_daemon(name, linux_bin, exe, prefix, tmp_path):
    ini = tmp_path / f"{name}.ini"
    ini.write_text(FILES[name], encoding="utf-8")

    linux = subprocess.run([linux_bin, "--check-config", "--config", ini], capture_output=True,
                           timeout=30)
    windows = prefix.run(["wine", exe, "--check-config", "--config", windows_path(ini)],
                         check=False)

    expected = linux.stderr.decode("utf-8").replace(str(ini), windows_path(ini))
    assert windows.returncode == linux.returncode
    assert windows.stderr.decode("utf-8").replace("\r\n", "\n") == expected
    if name in ("clean", "bom_and_colon", "longest_lines"):
        assert linux.returncode == 0
    else:
        assert linux.returncode == 2 and expected.count(windows_path(ini)) >= 1
