#!/usr/bin/env python3
"""No English left in what the daemon can write to its log (issue 14).

Reads which sources make up the daemon from the object files the build made
(as tests/layering does) for the daemon and each library its link line
names, follows their quoted includes, and checks every
string literal of that code with the e2e suites' test (tests/e2e/e2elib/
french.py): once the machine parts (codes, setting names, paths, URIs, errno
names, commands, quoted words of other programs) are set aside, no English
word may be left. Every message of the log is such a literal or built from
them: rotlog's lines, the answers' details, the err buffers of the
transports, the drawer and the log file itself, errno_text's words.

What is not the log is named below with why (EXEMPT): the command-line
diagnostics printed before the log exists, and texts that are no messages.
A function named here that does not exist fails the check, so the list
cannot outlive the code. Usage: check_french.py BUILD_DIR"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from e2elib.french import ENGLISH, words_of  # noqa: E402

DAEMON = "cashdrawerd"

# (file, function, "*table", "#MACRO" or "*" for the whole file): why its strings are not log
# messages. Each such text reaches a terminal before the log exists, or
# no one as a message.
EXEMPT = {
    ("src/settings/config.c", "*"): "settings diagnostics, printed before the log exists",
    ("src/settings/config_cli.c", "*"): "--help and command-line diagnostics, before the log",
    ("src/settings/config_ini.c", "*"): "INI file diagnostics, printed before the log exists",
    ("src/settings/config.h", "*"): "the option table: --help's texts",
    ("src/settings/printer_uri.c", "*"): "--printer diagnostics, printed before the log exists",
    ("src/settings/printer_uri_serial.c", "*"): "--printer diagnostics, before the log exists",
    ("src/settings/access_settings.c", "*"): "a _Static_assert's text",
    # The access policy, the kick's timing: checked with the settings first
    # (config_validate); the start only builds them again from values
    # already accepted, so their refusals never reach the log.
    ("src/admission/origin.c", "*"): "allowed_origins diagnostics, checked before the log",
    ("src/admission/cidr.c", "*"): "allowed_networks diagnostics, checked before the log",
    ("src/admission/access.c", "access_policy_init"): "settings refusals, checked before the log",
    ("src/drawer/escpos.c", "escpos_check_pin"): "pin diagnostics, checked before the log",
    ("src/drawer/escpos.c", "escpos_check_pulse_ms"): "pulse diagnostics, checked before the log",
    ("src/drawer/escpos.c", "escpos_check_realtime_pulse_ms"): "the same, for realtime kicks",
    ("src/drawer/escpos.c", "escpos_kick_check"): "pin = both with kick, checked before the log",
    ("src/main.c", "main"): "--check-config's verdict and settings refusals on stderr",
    ("src/main.c", "load_settings"): "settings refusals on stderr, before the log exists",
    ("src/main_win32.c", "*"): "console diagnostics before the settings are read",
    ("src/platform/service_win32.c", "print_failure"): "--install-service's console output",
    ("src/platform/service_win32.c", "service_win32_install"): "--install-service's console output",
    ("src/platform/service_win32.c", "service_win32_uninstall"): "--uninstall-service's console output",
    ("src/platform/service_win32.c", "remove_event_source"): "--uninstall-service's console output",
    ("src/platform/eventlog_win32.c", "describe"): "--install-service's console output",
    ("src/platform/eventlog_win32.c", "eventlog_register"): "--install-service's console output",
    ("src/platform/eventlog_win32.c", "eventlog_unregister"): "--uninstall-service's output",
    ("src/base/compat_win32.c", "compat_strerror"): "strerror for the English diagnostics above",
    # not messages
    ("src/status/metrics_format.c", "*"): "/metrics: Prometheus HELP texts, not the log",
    ("src/status/page.c", "*"): "the status page's HTML, style and script, not the log",
    ("src/http/answer.c", "add_headers"): "HTTP header values (RFC 6750 challenges)",
    ("src/http/jsonrpc.c", "#ODOO_ERROR_MESSAGE"): "Odoo's JSON-RPC error message: its protocol's",
    ("src/http/mhd_log.c", "*mhd_request_messages"): "libmicrohttpd's own words, matched to translate",
    ("src/http/mhd_log.c", "#TLS_HANDSHAKE_FAILED"): "libmicrohttpd's own words, matched to drop",
}

# Texts the log writes that live in a file EXEMPT as a whole: checked all
# the same.
LOG_TEXTS = {
    ("src/settings/config.c", "config_retired_warnings"),  # "Réglage … ignoré" at start
    ("src/settings/config.h", "#CONFIG_RETIRED_OPTIONS"),  # why each is gone, in that line
}

LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"')
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


def targets(build):
    """The daemon and the libraries of this build it links (its link line)."""
    found, base = {DAEMON}, build / "CMakeFiles" / f"{DAEMON}.dir"
    for name in ("link.txt", "linkLibs.rsp"):
        if (base / name).is_file():
            for library in re.findall(r"\blib(\w+)\.a\b", (base / name).read_text()):
                if (build / "CMakeFiles" / f"{library}.dir").is_dir():
                    found.add(library)
    return found


def object_sources(build):
    sources = set()
    for target in targets(build):
        base = build / "CMakeFiles" / f"{target}.dir"
        for obj in [*base.rglob("*.o"), *base.rglob("*.obj")]:
            source = obj.relative_to(base).with_suffix("")
            if (ROOT / source).is_file():
                sources.add(str(source))
    return sources


def with_headers(sources):
    """sources and every header of src/ they include, directly or not."""
    todo, seen = list(sources), set()
    while todo:
        source = todo.pop()
        if source in seen:
            continue
        seen.add(source)
        text = (ROOT / source).read_text(encoding="utf-8")
        for name in re.findall(r'^#include "([^"]+)"', text, re.M):
            for candidate in (Path(source).parent / name, Path("src") / name):
                if (ROOT / candidate).is_file():
                    todo.append(str(candidate))
                    break
    return seen


def blank_comments(text):
    """text with its comments turned to spaces (lines kept), literals intact."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("/*", i):
            j = text.index("*/", i + 2) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text[i] in "\"'":
            quote, j = text[i], i + 1
            while text[j] != quote:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def functions(text):
    """(start, end, name) of each top-level block: a function's body, or an
    initialised table (named after the variable)."""
    spans, depth, start, last_end = [], 0, 0, 0
    for i, c in enumerate(text):
        if c == "{":
            if depth == 0:
                start = i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                head = text[last_end:start]
                head = head[max(head.rfind(";"), head.rfind("}"), head.rfind("#")) + 1:]
                call = re.search(r"(\w+)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*$", head.strip())
                table = re.search(r"(\w+)\s*\[[^\]]*\]\s*=\s*$", head.strip())
                name = call[1] if call else "*" + table[1] if table else None
                spans.append((start, i + 1, name))
                last_end = i + 1
    return spans


def unescape(literal):
    return re.sub(r"\\(.)", lambda m: {"n": " ", "t": " ", "r": " "}.get(m[1], m[1]), literal[1:-1])


def defines(text):
    """(start, end, "#NAME") of each macro, its continued lines included."""
    return [(m.start(), m.end(), "#" + m[1])
            for m in re.finditer(r"^[ \t]*#[ \t]*define[ \t]+(\w+)(?:.*\\\n)*.*$", text, re.M)]


def check_file(source, exempt, checked):
    """English strings of source but those of the blocks in exempt (all
    but those in checked when exempt holds "*"); and the names found."""
    text = blank_comments((ROOT / source).read_text(encoding="utf-8"))
    macros, spans = defines(text), functions(text)
    found_names = {name for _, _, name in spans + macros}
    problems = []
    for match in re.finditer(r'(?:"(?:[^"\\\n]|\\.)*"\s*)+', text):
        owner = next((name for start, end, name in macros + spans
                      if start <= match.start() < end), None)
        if owner in exempt or ("*" in exempt and owner not in checked):
            continue
        literal = "".join(unescape(part) for part in LITERAL.findall(match.group(0)))
        if IDENTIFIER.match(literal):
            continue  # a JSON key or value, a code, a keyword: a machine field
        english = [w for w in words_of(literal) if w.lower() in ENGLISH]
        if english:
            line = text.count("\n", 0, match.start()) + 1
            problems.append(f"{source}:{line}: {literal!r}\n    English: {', '.join(english)}")
    return problems, found_names


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sources = object_sources(Path(sys.argv[1]))
    if not sources:
        raise SystemExit(f"check_french: no object files of {DAEMON} in {sys.argv[1]}")
    problems = [f"{path}: named in EXEMPT or LOG_TEXTS, but there is no such file"
                for path, _ in {*EXEMPT, *LOG_TEXTS} if not (ROOT / path).is_file()]
    for source in sorted(with_headers(sources)):
        exempt = {function for (path, function) in EXEMPT if path == source}
        checked = {function for (path, function) in LOG_TEXTS if path == source}
        found, names = check_file(source, exempt, checked)
        problems += found
        problems += [f"{source}: EXEMPT or LOG_TEXTS names {function}, which is not there any "
                     "more" for function in (exempt | checked) - names - {"*"}]
    if problems:
        print("Strings in English where the log reads them (issue 14: every log message in "
              "French; machine parts aside):\n" + "\n".join(problems))
        return 1
    print(f"check_french: {len(with_headers(sources))} files, no English message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
