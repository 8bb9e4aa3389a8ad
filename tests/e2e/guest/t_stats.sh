#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: cgfence stats: decisions, refusals by kind, would-deny and dropped records, exact per profile and container.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 13

dir=/tmp/t_stats
enf=/sys/fs/cgroup/t_stats.enf
cmp=/sys/fs/cgroup/t_stats.cmp
rm -rf "$dir"
mkdir -p "$dir/mnt" "$enf" "$cmp"
echo secret > "$dir/secret"
echo open > "$dir/open"
cat > "$dir/p.cgf" <<EOF
profile t_st {
	mode enforce;
	default allow;
	file {
		deny r $dir/secret;
	}
	device {
		allow c 1:3 rw;	# /dev/null, where the test sends output
	}
}
profile t_sc {
	mode complain;
	default allow;
	file {
		deny r $dir/secret;
	}
	device {
		allow c 1:3 rw;
	}
}
EOF

# in_cgroup CGROUP CMD...: CMD inside CGROUP, never outside it. Its stdin is /dev/null and
# the runner's other descriptors are closed: the serial ports they name are devices the
# profiles do not allow, each a refusal of its own at the exec.
in_cgroup() {
	# shellcheck disable=SC2016
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$@" < /dev/null 3>&- 4>&- 5>&- 6>&- \
		7>&- 8>&- 9>&-
}

# field JSON-LINE KEY: the number after the first "KEY": in the line.
field() {
	printf '%s\n' "$1" | grep -o "\"$2\":[0-9]*" | head -n 1 | cut -d: -f2
}

run_cmd insmod "$CGFENCE_KO"
tap_result "insmod cgfence.ko" "$run_rc"
run_cmd cgfence load "$dir/p.cgf"
rc=$run_rc
[ "$rc" -eq 0 ] && run_cmd cgfence attach t_st "$enf" && rc=$run_rc
[ "$rc" -eq 0 ] && run_cmd cgfence attach t_sc "$cmp" && rc=$run_rc
[ "$rc" -eq 0 ] || show_run
tap_result "load an enforcing and a complaining profile, attach each to a cgroup" "$rc"

run_cmd cgfence stats --json
zero=$(grep -c '"decisions":0,"denied":{"file":0,"mount":0,"device":0,"cgroup":0,"kernel":0},"would_deny":{"file":0,"mount":0,"device":0,"cgroup":0,"kernel":0},"dropped":0}' "$run_out")
[ "$run_rc" -eq 0 ] && [ "$zero" -eq 4 ]
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "stats --json: two profiles and two cgroups, all counters at 0 before any work" "$rc"

# Three refused reads in the enforcing container, two in the complaining one (allowed);
# the host reads it too, which no counter may see.
for i in 1 2 3; do
	in_cgroup "$enf" cat "$dir/secret" > /dev/null 2>&1 && echo "read $i" >> "$dir/leak"
done
for i in 1 2; do
	in_cgroup "$cmp" cat "$dir/secret" > /dev/null 2>> "$dir/cmp.err" || echo "$i" >> "$dir/cmp.err"
done
cat "$dir/secret" > /dev/null
[ ! -e "$dir/leak" ] && [ ! -s "$dir/cmp.err" ]
tap_result "the enforcing container is refused the file 3 times; the complaining one reads it twice" $?

run_cmd cgfence stats --json
att_enf=$(grep '"type":"attachment","cgroup":"/t_stats.enf"' "$run_out")
att_cmp=$(grep '"type":"attachment","cgroup":"/t_stats.cmp"' "$run_out")
prof_enf=$(grep '"type":"profile","name":"t_st"' "$run_out")
printf '%s\n' "$att_enf" | grep -q '"denied":{"file":3,"mount":0,"device":0,"cgroup":0,"kernel":0},"would_deny":{"file":0,' &&
	printf '%s\n' "$prof_enf" | grep -q '"denied":{"file":3,"mount":0,' &&
	printf '%s\n' "$att_cmp" | grep -q '"denied":{"file":0,"mount":0,"device":0,"cgroup":0,"kernel":0},"would_deny":{"file":2,"mount":0,'
rc=$?
[ "$rc" -eq 0 ] || { show_run; tap_diag "$(cgfence denials)"; }
tap_result "stats --json: 3 file denials in the enforcing container and its profile, 2 would-deny in the other" "$rc"

d1=$(field "$att_enf" decisions)
[ -n "$d1" ] && [ "$d1" -ge 3 ]
tap_result "decisions count at least the refused opens ($d1)" $?
in_cgroup "$enf" cat "$dir/open" > /dev/null
run_cmd cgfence stats --json
d2=$(field "$(grep '"cgroup":"/t_stats.enf"' "$run_out")" decisions)
[ -n "$d2" ] && [ "$d2" -gt "$d1" ] && grep '"cgroup":"/t_stats.enf"' "$run_out" | grep -q '"denied":{"file":3,'
tap_result "an allowed open adds decisions ($d1 -> $d2), no denial" $?

# A refused mount is counted as a mount.
in_cgroup "$enf" mount -t tmpfs none "$dir/mnt" 2> /dev/null
run_cmd cgfence stats --json
grep '"cgroup":"/t_stats.enf"' "$run_out" | grep -q '"denied":{"file":3,"mount":1,'
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "a refused mount counts under mount" "$rc"

# Past the rate limit: refusals still counted, the records the limit drops counted too,
# and refusals = records kept + records dropped, exactly.
echo 1 > /sys/module/cgfence/parameters/denials_per_second
# A second at the new rate caps the container's bucket at its new burst (5 records).
sleep 2
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	in_cgroup "$enf" cat "$dir/secret" > /dev/null 2>&1
done
run_cmd cgfence stats --json
line=$(grep '"cgroup":"/t_stats.enf"' "$run_out")
denied=$(field "$line" file)
refused=$((denied + $(field "$line" mount) + $(field "$line" device) + $(field "$line" cgroup) +
	$(field "$line" kernel)))
dropped=$(field "$line" dropped)
kept=$(cgfence denials --container "$enf" --json | grep -c '"type":"denial"')
tap_diag "refused opens $denied, refusals $refused, records kept $kept, dropped $dropped" "$line"
[ "$denied" -eq 23 ] && [ "$dropped" -gt 0 ] && [ $((kept + dropped)) -eq "$refused" ]
tap_result "rate limited: 23 refused opens; all refusals = records kept + records dropped (> 0)" $?
echo 20 > /sys/module/cgfence/parameters/denials_per_second

run_cmd cgfence stats --prometheus
id=$(stat -c %i "$enf")
grep -qx "cgfence_container_denials_total{cgroup=\"/t_stats.enf\",cgroup_id=\"$id\",profile=\"t_st\",kind=\"file\",verdict=\"denied\"} 23" "$run_out" &&
	grep -qx "cgfence_profile_denials_total{profile=\"t_sc\",kind=\"file\",verdict=\"would-deny\"} 2" "$run_out" &&
	grep -qx "cgfence_container_records_dropped_total{cgroup=\"/t_stats.enf\",cgroup_id=\"$id\",profile=\"t_st\"} $dropped" "$run_out" &&
	grep -qx '# TYPE cgfence_profile_decisions_total counter' "$run_out" &&
	grep -qx 'cgfence_attachments 2' "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "stats --prometheus: the same counts as samples with their labels" "$rc"

run_cmd cgfence stats --profile t_sc
[ "$run_rc" -eq 0 ] && grep -q '^t_sc ' "$run_out" && ! grep -q '^t_st ' "$run_out" &&
	grep -q '/t_stats.cmp$' "$run_out" && ! grep -q '/t_stats.enf$' "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "stats --profile t_sc: that profile and its cgroup only" "$rc"

for cg in "$enf" "$cmp"; do
	cgfence detach "$cg" > /dev/null
	rmdir "$cg"
done
cgfence unload t_st > /dev/null
run_cmd cgfence unload t_sc
tap_result "detach and unload" "$run_rc"
rm -rf "$dir"
run_cmd rmmod cgfence
tap_result "rmmod cgfence" "$run_rc"
tap_done
