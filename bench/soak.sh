#!/usr/bin/env bash
# `make soak`: a long mixed load against one daemon, then every count checked.
#   bench/soak.sh --gen build/soakgen --sim build/escpos-sim RUN...
# RUN is KIND:DAEMON, KIND one of
#   asan      the clang ASan+UBSan daemon: no report, leaks included, at exit
#   release   the gcc daemon: resident memory without the sanitizer's
#   valgrind  the gcc daemon under memcheck (SOAK_VALGRIND_REQUESTS): no
#             error, no definite or indirect leak
# The till (daemon, printer simulator, loopback client on 127.0.0.1 and ::1)
# lives in one network namespace, the LAN client (10.99.0.2) in another,
# joined by a veth born inside them: the root namespace is never touched.
# Both clients are bench/soakgen (opens, status, logs, metrics, the page,
# refusals, malformed and cut requests); bench/soak_check.py then holds their
# counts against the daemon's log, the printer's bytes, /status, the exit
# code, the sanitizer's and valgrind's reports and the resident memory.
# Bounded: SOAK_REQUESTS (1000000) per run (SOAK_VALGRIND_REQUESTS, 50000,
# under valgrind) after a warm-up of a twentieth; each generator stops at
# SOAK_MAX_SECONDS (1800), a failure. SOAK_KEEP=1 keeps the files (logs,
# reports, printer dump). Needs root (namespaces).
# Exit 0 when every check of every run passed; 77 when not root (CI=true: 1).
set -euo pipefail

requests=${SOAK_REQUESTS:-1000000}
valgrind_requests=${SOAK_VALGRIND_REQUESTS:-50000}
max_seconds=${SOAK_MAX_SECONDS:-1800}
# the LAN client is the slower (refusals, tokens): with this share both
# clients run to the end together, so the RSS samples are of one load
lan_percent=${SOAK_LAN_PERCENT:-30}
rss_period=${SOAK_RSS_PERIOD:-10}
here=$(cd "$(dirname "$0")" && pwd)
token=soak-token-0123456789abcdef
port=22548

gen="" sim="" runs=()
while [ $# -gt 0 ]; do
	case $1 in
	--gen) gen=$(realpath "$2"); shift 2 ;;
	--sim) sim=$(realpath "$2"); shift 2 ;;
	asan:* | release:* | valgrind:*) runs+=("${1%%:*}:$(realpath "${1#*:}")"); shift ;;
	*) echo "soak: unknown argument '$1' (see the comment at the top of $0)" >&2; exit 2 ;;
	esac
done
if [ -z "$gen" ] || [ -z "$sim" ] || [ ${#runs[@]} -eq 0 ]; then
	echo "usage: $0 --gen SOAKGEN --sim ESCPOS-SIM asan:DAEMON|release:DAEMON|valgrind:DAEMON..." >&2
	exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "soak: needs root for network namespaces" >&2
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi

work=$(mktemp -d /tmp/cashdrawerd-soak.XXXX)
srv="cdd-soak-$$-srv"
cli="cdd-soak-$$-cli"
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
	ip netns del "$srv" 2>/dev/null || true
	ip netns del "$cli" 2>/dev/null || true
	if [ -n "${SOAK_KEEP:-}" ]; then echo "soak: files kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# shellcheck source=bench/lib.sh
. "$here/lib.sh"
netns_pair "$srv" "$cli" 10.99.0.1/24 10.99.0.2/24
for ns in "$srv" "$cli"; do
	# the namespace's own TCP settings (its /proc/sys/net): many short
	# connections from one address
	ip netns exec "$ns" sh -c 'echo 15000 64999 >/proc/sys/net/ipv4/ip_local_port_range &&
		echo 1 >/proc/sys/net/ipv4/tcp_tw_reuse'
done
in_srv=(ip netns exec "$srv")
in_cli=(ip netns exec "$cli")
loopback_targets=(--target 127.0.0.1)
# ::1 too when the namespace has IPv6 (the daemon listens dual stack)
if ip -n "$srv" -6 addr show dev lo 2>/dev/null | grep -q '::1'; then loopback_targets+=(--target ::1); fi

archive_day=$(date -d '2 days ago' +%F)

status_kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
sample() { # PID LABEL FILE: elapsed seconds, RSS, peak, descriptors
	printf '%s %s %s %s %s\n' "$2" "$SECONDS" "$(status_kib "$1" VmRSS)" "$(status_kib "$1" VmHWM)" \
		"$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" >>"$3"
}

# probe DIR PATH: one loopback request by curl, noted for the log check
probe() {
	local code
	code=$("${in_srv[@]}" curl -s -o "$1/probe.out" -w '%{http_code}' -m 30 "http://127.0.0.1:$port$2") || code=000
	if [ "$code" != 000 ]; then echo "$code" >>"$1/probes"; fi
	[ "$code" = 200 ]
}

# generators DIR STAGE COUNT TIMEOUT CUT: the loopback and LAN clients side by side
generators() {
	local dir=$1 stage=$2 count=$3 timeout_s=$4 cut_s=$5 lan loop rc=0 a b common
	lan=$((count * lan_percent / 100))
	loop=$((count - lan))
	common=(--port "$port" --max-seconds "$max_seconds" --timeout-s "$timeout_s" --slow-cut-s "$cut_s"
		--token "$token" --date "$archive_day" --archive "$dir/archive")
	"${in_srv[@]}" "$gen" --mix loopback "${loopback_targets[@]}" --requests "$loop" \
		--connections "${SOAK_CONNECTIONS:-12}" --slow-every 2000 \
		--logs-every $((loop / 40 > 200 ? loop / 40 : 200)) "${common[@]}" \
		--report "$dir/$stage-loopback.json" >"$dir/$stage-loopback.out" 2>&1 &
	a=$!
	pids+=("$a")
	"${in_cli[@]}" "$gen" --mix lan --target 10.99.0.1 --requests "$lan" \
		--connections "${SOAK_LAN_CONNECTIONS:-6}" \
		--logs-every $((lan / 10 > 200 ? lan / 10 : 200)) "${common[@]}" \
		--report "$dir/$stage-lan.json" >"$dir/$stage-lan.out" 2>&1 &
	b=$!
	pids+=("$b")
	wait "$a" || rc=1
	wait "$b" || rc=1
	cat "$dir/$stage-loopback.out" "$dir/$stage-lan.out"
	return $rc
}

# run KIND DAEMON: one daemon through warm-up and the soak, then the checks.
run() {
	# request_timeout_s low: the slowloris and the cut requests are closed soon
	local kind=$1 daemon=$2 dir="$work/$1" count=$requests timeout_s=30 request_timeout_s=2 cut_s=10
	local wrapper=() env=() extra=() daemon_pid sim_pid sampler rc=0 started stop_wait=30 i
	mkdir -p "$dir/logs"
	: >"$dir/probes"
	# an archived day for /logs?date=
	for i in 1 2 3; do
		printf '%s 1%d:00:00,000 - INFO - 127.0.0.1 GET /open-cash-drawer 200 opened - Tiroir-caisse ouvert\n' \
			"$archive_day" "$i"
	done >"$dir/logs/cashdrawer.log.$archive_day"
	cp "$dir/logs/cashdrawer.log.$archive_day" "$dir/archive"
	case $kind in
	asan)
		# a smaller quarantine than the default 256 MiB: it fills during the
		# warm-up, so what grows after is the daemon's
		env=(ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:quarantine_size_mb=16:log_path=$dir/asan"
			UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$dir/ubsan")
		;;
	valgrind)
		count=$valgrind_requests
		timeout_s=120
		request_timeout_s=3
		cut_s=40
		stop_wait=120
		wrapper=(valgrind --leak-check=full --show-leak-kinds=definite,indirect
			--errors-for-leak-kinds=definite,indirect --error-exitcode=99 --log-file="$dir/valgrind.log")
		# memcheck is some 30 times slower: the printer's and the HTTP deadlines are not under test
		extra=(--timeout-ms 20000 --status-timeout-ms 2000)
		;;
	esac
	"${in_srv[@]}" "$sim" --port 9100 --quiet --dump "$dir/dump" >"$dir/sim.out" 2>&1 &
	sim_pid=$!
	pids+=("$sim_pid")
	"${in_srv[@]}" env "${env[@]}" "${wrapper[@]}" "$daemon" --port "$port" \
		--printer tcp://127.0.0.1:9100 --log-dir "$dir/logs" --log-console false \
		--allowed-origins http://pos.example --token "$token" \
		--request-timeout-s "$request_timeout_s" "${extra[@]}" >"$dir/daemon.out" 2>&1 &
	daemon_pid=$!
	pids+=("$daemon_pid")
	for i in $(seq 300); do
		probe "$dir" "/status?printer=cached" && break
		kill -0 "$daemon_pid" 2>/dev/null || break
		sleep 0.2
	done

	echo "== soak $kind: $daemon, $count requests after a warm-up, ${lan_percent}% from the LAN =="
	started=$SECONDS
	generators "$dir" warmup $((count / 20 > 100 ? count / 20 : 100)) "$timeout_s" "$cut_s" || rc=1
	sample "$daemon_pid" start "$dir/rss"
	( for _ in $(seq $((max_seconds / rss_period + 1))); do
		sleep "$rss_period"
		[ -e "$dir/soak-done" ] && break
		sample "$daemon_pid" during "$dir/rss"
	done ) &
	sampler=$!
	pids+=("$sampler")
	generators "$dir" soak "$count" "$timeout_s" "$cut_s" || rc=1
	touch "$dir/soak-done"
	# the last connections cut by the server: their log lines
	sleep 2
	sample "$daemon_pid" end "$dir/rss"
	probe "$dir" /status && cp "$dir/probe.out" "$dir/status.json" || rc=1
	kill -TERM "$daemon_pid"
	local stop_started=$SECONDS daemon_rc=0
	for i in $(seq $((stop_wait * 10))); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$daemon_pid" 2>/dev/null; then
		echo "soak: the daemon did not stop within ${stop_wait}s of SIGTERM" >&2
		kill -KILL "$daemon_pid"
	fi
	wait "$daemon_pid" || daemon_rc=$?
	echo "$daemon_rc $((SECONDS - stop_started))" >"$dir/daemon.rc"
	kill "$sim_pid" 2>/dev/null || true
	wait "$sim_pid" 2>/dev/null || true
	wait "$sampler" 2>/dev/null || true
	echo "$((SECONDS - started))" >"$dir/seconds"
	/usr/bin/python3 "$here/soak_check.py" --kind "$kind" --dir "$dir" --archive-day "$archive_day" \
		--daemon "$daemon" --tables "$(dirname "$daemon")/print-tables" || rc=1
	return $rc
}

status=0
for entry in "${runs[@]}"; do
	run "${entry%%:*}" "${entry#*:}" || status=1
done
[ $status -eq 0 ] && echo "soak: every check passed" || echo "soak: FAILED (see above)"
exit $status
