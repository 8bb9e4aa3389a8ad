#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end tests: boots Debian's stock kernel in QEMU with cgfence.ko and writes build/results/e2e.tap.
#
# Usage: tests/e2e/run.sh   (make e2e builds the module and the tool first)
# The guest's TAP arrives on its second serial port, apart from the kernel console, and is
# renumbered here into one plan together with the host's own checks on the run. Tests that
# leave the kernel changed until reboot (e2e_own_boot_tests) each get a boot of their own.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$top/tests/e2e/lib.sh"

results="$top/build/results"
tap_out="$results/e2e.tap"
boot_timeout=600
mkdir -p "$results" "$e2e_work"

# A run that cannot even boot still leaves a failing TAP file: never a missing or green one.
fail_early() {
	{
		echo "1..1"
		echo "not ok 1 - e2e: build the VM image"
		printf '%s\n' "$1" | sed 's/^/# /'
	} > "$tap_out"
	cat "$tap_out"
	exit 1
}

e2e_load_env || fail_early "$e2e_error"
e2e_build || fail_early "$e2e_error"

body="$e2e_work/tap.body"
: > "$body"
n=0

# boot_and_collect LABEL [ONLY]: one VM run (of only the tests ONLY, comma-separated, if
# given); its results, numbered on from $n, and its own two checks go into $body.
boot_and_collect() {
	local label=$1 only=${2:-} start boot_ms qemu_rc raw log init_at last bad suffix=

	[ "$label" = main ] || suffix=" (boot for $label)"
	start=$(date +%s%N)
	e2e_boot run "$boot_timeout" ${only:+E2E_ONLY=$only}
	qemu_rc=$?
	boot_ms=$((($(date +%s%N) - start) / 1000000))

	# Each boot keeps its own logs; guest.log and tap.raw are the last boot's.
	log="$e2e_work/guest-$label.log"
	raw="$e2e_work/tap-$label.clean"
	cp "$e2e_work/guest.log" "$log"
	tr -d '\r' < "$e2e_work/tap.raw" > "$raw"

	# Number the guest's results; anything that is not a result becomes a comment.
	awk -v n="$n" '
		/^# e2e-guest-begin/ { on = 1; next }
		/^# e2e-guest-done/ { on = 0; next }
		!on { next }
		/^not ok( |$)/ { n++; sub(/^not ok ?/, ""); print "not ok " n " " $0; next }
		/^ok( |$)/ { n++; sub(/^ok ?/, ""); print "ok " n " " $0; next }
		/^#/ { print; next }
		/^[[:space:]]*$/ { next }
		{ print "# " $0 }
		END { print n + 0 > "/dev/stderr" }
	' "$raw" >> "$body" 2> "$e2e_work/tap.count"
	n=$(cat "$e2e_work/tap.count")

	{
		init_at=$(tr -d '\r' < "$log" |
			sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' | head -n 1)
		echo "# VM run$suffix: ${boot_ms} ms in all, /init started at ${init_at:-?} s guest time," \
			"QEMU exit status $qemu_rc"

		n=$((n + 1))
		if grep -q '^# e2e-guest-done' "$raw"; then
			echo "ok $n - e2e: guest finished$suffix"
		else
			echo "not ok $n - e2e: guest finished$suffix"
			last=$(grep '^# running ' "$raw" | tail -n 1)
			[ -n "$last" ] && echo "# the guest stopped while ${last#\# }"
			if [ "$qemu_rc" -eq 124 ]; then
				echo "# the VM did not finish within ${boot_timeout}s"
			fi
			echo "# last lines of the console ($log):"
			tr -d '\r' < "$log" | tail -n 40 | sed 's/^/#   /'
			if [ -s "$e2e_work/qemu.out" ]; then
				echo "# QEMU said:"
				sed 's/^/#   /' "$e2e_work/qemu.out"
			fi
		fi

		n=$((n + 1))
		bad=$(e2e_bad_log_lines "$log" | sort -u)
		if [ ! -s "$log" ]; then
			echo "not ok $n - e2e: guest log clean$suffix"
			echo "# the console log is empty"
		elif [ -z "$bad" ]; then
			echo "ok $n - e2e: guest log clean$suffix"
		else
			echo "not ok $n - e2e: guest log clean$suffix"
			echo "# kernel log lines that mean trouble ($log):"
			printf '%s\n' "$bad" | sed 's/^/#   /'
		fi
	} >> "$body"
}

if [ -n "${E2E_ONLY:-}" ]; then
	# A developer's shortcut: E2E_ONLY=t_x,t_y runs just those tests, in one boot.
	boot_and_collect main "$E2E_ONLY"
else
	boot_and_collect main
	for t in $(e2e_own_boot_tests); do
		boot_and_collect "$t" "$t"
	done
fi

{
	cat "$body"
	echo "1..$n"
} > "$tap_out"

cat "$tap_out"
if grep -E '^not ok [0-9]+' "$tap_out" | grep -qv '# TODO'; then
	exit 1
fi
exit 0
