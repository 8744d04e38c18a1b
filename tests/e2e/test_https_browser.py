"""HTTPS in a real browser (issue 16, item 4): headless Chromium whose NSS
database ($HOME/.pki/nssdb, as on a till: made by --setup-tls itself)
trusts only the authority --setup-tls made and a separate test authority
for the POS page's own origin, https://pos.test (served from 10.99.0.2:443
in the namespace, mapped by --host-resolver-rules). The page calls
https://localhost:PORT as Odoo does (hello, then the JSON-RPC cashbox) and
as the field client does (no-cors GET /open-cash-drawer): exact answers,
exact kick bytes, no certificate error. A certificate for a name outside
the loopback constraint, signed by a constrained authority, is refused by
Chromium, while the same certificate from an unconstrained authority is
accepted (the constraint is what bites). No certificate check is turned
off anywhere."""
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import track
from e2elib import browser, expect, headless, netns, tls
from e2elib.printer import PrinterListener
from e2elib.skips import skip_or_fail

PAGE_ADDRESS = browser.PAGE_ADDRESS
RESULT_TIMEOUT = 30.0
LOOPBACK_CONSTRAINT = ("nameConstraints=critical,permitted;DNS:localhost,"
                       "permitted;IP:127.0.0.1/255.255.255.255,"
                       "permitted;IP:::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")

POS_PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<p id="out">pending</p>
<script>
const base = new URLSearchParams(location.search).get('base');
const other = new URLSearchParams(location.search).get('other');
async function attempt(name, run) {
  try { return Object.assign({name}, await run()); }
  catch (error) { return {name, error: String(error)}; }
}
(async () => {
  const out = [];
  if (base) {
    // Odoo's POS: hello, then the JSON-RPC cashbox (a CORS preflight first)
    out.push(await attempt('hello', async () => {
      const r = await fetch(base + '/hw_proxy/hello');
      return {status: r.status, body: await r.text()};
    }));
    out.push(await attempt('cashbox', async () => {
      const r = await fetch(base + '/hw_proxy/default_printer_action', {method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({jsonrpc: '2.0', method: 'call', id: 7,
                              params: {data: {action: 'cashbox'}}})});
      return {status: r.status, body: await r.json()};
    }));
    // the field client: a no-cors GET
    out.push(await attempt('field', async () => {
      const r = await fetch(base + '/open-cash-drawer', {method: 'GET', mode: 'no-cors'});
      return {type: r.type};
    }));
    out.push(await attempt('status', async () => {
      const r = await fetch(base + '/status?printer=cached', {mode: 'cors'});
      const body = await r.json();
      return {status: r.status, scheme: body.scheme};
    }));
  }
  if (other) {
    out.push(await attempt('other', async () => {
      const r = await fetch(other, {mode: 'no-cors'});
      return {type: r.type};
    }));
  }
  await fetch('/result', {method: 'POST', body: JSON.stringify(out)});
  document.getElementById('out').textContent = 'done';
})();
</script></body></html>
"""


class HttpsPages:
    """https://NAME:port/ on PAGE_ADDRESS in the namespace with one
    certificate: GET / is the page, POST /result records its outcome, any
    other GET answers 204 (the "other" site the page probes)."""

    def __init__(self, namespace, port, cert, key):
        self.results, self.hits = [], []
        self.cond = threading.Condition()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.hits.append(self.path)
                data = POS_PAGE.encode() if self.path.split("?")[0] == "/" else b""
                self.send_response(200 if data else 204)
                if data:
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.cond:
                    outer.results.append(json.loads(data))
                    outer.cond.notify_all()
                self.send_response(204)
                self.end_headers()

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server = http.server.ThreadingHTTPServer((PAGE_ADDRESS, port), Handler,
                                                      bind_and_activate=False)
        self.server.socket.close()
        sock = netns.socket_in(namespace.name)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.socket = sock
        self.server.server_bind()
        self.server.server_activate()
        self.server.socket = context.wrap_socket(sock, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count):
        deadline = time.monotonic() + RESULT_TIMEOUT
        with self.cond:
            while len(self.results) < count and time.monotonic() < deadline:
                self.cond.wait(deadline - time.monotonic())
            return list(self.results)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def make_authority(folder, constraint=None):
    folder.mkdir(parents=True)
    extra = ["-addext", constraint] if constraint else []
    tls.openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "30", "-subj",
                f"/CN=test {folder.name}", "-addext", "basicConstraints=critical,CA:true",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", *extra, cwd=folder)
    return folder / "ca.pem"


def trust(nssdb, name, ca):
    subprocess.run(["certutil", "-A", "-d", f"sql:{nssdb}", "-n", name, "-t", "C,,", "-i",
                    str(ca)], check=True, capture_output=True, timeout=30)


@pytest.fixture
def lab(tmp_path, start_daemon, daemon_bin):
    reason = headless.unavailable_reason()
    if reason is None and shutil.which("certutil") is None:
        reason = "certutil is missing (apt-get install libnss3-tools)"
    if reason is not None:
        skip_or_fail(f"HTTPS browser tests: {reason}")
    namespace = browser.Namespace().create()
    servers, printers = [], []
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "till"
    work.mkdir()
    root = tmp_path / "root"
    (root / "usr/local/share/ca-certificates").mkdir(parents=True)
    # --setup-tls makes the home's NSS database and trusts its authority there
    setup = subprocess.run([str(daemon_bin), "--setup-tls"], cwd=work, capture_output=True,
                           text=True, timeout=60,
                           env=dict(os.environ, CASHDRAWERD_TRUST_ROOT=str(root),
                                    CASHDRAWERD_TRUST_HOMES=str(home)))
    assert setup.returncode == 0, setup.stderr
    nssdb = home / ".pki" / "nssdb"
    # the POS page's own origin: a separate test authority
    pos_ca = make_authority(tmp_path / "pos")
    trust(nssdb, "pos test authority", pos_ca)
    cert, key = tls.sign_server(tmp_path / "pos", san="DNS:pos.test", stem="pos")

    class Lab:
        @staticmethod
        def printer():
            listener = PrinterListener(sock=netns.socket_in(namespace.name))
            printers.append(listener)
            return listener

        @staticmethod
        def daemon(printer_uri):
            return start_daemon(printer_uri, ["--min-interval-ms", "0",
                                              "--allowed-origins", "https://pos.test", "--tls-cert",
                                              work / "tls/cashdrawerd-cert.pem", "--tls-key",
                                              work / "tls/cashdrawerd-key.pem"],
                                netns=namespace.name, connect=netns.connector(namespace.name))

        @staticmethod
        def serve(port, cert, key):
            server = HttpsPages(namespace, port, cert, key)
            servers.append(server)
            return server

        @staticmethod
        def open(server, url):
            before = len(server.results)
            rc, dom, stderr = headless.run(
                namespace.name, tmp_path, track, url,
                ["--virtual-time-budget=15000", "--host-resolver-rules=MAP pos.test "
                 f"{PAGE_ADDRESS}, MAP evil.test {PAGE_ADDRESS}", "--dump-dom"],
                env=dict(os.environ, HOME=str(home)))
            results = server.wait(before + 1)
            assert len(results) > before, (f"no result (chromium exit {rc}); DOM:\n{dom[-1500:]}"
                                           f"\n{stderr.read_text(errors='replace')[-1500:]}")
            return results[before]

    Lab.pos = Lab.serve(443, cert, key)
    Lab.tmp = tmp_path
    try:
        yield Lab
    finally:
        for server in servers:
            server.close()
        for listener in printers:
            listener.close()
        namespace.delete()


def test_an_https_pos_page_opens_the_drawer_over_https_as_odoo_and_the_field_client_do(lab):
    printer = lab.printer()
    daemon = lab.daemon(printer.uri)

    result = lab.open(lab.pos, f"https://pos.test/?base=https://localhost:{daemon.port}")

    assert result == [
        {"name": "hello", "status": 200, "body": "ping"},
        {"name": "cashbox", "status": 200, "body": {"jsonrpc": "2.0", "id": 7, "result": True}},
        {"name": "field", "type": "opaque"},
        {"name": "status", "status": 200, "scheme": "https"},
    ]
    assert printer.settle() == [expect.OPENED_DEFAULT, expect.OPENED_DEFAULT]


@pytest.mark.parametrize("constrained,reached", [(True, False), (False, True)],
                         ids=["constrained authority: refused", "unconstrained: accepted"])
def test_a_name_outside_the_loopback_constraint_is_refused_by_chromium(lab, constrained, reached):
    folder = lab.tmp / ("constrained" if constrained else "open")
    ca = make_authority(folder, LOOPBACK_CONSTRAINT if constrained else None)
    trust(lab.tmp / "home/.pki/nssdb", folder.name, ca)
    cert, key = tls.sign_server(folder, san="DNS:evil.test", stem="evil")
    evil = lab.serve(8443, cert, key)

    result = lab.open(lab.pos, "https://pos.test/?other=https://evil.test:8443/probe")

    if reached:
        assert result == [{"name": "other", "type": "opaque"}] and evil.hits == ["/probe"]
    else:
        assert result == [{"name": "other", "error": "TypeError: Failed to fetch"}]
        assert evil.hits == []
