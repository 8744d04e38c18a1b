#!/bin/sh
# Runs libFuzzer harnesses of a CASHDRAWERD_FUZZ build, one at a time, each for
# SECONDS, and prints one summary line per harness.
#   tests/fuzz/run-fuzz.sh BUILD_DIR SECONDS [NAME...]   (default: every harness built)
# Each harness starts from the corpus it grew before (BUILD_DIR/fuzz/corpus/NAME,
# outside the source tree) and the seeds of tests/fuzz/corpus/NAME; new inputs go
# to the former. A crash is saved as BUILD_DIR/fuzz/artifacts/NAME-crash-...; the
# full output is in BUILD_DIR/fuzz/logs/NAME.log. Exits non-zero if any harness failed.
set -u
build=${1:?usage: run-fuzz.sh BUILD_DIR SECONDS [NAME...]}
seconds=${2:?usage: run-fuzz.sh BUILD_DIR SECONDS [NAME...]}
shift 2
src=$(cd "$(dirname "$0")" && pwd)
work=$build/fuzz
if [ $# -eq 0 ]; then
	for binary in "$build"/fuzz_*; do
		[ -x "$binary" ] && set -- "$@" "${binary##*/fuzz_}"
	done
fi
if [ $# -eq 0 ]; then
	echo "run-fuzz: no fuzz_* harness in $build (configure with -DCASHDRAWERD_FUZZ=ON)" >&2
	exit 2
fi
mkdir -p "$work/artifacts" "$work/logs"
failed=0
for name in "$@"; do
	binary=$build/fuzz_$name
	log=$work/logs/$name.log
	mkdir -p "$work/corpus/$name"
	set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/$name-"
	[ -f "$src/$name.dict" ] && set -- "$@" -dict="$src/$name.dict"
	seeds=
	[ -d "$src/corpus/$name" ] && seeds=$src/corpus/$name
	# shellcheck disable=SC2086 # seeds: none or one folder
	"$binary" "$@" "$work/corpus/$name" $seeds >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	# the last status line: "#123 DONE cov: 456 ft: 789 corp: 12/345b ..."
	status=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$status" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$status" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$status" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	if [ $rc -eq 0 ]; then
		result="no crash"
	else
		failed=1
		artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		result="FAILED (exit $rc${artifact:+, input saved as $artifact})"
		tail -n 60 "$log"
	fi
	printf 'fuzz %-14s %ss: %s execs (%s/s), coverage %s edges, %s features, corpus %s inputs: %s\n' \
		"$name" "$seconds" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$result"
done
exit $failed
