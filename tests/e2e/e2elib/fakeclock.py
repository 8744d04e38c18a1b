"""The daemon's wall clock under libfaketime (package faketime): either fixed
to start at a given time (FAKETIME="@..."), or moved while the daemon runs
(FakeClock: an offset in a file the daemon's libfaketime reads at every clock
call). The monotonic clock is never faked, as on a real machine whose clock
is set: deadlines must not move with it."""
import datetime
import os
import time
import zoneinfo

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def faketime_env(lib, **variables):
    """Environment for a daemon under libfaketime with these FAKETIME* variables."""
    # In an ASan build, libfaketime's first clock_gettime (from ASan's allocator,
    # while libfaketime is not initialised yet) deadlocks the start-up; the
    # allocator only reads the clock to return memory to the OS periodically.
    asan_options = ":".join(filter(None, [os.environ.get("ASAN_OPTIONS"),
                                          "allocator_release_to_os_interval_ms=-1"]))
    return {"TZ": "Europe/Paris", "FAKETIME_DONT_FAKE_MONOTONIC": "1", "LD_PRELOAD": lib,
            "ASAN_OPTIONS": asan_options, **variables}


class FakeClock:
    """A wall clock the test sets while the daemon runs: jump_to(when) makes
    the daemon's clock read `when` from now on, ticking at the real rate
    (to within half a second: libfaketime takes whole seconds of offset)."""

    def __init__(self, lib, folder, start):
        self.path = folder / "faketime-offset"
        self.lib = lib
        self.jump_to(start)

    @property
    def env(self):
        return faketime_env(self.lib, FAKETIME_TIMESTAMP_FILE=str(self.path),
                            FAKETIME_NO_CACHE="1")

    def jump_to(self, when):
        offset = round(when.timestamp() - time.time())
        scratch = self.path.with_suffix(".new")
        scratch.write_text(f"{offset:+d}\n")
        os.replace(scratch, self.path)  # never a half-written offset

    def now(self):
        return datetime.datetime.fromtimestamp(time.time() + self.offset(), PARIS)

    def offset(self):
        return int(self.path.read_text())


def paris(*fields):
    return datetime.datetime(*fields, tzinfo=PARIS)
