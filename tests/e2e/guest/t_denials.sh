#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: cgfence denials and learn on the real module: records of each kind, complain vs enforce, follow, learned rules.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 72

dir=/tmp/t_denials
enf=/sys/fs/cgroup/t_denials.enf
cmp=/sys/fs/cgroup/t_denials.cmp
# The module names containers from the cgroup root.
enf_rel=/t_denials.enf
cmp_rel=/t_denials.cmp
sel=/tmp/t_denials.sel

if [ ! -x /bin/cgfence ]; then
	tap_not_ok "cgfence tool is in the image (build/cgfence-static)"
	tap_done
	exit 1
fi

rm -rf "$dir"
mkdir -p "$dir/ro" "$dir/data" "$dir/odd" "$dir/mnt" "$dir/cmnt"
echo orig > "$dir/ro/file"
for f in a b c; do
	echo "$f" > "$dir/data/$f"
done
echo odd > "$dir/odd/we ird*"
# The host makes the node (/dev/full: /dev/mem is kernel memory, refused on its own): the
# containers only open it.
mknod "$dir/mem" c 1 7

cat > "$dir/enf.cgf" <<EOF
profile t_enf {
	mode enforce;
	default allow;
	file {
		allow r $dir/**;	# rule 1
		deny w $dir/ro/**;	# rule 2
	}
}
EOF
cat > "$dir/cmp.cgf" <<EOF
profile t_cmp {
	mode complain;
	default deny;
	file {
		deny w $dir/ro/**;	# rule 1
	}
}
EOF

# in_box CGROUP PIDFILE CMD...: CMD as a process that first writes its pid (unconfined),
# then moves itself into CGROUP and execs CMD there.
# Its output reaches the caller's stdout and stderr through pipes (pipe: is granted to
# every container): a file or device it inherited and its profile refuses would be
# replaced at its exec by a revoked descriptor (docs/semantics.md).
in_box() {
	_cg=$1
	_pidf=$2
	shift 2
	{
		{
			# shellcheck disable=SC2016
			sh -c 'echo $$ > "$1" && echo $$ > "$0/cgroup.procs" && shift && exec "$@"' \
				"$_cg" "$_pidf" "$@" 2>&1 1>&3 3>&-
			echo $? > "$dir/in_box.rc"
		} | cat >&2
	} 3>&1 | cat
	return "$(cat "$dir/in_box.rc")"
}

# The operations of a container; each leaves its pid in $dir/pid.BOX.OP and its stderr in
# $dir/err.BOX.OP. $1: cgroup, $2: BOX.
op_write() {
	echo written | in_box "$1" "$dir/pid.$2.write" tee "$dir/ro/file" > /dev/null \
		2> "$dir/err.$2.write"
}
op_device() {
	in_box "$1" "$dir/pid.$2.device" dd if="$dir/mem" of=/dev/null count=0 \
		2> "$dir/err.$2.device"
}
op_mount() {
	in_box "$1" "$dir/pid.$2.mount" mount -t tmpfs t_denials "$3" 2> "$dir/err.$2.mount"
}
op_umount() {
	in_box "$1" "$dir/pid.$2.umount" umount "$3" 2> /dev/null
}
op_read() {
	in_box "$1" "$dir/pid.$2.read" cat "$dir/data/a" "$dir/data/b" "$dir/data/c" \
		"$dir/odd/we ird*" > /dev/null 2>&1
}

# expect_refused DESC RC ERRFILE LINE: one result: exit status 1 and LINE, exactly, on stderr.
expect_refused() {
	if [ "$2" -eq 1 ] && grep -qxF -- "$4" "$3"; then
		tap_ok "$1"
	else
		tap_not_ok "$1"
		tap_diag "exit status $2 (want 1), stderr:" "$(cat "$3")" "want the line: $4"
	fi
}

# status_lost: the module's own count of records it dropped (cgfence status --json).
status_lost() {
	cgfence status --json | sed -n 's/.*"denials_lost":\([0-9]*\).*/\1/p'
}

mounted() {
	grep -q " $1 tmpfs " /proc/mounts
}

# select_records FRAGMENT...: the lines of $run_out holding every FRAGMENT (fixed strings).
select_records() {
	cp "$run_out" "$sel"
	for frag in "$@"; do
		grep -F -- "$frag" "$sel" > "$sel.next"
		mv "$sel.next" "$sel"
	done
	cat "$sel"
}

# expect_record DESC FRAGMENT...: one result: $run_out has a line holding every FRAGMENT.
expect_record() {
	desc=$1
	shift
	if [ -n "$(select_records "$@")" ]; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc"
		tap_diag "no record with:" "$@" "records:" "$(cat "$run_out")"
	fi
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

# last_seq: the seq of the last denial record in $run_out (JSON).
last_seq() {
	grep -F '{"type":"denial"' "$run_out" | tail -n 1 | sed 's/^{"type":"denial","seq":\([0-9]*\),.*/\1/'
}

# wait_for FILE FRAGMENT: up to 10 s for FILE to hold FRAGMENT.
wait_for() {
	for _ in $(seq 50); do
		grep -qF -- "$2" "$1" 2> /dev/null && return 0
		sleep 0.2
	done
	return 1
}

# wait_watchers: busybox timeout leaves a watcher that notices its command's exit within a
# second; the test must not end while one is still there.
wait_watchers() {
	for _ in $(seq 25); do
		grep -qx timeout /proc/[0-9]*/comm 2> /dev/null || return 0
		sleep 0.2
	done
}

# wait_gone PID: up to 10 s for PID to exit.
wait_gone() {
	for _ in $(seq 50); do
		kill -0 "$1" 2> /dev/null || return 0
		sleep 0.2
	done
	return 1
}

expect_run "insmod cgfence.ko" 0 insmod "$CGFENCE_KO"
expect_run "load an enforce and a complain profile" 0 cgfence load "$dir/enf.cgf" "$dir/cmp.cgf"
mkdir "$enf" "$cmp"
expect_run "attach t_enf to $enf_rel" 0 cgfence attach t_enf "$enf"
expect_run "attach t_cmp to $cmp_rel" 0 cgfence attach t_cmp "$cmp"

# Enforce: each operation is refused.
op_write "$enf" enf
expect_refused "enforce: writing under a denied path fails: tee exits 1, Permission denied" \
	$? "$dir/err.enf.write" "tee: $dir/ro/file: Permission denied"
tap_result "enforce: ... and the file is unchanged" "$([ "$(cat "$dir/ro/file")" = orig ]; echo $?)"
op_device "$enf" enf
expect_refused "enforce: opening c 1:7 through a node the host made fails: dd exits 1, EACCES" \
	$? "$dir/err.enf.device" "dd: can't open '$dir/mem': Permission denied"
op_mount "$enf" enf "$dir/mnt"
expect_refused "enforce: mounting a tmpfs fails: mount exits 1, EPERM" \
	$? "$dir/err.enf.mount" "mount: permission denied (are you root?)"
tap_result "enforce: ... and nothing is mounted" "$(mounted "$dir/mnt" && echo 1 || echo 0)"

# Complain: the same operations go through, and are recorded.
op_write "$cmp" cmp
rc=$?
tap_result "complain: writing under the denied path works" "$rc"
tap_result "complain: ... the file holds what was written" \
	"$([ "$(cat "$dir/ro/file")" = written ]; echo $?)"
op_device "$cmp" cmp
tap_result "complain: opening c 1:7 works" "$?"
op_mount "$cmp" cmp "$dir/cmnt"
rc=$?
mounted "$dir/cmnt"
tap_result "complain: mounting a tmpfs works (and it is mounted)" "$((rc + $?))"
op_umount "$cmp" cmp "$dir/cmnt"
tap_result "complain: unmounting it works" "$?"
op_read "$cmp" cmp
tap_result "complain: reading three files of one directory and an oddly named one works" "$?"

run_cmd cgfence denials --json
[ "$run_rc" -eq 0 ] || show_run
tap_result "cgfence denials --json exits 0" "$run_rc"
json=$(cat "$run_out")
pid_of() {
	cat "$dir/pid.$1"
}

expect_record "enforce write: the deny rule's id, op, object, verdict, pid, comm" \
	'"verdict":"denied","cgroup":"'$enf_rel'",' '"profile":"t_enf","rule_id":2,"origin":"'$dir/enf.cgf:6:3'","op":"open","kind":"file","object":"'$dir/ro/file'",' \
	'"pid":'"$(pid_of enf.write)"',"comm":"tee",'
run_cmd echo "$(select_records '"cgroup":"'$enf_rel'"' '"object":"'$dir/ro/file'"')"
expect_record "enforce write: the denied access is the write" '"denied_text":"w'
printf '%s\n' "$json" > "$run_out"
expect_record "enforce device: device_open of c 1:7, no rule, denied, pid, comm" \
	'"verdict":"denied","cgroup":"'$enf_rel'",' \
	'"profile":"t_enf","rule_id":0,"origin":null,"op":"device_open","kind":"device","object":"c 1:7","requested":1,"requested_text":"r","denied":1,"denied_text":"r",' \
	'"pid":'"$(pid_of enf.device)"',"comm":"dd",'
expect_record "enforce mount: mount of the target, no rule, denied, pid, comm" \
	'"verdict":"denied","cgroup":"'$enf_rel'",' \
	'"profile":"t_enf","rule_id":0,"origin":null,"op":"mount","kind":"mount","object":"'$dir/mnt'","requested":1,"requested_text":"mount",' \
	'"pid":'"$(pid_of enf.mount)"',"comm":"mount",'
expect_record "complain write: would-deny, by the deny rule (id 1), pid, comm" \
	'"verdict":"would-deny","cgroup":"'$cmp_rel'",' '"profile":"t_cmp","rule_id":1,"origin":"'$dir/cmp.cgf:5:3'","op":"open","kind":"file","object":"'$dir/ro/file'",' \
	'"pid":'"$(pid_of cmp.write)"',"comm":"tee",'
expect_record "complain device: would-deny of c 1:7" \
	'"verdict":"would-deny","cgroup":"'$cmp_rel'",' \
	'"op":"device_open","kind":"device","object":"c 1:7",' '"pid":'"$(pid_of cmp.device)"',"comm":"dd",'
expect_record "complain mount: would-deny of the mount and of the umount" \
	'"verdict":"would-deny","cgroup":"'$cmp_rel'",' '"op":"mount","kind":"mount","object":"'$dir/cmnt'",' \
	'"pid":'"$(pid_of cmp.mount)"',"comm":"mount",'
expect_record "complain umount: would-deny of the umount" \
	'"verdict":"would-deny","cgroup":"'$cmp_rel'",' '"op":"umount","kind":"mount","object":"'$dir/cmnt'","requested":64,"requested_text":"umount",'
expect_record "complain default deny: the oddly named file, as it is named" \
	'"verdict":"would-deny","cgroup":"'$cmp_rel'",' '"object":"'"$dir/odd/we ird*"'",' '"comm":"cat",'
n=$(grep -c '"type":"lost"' "$run_out")
tap_result "no records were lost (each container stayed in its burst)" "$n"
bad=$(grep -v '^{"type":"denial","seq":[0-9]*,"time":"[0-9-]*T[0-9:]*\.[0-9][0-9][0-9]Z","time_ns":[0-9]*,' "$run_out")
[ -z "$bad" ] || tap_diag "lines of another shape:" "$bad"
tap_result "every line is a denial object with an ISO 8601 UTC time in ms" "$([ -z "$bad" ]; echo $?)"

run_cmd cgfence denials --container "$enf"
[ "$run_rc" -eq 0 ] || show_run
expect_record "plain, --container (as a path under the cgroup mount): the write" \
	" seq=" " denied cgroup=$enf_rel profile=t_enf rule=2 origin=$dir/enf.cgf:6:3 op=open object=$dir/ro/file requested=" \
	" pid=$(pid_of enf.write) comm=tee"
expect_record "plain: the device record" " op=device_open object=c\\x201:7 requested=r denied=r pid="
other=$(grep -v " cgroup=$enf_rel " "$run_out")
[ -z "$other" ] || tap_diag "records of other containers:" "$other"
tap_result "plain, --container: only that container's records" "$([ -z "$other" ]; echo $?)"

run_cmd cgfence denials --json --profile t_cmp
n_cmp=$(grep -c '"profile":"t_cmp"' "$run_out")
n_all=$(wc -l < "$run_out")
tap_result "--profile t_cmp: only its records ($n_cmp)" \
	"$([ "$run_rc" -eq 0 ] && [ "$n_cmp" -gt 3 ] && [ "$n_cmp" -eq "$n_all" ]; echo $?)"
printf '%s\n' "$json" > "$run_out"
seq=$(last_seq)
run_cmd cgfence denials --json --since "$seq"
tap_result "--since $seq: only the last record" \
	"$([ "$run_rc" -eq 0 ] && [ "$(wc -l < "$run_out")" -eq 1 ] && [ "$(last_seq)" = "$seq" ]; echo $?)"

run_cmd runas "$NOBODY" "$NOBODY" -- cgfence denials
[ "$run_rc" -eq 4 ] && grep -q CAP_MAC_ADMIN "$run_err" && [ ! -s "$run_out" ]
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "as nobody: denials exits 4, names CAP_MAC_ADMIN, prints nothing" "$rc"
run_cmd runas "$NOBODY" "$NOBODY" -- cgfence learn t_cmp
[ "$run_rc" -eq 4 ] && [ ! -s "$run_out" ]
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "as nobody: learn exits 4, prints nothing" "$rc"

# Following needs the multicast group, which needs CAP_SYS_ADMIN.
run_cmd timeout 10 runas "$NOBODY" "$NOBODY" -- cgfence denials --follow
[ "$run_rc" -eq 4 ] && grep -q CAP_SYS_ADMIN "$run_err" && [ ! -s "$run_out" ]
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_diag "stderr: $(cat "$run_err")"
tap_result "as nobody: denials --follow exits 4, names CAP_SYS_ADMIN, prints nothing" "$rc"

follow_out=$dir/follow.out
timeout 60 cgfence denials --follow --json --container "$enf_rel" > "$follow_out" 2> "$dir/follow.err" &
fpid=$!
# The first lines come from the dump, printed once the group is joined.
wait_for "$follow_out" '"type":"denial"'
tap_result "--follow: the records already there come first" "$?"
echo new | in_box "$enf" "$dir/pid.enf.follow" tee "$dir/ro/followed" > /dev/null 2>&1
wait_for "$follow_out" '"object":"'$dir/ro/followed'"'
rc=$?
[ "$rc" -eq 0 ] || tap_diag "follow output:" "$(cat "$follow_out")" "$(cat "$dir/follow.err")"
tap_result "--follow: a denial made after it started arrives" "$rc"
cp "$follow_out" "$run_out"
expect_record "--follow: the new record has its pid and comm" \
	'"object":"'$dir/ro/followed'"' '"pid":'"$(pid_of enf.follow)"',"comm":"tee",'
n=$(grep -cF '"object":"'$dir/ro/followed'"' "$follow_out")
tap_result "--follow: ... exactly once" "$((n != 1))"
kill -INT "$fpid"
wait "$fpid"
rc=$?
tap_result "--follow: SIGINT ends it with exit status 0" "$rc"

# learn: rules from what the complain-mode container did.
run_cmd cgfence learn t_cmp
cp "$run_out" "$dir/learned.cgf"
tap_diag "$(cat "$dir/learned.cgf")"
[ "$run_rc" -eq 0 ] || show_run
tap_result "learn t_cmp exits 0" "$run_rc"
expect_record "learned: the three files of one directory as one rule" "allow r $dir/data/*;"
expect_record "learned: the oddly named file, quoted and escaped" "allow r \"$dir/odd/we ird\\*\";"
expect_record "learned: the write" "$dir/ro/file;"
expect_record "learned: the device" "allow c 1:7 r;"
expect_record "learned: the mount" "allow mount * -> $dir/cmnt;"
expect_record "learned: the umount" "allow umount $dir/cmnt;"
expect_record "learned: a header asking for review" "# Review every rule"
expect_record "learned: /proc/PID (umount reads its own mounts) becomes /proc/*" \
	"allow r /proc/*/mounts;"
expect_run "cgfence check accepts the learned policy" 0 cgfence check "$dir/learned.cgf"
expect_run "learn t_enf (no would-deny records) exits 1" 1 cgfence learn t_enf
run_cmd cgfence learn t_cmp --container "$cmp"
# The first line names the container; the rest is the same.
tail -n +2 "$run_out" > "$sel"
tail -n +2 "$dir/learned.cgf" | cmp -s - "$sel"
rc=$?
head -n 1 "$run_out" | grep -qF " in containers at or below $cmp_rel "
tap_result "learn t_cmp --container $cmp: the same rules, the header says so" \
	"$((run_rc + rc + $?))"

# Loaded in enforce mode, the learned profile allows what the container did, and no more.
run_cmd cgfence denials --json
mark=$(last_seq)
expect_run "load the learned profile (replaces t_cmp, enforce mode)" 0 cgfence load "$dir/learned.cgf"
run_cmd cgfence show t_cmp --json
tap_result "t_cmp is in enforce mode now" "$(grep -q '"mode":"enforce"' "$run_out"; echo $?)"
echo orig > "$dir/ro/file"
op_write "$cmp" cmp
rc=$?
tap_result "learned: the write is allowed" \
	"$([ "$rc" -eq 0 ] && [ "$(cat "$dir/ro/file")" = written ]; echo $?)"
op_device "$cmp" cmp
tap_result "learned: the device open is allowed" "$?"
op_mount "$cmp" cmp "$dir/cmnt"
rc=$?
mounted "$dir/cmnt"
tap_result "learned: the mount is allowed" "$((rc + $?))"
op_umount "$cmp" cmp "$dir/cmnt"
tap_result "learned: the umount is allowed" "$?"
op_read "$cmp" cmp
tap_result "learned: the reads are allowed" "$?"
run_cmd cgfence denials --json --container "$cmp_rel" --since "$((mark + 1))"
[ ! -s "$run_out" ] || tap_diag "records:" "$(cat "$run_out")"
tap_result "learned: the replay left no record at all" "$([ ! -s "$run_out" ]; echo $?)"
in_box "$cmp" "$dir/pid.cmp.other" cat "$dir/enf.cgf" > /dev/null 2> "$dir/err.cmp.other"
expect_refused "learned: reading a file it never read is denied: cat exits 1, EACCES" \
	$? "$dir/err.cmp.other" "cat: can't open '$dir/enf.cgf': Permission denied"

# A follower that cannot keep up: the kernel drops multicast messages for it (ENOBUFS),
# it reads again from the ring what is still there and reports what is not.
rate=/sys/module/cgfence/parameters/denials_per_second
echo 1000000 > "$rate"
follow_out=$dir/follow2.out
# No filter: then every seq in the stream is either printed or reported missing.
timeout 60 cgfence denials --follow --json > "$follow_out" 2> "$dir/follow.err" &
fpid=$!
wait_for "$follow_out" '"type":"denial"'
kill -STOP "$fpid"
# The module's own counts before: the newest seq in its ring, the records it dropped.
run_cmd cgfence denials --json
seq_before=$(last_seq)
lost_before=$(status_lost)
# 3000 denied opens in one process: tee opens every file it is given.
files=$(for _ in $(seq 3000); do echo "$dir/ro/file"; done)
# shellcheck disable=SC2086 # one argument per line, on purpose
echo x | in_box "$enf" "$dir/pid.enf.flood" tee $files > /dev/null 2>&1
echo x | in_box "$enf" "$dir/pid.enf.last" tee "$dir/ro/last" > /dev/null 2>&1
run_cmd cgfence denials --json
seq_after=$(last_seq)
lost_after=$(status_lost)
grep -F '{"type":"denial"' "$run_out" | tail -n 1 | grep -qF '"object":"'$dir/ro/last'"'
rc=$?
tap_diag "seq $seq_before -> $seq_after, module lost $lost_before -> $lost_after"
# Every one of the 3001 denials either got a seq or was counted lost by the module, and
# none got two seqs. The lost count also takes in records the ring overwrote before the
# sender reached them (a sender that fell behind the flood, which depends on the guest's
# scheduling): those had a seq, so seqs + lost may exceed the denials, never fall short.
tap_result "the module's counts: 3001 denials: at most 3001 new seqs, none missing from seqs + lost" \
	"$([ "$rc" -eq 0 ] && [ -n "$lost_before" ] && [ -n "$lost_after" ] &&
	   [ $((seq_after - seq_before)) -le 3001 ] &&
	   [ $((seq_after - seq_before + lost_after - lost_before)) -ge 3001 ]; echo $?)"
kill -CONT "$fpid"
wait_for "$follow_out" '"object":"'$dir/ro/last'"'
rc=$?
[ "$rc" -eq 0 ] || tap_diag "follow output (tail):" "$(tail -n 5 "$follow_out")" "$(cat "$dir/follow.err")"
tap_result "--follow, stopped during 3001 denials: it catches up to the last one" "$rc"
kill -INT "$fpid"
wait "$fpid"
rc=$?
echo 20 > "$rate"
tap_result "--follow: exit status 0 after SIGINT" "$rc"
summary=$(grep -F '{"type":"summary"' "$follow_out")
tap_diag "summary: $summary"
[ -s "$dir/follow.err" ] && tap_diag "stderr: $(cat "$dir/follow.err")"
missing=$(echo "$summary" | sed -n 's/.*"missing":\([0-9]*\),.*/\1/p')
tap_result "--follow: the records overwritten in the ring are reported missing ($missing)" \
	"$([ "${missing:-0}" -gt 0 ]; echo $?)"
seqs=$(grep -F '{"type":"denial"' "$follow_out" | sed 's/^{"type":"denial","seq":\([0-9]*\),.*/\1/')
sorted=$(echo "$seqs" | sort -n -u)
tap_result "--follow: each record printed once, in seq order ($(echo "$seqs" | wc -l) records)" \
	"$([ "$seqs" = "$sorted" ]; echo $?)"
n=$(echo "$seqs" | wc -l)
first=$(echo "$seqs" | head -n 1)
last=$(echo "$seqs" | tail -n 1)
tap_result "--follow: printed + missing covers every seq from the first to the last" \
	"$([ $((n + missing)) -eq $((last - first + 1)) ]; echo $?)"
dropped=$(echo "$summary" | sed -n 's/.*"dropped":\([0-9]*\),.*/\1/p')
lost=$(status_lost)
tap_result "--follow: the summary's dropped ($dropped) is the module's own lost count ($lost)" \
	"$([ -n "$dropped" ] && [ "$dropped" = "$lost" ]; echo $?)"

# Back at 20 records a second (bursts of 100), a flood of 300 denials outruns the rate limit:
# each denial either got a seq or is in the module's own lost count, and some were lost.
sleep 0.2
run_cmd cgfence denials --json
seq_before=$(last_seq)
lost_before=$(status_lost)
files=$(for _ in $(seq 300); do echo "$dir/ro/file"; done)
# shellcheck disable=SC2086 # one argument per line, on purpose
echo x | in_box "$enf" "$dir/pid.enf.flood2" tee $files > /dev/null 2>&1
run_cmd cgfence denials --json
seq_after=$(last_seq)
lost_after=$(status_lost)
tap_diag "seq $seq_before -> $seq_after, module lost $lost_before -> $lost_after"
tap_result "rate limit: 300 denials: fewer new seqs, none missing from seqs + lost" \
	"$([ -n "$lost_before" ] && [ -n "$lost_after" ] && [ $((lost_after - lost_before)) -gt 0 ] &&
	   [ $((seq_after - seq_before)) -lt 300 ] &&
	   [ $((seq_after - seq_before + lost_after - lost_before)) -ge 300 ]; echo $?)"

# An unloaded module ends a follower instead of leaving it waiting.
timeout 60 cgfence denials --follow > /dev/null 2> "$dir/follow.err" &
fpid=$!
sleep 1
expect_run "rmmod cgfence with a follower running" 0 rmmod cgfence
wait_gone "$fpid"
tap_result "--follow: the follower ends when the module goes" "$?"
wait "$fpid"
rc=$?
tap_diag "follower: exit status $rc, stderr: $(cat "$dir/follow.err")"
tap_result "--follow: ... with exit status 1, saying why" \
	"$([ "$rc" -eq 1 ] && grep -q 'module was unloaded' "$dir/follow.err"; echo $?)"

wait_watchers
rmdir "$enf" "$cmp"
rm -rf "$dir" "$sel" "$run_out" "$run_err"
tap_done
