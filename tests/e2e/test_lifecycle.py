"""Start and stop: a clean start logs no warning; SIGTERM and SIGINT stop
the service promptly with exit status 0 and the closing lines in the log,
after answering the opening under way, and without any HTTP thread touching
the drawer once it is freed."""
import http.client
import signal
import threading
import time

import pytest

from e2elib import expect, logfile


def test_clean_start_logs_the_start_line_and_no_warning(start_daemon, printer):
    # (an empty allowed_origins is warned about: tests/e2e/test_origin_policy.py)
    daemon = start_daemon(printer.uri, ["--threads", "4", "--allowed-origins", "http://10.99.0.2:8069"])

    lines = daemon.log_lines()

    logfile.assert_all_lines_well_formed(lines)
    assert logfile.messages(lines, "WARNING") == [] and logfile.messages(lines, "ERROR") == []
    assert logfile.messages(lines)[:3] == [
        f"Service démarré (cashdrawerd {daemon_version(daemon)}) : écoute sur [::]:{daemon.port} "
        f"(IPv4 et IPv6), imprimante {printer.uri}, impulsion broche 2 50/500 ms, délai 2000 ms, "
        "intervalle minimal 1000 ms",
        "Origines autorisées : http://10.99.0.2:8069",
        "Accès réseau à /, /status, /metrics et /logs : tout réseau, sans jeton ; connexions : 512 au plus, "
        "32 par adresse du réseau, délais 10 s (requête) et 30 s (inactivité)"]


def daemon_version(daemon):
    return daemon.get("/status").json()["version"]


@pytest.mark.parametrize("signum,name", [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")])
def test_stop_signal_exits_0_within_2_s_and_log_ends_with_service_arrete(
        start_daemon, printer, signum, name):
    daemon = start_daemon(printer.uri)
    expect.assert_json(daemon.get("/open-cash-drawer"), 200, expect.OPENED)

    started = time.monotonic()
    rc = daemon.stop(signum, timeout=2)
    elapsed = time.monotonic() - started

    assert rc == 0
    assert elapsed < 2, f"stopped after {elapsed:.2f} s"
    lines = daemon.log_lines()
    logfile.assert_all_lines_well_formed(lines)
    assert logfile.messages(lines)[-2:] == [f"Arrêt demandé ({name})", "Service arrêté"]
    assert daemon.sanitizer_report() is None


def test_sigterm_during_a_stuck_open_answers_it_then_exits_0(start_daemon, blackhole):
    daemon = start_daemon(blackhole.uri, ["--timeout-ms", "1000"])
    answers = []

    def open_drawer():
        try:
            answers.append(daemon.get("/open-cash-drawer", timeout=5))
        except OSError as exc:
            answers.append(exc)

    client = threading.Thread(target=open_drawer)
    client.start()
    blackhole.wait_connecting()  # the open reached the drawer and hangs on the printer's connect
    started = time.monotonic()
    rc = daemon.stop(signal.SIGTERM, timeout=3)
    elapsed = time.monotonic() - started
    client.join(timeout=5)

    assert rc == 0
    assert elapsed < 1.0 + 1.0, f"stopped after {elapsed:.2f} s"
    assert len(answers) == 1
    assert not isinstance(answers[0], Exception), f"the stuck open got no answer: {answers[0]!r}"
    expect.assert_json(answers[0], 503, expect.printer_error("printer_timeout"))
    assert logfile.messages(daemon.log_lines())[-1] == "Service arrêté"



def test_sigterm_while_keepalive_clients_keep_asking_exits_0_and_never_touches_freed_state(
        start_daemon, printer):
    # Requests keep arriving on open keep-alive connections while the service
    # stops: none may reach the drawer once it is freed (ASan reports it).
    for attempt in range(3):
        daemon = start_daemon(printer.uri, ["--threads", "4", "--min-interval-ms", "0"])
        stop = threading.Event()
        paths = ("/status", "/open-cash-drawer") * 2
        answered = [threading.Event() for _ in paths]

        def hammer(path, answered):
            while not stop.is_set():
                conn = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=2)
                try:
                    while not stop.is_set():
                        conn.request("GET", path)
                        conn.getresponse().read()
                        answered.set()
                except (OSError, http.client.HTTPException):
                    time.sleep(0.001)  # a pause before connecting again, not a wait
                finally:
                    conn.close()

        clients = [threading.Thread(target=hammer, args=(path, event))
                   for path, event in zip(paths, answered)]
        for c in clients:
            c.start()
        try:
            # every client is in its loop, answered at least once, when the stop comes
            for path, event in zip(paths, answered):
                assert event.wait(timeout=5), f"a client of {path} got no answer within 5 s"
            started = time.monotonic()
            rc = daemon.stop(signal.SIGTERM, timeout=5)
            elapsed = time.monotonic() - started
        finally:
            stop.set()
            for c in clients:
                c.join(timeout=5)

        assert daemon.sanitizer_report() is None, daemon.sanitizer_report()
        assert rc == 0, daemon.stderr()
        assert elapsed < 2, f"stopped after {elapsed:.2f} s"
        assert logfile.messages(daemon.log_lines())[-1] == "Service arrêté"
