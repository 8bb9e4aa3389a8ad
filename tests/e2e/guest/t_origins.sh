#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: rule origins end to end: show lists every rule with file:line:col, denials name the deciding rule's origin.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 14

dir=/tmp/t_origins
box=/sys/fs/cgroup/t_origins
rm -rf "$dir"
mkdir -p "$dir/data" "$box"
echo secret > "$dir/data/secret"
echo open > "$dir/data/open"
# Tabs put the rules at known columns: a rule starts after two tabs, column 3.
printf 'profile t_org {\n\tmode enforce;\n\tdefault allow;\n\tfile {\n\t\tallow r %s/**;\n\t\tdeny r %s/data/secret;\n\t}\n\tinclude inc;\n\tdevice {\n\t\tallow c 1:3 rw;\n\t}\n}\n' \
	"$dir" "$dir" > "$dir/web.cgf"
printf 'profile inc {\n\tmode enforce;\n\tdefault deny;\n\tmount {\n\t\tdeny umount %s/**;\n\t}\n\tkernel {\n\t    allow signal;\n\t}\n}\n' \
	"$dir" > "$dir/inc.cgf"

run_cmd insmod "$CGFENCE_KO"
tap_result "insmod cgfence.ko" "$run_rc"
run_cmd cgfence load "$dir/web.cgf"
rc=$run_rc
[ "$rc" -eq 0 ] && run_cmd cgfence attach t_org "$box" && rc=$run_rc
[ "$rc" -eq 0 ] || show_run
tap_result "load a profile that includes a file, attach it" "$rc"

# show: every rule, of every kind, with the file, line and column it was written at.
run_cmd cgfence show t_org
grep '^rule: ' "$run_out" > "$dir/rules.only"
cat > "$dir/want" <<EOF
rule:                1  file    allow r $dir/**;  # $dir/web.cgf:5:3
rule:                2  file    deny r $dir/data/secret;  # $dir/web.cgf:6:3
rule:                3  mount   deny umount $dir/**;  # $dir/inc.cgf:5:3
rule:                4  kernel  allow signal;  # $dir/inc.cgf:8:6
rule:                5  device  allow c 1:3 rw;  # $dir/web.cgf:10:3
EOF
cmp -s "$dir/want" "$dir/rules.only"
rc=$?
[ "$rc" -eq 0 ] || { show_run; tap_diag "want:" "$(cat "$dir/want")"; }
tap_result "show: every rule with id, kind, text and origin, included files named" "$rc"

run_cmd cgfence show --json t_org
grep -qF "{\"rule\":2,\"kind\":\"file\",\"text\":\"deny r $dir/data/secret;\",\"origin\":{\"file\":\"$dir/web.cgf\",\"line\":6,\"col\":3}}" "$run_out" &&
	grep -qF "{\"rule\":4,\"kind\":\"kernel\",\"text\":\"allow signal;\",\"origin\":{\"file\":\"$dir/inc.cgf\",\"line\":8,\"col\":6}}" "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "show --json: rules with origin objects" "$rc"

# in_cgroup CGROUP CMD...: CMD inside CGROUP, never outside it.
in_cgroup() {
	# shellcheck disable=SC2016
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$@"
}
out=$(in_cgroup "$box" cat "$dir/data/secret" 2>&1)
rc=$?
out2=$(in_cgroup "$box" cat "$dir/data/open" 2>&1)
[ "$rc" -ne 0 ] && case $out in *"Permission denied"*) true ;; *) false ;; esac &&
	[ "$out2" = open ] && [ "$(cat "$dir/data/secret")" = secret ]
tap_result "the container is refused the secret (EACCES), reads its neighbour; the host reads both" $?

run_cmd cgfence denials --profile t_org
grep -q " profile=t_org rule=2 origin=$dir/web.cgf:6:3 op=open object=$dir/data/secret " "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "denials: the deciding rule's origin next to its id" "$rc"

run_cmd cgfence denials --profile t_org --json
grep -qF "\"rule_id\":2,\"origin\":\"$dir/web.cgf:6:3\",\"op\":\"open\"" "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "denials --json: \"origin\" of the deciding rule" "$rc"

# A device the profile does not allow: denied by no rule, so no origin.
mknod "$dir/null2" c 1 5 2> /dev/null
in_cgroup "$box" sh -c "echo x > $dir/null2" 2> /dev/null
run_cmd cgfence denials --profile t_org
grep -q " rule=0 op=device_open object=c\\\\x201:5 " "$run_out" &&
	! grep -q " rule=0 origin=" "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "denials: no rule (default for devices): rule=0 and no origin" "$rc"

# The profile replaced, rules renumbered: the old record's rule 2 is another rule now, so
# it keeps no origin rather than a wrong one; a new record gets the new origin.
printf 'profile t_org {\n\tmode enforce;\n\tdefault allow;\n\tfile {\n\t\tallow r %s/**;\n\t\tallow r /etc/**;\n\t\tdeny r %s/data/secret;\n\t}\n}\n' \
	"$dir" "$dir" > "$dir/web2.cgf"
run_cmd cgfence load "$dir/web2.cgf"
tap_result "replace the profile, the denied rule now third" "$run_rc"
in_cgroup "$box" cat "$dir/data/secret" > /dev/null 2>&1
run_cmd cgfence denials --profile t_org
grep -q " rule=2 op=open object=$dir/data/secret " "$run_out" &&
	grep -q " rule=3 origin=$dir/web2.cgf:7:3 op=open object=$dir/data/secret " "$run_out" &&
	! grep -q "origin=$dir/web.cgf:6:3" "$run_out"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "denials after a replace: old record without origin, new one with the new origin" "$rc"

# Many rules, and one that alone is larger than a default dump message: all come back.
awk -v d="$dir" 'BEGIN {
	print "profile t_big {"; print "\tmode enforce;"; print "\tdefault allow;"
	print "\tfile {"
	for (i = 0; i < 20000; i++) printf "\t\tallow r %s/many/f%d;\n", d, i
	print "\t}"; print "\tmount {"
	long = ""; for (i = 0; i < 400; i++) long = long "abcdefghi/"
	long = long "z"
	printf "\t\tallow bind %s/%s -> %s/%s;\n", d, long, d, long
	print "\t}"; print "}" }' > "$dir/big.cgf"
run_cmd cgfence load "$dir/big.cgf"
rc=$run_rc
[ "$rc" -eq 0 ] && run_cmd cgfence show t_big && rc=$run_rc
n=$(grep -c '^rule: ' "$run_out")
[ "$rc" -eq 0 ] && [ "$n" -eq 20001 ] &&
	grep -q "^rule:                20000  file    allow r $dir/many/f19999;  # $dir/big.cgf:20004:3\$" "$run_out" &&
	grep -q "^rule:                20001  mount   allow bind $dir/abcdefghi/.*/z -> $dir/abcdefghi/.*/z;  # $dir/big.cgf:20007:3\$" "$run_out"
rc=$?
[ "$rc" -eq 0 ] || tap_diag "rc $run_rc, $n rule lines" "$(tail -c 600 "$run_out")" "$(cat "$run_err")"
tap_result "show: 20,001 rules over many messages, and an 8 KiB mount rule, each with its origin" "$rc"
cgfence unload t_big > /dev/null

run_cmd cgfence show t_nosuch
[ "$run_rc" -eq 1 ] && grep -q "no profile t_nosuch is loaded" "$run_err"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "show of a profile not loaded: exit 1, says so" "$rc"

cgfence detach "$box" > /dev/null
rmdir "$box"
run_cmd cgfence unload t_org
tap_result "detach and unload" "$run_rc"
rm -rf "$dir"
run_cmd rmmod cgfence
tap_result "rmmod cgfence" "$run_rc"
tap_done
