#!/usr/bin/env bash
# `make bench`, part 5: how fast a LAN flood can grow the log folder (issue
# 13, item 4). The till (daemon, printer simulator) lives in one network
# namespace, the LAN in another, joined by a veth created inside them: the
# root namespace is never touched. From 203.0.113.2, wrk floods /status
# (routine lines), unknown paths of 200 characters (404) and
# /open-cash-drawer (403 refusals); from 32 more addresses, each in turn
# (bench/log_flood.py), unknown long paths and malformed requests, as a host
# taking address after address to escape the per-client limit. The folder's
# size is read once today's share of routine lines is used, at the end of a
# bounded flood (BENCH_LOG_SECONDS, default 90), and after the stop (which
# writes the summaries still due). Needs root.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
duration=${BENCH_LOG_SECONDS:-90}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/cashdrawerd-bench.XXXX)
export BENCH_RESULTS=${BENCH_RESULTS:-$work/results}
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
	echo "log_growth: needs root for network namespaces; skipped" >&2
	exit 0
fi
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
netns_pair "$srv" "$cli" 203.0.113.1/24 203.0.113.2/24
sources=()
for i in $(seq 10 41); do
	ip -n "$cli" addr add "203.0.113.$i/24" dev veth-cli
	sources+=("203.0.113.$i")
done
# wrk cannot pick its source: it leaves from 203.0.113.2
ip -n "$cli" route replace 203.0.113.1/32 dev veth-cli src 203.0.113.2
in_srv=(ip netns exec "$srv")
in_cli=(ip netns exec "$cli" nice -n 19)

start_printer "$build/escpos-sim" 9100 "${in_srv[@]}"
port=22548
base="http://203.0.113.1:$port"
logs=$work/logs
"${in_srv[@]}" "$build/cashdrawerd" --port "$port" --printer "tcp://127.0.0.1:$printer_port" \
	--log-dir "$logs" --log-console false &
daemon=$!
pids+=($daemon)
for _ in $(seq 50); do
	"${in_srv[@]}" curl -fs -o /dev/null "http://127.0.0.1:$port/status" && break
	sleep 0.1
done
folder_bytes() { du -sb "$logs" | awk '{print $1}'; }
start_bytes=$(folder_bytes)
long=$(printf 'x%.0s' $(seq 199))

"${in_cli[@]}" wrk -t1 -c8 -d"${duration}s" "$base/status" >"$work/status.txt" 2>&1 &
pids+=($!)
"${in_cli[@]}" wrk -t1 -c8 -d"${duration}s" "$base/$long" >"$work/nope.txt" 2>&1 &
pids+=($!)
"${in_cli[@]}" wrk -t1 -c8 -d"${duration}s" "$base/open-cash-drawer" >"$work/open.txt" 2>&1 &
pids+=($!)
"${in_cli[@]}" /usr/bin/python3 "$here/log_flood.py" 203.0.113.1 "$port" "$duration" "${sources[@]}" \
	>"$work/rotating.txt" 2>&1 &
flooder=$!
pids+=($flooder)
# The steady rate is measured once today's share of routine lines is used
# (the service says so in the log), from then to the end of the flood.
started=$(date +%s.%N)
while ! grep -q "à sa part de log_max_mb" "$logs/cashdrawer.log" &&
	awk -v s="$started" -v d="$duration" -v n="$(date +%s.%N)" 'BEGIN {exit !(n - s < d - 5)}'; do
	sleep 0.5
done
shared_at=$(date +%s.%N)
shared_bytes=$(folder_bytes)
wait "$flooder" || true
ended_at=$(date +%s.%N)
end_bytes=$(folder_bytes)
sleep 1
kill "$daemon"
wait "$daemon" || true
stop_bytes=$(folder_bytes)

requests() { awk '/requests in/ {print $1}' "$1"; }
answered=$(($(requests "$work/status.txt") + $(requests "$work/nope.txt") + $(requests "$work/open.txt") + $(cat "$work/rotating.txt")))
lines=$(wc -l <"$logs/cashdrawer.log")
steady=$(awk -v a="$shared_bytes" -v b="$end_bytes" -v t0="$shared_at" -v t1="$ended_at" \
	'BEGIN {printf "%.0f", (b - a) / (t1 - t0)}')
first=$((end_bytes - start_bytes))
share_s=$(awk -v a="$started" -v b="$shared_at" 'BEGIN {printf "%.1f", b - a}')
# the first hour: what the run wrote (the bursts, today's share of routine
# lines), then the steady rate for the rest of the hour
hour=$(awk -v f="$first" -v s="$steady" -v d="$duration" 'BEGIN {printf "%.2f", (f + s * (3600 - d)) / 1048576}')

echo "== 5. log growth under a LAN flood (issue 13) =="
echo "203.0.113.2 floods /status, a 200-character unknown path and /open-cash-drawer (wrk, 8"
echo "connections each); 32 more addresses each flood 200-character unknown paths and malformed"
echo "requests (bench/log_flood.py); ${duration} s, default settings (log_max_mb 256, 30 days)."
printf '%-44s %12s\n' "requests sent" "$answered"
printf '%-44s %12s\n' "requests per second" "$((answered / duration))"
printf '%-44s %12s\n' "today's share of routine lines used after (s)" "$share_s"
printf '%-44s %12s\n' "folder growth by then (bytes)" "$((shared_bytes - start_bytes))"
printf '%-44s %12s\n' "folder growth, whole flood (bytes)" "$first"
printf '%-44s %12s\n' "after the stop and its summaries (bytes)" "$((stop_bytes - start_bytes))"
printf '%-44s %12s\n' "lines in the file" "$lines"
printf '%-44s %12s\n' "steady growth, from then on (bytes/s)" "$steady"
printf '%-44s %12s\n' "first hour at that rate (MiB)" "$hour"
printf '%-44s %12s\n' "each later hour (MiB)" "$(awk -v s="$steady" 'BEGIN {printf "%.2f", s * 3600 / 1048576}')"
result log_flood_rps "$((answered / duration))"
result log_flood_bytes "$first"
result log_steady_bytes_s "$steady"
result log_first_hour_mib "$hour"
