#!/usr/bin/env bash
# `make bench`, last part: the summary table of bench/RESULTS.md, each figure
# beside its goal (issue 7) from the results file the other parts wrote.
set -euo pipefail
results=${1:?results file}

get() { awk -v k="$1" '$1 == k {v = $2} END {print (v == "" ? "n/a" : v)}' "$results"; }
# verdict VALUE GOAL min|max
verdict() {
	awk -v v="$1" -v g="$2" -v dir="$3" 'BEGIN {
		if (v == "n/a") { print "n/a"; exit }
		ok = dir == "min" ? v + 0 >= g + 0 : v + 0 <= g + 0; print ok ? "met" : "MISSED" }'
}
kib_mib() { awk -v k="$1" 'BEGIN {if (k == "n/a") print k; else printf "%.2f", k / 1024}'; }
row() { printf '%-52s %12s %12s %8s\n' "$1" "$2" "$3" "$4"; }
goal_row() { row "$1" "$2" "$3 $4" "$(verdict "$2" "$4" "$([ "$3" = ">=" ] && echo min || echo max)")"; }

echo "== summary =="
row measure result goal ""
goal_row "/status req/s (access log on), median" "$(get status_rps)" ">=" 50000
row "nginx, same body, access log on, median" "$(get nginx_rps)" "" ""
goal_row "/status / nginx" "$(get status_ratio)" ">=" 0.6
# each speed trick stays where its build without it costs >= 10 % (bench/tricks.sh)
pct() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "n/a" || b == "n/a") print "n/a"; else printf "%.1f", (a - b) * 100 / b}'; }
for trick in json_arena hand_integers hand_digits log_batch; do
	row "without $trick: instructions per /status, % more" \
		"$(pct "$(get tricks_instr_without_$trick)" "$(get tricks_instr_with)")" "" ""
	row "without $trick: CPU per /status, % more" \
		"$(pct "$(get tricks_cpu_us_without_$trick)" "$(get tricks_cpu_us_with)")" "" ""
done
goal_row "/status / nginx, tricks' run" "$(get tricks_status_ratio)" ">=" 0.6
goal_row "open p50 idle, default (ms)" "$(get open_idle_default_p50)" "<=" 0.5
goal_row "open p99 idle, default (ms)" "$(get open_idle_default_p99)" "<=" 2
row "open p50 under /status flood, default (ms)" "$(get open_flood_default_p50)" "" ""
row "open p99 under /status flood, default (ms)" "$(get open_flood_default_p99)" "" ""
# ?read_back=true waits the pulse (pulse_on_ms, 50 ms) by design: no goal
row "open p50 / p99 idle, ?read_back=true (ms)" "$(get open_idle_read_back_p50) / $(get open_idle_read_back_p99)" "" ""
row "same under /status flood (ms)" "$(get open_flood_read_back_p50) / $(get open_flood_read_back_p99)" "" ""
for run in "defaults:defaults" "raised:raised caps"; do
	name=${run%%:*} label=${run#*:}
	goal_row "open p50 under LAN flood, $label (ms)" "$(get lan_${name}_p50)" "<=" 0.5
	goal_row "open p99 under LAN flood, $label (ms)" "$(get lan_${name}_p99)" "<=" 2
done
row "open p50 / p99 under LAN flood, ?read_back=true (ms)" "$(get lan_read_back_p50) / $(get lan_read_back_p99)" "" ""
goal_row "/logs of 100 MiB, MiB/s (median of 5)" "$(get logs_mib_s)" ">=" 1024
row "/logs, 8 downloads at once, MiB/s" "$(get logs_parallel_mib_s)" "" ""
hwm_growth=$(awk -v a="$(get logs_hwm_after_kib)" -v b="$(get logs_hwm_before_kib)" 'BEGIN {printf "%.2f", (a - b) / 1024}')
goal_row "/logs: peak RSS growth over 13 downloads (MiB)" "$hwm_growth" "<=" 0.5
goal_row "RSS idle (MiB)" "$(kib_mib "$(get rss_idle_kib)")" "<=" 4
goal_row "RSS loaded, after the floods (MiB)" "$(kib_mib "$(get rss_loaded_kib)")" "<=" 4
row "RSS peak (MiB)" "$(kib_mib "$(get rss_peak_kib)")" "" ""
row "RSS anonymous idle / loaded (MiB)" "$(kib_mib "$(get rss_anon_idle_kib)") / $(kib_mib "$(get rss_anon_kib)")" "" ""
goal_row "RSS with TLS on, after the HTTPS load (MiB)" "$(kib_mib "$(get https_rss_kib)")" "<=" 6
row "  same 2 s later: RSS / PSS / private dirty (MiB)" \
	"$(kib_mib "$(get https_settled_rss_kib)") / $(kib_mib "$(get https_settled_pss_kib)") / $(kib_mib "$(get https_settled_private_dirty_kib)")" "" ""
row "  of its RSS, GnuTLS and its libraries (MiB)" "$(kib_mib "$(get https_settled_gnutls_rss_kib)")" "" ""
row "RSS / PSS / private dirty idle, tls = off (MiB)" \
	"$(kib_mib "$(get tls_off_idle_rss_kib)") / $(kib_mib "$(get tls_off_idle_pss_kib)") / $(kib_mib "$(get tls_off_idle_private_dirty_kib)")" "" ""
row "start-up to first answer, median (ms)" "$(get startup_ms)" "" ""
row "SIGTERM to exit, median (ms)" "$(get stop_ms)" "" ""
row "cashdrawerd.exe x86_64 / i686 (bytes)" "$(get exe_x86_64) / $(get exe_i686)" "" ""
row "ERROR lines in the log (printer failures)" "$(get errors_logged)" "" ""
row "log growth, LAN flood, first hour (MiB)" "$(get log_first_hour_mib)" "" ""
row "log growth, LAN flood, steady (bytes/s)" "$(get log_steady_bytes_s)" "" ""
ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "n/a" || b == "n/a") print "n/a"; else printf "%.2f", a / b}'; }
grey=$(get receipt_decode_grey_cpu_ms)
goal_row "receipt: src/receipt, 576 dots / grey decode (CPU)" \
	"$(ratio_of "$(get receipt_convert_cpu_ms)" "$grey")" "<=" 1.5
goal_row "receipt: scaled to 512 dots / grey decode (CPU)" \
	"$(ratio_of "$(get receipt_convert_to_512_cpu_ms)" "$grey")" "<=" 1.5
goal_row "receipt: daemon's CPU, 576 dots / grey decode" \
	"$(ratio_of "$(get receipt_daemon_576_cpu_ms)" "$grey")" "<=" 1.5
goal_row "receipt: daemon's CPU, 576 dots / Pillow decode" \
	"$(ratio_of "$(get receipt_daemon_576_cpu_ms)" "$(get receipt_pillow_decode_cpu_ms)")" "<=" 1.5
row "receipt: libjpeg grey decode alone, CPU (ms)" "$grey" "" ""
row "receipt: Pillow decode alone, CPU (ms)" "$(get receipt_pillow_decode_cpu_ms)" "" ""
row "receipt: daemon, request to last printer byte (ms)" "$(get receipt_daemon_576_ms)" "" ""
row "receipt: daemon's CPU for it (ms)" "$(get receipt_daemon_576_cpu_ms)" "" ""
row "receipt: of which HTTP, JSON and base64, CPU (ms)" "$(get receipt_daemon_overhead_cpu_ms)" "" ""
row "receipt: Pillow decode + convert(\"1\"), CPU (ms)" "$(get receipt_pillow_cpu_ms)" "" ""
goal_row "receipt: daemon peak RSS growth, first (MiB)" \
	"$(kib_mib "$(get receipt_daemon_growth_first_kib)")" "<=" 4
goal_row "receipt: daemon peak RSS growth, later (MiB)" "$(kib_mib "$(get receipt_daemon_growth_kib)")" "<=" 4
