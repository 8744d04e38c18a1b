#!/usr/bin/env bash
# `make run-serial`: the same as `make run` over a serial cable: a pty pair
# joined by socat, the printer simulator on one end at $BAUD, the daemon on the
# other as serial:...?baud=$BAUD, in the foreground; Ctrl-C stops all three.
set -euo pipefail
build=${1:-build}
baud=${BAUD:-38400}
dir=$(mktemp -d /tmp/cashdrawerd-serial.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait; rm -rf "$dir"' EXIT

socat pty,raw,echo=0,link="$dir/printer" pty,raw,echo=0,link="$dir/till" 2>"$dir/socat.log" &
pids+=($!)
# Wait (5 s at most) for both ends of the cable.
for _ in $(seq 50); do
	[ -e "$dir/printer" ] && [ -e "$dir/till" ] && break
	sleep 0.1
done
if ! [ -e "$dir/till" ]; then
	echo "make run-serial: socat did not create the pty pair: $(cat "$dir/socat.log")" >&2
	exit 1
fi
"$build/escpos-sim" --device "$dir/printer" --baud "$baud" &
pids+=($!)

cat <<MSG

  Serial cable:      $dir/till (service) <-> $dir/printer (simulator), $baud baud
  cashdrawerd:       http://localhost:22548  (log: ./logs/cashdrawer.log)

  Try, in another terminal:
    curl http://localhost:22548/open-cash-drawer
    kill ${pids[0]}    # pulls the cable out (socat): the next opening gets 503 printer_not_found

  Ctrl-C stops all three.

MSG
"$build/cashdrawerd" --printer "serial:$dir/till?baud=$baud" --log-dir logs || true
