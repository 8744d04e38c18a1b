"""The .exe itself: one file that needs only Windows' own DLLs (nothing to
install beside it), small, and that prints its version under Wine."""
import re
import subprocess
from pathlib import Path

# CRYPT32 and ncrypt: the static GnuTLS of the HTTPS (issue 16), for the
# system's certificate stores and keys.
SYSTEM_DLLS = {"ADVAPI32.dll", "CRYPT32.dll", "KERNEL32.dll", "msvcrt.dll", "ncrypt.dll",
               "WINSPOOL.DRV", "WS2_32.dll"}
# 0.75 MiB before the HTTPS; GnuTLS, nettle and gmp add about 2 MiB.
MAX_SIZE = 4 * 1024 * 1024
OBJDUMP = {"x86_64": "x86_64-w64-mingw32-objdump", "i686": "i686-w64-mingw32-objdump"}


def imported_dlls(exe, objdump):
    out = subprocess.run([objdump, "-p", str(exe)], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    return set(re.findall(r"DLL Name: (\S+)", out))


def test_exe_imports_only_windows_system_dlls_and_stays_small(exe):
    assert imported_dlls(exe, OBJDUMP["x86_64"]) == SYSTEM_DLLS
    assert exe.stat().st_size < MAX_SIZE


def test_32_bit_exe_too_when_built(exe):
    exe32 = Path(str(exe.parent) + "-i686") / "cashdrawerd.exe"
    if not exe32.exists():
        return  # make windows WINDOWS_ARCHES=x86_64 built only the 64-bit one
    assert imported_dlls(exe32, OBJDUMP["i686"]) == SYSTEM_DLLS
    assert exe32.stat().st_size < MAX_SIZE


def test_version_under_wine(exe, prefix):
    result = prefix.run(["wine", exe, "--version"])

    assert result.stdout.decode("utf-8").strip() == "cashdrawerd 0.1.0"
