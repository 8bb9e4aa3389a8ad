#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: the cgfence tool drives a container's story: load, list, show, attach, mode, replace, unload.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 36

dir=/tmp/t_cli
box=/sys/fs/cgroup/t_cli.box
box_rel=/t_cli.box

if [ ! -x /bin/cgfence ]; then
	tap_not_ok "cgfence tool is in the image (build/cgfence-static)"
	tap_done
	exit 1
fi

mkdir -p "$dir"
echo secret > "$dir/secret"
echo public > "$dir/public"
cat > "$dir/web.cgf" <<EOF
profile web {
	mode enforce;
	default allow;
	file {
		deny r $dir/secret;
	}
}
EOF
# The same profile name, other rules: a replace.
cat > "$dir/web2.cgf" <<EOF
profile web {
	mode enforce;
	default allow;
	file {
		deny r $dir/public;
	}
}
EOF
printf 'profile bad {\n\tmode enforce;\n\tfile { deny q /x; }\n}\n' > "$dir/bad.cgf"

# in_box CMD...: CMD in a shell that first moves itself into the box's cgroup.
in_box() {
	# shellcheck disable=SC2016
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$box" "$@"
}

# expect_refused DESC WANT_RC LINE CMD...: one result: CMD exits WANT_RC and prints LINE, exactly,
# on stderr.
expect_refused() {
	desc=$1
	want=$2
	line=$3
	shift 3
	run_cmd "$@"
	if [ "$run_rc" -eq "$want" ] && grep -qxF -- "$line" "$run_err"; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc"
		show_run
		tap_diag "want exit status $want and the line: $line"
	fi
}

# json_has PATTERN: the last run_cmd's stdout has a line matching the extended regex.
json_has() {
	grep -qE "$1" "$run_out"
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

# kernel_log_has TEXT...: a kernel log line (after $log_mark) holds every TEXT.
kernel_log_has() {
	dmesg | sed -n "/$log_mark/,\$p" | {
		while read -r line; do
			ok=1
			for t in "$@"; do
				case $line in
				*"$t"*) ;;
				*) ok=0 ;;
				esac
			done
			[ "$ok" = 1 ] && return 0
		done
		return 1
	}
}

# retry_log CMD...: runs CMD until the kernel log shows $want_log (the report is rate limited).
retry_log() {
	tries=0
	while [ "$tries" -lt 25 ]; do
		log_mark="t_cli-mark-$$-$tries"
		echo "$log_mark" > /dev/kmsg
		"$@" > /dev/null 2>&1
		# shellcheck disable=SC2086
		kernel_log_has $want_log && return 0
		tries=$((tries + 1))
		sleep 0.3
	done
	return 1
}

expect_run "insmod cgfence.ko" 0 insmod "$CGFENCE_KO"

run_cmd cgfence load "$dir/web.cgf"
[ "$run_rc" -eq 0 ] && grep -qE '^loaded profile web \(1 rules?\)$' "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "cgfence load web.cgf: exit 0, \"loaded profile web (1 rule)\"" "$rc"

run_cmd cgfence list --json
tap_diag "$(cat "$run_out")"
[ "$run_rc" -eq 0 ] &&
	json_has '^\{"type":"profile","name":"web","mode":"enforce","rules":1,"attachments":0,"generation":1\}$' &&
	! json_has '"type":"attachment"'
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "list --json: web, enforce, 1 rule, generation 1, no attachment" "$rc"

mkdir "$box"
box_id=$(stat -c %i "$box")
run_cmd cgfence attach web "$box"
[ "$run_rc" -eq 0 ] && grep -q "^attached profile web to .* (id $box_id)\$" "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "attach web $box: exit 0, names the cgroup id $box_id" "$rc"

run_cmd cgfence list --json
tap_diag "$(cat "$run_out")"
[ "$run_rc" -eq 0 ] &&
	json_has "^\\{\"type\":\"attachment\",\"cgroup\":\"$box_rel\",\"cgroup_id\":$box_id,\"profile\":\"web\",\"on_exec\":false,\"pending\":0\\}\$" &&
	json_has '"name":"web",.*"attachments":1,'
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "list --json: the attachment with path $box_rel and id, web attached once" "$rc"

run_cmd cgfence show --json web
tap_diag "$(cat "$run_out")"
[ "$run_rc" -eq 0 ] && json_has "\"cgroups\":\\[\\{\"cgroup\":\"$box_rel\",\"cgroup_id\":$box_id\\}\\]"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "show --json web: its one cgroup" "$rc"
expect_run "show web (text): exit 0" 0 cgfence show web

expect_refused "in the box: cat secret fails with EACCES (exit 1)" 1 \
	"cat: can't open '$dir/secret': Permission denied" in_box cat "$dir/secret"
expect_run "in the box: cat public works (control)" 0 in_box cat "$dir/public"
expect_run "on the host: cat secret works" 0 cat "$dir/secret"

expect_run "mode web complain" 0 cgfence mode web complain
want_log="cgfence: would-deny op=open profile=web rule=1 object=\"$dir/secret\""
retry_log in_box cat "$dir/secret"
tap_result "complain: the kernel log says would-deny for the read of secret" $?
expect_run "complain: in the box, cat secret works" 0 in_box cat "$dir/secret"
expect_run "mode web enforce" 0 cgfence mode web enforce
want_log="cgfence: denied op=open profile=web rule=1 object=\"$dir/secret\""
retry_log in_box cat "$dir/secret"
tap_result "enforce: the kernel log says denied for the read of secret" $?

run_cmd cgfence load "$dir/web2.cgf"
[ "$run_rc" -eq 0 ] || show_run
tap_result "load web2.cgf (profile web again): a replace, exit 0" "$run_rc"
run_cmd cgfence show --json web
tap_diag "$(cat "$run_out")"
# Generation: 1 at load, +1 per mode change, +1 for the replace. The attachment is the
# box's, by path and id, and the list says so too.
json_has '"generation":4' &&
	json_has "\"cgroups\":\\[\\{\"cgroup\":\"$box_rel\",\"cgroup_id\":$box_id\\}\\]"
rc=$?
[ "$rc" -eq 0 ] || show_run
run_cmd cgfence list --json
json_has "^\\{\"type\":\"attachment\",\"cgroup\":\"$box_rel\",\"cgroup_id\":$box_id,\"profile\":\"web\",\"on_exec\":false,\"pending\":0\\}\$" &&
	json_has '"name":"web",.*"attachments":1,'
rc=$((rc + $?))
[ "$rc" -eq 0 ] || show_run
tap_result "after two mode changes and a replace: generation 4, still attached to $box_rel" "$rc"
expect_run "replaced: in the box, cat secret works now" 0 in_box cat "$dir/secret"
expect_refused "replaced: in the box, cat public fails now with EACCES (exit 1)" 1 \
	"cat: can't open '$dir/public': Permission denied" in_box cat "$dir/public"

expect_refused "unload web while attached: exit 1, says it is attached" 1 \
	"cgfence: unload: profile web is attached to cgroups; detach them first, or use --force to detach them and unload it" \
	cgfence unload web
run_cmd cgfence unload --force web
[ "$run_rc" -eq 0 ] && grep -qx 'unloaded profile web' "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "unload --force web: exit 0" "$rc"
run_cmd cgfence list --json
[ "$run_rc" -eq 0 ] && ! json_has '"web"'
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "list --json: web and its attachment are gone" "$rc"
expect_run "after unload: in the box, cat public works" 0 in_box cat "$dir/public"

expect_run "load web.cgf again" 0 cgfence load "$dir/web.cgf"
# Not through in_box: $! must be the task that enters the box (a function runs in a subshell).
# shellcheck disable=SC2016
sh -c 'echo $$ > "$0/cgroup.procs" && exec sleep 30' "$box" < /dev/null > /dev/null 2>&1 &
sleeper=$!
# The sleeper moves itself; wait until it is in the box.
for _ in 1 2 3 4 5 6 7 8 9 10; do
	grep -q "^$sleeper\$" "$box/cgroup.procs" && break
	sleep 0.1
done
run_cmd cgfence attach web --pid "$sleeper"
[ "$run_rc" -eq 0 ] && grep -q "(id $box_id)" "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "attach web --pid PID (a task in the box): the box's id" "$rc"

self_cg=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
run_cmd cgfence attach web "$self_cg"
want="cgfence: attach: refusing to attach to $self_cg: this cgfence process runs in that cgroup or below it, and a confined task cannot change policy; run cgfence from outside it"
[ "$run_rc" -eq 1 ] && grep -qxF -- "$want" "$run_err" &&
	! cgfence list --json | grep -q "\"cgroup_id\":$(stat -c %i "$self_cg"),"
rc=$?
[ "$rc" -eq 0 ] || { show_run; tap_diag "want exit status 1 and the line: $want"; }
tap_result "attach to the cgroup the tool runs in: exit 1, says why, nothing attached" "$rc"

expect_refused "as nobody: cgfence list exits 4, names CAP_MAC_ADMIN" 4 \
	"cgfence: permission denied: this needs CAP_MAC_ADMIN in the initial user namespace, from a task outside any confined container" \
	runas "$NOBODY" "$NOBODY" -- cgfence list
grep -qF "CAP_MAC_ADMIN in the initial user namespace is required" "$run_err"
tap_result "as nobody: ... with the module's own reason" $?
expect_refused "root inside the box: cgfence status exits 4" 4 \
	"cgfence: permission denied: this needs CAP_MAC_ADMIN in the initial user namespace, from a task outside any confined container" \
	in_box cgfence status
grep -qF "a task inside a confined cgroup cannot manage policy" "$run_err"
tap_result "root inside the box: ... with the module's own reason" $?

run_cmd cgfence detach --pid "$sleeper"
[ "$run_rc" -eq 0 ] && grep -q "^detached .*(id $box_id)\$" "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "detach --pid PID: exit 0, the box's id" "$rc"
kill "$sleeper" 2>/dev/null
wait "$sleeper" 2>/dev/null
expect_refused "detach $box again: exit 1, says nothing is attached" 1 \
	"cgfence: detach: no profile is attached to $box (id $box_id)" cgfence detach "$box"

run_cmd cgfence load "$dir/bad.cgf"
tap_diag "stderr: $(cat "$run_err")"
[ "$run_rc" -eq 5 ] && grep -q "bad.cgf:3:[0-9]*: error:" "$run_err" &&
	! cgfence list --json | grep -q '"bad"'
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "load of a file with an error: exit 5, FILE:LINE:COL, nothing loaded" "$rc"

expect_run "unload web" 0 cgfence unload web
rmdir "$box"
tap_result "rmdir the box" $?
expect_run "rmmod cgfence" 0 rmmod cgfence
rm -rf "$dir"

tap_done
