#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: runc and crun start containers through cgfence oci-hook: confined from the entrypoint's first read.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 38

dir=/tmp/t_runtimes
conf=/etc/cgfence/oci.conf
cgparent=/sys/fs/cgroup/cgfence-oci

if [ ! -x /bin/cgfence ] || [ ! -x /usr/sbin/runc ] || [ ! -x /usr/bin/crun ]; then
	tap_not_ok "cgfence, runc and crun are in the image"
	tap_done
	exit 1
fi

# bundle RUNTIME NAME [PROFILE]: a bundle whose entrypoint is the probe, in cgroup
# /cgfence-oci/NAME, with cgfence's createRuntime hook (and annotation PROFILE) added by
# cgfence oci-prepare, as cgfence-runc adds them for Docker.
bundle() {
	b=$dir/$2
	rm -rf "$b"
	mkdir -p "$b/rootfs/proc" "$b/rootfs/dev" "$b/rootfs/sys" "$b/rootfs/etc"
	cp /e2e/oci_probe "$b/rootfs/probe"
	echo "$2" > "$b/rootfs/etc/hostname"
	(cd "$b" && runc spec) || return 1
	# runc spec's defaults, but no terminal, the probe, and a cgroup of our choosing.
	sed -i -e 's/"terminal": true/"terminal": false/' \
		-e 's/^\(\t*\)"sh"$/\1"\/probe"/' \
		-e "s|\"linux\": {|\"linux\": { \"cgroupsPath\": \"/cgfence-oci/$2\",|" \
		"$b/config.json" || return 1
	if [ -n "${3:-}" ]; then
		cgfence oci-prepare --hook-path /bin/cgfence --profile "$3" "$b"
	else
		cgfence oci-prepare --hook-path /bin/cgfence "$b"
	fi
}

# start RUNTIME NAME: runs the container detached: status 0 when it started. Its output
# reaches $dir/NAME.out through a pipe, as a runtime's shim gives it one: a file of the
# host it held would be judged at its exec, and revoked (docs/semantics.md). The
# runtime's stderr is in $dir/NAME.err. The VM's root is the initramfs, which
# pivot_root(2) cannot leave: --no-pivot (chroot).
start() {
	rm -f "$dir/$2.rc"
	{
		"$1" run -d --no-pivot --bundle "$dir/$2" "$2" < /dev/null 2> "$dir/$2.err"
		echo $? > "$dir/$2.rc"
	} | cat > "$dir/$2.out" &
	i=0
	while [ ! -s "$dir/$2.rc" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cat "$dir/$2.rc" 2> /dev/null)" = 0 ]
}

# show_start NAME: what the runtime and the container said.
show_start() {
	tap_diag "status $(cat "$dir/$1.rc" 2> /dev/null)" "stderr:" "$(cat "$dir/$1.err")" \
		"stdout:" "$(cat "$dir/$1.out")"
}

# refused_by_hook RUNTIME NAME CODE WHY: the runtime reports that the hook failed. runc
# passes on the hook's one line, which must say WHY; crun says only the hook's exit
# status (CODE), unless an annotation names a file for the hook's stderr.
refused_by_hook() {
	if [ "$1" = runc ]; then
		grep -q "cgfence oci-hook: container $2: $4.*: not started" "$dir/$2.err"
	else
		grep -q "error executing hook \`/bin/cgfence\` (exit code: $3)" "$dir/$2.err"
	fi
}

# refused_start RUNTIME WHAT PROFILE WHY: a container with annotation PROFILE does not
# start, and the hook says WHY; nothing of it is left.
refused_start() {
	name=$1-$2
	bundle "$1" "$name" "$3" > /dev/null
	! start "$1" "$name" && refused_by_hook "$1" "$name" 1 "$4" &&
		left_nothing "$name" && [ ! -s "$dir/$name.out" ]
	rc=$?
	[ $rc -eq 0 ] || show_start "$name"
	tap_result "$1: $2 profile: the container does not start, the hook says why" "$rc"
	tap_diag "$(cat "$dir/$name.err")"
	"$1" delete --force "$name" > /dev/null 2>&1
	rmdir "$cgparent/$name" 2> /dev/null
}

# in_ctr RUNTIME NAME: the probe run by RUNTIME exec, its output through a pipe.
in_ctr() {
	"$1" exec "$2" /probe exec | cat
}

# first_line NAME: the probe's first line, once it has printed it (10 s at most).
first_line() {
	i=0
	while [ $i -lt 100 ]; do
		if grep -q '^first:' "$dir/$1.out" 2> /dev/null; then
			grep '^first:' "$dir/$1.out"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# stop RUNTIME NAME: kill and delete the container; its cgroup goes with it.
stop() {
	"$1" kill "$2" KILL > /dev/null 2>&1
	i=0
	while [ $i -lt 50 ] && "$1" state "$2" 2> /dev/null | grep -q '"status": "running"'; do
		sleep 0.1
		i=$((i + 1))
	done
	"$1" delete --force "$2" > /dev/null 2>&1
}

# attachment_of NAME: the container's line of cgfence list --json, or nothing.
attachment_of() {
	cgfence list --json | grep "\"type\":\"attachment\",\"cgroup\":\"/cgfence-oci/$1\""
}

# no_process_in NAME: the container left no process and no cgroup behind.
left_nothing() {
	! [ -d "$cgparent/$1" ] || [ -z "$(cat "$cgparent/$1/cgroup.procs" 2> /dev/null)" ]
}

rm -rf "$dir"
mkdir -p "$dir" /etc/cgfence
insmod "$CGFENCE_KO" || {
	tap_not_ok "insmod cgfence.ko"
	tap_done
	exit 1
}
cgfence load /e2e/policy/docker-default.cgf /e2e/policy/baseline.cgf \
	/e2e/policy/restricted.cgf > /dev/null || tap_diag "loading the shipped profiles failed"

for rt in runc crun; do
	for profile in docker-default restricted; do
		name=$rt-$profile
		bundle "$rt" "$name" "$profile" > /dev/null
		start "$rt" "$name"
		rc=$?
		[ $rc -eq 0 ] || show_start "$name"
		tap_result "$rt, $profile: the container starts (the runtime's setup is not refused)" "$rc"
		line=$(first_line "$name")
		[ "$line" = "first: kcore=EACCES hostname=0" ]
		rc=$?
		[ $rc -eq 0 ] || { tap_diag "probe said: '$line'"; show_start "$name"; }
		tap_result "$rt, $profile: the entrypoint's first read of /proc/kcore is EACCES, /etc/hostname reads" "$rc"
		run_cmd in_ctr "$rt" "$name"
		grep -qx "exec: kcore=EACCES hostname=0" "$run_out"
		rc=$?
		[ $rc -eq 0 ] || show_run
		tap_result "$rt, $profile: $rt exec into it is confined (EACCES, hostname reads)" "$rc"
		if [ "$profile" = docker-default ]; then
			i=0
			until attachment_of "$name" | grep -q '"profile":"docker-default","on_exec":true,"pending":0' ||
			      [ $i -ge 50 ]; do
				sleep 0.1
				i=$((i + 1))
			done
			run_cmd attachment_of "$name"
			grep -q '"on_exec":true,"pending":0' "$run_out"
			rc=$?
			[ $rc -eq 0 ] || show_run
			tap_result "$rt: list shows the attachment on exec, no task pending once both exec'd" "$rc"
			run_cmd cgfence denials --json --container "/cgfence-oci/$name"
			grep -q "\"cgroup\":\"/cgfence-oci/$name\".*\"profile\":\"docker-default\".*\"object\":\"/proc/kcore\"" "$run_out"
			rc=$?
			[ $rc -eq 0 ] || show_run
			tap_result "$rt: the denial record carries the container's cgroup" "$rc"
		fi
		stop "$rt" "$name"
		i=0
		while [ -d "$cgparent/$name" ] && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		run_cmd attachment_of "$name"
		[ ! -d "$cgparent/$name" ] && [ ! -s "$run_out" ]
		rc=$?
		[ $rc -eq 0 ] || show_run
		tap_result "$rt, $profile: deleted, its cgroup and its attachment are gone" "$rc"
	done

	# The profile from oci.conf when the container names none.
	name=$rt-default
	printf 'default_profile = restricted\n' > "$conf"
	bundle "$rt" "$name" > /dev/null
	start "$rt" "$name"
	rc=$?
	line=$(first_line "$name")
	[ $rc -eq 0 ] && [ "$line" = "first: kcore=EACCES hostname=0" ] &&
		attachment_of "$name" | grep -q '"profile":"restricted"'
	rc=$?
	[ $rc -eq 0 ] || { show_start "$name"; tap_diag "probe said: '$line'"; }
	tap_result "$rt: no annotation: default_profile of oci.conf (restricted) confines it" "$rc"
	stop "$rt" "$name"
	rm -f "$conf"

	# Fail closed: no profile anywhere, an unknown profile, an unconfined one not allowed.
	refused_start "$rt" none "" "no profile: the container has no org.cgfence.profile"
	refused_start "$rt" missing nosuchprofile "attach profile nosuchprofile to .*no profile by that name is loaded"
	refused_start "$rt" unconfined unconfined "profile .*unconfined.* asked for, but .* does not set allow_unconfined = yes"

	# unconfined where oci.conf allows it: started, nothing attached.
	name=$rt-unconfined-ok
	printf 'allow_unconfined = yes\n' > "$conf"
	bundle "$rt" "$name" unconfined > /dev/null
	start "$rt" "$name"
	line=$(first_line "$name")
	run_cmd attachment_of "$name"
	# The runtime masks /proc/kcore with /dev/null: unconfined, the open succeeds.
	[ "$line" = "first: kcore=0 hostname=0" ] && [ ! -s "$run_out" ]
	rc=$?
	[ $rc -eq 0 ] || tap_diag "probe said: '$line'" "$(cat "$run_out")"
	tap_result "$rt: unconfined, allowed by oci.conf: starts with no attachment (positive control)" "$rc"
	stop "$rt" "$name"
	rm -f "$conf"
done

# Bad input straight to the hook: one line on stderr, exit 1, no attachment made.
# hook_refuses DESC WHY STATE: the hook, given STATE on stdin, refuses and says WHY.
hook_refuses() {
	before=$(cgfence list --json | grep -c '"type":"attachment"')
	printf '%s' "$3" | cgfence oci-hook > "$dir/hook.out" 2> "$dir/hook.err"
	rc=$?
	after=$(cgfence list --json | grep -c '"type":"attachment"')
	[ $rc -eq 1 ] && [ ! -s "$dir/hook.out" ] && [ "$(wc -l < "$dir/hook.err")" -eq 1 ] &&
		grep -q "^cgfence oci-hook: $2.*: not started$" "$dir/hook.err" && [ "$before" = "$after" ]
	rc=$?
	[ $rc -eq 0 ] || tap_diag "exit status, attachments before and after: $rc $before $after"
	tap_diag "$(cat "$dir/hook.out" "$dir/hook.err")"
	tap_result "oci-hook: $1: exit 1, one line, nothing attached" "$rc"
}
printf 'default_profile = docker-default\n' > "$conf"
sleep 1000 &
sleeper=$!
mkdir -p "$cgparent/bad"
echo "$sleeper" > "$cgparent/bad/cgroup.procs"
hook_refuses "malformed state" "the container state is not valid JSON: line 1 column 9" '{"pid": '
hook_refuses "a pid that has exited" "container gone: no process with pid 2147483647" \
	'{"id":"gone","pid":2147483647}'
hook_refuses "pid 0" "container zero: the container state's \"pid\" is not a process id" \
	'{"id":"zero","pid":0}'
hook_refuses "an invalid profile name" "container odd: annotation org.cgfence.profile: invalid profile name" \
	"{\"id\":\"odd\",\"pid\":$sleeper,\"annotations\":{\"org.cgfence.profile\":\"../x\"}}"
# The positive control: the same state with a good profile attaches, on exec.
printf '{"id":"good","pid":%s}' "$sleeper" | cgfence oci-hook > "$dir/hook.out" 2> "$dir/hook.err" &&
	attachment_of bad | grep -q '"profile":"docker-default","on_exec":true,"pending":1' &&
	[ ! -s "$dir/hook.out" ] && [ ! -s "$dir/hook.err" ]
rc=$?
[ $rc -eq 0 ] || tap_diag "$(cat "$dir/hook.err")" "$(attachment_of bad)"
tap_result "oci-hook: a good state attaches docker-default on exec, its sleeper pending (control)" "$rc"
kill "$sleeper"
wait "$sleeper" 2> /dev/null
rmdir "$cgparent/bad"
rm -f "$conf"

# The module not loaded: no container starts.
cgfence unload --force restricted > /dev/null
cgfence unload --force baseline > /dev/null
cgfence unload --force docker-default > /dev/null
rmmod cgfence
for rt in runc crun; do
	name=$rt-nomodule
	bundle "$rt" "$name" docker-default > /dev/null
	! start "$rt" "$name" &&
		refused_by_hook "$rt" "$name" 3 "the cgfence module is not loaded" &&
		left_nothing "$name" && [ ! -s "$dir/$name.out" ]
	rc=$?
	[ $rc -eq 0 ] || show_start "$name"
	tap_result "$rt: module not loaded: the container does not start, the hook says so" "$rc"
	"$rt" delete --force "$name" > /dev/null 2>&1
	rmdir "$cgparent/$name" 2> /dev/null
done

# The host: /proc/kcore was never the containers' to read, and still opens here.
run_cmd dd if=/proc/kcore of=/dev/null bs=1 count=1
tap_result "host: /proc/kcore still reads outside the containers (control)" "$run_rc"

rmdir "$cgparent" 2> /dev/null
rm -rf "$dir"
tap_done
