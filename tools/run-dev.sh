#!/usr/bin/env bash
# `make run`: the printer simulator on 127.0.0.1:$PRINTER_PORT and the daemon
# against it on the default port, in the foreground; Ctrl-C stops both.
set -euo pipefail
build=${1:-build}
port=${PRINTER_PORT:-9100}
sim_out=$(mktemp)

"$build/escpos-sim" --port "$port" > >(tee "$sim_out") 2>&1 &
sim=$!
trap 'kill "$sim" 2>/dev/null || true; rm -f "$sim_out"' EXIT
# Wait (5 s at most) for the simulator to say it listens.
for _ in $(seq 50); do
	grep -q listening "$sim_out" && break
	if ! kill -0 "$sim" 2>/dev/null; then
		echo "make run: the printer simulator did not start (port $port busy? try: make run PRINTER_PORT=9101)" >&2
		exit 1
	fi
	sleep 0.1
done

cat <<MSG

  Printer simulator: tcp://127.0.0.1:$port (prints every command it receives)
  cashdrawerd:       http://localhost:22548  (log: ./logs/cashdrawer.log)

  Try, in another terminal:
    curl http://localhost:22548/open-cash-drawer
    curl http://localhost:22548/status
    curl -OJ http://localhost:22548/logs

  Ctrl-C stops both.

MSG
"$build/cashdrawerd" --printer "tcp://127.0.0.1:$port" --log-dir logs || true
