"""Linux packaging: `make install` honours DESTDIR and PREFIX, the systemd
unit passes `systemd-analyze verify` (as shipped and as installed), and
`make deb` builds a .deb that lintian accepts, whose files, conffile and
dependencies are right, whose binary runs, and whose maintainer scripts
enable and start the service where systemd runs. Nothing is installed into
this machine: packages are only unpacked (dpkg -x) into temporary folders,
and the scripts run in a mount namespace of their own with stand-in
deb-systemd-helper, deb-systemd-invoke and systemctl that record their calls."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from e2elib.skips import skip_or_fail

UNIT = REPO / "packaging" / "systemd" / "cashdrawerd.service"
# the README's links lead into docs/: its pages and pictures are installed beside it
DOCS = [f"./usr/share/doc/cashdrawerd/docs/{p.name}" for p in (REPO / "docs").iterdir()
        if p.suffix in (".md", ".png")]
DEB_FILES = sorted(DOCS + [
    "./etc/cashdrawerd/cashdrawerd.ini",
    "./lib/systemd/system/cashdrawerd.service",
    "./usr/bin/cashdrawerd",
    "./usr/share/doc/cashdrawerd/README.md",
    "./usr/share/doc/cashdrawerd/changelog.gz",
    "./usr/share/doc/cashdrawerd/copyright",
    "./usr/share/man/man1/cashdrawerd.1.gz",
])


def need(tool, package):
    if shutil.which(tool) is None:
        skip_or_fail(f"{tool} is not installed (apt-get install {package})")


def run(argv, **kwargs):
    kwargs.setdefault("timeout", 600)
    result = subprocess.run([str(a) for a in argv], capture_output=True, text=True, **kwargs)
    return result


def checked(argv, **kwargs):
    result = run(argv, **kwargs)
    assert result.returncode == 0, (f"{' '.join(map(str, argv))}: exit {result.returncode}\n"
                                    f"{result.stdout}\n{result.stderr}")
    return result


def files_under(root):
    return sorted("./" + str(p.relative_to(root)) for p in Path(root).rglob("*") if not p.is_dir())


def test_make_install_honours_destdir_and_prefix(tmp_path):
    checked(["make", "-C", REPO, "--no-print-directory", "install", f"DESTDIR={tmp_path}/root",
             "PREFIX=/usr"])
    checked(["make", "-C", REPO, "--no-print-directory", "install", f"PREFIX={tmp_path}/opt"])

    root = tmp_path / "root"
    assert files_under(root) == sorted(DOCS + [
        "./etc/cashdrawerd/cashdrawerd.ini", "./lib/systemd/system/cashdrawerd.service",
        "./usr/bin/cashdrawerd", "./usr/share/doc/cashdrawerd/LICENSE",
        "./usr/share/doc/cashdrawerd/README.md", "./usr/share/man/man1/cashdrawerd.1"])
    readme = root / "usr/share/doc/cashdrawerd/README.md"
    linked = set(re.findall(r"\]\((docs/[^)#\s]+)", readme.read_text(encoding="utf-8")))
    assert "docs/settings.md" in linked
    assert [t for t in sorted(linked) if not (readme.parent / t).is_file()] == []
    assert (root / "lib/systemd/system/cashdrawerd.service").read_text() == UNIT.read_text()
    opt_unit = (tmp_path / "opt/lib/systemd/system/cashdrawerd.service").read_text()
    assert (f"ExecStart={tmp_path}/opt/bin/cashdrawerd --config "
            f"{tmp_path}/opt/etc/cashdrawerd/cashdrawerd.ini\n") in opt_unit
    assert os.access(tmp_path / "opt/bin/cashdrawerd", os.X_OK)


def test_make_install_keeps_an_existing_settings_file(tmp_path):
    settings = tmp_path / "root/etc/cashdrawerd/cashdrawerd.ini"
    settings.parent.mkdir(parents=True)
    settings.write_text("printer = tcp://10.0.0.5:9100\n")

    checked(["make", "-C", REPO, "--no-print-directory", "install", f"DESTDIR={tmp_path}/root",
             "PREFIX=/usr"])

    assert settings.read_text() == "printer = tcp://10.0.0.5:9100\n"


def verify(argv):
    """systemd-analyze verify: exit 0 and not a word (it warns with exit 0)."""
    need("systemd-analyze", "systemd")
    result = run(["systemd-analyze", "verify", "--man=no", *argv])
    assert result.returncode == 0 and result.stdout == "" and result.stderr == "", \
        f"systemd-analyze verify: exit {result.returncode}\n{result.stdout}{result.stderr}"


def test_installed_unit_passes_systemd_analyze_verify(tmp_path):
    checked(["make", "-C", REPO, "--no-print-directory", "install", f"PREFIX={tmp_path}"])

    verify([tmp_path / "lib/systemd/system/cashdrawerd.service"])


def test_verify_catches_a_broken_unit(tmp_path):
    """The check above can fail: a typo in a key is reported."""
    broken = tmp_path / "cashdrawerd.service"
    broken.write_text(UNIT.read_text().replace("ProtectSystem=strict", "ProtectSytem=strict"))
    need("systemd-analyze", "systemd")
    result = run(["systemd-analyze", "verify", "--man=no", broken])
    assert "Unknown key 'ProtectSytem'" in result.stderr


def test_unit_sends_standard_error_to_the_journal_with_priorities():
    """The service writes "<N>message" lines on standard error under systemd
    (tests/e2e/test_systemd.py): the unit gives it the journal's stream and
    has journald read the prefix, whatever the system's defaults."""
    service, section = {}, None
    for line in UNIT.read_text().splitlines():
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            service[key] = value
    assert (service["StandardOutput"], service["StandardError"], service["SyslogLevelPrefix"]) \
        == ("journal", "journal", "yes")


@pytest.fixture(scope="module")
def deb(tmp_path_factory):
    need("dpkg-deb", "dpkg")
    out = tmp_path_factory.mktemp("dist")
    result = checked(["make", "-C", REPO, "--no-print-directory", "deb", f"DIST_DIR={out}"])
    path = Path(result.stdout.strip().splitlines()[-1])
    if not path.is_absolute():
        path = REPO / path
    assert path.is_file() and path.parent == out, result.stdout
    return path


def test_deb_passes_lintian(deb):
    need("lintian", "lintian")
    result = run(["lintian", "--fail-on", "error,warning", "--pedantic", deb])
    assert result.returncode == 0, f"lintian: exit {result.returncode}\n{result.stdout}{result.stderr}"
    assert "\nE: " not in "\n" + result.stdout and "\nW: " not in "\n" + result.stdout


def test_deb_control_fields_and_contents(deb):
    info = checked(["dpkg-deb", "--field", deb, "Package", "Version", "Architecture",
                    "Depends"]).stdout
    fields = dict(line.split(": ", 1) for line in info.strip().splitlines())
    assert fields["Package"] == "cashdrawerd" and fields["Version"] == "0.1.0"
    assert fields["Architecture"] == checked(["dpkg", "--print-architecture"]).stdout.strip()
    # libcups2 and libgnutls30 are loaded with dlopen: given by cups-depends
    # and gnutls-depends (tools/build-deb.sh)
    for library in ("libc6", "libcjson1", "libinih1", "libcups2", "libgnutls30"):
        assert library in fields["Depends"]
    # systemd's protocols are spoken without libsystemd (issue 7: memory)
    assert "libsystemd" not in fields["Depends"]
    contents = checked(["dpkg-deb", "--contents", deb]).stdout
    files = sorted(line.split()[-1] for line in contents.splitlines() if not line.startswith("d"))
    assert files == DEB_FILES
    assert "root/root" in contents and "-rwxr-xr-x root/root" in contents


def test_deb_unpacks_to_a_working_service(deb, tmp_path):
    root = tmp_path / "root"
    checked(["dpkg-deb", "-x", deb, root])
    control = tmp_path / "control"
    checked(["dpkg-deb", "-e", deb, control])

    assert (control / "conffiles").read_text() == "/etc/cashdrawerd/cashdrawerd.ini\n"
    assert checked([root / "usr/bin/cashdrawerd", "--version"]).stdout == "cashdrawerd 0.1.0\n"
    check = checked([root / "usr/bin/cashdrawerd", "--config", root / "etc/cashdrawerd/cashdrawerd.ini",
                     "--check-config"])
    assert check.stdout.endswith("configuration OK\n")
    assert (root / "lib/systemd/system/cashdrawerd.service").read_text() == UNIT.read_text()
    md5sums = (control / "md5sums").read_text()
    assert "usr/bin/cashdrawerd\n" in md5sums and "etc/" not in md5sums.replace("etc/cashdrawerd", "")
    # the unit as shipped, with the machine's own units beside it
    shutil.copytree("/lib/systemd/system", root / "lib/systemd/system", dirs_exist_ok=True,
                    symlinks=True)
    verify([f"--root={root}", "cashdrawerd.service"])


# Stand-ins record each call in $CALLS; deb-systemd-helper's was-enabled
# answers "never configured" (true), as on a first installation.
STAND_IN = """#!/bin/sh
echo "$(basename "$0") $*" >>"$CALLS"
exit 0
"""
# /run/systemd/system exists only in this mount namespace's own /run; a purge
# deletes in /var/log and /var/lib: those are empty folders of its own too.
SYSTEMD_RUNNING = ('mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system && '
                   'mount -t tmpfs tmpfs /var/log && mount -t tmpfs tmpfs /var/lib')


def run_script(control, script, args, tmp_path, systemd_running=True, tools=(), prepare="true"):
    """The maintainer script with systemd's tools (and tools) as stand-ins,
    after the shell command prepare (in the namespace: /var/lib is its own);
    the stand-ins' calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("deb-systemd-helper", "deb-systemd-invoke", "systemctl", *tools):
        (bin_dir / tool).write_text(STAND_IN)
        (bin_dir / tool).chmod(0o755)
    calls = tmp_path / f"{script}.calls"
    env = {"PATH": f"{bin_dir}:/usr/sbin:/usr/bin:/sbin:/bin", "CALLS": str(calls)}
    argv = [control / script, *args]
    if systemd_running:
        if os.geteuid() != 0:
            pytest.skip("a mount namespace needs root")
        argv = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
                f"{SYSTEMD_RUNNING} && {prepare} && exec \"$@\"", "sh", *argv]
    checked(argv, env=env, timeout=30)
    return calls.read_text().splitlines() if calls.exists() else []


@pytest.fixture
def control(deb, tmp_path):
    out = tmp_path / "control"
    checked(["dpkg-deb", "-e", deb, out])
    return out


def test_postinst_enables_and_starts_the_service_on_first_install(control, tmp_path):
    assert run_script(control, "postinst", ["configure"], tmp_path) == [
        "deb-systemd-helper unmask cashdrawerd.service",
        "deb-systemd-helper --quiet was-enabled cashdrawerd.service",
        "deb-systemd-helper enable cashdrawerd.service",
        "systemctl --system daemon-reload",
        "deb-systemd-invoke start cashdrawerd.service",
    ]


def test_postinst_restarts_on_upgrade(control, tmp_path):
    assert run_script(control, "postinst", ["configure", "0.0.9"], tmp_path)[-1] == \
        "deb-systemd-invoke restart cashdrawerd.service"


def test_postinst_without_systemd_enables_but_starts_nothing(control, tmp_path):
    """In a container without systemd, the service is enabled for later and
    nothing tries to reach systemd."""
    if Path("/run/systemd/system").exists():
        pytest.skip("this machine runs systemd")
    calls = run_script(control, "postinst", ["configure"], tmp_path, systemd_running=False)
    assert calls == ["deb-systemd-helper unmask cashdrawerd.service",
                     "deb-systemd-helper --quiet was-enabled cashdrawerd.service",
                     "deb-systemd-helper enable cashdrawerd.service"]


def test_prerm_takes_the_authority_out_where_the_settings_point_then_its_own(control,
                                                                              tmp_path):
    """--remove-tls with the admin's settings (which may name their own
    certificate elsewhere, or not load), then for the state folder's
    authority that postinst made, while it is still there."""
    ca = "/var/lib/cashdrawerd/tls/cashdrawerd-ca.pem"
    calls = run_script(control, "prerm", ["remove"], tmp_path, tools=("cashdrawerd",),
                       prepare=f"mkdir -p {Path(ca).parent} && touch {ca}")
    assert calls == [
        "deb-systemd-invoke stop cashdrawerd.service",
        "cashdrawerd --config /etc/cashdrawerd/cashdrawerd.ini --remove-tls",
        "cashdrawerd --remove-tls --tls-cert tls/cashdrawerd-cert.pem "
        "--tls-key tls/cashdrawerd-key.pem",
    ]
    (tmp_path / "upgrade").mkdir()
    upgrade = run_script(control, "prerm", ["upgrade", "0.1.1"], tmp_path / "upgrade",
                         tools=("cashdrawerd",), prepare=f"mkdir -p {Path(ca).parent} && touch {ca}")
    assert not [call for call in upgrade if call.startswith("cashdrawerd")], upgrade


def test_prerm_stops_and_postrm_purge_forgets_the_service(control, tmp_path):
    """(The purge runs with systemd "running", so in the namespace whose
    /var/log and /var/lib are its own.)"""
    assert run_script(control, "prerm", ["remove"], tmp_path) == [
        "deb-systemd-invoke stop cashdrawerd.service"]
    assert run_script(control, "postrm", ["remove"], tmp_path) == [
        "systemctl --system daemon-reload", "deb-systemd-helper mask cashdrawerd.service"]
    purge = run_script(control, "postrm", ["purge"], tmp_path)
    assert purge[-2:] == ["deb-systemd-helper purge cashdrawerd.service",
                          "deb-systemd-helper unmask cashdrawerd.service"]
