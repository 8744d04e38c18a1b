#!/usr/bin/env bash
# `make bench`, part 3b: start-up time, from exec to the first answered
# request (GET /status?printer=cached, which never waits for the printer),
# and stop time, from SIGTERM to exit; STARTS (default 20) starts, medians.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/cashdrawerd-bench-start.XXXX)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
trap bench_cleanup EXIT

echo "== 3b. start-up and stop =="
/usr/bin/python3 - "$build/cashdrawerd" "$work" "${STARTS:-20}" >"$work/times" <<'EOF'
import http.client, signal, socket, subprocess, sys, time

binary, work, starts = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(starts):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    begin = time.monotonic()
    daemon = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                               "--printer", f"file:{work}/printer.bin", "--log-dir", f"{work}/logs",
                               "--log-console", "false"])
    ready = rc = None
    try:
        while time.monotonic() - begin < 10:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/status?printer=cached")
                if conn.getresponse().status == 200:
                    ready = time.monotonic() - begin
                    break
            except OSError:
                time.sleep(0.0005)
        stop = time.monotonic()
        daemon.send_signal(signal.SIGTERM)
        rc = daemon.wait(timeout=10)
        stopped = time.monotonic() - stop
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
    if ready is None or rc != 0:
        sys.exit(f"start {i}: ready={ready} rc={rc}")
    print(f"{ready * 1000:.2f} {stopped * 1000:.2f}")
EOF
start_ms=$(awk '{print $1}' "$work/times" | median)
stop_ms=$(awk '{print $2}' "$work/times" | median)
echo "  $(wc -l <"$work/times") starts: ready after $start_ms ms (median, max $(awk '{print $1}' "$work/times" | sort -n | tail -1)), stopped $stop_ms ms after SIGTERM (median)"
result startup_ms "$start_ms"
result stop_ms "$stop_ms"
