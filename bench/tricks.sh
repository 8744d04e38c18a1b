#!/usr/bin/env bash
# `make bench`, part 1b: what each speed trick is worth on the figure it
# serves (issue 14, item 5), the daemon built with and without it:
#   json_arena    cJSON's nodes from a per-thread block (src/base/json_arena.c)
#   hand_integers /status's integers as raw JSON written digit by digit
#                 (route_status.c), against cJSON's numbers (%1.15g, sscanf)
#   hand_digits   the same digits by hand, against snprintf("%" PRIu64)
#   log_batch     routine log lines held and written together (src/log/rotlog.c)
# Each "without" build defines CASHDRAWERD_BENCH_NO_<TRICK>, which puts the
# plain way back (cJSON's malloc, cJSON_AddNumberToObject, snprintf, one
# write per line); only the tricks still in the code have such a switch.
# The figure they all serve is GET /status (a probe every few seconds per
# till, a monitoring flood at worst), measured three ways:
#   - user-space instructions per request under valgrind's callgrind: the
#     difference of a run of 2N and one of N keep-alive requests, divided by
#     N; repeatable whatever else the machine does;
#   - the daemon's CPU time (user + system, /proc/PID/stat) per request under
#     wrk -t2 -c32: the system calls count here (a held line saves writes);
#   - wrk's requests per second, the builds and nginx (serving the same body,
#     access log on, as in part 1) alternated BENCH_RUNS times (medians): the
#     /status / nginx ratio of this same run.
# Usage: bench/tricks.sh [BUILD_ROOT]; builds go to BUILD_ROOT (default
# build-tricks/), configured like `make build` (build-deps/'s libmicrohttpd).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
root=${1:-$repo/build-tricks}
duration=${BENCH_SECONDS:-5}
runs=${BENCH_RUNS:-3}
calls=${BENCH_CALLS:-2000}
TRICKS=${TRICKS:-"json_arena hand_integers hand_digits log_batch"}
work=$(mktemp -d /tmp/cashdrawerd-tricks.XXXX)
export BENCH_RESULTS=${BENCH_RESULTS:-$work/results}
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
trap bench_cleanup EXIT

# build NAME FLAGS: the daemon (and the simulator) configured as `make build`.
build() {
	local dir=$root/$1
	PKG_CONFIG_PATH=$repo/build-deps/lib/pkgconfig cmake -S "$repo" -B "$dir" \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF "-DCMAKE_C_FLAGS=$2" >/dev/null
	cmake --build "$dir" -j "$(nproc)" --target cashdrawerd escpos-sim >/dev/null
}

variants=(with)
build with ""
for trick in $TRICKS; do
	build "without_$trick" "-DCASHDRAWERD_BENCH_NO_$(echo "$trick" | tr a-z A-Z)"
	variants+=("without_$trick")
done

start_printer "$root/with/escpos-sim"

# start VARIANT [PREFIX...]: the daemon of a build, ready; sets daemon and base.
start() {
	local variant=$1 port
	shift
	port=$(free_port)
	"$@" "$root/$variant/cashdrawerd" --port "$port" --bind 127.0.0.1 \
		--printer "tcp://127.0.0.1:$printer_port" --log-dir "$work/logs-$variant-$RANDOM" \
		--log-console false >/dev/null 2>&1 &
	daemon=$!
	pids+=($daemon)
	base="http://127.0.0.1:$port"
	wait_ready "$base/status?printer=cached"
	curl -fs -o /dev/null "$base/status" # the printer's check, cached from here on
}
stop() { kill "$daemon"; wait "$daemon" 2>/dev/null || true; }

# keep_alive URL COUNT: COUNT GETs of URL on one kept-alive connection.
keep_alive() {
	/usr/bin/python3 - "$1" "$2" <<'EOF'
import http.client, sys, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
for _ in range(int(sys.argv[2])):
    connection.request("GET", url.path + ("?" + url.query if url.query else ""))
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
EOF
}

# instructions VARIANT COUNT: user-space instructions of a daemon's whole life
# answering COUNT /status requests (callgrind, every thread).
instructions() {
	local out=$work/callgrind.$1.$2
	start "$1" valgrind --tool=callgrind --callgrind-out-file="$out.%p" --dump-instr=no
	keep_alive "$base/status" "$2"
	stop
	awk '/^summary:/ {n += $2} END {print n}' "$out".*
	rm -f "$out".*
}

echo "== 1b. speed tricks: GET /status with and without each =="
echo "user-space instructions per /status (callgrind: (run of $((2 * calls)) - run of $calls) / $calls)"
printf '%-26s %14s %10s\n' build "instr/request" "vs with"
for variant in "${variants[@]}"; do
	one=$(instructions "$variant" "$calls")
	two=$(instructions "$variant" "$((2 * calls))")
	per=$(( (two - one) / calls ))
	[ "$variant" = with ] && with_instr=$per
	printf '%-26s %14s %10s\n' "$variant" "$per" \
		"$(awk -v a="$per" -v b="$with_instr" 'BEGIN {printf "%+.1f%%", (a - b) * 100 / b}')"
	result "tricks_instr_$variant" "$per"
done

# CPU per request and req/s: each build BENCH_RUNS times, alternated, and nginx.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
start with
start_nginx "$(curl -fs "$base/status" | sed "s/'/\\\\'/g")"
stop
echo
echo "GET /status under wrk -t2 -c32, ${duration}s, $runs alternated runs (medians)"
for run in $(seq "$runs"); do
	wrk -t2 -c32 -d"${duration}s" "$nginx_base/status" >"$work/wrk-nginx.txt"
	echo "$(requests_per_second "$work/wrk-nginx.txt")" >>"$work/rps-nginx"
	for variant in "${variants[@]}"; do
		start "$variant"
		before=$(cpu_ticks "$daemon")
		wrk -t2 -c32 -d"${duration}s" "$base/status" >"$work/wrk.txt"
		after=$(cpu_ticks "$daemon")
		requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
		[ "$(wrk_errors "$work/wrk.txt")" = 0 ] || echo "  ($variant: $(wrk_errors "$work/wrk.txt") errors)"
		echo "$(requests_per_second "$work/wrk.txt")" >>"$work/rps-$variant"
		# clock ticks (USER_HZ) to microseconds per request
		awk -v t="$((after - before))" -v n="$requests" -v hz="$(getconf CLK_TCK)" \
			'BEGIN {printf "%.2f\n", t * 1e6 / hz / n}' >>"$work/cpu-$variant"
		stop
	done
done
printf '%-26s %12s %10s %14s %10s\n' build "req/s" "vs with" "CPU us/req" "vs with"
for variant in "${variants[@]}"; do
	rps=$(median <"$work/rps-$variant")
	cpu=$(median <"$work/cpu-$variant")
	[ "$variant" = with ] && with_rps=$rps with_cpu=$cpu
	printf '%-26s %12s %10s %14s %10s\n' "$variant" "$rps" \
		"$(awk -v a="$rps" -v b="$with_rps" 'BEGIN {printf "%+.1f%%", (a - b) * 100 / b}')" "$cpu" \
		"$(awk -v a="$cpu" -v b="$with_cpu" 'BEGIN {printf "%+.1f%%", (a - b) * 100 / b}')"
	result "tricks_rps_$variant" "$rps"
	result "tricks_cpu_us_$variant" "$cpu"
done
nginx_rps=$(median <"$work/rps-nginx")
printf '%-26s %12s\n' nginx "$nginx_rps"
echo "/status (with every trick) / nginx: $(awk -v a="$with_rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}')"
result tricks_nginx_rps "$nginx_rps"
result tricks_status_ratio "$(awk -v a="$with_rps" -v b="$nginx_rps" 'BEGIN {printf "%.2f", a / b}')"
echo "(a trick stays where its \"without\" build needs at least 10 % more instructions or CPU"
echo " per request, or answers at least 10 % fewer requests a second: bench/RESULTS.md)"
