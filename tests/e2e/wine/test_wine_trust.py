"""src/tls/trust_win32.c under Wine (issue 16), through tests/wine/
trust_check.c: the service's authority lands in the Local Machine's Root
store, which Wine keeps in its registry under the certificate's SHA-1, and
its removal takes it out again; a second install or removal changes nothing;
failures say why in French."""

import pytest

from e2elib import certtool
from e2elib.wine import built_exe, windows_path

ROOT_CERTIFICATES = r"HKLM\Software\Microsoft\SystemCertificates\Root\Certificates"


@pytest.fixture(scope="module")
def trust_check_exe():
    return built_exe("TRUST_CHECK_EXE")


@pytest.fixture
def trust_check(trust_check_exe, prefix):
    def run(command, pem):
        result = prefix.run(["wine", trust_check_exe, command, windows_path(pem)], check=False)
        return result.returncode, result.stdout.decode("utf-8", "replace").strip()

    return run


def in_registry(prefix, pem):
    key = ROOT_CERTIFICATES + "\\" + certtool.sha1_fingerprint(pem)
    return prefix.run(["wine", "reg", "query", key], check=False).returncode == 0


def test_install_puts_the_authority_in_the_root_store_and_remove_takes_it_out(
        trust_check, prefix, tmp_path):
    ca, _ = certtool.make_authority(tmp_path, name="cashdrawerd trust test")
    assert trust_check("has", ca) == (1, "")
    assert not in_registry(prefix, ca)

    assert trust_check("install", ca) == (0, "")
    assert trust_check("has", ca) == (0, "")
    assert in_registry(prefix, ca)
    assert trust_check("install", ca) == (0, "")  # again: still one, no failure

    assert trust_check("remove", ca) == (0, "")
    assert trust_check("has", ca) == (1, "")
    assert not in_registry(prefix, ca)
    assert trust_check("remove", ca) == (0, "")  # absent: nothing to do


def test_remove_leaves_the_other_authorities(trust_check, prefix, tmp_path):
    kept, _ = certtool.make_authority(tmp_path / "kept", name="cashdrawerd kept")
    removed, _ = certtool.make_authority(tmp_path / "removed", name="cashdrawerd removed")
    assert trust_check("install", kept) == (0, "")
    assert trust_check("install", removed) == (0, "")

    assert trust_check("remove", removed) == (0, "")

    assert trust_check("has", kept) == (0, "")
    assert trust_check("has", removed) == (1, "")
    assert trust_check("remove", kept) == (0, "")


def test_a_missing_file_is_refused_in_french(trust_check, tmp_path):
    missing = tmp_path / "absent.pem"

    code, why = trust_check("install", missing)

    assert code == 1
    assert why == (f"autorité {windows_path(missing)} : lecture impossible : "
                   "aucun fichier ou dossier de ce nom (ENOENT)")


def test_a_file_without_a_certificate_is_refused_in_french(trust_check, tmp_path):
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("ceci n'est pas un certificat\n")

    code, why = trust_check("remove", garbage)

    assert code == 1
    assert why == (f"autorité {windows_path(garbage)} : aucun certificat PEM "
                   "(-----BEGIN CERTIFICATE-----) dedans")
