#!/usr/bin/env bash
# `make run`: the printer simulator on 127.0.0.1:$PRINTER_PORT and the daemon
# against it on the default port. Lines typed here go to the simulator
# (paper out, drawer open, cover open, offline...); Ctrl-C stops both.
set -euo pipefail
build=${1:-build}
port=${PRINTER_PORT:-9100}
work=$(mktemp -d)
sim="" daemon=""
cleanup() {
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
	[ -n "$sim" ] && kill "$sim" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

# What the simulator prints (GS v 0 receipts) lands here as PNG files.
receipts=$(cd "$build" && pwd)/receipts
mkdir -p "$receipts"
mkfifo "$work/control"
"$build/escpos-sim" --port "$port" --receipts "$receipts" <"$work/control" > >(tee "$work/sim.out") 2>&1 &
sim=$!
exec 3>"$work/control" # the simulator's stdin: typed lines are copied to it
# Wait (5 s at most) for the simulator to say it listens.
for _ in $(seq 50); do
	grep -q listening "$work/sim.out" && break
	if ! kill -0 "$sim" 2>/dev/null; then
		echo "make run: the printer simulator did not start (port $port busy? try: make run PRINTER_PORT=9101)" >&2
		exit 1
	fi
	sleep 0.1
done

cat <<MSG

  Printer simulator: tcp://127.0.0.1:$port (prints every command it receives)
  Printed receipts:  $receipts/receipt-NNNN.png (one per cut)
  cashdrawerd:       http://localhost:22548  (log: ./logs/cashdrawer.log)

  Try, in another terminal:
    curl http://localhost:22548/open-cash-drawer
    curl http://localhost:22548/status
    curl -OJ http://localhost:22548/logs

  Type here to change the printer, then ask /status again (2 s cache):
    drawer open | drawer closed | paper near-end | paper out | paper ok
    cover open | cover closed | offline | online | error on | error off | state | help

  Ctrl-C stops both.

MSG
"$build/cashdrawerd" --printer "tcp://127.0.0.1:$port" --log-dir logs &
daemon=$!
# Forward typed lines until Ctrl-C or end of input; then stop when the daemon does.
if [ -t 0 ]; then
	cat >&3 || true
fi
wait "$daemon" || true
