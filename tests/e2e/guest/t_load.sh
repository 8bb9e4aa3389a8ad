#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: cgfence.ko loads, attaches its hooks, answers and unloads cleanly, twice in a row.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 19 # two rounds of 9, and the EEXIST check of round 1

hooked=security_file_open

for round in 1 2; do
	r="round $round"
	mark=$(dmesg_mark "t_load $r")

	run_cmd insmod "$CGFENCE_KO"
	[ "$run_rc" -eq 0 ] || show_run
	tap_result "$r: insmod cgfence.ko" "$run_rc"

	[ -d /sys/module/cgfence ]
	tap_result "$r: /sys/module/cgfence exists" $?

	if [ -x /bin/cgfence ]; then
		run_cmd cgfence status
		[ "$run_rc" -eq 0 ] || show_run
		tap_result "$r: cgfence status exits 0" "$run_rc"
	else
		tap_not_ok "$r: cgfence status exits 0 (no /bin/cgfence in the image)"
	fi

	traced_ipmodify "$hooked"
	rc=$?
	[ "$rc" -eq 0 ] || tap_diag "enabled_functions:" "$(cat /sys/kernel/tracing/enabled_functions)"
	tap_result "$r: $hooked is traced with IPMODIFY (flag I)" "$rc"

	if [ "$round" = 1 ]; then
		run_cmd insmod "$CGFENCE_KO"
		[ "$run_rc" -ne 0 ] && grep -q 'File exists' "$run_err"
		rc=$?
		[ "$rc" -eq 0 ] || show_run
		tap_result "$r: insmod again while loaded: EEXIST" "$rc"
	fi

	run_cmd rmmod cgfence
	[ "$run_rc" -eq 0 ] || show_run
	tap_result "$r: rmmod cgfence" "$run_rc"

	[ ! -e /sys/module/cgfence ]
	tap_result "$r: /sys/module/cgfence is gone" $?

	! traced "$hooked"
	rc=$?
	[ "$rc" -eq 0 ] || tap_diag "enabled_functions:" "$(cat /sys/kernel/tracing/enabled_functions)"
	tap_result "$r: $hooked is no longer traced" "$rc"

	log=$(dmesg_since "$mark")
	log_rc=$?
	tap_diag "kernel log of this round:" "$log"
	[ "$log_rc" -eq 0 ] && echo "$log" | grep -q 'cgfence: .*loaded' &&
		echo "$log" | grep -q 'cgfence: .*unloaded'
	tap_result "$r: the kernel log reports the load and the unload" $?

	bad=$(echo "$log" | grep -E "$KERNEL_TROUBLE_RE")
	[ -z "$bad" ] || tap_diag "trouble in the kernel log:" "$bad"
	[ "$log_rc" -eq 0 ] && [ -z "$bad" ]
	tap_result "$r: no warning in the kernel log" $?
done

tap_done
