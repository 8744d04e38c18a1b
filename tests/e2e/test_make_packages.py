"""The Makefile's package lists: each command installs what it runs, on a
fresh machine (make bench once threw its Windows compilers away)."""
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def packages():
    """Each *_PACKAGES list as make expands it (make -p prints its variables;
    the made-up target only stops it from running anything)."""
    result = subprocess.run(["make", "-n", "-p", "-f", "Makefile", "no-such-target-only-print"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    lists = {}
    for line in result.stdout.splitlines():
        name, sep, value = line.partition(" := ")
        if sep and name.endswith("_PACKAGES") and name.isupper():
            lists[name] = set(value.split())
    assert {"BUILD_PACKAGES", "TEST_PACKAGES", "BENCH_PACKAGES", "WINDOWS_PACKAGES"} <= lists.keys()
    return lists


def test_make_bench_installs_the_windows_compilers_whose_exe_it_measures(packages):
    assert packages["WINDOWS_PACKAGES"] - packages["BENCH_PACKAGES"] == set()
    assert {"wrk", "nginx"} <= packages["BENCH_PACKAGES"]


def test_make_test_installs_what_the_builds_and_the_wine_suite_need(packages):
    needed = packages["BUILD_PACKAGES"] | packages["WINDOWS_PACKAGES"] | packages["WINE_TEST_PACKAGES"]
    assert needed - packages["TEST_PACKAGES"] == set()
