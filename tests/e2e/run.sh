#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# End-to-end tests: boots Debian's stock kernel in QEMU with cgfence.ko and writes build/results/e2e.tap.
#
# Usage: tests/e2e/run.sh   (make e2e builds the module and the tool first)
# The guest's TAP arrives on its second serial port, apart from the kernel console. Each test's
# own TAP is judged by tests/tap.py (plan first, results, exit status) and numbered here into one
# plan together with the host's own checks on each run: the guest finished, QEMU exited 0, the
# kernel log is clean, every test in the image ran. Tests that leave the kernel changed until
# reboot (e2e_own_boot_tests) each get a boot of their own.
# Every kernel tests/deps.sh set up (Debian's 6.1 and 6.12) gets the same runs, each with the
# module built for it (make test-modules); its results are named "KERNEL/t_x: ..." and
# "e2e KERNEL: ...", all in the one plan.
# E2E_ONLY=t_x,t_y (a developer's shortcut), E2E_KERNELS=6.12 (only those kernels) and E2E_KO
# (another module) narrow the run: the results say so, build/results/narrowed makes the
# summary fail. make stress runs the suite on its debug kernel with E2E_KERNEL_ENVS (the
# directory of its KERNEL.env), E2E_EXTRA_TESTS (a directory of more t_*.c), E2E_TAP (its
# results file), E2E_BOOT_TIMEOUT, E2E_MEM (the guest's MiB) and E2E_APPEND
# (more kernel command line, read by the guest as environment: E2E_SLOW=N stretches each
# test's time limit N times).
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$top/tests/e2e/lib.sh"

results="$top/build/results"
tap_out=${E2E_TAP:-$results/e2e.tap}
tap_py="$top/tests/tap.py"
# The main boot takes seven minutes on a quiet 2-core host (runc and crun containers among
# its tests), more when the host is busy; each test has its own limit in the guest.
boot_timeout=${E2E_BOOT_TIMEOUT:-1500}

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

# flatten_guest RAW: the guest's stream with each test's section judged by tap.py; prints the
# names of the tests the guest announced and of those whose section began on fd 4.
flatten_guest() {
	local raw=$1 dir="$e2e_work/sections" line name status

	rm -rf "$dir"
	mkdir -p "$dir"
	name=
	while IFS= read -r line; do
		case $line in
		"# e2e-guest-begin"* | "# e2e-guest-done"*)
			;;
		"# e2e-guest-tests"*)
			echo "$line"
			;;
		"# e2e-test-begin "*)
			name=${line#\# e2e-test-begin }
			: > "$dir/$name.tap"
			echo "# e2e-test-section $name"
			;;
		"# e2e-test-end "*)
			status=${line##*exit=}
			[ -n "$name" ] && echo "$status" > "$dir/$name.exit"
			name=
			;;
		*)
			if [ -n "$name" ]; then
				printf '%s\n' "$line" >> "$dir/$name.tap"
			else
				printf '%s\n' "$line"
			fi
			;;
		esac
	done < "$raw" > "$dir/outer"
	# Only now is every section complete.
	while IFS= read -r line; do
		case $line in
		"# e2e-test-section "*)
			name=${line#\# e2e-test-section }
			echo "$name" >&4
			status=
			[ -f "$dir/$name.exit" ] && status=$(cat "$dir/$name.exit")
			python3 "$tap_py" flatten --name "$kname/$name" ${status:+--exit-status "$status"} \
				"$dir/$name.tap"
			;;
		*)
			printf '%s\n' "$line"
			;;
		esac
	done < "$dir/outer"
}

# boot_and_collect LABEL [ONLY]: one VM run of kernel $kname (of only the tests ONLY,
# comma-separated, if given); its results and the host's own checks go, unnumbered, into $body.
boot_and_collect() {
	local label=$1 only=${2:-} start boot_ms qemu_rc raw log init_at last bad suffix= t
	local announced

	[ "$label" = main ] || suffix=" (boot for $label)"
	label="$kname-$label"
	start=$(date +%s%N)
	e2e_boot run "$boot_timeout" ${only:+E2E_ONLY=$only}
	qemu_rc=$?
	boot_ms=$((($(date +%s%N) - start) / 1000000))

	# Each boot keeps its own logs; guest.log and tap.raw are the last boot's.
	log="$e2e_work/guest-$label.log"
	raw="$e2e_work/tap-$label.clean"
	cp "$e2e_work/guest.log" "$log"
	tr -d '\r' < "$e2e_work/tap.raw" > "$raw"

	flatten_guest "$raw" >> "$body" 4> "$e2e_work/ran-$label"
	cat "$e2e_work/ran-$label" >> "$ran"

	{
		init_at=$(tr -d '\r' < "$log" |
			sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' | head -n 1)
		echo "# VM run of $kname (${KVER:-?})$suffix: ${boot_ms} ms in all, /init started at ${init_at:-?} s guest time," \
			"QEMU exit status $qemu_rc"

		if grep -q '^# e2e-guest-done' "$raw"; then
			echo "ok - e2e $kname: guest finished$suffix"
		else
			echo "not ok - e2e $kname: guest finished$suffix"
			last=$(grep '^# running ' "$raw" | tail -n 1)
			[ -n "$last" ] && echo "# the guest stopped while ${last#\# }"
			echo "# last lines of the console ($log):"
			tr -d '\r' < "$log" | tail -n 40 | sed 's/^/#   /'
		fi

		# Even after the guest's last line: a hang at poweroff, a crash, a QEMU error.
		if [ "$qemu_rc" -eq 0 ]; then
			echo "ok - e2e $kname: QEMU exited with status 0$suffix"
		else
			echo "not ok - e2e $kname: QEMU exited with status 0$suffix (status $qemu_rc)"
			[ "$qemu_rc" -eq 124 ] && echo "# the VM did not finish within ${boot_timeout}s"
			if [ -s "$e2e_work/qemu.out" ]; then
				echo "# QEMU said:"
				sed 's/^/#   /' "$e2e_work/qemu.out"
			fi
		fi

		announced=$(sed -n 's/^# e2e-guest-tests//p' "$raw" | head -n 1)
		last=
		for t in $announced; do
			grep -qx "$t" "$e2e_work/ran-$label" || last="$last $t"
		done
		if grep -q '^# e2e-guest-tests' "$raw" && [ -z "$last" ]; then
			echo "ok - e2e $kname: every test the guest announced reported$suffix"
		else
			echo "not ok - e2e $kname: every test the guest announced reported$suffix"
			echo "# announced:${announced:- (no list)}; missing:${last:- none}"
		fi

		bad=$(e2e_bad_log_lines "$log" | sort -u)
		if [ ! -s "$log" ]; then
			echo "not ok - e2e $kname: guest log clean$suffix"
			echo "# the console log is empty"
		elif [ -z "$bad" ]; then
			echo "ok - e2e $kname: guest log clean$suffix"
		else
			echo "not ok - e2e $kname: guest log clean$suffix"
			echo "# kernel log lines that mean trouble ($log):"
			printf '%s\n' "$bad" | sed 's/^/#   /'
		fi
	} >> "$body"
}

# e2e_kernel NAME: every run on one kernel, and the check that each test ran once on it.
e2e_kernel() {
	local t missing

	kname=$1
	ran="$e2e_work/tests-$kname.ran"
	: > "$ran"
	if ! e2e_load_env "$kname" || ! e2e_build; then
		{
			echo "not ok - e2e $kname: build the VM image"
			printf '%s\n' "$e2e_error" | sed 's/^/# /'
		} >> "$body"
		return
	fi
	if [ -n "${E2E_ONLY:-}" ]; then
		# A developer's shortcut: E2E_ONLY=t_x,t_y runs just those tests, in one boot.
		boot_and_collect main "$E2E_ONLY"
	else
		boot_and_collect main
		for t in $(e2e_own_boot_tests); do
			boot_and_collect "$t" "$t"
		done
	fi

	# The suite's own plan: every test built into the image ran exactly once.
	{
		missing=
		for t in "$e2e_src"/t_*.c "$e2e_src"/guest/t_*.sh \
			${E2E_EXTRA_TESTS:+"$E2E_EXTRA_TESTS"/t_*.c}; do
			[ -e "$t" ] || continue
			t=${t##*/}
			t=${t%.*}
			[ "$(grep -cx "$t" "$ran")" -eq 1 ] || missing="$missing $t($(grep -cx "$t" "$ran"))"
		done
		if [ -n "$narrowed" ]; then
			echo "not ok - e2e $kname: every test ran once, on the module built here (narrowed: $narrowed)"
		elif [ -z "$missing" ]; then
			echo "ok - e2e $kname: every test ran once, on the module built here"
		else
			echo "not ok - e2e $kname: every test ran once, on the module built here"
			echo "# tests that did not run exactly once (times run):$missing"
		fi
	} >> "$body"
}

e2e_main() {
	local k kernels

	mkdir -p "$results" "$e2e_work"
	rm -f "$results/narrowed"
	body="$e2e_work/tap.body"
	: > "$body"

	narrowed=
	[ -n "${E2E_ONLY:-}" ] && narrowed="E2E_ONLY=$E2E_ONLY"
	[ -n "${E2E_KERNELS:-}" ] && narrowed="$narrowed${narrowed:+ }E2E_KERNELS=$E2E_KERNELS"
	[ -n "${E2E_KO:-}" ] && narrowed="$narrowed${narrowed:+ }E2E_KO=$E2E_KO"

	kernels=$(e2e_kernels)
	[ -n "$kernels" ] || fail_early "no kernel to boot: build/kernels/ is empty (run: make deps)"
	for k in $kernels; do
		e2e_kernel "$k"
	done

	python3 "$tap_py" number "$body" > "$tap_out"
	cat "$tap_out"
	if [ -n "$narrowed" ]; then
		echo "$narrowed" > "$results/narrowed"
		echo "e2e: a narrowed run ($narrowed): not every test ran; the summary counts it as a failure" >&2
		exit 1
	fi
	python3 "$tap_py" check --name e2e --expected-skips "$top/tests/expected-skips" "$tap_out" >&2
}

# tests/harness/selftest.sh sources this file and runs e2e_main with a fake VM.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	e2e_main
fi
