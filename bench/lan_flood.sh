#!/usr/bin/env bash
# `make bench`, part 4: a LAN never delays a local open. The till (daemon,
# printer simulator, open client on its loopback) lives in one network
# namespace, the LAN in another, joined by a veth created inside them: the
# root namespace is never touched. One LAN host (203.0.113.2) holds 500 idle
# connections (all but 32 refused: the per-address cap); another
# (203.0.113.3) floods /status and /logs with wrk while the till measures
# open latency. Runs: the default opening (answered once the printer has the
# kick), the same asking ?read_back=true (waits the 50 ms pulse), and caps
# raised so that all 500 connections are really held. Every load is bounded in time. Needs root.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
duration=${BENCH_SECONDS:-10}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/cashdrawerd-bench.XXXX)
srv="cdd-bench-$$-srv"
cli="cdd-bench-$$-cli"
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	ip netns del "$srv" 2>/dev/null || true
	ip netns del "$cli" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

if [ "$(id -u)" -ne 0 ]; then
	echo "lan_flood: needs root for network namespaces; skipped" >&2
	exit 0
fi
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
netns_pair "$srv" "$cli" 203.0.113.1/24 203.0.113.2/24
ip -n "$cli" addr add 203.0.113.3/24 dev veth-cli
# the flooders (wrk cannot pick its source) leave from 203.0.113.3; the holder binds .2
ip -n "$cli" route replace 203.0.113.1/32 dev veth-cli src 203.0.113.3
# arrays, not functions: `ip netns exec` execs the command, so $! is its own PID
in_srv=(ip netns exec "$srv")
# The LAN clients stand for other machines: on a real till their own CPU is
# not the till's, so they run at the lowest priority (nice 19) here.
in_cli=(ip netns exec "$cli" nice -n 19)

start_printer "$build/escpos-sim" 9100 "${in_srv[@]}"

# run NAME LABEL QUERY DAEMON-ARGS...: one daemon, idle open latency (GET
# /open-cash-drawer with QUERY), then the same under the LAN load.
run() {
	local name=$1 label=$2 query=$3 port=22548 daemon holder flood
	shift 3
	"${in_srv[@]}" "$build/cashdrawerd" --port "$port" --printer "tcp://127.0.0.1:$printer_port" \
		--log-dir "$work/logs-$name" --log-console false --min-interval-ms 0 \
		--connection-timeout-s 300 --request-timeout-s 300 "$@" &
	daemon=$!
	pids+=($daemon)
	for _ in $(seq 50); do
		"${in_srv[@]}" curl -fs "http://127.0.0.1:$port/status" >/dev/null && break
		sleep 0.1
	done
	"${in_srv[@]}" wrk -t1 -c1 -d"${duration}s" --latency -s "$here/paced.lua" "http://127.0.0.1:$port/open-cash-drawer$query" >"$work/$name-idle.txt"
	"${in_cli[@]}" /usr/bin/python3 "$here/hold_connections.py" 203.0.113.1 "$port" 500 203.0.113.2 \
		>"$work/$name-held.txt" &
	holder=$!
	pids+=($holder)
	for _ in $(seq 600); do [ -s "$work/$name-held.txt" ] && break; sleep 0.1; done
	"${in_cli[@]}" wrk -t1 -c16 -d"$((duration + 2))s" "http://203.0.113.1:$port/logs" >"$work/$name-flood.txt" 2>&1 &
	flood=$!
	pids+=($flood)
	"${in_cli[@]}" wrk -t1 -c16 -d"$((duration + 2))s" "http://203.0.113.1:$port/status" >"$work/$name-status-flood.txt" 2>&1 &
	status_flood=$!
	pids+=($status_flood)
	sleep 1
	"${in_srv[@]}" wrk -t1 -c1 -d"${duration}s" --latency -s "$here/paced.lua" "http://127.0.0.1:$port/open-cash-drawer$query" >"$work/$name-loaded.txt"
	"${in_srv[@]}" curl -fs "http://127.0.0.1:$port/status" >"$work/$name-status.json"
	wait "$flood" "$status_flood" || true
	kill "$holder" "$daemon" 2>/dev/null || true
	wait "$holder" "$daemon" 2>/dev/null || true
	printf '%-32s %6s %8s %10s %10s %14s %10s %10s %8s\n' "$label" \
		"$(head -1 "$work/$name-held.txt")" \
		"$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["security"]["connections"]["refused"])' "$work/$name-status.json")" \
		"$(requests_per_second "$work/$name-flood.txt")" \
		"$(requests_per_second "$work/$name-status-flood.txt")" \
		"$(percentile_ms "$work/$name-idle.txt" 50%)/$(percentile_ms "$work/$name-idle.txt" 99%)" \
		"$(percentile_ms "$work/$name-loaded.txt" 50%)" "$(percentile_ms "$work/$name-loaded.txt" 99%)" \
		"$(requests_per_second "$work/$name-loaded.txt")"
	result "lan_${name}_idle_p50" "$(percentile_ms "$work/$name-idle.txt" 50%)"
	result "lan_${name}_idle_p99" "$(percentile_ms "$work/$name-idle.txt" 99%)"
	result "lan_${name}_p50" "$(percentile_ms "$work/$name-loaded.txt" 50%)"
	result "lan_${name}_p99" "$(percentile_ms "$work/$name-loaded.txt" 99%)"
	result "lan_${name}_logs_rps" "$(requests_per_second "$work/$name-flood.txt")"
	result "lan_${name}_status_rps" "$(requests_per_second "$work/$name-status-flood.txt")"
	[ "$(wrk_errors "$work/$name-loaded.txt")" = 0 ] || echo "  ($(wrk_errors "$work/$name-loaded.txt") errors)"
}

echo "== 4. the LAN floods, the till opens =="
echo "203.0.113.2 holds 500 idle connections; 203.0.113.3 floods /logs and /status (wrk, 16"
echo "connections each); the till opens on its loopback (wrk, 1 connection, an open every 5 ms,"
echo "each a real printer operation)."
printf '%-32s %6s %8s %10s %10s %14s %10s %10s %8s\n' "run" "held" "refused" "/logs r/s" \
	"/status r/s" "idle p50/p99" "loaded p50" "loaded p99" "opens/s"
run defaults "defaults" ""
run read_back "defaults, ?read_back=true" "?read_back=true"
run raised "raised caps" "" --max-connections 2048 --max-connections-per-ip 1000
echo "(latencies in ms; held: LAN connections the server kept; refused: LAN connections closed"
echo " at accept; defaults: 32 connections per LAN address, raised: 1000 per address, 2048 in all)"
