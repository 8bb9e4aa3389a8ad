#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: with audit=1 each denial record also reaches the kernel audit log, untrusted strings encoded.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh

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
cgfence load "$policy" > /dev/null && cgfence attach t_audit "$box" > /dev/null
tap_result "load and attach a profile denying reads under /tmp/t_audit" $?

# Control: a read the profile allows leaves no audit record.
sh -c "echo \$\$ > $box/cgroup.procs; cat /etc/passwd > /dev/null"
tap_result "confined read of /etc/passwd allowed" $?
sh -c "echo \$\$ > $box/cgroup.procs; cat /tmp/t_audit/plain/f" 2> /dev/null
[ $? -ne 0 ]
tap_result "confined read of /tmp/t_audit/plain/f refused" $?
sh -c "echo \$\$ > $box/cgroup.procs; cat '/tmp/t_audit/a b/f'" 2> /dev/null
[ $? -ne 0 ]
tap_result "confined read of '/tmp/t_audit/a b/f' refused" $?
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
echo "$log" | grep -q 'object="/etc/passwd"'
[ $? -ne 0 ]
tap_result "no audit record for the allowed read" $?

cgfence detach "$box" > /dev/null
cgfence unload t_audit > /dev/null
rmdir "$box"
rm -rf /tmp/t_audit "$policy"
run_cmd rmmod cgfence
tap_result "rmmod cgfence" "$run_rc"
tap_done
