"""The MSI (tools/build-msi.sh, from the .exe under test) installed and
uninstalled by Wine's msiexec: installing registers the Event Log source
cashdrawerd as --install-service does (EventMessageFile the installed .exe,
a REG_EXPAND_SZ; TypesSupported errors and warnings) beside the running
service; and HTTPS, as the .deb does on Linux: the installed .exe's
--setup-tls (a deferred custom action) puts its authority in the Root store
and its certificate in its tls folder before the service starts, and curl trusting
only that authority reaches the service over HTTPS. Uninstalling removes the
source's key with the service, the authority (--remove-tls), its files and
the tls folder. In a prefix copy and a network namespace of their own: the
installed service listens on the default port 22548."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from e2elib import certtool, netns
from e2elib import wine as wine_lib
from e2elib.skips import skip_or_fail
from e2elib.wine import registry_value, windows_path

EVENTLOG_KEY = r"HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\cashdrawerd"
INSTALLED_EXE = r"C:\Program Files\cashdrawerd\cashdrawerd.exe"
ROOT_CERTIFICATES = r"HKLM\Software\Microsoft\SystemCertificates\Root\Certificates"
REPO = Path(__file__).resolve().parents[3]


def build_msi(exe, out, version=None):
    for tool, package in (("wixl", "wixl"), ("msibuild", "msitools")):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} is not installed (apt-get install {package})")
    env = dict(os.environ, **({"CASHDRAWERD_MSI_VERSION": version} if version else {}))
    built = subprocess.run([REPO / "tools" / "build-msi.sh", exe, "x64", out],
                           capture_output=True, text=True, timeout=300, env=env)
    assert built.returncode == 0, built.stdout + built.stderr
    return Path(built.stdout.strip().splitlines()[-1])


@pytest.fixture
def msi(exe, tmp_path):
    return build_msi(exe, tmp_path / "dist")


@pytest.fixture
def sandbox(prefix):
    reason = netns.unavailable_reason()
    if reason is not None:
        skip_or_fail(f"the MSI test needs a network namespace: {reason}")
    copy = prefix.copy()
    pair = netns.NamespacePair()
    try:
        pair.create()
        yield copy, pair.srv
    finally:
        copy.run([wine_lib.wineserver(), "-k"], check=False)
        pair.delete()
        copy.close()


def service_state(prefix, namespace):
    out = prefix.run(["wine", "sc", "query", "cashdrawerd"], check=False, netns=namespace)
    return out.stdout.decode("utf-8", "replace")


def in_root_store(prefix, pem):
    key = ROOT_CERTIFICATES + "\\" + certtool.sha1_fingerprint(pem)
    return prefix.run(["wine", "reg", "query", key], check=False).returncode == 0


def https_status(namespace, ca):
    return subprocess.run(["ip", "netns", "exec", namespace, "curl", "-sS", "--max-time", "30",
                           "--cacert", str(ca), "https://localhost:22548/status?printer=cached"],
                          capture_output=True, text=True, timeout=60)


def test_msi_installs_the_event_source_and_https_and_uninstall_removes_them(msi, sandbox,
                                                                            tmp_path):
    prefix, namespace = sandbox
    prefix.run(["wine", "msiexec", "/i", windows_path(msi), "/qn"], timeout=300, netns=namespace)

    assert registry_value(prefix, EVENTLOG_KEY, "EventMessageFile") == INSTALLED_EXE
    assert registry_value(prefix, EVENTLOG_KEY, "TypesSupported") == "0x3"
    query = prefix.run(["wine", "reg", "query", EVENTLOG_KEY, "/v", "EventMessageFile"])
    assert "REG_EXPAND_SZ" in query.stdout.decode()
    assert "RUNNING" in service_state(prefix, namespace)
    home = prefix.path / "drive_c" / "Program Files" / "cashdrawerd"
    assert sorted(p.name for p in (home / "tls").iterdir()) == [
        "cashdrawerd-ca.pem", "cashdrawerd-cert.pem", "cashdrawerd-key.pem"]
    ca = tmp_path / "ca.pem"
    shutil.copy(home / "tls" / "cashdrawerd-ca.pem", ca)
    assert in_root_store(prefix, ca)
    # the service read its certificate at start: the setup ran before it
    https = https_status(namespace, ca)
    assert https.returncode == 0, https.stderr
    assert json.loads(https.stdout)["scheme"] == "https"

    prefix.run(["wine", "msiexec", "/x", windows_path(msi), "/qn"], timeout=300, netns=namespace)

    assert prefix.run(["wine", "reg", "query", EVENTLOG_KEY], check=False).returncode != 0
    assert "RUNNING" not in service_state(prefix, namespace)
    assert not in_root_store(prefix, ca)
    assert not (home / "tls").exists()
    assert not (home / "cashdrawerd.exe").exists()
    # logs\cashdrawer.log stays here: Wine's RemoveFiles deletes a RemoveFile
    # row's FileName as written, without expanding the "*" that Windows
    # expands (test_msi.py checks the row)


def test_an_upgrade_makes_a_new_authority_that_the_old_versions_removal_keeps(msi, exe,
                                                                             sandbox, tmp_path):
    """A major upgrade installs the new version, then removes the old one
    (build-msi.sh: RemoveExistingProducts after InstallFinalize): the new
    install's --setup-tls renews (the old authority leaves the Root store), and
    the old version's removal leaves the new authority and files alone (told
    by UPGRADINGPRODUCTCODE on Windows; Wine 8's msiexec does not set it, and
    the Service component, kept for the new version, tells it there)."""
    prefix, namespace = sandbox
    newer = build_msi(exe, tmp_path / "newer", version="0.1.1")
    tls = prefix.path / "drive_c" / "Program Files" / "cashdrawerd" / "tls"
    prefix.run(["wine", "msiexec", "/i", windows_path(msi), "/qn"], timeout=300, netns=namespace)
    old_ca = tmp_path / "old-ca.pem"
    shutil.copy(tls / "cashdrawerd-ca.pem", old_ca)

    prefix.run(["wine", "msiexec", "/i", windows_path(newer), "/qn"], timeout=300,
               netns=namespace)

    assert sorted(p.name for p in tls.iterdir()) == [
        "cashdrawerd-ca.pem", "cashdrawerd-cert.pem", "cashdrawerd-key.pem"]
    new_ca = tmp_path / "new-ca.pem"
    shutil.copy(tls / "cashdrawerd-ca.pem", new_ca)
    assert new_ca.read_bytes() != old_ca.read_bytes()
    assert in_root_store(prefix, new_ca)
    assert not in_root_store(prefix, old_ca)

    prefix.run(["wine", "msiexec", "/x", windows_path(newer), "/qn"], timeout=300,
               netns=namespace)

    assert not in_root_store(prefix, new_ca)
    assert not tls.exists()


def test_an_admins_own_certificate_outlives_setup_tls_and_the_removal(msi, sandbox, tmp_path):
    """tls_cert and tls_key pointed at the shop's own certificate after the
    install: the installed .exe's --setup-tls, as the MSI runs it at a major
    upgrade, refuses to write over them (Wine's msiexec replaces an edited
    cashdrawerd.ini at an upgrade, Windows keeps it, so it is run here
    directly), and the removal leaves them while it takes the MSI's own
    authority out of the Root store."""
    prefix, namespace = sandbox
    home = prefix.path / "drive_c" / "Program Files" / "cashdrawerd"
    prefix.run(["wine", "msiexec", "/i", windows_path(msi), "/qn"], timeout=300, netns=namespace)
    ca = tmp_path / "ca.pem"
    shutil.copy(home / "tls" / "cashdrawerd-ca.pem", ca)
    cert, key = certtool.make_server(home / "shop", certtool.make_authority(
        home / "shop", name="authority of the shop"))
    own = {path: path.read_bytes() for path in (cert, key)}
    with open(home / "cashdrawerd.ini", "a", encoding="utf-8") as ini:
        ini.write("\ntls_cert = shop/server.pem\ntls_key = shop/server-key.pem\n")

    refused = prefix.run(["wine", INSTALLED_EXE, "--setup-tls"], check=False, netns=namespace)
    prefix.run(["wine", "msiexec", "/x", windows_path(msi), "/qn"], timeout=300, netns=namespace)

    assert refused.returncode == 1, refused.stderr
    assert "ne sont pas ceux que --setup-tls a faits" in refused.stderr.decode("utf-8", "replace")
    assert {path: path.read_bytes() for path in own} == own
    assert not in_root_store(prefix, ca)
    assert not (home / "tls").exists()
