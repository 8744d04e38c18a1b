"""The Windows service under Wine's service manager: --install-service
registers it (automatic, with its options on the command line the manager
runs), `sc start` runs it (it answers and opens the drawer through the
spooler), `sc stop` stops it with the log flushed, --uninstall-service
removes it. Not testable under Wine: the restart-after-failure settings
(Wine's ChangeServiceConfig2W refuses SERVICE_CONFIG_FAILURE_ACTIONS with
error 124) and a real system shutdown."""

from e2elib import expect, logfile, web
from e2elib.cupsd import free_port
from e2elib.wine import registry_value, wait_for, windows_path

SERVICE_KEY = r"HKLM\System\CurrentControlSet\Services\cashdrawerd"


def log_messages(path):
    return logfile.messages(logfile.read_lines(path)) if path.exists() else []


def test_install_start_open_stop_uninstall(exe, prefix, tmp_path, printer_marks):
    port = free_port()
    log_dir = tmp_path / "service logs"
    log_path = log_dir / "cashdrawer.log"
    # Wine stops its services once no ordinary Wine program runs.
    keeper = prefix.keeper()
    try:
        installed = prefix.run(["wine", exe, "--install-service", "--port", str(port),
                                "--log-dir", windows_path(log_dir), "--printer", "TICKET"])
        out = installed.stdout.decode("utf-8")
        assert "Service cashdrawerd installed" in out
        image = registry_value(prefix, SERVICE_KEY, "ImagePath")
        assert image == (f'"{windows_path(exe)}" --service --port {port} --log-dir '
                         f'"{windows_path(log_dir)}" --printer TICKET')
        assert registry_value(prefix, SERVICE_KEY, "Start") == "0x2"  # automatic

        prefix.run(["wine", "sc", "start", "cashdrawerd"])
        wait_for(lambda: any(m.startswith("Service démarré") for m in log_messages(log_path)),
                 "no start-up line")
        wait_for(lambda: b"RUNNING" in prefix.run(["wine", "sc", "query", "cashdrawerd"]).stdout,
                 "not RUNNING")
        resp = web.get("/open-cash-drawer", port=port)
        expect.assert_json(resp, 200, expect.OPENED_UNREAD)
        assert printer_marks.new() == [expect.KICK_DEFAULT]

        prefix.run(["wine", "sc", "stop", "cashdrawerd"])
        wait_for(lambda: log_messages(log_path)[-1:] == ["Service arrêté"], "not stopped")
        messages = log_messages(log_path)
        assert messages[-3:] == [expect.OPENED_LINE.format(peer="127.0.0.1"),
                                 "Arrêt demandé (arrêt du service)", "Service arrêté"]
        assert [m for m in messages if m.startswith("Service démarré")] == [messages[0]]

        removed = prefix.run(["wine", exe, "--uninstall-service"])
        assert "Service cashdrawerd removed." in removed.stdout.decode("utf-8")
        assert registry_value(prefix, SERVICE_KEY, "ImagePath") is None
    finally:
        prefix.run(["wine", exe, "--uninstall-service"], check=False)
        prefix.stop_keeper(keeper)


def test_install_refuses_bad_settings_and_registers_nothing(exe, prefix):
    result = prefix.run(["wine", exe, "--install-service", "--pin", "3"], check=False)

    assert result.returncode == 2
    err = result.stderr.decode("utf-8")
    assert "--pin: 3 is not a drawer pin" in err
    assert "service not installed: fix the settings above" in err
    assert registry_value(prefix, SERVICE_KEY, "ImagePath") is None


def test_uninstall_when_not_installed_says_so(exe, prefix):
    result = prefix.run(["wine", exe, "--uninstall-service"], check=False)

    assert result.returncode == 1
    assert "(it is not installed)" in result.stderr.decode("utf-8")


def test_service_flag_outside_the_service_manager_explains(exe, prefix):
    result = prefix.run(["wine", exe, "--service"], check=False)

    assert result.returncode == 1
    assert "--service is how the Windows service manager starts the service" in (
        result.stderr.decode("utf-8"))
