"""The Windows installer: `make msi` builds, with msitools' wixl, an MSI from
`make windows`'s cashdrawerd.exe. Its tables (read with msiinfo) install the
.exe and the commented cashdrawerd.ini in Program Files\\cashdrawerd,
register the service (automatic, own process, `--service`) and its Event
Log source, start it at install, stop and delete both at uninstall, and
empty the logs folder then;
an upgrade removes the old version only after the new one is in place, so
the admin's settings stay. The files packed are those built (msiextract)."""
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from e2elib.skips import skip_or_fail

# ServiceControl.Event: start at install (1), stop at install (2) and
# uninstall (32), delete at uninstall (128)
EVENTS = 1 + 2 + 32 + 128
# ServiceInstall: SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL
OWN_PROCESS, AUTO_START, ERROR_NORMAL = 16, 2, 1


def run(argv, **kwargs):
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                          timeout=kwargs.pop("timeout", 1800), **kwargs)


def table(msi, name):
    """Rows of an MSI table as dicts (msiinfo export: names, types, keys, rows)."""
    result = run(["msiinfo", "export", msi, name], timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\r\n") if "\r\n" in result.stdout else result.stdout.split("\n")
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"))) for line in lines[3:] if line]


@pytest.fixture(scope="module")
def msi(tmp_path_factory):
    for tool, package in (("wixl", "wixl"), ("msiinfo", "msitools"), ("msiextract", "msitools")):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} is not installed (apt-get install {package})")
    if run(["make", "-C", REPO, "-n", "windows"], timeout=60).returncode != 0:
        # not a missing tool of this machine: the Windows build is not in this tree yet
        pytest.skip("this tree has no `make windows` (the Windows build) to take "
                    "cashdrawerd.exe from")
    out = tmp_path_factory.mktemp("dist")
    result = run(["make", "-C", REPO, "--no-print-directory", "msi", f"DIST_DIR={out}"])
    assert result.returncode == 0, f"make msi: exit {result.returncode}\n{result.stdout}{result.stderr}"
    path = out / "cashdrawerd-0.1.0-x64.msi"
    assert path.is_file(), result.stdout
    return path


def test_msi_installs_the_exe_and_settings_in_program_files(msi):
    directories = {row["Directory"]: row for row in table(msi, "Directory")}
    files = {row["File"]: row for row in table(msi, "File")}
    components = {row["Component"]: row for row in table(msi, "Component")}

    assert directories["INSTALLDIR"]["Directory_Parent"] == "ProgramFiles64Folder"
    assert directories["INSTALLDIR"]["DefaultDir"] == "cashdrawerd"
    assert directories["LOGSDIR"]["Directory_Parent"] == "INSTALLDIR"
    assert set(files) == {"cashdrawerd.exe", "cashdrawerd.ini"}
    exe = REPO / "build-windows" / "cashdrawerd.exe"
    assert int(files["cashdrawerd.exe"]["FileSize"]) == exe.stat().st_size
    for name, component in (("cashdrawerd.exe", "Service"), ("cashdrawerd.ini", "Settings")):
        assert files[name]["Component_"] == component
        assert components[component]["Directory_"] == "INSTALLDIR"
        assert int(components[component]["Attributes"]) & 256  # 64-bit component


def test_msi_registers_starts_and_removes_the_service(msi):
    [service] = table(msi, "ServiceInstall")
    [control] = table(msi, "ServiceControl")
    sequence = {row["Action"]: int(row["Sequence"]) for row in table(msi, "InstallExecuteSequence")}

    assert (service["Name"], service["Arguments"], service["Component_"]) == \
        ("cashdrawerd", "--service", "Service")
    assert (int(service["ServiceType"]), int(service["StartType"]), int(service["ErrorControl"])) == \
        (OWN_PROCESS, AUTO_START, ERROR_NORMAL)
    assert control["Name"] == "cashdrawerd" and int(control["Event"]) == EVENTS
    assert control["Wait"] == "1"
    assert (sequence["StopServices"] < sequence["DeleteServices"] < sequence["InstallFiles"]
            < sequence["InstallServices"] < sequence["StartServices"] < sequence["InstallFinalize"])


def test_msi_registers_the_event_source_and_removes_it_at_uninstall(msi):
    """As --install-service does (the install itself: wine/test_wine_msi.py)."""
    rows = {row["Name"]: row for row in table(msi, "Registry")}
    sequence = {row["Action"]: int(row["Sequence"]) for row in table(msi, "InstallExecuteSequence")}

    assert set(rows) == {"EventMessageFile", "TypesSupported", "*"}
    for row in rows.values():
        # HKLM (2), the key Windows reads a source from, with the service's component
        assert (row["Root"], row["Key"], row["Component_"]) == (
            "2", r"SYSTEM\CurrentControlSet\Services\EventLog\Application\cashdrawerd", "Service")
    # "#%": REG_EXPAND_SZ, the installed .exe (its message table)
    assert rows["EventMessageFile"]["Value"] == "#%[#cashdrawerd.exe]"
    assert rows["TypesSupported"]["Value"] == "#3"  # errors and warnings
    assert rows["*"]["Value"] == ""  # the key made at install, deleted at uninstall
    assert sequence["RemoveRegistryValues"] < sequence["WriteRegistryValues"] < \
        sequence["InstallFinalize"]


def test_msi_uninstall_empties_the_logs_and_upgrade_keeps_settings(msi):
    removed = {row["FileKey"]: row for row in table(msi, "RemoveFile")}
    sequence = {row["Action"]: int(row["Sequence"]) for row in table(msi, "InstallExecuteSequence")}

    assert (removed["RemoveLogs"]["FileName"], removed["RemoveLogs"]["DirProperty"],
            removed["RemoveLogs"]["InstallMode"]) == ("*", "LOGSDIR", "2")
    assert removed["RemoveLogsFolder"]["DirProperty"] == "LOGSDIR"
    assert sequence["RemoveExistingProducts"] > sequence["InstallFinalize"]
    upgrade = table(msi, "Upgrade")
    assert {row["ActionProperty"] for row in upgrade} == {"WIX_UPGRADE_DETECTED",
                                                           "WIX_DOWNGRADE_DETECTED"}


def test_msi_holds_the_built_exe_and_the_commented_settings(msi, tmp_path):
    assert run(["msiextract", "-C", tmp_path, msi], timeout=60).returncode == 0
    exe = next(tmp_path.rglob("cashdrawerd.exe"))
    ini = next(tmp_path.rglob("cashdrawerd.ini"))

    assert exe.read_bytes() == (REPO / "build-windows" / "cashdrawerd.exe").read_bytes()
    shipped = (REPO / "packaging" / "windows" / "cashdrawerd.ini").read_text()
    assert ini.read_bytes().decode("utf-8") == shipped.replace("\n", "\r\n")
    assert "[cashdrawerd]" in shipped and shipped.count("\n;") > 10
