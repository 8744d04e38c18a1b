#!/usr/bin/env bash
# `make bench`: the figures of bench/RESULTS.md, each beside its goal.
#   1. /status req/s beside nginx serving the same body, both with an access
#      log, alternated BENCH_RUNS times (medians; wrk 2 threads, 32 connections);
#   1b. each speed trick's worth on /status, the daemon built with and
#      without it, beside nginx in the same run (bench/tricks.sh);
#   2. open latency idle and under a /status flood, the default opening
#      (answered once the printer has the kick) and one asking
#      ?read_back=true (waits the 50 ms pulse), one open every 5 ms
#      (bench/paced.lua): back to back, the simulator's accept queue
#      overflows and a dropped SYN costs a 1 s retry;
#   3. /logs of a 100 MiB log (bench/logs.sh), start-up time (bench/startup.sh);
#   4. a LAN client flooding from another network namespace (bench/lan_flood.sh);
#   5. how fast a LAN flood grows the log folder (bench/log_growth.sh, 90 s);
#   7. HTTPS beside nginx, handshakes/s, open latency, RSS (bench/https.sh);
#   6. a 576 x 3000 receipt JPEG through src/receipt beside libjpeg and Pillow,
#      then through the daemon as Odoo's print_receipt (bench/receipt.sh,
#      bench/receipt_daemon.py);
#   7. resident memory, the Windows .exe size, then the summary table.
# Loopback only, or namespaces of our own; every load is bounded in time.
# BENCH_SECONDS (default 10) per run, BENCH_RUNS (default 3) alternations.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
windows=${2:-build-windows}
duration=${BENCH_SECONDS:-10}
runs=${BENCH_RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/cashdrawerd-bench.XXXX)
export BENCH_RESULTS=$work/results
: >"$BENCH_RESULTS"
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
trap bench_cleanup EXIT

echo "cashdrawerd benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)," \
	"$(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), Linux $(uname -r)"
echo "build: $build ($(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?')), ${duration}s per run, $runs runs"
echo "linked: $(ldd "$build/cashdrawerd" | awk '{print $1}' | sed 's/\.so.*//' | tr '\n' ' ')"

# The printer: the simulator, quiet (its printing would be measured too).
start_printer "$build/escpos-sim"

# start_daemon NAME ARGS...: sets daemon (PID) and base (URL).
start_daemon() {
	local name=$1 port
	shift
	port=$(free_port)
	# min-interval 0: every open is a real printer operation, not a coalesced answer.
	"$build/cashdrawerd" --port "$port" --bind 127.0.0.1 --printer "tcp://127.0.0.1:$printer_port" \
		--log-dir "$work/logs-$name" --log-console false --min-interval-ms 0 "$@" &
	daemon=$!
	pids+=($daemon)
	base="http://127.0.0.1:$port"
	wait_ready "$base/status?printer=cached"
}

echo
echo "== 1. /status req/s beside nginx (wrk -t2 -c32, access logs on, alternated) =="
start_daemon main
main_daemon=$daemon main_base=$base
curl -fs "$main_base/status" >/dev/null # the printer check is cached from here on
sleep 0.2
rss_idle=$(proc_kib "$main_daemon" VmRSS)
anon_idle=$(proc_kib "$main_daemon" RssAnon)
# nginx's single-quoted string: ' is written \'
start_nginx "$(curl -fs "$main_base/status" | sed "s/'/\\\\'/g")"
printf '%-6s %14s %14s %8s\n' run cashdrawerd nginx ratio
for run in $(seq "$runs"); do
	wrk -t2 -c32 -d"${duration}s" "$main_base/status" >"$work/status-$run.txt"
	wrk -t2 -c32 -d"${duration}s" "$nginx_base/status" >"$work/nginx-$run.txt"
	ours=$(requests_per_second "$work/status-$run.txt")
	theirs=$(requests_per_second "$work/nginx-$run.txt")
	printf '%-6s %14s %14s %8s\n' "$run" "$ours" "$theirs" "$(awk -v a="$ours" -v b="$theirs" 'BEGIN {printf "%.2f", a / b}')"
	echo "$ours" >>"$work/ours"
	echo "$theirs" >>"$work/theirs"
	[ "$(wrk_errors "$work/status-$run.txt")" = 0 ] || echo "  (cashdrawerd: $(wrk_errors "$work/status-$run.txt") errors)"
done
status_rps=$(median <"$work/ours")
nginx_rps=$(median <"$work/theirs")
result status_rps "$status_rps"
result nginx_rps "$nginx_rps"
result status_ratio "$(awk -v a="$status_rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}')"
echo "access log lines: cashdrawerd $(wc -l <"$work/logs-main/cashdrawer.log"), nginx $(wc -l <"$work/nginx/access.log")"

echo
echo "== 2. open latency, one client, an open every ${BENCH_OPEN_DELAY_MS:-5} ms (wrk, paced.lua), ms =="
printf '%-40s %8s %8s %10s\n' "" p50 p99 "opens/s"
open_run() { # LABEL KEY URL FILE
	printf '%-40s %8s %8s %10s\n' "$1" "$(percentile_ms "$4" 50%)" "$(percentile_ms "$4" 99%)" "$(requests_per_second "$4")"
	result "$2_p50" "$(percentile_ms "$4" 50%)"
	result "$2_p99" "$(percentile_ms "$4" 99%)"
	[ "$(wrk_errors "$4")" = 0 ] || echo "  ($(wrk_errors "$4") errors)"
}
base=$main_base
for mode in default read_back; do
	if [ "$mode" = default ]; then path=/open-cash-drawer; else path="/open-cash-drawer?read_back=true"; fi
	wrk -t1 -c1 -d"${duration}s" --latency -s "$here/paced.lua" "$base$path" >"$work/open-idle-$mode.txt"
	open_run "idle, $path" "open_idle_$mode" "$base" "$work/open-idle-$mode.txt"
	wrk -t2 -c32 -d"$((duration + 2))s" "$base/status" >"$work/flood-$mode.txt" &
	flood=$!
	pids+=($flood)
	sleep 1
	wrk -t1 -c1 -d"${duration}s" --latency -s "$here/paced.lua" "$base$path" >"$work/open-flood-$mode.txt"
	wait "$flood"
	open_run "under a /status flood, $path" "open_flood_$mode" "$base" "$work/open-flood-$mode.txt"
done
rss_loaded=$(proc_kib "$main_daemon" VmRSS)
result rss_idle_kib "$rss_idle"
result rss_loaded_kib "$rss_loaded"
result rss_peak_kib "$(proc_kib "$main_daemon" VmHWM)"
result rss_anon_kib "$(proc_kib "$main_daemon" RssAnon)"
result rss_anon_idle_kib "$anon_idle"
result errors_logged "$(grep -c ' - ERROR - ' "$work/logs-main/cashdrawer.log" || true)"

echo
"$here/tricks.sh"
echo
"$here/logs.sh" "$build"
echo
"$here/startup.sh" "$build"
echo
"$here/lan_flood.sh" "$build"
echo
"$here/log_growth.sh" "$build"
echo
"$here/receipt.sh" "$build"
echo
"$here/https.sh" "$build"

exe_size() { if [ -f "$1" ]; then stat -c %s "$1"; else echo "n/a"; fi; }
result exe_x86_64 "$(exe_size "$windows/cashdrawerd.exe")"
result exe_i686 "$(exe_size "$windows-i686/cashdrawerd.exe")"

echo
"$here/summary.sh" "$BENCH_RESULTS"
