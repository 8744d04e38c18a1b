"""Checks one soak run (bench/soak.sh) and prints its figures: the load
generators' counts against the daemon's log line for line, the printer's
bytes, the daemon's /status, its exit, the sanitizer's or valgrind's
reports, and resident memory from the warm-up to the end.
Exit 0 when every check passed."""
import argparse
import collections
import glob
import json
import os
import re
import subprocess
import sys

LINE = re.compile(r"^(\d{4}-\d\d-\d\d) \d\d:\d\d:\d\d,\d{3} - (INFO|WARNING|ERROR) - (.*)$")
ACCESS = re.compile(r"^(\S+) (\S+) (\S+) (\d{3}) (\S+)(?: - .*)?$")
# URI "-": bytes that formed no request line (malformed, or timeout)
UNANSWERED = re.compile(r"^(\S+) - (\S+) - (rejected|client_gone|timeout|shutdown|malformed) - ")
# a client's lines beyond its budget, summed up (src/log/rotlog_limit.c)
SUMMARY = re.compile(r"^(\d+) requêtes de plus de (.+?) non écrites depuis ")
LOOPBACK_PEERS = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}
LAN_PEERS = {"10.99.0.2", "::ffff:10.99.0.2"}
KICK = bytes.fromhex("1b 70 00 19 fa")
# the daemon's own lines of a start and a stop (the soak's daemon has no
# HTTPS certificate: said at start, issue 16)
EXPECTED_INFO = ("Service démarré", "Origines autorisées", "Accès réseau", "Arrêt demandé (SIGTERM)",
                 "Service arrêté", "HTTPS pas en place : ")
# resident memory may grow this much from the warm-up to the end: 5 % of the
# gcc build's, 10 % under ASan, whose allocator keeps freed memory in its
# quarantine and per-size caches (the gcc run is the honest measure)
RSS_MARGIN_PERCENT = {"asan": 10.0}
RSS_MARGIN_FLOOR_KIB = 512


class Checks:
    def __init__(self):
        self.failed = []

    def expect(self, ok, what):
        if not ok:
            self.failed.append(what)
        return ok


def load_reports(directory):
    reports = {}
    for stage in ("warmup", "soak"):
        for mix in ("loopback", "lan"):
            path = os.path.join(directory, f"{stage}-{mix}.json")
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    reports[(stage, mix)] = json.load(f)
    return reports


def log_files(directory, archive_day):
    """Today's log last, after any day archived during the run (never ours)."""
    logs = os.path.join(directory, "logs")
    archives = sorted(name for name in os.listdir(logs)
                      if name.startswith("cashdrawer.log.") and not name.endswith(archive_day))
    return [os.path.join(logs, name) for name in archives] + [os.path.join(logs, "cashdrawer.log")]


def read_log(directory, archive_day):
    access = {"loopback": collections.Counter(), "lan": collections.Counter()}
    unanswered = {"loopback": collections.Counter(), "lan": collections.Counter()}
    http_lines = collections.Counter()
    open_gets = collections.Counter()
    summed = collections.Counter()
    other, dates, total = [], set(), 0
    last = None
    for path in log_files(directory, archive_day):
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                total += 1
                line = line.rstrip("\n")
                m = LINE.match(line)
                if not m:
                    other.append(line)
                    continue
                date, level, message = m.groups()
                dates.add(date)
                last = message
                a = ACCESS.match(message)
                u = UNANSWERED.match(message) if not a else None
                peer = (a or u).group(1) if (a or u) else None
                where = "loopback" if peer in LOOPBACK_PEERS else "lan" if peer in LAN_PEERS else None
                if a and where:
                    _, method, path_, status, outcome = a.groups()
                    access[where][(int(status), outcome)] += 1
                    if method == "GET" and path_ == "/open-cash-drawer":
                        open_gets[(int(status), outcome)] += 1
                elif u and where:
                    unanswered[where][u.group(3)] += 1
                elif level == "WARNING" and SUMMARY.match(message):
                    count, key = SUMMARY.match(message).groups()
                    summed["loopback" if key in LOOPBACK_PEERS else
                           "lan" if key in LAN_PEERS else key] += int(count)
                elif level == "WARNING" and message.startswith("HTTP : "):
                    http_lines[re.sub(r" \(.*", "", message[7:])[:90]] += 1
                elif level == "INFO" and message.startswith(EXPECTED_INFO):
                    pass
                else:
                    other.append(line)
    return {"access": access, "unanswered": unanswered, "http": http_lines, "open_gets": open_gets,
            "summed": summed, "other": other, "dates": dates, "total": total, "last": last}


def parse_dump(path):
    """Kicks and DLE EOT queries; the offset of anything else."""
    data = open(path, "rb").read() if os.path.exists(path) else b""
    kicks, queries, i = 0, collections.Counter(), 0
    while i < len(data):
        if data[i:i + 5] == KICK:
            kicks += 1
            i += 5
        elif data[i:i + 2] == b"\x10\x04" and i + 2 < len(data) and data[i + 2] in (1, 2, 3, 4):
            queries[data[i + 2]] += 1
            i += 3
        else:
            return kicks, queries, i, data[i:i + 16]
    return kicks, queries, None, b""


def read_rss(path):
    rows = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                label, elapsed, rss, hwm, fds = line.split()
                rows.append((label, int(elapsed), int(rss), int(hwm), int(fds)))
    return rows


def expected_lines(reports, probes):
    """What the generators (and the script's curl probes) owe the log."""
    access = {"loopback": collections.Counter(), "lan": collections.Counter()}
    totals = collections.Counter()
    for (_, mix), report in reports.items():
        for entry in report["access_lines"]:
            access[mix][(entry["status"], entry["outcome"])] += entry["count"]
        totals[f"{mix}_rejected"] += report["rejected_lines"]
        totals[f"{mix}_gone"] += report["gone_lines"]
        totals[f"{mix}_malformed"] += report["malformed_lines"]
        totals[f"{mix}_cut_line"] += report["cut_line_lines"]
        for key in ("opened", "coalesced", "requests", "failures", "connections", "bytes_received"):
            totals[key] += report[key]
        totals["time_up"] += report["time_up"]
        totals["short"] += report["requests"] < report["requests_asked"]
    for code in probes:
        access["loopback"][(int(code), "ok")] += 1
    return access, totals


def read_treatments(print_tables):
    """outcome code -> how its line is written (routine, always, limited,
    noise), from the program's own table (tools/print-tables.c)."""
    out = subprocess.run([print_tables], capture_output=True, text=True, timeout=10,
                         check=True).stdout
    return {fields[1]: fields[5] for fields in (line.split("\t") for line in out.splitlines())
            if fields[0] == "outcome"}


def split_limited(counter, treatments, where):
    """(lines always written, lines a client's budget may leave out): from
    the LAN, ALWAYS lines are limited too (src/base/outcome.h)."""
    exact, limited = collections.Counter(), collections.Counter()
    for (status, outcome), n in counter.items():
        kind = treatments.get(outcome, "unknown")
        written_at_once = kind == "routine" or (kind == "always" and where == "loopback")
        (exact if written_at_once else limited)[(status, outcome)] += n
    return exact, limited


def kind_table(reports):
    """Per kind over warm-up and soak: sent, and answers by status."""
    table = collections.OrderedDict()
    for (stage, mix), report in sorted(reports.items(), key=lambda item: (item[0][1], item[0][0])):
        for kind in report["kinds"]:
            row = table.setdefault(kind["name"], {"sent": 0, "closed": 0, "failures": 0,
                                                  "status": collections.Counter()})
            row["sent"] += kind["sent"]
            row["closed"] += kind["closed"]
            row["failures"] += kind["failures"]
            row["status"].update({int(k): v for k, v in kind["status"].items()})
    return table


def diff(expected, actual):
    keys = sorted(set(expected) | set(actual), key=str)
    return ", ".join(f"{k}: expected {expected.get(k, 0)}, logged {actual.get(k, 0)}"
                     for k in keys if expected.get(k, 0) != actual.get(k, 0))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--archive-day", required=True)
    parser.add_argument("--daemon", required=True)
    parser.add_argument("--tables", required=True, help="tools/print-tables, built with the daemon")
    args = parser.parse_args()
    d = args.dir
    checks = Checks()

    reports = load_reports(d)
    checks.expect(len(reports) == 4, f"generator reports: {len(reports)} of 4")
    probes = open(os.path.join(d, "probes")).read().split()
    access_expected, totals = expected_lines(reports, probes)
    log = read_log(d, args.archive_day)
    treatments = read_treatments(args.tables)
    kicks, queries, bad_offset, bad_bytes = parse_dump(os.path.join(d, "dump"))
    status = {}
    if os.path.exists(os.path.join(d, "status.json")):
        with open(os.path.join(d, "status.json"), encoding="utf-8") as f:
            status = json.load(f)
    rc_text = open(os.path.join(d, "daemon.rc")).read().split() if os.path.exists(
        os.path.join(d, "daemon.rc")) else ["?", "?"]
    seconds = int(open(os.path.join(d, "seconds")).read())
    soak_requests = sum(r["requests"] for (stage, _), r in reports.items() if stage == "soak")
    warm_requests = sum(r["requests"] for (stage, _), r in reports.items() if stage == "warmup")
    soak_seconds = max((r["seconds"] for (stage, _), r in reports.items() if stage == "soak"), default=0)

    print(f"soak {args.kind}: {soak_requests} requests (+{warm_requests} warm-up) in {soak_seconds:.0f} s "
          f"of load ({soak_requests / soak_seconds if soak_seconds else 0:.0f} req/s), {seconds} s in all; "
          f"{totals['connections']} connections, {totals['bytes_received'] / 2**20:.0f} MiB received")
    for (stage, mix), r in sorted(reports.items()):
        print(f"  {stage:6} {mix:8} {r['requests']:>8} requests in {r['seconds']:7.1f} s, "
              f"{r['failures']} unexpected")

    # 1. every answer the designed one
    checks.expect(totals["failures"] == 0, f"{totals['failures']} unexpected answers (see above)")
    checks.expect(totals["time_up"] == 0 and totals["short"] == 0,
                  "a generator stopped at SOAK_MAX_SECONDS before its count")
    print("  kind                          sent  answers by status (closed: no answer, as designed)")
    for name, row in kind_table(reports).items():
        answers = " ".join(f"{s}:{n}" for s, n in sorted(row["status"].items()))
        closed = f" closed:{row['closed']}" if row["closed"] else ""
        bad = f"  UNEXPECTED:{row['failures']}" if row["failures"] else ""
        print(f"    {name:26} {row['sent']:>8}  {answers}{closed}{bad}")

    # 2. the log: a line per request, as the generators counted them; what a
    # client's budget left out (src/log/rotlog_limit.c) is summed up in its
    # summary lines, so every request is accounted for, line or count
    for where in ("loopback", "lan"):
        expected_exact, expected_limited = split_limited(access_expected[where], treatments, where)
        logged_exact, logged_limited = split_limited(log["access"][where], treatments, where)
        checks.expect(expected_exact == logged_exact,
                      f"{where} access lines differ: {diff(expected_exact, logged_exact)}")
        invented = {k: n for k, n in logged_limited.items() if n > expected_limited.get(k, 0)}
        checks.expect(not invented, f"{where} more lines than requests: {invented}")
        logged = log["unanswered"][where]
        checks.expect(logged["rejected"] <= totals[f"{where}_rejected"],
                      f"{where} 'rejected' lines: {logged['rejected']}, "
                      f"expected at most {totals[f'{where}_rejected']}")
        # a request line cut short is "malformed", or "timeout" when the
        # library missed the end of the stream: bounded together
        gone = logged["client_gone"] + logged["timeout"] + logged["malformed"]
        owed = totals[f"{where}_gone"] + totals[f"{where}_malformed"] + totals[f"{where}_cut_line"]
        checks.expect(gone <= owed, f"{where} client_gone+timeout+malformed lines: {gone}, "
                                    f"expected at most {owed}")
        checks.expect(logged["shutdown"] == 0,
                      f"{where}: {logged['shutdown']} requests cut by the stop")
        limited_owed = sum(expected_limited.values()) + totals[f"{where}_rejected"] + owed
        limited_logged = sum(logged_limited.values()) + logged["rejected"] + gone
        checks.expect(limited_logged + log["summed"][where] == limited_owed,
                      f"{where} limited requests: {limited_logged} lines + {log['summed'][where]} "
                      f"summed up, expected {limited_owed}")
        print(f"  {where}: {sum(logged_exact.values())} lines always written; of {limited_owed} "
              f"limited requests {limited_logged} written, {log['summed'][where]} summed up")
    strays = {k: n for k, n in log["summed"].items() if k not in ("loopback", "lan")}
    checks.expect(not strays, f"summary lines for other clients: {strays}")
    checks.expect(not log["other"], f"{len(log['other'])} unexpected log lines, first: {log['other'][:5]}")
    checks.expect(log["last"] == "Service arrêté", f"the log's last line is {log['last']!r}")
    refused = sum(n for (s, _), n in log["open_gets"].items() if 400 <= s < 500)
    print(f"  log: {log['total']} lines; loopback "
          f"{log['unanswered']['loopback']['rejected']} rejected, "
          f"{log['unanswered']['loopback']['client_gone']} client_gone, "
          f"{log['unanswered']['loopback']['timeout']} timeout, "
          f"{log['unanswered']['loopback']['malformed']} malformed; LAN "
          f"{log['unanswered']['lan']['rejected']} rejected, {log['unanswered']['lan']['client_gone']} "
          f"client_gone, {log['unanswered']['lan']['timeout']} timeout, "
          f"{log['unanswered']['lan']['malformed']} malformed; "
          f"{refused} GET /open-cash-drawer refusals logged")
    for message, n in log["http"].most_common():
        print(f"    {n:>7} x 'HTTP : {message}'")
    # every request, malformed ones included, has its own line with the
    # client's address: the library's messages about one (naming no client)
    # are left out, and nothing else of it is expected here
    checks.expect(not log["http"], f"{sum(log['http'].values())} 'HTTP : ' lines (see above)")

    # 3. the printer: kicks only for openings, nothing but kicks and status queries
    opened_lines = log["access"]["loopback"][(200, "opened")]
    coalesced_lines = log["access"]["loopback"][(200, "coalesced")]
    checks.expect(bad_offset is None, f"printer received unexpected bytes at offset {bad_offset}: "
                                      f"{bad_bytes.hex(' ')}")
    checks.expect(kicks == opened_lines == totals["opened"],
                  f"kicks {kicks}, 'opened' lines {opened_lines}, openings answered {totals['opened']}")
    checks.expect(coalesced_lines == totals["coalesced"],
                  f"'coalesced' lines {coalesced_lines}, answered {totals['coalesced']}")
    drawer = status.get("drawer", {})
    checks.expect(drawer.get("pulses") == kicks and drawer.get("coalesced") == totals["coalesced"]
                  and drawer.get("failures") == 0, f"/status drawer {drawer}")
    print(f"  printer: {kicks} kicks (1B 70 00 19 FA) = {opened_lines} 'opened' lines = /status pulses "
          f"{drawer.get('pulses')}; {totals['coalesced']} openings coalesced; DLE EOT queries "
          f"{dict(sorted(queries.items()))}; nothing else")
    if len(log["dates"]) == 1 and status.get("today"):
        today = status["today"]
        checks.expect(today["opened"] == opened_lines and today["coalesced"] == coalesced_lines
                      and refused <= today["refused"] <= refused + sum(log["summed"].values())
                      and today["printer_errors"] == 0,
                      f"/status today {today}")
    log_health = status.get("log", {})
    connections = status.get("security", {}).get("connections", {})
    checks.expect(log_health.get("ok") is True and log_health.get("write_failures") == 0,
                  f"/status log {log_health}")
    checks.expect(connections.get("refused") == 0, f"connections refused by the caps: {connections}")
    print(f"  /status: log ok {log_health.get('ok')}, {log_health.get('lines_written')} lines written, "
          f"write failures {log_health.get('write_failures')}; connections refused "
          f"{connections.get('refused')}, cut at request_timeout_s {connections.get('timed_out')}")

    # 4. the stop, the sanitizer, valgrind
    checks.expect(rc_text[0] == "0", f"daemon exit code {rc_text[0]} after SIGTERM")
    print(f"  stop: SIGTERM -> exit code {rc_text[0]} in {rc_text[1]} s")
    daemon_out = open(os.path.join(d, "daemon.out"), encoding="utf-8", errors="replace").read()
    if args.kind != "valgrind":
        checks.expect(daemon_out == "", f"the daemon wrote to stderr: {daemon_out[:2000]}")
    if args.kind == "asan":
        reports_found = glob.glob(os.path.join(d, "asan*")) + glob.glob(os.path.join(d, "ubsan*"))
        for path in reports_found:
            print(open(path, encoding="utf-8", errors="replace").read()[:4000])
        checks.expect(not reports_found, f"sanitizer reports: {reports_found}")
        print(f"  AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer: "
              f"{len(reports_found)} reports (detect_leaks=1, halt_on_error=1)")
    if args.kind == "valgrind":
        text = open(os.path.join(d, "valgrind.log"), encoding="utf-8", errors="replace").read()
        summary = [re.sub(r"^==\d+== ", "", line) for line in text.splitlines()
                   if re.search(r"(in use at exit|total heap usage|definitely lost|indirectly lost|"
                                r"possibly lost|still reachable|suppressed|ERROR SUMMARY|All heap blocks)",
                                line)]
        for line in summary:
            print(f"  valgrind: {line.strip()}")
        errors = re.search(r"ERROR SUMMARY: (\d+) errors", text)
        checks.expect(errors is not None and errors.group(1) == "0", "valgrind: errors (see valgrind.log)")
        for kind_ in ("definitely", "indirectly"):
            m = re.search(kind_ + r" lost: ([\d,]+) bytes", text)
            checks.expect(m is None or m.group(1) == "0", f"valgrind: {kind_} lost {m and m.group(1)} bytes")
        if errors is None or errors.group(1) != "0":
            print(text[-6000:])

    # 5. resident memory and descriptors from the warm-up to the end
    rows = read_rss(os.path.join(d, "rss"))
    start = next((r for r in rows if r[0] == "start"), None)
    end = next((r for r in rows if r[0] == "end"), None)
    if start and end:
        during = [r[2] for r in rows if r[0] == "during"]
        growth = end[2] - start[2]
        percent = float(os.environ.get("SOAK_RSS_MARGIN_PERCENT",
                                       RSS_MARGIN_PERCENT.get(args.kind, 5.0)))
        margin = max(start[2] * percent / 100, RSS_MARGIN_FLOOR_KIB)
        samples = " ".join(str(r) for r in during[:: max(1, len(during) // 16)])
        print(f"  RSS (KiB): after warm-up {start[2]}, end {end[2]} ({growth:+d}, "
              f"{100 * growth / start[2]:+.1f} %), peak {end[3]}; samples every "
              f"{os.environ.get('SOAK_RSS_PERIOD', '10')} s (at most 16 shown): {samples}")
        print(f"  descriptors: after warm-up {start[4]}, end {end[4]}")
        checks.expect(end[4] <= start[4], f"descriptors grew: {start[4]} -> {end[4]}")
        if args.kind == "valgrind":
            print("  (memcheck's own memory: no verdict on RSS)")
        elif os.environ.get("SOAK_RSS_VERDICT", "1") == "0":
            print("  (SOAK_RSS_VERDICT=0: a run too short to reach its plateau, no verdict on RSS)")
        else:
            # idle to idle (after the warm-up, at the end), and under the load:
            # the last third of the samples against the first third
            third = len(during) // 3
            load_growth = max(during[-third:]) - max(during[:third]) if third >= 2 else 0
            if third >= 2:
                print(f"  RSS under load: highest of the first third of the samples "
                      f"{max(during[:third])}, of the last third {max(during[-third:])} "
                      f"({load_growth:+d})")
            flat = growth <= margin and load_growth <= margin
            print(f"  RSS flat: {'yes' if flat else 'NO'} (allowed growth {margin:.0f} KiB: "
                  f"{percent:g} % of the warm-up's, at least {RSS_MARGIN_FLOOR_KIB} KiB)")
            checks.expect(growth <= margin, f"resident memory grew {growth} KiB (> {margin:.0f})")
            checks.expect(load_growth <= margin,
                          f"resident memory under load grew {load_growth} KiB (> {margin:.0f})")
    else:
        checks.expect(False, "no RSS samples")

    for failure in checks.failed:
        print(f"  FAILED: {failure}")
    print(f"  verdict {args.kind}: {'PASS' if not checks.failed else 'FAIL'}")
    return 0 if not checks.failed else 1


if __name__ == "__main__":
    sys.exit(main())
