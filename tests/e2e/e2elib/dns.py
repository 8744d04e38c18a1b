"""A name server for one name, on a UDP socket the test gives (inside a
network namespace): it either answers A queries for its name with one
address (NOERROR and no answer for any other question), or, while silent,
drops every query, as a DNS server that is down or unreachable behind a
firewall does."""
import select
import struct
import threading


class StubDns:
    def __init__(self, sock, address, name, ip):
        self.sock = sock
        self.sock.bind((address, 53))
        self.name = name.lower().rstrip(".")
        self.ip = bytes(int(part) for part in ip.split("."))
        self.silent = True
        self.queries = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="stub-dns")
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            readable, _, _ = select.select([self.sock], [], [], 0.05)
            if not readable:
                continue
            query, peer = self.sock.recvfrom(512)
            self.queries += 1
            if not self.silent and len(query) > 12:
                self.sock.sendto(self._answer(query), peer)

    def _answer(self, query):
        labels, at = [], 12
        while at < len(query) and query[at] != 0:
            labels.append(query[at + 1:at + 1 + query[at]].decode("ascii", "replace"))
            at += 1 + query[at]
        question = query[12:at + 5]  # name, its terminating 0, type, class
        qtype = struct.unpack("!H", query[at + 1:at + 3])[0] if at + 3 <= len(query) else 0
        found = ".".join(labels).lower() == self.name
        answers = b""
        if found and qtype == 1:  # A
            answers = struct.pack("!HHHIH", 0xC00C, 1, 1, 0, 4) + self.ip
        rcode = 0 if found else 3  # NXDOMAIN for any other name
        header = query[:2] + struct.pack("!HHHHH", 0x8180 | rcode, 1, 1 if answers else 0, 0, 0)
        return header + question + answers

    def close(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()
