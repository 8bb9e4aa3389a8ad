#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: a profile learned from a saved stream of mini_httpd's start-up runs it in enforce mode with no denial.
#
# mini_httpd starts and serves one page in a cgroup under an empty default-deny profile in
# complain mode, while 'cgfence denials --follow --json' saves the stream. 'cgfence learn
# --from' writes the profile from that file (and the same from the file cut in two); loaded
# in enforce mode, it runs the server again in a new cgroup: the same page, no refusal at
# all. A page it never served is refused (403, a record), and the host still serves it.
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 14

dir=/tmp/t_learn_httpd
www=$dir/www
cgroot=/sys/fs/cgroup
rec=t_learn_httpd.rec
enf=t_learn_httpd.enf
port=8091

if [ ! -x /usr/sbin/mini_httpd ]; then
	tap_not_ok "mini_httpd is in the image (run: make deps)"
	tap_done
	exit 1
fi
rm -rf "$dir"
mkdir -p "$www" "$cgroot/$rec" "$cgroot/$enf"
printf '<html><body>learned</body></html>\n' > "$www/index.html"
printf '<html><body>never asked for while learning</body></html>\n' > "$www/other.html"
cat > "$dir/empty.cgf" <<EOF
profile t_lh {
	mode complain;
	default deny;
}
EOF

# fetch PATH: busybox wget from the host; the body in $dir/body.
fetch() {
	rm -f "$dir/body"
	timeout 10 wget -q -O "$dir/body" "http://127.0.0.1:$port$1" 2> "$dir/fetch.err"
}

# httpd_start BOX: mini_httpd in cgroup BOX (none: on the host), logging to $dir/access.log;
# its stdin, stdout and stderr pipes, no other descriptor. Waits until it listens.
httpd_start() {
	if [ -n "$1" ]; then
		# shellcheck disable=SC2016
		: | sh -c 'echo $$ > "$1" && echo $$ > "$0/cgroup.procs" && shift && exec "$@"' \
			"$cgroot/$1" "$dir/httpd.pid" /usr/sbin/mini_httpd -D -p "$port" -d "$www" \
			-u nobody -l "$dir/access.log" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- |
			cat > "$dir/httpd.err" &
	else
		# shellcheck disable=SC2016
		: | sh -c 'echo $$ > "$0" && exec "$@"' "$dir/httpd.pid" /usr/sbin/mini_httpd -D \
			-p "$port" -d "$www" -u nobody -l "$dir/access.log" 2>&1 3>&- |
			cat > "$dir/httpd.err" &
	fi
	_hex=$(printf '%04X' "$port")
	for _ in $(seq 50); do
		grep -q "^ *[0-9]*: 0*:$_hex 0*:0000 0A " /proc/net/tcp /proc/net/tcp6 && return 0
		sleep 0.2
	done
	tap_diag "mini_httpd does not answer: $(cat "$dir/httpd.err")"
	return 1
}

httpd_stop() {
	_pid=$(cat "$dir/httpd.pid" 2> /dev/null) || return 0
	kill "$_pid" 2> /dev/null
	for _ in $(seq 50); do
		kill -0 "$_pid" 2> /dev/null || return 0
		sleep 0.2
	done
}

lo_was_up=0
ip link show lo | grep -q '[<,]UP[,>]' && lo_was_up=1
ip link set lo up
# The host creates the log, as logrotate does.
: > "$dir/access.log"

# No record is rate limited: the saved stream must hold the whole start-up.
run_cmd insmod "$CGFENCE_KO" denials_per_second=100000
tap_result "insmod cgfence.ko (denials_per_second=100000)" "$run_rc"
run_cmd cgfence load "$dir/empty.cgf"
rc=$run_rc
[ "$rc" -eq 0 ] && run_cmd cgfence attach t_lh "$cgroot/$rec" && rc=$run_rc
[ "$rc" -eq 0 ] || show_run
tap_result "an empty default-deny profile in complain mode, attached" "$rc"

# ---- Recording: the stream saved while the server starts and serves one page. ----
cgfence denials --follow --json > "$dir/run.jsonl" 2> "$dir/follow.err" &
follower=$!
sleep 1
httpd_start "$rec"
fetch /index.html
rc=$?
[ "$rc" -eq 0 ] && cmp -s "$dir/body" "$www/index.html"
rc=$?
httpd_stop
sleep 1
kill -INT "$follower" 2> /dev/null
wait "$follower"
[ "$rc" -eq 0 ] || tap_diag "wget: $(cat "$dir/fetch.err")" "server: $(cat "$dir/httpd.err")"
tap_result "complain mode: the server starts and serves /index.html, byte for byte" "$rc"
n=$(grep -c '"verdict":"would-deny"' "$dir/run.jsonl")
lost=$(grep -c '"type":"lost"' "$dir/run.jsonl")
[ "$n" -gt 0 ] && [ "$lost" -eq 0 ] && [ ! -s "$dir/follow.err" ]
rc=$?
[ "$rc" -eq 0 ] || tap_diag "follower: $(cat "$dir/follow.err")" "$(head -n 5 "$dir/run.jsonl")"
tap_result "the saved stream: $n would-deny records, no lost record" "$rc"

# ---- Learning from the file, from the file cut in two, and from the module. ----
run_cmd cgfence learn t_lh --from "$dir/run.jsonl"
cp "$run_out" "$dir/learned.cgf"
cp "$run_err" "$dir/learned.err"
tap_diag "$(cat "$dir/learned.cgf")" "stderr:" "$(cat "$dir/learned.err")"
[ "$run_rc" -eq 0 ] && grep -q "^profile t_lh {" "$dir/learned.cgf" &&
	! grep -q "lost while recording\|missing from the recording\|skipped" "$dir/learned.err"
rc=$?
tap_result "learn --from the saved stream: a profile, no line skipped, nothing lost" "$rc"
expect_check=$(cgfence check "$dir/learned.cgf" > /dev/null 2>&1; echo $?)
tap_result "cgfence check accepts the learned profile as it is" "$expect_check"

half=$(($(wc -l < "$dir/run.jsonl") / 2))
head -n "$half" "$dir/run.jsonl" > "$dir/a.jsonl"
tail -n "+$((half + 1))" "$dir/run.jsonl" > "$dir/b.jsonl"
run_cmd cgfence learn t_lh --from "$dir/b.jsonl" --from "$dir/a.jsonl"
[ "$run_rc" -eq 0 ] && cmp -s "$run_out" "$dir/learned.cgf"
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "learn --from the stream cut in two (second half first): byte-identical" "$rc"

# The module kept each distinct refusal too: the same rules (the header counts differ).
run_cmd cgfence learn t_lh
grep -v '^#' "$run_out" > "$dir/module.rules"
grep -v '^#' "$dir/learned.cgf" > "$dir/file.rules"
[ "$run_rc" -eq 0 ] && cmp -s "$dir/module.rules" "$dir/file.rules"
rc=$?
[ "$rc" -eq 0 ] || { show_run; diff "$dir/file.rules" "$dir/module.rules" > "$dir/rules.diff"; tap_diag "$(cat "$dir/rules.diff")"; }
tap_result "learn from the module's learned records: the same rules as from the file" "$rc"

# ---- Enforcing: the learned profile replaces t_lh; a new cgroup runs the server. ----
run_cmd cgfence load "$dir/learned.cgf"
rc=$run_rc
[ "$rc" -eq 0 ] && run_cmd cgfence attach t_lh "$cgroot/$enf" && rc=$run_rc
[ "$rc" -eq 0 ] && cgfence show t_lh | grep -q '^mode: *enforce$'
rc=$?
[ "$rc" -eq 0 ] || show_run
tap_result "the learned profile loads in enforce mode, attached to a new cgroup" "$rc"

: > "$dir/access.log"
httpd_start "$enf"
fetch /index.html
rc=$?
[ "$rc" -eq 0 ] && cmp -s "$dir/body" "$www/index.html"
rc=$?
[ "$rc" -eq 0 ] || tap_diag "wget: $(cat "$dir/fetch.err")" "server: $(cat "$dir/httpd.err")"
tap_result "enforce mode: the server starts and serves /index.html, byte for byte" "$rc"

zero='"denied":{"file":0,"mount":0,"device":0,"cgroup":0,"kernel":0}'
run_cmd cgfence stats --json --profile t_lh
line=$(grep "\"cgroup\":\"/$enf\"" "$run_out")
decisions=$(printf '%s\n' "$line" | grep -o '"decisions":[0-9]*' | cut -d: -f2)
run_cmd cgfence denials --json --container "$cgroot/$enf"
[ -n "$decisions" ] && [ "$decisions" -gt 0 ] &&
	printf '%s\n' "$line" | grep -qF "$zero" && [ ! -s "$run_out" ]
rc=$?
[ "$rc" -eq 0 ] || tap_diag "stats: $line" "records: $(cat "$run_out")"
tap_result "enforce mode: $decisions decisions, not one refusal, no denial record" "$rc"

# The negative control: a page it never served while learning is not in the profile.
fetch /other.html
rc=$?
run_cmd cgfence denials --json --container "$cgroot/$enf"
[ "$rc" -ne 0 ] && grep -q "403" "$dir/fetch.err" &&
	grep -q "\"verdict\":\"denied\".*\"op\":\"open\".*\"object\":\"$www/other.html\"" "$run_out"
rc=$?
[ "$rc" -eq 0 ] || tap_diag "wget: $(cat "$dir/fetch.err")" "records: $(cat "$run_out")"
tap_result "enforce mode: /other.html, never served while learning, is refused (403, a denied open)" "$rc"
httpd_stop

httpd_start ""
fetch /other.html
rc=$?
[ "$rc" -eq 0 ] && cmp -s "$dir/body" "$www/other.html"
rc=$?
httpd_stop
tap_result "on the host: the same server serves /other.html" "$rc"

for c in "$rec" "$enf"; do
	cgfence detach "$cgroot/$c" > /dev/null 2>&1
	rmdir "$cgroot/$c"
done
cgfence unload t_lh > /dev/null 2>&1
[ "$lo_was_up" -eq 1 ] || ip link set lo down
rm -rf "$dir"
run_cmd rmmod cgfence
tap_result "rmmod cgfence" "$run_rc"
tap_done
