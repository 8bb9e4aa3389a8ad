#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the libFuzzer targets (clang, ASan, UBSan) and runs each for a set time; writes build/results/fuzz.tap.
#
# Usage: tests/fuzz/run.sh [--short]
#   --short            the seconds make check gives each target (FUZZ_SECONDS, default 8)
# Environment:
#   FUZZ_SECONDS=S     seconds per target (default 60: make fuzz, a few minutes in all)
#   FUZZ_TARGETS=LIST  comma-separated subset of the targets (a developer's shortcut)
#
# Every target first replays its seeds in tests/fuzz/corpus/TARGET (crash-* there are the
# regression inputs of bugs fuzzing found), then mutates. What it learns stays in
# build/fuzz/corpus/TARGET for the next local run; a crash leaves its input in
# build/fuzz/artifacts/ and fails the suite.
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here=$top/tests/fuzz
out=$top/build/fuzz
results=$top/build/results
seconds=${FUZZ_SECONDS:-60}
[ "${1:-}" = "--short" ] && seconds=${FUZZ_SECONDS:-8}
mkdir -p "$out/corpus" "$out/artifacts"
rm -f "$out/report.txt"
# shellcheck source-path=SCRIPTDIR source=../runner.sh
. "$top/tests/runner.sh"
runner_start fuzz


cc=${FUZZ_CC:-clang}
# shellcheck disable=SC2054 # the commas belong to -fsanitize
fuzz_cflags=(-std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-fno-strict-aliasing -Wall -Wno-unused-parameter -Wno-sign-compare)

# The engine as the kernel compiles it, against the userspace shim of the benchmark.
build_engine() {
	"$cc" "${fuzz_cflags[@]}" -I "$top/tests/bench/shim" -I "$top/module" \
		-o "$out/fuzz_engine" "$here/fuzz_engine.c" "$top"/module/engine_profile.c \
		"$top"/module/engine_file.c "$top"/module/engine_file_build.c \
		"$top"/module/engine_device.c "$top"/module/engine_mount.c \
		"$top"/module/engine_kernel.c "$top"/module/path_glob.c "$top/tests/bench/shim/shim.c"
}

targets=()
if log=$(build_engine 2>&1); then
	result 0 "build: fuzz_engine"
	targets+=(fuzz_engine)
else
	result 1 "build: fuzz_engine"
	diag "$log"
fi
if log=$(bash "$here/build-user.sh" "$out" 2>&1); then
	result 0 "build: the tool's targets (tests/fuzz/build-user.sh)"
	for src in "$here"/fuzz_*.c; do
		name=$(basename "$src" .c)
		[ "$name" = fuzz_engine ] || targets+=("$name")
	done
else
	result 1 "build: the tool's targets (tests/fuzz/build-user.sh)"
	diag "$log"
fi

if [ -n "${FUZZ_TARGETS:-}" ]; then
	wanted=",$FUZZ_TARGETS,"
	selected=()
	for t in "${targets[@]}"; do
		[[ $wanted == *",$t,"* ]] && selected+=("$t")
	done
	targets=("${selected[@]}")
	touch "$results/narrowed"
fi

for t in "${targets[@]}"; do
	seeds=$here/corpus/$t
	work=$out/corpus/$t
	mkdir -p "$work"
	if [ ! -d "$seeds" ] || [ -z "$(ls -A "$seeds")" ]; then
		result 1 "$t: has a seed corpus in tests/fuzz/corpus/$t"
		continue
	fi
	log=$out/$t.log
	rm -f "$out/artifacts/$t-"*
	start=$(date +%s)
	(cd "$out" && "./$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" "$work" "$seeds") \
		> "$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	kept=$(find "$work" -type f | wc -l)
	line="$t: ${took} s, ${runs:-?} inputs run, ${cov:-?} edges covered, corpus $kept"
	echo "$line" >> "$out/report.txt"
	# libFuzzer exits 0 only when the time ran out with no crash, leak, timeout or abort.
	if [ "$rc" -eq 0 ] && [ -n "$runs" ] && [ "$runs" -gt 0 ]; then
		result 0 "$line, no crash"
	else
		result 1 "$t: exit $rc after ${took} s (a crash, leak, timeout or abort)"
		diag "$(grep -v '^#[0-9]' "$log" | tail -n 40)"
		diag "input kept: $(ls "$out/artifacts/$t-"* 2> /dev/null)"
	fi
done
finished=1
