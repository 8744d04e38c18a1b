#!/usr/bin/env bash
# `make bench`: /status throughput (wrk, 2 threads, 32 connections, access log
# on), open latency p50/p99 idle and while /status is flooded, and resident
# memory; printed as a table beside the goals of the foundation issue.
# Everything runs on 127.0.0.1; every load is bounded in time.
# BENCH_SECONDS (default 10) per run; BENCH_DAEMON_ARGS adds daemon options.
set -euo pipefail
build=${1:-build}
duration=${BENCH_SECONDS:-10}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The printer: the simulator, quiet (its printing would be measured too).
printer_port=$(free_port)
"$build/escpos-sim" --port "$printer_port" --quiet >"$work/sim.out" 2>&1 &
pids+=($!)
http_port=$(free_port)
# min-interval 0: every open is a real printer operation, not a coalesced answer.
"$build/cashdrawerd" --port "$http_port" --bind 127.0.0.1 --printer "tcp://127.0.0.1:$printer_port" \
	--log-dir "$work/logs" --log-console false --min-interval-ms 0 ${BENCH_DAEMON_ARGS:-} &
daemon=$!
pids+=($daemon)
for _ in $(seq 50); do
	curl -fs "http://127.0.0.1:$http_port/status" >/dev/null && break
	sleep 0.1
done
base="http://127.0.0.1:$http_port"

# wrk's "Requests/sec:" line, and its latency percentiles (--latency) in ms.
requests_per_second() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$1"; }
percentile_ms() {
	awk -v p="$2" '$1 == p {
		v = $2; unit = v; gsub(/[0-9.]/, "", unit); sub(/[a-z]+$/, "", v)
		if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000
		printf "%.3f", v }' "$1"
}

echo "cashdrawerd benchmark: ${duration}s per run on $(nproc) cores, $(uname -r)"
wrk -t2 -c32 -d"${duration}s" "$base/status" >"$work/status.txt"
wrk -t1 -c1 -d"${duration}s" --latency "$base/open-cash-drawer" >"$work/open_idle.txt"
wrk -t2 -c32 -d"$((duration + 2))s" "$base/status" >"$work/flood.txt" &
flood=$!
pids+=($flood)
sleep 1
wrk -t1 -c1 -d"${duration}s" --latency "$base/open-cash-drawer" >"$work/open_flood.txt"
wait "$flood"
rss_kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$daemon/status")
hwm_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$daemon/status")
anon_kib=$(awk '/^RssAnon:/ {print $2}' "/proc/$daemon/status")
lines=$(wc -l <"$work/logs/cashdrawer.log")
errors=$(grep -c ' - ERROR - ' "$work/logs/cashdrawer.log" || true)

status_rps=$(requests_per_second "$work/status.txt")
idle50=$(percentile_ms "$work/open_idle.txt" 50%)
idle99=$(percentile_ms "$work/open_idle.txt" 99%)
flood50=$(percentile_ms "$work/open_flood.txt" 50%)
flood99=$(percentile_ms "$work/open_flood.txt" 99%)
flood_rps=$(requests_per_second "$work/flood.txt")
opens_idle=$(requests_per_second "$work/open_idle.txt")

verdict() { awk -v v="$1" -v g="$2" -v dir="$3" 'BEGIN { ok = dir == "min" ? v >= g : v <= g; print ok ? "met" : "MISSED" }'; }
printf '\n%-34s %14s %14s %8s %16s\n' "measure" "result" "goal" "" "replaced system"
printf '%-34s %14s %14s %8s %16s\n' "/status req/s (log on)" "$status_rps" ">= 50000" "$(verdict "$status_rps" 50000 min)" "1600"
printf '%-34s %14s %14s %8s %16s\n' "open p50 idle (ms)" "$idle50" "" "" ""
printf '%-34s %14s %14s %8s %16s\n' "open p99 idle (ms)" "$idle99" "<= 1" "$(verdict "$idle99" 1 max)" "1.8"
printf '%-34s %14s %14s %8s %16s\n' "open p50 under /status flood (ms)" "$flood50" "" "" ""
printf '%-34s %14s %14s %8s %16s\n' "open p99 under /status flood (ms)" "$flood99" "<= 3" "$(verdict "$flood99" 3 max)" "42"
printf '%-34s %14s %14s %8s %16s\n' "RSS after the runs (MiB)" "$(awk -v k="$rss_kib" 'BEGIN{printf "%.2f", k/1024}')" "<= 4" "$(verdict "$(awk -v k="$rss_kib" 'BEGIN{print k/1024}')" 4 max)" "32"
printf '%-34s %14s\n' "RSS peak (MiB)" "$(awk -v k="$hwm_kib" 'BEGIN{printf "%.2f", k/1024}')"
printf '%-34s %14s\n' "RSS anonymous (MiB)" "$(awk -v k="$anon_kib" 'BEGIN{printf "%.2f", k/1024}')"
printf '%-34s %14s\n' "opens/s, one client, idle" "$opens_idle"
printf '%-34s %14s\n' "/status req/s during the flood" "$flood_rps"
printf '%-34s %14s\n' "log lines written" "$lines"
printf '%-34s %14s\n' "ERROR lines (printer failures)" "$errors"

# Part 2: LAN clients never delay a local open (network namespaces, root).
"$here/lan_flood.sh" "$build"
