# Shared by the bench scripts (sourced): ports, wrk figures, memory, readiness,
# and the results file the summary table is read from.
# Every process a script starts goes into pids; bench_cleanup (the scripts'
# EXIT trap) kills only those, then removes the script's $work folder.

[ -n "${pids+set}" ] || pids=()
bench_cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "${work:?}"
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wrk's "Requests/sec:" line, and its latency percentiles (--latency) in ms.
requests_per_second() { awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$1"; }
percentile_ms() {
	awk -v p="$2" '$1 == p {
		v = $2; unit = v; gsub(/[0-9.]/, "", unit); sub(/[a-z]+$/, "", v)
		if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000
		printf "%.3f", v }' "$1"
}
# wrk's socket errors and non-2xx answers: a figure that came with errors is no figure.
wrk_errors() {
	awk '/Socket errors:/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10}
	     /Non-2xx or 3xx responses:/ {n += $5}
	     END {print n + 0}' "$1"
}

median() { sort -n | awk '{v[NR] = $1} END {if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# proc_kib PID FIELD: a /proc/PID/status field (VmRSS, VmHWM, RssAnon) in KiB.
proc_kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.2f", k / 1024}'; }

# rollup_kib PID FIELD: a /proc/PID/smaps_rollup field (Rss, Pss, Private_Dirty) in KiB.
rollup_kib() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/smaps_rollup"; }
# gnutls_rss_kib PID: the RSS of GnuTLS and the libraries it loads (their
# mappings in /proc/PID/smaps), 0 when none is mapped.
gnutls_rss_kib() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / {ours = $6 ~ /lib(gnutls|p11-kit|nettle|hogweed|gmp|tasn1|idn2|unistring|ffi)\.so/}
	     ours && $1 == "Rss:" {n += $2}
	     END {print n + 0}' "/proc/$1/smaps"
}
# memory_line LABEL PID KEY: RSS, PSS and private dirty (MiB) of PID, the
# GnuTLS family's share of the RSS, and the figures as KEY_rss_kib, ...
# RSS counts every page the process maps, shared library pages included,
# whole; PSS divides those among the processes mapping them; private dirty is
# the process's own (its heap, stacks, written data).
memory_line() {
	local rss pss dirty tls
	rss=$(rollup_kib "$2" Rss)
	pss=$(rollup_kib "$2" Pss)
	dirty=$(rollup_kib "$2" Private_Dirty)
	tls=$(gnutls_rss_kib "$2")
	printf '  %-40s RSS %5s  PSS %5s  private dirty %5s MiB  (GnuTLS & co: %s MiB of the RSS)\n' \
		"$1" "$(mib "$rss")" "$(mib "$pss")" "$(mib "$dirty")" "$(mib "$tls")"
	result "${3}_rss_kib" "$rss"
	result "${3}_pss_kib" "$pss"
	result "${3}_private_dirty_kib" "$dirty"
	result "${3}_gnutls_rss_kib" "$tls"
}

# wait_ready URL [CMD-PREFIX...]: until the URL answers, 10 s at most.
wait_ready() {
	local url=$1
	shift
	for _ in $(seq 100); do
		"$@" curl -fs -o /dev/null "$url" && return 0
		sleep 0.1
	done
	echo "bench: $url never answered" >&2
	return 1
}

# result KEY VALUE: one figure for the summary table (bench/run.sh).
result() { echo "$1 $2" >>"${BENCH_RESULTS:?}"; }

# netns_pair SRV CLI SRV-ADDRESS CLI-ADDRESS (with their /prefix): two network
# namespaces of our own joined by a veth created inside them, so the root
# namespace is never touched; lo and the link up. The caller deletes them
# (ip netns del) at exit.
netns_pair() {
	ip netns add "$1"
	ip netns add "$2"
	ip -n "$1" link add veth-srv type veth peer name veth-cli netns "$2"
	ip -n "$1" addr add "$3" dev veth-srv
	ip -n "$2" addr add "$4" dev veth-cli
	for ns in "$1" "$2"; do ip -n "$ns" link set lo up; done
	ip -n "$1" link set veth-srv up
	ip -n "$2" link set veth-cli up
}

# start_printer SIM [PORT [PREFIX...]]: the printer simulator SIM, quiet (its
# printing would be measured too), on PORT (default: a free port of the
# loopback), its output in $work/sim.out; sets printer_port. PREFIX runs it
# (e.g. ip netns exec NS: it execs, so the PID kept is the simulator's).
# Uses the script's $work.
start_printer() {
	local sim=$1
	printer_port=${2:-$(free_port)}
	shift $(($# < 2 ? $# : 2))
	"$@" "$sim" --port "$printer_port" --quiet >"$work/sim.out" 2>&1 &
	pids+=($!)
}

# start_nginx BODY [CERT KEY CA]: nginx serving the daemon's /status body
# (BODY, ' written \'), with its (combined) access log on, as many workers as
# the daemon has HTTP threads (2); sets nginx_base. With CERT and KEY: HTTPS
# with the daemon's TLS settings (1.2 and 1.3, its AEAD ciphers, no session
# resumption: libmicrohttpd offers none), reached at https://localhost
# trusting CA. Uses the script's $work. Its configuration was last checked
# with nginx 1.22.1-9+deb12u12 (Debian 12); `nginx -t` checks it against the
# installed one before the run.
nginx_checked_with="nginx 1.22.1-9+deb12u12"
start_nginx() {
	local port body=$1 cert=${2:-} key=${3:-} ca=${4:-} listen tls=""
	port=$(free_port)
	listen="127.0.0.1:$port"
	if [ -n "$cert" ]; then
		listen="$listen ssl"
		tls="ssl_certificate $cert;
		ssl_certificate_key $key;
		ssl_protocols TLSv1.2 TLSv1.3;
		ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305;
		ssl_session_cache off;
		ssl_session_tickets off;"
	fi
	mkdir -p "$work/nginx"
	cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log $work/nginx/access.log;
	client_body_temp_path $work/nginx/body;
	proxy_temp_path $work/nginx/proxy;
	fastcgi_temp_path $work/nginx/fastcgi;
	uwsgi_temp_path $work/nginx/uwsgi;
	scgi_temp_path $work/nginx/scgi;
	server {
		listen $listen;
		$tls
		location = /status { default_type application/json; return 200 '$body'; }
	}
}
EOF
	if ! nginx -t -q -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log"; then
		echo "bench: the installed nginx ($(dpkg-query -W -f '${Version}' nginx 2>/dev/null ||
			echo 'version unknown')) refuses $work/nginx/nginx.conf," \
			"last checked with $nginx_checked_with" >&2
		exit 1
	fi
	nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
	pids+=($!)
	if [ -n "$cert" ]; then
		nginx_base="https://localhost:$port"
		wait_ready "$nginx_base/status" env CURL_CA_BUNDLE="$ca"
	else
		nginx_base="http://127.0.0.1:$port"
		wait_ready "$nginx_base/status"
	fi
}
