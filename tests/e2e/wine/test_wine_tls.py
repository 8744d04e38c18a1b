"""The Windows build's libmicrohttpd serves HTTPS (issue 16): tests/wine/
tls_server.c, linked as cashdrawerd.exe is (static libmicrohttpd on the
static GnuTLS of tools/build-windows-gnutls.sh), under Wine, reached by
Linux's curl over TLS 1.3 and TLS 1.2 with the test authority as its only
trust (--cacert, never -k): an unknown authority is refused."""
import os
import re
import select
import subprocess
import time

import pytest

from e2elib import certtool
from e2elib.wine import WINE, built_exe, windows_path

CURL_TIMEOUT = 30


@pytest.fixture(scope="module")
def tls_server_exe():
    return built_exe("TLS_SERVER_EXE")


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    authority = certtool.make_authority(folder)
    return authority[0], certtool.make_server(folder, authority)


@pytest.fixture(scope="module")
def server_port(tls_server_exe, certificates, prefix):
    """The server under Wine, its port once it listens; stopped by closing
    its standard input."""
    cert, key = certificates[1]
    proc = prefix.track(subprocess.Popen([WINE, str(tls_server_exe), windows_path(cert),
                                   windows_path(key)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  env=prefix.env))
    deadline = time.monotonic() + 60
    line = b""
    while not line.endswith(b"\n") and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], deadline - time.monotonic())
        if not ready:
            break
        byte = os.read(proc.stdout.fileno(), 1)
        if not byte:
            break
        line += byte
    match = re.fullmatch(rb"port (\d+)\r?\n", line)
    assert match, f"tls-server.exe did not say its port: {line!r} (exit {proc.poll()})"
    yield int(match.group(1))
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0


def curl(*args):
    return subprocess.run(["curl", "-sS", "-v", "--max-time", str(CURL_TIMEOUT), *map(str, args)],
                          capture_output=True, text=True, timeout=CURL_TIMEOUT + 10)


@pytest.mark.parametrize("version", ["1.3", "1.2"])
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_curl_gets_the_answer_over_tls_checking_the_certificate(server_port, certificates,
                                                                 version, host):
    result = curl("--cacert", certificates[0], f"--tlsv{version}", "--tls-max", version,
                  f"https://{host}:{server_port}/")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "bonjour en TLS\n"
    assert re.search(rf"SSL connection using TLSv?{re.escape(version)}\b", result.stderr), \
        result.stderr


def test_an_unknown_authority_is_refused(server_port):
    # the system's authorities only: the test authority is in none of them
    result = curl(f"https://localhost:{server_port}/")

    assert result.returncode == 60, result.stderr  # CURLE_PEER_FAILED_VERIFICATION
    assert result.stdout == ""
