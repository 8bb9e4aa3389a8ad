#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# e2e: the shipped rule sets (policy/set-*.cgf) run real programs under default-deny example profiles, with no denial, and refuse the rest.
#
# Three example profiles of policy/examples, each built from the sets plus the program's
# own few rules, confine Debian's mini_httpd, openssl and a busybox sh script job (with
# coreutils' date), each in a cgroup of its own. For each: the work gives exactly the
# result it gives unconfined and leaves no denial record; a file or program outside the
# profile is refused with its errno and a record, while the same operation from outside
# the cgroup works; and the same work under the example without its sets, in complain
# mode, shows what each set is there for (without the set, that access would be denied).
set -u
# shellcheck source-path=SCRIPTDIR source=tap.sh
. /e2e/tap.sh
tap_plan 54

dir=/tmp/t_rulesets
pol=/e2e/policy
cgroot=/sys/fs/cgroup
# One container per example, one per example without its sets (complain), one for /proc/self.
httpd=t_rulesets.httpd
tls=t_rulesets.tls
job=t_rulesets.job
httpd_bare=t_rulesets.httpd-bare
tls_bare=t_rulesets.tls-bare
job_bare=t_rulesets.job-bare
selfname=t_rulesets.selfname
boxes="$httpd $tls $job $httpd_bare $tls_bare $job_bare $selfname"

missing=
for p in /bin/cgfence /usr/sbin/mini_httpd /usr/bin/openssl /usr/bin/date; do
	[ -x "$p" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
	tap_not_ok "cgfence, mini_httpd, openssl and coreutils' date are in the image (missing:$missing; run: make deps)"
	tap_done
	exit 1
fi

rm -rf "$dir"
mkdir -p "$dir" /srv/www /srv/private /srv/job /var/log/mini-httpd
printf '<html><body>cgfence rule sets</body></html>\n' > /srv/www/index.html
echo "not for the confined" > /srv/private/secret
: > /var/log/mini-httpd/access.log
# The job: local time (/etc/localtime, a symlink into zoneinfo), another zone through TZ,
# the locale of LC_ALL (coreutils' date, dynamically linked), and the task reading itself.
cat > /srv/job/report.sh <<'EOF'
set -e
/usr/bin/date -d @0 '+%Y-%m-%d %H:%M %Z'
TZ=Europe/Berlin /usr/bin/date -d @0 '+%Y-%m-%d %H:%M %Z'
grep -c '^Pid:' /proc/self/status
grep -c '\[stack\]' /proc/self/maps
ls /proc/self/task | wc -l
EOF
job_want=$(printf '%s\n' "1970-01-01 00:00 UTC" "1970-01-01 01:00 CET" 1 1 1)

# expect_run DESC WANT_RC CMD...: one result: CMD's exit status is WANT_RC.
expect_run() {
	_desc=$1
	_want=$2
	shift 2
	run_cmd "$@"
	[ "$run_rc" -eq "$_want" ] || show_run
	tap_result "$_desc" "$((run_rc != _want))"
}

# in_box BOX CMD...: CMD moved into cgroup BOX; its stdin, stdout and stderr are pipes
# (every profile grants pipes: a file or /dev/null the profile does not grant would be
# revoked at its exec, a denial of its own). Stdout in $dir/out, stderr in $dir/err; the
# status is CMD's.
in_box() {
	_cg=$cgroot/$1
	shift
	{
		{
			# shellcheck disable=SC2016
			: | sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$_cg" "$@" 2>&1 1>&3 3>&-
			echo $? > "$dir/rc"
		} | cat > "$dir/err"
	} 3>&1 | cat > "$dir/out"
	return "$(cat "$dir/rc")"
}

# expect_box DESC WANT_RC WANT_OUT WANT_ERR BOX CMD...: one result: CMD in BOX exits
# WANT_RC with exactly WANT_OUT on stdout and WANT_ERR on stderr.
expect_box() {
	_desc=$1
	_rc=$2
	_out=$3
	_err=$4
	shift 4
	in_box "$@"
	_got=$?
	if [ "$_got" -eq "$_rc" ] && [ "$(cat "$dir/out")" = "$_out" ] &&
		[ "$(cat "$dir/err")" = "$_err" ]; then
		tap_ok "$_desc"
	else
		tap_not_ok "$_desc"
		tap_diag "exit status $_got (want $_rc)" "stdout:" "$(cat "$dir/out")" "want:" "$_out" \
			"stderr:" "$(cat "$dir/err")" "want:" "$_err"
	fi
}

# expect_host DESC WANT_RC WANT_OUT CMD...: the control: CMD from outside every box.
expect_host() {
	_desc=$1
	_rc=$2
	_out=$3
	shift 3
	run_cmd "$@"
	if [ "$run_rc" -eq "$_rc" ] && [ "$(cat "$run_out")" = "$_out" ]; then
		tap_ok "$_desc"
	else
		tap_not_ok "$_desc"
		show_run
		tap_diag "want status $_rc, stdout:" "$_out"
	fi
}

# records BOX: BOX's denial records, one JSON object a line, in $dir/records.
records() {
	cgfence denials --json --container "$cgroot/$1" > "$dir/records" 2> "$dir/records.err" ||
		tap_diag "cgfence denials failed: $(cat "$dir/records.err")"
}

# expect_no_records DESC BOX: one result: BOX has no denial record and lost none.
expect_no_records() {
	records "$2"
	if [ ! -s "$dir/records" ] && [ ! -s "$dir/records.err" ]; then
		tap_ok "$1"
	else
		tap_not_ok "$1"
		tap_diag "records:" "$(cat "$dir/records" "$dir/records.err")"
	fi
}

# expect_record DESC BOX FRAGMENT...: one result: a record of BOX holds every FRAGMENT
# (fixed strings; a FRAGMENT starting with ~ is a basic regular expression).
expect_record() {
	_desc=$1
	records "$2"
	shift 2
	cp "$dir/records" "$dir/sel"
	for _f in "$@"; do
		case $_f in
		"~"*) grep -e "${_f#\~}" "$dir/sel" > "$dir/sel.next" ;;
		*) grep -F -e "$_f" "$dir/sel" > "$dir/sel.next" ;;
		esac
		mv "$dir/sel.next" "$dir/sel"
	done
	if [ -s "$dir/sel" ]; then
		tap_ok "$_desc"
	else
		tap_not_ok "$_desc"
		tap_diag "no record with:" "$@" "records:" "$(cat "$dir/records")"
	fi
}

# fetch PORT PATH: busybox wget from here (outside every box); the body in $dir/body.
# (Debian's static busybox 1.35 wget crashes on -T: timeout bounds it instead.)
fetch() {
	rm -f "$dir/body"
	timeout 10 wget -q -O "$dir/body" "http://127.0.0.1:$1$2" 2> "$dir/fetch.err"
}

# httpd_start BOX PORT DOCROOT [ARGS]: mini_httpd in BOX (no BOX: here, unconfined) in the
# foreground of a background job; waits until it answers. Its pid in $dir/httpd.PORT.
httpd_start() {
	_box=$1
	_port=$2
	_root=$3
	shift 3
	if [ -n "$_box" ]; then
		# shellcheck disable=SC2016
		: | sh -c 'echo $$ > "$1" && echo $$ > "$0/cgroup.procs" && shift && exec "$@"' \
			"$cgroot/$_box" "$dir/httpd.$_port" /usr/sbin/mini_httpd -D -p "$_port" \
			-d "$_root" -u nobody "$@" 2>&1 3>&- | cat > "$dir/httpd.$_port.err" &
	else
		# shellcheck disable=SC2016
		: | sh -c 'echo $$ > "$0" && exec "$@"' "$dir/httpd.$_port" /usr/sbin/mini_httpd \
			-D -p "$_port" -d "$_root" -u nobody "$@" 2>&1 3>&- | cat > "$dir/httpd.$_port.err" &
	fi
	# Listening on [::]:PORT (and so on 0.0.0.0): busybox's nc cannot probe a port
	# without connecting, which the server would log.
	_hex=$(printf '%04X' "$_port")
	for _ in $(seq 50); do
		grep -q "^ *[0-9]*: 0*:$_hex 0*:0000 0A " /proc/net/tcp /proc/net/tcp6 && return 0
		sleep 0.2
	done
	tap_diag "mini_httpd on port $_port does not answer: $(cat "$dir/httpd.$_port.err")"
	return 1
}

httpd_stop() { # PORT
	_pid=$(cat "$dir/httpd.$1" 2> /dev/null) || return 0
	kill "$_pid" 2> /dev/null
	for _ in $(seq 50); do
		kill -0 "$_pid" 2> /dev/null || return 0
		sleep 0.2
	done
}

# bare NAME: the example NAME without its sets, in complain mode, as profile NAME-bare.
bare() {
	sed -e '/^[[:space:]]*include set-/d' -e "s/^profile $1 {/profile $1-bare {/" \
		-e 's/mode enforce;/mode complain;/' "$pol/examples/$1.cgf" > "$dir/$1-bare.cgf"
}

lo_was_up=0
ip link show lo | grep -q '[<,]UP[,>]' && lo_was_up=1
ip link set lo up

expect_run "insmod cgfence.ko (denials_per_second=100000: no record is rate limited)" 0 \
	insmod "$CGFENCE_KO" denials_per_second=100000

# Each set as the boot policy's glob loads it: a profile of its own, accepted by the module.
run_cmd cgfence load "$pol"/set-*.cgf
loaded=$(cgfence list 2> /dev/null | grep -c '^set-')
sets_ok=$([ "$run_rc" -eq 0 ] && [ "$loaded" -eq 7 ]; echo $?)
[ "$sets_ok" -eq 0 ] || show_run
tap_result "every set loads on its own: 7 profiles set-*" "$sets_ok"
for s in loader nss tzdata ca-certs locale proc-self shell; do
	cgfence unload "set-$s" > /dev/null 2>&1 || tap_diag "cannot unload set-$s"
done

for e in mini-httpd tls-verify shell-job; do
	bare "$e"
done
cat > "$dir/selfname.cgf" <<EOF
profile t_selfname {
	mode enforce;
	default deny;
	include set-shell;
	file {
		allow r /proc/self/status;
	}
}
EOF
# The examples find the sets as an installed host does: in the search path, not beside them.
expect_run "the examples load, their sets found through CGFENCE_POLICY_PATH" 0 \
	env CGFENCE_POLICY_PATH="$pol" cgfence load "$pol/examples/mini-httpd.cgf" \
	"$pol/examples/tls-verify.cgf" "$pol/examples/shell-job.cgf"
expect_run "the examples without their sets load, in complain mode" 0 \
	cgfence load "$dir/mini-httpd-bare.cgf" "$dir/tls-verify-bare.cgf" "$dir/shell-job-bare.cgf"
expect_run "a profile naming /proc/self/status loads" 0 \
	env CGFENCE_POLICY_PATH="$pol" cgfence load "$dir/selfname.cgf"
ok=0
for b in $boxes; do
	mkdir "$cgroot/$b" || ok=1
done
{
	cgfence attach mini-httpd "$cgroot/$httpd" &&
		cgfence attach tls-verify "$cgroot/$tls" &&
		cgfence attach shell-job "$cgroot/$job" &&
		cgfence attach mini-httpd-bare "$cgroot/$httpd_bare" &&
		cgfence attach tls-verify-bare "$cgroot/$tls_bare" &&
		cgfence attach shell-job-bare "$cgroot/$job_bare" &&
		cgfence attach t_selfname "$cgroot/$selfname"
} > "$dir/attach.out" 2>&1 || { ok=1; tap_diag "$(cat "$dir/attach.out")"; }
tap_result "seven cgroups, each attached to its profile" "$ok"

# ---- mini_httpd: set-loader, set-nss, set-tzdata ----
page=$(cat /srv/www/index.html)
httpd_start "$httpd" 8080 /srv/www -l /var/log/mini-httpd/access.log
fetch 8080 /index.html
rc=$?
tap_result "mini-httpd: the confined server serves /index.html, byte for byte" \
	"$([ "$rc" -eq 0 ] && cmp -s "$dir/body" /srv/www/index.html; echo $?)"
[ "$rc" -eq 0 ] || tap_diag "wget: $(cat "$dir/fetch.err")" "server: $(cat "$dir/httpd.8080.err")"
server_uid=$(awk '/^Uid:/ { print $2 }' "/proc/$(cat "$dir/httpd.8080")/status" 2> /dev/null)
tap_result "mini-httpd: it runs as nobody (-u: initgroups and setuid, through set-nss)" \
	"$([ "$server_uid" = "$NOBODY" ]; echo $?)"
httpd_stop 8080
grep -c . /var/log/mini-httpd/access.log > "$dir/lines"
tap_result "mini-httpd: its access log has the one request, stamped in UTC (/etc/localtime)" \
	"$([ "$(cat "$dir/lines")" = 1 ] &&
	   grep -q '^127\.0\.0\.1 - - \[[0-3][0-9]/[A-Z][a-z][a-z]/[0-9]*:[0-9:]* +0000\] "GET /index.html HTTP/1.1" 200 ' \
		/var/log/mini-httpd/access.log; echo $?)"
[ "$(cat "$dir/lines")" = 1 ] || tap_diag "log:" "$(cat /var/log/mini-httpd/access.log)"
expect_no_records "mini-httpd: starting, serving and logging left no denial record" "$httpd"
tap_result "mini-httpd: the cgroup is empty again" \
	"$([ -z "$(cat "$cgroot/$httpd/cgroup.procs")" ]; echo $?)"

# Refused: a confined server pointed at a directory its profile does not name; the same
# server unconfined serves it.
httpd_start "$httpd" 8081 /srv/private
fetch 8081 /secret
rc=$?
httpd_stop 8081
tap_result "mini-httpd: confined, /srv/private/secret is refused: HTTP 403, no body" \
	"$([ "$rc" -ne 0 ] && grep -q '403 Forbidden' "$dir/fetch.err" && [ ! -s "$dir/body" ]; echo $?)"
[ "$rc" -ne 0 ] || tap_diag "wget got: $(cat "$dir/body")"
expect_record "mini-httpd: ... its open was denied by default (rule 0), op open, EACCES's record" \
	"$httpd" '"verdict":"denied",' '"profile":"mini-httpd","rule_id":0,"origin":null,"op":"open","kind":"file","object":"/srv/private/secret",' \
	'"comm":"mini_httpd",'
httpd_start "" 8082 /srv/private
fetch 8082 /secret
rc=$?
httpd_stop 8082
tap_result "mini-httpd: unconfined, the same server serves /srv/private/secret (control)" \
	"$([ "$rc" -eq 0 ] && cmp -s "$dir/body" /srv/private/secret; echo $?)"

# Without its sets (complain): each set covers an access the server makes.
: > /var/log/mini-httpd/access.log
httpd_start "$httpd_bare" 8083 /srv/www -l /var/log/mini-httpd/access.log
fetch 8083 /index.html
httpd_stop 8083
expect_record "mini-httpd without set-loader: ld.so's exec would be denied" "$httpd_bare" \
	'"verdict":"would-deny",' '"object":"/lib64/ld-linux-x86-64.so.2",' '"requested_text":"x"'
expect_record "mini-httpd without set-loader: libc.so.6 would be denied" "$httpd_bare" \
	'"verdict":"would-deny",' '"object":"/lib/x86_64-linux-gnu/libc.so.6",'
expect_record "mini-httpd without set-nss: /etc/passwd would be denied" "$httpd_bare" \
	'"verdict":"would-deny",' '"object":"/etc/passwd",'
expect_record "mini-httpd without set-nss: /etc/group (initgroups) would be denied" "$httpd_bare" \
	'"verdict":"would-deny",' '"object":"/etc/group",'
expect_record "mini-httpd without set-tzdata: /etc/localtime, judged as the zoneinfo file it links to, would be denied" \
	"$httpd_bare" '"verdict":"would-deny",' '"object":"/usr/share/zoneinfo/Etc/UTC",'

# ---- openssl verify: set-loader, set-ca-certs, set-tzdata ----
expect_box "tls-verify: confined, the leaf verifies against the system store's bundle" \
	0 "/srv/tls/leaf.pem: OK" "" "$tls" /usr/bin/openssl verify -no-CApath /srv/tls/leaf.pem
expect_box "tls-verify: confined, ... and through the hashed directory alone (HASH.0 -> /usr/share/ca-certificates)" \
	0 "/srv/tls/leaf.pem: OK" "" "$tls" /usr/bin/openssl verify -no-CAfile -CApath /etc/ssl/certs \
	/srv/tls/leaf.pem
in_box "$tls" /usr/bin/openssl verify /srv/tls/stray.pem
rc=$?
tap_result "tls-verify: confined, a certificate the store does not trust fails (exit 2, self-signed)" \
	"$([ "$rc" -eq 2 ] && grep -q '^error 18 at 0 depth lookup: self-signed certificate' "$dir/err"; echo $?)"
[ "$rc" -eq 2 ] || tap_diag "exit status $rc" "$(cat "$dir/out" "$dir/err")"
expect_no_records "tls-verify: verifying left no denial record" "$tls"

key=/etc/ssl/private/cgfence-e2e-ca.key
in_box "$tls" /usr/bin/openssl pkey -noout -in "$key"
rc=$?
tap_result "tls-verify: confined, reading the CA's private key fails (exit 1, Permission denied)" \
	"$([ "$rc" -eq 1 ] && grep -q 'Permission denied' "$dir/err"; echo $?)"
[ "$rc" -eq 1 ] || tap_diag "exit status $rc" "$(cat "$dir/out" "$dir/err")"
expect_record "tls-verify: ... denied by default, op open, the key's path" "$tls" \
	'"verdict":"denied",' '"profile":"tls-verify","rule_id":0,"origin":null,"op":"open","kind":"file","object":"'$key'",' \
	'"comm":"openssl",'
expect_host "tls-verify: unconfined, the same command reads the key (control)" 0 "" \
	/usr/bin/openssl pkey -noout -in "$key"

in_box "$tls_bare" /usr/bin/openssl verify -no-CApath /srv/tls/leaf.pem
in_box "$tls_bare" /usr/bin/openssl verify -no-CAfile -CApath /etc/ssl/certs /srv/tls/leaf.pem
expect_record "tls-verify without set-ca-certs: the bundle would be denied" "$tls_bare" \
	'"verdict":"would-deny",' '"object":"/etc/ssl/certs/ca-certificates.crt",'
expect_record "tls-verify without set-ca-certs: the CA a HASH.0 link resolves to would be denied" \
	"$tls_bare" '"verdict":"would-deny",' \
	'"object":"/usr/share/ca-certificates/cgfence-e2e/test-ca.crt",'
expect_record "tls-verify without set-ca-certs: openssl.cnf would be denied" "$tls_bare" \
	'"verdict":"would-deny",' '"object":"/etc/ssl/openssl.cnf",'
expect_record "tls-verify without set-tzdata: /etc/localtime (the zoneinfo file) would be denied" \
	"$tls_bare" '"verdict":"would-deny",' '"object":"/usr/share/zoneinfo/Etc/UTC",' '"comm":"openssl",'

# ---- a shell job: set-shell, set-loader, set-locale, set-tzdata, set-proc-self ----
expect_box "shell-job: confined, the job prints local time, Berlin time and what it read of itself" \
	0 "$job_want" "" "$job" env LC_ALL=C.UTF-8 /bin/sh /srv/job/report.sh
expect_no_records "shell-job: the job left no denial record" "$job"
run_cmd env LC_ALL=C.UTF-8 /bin/sh /srv/job/report.sh
tap_result "shell-job: unconfined, the job prints the same (control)" \
	"$([ "$run_rc" -eq 0 ] && [ "$(cat "$run_out")" = "$job_want" ]; echo $?)"

expect_box "shell-job: confined, cat of a file outside the profile: EACCES" 1 "" \
	"cat: can't open '/srv/private/secret': Permission denied" "$job" cat /srv/private/secret
expect_record "shell-job: ... denied by default, op open" "$job" \
	'"verdict":"denied",' '"profile":"shell-job","rule_id":0,"origin":null,"op":"open","kind":"file","object":"/srv/private/secret",' \
	'"comm":"cat",'
expect_host "shell-job: unconfined, the same cat reads it (control)" 0 "not for the confined" \
	cat /srv/private/secret
expect_box "shell-job: confined, a program set-shell does not list cannot be run: EACCES, 126" 126 "" \
	"sh: /usr/bin/openssl: Permission denied" "$job" sh -c '/usr/bin/openssl version'
expect_record "shell-job: ... its exec denied by default (x)" "$job" \
	'"verdict":"denied",' '"object":"/usr/bin/openssl",' '"requested_text":"x"'
run_cmd sh -c '/usr/bin/openssl version'
tap_result "shell-job: unconfined, the same sh runs it (control)" \
	"$([ "$run_rc" -eq 0 ] && grep -q '^OpenSSL 3' "$run_out"; echo $?)"
# set-proc-self's /proc/*/maps also names other tasks' maps: the kernel's ptrace check,
# which no kernel rule of shell-job allows, keeps those of tasks outside the container shut.
expect_box "shell-job: confined, /proc/1/maps (init, outside the container): EACCES" 1 "" \
	"cat: can't open '/proc/1/maps': Permission denied" "$job" cat /proc/1/maps
expect_record "shell-job: ... refused by the ptrace check, not by a file rule" "$job" \
	'"verdict":"denied",' '"op":"ptrace",' '"comm":"cat",'
run_cmd cat /proc/1/maps
tap_result "shell-job: unconfined, /proc/1/maps reads (control)" \
	"$([ "$run_rc" -eq 0 ] && [ -s "$run_out" ]; echo $?)"

in_box "$job_bare" env LC_ALL=C.UTF-8 /bin/sh /srv/job/report.sh
tap_result "shell-job without its sets (complain): the same output" \
	"$([ "$(cat "$dir/out")" = "$job_want" ]; echo $?)"
expect_record "shell-job without set-shell: exec of the shell (/bin/sh is busybox) would be denied" \
	"$job_bare" '"verdict":"would-deny",' '"object":"/bin/busybox",' '"requested_text":"x"'
expect_record "shell-job without set-loader: date's libc.so.6 would be denied" "$job_bare" \
	'"verdict":"would-deny",' '"object":"/lib/x86_64-linux-gnu/libc.so.6",' '"comm":"date",'
expect_record "shell-job without set-locale: C.utf8's LC_CTYPE would be denied" "$job_bare" \
	'"verdict":"would-deny",' '"object":"/usr/lib/locale/C.utf8/LC_CTYPE",'
expect_record "shell-job without set-tzdata: Europe/Berlin would be denied" "$job_bare" \
	'"verdict":"would-deny",' '"object":"/usr/share/zoneinfo/Europe/Berlin",'
expect_record "shell-job without set-proc-self: /proc/PID/status would be denied" "$job_bare" \
	'"verdict":"would-deny",' '~"object":"/proc/[0-9]*/status",'
expect_record "shell-job without set-proc-self: /proc/PID/maps would be denied" "$job_bare" \
	'"verdict":"would-deny",' '~"object":"/proc/[0-9]*/maps",'

# What a /proc/self rule must say: the path is judged resolved, /proc/PID/..., so a rule
# naming /proc/self never matches; set-proc-self's /proc/*/status does (the job above).
expect_box "/proc/self: 'allow r /proc/self/status' does not let cat read it: EACCES" 1 "" \
	"cat: can't open '/proc/self/status': Permission denied" "$selfname" cat /proc/self/status
expect_record "/proc/self: ... the record names /proc/PID/status" "$selfname" \
	'"verdict":"denied",' '"profile":"t_selfname","rule_id":0,"origin":null,"op":"open",' \
	'~"object":"/proc/[0-9]*/status",'

# Nothing of the host changed: the files the boxes were refused are as they were.
tap_result "the site, the secret and the key are unchanged" \
	"$([ "$(cat /srv/www/index.html)" = "$page" ] &&
	   [ "$(cat /srv/private/secret)" = "not for the confined" ] &&
	   /usr/bin/openssl pkey -noout -in "$key"; echo $?)"

wait
ok=0
for b in $boxes; do
	cgfence detach "$cgroot/$b" > /dev/null 2>&1 || ok=1
	rmdir "$cgroot/$b" || ok=1
done
tap_result "every cgroup detached and removed" "$ok"
expect_run "rmmod cgfence" 0 rmmod cgfence
[ "$lo_was_up" -eq 1 ] || ip link set lo down
rm -rf "$dir" /srv/www /srv/private /srv/job /var/log/mini-httpd "$run_out" "$run_err"
tap_done
