#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: cgfence lock through the tool: --yes needed, then every change fails until reboot, rmmod too, each refusal audited.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 22

# Locking lasts until reboot: run.sh boots a VM for this test alone.
dir=/tmp/t_lock_cli
box=/sys/fs/cgroup/t_lock_cli.box
free=/sys/fs/cgroup/t_lock_cli.free

if [ ! -x /bin/cgfence ]; then
	tap_not_ok "cgfence tool is in the image (build/cgfence-static)"
	tap_done
	exit 1
fi

mkdir -p "$dir" "$box" "$free"
echo secret > "$dir/secret"
cat > "$dir/lk.cgf" <<EOF
profile lk {
	mode enforce;
	default allow;
	file {
		deny r $dir/secret;
	}
}
EOF

in_box() {
	# shellcheck disable=SC2016
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$box" "$@"
}

# expect_run DESC WANT_RC CMD...: one result: CMD's exit status is WANT_RC.
expect_run() {
	desc=$1
	want=$2
	shift 2
	run_cmd "$@"
	[ "$run_rc" -eq "$want" ] || show_run
	tap_result "$desc" "$((run_rc != want))"
}

# refused DESC CMD...: exit 1 and a message that says the policy is locked.
refused() {
	desc=$1
	shift
	run_cmd "$@"
	tap_diag "$desc: exit $run_rc: $(cat "$run_err")"
	[ "$run_rc" -eq 1 ] && grep -q 'locked' "$run_err"
	rc=$?
	[ "$rc" -eq 0 ] || show_run
	tap_result "locked: $desc: exit 1, says locked" "$rc"
}

locked_is() {
	cgfence status --json | grep -q "\"locked\":$1"
}

log=/tmp/t_lock_cli.audit
audit_tail_start "$log"

expect_run "insmod cgfence.ko" 0 insmod "$CGFENCE_KO"
expect_run "load lk.cgf" 0 cgfence load "$dir/lk.cgf"
expect_run "attach lk to the box" 0 cgfence attach lk "$box"

run_cmd cgfence lock
[ "$run_rc" -eq 2 ] && locked_is false
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "lock without --yes: usage error (exit 2), still unlocked" "$rc"

run_cmd cgfence lock --yes
[ "$run_rc" -eq 0 ] && grep -qx 'policy locked until reboot' "$run_out" && locked_is true
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "lock --yes: exit 0, \"policy locked until reboot\", status --json locked" "$rc"

refused "load" cgfence load "$dir/lk.cgf"
refused "unload --force lk" cgfence unload --force lk
refused "mode lk complain" cgfence mode lk complain
expect_run "locked: attach lk to a cgroup with no attachment still works" 0 \
	cgfence attach lk "$free"
refused "detach that new attachment" cgfence detach "$free"
refused "detach the box" cgfence detach "$box"
refused "lock --yes again" cgfence lock --yes

run_cmd cgfence list --json
tap_diag "$(cat "$run_out")"
[ "$run_rc" -eq 0 ] && grep -q '"name":"lk","mode":"enforce"' "$run_out" &&
	grep -q '"type":"attachment","cgroup":"/t_lock_cli.box"' "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "locked: list --json still answers, lk enforcing and attached" "$rc"

run_cmd cat "$dir/secret"
[ "$run_rc" -eq 0 ] && grep -qx secret "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "locked: on the host, cat secret still works (control)" "$rc"
run_cmd in_box cat "$dir/secret"
[ "$run_rc" -eq 1 ] && grep -q "can't open '$dir/secret': Permission denied" "$run_err"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "locked: in the box, cat secret still fails: exit 1, EACCES" "$rc"

# A plain rmmod meets the reference the lock holds: the kernel's own EAGAIN (EWOULDBLOCK).
# A forced one would ignore it: the module refuses every forced unload while locked, EPERM.
run_cmd rmmod cgfence
tap_diag "rmmod: exit $run_rc: $(cat "$run_err")"
[ "$run_rc" -eq 1 ] && grep -q "Resource temporarily unavailable" "$run_err" &&
	[ -d /sys/module/cgfence ] && locked_is true
tap_result "locked: rmmod fails with EAGAIN (the lock's reference), the module stays, still locked" $?
run_cmd rmmod -f cgfence
tap_diag "rmmod -f: exit $run_rc: $(cat "$run_err")"
[ "$run_rc" -eq 1 ] && grep -q "Operation not permitted" "$run_err" &&
	[ -d /sys/module/cgfence ] && locked_is true
tap_result "locked: rmmod -f fails with EPERM, the module's own refusal" $?

# Every change and every refusal by the lock left an audit record naming the caller.
! echo N > /sys/module/cgfence/parameters/audit 2> /dev/null
tap_result "locked: writing the audit parameter fails" $?
sleep 1
kill "$audit_tail_pid"
caller=' ppid=[0-9]* pid=[0-9]* auid=[0-9]* uid=0 .* comm="cgfence"'
audited() { # DESC PATTERN...: one result: each PATTERN matches a record
	desc=$1
	shift
	rc=0
	for want in "$@"; do
		grep -q "$want" "$log" || { tap_diag "want: $want"; rc=1; }
	done
	[ "$rc" -eq 0 ] || tap_diag "policy records:" "$(grep 'cgfence=policy' "$log")"
	tap_result "$desc" "$rc"
}
audited "audit: the lock, type 1404 (MAC_STATUS), by cgfence" \
	"^type=1404 .*cgfence=policy op=lock res=1$caller"
audited "audit: refused by the lock: load, unload --force, mode: res=0 error=-1 (EPERM)" \
	"^type=1403 .*cgfence=policy op=load profile=\"lk\" res=0 error=-1$caller" \
	"^type=1403 .*cgfence=policy op=unload profile=\"lk\" force=1 res=0 error=-1$caller" \
	"^type=1404 .*cgfence=policy op=mode profile=\"lk\" mode=complain res=0 error=-1$caller"
audited "audit: attach after the lock succeeds, its detach and a second lock are refused" \
	"^type=1405 .*cgfence=policy op=attach profile=\"lk\" cgroup_id=[0-9]* cgroup=\"/t_lock_cli.free\" res=1$caller" \
	"^type=1405 .*cgfence=policy op=detach cgroup_id=[0-9]* cgroup=\"/t_lock_cli.free\" res=0 error=-1$caller" \
	"^type=1404 .*cgfence=policy op=lock res=0 error=-1$caller"
audited "audit: the refused parameter write" \
	"^type=1405 .*cgfence=policy op=param param=audit res=0 error=-1 "

tap_done
