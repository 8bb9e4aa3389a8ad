#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Self-test of the harness: each bad input must make the reader, the e2e host side and the summary fail.
#
# Feeds tests/tap.py, tests/e2e/run.sh (with a fake VM in place of QEMU) and tests/summary.sh
# every kind of broken run the harness promises to catch, and good ones that must pass (the
# controls). Writes build/results/harness.tap; make check counts it as the suite "harness".
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tap_py=$top/tests/tap.py
work=$top/build/harness
results=$top/build/results
tapfile=$results/harness.tap
mkdir -p "$work" "$results"
rm -f "$tapfile"

lines=()
finished=0

result() { # STATUS DESC: STATUS 0 is ok
	if [ "$1" -eq 0 ]; then
		lines+=("ok - $2")
	else
		lines+=("not ok - $2")
	fi
}

diag_file() { # FILE: its lines as comments
	local l
	while IFS= read -r l; do
		lines+=("#   $l")
	done < "$1"
}

write_tap() {
	local rc=$?
	[ "$finished" -eq 1 ] || result 1 "harness: the self-test reached its end (status $rc)"
	printf '%s\n' "${lines[@]}" | python3 "$tap_py" number > "$tapfile"
	cat "$tapfile"
	python3 "$tap_py" check --name harness "$tapfile" >&2 && exit 0
	exit 1
}
trap write_tap EXIT

# --- 1. The reader: tap.py check on one stream. ---
skips=$work/skips
printf '%s\n' '# test list' 't | an expected skip | the fixture says so' > "$skips"

# reader WANT DESC TEXT: tap.py check must exit WANT (0 pass, 1 fail) on TEXT.
reader() {
	local want=$1 desc=$2 got
	printf '%b' "$3" > "$work/in.tap"
	python3 "$tap_py" check --name t --expected-skips "$skips" "$work/in.tap" > "$work/out" 2>&1
	got=$?
	result $((got != want)) "reader: $desc: $([ "$want" -eq 0 ] && echo passes || echo fails)"
	[ "$got" -eq "$want" ] || diag_file "$work/out"
}

reader 0 "plan first, every result ok" '1..2\nok 1 - a\nok 2 - b\n'
reader 0 "unnumbered results in order" '1..2\nok - a\nok - b\n'
reader 0 "not ok with a TODO directive and its reason (a known gap)" \
	'1..2\nok 1 - a\nnot ok 2 - b # TODO the kernel has no hook\n'
reader 0 "a skip in the expected-skip list" '1..2\nok 1 - a\nok 2 - an expected skip # SKIP why\n'
reader 0 "comments and a '#' that is no directive" '1..1\n# note\nok 1 - a # the 2nd try\n'
reader 1 "a plan larger than the results (stopped early)" '1..3\nok 1 - a\nok 2 - b\n'
reader 1 "a plan smaller than the results" '1..1\nok 1 - a\nok 2 - b\n'
reader 1 "an empty suite 1..0" '1..0\n'
reader 1 "an empty file" ''
reader 1 "no plan" 'ok 1 - a\n'
reader 1 "the plan after the results" 'ok 1 - a\n1..1\n'
reader 1 "two plans" '1..1\nok 1 - a\n1..1\n'
reader 1 "every result skipped, even if expected" '1..1\nok 1 - an expected skip # SKIP why\n'
reader 1 "an unexpected SKIP" '1..2\nok 1 - a\nok 2 - b # SKIP no reason to\n'
reader 1 "a lower-case skip" '1..2\nok 1 - a\nok 2 - b # skip no reason to\n'
reader 1 "a SKIP without a reason" '1..2\nok 1 - a\nok 2 - an expected skip # SKIP\n'
reader 1 "not ok with TODO in its description text" '1..1\nnot ok 1 - fix the TODO list\n'
reader 1 "not ok with TODO after a '#' that is no directive" '1..1\nnot ok 1 - a # see TODO\n'
reader 1 "ok with a TODO directive (the gap closed)" '1..1\nok 1 - a # TODO gone\n'
reader 1 "an unnumbered not ok" '1..2\nok 1 - a\nnot ok - b\n'
reader 1 "an indented not ok" '1..1\n    not ok 1 - sub\nok 1 - a\n'
reader 1 "Bail out!" '1..2\nok 1 - a\nBail out! no disk\n'
reader 1 "a result number out of sequence" '1..2\nok 1 - a\nok 3 - b\n'

# The counts, not only the verdict: a lower-case skip is a skip, never a pass.
printf '1..2\nok 1 - a\nok 2 - b # skip lower case\n' > "$work/in.tap"
python3 "$tap_py" check --name t "$work/in.tap" > "$work/out" 2>&1
head -n 1 "$work/out" | grep -qx '# t: 1 passed, 1 failed, 1 skipped, 0 expected failures (TODO)'
result $? "reader: a lower-case skip counts as skipped and failed, not passed"

# --- 2. flatten: a program's stream and its exit status. ---
# flat WANT DESC STATUS TEXT: WANT 1 when a "not ok" must come out of flatten.
flat() {
	local want=$1 desc=$2 status=$3 got=0
	printf '%b' "$4" > "$work/in.tap"
	python3 "$tap_py" flatten --name p ${status:+--exit-status "$status"} "$work/in.tap" \
		> "$work/out" 2>&1
	grep -q '^not ok' "$work/out" && got=1
	result $((got != want)) "flatten: $desc: $([ "$want" -eq 0 ] && echo passes || echo fails)"
	[ "$got" -eq "$want" ] || diag_file "$work/out"
}
flat 0 "exit 0, plan met" 0 '1..1\nok 1 - a\n'
flat 1 "a non-zero exit with every result ok (the program died after them)" 1 '1..1\nok 1 - a\n'
flat 1 "no exit status (the program never finished)" '' '1..1\nok 1 - a\n'
flat 1 "a program that skipped half its cases" 0 '1..4\nok 1 - a\nok 2 - b\n'

# --- 3. The e2e host side, with a fake VM: QEMU's status, the log, the guest's sections. ---
fake_src=$work/e2e-src
rm -rf "$fake_src"
mkdir -p "$fake_src/guest"
: > "$fake_src/t_fake.c"

# e2e CASE: runs tests/e2e/run.sh's e2e_main with the fake boot below; its exit status.
e2e() {
	fake_case=$1
	# The variables and functions below replace run.sh's own, which its functions use.
	# shellcheck disable=SC2030,SC2034,SC2317
	(
		# shellcheck source=/dev/null
		. "$top/tests/e2e/run.sh"
		e2e_work=$work/e2e
		e2e_src=$fake_src
		results=$work/e2e-results
		tap_out=$results/e2e.tap
		e2e_load_env() { :; }
		e2e_kernels() { echo fake; }
		e2e_build() { :; }
		e2e_own_boot_tests() { :; }
		e2e_boot() { fake_boot; }
		e2e_main
	) > "$work/out" 2>&1
}

# The VM's two outputs for $fake_case; returns what QEMU would.
# shellcheck disable=SC2031
fake_boot() {
	local rc=0 end='# e2e-test-end t_fake exit=0' log=$e2e_work/guest.log
	local kmsg='[    2.1] e2e: running t_fake' announce='# e2e-guest-tests t_fake'
	local plan='1..1' done='# e2e-guest-done'

	mkdir -p "$e2e_work"
	case $fake_case in
	timeout) rc=124 ;;
	qemu-error) rc=1 ;;
	hung-task) kmsg='[  122.0] INFO: task sh:42 blocked for more than 120 seconds.' ;;
	soft-lockup) kmsg='[   30.0] watchdog: BUG: soft lockup - CPU#0 stuck for 22s!' ;;
	alloc-failure) kmsg='[    3.0] sh: page allocation failure: order:4, mode:0xcc0' ;;
	module-error) kmsg='[    3.0] cgfence: cannot attach hook security_file_open: -16' ;;
	module-error-expected)
		kmsg='[ 3.0] e2e: expected cgfence errors begin
[    3.0] cgfence: cannot attach hook security_file_open: -16
[    3.0] cgfence: not loaded: a hook could not be attached (see above)
[    3.1] e2e: expected cgfence errors end' ;;
	exit-status) end='# e2e-test-end t_fake exit=1' ;;
	no-end) end='' ;;
	not-announced) announce='# e2e-guest-tests t_fake t_other' ;;
	short-plan) plan='1..2' ;;
	no-done) done='' ;;
	esac
	printf '%s\n' '[    1.0] Run /init as init process' "$kmsg" > "$log"
	printf '%s\n' '# e2e-guest-begin' "$announce" '# running t_fake' \
		'# e2e-test-begin t_fake' "$plan" 'ok 1 - fake' "$end" \
		'ok - t_fake: nothing left behind' "$done" > "$e2e_work/tap.raw"
	: > "$e2e_work/qemu.out"
	return "$rc"
}

e2e good
rc=$?
result "$rc" "e2e host: a clean fake run passes (the control)"
[ "$rc" -eq 0 ] || diag_file "$work/out"
for c in timeout qemu-error hung-task soft-lockup alloc-failure module-error exit-status no-end \
	not-announced short-plan no-done; do
	e2e "$c"
	result $(($? == 0)) "e2e host: fake run '$c' fails"
done
e2e module-error-expected
result $? "e2e host: the module's error lines between the expect marks pass"
E2E_ONLY=t_fake e2e good
result $(($? == 0)) "e2e host: E2E_ONLY narrows the run: it fails"
[ -e "$work/e2e-results/narrowed" ]
result $? "e2e host: E2E_ONLY leaves the narrowed note for the summary"

# --- 4. The summary: exit statuses, missing suites, narrowed runs, the last line. ---
sdir=$work/summary
# summary CASE WANT_LAST_LINE: builds a results dir for CASE, the summary must print WANT last
# and exit 0 only when WANT says 0 failed.
summary() {
	local c=$1 want=$2 got last
	rm -rf "$sdir"
	mkdir -p "$sdir"
	printf '1..2\nok 1 - a\nok 2 - b\n' > "$sdir/one.tap"
	printf '1..1\nok 1 - c\n' > "$sdir/two.tap"
	echo 0 > "$sdir/one.rc"
	echo 0 > "$sdir/two.rc"
	case $c in
	runner-exit) echo 2 > "$sdir/two.rc" ;;
	no-exit-status) rm "$sdir/two.rc" ;;
	missing-suite) rm "$sdir/two.tap" ;;
	narrowed) echo "E2E_ONLY=t_x" > "$sdir/narrowed" ;;
	build-failed) : > "$sdir/build.failed" ;;
	skip) printf '1..2\nok 1 - c\nok 2 - d # SKIP why\n' > "$sdir/two.tap" ;;
	esac
	bash "$top/tests/summary.sh" "$sdir" one two > "$work/out" 2>&1
	got=$?
	last=$(tail -n 1 "$work/out")
	[ "$last" = "$want" ] && { [ "$got" -eq 0 ] || [[ $want != *" 0 failed"* ]]; } &&
		{ [ "$got" -ne 0 ] || [[ $want == *" 0 failed"* ]]; }
	result $? "summary: $c: last line '$want', exit $([[ $want == *" 0 failed"* ]] && echo 0 || echo 1)"
	[ "$last" = "$want" ] || diag_file "$work/out"
}
summary good "3 passed, 0 failed"
summary runner-exit "3 passed, 1 failed"
summary no-exit-status "3 passed, 1 failed"
summary missing-suite "2 passed, 1 failed"
summary narrowed "3 passed, 1 failed"
summary build-failed "3 passed, 1 failed"
summary skip "3 passed, 1 failed, 1 skipped"

finished=1
