# SPDX-License-Identifier: GPL-2.0
# The kernel log lines that fail a run, for every suite that boots a kernel (e2e in QEMU, KUnit in UML).
# shellcheck shell=bash disable=SC2034
#
# Sourced by tests/e2e/lib.sh and tests/kunit/run.sh. Debian's kernel has no lockdep and no
# KASAN: their patterns stay for kernels that have them, but nothing here can report them there.

# The kernel itself went wrong: a bug, a warning, a crash, a stall, a hang, a lockup, an
# allocation that failed.
kernel_trouble_re='BUG:|WARNING:|Oops|RCU stall|rcu_sched self-detected stall|rcu: INFO:|'
# Not the bare word lockdep: a lockdep kernel says "RCU lockdep checking is enabled" at boot.
kernel_trouble_re+='possible circular locking|possible recursive locking|inconsistent lock state|'
kernel_trouble_re+='DEBUG_LOCKS_WARN_ON|suspicious RCU usage|bad unlock balance|held lock freed|KASAN|'
kernel_trouble_re+='general protection fault|Kernel panic|UBSAN|refcount_t:|'
kernel_trouble_re+='blocked for more than [0-9]+ seconds|soft lockup|hard LOCKUP|'
kernel_trouble_re+='Watchdog detected hard LOCKUP|page allocation failure|Out of memory:|'
kernel_trouble_re+='new suspected memory leak'

# The module's own error lines (its pr_err calls, module/*.c). A test that provokes one on
# purpose writes kernel_expect_begin and kernel_expect_end to /dev/kmsg around it.
module_error_re='cgfence: (cannot |not loaded|kernel symbol .* not found)'
kernel_expect_begin='e2e: expected cgfence errors begin'
kernel_expect_end='e2e: expected cgfence errors end'

# kernel_trouble_lines LOG: the lines of LOG that fail the run, with the log's own order.
kernel_trouble_lines() {
	tr -d '\r' < "$1" | awk -v bad="$kernel_trouble_re" -v mod="$module_error_re" \
		-v b="$kernel_expect_begin" -v e="$kernel_expect_end" '
		index($0, b) { expected = 1; next }
		index($0, e) { expected = 0; next }
		$0 ~ bad { print; next }
		$0 ~ mod && !expected { print }
	'
}
