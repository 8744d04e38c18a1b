"""Two network namespaces joined by a veth pair, to play a LAN client
(203.0.113.2) and the till (203.0.113.1) without touching the root
namespace: the veth is created directly inside the namespaces, and no
address or route is ever added outside them."""
import ctypes
import os
import shutil
import socket
import subprocess
import threading

CLONE_NEWNET = 0x40000000
SRV_ADDRESS = "203.0.113.1"
CLI_ADDRESS = "203.0.113.2"

_libc = ctypes.CDLL(None, use_errno=True)


def _ip(*args, check=True):
    result = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=10)
    if check and result.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: exit {result.returncode}: {result.stderr.strip()}")
    return result


def link_up_settled(namespace, device):
    """Brings device up with no IPv6 link-local address. The kernel would add
    one about 1.5 s after the link is up (duplicate address detection), and
    Chromium takes that late address change for a network change: a page load
    in flight then fails with net::ERR_NETWORK_CHANGED. Without it, every
    change to the links is done when this returns (checked with `ip monitor`)."""
    _ip("-n", namespace, "link", "set", device, "addrgenmode", "none")
    _ip("-n", namespace, "link", "set", device, "up")


def unavailable_reason():
    """Why namespaces cannot be used here, or None."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None:
        return "iproute2's ip is not installed"
    probe = f"cdd-{os.getpid()}-probe"
    result = _ip("netns", "add", probe, check=False)
    if result.returncode != 0:
        return f"cannot create a network namespace: {result.stderr.strip()}"
    _ip("netns", "del", probe, check=False)
    return None


def socket_in(namespace, family=socket.AF_INET, type_=socket.SOCK_STREAM):
    """A socket created inside namespace (it stays there for its whole life).
    setns() switches only the calling thread, so it is done on a short-lived
    thread of its own, which also restores its original namespace."""
    return sockets_in(namespace, 1, family, type_)[0]


def sockets_in(namespace, count, family=socket.AF_INET, type_=socket.SOCK_STREAM):
    """count sockets created inside namespace by one setns() thread."""
    outcome = {"sockets": []}

    def work():
        original = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        try:
            target = os.open(f"/run/netns/{namespace}", os.O_RDONLY | os.O_CLOEXEC)
            try:
                if _libc.setns(target, CLONE_NEWNET) != 0:
                    err = ctypes.get_errno()
                    raise OSError(err, f"setns({namespace}): {os.strerror(err)}")
                try:
                    for _ in range(count):
                        outcome["sockets"].append(socket.socket(family, type_))
                finally:
                    if _libc.setns(original, CLONE_NEWNET) != 0:
                        err = ctypes.get_errno()
                        outcome["restore_error"] = OSError(err, os.strerror(err))
            finally:
                os.close(target)
        except BaseException as exc:  # reported on the caller's thread
            outcome["error"] = exc
        finally:
            os.close(original)

    thread = threading.Thread(target=work, name=f"setns-{namespace}")
    thread.start()
    thread.join(timeout=10)
    if thread.is_alive():
        raise RuntimeError("setns thread did not finish")
    if "error" in outcome or "restore_error" in outcome:
        for sock in outcome["sockets"]:
            sock.close()
        raise outcome.get("error") or outcome["restore_error"]
    return outcome["sockets"]


def add_address(namespace, device, address):
    """One more address (a /24 in the pair's subnet) on device, inside
    namespace: a LAN of many clients. It goes with the namespace."""
    _ip("-n", namespace, "addr", "add", f"{address}/24", "dev", device)


def connector(namespace):
    """A `connect(host, port, timeout)` for e2elib.web whose socket lives in namespace."""
    def connect(host, port, timeout):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket_in(namespace, family)
        try:
            sock.settimeout(timeout)
            sock.connect((host, port))
        except BaseException:
            sock.close()
            raise
        return sock
    return connect


def lose_bare_acks(namespace, device):
    """From now on, no bare TCP acknowledgement (flags exactly ACK: no data,
    no SYN, FIN or RST) leaves namespace through device: tc redirects them to
    a veth that is down, where they vanish. The printer's side then behaves
    as a stack whose acknowledgements are late or lost (embedded stacks delay
    them up to 200 ms): the till learns that its bytes arrived only from
    what else the printer sends, data, FIN or RST. Returns the undo."""
    sink = "ack-sink"
    _ip("-n", namespace, "link", "add", sink, "type", "veth", "peer", "name", f"{sink}-peer")

    def tc(*args, check=True):
        result = subprocess.run(["tc", "-n", namespace, *args], capture_output=True, text=True,
                                timeout=10)
        if check and result.returncode != 0:
            raise RuntimeError(f"tc {' '.join(args)}: exit {result.returncode}: "
                               f"{result.stderr.strip()}")

    def undo():
        tc("qdisc", "del", "dev", device, "clsact", check=False)
        _ip("-n", namespace, "link", "del", sink, check=False)

    try:
        tc("qdisc", "add", "dev", device, "clsact")
        # IPv4 without options (20 bytes): the TCP flags are byte 20 + 13
        tc("filter", "add", "dev", device, "egress", "protocol", "ip", "prio", "1", "u32",
           "match", "ip", "protocol", "6", "0xff", "match", "u8", "0x10", "0xff", "at", "33",
           "action", "mirred", "egress", "redirect", "dev", sink)
    except BaseException:
        undo()
        raise
    return undo


class NamespacePair:
    """cdd-<pid>-<n>-srv (203.0.113.1/24) and cdd-<pid>-<n>-cli (203.0.113.2/24)."""

    _counter = 0

    def __init__(self):
        NamespacePair._counter += 1
        stem = f"cdd-{os.getpid()}-{NamespacePair._counter}"
        self.srv = f"{stem}-srv"
        self.cli = f"{stem}-cli"
        self.created = []

    def create(self):
        for name in (self.srv, self.cli):
            _ip("netns", "add", name)
            self.created.append(name)
        # Both ends are born inside the namespaces: the root namespace never sees them.
        _ip("-n", self.srv, "link", "add", "veth-srv", "type", "veth",
            "peer", "name", "veth-cli", "netns", self.cli)
        for name, dev, address in ((self.srv, "veth-srv", SRV_ADDRESS),
                                   (self.cli, "veth-cli", CLI_ADDRESS)):
            _ip("-n", name, "addr", "add", f"{address}/24", "dev", dev)
            link_up_settled(name, dev)
            _ip("-n", name, "link", "set", "lo", "up")
        return self

    def delete(self):
        errors = []
        for name in reversed(self.created):
            result = _ip("netns", "del", name, check=False)
            if result.returncode != 0:
                errors.append(f"{name}: {result.stderr.strip()}")
        self.created = []
        if errors:
            raise RuntimeError("cannot delete namespaces: " + "; ".join(errors))
