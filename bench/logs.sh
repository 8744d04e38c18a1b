#!/usr/bin/env bash
# `make bench`, part 3a: GET /logs of a 100 MiB log (LOGS_MIB) on loopback.
# Sequential downloads (median MiB/s) and 8 at once (their sum), each body's
# size checked; the daemon's peak RSS before and after tells whether memory
# stays constant (the file is sent from its descriptor, never read in).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
mib=${LOGS_MIB:-100}
downloads=${LOGS_DOWNLOADS:-5}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/cashdrawerd-bench-logs.XXXX)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
trap bench_cleanup EXIT

# A log of real-looking lines, written before the daemon starts (it appends).
mkdir -p "$work/logs"
/usr/bin/python3 - "$work/logs/cashdrawer.log" "$mib" <<'EOF'
import sys
line = (b"2025-02-01 14:22:31,123 - INFO - 127.0.0.1 GET /open-cash-drawer 200 opened"
        b" - Tiroir-caisse ouvert\n")
block = line * ((1 << 20) // len(line) + 1)
with open(sys.argv[1], "wb") as out:
    left = int(sys.argv[2]) << 20
    while left > 0:
        out.write(block[:left])
        left -= min(left, len(block))
EOF
port=$(free_port)
"$build/cashdrawerd" --port "$port" --bind 127.0.0.1 --printer "file:$work/printer.bin" \
	--log-dir "$work/logs" --log-console false &
daemon=$!
pids+=($daemon)
base="http://127.0.0.1:$port"
wait_ready "$base/status"
before_kib=$(proc_kib "$daemon" VmHWM)

echo "== 3a. GET /logs of a ${mib} MiB log (curl to /dev/null) =="
for i in $(seq "$downloads"); do
	curl -fs -o /dev/null -w '%{size_download} %{speed_download}\n' "$base/logs" >>"$work/seq"
done
awk '{printf "  download %d: %d bytes, %.0f MiB/s\n", NR, $1, $2 / 1048576}' "$work/seq"
short=$(awk -v min=$((mib << 20)) '$1 < min' "$work/seq" | wc -l)
[ "$short" = 0 ] || { echo "logs: $short downloads were shorter than the log" >&2; exit 1; }
sequential=$(awk '{print $2 / 1048576}' "$work/seq" | median)

start=$(date +%s.%N)
for i in $(seq 8); do
	curl -fs -o /dev/null -w '%{size_download}\n' "$base/logs" >"$work/par-$i" &
	pids+=($!)
done
for i in $(seq 8); do wait "${pids[-$i]}"; done
end=$(date +%s.%N)
total=$(cat "$work"/par-* | awk '{n += $1} END {print n}')
parallel=$(awk -v n="$total" -v s="$start" -v e="$end" 'BEGIN {printf "%.0f", n / 1048576 / (e - s)}')
after_kib=$(proc_kib "$daemon" VmHWM)
printf '  sequential median: %.0f MiB/s; 8 at once: %s MiB/s (%d bytes in all)\n' "$sequential" "$parallel" "$total"
echo "  daemon peak RSS: $(mib "$before_kib") MiB before, $(mib "$after_kib") MiB after $((downloads + 8)) downloads"
result logs_mib_s "$(printf '%.0f' "$sequential")"
result logs_parallel_mib_s "$parallel"
result logs_hwm_before_kib "$before_kib"
result logs_hwm_after_kib "$after_kib"
