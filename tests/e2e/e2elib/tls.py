"""HTTPS for the suite: certificates made by openssl for the tests (an
authority and a server certificate it signs), curl with --cacert (the
certificate is always checked), and ClientHellos made by Python's ssl module
without sending them through it, for the hostile ones."""
import socket
import ssl
import subprocess
from pathlib import Path

LOOPBACK_SAN = "DNS:localhost,IP:127.0.0.1,IP:::1"


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


def make_authority(folder, name="cashdrawerd test authority", days=30):
    """folder/ca.pem and folder/ca-key.pem (P-256)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", str(days), "-subj", f"/CN={name}",
            "-addext", "basicConstraints=critical,CA:true",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)
    return folder / "ca.pem"


def sign_server(folder, san=LOOPBACK_SAN, days=30, stem="server"):
    """folder/<stem>.pem and folder/<stem>-key.pem for san, signed by folder's authority."""
    folder = Path(folder)
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", f"{stem}-key.pem", "-out", f"{stem}.csr", "-subj", "/CN=localhost", cwd=folder)
    (folder / f"{stem}.ext").write_text(
        f"subjectAltName={san}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:false\n")
    openssl("x509", "-req", "-in", f"{stem}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
            "-CAcreateserial", "-out", f"{stem}.pem", "-days", str(days), "-extfile",
            f"{stem}.ext", cwd=folder)
    return folder / f"{stem}.pem", folder / f"{stem}-key.pem"


def fake_gnutls(folder):
    """A folder holding a libgnutls.so.30 without GnuTLS's functions, for
    LD_LIBRARY_PATH: the daemon's dlopen finds it first."""
    fake = Path(folder) / "libgnutls.so.30"
    fake.parent.mkdir(parents=True, exist_ok=True)
    source = fake.with_suffix(".c")
    source.write_text("int not_gnutls;\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(fake), str(source)], check=True)
    source.unlink()
    return fake.parent


def curl(url, cacert, *args, timeout=15):
    """curl with the authority as its only trust; (exit code, body, stderr)."""
    result = subprocess.run(["curl", "-sS", "--cacert", str(cacert), "--max-time", "10",
                             *args, url], capture_output=True, timeout=timeout)
    return result.returncode, result.stdout, result.stderr.decode("utf-8", "replace")


def client_hello(cacert, server_hostname="localhost", alpn=None, minimum=None, maximum=None):
    """The first flight (the ClientHello record) a checking client would send."""
    context = ssl.create_default_context(cafile=str(cacert))
    if alpn:
        context.set_alpn_protocols(alpn)
    if minimum:
        context.minimum_version = minimum
    if maximum:
        context.maximum_version = maximum
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=server_hostname)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def handshake(port, cacert, host="127.0.0.1", server_hostname="localhost", alpn=None,
              request=b"GET /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"):
    """A checking TLS client: (negotiated ALPN, TLS version, the whole answer)."""
    context = ssl.create_default_context(cafile=str(cacert))
    if alpn:
        context.set_alpn_protocols(alpn)
    with socket.create_connection((host, port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=server_hostname) as tls:
            tls.sendall(request)
            answer = b""
            while chunk := tls.recv(65536):
                answer += chunk
            return tls.selected_alpn_protocol(), tls.version(), answer


def sslv3_client_hello():
    """A ClientHello offering SSL 3.0 only (record and hello version 3.0):
    Python's ssl can no longer make one."""
    body = (b"\x03\x00" + bytes(32) + b"\x00" + b"\x00\x04\x00\x2f\x00\x0a" + b"\x01\x00")
    hello = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x00" + len(hello).to_bytes(2, "big") + hello
