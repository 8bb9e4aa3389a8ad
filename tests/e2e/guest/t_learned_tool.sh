#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: cgfence learn reads the module's learned records: every distinct refusal, past the rate limit.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 9

dir=/tmp/t_learned_tool
cg=/sys/fs/cgroup/t_lt
small=/sys/fs/cgroup/t_lt_small
params=/sys/module/cgfence/parameters
rm -rf "$dir"
mkdir -p "$dir" "$cg" "$small"
i=1
while [ "$i" -le 60 ]; do
	mkdir -p "$dir/d$i"
	echo "$i" > "$dir/d$i/f"
	i=$((i + 1))
done
for p in t_lt t_lt_small; do
	cat > "$dir/$p.cgf" <<EOF
profile $p {
	mode complain;
	default allow;
	file {
		deny r $dir/**;
	}
	device {
		allow c 1:3 rw;	# /dev/null, where the test sends output
	}
}
EOF
done

# in_cgroup CGROUP CMD...: CMD inside CGROUP, with no descriptor of the runner's serial
# ports (devices the profiles do not allow, each a refusal of its own).
in_cgroup() {
	# shellcheck disable=SC2016
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$@" < /dev/null 3>&- 4>&- 5>&- 6>&- \
		7>&- 8>&- 9>&-
}

# read_all CGROUP: each of the 60 files read twice inside CGROUP; the number of lines read.
read_all() {
	# shellcheck disable=SC2016
	in_cgroup "$1" sh -c 'for k in 1 2; do i=1; while [ "$i" -le 60 ]; do
		cat "$0/d$i/f"; i=$((i + 1)); done; done' "$dir" 2> /dev/null | grep -c .
}

run_cmd insmod "$CGFENCE_KO"
tap_result "insmod cgfence.ko" "$run_rc"
# One record a second (a burst of 5): the ring keeps a few; the learned records keep all.
echo 1 > "$params/denials_per_second"
run_cmd cgfence load "$dir/t_lt.cgf"
rc=$run_rc
[ "$rc" -eq 0 ] && run_cmd cgfence attach t_lt "$cg" && rc=$run_rc
# The set is sized when the profile enters complain mode.
echo 16 > "$params/learn_records"
[ "$rc" -eq 0 ] && run_cmd cgfence load "$dir/t_lt_small.cgf" && rc=$run_rc
[ "$rc" -eq 0 ] && run_cmd cgfence attach t_lt_small "$small" && rc=$run_rc
[ "$rc" -eq 0 ] || show_run
tap_result "load two complain-mode profiles, the second with learn_records 16" "$rc"

n=$(read_all "$cg")
m=$(read_all "$small")
cat "$dir/d1/f" > /dev/null
[ "$n" -eq 120 ] && [ "$m" -eq 120 ]
tap_result "complain mode: both containers read the 60 files twice (read: $n and $m lines of 120)" $?

run_cmd cgfence denials --json --profile t_lt
ring=$(grep -c '"verdict":"would-deny"' "$run_out")
run_cmd cgfence show t_lt --json
grep -q '"learned":{"records":60,"capacity":4096,"missed":0}' "$run_out"
rc=$?
[ "$rc" -eq 0 ] && [ "$ring" -lt 60 ]
rc=$?
[ "$rc" -eq 0 ] || { show_run; tap_diag "ring: $ring would-deny records of t_lt"; }
tap_result "the ring kept $ring of the 60 refusals; show: 60 learned records, none missed" "$rc"

run_cmd cgfence learn t_lt
cp "$run_out" "$dir/t_lt.cgf"
rules=$(grep -c "^		allow r $dir/d[0-9]*/f;\$" "$dir/t_lt.cgf")
i=1 missing=
while [ "$i" -le 60 ]; do
	grep -q "allow r $dir/d$i/f;\$" "$dir/t_lt.cgf" || missing="$missing d$i"
	i=$((i + 1))
done
[ "$run_rc" -eq 0 ] && [ "$rules" -eq 60 ] && [ -z "$missing" ] &&
	! grep -q "learned records full\|gone from the module's ring" "$run_err"
rc=$?
[ "$rc" -eq 0 ] || { show_run; tap_diag "rules: $rules, missing:$missing"; }
tap_result "learn t_lt: a rule for each of the 60 files, from the learned records, nothing reported missing" "$rc"

run_cmd cgfence learn t_lt_small
rules=$(grep -c "^		allow r $dir/d[0-9]*/f;\$" "$run_out")
[ "$run_rc" -eq 0 ] && [ "$rules" -eq 16 ] &&
	grep -q "^cgfence: learn: 88 refusals found the module's learned records full" "$run_err"
rc=$?
[ "$rc" -eq 0 ] || show_run
# The 44 files past the 16 kept, each read twice: 88 refusals found no room.
tap_result "learn t_lt_small: 16 rules, and the 88 refusals the full set could not keep are reported" "$rc"

run_cmd cgfence show t_lt_small
grep -q "^learned: *16 of 16 distinct refusals kept for learn, 88 missed\$" "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
echo 4096 > "$params/learn_records"
echo 20 > "$params/denials_per_second"
tap_result "show t_lt_small: 16 of 16 kept, 88 missed" "$rc"

for c in "$cg" "$small"; do
	cgfence detach "$c" > /dev/null
	rmdir "$c"
done
cgfence unload t_lt > /dev/null
run_cmd cgfence unload t_lt_small
tap_result "detach and unload" "$run_rc"
rm -rf "$dir"
run_cmd rmmod cgfence
tap_result "rmmod cgfence" "$run_rc"
tap_done
