"""--setup-tls and --remove-tls (issue 16, item 2): an authority made on the
till, name-constrained to localhost, 127.0.0.1 and ::1 (critical), whose
key is never written; the service's certificate signed by it (ECDSA P-256,
the three names); the authority installed in the system store's folder and
the NSS database of each home; renewing replaces it, removing takes away
exactly what was added. The system store and the homes are the test's own
(CASHDRAWERD_TRUST_ROOT, CASHDRAWERD_TRUST_HOMES): the machine's are never
touched."""
import json
import os
import re
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from e2elib import tls

STORE = "usr/local/share/ca-certificates"


def trust_runner(daemon_bin, tmp_path):
    """The system store's folder and the working folder of a till under
    tmp_path, and run(homes, *args): the daemon with args there, the test's
    store and those homes standing for the machine's."""
    root, work = tmp_path / "root", tmp_path / "work"
    (root / STORE).mkdir(parents=True)
    work.mkdir()

    def run(homes, *args):
        env = dict(os.environ, CASHDRAWERD_TRUST_ROOT=str(root),
                   CASHDRAWERD_TRUST_HOMES=":".join(str(home) for home in homes))
        return subprocess.run([str(daemon_bin), *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=60)
    return root / STORE, work, run


@pytest.fixture
def till(tmp_path, daemon_bin):
    if shutil.which("certutil") is None:
        pytest.fail("certutil is missing: apt-get install libnss3-tools", pytrace=False)
    store, work, run_over = trust_runner(daemon_bin, tmp_path)
    home = tmp_path / "home"
    home.mkdir()

    def run(*args):
        return run_over([home], *args)
    return run, store, home / ".pki" / "nssdb", work / "tls"


def nss_entries(database):
    listing = subprocess.run(["certutil", "-L", "-d", f"sql:{database}"], capture_output=True,
                             text=True, timeout=30, check=True).stdout
    return sorted(re.findall(r"^(cashdrawerd [0-9a-f]{16})\s+(\S+)\s*$", listing, re.M))


def fingerprint_id(pem):
    out = subprocess.run(["openssl", "x509", "-in", str(pem), "-noout", "-fingerprint", "-sha256"],
                         capture_output=True, text=True, check=True).stdout
    return out.split("=", 1)[1].replace(":", "").lower()[:16]


def text_of(pem):
    return subprocess.run(["openssl", "x509", "-in", str(pem), "-noout", "-text"],
                          capture_output=True, text=True, check=True).stdout


def test_setup_tls_makes_a_constrained_authority_and_trusts_it(till, start_daemon, printer):
    run, store, nssdb, folder = till

    result = run("--setup-tls")

    assert result.returncode == 0, result.stderr
    ca, cert, key = (folder / "cashdrawerd-ca.pem", folder / "cashdrawerd-cert.pem",
                     folder / "cashdrawerd-key.pem")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(cert.stat().st_mode) == 0o644
    # no private key but the service's anywhere: the authority's was never written
    assert sorted(p.name for p in folder.iterdir()) == sorted([ca.name, cert.name, key.name])
    authority = text_of(ca)
    assert re.search(r"X509v3 Name Constraints: critical\s+Permitted:\s+DNS:localhost\s+"
                     r"IP:127\.0\.0\.1/255\.255\.255\.255\s+"
                     r"IP:0:0:0:0:0:0:0:1/FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF\s", authority)
    assert "Excluded" not in authority
    assert re.search(r"X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0", authority)
    server = text_of(cert)
    assert re.search(r"Subject Alternative Name:\s+DNS:localhost, IP Address:127\.0\.0\.1, "
                     r"IP Address:0:0:0:0:0:0:0:1\s", server)
    assert "ASN1 OID: prime256v1" in server and "TLS Web Server Authentication" in server
    ident = fingerprint_id(ca)
    assert sorted(p.name for p in store.iterdir()) == [f"cashdrawerd-{ident}.crt"]
    assert (store / f"cashdrawerd-{ident}.crt").read_bytes() == ca.read_bytes()
    assert nss_entries(nssdb) == [(f"cashdrawerd {ident}", "C,,")]

    daemon = start_daemon(printer.uri, ["--tls-cert", cert, "--tls-key", key])
    code, body, err = tls.curl(f"https://localhost:{daemon.port}/status?printer=cached", ca)
    assert code == 0, err
    status = json.loads(body)
    assert status["scheme"] == "https" and status["tls"]["warning"] is None
    assert status["tls"]["days_left"] in (824, 825)


def test_setup_tls_again_renews_and_takes_the_old_authority_away(till):
    run, store, nssdb, folder = till
    assert run("--setup-tls").returncode == 0
    old = fingerprint_id(folder / "cashdrawerd-ca.pem")

    result = run("--setup-tls")

    assert result.returncode == 0, result.stderr
    new = fingerprint_id(folder / "cashdrawerd-ca.pem")
    assert new != old
    assert sorted(p.name for p in store.iterdir()) == [f"cashdrawerd-{new}.crt"]
    assert nss_entries(nssdb) == [(f"cashdrawerd {new}", "C,,")]
    assert sorted(p.name for p in folder.iterdir()) == [
        "cashdrawerd-ca.pem", "cashdrawerd-cert.pem", "cashdrawerd-key.pem"]
    assert "Autorité précédente retirée de la confiance de ce poste." in result.stdout


def test_without_gnutls_setup_tls_says_so_and_changes_nothing(till, tmp_path, monkeypatch):
    """A till whose libgnutls.so.30 is not GnuTLS (or missing): --setup-tls
    exits with the library's reason and its fix, not an abort, and the
    authority already there stays in its place and trusted."""
    run, store, nssdb, folder = till
    assert run("--setup-tls").returncode == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    trusted = sorted(p.name for p in store.iterdir()), nss_entries(nssdb)
    monkeypatch.setenv("LD_LIBRARY_PATH", str(tls.fake_gnutls(tmp_path / "lib")))

    # the default printer, a CUPS queue, is not checked: libcups would not
    # load beside this libgnutls
    result = run("--setup-tls")

    assert result.returncode == 1, (result.returncode, result.stderr)
    assert result.stderr.startswith("cashdrawerd: libgnutls.so.30 n'a pas gnutls_"), result.stderr
    assert result.stderr.rstrip().endswith("(apt install libgnutls30)"), result.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert (sorted(p.name for p in store.iterdir()), nss_entries(nssdb)) == trusted


def own_certificate(folder):
    """An admin's own certificate and key, signed by an authority of theirs,
    with their bytes."""
    tls.make_authority(folder, name="authority of the shop")
    cert, key = tls.sign_server(folder, stem="till")
    return cert, key, (cert.read_bytes(), key.read_bytes())


def test_an_admins_own_certificate_is_neither_written_over_nor_deleted(till, tmp_path):
    """tls_cert and tls_key given by the admin: --setup-tls (which the MSI
    runs at an upgrade, with the admin's settings) refuses to write over
    them, and --remove-tls (the package's removal) leaves them."""
    run, store, nssdb, folder = till
    cert, key, contents = own_certificate(tmp_path / "own")
    paths = ("--tls-cert", str(cert), "--tls-key", str(key))

    refused = run("--setup-tls", *paths)
    removed = run("--remove-tls", *paths)

    assert refused.returncode == 1, refused.stderr
    assert refused.stderr.startswith(f"cashdrawerd: {cert} et {key} ne sont pas ceux que "
                                     "--setup-tls a faits"), refused.stderr
    assert refused.stderr.rstrip().endswith("retirez tls_cert et tls_key des réglages s'ils "
                                            "sont les vôtres, ou supprimez ces deux fichiers "
                                            "si son autorité a été effacée"), refused.stderr
    assert removed.returncode == 0, removed.stderr
    assert f"{cert} et {key} laissés en place" in removed.stdout
    assert (cert.read_bytes(), key.read_bytes()) == contents
    assert list(store.iterdir()) == [] and not nssdb.exists()


def test_remove_tls_beside_the_authority_takes_it_away_and_leaves_an_admins_files(till,
                                                                                  tmp_path):
    """The admin's certificate copied into the folder --setup-tls made: the
    authority there goes out of the trust and its file is deleted, the
    admin's certificate and key stay."""
    run, store, nssdb, folder = till
    assert run("--setup-tls").returncode == 0
    cert, key, contents = own_certificate(tmp_path / "own")
    shutil.copy(cert, folder / "shop.pem")
    shutil.copy(key, folder / "shop-key.pem")

    result = run("--remove-tls", "--tls-cert", "tls/shop.pem", "--tls-key", "tls/shop-key.pem")

    assert result.returncode == 0, result.stderr
    assert list(store.iterdir()) == [] and nss_entries(nssdb) == []
    assert sorted(p.name for p in folder.iterdir()) == [
        "cashdrawerd-cert.pem", "cashdrawerd-key.pem", "shop-key.pem", "shop.pem"]
    assert ((folder / "shop.pem").read_bytes(), (folder / "shop-key.pem").read_bytes()) == contents


def test_remove_tls_is_not_stopped_by_settings_an_admin_broke(till, tmp_path):
    """The package's removal runs --remove-tls with the admin's settings: a
    broken line there is said, and the authority still leaves the trust."""
    run, store, nssdb, folder = till
    assert run("--setup-tls").returncode == 0
    broken = tmp_path / "broken.ini"
    broken.write_text("[server]\nport = 22548\n")

    result = run("--config", str(broken), "--remove-tls")

    assert result.returncode == 0, result.stderr
    assert "section [server] is unknown" in result.stderr
    assert "--remove-tls goes on with the settings it could read" in result.stderr
    assert list(store.iterdir()) == [] and nss_entries(nssdb) == []
    assert list(folder.iterdir()) == []
    assert run("--config", str(broken), "--setup-tls").returncode == 2  # refused there


def test_remove_tls_takes_away_exactly_what_setup_added(till):
    run, store, nssdb, folder = till
    other = store / "someone-else.crt"
    other.write_text("not ours\n")
    assert run("--setup-tls").returncode == 0

    result = run("--remove-tls")

    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in store.iterdir()) == ["someone-else.crt"]
    assert nss_entries(nssdb) == []
    assert list(folder.iterdir()) == []
    assert run("--remove-tls").returncode == 0  # nothing left: still fine


def test_the_files_belong_to_the_service_user_who_owns_the_state_folder(till, tmp_path):
    """The package runs --setup-tls as root in the service's state folder,
    which systemd gave to the service's user: the key must be that user's,
    or the service could not read it."""
    run, _, _, folder = till
    if os.geteuid() != 0:
        pytest.skip("chown needs root")
    os.chown(folder.parent, 65534, 65534)

    assert run("--setup-tls").returncode == 0

    for path in [folder, *folder.iterdir()]:
        assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534), path


@pytest.fixture
def user_homes(tmp_path, daemon_bin):
    """A folder of homes that uid 1000 can reach (pytest's own folders are
    root's alone), and a run of --setup-tls / --remove-tls as root over the
    homes given; deleted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("homes of other users need root")
    base = Path(tempfile.mkdtemp(prefix="cdd-homes-"))
    base.chmod(0o711)
    _, _, run = trust_runner(daemon_bin, tmp_path)
    try:
        yield base, run
    finally:
        shutil.rmtree(base)


def user_home(base, name, uid=1000):
    home = base / name
    home.mkdir()
    os.chown(home, uid, uid)
    return home


def test_a_users_home_gets_a_database_of_their_own(user_homes):
    """root makes a user's ~/.pki/nssdb as that user: theirs, with the authority."""
    base, run = user_homes
    home = user_home(base, "alice")

    result = run([home], "--setup-tls")

    assert result.returncode == 0, result.stderr
    nssdb = home / ".pki" / "nssdb"
    for path in [home / ".pki", nssdb, *nssdb.iterdir()]:
        assert (path.stat().st_uid, path.stat().st_gid) == (1000, 1000), path
    assert len(nss_entries(nssdb)) == 1
    assert run([home], "--remove-tls").returncode == 0
    assert nss_entries(nssdb) == []


def test_links_in_a_users_home_lead_root_nowhere(user_homes):
    """--setup-tls runs as root and visits the users' homes. A user's .pki
    that is a link to a system folder, or a cert9.db that is a link to a
    system file, must make root create, write or hand over nothing there:
    the user's own rights apply. The failure is said, and the other homes
    are served."""
    base, run = user_homes
    system = base / "etc"  # root's, as /etc
    system.mkdir()
    (system / "empty").write_bytes(b"")  # an empty file: SQLite would make it a database
    linked_folder = user_home(base, "mallory")
    (linked_folder / ".pki").symlink_to(system)
    linked_file = user_home(base, "eve", uid=1001)
    (linked_file / ".pki" / "nssdb").mkdir(parents=True)
    (linked_file / ".pki" / "nssdb" / "cert9.db").symlink_to(system / "empty")
    os.chown(linked_file / ".pki", 1001, 1001)
    os.chown(linked_file / ".pki" / "nssdb", 1001, 1001)
    honest = user_home(base, "alice")

    result = run([linked_folder, linked_file, honest], "--setup-tls")

    assert sorted(p.name for p in system.iterdir()) == ["empty"]
    assert (system / "empty").read_bytes() == b""
    assert all(p.stat().st_uid == 0 for p in system.iterdir())
    assert result.returncode != 0
    assert "2 base(s) NSS (navigateurs) n'ont pas pris l'autorité" in result.stderr
    assert len(nss_entries(honest / ".pki" / "nssdb")) == 1
