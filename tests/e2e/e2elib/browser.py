"""A browser lab: one network namespace holding the daemon (on its
loopback), the printer, a page server on a private LAN address
(10.99.0.2:8069, as CLIENTS.md measured) and headless Chromium. Pages
report their outcome by POSTing JSON to the page server. Everything lives
in the namespace, which is deleted afterwards; the root namespace is never
touched. Processes are tracked and stopped by PID."""
import http.server
import json
import os
import socket
import threading
import time
from pathlib import Path

from . import headless, netns

PAGE_ADDRESS = "10.99.0.2"
PAGE_PORT = 8069
PAGE_ORIGIN = f"http://{PAGE_ADDRESS}:{PAGE_PORT}"
RUN_TIMEOUT = 60.0
unavailable_reason = headless.unavailable_reason


class Namespace:
    """One namespace with lo up and a veth pair whose two ends stay inside it:
    Chromium thinks itself offline with nothing but lo."""

    _counter = 0

    def __init__(self):
        Namespace._counter += 1
        self.name = f"cdd-{os.getpid()}-web{Namespace._counter}"
        self.created = False

    def create(self):
        netns._ip("netns", "add", self.name)
        self.created = True
        netns._ip("-n", self.name, "link", "set", "lo", "up")
        netns._ip("-n", self.name, "link", "add", "web0", "type", "veth", "peer", "name", "web1")
        netns._ip("-n", self.name, "addr", "add", f"{PAGE_ADDRESS}/24", "dev", "web0")
        netns.link_up_settled(self.name, "web0")
        netns.link_up_settled(self.name, "web1")
        return self

    def delete(self):
        if self.created:
            netns._ip("netns", "del", self.name, check=False)
            self.created = False


class PageServer:
    """Serves pages (path -> (content type, bytes)) on PAGE_ADDRESS:PAGE_PORT
    inside the namespace; POST /result records the page's JSON outcome."""

    def __init__(self, namespace):
        self.pages = {}
        self.results = []
        self.requests = []
        self._cond = threading.Condition()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.requests.append(self.path)
                page = outer.pages.get(self.path.split("?")[0])
                if page is None:
                    self.send_error(404)
                    return
                content_type, data = page
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                data = self.rfile.read(length)
                with outer._cond:
                    outer.results.append(json.loads(data.decode("utf-8")))
                    outer._cond.notify_all()
                self.send_response(204)
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer((PAGE_ADDRESS, PAGE_PORT), Handler,
                                                      bind_and_activate=False)
        self.server.socket.close()
        self.server.socket = netns.socket_in(namespace.name)
        self.server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.server_bind()
        self.server.server_activate()
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="page-server")
        self.thread.start()

    def add(self, path, content, content_type="text/html; charset=utf-8"):
        self.pages[path] = (content_type, content.encode("utf-8") if isinstance(content, str)
                            else content)

    def wait_results(self, count, timeout):
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.results) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return list(self.results)
                self._cond.wait(left)
            return list(self.results)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Chromium:
    """Runs headless Chromium inside the namespace, one process per page."""

    def __init__(self, namespace, workdir, track):
        self.namespace = namespace
        self.workdir = Path(workdir)
        self.track = track

    def run(self, url, *, extra_flags=(), budget_ms=15000):
        """Loads url with --dump-dom; returns (exit status, DOM text). Chromium
        exits once the page is idle for budget_ms of virtual time."""
        returncode, out, _ = headless.run(
            self.namespace.name, self.workdir, self.track, url,
            [f"--virtual-time-budget={budget_ms}", *extra_flags, "--dump-dom"], RUN_TIMEOUT)
        return returncode, out
