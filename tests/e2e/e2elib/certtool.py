"""Test certificates made with GnuTLS's certtool (Debian's gnutls-bin): an
authority of the test's own and a server certificate it signs, for the TLS
tests, which check every certificate (curl --cacert, never -k)."""
import base64
import hashlib
import shutil
import subprocess

from .skips import skip_or_fail

CERTTOOL = "certtool"


def _run(*args):
    result = subprocess.run([CERTTOOL, *map(str, args)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, f"certtool {' '.join(map(str, args))}:\n{result.stderr}"


def make_authority(folder, name="cashdrawerd test authority"):
    """(certificate, key) paths of a new self-signed authority in folder."""
    if shutil.which(CERTTOOL) is None:
        skip_or_fail("certtool is not installed (apt-get install gnutls-bin)")
    folder.mkdir(parents=True, exist_ok=True)
    key, cert, template = folder / "ca-key.pem", folder / "ca.pem", folder / "ca.cfg"
    template.write_text(f'cn = "{name}"\nca\ncert_signing_key\nexpiration_days = 2\n')
    _run("--generate-privkey", "--key-type", "ecdsa", "--outfile", key)
    _run("--generate-self-signed", "--load-privkey", key, "--template", template,
         "--outfile", cert)
    return cert, key


def make_server(folder, authority, names=("localhost",), addresses=("127.0.0.1", "::1")):
    """(certificate, key) paths of a server certificate signed by authority."""
    ca_cert, ca_key = authority
    key, cert, template = folder / "server-key.pem", folder / "server.pem", folder / "server.cfg"
    lines = [f'cn = "{names[0]}"', "tls_www_server", "signing_key", "encryption_key",
             "expiration_days = 2"]
    lines += [f'dns_name = "{name}"' for name in names]
    lines += [f'ip_address = "{address}"' for address in addresses]
    template.write_text("\n".join(lines) + "\n")
    _run("--generate-privkey", "--key-type", "ecdsa", "--outfile", key)
    _run("--generate-certificate", "--load-privkey", key, "--load-ca-certificate", ca_cert,
         "--load-ca-privkey", ca_key, "--template", template, "--outfile", cert)
    return cert, key


def sha1_fingerprint(pem_path):
    """The certificate's SHA-1 in upper-case hex, as Windows names it."""
    text = pem_path.read_text()
    body = text.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return hashlib.sha1(base64.b64decode("".join(body.split()))).hexdigest().upper()
