#!/usr/bin/env bash
# `make bench`, part 7: HTTPS (issue 16). With the certificate --setup-tls
# makes (its trust written under $work, the machine's untouched):
#   - /status req/s over keep-alive HTTPS beside nginx serving the same body
#     with the same certificate and TLS settings (TLS 1.2-1.3, AEAD ciphers,
#     no session resumption: libmicrohttpd offers none), access logs on;
#   - TLS handshakes per second (a new connection per request, both);
#   - open latency over HTTPS, keep-alive and a fresh connection per open
#     (Python's ssl client, checking the certificate against the authority;
#     no ?read_back=true: the figure is the HTTPS and printer path, not the
#     50 ms pulse a read-back waits for);
#   - the daemon's memory with TLS on, right after that load and once it is
#     over (the heap gives its free memory back a second after the last
#     connection closed), and a daemon with tls = off, idle.
# wrk makes the load: it never checks certificates (curl --cacert checks both
# servers first).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
duration=${BENCH_SECONDS:-10}
runs=${BENCH_RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/cashdrawerd-bench-https.XXXX)
export BENCH_RESULTS=${BENCH_RESULTS:-$work/results}
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
trap bench_cleanup EXIT

echo "== 7. HTTPS (TLS 1.3, ECDSA P-256, certificate made by --setup-tls) =="
mkdir -p "$work/till" "$work/root/usr/local/share/ca-certificates" "$work/home"
(cd "$work/till" && CASHDRAWERD_TRUST_ROOT=$work/root CASHDRAWERD_TRUST_HOMES=$work/home \
	"$build/cashdrawerd" --setup-tls >/dev/null)
tls_dir=$work/till/tls
ca=$tls_dir/cashdrawerd-ca.pem

start_printer "$build/escpos-sim"
port=$(free_port)
"$build/cashdrawerd" --port "$port" --bind 127.0.0.1 --printer "tcp://127.0.0.1:$printer_port" \
	--log-dir "$work/logs" --log-console false --min-interval-ms 0 \
	--tls-cert "$tls_dir/cashdrawerd-cert.pem" --tls-key "$tls_dir/cashdrawerd-key.pem" &
daemon=$!
pids+=($daemon)
base="https://localhost:$port"
wait_ready "$base/status?printer=cached" env CURL_CA_BUNDLE="$ca"
curl -fs --cacert "$ca" "$base/status" >/dev/null
body=$(curl -fs --cacert "$ca" "$base/status" | sed "s/'/\\\\'/g")

start_nginx "$body" "$tls_dir/cashdrawerd-cert.pem" "$tls_dir/cashdrawerd-key.pem" "$ca"
echo "checked: $(curl -s --cacert "$ca" -o /dev/null -w '%{ssl_verify_result} ' "$base/status")$(curl -s --cacert "$ca" -o /dev/null -w '%{ssl_verify_result}' "$nginx_base/status") (0: certificate verified, both)"

# wrk_pair LABEL KEY ARGS...: cashdrawerd then nginx, alternated, medians
wrk_pair() {
	local label=$1 key=$2
	shift 2
	: >"$work/$key-ours"
	: >"$work/$key-theirs"
	for run in $(seq "$runs"); do
		wrk "$@" -d"${duration}s" "$base/status" >"$work/$key-$run-ours.txt"
		wrk "$@" -d"${duration}s" "$nginx_base/status" >"$work/$key-$run-theirs.txt"
		requests_per_second "$work/$key-$run-ours.txt" >>"$work/$key-ours"
		echo >>"$work/$key-ours"
		requests_per_second "$work/$key-$run-theirs.txt" >>"$work/$key-theirs"
		echo >>"$work/$key-theirs"
		errors=$(wrk_errors "$work/$key-$run-ours.txt")
		[ "$errors" = 0 ] || echo "  (cashdrawerd run $run: $errors errors)"
	done
	ours=$(median <"$work/$key-ours")
	theirs=$(median <"$work/$key-theirs")
	printf '%-44s %10s %10s %6s\n' "$label" "$ours" "$theirs" \
		"$(awk -v a="$ours" -v b="$theirs" 'BEGIN {printf "%.2f", a / b}')"
	result "${key}_rps" "$ours"
	result "${key}_nginx_rps" "$theirs"
}
printf '%-44s %10s %10s %6s\n' "median of $runs runs of ${duration}s" cashdrawerd nginx ratio
wrk_pair "/status req/s, keep-alive (wrk -t2 -c32)" https_status -t2 -c32
wrk_pair "handshakes/s (Connection: close, -t2 -c32)" https_handshake -t2 -c32 -H "Connection: close"

echo "open latency over HTTPS (200 opens, 5 ms apart, certificate checked), ms:"
/usr/bin/python3 - "$port" "$ca" >"$work/latency" <<'PY'
import http.client, ssl, statistics, sys, time
port, ca = int(sys.argv[1]), sys.argv[2]
context = ssl.create_default_context(cafile=ca)
def measure(fresh):
    times, conn = [], None
    for _ in range(200):
        if fresh or conn is None:
            conn = http.client.HTTPSConnection("localhost", port, context=context, timeout=5)
        start = time.perf_counter()
        conn.request("GET", "/open-cash-drawer", headers={"Connection": "close"} if fresh else {})
        resp = conn.getresponse()
        resp.read()
        times.append((time.perf_counter() - start) * 1000)
        assert resp.status == 200, resp.status
        if fresh:
            conn.close()
        time.sleep(0.005)
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.99) - 1]
for name, fresh in (("keepalive", False), ("fresh", True)):
    p50, p99 = measure(fresh)
    print(f"{name} {p50:.3f} {p99:.3f}")
PY
while read -r name p50 p99; do
	printf '  %-40s p50 %8s  p99 %8s\n' "$name" "$p50" "$p99"
	result "https_open_${name}_p50" "$p50"
	result "https_open_${name}_p99" "$p99"
done <"$work/latency"
echo "memory (/proc/PID/smaps_rollup; RSS counts shared library pages whole, PSS shares them):"
hwm=$(proc_kib "$daemon" VmHWM)
memory_line "TLS on, right after the load" "$daemon" https
sleep 2
memory_line "TLS on, 2 s later" "$daemon" https_settled
echo "  (TLS on: $(mib "$hwm") MiB RSS at the peak)"
result https_rss_peak_kib "$hwm"
off_port=$(free_port)
"$build/cashdrawerd" --port "$off_port" --bind 127.0.0.1 --printer "tcp://127.0.0.1:$printer_port" \
	--log-dir "$work/logs-off" --log-console false --tls off &
off_daemon=$!
pids+=($off_daemon)
wait_ready "http://127.0.0.1:$off_port/status?printer=cached"
sleep 0.2
memory_line "tls = off, idle" "$off_daemon" tls_off_idle
