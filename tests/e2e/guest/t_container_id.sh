#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: denials name the container by runtime and id, and --container takes an id prefix (unique, or refused listing all).
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 9

id1=3d5327d3e8161cdea217025b22f696ed6933f7d6964ff1c3219826962a979ae6
id2=3d5327ffe8161cdea217025b22f696ed6933f7d6964ff1c3219826962a979ae6
# Cgroups named as Docker's cgroupfs driver names them, and one no runtime named.
ctr1=/sys/fs/cgroup/docker/$id1
ctr2=/sys/fs/cgroup/docker/$id2
plain=/sys/fs/cgroup/t_container_id.plain
dir=/tmp/t_container_id
mkdir -p "$ctr1" "$ctr2" "$plain" "$dir"
echo secret > "$dir/secret"
cat > "$dir/p.cgf" <<POLICY
profile t_cid {
	mode enforce;
	default allow;
	file {
		deny r $dir/secret;
	}
}
POLICY

run_cmd insmod "$CGFENCE_KO"
tap_result "insmod cgfence.ko" "$run_rc"
run_cmd cgfence load "$dir/p.cgf"
rc=$run_rc
for cg in "$ctr1" "$ctr2" "$plain"; do
	[ "$rc" -eq 0 ] && run_cmd cgfence attach t_cid "$cg" && rc=$run_rc
done
[ "$rc" -eq 0 ] || show_run
tap_result "load, attach to two Docker-named cgroups and a plain one" "$rc"

# in_cgroup CGROUP CMD...: CMD inside CGROUP, never outside it.
in_cgroup() {
	# shellcheck disable=SC2016
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$@"
}
in_cgroup "$ctr1" cat "$dir/secret" > /dev/null 2>&1
in_cgroup "$ctr2" cat "$dir/secret" > /dev/null 2>&1
in_cgroup "$plain" cat "$dir/secret" > /dev/null 2>&1
# Control: the host reads it.
run_cmd cat "$dir/secret"
[ "$run_rc" -eq 0 ]
tap_result "the host reads the file (control); each container was refused it" $?

run_cmd cgfence denials
grep -q " cgroup=/docker/$id1 container=docker:3d5327d3e816 profile=t_cid " "$run_out" &&
	grep -q " cgroup=/docker/$id2 container=docker:3d5327ffe816 profile=t_cid " "$run_out" &&
	grep -q " cgroup=/t_container_id.plain profile=t_cid " "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "denials: runtime and short id after a Docker-named cgroup, none after a plain one" "$rc"

run_cmd cgfence denials --json
grep -q "\"cgroup\":\"/docker/$id1\",\"container\":{\"runtime\":\"docker\",\"id\":\"$id1\"}" "$run_out" &&
	grep -q '"cgroup":"/t_container_id.plain","container":null' "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "denials --json: the full id, null for a plain cgroup" "$rc"

run_cmd cgfence denials --container 3d5327d
[ "$run_rc" -eq 0 ] && grep -q "container=docker:3d5327d3e816 " "$run_out" &&
	! grep -q "container=docker:3d5327ffe816\|t_container_id.plain" "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "--container 3d5327d (one container's prefix): its records only" "$rc"

run_cmd cgfence denials --container 3d5327
[ "$run_rc" -eq 2 ] && [ ! -s "$run_out" ] &&
	grep -q "several attached containers have an id starting so" "$run_err" &&
	grep -q "docker $id1 /docker/$id1" "$run_err" && grep -q "docker $id2 /docker/$id2" "$run_err"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "--container 3d5327 (two containers'): exit 2, both listed, no records" "$rc"

run_cmd cgfence denials --container abcdef
[ "$run_rc" -eq 1 ] && grep -q "no attached container whose id starts so" "$run_err"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "--container abcdef (no container's): exit 1, says so" "$rc"

for cg in "$ctr1" "$ctr2" "$plain"; do
	cgfence detach "$cg" > /dev/null
	rmdir "$cg"
done
rmdir /sys/fs/cgroup/docker
cgfence unload t_cid > /dev/null
rm -rf "$dir"
run_cmd rmmod cgfence
tap_result "rmmod cgfence" "$run_rc"
tap_done
