#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Adds up the TAP results of every suite in a results directory into one closing line.
#
# Each suite writes DIR/<suite>.tap with a plan line (1..N). A suite whose file is missing,
# or whose plan does not match the results it printed, counts as one more failure: a runner
# that died half-way must never look like a smaller green run.
set -u
dir=${1:?usage: summary.sh RESULTS_DIR}
passed=0
failed=0
skipped=0
for suite in unit kunit e2e; do
	f="$dir/$suite.tap"
	if [ ! -s "$f" ]; then
		echo "# $suite: no results (the suite did not run or did not finish)"
		failed=$((failed + 1))
		continue
	fi
	# "not ok ... # TODO" is a declared expected failure (a known kernel gap): it counts as passed.
	# A skipped test is never a pass: it is counted apart.
	ok=$(grep -E '^ok [0-9]+' "$f" | grep -vc '# SKIP')
	skip=$(grep -E '^ok [0-9]+' "$f" | grep -c '# SKIP')
	todo=$(grep -cE '^not ok [0-9]+.*# TODO' "$f")
	bad=$(grep -E '^not ok [0-9]+' "$f" | grep -vc '# TODO')
	plan=$(grep -oE '^1\.\.[0-9]+' "$f" | tail -n1 | cut -d. -f3)
	total=$((ok + skip + todo + bad))
	echo "# $suite: $((ok + todo)) passed, $bad failed, $skip skipped"
	if [ -z "$plan" ] || [ "$plan" -ne "$total" ]; then
		echo "# $suite: plan ${plan:-missing} but $total results"
		bad=$((bad + 1))
	fi
	passed=$((passed + ok + todo))
	failed=$((failed + bad))
	skipped=$((skipped + skip))
done
[ -e "$dir/build.failed" ] && { echo "# build failed"; failed=$((failed + 1)); }
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
