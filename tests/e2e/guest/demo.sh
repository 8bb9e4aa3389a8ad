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

step "Check and load a profile: Docker's defaults, as cgfence rules"
run cgfence check /e2e/policy/docker-default.cgf
run cgfence load /e2e/policy/docker-default.cgf

step "Start a container: a busybox shell in its own cgroup"
mkdir /sys/fs/cgroup/demo-container
run cgfence attach docker-default /sys/fs/cgroup/demo-container
run cgfence list

# The container: every line runs in the attached cgroup, as root with every capability.
cat > /tmp/container.sh <<'CONTAINER'
echo $$ > /sys/fs/cgroup/demo-container/cgroup.procs
try() {
	what=$1
	shift
	if out=$("$@" 2>&1); then
		echo "  allowed: $what"
	else
		echo "  REFUSED: $what (${out##*: })"
	fi
}
try "read /etc/passwd" cat /etc/passwd
try "write a file in /tmp" sh -c 'echo hello > /tmp/hello'
try "write /proc/sys/kernel/sysrq" sh -c 'echo 1 > /proc/sys/kernel/sysrq'
try "read /proc/kcore" head -c 1 /proc/kcore
try "create a block device node for the host disk (b 8:0)" mknod /tmp/sda b 8 0
try "open /dev/null" sh -c 'echo > /dev/null'
try "open the host's memory (c 1:1) through a node made by the host" head -c 1 /tmp/host-mem
try "mount the host disk (a node for b 8:0 the host made)" mount -t ext4 /tmp/host-disk /mnt
try "mount procfs" mount -t proc proc /mnt
try "mount a tmpfs" mount -t tmpfs tmpfs /mnt
try "leave the cgroup (move to the root cgroup)" sh -c 'echo $$ > /sys/fs/cgroup/cgroup.procs'
try "unload cgfence" rmmod cgfence
try "load a kernel module" insmod /e2e/modules/loop.ko
try "kill a host process (pid 1, the host's init)" kill -0 1
try "read the host's kernel log" dmesg
CONTAINER
mkdir -p /mnt
mknod /tmp/host-mem c 1 1
mknod /tmp/host-disk b 8 0
echo "# (inside the container)"
sh /tmp/container.sh

step "Each refusal, with the container and the rule it came from"
run cgfence denials
echo "(the same records, for scripts: cgfence denials --json; live: cgfence denials --follow)"

step "The host, outside any attached cgroup, is unaffected"
run sh -c 'echo 1 > /proc/sys/kernel/sysrq && echo "host wrote /proc/sys/kernel/sysrq"'

step "Detach, unload the profile, unload the module"
run cgfence detach /sys/fs/cgroup/demo-container
run cgfence unload docker-default
rmdir /sys/fs/cgroup/demo-container
run rmmod cgfence
dmesg | grep cgfence | tail -n 1
run cgfence status

echo
echo "=== end of demo ==="
