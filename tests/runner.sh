# SPDX-License-Identifier: GPL-2.0
# What the host-side suite runners share: results collected unnumbered, numbered and judged by tests/tap.py on exit.
# shellcheck shell=bash disable=SC2154 # $top is the sourcing runner's
#
# Sourced by tests/unit/run.sh, tests/package/run.sh and tests/fuzz/run.sh, which set $top
# first. runner_start SUITE [PREFIX] starts build/results/SUITE.tap; result and diag add to it;
# on any exit the results are numbered under one plan, written, printed and judged (tests/tap.py
# check), and a runner that did not set finished=1 adds a failure of its own: a script error
# can never leave a missing or green file behind.

runner_start() { # SUITE [PREFIX]: PREFIX starts every result's name
	runner_suite=$1
	runner_prefix=${2:-}
	runner_tapfile=$top/build/results/$1.tap
	mkdir -p "$top/build/results"
	rm -f "$runner_tapfile"
	lines=()
	n=0
	failed=0
	finished=0
	trap runner_write_tap EXIT
}

result() { # STATUS NAME: STATUS 0 is ok
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		lines+=("ok - $runner_prefix$2")
	else
		lines+=("not ok - $runner_prefix$2")
		failed=$((failed + 1))
	fi
}

diag() { # TEXT: every line becomes a TAP comment
	local l
	[ -n "$1" ] || return 0
	while IFS= read -r l; do
		lines+=("#   $l")
	done <<<"$1"
}

runner_write_tap() {
	local rc=$?
	if [ "$finished" -ne 1 ]; then
		lines+=("not ok - $runner_suite: the runner reached its end (it stopped early, status $rc)")
	fi
	printf '%s\n' "${lines[@]}" | python3 "$top/tests/tap.py" number > "$runner_tapfile"
	cat "$runner_tapfile"
	python3 "$top/tests/tap.py" check --name "$runner_suite" \
		--expected-skips "$top/tests/expected-skips" "$runner_tapfile" >&2 &&
		[ "$rc" -eq 0 ] && exit 0
	exit 1
}
