#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of make demo: load cgfence on a stock kernel and show what it reports, step by step.
set -u
# shellcheck source=/dev/null
. /etc/cgfence-e2e.env

# Only errors and worse interrupt the demo on the console; cgfence's own lines are shown on purpose.
dmesg -n 4

step() {
	echo
	echo "### $*"
}

# run CMD...: shows the command like a shell session would, then its output and a failing status.
run() {
	echo "# $*"
	"$@"
	rc=$?
	[ "$rc" -eq 0 ] || echo "(exit status $rc)"
	return 0
}

echo "=== cgfence demo ==="

step "The kernel: Debian's stock build, not modified, not rebuilt"
run uname -r

step "Load the module"
run insmod /e2e/cgfence.ko
echo "Kernel log:"
dmesg | grep cgfence

step "Ask the module for its status"
run cgfence status

step "The same, for scripts"
run cgfence status --json

step "Kernel functions cgfence sits on (ftrace; I = it may redirect the call)"
run grep '^security_' /sys/kernel/tracing/enabled_functions

step "ftrace cannot be switched off under it"
run sysctl -w kernel.ftrace_enabled=0
run sysctl kernel.ftrace_enabled

step "Only CAP_MAC_ADMIN may talk to it: the same command as user nobody"
run runas 65534 65534 -- cgfence status

step "Unload"
run rmmod cgfence
dmesg | grep cgfence | tail -n 1
run cgfence status

echo
echo "=== end of demo ==="
