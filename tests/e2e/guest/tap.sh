# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the guest's shell tests: the plan first, numbered results, exit status 1 on any failure.
# shellcheck shell=sh disable=SC2034

tap_n=0
tap_failed=0
tap_planned=

# tap_plan N: the number of results the script will print, before the first one.
tap_plan() {
	tap_planned=$1
	echo "1..$1"
}

# Written by the host: CGFENCE_VERSION (from the uapi header), KVER, KERNEL_TROUBLE_RE.
# shellcheck source=/dev/null
. /etc/cgfence-e2e.env
CGFENCE_KO=${CGFENCE_KO:-/e2e/cgfence.ko}

tap_diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

tap_ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

tap_not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
}

# tap_result DESC STATUS: ok when STATUS is 0.
tap_result() {
	if [ "$2" -eq 0 ]; then
		tap_ok "$1"
	else
		tap_not_ok "$1"
	fi
}

# tap_done: status 0 only when every result passed and their number is the plan.
tap_done() {
	if [ -z "$tap_planned" ]; then
		tap_diag "no tap_plan before the results: a bug in the test"
		return 1
	fi
	if [ "$tap_planned" -ne "$tap_n" ]; then
		tap_diag "planned $tap_planned results, printed $tap_n"
		return 1
	fi
	[ "$tap_failed" -eq 0 ]
}

# run_cmd CMD...: runs CMD; $run_rc, and files $run_out / $run_err hold its exit status and output.
run_out=/tmp/run.out.$$
run_err=/tmp/run.err.$$
run_cmd() {
	"$@" > "$run_out" 2> "$run_err"
	run_rc=$?
}

# show_run: the last run_cmd's output, as TAP comments (for a failing case).
show_run() {
	tap_diag "exit status $run_rc" "stdout:" "$(cat "$run_out")" "stderr:" "$(cat "$run_err")"
}

# traced_ipmodify FUNC: FUNC is in enabled_functions with the IPMODIFY (I) flag set.
traced_ipmodify() {
	grep -qE "^$1 \([0-9]+\)( R|  ) I" /sys/kernel/tracing/enabled_functions
}

# traced FUNC: FUNC appears in enabled_functions at all.
traced() {
	grep -qE "^$1 " /sys/kernel/tracing/enabled_functions
}

# audit_tail_start LOG: every kernel audit record from now on into LOG, from audit's
# read-only multicast group (the console is rate limited); sets audit_tail_pid.
audit_tail_start() {
	audit_tail > "$1" 2> "$1.err" &
	audit_tail_pid=$!
	_i=0
	while ! grep -q '^audit_tail: listening' "$1" && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

# dmesg_mark NAME: write a unique marker line into the kernel log and print it.
# A line count would not do: once the ring is full, old lines fall out as new ones
# come and the count stops moving.
dmesg_mark() {
	_mark="e2e-mark: $1 $$ $(cat /proc/sys/kernel/random/uuid)"
	echo "$_mark" > /dev/kmsg
	echo "$_mark"
}

# dmesg_since MARK: the kernel log after MARK; fails if MARK has left the ring,
# since an empty answer would then hide whatever came after it.
dmesg_since() {
	dmesg > /tmp/dmesg_since.$$
	if ! grep -qF -- "$1" /tmp/dmesg_since.$$; then
		rm -f /tmp/dmesg_since.$$
		echo "dmesg_since: the marker '$1' is no longer in the kernel ring"
		return 1
	fi
	awk -v mark="$1" 'found { print } index($0, mark) { found = 1 }' /tmp/dmesg_since.$$
	rm -f /tmp/dmesg_since.$$
}

NOBODY=65534
