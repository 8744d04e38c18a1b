"""cashdrawerd.exe's own HTTPS under Wine (issue 16): --setup-tls makes the
authority (into the Local Machine's Root store, which Wine keeps in its
registry) and the service's certificate, its key readable by SYSTEM and the
Administrators only (a protected DACL; Wine 8 keeps no DACL on a file but
turns the one given at creation into Unix mode bits, which is what can be
read back here, through tests/wine/dacl_check.c and the file's mode);
the .exe then answers HTTPS and HTTP on one port, and Linux's curl, trusting
only that authority (--cacert, never -k), opens the drawer over TLS 1.3 and
1.2 with the exact kick reaching the printer through Wine's spooler.
--remove-tls and --uninstall-service take away exactly what was added."""
import json
import re
import shutil
import socket
import subprocess

import pytest

from e2elib import certtool, expect, logfile, web
from e2elib.cupsd import free_port
from e2elib.wine import built_exe, wait_for, windows_path

ROOT_CERTIFICATES = r"HKLM\Software\Microsoft\SystemCertificates\Root\Certificates"
# protected (nothing inherited), full access for LocalSystem and the Administrators only
KEY_DACL = "D:P(A;;FA;;;SY)(A;;FA;;;BA)"
# who may not read the key: Everyone, Users, Authenticated Users
OTHERS = ("WD", "BU", "AU")
FILES = ["cashdrawerd-ca.pem", "cashdrawerd-cert.pem", "cashdrawerd-key.pem"]
CURL_TIMEOUT = 30


@pytest.fixture(scope="module")
def dacl_check_exe():
    return built_exe("DACL_CHECK_EXE")


def dacl_of(prefix, dacl_check_exe, path):
    result = prefix.run(["wine", dacl_check_exe, windows_path(path)])
    return result.stdout.decode("utf-8", "replace").strip()


def assert_only_the_service_reads_the_key(prefix, dacl_check_exe, folder):
    key, cert = folder / FILES[2], folder / FILES[1]
    key_dacl = dacl_of(prefix, dacl_check_exe, key)
    # the certificate is everyone's to read (the folder's ACL): the check can tell
    assert ";;;WD)" in dacl_of(prefix, dacl_check_exe, cert)
    assert not any(f";;;{who})" in key_dacl for who in OTHERS), key_dacl
    assert key.stat().st_mode & 0o007 == 0, oct(key.stat().st_mode)
    if key_dacl.startswith("D:P"):  # kept as given (Windows)
        assert key_dacl == KEY_DACL


def in_root_store(prefix, pem):
    key = ROOT_CERTIFICATES + "\\" + certtool.sha1_fingerprint(pem)
    return prefix.run(["wine", "reg", "query", key], check=False).returncode == 0


def tls_options(folder):
    return ["--tls-cert", windows_path(folder / FILES[1]),
            "--tls-key", windows_path(folder / FILES[2])]


def curl(url, ca, version):
    """curl trusting only ca, pinned to one TLS version: (exit, body, stderr)."""
    result = subprocess.run(["curl", "-sS", "-v", "--max-time", str(CURL_TIMEOUT),
                             "--cacert", str(ca), f"--tlsv{version}", "--tls-max", version, url],
                            capture_output=True, timeout=CURL_TIMEOUT + 10)
    return result.returncode, result.stdout, result.stderr.decode("utf-8", "replace")


@pytest.fixture
def setup_tls(exe, prefix):
    """setup_tls(folder) runs --setup-tls for files in folder; whatever is left
    in the Root store is taken out at the end (the prefix is the session's)."""
    made = []

    def run(folder):
        result = prefix.run(["wine", exe, "--setup-tls", *tls_options(folder)], check=False)
        made.append(folder)
        return result

    yield run
    for folder in made:
        if (folder / FILES[0]).exists():
            prefix.run(["wine", exe, "--remove-tls", *tls_options(folder)], check=False)


def test_setup_tls_writes_the_files_guards_the_key_and_trusts_the_authority(
        exe, prefix, tmp_path, setup_tls, dacl_check_exe):
    folder = tmp_path / "tls"

    result = setup_tls(folder)

    out = result.stdout.decode("utf-8", "replace")
    assert result.returncode == 0, out + result.stderr.decode("utf-8", "replace")
    assert "Autorité de ce poste créée (limitée à localhost, 127.0.0.1 et ::1" in out
    assert "Autorité ajoutée à la confiance de ce poste." in out
    # the authority's key was never written: only the service's is there
    assert sorted(p.name for p in folder.iterdir()) == FILES
    assert_only_the_service_reads_the_key(prefix, dacl_check_exe, folder)
    assert in_root_store(prefix, folder / FILES[0])


def test_setup_tls_again_renews_and_takes_the_old_authority_out(exe, prefix, tmp_path,
                                                                 setup_tls):
    folder = tmp_path / "tls"
    assert setup_tls(folder).returncode == 0
    old = tmp_path / "old-ca.pem"
    shutil.copy(folder / FILES[0], old)

    again = setup_tls(folder)

    assert again.returncode == 0, again.stderr.decode("utf-8", "replace")
    assert "Autorité précédente retirée de la confiance de ce poste." in again.stdout.decode()
    assert (folder / FILES[0]).read_bytes() != old.read_bytes()
    assert in_root_store(prefix, folder / FILES[0])
    assert not in_root_store(prefix, old)
    assert sorted(p.name for p in folder.iterdir()) == FILES


def test_remove_tls_takes_the_authority_out_and_deletes_the_files(exe, prefix, tmp_path,
                                                                   setup_tls):
    folder = tmp_path / "tls"
    assert setup_tls(folder).returncode == 0
    kept = tmp_path / "ca.pem"
    shutil.copy(folder / FILES[0], kept)

    removed = prefix.run(["wine", exe, "--remove-tls", *tls_options(folder)])

    assert "Autorité retirée de la confiance de ce poste" in removed.stdout.decode("utf-8")
    assert list(folder.iterdir()) == []
    assert not in_root_store(prefix, kept)


@pytest.mark.parametrize("version", ["1.3", "1.2"])
def test_the_exe_opens_the_drawer_over_https_and_still_answers_http(
        start_exe, tmp_path, setup_tls, printer_marks, version):
    folder = tmp_path / "tls"
    assert setup_tls(folder).returncode == 0
    daemon = start_exe(args=tls_options(folder))
    ca = folder / FILES[0]

    for host in ("localhost", "127.0.0.1"):
        code, body, err = curl(f"https://{host}:{daemon.port}/status?printer=cached", ca, version)
        assert code == 0, err
        assert json.loads(body)["scheme"] == "https"
        assert re.search(rf"SSL connection using TLSv?{re.escape(version)}\b", err), err
    assert web.get("/status?printer=cached", port=daemon.port).json()["scheme"] == "http"

    code, body, err = curl(f"https://localhost:{daemon.port}/open-cash-drawer", ca, version)

    assert code == 0, err
    assert json.loads(body) == expect.OPENED_UNREAD
    assert printer_marks.new() == [expect.KICK_DEFAULT]


def test_install_service_sets_up_https_and_uninstall_takes_it_away(
        exe, prefix, tmp_path, dacl_check_exe, printer_marks):
    # a copy of the .exe of its own: its tls\ folder is made beside it
    home = tmp_path / "cashdrawerd"
    home.mkdir()
    installed = home / "cashdrawerd.exe"
    shutil.copy(exe, installed)
    folder = home / "tls"
    port = free_port()
    log_path = tmp_path / "logs" / "cashdrawer.log"
    keeper = prefix.keeper()  # Wine stops its services once no ordinary program runs
    try:
        result = prefix.run(["wine", installed, "--install-service", "--port", str(port),
                             "--log-dir", windows_path(log_path.parent), "--printer", "TICKET"])
        out = result.stdout.decode("utf-8", "replace")
        assert "Service cashdrawerd installed" in out
        assert "Autorité ajoutée à la confiance de ce poste." in out
        assert sorted(p.name for p in folder.iterdir()) == FILES
        assert_only_the_service_reads_the_key(prefix, dacl_check_exe, folder)
        ca = tmp_path / "ca.pem"
        shutil.copy(folder / FILES[0], ca)
        assert in_root_store(prefix, ca)

        prefix.run(["wine", "sc", "start", "cashdrawerd"])
        wait_for(lambda: log_path.exists() and any(
            m.startswith("Service démarré") for m in logfile.messages(logfile.read_lines(log_path))),
            "no start-up line")
        code, body, err = curl(f"https://localhost:{port}/open-cash-drawer", ca, "1.3")
        assert code == 0, err
        assert json.loads(body) == expect.OPENED_UNREAD
        assert printer_marks.new() == [expect.KICK_DEFAULT]

        removed = prefix.run(["wine", installed, "--uninstall-service"])

        out = removed.stdout.decode("utf-8", "replace")
        assert "Service cashdrawerd removed." in out
        assert "Autorité retirée de la confiance de ce poste" in out
        assert not folder.exists()
        assert not in_root_store(prefix, ca)
        assert sorted(p.name for p in home.iterdir()) == ["cashdrawerd.exe"]
    finally:
        prefix.run(["wine", installed, "--uninstall-service"], check=False)
        prefix.stop_keeper(keeper)


def test_install_service_leaves_the_admins_own_certificate_alone(exe, prefix, tmp_path):
    home = tmp_path / "cashdrawerd"
    home.mkdir()
    installed = home / "cashdrawerd.exe"
    shutil.copy(exe, installed)
    own = tmp_path / "own"
    authority = certtool.make_authority(own)
    cert, key = certtool.make_server(own, authority)
    before = sorted(p.name for p in own.iterdir())
    try:
        result = prefix.run(["wine", installed, "--install-service", "--port", str(free_port()),
                             "--printer", "TICKET", "--tls-cert", windows_path(cert), "--tls-key", windows_path(key)])
        assert "--setup-tls n'est pas lancé" in result.stdout.decode("utf-8", "replace")
        assert not (home / "tls").exists()

        prefix.run(["wine", installed, "--uninstall-service"])

        assert sorted(p.name for p in own.iterdir()) == before
        assert sorted(p.name for p in home.iterdir()) == ["cashdrawerd.exe"]
    finally:
        prefix.run(["wine", installed, "--uninstall-service"], check=False)


def test_probes_and_silent_connections_never_deafen_the_port(start_exe, tmp_path, setup_tls):
    """The .exe's front door (HTTP and HTTPS on one port) under what a port
    scanner and a slow LAN do: 300 connections closed before their first
    byte, then 80 held silent (more than select's 64 sockets by default).
    Each is closed and counted back, and the port still answers, over HTTPS
    too. Before, the closed ones leaked their sockets (close() is not
    closesocket()) and the front door stopped accepting after 193."""
    folder = tmp_path / "tls"
    assert setup_tls(folder).returncode == 0
    daemon = start_exe(args=[*tls_options(folder), "--max-connections-per-ip", "100"])

    for _ in range(300):
        socket.create_connection(("127.0.0.1", daemon.port), timeout=5).close()
    held = [socket.create_connection(("127.0.0.1", daemon.port), timeout=5) for _ in range(80)]
    try:
        assert web.get("/status?printer=cached", port=daemon.port).status == 200
        code, body, err = curl(f"https://localhost:{daemon.port}/status?printer=cached",
                               folder / FILES[0], "1.3")
        assert code == 0, err
        assert json.loads(body)["scheme"] == "https"
    finally:
        for sock in held:
            sock.close()
    for _ in range(100):
        socket.create_connection(("127.0.0.1", daemon.port), timeout=5).close()
    assert web.get("/status?printer=cached", port=daemon.port).status == 200
