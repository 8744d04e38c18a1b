"""HTTP and HTTPS on the one port (issue 16): the first byte of a
connection picks the scheme; every endpoint answers on both, with `scheme`
in /status; TLS 1.3 and 1.2 only; what is not TLS, or not a TLS the service
speaks, is refused, logged, and leaves the service serving; a silent or slow
client is cut by request_timeout_s before its first byte and during its
handshake. Every client checks the certificate against the test's authority
(curl --cacert, Python's default context)."""
import json
import socket
import ssl
import time

import pytest

from e2elib import expect, faults, logfile, rawconn, tls

TLS_REFUSED = ("HTTPS : connexion fermée sans requête (poignée de main TLS refusée ou "
               "interrompue : version TLS trop ancienne, client sans suite commune, ou pas du TLS)")
TLS_TIMED_OUT = ("HTTPS : poignée de main TLS ou requête pas finie à temps (request_timeout_s) : "
                 "connexion fermée")
SILENT_TIMED_OUT = "aucun octet reçu dans le délai (request_timeout_s) : connexion fermée"


@pytest.fixture
def authority(tmp_path):
    ca = tls.make_authority(tmp_path / "pki")
    cert, key = tls.sign_server(tmp_path / "pki")
    return ca, cert, key


@pytest.fixture
def https_daemon(start_daemon, printer, authority):
    def start(*args):
        _, cert, key = authority
        return start_daemon(printer.uri, ["--tls-cert", cert, "--tls-key", key,
                                          "--min-interval-ms", "0", *args])
    return start


def wait_line(daemon, level, message):
    """The connection's line comes when the service closes it: waited for, bounded."""
    faults.wait_until(lambda: logfile.find_exact(daemon.log_lines(), level, message), 5,
                      f"the line {message!r}")
    logfile.assert_one_line(daemon.log_lines(), level, message)


def url(daemon, host, path):
    return f"https://{host}:{daemon.port}{path}"


def gnutls_mapped(daemon):
    """Whether the daemon's process maps libgnutls: loaded only once HTTPS is
    served (src/tls/library.c), so a till serving HTTP alone never pays its
    memory."""
    with open(f"/proc/{daemon.proc.pid}/maps") as maps:
        return "/libgnutls.so" in maps.read()


@pytest.mark.parametrize("host,peer", [("localhost", "127.0.0.1"), ("127.0.0.1", "127.0.0.1"),
                                       ("[::1]", "::1")])
def test_https_status_says_https_and_the_peer_on_each_loopback_name(https_daemon, authority,
                                                                     host, peer):
    daemon = https_daemon()

    code, body, err = tls.curl(url(daemon, host, "/status?printer=cached"), authority[0])

    assert code == 0, err
    status = json.loads(body)
    assert (status["scheme"], status["remote_addr"], status["local_client"]) == ("https", peer, True)
    assert status["tls"]["enabled"] is True
    assert daemon.get("/status?printer=cached").json()["scheme"] == "http"
    assert gnutls_mapped(daemon)


@pytest.mark.parametrize("version,flags", [("TLSv1.3", ["--tlsv1.3"]),
                                           ("TLSv1.2", ["--tlsv1.2", "--tls-max", "1.2"])])
def test_open_over_tls_sends_the_exact_kick_and_answers_exactly(https_daemon, authority, printer,
                                                                version, flags):
    daemon = https_daemon()

    code, body, err = tls.curl(url(daemon, "localhost", "/open-cash-drawer"), authority[0],
                               "-w", "\n%{http_code} %{ssl_verify_result}", *flags, "-v")

    assert code == 0, err
    answer, _, tail = body.rpartition(b"\n")
    assert tail == b"200 0"
    assert json.loads(answer) == expect.OPENED
    assert f"SSL connection using {version}" in err
    assert printer.settle() == [expect.OPENED_DEFAULT]
    logfile.assert_one_line(daemon.log_lines(), "INFO", expect.OPENED_LINE.format(peer="127.0.0.1"))


def test_every_hw_proxy_route_answers_the_same_on_both_schemes(https_daemon, authority):
    daemon = https_daemon()

    for path in ["/hw_proxy/hello", "/status?printer=cached", "/metrics", "/"]:
        code, body, err = tls.curl(url(daemon, "127.0.0.1", path), authority[0],
                                   "-o", "/dev/null", "-w", "%{http_code}")
        assert (code, body) == (0, str(daemon.get(path).status).encode()), (path, err)
    code, body, err = tls.curl(url(daemon, "127.0.0.1", "/hw_proxy/hello"), authority[0])
    assert (code, body) == (0, b"ping"), err


@pytest.mark.parametrize("hello", ["tls1.1", "sslv3"])
def test_old_tls_versions_are_refused_logged_and_the_service_serves_on(https_daemon, authority,
                                                                        hello):
    daemon = https_daemon()
    if hello == "tls1.1":
        code, _, err = tls.curl(url(daemon, "127.0.0.1", "/status"), authority[0], "--tlsv1.1",
                                "--tls-max", "1.1", "--ciphers", "DEFAULT@SECLEVEL=0")
        assert code == 35, err  # the handshake failed
    else:
        answer, closed_after = rawconn.exchange(tls.sslv3_client_hello(), port=daemon.port,
                                                limit=5)
        assert closed_after is not None and not answer.startswith(b"\x16\x03\x00\x00"), answer

    assert daemon.get("/status?printer=cached").status == 200
    wait_line(daemon, "WARNING", f"127.0.0.1 - - - malformed - {TLS_REFUSED}")


@pytest.mark.parametrize("name,data", [
    ("plaintext", b"\x16GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"),
    ("truncated", None),
    ("huge", b"\x16\x03\x01\xff\xff" + b"\x01\xff\xff\xff" + bytes(70000)),
], ids=["plaintext after the handshake byte", "a truncated ClientHello", "a huge record"])
def test_hostile_client_hellos_are_refused_and_logged(https_daemon, authority, name, data):
    daemon = https_daemon()
    if data is None:
        data = tls.client_hello(authority[0])[:40]

    with socket.create_connection(("127.0.0.1", daemon.port), timeout=8) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)  # the client is gone: a truncated hello ends here
        except OSError:
            pass  # the service closed first
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass

    assert b"HTTP/1." not in answer, name
    code, body, err = tls.curl(url(daemon, "localhost", "/hw_proxy/hello"), authority[0])
    assert (code, body) == (0, b"ping"), err
    wait_line(daemon, "WARNING", f"127.0.0.1 - - - malformed - {TLS_REFUSED}")


def test_plain_garbage_goes_to_http_and_is_logged_as_before(https_daemon):
    daemon = https_daemon()

    answer, closed_after = rawconn.exchange(b"\x01\x02garbage\r\n\r\n", port=daemon.port, limit=5)

    assert answer == b"" and closed_after is not None
    wait_line(daemon, "WARNING", "127.0.0.1 - - - malformed - requête mal formée ou interrompue : "
                                 "connexion fermée sans réponse")


def test_sni_of_another_name_is_answered_with_the_loopback_certificate(https_daemon, authority):
    daemon = https_daemon()

    # the service has one certificate: the client (checking it) refuses the name
    with pytest.raises(ssl.SSLCertVerificationError, match="evil.example"):
        tls.handshake(daemon.port, authority[0], server_hostname="evil.example")
    alpn, version, answer = tls.handshake(daemon.port, authority[0], alpn=["h2"])

    assert (alpn, version) == (None, "TLSv1.3")  # no h2 offered back: HTTP/1.1 goes on
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")


def test_a_silent_connection_is_closed_at_the_request_timeout_and_logged(https_daemon):
    daemon = https_daemon("--request-timeout-s", "1")

    answer, closed_after = rawconn.exchange(b"", port=daemon.port, limit=6)

    assert answer == b"" and closed_after is not None and 0.8 < closed_after < 3, closed_after
    wait_line(daemon, "WARNING", f"127.0.0.1 - - - timeout - {SILENT_TIMED_OUT}")
    assert daemon.get("/status?printer=cached").json()["security"]["connections"]["timed_out"] == 1


def test_a_slow_handshake_is_cut_by_the_request_timeout(https_daemon, authority):
    daemon = https_daemon("--request-timeout-s", "1")
    hello = tls.client_hello(authority[0])

    # one byte of the ClientHello every 0.3 s: the clock runs from the accept
    answer, closed_after = rawconn.exchange(hello[:1], port=daemon.port, trickle=hello[1:40],
                                            trickle_every=0.3, limit=6)

    assert answer == b"" and closed_after is not None and 0.8 < closed_after < 3, closed_after
    wait_line(daemon, "WARNING", f"127.0.0.1 - - - timeout - {TLS_TIMED_OUT}")


MALFORMED_ANSWERED = ("requête mal formée (ligne de requête illisible ou version HTTP non "
                      "prise en charge) : erreur renvoyée, connexion fermée")
MALFORMED_UNANSWERED = "requête mal formée ou interrompue : connexion fermée sans réponse"
REQUEST_TIMED_OUT = "requête incomplète à l'expiration du délai"


def after_a_good_request(port, cacert, then, close_notify=False):
    """One TLS connection: a good request and its whole answer, then the
    bytes then (in records of their own), then the client's close (with a
    close_notify when asked), or the service's. The second answer."""
    context = ssl.create_default_context(cafile=str(cacert))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        conn = context.wrap_socket(raw, server_hostname="localhost")
        conn.sendall(b"GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n")
        first = b""
        while b"\r\n\r\n" not in first or not first.endswith(b"}"):
            first += conn.recv(65536)
        assert first.startswith(b"HTTP/1.1 404 "), first
        if then is None:  # silence: the service closes at the request timeout
            return conn.recv(65536)
        if then:
            conn.sendall(then)
        if close_notify or not then.endswith(b"\r\n\r\n"):
            return conn.unwrap().recv(65536) if close_notify else conn.recv(65536)
        return conn.recv(65536)


@pytest.mark.parametrize("then,close_notify,line", [
    (b"GET / HTTP/2.0\r\n\r\n", False, f"malformed - {MALFORMED_ANSWERED}"),
    (b"GET\t/status\tHTTP/1.1\r\nHost: localhost\r\n\r\n", False,
     f"malformed - {MALFORMED_UNANSWERED}"),
    (b"GET /status HT", False, f"timeout - {REQUEST_TIMED_OUT}"),
    (b"GET /status HT", True, f"malformed - {MALFORMED_UNANSWERED}"),
    (b"", True, None),
    (None, False, None),
], ids=["505", "dropped line", "cut by the timeout", "cut by the client", "close_notify",
        "idle"])
def test_what_follows_a_request_on_an_https_connection_is_logged_as_over_http(
        https_daemon, authority, then, close_notify, line):
    daemon = https_daemon("--request-timeout-s", "1")
    mark = daemon.log_mark()

    after_a_good_request(daemon.port, authority[0], then, close_notify)

    # the connection's line comes at its close; a marker then closes the wait
    time.sleep(0.5)
    assert daemon.get("/marker").status == 404
    wanted = ["127.0.0.1 GET /nope 404 not_found"] + ([f"127.0.0.1 - - - {line}"] if line else [])
    faults.wait_until(lambda: len(logfile.messages(daemon.log_lines_since(mark))) >= len(wanted) + 1,
                      5, "the lines")
    assert [m for m in logfile.messages(daemon.log_lines_since(mark))
            if "/marker" not in m] == wanted


def test_tls_off_serves_http_only(start_daemon, printer, authority):
    _, cert, key = authority
    daemon = start_daemon(printer.uri, ["--tls", "off", "--tls-cert", cert, "--tls-key", key])

    code, _, err = tls.curl(url(daemon, "127.0.0.1", "/status"), authority[0])

    assert code == 35, err
    status = daemon.get("/status?printer=cached").json()
    assert (status["scheme"], status["tls"]) == ("http", {"enabled": False})
    assert not gnutls_mapped(daemon)


def test_no_certificate_yet_serves_http_and_says_how_to_make_one(start_daemon, printer):
    daemon = start_daemon(printer.uri)

    assert daemon.get("/status?printer=cached").json()["tls"] == {"enabled": False}
    logfile.assert_one_line(daemon.log_lines(), "INFO",
                            "HTTPS pas en place : ni certificat tls/cashdrawerd-cert.pem ni clé "
                            "tls/cashdrawerd-key.pem (lancez cashdrawerd --setup-tls)")
    assert not gnutls_mapped(daemon)


def test_a_certificate_near_its_end_is_warned_in_the_log_and_status(start_daemon, printer, tmp_path,
                                                                   authority):
    cert, key = tls.sign_server(tmp_path / "pki", days=10, stem="short")
    daemon = start_daemon(printer.uri, ["--tls-cert", cert, "--tls-key", key])

    status = daemon.get("/status?printer=cached").json()["tls"]

    def warning(days):
        return (f"le certificat HTTPS arrive à échéance dans {days} jour(s) (renouvelez-le : "
                "cashdrawerd --setup-tls)")
    assert status["days_left"] in (9, 10)
    assert status["warning"] == warning(status["days_left"])
    # whole days left, rounded down, at start-up and at /status: 10 when the
    # service started within the second the certificate was signed, 9 after
    logged = [days for days in (9, 10)
              if logfile.find_exact(daemon.log_lines(), "WARNING", f"HTTPS : {warning(days)}")]
    assert len(logged) == 1 and logged[0] >= status["days_left"], daemon.log_lines()
    logfile.assert_one_line(daemon.log_lines(), "WARNING", f"HTTPS : {warning(logged[0])}")


def test_a_key_that_is_not_the_certificates_leaves_http_serving_with_an_error(start_daemon, printer,
                                                                             tmp_path, authority):
    ca, cert, _ = authority
    _, other_key = tls.sign_server(tmp_path / "pki", stem="other")

    daemon = start_daemon(printer.uri, ["--tls-cert", cert, "--tls-key", other_key])

    status = daemon.get("/status?printer=cached").json()
    assert status["tls"]["enabled"] is False
    assert "inutilisables ensemble" in status["tls"]["error"]
    errors = logfile.messages(daemon.log_lines(), "ERROR")
    assert len(errors) == 1 and errors[0].startswith("HTTPS désactivé, HTTP seul : certificat ")
    assert errors[0].endswith(" ; ou réglez tls sur false")
    code, _, err = tls.curl(url(daemon, "127.0.0.1", "/status"), ca)
    assert code == 35, err
    # the drawer still opens
    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)


def test_a_gnutls_that_cannot_be_loaded_leaves_http_serving_with_an_error(start_daemon, printer,
                                                                         tmp_path, authority):
    """GnuTLS is loaded with dlopen once the certificate is there: a
    libgnutls.so.30 without GnuTLS's functions (found first through
    LD_LIBRARY_PATH) is a TLS error, and HTTP serves on."""
    _, cert, key = authority
    daemon = start_daemon(printer.uri, ["--tls-cert", cert, "--tls-key", key],
                          env={"LD_LIBRARY_PATH": str(tls.fake_gnutls(tmp_path / "lib"))})

    status = daemon.get("/status?printer=cached").json()
    assert status["tls"]["enabled"] is False
    assert status["tls"]["error"].startswith("libgnutls.so.30 n'a pas gnutls_"), status["tls"]
    errors = logfile.messages(daemon.log_lines(), "ERROR")
    assert len(errors) == 1 and errors[0].startswith(
        "HTTPS désactivé, HTTP seul : libgnutls.so.30 n'a pas gnutls_"), errors
    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)
