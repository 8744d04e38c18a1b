"""The reference tables (moved from the README to docs/) stay in step with
the program: every option --help lists has its flag and INI key in the
settings table of docs/settings.md; the error table of docs/http-api.md,
the 404 message, --help's endpoints and /metrics' labels are the program's
own tables, as tools/print-tables prints them (never scraped from sources)."""
import re
import subprocess
from pathlib import Path

from conftest import REPO

SETTINGS = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
HTTP_API = (REPO / "docs" / "http-api.md").read_text(encoding="utf-8")


def help_flags(daemon_bin):
    out = subprocess.run([str(daemon_bin), "--help"], capture_output=True, text=True,
                         timeout=10, check=True).stdout
    return re.findall(r"^  (--[a-z-]+)", out, re.MULTILINE)


def test_readme_settings_table_has_every_flag_and_ini_key(daemon_bin):
    flags = help_flags(daemon_bin)
    assert "--printer" in flags and "--timeout-ms" in flags  # the parse found the list
    for flag in flags:
        assert f"`{flag}" in SETTINGS, f"docs/settings.md does not document {flag}"
        if flag in ("--config", "--check-config", "--setup-tls", "--remove-tls", "--help"):
            continue
        key = flag[2:].replace("-", "_")
        assert f"`{key}`" in SETTINGS, f"docs/settings.md does not document the INI key {key}"


def tables(daemon_bin):
    """The program's own outcome and endpoint tables (tools/print-tables.c)."""
    out = subprocess.run([str(Path(daemon_bin).parent / "print-tables")], capture_output=True,
                         text=True, timeout=10, check=True).stdout
    outcomes, endpoints = {}, {}
    for line in out.splitlines():
        kind, *fields = line.split("\t")
        if kind == "outcome":
            code, status, level, message, _log = fields
            outcomes[code] = (int(status), level, message)
        elif kind == "endpoint":
            path, protection, allow = fields
            endpoints[path] = (protection, allow)
    assert "not_local" in outcomes and "/open-cash-drawer" in endpoints
    return outcomes, endpoints


def error_table():
    """docs/http-api.md's error table: {code: set of statuses of its row}."""
    rows = {}
    lines = HTTP_API.splitlines()
    start = lines.index("| HTTP | `error` | when |") + 2
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        status_cell, code_cell = line.split("|")[1:3]
        statuses = {int(s) for s in re.findall(r"\d{3}", status_cell)}
        for code in re.findall(r"`([a-z0-9_]+)`", code_cell):
            rows.setdefault(code, set()).update(statuses)
    return rows


def test_error_table_is_the_programs_outcome_table(daemon_bin):
    outcomes, _ = tables(daemon_bin)
    documented = error_table()
    answered = {code: status for code, (status, _, _) in outcomes.items()
                if status >= 400}
    # every refusal and error the program can answer, with its status
    for code, status in sorted(answered.items()):
        assert code in documented, f"docs/http-api.md's error table lacks {code}"
        assert status in documented[code], f"{code}: {status} in the program, " \
            f"{sorted(documented[code])} in docs/http-api.md"
    # and nothing else: a code the program no longer has is not documented
    assert sorted(set(documented) - set(answered)) == []


def test_unanswered_outcomes_are_documented_with_the_metrics(daemon_bin):
    outcomes, _ = tables(daemon_bin)
    monitoring = (REPO / "docs" / "monitoring.md").read_text(encoding="utf-8")
    for code, (status, _, _) in outcomes.items():
        if status == 0:
            assert f"`{code}`" in monitoring, f"docs/monitoring.md lacks {code}"


def test_help_names_exactly_the_network_endpoints_of_the_table(daemon_bin):
    _, endpoints = tables(daemon_bin)
    network = {path for path, (protection, _) in endpoints.items() if protection == "network"}
    out = subprocess.run([str(daemon_bin), "--help"], capture_output=True, text=True,
                         timeout=10, check=True).stdout
    checked = 0
    for line in out.splitlines():
        if "read /" in line:  # allowed_networks' and token's help
            checked += 1
            listed = re.split(r", repeatable| \(default", line.split("read ", 1)[1])[0]
            named = set(re.findall(r"/[a-z-]*", listed))
            assert named == network, line
    assert checked == 2


def test_not_found_names_every_endpoint_and_metrics_label_them(daemon_bin, start_daemon, printer):
    _, endpoints = tables(daemon_bin)
    daemon = start_daemon(printer.uri)

    message = daemon.get("/nope").json()["message"]
    metrics = daemon.get("/metrics").body.decode()

    assert message == "Ressource introuvable : " + ", ".join(endpoints)
    labels = set(re.findall(r'_count\{endpoint="([^"]+)"\}', metrics))
    assert labels == set(endpoints) | {"other"}
