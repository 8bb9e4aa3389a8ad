#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: runc and crun start containers through cgfence oci-hook: confined from the entrypoint's first read.
#
# For each runtime: the bundle runs without cgfence (the baseline, and the control for every
# EACCES below); with the hook it is attached on exec at create, its init pending until the
# entrypoint's exec, under docker-default and restricted; exec into it is confined; the
# denial names its cgroup; delete leaves no attachment; a profile that is not loaded, or
# the module not loaded, keeps it from starting and leaves nothing behind.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 50

dir=/tmp/t_runtimes
conf=/etc/cgfence/oci.conf
cgparent=/sys/fs/cgroup/cgfence-oci
t0=$(cut -d ' ' -f 1 /proc/uptime)

missing=
for p in /bin/cgfence /usr/sbin/runc /usr/bin/crun; do
	[ -x "$p" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
	tap_not_ok "cgfence, runc and crun are in the image (missing:$missing; run: make deps)"
	tap_done
	exit 1
fi

# took WHAT: a comment with the seconds since the test began (the test has a time limit).
took() {
	tap_diag "$(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s: $1"
}

# spec RUNTIME NAME: bundle $dir/NAME, made by RUNTIME spec, with the probe as entrypoint,
# no terminal and cgroup /cgfence-oci/NAME; no hook. crun passes a hook's stderr on
# only to the file its annotation run.oci.hooks.stderr names: $dir/NAME.hook.
spec() {
	b=$dir/$2
	rm -rf "$b" "$dir/$2.hook"
	mkdir -p "$b/rootfs/proc" "$b/rootfs/dev" "$b/rootfs/sys" "$b/rootfs/etc"
	cp /e2e/oci_probe "$b/rootfs/probe"
	echo "$2" > "$b/rootfs/etc/hostname"
	(cd "$b" && "$1" spec) || return 1
	sed -i -e 's/"terminal": true/"terminal": false/' \
		-e 's/^\(\t*\)"sh"$/\1"\/probe"/' \
		-e "s|\"linux\": {|\"linux\": { \"cgroupsPath\": \"/cgfence-oci/$2\",|" \
		"$b/config.json" || return 1
	if [ "$1" = crun ]; then
		sed -i "s|^\(\t\"ociVersion\": .*\)\$|\1 \"annotations\": {\"run.oci.hooks.stderr\": \"$dir/$2.hook\"},|" \
			"$b/config.json" || return 1
	fi
	grep -q "\"cgroupsPath\": \"/cgfence-oci/$2\"" "$b/config.json" &&
		grep -q '"terminal": false' "$b/config.json" && grep -q '"/probe"' "$b/config.json"
}

# bundle RUNTIME NAME [PROFILE]: spec's bundle with cgfence's createRuntime hook (and the
# annotation org.cgfence.profile=PROFILE) added by cgfence oci-prepare, as cgfence-runc
# adds them for Docker.
bundle() {
	spec "$1" "$2" || return 1
	if [ -n "${3:-}" ]; then
		cgfence oci-prepare --hook-path /bin/cgfence --profile "$3" "$dir/$2"
	else
		cgfence oci-prepare --hook-path /bin/cgfence "$dir/$2"
	fi
}

# bundle_by_hand RUNTIME NAME CONF: spec's bundle with the hook written into config.json
# by hand, as README.md shows, reading its configuration from CONF.
bundle_by_hand() {
	spec "$1" "$2" || return 1
	hook="\"hooks\": {\"createRuntime\": [{\"path\": \"/bin/cgfence\", \"args\": [\"cgfence\", \"oci-hook\", \"--config\", \"$3\"]}]},"
	sed -i "s|^\(\t\"ociVersion\": .*\)\$|\1 $hook|" "$dir/$2/config.json" &&
		grep -qF "\"--config\", \"$3\"" "$dir/$2/config.json"
}

# create RUNTIME NAME: RUNTIME create, detached: status 0 when it created the container.
# Its output reaches $dir/NAME.out through a pipe, as a runtime's shim gives it one: a file
# of the host it held would be judged at its exec, and revoked (docs/semantics.md). The
# runtime's stderr is in $dir/NAME.err. The VM's root is the initramfs, which
# pivot_root(2) cannot leave: --no-pivot (chroot).
create() {
	rm -f "$dir/$2.rc" "$dir/$2.err"
	{
		"$1" create --no-pivot --bundle "$dir/$2" "$2" < /dev/null 2> "$dir/$2.err"
		echo $? > "$dir/$2.rc"
	} | cat > "$dir/$2.out" &
	i=0
	while [ ! -s "$dir/$2.rc" ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cat "$dir/$2.rc" 2> /dev/null)" = 0 ]
}

# start RUNTIME NAME: RUNTIME start: the entrypoint's exec.
start() {
	"$1" start "$2" > /dev/null 2>> "$dir/$2.err"
}

# state_is RUNTIME NAME STATUS: RUNTIME state says STATUS.
state_is() {
	"$1" state "$2" 2> /dev/null | grep -qE "\"status\": *\"$3\""
}

# show_start NAME: what the runtime, the hook and the container said.
show_start() {
	tap_diag "create's status: $(cat "$dir/$1.rc" 2> /dev/null)" "stderr:" "$(cat "$dir/$1.err")" \
		"stdout:" "$(cat "$dir/$1.out")" "hook's stderr (crun):" "$(cat "$dir/$1.hook" 2> /dev/null)"
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

# in_ctr RUNTIME NAME: the probe run by RUNTIME exec, its output through a pipe.
in_ctr() {
	"$1" exec "$2" /probe exec | cat
}

# stop RUNTIME NAME: kill and delete the container; its cgroup goes with it (5 s at most).
stop() {
	"$1" kill "$2" KILL > /dev/null 2>&1
	i=0
	while [ $i -lt 50 ] && state_is "$1" "$2" running; do
		sleep 0.1
		i=$((i + 1))
	done
	"$1" delete --force "$2" > /dev/null 2>&1
	i=0
	while [ -d "$cgparent/$2" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# attachment_of NAME: the container's line of cgfence list --json, or nothing.
attachment_of() {
	cgfence list --json | grep "\"type\":\"attachment\",\"cgroup\":\"/cgfence-oci/$1\""
}

# runtime_tasks: the live tasks of a container or of a runtime (probe, runc, crun, and
# runc's init, "runc:[2:INIT]"), one "PID (COMM)" a line; zombies are not counted.
runtime_tasks() {
	for s in /proc/[0-9]*/stat; do
		read -r line < "$s" 2> /dev/null || continue
		case $line in
		*" (probe) "[!Z]* | *" (runc"*") "[!Z]* | *" (crun"*") "[!Z]*)
			echo "${line%%) *})"
			;;
		esac
	done
}

# left_nothing RUNTIME NAME: no task of the container or the runtime runs, its cgroup is
# gone (or empty), RUNTIME knows no container NAME.
left_nothing() {
	tasks=$(runtime_tasks)
	[ -n "$tasks" ] && tap_diag "still running: $tasks"
	[ -z "$tasks" ] &&
		{ ! [ -d "$cgparent/$2" ] || [ -z "$(cat "$cgparent/$2/cgroup.procs" 2> /dev/null)" ]; } &&
		! "$1" state "$2" > /dev/null 2>&1
}

# refused_by_hook RUNTIME NAME CODE WHY: the runtime reports that the hook exited with
# status CODE, and the hook's one line says WHY. runc passes that line on in its own
# error; crun writes it to the file of run.oci.hooks.stderr.
refused_by_hook() {
	if [ "$1" = runc ]; then
		grep -q "exit status $3, stdout: , stderr: cgfence oci-hook: container $2: $4.*: not started" \
			"$dir/$2.err"
	else
		grep -q "error executing hook \`/bin/cgfence\` (exit code: $3)" "$dir/$2.err" &&
			[ "$(wc -l < "$dir/$2.hook")" -eq 1 ] &&
			grep -q "^cgfence oci-hook: container $2: $4.*: not started\$" "$dir/$2.hook"
	fi
}

# refused_start RUNTIME WHAT PROFILE WHY: a container with annotation PROFILE is not
# created, and the hook says WHY; nothing of it is left.
refused_start() {
	name=$1-$2
	bundle "$1" "$name" "$3" > /dev/null
	! create "$1" "$name" && refused_by_hook "$1" "$name" 1 "$4" &&
		left_nothing "$1" "$name" && [ ! -s "$dir/$name.out" ]
	rc=$?
	[ $rc -eq 0 ] || show_start "$name"
	tap_result "$1: $2 profile: the container is not created, the hook says why, nothing is left" "$rc"
	tap_diag "$(cat "$dir/$name.err" "$dir/$name.hook" 2> /dev/null)"
	"$1" delete --force "$name" > /dev/null 2>&1
	rmdir "$cgparent/$name" 2> /dev/null
}

rm -rf "$dir"
mkdir -p "$dir" /etc/cgfence

# The baseline: without cgfence (module not loaded, no hook) each runtime runs the bundle.
# /proc/kcore is masked by the runtime (a bind mount of /dev/null): it opens.
for rt in runc crun; do
	name=$rt-plain
	spec "$rt" "$name" > /dev/null
	rc=$?
	[ $rc -eq 0 ] && create "$rt" "$name" && state_is "$rt" "$name" created &&
		[ ! -s "$dir/$name.out" ] && start "$rt" "$name" && state_is "$rt" "$name" running
	rc=$?
	[ $rc -eq 0 ] || show_start "$name"
	tap_result "$rt without cgfence: the container is created, then starts and runs (baseline)" "$rc"
	line=$(first_line "$name")
	[ "$line" = "first: kcore=0 hostname=0" ]
	rc=$?
	[ $rc -eq 0 ] || { tap_diag "probe said: '$line'"; show_start "$name"; }
	tap_result "$rt without cgfence: the entrypoint opens /proc/kcore and /etc/hostname (control)" "$rc"
	run_cmd in_ctr "$rt" "$name"
	grep -qx "exec: kcore=0 hostname=0" "$run_out"
	rc=$?
	[ $rc -eq 0 ] || show_run
	tap_result "$rt without cgfence: $rt exec into it opens both (control)" "$rc"
	stop "$rt" "$name"
	left_nothing "$rt" "$name" && [ ! -d "$cgparent/$name" ]
	tap_result "$rt without cgfence: deleted, no task and no cgroup of it left" $?
done
took "baseline"

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
		create "$rt" "$name"
		rc=$?
		if [ "$profile" = docker-default ]; then
			# Created: the hook has attached, the init waits for start, not yet exec'd.
			run_cmd attachment_of "$name"
			tap_diag "created: $(cat "$run_out")"
			[ $rc -eq 0 ] && state_is "$rt" "$name" created &&
				grep -qE '"profile":"docker-default","on_exec":true,"pending":[1-9][0-9]*\}$' "$run_out" &&
				[ ! -s "$dir/$name.out" ]
			rc=$?
			[ $rc -eq 0 ] || show_start "$name"
			tap_result "$rt: created: attached on exec, the init pending, the entrypoint not run yet" "$rc"
		fi
		[ $rc -eq 0 ] && start "$rt" "$name" && state_is "$rt" "$name" running
		rc=$?
		[ $rc -eq 0 ] || show_start "$name"
		tap_result "$rt, $profile: the container starts and runs (the runtime's setup is not refused)" "$rc"
		line=$(first_line "$name")
		[ "$line" = "first: kcore=EACCES hostname=0" ]
		rc=$?
		[ $rc -eq 0 ] || { tap_diag "probe said: '$line'"; show_start "$name"; }
		tap_result "$rt, $profile: the entrypoint's first open of /proc/kcore is EACCES, /etc/hostname opens" "$rc"
		run_cmd in_ctr "$rt" "$name"
		grep -qx "exec: kcore=EACCES hostname=0" "$run_out"
		rc=$?
		[ $rc -eq 0 ] || show_run
		tap_result "$rt, $profile: $rt exec into it is confined (EACCES, /etc/hostname opens)" "$rc"
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
		run_cmd attachment_of "$name"
		left_nothing "$rt" "$name" && [ ! -d "$cgparent/$name" ] && [ ! -s "$run_out" ]
		rc=$?
		[ $rc -eq 0 ] || show_run
		tap_result "$rt, $profile: deleted, no task, cgroup or attachment of it left" "$rc"
	done

	# The hook written by hand, its configuration from --config: the default profile
	# there confines a container that names none.
	name=$rt-default
	printf 'default_profile = restricted\n' > "$dir/oci.conf"
	bundle_by_hand "$rt" "$name" "$dir/oci.conf" > /dev/null &&
		create "$rt" "$name" && start "$rt" "$name" && state_is "$rt" "$name" running
	rc=$?
	line=$(first_line "$name")
	[ $rc -eq 0 ] && [ "$line" = "first: kcore=EACCES hostname=0" ] &&
		attachment_of "$name" | grep -q '"profile":"restricted"'
	rc=$?
	[ $rc -eq 0 ] || { show_start "$name"; tap_diag "probe said: '$line'"; }
	tap_result "$rt: hook by hand, --config: its default_profile (restricted) confines it" "$rc"
	stop "$rt" "$name"
	rm -f "$dir/oci.conf"

	# Fail closed: no profile anywhere, an unknown profile, an unconfined one not allowed.
	refused_start "$rt" none "" "no profile: the container has no org.cgfence.profile"
	refused_start "$rt" missing nosuchprofile "attach profile nosuchprofile to .*no profile by that name is loaded"
	refused_start "$rt" unconfined unconfined "profile .*unconfined.* asked for, but .* does not set allow_unconfined = yes"

	# unconfined where oci.conf allows it: started, nothing attached.
	name=$rt-unconfined-ok
	printf 'allow_unconfined = yes\n' > "$conf"
	bundle "$rt" "$name" unconfined > /dev/null
	create "$rt" "$name" && start "$rt" "$name"
	rc=$?
	line=$(first_line "$name")
	run_cmd attachment_of "$name"
	[ $rc -eq 0 ] && [ "$line" = "first: kcore=0 hostname=0" ] && [ ! -s "$run_out" ]
	rc=$?
	[ $rc -eq 0 ] || { show_start "$name"; tap_diag "probe said: '$line'" "$(cat "$run_out")"; }
	tap_result "$rt: unconfined, allowed by oci.conf: starts with no attachment (positive control)" "$rc"
	stop "$rt" "$name"
	rm -f "$conf"
	took "$rt"
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

# Every container deleted: no attachment is left in the module.
run_cmd cgfence list --json
[ "$run_rc" -eq 0 ] && ! grep -q '"type":"attachment"' "$run_out" && grep -q '"name":"docker-default"' "$run_out"
rc=$?
[ $rc -eq 0 ] || show_run
tap_result "every container deleted: cgfence list shows the profiles and no attachment" "$rc"
took "bad input"

# The module not loaded: no container starts.
cgfence unload --force restricted > /dev/null
cgfence unload --force baseline > /dev/null
cgfence unload --force docker-default > /dev/null
rmmod cgfence
for rt in runc crun; do
	name=$rt-nomodule
	bundle "$rt" "$name" docker-default > /dev/null
	! create "$rt" "$name" &&
		refused_by_hook "$rt" "$name" 3 "the cgfence module is not loaded" &&
		left_nothing "$rt" "$name" && [ ! -s "$dir/$name.out" ]
	rc=$?
	[ $rc -eq 0 ] || show_start "$name"
	tap_result "$rt: module not loaded: the container is not created, the hook says so, nothing is left" "$rc"
	tap_diag "$(cat "$dir/$name.err" "$dir/$name.hook" 2> /dev/null)"
	"$rt" delete --force "$name" > /dev/null 2>&1
	rmdir "$cgparent/$name" 2> /dev/null
done

# The host: /proc/kcore was never the containers' to open, and still opens here; the
# containers' hostnames stayed in their own namespaces.
run_cmd dd if=/proc/kcore of=/dev/null bs=1 count=1
[ "$run_rc" -eq 0 ] && [ "$(hostname)" = cgfence-e2e ]
rc=$?
[ $rc -eq 0 ] || { show_run; tap_diag "hostname: $(hostname)"; }
tap_result "host: /proc/kcore still opens outside the containers, the hostname is unchanged (control)" "$rc"

# Nothing of any container is left: no task, no runtime state, no cgroup.
tasks=$(runtime_tasks)
states=$(runc list -q 2>&1; crun list -q 2>&1)
rmdir "$cgparent"
rc=$?
[ $rc -eq 0 ] && [ -z "$tasks" ] && [ -z "$states" ]
rc=$?
[ $rc -eq 0 ] || tap_diag "tasks: $tasks" "runc and crun list: $states" "$(ls "$cgparent" 2>&1)"
tap_result "nothing of the containers is left: no task, no runc or crun state, no cgroup" "$rc"

took "end"
rm -rf "$dir"
tap_done
