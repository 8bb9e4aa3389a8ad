#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: with audit=1 each denial record also reaches the kernel audit log, untrusted strings encoded.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 9

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

run_cmd insmod "$CGFENCE_KO" audit=1
tap_result "insmod cgfence.ko audit=1" "$run_rc"
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

log=$(dmesg | grep 'cgfence=denied')
echo "$log" | grep -q 'op=open .* profile=t_audit .*object="/tmp/t_audit/plain/f"'
rc=$?
[ "$rc" -eq 0 ] || tap_diag "audit lines:" "$log"
tap_result "audit record for the plain path: quoted object, op, profile" "$rc"
# "/tmp/t_audit/a b/f" holds a space: hex, as audit writes untrusted strings.
hex=$(printf '/tmp/t_audit/a b/f' | od -An -tx1 | tr -d ' \n')
echo "$log" | grep -q "object=$hex"
rc=$?
[ "$rc" -eq 0 ] || tap_diag "want object=$hex"
tap_result "audit record for a path with a space: hex-encoded object" "$rc"
! echo "$log" | grep -q 'object="/etc/passwd"'
tap_result "no audit record for the allowed read" $?

cgfence detach "$box" > /dev/null
cgfence unload t_audit > /dev/null
rmdir "$box"
rm -rf /tmp/t_audit "$policy"
run_cmd rmmod cgfence
tap_result "rmmod cgfence" "$run_rc"
tap_done
