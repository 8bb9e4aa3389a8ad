#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds and runs the cgfence tool's unit tests and CLI checks; writes build/results/unit.tap.
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$top/build
out=$build/unit
mkdir -p "$out"
tap_py=$top/tests/tap.py
# shellcheck source-path=SCRIPTDIR source=../runner.sh
. "$top/tests/runner.sh"
runner_start unit


# The Makefile is the one place that knows the tool's flags and sources.
make_var() {
	# shellcheck disable=SC2016 # $($*) is for make, not for the shell
	make -s -C "$top" --no-print-directory --eval 'cgf-print-%: ; @echo $($*)' "cgf-print-$1"
}

if log=$(make -C "$top" --no-print-directory tool 2>&1); then
	result 0 "build: make tool"
	tool_ok=1
else
	result 1 "build: make tool"
	diag "$log"
	tool_ok=0
fi

if cc=$(make_var CC) && cflags=$(make_var TOOL_CFLAGS) && libs=$(make_var TOOL_LIBS) &&
	lib_srcs=$(make_var TOOL_LIB_SRCS) && [ -n "$cflags" ] && [ -n "$lib_srcs" ]; then
	flags_ok=1
else
	result 1 "build: read the tool's flags from the Makefile"
	flags_ok=0
fi

# Every test program prints its own TAP, judged by tests/tap.py (plan first, the plan's count
# of results, exit status): a program that crashes or stops early adds a "not ok", so a broken
# program can never look like a smaller green one.
run_program() { # NAME BINARY
	local name=$1 bin=$2 rc line
	"$bin" >"$out/$name.tap" 2>"$out/$name.stderr"
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*) result 0 "${line#ok - }" ;;
		"not ok - "*) result 1 "${line#not ok - }" ;;
		*) lines+=("$line") ;;
		esac
	done < <(python3 "$tap_py" flatten --name "$name" --exit-status "$rc" "$out/$name.tap")
	if [ "$rc" -ne 0 ] && [ -s "$out/$name.stderr" ]; then
		diag "$name: stderr: $(head -n 20 "$out/$name.stderr")"
	fi
}

if [ "$flags_ok" -eq 1 ]; then
	for src in "$top"/tests/unit/test_*.c; do
		name=$(basename "$src" .c)
		rm -f "$out/$name"
		# shellcheck disable=SC2086 # the flag lists are meant to split into words
		if ! log=$($cc $cflags -I"$top/tests/unit" -o "$out/$name" "$src" \
			"$top/tests/unit/tap.c" $lib_srcs $libs 2>&1); then
			result 1 "$name: build"
			diag "$log"
			continue
		fi
		run_program "$name" "$out/$name"
	done
fi

# What stats --prometheus writes must parse as Prometheus text (Debian's
# python3-prometheus-client, the format's reference parser), every family with samples.
prom=$out/test_stats.prom
if [ -s "$prom" ] && log=$(/usr/bin/python3 "$top/tests/unit/prom_check.py" "$prom" 2>&1) &&
	[ "$(grep -c ' counter [1-9]' <<<"$log")" -eq 8 ] && [ "$(grep -c ' gauge 1$' <<<"$log")" -eq 3 ]; then
	result 0 "stats: the Prometheus text parses: 8 counter and 3 gauge families, all with samples"
else
	result 1 "stats: the Prometheus text parses: 8 counter and 3 gauge families, all with samples"
	diag "$log"
fi

# Black-box checks of the built binary: what a script calling it relies on.
run_tool() { # BINARY ARGS...: sets rc, stdout, stderr
	"$@" >"$out/cli.stdout" 2>"$out/cli.stderr"
	rc=$?
	stdout=$(cat "$out/cli.stdout")
	stderr=$(cat "$out/cli.stderr")
}

check() { # NAME COMMAND...: runs the test command, explains a failure
	local name=$1
	shift
	if "$@"; then
		result 0 "cli: $name"
	else
		result 1 "cli: $name"
		diag "exit status: $rc"
		diag "stdout: $(head -n 3 <<<"$stdout")"
		diag "stderr: $(head -n 3 <<<"$stderr")"
	fi
}

first_line_is() { # STRING TEXT
	[ "$(head -n 1 <<<"$2")" = "$1" ]
}

contains() { # STRING TEXT
	[[ $2 == *"$1"* ]]
}

not_loaded='cgfence: the cgfence module is not loaded (generic netlink family "cgfence" not found);'
not_loaded+=' load it with: modprobe cgfence'
version=$(sed -n 's/^#define CGFENCE_VERSION[[:space:]]*"\(.*\)"/\1/p' "$top/module/uapi/cgfence.h")
usage_line='usage: cgfence [-h | --help] [-V | --version] COMMAND [OPTIONS] [ARGS]'
tool=$build/cgfence

if [ "$tool_ok" -eq 1 ]; then
	run_tool "$tool" bogus
	check "'cgfence bogus' exits 2" [ "$rc" -eq 2 ]
	check "'cgfence bogus' prints nothing on stdout" [ -z "$stdout" ]
	check "'cgfence bogus' names the command on stderr" \
		first_line_is "cgfence: unknown command 'bogus'" "$stderr"
	check "'cgfence bogus' prints the usage on stderr" contains "$usage_line" "$stderr"

	run_tool "$tool" status --bogus
	check "'cgfence status --bogus' exits 2" [ "$rc" -eq 2 ]
	check "'cgfence status --bogus' prints nothing on stdout" [ -z "$stdout" ]
	check "'cgfence status --bogus' names the option on stderr" \
		first_line_is "cgfence: status: unknown option '--bogus'" "$stderr"
	check "'cgfence status --bogus' prints the status usage on stderr" \
		contains "usage: cgfence status [--json]" "$stderr"

	run_tool "$tool"
	check "'cgfence' exits 2" [ "$rc" -eq 2 ]
	check "'cgfence' says a command is missing" first_line_is "cgfence: missing command" "$stderr"

	run_tool "$tool" status extra
	check "'cgfence status extra' exits 2" [ "$rc" -eq 2 ]
	run_tool "$tool" help --json
	check "'cgfence help --json' exits 2" [ "$rc" -eq 2 ]
	run_tool "$tool" --json status
	check "'cgfence --json status' exits 2" [ "$rc" -eq 2 ]

	run_tool "$tool" --help
	check "'cgfence --help' exits 0" [ "$rc" -eq 0 ]
	check "'cgfence --help' prints the usage on stdout" first_line_is "$usage_line" "$stdout"
	check "'cgfence --help' prints nothing on stderr" [ -z "$stderr" ]
	check "'cgfence --help' documents exit status 3" \
		contains "  3  the cgfence module is not loaded" "$stdout"
	help_text=$stdout
	run_tool "$tool" help
	check "'cgfence help' exits 0" [ "$rc" -eq 0 ]
	check "'cgfence help' prints the same text as --help" [ "$stdout" = "$help_text" ]

	run_tool "$tool" status --help
	check "'cgfence status --help' exits 0" [ "$rc" -eq 0 ]
	check "'cgfence status --help' prints the status usage on stdout" \
		first_line_is "usage: cgfence status [--json]" "$stdout"

	# An option whose general help would mislead says what it means for the command.
	run_tool "$tool" oci-prepare --help
	check "'cgfence oci-prepare --help': --profile is the profile the hook attaches" \
		grep -q '^      --profile NAME  the hook attaches the profile NAME$' <<<"$stdout"
	run_tool "$tool" stats --help
	check "'cgfence stats --help': --profile keeps its general help" \
		grep -q '^      --profile NAME  only the profile NAME$' <<<"$stdout"

	run_tool "$tool" --version
	check "'cgfence --version' exits 0" [ "$rc" -eq 0 ]
	check "'cgfence --version' prints the header's version" [ "$stdout" = "cgfence $version" ]

	# No cgfence module can exist on the build machine: the family is never registered.
	run_tool "$tool" status
	check "'cgfence status' without the module exits 3" [ "$rc" -eq 3 ]
	check "'cgfence status' without the module says so" first_line_is "$not_loaded" "$stderr"
	check "'cgfence status' without the module prints nothing on stdout" [ -z "$stdout" ]
	run_tool "$tool" status --json
	check "'cgfence status --json' without the module exits 3" [ "$rc" -eq 3 ]
	check "'cgfence status --json' without the module prints nothing on stdout" [ -z "$stdout" ]

	"$tool" --help >/dev/full 2>"$out/cli.stderr"
	rc=$?
	stderr=$(cat "$out/cli.stderr")
	check "'cgfence --help >/dev/full' exits 1" [ "$rc" -eq 1 ]
	check "'cgfence --help >/dev/full' reports the write error" \
		contains "cannot write the output" "$stderr"

	# The VM runs the static binary: it must work, libnl included.
	run_tool "$build/cgfence-static" --version
	check "'cgfence-static --version' prints the header's version" \
		[ "$stdout" = "cgfence $version" ]
	run_tool "$build/cgfence-static" status
	check "'cgfence-static status' without the module exits 3" [ "$rc" -eq 3 ]
	check "'cgfence-static status' without the module says so" \
		first_line_is "$not_loaded" "$stderr"
fi

# The policy commands, as the e2e scripts call them: usage errors, local errors, no module.
if [ "$tool_ok" -eq 1 ]; then
	good=$out/good.cgf
	bad=$out/bad.cgf
	notcg=$out/not-a-cgroup
	mkdir -p "$notcg"
	printf 'profile web {\n\tmode enforce;\n\tfile {\n\t\tallow r /etc/**;\n\t}\n}\n' >"$good"
	printf 'profile web {\n\tmode bogus;\n}\n' >"$bad"

	while IFS='|' read -r args first; do
		# shellcheck disable=SC2086 # the arguments are meant to split into words
		run_tool "$tool" $args
		check "'cgfence $args' exits 2" [ "$rc" -eq 2 ]
		check "'cgfence $args' prints nothing on stdout" [ -z "$stdout" ]
		check "'cgfence $args' says why" first_line_is "$first" "$stderr"
	done <<-'CASES'
	lock|cgfence: lock: locking cannot be undone until reboot; run 'cgfence lock --yes' to lock
	load|cgfence: load: missing argument
	load --json x.cgf|cgfence: load: option '--json' does not apply to this command
	unload|cgfence: unload: missing argument
	unload a b|cgfence: unload: unexpected argument 'b'
	attach web|cgfence: attach: missing CGROUP_PATH (or --pid PID)
	attach web x --pid 1|cgfence: attach: give CGROUP_PATH or --pid PID, not both
	attach web --pid abc|cgfence: attach: invalid PID 'abc': a positive decimal number is needed
	detach|cgfence: detach: missing CGROUP_PATH (or --pid PID)
	list web|cgfence: list: unexpected argument 'web'
	show|cgfence: show: missing argument
	show a/b|cgfence: show: invalid profile name 'a/b': a profile name has only letters, digits, '_', '.' and '-'
	mode web audit|cgfence: mode: unknown mode 'audit': enforce or complain
	denials extra|cgfence: denials: unexpected argument 'extra'
	denials --since x|cgfence: denials: invalid record number 'x' for --since: a decimal number is needed
	denials --since -1|cgfence: denials: invalid record number '-1' for --since: a decimal number is needed
	denials --profile a/b|cgfence: denials: invalid profile name 'a/b': a profile name has only letters, digits, '_', '.' and '-'
	denials --force|cgfence: denials: option '--force' does not apply to this command
	learn|cgfence: learn: missing argument
	learn a/b|cgfence: learn: invalid profile name 'a/b': a profile name has only letters, digits, '_', '.' and '-'
	learn web --follow|cgfence: learn: option '--follow' does not apply to this command
	learn web --container|cgfence: learn: option '--container' needs a value
	CASES

	run_tool "$tool" load "$bad"
	check "'cgfence load BAD' exits 5 without the module" [ "$rc" -eq 5 ]
	check "'cgfence load BAD' points at the error" \
		first_line_is "$bad:2:7: error: expected 'enforce' or 'complain' after 'mode', found 'bogus'" "$stderr"
	check "'cgfence load BAD' says nothing was loaded" contains "cgfence: load: nothing was loaded" "$stderr"
	run_tool "$tool" load "$good" "$bad"
	check "'cgfence load GOOD BAD' exits 5: one bad file loads nothing" [ "$rc" -eq 5 ]
	run_tool "$tool" load "$out/no-such.cgf"
	check "'cgfence load MISSING' exits 5" [ "$rc" -eq 5 ]
	run_tool "$tool" load --profile other "$good"
	check "'cgfence load --profile other GOOD' exits 1: no such profile in the file" [ "$rc" -eq 1 ]

	run_tool "$tool" attach web "$notcg"
	check "'cgfence attach web DIR' (not cgroup2) exits 1" [ "$rc" -eq 1 ]
	check "'cgfence attach web DIR' (not cgroup2) says so" \
		first_line_is "cgfence: attach: $notcg: not a cgroup v2 directory" "${stderr%% (filesystem*}"
	run_tool "$tool" detach "$good"
	check "'cgfence detach FILE' exits 1: not a directory" [ "$rc" -eq 1 ]
	check "'cgfence detach FILE' says so" \
		first_line_is "cgfence: detach: $good: not a directory, so not a cgroup" "$stderr"
	run_tool "$tool" attach web --pid 2147483647
	check "'cgfence attach web --pid (none)' exits 1" [ "$rc" -eq 1 ]
	check "'cgfence attach web --pid (none)' says so" \
		first_line_is "cgfence: attach: no process with pid 2147483647" "$stderr"

	while IFS= read -r args; do
		# shellcheck disable=SC2086 # the arguments are meant to split into words
		run_tool "$tool" $args
		check "'cgfence $args' without the module exits 3" [ "$rc" -eq 3 ]
		check "'cgfence $args' without the module prints nothing on stdout" [ -z "$stdout" ]
	done <<-CASES
	load $good
	unload web
	unload --force web
	list
	list --json
	show web
	show web --json
	mode web complain
	lock --yes
	denials
	denials --json --follow --since 5 --container /web --profile web
	learn web --container web
	CASES
fi

# learn --from on streams saved by 'denials --json' (tests/unit/data/learn: run1 and run2 as the
# renderer writes them, damaged with every kind of bad line): the exact profile and report, the
# same text for the files in another order, a profile the tool's own parser takes, no module.
if [ "$tool_ok" -eq 1 ]; then
	data=$top/tests/unit/data/learn
	learn_in_data() { # ARGS...: runs 'cgfence learn' in the data directory, names relative
		run_tool env -C "$data" "$tool" learn "$@"
	}
	learn_in_data web --from run1.jsonl --from run2.jsonl --from damaged.jsonl
	check "learn --from: three files, no module: exit 0" [ "$rc" -eq 0 ]
	check "learn --from: the exact profile (data/learn/expected.cgf)" \
		cmp -s "$out/cli.stdout" "$data/expected.cgf"
	check "learn --from: the exact report on stderr (data/learn/expected.stderr)" \
		cmp -s "$out/cli.stderr" "$data/expected.stderr"
	cp "$out/cli.stdout" "$out/learned.cgf"
	learn_in_data web --from damaged.jsonl --from - --from run1.jsonl <"$data/run2.jsonl"
	check "learn --from: the files in another order, one on stdin: the same profile" \
		cmp -s "$out/cli.stdout" "$data/expected.cgf"
	check "learn --from: ... and the same report" cmp -s "$out/cli.stderr" "$data/expected.stderr"
	run_tool "$tool" check "$out/learned.cgf"
	check "learn --from: 'cgfence check' takes the profile" \
		[ "$rc" -eq 0 ] && [ "$stdout" = "$out/learned.cgf: ok: profile web, 17 rules (15 file, 1 mount, 1 device)" ]
	learn_in_data web --container 3d5327 --from run1.jsonl
	check "learn --from --container ID: the container of the records whose id starts so" \
		first_line_is "# Learned by 'cgfence learn' from 15 would-deny records of profile web in containers at or below /system.slice/docker-3d5327d3e8162e4c1a1bde0ed8f8ac7a9b1f1b6a2d5a1e1fbd2c9e2a1b0c9d8e.scope (seq 1..20)." "$stdout"
	learn_in_data web --from run1.jsonl --from no-such.jsonl
	check "learn --from: a file that cannot be read: exit 1, nothing written" \
		[ "$rc" -eq 1 ] && [ -z "$stdout" ] && [ "$stderr" = "cgfence: learn: cannot read no-such.jsonl: No such file or directory (nothing was written)" ]
	learn_in_data db --from damaged.jsonl
	check "learn --from: no record of the profile: exit 1, nothing written" \
		[ "$rc" -eq 1 ] && [ -z "$stdout" ] && contains "cgfence: learn: no would-deny record of profile db in the 9 lines read (nothing was written)" "$stderr"
fi

# The hook's one line and cgfence-runc's reading of runc's command line, as runtimes call them.
if [ "$tool_ok" -eq 1 ]; then
	oci=$out/oci
	rm -rf "$oci" && mkdir -p "$oci/bundle" "$oci/cwd"
	printf 'default_profile = web\n' >"$oci/web.conf"
	while IFS='|' read -r state want; do
		printf '%s' "$state" >"$oci/state.json"
		run_tool "$tool" oci-hook --config "$oci/web.conf" <"$oci/state.json"
		check "'oci-hook' with $state exits 1" [ "$rc" -eq 1 ]
		check "'oci-hook' with $state prints one line naming the container" \
			[ "$stderr" = "cgfence oci-hook: $want: not started" ]
	done <<-'CASES'
	{"id":"c1"}|container c1: the container state has no "pid"
	{"id":"c1","pid":-1}|container c1: the container state's "pid" is not a process id (1 to 2147483647)
	{"id":"c1","pid":1,"annotations":{"org.cgfence.profile":"a\nb"}}|container c1: annotation org.cgfence.profile: invalid profile name 'a\x0ab': a profile name has only letters, digits, '_', '.' and '-'
	CASES

	# A runc that records its arguments; the wrapper runs from a directory with a config.json
	# of its own, which only a wrong guess at the bundle would touch.
	printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/runc.args"\n' "$oci" >"$oci/fake-runc"
	chmod +x "$oci/fake-runc"
	runc_wrapper() { # ARGS...: sets rc, stdout, stderr
		rm -f "$oci/runc.args"
		printf '{}' >"$oci/bundle/config.json"
		printf '{}' >"$oci/cwd/config.json"
		CGFENCE_TOOL=$tool CGFENCE_RUNC=$oci/fake-runc \
			run_tool env -C "$oci/cwd" sh "$top/userspace/oci/cgfence-runc" "$@"
	}
	hooked() { # FILE
		grep -qF '"createRuntime":[{"path":"/usr/sbin/cgfence","args":["cgfence","oci-hook"]}]' "$1"
	}
	for spelling in "-b $oci/bundle" "--bundle $oci/bundle" "-bundle $oci/bundle" \
		"--b $oci/bundle" "-b=$oci/bundle" "--bundle=$oci/bundle" "-bundle=$oci/bundle"; do
		# shellcheck disable=SC2086 # the spelling is meant to split into words
		runc_wrapper create --pid-file /p $spelling c1
		check "cgfence-runc create $spelling: the bundle has the hook" hooked "$oci/bundle/config.json"
		check "cgfence-runc create $spelling: the current directory is untouched" \
			[ "$(cat "$oci/cwd/config.json")" = '{}' ]
	done
	runc_wrapper create --no-such-option -b "$oci/bundle" c1
	check "cgfence-runc create with an option it does not know exits 1" [ "$rc" -eq 1 ]
	check "cgfence-runc create with an option it does not know: runc is not run" \
		[ ! -e "$oci/runc.args" ]
	check "cgfence-runc create with an option it does not know: says so" \
		[ "$stderr" = "cgfence-runc: unknown option '--no-such-option' of runc create: cannot tell where the bundle is; not running runc" ]
	runc_wrapper --cgfence-profile restricted create -b "$oci/bundle" c1
	check "cgfence-runc --cgfence-profile NAME: runc does not see it" \
		[ "$(cat "$oci/runc.args" 2>/dev/null)" = "$(printf '%s\n' create -b "$oci/bundle" c1)" ]
	check "cgfence-runc --cgfence-profile NAME: the annotation names it" \
		grep -qF '"org.cgfence.profile":"restricted"' "$oci/bundle/config.json"
	rm -f "$oci/runc.args"
	runc_wrapper --cgfence-profile= create -b "$oci/bundle" c1
	check "cgfence-runc --cgfence-profile= (empty) exits 1" [ "$rc" -eq 1 ]
	check "cgfence-runc --cgfence-profile= (empty): runc is not run" [ ! -e "$oci/runc.args" ]
	check "cgfence-runc --cgfence-profile= (empty): says so" \
		[ "$stderr" = "cgfence-runc: option --cgfence-profile needs a value; not running runc" ]
	rm -rf "$oci"
fi

# apply reads the boot policy whole before the kernel hears of it: every error names the
# file, line and column, and --check never needs the module.
if [ "$tool_ok" -eq 1 ]; then
	boot=$out/boot
	rm -rf "$boot" && mkdir -p "$boot/profiles" "$boot/empty"
	printf 'profile web {\n\tmode enforce;\n\tdefault allow;\n}\n' >"$boot/profiles/web.cgf"
	printf 'profile web {\n\tmode enforce;\n\tdefault deny;\n}\n' >"$boot/web-again.cgf"
	printf 'profile bad {\n\tdefault maybe;\n}\n' >"$boot/bad.cgf"
	apply_with() { # CONFIG-TEXT ARGS...: writes the file, runs apply on it
		printf '%b' "$1" >"$boot/c.conf"
		shift
		run_tool "$tool" apply --config "$boot/c.conf" "$@"
	}
	apply_with "load = $top/policy/*.cgf\nload = $boot/profiles/*.cgf\nload = $boot/empty/*.cgf\nlock = yes\n" --check
	check "apply --check: shipped and host profiles, a glob matching nothing: exit 0" [ "$rc" -eq 0 ]
	check "apply --check: says what it read" \
		[ "$stdout" = "$boot/c.conf is valid: $(($(ls "$top"/policy/*.cgf | wc -l) + 1)) policy files, 0 attachments, lock yes" ]
	apply_with "load = $boot/profiles/web.cgf\nlock = perhaps\n" --check
	[ "$rc" -eq 5 ] && [ "$(head -n 1 <<<"$stderr")" = "$boot/c.conf:2:8: lock is yes or no" ]
	check "apply --check: a bad value: exit 5, file:line:col" [ $? -eq 0 ]
	check "apply --check: ... and says nothing changed" \
		[ "$(tail -n 1 <<<"$stderr")" = "cgfence: apply: nothing was changed" ]
	apply_with "load = $boot/nothere.cgf\n" --check
	[ "$rc" -eq 5 ] && [ "$(head -n 1 <<<"$stderr")" = "$boot/c.conf:1:8: cannot load $boot/nothere.cgf: No such file or directory" ]
	check "apply --check: a missing file (not a pattern): exit 5, named at its line" [ $? -eq 0 ]
	apply_with "load = $boot/profiles/*.cgf\nload = $boot/bad.cgf\n" --check
	[ "$rc" -eq 5 ] && grep -q "^$boot/bad.cgf:2:" <<<"$stderr"
	check "apply --check: a policy error: exit 5, the policy file's own position" [ $? -eq 0 ]
	apply_with "load = $boot/profiles/*.cgf\nload = $boot/web-again.cgf\n" --check
	[ "$rc" -eq 5 ] && [ "$(head -n 1 <<<"$stderr")" = "$boot/web-again.cgf:1:1: error: profile 'web' is already defined at $boot/profiles/web.cgf:1:1" ]
	check "apply --check: one name in two files: exit 5, both places named" [ $? -eq 0 ]
	apply_with "load = $boot/profiles/*.cgf\nattach = db /db\n" --check
	[ "$rc" -eq 5 ] && [ "$(head -n 1 <<<"$stderr")" = "$boot/c.conf:2:10: profile db is defined in none of the files loaded" ]
	check "apply --check: an attachment of a profile no file defines: exit 5" [ $? -eq 0 ]
	apply_with "load = $boot/profiles/*.cgf\n" --check --verify
	check "apply --check --verify: a usage error (exit 2)" [ "$rc" -eq 2 ]
	run_tool "$tool" apply --config "$boot/none.conf" --check
	[ "$rc" -eq 1 ] && [ "$(head -n 1 <<<"$stderr")" = "cgfence: apply: cannot read $boot/none.conf: No such file or directory" ]
	check "apply: a configuration that cannot be read: exit 1, named" [ $? -eq 0 ]
	rm -rf "$boot"
fi

# The shipped rule sets (policy/set-*.cgf): exactly these, each a valid profile on its own
# and inside a minimal default-deny profile that includes it by name through the search
# path, as an installed host finds it; least privilege checked on their text; and the
# examples of policy/examples compile with them. "NAME FILE MOUNT DEVICE" rules each.
if [ "$tool_ok" -eq 1 ]; then
	sets_dir=$out/sets
	# One command for check (a "&&" after it would be outside the check).
	ok_with() { # STDOUT: the last run_tool exited 0 and printed exactly STDOUT
		[ "$rc" -eq 0 ] && [ "$stdout" = "$1" ]
	}
	headed() { # SET: the SPDX line, then "# SET: what it is for"
		[ "$(head -n 1 "$top/policy/$1.cgf")" = "# SPDX-License-Identifier: GPL-2.0" ] &&
			[[ "$(sed -n 2p "$top/policy/$1.cgf")" == "# $1: "?* ]]
	}
	rm -rf "$sets_dir" && mkdir -p "$sets_dir"
	want_sets=$(
		cat <<-'SETS'
		set-ca-certs 6 0 0
		set-loader 30 0 0
		set-locale 8 0 0
		set-nss 16 0 0
		set-proc-self 17 0 0
		set-shell 73 0 1
		set-tzdata 3 0 0
		SETS
	)
	got_sets=$(cd "$top/policy" && ls set-*.cgf | sed 's/\.cgf$//')
	check "sets: policy/set-*.cgf are exactly the 7 documented sets" \
		[ "$got_sets" = "$(cut -d' ' -f1 <<<"$want_sets")" ]
	while read -r set nf nm nd; do
		# (not n: result() counts with it)
		total=$((nf + nm + nd))
		run_tool env -u CGFENCE_POLICY_PATH "$tool" check --json "$top/policy/$set.cgf"
		check "sets: $set parses on its own: enforce, default deny, $total rules ($nf file, $nm mount, $nd device)" \
			ok_with "{\"file\":\"$top/policy/$set.cgf\",\"profile\":\"$set\",\"mode\":\"enforce\",\"default\":\"deny\",\"rules\":$total,\"file_rules\":$nf,\"mount_rules\":$nm,\"device_rules\":$nd,\"kernel_rules\":0}"
		printf 'profile uses-it {\n\tmode enforce;\n\tdefault deny;\n\tinclude %s;\n}\n' "$set" \
			>"$sets_dir/uses-it.cgf"
		run_tool env CGFENCE_POLICY_PATH="$top/policy" "$tool" check "$sets_dir/uses-it.cgf"
		check "sets: a minimal profile that includes $set (found through CGFENCE_POLICY_PATH) has its $total rules" \
			ok_with "$sets_dir/uses-it.cgf: ok: profile uses-it, $total rules ($nf file, $nm mount, $nd device)"
		run_tool env -u CGFENCE_POLICY_PATH "$tool" check "$sets_dir/uses-it.cgf"
		check "sets: ... and without the search path it is not found: exit 5 (the check can fail)" \
			[ "$rc" -eq 5 ]
		# Least privilege: allow rules only, read and exec only (set-shell's /dev/null
		# aside), no catch-all; every file starts with its SPDX line and one line on
		# what it is for.
		rules=$(grep -E '^[[:space:]]*(allow|deny)[[:space:]]' "$top/policy/$set.cgf")
		bad=$(grep -vE '^[[:space:]]*allow[[:space:]]+(r|x|rx)[[:space:]]+/[^[:space:];]+;' <<<"$rules" |
			grep -vxE '[[:space:]]*allow rw /dev/null;|[[:space:]]*allow c 1:3 rw;.*')
		catchall=$(grep -E '[[:space:]](/\*\*|/[^/[:space:]]*\*\*);' <<<"$rules")
		check "sets: $set grants only read and exec, by allow rules, with no top-level catch-all" \
			[ -z "$bad$catchall" ]
		[ -z "$bad$catchall" ] || diag "$bad$catchall"
		check "sets: $set starts with its SPDX line and a line naming it" headed "$set"
	done <<<"$want_sets"
	run_tool env CGFENCE_POLICY_PATH="$top/policy" "$tool" check "$top/policy/examples/mini-httpd.cgf" \
		"$top/policy/examples/shell-job.cgf" "$top/policy/examples/tls-verify.cgf"
	check "sets: the examples compile with the sets: one line each, exit 0" \
		ok_with "$(printf '%s\n' \
			"$top/policy/examples/mini-httpd.cgf: ok: profile mini-httpd, 58 rules (58 file, 0 mount, 0 device)" \
			"$top/policy/examples/shell-job.cgf: ok: profile shell-job, 133 rules (132 file, 0 mount, 1 device)" \
			"$top/policy/examples/tls-verify.cgf: ok: profile tls-verify, 45 rules (45 file, 0 mount, 0 device)")"
	rm -rf "$sets_dir"
fi

# The man pages: groff finds nothing to warn about, at its own page width and at a
# terminal's (man's 80 columns), and cgfence.8 has a heading for every command of the
# table, so the page cannot fall behind the tool. groff (package groff-base) is required:
# without it each page is a failure that says so, never a skip.
man_dir=$top/userspace/man
man_pages=(cgfence.8 cgfence.cgf.5 cgfence-runc.8)
for page in "${man_pages[@]}"; do
	name="man: groff -ww -man -z -t $page prints no warning"
	if ! command -v groff >/dev/null 2>&1; then
		result 1 "$name"
		diag "groff is not installed, so the man pages cannot be checked: apt-get install groff-base"
		continue
	fi
	if [ ! -f "$man_dir/$page" ]; then
		result 1 "$name"
		diag "$man_dir/$page does not exist"
		continue
	fi
	log=$({ groff -ww -man -z -t "$man_dir/$page" &&
		groff -ww -man -z -t -Tutf8 -rLL=78n "$man_dir/$page"; } 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq 0 ] && [ -z "$log" ]; then
		result 0 "$name"
	else
		result 1 "$name"
		diag "groff exit status: $rc"
		diag "$log"
	fi
done

# Every .name of the command table must be a .SS heading of cgfence.8, or the first word
# after a .TP (font escapes, quotes, "\-" and a leading "cgfence" do not count).
name="man: cgfence.8 has a .SS or .TP heading for every command of userspace/commands.c"
commands=$(sed -n 's/^[[:space:]]*\.name[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' \
	"$top/userspace/commands.c")
if [ -z "$commands" ]; then
	result 1 "$name"
	diag "no '.name = \"...\"' found in $top/userspace/commands.c: the check cannot read the table"
elif [ ! -f "$man_dir/cgfence.8" ]; then
	result 1 "$name"
	diag "$man_dir/cgfence.8 does not exist"
else
	headings=$(awk '
		function first_word(s, w) {
			gsub(/\\f[BIRP]|\\f\(..|\\&|"/, "", s)
			gsub(/\\-/, "-", s)
			sub(/^\.[A-Za-z]+[ \t]*/, "", s)
			sub(/^cgfence[ \t]+/, "", s)
			split(s, w, /[ \t]+/)
			return w[1]
		}
		tp { print first_word($0); tp = 0; next }
		/^\.SS[ \t]/ { print first_word($0); next }
		/^\.TP/ { tp = 1 }
	' "$man_dir/cgfence.8")
	missing=
	for c in $commands; do
		grep -qxF -- "$c" <<<"$headings" || missing+=" $c"
	done
	if [ -z "$missing" ]; then
		result 0 "$name"
	else
		result 1 "$name"
		diag "commands with no heading in userspace/man/cgfence.8:$missing"
	fi
fi

# make install-tool puts the pages where man looks.
if [ "$tool_ok" -eq 1 ]; then
	dest=$out/install
	rm -rf "$dest"
	name="man: make install-tool installs the three pages in man5 and man8"
	if log=$(make -C "$top" --no-print-directory install-tool DESTDIR="$dest" 2>&1) &&
		[ -f "$dest/usr/share/man/man8/cgfence.8" ] &&
		[ -f "$dest/usr/share/man/man8/cgfence-runc.8" ] &&
		[ -f "$dest/usr/share/man/man5/cgfence.cgf.5" ]; then
		result 0 "$name"
	else
		result 1 "$name"
		diag "$log"
		diag "installed: $(cd "$dest" 2>/dev/null && find . -path '*/man/*' -type f | sort)"
	fi
	rm -rf "$dest"
fi

finished=1
