#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: by default each denial and each policy change reaches the audit log, untrusted strings encoded.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 16

box=/sys/fs/cgroup/t_audit.box
policy=/tmp/t_audit.cgf

cat > "$policy" <<'POLICY'
profile t_audit {
	mode enforce;
	default allow;
	file {
		deny r /tmp/t_audit/**;
	}
	device {
		allow c 1:3 rw;
	}
}
POLICY
mkdir -p "/tmp/t_audit/plain" "/tmp/t_audit/a b"
echo secret > /tmp/t_audit/plain/f
echo secret > "/tmp/t_audit/a b/f"

log=/tmp/t_audit.log
audit_tail_start "$log"

# No audit=1: denials go to the audit log by default, as AppArmor's do.
run_cmd insmod "$CGFENCE_KO"
tap_result "insmod cgfence.ko (audit left at its default)" "$run_rc"
mkdir -p "$box"
run_cmd cgfence load "$policy"
rc=$run_rc
[ "$rc" -eq 0 ] && run_cmd cgfence attach t_audit "$box" && rc=$run_rc
[ "$rc" -eq 0 ] || show_run
tap_result "load and attach a profile denying reads under /tmp/t_audit (exit 0 each)" "$rc"

# in_box CMD...: CMD inside the box; a failed join ends it there, never runs it unconfined.
in_box() {
	# shellcheck disable=SC2016
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$box" "$@"
}

# Control: a read the profile allows leaves no audit record.
run_cmd in_box cat /etc/passwd
[ "$run_rc" -eq 0 ] || show_run
tap_result "confined read of /etc/passwd allowed (exit 0)" "$run_rc"
for f in /tmp/t_audit/plain/f "/tmp/t_audit/a b/f"; do
	run_cmd in_box cat "$f"
	[ "$run_rc" -eq 1 ] && grep -q "can't open '$f': Permission denied" "$run_err"
	rc=$?
	[ "$rc" -eq 0 ] || show_run
	tap_result "confined read of '$f' refused: exit 1, Permission denied (EACCES)" "$rc"
done
# The worker writes audit records after the hook returns.
sleep 1

denials=$(grep 'cgfence=denied' "$log")
echo "$denials" | grep -q 'op=open .* profile=t_audit .*object="/tmp/t_audit/plain/f"'
rc=$?
[ "$rc" -eq 0 ] || tap_diag "audit lines:" "$denials"
tap_result "audit record for the plain path: quoted object, op, profile" "$rc"
# "/tmp/t_audit/a b/f" holds a space: hex, as audit writes untrusted strings.
hex=$(printf '/tmp/t_audit/a b/f' | od -An -tx1 | tr -d ' \n')
echo "$denials" | grep -q "object=$hex"
rc=$?
[ "$rc" -eq 0 ] || tap_diag "want object=$hex"
tap_result "audit record for a path with a space: hex-encoded object" "$rc"
! echo "$denials" | grep -q 'object="/etc/passwd"'
tap_result "no audit record for the allowed read" $?

# Every policy change names the operation, profile, cgroup, result and caller.
id=$(stat -c %i "$box")
cgfence load "$policy" > /dev/null
cgfence mode t_audit complain > /dev/null
cgfence mode t_audit enforce > /dev/null
cgfence attach nosuchprofile "$box" > /dev/null 2>&1
cgfence detach "$box" > /dev/null
cgfence unload t_audit > /dev/null
echo 50 > /sys/module/cgfence/parameters/denials_per_second
sleep 1
caller=' ppid=[0-9]* pid=[0-9]* auid=[0-9]* uid=0 .* comm="cgfence"'
has() { # DESC PATTERN: one result: a record of the log matches PATTERN
	grep -q "$2" "$log"
	rc=$?
	[ "$rc" -eq 0 ] || tap_diag "want: $2" "policy records:" "$(grep 'cgfence=policy' "$log")"
	tap_result "$1" "$rc"
}
has "load: type 1403 (MAC_POLICY_LOAD), profile, success, the caller" \
	"^type=1403 .*cgfence=policy op=load profile=\"t_audit\" res=1$caller"
has "the same profile again: op=replace" \
	"^type=1403 .*cgfence=policy op=replace profile=\"t_audit\" res=1$caller"
has "attach: type 1405 (MAC_CONFIG_CHANGE), the cgroup's id and path" \
	"^type=1405 .*cgfence=policy op=attach profile=\"t_audit\" cgroup_id=$id cgroup=\"/t_audit.box\" res=1$caller"
has "mode complain: type 1404 (MAC_STATUS), the new mode" \
	"^type=1404 .*cgfence=policy op=mode profile=\"t_audit\" mode=complain res=1$caller"
has "a refused attach: res=0 and the errno (ENOENT: no such profile)" \
	"^type=1405 .*cgfence=policy op=attach profile=\"nosuchprofile\" cgroup_id=$id cgroup=\"/t_audit.box\" res=0 error=-2$caller"
has "detach and unload: res=1 each" \
	"cgfence=policy op=detach cgroup_id=$id cgroup=\"/t_audit.box\" res=1$caller"
grep -q "cgfence=policy op=unload profile=\"t_audit\" res=1$caller" "$log" &&
	grep -q 'cgfence=policy op=param param=denials_per_second res=1 ppid=[0-9]* pid=[0-9]* auid=[0-9]* uid=0 ' "$log"
rc=$?
[ "$rc" -eq 0 ] || tap_diag "policy records:" "$(grep 'cgfence=policy' "$log")"
tap_result "unload, and a parameter written through sysfs (the writer named: uid 0)" "$rc"

kill "$audit_tail_pid" || tap_diag "audit_tail ended early: $(cat "$log.err")"
rmdir "$box"
rm -rf /tmp/t_audit "$policy" "$log" "$log.err"
run_cmd rmmod cgfence
tap_result "rmmod cgfence" "$run_rc"
tap_done
