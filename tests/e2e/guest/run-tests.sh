#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest test runner: runs every /e2e/tests/t_* in its own cgroup and writes one TAP stream to ttyS1.
#
# Each test's own TAP goes out untouched between "# e2e-test-begin NAME" and "# e2e-test-end
# NAME exit=STATUS"; the host judges it with tests/tap.py (its plan, results, exit status). After
# each test one more result, "ok - NAME: nothing left behind", says whether it left processes,
# its cgroup, the module or ftrace switched off behind. "# e2e-guest-tests" lists, before any
# test runs, the tests this boot runs: the host checks that each of them reported.
# E2E_ONLY (kernel command line, comma-separated names) runs just those tests; without it the
# t_lock* tests are skipped: they lock policy until reboot, so the host boots each on its own.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh

tap_port=/dev/ttyS1
# E2E_SLOW (kernel command line): a debug kernel runs every test several times slower.
per_test_timeout=$((60 * ${E2E_SLOW:-1}))
runtimes_timeout=$((240 * ${E2E_SLOW:-1}))

# Raw: the host must read exactly what the tests printed (no CR added, no echo).
stty -F "$tap_port" raw -echo 2>/dev/null
exec 3> "$tap_port"

echo "# e2e-guest-begin" >&3
echo "# kernel $(uname -r), cgfence $CGFENCE_VERSION, $(nproc) CPUs" >&3

# A test left half-done must not decide the next one's outcome: put back the initial state.
# $1: the test; a t_lock* test leaves the module locked in on purpose (nothing runs after it).
restore_state() {
	what=""
	case $1 in
	t_lock*)
		;;
	*)
		if [ -e /sys/module/cgfence ]; then
			what="$what cgfence-left-loaded"
			rmmod cgfence 2>&1 | sed 's/^/# /' >&3
		fi
		;;
	esac
	if [ "$(cat /proc/sys/kernel/ftrace_enabled)" != 1 ]; then
		what="$what ftrace_enabled-left-0"
		echo 1 > /proc/sys/kernel/ftrace_enabled
	fi
	echo "$what"
}

# selected NAME: whether this boot runs test NAME.
selected() {
	if [ -n "${E2E_ONLY:-}" ]; then
		case ",$E2E_ONLY," in
		*",$1,"*) return 0 ;;
		*) return 1 ;;
		esac
	fi
	case $1 in
	t_lock*) return 1 ;;
	esac
	return 0
}

tests=""
for t in /e2e/tests/t_*; do
	name=${t##*/}
	selected "$name" && tests="$tests $name"
done
echo "# e2e-guest-tests$tests" >&3

for name in $tests; do
	t=/e2e/tests/$name
	cg=/sys/fs/cgroup/$name-$$
	echo "# running $name" >&3
	echo "e2e: running $name" > /dev/kmsg

	echo "# e2e-test-begin $name" >&3
	if ! mkdir "$cg"; then
		echo "# e2e-test-end $name exit=cannot-create-$cg" >&3
		continue
	fi
	# Writing 0 to cgroup.procs moves the writer: the test starts inside its own cgroup.
	# Results stream out as they come: if the kernel dies mid-test, the host still has them.
	# shellcheck disable=SC2016
	limit=$per_test_timeout
	# Real container runtimes under software emulation: each container takes seconds.
	[ "$name" = t_runtimes ] && limit=$runtimes_timeout
	timeout "$limit" sh -c 'echo 0 > "$1/cgroup.procs" && shift && exec "$@"' \
		sh "$cg" "$t" < /dev/null >&3 2>&1
	rc=$?
	# Leftovers would stall the runner and decide the next test: record them, then kill them.
	cat "$cg/cgroup.procs" > "/tmp/$name.left"
	[ -s "/tmp/$name.left" ] && echo 1 > "$cg/cgroup.kill"
	echo "# e2e-test-end $name exit=$rc" >&3
	[ "$rc" -eq 124 ] || [ "$rc" -eq 143 ] &&
		echo "# $name: exit status $rc: killed after ${limit}s?" >&3

	problems=""
	[ -s "/tmp/$name.left" ] && problems="$problems processes-left-in-cgroup"
	# cgroup.kill is asynchronous: the cgroup empties a moment later.
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		rmdir "$cg" 2>/dev/null && break
		sleep 0.2
	done
	[ -d "$cg" ] && problems="$problems cannot-remove-$cg"
	problems="$problems$(restore_state "$name")"

	if [ -z "$problems" ]; then
		echo "ok - $name: nothing left behind (processes, cgroup, module, ftrace_enabled)" >&3
	else
		echo "not ok - $name: test did not end cleanly:$problems" >&3
	fi
done

echo "# e2e-guest-done" >&3
# The last close of the tty waits until the UART has sent everything: nothing is lost at poweroff.
exec 3>&-
