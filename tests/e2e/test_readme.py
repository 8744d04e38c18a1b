"""The README's reference tables stay in step with the program: every
option --help lists has its flag and INI key in the settings table, and
every machine code the daemon can answer is in the error table."""
import re
import subprocess

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def help_flags(daemon_bin):
    out = subprocess.run([str(daemon_bin), "--help"], capture_output=True, text=True,
                         timeout=10, check=True).stdout
    return re.findall(r"^  (--[a-z-]+)", out, re.MULTILINE)


def test_readme_settings_table_has_every_flag_and_ini_key(daemon_bin):
    flags = help_flags(daemon_bin)
    assert "--printer" in flags and "--timeout-ms" in flags  # the parse found the list
    for flag in flags:
        assert f"`{flag}" in README, f"README does not document {flag}"
        if flag in ("--config", "--check-config", "--help"):
            continue
        key = flag[2:].replace("-", "_")
        assert f"`{key}`" in README, f"README does not document the INI key {key}"


def test_readme_error_table_has_every_machine_code():
    sources = "".join(p.read_text(encoding="utf-8") for p in (REPO / "src").rglob("*.c"))
    # codes answered by the daemon: the string returned by *_error_code and
    # passed to respond_error
    codes = set(re.findall(r'return "((?:printer|service)_[a-z_]+)";', sources))
    codes |= set(re.findall(r'respond_error\([^;]*?MHD_HTTP_[A-Z_]+,\s*"([a-z_]+)"', sources,
                            re.DOTALL))
    # and the access refusals, named by access_outcome_code in src/admission/access.c
    codes |= set(re.findall(r'case ACCESS_[A-Z_]+:\s*return "([a-z_]+)";', sources))
    # and the body refusals of src/http/request_body.c: {status, "code", message}
    codes |= set(re.findall(r'struct request_body_refusal\)\{\s*\d{3},\s*"([a-z_]+)"', sources))
    assert {"printer_refused", "not_local", "bad_date", "origin_not_allowed",
            "token_invalid", "body_not_allowed"} <= codes  # the scan works
    for code in sorted(codes):
        assert f"`{code}`" in README, f"README's error table lacks {code}"
