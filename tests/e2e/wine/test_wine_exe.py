"""The .exe itself: one file that needs only Windows' own DLLs (nothing to
install beside it), small, and that prints its version under Wine."""
import re
import subprocess
from pathlib import Path

SYSTEM_DLLS = {"ADVAPI32.dll", "KERNEL32.dll", "msvcrt.dll", "WINSPOOL.DRV", "WS2_32.dll"}
# CRYPT32 and ncrypt: the static GnuTLS of make windows (WINDOWS_HTTPS=1, the default; issue
# 16), for the system's certificate stores and keys; it adds about 2 MiB.
GNUTLS_DLLS = {"CRYPT32.dll", "ncrypt.dll"}
OBJDUMP = {"x86_64": "x86_64-w64-mingw32-objdump", "i686": "i686-w64-mingw32-objdump"}


def imported_dlls(exe, objdump):
    out = subprocess.run([objdump, "-p", str(exe)], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    return set(re.findall(r"DLL Name: (\S+)", out))


def check_imports_and_size(exe, objdump):
    imported = imported_dlls(exe, objdump)
    with_gnutls = "ncrypt.dll" in imported
    assert imported == (SYSTEM_DLLS | GNUTLS_DLLS if with_gnutls else SYSTEM_DLLS)
    # 0.75 MiB without GnuTLS
    assert exe.stat().st_size < (4 if with_gnutls else 1) * 1024 * 1024


def test_exe_imports_only_windows_system_dlls_and_stays_small(exe):
    check_imports_and_size(exe, OBJDUMP["x86_64"])


def test_32_bit_exe_too_when_built(exe):
    exe32 = Path(str(exe.parent) + "-i686") / "cashdrawerd.exe"
    if not exe32.exists():
        return  # make windows WINDOWS_ARCHES=x86_64 built only the 64-bit one
    check_imports_and_size(exe32, OBJDUMP["i686"])


def test_version_under_wine(exe, prefix):
    result = prefix.run(["wine", exe, "--version"])

    assert result.stdout.decode("utf-8").strip() == "cashdrawerd 0.1.0"
