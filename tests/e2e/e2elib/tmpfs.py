"""A small tmpfs the test mounts on a folder of its own, to play a log disk
that fills up or turns read-only; always unmounted at the end."""
import errno
import os
import shutil
import subprocess
import time
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def _mount(*args):
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=10)


def unavailable_reason():
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    if shutil.which("mount") is None or shutil.which("umount") is None:
        return "mount/umount (util-linux) are not installed"
    return None


class SmallFs:
    def __init__(self, where, size_bytes):
        self.path = Path(where)
        self.size_bytes = size_bytes
        self.mounted = False
        self.filler = self.path / "filler"

    def mount(self):
        self.path.mkdir(parents=True, exist_ok=True)
        result = _mount("-t", "tmpfs", "-o", f"size={self.size_bytes},mode=0755", "tmpfs",
                        str(self.path))
        if result.returncode != 0:
            raise RuntimeError(f"mount tmpfs on {self.path}: {result.stderr.strip()}")
        self.mounted = True
        return self

    def fill(self):
        """Writes a filler file until the disk is full (ENOSPC)."""
        chunk = b"\0" * PAGE
        with open(self.filler, "ab", buffering=0) as f:
            while True:
                try:
                    f.write(chunk)
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    return

    def free(self):
        self.filler.unlink(missing_ok=True)

    def remount(self, mode):
        """mode "ro" or "rw". Returns (ok, stderr): the kernel refuses "ro"
        while a file on it is open for writing."""
        result = _mount("-o", f"remount,{mode}", str(self.path))
        return result.returncode == 0, result.stderr.strip()

    def unmount(self):
        if not self.mounted:
            return
        for _ in range(50):
            result = subprocess.run(["umount", str(self.path)], capture_output=True, text=True,
                                    timeout=10)
            if result.returncode == 0:
                self.mounted = False
                return
            time.sleep(0.1)
        # still busy (a process the test started is stuck): detach it anyway
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True, timeout=10)
        self.mounted = False
        raise RuntimeError(f"umount {self.path}: {result.stderr.strip()} (detached lazily)")
